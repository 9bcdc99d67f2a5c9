"""What a new user meets in the first hour (issue 18), through the installed `minent` command:
help in the user's words, an output header that says it is about the output, --digits,
usage errors instead of tracebacks, closed standard streams, --jobs clamped to the work, CSV
quotes, compressed numeric inputs, hsic on 4-5 samples, a newline as token separator."""

from __future__ import annotations

import gzip
import re

import pytest

from tests.support import ROOT, SAMPLE, run_installed

PAIRS = ROOT / "data" / "pairs.tsv"
#: the environment of a subprocess that must run this tree's minent (as run_installed sets it)
_ENV = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}


def _messages(r) -> list[str]:
    """stderr lines, without the first-run notes of numba compiling (a cold cache says them)."""
    return [line for line in r.stderr.decode().strip().splitlines() if "numba kernel" not in line]


COMMANDS = ["count", "tokenize", "newwords", "lexicon", "segment", "score", "infomap", "wordgraph", "hsic", "dim", "entropy"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_user_words_not_python_types(command):
    r = run_installed(command, "--help", env={"COLUMNS": "120"})
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode()
    for python_word in ("<list[", "<str>", "<path>", "<int", "<float", "range>", "{"):
        assert python_word not in text, (python_word, text)


def test_usage_line_names_the_arguments():
    text = run_installed("score", "--help").stdout.decode()
    assert "Usage: minent score [OPTIONS] GOLD TEST" in text
    assert "[FILE]..." in run_installed("count", "--help").stdout.decode()


def test_output_header_option_says_it_is_about_the_output_and_keeps_the_old_name():
    text = " ".join(run_installed("count", "--help", env={"COLUMNS": "200"}).stdout.decode().split())
    assert "--output-header" in text and "header row" in text
    new = run_installed("dim", "-N", "100000", "--output-header")
    old = run_installed("dim", "-N", "100000", "--header")
    assert new.returncode == old.returncode == 0 and new.stdout == old.stdout
    assert new.stdout.decode().splitlines()[0] == "vocab_size\trule_dim\texact_dim\th_n"


def test_dask_hint_works_from_a_clone():
    text = " ".join(run_installed("count", "--help", env={"COLUMNS": "200"}).stdout.decode().split())
    assert "pip install '.[dask]'" in text


def test_digits_rounds_the_floats_of_the_estimators():
    r = run_installed("hsic", PAIRS, "--digits", "6", "-q")
    assert r.returncode == 0, r.stderr
    cells = r.stdout.decode().split("\t")
    assert cells[0] == "0.0204811" and cells[6] == "0.971567" and cells[2] == "500"
    full = run_installed("hsic", PAIRS, "-q").stdout.decode().split("\t")
    assert float(full[0]) == pytest.approx(0.0204811, rel=1e-5) and len(full[0]) > 10
    assert run_installed("entropy", PAIRS, "--cols", "x", "--digits", "4", "-q").stdout.decode().startswith("1.405\t")
    assert run_installed("hsic", PAIRS, "--digits", "0").returncode == 2


@pytest.mark.parametrize("args", [
    ["infomap", "-", "--seed", "-1"],
    ["hsic", str(PAIRS), "--test", "permutation", "--seed", "-3"],
    ["hsic", str(PAIRS), "--approx", "rff", "--seed", "-3"],
])
def test_negative_seed_is_a_usage_error(args):
    r = run_installed(*args, input="1 2\n2 3\n")
    assert r.returncode == 2, r.stderr
    assert b"Traceback" not in r.stderr and b"--seed" in r.stderr


def test_library_negative_seed_names_the_parameter():
    import numpy as np

    from minent.errors import UsageError
    from minent.estimators.hsic import hsic

    with pytest.raises(UsageError, match="seed"):
        hsic(np.arange(10.0), np.arange(10.0) ** 2, test="permutation", seed=-1)


@pytest.mark.parametrize("command", ["count", "tokenize"])
@pytest.mark.parametrize("tokenizer", ["jieba", "fast"])
@pytest.mark.parametrize("content", ["", "词 0\n"])
def test_empty_dictionary_is_a_data_error_naming_the_file(tmp_path, command, tokenizer, content):
    empty = tmp_path / "empty.txt"
    empty.write_text(content, encoding="utf-8")
    r = run_installed(command, "--tokenizer", tokenizer, "--dict", empty, input="我来到北京\n")
    assert r.returncode == 1, r.stderr
    lines = _messages(r)
    assert len(lines) == 1 and str(empty) in lines[0] and "Traceback" not in lines[0], lines


@pytest.mark.parametrize("args", [["count"], ["tokenize"], ["hsic"], ["infomap"], ["entropy"]])
def test_closed_stdin_is_one_line(args):
    import subprocess

    from tests.support import minent_command

    r = subprocess.run(["bash", "-c", '"$@" <&-', "minent", *minent_command(), *args], capture_output=True, cwd=ROOT, env=_ENV)
    lines = _messages(r)
    assert r.returncode == 2 and len(lines) == 1 and "standard input is closed" in lines[0], r.stderr


def test_closed_stdout_is_one_line_and_output_file_still_works(tmp_path):
    import subprocess

    from tests.support import minent_command

    r = subprocess.run(["bash", "-c", '"$@" >&-', "minent", *minent_command(), "count", str(SAMPLE), "-q"],
                       capture_output=True, cwd=ROOT, env=_ENV)
    lines = _messages(r)
    assert r.returncode == 2 and len(lines) == 1 and "standard output is closed" in lines[0], r.stderr
    out = tmp_path / "freq.tsv"
    r = subprocess.run(["bash", "-c", '"$@" >&- <&-', "minent", *minent_command(), "count", str(SAMPLE), "-q", "-o", str(out)],
                       capture_output=True, cwd=ROOT, env=_ENV)
    assert r.returncode == 0 and out.read_text(encoding="utf-8").count("\n") > 100, r.stderr


def test_count_jobs_clamped_to_the_work_and_said(tmp_path):
    r = run_installed("count", SAMPLE, "--jobs", "1000", "--top", "3")
    assert r.returncode == 0, r.stderr
    err = r.stderr.decode()
    summary = err.splitlines()[-1]
    assert re.search(r"jobs=1 \(--jobs 1 instead of 1000: 2 CPUs available; 57,679 bytes of input make at most 1 batch", summary) \
        or re.search(r"jobs=1 \(--jobs 1 instead of 1000: .*1 batch", summary), err
    assert r.stdout == run_installed("count", SAMPLE, "--jobs", "1", "--top", "3").stdout


def test_unterminated_csv_quote_names_the_line_where_it_opened(tmp_path):
    csv_file = tmp_path / "reviews.csv"
    csv_file.write_text('id,text\n1,很好\n2,"不错\n3,一般\n4,差\n', encoding="utf-8")
    r = run_installed("count", csv_file, "--csv-column", "text")
    assert r.returncode == 1 and r.stdout == b""
    assert r.stderr.decode().strip() == (f"minent: error: {csv_file}: line 3: a quoted CSV field opened on this "
                                         "line is never closed (unterminated quote)")
    numbers = tmp_path / "xy.csv"
    numbers.write_text('x,y\n1,2\n"3,4\n5,6\n', encoding="utf-8")
    r = run_installed("entropy", numbers)
    assert r.returncode == 1 and b"line 3: a quoted field opened on this line is never closed" in r.stderr


def test_hsic_and_entropy_read_gz_like_every_command(tmp_path):
    gz = tmp_path / "pairs.tsv.gz"
    gz.write_bytes(gzip.compress(PAIRS.read_bytes()))
    plain = {}
    for args in (["hsic"], ["entropy", "--cols", "x"]):
        plain[args[0]] = run_installed(*args, PAIRS, "-q")
        packed = run_installed(*args, gz, "-q")
        assert packed.returncode == 0 and packed.stdout == plain[args[0]].stdout, packed.stderr
    piped = run_installed("hsic", "-", "-q", input=gzip.compress(PAIRS.read_bytes()))
    assert piped.stdout == plain["hsic"].stdout


def test_hsic_unbiased_on_five_samples_warns_that_the_gamma_test_needs_six(tmp_path):
    five = tmp_path / "five.tsv"
    five.write_text("x\ty\n1\t2\n2\t1\n3\t5\n4\t3\n5\t8\n", encoding="utf-8")
    r = run_installed("hsic", five, "--estimator", "unbiased")
    assert r.returncode == 0, r.stderr
    cells = r.stdout.decode().rstrip("\n").split("\t")
    assert cells[1] == "" and cells[2] == "5" and cells[7] == "none"
    assert b"gamma test needs at least 6 samples" in r.stderr


def test_newline_as_token_separator():
    r = run_installed("tokenize", "--sep", "\n", input="我来到北京清华大学\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == "我\n来到\n北京\n清华大学\n"
