"""Exact n-gram counts over a corpus: :class:`NgramTable` (docs/algorithms.md §0, §2).

All n-grams of length 1..``order`` inside pieces (maximal runs of CJK / Latin / digit
characters) are counted exactly. Counting is streaming: the corpus is encoded chunk by chunk into character ids,
each chunk is counted by sorting packed uint64 keys (``minent.words.kernels.ngrams``), and chunk tables
are merged (a binary-counter stack of sorted tables, so each count is merged O(log chunks)
times). Memory holds the tables, never the whole text.

``min_count`` pruning happens once, *after* all chunks are merged, so every count kept is exact
(pruning chunk tables before merging would undercount n-grams spread thinly over chunks).
(Branching entropies of new-word candidates are computed by :mod:`minent.words.newwords`, from
the corpus itself, for words of any length.)

Counts are identical for any ``jobs``: chunks are encoded in order in the calling thread
(character ids depend only on the input), counted in worker threads, and integer tables merge
the same way whatever the order.

>>> t = NgramTable.build(["天龙八部，天龙"], order=3)
>>> t.count("天龙"), t.count("龙八部"), t.count("部天"), t.total
(2, 1, 0, 6)
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from minent.errors import DataError
from minent.parallel.chunks import map_chunks
from minent.text.batching import PIECE_CUTS

log = logging.getLogger("minent")

FORMAT_VERSION = 2  # 1 could also hold neighbour entropies
DEFAULT_CHUNK_CHARS = 2_000_000


def _kernels():
    # Imported lazily so that importing minent.words.ngrams (e.g. from the CLI) does not load numba.
    from minent.words.kernels import ngrams as kernels

    return kernels


def count_chunk(ids: np.ndarray, order: int, bits: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Sorted unique keys and counts of the n-grams of length 1..*order* of one id chunk.

    Returns one ``(keys (m, W) uint64, counts int64)`` pair per length. Runs without the GIL
    for the heavy parts (numba kernels and numpy sorting), so chunks can be counted in threads.
    """
    K = _kernels()
    levels = []
    # Unigrams: a bincount is faster than sorting.
    hist = np.bincount(ids, minlength=2) if len(ids) else np.zeros(2, dtype=np.int64)
    hist[0] = 0
    present = np.flatnonzero(hist).astype(np.uint64)
    levels.append((present.reshape(-1, 1), hist[present.astype(np.int64)].astype(np.int64)))
    for k in range(2, order + 1):
        keys = K.gram_keys(ids, k, bits, K.words_for(k, bits))
        levels.append(K.unique_counts(K.sort_rows_in_place(keys)))
    return levels


def _repack(levels, old_bits: int, new_bits: int):
    """Re-pack a chunk table's keys from *old_bits* to *new_bits* per id (order is preserved)."""
    if old_bits == new_bits:
        return levels
    K = _kernels()
    out = []
    for k, (keys, counts) in enumerate(levels, start=1):
        grams = K.unpack_keys(keys, k, old_bits)
        out.append((K.pack_ids(grams, new_bits, K.words_for(k, new_bits)), counts))
    return out


def _merge(a, b):
    """Merge two chunk tables ``(bits, levels, size)``."""
    K = _kernels()
    bits = max(a[0], b[0])
    la = _repack(a[1], a[0], bits)
    lb = _repack(b[1], b[0], bits)
    levels = [K.merge(ka, ca, kb, cb) for (ka, ca), (kb, cb) in zip(la, lb)]
    return bits, levels, sum(len(c) for _, c in levels)


def _empty_levels(order: int, bits: int):
    K = _kernels()
    return [(np.zeros((0, K.words_for(k, bits)), np.uint64), np.zeros(0, np.int64)) for k in range(1, order + 1)]


def count_stream(chunks, bits_now: Callable[[], int], fn: Callable, jobs: int, on_extra=None):
    """Count every chunk with ``fn(ids, bits)`` (in threads when jobs > 1) and merge the tables.

    *fn* returns the chunk's levels, or ``(levels, extra)`` with *extra* handed to *on_extra*.
    Returns ``(bits, levels, size)`` or None when there was no chunk.
    """
    merger = _Merger()

    def push(bits, out):
        if on_extra is not None:
            out, extra = out
            on_extra(extra)
        merger.push(bits, out)

    if hasattr(chunks, "map_chunks"):
        # Chunks held by other processes (minent.parallel.dask.RemoteChunks): fn runs where they
        # are, and the per-chunk tables come back in chunk order. Their vocabulary is complete.
        # The tables are summed where they are computed (tree-wise) and one comes back.
        bits = bits_now()
        combine = functools.partial(_merge_outputs, bits=bits, extra=on_extra is not None)
        for out in map_chunks(lambda ids: fn(ids, bits), chunks, jobs, reduce=combine):
            push(bits, out)
    else:
        # The vocabulary only grows, so bits taken when a chunk is drawn are enough for it.
        with_bits = ((ids, bits_now()) for ids in chunks)
        for bits, out in map_chunks(lambda chunk: (chunk[1], fn(*chunk)), with_bits, jobs):
            push(bits, out)
    return merger.result()


def _merge_outputs(a, b, *, bits: int, extra: bool):
    """Sum of two outputs of a `count_stream` function: levels, or (levels, a number to add)."""
    if extra:
        return _merge((bits, a[0], 0), (bits, b[0], 0))[1], a[1] + b[1]
    return _merge((bits, a, 0), (bits, b, 0))[1]


class _Merger:
    """Binary-counter stack of sorted chunk tables: merge while the top is not smaller."""

    def __init__(self):
        self.stack: list = []

    def push(self, bits: int, levels) -> None:
        item = (bits, levels, sum(len(c) for _, c in levels))
        while self.stack and self.stack[-1][2] <= item[2]:
            item = _merge(self.stack.pop(), item)
        self.stack.append(item)

    def result(self):
        if not self.stack:
            return None
        item = self.stack.pop()
        while self.stack:
            item = _merge(self.stack.pop(), item)
        return item


def iter_id_chunks(texts, vocab, *, chunk_chars: int = DEFAULT_CHUNK_CHARS, progress=None) -> Iterator[np.ndarray]:
    """Encode *texts* (a ``Corpus`` or an iterable of strings) into id chunks of ~*chunk_chars*.

    Each chunk is ``vocab.encode(batch)`` (pieces each followed by SEP), so chunk boundaries
    fall between documents and never split a piece.
    """
    if hasattr(texts, "text_blocks"):  # a long line comes in pieces: cut between pieces (§0)
        for block in texts.text_blocks(max_chars=chunk_chars, progress=progress, cut=PIECE_CUTS):
            ids = vocab.encode_block(block)
            if len(ids):
                yield ids
        return
    batch: list[str] = []
    size = 0
    for text in texts:
        batch.append(text)
        size += len(text)
        if size >= chunk_chars:
            ids = vocab.encode(batch)
            if len(ids):
                yield ids
            batch, size = [], 0
    if batch:
        ids = vocab.encode(batch)
        if len(ids):
            yield ids


class NgramTable:
    """Exact counts of all character n-grams of length 1..``order`` inside pieces.

    Attributes
    ----------
    vocab : CharVocab
        The character ids used by the keys (id 0 = piece separator, 1 = unknown).
    order : int
        Longest n-gram length counted.
    total : int
        T, the number of characters counted (sum of unigram counts before pruning). Corpus
        probabilities are ``count / total``; every length uses the same T (docs/algorithms.md §2.2).
    totals : list[int]
        ``totals[k - 1]`` = number of k-gram occurrences counted (before pruning); e.g.
        ``totals[1]`` is T₂, the number of adjacent character pairs inside pieces.
    min_count : int
        N-grams seen fewer times were dropped (after merging, so kept counts are exact).
    bits : int
        Bits per character id in the packed keys.

    Lookups: ``table.count("酒店")`` (0 when absent), ``table["酒店"]``, ``"酒店" in table``,
    vectorised ``table.counts_of(id_rows)``.
    Iteration: ``for gram, n in table.items(2)``; ``table.grams(k) -> (ids (m, k) int32,
    counts int64)``; ``table.char_counts()`` (count per char id). Persistence: ``save(path)``
    / ``NgramTable.load(path)`` in a ``.npz`` file (no pickle).
    """

    def __init__(self, vocab, order: int, total: int, bits: int, keys: list, counts: list,
                 min_count: int = 1, totals: list[int] | None = None):
        self.vocab = vocab
        self.order = int(order)
        self.total = int(total)
        self.bits = int(bits)
        self._keys = keys
        self._counts = counts
        self.min_count = int(min_count)
        self.totals = [int(x) for x in totals] if totals is not None else [self.total]

    # ---- building -----------------------------------------------------------------------

    @classmethod
    def build(cls, texts, *, order: int = 4, min_count: int = 1, vocab=None, jobs: int = 1, chunk_chars: int = DEFAULT_CHUNK_CHARS,
              progress: Callable[[int], None] | None = None) -> NgramTable:
        """Count the n-grams of *texts*: a ``minent.io.corpus.Corpus`` or an iterable of strings.

        Parameters
        ----------
        order : longest n-gram counted (default 4: the new-word methods' default, docs/algorithms.md
            §2.2). Any order >= 1 works; keys use more words per n-gram past 64 bits.
        min_count : drop n-grams seen fewer times, once all chunks are merged (exact).
        vocab : a ``CharVocab`` to extend (default: a new one).
        jobs : worker threads counting chunks (the result is the same for any value).
        chunk_chars : characters per chunk (memory per chunk ~ 40 bytes × chunk_chars).
        progress : called with on-disk bytes consumed (Corpus inputs only).
        """
        if vocab is None:
            from minent.text.vocab import CharVocab

            vocab = CharVocab()
        chunks = iter_id_chunks(texts, vocab, chunk_chars=chunk_chars, progress=progress)
        return cls.from_id_chunks(chunks, vocab, order=order, min_count=min_count, jobs=jobs)

    @classmethod
    def from_id_chunks(cls, chunks: Iterable[np.ndarray], vocab, *, order: int = 4,
                       min_count: int | Callable[[int], int] = 1, jobs: int = 1) -> NgramTable:
        """Count n-grams over already encoded id chunks (each as produced by ``vocab.encode``).

        *min_count* may be a function of the total number of characters T, called once the
        characters are counted (so a default can scale with the corpus size).

        When *chunks* can be iterated more than once (a list, or a spill file object) and
        ``min_count > 1``, counting is level-wise (Apriori): one pass counts 1- and 2-grams, then
        each pass k counts only the k-grams whose two (k−1)-sub-grams reached ``min_count``.
        Every n-gram seen ``min_count`` times or more is still counted exactly (all its
        sub-grams are at least as frequent), but the tables never hold the long tail of rare
        3- and 4-grams, which dominates time and memory on large corpora. With a one-shot
        iterator everything is counted in one pass and pruned after the final merge.
        """
        if order < 1:
            raise ValueError("order must be >= 1")
        K = _kernels()
        count_order = order
        jobs = max(1, int(jobs or 1))
        reiterable = iter(chunks) is not chunks
        levelwise = reiterable and (callable(min_count) or min_count > 1) and count_order > 2
        first = min(2, count_order) if levelwise else count_order

        def first_pass(ids, bits):
            return count_chunk(ids, first, bits)

        merged = count_stream(chunks, lambda: K.bits_for(len(vocab)), first_pass, jobs)
        bits = K.bits_for(len(vocab))
        levels = _repack(merged[1], merged[0], bits) if merged else _empty_levels(first, bits)
        totals = [int(c.sum()) for _, c in levels]
        total = totals[0]
        if callable(min_count):
            min_count = int(min_count(total))
        min_count = max(1, int(min_count))
        if levelwise:
            for k in range(3, count_order + 1):
                prev_keys, prev_counts = levels[k - 2]
                frequent = np.ascontiguousarray(prev_keys[prev_counts >= min_count])
                width = K.words_for(k, bits)
                if width == 1:  # k-grams (and so (k-1)-grams) are one-word keys: the fused kernel
                    if (k - 1) * bits <= K.EXACT_BITMAP_MAX_BITS:
                        table = np.zeros(0, dtype=np.uint64)
                        bitmap = K.exact_bitmap(frequent.reshape(-1), (k - 1) * bits)
                    else:
                        table, bitmap = K.key_set(frequent.reshape(-1)), np.zeros(0, dtype=np.uint64)
                    slots = None
                else:
                    table, slots, bitmap = None, K.build_row_index(frequent), None
                n_windows = [0]

                def level_pass(ids, _bits, k=k, frequent=frequent, slots=slots, table=table, width=width,
                               bitmap=bitmap):
                    if table is not None:
                        keys, windows = K.level_keys_1d(ids, k, bits, table, bitmap)
                        keys.sort()
                        return [K.unique_counts(keys.reshape(-1, 1))], windows
                    flags = K.window_flags(ids, k - 1, bits, frequent, slots)
                    keys = K.masked_gram_keys(ids, k, bits, width, flags)
                    return [K.unique_counts(K.sort_rows_in_place(keys))], K.count_windows(ids, k)

                def push_total(extra, n_windows=n_windows):
                    n_windows[0] += extra

                res = count_stream(chunks, lambda: bits, level_pass, jobs, on_extra=push_total)
                levels.append(res[1][0] if res else _empty_levels(k, bits)[k - 1])
                totals.append(n_windows[0])
        keys, counts = [], []
        for k in range(1, order + 1):
            kk, cc = levels[k - 1]
            if min_count > 1:
                keep = cc >= min_count
                kk, cc = np.ascontiguousarray(kk[keep]), cc[keep]
            keys.append(kk)
            counts.append(cc)
            levels[k - 1] = None  # free the unpruned table early
        return cls(vocab, order, total, bits, keys, counts, min_count, totals[:order])

    # ---- lookups ------------------------------------------------------------------------

    def __len__(self) -> int:
        return sum(len(c) for c in self._counts)

    def __repr__(self) -> str:
        sizes = ", ".join(str(len(c)) for c in self._counts)
        return f"NgramTable(order={self.order}, total={self.total}, min_count={self.min_count}, sizes=[{sizes}])"

    def _ids(self, gram: str) -> np.ndarray | None:
        ids = np.array([self.vocab.id(ch) for ch in gram], dtype=np.int32)
        if len(ids) == 0 or (ids <= 1).any():
            return None
        return ids

    def index(self, gram: str) -> int:
        """Row of *gram* in its length's table, or -1 when it was not counted (or pruned)."""
        k = len(gram)
        if k > self.order:
            raise ValueError(f"n-gram {gram!r} is longer than the table's order {self.order}")
        ids = self._ids(gram)
        if ids is None:
            return -1
        return int(self.index_of(ids.reshape(1, -1))[0])

    def count(self, gram: str) -> int:
        """Number of occurrences of *gram* inside pieces (0 when absent or pruned)."""
        i = self.index(gram)
        return int(self._counts[len(gram) - 1][i]) if i >= 0 else 0

    __getitem__ = count

    def __contains__(self, gram: object) -> bool:
        return isinstance(gram, str) and 0 < len(gram) <= self.order and self.index(gram) >= 0

    def index_of(self, grams: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`index`: rows of the (m, k) int32 id array *grams* (-1 if absent)."""
        K = _kernels()
        grams = np.ascontiguousarray(grams, dtype=np.int32)
        k = grams.shape[1]
        if not 1 <= k <= self.order:
            raise ValueError(f"n-gram length {k} outside 1..{self.order}")
        out = np.full(len(grams), -1, dtype=np.int64)
        # Ids that do not fit the key width cannot be in the table.
        ok = (grams > 1).all(axis=1) & (grams < (1 << self.bits)).all(axis=1)
        if ok.any():
            q = K.pack_ids(grams[ok], self.bits, K.words_for(k, self.bits))
            out[ok] = K.lookup(self._keys[k - 1], q)
        return out

    def counts_of(self, grams: np.ndarray) -> np.ndarray:
        """Counts (int64) of the rows of the (m, k) int32 id array *grams* (0 when absent)."""
        grams = np.asarray(grams)
        idx = self.index_of(grams)
        out = np.zeros(len(idx), dtype=np.int64)
        hit = idx >= 0
        out[hit] = self._counts[grams.shape[1] - 1][idx[hit]]
        return out

    def char_counts(self) -> np.ndarray:
        """Count of every character id (index = id, length ``len(vocab)``; SEP/UNK are 0)."""
        out = np.zeros(len(self.vocab), dtype=np.int64)
        keys, counts = self._keys[0], self._counts[0]
        out[keys[:, 0].astype(np.int64)] = counts
        return out

    def grams(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """All kept n-grams of length *k*: ids (m, k) int32 in lexicographic id order, counts."""
        if not 1 <= k <= self.order:
            raise ValueError(f"n-gram length {k} outside 1..{self.order}")
        return _kernels().unpack_keys(self._keys[k - 1], k, self.bits), self._counts[k - 1]

    def packed(self, k: int, bits: int) -> tuple[np.ndarray, np.ndarray] | None:
        """:meth:`grams` of length *k* with each row packed into one uint64 of *bits* bits an id,
        first id highest (``(key << bits) | id`` over the row), and the counts, without
        unpacking them: the table's own keys when it packs them so (its ``bits`` is *bits* and
        *k* ids fit one word), else None. The keys are a read-only view."""
        if not 1 <= k <= self.order:
            raise ValueError(f"n-gram length {k} outside 1..{self.order}")
        keys = self._keys[k - 1]
        if bits != self.bits or keys.shape[1] != 1:
            return None
        out = keys[:, 0]
        out.flags.writeable = False
        return out, self._counts[k - 1]

    def decode(self, grams: np.ndarray) -> list[str]:
        """Strings of the rows of an (m, k) id array."""
        chars = np.array([self.vocab.char(i) for i in range(len(self.vocab))], dtype=object)
        if len(grams) == 0:
            return []
        return ["".join(row) for row in chars[np.asarray(grams)].tolist()]

    def items(self, k: int | None = None) -> Iterator[tuple[str, int]]:
        """``(gram, count)`` pairs, by length then lexicographic id order (one length if *k*)."""
        for length in ([k] if k is not None else range(1, self.order + 1)):
            ids, counts = self.grams(length)
            yield from zip(self.decode(ids), counts.tolist())

    def __iter__(self) -> Iterator[str]:
        for gram, _ in self.items():
            yield gram

    # ---- persistence --------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the table to a ``.npz`` file (plain arrays, loadable without pickle).

        Arrays: ``meta`` = [format version, order, total, bits, min_count], ``codepoints`` (the
        vocabulary), and per length k: ``keys_k`` (m, W) uint64, ``counts_k`` int64, ``totals``
        int64 (occurrences per length). Version 1 files (which could also hold neighbour
        entropies, ignored now) still load.
        """
        arrays = {
            "meta": np.array([FORMAT_VERSION, self.order, self.total, self.bits, self.min_count],
                             dtype=np.int64),
            "codepoints": self.vocab.codepoints,
            "totals": np.array(self.totals, dtype=np.int64),
        }
        for k in range(1, self.order + 1):
            arrays[f"keys_{k}"] = self._keys[k - 1]
            arrays[f"counts_{k}"] = self._counts[k - 1]
        with open(path, "wb") as f:
            np.savez(f, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> NgramTable:
        """Read a table written by :meth:`save`; DataError when the file is not one."""
        from minent.text.vocab import CharVocab

        try:
            with np.load(path, allow_pickle=False) as z:
                meta = z["meta"]
                if int(meta[0]) not in (1, FORMAT_VERSION):
                    raise DataError(f"{path}: unsupported n-gram table format version {int(meta[0])}")
                order, total, bits, min_count = (int(x) for x in meta[1:5])
                vocab = CharVocab.from_codepoints(z["codepoints"])
                keys = [z[f"keys_{k}"] for k in range(1, order + 1)]
                counts = [z[f"counts_{k}"] for k in range(1, order + 1)]
                totals = z["totals"].tolist()
        except (OSError, KeyError, ValueError, IndexError) as e:
            if isinstance(e, DataError):
                raise
            raise DataError(f"{path}: not a minent n-gram table ({e})") from None
        return cls(vocab, order, total, bits, keys, counts, min_count, totals)
