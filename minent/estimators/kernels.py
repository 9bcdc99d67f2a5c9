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


# Kernel sums are dominated by exp().  numba has no SVML here, so np.exp is a scalar libm
# call (~3.3 ns) that blocks vectorisation; _exp_neg_into is a branch-free exp for x <= 0
# that LLVM turns into SIMD code (~1.1 ns).  Accuracy: Cody-Waite reduction
# x = k ln2 + r, |r| <= ln2/2, Taylor polynomial of degree 13 (truncation < 1e-17),
# 2^k from its exponent bits; relative error within a few ulp of np.exp
# (tests/test_hsic.py checks < 1e-14).  Arguments below -708 are clamped, i.e. kernel
# values under 3.3e-308 read as 3.3e-308: negligible next to the diagonal's 1.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_LOG2E = 1.4426950408889634


@njit(cache=True, inline="always")
def _exp_parts(x):
    """exp(x) = p * 2^k for x <= 0: (p, k) with the polynomial p and the integer k."""
    x = max(x, -708.0)
    k = np.floor(x * _LOG2E + 0.5)
    r = (x - k * _LN2_HI) - k * _LN2_LO
    p = 1.6059043836821613e-10
    p = p * r + 2.08767569878681e-09
    p = p * r + 2.505210838544172e-08
    p = p * r + 2.755731922398589e-07
    p = p * r + 2.7557319223985893e-06
    p = p * r + 2.48015873015873e-05
    p = p * r + 0.0001984126984126984
    p = p * r + 0.001388888888888889
    p = p * r + 0.008333333333333333
    p = p * r + 0.041666666666666664
    p = p * r + 0.16666666666666666
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    return p, np.int64(k)


@njit(cache=True, inline="always")
def _exp_neg_into(v, gamma, j0, out, ib):
    """out[j] = exp(-gamma * v[j]) for j >= j0, with -gamma * v[j] <= 0.

    2^k is built from its bits ((k + 1023) << 52, read back as a float64 through the
    int64 scratch ``ib``): two vectorised loops, ~1.6x faster than powers by selects.
    """
    n = v.shape[0]
    for j in range(j0, n):
        p, k = _exp_parts(-gamma * v[j])
        out[j] = p
        ib[j] = (k + 1023) << 52
    fb = ib.view(np.float64)
    for j in range(j0, n):
        out[j] *= fb[j]


@njit(cache=True)
def exp_neg(x):
    """Vectorisable exp for an array of non-positive numbers (exposed for the tests)."""
    out = np.empty_like(x)
    _exp_neg_into(x, -1.0, 0, out, np.empty(x.shape[0], dtype=np.int64))
    return out


@njit(cache=True, inline="always")
def _row_values(XT, i, j0, buf, kind):
    """buf[j] = |x_i - x_j|^2 (Gaussian) or <x_i, x_j> (linear) for j >= j0.

    ``XT`` is the (d, n) transpose so that the loop over j runs along contiguous memory
    and vectorises.
    """
    n = XT.shape[1]
    for j in range(j0, n):
        buf[j] = 0.0
    for k in range(XT.shape[0]):
        xik = XT[k, i]
        row = XT[k]
        if kind == GAUSSIAN:
            for j in range(j0, n):
                t = xik - row[j]
                buf[j] += t * t
        else:
            for j in range(j0, n):
                buf[j] += xik * row[j]


@njit(cache=True)
def _total(a):
    """Sequential sum.  Inside a parallel=True function, ``a.sum()`` becomes a parallel
    reduction whose rounding depends on the thread count; a call to this one does not."""
    s = 0.0
    for v in a.flat:
        s += v
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


@njit(cache=True, inline="always")
def _kernel_row(XT, i, j0, vb, ib, out, kind, gamma):
    """out[j] = k(x_i, x_j) for j >= j0 (vectorised loops, no reduction).

    ``vb`` (float64) and ``ib`` (int64) are scratch; exp() out of place is ~3x faster
    than in place here.
    """
    _row_values(XT, i, j0, vb, kind)
    if kind == GAUSSIAN:
        _exp_neg_into(vb, gamma, j0, out, ib)
    else:
        for j in range(j0, XT.shape[1]):
            out[j] = vb[j]


@njit(cache=True, inline="always")
def _bin(v, lo, scale, nbins):
    b = int((v - lo) * scale)
    return nbins - 1 if b >= nbins else b


# --------------------------------------------------------------------------- median
# All functions below take XT, the (d, n) C-contiguous transpose of the samples.


@njit(cache=True, parallel=True)
def pair_sqdist_stats(XT, lo, hi, nbins):
    """Histogram of squared pair distances d2(i, j), i < j, restricted to [lo, hi].

    Returns (hist[NCHUNKS, nbins], below[NCHUNKS], vmin, vmax) where ``below`` counts
    pairs with d2 < lo and vmin/vmax are the extremes of the values inside [lo, hi]
    (inf/-inf if none).  Bin of v: min(int((v - lo) * nbins / (hi - lo)), nbins - 1)
    (everything in bin 0 when hi == lo or hi is infinite).
    """
    n = XT.shape[1]
    hist = np.zeros((NCHUNKS, nbins), dtype=np.int64)
    below = np.zeros(NCHUNKS, dtype=np.int64)
    mins = np.full(NCHUNKS, np.inf)
    maxs = np.full(NCHUNKS, -np.inf)
    scale = nbins / (hi - lo) if hi > lo else 0.0
    for c in prange(NCHUNKS):
        rows = _chunk_rows(n, c, NCHUNKS)
        buf = np.empty(n)
        for r in range(rows.shape[0]):
            i = rows[r]
            _row_values(XT, i, i + 1, buf, GAUSSIAN)
            for j in range(i + 1, n):
                v = buf[j]
                if v < lo:
                    below[c] += 1
                elif v <= hi:
                    hist[c, _bin(v, lo, scale, nbins)] += 1
                    if v < mins[c]:
                        mins[c] = v
                    if v > maxs[c]:
                        maxs[c] = v
    return hist, below, mins.min(), maxs.max()


@njit(cache=True, parallel=True)
def pair_sqdist_collect(XT, lo, hi, nbins, b0, b1, counts):
    """Squared pair distances whose bin (as in ``pair_sqdist_stats``) lies in [b0, b1].

    ``counts[c]`` is how many such values chunk c holds (from the histogram), which gives
    each chunk its own slice of the output.  Same arithmetic as the histogram pass, so
    the same values fall in the same bins.
    """
    n = XT.shape[1]
    offsets = np.zeros(NCHUNKS + 1, dtype=np.int64)
    for c in range(NCHUNKS):
        offsets[c + 1] = offsets[c] + counts[c]
    out = np.empty(offsets[NCHUNKS], dtype=np.float64)
    scale = nbins / (hi - lo) if hi > lo else 0.0
    for c in prange(NCHUNKS):
        rows = _chunk_rows(n, c, NCHUNKS)
        buf = np.empty(n)
        pos = offsets[c]
        for r in range(rows.shape[0]):
            i = rows[r]
            _row_values(XT, i, i + 1, buf, GAUSSIAN)
            for j in range(i + 1, n):
                v = buf[j]
                if v < lo or v > hi:
                    continue
                b = _bin(v, lo, scale, nbins)
                if b0 <= b <= b1 and pos < offsets[c + 1]:
                    out[pos] = v
                    pos += 1
    return out


# --------------------------------------------------------------------------- pair sums


@njit(cache=True, parallel=True)
def hsic_pair_sums(XT, YT, kind_x, gamma_x, kind_y, gamma_y):
    """One pass over all pairs, no n x n matrix: the sums every HSIC estimator needs.

    Returns (rk, rl, dk, dl, a) with
        rk[i] = sum_{j != i} k(x_i, x_j)      (off-diagonal row sums of K; same for rl)
        dk[i] = k(x_i, x_i)                    (diagonal; same for dl)
        a = [sum_{i != j} K_ij L_ij, sum_{i != j} K_ij^2, sum_{i != j} L_ij^2]
    The last two give HSIC(x, x) and HSIC(y, y) for the normalised statistic at the cost
    of two multiply-adds per pair.
    """
    n = XT.shape[1]
    rk_acc = np.zeros((NCHUNKS, n))
    rl_acc = np.zeros((NCHUNKS, n))
    a_acc = np.zeros((NCHUNKS, 3))
    for c in prange(NCHUNKS):
        rows = _chunk_rows(n, c, NCHUNKS)
        kb = np.empty(n)
        lb = np.empty(n)
        vb = np.empty(n)
        ib = np.empty(n, dtype=np.int64)
        rkc = rk_acc[c]
        rlc = rl_acc[c]
        for r in range(rows.shape[0]):
            i = rows[r]
            _kernel_row(XT, i, i + 1, vb, ib, kb, kind_x, gamma_x)
            _kernel_row(YT, i, i + 1, vb, ib, lb, kind_y, gamma_y)
            ri_k = 0.0
            ri_l = 0.0
            a = 0.0
            akk = 0.0
            all2 = 0.0
            for j in range(i + 1, n):
                kv = kb[j]
                lv = lb[j]
                ri_k += kv
                ri_l += lv
                rkc[j] += kv
                rlc[j] += lv
                a += kv * lv
                akk += kv * kv
                all2 += lv * lv
            rkc[i] += ri_k
            rlc[i] += ri_l
            a_acc[c, 0] += 2.0 * a
            a_acc[c, 1] += 2.0 * akk
            a_acc[c, 2] += 2.0 * all2
    rk = np.zeros(n)
    rl = np.zeros(n)
    for c in range(NCHUNKS):
        rk += rk_acc[c]
        rl += rl_acc[c]
    dk = np.empty(n)
    dl = np.empty(n)
    for i in range(n):
        dk[i] = _self_kernel(XT, i, kind_x)
        dl[i] = _self_kernel(YT, i, kind_y)
    return rk, rl, dk, dl, np.array([_total(a_acc[:, 0]), _total(a_acc[:, 1]), _total(a_acc[:, 2])])


@njit(cache=True, inline="always")
def _self_kernel(XT, i, kind):
    if kind == GAUSSIAN:
        return 1.0
    s = 0.0
    for k in range(XT.shape[0]):
        s += XT[k, i] * XT[k, i]
    return s


@njit(cache=True, parallel=True)
def centred_product_sq_sum(XT, YT, kind_x, gamma_x, kind_y, gamma_y, mk, ml, sk, sl):
    """sum_{i != j} (Kc_ij * Lc_ij)^2 with Kc = HKH, without forming any matrix.

    (HKH)_ij = K_ij - mk_i - mk_j + sk where mk are the row means of K (diagonal
    included) and sk its grand mean; same for L.  This is the variance term of Gretton's
    gamma approximation.
    """
    n = XT.shape[1]
    acc = np.zeros(NCHUNKS)
    for c in prange(NCHUNKS):
        rows = _chunk_rows(n, c, NCHUNKS)
        kb = np.empty(n)
        lb = np.empty(n)
        vb = np.empty(n)
        ib = np.empty(n, dtype=np.int64)
        for r in range(rows.shape[0]):
            i = rows[r]
            _kernel_row(XT, i, i + 1, vb, ib, kb, kind_x, gamma_x)
            _kernel_row(YT, i, i + 1, vb, ib, lb, kind_y, gamma_y)
            ci = sk - mk[i]
            di = sl - ml[i]
            s = 0.0
            for j in range(i + 1, n):
                p = (kb[j] - mk[j] + ci) * (lb[j] - ml[j] + di)
                s += p * p
            acc[c] += 2.0 * s
    return _total(acc)


# --------------------------------------------------------------------------- Gram matrices


@njit(cache=True, parallel=True)
def gram(XT, kind, gamma):
    """The full n x n kernel matrix (used only by the permutation test)."""
    n = XT.shape[1]
    K = np.empty((n, n))
    for i in prange(n):
        _kernel_row(XT, i, 0, np.empty(n), np.empty(n, dtype=np.int64), K[i], kind, gamma)
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
def block_unbiased(XT, YT, kind_x, gamma_x, kind_y, gamma_y, bsize):
    """Unbiased HSIC (Song et al. 2012) on consecutive blocks of ``bsize`` samples.

    Returns one statistic per complete block (the tail shorter than ``bsize`` is
    dropped); the B-test of Zaremba, Gretton & Blaschko (2013) averages them.
    """
    nb = XT.shape[1] // bsize
    out = np.empty(nb)
    m = bsize
    for blk in prange(nb):
        o = blk * m
        xt = np.ascontiguousarray(XT[:, o : o + m])
        yt = np.ascontiguousarray(YT[:, o : o + m])
        kb = np.empty(m)
        lb = np.empty(m)
        vb = np.empty(m)
        ib = np.empty(m, dtype=np.int64)
        rk = np.zeros(m)
        rl = np.zeros(m)
        a = 0.0
        for i in range(m):
            _kernel_row(xt, i, i + 1, vb, ib, kb, kind_x, gamma_x)
            _kernel_row(yt, i, i + 1, vb, ib, lb, kind_y, gamma_y)
            for j in range(i + 1, m):
                kv = kb[j]
                lv = lb[j]
                rk[i] += kv
                rk[j] += kv
                rl[i] += lv
                rl[j] += lv
                a += kv * lv
        a *= 2.0
        sk = _total(rk)
        sl = _total(rl)
        b = 0.0
        for i in range(m):
            b += rk[i] * rl[i]
        out[blk] = (a + sk * sl / ((m - 1) * (m - 2)) - 2.0 * b / (m - 2)) / (m * (m - 3))
    return out


# --------------------------------------------------------------------------- random features


# Random features need cos and sin of m numbers per sample; libm's are scalar calls
# (~15 ns each), ~2/3 of the time at n = 1e6.  _sincos is branch-free and vectorises:
# Cody-Waite reduction by pi/2 in three parts (exact k * PIO2_1 for |k| < 2^20), Taylor
# polynomials on |r| <= pi/4 (truncation < 5e-17), quadrant by selects.  Absolute error
# < 1e-15 for |t| <= _SINCOS_MAX (tests/test_hsic.py); rows with larger arguments use libm.
_TWO_OVER_PI = 0.6366197723675814
_PIO2_1 = 1.57079632673412561417e00
_PIO2_2 = 6.07710050630396597660e-11
_PIO2_3 = 2.02226624879595063154e-21
_SINCOS_MAX = 1.0e6
_FBLOCK = 64


@njit(cache=True, inline="always")
def _sincos(t):
    k = np.floor(t * _TWO_OVER_PI + 0.5)
    r = ((t - k * _PIO2_1) - k * _PIO2_2) - k * _PIO2_3
    r2 = r * r
    sp = -7.647163731819816e-13
    sp = sp * r2 + 1.6059043836821613e-10
    sp = sp * r2 - 2.505210838544172e-08
    sp = sp * r2 + 2.755731922398589e-06
    sp = sp * r2 - 0.0001984126984126984
    sp = sp * r2 + 0.008333333333333333
    sp = sp * r2 - 0.16666666666666666
    sn = r + r * r2 * sp
    cp = 4.779477332387385e-14
    cp = cp * r2 - 1.1470745597729725e-11
    cp = cp * r2 + 2.08767569878681e-09
    cp = cp * r2 - 2.755731922398589e-07
    cp = cp * r2 + 2.48015873015873e-05
    cp = cp * r2 - 0.001388888888888889
    cp = cp * r2 + 0.041666666666666664
    cp = cp * r2 - 0.5
    cs = 1.0 + r2 * cp
    q = int(k) & 3
    s_out = cs if q == 1 else (-sn if q == 2 else (-cs if q == 3 else sn))
    c_out = -sn if q == 1 else (-cs if q == 2 else (sn if q == 3 else cs))
    return s_out, c_out


@njit(cache=True)
def sincos(t):
    """(sin t, cos t) of an array with the vectorised kernel (exposed for the tests)."""
    s = np.empty_like(t)
    c = np.empty_like(t)
    for i in range(t.shape[0]):
        s[i], c[i] = _sincos(t[i])
    return s, c


@njit(cache=True, inline="always")
def _feature_row(XT, i, W, rff, z, tb):
    """z = m^{-1/2} [cos(W' x_i), sin(W' x_i)] (rff) or x_i itself (linear kernel).

    ``tb`` is scratch of length m for the arguments W' x_i.
    """
    d = XT.shape[0]
    if not rff:
        for k in range(d):
            z[k] = XT[k, i]
        return
    m = W.shape[1]
    norm = 1.0 / np.sqrt(m)
    for k in range(m):
        tb[k] = 0.0
    big = 0.0
    for a in range(d):
        xa = XT[a, i]
        Wa = W[a]
        for k in range(m):
            tb[k] += xa * Wa[k]
    for k in range(m):
        big = max(big, abs(tb[k]))
    if big <= _SINCOS_MAX:
        for k in range(m):
            sv, cv = _sincos(tb[k])
            z[k] = cv * norm
            z[m + k] = sv * norm
    else:
        for k in range(m):
            z[k] = np.cos(tb[k]) * norm
            z[m + k] = np.sin(tb[k]) * norm


@njit(cache=True, inline="always")
def _add_cross(A, B, nrows, C):
    """C += A[:nrows]' B[:nrows], ordered so that row a of C stays in L1 over the rows."""
    for a in range(A.shape[1]):
        crow = C[a]
        for r in range(nrows):
            za = A[r, a]
            br = B[r]
            for b in range(B.shape[1]):
                crow[b] += za * br[b]


@njit(cache=True, parallel=True)
def feature_moments(XT, Wx, rffx, YT, Wy, rffy, cov_rows):
    """Sums over samples of the features z_x, z_y that every feature-HSIC needs, in O(n D^2).

    Returns per-chunk partial sums (leading axis NCHUNKS) of (Sx, Sy, Cxy, Cxx, Cyy, u, w,
    scal) with Sx = sum z_x, Cxy = sum z_x z_y',
    Cxx = sum z_x z_x', u = sum |z_y|^2 z_x, w = sum |z_x|^2 z_y and
    scal = [sum |z_x|^2 |z_y|^2, sum |z_x|^2, sum |z_y|^2].  Rows are split into NCHUNKS
    fixed ranges reduced in a fixed order (same result whatever the thread count; BLAS
    would not promise that, and multi-threaded BLAS thrashes on a busy machine).
    Cxx and Cyy - only needed for the null variance - are summed over the first
    ``cov_rows`` rows of each chunk (a sample spread over the data); ``sub`` returns
    [count, Sx over those rows, Sy over those rows] for centring them.
    """
    n = XT.shape[1]
    Dx = 2 * Wx.shape[1] if rffx else XT.shape[0]
    Dy = 2 * Wy.shape[1] if rffy else YT.shape[0]
    Sx = np.zeros((NCHUNKS, Dx))
    Sy = np.zeros((NCHUNKS, Dy))
    Cxy = np.zeros((NCHUNKS, Dx, Dy))
    Cxx = np.zeros((NCHUNKS, Dx, Dx))
    Cyy = np.zeros((NCHUNKS, Dy, Dy))
    u = np.zeros((NCHUNKS, Dx))
    w = np.zeros((NCHUNKS, Dy))
    scal = np.zeros((NCHUNKS, 3))
    subx = np.zeros((NCHUNKS, Dx + 1))  # [count, Sx over the covariance rows]
    suby = np.zeros((NCHUNKS, Dy))
    step = (n + NCHUNKS - 1) // NCHUNKS
    for c in prange(NCHUNKS):
        # Rows go in blocks of _FBLOCK: row a of each D x D accumulator then stays in L1
        # across the block instead of all three accumulators streaming through the cache
        # once per sample (rank-1 updates are bandwidth-bound; this is ~4x faster).
        ZX = np.empty((_FBLOCK, Dx))
        ZY = np.empty((_FBLOCK, Dy))
        tx = np.empty(Wx.shape[1])
        ty = np.empty(Wy.shape[1])
        cxy = Cxy[c]
        cxx = Cxx[c]
        cyy = Cyy[c]
        end = min(n, (c + 1) * step)
        for b0 in range(c * step, end, _FBLOCK):
            nb = min(_FBLOCK, end - b0)
            for r in range(nb):
                zx = ZX[r]
                zy = ZY[r]
                _feature_row(XT, b0 + r, Wx, rffx, zx, tx)
                _feature_row(YT, b0 + r, Wy, rffy, zy, ty)
                qx = 0.0
                for a in range(Dx):
                    qx += zx[a] * zx[a]
                qy = 0.0
                for a in range(Dy):
                    qy += zy[a] * zy[a]
                for a in range(Dx):
                    Sx[c, a] += zx[a]
                    u[c, a] += qy * zx[a]
                for a in range(Dy):
                    Sy[c, a] += zy[a]
                    w[c, a] += qx * zy[a]
                scal[c, 0] += qx * qy
                scal[c, 1] += qx
                scal[c, 2] += qy
            _add_cross(ZX, ZY, nb, cxy)
            ncov = min(nb, c * step + cov_rows - b0)
            if ncov <= 0:
                continue
            subx[c, 0] += ncov
            for r in range(ncov):
                for a in range(Dx):
                    subx[c, 1 + a] += ZX[r, a]
                for a in range(Dy):
                    suby[c, a] += ZY[r, a]
            _add_cross(ZX, ZX, ncov, cxx)
            _add_cross(ZY, ZY, ncov, cyy)
    # Per-chunk sums: the caller reduces them (numpy, fixed order).
    return Sx, Sy, Cxy, Cxx, Cyy, u, w, scal, subx, suby
