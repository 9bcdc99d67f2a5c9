"""Fixtures shared by every test; helpers that tests import are in :mod:`tests.support`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import SHARED_DATA, local_dask_cluster


@pytest.fixture
def shared_data() -> Path:
    """The evaluation data in ../shared/data, or a skip when this clone has none: the one way a test
    that needs it skips."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present next to this clone")
    return SHARED_DATA


@pytest.fixture(scope="module")
def scheduler():
    """Address of a Dask LocalCluster (2 single-threaded worker processes), one per test module;
    a skip when `distributed` is not installed (the `test` extra installs it)."""
    pytest.importorskip("distributed")
    with local_dask_cluster() as address:
        yield address
