"""`minent wordgraph`: k-NN cosine graphs from .vec files, against a brute-force reference."""

from __future__ import annotations

import numpy as np
import pytest

from tests.support import run_minent
from minent.errors import DataError
from minent.graph.wordgraph import knn_graph
from minent.io.vectors import read_vectors


def brute_force(words, x, k, min_sim):
    x = np.asarray(x, dtype=np.float64)
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    sims = unit @ unit.T
    out = []
    for i in range(len(words)):
        cand = sorted(((-sims[i, j], j) for j in range(len(words)) if j != i))[:k]
        out += [(words[i], words[j], -s) for s, j in cand if -s >= min_sim]
    return out


@pytest.mark.parametrize("k,min_sim,block", [(3, 0.0, 7), (5, 0.3, 1024), (50, -1.0, 4)])
def test_knn_matches_brute_force(k, min_sim, block):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6)).astype(np.float32)
    words = [f"w{i}" for i in range(40)]
    got = list(knn_graph(words, x, k=k, min_sim=min_sim, block=block))
    want = brute_force(words, x, k, min_sim)
    assert [(a, b) for a, b, _ in got] == [(a, b) for a, b, _ in want]
    np.testing.assert_allclose([s for *_, s in got], [s for *_, s in want], atol=2e-6)


def test_knn_is_scale_free_for_huge_and_tiny_vectors():
    # float32 squares of 1e20 overflow and of 1e-25 underflow: cosines came out 0.0 and links
    # vanished, silently; per-row power-of-two scaling gives the ordinary vectors' links exactly
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 5)).astype(np.float32)
    words = [f"w{i}" for i in range(30)]
    want = list(knn_graph(words, x, k=4, min_sim=-1.0))
    scales = np.where(np.arange(30) % 3 == 0, 1e20, np.where(np.arange(30) % 3 == 1, 1e-25, 1.0))
    got = list(knn_graph(words, (x * scales[:, None]).astype(np.float32), k=4, min_sim=-1.0))
    assert [(a, b) for a, b, _ in got] == [(a, b) for a, b, _ in want]
    np.testing.assert_allclose([s for *_, s in got], [s for *_, s in want], atol=2e-6)


def test_read_vectors_beyond_float32_is_one_message(tmp_path):
    p = tmp_path / "v.vec"
    p.write_text("a 1e39 0\nb 1 1\n", encoding="utf-8")
    r = run_minent("wordgraph", p)
    assert r.returncode == 1 and r.stdout == b""
    assert r.stderr.decode().splitlines() == [f"minent: error: {p}:1: a vector value is not finite "
                                              "(or beyond float32's 3.4e38)"]


def test_read_vectors_header_vocab_and_errors(tmp_path):
    p = tmp_path / "v.vec"
    p.write_text("3 2\n的 1 0\n天气 0.5 0.5\n𠀀 0 1\n", encoding="utf-8")
    words, x = read_vectors(p, vocab=2)
    assert words == ["的", "天气"] and x.shape == (2, 2)
    p.write_text("a 1 0\nb 1\n")
    with pytest.raises(DataError, match=r"v.vec:2: expected 2 values"):
        read_vectors(p)
    p.write_text("a 1 0\nb 1 x\n")
    with pytest.raises(DataError, match=r"v.vec:2: .*not a number"):
        read_vectors(p)


def test_cli_pipeline_into_infomap(tmp_path):
    # two tight groups of directions in 8 dimensions
    rng = np.random.default_rng(1)
    centres = np.eye(8)[:2]
    lines = ["20 8"]
    for i in range(20):
        v = centres[i % 2] + 0.05 * rng.normal(size=8)
        lines.append(f"w{i} " + " ".join(f"{c:.5f}" for c in v))
    p = tmp_path / "v.vec"
    p.write_text("\n".join(lines) + "\n")
    r = run_minent("wordgraph", p, "--k", "5", "--min-sim", "0.8")
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.decode().splitlines()]
    assert len(rows) == 100 and all(float(w) >= 0.8 for _, _, w in rows)
    assert b"20 words, 100 links" in r.stderr
    r2 = run_minent("infomap", "-", "--directed", "-q", input=r.stdout)
    modules = {n: m for n, m, _ in (line.split("\t") for line in r2.stdout.decode().splitlines())}
    assert len(set(modules.values())) == 2
    assert all(modules[f"w{i}"] == modules[f"w{i % 2}"] for i in range(20))


@pytest.mark.parametrize("text, message", [
    ("3 2\na 1 0\nb 0 1\n", r"v.vec:3: the file ends after 2 rows; the header \(line 1\) announces 3"),
    ("3 2\n", r"v.vec:1: the file ends after 0 rows; the header \(line 1\) announces 3"),
    ("1 2\na 1 0\nb 0 1\n", r"v.vec:3: more rows than the 1 the header \(line 1\) announces"),
])
def test_read_vectors_row_count_must_match_the_header(tmp_path, text, message):
    # a cut-short file (header 3, two rows) was read silently
    p = tmp_path / "v.vec"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_vectors(p, vocab=None)


def test_read_vectors_header_checked_only_as_far_as_vocab_reads(tmp_path):
    # --vocab stops reading early (a 2M-word fastText file): the rest is not read to count it
    p = tmp_path / "v.vec"
    p.write_text("5 2\na 1 0\nb 0 1\nc 1 1\n", encoding="utf-8")
    words, _ = read_vectors(p, vocab=2)
    assert words == ["a", "b"]
    with pytest.raises(DataError, match="ends after 3 rows"):
        read_vectors(p, vocab=3)  # reading reaches the end of the file


def test_cli_header_mismatch_is_a_one_line_data_error(tmp_path):
    p = tmp_path / "v.vec"
    p.write_text("4 2\na 1 0\nb 0 1\n", encoding="utf-8")
    r = run_minent("wordgraph", p)
    assert r.returncode == 1 and r.stdout == b""
    assert r.stderr.decode().splitlines() == [
        f"minent: error: {p}:3: the file ends after 2 rows; the header (line 1) announces 4"]


def test_read_vectors_duplicate_words_keep_the_first_row_with_a_warning(tmp_path):
    # as gensim's load_word2vec_format: two nodes named alike reached infomap as one, silently
    import logging

    p = tmp_path / "v.vec"
    p.write_text("4 2\n的 1 0\n天 0 1\n的 0 1\n天 1 1\n", encoding="utf-8")
    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # on the logger itself: the CLI may have turned propagation off
    logging.getLogger("minent").addHandler(handler)
    try:
        words, x = read_vectors(p, vocab=None)
    finally:
        logging.getLogger("minent").removeHandler(handler)
    assert words == ["的", "天"]
    np.testing.assert_array_equal(x, [[1, 0], [0, 1]])
    [record] = records
    assert "2 duplicate word(s)" in record.getMessage() and "'的' at lines 2 and 4" in record.getMessage()
    # --vocab counts distinct words
    assert read_vectors(p, vocab=2)[0] == ["的", "天"]
    r = run_minent("wordgraph", p, "--min-sim", "-1")
    assert r.returncode == 0
    assert r.stdout.decode().splitlines() == ["的\t天\t0.0", "天\t的\t0.0"]
    assert "duplicate word(s) ignored" in r.stderr.decode()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_wordgraph_obeys_a_utf16_or_utf32_byte_order_mark(tmp_path, encoding):
    text = "3 2\n的 1 0\n天气 0.9 0.1\n𠀀 0 1\n"
    plain, p = tmp_path / "plain.vec", tmp_path / "v.vec"
    plain.write_text(text, encoding="utf-8")
    data = text.encode(encoding)
    p.write_bytes(b"\xfe\xff" + data if encoding == "utf-16-be" else data)
    (words, x), (words_plain, x_plain) = read_vectors(p), read_vectors(plain)
    assert words == words_plain == ["的", "天气", "𠀀"] and np.array_equal(x, x_plain)
    r = run_minent("wordgraph", p, "--min-sim", "0")
    assert r.returncode == 0, r.stderr
    assert r.stdout == run_minent("wordgraph", plain, "--min-sim", "0").stdout != b""
    piped = run_minent("wordgraph", "-", "--min-sim", "0", input=p.read_bytes())
    assert piped.returncode == 0 and piped.stdout == r.stdout, piped.stderr
