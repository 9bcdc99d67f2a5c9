"""InfoMap: community detection by minimising the map equation (docs/algorithms.md, "InfoMap").

The map equation (Rosvall & Bergstrom 2008) measures how many bits per step a random walker
needs when node names are reused inside modules: for a partition M,

    L(M) = q H(Q) + sum_i p_i H(P_i)
         = plogp(sum_i q_i_enter) - sum_i plogp(q_i_enter) - sum_i plogp(q_i_exit)
           + sum_i plogp(q_i_exit + p_i) - sum_alpha plogp(p_alpha)

with node visit rates p_alpha and module enter/exit flows q_i. :func:`infomap` searches for the
partition with the smallest L like the reference implementation (mapequation.org Infomap):
nodes in random order move to the neighbouring module that lowers L most (O(1) updates of
module sums), modules are aggregated into super-nodes and moved again, then fine-tuning
(re-moving leaf nodes) and coarse-tuning (splitting modules into sub-modules and moving
those) alternate while L drops; the best of ``trials`` seeded runs is kept, and when no
partition beats the one-module codelength (the entropy of p) the answer is one module.

Flow follows Infomap exactly (:mod:`~minent.graph.infomap.flow`); the search is
:mod:`~minent.graph.infomap.search`, the multilevel tree :mod:`~minent.graph.infomap.hierarchy`.

>>> from minent.io.graph import parse_edge_list
>>> g = parse_edge_list(b"1 2\\n1 3\\n2 3\\n4 5\\n4 6\\n5 6\\n3 4\\n")
>>> r = infomap(g, seed=1)
>>> r.num_modules, round(r.codelength, 6)
(2, 2.32073)
"""


from __future__ import annotations

import logging
import time
from typing import Callable

import numpy as np

from minent.errors import DataError
from minent.graph.infomap.flow import flow_with_settings, one_level_codelength
from minent.graph.infomap.result import InfomapResult
from minent.graph.infomap.trials import Partition, run_search, search_settings, two_level_partition
from minent.io.graph import Graph

log = logging.getLogger("minent")


def _result(graph, flow, part: Partition, settings, start) -> InfomapResult:
    return InfomapResult(graph, part.module, flow.node_flow, part.codelength, part.index_codelength,
                         part.module_codelength, one_level_codelength(flow), settings,
                         time.perf_counter() - start, paths=part.paths, module_flow=part.module_flow)


def infomap(
    graph,
    *,
    weight: str | None = "weight",
    directed: bool | None = None,
    teleport: float = 0.15,
    recorded_teleport: bool = False,
    markov_time: float = 1.0,
    trials: int = 1,
    seed: int = 123,
    hierarchical: bool = False,
    preferred_number_of_modules: int | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> InfomapResult:
    """Two-level (or, with ``hierarchical``, multilevel) InfoMap partition of ``graph``.

    graph: minent's Graph, a networkx Graph/DiGraph (``weight``: the edge attribute to use,
    None for unweighted; ``directed`` defaults to the graph's), a scipy sparse adjacency
    matrix or an (m, 2)/(m, 3) edge array (see :mod:`minent.io.graph_nx`).
    trials: independent seeded searches, the shortest codelength wins (default 1, as the
    reference); with ``hierarchical`` each trial builds its own tree and the shortest tree
    wins. seed: one seed drives every trial (same seed -> same answer).
    preferred_number_of_modules: the search minimises L + |modules - K| bits instead of L,
    as the reference's --preferred-number-of-modules: a soft preference (each module more or
    fewer than K must save a bit to be worth it), and the answer is not replaced by one module
    when it codes worse than the one-level code; the codelength reported is the plain L.
    progress(trial, codelength) is called after each trial.
    """
    search = search_settings(trials, seed, hierarchical, preferred_number_of_modules)
    if not isinstance(graph, Graph):
        from minent.io.graph_nx import as_graph

        graph = as_graph(graph, weight=weight, directed=directed)
    start = time.perf_counter()
    flow, settings = flow_with_settings(graph, directed, teleport, recorded_teleport, markov_time)
    settings.update(search)
    return _result(graph, flow, run_search(flow, search, progress), settings, start)


def evaluate(
    graph,
    partition,
    *,
    weight: str | None = "weight",
    directed: bool | None = None,
    teleport: float = 0.15,
    recorded_teleport: bool = False,
    markov_time: float = 1.0,
    label: str = "<partition>",
) -> InfomapResult:
    """Codelength of a given two-level partition of ``graph``'s nodes.

    graph, weight, directed: as :func:`infomap` (minent's Graph, a networkx graph, a scipy
    sparse matrix or an edge array). partition: {node: module label}, the node being the
    graph's own node object (a networkx node, a matrix row) or its name, or its integer id (a
    .clu file of a Pajek graph); or a list of node sets (networkx's convention, what
    ``result.communities()`` gives). Every node must be in it.

    >>> import networkx as nx
    >>> G = nx.barbell_graph(3, 0)
    >>> round(evaluate(G, [{0, 1, 2}, {3, 4, 5}]).codelength, 6)
    2.32073
    """
    if not isinstance(graph, Graph):
        from minent.io.graph_nx import as_graph

        graph = as_graph(graph, weight=weight, directed=directed)
    from minent.io.graph_nx import node_keys

    start = time.perf_counter()
    if not isinstance(partition, dict):
        partition = {node: j for j, group in enumerate(partition) for node in group}
    # nodes are looked up as objects, then by name, then by integer id
    names = graph.names
    keys = [node if node in partition else names[i] if names[i] in partition else str(i_d)
            for i, (node, i_d) in enumerate(zip(node_keys(graph), graph.ids.tolist()))]
    missing = [names[i] for i, key in enumerate(keys) if key not in partition]
    if missing:
        raise DataError(f"{label}: node {missing[0]!r} of the graph has no module "
                        f"({len(missing)} nodes missing)")
    labels: dict = {}
    module = np.array([labels.setdefault(partition[key], len(labels)) for key in keys],
                      dtype=np.int64)
    flow, settings = flow_with_settings(graph, directed, teleport, recorded_teleport, markov_time)
    settings.update(evaluate=label)
    return _result(graph, flow, two_level_partition(flow, module), settings, start)
