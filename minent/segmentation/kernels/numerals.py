"""Numba kernel of the numeral rules (:mod:`minent.segmentation.numerals`): the numeral runs of
a batch of units and the cuts they impose, in one pass over the units."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _sorted_member(keys, x):
    """Whether *x* is one of the sorted *keys* (binary search)."""
    lo = 0
    hi = len(keys)
    while lo < hi:
        mid = (lo + hi) // 2
        if keys[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo < len(keys) and keys[lo] == x


@njit(cache=True)
def numeral_cut_flags(ucp, numeral, rank, number_unit, points, fen, zhi, classifiers, joins, use_joins,
                      key_base):
    """``(inside, start)`` of :func:`minent.segmentation.numerals.numeral_cuts` (see there for
    the rules) of the units *ucp* (-1 = separator): *numeral* and *rank* are the tables
    ``numeral_table()`` and ``place_rank()`` by code point, *number_unit* the code point of a
    number, *points* the decimal points' code points, *fen* and *zhi* those of the fraction
    word, *classifiers* and *joins* (pairs ``a · key_base + b``; looked at only with
    *use_joins*) sorted. Each numeral run is handled as it closes: its rules need only it, the
    unit after it and the run before it."""
    n = len(ucp)
    inside = np.zeros(n, dtype=np.bool_)
    start = np.zeros(n, dtype=np.bool_)
    # kind: 1 a numeral character, 2 a number, 3 a decimal point or fraction word between two
    # of them (judged on kinds 1 and 2 only: those units are neither)
    kind = np.zeros(n, dtype=np.uint8)
    for i in range(n):
        c = ucp[i]
        if c >= 0:
            if numeral[c]:
                kind[i] = 1
            elif c == number_unit:
                kind[i] = 2
    for i in range(1, n - 1):
        c = ucp[i]
        if c == fen:
            if i < n - 2 and ucp[i + 1] == zhi and 0 < kind[i - 1] < 3 and 0 < kind[i + 2] < 3:
                kind[i] = 3
                kind[i + 1] = 3
            continue
        for p in points:
            if c == p and 0 < kind[i - 1] < 3 and 0 < kind[i + 1] < 3:
                kind[i] = 3
    prev_end = -1  # (the end of the last run kept)
    s = -1  # the open run: its start, last unit, that unit's place rank, numeral characters
    last = -2
    last_rank = 0
    n_han = 0
    for i in range(n + 1):
        if i < n and kind[i] == 0:
            continue
        r = rank[ucp[i]] if i < n else 0
        if s >= 0 and (i == n or i != last + 1 or (r > 0 and last_rank > r)):
            e = last + 1  # the open run closes
            if n_han > 0:
                for j in range(s + 1, e):
                    inside[j] = True
                if e < n and _sorted_member(classifiers, ucp[e]):
                    start[e] = True
                    if use_joins and s > 0 and ucp[s - 1] >= 0:
                        key = np.int64(ucp[s - 1]) * key_base + np.int64(ucp[s])
                        if not _sorted_member(joins, key):
                            start[s] = True
                if prev_end == s:  # (two numbers side by side: 150万 千瓦)
                    start[s] = True
                prev_end = e
            s = -1
        if i == n:
            break
        if s < 0:
            s = i
            n_han = 0
        last = i
        last_rank = r
        if kind[i] == 1:
            n_han += 1
    return inside, start
