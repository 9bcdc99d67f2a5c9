"""A word-boundary model trained on the segmenter's own output (self-training).

The lexicon and the character LM judge each word on its own characters; neither looks at the
characters around a gap. A logistic regression over the character window a b | c d of every
gap (features in :mod:`minent.segmentation.kernels.boundary`), trained on the segmentation the hybrid model
gives the training corpus, learns which windows are usually cut. Its log-probabilities are then
added to the hybrid decoder's word scores (``w_boundary`` · (ln p(boundary) at the word's start +
Σ ln p(no boundary) inside it)), and the loop decode → retrain runs a few rounds. It makes the
segmentation of a string agree with how the same window is cut elsewhere in the corpus.

Measured on pku_dev (learning from raw pku_dev + pku_test, defaults otherwise): hybrid F1 0.791
without it; with it, after rounds 1..4: 0.796, 0.7965, 0.7966, 0.7966 (w_boundary 3, the default);
w_boundary 1: 0.794 .. 0.795; 5: as 3. A prototype measured +0.009 from
the same idea. Features from the lexicon (is the gap inside / at the edge of a lexicon word) make
it worse (0.7915): the classifier then only copies the decoder.
"""

from __future__ import annotations

import numpy as np

from minent.errors import DataError


class BoundaryModel:
    """Hashed logistic regression p(word starts at unit i | units i-2..i+1)."""

    def __init__(self, weights: np.ndarray):
        weights = np.ascontiguousarray(weights, dtype=np.float64)
        if weights.ndim != 1 or len(weights) < 2 or len(weights) & (len(weights) - 1):
            raise ValueError("boundary weights: a power-of-two length vector")
        self.weights = weights

    @classmethod
    def train(cls, ucp: np.ndarray, begin: np.ndarray, *, bits: int = 20, epochs: int = 3, lr: float = 0.1,
              l2: float = 1e-4) -> BoundaryModel:
        """Fit on unit code points *ucp* (-1 between pieces) with word starts *begin* (uint8)."""
        from minent.segmentation.kernels.boundary import train_boundary

        weights = np.zeros(1 << bits)
        train_boundary(np.ascontiguousarray(ucp, dtype=np.int32), np.ascontiguousarray(begin, dtype=np.uint8),
                       weights, epochs, lr, l2)
        return cls(weights)

    def log_odds(self, ucp: np.ndarray) -> np.ndarray:
        """ln p(boundary)/p(no boundary) before every unit (0 where the gap is not inside a piece)."""
        from minent.segmentation.kernels.boundary import boundary_log_odds

        return boundary_log_odds(np.ascontiguousarray(ucp, dtype=np.int32), self.weights)

    def add_to_tag_scores(self, ucp: np.ndarray, tags: np.ndarray, weight: float, *,
                          in_place: bool = False) -> np.ndarray:
        """*tags* (n × 4 b/c/d/e scores) plus ``weight`` · ln p(boundary) on b and · ln p(no
        boundary) on c/d/e: the hybrid decoder then adds the boundary model to every word. A new
        array unless *in_place* (then *tags* itself, when it is a writable C-ordered float64 array)."""
        from minent.segmentation.kernels.boundary import add_boundary_scores

        if in_place and tags.dtype == np.float64 and tags.flags.c_contiguous and tags.flags.writeable:
            out = tags
        else:
            out = np.array(tags, dtype=np.float64, order="C")
        add_boundary_scores(np.ascontiguousarray(ucp, dtype=np.int32), self.weights, out, float(weight))
        return out

    def arrays(self) -> dict[str, np.ndarray]:
        nz = np.flatnonzero(self.weights)
        return {"boundary_size": np.array(len(self.weights)), "boundary_index": nz.astype(np.int64),
                "boundary_weight": self.weights[nz]}

    @classmethod
    def from_arrays(cls, z, path) -> BoundaryModel | None:
        if "boundary_size" not in z:
            return None
        try:
            size = int(z["boundary_size"])
            index = np.asarray(z["boundary_index"], dtype=np.int64)
            values = np.asarray(z["boundary_weight"], dtype=np.float64)
            if size < 2 or size & (size - 1) or size > 1 << 30 or len(index) != len(values) or (
                len(index) and (index.min() < 0 or index.max() >= size)
            ):
                raise ValueError("bad sizes")
        except (KeyError, ValueError, TypeError) as e:
            raise DataError(f"{path}: malformed boundary model ({e})") from None
        weights = np.zeros(size)
        weights[index] = values
        return cls(weights)
