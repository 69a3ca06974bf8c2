"""The corpus model: articles, events, targets, corpora, and the error that
says a corpus could not be loaded.

A corpus holds articles and the events they belong to (an article may belong
to several events, as FNC-1 bodies do). This module reads nothing from
outside: formats (:mod:`corpus.formats`) read files into rows, the builder
(:mod:`corpus.builder`) makes articles and events from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.noise import find_noise
from corpus.text import article_id, normalise_with_report, split_title, text_hash


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
    share: str = ""  # set when narrowed to one annotator's share of a plan: says whose, and how much

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
