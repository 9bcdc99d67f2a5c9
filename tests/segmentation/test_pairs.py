"""Two-character words by their neighbours: pair_evidence against a slow reference and against
its numpy version bit for bit, its kernels, and the hybrid's use of it on real text."""

import math
from collections import Counter

import numpy as np
import pytest

from minent.segmentation.pairs import (adjacent_singles, own_code, pair_evidence, pair_keys,
                                       two_unit_words, unpack_pairs, word_edges)
from minent.text.chars import to_codepoints

END, BITS = 0x110000, 21  # (the separator unit and the bits of a unit in a key: pairs._END, pairs._BITS)


def _tokens(text, begin):
    """The words of *text* (separators '|') under the word starts *begin*, with their positions."""
    words, i = [], 0
    while i < len(text):
        if text[i] == "|":
            words.append((i, 1, True))
            i += 1
            continue
        j = i + 1
        while j < len(text) and text[j] != "|" and not begin[j]:
            j += 1
        words.append((i, j - i, False))
        i = j
    return words


def _evidence_reference(text, begin, pair, own=False):
    """The module docstring's definition, one occurrence at a time, with dictionaries; with
    *own*, also E' (against the pair's own neighbours so far), after E_L and E_R."""
    END = None
    unit = lambda i: END if i < 0 or i >= len(text) or text[i] == "|" else text[i]  # noqa: E731
    words = _tokens(text, begin)
    starts = {i for i, _, s in words if not s}
    ends = {i + n - 1 for i, n, s in words if not s}
    single = {i for i, n, s in words if not s and n == 1}
    occ = [i for i in range(len(text) - 1) if text[i:i + 2] == pair]
    out, own_out = [], []
    for part_at, ctx, edges, part in ((0, -1, starts, pair[0]), (1, +1, ends, pair[1])):
        bg = Counter(unit(i + ctx) for i in edges)
        total = sum(bg.values())
        mine = {i + part_at for i in occ}
        free = Counter(unit(i + ctx) for i in single if text[i] == part and i not in mine)
        n, v = sum(free.values()), len(free)
        e, e_own, before = 0.0, 0.0, []
        for i in occ:
            x = unit(i + part_at + ctx)
            # the pair's own code: Witten-Bell over its earlier neighbours, backed off to p₀ (a
            # unit never at a word edge: half an occurrence)
            t, w, c, p0f = len(before), len(set(before)), before.count(x), max(bg[x], 0.5) / total
            e_own -= math.log((c + w * p0f) / (t + w) / p0f) if t else 0.0
            before.append(x)
            if n + v == 0:
                continue
            p0 = bg[x] / total
            p = (free[x] + v * p0) / (n + v)
            e += math.log(p / p0) if free[x] else math.log(v / (n + v))
        out.append(e)
        own_out.append(e + e_own)
    return tuple(out + own_out) if own else tuple(out)


# --- the numpy version of pair_evidence (the reference of its kernels)

def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``values`` of *query* in the sorted unique *keys* (0 where absent)."""
    if len(keys) == 0:
        return np.zeros(len(query), dtype=values.dtype)
    j = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return np.where(keys[j] == query, values[j], 0)


def _unit_at(ucp: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """The units of *ucp* at the positions *pos* (int64), ``END`` for a separator or a position
    off either edge."""
    inside = (pos >= 0) & (pos < len(ucp))
    x = np.full(len(pos), END, dtype=np.int64)
    x[inside] = ucp[pos[inside]]
    x[x < 0] = END
    return x


def _counted(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys of the (keys, counts) *parts* (each sorted and distinct), sorted, with
    their counts summed."""
    keys = np.concatenate([k for k, _ in parts])
    counts = np.concatenate([c for _, c in parts])
    if len(parts) == 1:
        return keys, counts
    both, inverse = np.unique(keys, return_inverse=True)
    return both, np.bincount(inverse.ravel(), weights=counts, minlength=len(both)).astype(np.int64)


def _pair_evidence_numpy(ucp: np.ndarray, begin: np.ndarray, pairs: np.ndarray, *,
                  chunk: int = 1 << 20, own: bool = False) -> tuple[np.ndarray, ...]:
    """:func:`pair_evidence` as it was written with numpy (sorts of every chunk's keys, hash tables
    of the merged counts, a bincount a chunk): the reference its kernels must equal bit for bit
    (the same floating-point operations in the same order)."""
    from minent.segmentation.kernels.viterbi import count_table, pack_rows, row_counts

    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    m, n = len(pairs), len(ucp)
    if m == 0 or n < 2:
        return (np.zeros(m),) * (4 if own else 2)
    start, end = word_edges(ucp, begin)
    sep = ucp < 0
    alone = start & end & ~sep  # one-character words
    # where a pair of *pairs* may start (both its units in some row)
    first = np.zeros(END + 1, dtype=bool)  # (index -1, a separator, is END: False)
    second = np.zeros(END + 1, dtype=bool)
    first[pairs[:, 0]] = True
    second[pairs[:, 1]] = True
    pair_table = count_table(pack_rows(pairs, BITS), np.arange(1, m + 1))  # pair → its row + 1
    sides = {-1: (start, pairs[:, 0]), +1: (end, pairs[:, 1])}  # step: (edge, the part of each pair)
    pid_bits = max(BITS, m.bit_length())  # (a key (pair's row, x) of the pair's occurrences)

    # the occurrences of the pairs, found once: position and row (4 + 4 bytes each)
    found = []
    for a in range(0, n - 1, chunk):
        hi = min(a + chunk, n - 1)
        pos = a + np.flatnonzero(first[ucp[a:hi]] & second[ucp[a + 1:hi + 1]])
        pid = row_counts(pair_table, np.stack([ucp[pos], ucp[pos + 1]], axis=1), BITS) - 1
        small = np.int32 if n < 2**31 and m < 2**31 else np.int64
        found.append((pos[pid >= 0].astype(small), pid[pid >= 0].astype(small)))
    del first, second, pair_table
    found_pos = np.concatenate([p for p, _ in found])
    found_pid = np.concatenate([q for _, q in found])
    del found

    def chunks():
        for a in range(0, n, chunk):
            b = min(a + chunk, n)
            lo, hi = np.searchsorted(found_pos, [a, b])
            yield a, b, found_pos[lo:hi].astype(np.int64), found_pid[lo:hi].astype(np.int64)

    out, own_out = [], []
    for step, (edge, part) in sides.items():  # (one side at a time: its tables only in memory)
        bg = np.zeros(END + 1)  # the unit before a word start / after a word end
        free, ex = [], []  # (part, x): the free part's neighbours; (pair, x) where the part is free
        for a, b, pos, pid in chunks():
            single = a + np.flatnonzero(alone[a:b])
            bg += np.bincount(_unit_at(ucp, a + np.flatnonzero(edge[a:b] & ~sep[a:b]) + step), minlength=END + 1)
            free.append(np.unique((ucp[single].astype(np.int64) << BITS) | _unit_at(ucp, single + step),
                                  return_counts=True))
            part_at = pos if step < 0 else pos + 1
            sel = alone[part_at]
            ex.append(np.unique((pid[sel] << pid_bits) | _unit_at(ucp, part_at[sel] + step), return_counts=True))
        p0 = bg / max(bg.sum(), 1.0)
        own_ll = None
        if own:  # (a unit never seen at a word edge counts as half an occurrence there)
            at = found_pos.astype(np.int64) + (0 if step < 0 else 1) + step
            own_ll = own_code(found_pid.astype(np.int64), _unit_at(ucp, at), np.maximum(bg, 0.5) / max(bg.sum(), 1.0))
        del bg
        fk, fc = _counted(free)
        ek, ec = _counted(ex)
        del free, ex
        n_part = np.bincount(fk >> BITS, weights=fc, minlength=END + 1).astype(np.int64)[part]
        parts_of, v_part = np.unique(fk >> BITS, return_counts=True)  # different neighbours
        free_table = count_table(fk.astype(np.uint64), fc)
        del fk
        # the pair's own occurrences where its part is free are left out of the part's counts (a
        # pair the segmentation cut must not explain itself): N and V of what is left
        e_pid = ek >> pid_bits
        e_free = row_counts(free_table, np.stack([part[e_pid], ek & ((1 << pid_bits) - 1)], axis=1), BITS)
        v_gone = np.bincount(e_pid[ec >= e_free], minlength=m)  # neighbours only ever the pair's
        n_left = n_part - np.bincount(e_pid, weights=ec, minlength=m).astype(np.int64)
        v_left = _lookup(parts_of, v_part, part) - v_gone
        ex_table = count_table(ek.astype(np.uint64), ec)
        del ek, ec, e_pid, e_free
        total, v_all = (n_left + v_left).astype(np.float64), v_left.astype(np.float64)
        evidence = np.zeros(m)
        for _, _, pos, pid in chunks():
            tot, v = total[pid], v_all[pid]
            x = _unit_at(ucp, (pos if step < 0 else pos + 1) + step)
            d = (row_counts(free_table, np.stack([part[pid], x], axis=1), BITS)
                 - row_counts(ex_table, np.stack([pid, x], axis=1), pid_bits))
            with np.errstate(divide="ignore", invalid="ignore"):
                # p / p₀ = d / ((N + V) p₀) + V / (N + V); d > 0 only where p₀ > 0
                ratio = np.where(d > 0, d / (tot * p0[x]), 0.0) + v / tot
                ll = np.where(tot > 0, np.log(ratio), 0.0)
            evidence += np.bincount(pid, weights=ll, minlength=m)
        out.append(evidence)
        if own_ll is not None:
            own_out.append(evidence - np.bincount(found_pid.astype(np.int64), weights=own_ll, minlength=m))
        del free_table, ex_table, p0
    return (out[0], out[1], own_out[0], own_out[1]) if own else (out[0], out[1])


def _random_case(rng, n):
    alphabet = "这是不能全国现在为了我们中"
    text = "".join(rng.choice(list(alphabet + "|"), p=[0.07] * 13 + [0.09]) for _ in range(n))
    begin = (rng.random(n) < 0.55).astype(np.uint8)
    return text, begin


def _ucp(text):
    ucp = to_codepoints(text).astype(np.int32)
    ucp[ucp == ord("|")] = -1
    return ucp


@pytest.mark.parametrize("seed", range(6))
def test_pair_evidence_against_reference(seed):
    rng = np.random.default_rng(seed)
    text, begin = _random_case(rng, 400 + 200 * seed)
    pairs = sorted({text[i:i + 2] for i in range(len(text) - 1) if "|" not in text[i:i + 2]})
    pairs += ["书外"]  # (never seen: evidence 0)
    rows = np.array([[ord(p[0]), ord(p[1])] for p in pairs])
    got = pair_evidence(_ucp(text), begin, rows, own=True)
    assert all(a.tolist() == b.tolist() for a, b in zip(pair_evidence(_ucp(text), begin, rows), got))
    # read a few units at a time (chunks cut pairs and words anywhere): the same counts
    chunked = pair_evidence(_ucp(text), begin, rows, chunk=37 + seed, own=True)
    for a, b in zip(chunked, got):
        assert a == pytest.approx(b, abs=1e-9)
    for k, p in enumerate(pairs):
        ref = _evidence_reference(text, begin, p, own=True)
        assert [e[k] for e in got] == pytest.approx(ref, abs=1e-9), p


def test_own_code_against_reference():
    rng = np.random.default_rng(7)
    pid, x = rng.integers(0, 5, 300), rng.integers(0, 8, 300)
    p0 = rng.random(9) + 0.05
    p0 /= p0.sum()
    expected = []
    for i in range(len(pid)):
        before = [x[j] for j in range(i) if pid[j] == pid[i]]
        t, v, c = len(before), len(set(before)), before.count(x[i])
        expected.append(math.log((c + v * p0[x[i]]) / (t + v) / p0[x[i]]) if t else 0.0)
    assert own_code(pid, x, p0) == pytest.approx(expected, abs=1e-12)
    assert own_code(np.zeros(0, np.int64), np.zeros(0, np.int64), p0).shape == (0,)


def test_own_code_skewed_pairs_against_reference():
    """One pair with most of the occurrences, many pairs with one, units repeating: the kernel's
    logarithms against the definition computed occurrence by occurrence (same operations; 1e-12
    for libm's log against numpy's)."""
    rng = np.random.default_rng(11)
    pid = np.where(rng.random(3000) < 0.6, 3, rng.integers(0, 400, 3000))
    x = rng.integers(0, 12, 3000)
    x[::97] = 11  # (the separator unit of pairs.py is the last of p0 too)
    p0 = rng.random(12) + 0.05
    p0 /= p0.sum()
    past: dict[int, list[int]] = {}
    expected = []
    for p, u in zip(pid.tolist(), x.tolist()):
        before = past.setdefault(p, [])
        t, v, c = len(before), len(set(before)), before.count(u)
        expected.append(math.log((c / p0[u] + v) / max(t + v, 1)) if t else 0.0)
        before.append(u)
    assert own_code(pid, x, p0) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_pair_evidence_tells_a_collocation_from_a_word():
    # 是 after 这 is followed by what follows the free 是; after 现, 在 is followed by what never
    # follows the free 在
    text = "|".join(["这是书", "我是人", "他是书", "这是人", "在家", "在外", "现在我", "现在他", "也在家"]) + "|"
    begin = np.array([1 if c != "|" else 0 for c in text], np.uint8)
    for w in ("现在", "这是"):  # the segmentation cut both into characters
        i = text.index(w)
        begin[i] = begin[i + 1] = 1
    ucp = _ucp(text)
    left, right = pair_evidence(ucp, begin, np.array([[ord("这"), ord("是")], [ord("现"), ord("在")]]))
    assert right[0] > 0 and right[1] < 0


def test_positions_helpers():
    text = "这是|全国人|现在"
    ucp = _ucp(text)
    begin = np.array([1, 1, 0, 1, 0, 1, 0, 1, 1], np.uint8)  # 这 是 | 全国 人 | 现 在
    start, end = word_edges(ucp, begin)
    assert start.tolist() == [1, 1, 1, 1, 0, 1, 1, 1, 1]
    keep = ucp >= 0
    assert adjacent_singles(ucp, begin, keep).tolist() == [0, 7]
    assert two_unit_words(ucp, begin, keep).tolist() == [3]
    assert two_unit_words(ucp[:1], begin[:1], keep[:1]).tolist() == []
    keys = pair_keys(ucp, np.array([0, 3]))
    assert unpack_pairs(keys).tolist() == [[ord("这"), ord("是")], [ord("全"), ord("国")]]
    assert pair_evidence(ucp, begin, np.zeros((0, 2), np.int64))[0].shape == (0,)


def _hybrid(words, counts):
    from minent.segmentation.charlm import CharLM
    from minent.segmentation.hybrid import HybridSegmenter
    from minent.segmentation.lexicon_model import Lexicon
    from minent.segmentation.unigram import UnigramSegmenter

    return HybridSegmenter(UnigramSegmenter(Lexicon(words, np.array(counts, np.float64))), CharLM.train([]))


@pytest.mark.parametrize("seed", range(4))
def test_settle_pairs_against_reference(seed):
    # the decisions of settle_pairs, recomputed from the reference evidence: pairs of one-character
    # words cut twice or more, not in the lexicon, with evidence < 0 on both sides come in (their
    # cuts joined); lexicon pairs with evidence > 0 on both sides, against a word boundary and
    # against their own neighbours, go (their words cut)
    rng = np.random.default_rng(100 + seed)
    text, begin = _random_case(rng, 1500)
    # and sentences where 这是 is 这 + 是: what stands around it stands around the free 这 and 是
    subjects, objects = ["这", "我", "他", "这是"], ["书", "人", "家", "国"]
    more = [rng.choice(subjects) + ("" if k % 4 == 3 else "是") + rng.choice(objects) + "|" for k in range(200)]
    text += "|" + "".join(more)
    begin = np.concatenate([begin, np.ones(len(text) - len(begin), np.uint8)])
    for i in range(len(begin) - 1500):  # (the subjects 这是 are one word of the segmentation)
        if text[1500 + i:1502 + i] == "这是" and text[1499 + i] == "|" and text[1502 + i] in "书人家国":
            begin[1501 + i] = 0
    lex_pairs = ["这是", "不能", "全国", "现在", "我们", "国中"]
    chars = sorted(set(text) - {"|"})
    words = chars + lex_pairs
    counts = list(rng.integers(1, 20, len(words)))
    seg = _hybrid(words, counts)
    ucp = _ucp(text)
    given = begin.copy()
    got, kept = seg.settle_pairs(ucp, begin)
    assert np.array_equal(begin, given)  # (the caller's segmentation is left alone)
    toks = _tokens(text, begin)
    singles = Counter()
    for (i, n, s), (j, m, t) in zip(toks, toks[1:]):
        if n == 1 and m == 1 and not s and not t:
            singles[text[i] + text[j]] += 1
    add = {p for p, c in singles.items() if c >= 2 and p not in lex_pairs
           and all(e < 0 for e in _evidence_reference(text, begin, p))}
    drop = {p for p in lex_pairs if all(e > 0 for e in _evidence_reference(text, begin, p, own=True))}
    # (and the lexicon pairs whose neighbours beat their parts on both sides, against a word
    # boundary and against their own neighbours, for drop_collocations to keep)
    assert kept == {p for p in lex_pairs if all(e < 0 for e in _evidence_reference(text, begin, p, own=True))}
    lex = seg.unigram.lexicon.as_dict()
    assert {w for w in lex if len(w) == 2} == (set(lex_pairs) - drop) | add
    for p in add:
        assert lex[p] == singles[p]
    expected = begin.copy()
    for (i, n, s), (j, m, t) in zip(toks, toks[1:]):
        if n == 1 and m == 1 and not s and not t and text[i] + text[j] in add:
            expected[j] = 0
    for i, n, s in _tokens(text, expected):
        if n == 2 and text[i:i + 2] in drop:
            expected[i + 1] = 1
    assert got.tolist() == expected.tolist()
    assert add and drop  # (the case exercises both; kept: test_settle_pairs_keeps_a_word_by_both_descriptions)


def test_pairs_settled_in_real_text(shared_data, monkeypatch):
    # CityU from its 67k raw characters: 現在 (now) was cut 現 + 在 and comes in; 這是 (this is)
    # was a lexicon word and goes — both as in the gold; 得到 (obtain), whose characters are both
    # words by themselves more often than the average character there, stays a word by its
    # neighbours (the free-pair rule dropped it)
    from minent.segmentation import train_segmenter
    from minent.segmentation.hybrid import HybridSegmenter

    raw = (shared_data / "sighan2005" / "cityu_test.utf8").read_text(encoding="utf-8-sig").splitlines()
    line = "這是美國4年來首次加息。"
    seg = train_segmenter(raw)
    lex = seg.unigram.lexicon.as_dict()
    assert "現在" in lex and "這是" not in lex and "得到" in lex
    assert seg.segment_line(line).split()[:2] == ["這", "是"]
    monkeypatch.setattr(HybridSegmenter, "settle_pairs", lambda self, ucp, begin: (begin, set()))
    seg = train_segmenter(raw)
    assert "現在" not in seg.unigram.lexicon.as_dict() and "得到" not in seg.unigram.lexicon.as_dict()
    assert seg.segment_line(line).split()[0] == "這是"


def test_own_evidence_keeps_a_pair_with_neighbours_of_its_own():
    # the free 是 is followed by 书, 人, 家, 国 alike; 这是 always by 书: its parts explain its right
    # side better than a word boundary does (E_R > 0), but its own neighbours better still (E'_R < 0)
    text = "|".join(["我是" + o for o in "书人家国" * 5] + ["这是书"] * 12) + "|"
    begin = np.array([1 if c != "|" else 0 for c in text], np.uint8)
    left, right, own_left, own_right = pair_evidence(_ucp(text), begin, np.array([[ord("这"), ord("是")]]), own=True)
    assert right[0] > 0 and own_right[0] < 0
    ref = _evidence_reference(text, begin, "这是", own=True)
    assert [left[0], right[0], own_left[0], own_right[0]] == pytest.approx(ref, abs=1e-9)


def test_constants_agree():
    from minent.segmentation import pairs
    from minent.segmentation.kernels import pairs as kernels

    assert pairs._END == kernels.END == END and pairs._BITS == BITS


def _assert_same_evidence(ucp, begin, rows, chunk):
    got = pair_evidence(ucp, begin, rows, chunk=chunk, own=True)
    expected = _pair_evidence_numpy(ucp, begin, rows, chunk=chunk, own=True)
    for a, b in zip(got, expected):
        assert a.tobytes() == b.tobytes()  # (bit for bit: the same operations in the same order)


@pytest.mark.parametrize("seed", range(4))
def test_pair_evidence_equals_its_numpy_version(seed):
    rng = np.random.default_rng(40 + seed)
    text, begin = _random_case(rng, 1500)
    ucp = _ucp(text)
    keys = np.unique(pair_keys(ucp, np.flatnonzero((ucp[:-1] >= 0) & (ucp[1:] >= 0))))
    rows = np.concatenate([unpack_pairs(keys), [[ord("书"), ord("外")]]])  # (+ one never seen)
    rows = rows[rng.permutation(len(rows))]
    for chunk in (1 << 20, 50 + 7 * seed, 3):  # (chunks cut pairs and words anywhere)
        _assert_same_evidence(ucp, begin, rows, chunk)


def test_pair_evidence_equals_its_numpy_version_on_real_text(shared_data):
    # 300k characters of poems, each cut at random; every pair of units seen twice or more
    import gzip

    with gzip.open(shared_data / "corpora" / "poems_tang_song.txt.gz", "rt", encoding="utf-8") as f:
        text = f.read(300_000)
    rng = np.random.default_rng(5)
    from minent.segmentation.units import corpus_units

    ucp = corpus_units(text.splitlines(), False)
    begin = (rng.random(len(ucp)) < 0.6).astype(np.uint8)
    both = np.flatnonzero((ucp[:-1] >= 0) & (ucp[1:] >= 0))
    keys, counts = np.unique(pair_keys(ucp, both), return_counts=True)
    rows = unpack_pairs(keys[counts >= 2])
    _assert_same_evidence(ucp, begin, rows, 1 << 16)


@pytest.mark.parametrize("size, by_words", [(97, False), (97, True), (5, True)])
def test_count_table_kernels_against_counter(size, by_words):
    # the hash table the first pass counts into, grown as it fills: the counts of a Counter;
    # room made for the chunk's units, or for its one-character words (pair_evidence's bound),
    # in chunks longer and shorter than the kernel's prefetch distance
    from minent.segmentation.kernels.pairs import free_stats, tally_free
    from minent.segmentation.kernels.viterbi import table_get
    from minent.segmentation.pairs import _CountTable

    rng = np.random.default_rng(3)
    text, begin = _random_case(rng, 2000)
    ucp = _ucp(text)
    start, end = word_edges(ucp, begin)
    alone = start & end & (ucp >= 0)
    words = _tokens(text, begin)
    for step, edge in ((-1, start), (1, end)):
        unit = lambda i: END if i < 0 or i >= len(ucp) or ucp[i] < 0 else int(ucp[i])  # noqa: E731
        table, bg = _CountTable(), np.zeros(END + 1, np.int64)
        for a in range(0, len(ucp), size):
            b = min(a + size, len(ucp))
            table.make_room(int(np.count_nonzero(alone[a:b])) if by_words else b - a)
            table.used += tally_free(ucp, a, b, edge & (ucp >= 0), alone, step, BITS, bg, table.table)
        singles = [i for i, n, s in words if n == 1 and not s]
        expected = Counter((int(ucp[i]), unit(i + step)) for i in singles)
        assert table.used == len(expected) and len(table.table) >= 1.5 * table.used
        for (u, x), c in expected.items():
            assert table_get(table.table, np.uint64((u << BITS) | x)) == c
        assert table_get(table.table, np.uint64((ord("书") << BITS) | END)) == 0
        edges = [i for i in range(len(ucp)) if edge[i] and ucp[i] >= 0]
        assert bg.tolist() == np.bincount([unit(i + step) for i in edges], minlength=END + 1).tolist()
        n, v = free_stats(table.table, BITS, END + 1)
        for u in set(int(ucp[i]) for i in singles):
            assert n[u] == sum(c for (w, _), c in expected.items() if w == u)
            assert v[u] == sum(1 for (w, _) in expected if w == u)


def test_find_pairs_and_chunk_sums():
    from minent.segmentation.kernels.pairs import chunk_sums, find_pairs, pair_order
    from minent.segmentation.kernels.viterbi import count_table, pack_rows

    rng = np.random.default_rng(9)
    text, _ = _random_case(rng, 1000)
    ucp = _ucp(text)
    rows = np.array([[ord("这"), ord("是")], [ord("我"), ord("们")], [ord("中"), ord("中")]])
    first, second = np.zeros(END + 1, bool), np.zeros(END + 1, bool)
    first[rows[:, 0]], second[rows[:, 1]] = True, True
    table = count_table(pack_rows(rows, BITS), np.arange(1, 4))
    pos, pid = np.empty(1000, np.int32), np.empty(1000, np.int32)
    k = find_pairs(ucp, 0, len(ucp) - 1, first, second, table, BITS, pos, pid)
    pairs = ["这是", "我们", "中中"]
    expected = [(i, pairs.index(text[i:i + 2])) for i in range(len(text) - 1) if text[i:i + 2] in pairs]
    assert list(zip(pos[:k].tolist(), pid[:k].tolist())) == expected
    # per pair, sums as a bincount chunk by chunk adds them
    values = rng.standard_normal(k) * 1e3
    order, starts = pair_order(pid[:k], 3)
    for chunk in (1, 10, 333, 5000):
        expected = np.zeros(3)
        for a in range(0, len(ucp), chunk):
            sel = (pos[:k] >= a) & (pos[:k] < a + chunk)
            expected += np.bincount(pid[:k][sel], weights=values[sel], minlength=3)
        got = chunk_sums(values[order], pos[:k][order], starts, chunk)
        assert got.tobytes() == expected.tobytes()


def test_among_is_isin():
    from minent.segmentation.pairs import among

    rng = np.random.default_rng(2)
    query = rng.integers(0, 1000, 5000)
    for keys in (np.unique(rng.integers(0, 1000, 300)), np.array([999]), np.array([0]), np.zeros(0, np.int64),
                 pair_keys(_ucp("这是不能"), np.array([0, 2]))):
        assert among(query, keys).tolist() == np.isin(query, keys).tolist()
    keys = pair_keys(_ucp("这是不能全国"), np.array([0, 2, 4]))
    assert among(keys[::-1], keys[1:]).tolist() == [True, True, False]
    assert among(np.zeros(0, np.int64), keys).shape == (0,)


def test_drop_collocations_keeps_pairs():
    # 这 and 是 are words by themselves 0.6 and 0.67 of the time: 这是 is a collocation of free
    # characters for the free-pair rule (threshold 0.5), and pays for its entry (PMI 4.4 nats);
    # kept when the neighbours showed it a word (keep_pairs)
    from minent.segmentation.lexicon_model import Lexicon

    seen = Lexicon(["这", "是", "这是", "书"], np.array([60, 80, 40, 10000], np.float64))
    ucp, begin = _ucp("这是书"), np.ones(3, np.uint8)
    for keep, expected in [((), {"这", "是", "书"}), ({"这是"}, {"这", "是", "这是", "书"})]:
        seg = _hybrid(["这", "是", "这是", "书"], [60, 80, 40, 10000])
        assert seg.drop_collocations(ucp, begin, 0.5, seen=seen, keep_pairs=keep) == 4 - len(expected)
        assert set(seg.unigram.lexicon.words) == expected


def test_settle_pairs_keeps_a_word_by_both_descriptions():
    # 现在 stands between 他 and 走, where neither the free 现 (before 书) nor the free 在 (after 家)
    # ever stands: its neighbours beat its parts against a word boundary and against its own past
    # on both sides, and settle_pairs returns it for drop_collocations to keep; 这是, whose
    # neighbours are those of the free 这 and 是, is not returned
    text = "|".join(["他现在走"] * 8 + ["书现", "在家"] * 6 + ["我这", "是人"] * 6 + ["我这是人"] * 4) + "|"
    begin = np.array([0 if c == "|" else 1 for c in text], np.uint8)
    for i in range(len(text) - 1):
        if text[i:i + 2] in ("现在", "这是") and text[i - 1] != "|" and text[i + 2] != "|":
            begin[i + 1] = 0
    seg = _hybrid(sorted(set(text) - {"|"}) + ["现在", "这是"], [5] * (len(set(text)) - 1) + [8, 4])
    ucp = _ucp(text)
    ref = _evidence_reference(text, begin, "现在", own=True)
    assert all(e < 0 for e in ref)
    _, kept = seg.settle_pairs(ucp, begin)
    assert kept == {"现在"}
