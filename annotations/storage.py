"""A TinyDB storage that never leaves a half-written file behind.

Each write goes to a temporary file in the same folder, is fsync'd, and
atomically replaces the store; the folder is fsync'd after the rename. A file
that cannot be read as a factdesk store is never overwritten.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from tinydb.storages import Storage


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


class AtomicJSONStorage(Storage):
    """JSON storage with atomic, durable writes and a clear error on a bad file."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._data: dict | None = None
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{self.path.parent}: cannot create the store folder ({exc.strerror}).") from exc
        self._data = self._load()

    def _load(self) -> dict | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except IsADirectoryError as exc:
            raise StoreError(f"{self.path}: is a folder, not a store file. Give a file path with --db.") from exc
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot be read ({exc.strerror}).") from exc
        if not raw.strip():
            return None  # an empty file is an empty store
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreError(
                f"{self.path}: not a readable factdesk store ({exc.__class__.__name__}: {exc}). "
                "The file was left untouched: restore it from a backup or open another "
                "store with --db."
            ) from exc
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise StoreError(
                f"{self.path}: this JSON file is not a factdesk store. The file was left "
                "untouched: open another store with --db."
            )
        return data

    def read(self) -> dict | None:
        return self._data

    def write(self, data: dict) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only.")
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            atomic_write(self.path, payload)
        except OSError as exc:
            # TinyDB changed our in-memory copy before asking us to write it:
            # go back to what is really on disk, then report the failure.
            self._data = self._load()
            raise StoreError(f"{self.path}: could not save ({exc.strerror}); the last action was not saved.") from exc
        self._data = data

    def close(self) -> None:
        pass
