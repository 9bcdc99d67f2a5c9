"""Cutting the inputs of a corpus into tasks of about equal on-disk size, for the local process
pool and for Dask alike.

A large uncompressed file is cut into byte ranges; a range owns the lines that *start* inside it
(:meth:`~minent.io.corpus.Corpus.range_documents`), so every line is read exactly once.
Compressed files, CSV inputs and small files are whole pieces; consecutive small files are
grouped. A task is a few ``(path, start, end)`` triples, never text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from minent.errors import UsageError
from minent.io.corpus import Corpus
from minent.io.sources import is_stream

MIN_PARTITION = 1 << 20
MAX_PARTITION = 64 << 20


@dataclass(frozen=True)
class Task:
    """One unit of work: ``(path, start, end)`` pieces (``end=None``: to the end of the file)."""

    pieces: tuple[tuple[str, int, int | None], ...]
    nbytes: int

    def describe(self) -> str:
        path, start, end = self.pieces[0]
        where = path if (start, end) == (0, None) else f"{path} bytes {start}-{end if end is not None else 'end'}"
        return where + (f" (+{len(self.pieces) - 1} more files)" if len(self.pieces) > 1 else "")


def plan_tasks(corpus: Corpus, partition_bytes: int) -> list[Task]:
    """Cut the file inputs of *corpus* into tasks of about *partition_bytes* on-disk bytes.

    Splittable files larger than that become equal byte ranges; other files stay whole, and
    consecutive small ones are grouped up to *partition_bytes*. Standard input is left out (the
    client reads it).
    """
    if partition_bytes < 1:
        raise UsageError("`partition_bytes` must be ≥ 1")
    tasks: list[Task] = []
    group: list[tuple[str, int, int | None]] = []
    group_bytes = 0
    for path in corpus.paths:
        if is_stream(path):  # standard input, a pipe: read once, by the client
            continue
        size = os.path.getsize(path)
        if size > partition_bytes and corpus.splittable(path):
            n = -(-size // partition_bytes)
            step = -(-size // n)
            for start in range(0, size, step):
                end = start + step if start + step < size else None  # the last range reads to EOF
                tasks.append(Task(((path, start, end),), min(step, size - start)))
            continue
        if group and group_bytes + size > partition_bytes:
            tasks.append(Task(tuple(group), group_bytes))
            group, group_bytes = [], 0
        group.append((path, 0, None))
        group_bytes += size
    if group:
        tasks.append(Task(tuple(group), group_bytes))
    return tasks


def default_partition_bytes(total_bytes: int, parallelism: int) -> int:
    """About four tasks per worker thread (load balance), within [1 MiB, 64 MiB] (overhead, memory)."""
    return max(MIN_PARTITION, min(MAX_PARTITION, -(-total_bytes // max(1, 4 * parallelism))))
