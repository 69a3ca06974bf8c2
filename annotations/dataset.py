"""Everything one or more stores hold, gathered and checked for export.

:func:`collect` reads each store (read-only is enough), merges them (the
same article or claim in two stores counts once) and checks every span
against its article's text, so that nothing invalid reaches a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotations.labels import DEFAULT, LabelScheme
from annotations.schema import ValidationError, check_span
from annotations.store import AnnotationStore
from corpus.text import text_hash as hash_text
from corpus.text import visible


class ExportError(Exception):
    """The export was stopped; nothing was written. The message names the record."""


@dataclass
class Dataset:
    """Plain records from the stores, keyed for export."""

    stores: list[str] = field(default_factory=list)
    articles: dict[str, dict] = field(default_factory=dict)
    events: dict[str, dict] = field(default_factory=dict)
    targets: dict[str, dict] = field(default_factory=dict)
    claims: list[dict] = field(default_factory=list)
    rejections: list[dict] = field(default_factory=list)
    ratings: list[dict] = field(default_factory=list)
    source_ratings: list[dict] = field(default_factory=list)
    entity_edits: dict[str, list[dict]] = field(default_factory=dict)
    links: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    gold: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    scheme: LabelScheme = DEFAULT  # the stores' label scheme (they share one)

    def event_of(self, article_id: str) -> str:
        return self.articles.get(article_id, {}).get("event_id", "")

    def touched(self) -> list[str]:
        """Articles someone annotated (a claim, a rejection, a rating or an
        entity correction), in a stable order."""
        ids = {c["article_id"] for c in self.claims} | {r["article_id"] for r in self.rejections}
        ids |= {r["article_id"] for r in self.ratings} | set(self.entity_edits)
        return sorted(ids)


def _merge(kind: str, records: dict, record: dict, key, warnings: list[str]) -> None:
    """Keep one record per key: the most recently updated when two stores differ."""
    old = records.get(key)
    if old is None:
        records[key] = record
    elif old != record:
        newer = record if record.get("updated", "") > old.get("updated", "") else old
        records[key] = newer
        warnings.append(f"{kind} {key} differs between stores; the one updated last ({newer.get('updated', '?')}) is exported")


def _check(dataset: Dataset, record: dict, what: str) -> str:
    """The article text of a span record, after checking the span slices it."""
    article = dataset.articles.get(record["article_id"])
    if article is None:
        raise ExportError(f"{what}: its article {record['article_id']} is not in the store")
    text = article["text"]
    if record.get("text_hash") and record["text_hash"] != article["text_hash"]:
        raise ExportError(f"{what}: the article text changed since it was made; "
                          "open the store in factdesk once to re-anchor it")
    try:
        check_span(text, record["start"], record["end"], record["quote"], what)
    except (ValidationError, KeyError) as exc:
        raise ExportError(str(exc)) from exc
    return text


def validate(dataset: Dataset) -> None:
    """Raise :class:`ExportError` naming the first record whose span does not
    slice its article's text."""
    for article_id, article in dataset.articles.items():
        if hash_text(article["text"]) != article["text_hash"]:
            raise ExportError(f"article {article_id}: its text does not match its hash; "
                              "the store was edited by hand (`factdesk store repair` keeps a copy)")
    for claim in dataset.claims:
        what = f"claim {claim['id']}"
        text = _check(dataset, claim, what)
        speaker = claim.get("speaker") or {}
        if speaker.get("kind") == "entity":
            try:
                check_span(text, speaker.get("start"), speaker.get("end"), speaker.get("text", ""), f"{what}: speaker")
            except ValidationError as exc:
                raise ExportError(str(exc)) from exc
        for target_id in claim.get("stances") or {}:
            if target_id not in dataset.targets:
                raise ExportError(f"{what}: stance toward unknown target {target_id!r}")
    for rejection in dataset.rejections:
        _check(dataset, rejection, f"rejected span {rejection['id']}")
    for edits in dataset.entity_edits.values():
        for edit in edits:
            _check(dataset, edit, f"entity correction {edit['start']}..{edit['end']} in article {edit['article_id']}")
    for rating in dataset.ratings:
        if rating["article_id"] not in dataset.articles:
            raise ExportError(f"reliability rating by {rating['annotator']}: article {rating['article_id']} is not in the store")


def common_scheme(stores: list[AnnotationStore], error: type[Exception] | None = None,
                  doing: str = "Export") -> LabelScheme:
    """The label scheme of the stores: the first store's, when every store has
    the same labels; an :class:`ExportError` (or ``error``) naming two that
    differ otherwise."""
    from annotations.scheme_file import same_labels

    if not stores:
        return DEFAULT
    first = stores[0].scheme
    for store in stores[1:]:
        if not same_labels(first, store.scheme):
            raise (error or ExportError)(
                f"{visible(stores[0].path)} uses the label scheme {visible(first.name, 40)!r} and "
                f"{visible(store.path)} the scheme {visible(store.scheme.name, 40)!r}, whose labels differ; nothing "
                f"was written. {doing} them one at a time, or give them one scheme (`factdesk scheme rename` / "
                "`drop`, or open each with the same scheme file).")
    return first


def collect(stores: list[AnnotationStore]) -> Dataset:
    """Gather and merge the stores' records, then :func:`validate` them."""
    data = Dataset(stores=[str(s.path) for s in stores], scheme=common_scheme(stores))
    claims: dict = {}
    rejections: dict = {}
    ratings: dict = {}
    source_ratings: dict = {}
    links: dict = {}
    groups: dict = {}
    gold: dict = {}
    edits: dict = {}
    for store in stores:
        for event in store.events():
            data.events.setdefault(event["id"], {"id": event["id"], "title": event.get("title", "")})
        for target in store.targets:
            data.targets[target["id"]] = target
        for article in store.records("articles"):
            if article.get("replaced_by"):
                continue  # an old version of a changed article: its claims moved on
            data.articles.setdefault(article["id"], article)
        review = []
        for claim in store.records("claims"):
            if claim.get("status", "ok") != "ok":
                review.append(claim)
                continue
            _merge("claim", claims, claim, claim["id"], data.warnings)
        if review:
            data.warnings.append(f"{store.path.name}: {len(review)} claim(s) need review after their article "
                                 "changed and are left out; open the store in factdesk and press V to place or drop them")
        for doc in store.records("rejections"):
            _merge("rejected span", rejections, doc, doc["id"], data.warnings)
        for rating in store.records("ratings"):
            _merge("rating", ratings, rating, (rating["article_id"], rating["annotator"]), data.warnings)
        for rating in store.records("source_ratings"):
            _merge("source rating", source_ratings, rating, (rating["source"], rating["annotator"]), data.warnings)
        for doc in store.records("entity_edits"):
            key = (doc["article_id"], doc["start"], doc["end"], doc.get("label"), doc["annotator"], doc["created"])
            edits.setdefault(key, doc)
        for doc in store.records("links"):
            _merge("claim link", links, doc, doc["id"], data.warnings)
        for doc in store.records("groups"):
            _merge("claim group", groups, doc, doc["id"], data.warnings)
        for row in store.records("gold"):
            gold.setdefault((row["row"], row["article_id"], row["target_id"]), row)
    data.claims = sorted(claims.values(), key=lambda c: (c["article_id"], c["start"], c["end"], c["annotator"], c["id"]))
    data.rejections = sorted(rejections.values(), key=lambda r: (r["article_id"], r["start"], r["end"], r["id"]))
    data.ratings = sorted(ratings.values(), key=lambda r: (r["article_id"], r["annotator"]))
    data.source_ratings = sorted(source_ratings.values(), key=lambda r: (r["source"], r["annotator"]))
    data.links = sorted(links.values(), key=lambda r: (r["created"], r.get("n", 0), r["id"]))
    data.groups = sorted(groups.values(), key=lambda r: r["id"])
    data.gold = sorted(gold.values(), key=lambda g: g["row"])
    for edit in sorted(edits.values(), key=lambda e: e["created"]):
        data.entity_edits.setdefault(edit["article_id"], []).append(edit)
    validate(data)
    return data


__all__ = ["Dataset", "ExportError", "collect", "common_scheme", "validate"]
