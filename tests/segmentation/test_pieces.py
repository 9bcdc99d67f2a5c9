"""Distinct pieces of a corpus (minent.segmentation.units.DistinctPieces and its kernels,
minent.segmentation.kernels.pieces), against a dictionary of the pieces in Python."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minent.segmentation.units import DistinctPieces, corpus_units
from tests.support import SAMPLE


def pieces_of(ucp):
    """(start, units) of every maximal run of units >= 0, in order."""
    out, start = [], None
    for i, u in enumerate(ucp.tolist() + [-1]):
        if u >= 0 and start is None:
            start = i
        elif u < 0 and start is not None:
            out.append((start, tuple(ucp[start:i].tolist())))
            start = None
    return out


def reference(ucp):
    """The distinct pieces end to end with a separator after each, and where each piece's copy starts."""
    where, units, source_at = {}, [], []
    for _, p in pieces_of(ucp):
        if p not in where:
            where[p] = len(units)
            units += list(p) + [-1]
        source_at.append(where[p])
    return np.array(units, dtype=np.int32), np.array(source_at, dtype=np.int64)


def check(ucp):
    ucp = np.asarray(ucp, dtype=np.int32)
    d = DistinctPieces(ucp)
    units, source_at = reference(ucp)
    assert np.array_equal(d.units, units)
    assert np.array_equal(d.source_at, source_at) and d.n_pieces == len(source_at)
    # spreading the units' own values gives back the corpus
    assert np.array_equal(d.spread(ucp, d.units, fill=-1), ucp)
    values = np.arange(len(units), dtype=np.int64)
    want = np.full(len(ucp), -7, dtype=np.int64)
    for (s, p), a in zip(pieces_of(ucp), source_at.tolist()):
        want[s:s + len(p)] = values[a:a + len(p)]
    assert np.array_equal(d.spread(ucp, values, fill=-7), want)


def test_real_text_with_repeated_lines():
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    ucp = corpus_units(lines + lines[::3] + ["", "中", "中"], False)
    check(ucp)
    assert len(DistinctPieces(ucp).units) < len(ucp)


@pytest.mark.parametrize("ucp", [[], [-1], [-1, -1], [5], [5, -1, 5], [-1, 3, 4, -1, -1, 3, 4], [3, 4, -1, 3],
                                 [0, 0, -1, 0, -1, 0, 0]])
def test_edge_cases(ucp):
    check(ucp)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-1, 3), max_size=60))
def test_random(ucp):
    check(ucp)


def test_hash_collisions_are_compared_unit_by_unit(monkeypatch):
    """Every piece hashing alike: only the copies of a group's first piece are sent to it, the
    others are their own (decoded apart), and spreading is still exact."""
    from minent.segmentation.kernels import pieces as kernels

    real = kernels.piece_hashes

    def colliding(ucp):
        starts, lengths, hashes = real(ucp)
        return starts, lengths, np.zeros_like(hashes)

    ucp = np.array([1, 2, -1, 3, -1, 1, 2, -1, 3, -1, 1, 2, 2], dtype=np.int32)
    starts, lengths, _ = colliding(ucp)
    source = kernels.piece_sources(ucp, starts, lengths, np.zeros(len(starts), np.uint64),
                                   np.arange(len(starts)))
    assert source.tolist() == [0, 1, 0, 3, 4]  # (3 again is not sent to the first 3: it is not the group's first)
    monkeypatch.setattr(kernels, "piece_hashes", colliding)
    d = DistinctPieces(ucp)
    assert d.units.tolist() == [1, 2, -1, 3, -1, 3, -1, 1, 2, 2, -1]
    assert np.array_equal(d.spread(ucp, d.units, fill=-1), ucp)


def test_hybrid_decodes_the_distinct_pieces_as_the_corpus():
    """Self-training decodes the distinct pieces and spreads the words: the same word starts
    as decoding every unit of the corpus."""
    from minent.segmentation import train_segmenter

    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    seg = train_segmenter(lines[:300], self_train=1)
    ucp = corpus_units(lines[300:] + lines[300:500] + lines[:50], False)
    d = DistinctPieces(ucp)
    assert np.array_equal(d.spread(ucp, seg.decode_units(d.units)), seg.decode_units(ucp))
