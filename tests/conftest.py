"""Shared fixtures. Every test gets its own data and cache folders. Plain
helpers (paths, the child environment, sample annotations) are in
``tests/helpers.py``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotations.store import AnnotationStore
from corpus.analysis import Analyser, AnalysisCache
from corpus.articles import load_folder, sample_corpus_path
from corpus.nlp import rules_choice
from tests.helpers import Notes, annotate_sample


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Keep every test away from the user's real data and cache folders."""
    monkeypatch.setenv("FACTDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FACTDESK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FACTDESK_ANNOTATOR", "tester")
    monkeypatch.delenv("FACTDESK_MODEL", raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def rules_cache(tmp_path_factory) -> Path:
    """The sample corpus analysed once per session with the rule-based pipeline
    (deterministic, fast); tests copy nothing, they only read it."""
    root = tmp_path_factory.mktemp("rules-cache")
    corpus = load_folder(sample_corpus_path())
    Analyser(rules_choice(warning=None), AnalysisCache(root)).analyse(
        [(a.text_hash, a.text) for a in corpus.articles]
    )
    return root


@pytest.fixture
def corpus():
    return load_folder(sample_corpus_path())


@pytest.fixture
def analyser(rules_cache) -> Analyser:
    return Analyser(rules_choice(warning=None), AnalysisCache(rules_cache))


@pytest.fixture
def store(tmp_path, corpus):
    s = AnnotationStore(tmp_path / "store.json", annotator="tester")
    s.register_corpus(corpus)
    yield s
    s.close()


@pytest.fixture
def notes() -> Notes:
    """Every notification of an app run with ``run_test(message_hook=notes.hook)``."""
    return Notes()


@pytest.fixture
def annotated(store, corpus):
    """The store with the sample annotations of :func:`tests.helpers.annotate_sample`."""
    return annotate_sample(store, corpus)


# Hypothesis: bounded in `make test` (CI), longer in `make test-all`
# (FACTDESK_HYPOTHESIS=thorough). Generated inputs are real files, so no deadline.
try:
    from hypothesis import HealthCheck, settings

    settings.register_profile("ci", max_examples=60, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    settings.register_profile("thorough", max_examples=1500, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    settings.load_profile(os.environ.get("FACTDESK_HYPOTHESIS", "ci"))
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass
