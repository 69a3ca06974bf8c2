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
  last line left by a crash is cut off when the store is next opened (damage
  anywhere else makes opening refuse, untouched: `factdesk store repair`).
  An append that fails (disk full, I/O error, short write, failed fsync) is
  cut back to the last good byte and reported as not saved; the state in
  memory stays exactly as before the action.
- ``NAME.json.lock``: held with ``flock`` by the one process that may write.
- ``backups/NAME.<time>.json``: copies of the snapshot, one per session, a
  few kept.

The store's path is resolved first (a store reached through a symlink locks
and writes the real file, with the journal and lock beside it). A JSON file
that is not a factdesk store is refused, untouched.

Opening reads the snapshot and replays the journal entries after it. A write
costs one journal append and changes only the documents it touches (TinyDB's
own ``Table`` rebuilds the whole table on every write: see :mod:`annotations.tinydb_table`).
"""

from __future__ import annotations

import copy
import errno
import json
import os
import re
import socket
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import orjson
from tinydb.storages import Storage

from annotations.storage import OS, FileOps, StoreError, atomic_write, fsync_dir, write_all, write_fully
from annotations.tinydb_table import Change, JournalTable
from corpus.text import visible

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


class ForeignStore(StoreError):
    """The file is JSON (perhaps a TinyDB file) but not a factdesk store."""




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


def read_journal(path: Path, offset: int = 0, end: int | None = None) -> tuple[list[tuple[int, dict]], int, int]:
    """Entries from ``offset`` on (up to byte ``end``), as ``(start offset, entry)``.

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
                if end is not None and position + len(line) > end:
                    if position < end:
                        return entries, good_end, position
                    break
                entry = decode_entry(line)
                if entry is None:
                    return entries, good_end, position
                entries.append((position, entry))
                position += len(line)
                good_end = position
    except FileNotFoundError:
        pass
    return entries, good_end, -1


@dataclass
class JournalLine:
    """One line of the journal, good or not, with where it is."""

    number: int  # 1-based
    offset: int  # byte offset of its start
    raw: bytes
    entry: dict | None  # None: torn or damaged

    def describe(self) -> str:
        """Where the line is and, as far as it can be read, what it was."""
        where = f"line {self.number} (byte {self.offset})"
        info = self.entry or readable_fields(self.raw)
        parts = []
        if info.get("seq") is not None:
            parts.append(f"seq {info['seq']}")
        if info.get("label"):
            parts.append(repr(visible(info["label"], 60)))
        elif info.get("kind") in ("undo", "redo"):
            parts.append(info["kind"])
        if info.get("t"):
            parts.append(f"at {visible(info['t'], 40)}")
        return where + (": " + ", ".join(parts) if parts else ": unreadable")


_FIELD = {
    "seq": re.compile(rb'"seq":(\d{1,18})[,}]'),
    "label": re.compile(rb'"label":"((?:[^"\\]|\\.){0,200})"'),
    "t": re.compile(rb'"t":"([0-9T:.+\-Z]{1,40})"'),
    "kind": re.compile(rb'"kind":"([a-z]{1,10})"'),
}


def readable_fields(raw: bytes) -> dict:
    """What can still be read of a damaged journal line (seq, label, time, kind)."""
    out: dict = {}
    head = raw[:4096]
    cut = head.find(b'"changes":')
    head = head[:cut] if cut >= 0 else head  # a claim has its own "label": look before the changes
    for name, pattern in _FIELD.items():
        match = pattern.search(head)
        if match is None:
            continue
        value = match.group(1)
        if name == "seq":
            out[name] = int(value)
        else:
            try:
                out[name] = orjson.loads(b'"' + value + b'"')
            except ValueError:
                out[name] = value.decode("utf-8", "replace")
    return out


def scan_journal(path: Path) -> list[JournalLine]:
    """Every line of the journal, good or damaged (a missing journal has none)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    lines, position = [], 0
    for number, raw in enumerate(_split_nl(data), 1):
        lines.append(JournalLine(number, position, raw, decode_entry(raw)))
        position += len(raw)
    return lines


def _split_nl(data: bytes) -> list[bytes]:
    parts = data.split(b"\n")
    out = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def acquire_lock(lock_path: Path, store_path: Path) -> int:
    """Hold the store's lock (``flock`` on ``NAME.json.lock``) and record who
    holds it; returns the open descriptor (closing it releases the lock).
    Raises :class:`StoreLocked` if another process holds it; nothing else is
    touched."""
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{visible(lock_path)}: cannot create the lock file ({exc.strerror}).") from exc
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _read_lock(fd)
            os.close(fd)
            raise StoreLocked(
                f"{visible(store_path)} is open in another factdesk ({holder}). Close that one first, "
                "or open this store read-only with --read-only."
            ) from None
    info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": _now()})
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, info.encode(), 0)
    except OSError:
        pass  # who holds the lock is only for messages; the flock is what counts
    return fd


def release_lock(fd: int) -> None:
    try:
        os.ftruncate(fd, 0)
    except OSError:
        pass
    os.close(fd)  # closing releases the flock


def lock_state(lock_path: Path) -> str:
    """Who holds the store's lock, checked (not only read from the file): a
    process that died without closing the store leaves its name behind."""
    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except FileNotFoundError:
        return "free"
    except OSError as exc:
        return f"unknown (the lock file cannot be read: {exc.strerror})"
    try:
        holder = _read_lock(fd)
        if fcntl is None:  # pragma: no cover
            return holder
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return f"held by {holder}: that factdesk has the store open"
        fcntl.flock(fd, fcntl.LOCK_UN)  # let go at once: we only looked
    finally:
        os.close(fd)
    if holder == "another process":
        return "free"
    return f"free (last held by {holder}; not running: it ended without closing the store)"


class JournalStorage(Storage):
    """TinyDB storage: every commit is an fsync'd journal append; snapshots are atomic."""

    def __init__(
        self,
        path: str | Path,
        read_only: bool = False,
        annotator: str = "",
        snapshot_every: int = SNAPSHOT_EVERY,
        backups: int = BACKUPS_KEPT,
        ops: FileOps | None = None,
        cold_tables: Iterable[str] = (),
    ) -> None:
        # The real file: a store reached through a symlink must lock and write
        # the file the link points to (its journal and lock beside it).
        self.path = Path(os.path.realpath(Path(path).expanduser()))
        self.journal_path = self.path.with_name(self.path.name + JOURNAL_SUFFIX)
        self.lock_path = self.path.with_name(self.path.name + LOCK_SUFFIX)
        self.read_only = read_only
        self.annotator = annotator
        self.snapshot_every = snapshot_every
        self.ops = ops or OS  # every write, fsync, truncate and rename goes through it
        self.report = OpenReport()
        self._lock_fd: int | None = None
        self._fd: int | None = None  # the journal, open for appending
        self._broken: str | None = None  # set when the journal's end is no longer known
        self._void: dict | None = None  # the failed line that may be on disk past journal_end
        self._pending: list[Change] | None = None  # inside an action()
        self._pending_meta: dict = {}
        self._table_objects: dict[str, JournalTable] = {}
        self._tables: dict[str, dict[str, dict]] = {}
        # Tables kept as their snapshot bytes (checked by CRC) until first used:
        # a corpus's gold rows are tens of thousands of documents the app never reads.
        self._cold_names = frozenset(cold_tables)
        self._cold: dict[str, ColdTable] = {}
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
        except BaseException as exc:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            if isinstance(exc, ForeignStore) and getattr(self, "_lock_created", False):
                try:  # leave nothing of ours beside a file that is not ours
                    self.lock_path.unlink()
                except OSError:
                    pass
            self._unlock()
            raise

    # -- opening ------------------------------------------------------------

    def _prepare_folder(self) -> None:
        if self.path.is_dir():
            raise StoreError(f"{visible(self.path)}: is a folder, not a store file. Give a file path with --db.")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{visible(self.path.parent)}: cannot create the store folder ({exc.strerror}).") from exc

    def _lock(self) -> None:
        self._lock_created = not os.path.lexists(self.lock_path)
        self._lock_fd = acquire_lock(self.lock_path, self.path)

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            release_lock(self._lock_fd)
            self._lock_fd = None

    def _load(self, backups: int) -> None:
        data = load_snapshot(self.path, cold=self._cold_names)
        internal = (data.pop(INTERNAL_TABLE, None) or {}).get("1") or {}
        self._cold = {name: docs for name, docs in data.items() if isinstance(docs, ColdTable)}
        self._tables = {name: docs for name, docs in data.items() if not isinstance(docs, ColdTable)}
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
        end = journal_size
        void = internal.get("void")
        if (isinstance(void, dict) and isinstance(void.get("offset"), int)
                and void["offset"] >= self.snapshot_offset
                and _void_matches(self.journal_path, void, journal_size)):
            # A line whose append failed (reported NOT saved) and could not be cut back then.
            end = void["offset"]
        entries, good_end, damaged = read_journal(self.journal_path, self.snapshot_offset, end)
        cut: bytes | None = None
        if damaged >= 0:
            with open(self.journal_path, "rb") as fh:
                fh.seek(damaged)
                rest = fh.read(end - damaged)
            newline = rest.find(b"\n")
            if 0 <= newline < len(rest) - 1:  # more lines after the damaged one
                raise StoreError(self._damage_message(damaged, rest[newline + 1:]))
            self.report.torn_tail = True
            cut = rest
        for offset, entry in entries:
            self._offsets[entry["seq"]] = offset
            if entry["seq"] <= self.seq:
                continue  # already in the snapshot
            self._apply_entry(entry)
        self.report.replayed = len([e for _, e in entries if e["seq"] > self.snapshot_seq])
        self.journal_end = good_end
        if self.read_only:
            return
        if cut is not None and cut.endswith(b"\n"):
            # A whole last line that fails its checksum may have been saved once: keep a copy.
            kept = self.journal_path.with_name(f"{self.journal_path.name}.cut-{_stamp()}")
            try:
                kept.write_bytes(cut)
                self.report.notes.append(
                    f"The last line of {self.journal_path.name} was damaged and is cut off; "
                    f"a copy is in {kept.name}.")
            except OSError as exc:
                raise StoreError(f"{visible(kept)}: cannot keep the damaged last journal line "
                                 f"({exc.strerror}); nothing was changed.") from exc
        try:
            self._fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            if good_end < journal_size:  # a torn last line, or a failed append's line
                self.ops.ftruncate(self._fd, good_end)
                self.ops.fsync(self._fd)
        except OSError as exc:
            raise StoreError(f"{visible(self.journal_path)}: cannot be opened for writing "
                             f"({exc.strerror}); nothing was changed.") from exc
        if self.report.replayed:  # compact now, so the next open has nothing to replay
            self.snapshot()
        if backups and self.path.exists():
            self._backup_thread = start_backup(self.path, backups, self.report, self.ops)

    def _damage_message(self, damaged: int, after: bytes) -> str:
        with open(self.journal_path, "rb") as fh:
            number = fh.read(damaged).count(b"\n") + 1
        good = sum(1 for raw in _split_nl(after) if decode_entry(raw) is not None)
        return (
            f"{visible(self.journal_path)}: damaged in the middle (line {number}, byte {damaged}), with "
            f"{good} good entries after it. Nothing was changed. Run `factdesk store repair --db "
            f"{visible(self.path)}`: it keeps every entry that still applies and names the ones it skips."
        )

    # -- the tables ------------------------------------------------------------

    @property
    def tables(self) -> dict[str, dict[str, dict]]:
        """Every table's documents (table name -> doc id -> document), all parsed."""
        for name in list(self._cold):
            self.docs(name)
        return self._tables

    def docs(self, name: str) -> dict[str, dict]:
        """One table's documents (an empty dict for a table not there), parsed
        from the snapshot on first use if it was kept cold."""
        cold = self._cold.get(name)
        if cold is not None:
            docs = orjson.loads(self._read_cold(name, cold))
            _share_values(docs, {})
            self._tables[name] = docs
            del self._cold[name]
        return self._tables.get(name, {})

    def _read_cold(self, name: str, cold: ColdTable) -> bytes:
        try:
            return read_cold(self.path, cold)
        except (OSError, ValueError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else str(exc)
            raise StoreError(
                f"{visible(self.path)}: table {visible(name)} cannot be read back from the store file ({why}). "
                "Nothing was changed. Close factdesk and open the store again; if this repeats, run "
                f"`factdesk store repair --db {visible(self.path)}`.") from exc

    @property
    def unparsed(self) -> frozenset[str]:
        """The cold tables not parsed yet in this session."""
        return frozenset(self._cold)

    def table_names(self) -> set[str]:
        return set(self._tables) | set(self._cold)

    def _writable_docs(self, name: str) -> dict[str, dict]:
        self.docs(name)
        return self._tables.setdefault(name, {})

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
            if self._broken is not None and self._fd is not None:
                self._cut_back()  # one more try; the snapshot records the line otherwise
            if not self.read_only and self._fd is not None and (
                    self.seq != self.snapshot_seq or self._void is not None):
                self.snapshot()
        finally:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self._unlock()

    # -- writing ---------------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{visible(self.path)}: the store is open read-only; nothing was saved.")
        if self._broken is not None:
            raise StoreError(
                f"{visible(self.journal_path)}: nothing can be saved in this session (a write failed and "
                "the journal could not be cut back); this action was NOT saved. Close factdesk and open "
                "the store again (everything reported saved is kept)."
            )
        if self._fd is None:
            raise StoreError(f"{visible(self.path)}: the store is closed.")

    def register_table(self, table) -> None:
        """A table object on this storage (see :mod:`annotations.tinydb_table`),
        so a failed action can give its document ids back."""
        self._table_objects[table.name] = table

    def id_counters(self) -> dict[str, int | None]:
        """Each registered table's next document id (None: not counted yet):
        what a failed action gives back, and what tests compare."""
        return {name: table.id_counter() for name, table in self._table_objects.items()}

    @contextmanager
    def action(self, label: str, undoable: bool = True) -> Iterator[None]:
        """Group every change made inside into one journal entry (one undo step).

        If the body raises, or the entry cannot be saved, every change made
        inside is taken back: the state is exactly as before the action."""
        if self._pending is not None:  # nested: the outer action collects
            yield
            return
        next_ids, names = self.id_counters(), self.table_names()
        self._pending, self._pending_meta = [], {"label": label, "undoable": undoable}
        try:
            yield
        except BaseException:
            changes, self._pending, self._pending_meta = self._pending, None, {}
            self._rollback(changes, next_ids, names)
            raise
        changes, meta = self._pending, self._pending_meta
        self._pending, self._pending_meta = None, {}
        if changes:
            try:
                self._commit(changes, kind="do" if meta["undoable"] else "sys", label=meta["label"])
            except BaseException:
                self._rollback(changes, next_ids, names)
                raise

    def _rollback(self, changes: list[Change], next_ids: dict[str, int | None], names: set[str]) -> None:
        """Take back changes applied in memory but not saved."""
        if not changes:
            return
        self._revert(changes)
        for name in self.table_names() - names:
            if not self._tables.get(name):
                self._tables.pop(name, None)  # a table the action created
        for name, table in self._table_objects.items():
            table.set_id_counter(next_ids.get(name))
            table.clear_cache()
        self._notify(changes)  # readers' caches saw the changes: they must forget them

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
        """Append one entry; only when it is on disk do seq, undo and redo move
        (and, with ``apply``, the changes become visible)."""
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
            write_all(self.ops, self._fd, line)
            self.ops.fsync(self._fd)
        except OSError as exc:
            self._failed_append(exc, line)
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

    def _failed_append(self, exc: OSError, line: bytes) -> None:
        """The line may be partly (or wholly, if only the fsync failed) on disk:
        cut the journal back to the last good byte, so nothing is ever appended
        after it, and say the action was not saved."""
        reason = exc.strerror or str(exc)
        self._void = {"offset": self.journal_end, "crc": line[:8].decode()}
        if self._cut_back():
            raise StoreError(
                f"{visible(self.journal_path)}: could not save ({reason}); the last action was NOT "
                "saved. Free some disk space or check the disk, then do it again."
            ) from exc
        self._broken = (
            f"{visible(self.journal_path)}: could not save ({reason}) and could not cut the journal back "
            "to its last good entry; the last action was NOT saved, and nothing more can be saved "
            "in this session. Close factdesk and open the store again (everything reported saved "
            "is kept)."
        )
        raise StoreError(self._broken) from exc

    def _cut_back(self) -> bool:
        """Truncate the journal to ``journal_end``; False if that fails."""
        try:
            self.ops.ftruncate(self._fd, self.journal_end)
            self.ops.fsync(self._fd)
            if os.fstat(self._fd).st_size != self.journal_end:
                raise OSError(errno.EIO, "the journal's size is not what was cut to")
        except OSError:
            return False
        self._void = None
        self._broken = None
        return True

    def _apply_changes(self, changes: Iterable[Change]) -> None:
        for table, doc_id, _before, after in changes:
            docs = self._writable_docs(table)
            if after is None:
                docs.pop(doc_id, None)
            else:
                docs[doc_id] = after

    def _revert(self, changes: list[Change]) -> None:
        for table, doc_id, before, _after in reversed(changes):
            docs = self._writable_docs(table)
            if before is None:
                docs.pop(doc_id, None)
            else:
                docs[doc_id] = before

    def _apply_entry(self, entry: dict) -> None:
        self._apply_changes(tuple(c) for c in entry["changes"])
        self._track_undo(entry)
        self.seq = entry["seq"]

    def _track_undo(self, entry: dict) -> None:
        track_undo(self.undo_stack, self.redo_stack, entry)

    def _notify(self, changes: Iterable[Change]) -> None:
        names = {c[0] for c in changes}
        for callback in self.on_change:
            callback(names)

    # -- undo and redo ----------------------------------------------------------

    def find_entry(self, seq: int) -> dict | None:
        """The journal entry with ``seq``."""
        offset = self._offsets.get(seq)
        if offset is None:  # older than this session's snapshot: index the whole journal once
            for position, entry in read_journal(self.journal_path, 0, self.journal_end)[0]:
                self._offsets[entry["seq"]] = position
            offset = self._offsets.get(seq)
            if offset is None:
                return None
        entries = read_journal(self.journal_path, offset, self.journal_end)[0]
        return entries[0][1] if entries and entries[0][1]["seq"] == seq else None

    def undo(self) -> dict | None:
        """Undo the last action; returns the journal entry it wrote, or None."""
        self._writable()
        if not self.undo_stack:
            return None
        original = self.find_entry(self.undo_stack[-1])
        if original is None:
            raise StoreError(f"{visible(self.journal_path)}: the action to undo is not in the journal.")
        inverse = [(t, i, after, before) for t, i, before, after in reversed(original["changes"])]
        return self._commit(inverse, kind="undo", label=original.get("label", ""),
                            action=original["seq"], apply=True)

    def redo(self) -> dict | None:
        self._writable()
        if not self.redo_stack:
            return None
        original = self.find_entry(self.redo_stack[-1])
        if original is None:
            raise StoreError(f"{visible(self.journal_path)}: the action to redo is not in the journal.")
        again = [tuple(c) for c in original["changes"]]
        return self._commit(again, kind="redo", label=original.get("label", ""),
                            action=original["seq"], apply=True)

    def history(self, match: Callable[[str, dict | None, dict | None], bool]) -> list[dict]:
        """Every change for which ``match(table, before, after)`` holds, oldest
        first, as ``{seq, t, who, kind, label, before, after}``."""
        rows = []
        end = self.journal_end if self._fd is not None else None
        for _, entry in read_journal(self.journal_path, 0, end)[0]:
            for table, _doc_id, before, after in entry["changes"]:
                if match(table, before, after):
                    rows.append({k: entry.get(k) for k in ("seq", "t", "who", "kind", "label")}
                                | {"before": before, "after": after})
        return rows

    # -- snapshots -------------------------------------------------------------

    def snapshot(self) -> None:
        """Write the whole state atomically; the journal is kept (it is the history).
        A snapshot that fails loses nothing: the journal has every action."""
        if self.read_only:
            return
        internal = {"seq": self.seq, "offset": self.journal_end,
                    "undo": self.undo_stack, "redo": self.redo_stack, "format": 1}
        if self._void is not None:
            internal["void"] = self._void
        try:
            raw = {name: self._read_cold(name, cold) for name, cold in self._cold.items()}
            payload, where = encode_snapshot(self._tables, internal, raw)
            atomic_write(self.path, payload, self.ops)
        except StoreError as exc:
            self.report.notes.append(f"{self.path}: snapshot not written ({exc}); the journal has every action.")
            return
        except OSError as exc:
            # The journal still has everything: nothing is lost, the next snapshot retries.
            self.report.notes.append(f"{self.path}: snapshot failed ({exc.strerror}); the journal has every action.")
            return
        self.snapshot_seq, self.snapshot_offset = self.seq, self.journal_end
        self._cold = {name: where[name] for name in self._cold}

    @property
    def unsnapshotted(self) -> int:
        return self.seq - self.snapshot_seq


def track_undo(undo_stack: list[int], redo_stack: list[int], entry: dict) -> None:
    """Move the undo and redo stacks as ``entry`` says."""
    kind = entry.get("kind")
    if kind == "do":
        undo_stack.append(entry["seq"])
        redo_stack.clear()
    elif kind == "undo":
        if undo_stack and undo_stack[-1] == entry.get("action"):
            undo_stack.pop()
        redo_stack.append(entry["action"])
    elif kind == "redo":
        if redo_stack and redo_stack[-1] == entry.get("action"):
            redo_stack.pop()
        undo_stack.append(entry["action"])


def _void_matches(journal: Path, void: dict, size: int) -> bool:
    """Does the journal hold, at ``void['offset']``, the line whose append failed?"""
    offset, crc = void.get("offset"), void.get("crc")
    if not isinstance(offset, int) or not isinstance(crc, str) or not 0 <= offset < size:
        return False
    with open(journal, "rb") as fh:
        fh.seek(offset)
        head = fh.read(9)
    return head == crc.encode() + b" " or (len(head) < 9 and (crc.encode() + b" ").startswith(head))


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")


def _read_lock(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or not info:
        return "another process"
    return visible(f"process {info.get('pid')} on {info.get('host')}, since {info.get('since')}", 160)


@dataclass(frozen=True)
class ColdTable:
    """A table left unparsed in the snapshot file: where its JSON is, and its CRC."""

    offset: int
    length: int
    crc: int


def encode_snapshot(tables: dict, internal: dict, raw: dict[str, bytes] | None = None
                    ) -> tuple[bytes, dict[str, ColdTable]]:
    """The snapshot file's bytes: one JSON object, each table on a line of its own,
    the store's own record (``internal``, with each table's CRC) last; and where
    each table's JSON is in them.

    It is plain JSON (any JSON reader takes it). The line per table lets
    :func:`load_snapshot` parse one table at a time, and leave a table cold
    (parsed only when used, from the file, checked by its CRC). ``raw``: the
    JSON of tables still cold, written back as they were read."""
    payloads = [(name, orjson.dumps(docs)) for name, docs in tables.items()]
    payloads += list((raw or {}).items())
    internal = dict(internal, crc={name: zlib.crc32(payload) for name, payload in payloads})
    payloads.append((INTERNAL_TABLE, orjson.dumps({"1": internal})))
    parts, where, offset = [b"{"], {}, 1
    for i, (name, payload) in enumerate(payloads):
        head = (b",\n" if i else b"") + orjson.dumps(name) + b":"
        offset += len(head)
        where[name] = ColdTable(offset, len(payload), internal["crc"].get(name, 0))
        parts += [head, payload]
        offset += len(payload)
    parts.append(b"}")
    return b"".join(parts), where


def read_cold(path: Path, table: ColdTable) -> bytes:
    """The JSON of a cold table, read again from the snapshot; ValueError when it
    is not what was there when the store was opened."""
    with open(path, "rb") as fh:
        fh.seek(table.offset)
        raw = fh.read(table.length)
    if len(raw) != table.length or zlib.crc32(raw) != table.crc:
        raise ValueError("the snapshot file changed on disk since the store was opened")
    return raw


SHARED_VALUE_CHARS = 64  # string values this short are shared between documents (ids, labels)


def _share_values(table: object, shared: dict[str, str]) -> None:
    """Make equal short string values of the documents one object: the gold rows
    of a big corpus repeat the same ids and labels tens of thousands of times."""
    if not isinstance(table, dict):
        return
    for doc in table.values():
        if isinstance(doc, dict):
            for key, value in doc.items():
                if type(value) is str and len(value) <= SHARED_VALUE_CHARS:
                    doc[key] = shared.setdefault(value, value)


def _parse_snapshot(raw: bytes, cold: frozenset[str]) -> object:
    """The snapshot's JSON, parsed table by table when it is laid out one table
    per line (as :func:`encode_snapshot` writes it), else the whole file at once."""
    if raw.startswith(b"{") and b",\n" in raw:
        try:
            return _parse_table_lines(raw, cold)
        except ValueError:
            pass  # not laid out as factdesk writes it: read as any JSON file
    data = orjson.loads(raw)
    if isinstance(data, dict):
        shared: dict[str, str] = {}
        for table in data.values():
            _share_values(table, shared)
    return data


def _parse_table_lines(raw: bytes, cold: frozenset[str]) -> dict:
    """Each line is ``"name":{documents},`` (the last ends the object instead of
    the comma). A table named in ``cold`` whose JSON matches the CRC the
    snapshot recorded is left unparsed: a :class:`ColdTable`."""
    data: dict = {}
    later: dict[str, tuple[int, int]] = {}
    shared: dict[str, str] = {}
    view = memoryview(raw)
    size = len(raw.rstrip())
    pos = 1
    while True:
        end = raw.find(b"\n", pos)
        last = end < 0
        end = size if last else end
        line_end = end - (raw[end - 1:end] == b"\r")
        if raw[line_end - 1:line_end] != (b"}" if last else b","):
            raise ValueError("not a table per line")
        colon = raw.index(b'":', pos, line_end) + 1
        name = orjson.loads(view[pos:colon])
        if not isinstance(name, str) or name in data or name in later:
            raise ValueError("not a table name")
        if name in cold:
            later[name] = (colon + 1, line_end - 1)
        else:
            data[name] = orjson.loads(view[colon + 1:line_end - 1])
            _share_values(data[name], shared)
        if last:
            break
        pos = end + 1
    internal = data.get(INTERNAL_TABLE)
    crcs = (internal.get("1") or {}).get("crc") if isinstance(internal, dict) else None
    for name, (start, stop) in later.items():
        crc = zlib.crc32(view[start:stop])
        if isinstance(crcs, dict) and crcs.get(name) == crc:
            data[name] = ColdTable(start, stop - start, crc)
        else:  # not as factdesk wrote it: parse it now
            data[name] = orjson.loads(view[start:stop])
            _share_values(data[name], shared)
    return data


def load_snapshot(path: Path, cold: Iterable[str] = ()) -> dict:
    """The tables in a snapshot file; an absent or empty file (or ``{}``) is an empty store.

    A table named in ``cold`` may come back as a :class:`ColdTable`, where its
    JSON is in the file (checked against the CRC the snapshot recorded).

    Raises :class:`StoreError` for anything that is not a factdesk store
    (:class:`ForeignStore` for JSON that is not one), without touching the file.
    """
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        if not raw.strip():
            return {}
        try:
            data = _parse_snapshot(raw, frozenset(cold))
        except ValueError as exc:
            raise _unreadable(path, exc) from exc
        del raw
    except FileNotFoundError:
        return {}
    except IsADirectoryError as exc:
        raise StoreError(f"{visible(path)}: is a folder, not a store file. Give a file path with --db.") from exc
    except OSError as exc:
        raise StoreError(f"{visible(path)}: cannot be read ({exc.strerror}).") from exc
    if not isinstance(data, dict) or not all(
        isinstance(t, ColdTable) or isinstance(t, dict) and all(isinstance(d, dict) for d in t.values())
        for t in data.values()
    ):
        raise ForeignStore(
            f"{visible(path)}: this JSON file is not a factdesk store. The file was left untouched: "
            "open another store with --db (a new file name makes a new store)."
        )
    if not is_factdesk(data):
        tables = [name for name, docs in data.items() if docs]
        raise ForeignStore(
            f"{visible(path)}: a TinyDB/JSON file that is not a factdesk store (tables "
            f"{visible(', '.join(sorted(tables)), 80)}; no factdesk schema version). It was left "
            "untouched: give another file with --db (a new file name makes a new store)."
        )
    return data


def _unreadable(path: Path, exc: ValueError) -> StoreError:
    return StoreError(
        f"{visible(path)}: not a readable factdesk store ({exc.__class__.__name__}: {visible(exc, 120)}). "
        f"The file was left untouched: run `factdesk store repair --db {visible(path)}` to rebuild it "
        "from the backups and the journal, or open another store with --db."
    )


def is_factdesk(data: dict) -> bool:
    """Is this table data a factdesk store (or an empty one)? A store has the
    ``_factdesk`` table or a ``meta`` document with a ``schema_version``."""
    if not any(data.values()):
        return True  # no documents at all: a new store
    if INTERNAL_TABLE in data:
        return True
    meta = data.get("meta") or {}
    return any(isinstance(doc.get("schema_version"), int) for doc in meta.values())


def backups_dir(path: Path) -> Path:
    return path.parent / "backups"


def backup(path: Path, keep: int, source=None, ops: FileOps | None = None) -> Path | None:
    """Copy the snapshot into ``backups/``, keeping the newest ``keep`` copies.

    ``source``: a file object already open on the snapshot (snapshots replace
    the file by rename, so an open file object is a stable copy to read). A
    backup that cannot be written leaves no temporary file."""
    ops = ops or OS
    folder = backups_dir(path)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    target = folder / f"{path.stem}.{stamp}{path.suffix}"
    tmp = target.with_name("." + target.name + ".tmp")
    made = False
    try:
        folder.mkdir(exist_ok=True)
        with (source or open(path, "rb")) as src:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the user's umask
            made = True
            try:
                while chunk := src.read(1 << 20):
                    write_fully(ops, fd, chunk)
                ops.fsync(fd)
            finally:
                os.close(fd)
        ops.replace(tmp, target)
        made = False
        fsync_dir(folder)
        for old in list_backups(path)[keep:]:
            old.unlink()
    except OSError:
        if made:
            try:
                tmp.unlink()
            except OSError:
                pass
        return None  # a backup that cannot be written must not stop the work
    return target


def start_backup(path: Path, keep: int, report: OpenReport, ops: FileOps | None = None):
    """Back the snapshot up in a thread, so opening does not wait for the copy."""
    import threading

    try:
        source = open(path, "rb")
    except OSError:
        return None

    def run() -> None:
        report.backup = backup(path, keep, source, ops)

    thread = threading.Thread(target=run, name="factdesk-backup", daemon=True)
    thread.start()
    return thread


def list_backups(path: Path) -> list[Path]:
    """Backups of ``path``, newest first."""
    folder = backups_dir(path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{path.stem}.*{path.suffix}"), reverse=True)
