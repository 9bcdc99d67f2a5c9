"""`minent tokenize` and `minent count --tokenizer fast` on the command line."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support import ROOT, SAMPLE, run_minent

jieba = pytest.importorskip("jieba")
jieba.setLogLevel(logging.WARNING)

USER_DICT = ROOT / "tests" / "data" / "jieba_userdict.txt"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    env = {"MINENT_CACHE_DIR": str(tmp_path_factory.mktemp("minent-cache"))}
    # the first run compiles the dictionary into the cache, silently
    first = run_minent("tokenize", input="中文\n", env=env)
    assert first.returncode == 0 and first.stdout == "中文\n".encode() and first.stderr == b""
    assert list(Path(env["MINENT_CACHE_DIR"]).glob("jieba-*/format"))
    return env


def sample_lines():
    return SAMPLE.read_text(encoding="utf-8").splitlines()


def test_tokenize_sample_equals_jieba_cut(env):
    r = run_minent("tokenize", SAMPLE, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stderr == b""
    want = "".join(" ".join(jieba.cut(line)) + "\n" for line in sample_lines())
    assert r.stdout.decode("utf-8") == want


@pytest.mark.parametrize("opts", [["--mode", "search"], ["--mode", "all"], ["--no-hmm"]])
def test_tokenize_modes_equal_jieba_backend(env, opts):
    fast = run_minent("tokenize", SAMPLE, *opts, env=env)
    slow = run_minent("tokenize", SAMPLE, "--tokenizer", "jieba", *opts, env=env)
    assert fast.returncode == slow.returncode == 0, fast.stderr + slow.stderr
    assert fast.stdout == slow.stdout and fast.stdout.count(b"\n") == len(sample_lines())


def test_tokenize_stdin_user_dict_and_separator(env):
    text = "石墨烯和云计算在台中\n\n韩玉赏鉴 江大桥\n"
    r = run_minent("tokenize", "-", "--user-dict", USER_DICT, "--sep", "/", input=text, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == "石墨烯/和/云计算/在/台/中\n\n韩玉赏鉴/ /江大桥\n"


def test_tokenize_bad_usage_and_bad_data(env, tmp_path):
    r = run_minent("tokenize", SAMPLE, "--sep", "ab", env=env)
    assert r.returncode == 2 and r.stdout == b"" and b"separator" in r.stderr
    r = run_minent("tokenize", SAMPLE, "--dict", tmp_path / "none.txt", env=env)
    assert r.returncode == 2 and r.stdout == b""
    bad = tmp_path / "bad.txt"
    bad.write_text("北京 10\n大学\n", encoding="utf-8")
    r = run_minent("tokenize", SAMPLE, "--dict", bad, env=env)
    assert r.returncode == 1 and r.stdout == b""
    assert r.stderr.decode().startswith("minent: error:") and len(r.stderr.splitlines()) == 1
    assert "bad.txt: line 2: invalid dictionary entry '大学'" in r.stderr.decode()


def test_tokenize_output_file_and_head(env, tmp_path):
    out = tmp_path / "tok.txt"
    r = run_minent("tokenize", SAMPLE, "-o", out, env=env)
    assert r.returncode == 0 and r.stdout == b""
    assert out.read_text(encoding="utf-8").count("\n") == len(sample_lines())
    # | head closes the pipe early: quiet exit
    cmd = f"{sys.executable} -m minent tokenize {SAMPLE} {SAMPLE} {SAMPLE} | head -1"
    p = subprocess.run(cmd, shell=True, capture_output=True, cwd=ROOT,
                       env={**__import__("os").environ, "PYTHONPATH": str(ROOT), **env})
    assert p.returncode == 0 and p.stderr == b"" and p.stdout.count(b"\n") == 1


def test_count_fast_equals_jieba(env):
    for opts in ([], ["--user-dict", USER_DICT, "--mode", "search"]):
        fast = run_minent("count", SAMPLE, "--tokenizer", "fast", "-j", "2", *opts, env=env)
        slow = run_minent("count", SAMPLE, "--tokenizer", "jieba", "-j", "1", *opts, env=env)
        assert fast.returncode == slow.returncode == 0, fast.stderr + slow.stderr
        assert fast.stdout == slow.stdout and len(fast.stdout) > 1000


def test_a_very_long_line_is_tokenised_and_counted_in_pieces(env, tmp_path):
    """Issue 18, item 6: a line longer than a batch (2^18 characters for tokenize, 10^6 for
    count) is processed in pieces cut between jieba's blocks: the same output as the whole line,
    and, where no such place exists for a batch's length, one warning on stderr."""
    from minent.words.tokenize import cut
    from tests.support import run_installed

    lines = [line for line in sample_lines() if line]
    text = "。".join(lines)
    line = "。".join([text] * (1_100_000 // len(text) + 1))  # > 10^6 characters
    p = tmp_path / "long.txt"
    p.write_text("短句\n" + line + "\n", encoding="utf-8")
    r = run_installed("tokenize", p, env=env)
    assert r.returncode == 0 and r.stderr == b""
    want = "短句\n" + " ".join(cut(text)) + " 。 "
    out = r.stdout.decode("utf-8")
    assert out.count("\n") == 2 and out.startswith(want[:200])
    assert out == "短句\n" + " ".join(cut(line)) + "\n"
    piped = run_installed("tokenize", input=p.read_bytes(), env=env)  # a pipe: batches end when it stalls
    assert piped.returncode == 0 and piped.stdout == r.stdout

    lined = tmp_path / "lined.txt"
    lined.write_text("短句\n" + line.replace("。", "。\n") + "\n", encoding="utf-8")
    counts = run_installed("count", "--jobs", "1", p, env=env)
    assert counts.returncode == 0
    assert counts.stdout == run_installed("count", "--jobs", "1", lined, env=env).stdout

    han = tmp_path / "han.txt"
    han.write_text("中华人民共和国" * 40_000 + "\n", encoding="utf-8")  # 280,000 characters, no cut
    r = run_installed("tokenize", han, env=env)
    assert r.returncode == 0
    assert r.stdout.decode("utf-8").replace(" ", "") == "中华人民共和国" * 40_000 + "\n"
    warnings = r.stderr.decode("utf-8").splitlines()
    assert len(warnings) == 1 and "cut every 262,144 characters" in warnings[0]
    assert "han.txt: line 1: 262,144 characters in a row" in warnings[0], warnings
