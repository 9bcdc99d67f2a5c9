"""Model archives: save_npz writes what np.load reads, with every array's data aligned; open_npz
maps such a file (and reads any other .npz as np.load does), with the same arrays and the same
one-line errors for a damaged file."""

from __future__ import annotations

import mmap
import zipfile

import numpy as np
import pytest

from minent.errors import DataError
from minent.io.npz import ALIGN, open_npz, save_npz

ARRAYS = {
    "keys": np.arange(1, 1000, 7, dtype=np.uint64) * np.uint64(2**40),
    "counts": np.arange(143, dtype=np.uint32) + 1,
    "scalar": np.array(14),
    "alpha": np.array(20.0),
    "format": np.array("minent-test-1"),
    "flag": np.array(True),
    "words": np.frombuffer("中文\n词".encode(), dtype=np.uint8),
    "matrix": np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    "empty": np.zeros(0, dtype=np.int64),
    "odd": np.arange(5, dtype=np.int8),  # (a length that leaves the next member unaligned without padding)
}


def _data_offsets(path):
    """Where each member's array data start in the file, read with zipfile and numpy only."""
    out = {}
    with zipfile.ZipFile(path) as zf, open(path, "rb") as f:
        for info in zf.infolist():
            f.seek(info.header_offset + 26)
            n, m = np.frombuffer(f.read(4), dtype="<u2")
            f.seek(info.header_offset + 30 + int(n) + int(m))
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                np.lib.format.read_array_header_1_0(f)
            else:
                np.lib.format.read_array_header_2_0(f)
            out[info.filename[:-4]] = f.tell()
    return out


def _owner(a: np.ndarray):
    """The object that holds the memory of *a*."""
    while isinstance(a, np.ndarray) and a.base is not None:
        a = a.base
    return a.obj if isinstance(a, memoryview) else a


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and np.array_equal(a[k], b[k]) for k in a)


def test_save_npz_is_an_npz_with_aligned_data(tmp_path):
    p = tmp_path / "m.npz"
    with open(p, "wb") as f:
        save_npz(f, ARRAYS)
    with np.load(p, allow_pickle=False) as z:
        assert _same({k: z[k] for k in z.files}, ARRAYS)
    assert all(offset % ALIGN == 0 for offset in _data_offsets(p).values())
    again = tmp_path / "again.npz"
    with open(again, "wb") as f:
        save_npz(f, ARRAYS)
    assert again.read_bytes() == p.read_bytes()  # (no time stamps: the same arrays, the same bytes)


def test_open_npz_maps_aligned_files_and_reads_others(tmp_path):
    aligned = tmp_path / "aligned.npz"
    with open(aligned, "wb") as f:
        save_npz(f, ARRAYS)
    with open_npz(aligned) as z:
        assert _same(z, ARRAYS)
        assert all(a.flags.writeable and a.flags.aligned for a in z.values())
        assert all(isinstance(_owner(a), mmap.mmap) for a in z.values())  # views of the file, not copies
        z["counts"][0] = 99  # copy-on-write: the file is not changed
    with open_npz(aligned) as z:
        assert z["counts"][0] == 1
    for name, save in (("plain.npz", np.savez), ("compressed.npz", np.savez_compressed)):
        p = tmp_path / name
        save(p, **ARRAYS)
        with open_npz(p) as z:
            assert _same(z, ARRAYS) and all(a.flags.aligned for a in z.values())
            assert not any(isinstance(_owner(a), mmap.mmap) for a in z.values())


def test_open_npz_refuses_damaged_files(tmp_path):
    p = tmp_path / "m.npz"
    with open(p, "wb") as f:
        save_npz(f, ARRAYS)
    data = bytearray(p.read_bytes())
    offset = _data_offsets(p)["keys"]
    data[offset + 3] ^= 0x40  # one bit of an array: the CRC-32 no longer matches
    bad = tmp_path / "bad.npz"
    bad.write_bytes(bytes(data))
    with pytest.raises(DataError, match=r"bad\.npz: malformed model file \(bad CRC-32"):
        with open_npz(bad):
            pass
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(p.read_bytes()[: offset + 100])
    with pytest.raises(DataError, match="truncated.npz: malformed model file"):
        with open_npz(truncated):
            pass
    objects = tmp_path / "objects.npz"
    np.savez(objects, x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(DataError, match="objects.npz: malformed model file"):
        with open_npz(objects):
            pass


def test_open_npz_reads_a_file_it_cannot_map(tmp_path, monkeypatch):
    p = tmp_path / "m.npz"
    with open(p, "wb") as f:
        save_npz(f, ARRAYS)

    def no_map(*args, **kwargs):
        raise OSError(19, "No such device")  # (what mmap says on a file system without it)

    mapped = mmap.mmap
    monkeypatch.setattr(mmap, "mmap", no_map)
    with open_npz(p) as z:
        assert _same(z, ARRAYS) and not any(isinstance(_owner(a), mapped) for a in z.values())


def test_open_npz_members_are_the_checked_zip_directory(tmp_path):
    """open_npz.members: each member's name, CRC-32 (that of its bytes), size, compressed size
    and compression, whether the file was mapped or read by np.load; other arrays, other CRCs."""
    import zipfile
    import zlib

    aligned = tmp_path / "aligned.npz"
    with open(aligned, "wb") as f:
        save_npz(f, ARRAYS)
    plain, compressed = tmp_path / "plain.npz", tmp_path / "compressed.npz"
    np.savez(plain, **ARRAYS)
    np.savez_compressed(compressed, **ARRAYS)
    seen = {}
    for p in aligned, plain, compressed:
        with (opened := open_npz(p)) as z:
            assert _same(z, ARRAYS)
        with zipfile.ZipFile(p) as zf:
            want = tuple((i.filename, zlib.crc32(zf.read(i.filename)), i.file_size, i.compress_size,
                          i.compress_type) for i in zf.infolist())
        assert opened.members == want and len(want) == len(ARRAYS)
        seen[p.name] = {m[0]: m[1] for m in opened.members}
    assert seen["aligned.npz"] == seen["plain.npz"] == seen["compressed.npz"]  # the same .npy bytes
    other = tmp_path / "other.npz"
    with open(other, "wb") as f:
        save_npz(f, {**ARRAYS, "keys": ARRAYS["keys"] + 1})
    with (opened := open_npz(other)) as z:
        pass
    assert {m[0]: m[1] for m in opened.members}["keys.npy"] != seen["aligned.npz"]["keys.npy"]
