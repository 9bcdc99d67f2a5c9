"""``minent infomap``: map-equation communities of a graph (edge list or Pajek)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from minent.cli import common
from minent.cli.app import app

GraphInput = Annotated[
    str,
    typer.Argument(help="Edge list ('source target [weight]' lines, '#' comments), Pajek .net, "
                   "GraphML, GEXF or GML (by extension); '-' or nothing reads standard input.",
                   show_default=False),
]
InputFormat = Annotated[
    Literal["auto", "edges", "pajek", "states", "graphml", "gexf", "gml"],
    typer.Option("--input-format", help="Graph file format; auto recognises Pajek by its first "
                 "non-comment line, a section such as '*Vertices' or '*Edges', a state network "
                 "file by '*States' and GraphML/GEXF/GML by the file extension."),
]
Directed = Annotated[bool, typer.Option("--directed", "-d", help="Links are directed (PageRank flow).")]
Teleport = Annotated[float, typer.Option("--teleport", help="Teleportation probability of the directed random walk.")]
Recorded = Annotated[bool, typer.Option(
    "--recorded-teleport", help="Count teleportation steps in the code (default: unrecorded, as Infomap).")]
MarkovTime = Annotated[float, typer.Option(
    "--markov-time", help="Scale link flow: higher values give fewer, larger modules.")]


def read_partition(path: Path) -> dict[str, str]:
    """``node module ...`` lines (our TSV output or a .clu file; '#' comments) -> {node: module}."""
    from minent.errors import DataError, UsageError

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not valid UTF-8") from None
    part: dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        fields = line.split("\t") if "\t" in line else line.split()
        if not fields or not fields[0].strip() or fields[0].startswith("#"):
            continue
        if len(fields) < 2:
            raise DataError(f"{path}:{lineno}: expected 'node<TAB>module'")
        part[fields[0].strip()] = fields[1].strip()
    return part


def _summary(result, n_links: int) -> None:
    s = result.settings
    common.summary("evaluated partition" if "evaluate" in s else "infomap",
                   f"{result.num_modules} modules, codelength {result.codelength:.6f} bits "
                   f"(one-level {result.one_level_codelength:.6f}, savings {100 * result.relative_savings:.2f}%), "
                   f"{result.graph.n_nodes} nodes, {n_links} links", s, result.elapsed)


def _read_graph(path: str, directed: bool, input_format: str, weight_attr: str | None):
    """Edge lists and Pajek by minent's parser, GraphML/GEXF/GML through networkx."""
    from minent.io import graph_nx

    nx_fmt = input_format if input_format in graph_nx.NX_FORMATS else (
        graph_nx.nx_format_of(path) if input_format == "auto" else None)
    if nx_fmt is None:
        from minent.io import graph as gio

        return gio.read_graph(path, directed=directed, fmt=input_format)
    # the file says whether its links are directed; --directed makes them directed anyway
    return graph_nx.read_networkx_file(path, nx_fmt, weight=weight_attr or None,
                                       directed=True if directed else None)


def _is_state_network(path: str, input_format: str) -> bool:
    """--input-format states, or a file (not stdin) with a '*States' line."""
    if input_format == "states":
        return True
    if input_format != "auto" or path == "-":
        return False
    from minent.graph.infomap.memory import looks_like_state_network
    from minent.io.graph_nx import nx_format_of, read_bytes

    if nx_format_of(path):
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 20)
    except OSError:
        return False   # read_graph reports it
    if head[:2] == b"\x1f\x8b" or b"*vertices" in head.lower() or b"*states" in head.lower():
        return looks_like_state_network(read_bytes(path, path))
    return False


def _run_states(path, fmt, output, header, map_svg, **kwargs) -> None:
    """Memory map equation on a state network: node<TAB>module<TAB>flow<TAB>share[<TAB>path] rows."""
    from minent.graph.infomap.memory import memory_infomap, read_state_network

    net = read_state_network(path, directed=kwargs["directed"])
    result = memory_infomap(net, **kwargs)
    if fmt == "json":
        doc = {"codelength": result.codelength, "indexCodelength": result.index_codelength,
               "moduleCodelength": result.module_codelength,
               "oneLevelCodelength": result.one_level_codelength,
               "relativeCodelengthSavings": result.relative_savings, "numTopModules": result.num_modules,
               "directed": bool(kwargs["directed"]), "higherOrder": True, "settings": result.settings,
               "nodes": [dict(zip(result.columns, row)) for row in result.to_rows()]}
        common.emit_text([json.dumps(doc, ensure_ascii=False)], output)
    else:
        common.emit(result.to_rows(), result.columns, fmt, output, header=header)
    if map_svg is not None:
        from types import SimpleNamespace

        from minent.graph.infomap.flow import result_flow
        from minent.graph.infomap.memory import with_physical
        from minent.graph.infomap.tree import module_tree
        from minent.io.graph_map import module_map_svg
        from minent.io.tables import atomic_output

        flow = with_physical(net, result_flow(SimpleNamespace(graph=net.graph, settings=result.settings)))
        view = SimpleNamespace(paths=result.state_paths(), module=result.module, flow=result.flow,
                               graph=net.graph, codelength=result.codelength,
                               one_level_codelength=result.one_level_codelength)
        svg = module_map_svg(view, module_tree(view, flow), seed=kwargs["seed"], names=result.module_words(),
                             title=f"{path}: map of the modules")
        with atomic_output(map_svg) as fh:
            fh.write(svg)
    overlap = len(result.overlapping())
    common.summary("infomap", f"state network, {result.num_modules} modules, codelength {result.codelength:.6f} bits "
                   f"(one-level {result.one_level_codelength:.6f}, savings {100 * result.relative_savings:.2f}%), "
                   f"{net.n_physical} physical nodes ({overlap} in more than one module), {net.n_states} states, "
                   f"{net.graph.n_edges} links", result.settings, result.elapsed)


@app.command("infomap", help="Find communities by minimising the map equation (InfoMap): "
             "node<TAB>module<TAB>flow, modules numbered by decreasing flow.")
def infomap_cmd(
    graph: GraphInput = "-",
    directed: Directed = False,
    teleport: Teleport = 0.15,
    recorded_teleport: Recorded = False,
    markov_time: MarkovTime = 1.0,
    trials: Annotated[int, typer.Option("--trials", "-N", min=1, help="Independent searches; the best is kept.")] = 1,
    seed: common.Seed = 123,
    hierarchical: Annotated[bool, typer.Option(
        "--hierarchical", help="Multilevel map equation: split modules into sub-modules while it pays.")] = False,
    preferred_modules: Annotated[Optional[int], typer.Option(
        "--preferred-number-of-modules", min=1, show_default=False,
        help="Prefer about this many modules: each module more or fewer costs one bit (as in Infomap).")] = None,
    evaluate: Annotated[Optional[Path], typer.Option(
        "--evaluate", help="Do not search: report the codelength of this partition (node<TAB>module lines).",
        show_default=False)] = None,
    input_format: InputFormat = "auto",
    fmt: Annotated[
        Literal["tsv", "jsonl", "json", "clu", "tree", "ftree", "gexf", "graphml"],
        common.format_option("clu/tree/ftree/json: Infomap's formats (ftree and json with the flow "
                             "between modules); gexf/graphml: the graph with module, flow and path "
                             "node attributes."),
    ] = "tsv",
    map_svg: Annotated[Optional[Path], typer.Option(
        "--map", help="Also draw the map of the modules (circles sized by flow, links by flow) as SVG "
        "to this file.", show_default=False, callback=common.check_output)] = None,
    weight_attr: Annotated[Optional[str], typer.Option(
        "--weight-attr", help="GraphML/GEXF/GML: the edge attribute holding the weight ('' = unweighted).",
        show_default=False)] = "weight",
    output: common.Output = None,
    header: common.Header = False,
    quiet: common.Quiet = False,
) -> None:
    from minent.graph import infomap as im
    from minent.graph.infomap.flow import result_flow
    from minent.graph.infomap.tree import module_tree
    from minent.io import graph_formats as fmts

    common.start_numba()
    common.setup(quiet)
    if evaluate is not None and (hierarchical or trials != 1 or preferred_modules):
        from minent.errors import UsageError

        raise UsageError("--evaluate scores the given two-level partition: it takes no --hierarchical, "
                         "--trials or --preferred-number-of-modules")
    if _is_state_network(graph, input_format):
        if evaluate is not None or fmt not in ("tsv", "jsonl", "json"):
            from minent.errors import UsageError

            raise UsageError("a state network takes -f tsv|jsonl|json and no --evaluate")
        _run_states(graph, fmt, output, header, map_svg, directed=directed, teleport=teleport,
                    recorded_teleport=recorded_teleport, markov_time=markov_time, trials=trials,
                    seed=seed, hierarchical=hierarchical, preferred_number_of_modules=preferred_modules)
        return
    g = _read_graph(graph, directed, input_format, weight_attr)
    if g.n_edges == 0:
        from minent.errors import DataError

        raise DataError(f"{'<stdin>' if graph == '-' else graph}: the graph has no links")
    kwargs = dict(directed=directed or g.directed, teleport=teleport, recorded_teleport=recorded_teleport,
                  markov_time=markov_time)
    if evaluate is not None:
        result = im.evaluate(g, read_partition(evaluate), label=str(evaluate), **kwargs)
    else:
        result = im.infomap(g, trials=trials, seed=seed, hierarchical=hierarchical,
                            preferred_number_of_modules=preferred_modules, **kwargs)
    if fmt == "clu":
        common.emit_text(fmts.clu_lines(result), output)
    elif fmt == "tree":
        common.emit_text(fmts.tree_lines(result), output)
    elif fmt == "tsv" and result.paths is None:
        common.emit_text(fmts.tsv_chunks(result, header=header), output)
    elif fmt == "json":
        doc = fmts.infomap_json(result, module_tree(result, result_flow(result)))
        common.emit_text([json.dumps(doc, ensure_ascii=False)], output)
    elif fmt == "ftree":
        common.emit_text(fmts.ftree_lines(result, module_tree(result, result_flow(result))), output)
    elif fmt in ("gexf", "graphml"):
        common.emit_text(fmts.gexf_lines(result) if fmt == "gexf" else fmts.graphml_lines(result), output)
    else:
        common.emit(result.to_rows(), result.columns, fmt, output, header=header)
    if map_svg is not None:
        from minent.io.graph_map import module_map_svg
        from minent.io.tables import atomic_output

        svg = module_map_svg(result, module_tree(result, result_flow(result)), seed=seed,
                             title=f"{graph}: map of the modules")
        with atomic_output(map_svg) as fh:
            fh.write(svg)
    _summary(result, g.n_edges)
