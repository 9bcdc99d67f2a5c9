"""Byte-level parsing of edge lists: one pass over the raw file, no Python loop per line.

Kernels take the whole file as a ``uint8`` array and return arrays of token positions,
64-bit token hashes and parsed weights; :mod:`minent.io.graph` turns them into node ids.
Errors are reported as ``(code, byte offset)`` so the caller can name the line.
"""

import numpy as np
from numba import njit

# error codes returned by scan_edges (0 = fine)
ERR_FIELDS = 1      # fewer than 2 or more than 3 fields
ERR_WEIGHT_SYNTAX = 2
ERR_WEIGHT_VALUE = 3  # zero, negative or not finite

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@njit(cache=True, inline="always")
def _is_space(c):
    return c == 32 or c == 9 or c == 13 or c == 11 or c == 12


@njit(cache=True)
def _parse_float(buf, start, end):
    """Decimal number in buf[start:end] -> (ok, value, exact).

    Accepts [+-]digits[.digits][e[+-]digits] and rejects everything else ('nan', 'inf', '1,5',
    '0x10'). While the mantissa fits in 2^53 and |exponent| <= 22 the result is correctly
    rounded (exact=True), as for the usual weights (1, 0.5, 2.25, 1e-3); otherwise the value is
    close but the caller re-parses the token with Python's float() to match it bit for bit.
    """
    i = start
    neg = False
    if i < end and (buf[i] == 43 or buf[i] == 45):
        neg = buf[i] == 45
        i += 1
    mant = 0
    mant_f = 0.0
    big = False
    ndig = 0
    exp10 = 0
    while i < end and 48 <= buf[i] <= 57:
        d = buf[i] - 48
        if not big and mant < 900719925474099:
            mant = mant * 10 + d
        else:
            if not big:
                big = True
                mant_f = float(mant)
            if mant_f < 1e300:
                mant_f = mant_f * 10.0 + d
            else:
                exp10 += 1
        ndig += 1
        i += 1
    if i < end and buf[i] == 46:
        i += 1
        while i < end and 48 <= buf[i] <= 57:
            d = buf[i] - 48
            if not big and mant < 900719925474099:
                mant = mant * 10 + d
                exp10 -= 1
            elif not big:
                big = True
                mant_f = float(mant)
            ndig += 1
            i += 1
    if ndig == 0:
        return False, 0.0, False
    if i < end and (buf[i] == 101 or buf[i] == 69):
        i += 1
        eneg = False
        if i < end and (buf[i] == 43 or buf[i] == 45):
            eneg = buf[i] == 45
            i += 1
        edig = 0
        e = 0
        while i < end and 48 <= buf[i] <= 57:
            if e < 100000:
                e = e * 10 + (buf[i] - 48)
            edig += 1
            i += 1
        if edig == 0:
            return False, 0.0, False
        exp10 += -e if eneg else e
    if i != end:
        return False, 0.0, False
    m = mant_f if big else float(mant)
    if m == 0.0:
        v = 0.0
    elif exp10 >= 0:
        if exp10 > 400:
            v = np.inf
        else:
            v = m * 10.0 ** exp10
    else:
        if exp10 < -400:
            v = 0.0
        elif exp10 >= -22:
            v = m / 10.0 ** (-exp10)
        else:
            v = (m / 10.0 ** 22) / 10.0 ** (-exp10 - 22)
    exact = not big and -22 <= exp10 <= 22
    return True, -v if neg else v, exact


@njit(cache=True)
def _hash(buf, start, end):
    h = _FNV_OFFSET
    for i in range(start, end):
        h = (h ^ np.uint64(buf[i])) * _FNV_PRIME
    return h


@njit(cache=True)
def scan_edges(buf, default_weight):
    """Split ``source target [weight]`` lines of ``buf``.

    Blank lines and lines whose first non-blank byte is '#' or '%' are skipped, and so is a
    field starting with '#' after source and target with the rest of its line (a trailing
    comment, as Infomap reads it); fields are separated by spaces/tabs; CR is whitespace.
    Returns (n, tok_start[2n], tok_len[2n], tok_hash[2n], weight[n], inexact, err_code,
    err_offset); tokens are interleaved source,
    target. ``inexact`` holds (row, start, end) of weights the fast parser could not round
    correctly, for the caller to re-parse with Python's float().
    """
    nlines = 1
    for c in buf:
        if c == 10:
            nlines += 1
    tok_start = np.empty(2 * nlines, np.int64)
    tok_len = np.empty(2 * nlines, np.int32)
    tok_hash = np.empty(2 * nlines, np.uint64)
    weight = np.empty(nlines, np.float64)
    inexact = np.empty((64, 3), np.int64)   # (row, token start, token end), grown on demand
    n_inexact = 0
    n = 0
    i = 0
    size = buf.shape[0]
    while i < size:
        line_start = i
        while i < size and buf[i] != 10:
            i += 1
        line_end = i
        i += 1
        j = line_start
        while j < line_end and _is_space(buf[j]):
            j += 1
        if j == line_end or buf[j] == 35 or buf[j] == 37:
            continue
        nf = 0
        ws = 0
        we = 0
        while j < line_end:
            fs = j
            if nf >= 2 and buf[j] == 35:
                break   # '#' after source and target: a comment to the end of the line
            while j < line_end and not _is_space(buf[j]):
                j += 1
            if nf < 2:
                tok_start[2 * n + nf] = fs
                tok_len[2 * n + nf] = j - fs
                tok_hash[2 * n + nf] = _hash(buf, fs, j)
            elif nf == 2:
                ws = fs
                we = j
            nf += 1
            while j < line_end and _is_space(buf[j]):
                j += 1
        if nf < 2 or nf > 3:
            return n, tok_start, tok_len, tok_hash, weight, inexact[:0], ERR_FIELDS, line_start
        if nf == 3:
            ok, w, exact = _parse_float(buf, ws, we)
            if not ok:
                return n, tok_start, tok_len, tok_hash, weight, inexact[:0], ERR_WEIGHT_SYNTAX, line_start
            if exact and (not (w > 0.0) or w == np.inf):
                return n, tok_start, tok_len, tok_hash, weight, inexact[:0], ERR_WEIGHT_VALUE, line_start
            if not exact:
                # position of the weight token and of the line, for the caller to re-parse
                if n_inexact == inexact.shape[0]:
                    bigger = np.empty((2 * n_inexact, 3), np.int64)
                    bigger[:n_inexact] = inexact
                    inexact = bigger
                inexact[n_inexact, 0] = n
                inexact[n_inexact, 1] = ws
                inexact[n_inexact, 2] = we
                n_inexact += 1
            weight[n] = w
        else:
            weight[n] = default_weight
        n += 1
    return n, tok_start, tok_len, tok_hash, weight, inexact[:n_inexact], 0, 0


@njit(cache=True)
def tokens_as_integers(buf, tok_start, tok_len):
    """(True, values) when every token is a plain non-negative decimal of <= 18 digits."""
    out = np.empty(tok_start.shape[0], np.int64)
    for k in range(tok_start.shape[0]):
        s = tok_start[k]
        ln = tok_len[k]
        if ln == 0 or ln > 18:
            return False, out
        v = 0
        for i in range(s, s + ln):
            c = buf[i]
            if c < 48 or c > 57:
                return False, out
            v = v * 10 + (c - 48)
        out[k] = v
    return True, out


@njit(cache=True)
def rank_integers(values, limit):
    """Node ids of integer names by a direct table: (ok, src, dst, distinct values ascending).

    ``values`` interleaves source and target names; each becomes the rank of its value among
    the distinct values, as sorting the distinct values would give. The table has max+1
    entries, so it is only used when every value is below ``limit`` (ok=False otherwise).
    """
    empty = np.empty(0, np.int64)
    maxv = -1
    for k in range(values.shape[0]):
        if values[k] > maxv:
            maxv = values[k]
    if maxv >= limit:
        return False, empty, empty, empty
    rank = np.full(maxv + 1, -1, np.int64)
    for k in range(values.shape[0]):
        rank[values[k]] = 0
    n_distinct = 0
    for x in range(maxv + 1):
        if rank[x] == 0:
            rank[x] = n_distinct
            n_distinct += 1
    uniq = np.empty(n_distinct, np.int64)
    for x in range(maxv + 1):
        if rank[x] >= 0:
            uniq[rank[x]] = x
    m = values.shape[0] // 2
    src = np.empty(m, np.int64)
    dst = np.empty(m, np.int64)
    for i in range(m):
        src[i] = rank[values[2 * i]]
        dst[i] = rank[values[2 * i + 1]]
    return True, src, dst, uniq


@njit(cache=True)
def tokens_match_representatives(buf, tok_start, tok_len, inverse, rep):
    """True when every token equals (bytewise) the representative token of its hash class."""
    for k in range(tok_start.shape[0]):
        r = rep[inverse[k]]
        if r == k:
            continue
        ln = tok_len[k]
        if tok_len[r] != ln:
            return False
        a = tok_start[k]
        b = tok_start[r]
        for i in range(ln):
            if buf[a + i] != buf[b + i]:
                return False
    return True


@njit(cache=True, inline="always")
def _slot(key, mask):
    # mix the bits so that small consecutive integers spread over the table
    h = key * np.uint64(0x9E3779B97F4A7C15)
    h ^= h >> np.uint64(29)
    return h & mask


@njit(cache=True)
def dense_ids(keys):
    """Number distinct keys 0, 1, ... in order of first appearance (open-addressing table).

    Returns (ids[len(keys)], first[n_distinct]) where first[i] is the position of the first
    occurrence of key i. O(len(keys)) expected, unlike a sort-based np.unique; the table grows
    with the number of distinct keys, not with len(keys).
    """
    n = keys.shape[0]
    size = 1024
    mask = np.uint64(size - 1)
    slot_key = np.empty(size, np.uint64)
    slot_id = np.full(size, -1, np.int64)
    ids = np.empty(n, np.int64)
    first = np.empty(1024, np.int64)
    n_distinct = 0
    for k in range(n):
        key = np.uint64(keys[k])
        s = _slot(key, mask)
        while True:
            i = slot_id[s]
            if i < 0:
                slot_key[s] = key
                slot_id[s] = n_distinct
                ids[k] = n_distinct
                if n_distinct == first.shape[0]:
                    bigger = np.empty(2 * n_distinct, np.int64)
                    bigger[:n_distinct] = first
                    first = bigger
                first[n_distinct] = k
                n_distinct += 1
                break
            if slot_key[s] == key:
                ids[k] = i
                break
            s = (s + np.uint64(1)) & mask
        if 2 * n_distinct > size:
            # keep the load factor below one half: rehash into a table twice the size
            size *= 2
            mask = np.uint64(size - 1)
            new_key = np.empty(size, np.uint64)
            new_id = np.full(size, -1, np.int64)
            for j in range(size // 2):
                if slot_id[j] >= 0:
                    t = _slot(slot_key[j], mask)
                    while new_id[t] >= 0:
                        t = (t + np.uint64(1)) & mask
                    new_key[t] = slot_key[j]
                    new_id[t] = slot_id[j]
            slot_key = new_key
            slot_id = new_id
    return ids, first[:n_distinct].copy()
