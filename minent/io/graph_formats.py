"""Writers of community results: minent's TSV and the formats other tools read.

- Infomap's ``.clu``, ``.tree`` (:func:`clu_lines`, :func:`tree_lines`) and minent's TSV
  (:func:`tsv_chunks`).
- ``.ftree`` (:func:`ftree_lines`): Infomap's flow tree, the ``.tree`` rows followed by a
  ``*Links`` section per module: the flow between its children (sub-modules or nodes), as
  mapequation.org's Network Navigator reads it. Undirected flow gives one row per pair of
  children (lower index first) with the flow of both directions added, as the reference does.
- Infomap's JSON (:func:`infomap_json`): codelengths, ``nodes`` (path, modules, name, flow,
  modular centrality ``mec``, id) and ``modules`` (path, enter/exit flow, edges, children,
  codelength, links), the keys of the reference's ``--json`` output.
- GEXF and GraphML (:func:`gexf_lines`, :func:`graphml_lines`, written by networkx): the graph
  with ``module``, ``flow`` and ``path`` node attributes (Gephi colours by ``module``).

The ftree and JSON writers take the result's module tree
(:func:`minent.graph.infomap.tree.module_tree`: per module its flow, enter and exit flow,
number of children, codebook length and the flow between its children); they only format it.
"""

from __future__ import annotations

import math

import numpy as np

from minent.io.tables import tsv_cell


def _g(x: float) -> str:
    """Numbers as the reference prints them (C++ iostream default: 6 significant digits)."""
    return f"{x:.6g}"


def _header(result, columns: str, extra: tuple[str, ...] = ()) -> list[str]:
    from minent import __version__

    s = result.settings
    args = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in s.items() if v not in (False, None))
    levels = max(len(p) for p in result.paths) if result.paths else 2
    return [
        f"# minent {__version__} infomap",
        f"# settings {args}",
        f"# partitioned into {levels} levels with {result.num_modules} top modules",
        f"# codelength {_g(result.codelength)} bits",
        f"# relative codelength savings {_g(100 * result.relative_savings)}%",
        f"# flow model {'directed' if s.get('directed') else 'undirected'}",
        *extra,
        f"# {columns}",
    ]


def tsv_chunks(result, *, header: bool = False, chunk: int = 100_000):
    """The default TSV (``node module flow`` rows in tree order) as blocks of lines.

    Same text as :func:`minent.io.tables.write_table` over ``result.to_rows()``, but built a
    block at a time from lists (1M nodes: ~2x faster than a row at a time). Two-level results
    only (hierarchical ones add a path column and go through write_table).
    """
    if header:
        yield "\t".join(result.columns)
    names = result.graph.names
    order = result.node_order()
    for lo in range(0, order.shape[0], chunk):
        part = order[lo : lo + chunk]
        cells = [names[i] for i in part.tolist()]
        joined = "".join(cells)
        if "\t" in joined or "\n" in joined:
            cells = [tsv_cell(c) for c in cells]
        # repr is format_float for the finite flows
        yield "\n".join(map("\t".join, zip(cells, map(str, result.module[part].tolist()),
                                            map(repr, result.flow[part].tolist()))))


def clu_lines(result):
    """Lines of an Infomap ``.clu`` file: ``node_id module flow`` (top modules)."""
    yield from _header(result, "node_id module flow", ("# module level 1",))
    ids = result.graph.ids
    for i in result.node_order().tolist():
        yield f"{ids[i]} {result.module[i]} {_g(result.flow[i])}"


def tree_lines(result):
    """Lines of an Infomap ``.tree`` file: ``path flow "name" node_id`` in tree order."""
    yield from _header(result, "path flow name node_id")
    ids, names = result.graph.ids, result.graph.names
    for i in result.node_order().tolist():
        path = ":".join(map(str, result.node_path(i)))
        # verbatim, as the reference writes it (readers take the name from the first double
        # quote to the last, so inner quotes need no escape)
        yield f'{path} {_g(result.flow[i])} "{names[i]}" {ids[i]}'


def ftree_lines(result, modules):
    """Lines of an Infomap ``.ftree`` file: the ``.tree`` rows, then the module links.

    ``modules``: the result's module tree (:func:`minent.graph.infomap.tree.module_tree`).
    """
    yield from tree_lines(result)
    undirected = not result.settings.get("directed")
    yield f"*Links {'undirected' if undirected else 'directed'}"
    if undirected:
        yield "# link flow is both directions combined, one row per module pair"
    yield "#*Links path enterFlow exitFlow numEdges numChildren"
    for m in modules:
        yield f"*Links {m.label} {_g(m.enter_flow)} {_g(m.exit_flow)} {len(m.links)} {m.num_children}"
        for (s, t), f in m.links.items():
            yield f"{s} {t} {_g(f)}"


def _multilevel_modules(paths: list[tuple]) -> list[list[int]]:
    """Per node, its module at each level, numbered 1, 2, ... per level in tree order; a node
    above the deepest level counts its own deepest module as a module of the lower levels
    (as the reference numbers them)."""
    depth = max(len(p) for p in paths) - 1
    numbers: list[dict] = [{} for _ in range(depth)]
    found = {}
    for p in sorted(paths):
        found[p] = [numbers[d].setdefault(p[: min(d + 1, len(p) - 1)], len(numbers[d]) + 1)
                    for d in range(depth)]
    return [found[p] for p in paths]


def infomap_json(result, modules) -> dict:
    """The result as one JSON object with the keys of the reference's ``--json`` output
    (plus ``indexCodelength``, ``moduleCodelength``, ``oneLevelCodelength``, ``settings``).

    ``modules``: the result's module tree (:func:`minent.graph.infomap.tree.module_tree`).
    """
    from minent import __version__

    paths = [result.node_path(i) for i in range(result.module.size)]
    ml = _multilevel_modules(paths)
    by_path = {m.path: m for m in modules}
    ids, names = result.graph.ids, result.graph.names
    nodes = []
    for i in result.node_order().tolist():
        p_m = by_path[paths[i][:-1]].flow
        diff = p_m - float(result.flow[i])
        mec = -diff * math.log2(diff / p_m) if diff > 0 else 0.0
        nodes.append({"path": list(paths[i]), "modules": ml[i], "name": names[i],
                      "flow": float(result.flow[i]), "mec": mec, "id": int(ids[i])})
    depth = max(len(p) for p in paths)
    s = result.settings
    return {
        "version": f"minent {__version__}",
        "args": " ".join(f"--{k.replace('_', '-')} {v}" for k, v in s.items() if v not in (False, None)),
        "codelength": result.codelength,
        "indexCodelength": result.index_codelength,
        "moduleCodelength": result.module_codelength,
        "oneLevelCodelength": result.one_level_codelength,
        "numLevels": depth,
        "numTopModules": result.num_modules,
        "numModules": [sum(1 for m in modules if len(m.path) == d) for d in range(1, depth + 1)],
        "relativeCodelengthSavings": result.relative_savings,
        "directed": bool(s.get("directed")),
        "flowModel": "directed" if s.get("directed") else "undirected",
        "higherOrder": False,
        "settings": s,
        "nodes": nodes,
        "modules": [{"path": list(m.path) or [0], "enterFlow": m.enter_flow, "exitFlow": m.exit_flow,
                     "numEdges": len(m.links), "numChildren": m.num_children,
                     "codelength": m.codelength,
                     "links": [{"source": a, "target": b, "flow": f} for (a, b), f in m.links.items()]}
                    for m in modules],
    }


def annotated_networkx(result):
    """The result's graph as a networkx graph with ``module``, ``flow``, ``path`` and ``label``
    node attributes and ``weight`` on the edges."""
    from minent.io.graph_nx import node_keys, to_networkx

    G = to_networkx(result.graph)
    result.set_node_attributes(G)
    for key, name in zip(node_keys(result.graph), result.graph.names):
        G.nodes[key]["label"] = name
    return G


def gexf_lines(result):
    """GEXF 1.2 text of the annotated graph (see :func:`annotated_networkx`)."""
    import networkx as nx

    yield from nx.generate_gexf(annotated_networkx(result))


def graphml_lines(result):
    """GraphML text of the annotated graph (see :func:`annotated_networkx`)."""
    import networkx as nx

    yield from nx.generate_graphml(annotated_networkx(result))


def state_network_lines(net, *, comment: str | None = None):
    """Lines of a state network in Infomap's format (``*Vertices``, ``*States``, ``*Links``)
    for an object with ``physical_names``, ``physical_ids``, ``physical`` (state -> physical
    index) and ``graph`` (the states: names, ids, links)."""
    def num(w: float) -> str:
        return str(int(w)) if float(w).is_integer() and abs(w) < 2**53 else repr(float(w))

    if comment:
        yield f"# {comment}"
    yield f"*Vertices {len(net.physical_names)}"
    for pid, name in zip(net.physical_ids.tolist(), net.physical_names):
        yield f'{pid} "{name}"'
    g = net.graph
    yield f"*States {g.n_nodes}"
    pids = net.physical_ids[net.physical]
    for sid, pid, name in zip(g.ids.tolist(), pids.tolist(), g.names):
        yield f'{sid} {pid} "{name}"'
    yield f"*Links {g.n_edges}"
    for s, t, w in zip(g.ids[g.src].tolist(), g.ids[g.dst].tolist(), g.weight.tolist()):
        yield f"{s} {t} {num(w)}"
