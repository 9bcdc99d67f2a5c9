"""Unigram Viterbi kernel against brute-force enumeration of all segmentations."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minent.segmentation.kernels.viterbi import (build_trie, node_scores, tally_words,
                                                 trie_child, trie_root, viterbi_segment, viterbi_segment_words)


def _trie(words: dict[tuple[int, ...], float]):
    items = list(words.items())
    chars = np.array([c for w, _ in items for c in w], dtype=np.int32)
    offsets = np.cumsum([0] + [len(w) for w, _ in items]).astype(np.int64)
    scores = np.array([s for _, s in items], dtype=np.float64)
    return build_trie(chars, offsets, scores)


def _segmented_words(ids, begin, trie):
    """(node, start, end) of every word of a segmentation, walking the trie from Python (-1: the
    word leaves the trie)."""
    out = []
    starts = [i for i in range(len(ids)) if begin[i]]
    for i in starts:
        j = i + 1
        while j < len(ids) and ids[j] != 0 and not begin[j]:
            j += 1
        node = trie_root(trie)
        for c in ids[i:j]:
            node = trie_child(trie, node, c) if node >= 0 else -1
        out.append((node, i, j))
    nodes, st, en = (np.array(x, dtype=np.int64).reshape(-1) for x in zip(*out)) if out else [np.zeros(0, np.int64)] * 3
    return nodes, st, en


def _word_score(w, words, char_score, unk, oov_max, oov_bias):
    if w in words:
        return words[w]
    if len(w) == 1:
        return char_score[w[0]] if math.isfinite(char_score[w[0]]) else unk
    if len(w) <= oov_max:
        return sum(SPAN[c] for c in w) + oov_bias
    return -math.inf


def _brute(piece, words, char_score, unk, oov_max, oov_bias):
    n = len(piece)
    best = -math.inf
    for cuts in itertools.product([0, 1], repeat=n - 1):
        bounds = [0] + [i + 1 for i, c in enumerate(cuts) if c] + [n]
        s = sum(
            _word_score(tuple(piece[a:b]), words, char_score, unk, oov_max, oov_bias)
            for a, b in zip(bounds, bounds[1:])
        )
        best = max(best, s)
    return best


def _seg_score(piece, begin, words, char_score, unk, oov_max, oov_bias):
    starts = [i for i in range(len(piece)) if begin[i]] + [len(piece)]
    assert starts[0] == 0
    return sum(
        _word_score(tuple(piece[a:b]), words, char_score, unk, oov_max, oov_bias)
        for a, b in zip(starts, starts[1:])
    )


SPAN = [-3.0, -3.0, -2.0, -2.5, -4.0, -1.5, -6.0]  # span_score per char id

lex_strategy = st.dictionaries(
    st.lists(st.integers(2, 5), min_size=1, max_size=4).map(tuple),
    st.floats(-12, -0.5),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(
    words=lex_strategy,
    piece=st.lists(st.integers(2, 6), min_size=1, max_size=9),
    char_scores=st.lists(st.one_of(st.floats(-15, -1), st.just(-math.inf)), min_size=7, max_size=7),
    oov_max=st.integers(0, 4),
    oov_bias=st.floats(-10, 0),
)
def test_viterbi_matches_brute_force(words, piece, char_scores, oov_max, oov_bias):
    trie, depth = _trie(words)
    char_score = np.array(char_scores, dtype=np.float64)
    unk = -20.0
    ids = np.array(piece, dtype=np.int32)
    begin, total = viterbi_segment(ids, trie, depth, unk, char_score, np.array(SPAN),
                                   oov_max, oov_bias)
    expected = _brute(piece, words, char_scores, unk, oov_max, oov_bias)
    assert total == pytest.approx(expected, rel=1e-12, abs=1e-9)
    # the decoder's word nodes are those of walking the trie again
    begin2, total2, word_node = viterbi_segment_words(ids, trie, depth, unk, char_score, np.array(SPAN),
                                                      oov_max, oov_bias)
    assert np.array_equal(begin2, begin) and total2 == total
    nodes, starts, ends = _segmented_words(ids, begin, trie)
    scores = node_scores(trie)
    missing = (nodes < 0) | (scores[np.maximum(nodes, 0)] == -math.inf)
    want = (np.bincount(nodes[nodes >= 0], minlength=trie_root(trie) + 1), starts[missing], (ends - starts)[missing])
    for nodes_given in (word_node, np.zeros(0, np.int64)):  # (empty: each word walks the trie)
        got = tally_words(ids, begin, trie, nodes_given)
        assert all(np.array_equal(x, y) for x, y in zip(got, want))
    assert (word_node[begin == 0] == -1).all()
    assert _seg_score(piece, begin, words, char_scores, unk, oov_max, oov_bias) == pytest.approx(
        expected, rel=1e-12, abs=1e-9
    )


def test_pieces_are_independent_and_separators_unmarked():
    words = {(2, 3): -1.0, (3, 4): -1.0, (2,): -5.0, (3,): -5.0, (4,): -5.0}
    trie, depth = _trie(words)
    node_score = node_scores(trie)
    cs = np.full(6, -math.inf)
    ids = np.array([0, 2, 3, 0, 3, 4, 0, 0, 4], dtype=np.int32)
    begin, total = viterbi_segment(ids, trie, depth, -20.0, cs, cs, 0, 0.0)
    assert begin.tolist() == [0, 1, 0, 0, 1, 0, 0, 0, 1]
    assert total == pytest.approx(-1 - 1 - 5)
    nodes, starts, ends = _segmented_words(ids, begin, trie)
    assert starts.tolist() == [1, 4, 8] and ends.tolist() == [3, 6, 9]
    assert [node_score[n] for n in nodes] == [-1.0, -1.0, -5.0]
    node_counts, missing_starts, _ = tally_words(ids, begin, trie, np.zeros(0, np.int64))
    assert len(missing_starts) == 0 and node_counts.sum() == 3
    assert sorted(node_score[np.flatnonzero(node_counts)]) == [-5.0, -1.0, -1.0]


def test_empty_and_trie_lookup():
    trie, depth = _trie({(7, 8, 9): -2.0})
    node_score = node_scores(trie)
    assert depth == 3
    n = trie_child(trie, trie_root(trie), 7)
    n = trie_child(trie, n, 8)
    assert node_score[n] == -math.inf
    assert node_score[trie_child(trie, n, 9)] == -2.0
    assert trie_child(trie, trie_root(trie), 8) == -1
    assert node_score[trie_root(trie)] == -math.inf
    begin, total = viterbi_segment(np.zeros(0, np.int32), trie, depth, -20.0,
                                   np.full(10, -math.inf), np.full(10, -math.inf), 0, 0.0)
    assert len(begin) == 0 and total == 0.0
    # astral / large ids
    trie, depth = _trie({(70000, 2**20): -1.0})
    begin, _ = viterbi_segment(np.array([70000, 2**20], np.int32), trie, depth, -20.0,
                               np.full(2**20 + 1, -math.inf), np.full(2**20 + 1, -math.inf), 0, 0.0)
    assert begin.tolist() == [1, 0]


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.lists(st.integers(2, 40), min_size=1, max_size=5), max_size=60),
       big=st.integers(0, 2**20))
def test_trie_against_a_dict(words, big):
    """Every word is found with its (last) score, every other prefix of a word is a node scored
    -inf, every other string is absent; edges at most half fill the smallest power of two of
    rows that they can (words sharing no prefix, all prefixes of one word, repeated words: the
    trial tables of build_trie are too small, large enough, or just so)."""
    from minent.segmentation.kernels.viterbi import word_nodes

    words = [tuple(w) for w in words] + ([(big, 2)] if big % 3 else [])
    scores = {}
    for k, w in enumerate(words):
        scores[w] = -1.0 - k  # a word listed twice keeps its last score
    chars = np.array([c for w in words for c in w], dtype=np.int32)
    offsets = np.cumsum([0] + [len(w) for w in words]).astype(np.int64)
    trie, depth = build_trie(chars, offsets, np.array([-1.0 - k for k in range(len(words))]))
    node_score = node_scores(trie)
    prefixes = {w[:i] for w in words for i in range(1, len(w) + 1)}
    slots = trie_root(trie)
    assert slots >= 32 and slots & (slots - 1) == 0 and 2 * len(prefixes) + 2 <= slots
    assert slots == 32 or 2 * len(prefixes) + 2 > slots // 2  # (the smallest such table, whatever the trials)
    assert len(trie) == slots + 1 + slots // 32 and len(node_score) == slots + 1
    assert depth == max((len(w) for w in words), default=0)

    def walk(s):
        node = trie_root(trie)
        for c in s:
            node = trie_child(trie, node, c)
            if node < 0:
                return -1
        return node

    seen_nodes = set()
    for p in prefixes:
        node = walk(p)
        assert 0 <= node < slots and node not in seen_nodes
        seen_nodes.add(node)
        assert node_score[node] == scores.get(p, -math.inf)
    for p in list(prefixes)[:20]:
        assert walk(p + (41,)) == -1 and walk((41,) + p) == -1
    assert node_score[trie_root(trie)] == -math.inf
    nodes = word_nodes(chars, offsets, trie)
    assert nodes.tolist() == [walk(w) for w in words]


def test_trie_filter_of_a_large_lexicon():
    """With 30k words the filter spans many words: every word and prefix is still found (a
    filter has no false negatives), absent strings are absent, and the filter answers most of
    them without the table (three bits in a 64-bit word at 8+ bits an edge: a few % pass)."""
    from minent.segmentation.kernels.viterbi import _filter_bits, _filter_word, mix_key

    rng = np.random.default_rng(5)
    words = [tuple(rng.integers(2, 3000, rng.integers(1, 5)).tolist()) for _ in range(30000)]
    chars = np.array([c for w in words for c in w], dtype=np.int32)
    offsets = np.cumsum([0] + [len(w) for w in words]).astype(np.int64)
    trie, _ = build_trie(chars, offsets, -np.arange(1.0, len(words) + 1))
    node_score = node_scores(trie)
    last = {w: -1.0 - k for k, w in enumerate(words)}
    prefixes = {w[:i] for w in words for i in range(1, len(w) + 1)}
    nodes = {}
    for p in sorted(prefixes, key=len):
        parent = nodes[p[:-1]] if len(p) > 1 else trie_root(trie)
        nodes[p] = trie_child(trie, parent, p[-1])
        assert nodes[p] >= 0 and node_score[nodes[p]] == last.get(p, -math.inf)
    slots = trie_root(trie)
    passed = absent = 0
    for p in list(prefixes)[:3000]:
        for c in rng.integers(3000, 6000, 3).tolist():  # (ids never in a word)
            absent += 1
            assert trie_child(trie, nodes[p], c) == -1
            z = np.uint64(mix_key((np.uint64(nodes[p]) << np.uint64(32)) | np.uint64(c)))
            r, col = _filter_word(trie, slots, z)
            bits = np.uint64(_filter_bits(z))
            passed += int(trie[r, col] & bits == bits)
    assert passed < 0.1 * absent


def _lm_word_score(lm, a, b, trans):
    tags = [min(k, 3) for k in range(b - a)]
    s = lm[a, 0]
    for k in range(1, b - a):
        s += trans[tags[k - 1], tags[k]] + lm[a + k, tags[k]]
    return s + trans[tags[-1], 0]


@settings(max_examples=100, deadline=None)
@given(
    words=lex_strategy,
    piece=st.lists(st.integers(2, 6), min_size=1, max_size=8),
    oov_max=st.integers(0, 3),
    w_lex=st.floats(0.1, 2.0),
    w_lm=st.floats(0.0, 2.0),
    seed=st.integers(0, 1000),
)
def test_hybrid_matches_brute_force(words, piece, oov_max, w_lex, w_lm, seed):
    from minent.segmentation.charlm import transition_matrix
    from minent.segmentation.kernels.viterbi import hybrid_segment

    trie, depth = _trie(words)
    char_score = np.full(7, -4.0)
    n = len(piece)
    lm = np.random.default_rng(seed).normal(-3, 1, size=(n, 4))
    trans = transition_matrix({"eb": 0.5})  # a non-zero exit weight, to test it is added
    ids = np.array(piece, dtype=np.int32)
    begin, _ = hybrid_segment(ids, trie, depth, -20.0, char_score, np.array(SPAN), oov_max, -1.0,
                              lm, trans, w_lex, w_lm)

    def total(bounds):
        s = 0.0
        for a, b in zip(bounds, bounds[1:]):
            lex = _word_score(tuple(piece[a:b]), words, list(char_score), -20.0, oov_max, -1.0)
            if lex == -math.inf:
                return -math.inf
            s += w_lex * lex + (w_lm * _lm_word_score(lm, a, b, trans) if w_lm else 0.0)
        return s

    best = max(total([0] + [i + 1 for i, c in enumerate(cuts) if c] + [n])
               for cuts in itertools.product([0, 1], repeat=n - 1))
    got = total([i for i in range(n) if begin[i]] + [n])
    assert got == pytest.approx(best, rel=1e-9, abs=1e-9)


def _scores_in_three_steps(ids, seen, unigram, alpha, vocab, begin, ucp, weights, weight, rules, forbidden, keep,
                           context):
    """What hybrid_tag_scores fuses: each step a kernel or numpy expression of its own (the
    kernels have their pure-Python oracles in test_charlm.py / test_boundary.py)."""
    from minent.segmentation.kernels.boundary import add_boundary_scores
    from minent.segmentation.kernels.viterbi import charlm_scores_of_counts

    out = charlm_scores_of_counts(ids, seen, unigram, alpha, vocab, begin)
    if len(weights):
        add_boundary_scores(ucp, weights, out, weight)
    if len(rules):
        out[rules == 1, 0] -= forbidden
        out[rules == 2, 1:] -= forbidden
    return out.take(keep, axis=0)


HYBRID_TEXT = ["他买了三个苹果和两个梨，一共二十六点八元。", "一定要来，五次三次都行；百分之五十的人来了。",
               "这是一个好人。1997年3月，第一次。", "中国人民很好 abc 人民中国𠀀𠀀"] * 3


def _check_hybrid_tag_scores(texts, pre_split):
    from minent.segmentation.boundary import BoundaryModel
    from minent.segmentation.charlm import CharLM
    from minent.segmentation.kernels.viterbi import charlm_context_scores, hybrid_tag_scores
    from minent.segmentation.numerals import learn_classifiers, numeral_cuts
    from minent.segmentation.units import corpus_units

    lm = CharLM.train(texts[: len(texts) // 2] + HYBRID_TEXT[:2], pre_split=pre_split)  # (unseen n-grams too)
    ucp = corpus_units(texts, pre_split).astype(np.int32)
    ids = lm.ids_of(ucp)
    rng = np.random.default_rng(3)
    weights = BoundaryModel.train(ucp, rng.integers(0, 2, len(ucp)).astype(np.uint8), bits=10).weights
    inside, start = numeral_cuts(ucp, learn_classifiers(ucp))
    assert inside.any() and start.any()
    rules = inside.view(np.uint8) | (start.view(np.uint8) << 1)
    unigram, _ = lm.count_tables()
    vocab = float(len(lm.codepoints) - 2)
    for seen in (lm.context_counts(ids), lm.context_counts(ids).astype(np.float64)):
        for w, r, keep in [(weights, rules, np.flatnonzero(~inside)), (weights, rules, np.arange(len(ucp))),
                           (np.zeros(0), rules, np.flatnonzero(rng.random(len(ucp)) < 0.5)),
                           (weights, np.zeros(0, np.uint8), np.arange(len(ucp))),
                           (weights, rules, np.zeros(0, np.int64))]:
            args = (ids, seen, unigram, lm.alpha, vocab, lm.begin_scores(), ucp, w, 1.7, r, 1e6 / 0.9, keep,
                    None)
            got = hybrid_tag_scores(*args)
            want = _scores_in_three_steps(*args)
            assert got.shape == want.shape and np.array_equal(got, want)  # (-inf at the same places too)
            # from the scores of tags c, d, e computed before (self-training), the counts unread
            context = charlm_context_scores(ids, seen, unigram, lm.alpha, vocab)
            assert np.array_equal(context, lm.tag_scores(ids)[:, 1:])
            given = args[:1] + (np.zeros((0, 3), seen.dtype),) + args[2:-1] + (context,)
            assert np.array_equal(hybrid_tag_scores(*given), want)


@pytest.mark.parametrize("pre_split", [False, True])
def test_hybrid_tag_scores_are_the_three_steps_exactly(pre_split):
    _check_hybrid_tag_scores(HYBRID_TEXT, pre_split)


def test_hybrid_tag_scores_on_real_text(shared_data):
    lines = (shared_data / "sighan2005" / "pku_test.utf8").read_text(encoding="utf-8").splitlines()[:400]
    _check_hybrid_tag_scores(HYBRID_TEXT + lines, False)


@pytest.mark.parametrize("n", [0, 1, 15, 17, 5000])
def test_count_table_against_a_dict(n):
    """Every key of a count_table gives its count, every other key 0 (fewer and more keys than
    the fill's prefetch distance, PREFETCH_AHEAD)."""
    from minent.segmentation.kernels.viterbi import PREFETCH_AHEAD, count_table, row_counts

    assert 1 < PREFETCH_AHEAD < 5000
    rng = np.random.default_rng(n)
    rows = np.unique(rng.integers(2, 2**14, (2 * n, 3)), axis=0)[:n]
    rows = rows[rng.permutation(len(rows))]
    keys = np.zeros(len(rows), dtype=np.uint64)
    for j in range(3):
        keys = (keys << np.uint64(14)) | rows[:, j].astype(np.uint64)
    counts = rng.integers(1, 2**32, len(rows)).astype(np.uint32)
    table = count_table(keys, counts)
    assert len(table) & (len(table) - 1) == 0 and 3 * len(keys) <= 2 * len(table)
    want = dict(zip(map(tuple, rows.tolist()), counts.tolist()))
    absent = rng.integers(2, 2**14, (200, 3))
    probe = np.concatenate([rows, absent]).astype(np.int32)
    got = row_counts(table, probe, 14)
    assert got.tolist() == [want.get(tuple(r), 0) for r in probe.tolist()]


@pytest.mark.parametrize("key_bits", [28, 56, 60, 64])
@pytest.mark.parametrize("n", [0, 1, 17, 5000])
def test_packed_count_table_against_a_dict(key_bits, n):
    """Every key of a packed_count_table gives its count, every other key 0: counts that fit the
    bits the key leaves, counts that do not (the overflow: from 2**(64 - key_bits) - 1 on; every
    count when the key takes all 64 bits), whole float64 counts too."""
    from minent.segmentation.kernels.viterbi import packed_count_table, packed_get

    rng = np.random.default_rng(key_bits * 10_000 + n)
    keys = np.unique(rng.integers(1, 2**key_bits - 1, 2 * n, dtype=np.uint64, endpoint=True))[:n]
    keys = keys[rng.permutation(len(keys))]
    cbits = max(64 - key_bits, 0)
    cap = 2**cbits - 1
    small = rng.integers(1, 20, len(keys))
    counts = np.where(rng.random(len(keys)) < 0.3, rng.integers(max(cap - 2, 1), max(cap, 1) + 500, len(keys)),
                      small)
    if key_bits == 28:
        counts = rng.integers(1, 2**32, len(keys))
    absent = rng.integers(1, 2**key_bits - 1, 300, dtype=np.uint64, endpoint=True)
    absent = absent[~np.isin(absent, keys)]
    for dtype in (np.uint32, np.float64):
        table, overflow = packed_count_table(keys, counts.astype(dtype), key_bits)
        assert table.dtype == np.uint64 and table.ndim == 1
        assert len(table) & (len(table) - 1) == 0 and 3 * len(keys) <= 2 * len(table)
        assert np.count_nonzero(overflow[:, 1]) == np.count_nonzero(counts >= cap)
        want = dict(zip(keys.tolist(), counts.tolist()))
        for key in np.concatenate([keys, absent]).tolist():
            assert packed_get(table, overflow, np.uint64(key), np.uint64(cbits)) == want.get(key, 0)
