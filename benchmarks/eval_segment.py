"""Unsupervised segmentation quality on SIGHAN 2005 PKU and CityU (docs/algorithms.md §3.4, §7).

    python -m benchmarks.eval_segment [--sets pku,cityu] [--sizes 50000,200000,2000000]
                                      [--no-ablation] [--no-reference]

Protocol (../shared/data/README.md): models learn from raw text only — never a gold file nor a
word list — with fixed defaults, segment the test text and are scored against its gold with the
function behind ``minent score`` (the training word list only splits recall into IV / OOV):

* PKU (simplified): learning from the raw pku_dev + pku_test text (transductive), scored on
  pku_test;
* CityU (traditional, Hong Kong): learning from the raw cityu_test text alone (67k characters).

Rows per set: P, R, F1, OOV recall, IV recall, and seconds to learn.

* ``hybrid`` is ``minent segment --train`` with its defaults; the ablation rows take one part away
  at a time: ``unigram`` (the lexicon alone: ``minent lexicon`` + ``segment --lexicon``),
  ``charlm`` (the character LM alone), ``hybrid, no self-training`` (``--self-train 0``: no
  boundary model), ``--pre-split`` (numbers and Latin runs never part of a word);
* sizes (``--sizes``): the default model learning from the first N characters of the set's raw
  text (whole lines; the test lines among them are scored), and beyond the raw text of the set
  from it followed by the hotel reviews and the Tang/Song poems up to N (other domains: what a
  corpus grown from other sources does to the set's own segmentation);
* references (PKU): jieba's dictionary in minent's unigram decoder, and ``jieba.cut`` — both
  supervised (the dictionary comes from annotated text).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import print_table, shared_data_or_exit


def read_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def other_text(data: Path):
    """Lines of the hotel reviews, then of the poems (for the larger sizes)."""
    with open(data / "corpora" / "ChnSentiCorp_htl_all.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield row["review"].replace("\r", " ").replace("\n", " ")
    with gzip.open(data / "corpora" / "poems_tang_song.txt.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            yield line.rstrip("\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="pku,cityu")
    ap.add_argument("--sizes", default="50000,200000,2000000", help="corpus sizes in characters ('' for none)")
    ap.add_argument("--no-ablation", action="store_true")
    ap.add_argument("--no-reference", action="store_true", help="leave out the jieba rows")
    args = ap.parse_args()
    data = shared_data_or_exit()
    sig = data / "sighan2005"

    from minent.segmentation import train_segmenter
    from minent.segmentation.charlm import CharLM
    from minent.segmentation.hybrid import HybridSegmenter
    from minent.segmentation.lexicon import build_lexicon
    from minent.segmentation.score import score_files
    from minent.segmentation.unigram import UnigramSegmenter

    sets = {
        "pku": (["pku_dev.utf8", "pku_test.utf8"], "pku_test.utf8", "pku_test_gold.utf8", "pku_training_words.utf8"),
        "cityu": (["cityu_test.utf8"], "cityu_test.utf8", "cityu_test_gold.utf8", "cityu_training_words.utf8"),
    }
    tmp = Path(tempfile.mkdtemp())
    rows = []

    def add(set_name, model, chars, learn_s, seg, test_lines, gold_lines, words):
        out, gold = tmp / "out.seg", tmp / "gold.seg"
        out.write_text("\n".join(seg.segment_lines(test_lines)) + "\n", encoding="utf-8")
        gold.write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
        s = score_files(gold, out, words=words)
        rows.append([set_name, model, str(chars), f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.f1:.4f}",
                     f"{s.oov_recall:.4f}", f"{s.iv_recall:.4f}", f"{learn_s:.1f}" if learn_s else "-"])
        print(f"{set_name} {model} ({chars} chars): F1 {s.f1:.4f}", file=sys.stderr)

    def timed(fn):
        t = time.perf_counter()
        result = fn()
        return result, time.perf_counter() - t

    for set_name in args.sets.split(","):
        raw_files, test_file, gold_file, words_file = sets[set_name]
        raw = [line for f in raw_files for line in read_lines(sig / f)]
        test, gold = read_lines(sig / test_file), read_lines(sig / gold_file)
        words = sig / words_file
        n_raw = sum(len(x) for x in raw)
        seg, t = timed(lambda: train_segmenter(raw))
        add(set_name, "hybrid (segment --train defaults)", n_raw, t, seg, test, gold, words)
        if not args.no_ablation:
            lex, t_lex = timed(lambda: build_lexicon(raw).lexicon)
            uni = UnigramSegmenter(lex)
            add(set_name, "unigram (lexicon alone)", n_raw, t_lex, uni, test, gold, words)
            lm, t_lm = timed(lambda: CharLM.train(raw))
            add(set_name, "charlm (character LM alone)", n_raw, t_lm, lm, test, gold, words)
            add(set_name, "hybrid, no self-training", n_raw, t_lex + t_lm, HybridSegmenter(uni, lm), test, gold, words)
            seg, t = timed(lambda: train_segmenter(raw, pre_split=True))
            add(set_name, "hybrid --pre-split", n_raw, t, seg, test, gold, words)
        for size in [int(float(x)) for x in args.sizes.split(",") if x]:
            if size <= n_raw:
                # the first `size` characters of the raw text, in test-first order so that the
                # test lines scored are among them
                order = [line for f in reversed(raw_files) for line in read_lines(sig / f)]
                corpus, n = [], 0
                for line in order:
                    if n >= size:
                        break
                    corpus.append(line)
                    n += len(line)
                k = min(len(corpus), len(test))
                seg, t = timed(lambda: train_segmenter(corpus))
                add(set_name, "hybrid, first N chars of the raw text", n, t, seg, test[:k], gold[:k], words)
            else:
                corpus, n = list(raw), n_raw
                for line in other_text(data):
                    if n >= size:
                        break
                    corpus.append(line)
                    n += len(line)
                seg, t = timed(lambda: train_segmenter(corpus))
                add(set_name, "hybrid, raw text + reviews + poems", n, t, seg, test, gold, words)
        if set_name == "pku" and not args.no_reference:
            import jieba

            from minent.segmentation.lexicon_model import Lexicon

            jdict = Lexicon.read(Path(jieba.__file__).parent / "dict.txt")
            add(set_name, "ref: jieba dict in minent (supervised)", 0, 0.0,
                UnigramSegmenter(jdict, oov_max=0, pre_split=True), test, gold, words)
            jieba.setLogLevel(60)

            class Jieba:
                @staticmethod
                def segment_lines(lines):
                    return (" ".join(jieba.cut(line)) for line in lines)

            add(set_name, "ref: jieba.cut (supervised)", 0, 0.0, Jieba, test, gold, words)
    print("SIGHAN 2005, learning from raw text only (fixed defaults); scored by minent.segmentation.score")
    print_table(["set", "model", "learned from (chars)", "P", "R", "F1", "OOV-R", "IV-R", "learn s"], rows)


if __name__ == "__main__":
    main()
