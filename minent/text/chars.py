"""The text model shared by every command (docs/algorithms.md, "Text model").

A document is split into *pieces*: maximal runs of word characters. A word character is a CJK
ideograph (every Unified Ideograph block, Extension A and the astral extensions B+ included, the
compatibility ideographs and U+3007 〇), a Latin letter or a decimal digit; everything else
(punctuation, spaces, symbols, emoji) separates pieces, and no n-gram statistic crosses a piece
boundary.

The classes are computed from :mod:`unicodedata` (names and categories), never from hand-typed
ranges, and kept in a lookup table indexed by code point so that whole texts can be classified
with numpy (computed once and kept in the user cache directory: :func:`char_class_table`).

Before a numba kernel sees text, characters become dense int32 ids
(:class:`minent.text.vocab.CharVocab`): id 0 separates pieces, id 1 stands for a character
outside a frozen vocabulary.

>>> pieces("《天龙八部》第1回, 2024年。")
['天龙八部', '第1回', '2024年']
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

import numpy as np

OTHER, HAN, LATIN, DIGIT = 0, 1, 2, 3
"""Character classes, as stored in :func:`char_class_table`."""

N_CODEPOINTS = sys.maxunicode + 1
"""Size of a lookup table indexed by code point."""

# Blocks scanned for each class. The scan asks unicodedata about every code point inside them, so
# newly assigned ideographs are picked up with a newer Python; these are block bounds, not the
# classification itself.
_HAN_SCAN = [(0x2E80, 0x2FFF), (0x3000, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF)]


@functools.cache
def char_class_table() -> np.ndarray:
    """Class (OTHER/HAN/LATIN/DIGIT) of every code point, as a uint8 array of length 0x110000.

    :func:`compute_char_class_table`, kept in the user cache directory
    (:func:`minent.cache.read_blob`) under a name that hashes this module's source, the Python
    version and the Unicode version of :mod:`unicodedata`: asking unicodedata about 350,000 code
    points takes 0.05–0.1 s of every start-up, reading the table back 2 ms. A table that is
    missing, damaged (checksum) or cannot be written is computed.
    """
    from minent.cache import read_blob, write_blob

    name = _table_blob_name()
    if name is not None:
        data = read_blob(name, N_CODEPOINTS)
        if data is not None:
            return np.frombuffer(data, dtype=np.uint8)
    table = compute_char_class_table()
    if name is not None:
        write_blob(name, table, family="char-classes-")
    return table


def _table_blob_name() -> str | None:
    """The cache name of the class table: a hash of what it is computed from (None when this
    module's source cannot be read)."""
    import hashlib

    try:
        with open(__file__, "rb") as f:
            source = f.read()
    except (OSError, NameError):
        return None
    h = hashlib.blake2b(source, digest_size=12)
    h.update(f"{sys.version_info[:2]} {unicodedata.unidata_version} {N_CODEPOINTS}".encode())
    return f"char-classes-{h.hexdigest()}"


def compute_char_class_table() -> np.ndarray:
    """:func:`char_class_table` computed from :mod:`unicodedata` (what the cache holds)."""
    table = np.zeros(N_CODEPOINTS, dtype=np.uint8)
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


def has_word_char(text: str) -> bool:
    """True when *text* holds at least one word character."""
    return _word_char_set_pattern().search(text) is not None


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


def to_codepoints(text: str) -> np.ndarray:
    """The code points of *text* as an int32 array (astral characters are one element each).

    Lone surrogates (which a Python string can hold, e.g. from JSON ``"\\ud800"``) pass through
    as their code points, so that every string round-trips through :func:`from_codepoints`.
    """
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.int32)


def from_codepoints(cps: np.ndarray) -> str:
    """The string of the code points *cps* (any integer array); inverse of :func:`to_codepoints`."""
    return np.ascontiguousarray(cps, dtype=np.int32).tobytes().decode("utf-32-le", "surrogatepass")
