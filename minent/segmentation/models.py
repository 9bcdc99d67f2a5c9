"""Segmentation models on disk: .npz archives (never pickle) read back by their ``format``."""

from __future__ import annotations

from pathlib import Path

from minent.errors import DataError
from minent.io.npz import open_npz
from minent.segmentation.charlm import FORMAT, CharLM
from minent.segmentation.hybrid import HYBRID_FORMAT, HybridSegmenter


def load_model(path: str | Path, *, transitions: dict[str, float] | None = None, oov_max: int = 2,
               oov_penalty: float = 2.0):
    """Load a saved .npz model: a :class:`CharLM` or a :class:`HybridSegmenter` (by its format)."""
    with (opened := open_npz(path)) as z:
        fmt = str(z.get("format", ""))
        if fmt == FORMAT:
            model = CharLM.from_arrays(z, path, transitions=transitions)
            lm = model
        elif fmt == HYBRID_FORMAT:
            model = HybridSegmenter.from_arrays(z, path, transitions=transitions, oov_max=oov_max,
                                                oov_penalty=oov_penalty)
            lm = model.lm
        else:
            raise DataError(f"{path}: not a minent model (.npz written by minent segment --train ... --save)")
    lm.cache_tables(opened.members)  # (its hash tables come from the user cache: charlm.cached_tables)
    return model


