"""Every ``>>>`` example in minent's docstrings runs and prints what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import minent

MODULES = sorted(m.name for m in pkgutil.walk_packages(minent.__path__, "minent.") if m.name != "minent.__main__")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, monkeypatch):
    monkeypatch.chdir(minent.__path__[0] + "/..")  # examples may name data/sample.txt
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed (run: python -m doctest -v)"


def test_examples_exist():
    # the parametrisation above is not empty, and the main modules do carry examples
    assert {"minent.words.newwords.discover", "minent.text.chars", "minent.io.tables"} <= set(MODULES)
    finder = doctest.DocTestFinder()
    assert sum(len(t.examples) for t in finder.find(importlib.import_module("minent.words.newwords.discover"))) >= 5
