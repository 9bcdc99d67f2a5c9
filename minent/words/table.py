"""Word counts as arrays of code points: what ``minent count`` moves, merges and sorts.

A :class:`WordTable` of ``n`` distinct words is three arrays: ``cps`` (int32 code points of
every word, concatenated), ``ends`` (int64, word ``i`` is ``cps[ends[i-1]:ends[i]]``) and
``counts`` (int64). It pickles as three raw buffers (a dict of 1.5 million strings pickles as
1.5 million objects, and unpickling rebuilds them all). Words are compared as Python compares
strings (code point by code point): a table sorted by word (each ``minent count`` worker sorts
its own) merges with another in linear time, and a stable sort by count then gives the rows'
order, (count descending, word). Python strings are made once, for the rows kept
(:meth:`WordTable.rows`).

>>> t = WordTable.from_items([("北京", 2), ("我", 5)])
>>> WordTable.merge([t, t]).ordered().rows()
[('我', 10), ('北京', 4)]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

import numpy as np

from minent.text.chars import from_codepoints, to_codepoints

# White_Space has no character outside the Basic Multilingual Plane (tests/test_wordtable.py
# checks it against str.isspace): a table of the BMP says what str.strip() removes.
_BMP = 0x10000


@lru_cache(maxsize=1)
def _space_table() -> np.ndarray:
    return np.array([chr(c).isspace() for c in range(_BMP)], dtype=np.bool_)


class WordTable:
    """Distinct words and their counts, as arrays (see the module docstring)."""

    __slots__ = ("cps", "ends", "counts", "by_word")

    def __init__(self, cps: np.ndarray | None = None, ends: np.ndarray | None = None,
                 counts: np.ndarray | None = None, *, by_word: bool = False):
        self.cps = np.zeros(0, np.int32) if cps is None else np.ascontiguousarray(cps, dtype=np.int32)
        self.ends = np.zeros(0, np.int64) if ends is None else np.ascontiguousarray(ends, dtype=np.int64)
        self.counts = np.zeros(0, np.int64) if counts is None else np.ascontiguousarray(counts, dtype=np.int64)
        #: the words are in increasing order (as Python orders strings): see sorted_by_word
        self.by_word = by_word or not self.ends.size

    def __getstate__(self):
        return self.cps, self.ends, self.counts, self.by_word

    def __setstate__(self, state) -> None:
        self.cps, self.ends, self.counts, self.by_word = state

    @classmethod
    def from_items(cls, items: Iterable[tuple[str, int]]) -> "WordTable":
        """The table of ``(word, count)`` pairs (words distinct), in their order."""
        items = items if isinstance(items, Sequence) else list(items)
        words = [w for w, _ in items]
        ends = np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=len(words)))
        counts = np.fromiter((c for _, c in items), dtype=np.int64, count=len(items))
        # a writable copy: the kernels are compiled (and cached) for writable arrays, as the
        # tokenizer's tables and unpickled tables are; a read-only buffer would compile them again
        return cls(to_codepoints("".join(words)).copy(), ends, counts)

    def __len__(self) -> int:
        return int(self.ends.size)

    def __eq__(self, other) -> bool:
        """Same words with the same counts in the same order."""
        if not isinstance(other, WordTable):
            return NotImplemented
        return all(np.array_equal(a, b) for a, b in zip(self.__getstate__()[:3], other.__getstate__()[:3]))

    def __repr__(self) -> str:
        return f"WordTable({len(self)} words, {self.total()} tokens)"

    def total(self) -> int:
        """The sum of the counts."""
        return int(self.counts.sum())

    def words(self) -> list[str]:
        """The words, as Python strings (made here, one per word)."""
        joined = from_codepoints(self.cps)
        starts = [0, *self.ends.tolist()]
        return [joined[a:b] for a, b in zip(starts, starts[1:])]

    def rows(self) -> list[tuple[str, int]]:
        """``(word, count)`` of every word, in the table's order."""
        return list(zip(self.words(), self.counts.tolist()))

    def tsv_chunks(self, rows: int = 1 << 16) -> Iterator[str]:
        """The lines ``word<TAB>count`` of the table, *rows* lines per chunk of text: what
        ``minent.io.tables.write_table(self.rows(), ..., "tsv", ...)`` writes, without a Python
        string or tuple per row."""
        from minent.words.kernels.wordcount import tsv_lines

        for lo in range(0, len(self), rows):
            yield from_codepoints(tsv_lines(self.cps, self.ends, self.counts, lo, min(lo + rows, len(self))))

    def take(self, idx: np.ndarray) -> "WordTable":
        """The words ``idx``, in that order."""
        from minent.words.kernels.wordcount import take_words

        idx = np.ascontiguousarray(idx, dtype=np.int64)
        cps, ends = take_words(self.cps, self.ends, idx)
        return WordTable(cps, ends, self.counts[idx])

    def kept(self, min_length: int = 1, drop_punct: bool = False) -> "WordTable":
        """The words of at least *min_length* characters that are not only whitespace (and,
        with *drop_punct*, hold a word character: ``minent.text.chars.has_word_char``)."""
        from minent.words.kernels.wordcount import blank_or_short

        drop = blank_or_short(self.cps, self.ends, _space_table(), min_length)
        if drop_punct:
            from minent.text.chars import has_word_char

            rest = np.flatnonzero(~drop)
            words = self.take(rest).words()
            drop[rest] = [not has_word_char(w) for w in words]
        if not drop.any():
            return self
        kept = self.take(np.flatnonzero(~drop))
        kept.by_word = self.by_word  # a subset in the same order
        return kept

    def sorted_by_word(self) -> "WordTable":
        """The same table, words in increasing order (as Python orders strings)."""
        from minent.words.kernels.wordcount import prefix_keys, refine_ties

        if self.by_word:
            return self
        keys = prefix_keys(self.cps, self.ends)
        order = np.argsort(keys).astype(np.int64)  # by the first three characters...
        refine_ties(self.cps, self.ends, keys, order)  # ...and by the rest where they tie
        table = self.take(order)
        table.by_word = True
        return table

    def ordered(self, min_count: int = 1, top: int | None = None) -> "WordTable":
        """The words seen at least *min_count* times, by count (descending) then word, the
        first *top* of them: ``sorted(..., key=lambda wc: (-wc[1], wc[0]))[:top]``."""
        table = self.sorted_by_word()
        order = np.flatnonzero(table.counts >= min_count)
        order = order[np.argsort(-table.counts[order], kind="stable")]  # stable: words stay in order
        return table.take(order if top is None else order[:top])

    @classmethod
    def merge(cls, tables: Iterable["WordTable"]) -> "WordTable":
        """One table with the summed counts of *tables*, sorted by word.

        Tables sorted by word (as ``minent count`` workers send them) merge in linear time,
        pairwise; others are sorted first."""
        from minent.words.kernels.wordcount import merge_sorted

        level = [t.sorted_by_word() for t in tables if len(t)]
        if not level:
            return cls()
        while len(level) > 1:  # a tree of pairwise merges: every word is copied log2(k) times
            merged = [cls(*merge_sorted(a.cps, a.ends, a.counts, b.cps, b.ends, b.counts), by_word=True)
                      for a, b in zip(level[0::2], level[1::2])]
            level = merged + level[len(level) - len(level) % 2:]
        return level[0]
