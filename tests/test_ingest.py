"""`factdesk ingest`: progress, resume, and an ingested corpus that opens without spaCy."""

from __future__ import annotations

import subprocess

import pytest

from corpus.articles import load_folder, sample_corpus_path
from corpus.importers import load_corpus
from corpus.ingest import ingest
from corpus.nlp import rules_choice
from tests.conftest import PYTHON, ROOT, run_env


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
