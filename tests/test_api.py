"""The public library API: lazy top-level names, one per command."""

import inspect
import subprocess
import sys

import pytest

import minent
from tests.support import SAMPLE


def test_import_is_lazy():
    code = "import sys, minent; print(sorted(m for m in ('numpy', 'numba', 'jieba', 'scipy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name", [n for n in minent.__all__ if n != "__version__"])
def test_every_export_resolves_to_its_module(name):
    obj = getattr(minent, name)
    assert obj.__module__ == minent._EXPORTS[name]
    assert name in dir(minent)
    assert inspect.getdoc(obj), f"{name} has no docstring"


def test_unknown_name():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        minent.nope  # noqa: B018


def _results():
    """One result of every library function behind a command, on tiny inputs."""
    import numpy as np

    from minent.io.graph import parse_edge_list

    text = SAMPLE.read_text(encoding="utf-8").splitlines()
    x = np.arange(40, dtype=float)
    yield "count", minent.count_words(minent.Corpus([str(SAMPLE)]), jobs=1)
    yield "newwords", minent.find_new_words(text, top=5)
    yield "lexicon", minent.build_lexicon(text)
    yield "infomap", minent.infomap(parse_edge_list(b"1 2\n2 3\n3 1\n4 5\n5 6\n6 4\n3 4\n"), seed=1)
    yield "hsic", minent.hsic(x, x ** 2)
    yield "dim", minent.embedding_dimension(1000)
    yield "entropy", minent.knn_entropy(x)


def test_results_share_one_protocol(tmp_path):
    gold = tmp_path / "gold.txt"
    gold.write_text("我 来到 北京\n", encoding="utf-8")
    results = [*_results(), ("score", minent.score_files(gold, gold))]
    for name, result in results:
        columns, rows, settings = result.columns, list(result.to_rows()), result.settings
        assert isinstance(settings, dict) and settings, name
        assert all(isinstance(c, str) for c in columns) and rows, name
        assert all(len(row) == len(columns) for row in rows), name
