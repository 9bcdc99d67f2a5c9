"""Numba kernels for lexicon-based segmentation: a hashed trie and unigram Viterbi decoding.

Text arrives as int32 character ids (0 = separator between pieces, 1 = unknown character, real
characters 2, 3, ...). Each piece is decoded on its own; the result is a uint8 array ``begin``
with ``begin[i] = 1`` when a word starts at position ``i``.

The lexicon is a trie whose edges live in one open-addressing hash table, ``trie``: a
(slots + 1) × 2 uint64 array whose row ``h`` holds an edge's key ``node << 32 | char_id`` and
the float64 bits of the score of the node it leads to (the word's log-probability, or -inf when
the path to that node is only a prefix). A node *is* the row of the edge into it, and the root
the row after the slots (:func:`trie_root`), so ``node_score = trie.view(np.float64)[:, 1]``
(see :func:`node_scores`). One hash probe per character keeps the decoder independent of the
alphabet size (traditional text, astral ideographs) and of word length, and the probe that finds
a node brings its score in the same cache line: a lexicon of a few hundred thousand words
outgrows the processor's caches, and separate key, child and score arrays cost three cache
misses a step.

Most probes find nothing (two thirds of them while re-estimating a lexicon of 256k words on the
poems: the string is no prefix of a word). The last slots / 32 rows hold a blocked Bloom filter
of the edges (at least 8 bits an edge, three bits set in one 64-bit word; about 1/16 of the
table, so it stays in the processor's cache): a probe goes to the table only when the filter
lets it, and a filter has no false negatives, so the trie answers the same (Viterbi 1.85×
faster on the poems).

The decoder takes a word's first step from a plain array of the root's children and scores a
one-character word from a plain array too (:func:`_root_children`, :func:`_single_scores`): only
words of two or more characters look in the table, and it asks for the table row of a word's
second step a few start positions ahead (:data:`DECODE_AHEAD`). Together: the decoding kernel of
``segment --load`` on 5M characters of the poems 0.25 → 0.21 s.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from minent.segmentation.kernels.boundary import N_FEATURES, boundary_costs, gap_features
from minent.segmentation.kernels.prefetch import prefetch_row

EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
NEG_INF = -np.inf

DECODE_AHEAD = 2
"""How many start positions ahead :func:`_decode_piece` asks for the trie row of a word's
second character (:func:`prefetch_row`)."""

PREFETCH_AHEAD = 16
"""How many keys ahead :func:`_fill_count_table` and :func:`charlm_context_counts` ask for the
table row they will probe (:func:`prefetch_row`)."""


@njit(cache=True, inline="always")
def mix_key(key):
    """The splitmix64 finaliser of *key* (uint64): spreads consecutive node/char ids over a hash table."""
    z = key
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def trie_root(trie):
    """The root node of a :func:`build_trie` table: the row after its slots (a power of two,
    followed by the root row and slots / 32 rows of filter)."""
    return np.int64((len(trie) - 1) // 33 * 32)


@njit(cache=True, inline="always")
def _filter_word(trie, slots, z):
    """Row and column of the filter word of a key whose hash is *z* (``slots // 16`` words)."""
    w = (z >> np.uint64(20)) & np.uint64(slots // 16 - 1)
    return np.int64(slots + 1 + (w >> np.uint64(1))), np.int64(w & np.uint64(1))


@njit(cache=True, inline="always")
def _filter_bits(z):
    """The three bits of a key whose hash is *z* in its filter word."""
    return ((np.uint64(1) << ((z >> np.uint64(40)) & np.uint64(63)))
            | (np.uint64(1) << ((z >> np.uint64(46)) & np.uint64(63)))
            | (np.uint64(1) << ((z >> np.uint64(52)) & np.uint64(63))))


@njit(cache=True)
def trie_child(trie, node, c):
    """Child of trie *node* along character id *c* (its row in *trie*), or -1."""
    slots = trie_root(trie)
    key = (np.uint64(node) << np.uint64(32)) | np.uint64(c)
    z = mix_key(key)
    bits = _filter_bits(z)
    r, col = _filter_word(trie, slots, z)
    if trie[r, col] & bits != bits:
        return np.int64(-1)
    mask = np.uint64(slots - 1)
    h = z & mask
    while True:
        k = trie[h, 0]
        if k == key:
            return np.int64(h)
        if k == EMPTY:
            return np.int64(-1)
        h = (h + np.uint64(1)) & mask


def node_scores(trie):
    """The score of every node of a :func:`build_trie` table (a view: -inf for prefixes, the
    root and empty rows)."""
    return trie.view(np.float64)[:trie_root(trie) + 1, 1]


@njit(cache=True)
def _fill_trie(chars, offsets, scores, trie):
    size = trie_root(trie)
    tf = trie.view(np.float64)
    for h in range(size + 1):
        trie[h, 0] = EMPTY
        tf[h, 1] = NEG_INF
    for h in range(size + 1, len(trie)):
        trie[h, 0] = 0
        trie[h, 1] = 0
    mask = np.uint64(size - 1)
    root = np.int64(size)
    n_edges = 0
    depth = 0
    for w in range(len(offsets) - 1):
        node = root
        a, b = offsets[w], offsets[w + 1]
        if b - a > depth:
            depth = b - a
        for p in range(a, b):
            key = (np.uint64(node) << np.uint64(32)) | np.uint64(chars[p])
            h = mix_key(key) & mask
            while True:
                k = trie[h, 0]
                if k == key:
                    break
                if k == EMPTY:
                    if 2 * n_edges + 4 > size:  # (the table would be more than half full)
                        return np.int64(-1), depth
                    trie[h, 0] = key
                    n_edges += 1
                    break
                h = (h + np.uint64(1)) & mask
            node = np.int64(h)
        if b > a:
            tf[node, 1] = scores[w]
    for h in range(size):
        if trie[h, 0] != EMPTY:
            z = mix_key(trie[h, 0])
            r, col = _filter_word(trie, size, z)
            trie[r, col] |= _filter_bits(z)
    return n_edges, depth


def _trie_rows(n_edges):
    """Rows of a trie table of *n_edges* edges: slots (a power of two, at most half full), the
    root, slots / 32 rows of filter."""
    size = 32
    while size < 2 * n_edges + 2:
        size *= 2
    return size + 1 + size // 32


def build_trie(chars, offsets, scores):
    """Build the hashed trie of words ``chars[offsets[w]:offsets[w+1]]`` with log-prob ``scores[w]``.

    Returns ``(trie, depth)``: the table of the module docstring (a power of two of edge rows,
    at most half full, the root row, the filter) and the longest word length. A word listed twice
    keeps its last score. (Allocated by numpy, which asks the kernel for huge pages: the random
    lookups of a table of many MB then miss the TLB far less often than in a numba allocation.)
    """
    # Words share prefixes: the edges are fewer than the characters, and at least one per
    # distinct word. A table sized for the words is tried first, then one twice that size (the
    # fill stops when the edges would more than half fill it), up to one sized for the characters:
    # a large table of the upper bound, touched then dropped, costs more than the trial fills.
    edges = max(len(offsets) - 1, 1)
    while True:
        trie = np.empty((_trie_rows(min(edges, len(chars))), 2), dtype=np.uint64)
        n_edges, depth = _fill_trie(chars, offsets, scores, trie)
        if n_edges >= 0:
            break
        edges *= 2
    rows = _trie_rows(n_edges)
    if rows < len(trie):
        trie = np.empty((rows, 2), dtype=np.uint64)
        n_edges, depth = _fill_trie(chars, offsets, scores, trie)
    return trie, depth


@njit(cache=True)
def piece_bounds(ids):
    """Start and end (exclusive) of every piece of *ids* (maximal runs of non-zero ids)."""
    n = len(ids)
    starts = np.empty(n, dtype=np.int64)
    ends = np.empty(n, dtype=np.int64)
    m = 0
    s = 0
    while s < n:
        if ids[s] == 0:
            s += 1
            continue
        e = s
        while e < n and ids[e] != 0:
            e += 1
        starts[m] = s
        ends[m] = e
        m += 1
        s = e
    return starts[:m], ends[:m]


@njit(cache=True)
def _decode_piece(ids, s, e, trie, tf, depth, unk_score, char_score, span_score, oov_max,
                  oov_bias, best, back, begin, lm, trans, w_lex, w_lm, root, single, back_node, word_node):
    n = e - s
    best[0] = 0.0
    for k in range(1, n + 1):
        best[k] = NEG_INF
    reach = depth if depth > oov_max else oov_max
    if reach < 1:
        reach = 1
    slots = trie_root(trie)
    mask = np.uint64(slots - 1)
    for i in range(n):
        a = i + DECODE_AHEAD
        if a + 1 < n:
            # the second step of the words starting DECODE_AHEAD characters on (their first is
            # the root table): most words that find a node find it there
            first = root[ids[s + a]]
            if first >= 0:
                z = mix_key((np.uint64(first) << np.uint64(32)) | np.uint64(ids[s + a + 1]))
                prefetch_row(trie, np.int64(z & mask))
        bi = best[i]
        if bi == NEG_INF:
            continue
        # the one-character word, scored by a table of the ids (:func:`_single_scores`)
        c = ids[s + i]
        node = root[c]
        acc = 0.0
        acc += span_score[c]
        lm_acc = 0.0
        v = bi + w_lex * single[c]
        if w_lm != 0.0:
            lm_acc = lm[s + i, 0]
            v += w_lm * (lm_acc + trans[0, 0])
        if v > best[i + 1]:
            best[i + 1] = v
            back[i + 1] = i
            back_node[i + 1] = node
        stop = i + reach
        if stop > n:
            stop = n
        for j in range(i + 1, stop):
            c = ids[s + j]
            acc += span_score[c]
            if node >= 0:
                node = trie_child(trie, node, c)
            length = j - i + 1
            tag = length - 1 if length < 4 else 3
            if w_lm != 0.0:
                # char-LM score of the word so far: tags b, c, d, e, e, ... and their transitions
                prev_tag = length - 2 if length < 5 else 3
                lm_acc += trans[prev_tag, tag] + lm[s + j, tag]
            sc = tf[node, 1] if node >= 0 else NEG_INF
            if sc == NEG_INF:
                if length <= oov_max:
                    sc = acc + oov_bias
                elif node < 0:
                    break
                else:
                    continue
            v = bi + w_lex * sc
            if w_lm != 0.0:
                v += w_lm * (lm_acc + trans[tag, 0])
            if v > best[j + 1]:
                best[j + 1] = v
                back[j + 1] = i
                back_node[j + 1] = node
    # walk back pointers and mark word starts
    record = len(word_node) > 0
    k = n
    while k > 0:
        i = back[k]
        begin[s + i] = 1
        if record:
            word_node[s + i] = back_node[k]
        k = i
    return best[n]


@njit(cache=True)
def viterbi_segment(ids, trie, depth, unk_score, char_score, span_score, oov_max, oov_bias):
    """Best unigram segmentation of every piece of *ids*: :func:`hybrid_segment` with the
    lexicon alone (see there for the scores). Returns ``(begin, total)``."""
    return hybrid_segment(ids, trie, depth, unk_score, char_score, span_score, oov_max, oov_bias,
                          np.zeros((0, 4)), np.zeros((4, 4)), 1.0, 0.0)


@njit(cache=True)
def viterbi_segment_words(ids, trie, depth, unk_score, char_score, span_score, oov_max, oov_bias):
    """:func:`viterbi_segment`, and the trie node of every word it makes: ``(begin, total,
    word_node)``, ``word_node[i]`` the node of the word starting at *i* (what
    :func:`tally_words` would find by walking the trie again; -1 where no word starts or
    the word leaves the trie), so that re-estimation need not walk it twice (:func:`tally_words`)."""
    word_node = np.full(len(ids), -1, dtype=np.int64)
    begin, total = _segment(ids, trie, depth, unk_score, char_score, span_score, oov_max, oov_bias,
                            np.zeros((0, 4)), np.zeros((4, 4)), 1.0, 0.0, word_node)
    return begin, total, word_node


@njit(cache=True)
def hybrid_segment(ids, trie, depth, unk_score, char_score, span_score, oov_max, oov_bias,
                   lm, trans, w_lex, w_lm):
    """Best unigram segmentation of every piece of *ids* (pieces separated by id 0).

    A word w of the lexicon *trie* (:func:`build_trie`) scores its log-probability there. A single character that is not a word
    scores ``char_score[c]`` when finite, else *unk_score*. When ``oov_max >= 2``, a span of
    2..oov_max characters that is not a word may be a word too, scoring the sum of its
    ``span_score`` (ln of each character's frequency inside words, which is higher than its
    probability as a one-character word for bound characters) plus *oov_bias* (a negative
    penalty): unseen words made of bound characters then win against a string of single
    characters.

    With ``w_lm != 0`` each word also gets its character-LM score: the b/c/d/e tag scores
    *lm* (n × 4, from :func:`charlm_tag_scores`) of its characters plus the log transition
    weights *trans* inside it (b→c→d→e→e…) and out of it into the next word's b, i.e. the
    score the charlm segmenter gives the same word. A word scores ``w_lex · lexicon score + w_lm · LM
    score``, and the segmentation maximises the sum.

    Returns ``(begin, total)``: uint8 flags (1 where a word starts; 0 at separators) and the
    summed best score over all pieces.
    """
    return _segment(ids, trie, depth, unk_score, char_score, span_score, oov_max, oov_bias, lm, trans, w_lex, w_lm,
                    np.zeros(0, dtype=np.int64))


@njit(cache=True)
def _segment(ids, trie, depth, unk_score, char_score, span_score, oov_max, oov_bias, lm, trans, w_lex, w_lm,
             word_node):
    begin = np.zeros(len(ids), dtype=np.uint8)
    starts, ends = piece_bounds(ids)
    longest = np.max(ends - starts) if len(starts) else 0
    best = np.empty(longest + 1, dtype=np.float64)
    back = np.zeros(longest + 1, dtype=np.int64)
    back_node = np.zeros(longest + 1, dtype=np.int64)
    root = _root_children(ids, trie)
    tf = trie.view(np.float64)
    single = _single_scores(root, tf, unk_score, char_score)
    total = 0.0
    for p in range(len(starts)):
        total += _decode_piece(ids, starts[p], ends[p], trie, tf, depth, unk_score, char_score,
                               span_score, oov_max, oov_bias, best, back, begin, lm, trans, w_lex, w_lm, root,
                               single, back_node, word_node)
    return begin, total


@njit(cache=True)
def _root_children(ids, trie):
    """The root's children in a plain array, for every id up to the largest in *ids*: the first
    step of every word, without hashing."""
    top = 0
    for i in range(len(ids)):
        if ids[i] > top:
            top = ids[i]
    root = np.empty(top + 1, dtype=np.int64)
    for c in range(top + 1):
        root[c] = trie_child(trie, trie_root(trie), c)
    return root


@njit(cache=True)
def _single_scores(root, tf, unk_score, char_score):
    """The score of every id of *root* (:func:`_root_children`) as a one-character word: its
    lexicon score, else ``char_score`` when finite, else *unk_score* (the first step of
    :func:`_decode_piece`, without a lookup in the table)."""
    single = np.empty(len(root), dtype=np.float64)
    for c in range(len(root)):
        sc = tf[root[c], 1] if root[c] >= 0 else NEG_INF
        if sc == NEG_INF:
            # (an id past char_score is no id of the text: the separator 0 of an empty text)
            sc = unk_score if c >= len(char_score) or char_score[c] == NEG_INF else char_score[c]
        single[c] = sc
    return single


@njit(cache=True)
def tally_words(ids, begin, trie, word_node):
    """The words of a segmentation counted: ``(node_counts, starts, lengths)``, the number of
    words ending at every node of *trie* (a node's row; counted for prefixes too), and the start
    and length of every word that is not a word of the trie (it leaves the trie or ends on a
    prefix), in text order. *word_node* holds the node of the word starting at each position when
    the decoder gave them (:func:`viterbi_segment_words`), or is empty: then each word walks the
    trie."""
    tf = trie.view(np.float64)
    node_counts = np.zeros(trie_root(trie) + 1, dtype=np.int64)
    n = len(ids)
    m = 0
    for i in range(n):
        if begin[i]:
            m += 1
    starts = np.empty(m, dtype=np.int64)
    lengths = np.empty(m, dtype=np.int64)
    root = _root_children(ids, trie) if len(word_node) == 0 else np.empty(0, dtype=np.int64)
    w = 0
    i = 0
    while i < n:
        if not begin[i]:
            i += 1
            continue
        j = i + 1
        while j < n and ids[j] != 0 and not begin[j]:
            j += 1
        if len(word_node):
            node = word_node[i]
        else:
            node = root[ids[i]]
            for p in range(i + 1, j):
                if node < 0:
                    break
                node = trie_child(trie, node, ids[p])
        if node >= 0:
            node_counts[node] += 1
        if node < 0 or tf[node, 1] == NEG_INF:
            starts[w] = i
            lengths[w] = j - i
            w += 1
        i = j
    return node_counts, starts[:w], lengths[:w]


@njit(cache=True)
def word_nodes(chars, offsets, trie):
    """Trie node of each word ``chars[offsets[w]:offsets[w+1]]`` (-1 when absent)."""
    m = len(offsets) - 1
    out = np.full(m, -1, dtype=np.int64)
    for w in range(m):
        node = trie_root(trie)
        for p in range(offsets[w], offsets[w + 1]):
            node = trie_child(trie, node, chars[p])
            if node < 0:
                break
        out[w] = node
    return out


def pack_rows(ids, bits):
    """One uint64 key per row of character ids, *bits* bits each, first character highest (the
    layout of the :func:`count_table` keys that :func:`charlm_tag_scores` looks up)."""
    key = np.zeros(len(ids), dtype=np.uint64)
    for j in range(ids.shape[1]):
        key = (key << np.uint64(bits)) | ids[:, j].astype(np.uint64)
    return key


@njit(cache=True)
def row_counts(table, rows, bits):
    """The counts in a :func:`count_table` of the rows of character ids *rows* (packed as
    :func:`pack_rows` packs them; 0 when absent), int64: one probe a row."""
    out = np.zeros(len(rows), dtype=np.int64)
    for r in range(len(rows)):
        key = np.uint64(0)
        for j in range(rows.shape[1]):
            key = (key << np.uint64(bits)) | np.uint64(rows[r, j])
        out[r] = np.int64(table_get(table, key))
    return out


@njit(cache=True)
def packed_row_counts(table, overflow, rows, bits):
    """:func:`row_counts` in a :func:`packed_count_table` ``(table, overflow)`` of the n-grams of
    ``rows.shape[1]`` ids of *bits* bits (ids of real characters: every key non-zero)."""
    out = np.zeros(len(rows), dtype=np.int64)
    cbits = np.uint64(max(64 - rows.shape[1] * bits, 0))
    for r in range(len(rows)):
        key = np.uint64(0)
        for j in range(rows.shape[1]):
            key = (key << np.uint64(bits)) | np.uint64(rows[r, j])
        out[r] = np.int64(packed_get(table, overflow, key, cbits))
    return out


def count_table(keys, counts):
    """An open-addressing hash table of the n-gram *keys* (distinct uint64) and their *counts*
    (positive integers): a (slots × 2) uint64 array of (key, count) rows, a power of
    two of slots at most 2/3 full; a row whose count is 0 is empty. Key and count share a cache
    line, so :func:`table_count` finds a key in one or two probes and one memory access, where a
    binary search of millions of sorted keys takes twenty cache misses. Allocated by numpy (huge
    pages, see :func:`build_trie`: looking up every position of a corpus in tables of hundreds
    of MB takes 1.5× longer in a numba allocation)."""
    size = 16
    while 2 * size < 3 * len(keys) + 2:
        size *= 2
    table = np.zeros((size, 2), dtype=np.uint64)
    _fill_count_table(keys, counts, table)
    return table


@njit(cache=True)
def _fill_count_table(keys, counts, table):
    mask = np.uint64(len(table) - 1)
    n = len(keys)
    for j in range(n):
        if j + PREFETCH_AHEAD < n:
            prefetch_row(table, np.int64(mix_key(keys[j + PREFETCH_AHEAD]) & mask))
        table_add(table, keys[j], counts[j])  # (keys distinct: each goes to the first empty slot)


@njit(cache=True, inline="always")
def table_get(table, key):
    """Count of *key* in a :func:`count_table` (0 when absent), as stored (uint64)."""
    mask = np.uint64(len(table) - 1)
    h = mix_key(key) & mask
    while True:
        c = table[h, 1]
        if c == 0 or table[h, 0] == key:
            return c
        h = (h + np.uint64(1)) & mask


@njit(cache=True, inline="always")
def table_add(table, key, c):
    """Add *c* (> 0) to the count of *key* in a :func:`count_table` (which must keep an empty
    slot); 1 when the key is new, else 0."""
    mask = np.uint64(len(table) - 1)
    h = mix_key(key) & mask
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
def table_rehash(table, bigger):
    """Move every (key, count) of the :func:`count_table` *table* into *bigger*, an empty one (a
    power of two of slots, more than the keys)."""
    for h in range(len(table)):
        if table[h, 1] != 0:
            table_add(bigger, table[h, 0], table[h, 1])


@njit(cache=True, inline="always")
def table_count(table, key):
    """Count of *key* in a :func:`count_table` (0.0 when absent)."""
    return np.float64(table_get(table, key))


def packed_count_table(keys, counts, key_bits):
    """The n-gram *keys* (distinct, non-zero, below ``2**key_bits``) and their *counts* (whole
    numbers >= 1) as a hash table of one uint64 a slot: ``key << cbits | count`` with ``cbits =
    64 - key_bits`` (0 when the key fills the word), a power of two of slots at most 2/3 full,
    0 an empty slot; and the *overflow*, a :func:`count_table` of the keys whose count does not
    fit below ``2**cbits - 1`` (their slot holds that value). Returns ``(table, overflow)``, what
    :func:`packed_get` looks a key up in.

    Half the memory of a :func:`count_table` of the same keys (the char LM of 5M characters of
    poems: 80 MiB instead of 160), so half the fresh pages to fault in and zero at every start,
    and twice the slots a cache line. Character ids take 14 bits for the poems: 36, 22 and 8 bits
    are left for the counts of the 2-, 3- and 4-grams, and the overflow is empty."""
    cbits = max(64 - int(key_bits), 0)
    keys = np.ascontiguousarray(keys, dtype=np.uint64)
    counts = np.asarray(counts)
    over = counts >= (1 << cbits) - 1
    overflow = count_table(keys[over], counts[over])
    size = 16
    while 2 * size < 3 * len(keys) + 2:
        size *= 2
    table = np.zeros(size, dtype=np.uint64)
    _fill_packed_table(keys, counts, np.uint64(cbits), table)
    return table, overflow


@njit(cache=True)
def _fill_packed_table(keys, counts, cbits, table):
    mask = np.uint64(len(table) - 1)
    cap = (np.uint64(1) << cbits) - np.uint64(1)
    n = len(keys)
    for j in range(n):
        if j + PREFETCH_AHEAD < n:
            prefetch_row(table, np.int64(mix_key(keys[j + PREFETCH_AHEAD]) & mask))
        key = keys[j]
        h = mix_key(key) & mask
        while table[h] != 0:  # (keys distinct: each goes to the first empty slot)
            h = (h + np.uint64(1)) & mask
        c = counts[j]
        table[h] = (key << cbits) | (cap if c >= cap else np.uint64(c))


@njit(cache=True, inline="always")
def packed_get(table, overflow, key, cbits):
    """Count of *key* (non-zero) in a :func:`packed_count_table` ``(table, overflow)`` whose
    counts take *cbits* (uint64) bits; 0 when absent."""
    mask = np.uint64(len(table) - 1)
    cap = (np.uint64(1) << cbits) - np.uint64(1)
    h = mix_key(key) & mask
    while True:
        r = table[h]
        if r == 0:
            return np.uint64(0)
        if (r >> cbits) == key:
            c = r & cap
            if c == cap:
                return table_get(overflow, key)
            return c
        h = (h + np.uint64(1)) & mask


@njit(cache=True)
def charlm_tag_scores(ids, unigram, table2, over2, table3, over3, table4, over4, bits, alpha, vocab, begin):
    """Per-character scores of the four tags of the character-LM segmenter (docs/algorithms.md §3.4).

    Column 0 (b, first character of a word): ln p(c_i), or ``begin[c_i]`` when *begin* is not
    empty and c_i is known (id > 1); 1 (c): ln p(c_i | c_{i-1}); 2 (d): ln p(c_i | c_{i-2} c_{i-1});
    3 (e, fourth and later): ln p(c_i | c_{i-3..i-1}); -inf where the piece is too short for the
    context. Probabilities are interpolated with a Dirichlet prior on the next-lower order
    (hierarchical smoothing):

        p_k(c | h) = (N(h c) + alpha · p_{k-1}(c | h')) / (N(h) + alpha),   p_0 = 1 / vocab

    where ``unigram[id]`` is the count of every character and ``table_k, over_k`` the
    k-gram counts of the training corpus as :func:`packed_count_table` hash tables (keys: ``bits``
    bits per id, first character in the high bits). N(h) of a context is the N(h c) of the
    position before: three probes a character.

    The two halves are :func:`charlm_context_counts` (the lookups) and
    :func:`charlm_scores_of_counts` (the arithmetic): self-training keeps the counts of its
    corpus (12 bytes a unit as uint32) and computes the scores from them every round.
    """
    seen = np.zeros((len(ids), 3))
    charlm_context_counts(ids, table2, over2, table3, over3, table4, over4, bits, seen)
    return charlm_scores_of_counts(ids, seen, unigram, alpha, vocab, begin)


@njit(cache=True)
def charlm_context_counts(ids, table2, over2, table3, over3, table4, over4, bits, seen):
    """N(c_{i-1} c_i), N(c_{i-2..i}), N(c_{i-3..i}) of every position *i* of *ids* into the
    (n × 3) array *seen* (zeros; any numeric dtype that holds the counts; left 0 where the piece
    is too short), looked up in the :func:`packed_count_table` hash tables *table2..4* (with
    their overflows *over2..4*) of the n-grams of *bits*-bit ids.

    The lookups of different positions do not depend on each other, so the processor overlaps
    their cache misses (30% faster than computing each position's probabilities right after its
    lookups), and the rows of position i + PREFETCH_AHEAD are asked for ahead (:func:`prefetch_row`)."""
    shift = np.uint64(bits)
    m2, m3, m4 = np.uint64(len(table2) - 1), np.uint64(len(table3) - 1), np.uint64(len(table4) - 1)
    b2 = np.uint64(max(64 - 2 * bits, 0))  # (the count bits of each table: packed_count_table)
    b3 = np.uint64(max(64 - 3 * bits, 0))
    b4 = np.uint64(max(64 - 4 * bits, 0))
    n = len(ids)
    run = 0
    for i in range(n):
        j = i + PREFETCH_AHEAD
        if 3 <= j < n:  # (the rows position j will probe; across a separator, rows it will not)
            k2 = (np.uint64(ids[j - 1]) << shift) | np.uint64(ids[j])
            k3 = (np.uint64(ids[j - 2]) << (shift * np.uint64(2))) | k2
            prefetch_row(table2, np.int64(mix_key(k2) & m2))
            prefetch_row(table3, np.int64(mix_key(k3) & m3))
            prefetch_row(table4, np.int64(mix_key((np.uint64(ids[j - 3]) << (shift * np.uint64(3))) | k3) & m4))
        c = ids[i]
        if c == 0:
            run = 0
            continue
        run += 1
        if run > 1:
            key2 = (np.uint64(ids[i - 1]) << shift) | np.uint64(c)
            seen[i, 0] = packed_get(table2, over2, key2, b2)
            if run > 2:
                key3 = (np.uint64(ids[i - 2]) << (shift * np.uint64(2))) | key2
                seen[i, 1] = packed_get(table3, over3, key3, b3)
                if run > 3:
                    key4 = (np.uint64(ids[i - 3]) << (shift * np.uint64(3))) | key3
                    seen[i, 2] = packed_get(table4, over4, key4, b4)


JOINT_CAP = np.uint64(0xFFFFFFFF)
"""The largest 3-gram and 2-gram count a :func:`joint_count_table` row holds (32 bits each); a
count at least this large is looked up in its own table."""


def joint_count_table(table4, table2, over2, table3, over3, bits):
    """The 4-gram :func:`packed_count_table` *table4* with, next to every 4-gram, the counts of
    its last three and last two characters: a (slots × 2) uint64 array whose column 0 is
    *table4* and column 1 ``min(N(c2 c3 c4), JOINT_CAP) << 32 | min(N(c3 c4), JOINT_CAP)``
    (looked up in *table3* / *table2* of the same *bits*-bit ids, with their overflows).

    The three counts of a position whose 4-gram was seen then come from one row in one cache
    line (:func:`charlm_context_counts_joint`), where three tables cost three cache misses."""
    joint = np.zeros((len(table4), 2), dtype=np.uint64)
    _fill_joint_table(table4, table2, over2, table3, over3, np.uint64(bits), joint)
    return joint


@njit(cache=True)
def _fill_joint_table(table4, table2, over2, table3, over3, bits, joint):
    b2 = np.uint64(max(64 - 2 * np.int64(bits), 0))
    b3 = np.uint64(max(64 - 3 * np.int64(bits), 0))
    b4 = np.uint64(max(64 - 4 * np.int64(bits), 0))
    m2 = (np.uint64(1) << (np.uint64(2) * bits)) - np.uint64(1)
    m3 = (np.uint64(1) << (np.uint64(3) * bits)) - np.uint64(1)
    s2, s3 = np.uint64(len(table2) - 1), np.uint64(len(table3) - 1)
    n = len(table4)
    for h in range(n):
        if h + PREFETCH_AHEAD < n:  # (the rows the row PREFETCH_AHEAD later will look up)
            ahead = table4[h + PREFETCH_AHEAD] >> b4
            if ahead != 0:
                prefetch_row(table3, np.int64(mix_key(ahead & m3) & s3))
                prefetch_row(table2, np.int64(mix_key(ahead & m2) & s2))
        r = table4[h]
        joint[h, 0] = r
        if r == 0:
            continue
        key4 = r >> b4
        c3 = packed_get(table3, over3, key4 & m3, b3)
        c2 = packed_get(table2, over2, key4 & m2, b2)
        joint[h, 1] = ((c3 if c3 < JOINT_CAP else JOINT_CAP) << np.uint64(32)) | (c2 if c2 < JOINT_CAP else JOINT_CAP)


@njit(cache=True)
def charlm_context_counts_joint(ids, joint, over4, table2, over2, table3, over3, bits, seen):
    """:func:`charlm_context_counts` (the same *seen*) from a :func:`joint_count_table` *joint*
    of the 4-grams (with *over4*, the overflow of their table) and the 2- and 3-gram tables: a
    position whose 4-gram is there takes its three counts from that one row (one cache miss: on
    the text a model was trained on, every position past the third of a piece); the others, and
    counts of JOINT_CAP or more, look up the 2- and 3-gram tables. The rows position
    i + PREFETCH_AHEAD will probe are asked for ahead (:func:`prefetch_row`): by the length of
    its piece so far, the 2-gram row, the 2- and 3-gram rows, or the joint row — and the 2- and
    3-gram rows too while 4-grams are missing (text unlike the training text).

    On 5M characters of poems (the training text): 0.12 s where :func:`charlm_context_counts`
    takes 0.19; on hotel reviews (most 4-grams unseen), the same time."""
    shift = np.uint64(bits)
    m2, m3, m4 = np.uint64(len(table2) - 1), np.uint64(len(table3) - 1), np.uint64(len(joint) - 1)
    b2 = np.uint64(max(64 - 2 * bits, 0))
    b3 = np.uint64(max(64 - 3 * bits, 0))
    b4 = np.uint64(max(64 - 4 * bits, 0))
    cap4 = (np.uint64(1) << b4) - np.uint64(1)
    low = np.uint64(0xFFFFFFFF)
    n = len(ids)
    run = 0
    missed = False  # (the last 4-gram looked up was not there: the next may not be either)
    for i in range(n):
        j = i + PREFETCH_AHEAD
        if 3 <= j < n and ids[j] != 0 and ids[j - 1] != 0:
            # (the rows position j will probe: by the length of its piece so far)
            k2 = (np.uint64(ids[j - 1]) << shift) | np.uint64(ids[j])
            if ids[j - 2] == 0:
                prefetch_row(table2, np.int64(mix_key(k2) & m2))
            else:
                k3 = (np.uint64(ids[j - 2]) << (shift * np.uint64(2))) | k2
                if ids[j - 3] == 0:
                    prefetch_row(table2, np.int64(mix_key(k2) & m2))
                    prefetch_row(table3, np.int64(mix_key(k3) & m3))
                else:
                    prefetch_row(joint, np.int64(mix_key((np.uint64(ids[j - 3]) << (shift * np.uint64(3))) | k3) & m4))
                    if missed:
                        prefetch_row(table2, np.int64(mix_key(k2) & m2))
                        prefetch_row(table3, np.int64(mix_key(k3) & m3))
        c = ids[i]
        if c == 0:
            run = 0
            continue
        run += 1
        if run == 1:
            continue
        key2 = (np.uint64(ids[i - 1]) << shift) | np.uint64(c)
        if run == 2:
            seen[i, 0] = packed_get(table2, over2, key2, b2)
            continue
        key3 = (np.uint64(ids[i - 2]) << (shift * np.uint64(2))) | key2
        c2 = low
        c3 = low
        if run > 3:
            key4 = (np.uint64(ids[i - 3]) << (shift * np.uint64(3))) | key3
            h = mix_key(key4) & m4
            while True:
                r = joint[h, 0]
                if r == 0:
                    missed = True
                    break
                if (r >> b4) == key4:
                    c4 = r & cap4
                    seen[i, 2] = table_get(over4, key4) if c4 == cap4 else c4
                    w = joint[h, 1]
                    c3 = w >> np.uint64(32)
                    c2 = w & low
                    missed = False
                    break
                h = (h + np.uint64(1)) & m4
        seen[i, 1] = packed_get(table3, over3, key3, b3) if c3 == low else c3
        seen[i, 0] = packed_get(table2, over2, key2, b2) if c2 == low else c2


@njit(cache=True)
def charlm_scores_of_counts(ids, seen, unigram, alpha, vocab, begin):
    """The tag scores of :func:`charlm_tag_scores` from the context counts *seen* of *ids*
    (:func:`charlm_context_counts`; exact whole numbers in any numeric dtype): those of
    :func:`hybrid_tag_scores` with no boundary model and no rules, for every unit."""
    return hybrid_tag_scores(ids, seen, unigram, alpha, vocab, begin, np.zeros(0, np.int32), np.zeros(0), 0.0,
                             np.zeros(0, np.uint8), 0.0, np.arange(len(ids)), None)


@njit(cache=True, inline="always")
def _context_into(ids, seen, unigram, alpha, i, run, p, out, k, col):
    """ln p of tags c, d, e at unit *i* of *ids*, its piece *run* (> 1) units long so far, into
    ``out[k, col:col + 3]`` (left as they are where the piece is too short), from the context
    counts *seen* and the probability *p* of tag b there (:func:`charlm_tag_scores`). (A helper
    that returned the three values instead made :func:`hybrid_tag_scores` 1.1x slower.)"""
    p = (np.float64(seen[i, 0]) + alpha * p) / (unigram[ids[i - 1]] + alpha)
    out[k, col] = np.log(p)
    if run > 2:
        p = (np.float64(seen[i, 1]) + alpha * p) / (np.float64(seen[i - 1, 0]) + alpha)
        out[k, col + 1] = np.log(p)
        if run > 3:
            p = (np.float64(seen[i, 2]) + alpha * p) / (np.float64(seen[i - 1, 1]) + alpha)
            out[k, col + 2] = np.log(p)


@njit(cache=True)
def charlm_context_scores(ids, seen, unigram, alpha, vocab):
    """The char-LM scores of tags c, d, e of every unit of *ids* (n × 3: columns 1..3 of
    :func:`charlm_scores_of_counts`, the same floats; -inf where the piece is too short and at
    separators) from its context counts *seen*: what :func:`hybrid_tag_scores` takes as
    *context*."""
    out = np.full((len(ids), 3), NEG_INF)
    total = 0.0
    for x in unigram:
        total += x
    run = 0
    for i in range(len(ids)):
        c = ids[i]
        run = run + 1 if c != 0 else 0
        if run > 1:
            p = (unigram[c] + alpha / vocab) / (total + alpha)
            _context_into(ids, seen, unigram, alpha, i, run, p, out, i, 0)
    return out


TAG_BLOCK = 256
"""Kept units whose boundary log-odds :func:`hybrid_tag_scores` sums ahead, in one loop."""


@njit(cache=True)
def hybrid_tag_scores(ids, seen, unigram, alpha, vocab, begin, ucp, weights, weight, rules, forbidden, keep,
                      context):
    """The tag scores the hybrid decoder takes, in one pass and only for the units it decodes:
    for every unit ``keep[k]`` (sorted indices into *ids*), row *k* of the result holds
    :func:`charlm_scores_of_counts` of the char-LM ids *ids* (counts *seen*), plus
    ``add_boundary_scores(ucp, weights, ·, weight)`` (the boundary model; none when *weights*
    is empty), minus *forbidden* on tag b where ``rules`` is 1 and on tags c, d, e where it is
    2 (the numeral rules; *rules* may be empty): each value goes through the same operations,
    in the same order, as through those three steps on whole arrays, so the scores are the
    same to the last bit, without the three passes over n × 4 arrays and the copy of the kept
    rows.

    *context*: the char-LM scores of tags c, d, e of every unit of *ids* (n × 3,
    :func:`charlm_context_scores`), computed before, taken as they are (*seen* is then not
    read, and may be empty); or None: computed here from *seen* (numba compiles a kernel of its
    own for None, without the other branch). Self-training decodes the same text with the same
    LM every round, and computes them once (three logarithms a unit)."""
    out = np.full((len(keep), 4), NEG_INF)
    total = 0.0
    for x in unigram:
        total += x
    has_begin = len(begin) > 0
    mask = np.int64(len(weights) - 1)
    f = np.empty(N_FEATURES, dtype=np.int64)
    has_rules = len(rules) > 0
    # the boundary log-odds of the next TAG_BLOCK kept units are summed first, in a loop of
    # their own: its weight loads do not wait on the logarithms (1.3x faster, the same sums)
    zbuf = np.zeros(TAG_BLOCK)
    block = start = 0  # (zbuf[j] holds the log-odds of unit keep[start + j], up to keep[block - 1])
    run = 0
    k = 0
    m = len(keep)
    for i in range(len(ids)):
        if k == m:
            break
        c = ids[i]
        if c == 0:
            run = 0
        else:
            run += 1
        if keep[k] != i:
            continue
        # (the arithmetic of add_boundary_scores and the rules written out: numba calls a shared
        # helper here instead of inlining it, 2x slower)
        if run > 0:
            p = (unigram[c] + alpha / vocab) / (total + alpha)
            if has_begin and c > 1:
                out[k, 0] = begin[c]
            else:
                out[k, 0] = np.log(p)
            if context is not None:
                for t in range(1, 4):
                    out[k, t] = context[i, t - 1]
            elif run > 1:
                _context_into(ids, seen, unigram, alpha, i, run, p, out, k, 1)
        if mask >= 0:
            if k == block:
                block = min(m, k + TAG_BLOCK)
                for j in range(k, block):
                    g = keep[j]
                    z = 0.0
                    if g >= 1 and ucp[g] >= 0 and ucp[g - 1] >= 0:
                        gap_features(ucp, g, mask, f)
                        for t in range(N_FEATURES):
                            z += weights[f[t]]
                    zbuf[j - k] = z
                start = k
            cut, stay = boundary_costs(zbuf[k - start])
            out[k, 0] -= weight * cut
            for t in range(1, 4):
                out[k, t] -= weight * stay
        if has_rules:
            if rules[i] == 1:
                out[k, 0] -= forbidden
            elif rules[i] == 2:
                for t in range(1, 4):
                    out[k, t] -= forbidden
        k += 1
    return out


@njit(cache=True)
def tag_viterbi(ids, scores, trans):
    """Best b/c/d/e tag path of every piece (ids 0 separate pieces) under per-character tag
    *scores* (n × 4) and log transition weights *trans* (4 × 4, -inf = not allowed); a piece
    starts with b. Returns uint8 word starts (1 where the tag is b)."""
    n = len(ids)
    begin = np.zeros(n, dtype=np.uint8)
    best = np.full((n, 4), NEG_INF)
    back = np.zeros((n, 4), dtype=np.int8)
    starts, ends = piece_bounds(ids)
    for p in range(len(starts)):
        s, e = starts[p], ends[p]
        best[s, 0] = scores[s, 0]
        for t in range(1, 4):
            best[s, t] = NEG_INF
        for i in range(s + 1, e):
            for t in range(4):
                bv = NEG_INF
                bt = 0
                for u in range(4):
                    v = best[i - 1, u] + trans[u, t]
                    if v > bv:
                        bv = v
                        bt = u
                best[i, t] = bv + scores[i, t]
                back[i, t] = bt
        t = 0
        bv = NEG_INF
        for u in range(4):
            if best[e - 1, u] > bv:
                bv = best[e - 1, u]
                t = u
        for i in range(e - 1, s - 1, -1):
            if t == 0:
                begin[i] = 1
            t = back[i, t]
    return begin
