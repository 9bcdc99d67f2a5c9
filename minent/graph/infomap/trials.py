"""The best of several seeded searches, two-level or hierarchical: the part of a run that
ordinary and memory networks share (:func:`minent.graph.infomap.infomap`,
:func:`minent.graph.infomap.memory.memory_infomap`)."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from minent.errors import UsageError
from minent.graph.infomap.flow import Flow, codelength, one_level_codelength
from minent.graph.infomap.hierarchy import build_hierarchy
from minent.graph.infomap.result import order_modules
from minent.graph.infomap.search import MIN_IMPROVEMENT, two_level_trial

log = logging.getLogger("minent")


@dataclass
class Partition:
    """Modules of a flow network's nodes: ``module`` 1-based by decreasing flow (the top level
    of a tree), ``paths`` the tree path of each node (hierarchical search only)."""

    module: np.ndarray
    module_flow: np.ndarray
    codelength: float
    index_codelength: float
    module_codelength: float
    paths: list[tuple[int, ...]] | None = None


def two_level_partition(flow: Flow, module: np.ndarray) -> Partition:
    """The partition ``module`` (any integer labels) of ``flow``'s nodes with its codelength."""
    length, index, mod = codelength(flow, module)
    ranked, mflow = order_modules(np.unique(module, return_inverse=True)[1], flow.node_flow)
    return Partition(ranked, mflow, length, index, mod)


def best_partition(flow: Flow, *, trials: int = 1, seed: int = 123, hierarchical: bool = False,
                   preferred: int = 0,
                   progress: Callable[[int, float], None] | None = None) -> Partition:
    """The shortest of ``trials`` searches (one seed drives them all).

    Two-level: a trial that does not beat the one-level code gives one module, unless a
    ``preferred`` number of modules is asked for (as the reference); with ``preferred`` the
    trials compete on L + |modules - preferred|. Hierarchical: every trial builds its own
    tree from its two-level partition (:func:`build_hierarchy`), the shortest tree wins.
    ``progress(trial, codelength)`` is called after each trial.
    """
    one_level = one_level_codelength(flow)
    rng = np.random.default_rng(seed)
    best: Partition | None = None
    best_module, best_len = np.zeros(flow.n, np.int64), math.inf if preferred else one_level
    for trial in range(trials):
        state = np.array([rng.integers(0, 2**63, dtype=np.uint64)], dtype=np.uint64)
        module, length = two_level_trial(flow, state, preferred=preferred)
        log.debug("trial %d: %.9f bits, %d modules", trial + 1, length, module.max() + 1)
        if not preferred and not length < one_level - MIN_IMPROVEMENT:
            module, length = np.zeros(flow.n, np.int64), one_level
        if hierarchical:
            cand = two_level_partition(flow, module)
            build_hierarchy(cand, flow, rng)
            if best is None or cand.codelength < best.codelength - MIN_IMPROVEMENT:
                best = cand
            length = cand.codelength
        elif length < best_len - MIN_IMPROVEMENT:
            best_module, best_len = module, length
        if progress is not None:
            progress(trial + 1, length)
    return best if best is not None else two_level_partition(flow, best_module)


def search_settings(trials: int, seed: int, hierarchical: bool, preferred_number_of_modules: int | None) -> dict:
    """The search options that :func:`minent.graph.infomap.infomap` and
    :func:`minent.graph.infomap.memory.memory_infomap` share, checked (``UsageError`` naming a
    bad one), as the settings their result records (:func:`run_search` takes them)."""
    if trials < 1:
        raise UsageError(f"`trials` must be at least 1, got {trials}")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise UsageError(f"`seed` must be a non-negative integer, got {seed!r}")
    preferred = int(preferred_number_of_modules or 0)
    if preferred < 0:
        raise UsageError(f"`preferred_number_of_modules` must be positive (or None), got {preferred}")
    settings = dict(trials=trials, seed=seed, hierarchical=hierarchical)
    if preferred:
        settings.update(preferred_number_of_modules=preferred)
    return settings


def run_search(flow: Flow, settings: dict, progress: Callable[[int, float], None] | None = None) -> Partition:
    """:func:`best_partition` of ``flow`` with the options of :func:`search_settings`."""
    return best_partition(flow, trials=settings["trials"], seed=settings["seed"],
                          hierarchical=settings["hierarchical"],
                          preferred=settings.get("preferred_number_of_modules", 0), progress=progress)
