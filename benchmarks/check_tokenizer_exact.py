"""Exactness of the fast tokenizer against jieba on the real corpora, line by line.

For every line of every corpus and every configuration (HMM on/off x default/search/all mode x
without/with a user dictionary), compares ``minent.words.tokenizers.fast.Tokenizer(...).cut(line)`` with
jieba's own output (``jieba.Tokenizer().cut`` / ``cut_for_search``) and prints a table of
differing lines (target: 0). Too slow for CI on the whole poems corpus (jieba runs at ~1 MB/s),
hence a benchmark script; the CI tests use a sample.

    python -m benchmarks.check_tokenizer_exact                  # everything (long)
    python -m benchmarks.check_tokenizer_exact --corpora pku hotel --jobs 2
    python -m benchmarks.check_tokenizer_exact --max-lines 20000  # first lines of each corpus

Data is read from ../shared/data next to the project root (skipped when absent).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
import logging
import multiprocessing as mp
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
USER_DICT = ROOT / "tests" / "data" / "jieba_userdict.txt"


def read_lines(path: Path):
    """Lines without their trailing newline ("\\r" of CRLF files kept: jieba sees it too)."""
    with open(path, encoding="utf-8", newline="") as f:
        for line in f:
            yield line[:-1] if line.endswith("\n") else line


def corpora(data: Path) -> dict[str, callable]:
    def pku():
        for name in ("pku_test.utf8", "pku_dev.utf8"):
            yield from read_lines(data / "sighan2005" / name)

    def hotel():
        with open(data / "corpora" / "ChnSentiCorp_htl_all.csv", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                yield row["review"]

    def poems():
        with gzip.open(data / "corpora" / "poems_tang_song.txt.gz", "rt", encoding="utf-8") as f:
            for line in f:
                yield line.rstrip("\n")

    def sample():
        for p in sorted((ROOT / "data").glob("sample*.txt")):
            yield from read_lines(p)

    return {"pku": pku, "hotel": hotel, "poems": poems, "sample": sample}


_STATE: dict = {}


def _init(hmm: bool, mode: str, user: bool) -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    from minent.words.tokenizers.fast import Tokenizer

    ref = jieba.Tokenizer()
    ref.initialize()
    if user:
        ref.load_userdict(str(USER_DICT))
    if mode == "search":
        _STATE["ref"] = lambda s: list(ref.cut_for_search(s, HMM=hmm))
    else:
        _STATE["ref"] = lambda s: list(ref.cut(s, cut_all=mode == "all", HMM=hmm))
    _STATE["fast"] = Tokenizer(hmm=hmm, mode=mode, user_dict=USER_DICT if user else None)


def _check(lines: list[str]) -> tuple[int, int, int, list]:
    got = _STATE["fast"].cut_many(lines)
    ref = _STATE["ref"]
    ndiff = 0
    examples = []
    for line, toks in zip(lines, got):
        want = ref(line)
        if want != toks:
            ndiff += 1
            if len(examples) < 3:
                examples.append((line, want, toks))
    return len(lines), sum(len(x.encode()) for x in lines), ndiff, examples


def chunks(it, n):
    it = iter(it)
    while True:
        block = list(itertools.islice(it, n))
        if not block:
            return
        yield block


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", nargs="+", default=["sample", "pku", "hotel", "poems"])
    ap.add_argument("--modes", nargs="+", default=["default", "search", "all"])
    ap.add_argument("--hmm", nargs="+", default=["on", "off"])
    ap.add_argument("--user", nargs="+", default=["no", "yes"])
    ap.add_argument("--max-lines", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--data", type=Path, default=DATA, help="the shared data directory")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no shared data at {args.data}; nothing to check", file=sys.stderr)
        return 0
    # warm the dictionary cache once in the parent so that workers only load it
    from minent.words.tokenizers.fast import load_dict

    load_dict(None, None)
    load_dict(None, USER_DICT)
    sources = corpora(args.data)
    print("corpus\thmm\tmode\tuser_dict\tlines\tMB\tdiffering_lines\tseconds")
    total_diff = 0
    ctx = mp.get_context("fork")
    # user-dictionary runs last: jieba's finalseg keeps force-split words in a global set
    for user, hmm, mode, name in itertools.product(args.user, args.hmm, args.modes, args.corpora):
        t0 = time.perf_counter()
        lines = sources[name]()
        if args.max_lines:
            lines = itertools.islice(lines, args.max_lines)
        n = nbytes = ndiff = 0
        examples = []
        with ctx.Pool(args.jobs, _init, (hmm == "on", mode, user == "yes")) as pool:
            for cn, cb, cd, ce in pool.imap(_check, chunks(lines, 2000)):
                n += cn
                nbytes += cb
                ndiff += cd
                examples.extend(ce[: max(0, 3 - len(examples))])
        total_diff += ndiff
        print(f"{name}\t{hmm}\t{mode}\t{user}\t{n}\t{nbytes / 1e6:.2f}\t{ndiff}\t"
              f"{time.perf_counter() - t0:.1f}", flush=True)
        for line, want, toks in examples:
            print(f"  line: {line[:120]!r}\n  jieba: {want[:30]}\n  fast:  {toks[:30]}", flush=True)
    print(f"total differing lines: {total_diff}")
    return 1 if total_diff else 0


if __name__ == "__main__":
    sys.exit(main())
