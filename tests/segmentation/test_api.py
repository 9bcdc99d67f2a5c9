"""The segmentation library API (train_segmenter / save_segmenter / load_segmenter) is what
``minent segment`` runs: same output as the CLI, kinds checked, saves atomic."""

import numpy as np
import pytest
from tests.support import SAMPLE, collocation_corpus, run_minent

from minent.errors import UsageError
from minent.segmentation import load_segmenter, model_kind, save_segmenter, train_segmenter

TEXT = "我们在北京大学学习。\n\n他们也在北京大学学习！钟岫云来了。\n"


@pytest.fixture(scope="module")
def lines():
    return SAMPLE.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("model", ["unigram", "charlm", "hybrid"])
def test_library_equals_cli(tmp_path, lines, model):
    seg = train_segmenter(lines, model=model, self_train=1)
    assert model_kind(seg) == model
    r = run_minent("segment", "--train", SAMPLE, "--model", model, "--self-train", "1", "-q", input=TEXT)
    assert r.returncode == 0, r.stderr
    assert "\n".join(seg.segment_lines(TEXT.split("\n"))) == r.stdout.decode()
    # a callable giving fresh passes trains the same model as the list
    again = train_segmenter(lambda: iter(lines), model=model, self_train=1)
    assert list(again.segment_lines(lines[:20])) == list(seg.segment_lines(lines[:20]))
    # save / load round trip, kind checked
    path = tmp_path / ("m.tsv" if model == "unigram" else "m.npz")
    save_segmenter(seg, path)
    loaded = load_segmenter(path)
    assert model_kind(loaded) == model
    assert list(loaded.segment_lines(lines[:50])) == list(seg.segment_lines(lines[:50]))
    other = "charlm" if model != "charlm" else "unigram"
    with pytest.raises(UsageError, match=f"a {model} model, not {other}"):
        load_segmenter(path, model=other)


def test_bad_calls(tmp_path):
    with pytest.raises(UsageError, match="unknown model"):
        train_segmenter(["中文"], model="bigram")
    with pytest.raises(TypeError):
        train_segmenter(iter(["中文"]))  # one pass is not enough: list or callable
    with pytest.raises(UsageError, match="no such model file"):
        load_segmenter(tmp_path / "missing.npz")


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_non_finite_costs_are_refused(tmp_path, value):
    # nan made every comparison false: a silently different segmentation / lexicon
    lex = tmp_path / "lex.tsv"
    lex.write_text("我们\t5\n来\t3\n", encoding="utf-8")
    r = run_minent("segment", "-l", lex, "--oov-penalty", value, input="我们来\n")
    assert r.returncode == 2 and r.stdout == b"" and b"--oov-penalty must be a finite number" in r.stderr
    for opt in ("--margin", "--oov-penalty"):
        r = run_minent("lexicon", SAMPLE, opt, value)
        assert r.returncode == 2 and r.stdout == b"" and f"{opt} must be a finite number".encode() in r.stderr


def test_failed_save_keeps_old_file(tmp_path, lines, monkeypatch):
    seg = train_segmenter(lines[:100], model="charlm")
    path = tmp_path / "m.npz"
    path.write_bytes(b"old")

    def boom(f, arrays):
        f.write(b"half a model")
        raise OSError("disk full")

    monkeypatch.setattr("minent.segmentation.charlm.save_npz", boom)  # (what CharLM.save writes with)
    with pytest.raises(OSError, match="disk full"):
        save_segmenter(seg, path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # no temporary left behind


def test_jobs_give_the_same_lines(lines):
    # small batches: many of them, spread over the worker processes, back in order
    seg = train_segmenter(lines[:300], self_train=1)
    text = lines + ["", "１９９７年，ABC 中国\r", "\ufeff中国人民"]
    one = list(seg.segment_lines(text, batch_chars=500))
    assert len(one) == len(text)
    for jobs in (2, 3):
        assert list(seg.segment_lines(text, batch_chars=500, jobs=jobs)) == one
    assert list(seg.segment_lines([], jobs=2)) == []


def test_hybrid_training_in_one_pass_equals_the_parts(lines):
    # train_segmenter encodes and counts once; the parts trained each from the text must agree
    from minent.segmentation import HYBRID_EM_REL_TOL
    from minent.segmentation.charlm import CharLM
    from minent.segmentation.hybrid import HybridSegmenter
    from minent.segmentation.lexicon import encode_corpus, learn_lexicon, ngram_table
    from minent.segmentation.unigram import UnigramSegmenter

    for pre_split in (False, True):
        seg = train_segmenter(lines, self_train=2, pre_split=pre_split)
        lm = CharLM.train(lines, pre_split=pre_split)
        assert all(np.array_equal(a, b) for a, b in zip(seg.lm.keys + seg.lm.counts, lm.keys + lm.counts))
        # the hybrid drops collocations after its first segmentation, not in the lexicon stage
        # (and stops re-estimating earlier: HYBRID_EM_REL_TOL)
        enc = encode_corpus(lines, pre_split=pre_split)
        lex = learn_lexicon(enc, ngram_table(enc, 4, 2), pre_split=pre_split, free_pair=0, rel_tol=HYBRID_EM_REL_TOL)
        uni = UnigramSegmenter(lex.lexicon, pre_split=pre_split)
        parts = HybridSegmenter(uni, lm).self_train(lines, rounds=2, prune=True)
        assert seg.unigram.lexicon.to_rows() == parts.unigram.lexicon.to_rows()
        assert np.array_equal(seg.boundary.weights, parts.boundary.weights)
        assert list(seg.segment_lines(lines)) == list(parts.segment_lines(lines))


def test_hybrid_drops_collocations_measured_on_its_own_segmentation():
    # 甲 and 乙 are words by themselves 40% of the time and otherwise the pair 甲乙: the lexicon
    # keeps 甲乙 without the filter; the hybrid drops it after its first segmentation, giving
    # its count to 甲 and 乙, and keeps the real words
    from minent.segmentation.hybrid import HybridSegmenter

    text = collocation_corpus()
    kept = train_segmenter(text, free_pair=0).unigram.lexicon.as_dict()  # (unpaid words go, not 甲乙)
    assert "甲乙" in kept
    seg = train_segmenter(text)
    d = seg.unigram.lexicon.as_dict()
    assert "甲乙" not in d and "丙丁" in d
    assert d["甲"] > kept["甲"] and d["乙"] > kept["乙"]
    assert seg.unigram.segment_line("丙丁甲乙戊己") == "丙丁 甲 乙 戊己"
    # drop_collocations by hand: nothing to drop leaves the model as it was
    unigram = seg.unigram
    assert isinstance(seg, HybridSegmenter)
    assert seg.drop_collocations(seg.lm.ids_of(np.zeros(0, np.int32)), np.zeros(0, np.uint8)) == 0
    assert seg.unigram is unigram
