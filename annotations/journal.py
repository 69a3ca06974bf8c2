"""A durable, fast storage layer for TinyDB: a journal plus periodic snapshots.

Files, for a store ``NAME.json``:

- ``NAME.json``: the snapshot, a plain TinyDB JSON file (any TinyDB can read
  it). Its ``_factdesk`` table records which journal entries it includes and
  the undo and redo stacks. Written by write-to-temp, fsync, atomic rename,
  fsync of the folder.
- ``NAME.json.journal``: one line per action, ``CRC32 JSON``, appended and
  fsync'd before the action counts as saved. Each entry carries the before and
  after values of every document it changed, so the journal is also the
  append-only history of the store. It is never rewritten, except that a torn
  last line left by a crash is cut off when the store is next opened.
- ``NAME.json.lock``: held with ``flock`` by the one process that may write.
- ``backups/NAME.<time>.json``: copies of the snapshot, one per session, a
  few kept.

Opening reads the snapshot and replays the journal entries after it. A write
costs one journal append and changes only the documents it touches (TinyDB's
own ``Table`` rebuilds the whole table on every write: see :class:`JournalTable`).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import socket
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import orjson
from tinydb.storages import Storage
from tinydb.table import Document, Table

from annotations.storage import StoreError, atomic_write, fsync_dir

INTERNAL_TABLE = "_factdesk"
JOURNAL_SUFFIX = ".journal"
LOCK_SUFFIX = ".lock"
BACKUPS_KEPT = 5
SNAPSHOT_EVERY = 1000  # journal entries between snapshots written inline

try:  # POSIX only; elsewhere the lock is advisory via O_EXCL on the lock file
    import fcntl
except ImportError:  # pragma: no cover - not on the machines we run on
    fcntl = None  # type: ignore[assignment]


class StoreLocked(StoreError):
    """Another process has the store open for writing."""


# A change: (table, doc id as str, value before or None, value after or None).
Change = tuple[str, str, dict | None, dict | None]


@dataclass
class OpenReport:
    """What opening the store found and did, for the app to tell the user."""

    replayed: int = 0
    torn_tail: bool = False
    backup: Path | None = None
    notes: list[str] = field(default_factory=list)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def encode_entry(entry: dict) -> bytes:
    body = orjson.dumps(entry)
    return b"%08x " % zlib.crc32(body) + body + b"\n"


def decode_entry(line: bytes) -> dict | None:
    """The entry on one journal line, or None if the line is torn or damaged."""
    if not line.endswith(b"\n") or len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:-1]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
        entry = orjson.loads(body)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) and isinstance(entry.get("seq"), int) else None


def read_journal(path: Path, offset: int = 0) -> tuple[list[tuple[int, dict]], int, int]:
    """Entries from ``offset`` on, as ``(start offset, entry)``.

    Returns ``(entries, end of the last good line, offset of a damaged line or -1)``.
    Reading stops at the first line that is torn or fails its checksum.
    """
    entries: list[tuple[int, dict]] = []
    good_end = offset
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            position = offset
            for line in fh:
                entry = decode_entry(line)
                if entry is None:
                    return entries, good_end, position
                entries.append((position, entry))
                position += len(line)
                good_end = position
    except FileNotFoundError:
        pass
    return entries, good_end, -1


class JournalStorage(Storage):
    """TinyDB storage: every commit is an fsync'd journal append; snapshots are atomic."""

    def __init__(
        self,
        path: str | Path,
        read_only: bool = False,
        annotator: str = "",
        snapshot_every: int = SNAPSHOT_EVERY,
        backups: int = BACKUPS_KEPT,
    ) -> None:
        self.path = Path(path)
        self.journal_path = self.path.with_name(self.path.name + JOURNAL_SUFFIX)
        self.lock_path = self.path.with_name(self.path.name + LOCK_SUFFIX)
        self.read_only = read_only
        self.annotator = annotator
        self.snapshot_every = snapshot_every
        self.report = OpenReport()
        self._lock_fd: int | None = None
        self._journal = None
        self._pending: list[Change] | None = None  # inside an action()
        self._pending_meta: dict = {}
        self.tables: dict[str, dict[str, dict]] = {}
        self.seq = 0  # seq of the last entry applied
        self.snapshot_seq = 0
        self.snapshot_offset = 0
        self.journal_end = 0
        self.undo_stack: list[int] = []
        self.redo_stack: list[int] = []
        self.on_change: list[Callable[[set[str]], None]] = []
        self._offsets: dict[int, int] = {}  # seq -> byte offset of its journal line
        self._backup_thread = None
        if not read_only:
            self._prepare_folder()
            self._lock()
        try:
            self._load(backups)
        except BaseException:
            self._unlock()
            raise

    # -- opening ------------------------------------------------------------

    def _prepare_folder(self) -> None:
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a store file. Give a file path with --db.")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.path.parent}: cannot create the store folder ({exc.strerror}).") from exc

    def _lock(self) -> None:
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"{self.lock_path}: cannot create the lock file ({exc.strerror}).") from exc
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _read_lock(fd)
                os.close(fd)
                raise StoreLocked(
                    f"{self.path} is open in another factdesk ({holder}). Close that one first, "
                    "or open this store read-only with --read-only."
                ) from None
        info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": _now()})
        os.ftruncate(fd, 0)
        os.pwrite(fd, info.encode(), 0)
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            try:
                os.ftruncate(self._lock_fd, 0)
            except OSError:
                pass
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = None

    def _load(self, backups: int) -> None:
        data = load_snapshot(self.path)
        internal = (data.pop(INTERNAL_TABLE, None) or {}).get("1") or {}
        self.tables = data
        self.seq = self.snapshot_seq = int(internal.get("seq", 0))
        self.snapshot_offset = int(internal.get("offset", 0))
        self.undo_stack = list(internal.get("undo", []))
        self.redo_stack = list(internal.get("redo", []))
        journal_size = self.journal_path.stat().st_size if self.journal_path.exists() else 0
        if self.snapshot_offset > journal_size:
            self.report.notes.append(
                f"{self.journal_path.name} is shorter than the snapshot expects: the history "
                "before this session is incomplete, the annotations themselves are intact."
            )
            self.snapshot_offset = journal_size
        entries, good_end, damaged = read_journal(self.journal_path, self.snapshot_offset)
        if damaged >= 0 and good_end < journal_size:
            # Is the damage only a torn last line, or are there good lines after it?
            with open(self.journal_path, "rb") as fh:
                fh.seek(damaged)
                rest = fh.read().split(b"\n")
            if any(decode_entry(line + b"\n") for line in rest[1:] if line):
                raise StoreError(
                    f"{self.journal_path}: damaged in the middle (at byte {damaged}). Nothing was "
                    f"changed. Run `factdesk store repair --db {self.path}` to keep everything "
                    "before the damage, or restore from the backups folder."
                )
            self.report.torn_tail = True
        for offset, entry in entries:
            self._offsets[entry["seq"]] = offset
            if entry["seq"] <= self.seq:
                continue  # already in the snapshot
            self._apply_entry(entry)
        self.report.replayed = len([e for _, e in entries if e["seq"] > self.snapshot_seq])
        self.journal_end = good_end
        if self.read_only:
            return
        if self.report.torn_tail:
            with open(self.journal_path, "r+b") as fh:
                fh.truncate(good_end)
                fh.flush()
                os.fsync(fh.fileno())
        self._journal = open(self.journal_path, "ab", buffering=0)
        if self.report.replayed:  # compact now, so the next open has nothing to replay
            self.snapshot()
        if backups and self.path.exists():
            self._backup_thread = start_backup(self.path, backups, self.report)

    # -- TinyDB Storage API --------------------------------------------------

    def read(self) -> dict:
        return self.tables

    def write(self, data: dict) -> None:
        """A full-state write from plain TinyDB code (e.g. ``drop_tables``):
        journalled as the difference from the current state."""
        changes: list[Change] = []
        for name in set(self.tables) | set(data):
            old, new = self.tables.get(name, {}), data.get(name, {})
            for doc_id in set(old) | set(new):
                before, after = old.get(doc_id), new.get(doc_id)
                if before != after:
                    changes.append((name, str(doc_id), copy.deepcopy(before), copy.deepcopy(after)))
        self.commit(changes)

    def close(self) -> None:
        if self._backup_thread is not None:
            self._backup_thread.join()
        try:
            if not self.read_only and self._journal is not None and self.seq != self.snapshot_seq:
                self.snapshot()
        finally:
            if self._journal is not None:
                self._journal.close()
                self._journal = None
            self._unlock()

    # -- writing ---------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only; nothing was saved.")
        if self._journal is None:
            raise StoreError(f"{self.path}: the store is closed.")

    @contextmanager
    def action(self, label: str, undoable: bool = True) -> Iterator[None]:
        """Group every change made inside into one journal entry (one undo step)."""
        if self._pending is not None:  # nested: the outer action collects
            yield
            return
        self._pending, self._pending_meta = [], {"label": label, "undoable": undoable}
        try:
            yield
            changes, meta = self._pending, self._pending_meta
        finally:
            self._pending, self._pending_meta = None, {}
        if changes:
            self._commit(changes, kind="do" if meta["undoable"] else "sys", label=meta["label"])

    def commit(self, changes: list[Change], label: str = "") -> None:
        """Make ``changes`` durable, then visible. Inside :meth:`action` they are
        collected and committed together when the action ends."""
        if not changes:
            return
        self._writable()
        if self._pending is not None:
            self._apply_changes(changes)  # visible now, durable at the end of the action
            self._pending.extend(changes)
            return
        self._commit(changes, kind="do", label=label, apply=True)

    def _commit(self, changes: list[Change], kind: str, label: str, action: int | None = None,
                apply: bool = False) -> dict:
        self._writable()
        entry = {
            "seq": self.seq + 1,
            "t": _now(),
            "who": self.annotator,
            "kind": kind,
            "label": label,
            "changes": [list(c) for c in changes],
        }
        if action is not None:
            entry["action"] = action
        line = encode_entry(entry)
        offset = self.journal_end
        try:
            self._journal.write(line)
            os.fsync(self._journal.fileno())
        except OSError as exc:
            # The line may be partly on disk: cut it off so the journal stays clean.
            try:
                os.ftruncate(self._journal.fileno(), self.journal_end)
            except OSError:
                pass
            if not apply:
                self._revert(changes)
            raise StoreError(f"{self.journal_path}: could not save ({exc.strerror}); the last action was not saved.") from exc
        self.journal_end += len(line)
        self._offsets[entry["seq"]] = offset
        if apply:
            self._apply_changes(changes)
        self._track_undo(entry)
        self.seq = entry["seq"]
        self._notify(changes)
        if self.seq - self.snapshot_seq >= self.snapshot_every:
            self.snapshot()
        return entry

    def _apply_changes(self, changes: Iterable[Change]) -> None:
        for table, doc_id, _before, after in changes:
            docs = self.tables.setdefault(table, {})
            if after is None:
                docs.pop(doc_id, None)
            else:
                docs[doc_id] = after

    def _revert(self, changes: list[Change]) -> None:
        for table, doc_id, before, _after in reversed(changes):
            docs = self.tables.setdefault(table, {})
            if before is None:
                docs.pop(doc_id, None)
            else:
                docs[doc_id] = before

    def _apply_entry(self, entry: dict) -> None:
        self._apply_changes(tuple(c) for c in entry["changes"])
        self._track_undo(entry)
        self.seq = entry["seq"]

    def _track_undo(self, entry: dict) -> None:
        kind = entry.get("kind")
        if kind == "do":
            self.undo_stack.append(entry["seq"])
            self.redo_stack.clear()
        elif kind == "undo":
            if self.undo_stack and self.undo_stack[-1] == entry.get("action"):
                self.undo_stack.pop()
            self.redo_stack.append(entry["action"])
        elif kind == "redo":
            if self.redo_stack and self.redo_stack[-1] == entry.get("action"):
                self.redo_stack.pop()
            self.undo_stack.append(entry["action"])

    def _notify(self, changes: Iterable[Change]) -> None:
        names = {c[0] for c in changes}
        for callback in self.on_change:
            callback(names)

    # -- undo and redo ----------------------------------------------------------

    def find_entry(self, seq: int) -> dict | None:
        """The journal entry with ``seq``."""
        offset = self._offsets.get(seq)
        if offset is None:  # older than this session's snapshot: index the whole journal once
            for position, entry in read_journal(self.journal_path)[0]:
                self._offsets[entry["seq"]] = position
            offset = self._offsets.get(seq)
            if offset is None:
                return None
        entries = read_journal(self.journal_path, offset)[0]
        return entries[0][1] if entries and entries[0][1]["seq"] == seq else None

    def undo(self) -> dict | None:
        """Undo the last action; returns the journal entry it wrote, or None."""
        self._writable()
        if not self.undo_stack:
            return None
        original = self.find_entry(self.undo_stack[-1])
        if original is None:
            raise StoreError(f"{self.journal_path}: the action to undo is not in the journal.")
        inverse = [(t, i, after, before) for t, i, before, after in reversed(original["changes"])]
        return self._commit(inverse, kind="undo", label=original.get("label", ""),
                            action=original["seq"], apply=True)

    def redo(self) -> dict | None:
        self._writable()
        if not self.redo_stack:
            return None
        original = self.find_entry(self.redo_stack[-1])
        if original is None:
            raise StoreError(f"{self.journal_path}: the action to redo is not in the journal.")
        again = [tuple(c) for c in original["changes"]]
        return self._commit(again, kind="redo", label=original.get("label", ""),
                            action=original["seq"], apply=True)

    def history(self, match: Callable[[str, dict | None, dict | None], bool]) -> list[dict]:
        """Every change for which ``match(table, before, after)`` holds, oldest
        first, as ``{seq, t, who, kind, label, before, after}``."""
        rows = []
        for _, entry in read_journal(self.journal_path)[0]:
            for table, _doc_id, before, after in entry["changes"]:
                if match(table, before, after):
                    rows.append({k: entry.get(k) for k in ("seq", "t", "who", "kind", "label")}
                                | {"before": before, "after": after})
        return rows

    # -- snapshots -------------------------------------------------------------

    def snapshot(self) -> None:
        """Write the whole state atomically; the journal is kept (it is the history)."""
        if self.read_only:
            return
        data = dict(self.tables)
        data[INTERNAL_TABLE] = {"1": {
            "seq": self.seq, "offset": self.journal_end,
            "undo": self.undo_stack, "redo": self.redo_stack, "format": 1,
        }}
        payload = orjson.dumps(data)
        try:
            atomic_write(self.path, payload)
        except OSError as exc:
            # The journal still has everything: nothing is lost, the next snapshot retries.
            self.report.notes.append(f"{self.path}: snapshot failed ({exc.strerror}); the journal has every action.")
            return
        self.snapshot_seq, self.snapshot_offset = self.seq, self.journal_end

    @property
    def unsnapshotted(self) -> int:
        return self.seq - self.snapshot_seq


def _read_lock(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "another process"
    return f"process {info.get('pid')} on {info.get('host')}, since {info.get('since')}"


def load_snapshot(path: Path) -> dict:
    """The tables in a snapshot file; an absent or empty file is an empty store.

    Raises :class:`StoreError` for anything that is not a factdesk/TinyDB store,
    without touching the file.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except IsADirectoryError as exc:
        raise StoreError(f"{path}: is a folder, not a store file. Give a file path with --db.") from exc
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror}).") from exc
    if not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except ValueError as exc:
        raise StoreError(
            f"{path}: not a readable factdesk store ({exc.__class__.__name__}: {exc}). "
            f"The file was left untouched: run `factdesk store repair --db {path}` to rebuild it "
            "from the backups and the journal, or open another store with --db."
        ) from exc
    if not isinstance(data, dict) or not all(
        isinstance(t, dict) and all(isinstance(d, dict) for d in t.values()) for t in data.values()
    ):
        raise StoreError(
            f"{path}: this JSON file is not a factdesk store. The file was left untouched: "
            "open another store with --db."
        )
    return data


def backups_dir(path: Path) -> Path:
    return path.parent / "backups"


def backup(path: Path, keep: int, source=None) -> Path | None:
    """Copy the snapshot into ``backups/``, keeping the newest ``keep`` copies.

    ``source``: a file object already open on the snapshot (snapshots replace
    the file by rename, so an open file object is a stable copy to read)."""
    folder = backups_dir(path)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    target = folder / f"{path.stem}.{stamp}{path.suffix}"
    try:
        folder.mkdir(exist_ok=True)
        tmp = target.with_name("." + target.name + ".tmp")
        with (source or open(path, "rb")) as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, target)
        fsync_dir(folder)
        for old in list_backups(path)[keep:]:
            old.unlink()
    except OSError:
        return None  # a backup that cannot be written must not stop the work
    return target


def start_backup(path: Path, keep: int, report: OpenReport):
    """Back the snapshot up in a thread, so opening does not wait for the copy."""
    import threading

    try:
        source = open(path, "rb")
    except OSError:
        return None

    def run() -> None:
        report.backup = backup(path, keep, source)

    thread = threading.Thread(target=run, name="factdesk-backup", daemon=True)
    thread.start()
    return thread


def list_backups(path: Path) -> list[Path]:
    """Backups of ``path``, newest first."""
    folder = backups_dir(path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{path.stem}.*{path.suffix}"), reverse=True)


class JournalTable(Table):
    """A TinyDB table whose writes change only the documents they touch.

    TinyDB's ``Table`` converts and rewrites the whole table on every write.
    Here each write computes its changes (before and after of each document it
    touches) and hands them to :meth:`JournalStorage.commit`, which makes them
    durable and applies them in place. Reads are TinyDB's own.
    """

    @property
    def _journal(self) -> JournalStorage:
        return self._storage  # type: ignore[return-value]

    def _docs(self) -> dict[str, dict]:
        return self._journal.tables.get(self.name, {})

    def _commit(self, changes: list[Change]) -> None:
        if changes:
            self.clear_cache()
            self._journal.commit(changes)
            self.clear_cache()

    def _get_next_id(self) -> int:
        if self._next_id is None:
            docs = self._docs()
            self._next_id = max((int(i) for i in docs), default=0) + 1
        next_id, self._next_id = self._next_id, self._next_id + 1
        return next_id

    def insert(self, document: Mapping) -> int:
        return self.insert_multiple([document])[0]

    def insert_multiple(self, documents: Iterable[Mapping]) -> list[int]:
        docs, changes, ids, new_keys = self._docs(), [], [], set()
        for document in documents:
            if not isinstance(document, Mapping):
                raise ValueError("Document is not a Mapping")
            if isinstance(document, Document):
                doc_id = document.doc_id
                self._next_id = None
            else:
                doc_id = self._get_next_id()
            key = str(doc_id)
            if key in docs or key in new_keys:
                raise ValueError(f"Document with ID {doc_id} already exists")
            new_keys.add(key)
            changes.append((self.name, key, None, copy.deepcopy(dict(document))))
            ids.append(doc_id)
        self._commit(changes)
        return ids

    def _target_ids(self, cond, doc_ids) -> list[int]:
        if doc_ids is not None:
            docs = self._docs()
            return [i for i in doc_ids if str(i) in docs]
        if cond is not None:
            return [doc.doc_id for doc in self.search(cond)]
        return [int(i) for i in self._docs()]

    def update(self, fields, cond=None, doc_ids=None) -> list[int]:
        docs, changes = self._docs(), []
        ids = self._target_ids(cond, doc_ids)
        for doc_id in ids:
            before = docs[str(doc_id)]
            after = copy.deepcopy(before)
            if callable(fields):
                fields(after)
            else:
                after.update(copy.deepcopy(dict(fields)))
            if after != before:
                changes.append((self.name, str(doc_id), before, after))
        self._commit(changes)
        return ids

    def update_multiple(self, updates) -> list[int]:
        ids: list[int] = []
        for fields, cond in updates:
            ids += self.update(fields, cond)
        return ids

    def upsert(self, document: Mapping, cond=None) -> list[int]:
        doc_ids = [document.doc_id] if isinstance(document, Document) else None
        if doc_ids is None and cond is None:
            raise ValueError("If you don't specify a search query, you must specify a doc_id.")
        updated = self.update(document, cond, doc_ids)
        return updated if updated else [self.insert(document)]

    def remove(self, cond=None, doc_ids=None) -> list[int]:
        if cond is None and doc_ids is None:
            raise RuntimeError("Use truncate() to remove all documents")
        docs = self._docs()
        ids = self._target_ids(cond, doc_ids)
        self._commit([(self.name, str(i), docs[str(i)], None) for i in ids])
        return ids

    def truncate(self) -> None:
        docs = self._docs()
        self._commit([(self.name, key, doc, None) for key, doc in list(docs.items())])
        self._next_id = None
