"""Load time of the compiled caches (warm): jieba's dictionary for the fast tokenizer, the
default new-word background, and a background compiled from a word list, each in a fresh
process, with this tree and, side by side, with the code of git revision ``--baseline REV``.

    python -m benchmarks.bench_cache_load [--baseline REV] [--repeat 5]

Each entry is verified on load (minent.io.cache_entry: a stat of every file against the stamp of
its last check); the table shows what that costs. The best of ``--repeat`` fresh processes is
reported (a shared machine only adds time). Each tree gets its own empty cache directory, filled
by a first run that is not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._common import ROOT, print_table

PROBE = r"""
import json, sys, time
from minent.words.tokenizers.fast import load_dict
from minent.words.newwords.background import load_background
out = {}
t = time.perf_counter(); load_dict(); out["dictionary"] = time.perf_counter() - t
t = time.perf_counter(); load_background(); out["background (jieba)"] = time.perf_counter() - t
t = time.perf_counter(); load_background(sys.argv[1]); out["background (word list)"] = time.perf_counter() - t
print(json.dumps(out))
"""


def probe(src: Path | None, cache: Path, words: Path) -> dict:
    env = dict(os.environ, MINENT_CACHE_DIR=str(cache))
    if src is not None:
        env["PYTHONPATH"] = str(src)
    # run from the tree itself: `python -c` puts the working directory first on the path
    out = subprocess.run([sys.executable, "-c", PROBE, str(words)], env=env, cwd=src or ROOT,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", metavar="REV", help="also time the code of this git revision")
    ap.add_argument("--repeat", type=int, default=5, help="fresh processes per tree (the fastest is reported)")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        words = Path(tmp) / "words.txt"
        words.write_text("".join(f"词{i} {i + 1}\n" for i in range(20000)), encoding="utf-8")
        trees: list[tuple[str, Path | None]] = [("this tree", None)]
        if opts.baseline:
            old = Path(tmp) / "old"
            old.mkdir()
            archive = subprocess.run(["git", "archive", opts.baseline, "minent"], cwd=ROOT, check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
            trees.append((f"@{opts.baseline}", old))
        best: dict[str, dict] = {}
        for name, src in trees:
            cache = Path(tmp) / f"cache-{len(best)}"
            probe(src, cache, words)  # fills the cache
            runs = [probe(src, cache, words) for _ in range(opts.repeat)]
            best[name] = {k: min(r[k] for r in runs) for k in runs[0]}
    rows = [[what] + [f"{best[name][what] * 1000:.1f}" for name, _ in trees] for what in best["this tree"]]
    print(f"warm load, ms (best of {opts.repeat} fresh processes)")
    print_table(["cache entry"] + [name for name, _ in trees], rows)


if __name__ == "__main__":
    main()
