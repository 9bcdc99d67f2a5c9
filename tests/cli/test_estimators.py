"""minent hsic / dim / entropy on the command line, and the numeric matrix reader behind them."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from tests.support import SAMPLE, run_minent
from minent.errors import DataError, UsageError
from minent.io.matrix import read_matrix, read_pair


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("est")
    rng = np.random.default_rng(0)
    x = rng.normal(size=300)
    y = x + 0.1 * rng.normal(size=300)
    np.savetxt(d / "xy.tsv", np.c_[x, y], delimiter="\t", header="x\ty", comments="")
    np.savetxt(d / "xy.csv", np.c_[x, y], delimiter=",")
    np.save(d / "x.npy", x)
    np.save(d / "y.npy", y)
    np.savetxt(d / "y_short.tsv", y[:-1])
    return d, x, y


# ----------------------------------------------------------------------------- reader


def test_reader_formats_agree(files):
    d, x, y = files
    a = read_matrix(str(d / "xy.tsv"))
    b = read_matrix(str(d / "xy.csv"))
    assert a.header and a.columns == ["x", "y"] and not b.header
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(read_matrix(str(d / "x.npy")).data[:, 0], x)
    ws = d / "ws.txt"
    ws.write_text("# comment\n1 2\n\n3   4\n")
    np.testing.assert_array_equal(read_matrix(str(ws)).data, [[1, 2], [3, 4]])


@pytest.mark.parametrize(
    "text, message",
    [
        ("a\tb\n1\t2\n3\tx7\n", r"bad.tsv: line 3, column 2 \('b'\): 'x7' is not a number"),
        ("1\t2\n\n3\tnan\n", r"bad.tsv: line 3, column 2: nan is not a finite number"),
        ("1\t2\n3\t-inf\n", r"line 2, column 2: -inf is not a finite number"),
        ("1\t2\n3\t4\t5\n", r"bad.tsv: line 2 has 3 cells, expected 2"),
        ("a\tb\n", r"no data rows after the header"),
        ("", r"no data rows"),
        # float() reads these but numpy does not: the message still names the cell
        ("1\t2\n3\t1_000\n", r"bad.tsv: line 2, column 2: '1_000' is not a number"),
        ("1\t2\n３\t4\n", r"bad.tsv: line 2, column 1: '３' is not a number"),
    ],
)
def test_reader_errors_name_file_line_column(tmp_path, text, message):
    p = tmp_path / "bad.tsv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_matrix(str(p))


@pytest.mark.parametrize("name, text, columns, data", [
    # a header cell with a comma inside quotes was split in two: "3 cells, expected 2"
    ("q.csv", '"x, first",y\n1,2\n3,"4"\n', ["x, first", "y"], [[1, 2], [3, 4]]),
    ("q.csv", 'a, "b ""c"", d"\n 1, 2\n', ["a", 'b "c", d'], [[1, 2]]),
    # quoted cells in TSV (pandas, spreadsheets) were "could not read the numeric table"
    ("q.tsv", 'a\t"b"\n"1"\t2\n', ["a", "b"], [[1, 2]]),
])
def test_reader_follows_csv_quoting(tmp_path, name, text, columns, data):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    m = read_matrix(str(p))
    assert m.header and m.columns == columns
    np.testing.assert_array_equal(m.data, data)


def test_reader_names_a_quoted_cell_that_is_not_a_number(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text('x,y\n1,2\n"1,5",3\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.csv: line 3, column 1 \('x'\): '1,5' is not a number"):
        read_matrix(str(p))


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_reader_obeys_a_byte_order_mark(tmp_path, codec):
    # spreadsheets save "Unicode text" as UTF-16 with a BOM: it was "not UTF-8 text"
    import codecs

    bom = {"utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    p = tmp_path / "u.tsv"
    p.write_bytes(bom + "长度\t频率\n1\t2\n3\t4\n".encode(codec))
    m = read_matrix(str(p))
    assert m.columns == ["长度", "频率"]
    np.testing.assert_array_equal(m.data, [[1, 2], [3, 4]])


def test_reader_invalid_utf16_names_the_line(tmp_path):
    p = tmp_path / "u.tsv"
    p.write_bytes("a\tb\n1\t2\n".encode("utf-16") + b"\x00\xd8")
    with pytest.raises(DataError, match=r"u.tsv: line 3: not UTF-16 text"):
        read_matrix(str(p))


def test_read_pair_checks(files, tmp_path):
    d, x, y = files
    with pytest.raises(DataError, match="has 300 rows but .*y_short.tsv has 299"):
        read_pair(str(d / "x.npy"), str(d / "y_short.tsv"))
    const = tmp_path / "c.csv"
    const.write_text("u,v\n1,5\n2,5\n3,5\n")
    with pytest.raises(DataError, match=r"column 2 \('v'\) is constant"):
        read_pair(str(const))
    three = tmp_path / "three.tsv"
    three.write_text("1\t2\t3\n4\t5\t7\n2\t1\t1\n")
    with pytest.raises(UsageError, match="`x_cols`"):
        read_pair(str(three))
    a, b = read_pair(str(three), x_cols="1", y_cols="2-3")
    assert a.data.shape == (3, 1) and b.data.shape == (3, 2)
    with pytest.raises(UsageError, match="outside"):
        read_pair(str(three), x_cols="1", y_cols="4")


# ----------------------------------------------------------------------------- minent hsic


def test_hsic_cli_matches_library_and_formats(files):
    from minent.estimators.hsic import hsic

    d, x, y = files
    want = hsic(x, y)
    r = run_minent("hsic", d / "xy.tsv", "--header")
    assert r.returncode == 0, r.stderr
    head, row = r.stdout.decode().splitlines()
    cells = dict(zip(head.split("\t"), row.split("\t")))
    assert float(cells["statistic"]) == want.statistic and float(cells["pvalue"]) == want.pvalue
    assert cells["n"] == "300" and cells["estimator"] == "biased" and cells["permutations"] == ""
    assert r.stderr.decode().startswith("minent: hsic: n=300")
    # two .npy files, JSON out, the article's settings
    r = run_minent("hsic", d / "x.npy", d / "y.npy", "-f", "json", "-q", "--estimator", "article",
                   "--sigma-x", repr(2**-0.5), "--sigma-y", repr(2**-0.5), "--test", "permutation",
                   "--permutations", "99", "--seed", "3")
    assert r.returncode == 0 and r.stderr == b""
    (obj,) = json.loads(r.stdout)
    assert obj["estimator"] == "article" and obj["permutations"] == 99 and obj["pvalue"] == 0.01
    assert obj["statistic"] == hsic(x, y, estimator="article", sigma_x=2**-0.5, sigma_y=2**-0.5, test="none").statistic


def test_hsic_cli_stdin_and_column_selection(files):
    d, x, y = files
    text = (d / "xy.tsv").read_bytes()
    a = run_minent("hsic", "-q", "--x-cols", "x", "--y-cols", "y", input=text)
    b = run_minent("hsic", d / "xy.tsv", "-q")
    assert a.returncode == 0 and a.stdout == b.stdout


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["bad.tsv"], 1, b"bad.tsv: line 3, column 2: 'oops' is not a number"),
        (["x.npy", "y_short.tsv"], 1, b"has 300 rows but"),
        (["tiny.tsv", "--estimator", "unbiased", "--test", "none"], 2, b"needs at least 4 samples"),
        (["x.npy", "x.npy", "x.npy"], 2, b"one or two input files"),
        (["nope.tsv"], 2, b"nope.tsv: no such file"),
        (["x.npy", "--estimator", "fancy"], 2, b"fancy"),
    ],
)
def test_hsic_cli_bad_input(files, args, code, message):
    d, _, _ = files
    (d / "bad.tsv").write_text("1\t2\n3\t4\n5\toops\n")
    (d / "tiny.tsv").write_text("1\t2\n2\t1\n3\t5\n")
    r = run_minent("hsic", *args, cwd=d)
    assert r.returncode == code and r.stdout == b""
    assert message in r.stderr and b"Traceback" not in r.stderr


# ----------------------------------------------------------------------------- minent dim / entropy


def test_dim_cli():
    r = run_minent("dim", "--vocab-size", "100000")
    assert r.returncode == 0 and r.stdout.decode().split("\t")[:3] == ["100000", "96", "96"]
    r = run_minent("dim", "--table", "-f", "jsonl")
    rows = [json.loads(l) for l in r.stdout.splitlines()]
    assert {row["n"]: round(row["h_n"], 4) for row in rows}[128] == -30.8718
    assert run_minent("dim").returncode == 2
    assert run_minent("dim", "-N", "10", SAMPLE).returncode == 2


def test_dim_counts_a_corpus_and_reads_a_vocabulary(tmp_path):
    counted = run_minent("count", SAMPLE, "--drop-punct", "-q", "-j", "1")
    n_words = len(counted.stdout.splitlines())
    r = run_minent("dim", SAMPLE, "-j", "1")
    assert r.returncode == 0, r.stderr
    assert int(r.stdout.decode().split("\t")[0]) == n_words
    assert f"{n_words} distinct words".encode() in r.stderr
    vocab = tmp_path / "vocab.tsv"
    vocab.write_bytes(counted.stdout)
    assert run_minent("dim", "--vocab", vocab, "-q").stdout == r.stdout


def test_entropy_cli(files, tmp_path):
    from minent.estimators.knn import knn_entropy

    d, x, y = files
    r = run_minent("entropy", d / "xy.tsv", "--unit", "bits", "-k", "2")
    assert r.returncode == 0, r.stderr
    cells = r.stdout.decode().rstrip("\n").split("\t")
    assert float(cells[0]) == knn_entropy(np.c_[x, y], k=2, unit="bits").entropy
    assert cells[1:] == ["bits", "300", "2", "2", "0"]
    one = run_minent("entropy", "--cols", "x", "-q", input=(d / "xy.tsv").read_bytes())
    assert float(one.stdout.split(b"\t")[0]) == pytest.approx(knn_entropy(x).entropy)
    dup = tmp_path / "dup.tsv"
    dup.write_text("".join(f"{v}\n" for v in np.r_[x, x[:3]]))
    r = run_minent("entropy", dup)
    assert r.returncode == 0 and math.isfinite(float(r.stdout.split(b"\t")[0]))
    assert b"3 of 303 samples repeat another" in r.stderr
    const = tmp_path / "const.tsv"
    const.write_text("1\t0\n2\t0\n3\t0\n4\t0\n5\t0\n")
    r = run_minent("entropy", const)
    assert r.returncode == 1 and b"column 2 is constant" in r.stderr and r.stdout == b""


def test_dim_on_a_vocabulary_too_small_is_a_data_error(tmp_path):
    # the file is at fault, not the call: exit 1 naming it (was exit 2, no name)
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    for args, name in ((["--vocab", empty], str(empty)), ([empty, "-j", "1"], str(empty)),
                       (["--vocab", "-"], "<stdin>")):
        r = run_minent("dim", *args, "-q", input="one\n")
        assert r.returncode == 1 and r.stdout == b""
        assert r.stderr.decode().startswith(f"minent: error: {name}: the vocabulary has ")
