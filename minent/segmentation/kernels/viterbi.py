"""Numba kernels for lexicon-based segmentation: a hashed trie and unigram Viterbi decoding.

Text arrives as int32 character ids (0 = separator between pieces, 1 = unknown character, real
characters 2, 3, ...). Each piece is decoded on its own; the result is a uint8 array ``begin``
with ``begin[i] = 1`` when a word starts at position ``i``.

The lexicon is a trie whose edges live in one open-addressing hash table keyed by
``node << 32 | char_id`` (uint64); ``node_score[node]`` is the word's log-probability, or -inf
when the path to that node is only a prefix. One hash probe per character keeps the decoder
independent of the alphabet size (traditional text, astral ideographs) and of word length.
"""

from __future__ import annotations

import numpy as np
from numba import njit

EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
NEG_INF = -np.inf


@njit(cache=True, inline="always")
def _mix(key):
    # splitmix64 finaliser: spreads consecutive node/char ids over the table.
    z = key
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def trie_child(keys, vals, node, c):
    """Child of trie *node* along character id *c*, or -1."""
    mask = np.uint64(len(keys) - 1)
    key = (np.uint64(node) << np.uint64(32)) | np.uint64(c)
    h = _mix(key) & mask
    while True:
        k = keys[h]
        if k == key:
            return vals[h]
        if k == EMPTY:
            return -1
        h = (h + np.uint64(1)) & mask


@njit(cache=True)
def build_trie(chars, offsets, scores):
    """Build the hashed trie of words ``chars[offsets[w]:offsets[w+1]]`` with log-prob ``scores[w]``.

    Returns ``(keys, vals, node_score, depth)``: the edge hash table (power-of-two size, load
    ≤ 1/2), the score of every node (-inf for prefixes; root is node 0) and the longest word length.
    A word listed twice keeps its last score.
    """
    n_edges_max = len(chars)
    size = 16
    while size < 2 * n_edges_max + 2:
        size *= 2
    keys = np.full(size, EMPTY, dtype=np.uint64)
    vals = np.full(size, -1, dtype=np.int32)
    node_score = np.full(n_edges_max + 1, NEG_INF, dtype=np.float64)
    mask = np.uint64(size - 1)
    n_nodes = 1
    depth = 0
    for w in range(len(offsets) - 1):
        node = 0
        a, b = offsets[w], offsets[w + 1]
        if b - a > depth:
            depth = b - a
        for p in range(a, b):
            key = (np.uint64(node) << np.uint64(32)) | np.uint64(chars[p])
            h = _mix(key) & mask
            while True:
                k = keys[h]
                if k == key:
                    node = vals[h]
                    break
                if k == EMPTY:
                    keys[h] = key
                    vals[h] = n_nodes
                    node = n_nodes
                    n_nodes += 1
                    break
                h = (h + np.uint64(1)) & mask
        if b > a:
            node_score[node] = scores[w]
    return keys, vals, node_score[:n_nodes].copy(), depth


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
def _decode_piece(ids, s, e, keys, vals, node_score, depth, unk_score, char_score, span_score, oov_max,
                  oov_bias, best, back, begin, lm, trans, w_lex, w_lm):
    n = e - s
    best[0] = 0.0
    for k in range(1, n + 1):
        best[k] = NEG_INF
    reach = depth if depth > oov_max else oov_max
    if reach < 1:
        reach = 1
    for i in range(n):
        bi = best[i]
        if bi == NEG_INF:
            continue
        node = 0
        acc = 0.0
        lm_acc = 0.0
        stop = i + reach
        if stop > n:
            stop = n
        for j in range(i, stop):
            c = ids[s + j]
            acc += span_score[c]
            if node >= 0:
                node = trie_child(keys, vals, node, c)
            length = j - i + 1
            tag = length - 1 if length < 4 else 3
            if w_lm != 0.0:
                # char-LM score of the word so far: tags b, c, d, e, e, ... and their transitions
                if length == 1:
                    lm_acc = lm[s + j, 0]
                else:
                    prev_tag = length - 2 if length < 5 else 3
                    lm_acc += trans[prev_tag, tag] + lm[s + j, tag]
            sc = node_score[node] if node >= 0 else NEG_INF
            if sc == NEG_INF:
                if length == 1:
                    sc = unk_score if char_score[c] == NEG_INF else char_score[c]
                elif length <= oov_max:
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
    # walk back pointers and mark word starts
    k = n
    while k > 0:
        i = back[k]
        begin[s + i] = 1
        k = i
    return best[n]


@njit(cache=True)
def viterbi_segment(ids, keys, vals, node_score, depth, unk_score, char_score, span_score, oov_max, oov_bias):
    """Best unigram segmentation of every piece of *ids*: :func:`hybrid_segment` with the
    lexicon alone (see there for the scores). Returns ``(begin, total)``."""
    return hybrid_segment(ids, keys, vals, node_score, depth, unk_score, char_score, span_score, oov_max, oov_bias,
                          np.zeros((0, 4)), np.zeros((4, 4)), 1.0, 0.0)


@njit(cache=True)
def hybrid_segment(ids, keys, vals, node_score, depth, unk_score, char_score, span_score, oov_max, oov_bias,
                   lm, trans, w_lex, w_lm):
    """Best unigram segmentation of every piece of *ids* (pieces separated by id 0).

    A word w scores ``node_score`` (its log-probability). A single character that is not a word
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
    begin = np.zeros(len(ids), dtype=np.uint8)
    starts, ends = piece_bounds(ids)
    longest = np.max(ends - starts) if len(starts) else 0
    best = np.empty(longest + 1, dtype=np.float64)
    back = np.zeros(longest + 1, dtype=np.int64)
    total = 0.0
    for p in range(len(starts)):
        total += _decode_piece(ids, starts[p], ends[p], keys, vals, node_score, depth, unk_score, char_score,
                               span_score, oov_max, oov_bias, best, back, begin, lm, trans, w_lex, w_lm)
    return begin, total


@njit(cache=True)
def count_segmented_words(ids, begin, keys, vals):
    """Trie node of every word in a segmentation (-1 for a word not in the trie), in order.

    Used by re-estimation to recount lexicon words; out-of-lexicon words come back as -1 with
    their start and end so the caller can count them as new candidates.
    Returns ``(nodes, starts, ends)``.
    """
    n = len(ids)
    m = 0
    for i in range(n):
        if begin[i]:
            m += 1
    nodes = np.empty(m, dtype=np.int32)
    starts = np.empty(m, dtype=np.int64)
    ends = np.empty(m, dtype=np.int64)
    w = 0
    i = 0
    while i < n:
        if not begin[i]:
            i += 1
            continue
        j = i + 1
        while j < n and ids[j] != 0 and not begin[j]:
            j += 1
        node = 0
        for p in range(i, j):
            node = trie_child(keys, vals, node, ids[p])
            if node < 0:
                break
        nodes[w] = node
        starts[w] = i
        ends[w] = j
        w += 1
        i = j
    return nodes, starts, ends


@njit(cache=True)
def word_nodes(chars, offsets, keys, vals):
    """Trie node of each word ``chars[offsets[w]:offsets[w+1]]`` (-1 when absent)."""
    m = len(offsets) - 1
    out = np.full(m, -1, dtype=np.int64)
    for w in range(m):
        node = 0
        for p in range(offsets[w], offsets[w + 1]):
            node = trie_child(keys, vals, node, chars[p])
            if node < 0:
                break
        out[w] = node
    return out


@njit(cache=True)
def _count_of(keys, counts, key):
    j = np.searchsorted(keys, key)
    if j < len(keys) and keys[j] == key:
        return counts[j]
    return 0.0


@njit(cache=True)
def charlm_tag_scores(ids, keys1, counts1, keys2, counts2, keys3, counts3, keys4, counts4, bits, alpha, vocab):
    """Per-character scores of the four tags of the character-LM segmenter (ALGORITHMS.md §3.4).

    Column 0 (b, first character of a word): ln p(c_i); 1 (c): ln p(c_i | c_{i-1});
    2 (d): ln p(c_i | c_{i-2} c_{i-1}); 3 (e, fourth and later): ln p(c_i | c_{i-3..i-1}); -inf
    where the piece is too short for the context. Probabilities are interpolated with a Dirichlet
    prior on the next-lower order (hierarchical smoothing):

        p_k(c | h) = (N(h c) + alpha · p_{k-1}(c | h')) / (N(h) + alpha),   p_0 = 1 / vocab

    where ``keys_k`` (sorted uint64, ``bits`` bits per id, first character in the high bits)
    and ``counts_k`` are the k-gram counts of the training corpus.
    """
    n = len(ids)
    out = np.full((n, 4), NEG_INF)
    total = 0.0
    for x in counts1:
        total += x
    shift = np.uint64(bits)
    run = 0
    for i in range(n):
        c = ids[i]
        if c == 0:
            run = 0
            continue
        run += 1
        p = (_count_of(keys1, counts1, np.uint64(c)) + alpha / vocab) / (total + alpha)
        out[i, 0] = np.log(p)
        # contexts of growing length ending at i-1
        key_h = np.uint64(0)
        for k in range(1, 4):
            if run <= k:
                break
            key_h = key_h | (np.uint64(ids[i - k]) << (shift * np.uint64(k - 1)))
            key_hc = (key_h << shift) | np.uint64(c)
            if k == 1:
                nh = _count_of(keys1, counts1, key_h)
                nhc = _count_of(keys2, counts2, key_hc)
            elif k == 2:
                nh = _count_of(keys2, counts2, key_h)
                nhc = _count_of(keys3, counts3, key_hc)
            else:
                nh = _count_of(keys3, counts3, key_h)
                nhc = _count_of(keys4, counts4, key_hc)
            p = (nhc + alpha * p) / (nh + alpha)
            out[i, k] = np.log(p)
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
