"""Numba kernels of the decoder units (:mod:`minent.segmentation.units`): the model ids of units
(:func:`unit_ids`), and a segmentation written back as text (:func:`render_codepoints`).

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
