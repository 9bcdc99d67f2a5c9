"""Minimum-entropy lexicon building (docs/algorithms.md §3.3, the measured changes in §3.3).

Principle (§3.1): a lexicon is good when the corpus, segmented with it under a unigram model,
costs few bits per character, L = H / l with H = −Σ p_w ln p_w and l = Σ p_w len(w); a lexicon
entry must also pay for itself.

Stages (each logged on the ``minent`` logger):

1. **Encode** the corpus into int32 character ids, pieces separated by 0 (text model §0; with
   ``pre_split`` only Han runs are pieces).
2. **Candidates**: every character, and every n-gram of 2..``max_len`` characters inside a piece
   seen at least ``min_count`` times, with its count (counted by the shared
   :class:`minent.words.ngrams.NgramTable`); p(w) = N(w) / N_chars.
3. **Redundancy removal** (去冗), longest candidates first: take w out, segment it with the rest
   of the lexicon (unigram Viterbi) into k₁..k_m, and compute the information it saves,
   pmi = ln p(w) − Σ ln p(k_j). The published rule drops w when pmi < len(w) − 1; on a few hundred
   thousand characters that keeps whole phrases (§3.5). Here the entry must also pay for its own
   description: w is dropped when

       N(w) · (pmi − margin·(len(w) − 1)) < entry_cost · len(w)

   except that a candidate of at most ``oov_max`` characters pays ``entry_cost`` per join,
   ``entry_cost · (len(w) − 1)`` (:func:`entry_charge`): the decoder can already make such a
   span a word without an entry (an out-of-lexicon span), so its entry adds no new word form,
   only that its characters go together. On a small corpus the common words of bound
   characters (为了, 现在, 大家) are seen too few times to pay for two characters
   (CityU, 67k characters: F1 0.778 → 0.789; PKU unchanged, 0.8241).
   The n-gram counts already include every sub-string, so a dropped word's count is not moved
   to its sub-words (the published code moves it: its counts come from cut pieces); then every
   candidate's fate depends only on shorter candidates, all still present when it is judged,
   and the whole stage is one vectorised pass (:func:`redundancy_keep`).
   ``margin`` sets the granularity: 1 is the break-even of the merge formula (F ≈ p_ab (PMI − 1), §3.2) and recovers planted words best on synthetic text;
   larger values prefer shorter words (PKU's standard: 2 scores +0.5 F1 on pku_dev, and loses
   planted three-character words). Default 1.5 with entry_cost 4 nats/char, in between.
4. **Re-estimation** (hard EM / Viterbi training): segment the corpus with the lexicon, recount
   words, re-estimate p(w) = N(w)/ΣN, drop words whose count fell to zero; repeat while the code
   length of the corpus, bits/char = −Σ_w N(w) log₂ p(w) / N_chars, goes down by at least ``tol``
   (each step of pure hard EM can only lower it: the decoder minimises it for fixed p, the MLE
   minimises it for a fixed segmentation). The decoder also lets spans of 2..``oov_max``
   characters outside the lexicon be words (scored as in :class:`minent.segmentation.unigram.UnigramSegmenter`);
   those it picks become entries, which is how rare words cut by removal come back. That step
   is not covered by the argument, so the loop also stops the first time bits/char goes up.

5. **Collocations of free units** (after re-estimation): a two-character word whose two
   characters are both *free* — each is a word by itself in at least ``free_pair`` (0.3) of its
   occurrences in the segmentation — is a collocation (这是, 也是, 两国), not a word: it is
   dropped (its count goes to its characters) and re-estimation runs again. So is a word of
   four or more characters that splits into free lexicon words of two or more characters
   (检察机关 = 检察 + 机关, 改革开放, 领导干部; a free *character* is not enough there:
   民主派, 发言人 are words). A unigram lexicon keeps such strings because it cannot model one
   word following another (Goldwater et al. 2009: unigram models under-segment); this is a
   prior on what a word is, not a code-length gain: bits/char rises slightly (6.66 → 6.69 on
   PKU). pku_dev F1 of the hybrid segmenter with the two-character rule alone: 0.7966 without,
   0.7996 / 0.8001 / 0.7985 / 0.7972 with thresholds 0.25 / 0.3 / 0.35 / 0.4; the longer
   words: pku_test 0.802 → 0.811, CityU 0.759 → 0.760. ``free_pair=None`` sets the threshold to
   the mean freedom (:func:`mean_freedom`); the hybrid segmenter drops collocations that way,
   measured on its own segmentation (:meth:`minent.segmentation.hybrid.HybridSegmenter.drop_collocations`).
   On the planted-word corpora of the tests nothing is dropped.

The hybrid segmenter also adds the stem + suffix words (服务业, 委员会) its own segmentation
cut in two, a suffix being a bound character found after two or more different stems
(:func:`suffix_words`, :meth:`minent.segmentation.hybrid.HybridSegmenter.join_suffixes`; PKU F1
0.8241 → 0.8264, CityU 0.7888 → 0.7942).

On pku_dev + pku_test (311k characters): 9.59 bits/char with single characters, 7.08 after
removal (first pass), 6.71 after re-estimation (9 passes), a few seconds; segmenting pku_test
with the result scores F1 0.768 (benchmarks/eval_segment.py).

Reference: Su Jianlin, "最小熵原理（二）：“当机立断”之词库构建" (kexue.fm, 2018).

Example::

    result = build_lexicon(open("corpus.txt", encoding="utf-8"))
    result.lexicon.write_tsv(sys.stdout)
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from minent.errors import UsageError
from minent.segmentation.lexicon_model import COLUMNS, Lexicon
from minent.segmentation.units import CHUNK_UNITS, ENCODE_BATCH_CHARS, NUMBER_UNIT, cut_slices, unit_slices, units
from minent.text.batching import batched
from minent.text.chars import from_codepoints, to_codepoints

log = logging.getLogger("minent")

LN2 = math.log(2.0)


@dataclass
class EncodedCorpus:
    """Character ids of a corpus's segmentable pieces (0 between pieces) and the id → char map.

    The passes over it go chunk by chunk (:meth:`map_chunks`); a corpus encoded on a Dask cluster
    (:class:`minent.segmentation.cluster.RemoteEncoded`) offers the same methods."""

    ids: np.ndarray
    chars: list[str]  # chars[i] is the character of id i (ids 0, 1 are placeholders)

    @property
    def n_chars(self) -> int:
        return int(np.count_nonzero(self.ids))

    def word(self, a: int, b: int) -> str:
        return "".join(self.chars[i] for i in self.ids[a:b])

    @property
    def codepoints(self) -> np.ndarray:
        """Code point of every id (-1 for the placeholders 0 and 1)."""
        return np.array([-1, -1] + [ord(c) for c in self.chars[2:]], dtype=np.int64)

    def units(self) -> np.ndarray:
        """The code points of the ids (int32, -1 between pieces): the units of the corpus
        (:func:`minent.segmentation.units.corpus_units`, separator runs as one). Computed in
        place: the ids are consumed (the corpus is empty after)."""
        cps = self.codepoints.astype(np.int32)
        ucp, self.ids = self.ids, np.zeros(0, dtype=np.int32)
        for a in range(0, len(ucp), CHUNK_UNITS):
            ucp[a:a + CHUNK_UNITS] = cps[ucp[a:a + CHUNK_UNITS]]
        return ucp

    def char_counts(self) -> np.ndarray:
        """Occurrences of every id (length ``len(chars)``)."""
        return np.bincount(self.ids, minlength=len(self.chars))

    def id_chunks(self, size: int | None = None) -> list[np.ndarray]:
        """The ids as consecutive views of about *size* (default CHUNK_UNITS) units, cut after a separator."""
        size = size or CHUNK_UNITS
        return [self.ids[a:b] for a, b in cut_slices(np.flatnonzero(self.ids == 0), len(self.ids), size)]

    def map_chunks(self, fn: Callable, reduce: Callable | None = None) -> list:
        """``[fn(ids) for ids in chunks]`` in order; with *reduce* (associative and commutative)
        the results folded into ``[one]`` (``[]`` without chunks), as
        :meth:`minent.parallel.dask.RemoteChunks.map_chunks` does on a cluster."""
        out = None
        results = []
        for ids in self.id_chunks():
            r = fn(ids)
            if reduce is None:
                results.append(r)
            else:
                out = r if out is None else reduce(out, r)
        return results if reduce is None else ([] if out is None else [out])


def encode_corpus(texts: Iterable[str], *, pre_split: bool = True,
                  batch_chars: int = ENCODE_BATCH_CHARS) -> EncodedCorpus:
    """Encode *texts* (documents) into :class:`EncodedCorpus`, batch by batch."""
    lut = np.full(0x110000, -1, dtype=np.int32)
    cps_of_id = [-1, -1]
    parts: list[np.ndarray] = []
    seen = np.zeros(0x110000, dtype=bool)  # (every code point met so far: those without an id are new)

    def flush(batch):
        cps, _, _ = units(to_codepoints("\n".join(batch) + "\n"), pre_split)
        seg = cps >= 0
        segcps = cps[seg]
        seen[segcps] = True
        new = np.flatnonzero(seen & (lut < 0))  # (sorted, as np.unique gives them, without sorting the batch)
        if len(new):
            lut[new] = np.arange(len(cps_of_id), len(cps_of_id) + len(new), dtype=np.int32)
            cps_of_id.extend(new.tolist())
        ids = np.where(seg, lut[np.maximum(cps, 0)], 0).astype(np.int32)
        # collapse runs of separators to one so the array holds pieces back to back
        keep = np.ones(len(ids), dtype=bool)
        keep[1:] = (ids[1:] != 0) | (ids[:-1] != 0)
        if len(ids) and ids[0] == 0 and parts and len(parts[-1]) and parts[-1][-1] == 0:
            keep[0] = False
        parts.append(ids[keep])

    for batch in batched(texts, batch_chars):
        flush(batch)
    ids = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    chars = ["", ""] + [chr(c) for c in cps_of_id[2:]]
    return EncodedCorpus(ids, chars)


def code_length_bits(counts: np.ndarray, n_chars: int) -> float:
    """Bits per character of a corpus segmented into words with these counts, under the MLE
    unigram model: −Σ N(w) log₂(N(w)/ΣN) / N_chars."""
    c = counts[counts > 0]
    if n_chars == 0 or len(c) == 0:
        return 0.0
    t = c.sum()
    return float(-(c * np.log(c / t)).sum() / LN2 / n_chars)


@dataclass
class LexiconResult:
    """A learned lexicon and how it was reached."""

    lexicon: Lexicon
    n_chars: int
    bits_chars: float  # bits/char with every character a word (before)
    bits_per_iteration: list[float] = field(default_factory=list)
    candidates: int = 0
    after_removal: int = 0
    # passes before the free-pair filter (stage 5); bits_per_iteration then holds those after it
    bits_before_filter: list[float] = field(default_factory=list)
    settings: dict = field(default_factory=dict)

    columns = COLUMNS

    def to_rows(self) -> list[tuple]:
        """``(word, count, log_prob)`` rows of the lexicon, most frequent first."""
        return self.lexicon.to_rows()

    @property
    def bits_final(self) -> float:
        return self.bits_per_iteration[-1] if self.bits_per_iteration else self.bits_chars


def _segment_and_count(enc: EncodedCorpus, lexicon: Lexicon, oov_max: int = 0,
                       oov_penalty: float = 0.0) -> Lexicon:
    """One hard-EM step: Viterbi-segment the corpus with *lexicon*, recount its words (chunk by
    chunk, the counts merged: :meth:`UnigramSegmenter.count_words`)."""
    from minent.segmentation.unigram import UnigramSegmenter

    # ids in the encoded corpus are its own; map them to the segmenter's ids via code points.
    seg = UnigramSegmenter(lexicon, oov_max=oov_max, oov_penalty=oov_penalty)
    cps = enc.codepoints
    remap = np.zeros(len(cps), dtype=np.int32)
    remap[2:] = seg.lut[cps[2:]]
    parts = enc.map_chunks(functools.partial(count_chunk_words, seg, remap), merge_word_counts)
    if not parts:
        parts = [count_chunk_words(seg, remap, np.zeros(0, dtype=np.int32))]
    return seg.lexicon_of_counts(parts[0])


def count_chunk_words(seg, remap: np.ndarray, ids: np.ndarray):
    """The map step of re-estimation: segment one chunk of encoded ids (*remap*: corpus id →
    segmenter id) with the unigram segmenter *seg* and count its words."""
    ids = remap[ids]
    return seg.count_words(ids, *seg.decode_words(ids))


def merge_word_counts(a, b):
    """The reduce step of re-estimation: :meth:`minent.segmentation.unigram.WordCounts.merge`."""
    return a.merge(b)


def decode_rows(ids: np.ndarray, codepoints: np.ndarray) -> list[str]:
    """Strings of the rows of an (m, n) array of character ids, vectorised."""
    if ids.size == 0:
        return [""] * len(ids) if ids.ndim == 2 and ids.shape[1] == 0 else []
    n = ids.shape[1]
    text = from_codepoints(codepoints[ids.astype(np.int64)])
    return [text[i:i + n] for i in range(0, len(text), n)]


def ngram_table(enc: EncodedCorpus, max_len: int, min_count: int):
    """The shared :class:`minent.words.ngrams.NgramTable` of the encoded corpus (same character ids)."""
    from minent.text.vocab import CharVocab
    from minent.words.ngrams import NgramTable

    vocab = CharVocab(enc.chars[2:])  # ids 2, 3, ... in this order: the corpus's own ids
    return NgramTable.from_id_chunks(enc.id_chunks(), vocab, order=max_len, min_count=min_count)


def candidates(table, n: int, min_count: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The n-grams of length *n* of *table* seen at least *min_count* times: ids (m, n), counts
    (a table counted with a lower threshold serves a higher one: its counts are exact)."""
    ids, counts = table.grams(n)
    if min_count > getattr(table, "min_count", 1):
        sel = counts >= min_count
        ids, counts = ids[sel], counts[sel]
    return ids, counts


def redundancy_keep(table, char_counts: np.ndarray, n_total: float, *, margin: float,
                    entry_cost: float, min_count: int = 1, max_len: int | None = None,
                    oov_max: int = 0) -> dict[int, np.ndarray]:
    """Redundancy removal on raw n-gram counts (module docstring, stage 3), vectorised:
    ``{n: keep mask}`` aligned with ``candidates(table, n, min_count)``
    (:func:`judged_candidates`, which says how)."""
    return {n: keep for n, _, _, keep in judged_candidates(table, char_counts, n_total, margin=margin,
                                                          entry_cost=entry_cost, min_count=min_count,
                                                          max_len=max_len, oov_max=oov_max)}


def judged_candidates(table, char_counts: np.ndarray, n_total: float, *, margin: float,
                      entry_cost: float, min_count: int = 1, max_len: int | None = None, oov_max: int = 0,
                      tables: dict | None = None):
    """Redundancy removal on raw n-gram counts (module docstring, stage 3), vectorised.

    *table* is an NgramTable (candidates: its n-grams of length 2..order), *char_counts* the
    count of every character id. Every sub-string of a candidate is itself a candidate (it
    occurs at least as often), and removal goes longest first, so when w is judged every shorter
    candidate is still in the lexicon: its best split is the best segmentation of w into *any*
    shorter sub-strings, and the candidates' fates are independent. Candidates are the n-grams
    of 2..*max_len* (default: the table's order) characters seen at least *min_count* times.
    A candidate of at most *oov_max* characters, which the decoder can already make a word
    without an entry (an out-of-lexicon span), pays :func:`entry_charge` for its joins only.
    Yields ``(n, ids, counts, keep mask)`` for n = 2, 3, ...: ``candidates(table, n, min_count)``
    and which of them stay.

    The sub-strings' counts are looked up in hash tables of the n-grams of *table*, every one
    of them (:func:`minent.segmentation.kernels.viterbi.packed_count_table` of ``bits`` bits an
    id, the width of the ids of *char_counts*): with a dict *tables* they are left in it, as
    ``{(n, bits): (table, overflow)}``, for the character LM of the same n-gram table
    (:meth:`minent.segmentation.charlm.CharLM.from_table`), which looks the same counts up;
    without, they are freed before the last length is yielded.
    """
    from minent.segmentation.kernels.viterbi import pack_rows, packed_count_table, packed_row_counts

    log_total = math.log(n_total)
    with np.errstate(divide="ignore"):
        char_lp = np.log(char_counts.astype(np.float64)) - log_total
    bits = max(1, int(len(char_counts) - 1).bit_length())
    share = tables is not None
    tables = {} if tables is None else tables

    def span_counts(rows):
        # the table's counts of these sub-strings: one hash probe each (the table's own lookup
        # bisects its sorted keys: twenty cache misses; 17M candidates of poems repeated twice)
        m = rows.shape[1]
        if m * bits > 64:
            return table.counts_of(rows)
        if (m, bits) not in tables:
            packed = table.packed(m, bits) if hasattr(table, "packed") else None
            if packed is None:
                grams, counts = table.grams(m)
                packed = pack_rows(grams, bits), counts
            tables[m, bits] = packed_count_table(*packed, m * bits)
        return packed_row_counts(*tables[m, bits], rows, bits)

    last = min(table.order, max_len or table.order)
    for n in range(2, last + 1):
        ids, counts = candidates(table, n, min_count)
        best = [np.zeros(len(ids))] + [np.full(len(ids), -np.inf) for _ in range(n)]
        for j in range(1, n + 1):
            for i in range(j):
                if (i, j) == (0, n):
                    continue
                if j - i == 1:
                    lp = char_lp[ids[:, i]]
                else:
                    with np.errstate(divide="ignore"):
                        lp = np.log(span_counts(ids[:, i:j]).astype(np.float64)) - log_total
                best[j] = np.maximum(best[j], best[i] + lp)
        pmi = np.log(counts.astype(np.float64)) - log_total - best[n]
        if n == last and not share:
            tables.clear()  # (not held while the caller works on the last length)
        yield n, ids, counts, counts * (pmi - margin * (n - 1)) >= entry_charge(n, entry_cost, oov_max)


def entry_charge(n: int, entry_cost: float, oov_max: int = 0) -> float:
    """What a lexicon entry of *n* characters must save, in nats: *entry_cost* per character
    for a new word form, per join (``n - 1``) for a span of at most *oov_max* characters that
    the decoder can already make a word outside the lexicon (module docstring, stage 3).

    >>> entry_charge(3, 4.0, 2), entry_charge(2, 4.0, 2), entry_charge(2, 4.0)
    (12.0, 4.0, 8.0)
    """
    return float(entry_cost * (n - 1 if n <= oov_max else n))


def _em(enc: EncodedCorpus, lexicon: Lexicon, iterations: int, tol: float, history: list[float],
        progress: Callable[[str], None] | None, oov: tuple[int, float] = (0, 0.0), rel_tol: float = 0.0) -> Lexicon:
    """Hard-EM passes until bits/char stops improving by ``tol``, or by ``rel_tol`` times itself
    (whichever is more); appends each pass's bits to *history*."""
    prev = math.inf
    for _ in range(iterations):
        new_lex = _segment_and_count(enc, lexicon, *oov)
        bits = code_length_bits(new_lex.counts, enc.n_chars)
        log.info("lexicon: pass %d: %.4f bits/char, %d words", len(history) + 1, bits, len(new_lex))
        if progress is not None:
            progress(f"pass {len(history) + 1}: {bits:.4f} bits/char")
        if bits > prev:
            break
        history.append(bits)
        lexicon = new_lex
        if bits > prev - max(tol, rel_tol * prev):
            break
        prev = bits
    return lexicon


def mean_freedom(lexicon: Lexicon) -> float:
    """The share of the characters of a segmented corpus (words with counts) that are words by
    themselves: the freedom (:func:`free_pairs`) of the average character, 0.0 when empty.

    >>> mean_freedom(Lexicon(["这", "是", "这是"], [6, 8, 4]))
    0.6363636363636364
    """
    if len(lexicon.words) == 0:
        return 0.0
    counts = np.asarray(lexicon.counts, dtype=np.float64)
    lens = np.fromiter(map(len, lexicon.words), dtype=np.int64, count=len(counts))
    # (running sums in the words' order: the sums of adding one word at a time, to the last bit)
    chars = float(np.cumsum(counts * lens)[-1])
    single = float(np.cumsum(np.where(lens == 1, counts, 0.0))[-1])
    return single / chars if chars > 0 else 0.0


def freedoms(lexicon: Lexicon) -> dict[str, float]:
    """The freedom of every character and word of a segmented corpus (*lexicon*: its words with
    their counts): the share of its occurrences, inside words of the lexicon or alone, where it
    is a word by itself (:func:`free_pairs`); 0.0 for a unit never alone.

    >>> freedoms(Lexicon(["这", "是", "这是"], [6, 8, 4]))
    {'这': 0.6, '是': 0.6666666666666666, '这是': 1.0}
    """
    words = set(lexicon.words)
    alone: dict[str, float] = {}
    occ: dict[str, float] = {}
    for w, c in zip(lexicon.words, lexicon.counts.tolist()):
        alone[w] = alone.get(w, 0.0) + c
        n = len(w)
        for i in range(n):
            for j in range(i + 1, n + 1):
                u = w[i:j]
                if j - i == 1 or u in words:
                    occ[u] = occ.get(u, 0.0) + c
    return {u: (alone.get(u, 0.0) / o if o > 0 else 0.0) for u, o in occ.items()}


def free_pairs(lexicon: Lexicon, threshold: float | None = None) -> set[str]:
    """Collocations of *free* units (stage 5 of the module docstring): words that a unigram
    lexicon keeps only because it cannot model one word following another.

    The freedom of a unit u (a character, or a word of the lexicon) is the share of its
    occurrences, in the segmentation the lexicon's counts describe, where u is a word by itself:
    N(u) / Σ_w N(w)·occ(u, w), occ counting every position of u inside w. u is *free* when its
    freedom is at least *threshold*; None (default) takes :func:`mean_freedom`, i.e. free = more
    often a word by itself than the average character (a fixed threshold drops more on a small
    corpus, whose rare words are cut into characters that then look free). Returned:

    * two-character words ab with freedom(a) ≥ *threshold* and freedom(b) ≥ *threshold* (这是);
    * longer words that split into two or more lexicon words of at least two characters, each
      with freedom ≥ *threshold* (检察机关 = 检察 + 机关, 领导干部). A part of one character is
      not enough there: 民主派, 发言人 end in a free character and are words.

    >>> sorted(free_pairs(Lexicon(["这", "是", "这是", "经", "济", "经济"], [6, 8, 4, 1, 0.5, 9]), 0.5))
    ['这是']
    >>> sorted(free_pairs(Lexicon(["改革", "开放", "改革开放", "经济", "经济学"], [9, 8, 5, 9, 3]), 0.3))
    ['改革开放']
    """
    from minent.segmentation.kernels.lexicon import free_pair_mask, freedom_counts, word_table

    if threshold is None:
        threshold = mean_freedom(lexicon)
    # (freedoms() and the loop over the words, in a kernel: the same sums in the same order)
    chars, offsets = word_arrays(lexicon.words)
    cps, char_ids = np.unique(chars, return_inverse=True)
    table = word_table(chars, offsets, np.ones(len(lexicon), dtype=np.bool_), False)
    alone, occ, char_alone, char_occ = freedom_counts(chars, offsets, lexicon.counts, char_ids, len(cps), table)
    with np.errstate(divide="ignore", invalid="ignore"):
        freedom = np.where(occ > 0, alone / occ, 0.0)
        char_freedom = np.where(char_occ > 0, char_alone / char_occ, 0.0)
    mask = free_pair_mask(chars, offsets, char_ids, table, freedom, char_freedom, float(threshold))
    return set(itertools.compress(lexicon.words, mask.tolist()))


def word_index(words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """:func:`word_arrays` of *words*, their :func:`~minent.segmentation.kernels.lexicon.word_table`
    (a string listed twice: its first number) and whether they are distinct."""
    chars, offsets = word_arrays(words)
    table = _table(chars, offsets)
    return chars, offsets, table, bool(np.count_nonzero(table >= 0) == len(words))


def _table(chars: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """:func:`minent.segmentation.kernels.lexicon.word_table` of every word (a string listed
    twice: its first number)."""
    from minent.segmentation.kernels.lexicon import word_table

    return word_table(chars, offsets, np.ones(len(offsets) - 1, dtype=np.bool_), False)


def _ranges(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """The positions ``starts[i] .. starts[i] + lens[i] - 1``, one range after the other."""
    ends = np.cumsum(lens)
    return np.repeat(np.asarray(starts, dtype=np.int64) - (ends - lens), lens) + np.arange(ends[-1] if len(ends) else 0)


def strings_of(chars: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """The strings ``chars[starts[i]:ends[i]]`` of code points *chars* (the inverse of
    :func:`word_arrays` with ``starts, ends = offsets[:-1], offsets[1:]``)."""
    lens = np.asarray(ends, dtype=np.int64) - starts
    text = from_codepoints(chars[_ranges(starts, lens)])
    cut = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens, out=cut[1:])
    cut = cut.tolist()
    return [text[cut[i]:cut[i + 1]] for i in range(len(lens))]


def word_arrays(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The code points of *words* end to end (int64) and the offsets of each word in them
    (word ``w`` is ``chars[offsets[w]:offsets[w + 1]]``)."""
    lens = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])
    return to_codepoints("".join(words)).astype(np.int64), offsets


MIN_STEMS = 2
"""A suffix ends at least this many different stems: more than one, i.e. the suffix in a word
is interchangeable (as the number before a classifier is, :mod:`~minent.segmentation.numerals`)."""


def suffix_words(ucp: np.ndarray, begin: np.ndarray, seen: Lexicon, stems: Iterable[str], threshold: float,
                 *, min_stems: int = MIN_STEMS, max_len: int = 4) -> dict[str, int]:
    """Stem + suffix words (服务业, 工业化, 委员会) that a segmentation *begin* (uint8 word
    starts) of the units *ucp* (separators -1) cut into a word of two or more characters and a
    one-character word, with how often it cut each; words of at most *max_len* characters.

    A unit-by-unit lexicon cannot keep them: each such word is rare (服務業 3 times in CityU's
    67k characters) and pays for its entry only as a pattern. The pattern is found by
    substitution, as classifiers are: a *suffix* is a Han character that the segmentation cuts
    off right after at least *min_stems* different stems while it is *bound*, its freedom
    (:func:`freedoms` in *seen*, the words of that segmentation with their counts) below
    *threshold* (the mean freedom: more often inside a word than the average character — 业 in
    行业, 业务; not 的, 了, 在, which are words by themselves). Returned: stem + suffix for every
    such cut whose stem is in *stems* (the lexicon's words), Han characters only.

    >>> from minent.text.chars import to_codepoints
    >>> ucp = to_codepoints("中国队赢了，希腊队输了，球队员工").astype(np.int32)
    >>> ucp[ucp == ord("，")] = -1
    >>> begin = np.array([1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0], np.uint8)
    >>> seen = Lexicon(["中国", "队", "赢", "了", "希腊", "输", "球队", "员工"], [1, 2, 1, 10, 1, 1, 4, 1])
    >>> suffix_words(ucp, begin, seen, ["中国", "希腊"], mean_freedom(seen))
    {'中国队': 1, '希腊队': 1}
    """
    stems = list(stems)
    chars, offsets = word_arrays(stems)
    cps, offsets, _, counts = suffix_cuts(ucp, begin, seen, (chars, offsets, _table(chars, offsets)), threshold,
                                          min_stems=min_stems, max_len=max_len)
    return dict(zip(strings_of(cps, offsets[:-1], offsets[1:]), counts.tolist()))


def suffix_cuts(ucp: np.ndarray, begin: np.ndarray, seen: Lexicon, stems: tuple, threshold: float, *,
                min_stems: int = MIN_STEMS, max_len: int = 4):
    """:func:`suffix_words` on arrays: the stem + suffix words as code points *cps*, word ``i``
    being ``cps[offsets[i]:offsets[i + 1]]``, its stem ending at ``cuts[i]``, cut ``counts[i]``
    times, in the order of :func:`suffix_words`; *stems*: ``(chars, offsets, table)``, the
    :func:`word_arrays` of the stems and their
    :func:`~minent.segmentation.kernels.lexicon.word_table`. Returns ``(cps, offsets, cuts, counts)``."""
    from minent.segmentation.kernels.lexicon import find_strings, stem_suffix_cuts
    from minent.segmentation.unigram import unique_rows
    from minent.text.chars import HAN, char_class_table

    none = (np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    if len(ucp) < 3:
        return none
    # (a separator is a word of its own here, and a word starts after it)
    at, lens = stem_suffix_cuts(ucp, begin, char_class_table() == HAN, max_len)
    found = []  # (stem + suffix rows of m + 1 units, how often each was cut), m = 2..max_len-1
    for m in range(2, max_len):
        s = at[lens == m]
        if len(s):
            found.append(unique_rows(ucp[s[:, None] + np.arange(m + 1)]))  # (np.unique(axis=0)'s rows and counts)
    if not found:
        return none
    # the rows are distinct stem + suffix strings: a suffix's different stems are its rows
    suffixes, n_stems = np.unique(np.concatenate([rows[:, -1] for rows, _ in found]), return_counts=True)
    bound = suffixes[(n_stems >= min_stems) & (char_freedom_table(seen)[suffixes] < threshold)]
    stem_chars, stem_offsets, table = stems
    parts = []
    for rows, counts in found:
        pick = np.isin(rows[:, -1], bound)
        rows, counts = rows[pick], counts[pick]
        k, m1 = rows.shape
        at = find_strings(table, stem_chars, stem_offsets, rows[:, :-1].astype(np.int64).ravel(),
                          np.arange(0, k * (m1 - 1) + 1, m1 - 1))
        rows, counts = rows[at >= 0], counts[at >= 0]
        parts.append((rows.astype(np.int64).ravel(), np.full(len(rows), m1), counts))
    lens = np.concatenate([p[1] for p in parts])
    offsets = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])
    return (np.concatenate([p[0] for p in parts]), offsets, offsets[1:] - 1,
            np.concatenate([p[2] for p in parts]).astype(np.int64))


MIN_CLOSED = 2
"""A word's slot is closed only when the segmentation makes the word at least this many times,
always beside the same unit there: the smallest evidence of a pattern (as for suffixes and
classifiers); a word seen once always has one neighbour."""


def closed_words(ucp: np.ndarray, begin: np.ndarray, words: Iterable[str], *,
                 min_seen: int = MIN_CLOSED, chunk: int = CHUNK_UNITS) -> dict[str, tuple[str, str, int]]:
    """The words of *words* (two or more Han characters) whose slot on one side the segmentation
    *begin* (uint8 word starts) of the units *ucp* (separators -1) never opens: every one of its
    (at least *min_seen*) occurrences as a word there has the same unit before it, or the same
    unit after it, and that unit is not a separator (考中心 always after 大 in CityU's 67k
    characters, 華民族 after 中, 塔尼亚胡 after 内 in PKU's). Such a word is a fragment of a
    longer one (Harris: a word's edge is where what stands beside it varies). Each maps to the
    closing units and how often the segmentation makes it, ``(before, after, seen)``: the
    character when it is a Han character, ``""`` for an open side or a closing unit that is not
    one (a number, a Latin run). The corpus is read *chunk* units at a time (cut between pieces).

    >>> from minent.text.chars import to_codepoints
    >>> ucp = to_codepoints("大考中心，大考中心在，考中心呢，中心").astype(np.int32)
    >>> ucp[ucp == ord("，")] = -1
    >>> begin = np.array([1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0], np.uint8)
    >>> closed_words(ucp, begin, ["考中心", "中心"])  # (a piece's edge is open)
    {}
    >>> closed_words(ucp[:10], begin[:10], ["考中心", "中心"])
    {'考中心': ('大', '', 2)}
    """
    from minent.segmentation.kernels.lexicon import find_strings, word_sides
    from minent.text.chars import HAN, char_class_table

    n = len(ucp)
    classes = char_class_table()
    words = list(words)
    if n < 2 or not words:
        return {}
    chars, offsets = word_arrays(words)
    lens = np.diff(offsets)
    # the words of two or more Han characters, each string once (its first place)
    table = _table(chars, offsets)
    first = find_strings(table, chars, offsets, chars, offsets) == np.arange(len(words))
    use = np.flatnonzero(first & (lens >= 2))
    chars, offsets = chars[_ranges(offsets[use], lens[use])], np.concatenate([[0], np.cumsum(lens[use])])
    han = np.logical_and.reduceat(classes[chars] == HAN, offsets[:-1]) if len(use) else np.zeros(0, bool)
    if not han.any():
        return {}
    if not han.all():
        use = use[han]
        chars, offsets = chars[_ranges(offsets[:-1][han], lens[use])], np.concatenate([[0], np.cumsum(lens[use])])
    table = _table(chars, offsets)
    k = len(use)
    seen = np.zeros(k, np.int64)
    lo, hi = np.full((2, k), np.iinfo(np.int64).max), np.full((2, k), -2, np.int64)
    for a, b in unit_slices(ucp, chunk):  # (cut between pieces: no word crosses a slice's edge)
        word_sides(ucp[a:b], begin[a:b], table, chars, offsets, seen, lo, hi)
    closing = np.where((lo == hi) & (lo >= 0) & (seen >= min_seen), lo, -1)
    out = {}
    picked = np.flatnonzero((closing[0] >= 0) | (closing[1] >= 0))
    picked = picked[np.argsort(lens[use][picked], kind="stable")]  # (by length, then in the order of *words*)
    for i in picked.tolist():
        c = (int(closing[0, i]), int(closing[1, i]))
        before, after = (chr(x) if x >= 0 and classes[x] == HAN else "" for x in c)
        out[words[use[i]]] = (before, after, int(seen[i]))
    return out


def char_freedoms(lexicon: Lexicon) -> dict[str, float]:
    """:func:`freedoms` of the characters only (the same values, without the sub-word lookups).

    >>> char_freedoms(Lexicon(["这", "是", "这是"], [6, 8, 4]))
    {'这': 0.6, '是': 0.6666666666666666}
    """
    if len(lexicon.words) == 0:
        return {}
    chars, _ = word_arrays(lexicon.words)
    cps, first = np.unique(chars, return_index=True)
    order = np.argsort(first, kind="stable")  # (the characters in the order they first come)
    return dict(zip(from_codepoints(cps[order]), char_freedom_table(lexicon)[cps[order]].tolist()))


def char_freedom_table(lexicon: Lexicon) -> np.ndarray:
    """The values of :func:`char_freedoms` by code point (float64, 0x110000 of them; 0.0 for a
    character that is in no word)."""
    chars, offsets = word_arrays(lexicon.words)
    lens = np.diff(offsets)
    counts = np.asarray(lexicon.counts, dtype=np.float64)
    # (bincount adds its weights one at a time in order: the sums of the loop over the words)
    occ = np.bincount(chars, weights=np.repeat(counts, lens), minlength=0x110000)
    single = lens == 1
    alone = np.bincount(chars[offsets[:-1][single]], weights=counts[single], minlength=0x110000)
    freedom = np.zeros(0x110000)
    np.divide(alone, occ, out=freedom, where=occ > 0)
    return freedom


def unpaid_words(lexicon: Lexicon, *, margin: float = 1.5, entry_cost: float = 4.0) -> set[str]:
    """Words of two or more characters that do not pay for their entry in a segmented corpus
    (*lexicon*: the words of a segmentation with their counts there): stage 3's rule

        N(w) · (pmi − margin·(len(w) − 1)) < entry_cost · len(w),   pmi = ln p(w) − Σ ln p(k_j)

    with N and p counted in the segmentation rather than as n-grams, k₁..k_m the best split of w
    into other words (a character that is no word of its own counts ½). The entry cost is per
    character at every length here (stage 3 charges a short candidate per join,
    :func:`entry_charge`; charging the pruning of the hybrid so as well did not help). Stage 3 judges a word by
    every occurrence of its string; here only the occurrences the segmenter made a word count
    (会议 inside 国会议员 does not). Words with count 0 are unpaid.

    >>> sorted(unpaid_words(Lexicon(["中", "国", "中国", "的", "是", "的是"], [50, 40, 30, 900, 800, 2])))
    ['的是']
    """
    from minent.segmentation.kernels.lexicon import unpaid_mask, word_table

    chars, offsets, every, distinct = word_index(lexicon.words)
    positive = lexicon.counts > 0
    if distinct:  # (the dict below without building it: one count per string)
        counts = lexicon.counts[positive].tolist()
        total = sum(counts)  # (the sum of the dict's values, in the same order)
        if total <= 0:
            return {w for w in lexicon.words if len(w) > 1}
        lp = np.full(len(lexicon), -math.inf)
        lp[positive] = list(map(math.log, (lexicon.counts[positive] / total).tolist()))  # (math.log of each c / total)
    else:
        counts = {w: c for w, c in zip(lexicon.words, lexicon.counts.tolist()) if c > 0}
        total = sum(counts.values())
        if total <= 0:
            return {w for w in lexicon.words if len(w) > 1}
        # (the best split of every word over the words of positive count, in a kernel: a string
        # listed twice takes its last positive count, as the dict does)
        lp = {w: math.log(c / total) for w, c in counts.items()}
        lp = np.array([lp.get(w, -math.inf) for w in lexicon.words])
    # (the words of positive count, a string listed twice at its last: every word's own table
    # when all are positive and distinct, as the words of a segmentation are)
    table = every if distinct and positive.all() else word_table(chars, offsets, positive, True)
    mask = unpaid_mask(chars, offsets, table, lexicon.counts, lp, math.log(0.5 / total), float(margin),
                       float(entry_cost))
    return {lexicon.words[i] for i in np.flatnonzero(mask).tolist()}


def without_words(lexicon: Lexicon, drop: set[str]) -> Lexicon:
    """*lexicon* without the words *drop*, their counts given to their characters (a dropped
    word's occurrences are now cut into them): every character stays known to the decoder.

    >>> without_words(Lexicon(["经", "经济", "这"], [1, 9, 2]), {"经济"}).as_dict()
    {'经': 10.0, '这': 2.0, '济': 9.0}
    """
    from minent.segmentation.kernels.lexicon import find_strings

    words = lexicon.words
    chars, offsets, table, distinct = word_index(words)
    if not distinct:  # (a word listed twice: the dict keeps its first place and last count)
        counts = {w: c for w, c in zip(words, lexicon.counts.tolist()) if w not in drop}
        for w, c in zip(words, lexicon.counts.tolist()):
            if w in drop:
                for ch in w:
                    counts[ch] = counts.get(ch, 0.0) + c
        return Lexicon(list(counts), np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
    gone = np.zeros(len(words), dtype=bool)
    if drop:
        drop_chars, drop_offsets = word_arrays(list(drop))
        at = find_strings(table, chars, offsets, drop_chars, drop_offsets)
        gone[at[at >= 0]] = True
    keep = np.flatnonzero(~gone)
    counts = lexicon.counts[keep]  # (a copy)
    # the characters of the dropped words, in order, each with its word's count
    dropped = np.flatnonzero(gone)
    lens = offsets[dropped + 1] - offsets[dropped]
    cps = chars[_ranges(offsets[dropped], lens)]
    amounts = np.repeat(lexicon.counts[dropped], lens)
    at = find_strings(table, chars, offsets, cps, np.arange(len(cps) + 1))
    rank = np.full(len(words), -1)
    rank[keep] = np.arange(len(keep))
    at = np.where(at >= 0, rank[np.maximum(at, 0)], -1)  # (a dropped character comes back as new)
    old = at >= 0
    np.add.at(counts, at[old], amounts[old])  # (one at a time, in order, as the dict adds them)
    new_cps, first, inverse = np.unique(cps[~old], return_index=True, return_inverse=True)
    new_counts = np.zeros(len(new_cps))
    np.add.at(new_counts, inverse.ravel(), amounts[~old])
    order = np.argsort(first, kind="stable")  # (new characters in the order first met)
    return Lexicon(list(itertools.compress(words, (~gone).tolist())) + list(from_codepoints(new_cps[order])),
                   np.concatenate([counts, new_counts[order]]))


def joined_words(lexicon: Lexicon, cps: np.ndarray, offsets: np.ndarray, cuts: np.ndarray, counts: np.ndarray, *,
                 floor: float = 0.5) -> Lexicon:
    """*lexicon* with the strings ``cps[offsets[i]:offsets[i + 1]]`` given the counts
    ``counts[i]``, one after the other, each taking its count from its two parts, before and
    after ``cuts[i]`` (a part keeps at least *floor*): the loop ::

        counts = lexicon.as_dict()
        for w, c, cut in ...:
            counts[w] = float(c)
            for part in (w[:cut], w[cut:]):
                counts[part] = max(counts.get(part, 0.0) - c, floor)

    on arrays, the strings new to the lexicon coming after its words in the order first met.

    >>> from minent.text.chars import to_codepoints
    >>> lex = joined_words(Lexicon(["服务", "业", "中"], [9, 4, 3]), to_codepoints("服务业中国"),
    ...                    np.array([0, 3, 5]), np.array([2, 4]), np.array([3, 2]))
    >>> lex.as_dict()
    {'服务': 6.0, '业': 1.0, '中': 1.0, '服务业': 3.0, '中国': 2.0, '国': 0.5}
    """
    from minent.segmentation.kernels.lexicon import find_strings, take_from_parts

    lex_chars, lex_offsets = word_arrays(lexicon.words)
    n_lex, k = len(lexicon), len(offsets) - 1
    cps = np.asarray(cps, dtype=np.int64)
    offsets = np.asarray(offsets, dtype=np.int64)
    bounds = np.empty(2 * k + 1, dtype=np.int64)
    bounds[0::2], bounds[1::2] = offsets, cuts
    # every string (the lexicon's words, the new words, their parts) numbered by where it is
    # first listed: the lexicon's words are themselves, the others are entries from n_lex on
    chars = np.concatenate([lex_chars, cps, cps])
    all_offsets = np.concatenate([lex_offsets, len(lex_chars) + offsets[1:], len(lex_chars) + len(cps) + bounds[1:]])
    table = _table(chars, all_offsets)
    entry = find_strings(table, chars, all_offsets, chars, all_offsets)
    if (entry[:n_lex] != np.arange(n_lex)).any():  # (a word listed twice: as the dict of it)
        return joined_words(Lexicon.from_dict(lexicon.as_dict()), cps, offsets, cuts, counts, floor=floor)
    values = np.zeros(len(entry))
    values[:n_lex] = lexicon.counts
    new = take_from_parts(values, entry[n_lex:n_lex + k], entry[n_lex + k:].reshape(k, 2),
                          np.asarray(counts, dtype=np.float64), float(floor), n_lex)
    return Lexicon(lexicon.words + strings_of(chars, all_offsets[new], all_offsets[new + 1]),
                   np.concatenate([values[:n_lex], values[new]]))


def build_lexicon(
    texts: Iterable[str],
    *,
    max_len: int = 4,
    min_count: int = 2,
    margin: float = 1.5,
    entry_cost: float = 4.0,
    oov_max: int = 2,
    oov_penalty: float = 2.0,
    iterations: int = 30,
    tol: float = 5e-3,
    free_pair: float | None = 0.3,
    pre_split: bool = False,
    progress: Callable[[str], None] | None = None,
    scheduler: str | None = None,
    jobs: int | None = None,
    read_progress: Callable[[int], None] | None = None,
    partition_bytes: int | None = None,
) -> LexiconResult:
    """Learn a lexicon from raw *texts* by the minimum-entropy principle (see module docstring).

    Parameters: ``max_len`` longest candidate (characters); ``min_count`` fewest occurrences of a
    candidate n-gram; ``margin`` and ``entry_cost`` the description-length rule of redundancy
    removal; ``iterations`` most re-estimation passes, stopping early when bits/char improves by
    less than ``tol``; ``free_pair`` the freedom above which units make a collocation, not a
    word (stage 5; None: the mean freedom; 0 keeps every word); ``pre_split`` learn from Han
    runs only (digits/Latin are their own tokens; default False: a number or a Latin run is one
    unit, and may head a word: 0年 = N年).
    ``scheduler``: read, count and re-estimate on a Dask cluster (``tcp://host:8786``, or
    ``"local"`` for *jobs* worker processes here; *texts* must then be a
    :class:`minent.io.corpus.Corpus`, *read_progress* is called with the bytes read, and
    *partition_bytes* sets the size of a task, as in :func:`minent.parallel.dask.map_reduce`);
    the lexicon is the same (:mod:`minent.segmentation.cluster`).
    """
    _check_finite(margin, oov_penalty)
    with encoded(texts, pre_split=pre_split, scheduler=scheduler, jobs=jobs, progress=read_progress,
                 partition_bytes=partition_bytes) as enc:
        table = ngram_table(enc, max_len, min_count) if max_len >= 2 and enc.n_chars else None
        return learn_lexicon(enc, table, max_len=max_len, min_count=min_count, margin=margin, entry_cost=entry_cost,
                             oov_max=oov_max, oov_penalty=oov_penalty, iterations=iterations, tol=tol,
                             free_pair=free_pair, pre_split=pre_split, progress=progress)


@contextlib.contextmanager
def encoded(texts, *, pre_split: bool, scheduler: str | None = None, jobs: int | None = None, progress=None,
            partition_bytes: int | None = None):
    """The :class:`EncodedCorpus` of *texts*, or with *scheduler* the same corpus encoded and
    held on a Dask cluster (:func:`minent.segmentation.cluster.encode_on_cluster`; closed on exit)."""
    if scheduler is None:
        yield encode_corpus(texts, pre_split=pre_split)
        return
    from minent.segmentation.cluster import encode_on_cluster

    enc = encode_on_cluster(texts, scheduler, pre_split=pre_split, jobs=jobs, progress=progress,
                            partition_bytes=partition_bytes)
    try:
        yield enc
    finally:
        enc.close()


def _check_finite(margin: float, oov_penalty: float) -> None:
    for name, value in (("`margin`", margin), ("`oov_penalty`", oov_penalty)):
        if not math.isfinite(value):  # nan/inf would silently keep or drop every candidate
            raise UsageError(f"{name} must be a finite number, got {value}")


def learn_lexicon(enc: EncodedCorpus, table, *, max_len: int = 4, min_count: int = 2, margin: float = 1.5,
                  entry_cost: float = 4.0, oov_max: int = 2, oov_penalty: float = 2.0, iterations: int = 30,
                  tol: float = 5e-3, free_pair: float | None = 0.3, pre_split: bool = False,
                  progress: Callable[[str], None] | None = None, rel_tol: float = 0.0,
                  tables: dict | None = None) -> LexiconResult:
    """:func:`build_lexicon` of a corpus already encoded (:func:`encode_corpus`, with the
    ``pre_split`` given here: it is only recorded in the settings), with its n-gram *table* (:func:`ngram_table` of order ``max_len`` or
    more, counted with a threshold of ``min_count`` or less; None when ``max_len`` < 2 or the
    corpus is empty): ``train_segmenter`` shares one encoding and one table between the lexicon
    and the character LM. ``rel_tol``: re-estimation also stops when a pass lowers bits/char by
    less than this share of itself (the hybrid model's 1e-3; 0: ``tol`` alone). *tables*: a dict
    that keeps the n-gram hash tables of redundancy removal for the character LM
    (:func:`judged_candidates`)."""
    _check_finite(margin, oov_penalty)
    n_chars = enc.n_chars
    char_counts = enc.char_counts()
    bits_chars = code_length_bits(char_counts[2:].astype(np.float64), n_chars)
    log.info("lexicon: %d characters, %d distinct; %.4f bits/char with single characters",
             n_chars, len(enc.chars) - 2, bits_chars)
    char_counts[:2] = 0
    present = np.flatnonzero(char_counts)
    words: list[str] = decode_rows(present[:, None], enc.codepoints)
    counts: list[np.ndarray] = [char_counts[present].astype(np.float64)]
    n_cand = len(words)
    if max_len >= 2 and n_chars:
        if table is None or table.order < max_len:
            raise ValueError(f"learn_lexicon: an n-gram table of order >= max_len={max_len} is needed")
        number = enc.chars.index(NUMBER_UNIT) if NUMBER_UNIT in enc.chars else -1
        for n, ids, cnt, k in judged_candidates(table, char_counts, float(n_chars), margin=margin,
                                                entry_cost=entry_cost, min_count=min_count, max_len=max_len,
                                                oov_max=oov_max, tables=tables):
            n_cand += len(ids)
            if number >= 0:
                # a number heads its word (1997年, 3月份, 5万元), never ends or splits one (月5日)
                k = k & ~(ids[:, 1:] == number).any(axis=1)
            words += decode_rows(ids[k], enc.codepoints)
            counts.append(cnt[k].astype(np.float64))
    log.info("lexicon: %d candidates (n-grams up to %d characters seen >= %d times)", n_cand, max_len, min_count)
    lexicon = Lexicon(words, np.concatenate(counts))
    after = len(lexicon)
    log.info("lexicon: %d words after redundancy removal", after)
    settings = dict(max_len=max_len, min_count=min_count, margin=margin, entry_cost=entry_cost, oov_max=oov_max,
                    oov_penalty=oov_penalty, free_pair=free_pair, pre_split=pre_split)
    result = LexiconResult(lexicon, n_chars, bits_chars, candidates=n_cand, after_removal=after, settings=settings)
    if n_chars == 0:
        return result
    lexicon = _em(enc, lexicon, iterations, tol, result.bits_per_iteration, progress, (oov_max, oov_penalty), rel_tol)
    if free_pair is None or free_pair > 0:
        threshold = mean_freedom(lexicon) if free_pair is None else free_pair
        result.settings["free_pair"] = round(threshold, 4)  # the value used (stderr summary)
        drop = free_pairs(lexicon, threshold)
        if drop:
            log.info("lexicon: %d collocations of free units dropped (freedom >= %.3f)", len(drop), threshold)
            lexicon = without_words(lexicon, drop)
            result.bits_before_filter, result.bits_per_iteration = result.bits_per_iteration, []
            lexicon = _em(enc, lexicon, iterations, tol, result.bits_per_iteration, progress, (oov_max, oov_penalty), rel_tol)
    result.lexicon = lexicon
    return result
