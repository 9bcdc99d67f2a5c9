"""The lexicon's kernels (free_pairs, unpaid_words, without_words, joined_words, find_strings)
against their slow Python loops."""

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minent.segmentation.kernels.lexicon import find_strings, find_word, word_table
from minent.segmentation.lexicon import (free_pairs, freedoms, joined_words, mean_freedom, unpaid_words,
                                         without_words, word_arrays)
from minent.segmentation.lexicon_model import Lexicon


def _free_pairs_reference(lexicon, threshold):
    # every word, every split, over the dict of freedoms()
    freedom = freedoms(lexicon)

    def free(u):
        f = freedom.get(u, 0.0)
        return f > 0 and f >= threshold

    out = set()
    for w in lexicon.words:
        n = len(w)
        if n == 2:
            if free(w[0]) and free(w[1]):
                out.add(w)
        elif n >= 4:
            split = [True] + [False] * n
            for j in range(2, n + 1):
                split[j] = any(split[i] and (i, j) != (0, n) and free(w[i:j]) for i in range(j - 1))
            if split[n]:
                out.add(w)
    return out


def _unpaid_words_reference(lexicon, margin=1.5, entry_cost=4.0):
    # the best split of every word into other words by dynamic programming over dicts
    counts = {w: c for w, c in zip(lexicon.words, lexicon.counts.tolist()) if c > 0}
    total = sum(counts.values())
    if total <= 0:
        return {w for w in lexicon.words if len(w) > 1}
    lp = {w: math.log(c / total) for w, c in counts.items()}
    floor = math.log(0.5 / total)
    out = set()
    for w in lexicon.words:
        n = len(w)
        if n < 2:
            continue
        if w not in counts:
            out.add(w)
            continue
        best = [0.0] + [-math.inf] * n
        for j in range(1, n + 1):
            for i in range(j):
                if j - i < n:
                    part = lp.get(w[i:j], floor if j - i == 1 else -math.inf)
                    best[j] = max(best[j], best[i] + part)
        if counts[w] * (lp[w] - best[n] - margin * (n - 1)) < entry_cost * n:
            out.add(w)
    return out


def _without_words_reference(lexicon, drop):
    counts = {w: c for w, c in zip(lexicon.words, lexicon.counts.tolist()) if w not in drop}
    for w, c in zip(lexicon.words, lexicon.counts.tolist()):
        if w in drop:
            for ch in w:
                counts[ch] = counts.get(ch, 0.0) + c
    return list(counts.items())


def _joined_words_reference(lexicon, words, cuts, counts, floor=0.5):
    d = lexicon.as_dict()
    for w, cut, c in zip(words, cuts, counts):
        d[w] = float(c)
        for part in (w[:cut], w[cut:]):
            d[part] = max(d.get(part, 0.0) - c, floor)
    return list(d.items())


def _items(lexicon):
    return list(zip(lexicon.words, lexicon.counts.tolist()))


def _check_edits(lexicon, joined):
    # without_words: every other word, none, all, a character, a string that is no word
    words = lexicon.words
    for drop in (set(words[::2]), set(), set(words), {w for w in words if len(w) == 1}, {"不在"}):
        assert _items(without_words(lexicon, drop)) == _without_words_reference(lexicon, drop)
    # joined_words: *joined* as (word, cut, count); its parts may be words, new, or new words
    cps, offsets = word_arrays([w for w, _, _ in joined])
    cuts = offsets[:-1] + np.array([cut for _, cut, _ in joined], dtype=np.int64)
    counts = np.array([c for _, _, c in joined], dtype=np.int64)
    got = joined_words(lexicon, cps, offsets, cuts, counts)
    assert _items(got) == _joined_words_reference(lexicon, *zip(*joined) if joined else ((), (), ()))


def _check(lexicon):
    joined = [(w + v, len(w), i % 7 + 1) for i, (w, v) in enumerate(zip(lexicon.words, lexicon.words[1:] + ["新"]))]
    _check_edits(lexicon, joined)
    _check_edits(lexicon, [])
    for threshold in (mean_freedom(lexicon), 0.0, 0.05, 0.3, 0.5, 0.9, 1.0):
        assert free_pairs(lexicon, threshold) == _free_pairs_reference(lexicon, threshold)
    for margin, entry_cost in ((1.5, 4.0), (0.0, 0.0), (3.0, 1.0)):
        assert unpaid_words(lexicon, margin=margin, entry_cost=entry_cost) == \
            _unpaid_words_reference(lexicon, margin, entry_cost)


def test_word_table_finds_every_word_and_nothing_else():
    words = ["中国", "中", "国人", "中国人", "人", "中国", "𠀀𠀁", ""]
    chars, offsets = word_arrays(words)
    first = word_table(chars, offsets, np.ones(len(words), np.bool_), False)
    last = word_table(chars, offsets, np.ones(len(words), np.bool_), True)
    for w, word in enumerate(words):
        a, b = offsets[w], offsets[w + 1]
        assert find_word(first, chars, offsets, a, b) == words.index(word)
        assert find_word(last, chars, offsets, a, b) == len(words) - 1 - words[::-1].index(word)
    a = offsets[3]  # 中国人: its sub-strings 国 and 中国人's 国人 are words, 国 is not
    assert find_word(first, chars, offsets, a + 1, a + 2) == -1
    assert find_word(first, chars, offsets, a + 1, a + 3) == 2
    some = word_table(chars, offsets, np.array([w != "中国" for w in words]), False)
    assert find_word(some, chars, offsets, offsets[0], offsets[1]) == -1


def test_find_strings_finds_every_word_and_nothing_else():
    # astral characters, Latin and Han, the empty string, a word listed twice; the strings
    # looked up live in another array than the words
    words = ["中国", "中", "𠀀𠀁", "ab", "中国人", "", "中国", "a中"]
    chars, offsets = word_arrays(words)
    table = word_table(chars, offsets, np.ones(len(words), np.bool_), False)
    queries = ["中国", "", "𠀀𠀁", "𠀀", "a中", "中国人民", "b", "ab", "国", "中"]
    cps, bounds = word_arrays(queries)
    got = find_strings(table, chars, offsets, cps.astype(np.int32), bounds).tolist()
    assert got == [words.index(q) if q in words else -1 for q in queries]
    assert find_strings(table, chars, offsets, cps, bounds[:1]).tolist() == []


def test_joined_words_by_hand():
    lex = Lexicon(["服务", "业", "中", "服务"], [9, 4, 3, 7])  # (服务 twice: its first place, last count)
    joined = [("服务业", 2, 3), ("中国", 1, 2), ("国", 0, 1), ("中国中国", 2, 1), ("𠀀a", 1, 5)]
    _check_edits(lex, joined)
    cps, offsets = word_arrays([w for w, _, _ in joined])
    got = joined_words(lex, cps, offsets, offsets[:-1] + [2, 1, 0, 2, 1], [3, 2, 1, 1, 5])
    assert got.as_dict() == {"服务": 4.0, "业": 1.0, "中": 1.0, "服务业": 3.0, "中国": 0.5, "国": 0.5,
                             "": 0.5, "中国中国": 1.0, "𠀀a": 5.0, "𠀀": 0.5, "a": 0.5}
    assert _items(joined_words(Lexicon([], []), cps[:0], offsets[:1], offsets[:0], [])) == []


def test_by_hand_lexicons():
    _check(Lexicon(["这", "是", "这是", "经", "济", "经济"], [6, 8, 4, 1, 0.5, 9]))
    _check(Lexicon(["改革", "开放", "改革开放", "经济", "经济学", "检察", "机关", "检察机关"], [9, 8, 5, 9, 3, 4, 6, 2]))
    _check(Lexicon(["中", "国", "中国", "的", "是", "的是", "国会", "中国人", "人"], [50, 40, 30, 900, 800, 2, 1, 3, 0]))
    # a word listed twice, counts of 0, fractional counts, a long word, no counts at all
    _check(Lexicon(["这是", "这", "是", "这是", "是这是这是", "么"], [3.5, 6.25, 8, 1, 2, 0]))
    _check(Lexicon(["中国", "中国"], [0, 0]))
    _check(Lexicon([], []))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text("中国人的是一二三𠀀a", min_size=1, max_size=6),
                          st.one_of(st.integers(0, 50).map(float), st.floats(0.0, 20.0, allow_subnormal=False))), max_size=40))
def test_random_lexicons(items):
    _check(Lexicon([w for w, _ in items], [c for _, c in items]))


def test_words_of_real_segmentations(shared_data):
    # the words of the PKU gold segmentation with their counts, and the words the hybrid's own
    # first segmentation makes on CityU (what drop_collocations measures)
    from minent.segmentation import train_segmenter
    from minent.segmentation.hybrid import HybridSegmenter

    sig = shared_data / "sighan2005"
    words = Counter(w for line in (sig / "pku_test_gold.utf8").read_text(encoding="utf-8").splitlines()
                    for w in line.split())
    _check(Lexicon(list(words), np.array(list(words.values()), np.float64)))
    seen = []
    orig = HybridSegmenter.drop_collocations

    def spy(self, ucp, begin, free_pair=None, **kw):
        seen.append(kw["seen"])
        return orig(self, ucp, begin, free_pair, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(HybridSegmenter, "drop_collocations", spy)
        train_segmenter((sig / "cityu_test.utf8").read_text(encoding="utf-8-sig").splitlines()[:1500], self_train=0)
    assert len(seen) == 1 and len(seen[0]) > 1000
    _check(seen[0])
    assert free_pairs(seen[0]) and unpaid_words(seen[0])  # (the check compared something)
