"""HSIC: numba kernels against textbook O(n^2) formulas and brute-force definitions, the
source article's numbers, invariances, p-value calibration, approximations, bad input."""

from __future__ import annotations

import itertools
import logging
import math

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import pdist

from minent.errors import DataError, UsageError
from minent.estimators import hsic as H
from minent.estimators.hsic import hsic, median_pair_distance
from minent.estimators import kernels as K

ARTICLE_SIGMA = 2**-0.5  # the article's kernel exp(-(x - x')^2)


# ----------------------------------------------------------------------------- oracles


def gram(x, sigma, kernel="gaussian"):
    x = np.asarray(x, dtype=float).reshape(len(x), -1)
    if kernel == "linear":
        return x @ x.T
    d2 = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    return np.exp(-d2 / (2 * sigma * sigma))


def textbook(Km, Lm, estimator):
    """The O(n^2)-memory formulas as written in docs/algorithms.md §5."""
    n = len(Km)
    Hc = np.eye(n) - np.ones((n, n)) / n
    if estimator in ("biased", "article"):
        tr = np.trace(Km @ Hc @ Lm @ Hc)
        return tr / n**2 if estimator == "biased" else tr / (n - 1) ** 2
    Kt, Lt = Km.copy(), Lm.copy()
    np.fill_diagonal(Kt, 0)
    np.fill_diagonal(Lt, 0)
    one = np.ones(n)
    return (np.trace(Kt @ Lt) + (one @ Kt @ one) * (one @ Lt @ one) / ((n - 1) * (n - 2))
            - 2 / (n - 2) * one @ Kt @ Lt @ one) / (n * (n - 3))


def u_statistic(Km, Lm):
    """HSIC_u by its definition (Song et al. 2012, eq. 5): the average over ordered 4-tuples
    of distinct indices of h = 1/4! sum over the tuple's orderings (t,u,v,w) of
    k_tu l_tu + k_tu l_vw - 2 k_tu l_tv."""
    n = len(Km)
    total = 0.0
    count = 0
    for tup in itertools.permutations(range(n), 4):
        h = 0.0
        for t, u, v, w in itertools.permutations(tup):
            h += Km[t, u] * Lm[t, u] + Km[t, u] * Lm[v, w] - 2 * Km[t, u] * Lm[t, v]
        total += h / 24
        count += 1
    return total / count


def gretton_gamma_pvalue(Km, Lm):
    """Gretton's hsicTestGamma.m (2008), transcribed with explicit matrices."""
    n = len(Km)
    Hc = np.eye(n) - np.ones((n, n)) / n
    Kc, Lc = Hc @ Km @ Hc, Hc @ Lm @ Hc
    test_stat = np.sum(Kc * Lc) / n
    v = (Kc * Lc / 6) ** 2
    v = (v.sum() - np.trace(v)) / n / (n - 1)
    v = 72 * (n - 4) * (n - 5) / n / (n - 1) / (n - 2) / (n - 3) * v
    K0, L0 = Km - np.diag(np.diag(Km)), Lm - np.diag(np.diag(Lm))
    mu_x, mu_y = K0.sum() / n / (n - 1), L0.sum() / n / (n - 1)
    m = (1 + mu_x * mu_y - mu_x - mu_y) / n
    al, bet = m**2 / v, v * n / m
    return stats.gamma.sf(test_stat, al, scale=bet)


def close(a, b, tol=1e-10):
    return abs(a - b) <= tol and abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300) + tol * 1e-3


@pytest.fixture(scope="module")
def dependent():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(120, 3))
    y = np.c_[np.sin(x[:, 0]) + 0.3 * rng.normal(size=120), rng.normal(size=120)]
    return x, y


# ----------------------------------------------------------------------------- kernels


def test_exp_neg_matches_numpy_to_a_few_ulp():
    x = np.concatenate([-np.linspace(0, 708, 200_001), -np.logspace(-300, 2.85, 10_000), [0.0, -0.0, -1e-320]])
    got = K.exp_neg(x)
    assert np.max(np.abs(got / np.exp(x) - 1)) < 1e-14
    assert K.exp_neg(np.array([-800.0]))[0] == pytest.approx(math.exp(-708.0), rel=1e-14)  # clamp


def test_sincos_matches_numpy():
    rng = np.random.default_rng(0)
    t = np.concatenate([rng.uniform(-1e6, 1e6, 100_000), rng.uniform(-10, 10, 100_000),
                        np.arange(-8, 9) * math.pi / 4, [0.0, -0.0, 1e-300]])
    s, c = K.sincos(t)
    assert np.max(np.abs(s - np.sin(t))) < 1e-15 and np.max(np.abs(c - np.cos(t))) < 1e-15


def test_rff_rows_with_huge_arguments_fall_back_to_libm():
    # |w.x| > 1e6 happens only with a tiny sigma; the libm branch must give the same features
    rng = np.random.default_rng(2)
    x = rng.normal(size=(300, 1)) * 1e7
    y = x + rng.normal(size=(300, 1)) * 1e7
    r = hsic(x, y, approx="rff", sigma_x=1e-3, sigma_y=1e-3, test="none", features=20, seed=1)
    g = np.random.default_rng(1)
    Wx, Wy = g.normal(scale=1e3, size=(1, 10)), g.normal(scale=1e3, size=(1, 10))
    zx = np.hstack([np.cos(x @ Wx), np.sin(x @ Wx)]) / math.sqrt(10)
    zy = np.hstack([np.cos(y @ Wy), np.sin(y @ Wy)]) / math.sqrt(10)
    assert r.statistic == pytest.approx(textbook(zx @ zx.T, zy @ zy.T, "biased"), rel=1e-6)


@pytest.mark.parametrize("estimator", ["biased", "unbiased", "article"])
@pytest.mark.parametrize("kernel", ["gaussian", "linear"])
def test_statistic_equals_textbook_formula(dependent, estimator, kernel):
    x, y = dependent
    r = hsic(x, y, kernel=kernel, estimator=estimator, test="none")
    want = textbook(gram(x, r.sigma_x, kernel), gram(y, r.sigma_y, kernel), estimator)
    assert abs(r.statistic - want) <= 1e-10 * max(1.0, abs(want))
    assert r.statistic == pytest.approx(want, rel=1e-9)
    assert r.method == "exact" and r.pvalue is None


def test_unbiased_matches_its_u_statistic_definition():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=8), rng.normal(size=8)
    y[:4] += x[:4]
    r = hsic(x, y, estimator="unbiased", sigma_x=0.8, sigma_y=1.3, test="none")
    assert r.statistic == pytest.approx(u_statistic(gram(x, 0.8), gram(y, 1.3)), rel=1e-10, abs=1e-14)


def test_smallest_sizes():
    x, y = np.array([0.0, 1.0, 3.0, 7.0]), np.array([1.0, 0.0, 2.0, 5.0])
    for est in ("biased", "unbiased", "article"):
        r = hsic(x, y, estimator=est, sigma_x=1.0, sigma_y=2.0, test="none")
        assert r.statistic == pytest.approx(textbook(gram(x, 1.0), gram(y, 2.0), est), rel=1e-12)


def test_invariant_to_joint_permutation(dependent):
    x, y = dependent
    p = np.random.default_rng(1).permutation(len(x))
    for est in ("biased", "unbiased"):
        a = hsic(x, y, estimator=est, test="gamma")
        b = hsic(x[p], y[p], estimator=est, test="gamma")
        assert (a.sigma_x, a.sigma_y) == (b.sigma_x, b.sigma_y)
        assert b.statistic == pytest.approx(a.statistic, rel=1e-12)
        assert b.pvalue == pytest.approx(a.pvalue, rel=1e-9)


def test_same_result_whatever_the_thread_count(dependent):
    import numba

    x, y = dependent
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = hsic(x, y, test="gamma")
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        b = hsic(x, y, test="gamma")
    finally:
        numba.set_num_threads(before)
    assert a == b


# ----------------------------------------------------------------------------- median heuristic


@pytest.mark.parametrize(
    "x",
    [
        np.random.default_rng(0).normal(size=(301, 2)),  # odd number of pairs? 301*300/2 even
        np.random.default_rng(1).normal(size=(202, 1)),  # 202*201/2 = 20301: odd
        np.random.default_rng(2).integers(0, 3, size=(150, 2)).astype(float),  # many ties
        np.r_[np.random.default_rng(3).normal(size=99), 1e12][:, None],  # huge outlier
        np.array([[0.0], [1.0]]),
        np.array([[5.0], [5.0], [5.0], [6.0]]),
    ],
)
def test_median_pair_distance_is_exact(x):
    assert median_pair_distance(x) == pytest.approx(float(np.median(pdist(x))), rel=1e-14, abs=0)


def test_median_refines_when_bins_are_crowded(monkeypatch):
    monkeypatch.setattr(H, "_COLLECT_LIMIT", 50)
    monkeypatch.setattr(H, "_NBINS", 8)
    rng = np.random.default_rng(5)
    for x in (rng.normal(size=(300, 3)), rng.integers(0, 4, size=(200, 1)).astype(float)):
        assert median_pair_distance(x) == pytest.approx(float(np.median(pdist(x))), rel=1e-14)


def test_median_subsample_is_seeded():
    x = np.random.default_rng(0).normal(size=(5000, 1))
    a = median_pair_distance(x, max_points=500, seed=3)
    assert a == median_pair_distance(x, max_points=500, seed=3)
    assert a == pytest.approx(float(np.median(pdist(x))), rel=0.1)


# ----------------------------------------------------------------------------- tests of independence


def test_gamma_pvalue_matches_grettons_code(dependent):
    x, y = dependent
    for sl in (slice(None), slice(0, 40)):  # dependent (tiny p) and a weaker sample
        r = hsic(x[sl], y[sl], test="gamma")
        want = gretton_gamma_pvalue(gram(x[sl], r.sigma_x), gram(y[sl], r.sigma_y))
        assert r.pvalue == pytest.approx(want, rel=1e-8, abs=1e-300)


@pytest.mark.parametrize("estimator", ["biased", "unbiased", "article"])
def test_permutation_statistics_are_the_statistics_of_permuted_y(dependent, estimator):
    x, y = dependent
    x, y = x[:50], y[:50]
    n = len(x)
    r = hsic(x, y, estimator=estimator, test="none")
    XT, YT = np.ascontiguousarray(x.T), np.ascontiguousarray(y.T)
    gx, gy = 1 / (2 * r.sigma_x**2), 1 / (2 * r.sigma_y**2)
    rk, rl, dk, dl, a_off = K.hsic_pair_sums(XT, YT, K.GAUSSIAN, gx, K.GAUSSIAN, gy)
    perms = np.argsort(np.random.default_rng(0).random((5, n)), axis=1)
    vk, vl = (rk, rl) if estimator == "unbiased" else (rk + dk, rl + dl)
    a_p, b_p = K.permuted_sums(K.gram(XT, K.GAUSSIAN, gx), K.gram(YT, K.GAUSSIAN, gy), vk, vl, perms)
    got = H._from_sums(estimator, n, rk, rl[perms], dk, dl[perms], a_p, b_p, dl[perms] @ dk)
    want = [textbook(gram(x, r.sigma_x), gram(y[p], r.sigma_y), estimator) for p in perms]
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)


def test_permutation_pvalue_is_seeded_and_sensible(dependent):
    x, y = dependent
    a = hsic(x, y, test="permutation", permutations=200, seed=5)
    assert a == hsic(x, y, test="permutation", permutations=200, seed=5)
    assert a.pvalue == 1 / 201  # strongly dependent: no permutation reaches it
    rng = np.random.default_rng(11)
    b = hsic(rng.normal(size=60), rng.normal(size=60), test="permutation", permutations=199, seed=1)
    assert 1 / 200 <= b.pvalue <= 1 and b.pvalue * 200 == round(b.pvalue * 200)


def _null_pvalues(trials, n, **kw):
    rng = np.random.default_rng(2024)
    return np.array([hsic(rng.normal(size=n), rng.normal(size=(n, 2)), **kw).pvalue for _ in range(trials)])


def test_null_calibration_gamma_small():
    # The full >= 300-trial calibration is benchmarks/calibrate_hsic.py; this is its small version.
    p = _null_pvalues(200, 80, test="gamma")
    assert 0.015 <= np.mean(p < 0.05) <= 0.095  # binomial(200, 0.05): 10 +/- 3.1
    assert stats.kstest(p, "uniform").pvalue > 1e-3


def test_null_calibration_permutation_small():
    p = _null_pvalues(60, 40, test="permutation", permutations=99, estimator="unbiased")
    assert np.mean(p < 0.05) <= 0.15
    assert stats.kstest(p, "uniform").pvalue > 1e-3


# ----------------------------------------------------------------------------- known answers


def test_source_article_numbers():
    # Su's article: n = 1000, kernel exp(-(x - x')^2), Tr(KHLH)/(n-1)^2:
    # y = x + 0.1 noise -> ~0.096; x, y independent -> ~0.0002.
    for seed in range(3):
        rng = np.random.default_rng(seed)
        x, e, z = rng.normal(size=(3, 1000))
        kw = dict(sigma_x=ARTICLE_SIGMA, sigma_y=ARTICLE_SIGMA, estimator="article", test="none")
        assert abs(hsic(x, x + 0.1 * e, **kw).statistic - 0.096) <= 0.01
        assert hsic(x, z, **kw).statistic < 0.001


def test_quadratic_dependence_detected_at_n_200():
    for seed in range(3):
        rng = np.random.default_rng(seed)
        x = rng.normal(size=200)
        y = x**2 + rng.normal(size=200)
        assert abs(np.corrcoef(x, y)[0, 1]) < 0.2  # invisible to correlation...
        assert hsic(x, y, test="gamma").pvalue < 1e-3  # ...not to HSIC
        assert hsic(x, y, test="permutation", permutations=200, seed=seed).pvalue < 0.01


# ----------------------------------------------------------------------------- approximations


@pytest.mark.parametrize("estimator", ["biased", "unbiased", "article"])
def test_linear_kernel_features_path_is_exact(dependent, estimator):
    x, y = dependent
    a = hsic(x, y, kernel="linear", estimator=estimator, test="none")
    b = hsic(x, y, kernel="linear", estimator=estimator, test="none", approx="rff")
    assert b.method == "rff" and b.features is None
    assert b.statistic == pytest.approx(a.statistic, rel=1e-10)


@pytest.mark.parametrize("estimator", ["biased", "unbiased", "article"])
def test_rff_is_exact_for_its_own_feature_kernel(dependent, estimator):
    x, y = dependent
    r = hsic(x, y, estimator=estimator, test="none", approx="rff", features=40, seed=9)
    rng = np.random.default_rng(9)  # the draws hsic makes: Wx then Wy
    Wx = rng.normal(scale=1 / r.sigma_x, size=(x.shape[1], 20))
    Wy = rng.normal(scale=1 / r.sigma_y, size=(y.shape[1], 20))
    zx = np.hstack([np.cos(x @ Wx), np.sin(x @ Wx)]) / math.sqrt(20)
    zy = np.hstack([np.cos(y @ Wy), np.sin(y @ Wy)]) / math.sqrt(20)
    assert r.statistic == pytest.approx(textbook(zx @ zx.T, zy @ zy.T, estimator), rel=1e-9)


def test_rff_approximates_the_exact_statistic():
    rng = np.random.default_rng(4)
    x = rng.normal(size=3000)
    y = np.cos(2 * x) + 0.5 * rng.normal(size=3000)
    exact = hsic(x, y, test="gamma")
    approx = hsic(x, y, test="gamma", approx="rff", features=200)
    assert approx.statistic == pytest.approx(exact.statistic, rel=0.15)
    assert approx.pvalue < 1e-6 and exact.pvalue < 1e-6
    z = rng.normal(size=3000)
    assert hsic(x, z, test="gamma", approx="rff").pvalue > 1e-3


def test_block_hsic_is_the_mean_of_block_unbiased_statistics(dependent):
    x, y = dependent
    r = hsic(x, y, approx="block", block_size=20, test="gamma")
    blocks = [textbook(gram(x[s:s + 20], r.sigma_x), gram(y[s:s + 20], r.sigma_y), "unbiased")
              for s in range(0, 120, 20)]
    assert r.statistic == pytest.approx(np.mean(blocks), rel=1e-10)
    assert (r.method, r.test, r.estimator, r.block_size) == ("block", "normal", "unbiased", 20)
    sd = np.std(blocks, ddof=1)
    assert r.pvalue == pytest.approx(stats.norm.sf(np.mean(blocks) / (sd / math.sqrt(6))), rel=1e-9)


def test_auto_switches_to_the_approximation_beyond_max_exact(caplog):
    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    with caplog.at_level(logging.INFO, logger="minent"):
        r = hsic(x, x + rng.normal(size=500), max_exact=100, test="permutation")
    assert r.method == "rff" and r.test == "gamma" and r.pvalue < 1e-6
    assert "max-exact" in caplog.text and "permutation" in caplog.text


# ----------------------------------------------------------------------------- bad input


def test_bad_calls():
    x = np.arange(10.0)
    with pytest.raises(UsageError, match="at least 4"):
        hsic(x[:3], x[:3] ** 2, estimator="unbiased", test="none")
    with pytest.raises(UsageError, match="paired"):
        hsic(x, x[:9])
    # 4 and 5 samples: the unbiased statistic exists, the gamma test does not (warned, no p-value)
    r = hsic(x[:5], x[:5] ** 2, estimator="unbiased")
    assert r.test == "none" and r.pvalue is None and np.isfinite(r.statistic)
    with pytest.raises(UsageError, match="positive"):
        hsic(x, x, sigma_x=-1.0)
    with pytest.raises(UsageError, match="median"):
        hsic(np.r_[np.zeros(8), 1.0, 2.0], x)
    with pytest.raises(UsageError, match="unknown estimator"):
        hsic(x, x, estimator="fancy")
    with pytest.raises(DataError, match="y contains NaN"):
        hsic(x, np.r_[x[:9], np.nan])


# ----------------------------------------------------------------------------- normalised HSIC


@pytest.mark.parametrize("estimator", ["biased", "unbiased"])
def test_normalised_is_the_ratio_of_three_hsics(dependent, estimator):
    x, y = dependent
    kw = dict(estimator=estimator, test="gamma")
    r = hsic(x, y, sigma_x=1.1, sigma_y=0.9, normalize=True, **kw)
    xy = hsic(x, y, sigma_x=1.1, sigma_y=0.9, **kw)
    xx = hsic(x, x, sigma_x=1.1, sigma_y=1.1, **kw)
    yy = hsic(y, y, sigma_x=0.9, sigma_y=0.9, **kw)
    assert r.statistic == pytest.approx(xy.statistic / math.sqrt(xx.statistic * yy.statistic), rel=1e-10)
    assert r.pvalue == xy.pvalue and r.normalized
    with pytest.raises(UsageError, match="exact method only"):
        hsic(x, y, normalize=True, approx="rff")


def test_normalised_unbiased_equals_hyppos_hsic_statistic():
    from hyppo.independence import Hsic  # test-only reference (pyproject extra "test")

    rng = np.random.default_rng(8)
    x = rng.normal(size=(150, 2))
    y = np.c_[x[:, 0] ** 2 + rng.normal(size=150)]
    s = median_pair_distance(x)  # hyppo uses x's median distance for both kernels
    r = hsic(x, y, sigma_x=s, sigma_y=s, estimator="unbiased", normalize=True, test="none")
    assert r.statistic == pytest.approx(Hsic().statistic(x, y), rel=1e-9)


def test_samples_beyond_float_range_of_squared_distances():
    # 1e200 overflowed the squared distances: sigma came out 2e-155 and a linear-kernel statistic
    # nan, silently. Scaling by powers of two is exact, so the results match bit for bit.
    rng = np.random.default_rng(0)
    x = rng.normal(size=60)
    y = x**2 + 0.3 * rng.normal(size=60)
    for kw in ({}, {"estimator": "unbiased"}, {"approx": "rff"}, {"approx": "block"},
               {"test": "permutation", "permutations": 20, "seed": 2}):
        a, b = hsic(x, y, **kw), hsic(x * 2.0**600, y * 2.0**-700, **kw)
        assert (b.statistic, b.pvalue) == (a.statistic, a.pvalue)
        assert (b.sigma_x, b.sigma_y) == (a.sigma_x * 2.0**600, a.sigma_y * 2.0**-700)
    a = hsic(x, y, kernel="linear")
    b = hsic(x * 2.0**300, y * 2.0**-400, kernel="linear")
    assert (b.statistic, b.pvalue) == (a.statistic * 2.0**-200, a.pvalue)
    big = hsic(x * 1e200, y, sigma_x=1e200)
    assert big.statistic == pytest.approx(hsic(x, y, sigma_x=1.0).statistic, rel=1e-12)
    with pytest.raises(DataError, match="overflows"):
        hsic(x * 1e300, y * 1e300, kernel="linear")
