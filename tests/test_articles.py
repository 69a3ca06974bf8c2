import json

import pytest

from corpus.articles import CorpusError, load_folder, sample_corpus_path


def test_sample_corpus_loads_five_articles_with_event_and_sources():
    corpus = load_folder(sample_corpus_path())
    assert len(corpus.articles) == 5
    assert corpus.warnings == []
    assert corpus.event.id == "karabakh-2020-ceasefire"
    assert corpus.event.targets[0].text == "Armenia and Azerbaijan will agree to a ceasefire."
    assert corpus.articles[0].title == "Nagorno-Karabakh War, Armenia Ready for Armistice"
    assert corpus.articles[0].source == "windowofworld.com"
    assert len({a.id for a in corpus.articles}) == 5
    # the garbled Bengali letters in one article survive normalisation
    assert any("চা" in a.text for a in corpus.articles)


def test_folder_with_bad_files_keeps_the_good_ones(tmp_path):
    (tmp_path / "good.txt").write_text("Headline\n\nBody of the article.", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Café au lait\n\nUn article écrit en Latin-1, déjà ancien.".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("   \n\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "zcopy.txt").write_text("Headline\r\n\r\nBody of the article.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("Notes\n\nA markdown article.", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    corpus = load_folder(tmp_path)
    assert [a.path for a in corpus.articles] == ["good.txt", "latin1.txt", "notes.md"]
    latin1 = corpus.articles[1]
    assert latin1.title == "Café au lait" and "écrit" in latin1.text
    assert any(c.startswith("decoded as") and "not UTF-8" in c for c in latin1.changes)
    good = corpus.articles[0]
    assert good.aliases == ("zcopy.txt",), "an identical file is kept once, its name remembered"
    joined = "\n".join(corpus.warnings)
    assert "empty.txt: empty" in joined
    assert "binary.txt: looks like a binary file" in joined
    assert "zcopy.txt: same text as good.txt" in joined
    assert corpus.event.id == tmp_path.name
    assert set(corpus.event.article_ids) == {a.id for a in corpus.articles}
    assert len(corpus.event.targets) == 1


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing", "no such folder"),
    (lambda p: (p / "file.txt").write_text("x") and p / "file.txt", "not a folder"),
    (lambda p: p, "no .txt or .md article in this folder"),
])
def test_unusable_paths_give_clear_errors(tmp_path, make, message):
    with pytest.raises(CorpusError, match=message):
        load_folder(make(tmp_path))


def test_bad_manifest_is_a_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text("Title\nBody", encoding="utf-8")
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="manifest.json: not a readable JSON file"):
        load_folder(tmp_path)


def test_manifest_event_and_targets(tmp_path):
    (tmp_path / "a.txt").write_text("Title\nBody", encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({
        "event": {"id": "e1", "title": "An event", "targets": [{"id": "x", "text": "P is true"}, {"text": "Q"}]},
        "articles": {"a.txt": {"source": "example.org"}},
    }), encoding="utf-8")
    corpus = load_folder(tmp_path)
    assert corpus.event.title == "An event"
    assert [(t.id, t.text) for t in corpus.event.targets] == [("x", "P is true"), ("t2", "Q")]
    assert corpus.articles[0].source == "example.org"


def test_manifest_and_sidecar_fields_of_the_wrong_type_are_named_and_left_out(tmp_path):
    (tmp_path / "a.txt").write_text("Title\nBody", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Other\nText", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"source": ["x"], "url": 7}', encoding="utf-8")
    (tmp_path / "b.meta.json").write_text('{"deep": ' + "[" * 500 + "]" * 500 + "}", encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({
        "event": {"id": "ev", "targets": [{"text": 5}, {"id": "t2", "text": "A target"}]},
        "articles": {"b.txt": ["not", "an", "object"]}}), encoding="utf-8")
    corpus = load_folder(tmp_path)
    a, b = corpus.articles
    assert (a.source, a.url, b.source) == ("", "7", "")
    assert [t.text for t in corpus.event.targets] == ["A target"]
    assert corpus.warnings == [
        "a.txt (its metadata): source must be text, not a list; left out.",
        "manifest.json: articles: b.txt must be an object, not a list; ignored.",
        f"{tmp_path / 'b.meta.json'}: not a readable JSON file (nested deeper than 64 levels). Fix or remove it.",
        "manifest.json: event: target 1 needs a \"text\" (and, optionally, an \"id\"); ignored.",
    ]
    (tmp_path / "manifest.json").write_text('{"event": [1], "articles": 3}', encoding="utf-8")
    corpus = load_folder(tmp_path)
    assert corpus.warnings[:1] == ["manifest.json: articles must be an object, not a number; ignored."]
    assert "manifest.json: event must be an object, not a list; ignored." in corpus.warnings
