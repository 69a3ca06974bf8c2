"""Importers: JSONL, CSV (FNC-1 included), and :func:`load_corpus`, which opens
any source (an ingested corpus, FNC-1, a folder, a .jsonl or .csv file).

Each importer reads its rows through the formats (:mod:`corpus.formats`) and
makes its corpus with the builder (:mod:`corpus.builder`); folders come from
:mod:`corpus.articles`, ingested corpora from :mod:`corpus.ingest`. This is
the top of the corpus path: nothing in ``corpus`` imports it.

Every importer reports bad input as a :class:`CorpusError` or a warning that
names the file and the line (or row) and says what to do; one bad article
never loses the others.
"""

from __future__ import annotations

import re
from pathlib import Path

from corpus.articles import load_folder
from corpus.builder import TEXT_FIELDS, CorpusBuilder
from corpus.formats import (
    csv_rows,
    jsonl_text_lines,
    list_folder,
    open_table,
    path_kind,
    read_jsonl,
    regular_file,
)
from corpus.formats import kind_of as _kind
from corpus.ingest import CORPUS_FILE, load_ingested
from corpus.model import Corpus, CorpusError, Target
from corpus.text import visible

# Names other packages import from here (the formats now live in corpus.formats).
__all__ = [
    "CorpusError", "FNC1_STANCES", "_kind", "load_corpus", "load_csv", "load_fnc1", "load_jsonl", "path_kind",
    "read_jsonl",
]


def load_jsonl(path: str | Path) -> Corpus:
    """One article per line: ``text`` (or body/articleBody/content) required;
    ``title``, ``source``, ``url``, ``published``, ``event`` optional; other
    fields kept as metadata. Lines are split on "\\n" only; a line that is
    not a JSON object is skipped with a warning naming it."""
    path = Path(path).expanduser()
    notes: list[str] = []
    content = open_table(path, notes, allow_nul=True)
    builder = CorpusBuilder(path.stem, path.resolve(), "jsonl")
    builder.warnings.extend(notes)
    events: dict[str, list[str]] = {}
    name = visible(path.name)
    for line in jsonl_text_lines(content):
        where = f"{name} line {line.number}"
        if line.problem:
            builder.warn(f"{where}: {line.problem}; skipped.")
            continue
        for note in line.notes:
            builder.warn(f"{where}: {note}.")
        if not isinstance(line.value, dict):
            builder.warn(f"{where}: not a JSON object, skipped.")
            continue
        builder.add_row(line.value, where, events)
    builder.add_events(events, path.stem)
    return builder.build()


def load_csv(path: str | Path) -> Corpus:
    """A CSV with a header and a text column (text, body, articleBody or content)."""
    path = Path(path).expanduser()
    notes: list[str] = []
    header, rows = csv_rows(path, notes=notes)
    if not any(c in header for c in TEXT_FIELDS):
        raise CorpusError(f"{visible(path)}: no text column; name one of {', '.join(TEXT_FIELDS)} "
                          f"(the header is {visible(', '.join(header), 200) or 'empty'}).")
    builder = CorpusBuilder(path.stem, path.resolve(), "csv")
    builder.warnings.extend(notes)
    events: dict[str, list[str]] = {}
    for line, row in rows:
        builder.add_row(row, f"{visible(path.name)} line {line}", events)
    builder.add_events(events, path.stem)
    return builder.build()


FNC1_STANCES = ("agree", "disagree", "discuss", "unrelated")


def _fnc1_files(path: Path) -> tuple[Path, Path]:
    if path_kind(path) == "folder":
        entries = list_folder(path)
        stances = [p for p in entries if re.fullmatch(r".*_stances.*\.csv", p.name)]
        bodies = [p for p in entries if re.fullmatch(r".*_bodies.*\.csv", p.name)]
        if len(stances) != 1 or len(bodies) != 1:
            raise CorpusError(f"{visible(path)}: expected one *_bodies.csv and one *_stances.csv "
                              f"(found {len(bodies)} and {len(stances)}).")
        return bodies[0], stances[0]
    bodies = path.with_name(re.sub(r"_stances", "_bodies", path.name))
    if bodies == path:
        raise CorpusError(f"{visible(path)}: not an FNC-1 stances file (its name has no _stances); give a "
                          "NAME_stances.csv with its NAME_bodies.csv beside it.")
    if path_kind(bodies) == "missing":
        raise CorpusError(f"{visible(path)}: the bodies file {visible(bodies.name)} should be beside it.")
    return bodies, path


def load_fnc1(path: str | Path) -> Corpus:
    """The FNC-1 layout: ``*_bodies.csv`` (Body ID, articleBody) and
    ``*_stances.csv`` (Headline, Body ID, Stance).

    Each headline becomes an event whose articles are its related bodies
    (stance other than ``unrelated``) and whose target is the headline; every
    stance row, unrelated ones included, is kept in order as a gold
    pre-annotation so that an export can give the file back unchanged.
    """
    path = Path(path).expanduser()
    bodies_path, stances_path = _fnc1_files(path)
    _, body_rows = csv_rows(bodies_path, ("Body ID", "articleBody"))
    _, stance_rows = csv_rows(stances_path, ("Headline", "Body ID"))
    name = path.name if stances_path.parent == path else stances_path.stem
    builder = CorpusBuilder(name, path.resolve(), "fnc1")
    for line, row in body_rows:
        body_id = (row.get("Body ID") or "").strip()
        if not body_id:
            builder.warn(f"{visible(bodies_path.name)} line {line}: no Body ID, skipped.")
            continue
        text = row.get("articleBody") or ""
        first = " ".join(text.strip().split("\n", 1)[0].split())
        title = first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "…"
        builder.add(text, path=f"body {body_id}", title=title, source=f"FNC-1 body {body_id}",
                    meta={"body_id": body_id})
    headlines: dict[str, tuple[str, list[str]]] = {}
    for n, (line, row) in enumerate(stance_rows):
        headline, body_id = row.get("Headline") or "", (row.get("Body ID") or "").strip()
        stance = (row.get("Stance") or "").strip()
        where = f"{visible(stances_path.name)} line {line}"
        if not headline.strip() or not body_id:
            builder.warn(f"{where}: no headline or Body ID, skipped.")
            continue
        if stance and stance not in FNC1_STANCES:
            builder.warn(f"{where}: stance {visible(repr(stance), 60)} is not one of {', '.join(FNC1_STANCES)}; kept as it is.")
        article_id = builder.by_path.get(f"body {body_id}")
        if article_id is None:
            builder.warn(f"{where}: Body ID {visible(body_id, 60)} is not in {visible(bodies_path.name)}, skipped.")
            continue
        event_id, related = headlines.setdefault(headline, (f"h{len(headlines) + 1:04d}", []))
        if stance != "unrelated":
            related.append(f"body {body_id}")
        builder.gold.append({"row": n, "target_id": event_id, "article_id": article_id,
                             "source_id": body_id, "stance": stance})
    for headline, (event_id, paths) in headlines.items():
        # every headline is an event (its target), even one with no related body,
        # so that each gold row's target is known
        builder.add_event(event_id, headline, [Target(event_id, headline)], paths)
    return builder.build()


def load_corpus(path: str | Path, skip: frozenset[str] | set[str] = frozenset()) -> Corpus:
    """Open any supported source: an ingested corpus folder, an FNC-1 folder
    or stances file, a folder of .txt/.md, a .jsonl or a .csv file. ``skip``:
    names of files in a folder of articles that are not articles."""
    path = Path(path).expanduser()
    kind = path_kind(path)
    if kind == "missing":
        raise CorpusError(f"{visible(path)}: no such file or folder.")
    if kind == "folder":
        names = [p.name for p in list_folder(path)]
        if CORPUS_FILE in names:
            return load_ingested(path)
        if any(re.fullmatch(r".*_stances.*\.csv", n) for n in names) and any(
                re.fullmatch(r".*_bodies.*\.csv", n) for n in names):
            return load_fnc1(path)
        return load_folder(path, skip)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return load_jsonl(path)
    if suffix == ".csv":
        regular_file(path)
        try:
            with path.open("rb") as fh:
                header = fh.read(4096).split(b"\n", 1)[0]
        except OSError as exc:
            raise CorpusError(f"{visible(path)}: cannot be read ({exc.strerror or exc}). Check its "
                              "permissions, or copy it somewhere readable.") from exc
        if b"Headline" in header and b"Stance" in header:
            return load_fnc1(path)
        return load_csv(path)
    if suffix in (".txt", ".md"):
        raise CorpusError(f"{visible(path)}: give the folder that holds the articles, not one article.")
    raise CorpusError(f"{visible(path)}: not a corpus factdesk can read; give a folder of .txt/.md "
                      "articles, a .jsonl or .csv file, or an FNC-1 folder.")
