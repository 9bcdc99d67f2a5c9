"""Numba kernels for n-gram statistics over int-encoded text (docs/algorithms.md §0, §2).

Input text is an int32 array of character ids as produced by ``CharVocab.encode``: id 0 (SEP)
ends every piece, ids >= 1 are characters. No n-gram ever contains a SEP, so statistics never
cross a piece boundary.

Key layout. An n-gram of length ``k`` is a row of ``W`` uint64 words. Each id takes ``bits`` bits;
a word holds ``c = 64 // bits`` ids, big-endian (the first id in the most significant place).
Word 0 holds ids ``0..c-1``, word 1 ids ``c..2c-1`` and so on, so ``W = ceil(k / c)``. For a fixed
``k`` and ``bits`` the numeric order of rows (word 0 first) is the lexicographic order of the id
sequences, which is what lets tables be merged, searched and re-packed to a wider ``bits``
without re-sorting. With fewer than 2^16 ids (every Chinese corpus seen so far) a 4-gram is one
word.

Every kernel is a small function of plain arrays (no I/O, no Python objects) and releases the
GIL (``nogil=True``) so chunk tables can be counted in threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def bits_for(vocab_size: int) -> int:
    """Bits per id needed for ids ``0 .. vocab_size - 1`` (at least 1)."""
    return max(1, int(vocab_size - 1).bit_length())


def words_for(length: int, bits: int) -> int:
    """Number of uint64 words in the key of an n-gram of *length* ids of *bits* bits."""
    per_word = 64 // bits
    return max(1, -(-length // per_word))


def sort_rows(keys: np.ndarray) -> np.ndarray:
    """Permutation that sorts the rows of a (m, W) uint64 key array lexicographically."""
    if keys.shape[1] == 1:
        return np.argsort(keys[:, 0], kind="stable")
    return np.lexsort(tuple(keys[:, w] for w in range(keys.shape[1] - 1, -1, -1)))


def sorted_rows(keys: np.ndarray) -> np.ndarray:
    """Rows of a (m, W) uint64 key array in lexicographic order (a new array)."""
    if keys.shape[1] == 1:
        return np.sort(keys[:, 0]).reshape(-1, 1)
    return keys[sort_rows(keys)]


def sort_rows_in_place(keys: np.ndarray) -> np.ndarray:
    """:func:`sorted_rows` reusing *keys* when W == 1 (no second array of the chunk's keys)."""
    if keys.shape[1] == 1 and keys.flags.c_contiguous:
        keys.reshape(-1).sort()
        return keys
    return sorted_rows(keys)


@njit(cache=True, nogil=True)
def _cmp_rows(a, i, b, j):
    """-1, 0 or 1 as row ``a[i]`` is below, equal to or above row ``b[j]``."""
    for w in range(a.shape[1]):
        x = a[i, w]
        y = b[j, w]
        if x < y:
            return -1
        if x > y:
            return 1
    return 0


@njit(cache=True, nogil=True)
def count_windows(ids, k):
    """Number of length-*k* windows of *ids* that contain no SEP (0)."""
    n = 0
    run = 0
    for x in ids:
        if x == 0:
            run = 0
        else:
            run += 1
            if run >= k:
                n += 1
    return n


@njit(cache=True, nogil=True)
def pack_into(ids, start, k, bits, out, row):
    """Write the key of ``ids[start:start + k]`` into ``out[row]``."""
    per_word = 64 // bits
    ub = np.uint64(bits)
    for w in range(out.shape[1]):
        lo = w * per_word
        hi = min(lo + per_word, k)
        v = np.uint64(0)
        for d in range(lo, hi):
            v = (v << ub) | np.uint64(ids[start + d])
        out[row, w] = v


@njit(cache=True, nogil=True)
def gram_keys(ids, k, bits, n_words):
    """Keys (m, n_words) of every length-*k* window of *ids* without a SEP, in text order."""
    m = count_windows(ids, k)
    out = np.zeros((m, n_words), dtype=np.uint64)
    if n_words == 1:
        # Rolling key: shift the new id in, mask the oldest one out.
        ub = np.uint64(bits)
        mask = np.uint64(0xFFFFFFFFFFFFFFFF) if k * bits >= 64 else (np.uint64(1) << np.uint64(k * bits)) - np.uint64(1)
        v = np.uint64(0)
        run = 0
        j = 0
        for x in ids:
            if x == 0:
                run = 0
                v = np.uint64(0)
                continue
            run += 1
            v = ((v << ub) | np.uint64(x)) & mask
            if run >= k:
                out[j, 0] = v
                j += 1
        return out
    run = 0
    j = 0
    for i in range(len(ids)):
        if ids[i] == 0:
            run = 0
            continue
        run += 1
        if run >= k:
            pack_into(ids, i - k + 1, k, bits, out, j)
            j += 1
    return out


@njit(cache=True, nogil=True)
def run_length_weighted(keys, weights):
    """Like :func:`run_length` but summing *weights* (int64) instead of counting rows."""
    m = keys.shape[0]
    if m == 0:
        return keys[:0].copy(), np.zeros(0, dtype=np.int64)
    u = 1
    for i in range(1, m):
        if _cmp_rows(keys, i, keys, i - 1) != 0:
            u += 1
    uniq = np.empty((u, keys.shape[1]), dtype=np.uint64)
    counts = np.zeros(u, dtype=np.int64)
    j = 0
    uniq[0] = keys[0]
    counts[0] = weights[0]
    for i in range(1, m):
        if _cmp_rows(keys, i, keys, i - 1) != 0:
            j += 1
            uniq[j] = keys[i]
        counts[j] += weights[i]
    return uniq, counts


@njit(cache=True, nogil=True)
def search_rows(keys, queries):
    """Index of every row of *queries* in the sorted unique *keys*, or -1 when absent."""
    out = np.full(queries.shape[0], -1, dtype=np.int64)
    m = keys.shape[0]
    for q in range(queries.shape[0]):
        lo = 0
        hi = m
        while lo < hi:
            mid = (lo + hi) >> 1
            if _cmp_rows(keys, mid, queries, q) < 0:
                lo = mid + 1
            else:
                hi = mid
        if lo < m and _cmp_rows(keys, lo, queries, q) == 0:
            out[q] = lo
    return out


@njit(cache=True, nogil=True)
def unpack_keys(keys, k, bits):
    """Id sequences (m, k) int32 of keys of length-*k* n-grams."""
    m = keys.shape[0]
    per_word = 64 // bits
    mask = (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    out = np.empty((m, k), dtype=np.int32)
    for r in range(m):
        for w in range(keys.shape[1]):
            lo = w * per_word
            hi = min(lo + per_word, k)
            v = keys[r, w]
            for d in range(hi - 1, lo - 1, -1):
                out[r, d] = np.int32(v & mask)
                v >>= np.uint64(bits)
    return out


@njit(cache=True, nogil=True)
def pack_ids(grams, bits, n_words):
    """Keys (m, n_words) of the id rows of *grams* (m, k) int32."""
    m, k = grams.shape
    out = np.zeros((m, n_words), dtype=np.uint64)
    for r in range(m):
        pack_into(grams[r], 0, k, bits, out, r)
    return out


# --- hash sets / hash counting over rows (exact: rows are compared, not just hashed) ---------


@njit(cache=True, nogil=True)
def _hash_row(keys, i):
    h = np.uint64(0x243F6A8885A308D3)
    for w in range(keys.shape[1]):
        h = (h ^ keys[i, w]) * _GOLDEN
        h ^= h >> np.uint64(32)
    # murmur3 finaliser: the slot is taken from the low bits, which must depend on every bit.
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


@njit(cache=True, nogil=True)
def build_row_index(keys):
    """Open-addressing index of the rows of *keys*: slot -> row (or -1). Capacity 2^p >= 2m."""
    m = keys.shape[0]
    cap = 16
    while cap < 2 * m + 2:
        cap *= 2
    slots = np.full(cap, -1, dtype=np.int64)
    mask = np.uint64(cap - 1)
    for i in range(m):
        s = _hash_row(keys, i) & mask
        while slots[s] >= 0:
            s = (s + np.uint64(1)) & mask
        slots[s] = i
    return slots


@njit(cache=True, nogil=True)
def find_row(keys, slots, query, q):
    """Row index of ``query[q]`` in *keys* indexed by *slots*, or -1."""
    mask = np.uint64(slots.shape[0] - 1)
    s = _hash_row(query, q) & mask
    while True:
        r = slots[s]
        if r < 0:
            return -1
        if _cmp_rows(keys, r, query, q) == 0:
            return r
        s = (s + np.uint64(1)) & mask


@njit(cache=True, nogil=True)
def hash_count(keys):
    """Distinct rows of *keys* (in order of first occurrence) and their counts, by hashing."""
    m = keys.shape[0]
    cap = 16
    while cap < 2 * m + 2:
        cap *= 2
    slots = np.full(cap, -1, dtype=np.int64)
    mask = np.uint64(cap - 1)
    first = np.empty(m, dtype=np.int64)
    counts = np.zeros(m, dtype=np.int64)
    u = 0
    for i in range(m):
        s = _hash_row(keys, i) & mask
        while True:
            r = slots[s]
            if r < 0:
                slots[s] = u
                first[u] = i
                counts[u] = 1
                u += 1
                break
            if _cmp_rows(keys, first[r], keys, i) == 0:
                counts[r] += 1
                break
            s = (s + np.uint64(1)) & mask
    uniq = np.empty((u, keys.shape[1]), dtype=np.uint64)
    for r in range(u):
        uniq[r] = keys[first[r]]
    return uniq, counts[:u].copy()


# --- one-word fast paths (W == 1 covers order <= 4 with < 2^16 ids: the common case) ---------


@njit(cache=True, nogil=True)
def run_length_1d(keys):
    """:func:`run_length` for sorted 1-D keys."""
    m = keys.shape[0]
    if m == 0:
        return keys[:0].copy(), np.zeros(0, dtype=np.int64)
    u = 1
    for i in range(1, m):
        if keys[i] != keys[i - 1]:
            u += 1
    uniq = np.empty(u, dtype=np.uint64)
    counts = np.zeros(u, dtype=np.int64)
    j = 0
    uniq[0] = keys[0]
    counts[0] = 1
    for i in range(1, m):
        if keys[i] != keys[i - 1]:
            j += 1
            uniq[j] = keys[i]
        counts[j] += 1
    return uniq, counts


@njit(cache=True, nogil=True)
def merge_tables_1d(ka, ca, kb, cb):
    """:func:`merge_tables` for 1-D keys."""
    na = ka.shape[0]
    nb = kb.shape[0]
    keys = np.empty(na + nb, dtype=np.uint64)
    counts = np.empty(na + nb, dtype=np.int64)
    i = 0
    j = 0
    r = 0
    while i < na and j < nb:
        x = ka[i]
        y = kb[j]
        if x < y:
            keys[r] = x
            counts[r] = ca[i]
            i += 1
        elif x > y:
            keys[r] = y
            counts[r] = cb[j]
            j += 1
        else:
            keys[r] = x
            counts[r] = ca[i] + cb[j]
            i += 1
            j += 1
        r += 1
    while i < na:
        keys[r] = ka[i]
        counts[r] = ca[i]
        i += 1
        r += 1
    while j < nb:
        keys[r] = kb[j]
        counts[r] = cb[j]
        j += 1
        r += 1
    # Views, not copies: the unwritten tail (one slot per key found in both) takes no memory.
    return keys[:r], counts[:r]


def merge(ka, ca, kb, cb):
    """Merge two sorted unique (m, W) tables, summing counts (a linear merge when W == 1)."""
    if ka.shape[1] == 1:
        k, c = merge_tables_1d(ka.reshape(-1), ca, kb.reshape(-1), cb)
        return k.reshape(-1, 1), c
    # Multi-word keys (> 64 bits per n-gram) are rare: sort the union and add up runs.
    keys = np.concatenate([ka, kb])
    counts = np.concatenate([ca, cb])
    order = sort_rows(keys)
    return run_length_weighted(keys[order], counts[order])


def unique_counts(sorted_keys):
    """Unique rows and counts of sorted (m, W) keys."""
    if sorted_keys.shape[1] == 1:
        k, c = run_length_1d(sorted_keys.reshape(-1))
        return k.reshape(-1, 1), c
    return run_length_weighted(sorted_keys, np.ones(len(sorted_keys), dtype=np.int64))


def lookup(keys, queries):
    """Index of each query row in sorted unique *keys* (-1 when absent)."""
    if keys.shape[1] == 1:
        flat = keys.reshape(-1)
        q = np.ascontiguousarray(queries).reshape(-1)
        pos = np.searchsorted(flat, q)
        pos[pos >= len(flat)] = 0
        hit = (flat[pos] == q) if len(flat) else np.zeros(len(q), dtype=bool)
        return np.where(hit, pos, -1).astype(np.int64)
    return search_rows(keys, queries)


def grouped_plogp(sorted_keys, counts):
    """Unique keys, count sums and Σ c·ln c per group of equal rows of sorted (m, W) keys."""
    if len(sorted_keys) == 0:
        return sorted_keys[:0], np.zeros(0, dtype=np.int64), np.zeros(0)
    starts = np.concatenate([[0], np.flatnonzero((sorted_keys[1:] != sorted_keys[:-1]).any(axis=1)) + 1])
    c = counts.astype(np.float64)
    return sorted_keys[starts], np.add.reduceat(counts, starts), np.add.reduceat(c * np.log(c), starts)


@njit(cache=True, nogil=True)
def find_rows(keys, slots, queries):
    """Vectorised :func:`find_row`: the row of each query in the indexed *keys*, or -1."""
    out = np.empty(queries.shape[0], dtype=np.int64)
    for q in range(queries.shape[0]):
        out[q] = find_row(keys, slots, queries, q)
    return out


# --- level-wise (Apriori) counting: only windows whose shorter sub-grams are frequent --------


@njit(cache=True, nogil=True)
def window_flags(ids, k, bits, keys, slots):
    """``flags[i] = 1`` iff the length-*k* window starting at i has no SEP and is a row of *keys*.

    *keys* (m, W) is indexed by *slots* (:func:`build_row_index`).
    """
    n = ids.shape[0]
    flags = np.zeros(n, dtype=np.uint8)
    scratch = np.zeros((1, keys.shape[1]), dtype=np.uint64)
    run = 0
    for i in range(n):
        if ids[i] == 0:
            run = 0
            continue
        run += 1
        if run >= k:
            s = i - k + 1
            pack_into(ids, s, k, bits, scratch, 0)
            if find_row(keys, slots, scratch, 0) >= 0:
                flags[s] = 1
    return flags


@njit(cache=True, nogil=True)
def masked_gram_keys(ids, k, bits, n_words, flags):
    """Keys of the length-*k* windows whose two (k−1)-sub-windows are flagged.

    Both flagged is the Apriori condition: an n-gram seen at least m times has both its
    (k−1)-sub-grams seen at least m times, so every occurrence of every frequent k-gram is kept
    and its count stays exact.
    """
    n = ids.shape[0]
    # One pass into a buffer of the upper bound (one key per position), then keep the prefix.
    out = np.empty((n, n_words), dtype=np.uint64)
    j = 0
    run = 0
    for i in range(n):
        if ids[i] == 0:
            run = 0
            continue
        run += 1
        if run >= k:
            s = i - k + 1
            a = flags[s]
            b = flags[s + 1]
            if a and b:
                pack_into(ids, s, k, bits, out, j)
                j += 1
    # A view, not a copy: the unused tail of the buffer was never written, so it takes no memory.
    return out[:j]


# --- bigram bitmaps: a cache-sized pre-filter in front of the (larger) hash sets -------------
# Scanning kernels probe their hash sets at every text position; most positions start no
# wanted n-gram, and one bit per hashed bigram (a table that stays in L1/L2) rules them out
# before the hash set is touched. A set bit may be a collision, so the set is still probed.


def bitmap_bits(n_keys: int) -> int:
    """log2 of the bitmap size for *n_keys* keys: >= 16 bits per key, 2^12 .. 2^22 bits."""
    return min(22, max(12, int(16 * max(n_keys, 1) - 1).bit_length()))


@njit(cache=True, nogil=True)
def key_bitmap(keys, log2_bits):
    """Bitmap of 2^log2_bits bits (as uint64 words) with the bit of every key set."""
    out = np.zeros(1 << (log2_bits - 6), dtype=np.uint64)
    shift = np.uint64(64 - log2_bits)
    for key in keys:
        h = (key * _GOLDEN) >> shift
        out[h >> np.uint64(6)] |= np.uint64(1) << (h & np.uint64(63))
    return out


@njit(cache=True, nogil=True)
def in_bitmap(bitmap, shift, key):
    """Whether the bit of *key* is set (``shift = 64 - log2_bits``); False means *key* is absent."""
    h = (key * _GOLDEN) >> shift
    return (bitmap[h >> np.uint64(6)] >> (h & np.uint64(63))) & np.uint64(1) != 0


# --- one-word key sets: open addressing storing the keys themselves (one cache line per probe) --
# Key 0 marks an empty slot: a packed n-gram never contains SEP, so its key is never 0.


@njit(cache=True, nogil=True)
def _mix64(x):
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    x ^= x >> np.uint64(33)
    return x


@njit(cache=True, nogil=True)
def key_set(keys):
    """Hash set of the nonzero uint64 *keys*: a power-of-two table, load factor <= 1/2."""
    cap = 16
    while cap < 2 * keys.shape[0] + 2:
        cap *= 2
    table = np.zeros(cap, dtype=np.uint64)
    mask = np.uint64(cap - 1)
    for key in keys:
        s = _mix64(key) & mask
        while table[s] != 0 and table[s] != key:
            s = (s + np.uint64(1)) & mask
        table[s] = key
    return table


EXACT_BITMAP_MAX_BITS = 28
"""Keys of at most this many bits get an exact bitmap (<= 32 MiB) instead of a hash set."""


@njit(cache=True, nogil=True)
def exact_bitmap(keys, key_bits):
    """Bitmap with bit *key* set for every key of *keys* (all < 2^key_bits), as uint64 words."""
    out = np.zeros(max(1, (1 << key_bits) >> 6), dtype=np.uint64)
    for key in keys:
        out[key >> np.uint64(6)] |= np.uint64(1) << (key & np.uint64(63))
    return out


@njit(cache=True, nogil=True)
def level_keys_1d(ids, k, bits, table, bitmap):
    """:func:`window_flags` + :func:`masked_gram_keys` + :func:`count_windows` in one pass, when
    k-gram keys are one word (k · bits <= 64) and the frequent (k−1)-grams a :func:`key_set`
    *table* or, when *bitmap* is not empty, the :func:`exact_bitmap` of their keys (one memory
    access instead of a hashed probe: twice as fast where the keys are short enough).

    Returns the 1-D keys of the length-*k* windows whose two (k−1)-sub-windows are frequent,
    in text order, and the number of length-*k* windows without a SEP. Rolling keys: the (k−1)-gram ending at i is the right sub-window of the
    k-gram ending at i, and the one ending at i − 1 its left one, so no flag array is written
    and no key is packed twice.
    """
    exact = bitmap.shape[0] > 0
    n = ids.shape[0]
    out = np.empty(n, dtype=np.uint64)
    ub = np.uint64(bits)
    full = np.uint64(0xFFFFFFFFFFFFFFFF)
    mask_k = full if k * bits >= 64 else (np.uint64(1) << np.uint64(k * bits)) - np.uint64(1)
    mask_s = (np.uint64(1) << np.uint64((k - 1) * bits)) - np.uint64(1)
    v = np.uint64(0)
    run = 0
    prev = False
    j = 0
    windows = 0
    for i in range(n):
        x = ids[i]
        if x == 0:
            run = 0
            v = np.uint64(0)
            prev = False
            continue
        run += 1
        v = ((v << ub) | np.uint64(x)) & mask_k
        cur = False
        if run >= k - 1:
            sub = v & mask_s
            if exact:
                cur = (bitmap[sub >> np.uint64(6)] >> (sub & np.uint64(63))) & np.uint64(1) != 0
            else:
                cur = in_key_set_at(table, 0, table.shape[0], sub)
        if run >= k:
            windows += 1
            if prev and cur:
                out[j] = v
                j += 1
        prev = cur
    # A view, not a copy: the unused tail of the buffer was never written, so it takes no memory.
    return out[:j], windows


@njit(cache=True, nogil=True)
def key_map(keys):
    """Hash map from the distinct nonzero uint64 *keys* to their positions: (table, values)."""
    table = key_set(keys)
    values = np.full(table.shape[0], -1, dtype=np.int64)
    mask = np.uint64(table.shape[0] - 1)
    for i in range(keys.shape[0]):
        s = _mix64(keys[i]) & mask
        while table[s] != keys[i]:
            s = (s + np.uint64(1)) & mask
        values[s] = i
    return table, values


@njit(cache=True, nogil=True)
def in_key_set_at(flat, lo, hi, key):
    """Whether *key* is in the :func:`key_set` table stored at ``flat[lo:hi]``.

    Tables of several lengths live in one flat array; indexing it rather than slicing matters
    because every slice costs a reference-count update in numba, which dominates inner loops.
    """
    if hi == lo:
        return False
    mask = np.uint64(hi - lo - 1)
    s = _mix64(key) & mask
    while True:
        v = flat[lo + s]
        if v == key:
            return True
        if v == 0:
            return False
        s = (s + np.uint64(1)) & mask


@njit(cache=True, nogil=True)
def key_map_get_at(flat, values, lo, hi, key):
    """Value of *key* in the :func:`key_map` stored at ``flat[lo:hi]`` / ``values[lo:hi]``, or -1."""
    if hi == lo:
        return -1
    mask = np.uint64(hi - lo - 1)
    s = _mix64(key) & mask
    while True:
        v = flat[lo + s]
        if v == key:
            return values[lo + s]
        if v == 0:
            return -1
        s = (s + np.uint64(1)) & mask


# --- exactly rounded sums (math.fsum) per group ------------------------------------------------
# Shewchuk's exact partials, then CPython's half-even correction when rounding them to one double:
# the result is the correctly rounded exact sum, so it does not depend on the order of the terms
# and equals ``math.fsum`` bit for bit (tests compare them).


@njit(cache=True, nogil=True)
def _fsum_add(p, m, x):
    """Add *x* to the Shewchuk partials ``p[:m]`` (exact); returns the new number of partials."""
    i = 0
    for j in range(m):
        y = p[j]
        if abs(x) < abs(y):
            t = x
            x = y
            y = t
        hi = x + y
        yr = hi - x
        lo = y - yr
        if lo != 0.0:
            p[i] = lo
            i += 1
        x = hi
    if x != 0.0:
        p[i] = x
        i += 1
    return i


@njit(cache=True, nogil=True)
def _fsum_round(p, m):
    """The partials ``p[:m]`` rounded to one double as CPython's math.fsum does (half-even)."""
    hi = 0.0
    if m > 0:
        m -= 1
        hi = p[m]
        lo = 0.0
        while m > 0:
            x = hi
            m -= 1
            y = p[m]
            hi = x + y
            yr = hi - x
            lo = y - yr
            if lo != 0.0:
                break
        if m > 0 and ((lo < 0.0 and p[m - 1] < 0.0) or (lo > 0.0 and p[m - 1] > 0.0)):
            y = lo * 2.0
            x = hi + y
            yr = x - hi
            if y == yr:
                hi = x
    return hi


# Partials are non-overlapping: at most one per bit of the double exponent range.
_MAX_PARTIALS = 2200


@njit(cache=True, nogil=True)
def run_count_values(keys, weights, present):
    """Mark ``present[c]`` for the count c of every run of equal *keys* (sorted).

    A run's count is its number of keys, or the sum of their *weights* when *weights* is not
    empty (keys of already counted tables). Counts beyond ``len(present)`` are not marked.
    """
    m = keys.shape[0]
    i = 0
    while i < m:
        j = i
        c = 0
        while j < m and keys[j] == keys[i]:
            c += weights[j] if weights.shape[0] else 1
            j += 1
        if c < present.shape[0]:
            present[c] = True
        i = j


@njit(cache=True, nogil=True)
def grouped_run_clogc(keys, weights, clogc, n_groups, shift):
    """Per group g = key >> shift: ``math.fsum`` of ``clogc[c]`` over its runs of equal keys.

    *keys* are sorted (so a group's runs are contiguous) and counted as in
    :func:`run_count_values`; ``clogc[c]`` holds ``c · ln c``. This is Σ_c N(c) ln N(c) of
    branching entropy without materialising the table of distinct keys.
    """
    out = np.zeros(n_groups, dtype=np.float64)
    p = np.empty(_MAX_PARTIALS, dtype=np.float64)
    ushift = np.uint64(shift)
    m_keys = keys.shape[0]
    i = 0
    while i < m_keys:
        g = keys[i] >> ushift
        m = 0
        while i < m_keys and (keys[i] >> ushift) == g:
            j = i
            c = 0
            while j < m_keys and keys[j] == keys[i]:
                c += weights[j] if weights.shape[0] else 1
                j += 1
            m = _fsum_add(p, m, clogc[c])
            i = j
        out[np.int64(g)] = _fsum_round(p, m)
    return out
