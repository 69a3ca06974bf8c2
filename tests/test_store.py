import json

import pytest

from annotations.schema import SCHEMA_VERSION, ValidationError
from annotations.storage import FaultyOps
from annotations.store import AnnotationStore, StoreError, default_store_path
from tests.helpers import span_of


def test_claim_is_saved_with_offsets_hash_and_quote(store, corpus):
    article = corpus.articles[0]
    start, end = span_of(article.text, "158 soldiers")
    claim = store.add_claim(article.id, start, end, {"t1": "agree"})
    saved = store.claims(article.id)
    assert saved == [claim]
    assert claim["quote"] == "158 soldiers" == article.text[start:end]
    assert claim["text_hash"] == article.text_hash
    assert claim["annotator"] == "tester"
    assert claim["stances"] == {"t1": "agree"}


def test_everything_survives_reopening(tmp_path, corpus):
    path = tmp_path / "s.json"
    with AnnotationStore(path) as s:
        s.register_corpus(corpus)
        a = corpus.articles[1]
        claim = s.add_claim(a.id, *span_of(a.text, "A new humanitarian ceasefire"), {"t1": "discuss"})
        s.rate_article(a.id, "unreliable", "anonymous sourcing")
    with AnnotationStore(path) as s:
        assert s.claims() == [claim]
        assert s.rating(a.id)["label"] == "unreliable"
        assert s.rating(a.id)["note"] == "anonymous sourcing"
        assert len(s.articles()) == 5


@pytest.mark.parametrize("start, end, stances, message", [
    (-1, 5, {}, "outside the article"),
    (10, 10, {}, "outside the article"),
    (0, 10**6, {}, "outside the article"),
    (0, 5, {"t1": "maybe"}, "stance 'maybe' is not one of"),
    (0, 5, {"t9": "agree"}, "unknown target 't9'"),
])
def test_invalid_claims_are_refused(store, corpus, start, end, stances, message):
    with pytest.raises(ValidationError, match=message):
        store.add_claim(corpus.articles[0].id, start, end, stances)
    assert store.claims() == []


def test_unknown_article_and_label_are_refused(store, corpus):
    with pytest.raises(ValidationError, match="not in this store"):
        store.add_claim("0" * 16, 0, 5, {})
    with pytest.raises(ValidationError, match="reliability 'great' is not one of"):
        store.rate_article(corpus.articles[0].id, "great")
    assert store.ratings() == []


def test_rating_is_updated_not_duplicated(store, corpus):
    a = corpus.articles[2]
    first = store.rate_article(a.id, "mixed")
    second = store.rate_article(a.id, "reliable", "  checked  ")
    assert len(store.ratings()) == 1
    assert second["created"] == first["created"]
    assert store.rating(a.id)["label"] == "reliable"
    assert store.rating(a.id)["note"] == "checked"


def test_set_stance_and_delete(store, corpus):
    a = corpus.articles[0]
    claim = store.add_claim(a.id, *span_of(a.text, "Armenia must withdraw its troops"), {"t1": "agree"})
    assert store.set_stance(claim["id"], "t1", "disagree")["stances"] == {"t1": "disagree"}
    store.delete_claim(claim["id"])
    assert store.claims() == []


def test_garbage_store_is_never_overwritten(tmp_path):
    path = tmp_path / "s.json"
    path.write_bytes(b"\x00\xffnot json at all")
    with pytest.raises(StoreError, match="not a readable factdesk store.*left untouched"):
        AnnotationStore(path)
    assert path.read_bytes() == b"\x00\xffnot json at all"


def test_foreign_json_is_never_overwritten(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('[1, 2, 3]')
    with pytest.raises(StoreError, match="not a factdesk store"):
        AnnotationStore(path)
    assert path.read_text() == "[1, 2, 3]"


def test_empty_file_is_an_empty_store(tmp_path, corpus):
    path = tmp_path / "s.json"
    path.write_text("")
    with AnnotationStore(path) as s:
        s.register_corpus(corpus)
        assert s.claims() == []
    assert json.loads(path.read_text())["meta"]["1"]["schema_version"] == SCHEMA_VERSION


def test_other_schema_version_is_refused(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"meta": {"1": {"schema_version": 99}}}))
    with pytest.raises(StoreError, match="schema version 99"):
        AnnotationStore(path)


def test_read_only_store_refuses_writes(tmp_path, corpus):
    path = tmp_path / "s.json"
    with AnnotationStore(path) as s:
        s.register_corpus(corpus)
    before = path.read_bytes()
    with AnnotationStore(path, read_only=True) as s:
        with pytest.raises(StoreError, match="read-only"):
            s.rate_article(corpus.articles[0].id, "mixed")
    assert path.read_bytes() == before


def test_folder_as_store_path_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        AnnotationStore(tmp_path)


def temporary_files(folder) -> list[str]:
    """Files under ``folder`` that a write makes on its way (``.NAME.*.tmp``)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.name.endswith(".tmp") or p.name.startswith("."))


def test_write_leaves_no_temporary_files(store, corpus, tmp_path):
    """The journal line and the snapshot (written to a temporary file, then
    renamed over the store) leave nothing behind."""
    store.rate_article(corpus.articles[0].id, "mixed")
    store.storage.snapshot()
    assert store.storage.snapshot_seq == store.storage.seq  # the snapshot was written
    assert "mixed" in (tmp_path / "store.json").read_text(encoding="utf-8")
    assert temporary_files(tmp_path) == []


@pytest.mark.parametrize("call, fault, name", [
    (0, "ENOSPC", "write"), (0, "hole", "write"), (1, "EIO", "fsync"), (2, "EIO", "replace"),
])
def test_failed_snapshot_leaves_the_old_file_and_no_temporary_file(store, corpus, tmp_path, call, fault, name):
    """A snapshot that fails (disk full while writing the temporary file, a
    failed fsync, a failed rename) keeps the old snapshot as it was, removes
    its temporary file, and loses nothing: the journal has the action."""
    a = corpus.articles[0]
    store.rate_article(a.id, "mixed")
    store.storage.snapshot()
    before = (tmp_path / "store.json").read_bytes()
    store.rate_article(a.id, "reliable")
    store.storage.ops = ops = FaultyOps({call: fault})
    store.storage.snapshot()
    assert [(n, f) for _, n, f in ops.faults] == [(name, fault)]
    assert store.storage.snapshot_seq < store.storage.seq
    assert (tmp_path / "store.json").read_bytes() == before
    assert temporary_files(tmp_path) == []
    store.close()
    with AnnotationStore(tmp_path / "store.json", read_only=True) as again:
        assert again.rating(a.id)["label"] == "reliable"


def test_default_store_path_is_in_data_dir(isolated_dirs):
    path = default_store_path("my corpus/../x")
    assert path.parent == isolated_dirs / "data" / "stores"
    assert path.name == "my_corpus_.._x.json"
