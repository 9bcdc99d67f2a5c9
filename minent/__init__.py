"""minent: unsupervised Chinese text mining built on the minimum-entropy principle.

Every command of the ``minent`` CLI wraps one function or class of this library, with the same
parameters; they are importable from here (lazily: ``import minent`` loads none of numpy, numba
or jieba until a name is used)::

    >>> import minent
    >>> corpus = minent.Corpus(["data/sample.txt"])                  # doctest: +SKIP
    >>> minent.find_new_words(corpus, top=5).words[0].word           # doctest: +SKIP

========================  ===============================  ===========================
command                   library                          module
========================  ===============================  ===========================
``minent count``          :func:`count_words`              :mod:`minent.wordfreq`
``minent tokenize``       :func:`tokenize_corpus`,         :mod:`minent.tokenizer`
                          :class:`Tokenizer`, :func:`cut`
``minent newwords``       :func:`find_new_words`,          :mod:`minent.newwords`,
                          :class:`NgramTable`              :mod:`minent.ngrams`
``minent lexicon``        :func:`build_lexicon`            :mod:`minent.lexicon`
``minent segment``        :func:`train_segmenter`,         :mod:`minent.segment`
                          :func:`load_segmenter`
``minent score``          :func:`score_files`              :mod:`minent.score`
``minent infomap``        :func:`read_graph`,              :mod:`minent.io.graph`,
                          :func:`minent.infomap.infomap`   :mod:`minent.infomap`
``minent wordgraph``      :func:`word_graph`               :mod:`minent.wordgraph`
``minent cooccur``        :func:`cooccurrence_states`      :mod:`minent.cooccur`
``minent hsic``           :func:`hsic`                     :mod:`minent.estimators.hsic`
``minent dim``            :func:`embedding_dimension`      :mod:`minent.estimators.dim`
``minent entropy``        :func:`knn_entropy`              :mod:`minent.estimators.knn`
========================  ===============================  ===========================

All read text through :class:`Corpus` (files, directories, globs, stdin, compressed, JSONL/CSV
fields) and raise :class:`MinentError` subclasses (:class:`DataError`, :class:`UsageError`) on bad
input; the library never prints (messages go to the ``minent`` logger). ``minent.infomap`` is the
module (``from minent.infomap import infomap``), not re-exported under the same name.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: public name -> module defining it (imported on first use, PEP 562)
_EXPORTS = {
    "Corpus": "minent.io.corpus",
    "MinentError": "minent.errors",
    "DataError": "minent.errors",
    "UsageError": "minent.errors",
    "count_words": "minent.wordfreq",
    "Tokenizer": "minent.tokenizer",
    "cut": "minent.tokenizer",
    "tokenize_corpus": "minent.tokenizer",
    "find_new_words": "minent.newwords",
    "load_known": "minent.newwords",
    "NgramTable": "minent.ngrams",
    "build_lexicon": "minent.lexicon",
    "train_segmenter": "minent.segment",
    "load_segmenter": "minent.segment",
    "save_segmenter": "minent.segment",
    "score_files": "minent.score",
    "read_graph": "minent.io.graph",
    "word_graph": "minent.wordgraph",
    "cooccurrence_states": "minent.cooccur",
    "hsic": "minent.estimators.hsic",
    "embedding_dimension": "minent.estimators.dim",
    "knn_entropy": "minent.estimators.knn",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'minent' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
