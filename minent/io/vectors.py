"""Word vectors in the word2vec/fastText text format (``.vec``, optionally compressed)."""

from __future__ import annotations

import gzip
import logging
import lzma
import zlib

import numpy as np

from minent.errors import DataError
from minent.io.sources import display_name, open_input

log = logging.getLogger("minent")


def _utf8_lines(fh, label: str):
    """The lines of the binary stream ``fh`` as UTF-8 bytes: a UTF-16 or UTF-32 byte-order
    mark at the start is obeyed (such a file is decoded whole and re-encoded; bad UTF-16/32
    raises DataError naming the line)."""
    import io
    import itertools

    from minent.io.corpus import wide_bom

    first = b""
    if hasattr(fh, "peek"):
        head = fh.peek(4)[:4]
    else:   # standard input behind a byte counter: look at the first line
        first = fh.readline()
        head = first[:4]
    wide = wide_bom(head)
    if wide is None:
        return itertools.chain([first], fh) if first else fh
    data = first + fh.read()
    try:
        text = data.decode(wide)
    except UnicodeDecodeError as e:
        line = data[: e.start].decode(wide, "replace").count("\n") + 1
        raise DataError(f"{label}:{line}: not valid {wide.upper()}") from None
    return (line.encode("utf-8") for line in io.StringIO(text, newline="\n"))


def read_vectors(path, *, vocab: int | None = 10000) -> tuple[list[str], np.ndarray]:
    """Read a word2vec/fastText text file (optional ``count dim`` header line).

    Returns the first ``vocab`` words (all if None) and their vectors as float32 rows.
    Stops reading after ``vocab`` words. A row with the wrong number of values or a value that
    is not a number raises DataError naming the line; so does a file whose rows do not match
    the header's count, as far as the reading goes (a file that ends early was cut short, one
    with more rows was concatenated or edited). A word seen again keeps its first row, the more
    frequent one in a frequency-sorted file, with one warning on the ``minent`` logger naming
    both lines: this is what gensim's ``load_word2vec_format`` does, and published ``.vec``
    files do contain such duplicates (words that differ only by characters the tokenizer
    dropped), so refusing them would refuse files every other tool reads.
    """
    label = display_name(path)
    fh, _ = open_input(path)
    words: list[str] = []
    rows: list[np.ndarray] = []
    dim = None
    announced = None  # the header's row count
    seen: dict[str, int] = {}  # word -> line of its first row
    duplicates: list[tuple[str, int, int]] = []
    n_rows = lineno = 0
    try:
        lines = _utf8_lines(fh, label)
        for lineno, line in enumerate(lines, 1):
            if vocab is not None and len(words) >= vocab:
                break
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                raise DataError(f"{label}:{lineno}: not valid UTF-8") from None
            if lineno == 1 and text.lstrip("\ufeff").strip():
                text = text.lstrip("\ufeff")
            fields = text.rstrip().split(" ")
            if not text.strip():
                continue
            if lineno == 1 and len(fields) == 2 and fields[0].isdigit() and fields[1].isdigit():
                announced, dim = int(fields[0]), int(fields[1])
                continue
            n_rows += 1
            if announced is not None and n_rows > announced:
                raise DataError(f"{label}:{lineno}: more rows than the {announced} the header (line 1) announces")
            if len(fields) < 2:
                raise DataError(f"{label}:{lineno}: expected 'word v1 v2 ...'")
            if dim is None:
                dim = len(fields) - 1
            if len(fields) - 1 != dim:
                raise DataError(f"{label}:{lineno}: expected {dim} values, got {len(fields) - 1}")
            try:
                with np.errstate(over="ignore"):  # > 3.4e38 becomes inf: said below, not warned
                    vec = np.array(fields[1:], dtype=np.float32)
            except ValueError:
                raise DataError(f"{label}:{lineno}: a vector value is not a number") from None
            if not np.all(np.isfinite(vec)):
                raise DataError(f"{label}:{lineno}: a vector value is not finite (or beyond float32's 3.4e38)")
            if fields[0] in seen:
                duplicates.append((fields[0], seen[fields[0]], lineno))
                continue
            seen[fields[0]] = lineno
            words.append(fields[0])
            rows.append(vec)
        else:  # the whole file was read: it must hold the rows its header announces
            if announced is not None and n_rows < announced:
                raise DataError(f"{label}:{lineno}: the file ends after {n_rows} rows; the header (line 1) "
                                f"announces {announced}")
    except (EOFError, gzip.BadGzipFile, zlib.error, lzma.LZMAError) as e:
        raise DataError(f"{label}: corrupt or truncated compressed data ({e})") from None
    finally:
        if str(path) != "-":
            fh.close()
    if duplicates:
        word, first, again = duplicates[0]
        log.warning(f"warning: {label}: {len(duplicates)} duplicate word(s) ignored, the first row of each kept "
                    f"(e.g. {word!r} at lines {first} and {again})")
    if not rows:
        return words, np.zeros((0, dim or 0), np.float32)
    return words, np.vstack(rows)
