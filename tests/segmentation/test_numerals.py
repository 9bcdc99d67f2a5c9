"""Numerals and classifiers (minent.segmentation.numerals): numeral runs, classifiers and the
decoder's cuts against plain-Python references on real text and edge cases, and the rules in the
hybrid decoder (each test fails without the rule it tests)."""

import math
import unicodedata
from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minent.errors import DataError
from minent.segmentation.charlm import CharLM
from minent.segmentation.hybrid import HybridSegmenter
from minent.segmentation.lexicon_model import Lexicon
from minent.segmentation.models import load_model
from minent.segmentation.numerals import (NUMERALS, RUN_STARTS, learn_classifiers, lexicon_joins, numeral_cuts,
                                          numeral_runs)
from minent.segmentation.unigram import UnigramSegmenter
from minent.segmentation.units import NUMBER_UNIT, corpus_units


def ucp_of(text: str) -> np.ndarray:
    return np.array([-1 if c == "|" else ord(c) for c in text], dtype=np.int32)


def ref_runs(ucp):
    """Maximal runs of numeral characters / number units with a numeral character, by hand."""
    num = {ord(c) for c in NUMERALS}
    units = ucp.tolist()
    isnum = [u in num or u == ord(NUMBER_UNIT) for u in units]
    member = list(isnum)
    for i in range(1, len(units) - 1):  # a decimal point between two numbers
        if units[i] in (ord("点"), ord("點")) and isnum[i - 1] and isnum[i + 1]:
            member[i] = True
    for i in range(1, len(units) - 2):  # the fraction word between two numbers
        if units[i] == ord("分") and units[i + 1] == ord("之") and isnum[i - 1] and isnum[i + 2]:
            member[i] = member[i + 1] = True
    rank = {c: i + 1 for i, cs in enumerate(["十", "百", "千", "万萬", "亿億"]) for c in cs}
    r = [rank.get(chr(u), 0) if u >= 0 else 0 for u in units]
    out, i = [], 0
    while i < len(member):
        if member[i]:
            j = i + 1  # (a place value after a larger one starts another number: 万千)
            while j < len(member) and member[j] and not (r[j] and r[j - 1] > r[j]):
                j += 1
            if any(u in num for u in ucp[i:j].tolist()):
                out.append((i, j))
            i = j
        else:
            i += 1
    return out


def ref_classifiers(ucp, k=2):
    """The characters whose preceding numeral runs have a perplexity of at least *k*."""
    before = defaultdict(Counter)
    num = {ord(c) for c in NUMERALS}
    for a, b in ref_runs(ucp):
        if b < len(ucp) and ucp[b] >= 0 and int(ucp[b]) not in num:
            before[int(ucp[b])][tuple(ucp[a:b].tolist())] += 1
    out = []
    for c, runs in before.items():
        total = sum(runs.values())
        entropy = -sum(n / total * math.log(n / total) for n in runs.values())
        if entropy >= math.log(k) - 1e-12:  # (k equal shares give ln k up to rounding)
            out.append(c)
    return sorted(out)


def ref_cuts(ucp, classifiers, words=None):
    inside = [False] * len(ucp)
    start = [False] * len(ucp)
    pairs = {w[i:i + 2] for w in words or [] for i in range(len(w) - 1)}
    runs = ref_runs(ucp)
    for a, b in runs:
        for i in range(a + 1, b):
            inside[i] = True
        if any(b0 == a for a0, b0 in runs):  # (right after another number: 150万 千)
            start[a] = True
        if b < len(ucp) and int(ucp[b]) in set(classifiers):
            start[b] = True
            if words is not None and a > 0 and ucp[a - 1] >= 0 and chr(ucp[a - 1]) + chr(ucp[a]) not in pairs:
                start[a] = True
    return inside, start


WORDS = ["第一", "统一", "进一步", "中国", "0万"]


def check_against_reference(ucp):
    starts, ends = numeral_runs(ucp)
    assert list(zip(starts.tolist(), ends.tolist())) == ref_runs(ucp)
    cl = learn_classifiers(ucp)
    assert cl.tolist() == ref_classifiers(ucp)
    inside, start = numeral_cuts(ucp, cl)
    assert (inside.tolist(), start.tolist()) == ref_cuts(ucp, cl.tolist())
    assert not (inside & start).any()
    inside, start = numeral_cuts(ucp, cl, lexicon_joins(WORDS))
    assert (inside.tolist(), start.tolist()) == ref_cuts(ucp, cl.tolist(), WORDS)
    assert not (inside & start).any()


def test_numerals_are_the_counting_numerals_of_unicode():
    # every numeral but 两 / 几 / 幾 has a Unicode numeric value; 兩 has, its simplified form not
    for c in NUMERALS:
        if c not in "两几幾":
            assert unicodedata.numeric(c) >= 0
    assert unicodedata.numeric("兩") == 2 and len(set(NUMERALS)) == len(NUMERALS)


@pytest.mark.parametrize("text, want", [
    ("", []),
    ("一", [(0, 1)]),
    ("一百二十三个", [(0, 5)]),
    ("0万元|两国", [(0, 2), (4, 5)]),   # 50万: digits and 万 are one number
    ("0年", []),                       # digits alone are left to the lexicon
    ("统一战线|十几个", [(1, 2), (5, 7)]),
    ("一一|一", [(0, 2), (3, 4)]),      # a separator ends a run
    ("二十六点八亿|一点|点五", [(0, 6), (7, 8), (11, 12)]),  # a decimal point between numerals only
    ("百分之五|三分之|分之二", [(0, 4), (5, 6), (11, 12)]),
    ("0万千瓦|三千五百|十万|万千|千百万", [(0, 2), (2, 3), (5, 9), (10, 12), (13, 14), (14, 15), (16, 17), (17, 19)]),
])
def test_numeral_runs(text, want):
    starts, ends = numeral_runs(ucp_of(text))
    assert list(zip(starts.tolist(), ends.tolist())) == want == ref_runs(ucp_of(text))


def test_classifiers_need_two_different_numbers():
    ucp = ucp_of("一次三次|两国五国|一定一定|三个三个|十年|0万元二万元")
    assert "".join(chr(c) for c in learn_classifiers(ucp)) == "元国次"  # not 定, 个 (one number), 年
    assert learn_classifiers(ucp_of("")).tolist() == [] and learn_classifiers(ucp_of("一|")).tolist() == []
    # at the end of the text and before a separator nothing follows
    assert learn_classifiers(ucp_of("三|五|三")).tolist() == []


def test_classifiers_need_two_numbers_worth_of_choice():
    # a stray other number does not open a slot: 一般 ×9 and 百般 once is a perplexity of 1.38
    assert learn_classifiers(ucp_of("一般|" * 9 + "百般")).tolist() == []
    # two numbers equally often are exactly two numbers' worth (ln 2 up to rounding), as are
    # three unevenly: 个 after 一 ×4, 两 ×2, 三 ×2 (perplexity 2.83)
    assert "".join(chr(c) for c in learn_classifiers(ucp_of("一次|三次|一次|三次"))) == "次"
    assert "".join(chr(c) for c in learn_classifiers(ucp_of("一个|" * 4 + "两个|三个|" * 2))) == "个"
    assert learn_classifiers(ucp_of("一次|三次|三次"), min_numbers=2).tolist() == []  # 1.89
    # min_numbers=1 makes any character after a number a classifier
    assert "".join(chr(c) for c in learn_classifiers(ucp_of("一定|三次"), min_numbers=1)) == "定次"


def test_cuts_on_real_text_match_the_reference(shared_data):
    lines = (shared_data / "sighan2005" / "pku_test.utf8").read_text(encoding="utf-8").splitlines()[:400]
    ucp = corpus_units(lines, False)
    assert len(learn_classifiers(ucp)) > 10
    check_against_reference(ucp)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="一二三十百千万亿两几个次年定0|中第统进步点分之", max_size=40))
def test_cuts_match_the_reference(text):
    check_against_reference(ucp_of(text))


def _hybrid(words, counts, classifiers):
    texts = ["中国人民很好。"] * 5
    uni = UnigramSegmenter(Lexicon(words, counts))
    return HybridSegmenter(uni, CharLM.train(texts), classifiers=classifiers)


def test_classifier_starts_a_word_after_a_number():
    words = ["三个", "一定", "好", "三", "个", "一", "定"]
    counts = [50, 50, 5, 1, 1, 1, 1]
    cl = np.array([ord("个")], dtype=np.int32)
    assert _hybrid(words, counts, None).segment_line("三个好") == "三个 好"
    assert _hybrid(words, counts, cl).segment_line("三个好") == "三 个 好"
    # not a classifier: the word stays
    assert _hybrid(words, counts, cl).segment_line("一定好") == "一定 好"


def test_a_numeral_run_is_one_word():
    # (a number unit joins a word only through the lexicon: 0万)
    words = ["二", "十", "个", "十个", "二十三", "0", "万", "万个", "0万"]
    counts = [9, 9, 9, 50, 1, 9, 9, 50, 1]
    cl = np.array([ord("个")], dtype=np.int32)
    assert _hybrid(words, counts, None).segment_line("二十个") == "二 十个"
    assert _hybrid(words, counts, cl).segment_line("二十个") == "二十 个"
    assert _hybrid(words, counts, cl).segment_line("二十三个") == "二十三 个"
    assert _hybrid(words, counts, None).segment_line("50万个") == "50 万个"
    assert _hybrid(words, counts, cl).segment_line("50万个") == "50万 个"
    # with no LM weight the rules still hold
    hyb = _hybrid(words, counts, cl)
    hyb.w_lm = 0.0
    assert hyb.segment_line("二十个") == "二十 个"
    # a run longer than the out-of-lexicon spans (--oov-max 2) and not in the lexicon is one
    # word too: the decoder sees a run as one unit
    assert _hybrid(words, counts, cl).segment_line("三十二个") == "三十二 个"
    assert _hybrid(words, counts, cl).segment_line("百分之二十六点八个") == "百分之二十六点八 个"


def test_a_counted_number_joins_the_word_before_only_through_the_lexicon():
    cl = np.array([ord("个")], dtype=np.int32)
    ucp = ucp_of("是一个|第一个|三个|是三")
    inside, start = numeral_cuts(ucp, cl, lexicon_joins(["第一"]))
    # 是|一 (no lexicon word holds 是一): a start; 第一 (a word): none; 三 at a piece start; 是三
    # is not followed by a classifier
    assert np.flatnonzero(start).tolist() == [1, 2, 6, 9]
    # 是 and 一 mostly inside words (an unseen span 是一 scores well), the LM trained on 是一个
    hyb = _hybrid(["是", "一", "个", "第一", "第", "是非", "一定"], [1, 1, 20, 20, 1, 50, 50], cl)
    hyb.lm = CharLM.train(["是一个是一个是一个"] * 20)
    assert hyb.segment_line("是一个") == "是 一 个"
    assert hyb.segment_line("第一个") == "第一 个"
    hyb._joins, hyb._joins_of = None, hyb.unigram  # (the rule off: the span glues 是一)
    assert hyb.segment_line("是一个") == "是一 个"


def test_classifiers_are_learned_saved_and_loaded(tmp_path):
    texts = ["他买了三个苹果和两个梨。", "一定要来，五次三次都行。", "这是一个好人。"] * 10
    hyb = _hybrid(["苹果", "梨", "一定"], [5, 5, 5], None)
    hyb.self_train(texts, rounds=1)
    assert "".join(chr(c) for c in hyb.classifiers) == "个次"
    p = tmp_path / "h.npz"
    hyb.save(p)
    back = load_model(p)
    assert back.classifiers.tolist() == hyb.classifiers.tolist()
    assert back.segment_line("三个梨") == hyb.segment_line("三个梨")
    # a model saved without classifiers (before the rule) loads with none
    z = dict(np.load(p))
    del z["classifiers"]
    old = tmp_path / "old.npz"
    np.savez(old, **z)
    assert load_model(old).classifiers is None
    z["classifiers"] = np.array([-5])
    bad = tmp_path / "bad.npz"
    np.savez(bad, **z)
    with pytest.raises(DataError, match="classifiers"):
        load_model(bad)


def _check_fused_decoding(texts):
    hyb = _hybrid(["苹果", "梨", "一定", "二十", "第一", "人民"], [5, 5, 5, 5, 5, 5], None)
    hyb.lm = CharLM.train(texts)
    hyb.self_train(texts, rounds=1)
    assert len(hyb.classifiers) and hyb.boundary is not None
    ucp = corpus_units(texts, False)
    lm_ids = hyb.lm.ids_of(ucp)
    # given the tag scores, decode_units applies the boundary model and the rules step by step
    want = hyb.decode_units(ucp, hyb.lm.tag_scores(lm_ids))
    assert np.array_equal(hyb.decode_units(ucp), want)
    assert np.array_equal(hyb.decode_units(ucp, lm_context=hyb.lm.context_scores(lm_ids)), want)
    hyb.classifiers = np.zeros(0, np.int32)  # (no rule holds anywhere)
    assert np.array_equal(hyb.decode_units(ucp), hyb.decode_units(ucp, hyb.lm.tag_scores(lm_ids)))


def test_fused_decoding_is_the_step_by_step_decoding():
    _check_fused_decoding(["他买了三个苹果和两个梨，一共二十六点八元。", "一定要来，五次三次都行；百分之五十的人来了。",
                           "这是一个好人。1997年3月，第一次。", "中国人民很好 abc 人民中国"] * 5)


def test_fused_decoding_on_real_text(shared_data):
    _check_fused_decoding((shared_data / "sighan2005" / "pku_test.utf8").read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("words", [WORDS, [], [""], ["一"], ["", "第一", "", "一二", "二一", "一", "𠀀𠀁二"],
                                   ["一二三", "二三", "一二三"]])
def test_lexicon_joins_are_the_sorted_pairs_inside_words(words):
    # the pairs of adjacent characters of each word, one by one, as sorted distinct keys
    keys = sorted({ord(w[i]) * 0x110000 + ord(w[i + 1]) for w in words for i in range(len(w) - 1)})
    got = lexicon_joins(iter(words))
    assert got.dtype == np.int64 and got.tolist() == keys
    some = lexicon_joins(iter(words), "一𠀁")
    assert some.dtype == np.int64 and some.tolist() == [k for k in keys if k % 0x110000 in (ord("一"), ord("𠀁"))]


def test_lexicon_joins_of_a_real_lexicon(shared_data):
    words = sorted({w for line in (shared_data / "sighan2005" / "pku_test_gold.utf8").read_text(encoding="utf-8")
                    .splitlines() for w in line.split()})
    keys = sorted({ord(w[i]) * 0x110000 + ord(w[i + 1]) for w in words for i in range(len(w) - 1)})
    assert lexicon_joins(words).tolist() == keys and len(keys) > 10000


def test_numeral_cuts_need_only_the_joins_into_a_run(shared_data):
    """numeral_cuts asks the joins only about pairs whose second unit starts a numeral run: the
    joins into RUN_STARTS give the same cuts as all the joins, on real text and its lexicon."""
    from minent.segmentation.units import corpus_units

    gold = (shared_data / "sighan2005" / "pku_test_gold.utf8").read_text(encoding="utf-8").splitlines()
    words = sorted({w for line in gold for w in line.split()})
    ucp = corpus_units(["".join(line.split()) for line in gold], False)
    cl = learn_classifiers(ucp)
    starts, _ = numeral_runs(ucp)
    assert len(starts) > 1000 and set(ucp[starts].tolist()) <= {ord(c) for c in RUN_STARTS}
    want = numeral_cuts(ucp, cl, lexicon_joins(words))
    got = numeral_cuts(ucp, cl, lexicon_joins(words, RUN_STARTS))
    assert want[1].any() and all(np.array_equal(a, b) for a, b in zip(got, want))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list(NUMERALS + "0点點分之个年中a") + [-1]), max_size=40))
def test_numeral_runs_start_with_a_run_start(units):
    ucp = np.array([u if u == -1 else ord(u) for u in units], dtype=np.int32)
    starts, _ = numeral_runs(ucp)
    assert all(chr(c) in RUN_STARTS for c in ucp[starts].tolist())
