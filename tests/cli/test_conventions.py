"""The shared conventions of every command, as a demanding user meets them (README "Conventions
shared by every command"): named one-line errors, exit codes, no traceback, --output checks."""

import pytest

from tests.support import ROOT, SAMPLE, run_minent


def _one_line_error(r, code: int, *needles: str) -> str:
    err = r.stderr.decode("utf-8")
    assert r.returncode == code, err
    assert r.stdout == b"" and "Traceback" not in err
    assert err.startswith("minent: error: ") and err.count("\n") == 1, err
    for n in needles:
        assert n in err, err
    return err


@pytest.mark.parametrize("command", [
    ["lexicon", SAMPLE],
    ["score", SAMPLE, SAMPLE],
    ["dim", "-N", "1000"],
    ["infomap", "-"],
])
def test_output_into_a_missing_directory_is_refused_before_any_work(tmp_path, command):
    target = tmp_path / "no" / "such" / "dir" / "out.tsv"
    r = run_minent(*command, "-o", target, input="1 2\n")
    err = _one_line_error(r, 2, str(target), "does not exist")
    assert ".tmp" not in err
    r = run_minent(*command, "-o", tmp_path, input="1 2\n")
    _one_line_error(r, 2, str(tmp_path), "is a directory")
    assert list(tmp_path.iterdir()) == []


def test_segment_save_into_a_missing_directory_is_refused_before_training(tmp_path):
    target = tmp_path / "no" / "model.npz"
    r = run_minent("segment", "--train", SAMPLE, "--save", target, input="我\n")
    _one_line_error(r, 2, str(target), "does not exist")


def test_score_reads_standard_input_as_dash(tmp_path):
    gold = tmp_path / "gold.txt"
    gold.write_text("我 来到 北京\n他 来\n", encoding="utf-8")
    seg = "我来 到 北京\n他 来\n"
    for args in (["-", gold], [gold, "-"]):
        r = run_minent("score", *args, "-q", input=seg)
        assert r.returncode == 0, r.stderr
        assert r.stdout.decode().splitlines()[:3] == ["precision\t0.6", "recall\t0.6", "f1\t0.6"]
    _one_line_error(run_minent("score", "-", "-", input=seg), 2, "only one")


@pytest.mark.parametrize("command", [
    ["score", SAMPLE, "{dir}"],
    ["hsic", "{dir}"],
    ["entropy", "{dir}"],
    ["dim", "--vocab", "{dir}"],
])
def test_a_directory_where_a_file_is_expected_is_named_as_such(tmp_path, command):
    args = [str(tmp_path) if a == "{dir}" else a for a in command]
    _one_line_error(run_minent(*args), 2, f"{tmp_path}: is a directory")


def test_dim_vocab_from_stdin_with_invalid_utf8_is_a_data_error():
    _one_line_error(run_minent("dim", "--vocab", "-", input=b"a\n\xff\n"), 1, "<stdin>: line 2", "UTF-8")


@pytest.mark.parametrize("text", ["", "  \n\t\n", "# only a comment\n"])
def test_infomap_on_a_graph_without_links_names_the_input(tmp_path, text):
    path = tmp_path / "g.txt"
    path.write_text(text, encoding="utf-8")
    _one_line_error(run_minent("infomap", path), 1, f"{path}: the graph has no links")
    _one_line_error(run_minent("infomap", "-", input=text), 1, "<stdin>: the graph has no links")


def test_ctrl_c_inside_a_numba_kernel_is_exit_130_without_traceback(monkeypatch, capsys):
    # a KeyboardInterrupt raised while numba code runs reaches Python as a SystemError chained
    # to it (seen with Ctrl-C during `minent hsic --test permutation`): that was a traceback
    import minent.estimators.hsic
    from minent.cli import main

    def interrupted_kernel(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as k:
            raise SystemError("CPUDispatcher(<function permuted_sums>) returned a result with an exception set") from k

    monkeypatch.setattr(minent.estimators.hsic, "hsic", interrupted_kernel)
    with pytest.raises(SystemExit) as e:
        main(["hsic", str(SAMPLE.parent / "pairs.tsv"), "-q"])
    assert e.value.code == 130
    err = capsys.readouterr().err
    assert err == "minent: interrupted\n"


@pytest.mark.parametrize("args, needle", [
    (["lexicon", "-f", "xml"], "'xml' is not one of"),
    (["infomap", "-f", "xml"], "'xml' is not one of"),
    (["hsic", "--kernel", "poly"], "'poly' is not one of"),
    (["lexicon", "--max-len", "0"], "--max-len"),
    (["segment", "--no-such-option"], "No such option"),
    (["score"], "Missing argument"),
    (["no-such-command"], "No such command"),
])
def test_usage_errors_are_one_line_exit_2(args, needle):
    # click's shape was three lines (Usage / Try / Error); every other error is one line
    err = _one_line_error(run_minent(*args), 2, needle)
    if args[0] != "no-such-command":
        assert f"(see 'minent {args[0]} --help')" in err


def test_no_arguments_still_shows_the_help():
    r = run_minent()
    assert r.returncode == 2 and b"Commands" in r.stdout + r.stderr


def test_segment_train_from_stdin_needs_the_text_as_a_file(tmp_path):
    # --train - read all of stdin, then segmented nothing: empty output, exit 0
    _one_line_error(run_minent("segment", "--train", "-", input="我们来了\n"), 2, "--train -", "standard input")
    text = tmp_path / "t.txt"
    text.write_text("我们来了\n", encoding="utf-8")
    r = run_minent("segment", "--train", "-", "-m", "unigram", text, "-q", input="我们来了\n我们\n")
    assert r.returncode == 0 and r.stdout.decode().replace(" ", "") == "我们来了\n"


@pytest.mark.parametrize("command", ["infomap", "wordgraph"])
def test_truncated_gzip_is_a_one_line_data_error(tmp_path, command):
    import gzip

    bad = tmp_path / "g.txt.gz"
    bad.write_bytes(gzip.compress(b"a 1 0\nb 0 1\n")[:15])  # was an EOFError traceback
    _one_line_error(run_minent(command, bad), 1, f"{bad}: corrupt or truncated compressed data")


_BAD_BYTES = b"ok\n\xff\xfe\n"  # line 2 is neither UTF-8, GB18030 nor Big5
_HINT_CASES = [
    # the hint suggests only what this command has and the user has not tried yet
    (["count", "{bad}"], "invalid utf-8 data", "; try --encoding auto/gb18030/big5 or --errors replace"),
    (["count", "--jobs", "2", "{bad}"], "invalid utf-8 data", "; try --encoding auto/gb18030/big5 or --errors replace"),
    (["count", "-e", "auto", "{bad}"], "invalid gb18030 data", "; try --encoding big5 or --errors replace"),
    (["count", "--encoding", "gb18030", "{bad}"], "invalid gb18030 data", "; try --encoding auto/big5 or --errors replace"),
    (["tokenize", "-e", "big5", "{bad}"], "invalid big5 data", "; try --encoding auto/gb18030 or --errors replace"),
    # score has no --encoding; a --known list is read as UTF-8 whatever --encoding says
    (["score", "{good}", "{bad}"], "invalid utf-8 data", "; the file must be UTF-8 (convert it first, e.g. with iconv)"),
    (["newwords", "-e", "auto", "--known", "{bad}", "{good}"], "invalid utf-8 data",
     "; the file must be UTF-8 (convert it first, e.g. with iconv)"),
]


@pytest.mark.parametrize("args, what, hint", _HINT_CASES)
def test_invalid_bytes_hint_fits_the_command_and_its_options(tmp_path, args, what, hint):
    bad, good = tmp_path / "bad.txt", tmp_path / "good.txt"
    bad.write_bytes(_BAD_BYTES)
    good.write_text("好\n", encoding="utf-8")
    args = [str(bad) if a == "{bad}" else str(good) if a == "{good}" else a for a in args]
    err = _one_line_error(run_minent(*args), 1, f"{bad}: line 2, byte ", what)
    assert err.rstrip("\n").endswith(")" + hint), err


def test_invalid_bytes_after_a_utf16_byte_order_mark_suggest_only_errors_replace(tmp_path):
    import codecs

    bad = tmp_path / "w.txt"
    bad.write_bytes(codecs.BOM_UTF16_LE + "你好\n".encode("utf-16-le") + b"\x00\xd8A\x00")  # lone surrogate
    for encoding in ("utf-8", "auto"):  # the byte-order mark chose UTF-16: another encoding cannot help
        err = _one_line_error(run_minent("count", "-e", encoding, bad), 1, f"{bad}: line 2", "invalid utf-16 data")
        assert err.rstrip("\n").endswith("(illegal UTF-16 surrogate); try --errors replace"), err


def test_library_invalid_bytes_error_names_no_cli_option(tmp_path):
    # the library's message names file, line and byte; only the CLI knows which options to suggest
    from minent.errors import InvalidBytesError
    from minent.io.corpus import Corpus

    bad = tmp_path / "bad.txt"
    bad.write_bytes(_BAD_BYTES)
    with pytest.raises(InvalidBytesError) as info:
        list(Corpus([bad]).documents())
    assert str(info.value).endswith("invalid utf-8 data (invalid start byte)") and info.value.codec == "utf-8"
    assert "--" not in str(info.value)
    import pickle  # count workers send it to the parent

    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is InvalidBytesError and str(again) == str(info.value) and again.codec == "utf-8"


def test_known_words_directory_is_a_usage_error(tmp_path):
    # was read recursively like a corpus: every file below it (a README, a model) added words
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "a.txt").write_text("你好\n", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("好\n", encoding="utf-8")
    _one_line_error(run_minent("newwords", "--known", tmp_path / "lists", good), 2,
                    f"{tmp_path / 'lists'}: is a directory", "--known")


def test_program_loads_with_the_collector_off_then_freezes_and_turns_it_on():
    # Full collections over typer's, pydantic's and numba's objects cost ~0.2 s of every run: the
    # program loads them with the collector off, and each command freezes them and turns it on.
    code = (
        "import gc, sys\n"
        "import minent.cli.common as common\n"
        "orig = common.setup\n"
        "def spy(*a, **k):\n"
        "    before = gc.isenabled()\n"
        "    orig(*a, **k)\n"
        "    sys.stderr.write(f'GC {before} {gc.isenabled()} {gc.get_freeze_count() > 1000}\\n')\n"
        "common.setup = spy\n"
        "sys.argv = ['minent', 'newwords', 'data/sample.txt', '--top', '1', '--rank', 'count']\n"
        "import minent.__main__\n"
        "minent.__main__.run()\n"
    )
    import subprocess
    import sys
    root = ROOT
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "GC False True True" in r.stderr and r.stdout.startswith("一个\t")
    assert 'minent = "minent.__main__:run"' in (root / "pyproject.toml").read_text(encoding="utf-8")
