"""The module tree of an InfoMap result, what the flow-tree writers and the map show.

For every module of a result's tree (two-level or hierarchical), in depth-first order: its
flow, enter and exit flow (teleportation included when recorded), number of children, the
flow between its children, and its own codebook length

    L(module M) = plogp(q_M_exit + sum_c u_c) - plogp(q_M_exit) - sum_c plogp(u_c)

(u_c: a sub-module's enter flow, or a leaf node's flow; in a memory network, the flow of each
physical node in a leaf module), so that the codelengths of all modules add up to the
result's codelength.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from minent.graph.infomap.flow import plogp


@dataclass
class Module:
    """One module of a result's tree; ``path`` is () for the root."""

    path: tuple
    flow: float = 0.0
    enter_flow: float = 0.0
    exit_flow: float = 0.0
    num_children: int = 0
    codelength: float = 0.0
    links: dict = field(default_factory=dict)   # (child, child) 1-based ranks -> flow, sorted

    @property
    def label(self) -> str:
        return ":".join(map(str, self.path)) if self.path else "root"


def module_tree(result, flow) -> list[Module]:
    """Every module of ``result``'s tree in depth-first order (root, 1, 1:1, ..., 2, ...).

    ``flow``: the flow network of the result (:func:`minent.graph.infomap.flow.result_flow`).
    ``result``: an InfomapResult, a MemoryResult, or anything with ``node_path(i)`` (or
    ``paths``) and ``module``.
    """
    paths = list(result.paths) if getattr(result, "paths", None) is not None else \
        [result.node_path(i) for i in range(result.module.size)]
    n = len(paths)
    depth = max(len(p) for p in paths)
    prefixes = {p[:d] for p in paths for d in range(1, len(p))}
    order = [()] + sorted(prefixes)
    mid = {m: i for i, m in enumerate(order)}
    modules = [Module(m) for m in order]
    # label[d, i]: the module at depth d holding node i (-1 where node i is itself at depth d)
    label = np.full((depth, n), -1, np.int64)
    label[0] = 0
    rank = np.zeros((depth, n), np.int64)
    for i, p in enumerate(paths):
        for d in range(1, len(p)):
            label[d, i] = mid[p[:d]]
        rank[: len(p), i] = p
    k = len(modules)
    p_node = flow.node_flow
    m_flow = np.zeros(k)
    children = np.zeros(k, np.int64)
    for d in range(depth):
        ok = label[d] >= 0
        m_flow += np.bincount(label[d][ok], weights=p_node[ok], minlength=k)
        np.maximum.at(children, label[d][ok], rank[d][ok])
    # links as (source, target, flow) over the out-CSR (undirected: both halves of each link)
    src = np.repeat(np.arange(n), np.diff(flow.optr))
    dst = flow.oidx.astype(np.int64)
    lf = flow.ofl
    x = np.zeros(k)
    e = np.zeros(k)
    for d in range(1, depth):
        ls, lt = label[d][src], label[d][dst]
        cross = ls != lt
        a, b = ls[cross & (ls >= 0)], lt[cross & (lt >= 0)]
        x += np.bincount(a, weights=lf[cross & (ls >= 0)], minlength=k)
        e += np.bincount(b, weights=lf[cross & (lt >= 0)], minlength=k)
    t_sum = np.zeros(k)
    d_sum = np.zeros(k)
    for d in range(1, depth):
        ok = label[d] >= 0
        t_sum += np.bincount(label[d][ok], weights=flow.node_t[ok], minlength=k)
        d_sum += np.bincount(label[d][ok], weights=flow.node_d[ok], minlength=k)
    if flow.recorded:
        a = flow.alpha
        exit_ = x + (a * m_flow + (1 - a) * d_sum) * (1 - t_sum)
        enter = e + (a * (1 - m_flow) + (1 - a) * (flow.dtot - d_sum)) * t_sum
    else:
        exit_, enter = x, e
    exit_[0] = enter[0] = 0.0
    # flow between the children of the lowest common module of each link's ends
    keep = src != dst
    src, dst, lf = src[keep], dst[keep], lf[keep]
    differ = rank[:, src] != rank[:, dst]                     # [depth, links]
    c = np.argmax(differ, axis=0)                             # first differing level
    parent = label[c, src]
    a_child, b_child = rank[c, src], rank[c, dst]
    if flow.undirected:
        a_child, b_child = np.minimum(a_child, b_child), np.maximum(a_child, b_child)
    if src.size:
        # group by (module, child, child): one int64 key when it fits, else a 3-key sort
        base = int(rank.max()) + 1
        if k * base * base < 2**62:
            key = (parent * base + a_child) * base + b_child
            by = np.argsort(key, kind="stable")
            key = key[by]
            starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        else:
            by = np.lexsort((b_child, a_child, parent))
            p_s, a_s, b_s = parent[by], a_child[by], b_child[by]
            starts = np.flatnonzero(np.r_[True, (p_s[1:] != p_s[:-1]) | (a_s[1:] != a_s[:-1])
                                          | (b_s[1:] != b_s[:-1])])
        first = by[starts]
        sums = np.add.reduceat(lf[by], starts)
        g_mod, g_a, g_b = parent[first], a_child[first], b_child[first]
        bounds = np.flatnonzero(np.r_[True, g_mod[1:] != g_mod[:-1], True])
        for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            modules[int(g_mod[lo])].links = dict(zip(zip(g_a[lo:hi].tolist(), g_b[lo:hi].tolist()),
                                                     sums[lo:hi].tolist()))
    # each module's own codebook: exit (not at the root) + entering children / visiting nodes
    child_use = [[] for _ in range(k)]
    for j in range(1, k):
        parent_path = order[j][:-1]
        child_use[mid[parent_path]].append(enter[j])
    lens = np.array([len(p) for p in paths])
    for d in range(1, depth):
        leaf = (label[d] >= 0) & (lens == d + 1)
        if flow.physical is None:
            for m, pf in zip(label[d][leaf].tolist(), p_node[leaf].tolist()):
                child_use[m].append(pf)
        else:   # a memory network codes the physical nodes of a leaf module
            key = label[d][leaf] * flow.n_phys + flow.physical[leaf]
            uniq, inv = np.unique(key, return_inverse=True)
            sums = np.bincount(inv, weights=p_node[leaf])
            for m, pf in zip((uniq // flow.n_phys).tolist(), sums.tolist()):
                child_use[m].append(pf)
    for j, mod in enumerate(modules):
        q = float(exit_[j])
        u = child_use[j]
        mod.flow = float(m_flow[j])
        mod.enter_flow = float(enter[j])
        mod.exit_flow = q
        mod.num_children = int(children[j])
        mod.codelength = plogp(q + sum(u)) - plogp(q) - sum(map(plogp, u))
    return modules
