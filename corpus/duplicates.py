"""Near-duplicate articles: the same story re-published with small edits.

Each text becomes a set of word 5-gram shingles, and two articles are near
duplicates when the Jaccard similarity of their whole shingle sets is at
least :data:`THRESHOLD`. An article's original is the earliest original among
the articles before it that it is a near duplicate of (each standing for its
own original): copies of one story, even copies of copies, make one cluster
under the first of them. Exact duplicates never get here: they have the same
id and are folded together on import.

The search is exact (it finds what comparing every pair would find) without
comparing every pair: prefix filtering, as in set-similarity joins. The
shingles are ordered rarest first across the corpus; two sets with Jaccard at
least t must share one of the first ``|x| - floor(t|x|) + 1`` shingles of each
(their prefixes), so only articles sharing a prefix shingle are candidates.
Rarest first puts boilerplate last: a footer or byline every file carries is
in no prefix (unless it is nearly all of the text), and different stories
under the same footer are not compared.
Shingles no other text has come first of all and can match nothing: a text
whose prefix is all its own is near no other and is not even indexed.
Copies of one story do share their prefixes: they are indexed by cluster, and
a new article is compared with the cluster's original first, so n copies cost
n comparisons, not n²; the cluster's other members are tried (with the
length and position bounds on the overlap) only when the original fails.
"""

from __future__ import annotations

import math
import re
from collections import Counter

SHINGLE = 5
THRESHOLD = 0.8


# an ASCII text's words, as \w+ finds them: every other ASCII character becomes a
# space and str.split cuts there (a third faster than the regex on news text)
_ASCII_NON_WORD = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    """The words of ``text``, casefolded: the runs of ``\\w``."""
    if text.isascii():
        return text.lower().translate(_ASCII_NON_WORD).split()
    return _WORD.findall(text.casefold())


def shingles(text: str) -> set[int]:
    """The text's word 5-grams (casefolded), each as a hash; a text of fewer
    words is one shingle. The hashes are Python's, so they hold within one
    process only: nothing stores them."""
    words = _words(text)
    if len(words) < SHINGLE:
        return {hash(tuple(words))} if words else set()
    return set(map(hash, zip(*(words[i:] for i in range(SHINGLE)))))


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _similar(a: set[int], b: set[int], threshold: float) -> bool:
    """``jaccard(a, b) >= threshold``, computed the same way, with the cheap
    length bound first (the overlap is at most the smaller set)."""
    small, big = (len(a), len(b)) if len(a) <= len(b) else (len(b), len(a))
    if not small or small / big < threshold:
        return False
    common = len(a & b)
    return common / (len(a) + len(b) - common) >= threshold


def prefix_length(size: int, threshold: float) -> int:
    """How many of a set's first shingles (rarest first) a near duplicate must
    share one of: ``size - ceil(t * size) + 1``, taken with floor (one longer
    when ``t * size`` is not a whole number, so float rounding never makes it short)."""
    return max(0, min(size, size - math.floor(threshold * size) + 1))


def near_duplicates(items: list[tuple[str, str]], threshold: float = THRESHOLD) -> dict[str, str]:
    """For ``(id, text)`` pairs in order, map each near-duplicate id to the id of
    the earliest original it duplicates (see the module's docstring)."""
    if not threshold > 0:
        raise ValueError(f"the near-duplicate threshold must be above 0, not {threshold!r}")
    ids: list[str] = []
    sets: list[set[int]] = []
    known: set[str] = set()
    for doc_id, text in items:
        if doc_id not in known:  # an id twice is one text twice: the first stands
            known.add(doc_id)
            ids.append(doc_id)
            sets.append(shingles(text))
    # the shingles more than one text has (set operations, in C), and how many texts have each
    seen: set[int] = set()
    common: set[int] = set()
    for x in sets:
        common |= x & seen
        seen |= x
    del seen
    df: Counter[int] = Counter()
    for x in sets:
        df.update(x & common)
    # shingle -> [the best reach of its entries, {original -> [the best reach, [(member,
    # the shingle's position in the member's order, its reach), ...]]}] for the members
    # of each cluster whose prefix holds the shingle. An entry's reach, |y| - (1 + t) k,
    # bounds what it can match: a text x that meets it first at this shingle shares at
    # most |y| - k shingles with it, which is a Jaccard of t or more only if the reach is
    # at least t |x|. A footer shingle in the prefixes of short texts that are mostly
    # footer has a short reach: a long postings list skipped as a whole.
    index: dict[int, list] = {}
    result: dict[str, str] = {}
    for j, x in enumerate(sets):
        if not x:
            continue
        # the order is rarest first, then by hash: shingles no other text has come
        # first, and no text can share them; only the shared part of the prefix matters
        shared = sorted(x & common)
        unique = len(x) - len(shared)
        length = prefix_length(len(x), threshold)
        if unique >= length:
            continue  # its prefix is all its own: no text, before or after, is near it
        shared.sort(key=df.__getitem__)  # stable: by (df, hash)
        prefix = shared[:length - unique]
        need = threshold * len(x) - _SLACK
        roots: set[int] = set()
        for h in prefix:
            postings = index.get(h)
            if postings and postings[0] >= need:
                roots.update(r for r, (reach, _) in postings[1].items() if reach >= need)
        original = next((r for r in sorted(roots) if _in_cluster(j, unique, r, prefix, sets, index, threshold)), None)
        if original is None:
            original = j
        else:
            result[ids[j]] = ids[original]
        for k, h in enumerate(prefix, unique):
            reach = len(x) - (1 + threshold) * k
            postings = index.setdefault(h, [reach, {}])
            postings[0] = max(postings[0], reach)
            cluster = postings[1].setdefault(original, [reach, []])
            cluster[0] = max(cluster[0], reach)
            cluster[1].append((j, k))
    return result


_SLACK = 1e-6  # float rounding in the reach: never skip what exact arithmetic keeps


def _in_cluster(j: int, start: int, root: int, prefix: list[int], sets: list[set[int]],
                index: dict[int, list], threshold: float) -> bool:
    """Whether article ``j`` is a near duplicate of any article of the cluster of
    ``root``: its members that share a prefix shingle with ``j``, in the order
    of ``j``'s prefix (the original is the first member under each shingle it
    holds), each once, skipping those whose overlap with ``j`` cannot reach the
    threshold by the positions of the first shingle they share (nothing before
    it is shared, so at most what follows it in both)."""
    x = sets[j]
    seen: set[int] = set()
    for i, h in enumerate(prefix, start):  # (the prefix's shared part starts at position start)
        postings = index.get(h)
        cluster = postings[1].get(root) if postings else None
        if cluster is None:
            continue
        for member, k in cluster[1]:
            if member in seen:
                continue
            seen.add(member)  # met first here: h is the rarest shingle the two share
            y = sets[member]
            bound = 1 + min(len(x) - i - 1, len(y) - k - 1)
            if bound / (len(x) + len(y) - bound) >= threshold and _similar(x, y, threshold):
                return True
    return False
