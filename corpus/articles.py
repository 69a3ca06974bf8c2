"""Loading a corpus: a folder of ``.txt`` articles with an optional manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from corpus.text import article_id, normalise, split_title, text_hash

SAMPLE_CORPUS = "karabakh-2020"
MANIFEST = "manifest.json"


class CorpusError(Exception):
    """A corpus could not be loaded. The message says what is wrong and what to do."""


@dataclass(frozen=True)
class Target:
    """A proposition that claims take a stance toward."""

    id: str
    text: str


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str
    body_start: int
    source: str
    path: str
    text_hash: str

    @classmethod
    def from_text(cls, raw: str, *, source: str = "", path: str = "") -> "Article":
        text = normalise(raw)
        title, body_start = split_title(text)
        return cls(
            id=article_id(text),
            text=text,
            title=title,
            body_start=body_start,
            source=source,
            path=path,
            text_hash=text_hash(text),
        )


@dataclass
class Corpus:
    name: str
    path: Path
    event: Event
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def article(self, article_id: str) -> Article:
        for article in self.articles:
            if article.id == article_id:
                return article
        raise KeyError(article_id)


def sample_corpus_path() -> Path:
    """Where the bundled sample corpus lives inside the installed package."""
    return Path(__file__).resolve().parent / "samples" / SAMPLE_CORPUS


def _read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(
            f"{path}: not a readable JSON manifest ({exc}). Fix or remove the file."
        ) from exc
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: the manifest must be a JSON object.")
    return data


def _event_from_manifest(folder: Path, manifest: dict) -> Event:
    event = manifest.get("event") or {}
    event_id = str(event.get("id") or folder.name)
    title = str(event.get("title") or folder.name)
    targets = tuple(
        Target(id=str(t.get("id") or f"t{i + 1}"), text=str(t["text"]))
        for i, t in enumerate(event.get("targets") or [])
        if isinstance(t, dict) and t.get("text")
    )
    if not targets:
        targets = (Target(id="t1", text=f"The main claim reported about: {title}"),)
    return Event(id=event_id, title=title, targets=targets)


def load_folder(folder: str | Path) -> Corpus:
    """Load every ``.txt`` file in ``folder`` (sorted by name) as an article.

    Unreadable or empty files are skipped with a warning; a folder with no
    usable article is an error.
    """
    folder = Path(folder).expanduser()
    if not folder.exists():
        raise CorpusError(f"{folder}: no such folder. Give a folder of .txt articles.")
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder. Give a folder of .txt articles.")
    manifest = _read_manifest(folder)
    per_article = manifest.get("articles") if isinstance(manifest.get("articles"), dict) else {}
    corpus = Corpus(
        name=folder.name, path=folder.resolve(), event=_event_from_manifest(folder, manifest)
    )
    seen: set[str] = set()
    for path in sorted(folder.glob("*.txt")):
        try:
            raw = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            corpus.warnings.append(f"{path.name}: not UTF-8 text, skipped.")
            continue
        except OSError as exc:
            corpus.warnings.append(f"{path.name}: cannot be read ({exc.strerror}), skipped.")
            continue
        if "\x00" in raw:
            corpus.warnings.append(f"{path.name}: looks like a binary file, skipped.")
            continue
        if not raw.strip():
            corpus.warnings.append(f"{path.name}: empty, skipped.")
            continue
        meta = per_article.get(path.name) or {}
        article = Article.from_text(
            raw, source=str(meta.get("source") or ""), path=path.name
        )
        if article.id in seen:
            corpus.warnings.append(f"{path.name}: same text as an earlier article, skipped.")
            continue
        seen.add(article.id)
        corpus.articles.append(article)
    if not corpus.articles:
        raise CorpusError(f"{folder}: no readable .txt article in this folder.")
    return corpus
