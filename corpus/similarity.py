"""Which sentences of other articles say the same thing: local, fast, no model.

A sentence is compared with a claim by three signals, each with a reason a
reader can check: the named entities they share, the numbers they share
(and the numbers that disagree), and their content words weighted by how
rare each word is in the event (tf-idf cosine).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from functools import lru_cache
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORD_NUMBER = re.compile(
    r"\b(?:(?:%s)(?:[\s-]+(?:and[\s-]+)?)?)+" % "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True)),
    re.IGNORECASE,
)
_DIGITS = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.,])\d+(?:\.\d+)?(?![\w,]\d)")
_NUMBER_WORDS = frozenset([*_UNITS, *_TENS, *_SCALES]) - {"one"}
_LETTERS = re.compile(r"[a-z]+")
_MULTIPLIER = re.compile(r"\s*(thousand|million|billion)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such than
that the their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself yourselves
said says say told according reported also mr ms one two would could may might must shall
""".split())


def _words_value(text: str) -> float | None:
    total, current, seen = 0, 0, False
    for word in re.split(r"[\s-]+", text.lower()):
        if word in ("", "and"):
            continue
        seen = True
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
    return float(total + current) if seen else None


def numbers(text: str) -> list[float]:
    """The numbers a sentence states, in order: ``300``, ``1,200``, ``3.5``,
    ``nine hundred``, ``2 million``. Years are numbers too."""
    found: list[tuple[int, float]] = []
    for m in _DIGITS.finditer(text):
        value = float(m.group().replace(",", ""))
        scale = _MULTIPLIER.match(text, m.end())
        if scale:
            value *= _SCALES[scale.group(1).lower()]
        found.append((m.start(), value))
    if _NUMBER_WORDS.isdisjoint(_LETTERS.findall(text.lower())):
        return [v for _, v in sorted(found)]
    for m in _WORD_NUMBER.finditer(text):
        words = m.group().strip(" -")
        if not words or words.lower() in ("and", "one"):
            continue  # a lone "one" ("one of the fighters") is rarely a count
        if words.lower() in _SCALES and re.search(r"\d\s*$", text[:m.start()]):
            continue  # "2 million": already counted with its digits
        value = _words_value(words)
        if value is not None:
            found.append((m.start(), value))
    return [v for _, v in sorted(found)]


def _fmt(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:g}"


def number_mismatch(a: str, b: str) -> tuple[list[float], list[float]] | None:
    """The numbers of ``a`` and of ``b`` when both state numbers and share none
    (e.g. "300 fighters" against "nine hundred mercenaries"); else None."""
    na, nb = set(numbers(a)), set(numbers(b))
    if na and nb and not na & nb:
        return sorted(na), sorted(nb)
    return None


def describe_mismatch(mismatch: tuple[list[float], list[float]]) -> str:
    a, b = mismatch
    return f"numbers differ: {', '.join(map(_fmt, a))} vs {', '.join(map(_fmt, b))}"


_SUFFIXES = ("ians", "ian", "ish", "ese", "ans", "an", "ey", "ia", "a", "i", "s")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light stemmer that folds plurals and demonyms onto their place
    ("Syrians", "Syrian", "Syria" → "syri"; "Turkish", "Turkey" → "turk")."""
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
                word = word[:-len(suffix)]
                break
        else:
            break
    return word


def content_words(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text.lower()) if word not in STOPWORDS and len(word) >= 3]


@dataclass(frozen=True)
class Sentence:
    article_id: str
    start: int
    end: int
    text: str
    entities: frozenset[str] = frozenset()  # entity keys (see corpus.entities.entity_key)


@dataclass
class Suggestion:
    sentence: Sentence
    score: float
    reasons: list[str] = field(default_factory=list)
    mismatch: tuple[list[float], list[float]] | None = None


class SentenceIndex:
    """The sentences of one event, ready to be compared with a claim."""

    def __init__(self, sentences: Iterable[Sentence]) -> None:
        self.sentences = list(sentences)
        self.words = [Counter(content_words(s.text)) for s in self.sentences]
        self.numbers = [set(numbers(s.text)) for s in self.sentences]
        df: Counter = Counter()
        for counts in self.words:
            df.update(counts.keys())
        n = len(self.sentences) or 1
        self.idf = {w: math.log((1 + n) / (1 + d)) + 1.0 for w, d in df.items()}
        self.norms = [self._norm(c) for c in self.words]

    def _weights(self, counts: Counter) -> dict[str, float]:
        default = math.log(1 + len(self.sentences)) + 1.0
        return {w: c * self.idf.get(w, default) for w, c in counts.items()}

    def _norm(self, counts: Counter) -> float:
        return math.sqrt(sum(v * v for v in self._weights(counts).values())) or 1.0

    def suggest(self, text: str, entities: Iterable[str] = (), exclude_article: str | None = None,
                limit: int = 5, min_score: float = 0.08) -> list[Suggestion]:
        """The sentences most like ``text`` in other articles, best first."""
        query = Counter(content_words(text))
        qweights = self._weights(query)
        qnorm = math.sqrt(sum(v * v for v in qweights.values())) or 1.0
        qnumbers = set(numbers(text))
        qentities = frozenset(entities)
        scored: list[Suggestion] = []
        for i, sentence in enumerate(self.sentences):
            if sentence.article_id == exclude_article:
                continue
            counts = self.words[i]
            shared_words = [w for w in qweights if w in counts]
            cosine = sum(qweights[w] * counts[w] * self.idf.get(w, 1.0) for w in shared_words) / (qnorm * self.norms[i])
            shared_entities = qentities & sentence.entities
            shared_numbers = qnumbers & self.numbers[i]
            score = cosine + 0.15 * len(shared_entities) + 0.25 * len(shared_numbers)
            if score < min_score:
                continue
            reasons = []
            if shared_numbers:
                reasons.append("same number " + ", ".join(_fmt(v) for v in sorted(shared_numbers)))
            if shared_entities:
                reasons.append(f"{len(shared_entities)} shared entit{'y' if len(shared_entities) == 1 else 'ies'}")
            if shared_words:
                top = sorted(shared_words, key=lambda w: -qweights[w])[:3]
                reasons.append("words: " + ", ".join(top))
            mismatch = None
            if qnumbers and self.numbers[i] and not shared_numbers and cosine > 0.15:
                mismatch = (sorted(qnumbers), sorted(self.numbers[i]))
                reasons.append(describe_mismatch(mismatch))
                score += 0.1  # the same topic with other numbers: a likely contradiction
            scored.append(Suggestion(sentence, score, reasons, mismatch))
        scored.sort(key=lambda s: (-s.score, s.sentence.article_id, s.sentence.start))
        return scored[:limit]


# entity labels that name someone or something (numbers and dates are compared as numbers)
NAMING_LABELS = frozenset({"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"})


def entity_keys(text: str, ents, start: int, end: int) -> frozenset[str]:
    """Keys of the naming entities inside [start, end): their words, stemmed,
    whatever their kind, so that "Syrian" (a group) meets "Syria" (a place)."""
    from corpus.entities import entity_key

    keys = set()
    for s, e, label in ents:
        if s >= start and e <= end and label in NAMING_LABELS:
            folded = entity_key(text[s:e], label).split(":", 1)[1]
            keys.add(" ".join(stem(w) for w in folded.split()))
    return frozenset(keys)


def event_sentences(items) -> list[Sentence]:
    """Sentences of ``(article_id, text, sents, ents)`` items, with their entity keys."""
    out = []
    for article_id, text, sents, ents in items:
        ents = sorted(ents)
        starts = [s for s, _, _ in ents]
        for start, end in sents:
            i = bisect_left(starts, start)
            inside = []
            while i < len(ents) and ents[i][0] < end:
                inside.append(ents[i])
                i += 1
            out.append(Sentence(article_id, start, end, text[start:end], entity_keys(text, inside, start, end)))
    return out


__all__ = [
    "NAMING_LABELS", "entity_keys", "event_sentences",
    "Sentence", "SentenceIndex", "Suggestion", "content_words", "stem", "describe_mismatch", "number_mismatch", "numbers",
]
