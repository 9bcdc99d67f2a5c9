"""Numba kernel of the background model of new-word ranking: the best route of each word.

A background model is a unigram word model (jieba's dictionary by default) held in the trie
layout of :mod:`minent.words.kernels.dag`. The probability of a string under it is that of its most
probable segmentation, the route jieba's ``calc`` takes (maximum of the summed
``log(freq) - log(total)``, ties to the longer word); a position where no word of the model
starts is one character with the log-probability ``fallback[position]`` supplied by the caller
(jieba itself uses ``log(1) - log(total)`` there; new-word ranking uses the character's own
relative frequency in the corpus, see ``minent.words.newwords.background``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from minent.words.kernels.dag import child


@njit(cache=True)
def _route(cps, a, b, fallback, trie, rw, rx):
    """jieba's ``calc`` on ``cps[a:b]``: ``rw[i]`` = best log-probability of the suffix from
    ``a + i``, ``rx[i]`` = the end (relative, inclusive) of the token starting there."""
    nfreq, nweight = trie[3], trie[4]
    n = b - a
    rw[n] = 0.0
    for idx in range(n - 1, -1, -1):
        best = 0.0
        bx = -1
        node = 0
        for i in range(a + idx, b):
            node = child(trie, node, cps[i])
            if node < 0:
                break
            if nfreq[node] <= 0:
                continue
            e = i - a
            c = nweight[node] + rw[e + 1]
            if bx < 0 or c >= best:  # max over (score, end): ties to the longer word
                best = c
                bx = e
        if bx < 0:
            best = fallback[a + idx] + rw[idx + 1]
            bx = idx
        rw[idx] = best
        rx[idx] = bx


@njit(cache=True)
def best_routes(cps, starts, fallback, trie, lp_out, ntok_out, ends_out):
    """Best route of every word ``cps[starts[i]:starts[i + 1]]``.

    ``lp_out[i]`` = its log-probability (natural log), ``ntok_out[i]`` = its number of tokens and
    ``ends_out[starts[i]:starts[i] + ntok_out[i]]`` = the token ends, relative to the word's start
    (so a word of n characters needs at most n slots, the same slots as its characters).
    """
    longest = 0
    for i in range(starts.shape[0] - 1):
        longest = max(longest, starts[i + 1] - starts[i])
    rw = np.empty(longest + 1, dtype=np.float64)
    rx = np.empty(longest + 1, dtype=np.int64)
    for w in range(starts.shape[0] - 1):
        a = starts[w]
        b = starts[w + 1]
        n = b - a
        _route(cps, a, b, fallback, trie, rw, rx)
        lp_out[w] = rw[0] if n > 0 else 0.0
        k = 0
        idx = 0
        while idx < n:
            end = rx[idx] + 1
            ends_out[a + k] = end
            k += 1
            idx = end
        ntok_out[w] = k


@njit(cache=True)
def glued_uses(keys, weights, lo, hi, cps, starts, fallback, neighbour_cps, neighbour_fallback, left, trie, out):
    """Occurrences of each word at which the best route glues its neighbour to it.

    Word ``u`` is ``cps[starts[u]:starts[u + 1]]`` (``fallback``: each character's price where no
    word starts); its occurrences are the sorted keys ``keys[lo[u]:hi[u]]`` (``row << 21 |
    neighbour id``, weighted by ``weights``, or one each when *weights* is empty). For every
    distinct neighbour c (code point ``neighbour_cps[id]``, price ``neighbour_fallback[id]``) the
    best route of ``c + w`` (*left*) or ``w + c`` is computed once; where it does not cut between c
    and w, the occurrences are added to ``out[u]``.
    """
    longest = 0
    for i in range(starts.shape[0] - 1):
        longest = max(longest, starts[i + 1] - starts[i])
    buf = np.empty(longest + 1, dtype=np.int32)
    fb = np.empty(longest + 1, dtype=np.float64)
    rw = np.empty(longest + 2, dtype=np.float64)
    rx = np.empty(longest + 2, dtype=np.int64)
    mask = np.uint64((1 << 21) - 1)
    weighted = weights.shape[0] > 0
    for u in range(starts.shape[0] - 1):
        a = starts[u]
        n = starts[u + 1] - a
        shift = 1 if left else 0
        for i in range(n):
            buf[i + shift] = cps[a + i]
            fb[i + shift] = fallback[a + i]
        at = 0 if left else n
        k = lo[u]
        while k < hi[u]:
            key = keys[k]
            uses = 0
            while k < hi[u] and keys[k] == key:
                uses += weights[k] if weighted else 1
                k += 1
            c = np.int64(key & mask)
            buf[at] = neighbour_cps[c]
            fb[at] = neighbour_fallback[c]
            _route(buf, 0, n + 1, fb, trie, rw, rx)
            if left:
                cut = rx[0] == 0  # the first token is c alone
            else:
                idx = 0  # follow the route to its last token: does it start at c?
                while rx[idx] + 1 < n + 1:
                    idx = rx[idx] + 1
                cut = idx == n
            if not cut:
                out[u] += uses


@njit(cache=True)
def are_words(cps, starts, trie, out):
    """``out[i]`` = whether ``cps[starts[i]:starts[i + 1]]`` is a word of the model (frequency > 0)."""
    nfreq = trie[3]
    for w in range(starts.shape[0] - 1):
        node = 0
        for i in range(starts[w], starts[w + 1]):
            node = child(trie, node, cps[i])
            if node < 0:
                break
        out[w] = node > 0 and nfreq[node] > 0
