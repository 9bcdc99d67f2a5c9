"""Characters as dense int32 ids (:class:`CharVocab`), and the id-level folding of the text model
(:class:`Folder`: digits to separators, full-width letters to ASCII)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from minent.text.chars import DIGIT, N_CODEPOINTS, OTHER, char_class_table, to_codepoints


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
        if len(self._lut) < N_CODEPOINTS:
            grown = np.full(N_CODEPOINTS, -1, dtype=np.int32)
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
        cps = to_codepoints(joined)
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
        from minent.text.kernels import encode_pieces

        cps = to_codepoints(text)
        marks = np.zeros(N_CODEPOINTS, dtype=np.bool_)
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
        return self._map(to_codepoints(text), grow)


class Folder:
    """Id-level text handling: digits become SEP, full-width Latin letters their ASCII ids.

    Equivalent to folding full-width ASCII to half-width and turning digits into separators on
    the text, but done on id arrays with one table lookup per chunk (``str.translate`` over
    every character costs more than counting the n-grams).
    """

    def __init__(self, vocab):
        self.vocab = vocab
        self.table = np.zeros(0, dtype=np.int32)

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        while len(self.table) < len(self.vocab):
            classes = char_class_table()
            old = len(self.table)
            cps = self.vocab.codepoints
            new = np.arange(old, len(cps), dtype=np.int32)
            for i in range(old, len(cps)):
                cp = int(cps[i])
                if cp < 0:
                    continue
                if classes[cp] == DIGIT:
                    new[i - old] = 0
                elif 0xFF21 <= cp <= 0xFF3A or 0xFF41 <= cp <= 0xFF5A:
                    half = chr(cp - 0xFEE0)
                    if half not in self.vocab:
                        self.vocab.encode([half])  # may grow the vocabulary: loop again
                    new[i - old] = self.vocab.id(half)
            self.table = np.concatenate([self.table, new])
        return self.table[ids]
