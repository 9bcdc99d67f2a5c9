"""minent: unsupervised Chinese text mining built on the minimum-entropy principle.

Every command of the ``minent`` CLI wraps one function or class of this library, with the same
parameters; they are importable from here (lazily: ``import minent`` loads none of numpy, numba
or jieba until a name is used)::

    >>> import minent
    >>> corpus = minent.Corpus(["data/sample.txt"])                  # doctest: +SKIP
    >>> minent.find_new_words(corpus, top=5).words[0].word           # doctest: +SKIP

========================  ===============================  ====================================
command                   library                          module
========================  ===============================  ====================================
``minent count``          :func:`count_words`              :mod:`minent.words.count`
``minent tokenize``       :func:`tokenize_corpus`,         :mod:`minent.words.tokenize`,
                          :class:`Tokenizer`, :func:`cut`  :mod:`minent.words.tokenizers.fast`
``minent newwords``       :func:`find_new_words`,          :mod:`minent.words.newwords.discover`,
                          :class:`NgramTable`              :mod:`minent.words.ngrams`
``minent lexicon``        :func:`build_lexicon`            :mod:`minent.segmentation.lexicon`
``minent segment``        :func:`train_segmenter`,         :mod:`minent.segmentation`
                          :func:`load_segmenter`
``minent score``          :func:`score_files`              :mod:`minent.segmentation.score`
``minent infomap``        :func:`read_graph`,              :mod:`minent.io.graph`,
                          :func:`infomap`                  :mod:`minent.graph.infomap`
``minent wordgraph``      :func:`word_graph`               :mod:`minent.graph.wordgraph`
``minent cooccur``        :func:`cooccurrence_states`      :mod:`minent.graph.cooccur`
``minent hsic``           :func:`hsic`                     :mod:`minent.estimators.hsic`
``minent dim``            :func:`embedding_dimension`      :mod:`minent.estimators.dim`
``minent entropy``        :func:`knn_entropy`              :mod:`minent.estimators.knn`
========================  ===============================  ====================================

All read text through :class:`Corpus` (files, directories, globs, stdin, compressed, JSONL/CSV
fields) and raise :class:`MinentError` subclasses (:class:`DataError`, :class:`UsageError`) on bad
input; the library never prints (messages go to the ``minent`` logger).

The package is laid out by domain (docs/architecture.md): ``text`` (the text model), ``io``
(files in and out), ``parallel`` (how work is spread), ``words``, ``segmentation``, ``graph``,
``estimators``, and ``cli`` on top.
"""

from __future__ import annotations

import importlib

from minent import cache as _cache

__version__ = "0.1.0"

# numba's compiled kernels go to the user cache directory, never into the installed package
# (minent.cache); must happen before any kernel module is imported.
_cache.configure_numba()

#: public name -> module defining it (imported on first use, PEP 562)
_EXPORTS = {
    "Corpus": "minent.io.corpus",
    "MinentError": "minent.errors",
    "DataError": "minent.errors",
    "UsageError": "minent.errors",
    "count_words": "minent.words.count",
    "Tokenizer": "minent.words.tokenizers.fast",
    "cut": "minent.words.tokenize",
    "tokenize_corpus": "minent.words.tokenize",
    "find_new_words": "minent.words.newwords.discover",
    "load_known": "minent.words.newwords.discover",
    "NgramTable": "minent.words.ngrams",
    "build_lexicon": "minent.segmentation.lexicon",
    "train_segmenter": "minent.segmentation",
    "load_segmenter": "minent.segmentation",
    "save_segmenter": "minent.segmentation",
    "score_files": "minent.segmentation.score",
    "read_graph": "minent.io.graph",
    "infomap": "minent.graph.infomap",
    "word_graph": "minent.graph.wordgraph",
    "cooccurrence_states": "minent.graph.cooccur",
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
