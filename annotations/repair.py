"""Looking at a store and repairing one that will not open.

Repair never deletes anything: every file it replaces is first renamed to
``NAME.broken-<time>`` beside it.

- A damaged snapshot is replaced by the newest readable backup, and the
  journal entries after that backup are replayed on top of it; with no
  backup, the whole journal is replayed from the start (it holds every action
  since the store was created).
- A journal damaged in the middle is cut at the damage; the entries after it
  stay in the renamed copy.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

from annotations.journal import (
    INTERNAL_TABLE,
    JOURNAL_SUFFIX,
    LOCK_SUFFIX,
    list_backups,
    load_snapshot,
    read_journal,
)
from annotations.storage import StoreError, fsync_dir


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _set_aside(path: Path) -> Path:
    target = path.with_name(f"{path.name}.broken-{_stamp()}")
    os.replace(path, target)
    fsync_dir(path.parent)
    return target


def _journal_of(path: Path) -> Path:
    return path.with_name(path.name + JOURNAL_SUFFIX)


def info(path: Path) -> list[str]:
    """A few lines describing the store, readable even when it will not open."""
    lines = [f"store     {path}"]
    journal = _journal_of(path)
    try:
        data = load_snapshot(path)
    except StoreError as exc:
        lines.append(f"snapshot  UNREADABLE: {exc}")
        data = None
    if data is not None:
        internal = (data.get(INTERNAL_TABLE) or {}).get("1") or {}
        meta = (data.get("meta") or {}).get("1") or {}
        claims = list((data.get("claims") or {}).values())
        review = sum(1 for c in claims if c.get("status") == "needs_review")
        lines.append(
            f"snapshot  schema {meta.get('schema_version', '?')}, {len(data.get('articles') or {})} articles, "
            f"{len(claims)} claims ({review} flagged for review), {len(data.get('ratings') or {})} ratings, "
            f"includes journal entries up to {internal.get('seq', 0)}"
        )
    entries, good_end, damaged = read_journal(journal)
    size = journal.stat().st_size if journal.exists() else 0
    state = "ok" if damaged < 0 else (
        "torn last line (ignored on open)" if good_end == damaged else f"DAMAGED at byte {damaged}")
    lines.append(f"journal   {journal.name}: {len(entries)} entries, {size} bytes, {state}")
    lock = path.with_name(path.name + LOCK_SUFFIX)
    holder = lock.read_text(errors="replace").strip() if lock.exists() else ""
    lines.append(f"lock      {holder or 'free'}")
    backups = list_backups(path)
    lines.append(f"backups   {len(backups)} in {path.parent / 'backups'}" + (f", newest {backups[0].name}" if backups else ""))
    return lines


def repair(path: Path) -> list[str]:
    """Make the store openable again; returns what was done, line by line."""
    from annotations.store import AnnotationStore  # the store opens the result

    done: list[str] = []
    journal = _journal_of(path)
    entries, good_end, damaged = read_journal(journal)
    if damaged >= 0:
        with open(journal, "rb") as fh:
            fh.seek(damaged)
            tail = fh.read()
        lost = sum(1 for line in tail.split(b"\n")[1:] if line.strip())
        if lost:
            kept = _set_aside(journal)
            shutil.copyfile(kept, journal)
            with open(journal, "r+b") as fh:
                fh.truncate(good_end)
                os.fsync(fh.fileno())
            done.append(f"journal cut at the damage (byte {damaged}); {lost} later entries are kept in {kept.name}")
    try:
        load_snapshot(path)
    except StoreError:
        broken = _set_aside(path)
        done.append(f"unreadable snapshot moved to {broken.name}")
        for candidate in list_backups(path):
            try:
                load_snapshot(candidate)
            except StoreError:
                continue
            shutil.copyfile(candidate, path)
            done.append(f"restored {candidate.name}, then replayed the journal after it")
            break
        else:
            done.append("no readable backup: rebuilt from the whole journal")
    else:
        if not done:
            done.append("nothing to repair")
    with AnnotationStore(path) as store:
        done.append(f"the store opens: {len(store.claims(include_review=True))} claims, {len(store.ratings())} ratings")
    return done
