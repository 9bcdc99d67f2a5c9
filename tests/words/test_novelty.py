"""Novelty ranking: the background kernel against slow Python references, the score formula on
hand-computed cases, the unit rules, the background files and their cache."""

from __future__ import annotations

import math
import os
import random

import numpy as np
import pytest

from minent.words.newwords.background import compile_background, load_background, read_background
from minent.errors import DataError, UsageError
from minent.words.newwords.background import NOT_A_NAME, PERSON, PROPER
from minent.words.newwords.novelty import (bind_neighbours, boundary_evidence, compound_of_words, evaluate_ranking,
                                           free_extensions, named, new_word_units, novelty, poisson_lower, score)


def slow_route(word: str, freq: dict[str, int], total: int, fallback) -> tuple[float, list[str]]:
    """jieba's ``calc`` written out on a dict: the best route from right to left, ties to the
    longer word; a position where no word starts is one character priced ``fallback(ch)``."""
    n = len(word)
    best = [(0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        cands = [(math.log(freq[word[i:j]]) - math.log(total) + best[j][0], j - 1)
                 for j in range(i + 1, n + 1) if freq.get(word[i:j], 0) > 0]
        best[i] = max(cands) if cands else (fallback(word[i]) + best[i + 1][0], i)
    out, i = [], 0
    while i < n:
        out.append(word[i:best[i][1] + 1])
        i = best[i][1] + 1
    return best[0][0], out


def const(value):
    return lambda cps: np.full(len(cps), value)


TEXTS = ["新华社记者薛原报道", "他说", "这一", "也是", "罗森施廷格尔", "印尼女队", "溥杰先生", "T恤", "卡拉OK厅",
         "", "一", "\U00020000\U00020001怪", "中华人民共和国万岁", "龘龘龘", "abc的"]


def test_jieba_background_route_equals_jieba_calc():
    # The default background is jieba's dictionary: its route and log-probability are jieba's own
    # (jieba prices a character that starts no word at log(1/total)).
    import jieba

    tk = jieba.Tokenizer()
    tk.check_initialized()
    bg = load_background()
    lp, ntok, ends, starts = bg.routes(TEXTS, const(-math.log(tk.total)))
    for i, w in enumerate(TEXTS):
        if not w:
            assert ntok[i] == 0 and lp[i] == 0.0
            continue
        route: dict = {}
        tk.calc(w, tk.get_DAG(w), route)
        assert lp[i] == pytest.approx(route[0][0], abs=1e-9), w
        tokens, a = [], 0
        for e in ends[starts[i]:starts[i] + ntok[i]].tolist():
            tokens.append(w[a:e])
            a = e
        expected, k = [], 0
        while k < len(w):
            expected.append(w[k:route[k][1] + 1])
            k = route[k][1] + 1
        assert tokens == expected, w


def test_background_kernel_equals_python_on_random_dictionaries():
    rng = random.Random(7)
    alphabet = "天龙八部段誉ab\U00020000的了"
    for trial in range(30):
        words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))): rng.randint(0, 50)
                 for _ in range(rng.randint(1, 25))}
        if sum(words.values()) == 0:
            words["天"] = 1
        bg = compile_background(list(words), list(words.values()))
        total = sum(words.values())
        unknown = {ch: -3.0 - 0.5 * i for i, ch in enumerate(alphabet)}
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(20)]
        cps_price = lambda cps: np.array([unknown[chr(c)] for c in cps.tolist()])
        lp, ntok, ends, starts = bg.routes(texts, cps_price)
        for i, w in enumerate(texts):
            exp_lp, exp_tokens = slow_route(w, words, total, lambda ch: unknown[ch])
            assert lp[i] == pytest.approx(exp_lp, abs=1e-9), (trial, w)
            got, a = [], 0
            for e in ends[starts[i]:starts[i] + ntok[i]].tolist():
                got.append(w[a:e])
                a = e
            assert got == exp_tokens, (trial, w, words)
        is_word = bg.are_words(texts + list(words))
        assert is_word.tolist() == [words.get(w, 0) > 0 for w in texts + list(words)]


def test_background_statistics_hand_computed():
    # mean length: (10·1 + 30·1 + 20·2 + 5·3) / 65; free characters: 的 is the only common one
    # (half of the single-character tokens: 的 30 of 40) used alone at least as often as inside
    # words (30 >= 5 in 的确的); 天 is alone 10 times but inside 天龙/天龙八 25 times.
    bg = compile_background(["天", "的", "天龙", "的确的"], [10, 30, 20, 5])
    assert bg.mean_length == pytest.approx((10 + 30 + 40 + 15) / 65)
    assert [chr(c) for c in bg.free] == ["的"]
    assert bg.free_mask(np.array([ord("的"), ord("天"), ord("x")], dtype=np.int32)).tolist() == [True, False, False]
    # Ordinary (common) characters: 的 (30) alone is half of the 40 single-character tokens.
    assert [chr(c) for c in bg.ordinary] == ["的"]
    assert len(bg.names) == 0 and bg.name_kinds(["天龙"]).tolist() == [NOT_A_NAME]


def test_names_come_from_the_tags():
    bg = compile_background(["段誉", "大理", "天龙寺", "天龙", "喝酒"], [5, 4, 3, 2, 9],
                            tags={"段誉": "nr", "大理": "ns", "天龙寺": "nt", "喝酒": "v"})
    assert bg.name_kinds(["段誉", "大理", "天龙寺", "天龙", "喝酒", "无此词"]).tolist() == [
        PERSON, PROPER, PROPER, NOT_A_NAME, NOT_A_NAME, NOT_A_NAME]
    # A compound that begins with a name is a name, unless a chain of 3+ tokens ends with a person.
    assert named(["大理", "大理", "喝酒", "段誉"], ["天龙寺", "段誉", "段誉", "喝酒"], [2, 3, 2, 2], bg).tolist() == [
        True, False, False, True]
    jieba_bg = load_background()
    assert jieba_bg.name_kinds(["印尼", "鲁宾", "女队"]).tolist() == [PROPER, PERSON, NOT_A_NAME]
    assert len(jieba_bg.ordinary) == 69 and len(jieba_bg.free) == 39
    assert set(jieba_bg.free.tolist()) <= set(jieba_bg.ordinary.tolist())


def test_compound_of_words():
    seen = {"中美": 78, "两国": 355, "两": 400, "中美两": 30}
    got = compound_of_words(["中美两国", "中美国", "钟岫云"], [22, 40, 9], lambda s: seen.get(s, 0))
    # 中美国 has no split into two strings of 2+ characters; 钟岫云's parts are unseen
    assert got.tolist() == [True, False, False]
    assert not compound_of_words(["中美两国"], [200], lambda s: seen.get(s, 0))[0]  # 355 < 2·200


def test_poisson_lower_bound_close_to_the_exact_quantile():
    from scipy.stats import gamma

    n = np.array([2, 3, 5, 10, 50, 1000])
    exact = gamma.ppf(0.05, n)
    assert poisson_lower(n) == pytest.approx(exact, rel=0.03)
    assert poisson_lower(n[1:]) == pytest.approx(exact[1:], rel=0.01)
    assert poisson_lower([0]).tolist() == [0.0]


def test_score_formula_on_a_hand_computed_case():
    # A word seen 10 times in T = 60 000 characters; background: 1.5 characters per token, so
    # N = 40 000 tokens, and q = e^-12. n₋ = 10 (1 − 1/90 − 1.6449/(3√10))³; the lexicon entry
    # costs 12 nats, 1.2 per use.
    n_lo = 10 * (1 - 1 / 90 - 1.6448536269514722 / (3 * math.sqrt(10))) ** 3
    expected = math.log(n_lo) - math.log(40_000) + 12 - 1.2
    got = novelty([10], [-12.0], 60_000, 1.5)
    assert got[0] == pytest.approx(expected, abs=1e-12)
    # Boundary evidence: entropies 0.5 and 2 nats, no background cut -> min(0.5, 1) = 0.5; a
    # background cut on the weak side makes it 1.
    e = boundary_evidence([0.5, 0.5], [2.0, 2.0], [False, True], [False, False])
    assert e.tolist() == [0.5, 1.0]
    assert score(got, e[:1])[0] == pytest.approx(0.5 * expected)
    assert score([-2.0], [0.25]).tolist() == [-3.5]


def test_units_bind_and_extensions():
    bg = load_background()
    ws = ["新华社记者薛原报道", "溥杰先生", "他说", "到了", "苏格兰队", "中华人民共和国", "的"]
    units, ntok = new_word_units(ws, bg, const(-20.0))
    got = [[(w[a:b], t, w[l:a], w[b:r]) for a, b, t, l, r in u] for w, u in zip(ws, units)]
    assert got[0] == [("薛原", 0, "记者", "报道")]
    assert got[1] == [("溥杰", 0, "", "先生")]
    assert got[2] == [] and got[3] == [] and got[6] == []  # made of free characters (他 说 到 了 的)
    assert got[4] == [("苏格兰队", 2, "", "")]  # a known word and a character: one compound
    assert got[5] == [("中华人民共和国", 1, "", "")]
    assert ntok.tolist()[:2] == [5, 3]
    # Ordinary characters: a run of them (这一), or one stuck to a known word (过程中, 一定要), is
    # no unit; a run with one rare character is (于瑛).
    ws = ["这一", "过程中", "一定要", "于瑛", "世界上", "陈和生", "米和面", "我和你", "in和out"]
    units, _ = new_word_units(ws, bg, const(-20.0))
    # A free character between two rare Han characters is a name's (陈和生), not between ordinary
    # ones or letters.
    assert [[w[a:b] for a, b, *_ in u] for w, u in zip(ws, units)] == [[], [], [], ["于瑛"], [], ["陈和生"],
                                                                        ["米和面"], [], ["in", "out"]]
    assert bind_neighbours(20, 15) and bind_neighbours(20, 10) and not bind_neighbours(20, 9)
    assert not bind_neighbours(0, 0)
    drop = free_extensions(["符远舟", "符远舟问", "问符远舟", "罗森施廷格尔", "格尔"], [55, 3, 28, 8, 19],
                           [True, True, True, True, True], bg)
    # 问 is a background word: 符远舟问 (3 < 55/2) goes; 问符远舟 (28 >= 55/2) stays; the
    # extension 罗森施廷 is not a background word, so the frequent fragment 格尔 does not matter.
    assert drop.tolist() == [False, True, False, False, False]


def test_evaluate_ranking():
    r = evaluate_ranking(["a", "b", "x", "c"], ["a", "c", "d"], ks=(1, 2, 10))
    assert r.precision == {1: 1.0, 2: 0.5, 10: 0.2}
    assert r.recall_at == {1: pytest.approx(1 / 3), 2: pytest.approx(1 / 3), 10: pytest.approx(2 / 3)}
    assert r.recall == pytest.approx(2 / 3) and r.gold == 3 and r.listed == 4


def test_read_background_formats_and_errors(tmp_path):
    p = tmp_path / "bg.tsv"
    p.write_text("\ufeffword\tcount\n天龙\t3\n\n段誉 5 nr\n天龙 2\n", encoding="utf-8")
    assert read_background(p) == (["天龙", "段誉"], [5, 5], {"段誉": "nr"})
    with pytest.raises(UsageError, match="no such file"):
        read_background(tmp_path / "missing.txt")
    for text, message in (("天龙\n", "line 1: expected 'word count'"), ("天龙 3\n段誉 x\n", "line 2: count 'x'"),
                          ("天龙 0\n", "no words with a positive count")):
        p.write_text(text, encoding="utf-8")
        with pytest.raises(DataError, match=message):
            read_background(p)


def test_background_file_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("MINENT_CACHE_DIR", str(tmp_path / "cache"))
    import minent.words.newwords.background as B

    monkeypatch.setattr(B, "_MEMO", {})
    p = tmp_path / "bg.txt"
    p.write_text("天龙 3\n八部 2\n天 1\n", encoding="utf-8")
    a = load_background(p)
    entries = list((tmp_path / "cache").glob("background-*"))
    assert len(entries) == 1 and (entries[0] / "format").exists()
    monkeypatch.setattr(B, "_MEMO", {})
    b = load_background(p)  # from the cache, memory-mapped
    assert b.total == a.total == 6 and b.mean_length == pytest.approx(a.mean_length)
    assert b.logprob(["天龙八部"], const(-9.0)).tolist() == a.logprob(["天龙八部"], const(-9.0)).tolist()
    assert b.logprob(["天龙八部"], const(-9.0))[0] == pytest.approx(math.log(3 / 6) + math.log(2 / 6))
    p.write_text("天龙 3\n", encoding="utf-8")  # another file content: another entry
    monkeypatch.setattr(B, "_MEMO", {})
    load_background(p)
    assert len(list((tmp_path / "cache").glob("background-*"))) == 2


def test_glued_name_is_recovered_and_free_collocations_stay_down():
    # A name that only ever appears glued into a by-line (新华社记者龚琇琰报道) comes out alone,
    # near the top; collocations of free words do not crowd the top.
    from tests.support import SAMPLE

    from minent.words.newwords.discover import find_new_words

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    lines = [("新华社记者龚琇琰报道，" + line) if i % 7 == 0 else line for i, line in enumerate(lines)]
    r = find_new_words(lines, jobs=2)
    words = [w.word for w in r.words]
    assert "龚琇琰" in words[:10], words[:10]
    assert not any("记者龚" in w or "琰报" in w for w in words)
    assert not {"他说", "到了", "也是", "都是"} & set(words[:100])
    count_words = [w.word for w in find_new_words(lines, jobs=2, rank="count").words]
    assert "龚琇琰" not in count_words  # the published algorithm loses it in the glued piece


def test_a_background_entry_damaged_in_place_is_rebuilt(tmp_path, monkeypatch, caplog):
    """The background cache has the tokenizer cache's integrity check (minent.io.cache_entry):
    same size, other bytes is found, warned about and compiled again."""
    import logging

    import minent.words.newwords.background as B
    from tests.support import zero_array_in_place

    monkeypatch.setenv("MINENT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(B, "_MEMO", {})
    p = tmp_path / "bg.txt"
    p.write_text("天龙 3\n八部 2\n天 1\n", encoding="utf-8")
    first = load_background(p).logprob(["天龙八部"], const(-9.0)).tolist()
    (entry,) = (tmp_path / "cache").glob("background-*")
    zero_array_in_place(entry / "nweight.npy")  # in place, same size: every word now costs nothing
    monkeypatch.setattr(B, "_MEMO", {})
    built = []
    real = B.read_background  # read again only when the entry is built again
    monkeypatch.setattr(B, "read_background", lambda *a, **k: built.append(a) or real(*a, **k))
    with caplog.at_level(logging.WARNING, logger="minent"):
        again = load_background(p).logprob(["天龙八部"], const(-9.0)).tolist()
    assert built, "the damaged entry was served"
    assert again == first
    assert "damaged" in caplog.text and "nweight.npy" in caplog.text


def test_delimited_uses_equal_a_slow_reference():
    # n_d = n · s_L · s_R, s = share of the occurrences where jieba's own route of the neighbour
    # character + the word cuts at the word's edge (an occurrence at a piece edge is cut).
    import jieba

    import minent.words.newwords.discover as D
    from minent.text.chars import pieces
    from tests.support import SAMPLE

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    lines += ["沈阳市长说洛阳市好", "贵阳市和沈阳市", "枞岚白沈阳市"] * 5
    seen = {}
    real = D._novelty_units

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        seen["units"] = out
        return out

    D._novelty_units = spy
    try:
        D.find_new_words(lines, min_count=2, jobs=1)
    finally:
        D._novelty_units = real
    words, counts, *_, delimited = seen["units"]
    assert len(words) > 20
    tk = jieba.Tokenizer()
    tk.check_initialized()

    def route(s):
        r = {}
        tk.calc(s, tk.get_DAG(s), r)
        out, i = [], 0
        while i < len(s):
            out.append(s[i:r[i][1] + 1])
            i = r[i][1] + 1
        return out

    ps = [p for line in lines for p in pieces(line)]
    for w, n, d in zip(words, counts, delimited.tolist()):
        occ = left = right = 0
        for p in ps:
            i = p.find(w)
            while i >= 0:
                occ += 1
                left += i == 0 or route(p[i - 1] + w)[0] == p[i - 1]
                right += i + len(w) == len(p) or route(w + p[i + len(w)])[-1] == p[i + len(w)]
                i = p.find(w, i + 1)
        assert occ == n, w
        assert d == pytest.approx(occ * (left / occ) * (right / occ), rel=1e-12), w


def test_a_background_file_changed_in_place_is_compiled_again(tmp_path, monkeypatch):
    """The cache key of a word list is its checksum, remembered with its size and times
    (minent.io.cache_entry.source_digest): rewritten with the same size, it is read again."""
    import time
    import types

    import minent.words.newwords.background as B
    from minent.io import cache_entry

    monkeypatch.setenv("MINENT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache_entry, "time", types.SimpleNamespace(
        time=time.time, time_ns=lambda: time.time_ns() + 3_000_000_000))  # the file has settled
    p = tmp_path / "bg.txt"
    p.write_text("天龙 3\n八部 2\n", encoding="utf-8")
    monkeypatch.setattr(B, "_MEMO", {})
    assert load_background(p).total == 5
    assert list((tmp_path / "cache" / cache_entry.SOURCE_MEMO).glob("*.json"))
    st = p.stat()
    time.sleep(0.05)
    p.write_text("天龙 7\n八部 2\n", encoding="utf-8")  # same size
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    monkeypatch.setattr(B, "_MEMO", {})
    assert load_background(p).total == 9
