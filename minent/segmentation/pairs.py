"""Two-character words told from collocations by their neighbours (docs/algorithms.md §3.4).

A unigram lexicon judges a pair ab by its own count and PMI, and on a small corpus that does
not separate the words of bound or function characters (为了, 现在, 但是: PMI about 2 nats in
CityU's 67k characters) from the collocations of free words (这是, 不能, 全国: the same). What
does separate them is what stands around them. If ab is the two words a and b, the character
after ab is whatever follows the free word b, and the one before it whatever precedes the free
word a; if ab is a word, its neighbours are those of a word boundary and owe nothing to b's or
a's own habits (after 现在 comes a clause, after the free 在 a place).

For a pair ab the *right evidence* is the log-likelihood ratio of the characters x that follow
its occurrences under two hypotheses:

    E_R(ab) = Σ_occurrences ln p(x | free b) / p₀(x)

p₀ is the distribution of the unit after any word end of the segmentation (a separator counts
as a unit) and p(x | free b) that of the unit after b where b is a one-character word, without
the occurrences of ab itself (else a pair the segmentation cut would explain itself),
interpolated with p₀ by Witten-Bell: p = (d(x) + V·p₀(x)) / (N + V), N the occurrences of free
b left, d(x) those followed by x, V the number of different units that follow them. With few
free occurrences p tends to p₀ and the evidence to 0: no constant is chosen. The *left
evidence* E_L is the same with the unit before ab, a in place of b and word starts in place of
word ends. E_L > 0 and E_R > 0: both sides are explained by the parts better than by a word
boundary; E_L < 0 and E_R < 0: by neither (a word).

p₀ describes an average word, and a function word is not one: 但是 comes after a comma as the
free 但 does, and over 1 275 occurrences in hotel reviews its E_L is +1 682 nats. So a lexicon
word is cut (a collocation) only when its parts also beat the word's own neighbours: E'_L > 0
and E'_R > 0, E' = Σ ln p(x | free part) / p(x | the word's own past), where the word's own code
is the same Witten-Bell estimate over the neighbours of its earlier occurrences, backed off to
p₀ (:func:`own_code`; its first occurrence is coded by p₀). In a small corpus this is nearly the
sign rule; a frequent word with neighbours of its own (但是, 还是, but also 这家 before 酒店) stays
whole. Computed on the hybrid's first segmentation by
:func:`pair_evidence` (numba kernels, one pass over the corpus a side) and applied by
:meth:`minent.segmentation.hybrid.HybridSegmenter.settle_pairs`.
"""

from __future__ import annotations

import numpy as np

MIN_PAIRS = 2
"""A pair of one-character words becomes a word only when the segmentation cut it at least this
many times: the smallest evidence of a repeated pattern (as for classifiers and suffixes)."""

_END = 0x110000  # the unit of a separator or of the text's edge (above every code point)
_BITS = 21  # bits of a unit in a packed key (0x110000 < 2**21)


def word_edges(ucp: np.ndarray, begin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where a word starts and where one ends, for every unit of *ucp* (separators -1, each a
    token of its own) segmented by *begin* (uint8 word starts)."""
    n = len(ucp)
    sep = ucp < 0
    start = (begin[:n] != 0) | sep | np.concatenate([[True], sep[:-1]])
    end = np.append(start[1:], True)
    return start, end


CHUNK_UNITS = 1 << 20
"""Units of the corpus read at a time by :func:`pair_evidence`, and the chunks its sums are made
of: its working memory is the corpus's edges (a byte a unit), 25 bytes an occurrence of a pair,
and a hash table of the free parts' neighbours (a new chunk may at most double it)."""


def pair_evidence(ucp: np.ndarray, begin: np.ndarray, pairs: np.ndarray, *,
                  chunk: int = CHUNK_UNITS, own: bool = False) -> tuple[np.ndarray, ...]:
    """The left and right evidence (module docstring; nats, float64) of every pair of code points
    in the rows of *pairs* ((m, 2) int, rows distinct), over its occurrences in the units *ucp*
    (-1 between pieces) segmented by *begin*. A pair that never occurs has evidence 0 on both sides.
    With *own*, also the evidence of each side against the pair's own neighbours (module
    docstring): E' = E − Σ ln p(x | the pair's own past) / p₀(x) (:func:`own_code`; there a unit
    never seen at a word edge counts as half an occurrence), returned after E_L, E_R.

    The occurrences of the pairs are found once and taken pair by pair (4 bytes each, in corpus
    order within a pair). Per side, one pass over the corpus, *chunk* units at a time, counts
    the neighbours of the free parts, keyed by (part, x), in a hash table; then each pair's
    occurrences in turn give its own counts where its part is free, the ratio of each occurrence
    and its logarithm (numpy), summed per pair chunk by chunk of *chunk* units, as a bincount of
    every chunk would (:mod:`minent.segmentation.kernels.pairs`; the sums are the same bit for
    bit whatever way the counts are kept). 20M characters of poems and reviews, 608k pairs:
    3.5 s CPU (13.4 s when each chunk's counts were sorted by numpy)."""
    from minent.segmentation.kernels.pairs import (chunk_sums, find_pairs, free_stats, own_code_sorted, pair_order,
                                                   side_ratios, side_units, tally_free)
    from minent.segmentation.kernels.viterbi import count_table, pack_rows

    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    m, n = len(pairs), len(ucp)
    if m == 0 or n < 2:
        return (np.zeros(m),) * (4 if own else 2)
    start, end = word_edges(ucp, begin)
    sep = ucp < 0
    alone = start & end & ~sep  # one-character words
    # where a pair of *pairs* may start (both its units in some row)
    first = np.zeros(_END + 1, dtype=bool)
    second = np.zeros(_END + 1, dtype=bool)
    first[pairs[:, 0]] = True
    second[pairs[:, 1]] = True
    pair_table = count_table(pack_rows(pairs, _BITS), np.arange(1, m + 1))  # pair → its row + 1
    sides = {-1: (start, pairs[:, 0]), +1: (end, pairs[:, 1])}  # step: (edge, the part of each pair)
    pid_bits = max(_BITS, m.bit_length())  # (a key (pair's row, x) of the pair's occurrences)

    # the occurrences of the pairs, found once, then taken pair by pair (each pair's in corpus
    # order): their positions (4 bytes each)
    small = np.int32 if n < 2**31 and m < 2**31 else np.int64
    found = []
    pos_buf, pid_buf = np.empty(min(chunk, n), dtype=small), np.empty(min(chunk, n), dtype=small)
    for a in range(0, n - 1, chunk):
        k = find_pairs(ucp, a, min(a + chunk, n - 1), first, second, pair_table, _BITS, pos_buf, pid_buf)
        found.append((pos_buf[:k].copy(), pid_buf[:k].copy()))
    del first, second, pair_table, pos_buf, pid_buf
    order, starts = pair_order(np.concatenate([q for _, q in found]), m)
    pos = np.concatenate([p for p, _ in found])[order]
    del found, order

    out, own_out = [], []
    for step, (edge, part) in sides.items():  # (one side at a time: its tables only in memory)
        off = 0 if step < 0 else 1  # (where the part is in a pair)
        edge = edge & ~sep
        bg = np.zeros(_END + 1, dtype=np.int64)  # the unit before a word start / after a word end
        free = _CountTable()  # (part, x): the neighbours of the free parts
        for a in range(0, n, chunk):
            b = min(a + chunk, n)
            free.make_room(int(np.count_nonzero(alone[a:b])))  # (a key is new at most once a one-character word)
            free.used += tally_free(ucp, a, b, edge, alone, step, _BITS, bg, free.table)
        del edge
        bg = bg.astype(np.float64)
        x, is_free = side_units(ucp, alone, pos, off, step)
        if own:  # (a unit never seen at a word edge counts as half an occurrence)
            own_ll = own_code_sorted(starts, x, np.maximum(bg, 0.5) / max(bg.sum(), 1.0))
        # the pair's own occurrences where its part is free are left out of the part's counts (a
        # pair the segmentation cut must not explain itself)
        n_part, v_part = free_stats(free.table, _BITS, _END + 1)
        ll = side_ratios(starts, x, is_free, part, free.table, _BITS, n_part, v_part, bg / max(bg.sum(), 1.0))
        del free, x, is_free, n_part, v_part, bg
        with np.errstate(divide="ignore"):
            np.log(ll, out=ll)
        evidence = chunk_sums(ll, pos, starts, chunk)  # (the sums of a bincount chunk by chunk)
        del ll
        out.append(evidence)
        if own:
            own_out.append(evidence - chunk_sums(own_ll, pos, starts, max(n, 1)))
            del own_ll
    return (out[0], out[1], own_out[0], own_out[1]) if own else (out[0], out[1])


class _CountTable:
    """A hash table of counts (:func:`minent.segmentation.kernels.viterbi.count_table` layout)
    that the kernels of :func:`pair_evidence` add to, made bigger before a chunk could fill it
    past 2/3 (allocated by numpy, as ``count_table`` is)."""

    def __init__(self):
        self.table = np.zeros((16, 2), dtype=np.uint64)
        self.used = 0

    def make_room(self, more: int) -> None:
        from minent.segmentation.kernels.viterbi import table_rehash

        size = len(self.table)
        while 2 * size < 3 * (self.used + more) + 2:
            size *= 2
        if size != len(self.table):
            bigger = np.zeros((size, 2), dtype=np.uint64)
            table_rehash(self.table, bigger)
            self.table = bigger


def own_code(pid: np.ndarray, x: np.ndarray, p0: np.ndarray) -> np.ndarray:
    """ln p(x | the pair's own past) / p₀(x) for each occurrence, in corpus order, of the pairs
    *pid* followed (or preceded) by the units *x*: Witten-Bell over the occurrences of the same
    pair before it, (c(x) + V·p₀(x)) / (t + V) with t those occurrences, c(x) those with x and V
    their different units (the first occurrence of a pair: p₀ itself, ratio 1); *p0* > 0 at
    every unit of *x*. One pass over the occurrences taken pair by pair
    (:func:`minent.segmentation.kernels.pairs.own_code_logs`; :func:`pair_evidence` computes the
    same in that order, :func:`~minent.segmentation.kernels.pairs.own_code_sorted`)."""
    from minent.segmentation.kernels.pairs import own_code_logs

    pid = np.asarray(pid, dtype=np.int64)
    if len(pid) == 0:
        return np.zeros(0)
    return own_code_logs(pid, np.asarray(x, dtype=np.int64), np.asarray(p0, dtype=np.float64), int(pid.max()) + 1)


def pair_keys(ucp: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """The pair of units at *pos* and *pos* + 1 of *ucp*, packed into one int64 each (a pair of
    code points a, b is ``a << 21 | b``)."""
    return (np.asarray(ucp[pos], dtype=np.int64) << _BITS) | ucp[pos + 1]


def unpack_pairs(keys: np.ndarray) -> np.ndarray:
    """The (m, 2) code points of packed pairs (:func:`pair_keys`)."""
    keys = np.asarray(keys, dtype=np.int64)
    return np.stack([keys >> _BITS, keys & ((1 << _BITS) - 1)], axis=1)


def among(query: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether each of *query* is one of *keys* (distinct, >= 0; packed pairs): ``np.isin`` by one
    probe each in a hash table of *keys*
    (:func:`minent.segmentation.kernels.viterbi.count_table`), without sorting *query* (millions of
    pairs' positions against thousands of pairs)."""
    from minent.segmentation.kernels.viterbi import count_table, row_counts

    if len(keys) == 0 or len(query) == 0:
        return np.zeros(len(query), dtype=bool)
    table = count_table(np.asarray(keys).astype(np.uint64), np.ones(len(keys), dtype=np.int64))
    return row_counts(table, np.asarray(query, dtype=np.int64).reshape(-1, 1), _BITS) > 0


def adjacent_singles(ucp: np.ndarray, begin: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Positions i where the units i and i + 1 are both one-character words of the segmentation
    *begin* of *ucp*, both *keep* (a bool per unit, e.g. Han characters)."""
    start, end = word_edges(ucp, begin)
    single = start & end & (ucp >= 0) & keep
    return np.flatnonzero(single[:-1] & single[1:])


def two_unit_words(ucp: np.ndarray, begin: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Positions where the segmentation *begin* of *ucp* has a word of exactly two units, both
    *keep*."""
    n = len(ucp)
    if n < 2:
        return np.zeros(0, np.int64)
    start, _ = word_edges(ucp, begin)
    after = np.append(start[2:], [True, True])  # a word starts two units on (or the text ends)
    return np.flatnonzero(start[:-1] & ~start[1:] & after[:-1] & keep[:-1] & keep[1:])
