"""The fast tokenizer vs jieba (and rjieba), side by side on the same real text.

    python -m benchmarks.bench_tokenizer [--mb 20] [--jieba-mb 20]

Text: the poems corpus (traditional characters) followed by the PKU raw texts and the hotel
reviews from ../shared/data, cut to ``--mb`` MB of UTF-8. Three tables:

1. per-core throughput, in one process, HMM on: ``jieba.cut`` on every line, rjieba (if
   installed, a Rust port whose output is *not* identical), ``minent.words.tokenizers.fast.Tokenizer``
   (token lists, and whole output lines); MB/s by wall clock and by CPU time (the machine may be
   shared: CPU time is the fairer per-core figure), the ratio to jieba, and the number of lines
   whose tokens differ from jieba's;
2. end to end, each in its own process: ``Counter(jieba.cut)`` in one process (the baseline of
   docs/algorithms.md §1) against ``minent count --tokenizer fast --jobs 1/2`` and
   ``minent tokenize``, with peak RSS of the process tree; count tables compared for identity;
3. start-up: the time to cut one line in a fresh process, cold (empty dictionary cache, and an
   empty numba cache) and warm (best of ``--startup-reps`` interleaved runs, wall and CPU), for
   jieba, the ``minent.words.tokenizers.fast`` library, ``minent tokenize`` and ``minent count``.

``--jieba-mb`` measures jieba's in-process rate on a prefix only (its rate does not depend on
the size); the end-to-end baseline always runs on the whole text.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import ROOT, print_table, run_measured, shared_data_or_exit  # noqa: E402

COUNTER_BASELINE = r"""
import sys, collections, jieba, logging
jieba.setLogLevel(logging.WARNING)
c = collections.Counter()
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        c.update(jieba.cut(line.rstrip("\n")))
rows = sorted(((w, n) for w, n in c.items() if w.strip()), key=lambda kv: (-kv[1], kv[0]))
with open(sys.argv[2], "w", encoding="utf-8") as fh:
    fh.writelines(f"{w}\t{n}\n" for w, n in rows)
"""

JIEBA_STARTUP = r"""
import sys, jieba, logging
jieba.setLogLevel(logging.WARNING)
jieba.dt.tmp_dir = sys.argv[1]
print(" ".join(jieba.cut("我来到北京清华大学")))
"""


def real_text(data: Path, mb: float) -> list[str]:
    """Lines of real text, about ``mb`` MB of UTF-8."""
    limit = int(mb * 1e6)
    lines: list[str] = []
    size = 0

    def take(line: str) -> bool:
        nonlocal size
        lines.append(line)
        size += len(line.encode("utf-8")) + 1
        return size < limit

    with gzip.open(data / "corpora" / "poems_tang_song.txt.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if not take(line.rstrip("\n")):
                return lines
    while True:  # the poems are ~57 MB; cycle through the other corpora beyond that
        for name in ("pku_test.utf8", "pku_dev.utf8"):
            for line in (data / "sighan2005" / name).read_text(encoding="utf-8").splitlines():
                if not take(line):
                    return lines
        with open(data / "corpora" / "ChnSentiCorp_htl_all.csv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if not take(row["review"].replace("\n", " ").replace("\r", " ")):
                    return lines


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def in_process(lines: list[str], jieba_lines: list[str]) -> list[list]:
    import jieba

    from minent.words.tokenizers.fast import Tokenizer

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    mb = sum(len(x.encode("utf-8")) + 1 for x in lines) / 1e6
    jmb = sum(len(x.encode("utf-8")) + 1 for x in jieba_lines) / 1e6
    ref, jw, jc = timed(lambda: [list(jieba.cut(x)) for x in jieba_lines])
    rows = [["jieba.cut", f"{jmb:.1f}", jmb / jw, jmb / jc, 1.0, 1.0, 0]]

    def diff(got):
        return sum(a != b for a, b in zip(got, ref))

    try:
        import rjieba

        rjieba.cut("预热")
        got, w, c = timed(lambda: [rjieba.cut(x) for x in lines])
        rows.append(["rjieba.cut", f"{mb:.1f}", mb / w, mb / c, (mb / w) / (jmb / jw),
                     (mb / c) / (jmb / jc), diff(got)])
    except ImportError:
        rows.append(["rjieba (not installed)", "-", "-", "-", "-", "-", "-"])

    tk = Tokenizer()
    batches, batch, size = [], [], 0
    for x in lines:
        batch.append(x)
        size += len(x)
        if size >= 1 << 18:
            batches.append(batch)
            batch, size = [], 0
    batches.append(batch)
    got, w, c = timed(lambda: [t for b in batches for t in tk.cut_many(b)])
    rows.append(["fast Tokenizer.cut_many", f"{mb:.1f}", mb / w, mb / c, (mb / w) / (jmb / jw),
                 (mb / c) / (jmb / jc), diff(got)])
    _, w, c = timed(lambda: [tk.tokenize_lines(b) for b in batches])
    rows.append(["fast Tokenizer.tokenize_lines", f"{mb:.1f}", mb / w, mb / c,
                 (mb / w) / (jmb / jw), (mb / c) / (jmb / jc), "-"])
    return rows


def end_to_end(corpus: Path, tmp: Path, mb: float) -> list[list]:
    rows = []
    base_out = tmp / "baseline.tsv"
    script = tmp / "baseline.py"
    script.write_text(COUNTER_BASELINE, encoding="utf-8")
    t_base, rss = run_measured([sys.executable, str(script), str(corpus), str(base_out)])
    rows.append(["Counter(jieba.cut), 1 process", mb / t_base, 1.0, rss, "reference"])
    for jobs in (1, 2):
        out = tmp / f"fast{jobs}.tsv"
        t, rss = run_measured([sys.executable, "-m", "minent", "count", str(corpus), "--tokenizer",
                               "fast", "-j", str(jobs), "-q", "-o", str(out)])
        same = out.read_bytes() == base_out.read_bytes()
        rows.append([f"minent count --tokenizer fast -j {jobs}", mb / t, t_base / t, rss,
                     "identical" if same else "DIFFERENT"])
    t, rss = run_measured([sys.executable, "-m", "minent", "tokenize", str(corpus), "-q", "-o",
                           str(tmp / "tok.txt")])
    rows.append(["minent tokenize", mb / t, t_base / t, rss, "-"])
    return rows


LIBRARY_STARTUP = r"""
from minent.words.tokenizers.fast import Tokenizer
print(" ".join(Tokenizer().cut("我来到北京清华大学")))
"""


def startup(tmp: Path, reps: int) -> list[list]:
    """Seconds to cut one line in a fresh process: cold once, warm the best of ``reps`` runs
    (wall and CPU, the runs of all cases interleaved so that they share the machine's load)."""
    import resource

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    line = "我来到北京清华大学\n".encode()

    def run(cmd, extra):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, input=line, env={**env, **extra}, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        return time.perf_counter() - t, cpu

    jscript = tmp / "jieba_startup.py"
    jscript.write_text(JIEBA_STARTUP, encoding="utf-8")
    lscript = tmp / "library_startup.py"
    lscript.write_text(LIBRARY_STARTUP, encoding="utf-8")
    jcache = tmp / "jieba-cache"
    jcache.mkdir()
    jieba_cmd = [sys.executable, str(jscript), str(jcache)]
    tokenize = [sys.executable, "-m", "minent", "tokenize", "-q"]
    warm = {"MINENT_CACHE_DIR": str(tmp / "mc2")}
    rows = [["jieba (cold: no jieba.cache)", *run(jieba_cmd, {})]]
    cold = {"MINENT_CACHE_DIR": str(tmp / "mc"), "NUMBA_CACHE_DIR": str(tmp / "nc")}
    rows.append(["minent tokenize (cold: no dictionary cache, no numba cache)", *run(tokenize, cold)])
    rows.append(["minent tokenize (dictionary cache cold, numba warm)", *run(tokenize, warm)])
    cases = {
        "jieba (warm: jieba.cache): import, initialize, cut": jieba_cmd,
        "minent.words.tokenizers.fast (warm): import, Tokenizer(), cut": [sys.executable, str(lscript)],
        "minent tokenize (warm)": tokenize,
        "minent count -j 1 (warm)": [sys.executable, "-m", "minent", "count", "-q", "-j", "1"],
    }
    best = {name: (float("inf"), float("inf")) for name in cases}
    for _ in range(reps):
        for name, cmd in cases.items():
            w, c = run(cmd, warm)
            best[name] = (min(best[name][0], w), min(best[name][1], c))
    rows += [[f"{name}, best of {reps}", *best[name]] for name in cases]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0, help="MB of text (default 20)")
    ap.add_argument("--jieba-mb", type=float, default=None,
                    help="measure jieba in-process on this prefix only (default: all)")
    ap.add_argument("--startup-reps", type=int, default=5, help="warm start-up runs per case")
    ap.add_argument("--skip", nargs="*", default=[], choices=["inprocess", "e2e", "startup"])
    args = ap.parse_args()
    data = shared_data_or_exit()
    lines = real_text(data, args.mb)
    mb = sum(len(x.encode("utf-8")) + 1 for x in lines) / 1e6
    jieba_lines = real_text(data, args.jieba_mb) if args.jieba_mb else lines
    print(f"text: {len(lines)} lines, {mb:.1f} MB (poems first, then PKU + hotel reviews); "
          f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
    if "inprocess" not in args.skip:
        print("1. per-core throughput in one process, HMM on (MB/s; ratio to jieba)")
        print_table(["tokenizer", "MB", "MB/s wall", "MB/s cpu", "x jieba wall", "x jieba cpu",
                     "lines differing from jieba"], in_process(lines, jieba_lines))
        print()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if "e2e" not in args.skip:
            corpus = tmp / "corpus.txt"
            corpus.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
            print("2. end to end, own process each (wall clock, start-up included)")
            print_table(["command", "MB/s", "x Counter(jieba.cut)", "peak RSS MiB", "table"],
                        end_to_end(corpus, tmp, mb))
            print()
        if "startup" not in args.skip:
            print("3. start-up: cut one line in a fresh process (seconds)")
            print_table(["case", "wall", "cpu"], startup(tmp, args.startup_reps))


if __name__ == "__main__":
    main()
