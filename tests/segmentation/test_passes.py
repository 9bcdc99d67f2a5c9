"""Training passes go chunk by chunk (n-gram counts, re-estimation) and a cluster numbers the
characters as the local encoder does: the model is byte for byte the one of a single pass."""

import numpy as np
import pytest
from tests.support import SAMPLE

from minent.segmentation import lexicon as lexicon_mod
from minent.segmentation import save_segmenter, train_segmenter
from minent.segmentation.cluster import batch_of_documents, encode_part, numbering
from minent.segmentation.lexicon import build_lexicon, encode_corpus
from minent.segmentation.lexicon_model import Lexicon
from minent.segmentation.unigram import UnigramSegmenter, unique_rows
from minent.text.batching import batched


@pytest.fixture(scope="module")
def lines():
    # the sample, then lines of other scripts and digits (new characters late in the corpus)
    text = SAMPLE.read_text(encoding="utf-8").splitlines()
    return text + ["", "１９９７年３月份，Hello 世界！", "𠀀𪚥字與繁體字混排", "  ", "北京大學"] * 3


def model_bytes(tmp_path, lines, name, **kw):
    path = tmp_path / name
    save_segmenter(train_segmenter(lines, self_train=2, **kw), path)
    return path.read_bytes()


@pytest.mark.parametrize("model", ["hybrid", "charlm"])
def test_small_chunks_train_the_same_model(tmp_path, lines, monkeypatch, model):
    whole = model_bytes(tmp_path, lines, "whole.npz", model=model)
    monkeypatch.setattr(lexicon_mod, "CHUNK_UNITS", 37)  # hundreds of chunks, a few pieces each
    assert len(encode_corpus(lines, pre_split=False).id_chunks()) > 100
    assert model_bytes(tmp_path, lines, "chunks.npz", model=model) == whole


def test_small_chunks_learn_the_same_lexicon(lines, monkeypatch):
    whole = build_lexicon(lines).to_rows()
    monkeypatch.setattr(lexicon_mod, "CHUNK_UNITS", 50)
    assert build_lexicon(lines).to_rows() == whole


def test_word_counts_of_parts_merge_into_the_whole(lines):
    """recount of the whole = lexicon_of_counts of the merged counts of its parts (any order)."""
    lex = build_lexicon(lines, iterations=0, free_pair=0).lexicon  # (every character a word)
    # every character (rare as a word: spans of them become new words), half of the longer words
    keep = [i for i, w in enumerate(lex.words) if len(w) == 1 or i % 2]
    counts = np.where([len(lex.words[i]) == 1 for i in keep], 1.0, lex.counts[keep])
    seg = UnigramSegmenter(Lexicon([lex.words[i] for i in keep], counts), oov_max=2)
    ids = seg.ids_of(encode_corpus(lines).units())  # (ids 0 between pieces)
    begin, _ = seg.decode_ids(ids)
    whole = seg.recount(ids, begin)
    begin2, word_node = seg.decode_words(ids)  # (the decoder's word nodes: the same counts)
    assert np.array_equal(begin2, begin)
    counted = seg.count_words(ids, begin, word_node)
    assert seg.lexicon_of_counts(counted).as_dict() == whole.as_dict()
    cuts = [0] + [int(i) + 1 for i in np.flatnonzero(ids == 0)[::40]] + [len(ids)]
    parts = [seg.count_words(ids[a:b], seg.decode_ids(ids[a:b])[0]) for a, b in zip(cuts, cuts[1:]) if b > a]
    assert len(parts) > 5 and sum(bool(p.new) for p in parts) > 2  # out-of-lexicon words merged too
    for order in (parts, parts[::-1]):
        merged = order[0]
        for p in order[1:]:
            merged = merged.merge(p)
        got = seg.lexicon_of_counts(merged)
        assert got.words == whole.words and np.array_equal(got.counts, whole.counts)


@pytest.mark.parametrize("batch_chars", [50, 700, 1 << 22])
@pytest.mark.parametrize("pre_split", [False, True])
def test_cluster_numbering_is_the_local_one(lines, batch_chars, pre_split):
    """Partitions report document lengths and first documents; the ids they get, and their units
    put back together, are those of encode_corpus (batches of batch_chars)."""
    enc = encode_corpus(lines, pre_split=pre_split, batch_chars=batch_chars)
    cps, whole = enc.codepoints[2:], enc.units()
    n = len(lines)
    for cuts in ([0, n], [0, 1, 7, 7, n // 2, n // 2 + 1, n - 3, n]):
        parts = [encode_part(iter(lines[a:b]), pre_split) for a, b in zip(cuts, cuts[1:])]
        got = numbering([(p[1], p[2], p[3], {}) for p in parts], batch_chars)
        assert np.array_equal(got, cps)
        units = [p[0] for p in parts if len(p[1])]
        units = [units[0]] + [u[1:] if len(u) and u[0] < 0 else u for u in units[1:]]
        assert np.array_equal(np.concatenate(units), whole)


def test_batch_of_documents_is_batched():
    rng = np.random.default_rng(5)
    docs = ["x" * int(n) for n in rng.integers(0, 30, size=500)]
    for max_chars in (1, 10, 64, 10_000):
        want = [b for b, batch in enumerate(batched(docs, max_chars)) for _ in batch]
        sizes = np.array([len(d) + 1 for d in docs])
        assert batch_of_documents(sizes, max_chars).tolist() == want


@pytest.mark.parametrize("n, top", [(1, 5), (2, 70_000), (3, 1 << 20), (4, 1 << 20), (2, 1 << 40)])
def test_unique_rows_is_numpy_unique(n, top):
    rng = np.random.default_rng(n)
    rows = rng.integers(0, top, size=(3000, n)) // rng.integers(1, 2000, size=(3000, 1))  # repeats
    want, want_counts = np.unique(rows, axis=0, return_counts=True)
    got, counts = unique_rows(rows)
    assert np.array_equal(got, want) and np.array_equal(counts, want_counts)
    weights = rng.integers(1, 9, size=len(rows))
    _, summed = unique_rows(rows, weights)
    _, inverse = np.unique(rows, axis=0, return_inverse=True)
    assert np.array_equal(summed, np.bincount(inverse.ravel(), weights=weights).astype(np.int64))
    assert unique_rows(rows[:0])[0].shape == (0, n)
