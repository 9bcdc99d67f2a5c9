"""Speed and memory of `minent newwords`: the novelty ranking (the default) against the
published ranking (--rank count, checked against the pure-Python oracle), side by side.

    python -m benchmarks.bench_newwords [--sizes 1,5,20] [--no-oracle-above 20] [--jobs N] [--repeat 3]

Inputs (written to a temporary directory): the PKU raw text (pku_dev.utf8 + pku_test.utf8) and
the first 1M / 5M / 20M characters of the Tang–Song poems corpus (whole lines, in file order).
For each input, each in its own process:
  (a) the pure-Python oracle, tests/words/newwords_oracle.py (Counter over substrings; the
      published method, exact counts);
  (b) `minent newwords FILE --rank count` warm (the fastest of --repeat runs on a warm numba
      cache, since a shared machine only ever adds time), compared with (a) byte for byte;
  (c) `minent newwords FILE` (--rank novelty) cold (a fresh NUMBA_CACHE_DIR: includes compiling
      every kernel) and warm, the warm runs of (b) and (c) alternating so that load hits both;
wall time, CPU time (user + sys) and peak RSS of the process tree; the ratios novelty / count;
``minent.find_new_words`` (novelty) timed inside a warm process (lib s: the work without the
~0.5 s start-up of a fresh process) and the start-up floor (a warm run on a one-line input).
The background model (jieba's dictionary) is compiled once into the user cache (as the
tokenizer's dictionary is): warm runs load it.
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


from benchmarks._common import ROOT, print_table, run_measured, shared_data_or_exit  # noqa: E402


def write_inputs(data: Path, tmp: Path, sizes: list[int]) -> list[tuple[str, Path, int]]:
    out = []
    pku = tmp / "pku_raw.txt"
    text = "".join((data / "sighan2005" / f).read_text(encoding="utf-8") for f in ("pku_dev.utf8", "pku_test.utf8"))
    pku.write_text(text, encoding="utf-8")
    out.append(("PKU raw", pku, len(text)))
    with gzip.open(data / "corpora" / "poems_tang_song.txt.gz", "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    for m in sizes:
        path = tmp / f"poems_{m}M.txt"
        n, chosen = 0, []
        for line in lines:
            if n >= m * 1_000_000:
                break
            chosen.append(line)
            n += len(line) + 1
        path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
        out.append((f"poems {m}M", path, n))
    return out


def cpu_of_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measured(cmd: list[str], out: Path, env: dict | None = None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MiB) of *cmd* with stdout to *out*."""
    before = cpu_of_children()
    with open(out, "wb") as f:
        wall, rss = run_measured(cmd, stdout=f, env=env)
    return wall, cpu_of_children() - before, rss


def library_seconds(path: Path, jobs: int | None, repeat: int) -> float:
    """Fastest of *repeat* calls of ``minent.find_new_words`` on *path* inside one warm process
    (after one untimed call that loads numba and the cached kernels): the work of the command
    without the interpreter, import and numba start-up that every fresh process pays."""
    code = (
        "import sys, time, os\n"
        "from minent import Corpus, find_new_words\n"
        "from minent.parallel.jobs import default_jobs\n"
        "jobs = int(sys.argv[2]) or default_jobs()\n"
        "find_new_words(Corpus([sys.argv[1]]), jobs=jobs)\n"
        "best = float('inf')\n"
        "for _ in range(int(sys.argv[3])):\n"
        "    t = time.perf_counter()\n"
        "    find_new_words(Corpus([sys.argv[1]]), jobs=jobs).to_rows()\n"
        "    best = min(best, time.perf_counter() - t)\n"
        "print(best)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path), str(jobs or 0), str(max(1, repeat))],
                         capture_output=True, text=True, check=True, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return float(out.stdout.split()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,5,20", help="poem corpus sizes in millions of characters")
    ap.add_argument("--no-oracle-above", type=float, default=1e9, help="skip the oracle above this many M chars")
    ap.add_argument("--jobs", type=int, default=None, help="--jobs for minent (default: all CPUs)")
    ap.add_argument("--repeat", type=int, default=3, help="warm runs per input (the fastest is reported)")
    args = ap.parse_args()
    data = shared_data_or_exit()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    py = sys.executable
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-newwords-") as tmpdir:
        tmp = Path(tmpdir)
        inputs = write_inputs(data, tmp, sizes)
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        # The floor: a warm run on a one-line input is all start-up (interpreter, typer, numba).
        tiny = tmp / "one_line.txt"
        tiny.write_text("天龙八部是一部小说。\n", encoding="utf-8")
        floor_cmd = [py, "-m", "minent", "newwords", str(tiny), "-q", *jobs]
        measured(floor_cmd, tmp / "floor.tsv", {"NUMBA_CACHE_DIR": str(tmp / "numba-cache-floor")})
        floor = min(measured(floor_cmd, tmp / "floor.tsv", {"NUMBA_CACHE_DIR": str(tmp / "numba-cache-floor")})[0]
                    for _ in range(max(3, args.repeat)))
        for i, (label, path, chars) in enumerate(inputs):
            # A fresh numba cache per input: the first run compiles (cold), the others load (warm).
            env = {"NUMBA_CACHE_DIR": str(tmp / f"numba-cache-{i}")}
            novelty_cmd = [py, "-m", "minent", "newwords", str(path), "-q", *jobs]
            count_cmd = novelty_cmd + ["--rank", "count"]
            cold = measured(novelty_cmd, tmp / "cold.tsv", env)
            # Warm runs of the two rankings alternate, so that a busy moment of a shared machine
            # hits both alike; the fastest of each is reported.
            runs = {"count": [], "novelty": []}
            for _ in range(max(1, args.repeat)):
                runs["count"].append(measured(count_cmd, tmp / "minent.tsv", env))
                runs["novelty"].append(measured(novelty_cmd, tmp / "novelty.tsv", env))
            warm = min(runs["count"], key=lambda r: r[0])
            nov = min(runs["novelty"], key=lambda r: r[0])
            if chars / 1e6 <= args.no_oracle_above:
                oracle = measured([py, "-m", "tests.words.newwords_oracle", str(path)], tmp / "oracle.tsv")
                same = filecmp.cmp(tmp / "oracle.tsv", tmp / "minent.tsv", shallow=False)
                speedup = oracle[0] / warm[0]
            else:
                oracle, same, speedup = (float("nan"),) * 3, "n/a", float("nan")
            lib = library_seconds(path, args.jobs, args.repeat)
            n_words = sum(1 for _ in open(tmp / "novelty.tsv", encoding="utf-8"))
            rows.append([label, f"{chars / 1e6:.2f}M", n_words, oracle[0], "-" if oracle[2] != oracle[2] else round(oracle[2]),
                         warm[0], warm[1], round(warm[2]), speedup, cold[0], nov[0], nov[1], round(nov[2]),
                         nov[0] / warm[0], nov[1] / warm[1], lib,
                         "yes" if same is True else ("NO" if same is False else same)])
            print(f"done: {label}", file=sys.stderr)
    print(f"minent newwords (method cohesion, defaults): --rank count (the published ranking, checked "
          f"against the pure-Python oracle) and --rank novelty (the default); {os.cpu_count()} CPUs; "
          f"jobs={args.jobs or 'all CPUs'}; warm = fastest of {args.repeat}, the two rankings alternating; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print_table(["input", "chars", "words", "oracle s", "oracle MiB", "count s", "count CPU", "count MiB",
                 "x oracle", "novelty cold s", "novelty s", "novelty CPU", "novelty MiB", "novelty/count wall",
                 "novelty/count CPU", "lib s", "count = oracle"], rows)
    print(f"start-up floor: a warm `minent newwords` on a one-line input takes {floor:.2f} s (fastest of "
          f"{max(3, args.repeat)}). lib s = find_new_words (novelty) inside a warm process (no start-up), "
          f"fastest of {args.repeat}.")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          "(wall times stretch when the machine is shared; CPU is user+sys of the process tree)")


if __name__ == "__main__":
    main()
