"""Lexicon building: n-gram counting oracle, redundancy removal, EM bits/char, TSV model files."""

import itertools
import math
from collections import Counter

import numpy as np
import pytest

from minent.errors import DataError, UsageError
from minent.segmentation.lexicon import (
    build_lexicon,
    code_length_bits,
    decode_rows,
    encode_corpus,
    judged_candidates,
    learn_lexicon,
    ngram_table,
    redundancy_keep,
)
from minent.segmentation import train_segmenter
from minent.segmentation.lexicon_model import Lexicon
from minent.text.chars import pieces
from tests.support import SHARED_DATA

SHARED = SHARED_DATA / "sighan2005"  # optional extra text where present; tests that need it use shared_data


def _han_runs(text):
    import re

    return re.findall(r"[\u4e00-\u9fff\U00020000-\U0002a6df]+", text)


def test_encode_corpus_pieces():
    enc = encode_corpus(["ab中国，人民", "", "𠀀中12"])
    words = "".join(enc.chars[i] if i else "|" for i in enc.ids).strip("|").split("|")
    assert words == ["中国", "人民", "𠀀中"]
    assert enc.n_chars == 6
    enc2 = encode_corpus(["ab中国，人民12"], pre_split=False)
    assert "".join(enc2.chars[i] if i else "|" for i in enc2.ids).strip("|").split("|") == ["a中国", "人民0"]
    assert len(encode_corpus([]).ids) == 0


def test_encode_corpus_numbers_the_new_characters_of_each_batch_in_code_point_order():
    # batch_chars=1: every line is a batch; the characters a line meets first get the next ids,
    # smallest code point first
    texts = ["人民中国，ab人", "", "国家𠀀中", "家人", "们我你他"]
    enc = encode_corpus(texts, batch_chars=1)
    known: list[str] = []
    for line in texts:
        known += sorted({c for c in line if "\u4e00" <= c <= "\u9fff" or c == "𠀀"} - set(known))
    assert enc.chars[2:] == known
    assert "".join(enc.chars[i] if i else "|" for i in enc.ids).strip("|").split("|") == \
        ["人民中国", "人", "国家𠀀中", "家人", "们我你他"]
    assert encode_corpus(texts).chars[2:] == sorted(set(known))  # (one batch)


def _oracle_ngrams(texts, n):
    c = Counter()
    for t in texts:
        for p in _han_runs(t):
            for i in range(len(p) - n + 1):
                c[p[i:i + n]] += 1
    return c


@pytest.mark.parametrize("n", [2, 3, 4])
def test_ngram_table_on_encoded_corpus_against_counter(n):
    # the shared NgramTable, fed the lexicon's own ids (Han runs only), counts what Counter does
    texts = ["中国人民很好。中国人民很强！", "人民中国𠀀𠀀𠀀𠀀", "好好好好好ab12好好"]
    if SHARED.exists():
        texts += (SHARED / "pku_test.utf8").read_text(encoding="utf-8").splitlines()[:200]
    enc = encode_corpus(texts)
    table = ngram_table(enc, 4, 3)
    ids, cnt = table.grams(n)
    got = dict(zip(decode_rows(ids, enc.codepoints), cnt.tolist()))
    assert got == {w: c for w, c in _oracle_ngrams(texts, n).items() if c >= 3}


def _oracle_kept(texts, max_len, min_count, margin, entry_cost, oov_max=0):
    """Sequential longest-first removal with plain dicts and enumeration of all splits."""
    grams = Counter()
    for n in range(1, max_len + 1):
        grams.update(_oracle_ngrams(texts, n))
    n_total = sum(c for g, c in grams.items() if len(g) == 1)
    lex = {w: c for w, c in grams.items() if len(w) == 1 or c >= min_count}
    for w in sorted((w for w in lex if len(w) > 1), key=lambda w: (-len(w), w)):
        c = lex.pop(w)
        best = -math.inf
        for cuts in itertools.product([0, 1], repeat=len(w) - 1):
            b = [0] + [i + 1 for i, x in enumerate(cuts) if x] + [len(w)]
            parts = [w[i:j] for i, j in zip(b, b[1:])]
            if len(parts) > 1 and all(p in lex for p in parts):
                best = max(best, sum(math.log(lex[p] / n_total) for p in parts))
        pmi = math.log(c / n_total) - best
        joins_only = len(w) <= oov_max  # (a span the decoder can make without the entry)
        if c * (pmi - margin * (len(w) - 1)) >= entry_cost * (len(w) - 1 if joins_only else len(w)):
            lex[w] = c
    return lex


def _kept(enc, max_len, margin, entry_cost, oov_max=0):
    table = ngram_table(enc, max_len, 2)
    char_counts = np.bincount(enc.ids, minlength=len(enc.chars))
    keep = redundancy_keep(table, char_counts, float(enc.n_chars), margin=margin, entry_cost=entry_cost,
                           oov_max=oov_max)
    return {w for n in keep for w in decode_rows(table.grams(n)[0][keep[n]], enc.codepoints)}


@pytest.mark.parametrize("margin,entry_cost,oov_max",
                         [(1.5, 4.0, 0), (1.5, 4.0, 2), (1.0, 0.0, 0), (2.0, 2.0, 3)])
def test_redundancy_keep_against_sequential_oracle(margin, entry_cost, oov_max):
    texts = ["中国人民很好。中国人民很强！中国的主要人民", "人民中国𠀀𠀀𠀀𠀀", "好好好好好，的主要的主要"] * 3
    if SHARED.exists():
        texts += (SHARED / "pku_test.utf8").read_text(encoding="utf-8").splitlines()[:150]
    enc = encode_corpus(texts)
    got = _kept(enc, 4, margin, entry_cost, oov_max)
    expected = {w for w in _oracle_kept(texts, 4, 2, margin, entry_cost, oov_max) if len(w) > 1}
    assert got == expected


def test_short_entry_pays_for_its_joins_only():
    # 为了 x6, 为 x71, 了 x71 alone, 的 x11846 (N = 12 000 characters): pmi = ln(6 · N / 77²) ≈ 2.50,
    # 6 · (2.50 − 1.5) ≈ 6.0 nats saved: more than the 4 of its one join, less than the 8 of two
    # characters. A span of up to oov_max characters, which the decoder can make a word
    # without an entry, pays for its joins; a longer candidate for its characters.
    texts = ["为了"] * 6 + ["为"] * 71 + ["了"] * 71 + ["的"] * 11846
    enc = encode_corpus(texts)
    assert _kept(enc, 2, 1.5, 4.0, oov_max=2) == {"为了"}
    assert _kept(enc, 2, 1.5, 4.0, oov_max=0) == set()
    assert _kept(enc, 2, 1.5, 4.0, oov_max=1) == set()
    # the default lexicon (oov_max 2) keeps it
    assert "为了" in build_lexicon(texts, free_pair=0).lexicon.words


def test_row_counts_are_the_table_counts():
    """redundancy_keep looks sub-strings up in hash tables of the n-gram table's levels: the
    counts are counts_of's, for n-grams present, pruned (min_count) and never seen."""
    from minent.segmentation.kernels.viterbi import (count_table, pack_rows, packed_count_table, packed_row_counts,
                                                     row_counts)

    texts = ["中国人民很好。中国人民很强！中国的主要人民", "人民中国𠀀𠀀𠀀𠀀", "好好好好好，的主要的主要"] * 3
    if SHARED.exists():
        texts += (SHARED / "pku_test.utf8").read_text(encoding="utf-8").splitlines()[:150]
    enc = encode_corpus(texts)
    bits = max(1, (len(enc.chars) - 1).bit_length())
    rng = np.random.default_rng(1)
    for min_count in (1, 2):
        table = ngram_table(enc, 4, min_count)
        for m in (2, 3, 4):
            grams, counts = table.grams(m)
            probe = np.concatenate([grams, rng.integers(2, len(enc.chars), (300, m)).astype(grams.dtype)])
            probe = np.concatenate([probe, ngram_table(enc, 4, 1).grams(m)[0]])  # (pruned ones too)
            got = row_counts(count_table(pack_rows(grams, bits), counts), probe, bits)
            assert np.array_equal(got, table.counts_of(probe))
            assert np.array_equal(row_counts(count_table(pack_rows(grams, bits), counts), probe[:, ::-1], bits),
                                  table.counts_of(np.ascontiguousarray(probe[:, ::-1])))
            # (the packed tables redundancy removal looks them up in)
            packed = packed_count_table(pack_rows(grams, bits), counts, m * bits)
            assert np.array_equal(packed_row_counts(*packed, probe, bits), table.counts_of(probe))


def test_judging_leaves_its_tables_to_the_char_lm():
    """With a dict, judged_candidates leaves the hash tables of the 2- and 3-grams it looked the
    sub-strings up in, and judges the same; CharLM.from_table takes them as its own (the 4-gram
    one built as before): the same tag scores as a model that builds its own."""
    from minent.segmentation.charlm import CharLM
    from minent.segmentation.units import corpus_units

    texts = ["中国人民很好。中国人民很强！中国的主要人民", "人民中国𠀀𠀀𠀀𠀀", "好好好好好，的主要的主要"] * 3
    if SHARED.exists():
        texts += (SHARED / "pku_test.utf8").read_text(encoding="utf-8").splitlines()[:150]
    enc = encode_corpus(texts, pre_split=False)
    table = ngram_table(enc, 4, 1)
    char_counts = enc.char_counts()
    kw = dict(margin=1.5, entry_cost=4.0, min_count=2, oov_max=2)
    tables = {}
    got = list(judged_candidates(table, char_counts, float(enc.n_chars), tables=tables, **kw))
    want = list(judged_candidates(table, char_counts, float(enc.n_chars), **kw))
    assert [n for n, *_ in got] == [2, 3, 4]
    for (_, ids, counts, keep), (_, ids0, counts0, keep0) in zip(got, want):
        assert np.array_equal(ids, ids0) and np.array_equal(counts, counts0) and np.array_equal(keep, keep0)
    bits = max(1, (len(enc.chars) - 1).bit_length())
    assert sorted(tables) == [(2, bits), (3, bits)]
    shared = dict(tables)
    lm = CharLM.from_table(enc, table, tables=tables)
    assert tables == {}  # (taken out: the caller does not hold them)
    own = CharLM.from_table(enc, table)
    _, t = lm.count_tables()
    assert t[0] is shared[2, bits][0] and t[2] is shared[3, bits][0]
    ids = lm.ids_of(corpus_units(texts[::-1] + ["人民中国好", "𠀀中国"], False))
    assert np.array_equal(lm.tag_scores(ids), own.tag_scores(ids))
    assert np.array_equal(lm.context_counts(ids), own.context_counts(ids))


def test_redundancy_rule_by_hand():
    # 的主要 x10, 主要 alone x90, 的 alone x990, 主 x40, 要 x40 (as characters: 的 1000, 主 140, 要 140)
    texts = ["的主要"] * 10 + ["主要"] * 90 + ["的"] * 990 + ["主"] * 40 + ["要"] * 40
    kept = _kept(encode_corpus(texts), 3, 1.5, 4.0)
    # N = 1280 characters. p(的主要) < p(的) p(主要): the phrase goes; 主要 (100 times,
    # pmi = ln(100 N / 140²) ≈ 1.88 > margin 1.5, 100 · 0.38 ≥ 4 · 2) stays;
    # 的主 (10 times, pmi = ln(10 N / (1000·140)) < 0) goes.
    assert kept == {"主要"}


def test_code_length_bits():
    # four equiprobable words of one character: 2 bits/char
    assert code_length_bits(np.array([1.0, 1, 1, 1]), 4) == pytest.approx(2.0)
    # two words of two characters each, equiprobable: 1 bit per word / 2 chars
    assert code_length_bits(np.array([1.0, 1]), 4) == pytest.approx(0.5)
    assert code_length_bits(np.zeros(0), 0) == 0.0


def _planted_corpus(seed=0, n_sentences=2000):
    """Sentences made of a planted vocabulary (Zipf frequencies), no spaces."""
    rng = np.random.default_rng(seed)
    chars = [chr(0x4E00 + i) for i in rng.choice(5000, size=120, replace=False)]
    vocab = []
    for k in range(60):
        length = 1 + k % 3
        vocab.append("".join(rng.choice(chars, size=length)))
    vocab = list(dict.fromkeys(vocab))
    p = 1.0 / np.arange(1, len(vocab) + 1)
    p /= p.sum()
    sents = [[vocab[i] for i in rng.choice(len(vocab), size=rng.integers(4, 10), p=p)] for _ in range(n_sentences)]
    return vocab, sents


def test_build_lexicon_recovers_planted_words():
    from minent.segmentation.score import score_lines
    from minent.segmentation.unigram import UnigramSegmenter

    vocab, sents = _planted_corpus()
    r = build_lexicon(["".join(s) for s in sents])
    d = r.lexicon.as_dict()
    frequent_multi = [w for w in vocab[:15] if len(w) > 1]
    assert sum(w in d for w in frequent_multi) >= len(frequent_multi) - 2
    assert r.bits_final < r.bits_chars
    seg = UnigramSegmenter(r.lexicon)
    out = list(seg.segment_lines("".join(s) for s in sents[:300]))
    assert score_lines([" ".join(s) for s in sents[:300]], out).f1 > 0.85


def test_build_lexicon_empty():
    empty = build_lexicon(["，。！", ""])
    assert len(empty.lexicon) == 0 and empty.bits_per_iteration == []


def test_em_bits_decrease_on_real_text(shared_data):
    SHARED = shared_data / "sighan2005"
    raw = (SHARED / "pku_dev.utf8").read_text(encoding="utf-8").splitlines()[:600]
    r = build_lexicon(raw)
    assert len(r.bits_before_filter) >= 2 and len(r.bits_per_iteration) >= 1
    for h in (r.bits_before_filter, r.bits_per_iteration):  # each EM run (stage 4, after stage 5)
        assert all(b <= a + 1e-12 for a, b in zip(h, h[1:])), h
    assert r.bits_final < r.bits_chars - 1.0  # words save well over a bit per character
    h = build_lexicon(raw, free_pair=0).bits_per_iteration
    assert len(h) >= 2 and all(b <= a + 1e-12 for a, b in zip(h, h[1:])), h


def test_em_relative_tolerance(shared_data):
    """``rel_tol`` stops re-estimation at the first pass that lowers bits/char by less than that
    share of itself: a prefix of the passes made without it, each kept pass gaining enough."""
    raw = (shared_data / "sighan2005" / "pku_dev.utf8").read_text(encoding="utf-8").splitlines()[:600]
    enc = encode_corpus(raw, pre_split=False)
    table = ngram_table(enc, 4, 2)
    full = learn_lexicon(enc, table, free_pair=0, tol=0.0).bits_per_iteration
    rel = 2e-3
    short = learn_lexicon(enc, table, free_pair=0, tol=0.0, rel_tol=rel).bits_per_iteration
    assert 1 <= len(short) < len(full) and short == full[:len(short)]
    assert all(b < a - rel * a for a, b in zip(short[:-1], short[1:-1]))  # every pass but the last gains enough
    assert short[-1] >= short[-2] - rel * short[-2]  # the last one did not


def test_tsv_round_trip(tmp_path):
    lex = Lexicon(["中国", "人", "𠀀"], [3, 1.5, 2])
    p = tmp_path / "lex.tsv"
    with open(p, "w", encoding="utf-8") as f:
        lex.write_tsv(f)
    lines = p.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:2] == ["中国", "3"]
    back = Lexicon.read(p)
    assert back.as_dict() == {"中国": 3.0, "𠀀": 2.0, "人": 1.5}


def test_other_formats_and_errors(tmp_path):
    assert Lexicon.parse(["word\tcount\tlog_prob", "中国\t2\t-1.0"]).as_dict() == {"中国": 2.0}
    assert Lexicon.parse(["中国 5 ns", "人民 3 n"]).as_dict() == {"中国": 5.0, "人民": 3.0}
    assert Lexicon.parse(["中国", "人民"]).as_dict() == {"中国": 1.0, "人民": 1.0}
    with pytest.raises(DataError, match="bad.tsv: line 2: count 'x'"):
        Lexicon.parse(["中国\t1", "人民\tx"], name="bad.tsv")
    with pytest.raises(DataError, match="line 1"):
        Lexicon.parse(["中国\t-1"])
    with pytest.raises(DataError, match="no words"):
        Lexicon.parse(["", "# comment"])
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"\xe4\xb8\xad\t1\n\xff\xfe\t2\n")
    with pytest.raises(DataError, match="line 2: invalid UTF-8"):
        Lexicon.read(bad)
    with pytest.raises(UsageError):
        Lexicon.read(tmp_path / "missing.tsv")


def test_pieces_agree_with_text_model():
    # the encoded corpus without pre-split has the same pieces as the shared text model
    text = "《天龙八部》第1回, 2024年。"
    enc = encode_corpus([text], pre_split=False)
    got = "".join(enc.chars[i] if i else "|" for i in enc.ids).strip("|").split("|")
    assert len(got) == len(pieces(text))


def test_number_heads_its_word_without_pre_split():
    """Without pre-split a number may join the characters after it (1997年, 5月) but no word
    holds a number past its first unit (月5日 would glue two dates' parts)."""
    from minent.segmentation.unigram import UnigramSegmenter
    from minent.segmentation.units import NUMBER_UNIT

    rng = np.random.default_rng(1)
    filler = ["我们", "会议", "召开", "北京", "发表", "讲话", "经济", "发展", "人民", "政府", "国家", "合作"]
    lines = []
    for _ in range(400):
        y, m, d = rng.integers(1990, 2000), rng.integers(1, 13), rng.integers(1, 29)
        lines.append("".join(rng.choice(filler, 3)) + f"{y}年{m}月{d}日" + "".join(rng.choice(filler, 5)))
    r = build_lexicon(lines, pre_split=False)
    with_number = [w for w in r.lexicon.words if NUMBER_UNIT in w]
    assert "0年" in with_number and "0月" in with_number and "0日" in with_number
    assert all(NUMBER_UNIT not in w[1:] for w in with_number), with_number
    seg = UnigramSegmenter(r.lexicon, pre_split=False)
    assert seg.segment_line("北京1998年2月6日召开") == "北京 1998年 2月 6日 召开"


def test_free_pairs_by_hand_and_in_build():
    from minent.segmentation.lexicon import free_pairs
    from minent.segmentation.lexicon_model import Lexicon

    # 这: alone 6 of 6+4 = 0.6; 是: 8 of 12 = 0.67; 经: 1 of 10; 济: 0.5 of 9.5
    lex = Lexicon(["这", "是", "这是", "经", "济", "经济", "是经"], [6, 8, 4, 1, 0.5, 9, 0.0001])
    assert free_pairs(lex, 0.5) == {"这是"}
    assert free_pairs(lex, 0.65) == set()
    assert free_pairs(lex, 0.05) == {"这是", "是经", "经济"}
    # longer words: two free words of 2+ characters make a collocation, a free character does not
    # 改革: alone 9 of 9+5; 开放: 8 of 8+5; 民主: 6 of 6+4; 派: 3 of 3+4; 机关: 1 of 1+7 (bound)
    lex = Lexicon(["改革", "开放", "改革开放", "民主", "民主派", "派", "检察", "机关", "检察机关"],
                  [9, 8, 5, 6, 4, 3, 5, 1, 7])
    assert free_pairs(lex, 0.3) == {"改革开放"}
    assert free_pairs(lex, 0.1) == {"改革开放", "检察机关"}
    assert free_pairs(lex, 0.7) == set()
    # a corpus where 甲 and 乙 are words by themselves 40% of the time and otherwise the pair 甲乙
    from tests.support import collocation_corpus

    lines = collocation_corpus()
    kept = build_lexicon(lines, free_pair=0).lexicon.as_dict()
    assert "甲乙" in kept
    d = build_lexicon(lines).lexicon.as_dict()
    assert "甲乙" not in d and "丙丁" in d and "甲" in d and "乙" in d


def test_one_table_serves_a_higher_min_count_and_a_shorter_max_len():
    # train_segmenter counts every n-gram up to 4 once (min_count 1) for the LM; the lexicon
    # learned from that table must be the one build_lexicon learns from its own (min_count 2)
    from minent.segmentation.lexicon import candidates, learn_lexicon
    from tests.support import SAMPLE

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    for pre_split, max_len, min_count in ((False, 4, 2), (True, 3, 3)):
        enc = encode_corpus(lines, pre_split=pre_split)
        wide = ngram_table(enc, 4, 1)
        own = ngram_table(enc, max_len, min_count)
        for n in range(1, max_len + 1):
            a, b = candidates(wide, n, min_count), own.grams(n)
            assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
        got = learn_lexicon(enc, wide, max_len=max_len, min_count=min_count, pre_split=pre_split)
        want = build_lexicon(lines, max_len=max_len, min_count=min_count, pre_split=pre_split)
        assert got.lexicon.to_rows() == want.lexicon.to_rows()
        assert got.bits_per_iteration == want.bits_per_iteration and got.settings == want.settings
    with pytest.raises(ValueError, match="order >= max_len"):
        learn_lexicon(enc, ngram_table(enc, 2, 1), max_len=4)


def test_unpaid_words_by_hand():
    from minent.segmentation.lexicon import unpaid_words
    from minent.segmentation.lexicon_model import Lexicon

    # T = 1902; 中国: 30·(ln(30·1902/(50·40)) − 1.5) = 56 ≥ 4·2 pays; 的是 (2 of 900 × 800) does
    # not; 国会 has no count in this segmentation; 中国人 splits into 中国 + 人: pmi = ln(20·1902 /
    # (30·60)) = 3.05, 20·(3.05 − 2·1.5) = 1 < 4·3
    words = ["中", "国", "中国", "的", "是", "的是", "国会", "人", "中国人"]
    lex = Lexicon(words, [50, 40, 30, 900, 800, 2, 0, 60, 20])
    assert lex.total == 1902
    assert unpaid_words(lex) == {"的是", "国会", "中国人"}
    assert unpaid_words(lex, margin=0.0, entry_cost=0.0) == {"的是", "国会"}
    assert unpaid_words(Lexicon(["中国"], [0])) == {"中国"}


def _suffix_words_reference(text, begin, seen, stems, threshold, min_stems=2):
    # the words of the segmentation one by one: pairs (word of 2 or 3 characters, one-character word)
    # of Han characters inside a piece; a suffix is bound and ends two or more different stems
    from minent.segmentation.lexicon import freedoms

    words, cur = [], ""
    for ch, b in zip(text, begin):
        if ch == "|" or b:
            if cur:
                words.append(cur)
            cur = ""
            if ch == "|":
                words.append(None)
                continue
        cur += ch
    if cur:
        words.append(cur)
    is_han = lambda w: all("\u4e00" <= c <= "\u9fff" for c in w)  # noqa: E731
    pairs = Counter((a, b) for a, b in zip(words, words[1:])
                    if a and b and len(a) in (2, 3) and len(b) == 1 and is_han(a + b))
    n_stems = Counter(b for a, b in pairs)
    free = freedoms(seen)
    return {a + b: c for (a, b), c in pairs.items()
            if n_stems[b] >= min_stems and free.get(b, 0.0) < threshold and a in stems}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_suffix_words_against_reference(seed):
    from minent.segmentation.lexicon import mean_freedom, suffix_words

    rng = np.random.default_rng(seed)
    alphabet = "中国队希腊会学生员化者的了0a"
    text = "".join(rng.choice(list(alphabet + "|"), 3000))
    ucp = np.array([-1 if c == "|" else ord(c) for c in text], np.int32)
    begin = (rng.random(len(text)) < 0.55).astype(np.uint8)
    # the words of that segmentation with their counts (separators and non-Han units aside)
    words, cur = Counter(), ""
    for ch, b in zip(text, begin):
        if (ch == "|" or b) and cur:
            words[cur] += 1
            cur = ""
        if ch != "|":
            cur += ch
    if cur:
        words[cur] += 1
    seen = Lexicon(list(words), np.array(list(words.values()), float))
    stems = {w for w in words if len(w) in (2, 3) and rng.random() < 0.7}
    threshold = mean_freedom(seen)
    got = suffix_words(ucp, begin, seen, stems, threshold)
    assert got == _suffix_words_reference(text, begin, seen, stems, threshold)
    assert got and any(len(w) == 4 for w in got)  # (the random text has such words)
    assert suffix_words(ucp, begin, seen, stems, 0.0) == {}  # (nothing is bound below 0)
    assert suffix_words(ucp, begin, seen, stems, threshold, min_stems=10**6) == {}


def test_stem_suffix_words_kept_whole_in_real_text(shared_data, monkeypatch):
    # CityU from its 67k raw characters: 服務業 (services) was cut 服務 + 業; 業 is bound
    # (行業, 業務) and ends two or more different stems there (造船業), so the hybrid's lexicon
    # takes 服務業 in and it is one word, as in the gold
    from minent.segmentation.hybrid import HybridSegmenter

    sig = shared_data / "sighan2005"
    raw = (sig / "cityu_test.utf8").read_text(encoding="utf-8-sig").splitlines()
    line = "溫家寶強調，發展服務業要堅持走改革開放"
    seg = train_segmenter(raw)
    assert "服務業" in seg.unigram.lexicon.as_dict()
    assert "服務業" in seg.segment_line(line).split()
    monkeypatch.setattr(HybridSegmenter, "join_suffixes", lambda self, *a, **k: 0)
    assert "服務業" not in train_segmenter(raw).segment_line(line).split()


def test_char_freedoms_are_the_freedoms_of_characters(shared_data):
    # the same floats as freedoms() restricted to one-character units, on the words of a real
    # segmentation (the lexicon of the PKU test text with its counts) and on fractional counts
    from minent.segmentation.lexicon import char_freedoms, freedoms

    words = Counter(w for line in (shared_data / "sighan2005" / "pku_test_gold.utf8").read_text(encoding="utf-8")
                    .splitlines()[:800] for w in line.split())
    lexicons = [Lexicon(list(words), np.array(list(words.values()), np.float64)),
                Lexicon(["这", "是", "这是", "是是", "么"], [6.5, 0.5, 4.25, 1.0, 0.0])]
    for lex in lexicons:
        expected = {u: f for u, f in freedoms(lex).items() if len(u) == 1}
        assert char_freedoms(lex) == expected


def _mean_freedom_loop(lexicon):
    single = chars = 0.0
    for w, c in zip(lexicon.words, lexicon.counts.tolist()):
        chars += c * len(w)
        if len(w) == 1:
            single += c
    return single / chars if chars > 0 else 0.0


def _char_freedoms_loop(lexicon):
    alone, occ = {}, {}
    for w, c in zip(lexicon.words, lexicon.counts.tolist()):
        if len(w) == 1:
            alone[w] = alone.get(w, 0.0) + c
        for ch in w:
            occ[ch] = occ.get(ch, 0.0) + c
    return {u: (alone.get(u, 0.0) / o if o > 0 else 0.0) for u, o in occ.items()}


@pytest.mark.parametrize("seed", range(5))
def test_freedom_sums_are_the_loops_bit_for_bit(seed):
    """mean_freedom and char_freedoms (numpy) against the loops over the words they replaced:
    the same values to the last bit, the characters in the order they first come."""
    from minent.segmentation.lexicon import char_freedoms, mean_freedom

    rng = np.random.default_rng(seed)
    alphabet = list("的是中国人民经济业会𠀀𠀁") + [chr(0x4E00 + k) for k in range(40)]
    words = ["".join(rng.choice(alphabet, rng.integers(1, 5))) for _ in range(3000)]
    counts = rng.random(len(words)) * rng.choice([1.0, 1e-3, 1e6], len(words))
    counts[:50] = 0.0  # (a character seen only in words of count 0: freedom 0)
    lex = Lexicon(words, counts)
    assert mean_freedom(lex) == _mean_freedom_loop(lex)
    got, want = char_freedoms(lex), _char_freedoms_loop(lex)
    assert list(got.items()) == list(want.items())
    for empty in (Lexicon([], np.zeros(0)), Lexicon(["中国"], [0.0])):
        assert mean_freedom(empty) == _mean_freedom_loop(empty)
        assert list(char_freedoms(empty).items()) == list(_char_freedoms_loop(empty).items())


def _closed_words_reference(text, begin, words, min_seen=2):
    # the words of the segmentation one by one, with the unit before and after each (None at a
    # separator or the text's edge); a side is closed when every occurrence has the same unit there
    is_han = lambda w: all("\u4e00" <= c <= "\u9fff" for c in w)  # noqa: E731
    starts = [i for i, ch in enumerate(text) if ch != "|" and (begin[i] or i == 0 or text[i - 1] == "|")]
    sides = {}
    for s in starts:
        e = s + 1
        while e < len(text) and text[e] != "|" and not begin[e]:
            e += 1
        w = text[s:e]
        if w in words and len(w) >= 2 and is_han(w):
            unit = lambda i: None if i < 0 or i >= len(text) or text[i] == "|" else text[i]  # noqa: E731
            sides.setdefault(w, []).append((unit(s - 1), unit(e)))
    out = {}
    for w, nb in sides.items():
        closing = [nb[0][k] if len(nb) >= min_seen and len({x[k] for x in nb}) == 1 else None for k in (0, 1)]
        if any(c is not None for c in closing):
            out[w] = tuple(c if c is not None and is_han(c) else "" for c in closing) + (len(nb),)
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_closed_words_against_reference(seed):
    from minent.segmentation.lexicon import closed_words

    rng = np.random.default_rng(seed)
    # random text and words, with fragments planted among them: 务院 always after 国, 考中心
    # after 大, 塔尼亚胡 after 内, 年前 after a number (and 院长 before 说, 亚胡 once only)
    text, begin = "", []
    for _ in range(300):
        piece = "".join(rng.choice(list("中国队希腊会学0a"), rng.integers(1, 12)))
        text += piece
        begin += (rng.random(len(piece)) < 0.4).astype(np.uint8).tolist()
        if rng.random() < 0.3:
            planted = [("国", "务院"), ("大", "考中心"), ("内", "塔尼亚胡"), ("0", "年前"), ("院长", "说")][rng.integers(5)]
            text += "".join(planted)
            begin += [1] + [0] * (len(planted[0]) - 1) + [1] + [0] * (len(planted[1]) - 1)
        text += "|"
        begin.append(0)
    text += "亚胡"
    begin = np.array(begin + [1, 0], np.uint8)
    ucp = np.array([-1 if c == "|" else ord(c) for c in text], np.int32)
    words = {text[i:i + m] for i in range(len(text)) for m in (2, 3, 4, 5) if rng.random() < 0.5}
    words |= {"务院", "考中心", "塔尼亚胡", "年前", "院长", "亚胡"}
    got = closed_words(ucp, begin, words)
    assert got == _closed_words_reference(text, begin, words)
    assert closed_words(ucp, begin, words, chunk=97) == got  # (slices of the corpus, cut between pieces)
    assert {"务院", "考中心", "塔尼亚胡", "年前", "院长"} <= set(got) and "亚胡" not in got
    assert got["考中心"][:2] == ("大", "") and got["年前"][:2] == ("", "") and got["院长"][:2] == ("", "说")
    assert closed_words(ucp, begin, words, min_seen=10**6) == {}
    assert closed_words(ucp[:1], begin[:1], words) == {} and closed_words(ucp, begin, []) == {}


def test_closed_words_of_many_characters():
    # 5 000 different characters: a word of five takes more than 63 bits (ranks of rows instead
    # of packed keys)
    from minent.segmentation.lexicon import closed_words

    rng = np.random.default_rng(7)
    alphabet = [chr(0x4E00 + i) for i in range(5000)]
    text, begin = "", []
    planted = "".join(rng.choice(alphabet, 5))
    for k in range(2000):
        piece = "".join(rng.choice(alphabet, 10))
        if k % 50 == 0:
            piece += "大" + planted
        text += piece + "|"
        begin += (rng.random(len(piece)) < 0.2).astype(np.uint8).tolist() + [0]
    begin = np.array(begin, np.uint8)
    for k in range(len(text)):  # (大 | the planted word, one word)
        if text.startswith("大" + planted, k):
            begin[k:k + 7] = [1, 1, 0, 0, 0, 0, 1 if text[k + 6] != "|" else 0]
    ucp = np.array([-1 if c == "|" else ord(c) for c in text], np.int32)
    words = {text[i:i + m] for i in range(0, len(text), 3) for m in (4, 5)} | {planted}
    got = closed_words(ucp, begin, words)
    assert got == _closed_words_reference(text, begin, words)
    assert closed_words(ucp, begin, words, chunk=500) == got
    assert got[planted] == ("大", "", 40)


def test_fragments_extended_in_real_text(shared_data, monkeypatch):
    # CityU from its 67k raw characters: its first segmentation makes 務院 and 華民族 words, each
    # always after the same character (國, 中): fragments of 國務院 and 中華民族, which come in
    # instead, one word each as in the gold
    from minent.segmentation.hybrid import HybridSegmenter

    raw = (shared_data / "sighan2005" / "cityu_test.utf8").read_text(encoding="utf-8-sig").splitlines()
    line = "也是中華民族的精神，我要你執掌國務院。"
    seg = train_segmenter(raw)
    lex = seg.unigram.lexicon.as_dict()
    assert "國務院" in lex and "中華民族" in lex and "務院" not in lex and "華民族" not in lex
    assert {"國務院", "中華民族"} <= set(seg.segment_line(line).split())
    monkeypatch.setattr(HybridSegmenter, "extend_fragments", lambda self, ucp, begin: 0)
    lex = train_segmenter(raw).unigram.lexicon.as_dict()
    assert "務院" in lex and "華民族" in lex and "國務院" not in lex


def test_extend_fragments_counts():
    # 务院 is made twice, always after 国: it goes and 国务院 comes in with those 2 occurrences, taken
    # from 国; 年前, always after a number, just goes; 学会 (after 大 and a separator) stays
    from minent.segmentation.charlm import CharLM
    from minent.segmentation.hybrid import HybridSegmenter
    from minent.segmentation.unigram import UnigramSegmenter

    words = {"国": 10.0, "务院": 5.0, "年前": 3.0, "学会": 4.0, "大": 6.0, "0": 2.0}
    seg = HybridSegmenter(UnigramSegmenter(Lexicon(list(words), np.array(list(words.values())))), CharLM.train([]))
    text = "国务院|国务院|0年前|0年前|大学会|学会"
    ucp = np.array([-1 if c == "|" else ord(c) for c in text], np.int32)
    # 国 务院 | 国 务院 | 0 年前 | 0 年前 | 大 学会 | 学会
    begin = np.array([1, 1, 0, 0] * 5 + [1, 0], np.uint8)
    first = seg.unigram
    assert seg.extend_fragments(ucp, begin) == 2
    want = {"国": 8.0, "学会": 4.0, "大": 6.0, "0": 2.0, "国务院": 2.0}
    # (the pass gives the lexicon; its unigram model is built when first asked for, and decodes with it)
    assert seg.lexicon.as_dict() == want and seg._unigram is first
    assert seg.unigram.lexicon.as_dict() == want and seg.unigram is not first and seg.lut is seg.unigram.lut
    assert seg.unigram.segment_line("国务院") == "国务院"


def test_closed_words_and_suffix_words_of_astral_and_mixed_units():
    # astral Han characters (CJK extension B) are Han; a Latin unit closes a side but is no
    # character of the longer word; empty and one-unit corpora have no words
    from minent.segmentation.lexicon import closed_words, mean_freedom, suffix_words
    from minent.text.chars import to_codepoints

    text = "𠀀𠀁𠀂，𠀀𠀁𠀂，a𠀁𠀂，a𠀁𠀂，𠀃𠀁𠀂"
    ucp = to_codepoints(text).astype(np.int32)
    ucp[ucp == ord("，")] = -1
    begin = np.array([1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0], np.uint8)
    assert closed_words(ucp, begin, ["𠀁𠀂", "a𠀁"]) == {}  # (three different units before 𠀁𠀂)
    assert closed_words(ucp[:8], begin[:8], ["𠀁𠀂", "𠀀𠀁"]) == {"𠀁𠀂": ("𠀀", "", 2)}
    assert closed_words(ucp[4:12], begin[4:12], ["𠀁𠀂"]) == {}  # (𠀀 once, a once)
    assert closed_words(ucp[8:16], begin[8:16], ["𠀁𠀂"]) == {"𠀁𠀂": ("", "", 2)}  # (closed by a Latin unit)
    for n in (0, 1):
        assert closed_words(ucp[:n], begin[:n], ["𠀁𠀂"]) == {}
        assert suffix_words(ucp[:n], begin[:n], Lexicon(["𠀁"], [1]), ["𠀁𠀂"], 1.0) == {}
    # 𠀂 cut off after two stems, bound (never alone in *seen*): both stem + suffix words
    ucp = to_codepoints("𠀀𠀁𠀂，𠀃𠀄𠀂，ab𠀂").astype(np.int32)
    ucp[ucp == ord("，")] = -1
    begin = np.array([1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1], np.uint8)
    seen = Lexicon(["𠀀𠀁", "𠀂", "𠀃𠀄", "𠀂𠀅"], [1, 2, 1, 9])
    assert mean_freedom(seen) > 0
    assert suffix_words(ucp, begin, seen, ["𠀀𠀁", "𠀃𠀄"], 0.5) == {"𠀀𠀁𠀂": 1, "𠀃𠀄𠀂": 1}
    assert suffix_words(ucp, begin, seen, ["𠀀𠀁"], 0.5) == {"𠀀𠀁𠀂": 1}
    assert suffix_words(ucp, begin, seen, ["𠀀𠀁", "𠀃𠀄"], 0.1) == {}  # (𠀂's freedom 2/11 is not below 0.1)
