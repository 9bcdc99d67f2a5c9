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
def best_routes(cps, starts, fallback, trie, lp_out, ntok_out, ends_out):
    """Best route of every word ``cps[starts[i]:starts[i + 1]]``.

    ``lp_out[i]`` = its log-probability (natural log), ``ntok_out[i]`` = its number of tokens and
    ``ends_out[starts[i]:starts[i] + ntok_out[i]]`` = the token ends, relative to the word's start
    (so a word of n characters needs at most n slots, the same slots as its characters).
    """
    nfreq, nweight = trie[3], trie[4]
    longest = 0
    for i in range(starts.shape[0] - 1):
        longest = max(longest, starts[i + 1] - starts[i])
    rw = np.empty(longest + 1, dtype=np.float64)
    rx = np.empty(longest + 1, dtype=np.int64)
    for w in range(starts.shape[0] - 1):
        a = starts[w]
        b = starts[w + 1]
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
