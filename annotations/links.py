"""Claim links across articles, the groups they form, and who corroborates whom.

Plain functions over store records, used by the app and by the export:

- a *link* joins two claims of different articles with a relation
  (:data:`annotations.labels.LINKS`: ``same``, ``supports``, ...) and a note;
- claims joined by links of a group-forming relation (``same``) form a
  *group*; the group's id is the id of its oldest such link, so it stays put
  as claims join, and the reader's canonical wording and stance are stored
  under that id;
- *corroboration*: for a group, the sources that state it, contradict it or
  are silent; for a source, how many of its claims others back or contradict
  (the relations' roles, ``backs`` and ``contradicts``, say which count).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from annotations.labels import DEFAULT, LinkRelations
from corpus.similarity import describe_mismatch, number_mismatch

LINK_LABELS = DEFAULT.links.names


@dataclass
class Group:
    id: str
    claim_ids: list[str]
    canonical: str = ""
    stance: dict[str, str] = field(default_factory=dict)


def components(links: list[dict], claim_ids: set[str], relations: LinkRelations = DEFAULT.links) -> list[Group]:
    """Groups of claims joined by links of a group-forming relation (claims
    that no longer exist are left out); each named by its oldest link."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    oldest: dict[str, tuple[str, str]] = {}
    same = sorted((l for l in links if l["label"] in relations.groups and l["a"] in claim_ids and l["b"] in claim_ids),
                  key=lambda l: (l["created"], l.get("n", 0), l["id"]))
    for link in same:
        ra, rb = find(link["a"]), find(link["b"])
        if ra != rb:
            parent[rb] = ra
    for link in same:
        root = find(link["a"])
        oldest.setdefault(root, (link["created"], link["id"]))
    members: dict[str, list[str]] = defaultdict(list)
    for claim_id in parent:
        members[find(claim_id)].append(claim_id)
    return sorted((Group(oldest[root][1], sorted(ids)) for root, ids in members.items() if root in oldest),
                  key=lambda g: g.id)


def group_of(groups: list[Group], claim_id: str) -> Group | None:
    for group in groups:
        if claim_id in group.claim_ids:
            return group
    return None


def majority_stance(claims: list[dict]) -> dict[str, str]:
    """Per target, the stance most of the claims take (ties: the first in order)."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for claim in claims:
        for target, stance in (claim.get("stances") or {}).items():
            votes[target][stance] += 1
    return {t: c.most_common(1)[0][0] for t, c in sorted(votes.items())}


def build_groups(links: list[dict], claims: dict[str, dict], records: dict[str, dict],
                 relations: LinkRelations = DEFAULT.links) -> list[Group]:
    """Groups with their canonical wording and stance: the reader's (from
    ``records`` by group id) or, when not given, the shortest member's text
    and the members' majority stance."""
    groups = components(links, set(claims), relations)
    for group in groups:
        record = records.get(group.id) or {}
        members = [claims[c] for c in group.claim_ids]
        group.canonical = record.get("canonical") or min((c["quote"] for c in members), key=lambda q: (len(q), q))
        group.stance = dict(record.get("stance") or majority_stance(members))
    return groups


@dataclass
class Corroboration:
    """Who states, contradicts or is silent on each group, and each source's record."""

    states: dict[str, list[str]]        # group id → sources stating it
    contradicts: dict[str, list[str]]   # group id → sources contradicting it
    silent: dict[str, list[str]]        # group id → sources of the event saying neither
    by_source: dict[str, Counter]       # source → {"claims", "corroborated", "contradicted"}


def corroboration(groups: list[Group], links: list[dict], claims: dict[str, dict],
                  source_of: dict[str, str], event_sources: list[str],
                  relations: LinkRelations = DEFAULT.links) -> Corroboration:
    """``source_of`` maps an article id to its source; ``event_sources`` are
    the sources of the event's articles (for "silent"). A group's members
    back each other; a link of a ``contradicts`` relation opposes its two
    claims (and their groups), one of a backing relation that forms no
    groups backs its two claims."""
    pairwise = relations.backing_pairwise()
    def source(claim_id: str) -> str:
        return source_of.get(claims[claim_id]["article_id"], "")

    group_by_claim = {c: g.id for g in groups for c in g.claim_ids}
    states: dict[str, set] = {g.id: {source(c) for c in g.claim_ids} for g in groups}
    against: dict[str, set] = {g.id: set() for g in groups}
    backed: dict[str, set] = defaultdict(set)     # claim id → sources backing it
    opposed: dict[str, set] = defaultdict(set)    # claim id → sources contradicting it
    for group in groups:
        for claim_id in group.claim_ids:
            backed[claim_id] |= states[group.id] - {source(claim_id)}
    for link in links:
        a, b = link["a"], link["b"]
        if a not in claims or b not in claims:
            continue
        if link["label"] in relations.contradicts:
            for x, y in ((a, b), (b, a)):
                opposed[x].add(source(y))
                if x in group_by_claim:
                    against[group_by_claim[x]].add(source(y))
        elif link["label"] in pairwise:
            backed[a].add(source(b))
            backed[b].add(source(a))
    by_source: dict[str, Counter] = defaultdict(Counter)
    for claim_id in claims:
        src = source(claim_id)
        by_source[src]["claims"] += 1
        if backed[claim_id] - {src}:
            by_source[src]["corroborated"] += 1
        if opposed[claim_id] - {src}:
            by_source[src]["contradicted"] += 1
    silent = {g: sorted(set(event_sources) - states[g] - against[g]) for g in states}
    return Corroboration(
        states={g: sorted(s) for g, s in states.items()},
        contradicts={g: sorted(s - states[g]) for g, s in against.items()},
        silent=silent,
        by_source=dict(by_source),
    )


# -- export rows ------------------------------------------------------------------

def link_rows(data, warnings: list[str]):
    """``(doc_id, row)`` for claim_pairs.jsonl, from a :class:`annotations.dataset.Dataset`."""
    claims = {c["id"]: c for c in data.claims}
    for link in data.links:
        a, b = claims.get(link["a"]), claims.get(link["b"])
        if a is None or b is None:
            warnings.append(f"claim link {link['id']}: one of its claims was deleted; not exported")
            continue
        mismatch = number_mismatch(a["quote"], b["quote"])
        yield a["article_id"], {
            "id": link["id"], "claim_id_a": a["id"], "claim_id_b": b["id"],
            "doc_id_a": a["article_id"], "doc_id_b": b["article_id"],
            "sentence1": a["quote"], "sentence2": b["quote"], "label": link["label"],
            "note": link.get("note", ""),
            "numbers": describe_mismatch(mismatch) if mismatch else "",
            "numbers_differ": mismatch is not None, "annotator_id": link.get("annotator", ""),
            "created": link["created"],
        }


def group_rows(data):
    """``(doc_id, row)`` for claim_groups.jsonl (doc_id of the group's first member)."""
    claims = {c["id"]: c for c in data.claims}
    records = {g["id"]: g for g in data.groups}
    relations = getattr(getattr(data, "scheme", None), "links", DEFAULT.links)
    groups = build_groups(data.links, claims, records, relations)
    source_of = {a: r.get("source", "") for a, r in data.articles.items()}
    for group in groups:
        event_id = data.event_of(claims[group.claim_ids[0]]["article_id"])
        event_sources = sorted({r.get("source", "") for r in data.articles.values() if r.get("event_id") == event_id})
        corr = corroboration([group], data.links, claims, source_of, event_sources, relations)
        members = sorted((claims[c] for c in group.claim_ids), key=lambda c: (c["article_id"], c["start"]))
        yield members[0]["article_id"], {
            "group_id": group.id, "event_id": event_id, "canonical": group.canonical,
            "members": [{"doc_id": c["article_id"], "claim_id": c["id"], "start": c["start"], "end": c["end"],
                         "text": c["quote"], "source": source_of.get(c["article_id"], "")} for c in members],
            "stance": group.stance,
            "sources": {"states": corr.states[group.id], "contradicts": corr.contradicts[group.id],
                        "silent": corr.silent[group.id]},
        }


__all__ = [
    "Corroboration", "Group", "LINK_LABELS", "build_groups", "components", "corroboration", "group_of",
    "group_rows", "link_rows", "majority_stance",
]
