"""Export the store as labelled JSONL training data.

Files written to the output folder:
- ``claims.jsonl``: one Prodigy-style task per article with claims
  (``text``, ``tokens``, ``spans``, ``meta``, ``answer``, ``_input_hash``,
  ``_task_hash``, ``_annotator_id``);
- ``stance.jsonl``: one row per (claim, target) with a stance;
- ``reliability.jsonl``: one row per rated article.

Every span is checked against the article text before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from annotations.schema import ValidationError, check_span
from annotations.storage import atomic_write
from annotations.store import AnnotationStore
from corpus.analysis import Analyser, Analysis
from corpus.nlp import resolve_model
from corpus.text import text_hash as hash_text


class ExportError(Exception):
    """The export was stopped; nothing was written. The message names the record."""


@dataclass
class ExportReport:
    out_dir: Path
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _hash32(*parts: str) -> int:
    """A stable signed 32-bit hash, as Prodigy's ``_input_hash``/``_task_hash`` are."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "little", signed=True)


def _tokens(text: str, analysis: Analysis) -> list[dict]:
    rows = []
    for i, (start, end) in enumerate(analysis.tokens):
        next_start = analysis.tokens[i + 1][0] if i + 1 < len(analysis.tokens) else len(text)
        rows.append(
            {"text": text[start:end], "start": start, "end": end, "id": i, "ws": next_start > end}
        )
    return rows


def _jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


def build_rows(
    store: AnnotationStore, analyser: Analyser | None = None
) -> tuple[dict[str, list[dict]], list[str]]:
    """The rows of each export file, validated. Raises :class:`ExportError`."""
    warnings: list[str] = []
    articles = {a["id"]: a for a in store.articles()}
    targets = {t["id"]: t["text"] for t in store.targets}
    event_id = (store.meta.get("event") or {}).get("id", "")
    claims = store.claims()

    for claim in claims:
        article = articles.get(claim["article_id"])
        if article is None:
            raise ExportError(f"claim {claim['id']}: its article {claim['article_id']} is not in the store")
        if hash_text(article["text"]) != claim["text_hash"]:
            raise ExportError(f"claim {claim['id']}: the article text changed since it was made")
        try:
            check_span(article["text"], claim["start"], claim["end"], claim["quote"], f"claim {claim['id']}")
        except ValidationError as exc:
            raise ExportError(str(exc)) from exc

    by_article: dict[str, list[dict]] = {}
    for claim in claims:
        by_article.setdefault(claim["article_id"], []).append(claim)

    analyses: dict[str, Analysis] = {}
    if by_article:
        analyser = analyser or Analyser(resolve_model())
        if analyser.warning:
            warnings.append(analyser.warning)
        ids = list(by_article)
        results = analyser.analyse([(articles[i]["text_hash"], articles[i]["text"]) for i in ids])
        analyses = dict(zip(ids, results))

    claim_rows = []
    for article_id, article_claims in by_article.items():
        article = articles[article_id]
        text, analysis = article["text"], analyses[article_id]
        spans = []
        for claim in article_claims:
            tok = analysis.token_span(claim["start"], claim["end"])
            span = {"start": claim["start"], "end": claim["end"], "label": claim["label"],
                    "token_start": tok[0] if tok else None, "token_end": tok[1] if tok else None,
                    "claim_id": claim["id"]}
            if tok is None or (analysis.tokens[tok[0]][0], analysis.tokens[tok[1]][1]) != (claim["start"], claim["end"]):
                warnings.append(
                    f"claim {claim['id']}: offsets {claim['start']}..{claim['end']} do not fall on "
                    "token boundaries; token_start/token_end give the covering tokens"
                )
            spans.append(span)
        input_hash = _hash32(text)
        claim_rows.append({
            "text": text,
            "tokens": _tokens(text, analysis),
            "spans": spans,
            "meta": {"doc_id": article_id, "event_id": article.get("event_id", event_id),
                     "source": article.get("source", ""), "title": article.get("title", "")},
            "answer": "accept",
            "_input_hash": input_hash,
            "_task_hash": _hash32(str(input_hash), *(f"{s['start']}:{s['end']}:{s['label']}" for s in spans)),
            "_annotator_id": article_claims[0]["annotator"],
            "_timestamp": max(c["updated"] for c in article_claims),
        })

    stance_rows = []
    for claim in claims:
        article = articles[claim["article_id"]]
        for target_id, stance in sorted(claim.get("stances", {}).items()):
            stance_rows.append({
                "id": f"{claim['id']}:{target_id}",
                "claim_id": claim["id"],
                "target_id": target_id,
                "doc_id": claim["article_id"],
                "event_id": article.get("event_id", event_id),
                "start": claim["start"],
                "end": claim["end"],
                "premise": claim["quote"],
                "hypothesis": targets.get(target_id, ""),
                "label": stance,
                "annotator_id": claim["annotator"],
            })

    reliability_rows = []
    for rating in sorted(store.ratings(), key=lambda r: (r["article_id"], r["annotator"])):
        article = articles.get(rating["article_id"], {})
        reliability_rows.append({
            "doc_id": rating["article_id"],
            "source": article.get("source", ""),
            "title": article.get("title", ""),
            "text_sha256": rating["text_hash"],
            "label": rating["label"],
            "note": rating.get("note", ""),
            "annotator_id": rating["annotator"],
        })

    files = {
        "claims.jsonl": claim_rows,
        "stance.jsonl": stance_rows,
        "reliability.jsonl": reliability_rows,
    }
    gold = store.gold()
    if gold:
        files["gold_stances.jsonl"] = [
            {"row": g["row"], "target_id": g["target_id"], "hypothesis": targets.get(g["target_id"], ""),
             "doc_id": g["article_id"], "source_id": g.get("source_id", ""), "label": g["stance"],
             "origin": "gold"}
            for g in gold
        ]
    return files, warnings


def fnc1_csv(gold: list[dict]) -> bytes:
    """Gold stances in the FNC-1 stances layout, in the source's row order."""
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Headline", "Body ID", "Stance"])
    for g in gold:
        writer.writerow([g["hypothesis"], g["source_id"], g["label"]])
    return buffer.getvalue().encode("utf-8")


def export_store(store: AnnotationStore, out_dir: str | Path, analyser: Analyser | None = None) -> ExportReport:
    """Validate everything, then write each file atomically into ``out_dir``."""
    out = Path(out_dir).expanduser()
    files, warnings = build_rows(store, analyser)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out}: cannot create the output folder ({exc.strerror}).") from exc
    if not os.access(out, os.W_OK):
        raise ExportError(f"{out}: the output folder is not writable.")
    report = ExportReport(out_dir=out, warnings=warnings)
    for name, rows in files.items():
        atomic_write(out / name, _jsonl(rows))
        report.counts[name] = len(rows)
    if "gold_stances.jsonl" in files:
        atomic_write(out / "stances.csv", fnc1_csv(files["gold_stances.jsonl"]))
        report.counts["stances.csv"] = len(files["gold_stances.jsonl"])
    return report


__all__ = ["ExportError", "ExportReport", "export_store", "build_rows", "fnc1_csv"]
