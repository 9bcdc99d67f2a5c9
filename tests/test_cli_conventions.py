"""The shared conventions of every command, as a demanding user meets them (README "Conventions
shared by every command"): named one-line errors, exit codes, no traceback, --output checks."""

import pytest

from conftest import SAMPLE, run_minent


def _one_line_error(r, code: int, *needles: str) -> str:
    err = r.stderr.decode("utf-8")
    assert r.returncode == code, err
    assert r.stdout == b"" and "Traceback" not in err
    assert err.startswith("minent: error: ") and err.count("\n") == 1, err
    for n in needles:
        assert n in err, err
    return err


@pytest.mark.parametrize("command", [
    ["lexicon", SAMPLE],
    ["score", SAMPLE, SAMPLE],
    ["dim", "-N", "1000"],
    ["infomap", "-"],
])
def test_output_into_a_missing_directory_is_refused_before_any_work(tmp_path, command):
    target = tmp_path / "no" / "such" / "dir" / "out.tsv"
    r = run_minent(*command, "-o", target, input="1 2\n")
    err = _one_line_error(r, 2, str(target), "does not exist")
    assert ".tmp" not in err
    r = run_minent(*command, "-o", tmp_path, input="1 2\n")
    _one_line_error(r, 2, str(tmp_path), "is a directory")
    assert list(tmp_path.iterdir()) == []


def test_segment_save_into_a_missing_directory_is_refused_before_training(tmp_path):
    target = tmp_path / "no" / "model.npz"
    r = run_minent("segment", "--train", SAMPLE, "--save", target, input="我\n")
    _one_line_error(r, 2, str(target), "does not exist")
