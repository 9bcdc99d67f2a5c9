"""Kernel-level oracles: each numba step against the jieba function it restates."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

jieba = pytest.importorskip("jieba")
import jieba.finalseg as fs  # noqa: E402

from minent.words.kernels import dag  # noqa: E402
from minent.text.chars import to_codepoints
from minent.words.tokenizers.fast import _scratch, load_dict  # noqa: E402

jieba.setLogLevel(logging.WARNING)
HAN = "的一是了我不人在有这个上们来到时大地为子中你说生国年着就那和要她出也得里后北京清华学计算所云台玉鉴江桥好"
BLOCKCH = HAN + "abcXY019+#&._%-"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    import os

    os.environ.setdefault("MINENT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "minent-cache"))
    ref = jieba.Tokenizer()
    ref.initialize()
    return load_dict(), ref


@settings(max_examples=200, deadline=None)
@given(block=st.text(alphabet=BLOCKCH, min_size=1, max_size=30))
def test_route_equals_jieba_calc(env, block):
    d, ref = env
    route = {}
    ref.calc(block, ref.get_DAG(block), route)
    cps = to_codepoints(block)
    rw, rx = np.empty(cps.size + 1), np.empty(cps.size + 1, np.int32)
    for use_table in (True, False):
        dag.calc_route(cps, 0, cps.size, d.trie, d.logtotal, use_table, rw, rx,
                       np.empty(2 * cps.size + 2, np.int64))
        assert [int(x) for x in rx[: cps.size]] == [route[i][1] for i in range(cps.size)]
        assert rw[: cps.size].tolist() == [route[i][0] for i in range(cps.size)]  # bit-exact


@settings(max_examples=200, deadline=None)
@given(run=st.text(alphabet=HAN + "龥鿕㐀", min_size=1, max_size=25))
def test_viterbi_equals_finalseg(env, run):
    d, _ = env
    _, want = fs.viterbi(run, "BMES", fs.start_P, fs.trans_P, fs.emit_P)
    cps = to_codepoints(run)
    rw, rx, V, back, pos, ends, eng = _scratch(cps.size)
    dag.viterbi(cps, 0, cps.size, d.hmm, V, back, pos)
    assert ["BEMS"[s] for s in pos[: cps.size]] == want


def test_trie_lookup_equals_freq_dict(env):
    d, ref = env
    rng = np.random.default_rng(0)
    keys = list(ref.FREQ)
    for i in rng.choice(len(keys), 3000, replace=False):
        k = keys[i]
        assert d.freq(k) == ref.FREQ[k]
    for k in ["北京大学x", "zzz", "𠀀", "\r\n"]:
        assert d.freq(k) == ref.FREQ.get(k)


def test_insert_then_lookup():
    trie = (np.full(0x110000, -1, np.int32), np.full(64, -1, np.int64), np.full(64, -1, np.int32),
            np.zeros(20, np.int64), np.zeros(20), np.zeros(20, np.uint8), np.zeros(20, np.uint64))
    words = ["ab", "abc", "b", "ab", "𠀀x"]
    cps = to_codepoints("".join(words))
    off = np.cumsum([0] + [len(w) for w in words])
    n = dag.build_main(trie, cps, off, np.array([5, 3, 2, 7, 1], np.int64))
    assert n == 7  # root, a, ab, abc, b, 𠀀, 𠀀x
    keys = ["a", "ab", "abc", "b", "𠀀", "𠀀x"]
    got = {w: int(trie[3][dag.lookup(trie, to_codepoints(w), 0, len(w))]) for w in keys}
    assert got == {"a": 0, "ab": 7, "abc": 3, "b": 2, "𠀀": 0, "𠀀x": 1}
    assert dag.lookup(trie, to_codepoints("abd"), 0, 3) == -1


def test_join_tokens():
    cps = to_codepoints("ab中c")
    out = dag.join_tokens(cps, np.array([2, 3, 4], np.int64), np.array([2, 2, 3], np.int64), 32, 10)
    assert out.tobytes().decode("utf-32-le") == "ab 中\n\nc\n"


@settings(max_examples=100, deadline=None)
@given(batches=st.lists(st.lists(st.text(alphabet="ab中𠀀", max_size=4), max_size=60), max_size=4))
def test_token_table_equals_counter(batches):
    """The numba token table against Counter, across batches, growing from a tiny capacity."""
    from collections import Counter

    from minent.words.tokenizers.fast import TokenTable

    table = TokenTable(capacity=2)
    for tokens in batches:
        cps = to_codepoints("".join(tokens))
        ends = np.cumsum([0] + [len(t) for t in tokens]).astype(np.int64)[1:]
        table.add(cps, ends)
    want = Counter(t for tokens in batches for t in tokens)
    got = table.items()
    assert dict(got) == want and len(got) == len(want) == len(table)
    assert [w for w, _ in got] == list(dict.fromkeys(t for tokens in batches for t in tokens))


@pytest.mark.parametrize("hmm", [True, False])
def test_specialised_cut_lines_equal_generic(env, hmm):
    """cut_lines_hmm / cut_lines_nohmm (settings fixed at compile time) = cut_lines."""
    from tests.support import SAMPLE

    d, _ = env
    lines = SAMPLE.read_text(encoding="utf-8").splitlines() + ["", "a b\r\nc", "𠀀中文 3.14% T恤"]
    cps = to_codepoints("".join(lines))
    starts = np.cumsum([0] + [len(x) for x in lines]).astype(np.int64)
    outs = []
    for special in (True, False):
        out_cp, out_end = np.empty(cps.size + 64, np.int32), np.empty(cps.size + 3 * len(lines), np.int64)
        line_end, st = np.zeros(len(lines), np.int64), np.zeros(3, np.int64)
        scratch = _scratch(max(len(x) for x in lines))
        if special:
            cut = dag.cut_lines_hmm if hmm else dag.cut_lines_nohmm
            done = cut(cps, starts, 0, d.trie, d.cls, d.hmm, d.logtotal, out_cp, out_end, line_end, st, scratch)
        else:
            done = dag.cut_lines(cps, starts, 0, d.trie, d.cls, d.hmm, False, d.logtotal, 0, hmm,
                                 out_cp, out_end, line_end, st, scratch)
        assert done == len(lines)
        outs.append((out_cp[: st[0]].tolist(), out_end[: st[1]].tolist(), line_end.tolist()))
    assert outs[0] == outs[1]
