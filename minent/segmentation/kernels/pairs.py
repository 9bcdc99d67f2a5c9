"""Numba kernels of :mod:`minent.segmentation.pairs`: the passes of
:func:`~minent.segmentation.pairs.pair_evidence` (the pairs' occurrences found by one probe each,
the free parts' neighbours counted in hash tables, the ratios of every occurrence computed pair
by pair and summed as a chunked ``np.bincount`` sums them) and the code of every occurrence of a
two-character string by the string's own earlier neighbours (:func:`own_code_logs`: the
occurrences taken pair by pair by a stable counting sort, each pair's in corpus order).

The slow Python references are in tests/segmentation/test_pairs.py: the definition occurrence by
occurrence, and pair_evidence's former numpy version, which these kernels equal bit for bit.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from minent.segmentation.kernels.prefetch import prefetch_row
from minent.segmentation.kernels.viterbi import PREFETCH_AHEAD, mix_key, table_add, table_get


@njit(cache=True)
def own_code_logs(pid, x, p0, m):
    """ln (c/p₀(x) + V) / (t + V) for each occurrence i (pair ``pid[i]`` < *m*, unit ``x[i]``):
    t the earlier occurrences of the same pair, c those with the same unit, V their different
    units; 0 for a pair's first occurrence."""
    order, starts = pair_order(pid, m)
    sorted_logs = own_code_sorted(starts, x[order], p0)
    out = np.empty(len(pid), dtype=np.float64)
    for j in range(len(order)):
        out[order[j]] = sorted_logs[j]
    return out


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
def own_code_sorted(starts, x, p0):
    """:func:`own_code_logs` of occurrences taken pair by pair (as :func:`pair_order` orders
    them: pair p's are ``starts[p]:starts[p + 1]``), in that order."""
    seen = np.zeros(len(p0), dtype=np.int64)  # occurrences so far of the current pair, per unit
    out = np.empty(len(x), dtype=np.float64)
    for p in range(len(starts) - 1):
        a, b = starts[p], starts[p + 1]
        v = 0
        for j in range(a, b):
            u = x[j]
            c = seen[u]
            t = j - a
            if t > 0:
                out[j] = np.log((c / p0[u] + v) / max(t + v, 1))
            else:
                out[j] = 0.0
            if c == 0:
                v += 1
            seen[u] = c + 1
        for j in range(a, b):
            seen[x[j]] = 0
    return out


# --- the passes of pair_evidence: hash tables of counts with the layout of
# minent.segmentation.kernels.viterbi.count_table (slots × (key, count), count 0 empty)

END = 0x110000  # the unit of a separator or of the text's edge (pairs._END)


@njit(cache=True, inline="always")
def _unit(ucp, i):
    """The unit of *ucp* at *i* (int64), END for a separator or a position off either edge."""
    if i < 0 or i >= len(ucp):
        return np.int64(END)
    u = np.int64(ucp[i])
    return np.int64(END) if u < 0 else u


@njit(cache=True)
def find_pairs(ucp, a, hi, first, second, pair_table, bits, pos, pid):
    """The positions i in [a, hi) where units i and i + 1 are a pair of *pair_table* (key
    ``u << bits | w``, count its row + 1), written to *pos* and their rows to *pid*; returns how
    many. *first* / *second*: the units that begin / end some pair (a filter before the probe)."""
    k = 0
    mask = np.uint64(len(pair_table) - 1)
    for i in range(a, hi):
        j = i + PREFETCH_AHEAD
        if j < hi:  # (the row unit j's probe will read, when it probes)
            u, w = ucp[j], ucp[j + 1]
            if u >= 0 and w >= 0 and first[u] and second[w]:
                prefetch_row(pair_table, np.int64(mix_key((np.uint64(u) << np.uint64(bits)) | np.uint64(w)) & mask))
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
def tally_free(ucp, a, b, edge, alone, step, bits, bg, free):
    """One chunk [a, b) of a side's first pass: ``bg[x]`` += 1 for the unit x at i + *step* of
    every unit i at a word *edge*; the count of (u, x) in *free* += 1 for every one-character word
    u (*alone*) at i with x at i + *step* (key ``u << bits | x``). Returns the keys new in *free*."""
    new = 0
    mask = np.uint64(len(free) - 1)
    for i in range(a, b):
        j = i + PREFETCH_AHEAD
        if j < b and alone[j]:  # (the row unit j will add to; alone[j] implies a unit there)
            prefetch_row(free, np.int64(mix_key((np.uint64(ucp[j]) << np.uint64(bits))
                                             | np.uint64(_unit(ucp, j + step))) & mask))
        u = ucp[i]
        if u < 0:
            continue
        if edge[i]:
            bg[_unit(ucp, i + step)] += 1
        if alone[i]:
            new += table_add(free, (np.uint64(u) << np.uint64(bits)) | np.uint64(_unit(ucp, i + step)), 1)
    return new


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
def side_units(ucp, alone, pos, off, step):
    """For each occurrence at *pos*: the unit x at pos + *off* + *step* (int32) and whether its
    part at pos + *off* is a one-character word."""
    x = np.empty(len(pos), dtype=np.int32)
    free = np.empty(len(pos), dtype=np.bool_)
    k = len(pos)
    for j in range(k):
        if j + PREFETCH_AHEAD < k:  # (the positions of a pair's occurrences are far from the last pair's)
            ahead = np.int64(pos[j + PREFETCH_AHEAD]) + off
            prefetch_row(alone, ahead)
            if 0 <= ahead + step < len(ucp):
                prefetch_row(ucp, ahead + step)
        at = np.int64(pos[j]) + off
        x[j] = _unit(ucp, at + step)
        free[j] = alone[at]
    return x, free


@njit(cache=True)
def side_ratios(starts, x, is_free, part, free, bits, n_part, v_part, p0):
    """p(x | free part) / p₀(x) for each occurrence, taken pair by pair (pair p's are
    ``starts[p]:starts[p + 1]``; its neighbour ``x``, whether its part ``part[p]`` is a free
    word there ``is_free``): d / (tot · p₀(x)) + V / tot, d the part's count of x as a free word
    (*free*, keys ``part << bits | x``) less the pair's own, V the part's different neighbours
    (``v_part``) less those only ever the pair's, tot = N + V with N the part's free occurrences
    (``n_part``) less the pair's; the first term only where d > 0, and 1 where tot is 0."""
    n_units = len(n_part)
    mine = np.zeros(n_units, dtype=np.int64)  # the current pair's count of x where its part is free
    theirs = np.zeros(n_units, dtype=np.int64)  # the part's count of x as a free word
    touched = np.zeros(n_units, dtype=np.bool_)
    units = np.empty(n_units, dtype=np.int64)
    out = np.empty(len(x), dtype=np.float64)
    mask = np.uint64(len(free) - 1)
    ahead_p = 0  # (the pair of occurrence j + PREFETCH_AHEAD, whose row of *free* is asked for)
    for p in range(len(starts) - 1):
        a, b = starts[p], starts[p + 1]
        q = np.uint64(part[p]) << np.uint64(bits)
        k = 0  # (the different units next to the pair)
        n_mine = 0
        for j in range(a, b):
            ahead = j + PREFETCH_AHEAD
            if ahead < len(x):
                while starts[ahead_p + 1] <= ahead:
                    ahead_p += 1
                key = (np.uint64(part[ahead_p]) << np.uint64(bits)) | np.uint64(x[ahead])
                prefetch_row(free, np.int64(mix_key(key) & mask))
            u = x[j]
            if not touched[u]:
                touched[u] = True
                theirs[u] = np.int64(table_get(free, q | np.uint64(u)))
                units[k] = u
                k += 1
            if is_free[j]:
                mine[u] += 1
                n_mine += 1
        gone = 0
        for r in range(k):
            u = units[r]
            if mine[u] > 0 and mine[u] >= theirs[u]:
                gone += 1
        v_left = v_part[part[p]] - gone
        tot = np.float64(n_part[part[p]] - n_mine + v_left)
        v = np.float64(v_left)
        for j in range(a, b):
            if tot > 0:
                u = x[j]
                d = theirs[u] - mine[u]
                first = d / (tot * p0[u]) if d > 0 else 0.0
                out[j] = first + v / tot
            else:
                out[j] = 1.0
        for r in range(k):
            u = units[r]
            touched[u] = False
            mine[u] = 0
    return out


@njit(cache=True)
def chunk_sums(values, pos, starts, chunk):
    """Per pair p, the sum of the *values* of its occurrences (``starts[p]:starts[p + 1]``, at
    *pos* in corpus order) as ``np.bincount`` chunk by chunk of *chunk* positions adds them: in
    order within a chunk from 0, the chunks' sums added in order to 0."""
    m = len(starts) - 1
    out = np.zeros(m, dtype=np.float64)
    for p in range(m):
        total = 0.0
        j = starts[p]
        while j < starts[p + 1]:
            # (the chunk of pos[j] ends at end: the positions of a pair go up)
            end = (np.int64(pos[j]) // chunk + 1) * chunk
            partial = 0.0
            while j < starts[p + 1] and np.int64(pos[j]) < end:
                partial += values[j]
                j += 1
            total += partial
        out[p] = total
    return out
