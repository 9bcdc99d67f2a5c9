"""numba kernels of the map equation for memory (state) networks.

A state node belongs to one physical node; inside a module, the states of one physical node
share one codeword, so a module's codebook codes the physical flows
P[i, alpha] = sum of the flows of alpha's states in module i (Rosvall et al. 2014). Moving a
node (a state, or a group of states at an aggregated level) therefore also changes the
-sum plogp(P[i, alpha]) terms of the two modules involved; that is the only difference from
the ordinary core loop (:func:`minent.graph.infomap.kernels.core_loop`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from minent.graph.infomap.kernels import plogp, shuffle


# ----------------------------------------------------------------------------- hash table
# (module, physical) -> flow as an open-addressing table in two arrays: keys (-1 = empty) and
# values; linear probing, no deletion (a zero flow stays as an entry), grown at half load.
@njit(cache=True, inline="always")
def _slot(keys, key):
    mask = keys.shape[0] - 1
    h = (np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(20)
    i = np.int64(h & np.uint64(mask))
    while keys[i] != -1 and keys[i] != key:
        i = (i + 1) & mask
    return i


@njit(cache=True)
def _grow(keys, vals):
    new_keys = np.full(keys.shape[0] * 2, -1, np.int64)
    new_vals = np.zeros(keys.shape[0] * 2)
    for i in range(keys.shape[0]):
        if keys[i] != -1:
            j = _slot(new_keys, keys[i])
            new_keys[j] = keys[i]
            new_vals[j] = vals[i]
    return new_keys, new_vals


@njit(cache=True, inline="always")
def _get(keys, vals, key):
    i = _slot(keys, key)
    return vals[i] if keys[i] == key else 0.0


@njit(cache=True, inline="always")
def _splitmix(state):
    """splitmix64 step on a one-element uint64 array (as the ordinary core loop's RNG)."""
    state[0] += np.uint64(0x9E3779B97F4A7C15)
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def physical_sums(module, k, pptr, pidx, pfl, n_phys):
    """Physical content of the k modules: CSR (ptr, physical id, flow), ids ascending."""
    n = module.shape[0]
    total = pptr[n]
    keys = np.empty(total, np.int64)
    vals = np.empty(total)
    pos = 0
    for v in range(n):
        for j in range(pptr[v], pptr[v + 1]):
            keys[pos] = module[v] * n_phys + pidx[j]
            vals[pos] = pfl[j]
            pos += 1
    order = np.argsort(keys, kind="mergesort")
    ptr = np.zeros(k + 1, np.int64)
    idx = np.empty(total, np.int64)
    fl = np.empty(total)
    m = 0
    last = -1
    for j in range(total):
        key = keys[order[j]]
        if key != last:
            idx[m] = key % n_phys
            fl[m] = 0.0
            ptr[key // n_phys + 1] += 1
            last = key
            m += 1
        fl[m - 1] += vals[order[j]]
    for i in range(k):
        ptr[i + 1] += ptr[i]
    return ptr, idx[:m].copy(), fl[:m].copy()


@njit(cache=True)
def holders(pptr, pidx, n_phys):
    """Inverse of the physical CSR: for each physical node, the nodes holding it."""
    n = pptr.shape[0] - 1
    qptr = np.zeros(n_phys + 1, np.int64)
    for j in range(pptr[n]):
        qptr[pidx[j] + 1] += 1
    for a in range(n_phys):
        qptr[a + 1] += qptr[a]
    fill = qptr[:-1].copy()
    qidx = np.empty(pptr[n], np.int64)
    for v in range(n):
        for j in range(pptr[v], pptr[v + 1]):
            a = pidx[j]
            qidx[fill[a]] = v
            fill[a] += 1
    return qptr, qidx


@njit(cache=True)
def mem_core_loop(optr, oidx, ofl, iptr, iidx, ifl, undirected, node_x, node_e, node_p,
                  pptr, pidx, pfl, qptr, qidx, n_phys, module, state, max_sweeps, min_gain,
                  parent, constrained, random_moves=0):
    """Move nodes (random order) to the module that lowers the memory map equation most.

    Candidates: the modules of v's neighbours, an empty module, and every module holding v's
    physical nodes (as the reference). The physical part of a move's change is exact and O(1)
    per candidate: -sum plogp(f) for a module holding none of v's physical nodes, corrected
    for the modules met while scanning the holders of v's physical nodes (``qptr``/``qidx``). With ``constrained`` only modules of nodes with the same ``parent`` (coarse
    tuning: splitting each module). Unrecorded teleportation (link flow only). ``module`` is
    updated in place; returns the number of moves.
    """
    n = node_p.shape[0]
    mx = np.zeros(n)
    me = np.zeros(n)
    mp = np.zeros(n)
    mn = np.zeros(n, np.int64)
    for v in range(n):
        m = module[v]
        mx[m] += node_x[v]
        me[m] += node_e[v]
        mp[m] += node_p[v]
        mn[m] += 1
    for v in range(n):
        m = module[v]
        for e in range(optr[v], optr[v + 1]):
            if module[oidx[e]] == m:
                mx[m] -= ofl[e]
                me[m] -= ofl[e]
    # physical flow per (module, physical node)
    cap = 16
    while cap < 4 * (pptr[n] + 1):
        cap *= 2
    hkeys = np.full(cap, -1, np.int64)
    hvals = np.zeros(cap)
    used = 0
    for v in range(n):
        for j in range(pptr[v], pptr[v + 1]):
            key = module[v] * n_phys + pidx[j]
            h = _slot(hkeys, key)
            if hkeys[h] == -1:
                hkeys[h] = key
                used += 1
            hvals[h] += pfl[j]
    free = np.empty(n, np.int64)
    nfree = 0
    for m in range(n - 1, -1, -1):
        if mn[m] == 0:
            free[nfree] = m
            nfree += 1
    sum_e = 0.0
    for m in range(n):
        sum_e += me[m]
    acc_out = np.zeros(n)
    acc_in = np.zeros(n)
    corr = np.zeros(n)
    mark = np.full(n, -1, np.int64)
    last_tick = np.full(n, -1, np.int64)
    tick = 0
    touched = np.empty(n + 1, np.int64)
    order = np.arange(n)
    # after the first sweep only nodes next to a move (by a link or a shared physical node)
    # are visited again: the others' candidate moves did not change
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
            pv = node_p[v]
            xv = node_x[v]
            ev = node_e[v]
            nt = 0
            mark[a] = v
            acc_out[a] = 0.0
            acc_in[a] = 0.0
            corr[a] = 0.0
            touched[nt] = a
            nt += 1
            for e in range(optr[v], optr[v + 1]):
                if constrained and parent[oidx[e]] != parent[v]:
                    continue
                b = module[oidx[e]]
                if mark[b] != v:
                    mark[b] = v
                    acc_out[b] = 0.0
                    acc_in[b] = 0.0
                    corr[b] = 0.0
                    touched[nt] = b
                    nt += 1
                acc_out[b] += ofl[e]
            if not undirected:
                for e in range(iptr[v], iptr[v + 1]):
                    if constrained and parent[iidx[e]] != parent[v]:
                        continue
                    b = module[iidx[e]]
                    if mark[b] != v:
                        mark[b] = v
                        acc_out[b] = 0.0
                        acc_in[b] = 0.0
                        corr[b] = 0.0
                        touched[nt] = b
                        nt += 1
                    acc_in[b] += ifl[e]
            if random_moves > 0:
                degree = optr[v + 1] - optr[v]
                if not undirected:
                    degree += iptr[v + 1] - iptr[v]
                if degree <= 2:
                    for _r in range(random_moves):
                        u = np.int64(_splitmix(state) % np.uint64(n))
                        if constrained and parent[u] != parent[v]:
                            continue
                        b = module[u]
                        if mark[b] != v:
                            mark[b] = v
                            acc_out[b] = 0.0
                            acc_in[b] = 0.0
                            corr[b] = 0.0
                            touched[nt] = b
                            nt += 1
            # joining a module without any of v's physical nodes costs base_join; the modules
            # holding some of them are candidates too, with a correction per shared node
            base_join = 0.0
            for j in range(pptr[v], pptr[v + 1]):
                base_join -= plogp(pfl[j])
                alpha = pidx[j]
                tick += 1
                for q in range(qptr[alpha], qptr[alpha + 1]):
                    u = qidx[q]
                    if u == v or (constrained and parent[u] != parent[v]):
                        continue
                    b = module[u]
                    if mark[b] != v:
                        mark[b] = v
                        acc_out[b] = 0.0
                        acc_in[b] = 0.0
                        corr[b] = 0.0
                        touched[nt] = b
                        nt += 1
                    if last_tick[b] != tick and b != a:
                        last_tick[b] = tick
                        old = _get(hkeys, hvals, b * n_phys + alpha)
                        corr[b] += plogp(old) - plogp(old + pfl[j]) + plogp(pfl[j])
            out_a = acc_out[a]
            in_a = out_a if undirected else acc_in[a]
            # module a without v
            if mn[a] == 1:
                pa2 = 0.0
                xa2 = 0.0
                ea2 = 0.0
            else:
                pa2 = mp[a] - pv
                xa2 = mx[a] - xv + out_a + in_a
                ea2 = me[a] - ev + in_a + out_a
            ea2 = xa2 if undirected else ea2
            # physical terms of leaving a (the same whatever the target)
            leave = 0.0
            for j in range(pptr[v], pptr[v + 1]):
                old = _get(hkeys, hvals, a * n_phys + pidx[j])
                leave += plogp(old) - plogp(max(old - pfl[j], 0.0))
            base_a = (plogp(ea2) - plogp(me[a]) + plogp(xa2) - plogp(mx[a])
                      - plogp(xa2 + pa2) + plogp(mx[a] + mp[a]))
            sum_e_a = sum_e - me[a] + ea2
            best = a
            best_delta = 0.0
            best_xb = 0.0
            best_eb = 0.0
            for t in range(1, nt + 1):
                if t < nt:
                    b = touched[t]
                    out_b = acc_out[b]
                    in_b = out_b if undirected else acc_in[b]
                    xb = mx[b] + xv - out_b - in_b
                    eb = me[b] + ev - in_b - out_b
                    pb = mp[b]
                    xb_old = mx[b]
                    eb_old = me[b]
                    join = base_join + corr[b]
                else:
                    if mn[a] == 1 or nfree == 0:
                        continue
                    b = free[nfree - 1]
                    xb = xv
                    eb = ev
                    pb = 0.0
                    xb_old = 0.0
                    eb_old = 0.0
                    join = base_join
                eb = xb if undirected else eb
                delta = (plogp(sum_e_a - eb_old + eb) - plogp(sum_e)
                         - base_a
                         - plogp(eb) + plogp(eb_old)
                         - plogp(xb) + plogp(xb_old)
                         + plogp(xb + pb + pv) - plogp(xb_old + pb)
                         + leave + join)
                if delta < best_delta:
                    best_delta = delta
                    best = b
                    best_xb = xb
                    best_eb = eb
            if best != a and best_delta < -1e-15:
                b = best
                if mn[b] == 0:
                    nfree -= 1
                sum_e += ea2 - me[a] + best_eb - me[b]
                mx[a] = xa2
                me[a] = ea2
                mp[a] = pa2
                mn[a] -= 1
                if mn[a] == 0:
                    free[nfree] = a
                    nfree += 1
                mx[b] = best_xb
                me[b] = best_eb
                mp[b] += pv
                mn[b] += 1
                if 2 * (used + pptr[v + 1] - pptr[v]) > hkeys.shape[0]:
                    hkeys, hvals = _grow(hkeys, hvals)
                for j in range(pptr[v], pptr[v + 1]):
                    h = _slot(hkeys, a * n_phys + pidx[j])
                    hvals[h] = max(hvals[h] - pfl[j], 0.0)
                    h = _slot(hkeys, b * n_phys + pidx[j])
                    if hkeys[h] == -1:
                        hkeys[h] = b * n_phys + pidx[j]
                        used += 1
                    hvals[h] += pfl[j]
                module[v] = b
                moves += 1
                gain -= best_delta
                next_active[v] = True
                for e in range(optr[v], optr[v + 1]):
                    next_active[oidx[e]] = True
                if not undirected:
                    for e in range(iptr[v], iptr[v + 1]):
                        next_active[iidx[e]] = True
                for j in range(pptr[v], pptr[v + 1]):
                    for q in range(qptr[pidx[j]], qptr[pidx[j] + 1]):
                        next_active[qidx[q]] = True
        tmp = active
        active = next_active
        next_active = tmp
        next_active[:] = False
        total_moves += moves
        if moves == 0 or gain < min_gain:
            break
    return total_moves
