"""Table writers and atomic output."""

import io
import json
import os
import stat

import pytest

from minent.errors import UsageError
from minent.io.tables import atomic_output, format_float, write_table

ROWS = [("中文", 3, 0.5), ("a\tb", 1, float("inf"))]


def test_tsv_json_jsonl():
    buf = io.StringIO()
    write_table(ROWS, ("word", "count", "score"), "tsv", buf)
    assert buf.getvalue() == "中文\t3\t0.5\na b\t1\tinf\n"
    buf = io.StringIO()
    write_table(ROWS, ("word", "count", "score"), "tsv", buf, header=True)
    assert buf.getvalue().splitlines()[0] == "word\tcount\tscore"
    buf = io.StringIO()
    write_table(ROWS, ("word", "count", "score"), "jsonl", buf)
    assert buf.getvalue().splitlines()[0] == '{"word": "中文", "count": 3, "score": 0.5}'
    buf = io.StringIO()
    write_table(ROWS, ("word", "count", "score"), "json", buf)
    assert json.loads(buf.getvalue())[1] == {"word": "a\tb", "count": 1, "score": None}
    buf = io.StringIO()
    write_table([], ("w",), "json", buf)
    assert json.loads(buf.getvalue()) == []


def test_format_float_round_trips():
    for x in (0.1, 1e-300, 123456.789, -2.5, 3.0):
        assert float(format_float(x)) == x
    assert format_float(float("nan")) == "nan" and format_float(float("-inf")) == "-inf"


def test_atomic_output_keeps_old_file_on_error(tmp_path):
    target = tmp_path / "out.tsv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.tsv"]
    with atomic_output(target) as fh:
        fh.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n"


def test_atomic_output_file_gets_the_usual_mode(tmp_path):
    # mkstemp makes 0600 files: the output must be readable like one written by open() (umask),
    # and a replaced file keeps its own mode
    target = tmp_path / "out.tsv"
    umask = os.umask(0o022)
    try:
        with atomic_output(target) as fh:
            fh.write("x\n")
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        target.chmod(0o640)
        with atomic_output(target) as fh:
            fh.write("y\n")
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    finally:
        os.umask(umask)


def test_atomic_output_errors_name_the_target(tmp_path):
    for target in (tmp_path / "missing" / "out.tsv", tmp_path):
        with pytest.raises(UsageError) as e:
            with atomic_output(target) as fh:
                fh.write("x\n")
        assert str(e.value).startswith(f"{target}: ") and ".tmp" not in str(e.value)
    assert [p.name for p in tmp_path.iterdir()] == []


def test_atomic_output_writes_a_named_pipe_in_place(tmp_path):
    # -o /dev/null or a named pipe must be written, never replaced by a renamed plain file (as
    # root, a rename over /dev/null replaces the device for the whole machine).
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    with atomic_output(fifo) as fh:
        fh.write("词\t1\n")
    reader.join(timeout=30)
    assert got == ["词\t1\n".encode()]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert not list(tmp_path.glob(".pipe.*"))


def test_installed_command_writes_output_to_a_named_pipe(tmp_path):
    import subprocess

    from tests.support import SAMPLE, run_installed

    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    r = run_installed("count", SAMPLE, "-o", fifo, "-q")
    out, _ = reader.communicate(timeout=60)
    assert r.returncode == 0, r.stderr
    assert out.decode("utf-8").splitlines()[0].split("\t")[1].isdigit()
    assert stat.S_ISFIFO(fifo.stat().st_mode)
