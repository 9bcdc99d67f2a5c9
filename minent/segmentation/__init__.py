"""Word segmentation learned from raw text by the minimum-entropy principle (``minent lexicon``,
``minent segment``, ``minent score``; docs/algorithms.md, "Segmentation").

Entry points: :func:`train_segmenter`, :func:`save_segmenter`, :func:`load_segmenter`. The parts,
bottom up: :mod:`~minent.segmentation.units` (a text as decoder units, and back),
:mod:`~minent.segmentation.lexicon_model` (the lexicon), :mod:`~minent.segmentation.unigram`
(Viterbi over a lexicon), :mod:`~minent.segmentation.lexicon` (learning the lexicon),
:mod:`~minent.segmentation.charlm` (character 4-gram LM), :mod:`~minent.segmentation.boundary`
(word-boundary model), :mod:`~minent.segmentation.numerals` and :mod:`~minent.segmentation.pairs`
(numbers, and two-character words judged by their neighbours), :mod:`~minent.segmentation.hybrid`, :mod:`~minent.segmentation.models`
(.npz files) and :mod:`~minent.segmentation.score` (SIGHAN scoring).
"""

from __future__ import annotations

import logging
from pathlib import Path


from minent.errors import UsageError
from minent.io.tables import atomic_output
from minent.segmentation.charlm import CharLM
from minent.segmentation.hybrid import HybridSegmenter
from minent.segmentation.lexicon import build_lexicon, encoded, learn_lexicon, ngram_table
from minent.segmentation.lexicon_model import Lexicon
from minent.segmentation.models import load_model
from minent.segmentation.unigram import LineSegmenter, UnigramSegmenter

MODELS = ("unigram", "charlm", "hybrid")

HYBRID_EM_REL_TOL = 1e-3
"""The hybrid model's lexicon re-estimation stops when a pass lowers bits/char by less than this
share of itself (or by less than ``tol``, 0.005 bits, whichever is more;
:func:`~minent.segmentation.lexicon.learn_lexicon`): the hybrid model re-judges the lexicon on
its own segmentation afterwards (pruning, suffixes), so the last passes, which move bits/char by
a few thousandths, do not pay for themselves. Passes needed (SIGHAN rows of
``benchmarks.eval_segment``, PKU 358k / 50k / 200k / 2M characters, CityU 68k / 50k / 200k / 2M;
with ``tol`` alone → with this): 8 8 8 7 9 8 8 6 → 7 8 7 6 8 7 8 5; the poems, 5M characters
(9.1 bits/char): 7 → 5. F1 PKU 0.8276 → 0.8278, CityU 0.8001 → 0.8000 (before the pairs
step: 0.8264 → 0.8263, 0.7942 → 0.7942)."""



def train_segmenter(texts, *, model: str = "hybrid", oov_max: int = 2, oov_penalty: float = 2.0,
                    alpha: float = 20.0, transitions: dict[str, float] | None = None, self_train: int = 3,
                    pre_split: bool = False, free_pair: float | None = None, scheduler: str | None = None,
                    jobs: int | None = None, read_progress=None, partition_bytes: int | None = None) -> LineSegmenter:
    """Learn a segmenter from raw text (what ``minent segment --train`` runs).

    Parameters
    ----------
    texts : the training lines: a sequence (list, tuple) or a function of no arguments returning
        a fresh iterable of lines each time it is called — training reads the corpus once and
        keeps it encoded (4 bytes per character), but a one-shot iterator is not accepted;
        ``lambda: Corpus(paths).documents()`` streams a corpus from disk. With *scheduler*, a
        :class:`minent.io.corpus.Corpus`.
    model : ``"unigram"`` (lexicon + Viterbi, :class:`UnigramSegmenter`), ``"charlm"`` (character
        4-gram LM over b/c/d/e tags, :class:`minent.segmentation.charlm.CharLM`) or ``"hybrid"`` (both scores
        plus a self-trained boundary model, :class:`minent.segmentation.hybrid.HybridSegmenter`; best F1).
    oov_max, oov_penalty, pre_split : see :class:`UnigramSegmenter`.
    alpha, transitions : character-LM smoothing and tag transition weights (:class:`CharLM`).
    self_train : hybrid only: rounds of self-training of the boundary model (0: none).
    free_pair : collocations of free units are dropped from the lexicon
        (:func:`minent.segmentation.lexicon.free_pairs`: units that are words by themselves at
        least this often; 0: none). The hybrid model prunes its lexicon by its own first
        segmentation (:meth:`~minent.segmentation.hybrid.HybridSegmenter.drop_collocations`: the
        words it makes too seldom to pay for their entry, and these collocations), and by default
        (None) calls a unit free when it is a word by itself more often than the average
        character; the unigram model measures freedoms on the lexicon's segmentation, by default
        with :func:`~minent.segmentation.lexicon.build_lexicon`'s threshold (0.3).
    scheduler : read, count and re-estimate on a Dask cluster (``tcp://host:8786``, or ``"local"``
        for *jobs* worker processes here; :mod:`minent.segmentation.cluster`); self-training runs
        here. The model is byte for byte the same. *read_progress* is then called with the bytes
        read; *partition_bytes* sets the size of a task (:func:`minent.parallel.dask.map_reduce`).

    Progress lines (lexicon size, bits per character, rounds) go to the ``minent`` logger.
    """
    if model not in MODELS:
        raise UsageError(f"unknown model {model!r}: expected one of {', '.join(MODELS)}")
    if scheduler is not None:
        passes = None
    elif callable(texts):
        passes = texts
    elif isinstance(texts, (list, tuple)):
        passes = lambda: iter(texts)  # noqa: E731
    else:
        raise TypeError("texts must be a list or tuple of lines, or a function returning a fresh iterable of lines")
    # one reading and one encoding serve the lexicon, the LM and self-training; one n-gram count
    # the lexicon and the LM (hybrid)
    with encoded(texts if passes is None else passes(), pre_split=pre_split, scheduler=scheduler, jobs=jobs,
                 progress=read_progress, partition_bytes=partition_bytes) as enc:
        order = {"unigram": 4, "charlm": CharLM.order_for(enc), "hybrid": 4}[model]  # (order_for is at most 4)
        min_count = 2 if model == "unigram" else 1
        table = ngram_table(enc, order, min_count) if enc.n_chars else None
        # (the hash tables of its 2- and 3-grams that judge the lexicon's candidates, kept for the LM)
        tables = {} if model == "hybrid" else None
        unigram = None
        if model in ("unigram", "hybrid"):
            # (the hybrid model drops collocations after its first segmentation, below)
            kw = {"free_pair": 0} if model == "hybrid" else {} if free_pair is None else {"free_pair": free_pair}
            if model == "hybrid":
                kw["rel_tol"] = HYBRID_EM_REL_TOL
            lexicon = learn_lexicon(enc, table, oov_max=oov_max, oov_penalty=oov_penalty, pre_split=pre_split,
                                    tables=tables, **kw)
            logging.getLogger("minent").info(
                f"lexicon: {len(lexicon.lexicon)} words; {lexicon.bits_chars:.4f} bits/char before, "
                f"{lexicon.bits_final:.4f} after")
            unigram = UnigramSegmenter(lexicon.lexicon, pre_split=pre_split, oov_max=oov_max,
                                       oov_penalty=oov_penalty)
            if model == "unigram":
                return unigram
        if table is not None:
            lm = CharLM.from_table(enc, table, alpha=alpha, transitions=transitions, pre_split=pre_split,
                                   tables=tables)
        else:
            lm = CharLM.train([], alpha=alpha, transitions=transitions, pre_split=pre_split)
        del table, tables
        if model == "charlm":
            return lm
        hybrid = HybridSegmenter(unigram, lm)
        ucp = enc.units()  # (the ids become the units' code points)
    # the first segmentation prunes the lexicon, then self-training fits the boundary model
    hybrid.self_train_units(ucp, rounds=self_train, prune=True, free_pair=free_pair)
    return hybrid


def save_segmenter(segmenter: LineSegmenter, path) -> None:
    """Save *segmenter* atomically: a unigram model as its lexicon TSV, a charlm or hybrid model as
    .npz (read back by :func:`load_segmenter`)."""
    if isinstance(segmenter, UnigramSegmenter):
        with atomic_output(path) as fh:
            segmenter.lexicon.write_tsv(fh)
    else:
        segmenter.save(path)


def model_kind(segmenter: LineSegmenter) -> str:
    """``"unigram"``, ``"charlm"`` or ``"hybrid"``."""
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

