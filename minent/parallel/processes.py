"""Worker processes on this machine, knowing no domain: the start method (fork where the
platform has it: workers share the parent's loaded models and dictionaries copy-on-write),
liveness checks, and :func:`ordered_map`, a function mapped over a stream of items by a pool of
processes with the results in input order (``minent segment --jobs``). ``minent count`` feeds
its own workers with the same helpers (:mod:`minent.words.count`).
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import signal
from collections.abc import Callable, Iterable, Iterator

from minent.errors import UsageError


def pool_context():
    """The multiprocessing context of the worker pools: fork shares the parent's loaded
    dictionary or model (copy-on-write) and starts workers instantly; spawn elsewhere."""
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


def check_alive(procs) -> None:
    """RuntimeError when a worker died (a worker that finished normally has exit code 0: its
    result is already in the pipe)."""
    if any(p.exitcode not in (None, 0) for p in procs):
        raise RuntimeError("a worker process died (out of memory, or killed)")


def next_message(results, procs, timeout: float = 0.2):
    """The next worker message, or an error if a worker died without one."""
    while True:
        try:
            return results.get(timeout=timeout)
        except queue.Empty:
            check_alive(procs)


#: Seconds that worker processes get (all together) to exit after SIGTERM, before SIGKILL.
GRACE = 5.0


def stop_workers(procs, tasks=None, grace: float | None = None) -> None:
    """Stop worker processes however the work ended (finished, failed, interrupted): SIGTERM to
    those still alive, *grace* seconds (default :data:`GRACE`, for them all) to exit, then
    SIGKILL: a worker still
    starting, or one that ignores SIGTERM, cannot block the parent. The feeder thread of the
    *tasks* queue is never waited for: nobody will read the tasks left in it."""
    import time

    for p in procs:
        if p.is_alive():
            p.terminate()
    deadline = time.monotonic() + (GRACE if grace is None else grace)
    for p in procs:
        p.join(timeout=max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join()
    if tasks is not None:
        tasks.cancel_join_thread()


def _map_worker(fn: Callable, tasks, results) -> None:
    """A process of :func:`ordered_map`: ("ok", index, fn(item)) for every (index, item) task
    until the end marker (None); ("error", index, exception) when fn raises."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while (task := tasks.get()) is not None:
        index, item = task
        try:
            results.put(("ok", index, fn(item)))
        except BaseException as e:  # report, don't die silently: the parent re-raises it
            results.put(("error", index, e))
            return


def ordered_map(fn: Callable, items: Iterable, jobs: int) -> Iterator:
    """``fn(item)`` for every item of *items*, computed by *jobs* worker processes (forked
    where possible, so *fn* and what it holds are shared, not copied) and yielded in the order of *items*. At most ``2 × jobs`` items are in flight, so
    memory stays bounded whatever the length of *items*; an exception of *fn* is re-raised
    here (the first in item order). ``jobs == 1`` calls *fn* in this process.

    >>> list(ordered_map(abs, [-3, 1, -2], 2))
    [3, 1, 2]
    """
    if jobs < 1:
        raise UsageError("jobs must be >= 1")
    if jobs == 1:
        yield from map(fn, items)
        return
    ctx = pool_context()
    tasks = ctx.Queue()
    results = ctx.Queue()
    procs = [ctx.Process(target=_map_worker, args=(fn, tasks, results), daemon=True) for _ in range(jobs)]
    for p in procs:
        p.start()
    done: dict[int, object] = {}
    errors: dict[int, BaseException] = {}
    sent = emitted = 0
    it = iter(items)
    more = True
    try:
        while True:
            while more and sent - emitted < 2 * jobs:
                try:
                    item = next(it)
                except StopIteration:
                    more = False
                    break
                tasks.put((sent, item))
                sent += 1
            if emitted == sent:
                break
            while emitted not in done:
                if emitted in errors:
                    raise errors[emitted]
                kind, index, payload = next_message(results, procs)
                (done if kind == "ok" else errors)[index] = payload
            yield done.pop(emitted)
            emitted += 1
        for _ in procs:
            tasks.put(None)
        for p in procs:
            p.join()
    finally:
        stop_workers(procs, tasks)
