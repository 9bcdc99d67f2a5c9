"""README.md tells the truth: every `$ command` example runs, in order, and prints what is shown.

An example is an indented line starting with `$ `; the indented lines after it, up to the next
command, are its expected stdout, except lines starting with `minent:` (stderr, shown for
information). Examples run in one scratch directory in README order (a later one may read what
an earlier one wrote), with `data/` available and `minent` on PATH pointing at this tree.

Numbers are compared with a relative tolerance of 1e-9 (:func:`same_line`): the last digits of a
float depend on the CPU and its math library (a sum of exponentials in another order, another
libm's log), and a README example must hold on any machine, not only the one that wrote it.
Everything else, and every integer, must be equal.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest

from tests.support import ROOT

README = ROOT / "README.md"
REL_TOL = 1e-9


def _number(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def same_line(expected: str, got: str) -> bool:
    """Equal, but for floats (tokens with a '.' or an exponent) within :data:`REL_TOL`."""
    if expected == got:
        return True
    a, b = expected.split("\t"), got.split("\t")
    if len(a) != len(b):
        a, b = expected.split(), got.split()
        if len(a) != len(b):
            return False
    for x, y in zip(a, b):
        if x == y:
            continue
        fx, fy = _number(x), _number(y)
        if fx is None or fy is None or not any(c in x for c in ".eE") or not math.isclose(fx, fy, rel_tol=REL_TOL):
            return False
    return True


def test_same_line_tolerates_only_the_last_float_digits():
    assert same_line("0.020481126149318355\t500", "0.020481126149318473\t500")
    assert not same_line("0.020481126149318355\t500", "0.0204811261\t500")
    assert not same_line("a\t500", "a\t501") and not same_line("x 1.0", "y 1.0")


def readme_examples() -> list[tuple[int, str, list[str]]]:
    lines = README.read_text(encoding="utf-8").splitlines()
    examples = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("    $ "):
            i += 1
            continue
        command, expected = lines[i][6:], []
        i += 1
        while i < len(lines) and lines[i].startswith("    ") and not lines[i].startswith("    $ "):
            body = lines[i][4:]
            if body.startswith(("minent ", "python ", "pip ", "dask ", "zcat ", "printf ")):
                break  # an example without shown output follows
            expected.append(body)
            i += 1
        examples.append((len(examples), command, [l for l in expected if not l.startswith("minent:")]))
    return examples


EXAMPLES = readme_examples()


def test_readme_has_examples():
    assert len(EXAMPLES) >= 6


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    d = tmp_path_factory.mktemp("readme")
    (d / "data").symlink_to(ROOT / "data")
    bin_dir = d / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "minent"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m minent "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", PYTHONPATH=str(ROOT))
    return d, env


@pytest.mark.parametrize("index,command,expected", EXAMPLES, ids=[c[:40] for _, c, _ in EXAMPLES])
def test_readme_example(scratch, index, command, expected):
    cwd, env = scratch
    r = subprocess.run(["bash", "-c", "set -o pipefail; " + command], cwd=cwd, env=env, capture_output=True, timeout=600)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    assert b"Traceback" not in r.stderr
    if expected:
        got = r.stdout.decode("utf-8").splitlines()
        assert len(got) == len(expected) and all(map(same_line, expected, got)), (expected, got)
