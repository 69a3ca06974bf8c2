"""Articles, events and corpora, and the folder importer.

A corpus holds articles and the events they belong to (an article may belong
to several events, as FNC-1 bodies do). Every importer builds its corpus with
:class:`CorpusBuilder`, which normalises text, records what normalisation
changed, finds noise regions, folds exact duplicates together and keeps the
importer's warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.noise import find_noise
from corpus.text import article_id, normalise_with_report, split_title, text_hash, visible

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
            self.articles[article.id] = _replace(earlier, aliases=earlier.aliases + (path,))
            self.warn(f"{visible(path)}: same text as {visible(earlier.path)}; kept once.")
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
            raise CorpusError(f"{visible(self.path)}: no usable article in it." + (
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
    """A JSON object from a small file from outside (a manifest, a sidecar):
    UTF-8, strict JSON, nested at most a few dozen levels deep."""
    from corpus.importers import JsonProblem, _regular_file, parse_json

    _regular_file(path)
    shown = visible(path)
    try:
        data, _ = parse_json(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise CorpusError(f"{shown}: cannot be read ({exc.strerror or exc}). Check its permissions.") from exc
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{shown}: not UTF-8 (byte {exc.start + 1}); save it as UTF-8 JSON.") from exc
    except JsonProblem as exc:
        raise CorpusError(f"{shown}: not a readable JSON file ({exc}). Fix or remove it.") from exc
    if not isinstance(data, dict):
        raise CorpusError(f"{shown}: must hold a JSON object, not {_kind(data)}. Fix or remove it.")
    return data


def _kind(value: object) -> str:
    from corpus.importers import _kind as kind

    return kind(value)


def _meta_text(builder: "CorpusBuilder", meta: dict, name: str, where: str) -> str:
    from corpus.importers import scalar_text

    text = scalar_text(meta.get(name))
    if text is None:
        builder.warn(f"{where}: {name} must be text, not {_kind(meta.get(name))}; left out.")
        return ""
    return text


def _object(builder: "CorpusBuilder", value: object, what: str) -> dict:
    """``value`` when it is a JSON object (or absent); else a warning and {}."""
    if value is None or isinstance(value, dict):
        return value or {}
    builder.warn(f"{what} must be an object, not {_kind(value)}; ignored.")
    return {}


def _targets(raw: object, event_id: str, prefix_ids: bool, builder: "CorpusBuilder | None" = None,
             where: str = "") -> list[Target]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        if builder is not None:
            builder.warn(f"{where}: targets must be a list of {{\"id\", \"text\"}}, not {_kind(raw)}; ignored.")
        return []
    from corpus.importers import scalar_text

    targets = []
    for i, t in enumerate(raw):
        text = t.get("text") if isinstance(t, dict) else None
        tid = scalar_text(t.get("id")) if isinstance(t, dict) else None
        if not isinstance(text, str) or not text.strip() or tid is None:
            if builder is not None:
                builder.warn(f"{where}: target {i + 1} needs a \"text\" (and, optionally, an \"id\"); ignored.")
            continue
        tid = tid or f"t{i + 1}"
        targets.append(Target(id=f"{event_id}:{tid}" if prefix_ids else tid, text=text))
    return targets


def load_folder(folder: str | Path) -> Corpus:
    """A folder of ``.txt``/``.md`` articles (sorted by name), with an optional
    ``manifest.json`` (event, targets, per-file metadata) and optional
    ``NAME.meta.json`` sidecars (source, url, published, event).

    Unreadable, empty or binary files are skipped with a warning, and so are
    manifest and sidecar fields of the wrong type; a folder with no usable
    article, or a manifest that is not a JSON object, is an error.
    """
    from corpus.importers import list_folder, path_kind, read_text_file

    folder = Path(folder).expanduser()
    kind = path_kind(folder)
    if kind == "missing":
        raise CorpusError(f"{visible(folder)}: no such folder. Give a folder of .txt articles.")
    if kind != "folder":
        raise CorpusError(f"{visible(folder)}: not a folder. Give a folder of .txt articles.")
    entries = list_folder(folder)
    names = {p.name for p in entries}
    builder = CorpusBuilder(folder.name, folder.resolve(), "folder")
    manifest = _read_json(folder / MANIFEST) if MANIFEST in names else {}
    per_article = _object(builder, manifest.get("articles"), f"{MANIFEST}: articles")
    files = []
    for p in entries:
        if p.suffix.lower() in TEXT_SUFFIXES:
            try:
                if path_kind(p) == "file":
                    files.append(p)
            except CorpusError as exc:
                builder.warn(f"{exc} Skipped.")
    if not files:
        raise CorpusError(f"{visible(folder)}: no .txt or .md article in this folder." + (
            " " + " ".join(builder.warnings[:3]) if builder.warnings else ""))
    event_members: dict[str, list[str]] = {}
    for path in files:
        name = visible(path.name)
        meta = dict(_object(builder, per_article.get(path.name), f"{MANIFEST}: articles: {name}"))
        sidecar = path.with_name(path.stem + ".meta.json")
        if sidecar.name in names:
            try:
                meta.update(_read_json(sidecar))
            except CorpusError as exc:
                builder.warn(str(exc))
        try:
            raw, notes = read_text_file(path)
        except CorpusError as exc:
            builder.warn(f"{exc} Skipped.")
            continue
        where = f"{name} (its metadata)"
        event = _meta_text(builder, meta, "event", where)
        article = builder.add(
            raw, path=path.name, source=_meta_text(builder, meta, "source", where),
            url=_meta_text(builder, meta, "url", where), published=_meta_text(builder, meta, "published", where),
            meta={k: v for k, v in meta.items() if k not in ("source", "url", "published", "event")},
        )
        if article is not None and notes:
            builder.articles[article.id] = _replace(article, changes=tuple(notes) + article.changes)
        if article is not None and event:
            event_members.setdefault(event, []).append(path.name)
    event = _object(builder, manifest.get("event"), f"{MANIFEST}: event")
    from corpus.importers import scalar_text

    event_id = _meta_text(builder, event, "id", f"{MANIFEST}: event") or folder.name
    title = scalar_text(event.get("title")) or folder.name
    targets = event.get("targets")
    if event_members:  # sidecars name events: one event each, the manifest's first
        for name, paths in event_members.items():
            builder.add_event(name, name, _targets(targets, name, True), paths)
    others = [a.path for a in builder.articles.values()
              if not any(a.path in paths for paths in event_members.values())]
    if others or not builder.events:
        builder.add_event(event_id, title, _targets(targets, event_id, False, builder, f"{MANIFEST}: event"),
                          others)
    return builder.build()
