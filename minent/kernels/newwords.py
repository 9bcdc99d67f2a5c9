"""Numba kernels of new-word discovery (ALGORITHMS.md §2): cutting pieces, neighbour pairs.

Text is an int32 id array where 0 (SEP) ends every piece. A *set* of n-grams of mixed lengths
is a (m, 1 + W) uint64 row array ``[length, key words...]`` (keys packed as in
``minent.kernels.ngrams``) with an open-addressing index from ``build_row_index``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from minent.kernels.ngrams import _pack_into, find_row


@njit(cache=True, nogil=True)
def _scratch_key(ids, start, k, bits, scratch):
    scratch[0, 0] = np.uint64(k)
    for w in range(1, scratch.shape[1]):
        scratch[0, w] = np.uint64(0)
    # Pack into words 1.. of the scratch row.
    per_word = 64 // bits
    ub = np.uint64(bits)
    w = 1
    d = 0
    v = np.uint64(0)
    for j in range(k):
        v = (v << ub) | np.uint64(ids[start + j])
        d += 1
        if d == per_word:
            scratch[0, w] = v
            w += 1
            d = 0
            v = np.uint64(0)
    if d > 0:
        scratch[0, w] = v


@njit(cache=True, nogil=True)
def cut_pieces(ids, g_rows, g_slots, order, bits, max_len, n_words, pair_ok):
    """Cut every piece where no n-gram of the set G covers the gap; return the candidates.

    The gap between characters i and i+1 of a piece is kept iff some g in G (length 2..order)
    occurring in the piece spans both characters, so overlapping G-grams chain into one
    candidate (ALGORITHMS.md §2.2 step 3). *pair_ok(a, b)* is not a callable but a sorted uint64
    array of the packed bigrams that may start a G-gram (a fast pre-filter: every G-gram's
    bigrams are frequent). Candidates longer than *max_len* are dropped (not truncated).

    Returns (m, 1 + n_words) rows ``[length, key...]`` of every candidate occurrence of length
    >= 2, in text order.
    """
    n = ids.shape[0]
    joined = np.zeros(n, dtype=np.bool_)  # joined[i]: gap between i and i+1 is kept
    scratch = np.zeros((1, g_rows.shape[1]), dtype=np.uint64)
    ub = np.uint64(bits)
    # Pass 1: mark kept gaps.
    i = 0
    while i < n:
        if ids[i] == 0:
            i += 1
            continue
        end = i
        while end < n and ids[end] != 0:
            end += 1
        # Frequent-bigram flags of this piece's gaps.
        for s in range(i, end - 1):
            pk = (np.uint64(ids[s]) << ub) | np.uint64(ids[s + 1])
            lo = np.searchsorted(pair_ok, pk)
            if lo >= pair_ok.shape[0] or pair_ok[lo] != pk:
                continue
            top = min(order, end - s)
            for k in range(2, top + 1):
                # A G-gram needs all its bigrams frequent; stop extending at the first rare one.
                if k > 2:
                    q = (np.uint64(ids[s + k - 2]) << ub) | np.uint64(ids[s + k - 1])
                    lo = np.searchsorted(pair_ok, q)
                    if lo >= pair_ok.shape[0] or pair_ok[lo] != q:
                        break
                _scratch_key(ids, s, k, bits, scratch)
                if find_row(g_rows, g_slots, scratch, 0) >= 0:
                    for t in range(s, s + k - 1):
                        joined[t] = True
        i = end
    # Pass 2: count the candidate occurrences, then write them.
    m = 0
    i = 0
    while i < n:
        if ids[i] == 0:
            i += 1
            continue
        s = i
        while i < n and ids[i] != 0 and joined[i] and i + 1 < n and ids[i + 1] != 0:
            i += 1
        length = i - s + 1
        if 2 <= length <= max_len:
            m += 1
        i += 1
    out = np.zeros((m, 1 + n_words), dtype=np.uint64)
    tmp = np.zeros((1, n_words), dtype=np.uint64)
    r = 0
    i = 0
    while i < n:
        if ids[i] == 0:
            i += 1
            continue
        s = i
        while i < n and ids[i] != 0 and joined[i] and i + 1 < n and ids[i + 1] != 0:
            i += 1
        length = i - s + 1
        if 2 <= length <= max_len:
            _pack_into(ids, s, length, bits, tmp, 0)
            out[r, 0] = np.uint64(length)
            for w in range(n_words):
                out[r, 1 + w] = tmp[0, w]
            r += 1
        i += 1
    return out


@njit(cache=True, nogil=True)
def neighbour_pairs(ids, f_rows, f_slots, lengths, bits, prefix_ok):
    """Every occurrence of every word of the set F inside a piece, with its neighbours.

    Returns (word row, left id, right id) int64 triples; a neighbour id is 0 at a piece
    boundary. *lengths* is the sorted array of word lengths present in F; *prefix_ok* the
    sorted packed bigrams that start some word of F (a cheap pre-filter).
    """
    n = ids.shape[0]
    ub = np.uint64(bits)
    scratch = np.zeros((1, f_rows.shape[1]), dtype=np.uint64)
    cap = 1024
    out = np.empty((cap, 3), dtype=np.int64)
    m = 0
    start = 0  # start of the current piece
    for s in range(n):
        if ids[s] == 0:
            start = s + 1
            continue
        if s + 1 >= n or ids[s + 1] == 0:
            continue
        pk = (np.uint64(ids[s]) << ub) | np.uint64(ids[s + 1])
        lo = np.searchsorted(prefix_ok, pk)
        if lo >= prefix_ok.shape[0] or prefix_ok[lo] != pk:
            continue
        # Length of the rest of the piece from s.
        end = s
        while end < n and ids[end] != 0:
            end += 1
        for li in range(lengths.shape[0]):
            k = lengths[li]
            if s + k > end:
                break
            _scratch_key(ids, s, k, bits, scratch)
            r = find_row(f_rows, f_slots, scratch, 0)
            if r >= 0:
                if m == cap:
                    bigger = np.empty((cap * 2, 3), dtype=np.int64)
                    bigger[:cap] = out
                    out = bigger
                    cap *= 2
                out[m, 0] = r
                out[m, 1] = ids[s - 1] if s > start else 0
                out[m, 2] = ids[s + k] if s + k < end else 0
                m += 1
    return out[:m].copy()


@njit(cache=True, nogil=True)
def entropy_from_pairs(word, neighbour, n_words, totals):
    """Branching entropy per word from sorted (word, neighbour) pairs (neighbour 0 = boundary).

    H = ln N − Σ_c N(c) ln N(c) / N with N = totals[w]; boundary occurrences count as distinct
    neighbours (their c ln c is 0).
    """
    clogc = np.zeros(n_words, dtype=np.float64)
    m = word.shape[0]
    i = 0
    while i < m:
        j = i
        while j < m and word[j] == word[i] and neighbour[j] == neighbour[i]:
            j += 1
        c = j - i
        if neighbour[i] != 0:
            clogc[word[i]] += c * np.log(c)
        i = j
    out = np.zeros(n_words, dtype=np.float64)
    for w in range(n_words):
        t = totals[w]
        if t > 0:
            h = np.log(t) - clogc[w] / t
            out[w] = h if h > 0.0 else 0.0
    return out
