"""Unsupervised segmentation quality on SIGHAN 2005 PKU (ALGORITHMS.md §3.5, §7).

    python -m benchmarks.eval_segment [--no-tune] [--hotel]

Protocol (../shared/data/README.md): models learn from the raw text of pku_dev + pku_test only
(transductive; never the gold files nor the word list), segment pku_test, and are scored against
pku_test_gold with the function behind ``minent score`` (the training word list only splits recall
into IV / OOV). Rows:

* the defaults of each model, with and without pre-split of numbers / Latin runs (punctuation
  is always split): unigram (``minent lexicon`` + ``minent segment --lexicon``), charlm
  (character 4-gram LM, b/c/d/e tags) and hybrid (both scores, then the self-trained boundary
  model: ``minent segment --train``; also without the boundary model);
* a small grid of (margin, entry_cost) chosen on pku_dev scored with pku_dev_gold, then run on
  the test (``--no-tune`` skips it);
* with ``--hotel``: the hybrid learning also from the hotel reviews (allowed, reported apart);
* references: jieba's own dictionary in minent's segmenter and jieba.cut(HMM=False) — supervised.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import print_table, shared_data_or_exit  # noqa: E402



def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-tune", action="store_true", help="skip the dev-tuned grid")
    ap.add_argument("--hotel", action="store_true", help="also learn from the hotel reviews (reported apart)")
    args = ap.parse_args()
    data = shared_data_or_exit()
    sig = data / "sighan2005"

    import jieba

    from minent.segmentation.charlm import CharLM
    from minent.segmentation.hybrid import HybridSegmenter
    from minent.segmentation.lexicon import build_lexicon
    from minent.segmentation.lexicon_model import Lexicon
    from minent.segmentation.score import score_files
    from minent.segmentation.unigram import UnigramSegmenter

    raw = read_lines(sig / "pku_dev.utf8") + read_lines(sig / "pku_test.utf8")
    test_lines = read_lines(sig / "pku_test.utf8")
    dev_lines = read_lines(sig / "pku_dev.utf8")
    words = sig / "pku_training_words.utf8"
    rows = []
    tmp = Path(tempfile.mkdtemp())

    def score(segment_lines, lines, gold: str, name: str):
        out = tmp / f"{name}.seg"
        out.write_text("\n".join(segment_lines(lines)) + "\n", encoding="utf-8")
        return score_files(sig / gold, out, words=words)

    def add(name, pre, learn_s, seg):
        t = time.perf_counter()
        s = score(seg.segment_lines, test_lines, "pku_test_gold.utf8", name)
        rows.append([name, pre, s.precision, s.recall, s.f1, s.oov_recall, s.iv_recall, learn_s,
                     time.perf_counter() - t])
        print(f"{name} pre_split={pre}: F1 {s.f1:.4f}", file=sys.stderr)

    for pre in (True, False):
        t = time.perf_counter()
        lex = build_lexicon(raw, pre_split=pre).lexicon
        t_lex = time.perf_counter() - t
        uni = UnigramSegmenter(lex, pre_split=pre)
        add("unigram: lexicon + segment --lexicon", pre, t_lex, uni)
        t = time.perf_counter()
        lm = CharLM.train(raw, pre_split=pre)
        t_lm = time.perf_counter() - t
        add("charlm: segment --train --model charlm", pre, t_lm, lm)
        add("hybrid without self-training (--self-train 0)", pre, t_lex + t_lm, HybridSegmenter(uni, lm))
        t = time.perf_counter()
        hyb = HybridSegmenter(uni, lm).self_train(raw)
        add("hybrid: segment --train (default)", pre, t_lex + t_lm + time.perf_counter() - t, hyb)
    if not args.no_tune:
        best = None
        for margin in (1.0, 1.5, 2.0):
            for entry_cost in (2.0, 4.0):
                lex = build_lexicon(raw, margin=margin, entry_cost=entry_cost).lexicon
                s = score(UnigramSegmenter(lex).segment_lines, dev_lines, "pku_dev_gold.utf8", "dev")
                print(f"dev margin={margin} entry_cost={entry_cost}: F1 {s.f1:.4f}", file=sys.stderr)
                if best is None or s.f1 > best[0]:
                    best = (s.f1, margin, entry_cost, lex)
        _, margin, entry_cost, lex = best
        add(f"unigram, dev-tuned margin={margin} entry_cost={entry_cost}", False, 0.0, UnigramSegmenter(lex))
    if args.hotel:
        with open(data / "corpora" / "ChnSentiCorp_htl_all.csv", encoding="utf-8", newline="") as fh:
            reviews = [r["review"] for r in csv.DictReader(fh)]
        t = time.perf_counter()
        lex = build_lexicon(raw + reviews).lexicon
        lm = CharLM.train(raw + reviews)
        add("hybrid, learning also from hotel reviews", False, time.perf_counter() - t,
            HybridSegmenter(UnigramSegmenter(lex), lm).self_train(raw + reviews))
    jdict = Lexicon.read(Path(jieba.__file__).parent / "dict.txt")
    add("ref: jieba dict in minent (supervised)", True, 0.0, UnigramSegmenter(jdict, oov_max=0, pre_split=True))
    jieba.setLogLevel(60)

    class Jieba:
        @staticmethod
        def segment_lines(lines):
            return (" ".join(jieba.cut(line, HMM=False)) for line in lines)

    add("ref: jieba.cut(HMM=False) (supervised)", "-", 0.0, Jieba)
    print("PKU test (SIGHAN 2005), learned from raw pku_dev + pku_test; scored by minent.segmentation.score")
    print_table(["model", "pre_split", "P", "R", "F1", "OOV-R", "IV-R", "learn s", "segment s"],
                [[r[0], str(r[1])] + [f"{x:.4f}" for x in r[2:7]] + [f"{r[7]:.1f}" if r[7] else "-", f"{r[8]:.2f}"]
                 for r in rows])


if __name__ == "__main__":
    main()
