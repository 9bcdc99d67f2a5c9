"""Slow, obviously-correct Python references for the map equation (used by the tests only).

Flow follows Infomap's FlowCalculator (Infomap 2.x) line by line; the codelength is the
two-level map equation written out over dictionaries of module sums.
"""

from __future__ import annotations

import math
from collections import defaultdict


def plogp(x: float) -> float:
    return x * math.log2(x) if x > 0 else 0.0


def flows(n, links, directed=False, alpha=0.15, recorded=False):
    """(p, [(s, t, flow)], node link exit, node link enter, teleport weights, dangling flags)."""
    agg = defaultdict(float)
    for s, t, w in links:
        agg[(s, t)] += w
    L = [(s, t, w) for (s, t), w in agg.items()]
    outw = [0.0] * n
    for s, t, w in L:
        outw[s] += w
    if not directed:
        S = sum(w if s == t else 2 * w for s, t, w in L)
        p = [0.0] * n
        for s, t, w in L:
            p[s] += w / S
            if s != t:
                p[t] += w / S
        lf = [(s, t, w / S) for s, t, w in L if s != t]
        lf += [(t, s, f) for s, t, f in lf]
        tw = [0.0] * n
        dang = [False] * n
    else:
        W = sum(w for s, t, w in L)
        tw = [0.0] * n
        for s, t, w in L:
            tw[t if recorded else s] += w / W
        dang = [outw[i] == 0 for i in range(n)]
        inw = [0.0] * n
        for s, t, w in L:
            if s != t:
                inw[t] += w
        deg = [outw[i] + inw[i] for i in range(n)]
        p = [x / sum(deg) for x in deg]
        it = 0
        while True:
            dr = sum(p[i] for i in range(n) if dang[i])
            tmp = [(alpha + (1 - alpha) * dr) * tw[i] for i in range(n)]
            for s, t, w in L:
                tmp[t] += (1 - alpha) * w / outw[s] * p[s]
            d = sum(tmp) - 1
            err = sum(abs(tmp[i] - p[i]) for i in range(n))
            p = tmp[:]
            if abs(d) > 1e-10:
                p = [x / (d + 1) for x in p]
            it += 1
            if not (it < 200 and (err > 1e-15 or it < 50)):
                break
        if recorded:
            lf = [(s, t, (1 - alpha) * w / outw[s] * tmp[s]) for s, t, w in L]
        else:
            lf = [(s, t, w / outw[s] * tmp[s] / (1 - dr)) for s, t, w in L]
            p = [0.0] * n
            for s, t, f in lf:
                p[t] += f
        lf = [(s, t, f) for s, t, f in lf if s != t]
    ex = [0.0] * n
    en = [0.0] * n
    for s, t, f in lf:
        ex[s] += f
        en[t] += f
    return p, lf, ex, en, tw, dang


def codelength(part, n, links, directed=False, alpha=0.15, recorded=False, markov_time=1.0):
    """Two-level map equation of the partition ``part`` (list of module labels)."""
    p, lf, ex, en, tw, dang = flows(n, links, directed, alpha, recorded)
    mods = sorted(set(part))
    if len(mods) == 1:
        return -sum(plogp(x) for x in p)
    X = {m: 0.0 for m in mods}
    E = {m: 0.0 for m in mods}
    P = {m: 0.0 for m in mods}
    T = {m: 0.0 for m in mods}
    D = {m: 0.0 for m in mods}
    for i, m in enumerate(part):
        P[m] += p[i]
        T[m] += tw[i]
        D[m] += p[i] if dang[i] else 0.0
    for s, t, f in lf:
        if part[s] != part[t]:
            X[part[s]] += f * markov_time
            E[part[t]] += f * markov_time
    if recorded:
        dtot = sum(D.values())
        for m in mods:
            X[m] += (alpha * P[m] + (1 - alpha) * D[m]) * (1 - T[m])
            E[m] += (alpha * (1 - P[m]) + (1 - alpha) * (dtot - D[m])) * T[m]
    tot = sum(E.values())
    return (plogp(tot) - sum(plogp(E[m]) for m in mods) - sum(plogp(X[m]) for m in mods)
            + sum(plogp(X[m] + P[m]) for m in mods) - sum(plogp(x) for x in p))


def multilevel_codelength(paths, n, links, directed=False):
    """Multilevel map equation of a tree given as one path per node (last entry = leaf rank).

    Every module M (a proper path prefix) has a codebook for its exit and for entering its
    children (sub-module enter flow, or node flow at the bottom); the root has no exit.
    """
    p, lf, _, _, _, _ = flows(n, links, directed)
    prefixes = {tuple(path[:d]) for path in paths for d in range(0, len(path))}

    def members(prefix):
        return {i for i in range(n) if tuple(paths[i][: len(prefix)]) == prefix}

    def enter_exit(nodes):
        enter = sum(f for s, t, f in lf if s not in nodes and t in nodes)
        exit_ = sum(f for s, t, f in lf if s in nodes and t not in nodes)
        return enter, exit_

    total = 0.0
    for prefix in prefixes:
        nodes = members(prefix)
        exit_ = 0.0 if not prefix else enter_exit(nodes)[1]
        uses = []
        children = {tuple(paths[i][: len(prefix) + 1]) for i in nodes}
        for child in children:
            if child in prefixes:
                uses.append(enter_exit(members(child))[0])
            else:
                (leaf,) = [i for i in nodes if tuple(paths[i]) == child]
                uses.append(p[leaf])
        total += plogp(exit_ + sum(uses)) - plogp(exit_) - sum(plogp(u) for u in uses)
    return total
