"""Kernels of word tables held as code points (``minent.words.table.WordTable``).

A table of ``n`` words is ``cps`` (int32 code points of all words, concatenated) and ``ends``
(int64, word ``i`` is ``cps[ends[i-1]:ends[i]]``, ``ends[-1]`` = 0), with ``counts`` (int64).
Words are compared as Python compares strings: code point by code point, a proper prefix first.
Sorting by word is an integer sort on :func:`prefix_keys` done by numpy, then
:func:`refine_ties` for the words those keys do not tell apart; tables sorted by word merge in
linear time (:func:`merge_sorted`), and a stable sort by count then gives (count descending,
word).
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
def _compare(cps_a, a, a1, cps_b, b, b1):
    """-1, 0 or 1 as word ``cps_a[a:a1]`` sorts before, equal to or after ``cps_b[b:b1]``."""
    while a < a1 and b < b1:
        if cps_a[a] != cps_b[b]:
            return -1 if cps_a[a] < cps_b[b] else 1
        a += 1
        b += 1
    if a < a1:
        return 1
    return -1 if b < b1 else 0


@njit(cache=True, nogil=True)
def _before(i, j, keys, cps, ends):
    """True when word ``i`` sorts strictly before word ``j``."""
    if keys[i] != keys[j]:
        return keys[i] < keys[j]
    # the same first three characters (or fewer, and then the same length): the rest decides
    a = (ends[i - 1] if i > 0 else 0) + _KEY_CHARS
    b = (ends[j - 1] if j > 0 else 0) + _KEY_CHARS
    return _compare(cps, a, ends[i], cps, b, ends[j]) < 0


_RUN = 24  # insertion-sorted runs before merging


@njit(cache=True, nogil=True)
def _merge_sort(idx, keys, cps, ends):
    """``idx`` sorted by :func:`_before` (a stable merge sort), as a new array."""
    n = idx.size
    src = idx.copy()
    for lo in range(0, n, _RUN):
        hi = min(lo + _RUN, n)
        for k in range(lo + 1, hi):
            v = src[k]
            m = k - 1
            while m >= lo and _before(v, src[m], keys, cps, ends):
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
                if _before(src[q], src[p], keys, cps, ends):
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
def refine_ties(cps, ends, keys, order):
    """Finish the sort of ``order`` (word numbers already sorted by :func:`prefix_keys`) in
    place: each run of words with the same key is sorted by the whole word, so that ``order``
    becomes ``sorted(order, key=word)``. The runs are short on real text (a worker's 0.9 M poem
    words: all three-character prefixes but a few thousand are unique), so nearly all the work is
    the integer sort before; a run of k words sorts in O(k log k)."""
    n = order.size
    lo = 0
    while lo < n:
        k = keys[order[lo]]
        hi = lo + 1
        while hi < n and keys[order[hi]] == k:
            hi += 1
        if hi - lo > 1:
            order[lo:hi] = _merge_sort(order[lo:hi], keys, cps, ends)
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


@njit(cache=True, nogil=True)
def merge_sorted(cps_a, ends_a, counts_a, cps_b, ends_b, counts_b):
    """Two tables sorted by word (each word once) merged into one, sorted by word, the counts
    of a word in both summed: (code points, ends, counts). Linear time."""
    na = ends_a.size
    nb = ends_b.size
    cps = np.empty(cps_a.size + cps_b.size, np.int32)
    ends = np.empty(na + nb, np.int64)
    counts = np.empty(na + nb, np.int64)
    i = j = n = o = 0
    a = b = 0
    while i < na or j < nb:
        if i < na and j < nb:
            c = _compare(cps_a, a, ends_a[i], cps_b, b, ends_b[j])
        else:
            c = -1 if i < na else 1
        count = 0
        if c <= 0:  # word i of a comes next (and is word j of b too when c == 0)
            a1 = ends_a[i]
            cps[o:o + a1 - a] = cps_a[a:a1]
            o += a1 - a
            count += counts_a[i]
            a = a1
            i += 1
        if c >= 0:
            b1 = ends_b[j]
            if c > 0:
                cps[o:o + b1 - b] = cps_b[b:b1]
                o += b1 - b
            count += counts_b[j]
            b = b1
            j += 1
        counts[n] = count
        ends[n] = o
        n += 1
    return cps[:o], ends[:n], counts[:n]
