"""Reading .npz model files safely: no pickle, and every failure a one-line error naming the file."""

from __future__ import annotations

import zipfile

import numpy as np

from minent.errors import DataError, UsageError


class open_npz:
    """``np.load`` of an .npz as a context manager whose errors name the file (no pickle)."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        try:
            with open(self.path, "rb") as f:
                if f.read(4) != b"PK\x03\x04":
                    raise DataError(f"{self.path}: malformed model file (not an .npz archive)")
            self.z = np.load(self.path, allow_pickle=False)
            files = set(self.z.files)
            return {k: self.z[k] for k in files}
        except FileNotFoundError:
            raise UsageError(f"{self.path}: no such model file") from None
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as e:
            raise DataError(f"{self.path}: malformed model file ({e})") from None

    def __exit__(self, *exc):
        z = getattr(self, "z", None)
        if z is not None and hasattr(z, "close"):
            z.close()
        return False
