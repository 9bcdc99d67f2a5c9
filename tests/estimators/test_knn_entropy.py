"""Kozachenko-Leonenko k-NN entropy: closed forms, a brute-force oracle, duplicates, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import digamma, gammaln

from minent.errors import DataError, UsageError
from minent.estimators.knn import knn_entropy


def brute_force(x, k):
    """The estimator by its definition, with O(n^2) distances; neighbours at distance 0 skipped."""
    x = np.asarray(x, float).reshape(len(x), -1)
    n, d = x.shape
    dist = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    eps = np.array([np.sort(row[row > 0])[k - 1] for row in dist])
    log_bd = d / 2 * math.log(math.pi) - gammaln(d / 2 + 1)
    return digamma(n) - digamma(k) + log_bd + d * np.mean(np.log(eps))


@pytest.mark.parametrize("d, tol", [(1, 0.05), (2, 0.05), (5, 0.15)])
def test_gaussian_matches_closed_form(d, tol):
    # n = 5000; the k-NN estimate's bias grows with d (tolerance stated per dimension)
    rng = np.random.default_rng(d)
    A = rng.normal(size=(d, d))
    cov = A @ A.T + np.eye(d)
    x = rng.multivariate_normal(np.zeros(d), cov, size=5000)
    truth = 0.5 * math.log((2 * math.pi * math.e) ** d * np.linalg.det(cov))
    assert abs(knn_entropy(x, k=3).entropy - truth) <= tol


def test_uniform_cube():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 2, size=(5000, 3))  # H = 3 ln 2; boundary effects bias upwards a little
    assert abs(knn_entropy(x).entropy - 3 * math.log(2)) <= 0.1
    x = rng.uniform(-1, 4, size=(5000, 1))
    assert abs(knn_entropy(x, k=1).entropy - math.log(5)) <= 0.05


@pytest.mark.parametrize("k", [1, 3, 5])
def test_matches_brute_force_definition(k):
    x = np.random.default_rng(k).normal(size=(200, 3))
    assert knn_entropy(x, k=k).entropy == pytest.approx(brute_force(x, k), rel=1e-12)


def test_bits_are_nats_over_ln2():
    x = np.random.default_rng(0).normal(size=(300, 2))
    assert knn_entropy(x, unit="bits").entropy == pytest.approx(knn_entropy(x).entropy / math.log(2), rel=1e-14)


def test_duplicates_are_finite_and_follow_the_documented_rule():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 2))
    dup = np.r_[x, x[:20], x[:5]]  # 25 copies; x[:5] appears three times
    r = knn_entropy(dup, k=3)
    assert math.isfinite(r.entropy) and r.n_duplicates == 25
    assert r.entropy == pytest.approx(brute_force(dup, 3), rel=1e-12)
    assert abs(r.entropy - knn_entropy(x).entropy) < 0.1
    # all samples at 4 points, k = 3: each point's neighbours at positive distance
    grid = np.repeat(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), 5, axis=0)
    assert math.isfinite(knn_entropy(grid, k=3).entropy)


def test_bad_input():
    with pytest.raises(DataError, match="constant"):
        knn_entropy(np.c_[np.arange(10.0), np.ones(10)])
    with pytest.raises(DataError, match="at least 4 samples"):
        knn_entropy(np.arange(3.0), k=3)
    with pytest.raises(DataError, match="distinct points"):
        knn_entropy(np.r_[np.zeros(5), np.ones(5)], k=3)
    with pytest.raises(DataError, match="NaN"):
        knn_entropy(np.r_[np.arange(9.0), np.nan])
    with pytest.raises(UsageError):
        knn_entropy(np.arange(10.0), unit="hartleys")


def test_huge_and_tiny_values_scale_exactly():
    # squared distances of 1e200 overflow (this raised IndexError from a neighbour "not found")
    # and those of 1e-170 underflow to 0 (entropy -inf): H(aX) = H(X) + d ln a
    x = np.random.default_rng(3).normal(size=(300, 2))
    base = knn_entropy(x).entropy
    for scale in (2.0**700, 2.0**-600, 1e200, 1e-170):
        got = knn_entropy(x * scale).entropy
        assert got == pytest.approx(base + 2 * math.log(scale), rel=1e-12, abs=1e-9)
    r = knn_entropy(np.array([1e308, -1e308, 1.0, 2.0, 5.0]))
    assert math.isfinite(r.entropy)
