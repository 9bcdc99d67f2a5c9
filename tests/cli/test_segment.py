"""CLI of minent lexicon / segment / score: stdout purity, round trip, exit codes, bad models."""

import json

import pytest

from tests.support import SAMPLE, run_minent


def _strip(s: str) -> str:
    return "".join(s.split())


@pytest.fixture(scope="module")
def sample_lexicon(tmp_path_factory):
    """`minent lexicon` of the sample: (the run, the lexicon file), made once for the module."""
    r = run_minent("lexicon", SAMPLE)
    lex = tmp_path_factory.mktemp("lexicon") / "lex.tsv"
    lex.write_bytes(r.stdout)
    return r, lex


def test_lexicon_then_segment_round_trip(tmp_path, sample_lexicon):
    r, lex = sample_lexicon
    assert r.returncode == 0, r.stderr
    rows = [l.split("\t") for l in r.stdout.decode().splitlines()]
    assert rows and all(len(x) == 3 for x in rows)
    assert b"bits/char before" in r.stderr
    text = SAMPLE.read_text(encoding="utf-8")
    s = run_minent("segment", "--lexicon", lex, input=text)
    assert s.returncode == 0, s.stderr
    out = s.stdout.decode().split("\n")
    src = text.split("\n")
    assert len(out) == len(src)
    assert [_strip(o) for o in out] == [_strip(x) for x in src]
    assert all("  " not in o for o in out)
    # --output is the same as stdout; -q is silent
    o = tmp_path / "out.seg"
    s2 = run_minent("segment", "--lexicon", lex, SAMPLE, "-o", o, "-q")
    assert s2.returncode == 0 and s2.stdout == b"" and s2.stderr == b""
    assert o.read_bytes() == s.stdout


def test_train_save_load_charlm_and_unigram(tmp_path):
    text = "我们在北京大学学习。\n\n他们也在北京大学学习！\n"
    for model, ext in (("charlm", "npz"), ("unigram", "tsv"), ("hybrid", "npz")):
        m = tmp_path / f"model.{ext}"
        r = run_minent("segment", "--train", SAMPLE, "--model", model, "--save", m, "-q", input=text)
        assert r.returncode == 0, r.stderr
        assert r.stdout.decode().split("\n")[1] == ""  # blank line kept
        r2 = run_minent("segment", "--load", m, "--model", model, "-q", input=text)
        assert r2.returncode == 0, r2.stderr
        assert r2.stdout == r.stdout


def test_bad_models_and_usage(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("中国\t1\n人民\tmany\n", encoding="utf-8")
    r = run_minent("segment", "--lexicon", bad, input="中国人民")
    assert r.returncode == 1 and r.stdout == b""
    assert r.stderr.decode().strip() == f"minent: error: {bad}: line 2: count 'many' is not a number"
    npz = tmp_path / "bad.npz"
    npz.write_bytes(b"PK\x03\x04garbage")
    r = run_minent("segment", "--load", npz, input="中国")
    assert r.returncode == 1 and b"malformed model file" in r.stderr and b"Traceback" not in r.stderr
    r = run_minent("segment", input="中国")
    assert r.returncode == 2 and b"exactly one of" in r.stderr
    r = run_minent("segment", "--lexicon", tmp_path / "missing.tsv", input="中国")
    assert r.returncode == 2
    r = run_minent("segment", "--lexicon", tmp_path, input="中国")  # was "no such model file"
    assert r.returncode == 2 and r.stderr.decode() == f"minent: error: {tmp_path}: is a directory, not a model file\n"
    npz.write_bytes(b"\xff\xfe not a zip")  # was read as a lexicon: "invalid UTF-8 in lexicon"
    r = run_minent("segment", "--load", npz, input="中国")
    assert r.returncode == 1 and r.stderr.decode() == f"minent: error: {npz}: malformed model file (not an .npz archive)\n"
    good = tmp_path / "good.tsv"
    good.write_text("中国\t1\n", encoding="utf-8")
    r = run_minent("segment", "--lexicon", good, "--model", "charlm", input="中国")
    assert r.returncode == 2 and b"needs --train" in r.stderr


def test_score_cli(tmp_path):
    gold = tmp_path / "gold.txt"
    test = tmp_path / "test.txt"
    gold.write_bytes("\ufeff中国  人民  很  好\r\n".encode())
    test.write_text("中国 人 民很 好\n", encoding="utf-8")
    r = run_minent("score", gold, test, "-f", "json", "-q")
    assert r.returncode == 0, r.stderr
    d = {row["metric"]: row["value"] for row in json.loads(r.stdout)}
    assert d["precision"] == 0.5 and d["recall"] == 0.5 and d["f1"] == 0.5 and d["correct"] == 2
    test.write_text("中国 人 民很 坏\n", encoding="utf-8")
    r = run_minent("score", gold, test)
    assert r.returncode == 1 and r.stdout == b"" and b"line 1" in r.stderr


def test_score_cli_skip_mismatch(tmp_path):
    gold = tmp_path / "gold.txt"
    test = tmp_path / "test.txt"
    gold.write_text("中国 人民\nc 语言\n很 好\n", encoding="utf-8")
    test.write_text("中国 人民\nｃ语言\n很 坏\n", encoding="utf-8")  # line 2: NFKC-equal; line 3: differs
    r = run_minent("score", gold, test)
    assert r.returncode == 1 and r.stdout == b""
    err = r.stderr.decode()
    assert "line 3" in err and err.rstrip().endswith("--skip-mismatch scores the other lines") and err.count("\n") == 1
    r = run_minent("score", gold, test, "--skip-mismatch", "-f", "json", "-q")
    assert r.returncode == 0
    d = {row["metric"]: row["value"] for row in json.loads(r.stdout)}
    assert (d["gold_words"], d["test_words"], d["correct"]) == (4, 3, 2)
    assert r.stderr.decode().startswith("minent: warning: skipped ") and f"{test}: line 3" in r.stderr.decode()


def test_segment_jobs_same_bytes(tmp_path):
    model = tmp_path / "m.npz"
    r = run_minent("segment", "--train", SAMPLE, "--self-train", "1", "--save", model, "-q", input="")
    assert r.returncode == 0, r.stderr
    outs = []
    for jobs in ("1", "2", "3"):
        r = run_minent("segment", "--load", model, "-j", jobs, SAMPLE)
        assert r.returncode == 0 and f"jobs={jobs}".encode() in r.stderr
        outs.append(r.stdout)
    assert outs[0] == outs[1] == outs[2] and outs[0].count(b"\n") == SAMPLE.read_text(encoding="utf-8").count("\n")


def test_segment_a_very_long_line_in_pieces(tmp_path, sample_lexicon):
    """Issue 18, item 6: from a file or standard input, a line longer than a batch (2^18
    characters) is segmented in pieces cut after punctuation before a Han character: the output
    is the one of the whole line (segmented here, in one piece, as the reference)."""
    from minent.segmentation import load_segmenter
    from tests.support import run_installed

    lex = sample_lexicon[1]
    text = "。".join(line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line)
    line = "。".join([text] * (300_000 // len(text) + 1))
    p = tmp_path / "long.txt"
    p.write_text("短句\n" + line + "\n", encoding="utf-8")
    from_file = run_installed("segment", "--lexicon", lex, p, "-q")
    piped = run_installed("segment", "--lexicon", lex, "-q", input=p.read_bytes())
    assert from_file.returncode == 0 and piped.returncode == 0, from_file.stderr
    assert from_file.stdout.count(b"\n") == 2 and from_file.stderr == b""
    whole = "\n".join(load_segmenter(lex, model="unigram").segment_lines(["短句", line])) + "\n"
    assert from_file.stdout == piped.stdout == whole.encode("utf-8")
    han = tmp_path / "han.txt"
    han.write_text("中华人民共和国" * 40_000 + "\n", encoding="utf-8")  # 280,000 characters, no cut
    r = run_installed("segment", "--lexicon", lex, han)
    assert r.returncode == 0 and r.stdout.decode("utf-8").replace(" ", "") == "中华人民共和国" * 40_000 + "\n"
    warnings = [x for x in r.stderr.decode("utf-8").splitlines() if "warning" in x]
    assert len(warnings) == 1 and "cut every 262,144 characters" in warnings[0]
    assert "han.txt: line 1: 262,144 characters in a row" in warnings[0], r.stderr
    # from standard input too (batches end when the input stalls): never held whole
    piped = run_installed("segment", "--lexicon", lex, input=b"\xe7\x9f\xad\n" + han.read_bytes())
    assert piped.returncode == 0 and piped.stdout == "短\n".encode() + r.stdout
    warnings = [x for x in piped.stderr.decode("utf-8").splitlines() if "warning" in x]
    assert len(warnings) == 1 and "<stdin>: line 2: 262,144 characters in a row" in warnings[0], piped.stderr
