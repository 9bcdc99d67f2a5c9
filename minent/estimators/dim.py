"""How many dimensions a word embedding needs: the minimum-entropy rule n > 8.33 ln N.

Source: Su Jianlin, "最小熵原理（六）：词向量的维度应该怎么选择？" (kexue.fm, 2020).  A
skip-gram-like model p(j|i) = exp(<u_i, v_j>) / Z_i with N words whose vectors lie uniformly
on the sphere of radius sqrt(n) has joint entropy approximately 2 ln N + h_n with

    h_n = ln E[exp(n cos t)] - E[n cos t exp(n cos t)] / E[exp(n cos t)],

the expectations over the angle t between two random directions, whose density on [0, pi] is
proportional to sin^(n-2) t.  A model that can still tell the words apart needs this entropy
to be negative: 2 ln N + h_n < 0.  For large n the tilted density concentrates where
cos t = 1/phi (phi the golden ratio), giving h_n ~ -(1/2) ln(phi) n = -0.2406 n, hence the rule
n > 2 ln N / 0.2406 = 8.33 ln N (N = 100000 -> 96).  ``exact_dimension`` uses the exact h_n
(numerical integration with scipy) instead of the linear approximation.

Example:
    >>> rule_dimension(100_000)
    96
    >>> round(h_n(32), 5)
    -7.77471
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from minent.errors import UsageError

#: 1/2 ln((sqrt(5) + 1) / 2): the asymptotic slope -h_n / n.
ASYMPTOTIC_SLOPE = 0.5 * math.log((math.sqrt(5.0) + 1.0) / 2.0)
#: The source's rounded coefficient of the rule n > 8.33 ln N (= 2 / 0.2401...).
RULE_COEFFICIENT = 8.33
#: Dimensions shown by ``h_table`` by default.
COMMON_DIMS = (16, 32, 50, 64, 100, 128, 200, 256, 300, 512, 768, 1024)


def rule_dimension(vocab_size: int) -> int:
    """The smallest integer n with n > 8.33 ln N (the source's rule of thumb)."""
    _check_vocab(vocab_size)
    return math.floor(RULE_COEFFICIENT * math.log(vocab_size)) + 1


def h_n(n: int) -> float:
    """The exact entropy offset h_n (see the module docstring), by numerical integration.

    The integrands exp(n cos t + (n-2) ln sin t) are scaled by their maximum (at
    cos t = c*, the root of n c^2 + (n-2) c - n = 0) so nothing overflows for large n, and
    quad is told where the peak is.  Needs n >= 2.
    """
    from scipy.integrate import quad
    from scipy.special import gammaln

    if n < 2:
        raise UsageError(f"h_n needs n >= 2, got {n}")
    c = (-(n - 2) + math.sqrt((n - 2) ** 2 + 4 * n * n)) / (2 * n)
    t_star = math.acos(c)
    log_sin_star = 0.5 * math.log1p(-c * c) if n > 2 else 0.0
    peak = n * c + (n - 2) * log_sin_star

    def weight(t: float) -> float:
        s = math.sin(t)
        if s <= 0.0:
            return 0.0 if n > 2 else math.exp(n * math.cos(t) - peak)
        return math.exp(n * math.cos(t) + (n - 2) * math.log(s) - peak)

    opts = dict(points=[t_star], limit=500, epsabs=0.0, epsrel=1e-13)
    a, _ = quad(weight, 0.0, math.pi, **opts)
    b, _ = quad(lambda t: n * math.cos(t) * weight(t), 0.0, math.pi, **opts)
    # normaliser of the angle density: int_0^pi sin^(n-2) t dt = sqrt(pi) G((n-1)/2) / G(n/2)
    log_norm = 0.5 * math.log(math.pi) + gammaln((n - 1) / 2) - gammaln(n / 2)
    return float(math.log(a) + peak - log_norm - b / a)


def exact_dimension(vocab_size: int, *, max_dim: int = 1_000_000) -> int:
    """The smallest n >= 2 with 2 ln N + h_n < 0 (h_n exact, decreasing in n)."""
    _check_vocab(vocab_size)
    target = -2.0 * math.log(vocab_size)
    # h_n is decreasing: bracket around the linear estimate, then bisect.
    lo = 2
    if h_n(lo) < target:
        return lo
    hi = max(3, rule_dimension(vocab_size))
    while h_n(hi) >= target:
        lo, hi = hi, hi * 2
        if hi > max_dim:
            raise UsageError(f"no dimension up to {max_dim} satisfies the criterion")
    while hi - lo > 1:  # invariant: h_lo >= target > h_hi
        mid = (lo + hi) // 2
        if h_n(mid) < target:
            hi = mid
        else:
            lo = mid
    return hi


def _check_vocab(vocab_size: int) -> None:
    if vocab_size < 2:
        raise UsageError(f"the vocabulary size must be at least 2, got {vocab_size}")


@dataclass
class DimResult:
    """Embedding dimension for a vocabulary of ``vocab_size`` words."""

    vocab_size: int
    rule_dim: int  # smallest n > 8.33 ln N
    exact_dim: int  # smallest n with 2 ln N + h_n < 0
    h_exact: float  # h_n at n = exact_dim

    columns: ClassVar[tuple[str, ...]] = ("vocab_size", "rule_dim", "exact_dim", "h_n")

    def to_rows(self) -> list[tuple]:
        return [(self.vocab_size, self.rule_dim, self.exact_dim, self.h_exact)]

    @property
    def settings(self) -> dict:
        return {"vocab_size": self.vocab_size}


def embedding_dimension(vocab_size: int) -> DimResult:
    """Both criteria for N = ``vocab_size`` words (see the module docstring)."""
    n = exact_dimension(vocab_size)
    return DimResult(vocab_size, rule_dimension(vocab_size), n, h_n(n))


H_TABLE_COLUMNS = ("n", "h_n", "linear_h_n", "entropy")


def h_table(dims=COMMON_DIMS, vocab_size: int | None = None) -> list[tuple]:
    """Rows (n, exact h_n, linear approximation -0.2406 n, 2 ln N + h_n or None)."""
    rows = []
    for n in dims:
        h = h_n(n)
        ent = None if vocab_size is None else 2.0 * math.log(vocab_size) + h
        rows.append((n, h, -ASYMPTOTIC_SLOPE * n, ent))
    return rows


def vocab_size_from_file(path: str) -> int:
    """Number of distinct words in a word list (:func:`minent.io.wordlists.read_words`: the first
    field of each non-blank line), e.g. a plain list or the output of ``minent count``; "-"
    reads stdin."""
    from minent.io.wordlists import read_words

    return len(read_words(path))
