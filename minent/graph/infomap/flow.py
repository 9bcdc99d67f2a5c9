"""The flow of a network as Infomap computes it, and the map equation's codelength of a partition.

Flow follows Infomap exactly (so codelengths agree with it to ~1e-12): undirected links give
p ∝ weighted degree (a self-link counts once) and flow w/2W along each direction; directed
links give PageRank with teleportation probability ``teleport`` to nodes in proportion to
their out-strength, and by default *unrecorded* teleportation (node and link flow from one
more step along links only). ``markov_time`` scales link flow (higher -> fewer modules).
Bipartite networks (``Graph.bipartite_start``, from Pajek's ``*Bipartite N``) get the
reference's default bipartite flow: feature nodes are not coded (no flow of their own), each
link's flow goes to its primary end, and link flow doubles (two steps on the bipartite network
are one step between primary nodes). Weights are scaled by the largest before any sum.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np

from minent.errors import DataError, UsageError
from minent.io.graph import Graph

log = logging.getLogger("minent")


@dataclass
class Flow:
    """The flow network of a graph: node flow, link flow in CSR form, teleportation terms."""

    node_flow: np.ndarray
    optr: np.ndarray
    oidx: np.ndarray
    ofl: np.ndarray
    iptr: np.ndarray
    iidx: np.ndarray
    ifl: np.ndarray
    undirected: bool
    node_x: np.ndarray     # link exit flow of each node (self-links excluded)
    node_e: np.ndarray     # link enter flow
    node_t: np.ndarray     # teleportation weight (recorded teleportation only, else 0)
    node_d: np.ndarray     # flow of dangling nodes (recorded teleportation only, else 0)
    recorded: bool
    alpha: float
    dtot: float
    index_offset: float = 0.0   # exit flow of the enclosing module (sub-networks of a hierarchy)
    # memory (state) networks: the physical node of each node, dense ids 0..n_phys-1; a module
    # codes the flow of its physical nodes, not of its states (see codelength)
    physical: np.ndarray | None = None
    n_phys: int = 0
    _entropy: float | None = field(default=None, repr=False)   # cache of one_level_codelength

    @property
    def n(self) -> int:
        return int(self.node_flow.shape[0])


def flow_with_settings(graph: Graph, directed: bool | None, teleport: float, recorded_teleport: bool,
                       markov_time: float) -> tuple[Flow, dict]:
    """The flow of ``graph`` (:func:`compute_flow`) and the settings that produced it, which
    every InfoMap result records."""
    directed = graph.directed if directed is None else directed
    flow = compute_flow(graph, directed=directed, teleport=teleport, recorded_teleport=recorded_teleport,
                        markov_time=markov_time)
    return flow, dict(directed=directed, teleport=teleport, recorded_teleport=recorded_teleport,
                      markov_time=markov_time)


def compute_flow(
    graph: Graph,
    *,
    directed: bool | None = None,
    teleport: float = 0.15,
    recorded_teleport: bool = False,
    markov_time: float = 1.0,
) -> Flow:
    """Node and link flow of ``graph`` as Infomap computes it (see the module docstring).

    ``directed`` defaults to ``graph.directed``; duplicate links add up; self-links add to
    the node's flow but never to exit flow.
    """
    from minent.graph.infomap import kernels as K

    directed = graph.directed if directed is None else directed
    if not 0.0 <= teleport < 1.0:
        raise UsageError(f"`teleport` must be in [0, 1), got {teleport}")
    if not (markov_time > 0 and math.isfinite(markov_time)):  # inf: one module whatever the graph
        raise UsageError(f"`markov_time` must be positive and finite, got {markov_time}")
    n = graph.n_nodes
    src, dst, w = graph.src, graph.dst, graph.weight
    if graph.n_edges == 0:
        raise DataError("the graph has no links")
    zeros = np.zeros(n)
    # flows depend on relative weights only: scale them to at most 1 so that sums of huge
    # weights (1e308) cannot overflow. A weight below ~1e-308 of the largest becomes 0 in
    # doubles: such a link carries no flow and is left out (as the reference drops zero
    # weights), with a warning
    w = w / w.max()
    if not w.all():
        keep = w > 0
        log.warning("%d links weigh less than 1e-308 of the heaviest link: they carry no flow "
                    "and are left out", int((~keep).sum()))
        src, dst, w = src[keep], dst[keep], w[keep]
    feature = None
    if graph.bipartite_start is not None:
        if recorded_teleport:
            raise UsageError("`recorded_teleport` is not supported for bipartite networks (*Bipartite)")
        feature = graph.ids >= graph.bipartite_start
    # bipartite networks (as the reference, without --bipartite-teleportation): feature nodes
    # are not coded; the flow of each link goes to its primary end, and link flow doubles (two
    # steps of the walk on the bipartite network are one step between primary nodes)
    link_scale = markov_time * (2.0 if feature is not None else 1.0)
    if not directed:
        self_loop = src == dst
        total = 2.0 * w.sum() - w[self_loop].sum()
        p = (np.bincount(src, weights=w, minlength=n)
             + np.bincount(dst[~self_loop], weights=w[~self_loop], minlength=n)) / total
        if feature is not None:
            p = _bipartite_node_flow(p, src, dst, 2.0 * w / total, feature)
        optr, oidx, ofl = K.build_csr(n, src, dst, w, link_scale / total, True)
        node_x = K.row_sums(optr, ofl)
        return Flow(p, optr, oidx, ofl, optr, oidx, ofl, True, node_x, node_x,
                    zeros, zeros, False, teleport, 0.0)
    p, lf, tw, dangling = K.pagerank(n, src, dst, w, teleport, recorded_teleport)
    if feature is not None:
        p = _bipartite_node_flow(p, src, dst, lf, feature)
    optr, oidx, ofl = K.build_csr(n, src, dst, lf, link_scale, False)
    iptr, iidx, ifl = K.transpose_csr(optr, oidx, ofl)
    node_x = K.row_sums(optr, ofl)
    node_e = K.row_sums(iptr, ifl)
    if recorded_teleport:
        node_d = np.where(dangling, p, 0.0)
        return Flow(p, optr, oidx, ofl, iptr, iidx, ifl, False, node_x, node_e,
                    tw, node_d, True, teleport, float(node_d.sum()))
    return Flow(p, optr, oidx, ofl, iptr, iidx, ifl, False, node_x, node_e,
                zeros, zeros, False, teleport, 0.0)


def _bipartite_node_flow(p, src, dst, link_flow, feature) -> np.ndarray:
    """Node flow of a bipartite network: each link's flow added to its primary end, feature
    nodes at 0, normalised."""
    primary_end = np.where(feature[src], dst, src)
    p = p + np.bincount(primary_end, weights=link_flow, minlength=p.size)
    p[feature] = 0.0
    return p / p.sum()


def plogp(x: float) -> float:
    """x log2 x, with 0 log 0 = 0 (the map equation's building block)."""
    return float(x * np.log2(x)) if x > 0 else 0.0


def plogp_sum(x: np.ndarray) -> float:
    """Σ x log2 x over the positive entries of *x*."""
    x = x[x > 0]
    return float(np.sum(x * np.log2(x)))


def physical_flow(flow: Flow) -> np.ndarray:
    """Flow of each physical node of a memory network (the sum over its states)."""
    return np.bincount(flow.physical, weights=flow.node_flow, minlength=flow.n_phys)


def one_level_codelength(flow: Flow) -> float:
    """Codelength of the one-module partition: the entropy of the node flow (bits); of the
    physical nodes' flow in a memory network."""
    if flow._entropy is None:
        flow._entropy = -plogp_sum(flow.node_flow if flow.physical is None else physical_flow(flow))
    return flow._entropy


def flat_codelength(flow: Flow) -> float:
    """Codelength of coding every node of ``flow`` in one codebook, with the exit of the
    enclosing module (``index_offset``) as one more word: the one-level codelength at the top,
    what a module's partition must beat in a hierarchy."""
    off = flow.index_offset
    total = off + float(flow.node_flow.sum())
    return plogp(total) - plogp(off) + one_level_codelength(flow)


def codelength(flow: Flow, module: np.ndarray) -> tuple[float, float, float]:
    """(L, index codelength, module codelength) of a two-level partition (ids 0..k-1).

    A partition with a single module has the one-level codelength (index codelength 0). In a
    memory network a module codes its physical nodes: the module codelength has
    -sum plogp(P[i, alpha]) (alpha's flow in module i) instead of -sum plogp(p_alpha).
    """
    from minent.graph.infomap import kernels as K

    module = np.asarray(module, dtype=np.int64)
    module, k = K.relabel(module)
    if k <= 1 and flow.index_offset == 0.0:
        h = one_level_codelength(flow)
        return h, 0.0, h
    mx, me, mp, mt, md = K.module_sums(flow.optr, flow.oidx, flow.ofl, flow.node_x, flow.node_e,
                                       flow.node_flow, flow.node_t, flow.node_d, module, k)
    index, mod = K.codelength_terms(mx, me, mp, mt, md, flow.recorded, flow.alpha, flow.dtot,
                                    flow.index_offset)
    if flow.physical is None:
        mod += one_level_codelength(flow)
    else:
        pairs = np.unique(module * flow.n_phys + flow.physical, return_inverse=True)[1]
        mod -= plogp_sum(np.bincount(pairs, weights=flow.node_flow))
    total = index + mod
    if abs(total) < 1e-12:  # rounding noise of a zero codelength (all flow inside modules)
        total = 0.0
    return total, index, mod


def result_flow(result) -> Flow:
    """The flow network a result was computed on (its graph and flow settings), e.g. for
    writers that need the link flows (:mod:`minent.io.graph_formats`)."""
    s = result.settings
    return compute_flow(result.graph, directed=s.get("directed"), teleport=s.get("teleport", 0.15),
                        recorded_teleport=s.get("recorded_teleport", False),
                        markov_time=s.get("markov_time", 1.0))
