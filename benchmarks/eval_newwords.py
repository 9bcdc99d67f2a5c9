"""Quality of `minent newwords`: the ranking (issue 17) and the methods (docs/algorithms.md §7).

    python -m benchmarks.eval_newwords                # --rank count (today's) against novelty
    python -m benchmarks.eval_newwords --methods [--quick|--grid] [--hotel]   # methods on PKU

The default prints, for ``--rank count`` and ``--rank novelty`` side by side:
- MSRA NER (../shared/data/ner/msra_ner_dev.bio; raw text = the characters of each sentence):
  gold = entity strings of >= 2 characters annotated >= 5 times that jieba's dictionary lacks;
  run with --exclude-known; share@100 = gold entities among the top 100 rows, recall@1000 =
  share of the gold within the top 1000 rows, recall = share of the gold anywhere in the list;
- PKU segmentation F1 (below) of the whole discovered lexicon (default settings);
- the sample corpus: its invented names (钟岫云 符远舟 葛念秋 邝石生 郁长庚) among the top 10/20;
- the top 30 of the hotel reviews (--exclude-known) under each ranking.

With --methods, the table of methods and settings on PKU:

Learns from the raw text of pku_dev.utf8 + pku_test.utf8 (transductive, never the gold files or
the training word list), then reports for each method / setting:
- P@100 / P@500 / P@1000: share of the top-k discovered words that are words of the gold test
  segmentation (vocabulary of pku_test_gold.utf8);
- OOV recall: share of the OOV words (gold test words of >= 2 Han characters absent from
  pku_training_words.utf8) that the discovered list contains;
- segmentation P / R / F1 on pku_test_gold when the discovered lexicon (word → count) plus the
  character counts of the same raw text is the only dictionary of jieba with HMM off (a
  max-probability unigram segmenter). Digits, Latin runs and punctuation are split by jieba's
  own non-Han rules (not learned).
With --hotel it also prints the top 30 words of the hotel reviews corpus (default settings).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


from benchmarks._common import print_table, shared_data_or_exit  # noqa: E402


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()


def gold_words(path: Path) -> list[list[str]]:
    return [line.split() for line in read_lines(path)]


def is_han(ch: str) -> bool:
    from minent.text.chars import HAN, char_class

    return char_class(ch) == HAN


def spans(words: list[str]) -> set[tuple[int, int]]:
    out, i = set(), 0
    for w in words:
        out.add((i, i + len(w)))
        i += len(w)
    return out


def segment_f1(lexicon: dict[str, int], raw_texts: list[str], gold: list[list[str]]) -> tuple[float, float, float, float]:
    """P, R, F1 and OOV recall of jieba (HMM off) with *lexicon* + raw character counts as dictionary."""
    import jieba

    chars = Counter(ch for t in raw_texts for ch in t if is_han(ch))
    entries = dict(chars)
    for w, c in lexicon.items():
        entries[w] = entries.get(w, 0) + c
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        for w, c in entries.items():
            if " " not in w:
                f.write(f"{w} {c}\n")
        path = f.name
    tok = jieba.Tokenizer(dictionary=path)
    tok.initialize()
    n_gold = n_pred = n_ok = 0
    for words in gold:
        text = "".join(words)
        pred = [w for w in tok.cut(text, HMM=False) if w.strip()]
        # jieba keeps spaces as tokens; gold has none inside lines.
        g, p = spans(words), spans(pred)
        n_gold += len(g)
        n_pred += len(p)
        n_ok += len(g & p)
    Path(path).unlink()
    prec = n_ok / max(n_pred, 1)
    rec = n_ok / max(n_gold, 1)
    return prec, rec, 2 * prec * rec / max(prec + rec, 1e-12)


def evaluate(words: list[str], gold_vocab: set[str], oov: set[str]) -> tuple[float, float, float, float]:
    def p_at(k):
        top = words[:k]
        return sum(w in gold_vocab for w in top) / max(len(top), 1)

    found = set(words)
    return p_at(100), p_at(500), p_at(1000), len(found & oov) / max(len(oov), 1)


def read_bio(path: Path) -> tuple[list[str], Counter]:
    """Sentences (their characters joined) and entity strings with their annotation counts of a
    BIO file (one ``char tag`` per line, a blank line between sentences)."""
    sentences, entities = [], Counter()
    chars, tags = [], []

    def flush() -> None:
        if chars:
            sentences.append("".join(chars))
            current = None
            for c, t in zip(chars, tags):
                if t.startswith("B-"):
                    if current:
                        entities[current] += 1
                    current = c
                elif t.startswith("I-") and current is not None:
                    current += c
                else:
                    if current:
                        entities[current] += 1
                    current = None
            if current:
                entities[current] += 1
        chars.clear()
        tags.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if not fields:
            flush()
            continue
        chars.append(fields[0] if len(fields) > 1 else " ")
        tags.append(fields[-1])
    flush()
    return sentences, entities


SAMPLE_NAMES = ("钟岫云", "符远舟", "葛念秋", "邝石生", "郁长庚")


def ranking_report(data: Path, ranks: list[str]) -> None:
    """The issue-17 numbers for each ranking, side by side."""
    from minent.io.corpus import Corpus
    from minent.words.newwords.discover import find_new_words, load_known

    known = load_known(jieba=True)
    sentences, entities = read_bio(data / "ner" / "msra_ner_dev.bio")
    gold = {w for w, c in entities.items() if len(w) >= 2 and c >= 5 and w not in known}
    pku = data / "sighan2005"
    raw = read_lines(pku / "pku_dev.utf8") + read_lines(pku / "pku_test.utf8")
    gold_seg = gold_words(pku / "pku_test_gold.utf8")
    sample = [line for line in (Path(__file__).resolve().parents[1] / "data" / "sample.txt")
              .read_text(encoding="utf-8").splitlines()]
    hotel = Corpus([str(data / "corpora" / "ChnSentiCorp_htl_all.csv")], csv_column="review")
    rows, tops = [], {}
    for rank in ranks:
        t = time.perf_counter()
        r = find_new_words(sentences, known=known, rank=rank, jobs=2)
        msra_s = time.perf_counter() - t
        words = [w.word for w in r.words]
        share = sum(w in gold for w in words[:100]) / 100
        rec1000 = len(set(words[:1000]) & gold) / len(gold)
        rec_all = len(set(words) & gold) / len(gold)
        lex = find_new_words(raw, rank=rank, jobs=2)
        _, _, f1 = segment_f1({w.word: w.count for w in lex.words}, raw, gold_seg)
        s = [w.word for w in find_new_words(sample, known=known, rank=rank).words]
        in10 = sum(n in s[:10] for n in SAMPLE_NAMES)
        in20 = sum(n in s[:20] for n in SAMPLE_NAMES)
        rows.append([rank, len(words), f"{share:.3f}", f"{rec1000:.3f}", f"{rec_all:.3f}", len(lex.words),
                     f"{f1:.4f}", f"{in10}/{len(SAMPLE_NAMES)}", f"{in20}/{len(SAMPLE_NAMES)}", f"{msra_s:.2f}"])
        tops[rank] = (find_new_words(hotel, known=known, rank=rank, jobs=2).words[:30], s[:10])
    print(f"MSRA NER dev ({sum(map(len, sentences))} chars, --exclude-known): {len(gold)} gold entities "
          f"(>= 2 chars, annotated >= 5 times, not in jieba's dictionary). PKU: learn from raw dev+test, "
          f"segment pku_test with jieba (HMM off) and the lexicon as its only dictionary.")
    print_table(["rank", "MSRA words", "share@100", "recall@1000", "recall", "PKU words", "PKU seg F1",
                 "sample names top10", "top20", "MSRA s"], rows)
    for rank, (hotel_top, sample_top) in tops.items():
        print(f"\n--rank {rank}: sample top 10: {' '.join(sample_top)}")
        print(f"--rank {rank}: hotel reviews top 30 (--exclude-known):")
        print("  ".join(f"{w.word}({w.count})" for w in hotel_top))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rank", choices=["both", "count", "novelty"], default="both",
                    help="rankings compared by the default report")
    ap.add_argument("--methods", action="store_true", help="the table of methods and settings on PKU")
    ap.add_argument("--quick", action="store_true", help="--methods: only the default settings of each method")
    ap.add_argument("--grid", action="store_true", help="--methods: min_count x min_pmi grid (to choose defaults)")
    ap.add_argument("--hotel", action="store_true", help="--methods: also print the top 30 words of the hotel reviews")
    args = ap.parse_args()
    data = shared_data_or_exit()
    if not args.methods:
        ranking_report(data, ["count", "novelty"] if args.rank == "both" else [args.rank])
        return
    from minent.words.newwords.discover import find_new_words

    pku = data / "sighan2005"
    raw = read_lines(pku / "pku_dev.utf8") + read_lines(pku / "pku_test.utf8")
    gold = gold_words(pku / "pku_test_gold.utf8")
    gold_vocab = {w for line in gold for w in line}
    train = set(read_lines(pku / "pku_training_words.utf8"))
    train = {w.strip() for w in train}
    oov = {w for w in gold_vocab if w not in train and len(w) >= 2 and all(is_han(c) for c in w)}

    settings = [
        ("cohesion", {}),
        ("entropy", {}),
        ("pmi-split", {}),
    ]
    if args.grid:
        settings = [(m, {"min_count": c, **({"min_pmi": p} if p else {})})
                    for m, ps in (("cohesion", [None, "1,3,5", "3,5,7", "2,3,4"]), ("pmi-split", [None, "1", "2"]),
                                  ("entropy", [None]))
                    for p in ps for c in (2, 3, 4)]
    elif not args.quick:
        settings += [
            ("cohesion", {"min_pmi": "1,3,5"}),
            ("cohesion", {"min_pmi": "3,5,7"}),
            ("cohesion", {"min_count": 3}),
            ("cohesion", {"min_count": 12}),
            ("cohesion", {"order": 6}),
            ("entropy", {"min_entropy": 2.0}),
            ("entropy", {"min_entropy": 0.5, "min_pmi": "2"}),
            ("pmi-split", {"min_pmi": "1"}),
            ("pmi-split", {"min_pmi": "2"}),
        ]
    rows = []
    rank = "novelty" if args.rank == "both" else args.rank
    for method, kw in settings:
        t = time.perf_counter()
        r = find_new_words(raw, method=method, rank=rank, **kw)
        elapsed = time.perf_counter() - t
        words = [w.word for w in r.words]
        p100, p500, p1000, oov_rec = evaluate(words, gold_vocab, oov)
        lexicon = {w.word: w.count for w in r.words}
        prec, rec, f1 = segment_f1(lexicon, raw, gold)
        label = method + ("" if not kw else " " + " ".join(f"{k}={v}" for k, v in kw.items()))
        rows.append([label, r.settings["min_count"], len(words), p100, p500, p1000, oov_rec, prec, rec, f1, elapsed])
    print(f"--rank {rank}. PKU: learn from raw dev+test ({sum(map(len, raw))} chars); gold test vocabulary {len(gold_vocab)} words, "
          f"{len(oov)} OOV words (>= 2 Han chars); segmentation = jieba HMM off with lexicon + char counts")
    print_table(["setting", "min_count", "words", "P@100", "P@500", "P@1000", "OOV recall", "seg P", "seg R", "seg F1", "sec"],
                [[r[0], r[1], r[2]] + [float(f"{x:.3f}") for x in r[3:10]] + [r[10]] for r in rows])
    if args.hotel:
        from minent.io.corpus import Corpus

        hotel = Corpus([str(data / "corpora" / "ChnSentiCorp_htl_all.csv")], csv_column="review")
        r = find_new_words(hotel)
        print(f"\nhotel reviews, top 30 ({' '.join(f'{k}={v}' for k, v in r.settings.items())}):")
        print("  ".join(f"{w.word}({w.count})" for w in r.words[:30]))
        from minent.words.newwords.discover import load_known

        known = load_known(jieba=True)
        r = find_new_words(hotel, known=known)
        print(f"\nhotel reviews, top 30 not in jieba's dictionary (--exclude-known):")
        print("  ".join(f"{w.word}({w.count})" for w in r.words[:30]))


if __name__ == "__main__":
    main()
