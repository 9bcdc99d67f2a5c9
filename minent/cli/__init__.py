"""The ``minent`` command line: Typer commands over the library, with the stream contract.

- data on stdout only (UTF-8), messages on stderr;
- exit codes: 0 ok, 1 bad data, 2 bad usage, 130 interrupted;
- a closed stdout (``minent ... | head``) ends the program quietly with exit code 0.

Command modules are imported here only to register themselves; they import numba- and
jieba-heavy code inside the command bodies, so ``minent --help`` stays fast.
"""

from __future__ import annotations

import os
import sys

from minent.cli.app import app
from minent.cli import count  # noqa: F401  (registers `minent count`)

__all__ = ["app", "main"]


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``minent`` command (and ``python -m minent``)."""
    import click
    from typer.main import get_command

    from minent.errors import MinentError

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="strict" if stream is sys.stdout else "replace")
        except (AttributeError, ValueError):
            pass

    command = get_command(app)
    code = 0
    try:
        result = command.main(args=argv, prog_name="minent", standalone_mode=False)
        if isinstance(result, int):
            code = result
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        code = 0
    except (KeyboardInterrupt, click.exceptions.Abort):
        sys.stderr.write("minent: interrupted\n")
        code = 130
    except click.exceptions.Exit as e:
        code = e.exit_code
    except click.ClickException as e:
        e.show()
        code = e.exit_code
    except MinentError as e:
        sys.stderr.write(f"minent: error: {e}\n")
        code = e.exit_code
    except MemoryError:
        sys.stderr.write("minent: error: out of memory\n")
        code = 1
    except OSError as e:
        if getattr(e, "errno", None) == 32:  # EPIPE raised as a plain OSError by some writers
            _silence_stdout()
            code = 0
        else:
            where = f"{e.filename}: " if getattr(e, "filename", None) else ""
            sys.stderr.write(f"minent: error: {where}{e.strerror or e}\n")
            code = 1
    sys.exit(code)
