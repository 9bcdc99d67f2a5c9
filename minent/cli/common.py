"""Options and plumbing shared by every command: inputs, encodings, output, progress, messages.

Every command puts the same option aliases in its signature, so ``--format``, ``--output``,
``--quiet``, ``--encoding`` ... mean the same thing everywhere. This is the only layer that
touches stdout/stderr; the library reports through return values, exceptions, progress callbacks
and the ``minent`` logger.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from minent.errors import DataError, InvalidBytesError
from minent.io.corpus import Corpus
from minent.io.tables import atomic_output, write_table

log = logging.getLogger("minent")

# -- option aliases ----------------------------------------------------------------------------

Inputs = Annotated[
    Optional[list[str]],
    typer.Argument(
        help="Input files, directories (recursive) or globs; .gz/.bz2/.xz are read transparently. "
        "'-' or nothing reads standard input; pipes such as <(zcat a.gz) are read as streams.",
        show_default=False,
    ),
]
#: key of ``ctx.meta`` holding the command's --encoding value (for the invalid-bytes hint)
ENCODING_KEY = "minent.encoding"


def _remember_encoding(ctx: typer.Context, value: str) -> str:
    """Option callback: note --encoding where :func:`decoding_hint` finds it when an error is
    reported (``ctx.meta`` is shared by the whole command line)."""
    ctx.meta[ENCODING_KEY] = value
    return value


Encoding = Annotated[
    str,
    typer.Option(
        "--encoding",
        "-e",
        metavar="CODEC",
        help="Text encoding: utf-8 (BOM allowed; a UTF-16/32 byte-order mark is obeyed), gb18030, big5, "
        "any Python codec, or 'auto' (detects UTF-8/GB18030/Big5 and says which on stderr).",
        callback=_remember_encoding,
    ),
]
Errors = Annotated[
    Literal["strict", "replace"],
    typer.Option(
        "--errors",
        help="Invalid bytes: 'strict' stops with the file, line and byte offset; 'replace' "
        "substitutes U+FFFD.",
    ),
]
JsonlField = Annotated[
    Optional[str],
    typer.Option("--jsonl-field", metavar="FIELD", help="Read JSON Lines records and take the text of this field."),
]
CsvColumn = Annotated[
    Optional[str],
    typer.Option("--csv-column", metavar="COLUMN", help="Read CSV with a header row and take the text of this column."),
]


def check_output(path: Path | None) -> Path | None:
    """Option callback: refuse an output file that cannot be created, before any work is done
    (a missing or read-only directory, a directory given as the file)."""
    if path is None or str(path) == "-":
        return path
    from minent.errors import UsageError

    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"{path}: is a directory, not an output file")
    if not directory.is_dir():
        raise UsageError(f"{path}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise UsageError(f"{path}: directory {directory} is not writable")
    return path


Output = Annotated[
    Optional[Path],
    typer.Option(
        "--output",
        "-o",
        help="Write to this file (atomically: a temporary file renamed on success) instead of stdout.",
        show_default=False,
        callback=check_output,
    ),
]
Header = Annotated[
    bool,
    typer.Option(
        "--output-header",
        "--header",
        help="Write a header row (the column names) first in the TSV output. About the output only: "
        "a header in an input is recognised by itself. (--header is the old name.)",
    ),
]
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="No messages or progress on stderr (errors still show).")
]
Jobs = Annotated[
    Optional[int],
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Parallel workers (default: the CPUs available). The output does not depend on it.",
        show_default=False,
    ),
]
Seed = Annotated[
    int, typer.Option("--seed", min=0, help="Random seed (a non-negative integer); same input and seed, same output.")
]
Digits = Annotated[
    Optional[int],
    typer.Option(
        "--digits",
        min=1,
        max=17,
        metavar="N",
        help="Round floating-point results to N significant digits (their last digits may differ "
        "between CPUs and math libraries). Default: every digit.",
        show_default=False,
    ),
]


def round_rows(rows: Iterable[Sequence], digits: int | None) -> list[tuple]:
    """*rows* with every float rounded to *digits* significant digits (unchanged when None)."""
    if digits is None:
        return [tuple(r) for r in rows]
    return [tuple(float(f"{v:.{digits}g}") if isinstance(v, float) else v for v in r) for r in rows]
Scheduler = Annotated[
    Optional[str],
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' (a local "
        "cluster of --jobs processes). Same results as without it. Needs dask: pip install 'minent[dask]' (in a clone: pip install '.[dask]').",
        show_default=False,
    ),
]


def format_option(extra_help: str = "") -> typer.models.OptionInfo:
    """The ``--format/-f`` option; the command restricts its values with a ``Literal`` type:

        fmt: Annotated[Literal["tsv", "jsonl", "json"], common.format_option()] = "tsv"
    """
    return typer.Option("--format", "-f", help=("Output format. " + extra_help).strip())


# -- invalid bytes -------------------------------------------------------------------------------

_TRY_ENCODINGS = ("auto", "gb18030", "big5")


def decoding_hint(error: InvalidBytesError, encoding: str | None) -> str:
    """The message of *error* with a hint true for the command that ran.

    *encoding* is the command's ``--encoding`` value, or None when the file could only be read
    as UTF-8 (a command without the option, a word list). Only encodings not tried yet are
    suggested: after ``--encoding auto`` picked GB18030 only Big5 is left; a file that announced
    UTF-16/32 with its byte-order mark is not helped by another encoding.

    >>> decoding_hint(InvalidBytesError("a.txt: line 2, byte 7: invalid gb18030 data (...)", "gb18030"), "auto")
    'a.txt: line 2, byte 7: invalid gb18030 data (...); try --encoding big5 or --errors replace'
    """
    what, codec = str(error), error.codec
    if encoding is None:
        return f"{what}; the file must be UTF-8 (convert it first, e.g. with iconv)" if codec == "utf-8" else what
    try:
        given = "auto" if encoding.lower() == "auto" else codecs.lookup(encoding).name.replace("_", "-")
    except LookupError:
        given = encoding
    if codec.startswith(("utf-16", "utf-32")) and given in ("auto", "utf-8"):
        others: list[str] = []  # the byte-order mark chose the codec
    else:
        others = [e for e in _TRY_ENCODINGS if e not in (given, codec)]
    return f"{what}; try {'--encoding ' + '/'.join(others) + ' or ' if others else ''}--errors replace"


@contextlib.contextmanager
def read_as_utf8() -> Iterator[None]:
    """Around the reading of a file the command's ``--encoding`` does not apply to (a word
    list): an invalid-bytes error says the file must be UTF-8."""
    try:
        yield
    except InvalidBytesError as e:  # a plain DataError: its hint is final
        raise DataError(decoding_hint(e, None)) from None


# -- messages ------------------------------------------------------------------------------------


class _StderrHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(f"minent: {name_flags(record.getMessage())}\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass


def name_flags(message: str, command=None) -> str:
    """*message* with the parameter names the library writes in backquotes (`min_count`) turned
    into the flags of *command* (--min-count; default: the command running now); a name the
    command has no flag for loses its quotes."""
    if "`" not in message:
        return message
    if command is None:
        from typer.main import get_current_context  # typer's own click, whichever it is

        ctx = get_current_context(silent=True)
        command = ctx.command if ctx is not None else None
    flags: dict[str, str] = {}
    for param in getattr(command, "params", ()):
        long = [o for o in param.opts if o.startswith("--")]
        flags[param.name] = long[0] if long else (param.opts[0] if param.opts else param.name).upper()
    return re.sub(r"`(\w+)`", lambda m: flags.get(m.group(1), m.group(1)), message)


def setup(quiet: bool = False, verbose: bool = False, *, kernels: bool = True) -> None:
    """Start a command: route the ``minent`` logger to stderr (INFO and above, WARNING and
    above with --quiet), :func:`settle_gc`, say once if numba's cache directory had to move
    (:data:`minent.cache.NOTICE`) and, for commands that run numba *kernels*,
    :func:`watch_compilation`."""
    from minent import cache

    settle_gc()
    for h in list(log.handlers):
        if isinstance(h, _StderrHandler):
            log.removeHandler(h)
    log.addHandler(_StderrHandler())
    log.setLevel(logging.WARNING if quiet else (logging.DEBUG if verbose else logging.INFO))
    log.propagate = False
    if cache.NOTICE:
        warn(cache.NOTICE)
    if kernels:
        watch_compilation()


class _Compilation:
    """Listener of numba's ``numba:compile`` events (a cache miss: numba compiles a kernel).

    When stderr is a terminal, the first compilation of the run says so on stderr;
    :func:`report_compilation` says how long compiling took in all. Loading kernels from numba's cache raises no event, so a warm
    run says nothing. Only the process that registered it speaks (forked workers inherit the
    listener and stay quiet)."""

    def __init__(self) -> None:
        import time

        # like the progress bar: only for a person watching a terminal (a log or a test that
        # reads stderr gets the same lines whether the cache was warm or cold)
        try:
            self.tty = sys.stderr.isatty()
        except (AttributeError, ValueError):
            self.tty = False
        self.pid = os.getpid()
        self.depth = 0
        self.started = 0.0
        self.seconds = 0.0
        self.kernels = 0
        self.clock = time.perf_counter

    def on_start(self, _event) -> None:
        if self.depth == 0:
            self.started = self.clock()
            if self.kernels == 0 and os.getpid() == self.pid and self.tty:
                from minent.cache import numba_cache_dir

                info(f"compiling numba kernels for first use (once: later runs load them from {numba_cache_dir()})...")
        self.depth += 1

    def on_end(self, _event) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.seconds += self.clock() - self.started
            self.kernels += 1


_compilation: _Compilation | None = None


def watch_compilation() -> None:
    """Listen to numba's compilations for the rest of the run (imports numba: only for commands
    that run kernels)."""
    global _compilation
    if _compilation is not None:
        return
    try:
        from numba.core import event
    except ImportError:  # pragma: no cover - numba is a dependency
        return
    listener = _Compilation()

    class _Listener(event.Listener):
        def on_start(self, ev):
            listener.on_start(ev)

        def on_end(self, ev):
            listener.on_end(ev)

    event.register("numba:compile", _Listener())
    _compilation = listener


def report_compilation() -> None:
    """At the end of a run that compiled kernels: how many and how long (stderr, once)."""
    c = _compilation
    if c is not None and c.kernels and os.getpid() == c.pid and c.tty:
        info(f"compiled {c.kernels} numba kernel{'s' if c.kernels != 1 else ''} for first use in {c.seconds:.1f}s "
             "(cached: later runs skip this)")
        c.kernels = 0


def info(msg: str) -> None:
    """One informational line on stderr (hidden by --quiet)."""
    log.info(msg)


def summary(command: str, what: str, settings: dict, seconds: float | None = None) -> None:
    """The closing line of a command on stderr, the same shape for every command:
    ``minent: COMMAND: WHAT; key=value ... (T s)``, the settings being the result's ``settings``
    (the parameters that produced it; unset ones left out) and the run's own (jobs, scheduler)."""
    shown = " ".join(f"{k}={v}" for k, v in settings.items() if v is not None)
    info(f"{command}: {what}" + (f"; {shown}" if shown else "") + (f" ({seconds:.1f}s)" if seconds is not None else ""))


def warn(msg: str) -> None:
    """One warning line on stderr (shown even with --quiet)."""
    log.warning(f"warning: {msg}")


# -- corpus and output ---------------------------------------------------------------------------


def make_corpus(
    inputs: Sequence[str] | None,
    encoding: str = "utf-8",
    errors: str = "strict",
    jsonl_field: str | None = None,
    csv_column: str | None = None,
) -> Corpus:
    """Build the :class:`Corpus` for the shared input options (stdin when *inputs* is empty)."""
    return Corpus(
        list(inputs or ["-"]),
        encoding=encoding,
        errors=errors,
        jsonl_field=jsonl_field,
        csv_column=csv_column,
    )


def report_encodings(corpus: Corpus) -> None:
    """Say on stderr which encoding ``--encoding auto`` chose for each input."""
    for name, enc in corpus.chosen_encodings.items():
        info(f"{name}: encoding detected as {enc}")


@contextlib.contextmanager
def progress(total: int | None, *, quiet: bool, description: str = "reading") -> Iterator[Callable[[int], None] | None]:
    """Yield a callback taking a byte count, drawing a progress bar on stderr when it is a TTY.

    Yields ``None`` (no bar, no cost) when stderr is not a terminal or *quiet* is set.
    """
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = [TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn()]
    columns.append(TimeRemainingColumn() if total else TimeElapsedColumn())
    bar = Progress(
        *columns,
        console=Console(stderr=True),
        redirect_stdout=False,
        redirect_stderr=False,
        transient=True,
    )
    with bar:
        task = bar.add_task(description, total=total)

        def advance(n: int) -> None:
            bar.advance(task, n)

        yield advance


def emit(rows: Iterable[Sequence], columns: Sequence[str], fmt: str, output: Path | None, *, header: bool = False) -> int:
    """Write a table to *output* (atomically) or stdout; returns the number of rows."""
    with atomic_output(output) as fh:
        return write_table(rows, columns, fmt, fh, header=header)


def emit_text(lines: Iterable[str], output: Path | None) -> int:
    """Write ready-made lines (tool-specific formats) to *output* (atomically) or stdout; a
    :class:`~minent.text.batching.Fragment` is the start of a line the next item continues."""
    from minent.text.batching import Fragment

    n = 0
    with atomic_output(output) as fh:
        for line in lines:
            if isinstance(line, Fragment):
                fh.write(line)
                continue
            fh.write(line + "\n")
            n += 1
    return n


def emit_blocks(blocks: Iterable[str], output: Path | None) -> int:
    """Write blocks of ready-made lines, each line ended by '\\n' (or a
    :class:`~minent.text.batching.Fragment`, the start of a line the next block continues), to
    *output* (atomically) or stdout; returns the lines written."""
    from minent.text.batching import Fragment

    n = 0
    with atomic_output(output) as fh:
        for block in blocks:
            fh.write(block)
            if not isinstance(block, Fragment):
                n += block.count("\n")
    return n


def start_numba() -> None:
    """Load numba for the commands that run kernels: without its BLAS probe, and with its
    compiler registries built now, before :func:`settle_gc` freezes them.

    At its first compilation numba imports ``numba.np.arraymath``, which imports
    ``scipy.linalg`` only to learn whether BLAS is there for ``np.dot`` & co. in kernels —
    ~0.2 s, a third of a warm ``minent tokenize`` start-up. minent's kernels use no BLAS
    (tests/test_architecture.py checks it), so these commands hide ``scipy.linalg`` from that one import, as on a
    machine without scipy (a configuration numba supports). Only this process is affected; it
    is left alone when numba or scipy.linalg is already loaded. The registries (built at the
    first kernel call otherwise) hold most of numba's objects.
    """
    import sys

    if "numba.np.arraymath" not in sys.modules and "scipy.linalg" not in sys.modules:
        sys.modules["scipy.linalg"] = None  # type: ignore[assignment]  # makes the import fail
        try:
            import numba.np.arraymath  # noqa: F401  (runs numba's probe now, without scipy.linalg)
        finally:
            del sys.modules["scipy.linalg"]
    try:
        from numba.core.registry import cpu_target

        cpu_target.target_context.refresh()
        cpu_target.typing_context.refresh()
    except (ImportError, AttributeError):  # another numba: the first kernel call does it
        pass


_program = False  # set by main() when it runs as the program (see minent.__main__.run)


def settle_gc() -> None:
    """As the program: freeze the objects loaded so far (imports, numba's registries) so that
    collections never scan them again, and turn on the collector that minent.__main__.run
    turned off for the imports. Called by :func:`setup` at the start of every command; does
    nothing when minent.cli.main is called as a function (tests, other programs)."""
    if _program:
        import gc

        gc.freeze()
        gc.enable()
