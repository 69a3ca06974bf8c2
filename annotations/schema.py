"""Label sets, record shapes and validation.

Records are plain dicts (what TinyDB stores); this module is the one place
that says what a valid record is.
"""

from __future__ import annotations

import getpass
import os
from datetime import datetime, timezone

SCHEMA_VERSION = 2
ENV_ANNOTATOR = "FACTDESK_ANNOTATOR"

CLAIM_LABEL = "CLAIM"
# The FNC-1 stance labels, in the order the stance form shows them.
STANCES = ("agree", "disagree", "discuss", "unrelated")
RELIABILITY = ("reliable", "mixed", "unreliable")
CLAIM_TYPES = ("factual", "opinion", "prediction")
# OntoNotes entity labels (what the English spaCy models predict), most used first
ENTITY_LABELS = (
    "PERSON", "ORG", "GPE", "NORP", "LOC", "DATE", "EVENT", "CARDINAL", "FAC", "PRODUCT", "LAW",
    "MONEY", "PERCENT", "QUANTITY", "TIME", "ORDINAL", "WORK_OF_ART", "LANGUAGE",
)
# ClaimBuster's classes: check-worthy factual, unimportant factual, not factual
CHECKWORTHINESS = ("check-worthy", "unimportant", "not-factual")
ATTRIBUTIONS = ("direct-quote", "indirect", "anonymous-source")
SPEAKER_KINDS = ("journalist", "unattributed")
CONFIDENCE = ("low", "medium", "high")
RATIONALE_CODES = (
    "no-byline", "anonymous-sourcing", "sensational-headline", "contradicted-by-others",
    "recycled-or-spun", "unrelated-boilerplate", "garbled-text", "no-date", "ads-heavy",
)
# The optional fields of a claim and their allowed values (None: free text)
CLAIM_FIELDS = {
    "claim_type": CLAIM_TYPES,
    "checkworthiness": CHECKWORTHINESS,
    "attribution": ATTRIBUTIONS,
    "confidence": CONFIDENCE,
    "note": None,
}


class ValidationError(ValueError):
    """A record is not valid; the message names the record and the problem."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def default_annotator() -> str:
    env = os.environ.get(ENV_ANNOTATOR)
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "annotator"


def check_span(text: str, start: int, end: int, quote: str, what: str = "span") -> None:
    """Raise :class:`ValidationError` unless ``text[start:end] == quote`` and
    ``0 <= start < end <= len(text)``."""
    if not (isinstance(start, int) and isinstance(end, int)):
        raise ValidationError(f"{what}: offsets must be integers, got {start!r}, {end!r}")
    if not 0 <= start < end <= len(text):
        raise ValidationError(
            f"{what}: offsets {start}..{end} are outside the article (length {len(text)})"
        )
    if text[start:end] != quote:
        raise ValidationError(
            f"{what}: the quoted text {quote!r} does not match the article text "
            f"{text[start:end]!r} at {start}..{end}"
        )


def validate_claim(claim: dict, text: str, targets: set[str]) -> None:
    what = f"claim {claim.get('id', '?')}"
    check_span(text, claim["start"], claim["end"], claim["quote"], what)
    for name, allowed in CLAIM_FIELDS.items():
        value = claim.get(name)
        if value is None or value == "":
            continue
        if allowed is None:
            if not isinstance(value, str):
                raise ValidationError(f"{what}: {name} must be text")
        elif value not in allowed:
            raise ValidationError(f"{what}: {name} {value!r} is not one of {', '.join(allowed)}")
    speaker = claim.get("speaker")
    if speaker:
        if speaker.get("kind") in SPEAKER_KINDS:
            pass
        elif speaker.get("kind") == "entity":
            check_span(text, speaker.get("start"), speaker.get("end"), speaker.get("text", ""), f"{what}: speaker")
        else:
            raise ValidationError(f"{what}: speaker {speaker!r} is neither an entity of the article "
                                  f"nor one of {', '.join(SPEAKER_KINDS)}")
    if claim.get("label") != CLAIM_LABEL:
        raise ValidationError(f"{what}: label {claim.get('label')!r} is not {CLAIM_LABEL!r}")
    for target_id, stance in (claim.get("stances") or {}).items():
        if target_id not in targets:
            raise ValidationError(f"{what}: unknown target {target_id!r}")
        if stance not in STANCES:
            raise ValidationError(
                f"{what}: stance {stance!r} is not one of {', '.join(STANCES)}"
            )


def validate_rating(label: str, codes: list[str] | tuple[str, ...] = ()) -> None:
    if label not in RELIABILITY:
        raise ValidationError(
            f"reliability {label!r} is not one of {', '.join(RELIABILITY)}"
        )
    unknown = [c for c in codes if c not in RATIONALE_CODES]
    if unknown:
        raise ValidationError(f"rationale code(s) {', '.join(unknown)} not in {', '.join(RATIONALE_CODES)}")
