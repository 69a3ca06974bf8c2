"""Articles from a folder, and the names of the corpus model.

:func:`load_folder` reads a folder of ``.txt``/``.md`` articles with its
manifest and sidecars through the formats (:mod:`corpus.formats`) and makes
the corpus with the builder (:mod:`corpus.builder`). The model
(:class:`Article`, :class:`Event`, :class:`Target`, :class:`Corpus`,
:class:`CorpusError`) lives in :mod:`corpus.model` and :class:`CorpusBuilder`
in :mod:`corpus.builder`; they are importable from here too.

The corpus path runs one way: ``importers`` (any source) uses this module
and ``ingest``; this module uses the builder, which uses the formats, which
use the model. No module imports one that imports it (pyproject.toml's
import-linter contracts check it).
"""

from __future__ import annotations

from pathlib import Path

from corpus.builder import CorpusBuilder
from corpus.formats import list_folder, max_article_bytes, path_kind, read_json_object, read_text_file, scalar_text
from corpus.model import Article, Corpus, CorpusError, Event, Target
from corpus.text import visible

__all__ = [
    "Article", "Corpus", "CorpusBuilder", "CorpusError", "Event", "MANIFEST", "SAMPLE_CORPUS", "TEXT_SUFFIXES",
    "Target", "load_folder", "sample_corpus_path",
]

SAMPLE_CORPUS = "karabakh-2020"
MANIFEST = "manifest.json"
TEXT_SUFFIXES = (".txt", ".md")


def sample_corpus_path() -> Path:
    """Where the bundled sample corpus lives inside the installed package."""
    return Path(__file__).resolve().parent / "samples" / SAMPLE_CORPUS


def load_folder(folder: str | Path, skip: frozenset[str] | set[str] = frozenset()) -> Corpus:
    """A folder of ``.txt``/``.md`` articles (sorted by name), with an optional
    ``manifest.json`` (event, targets, per-file metadata) and optional
    ``NAME.meta.json`` sidecars (source, url, published, event).

    Unreadable, empty or binary files are skipped with a warning, and so are
    manifest and sidecar fields of the wrong type; a folder with no usable
    article, or a manifest that is not a JSON object, is an error. Files
    named in ``skip`` are not articles (the annotation guidelines a label
    scheme names, say).
    """
    folder = Path(folder).expanduser()
    kind = path_kind(folder)
    if kind == "missing":
        raise CorpusError(f"{visible(folder)}: no such folder. Give a folder of .txt articles.")
    if kind != "folder":
        raise CorpusError(f"{visible(folder)}: not a folder. Give a folder of .txt articles.")
    entries = list_folder(folder)
    names = {p.name for p in entries}
    builder = CorpusBuilder(folder.name, folder.resolve(), "folder")
    manifest = read_json_object(folder / MANIFEST) if MANIFEST in names else {}
    per_article = builder.object_field(manifest.get("articles"), f"{MANIFEST}: articles")
    files = []
    for p in entries:
        if p.suffix.lower() in TEXT_SUFFIXES and p.name not in skip:
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
        meta = dict(builder.object_field(per_article.get(path.name), f"{MANIFEST}: articles: {name}"))
        sidecar = path.with_name(path.stem + ".meta.json")
        if sidecar.name in names:
            try:
                meta.update(read_json_object(sidecar))
            except CorpusError as exc:
                builder.warn(str(exc))
        try:
            raw, notes = read_text_file(path, limit=max_article_bytes())
        except CorpusError as exc:
            builder.warn(f"{exc} Skipped.")
            continue
        where = f"{name} (its metadata)"
        event = builder.text_field(meta, "event", where)
        article = builder.add(
            raw, path=path.name, source=builder.text_field(meta, "source", where),
            url=builder.text_field(meta, "url", where), published=builder.text_field(meta, "published", where),
            meta={k: v for k, v in meta.items() if k not in ("source", "url", "published", "event")},
        )
        if article is not None:
            builder.note_changes(article, notes)
        if article is not None and event:
            event_members.setdefault(event, []).append(path.name)
    event = builder.object_field(manifest.get("event"), f"{MANIFEST}: event")
    event_id = builder.text_field(event, "id", f"{MANIFEST}: event") or folder.name
    title = scalar_text(event.get("title")) or folder.name
    targets = event.get("targets")
    if event_members:  # sidecars name events: one event each, the manifest's first
        for name, paths in event_members.items():
            builder.add_event(name, name, builder.targets(targets, name, True, warn=False), paths)
    others = [a.path for a in builder.articles.values()
              if not any(a.path in paths for paths in event_members.values())]
    if others or not builder.events:
        builder.add_event(event_id, title, builder.targets(targets, event_id, False, f"{MANIFEST}: event"),
                          others)
    return builder.build()
