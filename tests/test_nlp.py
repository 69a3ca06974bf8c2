import importlib.util
import json
import subprocess
from importlib.machinery import ModuleSpec

import pytest

from corpus.analysis import Analyser, AnalysisCache
from corpus.nlp import DEFAULT_MODEL, RULES, load_pipeline, resolve_model, rules_choice
from tests.helpers import PYTHON


@pytest.fixture
def installed(monkeypatch, tmp_path):
    """installed({package: version}): as if those model packages, and no
    other, were installed, each a package folder with its ``meta.json``."""

    def install(packages: dict[str, str]) -> None:
        def find_spec(name, package=None):
            if name not in packages:
                return None
            folder = tmp_path / "site-packages" / name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "meta.json").write_text(json.dumps({"version": packages[name]}), encoding="utf-8")
            spec = ModuleSpec(name, None, is_package=True)
            spec.submodule_search_locations = [str(folder)]
            return spec

        monkeypatch.setattr(importlib.util, "find_spec", find_spec)

    return install


def test_official_models_are_preferred_in_order(installed):
    installed({"en_core_web_md": "3.8.0", "en_core_web_sm": "3.8.0", DEFAULT_MODEL: "3.8.0"})
    assert resolve_model().name == "en_core_web_md"


def test_default_model_when_no_official_one(installed):
    installed({DEFAULT_MODEL: "3.8.0"})
    choice = resolve_model()
    assert (choice.name, choice.version, choice.warning) == (DEFAULT_MODEL, "3.8.0", None)


def test_user_model_wins_from_argument_or_environment(installed, monkeypatch):
    installed({"my_model": "1.0", "en_core_web_sm": "3.8.0"})
    assert resolve_model("my_model").name == "my_model"
    monkeypatch.setenv("FACTDESK_MODEL", "my_model")
    assert resolve_model().name == "my_model"


def test_missing_user_model_falls_back_with_a_warning(installed):
    installed({DEFAULT_MODEL: "3.8.0"})
    choice = resolve_model("en_core_web_lg")
    assert choice.name == DEFAULT_MODEL
    assert "'en_core_web_lg' is not installed" in choice.warning


def test_no_model_at_all_gives_rules_with_a_warning(installed):
    installed({})
    choice = resolve_model()
    assert choice.is_rules
    assert "No trained spaCy model is installed" in choice.warning
    choice = resolve_model("nonexistent_model")
    assert choice.is_rules and "'nonexistent_model' is not installed" in choice.warning


def test_rules_can_be_asked_for_without_warning():
    choice = resolve_model(RULES)
    assert choice.is_rules and choice.warning is None


def test_model_directory_is_accepted(tmp_path):
    (tmp_path / "meta.json").write_text('{"name": "custom", "version": "0.3"}')
    choice = resolve_model(str(tmp_path))
    assert choice.version == "0.3"
    assert choice.key == f"{tmp_path.name}-0.3"


def test_rules_pipeline_finds_entities_and_sentences(tmp_path):
    nlp_, choice = load_pipeline(rules_choice())
    doc = nlp_("Armenia and Azerbaijan met in Moscow on Friday. NATO was silent.")
    labels = {(e.text, e.label_) for e in doc.ents}
    assert {("Armenia", "GPE"), ("Moscow", "GPE"), ("Friday", "DATE"), ("NATO", "ORG")} <= labels
    assert len(list(doc.sents)) == 2


def test_broken_model_falls_back_to_rules(tmp_path):
    (tmp_path / "meta.json").write_text('{"name": "broken", "version": "1"}')
    _, choice = load_pipeline(resolve_model(str(tmp_path)))
    assert choice.is_rules
    assert "Could not load" in choice.warning


def test_resolving_a_model_does_not_import_spacy():
    code = "import sys; from corpus.nlp import resolve_model; resolve_model(); print('spacy' in sys.modules)"
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.needs_model
def test_default_model_loads_with_only_needed_components(tmp_path):
    choice = resolve_model()
    if choice.is_rules:
        pytest.skip("no trained model installed")
    nlp_, choice = load_pipeline(choice)
    assert "ner" in nlp_.pipe_names
    assert not {"tagger", "lemmatizer"} & set(nlp_.pipe_names)
    analysis = Analyser(choice, AnalysisCache(tmp_path)).analyse(
        [("h", "Russian Foreign Minister Sergei Lavrov spoke in Moscow on Monday.")])[0]
    ents = {(s, e, label) for s, e, label in analysis.ents}
    text = "Russian Foreign Minister Sergei Lavrov spoke in Moscow on Monday."
    assert ("Sergei Lavrov", "PERSON") in {(text[s:e], label) for s, e, label in ents}
