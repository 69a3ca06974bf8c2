"""The one builder: it makes the articles and events of a corpus.

Formats (:mod:`corpus.formats`) read files into text and rows; every loader
hands what it read to a :class:`CorpusBuilder`, which normalises text,
records what normalisation changed, finds noise regions, folds exact
duplicates together, marks near duplicates, groups articles into events and
keeps the loader's warnings.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from corpus.duplicates import near_duplicates
from corpus.formats import kind_of, scalar_text
from corpus.model import Article, Corpus, CorpusError, Event, Target
from corpus.text import visible

LONG_ARTICLE = 1_000_000  # characters; longer articles load, with a warning
TEXT_FIELDS = ("text", "body", "articleBody", "content")  # where a row's article text may be
KNOWN_FIELDS = ("title", "source", "url", "published", "event", "id")  # not kept as metadata


class CorpusBuilder:
    """Collects articles and events from a loader into a :class:`Corpus`."""

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
        if "\x00" in raw:
            self.warn(f"{visible(path)}: looks like a binary file (it holds NUL characters), skipped.")
            return None
        article = Article.from_text(raw, source=source, path=path, title=title, **extra)
        if not article.text.strip():
            self.warn(f"{visible(path)}: empty, skipped.")
            return None
        if len(article.text) > LONG_ARTICLE:
            self.warn(f"{visible(path)}: a very long article ({len(article.text):,} characters); it opens, slowly.")
        earlier = self.articles.get(article.id)
        self.by_path[path] = article.id
        if earlier is not None:
            self.articles[article.id] = replace(earlier, aliases=earlier.aliases + (path,))
            self.warn(f"{visible(path)}: same text as {visible(earlier.path)}; kept once.")
            return self.articles[article.id]
        self.articles[article.id] = article
        return article

    def note_changes(self, article: Article, notes: list[str]) -> None:
        """Record ``notes`` (how the file was decoded) first among what changed in ``article``."""
        if notes:
            self.articles[article.id] = replace(article, changes=tuple(notes) + article.changes)

    def text_field(self, row: dict, name: str, where: str) -> str:
        """Field ``name`` of ``row`` as metadata text; a warning and "" when it is not text."""
        text = scalar_text(row.get(name))
        if text is None:
            self.warn(f"{where}: {name} must be text, not {kind_of(row.get(name))}; left out.")
            return ""
        return text

    def object_field(self, value: object, what: str) -> dict:
        """``value`` when it is a JSON object (or absent); else a warning and {}."""
        if value is None or isinstance(value, dict):
            return value or {}
        self.warn(f"{what} must be an object, not {kind_of(value)}; ignored.")
        return {}

    def add_row(self, row: dict, where: str, events: dict[str, list[str]]) -> None:
        """One article from a row (a JSONL object, a CSV row): its text from the
        first of :data:`TEXT_FIELDS`, title, source, url, published and event
        when they are there, every other field kept as metadata. A row named
        by an event is added to ``events``."""
        text = next((row[n] for n in TEXT_FIELDS if isinstance(row.get(n), str)), None)
        if text is None:
            wrong = next((n for n in TEXT_FIELDS if row.get(n) is not None), None)
            if wrong is not None:
                self.warn(f"{where}: {wrong} must be text, not {kind_of(row[wrong])}; skipped.")
            else:
                self.warn(f"{where}: no text field (one of {', '.join(TEXT_FIELDS)}), skipped.")
            return
        if None in row:  # a CSV row with more fields than the header
            self.warn(f"{where}: {len(row[None])} more field(s) than the header has columns; "
                      "the extra ones are left out.")
        title = row.get("title")
        if title is not None and not isinstance(title, str):
            self.warn(f"{where}: title must be text, not {kind_of(title)}; the first line is the title.")
        event = self.text_field(row, "event", where)
        article = self.add(
            text, path=where, title=title if isinstance(title, str) and title.strip() else None,
            source=self.text_field(row, "source", where), url=self.text_field(row, "url", where),
            published=self.text_field(row, "published", where),
            meta={k: v for k, v in row.items() if k is not None and k not in KNOWN_FIELDS + TEXT_FIELDS},
        )
        if article is not None and event:
            events.setdefault(event, []).append(where)

    def add_event(self, event_id: str, title: str, targets: list[Target], paths: list[str]) -> None:
        ids: list[str] = []
        for p in paths:
            i = self.by_path.get(p)
            if i is not None and i not in ids:
                ids.append(i)
        if not targets:
            targets = [Target(id=f"{event_id}:t1", text=f"The main claim reported about: {title}")]
        self.events.append(Event(event_id, title, tuple(targets), tuple(ids)))

    def add_events(self, events: dict[str, list[str]], name: str) -> None:
        """One event per name in ``events`` (its articles' paths), and one
        event ``name`` for the articles no event names."""
        for event, paths in events.items():
            self.add_event(event, event, [], paths)
        others = [a.path for a in self.articles.values() if not any(a.path in p for p in events.values())]
        if others and self.articles:
            self.add_event(name, name, [], others)

    def targets(self, raw: object, event_id: str, prefix_ids: bool, where: str = "", warn: bool = True,
                ) -> list[Target]:
        """The targets of event ``event_id`` from a JSON list of {"id", "text"};
        entries that are not usable are left out (with a warning if ``warn``)."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            if warn:
                self.warn(f"{where}: targets must be a list of {{\"id\", \"text\"}}, not {kind_of(raw)}; ignored.")
            return []
        targets = []
        for i, t in enumerate(raw):
            text = t.get("text") if isinstance(t, dict) else None
            tid = scalar_text(t.get("id")) if isinstance(t, dict) else None
            if not isinstance(text, str) or not text.strip() or tid is None:
                if warn:
                    self.warn(f"{where}: target {i + 1} needs a \"text\" (and, optionally, an \"id\"); ignored.")
                continue
            tid = tid or f"t{i + 1}"
            targets.append(Target(id=f"{event_id}:{tid}" if prefix_ids else tid, text=text))
        return targets

    def build(self) -> Corpus:
        articles = list(self.articles.values())
        if not articles:
            raise CorpusError(f"{visible(self.path)}: no usable article in it." + (
                " " + " ".join(self.warnings[:3]) if self.warnings else ""))
        duplicates = near_duplicates([(a.id, a.text) for a in articles])
        articles = [replace(a, duplicate_of=duplicates[a.id]) if a.id in duplicates else a for a in articles]
        if not self.events:
            self.add_event(self.path.name, self.path.name, [], [a.path for a in articles])
        return Corpus(self.name, self.path, self.events, articles, self.warnings, self.gold, self.kind)
