"""Streaming corpus readers: every command reads its text through :class:`Corpus`.

Inputs are paths, directories (read recursively, in sorted order), glob patterns and ``-`` for
standard input. Compression (gzip, bzip2, xz) is recognised by its magic bytes, so
``zcat x.gz | minent ...`` and ``minent ... x.gz`` behave alike. Text is decoded block by block
(1 MiB), so memory does not grow with the size of the corpus.

Documents are lines (CR/LF stripped), or one field of JSONL records (``jsonl_field``) or of CSV
rows with a header (``csv_column``).

Encodings: ``utf-8`` (the default; a BOM is dropped), any codec Python knows (``gb18030``,
``big5``, ...), or ``auto``, which looks at the first 64 KiB of each input and picks UTF-8,
GB18030 or Big5. A UTF-16 or UTF-32 byte-order mark at the start of an input is obeyed under
``utf-8`` and ``auto`` (such a file cannot be UTF-8). Invalid bytes raise
:class:`~minent.errors.InvalidBytesError` (a ``DataError``) naming the file, line and byte
offset, unless ``errors="replace"``.

>>> corpus = Corpus(["data/sample.txt"])            # doctest: +SKIP
>>> for batch in corpus.batches(max_chars=100_000):  # doctest: +SKIP
...     ...
"""

from __future__ import annotations

import codecs
import csv
import glob
import json
import os
from collections.abc import Callable, Iterator, Sequence
from typing import BinaryIO

from minent.errors import DataError, InvalidBytesError, UsageError
from minent.io.sources import MAGIC, CountingReader, display_name, is_stream, open_input, read_block
from minent.text.batching import CutRule, Fragment, LineCutter, batched

Progress = Callable[[int], None] | None

BLOCK_SIZE = 1 << 20
_SNIFF_SIZE = 1 << 16

# Frequent characters of Chinese text in both simplified and traditional forms; `auto` picks the
# decoding under which most Han characters are among them (wrong decodings give rare characters).
_COMMON_HAN = frozenset(
    "的一是不了在人有我他这個个们們中来來上大为為和国國地到以说說时時要就出会會可也你对對生能而子那"
    "得于於着著下自之年过過发發后後作里裡用道行所然家种種事成方多经經么麼去法学學如都同现現当當没沒"
    "动動面起看定天分还還进進好小部其些主样樣理心她本前开開但因只从從想实實日军軍者意无無力它与與长"
    "長把机機十民第公此已工使情明性知全三又关關点點正业業外将將两兩高间間由问問很最重并物手应應战戰"
    "向头頭文体體政美相见見被利山风風月花春雲云水无書书東东門门馬马鳥鸟"
)


class _Source:
    """One input: a path or stdin, opened as a binary stream of (decompressed) bytes."""

    def __init__(self, name: str):
        self.name = name

    @property
    def display(self) -> str:
        return display_name(self.name)

    def size(self) -> int | None:
        return None if is_stream(self.name) else os.path.getsize(self.name)

    def open(self) -> tuple[BinaryIO, Callable[[], int]]:
        """Return the decompressed byte stream and a function giving on-disk bytes consumed."""
        return open_input(self.name)


def _expand(inputs: Sequence[str | os.PathLike]) -> list[str]:
    names: list[str] = []
    for item in inputs:
        item = os.fspath(item)
        if item == "-":
            names.append("-")
        elif os.path.isdir(item):
            found = []
            for root, dirs, files in os.walk(item):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found.extend(os.path.join(root, f) for f in files if not f.startswith("."))
            names.extend(sorted(found))
        elif os.path.exists(item):
            names.append(item)
        else:
            matches = sorted(p for p in glob.glob(item, recursive=True) if os.path.isfile(p))
            if not matches:
                raise UsageError(f"{item}: no such file or directory")
            names.extend(matches)
    return names


def _check_codec(encoding: str) -> str:
    if encoding.lower() == "auto":
        return "auto"
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r}") from None
    return "utf-8" if name in ("utf-8", "utf-8-sig") else name


#: codecs whose newline is not the byte b"\n": read through a decoding path of their own
_WIDE_CODECS = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _is_wide(encoding: str) -> bool:
    return encoding in _WIDE_CODECS


def wide_bom(sample: bytes) -> str | None:
    """``"utf-32"`` / ``"utf-16"`` when *sample* starts with their byte-order mark."""
    for bom, name in _WIDE_BOMS:  # UTF-32-LE first: its BOM starts with UTF-16-LE's
        if sample.startswith(bom):
            return name
    return None


def detect_encoding(sample: bytes) -> str:
    """Guess UTF-8, GB18030 or Big5 (or UTF-16/32 by their byte-order mark) from the first bytes
    of a file.

    UTF-8 wins whenever the sample decodes as UTF-8 (a cut multi-byte character at its end is
    allowed); otherwise the candidate whose decoding has fewest errors and then the largest share
    of common characters among its Han characters.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8"
    wide = wide_bom(sample)
    if wide:
        return wide
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best, best_key = "gb18030", None
    for cand in ("gb18030", "big5"):
        text = codecs.getincrementaldecoder(cand)(errors="replace").decode(sample, final=False)
        han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
        common = sum(c in _COMMON_HAN for c in han) / max(1, len(han))
        key = (-text.count("\ufffd"), common)
        if best_key is None or key > best_key:
            best, best_key = cand, key
    return best


class Corpus:
    """A stream of documents read from files, directories, globs or stdin.

    Parameters
    ----------
    inputs
        Paths, directories, glob patterns; ``"-"`` is standard input. Default: stdin.
    encoding
        ``"utf-8"`` (BOM dropped), a codec name, or ``"auto"`` (UTF-8 / GB18030 / Big5); under
        both, a file starting with a UTF-16/32 byte-order mark is read as UTF-16/32.
    errors
        ``"strict"``: invalid bytes raise DataError with file, line and byte offset;
        ``"replace"``: they become U+FFFD.
    jsonl_field, csv_column
        Read one text field of JSONL records / CSV rows (the CSV needs a header row) instead of
        lines. A record without the field is an error naming the line.
    """

    def __init__(
        self,
        inputs: Sequence[str | os.PathLike] = ("-",),
        *,
        encoding: str = "utf-8",
        errors: str = "strict",
        jsonl_field: str | None = None,
        csv_column: str | None = None,
    ):
        if errors not in ("strict", "replace"):
            raise UsageError(f"errors must be 'strict' or 'replace', not {errors!r}")
        if jsonl_field is not None and csv_column is not None:
            raise UsageError("`jsonl_field` and `csv_column` cannot be used together")
        if isinstance(inputs, (str, os.PathLike)):
            inputs = [inputs]
        self._on_wait: Callable[[], None] | None = None  # see batches(flush_on_stall=True)
        self.paths = _expand(list(inputs) or ["-"])
        if self.paths.count("-") > 1:
            raise UsageError("standard input ('-') can be read only once")
        self.encoding = _check_codec(encoding)
        self.errors = errors
        self.jsonl_field = jsonl_field
        self.csv_column = csv_column
        self.chosen_encodings: dict[str, str] = {}

    @property
    def total_bytes(self) -> int | None:
        """On-disk size of all inputs, or None when one of them is a stream (:func:`is_stream`)."""
        sizes = [_Source(p).size() for p in self.paths]
        return None if any(s is None for s in sizes) else sum(sizes)

    # -- lines -------------------------------------------------------------------------------

    def _lines(self, source: _Source, progress: Progress, cutter: LineCutter | None = None) -> Iterator[tuple[int, str]]:
        """Yield (line number, line without CR/LF) of one input, decoding block by block; with a
        *cutter*, a long line comes as :class:`Fragment` pieces and then its last piece."""
        for line_no, text in self._text_blocks_of(source, progress, cutter):
            yield from _numbered(text, line_no)

    def _text_blocks_of(self, source: _Source, progress: Progress,
                        cutter: LineCutter | None = None) -> Iterator[tuple[int, str]]:
        """(lines before, decoded block) of one input; see :meth:`_decode_blocks`."""
        stream, position = source.open()
        if isinstance(stream, CountingReader):
            stream.on_wait = self._on_wait
        try:
            yield from self._decode_blocks(source, stream, position, progress, cutter=cutter)
        finally:
            if source.name != "-":
                stream.close()

    @staticmethod
    def _read(source: _Source, stream, n: int) -> bytes:
        return read_block(stream, n, source.display)

    def _decode_lines(self, source, stream, position, progress, **where) -> Iterator[tuple[int, str]]:
        """(line number, line without CR/LF) of *stream* (see :meth:`_decode_blocks`)."""
        for line_no, text in self._decode_blocks(source, stream, position, progress, **where):
            yield from _numbered(text, line_no)

    def _decode_blocks(
        self, source, stream, position, progress, *, offset: int = 0, line_no: int = 0, encoding: str | None = None,
        cutter: LineCutter | None = None, lines_before: Callable[[], int] | None = None,
    ) -> Iterator[tuple[int, str]]:
        """Decode *stream* block by block: yield (lines before, text) where the text holds whole
        lines, each ending with ``\\n`` but maybe the input's last, CRs kept.

        With a *cutter*, a line longer than ``cutter.max_chars`` comes as :class:`Fragment` texts
        (no newline; the next text continues the line) and then its end, and it is never held
        whole: its start is decoded and passed on as the bytes come (``carry`` holds the part of
        it not passed on yet, at most ``cutter.max_chars`` characters). The cutter's warning names
        the line: *line_no* plus, when given, ``lines_before()`` (a byte range counts its lines
        from its start, and only a warning needs the true number)."""
        locate = _locator(source.display, lines_before)
        # offset/line_no: where `stream` starts in the input (byte offset, lines before it); the
        # encoding is sniffed and a BOM dropped only at the very start of an input.
        at_start = offset == 0
        encoding = encoding or self.encoding
        pending = b""  # `offset` is the byte offset (of the decompressed stream) where it starts
        carry = ""  # the decoded start of a long line, before `pending`
        first = True
        reported = 0
        while True:
            data = self._read(source, stream, BLOCK_SIZE)
            eof = not data
            if first and not eof and at_start:
                # Make sure the BOM / sniffing sees a reasonable sample.
                while len(data) < _SNIFF_SIZE and not getattr(stream, "stalled", False):
                    more = self._read(source, stream, _SNIFF_SIZE - len(data))
                    if not more:
                        break
                    data += more
                if encoding == "auto":
                    encoding = detect_encoding(data[:_SNIFF_SIZE])
                    self.chosen_encodings[source.display] = encoding
                if encoding == "utf-8" and wide_bom(data):  # cannot be UTF-8: its BOM tells
                    encoding = wide_bom(data)
                    self.chosen_encodings[source.display] = encoding
                if encoding == "utf-8" and data.startswith(codecs.BOM_UTF8):
                    data = data[3:]
                    offset = 3
            if first and _is_wide(encoding):
                yield from self._decode_wide_blocks(source, stream, position, progress, data, encoding, cutter, locate)
                return
            first = False
            block = pending + data
            if eof and not block and not carry:
                return
            if eof:
                cut = len(block)
            else:
                cut = block.rfind(b"\n") + 1
                if cut == 0 and cutter is not None and len(block) > cutter.max_chars:
                    # a long line: decode what has come of it and pass on its start in pieces
                    text, pending = self._decode_start(source, block, encoding, offset, line_no)
                    offset += len(block) - len(pending)
                    fragments, carry = cutter.cut(carry + text, lambda n=line_no + 1: locate(n))
                    for fragment in fragments:
                        yield line_no, fragment
                    reported = _advance(progress, position, reported)
                    continue
                if cut == 0:  # no newline in this block yet: keep reading
                    pending = block
                    continue
            chunk, pending = block[:cut], block[cut:]
            try:
                text = chunk.decode(encoding, self.errors)
            except UnicodeDecodeError as e:
                bad_line = line_no + chunk.count(b"\n", 0, e.start) + 1
                raise InvalidBytesError(
                    f"{source.display}: line {bad_line}, byte {offset + e.start}: invalid {encoding} data "
                    f"({e.reason})", encoding
                ) from None
            offset += cut
            if carry:
                text, carry = carry + text, ""
            yield from _parts(line_no, text, cutter, locate)
            line_no += text.count("\n") + (not text.endswith("\n"))
            reported = _advance(progress, position, reported)
            if eof:
                return

    def _decode_start(self, source, block: bytes, encoding: str, offset: int, line_no: int) -> tuple[str, bytes]:
        """(text, bytes left) of *block*, the start of a line without its end: the characters
        its bytes complete, and the bytes of a character cut at its end."""
        decoder = codecs.getincrementaldecoder(encoding)(self.errors)
        try:
            text = decoder.decode(block, final=False)
        except UnicodeDecodeError as e:
            raise InvalidBytesError(
                f"{source.display}: line {line_no + 1}, byte {offset + e.start}: invalid {encoding} data "
                f"({e.reason})", encoding
            ) from None
        return text, decoder.getstate()[0]

    def _decode_wide_blocks(self, source, stream, position, progress, data: bytes, encoding: str,
                            cutter: LineCutter | None = None, locate: Callable[[int], str] | None = None):
        """:meth:`_decode_blocks` for UTF-16/32, whose newline is not one byte: decode block by
        block with an incremental decoder and cut the text after its last newline. A BOM at the
        start is dropped."""
        decoder = codecs.getincrementaldecoder(encoding)(self.errors)
        pending = ""
        line_no = reported = consumed = 0
        while True:
            eof = not data
            try:
                text = decoder.decode(data, final=eof)
            except UnicodeDecodeError as e:
                prefix = codecs.decode(data[: max(0, e.start)], encoding, "ignore") if e.start > 0 else ""
                bad_line = line_no + (pending + prefix).count("\n") + 1
                raise InvalidBytesError(
                    f"{source.display}: line {bad_line}, byte {consumed + max(0, e.start)}: invalid {encoding} data "
                    f"({e.reason})", encoding
                ) from None
            consumed += len(data)
            if line_no == 0 and not pending and text.startswith("\ufeff"):
                text = text[1:]
            text = pending + text
            cut = len(text) if eof else text.rfind("\n") + 1
            text, pending = text[:cut], text[cut:]
            if text:
                yield from _parts(line_no, text, cutter, locate)
                line_no += text.count("\n") + (not text.endswith("\n"))
            if cutter is not None and len(pending) > cutter.max_chars:
                fragments, pending = cutter.cut(pending, None if locate is None else lambda n=line_no + 1: locate(n))
                for fragment in fragments:
                    yield line_no, fragment
            reported = _advance(progress, position, reported)
            if eof:
                return
            data = self._read(source, stream, BLOCK_SIZE)

    # -- documents ---------------------------------------------------------------------------

    def located_documents(self, progress: Progress = None, *,
                          cutter: LineCutter | None = None) -> Iterator[tuple[str, int, str]]:
        """Yield ``(input name, line number, text)`` for every document.

        With a *cutter* (:meth:`line_cutter`), a line longer than ``cutter.max_chars`` comes as
        :class:`~minent.text.batching.Fragment` documents continued by the next document."""
        for name in self.paths:
            source = _Source(name)
            yield from self._documents_of(source.display, self._lines(source, progress, cutter))

    def line_cutter(self, max_chars: int, cut: CutRule | None) -> LineCutter | None:
        """The :class:`~minent.text.batching.LineCutter` that cuts lines longer than *max_chars*
        where *cut* allows, or None when documents are not lines (JSONL/CSV records are read
        whole) or no rule is given."""
        if cut is None or self.jsonl_field is not None or self.csv_column is not None:
            return None
        return LineCutter(max_chars, cut)

    def _documents_of(self, name: str, lines: Iterator[tuple[int, str]]) -> Iterator[tuple[str, int, str]]:
        if self.jsonl_field is not None:
            return self._jsonl(name, lines)
        if self.csv_column is not None:
            return self._csv(name, lines)
        return ((name, line_no, line) for line_no, line in lines)

    def _jsonl(self, name, lines) -> Iterator[tuple[str, int, str]]:
        field = self.jsonl_field
        for line_no, line in lines:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise DataError(f"{name}: line {line_no}: invalid JSON ({e.msg})") from None
            if not isinstance(record, dict) or field not in record:
                raise DataError(f"{name}: line {line_no}: no field {field!r} in this record")
            value = record[field]
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise DataError(f"{name}: line {line_no}: field {field!r} is not a string")
            yield name, line_no, value

    def _csv(self, name, lines) -> Iterator[tuple[str, int, str]]:
        # "open": the line where the quote still open at the end of the last line read opened
        # (quote parity per line: a doubled quote inside a quoted field does not change it)
        state = {"line": 0, "odd": False, "open": 0, "eof": False}

        def feed():
            for line_no, line in lines:
                state["line"] = line_no
                if line.count('"') % 2:
                    state["odd"] = not state["odd"]
                    if state["odd"]:
                        state["open"] = line_no
                yield line + "\n"
            state["eof"] = True

        def unterminated() -> DataError:
            return DataError(f"{name}: line {state['open']}: a quoted CSV field opened on this line is never "
                             "closed (unterminated quote)")

        def malformed(e: csv.Error) -> DataError:
            if state["odd"]:  # e.g. the field size limit, reached by swallowing the file
                return unterminated()
            return DataError(f"{name}: line {state['line']}: malformed CSV ({e})")

        reader = csv.reader(feed())
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise malformed(e) from None
        if state["eof"] and state["odd"] and state["open"] < state["line"]:
            raise unterminated()
        header = [h.strip() for h in header]
        if self.csv_column not in header:
            raise DataError(
                f"{name}: line 1: no column {self.csv_column!r} in the header "
                f"(columns: {', '.join(header)})"
            )
        col = header.index(self.csv_column)
        while True:
            start = state["line"] + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                raise malformed(e) from None
            if state["eof"] and state["odd"] and start < state["line"]:
                # the input ended inside a quoted field that swallowed the lines after it
                raise unterminated()
            if not row:
                continue
            if len(row) != len(header):
                raise DataError(
                    f"{name}: line {start}: {len(row)} fields where the header has {len(header)}"
                )
            yield name, start, row[col]

    def documents(self, progress: Progress = None, *, cutter: LineCutter | None = None) -> Iterator[str]:
        """Yield the text of every document, in input order (see :meth:`located_documents`)."""
        for _, _, text in self.located_documents(progress, cutter=cutter):
            yield text

    def batches(self, max_chars: int = 1_000_000, progress: Progress = None, *,
                flush_on_stall: bool = False, cut: CutRule | None = None) -> Iterator[list[str]]:
        """Yield lists of documents holding about *max_chars* characters each (at least one).

        With a *cut* rule, a line longer than *max_chars* is not held whole: it comes as
        :class:`~minent.text.batching.Fragment` documents of at most *max_chars* characters, cut
        where the rule allows (:class:`~minent.text.batching.LineCutter`), then its last piece.

        With *flush_on_stall*, a batch read from standard input or a pipe also ends when no more
        input is ready (``tail -f log | minent tokenize`` answers line by line as the lines
        come); files, and a pipe that keeps up, still give full batches. The input is then read
        by a helper thread, so that waiting for the writer never holds back a batch.
        """
        cutter = self.line_cutter(max_chars, cut)
        if not flush_on_stall or not any(is_stream(p) for p in self.paths):
            return batched(self.documents(progress, cutter=cutter), max_chars)
        return self._stall_batches(max_chars, progress, cutter)

    def _stall_batches(self, max_chars: int, progress: Progress, cutter: LineCutter | None) -> Iterator[list[str]]:
        import queue
        import threading

        ready: queue.Queue = queue.Queue(maxsize=2)
        pending: list[str] = []
        size = [0]
        done = object()

        def flush() -> None:
            if pending:
                ready.put(list(pending))
                pending.clear()
                size[0] = 0

        def produce() -> None:
            self._on_wait = flush
            try:
                for doc in self.documents(progress, cutter=cutter):
                    pending.append(doc)
                    size[0] += len(doc) + 1
                    if size[0] >= max_chars:
                        flush()
                flush()
                ready.put(done)
            except BaseException as e:  # handed to the consumer, raised there
                ready.put(e)
            finally:
                self._on_wait = None

        threading.Thread(target=produce, name="minent-reader", daemon=True).start()
        while True:
            item = ready.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def text_blocks(self, max_chars: int = 1_000_000, progress: Progress = None, *,
                    cut: CutRule | None = None) -> Iterator[str]:
        """Yield the documents as strings of about *max_chars* characters, one ``\\n`` between
        two documents, for readers that only need the text's pieces (docs/algorithms.md §0).

        With a *cut* rule (``PIECE_CUTS`` for such readers), a line longer than *max_chars* is cut
        into pieces of at most *max_chars* characters where the rule allows, each followed by a
        ``\\n`` (:meth:`batches`): a string then holds at most about 2 × *max_chars* characters.

        ``"\\n".join(batch) for batch in self.batches(...)`` holds the same documents, but line
        documents are not split into one string each: whole decoded blocks are passed on (their
        CRs before a newline dropped), several times faster on large plain-text corpora.
        """
        if self.jsonl_field is not None or self.csv_column is not None:
            for batch in self.batches(max_chars, progress):
                yield "\n".join(batch)
            return
        cutter = self.line_cutter(max_chars, cut)
        parts: list[str] = []
        size = 0
        for name in self.paths:
            for _, text in self._text_blocks_of(_Source(name), progress, cutter):
                if "\r" in text:  # CR/LF and a last line ending in CR, as _numbered strips them
                    text = text.replace("\r\n", "\n")
                    if text.endswith("\r"):
                        text = text[:-1]
                if not text.endswith("\n"):  # the last line of an input
                    text += "\n"
                parts.append(text)
                size += len(text)
                if size >= max_chars:
                    yield "".join(parts)[:-1]
                    parts, size = [], 0
        if parts:
            yield "".join(parts)[:-1]

    def line_blocks(self, max_chars: int = 1 << 18, progress: Progress = None, *,
                    cut: CutRule | None = None) -> Iterator[str]:
        """The lines of the inputs, exactly as :meth:`documents` gives them, joined by ``\\n``
        into strings of about *max_chars* characters (whole lines, no final newline), for
        readers that write one output line per input line: whole decoded blocks are passed on,
        not one string a line.

        With a *cut* rule, a line longer than *max_chars* comes as :class:`Fragment` pieces of
        at most *max_chars* characters (cut where the rule allows), each alone, and the string
        after them starts with the line's last piece. Lines only: ``ValueError`` with
        *jsonl_field* or *csv_column*."""
        if self.jsonl_field is not None or self.csv_column is not None:
            raise ValueError("line_blocks: the documents are records, not lines")
        cutter = self.line_cutter(max_chars, cut)
        parts: list[str] = []
        size = 0
        for name in self.paths:
            for _, text in self._text_blocks_of(_Source(name), progress, cutter):
                if isinstance(text, Fragment):
                    if parts:
                        yield "".join(parts)[:-1]
                        parts, size = [], 0
                    yield text
                    continue
                if "\r" in text:  # (a CR at the end of each line dropped, as _numbered does)
                    text = "\n".join(line[:-1] if line.endswith("\r") else line for line in _split_lines(text)) + (
                        "\n" if text.endswith("\n") else "")
                if not text.endswith("\n"):  # the last line of an input
                    text += "\n"
                at = 0
                while True:
                    need = max_chars - size
                    cut_at = text.find("\n", at + max(need, 1) - 1) if len(text) - at >= need else -1
                    if cut_at < 0:
                        parts.append(text[at:])
                        size += len(text) - at
                        break
                    parts.append(text[at:cut_at + 1])
                    yield "".join(parts)[:-1]
                    parts, size = [], 0
                    at = cut_at + 1
                    if at == len(text):
                        break
        if parts:
            yield "".join(parts)[:-1]

    # -- byte ranges (for readers that split one input across machines) ------------------------

    def splittable(self, name: str) -> bool:
        """Whether input *name* can be read in byte ranges (:meth:`range_documents`).

        Only regular uncompressed files of line records in a byte-oriented encoding are: a
        compressed stream cannot be entered in the middle, a CSV row may span lines, and a UTF-16/32
        newline is not the byte ``\n``.
        """
        if is_stream(name) or self.csv_column is not None or is_compressed(name):
            return False
        if _is_wide(self.encoding):
            return False
        if self.encoding in ("auto", "utf-8"):  # a UTF-16/32 byte-order mark decides
            with open(name, "rb") as f:
                return wide_bom(f.read(4)) is None
        return True

    def range_documents(
        self, name: str, start: int = 0, end: int | None = None, progress: Progress = None, *,
        cutter: LineCutter | None = None,
    ) -> Iterator[tuple[str, int, str]]:
        """Yield ``(input name, line number, text)`` for the lines of *name* that START at byte
        offsets in ``[start, end)``; ``end=None`` reads to the end.

        Ranges that tile a file (``[0, a), [a, b), [b, size)``) give each line exactly once, with
        the same text and errors as :meth:`located_documents`: the encoding is decided from the
        head of the file, a BOM is dropped only at offset 0, and an error in a range that starts
        mid-file names its true line (the lines before the range are counted only then). The
        line numbers yielded count from the start of the range: knowing the true ones would mean
        reading everything before it. ``start=0, end=None`` reads any input, compressed included;
        other ranges need :meth:`splittable` inputs. A *cutter* cuts long lines as in
        :meth:`located_documents`.

        >>> corpus = Corpus(["big.txt"])                                 # doctest: +SKIP
        >>> [t for _, _, t in corpus.range_documents("big.txt", 0, 1 << 26)]  # doctest: +SKIP
        """
        source = _Source(name)
        if start == 0 and end is None:
            yield from self._documents_of(source.display, self._lines(source, progress, cutter))
            return
        if not self.splittable(name):
            raise UsageError(f"{source.display}: cannot be read in byte ranges (compressed, CSV or stdin)")
        try:
            yield from self._documents_of(source.display, self._range_lines(source, start, end, 0, progress, cutter))
        except DataError as error:
            if start == 0:
                raise
            # Line numbers so far counted from the range; find the true one by re-reading.
            with open(name, "rb") as raw:
                before = _count_newlines(raw, _line_start(raw, start))
            try:
                for _ in self._documents_of(source.display, self._range_lines(source, start, end, before, None)):
                    pass
            except DataError as renumbered:
                raise renumbered from None
            raise error

    def _range_lines(self, source: _Source, start: int, end: int | None, line_no: int, progress: Progress,
                     cutter: LineCutter | None = None):
        try:
            raw = open(source.name, "rb")
        except OSError as e:
            raise UsageError(f"{source.name}: cannot open: {e.strerror}") from None
        try:
            encoding = self.encoding
            if encoding == "auto":
                encoding = detect_encoding(raw.read(_SNIFF_SIZE))
                self.chosen_encodings[source.display] = encoding
            elif encoding == "utf-8":
                encoding = wide_bom(raw.read(4)) or encoding
            if _is_wide(encoding):
                raise UsageError(f"{source.display}: a {encoding} file cannot be read in byte ranges")
            begin = _line_start(raw, start)
            raw.seek(begin)
            stream = _RangeReader(raw, begin, end)
            yield from self._decode_lines(
                source, stream, stream.consumed, progress, offset=begin, line_no=line_no, encoding=encoding,
                cutter=cutter, lines_before=_newlines_before(source.name, begin) if line_no == 0 else None,
            )
        finally:
            raw.close()


def _parts(line_no: int, text: str, cutter: LineCutter | None,
           locate: Callable[[int], str] | None = None) -> Iterator[tuple[int, str]]:
    """(lines before, part) of a decoded block, its long lines cut by *cutter* (if any);
    ``locate(n)`` names line *n* for the cutter's warning."""
    if cutter is None:
        yield line_no, text
        return
    where = None if locate is None else lambda i, base=line_no: locate(base + i + 1)
    for part in cutter.split(text, where):
        yield line_no, part
        if not isinstance(part, Fragment):
            line_no += part.count("\n")


def _split_lines(text: str) -> list[str]:
    """The lines of a decoded block (see Corpus._decode_blocks), CRs kept."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def _numbered(text: str, line_no: int) -> Iterator[tuple[int, str]]:
    """(line number, line without its CR) for the lines of the decoded block *text*, numbered
    after *line_no*; a :class:`Fragment` is one piece of line ``line_no + 1``, kept as it is."""
    if isinstance(text, Fragment):
        yield line_no + 1, text
        return
    for line in _split_lines(text):
        line_no += 1
        yield line_no, line[:-1] if line.endswith("\r") else line


def _advance(progress: Progress, position: Callable[[], int], reported: int) -> int:
    """Report the bytes consumed since *reported* to *progress*; returns the new position."""
    if progress is None:
        return reported
    pos = position()
    progress(pos - reported)
    return pos


def is_compressed(path: str | os.PathLike) -> bool:
    """Whether *path* starts with the magic bytes of gzip, bzip2 or xz (False for a stream,
    which is not opened: peeking would consume it; its reader recognises compression itself)."""
    if is_stream(path):
        return False
    with open(path, "rb") as fh:
        head = fh.read(6)
    return any(head.startswith(magic) for magic, _ in MAGIC)


def _line_start(raw: BinaryIO, start: int) -> int:
    """Offset of the first line that starts at or after *start* (the file size if none does)."""
    if start <= 0:
        return 0
    raw.seek(start - 1)
    pos = start - 1
    while True:
        block = raw.read(BLOCK_SIZE)
        if not block:
            return pos
        i = block.find(b"\n")
        if i >= 0:
            return pos + i + 1
        pos += len(block)


def _locator(name: str, lines_before: Callable[[], int] | None) -> Callable[[int], str]:
    """``n`` → ``"name: line N"``, N = n + ``lines_before()`` (computed when first asked)."""
    base: list[int] = []

    def locate(n: int) -> str:
        if lines_before is not None and not base:
            base.append(lines_before())
        return f"{name}: line {n + (base[0] if base else 0)}"

    return locate


def _newlines_before(path: str, offset: int) -> Callable[[], int] | None:
    """The number of lines of file *path* before byte *offset*, as a function (None at 0)."""
    if offset == 0:
        return None

    def count() -> int:
        with open(path, "rb") as raw:
            return _count_newlines(raw, offset)

    return count


def _count_newlines(raw: BinaryIO, end: int) -> int:
    raw.seek(0)
    n, left = 0, end
    while left > 0:
        block = raw.read(min(BLOCK_SIZE, left))
        if not block:
            break
        n += block.count(b"\n")
        left -= len(block)
    return n


class _RangeReader:
    """A binary stream over the lines of a file that start in ``[begin, end)``: it stops at
    *end*, or, when a line runs across *end*, right after that line's newline."""

    def __init__(self, raw: BinaryIO, begin: int, end: int | None):
        self._raw, self._pos, self._end = raw, begin, end
        self._begin = begin
        self._done = end is not None and begin >= end
        self._last = b""

    def consumed(self) -> int:
        return self._pos - self._begin

    def read(self, n: int = -1) -> bytes:
        if self._done:
            return b""
        if self._end is None or self._pos < self._end:
            want = -1 if self._end is None else self._end - self._pos
            if n >= 0:
                want = n if want < 0 else min(n, want)
            data = self._raw.read(want)
        elif self._last == b"\n":  # the next line starts at `end`: the next range owns it
            data = b""
        else:  # finish the line that runs across `end`
            data = self._raw.read(n if n > 0 else BLOCK_SIZE)
            i = data.find(b"\n")
            if i >= 0:
                data = data[: i + 1]
                self._done = True
        if not data:
            self._done = True
            return b""
        self._pos += len(data)
        self._last = data[-1:]
        return data

    def close(self) -> None:
        self._raw.close()


def read_lines(path: str | os.PathLike, *, encoding: str = "utf-8", errors: str = "strict") -> Iterator[tuple[int, str]]:
    """Yield ``(line number, line)`` of one text file (any compression), with the corpus rules."""
    corpus = Corpus([path], encoding=encoding, errors=errors)
    for _, line_no, text in corpus.located_documents():
        yield line_no, text

