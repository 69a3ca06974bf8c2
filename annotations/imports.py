"""Pre-annotations into a store: Prodigy-style JSONL, reliability JSONL, FNC-1 CSV.

Imported records keep their origin (``origin``: who or what made them, and
``imported_from``: the file) and their ids, so importing the same file again,
or again after an interrupted import, adds nothing twice and misses nothing;
and an export imported into a store of the same corpus exports the same
files again. Every row that cannot be used is named in a warning; nothing
raises on bad input.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from annotations.schema import (
    CLAIM_FIELDS,
    CLAIM_LABEL,
    STANCES,
    ValidationError,
    now,
    validate_claim,
    validate_rating,
)
from annotations.store import AnnotationStore
from corpus.text import article_id as make_article_id
from corpus.text import normalise, split_title, text_hash

SPEAKER_LABEL = "SPEAKER"
Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    added: Counter = field(default_factory=Counter)
    present: Counter = field(default_factory=Counter)  # already in the store: not added again
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        added = ", ".join(f"{n} {k}" for k, n in sorted(self.added.items()) if n) or "nothing new"
        present = ", ".join(f"{n} {k}" for k, n in sorted(self.present.items()) if n)
        return f"Imported {added}" + (f" (already there: {present})" if present else "") + "."


def _stable_id(*parts) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:32]


def _iso(timestamp) -> str:
    if isinstance(timestamp, (int, float)) and not isinstance(timestamp, bool) and timestamp > 0:
        return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="milliseconds")
    return now()


def _lines(path: Path, report: ImportReport) -> Iterator[tuple[int, dict]]:
    """The JSON objects of a JSONL file with their line numbers, read as they
    are needed (a peek at the first row does not read the whole file)."""
    try:
        fh = open(path, encoding="utf-8", errors="replace", newline=None)
    except OSError as exc:
        report.warnings.append(f"{path}: cannot read it ({exc.strerror}).")
        return
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                report.warnings.append(f"{path.name} line {n}: not JSON; skipped.")
                continue
            if not isinstance(row, dict):
                report.warnings.append(f"{path.name} line {n}: not a JSON object; skipped.")
                continue
            yield n, row


def kind_of(path: Path) -> str:
    """``prodigy``, ``reliability``, ``pairs``, ``groups``, ``fnc1`` or ``folder``."""
    if path.is_dir():
        return "folder"
    if path.suffix.lower() == ".csv":
        return "fnc1"
    report = ImportReport()
    for _, row in _lines(path, report):
        if "text" in row:
            return "prodigy"
        if "claim_id_a" in row and "claim_id_b" in row:
            return "pairs"
        if "group_id" in row and "members" in row:
            return "groups"
        if "level" in row and "label" in row:
            return "reliability"
        break
    raise ValidationError(f"{path}: neither Prodigy-style tasks (rows with \"text\"), reliability rows "
                          "(\"level\" and \"label\"), claim pairs nor claim groups; nothing imported.")


def import_path(store: AnnotationStore, path: str | Path, progress: Progress | None = None) -> ImportReport:
    """Import a file or an export folder into ``store``."""
    path = Path(path).expanduser()
    report = ImportReport()
    kind = kind_of(path)
    if kind == "folder":
        from annotations.outdir import check_export_folder

        check_export_folder(path)  # an export with a missing or changed file is refused
        found = False
        for name, importer in (("claims.jsonl", import_prodigy), ("reliability.jsonl", import_reliability),
                               ("claim_pairs.jsonl", import_pairs), ("claim_groups.jsonl", import_groups)):
            if (path / name).exists():
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
    else:
        import_prodigy(store, path, report, progress)
    return report


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
    task's text was already normalised)."""
    start, end = span.get("start"), span.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(raw)):
        return None
    if raw == text:
        return start, end
    from annotations.anchor import reanchor

    anchor = reanchor(text, normalise(raw[start:end]), normalise(raw[max(0, start - 32):start]),
                      normalise(raw[end:end + 32]))
    return (anchor.start, anchor.end) if anchor else None


def import_prodigy(store: AnnotationStore, path: Path, report: ImportReport, progress: Progress | None = None) -> None:
    """Tasks with ``text`` and ``spans``: accepted CLAIM spans become claims
    (SPEAKER spans their speakers), rejected spans are kept as rejections."""
    rows = list(_lines(path, report))
    articles = _Articles(store)
    have_claims = {c["id"] for c in store.claims(include_review=True)}
    have_rejections = {r["id"] for r in store.db.table("rejections").all()}
    targets = {t["id"]: t for t in store.targets}
    new_targets: list[dict] = []
    claims: list[dict] = []
    rejections: list[dict] = []
    origin = f"import:{path.name}"
    for done, (n, task) in enumerate(rows, 1):
        if progress:
            progress(done, len(rows))
        where = f"{path.name} line {n}"
        raw = task.get("text")
        if not isinstance(raw, str) or not raw.strip():
            report.warnings.append(f"{where}: no text; skipped.")
            continue
        answer = task.get("answer", "accept")
        if answer == "ignore":
            report.present["ignored tasks"] += 1
            continue
        if answer not in ("accept", "reject"):
            report.warnings.append(f"{where}: answer {answer!r} is not accept, reject or ignore; skipped.")
            continue
        meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
        text = normalise(raw)
        article = articles.find(text, meta)
        annotator = str(task.get("_annotator_id") or store.annotator)
        stamp = _iso(task.get("_timestamp"))
        spans = [s for s in task.get("spans") or [] if isinstance(s, dict)]
        for target_id, target_text in (meta.get("targets") or {}).items():
            if target_id not in targets and isinstance(target_text, str) and target_text.strip():
                targets[target_id] = {"id": target_id, "event_id": article["event_id"], "text": target_text,
                                      "annotator": annotator, "created": stamp}
                new_targets.append(targets[target_id])
        placed = []
        for i, span in enumerate(spans):
            where_span = f"{where} span {i + 1}"
            label = str(span.get("label", "")).upper()
            if answer == "accept" and label not in (CLAIM_LABEL, SPEAKER_LABEL):
                report.present[f"spans labelled {span.get('label')!r} (not CLAIM or SPEAKER; left out)"] += 1
                continue
            offsets = _place(raw, text, span)
            if offsets is None:
                start, end = span.get("start"), span.get("end")
                inside = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(raw)
                report.warnings.append(
                    f"{where_span}: offsets {start}..{end} " + (
                        "could not be placed for certain in the normalised text" if inside
                        else "do not fall in the text") + "; skipped.")
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
            for name, allowed in CLAIM_FIELDS.items():
                value = span.get(name)
                if value in (None, ""):
                    continue
                if (allowed is None and isinstance(value, str)) or (allowed and value in allowed):
                    claim[name] = value
                else:
                    report.warnings.append(f"{where_span}: {name} {value!r} is not valid; left out.")
            for target_id, stance in (span.get("stances") or {}).items():
                if target_id in targets and stance in STANCES:
                    claim["stances"][target_id] = stance
                else:
                    report.warnings.append(f"{where_span}: stance {stance!r} toward {target_id!r} is not a "
                                           f"known target and one of {', '.join(STANCES)}; left out.")
            kind = span.get("speaker_kind")
            if kind in ("journalist", "unattributed"):
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
                                "label": str(span.get("entity_label") or "PERSON")}
        for claim in task_claims.values():
            if claim["id"] in have_claims:
                report.present["claims"] += 1
                continue
            try:
                validate_claim(claim, text, set(targets))
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

def import_reliability(store: AnnotationStore, path: Path, report: ImportReport,
                       progress: Progress | None = None) -> None:
    """Rows of a reliability.jsonl: article ratings (their article must be in
    the store) and source ratings. A rating the annotator already has is kept."""
    rows = list(_lines(path, report))
    articles = {a["id"]: a for a in store.articles()}
    have = {(r["article_id"], r["annotator"]) for r in store.ratings()}
    have_sources = {(r["source"], r["annotator"]) for r in store.source_ratings()}
    ratings, source_ratings = [], []
    for done, (n, row) in enumerate(rows, 1):
        if progress:
            progress(done, len(rows))
        where = f"{path.name} line {n}"
        annotator = str(row.get("annotator_id") or store.annotator)
        codes = row.get("rationale_codes") or []
        try:
            if not isinstance(codes, list):
                raise ValidationError("rationale_codes must be a list")
            validate_rating(row.get("label"), codes)
        except ValidationError as exc:
            report.warnings.append(f"{where}: {exc}; skipped.")
            continue
        stamp = now()
        record = {"label": row["label"], "rationale_codes": sorted(set(codes)), "note": str(row.get("note") or ""),
                  "annotator": annotator, "created": stamp, "updated": stamp, "imported_from": path.name}
        if row.get("level") == "source":
            key = (str(row.get("source") or ""), annotator)
            if not key[0]:
                report.warnings.append(f"{where}: a source rating with no source; skipped.")
            elif key in have_sources:
                report.present["source ratings"] += 1
            else:
                have_sources.add(key)
                source_ratings.append({"source": key[0], **record})
            continue
        article = articles.get(str(row.get("doc_id")))
        if article is None:
            report.warnings.append(f"{where}: article {row.get('doc_id')!r} is not in this store; import its "
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

def import_pairs(store: AnnotationStore, path: Path, report: ImportReport, progress: Progress | None = None) -> None:
    """Rows of a claim_pairs.jsonl: links between claims already in the store
    (import their claims.jsonl first), with their ids and times."""
    from annotations.links import LINK_LABELS

    rows = list(_lines(path, report))
    claims = {c["id"]: c for c in store.claims()}
    existing = store.links()
    have = {l["id"] for l in existing} | {frozenset((l["a"], l["b"])) for l in existing}
    n = max((l.get("n", 0) for l in existing), default=0)
    links = []
    for done, (line, row) in enumerate(rows, 1):
        if progress:
            progress(done, len(rows))
        where = f"{path.name} line {line}"
        a, b = claims.get(row.get("claim_id_a")), claims.get(row.get("claim_id_b"))
        if a is None or b is None:
            report.warnings.append(f"{where}: a claim of this link is not in the store; import its claims.jsonl "
                                   "first; skipped.")
            continue
        if row.get("label") not in LINK_LABELS or a["article_id"] == b["article_id"]:
            report.warnings.append(f"{where}: label {row.get('label')!r} is not one of {', '.join(LINK_LABELS)}, "
                                   "or both claims are in one article; skipped.")
            continue
        link_id = str(row.get("id") or _stable_id(a["id"], b["id"]))
        if link_id in have or frozenset((a["id"], b["id"])) in have:
            report.present["claim links"] += 1
            continue
        have |= {link_id, frozenset((a["id"], b["id"]))}
        n += 1
        created = str(row.get("created") or now())
        links.append({"id": link_id, "a": a["id"], "b": b["id"], "label": row["label"],
                      "note": str(row.get("note") or ""), "annotator": str(row.get("annotator_id") or store.annotator),
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
    for done, (line, row) in enumerate(rows, 1):
        if progress:
            progress(done, len(rows))
        group_id = str(row.get("group_id"))
        if group_id not in groups:
            report.warnings.append(f"{path.name} line {line}: group {group_id} is not formed by this store's links; "
                                   "import its claim_pairs.jsonl first; skipped.")
            continue
        if group_id in have:
            report.present["claim groups"] += 1
            continue
        stance = {t: v for t, v in (row.get("stance") or {}).items() if t in targets and v in STANCES}
        records.append({"id": group_id, "canonical": " ".join(str(row.get("canonical") or "").split()),
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
    before = len(store.db.table("gold")), len(store.articles())
    store.register_corpus(corpus, merge=True)
    gold, articles = len(store.db.table("gold")) - before[0], len(store.articles()) - before[1]
    report.added.update({"gold stances": gold, "articles": articles})
    report.present.update({"gold stances": corpus.gold_count - gold})


__all__ = ["ImportReport", "import_fnc1", "import_groups", "import_pairs", "import_path", "import_prodigy",
           "import_reliability", "kind_of"]
