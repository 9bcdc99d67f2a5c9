"""Grouping a stream of documents into batches of bounded size (one rule for every command)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def batched(texts: Iterable[str], max_chars: int) -> Iterator[list[str]]:
    """Group *texts* into lists of about *max_chars* characters each (at least one text).

    A text counts its length plus one, for the separator (a newline) that joins a batch, so a
    batch of many short lines is not underestimated.

    >>> list(batched(["ab", "c", "def"], 4))
    [['ab', 'c'], ['def']]
    """
    batch: list[str] = []
    size = 0
    for text in texts:
        batch.append(text)
        size += len(text) + 1
        if size >= max_chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
