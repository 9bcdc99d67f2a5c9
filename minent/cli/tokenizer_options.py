"""The tokenizer options shared by ``minent count`` and ``minent tokenize``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

TokenizerName = Annotated[
    Literal["fast", "jieba"],
    typer.Option(
        "--tokenizer",
        help="fast: numba re-implementation of jieba, identical tokens, 10-25x faster per core; "
        "jieba: jieba's own code.",
    ),
]
Hmm = Annotated[bool, typer.Option("--hmm/--no-hmm", help="jieba's HMM for unknown words.")]
Mode = Annotated[
    Literal["default", "search", "all"],
    typer.Option("--mode", help="jieba cutting mode: default (cut), search (cut_for_search), all (cut_all)."),
]
UserDict = Annotated[
    Optional[Path], typer.Option("--user-dict", help="jieba user dictionary to add (word [freq] [tag]).")
]
DictPath = Annotated[Optional[Path], typer.Option("--dict", help="Replace jieba's main dictionary with this file.")]

