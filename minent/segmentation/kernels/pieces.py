"""Numba kernels for the distinct pieces of a corpus's units (:func:`minent.segmentation.units.distinct_pieces`).

A piece is a maximal run of units >= 0 (separators are -1). Every segmenter decodes each piece
on its own, so a piece seen k times needs decoding once.
"""

from __future__ import annotations

import numpy as np
from numba import njit

FNV_OFFSET = np.uint64(14695981039346656037)
FNV_PRIME = np.uint64(1099511628211)


@njit(cache=True)
def piece_hashes(ucp):
    """``(starts, lengths, hashes)`` of the pieces of *ucp* in order: int64, int64, uint64 (the
    FNV-1a hash of the units; equal pieces hash equal, different ones may too)."""
    n = len(ucp)
    m = 0
    for i in range(n):
        if ucp[i] >= 0 and (i == 0 or ucp[i - 1] < 0):
            m += 1
    starts = np.empty(m, dtype=np.int64)
    lengths = np.empty(m, dtype=np.int64)
    hashes = np.empty(m, dtype=np.uint64)
    p = 0
    i = 0
    while i < n:
        if ucp[i] < 0:
            i += 1
            continue
        s = i
        h = FNV_OFFSET
        while i < n and ucp[i] >= 0:
            h = (h ^ np.uint64(ucp[i])) * FNV_PRIME
            i += 1
        starts[p] = s
        lengths[p] = i - s
        hashes[p] = h
        p += 1
    return starts, lengths, hashes


@njit(cache=True)
def piece_sources(ucp, starts, lengths, hashes, order):
    """For every piece (``starts``, ``lengths`` into *ucp*), the piece it is a copy of: the
    first piece of its run of equal *hashes* in *order* (the pieces sorted by hash, stably)
    when their units are the same, else itself (a hash collision: decoded on its own)."""
    m = len(starts)
    source = np.arange(m)
    g = 0
    while g < m:
        first = order[g]
        e = g + 1
        while e < m and hashes[order[e]] == hashes[first]:
            p = order[e]
            if lengths[p] == lengths[first]:
                a = starts[p]
                b = starts[first]
                same = True
                for k in range(lengths[p]):
                    if ucp[a + k] != ucp[b + k]:
                        same = False
                        break
                if same:
                    source[p] = first
            e += 1
        g = e
    return source


@njit(cache=True)
def gather_pieces(ucp, starts, lengths, own, out):
    """Copy the pieces where *own* is true into *out* (filled with -1) one after the other, a
    separator after each; returns where each piece starts in *out* (-1 for the others)."""
    at = np.full(len(starts), -1, dtype=np.int64)
    j = 0
    for p in range(len(starts)):
        if own[p]:
            at[p] = j
            for k in range(lengths[p]):
                out[j + k] = ucp[starts[p] + k]
            j += lengths[p] + 1
    return at


@njit(cache=True)
def spread_pieces(ucp, values, source_at, out):
    """``out[i] = values[source_at[p] + k]`` for unit *i* = the *k*-th unit of the *p*-th piece
    of *ucp*; *out* is left as it is at separators."""
    p = -1
    k = 0
    for i in range(len(ucp)):
        if ucp[i] < 0:
            continue
        if i == 0 or ucp[i - 1] < 0:  # (a piece starts)
            p += 1
            k = 0
        out[i] = values[source_at[p] + k]
        k += 1
