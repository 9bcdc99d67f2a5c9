"""Opening one input, a path or ``-`` (standard input): one set of rules for every reader.

gzip, bzip2 and xz are recognised by their magic bytes, never by the file name. A missing path,
a directory or an unreadable file is a :class:`~minent.errors.UsageError` naming it; a corrupt
compressed stream is a :class:`~minent.errors.DataError`.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import stat
import sys
import zlib
from collections.abc import Callable
from typing import BinaryIO

from minent.errors import DataError, UsageError

#: leading bytes of each compressed format and how to open it
MAGIC = [
    (b"\x1f\x8b", lambda raw: gzip.GzipFile(fileobj=raw, mode="rb")),
    (b"BZh", lambda raw: bz2.BZ2File(raw, mode="rb")),
    (b"\xfd7zXZ\x00", lambda raw: lzma.LZMAFile(raw, mode="rb")),
]



def display_name(path: str | os.PathLike) -> str:
    """The name of an input in messages: ``<stdin>`` for ``-``."""
    name = os.fspath(path)
    return "<stdin>" if name == "-" else name


def is_stream(path: str | os.PathLike) -> bool:
    """Whether input *path* can be read only once, from its start: ``-`` (standard input), a
    named pipe, a process substitution ``<(...)`` (``/dev/fd/63``), ``/dev/stdin``, a terminal.
    Such inputs have no size and no byte ranges; they are never opened twice (not even to peek
    at their first bytes)."""
    path = os.fspath(path)
    if path == "-":
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


class CountingReader:
    """Wraps a stream (standard input, a pipe) to count the bytes read, since a pipe has no
    position.

    With *on_wait* set (``Corpus.batches(flush_on_stall=True)``), a read returns what has
    arrived instead of waiting for *n* bytes: it takes what is ready (up to *n*), calls
    *on_wait* before it would block, and notes in ``stalled`` that no more input was ready."""

    def __init__(self, stream: BinaryIO, counter: list[int], owned: BinaryIO | None = None, fd: int | None = None):
        self._stream, self._counter, self._owned, self._fd = stream, counter, owned, fd
        self.on_wait: Callable[[], None] | None = None
        self.stalled = False

    def _ready(self) -> bool:
        import select

        try:
            return bool(select.select([self._fd], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def read(self, n: int = -1) -> bytes:
        read1 = getattr(self._stream, "read1", None)
        if self.on_wait is None or n is None or n < 0 or read1 is None or self._fd is None:
            data = self._stream.read(n)
        else:
            if not self._ready():
                self.on_wait()  # about to wait for the writer: hand on what was read so far
            data = read1(n)
            while data and len(data) < n and self._ready():
                more = read1(n - len(data))
                if not more:
                    break
                data += more
            self.stalled = bool(data) and len(data) < n and not self._ready()
        self._counter[0] += len(data)
        return data

    def readline(self, n: int = -1) -> bytes:
        data = self._stream.readline(n)
        self._counter[0] += len(data)
        return data

    def __iter__(self):
        return iter(self.readline, b"")

    def close(self) -> None:  # never close the process's stdin; a named pipe opened here, yes
        if self._owned is not None:
            self._owned.close()


def open_input(path: str | os.PathLike) -> tuple[BinaryIO, Callable[[], int]]:
    """The (decompressed) byte stream of *path* and a function giving the on-disk (or piped)
    bytes consumed so far, for progress."""
    name = os.fspath(path)
    stream_input = is_stream(name)
    if name == "-":
        raw = sys.stdin.buffer
        head = raw.peek(6)[:6] if hasattr(raw, "peek") else b""
    elif stream_input:  # a pipe: opened once, peeked at, never rewound
        try:
            raw = open(name, "rb")
        except OSError as e:
            raise UsageError(f"{name}: cannot open: {e.strerror}") from None
        head = raw.peek(6)[:6]
    else:
        if os.path.isdir(name):
            raise UsageError(f"{name}: is a directory, not a file")
        try:
            raw = open(name, "rb")
        except FileNotFoundError:
            raise UsageError(f"{name}: no such file") from None
        except OSError as e:
            raise UsageError(f"{name}: cannot open: {e.strerror}") from None
        head = raw.read(6)
        raw.seek(0)
    for magic, opener in MAGIC:
        if head.startswith(magic):
            stream = opener(raw)
            break
    else:
        stream = raw
    if stream_input:
        consumed = [0]
        try:
            fd = raw.fileno()
        except (OSError, ValueError, AttributeError):
            fd = None
        return CountingReader(stream, consumed, raw if name != "-" else None, fd), lambda: consumed[0]
    return stream, raw.tell


def read_block(stream: BinaryIO, n: int, name: str) -> bytes:
    """``stream.read(n)``, a corrupt or truncated compressed stream being a DataError naming *name*."""
    try:
        return stream.read(n)
    except (EOFError, lzma.LZMAError, zlib.error, gzip.BadGzipFile) as e:
        raise DataError(f"{name}: corrupt or truncated compressed data ({e})") from None
    except OSError as e:
        if "Invalid data stream" in str(e) or "compressed" in str(e):  # bz2's wording
            raise DataError(f"{name}: corrupt compressed data ({e})") from None
        raise


def read_input(path: str | os.PathLike) -> tuple[bytes, str]:
    """All the (decompressed) bytes of *path* and its name for messages."""
    stream, _ = open_input(path)
    try:
        return read_block(stream, -1, display_name(path)), display_name(path)
    finally:
        stream.close()
