"""Character-LM segmenter: tag scores against a Counter oracle, tag Viterbi against brute force,
.npz round trip and malformed models."""

import itertools
import math
import re
from collections import Counter

import numpy as np
import pytest
from tests.support import SAMPLE

from minent.segmentation.charlm import CharLM, transition_matrix
from minent.segmentation.hybrid import HybridSegmenter
from minent.segmentation import train_segmenter
from minent.segmentation.models import load_model
from minent.errors import DataError, UsageError
from minent.segmentation.kernels.viterbi import tag_viterbi

TEXTS = ["中国人民很好。中国人民很强！", "人民中国𠀀𠀀𠀀", "好好好好好，中国中国", "人民很好"]


def _oracle_scores(texts, ids_text, alpha):
    grams = Counter()
    pieces = [p for t in texts for p in re.findall(r"[\u4e00-\u9fff\U00020000-\U0002a6df]+", t)]
    for p in pieces:
        for n in range(1, 5):
            for i in range(len(p) - n + 1):
                grams[p[i:i + n]] += 1
    total = sum(c for g, c in grams.items() if len(g) == 1)
    vocab = len({ch for p in pieces for ch in p})
    out = []
    for i, ch in enumerate(ids_text):
        p = (grams[ch] + alpha / vocab) / (total + alpha)
        row = [math.log(p)]
        for k in range(1, 4):
            if i < k:
                row.append(-math.inf)
                continue
            h = ids_text[i - k:i]
            p = (grams[h + ch] + alpha * p) / (grams[h] + alpha)
            row.append(math.log(p))
        out.append(row)
    return np.array(out)


@pytest.mark.parametrize("alpha", [1.0, 20.0])
def test_tag_scores_match_oracle(alpha):
    from minent.segmentation.kernels.viterbi import charlm_tag_scores, packed_count_table

    m = CharLM.train(TEXTS, alpha=alpha)
    text = "中国人民很好好好𠀀"
    ids = m.lut[np.frombuffer(text.encode("utf-32-le"), dtype=np.int32)].astype(np.int32)
    unigram = np.zeros(len(m.codepoints))
    unigram[m.keys[0].astype(np.int64)] = m.counts[0]
    t = [x for n, (k, c) in enumerate(zip(m.keys[1:], m.counts[1:]), 2) for x in packed_count_table(k, c, n * m.bits)]
    vocab = float(len(m.codepoints) - 2)
    got = charlm_tag_scores(ids, unigram, *t, m.bits, m.alpha, vocab, np.zeros(0))
    want = _oracle_scores(TEXTS, text, alpha)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    # pieces restart the contexts; a begin score replaces column 0 of known characters only
    sep = np.concatenate([ids[:3], [0], ids[3:]]).astype(np.int32)
    begin = np.arange(len(m.codepoints), dtype=np.float64)
    got = charlm_tag_scores(sep, unigram, *t, m.bits, m.alpha, vocab, begin)
    np.testing.assert_allclose(got[:3, 1:], want[:3, 1:], rtol=1e-12)
    np.testing.assert_allclose(got[4:, 1:], _oracle_scores(TEXTS, text[3:], alpha)[:, 1:], rtol=1e-12)
    assert (got[3] == -np.inf).all()
    known = sep > 1
    np.testing.assert_array_equal(got[known, 0], begin[sep[known]])
    for piece in ([], [int(ids[0])]):  # empty, one character: only the b column is defined
        one = charlm_tag_scores(np.array(piece, np.int32), unigram, *t, m.bits, m.alpha, vocab, np.zeros(0))
        assert one.shape == (len(piece), 4) and (one[:, 1:] == -np.inf).all()
        np.testing.assert_allclose(one[:, 0], want[:len(piece), 0], rtol=1e-12)
    unk = sep.copy()
    unk[-1] = 1  # an unknown character keeps ln p
    got = charlm_tag_scores(unk, unigram, *t, m.bits, m.alpha, vocab, begin)
    assert got[-1, 0] == pytest.approx(math.log((alpha / vocab) / (unigram.sum() + alpha)), rel=1e-12)


def _counted_context(m, ids):
    """The context counts of *ids* (the reference of charlm_context_counts): N(c_{i-1} c_i),
    N(c_{i-2..i}), N(c_{i-3..i}) from a Counter of the model's n-grams, 0 where the piece is
    too short."""
    grams = Counter()
    for a, b in zip(m.keys, m.counts):
        grams.update(dict(zip(a.tolist(), b.tolist())))
    seen = np.zeros((len(ids), 3))
    run = 0
    for i, c in enumerate(ids.tolist()):
        run = run + 1 if c else 0
        for k in range(1, 4):
            key = 0
            for j in range(i - k, i + 1):
                key = (key << m.bits) | int(ids[j])
            seen[i, k - 1] = grams.get(key, 0) if run > k else 0
    return seen


def test_joint_table_gives_the_same_context_counts():
    """A loaded model looks its counts up in a joint 4-gram table (joint_count_table: the 4-gram
    table with the counts of the 4-gram's last three and two characters): the counts of the
    Counter reference exactly, on the training text (every 4-gram there) and on other text
    (4-grams missing), with separators, unknown characters and short pieces; also when every
    4-gram count overflows its table (16-bit ids: no bits left for counts) and when counts do
    not fit the joint table's 32 bits (looked up in their own tables)."""
    from minent.segmentation.kernels.viterbi import JOINT_CAP, charlm_context_counts_joint, joint_count_table
    from minent.segmentation.units import corpus_units

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    m = CharLM.train(lines[:200])
    for text in (lines[:200], lines[200:] + ["𠀀𠀀𠀀𠀀𠀀", "中", "人民", "人民很", "人民很好好好好"]):
        ids = m.ids_of(corpus_units(text, False))
        t = m._build_tables(joint=True)
        assert t[4].shape[1] == 2
        seen = np.zeros((len(ids), 3), np.uint32)
        charlm_context_counts_joint(ids, t[4], t[5], *t[:4], m.bits, seen)
        want = _counted_context(m, ids)
        assert np.array_equal(seen, want) and (want[:, 2] > 0).any() and (want[:, 2] == 0).any()
        # every count an overflow of its packed table (ids of 16 bits: 4-gram keys fill the word)
        wide_ids = CharLM(m.codepoints, 16, [k for k in m.keys], m.counts)
        wide_ids.keys = [_rebits(k, n, m.bits, 16) for n, k in enumerate(m.keys, 1)]
        t = wide_ids._build_tables(joint=True)
        assert len(t[5]) > 1 and t[5][:, 1].any()  # (the 4-gram overflow holds counts)
        seen[:] = 0
        charlm_context_counts_joint(ids, t[4], t[5], *t[:4], 16, seen)
        assert np.array_equal(seen, want)
    # the joint rows themselves: column 0 the 4-gram table, column 1 its suffixes' counts
    t = m._build_tables(joint=True)
    grams = Counter()
    for a, b in zip(m.keys, m.counts):
        grams.update(dict(zip(a.tolist(), b.tolist())))
    cbits = 64 - 4 * m.bits
    rows = [(int(r0), int(r1)) for r0, r1 in t[4].tolist() if r0]
    assert sorted(r0 >> cbits for r0, _ in rows) == sorted(m.keys[3].tolist())
    for r0, r1 in rows:
        key4 = r0 >> cbits
        assert r1 >> 32 == grams[key4 & ((1 << 3 * m.bits) - 1)] and r1 & 0xFFFFFFFF == grams[key4 & ((1 << 2 * m.bits) - 1)]
    # counts from 2**32 up: past the joint table's 32 bits, found in the 2- and 3-gram tables
    big = CharLM(m.codepoints, m.bits, m.keys, [m.counts[0]] + [c * 2.0**32 for c in m.counts[1:]])
    t = big._build_tables(joint=True)
    assert (t[4][t[4][:, 0] != 0, 1] >> np.uint64(32) == JOINT_CAP).all()
    ids = m.ids_of(corpus_units(lines[:50], False))
    seen = np.zeros((len(ids), 3))
    charlm_context_counts_joint(ids, t[4], t[5], *t[:4], m.bits, seen)
    assert np.array_equal(seen, _counted_context(m, ids) * 2.0**32)
    assert np.array_equal(t[4][:, 0], joint_count_table(t[4][:, 0].copy(), *t[:4], m.bits)[:, 0])


def _rebits(keys, n, old, new):
    """Packed n-gram *keys* of *old*-bit ids repacked with *new* bits an id (order kept)."""
    out = np.zeros(len(keys), np.uint64)
    mask = np.uint64((1 << old) - 1)
    for j in range(n):
        part = (keys >> np.uint64(old * (n - 1 - j))) & mask
        out = (out << np.uint64(new)) | part
    return out


def test_context_counts_give_the_tag_scores_exactly():
    """Self-training keeps the context counts (uint32) and computes the tag scores from them:
    the same floats as charlm_tag_scores, on real text with separators, unknown characters and
    pieces of every length; the counts are those of a Counter."""
    from minent.segmentation.kernels.viterbi import charlm_scores_of_counts
    from minent.segmentation.units import corpus_units

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    m = CharLM.train(lines[::2])
    ucp = corpus_units(lines[1::2] + ["𠀀𠀀𠀀𠀀𠀀", "中", "人民很好好好好"], False)
    ids = m.ids_of(ucp)
    assert (ids == 1).any() and (ids == 0).any()
    seen = m.context_counts(ids)
    assert seen.dtype == np.uint32 and seen.shape == (len(ids), 3)
    from minent.segmentation.kernels.viterbi import charlm_tag_scores

    unigram, t = m.count_tables()
    want = charlm_tag_scores(ids, unigram, *t, m.bits, m.alpha, float(len(m.codepoints) - 2), m.begin_scores())
    assert np.array_equal(m.scores_of_counts(ids, seen), want)
    assert np.array_equal(m.tag_scores(ids), want)
    vocab = float(len(m.codepoints) - 2)
    got = charlm_scores_of_counts(ids, seen.astype(np.float64), unigram, m.alpha, vocab, m.begin_scores())
    assert np.array_equal(got, want)
    assert np.array_equal(seen, _counted_context(m, ids))
    # counts past 2**32 are kept as float64
    wide = CharLM(m.codepoints, m.bits, m.keys, [m.counts[0]] + [c * 2.0**32 for c in m.counts[1:]])
    seen = wide.context_counts(ids)
    assert seen.dtype == np.float64 and np.array_equal(seen, m.context_counts(ids) * 2.0**32)
    assert np.array_equal(wide.scores_of_counts(ids, seen), wide.tag_scores(ids))


def test_context_scores_are_the_tag_scores_exactly():
    """Self-training keeps the scores of tags c, d, e (context_scores): columns 1..3 of the
    tag scores, the same floats, -inf at the same places."""
    from minent.segmentation.units import corpus_units

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    m = CharLM.train(lines[::2])
    ids = m.ids_of(corpus_units(lines[1::2] + ["𠀀𠀀𠀀𠀀𠀀", "中", "人民很好好好好"], False))
    got = m.context_scores(ids)
    assert got.shape == (len(ids), 3) and got.dtype == np.float64 and got.flags.c_contiguous
    assert np.array_equal(got, m.tag_scores(ids)[:, 1:])
    assert np.isneginf(got).any() and np.isfinite(got).any()


def test_hybrid_decodes_the_same_from_kept_context_scores():
    """Self-training decodes from the scores of tags c, d, e it keeps
    (decode_units(lm_context=...)): the same word starts as decoding from the text, with and
    without a boundary model."""
    from minent.segmentation.units import corpus_units

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    seg = train_segmenter(lines[:300], self_train=1)
    ucp = corpus_units(lines[300:], False)
    for boundary in (seg.boundary, None):
        seg.boundary = boundary
        want = seg.decode_units(ucp)
        assert np.array_equal(seg.decode_units(ucp, lm_context=seg.lm.context_scores(seg.lm.ids_of(ucp))), want)


def test_released_tables_are_built_again():
    """Self-training frees the LM's hash tables once it has the scores of tags c, d, e
    (release_tables): decoding from those or scoring from counts does not build them again,
    decoding text does, with the same tables, scores and word starts."""
    from minent.segmentation.units import corpus_units

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    seg = train_segmenter(lines[:300], self_train=2)
    assert seg.lm._tables is None  # (freed by self-training)
    ucp = corpus_units(lines[300:], False)
    seen = seg.lm.context_counts(seg.lm.ids_of(ucp))
    context = seg.lm.context_scores(seg.lm.ids_of(ucp))
    unigram, tables = seg.lm.count_tables()
    want = seg.decode_units(ucp)
    seg.lm.release_tables()
    assert np.array_equal(seg.decode_units(ucp, lm_context=context), want)
    scores = seg.lm.scores_of_counts(seg.lm.ids_of(ucp), seen)
    assert seg.lm._tables is None  # (scores from counts need the character counts only)
    assert np.array_equal(scores, seg.lm.tag_scores(seg.lm.ids_of(ucp)))
    assert seg.lm._tables is not None
    u2, t2 = seg.lm.count_tables()
    assert np.array_equal(u2, unigram) and all(np.array_equal(a, b) for a, b in zip(t2, tables))
    seg.lm.release_tables()
    assert np.array_equal(seg.decode_units(ucp), want) and seg.lm._tables is not None


def test_count_table_lookups():
    from minent.segmentation.kernels.viterbi import count_table, table_count

    rng = np.random.default_rng(0)
    # keys with all bits set and 0 are keys like any other (emptiness is a zero count)
    keys = np.unique(np.concatenate([rng.integers(0, 2**63, 5000, dtype=np.uint64) * np.uint64(2),
                                     np.array([0, 2**64 - 1], dtype=np.uint64)]))
    counts = rng.integers(1, 100, len(keys)).astype(np.float64)
    table = count_table(keys, counts)
    assert len(table) & (len(table) - 1) == 0 and 3 * len(keys) <= 2 * len(table)
    got = np.array([table_count(table, k) for k in keys])
    np.testing.assert_array_equal(got, counts)
    absent = keys[:200] + np.uint64(1)  # odd: never a key (all keys but the last are even)
    assert [table_count(table, k) for k in absent] == [0.0] * 200
    assert table_count(count_table(np.zeros(0, np.uint64), np.zeros(0)), np.uint64(5)) == 0.0


def _tags_of(bounds, n):
    tags = []
    for a, b in zip(bounds, bounds[1:]):
        tags += [min(i, 3) for i in range(b - a)]
    return tags


def test_tag_viterbi_brute_force():
    rng = np.random.default_rng(3)
    trans = transition_matrix()
    for _ in range(30):
        n = int(rng.integers(1, 8))
        scores = rng.normal(-3, 2, size=(n, 4))
        ids = np.arange(2, 2 + n, dtype=np.int32)
        begin = tag_viterbi(ids, scores, trans)
        best = -math.inf
        for cuts in itertools.product([0, 1], repeat=n - 1):
            bounds = [0] + [i + 1 for i, c in enumerate(cuts) if c] + [n]
            tags = _tags_of(bounds, n)
            s = scores[0, tags[0]] + sum(trans[tags[i - 1], tags[i]] + scores[i, tags[i]] for i in range(1, n))
            if s > best:
                best, best_begin = s, [1 if t == 0 else 0 for t in tags]
        assert begin.tolist() == best_begin


def test_segments_and_round_trips(tmp_path):
    m = CharLM.train(TEXTS * 20)
    out = m.segment_line("中国人民很好，ABC１２")
    assert "".join(out.split()) == "中国人民很好，ABC１２"
    p = tmp_path / "m.npz"
    m.save(p)
    m2 = CharLM.load(p)
    assert m2.segment_line("中国人民很好") == m.segment_line("中国人民很好")
    assert m2.alpha == m.alpha
    np.testing.assert_allclose(m2.trans, m.trans)


def test_transitions_option():
    with pytest.raises(UsageError, match="unknown tag transition"):
        transition_matrix({"bd": 1.0})
    with pytest.raises(UsageError, match="must be > 0"):
        transition_matrix({"bc": 0.0})
    for bad in (float("inf"), float("nan")):  # inf was accepted: a silently degenerate segmentation
        with pytest.raises(UsageError, match="must be > 0 and finite"):
            transition_matrix({"bc": bad})
    m = CharLM.train(TEXTS * 20, transitions={"bc": 1e-9})
    assert m.segment_line("中国人民") == "中 国 人 民"


def test_malformed_models(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DataError, match="malformed model file .not an .npz archive"):
        CharLM.load(bad)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(DataError, match="malformed model file"):
        CharLM.load(truncated)
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    with pytest.raises(DataError, match="not a minent charlm model"):
        CharLM.load(other)
    m = CharLM.train(TEXTS)
    p = tmp_path / "m.npz"
    m.save(p)
    with np.load(p) as z:
        arrays = dict(z)
    arrays["keys2"] = arrays["keys2"][::-1].copy()
    broken = tmp_path / "broken.npz"
    np.savez(broken, **arrays)
    with pytest.raises(DataError, match="unsorted"):
        CharLM.load(broken)
    with np.load(p) as z:
        arrays = dict(z)
    assert arrays["counts3"].dtype == np.uint32  # saved as whole numbers
    for bad in (0.5, 0.0, -3.0):  # the decoder holds counts as integers: only whole counts >= 1
        arrays["counts3"] = arrays["counts3"].astype(np.float64)
        arrays["counts3"][0] = bad
        np.savez(broken, **arrays)
        with pytest.raises(DataError, match="whole numbers"):
            CharLM.load(broken)
    arrays["counts3"] = arrays["counts3"].astype(str)
    np.savez(broken, **arrays)
    with pytest.raises(DataError, match="whole numbers"):
        CharLM.load(broken)
    # a model of an older version (compressed, float64 counts) loads and segments the same
    with np.load(p) as z:
        arrays = {k: (z[k].astype(np.float64) if k.startswith("counts") else z[k]) for k in z.files}
    old = tmp_path / "old.npz"
    np.savez_compressed(old, **arrays)
    assert CharLM.load(old).segment_line("中国人民很好") == m.segment_line("中国人民很好")
    with pytest.raises(UsageError):
        CharLM.load(tmp_path / "missing.npz")
    with pytest.raises(DataError, match="not a minent model"):
        load_model(other)


def test_hybrid_save_load_and_weights(tmp_path):
    from minent.segmentation.lexicon import build_lexicon
    from minent.segmentation.unigram import UnigramSegmenter

    texts = TEXTS * 20
    uni = UnigramSegmenter(build_lexicon(texts).lexicon)
    lm = CharLM.train(texts)
    hyb = HybridSegmenter(uni, lm)
    line = "中国人民很好，人民中国𠀀"
    out = hyb.segment_line(line)
    assert "".join(out.split()) == line
    # with no LM weight the hybrid is the unigram segmenter
    assert HybridSegmenter(uni, lm, w_lex=1.0, w_lm=0.0).segment_line(line) == uni.segment_line(line)
    p = tmp_path / "h.npz"
    hyb.save(p)
    back = load_model(p)
    assert isinstance(back, HybridSegmenter) and back.segment_line(line) == out
    assert isinstance(load_model(_saved(lm, tmp_path)), CharLM)
    with pytest.raises(UsageError):
        HybridSegmenter(uni, lm, w_lex=0.0)


def _saved(lm, tmp_path):
    p = tmp_path / "lm.npz"
    lm.save(p)
    return p


def test_begin_scores_are_continuation_probabilities():
    m = CharLM.train(TEXTS)
    pieces = [p for t in TEXTS for p in re.findall(r"[\u4e00-\u9fff\U00020000-\U0002a6df]+", t)]
    left = {}
    count = Counter()
    for p in pieces:
        count.update(p)
        for a, b in zip(p, p[1:]):
            left.setdefault(b, set()).add(a)
    v = len(count)
    n1 = sum(len(s) for s in left.values())
    total = sum(count.values())
    got = m.begin_scores()
    for ch in count:
        want = math.log((len(left.get(ch, ())) + v * count[ch] / total) / (n1 + v))
        assert got[m.lut[ord(ch)]] == pytest.approx(want, rel=1e-12)
    # the b column of the tag scores is that score; unknown characters keep the kernel's
    ids = m.lut[np.frombuffer("中国龘".encode("utf-32-le"), dtype=np.int32)].astype(np.int32)
    t = m.tag_scores(ids)
    assert t[0, 0] == got[ids[0]] and t[1, 0] == got[ids[1]] and np.isfinite(t[2, 0])


def test_loaded_model_takes_its_tables_from_the_cache(tmp_path, monkeypatch):
    """A loaded model's n-gram hash tables are built once, saved in the user cache, and the next
    load of the same file maps them from there: the same arrays as built, the same segmentation;
    a model saved again under the same name gets its own tables; a damaged entry is rebuilt."""
    import os

    import minent.io.cache_entry as cache_entry
    import minent.segmentation.charlm as charlm_module

    monkeypatch.setenv("MINENT_CACHE_DIR", str(tmp_path / "cache"))
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    seg = train_segmenter(lines[:300], self_train=1)
    path = tmp_path / "m.npz"
    seg.save(path)
    want_tables = seg.lm._build_tables(joint=True)
    text = "\n".join(lines[300:360])
    want = seg.segment_text(text)
    builds = []
    real_build = CharLM._build_tables
    monkeypatch.setattr(CharLM, "_build_tables", lambda self, **kw: builds.append(1) or real_build(self, **kw))
    for expect_builds in (1, 1):  # built and saved, then mapped from the entry
        loaded = load_model(path)
        _, tables = loaded.lm.count_tables()
        assert len(builds) == expect_builds
        assert len(tables) == len(want_tables)
        assert all(a.dtype == b.dtype and np.array_equal(a, b) for a, b in zip(tables, want_tables))
        assert loaded.segment_text(text) == want
    entries = list((tmp_path / "cache").glob("charlm-*"))
    assert len(entries) == 1 and not tables[0].flags.owndata  # (a view of the mapped file)
    # keyed by the zip directory the load checked, not by hashing the file: a copy shares it
    copy = tmp_path / "copy.npz"
    copy.write_bytes(path.read_bytes())
    with monkeypatch.context() as m:
        m.setattr(cache_entry, "digest", lambda p: (_ for _ in ()).throw(AssertionError(f"hashed {p}")))
        loaded = load_model(copy)
        _, tables = loaded.lm.count_tables()
    assert len(builds) == 1 and loaded.segment_text(text) == want
    assert list((tmp_path / "cache").glob("charlm-*")) == entries
    # another model saved under the same name at once (same size, same times at a coarse clock)
    other = train_segmenter(lines[100:400], self_train=1)
    st = path.stat()
    other.save(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    before = len(builds)
    loaded = load_model(path)
    _, tables = loaded.lm.count_tables()
    assert len(builds) == before + 1
    assert all(np.array_equal(a, b) for a, b in zip(tables, real_build(other.lm, joint=True)))
    assert len(list((tmp_path / "cache").glob("charlm-*"))) == 2
    # a damaged entry: rebuilt, with the right tables
    entry = max((tmp_path / "cache").glob("charlm-*"), key=lambda p: p.stat().st_mtime_ns)
    victim = entry / f"{charlm_module.TABLE_NAMES[2]}.npy"
    data = bytearray(victim.read_bytes())
    data[-1] ^= 0xFF
    victim.write_bytes(bytes(data))
    loaded = load_model(path)
    _, tables = loaded.lm.count_tables()
    assert len(builds) == before + 2
    assert all(np.array_equal(a, b) for a, b in zip(tables, real_build(other.lm, joint=True)))
