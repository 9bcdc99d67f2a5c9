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


class CountingReader:
    """Wraps standard input to count the bytes read, since a pipe has no position."""

    def __init__(self, stream: BinaryIO, counter: list[int]):
        self._stream, self._counter = stream, counter

    def read(self, n: int = -1) -> bytes:
        data = self._stream.read(n)
        self._counter[0] += len(data)
        return data

    def readline(self, n: int = -1) -> bytes:
        data = self._stream.readline(n)
        self._counter[0] += len(data)
        return data

    def __iter__(self):
        return iter(self.readline, b"")

    def close(self) -> None:  # never close the process's stdin
        pass


def open_input(path: str | os.PathLike) -> tuple[BinaryIO, Callable[[], int]]:
    """The (decompressed) byte stream of *path* and a function giving the on-disk (or piped)
    bytes consumed so far, for progress."""
    name = os.fspath(path)
    if name == "-":
        raw = sys.stdin.buffer
        head = raw.peek(6)[:6] if hasattr(raw, "peek") else b""
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
    if name == "-":
        consumed = [0]
        return CountingReader(stream, consumed), lambda: consumed[0]
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
