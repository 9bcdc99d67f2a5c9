"""Straightforward pure-Python new-word discovery: the oracle minent is checked against.

Counter over substrings of pieces, dicts and string slicing only — the obvious implementation of
docs/algorithms.md §2.2 / §2.3 / §2.4 with the same text handling as ``minent.words.newwords.discover``. Used by the
tests (exact equality) and by ``python -m benchmarks.bench_newwords`` (the speed baseline).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

# Characters that are word characters for new-word discovery: CJK ideographs and Latin letters
# (digits separate pieces, see minent.words.newwords.discover). Built from minent's class table so both sides
# agree on what a piece is.


def _piece_re():
    import numpy as np

    from minent.text.chars import HAN, LATIN, char_class_table

    table = char_class_table()
    ok = (table == HAN) | (table == LATIN)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], ok.view(np.int8), [0]))))
    parts = []
    for lo, hi in zip(edges[0::2].tolist(), (edges[1::2] - 1).tolist()):
        parts.append(re.escape(chr(lo)) + ("-" + re.escape(chr(hi)) if hi > lo else ""))
    return re.compile("[" + "".join(parts) + "]+")


def oracle_pieces(texts):
    from minent.text.chars import normalize

    rx = _piece_re()
    for t in texts:
        yield from rx.findall(normalize(t))


def oracle_new_words(texts, *, method="cohesion", order=4, min_count=None, thresholds=None,
                     min_entropy=1.0, min_length=2, max_length=None, known=None):
    """Rows (word, count, cohesion, left entropy, right entropy) sorted like minent's output."""
    from minent.words.newwords.discover import auto_min_count, parse_thresholds

    pieces = list(oracle_pieces(texts))
    ngrams = Counter()
    for p in pieces:
        for k in range(1, order + 1):
            for i in range(len(p) - k + 1):
                ngrams[p[i:i + k]] += 1
    total = sum(len(p) for p in pieces)
    m = min_count if min_count is not None else auto_min_count(total)
    th = parse_thresholds(thresholds, order, method)
    if max_length is None:
        max_length = order if method == "entropy" else 16
    if method == "entropy":
        max_length = min(max_length, order)
    freq = {w: c for w, c in ngrams.items() if c >= m}

    def pmi(w):
        # log is monotonic, so the min of the logs is the log of the min ratio.
        return math.log(min(total * freq[w] / (freq[w[:i]] * freq[w[i:]]) for i in range(1, len(w))))

    if method == "entropy":
        cand = {w: c for w, c in freq.items() if 2 <= len(w) <= max_length and pmi(w) >= th[len(w)]}
    else:
        if method == "cohesion":
            G = {w for w in freq if len(w) >= 2 and pmi(w) >= th[len(w)]}
            n = order
        else:
            t2 = sum(len(p) - 1 for p in pieces)
            G = {w for w in freq if len(w) == 2
                 and math.log(t2 * freq[w] / (ngrams[w[0]] * ngrams[w[1]])) >= th[2]}
            n = 2
        counts = Counter()
        for p in pieces:
            joined = [False] * len(p)
            for i in range(len(p)):
                for k in range(2, n + 1):
                    if i + k <= len(p) and p[i:i + k] in G:
                        for t in range(i, i + k - 1):
                            joined[t] = True
            s = 0
            for i in range(len(p)):
                if not joined[i]:
                    if 2 <= i + 1 - s <= max_length:
                        counts[p[s:i + 1]] += 1
                    s = i + 1
        cand = {}
        for w, c in counts.items():
            if c < m:
                continue
            if method == "cohesion" and len(w) > 2:
                k = min(len(w), order)
                if not all(w[i:i + k] in G for i in range(len(w) - k + 1)):
                    continue
            cand[w] = c

    def cohesion(w):
        k = min(len(w), order)
        return min(pmi(w[i:i + k]) for i in range(len(w) - k + 1))

    words = [w for w in cand if min_length <= len(w) <= max_length
             and not (w.isascii() and w.isalpha()) and not (known and w in known)]
    # Branching entropy over every occurrence inside a piece; boundaries are distinct neighbours.
    want = set(words)
    lens = sorted({len(w) for w in words})
    left, right, occ = defaultdict(Counter), defaultdict(Counter), Counter()
    for p in pieces:
        for i in range(len(p)):
            for k in lens:
                w = p[i:i + k]
                if len(w) == k and w in want:
                    occ[w] += 1
                    if i > 0:
                        left[w][p[i - 1]] += 1
                    if i + k < len(p):
                        right[w][p[i + k]] += 1

    def ent(w, side):
        n = occ[w]
        return max(0.0, math.log(n) - math.fsum(c * math.log(c) for c in side[w].values()) / n)

    rows = []
    for w in words:
        hl, hr = ent(w, left), ent(w, right)
        if method == "entropy" and (hl < min_entropy or hr < min_entropy):
            continue
        rows.append((w, cand[w], cohesion(w), hl, hr))
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows


def main() -> None:
    """``python -m tests.words.newwords_oracle FILE [--method M]``: the oracle's rows as TSV."""
    import argparse
    import sys

    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--method", default="cohesion")
    args = ap.parse_args()
    with open(args.file, encoding="utf-8") as f:
        texts = [line.rstrip("\r\n") for line in f]
    out = sys.stdout
    for w, c, coh, hl, hr in oracle_new_words(texts, method=args.method):
        out.write(f"{w}\t{c}\t{coh!r}\t{hl!r}\t{hr!r}\t{float(c)!r}\n")


if __name__ == "__main__":
    main()
