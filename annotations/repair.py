"""Looking at a store and repairing one that will not open.

Repair takes the store's lock first (the same ``flock`` the store holds) and
touches no file before it holds it: a store open in another factdesk is
refused, unchanged. Repair never deletes anything: every file it replaces is
first kept beside it as ``NAME.broken-<time>`` (the journal as
``NAME.json.journal.broken-<time>``).

- A damaged snapshot is replaced by the newest readable backup, and the
  journal entries after that backup are replayed on top of it; with no
  backup, the whole journal is replayed from the start (it holds every action
  since the store was created).
- A journal damaged anywhere keeps every entry that still applies cleanly:
  an entry applies cleanly when each document it changes is, before it, the
  value the entry says it was (every entry holds the before and after of each
  document). Damaged lines are skipped, and so is any entry that depends on a
  skipped one (an edit of a claim whose creation was lost; the undo or redo
  of a skipped action): never half applied. Each skipped line is named (line,
  byte offset and, where readable, seq, label and time).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import orjson

from annotations.journal import (
    INTERNAL_TABLE,
    JOURNAL_SUFFIX,
    LOCK_SUFFIX,
    ForeignStore,
    JournalLine,
    StoreLocked,
    acquire_lock,
    list_backups,
    load_snapshot,
    lock_state,
    release_lock,
    scan_journal,
    track_undo,
)
from annotations.storage import StoreError, atomic_write, fsync_dir
from corpus.text import visible


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _keep_copy(path: Path) -> Path:
    """Keep a copy of ``path`` as it is now beside it, as ``NAME.broken-<time>``."""
    target = path.with_name(f"{path.name}.broken-{_stamp()}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.broken-{_stamp()}-{n}")
    # A copy, not a hard link: if the repair is interrupted, the live file may
    # still be appended to or cut, and the kept copy must not change with it.
    shutil.copy2(path, target)
    with open(target, "rb") as fh:
        os.fsync(fh.fileno())
    fsync_dir(path.parent)
    return target


def _journal_of(path: Path) -> Path:
    return path.with_name(path.name + JOURNAL_SUFFIX)


# -- replaying what still applies -------------------------------------------------


@dataclass
class Replay:
    """What replaying the journal over a base state gives."""

    tables: dict = field(default_factory=dict)
    seq: int = 0
    base_seq: int = 0
    undo: list[int] = field(default_factory=list)
    redo: list[int] = field(default_factory=list)
    applied: int = 0  # entries after the base applied
    kept: list[JournalLine] = field(default_factory=list)  # lines the repaired journal keeps
    skipped: list[tuple[JournalLine, str]] = field(default_factory=list)  # (line, why)
    covered: list[JournalLine] = field(default_factory=list)  # damaged, but the base has their action
    torn_last: bool = False


def _conflict(tables: dict, changes: list) -> str | None:
    """None if every change's ``before`` is the current value (the entry
    applies cleanly); else which document is not as the entry expects."""
    overlay: dict[tuple[str, str], dict | None] = {}
    for change in changes:
        if not (isinstance(change, list) and len(change) == 4 and isinstance(change[0], str)
                and isinstance(change[1], str)):
            return "a change in it is malformed"
        table, doc_id, before, _after = change
        key = (table, doc_id)
        current = overlay[key] if key in overlay else tables.get(table, {}).get(doc_id)
        if current != before:
            what = "absent" if current is None else "different"
            return f"{visible(table, 40)} document {visible(doc_id, 20)} is {what}, not as it expects"
        overlay[key] = change[3]
    return None


def replay(lines: list[JournalLine], tables: dict, base_seq: int, base_offset: int,
           undo: list[int], redo: list[int]) -> Replay:
    """Apply, over ``tables`` (the state up to ``base_seq``), every journal
    entry after it that applies cleanly; name each line skipped."""
    out = Replay(tables=tables, seq=base_seq, base_seq=base_seq, undo=list(undo), redo=list(redo))
    kept_seqs: set[int] = set()
    for index, line in enumerate(lines):
        entry = line.entry
        if entry is None:
            last = index == len(lines) - 1
            if line.offset + len(line.raw) <= base_offset:
                out.covered.append(line)
                out.undo.clear()  # the damaged action may be on the undo stack: it cannot be undone
                out.redo.clear()
                continue
            if last and not line.raw.endswith(b"\n"):
                out.torn_last = True
                why = "torn last line: an interrupted write, never reported saved"
            else:
                why = "damaged (its checksum does not match)"
            out.skipped.append((line, why))
            out.undo.clear()
            out.redo.clear()
            continue
        seq = entry["seq"]
        if seq <= base_seq:
            out.kept.append(line)  # its action is in the base already
            kept_seqs.add(seq)
            continue
        why = None
        if seq <= out.seq:
            why = f"out of order (seq {seq} after seq {out.seq})"
        elif entry.get("kind") in ("undo", "redo") and entry.get("action") not in kept_seqs:
            why = f"the {entry['kind']} of seq {visible(entry.get('action'), 20)}, which is skipped"
        elif not isinstance(entry.get("changes"), list):
            why = "it has no list of changes"
        else:
            conflict = _conflict(out.tables, entry["changes"])
            if conflict is not None:
                why = f"depends on a skipped entry ({conflict})"
        if why is not None:
            out.skipped.append((line, why))
            out.undo.clear()  # undo must not reach across what is skipped
            out.redo.clear()
            continue
        for table, doc_id, _before, after in entry["changes"]:
            docs = out.tables.setdefault(table, {})
            if after is None:
                docs.pop(doc_id, None)
            else:
                docs[doc_id] = after
        track_undo(out.undo, out.redo, entry)
        out.seq = seq
        out.applied += 1
        out.kept.append(line)
        kept_seqs.add(seq)
    return out


def _base(path: Path, done: list[str]) -> tuple[dict, dict, bool]:
    """The snapshot's tables and internal record, or a backup's, or an empty
    store; and whether the snapshot itself is broken."""
    try:
        data = load_snapshot(path)
        broken = False
    except ForeignStore:
        raise
    except StoreError:
        broken = True
        data = None
        for candidate in list_backups(path):
            try:
                data = load_snapshot(candidate)
            except StoreError:
                continue
            done.append(f"the snapshot is unreadable: restored {candidate.name}, then replayed the journal after it")
            break
        else:
            done.append("the snapshot is unreadable and no backup is readable: rebuilt from the whole journal")
            data = {}
    internal = (data.pop(INTERNAL_TABLE, None) or {}).get("1") or {}
    return data, internal, broken


def _replay_store(path: Path, done: list[str]) -> tuple[Replay, bool]:
    data, internal, broken = _base(path, done)
    lines = scan_journal(_journal_of(path))
    seq = internal.get("seq", 0)
    offset = internal.get("offset", 0)
    undo, redo = internal.get("undo", []), internal.get("redo", [])
    result = replay(lines, data, seq if isinstance(seq, int) else 0, offset if isinstance(offset, int) else 0,
                    undo if isinstance(undo, list) else [], redo if isinstance(redo, list) else [])
    return result, broken


# -- info ------------------------------------------------------------------------


def info(path: Path) -> list[str]:
    """A few lines describing the store, readable even when it will not open."""
    path = Path(os.path.realpath(path))
    lines = [f"store     {visible(path)}"]
    journal = _journal_of(path)
    notes: list[str] = []
    snapshot_ok = True
    internal: dict = {}
    try:
        data = load_snapshot(path)
    except StoreError as exc:
        lines.append(f"snapshot  UNREADABLE: {exc}")
        snapshot_ok = False
        data = {}
    else:
        internal = (data.pop(INTERNAL_TABLE, None) or {}).get("1") or {}
        size = path.stat().st_size if path.exists() else 0
        lines.append(f"snapshot  {path.name}, {size} bytes, includes journal entries up to {internal.get('seq', 0)}")
    scanned = scan_journal(journal)
    size = journal.stat().st_size if journal.exists() else 0
    bad = [line for line in scanned if line.entry is None]
    good = len(scanned) - len(bad)
    if not bad:
        state = "ok"
    elif len(bad) == 1 and bad[0] is scanned[-1] and not bad[0].raw.endswith(b"\n"):
        state = ("torn last line (an interrupted write, never reported saved; it is cut when the store is "
                 "next opened)")
    else:
        first = bad[0]
        after = sum(1 for line in scanned if line.entry is not None and line.offset > first.offset)
        state = (f"DAMAGED in the middle: {len(bad)} bad line(s), the first at {first.describe()}, with "
                 f"{after} good entries after it. The store will not open: run `factdesk store repair "
                 f"--db {visible(path)}` (it keeps every entry that still applies and names the rest)")
    lines.append(f"journal   {journal.name}: {good} good entries, {size} bytes, {state}")
    if snapshot_ok:
        base_seq = internal.get("seq", 0) if isinstance(internal.get("seq", 0), int) else 0
        result = replay(scanned, data, base_seq, internal.get("offset", 0) or 0, [], [])
        meta = (result.tables.get("meta") or {}).get("1") or {}
        claims = list((result.tables.get("claims") or {}).values())
        review = sum(1 for c in claims if isinstance(c, dict) and c.get("status") == "needs_review")
        after = f"the snapshot and the {result.applied} journal entries after it"
        if bad and not (len(bad) == 1 and result.torn_last):
            after += f" that still apply (what a repair would keep; {len(result.skipped)} skipped)"
        lines.append(
            f"contents  schema {visible(meta.get('schema_version', '?'))}, "
            f"{len(result.tables.get('articles') or {})} articles, {len(claims)} claims ({review} flagged "
            f"for review), {len(result.tables.get('ratings') or {})} ratings: {after}"
        )
    lines.append(f"lock      {lock_state(path.with_name(path.name + LOCK_SUFFIX))}")
    backups = list_backups(path)
    lines.append(f"backups   {len(backups)} in {visible(path.parent / 'backups')}"
                 + (f", newest {visible(backups[0].name)}" if backups else ""))
    return lines + notes


# -- repair ------------------------------------------------------------------------


def repair(path: Path) -> list[str]:
    """Make the store openable again; returns what was done, line by line.

    Takes the store's lock first: if another factdesk holds the store, the
    repair is refused (:class:`StoreError`) and no file is touched."""
    path = Path(os.path.realpath(path))
    lock_path = path.with_name(path.name + LOCK_SUFFIX)
    created = not os.path.lexists(lock_path)
    try:
        fd = acquire_lock(lock_path, path)
    except StoreLocked as exc:
        raise StoreError(f"store repair refused, nothing was changed: {exc}") from None
    try:
        done = _repair_locked(path)
    except ForeignStore as exc:
        if created:  # leave nothing of ours beside a file that is not ours
            lock_path.unlink(missing_ok=True)
        raise StoreError(f"store repair refused, nothing was changed: {exc}") from None
    finally:
        release_lock(fd)
    from annotations.store import AnnotationStore  # the store opens the result

    with AnnotationStore(path) as store:
        done.append(f"the store opens: {len(store.claims(include_review=True))} claims, {len(store.ratings())} ratings")
    return done


def _repair_locked(path: Path) -> list[str]:
    done: list[str] = []
    journal = _journal_of(path)
    result, snapshot_broken = _replay_store(path, done)
    rewrite = bool(result.skipped or result.covered)
    if not rewrite and not snapshot_broken:
        return ["nothing to repair"]
    new_journal = b"".join(line.raw for line in result.kept)
    if rewrite:
        kept = _keep_copy(journal)
        done.append(f"journal: {len(result.kept)} entries kept, {len(result.skipped) + len(result.covered)} "
                    f"line(s) left out; the original journal is kept as {kept.name}")
        for line, why in result.skipped:
            done.append(f"  skipped {line.describe()}: {why}")
        for line in result.covered:
            done.append(f"  left out {line.describe()}: damaged, but its action is in the snapshot "
                        "(nothing lost; it can no longer be undone)")
    if snapshot_broken and path.exists():
        kept = _keep_copy(path)
        done.append(f"the unreadable snapshot is kept as {kept.name}")
    # The snapshot first, then the journal it points into. The snapshot counts
    # every seq the old journal holds as included, so that if the repair is
    # interrupted between the two writes, no skipped entry of the old journal
    # can be replayed on top of it (and `store repair` again finishes the job).
    seqs = [line.entry["seq"] for line in result.kept + [line for line, _ in result.skipped] if line.entry]
    tables = dict(result.tables)
    tables[INTERNAL_TABLE] = {"1": {"seq": max([result.seq, *seqs]), "offset": len(new_journal),
                                    "undo": result.undo, "redo": result.redo, "format": 1}}
    atomic_write(path, orjson.dumps(tables))
    if rewrite:
        atomic_write(journal, new_journal)
    return done
