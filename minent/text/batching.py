"""Grouping a stream of documents into batches of bounded size (one rule for every command)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where a long line needs it: `minent --help` stays light
    import numpy as np


def batched(texts: Iterable[str], max_chars: int) -> Iterator[list[str]]:
    """Group *texts* into lists of about *max_chars* characters each (at least one text).

    A text counts its length plus one, for the separator (a newline) that joins a batch, so a
    batch of many short lines is not underestimated.

    >>> list(batched(["ab", "c", "def"], 4))
    [['ab', 'c'], ['def']]
    """
    batch: list[str] = []
    size = 0
    for text in texts:
        batch.append(text)
        size += len(text) + 1
        if size >= max_chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


# -- long lines -----------------------------------------------------------------------------------
#
# A batch bounds memory only if its documents do: a line longer than a batch is cut into pieces
# (:class:`Fragment`) at places where the consumer's result cannot change (a :class:`CutRule`),
# so that a 100 MB line costs no more than a batch.


class Fragment(str):
    """A piece of a long line that does not end it: the next document continues the same line.

    Readers that care about lines (``minent tokenize`` writes one output line per input line)
    join a fragment to what follows; readers that only count (``count``, ``newwords``) treat it
    as text like any other.
    """

    __slots__ = ()

    def __reduce__(self):  # pickles (to worker processes) as a Fragment, not as a plain str
        return (Fragment, (str(self),))


class CutRule:
    """Where a line may be cut without changing a result.

    *tables* (a function, called the first time a line is long: most runs never need it) gives
    a class for every code point (a uint8 array of length 0x110000) and a square boolean matrix:
    cutting between characters ``a`` and ``b`` is allowed when ``allowed[cls[a], cls[b]]``.

    >>> import numpy as np
    >>> comma = np.array([c == ord(",") for c in range(0x110000)], dtype=np.uint8)
    >>> rule = CutRule(lambda: (comma, np.array([[False, True], [True, True]])))
    >>> rule.last_cut("ab,cd,ef", 6)
    6
    >>> rule.last_cut("abcdef", 6)
    0
    """

    def __init__(self, tables: Callable[[], tuple[np.ndarray, np.ndarray]], name: str = ""):
        self._tables = tables
        self._classes: np.ndarray | None = None
        self._allowed: np.ndarray | None = None
        self.name = name

    def __reduce__(self):
        raise TypeError("a CutRule is built where it is used, not sent to another process")

    def last_cut(self, text: str, limit: int) -> int:
        """The largest ``c`` with ``0 < c <= limit`` and ``c < len(text)`` where *text* may be
        cut (``text[:c]``, ``text[c:]``), or 0 when there is none."""
        import numpy as np

        from minent.text.chars import to_codepoints

        if self._classes is None:
            self._classes, self._allowed = self._tables()
        cls = self._classes[to_codepoints(text[: min(limit, len(text) - 1) + 1])]
        if len(cls) < 2:
            return 0
        where = np.flatnonzero(self._allowed[cls[:-1], cls[1:]])
        return int(where[-1]) + 1 if len(where) else 0


def _piece_tables() -> tuple[np.ndarray, np.ndarray]:
    # class 0: a word character, 1: any other; a cut must not fall between two word characters
    import numpy as np

    from minent.text.chars import OTHER, char_class_table

    return (char_class_table() == OTHER).astype(np.uint8), np.array([[False, True], [True, True]])


#: Cut next to a character that is not a word character: the pieces of the text (and so every
#: n-gram statistic, docs/algorithms.md §0) stay the same.
PIECE_CUTS = CutRule(_piece_tables, "a cut must be next to a character outside the pieces")


class LineCutter:
    """Cut lines longer than *max_chars* characters into pieces of at most *max_chars*.

    Each cut is the last place within the bound that *rule* allows, so the pieces give the
    result of the whole line. A stretch of *max_chars* characters with no such place (e.g. 100
    MB of Han characters without punctuation) is cut at the bound itself: memory stays bounded,
    and the result may differ from the whole line's only around those cuts; :attr:`forced`
    counts them (the first is logged as a warning on the ``minent`` logger).
    """

    def __init__(self, max_chars: int, rule: CutRule):
        if max_chars < 2:
            raise ValueError("`max_chars` must be at least 2")
        self.max_chars = max_chars
        self.rule = rule
        self.forced = 0

    def cut(self, text: str, where: Callable[[], str] | None = None) -> tuple[list[Fragment], str]:
        """Cut the start of an unfinished line: (fragments, the rest), the rest no longer than
        *max_chars* (unless the line still has fewer characters than that).

        *where* names the line for the warning (``"big.txt: line 3"``); it is called only if
        the warning is given, so a reader may pass something that costs a little to find out."""
        parts: list[Fragment] = []
        start = 0
        while len(text) - start > self.max_chars:
            window = text[start:start + self.max_chars + 1]
            c = self.rule.last_cut(window, self.max_chars)
            if c == 0:
                c = self.max_chars
                self.forced += 1
                if self.forced == 1:
                    self._warn(where() if where is not None else "a line")
            parts.append(Fragment(window[:c]))
            start += c
        return parts, text[start:] if start else text

    def _warn(self, line: str) -> None:
        logging.getLogger("minent").warning(
            f"warning: {line}: {self.max_chars:,} characters in a row with no place to cut the line "
            f"without changing the result ({self.rule.name}); such a line is cut every "
            f"{self.max_chars:,} characters anyway, so that memory stays bounded (the result may "
            "differ from the whole line's around those cuts)")

    def may_hold_long_line(self, text: str) -> bool:
        """False when no line of *text* (lines end with ``\\n``) is longer than *max_chars*: a
        few ``str.find`` calls, one per half bound (a longer line holds a whole aligned window
        of half the bound without a newline)."""
        if len(text) <= self.max_chars:
            return False
        width = (self.max_chars + 1) // 2
        for start in range(0, len(text) - width + 1, width):
            if text.find("\n", start, start + width) < 0:
                return True
        return False

    def split(self, text: str, where: Callable[[int], str] | None = None) -> list[str]:
        """*text* (whole lines, the last maybe without its ``\\n``) as a list of texts of whole
        lines and :class:`Fragment` pieces of the lines longer than *max_chars*, in order.

        ``where(i)`` names the line ``i`` lines into *text* (from 0) for the warning (see
        :meth:`cut`)."""
        if not self.may_hold_long_line(text):
            return [text]
        out: list[str] = []
        run: list[str] = []
        for i, line in enumerate(_lines_keepends(text)):
            end = "\n" if line.endswith("\n") else ""
            if len(line) - len(end) <= self.max_chars:
                run.append(line)
                continue
            if run:
                out.append("".join(run))
                run = []
            fragments, rest = self.cut(line[:len(line) - len(end)], None if where is None else lambda i=i: where(i))
            out.extend(fragments)
            run.append(rest + end)
        if run:
            out.append("".join(run))
        return out


def _lines_keepends(text: str) -> list[str]:
    """*text* split after each ``\\n`` only (``str.splitlines`` also splits at CR and others)."""
    lines = text.split("\n")
    last = lines.pop()
    out = [line + "\n" for line in lines]
    if last:
        out.append(last)
    return out
