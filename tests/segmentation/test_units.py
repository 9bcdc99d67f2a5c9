"""Text as decoder units and back: the render kernel against the array formulation it replaced."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from minent.segmentation import units as U
from minent.segmentation.kernels import units as R
from minent.text.chars import from_codepoints, to_codepoints


def render_oracle(cps, k, seg_begin):
    """render as whole-array steps: token starts by kind, whitespace dropped, a space before
    every kept token start whose previous kept character is not a line end."""
    n = len(cps)
    if n == 0:
        return ""
    prev_k = np.concatenate([[U.K_NEWLINE], k[:-1]])
    prev_c = np.concatenate([[-1], cps[:-1]])
    begin = seg_begin.astype(bool) & (k == U.K_SEG)
    begin |= ((k == U.K_DIGIT) | (k == U.K_LATIN)) & (prev_k != k)
    begin |= (k == U.K_PUNCT) & ((prev_k != U.K_PUNCT) | (prev_c != cps))
    out = []
    prev_kept = U.K_NEWLINE
    for i in range(n):
        if k[i] == U.K_SPACE:
            continue
        if begin[i] and prev_kept != U.K_NEWLINE and k[i] != U.K_NEWLINE:
            out.append(" ")
        out.append(chr(cps[i]))
        prev_kept = k[i]
    return "".join(out)


def test_kernel_kinds_are_the_units_kinds():
    assert (R.K_SEG, R.K_DIGIT, R.K_LATIN, R.K_PUNCT, R.K_SPACE, R.K_NEWLINE) == (
        U.K_SEG, U.K_DIGIT, U.K_LATIN, U.K_PUNCT, U.K_SPACE, U.K_NEWLINE)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中文词语abcZ09０Ａ，。——……  \n\t3.14%ＡＢ𠀀é・")), max_size=60),
       st.integers(0, 2**32 - 1), st.booleans())
def test_render_matches_the_oracle(text, seed, pre_split):
    cps = to_codepoints(text)
    _, _, kinds = U.units(cps, pre_split)
    seg_begin = np.random.default_rng(seed).integers(0, 2, len(cps)).astype(np.uint8)
    assert U.render(cps, kinds, seg_begin) == render_oracle(cps, kinds, seg_begin)


def test_render_real_text(shared_data):
    text = (shared_data / "sighan2005" / "pku_test.utf8").read_text(encoding="utf-8")[:200_000]
    cps = to_codepoints(text)
    _, _, kinds = U.units(cps, False)
    seg_begin = np.random.default_rng(0).integers(0, 2, len(cps)).astype(np.uint8)
    got = U.render(cps, kinds, seg_begin)
    assert got == render_oracle(cps, kinds, seg_begin)
    assert got.count("\n") == text.count("\n") and "".join(got.split()) == "".join(text.split())
    assert from_codepoints(R.render_codepoints(cps[:0], kinds[:0], seg_begin[:0])) == ""


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-1, 0x10FFFF), max_size=50), st.sampled_from([np.int32, np.int64]))
def test_unit_ids_match_the_array_formula(units, dtype):
    ucp = np.array(units, dtype=dtype)
    lut = np.random.default_rng(len(units)).integers(1, 2**31 - 1, 0x110000).astype(np.int32)
    got = R.unit_ids(ucp, lut)
    assert got.dtype == np.int32
    assert np.array_equal(got, np.where(ucp >= 0, lut[np.maximum(ucp, 0)], 0).astype(np.int32))


def units_oracle(cps, pre_split):
    """units as whole-array steps: separators between digits and a percent sign after a digit
    made digits (by the kinds before), then the runs of digits and Latin letters."""
    k = U.kind_table()[cps]
    if len(k) >= 2:
        prev_d = np.concatenate([[False], k[:-1] == U.K_DIGIT])
        next_d = np.concatenate([k[1:] == U.K_DIGIT, [False]])
        point = np.isin(cps, [ord(c) for c in ".．·-－/／:∶"])  # (units._symbol_tables, written out)
        percent = np.isin(cps, [ord(c) for c in "%％‰"])
        k = k.copy()
        k[(point & prev_d & next_d) | (percent & prev_d)] = U.K_DIGIT
    if pre_split:
        return np.where(k == U.K_SEG, cps, -1), np.ones(len(cps), dtype=bool), k
    alnum = (k == U.K_DIGIT) | (k == U.K_LATIN)
    prev_k = np.concatenate([[U.K_NEWLINE], k[:-1]]).astype(np.uint8)
    keep = ~alnum | (prev_k != k)
    ucp = np.where(k == U.K_SEG, cps, -1)
    ucp[k == U.K_DIGIT] = ord(U.NUMBER_UNIT)
    ucp[k == U.K_LATIN] = ord(U.LATIN_UNIT)
    k = k.copy()
    k[alnum] = U.K_SEG
    return ucp[keep], keep, k


def _same_units(got, want):
    return all(g.dtype == w.dtype and np.array_equal(g, w) for g, w in zip(got, want))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中文a Z0９3.．·-－/／:∶%％‰，\n\t𠀀é")), max_size=40), st.booleans())
def test_units_match_the_oracle(text, pre_split):
    cps = to_codepoints(text)
    assert _same_units(U.units(cps, pre_split), units_oracle(cps, pre_split))


def test_units_real_text(shared_data):
    text = (shared_data / "sighan2005" / "pku_test.utf8").read_text(encoding="utf-8")
    cps = to_codepoints(text)
    for pre_split in (False, True):
        assert _same_units(U.units(cps, pre_split), units_oracle(cps, pre_split))
