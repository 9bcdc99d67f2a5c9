"""Two-character words by their neighbours: pair_evidence against a slow reference, and the
hybrid's use of it on real text."""

import math
from collections import Counter

import numpy as np
import pytest

from minent.segmentation.pairs import (adjacent_singles, pair_evidence, pair_keys, two_unit_words,
                                       unpack_pairs, word_edges)
from minent.text.chars import to_codepoints


def _tokens(text, begin):
    """The words of *text* (separators '|') under the word starts *begin*, with their positions."""
    words, i = [], 0
    while i < len(text):
        if text[i] == "|":
            words.append((i, 1, True))
            i += 1
            continue
        j = i + 1
        while j < len(text) and text[j] != "|" and not begin[j]:
            j += 1
        words.append((i, j - i, False))
        i = j
    return words


def _evidence_reference(text, begin, pair):
    """The module docstring's definition, one occurrence at a time, with dictionaries."""
    END = None
    unit = lambda i: END if i < 0 or i >= len(text) or text[i] == "|" else text[i]  # noqa: E731
    words = _tokens(text, begin)
    starts = {i for i, _, s in words if not s}
    ends = {i + n - 1 for i, n, s in words if not s}
    single = {i for i, n, s in words if not s and n == 1}
    occ = [i for i in range(len(text) - 1) if text[i:i + 2] == pair]
    out = []
    for part_at, ctx, edges, part in ((0, -1, starts, pair[0]), (1, +1, ends, pair[1])):
        bg = Counter(unit(i + ctx) for i in edges)
        total = sum(bg.values())
        mine = {i + part_at for i in occ}
        free = Counter(unit(i + ctx) for i in single if text[i] == part and i not in mine)
        n, v = sum(free.values()), len(free)
        e = 0.0
        for i in occ:
            x = unit(i + part_at + ctx)
            if n + v == 0:
                continue
            p0 = bg[x] / total
            p = (free[x] + v * p0) / (n + v)
            e += math.log(p / p0) if free[x] else math.log(v / (n + v))
        out.append(e)
    return tuple(out)


def _random_case(rng, n):
    alphabet = "这是不能全国现在为了我们中"
    text = "".join(rng.choice(list(alphabet + "|"), p=[0.07] * 13 + [0.09]) for _ in range(n))
    begin = (rng.random(n) < 0.55).astype(np.uint8)
    return text, begin


def _ucp(text):
    ucp = to_codepoints(text).astype(np.int32)
    ucp[ucp == ord("|")] = -1
    return ucp


@pytest.mark.parametrize("seed", range(6))
def test_pair_evidence_against_reference(seed):
    rng = np.random.default_rng(seed)
    text, begin = _random_case(rng, 400 + 200 * seed)
    pairs = sorted({text[i:i + 2] for i in range(len(text) - 1) if "|" not in text[i:i + 2]})
    pairs += ["书外"]  # (never seen: evidence 0)
    rows = np.array([[ord(p[0]), ord(p[1])] for p in pairs])
    left, right = pair_evidence(_ucp(text), begin, rows)
    for p, le, ri in zip(pairs, left, right):
        ref = _evidence_reference(text, begin, p)
        assert le == pytest.approx(ref[0], abs=1e-9), p
        assert ri == pytest.approx(ref[1], abs=1e-9), p


def test_pair_evidence_tells_a_collocation_from_a_word():
    # 是 after 这 is followed by what follows the free 是; after 现, 在 is followed by what never
    # follows the free 在
    text = "|".join(["这是书", "我是人", "他是书", "这是人", "在家", "在外", "现在我", "现在他", "也在家"]) + "|"
    begin = np.array([1 if c != "|" else 0 for c in text], np.uint8)
    for w in ("现在", "这是"):  # the segmentation cut both into characters
        i = text.index(w)
        begin[i] = begin[i + 1] = 1
    ucp = _ucp(text)
    left, right = pair_evidence(ucp, begin, np.array([[ord("这"), ord("是")], [ord("现"), ord("在")]]))
    assert right[0] > 0 and right[1] < 0


def test_positions_helpers():
    text = "这是|全国人|现在"
    ucp = _ucp(text)
    begin = np.array([1, 1, 0, 1, 0, 1, 0, 1, 1], np.uint8)  # 这 是 | 全国 人 | 现 在
    start, end = word_edges(ucp, begin)
    assert start.tolist() == [1, 1, 1, 1, 0, 1, 1, 1, 1]
    keep = ucp >= 0
    assert adjacent_singles(ucp, begin, keep).tolist() == [0, 7]
    assert two_unit_words(ucp, begin, keep).tolist() == [3]
    assert two_unit_words(ucp[:1], begin[:1], keep[:1]).tolist() == []
    keys = pair_keys(ucp, np.array([0, 3]))
    assert unpack_pairs(keys).tolist() == [[ord("这"), ord("是")], [ord("全"), ord("国")]]
    assert pair_evidence(ucp, begin, np.zeros((0, 2), np.int64))[0].shape == (0,)
