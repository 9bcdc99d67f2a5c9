"""Boundary model (self-training): kernels against a pure-Python oracle, decoding effect, save/load."""

import math
from pathlib import Path

import numpy as np
import pytest

from minent.segmentation.boundary import BoundaryModel
from minent.errors import DataError
from minent.segmentation.kernels.boundary import add_boundary_scores, boundary_log_odds, train_boundary
from minent.segmentation.units import corpus_units, units
from minent.text.chars import to_codepoints

TEXT = "中国人民很好。中国人民很强！\n人民中国𠀀𠀀𠀀 abc 好好\r\n好，１９９７年人民"


def _oracle_features(ucp, i, mask):
    def unit(k):
        return int(ucp[k]) if 0 <= k < len(ucp) else -1

    a, b, c, d = unit(i - 2), unit(i - 1), unit(i), unit(i + 1)
    window = [(1, b, -1), (2, c, -1), (3, a, -1), (4, d, -1), (5, a, b), (6, b, c), (7, c, d), (8, a, c), (9, b, d)]
    return [(t * 1000003 + x * 9176 + y * 2654435761) & mask for t, x, y in window]


def _inner_gaps(ucp):
    return [i for i in range(1, len(ucp)) if ucp[i] >= 0 and ucp[i - 1] >= 0]


def _oracle_train(ucp, begin, size, epochs, lr, l2):
    w = [0.0] * size
    for _ in range(epochs):
        for i in _inner_gaps(ucp):
            f = _oracle_features(ucp, i, size - 1)
            z = sum(w[k] for k in f)
            g = float(begin[i]) - 1.0 / (1.0 + math.exp(-z))
            for k in f:
                w[k] += lr * (g - l2 * w[k])
    return np.array(w)


@pytest.mark.parametrize("pre_split", [True, False])
def test_kernels_match_oracle(pre_split):
    ucp = units(to_codepoints(TEXT), pre_split)[0].astype(np.int32)
    rng = np.random.default_rng(0)
    begin = rng.integers(0, 2, len(ucp)).astype(np.uint8)
    size = 1 << 8  # small: hash collisions are exercised too
    w = np.zeros(size)
    train_boundary(ucp, begin, w, 2, 0.3, 1e-2)
    np.testing.assert_allclose(w, _oracle_train(ucp, begin, size, 2, 0.3, 1e-2), rtol=1e-12, atol=1e-14)
    z = boundary_log_odds(ucp, w)
    gaps = set(_inner_gaps(ucp))
    for i in range(len(ucp)):
        expect = sum(w[k] for k in _oracle_features(ucp, i, size - 1)) if i in gaps else 0.0
        assert z[i] == pytest.approx(expect, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("n", [0, 1, 2, 7, 8, 9, 10, 60])
def test_train_matches_oracle_around_the_prefetch_distance(n):
    """Texts shorter and longer than TRAIN_AHEAD, whose last gaps are asked for ahead or not:
    the prefetch is a hint, the weights are the oracle's."""
    from minent.segmentation.kernels.boundary import TRAIN_AHEAD

    assert 1 < TRAIN_AHEAD < 60
    text = (TEXT * 3)[:n]
    ucp = units(to_codepoints(text), False)[0].astype(np.int32)
    begin = np.random.default_rng(n).integers(0, 2, len(ucp)).astype(np.uint8)
    w = np.zeros(1 << 6)
    train_boundary(ucp, begin, w, 3, 0.3, 1e-2)
    np.testing.assert_allclose(w, _oracle_train(ucp, begin, 1 << 6, 3, 0.3, 1e-2), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("pre_split", [True, False])
def test_add_boundary_scores_matches_oracle(pre_split):
    ucp = units(to_codepoints(TEXT), pre_split)[0].astype(np.int32)
    rng = np.random.default_rng(1)
    w = rng.normal(0, 3, 1 << 8)  # large weights: both signs of z, far from 0
    tags = rng.normal(-5, 1, (len(ucp), 4))
    got = tags.copy()
    add_boundary_scores(ucp, w, got, 1.5)
    gaps = set(_inner_gaps(ucp))
    for i in range(len(ucp)):
        z = sum(w[k] for k in _oracle_features(ucp, i, len(w) - 1)) if i in gaps else 0.0
        cut = math.log(1 + math.exp(-z))  # -ln sigma(z)
        keep = math.log(1 + math.exp(z))  # -ln sigma(-z)
        assert got[i, 0] == pytest.approx(tags[i, 0] - 1.5 * cut, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(got[i, 1:], tags[i, 1:] - 1.5 * keep, rtol=1e-12, atol=1e-12)


def test_edge_cases():
    w = np.zeros(16)
    for text in ["", "中", "，", "\n\n"]:
        ucp = units(to_codepoints(text), True)[0].astype(np.int32)
        train_boundary(ucp, np.zeros(len(ucp), np.uint8), w, 1, 0.1, 0.0)
        assert not w.any()
        assert not boundary_log_odds(ucp, w).any()
        tags = np.zeros((len(ucp), 4))
        add_boundary_scores(ucp, w, tags, 2.0)  # no inner gap: z = 0, -2 ln 2 on every tag
        np.testing.assert_allclose(tags, -2.0 * math.log(2.0))
    assert len(corpus_units([], True)) == 0
    with pytest.raises(ValueError):
        BoundaryModel(np.zeros(3))


def test_learns_a_consistent_cut_and_scores_tags():
    # "ab" always cut as a|b, "cd" never: the model must say so, in and out of its training text
    text = "甲乙丙丁" * 50
    ucp = corpus_units([text], True)
    begin = np.zeros(len(ucp), np.uint8)
    begin[ucp >= 0] = np.tile([1, 1, 1, 0], 50)  # 甲 | 乙 | 丙丁
    m = BoundaryModel.train(ucp, begin, bits=10, epochs=5)
    z = m.log_odds(corpus_units(["乙丙丁甲"], True))
    assert z[1] > 2 and z[2] < -2 and z[3] > 2
    tags = m.add_to_tag_scores(corpus_units(["乙丙"], True), np.zeros((3, 4)), 2.0)
    # b on 丙 (a boundary is likely): small cost; c on 丙 (no boundary): large cost
    assert tags[1, 0] > tags[1, 1] and tags[1, 0] > -0.5
    np.testing.assert_allclose(tags[1, 1:], tags[1, 1])


def test_corpus_units_matches_units():
    docs = ["中国人民", "很好 abc", "１９９７年"]
    for pre in (True, False):
        got = corpus_units(docs, pre, batch_chars=3)
        want = units(to_codepoints("\n".join(docs[:1]) + "\n"), pre)[0]
        assert got[: len(want)].tolist() == want.tolist()
        assert (got == -1).sum() >= len(docs)


def test_hybrid_self_training_save_load(tmp_path: Path):
    from minent.segmentation.charlm import CharLM
    from minent.segmentation.hybrid import HybridSegmenter
    from minent.segmentation.models import load_model
    from minent.segmentation.lexicon import build_lexicon
    from minent.segmentation.unigram import UnigramSegmenter

    texts = ["中国人民很好。中国人民很强！", "人民中国很好", "好好学习，中国人民"] * 20
    hyb = HybridSegmenter(UnigramSegmenter(build_lexicon(texts).lexicon), CharLM.train(texts))
    plain = hyb.segment_line("中国人民很强，好好学习")
    hyb.self_train(texts, rounds=2)
    assert hyb.boundary is not None
    out = hyb.segment_line("中国人民很强，好好学习")
    assert "".join(out.split()) == "中国人民很强，好好学习"
    hyb.w_boundary = 0.0
    assert hyb.segment_line("中国人民很强，好好学习") == plain
    hyb.w_boundary = 3.0
    p = tmp_path / "h.npz"
    hyb.save(p)
    back = load_model(p)
    assert back.boundary is not None and back.w_boundary == 3.0
    np.testing.assert_array_equal(back.boundary.weights, hyb.boundary.weights)
    assert back.segment_line("中国人民很强，好好学习") == out
    arrays = dict(np.load(p))
    arrays["boundary_index"] = arrays["boundary_index"] + (1 << 40)
    bad = tmp_path / "bad.npz"
    np.savez(bad, **arrays)
    with pytest.raises(DataError, match="boundary"):
        load_model(bad)


def test_cli_self_train_option(tmp_path: Path):
    from tests.support import SAMPLE, run_minent

    text = "我们在北京大学学习。\n\n他们也在北京大学学习！\n"
    saved = {}
    for rounds in ("0", "2"):
        m = tmp_path / f"h{rounds}.npz"
        r = run_minent("segment", "--train", SAMPLE, "--self-train", rounds, "--save", m, "-q", input=text)
        assert r.returncode == 0, r.stderr
        assert "".join(r.stdout.decode().split()) == "".join(text.split())
        saved[rounds] = set(np.load(m).files)
    assert "boundary_weight" not in saved["0"] and "boundary_weight" in saved["2"]
    r = run_minent("segment", "--train", SAMPLE, "--self-train", "-1", "-q", input=text)
    assert r.returncode == 2


def test_chunks_cut_at_separators():
    from minent.segmentation.units import unit_slices

    ucp = corpus_units(["中国人民", "很好", "", "人民中国很好"] * 7, False)
    for size in (1, 3, 5, 1000):
        parts = unit_slices(ucp, size)
        assert parts[0][0] == 0 and parts[-1][1] == len(ucp)
        assert all(b == c for (_, b), (c, _) in zip(parts, parts[1:]))
        assert all(ucp[b - 1] < 0 for _, b in parts)
    assert unit_slices(ucp[:0]) == []
