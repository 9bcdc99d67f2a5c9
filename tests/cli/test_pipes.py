"""Named pipes, process substitution `<(...)` and /dev/stdin are inputs like any other (read once,
as streams; never peeked at by a second open): the output equals that of the same file."""

from __future__ import annotations

import os
import shlex
import subprocess
import threading

import pytest

from minent.io.sources import is_stream
from tests.support import ROOT, SAMPLE, minent_command

PAIRS = ROOT / "data" / "pairs.tsv"


def bash(command: str) -> subprocess.CompletedProcess:
    """Run *command* with `minent` meaning the installed command (bash: for `<(...)`)."""
    exe = " ".join(shlex.quote(a) for a in minent_command())
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(["bash", "-c", f"minent() {{ {exe} \"$@\"; }}; set -o pipefail; {command}"],
                          capture_output=True, cwd=ROOT, env=env, timeout=600)


@pytest.mark.parametrize("command", ["count", "newwords", "tokenize", "lexicon", "dim"])
def test_process_substitution_reads_like_the_file(command):
    piped = bash(f"minent {command} <(cat {SAMPLE}) -q")
    assert piped.returncode == 0 and b"Traceback" not in piped.stderr, piped.stderr
    direct = bash(f"minent {command} {SAMPLE} -q")
    assert direct.returncode == 0, direct.stderr
    assert piped.stdout == direct.stdout


def test_compressed_pipe_with_workers_and_dev_stdin():
    plain = bash(f"minent count {SAMPLE} -q").stdout
    assert bash(f"minent count <(gzip -c {SAMPLE}) -j 2 -q").stdout == plain
    assert bash(f"minent count /dev/stdin -q < {SAMPLE}").stdout == plain


def test_named_pipe(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as fh:
            fh.write(SAMPLE.read_bytes())

    threading.Thread(target=feed, daemon=True).start()
    r = bash(f"minent count {fifo} -q")
    assert r.returncode == 0, r.stderr
    assert r.stdout == bash(f"minent count {SAMPLE} -q").stdout


def test_hsic_reads_a_pipe():
    r = bash(f"minent hsic <(cat {PAIRS}) --digits 8 -q")
    assert r.returncode == 0, r.stderr
    assert r.stdout == bash(f"minent hsic {PAIRS} --digits 8 -q").stdout


def test_segment_train_and_score_from_pipes(tmp_path):
    small = tmp_path / "small.txt"
    small.write_text("".join(SAMPLE.read_text(encoding="utf-8").splitlines(True)[:120]), encoding="utf-8")
    seg = f"minent segment --model unigram -q < {small}"
    from_file = bash(f"{seg} --train {small}")
    from_pipe = bash(f"{seg} --train <(cat {small})")
    assert from_pipe.returncode == 0 and from_pipe.stdout == from_file.stdout, from_pipe.stderr
    gold = tmp_path / "gold.txt"
    gold.write_bytes(from_file.stdout)
    r = bash(f"minent score {gold} <({seg} --train {small}) -q")
    assert r.returncode == 0, r.stderr
    assert b"f1\t1.0" in r.stdout


def test_is_stream(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("x")
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    assert is_stream("-") and is_stream(fifo) and not is_stream(f) and not is_stream(tmp_path / "missing")


def _answers_before_the_input_ends(args: list[str], line: str, expected: str, tmp_path) -> None:
    """Write one line into minent's stdin and keep the pipe open: its output must come at once
    (the batch ends when the input stalls), not when 1 MiB has arrived or the pipe is closed."""
    import select
    import time

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as for a user
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.Popen([*minent_command(), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    try:
        proc.stdin.write(line.encode())
        proc.stdin.flush()
        got = b""
        deadline = time.time() + 120
        while not got.endswith(b"\n") and time.time() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                got += chunk
        assert proc.poll() is None, proc.stderr.read()
        assert got.decode() == expected
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)


def test_tokenize_answers_a_slow_pipe_line_by_line(tmp_path):
    _answers_before_the_input_ends(["tokenize", "-q"], "我来到北京清华大学\n", "我 来到 北京 清华大学\n", tmp_path)


def test_segment_answers_a_slow_pipe_line_by_line(tmp_path):
    lexicon = tmp_path / "lex.tsv"
    lexicon.write_text("北京\t10\t-1.0\n清华大学\t5\t-2.0\n来到\t8\t-1.5\n我\t20\t-0.5\n", encoding="utf-8")
    _answers_before_the_input_ends(["segment", "--lexicon", str(lexicon), "-q"], "我来到北京清华大学\n",
                                   "我 来到 北京 清华大学\n", tmp_path)


def test_stall_batches_equal_plain_batches_on_a_file_pipe():
    plain = bash(f"minent tokenize {SAMPLE} -q").stdout
    assert bash(f"cat {SAMPLE} | minent tokenize -q").stdout == plain
    assert bash(f"cat {SAMPLE} | minent tokenize - -q").stdout == plain
