"""Reading and writing .npz model files: no pickle, every failure a one-line error naming the file.

:func:`save_npz` writes an ordinary .npz archive (``np.load`` reads it) whose members are stored
uncompressed with their array data aligned to 64 bytes in the file: a padding field in each
member's zip header, as Android's ``zipalign`` pads its archives, and a fixed date, so the same
arrays make the same bytes. :class:`open_npz` then maps such a file into memory instead of
reading it: its arrays are views of the page cache (copy-on-write: writable, private), so
loading a model of 80 MB neither copies it nor asks the kernel for 80 MB of fresh zeroed pages,
and worker processes share the pages. Each member's CRC-32 is still checked. An archive that is
compressed, or whose array data are not aligned (``np.savez`` writes them anywhere), is read as
before.
"""

from __future__ import annotations

import mmap
import struct
import zipfile
import zlib

import numpy as np

from minent.errors import DataError, UsageError

ALIGN = 64
"""Where :func:`save_npz` puts every array's data: a multiple of this many bytes into the file."""

_PAD_ID = 0xD935  # the header id of zipalign's padding field (readers skip fields they do not know)
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # a zip member's local header (30 bytes)


def _npy_bytes(array: np.ndarray) -> tuple[bytes, int]:
    """The .npy file of *array* and the length of its header."""
    import io

    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=False)
    data = buf.getvalue()
    return data, len(data) - array.nbytes


def save_npz(f, arrays: dict[str, np.ndarray]) -> None:
    """Write *arrays* as an .npz archive to the binary, seekable file *f* (see the module
    docstring: stored, data aligned to :data:`ALIGN` bytes, deterministic)."""
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, value in arrays.items():
            data, header = _npy_bytes(np.asanyarray(value))
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            # the data start after the local header (30 bytes), the name, the extra field and
            # the .npy header: pad the extra field so that they start on an ALIGN boundary
            start = f.tell() + _LOCAL.size + len(info.filename.encode("utf-8")) + header
            pad = -start % ALIGN
            if pad < 4:  # (a field is at least its 4-byte id and length)
                pad += ALIGN
            info.extra = struct.pack("<HH", _PAD_ID, pad - 4) + bytes(pad - 4)
            zf.writestr(info, data)


def _directory(infos: list[zipfile.ZipInfo]) -> tuple:
    """What the zip directory says of each member: name, CRC-32, size, compression."""
    return tuple((i.filename, i.CRC, i.file_size, i.compress_size, i.compress_type) for i in infos)


def _mapped(path, seen: list | None = None) -> dict[str, np.ndarray] | None:
    """The arrays of the archive *path* as views of a copy-on-write memory map of it, or None
    when a member is compressed, not an .npy file, or not aligned (then ``np.load`` reads it).
    Raises ``zipfile.BadZipFile`` / ``ValueError`` for a damaged archive. The members'
    :func:`_directory` is appended to *seen*."""
    with open(path, "rb") as f, zipfile.ZipFile(f) as zf:
        infos = zf.infolist()
        if seen is not None:
            seen.append(_directory(infos))
        if not infos or any(i.compress_type != zipfile.ZIP_STORED or not i.filename.endswith(".npy")
                            or i.flag_bits & 0x1 for i in infos):
            return None
        places = []
        for info in infos:
            f.seek(info.header_offset)
            local = f.read(_LOCAL.size)
            if len(local) != _LOCAL.size or local[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"bad local header of {info.filename}")
            fields = _LOCAL.unpack(local)
            start = info.header_offset + _LOCAL.size + fields[-2] + fields[-1]
            f.seek(start)
            version = np.lib.format.read_magic(f)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read_header is None:
                return None
            shape, fortran, dtype = read_header(f)
            if dtype.hasobject:
                raise ValueError(f"{info.filename}: object arrays cannot be loaded without pickle")
            offset = f.tell()
            count = int(np.prod(shape, dtype=np.int64))
            if offset + count * dtype.itemsize != start + info.file_size:
                raise ValueError(f"{info.filename}: the array does not fill its member")
            if offset % max(dtype.alignment, 1):
                return None
            places.append((info, start, offset, shape, fortran, dtype, count))
        try:
            mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
        except (OSError, ValueError):  # (a file system that cannot map files: read it)
            return None
    view = memoryview(mm)
    arrays = {}
    for info, start, offset, shape, fortran, dtype, count in places:
        if zlib.crc32(view[start:start + info.file_size]) != info.CRC:
            raise zipfile.BadZipFile(f"bad CRC-32 for {info.filename}")
        a = np.frombuffer(mm, dtype=dtype, count=count, offset=offset)
        arrays[info.filename[:-4]] = a.reshape(shape, order="F" if fortran else "C")
    view.release()
    return arrays


class open_npz:
    """The arrays of an .npz as a dict, in a context manager whose errors name the file (no
    pickle); memory-mapped when the file was written by :func:`save_npz`.

    :attr:`members`, once entered: the name, CRC-32, size, compressed size and compression of
    every member, as the archive's directory gave them. Every member's data was checked against
    its CRC-32 (here, or by ``zipfile`` as ``np.load`` reads it), so it identifies what was
    loaded (:func:`minent.segmentation.charlm.cached_tables` keys its entries by it)."""

    def __init__(self, path):
        self.path = path
        self.members: tuple = ()

    def __enter__(self):
        try:
            with open(self.path, "rb") as f:
                if f.read(4) != b"PK\x03\x04":
                    raise DataError(f"{self.path}: malformed model file (not an .npz archive)")
            seen = []
            arrays = _mapped(self.path, seen)
            if arrays is not None:
                self.members = seen[0]
                return arrays
            self.z = np.load(self.path, allow_pickle=False)
            files = set(self.z.files)
            arrays = {k: self.z[k] for k in files}  # (read whole: zipfile checks each CRC-32)
            self.members = _directory(self.z.zip.infolist())
            return arrays
        except FileNotFoundError:
            raise UsageError(f"{self.path}: no such model file") from None
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as e:
            raise DataError(f"{self.path}: malformed model file ({e})") from None

    def __exit__(self, *exc):
        z = getattr(self, "z", None)
        if z is not None and hasattr(z, "close"):
            z.close()
        return False
