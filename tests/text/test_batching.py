"""Batches and long lines: ``batched``, ``CutRule``, ``LineCutter``, ``PIECE_CUTS``."""

from __future__ import annotations

import logging
import pickle

import numpy as np
import pytest

from minent.text.batching import PIECE_CUTS, CutRule, Fragment, LineCutter
from minent.text.chars import pieces
from tests.support import SAMPLE, rejoin


def comma_rule() -> CutRule:
    comma = np.zeros(0x110000, dtype=np.uint8)
    comma[ord(",")] = 1
    return CutRule(lambda: (comma, np.array([[False, True], [True, True]])), "next to a comma")


def slow_last_cut(text: str, limit: int) -> int:
    """The reference: try every position, from the bound down."""
    for c in range(min(limit, len(text) - 1), 0, -1):
        if "," in (text[c - 1], text[c]):
            return c
    return 0


@pytest.mark.parametrize("text", ["", "a", ",", "ab,cd,ef", "abcdef", ",abc", "abc,", "a,,b", ",,,,"])
@pytest.mark.parametrize("limit", [1, 2, 3, 5, 10])
def test_last_cut_matches_the_slow_reference(text, limit):
    assert comma_rule().last_cut(text, limit) == slow_last_cut(text, limit)


def test_split_keeps_short_lines_whole_and_cuts_long_ones_at_allowed_places():
    cutter = LineCutter(5, comma_rule())
    text = "ab\nabc,defgh,ij\nxy,z\nq"
    parts = cutter.split(text)
    assert parts == ["ab\n", "abc,", "defgh", ",ij\nxy,z\nq"]
    assert [type(p) for p in parts] == [str, Fragment, Fragment, str]
    assert "".join(parts) == text and cutter.forced == 0
    assert cutter.split("short\nlines\n") == ["short\nlines\n"]  # nothing to cut: the same object's text


def test_a_stretch_with_no_allowed_place_is_cut_at_the_bound_with_one_warning(caplog):
    cutter = LineCutter(4, comma_rule())
    with caplog.at_level(logging.WARNING, logger="minent"):
        parts = cutter.split("ab\nabcdefghij\nklmnopq\n", lambda i: f"x.txt: line {i + 7}")
    assert parts == ["ab\n", "abcd", "efgh", "ij\n", "klmn", "opq\n"]
    assert cutter.forced == 3
    assert len(caplog.records) == 1 and "cut every 4 characters" in caplog.records[0].getMessage()
    assert caplog.records[0].getMessage().startswith("warning: x.txt: line 8: 4 characters in a row")


def test_a_long_line_never_leaves_its_newline_alone():
    # the cut is never right before the newline (a last piece of "" would print an empty token)
    cutter = LineCutter(3, comma_rule())
    parts = cutter.split("ab,\n")
    assert parts == ["ab,\n"]
    parts = cutter.split("abc,\n")
    assert "".join(parts) == "abc,\n" and parts[-1] != "\n"


def test_fragments_pickle_as_fragments():
    f = pickle.loads(pickle.dumps(Fragment("中文")))
    assert isinstance(f, Fragment) and f == "中文"
    with pytest.raises(TypeError):
        pickle.dumps(comma_rule())


@pytest.mark.parametrize("bound", [2, 17, 300, 5000])
def test_piece_cuts_change_no_piece_of_real_text(bound):
    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]
    for joiner in ("。", " ", "，“"):
        line = joiner.join(lines[:150])
        cutter = LineCutter(bound, PIECE_CUTS)
        parts = cutter.split(line + "\n")
        assert rejoin(parts) == [line + "\n"]
        assert all(len(p) <= bound for p in parts if isinstance(p, Fragment))
        if cutter.forced == 0:
            assert [w for p in parts for w in pieces(p)] == pieces(line)
        if bound >= 300:  # the sample's sentences are shorter than that: no forced cut
            assert cutter.forced == 0
