"""Segmenter line handling: round trip, line structure, numbers, punctuation, pre-split modes."""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minent.segmentation.lexicon_model import Lexicon
from minent.segmentation.unigram import UnigramSegmenter
from minent.segmentation.units import units
from minent.text.batching import Fragment
from minent.text.chars import to_codepoints
from tests.support import rejoin


LEX = Lexicon(["中国", "人民", "中", "国", "人", "民", "0年", "a股", "𠀀𠀁"], [10, 8, 1, 1, 1, 1, 3, 2, 2])


@pytest.fixture(scope="module")
def seg():
    return UnigramSegmenter(LEX, pre_split=True)


def _strip_ws(s: str) -> str:
    return "".join(s.split())


def test_basic(seg):
    assert seg.segment_line("中国人民，2024年") == "中国 人民 ， 2024 年"
    assert seg.cut("中国人民") == ["中国", "人民"]


def test_line_structure(seg):
    text = ["中国人民", "", "  ", "人民。。中国——", "𠀀𠀁中国"]
    out = list(seg.segment_lines(text, batch_chars=5))
    assert out == ["中国 人民", "", "", "人民 。。 中国 ——", "𠀀𠀁 中国"]


def test_numbers_and_latin(seg):
    # 增, 长, 和 are unknown single characters
    assert seg.segment_line("增长９５．４７％和3.5%，ABC股") == "增 长 ９５．４７％ 和 3.5% ， ABC 股"
    joined = UnigramSegmenter(LEX, pre_split=False)
    assert joined.segment_line("1997年ABC股。") == "1997年 ABC股 。"
    assert joined.segment_line("3.5%中国") == "3.5% 中国"
    # separators inside numbers (decimal middle dot, dates, fractions, times) stay in the number;
    # the full-width colon, dashes of ranges and separators outside numbers do not
    assert seg.segment_line("３·５，1997-12-01，1／2，12:30，12：30，1—2，a-b，·５") == (
        "３·５ ， 1997-12-01 ， 1／2 ， 12:30 ， 12 ： 30 ， 1 — 2 ， a - b ， · ５")


def test_units_without_pre_split():
    ucp, keep, kinds = units(to_codepoints("12年ab，中"), pre_split=False)
    assert "".join(chr(c) if c >= 0 else "|" for c in ucp) == "0年a|中"
    assert keep.tolist() == [True, False, True, True, False, True, True]


def test_unknown_characters_are_tokens(seg):
    assert seg.segment_line("龘龘中国") == "龘 龘 中国"


alphabet = st.sampled_from(list("中国人民的了是一二龘𠀀𠀁ab19０９．.%％，。—… \u3000\t"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet, max_size=30), max_size=6))
def test_round_trip_random(lines):
    seg = UnigramSegmenter(LEX)
    out = list(seg.segment_lines(lines))
    assert len(out) == len(lines)
    for line, o in zip(lines, out):
        assert _strip_ws(o) == _strip_ws(line)
        assert "  " not in o and o == o.strip()


def test_round_trip_real_text(shared_data):
    SHARED = shared_data / "sighan2005"
    raw = (SHARED / "pku_test.utf8").read_text(encoding="utf-8").splitlines()[:300]
    lex = Lexicon.parse((SHARED / "pku_dev_gold.utf8").read_text(encoding="utf-8").split()[:20000])
    seg = UnigramSegmenter(lex)
    out = list(seg.segment_lines(raw))
    assert len(out) == len(raw)
    assert [_strip_ws(o) for o in out] == [_strip_ws(r) for r in raw]
    assert np.mean([len(o.split()) for o in out]) > 5


@pytest.mark.parametrize("model", ["unigram", "charlm", "hybrid"])
@pytest.mark.parametrize("pre_split", [False, True])
def test_a_long_line_segmented_in_pieces_equals_the_whole_line(tmp_path, model, pre_split):
    """Issue 18, item 6: pieces cut by SEGMENT_CUTS (after punctuation or a space, before a Han
    character) give the whole line's output, for every model, any jobs."""
    from minent.io.corpus import Corpus
    from minent.segmentation import train_segmenter
    from minent.text.batching import Fragment
    from tests.support import SAMPLE

    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]
    half = len(lines) // 2
    p = tmp_path / "long.txt"
    p.write_text("短句\n" + "。".join(lines[:half]) + "\r\n" + " ".join(lines[half:]) + "\n\n"
                 + "，“".join(lines[:half]) + " end 3.5%中文", encoding="utf-8")
    seg = train_segmenter(lambda: iter(lines), model=model, pre_split=pre_split,
                          self_train=1 if model == "hybrid" else 0)
    corpus = Corpus([p])
    whole = list(seg.segment_lines(corpus.documents()))
    assert len(whole) == 5
    for bound, jobs in ((50, 1), (300, 2), (3000, 1)):
        cutter = corpus.line_cutter(bound, seg.cut_rule())
        docs = list(corpus.documents(cutter=cutter))
        assert sum(isinstance(d, Fragment) for d in docs) >= 3 and cutter.forced == 0
        out = list(seg.segment_lines(iter(docs), batch_chars=bound, jobs=jobs))
        assert sum(isinstance(o, Fragment) for o in out) == sum(isinstance(d, Fragment) for d in docs)
        assert rejoin(out) == whole  # the pieces of a line are written one after the other
        # the path of standard input: batches as they come, a line's pieces across batches
        batches = list(corpus.batches(bound, cut=seg.cut_rule()))
        assert any(isinstance(b[-1], Fragment) for b in batches)
        assert rejoin(seg.segment_batches(iter(batches))) == whole
        # the path of files: blocks of lines, a string a block
        blocks = list(corpus.line_blocks(bound, cut=seg.cut_rule()))
        assert sum(isinstance(b, Fragment) for b in blocks) == sum(isinstance(d, Fragment) for d in docs)
        assert "".join(seg.segment_blocks(iter(blocks), jobs=jobs)) == "".join(w + "\n" for w in whole)


@pytest.mark.parametrize("jobs", [1, 2])
def test_segment_blocks_write_what_segment_lines_yields(tmp_path, seg, jobs):
    """segment_blocks (files: Corpus.line_blocks) writes the lines of segment_lines (documents):
    CR/LF, lone CRs inside a line and before its end (spaces, dropped), empty lines, a missing
    final newline, several inputs, blocks of any size."""
    from minent.io.corpus import Corpus

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes("中国人民\r\n\r\n中\r国\r\r\n人民 a股\r国\n0年中国".encode())
    b.write_bytes("\r\n𠀀𠀁人\n\n国\r".encode())
    corpus = Corpus([a, b])
    want = "".join(line + "\n" for line in seg.segment_lines(corpus.documents()))
    assert want.count("\n") == 9 and "中 国" in want
    for size in (2, 7, 1 << 18):
        blocks = list(corpus.line_blocks(size, cut=seg.cut_rule()))
        assert "".join(seg.segment_blocks(iter(blocks), jobs=jobs)) == want
