"""The local worker pool: ordered_map gives fn(item) in item order for any number of processes,
and a worker's exception comes back as itself."""

import pytest

from minent.errors import DataError, UsageError
from minent.parallel.processes import ordered_map


def test_ordered_map():
    items = list(range(-40, 40))
    for jobs in (1, 2, 4):
        assert list(ordered_map(abs, items, jobs)) == [abs(x) for x in items]
    assert list(ordered_map(abs, iter([]), 3)) == []
    # an error in a worker comes back as itself, after the results before it
    got = []
    with pytest.raises(DataError, match="item 7"):
        for x in ordered_map(_fails_at_seven, range(20), 3):
            got.append(x)
    assert got == list(range(7))
    with pytest.raises(UsageError):
        list(ordered_map(abs, items, 0))


def _fails_at_seven(x):
    if x == 7:
        raise DataError("item 7")
    return x


def _stubborn(x):
    """Ignores SIGTERM and takes its time: only SIGKILL stops it."""
    import signal
    import time

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if x > 0:
        time.sleep(600)
    return x


def test_stop_workers_kills_what_sigterm_does_not_stop():
    import time

    from minent.parallel.processes import pool_context, stop_workers

    ctx = pool_context()
    tasks = ctx.Queue()
    tasks.put("x" * 1_000_000)  # a feeder thread with data nobody reads: not waited for
    ready = [ctx.Event() for _ in range(2)]

    def body(i):
        import signal

        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        ready[i].set()
        time.sleep(60)

    if ctx.get_start_method() != "fork":
        pytest.skip("the worker body is a closure: needs fork")
    procs = [ctx.Process(target=body, args=(i,), daemon=True) for i in range(2)]
    for p in procs:
        p.start()
    assert all(event.wait(10) for event in ready)
    start = time.monotonic()
    stop_workers(procs, tasks, grace=0.5)
    assert time.monotonic() - start < 10
    assert all(not p.is_alive() and p.exitcode == -9 for p in procs)


def test_ordered_map_left_early_stops_a_worker_that_ignores_sigterm():
    """Closing the generator early (``| head``) ends every worker, even one that ignores
    SIGTERM: the shutdown is :func:`stop_workers` (before, the parent waited forever)."""
    import subprocess
    import sys

    code = ("from minent.parallel import processes\n"
            "from minent.parallel.processes import ordered_map\n"
            "from tests.parallel.test_processes import _stubborn\n"
            "processes.GRACE = 0.5  # the stubborn worker is killed after that, not after 5 s\n"
            "it = ordered_map(_stubborn, [0, 1, 2, 3], 2)\n"
            "assert next(it) == 0\n"
            "it.close()\n"
            "print('closed')\n")
    from tests.support import ROOT

    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=60)
    assert r.returncode == 0 and r.stdout == b"closed\n", r.stderr
