"""minent count: exactness against Counter(jieba.cut(...)) and identity across --jobs."""

from collections import Counter
from pathlib import Path

import jieba
import pytest

from minent.errors import DataError, UsageError
from minent.io.corpus import Corpus
from minent.words.count import _range_tasks, count_words

from tests.support import SAMPLE

MIXED = [
    "我们在北京大学学习自然语言处理。",
    "今天天气很好，我们去公园散步！ Hello world 2024年",
    "",
    "   ",
    "𠀀𪚥 astral 字符与emoji😀混排",
    "全角ＡＢＣ１２３与半角abc123",
] * 30


def reference(lines, **kw):
    """The obviously-correct count: jieba's global cut over each line, whitespace dropped."""
    mode = kw.get("mode", "default")
    hmm = kw.get("hmm", True)
    c = Counter()
    for line in lines:
        if mode == "search":
            toks = jieba.cut_for_search(line, HMM=hmm)
        elif mode == "all":
            toks = jieba.cut(line, cut_all=True)
        else:
            toks = jieba.cut(line, HMM=hmm)
        c.update(t for t in toks if t.strip())
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))


@pytest.fixture
def mixed_file(tmp_path) -> Path:
    p = tmp_path / "mixed.txt"
    p.write_text("\n".join(MIXED) + "\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("opts", [{}, {"hmm": False}, {"mode": "search"}, {"mode": "all"}])
def test_equals_counter_of_jieba_cut(mixed_file, opts):
    got = count_words(Corpus([mixed_file]), jobs=1, batch_chars=500, **opts)
    assert got.rows == reference(MIXED, **opts)
    assert got.documents == len(MIXED)


def test_identical_for_any_jobs(mixed_file):
    one = count_words(Corpus([mixed_file]), jobs=1, batch_chars=300)
    two = count_words(Corpus([mixed_file]), jobs=2, batch_chars=300)
    three = count_words(Corpus([mixed_file]), jobs=3, batch_chars=97)
    assert one == two == three


def test_sample_corpus_against_reference():
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    got = count_words(Corpus([SAMPLE]), jobs=2, batch_chars=2000)
    assert got.rows == reference(lines)


def test_pku_raw_text_against_reference(shared_data):
    path = shared_data / "sighan2005" / "pku_test.utf8"  # CRLF line ends, full-width digits
    got = count_words(Corpus([path]), jobs=2)
    assert got.rows == reference(path.read_text(encoding="utf-8").splitlines())
    assert got.documents == 1945


def test_filters(mixed_file):
    full = dict(count_words(Corpus([mixed_file]), jobs=1).rows)
    got = count_words(Corpus([mixed_file]), jobs=1, min_count=31, min_length=2, drop_punct=True, top=5)
    expected = sorted(
        ((w, c) for w, c in full.items() if c >= 31 and len(w) >= 2 and any(ch.isalnum() for ch in w)),
        key=lambda kv: (-kv[1], kv[0]),
    )[:5]
    assert got.rows == expected
    assert all(w.strip() for w, _ in full.items())


def test_user_dict_and_replacement_dict(tmp_path, mixed_file):
    ud = tmp_path / "user.txt"
    ud.write_text("自然语言处理 100 n\n半角abc 5\n", encoding="utf-8")
    got = dict(count_words(Corpus([mixed_file]), jobs=1, user_dict=ud).rows)
    assert got["自然语言处理"] == 30
    small = tmp_path / "dict.txt"
    small.write_text("北京 10 ns\n大学 10 n\n", encoding="utf-8")
    got = dict(count_words(Corpus([mixed_file]), jobs=1, dict_path=small, hmm=False).rows)
    assert got["北京"] == 30 and "北京大学" not in got


def test_bad_options(tmp_path, mixed_file):
    with pytest.raises(UsageError, match="no such file"):
        count_words(Corpus([mixed_file]), user_dict=tmp_path / "nope.txt")
    with pytest.raises(UsageError):
        count_words(Corpus([mixed_file]), mode="fast")
    with pytest.raises(UsageError):
        count_words(Corpus([mixed_file]), tokenizer="nope")


def test_data_error_from_worker_propagates(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes("好\n".encode() * 10 + b"\xff\n")
    with pytest.raises(DataError, match="line 11"):
        count_words(Corpus([p]), jobs=2, batch_chars=4)


def test_workers_reading_byte_ranges_give_the_same_table(tmp_path, mixed_file):
    """With files as inputs the workers read byte ranges themselves: any partition, same table."""
    other = tmp_path / "other.txt"
    other.write_text(SAMPLE.read_text(encoding="utf-8")[:20000], encoding="utf-8")
    corpus = lambda: Corpus([mixed_file, other])  # noqa: E731
    one = count_words(corpus(), jobs=1)
    assert len(_range_tasks(corpus(), 2, 97)) > 20  # the workers read ranges...
    assert _range_tasks(corpus(), 2, None) is None  # ...unless too few pieces: the parent reads
    for jobs, part in [(2, 97), (3, 1000), (2, None)]:
        assert count_words(corpus(), jobs=jobs, partition_bytes=part, batch_chars=500) == one
    assert one.rows == reference(MIXED + SAMPLE.read_text(encoding="utf-8")[:20000].splitlines())


def test_first_data_error_in_input_order_whatever_the_jobs(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes("好\n".encode() * 300 + b"\xff\n" + "好\n".encode() * 3000 + b"\xfe\n")
    for jobs in (1, 2, 3):
        with pytest.raises(DataError, match="line 301,"):
            count_words(Corpus([p]), jobs=jobs, partition_bytes=64, batch_chars=10)


def test_stdin_is_read_by_the_parent(monkeypatch, mixed_file):
    import io
    import sys

    data = mixed_file.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    got = count_words(Corpus(["-"]), jobs=2, batch_chars=300)
    assert got == count_words(Corpus([mixed_file]), jobs=1)


def test_tsv_chunks_equal_the_rows_written(mixed_file):
    """`minent count` writes TSV from the result's arrays: the same text as its rows."""
    import io

    from minent.io.tables import write_table

    got = count_words(Corpus([mixed_file]), jobs=1, top=50)
    for header in (False, True):
        f = io.StringIO()
        write_table(got.rows, got.columns, "tsv", f, header=header)
        assert "".join(got.tsv_chunks(header=header)) == f.getvalue()
