"""Tokenizer backends by name (a registry, loaded lazily): ``fast`` (minent's numba
re-implementation of jieba, :mod:`minent.words.tokenizers.fast`) and ``jieba`` (jieba's own code,
:mod:`minent.words.tokenizers.jieba_backend`). Both give the same tokens.

A tokenizer has ``cut(text) -> Iterable[str]``; a batch backend also has ``table()``,
``count_into(docs, table)`` and ``tokenize_lines(docs, sep)``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path

from minent.errors import MinentError, UsageError

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
