"""Word graphs from word vectors: each word linked to its nearest neighbours by cosine.

The source article clusters words by running InfoMap on such a graph: the ``vocab`` most
frequent words of a word2vec/fastText model, each with directed links to at most ``k``
nearest neighbours whose cosine similarity is at least ``min_sim``, weight = cosine
(defaults 10000 / 50 / 0.6, the article's choices). Vector files are sorted by frequency,
so the first ``vocab`` rows are the most frequent words.

Nearest neighbours come from blocked matrix products of unit vectors (``block`` rows at a
time), so memory is O(block x vocab), never O(vocab^2).

>>> import numpy as np
>>> g = knn_graph(["a", "b", "c"], np.array([[1, 0], [0.9, 0.1], [0, 1]], float), k=1, min_sim=0.5)
>>> [(e[0], e[1], round(e[2], 3)) for e in g]
[('a', 'b', 0.994), ('b', 'a', 0.994)]
"""

from __future__ import annotations

import numpy as np

from minent.errors import UsageError
from minent.io.vectors import read_vectors


def knn_graph(words, vectors, *, k: int = 50, min_sim: float = 0.6, block: int = 1024):
    """Directed k-nearest-neighbour links ``(word, neighbour, cosine)`` with cosine >= min_sim.

    Each word's links come in order of decreasing similarity (ties: lower row first); a word
    is never its own neighbour; zero vectors have no neighbours.
    """
    if k < 1:
        raise UsageError(f"`k` must be at least 1, got {k}")
    if not -1.0 <= min_sim <= 1.0:
        raise UsageError(f"`min_sim` must be in [-1, 1], got {min_sim}")
    x = np.asarray(vectors, dtype=np.float32)
    n = x.shape[0]
    # Squares of float32 components beyond ~1e19 overflow (and below ~1e-19 underflow) the
    # norm: scale each row by the power of two of its largest component first, which is exact
    # and leaves the unit vectors bit for bit as they were for ordinary vectors.
    _, exponent = np.frexp(np.abs(x).max(axis=1) if n else np.zeros(0, np.float32))
    unit = np.ldexp(x, -exponent[:, None]).astype(np.float32, copy=False)
    norms = np.linalg.norm(unit, axis=1)
    np.divide(unit, norms[:, None], out=unit, where=norms[:, None] > 0)  # zero rows stay zero
    kk = min(k, n - 1)
    if kk < 1:
        return
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        sims = unit[lo:hi] @ unit.T
        sims[np.arange(hi - lo), np.arange(lo, hi)] = -np.inf
        sims[norms[lo:hi] == 0] = -np.inf
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.lexsort((top, -top_sims), axis=1)
        top = np.take_along_axis(top, order, axis=1)
        top_sims = np.take_along_axis(top_sims, order, axis=1)
        for r in range(hi - lo):
            for j, s in zip(top[r].tolist(), top_sims[r].tolist()):
                if s < min_sim:
                    break
                if norms[j] > 0:
                    yield words[lo + r], words[j], round(float(s), 6)


def word_graph(path, *, vocab: int = 10000, k: int = 50, min_sim: float = 0.6,
               as_networkx: bool = False):
    """Read vectors from ``path`` and yield the k-NN word graph links (see :func:`knn_graph`).

    With ``as_networkx`` return an ``nx.DiGraph`` instead: every word read is a node (words
    without neighbours too), each link an edge with the cosine as ``weight``; it can go
    straight into :func:`minent.graph.infomap.infomap`.
    """
    if vocab < 1:
        raise UsageError(f"`vocab` must be at least 1, got {vocab}")
    words, vectors = read_vectors(path, vocab=vocab)
    links = knn_graph(words, vectors, k=k, min_sim=min_sim)
    if not as_networkx:
        return links
    import networkx as nx

    G = nx.DiGraph()
    G.add_nodes_from(words)
    G.add_weighted_edges_from(links)
    return G
