"""``minent newwords``: words of a corpus that no dictionary knows (docs/algorithms.md §2)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from minent.cli import common
from minent.cli.app import app
from minent.parallel.jobs import default_jobs


@app.command(
    "newwords",
    help="Discover new words: word, count, cohesion (PMI), left/right entropy, score; most novel first.",
)
def newwords_cmd(
    inputs: common.Inputs = None,
    method: Annotated[
        Literal["cohesion", "entropy", "pmi-split"],
        typer.Option(
            "--method",
            "-m",
            help="cohesion: length-dependent PMI thresholds, cut where no cohesive n-gram covers a gap, "
            "back-check (default). entropy: count + PMI + left/right neighbour entropy. "
            "pmi-split: cut between characters of low PMI.",
        ),
    ] = "cohesion",
    order: Annotated[int, typer.Option("--order", min=2, max=12, help="Longest n-gram counted.")] = 4,
    min_count: Annotated[
        Optional[int],
        typer.Option("--min-count", min=1, help="Minimum count of n-grams and words (default: from the corpus size).",
                     show_default=False),
    ] = None,
    min_pmi: Annotated[
        Optional[str],
        typer.Option("--min-pmi", metavar="NATS", help="PMI thresholds in nats for lengths 2,3,4,... e.g. 2,4,6 (last repeats). "
                     "Defaults: cohesion 2,4,6; entropy 3.4 (ratio 30); pmi-split 0.", show_default=False),
    ] = None,
    min_entropy: Annotated[
        float, typer.Option("--min-entropy", help="entropy method: minimum left and right neighbour entropy (nats).")
    ] = 1.0,
    min_length: Annotated[int, typer.Option("--min-length", min=1, help="Shortest word reported.")] = 2,
    max_length: Annotated[
        Optional[int],
        typer.Option("--max-length", min=1, help="Longest word reported (default 16; the order for entropy).",
                     show_default=False),
    ] = None,
    top: Annotated[Optional[int], typer.Option("--top", min=0, help="Report only the K best words.")] = None,
    exclude_known: Annotated[
        bool, typer.Option("--exclude-known", help="Leave out words in jieba's dictionary.")
    ] = False,
    known: Annotated[
        Optional[list[Path]],
        typer.Option("--known", help="Leave out the words of this UTF-8 list file (first field per line; "
                     "repeatable)."),
    ] = None,
    rank: Annotated[
        Literal["novelty", "count"],
        typer.Option("--rank", help="novelty: how much more frequent than ordinary language (the background) "
                     "predicts, words cut out of their glued neighbours (default). count: the published "
                     "algorithms' candidates by frequency."),
    ] = "novelty",
    background: Annotated[
        Optional[Path],
        typer.Option("--background", help="--rank novelty: the background word list, a 'minent count' table or "
                     "'word freq [tag]' lines from another corpus (default: jieba's dictionary); part-of-speech "
                     "tags (ns, nt, nz, nr) mark the names that start compound names.", show_default=False),
    ] = None,
    evaluate: Annotated[
        Optional[Path],
        typer.Option("--evaluate", help="Gold word list (first field per line): print precision@K and recall of "
                     "the output on stderr.", show_default=False),
    ] = None,
    jobs: common.Jobs = None,
    scheduler: common.Scheduler = None,
    encoding: common.Encoding = "utf-8",
    errors: common.Errors = "strict",
    jsonl_field: common.JsonlField = None,
    csv_column: common.CsvColumn = None,
    fmt: Annotated[
        Literal["tsv", "jsonl", "json", "jieba"],
        common.format_option("jieba: 'word count' lines for jieba.load_userdict."),
    ] = "tsv",
    output: common.Output = None,
    header: common.Header = False,
    quiet: common.Quiet = False,
) -> None:
    common.start_numba()
    from minent.words.newwords.discover import auto_min_count, find_new_words, load_known
    from minent.words.newwords.novelty import evaluate_ranking

    common.setup(quiet)
    corpus = common.make_corpus(inputs, encoding, errors, jsonl_field, csv_column)
    with common.read_as_utf8():  # --encoding is for the corpus, not the word lists
        known_words = load_known(known or [], jieba=exclude_known) if (known or exclude_known) else None
        gold = load_known([evaluate]) if evaluate is not None else None
    jobs = jobs or default_jobs()
    start = time.perf_counter()
    with common.progress(corpus.total_bytes, quiet=quiet, description="newwords") as advance:
        result = find_new_words(
            corpus,
            method=method,
            order=order,
            min_count=min_count,
            min_pmi=min_pmi,
            min_entropy=min_entropy,
            min_length=min_length,
            max_length=max_length,
            top=top,
            known=known_words,
            jobs=jobs,
            progress=advance,
            scheduler=scheduler,
            rank=rank,
            background=background,
        )
    common.report_encodings(corpus)
    if fmt == "jieba":
        common.emit_text((f"{w.word} {w.count}" for w in result.words), output)
    else:
        common.emit(result.to_rows(), result.columns, fmt, output, header=header)
    s = result.settings
    how = "given" if min_count is not None else f"auto from {s['total_chars']} characters"
    if min_count is None and s["min_count"] != auto_min_count(s["total_chars"]):
        how = "auto"
    common.summary("newwords", f"{len(result.words)} words written (min_count {how})",
                   {**s, "jobs": jobs, "scheduler": scheduler}, time.perf_counter() - start)
    if gold is not None:  # asked for: shown even with --quiet
        report = evaluate_ranking([w.word for w in result.words], gold)
        sys.stderr.write(f"minent: newwords: --evaluate {evaluate}: {report.summary()}\n")
