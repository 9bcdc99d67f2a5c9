"""Cache entries of arrays: written whole, checked on load, rebuilt when damaged."""

from __future__ import annotations

import logging
import os

import numpy as np
import pytest

from minent.io import cache_entry
from minent.io.cache_entry import load_entry, load_or_build, prune_entries, save_entry, verify_entry


def arrays():
    return {"a": np.arange(10, dtype=np.int64), "b": np.array(["天龙", "八部"])}


def test_save_load_roundtrip_and_cheap_check(tmp_path, monkeypatch):
    entry = tmp_path / "kind-1"
    save_entry(entry, arrays(), "fmt-1")
    assert sorted(p.name for p in entry.iterdir()) == ["a.npy", "b.npy", "format", "manifest.json", "verified.json"]
    monkeypatch.setattr(cache_entry, "_checksum", lambda p, r: (_ for _ in ()).throw(AssertionError(f"hashed {p}")))
    got = load_entry(entry, ["a", "b"], "fmt-1")  # stamped when written: no hashing
    assert got["a"].tolist() == list(range(10)) and got["b"].tolist() == ["天龙", "八部"]
    with pytest.raises(ValueError, match="stale"):
        load_entry(entry, ["a"], "fmt-2")


def test_damage_is_found_whatever_the_size(tmp_path):
    entry = tmp_path / "kind-1"
    save_entry(entry, arrays(), "fmt")
    f = entry / "a.npy"
    size = f.stat().st_size
    with open(f, "r+b") as fh:  # same size, other bytes
        fh.seek(size - 8)
        fh.write(b"\x01" * 8)
    with pytest.raises(ValueError, match="a.npy: checksum mismatch"):
        verify_entry(entry)
    with open(f, "ab") as fh:
        fh.write(b"x")
    with pytest.raises(ValueError, match=f"a.npy: {size + 1} bytes, expected {size}"):
        verify_entry(entry)


def test_load_or_build_rebuilds_a_damaged_entry_with_a_warning(tmp_path, caplog):
    entry = tmp_path / "kind-1"
    built = []

    def build():
        built.append(1)
        return arrays()

    _, loaded = load_or_build(entry, ["a", "b"], "fmt", build, "thing")
    assert not loaded and built == [1]
    got, loaded = load_or_build(entry, ["a", "b"], "fmt", build, "thing")
    assert loaded and built == [1]
    with open(entry / "b.npy", "r+b") as fh:
        fh.seek(-4, os.SEEK_END)
        fh.write(b"\0\0\0\0")
    with caplog.at_level(logging.WARNING, logger="minent"):
        got, loaded = load_or_build(entry, ["a", "b"], "fmt", build, "thing")
    assert not loaded and built == [1, 1] and got["b"].tolist() == ["天龙", "八部"]
    assert "the cached thing" in caplog.text and "damaged" in caplog.text and "b.npy" in caplog.text
    assert load_or_build(entry, ["a", "b"], "fmt", build, "thing")[1]  # written again, intact
    # another format is replaced without a warning; an unwritable cache only costs speed
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="minent"):
        assert not load_or_build(entry, ["a"], "fmt-new", build, "thing")[1]
    assert not caplog.records
    blocker = tmp_path / "file"
    blocker.write_text("x")
    got, loaded = load_or_build(blocker / "sub" / "kind-1", ["a"], "fmt", build, "thing")
    assert not loaded and got["a"].tolist() == list(range(10))


def test_prune_keeps_the_recent_entries_of_a_kind(tmp_path):
    for i in range(5):
        save_entry(tmp_path / f"kind-{i}", arrays(), "fmt")
        os.utime(tmp_path / f"kind-{i}", (100 + i, 100 + i))
    save_entry(tmp_path / "other-0", arrays(), "fmt")
    os.utime(tmp_path / "other-0", (1, 1))
    removed = prune_entries(tmp_path, "kind-", 2)
    assert sorted(p.name for p in removed) == ["kind-0", "kind-1", "kind-2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kind-3", "kind-4", "other-0"]
    assert prune_entries(tmp_path / "none", "kind-", 2) == []


def test_an_entry_without_its_manifest_is_replaced_not_rebuilt_every_time(tmp_path):
    """An entry of an older writer (same format tag, no manifest) is damaged: removed and written
    anew, so that the next load finds it (writing over an existing entry would fail quietly)."""
    entry = tmp_path / "kind-1"
    save_entry(entry, arrays(), "fmt")
    (entry / "manifest.json").unlink()
    assert not load_or_build(entry, ["a"], "fmt", arrays, "thing")[1]
    assert (entry / "manifest.json").is_file()
    assert load_or_build(entry, ["a"], "fmt", arrays, "thing")[1]


def _later(monkeypatch, seconds: float = 3.0) -> None:
    """Move cache_entry's clock forward: the files written so far have settled."""
    import time
    import types

    monkeypatch.setattr(cache_entry, "time", types.SimpleNamespace(
        time=lambda: time.time() + seconds, time_ns=lambda: time.time_ns() + int(seconds * 1e9)))


def _counting_digest(monkeypatch) -> list:
    hashed: list = []
    real = cache_entry.digest
    monkeypatch.setattr(cache_entry, "digest", lambda p: hashed.append(p) or real(p))
    return hashed


def test_a_source_checksum_is_remembered_until_the_file_changes(tmp_path, monkeypatch):
    import time

    from minent.io.cache_entry import source_digest

    memo = tmp_path / "memo"
    f = tmp_path / "dict.txt"
    f.write_bytes(b"abc 3\n" * 1000)
    want = cache_entry.digest(f)
    hashed = _counting_digest(monkeypatch)
    # just written: hashed every time (a second write in the same clock tick would not show)
    assert source_digest(f, memo) == source_digest(f, memo) == want and len(hashed) == 2
    _later(monkeypatch)
    assert source_digest(f, memo) == want and len(hashed) == 3  # hashed, and now remembered
    assert source_digest(f, memo) == want and source_digest(tmp_path / "." / "dict.txt", memo) == want
    assert len(hashed) == 3 and len(list(memo.iterdir())) == 1
    # modified in place, same size, modification time set back: the change time tells
    st = f.stat()
    time.sleep(0.05)  # a later clock tick (file times are as coarse as the kernel's tick)
    with open(f, "r+b") as fh:
        fh.write(b"xyz")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert f.stat().st_size == st.st_size and f.stat().st_mtime_ns == st.st_mtime_ns
    assert source_digest(f, memo) == cache_entry.digest(f) != want
    # replaced by another file of the same size
    _later(monkeypatch, 6.0)
    g = tmp_path / "new.txt"
    g.write_bytes(b"abd 3\n" * 1000)
    os.replace(g, f)
    assert source_digest(f, memo) == cache_entry.digest(f)
    # no memo, or one that cannot be written: only the hash is paid
    assert source_digest(f, None) == cache_entry.digest(f)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a directory")
    assert source_digest(f, blocked) == cache_entry.digest(f)
    (memo / os.listdir(memo)[0]).write_text("{not json")
    assert source_digest(f, memo) == cache_entry.digest(f)


def _crc32_of_file(path) -> str:
    import zlib

    return f"crc32:{zlib.crc32(path.read_bytes()):08x}"


def test_manifest_checksums_taken_in_memory_are_those_of_the_files(tmp_path, monkeypatch):
    """save_entry takes each file's CRC-32 from the array in memory as it writes it (the header
    read back): exactly the CRC-32 of the file, whatever the layout; no file is hashed again."""
    import json

    grid = np.arange(24, dtype=np.float64).reshape(4, 6)
    cases = {"c": grid, "fortran": np.asfortranarray(grid), "strided": grid[:, ::2], "scalar": np.array(7),
             "empty": np.zeros((0, 3), dtype=np.uint64), "text": np.array(["天龙", "八部"]),
             "pairs": np.zeros(3, dtype=[("k", "<u8"), ("v", "<i4")])}
    read_back = []
    real_checksum = cache_entry._checksum
    monkeypatch.setattr(cache_entry, "_checksum", lambda p, r: read_back.append(p.name) or real_checksum(p, r))
    entry = tmp_path / "kind-1"
    save_entry(entry, cases, "fmt")
    assert read_back == ["strided.npy"]  # (np.save writes a copy of it: the file is read back)
    manifest = json.loads((entry / "manifest.json").read_text())
    assert sorted(manifest) == sorted(f"{n}.npy" for n in cases)
    for name, (size, checksum) in manifest.items():
        assert size == (entry / name).stat().st_size and checksum == _crc32_of_file(entry / name)
    got = load_entry(entry, list(cases), "fmt")
    for name, array in cases.items():
        assert got[name].dtype == array.dtype and np.array_equal(got[name], array)
    (entry / "verified.json").unlink()  # checked in full again: CRC-32 of the files, all intact
    monkeypatch.undo()
    verify_entry(entry)


def test_entries_with_blake2b_manifests_stay_valid(tmp_path):
    """An entry written before the manifests held CRC-32s (blake2b, 32 hex digits) is checked
    with blake2b: intact, it loads; damaged, it is found."""
    import json

    entry = tmp_path / "kind-1"
    save_entry(entry, arrays(), "fmt")
    old = {f: [(entry / f).stat().st_size, cache_entry.digest(entry / f)] for f in ("a.npy", "b.npy")}
    (entry / "manifest.json").write_text(json.dumps(old))
    (entry / "verified.json").unlink()
    assert load_entry(entry, ["a", "b"], "fmt")["a"].tolist() == list(range(10))
    with open(entry / "a.npy", "r+b") as fh:
        fh.seek(-8, os.SEEK_END)
        fh.write(b"\x01" * 8)
    with pytest.raises(ValueError, match="a.npy: checksum mismatch"):
        verify_entry(entry)
