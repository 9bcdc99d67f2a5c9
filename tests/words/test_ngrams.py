"""NgramTable and the n-gram kernels against a Counter-over-substrings oracle."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minent.errors import DataError
from minent.text.chars import pieces
from minent.text.vocab import CharVocab
from minent.words.kernels import ngrams as K
from minent.words.ngrams import NgramTable, count_chunk


def oracle_counts(texts, order):
    """Counter over every substring of length 1..order of every piece: the obvious way."""
    c = Counter()
    for text in texts:
        for p in pieces(text):
            for k in range(1, order + 1):
                for i in range(len(p) - k + 1):
                    c[p[i:i + k]] += 1
    return c


# Han (BMP and astral Extension B), Latin, digits and separators (punctuation, space, emoji).
ALPHABET = list("天龙八部段誉一二三abZ09") + ["\U00020000", "\U0002A6D6", "\U00020021"] + list("，。 !\n") + ["😀"]
texts_strategy = st.lists(st.text(alphabet=ALPHABET, max_size=40), max_size=8)


def table_dict(t: NgramTable) -> dict:
    return dict(t.items())


@settings(max_examples=60, deadline=None)
@given(texts_strategy, st.integers(1, 6))
def test_counts_equal_oracle(texts, order):
    t = NgramTable.build(texts, order=order)
    expected = oracle_counts(texts, order)
    assert table_dict(t) == dict(expected)
    assert t.total == sum(v for w, v in expected.items() if len(w) == 1)
    for w, v in list(expected.items())[:20]:
        assert t.count(w) == v


@settings(max_examples=40, deadline=None)
@given(texts_strategy, st.integers(1, 4), st.integers(1, 3), st.integers(1, 30))
def test_chunking_jobs_and_min_count_are_exact(texts, order, jobs, chunk):
    expected = {w: c for w, c in oracle_counts(texts, order).items() if c >= 2}
    t = NgramTable.build(texts, order=order, min_count=2, jobs=jobs, chunk_chars=chunk)
    assert table_dict(t) == expected


def test_wide_vocabulary_and_high_order_use_multiword_keys():
    # > 2^16 distinct ids forces 17+ bits, so 4-grams need two words; order 6 too.
    rng = np.random.default_rng(0)
    pool = np.concatenate([np.arange(0x4E00, 0x9FA5), np.arange(0x20000, 0x2A6D6), np.arange(0x2A700, 0x2B739)])
    cps = rng.choice(pool, size=66000, replace=False)
    chars = "".join(chr(int(c)) for c in cps)
    texts = [chars[i:i + 13] for i in range(0, len(chars), 13)] + ["天龙八部天龙八部天"] * 3
    t = NgramTable.build(texts, order=6, chunk_chars=20000)
    assert t.bits == 17
    assert t.count("天龙八部天龙") == 3
    assert t.count("龙八部天龙八") == 3
    assert t.count(chars[13:19]) == 1
    assert t.count(chars[12:18]) == 0  # crosses a document boundary


def test_packed_keys_are_the_rows_packed():
    # packed(k, bits): the rows of grams(k) packed into one word each, first id highest, as a
    # plain Python reference packs them; None when the table packs them otherwise
    texts = ["".join(chr(0x4E00 + (i * 37 + j * j) % 3000) for j in range(40)) for i in range(60)] + ["天龙八部，天龙。"]
    t = NgramTable.build(texts, order=6, chunk_chars=500)
    for k in range(1, 7):
        ids, counts = t.grams(k)
        packed = t.packed(k, t.bits)
        if k * t.bits > 64:
            assert packed is None
            continue
        keys, c = packed
        want = [0] * len(ids)
        for r, row in enumerate(ids.tolist()):
            for x in row:
                want[r] = (want[r] << t.bits) | x
        assert keys.dtype == np.uint64 and keys.tolist() == want
        np.testing.assert_array_equal(c, counts)
        assert not keys.flags.writeable
    assert t.packed(2, t.bits + 1) is None
    with pytest.raises(ValueError):
        t.packed(7, t.bits)
    empty = NgramTable.build([], order=2)
    assert empty.packed(2, empty.bits)[0].tolist() == []


def test_repack_when_vocabulary_grows_between_chunks():
    small = ["天龙八部"] * 5
    rng = np.random.default_rng(1)
    big = "".join(chr(int(c)) for c in rng.choice(np.arange(0x4E00, 0x9FA5), size=5000, replace=False))
    texts = small + [big] + small
    t = NgramTable.build(texts, order=4, chunk_chars=10)
    assert t.count("天龙八部") == 10
    assert table_dict(t) == dict(oracle_counts(texts, 4))


def test_lookups_and_api():
    t = NgramTable.build(["天龙八部，天龙。ab天"], order=3)
    assert t["天龙"] == 2 and "天龙" in t and "龙天" not in t
    assert t.count("不在") == 0 and t.count("，") == 0 and t.count("") == 0
    with pytest.raises(ValueError):
        t.count("天龙八部")
    cc = t.char_counts()
    assert cc[t.vocab.id("天")] == 3 and cc[0] == 0
    ids, counts = t.grams(2)
    assert dict(zip(t.decode(ids), counts.tolist())) == dict(t.items(2))
    q = np.array([[t.vocab.id("天"), t.vocab.id("龙")], [t.vocab.id("龙"), t.vocab.id("天")]], dtype=np.int32)
    assert t.counts_of(q).tolist() == [2, 0]
    assert len(t) == len(list(t))


def test_empty_input():
    t = NgramTable.build([], order=3)
    assert t.total == 0 and len(t) == 0 and t.count("天") == 0
    t = NgramTable.build(["，。!", ""], order=2)
    assert len(t) == 0


def test_save_load_roundtrip(tmp_path):
    texts = ["天龙八部，天龙\U00020000八", "abc天龙"]
    t = NgramTable.build(texts, order=3, min_count=1)
    p = tmp_path / "t.npz"
    t.save(p)
    u = NgramTable.load(p)
    assert table_dict(u) == table_dict(t) and u.total == t.total and u.order == 3
    assert u.totals == t.totals and u.min_count == t.min_count and u.vocab.codepoints.tolist() == t.vocab.codepoints.tolist()
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DataError):
        NgramTable.load(bad)


def test_kernels_merge_and_search():
    a = np.array([[1], [3], [5]], dtype=np.uint64)
    b = np.array([[2], [3], [9]], dtype=np.uint64)
    k, c = K.merge(a, np.array([1, 1, 1]), b, np.array([2, 2, 2]))
    assert k[:, 0].tolist() == [1, 2, 3, 5, 9] and c.tolist() == [1, 2, 3, 1, 2]
    two = np.hstack([np.zeros_like(a), a]), np.hstack([np.zeros_like(b), b])
    k2, c2 = K.merge(two[0], np.array([1, 1, 1]), two[1], np.array([2, 2, 2]))
    assert k2[:, 1].tolist() == [1, 2, 3, 5, 9] and c2.tolist() == [1, 2, 3, 1, 2]
    assert K.search_rows(k, np.array([[3], [4]], dtype=np.uint64)).tolist() == [2, -1]
    keys = np.array([[5, 1], [2, 2], [5, 1], [2, 2], [2, 2]], dtype=np.uint64)
    u, c = K.hash_count(keys)
    assert {tuple(r): n for r, n in zip(u.tolist(), c.tolist())} == {(5, 1): 2, (2, 2): 3}
    slots = K.build_row_index(u)
    assert K.find_row(u, slots, np.array([[2, 2]], dtype=np.uint64), 0) >= 0
    assert K.find_row(u, slots, np.array([[2, 3]], dtype=np.uint64), 0) == -1


def test_count_chunk_levels_sorted():
    v = CharVocab()
    ids = v.encode(["天龙八部天龙", "八部"])
    levels = count_chunk(ids, 3, K.bits_for(len(v)))
    for keys, counts in levels:
        assert (np.diff(keys[:, 0].astype(np.float64)) > 0).all()
    assert levels[1][1].sum() == 5 + 1


@settings(max_examples=40, deadline=None)
@given(texts_strategy, st.integers(2, 5), st.integers(2, 3), st.integers(1, 2))
def test_levelwise_counting_is_exact_above_min_count(texts, order, min_count, jobs):
    # A list of chunks can be re-read, so counting goes level by level (Apriori).
    vocab = CharVocab()
    chunks = [vocab.encode(texts[i:i + 2]) for i in range(0, len(texts), 2)]
    chunks = [c for c in chunks if len(c)]
    t = NgramTable.from_id_chunks(chunks, vocab, order=order, min_count=min_count, jobs=jobs)
    full = oracle_counts(texts, order)
    assert table_dict(t) == {w: c for w, c in full.items() if c >= min_count}
    for k in range(1, order + 1):
        assert t.totals[k - 1] == sum(c for w, c in full.items() if len(w) == k)


_finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)


def _fsum_groups(groups):
    # Every value its own run of weight w (distinct), clogc[w] = the value: the kernel's sum of a
    # group is then an exactly rounded sum of arbitrary floats.
    keys, weights, clogc = [], [], [0.0]
    for g, values in enumerate(groups):
        for x in values:
            keys.append((g << 21) | len(clogc))
            weights.append(len(clogc))
            clogc.append(x)
    return K.grouped_run_clogc(np.array(keys, dtype=np.uint64), np.array(weights, dtype=np.int64),
                               np.array(clogc), len(groups), 21)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_finite, max_size=12), max_size=6))
def test_grouped_sums_equal_math_fsum(groups):
    # Reference: math.fsum of each group, compared bit for bit (repr), signed zeros included.
    assert [repr(float(x)) for x in _fsum_groups(groups)] == [repr(math.fsum(g)) for g in groups]


def test_grouped_sums_half_even_cases():
    cases = [[1e-16, 1.0, 1e16], [1e16, 1.0, -1e16, 1e-16], [0.1] * 10, [2.0 ** -1074, 1.0, -1.0],
             [c * math.log(c) for c in (3, 7, 7, 120, 1, 99991, 5)]]
    assert _fsum_groups(cases).tolist() == [math.fsum(g) for g in cases]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 6)), max_size=200))
def test_run_counts_and_clogc_sums_equal_counter(pairs):
    # (word, neighbour) occurrences -> per word math.fsum(c ln c) over its neighbours' counts.
    keys = np.sort(np.array([(w << 21) | c for w, c in pairs], dtype=np.uint64))
    none = np.zeros(0, dtype=np.int64)
    present = np.zeros(len(pairs) + 1, dtype=np.bool_)
    K.run_count_values(keys, none, present)
    per_word = defaultdict(Counter)
    for w, c in pairs:
        per_word[w][c] += 1
    seen = {n for cnt in per_word.values() for n in cnt.values()}
    assert set(np.flatnonzero(present).tolist()) == seen
    clogc = np.array([c * math.log(c) if c else 0.0 for c in range(len(pairs) + 1)])
    got = K.grouped_run_clogc(keys, none, clogc, 6, 21).tolist()
    assert got == [math.fsum(c * math.log(c) for c in per_word[w].values()) for w in range(6)]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=2 ** 40), max_size=300), st.integers(min_value=1, max_value=2 ** 40))
def test_key_bitmap_has_no_false_negatives(keys, probe):
    arr = np.array(keys, dtype=np.uint64)
    log2_bits = K.bitmap_bits(len(arr))
    bm = K.key_bitmap(arr, log2_bits)
    shift = np.uint64(64 - log2_bits)
    assert all(K.in_bitmap(bm, shift, np.uint64(k)) for k in keys)
    if probe not in keys and len(keys) == 0:
        assert not K.in_bitmap(bm, shift, np.uint64(probe))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=120), st.integers(3, 5), st.integers(0, 2 ** 32))
def test_level_keys_1d_equals_flags_then_masked_keys(ids, k, seed):
    # The fused level kernel against the two-step one (flags of frequent (k-1)-grams, then keys).
    ids = np.array(ids, dtype=np.int32)
    bits = 3
    rng = np.random.default_rng(seed)
    grams = K.gram_keys(ids, k - 1, bits, 1).reshape(-1)
    frequent = np.unique(grams[rng.random(len(grams)) < 0.6]) if len(grams) else grams
    table = K.key_set(frequent)
    rows = np.ascontiguousarray(frequent.reshape(-1, 1))
    flags = K.window_flags(ids, k - 1, bits, rows, K.build_row_index(rows))
    expected = K.masked_gram_keys(ids, k, bits, 1, flags).reshape(-1)
    no_bitmap = np.zeros(0, dtype=np.uint64)
    keys, windows = K.level_keys_1d(ids, k, bits, table, no_bitmap)
    assert keys.tolist() == expected.tolist()
    assert windows == K.count_windows(ids, k)
    # the exact bitmap of the frequent keys gives the same windows
    bitmap = K.exact_bitmap(frequent, (k - 1) * bits)
    assert all((bitmap[x >> 6] >> np.uint64(x & 63)) & np.uint64(1) for x in frequent.tolist())
    assert sum(bin(int(w)).count("1") for w in bitmap) == len(frequent)
    keys, windows = K.level_keys_1d(ids, k, bits, np.zeros(0, dtype=np.uint64), bitmap)
    assert keys.tolist() == expected.tolist()
    assert windows == K.count_windows(ids, k)
