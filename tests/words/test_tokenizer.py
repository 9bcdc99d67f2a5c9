"""The fast tokenizer against jieba itself (the oracle): real text, edge cases, hypothesis."""

from __future__ import annotations

import csv
import gzip
import itertools
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

jieba = pytest.importorskip("jieba")
import jieba.finalseg  # noqa: E402

from minent.errors import DataError, UsageError  # noqa: E402
from minent.words.tokenizers.fast import Tokenizer, load_dict, read_user_dict  # noqa: E402
from tests.support import SAMPLE, SHARED_DATA, TEST_DATA  # noqa: E402

jieba.setLogLevel(logging.WARNING)

DATA = SHARED_DATA  # optional extra text where present
USER_DICT = TEST_DATA / "jieba_userdict.txt"
CONFIGS = [(hmm, mode) for hmm in (True, False) for mode in ("default", "search", "all")]


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory, monkeypatch):
    # one compile per session, in a private cache directory
    monkeypatch.setenv("MINENT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "minent-cache"))


class Reference:
    """jieba with the same dictionary. jieba keeps force-split words (user words of frequency 0)
    in a global set; it is restored after each call so references do not leak into each other."""

    def __init__(self, user_dict=None):
        saved = set(jieba.finalseg.Force_Split_Words)
        self.tk = jieba.Tokenizer()
        self.tk.initialize()
        if user_dict:
            self.tk.load_userdict(str(user_dict))
        self.force = set(jieba.finalseg.Force_Split_Words)
        jieba.finalseg.Force_Split_Words.clear()
        jieba.finalseg.Force_Split_Words.update(saved)

    def cut(self, text, hmm, mode):
        saved = set(jieba.finalseg.Force_Split_Words)
        jieba.finalseg.Force_Split_Words.clear()
        jieba.finalseg.Force_Split_Words.update(self.force)
        try:
            if mode == "search":
                return list(self.tk.cut_for_search(text, HMM=hmm))
            return list(self.tk.cut(text, cut_all=mode == "all", HMM=hmm))
        finally:
            jieba.finalseg.Force_Split_Words.clear()
            jieba.finalseg.Force_Split_Words.update(saved)


_REFS: dict = {}
_FAST: dict = {}


def ref(user):
    if user not in _REFS:
        _REFS[user] = Reference(USER_DICT if user else None)
    return _REFS[user]


def fast(hmm, mode, user):
    key = (hmm, mode, user)
    if key not in _FAST:
        _FAST[key] = Tokenizer(hmm=hmm, mode=mode, user_dict=USER_DICT if user else None)
    return _FAST[key]


def assert_same(lines, hmm, mode, user=False):
    got = fast(hmm, mode, user).cut_many(lines)
    diffs = [(line, ref(user).cut(line, hmm, mode), toks)
             for line, toks in zip(lines, got) if toks != ref(user).cut(line, hmm, mode)]
    assert not diffs, f"{len(diffs)} differing lines, first: {diffs[0]}"


# --------------------------------------------------------------------------- real text

def _real_lines():
    """The project's sample, plus the first lines of the shared corpora when they are present."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    if not DATA.is_dir():
        return lines
    with open(DATA / "sighan2005" / "pku_test.utf8", encoding="utf-8", newline="") as f:
        lines += [line.rstrip("\n") for line in itertools.islice(f, 300)]  # keeps the CR
    with open(DATA / "corpora" / "ChnSentiCorp_htl_all.csv", encoding="utf-8", newline="") as f:
        lines += [row["review"] for row in itertools.islice(csv.DictReader(f), 300)]
    with gzip.open(DATA / "corpora" / "poems_tang_song.txt.gz", "rt", encoding="utf-8") as f:
        lines += [line.rstrip("\n") for line in itertools.islice(f, 300)]
    return lines


@pytest.mark.parametrize("hmm,mode", CONFIGS)
def test_real_text_identical_to_jieba(hmm, mode):
    assert_same(_real_lines(), hmm, mode)


@pytest.mark.parametrize("hmm,mode", CONFIGS)
def test_real_text_identical_with_user_dict(hmm, mode):
    assert_same(_real_lines()[::3], hmm, mode, user=True)


# --------------------------------------------------------------------------- edge cases

EDGE = [
    "", "中", "a", " ", "\r\n", "\r", "\n", "\ufeff开头有BOM", "行尾\r\n", "\u3000全角空格\u3000",
    "AT&T和C++以及c#", "3.14%的人", "1.2.3.4", "abc.12%x", "--++__..%%", "a-b_c&d",
    "𠀀𠀁𠀂汉字𪚥", "emoji😀笑😀", "ＡＢＣ１２３全角", "Ǆǅ混合ⅫⅦ", "\x1c\x1d\x1e\x1f\x85\u2028",
    "我来到北京清华大学", "他来到了网易杭研大厦", "小明硕士毕业于中国科学院计算所，后在日本京都大学深造",
    "石墨烯和云计算在台中，韩玉赏鉴江大桥好酒店不错的", "New York的ＡＢＣ和3.14以及C++",
    "工信处女干事每月经过下属科室都要亲口交代24口交换机等技术性器件的安装工作",
    "长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长",
    "龥鿕鿖鿿㐀䶵", "a1b2c3 d4.5e6", "x" * 50 + "中" * 50,
]


@pytest.mark.parametrize("user", [False, True])
@pytest.mark.parametrize("hmm,mode", CONFIGS)
def test_edge_cases(hmm, mode, user):
    assert_same(EDGE, hmm, mode, user)
    for text in EDGE:  # one at a time too: batching must not change anything
        assert fast(hmm, mode, user).cut(text) == ref(user).cut(text, hmm, mode)


# --------------------------------------------------------------------------- hypothesis

_ALPHABET = st.one_of(
    st.sampled_from(list("的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后"
                         "北京清华大学计算所云台韩玉赏鉴江桥好酒店错石墨烯長詩題春風明月白日依山")),
    st.sampled_from(list("abcXYZ0123456789+#&._%-")),
    st.sampled_from(list("，。！？、；：“”（）《》—…·,.!?;:'\"()[]")),
    st.sampled_from([" ", "\t", "\r\n", "\r", "\n", "\u3000", "\xa0", "\x0b", "\x1c", "\u2028"]),
    st.sampled_from(["😀", "👍🏽", "𠀀", "𪚥", "𫝀", "\U00030000", "㐀", "鿖", "ｱ", "ａ", "１"]),
    st.characters(codec="utf-8"),
)
_TEXT = st.lists(_ALPHABET, max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, config=st.sampled_from(CONFIGS), user=st.booleans())
def test_hypothesis_identical_to_jieba(text, config, user):
    hmm, mode = config
    assert fast(hmm, mode, user).cut(text) == ref(user).cut(text, hmm, mode)


@settings(max_examples=30, deadline=None)
@given(texts=st.lists(_TEXT, max_size=12))
def test_batches_equal_single_calls(texts):
    tk = fast(True, "default", False)
    assert tk.cut_many(texts) == [tk.cut(t) for t in texts]
    assert tk.tokenize_lines(texts) == "".join(" ".join(tk.cut(t)) + "\n" for t in texts)


# --------------------------------------------------------------------------- dictionaries

def test_user_dict_frequencies_match_jieba():
    d = load_dict(None, USER_DICT)
    r = ref(True).tk
    assert d.total == r.total
    for word, _ in read_user_dict(USER_DICT):
        assert d.freq(word) == r.FREQ.get(word), word
    assert d.has_force
    assert d.freq("北京") == r.FREQ["北京"] and d.freq("北") == r.FREQ["北"]
    assert d.freq("清华大") == 0 and d.freq("没有这个词zz") is None


def test_user_dict_changes_output():
    text = "石墨烯和云计算在台中，韩玉赏鉴江大桥"
    assert fast(True, "default", True).cut(text) != fast(True, "default", False).cut(text)
    assert "石墨烯" in fast(True, "default", True).cut(text)


def test_replacement_main_dict(tmp_path):
    small = tmp_path / "small.txt"
    small.write_text("北京 10 ns\n大学 8\n清华 5\n清华大学 20 nt\n北京 12\n", encoding="utf-8")
    r = jieba.Tokenizer(str(small))
    r.initialize()
    tk = Tokenizer(dict_path=small)
    assert tk.dict.total == r.total == 55
    for text in EDGE:
        assert tk.cut(text) == list(r.cut(text))
        assert Tokenizer(dict_path=small, hmm=False).cut(text) == list(r.cut(text, HMM=False))


def test_malformed_dictionary_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("北京 10\n大学\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.txt: line 2: invalid dictionary entry '大学'"):
        Tokenizer(dict_path=bad)
    binary = tmp_path / "bin.bin"  # no binary garbage in the one-line message
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DataError, match=r"bin.bin: line 1: (not UTF-8 text|control characters)") as err:
        Tokenizer(dict_path=binary)
    assert str(err.value).isprintable() and len(str(err.value)) < 200
    binary.write_bytes(b"\x01\x02\n")
    with pytest.raises(DataError, match="control characters"):
        Tokenizer(dict_path=binary)
    with pytest.raises(UsageError):
        Tokenizer(dict_path=tmp_path / "missing.txt")
    with pytest.raises(UsageError):
        Tokenizer(mode="precise")
    notutf8 = tmp_path / "user.txt"
    notutf8.write_bytes("北京 3\n".encode("gbk"))
    with pytest.raises(DataError, match="line 1"):
        Tokenizer(user_dict=notutf8)


def test_cache_written_reused_and_optional(tmp_path, monkeypatch):
    from minent.words.tokenizers import fast as tkmod

    small = tmp_path / "d.txt"
    small.write_text("北京 10\n大学 8\n", encoding="utf-8")
    monkeypatch.setenv("MINENT_CACHE_DIR", str(tmp_path / "cache"))
    tkmod._load_cached.cache_clear()
    first = Tokenizer(dict_path=small).cut("北京大学")
    files = list((tmp_path / "cache").glob("jieba-*"))
    assert len(files) == 1 and (files[0] / "format").is_file()
    tkmod._load_cached.cache_clear()
    calls = []
    monkeypatch.setattr(tkmod, "compile_dict", lambda *a, **k: calls.append(a))
    assert Tokenizer(dict_path=small).cut("北京大学") == first and not calls  # from the cache
    monkeypatch.undo()
    # a changed file has another hash: recompiled, never served stale
    small.write_text("北京大学 100\n", encoding="utf-8")
    monkeypatch.setenv("MINENT_CACHE_DIR", str(tmp_path / "cache"))
    tkmod._load_cached.cache_clear()
    assert Tokenizer(dict_path=small).cut("北京大学") == ["北京大学"]
    # an unwritable cache location only costs speed
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("MINENT_CACHE_DIR", str(blocker / "sub"))
    tkmod._load_cached.cache_clear()
    assert Tokenizer(dict_path=small).cut("北京大学") == ["北京大学"]
    tkmod._load_cached.cache_clear()


def test_cache_keeps_the_recently_used_entries(tmp_path, monkeypatch):
    import os

    from minent.words.tokenizers import fast as tkmod

    cache = tmp_path / "cache"
    monkeypatch.setenv("MINENT_CACHE_DIR", str(cache))
    cache.mkdir()
    (cache / "jieba-0123.npz").write_bytes(b"an entry of the old format")
    stale_tmp = cache / ".tmp-abc"
    stale_tmp.mkdir()
    os.utime(stale_tmp, (1, 1))
    fresh_tmp = cache / ".tmp-def"  # maybe another process writing right now
    fresh_tmp.mkdir()
    dicts = []
    for i in range(tkmod.CACHE_ENTRIES + 2):
        d = tmp_path / f"d{i}.txt"
        d.write_text(f"北京 {10 + i}\n大学 8\n", encoding="utf-8")
        dicts.append(d)
        tkmod._load_cached.cache_clear()
        assert Tokenizer(dict_path=d).cut("北京大学") == ["北京", "大学"]
        os.utime(cache / f"jieba-{Tokenizer(dict_path=d).dict.key}", (100 + i, 100 + i))
        if i == 1:  # the first dictionary is used again: it stays
            tkmod._load_cached.cache_clear()
            Tokenizer(dict_path=dicts[0])
            os.utime(cache / f"jieba-{Tokenizer(dict_path=dicts[0]).dict.key}", (1000, 1000))
    entries = sorted(p.name for p in cache.glob("jieba-*"))
    keys = []
    for d in dicts:
        tkmod._load_cached.cache_clear()
        keys.append(f"jieba-{tkmod.load_dict(d).key}")
    assert len(entries) == tkmod.CACHE_ENTRIES
    assert keys[0] in entries and keys[-1] in entries and keys[1] not in entries
    assert not stale_tmp.exists() and fresh_tmp.exists()
    assert tkmod.prune_cache(tmp_path / "none") == []
    tkmod._load_cached.cache_clear()


def test_count_matches_counter():
    from collections import Counter

    lines = EDGE * 2
    tk = fast(True, "default", False)
    want = Counter(w for line in lines for w in ref(False).cut(line, True, "default"))
    assert tk.count(lines) == want


def test_cache_entry_corrupted_in_place_is_detected_and_rebuilt(tmp_path, monkeypatch, caplog):
    """Same size, other bytes: the manifest's checksum catches it (the files' change time
    differs from the stamp of the last verification), the entry is compiled again."""

    from minent.words.tokenizers import fast as tkmod
    from tests.support import zero_array_in_place

    small = tmp_path / "d.txt"
    small.write_text("北京 10\n大学 8\n北京大学 1\n", encoding="utf-8")
    monkeypatch.setenv("MINENT_CACHE_DIR", str(tmp_path / "cache"))
    tkmod._load_cached.cache_clear()
    first = Tokenizer(dict_path=small).cut("我在北京大学")
    (entry,) = (tmp_path / "cache").glob("jieba-*")
    zero_array_in_place(entry / "nweight.npy")  # in place, same size: every word now costs nothing
    tkmod._load_cached.cache_clear()
    compiled = []
    real = tkmod.compile_dict
    monkeypatch.setattr(tkmod, "compile_dict", lambda *a, **k: compiled.append(a) or real(*a, **k))
    with caplog.at_level("WARNING", logger="minent"):
        again = Tokenizer(dict_path=small).cut("我在北京大学")
    assert compiled, "the damaged entry was served"
    assert again == first
    assert "damaged" in caplog.text and "nweight.npy" in caplog.text
    # the rebuilt entry verifies cheaply afterwards: no hashing while its stamp matches
    tkmod._load_cached.cache_clear()
    from minent.io import cache_entry

    real_digest = cache_entry.digest  # the dictionary itself (just written) is hashed: not the entry

    def digest(p):
        if (tmp_path / "cache") in p.parents or (tmp_path / "copy") in p.parents:
            raise AssertionError(f"hashed {p}")
        return real_digest(p)

    monkeypatch.setattr(cache_entry, "digest", digest)
    real_checksum = cache_entry._checksum  # (how entry files are checked: CRC-32 or blake2b)
    monkeypatch.setattr(cache_entry, "_checksum", lambda p, recorded: digest(p) and real_checksum(p, recorded))
    import shutil

    with pytest.raises(AssertionError, match="hashed"):  # a copy (new inodes) is hashed: the patch bites
        cache_entry.verify_entry(shutil.copytree(entry, tmp_path / "copy"))
    assert Tokenizer(dict_path=small).cut("我在北京大学") == first
    tkmod._load_cached.cache_clear()
