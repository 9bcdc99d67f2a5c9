"""Peak memory of one very long line: ``tokenize``, ``count``, ``newwords`` and ``segment`` on a corpus of
~98 MB written as ONE line (the Tang/Song poems of ../shared/data, repeated to the size, line
breaks replaced by ``。``), side by side with the same text with its line breaks kept.

    python -m benchmarks.bench_long_lines [--mb 98] [--join 。] [--baseline REV]

Since issue 18 a line longer than a batch is processed in pieces cut where the result cannot
change, so the one-line file should cost about what the file with line breaks costs.
``--baseline REV`` also runs the one-line file with the code of git revision REV (exported with
``git archive`` to a temporary directory and put first on ``PYTHONPATH``), e.g. the commit before
the change, to show what it cost before. Each command runs with ``--jobs 1`` (the machine may be
shared; peak RSS of the process tree, wall seconds; numba's cache warmed by a run on a tiny
file first). Prints a table.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._common import ROOT, print_table, run_measured, shared_data_or_exit

COMMANDS = [
    ("tokenize", ["tokenize"]),
    ("count", ["count", "--jobs", "1"]),
    ("newwords", ["newwords", "--jobs", "1", "--top", "100"]),
    # a unigram lexicon of the bundled sample (made first); not run with --baseline: the old code
    # held the line whole in the decoder's arrays (~40 MB per 2^18 characters, gigabytes here)
    ("segment", ["segment", "--jobs", "1", "--lexicon", "{lexicon}"]),
]


def make_inputs(directory: Path, mb: float, join: str) -> tuple[Path, Path]:
    """(the text with line breaks, the same text as one line), about *mb* MB each."""
    poems = shared_data_or_exit() / "corpora" / "poems_tang_song.txt.gz"
    with gzip.open(poems, "rt", encoding="utf-8") as fh:
        lines = [line.rstrip("\n") for line in fh if line.strip()]
    want = int(mb * 1e6)
    chosen, size, i = [], 0, 0
    while size < want:
        line = lines[i % len(lines)]
        chosen.append(line)
        size += len(line.encode("utf-8")) + 1
        i += 1
    lined, single = directory / "lines.txt", directory / "one_line.txt"
    lined.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    single.write_text(join.join(chosen) + "\n", encoding="utf-8")
    return lined, single


def export(rev: str, directory: Path) -> Path:
    """The source tree of git revision *rev*, exported to *directory*."""
    directory.mkdir()
    archive = subprocess.run(["git", "archive", rev, "minent"], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive, check=True)
    return directory


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=98.0, help="size of the corpus in MB (default 98)")
    ap.add_argument("--join", default="。", help="what replaces the line breaks in the one-line file")
    ap.add_argument("--baseline", metavar="REV", help="also run the one-line file with this git revision's code")
    opts = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        lined, single = make_inputs(Path(tmp), opts.mb, opts.join)
        old = export(opts.baseline, Path(tmp) / "old") if opts.baseline else None
        lexicon = Path(tmp) / "lexicon.tsv"
        lexicon.write_bytes(subprocess.run([sys.executable, "-m", "minent", "lexicon", "data/sample.txt"], cwd=ROOT,
                                           check=True, capture_output=True).stdout)
        tiny = Path(tmp) / "tiny.txt"
        tiny.write_text("床前明月光，疑是地上霜。\n" * 50, encoding="utf-8")
        for name, args in COMMANDS:
            args = [a.format(lexicon=lexicon) for a in args]
            for src in (None, old):  # warm numba's cache (an exported tree is compiled anew)
                run_measured([sys.executable, "-m", "minent", *args, str(tiny)], stderr=subprocess.DEVNULL,
                             env={"PYTHONPATH": str(src)} if src else None, cwd=src)
            cells = [name]
            runs = [(lined, None), (single, None)] + ([(single, old)] if old else [])
            for path, src in runs:
                if src is not None and name == "segment":
                    cells += ["-", "-"]
                    continue
                # the old tree first on the path, and run from it: `python -m` puts the working
                # directory before everything (the project root would import this tree)
                env = {"PYTHONPATH": str(src)} if src else None
                wall, rss = run_measured([sys.executable, "-m", "minent", *args, str(path)], env=env,
                                         stderr=subprocess.DEVNULL, cwd=src)
                cells += [f"{rss:,.0f}", f"{wall:.1f}"]
            rows.append(cells)
    head = ["command", "lines: MiB", "s", "one line: MiB", "s"]
    if opts.baseline:
        head += [f"one line @{opts.baseline}: MiB", "s"]
    print(f"{opts.mb:g} MB of poems, line breaks kept vs. one line (joined by {opts.join!r}); peak RSS, wall")
    print_table(head, rows)


if __name__ == "__main__":
    main()
