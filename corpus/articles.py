"""Articles, events and corpora, and the folder importer.

A corpus holds articles and the events they belong to (an article may belong
to several events, as FNC-1 bodies do). Every importer builds its corpus with
:class:`CorpusBuilder`, which normalises text, records what normalisation
changed, finds noise regions, folds exact duplicates together and keeps the
importer's warnings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.noise import find_noise
from corpus.text import article_id, normalise_with_report, split_title, text_hash

SAMPLE_CORPUS = "karabakh-2020"
MANIFEST = "manifest.json"
TEXT_SUFFIXES = (".txt", ".md")
LONG_ARTICLE = 1_000_000  # characters; longer articles load, with a warning


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
    article_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str
    body_start: int
    source: str
    path: str  # where it came from: a file name, "line 12", "body 2008"
    text_hash: str
    url: str = ""
    published: str = ""
    meta: dict = field(default_factory=dict, compare=False, hash=False)
    changes: tuple[str, ...] = ()  # what normalisation changed
    noise: tuple[tuple[int, int, str], ...] = ()
    aliases: tuple[str, ...] = ()  # other paths whose text was identical
    duplicate_of: str = ""  # id of a near-identical earlier article

    @classmethod
    def from_text(cls, raw: str, *, source: str = "", path: str = "", title: str | None = None,
                  **extra) -> "Article":
        text, changes = normalise_with_report(raw)
        if title is None:
            title, body_start = split_title(text)
        else:
            title, body_start = " ".join(title.split()), 0
        return cls(
            id=article_id(text), text=text, title=title, body_start=body_start, source=source,
            path=path, text_hash=text_hash(text), changes=tuple(changes),
            noise=tuple(find_noise(text, title)), **extra,
        )


@dataclass
class Corpus:
    name: str
    path: Path
    events: list[Event]
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    gold_rows: list[dict] | None = None  # pre-annotations, e.g. FNC-1 stances
    kind: str = "folder"
    cache_dir: Path | None = None  # an ingested corpus carries its analysis
    gold_loader: Callable[[], list[dict]] | None = None  # read gold rows only when needed
    gold_total: int | None = None

    def __post_init__(self) -> None:
        self._by_id = {a.id: a for a in self.articles}

    @property
    def gold(self) -> list[dict]:
        if self.gold_rows is None:
            self.gold_rows = self.gold_loader() if self.gold_loader else []
        return self.gold_rows

    @property
    def gold_count(self) -> int:
        return self.gold_total if self.gold_rows is None and self.gold_total is not None else len(self.gold)

    @property
    def event(self) -> Event:
        """The first event (the only one, for a folder of articles)."""
        return self.events[0]

    def article(self, article_id: str) -> Article:
        try:
            return self._by_id[article_id]
        except KeyError:
            if len(self._by_id) != len(self.articles):
                self.__post_init__()
                return self._by_id[article_id]
            raise

    def event_by_id(self, event_id: str) -> Event:
        return next(e for e in self.events if e.id == event_id)

    def event_articles(self, event: Event) -> list[Article]:
        return [self.article(i) for i in event.article_ids]


class CorpusBuilder:
    """Collects articles and events from an importer into a :class:`Corpus`."""

    def __init__(self, name: str, path: Path, kind: str) -> None:
        self.name, self.path, self.kind = name, path, kind
        self.articles: dict[str, Article] = {}
        self.by_path: dict[str, str] = {}  # every path, aliases included -> article id
        self.events: list[Event] = []
        self.warnings: list[str] = []
        self.gold: list[dict] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def add(self, raw: str, *, path: str, source: str = "", title: str | None = None, **extra) -> Article | None:
        """Add one article; returns it (or the earlier identical one), None if unusable."""
        if not raw.strip():
            self.warn(f"{path}: empty, skipped.")
            return None
        if "\x00" in raw:
            self.warn(f"{path}: looks like a binary file, skipped.")
            return None
        article = Article.from_text(raw, source=source, path=path, title=title, **extra)
        if len(article.text) > LONG_ARTICLE:
            self.warn(f"{path}: a very long article ({len(article.text):,} characters); it opens, slowly.")
        earlier = self.articles.get(article.id)
        self.by_path[path] = article.id
        if earlier is not None:
            self.articles[article.id] = _replace(earlier, aliases=earlier.aliases + (path,))
            self.warn(f"{path}: same text as {earlier.path}; kept once.")
            return self.articles[article.id]
        self.articles[article.id] = article
        return article

    def add_event(self, event_id: str, title: str, targets: list[Target], paths: list[str]) -> None:
        ids: list[str] = []
        for p in paths:
            i = self.by_path.get(p)
            if i is not None and i not in ids:
                ids.append(i)
        if not targets:
            targets = [Target(id=f"{event_id}:t1", text=f"The main claim reported about: {title}")]
        self.events.append(Event(event_id, title, tuple(targets), tuple(ids)))

    def build(self) -> Corpus:
        from corpus.duplicates import near_duplicates

        articles = list(self.articles.values())
        if not articles:
            raise CorpusError(f"{self.path}: no usable article in it." + (
                " " + " ".join(self.warnings[:3]) if self.warnings else ""))
        duplicates = near_duplicates([(a.id, a.text) for a in articles])
        articles = [_replace(a, duplicate_of=duplicates[a.id]) if a.id in duplicates else a for a in articles]
        if not self.events:
            self.add_event(self.path.name, self.path.name, [], [a.path for a in articles])
        return Corpus(self.name, self.path, self.events, articles, self.warnings, self.gold, self.kind)


def _replace(article: Article, **changes) -> Article:
    from dataclasses import replace

    return replace(article, **changes)


def sample_corpus_path() -> Path:
    """Where the bundled sample corpus lives inside the installed package."""
    return Path(__file__).resolve().parent / "samples" / SAMPLE_CORPUS


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{path}: not a readable JSON file ({exc}). Fix or remove it.") from exc
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: must hold a JSON object.")
    return data


def _targets(raw: list | None, event_id: str, prefix_ids: bool) -> list[Target]:
    targets = []
    for i, t in enumerate(raw or []):
        if isinstance(t, dict) and t.get("text"):
            tid = str(t.get("id") or f"t{i + 1}")
            targets.append(Target(id=f"{event_id}:{tid}" if prefix_ids else tid, text=str(t["text"])))
    return targets


def load_folder(folder: str | Path) -> Corpus:
    """A folder of ``.txt``/``.md`` articles (sorted by name), with an optional
    ``manifest.json`` (event, targets, per-file metadata) and optional
    ``NAME.meta.json`` sidecars (source, url, published, event).

    Unreadable, empty or binary files are skipped with a warning; a folder
    with no usable article is an error.
    """
    from corpus.importers import read_text_file

    folder = Path(folder).expanduser()
    if not folder.exists():
        raise CorpusError(f"{folder}: no such folder. Give a folder of .txt articles.")
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder. Give a folder of .txt articles.")
    manifest = _read_json(folder / MANIFEST) if (folder / MANIFEST).exists() else {}
    per_article = manifest.get("articles") if isinstance(manifest.get("articles"), dict) else {}
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in TEXT_SUFFIXES and p.is_file())
    if not files:
        raise CorpusError(f"{folder}: no .txt or .md article in this folder.")
    builder = CorpusBuilder(folder.name, folder.resolve(), "folder")
    event_members: dict[str, list[str]] = {}
    for path in files:
        meta = dict(per_article.get(path.name) or {})
        sidecar = path.with_name(path.stem + ".meta.json")
        if sidecar.exists():
            try:
                meta.update(_read_json(sidecar))
            except CorpusError as exc:
                builder.warn(str(exc))
        try:
            raw, notes = read_text_file(path)
        except CorpusError as exc:
            builder.warn(f"{exc} Skipped.")
            continue
        article = builder.add(
            raw, path=path.name, source=str(meta.get("source") or ""),
            url=str(meta.get("url") or ""), published=str(meta.get("published") or ""),
            meta={k: v for k, v in meta.items() if k not in ("source", "url", "published", "event")},
        )
        if article is not None and notes:
            builder.articles[article.id] = _replace(article, changes=tuple(notes) + article.changes)
        if article is not None and meta.get("event"):
            event_members.setdefault(str(meta["event"]), []).append(path.name)
    event = manifest.get("event") or {}
    event_id = str(event.get("id") or folder.name)
    if event_members:  # sidecars name events: one event each, the manifest's first
        for name, paths in event_members.items():
            builder.add_event(name, name, _targets(event.get("targets"), name, True), paths)
    others = [a.path for a in builder.articles.values()
              if not any(a.path in paths for paths in event_members.values())]
    if others or not builder.events:
        builder.add_event(event_id, str(event.get("title") or folder.name),
                          _targets(event.get("targets"), event_id, False), others)
    return builder.build()
