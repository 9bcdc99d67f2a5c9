"""A line longer than a batch is tokenised, counted and searched for new words in pieces
(issue 18, item 6): the pieces give exactly the result of the whole line whenever the line can
be cut within the bound. Small bounds (``batch_chars``, ``chunk_chars``) stand for the large
defaults, on real text joined into long lines."""

from __future__ import annotations

import gzip
import itertools
import logging

import pytest

from minent.io.corpus import Corpus
from minent.words.count import count_words
from minent.words.newwords.discover import find_new_words
from minent.words.tokenize import tokenize_corpus
from minent.words.tokenizers import jieba_cuts
from tests.support import SAMPLE


def sample_lines() -> list[str]:
    return [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]


def poem_lines(shared_data, n: int) -> list[str]:
    with gzip.open(shared_data / "corpora" / "poems_tang_song.txt.gz", "rt", encoding="utf-8") as fh:
        return [line.rstrip("\n") for line in itertools.islice(fh, n) if line.strip()]


def long_file(tmp_path, lines: list[str]):
    """Short lines, lines joined by 。 and by spaces, a CRLF, an empty line, no final newline."""
    half = len(lines) // 2
    text = ("短句\n" + "。".join(lines[:half]) + "\r\n" + " ".join(lines[half:]) + "\n\n"
            + "，“".join(lines[:half]) + " end")
    p = tmp_path / "long.txt"
    p.write_text(text, encoding="utf-8")
    return p


def tokens(path, **kw) -> str:
    return "".join(tokenize_corpus(Corpus([path]), **kw))


@pytest.mark.parametrize("mode", ["default", "search", "all"])
@pytest.mark.parametrize("hmm", [True, False])
def test_tokenize_in_pieces_equals_the_whole_line(tmp_path, mode, hmm, caplog):
    p = long_file(tmp_path, sample_lines()[:300])
    whole = tokens(p, mode=mode, hmm=hmm)
    assert whole.count("\n") == 5
    with caplog.at_level(logging.WARNING, logger="minent"):
        for bound in (300, 4000):
            assert tokens(p, mode=mode, hmm=hmm, batch_chars=bound) == whole
    assert not caplog.records  # every cut was at an allowed place


def test_jieba_backend_in_pieces_equals_the_whole_line(tmp_path):
    p = long_file(tmp_path, sample_lines()[:80])
    for mode in ("default", "all"):
        whole = tokens(p, tokenizer="jieba", mode=mode)
        assert tokens(p, tokenizer="jieba", mode=mode, batch_chars=300) == whole
        assert whole == tokens(p, mode=mode)  # and the fast tokenizer agrees


def test_poems_as_one_line(tmp_path, shared_data):
    lines = poem_lines(shared_data, 3000)
    p = tmp_path / "poems.txt"
    p.write_text("。".join(lines) + "\n", encoding="utf-8")
    whole = tokens(p)
    assert tokens(p, batch_chars=2000) == whole
    counts = count_words(Corpus([p]), jobs=1)
    assert count_words(Corpus([p]), jobs=1, batch_chars=2000).rows == counts.rows
    found = find_new_words(Corpus([p]), jobs=1).to_rows()
    assert find_new_words(Corpus([p]), jobs=1, chunk_chars=2000).to_rows() == found


def test_a_line_without_any_place_to_cut_is_cut_at_the_bound(tmp_path, caplog):
    p = tmp_path / "han.txt"
    p.write_text("中华人民共和国" * 200 + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="minent"):
        out = tokens(p, batch_chars=100)
    assert out.count("\n") == 1 and out.replace(" ", "") == "中华人民共和国" * 200 + "\n"
    assert len(caplog.records) == 1 and "cut every 100 characters" in caplog.records[0].getMessage()


@pytest.mark.parametrize("mode", ["default", "all"])
def test_count_in_pieces_equals_the_whole_line(tmp_path, mode):
    p = long_file(tmp_path, sample_lines()[:300])
    whole = count_words(Corpus([p]), jobs=1, mode=mode)
    assert whole.documents == 5
    for jobs in (1, 2):  # 2: workers reading byte ranges cut the lines themselves
        got = count_words(Corpus([p]), jobs=jobs, mode=mode, batch_chars=300, partition_bytes=20_000)
        assert (got.rows, got.tokens, got.documents) == (whole.rows, whole.tokens, whole.documents)


def test_count_from_stdin_in_pieces(tmp_path, monkeypatch):
    import io
    import sys

    p = long_file(tmp_path, sample_lines()[:300])
    whole = count_words(Corpus([p]), jobs=1)
    data = p.read_bytes()
    for jobs in (1, 2):  # 2: the parent reads and hands out batches holding Fragments
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        got = count_words(Corpus(["-"]), jobs=jobs, batch_chars=300)
        assert (got.rows, got.documents) == (whole.rows, whole.documents)


@pytest.mark.parametrize("method", ["cohesion", "entropy", "pmi-split"])
def test_newwords_in_pieces_equals_the_whole_line(tmp_path, method):
    p = long_file(tmp_path, sample_lines())
    whole = find_new_words(Corpus([p]), method=method).to_rows()
    assert whole
    for bound in (33, 1000):
        assert find_new_words(Corpus([p]), method=method, chunk_chars=bound).to_rows() == whole


def test_jieba_cuts_rejects_an_unknown_mode():
    from minent.errors import UsageError

    with pytest.raises(UsageError):
        jieba_cuts("fancy")
