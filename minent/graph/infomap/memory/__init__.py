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

The search (:func:`memory_infomap`) is InfoMap's own (:mod:`~minent.graph.infomap.search`,
:mod:`~minent.graph.infomap.hierarchy`) on a flow network that knows the physical node of each
state (``Flow.physical``): the core loop also tries the modules holding other states of the same
physical node and counts the physical terms of each move
(:func:`minent.graph.infomap.kernels.core_loop`), aggregated levels carry the physical flows of
their nodes, and the codelength of a partition codes physical nodes. Hierarchical: the
multilevel map equation as the reference computes it for memory networks, a leaf module (one
whose children are states) codes the physical flows of its states,

    L(leaf module M) = plogp(q_M_exit + P_M) - plogp(q_M_exit) - sum_alpha plogp(P[M, alpha]),

a module of modules codes its sub-modules by enter flow (as in ordinary networks), and levels
added above modules are searched on the module network, memoryless, as the reference does.
Teleportation recorded or not, and a preferred number of modules, as for ordinary networks.

>>> net = parse_state_network(b"*Vertices 2\\n1 a\\n2 b\\n*States\\n1 1\\n2 2\\n3 1\\n*Links\\n1 2\\n2 3\\n3 1\\n")
>>> net.n_states, net.n_physical, net.physical.tolist()
(3, 2, [0, 1, 0])
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from minent.errors import DataError
from minent.graph.infomap.flow import Flow, codelength, compute_flow, flow_with_settings, one_level_codelength
from minent.graph.infomap.result import Summary
from minent.graph.infomap.trials import run_search, search_settings
from minent.io.graph import Graph


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


# ----------------------------------------------------------------------------- flow, codelength
def state_flow(net: StateNetwork, *, directed: bool | None = None, teleport: float = 0.15,
               recorded_teleport: bool = False, markov_time: float = 1.0) -> Flow:
    """The flow on the states of ``net`` (as :func:`~minent.graph.infomap.flow.compute_flow`),
    with the physical node of each state: what the memory map equation codes."""
    flow = compute_flow(net.graph, directed=directed, teleport=teleport,
                        recorded_teleport=recorded_teleport, markov_time=markov_time)
    return with_physical(net, flow)


def with_physical(net: StateNetwork, flow: Flow) -> Flow:
    """``flow`` (computed on ``net.graph``) with ``net``'s physical nodes attached."""
    if flow.physical is not None:
        return flow
    return dataclasses.replace(flow, physical=net.physical.astype(np.int64), n_phys=net.n_physical,
                               _entropy=None)


def memory_codelength(net: StateNetwork, flow: Flow, module: np.ndarray) -> tuple[float, float, float]:
    """(L, index codelength, module codelength) of a two-level partition of the states."""
    return codelength(with_physical(net, flow), np.unique(np.asarray(module), return_inverse=True)[1])


# ----------------------------------------------------------------------------- result
@dataclass
class MemoryResult(Summary):
    """A partition of a state network and its codelength (bits).

    ``module[s]`` is state s's top module (1-based, modules by decreasing flow), ``paths[s]``
    (hierarchical search) its tree path, the last step its rank in its leaf module;
    ``memberships()`` gives each physical node's modules with the flow of its states there and
    their share.
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
    paths: list[tuple[int, ...]] | None = None

    def _leaf_modules(self) -> tuple[np.ndarray, list[tuple[int, ...]]]:
        """Dense leaf-module id of every state, and the tree path of each leaf module (in tree
        order; two-level: the module itself)."""
        if self.paths is None:
            return self.module - 1, [(m,) for m in range(1, self.num_modules + 1)]
        prefixes = sorted({p[:-1] for p in self.paths})
        index = {p: j for j, p in enumerate(prefixes)}
        return np.array([index[p[:-1]] for p in self.paths], np.int64), prefixes

    def memberships(self) -> list[tuple[str, tuple[int, ...], float, float]]:
        """(physical node, leaf-module path, flow, share of the node's flow) rows, one per
        physical node and leaf module its states are in; by module (tree order: decreasing
        flow), then by decreasing flow. Two-level: the path is (module,)."""
        net = self.network
        leaf, prefixes = self._leaf_modules()
        key = leaf * net.n_physical + net.physical
        uniq, inv = np.unique(key, return_inverse=True)
        f = np.bincount(inv, weights=self.flow)
        mods, phys = uniq // net.n_physical, uniq % net.n_physical
        total = np.bincount(net.physical, weights=self.flow, minlength=net.n_physical)
        order = np.lexsort((phys, -f, mods))
        names = net.physical_names
        return [(names[phys[j]], prefixes[mods[j]], float(f[j]),
                 float(f[j] / total[phys[j]]) if total[phys[j]] > 0 else 0.0) for j in order.tolist()]

    def overlapping(self) -> dict[str, list[tuple[int, float]]]:
        """Physical nodes in more than one top module: name -> [(top module, share of the node's
        flow in it), ...] by module, each top module once. Hierarchical: the shares of the leaf
        modules under one top module are added up, and a node whose states are only in sibling
        modules is not listed (:meth:`memberships` gives every leaf module)."""
        out: dict[str, dict[int, float]] = {}
        for name, path, _, share in self.memberships():
            tops = out.setdefault(name, {})
            tops[path[0]] = tops.get(path[0], 0.0) + share
        return {k: sorted(v.items()) for k, v in out.items() if len(v) > 1}

    def state_paths(self) -> list[tuple[int, ...]]:
        """Tree path of every state: (module, rank by decreasing flow in the module), or the
        hierarchical path; the view the module writers and the map take
        (:func:`minent.io.graph_formats.module_tree`)."""
        if self.paths is not None:
            return self.paths
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
        """Per top module (1, 2, ...), its physical nodes by decreasing flow in it."""
        out: list[list[str]] = [[] for _ in range(self.num_modules)]
        for name, path, _, _ in self.memberships():
            if name not in out[path[0] - 1]:
                out[path[0] - 1].append(name)
        return out

    @property
    def columns(self) -> tuple[str, ...]:
        return ("node", "module", "flow", "share") + (("path",) if self.paths is not None else ())

    def to_rows(self):
        """(node, top module, flow, share[, leaf-module path "1:2"]) rows, as memberships()."""
        for name, path, f, share in self.memberships():
            row = [name, path[0], f, share]
            if self.paths is not None:
                row.append(":".join(map(str, path)))
            yield row


def memory_infomap(
    net: StateNetwork,
    *,
    directed: bool | None = None,
    teleport: float = 0.15,
    recorded_teleport: bool = False,
    markov_time: float = 1.0,
    trials: int = 1,
    seed: int = 123,
    hierarchical: bool = False,
    preferred_number_of_modules: int | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> MemoryResult:
    """Two-level (or, with ``hierarchical``, multilevel) InfoMap partition of the states of
    ``net`` by the memory map equation.

    directed: defaults to ``net.graph.directed`` (PageRank flow on the states); teleport,
    recorded_teleport, markov_time, trials, seed, hierarchical, preferred_number_of_modules,
    progress: as :func:`minent.graph.infomap.infomap` (the reference ignores
    --preferred-number-of-modules on state networks; here it biases the search as it does
    for ordinary networks).
    """
    search = search_settings(trials, seed, hierarchical, preferred_number_of_modules)
    if net.graph.n_edges == 0:
        raise DataError("the state network has no links")
    start = time.perf_counter()
    flow, settings = flow_with_settings(net.graph, directed, teleport, recorded_teleport, markov_time)
    flow = with_physical(net, flow)
    part = run_search(flow, search, progress)
    settings.update(search, states=True)
    return MemoryResult(net, part.module, flow.node_flow, part.codelength, part.index_codelength,
                        part.module_codelength, one_level_codelength(flow), settings,
                        time.perf_counter() - start, part.paths)

