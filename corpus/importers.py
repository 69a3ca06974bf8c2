"""Importers: JSONL, CSV (FNC-1 included), and the dispatcher for any source.

Every importer reports bad input as a :class:`CorpusError` or a warning that
names the file and the line (or row) and says what to do; one bad article
never loses the others.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

from corpus.articles import (
    Corpus,
    CorpusBuilder,
    CorpusError,
    Target,
    load_folder,
)

TEXT_FIELDS = ("text", "body", "articleBody", "content")
KNOWN_FIELDS = ("title", "source", "url", "published", "event", "id")
SNIFF_BYTES = 64 * 1024
PREFERRED_ENCODINGS = ("cp1252", "latin_1", "iso8859_15", "cp1251", "shift_jis", "gb18030", "euc_kr")


def decode(raw: bytes, name: str) -> tuple[str, list[str]]:
    """Text from bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM, else
    the encoding charset-normalizer detects. Returns the text and notes."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), ["decoded as UTF-16"]
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{name}: has a UTF-16 mark but is not UTF-16 ({exc.reason}).") from exc
    if b"\x00" in raw[:SNIFF_BYTES]:
        raise CorpusError(f"{name}: looks like a binary file, not text.")
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw))
    if not matches:
        raise CorpusError(f"{name}: not UTF-8, and its encoding could not be detected. "
                          "Convert it to UTF-8 and try again.")
    best = matches[0]
    encoding = best.encoding
    # Several encodings often fit equally well (cp1250, cp1252 and cp1257 on
    # English text); among those, prefer the ones the web actually uses.
    tied = {e for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)
            for e in m.could_be_from_charset}
    encoding = next((e for e in PREFERRED_ENCODINGS if e in tied), encoding)
    return raw.decode(encoding), [f"decoded as {encoding} (detected; the file is not UTF-8)"]


def read_text_file(path: Path) -> tuple[str, list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
    return decode(raw, path.name)


def _open_table(path: Path, notes: list[str] | None = None) -> str:
    if not path.exists():
        raise CorpusError(f"{path}: no such file.")
    if path.is_dir():
        raise CorpusError(f"{path}: is a folder; give the file itself.")
    text, decoded = read_text_file(path)
    if notes is not None:
        notes.extend(f"{path.name}: {note}" for note in decoded)
    if not text.strip():
        raise CorpusError(f"{path}: the file is empty.")
    return text


def _text_of(row: dict, where: str) -> str | None:
    for name in TEXT_FIELDS:
        value = row.get(name)
        if isinstance(value, str):
            return value
    return None


def _add_row(builder: CorpusBuilder, row: dict, where: str, events: dict[str, list[str]]) -> None:
    text = _text_of(row, where)
    if text is None:
        builder.warn(f"{where}: no text field (one of {', '.join(TEXT_FIELDS)}), skipped.")
        return
    title = row.get("title")
    article = builder.add(
        text, path=where, title=str(title) if isinstance(title, str) and title.strip() else None,
        source=str(row.get("source") or ""), url=str(row.get("url") or ""),
        published=str(row.get("published") or ""),
        meta={k: v for k, v in row.items() if k not in KNOWN_FIELDS + TEXT_FIELDS},
    )
    if article is not None and row.get("event"):
        events.setdefault(str(row["event"]), []).append(where)


def _finish(builder: CorpusBuilder, events: dict[str, list[str]], name: str) -> Corpus:
    for event, paths in events.items():
        builder.add_event(event, event, [], paths)
    others = [a.path for a in builder.articles.values() if not any(a.path in p for p in events.values())]
    if others and builder.articles:
        builder.add_event(name, name, [], others)
    return builder.build()


def load_jsonl(path: str | Path) -> Corpus:
    """One article per line: ``text`` (or body/articleBody/content) required;
    ``title``, ``source``, ``url``, ``published``, ``event`` optional; other
    fields kept as metadata."""
    path = Path(path).expanduser()
    notes: list[str] = []
    content = _open_table(path, notes)
    builder = CorpusBuilder(path.stem, path.resolve(), "jsonl")
    builder.warnings.extend(notes)
    events: dict[str, list[str]] = {}
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            builder.warn(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}), skipped.")
            continue
        if not isinstance(row, dict):
            builder.warn(f"{where}: not a JSON object, skipped.")
            continue
        _add_row(builder, row, where, events)
    return _finish(builder, events, path.stem)


def _csv_rows(path: Path, required: tuple[str, ...] = (), notes: list[str] | None = None,
              ) -> tuple[list[str], list[tuple[int, dict]]]:
    content = _open_table(path, notes)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.DictReader(content.splitlines(keepends=True))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise CorpusError(f"{path}: missing column(s) {', '.join(missing)}; the header is {', '.join(header) or 'empty'}.")
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise CorpusError(f"{path} line {reader.line_num}: {exc}. Fix the file and try again.") from exc
    return header, rows


def load_csv(path: str | Path) -> Corpus:
    """A CSV with a header and a text column (text, body, articleBody or content)."""
    path = Path(path).expanduser()
    notes: list[str] = []
    header, rows = _csv_rows(path, notes=notes)
    if not any(c in header for c in TEXT_FIELDS):
        raise CorpusError(f"{path}: no text column; name one of {', '.join(TEXT_FIELDS)} "
                          f"(the header is {', '.join(header) or 'empty'}).")
    builder = CorpusBuilder(path.stem, path.resolve(), "csv")
    builder.warnings.extend(notes)
    events: dict[str, list[str]] = {}
    for line, row in rows:
        _add_row(builder, row, f"{path.name} line {line}", events)
    return _finish(builder, events, path.stem)


FNC1_STANCES = ("agree", "disagree", "discuss", "unrelated")


def _fnc1_files(path: Path) -> tuple[Path, Path]:
    if path.is_dir():
        stances = sorted(path.glob("*_stances*.csv"))
        bodies = sorted(path.glob("*_bodies*.csv"))
        if len(stances) != 1 or len(bodies) != 1:
            raise CorpusError(f"{path}: expected one *_bodies.csv and one *_stances.csv "
                              f"(found {len(bodies)} and {len(stances)}).")
        return bodies[0], stances[0]
    bodies = path.with_name(re.sub(r"_stances", "_bodies", path.name))
    if bodies == path or not bodies.exists():
        raise CorpusError(f"{path}: the bodies file {bodies.name} should be beside it.")
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
    _, body_rows = _csv_rows(bodies_path, ("Body ID", "articleBody"))
    _, stance_rows = _csv_rows(stances_path, ("Headline", "Body ID"))
    name = path.name if path.is_dir() else stances_path.stem
    builder = CorpusBuilder(name, path.resolve(), "fnc1")
    for line, row in body_rows:
        body_id = (row.get("Body ID") or "").strip()
        if not body_id:
            builder.warn(f"{bodies_path.name} line {line}: no Body ID, skipped.")
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
        where = f"{stances_path.name} line {line}"
        if not headline.strip() or not body_id:
            builder.warn(f"{where}: no headline or Body ID, skipped.")
            continue
        if stance and stance not in FNC1_STANCES:
            builder.warn(f"{where}: stance {stance!r} is not one of {', '.join(FNC1_STANCES)}; kept as it is.")
        article_id = builder.by_path.get(f"body {body_id}")
        if article_id is None:
            builder.warn(f"{where}: Body ID {body_id} is not in {bodies_path.name}, skipped.")
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


def load_corpus(path: str | Path) -> Corpus:
    """Open any supported source: an ingested corpus folder, an FNC-1 folder
    or stances file, a folder of .txt/.md, a .jsonl or a .csv file."""
    path = Path(path).expanduser()
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder.")
    if path.is_dir():
        from corpus.ingest import CORPUS_FILE, load_ingested

        if (path / CORPUS_FILE).exists():
            return load_ingested(path)
        if list(path.glob("*_stances*.csv")) and list(path.glob("*_bodies*.csv")):
            return load_fnc1(path)
        return load_folder(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return load_jsonl(path)
    if suffix == ".csv":
        header = path.open("rb").read(4096).split(b"\n", 1)[0]
        if b"Headline" in header and b"Stance" in header:
            return load_fnc1(path)
        return load_csv(path)
    if suffix in (".txt", ".md"):
        raise CorpusError(f"{path}: give the folder that holds the articles, not one article.")
    raise CorpusError(f"{path}: not a corpus factdesk can read; give a folder of .txt/.md "
                      "articles, a .jsonl or .csv file, or an FNC-1 folder.")
