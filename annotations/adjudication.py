"""Adjudication: two or more annotators' stores reconciled into a gold store
(``factdesk review --db A --db B --out GOLD``).

The annotators' stores are only read. Their claims are matched as
:mod:`annotations.agreement` matches them (by article text hash and offsets:
the same span first, then token overlap of at least 0.5), and every unit on
which they differ becomes an :class:`Item`:

- ``span``: a claim cluster whose members do not all sit at the same span, or
  that an annotator who read the article did not make;
- ``stance`` (one per target), ``claim_type``, ``checkworthiness``: a matched
  claim whose members give different values;
- ``rating``, ``source_rating``: an article or source rated differently;
- ``link``: two claim clusters linked differently (an annotator with claims in
  both who did not link them says ``none``).

An item holds one :class:`Version` per annotator, in the order of the stores.
A :class:`Decision` (:class:`Take`, :class:`KeepBoth`, :class:`Neither`,
:class:`EditClaim`, :class:`EditRating`) applied with :meth:`Review.decide`
writes the gold store in one undoable action: the gold records carry
``origin: "adjudicated"`` and ``sources`` (``[{"store": "a.json", "id":
...}]``), and a record of the decision goes into the gold store's
``adjudications`` table, one per unit. That table is what makes a review
resumable: an item whose unit is there is decided, whatever session decided it.

Units the annotators agree on (and units only one annotator annotated: the
others never read that article) are accepted without asking
(:meth:`Review.accept_agreed`), with ``origin: "agreed"`` (``"single"`` for
one annotator's).

The gold store holds only agreed or decided values: a claim whose span is
decided but whose stance is still disputed has no stance toward that target
until the stance item is decided.

No Textual here: the review screen (``tui/screens/adjudicate.py``) and the
tests drive the same :class:`Review`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotations.agreement import NO_LINK, AgreementError, Cluster, Material, cluster_claims, gather
from annotations.schema import ValidationError, now
from corpus.text import visible

KINDS = ("span", "stance", "claim_type", "checkworthiness", "rating", "source_rating", "link")
CLAIM_KINDS = ("span", "stance", "claim_type", "checkworthiness")
FIELDS = ("claim_type", "checkworthiness")
TABLE = "adjudications"
ADJUDICATED, AGREED, SINGLE = "adjudicated", "agreed", "single"
# what a claim carries besides its span and stances
_CLAIM_EXTRA = ("claim_type", "checkworthiness", "speaker", "attribution", "confidence", "note")
_UNASKED = ("speaker", "attribution", "confidence", "note")  # no item of their own: they come with the span


class AdjudicationError(ValueError):
    """A decision cannot be applied; the message says what to do."""


# -- what there is to decide ------------------------------------------------------

@dataclass(frozen=True)
class Version:
    """One annotator's version of a unit: the record (a claim, a rating, a
    link; None when the annotator has none) and the value in dispute."""

    annotator: int  # index into Review.names
    store: str
    record: dict | None
    value: str | None  # the label (a span: its quote; a link: its relation or "none")

    @property
    def span(self) -> tuple[int, int] | None:
        r = self.record
        return (r["start"], r["end"]) if r is not None and "start" in r else None


@dataclass(frozen=True)
class Item:
    """One unit to decide (or, with ``agreed``, one accepted without asking)."""

    kind: str
    unit: str  # the key of the unit in the gold store's adjudications table
    event_id: str
    article_id: str | None  # the article shown (a link: the article of its first claim)
    versions: tuple[Version, ...]
    cluster: str | None = None  # claim items: the cluster's id; links: the first cluster
    target_id: str | None = None  # stance items
    other: str | None = None  # links: the second cluster
    other_article: str | None = None  # links: its article
    source: str | None = None  # source ratings
    agreed: str | None = None  # AGREED or SINGLE for an item accepted without asking

    @property
    def present(self) -> tuple[Version, ...]:
        """The versions an annotator gave (a value, or for a span a claim)."""
        return tuple(v for v in self.versions if v.value is not None)

    @property
    def can_keep_both(self) -> bool:
        return self.kind == "span" and len({v.span for v in self.versions if v.span}) > 1

    @property
    def can_edit(self) -> bool:
        return self.kind in CLAIM_KINDS or self.kind in ("rating", "source_rating")


@dataclass(frozen=True)
class Take:
    """Take annotator ``annotator``'s version (an index into ``Review.names``)."""

    annotator: int


@dataclass(frozen=True)
class KeepBoth:
    """Spans: keep every annotator's claim, each with its own labels."""


@dataclass(frozen=True)
class Neither:
    """None of the versions: no claim, no label, no rating, no link."""


@dataclass(frozen=True)
class EditClaim:
    """The claim as the claim form gave it: stances and fields (claim items);
    its span is the chosen version's (``base``)."""

    stances: dict[str, str]
    fields: dict
    base: int = 0  # the annotator whose span the claim keeps (span items)


@dataclass(frozen=True)
class EditRating:
    label: str
    note: str = ""
    codes: tuple[str, ...] = ()


Decision = Take | KeepBoth | Neither | EditClaim | EditRating


@dataclass
class _Claims:
    """A cluster of matched claims, with its id and article."""

    id: str
    cluster: Cluster
    article_id: str
    event_id: str


def _digest(parts: Sequence[str]) -> str:
    return hashlib.sha1("\n".join(sorted(parts)).encode("utf-8", "replace")).hexdigest()[:16]


def _value(v) -> str | None:
    return v if isinstance(v, str) and v else None


# -- the review -------------------------------------------------------------------

class Review:
    """The disagreements of ``sources`` (annotators' stores, only read) and
    their decisions in ``gold`` (a writable store bound to the same corpus)."""

    def __init__(self, sources: Sequence, gold) -> None:
        if len(sources) < 2:
            raise AdjudicationError("a review needs two or more annotators' stores: give each with --db")
        try:
            material = gather(sources, "store")
        except AgreementError as exc:
            raise AdjudicationError(str(exc)) from exc
        self.sources, self.gold = list(sources), gold
        self.names = [p.name for p in material.annotators]
        self.notes = list(material.notes)
        self._material = material
        articles = [a for a in gold.records("articles")]
        self._by_hash = {}
        for a in articles:
            if not a.get("replaced_by") or a["text_hash"] not in self._by_hash:
                self._by_hash[a["text_hash"]] = a["id"]
        self._article = {a["id"]: a for a in articles}
        events = [e["id"] for e in gold.events()]
        self._event_order = {e: n for n, e in enumerate(events)}
        self._article_order = {a["id"]: n for n, a in enumerate(articles)}
        self.items_all: list[Item] = []
        self._clusters: dict[str, _Claims] = {}
        self._build()

    # -- building the items ----------------------------------------------------

    def _read(self, index: int) -> set[str]:
        """The text hashes of the articles annotator ``index`` annotated."""
        return self._material.annotators[index].read | self._rated[index]

    def _build(self) -> None:
        m: Material = self._material
        count = len(self.names)
        self._rated = [set() for _ in range(count)]
        ratings, source_ratings = self._ratings()
        for index, rows in enumerate(ratings):
            self._rated[index] |= set(rows)
        items: list[Item] = []
        where: dict[tuple[int, str], str] = {}
        for cluster in cluster_claims(m):
            article_id = self._by_hash.get(cluster.article)
            if article_id is None:
                continue
            ids = [f"{self.names[i]}:{c['id']}" for i, c in cluster.members.items()]
            cid = _digest(ids)
            event_id = self._article.get(article_id, {}).get("event_id", "")
            self._clusters[cid] = _Claims(cid, cluster, article_id, event_id)
            for i, c in cluster.members.items():
                where[(i, c["id"])] = cid
            items.extend(self._claim_items(cid, cluster, article_id, event_id))
        items.extend(self._rating_items(ratings, "rating"))
        items.extend(self._rating_items(source_ratings, "source_rating"))
        items.extend(self._link_items(where))
        kind_order = {k: n for n, k in enumerate(KINDS)}

        def order(item: Item):
            start = min((v.span[0] for v in item.versions if v.span), default=0)
            article = self._article_order.get(item.article_id, 1 << 30)
            if item.kind == "link":  # after the claims of both its articles
                article = max(article, self._article_order.get(item.other_article, 1 << 30))
            elif item.kind == "source_rating":
                article = 1 << 31
            return (self._event_order.get(item.event_id, len(self._event_order)), article,
                    0 if item.kind in CLAIM_KINDS else kind_order[item.kind], start, item.cluster or "",
                    kind_order[item.kind], item.unit)

        self.items_all = sorted(items, key=order)
        self._by_unit = {item.unit: item for item in self.items_all}

    def _claim_items(self, cid: str, cluster: Cluster, article_id: str, event_id: str) -> list[Item]:
        count = len(self.names)
        readers = [i for i in range(count) if cluster.article in self._read(i)]
        members = cluster.members
        spans = {(c["start"], c["end"]) for c in members.values()}
        versions = tuple(Version(i, self.names[i], members.get(i), members[i]["quote"] if i in members else None)
                         for i in range(count))
        base = dict(kind="span", unit=f"span:{cid}", event_id=event_id, article_id=article_id, cluster=cid)
        if len(members) == 1 and len(readers) <= 1:
            return [Item(**base, versions=versions, agreed=SINGLE)]
        disputed = len(spans) > 1 or any(i not in members for i in readers)
        out = [Item(**base, versions=versions, agreed=None if disputed else AGREED)]
        if len(members) < 2:
            return out
        targets = sorted({t for c in members.values() for t in (c.get("stances") or {})})
        fields = [("stance", t, lambda c, t=t: (c.get("stances") or {}).get(t)) for t in targets]
        fields += [(f, None, lambda c, f=f: c.get(f)) for f in FIELDS]
        for kind, target, get in fields:
            values = {i: _value(get(c)) for i, c in members.items()}
            if len(set(values.values()) - {None}) == 0 or len(set(values.values())) == 1:
                continue  # nobody gave it, or everyone gave the same
            unit = f"{kind}:{cid}" + (f":{target}" if target else "")
            vs = tuple(Version(i, self.names[i], members.get(i), values.get(i)) for i in range(count))
            out.append(Item(kind=kind, unit=unit, event_id=event_id, article_id=article_id, versions=vs,
                            cluster=cid, target_id=target))
        return out

    def _ratings(self) -> tuple[list[dict], list[dict]]:
        """Per annotator: article id -> their newest rating; source -> rating."""
        articles, sources = [], []
        for store in self.sources:
            hashes = {a["id"]: a["text_hash"] for a in store.records("articles")}
            mine: dict[str, dict] = {}
            theirs: dict[str, dict] = {}
            for table, out, key in (("ratings", mine, "article"), ("source_ratings", theirs, "source")):
                for r in store.records(table):
                    if not isinstance(r.get("label"), str):
                        continue
                    if key == "article":
                        k = self._by_hash.get(hashes.get(r.get("article_id")))
                    else:
                        k = r.get("source") if isinstance(r.get("source"), str) else None
                    if k is None:
                        continue
                    old = out.get(k)
                    if old is None or (str(r.get("updated", "")), str(r.get("created", ""))) > \
                            (str(old.get("updated", "")), str(old.get("created", ""))):
                        out[k] = r
            articles.append(mine)
            sources.append(theirs)
        return articles, sources

    def _rating_items(self, per_annotator: list[dict], kind: str) -> list[Item]:
        out = []
        keys = sorted({k for rows in per_annotator for k in rows})
        for key in keys:
            versions = tuple(Version(i, self.names[i], rows.get(key), _value((rows.get(key) or {}).get("label")))
                             for i, rows in enumerate(per_annotator))
            labels = [v.value for v in versions if v.value is not None]
            agreed = SINGLE if len(labels) == 1 else AGREED if len(set(labels)) == 1 else None
            if kind == "rating":
                event_id = self._article.get(key, {}).get("event_id", "")
                item = Item(kind=kind, unit=f"rating:{key}", event_id=event_id, article_id=key, versions=versions,
                            agreed=agreed)
            else:
                event_id = self._source_event(key)
                item = Item(kind=kind, unit=f"source_rating:{_digest([key])}", event_id=event_id, article_id=None,
                            versions=versions, source=key, agreed=agreed)
            out.append(item)
        return out

    def _source_event(self, source: str) -> str:
        """A source rating is shown with the last event that has an article of it."""
        events = [a.get("event_id", "") for a in self._article.values() if a.get("source") == source]
        return max(events, key=lambda e: self._event_order.get(e, -1), default="")

    def _link_items(self, where: dict[tuple[int, str], str]) -> list[Item]:
        count = len(self.names)
        labels: dict[tuple[str, str], dict[int, dict]] = {}
        for index, person in enumerate(self._material.annotators):
            for link in person.links:
                ends = [where.get((index, link.get(k))) for k in ("a", "b")]
                if None in ends or ends[0] == ends[1] or not isinstance(link.get("label"), str):
                    continue
                pair = tuple(sorted(ends))
                labels.setdefault(pair, {})[index] = link
        out = []
        for (ca, cb), links in sorted(labels.items()):
            a, b = self._clusters[ca], self._clusters[cb]
            versions = []
            for i in range(count):
                if i in links:
                    versions.append(Version(i, self.names[i], links[i], links[i]["label"]))
                elif i in a.cluster.members and i in b.cluster.members:
                    versions.append(Version(i, self.names[i], None, NO_LINK))
                else:
                    versions.append(Version(i, self.names[i], None, None))
            values = [v.value for v in versions if v.value is not None]
            agreed = SINGLE if len(values) == 1 else AGREED if len(set(values)) == 1 else None
            first, second = (a, b) if (self._article_order.get(a.article_id, 0), ca) <= \
                (self._article_order.get(b.article_id, 0), cb) else (b, a)
            out.append(Item(kind="link", unit=f"link:{ca}:{cb}", event_id=first.event_id,
                            article_id=first.article_id, versions=tuple(versions), cluster=first.id,
                            other=second.id, other_article=second.article_id, agreed=agreed))
        return out

    # -- the state in the gold store ------------------------------------------------

    def decisions(self) -> dict[str, dict]:
        """unit -> the decision record in the gold store."""
        return {r["unit"]: r for r in self.gold.records(TABLE) if isinstance(r.get("unit"), str)}

    def _gold_claims(self, cid: str, decisions: dict[str, dict]) -> list[str] | None:
        """The gold claims of a cluster (None: its span is not decided yet);
        only those still in the gold store."""
        record = decisions.get(f"span:{cid}")
        if record is None:
            return None
        have = {c["id"] for c in self.gold.records("claims")}
        return [g for g in record.get("gold") or [] if g in have]

    def _moot(self, item: Item, decisions: dict[str, dict]) -> bool:
        """An item nothing can be decided for any more: a label of a claim whose
        span was decided as neither, both, or by an edit; a link to a claim
        that is not in gold."""
        if item.kind in ("stance", "claim_type", "checkworthiness"):
            span = decisions.get(f"span:{item.cluster}")
            return span is not None and span.get("choice") in ("neither", "both", "edit")
        if item.kind == "link":
            for cid in (item.cluster, item.other):
                span = decisions.get(f"span:{cid}")
                if span is not None and not self._gold_claims(cid, decisions):
                    return True
        return False

    def pending(self) -> list[Item]:
        """The disagreements still to decide, in order (event by event)."""
        decisions = self.decisions()
        return [i for i in self.items_all
                if i.agreed is None and i.unit not in decisions and not self._moot(i, decisions)]

    def disputed(self) -> list[Item]:
        return [i for i in self.items_all if i.agreed is None]

    def agreed_items(self) -> list[Item]:
        return [i for i in self.items_all if i.agreed is not None]

    def is_decided(self, item: Item) -> bool:
        return item.unit in self.decisions()

    def item(self, unit: str) -> Item | None:
        return self._by_unit.get(unit)

    def ready(self, item: Item) -> str | None:
        """Why ``item`` cannot be decided yet (its claim's span is not), or None."""
        if item.kind in ("stance", "claim_type", "checkworthiness", "link"):
            decisions = self.decisions()
            for cid in (item.cluster, item.other):
                if cid is not None and f"span:{cid}" not in decisions:
                    return "decide the claim's span first (its item comes before this one)"
        return None

    def cluster_members(self, cid: str | None) -> dict[int, dict]:
        """annotator index -> their claim in the cluster ``cid``."""
        found = self._clusters.get(cid) if cid else None
        return dict(found.cluster.members) if found else {}

    def article(self, article_id: str | None) -> dict | None:
        """The gold store's record of an article (its text, title, source)."""
        return self._article.get(article_id) if article_id else None

    def event_title(self, event_id: str) -> str:
        return next((e.get("title") or e["id"] for e in self.gold.events() if e["id"] == event_id), event_id)

    def gold_claim(self, item: Item) -> dict | None:
        """The gold claim of a claim item's cluster (the first, with several)."""
        ids = self._gold_claims(item.cluster, self.decisions()) if item.cluster else None
        return self.gold.claim(ids[0]) if ids else None

    # -- writing ---------------------------------------------------------------------

    def _source(self, version: Version, item: Item) -> dict:
        r = version.record or {}
        if item.kind == "rating":
            ident = f"article:{r.get('article_id')}:{r.get('annotator')}"
        elif item.kind == "source_rating":
            ident = f"source:{r.get('source')}:{r.get('annotator')}"
        else:
            ident = r.get("id")
        return {"store": version.store, "id": ident}

    def _record(self, item: Item, choice: str, gold_ids=(), sources=(), annotator: int | None = None) -> None:
        self.gold.db.table(TABLE).insert({
            "unit": item.unit, "kind": item.kind, "choice": choice,
            "annotator": self.names[annotator] if annotator is not None else None,
            "sources": list(sources), "gold": list(gold_ids), "by": self.gold.annotator, "created": now()})

    def _mark(self, table: str, query, origin: str, sources: list[dict], add: bool = False) -> None:
        def mark(doc):
            old = doc.get("sources") if add and isinstance(doc.get("sources"), list) else []
            doc["origin"] = origin
            doc["sources"] = old + [s for s in sources if s not in old]

        self.gold.db.table(table).update(mark, query)

    def _new_claim(self, item_cluster: str, claim: dict, stances: dict, fields: dict, origin: str,
                   sources: list[dict]) -> str:
        from tinydb import Query

        article_id = self._clusters[item_cluster].article_id
        record = self.gold.add_claim(article_id, claim["start"], claim["end"], stances, **fields)
        self._mark("claims", Query().id == record["id"], origin, sources)
        return record["id"]

    def _agreed_claim(self, cluster: Cluster) -> tuple[dict, dict]:
        """The stances and fields every member of the cluster gives alike."""
        members = list(cluster.members.values())
        targets = {t for c in members for t in (c.get("stances") or {})}
        stances = {}
        for t in sorted(targets):
            values = {(c.get("stances") or {}).get(t) for c in members}
            if len(values) == 1 and _value(next(iter(values))):
                stances[t] = next(iter(values))
        fields = {}
        for f in _CLAIM_EXTRA:
            values = [c.get(f) for c in members]
            if all(v == values[0] for v in values) and values[0] not in (None, ""):
                fields[f] = values[0]
        return stances, fields

    @staticmethod
    def _own_claim(claim: dict) -> tuple[dict, dict]:
        return dict(claim.get("stances") or {}), {f: claim[f] for f in _CLAIM_EXTRA if claim.get(f) not in (None, "")}

    def _accept(self, item: Item, decisions: dict[str, dict]) -> bool:
        """Write one agreed (or single) item; False when it must wait (a link
        whose claims' spans are not decided yet) or is moot."""
        present = item.present
        sources = [self._source(v, item) for v in present if v.record is not None]
        origin = item.agreed
        if item.kind == "span":
            cluster = self._clusters[item.cluster].cluster
            first = present[0].record
            if item.agreed == SINGLE:
                stances, fields = self._own_claim(first)
            else:
                stances, fields = self._agreed_claim(cluster)
                own = self._own_claim(first)[1]
                fields.update({k: own[k] for k in _UNASKED if k in own and k not in fields})
            gold_id = self._new_claim(item.cluster, first, stances, fields, origin, sources)
            self._record(item, origin, [gold_id], sources)
            decisions[item.unit] = {"unit": item.unit, "choice": origin, "gold": [gold_id]}
            return True
        if item.kind in ("rating", "source_rating"):
            self._rate(item, present[0], origin, sources)
            self._record(item, origin, sources=sources)
            decisions[item.unit] = {"unit": item.unit, "choice": origin}
            return True
        if item.kind == "link":
            if self._moot(item, decisions):
                return False
            a = self._gold_claims(item.cluster, decisions)
            b = self._gold_claims(item.other, decisions)
            if not a or not b:
                return False
            value = present[0].value
            ids = []
            if value != NO_LINK:
                ids.append(self._link(a[0], b[0], value, present[0].record, origin, sources))
            self._record(item, origin, ids, sources)
            decisions[item.unit] = {"unit": item.unit, "choice": origin}
            return True
        return False

    def _rate(self, item: Item, version: Version, origin: str, sources: list[dict], label: str | None = None,
              note: str | None = None, codes=None) -> None:
        from tinydb import Query

        r = version.record or {}
        label = label or r["label"]
        note = r.get("note", "") if note is None else note
        codes = tuple(r.get("rationale_codes") or ()) if codes is None else tuple(codes)
        who = Query().annotator == self.gold.annotator
        if item.kind == "rating":
            self.gold.rate_article(item.article_id, label, note, codes)
            self._mark("ratings", (Query().article_id == item.article_id) & who, origin, sources)
        else:
            self.gold.rate_source(item.source, label, note, codes)
            self._mark("source_ratings", (Query().source == item.source) & who, origin, sources)

    def _link(self, a: str, b: str, label: str, record: dict | None, origin: str, sources: list[dict]) -> str:
        from tinydb import Query

        link = self.gold.link_claims(a, b, label, (record or {}).get("note", ""))
        self._mark("links", Query().id == link["id"], origin, sources)
        return link["id"]

    def accept_agreed(self) -> int:
        """Accept every agreed (and single) item not in the gold store yet, as
        one action the undo key does not take back (the review would only
        accept them again). Returns how many were accepted."""
        with self.gold.storage.action("copy targets", undoable=False):
            self._copy_targets()  # its own action: the store reads its targets afresh after it
        with self.gold.storage.action("accept agreed", undoable=False):
            return self._accept_all()

    def _copy_targets(self) -> None:
        """The target propositions the annotators added or reworded, into the
        gold store (a stance toward one must be valid there); the first store's
        wording wins, and a note names any other."""
        have = {t["id"]: t for t in self.gold.targets}
        for store in self.sources:
            for t in store.targets:
                mine = have.get(t["id"])
                if mine is None:
                    record = {"id": t["id"], "event_id": t.get("event_id", ""), "text": t["text"],
                              "annotator": self.gold.annotator, "created": now(),
                              "origin": ADJUDICATED, "sources": [{"store": store.path.name, "id": t["id"]}]}
                    self.gold.db.table("targets").insert(record)
                    have[t["id"]] = record
                elif mine["text"] != t["text"]:
                    note = (f"target {visible(t['id'], 60)}: {visible(store.path.name, 60)} words it "
                            f"{visible(t['text'], 120)!r}; the gold store keeps {visible(mine['text'], 120)!r}")
                    if note not in self.notes:
                        self.notes.append(note)

    def _accept_all(self) -> int:
        decisions = self.decisions()
        done = 0
        for item in self.items_all:
            if item.agreed is not None and item.unit not in decisions:
                done += self._accept(item, decisions)
        return done

    def decide(self, item: Item, decision: Decision) -> None:
        """Apply ``decision`` to ``item`` in the gold store as one undoable
        action (with any agreed item it lets in: a link whose claims are now
        there). Raises :class:`AdjudicationError` (nothing saved) if it does
        not apply, and the store's errors unchanged."""
        if item.agreed is not None:
            raise AdjudicationError("this unit is agreed and was accepted without asking")
        decisions = self.decisions()
        if item.unit in decisions:
            raise AdjudicationError("this unit is already decided (u undoes the decision)")
        if self._moot(item, decisions):
            raise AdjudicationError("this unit was settled with its claim's span")
        why = self.ready(item)
        if why:
            raise AdjudicationError(why)
        self._check(item, decision)
        with self.gold.action(f"adjudicate {item.kind}"):
            self._apply(item, decision, decisions)
            self._accept_all()

    def _check(self, item: Item, decision: Decision) -> None:
        if isinstance(decision, Take):
            if not 0 <= decision.annotator < len(self.names):
                raise AdjudicationError(f"there is no annotator {decision.annotator + 1} "
                                        f"(annotators 1–{len(self.names)})")
        elif isinstance(decision, KeepBoth):
            if not item.can_keep_both:
                raise AdjudicationError("keeping both is for claims at different spans")
        elif isinstance(decision, EditClaim):
            if item.kind not in CLAIM_KINDS:
                raise AdjudicationError("the claim form edits claims; this is not one")
            if item.kind == "span" and item.versions[decision.base].record is None:
                raise AdjudicationError("edit starts from an annotator's claim: choose one that made it")
        elif isinstance(decision, EditRating):
            if item.kind not in ("rating", "source_rating"):
                raise AdjudicationError("the rating form edits ratings; this is not one")
        elif not isinstance(decision, Neither):
            raise AdjudicationError(f"unknown decision {decision!r}")

    def _apply(self, item: Item, decision: Decision, decisions: dict[str, dict]) -> None:
        from tinydb import Query

        versions = item.versions
        if item.kind == "span":
            cluster = self._clusters[item.cluster].cluster
            if isinstance(decision, Neither):
                self._record(item, "neither")
                return
            if isinstance(decision, KeepBoth):
                ids, sources, seen = [], [], set()
                for v in versions:
                    if v.record is None or v.span in seen:
                        continue
                    seen.add(v.span)
                    src = [self._source(w, item) for w in versions if w.span == v.span]
                    stances, fields = self._own_claim(v.record)
                    ids.append(self._new_claim(item.cluster, v.record, stances, fields, ADJUDICATED, src))
                    sources += src
                self._record(item, "both", ids, sources)
                return
            if isinstance(decision, EditClaim):
                v = versions[decision.base]
                src = [self._source(v, item)]
                fields = {k: val for k, val in decision.fields.items() if val not in (None, "")}
                gid = self._new_claim(item.cluster, v.record, dict(decision.stances), fields, ADJUDICATED, src)
                self._record(item, "edit", [gid], src, decision.base)
                return
            v = versions[decision.annotator]
            if v.record is None:  # that annotator made no claim here: no claim
                self._record(item, "take", annotator=decision.annotator)
                return
            stances, fields = self._agreed_claim(cluster)
            own_stances, own = self._own_claim(v.record)
            if len(cluster.members) == 1:
                stances, fields = own_stances, own
            else:  # what no item asks about comes with the span: speaker, attribution, confidence, note
                fields.update({k: own[k] for k in _UNASKED if k in own})
            src = [self._source(v, item)]
            gid = self._new_claim(item.cluster, v.record, stances, fields, ADJUDICATED, src)
            self._record(item, "take", [gid], src, decision.annotator)
            return
        if item.kind in ("stance", "claim_type", "checkworthiness"):
            ids = self._gold_claims(item.cluster, decisions) or []
            if not ids:
                raise AdjudicationError("the claim's span was decided as no claim: nothing to label")
            gid = ids[0]
            claim = self.gold.claim(gid)
            if isinstance(decision, EditClaim):
                self.gold.update_claim(gid, dict(decision.stances), **{
                    k: (val if val not in ("",) else None) for k, val in decision.fields.items()})
                self._mark("claims", Query().id == gid, ADJUDICATED, [], add=True)
                # the form set every field of the claim: its other open items are decided with it
                for other in self.pending():
                    if other.cluster == item.cluster and other.kind in ("stance", "claim_type", "checkworthiness"):
                        self._record(other, "edit", [gid])
                return
            if isinstance(decision, KeepBoth):
                raise AdjudicationError("keeping both is for claims at different spans")
            value, src = None, []
            if isinstance(decision, Take):
                v = versions[decision.annotator]
                value = v.value
                src = [self._source(v, item)] if v.record is not None else []
            if item.kind == "stance":
                stances = dict(claim.get("stances") or {})
                if value is None:
                    stances.pop(item.target_id, None)
                else:
                    stances[item.target_id] = value
                self.gold.update_claim(gid, stances)
            else:
                self.gold.update_claim(gid, **{item.kind: value})
            self._mark("claims", Query().id == gid, ADJUDICATED, src, add=True)
            choice = "neither" if isinstance(decision, Neither) else "take"
            self._record(item, choice, [gid], src, decision.annotator if isinstance(decision, Take) else None)
            return
        if item.kind in ("rating", "source_rating"):
            if isinstance(decision, Neither):
                self._record(item, "neither")
                return
            if isinstance(decision, EditRating):
                base = next(v for v in versions if v.record is not None)
                self._rate(item, base, ADJUDICATED, [], decision.label, decision.note, decision.codes)
                self._record(item, "edit")
                return
            if isinstance(decision, Take):
                v = versions[decision.annotator]
                if v.record is None:  # that annotator did not rate it: no rating
                    self._record(item, "take", annotator=decision.annotator)
                    return
                src = [self._source(v, item)]
                self._rate(item, v, ADJUDICATED, src)
                self._record(item, "take", sources=src, annotator=decision.annotator)
                return
            raise AdjudicationError("a rating is taken from one annotator, edited, or left out")
        if item.kind == "link":
            if not isinstance(decision, (Take, Neither)):
                raise AdjudicationError("a link is taken from one annotator, or left out")
            if isinstance(decision, Neither) or versions[decision.annotator].value in (None, NO_LINK):
                who = decision.annotator if isinstance(decision, Take) else None
                self._record(item, "neither" if who is None else "take", annotator=who)
                return
            v = versions[decision.annotator]
            a = self._pick(item.cluster, decision.annotator, decisions)
            b = self._pick(item.other, decision.annotator, decisions)
            src = [self._source(v, item)]
            lid = self._link(a, b, v.value, v.record, ADJUDICATED, src)
            self._record(item, "take", [lid], src, decision.annotator)
            return
        raise AdjudicationError(f"unknown kind {item.kind!r}")

    def _pick(self, cid: str, annotator: int, decisions: dict[str, dict]) -> str:
        """The gold claim of a cluster that came from ``annotator``'s claim, else its first."""
        ids = self._gold_claims(cid, decisions) or []
        if not ids:
            raise AdjudicationError("the linked claim is not in the gold store")
        member = self._clusters[cid].cluster.members.get(annotator)
        want = {"store": self.names[annotator], "id": member["id"]} if member else None
        for gid in ids:
            claim = self.gold.claim(gid) or {}
            if want in (claim.get("sources") or []):
                return gid
        return ids[0]

    # -- numbers ----------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """How many disagreements there are, how many are left, how many agreed."""
        disputed = self.disputed()
        pending = self.pending()
        return {"disputed": len(disputed), "left": len(pending), "decided": len(disputed) - len(pending),
                "agreed": len(self.agreed_items())}


@dataclass
class AgreementSummary:
    """Stance κ over the annotators' stores, and each store against gold."""

    before: dict = field(default_factory=dict)  # task -> LabelAgreement of the sources (stance, ...)
    against_gold: dict[str, dict] = field(default_factory=dict)  # store name -> task -> LabelAgreement
    names: list[str] = field(default_factory=list)


def agreement_summary(sources: Sequence, gold) -> AgreementSummary:
    """The agreement of the sources, and of each source with the gold store
    (what the review's statistics show). Imports the statistics packages."""
    from annotations.agreement import compute

    report = compute(gather(sources, "store"))
    summary = AgreementSummary(before=dict(report.labels), names=list(report.annotators))
    for store in sources:
        try:
            pair = compute(gather([store, gold], "store"))
        except AgreementError:
            continue
        summary.against_gold[pair.annotators[0]] = dict(pair.labels)
    return summary


def check_paths(gold_path, source_paths: Sequence) -> None:
    """Refuse a gold store that is one of the annotators' stores (before
    anything is opened for writing)."""
    import os
    from pathlib import Path

    real = os.path.realpath(Path(gold_path).expanduser())
    for given in source_paths:
        if os.path.realpath(Path(given).expanduser()) == real:
            raise AdjudicationError(f"--out {visible(gold_path, 300)} is one of the annotators' stores "
                                    f"({visible(given, 300)}); give another file for the gold store")


__all__ = [
    "ADJUDICATED", "AGREED", "AdjudicationError", "AgreementSummary", "Decision", "EditClaim", "EditRating",
    "Item", "KINDS", "KeepBoth", "Neither", "Review", "SINGLE", "TABLE", "Take", "ValidationError", "Version",
    "agreement_summary", "check_paths",
]
