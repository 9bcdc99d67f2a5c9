"""``minent cooccur``: the second-order word-transition (state) network of a segmented corpus."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from minent.cli import common
from minent.cli.app import app


@app.command("cooccur", help="Build the second-order word-transition network of a segmented corpus "
             "(state = previous word -> word, links weighted by trigram counts) in Infomap's state "
             "format; 'minent infomap FILE --directed' then gives each word every module it is in.")
def cooccur_cmd(
    inputs: common.Inputs = None,
    min_count: Annotated[int, typer.Option("--min-count", min=1, help="Keep trigrams seen at least this often.")] = 2,
    encoding: common.Encoding = "utf-8",
    errors: common.Errors = "strict",
    jsonl_field: common.JsonlField = None,
    csv_column: common.CsvColumn = None,
    output: common.Output = None,
    quiet: common.Quiet = False,
) -> None:
    from minent.graph.cooccur import cooccurrence_states
    from minent.io.graph_formats import state_network_lines

    common.setup(quiet)
    corpus = common.make_corpus(inputs, encoding, errors, jsonl_field, csv_column)
    start = time.perf_counter()
    with common.progress(corpus.total_bytes, quiet=quiet, description="cooccur") as advance:
        net = cooccurrence_states(corpus.documents(advance), min_count=min_count)
    common.report_encodings(corpus)
    common.emit_text(state_network_lines(net, comment=f"minent cooccur --min-count {min_count}: "
                                         "state = 'previous word' 'word', links = trigram counts"), output)
    common.summary("cooccur", f"{net.n_physical} words, {net.n_states} states, {net.graph.n_edges} links "
                   f"(trigrams seen >= {min_count} times)", {"min_count": min_count}, time.perf_counter() - start)
