"""``minent tokenize``: jieba's tokens of every input line, space-separated, streamed."""

from __future__ import annotations

from typing import Annotated

import typer

from minent.cli import common
from minent.cli import tokenizer_options as tk
from minent.cli.app import app


@app.command(
    "tokenize",
    help="Cut text into jieba words: the tokens of each input line, separated by spaces, one "
    "output line per input line (streamed; identical to jieba.cut).",
)
def tokenize_cmd(
    inputs: common.Inputs = None,
    tokenizer: tk.TokenizerName = "fast",
    hmm: tk.Hmm = True,
    mode: tk.Mode = "default",
    user_dict: tk.UserDict = None,
    dict_path: tk.DictPath = None,
    sep: Annotated[str, typer.Option("--sep", metavar="CHAR", help="Token separator (one character; default: a space).",
                                     show_default=False)] = " ",
    encoding: common.Encoding = "utf-8",
    errors: common.Errors = "strict",
    jsonl_field: common.JsonlField = None,
    csv_column: common.CsvColumn = None,
    output: common.Output = None,
    quiet: common.Quiet = False,
) -> None:
    from minent.io.tables import atomic_output
    from minent.words.tokenize import tokenize_corpus

    if tokenizer == "fast":
        common.start_numba()

    common.setup(quiet)
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
