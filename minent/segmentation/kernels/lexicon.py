"""Numba kernels of the lexicon's pruning rules (:func:`minent.segmentation.lexicon.free_pairs`,
:func:`~minent.segmentation.lexicon.unpaid_words`): every sub-string of every word looked up
among the words; and of the lexicon edits of self-training (strings looked up among the words,
counts moved between them, the neighbours of every word of a segmentation).

The words arrive as one array of code points *chars* and *offsets* (word ``w`` is
``chars[offsets[w]:offsets[w + 1]]``). :func:`word_table` indexes them in an open-addressing
hash table of word numbers; :func:`find_word` looks a sub-string up in it (a hash of its code
points, then a comparison of the characters: no false hits). Each kernel does the arithmetic of
the Python loop it replaces in the same order, so sums and comparisons come out the same to the
last bit (the slow Python references are in tests/segmentation/test_lexicon_kernels.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from minent.segmentation.kernels.prefetch import prefetch_row

NEG_INF = -np.inf


@njit(cache=True, inline="always")
def _string_hash(chars, a, b):
    # FNV-1a over the code points, then the splitmix64 finaliser
    h = np.uint64(0xCBF29CE484222325)
    for p in range(a, b):
        h = (h ^ np.uint64(chars[p])) * np.uint64(0x100000001B3)
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


@njit(cache=True, inline="always")
def _same_as(chars, offsets, w, cps, a, b):
    # whether word w of (chars, offsets) is the string cps[a:b]
    s = offsets[w]
    if offsets[w + 1] - s != b - a:
        return False
    for p in range(b - a):
        if chars[s + p] != cps[a + p]:
            return False
    return True


@njit(cache=True, inline="always")
def _probe(table, chars, offsets, cps, a, b, h):
    # the word number of the string cps[a:b] (any array of code points) whose hash is h, -1 when none
    mask = np.uint64(len(table) - 1)
    h = h & mask
    while True:
        k = table[h]
        if k < 0 or _same_as(chars, offsets, k, cps, a, b):
            return k
        h = (h + np.uint64(1)) & mask


@njit(cache=True)
def word_table(chars, offsets, use, last):
    """A hash table (int64 slots, a power of two at most half full; -1 empty) of the words *w*
    with ``use[w]``: the slot of a string holds the number of its first such word, or of its
    last with *last* (a word listed twice is one string)."""
    m = len(offsets) - 1
    size = 16
    while size < 2 * m + 2:
        size *= 2
    table = np.full(size, -1, dtype=np.int64)
    mask = np.uint64(size - 1)
    for w in range(m):
        if not use[w]:
            continue
        a, b = offsets[w], offsets[w + 1]
        h = _string_hash(chars, a, b) & mask
        while True:
            k = table[h]
            if k < 0:
                table[h] = w
                break
            if _same_as(chars, offsets, k, chars, a, b):
                if last:
                    table[h] = w
                break
            h = (h + np.uint64(1)) & mask
    return table


@njit(cache=True)
def find_word(table, chars, offsets, a, b):
    """The number that :func:`word_table` *table* of the words (*chars*, *offsets*) gives the
    string ``chars[a:b]`` (a sub-string of a word), or -1 when it is none of them."""
    return _probe(table, chars, offsets, chars, a, b, _string_hash(chars, a, b))


@njit(cache=True)
def find_strings(table, chars, offsets, cps, bounds):
    """The word number (:func:`word_table` *table* of the words *chars*, *offsets*) of every
    string ``cps[bounds[i]:bounds[i + 1]]``, -1 for a string that is none of them (int64)."""
    out = np.empty(len(bounds) - 1, dtype=np.int64)
    for i in range(len(bounds) - 1):
        a, b = bounds[i], bounds[i + 1]
        out[i] = _probe(table, chars, offsets, cps, a, b, _string_hash(cps, a, b))
    return out


@njit(cache=True)
def take_from_parts(values, words, parts, amounts, floor, first_new):
    """The loop of adding words that take their counts from their parts, in order: for item
    ``i``, ``values[words[i]] = amounts[i]``, then for each part ``p`` of ``parts[i]``
    (entry numbers, -1: none) ``values[p] = max(values[p] - amounts[i], floor)``. Entries from
    *first_new* on are strings new to the lexicon: returned are those touched, in the order
    first touched (where a dict puts a key it did not have)."""
    touched = np.zeros(len(values), dtype=np.bool_)
    order = np.empty(len(values), dtype=np.int64)
    n = 0
    for i in range(len(words)):
        c = amounts[i]
        w = words[i]
        values[w] = c
        if w >= first_new and not touched[w]:
            touched[w] = True
            order[n] = w
            n += 1
        for j in range(parts.shape[1]):
            p = parts[i, j]
            if p < 0:
                continue
            v = values[p] - c
            values[p] = v if v > floor else floor
            if p >= first_new and not touched[p]:
                touched[p] = True
                order[n] = p
                n += 1
    return order[:n]


WORDS_AHEAD = 16
"""How many words ahead :func:`word_sides` asks for the slot of the table it will probe
(:func:`~minent.segmentation.kernels.prefetch.prefetch_row`)."""


@njit(cache=True)
def word_sides(ucp, begin, table, chars, offsets, seen, lo, hi):
    """For every word of two or more units of the segmentation *begin* (word starts; a
    separator, -1, is a word of its own and a word starts after it) of the units *ucp* that is
    a word of *table* (:func:`word_table` of *chars*, *offsets*): add 1 to ``seen`` of its
    number, and fold the unit before it (``k`` = 0) and after it (``k`` = 1; -1 off the array)
    into ``lo[k]`` (minimum) and ``hi[k]`` (maximum) of its number. The words are found and
    hashed first, then looked up in order, each asking for its slot some words ahead."""
    n = len(ucp)
    starts = np.empty(n // 2 + 1, dtype=np.int64)
    ends = np.empty(n // 2 + 1, dtype=np.int64)
    hashes = np.empty(n // 2 + 1, dtype=np.uint64)
    m = 0
    s = 0
    while s < n:
        e = s + 1
        if ucp[s] >= 0:
            while e < n and begin[e] == 0 and ucp[e] >= 0:
                e += 1
        if e - s >= 2:
            starts[m] = s
            ends[m] = e
            hashes[m] = _string_hash(ucp, s, e)
            m += 1
        s = e
    mask = np.uint64(len(table) - 1)
    for j in range(m):
        if j + WORDS_AHEAD < m:
            prefetch_row(table, np.int64(hashes[j + WORDS_AHEAD] & mask))
        s, e = starts[j], ends[j]
        w = _probe(table, chars, offsets, ucp, s, e, hashes[j])
        if w >= 0:
            seen[w] += 1
            before = np.int64(ucp[s - 1]) if s > 0 else np.int64(-1)
            after = np.int64(ucp[e]) if e < n else np.int64(-1)
            if before < lo[0, w]:
                lo[0, w] = before
            if before > hi[0, w]:
                hi[0, w] = before
            if after < lo[1, w]:
                lo[1, w] = after
            if after > hi[1, w]:
                hi[1, w] = after
    return seen


@njit(cache=True)
def stem_suffix_cuts(ucp, begin, is_han, max_len):
    """Every word of 2..*max_len* - 1 units of the segmentation *begin* of the units *ucp*
    (as in :func:`word_sides`) that a one-unit word follows, all of them Han characters
    (``is_han[code point]``): its start and its length (int64), in corpus order."""
    n = len(ucp)
    starts = np.empty(n // 3 + 1, dtype=np.int64)
    lens = np.empty(n // 3 + 1, dtype=np.int64)
    k = 0
    prev, prev_len = 0, 0  # (the word before, prev_len 0 when it is not all Han)
    s = 0
    while s < n:
        e = s + 1
        han = ucp[s] >= 0 and is_han[ucp[s]]
        if ucp[s] >= 0:
            while e < n and begin[e] == 0 and ucp[e] >= 0:
                han = han and is_han[ucp[e]]
                e += 1
        if e - s == 1 and han and 2 <= prev_len < max_len:
            starts[k] = prev
            lens[k] = prev_len
            k += 1
        prev, prev_len = s, (e - s if han else 0)
        s = e
    return starts[:k], lens[:k]


@njit(cache=True)
def freedom_counts(chars, offsets, counts, char_ids, n_chars, table):
    """The sums behind the freedoms of :func:`minent.segmentation.lexicon.freedoms`: for every
    word ``w`` of count ``counts[w]``, in order, its count is added to ``alone`` of its string
    (at the number *table*, :func:`word_table` of every word with ``last`` False, gives it), to
    ``occ`` of every sub-string of two or more characters that is a word (every position) and
    to ``char_occ`` of each of its characters (*char_ids*: a dense id, < *n_chars*, of every
    code point of *chars*); a one-character word also adds it to ``char_alone``. Returns
    ``(alone, occ, char_alone, char_occ)``."""
    m = len(offsets) - 1
    alone = np.zeros(m)
    occ = np.zeros(m)
    char_alone = np.zeros(n_chars)
    char_occ = np.zeros(n_chars)
    for w in range(m):
        a, b = offsets[w], offsets[w + 1]
        c = counts[w]
        if b - a == 1:
            char_alone[char_ids[a]] += c
        else:
            alone[find_word(table, chars, offsets, a, b)] += c
        for i in range(a, b):
            char_occ[char_ids[i]] += c
            for j in range(i + 2, b + 1):
                u = find_word(table, chars, offsets, i, j)
                if u >= 0:
                    occ[u] += c
    return alone, occ, char_alone, char_occ


@njit(cache=True, inline="always")
def _free(f, threshold):
    return f > 0 and f >= threshold


@njit(cache=True)
def free_pair_mask(chars, offsets, char_ids, table, freedom, char_freedom, threshold):
    """The words that :func:`minent.segmentation.lexicon.free_pairs` returns, as a mask: two
    characters both free, or four or more that split into free words of two or more characters
    (*freedom* of each word number of *table*, *char_freedom* of each char id; free: > 0 and
    >= *threshold*)."""
    m = len(offsets) - 1
    out = np.zeros(m, dtype=np.bool_)
    split = np.zeros(1, dtype=np.bool_)
    for w in range(m):
        a, b = offsets[w], offsets[w + 1]
        n = b - a
        if n == 2:
            out[w] = _free(char_freedom[char_ids[a]], threshold) and _free(char_freedom[char_ids[a + 1]], threshold)
        elif n >= 4:
            if len(split) < n + 1:
                split = np.zeros(n + 1, dtype=np.bool_)
            split[0] = True
            for j in range(1, n + 1):
                split[j] = False
            for j in range(2, n + 1):
                for i in range(j - 1):
                    if split[i] and not (i == 0 and j == n):
                        u = find_word(table, chars, offsets, a + i, a + j)
                        if u >= 0 and _free(freedom[u], threshold):
                            split[j] = True
                            break
            out[w] = split[n]
    return out


@njit(cache=True)
def unpaid_mask(chars, offsets, table, counts, lp, floor, margin, entry_cost):
    """The words that :func:`minent.segmentation.lexicon.unpaid_words` returns, as a mask, with
    the log-probabilities *lp* of the words and *table*, :func:`word_table` of the words of
    positive count with ``last`` True (-inf for a sub-string of two or more characters that
    is none of them, *floor* for a character that is none)."""
    m = len(offsets) - 1
    out = np.zeros(m, dtype=np.bool_)
    best = np.zeros(1)
    for w in range(m):
        a, b = offsets[w], offsets[w + 1]
        n = b - a
        if n < 2:
            continue
        k = find_word(table, chars, offsets, a, b)
        if k < 0:
            out[w] = True
            continue
        if len(best) < n + 1:
            best = np.zeros(n + 1)
        best[0] = 0.0
        for j in range(1, n + 1):
            best[j] = NEG_INF
        for j in range(1, n + 1):
            for i in range(j):
                if j - i < n:
                    u = find_word(table, chars, offsets, a + i, a + j)
                    if u >= 0:
                        part = lp[u]
                    elif j - i == 1:
                        part = floor
                    else:
                        part = NEG_INF
                    v = best[i] + part
                    if v > best[j]:
                        best[j] = v
        out[w] = counts[k] * (lp[k] - best[n] - margin * (n - 1)) < entry_cost * n
    return out
