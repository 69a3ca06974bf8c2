"""Entities across articles: the mentions of one entity in every article.

Mentions are grouped by a normalised form of their text and their kind
(people; places and nations; organisations; other), so "the United States"
and "United States", or "Armenia's" and "Armenia", fall together. What the
rules cannot know ("Cavusoglu" is "Mevlut Cavusoglu") the reader merges; the
merges are stored with the annotations and applied here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

_KIND = {"PERSON": "person", "GPE": "place", "LOC": "place", "NORP": "group", "ORG": "organisation",
         "FAC": "place", "EVENT": "event"}
_LEADING = re.compile(r"^(the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"[’']s$")


@dataclass(frozen=True)
class Mention:
    article_id: str
    start: int
    end: int
    text: str
    label: str


def entity_key(text: str, label: str) -> str:
    """``kind:normalised text``; mentions with the same key are one entity."""
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    folded = _POSSESSIVE.sub("", _LEADING.sub("", folded))
    folded = " ".join(re.sub(r"[^\w\s-]", " ", folded).split())
    return f"{_KIND.get(label, 'other')}:{folded}"


def group_mentions(articles: dict[str, tuple[str, list[tuple[int, int, str]]]],
                   merges: list[tuple[str, str]] = ()) -> dict[str, list[Mention]]:
    """Mentions grouped by entity, for ``{article_id: (text, entities)}``.

    ``merges``: pairs of keys the reader said are one entity (applied
    transitively); a merged group is filed under its most frequent key.
    """
    groups: dict[str, list[Mention]] = defaultdict(list)
    for article_id, (text, entities) in articles.items():
        for start, end, label in entities:
            mention = Mention(article_id, start, end, text[start:end], label)
            groups[entity_key(mention.text, label)].append(mention)
    parent = {k: k for k in groups}

    def find(k: str) -> str:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b in merges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    merged: dict[str, list[Mention]] = defaultdict(list)
    for key, mentions in groups.items():
        merged[find(key)].extend(mentions)
    result = {}
    for root, mentions in merged.items():
        members = [k for k in groups if find(k) == root]
        best = max(members, key=lambda k: (len(groups[k]), k))
        result[best] = sorted(mentions, key=lambda m: (m.article_id, m.start))
    return result


def by_frequency(groups: dict[str, list[Mention]]) -> list[tuple[str, int, int]]:
    """``(key, mentions, articles)``, most mentioned first."""
    rows = [(k, len(v), len({m.article_id for m in v})) for k, v in groups.items()]
    return sorted(rows, key=lambda r: (-r[1], r[0]))
