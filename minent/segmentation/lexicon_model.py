"""The lexicon model: words with counts, saved as plain TSV (``word<TAB>count<TAB>log_prob``).

A lexicon is the whole of a unigram segmentation model: p(w) = count(w) / Σ count. The file
is readable and editable by hand; the log-probability column is informative only (it is
recomputed from the counts on load, so an edited count takes effect).

Loading accepts the TSV written by ``minent lexicon``, a plain word list (one word per line,
count 1 each) and jieba-style dictionaries (``word freq [tag]`` separated by spaces), so the
same segmenter can be run with an outside dictionary. A malformed line is a DataError naming
the file and the line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from minent.errors import DataError, UsageError

COLUMNS = ("word", "count", "log_prob")


@dataclass
class Lexicon:
    """Words and their counts (float64, > 0), in any order."""

    words: list[str]
    counts: np.ndarray

    def __post_init__(self):
        self.counts = np.asarray(self.counts, dtype=np.float64)
        if len(self.words) != len(self.counts):
            raise ValueError("words and counts differ in length")

    def __len__(self) -> int:
        return len(self.words)

    @property
    def total(self) -> float:
        return float(self.counts.sum())

    def log_probs(self) -> np.ndarray:
        """ln p(w) = ln(count / Σ count)."""
        total = self.total
        if total <= 0:
            return np.full(len(self.counts), -np.inf)
        with np.errstate(divide="ignore"):
            return np.log(self.counts / total)

    def as_dict(self) -> dict[str, float]:
        return dict(zip(self.words, self.counts.tolist()))

    @classmethod
    def from_dict(cls, counts: dict[str, float]) -> Lexicon:
        """The lexicon of *counts* (word → count), in the dict's order (the inverse of :meth:`as_dict`)."""
        return cls(list(counts), np.fromiter(counts.values(), np.float64, len(counts)))

    def distinct(self) -> Lexicon:
        """This lexicon when no word is listed twice, else :meth:`from_dict` of :meth:`as_dict`
        (a word listed twice in its first place with its last count).

        >>> Lexicon(["中", "国", "中"], [1, 2, 3]).distinct().as_dict()
        {'中': 3.0, '国': 2.0}
        """
        return self if len(set(self.words)) == len(self.words) else Lexicon.from_dict(self.as_dict())

    def to_rows(self) -> list[tuple[str, float, float]]:
        """(word, count, log_prob) rows, most frequent first, ties by word."""
        lp = self.log_probs()
        order = sorted(range(len(self.words)), key=lambda i: (-self.counts[i], self.words[i]))
        rows = []
        for i in order:
            c = float(self.counts[i])
            rows.append((self.words[i], int(c) if c.is_integer() else c, float(lp[i])))
        return rows

    def write_tsv(self, file: TextIO) -> None:
        """Write ``word<TAB>count<TAB>log_prob`` lines (no header)."""
        for w, c, lp in self.to_rows():
            file.write(f"{w}\t{c}\t{lp!r}\n")

    @classmethod
    def read(cls, path: str | Path) -> Lexicon:
        """Load a lexicon file (see the module docstring for the accepted formats)."""
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise UsageError(f"{path}: no such lexicon file") from None
        except IsADirectoryError:
            raise UsageError(f"{path}: is a directory, not a lexicon file") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw.count(b"\n", 0, e.start) + 1
            raise DataError(f"{path}: line {line}: invalid UTF-8 in lexicon") from None
        return cls.parse(text.splitlines(), name=str(path))

    @classmethod
    def parse(cls, lines, *, name: str = "lexicon") -> Lexicon:
        counts: dict[str, float] = {}
        for no, line in enumerate(lines, start=1):
            if "\t" in line:
                fields = line.rstrip("\r\n").split("\t")
                word = fields[0].strip()
                if " " in word or "\u3000" in word or (word and len(word.split()) != 1):
                    raise DataError(f"{name}: line {no}: word {word!r} contains whitespace")
            else:
                fields = line.split()
                if not fields:
                    continue
                word = fields[0]
            if not word:
                raise DataError(f"{name}: line {no}: empty word")
            if word[0] == "#":
                continue
            if no == 1 and len(fields) > 1 and word == "word" and fields[1].strip() == "count":
                continue  # header written with --header
            if len(fields) == 1:
                c = 1.0
            else:
                try:
                    c = float(fields[1])
                except ValueError:
                    raise DataError(f"{name}: line {no}: count {fields[1]!r} is not a number") from None
                if not math.isfinite(c) or c < 0:
                    raise DataError(f"{name}: line {no}: count {fields[1]!r} must be a finite number >= 0")
            if c > 0:
                counts[word] = counts.get(word, 0.0) + c
        if not counts:
            raise DataError(f"{name}: no words in lexicon")
        return cls(list(counts), np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
