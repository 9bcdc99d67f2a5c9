"""Segmentation throughput of minent vs jieba (same dictionary), and lexicon building on poems.

    python -m benchmarks.bench_segment [--repeat 3] [--poems-chars 20000000]

1. Throughput, in one process, side by side on the same lines (PKU test + dev raw text, 362k
   characters): ``jieba.cut(line, HMM=False)`` vs minent's ``UnigramSegmenter`` loaded with
   jieba's own dict.txt (``minent segment --lexicon dict.txt`` does the same). Both are timed
   after a warm-up (jieba's prefix dictionary built, numba compiled); best of --repeat. The
   share of identically segmented lines is printed: the models are the same (max Σ ln p(w) over
   the dictionary), the line conventions are not (minent keeps 3.14 and ９５％ and runs of the
   same punctuation mark as one token; jieba glues Latin+digit runs), nor are ties.
2. End to end: ``minent segment --lexicon dict.txt`` as a subprocess (start-up, dictionary load
   and I/O included) vs a jieba script doing the same, with peak RSS.
3. ``minent lexicon`` on the first --poems-chars characters of the Tang/Song poems, as a
   subprocess: wall time, CPU time and peak RSS (target: 20M characters in under 2 minutes).
Subprocess rows also give CPU seconds, the fair measure when the machine is shared.
"""

from __future__ import annotations

import argparse
import gzip
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import print_table, run_measured, shared_data_or_exit  # noqa: E402


JIEBA_SCRIPT = r"""
import sys, logging, jieba
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
out = sys.stdout
for line in sys.stdin:
    out.write(" ".join(w for w in jieba.cut(line.rstrip("\n"), HMM=False) if w.strip()) + "\n")
"""


def measured(cmd, **kw):
    """run_measured plus the CPU seconds (user + system) of the child: the machine may be shared."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, rss = run_measured(cmd, **kw)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--poems-chars", type=int, default=20_000_000)
    args = ap.parse_args()
    data = shared_data_or_exit()
    sig = data / "sighan2005"

    import jieba

    from minent.segmentation.lexicon_model import Lexicon
    from minent.segmentation.unigram import UnigramSegmenter

    lines = []
    for name in ("pku_test.utf8", "pku_dev.utf8"):
        lines += (sig / name).read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")
    n_chars = sum(len(x) for x in lines)
    dict_path = Path(jieba.__file__).parent / "dict.txt"
    jieba.setLogLevel(60)
    jieba.initialize()
    seg = UnigramSegmenter(Lexicon.read(dict_path), oov_max=0)
    seg.segment_text(lines[0])

    def best(fn):
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times)

    t_jieba = best(lambda: [list(jieba.cut(x, HMM=False)) for x in lines])
    t_minent = best(lambda: list(seg.segment_lines(lines)))
    jt = [[w for w in jieba.cut(x, HMM=False) if w.strip()] for x in lines]
    mt = [o.split() for o in seg.segment_lines(lines)]
    same = sum(a == b for a, b in zip(jt, mt)) / len(lines)
    print(f"1. in-process throughput, {n_chars} characters, jieba dict.txt, best of {args.repeat}")
    print_table(
        ["segmenter", "seconds", "M chars/s", "speed-up"],
        [["jieba.cut(HMM=False)", f"{t_jieba:.3f}", f"{n_chars / t_jieba / 1e6:.2f}", "1.0"],
         ["minent UnigramSegmenter", f"{t_minent:.3f}", f"{n_chars / t_minent / 1e6:.2f}", f"{t_jieba / t_minent:.1f}"]],
    )
    print(f"lines segmented identically: {same:.4f}\n")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        text = tmp / "text.txt"
        text.write_text("\n".join(lines * 5) + "\n", encoding="utf-8")
        script = tmp / "jieba_seg.py"
        script.write_text(JIEBA_SCRIPT, encoding="utf-8")
        rows = []
        with open(text, "rb") as fin:
            tj, cj, rj = measured([sys.executable, str(script)], stdin=fin)
        with open(text, "rb") as fin:
            tm, cm, rm = measured([sys.executable, "-m", "minent", "segment", "--lexicon", str(dict_path),
                                   "--oov-max", "0", "-q"], stdin=fin)
        rows.append(["jieba script", f"{tj:.2f}", f"{cj:.2f}", f"{rj:.0f}", "1.0"])
        rows.append(["minent segment --lexicon dict.txt", f"{tm:.2f}", f"{cm:.2f}", f"{rm:.0f}", f"{cj / cm:.1f}"])
        print(f"2. end to end, {5 * n_chars} characters on stdin (start-up and dictionary load included)")
        print_table(["command", "wall s", "CPU s", "peak RSS MiB", "speed-up (CPU)"], rows)
        print()

        poems = tmp / "poems.txt"
        size = 0
        with gzip.open(data / "corpora" / "poems_tang_song.txt.gz", "rt", encoding="utf-8") as f, \
                open(poems, "w", encoding="utf-8") as out:
            for line in f:
                out.write(line)
                size += len(line)
                if size >= args.poems_chars:
                    break
        tl, cl, rl = measured([sys.executable, "-m", "minent", "lexicon", str(poems), "-q", "-o", str(tmp / "lex.tsv")])
        n_words = sum(1 for _ in open(tmp / "lex.tsv", encoding="utf-8"))
        print(f"3. minent lexicon on the first {size} characters of the Tang/Song poems")
        print_table(["command", "wall s", "CPU s", "peak RSS MiB", "words"],
                    [["minent lexicon", f"{tl:.1f}", f"{cl:.1f}", f"{rl:.0f}", str(n_words)]])


if __name__ == "__main__":
    main()
