"""Second-order word-transition networks from a segmented corpus (for overlapping communities).

In a sequence of words ... u v w ..., a first-order network links v -> w and forgets where the
walker came from. A second-order (memory) network has one *state* per pair (u, v) — "at v,
having come from u" — belonging to the *physical* node v, and a link (u, v) -> (v, w) weighted
by how often the trigram u v w occurs. InfoMap on it (:func:`minent.graph.infomap.memory.memory_infomap`)
puts the states of one word into the modules of the contexts it is used in: a word that is
used in two topics (苹果 of fruit and of phones) can belong to both modules, each with its
share of the word's flow.

Input lines are tokens separated by whitespace (the output of ``minent tokenize`` or a
segmented corpus such as SIGHAN's gold files); a token without a letter, digit or ideograph
(punctuation) ends a sequence, as does the end of a line. Only trigrams seen at least
``min_count`` times are kept (counts are exact: pruning happens after counting); the states
are the word pairs these trigrams use.

>>> net = cooccurrence_states(["a b c", "a b c", "x b d"], min_count=2)
>>> net.physical_names, net.graph.names, net.graph.weight.tolist()
(['b', 'c'], ['a b', 'b c'], [2.0])
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

import numpy as np

from minent.errors import UsageError
from minent.graph.infomap.memory import StateNetwork
from minent.io.graph import Graph


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def count_trigrams(lines: Iterable[str]) -> Counter:
    """Counts of word trigrams within runs of word tokens (punctuation and line ends break runs)."""
    counts: Counter = Counter()
    for line in lines:
        run: list[str] = []
        for token in line.split():
            if _is_word(token):
                run.append(token)
                continue
            if len(run) >= 3:
                counts.update(zip(run, run[1:], run[2:]))
            run = []
        if len(run) >= 3:
            counts.update(zip(run, run[1:], run[2:]))
    return counts


def cooccurrence_states(lines_or_corpus, *, min_count: int = 2) -> StateNetwork:
    """The second-order word-transition network of a segmented corpus (see the module docstring).

    lines_or_corpus: an iterable of lines or a :class:`minent.io.corpus.Corpus` (its documents).
    The network's links are directed; physical nodes are numbered in order of first use.
    """
    if min_count < 1:
        raise UsageError(f"`min_count` must be at least 1, got {min_count}")
    lines = lines_or_corpus.documents() if hasattr(lines_or_corpus, "documents") else lines_or_corpus
    counts = count_trigrams(lines)
    kept = sorted((tri, c) for tri, c in counts.items() if c >= min_count)
    state_index: dict[tuple[str, str], int] = {}
    phys_index: dict[str, int] = {}
    state_phys: list[int] = []
    src = np.empty(len(kept), np.int64)
    dst = np.empty(len(kept), np.int64)
    weight = np.empty(len(kept))

    def state(u: str, v: str) -> int:
        key = (u, v)
        s = state_index.get(key)
        if s is None:
            s = state_index[key] = len(state_index)
            state_phys.append(phys_index.setdefault(v, len(phys_index)))
        return s

    for k, ((u, v, w), c) in enumerate(kept):
        src[k] = state(u, v)
        dst[k] = state(v, w)
        weight[k] = c
    names = [f"{u} {v}" for u, v in state_index]
    n = len(names)
    graph = Graph(names, np.arange(1, n + 1, dtype=np.int64), src, dst, weight, True)
    phys_names = list(phys_index)
    return StateNetwork(graph, np.array(state_phys, np.int64), phys_names,
                        np.arange(1, len(phys_names) + 1, dtype=np.int64))
