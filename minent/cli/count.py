"""``minent count``: the word-frequency table of a corpus, with jieba tokens."""

from __future__ import annotations

import time
from typing import Annotated, Literal, Optional

import typer

from minent.cli import common
from minent.cli import tokenizer_options as tk
from minent.cli.app import app


@app.command("count", help="Count jieba words over a corpus: word<TAB>count, most frequent first.")
def count_cmd(
    inputs: common.Inputs = None,
    tokenizer: tk.TokenizerName = "fast",
    hmm: tk.Hmm = True,
    mode: tk.Mode = "default",
    user_dict: tk.UserDict = None,
    dict_path: tk.DictPath = None,
    min_count: Annotated[int, typer.Option("--min-count", min=1, help="Keep words seen at least this often.")] = 1,
    top: Annotated[Optional[int], typer.Option("--top", min=0, help="Keep only the K most frequent words.")] = None,
    min_length: Annotated[int, typer.Option("--min-length", min=1, help="Keep words of at least this many characters.")] = 1,
    drop_punct: Annotated[
        bool, typer.Option("--drop-punct", help="Drop tokens without a word character (punctuation, symbols).")
    ] = False,
    jobs: common.Jobs = None,
    scheduler: common.Scheduler = None,
    encoding: common.Encoding = "utf-8",
    errors: common.Errors = "strict",
    jsonl_field: common.JsonlField = None,
    csv_column: common.CsvColumn = None,
    fmt: Annotated[
        Literal["tsv", "jsonl", "json", "jieba"],
        common.format_option("jieba: 'word count' lines that jieba.load_userdict reads."),
    ] = "tsv",
    output: common.Output = None,
    header: common.Header = False,
    quiet: common.Quiet = False,
) -> None:
    from minent.io.tables import atomic_output
    from minent.words.count import count_words

    if tokenizer == "fast":
        common.start_numba()

    common.setup(quiet)
    corpus = common.make_corpus(inputs, encoding, errors, jsonl_field, csv_column)
    start = time.perf_counter()
    with common.progress(corpus.total_bytes, quiet=quiet, description="count") as advance:
        result = count_words(
            corpus,
            tokenizer=tokenizer,
            hmm=hmm,
            mode=mode,
            user_dict=user_dict,
            dict_path=dict_path,
            min_count=min_count,
            top=top,
            min_length=min_length,
            drop_punct=drop_punct,
            jobs=jobs,
            progress=advance,
            scheduler=scheduler,
        )
    common.report_encodings(corpus)
    if fmt == "jieba":
        # jieba.load_userdict reads "word freq" split on spaces: a word with a space cannot go in.
        common.emit_text((f"{w} {c}" for w, c in result.rows if " " not in w), output)
    elif fmt == "tsv":  # straight from the result's arrays: no Python string or tuple per row
        with atomic_output(output) as fh:
            for chunk in result.tsv_chunks(header=header):
                fh.write(chunk)
    else:
        common.emit(result.rows, result.columns, fmt, output, header=header)
    common.summary("count", f"{result.documents} documents, {result.tokens} tokens, {result.distinct} distinct "
                   f"words, {len(result)} written", {**result.settings, "jobs": f"{result.jobs} (--jobs {result.jobs_note})" if result.jobs_note else result.jobs,
                    "scheduler": scheduler},
                   time.perf_counter() - start)
