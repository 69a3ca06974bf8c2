"""Durable file writes shared by the store and the exports.

:func:`atomic_write` writes a temporary file in the same folder, fsyncs it,
renames it over the target and fsyncs the folder: a crash leaves either the
old file or the new one, never a half-written one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path



class StoreError(Exception):
    """The store cannot be opened or written. The message says what to do."""


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(path.parent)
