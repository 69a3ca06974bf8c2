"""The desk: one open event, headless.

Everything the app does with an event's annotations goes through a
:class:`Desk`: its articles in reading order and the focused one, reads
(claims, ratings, links, noise, entities with the reader's corrections),
every write (claims, stances, ratings, links, noise marks, entity
corrections and merges, targets, claim groups, undo and redo), search,
link suggestions, corroboration and progress counts. Plain Python: the
Textual app is a view of it, and the tests drive it without a terminal.

Writes return what was saved, or raise the store's :class:`StoreError` /
:class:`ValidationError` unchanged (nothing was saved), so the caller can
say why. After every change the desk tells its subscribers what changed, as
typed events (:class:`ClaimsChanged`, :class:`RatingsChanged`, …): made from
the store's own change notifications, so an undo or a redo (whose articles
the desk cannot know) reports ``article_ids=None``, "any article".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from annotations.corroboration import Candidate, Corroboration, group_rows, source_rows, source_signal
from annotations.schema import ValidationError
from annotations.spans import SpanReach
from annotations.store import AnnotationStore, StoreError
from corpus.analysis import Analyser
from corpus.articles import Article, Corpus, Event
from corpus.noise import apply_marks
from corpus.text import visible

__all__ = [
    "ClaimsChanged", "Counterpart", "Desk", "DeskEvent", "EntitiesChanged", "GroupsChanged", "Guess", "LinkOutcome",
    "LinksChanged", "NoiseChanged", "Progress", "RatingsChanged", "ReviewItem", "ReviewOutcome", "SchemeChanged",
    "SearchHit",
    "StoreError", "TargetsChanged", "ValidationError", "guess_place",
]


# -- change events -------------------------------------------------------------

@dataclass(frozen=True)
class DeskEvent:
    """Something changed in the store. ``article_ids``: the articles it
    touched, or None when any article may have changed (an undo, a redo)."""

    article_ids: frozenset[str] | None = None

    def touches(self, article_id: str) -> bool:
        return self.article_ids is None or article_id in self.article_ids


class ClaimsChanged(DeskEvent):
    """Claims were added, changed or deleted."""


class RatingsChanged(DeskEvent):
    """An article's or a source's rating changed (a source's shows on all its articles)."""


class LinksChanged(DeskEvent):
    """Links between claims changed (so did which claims are linked)."""


class GroupsChanged(DeskEvent):
    """A claim group's canonical wording or stance changed."""


class TargetsChanged(DeskEvent):
    """The event's target propositions changed (``Desk.targets`` is already fresh)."""


class NoiseChanged(DeskEvent):
    """The reader marked or unmarked noise."""


class EntitiesChanged(DeskEvent):
    """Entity corrections or merges changed."""


class SchemeChanged(DeskEvent):
    """The store's label scheme changed (an undo or redo of ``factdesk scheme
    rename`` or ``drop``): ``Desk.scheme`` is already the new one; forms,
    colours, filters and stats should be made again."""


# which store tables make which event, in the order subscribers hear them
_EVENTS = (
    (ClaimsChanged, {"claims"}),
    (RatingsChanged, {"ratings", "source_ratings"}),
    (LinksChanged, {"links"}),
    (GroupsChanged, {"groups"}),
    (TargetsChanged, {"targets", "meta"}),
    (NoiseChanged, {"noise_marks"}),
    (EntitiesChanged, {"entity_edits", "entity_merges"}),
)


# -- typed results -------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    """The event's counts for the status line."""

    articles: int
    claims: int
    rated: int


@dataclass(frozen=True)
class SearchHit:
    """A match of a search, and where it stands among all of them."""

    article_id: str
    start: int
    end: int
    number: int    # 1-based, in reading order
    total: int
    articles: int  # how many articles have a match


@dataclass(frozen=True)
class LinkOutcome:
    """What a link action did: a sentence to show, and whether it warns."""

    message: str
    warning: bool = False


@dataclass(frozen=True)
class Counterpart:
    """A claim linked to another one, with the link, in reading order."""

    position: int
    claim: dict
    link: dict


@dataclass(frozen=True)
class Guess:
    """Where a claim flagged for review probably is in its article's new text.

    ``how``: ``"exact"`` (its quote occurs once, or its context picks one
    place), ``"nearest"`` (its quote occurs at several places equally well:
    the one nearest its old place), ``"similar"`` (its quote is not in the new
    text: the words that replaced it, found by comparing the old and new texts
    word by word). ``similarity``: 0..1, how alike the quote and the text there are."""

    start: int
    end: int
    how: str
    text: str
    similarity: float


@dataclass(frozen=True)
class ReviewItem:
    """A claim flagged for review after its article's text changed, with what
    the reader needs to place it again."""

    claim: dict             # the stored record, as it is
    article_id: str         # the article's newest version (one of the event's articles)
    old_article_id: str     # the version the claim was made on
    old_start: int          # its offsets in that old text
    old_end: int
    guess: Guess | None     # where its quote probably is now, or None

    @property
    def claim_id(self) -> str:
        return self.claim["id"]

    @property
    def quote(self) -> str:
        return self.claim.get("quote", "")

    def place(self, length: int) -> tuple[int, int]:
        """Where to show it in the new text (of ``length`` characters): the
        guess, or else its old offsets, cut to the text."""
        if self.guess is not None:
            return self.guess.start, self.guess.end
        start = max(0, min(self.old_start, length))
        return start, max(start, min(self.old_end, length))


@dataclass(frozen=True)
class ReviewOutcome:
    """What a review action did: ``action`` is ``"kept"`` or ``"dropped"``;
    ``claim`` the record as saved (kept) or as it was (dropped); ``notes``
    what else changed with it (a speaker that could not follow, links removed)."""

    action: str
    claim_id: str
    article_id: str
    claim: dict
    message: str
    notes: tuple[str, ...] = ()


_WORD = re.compile(r"\S+")
_GUESS_SIMILARITY = 0.4  # below this the text at the old place is not offered as a guess


def _similarity(a: str, b: str) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b, autojunk=False).ratio() if a and b else 0.0


@lru_cache(maxsize=4)
def _word_diff(old_text: str, new_text: str) -> tuple[list, list, list]:
    """The words (spans) of both texts and the opcodes that turn one into the
    other (kept for the next claim of the same article)."""
    from difflib import SequenceMatcher

    old_words = [(m.start(), m.end()) for m in _WORD.finditer(old_text)]
    new_words = [(m.start(), m.end()) for m in _WORD.finditer(new_text)]
    a = [old_text[s:e] for s, e in old_words]
    b = [new_text[s:e] for s, e in new_words]
    # the words before and after the edits are the same: compare only what lies between
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle_a, middle_b = a[head:len(a) - tail], b[head:len(b) - tail]
    # a long stretch of changes is compared with difflib's heuristic (fast; may miss a few words)
    quick = len(middle_a) * len(middle_b) > 4_000_000
    opcodes = [("equal", 0, head, 0, head)] if head else []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, middle_a, middle_b, autojunk=quick).get_opcodes():
        opcodes.append((tag, i1 + head, i2 + head, j1 + head, j2 + head))
    if tail:
        opcodes.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    return old_words, new_words, opcodes


def _map_span(old_text: str, new_text: str, start: int, end: int) -> tuple[int, int] | None:
    """[start, end) of the old text carried into the new text through a word
    by word comparison of the two; None if its words were deleted."""
    old_words, new_words, opcodes = _word_diff(old_text, new_text)
    if not old_words or not new_words:
        return None
    first = bisect_right([e for _, e in old_words], start)          # first word ending after start
    last = bisect_right([s for s, _ in old_words], end - 1) - 1      # last word starting before end
    if first >= len(old_words) or last < first:
        return None
    op_first = next(op for op in opcodes if op[1] <= first < op[2])
    op_last = next(op for op in opcodes if op[1] <= last < op[2])
    tag, i1, _, j1, _ = op_first
    if tag == "equal":
        word = j1 + first - i1
        new_start = new_words[word][0] + max(0, start - old_words[first][0])
    else:
        word = j1
        new_start = new_words[word][0] if word < len(new_words) else len(new_text)
    tag, i1, _, j1, j2 = op_last
    if tag == "equal":
        word = j1 + last - i1
        new_end = new_words[word][1] - max(0, old_words[last][1] - end)
    else:
        new_end = new_words[j2 - 1][1] if j2 > 0 else 0
    return (new_start, new_end) if new_start < new_end else None


def guess_place(old_text: str | None, new_text: str, start: int, end: int, quote: str,
                prefix: str = "", suffix: str = "") -> Guess | None:
    """Where the claim quoting ``quote`` at [start, end) of ``old_text`` probably
    is in ``new_text`` (see :class:`Guess`); None if nowhere is likely. A guess
    is only shown to the reader: nothing is moved on it unless they say so."""
    from annotations.anchor import reanchor

    if not quote:
        return None
    anchor = reanchor(new_text, quote, prefix, suffix)
    if anchor is not None:
        return Guess(anchor.start, anchor.end, "exact", quote, 1.0)
    mapped = _map_span(old_text, new_text, start, end) if old_text else None
    places = [m.start() for m in re.finditer(re.escape(quote), new_text)] if quote in new_text else []
    if places:
        near = mapped[0] if mapped else (start * len(new_text) // max(1, len(old_text or new_text)))
        at = min(places, key=lambda p: (abs(p - near), p))
        return Guess(at, at + len(quote), "nearest", quote, 1.0)
    if mapped is None:
        return None
    s, e = mapped
    if e - s > 3 * len(quote) + 80:  # the words around it changed too much to point at one place
        return None
    there = new_text[s:e]
    similarity = _similarity(quote, there)
    if similarity < _GUESS_SIMILARITY:
        return None
    return Guess(s, e, "similar", there, round(similarity, 3))


class Desk:
    """The open event of a corpus over a store (see the module's docstring)."""

    def __init__(self, corpus: Corpus, store: AnnotationStore, analyser: Analyser, event: Event | None = None) -> None:
        self.corpus = corpus
        self.store = store
        self.analyser = analyser
        self.event = event or corpus.event
        self.articles: list[Article] = corpus.event_articles(self.event)
        if not self.articles:
            raise ValidationError(f"the event {visible(self.event.id, limit=80)!r} has no articles")
        self._positions = {a.id: n for n, a in enumerate(self.articles)}
        self._by_hash: dict[str, list[str]] | None = None  # text hash -> the event's articles with that text
        self.focused_id = self.articles[0].id
        self.analyses: dict[str, object] = {}
        self.targets = self._load_targets()
        self._subscribers: list[Callable[[DeskEvent], None]] = []
        self._batch: set[str] | None = None
        self._index = None
        self.index_key: tuple | None = None
        self._scheme_seen = self._scheme_fingerprint()
        self._progress: dict[str, tuple[object, tuple[int, int]]] = {}  # article -> (its analysis, progress)
        store.storage.on_change.append(self._store_changed)

    def close(self) -> None:
        """Stop listening to the store (the desk is not used any more)."""
        if self._store_changed in self.store.storage.on_change:
            self.store.storage.on_change.remove(self._store_changed)
        self._subscribers.clear()

    # -- subscribers -----------------------------------------------------------

    def subscribe(self, callback: Callable[[DeskEvent], None]) -> Callable[[], None]:
        """Call ``callback(event)`` after every change; returns a function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def _store_changed(self, tables: set[str]) -> None:
        if self._batch is not None:
            self._batch |= tables
        else:  # a change the desk did not make itself (undo, redo, another writer)
            self._emit(tables, None)

    @contextmanager
    def _writing(self, article_ids: Iterable[str] | None):
        """One desk operation: the store's notifications are gathered and told
        once at the end, with the articles the operation touched."""
        outer = self._batch is not None
        if not outer:
            self._batch = set()
        try:
            yield
        finally:
            if not outer:
                tables, self._batch = self._batch, None
                if tables:
                    self._emit(tables, None if article_ids is None else frozenset(article_ids))

    def _scheme_fingerprint(self) -> str:
        from annotations.scheme_file import fingerprint

        return fingerprint(self.store.scheme)

    def _emit(self, tables: set[str], article_ids: frozenset[str] | None) -> None:
        self._progress.clear()  # claims or noise may have changed
        if tables & {"targets", "meta"}:
            self.targets = self._load_targets()
        if "meta" in tables:
            seen = self._scheme_fingerprint()
            if seen != self._scheme_seen:
                self._scheme_seen = seen
                for callback in list(self._subscribers):
                    callback(SchemeChanged(None))
        for kind, names in _EVENTS:
            if tables & names:
                event = kind(article_ids)
                for callback in list(self._subscribers):
                    callback(event)

    # -- articles --------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    @property
    def scheme(self):
        """The store's label scheme (:class:`annotations.labels.LabelScheme`):
        every label the screens offer, colour and count comes from it."""
        return self.store.scheme

    def article(self, article_id: str) -> Article:
        """Any article of the corpus (a claim's link may lead out of the event)."""
        return self.corpus.article(article_id)

    def position_of(self, article_id: str) -> int:
        return self._positions[article_id]

    @property
    def focused(self) -> Article:
        return self.articles[self._positions[self.focused_id]]

    def focus(self, article_id: str) -> None:
        """The article the reader works on now (one of the event's)."""
        if article_id not in self._positions:
            raise ValidationError(f"article {visible(article_id, limit=80)!r} is not in the event {visible(self.event.id, limit=80)!r}")
        self.focused_id = article_id

    def duplicate_name(self, article: Article) -> str:
        """What the article duplicates (a path or a title), or ""."""
        if not article.duplicate_of:
            return ""
        original = self.corpus.article(article.duplicate_of)
        return original.path or original.title

    def _load_targets(self) -> list[dict]:
        """The event's targets: the corpus's, with the reader's edits and additions."""
        targets = self.store.event_targets(self.event.id)
        return targets or [{"id": t.id, "text": t.text} for t in self.event.targets]

    # -- analyses and entities -------------------------------------------------

    def analysis(self, article_id: str, load: bool = True):
        """The article's analysis: the one held, or (``load``) the cache's, or None."""
        analysis = self.analyses.get(article_id)
        if analysis is None and load:
            article = self.article(article_id)
            analysis = self.analyser.cached(article.text_hash)
            if analysis is not None:
                self.analyses[article_id] = analysis
        return analysis

    def missing_analyses(self) -> list[Article]:
        """The event's articles with no analysis held or cached."""
        return [a for a in self.articles if a.id not in self.analyses
                and not self.analyser.cache.has(a.text_hash, self.analyser.choice)]

    def articles_with_text(self, text_hash: str) -> list[str]:
        """The ids of the event's articles with this text (its analysis is theirs)."""
        if self._by_hash is None:
            self._by_hash = {}
            for article in self.articles:
                self._by_hash.setdefault(article.text_hash, []).append(article.id)
        return self._by_hash.get(text_hash, [])

    def set_analysis(self, analysis) -> list[str]:
        """An analysis arrived: the ids of the event's articles it belongs to."""
        ids = self.articles_with_text(analysis.text_hash)
        for article_id in ids:
            self.analyses[article_id] = analysis
        return ids

    def entities_of(self, article_id: str) -> tuple[tuple[int, int, str], ...]:
        """The model's entities with the reader's corrections applied."""
        from corpus.corrections import apply_entity_edits

        analysis = self.analyses.get(article_id)
        return apply_entity_edits(analysis.ents if analysis else (), self.store.entity_edits(article_id))

    def entity_at(self, article_id: str, offset: int) -> tuple[int, int, str] | None:
        return next((e for e in self.entities_of(article_id) if e[0] <= offset < e[1]), None)

    def entity_groups(self) -> dict[str, list]:
        """Entity groups over every article of the event (analyses read as needed)."""
        from corpus.entities import group_mentions

        texts = {}
        for article in self.articles:
            if self.analysis(article.id) is not None:
                texts[article.id] = (article.text, list(self.entities_of(article.id)))
        return group_mentions(texts, self.store.entity_merges())

    @staticmethod
    def group_of(groups: dict[str, list], article_id: str, start: int) -> str | None:
        return next((k for k, ms in groups.items()
                     if any(m.article_id == article_id and m.start == start for m in ms)), None)

    def entity_rows(self, groups: dict[str, list]) -> list[tuple[str, str, int, int]]:
        """(key, name, mentions, articles) of each group, most frequent first."""
        from corpus.entities import by_frequency

        return [(key, groups[key][0].text, n, articles) for key, n, articles in by_frequency(groups)]

    def label_entity(self, article_id: str, start: int, end: int, label: str | None,
                     everywhere: bool = False) -> int:
        """The reader's entity label for [start, end) (None: not an entity), and
        with ``everywhere`` for every identical mention in the event; one
        undoable action. How many places were labelled."""
        article = self.article(article_id)
        quote = article.text[start:end]
        edits = [(article_id, start, end, label)]
        if everywhere and quote:
            left = r"\b" if quote[:1].isalnum() else ""
            right = r"\b" if quote[-1:].isalnum() else ""
            pattern = re.compile(left + re.escape(quote) + right)
            for other in self.articles:
                for m in pattern.finditer(other.text):
                    if (other.id, m.start()) != (article_id, start):
                        edits.append((other.id, m.start(), m.end(), label))
        with self._writing({e[0] for e in edits}):
            return self.store.correct_entities(edits)

    def merge_entities(self, key_a: str, key_b: str) -> None:
        with self._writing(None):
            self.store.merge_entities(key_a, key_b)

    # -- reads -------------------------------------------------------------------

    def claims(self, article_id: str | None = None) -> list[dict]:
        """An article's claims, or (no id) every claim of the event's articles."""
        if article_id is not None:
            return self.store.claims(article_id)
        return [c for c in self.store.claims() if c["article_id"] in self._positions]

    def claim(self, claim_id: str) -> dict | None:
        return self.store.claim(claim_id)

    def claim_at(self, article_id: str, offset: int) -> dict | None:
        """The claim of the article that covers ``offset`` (the first, if several do)."""
        return next((c for c in self.store.claims(article_id) if c["start"] <= offset < c["end"]), None)

    def existing_claim(self, article_id: str, start: int, end: int) -> dict | None:
        """The claim that already is the text [start, end): the one overlapping
        it most, if the overlap is at least half of the shorter of the two (the
        same sentence selected again, a part of a claim, a claim and a little
        more); None for text no claim is."""
        def overlap(c: dict) -> int:
            return min(c["end"], end) - max(c["start"], start)

        same = [c for c in self.store.claims(article_id)
                if 2 * overlap(c) >= min(end - start, c["end"] - c["start"]) and overlap(c) > 0]
        return max(same, key=lambda c: (overlap(c), -c["start"]), default=None)

    def rating(self, article_id: str) -> dict | None:
        return self.store.rating(article_id)

    def source_rating(self, source: str) -> dict | None:
        return self.store.source_rating(source) if source else None

    def ratings(self) -> list[dict]:
        """The ratings of the event's articles."""
        return [r for r in self.store.ratings() if r["article_id"] in self._positions]

    def link_counts(self) -> dict[str, int]:
        """Claim id → how many links it has."""
        counts: dict[str, int] = {}
        for link in self.store.links():
            for claim_id in (link["a"], link["b"]):
                counts[claim_id] = counts.get(claim_id, 0) + 1
        return counts

    def noise_of(self, article_id: str) -> list[tuple[int, int, str]]:
        """The article's noise regions: the corpus's, with the reader's marks applied."""
        return apply_marks(list(self.article(article_id).noise), self.store.noise_marks(article_id))

    def progress(self) -> Progress:
        claims, rated = self.store.event_progress(self._positions)
        return Progress(len(self.articles), claims, rated)

    def _sentences(self, article_id: str) -> list[tuple[int, int]]:
        """The article's sentences that are not inside noise ([] before its analysis)."""
        analysis = self.analyses.get(article_id)
        if analysis is None:
            return []
        inside = SpanReach([(s, e) for s, e, _ in self.noise_of(article_id)])
        return [(s, e) for s, e in analysis.sents if inside.furthest_end(s) < e]

    def _claim_reach(self, article_id: str) -> SpanReach:
        return SpanReach([(c["start"], c["end"]) for c in self.store.claims(article_id)])

    def sentence_progress(self, article_id: str) -> tuple[int, int] | None:
        """(sentences with a claim, sentences that are not noise), None before the analysis."""
        analysis = self.analyses.get(article_id)
        if analysis is None:
            return None
        known = self._progress.get(article_id)
        if known is not None and known[0] is analysis:  # asked for on every status update
            return known[1]
        claims = self._claim_reach(article_id)
        sentences = self._sentences(article_id)
        progress = sum(1 for s, e in sentences if claims.overlaps(s, e)), len(sentences)
        self._progress[article_id] = (analysis, progress)
        return progress

    def next_unannotated(self, article_id: str, after: int) -> tuple[int, int] | None:
        """The next sentence from ``after`` on that no claim touches and that is not noise."""
        claims = self._claim_reach(article_id)
        return next(((s, e) for s, e in self._sentences(article_id)
                     if s >= after and not claims.overlaps(s, e)), None)

    def sentence_at(self, article_id: str, offset: int) -> tuple[int, int] | None:
        analysis = self.analyses.get(article_id)
        for start, end in analysis.sents if analysis else ():
            if start <= offset < end or (offset == end and start < end):
                return start, end
        return None

    def snap(self, article_id: str, start: int, end: int) -> tuple[int, int] | None:
        """[start, end) without the white space at its ends, snapped to whole
        words by the analysis if there is one; None if nothing is left."""
        text = self.article(article_id).text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            return None
        analysis = self.analyses.get(article_id)
        return analysis.snap(start, end) if analysis is not None else (start, end)

    # -- claims ------------------------------------------------------------------

    def add_claim(self, article_id: str, start: int, end: int, stances: dict[str, str] | None = None,
                  **fields) -> dict:
        with self._writing({article_id}):
            return self.store.add_claim(article_id, start, end, stances, **fields)

    def _claim_or_error(self, claim_id: str) -> dict:
        claim = self.store.claim(claim_id)
        if claim is None:
            raise ValidationError(f"claim {visible(claim_id, limit=80)!r} is not in this store")
        return claim

    def update_claim(self, claim_id: str, stances: dict[str, str] | None = None, **fields) -> dict:
        claim = self._claim_or_error(claim_id)
        with self._writing({claim["article_id"]}):
            return self.store.update_claim(claim_id, stances, **fields)

    def set_stance(self, claim_id: str, target_id: str, stance: str) -> dict:
        claim = self._claim_or_error(claim_id)
        with self._writing({claim["article_id"]}):
            return self.store.set_stance(claim_id, target_id, stance)

    def delete_claim(self, claim_id: str) -> dict:
        """Delete a claim (and its links); returns the claim as it was."""
        claim = self._claim_or_error(claim_id)
        linked = [l["b"] if l["a"] == claim_id else l["a"] for l in self.store.links(claim_id)]
        touched = {claim["article_id"]} | {c["article_id"] for c in map(self.store.claim, linked) if c}
        with self._writing(touched):
            self.store.delete_claim(claim_id)
        return claim

    # -- claims flagged for review ---------------------------------------------------
    #
    # A claim whose article's text changed, and whose quote could not be found
    # again for certain, keeps its old article id and offsets with status
    # ``needs_review``: it is in no article's claims until the reader keeps it
    # (at a place they choose in the new text) or drops it.

    def _flagged(self) -> list[tuple[dict, str]]:
        """(claim, newest article id) of every flagged claim of the event's articles."""
        out = []
        for claim in self.store.claims_for_review():
            newest = self.store.newest_version(claim["article_id"])
            if newest in self._positions:
                out.append((claim, newest))
        return out

    def review_count(self) -> int:
        """How many claims of the event wait for review (for the status line)."""
        return len(self._flagged())

    def _review_item(self, claim: dict, article_id: str) -> ReviewItem:
        old = self.store.article(claim["article_id"])
        guess = guess_place(old["text"] if old else None, self.article(article_id).text, claim["start"],
                            claim["end"], claim.get("quote", ""), claim.get("prefix", ""), claim.get("suffix", ""))
        return ReviewItem(claim, article_id, claim["article_id"], claim["start"], claim["end"], guess)

    def review_claims(self) -> list[ReviewItem]:
        """The event's claims flagged for review, in reading order (by article,
        then old place), each with its best guess of where it is now."""
        items = [self._review_item(c, a) for c, a in self._flagged()]
        return sorted(items, key=lambda i: (self._positions[i.article_id], i.old_start, i.old_end, i.claim_id))

    def review_item(self, claim_id: str) -> ReviewItem:
        """One flagged claim of the event, or ValidationError saying why not."""
        claim = self._claim_or_error(claim_id)
        if claim.get("status", "ok") != "needs_review":
            raise ValidationError(f"claim {visible(claim_id, limit=80)!r} is not waiting for review: it is in "
                                  "its article already; edit or delete it there")
        newest = self.store.newest_version(claim["article_id"])
        if newest not in self._positions:
            raise ValidationError(f"claim {visible(claim_id, limit=80)!r} belongs to an article outside the event "
                                  f"{visible(self.event.id, limit=80)!r}; open that article's event to review it")
        return self._review_item(claim, newest)

    def keep_claim(self, claim_id: str, start: int, end: int) -> ReviewOutcome:
        """Keep a flagged claim at [start, end) of its article's current text:
        it gets that text's offsets, hash and quote selector (as re-anchoring
        stores them) and is an ordinary claim again. One undoable action."""
        item = self.review_item(claim_id)
        with self._writing({item.article_id, item.old_article_id}):
            saved = self.store.place_claim(claim_id, start, end, item.article_id)
        notes = []
        speaker = item.claim.get("speaker")
        if isinstance(speaker, dict) and speaker.get("kind") == "entity" and "speaker" not in saved:
            notes.append(f"its speaker “{visible(speaker.get('text', ''), limit=60)}” is not in the new text for "
                         "certain and was removed: set it again in the claim form (F2)")
        title = visible(self.article(item.article_id).title, limit=40)
        message = f"Claim kept at “{visible(saved['quote'], limit=100)}” in “{title}”."
        if notes:
            message += " Note: " + "; ".join(notes) + "."
        return ReviewOutcome("kept", claim_id, item.article_id, saved, message, tuple(notes))

    def keep_at_guess(self, claim_id: str) -> ReviewOutcome:
        """Keep a flagged claim where :meth:`review_claims` guesses it is now."""
        item = self.review_item(claim_id)
        if item.guess is None:
            raise ValidationError("there is no likely place for this claim in the new text: jump to the article "
                                  "(Enter), select the claim's words and keep it at the selection")
        return self.keep_claim(claim_id, item.guess.start, item.guess.end)

    def drop_claim(self, claim_id: str) -> ReviewOutcome:
        """Delete a flagged claim (and its links). One undoable action."""
        item = self.review_item(claim_id)
        links = self.store.links(claim_id)
        linked = [l["b"] if l["a"] == claim_id else l["a"] for l in links]
        touched = {item.article_id, item.old_article_id}
        touched |= {c["article_id"] for c in map(self.store.claim, linked) if c}
        with self._writing(touched):
            self.store.delete_claim(claim_id)
        notes = (f"{len(links)} link(s) to other claims removed with it",) if links else ()
        message = f"Claim “{visible(item.quote, limit=60)}” dropped."
        if notes:
            message += f" {notes[0][0].upper()}{notes[0][1:]}."
        return ReviewOutcome("dropped", claim_id, item.article_id, item.claim, message, notes)

    # -- ratings -----------------------------------------------------------------

    def rate_article(self, article_id: str, label: str, note: str = "", codes=()) -> dict:
        with self._writing({article_id}):
            return self.store.rate_article(article_id, label, note, codes)

    def rate_source(self, source: str, label: str, note: str = "", codes=()) -> dict:
        """Rate a source: every article of the event from it shows the rating."""
        with self._writing({a.id for a in self.articles if a.source == source}):
            return self.store.rate_source(source, label, note, codes)

    # -- noise -------------------------------------------------------------------

    def mark_noise(self, article_id: str, start: int, end: int) -> dict:
        with self._writing({article_id}):
            return self.store.mark_noise(article_id, start, end, noise=True)

    def unmark_noise_at(self, article_id: str, offset: int) -> dict | None:
        """Unmark the noise region at ``offset``; None if there is none there."""
        region = next((r for r in self.noise_of(article_id) if r[0] <= offset < r[1]), None)
        if region is None:
            return None
        with self._writing({article_id}):
            return self.store.mark_noise(article_id, region[0], region[1], noise=False)

    # -- targets and claim groups --------------------------------------------------

    def set_target(self, text: str, target_id: str | None = None) -> dict:
        """Add a target proposition to the event, or reword one."""
        with self._writing(None):
            return self.store.set_target(self.event.id, text, target_id)

    def set_group_stance(self, group_id: str, stance: str) -> dict:
        """A claim group's stance toward the event's first target."""
        if not self.targets:
            raise ValidationError("this event has no target proposition: add one with t first")
        group = next((g for g in self.store.claim_groups() if g.id == group_id), None)
        if group is None:
            raise ValidationError(f"claim group {visible(group_id, limit=80)!r} does not exist (link two claims as 'same' first)")
        with self._writing(None):
            return self.store.set_group(group_id, stance={**group.stance, self.targets[0]["id"]: stance})

    def set_group_canonical(self, group_id: str, text: str) -> dict:
        with self._writing(None):
            return self.store.set_group(group_id, canonical=text)

    # -- undo and redo -------------------------------------------------------------

    def undo(self) -> str | None:
        """Undo the last action; its label, or None when there is nothing to undo."""
        return self.store.undo()

    def redo(self) -> str | None:
        return self.store.redo()

    # -- search --------------------------------------------------------------------

    def matches(self, needle: str) -> list[tuple[str, int, int]]:
        """Every (article id, start, end) where ``needle`` occurs, case-insensitively,
        in the event's articles, in reading order."""
        needle = needle.strip()
        if not needle:
            return []
        pattern = re.compile(re.escape(needle), re.IGNORECASE)
        return [(a.id, m.start(), m.end()) for a in self.articles for m in pattern.finditer(a.text)]

    def next_match(self, needle: str, article_id: str, offset: int) -> SearchHit | None:
        """The first match after ``offset`` of ``article_id`` in reading order
        (wrapping around to the first); None if there is none."""
        found = self.matches(needle)
        if not found:
            return None
        order = [(self._positions[a], s, e, a) for a, s, e in found]
        here = (self._positions[article_id], offset)
        chosen = next((m for m in order if (m[0], m[1]) > here), order[0])
        return SearchHit(chosen[3], chosen[1], chosen[2], order.index(chosen) + 1, len(found),
                         len({a for a, _, _ in found}))

    def match_rows(self, needle: str, limit: int = 500) -> list[tuple]:
        """Rows of the results list: ((article id, start, end), title, before, match, after)."""
        rows = []
        for article_id, start, end in self.matches(needle)[:limit]:
            article = self.article(article_id)
            before = article.text[max(0, start - 40):start].replace("\n", " ")
            after = article.text[end:end + 40].replace("\n", " ")
            rows.append(((article_id, start, end), article.title, before, article.text[start:end], after))
        return rows

    # -- links and suggestions -------------------------------------------------------

    def index_inputs(self) -> tuple[tuple, list]:
        """What the sentence index is built from: per article its id, text,
        hash, analysis if loaded, and the reader's entity edits; and a key that
        changes when any of it does. Cheap on the UI thread, whatever the
        event's size: no file is looked at (the worker reads the cache) and
        the edits are read in one pass."""
        edits = self.store.entity_edits_by_article()
        inputs = [(a.id, a.text, a.text_hash, self.analyses.get(a.id), edits.get(a.id, [])) for a in self.articles]
        return self._index_key(edits), inputs

    def _index_key(self, edits: dict[str, list] | None = None) -> tuple:
        edits = self.store.entity_edits_by_article() if edits is None else edits
        return (sum(1 for a in self.articles if a.id in self.analyses),
                sum(len(edits.get(a.id, ())) for a in self.articles))

    @staticmethod
    def build_index(inputs, analyser: Analyser):
        """The index and the analyses it read (safe in a worker thread: reads only ``inputs``)."""
        from corpus.corrections import apply_entity_edits
        from corpus.similarity import SentenceIndex, event_sentences

        items, loaded = [], {}
        for article_id, text, text_hash, analysis, edits in inputs:
            if analysis is None:
                analysis = analyser.cached(text_hash)
                if analysis is None:
                    continue
                loaded[article_id] = analysis
            items.append((article_id, text, analysis.sents, apply_entity_edits(analysis.ents, edits)))
        return SentenceIndex(event_sentences(items)), loaded

    def index_stale(self) -> bool:
        return self.index_key != self._index_key()

    def set_index(self, key: tuple, index, loaded: dict) -> None:
        """An index built ahead (in a worker) from the inputs of ``key``; the
        analyses it read from the cache are the desk's now, and count in the key."""
        for article_id, analysis in loaded.items():
            self.analyses.setdefault(article_id, analysis)
        key = (sum(1 for a in self.articles if a.id in self.analyses), key[1])  # the edits as they were read
        self._index, self.index_key = index, key

    def sentence_index(self):
        """The event's sentences for suggestions: the one built ahead, or built now."""
        key, inputs = self.index_inputs()
        if self.index_key != key:
            index, loaded = self.build_index(inputs, self.analyser)
            self.set_index(key, index, loaded)
        return self._index

    def link_candidates(self, claim: dict, limit: int = 8) -> list[Candidate]:
        """What the claim can be linked to: its linked claims first, then the
        most similar sentences of the other articles (as claims where a claim
        already covers them)."""
        from corpus.similarity import entity_keys

        article = self.article(claim["article_id"])
        claims = {c["id"]: c for c in self.claims()}
        out, seen = [], set()

        def candidate(target: dict | None, article_id: str, start: int, end: int, **extra) -> None:
            other = self.article(article_id)
            key = target["id"] if target else (article_id, start, end)
            if key in seen:
                return
            seen.add(key)
            out.append(Candidate(article_id, start, end, other.text[start:end], other.title, other.source,
                                 claim_id=target["id"] if target else None, **extra))

        for link in self.store.links(claim["id"]):
            other = claims.get(link["b"] if link["a"] == claim["id"] else link["a"])
            if other is not None:
                candidate(other, other["article_id"], other["start"], other["end"], link_id=link["id"],
                          link_label=link["label"], reasons=[link["note"]] if link.get("note") else [])
        index = self.sentence_index()
        keys = entity_keys(article.text, self.entities_of(article.id), claim["start"], claim["end"])
        for suggestion in index.suggest(claim["quote"], keys, exclude_article=article.id, limit=limit):
            sentence = suggestion.sentence
            covering = [c for c in claims.values() if c["article_id"] == sentence.article_id
                        and c["start"] < sentence.end and c["end"] > sentence.start]
            best = max(covering, key=lambda c: min(c["end"], sentence.end) - max(c["start"], sentence.start),
                       default=None)
            start, end = (best["start"], best["end"]) if best else (sentence.start, sentence.end)
            candidate(best, sentence.article_id, start, end, score=suggestion.score, reasons=suggestion.reasons,
                      mismatch=suggestion.mismatch is not None)
        return out

    def needs_stance(self, target: Candidate, label: str | None) -> bool:
        """Whether linking to ``target`` makes a new claim, which needs its stances."""
        return label is not None and target.claim_id is None and bool(self.targets)

    def link(self, claim: dict, target: Candidate, label: str | None, note: str = "",
             stances: dict[str, str] | None = None, fields: dict | None = None) -> LinkOutcome:
        """Link ``claim`` to a candidate; ``label=None`` removes the candidate's link.

        A bare sentence becomes a claim first, in the same undoable action,
        with ``stances`` (one for each of the event's targets: a claim with no
        stance would be exported without one) and the claim ``fields`` (those
        of :meth:`add_claim`: its note, type, speaker…)."""
        from corpus.similarity import describe_mismatch, number_mismatch

        if self.needs_stance(target, label):
            missing = [t["id"] for t in self.targets if not (stances or {}).get(t["id"])]
            if missing:
                raise ValidationError(f"the sentence becomes a claim: it needs its stance toward target(s) "
                                      f"{', '.join(visible(m, limit=40) for m in missing)}")
        with self._writing({claim["article_id"], target.article_id}):
            if label is None:
                if target.link_id is None:
                    raise ValidationError("these claims are not linked")
                self.store.unlink(target.link_id)
                return LinkOutcome("Unlinked.")
            if target.claim_id is None:
                with self.store.action("link to a suggested sentence"):
                    new = self.store.add_claim(target.article_id, target.start, target.end, stances,
                                               **(fields or {}))
                    self.store.link_claims(claim["id"], new["id"], label, note)
                message = f"Linked ({label}) to a new claim in “{visible(target.title, limit=40)}”."
            else:
                self.store.link_claims(claim["id"], target.claim_id, label, note)
                message = f"Linked ({label}) to “{visible(target.title, limit=40)}”."
        mismatch = number_mismatch(claim["quote"], target.text)
        if mismatch and label in self.scheme.links.backs:  # backing claims whose numbers differ
            return LinkOutcome(message + f" ⚠ {describe_mismatch(mismatch)}.", warning=True)
        return LinkOutcome(message)

    def counterparts(self, claim: dict) -> list[Counterpart]:
        """The claims of the event linked to ``claim``, in reading order."""
        out = []
        for link in self.store.links(claim["id"]):
            other = self.store.claim(link["b"] if link["a"] == claim["id"] else link["a"])
            if other is not None and other["article_id"] in self._positions:
                out.append(Counterpart(self._positions[other["article_id"]], other, link))
        return sorted(out, key=lambda c: (c.position, c.claim["start"]))

    # -- corroboration -----------------------------------------------------------------

    def _corroboration(self):
        from annotations.links import corroboration

        claims = {c["id"]: c for c in self.claims()}
        links = [l for l in self.store.links() if l["a"] in claims and l["b"] in claims]
        groups = [g for g in self.store.claim_groups() if all(c in claims for c in g.claim_ids)]
        source_of = {a.id: a.source or a.title for a in self.articles}
        return claims, groups, source_of, corroboration(groups, links, claims, source_of,
                                                        sorted(set(source_of.values())), self.scheme.links)

    def corroboration(self) -> Corroboration:
        """The corroboration view's rows for this event."""
        claims, groups, source_of, corr = self._corroboration()
        ratings = {}
        for article in self.articles:
            rating = self.source_rating(article.source)
            if rating:
                ratings[source_of[article.id]] = rating["label"]
        in_groups = {c for g in groups for c in g.claim_ids}
        return Corroboration(group_rows(groups, claims, corr, [t["id"] for t in self.targets], self.position_of),
                             source_rows(corr, ratings), len(set(claims) - in_groups))

    def source_signal(self, article: Article) -> str:
        """What other sources say of this article's source's claims (for the rating form)."""
        _, _, source_of, corr = self._corroboration()
        return source_signal(corr.by_source.get(source_of[article.id], {}))
