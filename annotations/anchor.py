"""Finding a quoted span again after the article text changed.

Modelled on the W3C Web Annotation ``TextQuoteSelector``: a span is kept as
its exact text with a little context before (``prefix``) and after
(``suffix``). In the new text, the span goes where the exact text occurs; if
it occurs more than once, where the context matches best. If it does not
occur, or two places match equally well, there is no answer and the caller
flags the annotation for review: it is never moved on a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 32  # characters of prefix and suffix kept with every span


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    how: str  # "unique" or "context"


def selector(text: str, start: int, end: int) -> dict[str, str]:
    """The quote selector of ``text[start:end]``."""
    return {
        "quote": text[start:end],
        "prefix": text[max(0, start - CONTEXT):start],
        "suffix": text[end:end + CONTEXT],
    }


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


def reanchor(text: str, quote: str, prefix: str = "", suffix: str = "") -> Anchor | None:
    """Where ``quote`` belongs in ``text``, or None if that is not certain."""
    if not quote:
        return None
    places = []
    at = text.find(quote)
    while at != -1:
        places.append(at)
        at = text.find(quote, at + 1)
    if not places:
        return None
    if len(places) == 1:
        return Anchor(places[0], places[0] + len(quote), "unique")
    scored = sorted(
        (
            _common_suffix(prefix, text[max(0, p - len(prefix)):p])
            + _common_prefix(suffix, text[p + len(quote):p + len(quote) + len(suffix)]),
            p,
        )
        for p in places
    )
    (best, place), (second, _) = scored[-1], scored[-2]
    if best == second:
        return None
    return Anchor(place, place + len(quote), "context")
