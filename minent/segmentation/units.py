"""The decoder's units of a text, and how a segmentation is written back (shared by every segmenter).

Segmenters work line by line on batches of lines. A line is cut into runs by character class:

* Han runs are decoded by the model; with ``pre_split=False`` (default) numbers and Latin runs
  are part of those runs (each as one unit, see :func:`units`) and may head words found in the
  lexicon (1997年, 3月份: the PKU, MSR and CTB standards keep these as one word);
* with ``pre_split=True`` a number or a Latin run is one token of its own; a number
  keeps its inner separators and percent sign (3.14, ９５．４７％, ３·５, 1997-12-01, 1/2, 12:30);
* punctuation and symbols are one token per character, except that a run of the same character
  (——, ……) is one token;
* whitespace separates tokens and is not output.

Output: the tokens of each line separated by one space, one output line per input line (blank
lines stay blank), so that removing the spaces gives back the input line minus its whitespace.

>>> from minent.segmentation.lexicon_model import Lexicon
>>> from minent.segmentation.unigram import UnigramSegmenter
>>> seg = UnigramSegmenter(Lexicon(["中国", "人民", "中", "国", "人", "民"], [10, 8, 1, 1, 1, 1]))
>>> seg.segment_line("中国人民，2024年")
'中国 人民 ， 2024 年'
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import numpy as np

from minent.text.batching import CutRule, batched
from minent.text.chars import DIGIT, HAN, LATIN, OTHER, char_class_table, from_codepoints, to_codepoints

# Kinds of characters for line tokenisation.
K_SEG, K_DIGIT, K_LATIN, K_PUNCT, K_SPACE, K_NEWLINE = 0, 1, 2, 3, 4, 5
NEWLINE = 0x0A


@functools.cache
def kind_table() -> np.ndarray:
    """Kind (K_*) of every code point, for splitting lines into runs."""
    cls = char_class_table()
    kinds = np.full(len(cls), K_PUNCT, dtype=np.uint8)
    kinds[cls == HAN] = K_SEG
    kinds[cls == DIGIT] = K_DIGIT
    kinds[cls == LATIN] = K_LATIN
    for cp in range(0x3001):
        if cls[cp] == OTHER and chr(cp).isspace():
            kinds[cp] = K_SPACE
    kinds[0x3000] = K_SPACE
    kinds[NEWLINE] = K_NEWLINE
    return kinds


@functools.cache
def _symbol_tables() -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables (by code point) of separators inside numbers and of percent signs.

    Inside: decimal points (. ．, and the middle dot · that Chinese print uses as one), hyphens
    of dates and telephone numbers (- －), fraction slashes (/ ／) and ratio or time colons
    (: ∶; not the full-width ：, which is punctuation, nor the dash — of ranges)."""
    point = np.zeros(0x110000, dtype=bool)
    point[[ord(c) for c in ".．·-－/／:∶"]] = True
    percent = np.zeros(0x110000, dtype=bool)
    percent[[ord("%"), ord("％"), ord("‰")]] = True
    return point, percent


def _cut_classes() -> tuple[np.ndarray, np.ndarray]:
    # 1: a separator whatever its neighbours (whitespace, punctuation that never joins a number),
    # 2: a Han character; a cut is allowed from 1 to 2 only
    kinds = kind_table()
    point, percent = _symbol_tables()
    classes = np.zeros(len(kinds), dtype=np.uint8)
    classes[((kinds == K_PUNCT) & ~point & ~percent) | (kinds == K_SPACE)] = 1
    classes[kinds == K_SEG] = 2
    allowed = np.zeros((3, 3), dtype=np.bool_)
    allowed[1, 2] = True
    return classes, allowed


#: Where a long line may be cut without changing any segmenter's output: right after whitespace
#: or punctuation that is not part of a number (not . / : - % and their full-width forms), before
#: a Han character. The decoders see a separator there, after which a word always starts and no
#: model looks back (decoding the slices of :func:`unit_slices` equals decoding the whole); the
#: written tokens are the same, joined by one space.
SEGMENT_CUTS = CutRule(_cut_classes, "a cut must fall after punctuation or a space, before a Han character")


CHUNK_UNITS = 1 << 21
"""Units per chunk of the training passes over an encoded corpus (n-gram counting, re-estimation):
their working arrays (n-gram keys, decoder lattice, word lists) stay a few tens of MB whatever
the corpus size."""

ENCODE_BATCH_CHARS = 1 << 22
"""Characters per batch when a corpus is encoded for training: the characters new in a batch get
the next ids, in code point order (a corpus encoded on a cluster is numbered the same way)."""

NUMBER_UNIT = "0"
"""How a whole number (２０００, 3.5%) is written inside lexicon words without pre-split: 0年 = N年."""
LATIN_UNIT = "a"
"""How a whole Latin run is written inside lexicon words without pre-split: a股 = ABC股."""


def units(cps: np.ndarray, pre_split: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The decoder's view of a text: ``(unit_cps, keep, kinds)``.

    ``unit_cps`` holds one code point per decoding unit and -1 for separators; ``keep`` marks the
    positions of *cps* that are units or separators (``unit_cps`` = that code point sequence,
    compressed); ``kinds`` the K_* of every position for :func:`render`. With *pre_split*, units
    are Han characters; without, a whole number is one unit written ``NUMBER_UNIT`` and a whole
    Latin run one unit ``LATIN_UNIT``, so words like 0年 (1997年) can be learned.
    """
    from minent.segmentation.kernels.units import text_units

    point, percent = _symbol_tables()
    # separators between digits (_symbol_tables) and a percent sign after digits are digits, so
    # that 3.14, ９５．４７％, 1997-12-01 stay one token (a convention of the segmentation
    # standards); then the runs made units, in one kernel
    return text_units(np.asarray(cps), kind_table(), point, percent, pre_split, ord(NUMBER_UNIT), ord(LATIN_UNIT))


def corpus_units(texts: Iterable[str], pre_split: bool, *, batch_chars: int = 1 << 22) -> np.ndarray:
    """The decoder units (see :func:`units`) of a whole corpus, documents separated by -1 (int32)."""
    parts = [units(to_codepoints("\n".join(b) + "\n"), pre_split)[0] for b in batched(texts, batch_chars)]
    return np.concatenate(parts).astype(np.int32) if parts else np.zeros(0, dtype=np.int32)


def render(cps: np.ndarray, kinds_of_cps: np.ndarray, seg_begin: np.ndarray) -> str:
    """Join the text of *cps* (lines separated by U+000A) into space-separated tokens.

    *seg_begin* holds word starts at segmentable positions (from a decoder); token starts of the
    other runs follow the rules of the module docstring.
    """
    from minent.segmentation.kernels.units import render_codepoints

    if len(cps) == 0:
        return ""
    return from_codepoints(render_codepoints(cps, kinds_of_cps, seg_begin))


def unit_slices(ucp: np.ndarray, size: int = 1 << 20):
    """(start, end) of consecutive slices of about *size* units of *ucp*, cut at separators
    (-1), so that decoding slice by slice equals decoding the whole and stays in bounded memory."""
    return cut_slices(np.flatnonzero(ucp < 0), len(ucp), size)


def cut_slices(sep: np.ndarray, n: int, size: int):
    """(start, end) of consecutive slices of about *size* of an array of length *n*, each ending
    just after one of the separator positions *sep* (sorted) or at *n*: pieces are never cut."""
    out = []
    a = 0
    while a < n:
        j = np.searchsorted(sep, a + size)
        b = int(sep[j]) + 1 if j < len(sep) else n
        out.append((a, b))
        a = b
    return out


class DistinctPieces:
    """The distinct pieces of the units *ucp* of a corpus (maximal runs of units >= 0): each
    once in :attr:`units` (in order of first appearance, a separator after each), and where
    every piece of *ucp* is found there. Every decoder decodes each piece on its own (units
    between separators), so decoding :attr:`units` and :meth:`spread` ing the result gives the
    decoding of *ucp*, with each piece seen k times decoded once (a corpus's repeated lines,
    formulas, titles and short clauses). Equal pieces are found by a 64-bit hash and compared
    unit by unit (a collision is decoded on its own)."""

    def __init__(self, ucp: np.ndarray):
        from minent.segmentation.kernels.pieces import gather_pieces, piece_hashes, piece_sources

        self.n = len(ucp)
        starts, lengths, hashes = piece_hashes(ucp)
        source = piece_sources(ucp, starts, lengths, hashes, np.argsort(hashes, kind="stable"))
        del hashes
        own = source == np.arange(len(source))
        self.units = np.full(int(lengths[own].sum() + own.sum()), -1, dtype=np.int32)
        at = gather_pieces(ucp, starts, lengths, own, self.units)
        index = np.int32 if len(self.units) < 2**31 else np.int64
        self.source_at = at[source].astype(index)  # (where each piece's copy starts in self.units)

    @property
    def n_pieces(self) -> int:
        return len(self.source_at)

    def spread(self, ucp: np.ndarray, values: np.ndarray, fill=0) -> np.ndarray:
        """Per-unit *values* of :attr:`units` (e.g. word starts) spread to the units *ucp* this
        was made of; *fill* at separators."""
        from minent.segmentation.kernels.pieces import spread_pieces

        out = np.full(len(ucp), fill, dtype=values.dtype)
        spread_pieces(ucp, values, self.source_at, out)
        return out
