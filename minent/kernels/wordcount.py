"""Kernels of word tables held as code points (``minent.wordtable.WordTable``).

A table of ``n`` words is ``cps`` (int32 code points of all words, concatenated) and ``ends``
(int64, word ``i`` is ``cps[ends[i-1]:ends[i]]``, ``ends[-1]`` = 0), with ``counts`` (int64).
Words are compared as Python compares strings: code point by code point, a proper prefix first.
Sorting by (count descending, word) is an integer sort on (count, :func:`prefix_keys`) done by
numpy, then :func:`refine_ties` for the words those keys do not tell apart.
Merging two tables is :func:`minent.kernels.dag.tally_tokens` with the counts as weights.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Code points + 1 in 21 bits each (0x10FFFF + 1 < 2**21): three of them fill 63 bits of a key,
# and 0 marks "no character", so a word sorts before the words it is a proper prefix of.
_BITS = np.uint64(21)
_KEY_CHARS = 3


@njit(cache=True, nogil=True)
def prefix_keys(cps, ends):
    """uint64 key of each word's first three code points: comparing keys compares those
    prefixes as Python compares strings (shorter first on a common prefix)."""
    n = ends.size
    keys = np.zeros(n, np.uint64)
    a = 0
    for i in range(n):
        b = ends[i]
        k = np.uint64(0)
        for j in range(_KEY_CHARS):
            k <<= _BITS
            if a + j < b:
                k |= np.uint64(cps[a + j] + 1)
        keys[i] = k
        a = b
    return keys


@njit(cache=True, nogil=True)
def _before(i, j, counts, keys, cps, ends):
    """True when word ``i`` goes strictly before word ``j``: higher count, then smaller word."""
    if counts[i] != counts[j]:
        return counts[i] > counts[j]
    if keys[i] != keys[j]:
        return keys[i] < keys[j]
    # same count, same first three characters (or fewer, and then the same length): the rest
    a = (ends[i - 1] if i > 0 else 0) + _KEY_CHARS
    b = (ends[j - 1] if j > 0 else 0) + _KEY_CHARS
    a1 = ends[i]
    b1 = ends[j]
    while a < a1 and b < b1:
        if cps[a] != cps[b]:
            return cps[a] < cps[b]
        a += 1
        b += 1
    return a >= a1 and b < b1


_RUN = 24  # insertion-sorted runs before merging


@njit(cache=True, nogil=True)
def _merge_sort(idx, counts, keys, cps, ends):
    """``idx`` sorted by :func:`_before` (a stable merge sort), as a new array."""
    n = idx.size
    src = idx.copy()
    for lo in range(0, n, _RUN):
        hi = min(lo + _RUN, n)
        for k in range(lo + 1, hi):
            v = src[k]
            m = k - 1
            while m >= lo and _before(v, src[m], counts, keys, cps, ends):
                src[m + 1] = src[m]
                m -= 1
            src[m + 1] = v
    dst = np.empty_like(src)
    width = _RUN
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            p, q, o = lo, mid, lo
            while p < mid and q < hi:
                if _before(src[q], src[p], counts, keys, cps, ends):
                    dst[o] = src[q]
                    q += 1
                else:
                    dst[o] = src[p]
                    p += 1
                o += 1
            while p < mid:
                dst[o] = src[p]
                p += 1
                o += 1
            while q < hi:
                dst[o] = src[q]
                q += 1
                o += 1
        src, dst = dst, src
        width *= 2
    return src


@njit(cache=True, nogil=True)
def refine_ties(cps, ends, counts, keys, order):
    """Finish the sort of ``order`` (word numbers already sorted by count descending, then
    :func:`prefix_keys`) in place: each run of words with the same count and the same key is
    sorted by the whole word. Afterwards ``order`` is ``sorted(order, key=lambda i: (-counts[i],
    word(i)))``. The runs are short on real text (1.5 M words of poems: 13 k runs, all short),
    so nearly all the work is the plain integer sort before; a run sorts in O(k log k)."""
    n = order.size
    lo = 0
    while lo < n:
        c = counts[order[lo]]
        k = keys[order[lo]]
        hi = lo + 1
        while hi < n and counts[order[hi]] == c and keys[order[hi]] == k:
            hi += 1
        if hi - lo > 1:
            order[lo:hi] = _merge_sort(order[lo:hi], counts, keys, cps, ends)
        lo = hi


@njit(cache=True, nogil=True)
def blank_or_short(cps, ends, space, min_length):
    """True for the words to drop: shorter than ``min_length`` code points, or made only of the
    code points ``c < space.size`` with ``space[c]`` (whitespace: what ``str.strip`` removes)."""
    n = ends.size
    drop = np.zeros(n, np.bool_)
    a = 0
    for i in range(n):
        b = ends[i]
        if b - a < min_length:
            drop[i] = True
        else:
            blank = True
            for k in range(a, b):
                c = cps[k]
                if c >= space.size or not space[c]:
                    blank = False
                    break
            drop[i] = blank
        a = b
    return drop


@njit(cache=True, nogil=True)
def take_words(cps, ends, idx):
    """The sub-table of words ``idx`` (in that order): (code points, ends)."""
    total = 0
    for i in idx:
        total += ends[i] - (ends[i - 1] if i > 0 else 0)
    out = np.empty(total, np.int32)
    out_end = np.empty(idx.size, np.int64)
    o = 0
    for k in range(idx.size):
        i = idx[k]
        for c in range((ends[i - 1] if i > 0 else 0), ends[i]):
            out[o] = cps[c]
            o += 1
        out_end[k] = o
    return out, out_end


@njit(cache=True, nogil=True)
def tsv_lines(cps, ends, counts, lo, hi):
    """Code points of the lines ``word<TAB>count<LF>`` of words ``lo .. hi-1``, as
    ``minent.io.tables.write_table`` writes them: a word holding a tab or a line feed has its
    tabs, carriage returns and line feeds written as spaces; counts (≥ 0) in decimal."""
    a0 = ends[lo - 1] if lo > 0 else 0
    out = np.empty(ends[hi - 1] - a0 + 22 * (hi - lo) if hi > lo else 0, np.int32)
    digits = np.empty(20, np.int32)
    o = 0
    a = a0
    for i in range(lo, hi):
        b = ends[i]
        clean = True
        for p in range(a, b):
            if cps[p] == 9 or cps[p] == 10:
                clean = False
                break
        for p in range(a, b):
            c = cps[p]
            if not clean and (c == 9 or c == 10 or c == 13):
                c = 32
            out[o] = c
            o += 1
        out[o] = 9
        o += 1
        v = counts[i]
        nd = 0
        while True:
            digits[nd] = 48 + v % 10
            nd += 1
            v //= 10
            if v == 0:
                break
        for d in range(nd - 1, -1, -1):
            out[o] = digits[d]
            o += 1
        out[o] = 10
        o += 1
        a = b
    return out[:o]
