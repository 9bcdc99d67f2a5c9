"""`minent newwords` on the command line: output formats, stderr summary, exit codes, options."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support import SAMPLE, run_minent


def tsv_rows(stdout: bytes) -> list[list[str]]:
    return [line.split("\t") for line in stdout.decode("utf-8").splitlines()]


@pytest.fixture(scope="module")
def sample_run():
    r = run_minent("newwords", SAMPLE)
    assert r.returncode == 0, r.stderr
    return r


def test_tsv_rows_and_summary(sample_run):
    rows = tsv_rows(sample_run.stdout)
    assert len(rows) > 50 and all(len(r) == 6 for r in rows)
    # Most novel first, ties by word.
    keys = [(-float(r[5]), r[0]) for r in rows]
    assert keys == sorted(keys)
    words = [r[0] for r in rows]
    # The sample's invented names are found (its README command's promise).
    assert {"钟岫云", "符远舟", "葛念秋", "邝石生", "郁长庚"} <= set(words[:20])
    err = sample_run.stderr.decode()
    assert err.startswith("minent: newwords: ") and "; method=cohesion " in err and "min_count=" in err and "auto" in err
    assert "rank=novelty background=jieba" in err


def test_rank_count_is_the_published_algorithm(tmp_path):
    # --rank count: the candidates and order of the published algorithms, byte for byte the
    # pure-Python oracle's output (the score is the count).
    import sys

    from tests.support import ROOT

    for method in ("cohesion", "entropy", "pmi-split"):
        r = run_minent("newwords", SAMPLE, "--rank", "count", "--method", method, "-q")
        oracle = subprocess.run([sys.executable, "-m", "tests.words.newwords_oracle", str(SAMPLE), "--method", method],
                                capture_output=True, cwd=ROOT, check=True)
        assert r.returncode == 0 and r.stdout == oracle.stdout, method
        counts = [int(row[1]) for row in tsv_rows(r.stdout)]
        assert counts == sorted(counts, reverse=True)


def test_background_file(tmp_path):
    # jieba's dictionary plus two of the sample's names as common words: they stop being new.
    from minent.words.tokenizers import jieba_dict_path

    table = tmp_path / "freq.txt"
    with open(jieba_dict_path(), encoding="utf-8") as f:
        table.write_text(f.read() + "钟岫云 100000 nr\n符远舟 100000 nr\n", encoding="utf-8")
    r = run_minent("newwords", SAMPLE, "--background", table, "--top", "20", "-q")
    assert r.returncode == 0, r.stderr
    words = [row[0] for row in tsv_rows(r.stdout)]
    assert {"葛念秋", "邝石生"} <= set(words) and not {"钟岫云", "符远舟"} & set(words)
    # `minent count` output works as a background as it is
    counted = run_minent("count", SAMPLE, "-q").stdout
    (tmp_path / "count.tsv").write_bytes(counted)
    r = run_minent("newwords", SAMPLE, "--background", tmp_path / "count.tsv", "--top", "5", "-q")
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 5


@pytest.mark.parametrize("content, code, message", [
    (None, 2, "no such file"),
    ("DIR", 2, "is a directory"),
    ("", 1, "no words with a positive count"),
    ("钟岫云\t12\n符远舟\n", 1, "line 2: expected 'word count'"),
    ("钟岫云 12\n符远舟 many\n", 1, "line 2: count 'many' is not a whole number"),
    ("钟岫云 12\n符远舟 -3\n", 1, "line 2: count -3 out of range"),
    (b"\xff\xfe\x00", 1, "line 1: not UTF-8 text"),
])
def test_background_errors(tmp_path, content, code, message):
    path = tmp_path / "bg.txt"
    if content == "DIR":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    r = run_minent("newwords", SAMPLE, "--background", path)
    err = r.stderr.decode()
    assert r.returncode == code and r.stdout == b"", err
    assert err.count("\n") == 1 and "bg.txt" in err and message in err, err
    assert "Traceback" not in err


def test_evaluate_prints_precision_and_recall(tmp_path):
    gold = tmp_path / "gold.txt"
    gold.write_text("钟岫云\n符远舟 12 nr\n葛念秋\n不存在的词\n", encoding="utf-8")
    r = run_minent("newwords", SAMPLE, "--exclude-known", "--evaluate", gold, "-q")
    assert r.returncode == 0
    err = r.stderr.decode()
    assert err.startswith(f"minent: newwords: --evaluate {gold}: 4 gold words,") and err.count("\n") == 1
    words = [row[0] for row in tsv_rows(r.stdout)]
    gold_words = {"钟岫云", "符远舟", "葛念秋", "不存在的词"}
    p10 = sum(w in gold_words for w in words[:10]) / 10
    r100 = sum(w in gold_words for w in words[:100]) / 4
    assert f"{len(words)} rows; precision @10 {p10:.3f} " in err and f"recall @10 " in err
    assert f"@100 {r100:.3f}" in err and "all rows 0.750" in err  # three names listed, 不存在的词 not


def test_jobs_do_not_change_output(sample_run):
    r = run_minent("newwords", SAMPLE, "-j", "1", "-q")
    assert r.returncode == 0 and r.stdout == sample_run.stdout and r.stderr == b""


def test_formats_and_options(tmp_path):
    r = run_minent("newwords", SAMPLE, "-f", "json", "--top", "5", "-q")
    rows = json.loads(r.stdout)
    assert len(rows) == 5 and list(rows[0]) == ["word", "count", "cohesion", "left_entropy", "right_entropy", "score"]
    r = run_minent("newwords", SAMPLE, "-f", "jieba", "--top", "3", "-q", "--min-length", "3")
    lines = r.stdout.decode().splitlines()
    assert len(lines) == 3 and all(len(l.split(" ")[0]) >= 3 and l.split(" ")[1].isdigit() for l in lines)
    r = run_minent("newwords", SAMPLE, "--header", "--top", "1", "-q", "--method", "entropy", "--min-count", "5")
    assert r.stdout.decode().splitlines()[0] == "word\tcount\tcohesion\tleft_entropy\tright_entropy\tscore"
    known = tmp_path / "known.txt"
    known.write_text("钟岫云 100 nr\n符远舟\n", encoding="utf-8")
    out = tmp_path / "out.tsv"
    r = run_minent("newwords", SAMPLE, "--known", known, "-o", out, "--method", "pmi-split", "-q")
    assert r.returncode == 0 and r.stdout == b""
    words = {row[0] for row in tsv_rows(out.read_bytes())}
    assert words and not words & {"钟岫云", "符远舟"}


def test_exclude_known_drops_jieba_words(sample_run):
    r = run_minent("newwords", SAMPLE, "--exclude-known", "-q")
    words = [row[0] for row in tsv_rows(r.stdout)]
    assert "钟岫云" in words and "我们" not in words and "没有" not in words


def test_stdin_and_bad_input(tmp_path, sample_run):
    r = run_minent("newwords", "-", "-q", input=SAMPLE.read_bytes())
    assert r.returncode == 0 and r.stdout == sample_run.stdout
    bad = tmp_path / "bad.txt"
    bad.write_bytes("好的\n".encode() + b"\xff\xfe\n")
    r = run_minent("newwords", bad)
    assert r.returncode == 1 and r.stdout == b""
    assert r.stderr.decode().startswith("minent: error:") and "bad.txt" in r.stderr.decode()
    assert b"Traceback" not in r.stderr
    r = run_minent("newwords", SAMPLE, "--min-pmi", "x")
    assert r.returncode == 2 and b"--min-pmi" in r.stderr
    r = run_minent("newwords", SAMPLE, "--known", tmp_path / "missing.txt")
    assert r.returncode == 2 and b"missing.txt" in r.stderr
    r = run_minent("newwords", SAMPLE, "--method", "nope")
    assert r.returncode == 2


def test_meaningless_thresholds():
    for args, message in ((["--method", "entropy", "--min-entropy", "nan"], b"--min-entropy must be a finite number"),
                          (["--min-pmi", "2,inf"], b"expected numbers like 2,4,6")):
        r = run_minent("newwords", SAMPLE, *args)
        assert r.returncode == 2 and r.stdout == b"", (args, r.stderr)
        assert message in r.stderr and r.stderr.count(b"\n") == 1, r.stderr
    r = run_minent("newwords", SAMPLE, "--order", "6", "--min-pmi", "1,2,3,4,5", "--top", "1", "-q")
    assert r.returncode == 0 and r.stderr == b"", r.stderr
    # thresholds beyond the order are not silently dropped: a warning says so (even with -q)
    r = run_minent("newwords", SAMPLE, "--min-pmi", "1,2,3,4,5,6", "--top", "1", "-q")
    assert r.returncode == 0 and r.stdout.count(b"\n") == 1
    assert r.stderr.decode() == "minent: --min-pmi: 6 thresholds given, order 4 uses the first 3 (n-gram lengths 2..4)\n"
