"""Word-segmentation scoring exactly as the SIGHAN bakeoff scorer defines it (docs/algorithms.md §3.5).

Each line of the gold file and of the system output is a sequence of words separated by
whitespace. A word is the character span ``[start, end)`` it covers in the line's text with all
separators removed; a system word is correct when a gold word has the very same span. Over the
whole file:

    P = correct / system words      R = correct / gold words      F1 = 2PR / (P + R)

With a training word list (``--words``), a gold word is OOV when it is not in the list:

    OOV rate   = OOV gold words / gold words
    OOV recall = correctly found OOV gold words / OOV gold words
    IV recall  = correctly found IV gold words / IV gold words

The bakeoff files have quirks that must not change a score: CRLF line ends, a BOM, words
separated by two spaces (PKU, MSR) or by U+3000 (AS). All of them are separators here. Lines
are compared in order; blank lines at the end of either file are ignored. Two characters that
are equal under Unicode NFKC (ASCII 'c' and full-width 'ｃ', as in one line of the AS gold) are
the same character, compared one by one so that offsets stay those of the files. A line whose
characters still differ from the gold line is an error naming both files and the line: a scorer
that silently re-aligns would report a number for the wrong text. With ``skip_mismatch=True``
such a line is left out of every count and listed in ``SegmentationScore.skipped`` instead (the
line-count check stays: without it the lines would not be aligned at all).

>>> s = score_lines(["中国  人民"], ["中国 人 民"])
>>> (s.gold_words, s.test_words, s.correct)
(2, 3, 1)
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from minent.errors import DataError, UsageError
from minent.io.wordlists import read_words

# Any run of whitespace (incl. U+3000, which str.split() already treats as whitespace) separates
# words; the BOM is dropped wherever it appears at the start of a line (first line of a file).
_BOM = "\ufeff"


def split_words(line: str) -> list[str]:
    """Words of one segmented line: CR/LF, BOM and any whitespace (incl. U+3000) are separators."""
    return line.lstrip(_BOM).split()


def word_spans(words: Iterable[str]) -> set[tuple[int, int]]:
    """Character-offset spans ``(start, end)`` of consecutive *words*."""
    spans = set()
    pos = 0
    for w in words:
        spans.add((pos, pos + len(w)))
        pos += len(w)
    return spans


@dataclass
class SegmentationScore:
    """Counts behind the SIGHAN metrics; the metrics are derived properties."""

    gold_words: int = 0
    test_words: int = 0
    correct: int = 0
    oov_words: int = 0
    oov_correct: int = 0
    has_vocabulary: bool = False
    lines: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """(line number, why) of every line left out by ``skip_mismatch``."""
    settings: dict = field(default_factory=dict)

    columns = ("metric", "value")

    @property
    def precision(self) -> float:
        return self.correct / self.test_words if self.test_words else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold_words if self.gold_words else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def oov_rate(self) -> float:
        return self.oov_words / self.gold_words if self.gold_words else 0.0

    @property
    def oov_recall(self) -> float:
        return self.oov_correct / self.oov_words if self.oov_words else 0.0

    @property
    def iv_recall(self) -> float:
        iv = self.gold_words - self.oov_words
        return (self.correct - self.oov_correct) / iv if iv else 0.0

    def to_rows(self) -> list[tuple[str, float | int]]:
        """(metric, value) rows; OOV metrics only when a word list was given."""
        rows: list[tuple[str, float | int]] = [
            ("precision", self.precision),
            ("recall", self.recall),
            ("f1", self.f1),
        ]
        if self.has_vocabulary:
            rows += [("oov_rate", self.oov_rate), ("oov_recall", self.oov_recall), ("iv_recall", self.iv_recall)]
        rows += [("gold_words", self.gold_words), ("test_words", self.test_words), ("correct", self.correct)]
        return rows


@functools.lru_cache(maxsize=1 << 16)
def _nfkc(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def first_difference(a: str, b: str) -> int | None:
    """Offset of the first character where *a* and *b* differ under NFKC, character by character
    (None when they are equal; the length of the shorter when one is a prefix of the other).

    >>> first_difference("abc", "ａｂｃ") is None, first_difference("abc", "abd"), first_difference("ab", "abc")
    (True, 2, 2)
    """
    if a == b:
        return None
    for j, (x, y) in enumerate(zip(a, b)):
        if x != y and _nfkc(x) != _nfkc(y):
            return j
    return None if len(a) == len(b) else min(len(a), len(b))


class TextMismatchError(DataError):
    """A test line whose text differs from its gold line (:func:`score_lines` without
    ``skip_mismatch``). ``detail`` is the message without the hint, for the CLI to add its own."""

    def __init__(self, detail: str):
        super().__init__(f"{detail}; `skip_mismatch` scores the other lines")
        self.detail = detail

    def __reduce__(self):
        return type(self), (self.detail,)


def _trim_trailing_blank(lines: list[str]) -> list[str]:
    while lines and not split_words(lines[-1]):
        lines.pop()
    return lines


def score_lines(
    gold: Iterable[str],
    test: Iterable[str],
    *,
    vocabulary: set[str] | None = None,
    gold_name: str = "gold",
    test_name: str = "test",
    skip_mismatch: bool = False,
) -> SegmentationScore:
    """Score segmented *test* lines against *gold* lines (see the module docstring).

    Raises TextMismatchError (a DataError) naming the first line whose characters differ (with
    *skip_mismatch*: such lines are skipped and listed in ``skipped``), DataError for a
    line-count mismatch.

    >>> s = score_lines(["ab c", "x y"], ["ａｂ ｃ", "x z"], skip_mismatch=True)
    >>> (s.gold_words, s.correct, s.skipped[0][0])
    (2, 2, 2)
    """
    gold_lines = _trim_trailing_blank([g.rstrip("\r\n") for g in gold])
    test_lines = _trim_trailing_blank([t.rstrip("\r\n") for t in test])
    s = SegmentationScore(has_vocabulary=vocabulary is not None, settings={"gold": gold_name, "test": test_name})
    for i, (g, t) in enumerate(zip(gold_lines, test_lines), start=1):
        gw, tw = split_words(g), split_words(t)
        gtext, ttext = "".join(gw), "".join(tw)
        k = first_difference(gtext, ttext)
        if k is not None:
            detail = (f"{test_name}: line {i}: text differs from {gold_name} line {i} at character {k + 1} "
                      f"({gtext[k:k + 8]!r} vs {ttext[k:k + 8]!r})")
            if not skip_mismatch:
                raise TextMismatchError(detail)
            s.skipped.append((i, detail))
            continue
        gspans = word_spans(gw)
        tspans = word_spans(tw)
        hits = gspans & tspans
        s.gold_words += len(gw)
        s.test_words += len(tw)
        s.correct += len(hits)
        if vocabulary is not None:
            pos = 0
            for w in gw:
                if w not in vocabulary:
                    s.oov_words += 1
                    if (pos, pos + len(w)) in hits:
                        s.oov_correct += 1
                pos += len(w)
        s.lines += 1
    if len(gold_lines) != len(test_lines):
        raise DataError(
            f"{test_name} has {len(test_lines)} lines but {gold_name} has {len(gold_lines)} "
            f"(trailing blank lines ignored): line {min(len(gold_lines), len(test_lines)) + 1} has no counterpart"
        )
    return s


def _read_lines(path: str | Path) -> list[str]:
    """Lines of a UTF-8 file (BOM, CRLF and compression handled by the shared reader)."""
    from minent.io.corpus import read_lines

    if str(path) != "-":  # "-" is stdin, as for every input
        if Path(path).is_dir():
            raise UsageError(f"{path}: is a directory, not a file")
        if not Path(path).exists():
            raise UsageError(f"{path}: no such file")
    return [text for _, text in read_lines(path)]


def score_files(gold: str | Path, test: str | Path, *, words: str | Path | None = None,
                skip_mismatch: bool = False) -> SegmentationScore:
    """Score the segmentation in file *test* against file *gold* (UTF-8), optionally with a
    training word list *words* for OOV / IV recall. See :func:`score_lines` (also for
    *skip_mismatch*). One of them may be ``-`` (standard input)."""
    if [str(p) for p in (gold, test, words)].count("-") > 1:
        raise UsageError("only one of `gold`, `test` and `words` can be '-' (standard input)")
    vocabulary = read_words(words) if words is not None else None
    result = score_lines(
        _read_lines(gold), _read_lines(test), vocabulary=vocabulary, gold_name=str(gold), test_name=str(test),
        skip_mismatch=skip_mismatch,
    )
    result.settings["words"] = str(words) if words is not None else None
    result.settings["skip_mismatch"] = True if skip_mismatch else None
    return result
