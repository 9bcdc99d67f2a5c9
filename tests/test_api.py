"""The public library API: lazy top-level names, one per command."""

import inspect
import subprocess
import sys

import pytest

import minent


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
