"""An export folder that is complete or absent, never half-written, and
never written over a folder factdesk did not make.

:class:`ExportTarget` checks ``--out`` (new, empty, or a previous factdesk
export whose every file its manifest lists), then :meth:`ExportTarget.open`
writes the new export into a hidden sibling folder
``.NAME.factdesk-tmp-XXXXXXXX`` and :meth:`ExportFolder.commit` writes
``SHA256SUMS`` and the manifest ``factdesk-export.json`` (factdesk version,
time, and every file's path, size and SHA-256) last, then swaps the folder
in: with Linux's ``renameat2(RENAME_EXCHANGE)`` the old and the new folder
trade places in one step, elsewhere the old one is renamed aside
(``.NAME.factdesk-old-XXXXXXXX``) and the new one renamed in. At every
instant ``NAME`` is the complete old export, the complete new one, or (only
without the exchange, between two renames) absent. The old export is then
removed file by file: only the files its manifest lists.

A lock file ``.NAME.factdesk-lock`` (flock) keeps two exports from writing
the same folder; while it is held, leftovers of a killed export beside
``NAME`` (recognised by their name and by the marker ``.factdesk-partial``
or a manifest inside) are removed, again only the files an export writes.

Files are created with mode 0666 and folders 0777 minus the umask, as any
program's files are: 0644 and 0755 under umask 022.

:func:`verify` checks a folder against its manifest; ``factdesk import``
calls :func:`check_export_folder` before reading an export folder.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import signal
import sys
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from annotations.dataset import ExportError
from corpus.text import visible

MANIFEST = "factdesk-export.json"
SUMS = "SHA256SUMS"
MARKER = ".factdesk-partial"
FORMAT = "factdesk-export"
MANIFEST_VERSION = 1
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
KILL_ENV = "FACTDESK_EXPORT_KILL_AT"
_HEX64 = re.compile(r"[0-9a-f]{64}")


# -- crash points (tests) --------------------------------------------------------

class _Steps:
    """Counts the export's file operations. With ``$FACTDESK_EXPORT_KILL_AT``
    set to n, the process kills itself (SIGKILL) at the n-th: the crash tests
    try every n."""

    def __init__(self) -> None:
        raw = os.environ.get(KILL_ENV, "")
        self.kill_at = int(raw) if raw.isdigit() else None
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        if self.kill_at is not None and self.count == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


# -- names -----------------------------------------------------------------------

def _stem(name: str) -> str:
    """The target's name as used in its siblings' names (cut, with a hash, when
    long, so that ``.NAME.factdesk-tmp-XXXXXXXX`` still fits a file name)."""
    if len(name.encode("utf-8", "surrogateescape")) <= 120:
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    cut = name.encode("utf-8", "surrogateescape")[:80].decode("utf-8", "ignore")
    return f"{cut}~{digest}"


def _sibling_pattern(name: str) -> re.Pattern:
    return re.compile(re.escape(f".{_stem(name)}.factdesk-") + r"(tmp|old)-[0-9a-f]{8}")


def _lock_name(name: str) -> str:
    return f".{_stem(name)}.factdesk-lock"


def _show(path: Path | str) -> str:
    return visible(str(path), limit=300)


# -- the manifest ----------------------------------------------------------------

def read_manifest(folder: Path) -> dict:
    """The folder's manifest, checked for shape. Raises ValueError saying what is wrong."""
    path = folder / MANIFEST
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"cannot read it ({exc.strerror})") from exc
    if len(raw) > MAX_MANIFEST_BYTES:
        raise ValueError("it is too large to be a factdesk manifest")
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ValueError("it is not valid JSON") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"it is not a factdesk export manifest (no \"format\": \"{FORMAT}\")")
    files = doc.get("files")
    if not isinstance(files, list):
        raise ValueError("its \"files\" is not a list")
    seen = set()
    for i, entry in enumerate(files):
        if not isinstance(entry, dict):
            raise ValueError(f"files[{i}] is not an object")
        rel, size, digest = entry.get("path"), entry.get("size"), entry.get("sha256")
        if not isinstance(rel, str) or not _safe_relative(rel):
            raise ValueError(f"files[{i}].path is not a relative path inside the folder")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError(f"files[{i}].size is not a non-negative integer")
        if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
            raise ValueError(f"files[{i}].sha256 is not a SHA-256 in hex")
        if rel in seen or rel in (MANIFEST, MARKER):
            raise ValueError(f"files[{i}].path {visible(rel, 80)!r} is listed twice or reserved")
        seen.add(rel)
    return doc


def _safe_relative(rel: str) -> bool:
    if not rel or "\x00" in rel or "\\" in rel or rel.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))


def _sha256_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()


def verify(folder: str | Path) -> list[str]:
    """What is wrong with ``folder`` as a complete factdesk export (empty when
    nothing is): a missing or damaged manifest, a listed file missing or with
    another size or SHA-256."""
    folder = Path(folder)
    if not (folder / MANIFEST).is_file():
        return [f"{_show(folder / MANIFEST)}: missing; the export is not complete"]
    try:
        doc = read_manifest(folder)
    except ValueError as exc:
        return [f"{_show(folder / MANIFEST)}: {exc}"]
    problems = []
    if (folder / MARKER).exists():
        problems.append(f"{_show(folder / MARKER)}: the export that wrote this folder did not finish")
    for entry in doc["files"]:
        path = folder / entry["path"]
        if not path.is_file() or path.is_symlink():
            problems.append(f"{_show(path)}: listed in {MANIFEST} but missing")
            continue
        try:
            size, digest = _sha256_file(path)
        except OSError as exc:
            problems.append(f"{_show(path)}: cannot be read ({exc.strerror})")
            continue
        if size != entry["size"]:
            problems.append(f"{_show(path)}: {size} bytes, the manifest says {entry['size']}")
        elif digest != entry["sha256"]:
            problems.append(f"{_show(path)}: its SHA-256 differs from the manifest's")
    return problems


def check_export_folder(folder: str | Path) -> None:
    """Refuse to read an export folder that is incomplete or altered (one line
    naming the file). A folder without a manifest is not a factdesk export
    (put together by hand, or written before exports had manifests): it is
    left to the importers."""
    from annotations.schema import ValidationError

    folder = Path(folder)
    if not (folder / MANIFEST).exists() and not (folder / MARKER).exists():
        return
    problems = verify(folder)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(f"{problems[0]}{more}. This export is incomplete or was changed since it "
                              "was written; nothing imported. Export again, or fix the file.")


# -- the target ------------------------------------------------------------------

class ExportTarget:
    """The ``--out`` folder of one export, checked before anything is written.

    ``inputs`` are paths that must not be written over or inside of (the
    stores, their journals, locks and backups, the corpus).
    """

    def __init__(self, out: str | Path, inputs: list[Path] = (), folders: tuple[str, ...] = (),
                 names: tuple[str, ...] = ()) -> None:
        self.given = out
        self.inputs = list(inputs)
        self.folders = set(folders)  # the subfolders an export writes (train, dev, test)
        self.names = set(names) | {MANIFEST, SUMS, MARKER}  # the file names an export writes
        self.path = self._resolve(out)

    @staticmethod
    def _resolve(out: str | Path) -> Path:
        text = os.fspath(out)
        if not str(text).strip():
            raise ExportError("--out '': give the folder to write, e.g. --out export")
        if "\x00" in str(text):
            raise ExportError(f"--out {_show(text)!r}: a path cannot hold a NUL character")
        try:
            path = Path(out).expanduser().resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop
            raise ExportError(f"--out {_show(text)}: cannot be resolved ({exc}); give another folder") from exc
        if path.parent == path:
            raise ExportError(f"--out {_show(text)}: the root folder cannot be an export; give a folder of its own")
        return path

    def check(self) -> None:
        """Refuse, with one line, an ``--out`` that is a file, collides with an
        input, or is a folder factdesk did not write."""
        try:
            self._check()
        except OSError as exc:  # e.g. a folder on the way that cannot be read
            raise ExportError(f"--out {_show(self.path)}: cannot be checked ({exc.strerror or exc}); "
                              "give another folder") from exc

    def _check(self) -> None:
        out = self.path
        for parent in [out, *out.parents]:
            if parent.is_file() or (parent.exists() and not parent.is_dir()):
                if parent == out:
                    raise ExportError(f"--out {_show(out)}: is a file, not a folder; give a new folder, "
                                      "e.g. --out export")
                raise ExportError(f"--out {_show(out)}: {_show(parent)} is a file, not a folder; "
                                  "give a new folder")
            if parent.is_dir():
                break
        for given in self.inputs:
            try:
                item = Path(given).expanduser().resolve()
            except (OSError, RuntimeError):
                continue
            if out == item:
                raise ExportError(f"--out {_show(out)}: is one of the export's inputs; give a new folder")
            if out in item.parents:
                raise ExportError(f"--out {_show(out)}: holds {_show(item)}, an input of the export; "
                                  "give a new folder")
        if out.is_dir():
            self._check_contents()

    def _check_contents(self) -> None:
        out = self.path
        try:
            entries = os.listdir(out)
        except OSError as exc:
            raise ExportError(f"--out {_show(out)}: cannot be read ({exc.strerror}); give another folder") from exc
        if not entries:
            return
        if MANIFEST not in entries:
            raise ExportError(f"--out {_show(out)}: is not empty and not a factdesk export (no {MANIFEST}; "
                              "an export by an older factdesk has none either); give a new or empty folder "
                              "(nothing was written)")
        try:
            listed = {e["path"] for e in read_manifest(out)["files"]}
        except ValueError as exc:
            raise ExportError(f"--out {_show(out / MANIFEST)}: {exc}; give a new or empty folder "
                              "(nothing was written)") from exc
        folders = {"/".join(p.split("/")[:i]) for p in listed for i in range(1, p.count("/") + 1)}
        for root, dirs, files in os.walk(out):
            rel_root = os.path.relpath(root, out)
            for name in sorted(dirs) + sorted(files):
                rel = name if rel_root == "." else f"{rel_root}/{name}"
                full = Path(root) / name
                if name in dirs and not full.is_symlink() and rel in folders:
                    continue
                if rel in listed or rel == MANIFEST:
                    if full.is_file() and not full.is_symlink():
                        continue
                raise ExportError(
                    f"--out {_show(out)}: holds {_show(rel)}, which the previous export did not write; "
                    "move it out of the folder (a new export replaces the whole folder) or give another --out")

    def open(self) -> "ExportFolder":
        return ExportFolder(self)


class ExportFolder:
    """The new export being written, beside its target. Use as a context
    manager: leaving it without :meth:`commit` removes what was written."""

    def __init__(self, target: ExportTarget) -> None:
        self.target = target
        self.out = target.path
        self.parent = self.out.parent
        self.step = _Steps()
        self.warnings: list[str] = []
        self.files: dict[str, tuple[int, str]] = {}
        self.dirs: list[str] = []
        self.lock_fd: int | None = None
        self.tmp: Path | None = None
        self.committed = False

    # the folder's life ------------------------------------------------------------

    def __enter__(self) -> "ExportFolder":
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"--out {_show(self.out)}: cannot create {_show(self.parent)} ({exc.strerror})") from exc
        self._lock()
        try:
            self.target.check()  # again, now that no other export can change it
            self._clean_stale()
            self._make_tmp()
        except OSError as exc:
            self._unlock()
            where = f" at {_show(exc.filename)}" if exc.filename else ""
            raise ExportError(f"--out {_show(self.out)}: cannot write beside it ({exc.strerror or exc}{where}); "
                              "nothing was changed") from exc
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, kind, exc, tb) -> None:
        try:
            if not self.committed and self.tmp is not None:
                self._remove_export(self.tmp, quiet=True)
        finally:
            self._unlock()
        if isinstance(exc, OSError):
            where = f" at {_show(exc.filename)}" if exc.filename else ""
            raise ExportError(f"--out {_show(self.out)}: cannot write the export ({exc.strerror or exc}{where}); "
                              "nothing was changed") from exc

    def _lock(self) -> None:
        import fcntl

        path = self.parent / _lock_name(self.out.name)
        for _ in range(20):
            self.step()
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
            except OSError as exc:
                raise ExportError(f"--out {_show(self.out)}: cannot write in {_show(self.parent)} "
                                  f"({exc.strerror}); give another folder") from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.pread(fd, 100, 0).decode("ascii", "replace").strip()
                os.close(fd)
                raise ExportError(f"--out {_show(self.out)}: another factdesk export is writing it "
                                  f"(process {visible(holder, 20) or '?'}); wait for it to finish") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except OSError:
                same = False
            if same:  # not a lock file another export removed meanwhile
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
                self.lock_fd, self.lock_path = fd, path
                return
            os.close(fd)
        raise ExportError(f"--out {_show(self.out)}: could not lock {_show(path)}; try again")

    def _unlock(self) -> None:
        if self.lock_fd is None:
            return
        try:
            self.step()
            os.unlink(self.lock_path)  # while still held: the next export makes a new one
        except OSError:
            pass
        os.close(self.lock_fd)
        self.lock_fd = None

    def _make_tmp(self) -> None:
        for _ in range(100):
            tmp = self.parent / f".{_stem(self.out.name)}.factdesk-tmp-{secrets.token_hex(4)}"
            self.step()
            try:
                os.mkdir(tmp, 0o777)  # the umask applies (mkdtemp would make it 0700)
            except FileExistsError:
                continue
            self.tmp = tmp
            self.step()
            self._create(tmp / MARKER, f"{os.getpid()}\n".encode())
            return
        raise ExportError(f"--out {_show(self.out)}: cannot make a temporary folder beside it")

    # writing ----------------------------------------------------------------------

    def _create(self, path: Path, payload: bytes) -> None:
        self._create_chunks(path, (payload,))

    def _create_chunks(self, path: Path, chunks: Iterable[bytes]) -> tuple[int, str]:
        """Create ``path`` (never over an existing file) from ``chunks``, each
        hashed as it is written; fsync'd. Returns its size and SHA-256."""
        digest = hashlib.sha256()
        size = 0
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        try:
            for chunk in chunks:
                if not chunk:
                    continue
                digest.update(chunk)
                view = memoryview(chunk)
                half = len(view) // 2 if not size else 0  # the first chunk is written in two halves
                size += len(view)
                while view:
                    written = os.write(fd, view[:half] if half else view)
                    view = view[written:]
                    if half:
                        half = 0
                        self.step()  # a file half written
            os.fsync(fd)
        finally:
            os.close(fd)
        return size, digest.hexdigest()

    def write(self, rel: str, payload: bytes) -> None:
        """Write one file of the export (``rel`` relative to the folder)."""
        self.write_chunks(rel, (payload,))

    def write_chunks(self, rel: str, chunks: Iterable[bytes]) -> None:
        """Write one file of the export from its parts in order, each written
        and hashed as it comes, so that the whole file is never in memory."""
        assert self.tmp is not None and _safe_relative(rel) and rel not in self.files
        parts = rel.split("/")
        for i in range(1, len(parts)):
            sub = "/".join(parts[:i])
            if sub not in self.dirs:
                self.step()
                os.mkdir(self.tmp / sub, 0o777)
                self.dirs.append(sub)
        self.step()
        self.files[rel] = (0, "")  # written from here on: removed with the folder if the export stops
        self.files[rel] = self._create_chunks(self.tmp / rel, chunks)

    def commit(self, version: str) -> None:
        """Write SHA256SUMS and the manifest, then swap the new folder in."""
        assert self.tmp is not None
        sums = "".join(f"{digest}  {rel}\n" for rel, (_, digest) in sorted(self.files.items()))
        self.write(SUMS, sums.encode("utf-8", "surrogateescape"))
        head = {"format": FORMAT, "version": MANIFEST_VERSION, "factdesk": version,
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        entries = [json.dumps({"path": rel, "size": size, "sha256": digest}, ensure_ascii=False)
                   for rel, (size, digest) in sorted(self.files.items())]
        text = ("{\n" + "".join(f" {json.dumps(k)}: {json.dumps(v)},\n" for k, v in head.items())
                + ' "files": [\n  ' + ",\n  ".join(entries) + "\n ]\n}\n")
        self.step()
        self._create(self.tmp / MANIFEST, text.encode("utf-8", "surrogateescape"))
        for sub in sorted(self.dirs, key=len, reverse=True):
            _fsync_dir(self.tmp / sub)
        self.step()
        os.unlink(self.tmp / MARKER)
        _fsync_dir(self.tmp)
        self._swap()

    def _swap(self) -> None:
        tmp, out = self.tmp, self.out
        self.target.check()  # a last look: nothing foreign appeared in the old folder
        self.step()
        if out.is_dir() and not out.is_symlink() and _exchange(tmp, out):
            old = tmp  # the old export, now where the new one was
        elif out.exists():
            old = self.parent / f".{_stem(out.name)}.factdesk-old-{secrets.token_hex(4)}"
            os.rename(out, old)
            self.step()
            os.rename(tmp, out)
        else:
            old = None
            os.rename(tmp, out)
        self.tmp = None
        self.committed = True  # the new export is in place: what follows only tidies up
        try:
            _fsync_dir(self.parent)
        except OSError:
            pass
        if old is not None:
            self._remove_export(old)

    # removing ---------------------------------------------------------------------

    def _clean_stale(self) -> None:
        """Remove what killed exports to this folder left beside it."""
        pattern = _sibling_pattern(self.out.name)
        try:
            entries = sorted(os.listdir(self.parent))
        except OSError:
            return
        for name in entries:
            path = self.parent / name
            if not pattern.fullmatch(name) or path.is_symlink() or not path.is_dir():
                continue
            try:
                empty = not os.listdir(path)  # killed just after making it, or just before removing it
            except OSError:
                continue
            if empty:
                self.step()
                os.rmdir(path)
                continue
            if not ((path / MARKER).is_file() or (path / MANIFEST).is_file()):
                continue  # not recognisably an export's: leave it
            if (".factdesk-old-" in name and not os.path.lexists(self.out) and not verify(path)):
                # killed between moving the old export aside and moving the new one in: put it back
                self.step()
                os.rename(path, self.out)
                continue
            self._remove_export(path)

    def _remove_export(self, folder: Path, quiet: bool = False) -> None:
        """Remove an export folder factdesk wrote: only the files an export
        writes (those its manifest lists, those written just now, and the
        export's own names), then its folders; a folder still holding anything
        else is kept, with a note."""
        listed: set[str] = set(self.files) if folder == self.tmp else set()
        try:
            listed |= {e["path"] for e in read_manifest(folder)["files"]}
        except ValueError:
            pass
        kept = False
        for root, dirs, files in os.walk(folder, topdown=False):
            rel_root = os.path.relpath(root, folder)
            for name in files + [d for d in dirs if (Path(root) / d).is_symlink()]:
                rel = name if rel_root == "." else f"{rel_root}/{name}"
                ours = not (Path(root) / name).is_symlink() and (
                    rel in listed or (rel_root in (".", *self.target.folders) and name in self.target.names))
                if name == MANIFEST and rel_root == ".":
                    continue  # last: it is what makes the folder recognisable
                if name == MARKER and rel_root == ".":
                    continue
                if not ours:
                    kept = True
                    continue
                self.step()
                try:
                    os.unlink(Path(root) / name)
                except OSError:
                    kept = True
            if rel_root != ".":
                try:
                    self.step()
                    os.rmdir(root)
                except OSError:
                    kept = True
        if not kept:
            for name in (MANIFEST, MARKER):
                self.step()
                try:
                    os.unlink(folder / name)
                except FileNotFoundError:
                    pass
                except OSError:
                    kept = True
            try:
                self.step()
                os.rmdir(folder)
                return
            except OSError:
                pass
        if not quiet:
            self.warnings.append(f"kept {_show(folder)}: it holds files factdesk did not write; "
                                 "look at them and remove the folder yourself")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(fd)


_renameat2 = None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``).
    False where the system or the file system cannot."""
    global _renameat2
    if not sys.platform.startswith("linux"):
        return False
    if _renameat2 is None:
        import ctypes

        try:
            fn = ctypes.CDLL(None, use_errno=True).renameat2
        except (OSError, AttributeError):
            _renameat2 = False
            return False
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        fn.restype = ctypes.c_int
        _renameat2 = (fn, ctypes)
    if _renameat2 is False:
        return False
    fn, ctypes = _renameat2
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


__all__ = ["ExportTarget", "ExportFolder", "MANIFEST", "SUMS", "check_export_folder", "read_manifest", "verify"]
