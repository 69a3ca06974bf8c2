"""What the reader's links say across an event, as rows to show: link
candidates for a claim, claim groups with the sources that state, contradict
or are silent on them, and sources with how many of their claims others back.

Plain data in, plain dataclasses out (no store, no Textual): :class:`annotations.desk.Desk`
gathers the inputs and the app shows the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Candidate:
    """Something a claim can be linked to: a claim (``claim_id``) or a bare
    sentence of another article."""

    article_id: str
    start: int
    end: int
    text: str
    title: str
    source: str
    claim_id: str | None = None
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    mismatch: bool = False
    link_id: str | None = None     # when already linked
    link_label: str | None = None


@dataclass
class GroupRow:
    """A claim group (claims linked as ``same``) and who says what of it."""

    group_id: str
    canonical: str
    stance: str
    states: list[str]
    contradicts: list[str]
    silent: list[str]
    mismatch: str
    first: tuple[str, int, int]  # where its first member is


@dataclass
class SourceRow:
    """A source: its claims, how many others corroborate or contradict, its rating."""

    source: str
    claims: int
    corroborated: int
    contradicted: int
    rating: str


@dataclass
class Corroboration:
    """The rows of the corroboration view, and the claims in no group."""

    groups: list[GroupRow]
    sources: list[SourceRow]
    unlinked: int


def group_rows(groups, claims: dict[str, dict], corr, target_ids: list[str], position) -> list[GroupRow]:
    """One row per claim group, in reading order (``position`` orders article ids)."""
    from corpus.similarity import describe_mismatch, number_mismatch

    rows = []
    for group in groups:
        members = [claims[c] for c in group.claim_ids]
        flags = {describe_mismatch(m) for a in members for b in members if a["id"] < b["id"]
                 for m in [number_mismatch(a["quote"], b["quote"])] if m}
        first = min(members, key=lambda c: (position(c["article_id"]), c["start"]))
        rows.append(GroupRow(
            group.id, group.canonical, ", ".join(group.stance.get(t, "—") for t in target_ids),
            corr.states[group.id], corr.contradicts[group.id], corr.silent[group.id],
            "⚠ " + "; ".join(sorted(flags)) if flags else "", (first["article_id"], first["start"], first["end"])))
    rows.sort(key=lambda r: (position(r.first[0]), r.first[1]))
    return rows


def source_rows(corr, ratings: dict[str, str]) -> list[SourceRow]:
    """One row per source, by name; ``ratings`` maps a source to its rating label."""
    return [SourceRow(src, counts.get("claims", 0), counts.get("corroborated", 0),
                      counts.get("contradicted", 0), ratings.get(src, ""))
            for src, counts in sorted(corr.by_source.items())]


def source_signal(counts: dict) -> str:
    """What other sources say of one source's claims (for the rating form), or ""."""
    if not (counts.get("corroborated") or counts.get("contradicted")):
        return ""
    return (f"Across this event, {counts.get('corroborated', 0)} of its {counts.get('claims', 0)} claim(s) are "
            f"corroborated and {counts.get('contradicted', 0)} contradicted by other sources (from your links).")


__all__ = ["Candidate", "Corroboration", "GroupRow", "SourceRow", "group_rows", "source_rows", "source_signal"]
