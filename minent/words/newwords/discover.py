"""New-word discovery: the words of a corpus that no dictionary knows (docs/algorithms.md §2).

Three methods, all on exact n-gram counts inside pieces (:class:`minent.words.ngrams.NgramTable`):

``cohesion`` (default; the 2017/2019 "better" algorithm, §2.2)
    Keep in G every n-gram of length 2..order whose cohesion
    ``pmi(w) = min_i ln(T·N(w) / (N(w[:i])·N(w[i:])))`` reaches a length-dependent threshold
    (``min_pmi``, default 2, 4, 6 nats for lengths 2, 3, 4 and 2·(k−1) beyond). Inside every
    piece keep the gap between two characters iff a G-gram covers both, count the maximal
    runs (candidates), drop those seen fewer than ``min_count`` times, and back-check: a
    candidate of length 3..order must be in G itself, a longer one must have every
    length-``order`` window in G.
``entropy`` (2015, frequency + cohesion + freedom, §2.3)
    Every n-gram of length 2..order with count >= ``min_count``, cohesion >= ``min_pmi`` (one
    threshold, default ln 30 ≈ 3.4, the source's ratio 30) and left and right branching entropy
    >= ``min_entropy``.
``pmi-split`` (2016, §2.4)
    Cut between adjacent characters a, b when ``ln(T₂·N(ab)/(N(a)N(b))) < min_pmi`` (default 0;
    T₂ = number of adjacent pairs), count the pieces that remain. Pairs seen fewer than
    ``min_count`` times are cut too: no kept word can contain them.

Text handling (documented choices): full-width ASCII is folded to half-width; digits separate
pieces (numbers are not new words, and "2001年" must not glue 年 to a number); Latin letters stay
word characters so mixed words such as T恤 or 卡拉OK can be found, but candidates made only of
Latin letters are dropped (``minent count`` is the tool for those). T counts every character
counted (docs/algorithms.md §2.2 says which normalisation). Branching entropies count each
occurrence at a piece boundary as its own distinct neighbour.

``min_count`` defaults to :func:`auto_min_count` of the corpus size: fitted on the PKU
evaluation (3 at 300k characters) and the published ~32 on a news corpus of ~7·10^8 characters.

Ranking (``rank``; docs/newwords-ranking.md). ``"novelty"`` (default): what is new, not what is
frequent. The candidates are cut into new-word units by a background model of ordinary language
(jieba's dictionary, or ``background``: a word-frequency list of another corpus;
:mod:`minent.words.newwords.background`): a candidate is split at free characters (common words
by themselves: 的 了 是 也 和 ...), runs of characters that the background cannot group into words
are the new words and the known words glued to them are context (新华社记者薛原报道 → 薛原), unless
a known word is mostly found with the run (阿南史代); a compound of known words stays whole when
its words are bound (苏格兰队). Each unit w seen n times (occurrences in the text) in T
characters gets ::

    novelty(w) = ln( n₋ / (N · q(w)) ) − (−ln q(w)) / n     N = T / mean token length of the background
    score(w)   = novelty(w) · min(e_L, e_R)   (novelty − (1 − e)·|novelty| when novelty < 0)

q(w): the background probability of w's best segmentation, with each known word of it priced at
the larger of its background probability and its frequency in the corpus outside w (the topic
of the corpus is not new, only the combination); n₋: the lower 95% Poisson bound of n (rare
words must beat the background by more); −ln q(w) / n: the cost of spelling w once in the
lexicon, shared by its n uses (minimum description length: a long string seen twice, a quoted
line, does not pay for its entry); e: evidence of a boundary on each side, min(1, branching
entropy in nats), or 1 where the background cuts (:mod:`minent.words.newwords.novelty`).
Collocations of free words (这一 也是 他说) are split or score low; names glued by the cut are
recovered. ``"count"``: the published algorithms unchanged, by frequency (score = count;
byte-identical to the pure-Python oracle).

Output rows: word, count, cohesion (PMI, nats), left entropy, right entropy, score, sorted by
score, then word.

Passes: the corpus is read once; its encoded form (4 bytes per character) is spilled to a
temporary file that the later passes re-read (level-wise n-gram counting, the cut, the
neighbour entropies), so memory holds tables, not text; the entropy pass holds at most
:data:`PAIR_BUDGET` raw (word, neighbour) keys per side before counting them into a table. With
``rank="count"``, counts are the candidate counts of the method (cut occurrences for
``cohesion`` and ``pmi-split``, n-gram counts for ``entropy``); with ``"novelty"``, the
occurrences of each unit in the text (counted by the entropy pass).

Two names planted 20 times each in random text (cohesion thresholds in nats need a corpus
much larger than the words' counts):

>>> import random
>>> rng = random.Random(0)
>>> noise = lambda: "".join(rng.choice("的一是了我不人在他有这个上们来到时大地为子中你说生国年") for _ in range(200))
>>> docs = [noise() + w + noise() for w in ("天龙八部", "射雕英雄传") for _ in range(20)]
>>> [w.word for w in find_new_words(docs, min_count=5).words]
['射雕英雄传', '天龙八部']
>>> [w.word for w in find_new_words(docs, min_count=5, rank="count").words]
['天龙八部', '射雕英雄传']
"""

from __future__ import annotations

import logging
import math
import operator
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from minent.errors import UsageError
from minent.parallel.chunks import map_chunks
from minent.text.vocab import Folder
from minent.words.tokenizers import jieba_dict_path

log = logging.getLogger("minent")

METHODS = ("cohesion", "entropy", "pmi-split")
RANKS = ("novelty", "count")
COLUMNS = ("word", "count", "cohesion", "left_entropy", "right_entropy", "score")
DEFAULT_ORDER = 4
DEFAULT_MAX_CANDIDATE = 16


def auto_min_count(total_chars: int) -> int:
    """Default ``min_count`` for a corpus of *total_chars* counted characters T.

    ``round(3 · (T / 3e5) ** 0.3)``, at least 2: 3 at 300k characters (the best segmentation F1
    on the PKU evaluation, benchmarks/eval_newwords.py), 5 at 1.3M, 11 at 20M, 31 at 700M
    (the published 32 on THUCNews). Rare n-grams give unreliable cohesion, but a threshold
    growing linearly with the corpus would throw away the long tail where new words live.
    """
    return max(2, int(round(3.0 * (max(total_chars, 1) / 3e5) ** 0.3)))


def parse_thresholds(spec: str | Iterable[float] | float | None, order: int, method: str) -> dict[int, float]:
    """Per-length PMI thresholds from ``"2,4,6"`` (lengths 2, 3, 4, ...; the last one repeats).

    Defaults: ``cohesion`` 2·(k−1) nats (2, 4, 6: the 2019 settings); ``entropy`` ln 30 for every
    length; ``pmi-split`` 0 (a single pair threshold).
    """
    if spec is None or spec == "":
        if method == "cohesion":
            return {k: 2.0 * (k - 1) for k in range(2, order + 1)}
        if method == "entropy":
            return {k: math.log(30.0) for k in range(2, order + 1)}
        return {k: 0.0 for k in range(2, order + 1)}
    if isinstance(spec, str):
        try:
            values = [float(x) for x in spec.split(",") if x.strip()]
        except ValueError:
            raise UsageError(f"`min_pmi`: expected numbers like 2,4,6, got {spec!r}") from None
    elif isinstance(spec, (int, float)):
        values = [float(spec)]
    else:
        values = [float(x) for x in spec]
    if not values or not all(math.isfinite(v) for v in values):
        raise UsageError(f"`min_pmi`: expected numbers like 2,4,6, got {spec!r}")
    if len(values) > max(1, order - 1):
        log.warning(f"`min_pmi`: {len(values)} thresholds given, order {order} uses the first "
                    f"{order - 1} (n-gram lengths 2..{order})")
    return {k: values[min(k - 2, len(values) - 1)] for k in range(2, order + 1)}


@dataclass
class NewWord:
    """One discovered word and its statistics (the columns of the output, in order)."""

    word: str
    count: int
    cohesion: float
    left_entropy: float
    right_entropy: float
    score: float

    def row(self) -> tuple:
        return _ROW(self)


_ROW = operator.attrgetter(*COLUMNS)  # NewWord -> output row, in C


@dataclass
class NewWordsResult:
    """Discovered words (best first) and the settings that produced them."""

    words: list[NewWord]
    method: str
    settings: dict = field(default_factory=dict)
    columns: tuple = COLUMNS

    def to_rows(self) -> list[tuple]:
        return list(map(_ROW, self.words))


class _IdSpill:
    """Encoded id chunks written to a temporary file so that later passes can re-read them.

    The first iteration pulls the chunks from *source* (encoding the corpus) and writes each one
    as it goes, so the first counting pass runs while the corpus is still being read (with
    jobs > 1 the workers count chunk i while the calling thread encodes chunk i + 1). Later
    iterations re-read the file.
    """

    def __init__(self, source: Iterable[np.ndarray] = ()):
        fd, self.path = tempfile.mkstemp(prefix="minent-newwords-", suffix=".ids")
        self._f = os.fdopen(fd, "wb")
        self.sizes: list[int] = []
        self._source = iter(source)
        self._written = False

    def add(self, ids: np.ndarray) -> np.ndarray:
        np.ascontiguousarray(ids, dtype=np.int32).tofile(self._f)
        self.sizes.append(len(ids))
        return ids

    def __iter__(self):
        if not self._written:
            for ids in self._source:
                yield self.add(ids)
            self._written = True
            return
        self._f.flush()
        with open(self.path, "rb") as f:
            for n in self.sizes:
                yield np.fromfile(f, dtype=np.int32, count=n)

    def close(self):
        self._f.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


def _min_ratio_of(table, ids: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cohesion ratio ``min_i T·N(w) / (N(w[:i]) N(w[i:]))`` of every row of the (m, k) ids.

    Products are formed in float64, exact while they stay below 2^53 (T·N(w) < 9·10^15), so the
    values equal the pure-Python ``total * n / (a * b)`` of the oracle.
    """
    k = ids.shape[1]
    best = np.full(len(ids), np.inf)
    tn = float(max(table.total, 1)) * counts.astype(np.float64)
    for i in range(1, k):
        # Parts of a counted n-gram are counted at least as often, so left/right > 0.
        left = table.counts_of(ids[:, :i]).astype(np.float64)
        right = table.counts_of(ids[:, i:]).astype(np.float64)
        best = np.minimum(best, tn / np.maximum(left * right, 1.0))
    return best


def _logs(values: np.ndarray) -> list[float]:
    """``math.log`` of each value: the output floats match a pure-Python computation bit for bit."""
    return [math.log(v) for v in values.tolist()]


def _row_set(rows_by_len: dict[int, np.ndarray], bits: int):
    """Pack id rows of several lengths into ``[length, key...]`` rows plus a hash index."""
    from minent.words.kernels import ngrams as K

    lens = [k for k, r in rows_by_len.items() if len(r)]
    width = max([K.words_for(k, bits) for k in lens] + [1])
    parts = []
    for k in lens:
        keys = K.pack_ids(np.ascontiguousarray(rows_by_len[k], dtype=np.int32), bits, K.words_for(k, bits))
        block = np.zeros((len(keys), 1 + width), dtype=np.uint64)
        block[:, 0] = k
        block[:, 1:1 + keys.shape[1]] = keys
        parts.append(block)
    rows = np.concatenate(parts) if parts else np.zeros((0, 1 + width), dtype=np.uint64)
    return rows, K.build_row_index(rows)


def _g_maps(rows_by_len: dict[int, np.ndarray], order: int, bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-word key maps per length 0..order concatenated, ``(flat, codes, offsets)``: the
    G-grams (code 2) and the prefixes of longer G-grams (OR 1), see cut_pieces_1d."""
    from minent.words.kernels import ngrams as K

    tables, values = [], []
    for k in range(order + 1):
        keys, codes = _prefix_coded_keys(rows_by_len, k, order, bits, _g_code) if k >= 2 else ((), ())
        if len(keys) == 0:
            tables.append(np.zeros(0, dtype=np.uint64))
            values.append(np.zeros(0, dtype=np.int64))
            continue
        t, v = K.key_map(keys)
        tables.append(t)
        values.append(np.where(v >= 0, codes[np.maximum(v, 0)], -1))
    offsets = np.concatenate([[0], np.cumsum([len(t) for t in tables])]).astype(np.int64)
    return np.concatenate(tables), np.concatenate(values), offsets


def _g_code(k: int, m: int) -> np.ndarray:
    return np.full(m, 2, dtype=np.int64)


def _bigram_keys(rows2: np.ndarray, bits: int) -> np.ndarray:
    """Sorted packed keys ``a << bits | b`` of (m, 2) id rows (for the kernels' pre-filters)."""
    if len(rows2) == 0:
        return np.zeros(0, dtype=np.uint64)
    keys = (rows2[:, 0].astype(np.uint64) << np.uint64(bits)) | rows2[:, 1].astype(np.uint64)
    return np.unique(keys)


def _first_bigram_bitmap(rows_by_len: dict[int, np.ndarray], bits: int) -> tuple[np.ndarray, np.uint64]:
    """Bitmap of the first bigrams of the id rows (lengths >= 2) and its shift (see key_bitmap)."""
    from minent.words.kernels import ngrams as K

    firsts = [r[:, :2] for k, r in rows_by_len.items() if k >= 2 and len(r)]
    keys = _bigram_keys(np.concatenate(firsts) if firsts else np.zeros((0, 2), dtype=np.int32), bits)
    log2_bits = K.bitmap_bits(len(keys))
    return K.key_bitmap(keys, log2_bits), np.uint64(64 - log2_bits)


def _short_rows(keys: np.ndarray, bits: int, n_words: int) -> np.ndarray:
    """``[length, key, 0...]`` rows of one-word candidate keys (length from the key's magnitude).

    The first id of a key is >= 1, so a k-gram key is >= 2^(bits·(k−1)).
    """
    rows = np.zeros((len(keys), 1 + n_words), dtype=np.uint64)
    lengths = np.ones(len(keys), dtype=np.uint64)
    for k in range(2, 64 // bits + 1):
        lengths += keys >= np.uint64(1 << (bits * (k - 1)))
    rows[:, 0] = lengths
    rows[:, 1] = keys
    return rows


def _decode_rows(table, rows: np.ndarray) -> list[str]:
    """Strings of ``[length, key...]`` candidate rows."""
    from minent.words.kernels import ngrams as K

    out = [""] * len(rows)
    lengths = rows[:, 0].astype(np.int64)
    for k in np.unique(lengths).tolist():
        sel = np.flatnonzero(lengths == k)
        keys = np.ascontiguousarray(rows[sel, 1:1 + K.words_for(k, table.bits)])
        for j, s in zip(sel.tolist(), table.decode(K.unpack_keys(keys, k, table.bits))):
            out[j] = s
    return out


def _word_ids(table, words: list[str]) -> np.ndarray:
    """Character ids (m, L) int32 of words that all have length L (vectorised; 1 if unknown)."""
    L = len(words[0])
    cps = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.int32)
    vocab_cps = table.vocab.codepoints
    order = np.argsort(vocab_cps, kind="stable")
    pos = np.clip(np.searchsorted(vocab_cps[order], cps), 0, len(order) - 1)
    ids = np.where(vocab_cps[order][pos] == cps, order[pos], 1).astype(np.int32)
    return ids.reshape(len(words), L)


def _encode_words(table, words: list[str]) -> dict[int, np.ndarray]:
    """Character ids of *words* grouped by length, each group in the order of *words*."""
    by_len: dict[int, list[str]] = {}
    for w in words:
        by_len.setdefault(len(w), []).append(w)
    return {k: _word_ids(table, v) for k, v in by_len.items()}


def _neighbour_entropy(spill, table, words: list[str], jobs: int, pairs: bool = False,
                       counted_only: np.ndarray | None = None):
    """Branching entropies and substring counts of *words* over the spilled text (one pass).

    Every occurrence inside a piece is found (hash sets of the words, behind a bitmap of their
    first bigrams); the (word, neighbour) pairs of all chunks, packed as uint64 keys
    ``row << 21 | neighbour id``, are sorted once per side and their runs counted in
    :func:`minent.words.kernels.ngrams.grouped_run_clogc`. H = ln N − Σ_c N(c) ln N(c) / N, each
    boundary occurrence being its own neighbour (it adds nothing to the sum).

    With *pairs*, also the distinct (word index, neighbour id, count) triples of each side. Words
    flagged in *counted_only* are only counted: their neighbours are dropped as they are found
    (their entropies are 0 and they have no pairs).
    """
    from minent.words.kernels import newwords as KN
    from minent.words.kernels import ngrams as K

    n = len(words)
    if not n:
        z = np.zeros(0)
        empty = (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))
        return (z, z, np.zeros(0, dtype=np.int64)) + ((_NeighbourPairs([empty, empty], np.zeros(0, dtype=np.int64)),)
                                                       if pairs else ())
    by_len = _encode_words(table, words)
    rows, slots = _row_set(by_len, table.bits)
    # `rows` is grouped by length (in by_len order); map its rows back to positions in `words`.
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=n)
    order_idx = np.concatenate([np.flatnonzero(lengths == k) for k, r in by_len.items() if len(r)])
    bits = table.bits
    group_start, offset = {}, 0
    for k, r in by_len.items():
        if len(r):
            group_start[k] = offset
            offset += len(r)
    # Short words (one-word keys) roll through key maps; longer ones use the row set.
    short_max = 64 // bits

    def word_code(k, m):  # (word row + 1) << 1, see neighbour_keys
        return (np.arange(m, dtype=np.int64) + group_start[k] + 1) << 1

    maps, vals = [], []
    for k in range(short_max + 1):
        keys, codes = _prefix_coded_keys(by_len, k, short_max, bits, word_code) if k >= 2 else ((), ())
        if len(keys) == 0:
            maps.append(np.zeros(0, dtype=np.uint64))
            vals.append(np.zeros(0, dtype=np.int64))
            continue
        t, v = K.key_map(keys)
        maps.append(t)
        vals.append(np.where(v >= 0, codes[np.maximum(v, 0)], -1))
    m_off = np.concatenate([[0], np.cumsum([len(t) for t in maps])]).astype(np.int64)
    m_flat, v_flat = np.concatenate(maps), np.concatenate(vals)
    long_lens = sorted(k for k, r in by_len.items() if k > short_max and len(r))
    prefix_keys = np.zeros(0, dtype=np.uint64)
    prefix_max = np.zeros(0, dtype=np.int64)
    if long_lens:
        first = np.concatenate([by_len[k][:, :2] for k in long_lens])
        first_keys = (first[:, 0].astype(np.uint64) << np.uint64(bits)) | first[:, 1].astype(np.uint64)
        first_len = np.concatenate([np.full(len(by_len[k]), k, dtype=np.int64) for k in long_lens])
        prefix_keys, inv = np.unique(first_keys, return_inverse=True)
        prefix_max = np.zeros(len(prefix_keys), dtype=np.int64)
        np.maximum.at(prefix_max, inv.ravel(), first_len)
    long_lengths = np.array(long_lens, dtype=np.int64)
    first_bm, bm_shift = _first_bigram_bitmap(by_len, bits)

    skip = None if counted_only is None else np.asarray(counted_only, dtype=bool)[order_idx]

    def per_chunk(ids):
        totals = np.zeros(n, dtype=np.int64)
        left, right = KN.neighbour_keys(ids, m_flat, v_flat, m_off, short_max, rows, slots, long_lengths,
                                        prefix_keys, prefix_max, bits, first_bm, bm_shift, totals)
        if skip is not None:
            left = left[~skip[(left >> np.uint64(21)).astype(np.int64)]]
            right = right[~skip[(right >> np.uint64(21)).astype(np.int64)]]
        return [totals, left, right]

    totals = np.zeros(n, dtype=np.int64)
    sides = [_PairKeys(), _PairKeys()]
    for part in map_chunks(per_chunk, spill, jobs, reduce=_add_neighbour_parts):
        totals += part[0]
        sides[0].add(part[1])
        sides[1].add(part[2])
        del part
    if jobs > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            sides = list(pool.map(_PairKeys.result, sides))
    else:
        sides = [side.result() for side in sides]
    log_tot = _logs_of_ints(totals)
    top = int(totals.max()) if n else 0
    ent = []
    for keys, weights in sides:
        # c · ln c with math.log for every count c present, then Σ per word exactly rounded
        # (math.fsum's algorithm, order-free): the values do not depend on chunking or --jobs
        # and equal a pure-Python computation bit for bit.
        present = np.zeros(top + 1, dtype=np.bool_)
        K.run_count_values(keys, weights, present)
        clogc = np.zeros(top + 1, dtype=np.float64)
        counts = np.flatnonzero(present)
        clogc[counts] = [c * math.log(c) if c > 0 else 0.0 for c in counts.tolist()]
        sums = K.grouped_run_clogc(keys, weights, clogc, n, 21)
        # max(0, ln N − S / N) with Python's float semantics (IEEE − and / are the same in numpy).
        h = np.where(totals > 0, log_tot - sums / np.maximum(totals, 1), 0.0)
        ent.append(np.where(h > 0.0, h, 0.0))
    hl = np.empty(n)
    hr = np.empty(n)
    tot = np.empty(n, dtype=np.int64)
    hl[order_idx] = ent[0]
    hr[order_idx] = ent[1]
    tot[order_idx] = totals
    if not pairs:
        return hl, hr, tot
    group_of = np.empty(n, dtype=np.int64)
    group_of[order_idx] = np.arange(n, dtype=np.int64)
    return hl, hr, tot, _NeighbourPairs(sides, group_of)


class _NeighbourPairs:
    """The sorted (word, neighbour) keys of both sides of an entropy pass, to be read for a few
    of its words without expanding them all."""

    def __init__(self, sides, group_of: np.ndarray):
        self.sides = sides  # per side: sorted keys ``row << 21 | neighbour id`` and weights (or none)
        self.group_of = group_of  # key row of each word

    def glued(self, side: int, words: np.ndarray, cps: np.ndarray, starts: np.ndarray, fallback: np.ndarray,
              neighbour_cps: np.ndarray, neighbour_fallback: np.ndarray, trie) -> np.ndarray:
        """Occurrences of each of *words* (indices of the pass's words, spelled ``cps[starts[i]:
        starts[i + 1]]``) on *side* (0 left, 1 right) at which the background's best route glues
        the neighbour to the word (:func:`minent.words.kernels.background.glued_uses`)."""
        from minent.words.kernels import background as KB

        keys, weights = self.sides[side]
        rows = self.group_of[words].astype(np.uint64)
        lo = np.searchsorted(keys, rows << np.uint64(21)).astype(np.int64)
        hi = np.searchsorted(keys, (rows + np.uint64(1)) << np.uint64(21)).astype(np.int64)
        out = np.zeros(len(words), dtype=np.int64)
        KB.glued_uses(keys, weights, lo, hi, cps, starts, fallback, neighbour_cps, neighbour_fallback, side == 0,
                      trie, out)
        return out


def _prefix_coded_keys(by_len: dict[int, np.ndarray], k: int, longest: int, bits: int,
                       member_code: Callable[[int, int], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct one-word keys of the length-*k* id rows of *by_len* and of the length-*k*
    prefixes of its rows of lengths k+1..*longest*, with codes: ``member_code(k, m)`` (even,
    nonzero) for the m rows of length k, OR 1 for a prefix of a longer row. The scans probe a
    growing window with them and stop as soon as no longer row can start there."""
    from minent.words.kernels import ngrams as K

    keys, codes = [], []
    r = by_len.get(k)
    if r is not None and len(r):
        keys.append(K.pack_ids(np.ascontiguousarray(r), bits, 1).reshape(-1))
        codes.append(member_code(k, len(r)))
    longer = [by_len[j][:, :k] for j in range(k + 1, longest + 1) if len(by_len.get(j, ()))]
    if longer:
        prefixes = np.unique(K.pack_ids(np.ascontiguousarray(np.concatenate(longer)), bits, 1).reshape(-1))
        keys.append(prefixes)
        codes.append(np.ones(len(prefixes), dtype=np.int64))
    if not keys:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    keys, codes = np.concatenate(keys), np.concatenate(codes)
    order = np.argsort(keys, kind="stable")
    keys, codes = keys[order], codes[order]
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[first], np.bitwise_or.reduceat(codes, first)  # a word that is also a prefix: OR


def _logs_of_ints(values: np.ndarray) -> np.ndarray:
    """``math.log`` of every positive int of *values* (0 where <= 0), computed once per distinct value.

    libm's log through ``math.log`` keeps the floats equal to a pure-Python computation; numpy's
    own vectorised log may differ in the last bit.
    """
    distinct, inv = np.unique(values, return_inverse=True)
    logs = np.array([math.log(v) if v > 0 else 0.0 for v in distinct.tolist()], dtype=np.float64)
    return logs[inv.ravel()]


PAIR_BUDGET = 1 << 24
"""Raw (word, neighbour) keys held per side (8 bytes each) before they are counted into a table."""


class _PairKeys:
    """The (word, neighbour) keys of one side of the entropy pass, in bounded memory.

    Raw keys (one per occurrence) are kept until they exceed :data:`PAIR_BUDGET`; then they are
    sorted and counted into a table of distinct keys and counts, merged with the table so far.
    Below the budget (corpora up to ~10^8 characters) no table is ever made: the raw keys are
    sorted once at the end, which is faster. Either way the runs of equal keys, and so the
    entropies, are the same.
    """

    def __init__(self):
        self.raw: list[np.ndarray] = []
        self.size = 0
        self.table: tuple[np.ndarray, np.ndarray] | None = None

    def add(self, keys) -> None:
        if isinstance(keys, tuple):  # already a table (reduced on a cluster)
            self.table = keys if self.table is None else _merge_pair_tables(self.table, keys)
            return
        self.raw.append(keys)
        self.size += len(keys)
        if self.size > PAIR_BUDGET:
            self._count_raw()

    def _count_raw(self) -> None:
        table = _pair_table(np.concatenate(self.raw) if self.raw else np.zeros(0, dtype=np.uint64))
        self.raw, self.size = [], 0
        self.table = table if self.table is None else _merge_pair_tables(self.table, table)

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """Sorted keys and their weights (empty weights: one occurrence per key)."""
        if self.table is None:
            keys = np.concatenate(self.raw) if self.raw else np.zeros(0, dtype=np.uint64)
            self.raw = []
            keys.sort()
            return keys, np.zeros(0, dtype=np.int64)
        if self.raw:
            self._count_raw()
        return self.table


def _pair_table(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys and counts of raw pair keys (sorted in place)."""
    from minent.words.kernels import ngrams as K

    keys.sort()
    return K.run_length_1d(keys)


def _merge_pair_tables(a: tuple, b: tuple) -> tuple[np.ndarray, np.ndarray]:
    from minent.words.kernels import ngrams as K

    return K.merge_tables_1d(a[0], a[1], b[0], b[1])


def _add_neighbour_parts(a: list, b: list) -> list:
    """Sum of two per-chunk results of the entropy pass (for reducing them on a cluster): raw
    keys are concatenated while they fit in :data:`PAIR_BUDGET`, else counted into tables."""
    out = [a[0] + b[0]]
    for x, y in zip(a[1:], b[1:]):
        if not isinstance(x, tuple) and not isinstance(y, tuple) and len(x) + len(y) <= PAIR_BUDGET:
            out.append(np.concatenate([x, y]))
        else:
            tx = x if isinstance(x, tuple) else _pair_table(x.copy())
            ty = y if isinstance(y, tuple) else _pair_table(y.copy())
            out.append(_merge_pair_tables(tx, ty))
    return out


def _keep_word(word: str) -> bool:
    """Candidates made only of Latin letters are not reported (see module docstring)."""
    return not (word.isascii() and word.isalpha())


def find_new_words(texts, *, method: str = "cohesion", order: int = DEFAULT_ORDER,
                   min_count: int | None = None, min_pmi: str | Iterable[float] | float | None = None,
                   min_entropy: float = 1.0, min_length: int = 2, max_length: int | None = None,
                   top: int | None = None, known: set[str] | None = None, jobs: int = 1,
                   chunk_chars: int = 2_000_000, progress: Callable[[int], None] | None = None,
                   scheduler: str | None = None, rank: str = "novelty",
                   background: str | os.PathLike | None = None) -> NewWordsResult:
    """Discover new words in *texts* (a ``Corpus`` or an iterable of strings).

    Parameters
    ----------
    method : ``"cohesion"`` (default), ``"entropy"`` or ``"pmi-split"`` (module docstring).
    order : longest n-gram counted (default 4); ``cohesion`` finds longer words by chaining.
    min_count : minimum count of n-grams and of reported words; ``None`` = :func:`auto_min_count`.
    min_pmi : PMI thresholds in nats, ``"2,4,6"`` for lengths 2, 3, 4 (see :func:`parse_thresholds`).
    min_entropy : ``entropy`` method: minimum left and right branching entropy (nats).
    min_length, max_length : length range of reported words (max default: 16 for chaining
        methods, *order* for ``entropy``).
    top : report only the best *top* words.
    known : words to leave out (e.g. jieba's dictionary) so only really new ones are shown.
    jobs : worker threads; the output is identical for any value.
    progress : called with input bytes consumed (Corpus inputs).
    scheduler : run the passes on a Dask cluster (``tcp://host:8786`` or ``"local"``, see
        :mod:`minent.parallel.dask`); *texts* must then be a ``Corpus``. Same output.
    rank : ``"novelty"`` (default): the new-word units of the candidates, scored and ordered by
        novelty against *background* (:mod:`minent.words.newwords.novelty`, docs/newwords-ranking.md); count =
        occurrences in the text. ``"count"``: the published algorithms unchanged (candidates
        of the method, ordered by count; score = count).
    background : ``rank="novelty"``: the background word list (a ``minent count`` table or
        ``word freq [tag]`` lines from another corpus; tags name the proper nouns, see
        :mod:`minent.words.newwords.background`); ``None`` = jieba's dictionary.
    """
    from minent.words.kernels import newwords as KN
    from minent.words.kernels import ngrams as K
    from minent.words.ngrams import NgramTable, count_stream, iter_id_chunks

    if method not in METHODS:
        raise UsageError(f"unknown method {method!r} (choose from {', '.join(METHODS)})")
    if rank not in RANKS:
        raise UsageError(f"unknown rank {rank!r} (choose from {', '.join(RANKS)})")
    bg = None
    if rank == "novelty":
        from minent.words.newwords.background import load_background

        bg = load_background(background)  # a bad file fails before the corpus is read
    if order < 2:
        raise UsageError("`order` must be at least 2")
    if min_length < 1 or (max_length is not None and max_length < min_length):
        raise UsageError("`min_length`/`max_length`: need 1 <= min_length <= max_length")
    if min_count is not None and min_count < 1:
        raise UsageError("`min_count` must be at least 1")
    thresholds = parse_thresholds(min_pmi, order, method)
    if not math.isfinite(min_entropy):
        raise UsageError(f"`min_entropy` must be a finite number, got {min_entropy}")
    if max_length is None:
        max_length = order if method == "entropy" else DEFAULT_MAX_CANDIDATE
    if method == "entropy":
        max_length = min(max_length, order)
    jobs = max(1, int(jobs or 1))

    from minent.text.vocab import CharVocab

    vocab = CharVocab()
    chosen: dict = {}

    def pick_min_count(total: int) -> int:
        chosen["min_count"] = min_count if min_count is not None else auto_min_count(total)
        return chosen["min_count"]

    clock = [time.perf_counter(), time.process_time()]

    def stage(name: str) -> None:
        now = [time.perf_counter(), time.process_time()]
        log.debug(f"newwords: {name}: {now[0] - clock[0]:.2f}s wall, {now[1] - clock[1]:.2f}s CPU")
        clock[:] = now

    if scheduler is not None:
        # Encoded, folded id chunks held by the workers of a Dask cluster (same ids everywhere).
        from minent.words.newwords.cluster import cluster_chunks

        spill = cluster_chunks(texts, scheduler, jobs=jobs, chunk_chars=chunk_chars, progress=progress)
        vocab = spill.vocab
    else:
        fold = Folder(vocab)
        # Read, encoded and folded during the first counting pass (see _IdSpill).
        spill = _IdSpill(fold(ids) for ids in iter_id_chunks(texts, vocab, chunk_chars=chunk_chars,
                                                             progress=progress))
    try:
        # The spill can be re-read, so the table is counted level-wise (exact above min_count).
        table = NgramTable.from_id_chunks(spill, vocab, order=order, min_count=pick_min_count, jobs=jobs)
        stage("read, encode and count n-grams")
        m = chosen.get("min_count") or pick_min_count(table.total)
        bits = table.bits
        settings = {"method": method, "order": order, "min_count": m, "total_chars": table.total}

        if method == "entropy":
            words, counts, coh = [], [], []
            for k in range(max(2, min_length), max_length + 1):
                ids, cnt = table.grams(k)
                ratio = _min_ratio_of(table, ids, cnt)
                keep = np.log(ratio) >= thresholds[k]
                words += table.decode(ids[keep])
                counts += cnt[keep].tolist()
                coh += _logs(ratio[keep])
            settings["min_pmi"] = ",".join(f"{thresholds[k]:g}" for k in sorted(thresholds))
            settings["min_entropy"] = min_entropy
        else:
            if method == "cohesion":
                g_by_len = {}
                for k in range(2, order + 1):
                    ids, cnt = table.grams(k)
                    g_by_len[k] = ids[np.log(_min_ratio_of(table, ids, cnt)) >= thresholds[k]]
                settings["min_pmi"] = ",".join(f"{thresholds[k]:g}" for k in sorted(thresholds))
                cut_order = order
            else:
                ids, cnt = table.grams(2)
                t2 = table.totals[1]  # T₂: adjacent pairs inside pieces, before pruning
                ratio = (float(max(t2, 1)) * cnt) / (table.counts_of(ids[:, :1]).astype(np.float64)
                                                     * table.counts_of(ids[:, 1:]))
                pair_pmi = np.log(ratio)
                g_by_len = {2: ids[pair_pmi >= thresholds[2]]}
                settings["min_pmi"] = f"{thresholds[2]:g}"
                cut_order = 2
            g_rows, g_slots = _row_set(g_by_len, bits)
            n_words = K.words_for(max_length, bits)
            if K.words_for(cut_order, bits) == 1:
                g_flat, g_codes, g_off = _g_maps(g_by_len, cut_order, bits)
                first_bm, bm_shift = _first_bigram_bitmap(g_by_len, bits)

                def cut(ids):
                    return KN.cut_pieces_1d(ids, g_flat, g_codes, g_off, cut_order, bits, max_length, n_words,
                                            first_bm, bm_shift)
            else:
                pair_ok = _bigram_keys(table.grams(2)[0], bits)

                def cut(ids):
                    return KN.cut_pieces(ids, g_rows, g_slots, cut_order, bits, max_length, n_words, pair_ok)

            stage("cohesive n-grams")
            def count_candidates(ids, _bits):
                # Two tables: one-word keys of the short candidates (nearly all; a sort and the
                # 1-D merge), and [length, key...] rows of the long ones.
                short, long = cut(ids)
                short.sort()
                keys, counts = K.run_length_1d(short)
                uniq, lcounts = K.hash_count(long)
                o = K.sort_rows(uniq)
                return [(keys.reshape(-1, 1), counts), (uniq[o], lcounts[o])]

            # Chunk tables are merged as they come (binary-counter stack): memory holds the
            # distinct candidates, not one table per chunk.
            merged = count_stream(spill, lambda: bits, count_candidates, jobs)
            stage("cut and count candidates")
            if merged:
                (short, scnts), (rows, lcnts) = merged[1]
                rows = np.concatenate([_short_rows(short.reshape(-1), bits, n_words), rows])
                cnts = np.concatenate([scnts, lcnts])
            else:
                rows = np.zeros((0, 1 + n_words), dtype=np.uint64)
                cnts = np.zeros(0, dtype=np.int64)
            keep = cnts >= m
            rows, cnts = rows[keep], cnts[keep]
            passed = (_back_check(rows, g_rows, g_slots, order, bits) if method == "cohesion"
                      else np.ones(len(rows), dtype=bool))
            if rank == "count":
                rows, cnts = rows[passed], cnts[passed]
                words = _decode_rows(table, rows)
                counts = cnts.tolist()
                coh = _cohesion_of_words(table, words)
            else:
                stage("decode candidates")
                words, counts, hl, hr, cut_left, cut_right, delimited = _novelty_units(
                    spill, table, _decode_rows(table, rows), passed, bg, jobs, m,
                    lambda w: min_length <= len(w) <= max_length and _keep_word(w) and not (known and w in known))
                coh = _cohesion_of_words(table, words)
                stage("new-word units, their counts and neighbour entropies")

        if rank == "count" or method == "entropy":
            # Length, character-class and known-word filters before the (costlier) entropy pass.
            sel = [i for i, w in enumerate(words)
                   if min_length <= len(w) <= max_length and _keep_word(w) and not (known and w in known)]
            words = [words[i] for i in sel]
            counts = [counts[i] for i in sel]
            coh = [coh[i] for i in sel]
            stage("filter and decode")
            hl, hr, _ = _neighbour_entropy(spill, table, words, jobs)
            stage("neighbour entropies")
        if method == "entropy":
            keep = [i for i in range(len(words)) if hl[i] >= min_entropy and hr[i] >= min_entropy]
            words = [words[i] for i in keep]
            counts = [counts[i] for i in keep]
            coh = [coh[i] for i in keep]
            hl, hr = hl[keep], hr[keep]
    finally:
        spill.close()

    if rank == "count":
        scores = np.asarray(counts, dtype=np.float64)
    else:
        from minent.words.newwords.novelty import boundary_evidence, novelty, score

        if method == "entropy":  # n-gram candidates: no background cut at or inside their edges
            cut_left = cut_right = np.zeros(len(words), dtype=bool)
            delimited = counts
        lp = _topic_logprob(table, bg, words, counts, float(table.total) / bg.mean_length)
        # Each use of the word is counted where the background, too, would leave it whole.
        nov = novelty(delimited, lp, table.total, bg.mean_length)
        scores = score(nov, boundary_evidence(hl, hr, cut_left, cut_right))
        settings["rank"] = "novelty"
        settings["background"] = bg.source
    # Best first: by score, then word. numpy compares str arrays by code point, as Python does
    # (words hold no NUL), so this is sorted(key=(-score, word)) without the keys.
    order = np.lexsort((np.array(words, dtype=str), -scores))
    if top is not None:
        order = order[:top]
    hl, hr, sc = hl.tolist(), hr.tolist(), scores.tolist()
    result = [NewWord(words[i], int(counts[i]), float(coh[i]), hl[i], hr[i], sc[i])
              for i in order.tolist()]
    stage("rank")
    return NewWordsResult(result, method, settings)


def _char_logprob(table, bg) -> Callable[[np.ndarray], np.ndarray]:
    """``cps -> ln q(c)`` for a character where no background word starts: a Han character is a
    rare character of the language the background models, priced as jieba prices it (one
    occurrence, ``ln 1/total``); another (a Latin letter) is of a script the background does
    not model, priced at its relative frequency in the corpus, ``ln(N(c) / T)``, so that 甲A or
    T恤 are not new for their letters alone."""
    from minent.text.chars import HAN, char_class_table
    from minent.words.newwords.novelty import logs as novelty_logs

    classes = char_class_table()
    ids, counts = table.grams(1)
    cps = table.vocab.codepoints[ids[:, 0]].astype(np.int64)
    order = np.argsort(cps, kind="stable")
    cps, logs = cps[order], novelty_logs(counts[order].astype(np.float64) / max(table.total, 1))
    floor = -math.log(max(table.total, 1))
    rare_han = -math.log(max(bg.total, 1))

    def char_logprob(q: np.ndarray) -> np.ndarray:
        if len(cps) == 0:
            own = np.full(len(q), floor)
        else:
            pos = np.clip(np.searchsorted(cps, q), 0, len(cps) - 1)
            own = np.where(cps[pos] == q, logs[pos], floor)
        return np.where(classes[q] == HAN, rare_han, own)

    return char_logprob


def _topic_logprob(table, bg, words: list[str], word_counts: list[int], n_tokens: float) -> np.ndarray:
    """ln q(w) under the background adapted to the corpus's topic: w's best background route,
    each multi-character background word t of it priced at the larger of its background
    probability and its frequency in the corpus outside w ((N(t) − N(w)) / N; words of up to
    ``table.order`` characters, whose counts the table holds). A compound of words the corpus
    uses a lot (经济 转轨 in economic news) is then new only in so far as the combination is more
    frequent than its parts make it; a rare background word seen only inside w (岫云 in 钟岫云)
    keeps its background price. Single characters keep the background's price too: their
    corpus frequency is dominated by the words that contain them."""
    from minent.words.newwords.novelty import logs as novelty_logs

    char_lp = _char_logprob(table, bg)
    lp, ntok, ends, starts = bg.routes(words, char_lp)
    parts, owner = [], []
    for i, (w, nt, s0) in enumerate(zip(words, ntok.tolist(), starts.tolist())):
        a = 0
        for e in ends[s0:s0 + nt].tolist():
            if 2 <= e - a <= table.order:
                parts.append(w[a:e])
                owner.append(i)
            a = e
    if not parts:
        return lp
    background = bg.logprob(parts, char_lp)
    counts = _table_counts(table, parts).astype(np.float64)
    counts = np.maximum(counts - np.asarray(word_counts, dtype=np.float64)[np.array(owner, dtype=np.int64)], 0.0)
    corpus = novelty_logs(counts / max(n_tokens, 1.0))
    out = lp.copy()
    np.add.at(out, np.array(owner, dtype=np.int64), np.maximum(corpus - background, 0.0))
    return out


def _table_counts(table, strings: list[str]) -> np.ndarray:
    """Occurrences of each of *strings* (of at most ``table.order`` characters) from the n-gram
    table: exact from the table's ``min_count`` up, 0 below it."""
    counts = np.zeros(len(strings), dtype=np.int64)
    for k, ids in _encode_words(table, strings).items():
        sel = np.array([j for j, p in enumerate(strings) if len(p) == k], dtype=np.int64)
        counts[sel] = table.counts_of(ids)
    return counts


def _novelty_units(spill, table, pieces: list[str], passed: np.ndarray, bg, jobs: int, min_count: int,
                   wanted: Callable[[str], bool]):
    """The new-word units of the candidate pieces and their statistics, for ``rank="novelty"``.

    Units come from :func:`minent.words.newwords.novelty.new_word_units`: runs of new characters,
    and compounds of known words (parts without such a run). A compound is a unit when it is a
    name (:func:`minent.words.newwords.novelty.named`: it begins with a proper noun of the
    background and does not end with a person's name: 印尼女队, 非洲发展银行); else a compound of two
    multi-character known words is two words (解决问题), and a longer one is a unit when its piece
    passed the back-check or it is at most two background tokens (苏格兰队, 张家平: a known word and
    a character). A known word next to a run joins it when most of the known word's occurrences
    are inside the joined string (:func:`minent.words.newwords.novelty.bind_neighbours`: 延边敖东);
    a common word of the background (记者, 报道, 问题) never joins. A unit that is not a name and
    is two strings each seen more than twice as often on their own is a compound of the
    corpus's words, not a word (中美两国 = 中美 + 两国); a unit that is a shorter new word and a
    background word is dropped too (:func:`minent.words.newwords.novelty.free_extensions`). One
    pass over the text counts every string involved, the neighbour entropies of the units and
    the share of their occurrences the background cuts at (:func:`_cut_shares`).

    Returns ``(words, counts, left_entropy, right_entropy, cut_left, cut_right, delimited)`` for
    the units that satisfy *wanted* and occur at least *min_count* times, sorted; ``cut_*``:
    the background cut next to the unit in some piece (a free character or a free known word);
    ``delimited``: the expected number of occurrences at which the background cuts at both edges.
    Units the background never cuts at (fragments of its words: 阳市 in 沈阳市) are dropped.
    """
    from minent.words.newwords.novelty import (bind_neighbours, compound_of_words, free_extensions, named,
                                               new_word_units)

    char_lp = _char_logprob(table, bg)
    units, ntok = new_word_units(pieces, bg, char_lp)
    # Candidate units (their neighbours are needed) and strings that are only counted: the known
    # words next to runs or inside compounds, and the halves of every candidate.
    runs, compounds, strings, counted, halves = [], [], set(), set(), set()
    for w, ok, spans, nt in zip(pieces, passed.tolist(), units, ntok.tolist()):
        for a, b, tokens, left, right in spans:
            if tokens == 0:
                runs.append((w, a, b, left, right))
                for x, y in ((a, b), (left, b), (a, right), (left, right)):
                    strings.add(w[x:y])
                    halves.update(_halves(w[x:y]))
                counted.update({w[left:a], w[b:right]})
            else:
                compounds.append((w, a, b, left, right, tokens, ok or tokens <= 2))
                strings.add(w[a:b])
                counted.update({w[a:left], w[right:b]})
                halves.update(_halves(w[a:b]))
    # The table has the counts of the halves of up to `order` characters.
    short_halves = sorted(h for h in halves if len(h) <= table.order)
    counted.update(h for h in halves if len(h) > table.order)
    counted.discard("")
    listed = sorted(strings | counted)
    only = np.fromiter((w not in strings for w in listed), dtype=bool, count=len(listed))
    hl, hr, occ, pairs = _neighbour_entropy(spill, table, listed, jobs, pairs=True, counted_only=only)
    where = {w: i for i, w in enumerate(listed)}
    count = occ.tolist()
    flags: dict[str, list[bool]] = {}

    def add(w: str, a: int, b: int) -> None:
        f = flags.get(w[a:b])
        if f is None:
            f = flags[w[a:b]] = [False, False]
        f[0] |= a > 0
        f[1] |= b < len(w)

    common = bg.common

    def bound(part: str, joined: str) -> bool:  # a known word belonging to the new word
        return part not in common and bind_neighbours(count[where[part]], count[where[joined]])

    for w, a, b, left, right in runs:
        if left < a and bound(w[left:a], w[left:b]):
            a = left
        if right > b and bound(w[b:right], w[a:right]):
            b = right
        add(w, a, b)
    is_name = named([w[a:first] for w, a, b, first, *_ in compounds],
                    [w[last:b] for w, a, b, _, last, *_ in compounds], [c[5] for c in compounds], bg)
    for (w, a, b, first, last, tokens, ok), name in zip(compounds, is_name.tolist()):
        if tokens == 2 and first - a > 1 and b - last > 1:  # two known words: are they used apart?
            ok = bound(w[a:first], w[a:b]) and bound(w[last:b], w[a:b])
        if name or ok:
            add(w, a, b)
    units = sorted(u for u in flags if u in where and count[where[u]] >= min_count)
    # Two words of the corpus (中美两国 = 中美 + 两国, 检察机关 = 检察 + 机关) are not a word,
    # unless they begin with a name (延边敖东).
    routes = bg.split(units, char_lp)
    names = named([r[0] for r in routes], [r[-1] for r in routes], [len(r) for r in routes], bg)
    half_count = dict(zip(short_halves, _table_counts(table, short_halves).tolist()))
    split = compound_of_words(units, [count[where[u]] for u in units],
                              lambda x: half_count[x] if x in half_count else count[where[x]] if x in where else 0)
    units = [u for u, name, two in zip(units, names.tolist(), split.tolist()) if name or not two]
    counts = [count[where[u]] for u in units]
    extended = free_extensions(units, counts, (~bg.are_words(units)).tolist(), bg)
    words = [u for u, x in zip(units, extended.tolist()) if not x and wanted(u)]
    idx = np.array([where[u] for u in words], dtype=np.int64)
    left_share, right_share = _cut_shares(bg, char_lp, table.vocab, listed, idx, occ, pairs)
    delimited = occ[idx] * left_share * right_share
    keep = np.flatnonzero(delimited > 0)
    idx = idx[keep]
    words = [words[i] for i in keep.tolist()]
    return (words, occ[idx].tolist(), hl[idx], hr[idx],
            np.array([flags[u][0] for u in words], dtype=bool), np.array([flags[u][1] for u in words], dtype=bool),
            delimited[keep])


def _halves(w: str) -> list[str]:
    """Both parts of every split of *w* into two strings of two characters or more."""
    return [p for k in range(2, len(w) - 1) for p in (w[:k], w[k:])]


def _cut_shares(bg, char_lp, vocab, listed: list[str], idx: np.ndarray, occ: np.ndarray, pairs) -> list[np.ndarray]:
    """For each unit ``listed[i]`` (i in *idx*), the share of its occurrences at which the
    background cuts at its left edge, and at its right edge, given one neighbouring character:
    the best background route of ``c + w`` begins with the token ``c`` (of ``w + d``: ends with
    ``d``). An occurrence at the edge of a text piece is cut. *pairs*: the neighbour keys of the
    entropy pass (:class:`_NeighbourPairs`)."""
    units = [listed[i] for i in idx.tolist()]
    starts = np.zeros(len(units) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, units), dtype=np.int64, count=len(units)), out=starts[1:])
    cps = np.frombuffer("".join(units).encode("utf-32-le", "surrogatepass"), dtype=np.int32).copy()
    fallback = np.ascontiguousarray(char_lp(cps), dtype=np.float64) if len(cps) else np.zeros(0)
    vocab_cps = vocab.codepoints
    vocab_lp = np.ascontiguousarray(char_lp(np.maximum(vocab_cps, 0)), dtype=np.float64)
    n = np.maximum(occ[idx].astype(np.float64), 1.0)
    out = []
    for side in (0, 1):
        glued = pairs.glued(side, idx, cps, starts, fallback, vocab_cps, vocab_lp, bg.trie)
        out.append(np.clip(1.0 - glued / n, 0.0, 1.0))
    return out


def _back_check(rows: np.ndarray, g_rows: np.ndarray, g_slots: np.ndarray, order: int, bits: int) -> np.ndarray:
    """Mask of candidates passing the back-check (§2.2 step 4)."""
    from minent.words.kernels import ngrams as K

    out = np.ones(len(rows), dtype=bool)
    lengths = rows[:, 0].astype(np.int64)
    for L in np.unique(lengths).tolist():
        if L <= 2:
            continue
        sel = np.flatnonzero(lengths == L)
        ids = K.unpack_keys(np.ascontiguousarray(rows[sel, 1:1 + K.words_for(L, bits)]), L, bits)
        k = min(L, order)
        ok = np.ones(len(sel), dtype=bool)
        width = g_rows.shape[1] - 1
        for s in range(0, L - k + 1):
            keys = K.pack_ids(np.ascontiguousarray(ids[:, s:s + k]), bits, K.words_for(k, bits))
            if keys.shape[1] > width:  # no G-gram is that long
                ok[:] = False
                break
            q = np.zeros((len(sel), 1 + width), dtype=np.uint64)
            q[:, 0] = k
            q[:, 1:1 + keys.shape[1]] = keys
            ok &= K.find_rows(g_rows, g_slots, q) >= 0
        out[sel] = ok
    return out


def _cohesion_of_words(table, words: list[str]) -> list[float]:
    """PMI cohesion of each word: exact up to the table order, else the min over its windows."""
    out = [0.0] * len(words)
    by_len: dict[int, list[int]] = {}
    for i, w in enumerate(words):
        by_len.setdefault(len(w), []).append(i)
    for L, idx in by_len.items():
        if L < 2:
            continue
        ids = _word_ids(table, [words[i] for i in idx])
        k = min(L, table.order)
        best = np.full(len(idx), np.inf)
        for s in range(0, L - k + 1):
            sub = np.ascontiguousarray(ids[:, s:s + k])
            best = np.minimum(best, _min_ratio_of(table, sub, table.counts_of(sub)))
        for i, v in zip(idx, _logs(best)):
            out[i] = v
    return out


def load_known(paths: Iterable[str | os.PathLike] = (), *, jieba: bool = False) -> set[str]:
    """Known words: the words of the word lists *paths* (:func:`minent.io.wordlists.read_words`:
    first field per line, so plain lists and jieba dictionaries both work), plus jieba's
    dictionary when *jieba*.

    >>> "中国" in load_known(jieba=True)
    True
    """
    from minent.io.wordlists import read_words

    words = read_words(jieba_dict_path()) if jieba else set()
    for path in paths:
        try:
            words |= read_words(path)
        except UsageError as e:
            raise UsageError(f"`known` {e}") from None
    return words
