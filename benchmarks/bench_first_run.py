"""A new user's first runs: the README's commands cold (empty cache: numba compiles every kernel
the command uses, the tokenizer compiles jieba's dictionary) against warm (the same command
again), side by side.

    python -m benchmarks.bench_first_run [--repeat 2]

Each case runs in a fresh process with ``MINENT_CACHE_DIR`` pointing at a new empty directory
for the cold run (numba's cache lives below it, see ``minent/cache.py``); the warm runs reuse
it (the fastest of ``--repeat`` is reported: a shared machine only ever adds time). Reported:
wall seconds, the compile seconds minent itself prints on stderr for the first run, peak RSS of
the process tree, and cold / warm. Needs only the bundled sample corpus.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks._common import ROOT, print_table, run_measured

CASES = [
    ("newwords (README)", ["newwords", "data/sample.txt", "--exclude-known", "--top", "20"]),
    ("count", ["count", "data/sample.txt"]),
    ("tokenize", ["tokenize", "data/sample.txt"]),
]


def run(args: list[str], cache: Path, err: Path) -> tuple[float, float, float]:
    env = {"MINENT_CACHE_DIR": str(cache), "NUMBA_CACHE_DIR": ""}
    with open(err, "wb") as fh:
        wall, rss = run_measured([sys.executable, "-m", "minent", *args], env=env, stderr=fh)
    m = re.search(r"for first use in ([0-9.]+)s", err.read_text(encoding="utf-8", errors="replace"))
    return wall, float(m.group(1)) if m else 0.0, rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2, help="warm runs per case (the fastest is reported)")
    opts = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in CASES:
            cache = Path(tmp) / name.split()[0]
            err = Path(tmp) / "stderr"
            cold, compiled, cold_rss = run(args, cache, err)
            warm = [run(args, cache, err) for _ in range(opts.repeat)]
            best = min(warm)
            rows.append([name, cold, compiled, best[0], cold / best[0], cold_rss, best[2]])
            shutil.rmtree(cache, ignore_errors=True)
    print(f"cwd {ROOT}; minent {' '.join(CASES[0][1])} etc.; cold = empty MINENT_CACHE_DIR")
    print_table(["case", "cold s", "compile s", "warm s", "cold/warm", "cold RSS MiB", "warm RSS MiB"], rows)


if __name__ == "__main__":
    main()
