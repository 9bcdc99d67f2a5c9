"""Hierarchical InfoMap: split modules into sub-modules while the multilevel codelength drops.

The multilevel map equation (Rosvall & Bergstrom 2011) gives every module its own codebook
for "exit this module", "enter sub-module j" (or, at the bottom, "visit node alpha"):

    L(module i) = plogp(q_i_exit + sum_j u_j) - plogp(q_i_exit) - sum_j plogp(u_j)
                  (+ the codebooks of the sub-modules)

with u_j the enter flow of sub-module j or the flow p_alpha of a node; the root codebook has
no exit. The two-level codelength is the special case of one level of modules. Starting from
the two-level partition, each module's nodes are partitioned again (the same search, with the
module's exit flow as extra index-codebook entry and flows taken from the whole network);
the split is kept when it shortens that module's code, and the sub-modules are split in turn.
"""

from __future__ import annotations

import numpy as np

from minent.graph.infomap.flow import Flow, one_level_codelength, plogp
from minent.graph.infomap.result import InfomapResult
from minent.graph.infomap.search import MIN_IMPROVEMENT, aggregate, leaf_net, two_level_trial

#: modules with fewer nodes are not split further
MIN_SPLIT_NODES = 4
#: deepest level of the tree (a guard; real hierarchies are a few levels deep)
MAX_DEPTH = 20


def _groups(labels: np.ndarray, k: int) -> list[np.ndarray]:
    """Indices of each label 0..k-1 (ascending), without a k-fold scan."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    return [order[bounds[j]:bounds[j + 1]] for j in range(k)]


def sub_flow(flow: Flow, nodes: np.ndarray, exit_flow: float) -> Flow:
    """The flow network restricted to ``nodes`` (sorted indices): global node flows and
    exit/enter flows, only the links inside, and ``exit_flow`` as the index offset."""
    local = np.full(flow.n, -1, np.int64)
    local[nodes] = np.arange(nodes.size)

    def restrict(ptr, idx, fl):
        starts, counts = ptr[nodes], np.diff(ptr)[nodes]
        total = int(counts.sum())
        rows = np.repeat(np.arange(nodes.size), counts)
        first = np.cumsum(counts) - counts
        pos = np.repeat(starts - first, counts) + np.arange(total)
        targets = local[idx[pos]]
        keep = targets >= 0
        new_ptr = np.zeros(nodes.size + 1, np.int64)
        new_ptr[1:] = np.cumsum(np.bincount(rows[keep], minlength=nodes.size))
        return new_ptr, targets[keep].astype(np.int32), fl[pos][keep]

    optr, oidx, ofl = restrict(flow.optr, flow.oidx, flow.ofl)
    if flow.undirected:
        iptr, iidx, ifl = optr, oidx, ofl
    else:
        iptr, iidx, ifl = restrict(flow.iptr, flow.iidx, flow.ifl)
    return Flow(flow.node_flow[nodes], optr, oidx, ofl, iptr, iidx, ifl, flow.undirected,
                flow.node_x[nodes], flow.node_e[nodes], flow.node_t[nodes], flow.node_d[nodes],
                flow.recorded, flow.alpha, flow.dtot, float(exit_flow))


def _module_exits(flow: Flow, module: np.ndarray, k: int) -> np.ndarray:
    from minent.graph.infomap import kernels as K

    mx, _, mp, mt, md = K.module_sums(flow.optr, flow.oidx, flow.ofl, flow.node_x, flow.node_e,
                                      flow.node_flow, flow.node_t, flow.node_d, module, k)
    if flow.recorded:
        mx = mx + (flow.alpha * mp + (1 - flow.alpha) * md) * (1 - mt)
    return mx


def _split(flow: Flow, nodes: np.ndarray, exit_flow: float, state, prefix: tuple,
           global_ids: np.ndarray, paths: list, depth: int) -> float:
    """Write the tree paths of ``nodes`` (indices into ``flow``; a module with path ``prefix``)
    into ``paths`` (indexed by leaf node, via ``global_ids``); return the codelength saved
    against coding the module flat."""
    p = flow.node_flow[nodes]
    if nodes.size >= MIN_SPLIT_NODES and depth < MAX_DEPTH:
        sub = sub_flow(flow, nodes, exit_flow)
        flat = plogp(exit_flow + float(p.sum())) - plogp(exit_flow) - float(-one_level_codelength(sub))
        module, length = two_level_trial(sub, state)
        k = int(module.max()) + 1
        if 1 < k < nodes.size and length < flat - MIN_IMPROVEMENT:
            gain = flat - length
            mflow = np.bincount(module, weights=p, minlength=k)
            exits = _module_exits(sub, module, k)
            groups = _groups(module, k)
            sub_ids = global_ids[nodes]
            for rank, j in enumerate(np.lexsort((np.arange(k), -mflow)).tolist(), 1):
                gain += _split(sub, groups[j], float(exits[j]), state, prefix + (rank,), sub_ids,
                               paths, depth + 1)
            return gain
    order = np.lexsort((nodes, -p))
    for rank, i in enumerate(order.tolist(), 1):
        paths[int(global_ids[nodes[i]])] = prefix + (rank,)
    return 0.0


def _super_level(flow: Flow, top: np.ndarray, k: int, state) -> tuple[np.ndarray, float] | None:
    """Group the ``k`` modules ``top`` into super-modules if that shortens the code.

    The modules become nodes whose "visit" rate is their enter flow u_i (what the index
    codebook codes); a two-level partition S of that network costs
        plogp(sum_S q_S_enter) - sum_S plogp(q_S_enter) + sum_S [plogp(q_S_exit + sum_i u_i)
        - plogp(q_S_exit)] - sum_i plogp(u_i)
    against the flat index codebook plogp(sum_i u_i) - sum_i plogp(u_i).
    Returns (super-module of each module, bits saved) or None.
    """

    net = aggregate(flow, leaf_net(flow), top, k)
    u = net.e.copy()
    if k < 3 or u.sum() <= 0:
        return None
    mflow = Flow(u, net.optr, net.oidx, net.ofl, net.iptr, net.iidx, net.ifl, flow.undirected,
                 net.x, net.e, np.zeros(k), np.zeros(k), False, flow.alpha, 0.0)
    module, length = two_level_trial(mflow, state)
    n_super = int(module.max()) + 1
    flat = plogp(float(u.sum())) - float(sum(plogp(x) for x in u))
    if 1 < n_super < k and length < flat - MIN_IMPROVEMENT:
        return module, flat - length
    return None


def _ranks(fl: np.ndarray, parent: np.ndarray | None) -> np.ndarray:
    """1-based rank of each group by decreasing flow, within its parent (ties: lower id)."""
    k = fl.size
    parent = np.zeros(k, np.int64) if parent is None else parent
    order = np.lexsort((np.arange(k), -fl, parent))
    sorted_parent = parent[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_parent)) + 1]
    within = np.arange(k) - np.repeat(starts, np.diff(np.r_[starts, k]))
    rank = np.empty(k, np.int64)
    rank[order] = within + 1
    return rank


def build_hierarchy(result: InfomapResult, flow: Flow, rng: np.random.Generator) -> None:
    """Turn a two-level ``result`` into a multilevel tree: group modules into super-modules
    (repeatedly) and split modules into sub-modules (recursively) while the multilevel
    codelength drops. Sets ``result.paths``, ``module`` (top level) and the codelengths."""
    n = flow.n
    state = np.array([rng.integers(0, 2**63, dtype=np.uint64)], dtype=np.uint64)
    top = result.module - 1
    k = int(top.max()) + 1
    paths: list = [None] * n
    gain = 0.0
    if k == 1:
        order = np.lexsort((np.arange(n), -flow.node_flow))
        for rank, i in enumerate(order.tolist(), 1):
            paths[i] = (1, rank)
    else:
        # bottom-up: super-modules of modules, level after level (not with recorded
        # teleportation, whose terms depend on visit rates the module network does not carry)
        maps: list[np.ndarray] = []                 # maps[l][g]: parent of level-l group g
        level_flow = [np.bincount(top, weights=flow.node_flow, minlength=k)]
        level = top
        while not flow.recorded:
            found = _super_level(flow, level, level_flow[-1].size, state)
            if found is None:
                break
            sup, saved = found
            gain += saved
            maps.append(sup)
            level = sup[level]
            level_flow.append(np.bincount(sup, weights=level_flow[-1], minlength=int(sup.max()) + 1))
        depth = len(maps)
        ranks = [_ranks(level_flow[depth], None)]
        for lvl in range(depth - 1, -1, -1):
            ranks.insert(0, _ranks(level_flow[lvl], maps[lvl]))
        exits = _module_exits(flow, top, k)
        for i, nodes in enumerate(_groups(top, k)):
            chain = [i]
            for lvl in range(depth):
                chain.append(int(maps[lvl][chain[-1]]))
            prefix = tuple(int(ranks[lvl][chain[lvl]]) for lvl in range(depth, -1, -1))
            gain += _split(flow, nodes, float(exits[i]), state, prefix, np.arange(n), paths, 1)
        result.module = np.array([p[0] for p in paths], np.int64)
    result.paths = paths
    result.codelength -= gain
    result.module_codelength -= gain
