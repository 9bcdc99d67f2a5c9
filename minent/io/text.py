"""The text model shared by every command (docs/algorithms.md §0).

A document is split into *pieces*: maximal runs of word characters. A word character is a CJK
ideograph (every Unified Ideograph block, Extension A and the astral extensions B+ included, the
compatibility ideographs and U+3007 〇), a Latin letter or a decimal digit; everything else
(punctuation, spaces, symbols, emoji) separates pieces, and no n-gram statistic crosses a piece
boundary.

The classes are computed once from :mod:`unicodedata` (names and categories), never from
hand-typed ranges, and kept in a lookup table indexed by code point so that whole texts can be
classified with numpy.

Before a numba kernel sees text, characters become dense int32 ids (:class:`CharVocab`): id 0
separates pieces, id 1 stands for a character outside a frozen vocabulary.

>>> pieces("《天龙八部》第1回, 2024年。")
['天龙八部', '第1回', '2024年']
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator

import numpy as np

OTHER, HAN, LATIN, DIGIT = 0, 1, 2, 3
"""Character classes, as stored in :func:`char_class_table`."""

_N_CODEPOINTS = sys.maxunicode + 1

# Blocks scanned for each class. The scan asks unicodedata about every code point inside them, so
# newly assigned ideographs are picked up with a newer Python; these are block bounds, not the
# classification itself.
_HAN_SCAN = [(0x2E80, 0x2FFF), (0x3000, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF)]


@functools.cache
def char_class_table() -> np.ndarray:
    """Class (OTHER/HAN/LATIN/DIGIT) of every code point, as a uint8 array of length 0x110000."""
    table = np.zeros(_N_CODEPOINTS, dtype=np.uint8)
    for lo, hi in _HAN_SCAN:
        for cp in range(lo, hi + 1):
            name = unicodedata.name(chr(cp), "")
            if name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")) or cp == 0x3007:
                table[cp] = HAN
    # Letters and digits: every letter whose name says LATIN (incl. full-width and accented forms)
    # and every decimal digit (category Nd, incl. full-width digits).
    for cp in range(0, 0x2FFFF + 1):
        if table[cp]:
            continue
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat == "Nd":
            table[cp] = DIGIT
        elif cat[0] == "L" and "LATIN" in unicodedata.name(ch, ""):
            table[cp] = LATIN
    return table


@functools.cache
def _word_char_set_pattern() -> re.Pattern:
    table = char_class_table()
    is_word = table != OTHER
    # Turn the boolean table into [lo-hi] ranges for one regex character class.
    edges = np.flatnonzero(np.diff(np.concatenate(([0], is_word.view(np.int8), [0]))))
    starts, ends = edges[0::2], edges[1::2] - 1
    parts = []
    for lo, hi in zip(starts.tolist(), ends.tolist()):
        parts.append(re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
    return re.compile("[" + "".join(parts) + "]+")


def char_class(ch: str) -> int:
    """Class of one character: OTHER, HAN, LATIN or DIGIT."""
    return int(char_class_table()[ord(ch)])


def is_word_char(ch: str) -> bool:
    """True for CJK ideographs, Latin letters and decimal digits."""
    return char_class(ch) != OTHER


def has_word_char(text: str) -> bool:
    """True when *text* holds at least one word character."""
    return _word_char_set_pattern().search(text) is not None


def iter_pieces(text: str) -> Iterator[str]:
    """Yield the maximal runs of word characters of *text*, in order."""
    for m in _word_char_set_pattern().finditer(text):
        yield m.group()


def pieces(text: str) -> list[str]:
    """The maximal runs of word characters of *text*, in order."""
    return _word_char_set_pattern().findall(text)


# U+FF01..U+FF5E are the full-width forms of ASCII 0x21..0x7E; U+3000 is the ideographic space.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20


def normalize(text: str, *, fullwidth: bool = True, nfkc: bool = False) -> str:
    """Normalise *text*: full-width ASCII to half-width (``ＡＢＣ２１`` → ``ABC21``) and/or NFKC.

    Traditional characters are left as they are.
    """
    if nfkc:
        text = unicodedata.normalize("NFKC", text)
    if fullwidth:
        text = text.translate(_FULLWIDTH)
    return text


def codepoints(text: str) -> np.ndarray:
    """The code points of *text* as an int32 array (astral characters are one element each)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.int32)


class CharVocab:
    """Dense int32 ids for characters, built in one pass over the text.

    Id ``SEP`` (0) separates pieces, id ``UNK`` (1) is a character outside the vocabulary when
    encoding with ``grow=False``; real characters get ids 2, 3, ... as they are first met (the new characters of one
    ``encode`` call in code point order), so ids are deterministic for a given input.

    >>> v = CharVocab()
    >>> v.encode(["ab，c"]).tolist()
    [2, 3, 0, 4, 0]
    >>> v.decode([2, 3, 0, 4])
    'ab c'
    """

    SEP = 0
    UNK = 1

    def __init__(self, chars: Iterable[str] = ()):
        # code point -> id, as a growable dense lookup table over the code points seen so far.
        self._lut = np.full(0x10000, -1, dtype=np.int32)
        self._cps: list[int] = [-1, -1]
        for ch in chars:
            self._add(ord(ch))

    def _widen(self) -> None:
        """Extend the lookup table from the BMP to every code point (astral text seen)."""
        if len(self._lut) < _N_CODEPOINTS:
            grown = np.full(_N_CODEPOINTS, -1, dtype=np.int32)
            grown[: len(self._lut)] = self._lut
            self._lut = grown

    def _add(self, cp: int) -> int:
        if cp >= len(self._lut):
            self._widen()
        i = self._lut[cp]
        if i < 0:
            i = len(self._cps)
            self._lut[cp] = i
            self._cps.append(cp)
        return int(i)

    def __len__(self) -> int:
        return len(self._cps)

    def __contains__(self, ch: str) -> bool:
        cp = ord(ch)
        return cp < len(self._lut) and self._lut[cp] >= 0

    def id(self, ch: str) -> int:
        """Id of *ch*, or ``UNK`` when it is not in the vocabulary."""
        cp = ord(ch)
        if cp < len(self._lut) and self._lut[cp] >= 0:
            return int(self._lut[cp])
        return self.UNK

    def char(self, i: int) -> str:
        """The character of id *i* (``SEP`` → space, ``UNK`` → U+FFFD)."""
        if i == self.SEP:
            return " "
        if i == self.UNK:
            return "\ufffd"
        return chr(self._cps[i])

    def decode(self, ids: Iterable[int]) -> str:
        """Characters of *ids* joined into a string; ``SEP`` becomes a space."""
        return "".join(self.char(int(i)) for i in ids)

    @property
    def codepoints(self) -> np.ndarray:
        """Code point of every id (index = id; -1 for SEP and UNK), for saving in .npz files."""
        return np.asarray(self._cps, dtype=np.int32)

    @classmethod
    def from_codepoints(cls, cps: np.ndarray) -> CharVocab:
        """Rebuild a vocabulary saved with :attr:`codepoints`."""
        cps = np.asarray(cps)
        if cps.ndim != 1 or len(cps) < 2 or cps[0] != -1 or cps[1] != -1:
            raise ValueError("not a CharVocab code point array")
        return cls(chr(int(c)) for c in cps[2:])

    def _map(self, cps: np.ndarray, grow: bool) -> np.ndarray:
        """Map an array of code points to ids (adding new ones when *grow*)."""
        if len(cps) == 0:
            return np.zeros(0, dtype=np.int32)
        top = int(cps.max())
        if grow and top >= len(self._lut):
            self._widen()
        if top < len(self._lut):  # the common case: one gather, no mask
            ids = self._lut[cps]
        else:
            inside = cps < len(self._lut)
            ids = np.full(len(cps), -1, dtype=np.int32)
            ids[inside] = self._lut[cps[inside]]
        unseen = ids < 0
        if unseen.any():
            if grow:
                # New characters of one call get ids in code point order: mark them in a
                # table (linear time, unlike sorting) and read the marks back in order.
                mark = np.zeros(len(self._lut), dtype=np.bool_)
                mark[cps[unseen]] = True
                for cp in np.flatnonzero(mark).tolist():
                    self._add(cp)
                ids[unseen] = self._lut[cps[unseen]]
            else:
                ids[unseen] = self.UNK
        return ids

    def encode(self, texts: Iterable[str], *, grow: bool = True) -> np.ndarray:
        """Pieces of every text, in order, each piece followed by one ``SEP``.

        Non-word characters never get an id; they only separate pieces. With ``grow=False`` a
        character outside the vocabulary becomes ``UNK``.
        """
        joined = "\n".join(texts)
        cps = codepoints(joined)
        if len(cps) == 0:
            return np.zeros(0, dtype=np.int32)
        word = char_class_table()[cps] != OTHER
        # Keep word characters plus the first non-word character after each piece (as SEP).
        prev_word = np.concatenate(([False], word[:-1]))
        keep = word | prev_word
        ids = np.zeros(int(keep.sum()) + (1 if word[-1] else 0), dtype=np.int32)
        kept_word = word[keep]
        ids[: len(kept_word)][kept_word] = self._map(cps[word], grow)
        return ids

    def encode_block(self, text: str, *, grow: bool = True) -> np.ndarray:
        """``encode([text])`` in one pass of a numba kernel: for the large blocks of the n-gram
        readers (loads numba; :meth:`encode`, pure numpy, is the reference)."""
        from minent.kernels.text import encode_pieces

        cps = codepoints(text)
        marks = np.zeros(_N_CODEPOINTS, dtype=np.bool_)
        ids, unseen = encode_pieces(cps, char_class_table(), self._lut, marks)
        if unseen and not grow:
            ids[ids < 0] = self.UNK
        elif unseen:  # new characters get ids in code point order, as in encode; then again
            for cp in np.flatnonzero(marks).tolist():
                self._add(cp)
            ids, _ = encode_pieces(cps, char_class_table(), self._lut, marks)
        return ids

    def encode_text(self, text: str, *, grow: bool = True) -> np.ndarray:
        """Ids of every character of *text* (no piece splitting), for decoders that keep all text.

        Non-word characters get ids too, so the caller must treat classes itself.
        """
        return self._map(codepoints(text), grow)
