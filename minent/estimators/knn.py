"""Kozachenko-Leonenko k-nearest-neighbour estimate of differential entropy.

For n samples x_i in R^d, with eps_i the Euclidean distance from x_i to its k-th nearest
neighbour and B_d = pi^(d/2) / Gamma(d/2 + 1) the volume of the unit d-ball,

    H = psi(n) - psi(k) + ln B_d + (d/n) sum_i ln eps_i        (nats)

(Kozachenko & Leonenko 1987; Kraskov, Stoegbauer & Grassberger 2004, eq. 20).  It is
consistent for any k; k = 3 (the default) trades a little bias for much less variance than
k = 1.  Neighbours are exact (scipy's cKDTree).

Duplicates.  A repeated point has eps = 0 and ln 0 = -inf.  minent ignores neighbours at
distance zero: eps_i is the distance to the k-th nearest sample *at a positive distance*
(other copies of x_i do not count; copies of other points count with their multiplicity).
Without duplicates this is exactly the estimator above; with them it is finite and behaves
as if the copies were spread within the resolution of the data.  ``n_duplicates`` reports
how many samples were copies.  A constant coordinate makes the distribution degenerate
(entropy -inf) and is refused.

Example:
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(5000, 1))
    >>> round(knn_entropy(x).entropy, 1)   # 1/2 ln(2 pi e) = 1.419
    1.4
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from minent.errors import DataError, UsageError
from minent.estimators import extreme_exponent

UNITS = ("nats", "bits")


@dataclass
class KnnEntropyResult:
    entropy: float
    unit: str
    n: int
    d: int
    k: int
    n_duplicates: int

    columns: ClassVar[tuple[str, ...]] = ("entropy", "unit", "n", "d", "k", "n_duplicates")

    def to_rows(self) -> list[tuple]:
        return [tuple(getattr(self, c) for c in self.columns)]

    @property
    def settings(self) -> dict:
        return {"k": self.k, "unit": self.unit}


def log_unit_ball_volume(d: int) -> float:
    """ln B_d = (d/2) ln pi - ln Gamma(d/2 + 1)."""
    return 0.5 * d * math.log(math.pi) - math.lgamma(0.5 * d + 1.0)


def kth_neighbour_distances(x: np.ndarray, k: int, *, jobs: int | None = None):
    """(eps, weights, n_duplicates): the distance from each distinct point to its k-th
    neighbour at positive distance (multiplicities counted), and how many samples sit at
    each distinct point.  See the module docstring for the treatment of duplicates."""
    from scipy.spatial import cKDTree

    uniq, counts = np.unique(x, axis=0, return_counts=True)
    m = uniq.shape[0]
    if m < k + 1:
        raise DataError(f"the k-NN estimate with k = {k} needs at least {k + 1} distinct points, got {m}")
    # The k nearest *other* distinct points hold >= k samples, so k + 1 queries suffice.
    dist, idx = cKDTree(uniq).query(uniq, k=k + 1, workers=-1 if jobs is None else jobs)
    dist, idx = dist[:, 1:], idx[:, 1:]  # drop the point itself (unique: the only one at 0)
    cum = np.cumsum(counts[idx], axis=1)
    pos = np.argmax(cum >= k, axis=1)
    eps = dist[np.arange(m), pos]
    return eps, counts, int(x.shape[0] - m)


def knn_entropy(x, *, k: int = 3, unit: str = "nats", jobs: int | None = None) -> KnnEntropyResult:
    """Kozachenko-Leonenko entropy of the rows of ``x`` (n, d) in ``unit`` (nats or bits).

    ``k``: neighbour order (default 3); ``jobs``: threads for the neighbour queries.
    """
    from scipy.special import digamma

    if unit not in UNITS:
        raise UsageError(f"unknown unit {unit!r} (choose from nats, bits)")
    if k < 1:
        raise UsageError(f"`k` must be at least 1, got {k}")
    X = np.asarray(x, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise UsageError("x must be a vector or an (n, d) matrix")
    n, d = X.shape
    if n < k + 1:
        raise DataError(f"the k-NN estimate with k = {k} needs at least {k + 1} samples, got {n}")
    if not np.isfinite(X).all():
        raise DataError("the samples contain NaN or infinite values")
    const = np.flatnonzero(X.max(axis=0) == X.min(axis=0))
    if const.size:
        raise DataError(
            f"column {const[0] + 1} is constant: the distribution is degenerate (entropy -inf)"
        )
    # samples beyond 2^±256 overflow/underflow squared distances: divide by 2^e (exact),
    # H(X) = H(X / 2^e) + d e ln 2
    e = extreme_exponent(X)
    X, log_scale = np.ldexp(X, -e), d * e * math.log(2.0)
    eps, counts, dups = kth_neighbour_distances(X, k, jobs=jobs)
    h = digamma(n) - digamma(k) + log_unit_ball_volume(d) + d * float(counts @ np.log(eps)) / n + log_scale
    if unit == "bits":
        h /= math.log(2.0)
    return KnnEntropyResult(float(h), unit, n, d, k, dups)
