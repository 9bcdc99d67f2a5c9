"""The ``minent`` command line: Typer commands over the library, with the stream contract.

- data on stdout only (UTF-8), messages on stderr;
- exit codes: 0 ok, 1 bad data, 2 bad usage, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM);
- a closed stdout (``minent ... | head``) ends the program quietly with exit code 0.

Command modules are imported here only to register themselves; they import numba- and
jieba-heavy code inside the command bodies, so ``minent --help`` stays fast.
"""

from __future__ import annotations

import os
import sys

from minent.cli.app import app
from minent.cli import count  # noqa: F401  (registers `minent count`)
from minent.cli import newwords  # noqa: F401  (registers `minent newwords`)
from minent.cli import infomap  # noqa: F401  (registers `minent infomap`)
from minent.cli import wordgraph  # noqa: F401  (registers `minent wordgraph`)
from minent.cli import cooccur  # noqa: F401  (registers `minent cooccur`)
from minent.cli import segment  # noqa: F401  (registers `minent lexicon`, `minent segment`, `minent score`)
from minent.cli import estimators  # noqa: F401  (registers `minent hsic`, `dim`, `entropy`)
from minent.cli import tokenize  # noqa: F401  (registers `minent tokenize`)

__all__ = ["app", "main"]


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _caused_by_interrupt(e: BaseException) -> KeyboardInterrupt | None:
    """Ctrl-C (or SIGTERM) inside a numba function surfaces as ``SystemError: ... returned a
    result with an exception set`` chained to the KeyboardInterrupt: find it in the chain."""
    seen = set()
    while e is not None and id(e) not in seen:
        if isinstance(e, KeyboardInterrupt):
            return e
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return None


def _interrupted(e: BaseException) -> int:
    """Say why the run stopped; the exit code: 143 for SIGTERM, 130 for Ctrl-C."""
    from minent.parallel.lifeline import Terminated

    if isinstance(e, Terminated):
        sys.stderr.write("minent: terminated\n")
        return 143
    sys.stderr.write("minent: interrupted\n")
    return 130


class _ClosedStream:
    """Stands for a standard stream the shell closed (``<&-``, ``>&-``; Python then has None):
    using it is a one-line usage error, not an AttributeError traceback. ``isatty`` is False
    and ``flush``/``close`` do nothing, so code that only looks at it still runs."""

    def __init__(self, name: str, advice: str):
        self._name, self._advice = name, advice

    def isatty(self) -> bool:
        return False

    def flush(self) -> None:
        pass

    def close(self) -> None:  # multiprocessing closes stdin in its workers
        pass

    def __getattr__(self, attr: str):
        from minent.errors import UsageError

        raise UsageError(f"standard {self._name} is closed; {self._advice}")


def _invoked(group, ctx):
    """The subcommand that *ctx* (the group's context) was running, or None."""
    name = getattr(ctx, "invoked_subcommand", None) if ctx is not None else None
    return group.get_command(ctx, name) if name else None


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``minent`` command (and ``python -m minent``)."""
    from typer import Abort, Exit
    from typer.main import get_command

    from minent.cli import common
    from minent.cli.common import ENCODING_KEY, decoding_hint
    from minent.errors import InvalidBytesError, MinentError

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="strict" if stream is sys.stdout else "replace")
        except (AttributeError, ValueError):
            pass

    if sys.stdin is None:
        sys.stdin = _ClosedStream("input", "give the input as files, or open it")  # type: ignore[assignment]
    if sys.stdout is None:
        sys.stdout = _ClosedStream("output", "write to a file with --output FILE")  # type: ignore[assignment]
    common._program = argv is None
    if argv is None:  # as the program: SIGTERM stops everything like Ctrl-C, exit 143
        from minent.parallel.lifeline import handle_sigterm

        handle_sigterm()
    command = get_command(app)
    from minent.cli.app import plain_help

    plain_help(command)
    args = list(sys.argv[1:] if argv is None else argv)
    code = 0
    ctx = None
    # make_context/invoke rather than command.main(): click's main turns EPIPE into exit 1 and
    # Ctrl-C into "Aborted!", and this contract wants 0 and 130.
    try:
        with command.make_context("minent", args) as ctx:
            command.invoke(ctx)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except (KeyboardInterrupt, Abort) as e:
        code = _interrupted(e)
    except Exit as e:
        code = e.exit_code
    except MinentError as e:
        message = str(e)
        if isinstance(e, InvalidBytesError):  # the options of the command decide what to suggest
            message = decoding_hint(e, ctx.meta.get(ENCODING_KEY) if ctx is not None else None)
        sys.stderr.write(f"minent: error: {common.name_flags(message, _invoked(command, ctx))}\n")
        code = e.exit_code
    except MemoryError:
        sys.stderr.write("minent: error: out of memory\n")
        code = 1
    except OSError as e:
        where = f"{e.filename}: " if getattr(e, "filename", None) else ""
        sys.stderr.write(f"minent: error: {where}{e.strerror or e}\n")
        code = 1
    except Exception as e:
        if _caused_by_interrupt(e) is not None:
            code = _interrupted(_caused_by_interrupt(e))
        # click's ClickException family (usage errors); typer may ship its own copy of click,
        # so recognise them by their interface rather than by class.
        elif not (hasattr(e, "show") and hasattr(e, "exit_code")):
            raise
        elif type(e).__name__ == "NoArgsIsHelpError" or not hasattr(e, "format_message"):
            e.show()  # the help text itself
            code = e.exit_code
        else:
            # one line, like every other error (click's own shape is Usage/Try/Error lines)
            ctx = getattr(e, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            sys.stderr.write(f"minent: error: {' '.join(e.format_message().split())}{hint}\n")
            code = e.exit_code
    try:
        common.report_compilation()
    except Exception:  # never let a message spoil the exit code
        pass
    _finish(code, fast=argv is None)


def _finish(code: int, *, fast: bool) -> None:
    """Exit with *code*. As a program (*fast*), skip the interpreter's teardown: tearing down
    numba's and LLVM's module graph costs ~0.25 s, a third of a small run. Everything a normal
    exit does that matters still happens first: stdout and stderr are flushed (a closed pipe is
    still a quiet 0, a failed write an error) and the atexit handlers run (multiprocessing stops
    its workers, temporary files go, logging flushes). Called as a function (tests), it raises
    SystemExit as usual.
    """
    if not fast:
        sys.exit(code)
    import atexit

    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except (OSError, ValueError) as e:
        sys.stderr.write(f"minent: error: writing the output: {getattr(e, 'strerror', None) or e}\n")
        code = code or 1
    atexit._run_exitfuncs()
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)
