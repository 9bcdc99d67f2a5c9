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


def skip_numba_blas_probe() -> None:
    """Start numba without its BLAS probe: ~0.3–0.5 s less start-up for ``count``/``tokenize``.

    At its first compilation numba imports ``numba.np.arraymath``, which imports
    ``scipy.linalg`` only to learn whether BLAS is there for ``np.dot`` & co. in kernels —
    a third of a warm ``minent tokenize`` start-up. The tokenizer kernels use no BLAS, so these
    two commands hide ``scipy.linalg`` from that one import, as on a machine without scipy
    (a configuration numba supports). Only this process is affected; it is left alone when
    numba or scipy.linalg is already loaded.
    """
    import sys

    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    sys.modules["scipy.linalg"] = None  # type: ignore[assignment]  # makes the import fail
    try:
        import numba.np.arraymath  # noqa: F401  (runs numba's probe now, without scipy.linalg)
    finally:
        del sys.modules["scipy.linalg"]
