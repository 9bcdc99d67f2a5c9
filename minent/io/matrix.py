"""Reading numeric sample matrices (one sample per row) for the estimators.

Formats: delimited text (TSV, CSV, or whitespace-separated; the delimiter comes from the
extension .tsv/.csv or is sniffed from the first data line), and NumPy ``.npy`` (detected by
its magic bytes, so it also works on stdin).  ``-`` reads stdin.  Text is UTF-8 (a BOM is
dropped), or UTF-16/32 when it starts with their byte-order mark (as spreadsheet programs save
"Unicode text"), as the corpus reader does.  CSV and TSV cells may be quoted the way the
``csv`` module and spreadsheets write them (``"x, first",y``; ``""`` is a quote inside a
quoted cell).  Blank lines and lines starting with ``#`` are skipped.  A first line whose
cells are all non-numeric is a header; its names can select columns.

Every problem is a ``DataError`` naming the file, line and column: a non-numeric cell,
NaN or infinity, a row with the wrong number of cells, a constant column (optional check),
and - in ``read_pair`` - two inputs with different numbers of rows.

Example:
    >>> m = read_matrix("vectors.tsv")             # doctest: +SKIP
    >>> m.data.shape, m.columns                     # doctest: +SKIP
    ((1000, 2), ['x', 'y'])
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from minent.errors import DataError, UsageError
from minent.io.corpus import detect_encoding
from minent.io.sources import read_input

NPY_MAGIC = b"\x93NUMPY"


@dataclass
class Matrix:
    """Samples as rows of ``data`` (float64, shape (n, d)), with where they came from."""

    data: np.ndarray
    name: str  # file name for messages ("<stdin>" for -)
    columns: list[str]  # header names, or "1", "2", ... when the file has no header
    header: bool = False  # whether the text had a header line
    npy: bool = False
    lines: list[int] | None = None  # 1-based line number of each data row (text input)
    colnums: list[int] | None = None  # 1-based column numbers in the file (after select)

    def label(self, col: int) -> str:
        """'column C' or "column C ('name')" in the file's own numbering."""
        num = self.colnums[col] if self.colnums else col + 1
        name = self.columns[col]
        return f"column {num}" + ("" if name == str(num) else f" ({name!r})")

    @property
    def n(self) -> int:
        return self.data.shape[0]

    def locate(self, row: int, col: int) -> str:
        """'file line L, column C (name)' for a 0-based data row/column, for messages."""
        label = self.label(col)
        if self.npy:
            return f"{self.name}: row {row + 1}, {label}"
        line = self.lines[row] if self.lines else row + 1
        return f"{self.name}: line {line}, {label}"

    def select(self, spec: str | None) -> Matrix:
        """The columns named by ``spec``: 1-based numbers and ranges ("1,3-5") or header names."""
        if spec is None:
            return self
        idx = parse_columns(spec, self.columns, self.name)
        nums = self.colnums or list(range(1, len(self.columns) + 1))
        return Matrix(np.ascontiguousarray(self.data[:, idx]), self.name,
                      [self.columns[i] for i in idx], self.header, self.npy, self.lines,
                      [nums[i] for i in idx])

    def check_constant(self, what: str = "") -> None:
        """DataError if a column has a single value (it carries no information)."""
        if self.n < 2:
            return
        const = np.flatnonzero(self.data.max(axis=0) == self.data.min(axis=0))
        if const.size:
            j = int(const[0])
            raise DataError(
                f"{self.name}: {self.label(j)} is constant (every value is {self.data[0, j]:g}){what}"
            )


def parse_columns(spec: str, names: list[str], source: str = "input") -> list[int]:
    """0-based column indices from "1,3-5" (1-based, inclusive ranges) or header names."""
    out: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        if part in names:
            out.append(names.index(part))
            continue
        lo, sep, hi = part.partition("-")
        try:
            a = int(lo)
            b = int(hi) if sep else a
        except ValueError:
            raise UsageError(f"{source}: no column {part!r} (columns: {', '.join(names)})") from None
        if not (1 <= a <= b <= len(names)):
            raise UsageError(f"{source}: column range {part!r} is outside 1-{len(names)}")
        out.extend(range(a - 1, b))
    if not out:
        raise UsageError(f"empty column selection {spec!r}")
    return out


def decode_text(raw: bytes, name: str, *, note: str = "") -> str:
    """The text of *raw*: UTF-8 with its BOM dropped, or UTF-16/32 when it starts with their
    byte-order mark (the choice :func:`minent.io.corpus.detect_encoding` makes from a BOM).
    Invalid bytes are a :class:`DataError` naming *name*, the line and the byte (*note* is
    added to the message)."""
    codec = detect_encoding(raw[:4])
    if not codec.startswith(("utf-16", "utf-32")):
        codec = "utf-8-sig"
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as e:
        line = raw[: e.start].decode(codec, "ignore").count("\n") + 1
        what = "UTF-8" if codec == "utf-8-sig" else codec.upper()
        raise DataError(f"{name}: line {line}: not {what} text ({e.reason} at byte {e.start}){note}") from None


def _cell_splitter(delimiter: str | None):
    """A function splitting one line into stripped cells. Commas and tabs follow the quoting
    rules of the ``csv`` module (only lines with a quote pay for it); whitespace-separated
    text has no quoting, surrounding quotes are dropped."""
    if delimiter is None:
        return lambda line: [c.strip().strip('"') for c in line.split()]

    def cells(line: str) -> list[str]:
        if '"' not in line:
            return [c.strip() for c in line.split(delimiter)]
        try:
            row = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True, strict=True), [])
        except csv.Error as e:
            if "unexpected end of data" in str(e):
                raise ValueError("a quoted field opened on this line is never closed (unterminated quote)") from None
            row = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
        return [c.strip() for c in row]

    return cells


def _is_float(cell: str) -> bool:
    # as numpy reads numbers: Python's float() also takes '1_000' and full-width digits
    if not cell.isascii() or "_" in cell:
        return False
    try:
        float(cell)
    except ValueError:
        return False
    return True


def read_matrix(path: str, *, delimiter: str | None = None) -> Matrix:
    """Read a numeric matrix from ``path`` ("-" = stdin); see the module docstring."""
    raw, name = read_input(path)
    if raw.startswith(NPY_MAGIC):
        return _from_npy(raw, name)
    lines = decode_text(raw, name, note="; not a .npy file either").splitlines()
    data_lines = [k for k, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")]
    if not data_lines:
        raise DataError(f"{name}: no data rows")
    if delimiter is None:
        suffix = Path(path).suffix.lower()
        first = lines[data_lines[0]]
        delimiter = {".csv": ",", ".tsv": "\t"}.get(suffix) or (
            "\t" if "\t" in first else "," if "," in first else None
        )

    split = _cell_splitter(delimiter)

    def cells(k: int) -> list[str]:
        try:
            return split(lines[k])
        except ValueError as e:
            raise DataError(f"{name}: line {k + 1}: {e}") from None

    header_cells = cells(data_lines[0])
    header = not any(_is_float(c) for c in header_cells)
    body = data_lines[1:] if header else data_lines
    ncols = len(header_cells)
    columns = header_cells if header else [str(j + 1) for j in range(ncols)]
    if not body:
        raise DataError(f"{name}: no data rows after the header")
    m = Matrix(np.empty((0, ncols)), name, columns, header, False, [k + 1 for k in body])
    try:
        data = np.loadtxt(
            io.StringIO("\n".join(lines[k] for k in body)), delimiter=delimiter,
            dtype=np.float64, ndmin=2, comments=None, quotechar=None if delimiter is None else '"',
        )
    except ValueError:
        data = None
    if data is None or data.shape[1] != ncols:
        _slow_scan(lines, body, cells, ncols, name, columns)
        raise DataError(f"{name}: could not read the numeric table")  # pragma: no cover
    m.data = data
    _check_finite(m)
    return m


def _slow_scan(lines, body, cells, ncols, name, columns) -> None:
    """Find the first bad row/cell (error path only) and raise a DataError naming it."""
    for k in body:
        row = cells(k)
        if len(row) != ncols:
            raise DataError(f"{name}: line {k + 1} has {len(row)} cells, expected {ncols}")
        for j, c in enumerate(row):
            if not _is_float(c):
                label = f"column {j + 1}" + ("" if columns[j] == str(j + 1) else f" ({columns[j]!r})")
                raise DataError(f"{name}: line {k + 1}, {label}: {c!r} is not a number")


def _check_finite(m: Matrix) -> None:
    bad = np.argwhere(~np.isfinite(m.data))
    if bad.size:
        i, j = (int(v) for v in bad[0])
        raise DataError(f"{m.locate(i, j)}: {m.data[i, j]} is not a finite number")


def _from_npy(raw: bytes, name: str) -> Matrix:
    try:
        arr = np.load(io.BytesIO(raw), allow_pickle=False)
    except ValueError as e:
        raise DataError(f"{name}: unreadable .npy file ({e})") from None
    if arr.dtype.kind not in "biuf":
        raise DataError(f"{name}: .npy array of dtype {arr.dtype} is not numeric")
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise DataError(f"{name}: .npy array has {arr.ndim} dimensions, expected 1 or 2")
    if arr.shape[0] == 0:
        raise DataError(f"{name}: no data rows")
    m = Matrix(np.ascontiguousarray(arr, dtype=np.float64), name,
               [str(j + 1) for j in range(arr.shape[1])], False, True)
    _check_finite(m)
    return m


def read_pair(
    x_path: str,
    y_path: str | None = None,
    *,
    x_cols: str | None = None,
    y_cols: str | None = None,
    check_constant: bool = True,
) -> tuple[Matrix, Matrix]:
    """Paired samples (x, y): two files row by row, or two column groups of one file.

    With one file and no column selection the file must have exactly two columns
    (x = first, y = second).
    """
    if x_path == "-" and y_path == "-":
        raise UsageError("only one input can be stdin")
    mx = read_matrix(x_path)
    if y_path is None:
        if x_cols is None and y_cols is None:
            if mx.data.shape[1] != 2:
                raise UsageError(
                    f"{mx.name} has {mx.data.shape[1]} columns: give a second file or choose "
                    "the columns with `x_cols`/`y_cols`"
                )
            x_cols, y_cols = "1", "2"
        elif x_cols is None or y_cols is None:
            raise UsageError("with one input file give both `x_cols` and `y_cols`")
        x, y = mx.select(x_cols), mx.select(y_cols)
    else:
        my = read_matrix(y_path)
        x, y = mx.select(x_cols), my.select(y_cols)
        if x.n != y.n:
            raise DataError(
                f"{x.name} has {x.n} rows but {y.name} has {y.n}: the samples must be paired row by row"
            )
    if check_constant:
        x.check_constant()
        y.check_constant()
    return x, y


__all__ = ["Matrix", "read_matrix", "read_pair", "parse_columns", "decode_text"]
