"""What the review screen shows of one disagreement: the article once, with
every annotator's span in that annotator's colour, and each annotator's
version side by side.

Everything from outside (article text, quotes, notes, store names, titles)
goes into :class:`rich.text.Text` literally: through
:func:`corpus.text.visible` (one-line strings) or
:func:`corpus.text.shown_body` (article text, which keeps its lines and its
offsets), never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text

from annotations.adjudication import NO_LINK, Item, Review, Version
from corpus.text import shown_body, visible

# one colour per annotator (their name, and their span in the article)
NAME_STYLES = ("bold magenta", "bold cyan", "bold yellow", "bold green", "bold red", "bold blue")
SPAN_STYLES = ("black on #d7afff", "black on #87d7ff", "black on #ffd787", "black on #afffaf",
               "black on #ffafaf", "black on #afafff")
BOTH_STYLE = "bold black on #ffffff"  # text every annotator's span covers
CONTEXT = 700  # characters of the article shown before and after the spans

KIND_NAMES = {
    "span": "Claim span", "stance": "Stance", "claim_type": "Claim type", "checkworthiness": "Check-worthiness",
    "rating": "Article reliability", "source_rating": "Source reliability", "link": "Link between claims",
}


def name_style(index: int) -> str:
    return NAME_STYLES[index % len(NAME_STYLES)]


def span_style(index: int) -> str:
    return SPAN_STYLES[index % len(SPAN_STYLES)]


def excerpt(text: str, spans: list[tuple[int, int, int]], context: int = CONTEXT) -> Text:
    """The article around ``spans`` ((start, end, annotator)), each span in its
    annotator's colour (text under two or more spans in :data:`BOTH_STYLE`);
    the whole article when it is short, else ``context`` characters either
    side, cut at line ends where it can be, with … for what is left out."""
    if spans:
        lo = min(s for s, _, _ in spans)
        hi = max(e for _, e, _ in spans)
    else:
        lo = hi = 0
    start = max(0, lo - context)
    end = min(len(text), hi + context)
    if start > 0:
        cut = text.rfind("\n", start, lo)
        start = cut + 1 if cut >= 0 else start
    if end < len(text):
        cut = text.find("\n", hi, end)
        end = cut if cut >= 0 else end
    out = Text()
    if start > 0:
        out.append("…\n", style="dim")
    body = Text(shown_body(text[start:end]))
    depth = [0] * (end - start)
    for s, e, who in spans:
        body.stylize(span_style(who), s - start, e - start)
        for i in range(max(s, start) - start, min(e, end) - start):
            depth[i] += 1
    i = 0
    while i < len(depth):
        if depth[i] > 1:
            j = i
            while j < len(depth) and depth[j] > 1:
                j += 1
            body.stylize(BOTH_STYLE, i, j)
            i = j
        else:
            i += 1
    out.append_text(body)
    if end < len(text):
        out.append("\n…", style="dim")
    return out


def _labels(claim: dict, targets: dict[str, str]) -> list[str]:
    parts = [f"{visible(targets.get(t, t), 40)}: {visible(v, 20)}" for t, v in sorted((claim.get("stances") or {}).items())]
    for field in ("claim_type", "checkworthiness", "attribution", "confidence"):
        if claim.get(field):
            parts.append(visible(claim[field], 30))
    speaker = claim.get("speaker")
    if isinstance(speaker, dict):
        parts.append("speaker " + visible(speaker.get("text") or speaker.get("kind") or "?", 40))
    return parts


def version_text(item: Item, version: Version, review: Review, highlighted: bool = False) -> Text:
    """One annotator's version of ``item``: their name in their colour, then
    what they gave."""
    out = Text()
    out.append(f"{version.annotator + 1} ", style=name_style(version.annotator))
    out.append(visible(version.store, 60), style=name_style(version.annotator))
    if highlighted:
        out.append("  ◀ e edits from here", style="dim")
    out.append("\n")
    targets = {t["id"]: t["text"] for t in review.gold.targets}
    record = version.record
    if item.kind == "span":
        if record is None:
            out.append("no claim here", style="italic")
            return out
        out.append(f"“{visible(record.get('quote', ''), 300)}”\n")
        out.append(f"{record['start']}–{record['end']}", style="dim")
        labels = _labels(record, targets)
        if labels:
            out.append(" · " + " · ".join(labels), style="dim")
        if record.get("note"):
            out.append(f"\nnote: {visible(record['note'], 200)}", style="italic")
        return out
    if item.kind in ("stance", "claim_type", "checkworthiness"):
        out.append(visible(version.value, 40) if version.value else "(not set)",
                   style="bold" if version.value else "italic")
        if record is not None:
            out.append(f"\non “{visible(record.get('quote', ''), 160)}”", style="dim")
        return out
    if item.kind in ("rating", "source_rating"):
        if record is None:
            out.append("not rated", style="italic")
            return out
        out.append(visible(record.get("label"), 30), style="bold")
        codes = record.get("rationale_codes") or []
        if codes:
            out.append("\n" + ", ".join(visible(c, 40) for c in codes), style="dim")
        if record.get("note"):
            out.append(f"\nnote: {visible(record['note'], 200)}", style="italic")
        return out
    # a link
    if version.value is None:
        out.append("has no claims in both articles", style="italic")
    elif version.value == NO_LINK:
        out.append("not linked", style="bold")
    else:
        out.append(visible(version.value, 30), style="bold")
        if record is not None and record.get("note"):
            out.append(f"\nnote: {visible(record['note'], 200)}", style="italic")
    return out


def subject(item: Item, review: Review) -> Text:
    """What is disputed, in one line: the kind, and for a stance its target."""
    out = Text(KIND_NAMES.get(item.kind, item.kind), style="bold")
    if item.kind == "stance":
        target = next((t["text"] for t in review.gold.targets if t["id"] == item.target_id), item.target_id)
        out.append(f" toward “{visible(target, 160)}”")
    elif item.kind == "source_rating":
        out.append(f" of {visible(item.source, 120)}")
    why = review.ready(item)
    if why:
        out.append(f" — {why}", style="italic yellow")
    return out


def article_spans(item: Item) -> list[tuple[int, int, int]]:
    """The spans to colour in the article: each annotator's claim."""
    return [(v.span[0], v.span[1], v.annotator) for v in item.versions if v.span]


def link_ends(item: Item, review: Review) -> list[tuple[str, list[tuple[int, int, int]]]]:
    """For a link: each of its two articles with the annotators' claims there."""
    out = []
    for cid, article_id in ((item.cluster, item.article_id), (item.other, item.other_article)):
        members = review.cluster_members(cid)
        out.append((article_id, [(c["start"], c["end"], i) for i, c in sorted(members.items())]))
    return out


__all__ = ["KIND_NAMES", "article_spans", "excerpt", "link_ends", "name_style", "span_style", "subject",
           "version_text"]
