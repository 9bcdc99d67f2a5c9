"""The hybrid segmenter (``--model hybrid``, the default of ``segment --train``): the unigram
lexicon Viterbi with each word's character-LM score added, and a self-trained boundary model."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from minent.errors import DataError, UsageError
from minent.io.npz import save_npz
from minent.io.tables import atomic_output
from minent.segmentation.boundary import BoundaryModel
from minent.segmentation.charlm import CharLM
from minent.segmentation.lexicon_model import Lexicon
from minent.segmentation.unigram import LineSegmenter, UnigramSegmenter
from minent.segmentation.units import CHUNK_UNITS, DistinctPieces, corpus_units, unit_slices

log = logging.getLogger("minent")

HYBRID_FORMAT = "minent-hybrid-1"

class HybridSegmenter(LineSegmenter):
    """Unigram lexicon Viterbi where every word also gets its character-LM score.

    A word scores ``w_lex · ln p(w) + w_lm · (its b/c/d/e score under the char LM)`` (see
    :func:`minent.segmentation.kernels.viterbi.hybrid_segment`): the lexicon knows which strings are words,
    the LM how well each fits its context of characters. On pku_dev this scores +1.4 F1 over
    either model alone; weights 0.25..0.5 : 1 all do about as well (default 0.5 : 1).

    With a *boundary* model (:mod:`minent.segmentation.boundary`, fitted by :meth:`self_train`), each word also
    gets ``w_boundary`` · (ln p(boundary before it) + Σ ln p(no boundary) inside it), from the
    characters around each gap (+0.55 F1 on pku_dev; default ``w_boundary`` 3, flat from 3 to 5).

    With *classifiers* (code points, learned by :meth:`self_train` with
    :func:`minent.segmentation.numerals.learn_classifiers`) the decoder keeps every numeral run in
    one word and starts a word at a classifier right after one (:mod:`minent.segmentation.numerals`:
    一百二十 个, 两 国); None: no numeral rule (a model saved before it).
    """

    def __init__(self, unigram: UnigramSegmenter, lm: CharLM, *, w_lex: float = 0.5, w_lm: float = 1.0,
                 boundary: BoundaryModel | None = None, w_boundary: float = 3.0,
                 classifiers: np.ndarray | None = None):
        if not w_lex > 0 or not w_lm >= 0 or not w_boundary >= 0:
            raise UsageError("hybrid weights: w_lex must be > 0, w_lm and w_boundary >= 0")
        self._unigram, self._lexicon = unigram, None
        self.lm = lm
        self.w_lex = float(w_lex)
        self.w_lm = float(w_lm)
        self.boundary = boundary
        self.w_boundary = float(w_boundary)
        self.classifiers = None if classifiers is None else np.asarray(classifiers, dtype=np.int32)
        self._joins = self._joins_of = None  # (lexicon_joins of self.unigram, made when needed)
        self.pre_split = unigram.pre_split

    @property
    def unigram(self) -> UnigramSegmenter:
        """The unigram model, of the lexicon :meth:`_use_lexicon` gave last (built when first
        needed after it: the passes of self-training change the lexicon one after the other)."""
        if self._lexicon is not None:
            u = self._unigram
            self._unigram = UnigramSegmenter(self._lexicon, pre_split=u.pre_split, oov_max=u.oov_max,
                                             oov_penalty=u.oov_penalty)
            self._lexicon = None
        return self._unigram

    @property
    def lexicon(self) -> Lexicon:
        """The lexicon decoded with (:attr:`unigram`'s, whether built yet or not)."""
        return self._unigram.lexicon if self._lexicon is None else self._lexicon

    @property
    def lut(self) -> np.ndarray:
        return self.unigram.lut

    def prepare(self) -> None:
        """Build the char LM's lookup tables now (:meth:`CharLM.prepare`)."""
        self.lm.prepare()

    def decode_units(self, ucp: np.ndarray, lm_scores: np.ndarray | None = None, *,
                     lm_context: np.ndarray | None = None) -> np.ndarray:
        """Word starts of the units *ucp*; *lm_scores* are their char-LM tag scores when already
        computed, or *lm_context* their scores of tags c, d, e (:meth:`CharLM.context_scores`:
        self-training decodes the same text with the same LM every round; used when ``w_lm >
        0``)."""
        from minent.segmentation.kernels.viterbi import hybrid_segment

        u = self.unigram
        ids = u.ids_of(ucp)
        if lm_scores is None and self.w_lm > 0:
            return self._decode_fused(ucp, ids, lm_context)
        if lm_scores is None:
            lm = self.lm.tag_scores(self.lm.ids_of(ucp))
        else:
            lm = lm_scores
        trans, w_lm = self.lm.trans, self.w_lm
        if self.boundary is not None and self.w_boundary > 0:
            # the kernel adds w_lm · (tag scores + transitions) per word: fold the boundary
            # log-probabilities into the tag scores so that they count w_boundary times
            if w_lm > 0:  # (the scores of this call only are changed in place)
                lm = self.boundary.add_to_tag_scores(ucp, lm, self.w_boundary / w_lm, in_place=lm_scores is None)
            else:
                lm = self.boundary.add_to_tag_scores(ucp, np.zeros_like(lm), 1.0, in_place=True)
                trans, w_lm = np.zeros((4, 4)), self.w_boundary
        inside = None
        if self.classifiers is not None:
            lm, trans, w_lm, inside = self._numeral_rules(ucp, lm, lm_scores, trans, w_lm)
        if inside is not None and len(inside):
            # a numeral run is one unit, as a number of digits is: the decoder sees its first unit
            # only (with the scores of the real text), so a run of any length can be one word
            keep = np.ones(len(ucp), dtype=bool)
            keep[inside] = False
            keep = np.flatnonzero(keep)
            begin = np.zeros(len(ucp), dtype=np.uint8)
            begin[keep], _ = hybrid_segment(ids.take(keep), u.trie, u.depth, u.unk_score,
                                            u.char_score, u.span_score, u.oov_max, -u.oov_penalty,
                                            lm.take(keep, axis=0), trans, self.w_lex, w_lm)
            return begin
        begin, _ = hybrid_segment(ids, u.trie, u.depth, u.unk_score, u.char_score,
                                  u.span_score, u.oov_max, -u.oov_penalty, lm, trans, self.w_lex, w_lm)
        return begin

    def _decode_fused(self, ucp, ids, lm_context):
        """:meth:`decode_units` when the LM counts (``w_lm > 0``) and its scores are not given:
        the tag scores of the units decoded, with the boundary model and the numeral rules, in
        one kernel (:func:`minent.segmentation.kernels.viterbi.hybrid_tag_scores`, the same
        scores as the steps of :meth:`decode_units` one by one)."""
        from minent.segmentation.kernels.viterbi import hybrid_segment, hybrid_tag_scores
        from minent.segmentation.numerals import FORBIDDEN

        u, lm = self.unigram, self.lm
        lm_ids = lm.ids_of(ucp)
        if lm_context is None:
            seen = lm.context_counts(lm_ids)
        else:  # (the scores of tags c, d, e given: no counts needed)
            seen = np.zeros((0, 3), np.uint32)
        rules, inside = np.zeros(0, np.uint8), None
        if self.classifiers is not None:
            inside, start = self._numeral_cuts(ucp)
            if inside.any() or start.any():
                rules = inside.view(np.uint8) | (start.view(np.uint8) << 1)  # 1: no b, 2: only b
            if not inside.any():
                inside = None
        keep = np.arange(len(ucp)) if inside is None else np.flatnonzero(~inside)
        weights = np.zeros(0)
        if self.boundary is not None and self.w_boundary > 0:
            weights = self.boundary.weights
        scores = hybrid_tag_scores(lm_ids, seen, lm.unigram_counts(), lm.alpha, float(max(len(lm.codepoints) - 2, 1)),
                                   lm.begin_scores(), np.ascontiguousarray(ucp, dtype=np.int32), weights,
                                   float(self.w_boundary / self.w_lm), rules, FORBIDDEN / self.w_lm, keep,
                                   lm_context)
        args = (u.trie, u.depth, u.unk_score, u.char_score, u.span_score, u.oov_max, -u.oov_penalty, scores,
                lm.trans, self.w_lex, self.w_lm)
        if inside is None:
            return hybrid_segment(ids, *args)[0]
        begin = np.zeros(len(ucp), dtype=np.uint8)
        begin[keep], _ = hybrid_segment(ids.take(keep), *args)
        return begin

    def _numeral_cuts(self, ucp):
        """:func:`minent.segmentation.numerals.numeral_cuts` of *ucp* with this lexicon's joins."""
        from minent.segmentation.numerals import RUN_STARTS, lexicon_joins, numeral_cuts

        if self._joins_of is not self.unigram:  # (the lexicon changes when pruned)
            self._joins, self._joins_of = lexicon_joins(self.unigram.lexicon.words, RUN_STARTS), self.unigram
        return numeral_cuts(ucp, self.classifiers, self._joins)

    def _numeral_rules(self, ucp, lm, kept, trans, w_lm):
        """The tag scores *lm* with :func:`minent.segmentation.numerals.numeral_cuts` made hard
        (a forbidden tag costs ``FORBIDDEN`` nats); a copy when *lm* is the caller's *kept*."""
        from minent.segmentation.numerals import FORBIDDEN

        inside, start = (np.flatnonzero(m) for m in self._numeral_cuts(ucp))
        if len(inside) == 0 and len(start) == 0:
            return lm, trans, w_lm, inside
        if w_lm == 0:  # (the LM does not count: the rules alone in the tag scores)
            lm, trans, w_lm = np.zeros_like(lm), np.zeros((4, 4)), 1.0
        elif lm is kept:
            lm = lm.copy()
        lm[inside, 0] -= FORBIDDEN / w_lm  # tag b: a word starting there
        lm[start, 1:] -= FORBIDDEN / w_lm  # tags c, d, e: a word going on there
        return lm, trans, w_lm, inside

    def self_train(self, texts: Iterable[str], *, rounds: int = 3, progress=None, prune: bool = False,
                   free_pair: float | None = None) -> HybridSegmenter:
        """Train the boundary model on this segmenter's own segmentation of *texts*, *rounds*
        times (decode with the current model, refit); see :mod:`minent.segmentation.boundary`.
        The classifiers of *texts* are learned first (the numeral rules of
        :mod:`minent.segmentation.numerals` then hold in every decoding).
        With *prune* the first segmentation also judges its two-character strings by their
        neighbours (:meth:`settle_pairs`, whose segmentation the first boundary model is fitted
        on), prunes the lexicon (:meth:`drop_collocations` with *free_pair*), replaces its
        fragments by the words they are part of (:meth:`extend_fragments`) and adds stem +
        suffix words (:meth:`join_suffixes`). Returns self."""
        return self.self_train_units(corpus_units(texts, self.pre_split), rounds=rounds, progress=progress,
                                     prune=prune, free_pair=free_pair)

    def self_train_units(self, ucp: np.ndarray, *, rounds: int = 3, progress=None, prune: bool = False,
                         free_pair: float | None = None) -> HybridSegmenter:
        """:meth:`self_train` on the units of a corpus (:func:`minent.segmentation.units.corpus_units`;
        runs of separators may be one separator: that changes nothing)."""
        from minent.segmentation.lexicon import mean_freedom
        from minent.segmentation.numerals import learn_classifiers

        self.classifiers = learn_classifiers(ucp)
        log.info("hybrid: %d classifiers (units after numbers of perplexity 2 or more)", len(self.classifiers))
        passes = max(rounds, 1) if prune else rounds
        if passes == 0:
            return self
        # every round decodes each distinct piece once and spreads its words to every copy
        pieces = DistinctPieces(ucp)
        distinct = pieces.units
        log.info("hybrid: self-training decodes %d distinct pieces of %d (%d of %d units)",
                 int(np.count_nonzero(distinct < 0)), pieces.n_pieces, len(distinct), len(ucp))
        slices = unit_slices(distinct)
        # the char-LM scores of the corpus do not change between rounds: those of tags c, d, e
        # are computed once (24 bytes a unit; tag b's is one lookup by character)
        keep = passes > 1 and self.w_lm > 0
        context = [self.lm.context_scores(self.lm.ids_of(distinct[a:b])) if keep else None for a, b in slices]
        if keep:
            # the rounds decode from these scores: the LM's hash tables they were computed from
            # are idle until this model next segments other text (built again then)
            self.lm.release_tables()
        for r in range(passes):
            begin = pieces.spread(ucp, np.concatenate(
                [self.decode_units(distinct[a:b], lm_context=c) for (a, b), c in zip(slices, context)]
                or [np.zeros(0, np.uint8)]))
            if prune and r == 0:
                seen = self.seen_lexicon(ucp, begin)
                # (the freedom threshold of both prunings, measured once on the same words)
                threshold = mean_freedom(seen) if free_pair is None else free_pair
                # (the lexicon's pairs as they were: a collocation the pruning drops is cut in
                # the boundary model's first labels too)
                settled, words = self.settle_pairs(ucp, begin)
                self.drop_collocations(ucp, begin, threshold, seen=seen, keep_pairs=words)
                self.extend_fragments(ucp, begin)
                begin = settled
                self.join_suffixes(ucp, begin, seen, threshold)
            if r < rounds:
                self.boundary = BoundaryModel.train(ucp, begin)
                log.info("hybrid: boundary model, self-training round %d of %d", r + 1, rounds)
                if progress is not None:
                    progress(f"self-training round {r + 1}/{rounds}")
        return self

    def seen_lexicon(self, ucp: np.ndarray, begin: np.ndarray) -> Lexicon:
        """The words of the segmentation *begin* of the units *ucp*, with their counts there."""
        u = self.unigram
        counts = None
        for a, b in unit_slices(ucp, CHUNK_UNITS):  # (the counts of the whole, in bounded memory)
            part = u.count_words(u.ids_of(ucp[a:b]), begin[a:b])
            counts = part if counts is None else counts.merge(part)
        return u.lexicon_of_counts(counts) if counts is not None else u.recount(u.ids_of(ucp), begin)

    def join_suffixes(self, ucp: np.ndarray, begin: np.ndarray, seen: Lexicon | None = None,
                      free_pair: float | None = None) -> int:
        """Add to the lexicon the stem + suffix words (服务业, 委员会) of up to 4 characters that
        this model's own segmentation *begin* of the units *ucp* cut into a word of the lexicon and a
        suffix (:func:`minent.segmentation.lexicon.suffix_words`: a bound character cut off after
        two or more different stems), each with the count of those cuts, taken from its stem
        and its suffix (a part never falls below ½). *seen*: :meth:`seen_lexicon` of *begin*;
        *free_pair*: the freedom threshold of :meth:`drop_collocations` (None: the mean; 0: no
        suffix). Returns how many words came in."""
        from minent.segmentation.kernels.lexicon import find_strings
        from minent.segmentation.lexicon import joined_words, mean_freedom, suffix_cuts, word_index

        if seen is None:
            seen = self.seen_lexicon(ucp, begin)
        threshold = mean_freedom(seen) if free_pair is None else free_pair
        lexicon = self.lexicon
        chars, offsets, table, _ = word_index(lexicon.words)
        # (the stems are the lexicon's words: those of one character never end a stem + suffix cut)
        cps, offsets_new, cuts, counts = suffix_cuts(ucp, begin, seen, (chars, offsets, table), threshold)
        new = find_strings(table, chars, offsets, cps, offsets_new) < 0  # (not yet a word of the lexicon)
        if not new.any():
            return 0
        lens = np.diff(offsets_new)[new]
        keep = np.repeat(new, np.diff(offsets_new))
        offsets_new = np.concatenate([[0], np.cumsum(lens)])
        self._use_lexicon(joined_words(lexicon, cps[keep], offsets_new, offsets_new[1:] - 1, counts[new]))
        log.info("hybrid: %d stem + suffix words added from its own segmentation", int(new.sum()))
        return int(new.sum())

    def settle_pairs(self, ucp: np.ndarray, begin: np.ndarray) -> tuple[np.ndarray, set[str]]:
        """Judge the two-character strings of this model's own segmentation *begin* of the
        units *ucp* by their neighbours (:func:`minent.segmentation.pairs.pair_evidence`), Han
        characters only:

        * a pair of one-character words cut at least ``MIN_PAIRS`` (2) times and not in the
          lexicon, whose neighbours on both sides are worse explained by its parts as free
          words than by a word boundary (evidence < 0 on both sides: 現在, 有人), becomes a
          lexicon word, its count the number of those cuts, taken from its characters (each
          keeps at least ½);
        * a two-character lexicon word whose neighbours on both sides are better explained by
          its parts than by a word boundary (evidence > 0 on both: 這是, 住在) and than by its
          own neighbours learned as they come (``own=True``: 但是, 还是 in hotel reviews stay) is
          dropped, its count going to its characters
          (:func:`~minent.segmentation.lexicon.without_words`).

        Returns the segmentation with the same decisions (those cuts joined, those words cut),
        for the first boundary fit: fitted on *begin*, the boundary model would bring back
        what the lexicon just left (the lexicon alone moves almost nothing); and the
        two-character lexicon words whose neighbours on both sides are better explained as
        those of a word than by their parts, against a word boundary and against their own
        neighbours (evidence < 0 on all four counts, the mirror of a collocation: 場所, 得到),
        which the free-pair rule of :meth:`drop_collocations` then leaves alone."""
        from minent.segmentation.lexicon import joined_words, without_words, word_arrays
        from minent.segmentation.pairs import (MIN_PAIRS, adjacent_singles, among, pair_evidence, pair_keys,
                                               two_unit_words, unpack_pairs)
        from minent.text.chars import HAN, char_class_table, from_codepoints

        han = (ucp >= 0) & (char_class_table()[np.maximum(ucp, 0)] == HAN)
        lexicon = self.lexicon
        cut_at = adjacent_singles(ucp, begin, han)
        cut_pairs = pair_keys(ucp, cut_at)
        cut_keys, cut_n = np.unique(cut_pairs, return_counts=True)
        chars, offsets = word_arrays(lexicon.words)
        lex_cps = chars[offsets[:-1][np.diff(offsets) == 2][:, None] + np.arange(2)]
        lex_cps = lex_cps[(char_class_table()[lex_cps] == HAN).all(axis=1)]
        lex_keys = np.unique(pair_keys(lex_cps.ravel(), np.arange(0, lex_cps.size, 2)))
        known = among(cut_keys, lex_keys)  # (a lexicon word cut by the segmenter)
        cand = (cut_n >= MIN_PAIRS) & ~known
        cand_keys, cand_n = cut_keys[cand], cut_n[cand]
        left, right, own_left, own_right = pair_evidence(
            ucp, begin, unpack_pairs(np.concatenate([cand_keys, lex_keys])), own=True)
        k = len(cand_keys)
        word = (left[:k] < 0) & (right[:k] < 0)
        # a word goes only when its parts explain both sides better than a word boundary and
        # better than the word's own neighbours, learned as they come
        colloc = (left[k:] > 0) & (right[k:] > 0) & (own_left[k:] > 0) & (own_right[k:] > 0)
        colloc_keys = lex_keys[colloc]
        word_keys = cand_keys[word]
        # a word by both descriptions: what the free-pair rule is not to drop
        words = (left[k:] < 0) & (right[k:] < 0) & (own_left[k:] < 0) & (own_right[k:] < 0)

        def strings(keys):
            text = from_codepoints(unpack_pairs(keys).ravel().astype(np.int32))
            return [text[i:i + 2] for i in range(0, len(text), 2)]

        drop = set(strings(colloc_keys))
        if drop:
            lexicon = without_words(lexicon.distinct(), drop)
        if len(word_keys):  # (each new word's count taken from its two characters, each keeping ½)
            k = len(word_keys)
            lexicon = joined_words(lexicon, unpack_pairs(word_keys).ravel(), np.arange(0, 2 * k + 1, 2),
                                   np.arange(1, 2 * k, 2), cand_n[word])
        if drop or len(word_keys):
            self._use_lexicon(lexicon)
        log.info("hybrid: %d two-character words from their neighbours, %d collocations dropped", len(word_keys),
                 len(drop))
        begin = begin.copy()
        begin[cut_at[among(cut_pairs, word_keys)] + 1] = 0
        joined = two_unit_words(ucp, begin, han)
        begin[joined[among(pair_keys(ucp, joined), colloc_keys)] + 1] = 1
        return begin, set(strings(lex_keys[words]))

    def drop_collocations(self, ucp: np.ndarray, begin: np.ndarray, free_pair: float | None = None, *,
                          margin: float = 1.5, entry_cost: float = 4.0, seen: Lexicon | None = None,
                          keep_pairs: Iterable[str] = ()) -> int:
        """Prune the lexicon by this model's own segmentation *begin* of the units *ucp*: drop
        the words it makes too seldom to pay for their entry
        (:func:`minent.segmentation.lexicon.unpaid_words`, *margin* and *entry_cost* as in
        :func:`~minent.segmentation.lexicon.build_lexicon`), and the collocations of free units
        (:func:`~minent.segmentation.lexicon.free_pairs`, threshold *free_pair*; None: the mean
        freedom), both measured on this segmentation rather than the lexicon's unigram one: the
        unigram segmentation cuts the rare words of a small corpus into characters that then look
        free (CityU, 67k characters: F1 0.760 → 0.765; PKU 0.811 → 0.814). Dropped words give
        their counts to their characters (:func:`~minent.segmentation.lexicon.without_words`);
        the other words keep theirs. *seen*: :meth:`seen_lexicon` of *begin*, when the caller has
        it. *keep_pairs*: two-character words the collocation rule leaves alone, whose neighbours
        (:meth:`settle_pairs`) show them to be words — in a small corpus both characters of
        場所, 得到, 著名 are words by themselves more often than the average character (CityU F1
        0.8003 → 0.8015). Returns how many went."""
        from minent.segmentation.lexicon import free_pairs, mean_freedom, unpaid_words, without_words

        if seen is None:
            seen = self.seen_lexicon(ucp, begin)
        threshold = mean_freedom(seen) if free_pair is None else free_pair
        collocations = free_pairs(seen, threshold) if threshold > 0 else set()  # (0: none)
        collocations -= set(keep_pairs)
        unpaid = unpaid_words(seen, margin=margin, entry_cost=entry_cost)
        lexicon = self.lexicon
        drop = (collocations | unpaid) & set(lexicon.words)
        if not drop:
            return 0
        self._use_lexicon(without_words(lexicon, drop))
        log.info("hybrid: %d words dropped on its own segmentation: %d collocations of free units (freedom >= %.3f), "
                 "%d that do not pay for their entry", len(drop), len(collocations & drop), threshold,
                 len(unpaid & drop))
        return len(drop)

    def extend_fragments(self, ucp: np.ndarray, begin: np.ndarray) -> int:
        """Replace the lexicon's fragments by the words they are part of: a word of two or more
        Han characters that this model's own segmentation *begin* of the units *ucp* makes at
        least twice, always beside the same unit on one side
        (:func:`minent.segmentation.lexicon.closed_words`: 考中心 always after 大, 華民族 after 中),
        goes, and the string with its closing Han characters (大考中心, 中華民族) comes in with the
        count of those occurrences, taken from those characters (each keeps at least ½); a word
        closed only by a number or a Latin run just goes (PKU F1 0.8276 → 0.8324, CityU 0.8015
        → 0.8085, PKU dev 0.8184 → 0.8208). Only the lexicon changes: joined in the boundary
        model's first labels too, PKU 0.8295, CityU 0.8038. Returns how many words went."""
        from minent.segmentation.lexicon import closed_words

        counts = self.lexicon.as_dict()
        closed = closed_words(ucp, begin, self.lexicon.words)  # (those of two or more characters, each once)
        if not closed:
            return 0
        for w in closed:
            del counts[w]
        for w, (a, b, k) in closed.items():
            if a or b:
                counts[a + w + b] = counts.get(a + w + b, 0.0) + k
                for part in filter(None, (a, b)):
                    if part in counts:
                        counts[part] = max(counts[part] - k, 0.5)
        self._use_lexicon(Lexicon.from_dict(counts))
        log.info("hybrid: %d fragments replaced by the words they are part of", len(closed))
        return len(closed)

    def _use_lexicon(self, lexicon: Lexicon) -> None:
        """Decode with *lexicon* from now on, with the unigram model's other settings."""
        self._lexicon = lexicon  # (the unigram model of it is built when first needed)

    def save(self, path: str | Path) -> None:
        arrays = self.lm.arrays()
        words = "\n".join(self.unigram.lexicon.words).encode("utf-8")
        arrays.update(format=np.array(HYBRID_FORMAT), lex_words=np.frombuffer(words, dtype=np.uint8),
                      lex_counts=self.unigram.lexicon.counts, weights=np.array([self.w_lex, self.w_lm]))
        if self.boundary is not None:
            arrays.update(self.boundary.arrays(), w_boundary=np.array(self.w_boundary))
        if self.classifiers is not None:
            arrays.update(classifiers=self.classifiers)
        with atomic_output(path, binary=True) as f:
            save_npz(f, arrays)  # (not compressed, aligned: loads memory-mapped)

    @classmethod
    def from_arrays(cls, z, path, *, transitions=None, oov_max: int = 2, oov_penalty: float = 2.0):
        lm = CharLM.from_arrays(z, path, transitions=transitions)
        try:
            words = z["lex_words"].tobytes().decode("utf-8").split("\n")
            counts = z["lex_counts"]
            w_lex, w_lm = (float(x) for x in z["weights"])
        except (KeyError, ValueError, TypeError, UnicodeDecodeError) as e:
            raise DataError(f"{path}: malformed hybrid model ({e})") from None
        if len(words) != len(counts) or not np.all(np.isfinite(counts)) or (counts <= 0).any():
            raise DataError(f"{path}: malformed hybrid model (lexicon words and counts disagree)")
        unigram = UnigramSegmenter(Lexicon(words, counts), pre_split=lm.pre_split, oov_max=oov_max,
                                   oov_penalty=oov_penalty)
        boundary = BoundaryModel.from_arrays(z, path)
        try:
            w_boundary = float(z["w_boundary"]) if boundary is not None else 0.0
        except (KeyError, ValueError, TypeError) as e:
            raise DataError(f"{path}: malformed hybrid model ({e})") from None
        if not (np.isfinite(w_boundary) and w_boundary >= 0 and w_lex > 0 and w_lm >= 0):
            raise DataError(f"{path}: malformed hybrid model (weights)")
        classifiers = None
        if "classifiers" in z:  # (a model saved before the numeral rules has none)
            classifiers = np.asarray(z["classifiers"])
            if classifiers.ndim != 1 or classifiers.dtype.kind not in "iu" or (
                    len(classifiers) and (classifiers.min() < 0 or classifiers.max() > 0x10FFFF)):
                raise DataError(f"{path}: malformed hybrid model (classifiers)")
        return cls(unigram, lm, w_lex=w_lex, w_lm=w_lm, boundary=boundary, w_boundary=w_boundary,
                   classifiers=classifiers)

