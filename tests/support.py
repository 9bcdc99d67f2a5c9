"""Helpers shared by the tests: where the project and the ../shared evaluation data are, and a
runner of the ``minent`` command in a subprocess."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "data" / "sample.txt"
TEST_DATA = ROOT / "tests" / "data"


def run_minent(*args, input: bytes | str | None = None, cwd=None, env=None, timeout=600) -> subprocess.CompletedProcess:
    """Run ``python -m minent ARGS`` in a subprocess and capture bytes of stdout and stderr."""
    if isinstance(input, str):
        input = input.encode("utf-8")
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), full_env.get("PYTHONPATH")]))
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "minent", *map(str, args)],
        input=input if input is not None else b"",
        capture_output=True,
        cwd=cwd or ROOT,
        env=full_env,
        timeout=timeout,
    )


def minent_command() -> list[str]:
    """The installed ``minent`` console script next to this Python (what a user runs), or
    ``python -m minent`` when this environment has none (then with this tree on PYTHONPATH)."""
    script = Path(sys.executable).with_name("minent")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "minent"]


def run_installed(*args, input: bytes | str | None = None, env=None, cwd=None, timeout=600) -> subprocess.CompletedProcess:
    """Run the installed ``minent`` command (:func:`minent_command`) and capture bytes."""
    if isinstance(input, str):
        input = input.encode("utf-8")
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), full_env.get("PYTHONPATH")]))
    if env:
        full_env.update(env)
    return subprocess.run([*minent_command(), *map(str, args)], input=input if input is not None else b"",
                          capture_output=True, cwd=cwd or ROOT, env=full_env, timeout=timeout)


def rejoin(parts) -> list[str]:
    """Whole lines from texts of which a :class:`~minent.text.batching.Fragment` is continued
    by the next text (``LineCutter.split``, ``segment_lines``' output)."""
    from minent.text.batching import Fragment

    text, lines = "", []
    for part in parts:
        text += part
        if not isinstance(part, Fragment):
            lines.append(text)
            text = ""
    assert text == ""
    return lines


def zero_array_in_place(npy) -> None:
    """Damage a saved ``.npy`` array in place, its size kept: every value becomes 0 (for the
    cache integrity tests: only a checksum can tell)."""
    import numpy as np

    size = os.path.getsize(npy)
    arr = np.load(npy)
    with open(npy, "r+b") as fh:
        fh.seek(size - arr.nbytes)
        fh.write(np.zeros_like(arr).tobytes())
    assert os.path.getsize(npy) == size


@contextlib.contextmanager
def local_dask_cluster():
    """Address of a Dask LocalCluster on loopback with 2 single-threaded worker processes (the
    `distributed` package must be there: tests importorskip it first)."""
    import logging

    import distributed

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.CRITICAL
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def collocation_corpus(lines: int = 300, seed: int = 3) -> list[str]:
    """Lines of planted two-character words in which 甲 and 乙 are words by themselves 40% of the
    time and otherwise the pair 甲乙: a collocation of free characters, not a word."""
    import numpy as np

    rng = np.random.default_rng(seed)
    words = ["甲", "乙", "丙丁", "戊己", "庚辛", "壬癸", "子丑", "寅卯", "辰巳", "午未", "申酉", "戌亥"]
    p = np.array([2, 2] + [26 / 10] * 10) / 30
    return ["".join(rng.permutation(["甲乙"] * 3 + list(rng.choice(words, 30, p=p)))) for _ in range(lines)]
