"""The stream contract of the command line: stdout purity, exit codes, | head, Ctrl-C, --output."""

import json
import os
import signal
import subprocess
import sys
import time

import jieba
import pytest

from tests.support import ROOT, SAMPLE, run_minent


def test_help_lists_commands_and_version():
    r = run_minent("--help")
    assert r.returncode == 0
    assert b"count" in r.stdout
    r = run_minent("--version")
    assert r.returncode == 0 and r.stdout.startswith(b"minent ")


def test_help_does_not_import_numba_or_jieba():
    code = "import sys; from minent.cli import app; print(sorted(m for m in ('numba', 'jieba', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_stdout_has_only_data_and_stderr_the_summary():
    r = run_minent("count", SAMPLE, "-j", "2")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode("utf-8").splitlines()
    assert lines and all(len(l.split("\t")) == 2 and l.split("\t")[1].isdigit() for l in lines)
    counts = [int(l.split("\t")[1]) for l in lines]
    assert counts == sorted(counts, reverse=True)
    assert r.stderr.decode().startswith("minent: count:")
    assert run_minent("count", SAMPLE, "-q").stderr == b""


def test_stdin_dash_and_no_argument_are_the_same():
    data = "我们在北京大学学习。\n".encode() * 3
    a = run_minent("count", "-", "-j", "1", input=data)
    b = run_minent("count", "-j", "1", input=data)
    assert a.returncode == b.returncode == 0 and a.stdout == b.stdout == "。\t3\n北京大学\t3\n在\t3\n学习\t3\n我们\t3\n".encode()


def test_formats():
    r = run_minent("count", SAMPLE, "-f", "json", "--top", "5", "-q")
    rows = json.loads(r.stdout)
    assert len(rows) == 5 and set(rows[0]) == {"word", "count"}
    r = run_minent("count", SAMPLE, "-f", "jsonl", "--top", "3", "-q")
    assert [json.loads(l)["count"] for l in r.stdout.splitlines()] == [row["count"] for row in rows[:3]]
    assert "\\u" not in r.stdout.decode()
    r = run_minent("count", SAMPLE, "-f", "tsv", "--header", "--top", "1", "-q")
    assert r.stdout.decode().splitlines()[0] == "word\tcount"


def test_jieba_format_loads_into_jieba(tmp_path):
    out = tmp_path / "user.txt"
    r = run_minent("count", SAMPLE, "-f", "jieba", "--drop-punct", "--min-length", "2", "-o", out, "-q")
    assert r.returncode == 0 and r.stdout == b""
    tk = jieba.Tokenizer()
    tk.load_userdict(str(out))
    first = out.read_text(encoding="utf-8").splitlines()[0].split(" ")
    assert tk.FREQ[first[0]] == int(first[1])


def test_exit_codes_and_messages(tmp_path):
    r = run_minent("count", tmp_path / "missing.txt")
    assert r.returncode == 2 and b"missing.txt: no such file" in r.stderr and r.stdout == b""
    r = run_minent("count", SAMPLE, "--min-count", "0")
    assert r.returncode == 2
    r = run_minent("count", SAMPLE, "--format", "xml")
    assert r.returncode == 2
    bad = tmp_path / "bad.txt"
    bad.write_bytes("好\n".encode() + b"\xc3\x28\n")
    r = run_minent("count", bad)
    assert r.returncode == 1
    assert r.stderr.decode().strip() == (
        f"minent: error: {bad}: line 2, byte 4: invalid utf-8 data (invalid continuation byte); "
        "try --encoding auto/gb18030/big5 or --errors replace"
    )
    for r in (run_minent("count", bad), run_minent("count", tmp_path / "missing.txt")):
        assert b"Traceback" not in r.stderr


def test_auto_encoding_reported(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes("中文测试，简体文字。\n".encode("gb18030") * 20)
    r = run_minent("count", p, "--encoding", "auto", "-j", "1")
    assert r.returncode == 0 and f"{p}: encoding detected as gb18030".encode() in r.stderr
    assert "中文\t20".encode() in r.stdout


def test_output_is_atomic(tmp_path):
    out = tmp_path / "freq.tsv"
    out.write_text("previous\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok\n\xff\n")
    r = run_minent("count", bad, "-o", out)
    assert r.returncode == 1 and out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt", "freq.tsv"]
    r = run_minent("count", SAMPLE, "-o", out, "-q")
    assert r.returncode == 0 and r.stdout == b"" and out.read_text(encoding="utf-8").count("\n") > 100


def test_pipe_into_head_exits_quietly(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(SAMPLE.read_text(encoding="utf-8") * 3, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = f"set -o pipefail; {sys.executable} -m minent count {big} -j 2 | head -3"
    r = subprocess.run(["bash", "-c", cmd], capture_output=True, env=env, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == 3
    assert b"Traceback" not in r.stderr and b"Broken pipe" not in r.stderr


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(c) for c in fh.read().split()]
    except OSError:
        return []


def test_ctrl_c_stops_all_workers():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # stdin stays open, so the workers are waiting for more input when the interrupt comes.
    proc = subprocess.Popen(
        [sys.executable, "-m", "minent", "count", "-", "-j", "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        start_new_session=True,
        # as from a terminal: a shell's background job starts with SIGINT ignored, and Python
        # then installs no KeyboardInterrupt handler at all
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    proc.stdin.write(SAMPLE.read_bytes() * 20)
    proc.stdin.flush()
    # Interrupt once the worker pool is up (on a loaded machine start-up can take seconds).
    deadline = time.time() + 120
    while not _children(proc.pid) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert _children(proc.pid), "the worker pool never started"
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
    try:  # stdin still open: the job cannot end by running out of input
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("minent count -j 2 went on after Ctrl-C") from None
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.stdin.close()
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and b"interrupted" in err
    deadline = time.time() + 10
    while _group_alive(proc.pid) and time.time() < deadline:
        time.sleep(0.1)
    assert not _group_alive(proc.pid), "worker processes survived Ctrl-C"


def test_progress_bar_goes_to_a_terminal_stderr_only(tmp_path):
    """With stderr on a terminal a progress bar is drawn there; stdout still holds only data."""
    import pty

    big = tmp_path / "big.txt"
    big.write_text(SAMPLE.read_text(encoding="utf-8") * 4, encoding="utf-8")
    master, slave = os.openpty() if hasattr(os, "openpty") else pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100", TERM="xterm")
    proc = subprocess.Popen(
        [sys.executable, "-m", "minent", "count", str(big), "-j", "1"],
        stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env, cwd=ROOT,
    )
    os.close(slave)
    out = proc.stdout.read()
    proc.wait(timeout=120)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.returncode == 0
    assert "━".encode() in seen and b"minent: count:" in seen  # rich's bar, then the summary
    lines = out.decode("utf-8").splitlines()
    assert lines and all(len(l.split("\t")) == 2 for l in lines)
    quiet = run_minent("count", big, "-j", "1", "-q")
    assert quiet.stdout == out
    piped = run_minent("count", big, "-j", "1")  # stderr is a pipe here: no bar
    assert "━".encode() not in piped.stderr and piped.stdout == out


def test_program_exit_skips_teardown_but_not_atexit(monkeypatch):
    """As a program, main() ends with os._exit after flushing and running the atexit handlers
    (multiprocessing workers, temporary files, logging); as a function it raises SystemExit."""
    import atexit
    import os

    from minent import cli

    calls = []
    monkeypatch.setattr(atexit, "_run_exitfuncs", lambda: calls.append("atexit"))

    def fake_exit(code):
        calls.append(("exit", code))
        raise SystemExit(code)

    monkeypatch.setattr(os, "_exit", fake_exit)
    with pytest.raises(SystemExit):
        cli._finish(3, fast=True)
    assert calls == ["atexit", ("exit", 3)]
    calls.clear()
    with pytest.raises(SystemExit) as e:
        cli._finish(2, fast=False)
    assert e.value.code == 2 and calls == []


def test_every_parameter_has_help_and_no_default_shows_blank():
    # `tokenize --help` showed "[default:  ]" for --sep (a space)
    import typer
    from typer.main import get_command

    from minent.cli import app

    for name, command in get_command(app).commands.items():
        for param in command.params:
            assert getattr(param, "help", None), f"minent {name}: {param.name} has no help"
        text = command.get_help(typer.Context(command, info_name=name))
        assert "default:  ]" not in text and "[default: ]" not in text, f"minent {name}"
