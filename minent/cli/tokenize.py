"""``minent tokenize``: jieba's tokens of every input line, space-separated, streamed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from minent.cli import common
from minent.cli.app import app


@app.command(
    "tokenize",
    help="Cut text into jieba words: the tokens of each input line, separated by spaces, one "
    "output line per input line (streamed; identical to jieba.cut).",
)
def tokenize_cmd(
    inputs: common.Inputs = None,
    tokenizer: Annotated[
        str, typer.Option("--tokenizer", help="fast: numba, jieba-exact (default); jieba: jieba's own code.")
    ] = "fast",
    hmm: Annotated[bool, typer.Option("--hmm/--no-hmm", help="jieba's HMM for unknown words.")] = True,
    mode: Annotated[
        Literal["default", "search", "all"],
        typer.Option("--mode", help="jieba cutting mode: default (cut), search (cut_for_search), all (cut_all)."),
    ] = "default",
    user_dict: Annotated[
        Optional[Path], typer.Option("--user-dict", help="jieba user dictionary to add (word [freq] [tag]).")
    ] = None,
    dict_path: Annotated[
        Optional[Path], typer.Option("--dict", help="Replace jieba's main dictionary with this file.")
    ] = None,
    sep: Annotated[str, typer.Option("--sep", help="Token separator (one character).")] = " ",
    encoding: common.Encoding = "utf-8",
    errors: common.Errors = "strict",
    jsonl_field: common.JsonlField = None,
    csv_column: common.CsvColumn = None,
    output: common.Output = None,
    quiet: common.Quiet = False,
) -> None:
    from minent.io.tables import atomic_output
    from minent.tokenizer import tokenize_corpus
    from minent.wordfreq import make_tokenizer

    common.setup(quiet)
    # build the tokenizer first: a bad option or dictionary fails before any input is read
    make_tokenizer(tokenizer, hmm=hmm, mode=mode, dict_path=dict_path, user_dict=user_dict)
    corpus = common.make_corpus(inputs, encoding, errors, jsonl_field, csv_column)
    with common.progress(corpus.total_bytes, quiet=quiet, description="tokenize") as advance:
        chunks = tokenize_corpus(corpus, tokenizer=tokenizer, hmm=hmm, mode=mode, dict_path=dict_path,
                                 user_dict=user_dict, sep=sep, progress=advance)
        with atomic_output(output) as fh:
            for chunk in chunks:
                fh.write(chunk)
                if output is None:
                    fh.flush()
    common.report_encodings(corpus)
