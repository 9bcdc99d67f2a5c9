"""The result of an InfoMap run: modules, flow, codelength, tree paths."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from minent.errors import UsageError
from minent.io.graph import Graph


class Summary:
    """What an InfoMap result of any network tells in one line: the number of top modules and
    the share of the one-level code saved. (:class:`InfomapResult` and
    :class:`~minent.graph.infomap.memory.MemoryResult` declare their fields each: a shared
    dataclass base would put its fields first and change the order of their arguments.)"""

    module: np.ndarray
    codelength: float
    one_level_codelength: float

    @property
    def num_modules(self) -> int:
        return int(self.module.max()) if self.module.size else 0

    @property
    def relative_savings(self) -> float:
        if self.one_level_codelength <= 0:
            return 0.0
        return 1.0 - self.codelength / self.one_level_codelength


@dataclass
class InfomapResult(Summary):
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

    def communities(self, level: int = 1) -> list[set]:
        """The modules as a list of node sets, largest flow first (networkx's convention, so
        ``nx.community.modularity(G, result.communities())`` works). Nodes are the original
        objects of a networkx graph, matrix or edge array, else the node names. ``level``
        (hierarchical results): group by the first ``level`` steps of the tree path."""
        from minent.io.graph_nx import node_keys

        if level < 1:
            raise UsageError(f"`level` must be at least 1, got {level}")
        keys = node_keys(self.graph)
        groups: dict[tuple, set] = {}
        for i in self.node_order().tolist():
            path = self.node_path(i)
            groups.setdefault(tuple(path[:min(level, len(path) - 1)]), set()).add(keys[i])
        return list(groups.values())

    def set_node_attributes(self, G, *, module: str = "module", flow: str = "flow",
                            path: str | None = "path") -> None:
        """Store each node's top module, flow and tree path ("1:2:3") as attributes of the
        networkx graph ``G`` (the graph this result was computed from, or one with the same
        nodes). Pass None to leave an attribute out."""
        from minent.io.graph_nx import node_keys

        keys = node_keys(self.graph)
        missing = [k for k in keys if k not in G]
        if missing:
            raise UsageError(f"G has no node {missing[0]!r} ({len(missing)} nodes of the result missing)")
        for i, key in enumerate(keys):
            data = G.nodes[key]
            if module:
                data[module] = int(self.module[i])
            if flow:
                data[flow] = float(self.flow[i])
            if path:
                data[path] = ":".join(map(str, self.node_path(i)))

    @property
    def columns(self) -> tuple[str, ...]:
        return ("node", "module", "flow") + (("path",) if self.paths is not None else ())

    def to_rows(self):
        """(node name, module, flow[, path]) rows in tree order."""
        names = self.graph.names
        for i in self.node_order().tolist():
            row = [names[i], int(self.module[i]), float(self.flow[i])]
            if self.paths is not None:
                row.append(":".join(map(str, self.paths[i])))
            yield row


def order_modules(module: np.ndarray, node_flow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """1-based module ids ranked by decreasing module flow (ties: first node)."""
    k = int(module.max()) + 1
    mflow = np.bincount(module, weights=node_flow, minlength=k)
    first = np.full(k, module.size, np.int64)
    np.minimum.at(first, module, np.arange(module.size))
    rank_order = np.lexsort((first, -mflow))
    rank = np.empty(k, np.int64)
    rank[rank_order] = np.arange(1, k + 1)
    return rank[module], mflow[rank_order]
