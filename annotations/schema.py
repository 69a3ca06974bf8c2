"""Record shapes and validation against the label sets.

Records are plain dicts (what TinyDB stores); this module is the one place
that says what a valid record is. The label sets themselves, and what each
label means, are in :mod:`annotations.labels`; the tuples of label names
here are read from it.
"""

from __future__ import annotations

import getpass
import os
from datetime import datetime, timezone

from annotations import labels
from annotations.labels import CLAIM_LABEL
from corpus.text import visible

SCHEMA_VERSION = 2
ENV_ANNOTATOR = "FACTDESK_ANNOTATOR"

# The label sets, as tuples of names (what each label means: annotations.labels)
STANCES = labels.DEFAULT.stance.names  # in the order the stance form shows them
RELIABILITY = labels.DEFAULT.reliability.names
CLAIM_TYPES = labels.DEFAULT.claim_type.names
ENTITY_LABELS = labels.DEFAULT.entities.names
CHECKWORTHINESS = labels.DEFAULT.checkworthiness.names
RATIONALE_CODES = labels.DEFAULT.reliability.reasons.names
ATTRIBUTIONS = labels.ATTRIBUTION.names
SPEAKER_KINDS = labels.SPEAKER_KINDS.names
CONFIDENCE = labels.CONFIDENCE.names


def claim_fields(scheme: labels.LabelScheme = labels.DEFAULT) -> dict[str, tuple[str, ...] | None]:
    """The optional fields of a claim and their allowed values (None: free
    text): claim type and check-worthiness from the scheme."""
    return {
        "claim_type": scheme.claim_type.names,
        "checkworthiness": scheme.checkworthiness.names,
        "attribution": ATTRIBUTIONS,
        "confidence": CONFIDENCE,
        "note": None,
    }


# The optional fields of a claim and their allowed values in the default scheme
CLAIM_FIELDS = claim_fields()


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


def _show(value: object, limit: int = 80) -> str:
    """A value from a record quoted for a message: one line, cut to ``limit``."""
    return visible(repr(value), limit)


def check_span(text: str, start: int, end: int, quote: str, what: str = "span") -> None:
    """Raise :class:`ValidationError` unless ``text[start:end] == quote`` and
    ``0 <= start < end <= len(text)``."""
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        raise ValidationError(f"{what}: offsets must be integers, got {_show(start)}, {_show(end)}")
    if not isinstance(quote, str):
        raise ValidationError(f"{what}: the quoted text must be text, got {_show(quote)}")
    if not 0 <= start < end <= len(text):
        raise ValidationError(
            f"{what}: offsets {start}..{end} are outside the article (length {len(text)})"
        )
    if text[start:end] != quote:
        raise ValidationError(
            f"{what}: the quoted text {_show(quote)} does not match the article text "
            f"{_show(text[start:end])} at {start}..{end}"
        )


def _scheme_named(scheme: labels.LabelScheme) -> str:
    return "" if scheme.name == labels.DEFAULT.name else f" (scheme {visible(scheme.name, 40)!r})"


def validate_claim(claim: dict, text: str, targets: set[str], scheme: labels.LabelScheme = labels.DEFAULT) -> None:
    """Raise :class:`ValidationError` unless ``claim`` is valid in ``text``
    with the event's ``targets``, its labels those of ``scheme``."""
    what = f"claim {visible(claim.get('id', '?'), 40)}"
    check_span(text, claim["start"], claim["end"], claim["quote"], what)
    for name, allowed in claim_fields(scheme).items():
        value = claim.get(name)
        if value is None or value == "":
            continue
        if allowed is None:
            if not isinstance(value, str):
                raise ValidationError(f"{what}: {name} must be text")
        elif value not in allowed:
            raise ValidationError(f"{what}: {name} {_show(value)} is not one of {visible(', '.join(allowed), 300)}"
                                  + _scheme_named(scheme))
    speaker = claim.get("speaker")
    if speaker:
        if not isinstance(speaker, dict):
            raise ValidationError(f"{what}: speaker {_show(speaker)} is not an object")
        if speaker.get("kind") in SPEAKER_KINDS:
            pass
        elif speaker.get("kind") == "entity":
            check_span(text, speaker.get("start"), speaker.get("end"), speaker.get("text", ""), f"{what}: speaker")
        else:
            raise ValidationError(f"{what}: speaker {_show(speaker)} is neither an entity of the article "
                                  f"nor one of {', '.join(SPEAKER_KINDS)}")
    if claim.get("label") != CLAIM_LABEL:
        raise ValidationError(f"{what}: label {_show(claim.get('label'))} is not {CLAIM_LABEL!r}")
    stances = claim.get("stances") or {}
    if not isinstance(stances, dict):
        raise ValidationError(f"{what}: stances {_show(stances)} is not an object")
    for target_id, stance in stances.items():
        if target_id not in targets:
            raise ValidationError(f"{what}: unknown target {_show(target_id)}")
        if not isinstance(stance, str) or stance not in scheme.stance:
            raise ValidationError(
                f"{what}: stance {_show(stance)} is not one of {visible(', '.join(scheme.stance.names), 300)}"
                + _scheme_named(scheme)
            )


def validate_rating(label: str, codes: list[str] | tuple[str, ...] = (),
                    scheme: labels.LabelScheme = labels.DEFAULT) -> None:
    """Raise :class:`ValidationError` unless ``label`` is on the scheme's
    reliability scale and every code is one of its reasons."""
    scale = scheme.reliability
    if not isinstance(label, str) or label not in scale:
        raise ValidationError(
            f"reliability {_show(label)} is not one of {visible(', '.join(scale.names), 300)}" + _scheme_named(scheme)
        )
    reasons = scale.reasons.names if scale.reasons is not None else ()
    unknown = [c for c in codes if not isinstance(c, str) or c not in reasons]
    if unknown:
        raise ValidationError(f"rationale code(s) {visible(', '.join(map(str, unknown)), 120)} not in "
                              f"{visible(', '.join(reasons), 300) or 'the scheme (it has no reasons)'}"
                              + _scheme_named(scheme))
