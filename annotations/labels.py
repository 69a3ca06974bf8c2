"""Every label set and what each label means to the program, in one place.

A :class:`LabelSet` is an ordered list of :class:`Label` s, each with its
name (what is stored and exported), a one-line hint (what it means, for the
reader), a colour (a style string Rich parses: ``"green"``, ``"bold red"``,
``"#ff8fa3"``; the app may add emphasis to it) and its key in the forms. A
:class:`LabelScheme` gathers the sets a project labels with: stance toward the
target propositions, claim type, check-worthiness, the reliability scale and
its reasons, the relations of claim links (and which of them back, contradict
or form groups) and the entity labels. :data:`DEFAULT` is the default scheme
(FNC-1 stances, ClaimBuster check-worthiness, OntoNotes entities); a
project's ``factdesk.toml`` gives another (:mod:`annotations.scheme_file`),
which the store records and the validation, the export, the import and the
app read (``store.scheme``, ``desk.scheme``).

A few sets are not part of a project's scheme (attribution, confidence,
speaker kinds, span labels): they are defined here too, once.

No Textual, no Rich: colours are plain strings the app turns into styles.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

# The keys of a form's choices, by position: the first label is 1, the tenth 0.
DIGIT_KEYS = "1234567890"
# A scheme file's sets may hold up to 50 labels: after the ten digits come the
# lower-case letters, then the capitals (shift+letter), by position. The
# entity form keeps 0 for "not an entity" and its own keys ``a`` and ``m``; the
# link form its own ``d`` (unlink).
FORM_KEYS = DIGIT_KEYS + string.ascii_lowercase + string.ascii_uppercase
ENTITY_FORM_KEYS = DIGIT_KEYS[:9] + "".join(c for c in string.ascii_lowercase if c not in "am") + string.ascii_uppercase
LINK_FORM_KEYS = DIGIT_KEYS + "".join(c for c in string.ascii_lowercase if c != "d") + string.ascii_uppercase
# Colours given by position to the labels of a set that names none of its own
# (so a label keeps its colour while labels are added after it).
PALETTE = ("green", "red", "yellow", "bright_black", "cyan", "magenta", "blue", "bright_green",
           "bright_red", "bright_yellow", "bright_cyan", "bright_magenta")


@dataclass(frozen=True)
class Label:
    name: str
    hint: str
    colour: str
    key: str | None = None  # None: chosen with the arrows only


@dataclass(frozen=True)
class LabelSet:
    """An ordered set of labels; ``about`` says where it comes from (shown in
    the export's README), ``required`` that a form must have one, ``ordinal``
    that the labels are in order (low to high or high to low)."""

    labels: tuple[Label, ...]
    about: str = ""
    required: bool = False
    ordinal: bool = False

    def __post_init__(self) -> None:
        names = [label.name for label in self.labels]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"a label set needs distinct labels, got {names}")
        keys = [label.key for label in self.labels if label.key is not None]
        if len(set(keys)) != len(keys):
            raise ValueError(f"the labels {names} share a key: {keys}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def __iter__(self) -> Iterator[Label]:
        return iter(self.labels)

    def __len__(self) -> int:
        return len(self.labels)

    def __contains__(self, name: object) -> bool:
        return self.get(name) is not None

    def get(self, name: object) -> Label | None:
        return next((label for label in self.labels if label.name == name), None)

    def by_key(self, key: str) -> Label | None:
        return next((label for label in self.labels if label.key is not None and label.key == key), None)

    def colours(self) -> dict[str, str]:
        return {label.name: label.colour for label in self.labels}

    def key_range(self) -> str:
        """The keys of the set as a hint shows them: ``1–4``."""
        keys = [label.key for label in self.labels if label.key]
        if len(keys) > 10 and keys[:10] == list(DIGIT_KEYS):  # a long set: the digits, then letters
            rest = keys[10:]
            return f"1–0, {rest[0]}" + (f"–{rest[-1]}" if len(rest) > 1 else "")
        return keys[0] if len(keys) == 1 else f"{keys[0]}–{keys[-1]}"

    def spoken(self, last: str = "or") -> str:
        """``agree, disagree, discuss or unrelated``."""
        names = self.names
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"


def label_set(names: Iterable[str], hints: Mapping[str, str], *, colours: Mapping[str, str] | None = None,
              keys: str | Mapping[str, str] = DIGIT_KEYS, kind: type[LabelSet] | None = None, **options) -> LabelSet:
    """A set (of class ``kind``, :class:`LabelSet` by default, given
    ``options``) from its names in order, a hint for each, colours (by
    default from :data:`PALETTE` by position) and keys (a string: by
    position, the labels after its end have none; a mapping: name → key)."""
    labels = []
    for i, name in enumerate(names):
        colour = colours[name] if colours is not None else PALETTE[i % len(PALETTE)]
        key = keys.get(name) if isinstance(keys, Mapping) else (keys[i] if i < len(keys) else None)
        labels.append(Label(name, hints[name], colour, key))
    return (kind or LabelSet)(tuple(labels), **options)


@dataclass(frozen=True)
class ReliabilityScale(LabelSet):
    """The reliability scale of articles and sources, with the reasons
    (rationale codes) a rating may tick."""

    reasons: LabelSet | None = None


@dataclass(frozen=True)
class LinkRelations(LabelSet):
    """The relations of a link between claims of two articles, and their roles:
    ``backs``: the two claims corroborate each other (a number that differs
    between them is warned of); ``contradicts``: they cannot both be true;
    ``groups``: the claims form one claim group (also a backing relation; the
    group's members back each other through the group). The first relation
    is what Enter links with."""

    backs: tuple[str, ...] = ()
    contradicts: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        for role in ("backs", "contradicts", "groups"):
            unknown = [n for n in getattr(self, role) if n not in self]
            if unknown:
                raise ValueError(f"link relations: {role} names {unknown}, which are not relations")
        if set(self.backs) & set(self.contradicts):
            raise ValueError("link relations: a relation cannot both back and contradict")
        if not set(self.groups) <= set(self.backs):
            raise ValueError("link relations: a relation that forms groups must also back")

    @property
    def default(self) -> str:
        return self.labels[0].name

    def backing_pairwise(self) -> tuple[str, ...]:
        """The backing relations that back claim to claim (not through a group)."""
        return tuple(n for n in self.backs if n not in self.groups)


@dataclass(frozen=True)
class EntityLabels(LabelSet):
    """Entity labels; ``speakers`` those whose mentions can say a claim (the
    first is given to a speaker imported without a label), ``legend`` those
    shown in the colour legend, ``other_colour`` the colour of a label not in
    the set (a model may predict one)."""

    speakers: tuple[str, ...] = ()
    legend: tuple[str, ...] = ()
    other_colour: str = "#e0e0e0"

    def __post_init__(self) -> None:
        super().__post_init__()
        unknown = [n for n in (*self.speakers, *self.legend) if n not in self]
        if unknown:
            raise ValueError(f"entity labels: speakers or legend name {unknown}, which are not labels")


@dataclass(frozen=True)
class LabelScheme:
    """The label sets a project annotates with (issue 16's scheme file fills
    one; without it, :data:`DEFAULT`)."""

    stance: LabelSet
    claim_type: LabelSet
    checkworthiness: LabelSet
    reliability: ReliabilityScale
    links: LinkRelations
    entities: EntityLabels
    name: str = "default"  # the scheme file's stem, or "default"
    guidelines: str = ""  # the annotation guidelines (Markdown), shown in the app

    def sets(self) -> dict[str, LabelSet]:
        """Every set of the scheme by its name (the reasons as ``rationale_codes``)."""
        sets = {"stance": self.stance, "claim_type": self.claim_type, "checkworthiness": self.checkworthiness,
                "reliability": self.reliability, "links": self.links, "entities": self.entities}
        if self.reliability.reasons is not None:
            sets["rationale_codes"] = self.reliability.reasons
        return sets


# -- the default scheme --------------------------------------------------------------

STANCE = label_set(
    ("agree", "disagree", "discuss", "unrelated"),
    {"agree": "the claim says the target proposition is true",
     "disagree": "the claim says the target proposition is false",
     "discuss": "the claim is about the target but takes no side",
     "unrelated": "the claim says nothing about the target"},
    about="FNC-1's labels", required=True,
)
CLAIM_TYPE = label_set(
    ("factual", "opinion", "prediction"),
    {"factual": "states something that could be checked",
     "opinion": "a judgement, belief or wish",
     "prediction": "says what will happen"},
)
CHECKWORTHINESS = label_set(
    ("check-worthy", "unimportant", "not-factual"),
    {"check-worthy": "a factual claim the public would want checked",
     "unimportant": "factual, but not worth checking",
     "not-factual": "no factual claim: an opinion, a question, a greeting"},
    about="ClaimBuster's classes",
)
RATIONALE_CODES = label_set(
    ("no-byline", "anonymous-sourcing", "sensational-headline", "contradicted-by-others", "recycled-or-spun",
     "unrelated-boilerplate", "garbled-text", "no-date", "ads-heavy"),
    {"no-byline": "no author is named",
     "anonymous-sourcing": "it rests on sources it does not name",
     "sensational-headline": "the headline says more than the text",
     "contradicted-by-others": "other sources say otherwise",
     "recycled-or-spun": "copied or spun from another outlet",
     "unrelated-boilerplate": "much of it is unrelated boilerplate",
     "garbled-text": "names, numbers or text are garbled",
     "no-date": "no date is given",
     "ads-heavy": "more advertising than article"},
    keys="",  # ticked with space in a list, no keys
)
RELIABILITY = label_set(
    ("reliable", "mixed", "unreliable"),
    {"reliable": "accurate and sourced: it can be trusted",
     "mixed": "some of it holds, some does not",
     "unreliable": "not to be trusted"},
    colours={"reliable": "green", "mixed": "yellow", "unreliable": "red"},
    kind=ReliabilityScale, required=True, ordinal=True, reasons=RATIONALE_CODES,
)
LINKS = label_set(
    ("same", "supports", "contradicts", "elaborates", "related"),
    {"same": "both claims state the same thing",
     "supports": "one claim backs the other without stating the same",
     "contradicts": "the two claims cannot both be true",
     "elaborates": "one claim adds detail to the other",
     "related": "about the same matter, neither backing nor contradicting"},
    colours={"same": "bold green", "supports": "green", "contradicts": "bold red", "elaborates": "cyan",
             "related": "yellow"},
    keys={"same": "s", "supports": "p", "contradicts": "x", "elaborates": "e", "related": "r"},
    kind=LinkRelations, backs=("same", "supports"), contradicts=("contradicts",), groups=("same",),
)
# OntoNotes entity labels (what the English spaCy models predict), most used first;
# digits 1–9 choose the first nine (0 is "not an entity")
_ENTITY_HINTS = {
    "PERSON": "people, including fictional ones",
    "ORG": "companies, agencies, institutions",
    "GPE": "countries, cities, states",
    "NORP": "nationalities, religious or political groups",
    "LOC": "places that are not countries or cities: regions, mountains, waters",
    "DATE": "dates and periods",
    "EVENT": "named wars, battles, storms, sports events",
    "CARDINAL": "numbers that are no other type",
    "FAC": "buildings, airports, roads, bridges",
    "PRODUCT": "objects, vehicles, weapons, foods",
    "LAW": "named laws, treaties and documents",
    "MONEY": "amounts of money",
    "PERCENT": "percentages",
    "QUANTITY": "measurements: weight, distance",
    "TIME": "times shorter than a day",
    "ORDINAL": "first, second…",
    "WORK_OF_ART": "titles of books, songs, films",
    "LANGUAGE": "named languages",
}
_ENTITY_COLOURS = {
    "PERSON": "#ff8fa3", "NORP": "#f0b35a", "ORG": "#7fb2ff", "GPE": "#7ddc8a", "LOC": "#5fd7d7",
    "FAC": "#5fd7d7", "EVENT": "#ffd75f", "DATE": "#d79bef", "TIME": "#d79bef", "MONEY": "#c0c0c0",
    "QUANTITY": "#c0c0c0", "PERCENT": "#c0c0c0", "CARDINAL": "#c0c0c0", "ORDINAL": "#c0c0c0",
    "PRODUCT": "#ffaf87", "WORK_OF_ART": "#ffaf87", "LAW": "#ffaf87", "LANGUAGE": "#ffaf87",
}
ENTITIES = label_set(
    tuple(_ENTITY_HINTS), _ENTITY_HINTS, colours=_ENTITY_COLOURS, keys=DIGIT_KEYS[:9],
    kind=EntityLabels, about="OntoNotes labels",
    speakers=("PERSON", "ORG", "GPE", "NORP"),
    legend=("PERSON", "NORP", "ORG", "GPE", "LOC", "DATE", "CARDINAL", "EVENT"),
)

DEFAULT = LabelScheme(stance=STANCE, claim_type=CLAIM_TYPE, checkworthiness=CHECKWORTHINESS,
                      reliability=RELIABILITY, links=LINKS, entities=ENTITIES)

# -- sets that are not part of a project's scheme ---------------------------------------

ATTRIBUTION = label_set(
    ("direct-quote", "indirect", "anonymous-source"),
    {"direct-quote": "the speaker's own words, in quotation marks",
     "indirect": "reported speech: what the speaker said, in the article's words",
     "anonymous-source": "from a source the article does not name"},
)
CONFIDENCE = label_set(
    ("low", "medium", "high"),
    {"low": "a guess", "medium": "fairly sure", "high": "sure"},
    ordinal=True,
)
# Who says a claim when no entity of the article does (a speaker that is an
# entity is recorded with kind "entity" and its span)
SPEAKER_KINDS = label_set(
    ("journalist", "unattributed"),
    {"journalist": "the article's author, in their own voice",
     "unattributed": "no one is named as saying it"},
)
# The labels of spans in the export: a claim, and the speaker of a claim
SPANS = label_set(
    ("CLAIM", "SPEAKER"),
    {"CLAIM": "a claim the reader tagged", "SPEAKER": "who says the claim"},
    keys="",
)
CLAIM_LABEL, SPEAKER_LABEL = SPANS.names
# claims_bio.jsonl's tags: outside, then the beginning and inside of each span label
BIO_LABELS = ("O", *(f"{part}-{name}" for name in SPANS.names for part in "BI"))

# Every set, by the name labels.json gives it
ALL_SETS: dict[str, LabelSet] = {
    "stance": STANCE, "checkworthiness": CHECKWORTHINESS, "reliability": RELIABILITY,
    "rationale_codes": RATIONALE_CODES, "claim_type": CLAIM_TYPE, "attribution": ATTRIBUTION,
    "confidence": CONFIDENCE, "speaker_kind": SPEAKER_KINDS, "entities": ENTITIES, "claim_links": LINKS,
    "spans": SPANS,
}


def label_sets(scheme: LabelScheme = DEFAULT) -> dict[str, list[str]]:
    """The label sets as the export's ``labels.json`` lists them, in its order."""
    return {
        "claims_bio": list(BIO_LABELS),
        "spans": list(SPANS.names),
        "stance": list(scheme.stance.names),
        "checkworthiness": list(scheme.checkworthiness.names),
        "reliability": list(scheme.reliability.names),
        "rationale_codes": list(scheme.reliability.reasons.names if scheme.reliability.reasons else ()),
        "claim_type": list(scheme.claim_type.names),
        "attribution": list(ATTRIBUTION.names),
        "confidence": list(CONFIDENCE.names),
        "speaker_kind": ["entity", *SPEAKER_KINDS.names],
        "entities": list(scheme.entities.names),
        "claim_links": list(scheme.links.names),
    }


__all__ = [
    "ALL_SETS", "ATTRIBUTION", "BIO_LABELS", "CHECKWORTHINESS", "CLAIM_LABEL", "CLAIM_TYPE", "CONFIDENCE",
    "DEFAULT", "DIGIT_KEYS", "ENTITIES", "ENTITY_FORM_KEYS", "FORM_KEYS", "LINK_FORM_KEYS", "EntityLabels", "LINKS", "Label", "LabelScheme", "LabelSet",
    "LinkRelations", "PALETTE", "RATIONALE_CODES", "RELIABILITY", "ReliabilityScale", "SPANS", "SPEAKER_KINDS",
    "SPEAKER_LABEL", "STANCE", "label_set", "label_sets",
]
