"""Writers of community results: minent's TSV, and Infomap's ``.clu``, ``.tree`` and JSON formats."""

from __future__ import annotations

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


def result_json(result) -> dict:
    """The result as one JSON object shaped like the reference's ``--json`` output."""
    ids, names = result.graph.ids, result.graph.names
    nodes = []
    for i in result.node_order().tolist():
        path = list(result.node_path(i))
        nodes.append({"path": path, "modules": path[:-1], "name": names[i],
                      "flow": float(result.flow[i]), "id": int(ids[i])})
    return {
        "codelength": result.codelength,
        "indexCodelength": result.index_codelength,
        "moduleCodelength": result.module_codelength,
        "oneLevelCodelength": result.one_level_codelength,
        "relativeCodelengthSavings": result.relative_savings,
        "numTopModules": result.num_modules,
        "directed": bool(result.settings.get("directed")),
        "settings": result.settings,
        "nodes": nodes,
    }
