"""``minent wordgraph``: the k-nearest-neighbour word graph of word vectors (for infomap)."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from minent.cli import common
from minent.cli.app import app


@app.command("wordgraph", help="Link each of the top --vocab words of a .vec file to its --k nearest "
             "neighbours with cosine >= --min-sim: source<TAB>target<TAB>cosine (directed). "
             "Pipe into 'minent infomap - --directed' to cluster words.")
def wordgraph_cmd(
    vectors: Annotated[str, typer.Argument(
        help="word2vec/fastText text vectors (.vec, optional 'count dim' header; .gz ok); '-' = stdin.",
        show_default=False)] = "-",
    vocab: Annotated[int, typer.Option("--vocab", min=1, help="Use the first (most frequent) N words.")] = 10000,
    k: Annotated[int, typer.Option("--k", "-k", min=1, help="At most this many neighbours per word.")] = 50,
    min_sim: Annotated[float, typer.Option("--min-sim", help="Keep links with cosine >= this.")] = 0.6,
    fmt: Annotated[Literal["tsv", "jsonl", "json"], common.format_option()] = "tsv",
    output: common.Output = None,
    header: common.Header = False,
    quiet: common.Quiet = False,
) -> None:
    import time

    from minent.graph.wordgraph import knn_graph
    from minent.io.vectors import read_vectors

    common.setup(quiet)
    start = time.perf_counter()
    words, matrix = read_vectors(vectors, vocab=vocab)
    n = common.emit(knn_graph(words, matrix, k=k, min_sim=min_sim),
                    ["source", "target", "weight"], fmt, output, header=header)
    common.summary("wordgraph", f"{len(words)} words, {n} links", dict(vocab=vocab, k=k, min_sim=min_sim),
                   time.perf_counter() - start)
