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
    typer.Argument(help="Edge list ('source target [weight]' lines, '#' comments) or Pajek .net; "
                   "'-' or nothing reads standard input.", show_default=False),
]
InputFormat = Annotated[
    Literal["auto", "edges", "pajek"],
    typer.Option("--input-format", help="Graph file format; auto recognises Pajek by its first non-comment line, a section such as '*Vertices' or '*Edges'."),
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
    evaluate: Annotated[Optional[Path], typer.Option(
        "--evaluate", help="Do not search: report the codelength of this partition (node<TAB>module lines).",
        show_default=False)] = None,
    input_format: InputFormat = "auto",
    fmt: Annotated[
        Literal["tsv", "jsonl", "json", "clu", "tree"],
        common.format_option("clu/tree: Infomap's file formats; json: one object with the codelengths."),
    ] = "tsv",
    output: common.Output = None,
    header: common.Header = False,
    quiet: common.Quiet = False,
) -> None:
    from minent.graph import infomap as im
    from minent.io import graph as gio
    from minent.io import graph_formats as fmts

    common.setup(quiet)
    if evaluate is not None and (hierarchical or trials != 1):
        from minent.errors import UsageError

        raise UsageError("--evaluate scores the given two-level partition: it takes no --hierarchical or --trials")
    g = gio.read_graph(graph, directed=directed, fmt=input_format)
    if g.n_edges == 0:
        from minent.errors import DataError

        raise DataError(f"{'<stdin>' if graph == '-' else graph}: the graph has no links")
    kwargs = dict(directed=directed, teleport=teleport, recorded_teleport=recorded_teleport,
                  markov_time=markov_time)
    if evaluate is not None:
        result = im.evaluate(g, read_partition(evaluate), label=str(evaluate), **kwargs)
    else:
        result = im.infomap(g, trials=trials, seed=seed, hierarchical=hierarchical, **kwargs)
    if fmt == "clu":
        common.emit_text(fmts.clu_lines(result), output)
    elif fmt == "tree":
        common.emit_text(fmts.tree_lines(result), output)
    elif fmt == "tsv" and result.paths is None:
        common.emit_text(fmts.tsv_chunks(result, header=header), output)
    elif fmt == "json":
        common.emit_text([json.dumps(fmts.result_json(result), ensure_ascii=False)], output)
    else:
        common.emit(result.to_rows(), result.columns, fmt, output, header=header)
    _summary(result, g.n_edges)
