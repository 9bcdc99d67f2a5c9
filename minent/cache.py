"""Where minent keeps what it compiles: one user cache directory, never the installed package.

:func:`cache_dir` is ``$MINENT_CACHE_DIR``, else ``$XDG_CACHE_HOME/minent``, else
``~/.cache/minent``. The tokenizer keeps its compiled dictionaries there, and numba its compiled
kernels (in ``numba/`` below it): :func:`configure_numba` points numba's ``NUMBA_CACHE_DIR`` there
when ``minent`` is imported (a ``NUMBA_CACHE_DIR`` set by the user wins). Left to itself, numba
writes its cache next to the kernel sources, into ``site-packages/minent/...``: pip does not know
those files, leaves the directories behind on uninstall, and they then shadow an editable
install of minent as a namespace package; a root-owned install has nowhere to write at all.

When the directory cannot be written (read-only home, a file in the way), numba's cache goes to
a per-user directory under the system's temporary directory instead, and :data:`NOTICE` says
why (the command line prints it once); nothing fails, the kernels are at worst compiled again.

Small tables that every start-up would compute again (the character classes of
:mod:`minent.text.chars`) are kept there too, as checksummed blobs (:func:`read_blob`,
:func:`write_blob`); one that is missing, damaged or cannot be written is computed again.

Only the standard library is imported here: ``import minent`` stays light.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

#: Why numba's cache is not where :func:`cache_dir` says (None when it is): set by
#: :func:`configure_numba`, shown once by the command line.
NOTICE: str | None = None


def cache_dir() -> Path:
    """The user cache directory of minent (``MINENT_CACHE_DIR`` overrides)."""
    env = os.environ.get("MINENT_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "minent"


def _writable(path: Path) -> str | None:
    """None if *path* is (or can be created as) a writable directory, else the reason.

    Only looks (a few ``stat`` calls): the nearest existing ancestor must be a writable
    directory; nothing is created.
    """
    p = path.absolute()
    while True:
        if p.exists():
            if not p.is_dir():
                return f"{p} is not a directory"
            if not os.access(p, os.W_OK | os.X_OK):
                return f"{p} is not writable"
            return None
        if p.parent == p:
            return f"{path} cannot be created"
        p = p.parent


def numba_cache_dir() -> Path:
    """Where numba's compiled kernels go: ``NUMBA_CACHE_DIR`` once :func:`configure_numba` ran."""
    env = os.environ.get("NUMBA_CACHE_DIR")
    return Path(env) if env else cache_dir() / "numba"


def configure_numba() -> None:
    """Point numba's on-disk cache at ``cache_dir()/numba`` (unless ``NUMBA_CACHE_DIR`` is set).

    Sets the environment variable, so worker processes inherit it, and numba's own setting if
    numba is already loaded (numba reads the variable when it is imported; kernels choose their
    cache directory when their module is imported). An unwritable directory is replaced by
    ``<tmp>/minent-<uid>/numba`` and the reason kept in :data:`NOTICE`.
    """
    global NOTICE
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    target = cache_dir() / "numba"
    problem = _writable(target)
    if problem is not None:
        uid = os.getuid() if hasattr(os, "getuid") else os.getpid()
        fallback = Path(tempfile.gettempdir()) / f"minent-{uid}" / "numba"
        if _writable(fallback) is None:
            NOTICE = (f"cache directory {cache_dir()} is not usable ({problem}); compiled kernels are "
                      f"cached in {fallback} instead (set MINENT_CACHE_DIR to choose)")
            target = fallback
        else:
            target = Path(tempfile.mkdtemp(prefix="minent-numba-"))
            NOTICE = (f"cache directory {cache_dir()} is not usable ({problem}); compiled kernels are "
                      f"cached in {target} for this run only (set MINENT_CACHE_DIR to choose)")
    os.environ["NUMBA_CACHE_DIR"] = str(target)
    config = sys.modules.get("numba.core.config")
    if config is not None and not getattr(config, "CACHE_DIR", ""):
        config.CACHE_DIR = str(target)


BLOB_DIGEST = 16
"""Bytes of the blake2b checksum that ends every blob of :func:`write_blob`."""


def read_blob(name: str, size: int) -> bytearray | None:
    """The *size* bytes that :func:`write_blob` stored under *name* in :func:`cache_dir`, or None
    when there are none, or they cannot be read, or the file is not *size* bytes and their
    checksum: a damaged blob is never returned."""
    import hashlib  # (here: `import minent` stays light)

    buf = bytearray(size + BLOB_DIGEST)
    try:
        with open(cache_dir() / name, "rb") as f:
            if f.readinto(buf) != len(buf) or f.read(1):
                return None
    except (OSError, ValueError):
        return None
    if hashlib.blake2b(memoryview(buf)[:size], digest_size=BLOB_DIGEST).digest() != bytes(buf[size:]):
        return None
    del buf[size:]
    return buf


def write_blob(name: str, data, *, family: str | None = None, keep: int = 2) -> bool:
    """Store the bytes *data* (any buffer) and their checksum under *name* in :func:`cache_dir`,
    atomically (a temporary file renamed into place: a reader sees the whole blob or none).
    Returns False, leaving nothing behind, when the directory cannot be written.

    With *family* (a prefix of *name*), the other blobs named ``<family>*`` are removed but the
    *keep* - 1 most recently written: blobs of older versions do not pile up, and two installs
    that share the directory do not remove each other's."""
    import hashlib

    directory = cache_dir()
    tmp = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.write(hashlib.blake2b(data, digest_size=BLOB_DIGEST).digest())
        os.replace(tmp, directory / name)
        tmp = None
        if family is not None:
            _prune_blobs(directory, family, name, keep)
        return True
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return False


def _prune_blobs(directory: Path, family: str, current: str, keep: int) -> None:
    """Remove the blobs ``<family>*`` of *directory* but *current* and the *keep* - 1 most recently
    written others (errors, e.g. a concurrent removal, are ignored)."""
    others = []
    for p in directory.glob(f"{family}*"):
        if p.name != current:
            try:
                others.append((p.stat().st_mtime, p))
            except OSError:
                continue
    others.sort(reverse=True)
    for _, p in others[max(keep - 1, 0):]:
        try:
            p.unlink()
        except OSError:
            pass
