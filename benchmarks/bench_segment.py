"""minent segment vs jieba and vs another checkout, side by side on the Tang/Song poems.

    python -m benchmarks.bench_segment [--chars 5000000] [--train-chars 5000000,20000000]
                                         [--baseline /tmp/seg-base] [--repeat 2] [--skip-jieba]

Every case is a process of its own, end to end (start-up, model load and I/O included), and the
cases of a section run interleaved, --repeat times (best kept): they share the machine's load.
CPU seconds (the process and its workers) are printed next to wall seconds; on a shared machine
they are the fair measure of a one-process run. Peak memory is the whole process tree's, as PSS
(a page shared by k processes counts 1/k in each): ``--jobs 2`` workers are forked and share the
loaded model copy-on-write, which a sum of RSS would count three times (834 MiB for 2M
characters, where the PSS is 407 MiB and -j 1 takes 343 MiB).

1. ``segment --load``: a hybrid model trained (by this checkout) on the first --chars characters
   of the poems segments those same characters: ``--jobs 1`` and ``--jobs 2``; ``jieba.cut``
   (its default, HMM on) line by line in one process; ``minent tokenize`` (the fast tokenizer,
   the same text) for scale; with --baseline, ``segment --load`` of the other checkout on the
   same model. The outputs of the minent runs are compared byte for byte. A model's LM tables
   are built at its first load and kept in the cache (README, "Caches"): the runs of this
   checkout use a cache of the benchmark's own, warmed by one run before the timed ones, and
   one more case loads the model without its tables in the cache every time (a model's first
   load; the compiled kernels stay).
2. ``segment --train`` (then segmenting nothing): on the first N characters of the poems, then
   the hotel reviews, repeated up to N, for every N of --train-chars; with --baseline, the other
   checkout on the same corpus. The models are compared by what they do: the segmentation of
   the first 2000 lines.

A baseline checkout: ``git worktree add /tmp/seg-base 50cc517`` (before the speed work).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks._common import ROOT, print_table, run_measured, shared_data_or_exit

# `python -m minent` from a given checkout: -m would put the working directory first on sys.path.
RUN_MINENT = ("import sys; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'minent'; "
              "from minent.__main__ import run; run()")

JIEBA = r"""
import sys, logging, jieba
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in f:
        out.write(" ".join(w for w in jieba.cut(line.rstrip("\n")) if w.strip()) + "\n")
"""


def write_corpus(data: Path, n_chars: int, path: Path) -> int:
    """The first *n_chars* characters (whole lines) of the poems, then of the hotel reviews,
    both repeated as needed; returns the characters written."""
    def lines():
        while True:
            with gzip.open(data / "corpora" / "poems_tang_song.txt.gz", "rt", encoding="utf-8") as f:
                yield from f
            with open(data / "corpora" / "ChnSentiCorp_htl_all.csv", encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    yield row["review"].replace("\r", " ").replace("\n", " ") + "\n"

    size = 0
    with open(path, "w", encoding="utf-8") as out:
        for line in lines():
            if size >= n_chars:
                break
            out.write(line)
            size += len(line)
    return size


def measure(cmd: list[str], env: dict | None = None, stdin=None) -> tuple[float, float, float]:
    """(wall s, CPU s of the process tree, peak memory MiB: the PSS of the tree) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, rss = run_measured(cmd, env=env, stdin=stdin, shared_once=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, rss


def run_cases(cases: dict, repeat: int, stdin_path: Path | None = None) -> dict:
    """Run every case of *cases* (name → (command, environment[, step before each run])),
    interleaved, *repeat* times; the best wall and CPU seconds, the largest peak memory."""
    best: dict = {}
    for _ in range(repeat):
        for name, (cmd, env, *before) in cases.items():
            for step in before:
                step()
            if stdin_path is not None:
                with open(stdin_path, "rb") as fin:
                    r = measure(cmd, env, fin)
            else:
                r = measure(cmd, env)
            print(f"  {name}: {r[0]:.1f} s wall, {r[1]:.1f} s CPU, {r[2]:.0f} MiB", file=sys.stderr)
            old = best.get(name)
            best[name] = r if old is None else (min(old[0], r[0]), min(old[1], r[1]), max(old[2], r[2]))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=5_000_000, help="characters segmented in section 1")
    ap.add_argument("--train-chars", default="5000000,20000000", help="corpus sizes of section 2 (comma-separated)")
    ap.add_argument("--baseline", type=Path, help="another minent checkout, run side by side")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each case of section 1 (best kept)")
    ap.add_argument("--skip-jieba", action="store_true", help="leave jieba out of section 1 (it is slow)")
    ap.add_argument("--sections", default="1,2")
    args = ap.parse_args()
    if args.baseline is not None and not (args.baseline / "minent" / "__init__.py").is_file():
        ap.error(f"--baseline {args.baseline}: not a minent checkout")
    data = shared_data_or_exit()
    sections = set(args.sections.split(","))
    here = [sys.executable, "-c", RUN_MINENT, str(ROOT)]
    base = [sys.executable, "-c", RUN_MINENT, str(args.baseline)] if args.baseline else None
    base_env = {"PYTHONPATH": str(args.baseline)} if args.baseline else None
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if "1" in sections:
            text = tmp / "text.txt"
            n = write_corpus(data, args.chars, text)
            model = tmp / "model.npz"
            measure(here + ["segment", "--train", str(text), "--save", str(model), "-q", "-o", os.devnull],
                    stdin=open(os.devnull, "rb"))
            warm = {"MINENT_CACHE_DIR": str(tmp / "cache")}

            def forget_tables():  # the model's LM tables, not the compiled kernels
                for entry in (tmp / "cache").glob("charlm-*"):
                    shutil.rmtree(entry)

            few = tmp / "few.txt"  # the warm-up's text: the first lines
            with open(text, encoding="utf-8") as f:
                few.write_text("".join(line for _, line in zip(range(100), f)), encoding="utf-8")
            for command in ("segment", "--load", str(model)), ("tokenize",):
                measure(here + [*command, str(few), "-q", "-o", os.devnull], warm)
            cases = {
                "segment --load -j 1": (here + ["segment", "--load", str(model), str(text), "-j", "1", "-q",
                                                "-o", str(tmp / "j1.txt")], warm),
                "segment --load -j 2": (here + ["segment", "--load", str(model), str(text), "-j", "2", "-q",
                                                "-o", str(tmp / "j2.txt")], warm),
                "-j 1, the model's first load": (here + ["segment", "--load", str(model), str(text), "-j", "1",
                                                         "-q", "-o", str(tmp / "first.txt")],
                                                 warm, forget_tables),
                "tokenize -j 1 (jieba's dictionary)": (here + ["tokenize", str(text), "-q", "-o", str(tmp / "tok.txt")],
                                                        warm),
            }
            if base:
                cases["baseline segment --load"] = (base + ["segment", "--load", str(model), str(text), "-q",
                                                           "-o", str(tmp / "b.txt")], base_env)
            if not args.skip_jieba:
                cases["jieba.cut, 1 process"] = ([sys.executable, "-c", JIEBA, str(text), str(tmp / "jieba.txt")], None)
            best = run_cases(cases, args.repeat)
            ref = best.get("jieba.cut, 1 process")
            bref = best.get("baseline segment --load")
            rows = [[name, f"{w:.2f}", f"{c:.2f}", f"{r:.0f}", f"{ref[1] / c:.1f}" if ref else "-",
                     f"{bref[1] / c:.2f}" if bref else "-"] for name, (w, c, r) in best.items()]
            same = (tmp / "j1.txt").read_bytes() == (tmp / "j2.txt").read_bytes() == (tmp / "first.txt").read_bytes()
            same_base = (tmp / "b.txt").read_bytes() == (tmp / "j1.txt").read_bytes() if base else None
            print(f"\n1. segmenting {n} characters of poems with a hybrid model trained on them "
                  f"(best of {args.repeat})")
            print_table(["case", "wall s", "CPU s", "peak MiB (PSS)", "jieba CPU / CPU", "baseline CPU / CPU"], rows)
            print(f"-j 1, -j 2 and first-load outputs byte-identical: {same}"
                  + (f"; baseline output identical: {same_base}" if base else ""))
        if "2" in sections:
            rows = []
            for size in [int(float(x)) for x in args.train_chars.split(",")]:
                corpus = tmp / f"train_{size}.txt"
                n = write_corpus(data, size, corpus)
                probe = tmp / "probe.txt"
                with open(corpus, encoding="utf-8") as f, open(probe, "w", encoding="utf-8") as out:
                    for _, line in zip(range(2000), f):
                        out.write(line)
                cases = {"this checkout": (here + ["segment", "--train", str(corpus), str(probe), "-q",
                                                   "-o", str(tmp / "t_here.txt")], None)}
                if base:
                    cases["baseline"] = (base + ["segment", "--train", str(corpus), str(probe), "-q",
                                                 "-o", str(tmp / "t_base.txt")], base_env)
                best = run_cases(cases, 1)
                same = ((tmp / "t_here.txt").read_bytes() == (tmp / "t_base.txt").read_bytes()) if base else None
                for name, (w, c, r) in best.items():
                    bw = best.get("baseline")
                    rows.append([f"{n / 1e6:.1f}M", name, f"{w:.1f}", f"{c:.1f}", f"{r:.0f}",
                                 f"{bw[1] / c:.2f}" if bw else "-", "" if same is None else str(same)])
            print("\n2. segment --train (hybrid, defaults) on poems (+ reviews), then segmenting 2000 lines")
            print_table(["chars", "code", "wall s", "CPU s", "peak MiB (PSS)", "baseline CPU / CPU",
                         "same segmentation"], rows)


if __name__ == "__main__":
    main()
