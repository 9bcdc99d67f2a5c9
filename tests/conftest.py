"""Fixtures shared by every test; helpers that tests import are in :mod:`tests.support`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import SHARED_DATA


@pytest.fixture
def shared_data() -> Path:
    """The evaluation data in ../shared/data, or a skip when this clone has none: the one way a test
    that needs it skips."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present next to this clone")
    return SHARED_DATA
