"""Graphs from the Python ecosystem: networkx graphs, scipy sparse matrices, edge arrays, and
the files networkx reads (GraphML, GEXF, GML).

Every function returns a :class:`NodeGraph`: minent's :class:`~minent.io.graph.Graph` (dense
node indices, parallel edge arrays) that also remembers the original node objects, so a result
can speak of them again (``result.communities()`` gives sets of the networkx nodes).

Weights must be positive finite numbers, as everywhere in minent; an edge without the weight
attribute weighs 1 (networkx's convention), and ``weight=None`` ignores weights. networkx is
imported only here and only when one of these functions runs.

>>> import networkx as nx
>>> g = from_networkx(nx.path_graph(3))
>>> g.nodes, g.src.tolist(), g.dst.tolist(), g.directed
([0, 1, 2], [0, 1], [1, 2], False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from minent.errors import DataError, UsageError
from minent.io.graph import Graph

#: file formats read through networkx, by the extensions that select them
NX_FORMATS = {"graphml": (".graphml",), "gexf": (".gexf",), "gml": (".gml",)}


@dataclass
class NodeGraph(Graph):
    """A :class:`Graph` that keeps the original node objects: ``nodes[i]`` is node i."""

    nodes: list = field(default_factory=list)


def node_keys(graph: Graph) -> list:
    """The objects that name the nodes of ``graph``: the original nodes of a networkx graph,
    matrix or edge array, else the node names (strings)."""
    nodes = getattr(graph, "nodes", None)
    return nodes if nodes else graph.names


class WeightError(DataError):
    """A weight that is not a positive finite number; ``edge`` is the edge's (u, v) if known."""

    def __init__(self, message: str, edge=None):
        super().__init__(message)
        self.edge = edge


def _check_weights(weight: np.ndarray, label: str, describe, edge_of=None) -> None:
    bad = np.flatnonzero(~(np.isfinite(weight) & (weight > 0)))
    if bad.size:
        k = int(bad[0])
        raise WeightError(f"{label}: {describe(k)}: weight must be a positive finite number, "
                          f"got {float(weight[k])!r}", edge_of(k) if edge_of else None)


def from_networkx(G, *, weight: str | None = "weight", directed: bool | None = None,
                  label: str = "<networkx graph>") -> NodeGraph:
    """A networkx ``Graph``/``DiGraph`` (or multigraph: parallel edges add up) as a NodeGraph.

    weight: the edge attribute holding the weight (missing -> 1; None: every edge weighs 1).
    directed: defaults to ``G.is_directed()``. Nodes keep networkx's node order; isolated
    nodes are kept (they get no flow).
    """
    nodes = list(G.nodes())
    index = {u: i for i, u in enumerate(nodes)}
    m = G.number_of_edges()
    src = np.empty(m, np.int64)
    dst = np.empty(m, np.int64)
    w = np.ones(m)
    edges = G.edges(data=weight, default=1) if weight is not None else G.edges()
    for k, e in enumerate(edges):
        src[k] = index[e[0]]
        dst[k] = index[e[1]]
        if weight is not None:
            try:
                w[k] = float(e[2])
            except (TypeError, ValueError):
                raise WeightError(f"{label}: edge {e[0]!r} -> {e[1]!r}: weight {e[2]!r} is not a number",
                                  (e[0], e[1])) from None
    _check_weights(w, label, lambda k: f"edge {nodes[src[k]]!r} -> {nodes[dst[k]]!r}",
                   lambda k: (nodes[src[k]], nodes[dst[k]]))
    directed = G.is_directed() if directed is None else bool(directed)
    return NodeGraph([str(u) for u in nodes], _ids(nodes), src, dst, w, directed, nodes)


def _ids(nodes: list) -> np.ndarray:
    """Integer ids for the .clu/.tree formats: the nodes themselves when they are distinct
    non-negative integers, else 1..n."""
    if nodes and all(isinstance(u, (int, np.integer)) and not isinstance(u, bool) and u >= 0 for u in nodes):
        return np.asarray(nodes, np.int64)
    return np.arange(1, len(nodes) + 1, dtype=np.int64)


def from_scipy(A, *, directed: bool | None = None, nodes: list | None = None) -> NodeGraph:
    """A square scipy sparse (or dense numpy) adjacency matrix: entry (i, j) > 0 is a link i -> j.

    directed: defaults to "the matrix is not symmetric". Undirected graphs read each link once
    from the upper triangle (diagonal included), as ``nx.from_scipy_sparse_array`` does, and
    need a symmetric matrix. nodes: the objects naming rows/columns (default 0..n-1).
    """
    import scipy.sparse as sp

    M = sp.coo_array(A)
    if M.ndim != 2 or M.shape[0] != M.shape[1]:
        raise UsageError(f"graph: an adjacency matrix must be square, got shape {M.shape}")
    n = M.shape[0]
    M.sum_duplicates()
    row, col, val = M.row.astype(np.int64), M.col.astype(np.int64), M.data.astype(np.float64)
    keep = val != 0
    row, col, val = row[keep], col[keep], val[keep]
    symmetric = _is_symmetric(n, row, col, val)
    if directed is None:
        directed = not symmetric
    if not directed:
        if not symmetric:
            raise UsageError("graph: the adjacency matrix is not symmetric; pass directed=True "
                             "(or symmetrise it) for an undirected graph")
        upper = row <= col
        row, col, val = row[upper], col[upper], val[upper]
    nodes = list(range(n)) if nodes is None else list(nodes)
    if len(nodes) != n:
        raise UsageError(f"graph: {len(nodes)} node names for a {n}x{n} matrix")
    _check_weights(val, "adjacency matrix", lambda k: f"entry ({row[k]}, {col[k]})")
    return NodeGraph([str(u) for u in nodes], _ids(nodes), row, col, val, bool(directed), nodes)


def _is_symmetric(n, row, col, val) -> bool:
    key = row * n + col
    tkey = col * n + row
    order, torder = np.argsort(key), np.argsort(tkey)
    return bool(np.array_equal(key[order], tkey[torder]) and np.array_equal(val[order], val[torder]))


def from_edge_array(edges, weights=None, *, directed: bool = False) -> NodeGraph:
    """An ``(m, 2)`` array of node ids (``(m, 3)``: the third column is the weight).

    Nodes are the distinct ids in increasing order (like an edge list of integers).
    """
    E = np.asarray(edges)
    if E.ndim != 2 or E.shape[1] not in (2, 3):
        raise UsageError(f"graph: an edge array must have shape (m, 2) or (m, 3), got {E.shape}")
    if E.shape[1] == 3:
        if weights is not None:
            raise UsageError("graph: weights given twice (third column and weights=)")
        weights = E[:, 2].astype(np.float64)
        E = E[:, :2]
    w = np.ones(E.shape[0]) if weights is None else np.asarray(weights, np.float64).ravel()
    if w.shape[0] != E.shape[0]:
        raise UsageError(f"graph: {w.shape[0]} weights for {E.shape[0]} edges")
    if E.dtype.kind == "f":
        if not np.all(np.isfinite(E)) or np.any(E != np.round(E)):
            raise UsageError("graph: node ids of an edge array must be integers")
        E = E.astype(np.int64)
    if E.dtype.kind in "iu":
        uniq, inv = np.unique(E.ravel(), return_inverse=True)
        nodes = uniq.tolist()
    else:  # any hashable labels: in order of first appearance
        index: dict = {}
        inv = np.array([index.setdefault(u, len(index)) for u in E.ravel().tolist()], np.int64)
        nodes = list(index)
    inv = inv.reshape(-1, 2).astype(np.int64)
    src, dst = inv[:, 0].copy(), inv[:, 1].copy()
    _check_weights(w, "edge array", lambda k: f"edge {k} ({nodes[src[k]]!r} -> {nodes[dst[k]]!r})")
    return NodeGraph([str(u) for u in nodes], _ids(nodes), src, dst, w.copy(), bool(directed), nodes)


def as_graph(obj, *, weight: str | None = "weight", directed: bool | None = None) -> Graph:
    """minent's Graph from any supported input: Graph (as is), networkx graph, scipy sparse
    matrix or dense square array, edge array. A dense 2x2 or 3x3 array is read as an edge
    array (two or three links); pass such a small adjacency matrix as a scipy sparse matrix."""
    if isinstance(obj, Graph):
        return obj
    if hasattr(obj, "is_directed") and hasattr(obj, "edges") and hasattr(obj, "nodes"):
        return from_networkx(obj, weight=weight, directed=directed)
    try:
        import scipy.sparse as sp

        if sp.issparse(obj):
            return from_scipy(obj, directed=directed)
    except ImportError:  # pragma: no cover - scipy is a runtime dependency
        pass
    arr = np.asarray(obj)
    if arr.ndim == 2 and arr.shape[0] == arr.shape[1] and arr.shape[1] not in (2, 3):
        return from_scipy(arr, directed=directed)
    return from_edge_array(arr, directed=bool(directed))


def to_networkx(graph: Graph, *, weight: str = "weight"):
    """The graph as an ``nx.Graph``/``nx.DiGraph`` (duplicate links add up) over its node keys."""
    import networkx as nx

    keys = node_keys(graph)
    G = nx.DiGraph() if graph.directed else nx.Graph()
    G.add_nodes_from(keys)
    for s, t, w in zip(graph.src.tolist(), graph.dst.tolist(), graph.weight.tolist()):
        u, v = keys[s], keys[t]
        if G.has_edge(u, v):
            G[u][v][weight] += w
        else:
            G.add_edge(u, v, **{weight: w})
    return G


# ----------------------------------------------------------------------------- files
def nx_format_of(path) -> str | None:
    """'graphml', 'gexf' or 'gml' from a file name (a trailing .gz is ignored), else None."""
    name = str(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for fmt, exts in NX_FORMATS.items():
        if name.endswith(exts):
            return fmt
    return None


_LINE = re.compile(r"line (\d+)")


def read_networkx_file(path, fmt: str, *, weight: str | None = "weight",
                       directed: bool | None = None) -> NodeGraph:
    """Read a GraphML, GEXF or GML file with networkx (``-`` = stdin; gzip by magic bytes).

    The file decides whether links are directed unless ``directed`` is given (True makes an
    undirected file's links directed both ways apart, as separate arcs; False reads a directed
    file's arcs as undirected links). Node names are networkx's node ids (GML: labels).
    A file networkx cannot parse raises DataError naming the file and, when the parser
    reports one, the line.
    """
    import io
    import xml.etree.ElementTree as ET

    import networkx as nx

    if fmt not in NX_FORMATS:
        raise UsageError(f"unknown graph format {fmt!r} (choose {', '.join(NX_FORMATS)})")
    label = "<stdin>" if path is None or str(path) == "-" else str(path)
    data = read_bytes(path, label)
    readers = {"graphml": nx.read_graphml, "gexf": nx.read_gexf,
               "gml": lambda fh: nx.read_gml(fh, label="label")}
    name = _NAMES[fmt]
    try:
        G = readers[fmt](io.BytesIO(data))
    except ET.ParseError as e:
        line = e.position[0] if getattr(e, "position", None) else None
        raise DataError(f"{label}:{line}: not valid {name} (XML: {_xml_reason(e)})"
                        if line else f"{label}: not valid {name} ({e})") from None
    except (nx.NetworkXError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            UnicodeDecodeError) as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        line = _line_of_error(data, msg)
        raise DataError(f"{label}{f':{line}' if line else ''}: not valid {name} ({msg})") from None
    if G.number_of_nodes() == 0:
        raise DataError(f"{label}: the {name} file has no nodes")
    try:
        return from_networkx(G, weight=weight, directed=directed, label=label)
    except WeightError as e:
        line = _edge_line(data, fmt, *e.edge) if e.edge else None
        if line is None:
            raise
        raise DataError(str(e).replace(f"{label}: ", f"{label}:{line}: ", 1)) from None


_NAMES = {"graphml": "GraphML", "gexf": "GEXF", "gml": "GML"}


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _line_of_error(data: bytes, msg: str) -> int | None:
    """The line a networkx reader's message points to, when it says or shows enough."""
    m = _LINE.search(msg) or re.search(r"at \((\d+), \d+\)", msg)
    if m:
        return int(m.group(1))
    m = re.search(r"edge #(\d+)", msg)          # GML: the k-th edge
    if m:
        hits = list(re.finditer(rb"\bedge\s*\[", data))
        k = int(m.group(1))
        return _line_at(data, hits[k].start()) if k < len(hits) else None
    m = re.search(r"could not convert string to \w+: '([^']*)'", msg) or re.search(r"invalid literal .*: '([^']*)'", msg)
    if m:                                       # a value that is not a number: its first use
        value = re.escape(m.group(1).encode("utf-8"))
        hit = re.search(rb'="' + value + rb'"|>\s*' + value + rb'\s*<|\s' + value + rb'\s', data)
        return _line_at(data, hit.start()) if hit else None
    return None


def _edge_line(data: bytes, fmt: str, u, v) -> int | None:
    """Line of the edge u -> v in an XML graph file (GML edges name ids, not labels: None)."""
    if fmt == "gml":
        return None
    su, sv = (re.escape(str(x).encode("utf-8")) for x in (u, v))
    for a, b in ((su, sv), (sv, su)):
        hit = re.search(rb'<edge\b[^>]*source="' + a + rb'"[^>]*target="' + b + rb'"', data)
        if hit:
            return _line_at(data, hit.start())
    return None


def read_bytes(path, label: str) -> bytes:
    """The bytes of a file or stdin (``label`` "<stdin>"), gunzipped when gzip's magic bytes start it."""
    import gzip
    import sys
    import zlib

    if label == "<stdin>":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise UsageError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise UsageError(f"{path}: is a directory") from None
        except OSError as e:
            raise UsageError(f"{path}: {e.strerror}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (EOFError, gzip.BadGzipFile, zlib.error) as e:
            raise DataError(f"{label}: corrupt or truncated compressed data ({e})") from None
    return data


def _xml_reason(e) -> str:
    return re.sub(r": line \d+, column \d+$", "", str(e))
