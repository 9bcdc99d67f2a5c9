"""Tokenizer backends by name (a registry, loaded lazily): ``fast`` (minent's numba
re-implementation of jieba, :mod:`minent.words.tokenizers.fast`) and ``jieba`` (jieba's own code,
:mod:`minent.words.tokenizers.jieba_backend`). Both give the same tokens.

A tokenizer has ``cut(text) -> Iterable[str]``; a batch backend also has ``table()``,
``count_into(docs, table)`` and ``tokenize_lines(docs, sep)``. ``cut_rule()`` (both backends:
:func:`jieba_cuts`) says where a long line may be cut without changing the tokens; a backend
without it gets each line whole (:func:`cut_rule`).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path

from minent.errors import MinentError, UsageError
from minent.text.batching import CutRule

MODES = ("default", "search", "all")

#: Tokenizer backends: name -> "module:callable" building a tokenizer from the keyword arguments
#: ``hmm, mode, dict_path, user_dict``. A tokenizer has ``cut(text) -> Iterable[str]``.
TOKENIZERS: dict[str, str] = {
    "jieba": "minent.words.tokenizers.jieba_backend:JiebaTokenizer",
    "fast": "minent.words.tokenizers.fast:Tokenizer",  # jieba's output, numba speed (issue 7)
}


def make_tokenizer(
    name: str = "jieba",
    *,
    hmm: bool = True,
    mode: str = "default",
    dict_path: str | os.PathLike | None = None,
    user_dict: str | os.PathLike | None = None,
):
    """Build the tokenizer backend *name* (see :data:`TOKENIZERS`)."""
    if name not in TOKENIZERS:
        raise UsageError(f"unknown tokenizer {name!r} (choose from {', '.join(TOKENIZERS)})")
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r} (choose from {', '.join(MODES)})")
    for label, path in (("`dict_path`", dict_path), ("`user_dict`", user_dict)):
        if path is not None and not Path(path).is_file():
            raise UsageError(f"{label} {path}: no such file")
    module, attr = TOKENIZERS[name].split(":")
    factory = getattr(importlib.import_module(module), attr)
    return factory(hmm=hmm, mode=mode, dict_path=dict_path, user_dict=user_dict)


def jieba_dir() -> Path:
    """The installed jieba package directory, found without importing jieba.

    jieba is a dependency of minent: without it the installation is broken, which is a
    :class:`MinentError` (exit 1), not a usage error.
    """
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise MinentError("the jieba package is not installed (pip install jieba)")
    return Path(list(spec.submodule_search_locations)[0])


def jieba_dict_path() -> Path:
    """jieba's default main dictionary (``dict.txt`` inside the installed package)."""
    return jieba_dir() / "dict.txt"


@functools.cache
def _jieba_classes() -> "np.ndarray":
    """Class of every code point for :func:`jieba_cuts`, from jieba's own regular expressions:
    0 a character of jieba's blocks, 1 any other, 2 whitespace."""
    import jieba
    import numpy as np

    every = "".join(map(chr, range(0x110000)))
    classes = np.ones(len(every), dtype=np.uint8)
    for rx, cls in ((jieba.re_han_default, 0), (jieba.re_skip_default, 2)):
        for m in rx.finditer(every):
            classes[m.start():m.end()] = cls
    return classes


def _jieba_cut_tables(mode: str, classes: Callable[[], "np.ndarray"]):
    import numpy as np

    allowed = np.array([[False, True, True], [True, True, True], [True, True, True]])
    if mode == "all":
        # between blocks, the characters between two whitespace characters are one token, and a
        # whitespace character at either end of the stretch adds an empty token ("" is a token)
        allowed[1:, 1:] = False
    return classes(), allowed


def jieba_cuts(mode: str = "default", classes: Callable[[], "np.ndarray"] | None = None) -> CutRule:
    """Where a long line may be cut without changing jieba's tokens (both backends, every
    ``hmm``): jieba splits a text into blocks of ``re_han_default`` characters (Han, Latin
    letters, digits, ``+#&._%-``), tokenises each block alone, and makes every character
    between blocks a token of its own. So a cut may fall anywhere but between two characters of
    a block, and the pieces give the tokens of the whole line. In ``mode="all"`` the characters
    between blocks are cut at whitespace only, and an empty token appears where such a stretch
    starts or ends with whitespace: there a cut must fall at the edge of a block.

    *classes* gives the class of every code point (0: in a block, 1: other, 2: whitespace) when
    the tokenizer has them already (the fast tokenizer's compiled dictionary); by default they
    are computed from jieba's regular expressions, the first time a line is long.
    """
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r} (choose from {', '.join(MODES)})")
    tables = functools.partial(_jieba_cut_tables, mode, classes or _jieba_classes)
    return CutRule(tables, "a cut must not fall inside one of jieba's blocks")


def cut_rule(tokenizer) -> CutRule | None:
    """The tokenizer's ``cut_rule()``: where a long line may be cut without changing its tokens,
    or None (lines are then tokenised whole) for a backend that does not say."""
    rule = getattr(tokenizer, "cut_rule", None)
    return rule() if rule is not None else None
