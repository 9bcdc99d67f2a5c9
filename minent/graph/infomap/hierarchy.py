"""Hierarchical InfoMap: the multilevel map equation, levels added above and below modules.

The multilevel map equation (Rosvall & Bergstrom 2011) gives every module its own codebook
for "exit this module" and "enter child c" (a sub-module, coded by its enter flow, or a leaf
node, coded by its visit rate):

    L(module M) = plogp(q_M_exit + sum_c u_c) - plogp(q_M_exit) - sum_c plogp(u_c)

summed over all modules of the tree; the root codebook has no exit. A two-level partition is
the tree of depth one. The tree is searched top-down, the way mapequation's Infomap does it:

1. The children of a module (the root first: its children come from the two-level search) are
   found by a two-level search over its nodes, with the module's exit flow as an extra entry
   of the codebook that codes them.
2. Levels are added above those children while that shortens their index code: the children
   become the nodes of a module network (visit rate = enter flow) whose two-level partition
   groups them into super-modules. A super-module is kept only where it pays: one whose
   dissolution (its members going back to the level above) shortens the code is dissolved,
   so the tree may be unbalanced (some children grouped, others not).
3. The partition of the module's nodes into the coarsest children found is kept only if it
   codes them shorter than one flat codebook; each child is then split in turn (its finer
   structure from step 2 is one candidate, a fresh search another, the shorter wins).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from minent.graph.infomap.flow import Flow, codelength, flat_codelength, plogp, plogp_sum
from minent.graph.infomap.search import MIN_IMPROVEMENT, module_network, two_level_trial

#: deepest level of the tree (a guard; real hierarchies are a few levels deep)
MAX_DEPTH = 20


def _plogp_array(x: np.ndarray) -> np.ndarray:
    out = np.zeros_like(x)
    pos = x > 0
    out[pos] = x[pos] * np.log2(x[pos])
    return out


def _groups(labels: np.ndarray, k: int) -> list[np.ndarray]:
    """Indices of each label 0..k-1 (ascending), without a k-fold scan."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    return [order[bounds[j]:bounds[j + 1]] for j in range(k)]


def _dense(labels: np.ndarray) -> tuple[np.ndarray, int]:
    """Labels renumbered 0..k-1 (any non-negative integers in), and k."""
    uniq, inverse = np.unique(np.asarray(labels, dtype=np.int64), return_inverse=True)
    return inverse.astype(np.int64), int(uniq.size)


def sub_flow(flow: Flow, nodes: np.ndarray, exit_flow: float) -> Flow:
    """The flow network restricted to ``nodes`` (sorted indices): global node flows and
    exit/enter flows, only the links inside, and ``exit_flow`` as the index offset."""
    from minent.graph.infomap import kernels as K

    restrict = K.restrict_csr
    nodes = np.asarray(nodes, dtype=np.int64)
    optr, oidx, ofl = restrict(flow.optr, flow.oidx, flow.ofl, nodes)
    if flow.undirected:
        iptr, iidx, ifl = optr, oidx, ofl
    else:
        iptr, iidx, ifl = restrict(flow.iptr, flow.iidx, flow.ifl, nodes)
    physical, n_phys = None, 0
    if flow.physical is not None:
        # the physical nodes of the module's states, renumbered 0..n_phys-1: the kernels'
        # tables are sized by the number of physical nodes
        uniq, physical = np.unique(flow.physical[nodes], return_inverse=True)
        physical, n_phys = physical.astype(np.int64), int(uniq.size)
    return Flow(flow.node_flow[nodes], optr, oidx, ofl, iptr, iidx, ifl, flow.undirected,
                flow.node_x[nodes], flow.node_e[nodes], flow.node_t[nodes], flow.node_d[nodes],
                flow.recorded, flow.alpha, flow.dtot, float(exit_flow), physical, n_phys)


def _module_sums(flow: Flow, module: np.ndarray, k: int):
    from minent.graph.infomap import kernels as K

    return K.module_sums(flow.optr, flow.oidx, flow.ofl, flow.node_x, flow.node_e,
                         flow.node_flow, flow.node_t, flow.node_d, module, k)


def module_exits(flow: Flow, module: np.ndarray, k: int) -> np.ndarray:
    """Exit flow of each module 0..k-1 of ``flow``'s nodes (teleportation included)."""
    mx, _, mp, mt, md = _module_sums(flow, module, k)
    if flow.recorded:
        mx = mx + (flow.alpha * mp + (1 - flow.alpha) * md) * (1 - mt)
    return mx


def _keep_super_modules(mflow: Flow, sup: np.ndarray, ks: int) -> tuple[np.ndarray, float]:
    """Which super-modules of a module network pay for their codebook.

    ``mflow`` is a module network (nodes = modules g with enter flow u_g), ``sup`` a two-level
    partition of it into ``ks`` super-modules S. Keeping S costs its codebook
    plogp(x_S + U_S) - plogp(x_S) - sum_{g in S} plogp(u_g) (U_S = sum of its u_g) and codes
    entering S once instead of each g; dissolving it puts its members back in the codebook
    above. Super-modules of one member always dissolve; the others are dissolved greedily,
    the largest saving first, while that shortens the code. Returns (new group of each
    module, dense; bits saved against one flat codebook over all modules).
    """
    off = mflow.index_offset
    u = mflow.node_flow
    mx, me, _, _, _ = _module_sums(mflow, sup, ks)
    big_u = np.bincount(sup, weights=u, minlength=ks)
    kept = np.bincount(sup, minlength=ks) > 1
    enter_sum = float(me[kept].sum() + u[~kept[sup]].sum())
    own = _plogp_array(me) - _plogp_array(mx + big_u) + _plogp_array(mx)
    while kept.any():
        cand = np.flatnonzero(kept)
        after = off + enter_sum - me[cand] + big_u[cand]
        delta = _plogp_array(after) - plogp(off + enter_sum) + own[cand]
        j = int(np.argmin(delta))
        if not delta[j] < -MIN_IMPROVEMENT:
            break
        kept[cand[j]] = False
        enter_sum += float(big_u[cand[j]] - me[cand[j]])
    direct = ~kept[sup]
    new_cost = (plogp(off + enter_sum) - plogp(off) - plogp_sum(me[kept]) - plogp_sum(u[direct])
                + float(np.sum(_plogp_array(mx[kept] + big_u[kept]) - _plogp_array(mx[kept])))
                - plogp_sum(u[~direct]))
    old_cost = plogp(off + float(u.sum())) - plogp(off) - plogp_sum(u)
    # new group ids: a kept super-module is one group, every other module its own group
    group = np.where(direct, ks + np.arange(u.size), sup)
    group, _ = _dense(group)
    return group, old_cost - new_cost


def add_levels(flow: Flow, labels: np.ndarray, state) -> list[np.ndarray]:
    """Levels of super-modules above the partition ``labels`` of ``flow``'s nodes, added while
    each shortens the code: the list of partitions from ``labels`` (first) to the coarsest
    (last), each a dense labelling of the nodes."""
    chain = [labels]
    k = int(labels.max()) + 1 if labels.size else 0
    # recorded teleportation: a module network does not carry the teleportation terms
    while k >= 3 and not flow.recorded:
        mflow = module_network(flow, chain[-1], k)
        if not mflow.node_flow.sum() > 0:
            break
        sup, _ = two_level_trial(mflow, state, both=False)
        ks = int(sup.max()) + 1
        if ks <= 1 or ks >= k:
            break
        group, saved = _keep_super_modules(mflow, sup, ks)
        k_new = int(group.max()) + 1
        if k_new >= k or not saved > MIN_IMPROVEMENT:
            break
        chain.append(group[chain[-1]])
        k = k_new
    return chain


@dataclass
class _Module:
    nodes: np.ndarray                     # leaf indices into the whole network
    children: list = field(default_factory=list)   # sub-modules; empty: the nodes are leaves


def _split(flow: Flow, nodes: np.ndarray, state, known: list[np.ndarray], depth: int):
    """Best subtree for a module whose own network is ``flow`` (a sub-flow, offset = the
    module's exit flow) over the leaves ``nodes``: returns (_Module, codelength of the
    module's codebooks, its own and all below it)."""
    flat = flat_codelength(flow)
    module = _Module(nodes)
    n = flow.n
    if n <= 2 or depth >= MAX_DEPTH:
        return module, flat
    candidates = []
    fresh, _ = two_level_trial(flow, state)
    k = int(fresh.max()) + 1
    if 1 < k < n:
        chain = add_levels(flow, fresh, state)
        candidates.append((codelength(flow, chain[-1])[0], chain))
    if known:
        chain = [_dense(lab)[0] for lab in known]
        k = int(chain[-1].max()) + 1
        if 1 < k < n:
            candidates.append((codelength(flow, chain[-1])[0], chain))
    if not candidates:
        return module, flat
    length, chain = min(candidates, key=lambda c: c[0])
    if not length < flat - MIN_IMPROVEMENT:
        return module, flat
    top = chain[-1]
    k = int(top.max()) + 1
    total = codelength(flow, top)[1]
    exits = module_exits(flow, top, k)
    for j, members in enumerate(_groups(top, k)):
        sub = sub_flow(flow, members, float(exits[j]))
        child, child_length = _split(sub, nodes[members], state, [lab[members] for lab in chain[:-1]],
                                     depth + 1)
        module.children.append(child)
        total += child_length
    return module, total


def _write_paths(module: _Module, prefix: tuple, node_flow: np.ndarray, paths: list) -> None:
    """Tree paths: children ranked by decreasing flow (ties: smallest leaf index first)."""
    if not module.children:
        order = np.lexsort((module.nodes, -node_flow[module.nodes]))
        for rank, i in enumerate(module.nodes[order].tolist(), 1):
            paths[i] = prefix + (rank,)
        return
    # (nodes are ascending: nodes[0] is a child's smallest leaf)
    keys = [(-float(node_flow[c.nodes].sum()), int(c.nodes[0])) for c in module.children]
    for rank, j in enumerate(sorted(range(len(keys)), key=keys.__getitem__), 1):
        _write_paths(module.children[j], prefix + (rank,), node_flow, paths)


def build_hierarchy(result, flow: Flow, rng: np.random.Generator) -> None:
    """Turn a two-level ``result`` (an InfomapResult or a
    :class:`~minent.graph.infomap.trials.Partition`) into a multilevel tree (see the module docstring): levels of
    super-modules above its modules where they shorten the index code, and sub-modules below
    them, recursively, where they shorten a module's code. Sets ``result.paths``, ``module``
    (top level) and the codelengths."""
    n = flow.n
    state = np.array([rng.integers(0, 2**63, dtype=np.uint64)], dtype=np.uint64)
    top = result.module - 1
    k = int(top.max()) + 1
    paths: list = [None] * n
    root = _Module(np.arange(n))
    if k == 1:
        _write_paths(_Module(np.arange(n)), (1,), flow.node_flow, paths)
        result.paths = paths
        return
    chain = add_levels(flow, top, state)
    coarse = chain[-1]
    k = int(coarse.max()) + 1
    index = codelength(flow, coarse)[1]
    total = index
    exits = module_exits(flow, coarse, k)
    for j, members in enumerate(_groups(coarse, k)):
        sub = sub_flow(flow, members, float(exits[j]))
        child, child_length = _split(sub, members, state, [lab[members] for lab in chain[:-1]], 1)
        root.children.append(child)
        total += child_length
    _write_paths(root, (), flow.node_flow, paths)
    result.module = np.array([p[0] for p in paths], np.int64)
    result.module_flow = np.bincount(result.module - 1, weights=flow.node_flow)
    result.paths = paths
    result.codelength = total
    result.index_codelength = index
    result.module_codelength = total - index
