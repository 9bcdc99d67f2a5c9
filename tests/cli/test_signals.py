"""SIGTERM (plain `kill`, `Popen.terminate()`, `docker stop`) is handled like Ctrl-C: workers stop,
no temporary file is left, exit 143; and workers notice a parent that died without cleaning up
(SIGKILL). Tested by process group, like the Ctrl-C test in test_cli.py."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.support import ROOT, SAMPLE, minent_command


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _group_members(pgid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid and fields[0] != "Z":
                    out.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return out


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(c) for c in fh.read().split()]
    except OSError:
        return []


def _start(args, cwd=ROOT) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([*minent_command(), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=cwd, start_new_session=True)


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to follow processes")


def test_sigterm_to_the_parent_stops_the_workers_and_exits_143():
    proc = _start(["count", "-", "-j", "2"])
    proc.stdin.write(SAMPLE.read_bytes() * 20)
    proc.stdin.flush()
    assert _wait_for(lambda: len(_children(proc.pid)) >= 2 or proc.poll() is not None, 120), "no workers"
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)  # the parent only, as `kill PID` or docker stop does
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert b"Traceback" not in err and b"terminated" in err
    assert _wait_for(lambda: not _group_alive(proc.pid), 10), "worker processes survived SIGTERM"


def test_sigterm_removes_the_temporary_output_file(tmp_path):
    out = tmp_path / "tokens.txt"
    proc = _start(["tokenize", "-", "-o", str(out)], cwd=tmp_path)
    proc.stdin.write("我来到北京清华大学\n".encode() * 200_000)  # more than a batch: writing has begun
    proc.stdin.flush()
    temporary = lambda: [p for p in tmp_path.iterdir() if p.name.startswith(".tokens.txt.")]  # noqa: E731
    assert _wait_for(lambda: temporary() or proc.poll() is not None, 120) and temporary(), proc.stderr.read()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert not temporary() and not out.exists(), list(tmp_path.iterdir())
    assert b"Traceback" not in err


def test_workers_exit_when_the_parent_is_killed():
    proc = _start(["count", "-", "-j", "2"])
    proc.stdin.write(SAMPLE.read_bytes() * 20)
    proc.stdin.flush()
    assert _wait_for(lambda: len(_children(proc.pid)) >= 2 or proc.poll() is not None, 120), "no workers"
    workers = _children(proc.pid)
    proc.kill()  # SIGKILL: the parent cannot clean anything up
    proc.wait(timeout=30)
    assert _wait_for(lambda: not _group_members(proc.pid), 10), f"orphaned workers {workers} still run"
    proc.stdin.close()


def _lifeline_sessions(parent: int) -> list[int]:
    found = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/cmdline", "rb") as fh:
                    argv = fh.read().split(b"\0")
            except OSError:
                continue
            if b"minent.parallel.lifeline" in argv and str(parent).encode() in argv:
                found.append(int(d))
    return found


def test_local_dask_cluster_dies_with_a_killed_parent():
    pytest.importorskip("distributed")
    proc = _start(["count", "-", "--scheduler", "local", "-j", "1"])
    proc.stdin.write(SAMPLE.read_bytes())
    proc.stdin.flush()
    assert _wait_for(lambda: len(_lifeline_sessions(proc.pid)) == 2 or proc.poll() is not None, 120)
    sessions = _lifeline_sessions(proc.pid)
    assert len(sessions) == 2, proc.stderr.read() if proc.poll() is not None else "cluster not started"
    members = {pid for s in sessions for pid in _group_members(s)}
    assert _wait_for(lambda: len({pid for s in sessions for pid in _group_members(s)}) > 2, 60)
    members = {pid for s in sessions for pid in _group_members(s)}
    proc.kill()
    proc.wait(timeout=30)
    assert _wait_for(lambda: not any(_group_members(s) for s in sessions), 20), f"cluster {members} survived"
    proc.stdin.close()
