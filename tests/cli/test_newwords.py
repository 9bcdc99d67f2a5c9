"""`minent newwords` on the command line: output formats, stderr summary, exit codes, options."""

from __future__ import annotations

import json

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
    counts = [int(r[1]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    words = [r[0] for r in rows]
    # The sample's invented names are found (its README command's promise).
    assert {"钟岫云", "符远舟", "葛念秋"} <= set(words[:20])
    err = sample_run.stderr.decode()
    assert err.startswith("minent: newwords: ") and "; method=cohesion " in err and "min_count=" in err and "auto" in err


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
