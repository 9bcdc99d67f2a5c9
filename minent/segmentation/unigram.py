"""The line segmenter base class and the unigram lexicon segmenter (Viterbi over Σ ln p(w)).

>>> from minent.segmentation.lexicon_model import Lexicon
>>> seg = UnigramSegmenter(Lexicon(["中国", "人民", "中", "国", "人", "民"], [10, 8, 1, 1, 1, 1]))
>>> seg.segment_line("中国人民，2024年")
'中国 人民 ， 2024 年'
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Iterable, Iterator

import numpy as np

from minent.errors import UsageError
from minent.segmentation.lexicon_model import Lexicon
from minent.segmentation.units import LATIN_UNIT, NUMBER_UNIT, SEGMENT_CUTS, render, units
from minent.text.batching import CutRule, Fragment
from minent.text.chars import from_codepoints, to_codepoints


def line_batches(lines: Iterable[str], batch_chars: int) -> Iterator[str]:
    """Lines (line ends and inner CR/LF made spaces) joined by '\\n' into texts of about
    *batch_chars* characters: what :meth:`LineSegmenter.segment_text` takes."""
    batch: list[str] = []
    size = 0
    for line in lines:
        line = line.rstrip("\r\n").replace("\n", " ").replace("\r", " ")
        batch.append(line)
        size += len(line) + 1
        if size >= batch_chars:
            yield "\n".join(batch)
            batch, size = [], 0
    if batch:
        yield "\n".join(batch)


WARM_UP_TEXT = "他买了三个苹果，1997年3月 abc 第一次"
"""A line that takes every kernel of a segmenter's decoding path (Han, numbers, a classifier,
Latin), decoded once before worker processes fork (:meth:`LineSegmenter.segment_lines`)."""


class LineSegmenter:
    """Line handling shared by the segmenters: subclasses set ``lut`` (code point → char id,
    1 = unknown) and ``pre_split``, and either define ``decode_ids(ids) -> (word starts, score)``
    or override :meth:`decode_units`."""

    lut: np.ndarray
    pre_split: bool = False

    def ids_of(self, ucp: np.ndarray) -> np.ndarray:
        """Character ids of the unit code points *ucp* (-1 = separator → 0), int32."""
        from minent.segmentation.kernels.units import unit_ids

        return unit_ids(ucp, self.lut)

    def decode_units(self, ucp: np.ndarray) -> np.ndarray:
        """Word starts of the units *ucp* (see :func:`units`), through the subclass's ``decode_ids``."""
        return self.decode_ids(self.ids_of(ucp))[0]

    def segment_text(self, text: str) -> str:
        """Segment *text* (one or more lines joined by '\\n'); returns the lines, same count."""
        cps = to_codepoints(text)
        ucp, keep, kinds = units(cps, self.pre_split)
        begin_units = self.decode_units(ucp)
        begin = np.zeros(len(cps), dtype=np.uint8)
        begin[keep] = begin_units
        return render(cps, kinds, begin)

    def prepare(self) -> None:
        """Build now what decoding would build at its first call (lookup tables); nothing here."""

    def segment_line(self, line: str) -> str:
        return self.segment_text(line)

    def cut(self, text: str) -> list[str]:
        """Tokens of *text* (jieba-style ``cut``, but whitespace is not returned)."""
        return self.segment_text(text).split()

    def cut_rule(self) -> CutRule:
        """Where a long line may be cut without changing the output
        (:data:`minent.segmentation.units.SEGMENT_CUTS`)."""
        return SEGMENT_CUTS

    def segment_lines(self, lines: Iterable[str], *, batch_chars: int = 1 << 20, jobs: int = 1) -> Iterator[str]:
        """Segment a stream of lines (without line ends) in batches of about *batch_chars*
        characters; yields one line per line. With ``jobs > 1`` the batches are segmented by
        that many worker processes (:func:`minent.parallel.processes.ordered_map`), in order:
        every line is segmented on its own, so the output is the same for every *jobs*.

        A :class:`~minent.text.batching.Fragment` (a piece of a long line, cut where
        :meth:`cut_rule` allows: ``Corpus.documents(cutter=...)``) is segmented on its own and
        its output yielded at once as a Fragment, which the next item continues (a space between
        two pieces' tokens is part of the later one): the concatenation is the whole line's
        output, and a long line is never held whole."""
        from minent.parallel.processes import ordered_map

        self._warm_up(jobs)
        pieces: deque[bool] = deque()  # for each line read and not yet written: a Fragment?

        def read() -> Iterator[str]:
            for line in lines:
                pieces.append(isinstance(line, Fragment))
                yield line

        outputs = ordered_map(self.segment_text, line_batches(read(), batch_chars), jobs)
        yield from _join_pieces((pieces.popleft(), line) for out in outputs for line in out.split("\n"))

    def _warm_up(self, jobs: int) -> None:
        """With worker processes (*jobs* > 1), build here what they share when forked: the lookup
        tables, and the decoder's compiled kernels (loaded from numba's cache at their first
        call, ~0.1 s a process)."""
        if jobs > 1:
            self.prepare()
            self.segment_text(WARM_UP_TEXT)

    def segment_blocks(self, blocks: Iterable[str], *, jobs: int = 1) -> Iterator[str]:
        """Segment the line blocks of :meth:`minent.io.corpus.Corpus.line_blocks` (whole lines
        joined by '\\n', or a :class:`~minent.text.batching.Fragment`, a piece of a long line):
        yields for each block its output lines as one string, each line ended by '\\n', and for
        a Fragment its output as a Fragment. Written one after the other, they are the output of
        :meth:`segment_lines` for the same lines (with its line rules, and the same for every
        *jobs*), without a string a line on either side."""
        from minent.parallel.processes import ordered_map

        self._warm_up(jobs)
        pieces: deque[bool] = deque()  # for each block read and not yet written: a Fragment?

        def read() -> Iterator[str]:
            for block in blocks:
                pieces.append(isinstance(block, Fragment))
                if "\r" in block:  # (line_batches' rule, line by line)
                    block = "\n".join(line.rstrip("\r").replace("\r", " ") for line in block.split("\n"))
                yield block

        started = False  # as in _join_pieces: the line being written has tokens from a piece
        for out in ordered_map(self.segment_text, read(), jobs):
            if started and out and out[0] != "\n":
                out = " " + out
            if pieces.popleft():
                started = started or bool(out)
                yield Fragment(out)
            else:
                started = False
                yield out + "\n"

    def segment_batches(self, batches: Iterable[list[str]]) -> Iterator[str]:
        """Segment lines that come in batches (``Corpus.batches``), each batch as soon as it
        comes: the output of a batch is complete before the next one is waited for. A
        :class:`~minent.text.batching.Fragment` (``Corpus.batches(cut=self.cut_rule())``) is
        segmented on its own and yielded as a Fragment, as in :meth:`segment_lines`."""

        def outputs() -> Iterator[tuple[bool, str]]:
            for batch in batches:
                lines = [line.rstrip("\r\n").replace("\n", " ").replace("\r", " ") for line in batch]
                out = self.segment_text("\n".join(lines)).split("\n")
                yield from zip((isinstance(doc, Fragment) for doc in batch), out)

        yield from _join_pieces(outputs())


def _join_pieces(outputs: Iterable[tuple[bool, str]]) -> Iterator[str]:
    """The output lines of (is a piece of a long line, its output) pairs: a piece's output as a
    Fragment, with a space in front of each piece's tokens that follow tokens of the same line."""
    started = False  # a piece of the current line has written tokens: the next one needs a space
    for fragment, line in outputs:
        if started and line:
            line = " " + line
        if fragment:
            started = started or bool(line)
            yield Fragment(line)
        else:
            started = False
            yield line


class WordCounts:
    """Word counts of a segmented part of a corpus (:meth:`UnigramSegmenter.count_words`): the
    count of every trie node (lexicon words) and, per length n, the distinct out-of-lexicon
    words as rows of character ids (sorted) with their counts. Counts are integers, so parts
    merge exactly in any order."""

    def __init__(self, node_counts: np.ndarray, new: dict[int, tuple[np.ndarray, np.ndarray]]):
        self.node_counts = node_counts
        self.new = new

    def merge(self, other: WordCounts) -> WordCounts:
        """The counts of both parts (neither is changed)."""
        new = dict(self.new)
        for n, (rows, cnt) in other.new.items():
            if n in new:
                rows, cnt = unique_rows(np.concatenate([new[n][0], rows]), np.concatenate([new[n][1], cnt]))
            new[n] = (rows, cnt)
        return WordCounts(self.node_counts + other.node_counts, new)


def unique_rows(rows: np.ndarray, counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of the (m, n) array of ids ≥ 0 *rows*, in lexicographic order, and how
    often each occurs (or the sum of its *counts*), as ``np.unique(rows, axis=0)`` gives them;
    rows that fit 63 bits are packed into one integer each first (several times faster)."""
    m, n = rows.shape
    bits = max(1, int(rows.max()).bit_length()) if m else 1
    if n * bits > 63:
        uniq, inverse = np.unique(rows, axis=0, return_inverse=True)
    else:
        key = np.zeros(m, dtype=np.int64)
        for j in range(n):
            key = (key << bits) | rows[:, j].astype(np.int64)
        keys, inverse = np.unique(key, return_inverse=True)
        uniq = np.empty((len(keys), n), dtype=rows.dtype)
        for j in range(n - 1, -1, -1):
            uniq[:, j] = keys & ((1 << bits) - 1)
            keys = keys >> bits
    inverse = inverse.ravel()
    if counts is None:
        return uniq, np.bincount(inverse, minlength=len(uniq)).astype(np.int64)
    total = np.zeros(len(uniq), dtype=np.int64)
    np.add.at(total, inverse, counts)
    return uniq, total


class UnigramSegmenter(LineSegmenter):
    """Best segmentation under a unigram word model: maximise Σ ln p(w) (Viterbi, numba).

    Parameters
    ----------
    lexicon : words and counts; p(w) = count / Σ count.
    pre_split : decode only Han runs (numbers, Latin runs are tokens of their own); False (default)
        lets a number or a Latin run head lexicon words as one unit (1997年, see :func:`units`).
    oov_max : out-of-lexicon spans of 2..oov_max characters may be words (0 disables). Default 2:
        most unseen words are two characters long, and longer spans start to glue phrases.
    oov_penalty : cost in nats of such a span on top of Σ ln q(c), q = frequency of the character
        inside words. A character that is seldom a word on its own (bound: 们, 镜) has
        q(c) ≫ p(c as a word), so a span of bound characters wins against single characters;
        free characters (的, 是) do not. Default 2 (chosen on pku_dev, flat between 1.5 and 2.5).
    unk_penalty : an unknown character scores ln(1 / Σ count) − unk_penalty.

    Decoding speed: one hash probe per character and candidate length, a few million
    characters per second per core.
    """

    def __init__(self, lexicon: Lexicon, *, pre_split: bool = False, oov_max: int = 2,
                 oov_penalty: float = 2.0, unk_penalty: float = 1.0):
        from minent.segmentation.kernels.viterbi import build_trie, node_scores

        if not math.isfinite(oov_penalty):  # nan would silently decide every comparison
            raise UsageError(f"`oov_penalty` must be a finite number, got {oov_penalty}")
        self.lexicon = lexicon
        self.pre_split = pre_split
        self.oov_max = int(oov_max)
        self.oov_penalty = float(oov_penalty)
        word_cps = to_codepoints("".join(lexicon.words))
        # the number and Latin units always get ids of their own (see below)
        # (the distinct code points in order, as np.unique gives them, by marking them in a table
        # of every code point: a sort of a lexicon's ~2M characters costs 5x more)
        self.lut = np.zeros(0x110000, dtype=np.int32)
        self.lut[word_cps] = 1
        self.lut[to_codepoints(NUMBER_UNIT + LATIN_UNIT)] = 1
        chars = np.flatnonzero(self.lut).astype(np.int32)
        self.lut.fill(1)  # UNK = 1
        self.lut[chars] = np.arange(2, 2 + len(chars), dtype=np.int32)
        self.codepoints = np.concatenate([[-1, -1], chars]).astype(np.int64)  # of every id
        logp = lexicon.log_probs()
        lens = np.fromiter(map(len, lexicon.words), dtype=np.int64, count=len(lexicon))
        offsets = np.zeros(len(lens) + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        self.trie, self.depth = build_trie(self.lut[word_cps], offsets, logp)
        self.node_score = node_scores(self.trie)  # (of every node; -inf for prefixes)
        total = max(lexicon.total, 1.0)
        self.unk_score = -math.log(total) - unk_penalty
        self.char_score = np.full(len(chars) + 2, self.unk_score, dtype=np.float64)
        single = lens == 1
        if single.any():
            ids = self.lut[word_cps[offsets[:-1][single]]]  # (the character of each one-character word)
            self.char_score[ids] = logp[single]
        # frequency of each character inside words (ln), for out-of-lexicon spans
        occ = np.bincount(self.lut[word_cps], weights=np.repeat(lexicon.counts, lens), minlength=len(chars) + 2)
        with np.errstate(divide="ignore"):
            self.span_score = np.where(occ > 0, np.log(occ / max(occ.sum(), 1.0)), self.unk_score)
        # without pre-split, a number or a Latin run joins a word only through lexicon words (0年,
        # a股), never in an unseen span: a lexicon learned with pre-split keeps them apart
        self.span_score[self.lut[to_codepoints(NUMBER_UNIT + LATIN_UNIT)]] = -np.inf

    def recount(self, ids: np.ndarray, begin: np.ndarray) -> Lexicon:
        """The lexicon re-estimated from a segmentation (one hard-EM step): the words that
        *begin* (uint8 word starts) cuts *ids* (this model's character ids, 0 between pieces)
        into, counted. Lexicon words not used are dropped; words outside the lexicon (unseen
        spans, unknown characters) become entries."""
        return self.lexicon_of_counts(self.count_words(ids, begin))

    def count_words(self, ids: np.ndarray, begin: np.ndarray, word_node: np.ndarray | None = None) -> WordCounts:
        """The counts of :meth:`recount` of one part of a corpus (pieces whole); the counts of
        the parts merge with :meth:`WordCounts.merge` into those of the whole. *word_node*: the
        trie node of each word when the decoder gave them (:meth:`decode_words`)."""
        from minent.segmentation.kernels.viterbi import tally_words

        # (the words the decoder made outside the lexicon come back as starts and lengths: a
        # prefix node is not a word)
        node_counts, starts, lengths = tally_words(ids, begin, self.trie,
                                                   np.zeros(0, np.int64) if word_node is None else word_node)
        new = {}
        for n in np.unique(lengths).tolist():
            st = starts[lengths == n]
            new[n] = unique_rows(ids[st[:, None] + np.arange(n)])
        return WordCounts(node_counts, new)

    def lexicon_of_counts(self, counts: WordCounts) -> Lexicon:
        """The lexicon of the word counts of a whole corpus (:meth:`count_words`)."""
        from minent.segmentation.kernels.viterbi import word_nodes

        lexicon = self.lexicon
        lens = np.fromiter(map(len, lexicon.words), dtype=np.int64, count=len(lexicon))
        offsets = np.zeros(len(lens) + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        word_node = word_nodes(self.lut[to_codepoints("".join(lexicon.words))], offsets, self.trie)
        node_counts = counts.node_counts.astype(np.float64)
        words = list(lexicon.words)
        all_counts = [node_counts[word_node]]
        for n in sorted(counts.new):
            rows, cnt = counts.new[n]
            text = from_codepoints(self.codepoints[rows.ravel()])
            words += [text[i:i + n] for i in range(0, len(text), n)]
            all_counts.append(cnt.astype(np.float64))
        all_counts = np.concatenate(all_counts)
        keep = all_counts > 0
        return Lexicon(list(itertools.compress(words, keep.tolist())), all_counts[keep])

    def decode_words(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Word starts of :meth:`decode_ids` and the trie node of each word (for :meth:`count_words`)."""
        from minent.segmentation.kernels.viterbi import viterbi_segment_words

        begin, _, word_node = viterbi_segment_words(ids, self.trie, self.depth, self.unk_score, self.char_score,
                                                    self.span_score, self.oov_max, -self.oov_penalty)
        return begin, word_node

    def decode_ids(self, ids: np.ndarray) -> tuple[np.ndarray, float]:
        """Word starts (uint8) and total log-probability of the pieces in *ids*."""
        from minent.segmentation.kernels.viterbi import viterbi_segment

        return viterbi_segment(ids, self.trie, self.depth, self.unk_score,
                               self.char_score, self.span_score, self.oov_max, -self.oov_penalty)


