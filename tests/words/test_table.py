"""WordTable and its kernels (minent.words.kernels.wordcount) against plain Python on strings."""

import pickle
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minent.text.chars import has_word_char
from minent.words.kernels import wordcount as k
from minent.words.table import WordTable, _space_table

# astral CJK, a word that is a prefix of others, equal first three characters, spaces of
# several kinds, a NUL, the highest code point
WORDS = ["的", "北京", "北京大学", "北京大学生", "北京大", "北京大学生活", "𠀀", "𠀀𪚥", "𪚥", "a", "ab",
         "abc", "abcd", "abce", "abc\x00", "\x00", " ", "\u3000", "\t ", " a ", "，", "。！", "\U0010ffff",
         "\U0010ffff\U0010ffff\U0010ffff\U0010ffff", "2024年", "ＡＢＣ"]

words_st = st.text(alphabet="ab 北京\u3000𠀀\x00，", min_size=1, max_size=6)
items_st = st.dictionaries(words_st, st.integers(1, 4), max_size=40).map(lambda d: list(d.items()))


def ref_order(items):
    return sorted(items, key=lambda wc: (-wc[1], wc[0]))


def test_round_trip_and_pickle():
    items = [(w, i % 3 + 1) for i, w in enumerate(WORDS)]
    t = WordTable.from_items(items)
    assert t.rows() == items and t.words() == WORDS and len(t) == len(WORDS)
    assert pickle.loads(pickle.dumps(t)) == t and not pickle.loads(pickle.dumps(t)).by_word
    s = t.sorted_by_word()
    assert pickle.loads(pickle.dumps(s)).by_word
    assert WordTable().rows() == [] and WordTable.from_items([]).rows() == []


@pytest.mark.parametrize("items", [[], [("北京", 3)], [(w, 1) for w in WORDS], [(w, i + 1) for i, w in enumerate(WORDS)],
                                   [(w, len(w) % 2 + 1) for w in WORDS]])
def test_ordered_equals_sorted(items):
    t = WordTable.from_items(items)
    assert t.ordered().rows() == ref_order(items)
    for min_count, top in [(2, None), (1, 3), (1, 0), (5, 2)]:
        want = [wc for wc in ref_order(items) if wc[1] >= min_count][:top]
        assert t.ordered(min_count, top).rows() == want


@settings(max_examples=150, deadline=None)
@given(items=items_st)
def test_ordered_hypothesis(items):
    assert WordTable.from_items(items).ordered().rows() == ref_order(items)


def test_refine_ties_sorts_long_runs():
    """Thousands of words with one count and one three-character prefix: one long run."""
    rng = np.random.default_rng(0)
    words = list(dict.fromkeys("abc" + "".join(rng.choice(list("xy中𠀀"), size=rng.integers(1, 8)))
                               for _ in range(3000)))
    items = [(w, 7) for w in words] + [("zz", 7), ("ab", 7), ("abc", 8)]
    assert WordTable.from_items(items).ordered().rows() == ref_order(items)
    assert WordTable.from_items(items).sorted_by_word().rows() == sorted(items)


def test_prefix_keys_compare_like_strings():
    t = WordTable.from_items([(w, 1) for w in WORDS])
    keys = k.prefix_keys(t.cps, t.ends)
    for w1, k1 in zip(WORDS, keys):
        for w2, k2 in zip(WORDS, keys):
            assert (k1 < k2) == (w1[:3] < w2[:3]) and (k1 == k2) == (w1[:3] == w2[:3])


@pytest.mark.parametrize("min_length", [1, 2, 4])
@pytest.mark.parametrize("drop_punct", [False, True])
def test_kept_equals_python_filter(min_length, drop_punct):
    items = [(w, i + 1) for i, w in enumerate(WORDS)]
    want = [(w, c) for w, c in items
            if w.strip() and len(w) >= min_length and (has_word_char(w) if drop_punct else True)]
    assert WordTable.from_items(items).kept(min_length, drop_punct).rows() == want
    assert WordTable().kept(min_length, drop_punct).rows() == []


def test_whitespace_table_is_str_isspace():
    """str.strip() removes what str.isspace() says; no such character lies outside the BMP."""
    space = _space_table()
    assert [c for c in range(space.size) if space[c]] == [c for c in range(space.size) if chr(c).isspace()]
    assert not any(chr(c).isspace() for c in range(space.size, 0x110000))


def test_take_words():
    t = WordTable.from_items([(w, i) for i, w in enumerate(WORDS)])
    for idx in ([], [0], [3, 1, 1, len(WORDS) - 1], list(range(len(WORDS)))[::-1]):
        sub = t.take(np.array(idx, dtype=np.int64))
        assert sub.rows() == [(WORDS[i], i) for i in idx]


@settings(max_examples=100, deadline=None)
@given(parts=st.lists(items_st, max_size=5), presorted=st.booleans())
def test_merge_equals_counter_sum(parts, presorted):
    tables = [WordTable.from_items(p) for p in parts]
    if presorted:
        tables = [t.sorted_by_word() for t in tables]
    merged = WordTable.merge(tables)
    want = Counter()
    for p in parts:
        want.update(dict(p))
    # sorted by word, and the inputs are left as they were
    assert merged.rows() == sorted(want.items()) and merged.by_word
    assert [t.rows() for t in tables] == ([sorted(p) for p in parts] if presorted else parts)


@settings(max_examples=150, deadline=None)
@given(a=items_st, b=items_st)
def test_merge_sorted_kernel(a, b):
    """Two tables sorted by word -> one, sorted, counts of shared words summed."""
    ta, tb = (WordTable.from_items(sorted(x)) for x in (a, b))
    got = WordTable(*k.merge_sorted(ta.cps, ta.ends, ta.counts, tb.cps, tb.ends, tb.counts)).rows()
    assert got == sorted((Counter(dict(a)) + Counter(dict(b))).items())


@settings(max_examples=150, deadline=None)
@given(items=items_st)
def test_sorted_by_word(items):
    t = WordTable.from_items(items).sorted_by_word()
    assert t.rows() == sorted(items) and t.by_word
    assert t.sorted_by_word() is t


def test_token_table_arrays_are_its_items():
    from minent.text.chars import to_codepoints
    from minent.words.tokenizers.fast import TokenTable

    table = TokenTable(capacity=2)
    tokens = WORDS + WORDS[::2]
    table.add(to_codepoints("".join(tokens)), np.cumsum([len(w) for w in tokens]).astype(np.int64))
    assert WordTable(*table.arrays()).rows() == table.items() == list(Counter(tokens).items())


@pytest.mark.parametrize("rows_per_chunk", [1, 3, 1 << 16])
def test_tsv_chunks_are_write_table_bytes(rows_per_chunk):
    """The TSV made from the arrays is what write_table makes of the rows, tabs and line feeds
    in words included."""
    import io

    from minent.io.tables import write_table

    words = WORDS + ["a\tb", "x\ny", "c\rd", "e\r\tf", "\t", "\r\n"]
    items = [(w, c) for w, c in zip(words, [0, 1, 9, 10, 99, 100, 12345678901234, 2**63 - 1] * 5)]
    for rows in (items, items[:1], []):
        f = io.StringIO()
        write_table(rows, ("word", "count"), "tsv", f)
        assert "".join(WordTable.from_items(rows).tsv_chunks(rows_per_chunk)) == f.getvalue()
