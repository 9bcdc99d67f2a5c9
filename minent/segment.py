"""Segmenters: unigram Viterbi over a lexicon, and the character-n-gram-LM variant (ALGORITHMS.md §3.4).

Both work line by line on batches of lines. A line is cut into runs by character class:

* Han runs are decoded by the model; with ``pre_split=False`` (default) numbers and Latin runs
  are part of those runs (each as one unit, see :func:`units`) and may head words found in the
  lexicon (1997年, 3月份: the PKU, MSR and CTB standards keep these as one word);
* with ``pre_split=True`` a number or a Latin run is one token of its own; a number
  keeps its inner separators and percent sign (3.14, ９５．４７％, ３·５, 1997-12-01, 1/2, 12:30);
* punctuation and symbols are one token per character, except that a run of the same character
  (——, ……) is one token;
* whitespace separates tokens and is not output.

Output: the tokens of each line separated by one space, one output line per input line (blank
lines stay blank), so that removing the spaces gives back the input line minus its whitespace.

>>> from minent.lexicon_model import Lexicon
>>> seg = UnigramSegmenter(Lexicon(["中国", "人民", "中", "国", "人", "民"], [10, 8, 1, 1, 1, 1]))
>>> seg.segment_line("中国人民，2024年")
'中国 人民 ， 2024 年'
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator

import numpy as np

from minent.errors import UsageError
from minent.io.text import DIGIT, HAN, LATIN, OTHER, char_class_table
from minent.lexicon_model import Lexicon

# Kinds of characters for line tokenisation.
K_SEG, K_DIGIT, K_LATIN, K_PUNCT, K_SPACE, K_NEWLINE = 0, 1, 2, 3, 4, 5
NEWLINE = 0x0A


@functools.cache
def kind_table() -> np.ndarray:
    """Kind (K_*) of every code point, for splitting lines into runs."""
    cls = char_class_table()
    kinds = np.full(len(cls), K_PUNCT, dtype=np.uint8)
    kinds[cls == HAN] = K_SEG
    kinds[cls == DIGIT] = K_DIGIT
    kinds[cls == LATIN] = K_LATIN
    for cp in range(0x3001):
        if cls[cp] == OTHER and chr(cp).isspace():
            kinds[cp] = K_SPACE
    kinds[0x3000] = K_SPACE
    kinds[NEWLINE] = K_NEWLINE
    return kinds


def to_codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.int32)


def from_codepoints(cps: np.ndarray) -> str:
    return np.ascontiguousarray(cps, dtype=np.int32).tobytes().decode("utf-32-le")


@functools.cache
def _symbol_tables() -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables (by code point) of separators inside numbers and of percent signs.

    Inside: decimal points (. ．, and the middle dot · that Chinese print uses as one), hyphens
    of dates and telephone numbers (- －), fraction slashes (/ ／) and ratio or time colons
    (: ∶; not the full-width ：, which is punctuation, nor the dash — of ranges)."""
    point = np.zeros(0x110000, dtype=bool)
    point[[ord(c) for c in ".．·-－/／:∶"]] = True
    percent = np.zeros(0x110000, dtype=bool)
    percent[[ord("%"), ord("％"), ord("‰")]] = True
    return point, percent

NUMBER_UNIT = "0"
"""How a whole number (２０００, 3.5%) is written inside lexicon words without pre-split: 0年 = N年."""
LATIN_UNIT = "a"
"""How a whole Latin run is written inside lexicon words without pre-split: a股 = ABC股."""


def number_kinds(cps: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """*kinds* with separators between digits (see :func:`_symbol_tables`) and a percent sign after
    digits made digits, so that 3.14, ９５．４７％, 1997-12-01 stay one token (a convention shared
    by the segmentation standards)."""
    k = kinds.copy()
    if len(k) < 2:
        return k
    prev_d = np.zeros(len(k), dtype=bool)
    prev_d[1:] = k[:-1] == K_DIGIT
    next_d = np.zeros(len(k), dtype=bool)
    next_d[:-1] = k[1:] == K_DIGIT
    point, percent = _symbol_tables()
    k[point[cps] & prev_d & next_d] = K_DIGIT
    k[percent[cps] & prev_d] = K_DIGIT
    return k


def units(cps: np.ndarray, pre_split: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The decoder's view of a text: ``(unit_cps, keep, kinds)``.

    ``unit_cps`` holds one code point per decoding unit and -1 for separators; ``keep`` marks the
    positions of *cps* that are units or separators (``unit_cps`` = that code point sequence,
    compressed); ``kinds`` the K_* of every position for :func:`render`. With *pre_split*, units
    are Han characters; without, a whole number is one unit written ``NUMBER_UNIT`` and a whole
    Latin run one unit ``LATIN_UNIT``, so words like 0年 (1997年) can be learned.
    """
    k = number_kinds(cps, kind_table()[cps])
    if pre_split:
        return np.where(k == K_SEG, cps, -1), np.ones(len(cps), dtype=bool), k
    alnum = (k == K_DIGIT) | (k == K_LATIN)
    prev_k = np.empty(len(k), dtype=np.uint8)
    if len(k):
        prev_k[0] = K_NEWLINE
        prev_k[1:] = k[:-1]
    keep = ~alnum | (prev_k != k)
    ucp = np.where(k == K_SEG, cps, -1)
    ucp[k == K_DIGIT] = ord(NUMBER_UNIT)
    ucp[k == K_LATIN] = ord(LATIN_UNIT)
    k = k.copy()
    k[alnum] = K_SEG
    return ucp[keep], keep, k


def text_batches(texts: Iterable[str], batch_chars: int) -> Iterator[list[str]]:
    """Documents grouped into lists of about *batch_chars* characters."""
    batch: list[str] = []
    size = 0
    for t in texts:
        batch.append(t)
        size += len(t)
        if size >= batch_chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def corpus_units(texts: Iterable[str], pre_split: bool, *, batch_chars: int = 1 << 22) -> np.ndarray:
    """The decoder units (see :func:`units`) of a whole corpus, documents separated by -1 (int32)."""
    parts = [units(to_codepoints("\n".join(b) + "\n"), pre_split)[0] for b in text_batches(texts, batch_chars)]
    return np.concatenate(parts).astype(np.int32) if parts else np.zeros(0, dtype=np.int32)


def render(cps: np.ndarray, kinds_of_cps: np.ndarray, seg_begin: np.ndarray) -> str:
    """Join the text of *cps* (lines separated by U+000A) into space-separated tokens.

    *seg_begin* holds word starts at segmentable positions (from a decoder); token starts of the
    other runs follow the rules of the module docstring.
    """
    n = len(cps)
    if n == 0:
        return ""
    k = kinds_of_cps
    prev_k = np.empty(n, dtype=np.uint8)
    prev_k[0] = K_NEWLINE
    prev_k[1:] = k[:-1]
    prev_c = np.empty(n, dtype=np.int32)
    prev_c[0] = -1
    prev_c[1:] = cps[:-1]
    begin = seg_begin.astype(bool) & (k == K_SEG)
    begin |= ((k == K_DIGIT) | (k == K_LATIN)) & (prev_k != k)
    begin |= (k == K_PUNCT) & ((prev_k != K_PUNCT) | (prev_c != cps))
    keep = k != K_SPACE
    kept = np.flatnonzero(keep)
    kk = k[kept]
    # a space goes before a kept token start unless the previous kept char is a newline (or none)
    prev_kept_k = np.empty(len(kept), dtype=np.uint8)
    if len(kept):
        prev_kept_k[0] = K_NEWLINE
        prev_kept_k[1:] = kk[:-1]
    space = begin[kept] & (prev_kept_k != K_NEWLINE) & (kk != K_NEWLINE)
    out_cps = np.insert(cps[kept], np.flatnonzero(space), 0x20)
    return from_codepoints(out_cps)


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


class LineSegmenter:
    """Line handling shared by the segmenters: subclasses set ``lut`` (code point → char id,
    1 = unknown) and ``pre_split``, and either define ``decode_ids(ids) -> (word starts, score)``
    or override :meth:`decode_units`."""

    lut: np.ndarray
    pre_split: bool = False

    def ids_of(self, ucp: np.ndarray) -> np.ndarray:
        """Character ids of the unit code points *ucp* (-1 = separator → 0)."""
        return np.where(ucp >= 0, self.lut[np.maximum(ucp, 0)], 0).astype(np.int32)

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

    def segment_line(self, line: str) -> str:
        return self.segment_text(line)

    def cut(self, text: str) -> list[str]:
        """Tokens of *text* (jieba-style ``cut``, but whitespace is not returned)."""
        return self.segment_text(text).split()

    def segment_lines(self, lines: Iterable[str], *, batch_chars: int = 1 << 20, jobs: int = 1) -> Iterator[str]:
        """Segment a stream of lines (without line ends) in batches of about *batch_chars*
        characters; yields one line per line. With ``jobs > 1`` the batches are segmented by
        that many worker processes (:func:`minent.wordfreq.ordered_map`), in order: every line
        is segmented on its own, so the output is the same for every *jobs*."""
        from minent.wordfreq import ordered_map

        for out in ordered_map(self.segment_text, line_batches(lines, batch_chars), jobs):
            yield from out.split("\n")


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
        from minent.kernels.viterbi import build_trie

        if not math.isfinite(oov_penalty):  # nan would silently decide every comparison
            raise UsageError(f"--oov-penalty must be a finite number, got {oov_penalty}")
        self.lexicon = lexicon
        self.pre_split = pre_split
        self.oov_max = int(oov_max)
        self.oov_penalty = float(oov_penalty)
        word_cps = to_codepoints("".join(lexicon.words))
        # the number and Latin units always get ids of their own (see below)
        chars = np.unique(np.concatenate([word_cps, to_codepoints(NUMBER_UNIT + LATIN_UNIT)]))
        self.lut = np.ones(0x110000, dtype=np.int32)  # UNK = 1
        self.lut[chars] = np.arange(2, 2 + len(chars), dtype=np.int32)
        self.codepoints = np.concatenate([[-1, -1], chars]).astype(np.int64)  # of every id
        logp = lexicon.log_probs()
        lens = np.fromiter((len(w) for w in lexicon.words), dtype=np.int64, count=len(lexicon))
        offsets = np.zeros(len(lens) + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        self.keys, self.vals, self.node_score, self.depth = build_trie(self.lut[word_cps], offsets, logp)
        total = max(lexicon.total, 1.0)
        self.unk_score = -math.log(total) - unk_penalty
        self.char_score = np.full(len(chars) + 2, self.unk_score, dtype=np.float64)
        single = lens == 1
        if single.any():
            ids = self.lut[to_codepoints("".join(w for w, s in zip(lexicon.words, single) if s))]
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
        from minent.kernels.viterbi import count_segmented_words, word_nodes

        lexicon = self.lexicon
        nodes, starts, ends = count_segmented_words(ids, begin, self.keys, self.vals)
        lens = np.fromiter((len(w) for w in lexicon.words), dtype=np.int64, count=len(lexicon))
        offsets = np.zeros(len(lens) + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        word_node = word_nodes(self.lut[to_codepoints("".join(lexicon.words))], offsets, self.keys, self.vals)
        node_counts = np.bincount(nodes[nodes >= 0], minlength=len(self.node_score)).astype(np.float64)
        words = list(lexicon.words)
        counts = [node_counts[word_node]]
        # words the decoder made outside the lexicon (a prefix node is not a word) get entries
        missing = (nodes < 0) | (self.node_score[np.maximum(nodes, 0)] == -np.inf)
        lengths = ends - starts
        for n in np.unique(lengths[missing]).tolist():
            st = starts[missing & (lengths == n)]
            rows, cnt = np.unique(ids[st[:, None] + np.arange(n)], axis=0, return_counts=True)
            text = from_codepoints(self.codepoints[rows.ravel()])
            words += [text[i:i + n] for i in range(0, len(text), n)]
            counts.append(cnt.astype(np.float64))
        all_counts = np.concatenate(counts)
        keep = all_counts > 0
        return Lexicon([w for w, k in zip(words, keep) if k], all_counts[keep])

    def decode_ids(self, ids: np.ndarray) -> tuple[np.ndarray, float]:
        """Word starts (uint8) and total log-probability of the pieces in *ids*."""
        from minent.kernels.viterbi import viterbi_segment

        return viterbi_segment(ids, self.keys, self.vals, self.node_score, self.depth, self.unk_score,
                               self.char_score, self.span_score, self.oov_max, -self.oov_penalty)


MODELS = ("unigram", "charlm", "hybrid")


def train_segmenter(texts, *, model: str = "hybrid", oov_max: int = 2, oov_penalty: float = 2.0,
                    alpha: float = 20.0, transitions: dict[str, float] | None = None, self_train: int = 3,
                    pre_split: bool = False) -> LineSegmenter:
    """Learn a segmenter from raw text (what ``minent segment --train`` runs).

    Parameters
    ----------
    texts : the training lines: a sequence (list, tuple) or a function of no arguments returning
        a fresh iterable of lines each time it is called — training reads the corpus several
        times (lexicon, character LM, each self-training round), so a one-shot iterator is not
        enough; ``lambda: Corpus(paths).documents()`` streams a corpus from disk each time.
    model : ``"unigram"`` (lexicon + Viterbi, :class:`UnigramSegmenter`), ``"charlm"`` (character
        4-gram LM over b/c/d/e tags, :class:`minent.charlm.CharLM`) or ``"hybrid"`` (both scores
        plus a self-trained boundary model, :class:`minent.charlm.HybridSegmenter`; best F1).
    oov_max, oov_penalty, pre_split : see :class:`UnigramSegmenter`.
    alpha, transitions : character-LM smoothing and tag transition weights (:class:`CharLM`).
    self_train : hybrid only: rounds of self-training of the boundary model (0: none).

    Progress lines (lexicon size, bits per character, rounds) go to the ``minent`` logger.
    """
    import logging

    from minent.charlm import CharLM, HybridSegmenter
    from minent.errors import UsageError
    from minent.lexicon import build_lexicon, encode_corpus, learn_lexicon, ngram_table

    if model not in MODELS:
        raise UsageError(f"unknown model {model!r}: expected one of {', '.join(MODELS)}")
    if callable(texts):
        passes = texts
    elif isinstance(texts, (list, tuple)):
        passes = lambda: iter(texts)  # noqa: E731
    else:
        raise TypeError("texts must be a list or tuple of lines, or a function returning a fresh iterable of lines")
    unigram = lm = None
    if model == "hybrid":
        # one reading, one encoding and one n-gram count serve the lexicon, the LM and self-training
        enc = encode_corpus(passes(), pre_split=pre_split)
        table = ngram_table(enc, 4, 1) if enc.n_chars else None  # (CharLM.order_for is at most 4)
        lexicon = learn_lexicon(enc, table, oov_max=oov_max, oov_penalty=oov_penalty)
    elif model == "unigram":
        lexicon = build_lexicon(passes(), oov_max=oov_max, oov_penalty=oov_penalty, pre_split=pre_split)
    if model in ("unigram", "hybrid"):
        logging.getLogger("minent").info(
            f"lexicon: {len(lexicon.lexicon)} words; {lexicon.bits_chars:.4f} bits/char before, "
            f"{lexicon.bits_final:.4f} after")
        unigram = UnigramSegmenter(lexicon.lexicon, pre_split=pre_split, oov_max=oov_max, oov_penalty=oov_penalty)
    if model == "charlm":
        return CharLM.train(passes(), alpha=alpha, transitions=transitions, pre_split=pre_split)
    if model == "unigram":
        return unigram
    if table is not None:
        lm = CharLM.from_table(enc, table, alpha=alpha, transitions=transitions, pre_split=pre_split)
    else:
        lm = CharLM.train([], alpha=alpha, transitions=transitions, pre_split=pre_split)
    del table
    hybrid = HybridSegmenter(unigram, lm)
    if self_train:
        ucp = enc.codepoints[enc.ids].astype(np.int32)  # the units, separator runs as one
        del enc
        hybrid.self_train_units(ucp, rounds=self_train)
    return hybrid


def save_segmenter(segmenter: LineSegmenter, path) -> None:
    """Save *segmenter* atomically: a unigram model as its lexicon TSV, a charlm or hybrid model as
    .npz (read back by :func:`load_segmenter`)."""
    if isinstance(segmenter, UnigramSegmenter):
        from minent.io.tables import atomic_output

        with atomic_output(path) as fh:
            segmenter.lexicon.write_tsv(fh)
    else:
        segmenter.save(path)


def model_kind(segmenter: LineSegmenter) -> str:
    """``"unigram"``, ``"charlm"`` or ``"hybrid"``."""
    from minent.charlm import CharLM

    if isinstance(segmenter, UnigramSegmenter):
        return "unigram"
    return "charlm" if isinstance(segmenter, CharLM) else "hybrid"


def load_segmenter(path, *, model: str | None = None, oov_max: int = 2, oov_penalty: float = 2.0,
                   transitions: dict[str, float] | None = None, pre_split: bool = False) -> LineSegmenter:
    """Load a segmenter saved by :func:`save_segmenter`, or a lexicon / word list / jieba
    dictionary (TSV: word, count) as a unigram model.

    The kind is read from the file (.npz models start with a zip header); *model*, when given,
    must agree with it (UsageError otherwise). *oov_max*, *oov_penalty* and *transitions* apply at
    decoding time; *pre_split* to lexicon files (a saved model keeps its own).
    """
    from pathlib import Path

    from minent.charlm import load_model
    from minent.errors import UsageError

    if model is not None and model not in MODELS:
        raise UsageError(f"unknown model {model!r}: expected one of {', '.join(MODELS)}")
    if Path(path).is_dir():
        raise UsageError(f"{path}: is a directory, not a model file")
    if not Path(path).is_file():
        raise UsageError(f"{path}: no such model file")
    with open(path, "rb") as f:
        is_npz = f.read(4) == b"PK\x03\x04"
    if is_npz or Path(path).suffix.lower() == ".npz":  # (a broken .npz: say so, not "invalid UTF-8")
        seg = load_model(path, transitions=transitions, oov_max=oov_max, oov_penalty=oov_penalty)
    else:
        seg = UnigramSegmenter(Lexicon.read(path), pre_split=pre_split, oov_max=oov_max, oov_penalty=oov_penalty)
    kind = model_kind(seg)
    if model is not None and model != kind:
        raise UsageError(f"{path}: a {kind} model, not {model}")
    return seg
