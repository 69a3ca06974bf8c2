"""The journal storage: durability, replay, damage, locking, backups, undo."""

from __future__ import annotations

import json

import pytest
from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage

from annotations.journal import (
    JournalStorage,
    JournalTable,
    StoreLocked,
    decode_entry,
    list_backups,
    read_journal,
)
from annotations.schema import SCHEMA_VERSION
from annotations.storage import StoreError
from annotations.store import AnnotationStore
from tests.helpers import killed_after, span_of


class DB(TinyDB):
    table_class = JournalTable


def open_db(path, **options):
    return DB(path, storage=JournalStorage, **options)


def killed_writer(path, values, snapshot_every: int = 10**9) -> int:
    """A writer inserts {"i": v} into table "t" of the db at ``path`` for each
    of ``values``, one action each, and dies without closing it, as a killed
    factdesk does. Returns the seq of its last snapshot."""

    def write():
        db = open_db(path, snapshot_every=snapshot_every)
        for i in values:
            db.table("t").insert({"i": i})
        return db.storage.snapshot_seq

    return killed_after(write)


def journal_lines(path):
    return (path.parent / (path.name + ".journal")).read_bytes().splitlines(keepends=True)


# -- JournalTable behaves like TinyDB's Table -----------------------------------


def run_table_script(db):
    t = db.table("t")
    a = t.insert({"k": "a", "n": 1})
    t.insert_multiple([{"k": "b", "n": 2}, {"k": "c", "n": 3}])
    t.update({"n": 20}, Query().k == "b")
    t.update(lambda doc: doc.update(n=doc["n"] * 10), doc_ids=[a])
    t.upsert({"k": "d", "n": 4}, Query().k == "d")
    t.upsert({"k": "c", "n": 30}, Query().k == "c")
    t.remove(Query().k == "d")
    assert t.remove(doc_ids=[99]) == []
    e = t.insert({"k": "e"})
    return sorted((doc.doc_id, dict(doc)) for doc in t.all()), e


def test_journal_table_matches_tinydb_semantics(tmp_path):
    expected = run_table_script(TinyDB(storage=MemoryStorage))
    db = open_db(tmp_path / "s.json")
    assert run_table_script(db) == expected
    db.close()
    # and the same after reopening, from the snapshot and the journal
    db = open_db(tmp_path / "s.json")
    assert sorted((d.doc_id, dict(d)) for d in db.table("t").all()) == expected[0]
    db.table("t").truncate()
    assert db.table("t").all() == []
    db.close()


def test_each_write_is_one_journal_line_with_only_the_changed_documents(tmp_path):
    path = tmp_path / "s.json"
    db = open_db(path)
    t = db.table("t")
    t.insert_multiple({"i": i} for i in range(100))
    t.update({"x": 1}, doc_ids=[5])
    db.storage.snapshot()
    lines = journal_lines(path)
    assert len(lines) == 2
    entry = decode_entry(lines[-1])
    assert entry["changes"] == [["t", "5", {"i": 4}, {"i": 4, "x": 1}]]  # ids start at 1
    db.close()


# -- replay, torn and damaged journals -------------------------------------------


def test_journal_alone_restores_every_action(tmp_path):
    path = tmp_path / "s.json"
    killed_writer(path, range(20))
    assert not path.exists()
    db2 = open_db(path)
    assert [d["i"] for d in db2.table("t").all()] == list(range(20))
    assert db2.storage.report.replayed == 20
    db2.close()


def test_torn_last_line_is_ignored_and_trimmed(tmp_path):
    path = tmp_path / "s.json"
    killed_writer(path, [1, 2])
    journal = path.with_name(path.name + ".journal")
    whole = journal.read_bytes()
    journal.write_bytes(whole[:-7])  # cut the last line short, as a crash mid-write would
    db2 = open_db(path)
    assert [d["i"] for d in db2.table("t").all()] == [1]
    assert db2.storage.report.torn_tail
    db2.table("t").insert({"i": 3})
    db2.close()
    entries, _, damaged = read_journal(journal)
    assert damaged == -1 and [e["seq"] for _, e in entries] == [1, 2]


def test_damage_in_the_middle_of_the_journal_refuses_to_open(tmp_path):
    path = tmp_path / "s.json"
    killed_writer(path, range(3))
    journal = path.with_name(path.name + ".journal")
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b'"i":1', b'"i":7')  # checksum no longer matches
    journal.write_bytes(b"".join(lines))
    before = journal.read_bytes()
    with pytest.raises(StoreError, match="damaged in the middle.*store repair"):
        open_db(path)
    assert journal.read_bytes() == before


def test_snapshot_plus_tail_replay(tmp_path):
    path = tmp_path / "s.json"
    assert killed_writer(path, range(12), snapshot_every=5) == 10
    snapshot = json.loads(path.read_text())
    assert len(snapshot["t"]) == 10 and snapshot["_factdesk"]["1"]["seq"] == 10
    db2 = open_db(path)
    assert len(db2.table("t")) == 12
    assert db2.storage.report.replayed == 2
    db2.close()


# -- one writer --------------------------------------------------------------------


def test_second_writer_is_refused_with_the_holder_named(tmp_path, corpus):
    path = tmp_path / "s.json"
    first = AnnotationStore(path)
    first.register_corpus(corpus)
    with pytest.raises(StoreLocked, match=r"s\.json is open in another factdesk \(process \d+ on .*--read-only"):
        AnnotationStore(path)
    reader = AnnotationStore(path, read_only=True)
    a = corpus.articles[0]
    first.add_claim(a.id, *span_of(a.text, "158 soldiers"), {"t1": "agree"})
    reader.close()
    first.close()
    with AnnotationStore(path) as again:  # the lock is released on close
        assert len(again.claims()) == 1


def test_read_only_store_sees_unsnapshotted_actions(tmp_path, corpus):
    path = tmp_path / "s.json"
    writer = AnnotationStore(path)
    writer.register_corpus(corpus)
    a = corpus.articles[0]
    writer.add_claim(a.id, *span_of(a.text, "158 soldiers"), {"t1": "agree"})
    with AnnotationStore(path, read_only=True) as reader:
        assert [c["quote"] for c in reader.claims()] == ["158 soldiers"]
    writer.close()


# -- backups, schema, bad files --------------------------------------------------------


def test_backups_are_made_per_session_and_bounded(tmp_path, corpus):
    path = tmp_path / "s.json"
    for i in range(8):
        with AnnotationStore(path) as store:
            store.register_corpus(corpus)
            store.rate_article(corpus.articles[0].id, "mixed", f"session {i}")
    backups = list_backups(path)
    assert len(backups) == 5
    newest = json.loads(backups[0].read_text())
    assert newest["ratings"]["1"]["note"] == "session 6"  # taken at the start of session 7


def test_v1_store_is_migrated_after_a_backup(tmp_path, corpus):
    path = tmp_path / "s.json"
    a = corpus.articles[0]
    start, end = span_of(a.text, "158 soldiers")
    v1 = {
        "meta": {"1": {"schema_version": 1, "event": {"id": "e", "title": "E", "targets": [{"id": "t1", "text": "T"}]}}},
        "articles": {"1": {"id": a.id, "text_hash": a.text_hash, "title": a.title, "source": "", "path": a.path,
                           "event_id": "e", "text": a.text}},
        "claims": {"1": {"id": "c1", "article_id": a.id, "text_hash": a.text_hash, "start": start, "end": end,
                         "quote": "158 soldiers", "label": "CLAIM", "stances": {"t1": "agree"},
                         "annotator": "x", "created": "t", "updated": "t"}},
    }
    path.write_text(json.dumps(v1))
    with AnnotationStore(path) as store:
        assert store.meta["schema_version"] == SCHEMA_VERSION
        [claim] = store.claims()
        assert claim["prefix"] == a.text[start - 32:start]
        assert claim["suffix"] == a.text[end:end + 32]
        assert "upgraded" in " ".join(store.report.notes)
    assert json.loads(list_backups(path)[0].read_text())["meta"]["1"]["schema_version"] == 1


def test_old_store_cannot_be_opened_read_only_before_migration(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"meta": {"1": {"schema_version": 1}}}))
    with pytest.raises(StoreError, match="must be upgraded"):
        AnnotationStore(path, read_only=True)
    assert json.loads(path.read_text()) == {"meta": {"1": {"schema_version": 1}}}


# -- undo, redo, history --------------------------------------------------------------


def test_undo_and_redo_across_reopening(tmp_path, corpus):
    path = tmp_path / "s.json"
    a = corpus.articles[0]
    with AnnotationStore(path) as store:
        store.register_corpus(corpus)
        claim = store.add_claim(a.id, *span_of(a.text, "158 soldiers"), {"t1": "agree"})
        store.set_stance(claim["id"], "t1", "disagree")
        store.rate_article(a.id, "reliable")
    with AnnotationStore(path) as store:
        assert store.undo() == "rate article"
        assert store.rating(a.id) is None
        assert store.undo() == "change stance"
        assert store.claim(claim["id"])["stances"] == {"t1": "agree"}
    with AnnotationStore(path) as store:
        assert store.claim(claim["id"])["stances"] == {"t1": "agree"}
        assert store.redo() == "change stance"
        assert store.claim(claim["id"])["stances"] == {"t1": "disagree"}
        assert store.undo() == "change stance"
        assert store.undo() == "add claim"
        assert store.claims() == []
        assert store.undo() is None, "registering the corpus is not undoable"
        assert len(store.articles()) == 5
        assert store.redo() == "add claim"
        # a new action clears what could be redone
        store.delete_claim(claim["id"])
        assert not store.can_redo and store.redo() is None


def test_history_shows_every_past_value_of_a_deleted_claim(tmp_path, corpus):
    a = corpus.articles[0]
    with AnnotationStore(tmp_path / "s.json") as store:
        store.register_corpus(corpus)
        claim = store.add_claim(a.id, *span_of(a.text, "158 soldiers"), {"t1": "agree"})
        store.set_stance(claim["id"], "t1", "discuss")
        store.delete_claim(claim["id"])
        rows = store.history(claim["id"])
    assert [r["label"] for r in rows] == ["add claim", "change stance", "delete claim"]
    assert rows[0]["before"] is None and rows[0]["after"]["stances"] == {"t1": "agree"}
    assert rows[1]["after"]["stances"] == {"t1": "discuss"}
    assert rows[2]["after"] is None and rows[2]["before"]["stances"] == {"t1": "discuss"}


# -- re-anchoring ---------------------------------------------------------------------


def test_claims_follow_a_changed_article_or_are_flagged(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    article = folder / "a.txt"
    article.write_text("Title\n\nThe toll is 158 soldiers. Talks go on. Talks go on.\n", encoding="utf-8")
    from corpus.articles import load_folder

    corpus = load_folder(folder)
    old = corpus.articles[0]
    target = corpus.event.targets[0].id
    path = tmp_path / "s.json"
    with AnnotationStore(path) as store:
        store.register_corpus(corpus)
        moved = store.add_claim(old.id, *span_of(old.text, "158 soldiers"), {target: "agree"})
        second = old.text.index("Talks go on", old.text.index("Talks go on") + 1)
        context = store.add_claim(old.id, second, second + len("Talks go on"), {target: "discuss"})
        gone = store.add_claim(old.id, *span_of(old.text, "The toll"), {target: "discuss"})
        store.rate_article(old.id, "mixed")
    article.write_text("Title\n\nUpdated: toll now said to be 158 soldiers. Talks go on. Talks go on.\n", encoding="utf-8")
    corpus = load_folder(folder)
    new = corpus.articles[0]
    with AnnotationStore(path) as store:
        report = store.register_corpus(corpus)
        assert sorted(report.moved) == sorted([moved["id"], context["id"]])
        assert report.review == [gone["id"]]
        for claim in store.claims(new.id):
            assert new.text[claim["start"]:claim["end"]] == claim["quote"]
            assert claim["text_hash"] == new.text_hash
        assert store.claim(context["id"])["start"] == new.text.rindex("Talks go on")
        flagged = store.claim(gone["id"])
        assert flagged["status"] == "needs_review" and flagged["article_id"] == old.id
        assert store.rating(new.id)["label"] == "mixed"


# -- only a torn last line is ever cut on open ----------------------------------------------------


def _three(path):
    killed_writer(path, range(3))
    return path.with_name(path.name + ".journal")


def test_damage_before_a_torn_last_line_is_not_cut(tmp_path):
    path = tmp_path / "s.json"
    journal = _three(path)
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b'"i":1', b'"i":7')  # a saved entry, damaged
    lines[2] = lines[2][:-6]  # and a torn last line after it: no good line follows the damage
    journal.write_bytes(b"".join(lines))
    before = journal.read_bytes()
    with pytest.raises(StoreError, match=r"damaged in the middle \(line 2, byte \d+\), with 0 good entries"):
        open_db(path)
    assert journal.read_bytes() == before
    with pytest.raises(StoreError, match="damaged in the middle"):
        open_db(path, read_only=True)
    assert journal.read_bytes() == before


def test_a_whole_last_line_that_fails_its_checksum_is_cut_but_kept(tmp_path):
    path = tmp_path / "s.json"
    journal = _three(path)
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"i":2', b'"i":9')
    journal.write_bytes(b"".join(lines))
    db = open_db(path)
    assert [d["i"] for d in db.table("t").all()] == [0, 1]
    assert any("a copy is in s.json.journal.cut-" in note for note in db.storage.report.notes)
    db.close()
    [kept] = tmp_path.glob("s.json.journal.cut-*")
    assert kept.read_bytes() == lines[2]


# -- symlinks and foreign files --------------------------------------------------------------------


def test_a_store_reached_through_a_symlink_locks_and_writes_the_real_file(tmp_path, corpus):
    real = tmp_path / "real" / "s.json"
    real.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(real)
    a = corpus.articles[0]
    with AnnotationStore(link) as store:
        store.register_corpus(corpus)
        claim = store.add_claim(a.id, *span_of(a.text, "158 soldiers"), {"t1": "agree"})
        with pytest.raises(StoreLocked):
            AnnotationStore(real)  # the same store, by its real name: one lock
    assert link.is_symlink() and link.resolve() == real
    assert (real.parent / "s.json.journal").exists() and not (tmp_path / "link.json.journal").exists()
    assert not (tmp_path / "link.json.lock").exists()
    with AnnotationStore(real) as store:
        assert [c["id"] for c in store.claims()] == [claim["id"]]
    with AnnotationStore(link) as store:  # a second session: the link still leads to it
        store.rate_article(a.id, "mixed")
    assert link.is_symlink()
    with AnnotationStore(real, read_only=True) as store:
        assert store.rating(a.id)["label"] == "mixed"


@pytest.mark.parametrize("content", [
    b'{"_default": {"1": {"x": 1}}}',
    b'{"people": {"1": {"name": "A"}}, "_default": {}}',
    b'{"meta": {"1": {"version": 3}}}',
])
def test_a_tinydb_file_that_is_not_a_factdesk_store_is_refused_untouched(tmp_path, content):
    path = tmp_path / "other.json"
    path.write_bytes(content)
    for read_only in (False, True):
        with pytest.raises(StoreError, match=r"other\.json: a TinyDB/JSON file that is not a factdesk store "
                                             r"\(tables .*\).*left untouched.*--db"):
            AnnotationStore(path, read_only=read_only)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.json"]


@pytest.mark.parametrize("content", [None, b"", b"{}", b'{"_default": {}}'])
def test_an_empty_or_absent_file_is_a_new_store(tmp_path, content):
    path = tmp_path / "new.json"
    if content is not None:
        path.write_bytes(content)
    with AnnotationStore(path) as store:
        assert store.meta["schema_version"] == SCHEMA_VERSION


# -- file modes ------------------------------------------------------------------------------------


def test_snapshot_journal_and_backups_follow_the_umask(tmp_path, corpus):
    import os
    import stat

    old = os.umask(0o022)
    try:
        path = tmp_path / "s.json"
        for note in ("one", "two"):
            with AnnotationStore(path) as store:
                store.register_corpus(corpus)
                store.rate_article(corpus.articles[0].id, "mixed", note)
        files = [path, tmp_path / "s.json.journal", *list_backups(path)]
        assert len(files) >= 3
        for file in files:
            assert stat.S_IMODE(file.stat().st_mode) == 0o644, file
    finally:
        os.umask(old)
