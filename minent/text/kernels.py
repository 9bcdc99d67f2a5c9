"""Numba kernel of the text model (docs/algorithms.md §0): code points to piece-separated ids.

The pure-numpy :meth:`minent.text.chars.CharVocab.encode` is the reference; this kernel does the
same in one pass for the large blocks of the n-gram readers.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def encode_pieces(cps, classes, lut, unseen_mark):
    """Ids of the word characters of *cps*, each piece followed by one SEP (0).

    *classes* is the class of every code point (0 = not a word character) and *lut* the id of
    every code point (< 0 or beyond its end: not in the vocabulary). A word character without an
    id is written as -1 and its code point marked in *unseen_mark* (one flag per code point),
    for the caller to resolve. Returns the ids and the number of such characters.
    """
    n = cps.shape[0]
    size = lut.shape[0]
    out = np.empty(n + 1, dtype=np.int32)
    j = 0
    unseen = 0
    in_piece = False
    for i in range(n):
        cp = cps[i]
        if classes[cp] != 0:
            x = lut[cp] if cp < size else -1
            if x < 0:
                unseen_mark[cp] = True
                unseen += 1
            out[j] = x
            j += 1
            in_piece = True
        elif in_piece:
            out[j] = 0
            j += 1
            in_piece = False
    if in_piece:
        out[j] = 0
        j += 1
    return out[:j].copy(), unseen
