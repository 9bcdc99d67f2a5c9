"""The two-level search of the map equation's minimum, as the reference Infomap does it: core loops
of node moves with aggregation into super-nodes, then alternating fine and coarse tuning."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from minent.graph.infomap.flow import Flow, codelength, flat_codelength

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
#: with a preferred number of modules, nodes of at most 2 links also try the modules of this many
#: random nodes (the reference's --num-random-moves default; it does so in every search): the
#: count penalty can make it pay to merge modules that share no link, e.g. two components
RANDOM_MOVES = 5
#: tuning rounds continue while one gains this fraction of the first codelength (the
#: reference's --tune-iteration-relative-threshold default)
TUNE_RELATIVE_THRESHOLD = 1e-5


_NO_PHYSICAL = np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0)


@dataclass
class Net:
    """One level of the search: (super-)nodes with CSR flow links and, in a memory network,
    the flow of the physical nodes each holds (CSR ``pptr``/``pidx``/``pfl``; empty else)."""

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
    pptr: np.ndarray = field(default_factory=lambda: _NO_PHYSICAL[0])
    pidx: np.ndarray = field(default_factory=lambda: _NO_PHYSICAL[1])
    pfl: np.ndarray = field(default_factory=lambda: _NO_PHYSICAL[2])

    @property
    def n(self) -> int:
        return int(self.p.shape[0])


def leaf_net(flow: Flow, parent: np.ndarray | None = None) -> Net:
    physical = _NO_PHYSICAL if flow.physical is None else (
        np.arange(flow.n + 1, dtype=np.int64), flow.physical, flow.node_flow)
    return Net(flow.optr, flow.oidx, flow.ofl, flow.iptr, flow.iidx, flow.ifl, flow.node_x,
               flow.node_e, flow.node_flow, flow.node_t, flow.node_d,
               np.zeros(flow.n, np.int64) if parent is None else parent, *physical)


def aggregate(flow: Flow, net: Net, module: np.ndarray, k: int, physical: bool = True) -> Net:
    """The network of the k modules of ``net``'s nodes (with their physical flows unless
    ``physical`` is False)."""
    from minent.graph.infomap import kernels as K

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
    phys = _NO_PHYSICAL
    if physical and flow.physical is not None:
        phys = K.physical_sums(module, k, net.pptr, net.pidx, net.pfl, flow.n_phys)
    return Net(optr, oidx, ofl, iptr, iidx, ifl, x, e, p, t, d, parent, *phys)


def module_network(flow: Flow, module: np.ndarray, k: int) -> Flow:
    """The flow network whose nodes are the ``k`` modules of ``module`` (ids 0..k-1).

    A module's visit rate is its enter flow (what the index codebook above it codes), its
    exit/enter flows and links are those between modules; the index offset (exit flow of the
    enclosing module) is kept. Teleportation terms are not carried (unrecorded flow only), nor
    physical nodes: a module network codes modules by their enter flow, memory network or not
    (as the reference).
    """
    net = aggregate(flow, leaf_net(flow), module, k, physical=False)
    return Flow(net.e.copy(), net.optr, net.oidx, net.ofl, net.iptr, net.iidx, net.ifl,
                flow.undirected, net.x, net.e, np.zeros(k), np.zeros(k), False, flow.alpha, 0.0,
                flow.index_offset)


def _core(flow: Flow, net: Net, module: np.ndarray, state: np.ndarray, constrained: bool,
          max_sweeps: int, first_loop: bool = False, preferred: int = 0) -> int:
    from minent.graph.infomap import kernels as K

    memory = flow.physical is not None
    # memory networks: weakly linked states also try random modules (as the reference's
    # memory search, and as the earlier memory kernel did)
    random_moves = RANDOM_MOVES if preferred or memory else 0
    loop = K.memory_core_loop if memory else K.core_loop
    return loop(net.optr, net.oidx, net.ofl, net.iptr, net.iidx, net.ifl, flow.undirected,
                net.x, net.e, net.p, net.t, net.d, flow.recorded, flow.alpha, flow.dtot,
                module, net.parent, constrained, state, max_sweeps, MIN_IMPROVEMENT,
                flow.index_offset, first_loop, preferred, random_moves,
                net.pptr, net.pidx, net.pfl, flow.n_phys if memory else 0)


def find_modules(flow: Flow, net: Net, init: np.ndarray, state: np.ndarray, *,
                 constrained: bool = False, core_loop_limit: int = CORE_LOOP_LIMIT,
                 grow_only: str = "", preferred: int = 0,
                 min_links: int = FAST_SEARCH_MIN_LINKS) -> np.ndarray:
    """Core loop + repeated aggregation from ``init``; returns dense module ids of net's nodes.

    ``grow_only`` ("leaf": on net's own level, "all": on every level): where the network has
    at least ``min_links`` link ends, a node that others have joined stays put (the
    reference's first-loop rule, see :func:`minent.graph.infomap.kernels.core_loop`).
    """
    from minent.graph.infomap import kernels as K

    def core(cur, module):
        # a sweep sees every link from both ends (directed: out- and in-links)
        rule = (grow_only == "all" or (grow_only == "leaf" and cur is net)) and \
            2 * cur.oidx.shape[0] // (1 + flow.undirected) >= min_links
        return _core(flow, cur, module, state, constrained, core_loop_limit, rule,
                     0 if constrained else preferred)

    module = init.copy()
    core(net, module)
    cur_mod, k = K.relabel(module)
    leaf = cur_mod
    cur = net
    while 1 < k < cur.n:
        cur = aggregate(flow, cur, cur_mod, k)
        module = np.arange(k, dtype=np.int64)
        if core(cur, module) == 0:
            break
        cur_mod, k = K.relabel(module)
        leaf = cur_mod[leaf]
    return K.relabel(leaf)[0]


def penalty(module: np.ndarray, preferred: int) -> float:
    """The preferred-number-of-modules term: one bit per module more or fewer than wanted."""
    return float(abs(int(module.max()) + 1 - preferred)) if preferred > 0 and module.size else 0.0


def two_level_trial(flow: Flow, state: np.ndarray, tune_limit: int = 10,
                    preferred: int = 0, both: bool = True) -> tuple[np.ndarray, float]:
    """One trial (``state``: the one-element uint64 RNG state of the kernels), returning
    (module of each node 0..k-1, codelength) of the shorter of two searches (core loops with
    aggregation, then alternating fine and coarse tuning): one where the first partition only
    grows modules (the reference's first loop, see FAST_SEARCH_MIN_LINKS), then one with full
    sweeps from single nodes (not with ``both=False`` or ``preferred``). They reach different
    local optima on small networks, neither dominating (ninetriangles directed: 1 in 40 seeds
    finds the optimum with full sweeps, 12 in 40 with growing modules; the reverse elsewhere).
    The second runs only if the first found modules shorter than :func:`flat_codelength`, and
    not from FAST_SEARCH_MIN_LINKS link ends on, where both are the same search, nor on memory
    networks (see below). With
    ``preferred`` the search minimises L + |modules - preferred| and returns that penalised
    length.
    """
    module, length = _search(flow, state, tune_limit, True, preferred)
    # the second search only where the first found modules that pay (a network without
    # modules, such as the inside of most modules in a hierarchical search, costs one search),
    # and not on memory networks: there a sweep also visits every module holding each of a
    # node's physical nodes, so a search costs several times an ordinary one (a second-order
    # network of Tang/Song poems, 207k states / 324k links: 42 s per search, and the first
    # one alone codes 0.2% shorter than the reference's)
    if both and not preferred and flow.physical is None \
            and length < flat_codelength(flow) - MIN_IMPROVEMENT \
            and 2 * flow.oidx.shape[0] // (1 + flow.undirected) < FAST_SEARCH_MIN_LINKS:
        other, other_length = _search(flow, state, tune_limit, False, preferred)
        if other_length < length - MIN_IMPROVEMENT:
            return other, other_length
    return module, length


def _search(flow: Flow, state: np.ndarray, tune_limit: int, grow_first: bool,
            preferred: int) -> tuple[np.ndarray, float]:
    """One search of :func:`two_level_trial`."""
    from minent.graph.infomap import kernels as K

    leaves = leaf_net(flow)
    identity = np.arange(flow.n, dtype=np.int64)
    module = find_modules(flow, leaves, identity, state, grow_only="leaf", preferred=preferred,
                          min_links=0 if grow_first else FAST_SEARCH_MIN_LINKS)
    best = codelength(flow, module)[0] + penalty(module, preferred)
    if not preferred and module.size and module.max() == 0:
        # one module: no coarse tuning (the reference tunes only while there are modules), but
        # one fine-tuning pass, which tries moving each node out of it
        cand = find_modules(flow, leaves, module, state)
        length = codelength(flow, cand)[0]
        if length < best - MIN_IMPROVEMENT:
            return K.relabel(cand)[0], length
        return module, best
    initial = best
    fine = True
    coarse_tried = False
    for _ in range(tune_limit):
        if fine:
            cand = find_modules(flow, leaves, module, state, preferred=preferred)
        else:
            # coarse tuning: split every module into sub-modules, then move the sub-modules
            split_net = leaf_net(flow, parent=module)
            sub = find_modules(flow, split_net, identity, state, constrained=True,
                               core_loop_limit=COARSE_TUNE_LOOP_LIMIT, grow_only="all")
            k = int(sub.max()) + 1
            sub_net = aggregate(flow, split_net, sub, k)
            top = find_modules(flow, sub_net, sub_net.parent.copy(), state, preferred=preferred)
            cand = top[sub]
            coarse_tried = True
        length = codelength(flow, cand)[0] + penalty(cand, preferred)
        # like the reference: keep any gain, but go on tuning only while a round gains more
        # than TUNE_RELATIVE_THRESHOLD of the first codelength, and try coarse tuning once
        worth_another = length < best - max(MIN_IMPROVEMENT, TUNE_RELATIVE_THRESHOLD * initial)
        if length < best - MIN_IMPROVEMENT:
            module, best = K.relabel(cand)[0], length
        if not worth_another and coarse_tried:
            break
        fine = not fine
    return module, best
