"""Numba kernels of new-word discovery (docs/algorithms.md §2): cutting pieces, neighbour pairs.

Text is an int32 id array where 0 (SEP) ends every piece. A *set* of n-grams of mixed lengths
is a (m, 1 + W) uint64 row array ``[length, key words...]`` (keys packed as in
``minent.words.kernels.ngrams``) with an open-addressing index from ``build_row_index``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from minent.words.kernels.ngrams import pack_into, find_row, in_bitmap, key_map_get_at


@njit(cache=True, nogil=True, inline="always")
def piece_end(ids, i):
    """End (exclusive) of the piece starting at *i*: the first separator (id 0) at or after *i*,
    or ``len(ids)``; equals *i* when ``ids[i]`` is a separator."""
    n = ids.shape[0]
    end = i
    while end < n and ids[end] != 0:
        end += 1
    return end


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
    candidate (docs/algorithms.md §2.2 step 3). *pair_ok(a, b)* is not a callable but a sorted uint64
    array of the packed bigrams that may start a G-gram (a fast pre-filter: every G-gram's
    bigrams are frequent). Candidates longer than *max_len* are dropped (not truncated).

    Returns the candidate occurrences of length >= 2 in text order, as :func:`_emit_candidates`:
    1-D keys of the short ones and ``[length, key...]`` rows of the long ones.
    """
    n = ids.shape[0]
    joined = np.zeros(n, dtype=np.bool_)  # joined[i]: gap between i and i+1 is kept
    scratch = np.zeros((1, g_rows.shape[1]), dtype=np.uint64)
    ub = np.uint64(bits)
    # Pass 1: mark kept gaps.
    i = 0
    while i < n:
        end = piece_end(ids, i)
        if end == i:  # a separator
            i += 1
            continue
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
    return _emit_candidates(ids, joined, bits, max_len, n_words)


@njit(cache=True, nogil=True)
def cut_pieces_1d(ids, g_flat, g_codes, g_off, order, bits, max_len, n_words, first_bm, bm_shift):
    """:func:`cut_pieces` when every G-gram key is one word (order · bits <= 64).

    G is one :func:`minent.words.kernels.ngrams.key_map` per length k, concatenated in *g_flat* /
    *g_codes* with map k at ``[g_off[k]:g_off[k + 1]]``; it holds the G-grams of length k
    (code bit 2) and the length-k prefixes of longer G-grams (code bit 1), so the window at a
    position stops growing as soon as no G-gram can start there. *first_bm* is a
    :func:`minent.words.kernels.ngrams.key_bitmap` of the first bigrams of the G-grams: a position
    whose bigram is not in it starts no G-gram, and most positions are ruled out by one bit in
    cache instead of a probe per length. Each remaining window costs a rolling shift and a probe.
    """
    n = ids.shape[0]
    joined = np.zeros(n, dtype=np.bool_)
    ub = np.uint64(bits)
    i = 0
    while i < n:
        end = piece_end(ids, i)
        if end == i:  # a separator
            i += 1
            continue
        for s in range(i, end - 1):
            v = (np.uint64(ids[s]) << ub) | np.uint64(ids[s + 1])
            if not in_bitmap(first_bm, bm_shift, v):
                continue
            top = min(order, end - s)
            for k in range(2, top + 1):
                if k > 2:
                    v = (v << ub) | np.uint64(ids[s + k - 1])
                code = key_map_get_at(g_flat, g_codes, g_off[k], g_off[k + 1], v)
                if code < 0:
                    break
                if code & 2:
                    for t in range(s, s + k - 1):
                        joined[t] = True
                if code & 1 == 0:
                    break
        i = end
    return _emit_candidates(ids, joined, bits, max_len, n_words)


@njit(cache=True, nogil=True)
def _emit_candidates(ids, joined, bits, max_len, n_words):
    """The maximal joined runs of length 2..max_len, in text order: ``(short, long)``.

    A run of at most ``64 // bits`` characters (nearly all of them) is one uint64 key in the 1-D
    array *short*: ids are packed as in :func:`minent.words.kernels.ngrams.pack_ids` and, the first id
    being >= 1, keys of different lengths never collide (a k-gram key lies in
    [2^(bits·(k−1)), 2^(bits·k))). Longer runs are ``[length, key...]`` rows of *long*
    (m, 1 + n_words).
    """
    n = ids.shape[0]
    per_word = 64 // bits
    ub = np.uint64(bits)
    # Runs are disjoint and >= 2 characters long: at most n // 2 of them; np.empty leaves the
    # unused pages untouched.
    short = np.empty(n // 2 + 1, dtype=np.uint64)
    # Long runs are remembered by start and length (more than per_word characters each), then
    # packed into rows once their number is known.
    long_start = np.empty(n // (per_word + 1) + 1, dtype=np.int64)
    long_len = np.empty(n // (per_word + 1) + 1, dtype=np.int64)
    n_long = 0
    ns = 0
    i = 0
    while i < n:
        if ids[i] == 0:
            i += 1
            continue
        s = i
        v = np.uint64(ids[i])
        while joined[i]:
            i += 1
            v = (v << ub) | np.uint64(ids[i])
        length = i - s + 1
        if 2 <= length <= max_len:
            if length <= per_word:
                short[ns] = v
                ns += 1
            else:
                long_start[n_long] = s
                long_len[n_long] = length
                n_long += 1
        i += 1
    long = np.zeros((n_long, 1 + n_words), dtype=np.uint64)
    tmp = np.zeros((1, n_words), dtype=np.uint64)
    for r in range(n_long):
        pack_into(ids, long_start[r], long_len[r], bits, tmp, 0)
        long[r, 0] = np.uint64(long_len[r])
        for w in range(n_words):
            long[r, 1 + w] = tmp[0, w]
    return short[:ns], long


@njit(cache=True, nogil=True)
def neighbour_keys(ids, m_flat, v_flat, m_off, short_max, f_rows, f_slots, long_lengths, prefix_keys,
                   prefix_max, bits, first_bm, bm_shift, totals):
    """Every occurrence of every word of a set F inside a piece, and its neighbours.

    Adds the number of occurrences of word r to ``totals[r]`` and returns two uint64 arrays of
    keys ``r << 21 | neighbour id`` (left, right) for the occurrences that have a neighbour inside
    the piece (ids < 2^21). Words of length k <= *short_max* (one-word keys) are a
    :func:`minent.words.kernels.ngrams.key_map` at ``m_flat[m_off[k]:m_off[k+1]]`` holding the words of
    length k and the length-k prefixes of the longer short words, with values
    ``(word row + 1) << 1 | extends`` (row −1 for a prefix only; *extends*: some longer short
    word starts with it). It is probed with a key that rolls as the window grows, and the window
    stops growing as soon as no longer short word can start there. Longer words are rows of *f_rows* indexed
    by *f_slots*, tried only where the first bigram starts one of them (*prefix_keys*, sorted,
    with the longest such word in *prefix_max*); *long_lengths* lists their lengths, ascending.
    Positions whose bigram is not in *first_bm* (a :func:`minent.words.kernels.ngrams.key_bitmap` of
    the first bigrams of all words) start no word and are skipped after one bit test.
    """
    n = ids.shape[0]
    ub = np.uint64(bits)
    scratch = np.zeros((1, f_rows.shape[1]), dtype=np.uint64)
    # At most this many words start at one position; np.empty leaves unwritten pages alone, and a
    # fixed buffer keeps numba from re-checking a growing one in the inner loop.
    bound = n * (max(short_max - 1, 0) + long_lengths.shape[0] + 1)
    left = np.empty(bound, dtype=np.uint64)
    right = np.empty(bound, dtype=np.uint64)
    nl = 0
    nr = 0
    s = 0
    while s < n:
        start = s
        end = piece_end(ids, s)
        if end == s:  # a separator
            s += 1
            continue
        for p in range(start, end - 1):
            pk = (np.uint64(ids[p]) << ub) | np.uint64(ids[p + 1])
            if not in_bitmap(first_bm, bm_shift, pk):
                continue
            v = pk
            longest_short = min(short_max, end - p)
            for k in range(2, longest_short + 1):
                if k > 2:
                    v = (v << ub) | np.uint64(ids[p + k - 1])
                code = key_map_get_at(m_flat, v_flat, m_off[k], m_off[k + 1], v)
                if code < 0:  # neither a word nor the prefix of a longer short word
                    break
                r = (code >> 1) - 1
                if r >= 0:
                    totals[r] += 1
                    if p > start:
                        left[nl] = (np.uint64(r) << np.uint64(21)) | np.uint64(ids[p - 1])
                        nl += 1
                    if p + k < end:
                        right[nr] = (np.uint64(r) << np.uint64(21)) | np.uint64(ids[p + k])
                        nr += 1
                if code & 1 == 0:  # no longer short word starts here
                    break
            if long_lengths.shape[0] == 0 or end - p <= short_max:
                continue
            lo = np.searchsorted(prefix_keys, pk)
            if lo >= prefix_keys.shape[0] or prefix_keys[lo] != pk:
                continue
            longest = min(prefix_max[lo], end - p)
            for li in range(long_lengths.shape[0]):
                k = long_lengths[li]
                if k > longest:
                    break
                _scratch_key(ids, p, k, bits, scratch)
                r = find_row(f_rows, f_slots, scratch, 0)
                if r >= 0:
                    totals[r] += 1
                    if p > start:
                        left[nl] = (np.uint64(r) << np.uint64(21)) | np.uint64(ids[p - 1])
                        nl += 1
                    if p + k < end:
                        right[nr] = (np.uint64(r) << np.uint64(21)) | np.uint64(ids[p + k])
                        nr += 1
        s = end
    return left[:nl].copy(), right[:nr].copy()
