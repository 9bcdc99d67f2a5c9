"""HSIC: the Hilbert-Schmidt independence criterion between two samples.

With kernel matrices K (on x) and L (on y) and the centring matrix H = I - 11'/n:

* ``biased``    HSIC_b = Tr(KHLH) / n^2                       (Gretton et al. 2005)
* ``article``   Tr(KHLH) / (n-1)^2, the normalisation of the source article (Su Jianlin,
                kexue.fm 2019, "HSIC简介"), which calls it unbiased although it is not;
                kept under its own name so its published numbers can be reproduced
* ``unbiased``  HSIC_u = [Tr(K~L~) + (1'K~1)(1'L~1)/((n-1)(n-2)) - 2/(n-2) 1'K~L~1] / (n(n-3))
                with K~, L~ the kernels with zeroed diagonals (Song et al. 2012); needs n >= 4.

Kernels: Gaussian exp(-|x-x'|^2 / (2 sigma^2)) with sigma from the median heuristic
(median of the pairwise distances |x_i - x_j|, i < j - the usual default, also hyppo's) or
linear <x, x'>.  The article's kernel exp(-(x-x')^2) is sigma = 1/sqrt(2).

Computation.  The statistic needs only the row sums of K and L and sum K_ij L_ij, so the
exact path streams over the n(n-1)/2 pairs in numba and never builds an n x n matrix: O(n)
memory, O(n^2 d) time.  Only the permutation test materialises K and L (the two n x n
matrices), because it re-reads them once per permutation.  Beyond ``max_exact`` samples a
linear-time approximation takes over:

* ``rff``    random Fourier features z(x) = m^{-1/2} [cos(w_k.x), sin(w_k.x)]_{k<m},
             w_k ~ N(0, I/sigma^2), so that z(x).z(x') ~ k(x, x'); every estimator is then
             computed exactly for the approximate kernel from D x D feature moments
             (Rahimi & Recht 2007; Zhang et al. 2018).  For the linear kernel z(x) = x is
             exact, so "rff" with a linear kernel is the exact statistic in linear time.
* ``block``  the B-test (Zaremba, Gretton & Blaschko 2013): the unbiased HSIC on
             consecutive blocks of B = sqrt(n) samples, averaged; p-value from the normal
             approximation of the mean of the block statistics.

Tests.  ``gamma``: Gretton et al. (2008)'s gamma approximation of the null distribution of
n HSIC_b, mean (1/n)(mean k(x,x) - mu_x)(mean l(y,y) - mu_y) and variance
2(n-4)(n-5)/(n(n-1)(n-2)(n-3)) * mean_{i != j} ((HKH)_ij (HLH)_ij)^2.  It is a test of
independence whatever estimator is reported (the p-value always comes from the biased
statistic).  ``permutation``: y is permuted ``permutations`` times and the p-value is
(1 + #{T_perm >= T}) / (1 + permutations) for the chosen estimator T.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=500); y = x + 0.1 * rng.normal(size=500)
    >>> r = hsic(x, y, sigma_x=2 ** -0.5, sigma_y=2 ** -0.5, estimator="article")
    >>> round(r.statistic, 2), r.pvalue < 1e-6
    (0.1, True)
"""

from __future__ import annotations

import contextlib
import logging
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from minent.errors import DataError, UsageError
from minent.estimators import extreme_exponent

log = logging.getLogger("minent")

ESTIMATORS = ("biased", "unbiased", "article")
KERNELS = ("gaussian", "linear")
TESTS = ("gamma", "permutation", "none")
APPROX = ("auto", "exact", "rff", "block")

# Two n x n float64 matrices under this many bytes "fit comfortably": 2 GiB -> n = 11585.
DEFAULT_MEMORY_BUDGET = 2 << 30
# Pairs per histogram bin above which the exact-median search narrows its range again.
_COLLECT_LIMIT = 1 << 21
_NBINS = 1 << 12
# Rows used for the random-feature covariances of the null variance (all when n is smaller).
_COV_ROWS = 1 << 16


# Below this many pair evaluations the numba kernels run on one thread: waking a thread team
# costs more than the work, and on a busy machine a descheduled thread stalls the barrier.
_SERIAL_PAIRS = 2_000_000


@contextlib.contextmanager
def _threads_for(pairs: int):
    """Run small problems single-threaded (results do not depend on the thread count)."""
    import numba

    before = numba.get_num_threads()
    if pairs < _SERIAL_PAIRS and before > 1:
        numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(before)


def default_max_exact(memory_budget: int = DEFAULT_MEMORY_BUDGET) -> int:
    """Largest n whose two n x n float64 kernel matrices fit in ``memory_budget`` bytes."""
    return int(math.isqrt(memory_budget // 16))


@dataclass
class HsicResult:
    """What ``hsic`` computed, with every setting needed to reproduce it."""

    statistic: float
    pvalue: float | None
    n: int
    estimator: str
    kernel: str
    sigma_x: float | None
    sigma_y: float | None
    test: str
    method: str
    permutations: int | None = None
    features: int | None = None
    block_size: int | None = None
    normalized: bool = False

    seed: int | None = None

    columns: ClassVar[tuple[str, ...]] = (
        "statistic", "pvalue", "n", "estimator", "kernel", "sigma_x", "sigma_y",
        "test", "method", "permutations", "features", "block_size", "normalized",
    )

    def to_rows(self) -> list[tuple]:
        return [tuple(getattr(self, c) for c in self.columns)]

    @property
    def settings(self) -> dict:
        """The parameters that produced the statistic (those that apply to its method)."""
        keys = ("kernel", "estimator", "method", "test", "permutations", "features", "block_size", "seed")
        return {k: getattr(self, k) for k in keys if getattr(self, k) is not None}


def as_samples(a, name: str = "x") -> np.ndarray:
    """``a`` as a C-contiguous float64 (n, d) array (1-d input is one column)."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise UsageError(f"{name} must be a vector or an (n, d) matrix, got {arr.ndim} dimensions")
    return np.ascontiguousarray(arr)


# ----------------------------------------------------------------------------- bandwidth


def median_pair_distance(x, *, max_points: int | None = None, seed: int | None = 0) -> float:
    """Median of |x_i - x_j| over all pairs i < j (exact, O(n) memory).

    The median heuristic sigma.  The exact median is found by histogram selection over
    the squared pair distances: a min/max pass, then histograms over narrower and
    narrower ranges until the bins holding the middle rank(s) contain few enough values
    to collect and sort - typically three passes, no n^2 array.  With ``max_points`` and
    n > max_points, it is the exact median over a random subset of ``max_points``
    samples (``seed``), the standard shortcut for large n.  For an even number of pairs
    the median is the mean of the two middle distances (as numpy's).
    """
    X = as_samples(x)
    n = X.shape[0]
    if max_points is not None and n > max_points:
        idx = np.sort(np.random.default_rng(seed).choice(n, size=max_points, replace=False))
        X = np.ascontiguousarray(X[idx])
        n = max_points
    with _threads_for(n * (n - 1) // 2):
        return _median_search(X, n)


def _median_search(X, n):
    from minent.estimators.kernels import pair_sqdist_collect, pair_sqdist_stats

    XT = np.ascontiguousarray(X.T)
    m = n * (n - 1) // 2
    if m == 0:
        raise UsageError("the median heuristic needs at least 2 samples")
    r0, r1 = (m - 1) // 2, m // 2
    # Start from the bounding-box diagonal (no min/max pass); refining handles loose bounds.
    span = X.max(axis=0) - X.min(axis=0)
    lo, hi = 0.0, float(span @ span) * (1 + 1e-6)
    for _ in range(64):
        hist, below, vmin, vmax = pair_sqdist_stats(XT, lo, hi, _NBINS)
        if vmin == vmax:
            # every value in range (the middle ranks among them) is equal, e.g. ties
            return float(math.sqrt(vmin))
        nbelow = int(below.sum())
        total = hist.sum(axis=0)
        cum = nbelow + np.cumsum(total)
        b0 = int(np.searchsorted(cum, r0, side="right"))
        b1 = int(np.searchsorted(cum, r1, side="right"))
        count = int(total[b0 : b1 + 1].sum())
        # Narrow to the middle bins, one bin of margin on each side against rounding.
        width = (hi - lo) / _NBINS
        new_lo, new_hi = max(lo, lo + (b0 - 1) * width), min(hi, lo + (b1 + 2) * width)
        if count <= _COLLECT_LIMIT or (new_lo, new_hi) == (lo, hi):  # (the latter: ties)
            counts = hist[:, b0 : b1 + 1].sum(axis=1)
            vals = np.sort(pair_sqdist_collect(XT, lo, hi, _NBINS, b0, b1, counts))
            start = nbelow + int(total[:b0].sum())
            return float(0.5 * (math.sqrt(vals[r0 - start]) + math.sqrt(vals[r1 - start])))
        lo, hi = new_lo, new_hi
    raise RuntimeError("median search did not converge")  # pragma: no cover


def _bandwidth(X, sigma, name, kernel, *, max_points, seed):
    if kernel == "linear":
        return None, 0.0
    if sigma is None:
        sigma = median_pair_distance(X, max_points=max_points, seed=seed)
        if sigma == 0.0:
            raise UsageError(
                f"the median distance between {name} samples is 0 (more than half the pairs "
                f"are identical), so the median heuristic fails: give `sigma_{name}`"
            )
    elif not (sigma > 0 and math.isfinite(sigma)):
        raise UsageError(f"`sigma_{name}` must be a positive number, got {sigma}")
    return float(sigma), 1.0 / (2.0 * sigma * sigma)


# ----------------------------------------------------------------------------- estimators


def _from_sums(estimator, n, rk, rl, dk, dl, a_off, b_off=None, dkl=None):
    """An HSIC estimator from the pair sums (off-diagonal row sums, diagonals, sum K~.L~).

    ``b_off`` = sum_i rk_i rl_i and ``dkl`` = sum_i dk_i dl_i may be given (arrays, for a
    batch of permutations); otherwise they are computed from the vectors.
    """
    if estimator == "unbiased":
        if b_off is None:
            b_off = rk @ rl
        sk, sl = rk.sum(), rl.sum(axis=-1)
        return (a_off + sk * sl / ((n - 1) * (n - 2)) - 2.0 * b_off / (n - 2)) / (n * (n - 3))
    # Tr(KHLH) = sum K_ij L_ij - (2/n) sum_i RK_i RL_i + (1'K1)(1'L1)/n^2, RK = full row sums
    if dkl is None:
        dkl = dk @ dl
    if b_off is None:
        b_off = (rk + dk) @ (rl + dl)
    sk, sl = rk.sum() + dk.sum(), rl.sum(axis=-1) + dl.sum(axis=-1)
    tr = a_off + dkl - 2.0 * b_off / n + sk * sl / (n * n)
    return tr / (n * n) if estimator == "biased" else tr / ((n - 1) ** 2)


def _gamma_pvalue(n, hsic_b, mean, var):
    """Gretton's gamma test: P(G >= n HSIC_b), G ~ Gamma fitted to the null of n HSIC_b.

    ``mean``/``var`` are the null mean and variance of HSIC_b; n HSIC_b then has shape
    mean^2/var and scale n var/mean.
    """
    # scipy.special, not scipy.stats (whose import costs a third of a warm `minent hsic`):
    # gammaincc(k, x / theta) is what scipy.stats.gamma.sf(x, k, scale=theta) computes
    from scipy.special import gammaincc

    if not (mean > 0 and var > 0):
        return 1.0
    return float(gammaincc(mean * mean / var, n * hsic_b / (n * var / mean)))


def hsic(
    x,
    y,
    *,
    kernel: str = "gaussian",
    sigma_x: float | None = None,
    sigma_y: float | None = None,
    estimator: str = "biased",
    test: str = "gamma",
    permutations: int = 1000,
    seed: int | None = 0,
    max_exact: int | None = None,
    approx: str = "auto",
    features: int = 100,
    block_size: int | None = None,
    median_points: int = 2000,
    normalize: bool = False,
) -> HsicResult:
    """HSIC between paired samples ``x`` (n, p) and ``y`` (n, q), with a p-value.

    Parameters mirror ``minent hsic``: ``kernel`` gaussian|linear; ``sigma_x``/``sigma_y``
    Gaussian widths (median heuristic when None); ``estimator`` biased|unbiased|article;
    ``test`` gamma|permutation|none; ``permutations`` and ``seed`` for the permutation
    test, the random features and the median subsample; ``max_exact`` (default: two n x n
    float64 matrices in 2 GiB, n = 11585) above which ``approx="auto"`` switches to random
    Fourier features (logged); ``approx`` exact|rff|block forces a method; ``features`` the
    number D of random features (D/2 frequencies); ``block_size`` for the block method
    (default sqrt(n)); ``median_points`` the subsample size for the median heuristic on
    the approximate paths; ``normalize`` reports HSIC(x, y) / sqrt(HSIC(x, x) HSIC(y, y))
    with the same estimator (centred kernel alignment; with the unbiased estimator and
    sigma_y = sigma_x this is hyppo's ``Hsic`` statistic), exact method only - the
    p-value is unchanged, the denominators being permutation-invariant.  See the module
    docstring for the formulas.
    """
    for val, allowed, what in (
        (kernel, KERNELS, "kernel"), (estimator, ESTIMATORS, "estimator"),
        (test, TESTS, "test"), (approx, APPROX, "approx"),
    ):
        if val not in allowed:
            raise UsageError(f"unknown {what} {val!r} (choose from {', '.join(allowed)})")
    X, Y = as_samples(x, "x"), as_samples(y, "y")
    for arr, name in ((X, "x"), (Y, "y")):
        if not np.isfinite(arr).all():
            raise DataError(f"{name} contains NaN or infinite values")
    n = X.shape[0]
    if Y.shape[0] != n:
        raise UsageError(f"x has {n} samples but y has {Y.shape[0]}: they must be paired")
    min_n = 4 if estimator == "unbiased" else 2
    if n < min_n:
        raise UsageError(f"the {estimator} estimator needs at least {min_n} samples, got {n}")
    if test == "gamma" and n < 6:
        # the unbiased estimator works from 4 samples: report the statistic without a p-value
        log.warning("warning: the gamma test needs at least 6 samples (n = %d): no p-value "
                    "(a permutation test works from 2)", n)
        test = "none"
    if test == "permutation" and permutations < 1:
        raise UsageError("`permutations` must be at least 1")
    if seed is not None and (not isinstance(seed, (int, np.integer)) or seed < 0):
        raise UsageError(f"`seed` must be a non-negative integer or None, got {seed!r}")
    if max_exact is None:
        max_exact = default_max_exact()

    method = approx
    if approx == "auto":
        method = "exact" if n <= max_exact else "rff"
        if method != "exact":
            log.info("n = %d > max-exact = %d: using the linear-time random-feature approximation", n, max_exact)
    if method != "exact" and test == "permutation":
        log.info("the permutation test needs the exact kernels; using the %s approximation's own test",
                 "gamma" if method == "rff" else "normal")
        test = "gamma"
    if normalize and method != "exact":
        raise UsageError(
            f"the normalised statistic is computed by the exact method only (n = {n}; raise "
            "`max_exact` or drop `normalize`)"
        )
    if method == "block" and estimator != "unbiased":
        log.info("block HSIC averages unbiased block statistics: reporting the unbiased estimator")
        estimator = "unbiased"

    # Samples beyond 2^±256 overflow/underflow squared distances and products: divide each side
    # by a power of two (exact). Gaussian statistics are unchanged when the widths scale along;
    # a linear-kernel HSIC scales by 4^(ex+ey) (normalised: unchanged).
    ex, ey = extreme_exponent(X), extreme_exponent(Y)
    X, Y = np.ldexp(X, -ex), np.ldexp(Y, -ey)
    sigma_x = None if sigma_x is None else math.ldexp(sigma_x, -ex)
    sigma_y = None if sigma_y is None else math.ldexp(sigma_y, -ey)
    mp = None if method == "exact" else median_points
    with _threads_for(min(n, mp or n) ** 2 // 2):
        sx, gx = _bandwidth(X, sigma_x, "x", kernel, max_points=mp, seed=seed)
        sy, gy = _bandwidth(Y, sigma_y, "y", kernel, max_points=mp,
                            seed=None if seed is None else seed + 1)
    work = n * n // 2 if method == "exact" else n * features
    if method == "exact" and test == "permutation":
        work *= permutations
    with _threads_for(work):
        if method == "exact":
            stat, pvalue = _exact(X, Y, kernel, gx, gy, estimator, test, permutations, seed,
                                  normalize)
        elif method == "rff":
            stat, pvalue = _rff(X, Y, kernel, sx, sy, estimator, test, features, seed)
        else:
            block_size = block_size or max(8, int(math.isqrt(n)))
            stat, pvalue = _block(X, Y, kernel, gx, gy, test, block_size)
            if test != "none":
                test = "normal"
    if kernel == "linear" and not normalize and (ex or ey):
        try:
            stat = math.ldexp(float(stat), 2 * (ex + ey))
        except OverflowError:
            raise DataError("the linear-kernel HSIC of samples this large overflows float64: rescale them") from None
    sx = None if sx is None else math.ldexp(sx, ex)
    sy = None if sy is None else math.ldexp(sy, ey)
    return HsicResult(
        statistic=float(stat), pvalue=pvalue, n=n, estimator=estimator, kernel=kernel,
        sigma_x=sx, sigma_y=sy, test=test, method=method,
        permutations=permutations if test == "permutation" else None,
        features=features if method == "rff" and kernel == "gaussian" else None,
        block_size=block_size if method == "block" else None,
        normalized=normalize, seed=seed,
    )


def _exact(X, Y, kernel, gx, gy, estimator, test, permutations, seed, normalize=False):
    from minent.estimators import kernels as kern

    kind = kern.GAUSSIAN if kernel == "gaussian" else kern.LINEAR
    n = X.shape[0]
    XT, YT = np.ascontiguousarray(X.T), np.ascontiguousarray(Y.T)
    rk, rl, dk, dl, (a_off, a_kk, a_ll) = kern.hsic_pair_sums(XT, YT, kind, gx, kind, gy)
    stat = _from_sums(estimator, n, rk, rl, dk, dl, a_off)
    # HSIC(x, x) and HSIC(y, y): permutation-invariant, so the tests below are unchanged.
    scale = None
    if normalize:
        vx = _from_sums(estimator, n, rk, rk, dk, dk, a_kk)
        vy = _from_sums(estimator, n, rl, rl, dl, dl, a_ll)
        scale = 1.0 / math.sqrt(vx * vy) if vx * vy > 0 else 0.0
    stat, pvalue = _exact_test(XT, YT, kind, gx, gy, rk, rl, dk, dl, a_off, stat,
                               estimator, test, permutations, seed)
    return (stat * scale if normalize else stat), pvalue


def _exact_test(XT, YT, kind, gx, gy, rk, rl, dk, dl, a_off, stat, estimator, test,
                permutations, seed):
    """p-value of ``stat`` from the pair sums: Gretton's gamma test or permutations."""
    from minent.estimators import kernels as kern

    n = XT.shape[1]
    if test == "none":
        return stat, None
    if test == "gamma":
        hsic_b = stat if estimator == "biased" else _from_sums("biased", n, rk, rl, dk, dl, a_off)
        RK, RL = rk + dk, rl + dl
        sk, sl = RK.sum() / (n * n), RL.sum() / (n * n)
        v = kern.centred_product_sq_sum(XT, YT, kind, gx, kind, gy, RK / n, RL / n, sk, sl)
        mu_x, mu_y = rk.sum() / (n * (n - 1)), rl.sum() / (n * (n - 1))
        mean = (dk.mean() - mu_x) * (dl.mean() - mu_y) / n
        var = 2.0 * (n - 4) * (n - 5) / (n * (n - 1) * (n - 2) * (n - 3)) * v / (n * (n - 1))
        return stat, _gamma_pvalue(n, hsic_b, mean, var)
    # Permutation test: the only place the two n x n matrices exist.
    K = kern.gram(XT, kind, gx)
    L = kern.gram(YT, kind, gy)
    rng = np.random.default_rng(seed)
    exceed = 0
    # Batches bound the permutation array to ~32 MB whatever n and the count are.
    batch = max(1, min(permutations, (32 << 20) // (8 * n)))
    done = 0
    vk, vl = (rk, rl) if estimator == "unbiased" else (rk + dk, rl + dl)
    while done < permutations:
        t = min(batch, permutations - done)
        perms = np.argsort(rng.random((t, n)), axis=1)
        a_p, b_p = kern.permuted_sums(K, L, vk, vl, perms)
        stats = _from_sums(estimator, n, rk, rl[perms], dk, dl[perms], a_p, b_p, dl[perms] @ dk)
        exceed += int(np.count_nonzero(stats >= stat))
        done += t
    del K, L
    return stat, (1 + exceed) / (1 + permutations)


def _rff(X, Y, kernel, sx, sy, estimator, test, features, seed):
    """Every estimator, exactly, for the kernel z(x).z(x') of the features, in O(n D^2)."""
    from minent.estimators.kernels import feature_moments

    n = X.shape[0]
    rng = np.random.default_rng(seed)
    m = max(1, features // 2)
    rff = kernel == "gaussian"
    Wx = rng.normal(scale=1.0 / sx, size=(X.shape[1], m)) if rff else np.zeros((X.shape[1], 0))
    Wy = rng.normal(scale=1.0 / sy, size=(Y.shape[1], m)) if rff else np.zeros((Y.shape[1], 0))
    # The feature covariances (null variance only) from ~2^16 rows spread over the data.
    from minent.estimators.kernels import NCHUNKS

    cov_rows = -(-_COV_ROWS // NCHUNKS)
    parts = feature_moments(np.ascontiguousarray(X.T), Wx, rff, np.ascontiguousarray(Y.T), Wy, rff,
                            cov_rows)
    Sx, Sy, Cxy, Cxx, Cyy, u, w, (qxy, qx_sum, qy_sum), subx, suby = (a.sum(axis=0) for a in parts)
    # Pair sums of the feature kernel: a_off = ||Cxy||^2 - sum qx qy, row sums rk_i = zx_i.Sx - qx_i.
    a_off = float((Cxy * Cxy).sum()) - qxy
    sum_rk, sum_rl = Sx @ Sx - qx_sum, Sy @ Sy - qy_sum
    b_off = Sx @ Cxy @ Sy - Sx @ u - Sy @ w + qxy  # sum_i rk_i rl_i
    if estimator == "unbiased":
        stat = (a_off + sum_rk * sum_rl / ((n - 1) * (n - 2)) - 2.0 * b_off / (n - 2)) / (n * (n - 3))
    C = Cxy - np.outer(Sx, Sy) / n  # Zx' H Zy
    tr = float((C * C).sum())  # Tr(K H L H) for the feature kernel
    hsic_b = tr / (n * n)
    if estimator == "biased":
        stat = hsic_b
    elif estimator == "article":
        stat = tr / ((n - 1) ** 2)
    if test == "none":
        return stat, None
    # Null of n HSIC_b ~ sum_ij lambda_i^x lambda_j^y chi2_1 (eigenvalues of the centred
    # feature covariances): mean Tr(Cx)Tr(Cy) (= Gretton's (1 - mu_x)(1 - mu_y) form),
    # variance 2 ||Cx||_F^2 ||Cy||_F^2; divide by n and n^2 for HSIC_b.
    m_cov = subx[0]
    Cx = (Cxx - np.outer(subx[1:], subx[1:]) / m_cov) / m_cov
    Cy = (Cyy - np.outer(suby, suby) / m_cov) / m_cov
    mean = np.trace(Cx) * np.trace(Cy) / n
    var = 2.0 * float((Cx * Cx).sum()) * float((Cy * Cy).sum()) / (n * n)
    return stat, _gamma_pvalue(n, hsic_b, mean, var)


def _block(X, Y, kernel, gx, gy, test, block_size):
    from scipy.special import ndtr  # the normal CDF (scipy.stats.norm.sf(z) is ndtr(-z))

    from minent.estimators import kernels as kern

    if block_size < 4:
        raise UsageError("`block_size` must be at least 4")
    nb = X.shape[0] // block_size
    if nb < 2:
        raise UsageError(f"block HSIC needs at least 2 blocks of {block_size} samples")
    kind = kern.GAUSSIAN if kernel == "gaussian" else kern.LINEAR
    stats = kern.block_unbiased(np.ascontiguousarray(X.T), np.ascontiguousarray(Y.T), kind, gx, kind, gy, block_size)
    stat = float(stats.mean())
    if test == "none":
        return stat, None
    sd = float(stats.std(ddof=1))
    if sd == 0.0:
        return stat, 1.0 if stat <= 0 else 0.0
    return stat, float(ndtr(-(stat / (sd / math.sqrt(nb)))))
