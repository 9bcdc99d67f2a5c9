"""minent count vs jieba, side by side on the same real text (docs/algorithms.md §1).

    python -m benchmarks.bench_count [--sizes 5,50] [--cases a e f] [--repeat 3]
    python -m benchmarks.bench_count --corpus poems --sizes 56 --cases e f --baseline /tmp/main

Corpus (--corpus): ``pku``, the PKU raw texts and the hotel reviews from ../shared/data,
concatenated (repeated) up to each size in MB; or ``poems``, the first MB of the Tang and Song
poems (about 20 M characters in all; 1.5 M distinct words, where merging and sorting the tables
matters). With ``--baseline DIR`` (a checkout, e.g. ``git worktree add /tmp/main main``), cases
(e) and (f) also run from DIR, as (e0) and (f0), interleaved with the others, and the last
column compares each with its baseline. Every case runs in its own process, end to end
(start-up included):
  (a) Counter(jieba.cut(text)) in one process       (b) the same with jieba.enable_parallel(2)
  (c) minent count --tokenizer jieba --jobs 1       (d) minent count --tokenizer jieba --jobs 2
  (e) minent count --jobs 1 (fast tokenizer)        (f) minent count --jobs 2 (fast tokenizer)
Every table is compared with (a) for identity (whitespace tokens dropped). Wall seconds are what
the speed-up is about; CPU seconds (the process and its workers) are printed too, because on a
shared machine the wall clock of a 2-process run depends on what else runs.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
from pathlib import Path

from benchmarks._common import ROOT, print_table, run_measured, shared_data_or_exit  # noqa: E402

BASELINE = r"""
import sys, collections, jieba, logging
jieba.setLogLevel(logging.WARNING)
if sys.argv[3] == "parallel":
    jieba.enable_parallel(2)
text = open(sys.argv[1], encoding="utf-8").read()
c = collections.Counter(jieba.cut(text))
rows = sorted(((w, n) for w, n in c.items() if w.strip()), key=lambda kv: (-kv[1], kv[0]))
with open(sys.argv[2], "w", encoding="utf-8") as fh:
    fh.writelines(f"{w}\t{n}\n" for w, n in rows)
"""


def base_text(data: Path) -> str:
    parts = []
    for name in ("pku_test.utf8", "pku_dev.utf8"):
        parts.append((data / "sighan2005" / name).read_text(encoding="utf-8").replace("\r\n", "\n"))
    with open(data / "corpora" / "ChnSentiCorp_htl_all.csv", encoding="utf-8", newline="") as fh:
        reviews = [row["review"].replace("\n", " ") for row in csv.DictReader(fh)]
    parts.append("\n".join(reviews) + "\n")
    return "".join(parts)


def poems_text(data: Path, size_mb: float) -> str:
    """The first *size_mb* MB (UTF-8) of the poems corpus, whole lines."""
    import gzip

    limit = size_mb * 2**20
    lines, n = [], 0
    with gzip.open(data / "corpora" / "poems_tang_song.txt.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if n >= limit:
                break
            lines.append(line)
            n += len(line.encode("utf-8"))
    return "".join(lines)


# `python -m minent` from a given checkout: -m would put the working directory (this checkout)
# first on sys.path, whatever PYTHONPATH says.
RUN_MINENT = ("import sys; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'minent'; "
              "from minent.__main__ import run; run()")

LABELS = {
    "a": "Counter(jieba.cut) 1 proc",
    "b": "jieba.enable_parallel(2)",
    "c": "count --tokenizer jieba -j 1",
    "d": "count --tokenizer jieba -j 2",
    "e": "count (fast) -j 1",
    "f": "count (fast) -j 2",
    "e0": "count (fast) -j 1 [baseline]",
    "f0": "count (fast) -j 2 [baseline]",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5,50", help="corpus sizes in MB (comma-separated)")
    ap.add_argument("--cases", nargs="+", default=list("abcdef"), choices=list("abcdef"),
                    help="cases to run ((a), the reference, is always run)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of all cases, interleaved; the best wall and CPU time of each is shown")
    ap.add_argument("--corpus", choices=["pku", "poems"], default="pku", help="text to count (see above)")
    ap.add_argument("--baseline", type=Path, help="a minent checkout to run cases (e) and (f) from as well")
    args = ap.parse_args()
    args.cases = ["a"] + [c for c in args.cases if c != "a"]
    if args.baseline is not None:
        if not (args.baseline / "minent" / "__init__.py").is_file():
            ap.error(f"--baseline {args.baseline}: not a minent checkout")
        args.cases += [c + "0" for c in "ef" if c in args.cases]
    data = shared_data_or_exit()
    load0 = os.getloadavg()[0]
    unit = base_text(data).encode("utf-8") if args.corpus == "pku" else None
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for size_mb in [float(s) for s in args.sizes.split(",")]:
            corpus = tmp / f"corpus_{size_mb:g}MB.txt"
            with open(corpus, "wb") as fh:
                if unit is None:
                    fh.write(poems_text(data, size_mb).encode("utf-8"))
                else:
                    for _ in range(max(1, round(size_mb * 2**20 / len(unit)))):
                        fh.write(unit)
            mb = corpus.stat().st_size / 2**20
            minent = [sys.executable, "-c", RUN_MINENT, str(ROOT), "count", str(corpus), "-q"]
            baseline = [sys.executable, "-c", RUN_MINENT, str(args.baseline), "count", str(corpus), "-q"]
            outs = {}
            times = {}
            rss = {}
            cpu = {}
            commands = {
                "a": [sys.executable, "-c", BASELINE, str(corpus), str(tmp / "a.tsv"), "serial"],
                "b": [sys.executable, "-c", BASELINE, str(corpus), str(tmp / "b.tsv"), "parallel"],
                "c": minent + ["--tokenizer", "jieba", "-j", "1", "-o", str(tmp / "c.tsv")],
                "d": minent + ["--tokenizer", "jieba", "-j", "2", "-o", str(tmp / "d.tsv")],
                "e": minent + ["-j", "1", "-o", str(tmp / "e.tsv")],
                "f": minent + ["-j", "2", "-o", str(tmp / "f.tsv")],
                "e0": baseline + ["-j", "1", "-o", str(tmp / "e0.tsv")],
                "f0": baseline + ["-j", "2", "-o", str(tmp / "f0.tsv")],
            }
            env = {"e0": {"PYTHONPATH": str(args.baseline)}, "f0": {"PYTHONPATH": str(args.baseline)}}
            for _ in range(args.repeat):  # rounds interleave the cases: they share the machine's load
                for case in args.cases:
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    wall, peak = run_measured(commands[case], env=env.get(case))
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                    times[case] = min(times.get(case, wall), wall)
                    cpu[case] = min(cpu.get(case, used), used)
                    rss[case] = max(rss.get(case, peak), peak)
                    outs[case] = (tmp / f"{case}.tsv").read_bytes()
                    print(f"  {mb:.1f} MB case ({case}): {wall:.1f}s, peak RSS {peak:.0f} MiB", file=sys.stderr)
            identical = all(out == outs["a"] for out in outs.values())
            for case, label in LABELS.items():
                if case not in times:
                    continue
                base = case + "0" if case + "0" in times else None
                rows.append([f"{mb:.1f}", label, times[case], mb / times[case], times["a"] / times[case], cpu[case],
                             cpu["a"] / cpu[case], f"{rss[case]:.0f}", "yes" if outs[case] == outs["a"] else "NO",
                             times[base] / times[case] if base else "", cpu[base] / cpu[case] if base else ""])
            print(f"  all tables identical to (a): {identical}", file=sys.stderr)
    print(f"{os.cpu_count()} CPUs; load average before / after: {load0:.1f} / {os.getloadavg()[0]:.1f}")
    print_table(["MB", "case", "seconds", "MB/s", "speed-up vs (a)", "CPU s", "(a) CPU / CPU", "peak RSS MiB",
                 "same as (a)", "baseline s / s", "baseline CPU / CPU"], rows)


if __name__ == "__main__":
    main()
