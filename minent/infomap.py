"""InfoMap: community detection by minimising the map equation (ALGORITHMS.md §4).

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

Flow follows Infomap exactly (so codelengths agree with it to ~1e-12): undirected links give
p ∝ weighted degree (a self-link counts once) and flow w/2W along each direction; directed
links give PageRank with teleportation probability ``teleport`` to nodes in proportion to
their out-strength, and by default *unrecorded* teleportation (node and link flow from one
more step along links only). ``markov_time`` scales link flow (higher -> fewer modules).

>>> from minent.io.graph import parse_edge_list
>>> g = parse_edge_list(b"1 2\\n1 3\\n2 3\\n4 5\\n4 6\\n5 6\\n3 4\\n")
>>> r = infomap(g, seed=1)
>>> r.num_modules, round(r.codelength, 6)
(2, 2.32073)
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from minent.errors import DataError, UsageError
from minent.io.graph import Graph

log = logging.getLogger("minent")

#: a node move / a sweep / a tuning round must gain at least this many bits
MIN_IMPROVEMENT = 1e-10
#: sweeps of the core loop (the reference's --core-loop-limit default)
CORE_LOOP_LIMIT = 10
#: sweeps when splitting modules into sub-modules for coarse tuning: the sub-modules are only
#: starting points for moves between modules, so a rough split is enough
COARSE_TUNE_LOOP_LIMIT = 3
#: from this many link ends (2 per link: what one sweep of the core loop reads) on, the searches
#: that start from singletons skip every node that others have already joined, so modules only
#: grow and a sweep visits each node at most once instead of ~10 full sweeps: in the first
#: partition on the leaf level, as the reference does in its first loop, and in the split of
#: coarse tuning on every level that is this large (the sub-modules are only starting points
#: for moves between modules). Not on the aggregated levels of the first partition: there it
#: locks in early merges (a directed random 100k/1M graph: 16.229 bits instead of 16.213; the
#: reference finds 16.216). Fine-tuning (full sweeps from the found modules) repairs what the
#: rule misses. On the 1M-node / 10M-link planted graph the search takes ~20 s instead of 44 s,
#: with the same final codelength. Small graphs keep the full sweeps: they are cheap there and
#: find slightly shorter codes on average.
FAST_SEARCH_MIN_LINKS = 1_000_000
#: tuning rounds continue while one gains this fraction of the first codelength (the
#: reference's --tune-iteration-relative-threshold default)
TUNE_RELATIVE_THRESHOLD = 1e-5


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
    _entropy: float | None = field(default=None, repr=False)   # cache of one_level_codelength

    @property
    def n(self) -> int:
        return int(self.node_flow.shape[0])


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
    from minent.kernels import mapequation as K

    directed = graph.directed if directed is None else directed
    if not 0.0 <= teleport < 1.0:
        raise UsageError(f"--teleport must be in [0, 1), got {teleport}")
    if not (markov_time > 0 and math.isfinite(markov_time)):  # inf: one module whatever the graph
        raise UsageError(f"--markov-time must be positive and finite, got {markov_time}")
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
            raise UsageError("--recorded-teleport is not supported for bipartite networks (*Bipartite)")
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


def _plogp_sum(x: np.ndarray) -> float:
    x = x[x > 0]
    return float(np.sum(x * np.log2(x)))


def one_level_codelength(flow: Flow) -> float:
    """Codelength of the one-module partition: the entropy of the node flow (bits)."""
    if flow._entropy is None:
        flow._entropy = -_plogp_sum(flow.node_flow)
    return flow._entropy


def flat_codelength(flow: Flow) -> float:
    """Codelength of coding every node of ``flow`` in one codebook, with the exit of the
    enclosing module (``index_offset``) as one more word: the one-level codelength at the top,
    what a module's partition must beat in a hierarchy."""
    off = flow.index_offset
    total = off + float(flow.node_flow.sum())
    plogp = lambda x: x * math.log2(x) if x > 0 else 0.0  # noqa: E731
    return plogp(total) - plogp(off) + one_level_codelength(flow)


def codelength(flow: Flow, module: np.ndarray) -> tuple[float, float, float]:
    """(L, index codelength, module codelength) of a two-level partition (ids 0..k-1).

    A partition with a single module has the one-level codelength (index codelength 0).
    """
    from minent.kernels import mapequation as K

    module = np.asarray(module, dtype=np.int64)
    module, k = K.relabel(module)
    if k <= 1 and flow.index_offset == 0.0:
        h = one_level_codelength(flow)
        return h, 0.0, h
    mx, me, mp, mt, md = K.module_sums(flow.optr, flow.oidx, flow.ofl, flow.node_x, flow.node_e,
                                       flow.node_flow, flow.node_t, flow.node_d, module, k)
    index, mod = K.codelength_terms(mx, me, mp, mt, md, flow.recorded, flow.alpha, flow.dtot,
                                    flow.index_offset)
    mod += one_level_codelength(flow)
    total = index + mod
    if abs(total) < 1e-12:  # rounding noise of a zero codelength (all flow inside modules)
        total = 0.0
    return total, index, mod


# ----------------------------------------------------------------------------- search
@dataclass
class _Net:
    """One level of the search: (super-)nodes with CSR flow links."""

    optr: np.ndarray
    oidx: np.ndarray
    ofl: np.ndarray
    iptr: np.ndarray
    iidx: np.ndarray
    ifl: np.ndarray
    x: np.ndarray
    e: np.ndarray
    p: np.ndarray
    t: np.ndarray
    d: np.ndarray
    parent: np.ndarray

    @property
    def n(self) -> int:
        return int(self.p.shape[0])


def _leaf_net(flow: Flow) -> _Net:
    return _Net(flow.optr, flow.oidx, flow.ofl, flow.iptr, flow.iidx, flow.ifl, flow.node_x,
                flow.node_e, flow.node_flow, flow.node_t, flow.node_d,
                np.zeros(flow.n, np.int64))


def _aggregate(flow: Flow, net: _Net, module: np.ndarray, k: int) -> _Net:
    from minent.kernels import mapequation as K

    # exit/enter flow of a module: its nodes' minus the links inside it. Not the row sums of
    # the aggregated links: in the sub-network of a module (hierarchical search) the nodes'
    # exit flow also holds the links that leave the enclosing module, which are not stored
    optr, oidx, ofl, x, e, p, t, d = K.aggregate_with_sums(
        net.optr, net.oidx, net.ofl, module, k, net.x, net.e, net.p, net.t, net.d)
    if flow.undirected:
        iptr, iidx, ifl = optr, oidx, ofl
    else:
        iptr, iidx, ifl = K.transpose_csr(optr, oidx, ofl)
    parent = np.zeros(k, np.int64)
    parent[module] = net.parent
    return _Net(optr, oidx, ofl, iptr, iidx, ifl, x, e, p, t, d, parent)


def module_network(flow: Flow, module: np.ndarray, k: int) -> Flow:
    """The flow network whose nodes are the ``k`` modules of ``module`` (ids 0..k-1).

    A module's visit rate is its enter flow (what the index codebook above it codes), its
    exit/enter flows and links are those between modules; the index offset (exit flow of the
    enclosing module) is kept. Teleportation terms are not carried (unrecorded flow only).
    """
    net = _aggregate(flow, _leaf_net(flow), module, k)
    return Flow(net.e.copy(), net.optr, net.oidx, net.ofl, net.iptr, net.iidx, net.ifl,
                flow.undirected, net.x, net.e, np.zeros(k), np.zeros(k), False, flow.alpha, 0.0,
                flow.index_offset)


def _core(flow: Flow, net: _Net, module: np.ndarray, state: np.ndarray, constrained: bool,
          max_sweeps: int, first_loop: bool = False) -> int:
    from minent.kernels import mapequation as K

    return K.core_loop(net.optr, net.oidx, net.ofl, net.iptr, net.iidx, net.ifl, flow.undirected,
                       net.x, net.e, net.p, net.t, net.d, flow.recorded, flow.alpha, flow.dtot,
                       module, net.parent, constrained, state, max_sweeps, MIN_IMPROVEMENT,
                       flow.index_offset, first_loop)


def _find_modules(flow: Flow, net: _Net, init: np.ndarray, state: np.ndarray, *,
                  constrained: bool = False, core_loop_limit: int = CORE_LOOP_LIMIT,
                  grow_only: str = "", min_links: int = FAST_SEARCH_MIN_LINKS) -> np.ndarray:
    """Core loop + repeated aggregation from ``init``; returns dense module ids of net's nodes.

    ``grow_only`` ("leaf": on net's own level, "all": on every level): where the network has
    at least ``min_links`` link ends, a node that others have joined stays put (the
    reference's first-loop rule, see :func:`minent.kernels.mapequation.core_loop`).
    """
    from minent.kernels import mapequation as K

    def core(cur, module):
        # a sweep sees every link from both ends (directed: out- and in-links)
        rule = (grow_only == "all" or (grow_only == "leaf" and cur is net)) and \
            2 * cur.oidx.shape[0] // (1 + flow.undirected) >= min_links
        return _core(flow, cur, module, state, constrained, core_loop_limit, rule)

    module = init.copy()
    core(net, module)
    cur_mod, k = K.relabel(module)
    leaf = cur_mod
    cur = net
    while 1 < k < cur.n:
        cur = _aggregate(flow, cur, cur_mod, k)
        module = np.arange(k, dtype=np.int64)
        if core(cur, module) == 0:
            break
        cur_mod, k = K.relabel(module)
        leaf = cur_mod[leaf]
    return K.relabel(leaf)[0]


def two_level_trial(flow: Flow, state: np.ndarray, tune_limit: int = 10,
                    both: bool = True) -> tuple[np.ndarray, float]:
    """One trial (``state``: the one-element uint64 RNG state of the kernels), returning
    (module of each node 0..k-1, codelength) of the shorter of two searches (core loops with
    aggregation, then alternating fine and coarse tuning): one where the first partition only
    grows modules (the reference's first loop, see FAST_SEARCH_MIN_LINKS), then one with full
    sweeps from single nodes (not with ``both=False``). They reach different local optima on
    small networks, neither dominating (ninetriangles directed: 1 in 40 seeds finds the
    optimum with full sweeps, 12 in 40 with growing modules; the reverse elsewhere). The
    second runs only if the first found modules shorter than :func:`flat_codelength`, and not
    from FAST_SEARCH_MIN_LINKS link ends on, where both are the same search.
    """
    module, length = _search(flow, state, tune_limit, True)
    # the second search only where the first found modules that pay (a network without
    # modules, such as the inside of most modules in a hierarchical search, costs one search)
    if both and length < flat_codelength(flow) - MIN_IMPROVEMENT \
            and 2 * flow.oidx.shape[0] // (1 + flow.undirected) < FAST_SEARCH_MIN_LINKS:
        other, other_length = _search(flow, state, tune_limit, False)
        if other_length < length - MIN_IMPROVEMENT:
            return other, other_length
    return module, length


def _search(flow: Flow, state: np.ndarray, tune_limit: int, grow_first: bool) -> tuple[np.ndarray, float]:
    """One search of :func:`two_level_trial`."""
    from minent.kernels import mapequation as K

    leaf_net = _leaf_net(flow)
    identity = np.arange(flow.n, dtype=np.int64)
    module = _find_modules(flow, leaf_net, identity, state, grow_only="leaf",
                           min_links=0 if grow_first else FAST_SEARCH_MIN_LINKS)
    best = codelength(flow, module)[0]
    if module.size and module.max() == 0:
        # one module: no coarse tuning (the reference tunes only while there are modules), but
        # one fine-tuning pass, which tries moving each node out of it
        cand = _find_modules(flow, leaf_net, module, state)
        length = codelength(flow, cand)[0]
        if length < best - MIN_IMPROVEMENT:
            return K.relabel(cand)[0], length
        return module, best
    initial = best
    fine = True
    coarse_tried = False
    for _ in range(tune_limit):
        if fine:
            cand = _find_modules(flow, leaf_net, module, state)
        else:
            # coarse tuning: split every module into sub-modules, then move the sub-modules
            split_net = _Net(*(getattr(leaf_net, f) for f in
                               ("optr", "oidx", "ofl", "iptr", "iidx", "ifl", "x", "e", "p", "t", "d")),
                             parent=module)
            sub = _find_modules(flow, split_net, identity, state, constrained=True,
                                core_loop_limit=COARSE_TUNE_LOOP_LIMIT, grow_only="all")
            k = int(sub.max()) + 1
            sub_net = _aggregate(flow, split_net, sub, k)
            top = _find_modules(flow, sub_net, sub_net.parent.copy(), state)
            cand = top[sub]
            coarse_tried = True
        length = codelength(flow, cand)[0]
        # like the reference: keep any gain, but go on tuning only while a round gains more
        # than TUNE_RELATIVE_THRESHOLD of the first codelength, and try coarse tuning once
        worth_another = length < best - max(MIN_IMPROVEMENT, TUNE_RELATIVE_THRESHOLD * initial)
        if length < best - MIN_IMPROVEMENT:
            module, best = K.relabel(cand)[0], length
        if not worth_another and coarse_tried:
            break
        fine = not fine
    return module, best


@dataclass
class InfomapResult:
    """A partition of a graph's nodes and its map-equation codelength (bits).

    ``module[i]`` is node i's top module (1-based, modules ordered by decreasing flow);
    ``paths`` (hierarchical mode) holds each node's tree path as a tuple of 1-based ranks.
    """

    graph: Graph
    module: np.ndarray
    flow: np.ndarray
    codelength: float
    index_codelength: float
    module_codelength: float
    one_level_codelength: float
    settings: dict = field(default_factory=dict)
    elapsed: float = 0.0
    paths: list[tuple[int, ...]] | None = None
    module_flow: np.ndarray | None = None
    _rank: np.ndarray | None = field(default=None, repr=False)

    @property
    def num_modules(self) -> int:
        return int(self.module.max()) if self.module.size else 0

    @property
    def relative_savings(self) -> float:
        if self.one_level_codelength <= 0:
            return 0.0
        return 1.0 - self.codelength / self.one_level_codelength

    def node_order(self) -> np.ndarray:
        """Nodes by module, then by decreasing flow inside the module (the tree order)."""
        if self.paths is not None:
            return np.array(sorted(range(len(self.paths)), key=self.paths.__getitem__), np.int64)
        return np.lexsort((np.arange(self.module.size), -self.flow, self.module))

    def node_path(self, i: int) -> tuple[int, ...]:
        """Tree path of node i: (module, rank in module) or the deeper hierarchical path."""
        if self.paths is not None:
            return self.paths[i]
        if self._rank is None:
            order = self.node_order()
            rank = np.empty(order.size, np.int64)
            mods = self.module[order]
            starts = np.r_[0, np.flatnonzero(np.diff(mods)) + 1]
            pos = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
            rank[order] = pos + 1
            self._rank = rank
        return int(self.module[i]), int(self._rank[i])

    def columns(self) -> list[str]:
        return ["node", "module", "flow"] + (["path"] if self.paths is not None else [])

    def to_rows(self):
        """(node name, module, flow[, path]) rows in tree order."""
        names = self.graph.names
        for i in self.node_order().tolist():
            row = [names[i], int(self.module[i]), float(self.flow[i])]
            if self.paths is not None:
                row.append(":".join(map(str, self.paths[i])))
            yield row


def _order_modules(module: np.ndarray, node_flow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """1-based module ids ranked by decreasing module flow (ties: first node)."""
    k = int(module.max()) + 1
    mflow = np.bincount(module, weights=node_flow, minlength=k)
    first = np.full(k, module.size, np.int64)
    np.minimum.at(first, module, np.arange(module.size))
    rank_order = np.lexsort((first, -mflow))
    rank = np.empty(k, np.int64)
    rank[rank_order] = np.arange(1, k + 1)
    return rank[module], mflow[rank_order]


def _result(graph, flow, module, settings, start, one_level) -> InfomapResult:
    length, index, mod = codelength(flow, module)
    ranked, mflow = _order_modules(module, flow.node_flow)
    return InfomapResult(graph, ranked, flow.node_flow, length, index, mod, one_level,
                         settings, time.perf_counter() - start, module_flow=mflow)


def _flow_and_settings(graph, directed, teleport, recorded_teleport, markov_time):
    """The flow of ``graph`` and the settings that produced it (reported with every result)."""
    directed = graph.directed if directed is None else directed
    flow = compute_flow(graph, directed=directed, teleport=teleport,
                        recorded_teleport=recorded_teleport, markov_time=markov_time)
    return flow, dict(directed=directed, teleport=teleport, recorded_teleport=recorded_teleport,
                      markov_time=markov_time)


def infomap(
    graph: Graph,
    *,
    directed: bool | None = None,
    teleport: float = 0.15,
    recorded_teleport: bool = False,
    markov_time: float = 1.0,
    trials: int = 1,
    seed: int = 123,
    hierarchical: bool = False,
    progress: Callable[[int, float], None] | None = None,
) -> InfomapResult:
    """Two-level (or, with ``hierarchical``, multilevel) InfoMap partition of ``graph``.

    trials: independent seeded searches, the shortest codelength wins (default 1, as the
    reference). seed: one seed drives every trial (same seed -> same answer).
    progress(trial, codelength) is called after each trial.
    """
    if trials < 1:
        raise UsageError(f"--trials must be at least 1, got {trials}")
    start = time.perf_counter()
    flow, settings = _flow_and_settings(graph, directed, teleport, recorded_teleport, markov_time)
    settings.update(trials=trials, seed=seed, hierarchical=hierarchical)
    one_level = one_level_codelength(flow)
    rng = np.random.default_rng(seed)
    if hierarchical:
        from minent.infomap_tree import build_hierarchy
    best: InfomapResult | None = None
    best_module, best_len = np.zeros(flow.n, np.int64), one_level
    for trial in range(trials):
        state = np.array([rng.integers(0, 2**63, dtype=np.uint64)], dtype=np.uint64)
        module, length = two_level_trial(flow, state)
        log.debug("trial %d: %.9f bits, %d modules", trial + 1, length, module.max() + 1)
        if not length < one_level - MIN_IMPROVEMENT:
            module, length = np.zeros(flow.n, np.int64), one_level
        if hierarchical:
            # every trial builds its own tree, the shortest tree wins (as the reference)
            cand = _result(graph, flow, module, settings, start, one_level)
            build_hierarchy(cand, flow, rng)
            if best is None or cand.codelength < best.codelength - MIN_IMPROVEMENT:
                best = cand
            length = cand.codelength
        elif length < best_len - MIN_IMPROVEMENT:
            best_module, best_len = module, length
        if progress is not None:
            progress(trial + 1, length)
    result = best if best is not None else _result(graph, flow, best_module, settings, start,
                                                   one_level)
    result.elapsed = time.perf_counter() - start
    return result


def evaluate(
    graph: Graph,
    partition: dict[str, str],
    *,
    directed: bool | None = None,
    teleport: float = 0.15,
    recorded_teleport: bool = False,
    markov_time: float = 1.0,
    label: str = "<partition>",
) -> InfomapResult:
    """Codelength of a given partition ({node name or id: module label}); every node must be in it."""
    start = time.perf_counter()
    # nodes are looked up by name, then by integer id (a .clu file of a Pajek graph)
    keys = [name if name in partition else str(i) for name, i in zip(graph.names, graph.ids.tolist())]
    missing = [name for name, key in zip(graph.names, keys) if key not in partition]
    if missing:
        raise DataError(f"{label}: node {missing[0]!r} of the graph has no module "
                        f"({len(missing)} nodes missing)")
    labels: dict[str, int] = {}
    module = np.array([labels.setdefault(partition[key], len(labels)) for key in keys],
                      dtype=np.int64)
    flow, settings = _flow_and_settings(graph, directed, teleport, recorded_teleport, markov_time)
    settings.update(evaluate=label)
    return _result(graph, flow, module, settings, start, one_level_codelength(flow))
