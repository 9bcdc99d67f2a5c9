"""InfoMap on memory (state) networks: overlapping modules of physical nodes.

A state network (Infomap's ``*Vertices`` / ``*States`` / ``*Links`` format) has physical nodes
(words, places) and state nodes, each state belonging to one physical node; links join states.
The random walk runs on the states, so a walker's next step depends on the state it is in (in
a second-order network: on where it came from). The map equation codes a module's visits by
physical node: the states of one physical node in a module share a codeword, so

    L = index codebook (as usual, from module enter flows)
      + sum_i [plogp(q_i_exit + p_i) - plogp(q_i_exit) - sum_alpha plogp(P[i, alpha])]

with P[i, alpha] the flow of physical node alpha's states in module i (Rosvall, Esquivel,
Lancichinetti, West & Lambiotte 2014). A physical node whose states fall into several modules
belongs to all of them, each with its share of the node's flow: overlapping communities.
The one-level codelength is the entropy of the physical flows.

The search (:func:`memory_infomap`): the core loop moves states to neighbouring modules, to
modules holding other states of the same physical node, or to an empty module
(:func:`minent.graph.infomap.memory.kernels.mem_core_loop`), modules are aggregated and moved again, then
fine-tuning re-moves the states from the partition found while the codelength drops; the best
of ``trials`` seeded runs is kept, and one module is the answer when nothing beats it.
Two-level; unrecorded teleportation (the reference's default).

>>> net = parse_state_network(b"*Vertices 2\\n1 a\\n2 b\\n*States\\n1 1\\n2 2\\n3 1\\n*Links\\n1 2\\n2 3\\n3 1\\n")
>>> net.n_states, net.n_physical, net.physical.tolist()
(3, 2, [0, 1, 0])
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from minent.errors import DataError, UsageError
from minent.io.graph import Graph

#: nodes with at most 2 links also try the modules of this many random nodes (the reference's
#: --num-random-moves default, for weakly linked states and modules)
RANDOM_MOVES = 5
#: sweeps of the core loop, and tuning rounds
CORE_LOOP_LIMIT = 10
TUNE_LIMIT = 10
MIN_IMPROVEMENT = 1e-10


@dataclass
class StateNetwork:
    """States (``graph``: its nodes are the states, links between states) and the physical
    node of each state (``physical[s]`` in 0..n_physical-1, named ``physical_names``)."""

    graph: Graph
    physical: np.ndarray
    physical_names: list[str]
    physical_ids: np.ndarray

    @property
    def n_states(self) -> int:
        return self.graph.n_nodes

    @property
    def n_physical(self) -> int:
        return len(self.physical_names)


def _name(rest: str, label: str, lineno: int) -> str:
    rest = rest.strip()
    if rest.startswith('"'):
        end = rest.rfind('"')
        if end <= 0:
            raise DataError(f"{label}:{lineno}: unterminated name")
        return rest[1:end]
    return rest.split()[0] if rest else ""


def looks_like_state_network(data: bytes) -> bool:
    """True if the text has a ``*States`` section line."""
    for raw in data.split(b"\n"):
        if raw.lstrip()[:7].lower() == b"*states":
            return True
    return False


def parse_state_network(data: bytes, *, label: str = "<graph>", directed: bool = True) -> StateNetwork:
    """Parse Infomap's state-network format.

    ``*Vertices [N]`` lines ``id ["name"]`` (optional: physical ids then name themselves);
    ``*States`` lines ``state_id physical_id ["name"]``; ``*Links`` (or ``*Arcs``/``*Edges``)
    lines ``source_state target_state [weight]``. ``#``/``%`` comments. A link to an undeclared
    state, a state without a physical id, a repeated state id or a weight that is not a
    positive finite number raise DataError naming the line.
    """
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DataError(f"{label}:{line}: not valid UTF-8") from None
    section = None
    vertex_names: dict[int, str] = {}
    state_ids: list[int] = []
    state_phys: list[int] = []
    state_names: list[str] = []
    state_index: dict[int, int] = {}
    src: list[int] = []
    dst: list[int] = []
    wts: list[float] = []
    link_lines: list[int] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#%":
            continue
        if line[0] == "*":
            head = line.split()[0].lower()
            if head == "*vertices":
                section = "vertices"
            elif head == "*states":
                section = "states"
            elif head in ("*links", "*arcs", "*edges"):
                section = "links"
                if not state_ids:
                    raise DataError(f"{label}:{lineno}: links before any *States")
            else:
                raise DataError(f"{label}:{lineno}: unsupported section {line.split()[0]!r} in a state network")
            continue
        parts = line.split(None, 1)
        if section is None:
            raise DataError(f"{label}:{lineno}: expected a *Vertices or *States section first")
        if section == "vertices":
            try:
                vid = int(parts[0])
            except ValueError:
                raise DataError(f"{label}:{lineno}: expected a vertex id, got {parts[0]!r}") from None
            vertex_names[vid] = _name(parts[1], label, lineno) if len(parts) > 1 else str(vid)
        elif section == "states":
            fields = line.split(None, 2)
            if len(fields) < 2:
                raise DataError(f"{label}:{lineno}: a state needs 'state_id physical_id'")
            try:
                sid, pid = int(fields[0]), int(fields[1])
            except ValueError:
                raise DataError(f"{label}:{lineno}: state and physical ids must be integers") from None
            if sid in state_index:
                raise DataError(f"{label}:{lineno}: state {sid} declared twice")
            state_index[sid] = len(state_ids)
            state_ids.append(sid)
            state_phys.append(pid)
            state_names.append(_name(fields[2], label, lineno) if len(fields) > 2 else str(sid))
        else:
            fields = line.split()
            if len(fields) not in (2, 3):
                raise DataError(f"{label}:{lineno}: expected 'source_state target_state [weight]'")
            try:
                s, t = state_index[int(fields[0])], state_index[int(fields[1])]
            except ValueError:
                raise DataError(f"{label}:{lineno}: state ids must be integers") from None
            except KeyError as e:
                raise DataError(f"{label}:{lineno}: link to an undeclared state {e.args[0]}") from None
            try:
                w = float(fields[2]) if len(fields) == 3 else 1.0
            except ValueError:
                raise DataError(f"{label}:{lineno}: weight is not a number") from None
            if not (0.0 < w < math.inf):
                raise DataError(f"{label}:{lineno}: weight must be a positive finite number")
            src.append(s)
            dst.append(t)
            wts.append(w)
            link_lines.append(lineno)
    if not state_ids:
        raise DataError(f"{label}: no *States section")
    phys_ids = sorted(set(state_phys))
    dense = {p: i for i, p in enumerate(phys_ids)}
    physical = np.array([dense[p] for p in state_phys], np.int64)
    names = [vertex_names.get(p, str(p)) for p in phys_ids]
    graph = Graph(state_names, np.array(state_ids, np.int64), np.array(src, np.int64),
                  np.array(dst, np.int64), np.array(wts, np.float64), directed)
    return StateNetwork(graph, physical, names, np.array(phys_ids, np.int64))


def read_state_network(path, *, directed: bool = True) -> StateNetwork:
    """Read a state network file (``-`` = stdin; gzip by magic bytes)."""
    from minent.io.graph_nx import read_bytes

    label = "<stdin>" if path is None or str(path) == "-" else str(path)
    return parse_state_network(read_bytes(path, label), label=label, directed=directed)


# ----------------------------------------------------------------------------- codelength
def _plogp_sum(x: np.ndarray) -> float:
    x = x[x > 0]
    return float(np.sum(x * np.log2(x)))


def physical_flow(net: StateNetwork, state_flow: np.ndarray) -> np.ndarray:
    return np.bincount(net.physical, weights=state_flow, minlength=net.n_physical)


def memory_codelength(net: StateNetwork, flow, module: np.ndarray) -> tuple[float, float, float]:
    """(L, index codelength, module codelength) of a partition of the states (ids 0..k-1)."""
    from minent.graph.infomap.flow import codelength

    module = np.asarray(module, np.int64)
    uniq, dense = np.unique(module, return_inverse=True)
    k = uniq.size
    p_phys = physical_flow(net, flow.node_flow)
    if k <= 1:
        h = -_plogp_sum(p_phys)
        return h, 0.0, h
    _, index, mod = codelength(flow, dense)
    # codelength() coded the states themselves: swap their plogp for the physical flows
    mod += _plogp_sum(flow.node_flow)
    key = dense * net.n_physical + net.physical
    _, inv = np.unique(key, return_inverse=True)
    mod -= _plogp_sum(np.bincount(inv, weights=flow.node_flow))
    total = index + mod
    return total, index, mod


# ----------------------------------------------------------------------------- search
@dataclass
class _Level:
    optr: np.ndarray
    oidx: np.ndarray
    ofl: np.ndarray
    iptr: np.ndarray
    iidx: np.ndarray
    ifl: np.ndarray
    x: np.ndarray
    e: np.ndarray
    p: np.ndarray
    pptr: np.ndarray
    pidx: np.ndarray
    pfl: np.ndarray


def leaf_level(net: StateNetwork, flow) -> _Level:
    n = flow.n
    return _Level(flow.optr, flow.oidx, flow.ofl, flow.iptr, flow.iidx, flow.ifl, flow.node_x,
                  flow.node_e, flow.node_flow, np.arange(n + 1, dtype=np.int64),
                  net.physical.astype(np.int64), flow.node_flow.copy())


def _aggregate(flow, lvl: _Level, module: np.ndarray, k: int, n_phys: int) -> _Level:
    from minent.graph.infomap import kernels as K
    from minent.graph.infomap.memory.kernels import physical_sums

    optr, oidx, ofl = K.aggregate(lvl.optr, lvl.oidx, lvl.ofl, module, k)
    if flow.undirected:
        iptr, iidx, ifl = optr, oidx, ofl
    else:
        iptr, iidx, ifl = K.transpose_csr(optr, oidx, ofl)
    x = K.row_sums(optr, ofl)
    e = x if flow.undirected else K.row_sums(iptr, ifl)
    pptr, pidx, pfl = physical_sums(module, k, lvl.pptr, lvl.pidx, lvl.pfl, n_phys)
    return _Level(optr, oidx, ofl, iptr, iidx, ifl, x, e, K.sum_by(module, lvl.p, k), pptr, pidx, pfl)


def core_pass(flow, lvl: _Level, module: np.ndarray, state: np.ndarray, n_phys: int,
          parent: np.ndarray | None = None) -> int:
    from minent.graph.infomap.memory.kernels import holders, mem_core_loop

    qptr, qidx = holders(lvl.pptr, lvl.pidx, n_phys)
    constrained = parent is not None
    parent = np.zeros(1, np.int64) if parent is None else parent
    return mem_core_loop(lvl.optr, lvl.oidx, lvl.ofl, lvl.iptr, lvl.iidx, lvl.ifl, flow.undirected,
                         lvl.x, lvl.e, lvl.p, lvl.pptr, lvl.pidx, lvl.pfl, qptr, qidx, n_phys,
                         module, state, CORE_LOOP_LIMIT, MIN_IMPROVEMENT, parent, constrained, RANDOM_MOVES)


def _find(flow, leaf: _Level, init: np.ndarray, state, n_phys: int) -> np.ndarray:
    """Core loop on the leaf level from ``init``, then on aggregated levels while nodes move."""
    from minent.graph.infomap import kernels as K

    module = init.copy()
    core_pass(flow, leaf, module, state, n_phys)
    cur_mod, k = K.relabel(module)
    result = cur_mod
    cur = leaf
    while 1 < k < cur.p.shape[0]:
        cur = _aggregate(flow, cur, cur_mod, k, n_phys)
        module = np.arange(k, dtype=np.int64)
        if core_pass(flow, cur, module, state, n_phys) == 0:
            break
        cur_mod, k = K.relabel(module)
        result = cur_mod[result]
    return K.relabel(result)[0]


def _coarse(flow, leaf: _Level, module: np.ndarray, state, n_phys: int) -> np.ndarray:
    """Coarse tuning: split every module into sub-modules (a search confined to it), then move
    the sub-modules between modules."""
    from minent.graph.infomap import kernels as K

    sub = np.arange(flow.n, dtype=np.int64)
    core_pass(flow, leaf, sub, state, n_phys, parent=module)
    sub, k = K.relabel(sub)
    parent = np.zeros(k, np.int64)
    parent[sub] = module
    lvl = _aggregate(flow, leaf, sub, k, n_phys)
    top = parent.copy()
    core_pass(flow, lvl, top, state, n_phys)
    return K.relabel(top[sub])[0]


def _trial(net: StateNetwork, flow, state) -> tuple[np.ndarray, float]:
    """A search, then fine- and coarse-tuning in turn while they shorten the code."""
    leaf = leaf_level(net, flow)
    n_phys = net.n_physical
    module = _find(flow, leaf, np.arange(flow.n, dtype=np.int64), state, n_phys)
    best = memory_codelength(net, flow, module)[0]
    fine, coarse_tried = True, False
    for _ in range(TUNE_LIMIT):
        if fine:
            cand = _find(flow, leaf, module, state, n_phys)
        else:
            cand = _coarse(flow, leaf, module, state, n_phys)
            cand = _find(flow, leaf, cand, state, n_phys)
            coarse_tried = True
        length = memory_codelength(net, flow, cand)[0]
        improved = length < best - MIN_IMPROVEMENT
        if improved:
            module, best = cand, length
        if not improved and coarse_tried:
            break
        fine = not fine
    return module, best


@dataclass
class MemoryResult:
    """A partition of a state network and its codelength (bits).

    ``module[s]`` is state s's module (1-based, modules by decreasing flow); ``memberships()``
    gives each physical node's modules with the flow of its states there and their share.
    """

    network: StateNetwork
    module: np.ndarray
    flow: np.ndarray
    codelength: float
    index_codelength: float
    module_codelength: float
    one_level_codelength: float
    settings: dict = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def num_modules(self) -> int:
        return int(self.module.max()) if self.module.size else 0

    @property
    def relative_savings(self) -> float:
        return 0.0 if self.one_level_codelength <= 0 else 1.0 - self.codelength / self.one_level_codelength

    def memberships(self) -> list[tuple[str, int, float, float]]:
        """(physical node, module, flow, share of the node's flow) rows, by module (decreasing
        flow), then by decreasing flow."""
        net = self.network
        key = self.module * net.n_physical + net.physical
        uniq, inv = np.unique(key, return_inverse=True)
        f = np.bincount(inv, weights=self.flow)
        mods, phys = uniq // net.n_physical, uniq % net.n_physical
        total = physical_flow(net, self.flow)
        order = np.lexsort((phys, -f, mods))
        names = net.physical_names
        return [(names[phys[j]], int(mods[j]), float(f[j]),
                 float(f[j] / total[phys[j]]) if total[phys[j]] > 0 else 0.0) for j in order.tolist()]

    def overlapping(self) -> dict[str, list[tuple[int, float]]]:
        """Physical nodes in more than one module: name -> [(module, share), ...]."""
        out: dict[str, list[tuple[int, float]]] = {}
        for name, m, _, share in self.memberships():
            out.setdefault(name, []).append((m, share))
        return {k: v for k, v in out.items() if len(v) > 1}

    def state_paths(self) -> list[tuple[int, int]]:
        """Tree path (module, rank by decreasing flow in the module) of every state, the view
        the module writers and the map take (:func:`minent.io.graph_formats.module_tree`)."""
        order = np.lexsort((np.arange(self.module.size), -self.flow, self.module))
        paths: list = [None] * self.module.size
        last, rank = -1, 0
        for s in order.tolist():
            m = int(self.module[s])
            rank = rank + 1 if m == last else 1
            last = m
            paths[s] = (m, rank)
        return paths

    def module_words(self) -> list[list[str]]:
        """Per module (1, 2, ...), its physical nodes by decreasing flow in it."""
        out: list[list[str]] = [[] for _ in range(self.num_modules)]
        for name, m, _, _ in self.memberships():
            out[m - 1].append(name)
        return out

    @property
    def columns(self) -> tuple[str, ...]:
        return ("node", "module", "flow", "share")

    def to_rows(self):
        yield from (list(r) for r in self.memberships())


def _rank_modules(module: np.ndarray, node_flow: np.ndarray) -> np.ndarray:
    """1-based module ids by decreasing module flow (ties: the module of the lower state)."""
    uniq, dense = np.unique(module, return_inverse=True)
    k = uniq.size
    mflow = np.bincount(dense, weights=node_flow, minlength=k)
    first = np.full(k, module.size, np.int64)
    np.minimum.at(first, dense, np.arange(module.size))
    rank = np.empty(k, np.int64)
    rank[np.lexsort((first, -mflow))] = np.arange(1, k + 1)
    return rank[dense]


def memory_infomap(
    net: StateNetwork,
    *,
    directed: bool | None = None,
    teleport: float = 0.15,
    markov_time: float = 1.0,
    trials: int = 1,
    seed: int = 123,
) -> MemoryResult:
    """Two-level InfoMap partition of the states of ``net`` by the memory map equation.

    directed: defaults to ``net.graph.directed`` (PageRank flow on the states, unrecorded
    teleportation); teleport, markov_time, trials, seed: as :func:`minent.graph.infomap.infomap`.
    """
    from minent.graph.infomap.flow import compute_flow

    if trials < 1:
        raise UsageError(f"`trials` must be at least 1, got {trials}")
    if net.graph.n_edges == 0:
        raise DataError("the state network has no links")
    start = time.perf_counter()
    directed = net.graph.directed if directed is None else directed
    flow = compute_flow(net.graph, directed=directed, teleport=teleport, markov_time=markov_time)
    one_level = -_plogp_sum(physical_flow(net, flow.node_flow))
    rng = np.random.default_rng(seed)
    best_module, best_len = np.zeros(flow.n, np.int64), one_level
    for _ in range(trials):
        state = np.array([rng.integers(0, 2**63, dtype=np.uint64)], dtype=np.uint64)
        module, length = _trial(net, flow, state)
        if length < best_len - MIN_IMPROVEMENT:
            best_module, best_len = module, length
    length, index, mod = memory_codelength(net, flow, best_module)
    ranked = _rank_modules(best_module, flow.node_flow)
    settings = dict(directed=directed, teleport=teleport, markov_time=markov_time, trials=trials,
                    seed=seed, states=True)
    return MemoryResult(net, ranked, flow.node_flow, length, index, mod, one_level, settings,
                        time.perf_counter() - start)
