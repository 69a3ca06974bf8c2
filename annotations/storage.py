"""Durable file writes shared by the store and the exports.

:func:`atomic_write` writes a temporary file in the same folder, fsyncs it,
renames it over the target and fsyncs the folder: a crash leaves either the
old file or the new one, never a half-written one; a failed write leaves the
old file and no temporary file.

Every os-level write, fsync, truncate and rename of the journal and the
snapshots goes through a :class:`FileOps` object (``OS``, the real one, by
default). Tests hand the storage a :class:`FaultyOps` instead, which fails on
chosen calls (disk full, I/O error, a short write, a failed fsync) without
touching the real ``os`` module.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


class StoreError(Exception):
    """The store cannot be opened or written. The message says what to do."""


class FileOps:
    """The os calls the journal and the snapshots make to change files."""

    def write(self, fd: int, data: bytes) -> int:
        return os.write(fd, data)

    def fsync(self, fd: int) -> None:
        os.fsync(fd)

    def ftruncate(self, fd: int, length: int) -> None:
        os.ftruncate(fd, length)

    def replace(self, src: str | Path, dst: str | Path) -> None:
        os.replace(src, dst)


OS = FileOps()


class FaultyOps(FileOps):
    """A :class:`FileOps` that fails on chosen calls, for tests.

    ``plan`` maps a call number (counting every write, fsync, ftruncate and
    replace from 0) to a fault: ``"ENOSPC"`` or ``"EIO"`` (the call raises),
    ``"short"`` (a write puts all but the last byte on disk and returns the
    short count, as a write to a full disk can), ``"hole"`` (a write leaves
    as many NUL bytes as it was given, then raises ENOSPC: what a file system
    that allocates late leaves on a full disk). ``failing`` names calls that
    fail every time while it holds them (``{"ftruncate"}``: a truncate that
    cannot be done either).
    """

    def __init__(self, plan: dict[int, str] | None = None, failing: set[str] | None = None) -> None:
        self.plan = dict(plan or {})
        self.failing = set(failing or ())
        self.calls = 0
        self.faults: list[tuple[int, str, str]] = []  # (call, name, fault) as they happened

    def _fault(self, name: str) -> str | None:
        n = self.calls
        self.calls += 1
        fault = self.plan.pop(n, None)
        if fault is None and name in self.failing:
            fault = "EIO"
        if fault is not None:
            self.faults.append((n, name, fault))
        return fault

    @staticmethod
    def _raise(fault: str, name: str):
        code = errno.ENOSPC if fault == "ENOSPC" else errno.EIO
        raise OSError(code, f"{os.strerror(code)} (injected into {name})")

    def write(self, fd: int, data: bytes) -> int:
        fault = self._fault("write")
        if fault == "short":
            return os.write(fd, data[:-1]) if len(data) > 1 else 0
        if fault == "hole":
            os.write(fd, bytes(len(data)))
            self._raise("ENOSPC", "write")
        if fault is not None:
            self._raise(fault, "write")
        return os.write(fd, data)

    def fsync(self, fd: int) -> None:
        fault = self._fault("fsync")
        if fault is not None:
            self._raise(fault, "fsync")
        os.fsync(fd)

    def ftruncate(self, fd: int, length: int) -> None:
        fault = self._fault("ftruncate")
        if fault is not None:
            self._raise(fault, "ftruncate")
        os.ftruncate(fd, length)

    def replace(self, src, dst) -> None:
        fault = self._fault("replace")
        if fault is not None:
            self._raise(fault, "replace")
        os.replace(src, dst)


def write_all(ops: FileOps, fd: int, data: bytes) -> None:
    """Write ``data`` with one call; a short write is an error (the disk is
    full): the caller cuts the file back."""
    written = ops.write(fd, data)
    if written != len(data):
        raise OSError(errno.ENOSPC, f"only {written} of {len(data)} bytes could be written")


def write_fully(ops: FileOps, fd: int, data: bytes) -> None:
    """Write all of ``data``, going on after partial writes (for snapshots and
    backups, written to a temporary file: a failure there loses nothing)."""
    view = memoryview(data)
    while view:
        written = ops.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


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


def _umask() -> int:
    """The process's umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes, ops: FileOps | None = None) -> None:
    """Write ``data`` to ``path`` atomically, with the user's umask (0644 under
    umask 022): ``mkstemp`` makes its files 0600, which would keep a shared
    export or store from the people it is meant for. On any error the old
    file is untouched and the temporary file is removed."""
    ops = ops or OS
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            os.fchmod(fd, 0o666 & ~_umask())
            write_fully(ops, fd, data)
            ops.fsync(fd)
        finally:
            os.close(fd)
        ops.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(path.parent)
