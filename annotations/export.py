"""Export stores as training data that spaCy, Prodigy and Hugging Face read.

:func:`export` gathers one or more stores (:mod:`annotations.dataset`),
checks every span against its article text, builds the rows of every file
in memory, and only then writes the export (each JSONL file serialised,
hashed and written a megabyte at a time): into a folder beside ``--out``,
with a manifest of every file's size and SHA-256 written last, then swapped
in whole (:mod:`annotations.outdir`), so ``--out`` is the complete old export
or the complete new one. ``--out`` is checked first: a file, an input, or a
folder holding anything factdesk did not write is refused. Files and fields
are described once, in :func:`files_for` (with the stores' label scheme;
:data:`FILES` for the default), label sets in :mod:`annotations.labels`
(``labels.json`` is :func:`annotations.labels.label_sets` of the stores'
scheme); the output's ``README.md`` is written from them.
"""

from __future__ import annotations

import gc
import hashlib
from bisect import bisect_left, bisect_right
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path

import orjson

from annotations.alignment import Aligned, align, cover
from annotations.dataset import Dataset, ExportError, collect
from annotations.labels import BIO_LABELS, CLAIM_LABEL, DEFAULT, SPANS, SPEAKER_LABEL, LabelScheme, LabelSet, label_sets
from annotations.schema import CLAIM_FIELDS
from annotations.spans import SpanReach
from annotations.outdir import MANIFEST, SUMS, ExportTarget
from annotations.store import AnnotationStore
from corpus.analysis import Analyser, Analysis
from corpus.corrections import apply_entity_edits
from corpus.text import visible

TASKS = ("articles", "claims", "bio", "checkworthiness", "stance", "reliability", "entities",
         "pairs", "groups", "gold")
FORMATS = ("jsonl", "spacy", "csv", "fever", "checkthat", "claimbuster", "claimreview")
SPLIT_BY = ("article", "event", "source")


@dataclass(frozen=True)
class FileSpec:
    name: str
    task: str
    format: str
    about: str
    fields: tuple[tuple[str, str, str], ...]  # (name, type, meaning)

    @property
    def config(self) -> str | None:
        """The Hugging Face config name of a JSONL file (its stem); None for the others."""
        return self.name.removesuffix(".jsonl") if self.format == "jsonl" else None


def _described(labels: LabelSet) -> str:
    """What a label field holds, for the export's README: its labels, and where they come from."""
    return f"{labels.spoken()} ({labels.about})" if labels.about else labels.spoken()


def _fever_rule(scheme: LabelScheme) -> str:
    from annotations.fc_formats import default_fever_map

    mapping = default_fever_map(scheme)
    return ", ".join(f"{s} → {f}" for s, f in mapping.items()) if mapping else "only as `--map` says"


def _fever_left_out(scheme: LabelScheme) -> str:
    from annotations.fc_formats import default_fever_map

    left = [s for s in scheme.stance.names if s not in default_fever_map(scheme)]
    if not left:
        return "a stance `--map` does not name is left out"
    return f"{', '.join(f'`{s}`' for s in left)} stances have no FEVER label and are left out"


def files_for(scheme: LabelScheme = DEFAULT) -> tuple[FileSpec, ...]:
    """Every file the export can write, its fields described with the labels of ``scheme``."""
    _groups = "/".join(scheme.links.groups)  # the relation(s) whose links form claim groups
    return (
        FileSpec("articles.jsonl", "articles", "jsonl", "Every article: the normalised text all offsets point into.", (
            ("doc_id", "str", "article id (first 16 hex digits of text_sha256)"),
            ("event_id", "str", "the event the article is read in"),
            ("source", "str", "the site or outlet"),
            ("url", "str", "where it was found (empty when unknown)"),
            ("title", "str", "the title (first line)"),
            ("text", "str", "the text: NFC, \\n line ends; offsets are code points into it"),
            ("text_sha256", "str", "SHA-256 of the UTF-8 text"),
            ("meta", "object", "path and published date, when known"),
        )),
        FileSpec("claims.jsonl", "claims", "jsonl",
                 "Prodigy-style span tasks (`spans_manual`), one per article and annotator: claims and their speakers. "
                 "Rejected spans imported from Prodigy come back as tasks with `answer` `reject`.", (
            ("text", "str", "the article text"),
            ("tokens", "list", "{text, start, end, id, ws}: every token, whitespace tokens too"),
            ("spans", "list", "{start, end, token_start, token_end (inclusive), "
                              f"label ({SPANS.spoken()}), claim_id, ...}}; "
                              f"{CLAIM_LABEL} spans also carry the claim's stances {{target_id: label}}, claim_type, "
                              "checkworthiness, attribution, confidence, note, speaker_kind and origin when set"),
            ("meta", "object", "doc_id, event_id, source, title, url, targets {target_id: proposition}"),
            ("answer", "str", "accept or reject"),
            ("_input_hash", "int", "signed 32-bit hash of the text"),
            ("_task_hash", "int", "signed 32-bit hash of the text and spans"),
            ("_annotator_id", "str", "who annotated"),
            ("_timestamp", "int", "Unix time of the last change"),
            ("_view_id", "str", "spans_manual"),
        )),
        FileSpec("claims_bio.jsonl", "bio", "jsonl",
                 "Hugging Face token classification: one row per sentence (sentences a claim crosses are kept "
                 "together) of every article an annotator made claims in; whitespace tokens left out.", (
            ("id", "str", "doc_id:annotator:n"),
            ("doc_id", "str", "article id"),
            ("annotator_id", "str", "who annotated"),
            ("tokens", "list[str]", "the words"),
            ("ner_tags", "list[int]", f"indices into labels.json `claims_bio` ({', '.join(BIO_LABELS)})"),
        )),
        FileSpec("checkworthiness.jsonl", "checkworthiness", "jsonl",
                 "Sentence classification: the sentence(s) of each claim that has a check-worthiness label.", (
            ("id", "str", "the claim id"),
            ("text", "str", "the sentence(s) holding the claim"),
            ("label", "str", _described(scheme.checkworthiness)),
            ("claim", "str", "the claim's own text"),
            ("doc_id", "str", "article id"),
            ("start", "int", "offset of the sentence in the article"),
            ("end", "int", "end offset of the sentence"),
            ("annotator_id", "str", "who annotated"),
        )),
        FileSpec("stance.jsonl", "stance", "jsonl", "Text pairs: a claim (premise) and a target proposition (hypothesis).", (
            ("id", "str", "claim_id:target_id"),
            ("claim_id", "str", "the claim"),
            ("target_id", "str", "the target proposition"),
            ("doc_id", "str", "article id"),
            ("event_id", "str", "event id"),
            ("start", "int", "claim start offset"),
            ("end", "int", "claim end offset"),
            ("premise", "str", "the sentence(s) holding the claim (the claim's own text when the article's "
                               "analysis has no sentence there)"),
            ("hypothesis", "str", "the target proposition"),
            ("label", "str", _described(scheme.stance)),
            ("claim", "str", "the claim's own text (the article's text at start..end)"),
            ("origin", "str", "factdesk, or where an imported claim came from"),
            ("annotator_id", "str", "who annotated"),
        )),
        FileSpec("reliability.jsonl", "reliability", "jsonl", "Reliability ratings: one row per rated article and one per rated source.", (
            ("id", "str", "article:doc_id:annotator or source:name:annotator"),
            ("level", "str", "article or source"),
            ("doc_id", "str|null", "article id (null for a source)"),
            ("source", "str", "the site or outlet"),
            ("title", "str", "article title (empty for a source)"),
            ("text_sha256", "str", "hash of the rated text (empty for a source)"),
            ("label", "str", _described(scheme.reliability)),
            ("rationale_codes", "list[str]", "why (see labels.json `rationale_codes`)"),
            ("note", "str", "the reader's note"),
            ("annotator_id", "str", "who rated"),
        )),
        FileSpec("claim_pairs.jsonl", "pairs", "jsonl", "Claim links across articles, as sentence pairs.", (
            ("id", "str", "link id"),
            ("claim_id_a", "str", "the claim linked from"),
            ("claim_id_b", "str", "the claim linked to"),
            ("doc_id_a", "str", "its article"),
            ("doc_id_b", "str", "the other article"),
            ("sentence1", "str", "text of claim a"),
            ("sentence2", "str", "text of claim b"),
            ("label", "str", _described(scheme.links)),
            ("note", "str", "the reader's note on what differs (a number, a date, an actor)"),
            ("numbers", "str", "the numbers each claim states, when they differ (e.g. numbers differ: 900 vs 300)"),
            ("numbers_differ", "bool", "the two claims state different numbers"),
            ("annotator_id", "str", "who linked"),
            ("created", "str", f"when it was linked (ISO 8601): the oldest {_groups} link names a group"),
        )),
        FileSpec("claim_groups.jsonl", "groups", "jsonl", f"Groups of claims linked as `{_groups}` across articles.", (
            ("group_id", "str", "group id"),
            ("event_id", "str", "event id"),
            ("canonical", "str", "the group's short canonical wording"),
            ("members", "list", "{doc_id, claim_id, start, end, text, source}"),
            ("stance", "object", "{target_id: label}: the group's stance toward the event's targets"),
            ("sources", "object", "{states: [...], contradicts: [...], silent: [...]}: the event's sources"),
        )),
        FileSpec("gold_stances.jsonl", "gold", "jsonl", "Gold stances imported with the corpus (FNC-1), in the source's "
                 "row order: article-level text pairs, the body (premise) and the headline (hypothesis).", (
            ("row", "int", "row number in the source file"),
            ("target_id", "str", "the headline's target id"),
            ("premise", "str", "the article text of the body"),
            ("hypothesis", "str", "the headline"),
            ("doc_id", "str", "article id of the body"),
            ("source_id", "str", "the FNC-1 Body ID"),
            ("label", "str", "the gold stance"),
            ("origin", "str", "gold"),
        )),
        FileSpec("stances.csv", "gold", "csv", "The gold stances in FNC-1's own layout (Headline, Body ID, Stance).", (
            ("Headline", "str", "the headline"), ("Body ID", "str", "the body"), ("Stance", "str", "the gold stance"),
        )),
        FileSpec("entities.spacy", "entities", "spacy",
                 "spaCy DocBin: every annotated article with the model's entities and the readers' corrections in "
                 "`doc.ents`, sentence starts set; `doc.user_data` has doc_id and event_id.", (
            ("doc.ents", "Span", f"named entities ({scheme.entities.about})"),
        )),
        FileSpec("claims.spacy", "claims", "spacy",
                 "spaCy DocBin: one doc per article and annotator, claims and speakers in `doc.spans[\"sc\"]`, "
                 "entities in `doc.ents`, the annotator's article reliability in `doc.cats`.", (
            ("doc.spans[\"sc\"]", "SpanGroup", f"{SPANS.spoken('and')} spans"),
            ("doc.ents", "Span", "named entities, corrected"),
            ("doc.cats", "dict", f"{'/'.join(scheme.reliability.names)}: 1.0 for the rating given, else 0.0 "
                                 "(empty if unrated)"),
        )),
        FileSpec("fever.jsonl", "stance", "fever",
                 "FEVER (Thorne et al., 2018, fever.ai): one row per claim and target it has a stance toward, "
                 f"labelled {_fever_rule(scheme)} (or as `--map` says); "
                 f"{_fever_left_out(scheme)} (the export's notes count them). "
                 "The fields after `evidence` are factdesk's, so that `factdesk import` brings the rows back.", (
            ("id", "str", "claim_id:target_id"),
            ("claim", "str", "the claim's own text"),
            ("label", "str", "SUPPORTS, REFUTES or NOT ENOUGH INFO"),
            ("evidence", "list", "[doc_id, sentence_index] of every sentence of the claims linked to this one (any "
                                 "relation, same included); sentence_index counts the article's sentences from 0, "
                                 "as Sentence_id in checkthat.tsv"),
            ("claim_id", "str", "the claim"),
            ("doc_id", "str", "its article"),
            ("start", "int", "claim start offset"),
            ("end", "int", "claim end offset"),
            ("target_id", "str", "the target proposition"),
            ("target", "str", "its text"),
            ("stance", "str", "the claim's stance toward it"),
            ("annotator_id", "str", "who annotated"),
            ("linked", "list", "{link_id, claim_id_a, claim_id_b, label}: the links evidence comes from"),
        )),
        FileSpec("checkthat.tsv", "checkworthiness", "checkthat",
                 "CLEF CheckThat! check-worthiness (task 1, checkthat.gitlab.io), tab-separated with a header: one row "
                 "per sentence of every article with a claim. A sentence is Yes when a claim in it is check-worthy. "
                 "A field holding a tab or a double quote is quoted as in CSV (`pd.read_csv(path, sep=\"\\t\")` reads it).", (
            ("Sentence_id", "str", "doc_id:n, n counting the article's sentences from 0"),
            ("Text", "str", "the sentence"),
            ("class_label", "str", "Yes or No"),
        )),
        FileSpec("claimbuster.csv", "checkworthiness", "claimbuster",
                 "ClaimBuster (Arslan et al., 2020, idir.uta.edu/claimbuster): one row per sentence of every article "
                 "with a claim. Verdict 1 when a claim in it is check-worthy, else 0 when a claim in it is unimportant "
                 "or has no check-worthiness label, else -1 (no claim, or only not-factual claims); all annotators' "
                 "claims count.", (
            ("Sentence_id", "str", "doc_id:n, as in checkthat.tsv"),
            ("Text", "str", "the sentence"),
            ("Verdict", "int", "1 check-worthy, 0 unimportant, -1 not factual (ClaimBuster's CFS, UFS, NFS)"),
        )),
        FileSpec("claimreview.jsonld", "groups", "claimreview",
                 "schema.org ClaimReview (schema.org/ClaimReview) as a JSON-LD list: one per claim group and target "
                 "of the group's stance (a group with no stance: one, without reviewRating).", (
            ("@type", "str", "ClaimReview"),
            ("identifier", "str", "the group id"),
            ("claimReviewed", "str", "the group's canonical wording"),
            ("itemReviewed", "object", "a Claim: author (the sources stating it, as Organization), datePublished "
                                       "(the earliest article's date, when known), appearance (a CreativeWork per "
                                       "member claim: url of its article when known, identifier doc_id, headline, "
                                       "text: the member's own text)"),
            ("reviewRating", "object", "a Rating: alternateName the group's stance, identifier the target id, "
                                       "ratingExplanation the stance and the target proposition"),
            ("author", "object", "a Person: the annotator who set the group's wording or stance (else who linked it)"),
            ("datePublished", "str", "when the group was last edited, or linked (YYYY-MM-DD)"),
        )),
    )


FILES = files_for(DEFAULT)


# -- options ---------------------------------------------------------------

@dataclass
class Split:
    ratios: dict[str, float]
    by: str = "article"
    seed: int = 0


def _quoted(text: str) -> str:
    """An option's value as typed, safe on one line: ``'...'``."""
    return "'" + visible(text, limit=80) + "'"


def parse_split(text: str) -> dict[str, float]:
    """``80/10/10`` → train/dev/test; ``90/10`` → train/test. Every part must be
    a finite non-negative number and their sum finite and positive (``nan``,
    ``inf`` and ``1e308/1e308``, whose sum overflows, are refused)."""
    parts = text.split("/")
    try:
        values = [float(p) for p in parts]
    except (ValueError, TypeError):
        values = []
    total = sum(values) if values and all(math.isfinite(v) for v in values) else math.nan
    if (len(values) not in (2, 3) or any(not math.isfinite(v) or v < 0 for v in values)
            or not math.isfinite(total) or total <= 0):
        raise ExportError(f"--split {_quoted(text)}: give two or three non-negative numbers such as 80/10/10 "
                          "(train/dev/test) or 90/10 (train/test)")
    names = ("train", "test") if len(values) == 2 else ("train", "dev", "test")
    ratios = {n: (v + 0.0) / total for n, v in zip(names, values)}  # + 0.0: no -0.0
    if not all(math.isfinite(r) for r in ratios.values()) or not any(r > 0 for r in ratios.values()):
        raise ExportError(f"--split {_quoted(text)}: the parts are too small to divide; give numbers "
                          "such as 80/10/10")
    return ratios


def parse_choice(text: str | None, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    if not text:
        return allowed
    chosen = tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
    unknown = [c for c in chosen if c not in allowed]
    if unknown or not chosen:
        raise ExportError(f"--{what} {_quoted(text)}: choose from {', '.join(allowed)} (comma-separated)")
    return chosen


def assign_splits(keys: list[str], split: Split) -> dict[str, str]:
    """Each key to one split: keys are ordered by a hash of (seed, key), then
    cut by the ratios, so the result depends only on the keys and the seed."""
    order = sorted(set(keys), key=lambda k: hashlib.sha256(f"{split.seed}\x1f{k}".encode()).hexdigest())
    n = len(order)
    names = list(split.ratios)
    exact = [split.ratios[name] * n for name in names]
    counts = [int(x) for x in exact]
    # largest remainders; then every split with a share gets one key if there are enough
    for i in sorted(range(len(names)), key=lambda i: exact[i] - counts[i], reverse=True)[:n - sum(counts)]:
        counts[i] += 1
    for i, name in enumerate(names):
        if split.ratios[name] > 0 and counts[i] == 0 and n >= sum(1 for r in split.ratios.values() if r > 0):
            donor = max(range(len(names)), key=lambda j: counts[j])
            counts[donor] -= 1
            counts[i] += 1
    out, pos = {}, 0
    for name, count in zip(names, counts):
        for key in order[pos:pos + count]:
            out[key] = name
        pos += count
    return out


# -- rows ------------------------------------------------------------------

def _hash32(*parts: str) -> int:
    """A stable signed 32-bit hash, as Prodigy's ``_input_hash``/``_task_hash`` are."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "little", signed=True)


def unix_time(stamp: str) -> int:
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def _prodigy_tokens(text: str, tokens: list[tuple[int, int]], texts: list[str]) -> list[dict]:
    nexts = [start for start, _ in tokens[1:]]
    nexts.append(len(text))
    ws = [nx == e + 1 and text[e] == " " for (_, e), nx in zip(tokens, nexts)]
    return [{"text": t, "start": s, "end": e, "id": i, "ws": w}
            for i, (s, e), t, w in zip(range(len(tokens)), tokens, texts, ws)]


_first, _second = itemgetter(0), itemgetter(1)  # a token's start, its end


def _token_span(aligned: Aligned, start: int, end: int) -> tuple[int, int]:
    """:meth:`Aligned.token_span` by bisection, without building its maps:
    the tokens are in order, none empty, none overlapping, so a start or an
    end names one token. Anything else is left to the method (which raises)."""
    tokens = aligned.tokens
    i = bisect_left(tokens, start, key=_first)
    j = bisect_left(tokens, end, key=_second)
    if i < len(tokens) and j < len(tokens) and tokens[i][0] == start and tokens[j][1] == end:
        return i, j
    return aligned.token_span(start, end)


def _on_edges(tokens: list[tuple[int, int]], cuts: set[int], length: int) -> bool:
    """Whether every cut inside the text is both where a token starts and where
    one ends (and the text's end, if cut, a token's end): then no token needs
    a split. ``tokens`` cover the text in order, none empty, none overlapping."""
    for cut in cuts:
        if 0 < cut < length:
            i = bisect_left(tokens, cut, key=_first)
            if i == 0 or i == len(tokens) or tokens[i][0] != cut or tokens[i - 1][1] != cut:
                return False
        elif cut == length and (not tokens or tokens[-1][1] != length):
            return False
    return True


def _speaker_span(claim: dict) -> tuple[int, int] | None:
    speaker = claim.get("speaker") or {}
    if speaker.get("kind") == "entity":
        return speaker["start"], speaker["end"]
    return None


def claim_attributes(claim: dict) -> dict:
    """What a CLAIM span carries besides its offsets (only what is set)."""
    attrs = {name: claim[name] for name in CLAIM_FIELDS if claim.get(name)}
    if claim.get("stances"):
        attrs["stances"] = dict(sorted(claim["stances"].items()))
    speaker = claim.get("speaker") or {}
    if speaker.get("kind"):
        attrs["speaker_kind"] = speaker["kind"]
    attrs["origin"] = claim.get("origin", "factdesk")
    return attrs


@dataclass
class ExportReport:
    out_dir: Path
    counts: dict[str, int] = field(default_factory=dict)
    split_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Builder:
    """Builds every file's rows; each row is kept with the article it belongs to."""

    def __init__(self, data: Dataset, analyses: dict[str, Analysis], warnings: list[str]) -> None:
        self.data = data
        self.analyses = analyses
        self.warnings = warnings
        self.rows: dict[str, list[tuple[str | None, dict]]] = defaultdict(list)
        self.docs: dict[str, list[tuple[str, object]]] = defaultdict(list)
        self.splits_reported: set[tuple] = set()
        # per article: the covering tokens (cover of the analysis's tokens); their start/end maps and
        # their texts only once a span set needs no split (most split one: a span starting after a space)
        self.covered: dict[str, list[tuple[int, int]]] = {}
        self.index: dict[str, tuple[dict[int, int], dict[int, int]]] = {}
        self.texts: dict[str, tuple[list[str], list[int]]] = {}

    def _align(self, article_id: str, boundaries, what: str) -> Aligned:
        text = self.data.articles[article_id]["text"]
        covered = self.covered.get(article_id)
        if covered is None:
            covered = self.covered[article_id] = cover(text, self.analyses[article_id].tokens)
        cuts = set(boundaries)
        if _on_edges(covered, cuts, len(text)):  # align shares the covering tokens: give it their maps
            index = self.index.get(article_id)
            if index is None:
                index = self.index[article_id] = ({s: i for i, (s, _) in enumerate(covered)},
                                                  {e: i for i, (_, e) in enumerate(covered)})
            aligned = align(text, (), cuts, covered, index)
        else:  # a token is split or a space made a token: align copies them anyway
            aligned = align(text, (), cuts, covered)
        for start, end, cut in aligned.splits:
            key = (article_id, start, end, cut)
            if key not in self.splits_reported:
                self.splits_reported.add(key)
                self.warnings.append(f"{what}: token {text[start:end]!r} at {start}..{end} split at {cut} "
                                     f"({text[start:cut]!r} | {text[cut:end]!r}) so that a span falls on token boundaries")
        return aligned

    def _texts(self, article_id: str, text: str, tokens: list[tuple[int, int]]) -> tuple[list[str], list[int]]:
        """The tokens' texts and the indices of those that are not whitespace
        (kept per article for its covering tokens, which annotators share)."""
        shared = tokens is self.covered.get(article_id)
        if shared and article_id in self.texts:
            return self.texts[article_id]
        texts = [text[s:e] for s, e in tokens]
        words = [i for i, t in enumerate(texts) if not t.isspace()]
        if shared:
            self.texts[article_id] = (texts, words)
        return texts, words

    def _meta(self, article_id: str, claims: list[dict]) -> dict:
        article = self.data.articles[article_id]
        used = sorted({t for c in claims for t in c.get("stances") or {}})
        return {"doc_id": article_id, "event_id": article.get("event_id", ""), "source": article.get("source", ""),
                "title": article.get("title", ""), "url": article.get("url", ""),
                "targets": {t: self.data.targets[t]["text"] for t in used}}

    # claims.jsonl, claims_bio.jsonl, checkworthiness.jsonl, claims.spacy
    def claims(self, article_id: str, annotator: str, claims: list[dict], rejected: list[dict],
               tasks: tuple[str, ...], spacy: bool) -> None:
        text = self.data.articles[article_id]["text"]
        bounds = [p for c in claims for p in (c["start"], c["end"])]
        bounds += [p for c in claims for p in (_speaker_span(c) or ())]
        bounds += [p for r in rejected for p in (r["start"], r["end"])]
        aligned = self._align(article_id, bounds, f"article {article_id} ({annotator})")
        spans = []
        for claim in claims:
            first, last = _token_span(aligned, claim["start"], claim["end"])
            spans.append({"start": claim["start"], "end": claim["end"], "token_start": first, "token_end": last,
                          "label": CLAIM_LABEL, "claim_id": claim["id"], **claim_attributes(claim)})
            speaker = _speaker_span(claim)
            if speaker:
                first, last = _token_span(aligned, *speaker)
                spans.append({"start": speaker[0], "end": speaker[1], "token_start": first, "token_end": last,
                              "label": SPEAKER_LABEL, "claim_id": claim["id"],
                              "entity_label": claim["speaker"].get("label", "")})
        spans.sort(key=lambda s: (s["start"], s["end"], s["label"], s["claim_id"]))
        texts, words = self._texts(article_id, text, aligned.tokens)
        if "claims" in tasks:
            tokens = _prodigy_tokens(text, aligned.tokens, texts)
            input_hash = _hash32(text)
            for answer, group, records in (("accept", spans, claims), ("reject", None, rejected)):
                if not records:
                    continue
                if group is None:
                    group = []
                    for r in records:
                        first, last = _token_span(aligned, r["start"], r["end"])
                        group.append({"start": r["start"], "end": r["end"], "token_start": first, "token_end": last,
                                      "label": r["label"], "rejection_id": r["id"], "origin": r.get("origin", "")})
                    group.sort(key=lambda s: (s["start"], s["end"], s["label"]))
                self.rows["claims.jsonl"].append((article_id, {
                    "text": text, "tokens": tokens, "spans": group, "meta": self._meta(article_id, records),
                    "answer": answer, "_input_hash": input_hash,
                    "_task_hash": _hash32(str(input_hash), answer,
                                          *(f"{s['start']}:{s['end']}:{s['label']}" for s in group)),
                    "_annotator_id": annotator, "_timestamp": max(unix_time(r.get("updated", "")) for r in records),
                    "_view_id": "spans_manual",
                }))
        if not claims:
            return
        analysis = self.analyses[article_id]
        if "bio" in tasks:
            self._bio(article_id, annotator, text, aligned, texts, words, analysis, claims)
        if "checkworthiness" in tasks:
            sent_starts = [s for s, _ in analysis.sents]
            sent_ends = [e for _, e in analysis.sents]
            for claim in claims:
                if not claim.get("checkworthiness"):
                    continue
                sents = analysis.sents[max(0, bisect_left(sent_ends, claim["start"] + 1)):
                                       bisect_left(sent_starts, claim["end"])]
                start, end = (sents[0][0], sents[-1][1]) if sents else (claim["start"], claim["end"])
                start, end = min(start, claim["start"]), max(end, claim["end"])
                self.rows["checkworthiness.jsonl"].append((article_id, {
                    "id": claim["id"], "text": text[start:end], "label": claim["checkworthiness"],
                    "claim": claim["quote"], "doc_id": article_id, "start": start, "end": end,
                    "annotator_id": annotator}))
        if spacy:
            self.docs["claims.spacy"].append((article_id, self._doc_spec(
                article_id, aligned, [(s["start"], s["end"], s["label"]) for s in spans],
                self._cats(article_id, annotator), {"doc_id": article_id, "annotator_id": annotator},
                f"claims.spacy, article {article_id} ({annotator})")))

    def _bio(self, article_id, annotator, text, aligned: Aligned, texts: list[str], words: list[int],
             analysis: Analysis, claims) -> None:
        word_tags = [0] * len(words)  # the tag of each word (non-space token), in order

        def place(first: int, last: int, begin: int, inside: int) -> None:
            a, b = bisect_left(words, first), bisect_right(words, last)
            if a < b:
                word_tags[a] = begin
                word_tags[a + 1:b] = [inside] * (b - a - 1)

        intervals: list[tuple[int, int]] = []
        for claim in claims:  # sorted by start
            first, last = _token_span(aligned, claim["start"], claim["end"])
            if intervals and first <= intervals[-1][1]:
                self.warnings.append(f"claims_bio.jsonl: claim {claim['id']} overlaps another claim of the same "
                                     "annotator and is left out of ner_tags (it is in claims.jsonl and claims.spacy)")
                continue
            place(first, last, 1, 2)
            intervals.append((first, last))
        firsts = [f for f, _ in intervals]
        spoken: set[tuple[int, int]] = set()
        for claim in claims:
            speaker = _speaker_span(claim)
            if not speaker or speaker in spoken:
                continue
            spoken.add(speaker)
            first, last = _token_span(aligned, *speaker)
            i = bisect_right(firsts, last) - 1
            if (i >= 0 and intervals[i][1] >= first) or any(
                    word_tags[bisect_left(words, first):bisect_right(words, last)]):  # a word tagged already
                self.warnings.append(f"claims_bio.jsonl: the speaker of claim {claim['id']} overlaps a claim "
                                     "and is left out of ner_tags (it is in claims.jsonl and claims.spacy)")
                continue
            place(first, last, 3, 4)
        # rows: sentences, merged while a claim crosses from one into the next
        rows: list[list[int]] = []
        claim_spans = SpanReach((c["start"], c["end"]) for c in claims)
        for s, e in analysis.sents or [(0, len(text))]:
            if rows and claim_spans.crosses(s):
                rows[-1][1] = e
            else:
                rows.append([s, e])
        tokens = aligned.tokens
        starts = [tokens[i][0] for i in words]
        word_texts = [texts[i] for i in words]
        if rows:
            rows[0][0] = 0  # words before the first sentence or between sentences join the row before
        out = self.rows["claims_bio.jsonl"]
        for n, (s, _) in enumerate(rows):
            a = bisect_left(starts, s)
            b = bisect_left(starts, rows[n + 1][0]) if n + 1 < len(rows) else len(words)
            if a < b:
                out.append((article_id, {
                    "id": f"{article_id}:{annotator}:{n}", "doc_id": article_id, "annotator_id": annotator,
                    "tokens": word_texts[a:b], "ner_tags": word_tags[a:b]}))

    def _cats(self, article_id: str, annotator: str) -> dict[str, float]:
        for rating in self.data.ratings:
            if rating["article_id"] == article_id and rating["annotator"] == annotator:
                return {label: float(label == rating["label"]) for label in self.data.scheme.reliability.names}
        return {}

    def _doc_spec(self, article_id, aligned: Aligned, spans, cats, user_data, what):
        from annotations.docbin import DocSpec

        article = self.data.articles[article_id]
        analysis = self.analyses[article_id]
        ents = apply_entity_edits(analysis.ents, self.data.entity_edits.get(article_id, []))
        return DocSpec(text=article["text"], tokens=aligned.tokens, sent_starts={s for s, _ in analysis.sents},
                       ents=list(ents), spans=spans, cats=cats,
                       user_data={**user_data, "event_id": article.get("event_id", "")}, what=what)

    def entities(self, article_id: str) -> None:
        analysis = self.analyses[article_id]
        ents = apply_entity_edits(analysis.ents, self.data.entity_edits.get(article_id, []))
        aligned = self._align(article_id, [p for s, e, _ in ents for p in (s, e)], f"entities.spacy, article {article_id}")
        self.docs["entities.spacy"].append((article_id, self._doc_spec(
            article_id, aligned, [], {}, {"doc_id": article_id}, f"entities.spacy, article {article_id}")))

    def stance(self) -> None:
        from annotations.fc_formats import Sentences, claim_sentence

        sentences: dict[str, Sentences] = {}
        for claim in self.data.claims:
            article_id = claim["article_id"]
            if article_id not in sentences:
                sentences[article_id] = Sentences(self.data.articles[article_id]["text"], self.analyses.get(article_id))
            premise = claim_sentence(self.data.articles[article_id]["text"], sentences[article_id], claim)
            for target_id, stance in sorted((claim.get("stances") or {}).items()):
                self.rows["stance.jsonl"].append((article_id, {
                    "id": f"{claim['id']}:{target_id}", "claim_id": claim["id"], "target_id": target_id,
                    "doc_id": article_id, "event_id": self.data.event_of(article_id),
                    "start": claim["start"], "end": claim["end"], "premise": premise,
                    "hypothesis": self.data.targets[target_id]["text"], "label": stance, "claim": claim["quote"],
                    "origin": claim.get("origin", "factdesk"), "annotator_id": claim["annotator"]}))

    def fever(self, mapping: dict[str, str]) -> None:
        from annotations.fc_formats import fever_rows

        self.rows["fever.jsonl"].extend(fever_rows(self.data, self.analyses, mapping, self.warnings))

    def sentence_labels(self, formats: tuple[str, ...]) -> None:
        from annotations.fc_formats import checkthat_rows, claimbuster_rows

        if "checkthat" in formats:
            self.rows["checkthat.tsv"].extend(checkthat_rows(self.data, self.analyses))
        if "claimbuster" in formats:
            self.rows["claimbuster.csv"].extend(claimbuster_rows(self.data, self.analyses))

    def claimreview(self) -> None:
        from annotations.fc_formats import claimreview_rows

        self.rows["claimreview.jsonld"].extend(claimreview_rows(self.data))

    def reliability(self) -> None:
        for rating in self.data.ratings:
            article = self.data.articles[rating["article_id"]]
            self.rows["reliability.jsonl"].append((rating["article_id"], {
                "id": f"article:{rating['article_id']}:{rating['annotator']}", "level": "article",
                "doc_id": rating["article_id"], "source": article.get("source", ""), "title": article.get("title", ""),
                "text_sha256": rating.get("text_hash", article["text_hash"]), "label": rating["label"],
                "rationale_codes": list(rating.get("rationale_codes") or []), "note": rating.get("note", ""),
                "annotator_id": rating["annotator"]}))
        for rating in self.data.source_ratings:
            self.rows["reliability.jsonl"].append((None, {
                "id": f"source:{rating['source']}:{rating['annotator']}", "level": "source", "doc_id": None,
                "source": rating["source"], "title": "", "text_sha256": "", "label": rating["label"],
                "rationale_codes": list(rating.get("rationale_codes") or []), "note": rating.get("note", ""),
                "annotator_id": rating["annotator"]}))

    def articles(self) -> None:
        for article_id in sorted(self.data.articles):
            a = self.data.articles[article_id]
            meta = {k: a[k] for k in ("path", "published") if a.get(k)}
            self.rows["articles.jsonl"].append((article_id, {
                "doc_id": article_id, "event_id": a.get("event_id", ""), "source": a.get("source", ""),
                "url": a.get("url", ""), "title": a.get("title", ""), "text": a["text"],
                "text_sha256": a["text_hash"], "meta": meta}))

    def gold(self) -> None:
        # FNC-1 pairs each body with many headlines: each body's text is serialised once, and its JSON
        # string (an orjson Fragment, written as it is) is the premise of all its rows
        premises: dict[str, orjson.Fragment] = {}
        for g in self.data.gold:
            premise = premises.get(g["article_id"])
            if premise is None:
                text = self.data.articles.get(g["article_id"], {}).get("text", "")
                premise = premises[g["article_id"]] = orjson.Fragment(orjson.dumps(text))
            self.rows["gold_stances.jsonl"].append((g["article_id"], {
                "row": g["row"], "target_id": g["target_id"], "premise": premise,
                "hypothesis": self.data.targets.get(g["target_id"], {}).get("text", ""),
                "doc_id": g["article_id"], "source_id": g.get("source_id", ""), "label": g["stance"],
                "origin": "gold"}))

    def links(self) -> None:
        from annotations.links import link_rows

        for doc_id, row in link_rows(self.data, self.warnings):
            self.rows["claim_pairs.jsonl"].append((doc_id, row))

    def groups(self) -> None:
        from annotations.links import group_rows

        for doc_id, row in group_rows(self.data):
            self.rows["claim_groups.jsonl"].append((doc_id, row))


def fnc1_csv(gold: list[dict]) -> bytes:
    """Gold stances in the FNC-1 stances layout, in the source's row order."""
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Headline", "Body ID", "Stance"])
    for g in gold:
        writer.writerow([g["hypothesis"], g["source_id"], g["label"]])
    return buffer.getvalue().encode("utf-8")


CHUNK_BYTES = 1 << 20  # JSONL lines joined into one write (and one hash update)


def _jsonl_chunks(rows: list[dict]) -> Iterator[bytes]:
    """The bytes of a JSONL file about a megabyte at a time: one line per row,
    as ``orjson.dumps`` writes it, each followed by a newline."""
    dumps, newline = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    part: list[bytes] = []
    held = 0
    for row in rows:
        line = dumps(row, option=newline)
        part.append(line)
        held += len(line)
        if held >= CHUNK_BYTES:
            yield b"".join(part)
            part, held = [], 0
    if part:
        yield b"".join(part)


def _jsonl(rows: list[dict]) -> bytes:
    return b"".join(_jsonl_chunks(rows))


def _serialise(name: str, rows: list[dict]) -> bytes:
    """The bytes of one file from its rows."""
    from annotations import fc_formats

    writers = {"stances.csv": fnc1_csv, "checkthat.tsv": fc_formats.checkthat_tsv,
               "claimbuster.csv": fc_formats.claimbuster_csv, "claimreview.jsonld": fc_formats.claimreview_json}
    return writers.get(name, _jsonl)(rows)


def build(data: Dataset, analyser: Analyser | None, tasks: tuple[str, ...], formats: tuple[str, ...],
          progress: Callable[[int, int], None] | None = None,
          fever_map: dict[str, str] | None = None) -> tuple[_Builder, list[str]]:
    """Every selected file's rows (and docs), before anything is written."""
    warnings = list(data.warnings)
    by_pair: dict[tuple[str, str], tuple[list, list]] = defaultdict(lambda: ([], []))
    for claim in data.claims:
        by_pair[(claim["article_id"], claim["annotator"])][0].append(claim)
    for rejection in data.rejections:
        by_pair[(rejection["article_id"], rejection["annotator"])][1].append(rejection)
    spacy = "spacy" in formats
    need_claims = bool({"claims", "bio", "checkworthiness"} & set(tasks)) and ("jsonl" in formats or spacy)
    need_entities = "entities" in tasks and spacy
    # the sentences of the claims' articles: stance premises, FEVER evidence, CheckThat!/ClaimBuster rows
    need_sentences = ("stance" in tasks and bool({"jsonl", "fever"} & set(formats))) or (
        "checkworthiness" in tasks and bool({"checkthat", "claimbuster"} & set(formats)))
    need = set()
    if need_claims:
        need |= {a for a, _ in by_pair}
    if need_sentences:
        need |= {c["article_id"] for c in data.claims}
    if need_entities:
        need |= set(data.touched())
    if "claims" in tasks and spacy:
        need |= {r["article_id"] for r in data.ratings}
    analyses: dict[str, Analysis] = {}
    if need:
        if analyser is None:
            from corpus.nlp import resolve_model

            analyser = Analyser(resolve_model())
        if analyser.warning:
            warnings.append(analyser.warning)
        ids = sorted(need)
        done = [0]

        def step(_):
            done[0] += 1
            if progress:
                progress(done[0], len(ids))

        results = analyser.analyse([(data.articles[i]["text_hash"], data.articles[i]["text"]) for i in ids],
                                   on_result=step)
        analyses = dict(zip(ids, results))
    builder = _Builder(data, analyses, warnings)
    jsonl_tasks = tasks if "jsonl" in formats else ()
    if need_claims:
        pairs = dict(by_pair)
        if "claims" in tasks and spacy:  # rated articles without claims still make a doc with cats
            for r in data.ratings:
                pairs.setdefault((r["article_id"], r["annotator"]), ([], []))
        for (article_id, annotator), (claims, rejected) in sorted(pairs.items()):
            builder.claims(article_id, annotator, claims, rejected,
                           jsonl_tasks, spacy and "claims" in tasks)
    if need_entities:
        for article_id in data.touched():
            builder.entities(article_id)
    for task, method in (("articles", builder.articles), ("stance", builder.stance),
                         ("reliability", builder.reliability), ("pairs", builder.links),
                         ("groups", builder.groups)):
        if task in jsonl_tasks:
            method()
    if "stance" in tasks and "fever" in formats:
        from annotations.fc_formats import check_map, default_fever_map

        if fever_map is None:
            mapping = default_fever_map(data.scheme)
            if not mapping:
                warnings.append(f"fever.jsonl: the scheme's stances ({', '.join(data.scheme.stance.names)}) have no "
                                "FEVER label; give them with --map STANCE=SUPPORTS,STANCE=REFUTES")
        else:
            mapping = check_map(fever_map, data.scheme)
        builder.fever(mapping)
    if "checkworthiness" in tasks:
        builder.sentence_labels(formats)
    if "groups" in tasks and "claimreview" in formats:
        builder.claimreview()
    if "gold" in tasks and data.gold and ("jsonl" in formats or "csv" in formats):
        builder.gold()
    return builder, warnings


def _selected(tasks, formats, data: Dataset) -> list[FileSpec]:
    out = []
    for spec in files_for(data.scheme):
        if spec.task not in tasks or spec.format not in formats:
            continue
        if spec.task == "gold" and not data.gold:
            continue
        out.append(spec)
    return out


def _split_keys(data: Dataset, split: Split) -> dict[str, str]:
    """Article id → the key its split is decided by."""
    def key(article_id: str) -> str:
        article = data.articles.get(article_id, {})
        if split.by == "event":
            return article.get("event_id") or article_id
        if split.by == "source":
            return article.get("source") or article_id
        return article_id
    return {a: key(a) for a in data.articles}


@contextmanager
def _collector_paused():
    """An export allocates millions of short-lived objects and no cycles;
    the cyclic collector would rescan the stores' records over and over."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def export(stores: list[AnnotationStore], out_dir: str | Path, analyser: Analyser | None = None,
           tasks: tuple[str, ...] = TASKS, formats: tuple[str, ...] = FORMATS, split: Split | None = None,
           progress: Callable[[int, int], None] | None = None,
           fever_map: dict[str, str] | None = None) -> ExportReport:
    """Check ``out_dir``, validate everything, build every row, then write the
    export into a sibling folder and swap it in whole (see :mod:`annotations.outdir`).
    ``fever_map``: stance → FEVER label (default: :func:`annotations.fc_formats.default_fever_map` of the
    stores' scheme)."""
    with _collector_paused():
        return _export(stores, out_dir, analyser, tasks, formats, split, progress, fever_map)


def _inputs(stores: list[AnnotationStore]) -> list[Path]:
    """Paths an export must not write over or around: each store, its journal,
    lock and backups, and the corpus it was made with (when the store says)."""
    from annotations.journal import JOURNAL_SUFFIX, LOCK_SUFFIX, backups_dir

    out = []
    for store in stores:
        path = Path(store.path)
        out += [path, path.with_name(path.name + JOURNAL_SUFFIX), path.with_name(path.name + LOCK_SUFFIX),
                backups_dir(path)]
        try:
            binding = store.meta.get("corpus_binding")
        except Exception:  # the store's meta is the store's business; nothing to add
            binding = None
        if isinstance(binding, dict) and isinstance(binding.get("path"), str) and binding["path"]:
            out.append(Path(binding["path"]))
    return out


def export_target(stores: list[AnnotationStore], out_dir: str | Path) -> ExportTarget:
    """The checked ``--out`` folder: raises :class:`ExportError` (one line) if it
    is a file, collides with an input, or holds files factdesk did not write."""
    names = tuple(f.name for f in FILES) + ("labels.json", "splits.json", "README.md")
    target = ExportTarget(out_dir, _inputs(stores), folders=("train", "dev", "test"), names=names)
    target.check()
    return target


def _export(stores, out_dir, analyser, tasks, formats, split, progress, fever_map=None) -> ExportReport:
    target = export_target(stores, out_dir)  # before the long part: a bad --out fails at once
    data = collect(stores)
    builder, warnings = build(data, analyser, tasks, formats, progress, fever_map)
    files = _selected(tasks, formats, data)

    # which split each article's rows go to
    article_split: dict[str, str | None] = {}
    if split:
        keys = _split_keys(data, split)
        chosen = assign_splits(list(keys.values()), split)
        article_split = {a: chosen[k] for a, k in keys.items()}
    by_source: dict[str, Counter] = defaultdict(Counter)
    for article_id, name in article_split.items():
        by_source[data.articles[article_id].get("source", "")][name] += 1
    order = list(split.ratios) if split else []

    def split_of(article_id: str | None, row: dict) -> str | None:
        if not split:
            return None
        if article_id is not None:
            return article_split.get(article_id, order[0])
        counts = by_source.get(row.get("source", ""))
        if not counts:
            return order[0]
        return max(order, key=lambda n: (counts[n], -order.index(n)))

    outputs: dict[str | None, dict[str, bytes | list[dict]]] = defaultdict(dict)  # a file's bytes, or its rows
    report_counts: dict[str | None, dict[str, int]] = defaultdict(dict)
    parts = order if split else [None]
    for spec in files:
        if spec.format == "spacy":
            from annotations.docbin import docbin_bytes

            grouped = defaultdict(list)
            for article_id, doc in builder.docs.get(spec.name, []):
                grouped[split_of(article_id, {})].append(doc)
            for part in parts:
                try:
                    outputs[part][spec.name] = docbin_bytes(grouped.get(part, []), warnings)
                except ValueError as exc:
                    raise ExportError(str(exc)) from exc
                report_counts[part][spec.name] = len(grouped.get(part, []))
            continue
        source = "gold_stances.jsonl" if spec.name == "stances.csv" else spec.name
        grouped = defaultdict(list)
        if split:
            for article_id, row in builder.rows.get(source, []):
                grouped[split_of(article_id, row)].append(row)
        else:
            grouped[None] = [row for _, row in builder.rows.get(source, [])]
        for part in parts:
            rows = grouped.get(part, [])
            # a JSONL file is serialised as it is written (and hashed), never whole in memory
            outputs[part][spec.name] = rows if spec.name.endswith(".jsonl") else _serialise(spec.name, rows)
            report_counts[part][spec.name] = len(rows)

    report = ExportReport(out_dir=target.path, warnings=warnings)
    with target.open() as folder:
        for part in parts:
            for name, payload in outputs[part].items():
                rel = f"{part}/{name}" if part else name
                if isinstance(payload, bytes):
                    folder.write(rel, payload)
                else:
                    folder.write_chunks(rel, _jsonl_chunks(payload))
                report.counts[name] = report.counts.get(name, 0) + report_counts[part][name]
            if part:
                report.split_counts[part] = dict(report_counts[part])
        folder.write("labels.json", json.dumps(label_sets(data.scheme), indent=2).encode("utf-8") + b"\n")
        if split:
            membership = {name: sorted(a for a, n in article_split.items() if n == name) for name in order}
            folder.write("splits.json", json.dumps(
                {"by": split.by, "seed": split.seed, "ratios": split.ratios, "doc_ids": membership},
                indent=1).encode("utf-8") + b"\n")
        folder.write("README.md", readme(data, files, report, split).encode("utf-8"))
        folder.commit(_version())
    warnings.extend(folder.warnings)
    return report


def export_store(store: AnnotationStore, out_dir: str | Path, analyser: Analyser | None = None,
                 **options) -> ExportReport:
    """Export one store (see :func:`export`)."""
    return export([store], out_dir, analyser, **options)


# -- the output's README ------------------------------------------------------

def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("factdesk")
    except metadata.PackageNotFoundError:
        return "unknown"


HF_SPLIT_NAMES = {"train": "train", "dev": "validation", "test": "test"}
CARD_TASKS = ("text-classification", "token-classification", "sentence-similarity")
CARD_TASK_IDS = ("fact-checking", "natural-language-inference", "named-entity-recognition")


def hf_configs(files: list[FileSpec], report: ExportReport, split: Split | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """(config name, [(split, path)]) for the dataset card: one config per JSONL
    file, each split's file only when it has rows (``datasets`` refuses an
    empty JSONL file), a config with no rows left out. The ``stance`` config
    is stance.jsonl, or, when that has no rows, gold_stances.jsonl."""
    parts = list(split.ratios) if split else [None]

    def count(part, name) -> int:
        return report.split_counts.get(part, {}).get(name, 0) if part else report.counts.get(name, 0)

    written = {spec.name for spec in files}
    out = []
    for spec in files:
        if spec.config is None:
            continue
        source = spec.name
        if (source == "stance.jsonl" and report.counts.get(source, 0) == 0 and "gold_stances.jsonl" in written
                and report.counts.get("gold_stances.jsonl", 0) > 0):
            source = "gold_stances.jsonl"
        data_files = [(HF_SPLIT_NAMES.get(part, part) if part else "train", f"{part}/{source}" if part else source)
                      for part in parts if count(part, source) > 0]
        if data_files:
            out.append((spec.config, data_files))
    return out


def dataset_card(configs: list[tuple[str, list[tuple[str, str]]]]) -> list[str]:
    """The YAML header of a Hugging Face dataset card (strings written as JSON,
    which YAML reads as double-quoted scalars)."""
    q = json.dumps
    lines = ["---", f"pretty_name: {q('factdesk export')}", "license: other", "language:", "- en",
             "task_categories:", *(f"- {t}" for t in CARD_TASKS), "task_ids:", *(f"- {t}" for t in CARD_TASK_IDS)]
    if configs:
        default = "stance" if any(name == "stance" for name, _ in configs) else configs[0][0]
        lines.append("configs:")
        for name, data_files in configs:
            lines.append(f"- config_name: {q(name)}")
            if name == default:
                lines.append("  default: true")
            lines.append("  data_files:")
            for part, path in data_files:
                lines += [f"  - split: {q(part)}", f"    path: {q(path)}"]
    return lines + ["---", ""]


def readme(data: Dataset, files: list[FileSpec], report: ExportReport, split: Split | None) -> str:
    configs = hf_configs(files, report, split)
    lines = dataset_card(configs) + [
        "# factdesk export",
        "",
        f"Written by factdesk {_version()} on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC from "
        f"{len(data.stores)} store(s): " + ", ".join(f"`{Path(s).name}`" for s in data.stores) + ".",
        "",
        f"{len(data.articles)} articles in {len(data.events)} events; {len(data.claims)} claims by "
        f"{len({c['annotator'] for c in data.claims})} annotator(s); {len(data.ratings)} article and "
        f"{len(data.source_ratings)} source ratings.",
        "",
        "Offsets (`start`, `end`) are Python code-point offsets into the article `text` (NFC, `\\n` line "
        "ends), end exclusive; every span was checked to slice its article before this was written. "
        "Token indices (`token_start`, `token_end`) are inclusive, as in Prodigy. Labels are strings; "
        "`labels.json` lists every label set, and the order of `claims_bio` gives the meaning of `ner_tags`.",
        "",
        "Sentences (stance premises, FEVER evidence, CheckThat! and ClaimBuster rows) are those of each "
        "article's analysis (the analysis cache; the pipeline is loaded only for an article the cache lacks), "
        "cut at line breaks; an article whose analysis has no sentence counts as one sentence, its whole text, "
        "and a claim no sentence holds is its own premise.",
        "",
        "License: `other` in the card: the articles' texts belong to their publishers; the annotations to "
        "whoever made them.",
        "",
    ]
    if split:
        lines += [
            f"## Splits\n\nBy {split.by}, seed {split.seed}: "
            + ", ".join(f"{n} {r:.0%}" for n, r in split.ratios.items())
            + f". The rows of one {split.by} are all in one split (`splits.json` lists the articles of each). "
            "Source ratings go to the split holding most of the source's articles. Each split is a folder "
            "with the same files.",
            "",
            "Load with Hugging Face: `load_dataset(\"json\", data_files={\"train\": \"train/stance.jsonl\", "
            "\"test\": \"test/stance.jsonl\"})`.",
            "",
        ]
    else:
        lines += ["Load with Hugging Face: `load_dataset(\"json\", data_files=\"stance.jsonl\")`; with pandas: "
                  "`pd.read_json(\"stance.jsonl\", lines=True)`; the `.spacy` files with "
                  "`DocBin().from_disk(path).get_docs(nlp.vocab)` or `spacy train`.", ""]
    lines += ["## As a Hugging Face dataset", "",
              "The YAML header above is a Hugging Face dataset card: `load_dataset(\"THIS_FOLDER\", CONFIG)` "
              "(offline, no other argument) loads a config, `split=\"test\"` one split. Each JSONL file is a "
              "config named by its stem; a file (or a split's file) with no rows is left out, since `datasets` "
              "cannot read an empty JSONL file, and so is a config with no rows at all. The `stance` config is "
              "`stance.jsonl`, or, when no claim has a stance but the corpus has gold stances (FNC-1), "
              "`gold_stances.jsonl`; it is the default config. `dev/` is the split `validation`. The FEVER, "
              "CheckThat!, ClaimBuster and ClaimReview files are for their own tools and are not configs.", ""]
    if configs:
        lines += ["| config | splits and files |", "|---|---|"]
        lines += [f"| `{name}` | " + ", ".join(f"{part}: `{path}`" for part, path in data_files) + " |"
                  for name, data_files in configs]
    else:
        lines.append("This export has no rows in any JSONL file, so the card names no config.")
    lines += ["", "## Files", ""]
    for spec in files:
        count = report.counts.get(spec.name, 0)
        unit = "docs" if spec.format == "spacy" else "rows"
        per = ""
        if report.split_counts:
            per = " (" + ", ".join(f"{n} {c.get(spec.name, 0)}" for n, c in report.split_counts.items()) + ")"
        lines += [f"### `{spec.name}`: {count} {unit}{per}", "", spec.about, "",
                  "| field | type | meaning |", "|---|---|---|"]
        lines += [f"| `{n}` | {t} | {m.replace('|', '/')} |" for n, t, m in spec.fields]
        lines.append("")
    lines += ["### `labels.json`", "", "Every label set: " + ", ".join(f"`{k}`" for k in label_sets()) + ".", ""]
    lines += [f"### `{SUMS}` and `{MANIFEST}`", "",
              f"`{MANIFEST}` is written last and lists every other file with its size and SHA-256 (and the "
              f"factdesk version and time); `{SUMS}` has the same hashes in the layout of `sha256sum`.", "",
              "## Is this export complete?", "",
              "factdesk writes an export into a hidden folder beside its target and swaps it in only once "
              f"every file and `{MANIFEST}` are written, so a folder of this name is either the whole previous "
              "export or the whole new one, never a mix. To check a copy (after moving it, or before "
              "training on it):", "",
              "```", f"cd THIS_FOLDER && sha256sum -c {SUMS}", "```", "",
              f"must say `OK` for every file, and `{MANIFEST}` must be there. `factdesk import` checks the "
              "manifest itself and refuses an export with a missing or changed file. Do not add your own "
              "files here: a new export into this folder refuses to replace a folder holding files it did "
              "not write.", ""]
    if report.warnings:
        lines += ["## Notes from the export", ""]
        lines += ["- " + re.sub(r"\s+", " ", w) for w in report.warnings[:200]]
        if len(report.warnings) > 200:
            lines.append(f"- … and {len(report.warnings) - 200} more")
        lines.append("")
    return "\n".join(lines)


__all__ = [
    "ExportError", "ExportReport", "FILES", "files_for", "FORMATS", "TASKS", "Split", "assign_splits", "build",
    "export", "export_store", "export_target", "fnc1_csv", "label_sets", "parse_choice", "parse_split",
]
