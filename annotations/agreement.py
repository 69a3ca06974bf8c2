"""Inter-annotator agreement between stores (or between the annotators named
in them): ``factdesk agreement``.

Each store is one annotator (``by="store"``), or each annotator name found in
the stores' records is (``by="annotator"``). Per task, only the units two or
more annotators labelled count:

- ``claims``: per article both annotators annotated (a claim or a rating of
  it), pairwise span F1, exact and by token overlap, and sentence-level
  Cohen's κ (does any claim touch the sentence?);
- ``stance``: (claim, target) pairs, the claim matched across annotators;
- ``claim_type``, ``checkworthiness``: matched claims;
- ``reliability``, ``source_reliability``: articles and sources rated;
- ``links``: pairs of matched claims that someone linked.

**Matching claims.** Ids differ between stores, so claims are matched by
article (its text hash) and offsets: first claims at exactly the same span,
then, among the rest, the pairs whose *token overlap* is highest, greedily,
if it is at least 0.5. The token overlap of two spans is the Jaccard index
of the tokens they touch (a token is a run of word characters or one other
non-space character, ``\\w+|[^\\w\\s]``). With three or more annotators each
annotator's claims are matched, in order, against the clusters made so far
(a cluster is represented by its first claim); a cluster holds at most one
claim of each annotator.

**Sentences** come from the analysis cache when the article was analysed
(:func:`cached_sentences`), else from :func:`simple_sentences`: a cut after
``.``, ``!``, ``?`` or ``…`` (and any closing quotes or brackets) followed by
white space, and at every line break.

The statistics are the well-kept implementations, imported only when
computed: scikit-learn's ``cohen_kappa_score``, statsmodels' ``fleiss_kappa``
and the ``krippendorff`` package; Gwet's AC1 is :func:`gwet_ac1` (tested
against Gwet's published examples). A metric that does not apply, or is
undefined (no units; κ when every label is the same), is ``None``.

No Textual, no printing: :func:`compute` returns a :class:`Report`, whose
:meth:`Report.to_json` is what ``--json`` prints.
"""

from __future__ import annotations

import bisect
import math
import os
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from annotations.labels import DEFAULT, LabelScheme, LabelSet
from corpus.text import visible

BY = ("store", "annotator")
MIN_OVERLAP = 0.5
NO_LINK = "none"
JSON_NAME = "agreement.json"
MD_NAME = "agreement.md"
_TOKEN = re.compile(r"\w+|[^\w\s]")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")


class AgreementError(Exception):
    """The agreement cannot be computed; the message says what to do."""


# -- the records of each annotator ----------------------------------------------

@dataclass
class Annotator:
    """What one annotator labelled: claims keyed by article text hash."""

    name: str
    claims: dict[str, list[dict]] = field(default_factory=dict)  # text hash -> claims (by start, end)
    ratings: dict[str, str] = field(default_factory=dict)  # text hash -> reliability label
    source_ratings: dict[str, str] = field(default_factory=dict)  # source -> label
    links: list[dict] = field(default_factory=list)
    read: set[str] = field(default_factory=set)  # articles annotated: a claim or a rating

    def claim_count(self) -> int:
        return sum(len(c) for c in self.claims.values())


@dataclass
class Material:
    """Every annotator's records and the articles' texts, by text hash."""

    annotators: list[Annotator]
    texts: dict[str, str]
    by: str = "store"
    notes: list[str] = field(default_factory=list)


def _newest(records: Iterable[dict]) -> dict:
    return max(records, key=lambda r: (str(r.get("updated", "")), str(r.get("created", ""))))


def _store_name(store, stores) -> str:
    name = store.path.name
    if sum(1 for s in stores if s.path.name == name) > 1:
        return str(store.path)
    return name


def gather(stores: Sequence, by: str = "store") -> Material:
    """Read the stores (opened read-only is enough) into one annotator each,
    or, with ``by="annotator"``, one per annotator name of their records (the
    same claim or rating in two stores counts once: the one updated last).
    Raises :class:`AgreementError` for two stores of different corpora or
    fewer than two annotators."""
    if by not in BY:
        raise AgreementError(f"--by {visible(by, 40)!r}: give store or annotator")
    check_corpora(stores)
    texts: dict[str, str] = {}
    notes: list[str] = []
    # (store index, owner) -> records
    claims: dict[str, dict[str, dict]] = defaultdict(dict)
    ratings: dict[str, dict[tuple, list[dict]]] = defaultdict(lambda: defaultdict(list))
    links: dict[str, dict[str, dict]] = defaultdict(dict)
    order: list[str] = []
    for store in stores:
        owner_store = _store_name(store, stores)
        if by == "store":
            order.append(owner_store)
        hashes = {}
        for article in store.records("articles"):
            hashes[article["id"]] = article["text_hash"]
            texts.setdefault(article["text_hash"], article.get("text", ""))
        people = set()
        review = 0
        for claim in store.records("claims"):
            if claim.get("status", "ok") != "ok":
                review += 1
                continue
            key = hashes.get(claim["article_id"]) or claim.get("text_hash")
            if key is None or key not in texts:
                continue
            owner = owner_store if by == "store" else str(claim.get("annotator", "?"))
            people.add(str(claim.get("annotator", "?")))
            record = {**claim, "_article": key}
            old = claims[owner].get(claim["id"])
            claims[owner][claim["id"]] = record if old is None else _newest([old, record])
        if review:
            notes.append(f"{store.path.name}: {review} claim(s) need review after their article changed and are "
                         "left out; open the store in factdesk and press V to place or drop them")
        for table, kind in (("ratings", "article"), ("source_ratings", "source")):
            for rating in store.records(table):
                people.add(str(rating.get("annotator", "?")))
                owner = owner_store if by == "store" else str(rating.get("annotator", "?"))
                if kind == "article":
                    key = hashes.get(rating.get("article_id"))
                    if key is None:
                        continue
                else:
                    key = str(rating.get("source", ""))
                ratings[owner][(kind, key)].append(rating)
        for link in store.records("links"):
            owner = owner_store if by == "store" else str(link.get("annotator", "?"))
            people.add(str(link.get("annotator", "?")))
            old = links[owner].get(link["id"])
            links[owner][link["id"]] = link if old is None else _newest([old, link])
        if by == "store" and len(people) > 1:
            notes.append(f"{store.path.name} holds the records of {len(people)} annotators "
                         f"({', '.join(sorted(visible(p, 40) for p in people))}); they count as one here "
                         "(--by annotator tells them apart)")
    if by == "annotator":
        order = sorted(set(claims) | set(ratings) | set(links))
    annotators = []
    for name in order:
        person = Annotator(name)
        for record in sorted(claims.get(name, {}).values(), key=lambda c: (c["start"], c["end"], c["id"])):
            person.claims.setdefault(record["_article"], []).append(record)
        for (kind, key), rows in ratings.get(name, {}).items():
            label = _newest(rows).get("label")
            if not isinstance(label, str):
                continue
            (person.ratings if kind == "article" else person.source_ratings)[key] = label
        person.links = sorted(links.get(name, {}).values(), key=lambda r: (str(r.get("created", "")), r["id"]))
        person.read = set(person.claims) | set(person.ratings)
        annotators.append(person)
    if len(annotators) < 2:
        if by == "annotator":
            who = f" ({visible(annotators[0].name, 60)})" if annotators else ""
            raise AgreementError(f"the stores hold the records of {len(annotators)} annotator(s){who}; agreement "
                                 "needs two or more: give the other annotators' stores with --db")
        raise AgreementError("agreement needs two or more stores, one per annotator: give each with --db "
                             "(e.g. --db alice.json --db bob.json), or --by annotator for one store several "
                             "annotators wrote in")
    return Material(annotators, texts, by, notes)


def check_corpora(stores: Sequence) -> None:
    """Refuse stores of different corpora: bound to corpora with other texts
    in other places, or, unbound (made by ``factdesk import``), sharing no
    article."""
    bound = [(s, s.bound_corpus()) for s in stores]
    first = next(((s, b) for s, b in bound if b), None)
    if first is not None:
        store0, b0 = first
        for store, b in bound:
            if b and b.get("fingerprint") != b0.get("fingerprint") and b.get("path") != b0.get("path"):
                raise AgreementError(
                    f"{visible(store0.path.name, 80)} belongs to corpus {visible(b0.get('name'), 80)!r} and "
                    f"{visible(store.path.name, 80)} to corpus {visible(b.get('name'), 80)!r}: agreement compares "
                    "stores of one corpus; give stores annotated on the same articles")
    articles = [{a["text_hash"] for a in s.records("articles")} for s in stores]
    for (i, a), (j, b) in combinations(enumerate(articles), 2):
        if a and b and not a & b:
            raise AgreementError(
                f"{visible(stores[i].path.name, 80)} and {visible(stores[j].path.name, 80)} share no article: "
                "they are stores of different corpora; give stores annotated on the same articles")


# -- sentences ------------------------------------------------------------------

Sentences = Callable[[str, str], "tuple[Sequence[tuple[int, int]], str]"]


def simple_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Sentences without a model: a cut after ``.``/``!``/``?``/``…`` (and any
    closing quotes or brackets) followed by white space, and at every line
    break; each trimmed of white space (as the analysis trims its sentences)."""
    from corpus.analysis import split_sentences

    cuts, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        cuts.append((start, match.end()))
        start = match.end()
    cuts.append((start, len(text)))
    return split_sentences(text, cuts)


def cached_sentences(roots: Iterable[Path | str | None] = (None,), model: str | None = None) -> Sentences:
    """A sentence source: the article's sentences from the analysis cache
    (under each of ``roots``; ``None`` is the default cache) for the pipeline
    ``model`` would choose, else :func:`simple_sentences`. Never loads spaCy."""
    from corpus.analysis import AnalysisCache
    from corpus.nlp import resolve_model, rules_choice

    caches = [AnalysisCache(root) for root in roots]
    choices = [resolve_model(model), rules_choice(warning=None)]

    def sentences(text_hash: str, text: str):
        for cache in caches:
            for choice in choices:
                hit = cache.get(text_hash, choice)
                if hit is not None:
                    return hit.sents, "analysis cache"
        return simple_sentences(text), "simple split"

    return sentences


def _simple(text_hash: str, text: str):
    return simple_sentences(text), "simple split"


# -- matching claims --------------------------------------------------------------

class Tokens:
    """The tokens of one text, for the token overlap of two spans."""

    def __init__(self, text: str) -> None:
        spans = [m.span() for m in _TOKEN.finditer(text)]
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def range(self, start: int, end: int) -> tuple[int, int]:
        """Indices [first, last) of the tokens overlapping [start, end)."""
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_left(self.starts, end)
        return first, max(first, last)

    def overlap(self, a: tuple[int, int], b: tuple[int, int]) -> float:
        """The Jaccard index of the tokens the two spans touch (0 to 1)."""
        a0, a1 = self.range(*a)
        b0, b1 = self.range(*b)
        inter = max(0, min(a1, b1) - max(a0, b0))
        union = (a1 - a0) + (b1 - b0) - inter
        return inter / union if union else float(a == b)


def match_spans(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]], tokens: Tokens,
                min_overlap: float = MIN_OVERLAP) -> list[tuple[int, int, bool]]:
    """One-to-one matches ``(index in a, index in b, exact)``: equal spans
    first, then the remaining pairs by highest token overlap (at least
    ``min_overlap``), greedily. Symmetric: swapping ``a`` and ``b`` swaps the
    indices of the same matches."""
    out: list[tuple[int, int, bool]] = []
    free_a, free_b = set(range(len(a))), set(range(len(b)))
    by_span: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, span in enumerate(b):
        by_span[tuple(span)].append(j)
    for i, span in enumerate(a):
        same = by_span.get(tuple(span))
        if same:
            j = same.pop(0)
            out.append((i, j, True))
            free_a.discard(i)
            free_b.discard(j)
    candidates = []
    for i in free_a:
        for j in free_b:
            score = tokens.overlap(a[i], b[j])
            if score >= min_overlap:
                lo, hi = sorted((tuple(a[i]), tuple(b[j])))
                candidates.append((-score, lo, hi, i, j))
    for _, _, _, i, j in sorted(candidates):
        if i in free_a and j in free_b:
            out.append((i, j, False))
            free_a.discard(i)
            free_b.discard(j)
    return sorted(out)


@dataclass
class Cluster:
    """Claims of different annotators matched to one another in one article."""

    article: str
    members: dict[int, dict]  # annotator index -> claim


def cluster_claims(material: Material) -> list[Cluster]:
    """Every claim in a cluster: per article, each annotator's claims matched
    in turn against the clusters so far (represented by their first claim)."""
    clusters: list[Cluster] = []
    articles = sorted({key for person in material.annotators for key in person.claims})
    for key in articles:
        tokens = Tokens(material.texts.get(key, ""))
        here: list[Cluster] = []
        for index, person in enumerate(material.annotators):
            claims = person.claims.get(key, [])
            if not claims:
                continue
            reps = [(next(iter(c.members.values()))["start"], next(iter(c.members.values()))["end"]) for c in here]
            spans = [(c["start"], c["end"]) for c in claims]
            matched = set()
            for r, i, _ in match_spans(reps, spans, tokens):
                here[r].members[index] = claims[i]
                matched.add(i)
            for i, claim in enumerate(claims):
                if i not in matched:
                    here.append(Cluster(key, {index: claim}))
        clusters.extend(here)
    return clusters


# -- the statistics ---------------------------------------------------------------

def _number(value) -> float | None:
    """A float, or None for NaN, infinity or nothing."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def cohen_kappa(a: Sequence, b: Sequence, labels: Sequence | None = None) -> float | None:
    """Cohen's κ of two annotators' labels of the same units (scikit-learn)."""
    if not a or len(a) != len(b):
        return None
    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _number(cohen_kappa_score(list(a), list(b), labels=list(labels) if labels else None))


def fleiss(rows: Sequence[Sequence], labels: Sequence) -> float | None:
    """Fleiss' κ (statsmodels) over units labelled by every annotator: each
    row holds one label per annotator, none missing."""
    if not rows:
        return None
    import numpy as np
    from statsmodels.stats.inter_rater import fleiss_kappa

    index = {label: k for k, label in enumerate(labels)}
    table = np.zeros((len(rows), len(labels)), dtype=int)
    for i, row in enumerate(rows):
        for value in row:
            table[i, index[value]] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _number(fleiss_kappa(table, method="fleiss"))


def krippendorff_alpha(rows: Sequence[Sequence], labels: Sequence, level: str = "nominal") -> float | None:
    """Krippendorff's α (the ``krippendorff`` package): ``rows`` are units,
    one value per annotator, None where missing; ``labels`` in order (for
    ``level="ordinal"``, low to high or high to low)."""
    pairable = [row for row in rows if sum(v is not None for v in row) >= 2]
    if not pairable or len(labels) < 2:
        return None
    import krippendorff
    import numpy as np

    index = {label: k for k, label in enumerate(labels)}
    data = np.array([[np.nan if v is None else index[v] for v in row] for row in pairable], dtype=float).T
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _number(krippendorff.alpha(reliability_data=data, value_domain=list(range(len(labels))),
                                              level_of_measurement=level))
        except (ValueError, ZeroDivisionError):
            return None


def gwet_ac1(rows: Sequence[Sequence], categories: Sequence) -> float | None:
    """Gwet's AC1 for any number of annotators, missing values allowed.

    ``rows`` are units, one value per annotator (None where missing);
    ``categories`` is the whole label set (Q labels, used or not). With
    r_i the labels of unit i, r_ik those equal to k, n the units labelled at
    least once and n' those labelled at least twice (Gwet 2008, Br. J. Math.
    Stat. Psychol. 61:29-48; Gwet 2014, Handbook of Inter-Rater Reliability,
    4th ed., ch. 4):

        p_a  = 1/n' · Σ_{i: r_i ≥ 2} Σ_k r_ik (r_ik − 1) / (r_i (r_i − 1))
        π_k  = 1/n · Σ_{i: r_i ≥ 1} r_ik / r_i
        p_e  = 1/(Q − 1) · Σ_k π_k (1 − π_k)
        AC1  = (p_a − p_e) / (1 − p_e)

    Checked in the tests against Gwet's worked examples (the Handbook's
    12 units × 4 raters table with missing ratings: p_a = 0.818, p_e = 0.190,
    AC1 = 0.775; its 3×3 two-abstractor table: AC1 = 0.849)."""
    q = len(categories)
    counts = [Counter(v for v in row if v is not None) for row in rows]
    rated = [c for c in counts if sum(c.values()) >= 1]
    paired = [c for c in rated if sum(c.values()) >= 2]
    if q < 2 or not paired:
        return None
    pa = sum(sum(n * (n - 1) for n in c.values()) / (sum(c.values()) * (sum(c.values()) - 1)) for c in paired)
    pa /= len(paired)
    pi = {k: sum(c[k] / sum(c.values()) for c in rated) / len(rated) for k in categories}
    pe = sum(p * (1 - p) for p in pi.values()) / (q - 1)
    return _number((pa - pe) / (1 - pe))


def percent_agreement(rows: Sequence[Sequence]) -> float | None:
    """The share of agreeing annotator pairs per unit, averaged over the
    units labelled at least twice (for two annotators: the share of units
    both gave the same label)."""
    shares = []
    for row in rows:
        c = Counter(v for v in row if v is not None)
        r = sum(c.values())
        if r >= 2:
            shares.append(sum(n * (n - 1) for n in c.values()) / (r * (r - 1)))
    return sum(shares) / len(shares) if shares else None


# -- results -----------------------------------------------------------------------

@dataclass
class LabelAgreement:
    """Agreement on one labelling task over its units."""

    units: int
    labels: list[str]
    level: str = "nominal"
    percent: float | None = None
    cohen_kappa: float | None = None
    fleiss_kappa: float | None = None
    fleiss_units: int = 0
    krippendorff_alpha: float | None = None
    gwet_ac1: float | None = None
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"units": self.units, "percent": self.percent, "cohen_kappa": self.cohen_kappa,
                "fleiss_kappa": self.fleiss_kappa, "fleiss_units": self.fleiss_units,
                "krippendorff_alpha": self.krippendorff_alpha, "level": self.level, "gwet_ac1": self.gwet_ac1,
                "labels": list(self.labels), "confusion": self.confusion}


@dataclass
class PairSpans:
    a: str
    b: str
    articles: int
    claims_a: int
    claims_b: int
    exact: int
    overlap: int
    exact_f1: float | None
    overlap_f1: float | None
    sentences: int
    sentence_kappa: float | None

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class SpanAgreement:
    """Agreement on where the claims are."""

    units: int  # articles two or more annotators annotated
    matched: int  # claim clusters with claims of two or more annotators
    exact_f1: float | None
    overlap_f1: float | None
    sentences: int
    sentence_kappa: float | None
    sentence_source: dict[str, int]
    pairs: list[PairSpans]

    def to_json(self) -> dict:
        return {"units": self.units, "matched": self.matched, "exact_f1": self.exact_f1,
                "overlap_f1": self.overlap_f1, "sentences": self.sentences, "sentence_kappa": self.sentence_kappa,
                "sentence_source": dict(self.sentence_source), "pairs": [p.to_json() for p in self.pairs]}


TASKS = ("claims", "stance", "claim_type", "checkworthiness", "reliability", "source_reliability", "links")


@dataclass
class Report:
    annotators: list[str]
    by: str
    claims: SpanAgreement
    labels: dict[str, LabelAgreement]  # stance, claim_type, checkworthiness, reliability, source_reliability, links
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        tasks = {"claims": self.claims.to_json()}
        tasks.update({name: result.to_json() for name, result in self.labels.items()})
        return {"annotators": list(self.annotators), "by": self.by, "tasks": tasks, "notes": list(self.notes)}


def label_agreement(rows: Sequence[Sequence], label_set: LabelSet | Sequence[str], level: str = "nominal",
                    extra: Sequence[str] = ()) -> LabelAgreement:
    """Every statistic over ``rows`` (units × annotators, None where
    missing): only units labelled by two or more annotators count."""
    names = list(label_set.names if isinstance(label_set, LabelSet) else label_set) + list(extra)
    rows = [list(row) for row in rows if sum(v is not None for v in row) >= 2]
    seen = sorted({v for row in rows for v in row if v is not None and v not in names})
    labels = names + seen
    raters = len(rows[0]) if rows else 0
    result = LabelAgreement(units=len(rows), labels=labels, level=level)
    if not rows:
        return result
    result.percent = percent_agreement(rows)
    result.krippendorff_alpha = krippendorff_alpha(rows, labels, level)
    result.gwet_ac1 = gwet_ac1(rows, labels)
    confusion = {a: {b: 0 for b in labels} for a in labels}
    for row in rows:
        for i, j in combinations(range(raters), 2):
            if row[i] is not None and row[j] is not None:
                confusion[row[i]][row[j]] += 1
    result.confusion = confusion
    if raters == 2:
        result.cohen_kappa = cohen_kappa([r[0] for r in rows], [r[1] for r in rows], labels)
    else:
        full = [row for row in rows if all(v is not None for v in row)]
        result.fleiss_units = len(full)
        result.fleiss_kappa = fleiss(full, labels)
    return result


def _f1(matches: int, a: int, b: int) -> float | None:
    return 2 * matches / (a + b) if a + b else None


def _mean(values: Iterable[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def span_agreement(material: Material, clusters: list[Cluster], sentences: Sentences) -> SpanAgreement:
    people = material.annotators
    pairs = []
    sources: Counter = Counter()
    units = set()
    sentence_cache: dict[str, Sequence[tuple[int, int]]] = {}
    for (i, a), (j, b) in combinations(enumerate(people), 2):
        shared = sorted(a.read & b.read)
        units.update(shared)
        exact = overlap = na = nb = 0
        ya: list[int] = []
        yb: list[int] = []
        for key in shared:
            text = material.texts.get(key, "")
            ca, cb = a.claims.get(key, []), b.claims.get(key, [])
            na, nb = na + len(ca), nb + len(cb)
            sa, sb = [(c["start"], c["end"]) for c in ca], [(c["start"], c["end"]) for c in cb]
            found = match_spans(sa, sb, Tokens(text))
            exact += sum(1 for *_, e in found if e)
            overlap += len(found)
            if key not in sentence_cache:
                spans, source = sentences(key, text)
                sentence_cache[key] = spans
                sources[source] += 1
            for s, e in sentence_cache[key]:
                ya.append(int(any(cs < e and ce > s for cs, ce in sa)))
                yb.append(int(any(cs < e and ce > s for cs, ce in sb)))
        pairs.append(PairSpans(a.name, b.name, len(shared), na, nb, exact, overlap, _f1(exact, na, nb),
                               _f1(overlap, na, nb), len(ya), cohen_kappa(ya, yb, [0, 1])))
    matched = sum(1 for c in clusters if len(c.members) >= 2)
    return SpanAgreement(
        units=len(units), matched=matched,
        exact_f1=_mean(p.exact_f1 for p in pairs), overlap_f1=_mean(p.overlap_f1 for p in pairs),
        sentences=sum(len(sentence_cache[k]) for k in units),
        sentence_kappa=_mean(p.sentence_kappa for p in pairs), sentence_source=dict(sources), pairs=pairs)


def _claim_rows(clusters: list[Cluster], count: int, value: Callable[[dict], object]) -> list[list]:
    rows = []
    for cluster in clusters:
        row = [None] * count
        for index, claim in cluster.members.items():
            v = value(claim)
            row[index] = v if isinstance(v, str) and v else None
        rows.append(row)
    return rows


def _stance_rows(clusters: list[Cluster], count: int) -> list[list]:
    rows = []
    for cluster in clusters:
        targets = sorted({t for claim in cluster.members.values() for t in (claim.get("stances") or {})})
        for target in targets:
            row = [None] * count
            for index, claim in cluster.members.items():
                v = (claim.get("stances") or {}).get(target)
                row[index] = v if isinstance(v, str) and v else None
            rows.append(row)
    return rows


def _rating_rows(people: list[Annotator], attr: str) -> list[list]:
    keys = sorted({k for p in people for k in getattr(p, attr)})
    return [[getattr(p, attr).get(k) for p in people] for k in keys]


def _link_rows(people: list[Annotator], clusters: list[Cluster]) -> list[list]:
    """Units: pairs of clusters someone linked; an annotator who has claims in
    both clusters and did not link them says ``none``."""
    where: dict[tuple[int, str], int] = {}
    anywhere: dict[str, int] = {}
    for n, cluster in enumerate(clusters):
        for index, claim in cluster.members.items():
            where[(index, claim["id"])] = n
            anywhere.setdefault(claim["id"], n)
    labels: dict[frozenset, dict[int, str]] = defaultdict(dict)
    for index, person in enumerate(people):
        for link in person.links:
            ends = [where.get((index, link.get(k)), anywhere.get(link.get(k))) for k in ("a", "b")]
            if None in ends or ends[0] == ends[1] or not isinstance(link.get("label"), str):
                continue
            labels[frozenset(ends)][index] = link["label"]
    rows = []
    for pair in sorted(labels, key=sorted):
        row = []
        for index in range(len(people)):
            if index in labels[pair]:
                row.append(labels[pair][index])
            elif all(index in clusters[n].members for n in pair):
                row.append(NO_LINK)
            else:
                row.append(None)
        rows.append(row)
    return rows


def compute(material: Material, sentences: Sentences | None = None, scheme: LabelScheme = DEFAULT) -> Report:
    """Every task's agreement (see the module's docstring)."""
    people = material.annotators
    count = len(people)
    clusters = cluster_claims(material)
    claims = span_agreement(material, clusters, sentences or _simple)
    order = "ordinal" if scheme.reliability.ordinal else "nominal"
    labels = {
        "stance": label_agreement(_stance_rows(clusters, count), scheme.stance),
        "claim_type": label_agreement(_claim_rows(clusters, count, lambda c: c.get("claim_type")),
                                      scheme.claim_type),
        "checkworthiness": label_agreement(_claim_rows(clusters, count, lambda c: c.get("checkworthiness")),
                                           scheme.checkworthiness),
        "reliability": label_agreement(_rating_rows(people, "ratings"), scheme.reliability, order),
        "source_reliability": label_agreement(_rating_rows(people, "source_ratings"), scheme.reliability, order),
        "links": label_agreement(_link_rows(people, clusters), scheme.links, extra=(NO_LINK,)),
    }
    notes = list(material.notes)
    for name, result in labels.items():
        known = set(getattr(scheme, "links" if name == "links" else
                            "reliability" if "reliability" in name else name).names) | {NO_LINK}
        unknown = [label for label in result.labels if label not in known]
        if unknown and result.level == "ordinal":
            notes.append(f"{name}: label(s) {', '.join(visible(u, 30) for u in unknown)} are not on the ordered "
                         "scale; they are placed after it for the ordinal α")
    return Report([p.name for p in people], material.by, claims, labels, notes)


# -- writing ------------------------------------------------------------------------

def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _md(text: object) -> str:
    return visible(text, 200).replace("|", "\\|")


def markdown(report: Report) -> str:
    """The report as Markdown (``agreement.md``)."""
    lines = ["# factdesk agreement", "",
             f"Annotators (by {report.by}): " + ", ".join(_md(a) for a in report.annotators) + ".", ""]
    c = report.claims
    lines += ["## Claims (spans)", "",
              f"{c.units} article(s) annotated by two or more; {c.matched} claim(s) matched.", "",
              "| pair | articles | claims | exact | overlap | exact F1 | overlap F1 | sentences | sentence κ |",
              "|---|---|---|---|---|---|---|---|---|"]
    for p in c.pairs:
        lines.append(f"| {_md(p.a)} / {_md(p.b)} | {p.articles} | {p.claims_a} / {p.claims_b} | {p.exact} | "
                     f"{p.overlap} | {_fmt(p.exact_f1)} | {_fmt(p.overlap_f1)} | {p.sentences} | "
                     f"{_fmt(p.sentence_kappa)} |")
    if len(c.pairs) > 1:
        lines.append(f"| mean | | | | | {_fmt(c.exact_f1)} | {_fmt(c.overlap_f1)} | | {_fmt(c.sentence_kappa)} |")
    sources = ", ".join(f"{n} article(s) from the {s}" for s, n in sorted(c.sentence_source.items())) or "none"
    lines += ["", f"Sentences: {sources}.", ""]
    if len(report.annotators) == 2:
        lines += [f"Confusion matrices: {_md(report.annotators[0])} in the rows, {_md(report.annotators[1])} in "
                  "the columns.", ""]
    else:
        lines += ["Confusion matrices: every pair of annotators, the first of the pair in the rows.", ""]
    for name, r in report.labels.items():
        lines += [f"## {name.replace('_', ' ').capitalize()}", "",
                  "| units | percent | Cohen's κ | Fleiss' κ | Krippendorff's α | Gwet's AC1 |",
                  "|---|---|---|---|---|---|",
                  f"| {r.units} | {_fmt(r.percent)} | {_fmt(r.cohen_kappa)} | {_fmt(r.fleiss_kappa)}"
                  f"{f' ({r.fleiss_units} units)' if r.fleiss_kappa is not None else ''} | "
                  f"{_fmt(r.krippendorff_alpha)} ({r.level}) | {_fmt(r.gwet_ac1)} |", ""]
        used = [label for label in r.labels if any(r.confusion.get(label, {}).values())
                or any(row.get(label) for row in r.confusion.values())]
        if used:
            lines += ["| | " + " | ".join(_md(u) for u in used) + " |", "|---" * (len(used) + 1) + "|"]
            for a in used:
                lines.append(f"| **{_md(a)}** | " + " | ".join(str(r.confusion[a][b]) for b in used) + " |")
            lines.append("")
    if report.notes:
        lines += ["## Notes", ""] + [f"- {_md(n)}" for n in report.notes] + [""]
    lines += ["n/a: the metric does not apply (Cohen's κ needs exactly two annotators, Fleiss' κ three or more) "
              "or is undefined (no units, or every unit given the same label).", ""]
    return "\n".join(lines)


def out_target(out: str | Path, stores: Sequence):
    """The checked ``--out`` folder (an :class:`annotations.outdir.ExportTarget`):
    new, empty, or a folder this command wrote before. A folder holding
    anything else, a factdesk export included, is refused with one line
    before anything is computed or written."""
    from annotations.export import _inputs
    from annotations.outdir import MANIFEST, SUMS, ExportTarget, read_manifest

    target = ExportTarget(out, _inputs(list(stores)), names=(JSON_NAME, MD_NAME))
    path = target.path
    if path.is_dir() and (path / MANIFEST).is_file():
        try:
            listed = {e["path"] for e in read_manifest(path)["files"]}
        except ValueError:
            listed = set()  # the target's own check names what is wrong with it
        else:
            if not listed or not listed <= {JSON_NAME, MD_NAME, SUMS}:
                raise AgreementError(f"--out {visible(path, 300)}: is a factdesk export, not an agreement "
                                     "folder; give a new or empty folder (nothing was written)")
    target.check()
    return target


def write_folder(report: Report, target) -> Path:
    """Write ``agreement.json`` and ``agreement.md`` into the checked target
    as exports are written (see :mod:`annotations.outdir`): into a sibling
    folder, with a manifest, swapped in whole."""
    import json

    from annotations.export import _version

    payload = json.dumps(report.to_json(), indent=1, ensure_ascii=False) + "\n"
    with target.open() as folder:
        folder.write(JSON_NAME, payload.encode("utf-8"))
        folder.write(MD_NAME, markdown(report).encode("utf-8"))
        folder.commit(_version())
    return target.path


def open_stores(paths: Sequence[str | Path]):
    """Open each store read-only (never written, and readable while another
    factdesk holds it). Refuses a missing store and the same store twice;
    the caller closes what is returned."""
    from annotations.store import AnnotationStore

    seen: dict[str, str] = {}
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists() and not path.with_name(path.name + ".journal").exists():
            raise AgreementError(f"{visible(path, 300)}: no such store; give the path of an annotator's store "
                                 "(`factdesk store info` shows where a store is)")
        real = os.path.realpath(path)
        if real in seen:
            raise AgreementError(f"{visible(given, 300)} is the same store as {visible(seen[real], 300)}; give each "
                                 "annotator's store once")
        seen[real] = str(given)
    stores = []
    try:
        for given in paths:
            stores.append(AnnotationStore(Path(given).expanduser(), read_only=True))
    except BaseException:
        for store in stores:
            store.close()
        raise
    return stores


__all__ = [
    "AgreementError", "Annotator", "BY", "Cluster", "LabelAgreement", "Material", "Report", "SpanAgreement",
    "TASKS", "Tokens", "cached_sentences", "check_corpora", "cluster_claims", "cohen_kappa", "compute", "fleiss",
    "gather", "gwet_ac1", "krippendorff_alpha", "label_agreement", "markdown", "match_spans", "open_stores",
    "out_target",
    "percent_agreement", "simple_sentences", "write_folder",
]
