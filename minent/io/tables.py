"""Table writers shared by every command: TSV (default), JSON Lines, JSON; atomic files.

TSV has no header line unless asked (so ``sort``, ``cut`` and ``awk`` see only data); JSON keeps
Chinese readable (``ensure_ascii=False``). Floats are written with :func:`format_float`, which
round-trips through ``float()``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import operator
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from minent.errors import UsageError

FORMATS = ("tsv", "jsonl", "json")


def format_float(x: float) -> str:
    """Shortest text that reads back as the same float, with ``inf``/``-inf``/``nan`` spelled so."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return repr(float(x)) if isinstance(x, float) else str(x)


def tsv_cell(value) -> str:
    if isinstance(value, float):
        return format_float(value)
    text = str(value)
    if "\t" in text or "\n" in text:
        text = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return text


_BLOCK_ROWS = 8192


def _column_cells(values: list) -> Sequence[str]:
    """``tsv_cell`` of every value of one column, fast when the column has a single plain type."""
    kinds = set(map(type, values))
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind is float:  # repr spells inf/-inf/nan as format_float does
            return list(map(repr, values))
        if kind is int:
            return list(map(str, values))
        if kind is str:
            joined = "".join(values)
            if "\t" not in joined and "\n" not in joined:
                return values
    return list(map(tsv_cell, values))


def _json_value(value):
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_table(
    rows: Iterable[Sequence],
    columns: Sequence[str],
    fmt: str,
    file: TextIO,
    *,
    header: bool = False,
) -> int:
    """Write *rows* (sequences matching *columns*) to *file* as tsv, jsonl or json.

    Returns the number of rows written.
    """
    n = 0
    if fmt == "tsv":
        if header:
            file.write("\t".join(columns) + "\n")
        rows = iter(rows)
        while block := list(itertools.islice(rows, _BLOCK_ROWS)):
            # Column by column: one type check and one C-level map per column of a block. (Not
            # zip(*block): it makes one iterator per row, and the collector chases them.)
            width = min(map(len, block))
            cells = [_column_cells(list(map(operator.itemgetter(i), block))) for i in range(width)]
            file.write("\n".join(map("\t".join, zip(*cells))) + "\n")
            n += len(block)
    elif fmt == "jsonl":
        for row in rows:
            obj = {c: _json_value(v) for c, v in zip(columns, row)}
            file.write(json.dumps(obj, ensure_ascii=False) + "\n")
            n += 1
    elif fmt == "json":
        file.write("[")
        for row in rows:
            obj = {c: _json_value(v) for c, v in zip(columns, row)}
            file.write(("\n" if n == 0 else ",\n") + json.dumps(obj, ensure_ascii=False))
            n += 1
        file.write("\n]\n" if n else "]\n")
    else:
        raise ValueError(f"unknown table format {fmt!r}")
    return n


def _output_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike | None, *, binary: bool = False) -> Iterator[TextIO]:
    """Yield a UTF-8 text file (a binary file with *binary*) for *path*; ``None`` or ``"-"`` is
    stdout.

    A real path is written to a temporary file in the same directory and renamed over *path* only
    when the block finishes without error, so a failed or interrupted run never leaves a
    half-written output behind. A path that exists and is not a regular file (``/dev/null``, a
    named pipe) is written in place.
    """
    if path is None or os.fspath(path) == "-":
        out = sys.stdout.buffer if binary else sys.stdout
        yield out
        out.flush()
        return
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise UsageError(f"{target}: is a directory, not an output file")
    if target.exists() and not target.is_file():
        # A device, pipe or socket (-o /dev/null, -o /dev/stdout, a named pipe): written in
        # place, never renamed over (that would replace the device node with a plain file).
        try:
            fh = open(target, "wb") if binary else open(target, "w", encoding="utf-8", newline="\n")
        except OSError as e:
            raise UsageError(f"{target}: cannot write ({e.strerror})") from None
        with fh:
            yield fh
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as e:
        # name the file the user asked for, not the temporary one
        raise UsageError(f"{target}: cannot write ({e.strerror})") from None
    try:
        # mkstemp creates the file 0600; give the output the mode a plain open() would (or the
        # mode of the file it replaces), so others can read it as usual
        os.chmod(tmp, _output_mode(target))
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
