"""Numba kernel of :func:`minent.segmentation.pairs.own_code`: the code of every occurrence of a
two-character string by the string's own earlier neighbours, in one pass over the occurrences
taken pair by pair (a counting sort, stable: each pair's occurrences stay in corpus order).

The slow Python reference is in tests/segmentation/test_pairs.py.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from minent.segmentation.kernels.viterbi import _mix, table_get


@njit(cache=True)
def own_code_logs(pid, x, p0, m):
    """ln (c/p₀(x) + V) / (t + V) for each occurrence i (pair ``pid[i]`` < *m*, unit ``x[i]``):
    t the earlier occurrences of the same pair, c those with the same unit, V their different
    units; 0 for a pair's first occurrence."""
    order, starts = pair_order(pid, m)
    return own_code_ordered(order, starts, x, p0)


@njit(cache=True)
def pair_order(pid, m):
    """The occurrences (indices into *pid*, pairs < *m*) taken pair by pair, each pair's in their
    order (a stable counting sort), and where each pair's start (m + 1 offsets)."""
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
    return order, starts


@njit(cache=True)
def own_code_ordered(order, starts, x, p0):
    """:func:`own_code_logs` of the occurrences as :func:`pair_order` orders them."""
    seen = np.zeros(len(p0), dtype=np.int64)  # occurrences so far of the current pair, per unit
    out = np.empty(len(order), dtype=np.float64)
    for p in range(len(starts) - 1):
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


# --- the passes of pair_evidence (minent.segmentation.pairs): hash tables of counts with the
# layout of minent.segmentation.kernels.viterbi.count_table (slots × (key, count), count 0 empty)

END = 0x110000  # the unit of a separator or of the text's edge (pairs._END)


@njit(cache=True, inline="always")
def _unit(ucp, i):
    """The unit of *ucp* at *i* (int64), END for a separator or a position off either edge."""
    if i < 0 or i >= len(ucp):
        return np.int64(END)
    u = np.int64(ucp[i])
    return np.int64(END) if u < 0 else u


@njit(cache=True, inline="always")
def _table_add(table, key, c):
    """Add *c* (> 0) to the count of *key* in the hash table; 1 when the key is new, else 0."""
    mask = np.uint64(len(table) - 1)
    h = _mix(key) & mask
    while True:
        if table[h, 1] == 0:
            table[h, 0] = key
            table[h, 1] = np.uint64(c)
            return 1
        if table[h, 0] == key:
            table[h, 1] += np.uint64(c)
            return 0
        h = (h + np.uint64(1)) & mask


@njit(cache=True)
def rehash(table, bigger):
    """Move every (key, count) of *table* into the empty table *bigger* (a power of two of slots)."""
    for h in range(len(table)):
        if table[h, 1] != 0:
            _table_add(bigger, table[h, 0], table[h, 1])


@njit(cache=True)
def find_pairs(ucp, a, hi, first, second, pair_table, bits, pos, pid):
    """The positions i in [a, hi) where units i and i + 1 are a pair of *pair_table* (key
    ``u << bits | w``, count its row + 1), written to *pos* and their rows to *pid*; returns how
    many. *first* / *second*: the units that begin / end some pair (a filter before the probe)."""
    k = 0
    for i in range(a, hi):
        u, w = ucp[i], ucp[i + 1]
        if u < 0 or w < 0 or not first[u] or not second[w]:
            continue
        r = table_get(pair_table, (np.uint64(u) << np.uint64(bits)) | np.uint64(w))
        if r != 0:
            pos[k] = i
            pid[k] = np.int64(r) - 1
            k += 1
    return k


@njit(cache=True)
def tally_side(ucp, a, b, edge, alone, step, bits, pos, pid, off, pid_bits, bg, free, ex):
    """One chunk [a, b) of a side's first pass: ``bg[x]`` += 1 for the unit x at i + *step* of
    every unit i at a word *edge*; the count of (u, x) in *free* for every one-character word u
    (*alone*) with x at i + *step* (key ``u << bits | x``); the count of (pair, x) in *ex* for
    the occurrences (*pos*, *pid*) whose part at pos + *off* is a one-character word, x next to
    it (key ``pid << pid_bits | x``). Returns the keys new in *free* and in *ex*."""
    new_free = 0
    new_ex = 0
    for i in range(a, b):
        u = ucp[i]
        if u < 0:
            continue
        if edge[i]:
            bg[_unit(ucp, i + step)] += 1
        if alone[i]:
            key = (np.uint64(u) << np.uint64(bits)) | np.uint64(_unit(ucp, i + step))
            new_free += _table_add(free, key, 1)
    for j in range(len(pos)):
        at = np.int64(pos[j]) + off
        if alone[at]:
            key = (np.uint64(pid[j]) << np.uint64(pid_bits)) | np.uint64(_unit(ucp, at + step))
            new_ex += _table_add(ex, key, 1)
    return new_free, new_ex


@njit(cache=True)
def free_stats(free, bits, n_units):
    """Per unit u < *n_units*: the occurrences of u as a one-character word counted in *free*
    (keys ``u << bits | x``) and the number of its different neighbours x."""
    n = np.zeros(n_units, dtype=np.int64)
    v = np.zeros(n_units, dtype=np.int64)
    for h in range(len(free)):
        c = free[h, 1]
        if c != 0:
            u = np.int64(free[h, 0] >> np.uint64(bits))
            n[u] += np.int64(c)
            v[u] += 1
    return n, v


@njit(cache=True)
def ex_stats(ex, free, part, bits, pid_bits, m):
    """Per pair p < *m*: the occurrences counted in *ex* (keys ``p << pid_bits | x``) and the
    number of its neighbours x that follow (precede) its part ``part[p]`` as a free word only
    inside p (count in *ex* >= count of ``part[p] << bits | x`` in *free*)."""
    n = np.zeros(m, dtype=np.int64)
    gone = np.zeros(m, dtype=np.int64)
    low = (np.uint64(1) << np.uint64(pid_bits)) - np.uint64(1)
    for h in range(len(ex)):
        c = ex[h, 1]
        if c != 0:
            p = np.int64(ex[h, 0] >> np.uint64(pid_bits))
            x = ex[h, 0] & low
            n[p] += np.int64(c)
            if c >= table_get(free, (np.uint64(part[p]) << np.uint64(bits)) | x):
                gone[p] += 1
    return n, gone


@njit(cache=True)
def evidence_ratios(ucp, pos, pid, off, step, part, free, ex, bits, pid_bits, total, v_all, p0, out):
    """p(x | free part) / p₀(x) for each occurrence (*pos*, *pid*), x the unit at pos + *off* +
    *step*: d / (tot · p₀(x)) + V / tot with d the part's count of x as a free word less the
    pair's own (*free* − *ex*), tot = ``total[pid]`` (N + V) and V = ``v_all[pid]``; the first
    term only where d > 0, and 1 where tot is 0 (no evidence). Written to *out*."""
    for j in range(len(pos)):
        p = np.int64(pid[j])
        tot = total[p]
        if tot > 0:
            x = _unit(ucp, np.int64(pos[j]) + off + step)
            d = (np.int64(table_get(free, (np.uint64(part[p]) << np.uint64(bits)) | np.uint64(x)))
                 - np.int64(table_get(ex, (np.uint64(p) << np.uint64(pid_bits)) | np.uint64(x))))
            first = d / (tot * p0[x]) if d > 0 else 0.0
            out[j] = first + v_all[p] / tot
        else:
            out[j] = 1.0


@njit(cache=True)
def units_at(ucp, pos, shift):
    """The units (:func:`_unit`) at the positions *pos* + *shift* of *ucp*, int32."""
    out = np.empty(len(pos), dtype=np.int32)
    for j in range(len(pos)):
        out[j] = _unit(ucp, np.int64(pos[j]) + shift)
    return out
