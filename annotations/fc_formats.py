"""The fact-checking world's formats, out and in: FEVER, CheckThat!, ClaimBuster, ClaimReview.

Out (``factdesk export --format fever,checkthat,claimbuster,claimreview``),
each built from a :class:`annotations.dataset.Dataset` and the articles'
analyses (the export's own, from the analysis cache; spaCy is loaded only
for an article the cache does not have):

- ``fever.jsonl`` (FEVER, Thorne et al. 2018): one row per claim and target
  it has a stance toward: ``id``, ``claim`` (the claim's own text), ``label``
  (agree → SUPPORTS, disagree → REFUTES, discuss → NOT ENOUGH INFO;
  ``unrelated`` rows are left out; ``--map`` gives another mapping) and
  ``evidence``, the ``[doc_id, sentence_index]`` of the sentences of every
  claim linked to it (any relation, ``same`` included); besides, what brings
  the row back on import (ids, offsets, the target, the stance, the links).
- ``checkthat.tsv`` (CLEF CheckThat! check-worthiness, task 1):
  ``Sentence_id``, ``Text``, ``class_label`` Yes/No, one row per sentence of
  every article with a claim.
- ``claimbuster.csv`` (ClaimBuster, Arslan et al. 2020): ``Sentence_id``,
  ``Text``, ``Verdict`` 1 / 0 / -1 (check-worthy / unimportant / not factual),
  per sentence of the same articles.
- ``claimreview.jsonld`` (schema.org ``ClaimReview``, JSON-LD): one per claim
  group and target its stance names.

Sentences are the analysis' sentences (split at line breaks, trimmed); an
article whose analysis has no sentence is one sentence, its whole text.

In: :func:`import_fever`, :func:`import_checkthat`, :func:`import_claimbuster`,
:func:`import_claimreview`; each checks every record, names what it cannot
use by file and line, and writes through the store's journalled imports.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from bisect import bisect_left
from collections import Counter, defaultdict
from pathlib import Path

from annotations.dataset import Dataset, ExportError
from annotations.labels import CLAIM_LABEL, DEFAULT, LabelScheme
from annotations.schema import ValidationError, now, validate_claim
from corpus.text import normalise, visible

# -- FEVER labels and the stance mapping ---------------------------------------------------

FEVER_LABELS = ("SUPPORTS", "REFUTES", "NOT ENOUGH INFO")
_AGREE, _DISAGREE, _DISCUSS, _UNRELATED = DEFAULT.stance.names  # FNC-1's, in labels.py's order
DEFAULT_FEVER_MAP = {_AGREE: "SUPPORTS", _DISAGREE: "REFUTES", _DISCUSS: "NOT ENOUGH INFO"}
CHECKTHAT_COLUMNS = ("Sentence_id", "Text", "class_label")
CLAIMBUSTER_COLUMNS = ("Sentence_id", "Text", "Verdict")
CHECKWORTHY, UNIMPORTANT, NOT_FACTUAL = DEFAULT.checkworthiness.names
SCHEMA = "https://schema.org"


def verdicts(scheme: LabelScheme = DEFAULT) -> dict[str, int]:
    """The ClaimBuster verdict of each check-worthiness label, by position: the
    first label is check-worthy (1), the last of three or more not factual
    (-1), the others unimportant (0). The default: check-worthy 1,
    unimportant 0, not-factual -1; CheckThat!'s Yes/No: Yes 1, No 0."""
    names = scheme.checkworthiness.names
    return {name: 1 if i == 0 else -1 if len(names) >= 3 and i == len(names) - 1 else 0
            for i, name in enumerate(names)}


VERDICTS = verdicts(DEFAULT)


def verdict_label(verdict: int, scheme: LabelScheme = DEFAULT) -> str | None:
    """The check-worthiness label of a verdict (the inverse of :func:`verdicts`;
    None: no claim). 0 is the first unimportant label."""
    if verdict == -1:
        return None
    return next((name for name, v in verdicts(scheme).items() if v == verdict), None)


def _fever_label(text: str) -> str | None:
    name = " ".join(text.replace("_", " ").split()).upper()
    return {"NEI": "NOT ENOUGH INFO"}.get(name, name) if name else None


def default_fever_map(scheme: LabelScheme = DEFAULT) -> dict[str, str]:
    """The FEVER label of each of the scheme's stances when ``--map`` gives
    none: a stance that is a FEVER label (any case, ``_`` for a space, NEI) is
    itself; FNC-1's agree, disagree and discuss are SUPPORTS, REFUTES and NOT
    ENOUGH INFO; any other stance has none (fever.jsonl leaves it out)."""
    out: dict[str, str] = {}
    for stance in scheme.stance.names:
        fever = _fever_label(stance)
        if fever in FEVER_LABELS and fever not in out.values():
            out[stance] = fever
        elif stance in DEFAULT_FEVER_MAP and DEFAULT_FEVER_MAP[stance] not in out.values():
            out[stance] = DEFAULT_FEVER_MAP[stance]
    return out


def check_map(mapping: dict[str, str], scheme: LabelScheme) -> dict[str, str]:
    """``mapping`` (from :func:`parse_map`) if every stance it names is one of the
    scheme's; else an :class:`ExportError` (one line)."""
    unknown = [s for s in mapping if s not in scheme.stance]
    if unknown:
        raise ExportError(f"--map names the stance {visible(unknown[0], 60)!r}, which is not in the scheme "
                          f"{visible(scheme.name, 40)!r}; its stances: {visible(', '.join(scheme.stance.names), 300)}")
    return mapping


def parse_map(text: str | None, scheme: LabelScheme | None = DEFAULT) -> dict[str, str]:
    """``agree=SUPPORTS,disagree=REFUTES,discuss=NOT ENOUGH INFO`` → a mapping
    from stances to FEVER labels. The map given is the whole map: a stance it
    does not name is left out. ``scheme``: whose stances the map may name
    (None: any, checked later with :func:`check_map`). Raises
    :class:`ExportError` (one line)."""
    stances = scheme.stance.names if scheme is not None else None
    if text is None:
        return default_fever_map(scheme or DEFAULT)
    out: dict[str, str] = {}
    shown = "'" + visible(text, limit=80) + "'"
    for part in text.split(","):
        if not part.strip():
            continue
        stance, sep, label = part.partition("=")
        stance, fever = stance.strip(), _fever_label(label)
        if (not sep or not stance or (stances is not None and stance not in stances) or fever not in FEVER_LABELS
                or stance in out):
            known = f"stances: {visible(', '.join(stances), 200)}; " if stances is not None else ""
            raise ExportError(f"--map {shown}: give stance=LABEL pairs, each stance once, such as "
                              f"agree=SUPPORTS,disagree=REFUTES; {known}"
                              f"labels: {', '.join(FEVER_LABELS)}")
        out[stance] = fever
    if not out:
        raise ExportError(f"--map {shown}: give at least one stance=LABEL pair, such as agree=SUPPORTS")
    return out


# -- sentences ------------------------------------------------------------------------------

class Sentences:
    """The sentences of one article (from its analysis; none: the whole text)."""

    def __init__(self, text: str, analysis) -> None:
        sents = list(analysis.sents) if analysis is not None and analysis.sents else []
        self.known = bool(sents)
        self.spans = sents or ([(0, len(text))] if text else [])
        self.starts = [s for s, _ in self.spans]
        self.ends = [e for _, e in self.spans]

    def covering(self, start: int, end: int) -> range:
        """Indices of the sentences [start, end) overlaps."""
        return range(bisect_left(self.ends, start + 1), bisect_left(self.starts, end))


def claim_sentence(text: str, sentences: Sentences | None, claim: dict) -> str:
    """The sentence(s) holding a claim; the claim's own text when the analysis
    gives no sentence there."""
    if sentences is None or not sentences.known:
        return claim["quote"]
    found = sentences.covering(claim["start"], claim["end"])
    if not found:
        return claim["quote"]
    start = min(sentences.spans[found[0]][0], claim["start"])
    end = max(sentences.spans[found[-1]][1], claim["end"])
    return text[start:end]


class _SentenceIndex:
    def __init__(self, data: Dataset, analyses: dict) -> None:
        self.data, self.analyses, self.cache = data, analyses, {}

    def __call__(self, article_id: str) -> Sentences:
        if article_id not in self.cache:
            self.cache[article_id] = Sentences(self.data.articles[article_id]["text"], self.analyses.get(article_id))
        return self.cache[article_id]


# -- export: FEVER ----------------------------------------------------------------------------

def fever_rows(data: Dataset, analyses: dict, mapping: dict[str, str], warnings: list[str]):
    """``(doc_id, row)`` for fever.jsonl."""
    sentences = _SentenceIndex(data, analyses)
    claims = {c["id"]: c for c in data.claims}
    links: dict[str, list[dict]] = defaultdict(list)
    for link in data.links:
        if link["a"] in claims and link["b"] in claims:
            links[link["a"]].append(link)
            links[link["b"]].append(link)
    left_out: Counter = Counter()
    for claim in data.claims:
        linked, evidence = [], set()
        for link in sorted(links.get(claim["id"], []), key=lambda l: l["id"]):
            other = claims[link["b"] if link["a"] == claim["id"] else link["a"]]
            linked.append({"link_id": link["id"], "claim_id_a": link["a"], "claim_id_b": link["b"],
                           "label": link["label"]})
            for i in sentences(other["article_id"]).covering(other["start"], other["end"]):
                evidence.add((other["article_id"], i))
        for target_id, stance in sorted((claim.get("stances") or {}).items()):
            label = mapping.get(stance)
            if label is None:
                left_out[stance] += 1
                continue
            yield claim["article_id"], {
                "id": f"{claim['id']}:{target_id}", "claim": claim["quote"], "label": label,
                "evidence": [[d, i] for d, i in sorted(evidence)],
                "claim_id": claim["id"], "doc_id": claim["article_id"], "start": claim["start"],
                "end": claim["end"], "target_id": target_id, "target": data.targets[target_id]["text"],
                "stance": stance, "annotator_id": claim["annotator"], "linked": linked,
            }
    if left_out:
        warnings.append("fever.jsonl: " + ", ".join(f"{n} {s} stance(s)" for s, n in sorted(left_out.items()))
                        + " left out (the FEVER mapping gives them no label; --map can)")


# -- export: CheckThat! and ClaimBuster ------------------------------------------------------

def sentence_verdicts(data: Dataset, analyses: dict):
    """``(doc_id, sentence_index, start, end, verdict)`` for every sentence of
    every article with a claim: 1 if a claim in it is check-worthy, else 0 if
    a claim in it is unimportant or has no check-worthiness label, else -1
    (no claim, or only not-factual ones). All annotators' claims count."""
    sentences = _SentenceIndex(data, analyses)
    values = verdicts(data.scheme)
    by_article: dict[str, list[dict]] = defaultdict(list)
    for claim in data.claims:
        by_article[claim["article_id"]].append(claim)
    for article_id in sorted(by_article):
        sents = sentences(article_id)
        verdict = [-1] * len(sents.spans)
        for claim in by_article[article_id]:
            value = values.get(claim.get("checkworthiness"), 0)
            for i in sents.covering(claim["start"], claim["end"]):
                verdict[i] = max(verdict[i], value)
        for i, (start, end) in enumerate(sents.spans):
            yield article_id, i, start, end, verdict[i]


def checkthat_rows(data: Dataset, analyses: dict):
    for article_id, i, start, end, verdict in sentence_verdicts(data, analyses):
        yield article_id, {"Sentence_id": f"{article_id}:{i}", "Text": data.articles[article_id]["text"][start:end],
                           "class_label": "Yes" if verdict == 1 else "No"}


def claimbuster_rows(data: Dataset, analyses: dict):
    for article_id, i, start, end, verdict in sentence_verdicts(data, analyses):
        yield article_id, {"Sentence_id": f"{article_id}:{i}", "Text": data.articles[article_id]["text"][start:end],
                           "Verdict": verdict}


def _table(rows: list[dict], columns: tuple[str, ...], delimiter: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[c] for c in columns])
    return buffer.getvalue().encode("utf-8")


def checkthat_tsv(rows: list[dict]) -> bytes:
    return _table(rows, CHECKTHAT_COLUMNS, "\t")


def claimbuster_csv(rows: list[dict]) -> bytes:
    return _table(rows, CLAIMBUSTER_COLUMNS, ",")


# -- export: ClaimReview -------------------------------------------------------------------

def claimreview_rows(data: Dataset):
    """``(doc_id, item)`` for claimreview.jsonld: a ClaimReview per claim group
    and target of its stance (a group with no stance: one, without rating)."""
    from annotations.links import build_groups

    claims = {c["id"]: c for c in data.claims}
    records = {g["id"]: g for g in data.groups}
    for group in build_groups(data.links, claims, records, data.scheme.links):
        members = sorted((claims[c] for c in group.claim_ids), key=lambda c: (c["article_id"], c["start"], c["id"]))
        ids = set(group.claim_ids)
        own = [l for l in data.links if l["a"] in ids and l["b"] in ids and l["label"] in data.scheme.links.groups]
        record = records.get(group.id) or {}
        oldest = min(own, key=lambda l: (l["created"], l.get("n", 0), l["id"]))
        author = record.get("annotator") or oldest.get("annotator", "")
        reviewed = (record.get("updated") or max(l["created"] for l in own))[:10]
        articles = [data.articles[c["article_id"]] for c in members]
        sources = list(dict.fromkeys(a.get("source", "") for a in articles if a.get("source")))
        published = sorted(a["published"][:10] for a in articles if a.get("published"))
        item_reviewed = {"@type": "Claim", "author": [{"@type": "Organization", "name": s} for s in sources]}
        if published:
            item_reviewed["datePublished"] = published[0]
        appearance = []
        for claim, article in zip(members, articles):
            work = {"@type": "CreativeWork"}
            if article.get("url"):
                work["url"] = article["url"]
            work.update({"identifier": claim["article_id"], "headline": article.get("title", ""),
                         "text": claim["quote"]})
            appearance.append(work)
        item_reviewed["appearance"] = appearance
        base = {"@context": SCHEMA, "@type": "ClaimReview", "identifier": group.id, "claimReviewed": group.canonical,
                "itemReviewed": item_reviewed}
        tail = {"author": {"@type": "Person", "name": author}, "datePublished": reviewed}
        if not group.stance:
            yield members[0]["article_id"], {**base, **tail}
        for target_id, stance in sorted(group.stance.items()):
            target = data.targets.get(target_id, {}).get("text", "")
            yield members[0]["article_id"], {**base, "reviewRating": {
                "@type": "Rating", "identifier": target_id, "alternateName": stance,
                "ratingExplanation": f"{stance}: {target}"}, **tail}


def claimreview_json(items: list[dict]) -> bytes:
    return (json.dumps(items, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


# -- import: shared ----------------------------------------------------------------------------

class _Bad(Exception):
    """One record cannot be used; the message says why."""


def _stable_id(*parts) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:32]


def _show(value: object, limit: int = 60) -> str:
    return visible(repr(value), limit)


def _kind(value: object) -> str:
    from corpus.importers import _kind as kind

    return kind(value)


def _str(row: dict, name: str, required: bool = False) -> str:
    value = row.get(name)
    if value is None or value == "":
        if required:
            raise _Bad(f"no {name}")
        return ""
    if not isinstance(value, str):
        raise _Bad(f"{name} must be text, not {_kind(value)}")
    return value


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Place:
    """The store's articles, to find an article and a text in it."""

    def __init__(self, store) -> None:
        self.articles = {a["id"]: a for a in store.articles() if not a.get("replaced_by")}
        self.by_url = {a["url"]: a for a in self.articles.values() if a.get("url")}

    def find(self, text: str, doc_id: str = "", url: str = "") -> tuple[dict, int]:
        """The article holding ``text`` (the named one when it does, else the
        one article that does) and where; raises :class:`_Bad`."""
        text = normalise(text).strip()
        if not text:
            raise _Bad("no text to place")
        for named in (self.articles.get(doc_id), self.by_url.get(url)):
            if named is not None and text in named["text"]:
                return named, named["text"].index(text)
        holders = [a for a in self.articles.values() if text in a["text"]]
        if len(holders) == 1:
            return holders[0], holders[0]["text"].index(text)
        if holders:
            raise _Bad(f"{_show(text)} is in {len(holders)} articles ({', '.join(sorted(a['id'] for a in holders)[:3])}"
                       "...); name one (Sentence_id doc_id:n, or doc_id) to place it")
        raise _Bad(f"{_show(text)} is in no article of this store; import or open its corpus first")


def _new_claim(article: dict, start: int, end: int, annotator: str, origin: str, source: str, **fields) -> dict:
    text = article["text"]
    stamp = now()
    return {"id": _stable_id(article["text_hash"], start, end, annotator), "article_id": article["id"],
            "text_hash": article["text_hash"], "start": start, "end": end, "quote": text[start:end],
            "prefix": text[max(0, start - 32):start], "suffix": text[end:end + 32], "label": CLAIM_LABEL,
            "stances": {}, "status": "ok", "annotator": annotator, "created": stamp, "updated": stamp,
            "origin": origin, "imported_from": source, **fields}


def _save_claims(store, claims: list[tuple[str, dict]], report, targets: set[str]) -> int:
    have = {c["id"] for c in store.claims(include_review=True)}
    fresh = []
    for where, claim in claims:
        if claim["id"] in have:
            report.present["claims"] += 1
            continue
        try:
            validate_claim(claim, store.article(claim["article_id"])["text"], targets, store.scheme)
        except ValidationError as exc:
            report.warnings.append(f"{where}: {exc}; skipped.")
            continue
        have.add(claim["id"])
        fresh.append(claim)
    store.import_records("claims", fresh, "import claims")
    report.added["claims"] += len(fresh)
    return len(fresh)


def _table_rows(path: Path, delimiter: str, required: tuple[str, ...]):
    """The header and ``(line, row)`` of a TSV/CSV file; a file that cannot be
    read, or lacks a column, is a :class:`CorpusError` (one line)."""
    from corpus.formats import csv_rows

    return csv_rows(path, required, delimiter=delimiter)


def table_header(path: Path) -> list[str]:
    """The first line of a CSV/TSV file split at its delimiter (for detection)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            first = fh.readline(1 << 16)
    except OSError:
        return []
    delimiter = "\t" if "\t" in first else ","
    return [c.strip() for c in next(csv.reader([first], delimiter=delimiter), [])]


# -- import: CheckThat! and ClaimBuster ---------------------------------------------------

def _import_sentences(store, path: Path, report, delimiter: str, column: str, verdict_of, no: str) -> None:
    header, rows = _table_rows(path, delimiter, ("Text", column))
    place = _Place(store)
    shown = visible(path.name)
    origin = f"import:{path.name}"
    claims = []
    none = 0  # sentences that make no claim
    seen: Counter = Counter()  # (article, sentence): rows so far, so the k-th repeat goes to the k-th place
    for line, row in rows:
        where = f"{shown} line {line}"
        try:
            if None in row:
                raise _Bad(f"{len(row[None])} field(s) more than the header's {len(header)}")
            label = verdict_of(row.get(column), store.scheme)
            text = normalise(row.get("Text") or "").strip()
            sentence_id = (row.get("Sentence_id") or "").strip()
            doc_id = sentence_id.rsplit(":", 1)[0] if ":" in sentence_id else ""
            try:
                article, start = place.find(text, doc_id)
            except _Bad:
                if label is None:  # no claim to make: nothing to name
                    none += 1
                    continue
                raise
            seen[(article["id"], text)] += 1
            for _ in range(seen[(article["id"], text)] - 1):
                later = article["text"].find(text, start + 1)
                if later < 0:
                    break
                start = later
            if label is None:
                none += 1
                continue
        except _Bad as exc:
            report.warnings.append(f"{where}: {exc}; skipped.")
            continue
        end = start + len(text)
        claims.append((where, _new_claim(article, start, end, store.annotator, origin, path.name,
                                         checkworthiness=label)))
    if none:
        report.warnings.append(f"{shown}: {none} sentence(s) labelled {no} make no claim.")
    _save_claims(store, claims, report, {t["id"] for t in store.targets})


def _checkthat_label(value, scheme: LabelScheme = DEFAULT) -> str | None:
    """Yes: the scheme's first check-worthiness label (check-worthy); No: no claim."""
    name = (value or "").strip().lower()
    if name in ("yes", "1", "true"):
        return verdict_label(1, scheme)
    if name in ("no", "0", "false"):
        return None
    raise _Bad(f"class_label {_show(value)} is not Yes or No")


def _claimbuster_label(value, scheme: LabelScheme = DEFAULT) -> str | None:
    """1, 0: the scheme's label of that verdict (see :func:`verdicts`); -1: no claim."""
    name = (value or "").strip().replace("\u2212", "-")
    verdict = {"1": 1, "0": 0, "-1": -1}.get(name)
    if verdict is None:
        raise _Bad(f"Verdict {_show(value)} is not 1, 0 or -1")
    label = verdict_label(verdict, scheme)
    if label is None and verdict == 0:
        raise _Bad(f"Verdict 0 (unimportant) has no label in the store's scheme {visible(scheme.name, 40)!r} "
                   f"(check-worthiness: {visible(', '.join(scheme.checkworthiness.names), 200)}); the record is "
                   "not imported")
    return label


def import_checkthat(store, path: Path, report, progress=None) -> None:
    """A CheckThat! TSV (``Sentence_id``, ``Text``, ``class_label``): each Yes
    sentence becomes a check-worthy claim spanning it, placed in its article
    by its text (in the article ``Sentence_id`` names, when it holds it)."""
    _import_sentences(store, path, report, "\t", "class_label", _checkthat_label, "No")


def import_claimbuster(store, path: Path, report, progress=None) -> None:
    """A ClaimBuster CSV (``Text``, ``Verdict``): 1 a check-worthy claim, 0 an
    unimportant one, -1 (not factual) no claim."""
    _import_sentences(store, path, report, ",", "Verdict", _claimbuster_label, "-1 (not factual)")


# -- import: FEVER ------------------------------------------------------------------------

INVERSE_FEVER_MAP = {v: k for k, v in DEFAULT_FEVER_MAP.items()}


def _check_fever(row: dict, store=None, report=None) -> tuple[str, str]:
    """The claim's text and its stance in the store's scheme: the row's
    ``stance`` (a factdesk export's), else its FEVER label, each translated by
    ``--map`` and then by :func:`default_fever_map` read backwards."""
    from annotations.imports import outside_scheme

    scheme = store.scheme if store is not None else DEFAULT
    mapped = report.mapped if report is not None else (lambda value: value)
    claim = _str(row, "claim", required=True)
    label = row.get("label")
    fever = _fever_label(label) if isinstance(label, str) else None
    if fever not in FEVER_LABELS:
        raise _Bad(f"label {_show(label)} is not one of {', '.join(FEVER_LABELS)}")
    stance = row.get("stance")
    if stance is not None and not isinstance(stance, str):
        raise _Bad(f"stance must be text, not {_kind(stance)}")
    if stance is not None:
        stance = mapped(stance)
        if stance not in scheme.stance:
            raise _Bad(outside_scheme(scheme, "stance", stance))
    for name in ("id", "claim_id", "doc_id", "target_id", "target", "annotator_id"):
        if name == "id" and _int(row.get(name)):
            continue
        _str(row, name)
    start, end = row.get("start"), row.get("end")
    if (start is not None or end is not None) and not (_int(start) and _int(end) and 0 <= start < end):
        raise _Bad(f"start and end must be offsets (0 <= start < end), not {_show(start, 30)} and {_show(end, 30)}")
    evidence = row.get("evidence")
    if evidence is not None and not isinstance(evidence, list):
        raise _Bad(f"evidence must be a list, not {_kind(evidence)}")
    linked = row.get("linked")
    if linked is not None:
        if not isinstance(linked, list) or not all(isinstance(l, dict) for l in linked):
            raise _Bad("linked must be a list of objects")
        for link in linked:
            for name in ("link_id", "claim_id_a", "claim_id_b", "label"):
                _str(link, name, required=True)
            link["label"] = mapped(link["label"])
            if link["label"] not in scheme.links:
                raise _Bad("linked: " + outside_scheme(scheme, "links", link["label"], "label"))
    if stance is None:
        stance = mapped(fever)
        if stance not in scheme.stance:
            inverse = {f: s for s, f in default_fever_map(scheme).items()}
            if fever not in inverse:
                raise _Bad(outside_scheme(scheme, "stance", fever))
            stance = inverse[fever]
    return claim, stance


def import_fever(store, path: Path, report, progress=None) -> None:
    """FEVER-style JSONL (``claim``, ``label``, ``evidence``): each row a claim
    with its stance toward a target (SUPPORTS → agree, REFUTES → disagree,
    NOT ENOUGH INFO → discuss, or the row's ``stance``), placed by ``doc_id``,
    ``start`` and ``end`` when given, else by its text; the links a factdesk
    export lists (``linked``) come back once both claims are in the store."""
    from annotations.imports import _lines

    rows = list(_lines(path, report))
    place = _Place(store)
    targets = {t["id"]: t for t in store.targets}
    by_text: dict[tuple[str, str], str] = {(t["event_id"], " ".join(t["text"].split())): t["id"] for t in targets.values()}
    new_targets: list[dict] = []
    claims: dict[str, tuple[str, dict]] = {}
    links: list[tuple[str, dict]] = []
    shown = visible(path.name)
    origin = f"import:{path.name}"
    for done, (n, row) in enumerate(rows, 1):
        if progress:
            progress(done, len(rows))
        where = f"{shown} line {n}"
        try:
            text, stance = _check_fever(row, store, report)
            doc_id, start, end = _str(row, "doc_id"), row.get("start"), row.get("end")
            article = place.articles.get(doc_id)
            if article is not None and start is not None:
                if end > len(article["text"]) or article["text"][start:end] != text:
                    raise _Bad(f"claim {_show(text)} is not the text of article {_show(doc_id)} at {start}..{end}")
            else:
                article, start = place.find(text, doc_id)
                end = start + len(normalise(text).strip())
            target_id = _str(row, "target_id")
            target_text = " ".join(_str(row, "target").split())
            if target_id not in targets:
                target_id = by_text.get((article["event_id"], target_text), "")
                if not target_id and target_text and _str(row, "target_id"):
                    target_id = row["target_id"]
                    targets[target_id] = {"id": target_id, "event_id": article["event_id"], "text": target_text,
                                          "annotator": store.annotator, "created": now()}
                    new_targets.append(targets[target_id])
                    by_text[(article["event_id"], target_text)] = target_id
                if not target_id:
                    own = [t["id"] for t in targets.values() if t.get("event_id") == article["event_id"]]
                    if len(own) != 1:
                        raise _Bad(f"no target_id or target names the proposition, and the article's event has "
                                   f"{len(own)} targets")
                    target_id = own[0]
        except _Bad as exc:
            report.warnings.append(f"{where}: {exc}; skipped.")
            continue
        annotator = _str(row, "annotator_id") or store.annotator
        claim_id = _str(row, "claim_id") or _stable_id(article["text_hash"], start, end, annotator)
        if claim_id in claims:
            claims[claim_id][1]["stances"][target_id] = stance
        else:
            claim = _new_claim(article, start, end, annotator, origin, path.name)
            claim["id"] = claim_id
            claim["stances"] = {target_id: stance}
            claims[claim_id] = (where, claim)
        links += [(where, l) for l in row.get("linked") or []]
    store.import_records("targets", new_targets, "import targets")
    report.added["targets"] += len(new_targets)
    _save_claims(store, list(claims.values()), report, set(targets))
    _save_links(store, links, report, path.name)


def _save_links(store, links: list[tuple[str, dict]], report, source: str) -> None:
    known = {c["id"]: c for c in store.claims()}
    existing = store.links()
    have = {l["id"] for l in existing} | {frozenset((l["a"], l["b"])) for l in existing}
    n = max((l.get("n", 0) for l in existing), default=0)
    fresh = []
    stamp = now()
    done: set[str] = set()  # a link is listed in the rows of both its claims
    for where, link in links:
        if link["link_id"] in done:
            continue
        done.add(link["link_id"])
        a, b = known.get(link["claim_id_a"]), known.get(link["claim_id_b"])
        pair = frozenset((link["claim_id_a"], link["claim_id_b"]))
        if link["link_id"] in have or pair in have:
            report.present["claim links"] += 1
            continue
        if a is None or b is None or a["article_id"] == b["article_id"]:
            report.warnings.append(f"{where}: link {_show(link['link_id'], 40)}: a claim of it is not in the store "
                                   "(its row is not in the file, or was skipped); the link is left out.")
            continue
        have |= {link["link_id"], pair}
        n += 1
        fresh.append({"id": link["link_id"], "a": a["id"], "b": b["id"], "label": link["label"], "note": "",
                      "annotator": store.annotator, "n": n, "created": stamp, "updated": stamp,
                      "imported_from": source})
    store.import_records("links", fresh, "import claim links")
    report.added["claim links"] += len(fresh)


# -- import: ClaimReview -------------------------------------------------------------------

def _claimreview_items(path: Path, report) -> list[tuple[int, object]]:
    """The items of a ClaimReview JSON-LD file with the line each starts on: a
    list of them, an object with ``@graph``, or one ClaimReview object."""
    from corpus.articles import CorpusError
    from corpus.formats import open_table

    content = open_table(path)
    shown = visible(path)
    try:
        doc = json.loads(content)
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", 1)
        raise CorpusError(f"{shown} line {line}: not valid JSON ({getattr(exc, 'msg', 'too deeply nested')}); "
                          "nothing imported.") from exc
    if isinstance(doc, dict) and isinstance(doc.get("@graph"), list):
        return [(content.count("\n", 0, content.find("@graph")) + 1, item) for item in doc["@graph"]]
    if isinstance(doc, dict):
        return [(1, doc)]
    if not isinstance(doc, list):
        raise CorpusError(f"{shown}: neither a ClaimReview object nor a list of them; nothing imported.")
    decoder, out, i = json.JSONDecoder(), [], content.index("[") + 1
    for item in doc:  # the line each item starts on
        while content[i] in " \t\r\n,":
            i += 1
        _, end = decoder.raw_decode(content, i)
        out.append((content.count("\n", 0, i) + 1, item))
        i = end
    return out


def _review_fields(item: object) -> tuple[str, str, list[dict], dict, str, str]:
    if not isinstance(item, dict):
        raise _Bad(f"not an object but {_kind(item)}")
    kind = item.get("@type")
    if kind != "ClaimReview" and not (isinstance(kind, list) and "ClaimReview" in kind):
        raise _Bad(f"@type {_show(kind)} is not ClaimReview")
    reviewed = _str(item, "claimReviewed", required=True)
    identifier = item.get("identifier")
    identifier = "" if identifier is None else identifier
    if not isinstance(identifier, (str, int)) or isinstance(identifier, bool):
        raise _Bad(f"identifier must be text, not {_kind(identifier)}")
    claim = item.get("itemReviewed") or {}
    if not isinstance(claim, dict):
        raise _Bad(f"itemReviewed must be an object, not {_kind(claim)}")
    appearance = claim.get("appearance") or []
    if isinstance(appearance, dict):
        appearance = [appearance]
    if not isinstance(appearance, list) or not all(isinstance(a, dict) for a in appearance):
        raise _Bad("itemReviewed.appearance must be a list of objects")
    for work in appearance:
        for name in ("url", "identifier", "text"):
            _str(work, name)
    rating = item.get("reviewRating") or {}
    if not isinstance(rating, dict):
        raise _Bad(f"reviewRating must be an object, not {_kind(rating)}")
    for name in ("alternateName", "identifier", "ratingExplanation"):
        _str(rating, name)
    author = item.get("author") or {}
    name = author.get("name", "") if isinstance(author, dict) else ""
    if not isinstance(name, str):
        raise _Bad(f"author.name must be text, not {_kind(name)}")
    date = _str(item, "datePublished")
    return reviewed, str(identifier), appearance, rating, name, date


def import_claimreview(store, path: Path, report, progress=None) -> None:
    """ClaimReview JSON-LD: each appearance of the reviewed claim becomes a
    claim in its article (found by ``identifier``, ``url`` or its text; the
    appearance's ``text``, else ``claimReviewed``, placed in it), with the
    verdict: a factdesk stance (``reviewRating.alternateName`` a stance and
    ``identifier`` a target) or, for another rating, a note on the claim.
    Two or more appearances are linked as ``same`` (one claim group, its id
    the review's ``identifier``), the group keeping the wording and stance."""
    items = _claimreview_items(path, report)
    if not store.scheme.links.groups:
        report.warnings.append(f"{visible(path.name)}: the store's scheme has no link relation that forms claim "
                               "groups; the appearances of a review are not linked.")
    group_relation = store.scheme.links.groups[0] if store.scheme.links.groups else None
    place = _Place(store)
    targets = {t["id"] for t in store.targets}
    shown = visible(path.name)
    origin = f"import:{path.name}"
    claims: dict[str, tuple[str, dict]] = {}
    groups: dict[str, dict] = {}
    links: list[tuple[str, dict]] = []
    for done, (line, item) in enumerate(items, 1):
        if progress:
            progress(done, len(items))
        where = f"{shown} line {line}"
        try:
            reviewed, identifier, appearance, rating, author, date = _review_fields(item)
        except _Bad as exc:
            report.warnings.append(f"{where}: {exc}; skipped.")
            continue
        verdict = report.mapped(rating.get("alternateName") or "")
        target = rating.get("identifier") or ""
        stance = {target: verdict} if verdict in store.scheme.stance and target in targets else {}
        note = "" if stance or not verdict else f"ClaimReview: {verdict}" + (f" ({author})" if author else "")
        annotator = author or store.annotator
        members = []
        for k, work in enumerate(appearance or [{}], 1):
            try:
                article, start = place.find(work.get("text") or reviewed, work.get("identifier") or "",
                                            work.get("url") or "")
            except _Bad as exc:
                report.warnings.append(f"{where} appearance {k}: {exc}; skipped.")
                continue
            end = start + len(normalise(work.get("text") or reviewed).strip())
            claim = _new_claim(article, start, end, annotator, origin, path.name)
            if claim["id"] in claims:
                claim = claims[claim["id"]][1]
            else:
                claims[claim["id"]] = (where, claim)
            claim["stances"].update(stance)
            if note:
                claim["note"] = note
            members.append(claim)
        group_id = identifier or _stable_id(reviewed, *(c["id"] for c in members))
        for a, b in zip(members, members[1:]) if group_relation else ():
            link_id = group_id if a is members[0] else _stable_id(group_id, a["id"], b["id"])
            links.append((where, {"link_id": link_id, "claim_id_a": a["id"], "claim_id_b": b["id"],
                                  "label": group_relation}))
        if len(members) > 1:
            record = groups.setdefault(group_id, {"id": group_id, "canonical": " ".join(reviewed.split()),
                                                  "stance": {}, "annotator": annotator, "created": date or now(),
                                                  "updated": date or now(), "imported_from": path.name})
            record["stance"].update(stance)
    _save_claims(store, list(claims.values()), report, targets)
    _save_links(store, links, report, path.name)
    formed = {g.id for g in store.claim_groups()}
    have = {r["id"] for r in store.records("groups")}
    fresh = [g for g in groups.values() if g["id"] in formed and g["id"] not in have]
    report.present["claim groups"] += sum(1 for g in groups if g in have)
    store.import_records("groups", fresh, "import claim groups")
    report.added["claim groups"] += len(fresh)


__all__ = [
    "CHECKTHAT_COLUMNS", "CLAIMBUSTER_COLUMNS", "DEFAULT_FEVER_MAP", "FEVER_LABELS", "Sentences", "check_map",
    "checkthat_rows", "default_fever_map", "verdict_label", "verdicts",
    "checkthat_tsv", "claim_sentence", "claimbuster_csv", "claimbuster_rows", "claimreview_json",
    "claimreview_rows", "fever_rows", "import_checkthat", "import_claimbuster", "import_claimreview",
    "import_fever", "parse_map", "sentence_verdicts", "table_header",
]
