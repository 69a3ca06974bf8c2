"""Cold tables: a store's big table that the app does not read on opening (a
corpus's gold rows) stays unparsed in the snapshot file until it is used, and
nothing about the store changes for that."""

from __future__ import annotations

import json

import orjson
import pytest
from tinydb import TinyDB

from annotations.journal import JournalStorage, JournalTable, load_snapshot
from annotations.storage import StoreError
from annotations.store import AnnotationStore

ROWS = [{"row": i, "target_id": f"h{i % 7}", "article_id": f"a{i % 13}", "stance": "agree" if i % 3 else "discuss"}
        for i in range(500)]


class DB(TinyDB):
    table_class = JournalTable


def open_db(path, **options):
    return DB(path, storage=JournalStorage, cold_tables=("gold",), **options)


def make_store(path) -> None:
    db = open_db(path)
    db.table("gold").insert_multiple(ROWS)
    db.table("claims").insert({"id": "c1", "quote": "a claim"})
    db.close()  # snapshots


def test_a_cold_table_is_not_parsed_on_opening_and_reads_back_whole(tmp_path):
    make_store(tmp_path / "s.json")
    db = open_db(tmp_path / "s.json")
    assert db.storage.unparsed == {"gold"}
    assert db.table("claims").all() == [{"id": "c1", "quote": "a claim"}]  # another table: gold stays cold
    assert db.storage.unparsed == {"gold"}
    assert [dict(d) for d in db.table("gold").all()] == ROWS
    assert db.storage.unparsed == frozenset()
    db.close()


def test_the_snapshot_is_plain_json_with_a_table_per_line(tmp_path):
    make_store(tmp_path / "s.json")
    raw = (tmp_path / "s.json").read_bytes()
    data = json.loads(raw)  # any JSON reader takes it
    assert list(data["gold"].values()) == ROWS
    assert len(raw.splitlines()) == len(data)
    assert list(data)[-1] == "_factdesk"


def test_a_snapshot_written_while_a_table_is_cold_keeps_it(tmp_path):
    make_store(tmp_path / "s.json")
    db = open_db(tmp_path / "s.json", snapshot_every=1)
    db.table("claims").insert({"id": "c2", "quote": "another"})  # snapshots at once
    db.storage.snapshot()
    assert db.storage.unparsed == {"gold"}
    db.table("claims").insert({"id": "c3", "quote": "third"})
    db.storage.snapshot()  # the cold table's place moved in the new file: read from there
    assert [dict(d) for d in db.table("gold").all()] == ROWS
    db.close()
    db = open_db(tmp_path / "s.json")
    assert [dict(d) for d in db.table("gold").all()] == ROWS
    assert len(db.table("claims")) == 3
    db.close()


def test_writing_to_a_cold_table_parses_it_first(tmp_path):
    make_store(tmp_path / "s.json")
    db = open_db(tmp_path / "s.json")
    db.table("gold").insert({"row": 500, "target_id": "h0", "article_id": "a0", "stance": "agree"})
    db.close()
    db = open_db(tmp_path / "s.json")
    assert [dict(d) for d in db.table("gold").all()] == [*ROWS, {"row": 500, "target_id": "h0",
                                                                "article_id": "a0", "stance": "agree"}]
    db.close()


def test_a_hand_edited_cold_table_is_parsed_on_opening(tmp_path):
    """Its CRC no longer matches: what the file says now is what is read."""
    make_store(tmp_path / "s.json")
    path = tmp_path / "s.json"
    path.write_bytes(path.read_bytes().replace(b'"stance":"discuss"', b'"stance":"disagree"'))
    db = open_db(path)
    assert db.storage.unparsed == frozenset()
    assert {d["stance"] for d in db.table("gold").all()} == {"agree", "disagree"}
    db.close()


def test_a_damaged_cold_table_is_refused_on_opening_like_any_damage(tmp_path):
    make_store(tmp_path / "s.json")
    path = tmp_path / "s.json"
    before = path.read_bytes()
    path.write_bytes(before.replace(b'"row":17,', b'"row":17,,'))
    with pytest.raises(StoreError, match="not a readable factdesk store"):
        open_db(path)
    assert path.read_bytes() == before.replace(b'"row":17,', b'"row":17,,')  # untouched


def test_a_cold_table_changed_on_disk_after_opening_is_an_error_not_wrong_rows(tmp_path):
    make_store(tmp_path / "s.json")
    path = tmp_path / "s.json"
    db = open_db(path)
    path.write_bytes(path.read_bytes().replace(b'"stance":"discuss"', b'"stance":"disagree"'))
    with pytest.raises(StoreError, match="cannot be read back") as caught:
        db.table("gold").all()
    assert "\n" not in str(caught.value)
    assert db.storage.unparsed == {"gold"}  # nothing half-read
    db.close()


def test_a_one_line_snapshot_of_an_older_factdesk_opens_the_same(tmp_path):
    make_store(tmp_path / "s.json")
    path = tmp_path / "s.json"
    whole = load_snapshot(path)
    path.write_bytes(orjson.dumps(whole))  # as factdesk wrote snapshots before: one line, no CRCs
    db = open_db(path)
    assert [dict(d) for d in db.table("gold").all()] == ROWS
    assert len(db.table("claims")) == 1
    db.close()


def test_short_values_repeated_across_documents_are_held_once(tmp_path):
    make_store(tmp_path / "s.json")
    db = open_db(tmp_path / "s.json")
    stances = [d["stance"] for d in db.table("gold").all()]
    assert len({id(s) for s in stances}) == 2  # "agree" and "discuss", each one object
    db.close()


def test_an_annotation_store_keeps_the_corpus_gold_rows_cold(tmp_path):
    from corpus.importers import load_corpus

    (tmp_path / "t_bodies.csv").write_text("Body ID,articleBody\n1,Body one says the talks failed.\n"
                                           "2,Body two agrees.\n", encoding="utf-8")
    (tmp_path / "t_stances.csv").write_text("Headline,Body ID,Stance\nTalks fail,1,agree\nTalks fail,2,unrelated\n"
                                            "Other,2,discuss\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    store = AnnotationStore(tmp_path / "store.json")
    store.register_corpus(corpus)
    gold = store.gold()
    assert gold
    store.close()
    store = AnnotationStore(tmp_path / "store.json")
    store.register_corpus(corpus)
    assert store.storage.unparsed == {"gold"}
    assert store.gold() == gold
    store.close()
