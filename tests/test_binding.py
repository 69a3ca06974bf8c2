"""A store belongs to its corpus (issue 13, item 4), and the command's last
line of defence: an unexpected error is one line and a log file (item 14)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from annotations.store import AnnotationStore, CorpusMismatch, StoreError, corpus_identity
from corpus.articles import CorpusError, load_folder, sample_corpus_path
from tests.helpers import PYTHON, ROOT, run_env
from tui import cli


def store_files(path):
    """Every file of a store, by name, with its bytes (the lock file aside)."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob(path.name + "*"))
            if not p.name.endswith(".lock")}


def other_corpus(tmp_path):
    """A small corpus of two articles that are not the sample's."""
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "a.txt").write_text("Other news\n\nThe council met on Monday and voted for the park.\n")
    (folder / "b.txt").write_text("More news\n\nThe mayor said the park would open in May.\n")
    return folder


@pytest.fixture
def bound_store(tmp_path, corpus):
    path = tmp_path / "bound.json"
    with AnnotationStore(path) as store:
        store.register_corpus(corpus)
        article = corpus.articles[0]
        store.add_claim(article.id, 0, 10, {})
    return path


def test_another_corpus_is_refused_and_nothing_changes(tmp_path, bound_store):
    before = store_files(bound_store)
    other = load_folder(other_corpus(tmp_path))
    with AnnotationStore(bound_store) as store:
        with pytest.raises(CorpusMismatch) as refused:
            store.register_corpus(other)
        assert store.events()[0]["id"] != other.events[0].id
    message = str(refused.value)
    assert "karabakh-2020" in message and "'other'" in message  # names both
    assert str(sample_corpus_path().resolve()) in message  # says how to open the right one
    assert "store rebind" in message and "\n" not in message
    assert store_files(bound_store) == before


def test_the_same_corpus_moved_elsewhere_is_still_its_corpus(tmp_path, bound_store):
    moved = tmp_path / "moved"
    shutil.copytree(sample_corpus_path(), moved)
    with AnnotationStore(bound_store) as store:
        store.register_corpus(load_folder(moved))
        assert store.bound_corpus()["path"] == str(moved.resolve())
        assert len(store.claims()) == 1


def test_without_a_corpus_argument_the_store_opens_its_own_corpus(tmp_path):
    folder = other_corpus(tmp_path)
    db = tmp_path / "own.json"
    corpus, store, _ = cli.open_session(str(folder), str(db), model="rules")
    store.close()
    corpus, store, _ = cli.open_session(None, str(db), model="rules")  # no corpus: not the sample
    try:
        assert corpus.name == "other"
        assert {e["id"] for e in store.events()} == {e.id for e in corpus.events}
    finally:
        store.close()


def test_a_store_whose_corpus_is_gone_says_where_it_was(tmp_path):
    folder = other_corpus(tmp_path)
    db = tmp_path / "own.json"
    _, store, _ = cli.open_session(str(folder), str(db), model="rules")
    store.close()
    shutil.rmtree(folder)
    before = store_files(db)
    with pytest.raises(CorpusError) as gone:
        cli.open_session(None, str(db), model="rules")
    assert str(folder.resolve()) in str(gone.value) and "NEW-PLACE" in str(gone.value)
    assert store_files(db) == before


def test_app_without_a_terminal_writes_nothing_to_another_corpus_store(tmp_path, bound_store):
    before = store_files(bound_store)
    out = subprocess.run([PYTHON, "-m", "tui.cli", str(other_corpus(tmp_path)), "--db", str(bound_store)],
                         capture_output=True, text=True, cwd=ROOT, stdin=subprocess.DEVNULL,
                         env=run_env(tmp_path, FACTDESK_MODEL="rules"))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert store_files(bound_store) == before


def test_rebind_is_journalled_and_undoable(tmp_path, bound_store, capsys):
    folder = other_corpus(tmp_path)
    assert cli.main(["store", "rebind", "--db", str(bound_store), "--corpus", str(folder)]) == 0
    assert "bound to corpus 'other'" in capsys.readouterr().out
    other = load_folder(folder)
    with AnnotationStore(bound_store) as store:
        store.register_corpus(other)  # accepted now
        assert store.bound_corpus()["fingerprint"] == corpus_identity(other)["fingerprint"]
        assert any(row["label"] == "rebind corpus" for row in store.storage.history(lambda *_: True))
        store.undo()  # the registration after it is a system action: undo takes back the rebinding
        assert store.bound_corpus()["path"] == str(sample_corpus_path().resolve())
        with pytest.raises(CorpusMismatch):
            store.register_corpus(other)


def test_a_store_from_before_bindings_is_refused_by_its_corpus_name(tmp_path, corpus):
    path = tmp_path / "old.json"
    with AnnotationStore(path) as store:
        store.register_corpus(corpus)
        with store.storage.action("forget binding", undoable=False):  # as stores were written before
            store.db.table("meta").update(lambda m: m.pop("corpus_binding"), doc_ids=[1])
    with AnnotationStore(path) as store:
        with pytest.raises(CorpusMismatch, match="karabakh-2020"):
            store.register_corpus(load_folder(other_corpus(tmp_path)))
        store.register_corpus(corpus)  # its own corpus: accepted, and bound from now on
        assert store.bound_corpus()["name"] == "karabakh-2020"


def test_read_only_open_of_a_store_from_before_bindings_works(tmp_path, corpus):
    path = tmp_path / "old.json"
    with AnnotationStore(path) as store:
        store.register_corpus(corpus)
        with store.storage.action("forget binding", undoable=False):
            store.db.table("meta").update(lambda m: m.pop("corpus_binding"), doc_ids=[1])
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and not p.name.endswith(".lock")}
    with AnnotationStore(path, read_only=True) as store:
        store.register_corpus(corpus)  # nothing to write but the binding: not an error
        assert store.bound_corpus() is None, "a read-only open binds nothing"
        assert [store.article(a.id)["text"] for a in corpus.articles] == [a.text for a in corpus.articles]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()
            if p.is_file() and not p.name.endswith(".lock")} == files, "nothing was written"


def test_an_unexpected_error_is_one_line_and_a_log_file(tmp_path, monkeypatch, capsys):
    def broken(_args):
        raise ZeroDivisionError("\x1b]0;PWNED\x07 deep inside")

    monkeypatch.setattr(cli, "cmd_store", broken)
    assert cli.main(["store", "info"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("factdesk: error: unexpected error (ZeroDivisionError")
    assert "\x1b" not in err
    [log] = (tmp_path / "data" / "logs").glob("factdesk-*.log")
    assert str(log) in err
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "in broken" in text


def test_an_os_error_names_the_file(tmp_path, monkeypatch, capsys):
    def denied(_args):
        raise PermissionError(13, "Permission denied", str(tmp_path / "secret.csv"))

    monkeypatch.setattr(cli, "cmd_store", denied)
    assert cli.main(["store", "info"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "secret.csv: Permission denied" in err


@pytest.mark.parametrize("field, value", [
    ("events", "not a list"), ("events", [{"title": "no id"}]), ("events", [{"id": "e", "targets": [{"id": 1}]}]),
    ("events", [{"id": "e", "targets": "t1"}]), ("gold_rows", "12"), ("gold_rows", True), ("corpus", ["x"]),
    ("corpus_binding", "here"), ("corpus_binding", {"name": "x"}), ("schema_version", "2"),
])
def test_damaged_meta_fields_are_one_message_and_untouched(tmp_path, bound_store, field, value):
    with AnnotationStore(bound_store) as store:
        with store.storage.action("damage", undoable=False):
            store.db.table("meta").update({field: value}, doc_ids=[1])
    before = store_files(bound_store)
    with pytest.raises(StoreError) as refused:
        with AnnotationStore(bound_store) as store:
            store.register_corpus(load_folder(sample_corpus_path()))
    assert "\n" not in str(refused.value) and (field in str(refused.value) or "event" in str(refused.value)
                                               or "version" in str(refused.value))
    assert store_files(bound_store) == before


def test_a_store_of_the_sample_follows_the_sample_when_factdesk_moved(tmp_path):
    """The bundled sample lives wherever factdesk is installed: a store made
    with it still opens without a corpus argument after a reinstall elsewhere."""
    db = tmp_path / "sample.json"
    _, store, _ = cli.open_session(None, str(db), model="rules")
    with store.storage.action("as if made by a factdesk installed elsewhere", undoable=False):
        store.db.table("meta").update(lambda m: m["corpus_binding"].update(path="/gone/samples/karabakh-2020"),
                                      doc_ids=[1])
    store.close()
    corpus, store, _ = cli.open_session(None, str(db), model="rules")
    try:
        assert corpus.name == "karabakh-2020"
        assert store.bound_corpus()["path"] == str(sample_corpus_path().resolve())
    finally:
        store.close()
