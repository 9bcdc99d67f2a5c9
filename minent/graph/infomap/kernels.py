"""Numba kernels of the map equation: flow, module sums, the node-move core loop, aggregation.

Networks are CSR arrays over nodes ``0..N-1``: out-links ``(optr, oidx, oflow)`` and in-links
``(iptr, iidx, iflow)`` carrying *flow* (self-links removed; for undirected networks the in-
and out-CSR are the same symmetric arrays). Per node: flow ``p``, teleportation weight ``t``
and dangling flow ``d`` (the latter two only matter for recorded teleportation).

A module's exit and enter flow is its link exit/enter plus, with recorded teleportation,
    exit_i  += (alpha p_i + (1-alpha) d_i) (1 - t_i)
    enter_i += (alpha (1 - p_i) + (1-alpha) (D - d_i)) t_i
(D = total dangling flow), which keeps every node move an O(1) update of module sums.
The two-level codelength (base 2, plogp(x) = x log2 x) is
    L = plogp(sum_i enter_i) - sum_i plogp(enter_i) - sum_i plogp(exit_i)
        + sum_i plogp(exit_i + p_i) - sum_alpha plogp(p_alpha).
"""

import numpy as np
from numba import njit

_INV_LN2 = 1.0 / np.log(2.0)
#: two moves whose codelength changes differ by at most this many bits are a tie
TIE_TOLERANCE = 1e-10


@njit(cache=True, inline="always")
def plogp(x):
    return x * np.log(x) * _INV_LN2 if x > 0.0 else 0.0


# ----------------------------------------------------------------------------- RNG
@njit(cache=True, inline="always")
def _next(state):
    """splitmix64 step on a one-element uint64 array; returns 64 random bits."""
    state[0] += np.uint64(0x9E3779B97F4A7C15)
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def shuffle(order, state):
    """Fisher-Yates shuffle of ``order`` in place, driven by ``state`` (explicit RNG)."""
    for i in range(order.shape[0] - 1, 0, -1):
        j = np.int64(_next(state) % np.uint64(i + 1))
        tmp = order[i]
        order[i] = order[j]
        order[j] = tmp


# ----------------------------------------------------------------------------- physical nodes
# Memory (state) networks: every node (a state, or a group of states on an aggregated level)
# holds flow of one or more physical nodes, as a CSR (pptr, pidx: physical id, pfl: flow).
@njit(cache=True)
def _sorted_entries(module, pptr, pidx, pfl, by_module, n_phys):
    """(key, flow) of every (module of the node, physical node) entry, sorted by key: key =
    module * n_phys + physical with ``by_module``, else physical * n + module."""
    n = pptr.shape[0] - 1
    total = pptr[n]
    keys = np.empty(total, np.int64)
    vals = np.empty(total)
    pos = 0
    for v in range(n):
        for j in range(pptr[v], pptr[v + 1]):
            keys[pos] = module[v] * n_phys + pidx[j] if by_module else pidx[j] * n + module[v]
            vals[pos] = pfl[j]
            pos += 1
    order = np.argsort(keys, kind="mergesort")
    return keys[order], vals[order]


@njit(cache=True)
def physical_sums(module, k, pptr, pidx, pfl, n_phys):
    """Physical content of the k modules: CSR (ptr, physical id, flow), ids ascending."""
    keys, vals = _sorted_entries(module, pptr, pidx, pfl, True, n_phys)
    total = keys.shape[0]
    ptr = np.zeros(k + 1, np.int64)
    idx = np.empty(total, np.int64)
    fl = np.empty(total)
    m = 0
    last = -1
    for j in range(total):
        key = keys[j]
        if key != last:
            idx[m] = key % n_phys
            fl[m] = 0.0
            ptr[key // n_phys + 1] += 1
            last = key
            m += 1
        fl[m - 1] += vals[j]
    for i in range(k):
        ptr[i + 1] += ptr[i]
    return ptr, idx[:m].copy(), fl[:m].copy()


@njit(cache=True)
def physical_lists(module, pptr, pidx, pfl, n_phys):
    """The modules holding each physical node: for physical node alpha, entries
    ``lptr[alpha] .. lptr[alpha] + llen[alpha]`` of (lmod: module, lflow: alpha's flow in it,
    lnum: how many of the module's nodes hold alpha). The room for alpha is the number of nodes
    holding it (no more modules can), so entries are added and removed in place."""
    n = pptr.shape[0] - 1
    keys, vals = _sorted_entries(module, pptr, pidx, pfl, False, n_phys)
    total = keys.shape[0]
    lptr = np.zeros(n_phys + 1, np.int64)
    for j in range(total):
        lptr[pidx[j] + 1] += 1
    for a in range(n_phys):
        lptr[a + 1] += lptr[a]
    llen = np.zeros(n_phys, np.int64)
    lmod = np.empty(total, np.int64)
    lflow = np.empty(total)
    lnum = np.empty(total, np.int64)
    last = -1
    q = 0
    for j in range(total):
        key = keys[j]
        a = key // n
        if key != last:
            q = lptr[a] + llen[a]
            llen[a] += 1
            lmod[q] = key % n
            lflow[q] = 0.0
            lnum[q] = 0
            last = key
        lflow[q] += vals[j]
        lnum[q] += 1
    return lptr, llen, lmod, lflow, lnum


# ----------------------------------------------------------------------------- flow
@njit(cache=True)
def pagerank(n, src, dst, w, alpha, recorded):
    """Directed flow as Infomap computes it (teleportation to links, power iteration).

    Teleportation lands on nodes in proportion to out-strength (unrecorded) or in-strength
    (recorded); dangling nodes teleport with probability 1. Starts from the degree
    distribution, iterates until the L1 change is <= 1e-15 after at least 50 and at most 200
    steps. Unrecorded: node flow is then the flow of one more step along links only,
    normalised. Returns (node_flow, link_flow per input link, teleport weights, dangling mask).
    """
    m = src.shape[0]
    outw = np.zeros(n)
    inw = np.zeros(n)
    total = 0.0
    for k in range(m):
        outw[src[k]] += w[k]
        total += w[k]
        if src[k] != dst[k]:
            inw[dst[k]] += w[k]
    tw = np.zeros(n)
    for k in range(m):
        if recorded:
            tw[dst[k]] += w[k] / total
        else:
            tw[src[k]] += w[k] / total
    dangling = outw == 0.0
    deg = outw + inw
    p = deg / deg.sum()
    tmp = np.zeros(n)
    beta = 1.0 - alpha
    it = 0
    dangling_rank = 0.0
    while True:
        dangling_rank = 0.0
        for i in range(n):
            if dangling[i]:
                dangling_rank += p[i]
        tele = alpha + beta * dangling_rank
        for i in range(n):
            tmp[i] = tele * tw[i]
        for k in range(m):
            s = src[k]
            tmp[dst[k]] += beta * w[k] / outw[s] * p[s]
        diff = -1.0
        err = 0.0
        for i in range(n):
            diff += tmp[i]
            err += abs(tmp[i] - p[i])
        for i in range(n):
            p[i] = tmp[i]
        if abs(diff) > 1e-10:
            for i in range(n):
                p[i] /= diff + 1.0
        it += 1
        if not (it < 200 and (err > 1e-15 or it < 50)):
            break
    flow = np.empty(m)
    if recorded:
        for k in range(m):
            flow[k] = beta * w[k] / outw[src[k]] * tmp[src[k]]
        node = p
    else:
        norm = 1.0 - dangling_rank
        node = np.zeros(n)
        for k in range(m):
            flow[k] = w[k] / outw[src[k]] * tmp[src[k]] / norm
            node[dst[k]] += flow[k]
    return node, flow, tw, dangling


# ----------------------------------------------------------------------------- CSR helpers
@njit(cache=True)
def build_csr(n, src, dst, w, scale, symmetric):
    """CSR of the links src->dst with flow w * scale (self-links dropped, duplicates kept);
    with ``symmetric`` every link is stored in both directions (undirected networks)."""
    ptr = np.zeros(n + 1, np.int64)
    for k in range(src.shape[0]):
        if src[k] != dst[k]:
            ptr[src[k] + 1] += 1
            if symmetric:
                ptr[dst[k] + 1] += 1
    for i in range(n):
        ptr[i + 1] += ptr[i]
    fill = ptr[:-1].copy()
    idx = np.empty(ptr[n], np.int32)
    fl = np.empty(ptr[n])
    for k in range(src.shape[0]):
        s = src[k]
        t = dst[k]
        if s != t:
            f = w[k] * scale
            idx[fill[s]] = t
            fl[fill[s]] = f
            fill[s] += 1
            if symmetric:
                idx[fill[t]] = s
                fl[fill[t]] = f
                fill[t] += 1
    return ptr, idx, fl


@njit(cache=True)
def transpose_csr(ptr, idx, fl):
    n = ptr.shape[0] - 1
    tptr = np.zeros(n + 1, np.int64)
    for k in range(idx.shape[0]):
        tptr[idx[k] + 1] += 1
    for i in range(n):
        tptr[i + 1] += tptr[i]
    fill = tptr[:-1].copy()
    tidx = np.empty(idx.shape[0], np.int32)
    tfl = np.empty(idx.shape[0])
    for u in range(n):
        for k in range(ptr[u], ptr[u + 1]):
            v = idx[k]
            tidx[fill[v]] = u
            tfl[fill[v]] = fl[k]
            fill[v] += 1
    return tptr, tidx, tfl


@njit(cache=True)
def row_sums(ptr, fl):
    n = ptr.shape[0] - 1
    out = np.zeros(n)
    for i in range(n):
        s = 0.0
        for k in range(ptr[i], ptr[i + 1]):
            s += fl[k]
        out[i] = s
    return out


@njit(cache=True)
def restrict_csr(ptr, idx, fl, nodes):
    """CSR of the links among ``nodes`` (distinct node ids), renumbered 0..len(nodes)-1 in the
    order of ``nodes``; links to other nodes are dropped, the order of the rest is kept."""
    n = ptr.shape[0] - 1
    m = nodes.shape[0]
    local = np.full(n, -1, np.int64)
    for r in range(m):
        local[nodes[r]] = r
    new_ptr = np.zeros(m + 1, np.int64)
    count = 0
    for r in range(m):
        v = nodes[r]
        for e in range(ptr[v], ptr[v + 1]):
            if local[idx[e]] >= 0:
                count += 1
        new_ptr[r + 1] = count
    new_idx = np.empty(count, np.int32)
    new_fl = np.empty(count)
    pos = 0
    for r in range(m):
        v = nodes[r]
        for e in range(ptr[v], ptr[v + 1]):
            t = local[idx[e]]
            if t >= 0:
                new_idx[pos] = t
                new_fl[pos] = fl[e]
                pos += 1
    return new_ptr, new_idx, new_fl


@njit(cache=True)
def aggregate(optr, oidx, ofl, module, k):
    """Out-CSR of the network whose nodes are the ``k`` modules (internal links dropped,
    parallel links merged)."""
    z = np.zeros(optr.shape[0] - 1)
    ptr, idx, fl, _, _, _, _, _ = aggregate_with_sums(optr, oidx, ofl, module, k, z, z, z, z, z)
    return ptr, idx, fl


@njit(cache=True)
def aggregate_with_sums(optr, oidx, ofl, module, k, node_x, node_e, node_p, node_t, node_d):
    """:func:`aggregate` and, in the same pass, what :func:`module_sums` gives: per module the
    exit and enter flow (its nodes' minus the links inside it), flow, teleport weight and
    dangling flow."""
    n = optr.shape[0] - 1
    mx = np.zeros(k)
    me = np.zeros(k)
    mp = np.zeros(k)
    mt = np.zeros(k)
    md = np.zeros(k)
    for v in range(n):
        m = module[v]
        mx[m] += node_x[v]
        me[m] += node_e[v]
        mp[m] += node_p[v]
        mt[m] += node_t[v]
        md[m] += node_d[v]
    # members of each module by counting sort
    mptr = np.zeros(k + 1, np.int64)
    for v in range(n):
        mptr[module[v] + 1] += 1
    for i in range(k):
        mptr[i + 1] += mptr[i]
    fill = mptr[:-1].copy()
    members = np.empty(n, np.int64)
    for v in range(n):
        members[fill[module[v]]] = v
        fill[module[v]] += 1
    acc = np.zeros(k)
    seen = np.full(k, -1, np.int64)
    touched = np.empty(k, np.int64)
    ptr = np.zeros(k + 1, np.int64)
    idx = np.empty(oidx.shape[0], np.int32)
    fl = np.empty(oidx.shape[0])
    pos = 0
    for a in range(k):
        nt = 0
        for j in range(mptr[a], mptr[a + 1]):
            v = members[j]
            for e in range(optr[v], optr[v + 1]):
                b = module[oidx[e]]
                if b == a:
                    mx[a] -= ofl[e]
                    me[a] -= ofl[e]
                    continue
                if seen[b] != a:
                    seen[b] = a
                    acc[b] = 0.0
                    touched[nt] = b
                    nt += 1
                acc[b] += ofl[e]
        for t in range(nt):
            b = touched[t]
            idx[pos] = b
            fl[pos] = acc[b]
            pos += 1
        ptr[a + 1] = pos
    return ptr, idx[:pos].copy(), fl[:pos].copy(), mx, me, mp, mt, md


@njit(cache=True)
def sum_by(module, values, k):
    out = np.zeros(k)
    for v in range(module.shape[0]):
        out[module[v]] += values[v]
    return out


@njit(cache=True)
def relabel(module):
    """Dense module ids 0..k-1 in order of first appearance; returns (new, k)."""
    n = module.shape[0]
    mapping = np.full(n + 1, -1, np.int64)
    out = np.empty(n, np.int64)
    k = 0
    for v in range(n):
        m = module[v]
        if mapping[m] < 0:
            mapping[m] = k
            k += 1
        out[v] = mapping[m]
    return out, k


# ----------------------------------------------------------------------------- codelength
@njit(cache=True)
def module_sums(optr, oidx, ofl, node_x, node_e, node_p, node_t, node_d, module, k):
    """Per-module (link exit, link enter, flow, teleport weight, dangling flow)."""
    mx = np.zeros(k)
    me = np.zeros(k)
    mp = np.zeros(k)
    mt = np.zeros(k)
    md = np.zeros(k)
    n = node_p.shape[0]
    for v in range(n):
        m = module[v]
        mx[m] += node_x[v]
        me[m] += node_e[v]
        mp[m] += node_p[v]
        mt[m] += node_t[v]
        md[m] += node_d[v]
    for v in range(n):
        m = module[v]
        for e in range(optr[v], optr[v + 1]):
            if module[oidx[e]] == m:
                mx[m] -= ofl[e]
                me[m] -= ofl[e]
    return mx, me, mp, mt, md


@njit(cache=True, inline="always")
def _q_exit(x, p, t, d, recorded, alpha):
    if recorded:
        return x + (alpha * p + (1.0 - alpha) * d) * (1.0 - t)
    return x


@njit(cache=True, inline="always")
def _q_enter(e, p, t, d, recorded, alpha, dtot):
    if recorded:
        return e + (alpha * (1.0 - p) + (1.0 - alpha) * (dtot - d)) * t
    return e


@njit(cache=True)
def codelength_terms(mx, me, mp, mt, md, recorded, alpha, dtot, offset):
    """(index codelength, module codelength + sum plogp(p_alpha)) from module sums.

    ``offset`` is the exit flow of the enclosing module when the partition is a sub-partition
    (its codebook codes that exit too); 0 for a top-level partition.
    """
    sum_e = offset
    e_log_e = 0.0
    x_log_x = 0.0
    f_log_f = 0.0
    for m in range(mx.shape[0]):
        qx = _q_exit(mx[m], mp[m], mt[m], md[m], recorded, alpha)
        qe = _q_enter(me[m], mp[m], mt[m], md[m], recorded, alpha, dtot)
        sum_e += qe
        e_log_e += plogp(qe)
        x_log_x += plogp(qx)
        f_log_f += plogp(qx + mp[m])
    return plogp(sum_e) - plogp(offset) - e_log_e, f_log_f - x_log_x


# ----------------------------------------------------------------------------- core loop
@njit(cache=True, inline="always")
def _gather(ptr, idx, fl, col, v, fv, module, parent, constrained, acc, touched, nt, memory):
    """Add the flow of v's links (one CSR) per neighbouring module into acc[:, col]."""
    pv_parent = parent[v]
    for e in range(ptr[v], ptr[v + 1]):
        u = idx[e]
        if constrained and parent[u] != pv_parent:
            continue
        b = module[u]
        if acc[b, 2] != fv:
            acc[b, 2] = fv
            acc[b, 0] = 0.0
            acc[b, 1] = 0.0
            if memory:
                acc[b, 3] = 0.0
            touched[nt] = b
            nt += 1
        acc[b, col] += fl[e]
    return nt


# columns of the per-module state in core_loop: one row (64 bytes) per module keeps every
# value a candidate move reads in one cache line
_X, _E, _P, _T, _D, _LX, _LE, _LXP = 0, 1, 2, 3, 4, 5, 6, 7


def _core_loop_for(memory):
    """The core loop with ``memory`` fixed when it is compiled (numba folds the constant: an
    ordinary network pays nothing for the physical terms)."""

    @njit(cache=True)
    def core_loop(optr, oidx, ofl, iptr, iidx, ifl, undirected,
                  node_x, node_e, node_p, node_t, node_d, recorded, alpha, dtot,
                  module, parent, constrained, state, max_sweeps, min_gain, offset, first_loop,
                  preferred, random_moves, pptr, pidx, pfl, n_phys):
        """Move nodes (in random order) to the neighbouring module that lowers L most.

        ``module`` (ids in 0..N-1) is updated in place. With ``constrained`` a node may only join
        modules of nodes with the same ``parent`` (used to split modules in coarse tuning).
        A node may also move to an empty module. The first sweep visits every node, later sweeps
        only the neighbours of nodes that moved (the rest saw no change in their neighbourhood).
        Sweeps repeat until no node moves, the gain of a sweep is below ``min_gain`` or
        ``max_sweeps`` is reached. ``offset`` is the exit flow of the enclosing module when
        splitting one module of a hierarchy (0 at the top). With ``first_loop`` (the first pass
        over the leaf nodes of a search, as the reference does it) a node that others have joined
        stays where it is: modules only grow, and most nodes are skipped after the first sweep.
        With ``preferred`` > 0 a move also pays |number of modules - preferred| bits, the
        reference's --preferred-number-of-modules (BiasedMapEquation): one bit per module too many
        or too few. With ``random_moves`` > 0 a node with at most 2 links (counting in- and
        out-links) also considers the modules of that many random nodes, as the reference does
        (--num-random-moves 5, --max-degree-for-random-moves 2): the only way a module can join
        one it has no link to (a disconnected part, when the count penalty makes that pay).

        Memory (state) networks (``n_phys`` > 0): node v holds the physical flows
        ``pfl[pptr[v]:pptr[v+1]]`` of physical nodes ``pidx[...]``, and a module codes
        P[i, alpha], the flow of physical node alpha's states in module i, instead of its nodes'
        flows (Rosvall et al. 2014). A move then also changes -sum plogp(P[i, alpha]) of the two
        modules: leaving a is the same whatever the target; joining b costs -sum plogp(f) over v's
        physical flows f, corrected for each physical node b already holds. The modules holding
        v's physical nodes are candidates too, found, as the reference does, in a list of the
        modules holding each physical node (:func:`physical_lists`), so a visit costs the number
        of modules a physical node is in, not its number of states. With ``n_phys`` 0 the
        physical arrays are not read (pass empty ones).
        Returns the number of moves.
        """
        n = node_p.shape[0]
        # per module: link exit, link enter, flow, teleport weight, dangling flow, and the cached
        # plogp of total exit, total enter and exit + flow
        ms = np.zeros((n, 8))
        mn = np.zeros(n, np.int64)
        for v in range(n):
            m = module[v]
            ms[m, _X] += node_x[v]
            ms[m, _E] += node_e[v]
            ms[m, _P] += node_p[v]
            ms[m, _T] += node_t[v]
            ms[m, _D] += node_d[v]
            mn[m] += 1
        for v in range(n):
            m = module[v]
            for e in range(optr[v], optr[v + 1]):
                if module[oidx[e]] == m:
                    ms[m, _X] -= ofl[e]
                    ms[m, _E] -= ofl[e]
        free = np.empty(n, np.int64)
        nfree = 0
        for m in range(n - 1, -1, -1):
            if mn[m] == 0:
                free[nfree] = m
                nfree += 1
        n_mod = n - nfree
        sum_e = offset
        for m in range(n):
            if mn[m] > 0:
                qx = _q_exit(ms[m, _X], ms[m, _P], ms[m, _T], ms[m, _D], recorded, alpha)
                qe = _q_enter(ms[m, _E], ms[m, _P], ms[m, _T], ms[m, _D], recorded, alpha, dtot)
                sum_e += qe
                ms[m, _LX] = plogp(qx)
                ms[m, _LE] = plogp(qe)
                ms[m, _LXP] = plogp(qx + ms[m, _P])

        # memory networks: the modules holding each physical node, with its flow there; in
        # constrained mode also the parent of each module (all its nodes share it)
        if memory:
            lptr, llen, lmod, lflow, lnum = physical_lists(module, pptr, pidx, pfl, n_phys)
        else:
            lptr = np.zeros(1, np.int64)
            llen = np.zeros(1, np.int64)
            lmod = np.zeros(1, np.int64)
            lflow = np.zeros(1)
            lnum = np.zeros(1, np.int64)
        # plogp of each entry's flow, kept up to date: one logarithm per candidate entry
        lplogp = np.empty(lflow.shape[0])
        for q in range(lflow.shape[0]):
            lplogp[q] = plogp(lflow[q])
        mod_parent = np.zeros(n if constrained else 1, np.int64)
        if constrained:
            for v in range(n):
                mod_parent[module[v]] = parent[v]

        # flow from v to / from each neighbouring module, the mark (acc[b, 2] == v when b is in
        # touched) and, for memory networks, the correction of joining b for the physical nodes
        # it shares with v (one cache line per neighbour module)
        acc = np.zeros((n, 4 if memory else 3))
        acc[:, 2] = -1.0
        touched = np.empty(n, np.int64)
        order = np.arange(n)
        # only nodes next to a move are revisited in the next sweep (all nodes in the first)
        active = np.ones(n, np.bool_)
        next_active = np.zeros(n, np.bool_)
        total_moves = 0
        for sweep in range(max_sweeps):
            shuffle(order, state)
            moves = 0
            gain = 0.0
            for i in range(n):
                v = order[i]
                if not active[v]:
                    continue
                a = module[v]
                if first_loop and mn[a] > 1:
                    continue
                pv = node_p[v]
                xv = node_x[v]
                ev = node_e[v]
                tv = node_t[v]
                dv = node_d[v]
                touched[0] = a
                fv = float(v)
                acc[a, 2] = fv
                acc[a, 0] = 0.0
                acc[a, 1] = 0.0
                nt = 1
                nt = _gather(optr, oidx, ofl, 0, v, fv, module, parent, constrained, acc, touched, nt,
                             memory)
                if not undirected:
                    nt = _gather(iptr, iidx, ifl, 1, v, fv, module, parent, constrained, acc, touched, nt,
                                 memory)
                if random_moves > 0:
                    degree = optr[v + 1] - optr[v]
                    if not undirected:
                        degree += iptr[v + 1] - iptr[v]
                    if degree <= 2:
                        for _r in range(random_moves):
                            u = np.int64(_next(state) % np.uint64(n))
                            if constrained and parent[u] != parent[v]:
                                continue
                            b = module[u]
                            if acc[b, 2] != fv:
                                acc[b, 2] = fv
                                acc[b, 0] = 0.0
                                acc[b, 1] = 0.0
                                if memory:
                                    acc[b, 3] = 0.0
                                touched[nt] = b
                                nt += 1
                # physical terms: leaving a (the same whatever the target) and joining a module
                # without any of v's physical nodes; the modules holding some are candidates too,
                # with a correction per shared physical node in acc[b, 3]
                leave = 0.0
                join = 0.0
                if memory:
                    for j in range(pptr[v], pptr[v + 1]):
                        f = pfl[j]
                        l_f = plogp(f)
                        join -= l_f
                        ph = pidx[j]
                        for q in range(lptr[ph], lptr[ph] + llen[ph]):
                            b = lmod[q]
                            old = lflow[q]
                            if b == a:
                                leave += lplogp[q] - plogp(max(old - f, 0.0))
                                continue
                            if constrained and mod_parent[b] != parent[v]:
                                continue
                            if acc[b, 2] != fv:
                                acc[b, 2] = fv
                                acc[b, 0] = 0.0
                                acc[b, 1] = 0.0
                                acc[b, 3] = 0.0
                                touched[nt] = b
                                nt += 1
                            acc[b, 3] += lplogp[q] - plogp(old + f) + l_f
                # module a without v
                out_a = acc[a, 0]
                in_a = out_a if undirected else acc[a, 1]
                qe_a = _q_enter(ms[a, _E], ms[a, _P], ms[a, _T], ms[a, _D], recorded, alpha, dtot)
                if mn[a] == 1:
                    pa2 = 0.0
                    ta2 = 0.0
                    da2 = 0.0
                    xa2 = 0.0
                    ea2 = 0.0
                else:
                    pa2 = ms[a, _P] - pv
                    ta2 = ms[a, _T] - tv
                    da2 = ms[a, _D] - dv
                    xa2 = ms[a, _X] - xv + out_a + in_a
                    ea2 = ms[a, _E] - ev + in_a + out_a
                qx_a2 = _q_exit(xa2, pa2, ta2, da2, recorded, alpha)
                l_qx_a2 = plogp(qx_a2)
                l_qxp_a2 = plogp(qx_a2 + pa2)
                if undirected:
                    qe_a2 = qx_a2
                    l_qe_a2 = l_qx_a2
                else:
                    qe_a2 = _q_enter(ea2, pa2, ta2, da2, recorded, alpha, dtot)
                    l_qe_a2 = plogp(qe_a2)
                base_a = l_qe_a2 - ms[a, _LE] + l_qx_a2 - ms[a, _LX] - l_qxp_a2 + ms[a, _LXP]
                best = a
                best_delta = 0.0
                best_xb = 0.0
                best_eb = 0.0
                # the neighbouring module v sends most flow to, and the change of moving there
                strong = -1
                # as the reference: a module must take more of v's out-flow than v's own module
                strong_out = acc[a, 0]
                strong_delta = 0.0
                strong_xb = 0.0
                strong_eb = 0.0
                plogp_sum_e = plogp(sum_e)
                sum_e_a = sum_e - qe_a + qe_a2
                for t in range(1, nt + 1):
                    if t < nt:
                        b = touched[t]
                        out_b = acc[b, 0]
                        in_b = out_b if undirected else acc[b, 1]
                        xb = ms[b, _X] + xv - out_b - in_b
                        eb = ms[b, _E] + ev - in_b - out_b
                        pb = ms[b, _P]
                        tb = ms[b, _T]
                        db = ms[b, _D]
                        l_qe_b = ms[b, _LE]
                        l_qx_b = ms[b, _LX]
                        l_qxp_b = ms[b, _LXP]
                        if undirected:
                            qe_b = ms[b, _X]
                        else:
                            qe_b = _q_enter(ms[b, _E], pb, tb, db, recorded, alpha, dtot)
                        phys = leave + join + (acc[b, 3] if memory else 0.0)
                    else:
                        # an empty module, pointless if v is alone already
                        if mn[a] == 1 or nfree == 0:
                            continue
                        b = free[nfree - 1]
                        xb = xv
                        eb = ev
                        pb = 0.0
                        tb = 0.0
                        db = 0.0
                        qe_b = 0.0
                        l_qe_b = 0.0
                        l_qx_b = 0.0
                        l_qxp_b = 0.0
                        phys = leave + join
                    qx_b2 = _q_exit(xb, pb + pv, tb + tv, db + dv, recorded, alpha)
                    l_qx_b2 = plogp(qx_b2)
                    if undirected:
                        qe_b2 = qx_b2
                        l_qe_b2 = l_qx_b2
                    else:
                        qe_b2 = _q_enter(eb, pb + pv, tb + tv, db + dv, recorded, alpha, dtot)
                        l_qe_b2 = plogp(qe_b2)
                    delta = (plogp(sum_e_a - qe_b + qe_b2) - plogp_sum_e
                             - base_a
                             - l_qe_b2 + l_qe_b
                             - l_qx_b2 + l_qx_b
                             + plogp(qx_b2 + pb + pv) - l_qxp_b
                             + phys)
                    if preferred > 0:
                        dm = (t == nt) - (mn[a] == 1 and t < nt)
                        delta += abs(n_mod + dm - preferred) - abs(n_mod - preferred)
                    if delta < best_delta:
                        best_delta = delta
                        best = b
                        best_xb = xb
                        best_eb = eb
                    if t < nt and acc[b, 0] > strong_out:
                        strong_out = acc[b, 0]
                        strong = b
                        strong_delta = delta
                        strong_xb = xb
                        strong_eb = eb
                # as the reference: between moves that change the codelength equally (within
                # TIE_TOLERANCE), prefer the module v sends most flow to; so a node whose moves
                # cost nothing (no flow of its own, say) joins its strongest neighbour
                forced = False
                if strong >= 0 and strong != best and strong_delta <= best_delta + TIE_TOLERANCE:
                    best = strong
                    best_delta = strong_delta
                    best_xb = strong_xb
                    best_eb = strong_eb
                    forced = True
                if best != a and (best_delta < -1e-15 or forced):
                    b = best
                    n_mod += (mn[b] == 0) - (mn[a] == 1)
                    if mn[b] == 0:
                        nfree -= 1
                        qe_b = 0.0
                    else:
                        qe_b = _q_enter(ms[b, _E], ms[b, _P], ms[b, _T], ms[b, _D], recorded, alpha, dtot)
                    ms[a, _X] = xa2
                    ms[a, _E] = ea2
                    ms[a, _P] = pa2
                    ms[a, _T] = ta2
                    ms[a, _D] = da2
                    ms[a, _LX] = l_qx_a2
                    ms[a, _LE] = l_qe_a2
                    ms[a, _LXP] = l_qxp_a2
                    mn[a] -= 1
                    if mn[a] == 0:
                        free[nfree] = a
                        nfree += 1
                    ms[b, _X] = best_xb
                    ms[b, _E] = best_eb
                    ms[b, _P] += pv
                    ms[b, _T] += tv
                    ms[b, _D] += dv
                    mn[b] += 1
                    qx_b2 = _q_exit(ms[b, _X], ms[b, _P], ms[b, _T], ms[b, _D], recorded, alpha)
                    qe_b2 = _q_enter(ms[b, _E], ms[b, _P], ms[b, _T], ms[b, _D], recorded, alpha, dtot)
                    ms[b, _LX] = plogp(qx_b2)
                    ms[b, _LE] = ms[b, _LX] if undirected else plogp(qe_b2)
                    ms[b, _LXP] = plogp(qx_b2 + ms[b, _P])
                    sum_e += qe_a2 - qe_a + qe_b2 - qe_b
                    if memory:
                        for j in range(pptr[v], pptr[v + 1]):
                            ph = pidx[j]
                            lo = lptr[ph]
                            hi = lo + llen[ph]
                            q = lo
                            while lmod[q] != a:
                                q += 1
                            lflow[q] = max(lflow[q] - pfl[j], 0.0)
                            lplogp[q] = plogp(lflow[q])
                            lnum[q] -= 1
                            if lnum[q] == 0:   # a no longer holds ph: the last entry fills the gap
                                hi -= 1
                                lmod[q] = lmod[hi]
                                lflow[q] = lflow[hi]
                                lplogp[q] = lplogp[hi]
                                lnum[q] = lnum[hi]
                            q = lo
                            while q < hi and lmod[q] != b:
                                q += 1
                            if q == hi:
                                lmod[q] = b
                                lflow[q] = 0.0
                                lnum[q] = 0
                                hi += 1
                            lflow[q] += pfl[j]
                            lplogp[q] = plogp(lflow[q])
                            lnum[q] += 1
                            llen[ph] = hi - lo
                        if constrained:
                            mod_parent[b] = parent[v]
                    module[v] = b
                    moves += 1
                    gain -= best_delta
                    next_active[v] = True
                    for e in range(optr[v], optr[v + 1]):
                        next_active[oidx[e]] = True
                    if not undirected:
                        for e in range(iptr[v], iptr[v + 1]):
                            next_active[iidx[e]] = True
            tmp_active = active
            active = next_active
            next_active = tmp_active
            next_active[:] = False
            total_moves += moves
            if moves == 0 or gain < min_gain:
                break
        return total_moves

    return core_loop


#: the core loop of ordinary networks, and of memory (state) networks (n_phys > 0)
core_loop = _core_loop_for(False)
memory_core_loop = _core_loop_for(True)
