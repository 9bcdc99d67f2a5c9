"""Numba kernels for HSIC: pair sums without kernel matrices, Gram matrices, permutations.

Everything here takes plain float64 arrays ``X`` of shape (n, d) and returns arrays or
scalars; no I/O, no Python objects.  Kernels are identified by an integer code:

    GAUSSIAN = 0   k(x, x') = exp(-gamma * |x - x'|^2)        (gamma = 1 / (2 sigma^2))
    LINEAR   = 1   k(x, x') = <x, x'>

Work over the n(n-1)/2 pairs is split into ``NCHUNKS`` fixed chunks of "folded" rows
(row i together with row n-1-i, so every chunk gets the same number of pairs).  The chunk
count does not depend on the number of threads, so sums are reduced in the same order -
and give bit-identical results - whatever ``numba.set_num_threads`` says.  Each chunk
writes only its own row of the per-chunk accumulators (ownership, no atomics).
"""

import numpy as np
from numba import njit, prange

GAUSSIAN = 0
LINEAR = 1

# Fixed number of work chunks (see module docstring).  64 keeps up to ~16 threads busy.
NCHUNKS = 64


@njit(cache=True, inline="always")
def _sqdist(X, i, j):
    s = 0.0
    for k in range(X.shape[1]):
        t = X[i, k] - X[j, k]
        s += t * t
    return s


@njit(cache=True, inline="always")
def _kval(X, i, j, kind, gamma):
    if kind == GAUSSIAN:
        return np.exp(-gamma * _sqdist(X, i, j))
    s = 0.0
    for k in range(X.shape[1]):
        s += X[i, k] * X[j, k]
    return s


@njit(cache=True, inline="always")
def _chunk_rows(n, c, nchunks):
    """Rows handled by chunk c: folded pairs (i, n-1-i) for i = c, c+nchunks, ..."""
    half = (n + 1) // 2
    m = 0
    for i in range(c, half, nchunks):
        m += 1 if i == n - 1 - i else 2
    rows = np.empty(m, dtype=np.int64)
    m = 0
    for i in range(c, half, nchunks):
        rows[m] = i
        m += 1
        if i != n - 1 - i:
            rows[m] = n - 1 - i
            m += 1
    return rows


# --------------------------------------------------------------------------- median


@njit(cache=True, parallel=True)
def pair_sqdist_stats(X, lo, hi, nbins):
    """Histogram of squared pair distances d2(i, j), i < j, restricted to [lo, hi].

    Returns (hist[NCHUNKS, nbins], below[NCHUNKS], vmin, vmax) where ``below`` counts
    pairs with d2 < lo and vmin/vmax are the extremes of the values inside [lo, hi]
    (inf/-inf if none).  Bin of v: min(int((v - lo) * nbins / (hi - lo)), nbins - 1)
    (everything in bin 0 when hi == lo).
    """
    n = X.shape[0]
    hist = np.zeros((NCHUNKS, nbins), dtype=np.int64)
    below = np.zeros(NCHUNKS, dtype=np.int64)
    mins = np.full(NCHUNKS, np.inf)
    maxs = np.full(NCHUNKS, -np.inf)
    scale = nbins / (hi - lo) if hi > lo else 0.0
    for c in prange(NCHUNKS):
        rows = _chunk_rows(n, c, NCHUNKS)
        for r in range(rows.shape[0]):
            i = rows[r]
            for j in range(i + 1, n):
                v = _sqdist(X, i, j)
                if v < lo:
                    below[c] += 1
                elif v <= hi:
                    b = int((v - lo) * scale)
                    if b >= nbins:
                        b = nbins - 1
                    hist[c, b] += 1
                    if v < mins[c]:
                        mins[c] = v
                    if v > maxs[c]:
                        maxs[c] = v
    return hist, below, mins.min(), maxs.max()


@njit(cache=True, parallel=True)
def pair_sqdist_collect(X, lo, hi, nbins, b0, b1, counts):
    """Squared pair distances whose bin (as in ``pair_sqdist_stats``) lies in [b0, b1].

    ``counts[c]`` is how many such values chunk c holds (from the histogram), which gives
    each chunk its own slice of the output.
    """
    n = X.shape[0]
    offsets = np.zeros(NCHUNKS + 1, dtype=np.int64)
    for c in range(NCHUNKS):
        offsets[c + 1] = offsets[c] + counts[c]
    out = np.empty(offsets[NCHUNKS], dtype=np.float64)
    scale = nbins / (hi - lo) if hi > lo else 0.0
    for c in prange(NCHUNKS):
        rows = _chunk_rows(n, c, NCHUNKS)
        pos = offsets[c]
        for r in range(rows.shape[0]):
            i = rows[r]
            for j in range(i + 1, n):
                v = _sqdist(X, i, j)
                if v < lo or v > hi:
                    continue
                b = int((v - lo) * scale)
                if b >= nbins:
                    b = nbins - 1
                if b0 <= b <= b1:
                    out[pos] = v
                    pos += 1
    return out


# --------------------------------------------------------------------------- pair sums


@njit(cache=True, parallel=True)
def hsic_pair_sums(X, Y, kind_x, gamma_x, kind_y, gamma_y):
    """One pass over all pairs, no n x n matrix: the sums every HSIC estimator needs.

    Returns (rk, rl, dk, dl, a_off) with
        rk[i] = sum_{j != i} k(x_i, x_j)      (off-diagonal row sums of K; same for rl)
        dk[i] = k(x_i, x_i)                    (diagonal; same for dl)
        a_off = sum_{i != j} K_ij L_ij
    """
    n = X.shape[0]
    rk_acc = np.zeros((NCHUNKS, n))
    rl_acc = np.zeros((NCHUNKS, n))
    a_acc = np.zeros(NCHUNKS)
    for c in prange(NCHUNKS):
        rows = _chunk_rows(n, c, NCHUNKS)
        for r in range(rows.shape[0]):
            i = rows[r]
            ri_k = 0.0
            ri_l = 0.0
            a = 0.0
            for j in range(i + 1, n):
                kv = _kval(X, i, j, kind_x, gamma_x)
                lv = _kval(Y, i, j, kind_y, gamma_y)
                ri_k += kv
                ri_l += lv
                rk_acc[c, j] += kv
                rl_acc[c, j] += lv
                a += kv * lv
            rk_acc[c, i] += ri_k
            rl_acc[c, i] += ri_l
            a_acc[c] += 2.0 * a
    rk = np.zeros(n)
    rl = np.zeros(n)
    for c in range(NCHUNKS):
        rk += rk_acc[c]
        rl += rl_acc[c]
    dk = np.empty(n)
    dl = np.empty(n)
    for i in range(n):
        dk[i] = _kval(X, i, i, kind_x, gamma_x)
        dl[i] = _kval(Y, i, i, kind_y, gamma_y)
    return rk, rl, dk, dl, a_acc.sum()


@njit(cache=True, parallel=True)
def centred_product_sq_sum(X, Y, kind_x, gamma_x, kind_y, gamma_y, mk, ml, sk, sl):
    """sum_{i != j} (Kc_ij * Lc_ij)^2 with Kc = HKH, without forming any matrix.

    (HKH)_ij = K_ij - mk_i - mk_j + sk where mk are the row means of K (diagonal
    included) and sk its grand mean; same for L.  This is the variance term of Gretton's
    gamma approximation.
    """
    n = X.shape[0]
    acc = np.zeros(NCHUNKS)
    for c in prange(NCHUNKS):
        rows = _chunk_rows(n, c, NCHUNKS)
        for r in range(rows.shape[0]):
            i = rows[r]
            s = 0.0
            for j in range(i + 1, n):
                kc = _kval(X, i, j, kind_x, gamma_x) - mk[i] - mk[j] + sk
                lc = _kval(Y, i, j, kind_y, gamma_y) - ml[i] - ml[j] + sl
                p = kc * lc
                s += p * p
            acc[c] += 2.0 * s
    return acc.sum()


# --------------------------------------------------------------------------- Gram matrices


@njit(cache=True, parallel=True)
def gram(X, kind, gamma):
    """The full n x n kernel matrix (used only by the permutation test)."""
    n = X.shape[0]
    K = np.empty((n, n))
    for i in prange(n):
        for j in range(n):
            K[i, j] = _kval(X, i, j, kind, gamma)
    return K


@njit(cache=True, parallel=True)
def permuted_sums(K, L, rk, rl, perms):
    """For each permutation p (a row of ``perms``), the sums that change when y is permuted.

    Returns (a_off[P], b[P]) with a_off[t] = sum_{i != j} K_ij L_{p_i p_j} and
    b[t] = sum_i rk_i rl_{p_i} (rk, rl: off-diagonal row sums).  Symmetry of K and L
    halves the work.  Each permutation is owned by one thread.
    """
    P, n = perms.shape
    a_off = np.zeros(P)
    b = np.zeros(P)
    for t in prange(P):
        p = perms[t]
        s = 0.0
        for i in range(n):
            Lrow = L[p[i]]
            Krow = K[i]
            for j in range(i + 1, n):
                s += Krow[j] * Lrow[p[j]]
        a_off[t] = 2.0 * s
        bb = 0.0
        for i in range(n):
            bb += rk[i] * rl[p[i]]
        b[t] = bb
    return a_off, b


# --------------------------------------------------------------------------- block HSIC


@njit(cache=True, parallel=True)
def block_unbiased(X, Y, kind_x, gamma_x, kind_y, gamma_y, bsize):
    """Unbiased HSIC (Song et al. 2012) on consecutive blocks of ``bsize`` samples.

    Returns one statistic per complete block (the tail shorter than ``bsize`` is
    dropped); the B-test of Zaremba, Gretton & Blaschko (2013) averages them.
    """
    nb = X.shape[0] // bsize
    out = np.empty(nb)
    m = bsize
    for blk in prange(nb):
        o = blk * m
        rk = np.zeros(m)
        rl = np.zeros(m)
        a = 0.0
        for i in range(m):
            for j in range(i + 1, m):
                kv = _kval(X, o + i, o + j, kind_x, gamma_x)
                lv = _kval(Y, o + i, o + j, kind_y, gamma_y)
                rk[i] += kv
                rk[j] += kv
                rl[i] += lv
                rl[j] += lv
                a += kv * lv
        a *= 2.0
        sk = rk.sum()
        sl = rl.sum()
        b = 0.0
        for i in range(m):
            b += rk[i] * rl[i]
        out[blk] = (a + sk * sl / ((m - 1) * (m - 2)) - 2.0 * b / (m - 2)) / (m * (m - 3))
    return out
