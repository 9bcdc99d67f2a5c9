"""The local worker pool: ordered_map gives fn(item) in item order for any number of processes,
and a worker's exception comes back as itself."""

import pytest

from minent.errors import DataError, UsageError
from minent.parallel.processes import ordered_map


def test_ordered_map():
    items = list(range(-40, 40))
    for jobs in (1, 2, 4):
        assert list(ordered_map(abs, items, jobs)) == [abs(x) for x in items]
    assert list(ordered_map(abs, iter([]), 3)) == []
    # an error in a worker comes back as itself, after the results before it
    got = []
    with pytest.raises(DataError, match="item 7"):
        for x in ordered_map(_fails_at_seven, range(20), 3):
            got.append(x)
    assert got == list(range(7))
    with pytest.raises(UsageError):
        list(ordered_map(abs, items, 0))


def _fails_at_seven(x):
    if x == 7:
        raise DataError("item 7")
    return x
