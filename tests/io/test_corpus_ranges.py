"""Corpus.range_documents: byte ranges that tile a file read every line exactly once, with the
same text, line numbers, encodings and errors as reading the whole file."""

import gzip
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minent.errors import DataError, UsageError
from minent.io import corpus as corpus_mod
from minent.io.corpus import Corpus, batched, is_compressed


def tiled(corpus, name, cuts):
    """Texts of *name* read as the ranges [0, c1), [c1, c2), ..., [ck, end).

    Line numbers restart in each range (only errors name true lines), so they are checked to
    count 1, 2, ... within each range and then dropped."""
    bounds = [0, *sorted(cuts)]
    out = []
    for a, b in zip(bounds, bounds[1:] + [None]):
        part = list(corpus.range_documents(name, a, b))
        assert [n for _, n, _ in part] == list(range(1, len(part) + 1))
        assert all(nm == name for nm, _, _ in part)
        out.extend(t for _, _, t in part)
    return out


def texts(docs):
    return [t for _, _, t in docs]


LINE = st.text(st.sampled_from("中文字a1 ，\r𠀀"), max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(LINE, max_size=12),
    crlf=st.booleans(),
    bom=st.booleans(),
    final_newline=st.booleans(),
    cut_fractions=st.lists(st.floats(0, 1), max_size=5),
)
def test_tiled_ranges_equal_whole_file(tmp_path_factory, lines, crlf, bom, final_newline, cut_fractions):
    p = tmp_path_factory.mktemp("r") / "x.txt"
    nl = "\r\n" if crlf else "\n"
    text = nl.join(lines) + (nl if final_newline and lines else "")
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    p.write_bytes(data)
    corpus = Corpus([p])
    whole = list(corpus.located_documents())
    cuts = [int(f * len(data)) for f in cut_fractions]
    assert tiled(corpus, str(p), cuts) == texts(whole)


def test_every_cut_position_and_tiny_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_mod, "BLOCK_SIZE", 3)
    p = tmp_path / "x.txt"
    data = "\ufeff第一\r\n\n二 two\n\ufeff三".encode()  # a BOM inside the text is text, not a mark
    p.write_bytes(b"\xef\xbb\xbf" + data)
    corpus = Corpus([p])
    whole = list(corpus.located_documents())
    assert [t for _, _, t in whole] == ["\ufeff第一", "", "二 two", "\ufeff三"]
    size = p.stat().st_size
    for a in range(size + 1):
        for b in range(a, size + 1):
            assert tiled(corpus, str(p), [a, b]) == texts(whole), (a, b)


def test_line_starting_exactly_at_the_cut_belongs_to_the_next_range(tmp_path):
    p = tmp_path / "x.txt"
    p.write_bytes(b"ab\ncd\n")
    corpus = Corpus([p])
    assert [t for _, _, t in corpus.range_documents(str(p), 0, 3)] == ["ab"]
    assert list(corpus.range_documents(str(p), 3, 6)) == [(str(p), 1, "cd")]
    assert [t for _, _, t in corpus.range_documents(str(p), 0, 4)] == ["ab", "cd"]
    assert list(corpus.range_documents(str(p), 4, 6)) == []


def test_auto_encoding_decided_from_the_head_of_the_file(tmp_path):
    p = tmp_path / "gb.txt"
    text = "中文测试，简体文字。\n第二行\n" * 40
    p.write_bytes(text.encode("gb18030"))
    corpus = Corpus([p], encoding="auto")
    size = p.stat().st_size
    second_half = texts(corpus.range_documents(str(p), size // 2, size))
    assert 0 < len(second_half) < 80 and second_half == text.splitlines()[-len(second_half):]
    assert corpus.chosen_encodings == {str(p): "gb18030"}
    assert tiled(corpus, str(p), [size // 3, size // 2]) == text.splitlines()


def test_error_in_a_later_range_names_the_true_line_and_byte(tmp_path):
    p = tmp_path / "bad.txt"
    good = "好的一行\n" * 100
    p.write_bytes(good.encode() + b"ok\xffbad\n" + b"tail\n")
    corpus = Corpus([p])
    with pytest.raises(DataError) as whole:
        list(corpus.located_documents())
    size = p.stat().st_size
    with pytest.raises(DataError) as ranged:
        list(corpus.range_documents(str(p), size - 20, size))
    assert str(ranged.value) == str(whole.value)
    assert "line 101, byte %d" % (len(good.encode()) + 2) in str(ranged.value)


def test_jsonl_ranges_and_their_errors(tmp_path):
    p = tmp_path / "r.jsonl"
    rows = [json.dumps({"text": f"第{i}条"}, ensure_ascii=False) for i in range(50)]
    p.write_text("\n".join(rows + ["{broken"]) + "\n", encoding="utf-8")
    corpus = Corpus([p], jsonl_field="text")
    size = p.stat().st_size
    got = list(corpus.range_documents(str(p), 0, size // 2))
    assert [t for *_, t in got] == [f"第{i}条" for i in range(len(got))]
    with pytest.raises(DataError, match="line 51: invalid JSON"):
        list(corpus.range_documents(str(p), size // 2, size))


def test_compressed_csv_and_stdin_are_whole_file_only(tmp_path):
    z = tmp_path / "z.txt.gz"
    with gzip.open(z, "wb") as fh:
        fh.write("甲\n乙\n".encode())
    corpus = Corpus([z])
    assert is_compressed(z) and not corpus.splittable(str(z))
    assert [t for *_, t in corpus.range_documents(str(z))] == ["甲", "乙"]
    with pytest.raises(UsageError, match="byte ranges"):
        list(corpus.range_documents(str(z), 0, 3))
    c = tmp_path / "c.csv"
    c.write_text("text\n甲\n", encoding="utf-8")
    assert not Corpus([c], csv_column="text").splittable(str(c))
    assert Corpus([c]).splittable(str(c)) and not Corpus([c]).splittable("-")


def test_batched():
    assert list(batched([], 3)) == []
    assert list(batched(["ab", "c", "defg", "h"], 4)) == [["ab", "c"], ["defg"], ["h"]]
