"""Near-duplicate articles: the same story re-published with small edits.

Each text becomes a set of word 5-gram shingles. Candidates are found cheaply
with bottom-k sketches (the k smallest shingle hashes, in an inverted index),
then confirmed with the exact Jaccard similarity of the shingle sets. Exact
duplicates never get here: they have the same id and are folded together on
import.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict

SHINGLE = 5
SKETCH = 16
THRESHOLD = 0.8


def shingles(text: str) -> set[int]:
    words = re.findall(r"\w+", text.casefold())
    if len(words) < SHINGLE:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {zlib.crc32(" ".join(words[i:i + SHINGLE]).encode()) for i in range(len(words) - SHINGLE + 1)}


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def near_duplicates(items: list[tuple[str, str]], threshold: float = THRESHOLD) -> dict[str, str]:
    """For ``(id, text)`` pairs in order, map each near-duplicate id to the id of
    the earliest article it duplicates."""
    sets = {i: shingles(t) for i, t in items}
    order = {doc_id: n for n, (doc_id, _) in enumerate(items)}
    index: dict[int, list[str]] = defaultdict(list)
    result: dict[str, str] = {}
    for doc_id, _ in items:
        sketch = sorted(sets[doc_id])[:SKETCH]
        candidates = {other for h in sketch for other in index[h]}
        # the earliest original wins: try candidates by their original's order,
        # and stop at the first match (articles that all share one original,
        # boilerplate-heavy sites, cost one comparison each, not one per pair)
        best = None
        for other in sorted(candidates, key=lambda o: (order[result.get(o, o)], order[o])):
            if jaccard(sets[doc_id], sets[other]) >= threshold:
                best = result.get(other, other)
                break
        if best is not None:
            result[doc_id] = best
        # a duplicate is indexed only under the hashes its original does not
        # already hold: copies of one story do not pile up as candidates
        held = set(sorted(sets[best])[:SKETCH]) if best is not None else set()
        for h in sketch:
            if h not in held:
                index[h].append(doc_id)
    return result

