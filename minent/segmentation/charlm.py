"""Character-n-gram-LM segmentation with b/c/d/e tags (docs/algorithms.md §3.4, Su Jianlin 2016).

A word c₁c₂c₃c₄… is scored by a character language model of order 4 as
p(c₁)·p(c₂|c₁)·p(c₃|c₁c₂)·p(c₄|c₁c₂c₃)·p(c₅|c₂c₃c₄)…, so each character takes one of four tags:
b (first of a word, unigram), c (second, bigram), d (third, trigram), e (fourth and later,
4-gram). Viterbi over tags with the allowed transitions b→b, b→c, c→b, c→d, d→b, d→e, e→b, e→e
and the published transition weights (multipliers; their natural logs are added to the path
score): bb 1, bc 0.15, cb 1, cd 0.01, db 1, de 0.01, eb 1, ee 0.001. Smaller weights on
continuing a word make words shorter: they control granularity.

The n-gram counts come from the training corpus; smoothing is the hierarchical Dirichlet
interpolation of :func:`minent.segmentation.kernels.viterbi.charlm_tag_scores` (``alpha``), except that the
b tag uses the Kneser–Ney continuation probability of the character (:meth:`CharLM.begin_scores`;
+1 F1 on pku_dev over the unigram frequency). No F1 was published for this method; see
benchmarks/eval_segment.py for ours.

The model is saved as .npz (never pickle): ``format``, ``codepoints`` (id → code point),
``bits``, ``alpha``, ``trans`` (4 × 4 weights) and ``keys1..4`` / ``counts1..4``.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from minent.errors import DataError, UsageError
from minent.io.npz import open_npz, save_npz
from minent.io.tables import atomic_output
from minent.segmentation.unigram import LineSegmenter

log = logging.getLogger("minent")

TAGS = "bcde"
DEFAULT_TRANSITIONS = {"bb": 1.0, "bc": 0.15, "cb": 1.0, "cd": 0.01, "db": 1.0, "de": 0.01, "eb": 1.0, "ee": 0.001}
FORMAT = "minent-charlm-1"


def transition_matrix(weights: dict[str, float] | None = None) -> np.ndarray:
    """4 × 4 matrix of ln(weight); transitions not listed are impossible (-inf)."""
    w = dict(DEFAULT_TRANSITIONS)
    if weights:
        unknown = set(weights) - set(DEFAULT_TRANSITIONS)
        if unknown:
            raise UsageError(f"unknown tag transition(s) {sorted(unknown)}; allowed: {sorted(DEFAULT_TRANSITIONS)}")
        w.update(weights)
    m = np.full((4, 4), -np.inf)
    for k, v in w.items():
        if not 0 < v < math.inf:  # inf: ln inf would make every other path impossible
            raise UsageError(f"transition weight {k}={v} must be > 0 and finite")
        m[TAGS.index(k[0]), TAGS.index(k[1])] = math.log(v)
    return m


TABLES_FORMAT = "minent-charlm-tables-2"
"""The cache format of :func:`cached_tables` (with the source of the kernels that build and read
the tables, :mod:`minent.segmentation.kernels.viterbi`, in the key)."""

TABLE_ENTRIES = 4
"""Models whose tables :func:`cached_tables` keeps (the most recently used)."""

TABLE_NAMES = ("table2", "overflow2", "table3", "overflow3", "joint4", "overflow4")


def cached_tables(members: tuple, build) -> list[np.ndarray]:
    """The n-gram hash tables of the model loaded from an .npz file whose zip directory lists
    *members* (:attr:`minent.io.npz.open_npz.members`) — the list of arrays *build* makes: those
    of :meth:`CharLM.count_tables`, the 4-gram one joint — from the entry ``charlm-<key>`` of the
    user cache (:func:`minent.io.cache_entry.load_or_build`: memory-mapped, checked against its
    manifest), built and saved there when absent.

    Building the tables of a model of 5M characters of poems (80 MiB) costs 0.1–0.2 s at every
    load: millions of writes at random places into fresh memory; the entry's pages come from the
    page cache, touched only where the decoder looks (and shared by the processes of ``--jobs``).

    The key is a hash of the cache format, the kernels' source (a change to the table layout
    makes a new entry) and *members*: every member's name, CRC-32, size and compression, rather
    than a hash of the whole file (0.09 s for a model of 82 MB, paid at every first load).
    That is safe because the tables are a function of the loaded arrays alone, and the loader
    checked every member's bytes against the CRC-32 its directory gives (:mod:`minent.io.npz`):
    two loads with the same *members* read the same arrays unless some member changed to other
    bytes of the same size and the same CRC-32. A model trained again and saved under the same
    name changes its counts, so a stale entry needs every changed member to keep its CRC-32 by
    chance: at most 2**-32. A CRC-32 can be forged on purpose, but whoever can make a user load
    a model file already decides what it segments; the cache is the user's own. The model's
    path is not in the key: a copy of a model shares its entry."""
    import hashlib

    from minent.cache import cache_dir
    from minent.io.cache_entry import load_or_build, prune_entries
    from minent.segmentation.kernels import viterbi

    try:
        kernels = Path(viterbi.__file__).read_bytes()
    except OSError:
        return build()
    listing = json.dumps([list(m) for m in members]).encode()
    key = hashlib.blake2b(f"{TABLES_FORMAT}\0".encode() + listing + b"\0" + kernels, digest_size=16).hexdigest()
    entry = cache_dir() / f"charlm-{key}"
    arrays, loaded = load_or_build(entry, TABLE_NAMES, TABLES_FORMAT, lambda: dict(zip(TABLE_NAMES, build())),
                                   "character LM tables")
    if not loaded:
        try:
            prune_entries(entry.parent, "charlm-", TABLE_ENTRIES)
        except OSError:
            pass
    return [arrays[name] for name in TABLE_NAMES]


class CharLM(LineSegmenter):
    """Character 4-gram language model and its b/c/d/e tag segmenter."""

    def __init__(self, codepoints: np.ndarray, bits: int, keys: list[np.ndarray], counts: list[np.ndarray], *,
                 alpha: float = 20.0, transitions: dict[str, float] | None = None, pre_split: bool = False):
        self.codepoints = np.asarray(codepoints, dtype=np.int64)
        self.bits = int(bits)
        self.keys = [np.ascontiguousarray(k, dtype=np.uint64) for k in keys]
        # whole numbers (training counts n-grams): 4 bytes each where they fit
        self.counts = [np.ascontiguousarray(c, dtype=np.uint32 if not len(c) or np.max(c) < 2**32 else np.float64)
                       for c in counts]
        self.alpha = float(alpha)
        self.trans = transition_matrix(transitions)
        self.pre_split = pre_split
        self.lut = np.ones(0x110000, dtype=np.int32)
        real = self.codepoints[2:]
        self.lut[real] = np.arange(2, 2 + len(real), dtype=np.int32)

    @classmethod
    def train(cls, texts: Iterable[str], *, alpha: float = 20.0, transitions: dict[str, float] | None = None,
              pre_split: bool = False) -> CharLM:
        """Count the 1..4-grams of *texts* (inside pieces) and build the model."""
        from minent.segmentation.lexicon import encode_corpus, ngram_table

        enc = encode_corpus(texts, pre_split=pre_split)
        return cls.from_table(enc, ngram_table(enc, cls.order_for(enc), 1), alpha=alpha, transitions=transitions,
                              pre_split=pre_split)

    @staticmethod
    def order_for(enc) -> int:
        """4, or 3 when four character ids of the encoded corpus *enc* do not fit 64 bits."""
        return 4 if max(1, int(len(enc.chars) - 1).bit_length()) * 4 <= 64 else 3

    @classmethod
    def from_table(cls, enc, table, *, alpha: float = 20.0, transitions: dict[str, float] | None = None,
                   pre_split: bool = False, tables: dict | None = None) -> CharLM:
        """The model of a corpus encoded by :func:`minent.segmentation.lexicon.encode_corpus` (with
        *pre_split*) from its n-gram *table* (:func:`minent.segmentation.lexicon.ngram_table`, every n-gram counted —
        ``min_count`` 1 — up to :meth:`order_for` or longer). *tables*: the hash tables of the
        n-grams of that same *table* that redundancy removal looked its counts up in
        (:func:`minent.segmentation.lexicon.judged_candidates`), ``{(n, bits): (table,
        overflow)}``; those of this model's ``bits`` are taken out and become its own
        (:meth:`count_tables`: the same counts, not built twice)."""
        from minent.segmentation.kernels.viterbi import pack_rows

        vocab = len(enc.chars)
        bits = max(1, int(vocab - 1).bit_length())
        orders = cls.order_for(enc)
        if table.order < orders or getattr(table, "min_count", 1) > 1:
            raise ValueError(f"CharLM.from_table: a table of every n-gram up to order {orders} is needed")
        keys, counts = [], []
        for n in range(1, 5):
            if n <= orders:
                packed = table.packed(n, bits)  # (the table's own keys when they are packed so)
                if packed is None:
                    ids, c = table.grams(n)
                    packed = pack_rows(ids, bits), c
                k, c = packed
                if len(k) > 1 and not (k[1:] > k[:-1]).all():  # (the table's rows usually come sorted)
                    order = np.argsort(k)  # sorted keys: the saved form (the decoder hashes them, count_tables)
                    k, c = k[order], c[order]
            else:
                k, c = np.zeros(0, np.uint64), np.zeros(0, np.int64)
            keys.append(k)
            counts.append(c)
        log.info("charlm: %d characters, %d distinct, n-grams: %s", enc.n_chars, vocab - 2,
                 ", ".join(str(len(k)) for k in keys))
        cps = np.array([-1, -1] + [ord(ch) for ch in enc.chars[2:]], dtype=np.int64)
        lm = cls(cps, bits, keys, counts, alpha=alpha, transitions=transitions, pre_split=pre_split)
        lm._built = {n: tables.pop((n, bits)) for n in range(2, orders + 1) if (n, bits) in (tables or {})}
        return lm

    def tag_scores(self, ids: np.ndarray) -> np.ndarray:
        """b/c/d/e scores (n × 4) of the characters *ids* (this model's ids; unseen = UNK): those
        of :func:`minent.segmentation.kernels.viterbi.charlm_tag_scores`, from the
        :meth:`context_counts` of *ids*."""
        return self.scores_of_counts(ids, self.context_counts(ids))

    def context_counts(self, ids: np.ndarray) -> np.ndarray:
        """The n-gram counts behind the tag scores of *ids*
        (:func:`minent.segmentation.kernels.viterbi.charlm_context_counts`, or
        :func:`~minent.segmentation.kernels.viterbi.charlm_context_counts_joint` when the 4-gram
        table of :meth:`count_tables` is a joint one): an (n × 3) uint32 array (float64 when a
        count does not fit), 12 bytes a character where the scores take 32; :meth:`scores_of_counts`
        turns them into exactly the scores of :meth:`tag_scores`."""
        from minent.segmentation.kernels.viterbi import charlm_context_counts, charlm_context_counts_joint

        _, t = self.count_tables()
        # (counts are uint32 unless one does not fit: __init__)
        wide = any(c.dtype != np.uint32 and len(c) and c.max() >= 2**32 for c in self.counts[1:])
        seen = np.zeros((len(ids), 3), dtype=np.float64 if wide else np.uint32)
        if t[4].ndim == 2:
            table2, over2, table3, over3, joint, over4 = t
            charlm_context_counts_joint(ids, joint, over4, table2, over2, table3, over3, self.bits, seen)
        else:
            charlm_context_counts(ids, *t, self.bits, seen)
        return seen

    def scores_of_counts(self, ids: np.ndarray, seen: np.ndarray) -> np.ndarray:
        """:meth:`tag_scores` of *ids* from their :meth:`context_counts` *seen*."""
        from minent.segmentation.kernels.viterbi import charlm_scores_of_counts

        return charlm_scores_of_counts(ids, seen, self.unigram_counts(), self.alpha,
                                       float(max(len(self.codepoints) - 2, 1)), self.begin_scores())

    def context_scores(self, ids: np.ndarray) -> np.ndarray:
        """The scores of tags c, d, e of *ids* (n × 3 float64: columns 1..3 of :meth:`tag_scores`,
        exactly; :func:`minent.segmentation.kernels.viterbi.charlm_context_scores`): what of the
        tag scores comes from the n-grams, the tag b score being one lookup by character.
        Self-training keeps them for its corpus (24 bytes a unit) and decodes every round from
        them (``HybridSegmenter.decode_units(lm_context=...)``)."""
        from minent.segmentation.kernels.viterbi import charlm_context_scores

        return charlm_context_scores(ids, self.context_counts(ids), self.unigram_counts(), self.alpha,
                                     float(max(len(self.codepoints) - 2, 1)))

    def prepare(self) -> None:
        """Build the count tables and begin scores the decoder uses (see :meth:`count_tables`)."""
        self.count_tables()
        self.begin_scores()

    def count_tables(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """What the decoder looks its counts up in, built once: the count of every character id,
        and the 2..4-gram counts as hash tables, ``[table2, overflow2, table3, ..., overflow4]``
        (:func:`minent.segmentation.kernels.viterbi.packed_count_table`: key and count in one
        uint64). Counts are whole numbers (training counts n-grams), so the tables hold them as
        integers. A model loaded from a file (:meth:`cache_tables`) has a joint 4-gram table
        (:func:`~minent.segmentation.kernels.viterbi.joint_count_table`, two columns) in the
        place of ``table4``: built once and kept in the user cache, it makes the lookups of
        :meth:`context_counts` cheaper. Those :meth:`from_table` was given are taken as they are."""
        if getattr(self, "_tables", None) is None:
            members = getattr(self, "_tables_source", None)
            if members is None:
                tables = self._build_tables()
            else:
                tables = cached_tables(members, lambda: self._build_tables(joint=True))
            self._tables = self.unigram_counts(), tables
        return self._tables

    def _build_tables(self, joint: bool = False) -> list[np.ndarray]:
        from minent.segmentation.kernels.viterbi import joint_count_table, packed_count_table

        built, self._built = getattr(self, "_built", {}), {}  # (from_table's)
        tables = [x for n, (k, c) in enumerate(zip(self.keys[1:], self.counts[1:]), 2)
                  for x in (built[n] if n in built else packed_count_table(k, c, n * self.bits))]
        if joint:
            tables[4] = joint_count_table(tables[4], *tables[:4], self.bits)
        return tables

    def cache_tables(self, members: tuple) -> None:
        """Take the 2..4-gram hash tables of :meth:`count_tables` from the user cache
        (:func:`cached_tables`) when this model was loaded from an .npz file whose zip directory
        lists *members* (:attr:`minent.io.npz.open_npz.members`), rather than build them."""
        self._tables_source = tuple(members)

    def unigram_counts(self) -> np.ndarray:
        """The count of every character id (float64): the first of :meth:`count_tables`, built
        alone (what scoring from :meth:`context_counts` needs)."""
        if getattr(self, "_unigram", None) is None:
            unigram = np.zeros(len(self.codepoints), dtype=np.float64)
            unigram[self.keys[0].astype(np.int64)] = self.counts[0]
            self._unigram = unigram
        return self._unigram

    def release_tables(self) -> None:
        """Free the 2..4-gram hash tables of :meth:`count_tables` (built again when next needed):
        about 1.5 times the size of the n-grams' sorted keys and counts (288 MiB for 20M characters
        of poems), idle while self-training decodes from :meth:`context_scores`."""
        self._tables = None

    def begin_scores(self) -> np.ndarray:
        """ln p_b(c) for every character id: how likely c is to begin a word (tag b).

        Kneser–Ney's continuation probability rather than the unigram frequency: a word start is
        where the context of the previous characters stops helping, so p_b(c) grows with the
        number of *distinct* characters seen before c, N₁₊(·c), not with its count —

            p_b(c) = (N₁₊(·c) + V · p(c)) / (Σ N₁₊ + V)      (V distinct characters, p the unigram)

        A bound character (济 of 经济, one left neighbour) is then an unlikely word start, a free
        one (是, many) a likely one. On pku_dev the charlm segmenter scores F1 0.765 with it,
        0.755 with the unigram frequency (hybrid +0.06)."""
        if getattr(self, "_begin", None) is None:
            n = len(self.codepoints)
            mask = np.uint64((1 << self.bits) - 1)
            left_types = np.bincount((self.keys[1] & mask).astype(np.int64), minlength=n).astype(np.float64)
            uni = np.zeros(n)
            uni[self.keys[0].astype(np.int64)] = self.counts[0]
            uni /= max(uni.sum(), 1.0)
            beta = float(max(n - 2, 1))
            with np.errstate(divide="ignore"):
                self._begin = np.log((left_types + beta * uni) / (left_types.sum() + beta))
        return self._begin

    def decode_ids(self, ids: np.ndarray) -> tuple[np.ndarray, float]:
        from minent.segmentation.kernels.viterbi import tag_viterbi

        return tag_viterbi(ids, self.tag_scores(ids), self.trans), 0.0

    def arrays(self) -> dict[str, np.ndarray]:
        """The model as named arrays (what :meth:`save` writes)."""
        arrays = {f"keys{i + 1}": k for i, k in enumerate(self.keys)}
        # whole numbers: 4 bytes each where they fit (a float64 file of older versions loads too)
        arrays.update({f"counts{i + 1}": c.astype(np.uint32) if not len(c) or c.max() < 2**32 else c
                       for i, c in enumerate(self.counts)})
        arrays.update(format=np.array(FORMAT), codepoints=self.codepoints, bits=np.array(self.bits),
                      alpha=np.array(self.alpha), trans=np.exp(self.trans), pre_split=np.array(self.pre_split))
        return arrays

    def save(self, path: str | Path) -> None:
        with atomic_output(path, binary=True) as f:
            save_npz(f, self.arrays())  # (not compressed, aligned: loads memory-mapped)

    @classmethod
    def load(cls, path: str | Path, *, transitions: dict[str, float] | None = None) -> CharLM:
        """Load a model saved by :meth:`save`; DataError when the file is not one."""
        with (opened := open_npz(path)) as z:
            if str(z.get("format", "")) != FORMAT:
                raise DataError(f"{path}: not a minent charlm model (.npz written by minent segment --save)")
            model = cls.from_arrays(z, path, transitions=transitions)
        model.cache_tables(opened.members)
        return model

    @classmethod
    def from_arrays(cls, z, path, *, transitions: dict[str, float] | None = None) -> CharLM:
        try:
            cps = z["codepoints"]
            bits = int(z["bits"])
            keys = [z[f"keys{i}"] for i in range(1, 5)]
            counts = [z[f"counts{i}"] for i in range(1, 5)]
            alpha = float(z["alpha"])
            trans = z["trans"]
            pre_split = bool(z["pre_split"])
        except (KeyError, ValueError, TypeError) as e:
            raise DataError(f"{path}: malformed charlm model ({e})") from None
        if cps.ndim != 1 or len(cps) < 2 or trans.shape != (4, 4) or not 1 <= bits <= 21:
            raise DataError(f"{path}: malformed charlm model (bad shapes)")
        if any(len(k) != len(c) for k, c in zip(keys, counts)) or any(
            len(k) > 1 and not np.all(k[1:] > k[:-1]) for k in keys
        ):
            raise DataError(f"{path}: malformed charlm model (n-gram keys unsorted or counts misaligned)")
        if any(c.dtype.kind not in "uif" or (len(c) and not (c.min() >= 1 and c.max() < 2.0**53 and (
                c.dtype.kind in "ui" or np.array_equal(c, np.floor(c))))) for c in counts):
            raise DataError(f"{path}: malformed charlm model (n-gram counts must be whole numbers >= 1)")
        if len(cps) > 2 and (cps[2:].min() < 0 or cps[2:].max() >= 0x110000):
            raise DataError(f"{path}: malformed charlm model (code point out of range)")
        w = {TAGS[i] + TAGS[j]: float(trans[i, j]) for i in range(4) for j in range(4)
             if TAGS[i] + TAGS[j] in DEFAULT_TRANSITIONS}
        if transitions:
            w.update(transitions)
        return cls(cps, bits, keys, counts, alpha=alpha, transitions=w, pre_split=pre_split)
