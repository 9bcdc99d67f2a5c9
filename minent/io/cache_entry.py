"""Cache entries of compiled arrays: one directory of ``.npy`` files per entry, with integrity.

The tokenizer's compiled dictionaries (``jieba-<hash>``) and the new-word backgrounds
(``background-<hash>``) are kept this way under :func:`minent.cache.cache_dir`:

* :func:`save_entry` writes the arrays into a temporary directory, with a ``manifest.json`` of
  each file's size and CRC-32 and a ``format`` tag, and renames it into place, so a reader sees
  a whole entry or none. The CRC-32 of a file's data is taken from the array in memory as it is
  written, not from the file read back, and costs less than half a blake2b hash (0.05 s against
  0.11 s for 113 MB). The manifest is there to detect damage — a truncated, overwritten or
  bit-rotten file — and a CRC-32 finds it as it does in zip archives (every ``.npz`` model
  relies on it): every error burst of up to 32 bits, any other change but with probability
  2**-32. No checksum in the entry defends against someone who can write to the cache: they
  could rewrite the manifest too. Entries written before, with blake2b checksums (32 hex
  digits), are checked with blake2b and stay valid;
* :func:`load_entry` checks the format and :func:`verify_entry`, then memory-maps the arrays
  (copy-on-write: pages are read when touched and shared between processes, the files are never
  modified);
* :func:`verify_entry` is cheap on the common path: the sizes, modification and change times and
  inodes of the files are compared with those recorded when the entry was last found intact (a
  dozen ``stat`` calls); anything else is hashed again in full;
* :func:`load_or_build` loads an entry or builds, saves and returns the arrays, rebuilding with
  a warning an entry that is damaged (an unwritable cache only costs speed);
* :func:`prune_entries` keeps the most recently used entries of a kind.

An entry is named by a hash of what it was compiled from (a 5 MB dictionary, say), and hashing
that in every process would cost more than loading the entry: :func:`source_digest` hashes a
source file once and remembers the checksum with the file's size, times and inode, which a
later process compares with a single ``stat``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger("minent")

MANIFEST = "manifest.json"  # {file: [size, "crc32:<8 hex>" or <32 hex: blake2b>]}, written with the entry
STAMP = "verified.json"  # {file: [size, mtime_ns, ctime_ns, inode]} when last found intact


def digest(path: Path) -> str:
    """The blake2b checksum (16 bytes, hex) of the file *path*."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _checksum(path: Path, recorded: str) -> str:
    """The checksum of the file *path* in the kind of the manifest's *recorded* one: CRC-32
    (``crc32:`` and 8 hex digits) or, in entries written before, blake2b (32 hex digits)."""
    if not recorded.startswith("crc32:"):
        return digest(path)
    crc = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            crc = zlib.crc32(chunk, crc)
    return f"crc32:{crc:08x}"


def _write_npy(path: Path, array: np.ndarray) -> str:
    """Write *array* as the ``.npy`` file *path* (``np.save``); its ``crc32:`` checksum, of the
    header read back and the data from memory (what ``np.save`` wrote, in the same order), or of
    the file read back when the array is not contiguous (``np.save`` writes a copy)."""
    array = np.asanyarray(array)
    np.save(path, array, allow_pickle=False)
    if array.flags.c_contiguous:
        data = array.reshape(-1)
    elif array.flags.f_contiguous:  # (np.save writes it in Fortran order, as it is in memory)
        data = array.T.reshape(-1)
    else:
        return _checksum(path, "crc32:")
    data = data.view(np.uint8)
    with open(path, "rb") as f:
        header = f.read(path.stat().st_size - data.size)
    return f"crc32:{zlib.crc32(data, zlib.crc32(header)):08x}"


def _signature(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


#: The directory, under the cache directory, of the checksums remembered by :func:`source_digest`.
SOURCE_MEMO = "sources"

#: A file changed less than this long ago is hashed, but its checksum is not remembered: file
#: times have the granularity of the kernel's clock tick, so a second write in the same tick
#: (same size) would leave size and times as they were when the file was hashed.
SETTLED_NS = 2_000_000_000


def source_digest(path: Path, memo: Path | None) -> str:
    """:func:`digest` of the file *path*, remembered in the directory *memo* (None: not
    remembered) with the file's size, modification and change times, inode and device.

    A later call that finds them the same returns the remembered checksum after one ``stat``;
    otherwise the file is hashed again. Writing to a file sets its change time to the present,
    which no tool can set back, so a file modified in place (even to the same size and with its
    modification time restored) or replaced is always hashed again; only checksums of files left
    alone for :data:`SETTLED_NS` are remembered, so that the change time of a later write
    differs. A memo that cannot be read or written only costs the hash.
    """
    path = Path(path).resolve()
    st = path.stat()
    name = hashlib.blake2b(os.fsencode(path), digest_size=16).hexdigest()
    note = memo / f"{name}.json" if memo is not None else None
    if note is not None:
        try:
            seen = json.loads(note.read_text())
            if seen["path"] == str(path) and seen["stat"] == _signature(st):
                return seen["digest"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    checksum = digest(path)
    settled = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > SETTLED_NS
    if note is not None and settled and _signature(path.stat()) == _signature(st):
        try:
            memo.mkdir(parents=True, exist_ok=True)
            tmp = memo / f".{name}.{os.getpid()}"
            tmp.write_text(json.dumps({"path": str(path), "stat": _signature(st), "digest": checksum}))
            os.replace(tmp, note)
        except OSError:
            pass
    return checksum


def _stats(path: Path, files: Sequence[str]) -> dict:
    out = {}
    for f in files:
        st = (path / f).stat()
        out[f] = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    return out


def _write_stamp(path: Path, files: Sequence[str]) -> None:
    """Record the files' sizes, times and inodes as found intact (best effort: a read-only
    cache just verifies again next time)."""
    try:
        tmp = path / f".{STAMP}.{os.getpid()}"
        tmp.write_text(json.dumps(_stats(path, files)))
        os.replace(tmp, path / STAMP)
    except OSError:
        pass


def save_entry(path: Path, arrays: dict[str, np.ndarray], fmt: str) -> None:
    """Write *arrays* as ``<name>.npy`` files of a new directory *path*, with their manifest and
    the *fmt* tag; atomically renamed into place (a concurrent writer's entry is left alone)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=".tmp-"))
    try:
        sums = {f"{name}.npy": _write_npy(tmp / f"{name}.npy", array) for name, array in arrays.items()}
        files = sorted(sums)
        (tmp / MANIFEST).write_text(json.dumps({f: [(tmp / f).stat().st_size, sums[f]] for f in files}))
        _write_stamp(tmp, files)  # just checked: the first load need not hash again
        (tmp / "format").write_text(fmt)
        os.replace(tmp, path)
    except OSError:
        if not path.is_dir():  # not a concurrent writer's entry in place: a real failure
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def verify_entry(path: Path) -> None:
    """Check a cache entry against the manifest written with it; ``ValueError`` naming the
    first bad file when it does not match.

    Any write to a file changes its change time (which no tool sets back), so a file modified
    in place — even with its size kept — is hashed again in full and a mismatch found; an entry
    that was only copied or moved is hashed once and stamped anew.
    """
    manifest = json.loads((path / MANIFEST).read_text())
    files = sorted(manifest)
    try:
        stamp = json.loads((path / STAMP).read_text())
    except (OSError, ValueError):
        stamp = None
    now = _stats(path, files)
    for f in files:
        if now[f][0] != manifest[f][0]:
            raise ValueError(f"{f}: {now[f][0]} bytes, expected {manifest[f][0]}")
    if stamp == now:
        return
    for f in files:
        if _checksum(path / f, manifest[f][1]) != manifest[f][1]:
            raise ValueError(f"{f}: checksum mismatch")
    _write_stamp(path, files)


def load_entry(path: Path, names: Sequence[str], fmt: str) -> dict[str, np.ndarray]:
    """The arrays *names* of the entry *path*, memory-mapped copy-on-write, after checking its
    format (``ValueError`` when it is not *fmt*) and :func:`verify_entry`."""
    if (path / "format").read_text() != fmt:
        raise ValueError("stale cache format")
    verify_entry(path)
    return {name: np.asarray(np.load(path / f"{name}.npy", mmap_mode="c", allow_pickle=False)) for name in names}


def load_or_build(path: Path, names: Sequence[str], fmt: str, build: Callable[[], dict[str, np.ndarray]],
                  what: str) -> tuple[dict[str, np.ndarray], bool]:
    """(the arrays of the entry *path*, True) when it loads, else (``build()``, False), saved as
    the entry for next time. An entry of the right format that fails its check is damaged: a
    warning names it (*what*: "dictionary", "background") and it is built again; one of another
    format is replaced silently. A cache that cannot be written only costs speed."""
    try:
        arrays = load_entry(path, names, fmt)
        try:
            os.utime(path)  # recently used: kept by prune_entries
        except OSError:
            pass
        return arrays, True
    except Exception as exc:  # a corrupt or stale cache entry is rebuilt
        if path.exists():  # (not there at all: simply built)
            if (path / "format").is_file() and (path / "format").read_text() == fmt:
                log.warning("warning: the cached %s %s is damaged (%s); compiling it again", what, path, exc)
            else:
                log.debug("ignoring unreadable %s cache %s: %s", what, path, exc)
            shutil.rmtree(path, ignore_errors=True)
    arrays = build()
    try:
        save_entry(path, arrays, fmt)
    except OSError as exc:
        log.debug("cannot write %s cache %s: %s", what, path, exc)
    return arrays, False


def prune_entries(directory: Path, prefix: str, keep: int) -> list[Path]:
    """Remove from *directory* all but the *keep* most recently used entries named
    ``<prefix>*`` (loading an entry refreshes its time) and the temporary directories of
    interrupted writes older than an hour; returns what was removed. Errors (a concurrent
    removal) are ignored."""
    if not directory.is_dir():
        return []
    removed, entries = [], []
    for p in directory.iterdir():
        try:
            age = time.time() - p.stat().st_mtime
        except OSError:
            continue
        if p.name.startswith(prefix) and p.is_dir():
            entries.append((age, p))
        elif p.name.startswith(".tmp-") and age > 3600:
            removed.append(p)
    entries.sort()
    removed += [p for _, p in entries[keep:]]
    for p in removed:
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    return removed
