"""SIGHAN scorer: hand-computed P/R/F on small cases, file quirks, mismatch errors."""


import pytest

from minent.errors import DataError
from minent.segmentation.score import score_files, score_lines



def test_hand_computed():
    # gold: 中国 | 人民 | 很 | 好  (4 words); test: 中国 | 人 | 民很 | 好 (4 words)
    # correct spans: 中国 (0,2), 好 (5,6) -> 2
    s = score_lines(["中国  人民  很  好"], ["中国 人 民很 好"])
    assert (s.gold_words, s.test_words, s.correct) == (4, 4, 2)
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(0.5)
    assert s.f1 == pytest.approx(0.5)


def test_unequal_counts_and_oov():
    # gold: 我 | 爱 | 北京 | 天安门 (4); test: 我爱 | 北京 | 天安门 (3); correct: 北京, 天安门
    vocab = {"我", "爱", "北京"}
    s = score_lines(["我 爱 北京 天安门"], ["我爱 北京 天安门"], vocabulary=vocab)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 4)
    assert s.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert s.oov_words == 1 and s.oov_rate == pytest.approx(0.25)
    assert s.oov_recall == pytest.approx(1.0)  # 天安门 found
    assert s.iv_recall == pytest.approx(1 / 3)  # of 我 爱 北京 only 北京


def test_same_word_twice_counted_per_position():
    s = score_lines(["的 的 的"], ["的的 的"])
    assert (s.correct, s.gold_words, s.test_words) == (1, 3, 2)


def test_file_quirks(tmp_path):
    gold = tmp_path / "gold.txt"
    test = tmp_path / "test.txt"
    gold.write_bytes("\ufeff中国  人民\r\n\r\n很　好\r\n".encode())  # BOM, CRLF, blank line, U+3000
    test.write_text("中国 人民\n\n很 好\n\n\n", encoding="utf-8")  # extra trailing blank lines
    s = score_files(gold, test)
    assert (s.gold_words, s.test_words, s.correct) == (4, 4, 4)
    assert s.f1 == 1.0


def test_mismatch_names_line(tmp_path):
    gold = tmp_path / "gold.txt"
    test = tmp_path / "test.txt"
    gold.write_text("甲 乙\n丙 丁\n", encoding="utf-8")
    test.write_text("甲 乙\n丙 戊\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2"):
        score_files(gold, test)
    test.write_text("甲 乙\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2 has no counterpart"):
        score_files(gold, test)


def test_empty_files():
    s = score_lines([], [])
    assert s.f1 == 0.0 and s.gold_words == 0


def test_gold_against_itself_and_raw_text(shared_data):
    SHARED = shared_data / "sighan2005"
    g = SHARED / "pku_test_gold.utf8"
    s = score_files(g, g, words=SHARED / "pku_training_words.utf8")
    assert s.f1 == 1.0 and s.gold_words == 104372
    assert 0.05 < s.oov_rate < 0.065
    # the raw text, each line one "word": recall small but the texts match
    raw = score_files(g, SHARED / "pku_test.utf8")
    assert raw.test_words <= 1945 and raw.correct < raw.test_words


def test_nfkc_equal_characters_are_the_same_text():
    # the AS gold has an ASCII 'c' where the test text has a full-width 'ｃ': same character
    s = score_lines(["ｃ 語言 很 好"], ["c語言 很 好"])
    assert (s.gold_words, s.test_words, s.correct) == (4, 3, 2)  # 很, 好; offsets are per character
    assert score_lines(["１２ 个"], ["12 个"]).correct == 2
    # NFKC equality is per character: ㎏ (NFKC "kg") is not the two characters k g
    with pytest.raises(DataError, match=r"line 1: text differs .* at character 1"):
        score_lines(["㎏ 重"], ["kg 重"])
    with pytest.raises(DataError, match=r"at character 3"):
        score_lines(["ab c"], ["abd"])


def test_skip_mismatch_scores_the_other_lines():
    gold = ["甲 乙", "丙 丁", "戊 己"]
    test = ["甲 乙", "丙 庚", "戊己"]
    with pytest.raises(DataError, match=r"line 2: .*`skip_mismatch` scores the other lines"):
        score_lines(gold, test)
    s = score_lines(gold, test, skip_mismatch=True)
    assert (s.gold_words, s.test_words, s.correct, s.lines) == (4, 3, 2, 2)
    assert [i for i, _ in s.skipped] == [2]
    assert "line 2" in s.skipped[0][1] and "'丁' vs '庚'" in s.skipped[0][1]
    # the line counts must still agree: without that, lines are not aligned at all
    with pytest.raises(DataError, match=r"has no counterpart"):
        score_lines(gold, test[:2], skip_mismatch=True)
    assert score_lines(gold, gold, skip_mismatch=True).skipped == []
