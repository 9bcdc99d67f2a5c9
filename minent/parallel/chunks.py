"""Running a function over a stream of chunks: serially, on threads, or where the chunks are.

Every pass of ``minent newwords`` over its encoded corpus goes through :func:`map_chunks`, so the
three ways of running a pass are written once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor


def map_chunks(fn: Callable, chunks: Iterable, jobs: int, *, reduce: Callable | None = None) -> Iterator:
    """``fn(chunk)`` for every chunk, results in chunk order.

    - *chunks* held elsewhere (an object with ``map_chunks(fn, reduce=...)``, e.g.
      :class:`minent.parallel.dask.RemoteChunks`): *fn* runs where they are; with *reduce* (an
      associative, commutative sum of two results) the results are summed there and one comes
      back.
    - ``jobs <= 1``: one after the other, each chunk read only when the previous one is done.
    - otherwise on *jobs* threads (numba kernels release the GIL), with at most ``jobs + 1``
      chunks in flight; each result is yielded as soon as it and those before it are done. The
      chunks are drawn from *chunks* in this thread, so a generator may read shared state
      (a growing vocabulary) as each chunk is submitted.

    >>> list(map_chunks(len, [[1], [1, 2], []], jobs=2))
    [1, 2, 0]
    """
    if hasattr(chunks, "map_chunks"):
        yield from chunks.map_chunks(fn, reduce=reduce)
        return
    if jobs <= 1:
        for chunk in chunks:
            yield fn(chunk)
        return
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        pending = []
        for chunk in chunks:
            pending.append(pool.submit(fn, chunk))
            while len(pending) > jobs:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()
