"""The lexicon's pruning kernels (free_pairs, unpaid_words) against their slow Python loops."""

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minent.segmentation.kernels.lexicon import find_word, word_table
from minent.segmentation.lexicon import free_pairs, freedoms, mean_freedom, unpaid_words, word_arrays
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


def _check(lexicon):
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


def test_by_hand_lexicons():
    _check(Lexicon(["这", "是", "这是", "经", "济", "经济"], [6, 8, 4, 1, 0.5, 9]))
    _check(Lexicon(["改革", "开放", "改革开放", "经济", "经济学", "检察", "机关", "检察机关"], [9, 8, 5, 9, 3, 4, 6, 2]))
    _check(Lexicon(["中", "国", "中国", "的", "是", "的是", "国会", "中国人", "人"], [50, 40, 30, 900, 800, 2, 1, 3, 0]))
    # a word listed twice, counts of 0, fractional counts, a long word, no counts at all
    _check(Lexicon(["这是", "这", "是", "这是", "是这是这是", "么"], [3.5, 6.25, 8, 1, 2, 0]))
    _check(Lexicon(["中国", "中国"], [0, 0]))
    _check(Lexicon([], []))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text("中国人的是一二三", min_size=1, max_size=6),
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
