"""Streaming corpus readers: inputs, compression, encodings, record formats, errors."""

import bz2
import codecs
import gzip
import json
import lzma
import subprocess
import sys

import pytest

from minent.errors import DataError, UsageError
from minent.io import corpus as corpus_mod
from minent.io.corpus import Corpus, detect_encoding, read_lines
from minent.text.batching import batched

TEXT = "第一行：中文\n第二行 mixed English 123\n\n𠀀𪚥 astral\n"
LINES = ["第一行：中文", "第二行 mixed English 123", "", "𠀀𪚥 astral"]


def docs(*args, **kw):
    return list(Corpus(*args, **kw).documents())


def test_plain_crlf_bom_and_missing_final_newline(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode())
    assert docs([p]) == LINES
    p.write_bytes(TEXT.rstrip("\n").encode())
    assert docs([p]) == LINES
    p.write_bytes(b"")
    assert docs([p]) == []
    p.write_bytes(b"\n")
    assert docs([p]) == [""]
    p.write_bytes("中".encode())
    assert docs([p]) == ["中"]


@pytest.mark.parametrize("opener,suffix", [(gzip.open, ".gz"), (bz2.open, ".bz2"), (lzma.open, ".xz")])
def test_compressed_by_magic(tmp_path, opener, suffix):
    p = tmp_path / ("c" + suffix)
    with opener(p, "wb") as fh:
        fh.write(TEXT.encode())
    assert docs([p]) == LINES
    q = tmp_path / "no_suffix"
    q.write_bytes(p.read_bytes())
    assert docs([q]) == LINES  # detected by magic bytes, not by name


def test_directories_globs_and_order(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "b.txt").write_text("b\n", encoding="utf-8")
    (tmp_path / "d" / "a.txt").write_text("a\n", encoding="utf-8")
    (tmp_path / "d" / "sub" / "c.txt").write_text("c\n", encoding="utf-8")
    (tmp_path / "d" / ".hidden").write_text("h\n", encoding="utf-8")
    assert docs([tmp_path / "d"]) == ["a", "b", "c"]
    assert docs([str(tmp_path / "d" / "*.txt")]) == ["a", "b"]
    assert docs([str(tmp_path / "d" / "**" / "*.txt")]) == ["a", "b", "c"]
    with pytest.raises(UsageError, match="no such file"):
        Corpus([tmp_path / "missing.txt"])


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_forced_and_auto_encodings(tmp_path, encoding):
    text = "中文測試，繁體與簡體。\n第二行\n" * 50 if encoding == "big5" else "中文测试，简体文字。\n第二行\n" * 50
    p = tmp_path / "x.txt"
    p.write_bytes(text.encode(encoding))
    assert docs([p], encoding=encoding) == text.splitlines()
    c = Corpus([p], encoding="auto")
    assert list(c.documents()) == text.splitlines()
    assert c.chosen_encodings == {str(p): encoding}
    with pytest.raises(DataError, match=r"line 1, byte \d+: invalid utf-8"):
        docs([p])


def test_detect_encoding_prefers_utf8():
    assert detect_encoding("纯中文".encode()) == "utf-8"
    assert detect_encoding("中文"[0].encode()[:2]) == "utf-8"  # cut multi-byte char at the end
    assert detect_encoding(b"\xef\xbb\xbfabc") == "utf-8"


def test_invalid_bytes_name_file_line_offset(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(b"ok\nok2\n\xff\xfe bad\n")
    with pytest.raises(DataError) as e:
        docs([p])
    assert str(e.value).startswith(f"{p}: line 3, byte 7: invalid utf-8")
    assert docs([p], errors="replace") == ["ok", "ok2", "\ufffd\ufffd bad"]


def test_invalid_bytes_in_a_later_block(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_mod, "BLOCK_SIZE", 8)
    p = tmp_path / "bad.txt"
    p.write_bytes(b"line one\nline two\n" * 3 + b"x\x80y\n")
    with pytest.raises(DataError, match=r"line 7, byte 55:"):
        docs([p])


def test_small_blocks_give_same_lines(tmp_path, monkeypatch):
    p = tmp_path / "a.txt"
    p.write_bytes(("很长的一行" * 50 + "\r\n" + TEXT).encode())
    expected = docs([p])
    monkeypatch.setattr(corpus_mod, "BLOCK_SIZE", 7)
    monkeypatch.setattr(corpus_mod, "_SNIFF_SIZE", 5)
    assert docs([p]) == expected


def test_corrupt_compressed(tmp_path):
    p = tmp_path / "t.gz"
    p.write_bytes(gzip.compress(TEXT.encode() * 100)[:40])
    with pytest.raises(DataError, match="corrupt or truncated"):
        docs([p])


def test_jsonl(tmp_path):
    p = tmp_path / "r.jsonl"
    rows = [{"text": "第一条", "id": 1}, {"text": "第二条"}, {"text": None}]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    assert docs([p], jsonl_field="text") == ["第一条", "第二条", ""]
    p.write_text('{"text": "a"}\n{"txt": "b"}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"r.jsonl: line 2: no field 'text'"):
        docs([p], jsonl_field="text")
    p.write_text('{"text": "a"}\n{broken\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2: invalid JSON"):
        docs([p], jsonl_field="text")


def test_csv_quoted_fields_with_commas_and_newlines(tmp_path):
    p = tmp_path / "r.csv"
    p.write_bytes('label,review\r\n1,"好,很好"\r\n0,"多行\r\n评论"\r\n1,简单\r\n'.encode())
    c = Corpus([p], csv_column="review")
    assert list(c.located_documents()) == [(str(p), 2, "好,很好"), (str(p), 3, "多行\n评论"), (str(p), 5, "简单")]
    with pytest.raises(DataError, match="no column 'text'"):
        docs([p], csv_column="text")
    p.write_text("label,review\n1,a,extra\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2: 3 fields where the header has 2"):
        docs([p], csv_column="review")


def test_batches_are_bounded_and_complete(tmp_path):
    p = tmp_path / "a.txt"
    lines = [f"第{i}行" * (i % 7 + 1) for i in range(1000)]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batches = list(Corpus([p]).batches(max_chars=200))
    assert [d for b in batches for d in b] == lines
    assert all(sum(len(d) + 1 for d in b) < 200 + 40 for b in batches)


@pytest.mark.parametrize("block", [None, 7])
def test_text_blocks_hold_the_documents(tmp_path, monkeypatch, block):
    """text_blocks() joined by newlines is the documents joined by newlines, whatever the CRs,
    BOMs, encodings, record formats, block sizes and inputs."""
    if block:
        monkeypatch.setattr(corpus_mod, "BLOCK_SIZE", block)
        monkeypatch.setattr(corpus_mod, "_SNIFF_SIZE", 5)
    a, b, c, d, e = (tmp_path / n for n in ("a.txt", "b.txt", "c.txt", "d.jsonl", "e.txt"))
    a.write_bytes(b"\xef\xbb\xbf" + ("很长的一行" * 30 + "\r\n" + TEXT).replace("\n", "\r\n").encode())
    b.write_bytes(("x\r\r\n\n\n" + TEXT.rstrip("\n") + "\r").encode())
    c.write_bytes(codecs.BOM_UTF16_LE + TEXT.replace("\n", "\r\n").encode("utf-16-le"))
    d.write_text('{"t": "甲\\n乙"}\n{"t": "丙"}\n', encoding="utf-8")
    e.write_bytes(b"")
    cases = [([a, b, e, c], {}), ([b], {}), ([e], {}), ([c], {"encoding": "utf-16"}), ([d], {"jsonl_field": "t"})]
    for paths, kw in cases:
        expected = "\n".join(Corpus(paths, **kw).documents())
        for max_chars in (1, 50, 10**6):
            blocks = list(Corpus(paths, **kw).text_blocks(max_chars=max_chars))
            assert "\n".join(blocks) == expected, (paths, kw, max_chars)
            if max_chars == 10**6 and block is None:
                assert len(blocks) <= 1


def test_progress_counts_on_disk_bytes(tmp_path):
    p = tmp_path / "a.gz"
    with gzip.open(p, "wb") as fh:
        fh.write(TEXT.encode() * 1000)
    seen = []
    list(Corpus([p]).documents(progress=seen.append))
    assert sum(seen) == p.stat().st_size
    assert Corpus([p]).total_bytes == p.stat().st_size


def test_stdin_with_compression_and_bom(tmp_path):
    script = "from minent.io.corpus import Corpus\nprint(repr(list(Corpus(['-']).documents())))"
    data = gzip.compress(b"\xef\xbb\xbf" + TEXT.encode())
    out = subprocess.run([sys.executable, "-c", script], input=data, capture_output=True, check=True)
    assert eval(out.stdout.decode()) == LINES


def test_usage_errors():
    with pytest.raises(UsageError, match="unknown encoding"):
        Corpus(["-"], encoding="klingon")
    with pytest.raises(UsageError):
        Corpus(["-"], jsonl_field="a", csv_column="b")
    with pytest.raises(UsageError):
        Corpus(["-", "-"])


def test_read_lines(tmp_path):
    p = tmp_path / "w.txt"
    p.write_bytes("词一\r\n词二\r\n".encode())
    assert list(read_lines(p)) == [(1, "词一"), (2, "词二")]


@pytest.mark.parametrize("codec,given", [
    ("utf-16", ["utf-8", "auto", "utf-16"]),          # BOM (little-endian here) obeyed under utf-8/auto
    ("utf-32", ["utf-8", "auto", "utf-32"]),
    ("utf-16-be", ["utf-16-be"]),                      # no BOM: only when named
    ("utf-16-le", ["utf-16-le"]),
])
@pytest.mark.parametrize("block", [None, 7])
def test_utf16_and_utf32(tmp_path, monkeypatch, codec, given, block):
    if block:  # blocks that split code units and CRLF pairs
        monkeypatch.setattr(corpus_mod, "BLOCK_SIZE", block)
        monkeypatch.setattr(corpus_mod, "_SNIFF_SIZE", 5)
    p = tmp_path / "w.txt"
    text = "很长的一行" * 50 + "\r\n" + TEXT
    p.write_bytes(text.encode(codec))
    expected = ["很长的一行" * 50, *LINES]
    for enc in given:
        c = Corpus([p], encoding=enc)
        assert list(c.documents()) == expected, enc
        assert not c.splittable(str(p))
    # without a final newline, and a BOM given explicitly with a BOM-less codec name
    p.write_bytes(codecs.BOM_UTF16_LE + "甲\n乙".encode("utf-16-le"))
    assert docs([p], encoding="utf-16-le") == ["甲", "乙"]


def test_utf16_errors_and_ranges(tmp_path):
    p = tmp_path / "bad16.txt"
    p.write_bytes("甲\n乙\n".encode("utf-16") + b"\x00\xd8" + "\n".encode("utf-16-le"))  # lone surrogate on line 3
    with pytest.raises(DataError, match=r"bad16.txt: line 3, byte 10: invalid utf-16 data"):
        docs([p])
    assert docs([p], errors="replace") == ["甲", "乙", "\ufffd"]
    with pytest.raises(UsageError, match="cannot be read in byte ranges"):
        list(Corpus([p], encoding="utf-16").range_documents(str(p), 2, 6))
    assert detect_encoding(codecs.BOM_UTF32_LE + b"a\x00\x00\x00") == "utf-32"
    assert detect_encoding(codecs.BOM_UTF16_BE + b"\x4e\x2d") == "utf-16"


def test_utf16_on_stdin():
    code = "import sys; from minent.io.corpus import Corpus; print(list(Corpus(['-']).documents()))"
    out = subprocess.run([sys.executable, "-c", code], input="中文\r\n第二行\n".encode("utf-16"),
                         capture_output=True, check=True).stdout
    assert out.decode().strip() == "['中文', '第二行']"


# -- long lines (issue 18, item 6) ------------------------------------------------------------------


def _whole(located):
    """(name, line number, text) with the Fragments joined to the document that ends their line."""
    from minent.text.batching import Fragment

    out, text = [], ""
    for name, line_no, part in located:
        text += part
        if not isinstance(part, Fragment):
            out.append((name, line_no, text))
            text = ""
    assert text == ""
    return out


def _long_text():
    from tests.support import SAMPLE

    lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]
    body = "。".join(lines[:200])
    return "短\n" + body + "\r\n" + "abc\n" + body * 3 + "\n\n𠀀" + body + "\r"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
@pytest.mark.parametrize("bound", [7, 1000, 30_000])
def test_a_long_line_comes_in_pieces_that_make_the_line(tmp_path, encoding, bound, monkeypatch):
    from minent.text.batching import PIECE_CUTS, Fragment

    monkeypatch.setattr(corpus_mod, "BLOCK_SIZE", 4096)  # several reads per line: pieces made as bytes come
    text = _long_text()
    p = tmp_path / "long.txt"
    p.write_bytes(text.encode(encoding, "replace"))
    corpus = Corpus([p], encoding=encoding)
    want = list(corpus.located_documents())
    got = list(corpus.located_documents(cutter=corpus.line_cutter(bound, PIECE_CUTS)))
    assert _whole(got) == want
    assert all(len(t) <= bound for _, _, t in got if isinstance(t, Fragment))
    assert sum(isinstance(t, Fragment) for _, _, t in got) >= (3 if bound < 30_000 else 1)
    # text_blocks: the same pieces of text, in blocks of bounded size
    blocks = list(corpus.text_blocks(bound, cut=PIECE_CUTS))
    assert max(map(len, blocks)) <= 2 * bound + 2 or bound < 100
    from minent.text.chars import pieces

    if bound >= 1000:  # no piece of the sample is that long: no cut at the bound
        assert pieces("\n".join(blocks)) == pieces("\n".join(corpus.documents()))


def test_long_lines_in_byte_ranges_and_batches(tmp_path):
    from minent.text.batching import PIECE_CUTS, Fragment

    p = tmp_path / "long.txt"
    p.write_text(_long_text(), encoding="utf-8")
    corpus = Corpus([p])
    size = p.stat().st_size
    want = list(corpus.located_documents())
    cutter = corpus.line_cutter(500, PIECE_CUTS)
    got = [d for a, b in [(0, size // 3), (size // 3, size)] for d in corpus.range_documents(str(p), a, b, cutter=cutter)]
    assert [t for _, _, t in _whole(got)] == [t for _, _, t in want]
    batches = list(corpus.batches(500, cut=PIECE_CUTS))
    assert all(len(d) <= 500 for b in batches for d in b if isinstance(d, Fragment))
    assert [t for _, _, t in _whole(("", 0, d) for b in batches for d in b)] == [t for _, _, t in want]
    # without a rule, or for records, lines are whole as before
    assert list(corpus.batches(500)) == list(batched(corpus.documents(), 500))
    assert Corpus([p], jsonl_field="text").line_cutter(500, PIECE_CUTS) is None


def test_an_invalid_byte_in_a_long_line_names_its_line_and_offset(tmp_path):
    from minent.text.batching import PIECE_CUTS

    p = tmp_path / "bad.txt"
    head = "第一行\n".encode()
    line = ("中文，" * 2000).encode()
    p.write_bytes(head + line[:3996] + b"\xff" + line[3996:] + b"\n")
    corpus = Corpus([p])
    with pytest.raises(DataError) as whole:
        list(corpus.documents())
    with pytest.raises(DataError) as pieces:
        list(corpus.documents(cutter=corpus.line_cutter(100, PIECE_CUTS)))
    assert f"line 2, byte {len(head) + 3996}" in str(whole.value)
    assert str(pieces.value) == str(whole.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("block", [64, 1 << 20])  # the line arrives in pieces / in one decoded block
def test_the_no_place_to_cut_warning_names_the_file_and_line(tmp_path, monkeypatch, caplog, encoding, block):
    import logging

    from minent.text.batching import PIECE_CUTS

    monkeypatch.setattr(corpus_mod, "BLOCK_SIZE", block)
    p = tmp_path / "han.txt"
    p.write_bytes(("短\n\n中华人民共和国。\n" + "中华人民共和国" * 30 + "\n末\n").encode(encoding))
    corpus = Corpus([p], encoding=encoding)
    with caplog.at_level(logging.WARNING, logger="minent"):
        docs = list(corpus.located_documents(cutter=corpus.line_cutter(50, PIECE_CUTS)))
    assert [n for _, n, _ in _whole(docs)] == [1, 2, 3, 4, 5]
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().startswith(f"warning: {p}: line 4: 50 characters in a row")


def test_the_no_place_to_cut_warning_names_the_true_line_in_a_byte_range(tmp_path, caplog):
    import logging

    from minent.text.batching import PIECE_CUTS

    p = tmp_path / "han.txt"
    head = "短\n" * 1000
    p.write_text(head + "中华人民共和国" * 30 + "\n末\n", encoding="utf-8")
    corpus = Corpus([p])
    start = len(head.encode()) - 10  # the range starts five lines before the long line
    with caplog.at_level(logging.WARNING, logger="minent"):
        list(corpus.range_documents(str(p), start, None, cutter=corpus.line_cutter(50, PIECE_CUTS)))
    assert len(caplog.records) == 1 and f"{p}: line 1001: " in caplog.records[0].getMessage()


def _line_block_inputs(tmp_path):
    """Inputs with CR/LF, lone CRs, several CRs before a newline, empty lines, a missing final
    newline, a gzip file and lines long enough to be cut."""
    a = tmp_path / "a.txt"
    a.write_bytes("第一行\r\n\r\n中\r间\r\r\n".encode() + ("很长的一行，" * 30 + "\n").encode() + "尾".encode())
    b = tmp_path / "b.txt.gz"
    b.write_bytes(gzip.compress(("乙行\n" * 7 + "，".join(["长"] * 40) + "\r\n" + "末行").encode()))
    return [a, b]


@pytest.mark.parametrize("block_size", [7, 1 << 20])
@pytest.mark.parametrize("max_chars", [2, 5, 16, 1000])
def test_line_blocks_are_the_documents(tmp_path, monkeypatch, block_size, max_chars):
    """line_blocks: the lines of documents(), joined by newlines into strings of about
    max_chars characters; with a cut rule, the same Fragment pieces as documents(cutter=...)."""
    from minent.segmentation.units import SEGMENT_CUTS
    from minent.text.batching import Fragment

    monkeypatch.setattr(corpus_mod, "BLOCK_SIZE", block_size)
    corpus = Corpus(_line_block_inputs(tmp_path))
    blocks = list(corpus.line_blocks(max_chars))
    assert "\n".join(blocks).split("\n") == list(corpus.documents())
    # a block ends at the first line end that makes it max_chars long (newlines counted)
    assert all(len(b) + 1 >= max_chars for b in blocks[:-1])
    assert all(len(b.rsplit("\n", 1)[0]) + 1 < max_chars for b in blocks if "\n" in b)
    assert not any(isinstance(b, Fragment) for b in blocks)
    want = list(corpus.documents(cutter=corpus.line_cutter(max_chars, SEGMENT_CUTS)))
    got = []  # the blocks split into documents again: a Fragment alone, a string into its lines
    for b in corpus.line_blocks(max_chars, cut=SEGMENT_CUTS):
        got += [b] if isinstance(b, Fragment) else b.split("\n")
    assert got == want and [isinstance(x, Fragment) for x in got] == [isinstance(x, Fragment) for x in want]
    if max_chars == 16:
        assert any(isinstance(x, Fragment) for x in want)
    with pytest.raises(ValueError):
        next(Corpus(_line_block_inputs(tmp_path), jsonl_field="text").line_blocks(10))
