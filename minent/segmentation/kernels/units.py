"""Numba kernels of the decoder units (:mod:`minent.segmentation.units`): a text's units
(:func:`text_units`), their model ids (:func:`unit_ids`), and a segmentation written back as
text (:func:`render_codepoints`).

The character kinds are those of :mod:`minent.segmentation.units` (the same numbers, checked by
the tests): a kernel imports no minent module but other kernels.
"""

from __future__ import annotations

import numpy as np
from numba import njit

K_SEG, K_DIGIT, K_LATIN, K_PUNCT, K_SPACE, K_NEWLINE = 0, 1, 2, 3, 4, 5
SPACE = 0x20


@njit(cache=True)
def render_codepoints(cps, kinds, seg_begin):
    """The code points of the rendered text of *cps* (int32), in one pass: every character but
    whitespace (kind K_SPACE), with a space before each token start that does not begin a line.
    A token starts at a decoded unit where *seg_begin* is set (K_SEG), at the first of a run of
    digits or of Latin letters (its kind differs from the previous character's), and at a
    punctuation mark unless it repeats the previous character (——, ……)."""
    n = len(cps)
    out = np.empty(2 * n, dtype=np.int32)
    m = 0
    prev_k = K_NEWLINE
    prev_c = -1
    prev_kept = K_NEWLINE  # (the kind of the last character written)
    for i in range(n):
        k = kinds[i]
        c = cps[i]
        if k == K_SEG:
            start = seg_begin[i] != 0
        elif k == K_DIGIT or k == K_LATIN:
            start = prev_k != k
        elif k == K_PUNCT:
            start = prev_k != K_PUNCT or prev_c != c
        else:
            start = False
        if k != K_SPACE:
            if start and prev_kept != K_NEWLINE and k != K_NEWLINE:
                out[m] = SPACE
                m += 1
            out[m] = c
            m += 1
            prev_kept = k
        prev_k = k
        prev_c = c
    return out[:m]


@njit(cache=True)
def unit_ids(ucp, lut):
    """The ids ``lut[u]`` of the units *ucp* (code points; -1, a separator, gets id 0), int32:
    ``np.where(ucp >= 0, lut[np.maximum(ucp, 0)], 0)`` in one pass."""
    out = np.empty(len(ucp), dtype=np.int32)
    for i in range(len(ucp)):
        u = ucp[i]
        out[i] = lut[u] if u >= 0 else 0
    return out


@njit(cache=True)
def text_units(cps, kind_table, point, percent, pre_split, number_unit, latin_unit):
    """``(unit_cps, keep, kinds)`` of :func:`minent.segmentation.units.units`, in two passes.

    The kind of each code point is ``kind_table[c]``; a separator between digits (*point*, a
    bool table by code point) and a percent sign after a digit (*percent*) are digits, judged
    by the kinds before that change. With *pre_split* every position is kept, a K_SEG position
    is its code point and any other -1. Without, a run of digits is one unit *number_unit*, a
    run of Latin letters one unit *latin_unit* (a run: the same kind as the position before),
    other K_SEG positions are their code points and the rest -1; *kinds* then has the digits
    and Latin letters as K_SEG."""
    n = len(cps)
    kinds = np.empty(n, dtype=np.uint8)
    for i in range(n):
        kinds[i] = kind_table[cps[i]]
    if n >= 2:
        digit_before = False  # (the kind before this position, as the table gave it, is K_DIGIT)
        for i in range(n):
            k = kinds[i]
            c = cps[i]
            digit_after = i + 1 < n and kind_table[cps[i + 1]] == K_DIGIT
            if digit_before and ((point[c] and digit_after) or percent[c]):
                kinds[i] = K_DIGIT
            digit_before = k == K_DIGIT
    ucp = np.empty(n, dtype=cps.dtype)
    keep = np.ones(n, dtype=np.bool_)
    if pre_split:
        for i in range(n):
            ucp[i] = cps[i] if kinds[i] == K_SEG else -1
        return ucp, keep, kinds
    m = 0
    prev = K_NEWLINE
    for i in range(n):
        k = kinds[i]
        if k == K_DIGIT or k == K_LATIN:
            keep[i] = k != prev
            kinds[i] = K_SEG
        if keep[i]:
            if k == K_SEG:
                ucp[m] = cps[i]
            elif k == K_DIGIT:
                ucp[m] = number_unit
            elif k == K_LATIN:
                ucp[m] = latin_unit
            else:
                ucp[m] = -1
            m += 1
        prev = k
    return ucp[:m], keep, kinds
