"""Numba kernel of :func:`minent.segmentation.pairs.own_code`: the code of every occurrence of a
two-character string by the string's own earlier neighbours, in one pass over the occurrences
taken pair by pair (a counting sort, stable: each pair's occurrences stay in corpus order).

The slow Python reference is in tests/segmentation/test_pairs.py.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def own_code_logs(pid, x, p0, m):
    """ln (c/p₀(x) + V) / (t + V) for each occurrence i (pair ``pid[i]`` < *m*, unit ``x[i]``):
    t the earlier occurrences of the same pair, c those with the same unit, V their different
    units; 0 for a pair's first occurrence."""
    k = len(pid)
    starts = np.zeros(m + 1, dtype=np.int64)
    for i in range(k):
        starts[pid[i] + 1] += 1
    for p in range(m):
        starts[p + 1] += starts[p]
    fill = starts[:m].copy()
    order = np.empty(k, dtype=np.int64)
    for i in range(k):
        order[fill[pid[i]]] = i
        fill[pid[i]] += 1
    seen = np.zeros(len(p0), dtype=np.int64)  # occurrences so far of the current pair, per unit
    out = np.empty(k, dtype=np.float64)
    for p in range(m):
        a, b = starts[p], starts[p + 1]
        v = 0
        for j in range(a, b):
            i = order[j]
            u = x[i]
            c = seen[u]
            t = j - a
            if t > 0:
                out[i] = np.log((c / p0[u] + v) / max(t + v, 1))
            else:
                out[i] = 0.0
            if c == 0:
                v += 1
            seen[u] = c + 1
        for j in range(a, b):
            seen[x[order[j]]] = 0
    return out
