"""`factdesk store info` and `factdesk store repair`."""

from __future__ import annotations

import json
import os
import socket
import subprocess

import pytest

from annotations.journal import decode_entry, read_journal
from annotations.repair import info, repair
from annotations.storage import StoreError
from annotations.store import AnnotationStore
from tests.helpers import PYTHON, ROOT, killed_after, run_env, span_of, start_child


def make_store(path, corpus, sessions=2):
    a = corpus.articles[0]
    ids = []
    for i in range(sessions):
        with AnnotationStore(path) as store:
            store.register_corpus(corpus)
            ids.append(store.add_claim(a.id, *span_of(a.text, "158 soldiers"), {"t1": "agree"})["id"])
    return ids


def test_repair_restores_a_garbage_snapshot_from_backup_and_journal(tmp_path, corpus):
    path = tmp_path / "s.json"
    ids = make_store(path, corpus, sessions=3)
    path.write_bytes(b"\x00garbage")
    done = repair(path)
    assert any("kept as s.json.broken-" in line for line in done)
    assert any("restored" in line for line in done)
    with AnnotationStore(path) as store:
        assert sorted(c["id"] for c in store.claims()) == sorted(ids)
    assert list(tmp_path.glob("s.json.broken-*"))[0].read_bytes() == b"\x00garbage"


def test_repair_without_backups_replays_the_whole_journal(tmp_path, corpus):
    path = tmp_path / "s.json"
    ids = make_store(path, corpus)
    for backup in (tmp_path / "backups").iterdir():
        backup.unlink()
    path.write_text("{broken")
    done = repair(path)
    assert any("no backup is readable: rebuilt from the whole journal" in line for line in done)
    with AnnotationStore(path) as store:
        assert sorted(c["id"] for c in store.claims()) == sorted(ids)


def test_repair_skips_only_the_damaged_entry_in_the_middle(tmp_path, corpus):
    path = tmp_path / "s.json"
    a = corpus.articles[0]

    def write():
        store = _fresh(path, corpus)
        first = store.add_claim(a.id, *span_of(a.text, "158 soldiers"), {"t1": "agree"})
        store.add_claim(a.id, *span_of(a.text, "Armenia must withdraw"), {"t1": "agree"})
        return first, store.add_claim(a.id, *span_of(a.text, "19 civilians"), {"t1": "agree"})

    first, last = killed_after(write)
    journal = tmp_path / "s.json.journal"
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[-2] = lines[-2][:20] + b"X" + lines[-2][21:]
    journal.write_bytes(b"".join(lines))
    done = repair(path)
    assert any(f"skipped line {len(lines) - 1} (byte " in line and "'add claim'" in line for line in done), done
    with AnnotationStore(path) as store:
        assert sorted(c["id"] for c in store.claims()) == sorted([first["id"], last["id"]])


def test_repair_of_a_healthy_store_changes_nothing(tmp_path, corpus):
    path = tmp_path / "s.json"
    make_store(path, corpus)
    before = path.read_bytes()
    assert repair(path)[0] == "nothing to repair"
    assert path.read_bytes() == before


def test_info_describes_even_a_broken_store(tmp_path, corpus):
    path = tmp_path / "s.json"
    make_store(path, corpus)
    lines = info(path)
    assert any("schema 2, 5 articles, 2 claims" in line for line in lines)
    path.write_text("nope")
    lines = info(path)
    assert any("UNREADABLE" in line for line in lines)
    assert any("journal   s.json.journal: " in line and ", ok" in line for line in lines)


def test_store_commands_from_the_cli(tmp_path, corpus):
    path = tmp_path / "s.json"
    make_store(path, corpus)
    path.write_text("nope")
    env = run_env(tmp_path)
    opened = subprocess.run([PYTHON, "-m", "tui.cli", "export", "--db", str(path), "--out", str(tmp_path / "x")],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    assert opened.returncode == 2 and "store repair" in opened.stderr and "Traceback" not in opened.stderr
    fixed = subprocess.run([PYTHON, "-m", "tui.cli", "store", "repair", "--db", str(path)],
                           capture_output=True, text=True, env=env, cwd=ROOT)
    assert fixed.returncode == 0, fixed.stderr
    assert "the store opens: 2 claims" in fixed.stdout
    missing = subprocess.run([PYTHON, "-m", "tui.cli", "store", "info", "--db", str(tmp_path / "none.json")],
                             capture_output=True, text=True, env=env, cwd=ROOT)
    assert missing.returncode == 2 and "no such store" in missing.stderr


# -- damage in the middle: keep what applies, name what is skipped -------------------------


def _journal(path):
    return path.with_name(path.name + ".journal")


def _fresh(path, corpus):
    """A store at ``path`` on ``corpus``, snapshot written: what follows is only in the journal."""
    store = AnnotationStore(path, snapshot_every=10**9)
    store.register_corpus(corpus)
    store.storage.snapshot()
    return store


def _claims(corpus, n):
    """n distinct spans of the sample articles (article id, start, end)."""
    spans = []
    for article in corpus.articles:
        words = [i for i in range(1, len(article.text) - 12) if article.text[i - 1] == " " and article.text[i] != " "]
        for start in words[:: max(1, len(words) // 8)]:
            end = start + 8
            while article.text[end - 1].isspace():
                end -= 1
            spans.append((article.id, start, end))
    return spans[:n]


def _flip(journal, index, at=None):
    """Flip one byte inside line ``index`` (0-based) of the journal; returns (line number, offset)."""
    raw = journal.read_bytes()
    lines = raw.splitlines(keepends=True)
    offset = sum(len(line) for line in lines[:index])
    line = bytearray(lines[index])
    at = len(line) // 2 if at is None else at
    line[at] = ord("#") if line[at] != ord("#") else ord("%")
    lines[index] = bytes(line)
    journal.write_bytes(b"".join(lines))
    return index + 1, offset


def test_repair_keeps_every_entry_after_damage_in_the_middle(tmp_path, corpus):
    path = tmp_path / "s.json"

    def write():
        store = _fresh(path, corpus)
        return [store.add_claim(a, s, e, {"t1": "agree"}) for a, s, e in _claims(corpus, 23)]

    saved = killed_after(write)
    journal = _journal(path)
    index = len(journal.read_bytes().splitlines()) - 13  # the 11th claim of 23
    entry = decode_entry(journal.read_bytes().splitlines(keepends=True)[index])
    number, offset = _flip(journal, index)
    damaged = journal.read_bytes()
    with pytest.raises(StoreError, match=rf"damaged in the middle \(line {number}, byte {offset}\), with 12 good"):
        AnnotationStore(path)
    assert journal.read_bytes() == damaged, "opening must not cut a journal damaged in the middle"
    done = repair(path)
    skipped = [line for line in done if line.strip().startswith("skipped")]
    assert skipped == [f"  skipped line {number} (byte {offset}): seq {entry['seq']}, 'add claim', at {entry['t']}: "
                       "damaged (its checksum does not match)"]
    [kept] = list(tmp_path.glob("s.json.journal.broken-*"))
    assert kept.read_bytes() == damaged
    entries, _, bad = read_journal(journal)
    assert bad == -1 and len(entries) == len(damaged.splitlines()) - 1
    with AnnotationStore(path) as store:
        lost = [c for c in saved if store.claim(c["id"]) is None]
        assert len(store.claims()) == 22 and len(lost) == 1
        assert lost[0]["id"] == entry["changes"][0][3]["id"]
        store.add_claim(*_claims(corpus, 24)[23], {"t1": "discuss"})  # and it goes on working
    with AnnotationStore(path) as store:
        assert len(store.claims()) == 23


def test_entries_depending_on_a_skipped_one_are_named_and_not_applied(tmp_path, corpus):
    path = tmp_path / "s.json"
    spans = _claims(corpus, 6)

    def write():
        store = _fresh(path, corpus)
        first = store.add_claim(*spans[0], {"t1": "agree"})          # damaged below
        store.set_stance(first["id"], "t1", "disagree")              # edits a claim whose creation is lost
        other = store.add_claim(*spans[1], {"t1": "agree"})
        with store.action("two at once"):                            # one entry: a lost edit and a new claim
            store.set_stance(first["id"], "t1", "discuss")
            store.add_claim(*spans[2], {"t1": "agree"})
        third = store.add_claim(*spans[3], {"t1": "agree"})          # damaged below
        store.undo()                                                 # the undo of a skipped action
        store.redo()                                                 # and its redo
        fourth = store.add_claim(*spans[4], {"t1": "agree"})
        store.set_stance(other["id"], "t1", "discuss")
        return first, other, third, fourth

    first, other, third, fourth = killed_after(write)
    journal = _journal(path)
    lines = journal.read_bytes().splitlines(keepends=True)
    entries = [decode_entry(line) for line in lines]
    labels = [e["label"] for e in entries]
    add_first = labels.index("add claim")
    add_third = [i for i, e in enumerate(entries) if e["kind"] == "do" and e["changes"][0][3]
                 and e["changes"][0][3].get("id") == third["id"]][0]
    _flip(journal, add_first)
    _flip(journal, add_third)
    done = repair(path)
    skipped = {int(line.split("line ")[1].split()[0]): line for line in done if line.strip().startswith("skipped")}
    assert set(skipped) == {add_first + 1, add_first + 2, add_first + 4, add_third + 1, add_third + 2, add_third + 3}
    assert "damaged" in skipped[add_first + 1] and "damaged" in skipped[add_third + 1]
    assert "'change stance'" in skipped[add_first + 2] and "depends on a skipped entry" in skipped[add_first + 2]
    assert "'two at once'" in skipped[add_first + 4] and "claims document" in skipped[add_first + 4]
    assert f"the undo of seq {entries[add_third]['seq']}, which is skipped" in skipped[add_third + 2]
    assert f"the redo of seq {entries[add_third]['seq']}, which is skipped" in skipped[add_third + 3]
    with AnnotationStore(path) as store:
        ids = {c["id"] for c in store.claims()}
        assert ids == {other["id"], fourth["id"]}  # the grouped action is wholly skipped, never half applied
        assert store.claim(other["id"])["stances"] == {"t1": "discuss"}
        assert store.undo() == "change stance"  # undo works back to the damage, not across it
        assert store.undo() == "add claim"
        assert store.undo() is None


def test_repair_keeps_the_entries_after_a_nul_hole(tmp_path, corpus):
    path = tmp_path / "s.json"
    spans = _claims(corpus, 4)
    saved = killed_after(lambda: [_fresh(path, corpus).add_claim(*spans[0], {"t1": "agree"})["id"]])
    journal = _journal(path)
    raw = journal.read_bytes()
    # two entries a later session appended (made on a copy of the store)
    copy = tmp_path / "c.json"
    copy.write_bytes(path.read_bytes())
    _journal(copy).write_bytes(raw)

    def write_more():
        other = AnnotationStore(copy, snapshot_every=10**9)
        return [other.add_claim(*spans[i], {"t1": "agree"})["id"] for i in (1, 2)]

    saved += killed_after(write_more)
    later = _journal(copy).read_bytes()[len(raw):]
    # what an old factdesk left on a full disk: a line of NULs, and entries appended after it
    journal.write_bytes(raw + b"\0" * 316 + b"\n" + later)
    with pytest.raises(StoreError, match="damaged in the middle.*with 2 good entries after it"):
        AnnotationStore(path)
    done = repair(path)
    number = raw.count(b"\n") + 1
    assert f"  skipped line {number} (byte {len(raw)}): unreadable: damaged (its checksum does not match)" in done
    assert b"\0" not in journal.read_bytes()
    with AnnotationStore(path) as store:
        assert sorted(c["id"] for c in store.claims()) == sorted(saved)


# -- a refused repair changes nothing ---------------------------------------------------------


def _files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_repair_refused_while_another_factdesk_holds_the_store_changes_nothing(tmp_path):
    path = tmp_path / "store.json"
    child = start_child(path, tmp_path, count=30, hold=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        lines = []
        while (line := child.stdout.readline().strip()) != "holding":
            lines.append(line)
        _flip(_journal(path), 1)  # damage the repair would act on
        before = _files(tmp_path)
        with pytest.raises(StoreError, match=rf"store repair refused, nothing was changed: .*process {child.pid} "):
            repair(path)
        out = subprocess.run([PYTHON, "-m", "tui.cli", "store", "repair", "--db", str(path)],
                             capture_output=True, text=True, env=run_env(tmp_path), cwd=ROOT)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert out.stderr.count("\n") == 1 and "refused, nothing was changed" in out.stderr
        assert _files(tmp_path) == before
        child.stdin.write("claim\n")
        child.stdin.flush()
        later = child.stdout.readline().split()[1]  # saved by the holder after the refused repair
        child.stdin.write("close\n")
        child.stdin.flush()
        assert child.wait(timeout=60) == 0
    finally:
        child.kill()
        child.communicate()
    repair(path)  # now it may: the damage is named and skipped
    with AnnotationStore(path, annotator="child") as store:
        assert store.claim(later) is not None
        assert [row["label"] for row in store.history(later)] == ["add claim"], "its journal entry is kept"


# -- store info says what is true ----------------------------------------------------------------


def test_info_names_damage_in_the_middle_and_counts_the_journal(tmp_path, corpus):
    path = tmp_path / "s.json"

    def write():
        store = _fresh(path, corpus)
        for span in _claims(corpus, 5):
            store.add_claim(*span, {"t1": "agree"})
        store.rate_article(corpus.articles[0].id, "mixed")

    killed_after(write)
    text = "\n".join(info(path))
    assert "5 articles, 5 claims (0 flagged for review), 1 ratings: the snapshot and the 6 journal entries after it" in text
    assert "journal   s.json.journal: " in text and ", ok" in text
    number, offset = _flip(_journal(path), 3)
    text = "\n".join(info(path))
    assert "torn" not in text
    assert f"DAMAGED in the middle: 1 bad line(s), the first at line {number} (byte {offset})" in text
    assert "with 4 good entries after it" in text and "run `factdesk store repair --db" in text
    assert "4 claims" in text and "(what a repair would keep; 1 skipped)" in text


def test_info_tells_a_torn_last_line_from_damage(tmp_path, corpus):
    path = tmp_path / "s.json"

    def write():
        store = AnnotationStore(path, snapshot_every=10**9)
        store.register_corpus(corpus)
        store.add_claim(*_claims(corpus, 1)[0], {"t1": "agree"})

    killed_after(write)
    raw = _journal(path).read_bytes()
    _journal(path).write_bytes(raw[:-9])
    text = "\n".join(info(path))
    assert "torn last line (an interrupted write, never reported saved" in text and "DAMAGED" not in text


def test_info_shows_a_stale_lock_as_not_running(tmp_path, corpus):
    path = tmp_path / "s.json"
    make_store(path, corpus, sessions=1)
    dead = subprocess.Popen([PYTHON, "-c", "pass"])
    dead.wait()
    lock = tmp_path / "s.json.lock"
    lock.write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(), "since": "2026-01-01T00:00:00"}))
    [line] = [line for line in info(path) if line.startswith("lock")]
    assert line.startswith(f"lock      free (last held by process {dead.pid} on ") and "not running" in line
    with AnnotationStore(path):
        [line] = [line for line in info(path) if line.startswith("lock")]
        assert line.startswith(f"lock      held by process {os.getpid()} on ")
    [line] = [line for line in info(path) if line.startswith("lock")]
    assert line == "lock      free"


def test_repair_refuses_a_file_that_is_not_a_factdesk_store(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"_default": {"1": {"x": 1}}}')
    with pytest.raises(StoreError, match=r"store repair refused, nothing was changed: .*not a factdesk store"):
        repair(path)
    assert path.read_text() == '{"_default": {"1": {"x": 1}}}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.json"]
