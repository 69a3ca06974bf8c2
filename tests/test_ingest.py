"""`factdesk ingest`: progress, resume, and an ingested corpus that opens without spaCy."""

from __future__ import annotations

import subprocess

import pytest

from corpus.articles import load_folder, sample_corpus_path
from corpus.importers import load_corpus
from corpus.ingest import ingest
from corpus.nlp import rules_choice
from tests.helpers import PYTHON, ROOT, run_env


def test_ingest_writes_a_corpus_that_loads_back(tmp_path):
    corpus = load_folder(sample_corpus_path())
    report = ingest(corpus, tmp_path / "c", rules_choice(None))
    assert (report.articles, report.analysed, report.cached) == (5, 5, 0)
    again = load_corpus(tmp_path / "c")
    assert again.kind == "ingested"
    assert [a.id for a in again.articles] == [a.id for a in corpus.articles]
    assert again.articles[3].noise == corpus.articles[3].noise
    assert again.events[0].targets == corpus.events[0].targets
    assert again.cache_dir == (tmp_path / "c" / "analysis").resolve()


def test_interrupted_ingest_resumes_where_it_stopped(tmp_path):
    corpus = load_folder(sample_corpus_path())

    def stop_after_two(done, total):
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest(corpus, tmp_path / "c", rules_choice(None), batch_size=1, progress=stop_after_two)
    report = ingest(corpus, tmp_path / "c", rules_choice(None))
    assert (report.analysed, report.cached) == (3, 2)
    assert ingest(corpus, tmp_path / "c", rules_choice(None)).analysed == 0  # unchanged: costs nothing


def test_cli_ingest_shows_progress_and_the_corpus_opens_without_spacy(tmp_path):
    env = run_env(tmp_path, FACTDESK_MODEL="rules")
    out = subprocess.run([PYTHON, "-m", "tui.cli", "ingest", str(sample_corpus_path()), "--out", str(tmp_path / "c")],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "analysing [" in out.stderr and "5/5 articles" in out.stderr and "ETA" in out.stderr
    assert "5 articles in 1 events" in out.stdout
    code = ("import sys; from tui.cli import open_session; c, s, a = open_session(sys.argv[1]); "
            "print(all(a.cached(x.text_hash) for x in c.articles), 'spacy' in sys.modules); s.close()")
    check = subprocess.run([PYTHON, "-c", code, str(tmp_path / "c")], capture_output=True, text=True, env=env, cwd=ROOT)
    assert check.stdout.split() == ["True", "False"], check.stderr


def _damaged(tmp_path, name, change):
    corpus = load_folder(sample_corpus_path())
    ingest(corpus, tmp_path / "c", rules_choice(None))
    path = tmp_path / "c" / name
    path.write_bytes(change(path.read_bytes()))
    return tmp_path / "c"


@pytest.mark.parametrize("change, message", [
    (lambda d: d.replace(b'"events"', b'"evnts"'), "corpus.json: has no list of events"),
    (lambda d: d.replace(b'"article_ids": [', b'"article_ids": [1, '), "corpus.json: event 1 is damaged"),
    (lambda d: b"[]", "corpus.json: not a factdesk corpus"),
])
def test_a_damaged_corpus_json_is_one_clear_error(tmp_path, change, message):
    from corpus.articles import CorpusError

    folder = _damaged(tmp_path, "corpus.json", change)
    with pytest.raises(CorpusError, match=message):
        load_corpus(folder)


def test_a_damaged_line_of_articles_or_gold_leaves_out_only_that_line(tmp_path):
    folder = _damaged(tmp_path, "articles.jsonl", lambda d: d.replace(b"\n", b"\n{broken\n", 1))
    corpus = load_corpus(folder)
    assert len(corpus.articles) == 5
    assert "articles.jsonl line 2: damaged (not valid JSON" in "\n".join(corpus.warnings)
    (folder / "gold.jsonl").write_text('{"row": 0, "target_id": "t", "article_id": "%s", "stance": "agree"}\n'
                                       '{"row": "1"}\n{oops\n' % corpus.articles[0].id, encoding="utf-8")
    corpus = load_corpus(folder)
    assert [g["row"] for g in corpus.gold] == [0]
    warnings = "\n".join(corpus.warnings)
    assert "gold.jsonl line 2: damaged (row is not a row number)" in warnings
    assert "gold.jsonl line 3: damaged (not valid JSON" in warnings
