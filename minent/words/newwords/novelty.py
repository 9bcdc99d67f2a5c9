"""Novelty ranking of new-word candidates against a background model (docs/newwords-ranking.md).

The score of a candidate w seen n times in a corpus of T characters is

    novelty(w) = ln( n₋ / (N · q(w)) ) − (−ln q(w)) / n,      N = T / mean_length,
    score(w)   = novelty(w) · e(w),  e(w) = min(e_L(w), e_R(w))   (for novelty > 0; see score())

It is the description length saved per use of w when w becomes a word of the lexicon (minimum
description length, the project's principle): each of the n uses costs ``−ln(n₋/N)`` instead of
the background's ``−ln q(w)``, and the new lexicon entry costs the spelling of w once under the
background, ``−ln q(w)``, shared by the n uses.

* ``q(w)``: probability of w under the background unigram model (its best segmentation into
  background words, :class:`minent.words.newwords.background.Background`); characters the background does not
  know are priced at their relative frequency in the corpus. ``N · q(w)`` is the number of
  occurrences the background expects in a corpus of N tokens.
* ``n₋``: the lower end of the one-sided 95% confidence interval of the Poisson mean given n
  observations (Wilson–Hilferty: ``n (1 − 1/(9n) − z/(3√n))³``, z = 1.645), so a word seen 5
  times must beat the background by more than one seen 500 times: the first term is "at least
  this many times more frequent than ordinary language predicts", in nats.
* ``−ln q(w) / n``: the lexicon entry's cost per use. A long string seen twice (a quoted line of
  verse) has a huge first term but pays half its spelling per use; a name seen 50 times pays 2%.
* ``e_L``, ``e_R``: evidence of a word boundary on each side, ``min(1, H/1 nat)`` for the
  branching entropy H of that side, or 1 when the background itself cuts there (the word was
  found by removing a known word or a free character next to it). A fragment that always
  follows the same character (马里奥 in 罗马里奥) has e_L = 0.

The units inside a candidate piece (:func:`new_word_units`) come from the background's
segmentation of the piece: it is split at free characters (common words by themselves: 的 了
是 也 和 ...), and within each part the runs of characters that the background cannot group into
its multi-character words are the new words (新华社 记者 [薛 原] 报道 → 薛原), unless every
character of the run is an ordinary (common) character (这一); a part without such a run is a
compound of known words (印尼 女队), which is not a unit when it is one known word and one
ordinary character (过程 中, 一定 要).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

Z95 = 1.6448536269514722  # standard normal quantile of 0.95
BOUNDARY_NATS = 1.0  # branching entropy that counts as full evidence of a boundary (e ≈ 2.7 neighbours)


def logs(values) -> np.ndarray:
    """``math.log`` of every value (−inf for 0): libm's log, the same bits wherever the value sits
    in an array (numpy's vectorised log may differ in the last bit between SIMD lanes)."""
    return np.array([math.log(v) if v > 0 else -math.inf for v in np.asarray(values, dtype=np.float64).tolist()],
                    dtype=np.float64)


def poisson_lower(n) -> np.ndarray:
    """Lower one-sided 95% confidence bound of a Poisson mean from n observed events
    (Wilson–Hilferty approximation of ½·χ²(2n, 0.05); within 3% of the exact value for n >= 2
    and 1% for n >= 3, 0 for n = 0).

    >>> [round(float(x), 2) for x in poisson_lower([1, 5, 100])]
    [0.04, 1.97, 84.14]
    """
    n = np.asarray(n, dtype=np.float64)
    safe = np.maximum(n, 1.0)
    lo = safe * (1.0 - 1.0 / (9.0 * safe) - Z95 / (3.0 * np.sqrt(safe))) ** 3
    return np.where(n > 0, np.maximum(lo, 0.0), 0.0)


def novelty(counts, logprob, total_chars: int, mean_length: float) -> np.ndarray:
    """``ln(n₋ / (N q)) + ln(q) / n`` with ``N = total_chars / mean_length``, ``ln q = logprob``
    (nats) and n = *counts*.

    >>> round(float(novelty([5], [math.log(1e-6)], 1_000_000, 2.0)[0]), 3)   # ln(1.966 / 0.5) − 13.816 / 5
    -1.394
    """
    n = np.asarray(counts, dtype=np.float64)
    lp = np.asarray(logprob, dtype=np.float64)
    expected_tokens = max(float(total_chars), 1.0) / max(float(mean_length), 1e-12)
    return logs(poisson_lower(n)) - math.log(expected_tokens) - lp + lp / np.maximum(n, 1.0)


def score(novelty_, evidence) -> np.ndarray:
    """``novelty − (1 − e)·|novelty|``: novelty·e for a new word (novelty > 0), and a word less
    frequent than the background predicts is pushed further down by a weak boundary, not up.

    >>> score(np.array([4.0, -4.0]), np.array([0.5, 0.5])).tolist()
    [2.0, -6.0]
    """
    nov = np.asarray(novelty_, dtype=np.float64)
    return nov - (1.0 - np.asarray(evidence, dtype=np.float64)) * np.abs(nov)


def boundary_evidence(hl, hr, cut_left, cut_right) -> np.ndarray:
    """``min(e_L, e_R)``: per side 1 where the background cuts, else ``min(1, H / 1 nat)``."""
    el = np.where(cut_left, 1.0, np.minimum(1.0, np.asarray(hl, dtype=np.float64) / BOUNDARY_NATS))
    er = np.where(cut_right, 1.0, np.minimum(1.0, np.asarray(hr, dtype=np.float64) / BOUNDARY_NATS))
    return np.minimum(el, er)


def new_word_units(words: Sequence[str], background, char_logprob: Callable[[np.ndarray], np.ndarray]):
    """The new-word units inside each candidate piece (module docstring).

    Returns ``(units, ntok)``: for every word a list of ``(start, end, tokens, left, right)``:
    the character span of a unit; for a compound of known words its number of background
    tokens, 0 for a run of characters the background cannot group into words; and for a run,
    the start of the known word just before it and the end of the one just after it in the
    piece (``left == start`` / ``right == end`` when there is none), which
    :func:`bind_neighbours` may join to it; for a compound, the end of its first token and the
    start of its last one. ``ntok``: background tokens of each word.

    >>> from minent.words.newwords.background import load_background
    >>> bg = load_background()
    >>> lp = lambda cps: np.full(len(cps), -19.0)
    >>> ws = ["新华社记者薛原报道", "印尼女队", "也是", "实践是检验真理的唯一标准", "这一", "过程中"]
    >>> units, _ = new_word_units(ws, bg, lp)
    >>> [[w[a:b] for a, b, *_ in u] for w, u in zip(ws, units)]
    [['薛原'], ['印尼女队'], [], ['实践', '检验真理', '唯一标准'], [], []]
    >>> [(w[l:a], w[b:r]) for w, u in zip(ws, units) for a, b, t, l, r in u if t == 0]
    [('记者', '报道')]
    >>> [(w[a:l], w[r:b]) for w, u in zip(ws, units) for a, b, t, l, r in u if t == 2]
    [('印尼', '女队'), ('检验', '真理')]
    """
    _, ntok, ends, starts = background.routes(words, char_logprob)
    cps = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"), dtype=np.int32)
    free = background.free_mask(cps).tolist()
    ordinary = background.ordinary_mask(cps).tolist()
    from minent.text.chars import HAN, char_class_table

    han = (char_class_table()[cps] == HAN).tolist()
    ntok_l, ends_l, starts_l = ntok.tolist(), ends.tolist(), starts.tolist()
    FREE, SINGLE, KNOWN = 0, 1, 2
    out = []
    for i in range(len(words)):
        base = starts_l[i]
        # tokens (start, end, kind), then parts between free characters
        tokens, a = [], 0
        for e in ends_l[base:base + ntok_l[i]]:
            tokens.append([a, e, KNOWN if e - a > 1 else (FREE if free[base + a] else SINGLE)])
            a = e
        for t in range(1, len(tokens) - 1):  # a free character between two rare Han ones: a name's (陈和生)
            if tokens[t][2] == FREE and tokens[t - 1][2] == tokens[t + 1][2] == SINGLE and all(
                    han[base + c] and not ordinary[base + c] for c in (tokens[t - 1][0], tokens[t + 1][0])):
                tokens[t][2] = SINGLE
        parts, part = [], []
        for a, e, kind in tokens:
            if kind == FREE:
                if part:
                    parts.append(part)
                part = []
            else:
                part.append((a, e, kind))
        if part:
            parts.append(part)
        units = []
        for part in parts:
            found = False
            j = 0
            while j < len(part):
                if part[j][2] != SINGLE:
                    j += 1
                    continue
                k = j
                while k < len(part) and part[k][2] == SINGLE:
                    k += 1
                ra, rb = part[j][0], part[k - 1][1]
                if rb - ra >= 2:
                    found = True
                    if all(ordinary[base + ra:base + rb]):
                        j = k
                        continue
                    left = part[j - 1][0] if j > 0 else ra
                    right = part[k][1] if k < len(part) else rb
                    units.append((ra, rb, 0, left, right))
                j = k
            if found or part[-1][1] - part[0][0] < 2:
                continue
            if len(part) == 2 and any(kind == SINGLE and ordinary[base + a] for a, _, kind in part):
                continue  # a known word and an ordinary character
            units.append((part[0][0], part[-1][1], len(part), part[0][1], part[-1][0]))
        out.append(units)
    return out, ntok


def bind_neighbours(count_neighbour: int, count_joined: int) -> bool:
    """Whether a known word next to a run of new characters belongs to the new word: when most
    of the known word's occurrences are inside the joined string (阿南 in 阿南史代, 维特 in
    奇拉维特), else it is a free neighbour (记者 in 记者薛原)."""
    return count_neighbour > 0 and 2 * count_joined >= count_neighbour


def named(first: Sequence[str], last: Sequence[str], tokens: Sequence[int], background) -> np.ndarray:
    """Mask of the compounds that are names, given their first and last background tokens and
    their number of tokens: the first is a proper noun of the background (a place,
    organisation, person or other name) of two characters or more, and a compound of three
    tokens or more does not end with a person's name (a title between a name and a name,
    美国 财政部长 鲁宾, makes no new word; the person's name is the word). Names of organisations
    and teams are head-final compounds that begin with a name (印尼 女队, 非洲 发展 银行, 青岛
    海牛 队); a foreign name may be two names of the background (罗马 里奥).

    >>> from minent.words.newwords.background import load_background
    >>> named(["印尼", "解决", "美国", "陈", "罗马"], ["女队", "问题", "鲁宾", "明亮", "里奥"], [2, 2, 3, 2, 2],
    ...       load_background()).tolist()
    [True, False, False, False, True]
    """
    from minent.words.newwords.background import PERSON

    if not len(first):
        return np.zeros(0, dtype=bool)
    kinds = background.name_kinds(list(first) + list(last))
    long_first = np.fromiter((len(w) >= 2 for w in first), dtype=bool, count=len(first))
    titled = (np.asarray(tokens) >= 3) & (kinds[len(first):] == PERSON)
    return long_first & (kinds[:len(first)] > 0) & ~titled


def compound_of_words(words: Sequence[str], counts: Sequence[int], count_of: Callable[[str], int]) -> np.ndarray:
    """Mask of the words that are two strings of two characters or more, each seen more than
    twice as often as the word (``count_of``), i.e. mostly on their own: a compound of words
    the corpus uses anyway (中美两国 = 中美 + 两国), not a word.

    >>> seen = {"中美": 78, "两国": 355, "钟岫": 9, "岫云": 9}.get
    >>> compound_of_words(["中美两国", "钟岫云"], [22, 9], lambda s: seen(s, 0)).tolist()
    [True, False]
    """
    out = np.zeros(len(words), dtype=bool)
    for i, (w, c) in enumerate(zip(words, counts)):
        out[i] = any(count_of(w[:k]) > 2 * c and count_of(w[k:]) > 2 * c for k in range(2, len(w) - 1))
    return out


def free_extensions(words: Sequence[str], counts: Sequence[int], new: Sequence[bool], background) -> np.ndarray:
    """Mask of the words that are a shorter new word plus a free neighbour: ``u = v + e`` or
    ``e + v`` where e is a background word and v a new word (*new*: not a background word; v of
    2 characters or more) seen more than twice as often as u, i.e. mostly without e (符远舟问 =
    符远舟 + 问 when 符远舟 is seen 55 times and 符远舟问 3 times). An extension that is not a
    background word is not free (罗森施廷格尔 stays although the fragment 格尔 is frequent).

    >>> from minent.words.newwords.background import load_background
    >>> free_extensions(["符远舟", "符远舟问", "印尼女队"], [55, 3, 43], [True, True, True], load_background()).tolist()
    [False, True, False]
    """
    seen = {w: c for w, c, n in zip(words, counts, new) if n}
    pairs = []  # (word index, extension) of the candidate splits
    for i, (u, c) in enumerate(zip(words, counts)):
        limit = 2 * c
        for k in range(2, len(u)):
            if seen.get(u[:k], 0) > limit:
                pairs.append((i, u[k:]))
            if seen.get(u[len(u) - k:], 0) > limit:
                pairs.append((i, u[:len(u) - k]))
    out = np.zeros(len(words), dtype=bool)
    if pairs:
        known = background.are_words([e for _, e in pairs])
        for (i, _), k in zip(pairs, known.tolist()):
            out[i] |= k
    return out


@dataclass
class RankingReport:
    """Precision@K and recall of a ranked word list against a gold word list."""

    gold: int  # gold words
    listed: int  # rows of the ranked list
    precision: dict  # K -> share of the top K rows that are gold words
    recall_at: dict  # K -> share of the gold words within the top K rows
    recall: float  # share of the gold words anywhere in the list

    def summary(self) -> str:
        p = " ".join(f"@{k} {v:.3f}" for k, v in self.precision.items())
        r = " ".join(f"@{k} {v:.3f}" for k, v in self.recall_at.items())
        return (f"{self.gold} gold words, {self.listed} rows; precision {p}; recall {r}, "
                f"all rows {self.recall:.3f}")


def evaluate_ranking(words: Sequence[str], gold: Iterable[str], ks: Sequence[int] = (10, 100, 1000)) -> RankingReport:
    """Precision@K (gold words among the top K rows, over K) and recall (gold words listed, over
    the gold) of the ranked *words*.

    >>> evaluate_ranking(["a", "x", "b", "y"], {"a", "b", "c", "d"}, ks=(1, 2)).summary()
    '4 gold words, 4 rows; precision @1 1.000 @2 0.500; recall @1 0.250 @2 0.250, all rows 0.500'
    """
    gold = set(gold)
    hit = np.fromiter((w in gold for w in words), dtype=bool, count=len(words))
    cum = np.concatenate([[0], np.cumsum(hit)])
    n = max(len(gold), 1)
    precision = {k: float(cum[min(k, len(words))]) / k for k in ks}
    recall_at = {k: float(cum[min(k, len(words))]) / n for k in ks}
    return RankingReport(len(gold), len(words), precision, recall_at, float(len(gold & set(words))) / n)
