"""Numerals and classifiers: the one piece of Chinese grammar the segmenter is told rather than
learns (docs/algorithms.md §3.4, "Numerals").

A Chinese number is written with a small closed class of characters (一 二 … 十 百 千 万 亿), and
a number is counted in units through a *classifier* (measure word): 三 个, 两 国, 五 年, 一 次.
Every segmentation standard (PKU, MSR, CityU, AS, CTB) keeps a number in one word (二十一, 六十三億,
50万) and splits it from the classifier after it. A unigram lexicon cannot learn this: 一个, 一次,
两国 are among the most frequent bigrams of any text, so they pay for an entry like any word.

The closed class is given (:data:`NUMERALS`); the classifiers are found in the corpus by
substitution (Harris's distributional test): a character is a classifier when the numbers before
it are open to choice — their *effective number* (the perplexity ``exp(H)`` of the numbers seen
before it, Hill's number of order 1) is at least two: two numbers equally often, or more numbers
unevenly (一次 and 三次; 两国 and 五国). The number slot in front of it is then open, so the number
is a word of its own and not part of a lexicalised word: 一定, 一切, 统一 have only 一 before or
around them and stay words, and so do 一般, 一下, 一起, where one or two stray other numbers
(百般, 零下) do not open the slot (docs/algorithms.md §3.4).

The decoder is then held to these rules (:func:`numeral_cuts`; the hybrid decoder sees a whole
numeral run as one unit, its first, so that a number longer than an unseen span is still one
word):

* no word starts inside a *numeral run*, a maximal run of numeral characters and whole numbers
  (the unit ``NUMBER_UNIT`` of digits, :mod:`minent.segmentation.units`) holding at least one
  numeral character, with the decimal point and the fraction word between two of them:
  一百二十三, 十几, 50万, 二十六点八, 百分之五 are one unit, as a number of digits (3.14) is —
  but a place value right after a larger one starts another number (三千五百 and 千万 are
  numbers, 万千 is not: 150万 千瓦), and a word starts there;
* a word starts right after a numeral run when the next unit is a classifier;
* such a run (a number counted by a classifier) starts a word too, unless a word of the lexicon
  holds the unit before it and its first unit side by side (第一, 统一, 这一): a number joins the
  word before it only through the lexicon, as a number of digits does (:mod:`~minent.segmentation.unigram`
  never puts a number in an unseen span), so an unseen span no longer glues 是一 in 是一个.

A run of digits alone is left to the lexicon (1997年 is one word in PKU, MSR and CTB, two in
CityU: the standards disagree there).

>>> import numpy as np
>>> text = np.array([ord(c) for c in "一次三次两国五国一定"], dtype=np.int32)
>>> "".join(chr(c) for c in learn_classifiers(text))
'国次'
"""

from __future__ import annotations

import functools

import numpy as np

from minent.segmentation.units import NUMBER_UNIT
from minent.text.chars import N_CODEPOINTS, to_codepoints

NUMERALS = "〇零一二三四五六七八九十百千万萬亿億两兩几幾"
"""The numeral characters: the ordinary Chinese numerals, i.e. the Han characters with a Unicode
numeric value (``unicodedata.numeric``) used for counting — the digits 〇/零 to 九 and the place
values 十 百 千 万/萬 亿/億 — plus 两/兩 (two, before a classifier: 两国; Unicode gives 兩 its
value but not the simplified 两) and the indefinite numeral 几/幾 (a few: 几个, 十几, 几百),
which takes a classifier and composes with the place values like a digit. Not included: the
financial forms 壹 贰 叁 … 拾 佰 仟, whose common characters are mostly other words in running
text (参 take part, 陆 land, 拾 pick up, 什 in 什么), and 兆, mostly an omen (征兆)."""

DECIMAL_POINTS = "点點"
"""Inside a number between two numerals, the decimal point (二十六点八 = 26.8, 一點六), as ``.``
is between digits (:func:`minent.segmentation.units.units`)."""

FRACTION = "分之"
"""Inside a number between two numerals, the fraction word (三分之二 = 2/3, 百分之五 = 5%)."""

MIN_NUMBERS = 2
"""A classifier's number slot holds at least this many numbers' worth of choice (the perplexity of
the numbers before it): more than one, i.e. the number in front of it can be substituted (the
smallest evidence that the slot is open)."""

FORBIDDEN = 1e6
"""What a tag the numeral rules forbid costs the decoder (nats): more than any segmentation of a
piece scores, so the rules hold wherever they can."""


@functools.cache
def numeral_table() -> np.ndarray:
    """Bool lookup by code point: a numeral character (:data:`NUMERALS`)."""
    table = np.zeros(N_CODEPOINTS, dtype=bool)
    table[[ord(c) for c in NUMERALS]] = True
    return table


PLACE_VALUES = ("十", "百", "千", "万萬", "亿億")
"""The place values of :data:`NUMERALS`, smallest first: in a number a place value follows a
digit or a smaller place value (三千五百, 十万, 千亿), never a larger one (万千)."""


@functools.cache
def place_rank() -> np.ndarray:
    """int8 lookup by code point: 1 + the index of its :data:`PLACE_VALUES` entry, 0 for any other."""
    table = np.zeros(N_CODEPOINTS, dtype=np.int8)
    for i, chars in enumerate(PLACE_VALUES):
        table[[ord(c) for c in chars]] = i + 1
    return table


def numeral_runs(ucp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(starts, ends)`` of the numeral runs of the units *ucp* (-1 = separator): maximal runs of
    numeral characters and number units holding at least one numeral character, through a
    decimal point or a fraction word between two of them (二十六点八, 百分之五); a place value
    right after a larger one starts another run (150万 千瓦: :data:`PLACE_VALUES`)."""
    ucp = np.asarray(ucp)
    # (a separator, -1, looks up the table's last entry, U+10FFFF: not a numeral)
    han = numeral_table()[ucp]
    num = han | (ucp == ord(NUMBER_UNIT))
    inner = _inner_signs(ucp, num)
    member = np.flatnonzero(num | inner)
    if len(member) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # a place value after a larger one with no digit between starts another number (150万 千瓦:
    # 万千 is no number, 千万 is)
    rank = place_rank()[ucp[member]]
    step = (np.diff(member) != 1) | ((rank[1:] > 0) & (rank[:-1] > rank[1:]))
    first = np.concatenate([[0], np.flatnonzero(step) + 1])  # (into member)
    last = np.concatenate([first[1:] - 1, [len(member) - 1]])
    starts, ends = member[first], member[last] + 1
    n_han = np.add.reduceat(han[member].astype(np.int64), first)
    keep = n_han > 0
    return starts[keep], ends[keep]


def _inner_signs(ucp: np.ndarray, num: np.ndarray) -> np.ndarray:
    """The units of a decimal point (:data:`DECIMAL_POINTS`) or of the fraction word
    (:data:`FRACTION`) that stand between two numerals or numbers (*num*)."""
    inner = np.zeros(len(ucp), dtype=bool)
    if len(ucp) < 3:
        return inner
    mid = np.flatnonzero(num[:-2] & num[2:]) + 1  # (a unit between two numbers)
    inner[mid[np.isin(ucp[mid], [ord(c) for c in DECIMAL_POINTS])]] = True
    if len(ucp) >= 4:
        fen, zhi = (ord(c) for c in FRACTION)
        at = np.flatnonzero(num[:-3] & (ucp[1:-2] == fen) & (ucp[2:-1] == zhi) & num[3:]) + 1
        inner[at] = inner[at + 1] = True
    return inner


def _run_keys(ucp: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit key per run (polynomial hash of its units, and its length): equal runs get equal
    keys, different runs different keys except with probability about 2⁻⁶⁴ per pair."""
    lengths = ends - starts
    pos = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    idx = np.repeat(starts, lengths) + pos
    with np.errstate(over="ignore"):
        powers = np.power(np.uint64(0x100000001B3), pos.astype(np.uint64))
        terms = (ucp[idx].astype(np.int64) + 1).astype(np.uint64) * powers
        offsets = np.cumsum(lengths) - lengths
        h = np.add.reduceat(terms, offsets) if len(offsets) else np.zeros(0, np.uint64)
        return h * np.uint64(0x9E3779B97F4A7C15) + lengths.astype(np.uint64)


def learn_classifiers(ucp: np.ndarray, min_numbers: int = MIN_NUMBERS) -> np.ndarray:
    """The classifiers of a corpus (its units *ucp*, documents separated by -1): the code points
    whose preceding numeral runs (:func:`numeral_runs`) have a perplexity ``exp(H)`` of at least
    *min_numbers* (H the entropy of the distribution of those runs, in nats), sorted (int32). A
    numeral character never counts (after a run it starts the next number: 万 千).

    The perplexity is the effective number of different numbers: *k* numbers used equally often
    give *k*. In the hotel reviews 1070 一 and one 百 before 般 give 1.01 and 517 一 of the 521
    numbers before 下 give 1.05, so 一般 and 一下 stay words, as 一样 does (403 of 423: 1.3); the
    2341 numbers before 个 (1678 一, 284 两, 203 几, 28 different) give 2.9."""
    ucp = np.asarray(ucp)
    starts, ends = numeral_runs(ucp)
    has_next = ends < len(ucp)
    starts, ends = starts[has_next], ends[has_next]
    nxt = ucp[ends]
    ok = (nxt >= 0) & ~numeral_table()[np.maximum(nxt, 0)]  # (a numeral: the next number, 150万 千)
    starts, ends, nxt = starts[ok], ends[ok], nxt[ok].astype(np.int64)
    if len(nxt) == 0:
        return np.zeros(0, np.int32)
    pairs, n = np.unique(np.stack([nxt, _run_keys(ucp, starts, ends).view(np.int64)], axis=1), axis=0,
                         return_counts=True)
    chars, first = np.unique(pairs[:, 0], return_index=True)  # (pairs are sorted by character)
    share = n / np.repeat(np.add.reduceat(n, first), np.diff(np.append(first, len(n))))
    entropy = -np.add.reduceat(share * np.log(share), first)
    # (k equal shares give ln k up to rounding)
    return chars[entropy >= np.log(min_numbers) - 1e-12].astype(np.int32)


KEY_BASE = 0x110000
"""Pairs of code points a, b are keys ``a · KEY_BASE + b``."""


RUN_STARTS = NUMERALS + NUMBER_UNIT
"""The units a numeral run starts with (:func:`numeral_runs`: a numeral character or a number;
never a decimal point or the fraction word, which stand between two numbers)."""


def lexicon_joins(words, second: str | None = None) -> np.ndarray:
    """The pairs of adjacent characters inside the lexicon *words*, as sorted int64 keys
    ``a · 0x110000 + b`` (what :func:`numeral_cuts` takes as *joins*); with *second*, only the
    pairs whose b is one of its characters. :func:`numeral_cuts` asks only about pairs whose b
    starts a numeral run, so ``second=RUN_STARTS`` gives it the same answers from a few
    thousand keys instead of a million (the lexicon of 5M characters of poems: 0.08 -> 0.03 s)."""
    words = list(words)
    cps = to_codepoints("".join(words)).astype(np.int64)
    ends = np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=len(words)))
    first = np.ones(len(cps), dtype=bool)  # (a unit that a pair may start at: not the last of its word)
    first[ends[(ends > 0)] - 1] = False
    at = np.flatnonzero(first[:-1])
    if second is not None:
        wanted = np.zeros(N_CODEPOINTS, dtype=bool)
        wanted[to_codepoints(second)] = True
        at = at[wanted[cps[at + 1]]]
    return np.unique(cps[at] * KEY_BASE + cps[at + 1])


def numeral_cuts(ucp: np.ndarray, classifiers: np.ndarray,
                 joins: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Where the decoder of the units *ucp* must not start a word (``inside``: every unit of a
    numeral run but its first) and where it must (``start``): at a unit in *classifiers* right
    after a numeral run, and, with *joins* (:func:`lexicon_joins`, sorted), at the first unit of
    such a run (one followed by a classifier) unless the unit before it and that first unit are
    adjacent in some lexicon word (第一, 统一, 这一), and at a run right after another
    (150万 千: :func:`numeral_runs`). Two bool arrays, never both true at one position."""
    from minent.segmentation.kernels.numerals import numeral_cut_flags

    ucp = np.asarray(ucp)
    if ucp.dtype.kind not in "iu":
        ucp = ucp.astype(np.int64)
    return numeral_cut_flags(ucp, numeral_table(), place_rank(), ord(NUMBER_UNIT), _POINTS,
                             ord(FRACTION[0]), ord(FRACTION[1]), np.sort(np.asarray(classifiers, dtype=np.int64)),
                             np.zeros(0, np.int64) if joins is None else np.asarray(joins, dtype=np.int64),
                             joins is not None, KEY_BASE)


_POINTS = np.array([ord(c) for c in DECIMAL_POINTS], dtype=np.int64)
