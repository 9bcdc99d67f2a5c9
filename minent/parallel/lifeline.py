"""Processes that end with minent: SIGTERM handled like Ctrl-C, helpers that die with their parent.

- :class:`Terminated` is raised in the main thread by :func:`handle_sigterm`'s handler. It is a
  ``KeyboardInterrupt``, so every cleanup path written for Ctrl-C runs for ``kill``,
  ``Popen.terminate()``, ``docker stop`` or systemd too: worker pools are stopped, the local
  Dask cluster is killed, the temporary file of ``--output`` is removed; the program exits 143
  (128 + SIGTERM).
- :func:`die_with_parent`, called first thing in a worker process, makes the worker exit when
  its parent is gone, even if the parent was killed with SIGKILL and could clean nothing up:
  on Linux the kernel delivers SIGKILL at the parent's death (``prctl(PR_SET_PDEATHSIG)``);
  elsewhere a daemon thread polls ``os.getppid()``.
- ``python -m minent.parallel.lifeline PARENT_PID MODULE ARGS...`` runs ``python -m MODULE ARGS...``
  (a Dask scheduler or worker of ``--scheduler local``) in a session of its own that is killed
  as a whole — the module's own child processes too — once process PARENT_PID is gone.

Only the standard library is used.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading

#: how often the fallback watchdog looks at the parent (seconds)
POLL_SECONDS = 0.5


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: stop like Ctrl-C, exit 143."""


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


def handle_sigterm() -> None:
    """From now on SIGTERM raises :class:`Terminated` in the main thread (main thread only; a
    no-op elsewhere or where signals cannot be set)."""
    if threading.current_thread() is not threading.main_thread():
        return
    try:
        signal.signal(signal.SIGTERM, _raise_terminated)
    except (ValueError, OSError, AttributeError):
        pass


@contextlib.contextmanager
def default_sigterm():
    """Around starting (forking) worker processes: they begin with SIGTERM's default action
    (they end), not with the parent's handler, which a worker would only turn into a traceback
    while it starts. The parent's handler is back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _watch(parent: int, action) -> None:
    def loop() -> None:
        import time

        while True:
            if os.getppid() != parent:
                action()
                return
            time.sleep(POLL_SECONDS)

    threading.Thread(target=loop, name="minent-parent-watch", daemon=True).start()


def _kill_self() -> None:
    os._exit(1)


def _prctl_pdeathsig(sig: int) -> bool:
    """Ask Linux to send *sig* to this process when the thread that forked it ends."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(parent: int | None = None) -> None:
    """Make this (worker) process end when its parent *parent* (default: the current one) ends.

    Must be called in the child. The death signal is SIGKILL: a worker has nothing to save.
    The death signal follows the parent *thread* that forked the child; minent starts its
    workers from the main thread, which lives as long as the process. If the parent is already
    gone when this runs, the process exits at once.
    """
    parent = os.getppid() if parent is None else parent
    if not _prctl_pdeathsig(signal.SIGKILL):
        _watch(parent, _kill_self)
    if os.getppid() != parent:  # died before the death signal was armed
        os._exit(1)
    # default SIGTERM: a worker told to stop stops (a forked worker inherits the parent's
    # Python handler, which would turn it into an exception to report)
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except (ValueError, OSError):
        pass


def _kill_session() -> None:
    try:
        os.killpg(os.getpgid(0), signal.SIGKILL)
    finally:
        os._exit(1)


def main(argv: list[str]) -> None:
    """``python -m minent.parallel.lifeline PARENT_PID MODULE ARGS...`` (see the module docstring)."""
    import runpy

    parent, module, *args = argv
    parent_pid = int(parent)
    if os.getppid() != parent_pid:
        sys.exit(1)
    _watch(parent_pid, _kill_session)
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
