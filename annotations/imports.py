"""Pre-annotations into a store: Prodigy-style JSONL, reliability JSONL, FNC-1 CSV,
and the fact-checking formats of :mod:`annotations.fc_formats` (FEVER JSONL,
CheckThat! TSV, ClaimBuster CSV, ClaimReview JSON-LD).

Imported records keep their origin (``origin``: who or what made them, and
``imported_from``: the file) and their ids, so importing the same file again,
or again after an interrupted import, adds nothing twice and misses nothing;
and an export imported into a store of the same corpus exports the same
files again. Every row that cannot be used is named in a warning; nothing
raises on bad input.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from annotations.labels import CLAIM_LABEL, DEFAULT, SPEAKER_KINDS, SPEAKER_LABEL, LabelScheme
from annotations.schema import (
    ValidationError,
    claim_fields,
    now,
    validate_claim,
    validate_rating,
)
from annotations.store import AnnotationStore
from corpus.articles import CorpusError
from corpus.importers import _kind, path_kind, read_jsonl
from corpus.text import article_id as make_article_id
from corpus.text import normalise, split_title, text_hash, visible

Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    added: Counter = field(default_factory=Counter)
    present: Counter = field(default_factory=Counter)  # already in the store: not added again
    warnings: list[str] = field(default_factory=list)
    label_map: dict[str, str] = field(default_factory=dict)  # --map: a label of the file → the store's label

    def mapped(self, value):
        """A label of the imported file as the store's scheme calls it (``--map``)."""
        return self.label_map.get(value, value) if isinstance(value, str) else value

    def summary(self) -> str:
        added = ", ".join(f"{n} {k}" for k, n in sorted(self.added.items()) if n) or "nothing new"
        present = ", ".join(f"{n} {k}" for k, n in sorted(self.present.items()) if n)
        return f"Imported {added}" + (f" (already there: {present})" if present else "") + "."


def _stable_id(*parts) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:32]


MAX_TIMESTAMP = 253402300799  # 9999-12-31T23:59:59Z


def outside_scheme(scheme: LabelScheme, set_name: str, value: object, what: str | None = None) -> str:
    """Why a record whose label is not in the store's scheme is refused (one
    line; the caller says what happens to the record)."""
    label_set = getattr(scheme, set_name)
    message = (f"{what or set_name} {visible(repr(value), 60)} is not one of "
               f"{visible(', '.join(label_set.names), 200)}")
    if scheme.name != DEFAULT.name:
        message += (f" (the store's label scheme {visible(scheme.name, 40)!r}; `--map {visible(str(value), 40)}=LABEL` "
                    "translates a label)")
    return message


def parse_label_map(text: str | None, scheme: LabelScheme) -> dict[str, str]:
    """``agree=SUPPORTS,disagree=REFUTES`` → {label of the file: label of the
    scheme}; every right-hand label must be in the scheme. Raises
    :class:`ValidationError` (one line)."""
    if not text:
        return {}
    from annotations.scheme_file import set_names

    known = {label for names in set_names(scheme).values() for label in names}
    out: dict[str, str] = {}
    shown = "'" + visible(text, limit=80) + "'"
    for part in text.split(","):
        if not part.strip():
            continue
        source, sep, target = (p.strip() for p in part.partition("="))
        if not sep or not source or not target or source in out:
            raise ValidationError(f"--map {shown}: give FILE_LABEL=STORE_LABEL pairs, each label once, such as "
                                  "agree=SUPPORTS,disagree=REFUTES; nothing imported")
        if target not in known:
            raise ValidationError(f"--map {shown}: {visible(target, 60)!r} is not a label of the store's scheme "
                                  f"{visible(scheme.name, 40)!r} (its stances: "
                                  f"{visible(', '.join(scheme.stance.names), 200)}); nothing imported")
        out[source] = target
    return out


class _Bad(Exception):
    """One imported record is not valid; the message says which field and why."""


def _show(value: object, limit: int = 60) -> str:
    """An imported value quoted for a message: one line, control characters
    visible, cut to ``limit``."""
    return visible(repr(value), limit)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(record: dict, name: str, what: str = "") -> str:
    """The optional text field ``name`` of ``record`` ("" when absent or null)."""
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad(f"{what}{name} must be text, not {_kind(value)}")
    return value


def _object(record: dict, name: str, what: str = "") -> dict:
    value = record.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Bad(f"{what}{name} must be an object, not {_kind(value)}")
    return value


def _iso(timestamp) -> str:
    """An ISO time from a Prodigy ``_timestamp``; absent, 0 or before 1970:
    unknown, so now (as an export writes 0 for a time it does not know)."""
    if timestamp is None:
        return now()
    if not (isinstance(timestamp, (int, float)) and not isinstance(timestamp, bool)
            and timestamp <= MAX_TIMESTAMP):
        raise _Bad(f"_timestamp must be seconds since 1970 (a number), not {_show(timestamp)}")
    if timestamp <= 0:
        return now()
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="milliseconds")


def _lines(path: Path, report: ImportReport) -> Iterator[tuple[int, dict]]:
    """The JSON objects of a JSONL file with their line numbers, read as they
    are needed (a peek at the first row does not read the whole file). Lines
    are split on "\\n" only; a line that is not a JSON object is named in a
    warning and skipped, and the others are read."""
    name = visible(path.name)
    try:
        for line in read_jsonl(path):
            if line.problem:
                report.warnings.append(f"{name} line {line.number}: {line.problem}; skipped.")
                continue
            if not isinstance(line.value, dict):
                report.warnings.append(f"{name} line {line.number}: not a JSON object; skipped.")
                continue
            for note in line.notes:
                report.warnings.append(f"{name} line {line.number}: {note}.")
            yield line.number, line.value
    except CorpusError as exc:
        report.warnings.append(f"{exc} The rest of it is not imported.")


# What ``--format`` names (``folder``: an export folder)
IMPORT_FORMATS = ("prodigy", "reliability", "pairs", "groups", "fnc1", "fever", "checkthat", "claimbuster",
                  "claimreview", "folder")


def _looks_like_claimreview(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{") and b"ClaimReview" in head


def kind_of(path: Path, format: str | None = None) -> str:
    """``prodigy``, ``reliability``, ``pairs``, ``groups``, ``fnc1``, ``fever``,
    ``checkthat``, ``claimbuster``, ``claimreview`` or ``folder``, from the
    file (its name and first row), or ``format`` when given."""
    try:
        if path_kind(path) == "folder":
            if format not in (None, "folder"):
                raise ValidationError(f"{visible(path)}: a folder, not a {format} file; nothing imported.")
            return "folder"
    except CorpusError as exc:
        raise ValidationError(f"{exc} Nothing imported.") from exc
    if format is not None:
        if format not in IMPORT_FORMATS or format == "folder":
            raise ValidationError(f"--format {_show(format)}: choose from "
                                  f"{', '.join(f for f in IMPORT_FORMATS if f != 'folder')}")
        return format
    suffix = path.suffix.lower()
    if suffix == ".jsonld" or (suffix == ".json" and _looks_like_claimreview(path)):
        return "claimreview"
    if suffix in (".tsv", ".csv"):
        from annotations.fc_formats import table_header

        header = table_header(path)
        if "Text" in header and "class_label" in header:
            return "checkthat"
        if "Text" in header and "Verdict" in header:
            return "claimbuster"
        if suffix == ".csv":
            return "fnc1"
        raise ValidationError(f"{visible(path)}: a TSV without the CheckThat! columns Text and class_label "
                              f"(the header is {visible(', '.join(header), 200) or 'empty'}); nothing imported.")
    first_problem = ""
    try:
        for line in read_jsonl(path):
            if line.problem or not isinstance(line.value, dict):
                first_problem = first_problem or f"line {line.number}: {line.problem or 'not a JSON object'}"
                continue
            row = line.value
            if "text" in row:
                return "prodigy"
            if "claim" in row and "label" in row:
                return "fever"
            if "claim_id_a" in row and "claim_id_b" in row:
                return "pairs"
            if "group_id" in row and "members" in row:
                return "groups"
            if "level" in row and "label" in row:
                return "reliability"
            break
    except CorpusError as exc:
        raise ValidationError(f"{exc} Nothing imported.") from exc
    raise ValidationError(f"{visible(path)}: neither Prodigy-style tasks (rows with \"text\"), reliability rows "
                          "(\"level\" and \"label\"), FEVER rows (\"claim\" and \"label\"), claim pairs nor claim groups"
                          + (f" ({first_problem})" if first_problem else "") + "; nothing imported.")


def import_path(store: AnnotationStore, path: str | Path, progress: Progress | None = None,
                format: str | None = None, label_map: dict[str, str] | None = None) -> ImportReport:
    """Import a file or an export folder into ``store`` (``format``: one of
    :data:`IMPORT_FORMATS`, else found from the file). Every label must be in
    the store's scheme, after ``label_map`` (``--map``, see
    :func:`parse_label_map`) translates the file's; a record with another is
    refused whole, named by file and line."""
    path = Path(path).expanduser()
    report = ImportReport(label_map=dict(label_map or {}))
    kind = kind_of(path, format)
    if kind == "folder":
        from annotations.outdir import check_export_folder

        check_export_folder(path)  # an export with a missing or changed file is refused
        found = False
        for name, importer in (("claims.jsonl", import_prodigy), ("reliability.jsonl", import_reliability),
                               ("claim_pairs.jsonl", import_pairs), ("claim_groups.jsonl", import_groups)):
            if path_kind(path / name) != "missing":
                found = True
                importer(store, path / name, report, progress)
        if not found:
            raise ValidationError(f"{path}: no claims.jsonl or reliability.jsonl in this folder; nothing imported.")
    elif kind == "fnc1":
        import_fnc1(store, path, report)
    elif kind == "reliability":
        import_reliability(store, path, report, progress)
    elif kind == "pairs":
        import_pairs(store, path, report, progress)
    elif kind == "groups":
        import_groups(store, path, report, progress)
    elif kind in ("fever", "checkthat", "claimbuster", "claimreview"):
        from annotations import fc_formats

        getattr(fc_formats, f"import_{kind}")(store, path, report, progress)
    else:
        import_prodigy(store, path, report, progress)
    report.warnings = _in_line_order(report.warnings)
    return report


_WHERE = re.compile(r"(.*?) line (\d+)[: ]")


def _in_line_order(warnings: list[str]) -> list[str]:
    """The warnings of each file in the order of its lines (a line that is not
    JSON is found before the tasks are read), files in the order they came."""
    files: dict[str, int] = {}

    def key(item: tuple[int, str]) -> tuple[int, int, int]:
        n, warning = item
        match = _WHERE.match(warning)
        if match is None:
            return (files.setdefault(f"\x00{n}", len(files)), 0, n)
        return (files.setdefault(match[1], len(files)), int(match[2]), n)

    return [w for _, w in sorted(enumerate(warnings), key=key)]


# -- Prodigy-style tasks ---------------------------------------------------------

class _Articles:
    """The store's articles by id and text hash; new ones collected to add."""

    def __init__(self, store: AnnotationStore) -> None:
        self.by_id = {a["id"]: a for a in store.articles()}
        self.by_hash = {a["text_hash"]: a for a in self.by_id.values() if not a.get("replaced_by")}
        self.new: list[dict] = []

    def find(self, text: str, meta: dict) -> dict:
        digest = text_hash(text)
        doc = self.by_id.get(str(meta.get("doc_id", "")))
        if doc is not None and doc["text_hash"] == digest:
            return doc
        doc = self.by_hash.get(digest)
        if doc is not None:
            return doc
        title, _ = split_title(text)
        doc = {"id": make_article_id(text), "text_hash": digest, "title": str(meta.get("title") or title),
               "source": str(meta.get("source") or ""), "path": "", "url": str(meta.get("url") or ""),
               "published": "", "event_id": str(meta.get("event_id") or "imported"), "text": text}
        self.by_id[doc["id"]] = self.by_hash[digest] = doc
        self.new.append(doc)
        return doc


def _place(raw: str, text: str, span: dict) -> tuple[int, int] | None:
    """The span's offsets in the normalised text (the same offsets when the
    task's text was already normalised). The offsets were checked."""
    start, end = span["start"], span["end"]
    if raw == text:
        return start, end
    from annotations.anchor import reanchor

    anchor = reanchor(text, normalise(raw[start:end]), normalise(raw[max(0, start - 32):start]),
                      normalise(raw[end:end + 32]))
    return (anchor.start, anchor.end) if anchor else None


_META_TEXT = ("doc_id", "title", "source", "url", "event_id")
_SPAN_TEXT = ("label", "claim_id", "rejection_id", "origin", "entity_label", "speaker_kind")


def _check_task(task: dict) -> tuple[str, str, dict, list]:
    """The task's text, answer, meta and spans, each checked by type; raises
    :class:`_Bad` naming the first field that is wrong."""
    raw = task.get("text")
    if not isinstance(raw, str) or not raw.strip():
        raise _Bad("no text" if raw is None or isinstance(raw, str) else f"text must be text, not {_kind(raw)}")
    answer = task.get("answer", "accept")
    if answer not in ("accept", "reject", "ignore") or not isinstance(answer, str):
        raise _Bad(f"answer {_show(answer)} is not accept, reject or ignore")
    meta = _object(task, "meta")
    for name in _META_TEXT:
        _text(meta, name, "meta.")
    targets = _object(meta, "targets", "meta.")
    for target_id, target_text in targets.items():
        if not isinstance(target_text, str):
            raise _Bad(f"meta.targets: target {_show(target_id, 40)} must be text, not {_kind(target_text)}")
    _text(task, "_annotator_id")
    spans = task.get("spans")
    if spans is None:
        spans = []
    if not isinstance(spans, list):
        raise _Bad(f"spans must be a list, not {_kind(spans)}")
    return raw, answer, meta, spans


def _check_span(span: object, raw: str) -> None:
    """Raise :class:`_Bad` unless ``span`` is an object whose offsets are
    integers inside the task's text and whose ``text`` (when given) is the
    task's text at those offsets."""
    if not isinstance(span, dict):
        raise _Bad(f"not an object but {_kind(span)}")
    for name in _SPAN_TEXT:
        _text(span, name)
    start, end = span.get("start"), span.get("end")
    if not (_is_int(start) and _is_int(end)):
        raise _Bad(f"offsets must be integers, not {_show(start, 30)}..{_show(end, 30)}")
    if not 0 <= start < end <= len(raw):
        raise _Bad(f"offsets {start}..{end} do not fall in the text (length {len(raw)})")
    quote = span.get("text")
    if quote is not None:
        if not isinstance(quote, str):
            raise _Bad(f"text must be text, not {_kind(quote)}")
        if quote != raw[start:end]:
            raise _Bad(f"its text {_show(quote)} is not the task's text at {start}..{end} ({_show(raw[start:end])})")
    first, last = span.get("token_start"), span.get("token_end")
    if (first is not None or last is not None) and not (
            _is_int(first) and _is_int(last) and 0 <= first <= last):
        raise _Bad(f"token_start and token_end must be token numbers (0 <= token_start <= token_end), not "
                   f"{_show(first, 30)} and {_show(last, 30)}")
    _object(span, "stances")


def import_prodigy(store: AnnotationStore, path: Path, report: ImportReport, progress: Progress | None = None) -> None:
    """Tasks with ``text`` and ``spans``: accepted CLAIM spans become claims
    (SPEAKER spans their speakers), rejected spans are kept as rejections.
    A task with a field of the wrong type is skipped, and so is a span whose
    offsets or text do not fit the task's text; each named in a warning."""
    rows = list(_lines(path, report))
    fields_allowed = claim_fields(store.scheme)
    scheme_fields = ("claim_type", "checkworthiness")  # the fields whose labels are the scheme's
    articles = _Articles(store)
    have_claims = {c["id"] for c in store.claims(include_review=True)}
    have_rejections = {r["id"] for r in store.db.table("rejections").all()}
    targets = {t["id"]: t for t in store.targets}
    new_targets: list[dict] = []
    claims: list[dict] = []
    rejections: list[dict] = []
    origin = f"import:{path.name}"
    shown = visible(path.name)
    for done, (n, task) in enumerate(rows, 1):
        if progress:
            progress(done, len(rows))
        where = f"{shown} line {n}"
        try:
            raw, answer, meta, spans = _check_task(task)
            stamp = _iso(task.get("_timestamp"))
        except _Bad as exc:
            report.warnings.append(f"{where}: {exc}; skipped.")
            continue
        if answer == "ignore":
            report.present["ignored tasks"] += 1
            continue
        text = normalise(raw)
        article = articles.find(text, meta)
        annotator = task.get("_annotator_id") or store.annotator
        for target_id, target_text in (meta.get("targets") or {}).items():
            if target_id not in targets and target_text.strip():
                targets[target_id] = {"id": target_id, "event_id": article["event_id"], "text": target_text,
                                      "annotator": annotator, "created": stamp}
                new_targets.append(targets[target_id])
        placed = []
        for i, span in enumerate(spans):
            where_span = f"{where} span {i + 1}"
            try:
                _check_span(span, raw)
            except _Bad as exc:
                report.warnings.append(f"{where_span}: {exc}; skipped.")
                continue
            label = str(span.get("label") or "").upper()
            if answer == "accept" and label not in (CLAIM_LABEL, SPEAKER_LABEL):
                report.present[f"spans labelled {_show(span.get('label'), 40)} (not CLAIM or SPEAKER; left out)"] += 1
                continue
            offsets = _place(raw, text, span)
            if offsets is None:
                report.warnings.append(f"{where_span}: offsets {span['start']}..{span['end']} could not be placed "
                                       "for certain in the normalised text; skipped.")
                continue
            placed.append((span, offsets, where_span))
        if answer == "reject":
            for span, (start, end), _ in placed:
                record = {"id": span.get("rejection_id") or _stable_id(article["text_hash"], start, end,
                                                                       span.get("label"), annotator),
                          "article_id": article["id"], "text_hash": article["text_hash"], "start": start,
                          "end": end, "quote": text[start:end], "label": str(span.get("label") or CLAIM_LABEL),
                          "origin": span.get("origin") or origin, "imported_from": path.name,
                          "annotator": annotator, "created": stamp, "updated": stamp}
                if record["id"] in have_rejections:
                    report.present["rejected spans"] += 1
                    continue
                have_rejections.add(record["id"])
                rejections.append(record)
            continue
        task_claims: dict[str, dict] = {}
        speakers = []
        for span, (start, end), where_span in placed:
            if str(span.get("label", "")).upper() == SPEAKER_LABEL:
                speakers.append((span, start, end, where_span))
                continue
            claim_id = str(span.get("claim_id") or _stable_id(article["text_hash"], start, end, annotator))
            claim = {"id": claim_id, "article_id": article["id"], "text_hash": article["text_hash"],
                     "start": start, "end": end, "quote": text[start:end],
                     "prefix": text[max(0, start - 32):start], "suffix": text[end:end + 32],
                     "label": CLAIM_LABEL, "stances": {}, "status": "ok", "annotator": annotator,
                     "created": stamp, "updated": stamp, "origin": span.get("origin") or origin,
                     "imported_from": path.name}
            refused = ""
            for name, allowed in fields_allowed.items():
                value = span.get(name)
                if value in (None, ""):
                    continue
                value = report.mapped(value) if name in scheme_fields else value
                if (allowed is None and isinstance(value, str)) or (allowed and value in allowed):
                    claim[name] = value
                elif name in scheme_fields:
                    refused = refused or outside_scheme(store.scheme, name, value)
                else:
                    report.warnings.append(f"{where_span}: {name} {_show(value)} is not valid; left out.")
            for target_id, stance in (span.get("stances") or {}).items():
                stance = report.mapped(stance)
                if not isinstance(stance, str) or stance not in store.scheme.stance:
                    refused = refused or outside_scheme(store.scheme, "stance", stance)
                elif target_id in targets:
                    claim["stances"][target_id] = stance
                else:
                    report.warnings.append(f"{where_span}: stance {_show(stance)} toward {_show(target_id)}: not a "
                                           "known target; left out.")
            if refused:
                report.warnings.append(f"{where_span}: {refused}; the claim is not imported.")
                continue
            kind = span.get("speaker_kind")
            if kind in SPEAKER_KINDS:
                claim["speaker"] = {"kind": kind}
            task_claims[claim_id] = claim
        for span, start, end, where_span in speakers:
            claim = task_claims.get(str(span.get("claim_id")))
            if claim is None:  # no claim named: the claim nearest the speaker
                claim = min(task_claims.values(), default=None,
                            key=lambda c: max(c["start"] - end, start - c["end"], 0))
            if claim is None:
                report.warnings.append(f"{where_span}: a SPEAKER span with no claim; left out.")
                continue
            claim["speaker"] = {"kind": "entity", "text": text[start:end], "start": start, "end": end,
                                "label": str(span.get("entity_label") or store.scheme.entities.speakers[0])}
        for claim in task_claims.values():
            if claim["id"] in have_claims:
                report.present["claims"] += 1
                continue
            try:
                validate_claim(claim, text, set(targets), store.scheme)
            except ValidationError as exc:
                report.warnings.append(f"{where}: {exc}; skipped.")
                continue
            have_claims.add(claim["id"])
            claims.append(claim)
    store.import_records("articles", articles.new, "import articles")
    store.import_events({a["event_id"] for a in articles.new})
    store.import_records("targets", new_targets, "import targets")
    store.import_records("claims", claims, "import claims")
    store.import_records("rejections", rejections, "import rejected spans")
    report.added.update({"articles": len(articles.new), "targets": len(new_targets), "claims": len(claims),
                         "rejected spans": len(rejections)})


# -- reliability rows ----------------------------------------------------------------

def _check_rating(row: dict, store: AnnotationStore | None = None,
                  report: ImportReport | None = None) -> tuple[str, str, list[str]]:
    """The level, label and rationale codes of a reliability row, each checked
    by type (and the label and codes against the label sets)."""
    level = row.get("level")
    if level is None:
        level = "article"
    if level not in ("article", "source") or not isinstance(level, str):
        raise _Bad(f"level {_show(level)} is not article or source")
    label = row.get("label")
    if not isinstance(label, str):
        raise _Bad(f"label must be text, not {_kind(label)}")
    codes = row.get("rationale_codes")
    if codes is None:
        codes = []
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise _Bad("rationale_codes must be a list of text")
    for name in ("note", "annotator_id", "source", "doc_id"):
        _text(row, name)
    if report is not None:
        label, codes = report.mapped(label), [report.mapped(c) for c in codes]
    scheme = store.scheme if store is not None else None
    try:
        if scheme is None:
            validate_rating(label, codes)
        else:
            validate_rating(label, codes, scheme)
    except ValidationError as exc:
        raise _Bad(str(exc)) from exc
    return level, label, codes


def import_reliability(store: AnnotationStore, path: Path, report: ImportReport,
                       progress: Progress | None = None) -> None:
    """Rows of a reliability.jsonl: article ratings (their article must be in
    the store) and source ratings. A rating the annotator already has is kept."""
    rows = list(_lines(path, report))
    articles = {a["id"]: a for a in store.articles()}
    have = {(r["article_id"], r["annotator"]) for r in store.ratings()}
    have_sources = {(r["source"], r["annotator"]) for r in store.source_ratings()}
    ratings, source_ratings = [], []
    shown = visible(path.name)
    for done, (n, row) in enumerate(rows, 1):
        if progress:
            progress(done, len(rows))
        where = f"{shown} line {n}"
        try:
            level, label, codes = _check_rating(row, store, report)
        except _Bad as exc:
            report.warnings.append(f"{where}: {exc}; skipped.")
            continue
        annotator = row.get("annotator_id") or store.annotator
        stamp = now()
        record = {"label": label, "rationale_codes": sorted(set(codes)), "note": row.get("note") or "",
                  "annotator": annotator, "created": stamp, "updated": stamp, "imported_from": path.name}
        if level == "source":
            key = (row.get("source") or "", annotator)
            if not key[0]:
                report.warnings.append(f"{where}: a source rating with no source; skipped.")
            elif key in have_sources:
                report.present["source ratings"] += 1
            else:
                have_sources.add(key)
                source_ratings.append({"source": key[0], **record})
            continue
        article = articles.get(row.get("doc_id") or "")
        if article is None:
            report.warnings.append(f"{where}: article {_show(row.get('doc_id'))} is not in this store; import its "
                                   "claims.jsonl or open its corpus first; skipped.")
            continue
        if (article["id"], annotator) in have:
            report.present["article ratings"] += 1
            continue
        have.add((article["id"], annotator))
        ratings.append({"article_id": article["id"], "text_hash": article["text_hash"], **record})
    store.import_records("ratings", ratings, "import ratings")
    store.import_records("source_ratings", source_ratings, "import source ratings")
    report.added.update({"article ratings": len(ratings), "source ratings": len(source_ratings)})


# -- claim links and groups ------------------------------------------------------------

def _check_time(row: dict, name: str) -> str:
    value = _text(row, name)
    if value:
        try:
            datetime.fromisoformat(value)
        except ValueError as exc:
            raise _Bad(f"{name} {_show(value)} is not an ISO 8601 time") from exc
    return value


def import_pairs(store: AnnotationStore, path: Path, report: ImportReport, progress: Progress | None = None) -> None:
    """Rows of a claim_pairs.jsonl: links between claims already in the store
    (import their claims.jsonl first), with their ids and times."""
    rows = list(_lines(path, report))
    claims = {c["id"]: c for c in store.claims()}
    existing = store.links()
    have = {l["id"] for l in existing} | {frozenset((l["a"], l["b"])) for l in existing}
    n = max((l.get("n", 0) for l in existing), default=0)
    links = []
    shown = visible(path.name)
    for done, (line, row) in enumerate(rows, 1):
        if progress:
            progress(done, len(rows))
        where = f"{shown} line {line}"
        try:
            for name in ("claim_id_a", "claim_id_b", "label", "id", "note", "annotator_id"):
                _text(row, name)
            created = _check_time(row, "created")
        except _Bad as exc:
            report.warnings.append(f"{where}: {exc}; skipped.")
            continue
        a, b = claims.get(row.get("claim_id_a") or ""), claims.get(row.get("claim_id_b") or "")
        if a is None or b is None:
            report.warnings.append(f"{where}: a claim of this link is not in the store; import its claims.jsonl "
                                   "first; skipped.")
            continue
        label = report.mapped(row.get("label"))
        if label not in store.scheme.links:
            report.warnings.append(f"{where}: {outside_scheme(store.scheme, 'links', label, 'label')}; skipped.")
            continue
        if a["article_id"] == b["article_id"]:
            report.warnings.append(f"{where}: both claims are in one article; skipped.")
            continue
        link_id = row.get("id") or _stable_id(a["id"], b["id"])
        if link_id in have or frozenset((a["id"], b["id"])) in have:
            report.present["claim links"] += 1
            continue
        have |= {link_id, frozenset((a["id"], b["id"]))}
        n += 1
        created = created or now()
        links.append({"id": link_id, "a": a["id"], "b": b["id"], "label": label,
                      "note": row.get("note") or "", "annotator": row.get("annotator_id") or store.annotator,
                      "n": n, "created": created, "updated": created, "imported_from": path.name})
    store.import_records("links", links, "import claim links")
    report.added["claim links"] = len(links)


def import_groups(store: AnnotationStore, path: Path, report: ImportReport, progress: Progress | None = None) -> None:
    """Rows of a claim_groups.jsonl: the canonical wording and stance of groups
    that the store's links form (import claim_pairs.jsonl first)."""
    rows = list(_lines(path, report))
    groups = {g.id for g in store.claim_groups()}
    have = {r["id"] for r in store.records("groups")}
    targets = {t["id"] for t in store.targets}
    records = []
    shown = visible(path.name)
    for done, (line, row) in enumerate(rows, 1):
        if progress:
            progress(done, len(rows))
        where = f"{shown} line {line}"
        try:
            group_id = _text(row, "group_id")
            canonical = _text(row, "canonical")
            stance = _object(row, "stance")
        except _Bad as exc:
            report.warnings.append(f"{where}: {exc}; skipped.")
            continue
        if group_id not in groups:
            report.warnings.append(f"{where}: group {_show(group_id)} is not formed by this store's links; "
                                   "import its claim_pairs.jsonl first; skipped.")
            continue
        if group_id in have:
            report.present["claim groups"] += 1
            continue
        stance = {t: report.mapped(v) for t, v in stance.items()}
        outside = [v for v in stance.values() if not isinstance(v, str) or v not in store.scheme.stance]
        if outside:
            report.warnings.append(f"{where}: {outside_scheme(store.scheme, 'stance', outside[0])}; the group is not "
                                   "imported.")
            continue
        stance = {t: v for t, v in stance.items() if t in targets}
        records.append({"id": group_id, "canonical": " ".join(canonical.split()),
                        "stance": stance, "annotator": store.annotator, "created": now(), "updated": now(),
                        "imported_from": path.name})
    store.import_records("groups", records, "import claim groups")
    report.added["claim groups"] = len(records)


# -- FNC-1 ------------------------------------------------------------------------

def import_fnc1(store: AnnotationStore, path: Path, report: ImportReport) -> None:
    """An FNC-1 stances CSV (its ``*_bodies.csv`` beside it): bodies, headlines
    as events, and every stance row as a gold pre-annotation."""
    from corpus.importers import load_fnc1

    corpus = load_fnc1(path)
    report.warnings.extend(corpus.warnings)
    stances = store.scheme.stance
    fnc1 = DEFAULT.stance.names  # FNC-1's own labels
    if not all(label in stances for label in fnc1):
        if not report.label_map:
            raise ValidationError(
                f"{visible(path)}: FNC-1's stances ({', '.join(fnc1)}) are not the store's label scheme "
                f"{visible(store.scheme.name, 40)!r} ({visible(', '.join(stances.names), 200)}); nothing imported. "
                f"Say what each becomes with --map, such as --map {fnc1[0]}={stances.names[0]}"
                + (f",{fnc1[1]}={stances.names[1]}" if len(stances) > 1 else "") + " (a stance not named is left out).")
        mapped, left = [], Counter()
        for row in corpus.gold:
            label = report.mapped(row["stance"])
            if label in stances:
                mapped.append({**row, "stance": label})
            else:
                left[row["stance"]] += 1
        if left:
            report.warnings.append(f"{visible(path.name)}: " + ", ".join(f"{n} {visible(s, 40)}" for s, n in sorted(left.items()))
                                   + " gold stance(s) left out: --map gives them no label of the scheme.")
        corpus.gold_rows, corpus.gold_loader, corpus.gold_total = mapped, None, None
    before = len(store.db.table("gold")), len(store.articles())
    store.register_corpus(corpus, merge=True)
    gold, articles = len(store.db.table("gold")) - before[0], len(store.articles()) - before[1]
    report.added.update({"gold stances": gold, "articles": articles})
    report.present.update({"gold stances": corpus.gold_count - gold})


__all__ = ["IMPORT_FORMATS", "ImportReport", "import_fnc1", "outside_scheme", "parse_label_map", "import_groups", "import_pairs", "import_path", "import_prodigy",
           "import_reliability", "kind_of"]
