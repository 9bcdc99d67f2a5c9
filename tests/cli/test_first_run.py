"""A fresh machine: numba's compiled kernels live in the user cache directory, never in the
installed package, an unusable cache directory costs only speed, and the first run says that it
compiles (once, with its duration) while a warm run says nothing of it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, run_installed

LINE = "我来到北京清华大学\n"


def _index_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.nbi")) if directory.is_dir() else []


@pytest.fixture(scope="module")
def cold_run(tmp_path_factory):
    """One cold run of `minent tokenize` with an empty cache directory, then a warm one."""
    cache = tmp_path_factory.mktemp("cache")
    env = {"MINENT_CACHE_DIR": str(cache), "NUMBA_CACHE_DIR": ""}
    package = ROOT / "minent"
    before = {p: p.stat().st_mtime for p in _index_files(package)}
    cold = run_installed("tokenize", input=LINE, env=env)
    after = {p: p.stat().st_mtime for p in _index_files(package)}
    warm = run_installed("tokenize", input=LINE, env=env)
    return cache, cold, warm, before, after


def test_numba_cache_goes_to_the_user_cache_directory_not_the_package(cold_run):
    cache, cold, _, before, after = cold_run
    assert cold.returncode == 0, cold.stderr
    assert cold.stdout.decode() == "我 来到 北京 清华大学\n"
    assert _index_files(cache / "numba"), "numba wrote no cache index under MINENT_CACHE_DIR/numba"
    assert after == before, "numba wrote cache files into the package directory"


def test_off_a_terminal_a_cold_run_prints_what_a_warm_run_prints(cold_run):
    """The compile note is for a terminal only (like the progress bar): a log or a test that
    reads stderr sees the same lines whether numba compiled or loaded its kernels."""
    _, cold, warm, _, _ = cold_run
    assert warm.returncode == 0 and warm.stdout == cold.stdout
    assert b"compil" not in cold.stderr and cold.stderr == warm.stderr, (cold.stderr, warm.stderr)


def test_library_import_uses_the_same_cache_directory(tmp_path):
    code = "import minent.words.kernels.dag as d; print(d.lookup._cache._cache_path)"
    env = dict(os.environ, MINENT_CACHE_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    env.pop("NUMBA_CACHE_DIR", None)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, text=True)
    assert r.returncode == 0, r.stderr
    assert Path(r.stdout.strip()).is_relative_to(tmp_path / "numba")


def test_a_user_numba_cache_dir_wins(tmp_path):
    code = "import minent.words.kernels.dag as d; print(d.lookup._cache._cache_path)"
    env = dict(os.environ, MINENT_CACHE_DIR=str(tmp_path / "m"), NUMBA_CACHE_DIR=str(tmp_path / "n"), PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, text=True)
    assert Path(r.stdout.strip()).is_relative_to(tmp_path / "n"), r.stderr


def test_unusable_cache_directory_falls_back_and_says_why_once(cold_run, tmp_path):
    cache, cold, _, _, _ = cold_run
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    tmp = tmp_path / "tmp"
    # the fallback is <tmp>/minent-<uid>/numba: point it at the warm cache of the cold run
    (tmp / f"minent-{os.getuid()}").mkdir(parents=True)
    (tmp / f"minent-{os.getuid()}" / "numba").symlink_to(cache / "numba")
    env = {"MINENT_CACHE_DIR": str(blocker / "cache"), "TMPDIR": str(tmp), "NUMBA_CACHE_DIR": ""}
    r = run_installed("tokenize", "-q", input=LINE, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == cold.stdout
    err = r.stderr.decode()
    assert b"Traceback" not in r.stderr
    assert err.count("is not usable") == 1 and str(blocker) in err, err
