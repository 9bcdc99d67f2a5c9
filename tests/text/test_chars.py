"""The text model: character classes, pieces, normalisation and the char → id encoding."""

import os
import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from minent.text.chars import (
    DIGIT,
    HAN,
    LATIN,
    OTHER,
    char_class,
    char_class_table,
    has_word_char,
    normalize,
    pieces,
)
from minent.text.vocab import CharVocab


def slow_class(ch: str) -> int:
    """Obviously-correct classification straight from unicodedata."""
    name = unicodedata.name(ch, "")
    if name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")) or ch == "〇":
        return HAN
    if unicodedata.category(ch) == "Nd":
        return DIGIT
    if unicodedata.category(ch).startswith("L") and "LATIN" in name:
        return LATIN
    return OTHER


def slow_pieces(text: str) -> list[str]:
    out, cur = [], []
    for ch in text:
        if slow_class(ch) != OTHER:
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def test_classes_of_known_characters():
    assert char_class("中") == HAN
    assert char_class("㐀") == HAN  # Extension A
    assert char_class("\U00020000") == HAN  # Extension B, astral
    assert char_class("\U0002a6d6") == HAN
    assert char_class("\U00030000") == HAN  # Extension G
    assert char_class("豈") == HAN  # compatibility ideograph U+F900
    assert char_class("〇") == HAN
    assert char_class("a") == LATIN and char_class("é") == LATIN and char_class("Ａ") == LATIN
    assert char_class("7") == DIGIT and char_class("７") == DIGIT
    for ch in "，。、「」《》 \t\n😀・—…α":
        assert char_class(ch) == OTHER, ch


def test_table_agrees_with_unicodedata_everywhere_it_matters():
    table = char_class_table()
    # Every code point of the scanned planes (BMP, SMP, SIP, TIP) except surrogates.
    for cp in list(range(0, 0xD800)) + list(range(0xE000, 0x40000)):
        assert table[cp] == slow_class(chr(cp)), hex(cp)


def test_pieces_split_at_every_non_word_character():
    text = "《天龙八部》第1回, 2024年。𠀀𪚥abc ＡＢＣ２１ café\r\n〇"
    assert pieces(text) == ["天龙八部", "第1回", "2024年", "𠀀𪚥abc", "ＡＢＣ２１", "café", "〇"]
    assert pieces("") == [] and pieces("，。") == [] and pieces("中") == ["中"]
    assert has_word_char("a,") and not has_word_char("，。 ")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中文词语abcZ09０Ａ，。 \n\r\t😀𠀀𪚥é・—")), max_size=60) | st.text(max_size=40))
def test_pieces_match_slow_reference(text):
    assert pieces(text) == slow_pieces(text)


def test_normalize():
    assert normalize("ＡＢＣ２１，　ｘ") == "ABC21, x"
    assert normalize("ＡＢＣ", fullwidth=False) == "ＡＢＣ"
    assert normalize("㍿", fullwidth=False, nfkc=True) == "株式会社"
    assert normalize("繁體字") == "繁體字"  # traditional text is left alone


def test_vocab_encode_layout():
    v = CharVocab()
    assert v.encode(["ab，c"]).tolist() == [2, 3, 0, 4, 0]
    assert v.encode([""]).tolist() == [] and v.encode([]).tolist() == [] and v.encode(["，。"]).tolist() == []
    assert v.encode(["a", "b"]).tolist() == [2, 0, 3, 0]  # documents never join
    # new characters of one call get ids in code point order: x < 𠀀 < 𪚥
    assert v.encode(["𠀀x𪚥"]).tolist() == [6, 5, 7, 0]
    assert v.decode([2, 3, 0, 4]) == "ab c"
    assert len(v) == 8 and v.id("a") == 2 and v.id("没") == CharVocab.UNK


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("中文词语abc09，。 \r😀𠀀𪚥")), max_size=30), max_size=6))
def test_vocab_encode_matches_pieces(texts):
    v = CharVocab()
    ids = v.encode(texts)
    expected = []
    for t in texts:
        for p in slow_pieces(t):
            expected.extend(v.id(c) for c in p)
            expected.append(CharVocab.SEP)
    assert ids.dtype == np.int32
    assert ids.tolist() == expected
    assert "".join(v.char(i) if i else "|" for i in ids) == "".join(p + "|" for t in texts for p in slow_pieces(t))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("中文词语abc09，。 \r\n\ufeff😀𠀀𪚥Ａ")), max_size=30), max_size=6),
       st.text(alphabet=st.sampled_from(list("中词a𠀀")), max_size=3), st.booleans())
def test_encode_block_kernel_equals_encode(texts, known, grow):
    """The numba encode_block equals the numpy encode, vocabulary growth (code point order,
    astral characters widening the table) and frozen vocabularies (UNK) included."""
    a, b = CharVocab(known), CharVocab(known)
    for text in texts + ["\n".join(texts)]:
        expected = a.encode([text], grow=grow)
        got = b.encode_block(text, grow=grow)
        assert got.dtype == np.int32 and got.tolist() == expected.tolist()
        assert b.codepoints.tolist() == a.codepoints.tolist()


def test_encode_block_edge_cases():
    v = CharVocab()
    assert v.encode_block("").tolist() == [] and v.encode_block("，。\r\n").tolist() == []
    assert v.encode_block("中").tolist() == [2, 0]
    assert v.encode_block("\ufeff𪚥x\r\n中").tolist() == [4, 3, 0, 2, 0]
    assert v.encode_block("文", grow=False).tolist() == [CharVocab.UNK, 0] and len(v) == 5


def test_vocab_frozen_and_roundtrip():
    v = CharVocab("中文")
    assert v.encode(["中国文"], grow=False).tolist() == [2, CharVocab.UNK, 3, 0]
    assert len(v) == 4
    w = CharVocab.from_codepoints(v.codepoints)
    assert [w.char(i) for i in range(2, len(w))] == ["中", "文"]
    assert v.encode_text("中，").tolist() == [2, 4]


def _fresh_table(monkeypatch, cache):
    """char_class_table() as a new process sees it, with the user cache directory *cache*."""
    from minent.text import chars

    monkeypatch.setenv("MINENT_CACHE_DIR", str(cache))
    chars.char_class_table.cache_clear()
    try:
        return chars.char_class_table()
    finally:
        chars.char_class_table.cache_clear()


def test_cached_class_table_equals_the_computed_one(tmp_path, monkeypatch):
    from minent.text.chars import compute_char_class_table

    computed = compute_char_class_table()
    first = _fresh_table(monkeypatch, tmp_path)  # computes and stores
    blobs = list(tmp_path.glob("char-classes-*"))
    assert len(blobs) == 1 and blobs[0].stat().st_size == len(computed) + 16
    assert not list(tmp_path.glob(".*.tmp"))  # (written through a temporary file, renamed)
    blobs[0].write_bytes(b"\x00" * blobs[0].stat().st_size)  # a table of OTHER, with a wrong checksum
    assert np.array_equal(_fresh_table(monkeypatch, tmp_path), computed)  # damaged: computed again...
    second = _fresh_table(monkeypatch, tmp_path)  # ... and stored again, whole: read back
    assert np.array_equal(first, computed) and np.array_equal(second, computed)
    assert second.dtype == np.uint8 and second.flags.writeable and len(second) == 0x110000
    blobs[0].write_bytes(blobs[0].read_bytes()[:-1])  # truncated
    assert np.array_equal(_fresh_table(monkeypatch, tmp_path), computed)


def test_class_table_cache_is_read_back_not_recomputed(tmp_path, monkeypatch):
    """A stored table is what a later start-up uses: a valid blob of other contents (made with
    the cache's own writer) is returned as it is, so the test above compares real reads."""
    from minent.cache import write_blob
    from minent.text import chars

    _fresh_table(monkeypatch, tmp_path)
    (blob,) = tmp_path.glob("char-classes-*")
    fake = np.full(0x110000, LATIN, dtype=np.uint8)
    monkeypatch.setenv("MINENT_CACHE_DIR", str(tmp_path))
    assert write_blob(blob.name, fake)
    assert np.array_equal(_fresh_table(monkeypatch, tmp_path), fake)
    # the name changes with what the table is computed from: another Unicode version, another blob
    monkeypatch.setattr(chars.unicodedata, "unidata_version", "0.0.0-test")
    assert np.array_equal(_fresh_table(monkeypatch, tmp_path), chars.compute_char_class_table())
    assert len(list(tmp_path.glob("char-classes-*"))) == 2
    # a third version removes the oldest: the blobs of two installs sharing the directory stay
    oldest = {p.name for p in tmp_path.glob("char-classes-*")} - {blob.name}
    os.utime(blob, (1, 1))
    monkeypatch.setattr(chars.unicodedata, "unidata_version", "0.0.1-test")
    _fresh_table(monkeypatch, tmp_path)
    left = {p.name for p in tmp_path.glob("char-classes-*")}
    assert len(left) == 2 and blob.name not in left and oldest <= left


def test_class_table_without_a_writable_cache_is_computed(tmp_path, monkeypatch):
    from minent.text.chars import compute_char_class_table

    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    assert np.array_equal(_fresh_table(monkeypatch, blocker / "cache"), compute_char_class_table())
    assert blocker.read_text() == "not a directory\n"
