"""Numba kernels of the jieba-exact tokenizer: dictionary trie, DAG route, B/M/E/S Viterbi.

The algorithm is jieba 0.42's (``jieba.Tokenizer.cut`` and ``jieba.finalseg.cut``), restated
over arrays of code points so that a whole batch of lines is cut in one call:

* a line is split into *blocks* (maximal runs of jieba's ``re_han_default`` class) and the text
  between them; outside blocks every character is a token, except ``"\\r\\n"`` (one token);
* in a block, every start position ``k`` has the dictionary words that start there (the DAG);
  the route maximises the sum of ``log(freq) - log(total)`` from right to left, ties going to
  the longer word (jieba takes ``max`` over ``(score, end)`` tuples);
* with HMM on, runs of single-character route steps that are not themselves a dictionary word
  are re-cut by ``finalseg``: Han runs by a 4-state Viterbi (ties resolved by jieba's tuple
  comparison on state letters), other runs by the regex ``[a-zA-Z0-9]+(?:\\.\\d+)?%?``;
* search mode adds the dictionary 2- and 3-grams inside long tokens, full mode lists every
  dictionary word (with jieba's quirky gluing of ASCII runs).

Floating-point work is done in exactly jieba's order of operations (``(w + t) + e`` etc.) and
the log weights come from Python's ``math.log`` (see ``minent.words.tokenizers.fast``), so scores and
therefore every tie are bit-identical to jieba's.

Data layout (built by ``minent.words.tokenizers.fast``):

``trie`` = ``(root_child, ekey, evals, nfreq, nweight, nflag, nsig)``
    ``root_child[cp]`` is the node of the one-character key ``chr(cp)`` (-1 if absent); deeper
    edges live in an open-addressing table ``ekey[h] = (parent << 21) | cp`` -> ``evals[h]``
    (``-1`` = empty slot). Every node is a key of jieba's ``FREQ`` dict (the key set is closed
    under prefixes): ``nfreq`` its frequency (0 for pure prefixes), ``nweight`` =
    ``log(freq) - log(total)`` (<= 0 since freq <= total; ``+1.0`` marks freq 0, so the hot
    loop reads one array), ``nflag & 1`` = "force split" (a user word of frequency 0).
    ``nsig[node]`` has bit ``cp & 63`` set for every child ``cp``: most walks end at a node
    without the next character, and this answers them without a probe of the (large) table.
``cls[cp]``: bit flags of jieba's character classes (``BLOCK``, ``SPACE``, ``ENG``, ``FSHAN``,
    ``DIGIT`` below).
``hmm`` = ``(start[4], trans[4, 4], emit[hi - lo, 4], lo)`` (emission rows per character) with states ordered B, E, M, S
    (alphabetical, so a larger index is a larger state letter, as in jieba's tie-breaking).

Output of a cut: ``out_cp`` holds the code points of all tokens one after another,
``out_end[t]`` the end of token ``t`` in ``out_cp`` and ``line_end[i]`` the number of tokens
after line ``i``. ``st[0]`` = code points written, ``st[1]`` = tokens written, ``st[2]`` = an
overflow flag (the caller grows the buffers and resumes at the returned line).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

BLOCK, SPACE, ENG, FSHAN, DIGIT = 1, 2, 4, 8, 16
MODE_DEFAULT, MODE_SEARCH, MODE_ALL = 0, 1, 2
ST_B, ST_E, ST_M, ST_S = 0, 1, 2, 3
MIN_FLOAT = -3.14e100  # jieba.finalseg.MIN_FLOAT: the score of an impossible emission
_HASH_MUL = np.uint64(11400714819323198485)  # 2**64 / golden ratio


@njit(cache=True, inline="always")
def _slot(key, mask):
    return np.int64((np.uint64(key) * _HASH_MUL) >> np.uint64(32)) & mask


@njit(cache=True)
def child(trie, node, cp):
    """The node reached from ``node`` by code point ``cp``, or -1."""
    if node == 0:
        return trie[0][cp]
    if not (trie[6][node] >> np.uint64(cp & 63)) & np.uint64(1):
        return -1
    ekey = trie[1]
    mask = ekey.size - 1
    key = (np.int64(node) << 21) | cp
    h = _slot(key, mask)
    while True:
        k = ekey[h]
        if k == key:
            return trie[2][h]
        if k == -1:
            return -1
        h = (h + 1) & mask


@njit(cache=True)
def lookup(trie, cps, a, b):
    """The node of the key ``cps[a:b]`` (b > a), or -1 when it is not a key."""
    node = 0
    for i in range(a, b):
        node = child(trie, node, cps[i])
        if node < 0:
            return -1
    return node


@njit(cache=True)
def insert(trie, nnodes, cps, a, b):
    """Create the path of ``cps[a:b]``; new nodes get frequency 0. Returns (node, nnodes).

    The caller guarantees capacity (nodes and a hash table at most half full).
    """
    root_child, ekey, evals, nsig = trie[0], trie[1], trie[2], trie[6]
    mask = ekey.size - 1
    node = 0
    for i in range(a, b):
        cp = cps[i]
        if node == 0:
            nxt = root_child[cp]
            if nxt < 0:
                nxt = nnodes
                nnodes += 1
                root_child[cp] = nxt
            node = nxt
            continue
        key = (np.int64(node) << 21) | cp
        h = _slot(key, mask)
        while True:
            k = ekey[h]
            if k == key:
                node = evals[h]
                break
            if k == -1:
                ekey[h] = key
                evals[h] = nnodes
                nsig[node] |= np.uint64(1) << np.uint64(cp & 63)
                node = nnodes
                nnodes += 1
                break
            h = (h + 1) & mask
    return node, nnodes


def new_trie(cap_nodes: int) -> tuple:
    """An empty trie (the tuple layout above) with room for *cap_nodes* nodes: the hashed edge
    table gets the next power of two of twice that many slots (at least 16)."""
    cap_edges = 1 << max(4, (2 * cap_nodes - 1).bit_length())
    return (np.full(0x110000, -1, dtype=np.int32), np.full(cap_edges, -1, dtype=np.int64),
            np.full(cap_edges, -1, dtype=np.int32), np.zeros(cap_nodes, dtype=np.int64),
            np.zeros(cap_nodes, dtype=np.float64), np.zeros(cap_nodes, dtype=np.uint8),
            np.zeros(cap_nodes, dtype=np.uint64))


@njit(cache=True)
def build_main(trie, cps, offsets, freqs):
    """Insert the words of a main dictionary in file order (jieba's ``gen_pfdict``).

    A repeated word takes the frequency of its last line; prefixes created on the way keep
    frequency 0 unless they are words themselves. Returns the number of nodes.
    """
    nfreq = trie[3]
    nnodes = 1
    for w in range(offsets.size - 1):
        node, nnodes = insert(trie, nnodes, cps, offsets[w], offsets[w + 1])
        nfreq[node] = freqs[w]
    return nnodes


# --------------------------------------------------------------------------- output


@njit(cache=True, inline="always")
def _append(cps, a, b, out_cp, st):
    """Append code points ``cps[a:b]`` to the token being written."""
    n = st[0]
    if n + (b - a) > out_cp.size:
        st[2] = 1  # overflow: the caller rolls the line back and grows the buffers
        return
    for i in range(a, b):
        out_cp[n] = cps[i]
        n += 1
    st[0] = n


@njit(cache=True, inline="always")
def _close(out_end, st):
    """End the token being written."""
    if st[1] >= out_end.size:
        st[2] = 1
        return
    out_end[st[1]] = st[0]
    st[1] += 1


@njit(cache=True, inline="always")
def _put(cps, a, b, out_cp, out_end, st):
    """Append token ``cps[a:b]`` (possibly empty) to the output."""
    _append(cps, a, b, out_cp, st)
    _close(out_end, st)


@njit(cache=True, inline="always")
def _tok(cps, a, b, trie, mode, out_cp, out_end, st):
    """Emit one token of jieba's accurate cut; in search mode first its dictionary 2/3-grams."""
    if mode == MODE_SEARCH and b - a > 2:
        _grams(cps, a, b, trie, out_cp, out_end, st)
    _put(cps, a, b, out_cp, out_end, st)


@njit(cache=True)
def _grams(cps, a, b, trie, out_cp, out_end, st):
    """cut_for_search: the dictionary words of 2 and 3 characters inside a long token."""
    nfreq = trie[3]
    for i in range(a, b - 1):
        node = lookup(trie, cps, i, i + 2)
        if node >= 0 and nfreq[node] > 0:
            _put(cps, i, i + 2, out_cp, out_end, st)
    if b - a > 3:
        for i in range(a, b - 2):
            node = lookup(trie, cps, i, i + 3)
            if node >= 0 and nfreq[node] > 0:
                _put(cps, i, i + 3, out_cp, out_end, st)


# --------------------------------------------------------------------------- route


@njit(cache=True)
def get_dag(cps, k, b, trie, dag):
    """jieba's ``get_DAG`` at one position: the dictionary words (frequency > 0) starting at
    ``k`` and ending before ``b``, as pairs ``dag[2j] = last index, dag[2j+1] = node``, in
    increasing length. Returns their number (0 when none)."""
    nfreq = trie[3]
    nd = 0
    node = 0
    i = k
    while i < b:
        node = child(trie, node, cps[i])
        if node < 0:
            break
        if nfreq[node] > 0:
            dag[2 * nd] = i
            dag[2 * nd + 1] = node
            nd += 1
        i += 1
    return nd


@njit(cache=True)
def calc_route(cps, a, b, trie, logtotal, use_table, rw, rx, dag):
    """jieba's ``calc``: best route over block ``cps[a:b]`` into ``rx`` (end index of the word
    starting at each position, relative to ``a``); ``rw`` holds the route scores. The words
    starting at each position are those of :func:`get_dag` (``dag`` is unused work space)."""
    nfreq, nweight = trie[3], trie[4]
    n = b - a
    rw[n] = 0.0
    for idx in range(n - 1, -1, -1):
        best = 0.0
        bx = -1
        # get_dag's walk, written out: a call per position costs more than the walk itself
        node = 0
        for i in range(a + idx, b):
            node = child(trie, node, cps[i])
            if node < 0:
                break
            if nfreq[node] <= 0:
                continue
            e = i - a
            if use_table:
                w = nweight[node]
            else:
                w = math.log(nfreq[node]) - logtotal
            c = w + rw[e + 1]
            # max over (score, end) tuples: equal scores go to the larger end
            if bx < 0 or c >= best:
                best = c
                bx = e
        if bx < 0:
            # no word starts here: the character alone, log(FREQ.get(c) or 1) = log(1)
            best = (0.0 - logtotal) + rw[idx + 1]
            bx = idx
        rw[idx] = best
        rx[idx] = bx


# --------------------------------------------------------------------------- finalseg


@njit(cache=True)
def _hmm_word(cps, a, b, trie, has_force, mode, out_cp, out_end, st):
    if has_force:
        node = lookup(trie, cps, a, b)
        if node >= 0 and (trie[5][node] & 1):
            for i in range(a, b):
                _tok(cps, i, i + 1, trie, mode, out_cp, out_end, st)
            return
    _tok(cps, a, b, trie, mode, out_cp, out_end, st)


@njit(cache=True)
def viterbi(cps, a, b, hmm, V, back, pos):
    """B/M/E/S states of ``cps[a:b]`` into ``pos[:b - a]`` (jieba.finalseg.viterbi)."""
    start, trans, emit, lo = hmm[0], hmm[1], hmm[2], hmm[3]
    hi = lo + emit.shape[0]
    n = b - a
    cp = cps[a]
    for y in range(4):
        em = emit[cp - lo, y] if lo <= cp < hi else MIN_FLOAT
        V[0, y] = start[y] + em
    for t in range(1, n):
        cp = cps[a + t]
        inside = lo <= cp < hi
        for y in range(4):
            em = emit[cp - lo, y] if inside else MIN_FLOAT
            # jieba.finalseg.PrevStatus, in its order
            if y == ST_B:
                p0, p1 = ST_E, ST_S
            elif y == ST_M:
                p0, p1 = ST_M, ST_B
            elif y == ST_S:
                p0, p1 = ST_S, ST_E
            else:
                p0, p1 = ST_B, ST_M
            c0 = V[t - 1, p0] + trans[p0, y] + em
            c1 = V[t - 1, p1] + trans[p1, y] + em
            # max over (score, state letter) tuples; states are numbered in letter order
            if c0 > c1 or (c0 == c1 and p0 > p1):
                V[t, y] = c0
                back[t, y] = p0
            else:
                V[t, y] = c1
                back[t, y] = p1
    s = ST_S if V[n - 1, ST_S] >= V[n - 1, ST_E] else ST_E
    for t in range(n - 1, -1, -1):
        pos[t] = s
        if t > 0:
            s = back[t, s]


@njit(cache=True)
def run_end(cps, i, b, cls, bit):
    """End of the run from ``i`` of characters alike in class ``bit`` (all in, or all out):
    the pieces of ``re.split`` by a character-class pattern."""
    inside = (cls[cps[i]] & bit) != 0
    j = i + 1
    while j < b and ((cls[cps[j]] & bit) != 0) == inside:
        j += 1
    return j


@njit(cache=True)
def finalseg(cps, a, b, trie, cls, hmm, has_force, mode, out_cp, out_end, st, V, back, pos):
    """jieba.finalseg.cut of ``cps[a:b]``: Viterbi on Han runs, a small regex elsewhere."""
    i = a
    while i < b:
        j = run_end(cps, i, b, cls, FSHAN)
        if cls[cps[i]] & FSHAN:
            viterbi(cps, i, j, hmm, V, back, pos)
            begin = 0
            nexti = 0
            for t in range(j - i):
                s = pos[t]
                if s == ST_B:
                    begin = t
                elif s == ST_E:
                    _hmm_word(cps, i + begin, i + t + 1, trie, has_force, mode, out_cp, out_end, st)
                    nexti = t + 1
                elif s == ST_S:
                    _hmm_word(cps, i + t, i + t + 1, trie, has_force, mode, out_cp, out_end, st)
                    nexti = t + 1
            if nexti < j - i:
                _hmm_word(cps, i + nexti, j, trie, has_force, mode, out_cp, out_end, st)
        else:
            # re.split by ([a-zA-Z0-9]+(?:\.\d+)?%?): matches and the non-empty gaps between
            p = i
            gap = i
            while p < j:
                if cls[cps[p]] & ENG:
                    if gap < p:
                        _tok(cps, gap, p, trie, mode, out_cp, out_end, st)
                    q = p
                    while q < j and (cls[cps[q]] & ENG):
                        q += 1
                    if q + 1 < j and cps[q] == 46 and (cls[cps[q + 1]] & DIGIT):
                        q += 2
                        while q < j and (cls[cps[q]] & DIGIT):
                            q += 1
                    if q < j and cps[q] == 37:
                        q += 1
                    _tok(cps, p, q, trie, mode, out_cp, out_end, st)
                    p = q
                    gap = q
                else:
                    p += 1
            if gap < j:
                _tok(cps, gap, j, trie, mode, out_cp, out_end, st)
        i = j


# --------------------------------------------------------------------------- blocks


@njit(cache=True)
def _block_hmm(cps, a, b, trie, cls, hmm, has_force, logtotal, use_table, mode,
               out_cp, out_end, st, rw, rx, V, back, pos, dag):
    calc_route(cps, a, b, trie, logtotal, use_table, rw, rx, dag)
    nfreq = trie[3]
    n = b - a
    x = 0
    bs = -1
    while x <= n:
        if x < n:
            y = rx[x] + 1
            if y - x == 1:
                if bs < 0:
                    bs = x
                x = y
                continue
        # flush the buffer of single characters, then the word [x, y)
        if bs >= 0:
            if x - bs == 1:
                _tok(cps, a + bs, a + x, trie, mode, out_cp, out_end, st)
            else:
                node = lookup(trie, cps, a + bs, a + x)
                if node >= 0 and nfreq[node] > 0:
                    for i in range(a + bs, a + x):
                        _tok(cps, i, i + 1, trie, mode, out_cp, out_end, st)
                else:
                    finalseg(cps, a + bs, a + x, trie, cls, hmm, has_force, mode,
                             out_cp, out_end, st, V, back, pos)
            bs = -1
        if x == n:
            break
        _tok(cps, a + x, a + y, trie, mode, out_cp, out_end, st)
        x = y


@njit(cache=True)
def _block_nohmm(cps, a, b, trie, cls, logtotal, use_table, mode, out_cp, out_end, st, rw, rx,
                 dag):
    calc_route(cps, a, b, trie, logtotal, use_table, rw, rx, dag)
    n = b - a
    x = 0
    bs = -1
    while x < n:
        y = rx[x] + 1
        if y - x == 1 and (cls[cps[a + x]] & ENG):
            if bs < 0:
                bs = x
        else:
            if bs >= 0:
                _tok(cps, a + bs, a + x, trie, mode, out_cp, out_end, st)
                bs = -1
            _tok(cps, a + x, a + y, trie, mode, out_cp, out_end, st)
        x = y
    if bs >= 0:
        _tok(cps, a + bs, a + n, trie, mode, out_cp, out_end, st)


@njit(cache=True)
def _block_all(cps, a, b, trie, cls, out_cp, out_end, st, dag, eng):
    """jieba's ``__cut_all``: every dictionary word; single ASCII alnum pieces glued."""
    n = b - a
    old_j = -1
    eng_scan = False
    neng = 0  # pieces of the ASCII buffer, as spans eng[2i], eng[2i+1]
    for k in range(n):
        nl = get_dag(cps, a + k, b, trie, dag)
        for j in range(nl):
            dag[j] = dag[2 * j] - a  # keep the ends only, relative to the block
        if nl == 0:
            dag[0] = k
            nl = 1
        is_eng = (cls[cps[a + k]] & ENG) != 0
        if eng_scan and not is_eng:
            eng_scan = False
            _put_glued(cps, eng, neng, out_cp, out_end, st)
        if nl == 1 and k > old_j:
            e = dag[0]
            if is_eng:
                if not eng_scan:
                    eng_scan = True
                    neng = 0
                eng[2 * neng] = a + k
                eng[2 * neng + 1] = a + e + 1
                neng += 1
            if not eng_scan:
                _put(cps, a + k, a + e + 1, out_cp, out_end, st)
            old_j = e
        else:
            for t in range(nl):
                e = dag[t]
                if e > k:
                    _put(cps, a + k, a + e + 1, out_cp, out_end, st)
                    old_j = e
    if eng_scan:
        _put_glued(cps, eng, neng, out_cp, out_end, st)


@njit(cache=True)
def _put_glued(cps, eng, neng, out_cp, out_end, st):
    """Append one token made of the spans ``eng[0:2*neng]`` (jieba's ``eng_buf``)."""
    for p in range(neng):
        _append(cps, eng[2 * p], eng[2 * p + 1], out_cp, st)
    _close(out_end, st)


@njit(cache=True)
def _other(cps, a, b, cls, trie, mode, out_cp, out_end, st):
    """Text between blocks: jieba splits it by ``(\\r\\n|\\s)``."""
    if mode != MODE_ALL:
        i = a
        while i < b:
            if cps[i] == 13 and i + 1 < b and cps[i + 1] == 10:
                _tok(cps, i, i + 2, trie, mode, out_cp, out_end, st)
                i += 2
            else:
                _tok(cps, i, i + 1, trie, mode, out_cp, out_end, st)
                i += 1
        return
    # full mode yields the pieces of re.split whole, empty ones included
    piece = a
    i = a
    while i < b:
        if cps[i] == 13 and i + 1 < b and cps[i + 1] == 10:
            sep = 2
        elif cls[cps[i]] & SPACE:
            sep = 1
        else:
            i += 1
            continue
        _put(cps, piece, i, out_cp, out_end, st)
        _put(cps, i, i + sep, out_cp, out_end, st)
        i += sep
        piece = i
    _put(cps, piece, b, out_cp, out_end, st)


@njit(cache=True)
def cut_text(cps, a, b, trie, cls, hmm, has_force, logtotal, use_table, mode, use_hmm,
             out_cp, out_end, st, rw, rx, V, back, pos, dag, eng):
    """Cut ``cps[a:b]`` as ``jieba.cut`` (or ``cut_for_search``) cuts one string."""
    i = a
    while i < b:
        j = run_end(cps, i, b, cls, BLOCK)
        if cls[cps[i]] & BLOCK:
            if mode == MODE_ALL:
                _block_all(cps, i, j, trie, cls, out_cp, out_end, st, dag, eng)
            elif use_hmm:
                _block_hmm(cps, i, j, trie, cls, hmm, has_force, logtotal, use_table, mode,
                           out_cp, out_end, st, rw, rx, V, back, pos, dag)
            else:
                _block_nohmm(cps, i, j, trie, cls, logtotal, use_table, mode,
                             out_cp, out_end, st, rw, rx, dag)
        else:
            _other(cps, i, j, cls, trie, mode, out_cp, out_end, st)
        i = j


@njit(cache=True)
def cut_lines(cps, starts, first, trie, cls, hmm, has_force, logtotal, mode, use_hmm,
              out_cp, out_end, line_end, st, scratch):
    """Cut lines ``first, first+1, ...`` (line i is ``cps[starts[i]:starts[i+1]]``).

    Returns the index of the first line not cut: ``starts.size - 1`` when all fit, or the line
    whose tokens overflowed the output (its partial output is rolled back).
    """
    return _cut_lines(cps, starts, first, trie, cls, hmm, has_force, logtotal, mode, use_hmm,
                      out_cp, out_end, line_end, st, scratch)


# The common configurations, with mode, HMM and "no force-split words" fixed at compile time:
# the compiler then drops the other modes' code and inlines the rest, ~1.5x faster than
# ``cut_lines`` with the same values passed at run time (same output).


@njit(cache=True)
def cut_lines_hmm(cps, starts, first, trie, cls, hmm, logtotal, out_cp, out_end, line_end, st,
                  scratch):
    """``cut_lines`` for default mode, HMM on, a dictionary without frequency-0 user words."""
    return _cut_lines(cps, starts, first, trie, cls, hmm, False, logtotal, MODE_DEFAULT, True,
                      out_cp, out_end, line_end, st, scratch)


@njit(cache=True)
def cut_lines_nohmm(cps, starts, first, trie, cls, hmm, logtotal, out_cp, out_end, line_end, st,
                    scratch):
    """``cut_lines`` for default mode, HMM off, a dictionary without frequency-0 user words."""
    return _cut_lines(cps, starts, first, trie, cls, hmm, False, logtotal, MODE_DEFAULT, False,
                      out_cp, out_end, line_end, st, scratch)


@njit(cache=True, inline="always")
def _cut_lines(cps, starts, first, trie, cls, hmm, has_force, logtotal, mode, use_hmm,
               out_cp, out_end, line_end, st, scratch):
    rw, rx, V, back, pos, dag, eng = scratch
    nlines = starts.size - 1
    for li in range(first, nlines):
        n0 = st[0]
        t0 = st[1]
        cut_text(cps, starts[li], starts[li + 1], trie, cls, hmm, has_force, logtotal, True,
                 mode, use_hmm, out_cp, out_end, st, rw, rx, V, back, pos, dag, eng)
        if st[2]:
            st[0] = n0
            st[1] = t0
            st[2] = 0
            return li
        line_end[li] = st[1]
    return nlines


@njit(cache=True)
def add_user_words(trie, nnodes, cls, hmm, total, cps, offsets, freqs, has_force, scratch,
                   out_cp, out_end):
    """jieba's ``load_userdict``: ``add_word`` for each word in order.

    ``freqs[w] < 0`` means "no frequency given": jieba's ``suggest_freq(word)`` is used, which
    cuts the word with HMM off against the dictionary as it stands (so order matters):
    ``max(int(total * prod(FREQ.get(seg, 1) / total)) + 1, FREQ.get(word, 1))``.
    A frequency of 0 marks the word "force split" for finalseg. Returns (nnodes, total,
    has_force).
    """
    rw, rx, V, back, pos, dag, eng = scratch
    nfreq, nflag = trie[3], trie[5]
    st = np.zeros(3, np.int64)
    for w in range(offsets.size - 1):
        a = offsets[w]
        b = offsets[w + 1]
        f = freqs[w]
        if f < 0:
            ftotal = np.float64(total)
            st[0] = 0
            st[1] = 0
            cut_text(cps, a, b, trie, cls, hmm, has_force, math.log(total), False,
                     MODE_DEFAULT, False, out_cp, out_end, st, rw, rx, V, back, pos, dag, eng)
            prod = 1.0
            s0 = 0
            for t in range(st[1]):
                s1 = out_end[t]
                node = lookup(trie, out_cp, s0, s1)
                g = nfreq[node] if node >= 0 else 1
                prod *= np.float64(g) / ftotal
                s0 = s1
            node = lookup(trie, cps, a, b)
            own = nfreq[node] if node >= 0 else 1
            f = np.int64(prod * ftotal) + 1
            if own > f:
                f = own
        node, nnodes = insert(trie, nnodes, cps, a, b)
        nfreq[node] = f
        total += f
        if f == 0:
            nflag[node] |= 1
            has_force = True
    return nnodes, total, has_force


@njit(cache=True)
def join_tokens(out_cp, out_end, line_end, sep, newline):
    """Code points of the lines ``tok sep tok sep ... tok newline`` (one per input line)."""
    nlines = line_end.size
    ntok = out_end.size
    res = np.empty(out_cp.size + ntok + nlines, np.int32)
    n = 0
    t = 0
    p = 0
    for li in range(nlines):
        first = True
        while t < line_end[li]:
            if not first:
                res[n] = sep
                n += 1
            first = False
            q = out_end[t]
            while p < q:
                res[n] = out_cp[p]
                n += 1
                p += 1
            t += 1
        res[n] = newline
        n += 1
    return res[:n]


_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@njit(cache=True)
def tally_tokens(out_cp, out_end, first, slots, hashes, tstart, tlen, counts, store, state):
    """Add tokens ``first, first+1, ...`` of a cut to a token table that lives across calls.

    Token ``t`` is ``out_cp[out_end[t-1]:out_end[t]]``. The table: ``slots`` (open addressing,
    a power of two, -1 = empty) holds token numbers; token ``u`` has FNV-1a hash ``hashes[u]``,
    code points ``store[tstart[u]:tstart[u] + tlen[u]]`` and count ``counts[u]``; ``state`` =
    (distinct tokens, code points stored). A hash hit is confirmed code point by code point, so
    only distinct tokens are ever stored (and later become Python strings).

    Returns the first token not added: ``out_end.size`` when all were, else the table must grow
    first (it is kept at most half full; the store or the per-token arrays are full).
    """
    mask = slots.size - 1
    nuniq = state[0]
    used = state[1]
    a = out_end[first - 1] if first > 0 else 0
    for t in range(first, out_end.size):
        b = out_end[t]
        n = b - a
        h = _FNV_OFFSET
        for i in range(a, b):
            h = (h ^ np.uint64(out_cp[i])) * _FNV_PRIME
        h = (h ^ np.uint64(n)) * _FNV_PRIME
        s = np.int64(h >> np.uint64(17)) & mask
        while True:
            u = slots[s]
            if u < 0:
                if 2 * (nuniq + 1) > slots.size or nuniq >= counts.size or used + n > store.size:
                    state[0] = nuniq
                    state[1] = used
                    return t
                slots[s] = nuniq
                hashes[nuniq] = h
                tstart[nuniq] = used
                tlen[nuniq] = n
                counts[nuniq] = 1
                for i in range(n):
                    store[used + i] = out_cp[a + i]
                used += n
                nuniq += 1
                break
            if hashes[u] == h and tlen[u] == n:
                p = tstart[u]
                same = True
                for i in range(n):
                    if store[p + i] != out_cp[a + i]:
                        same = False
                        break
                if same:
                    counts[u] += 1
                    break
            s = (s + 1) & mask
        a = b
    state[0] = nuniq
    state[1] = used
    return out_end.size


@njit(cache=True)
def rehash_tokens(hashes, nuniq, slots):
    """Re-insert tokens ``0 .. nuniq-1`` by their hashes into ``slots`` (all -1, larger)."""
    mask = slots.size - 1
    for u in range(nuniq):
        s = np.int64(hashes[u] >> np.uint64(17)) & mask
        while slots[s] >= 0:
            s = (s + 1) & mask
        slots[s] = u
