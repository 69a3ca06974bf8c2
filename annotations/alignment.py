"""Tokens that every exported span falls on exactly.

The exports give spans both as character offsets and as token indices. A
span made on one tokenisation may end inside a token of another (an imported
span, or one made before snapping); instead of dropping or moving such a
span, the token is split at the span's edge and the split is reported.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass
class Aligned:
    """Tokens as ``(start, end)`` pairs covering the text, and what was split."""

    tokens: list[tuple[int, int]]
    splits: list[tuple[int, int, int]] = field(default_factory=list)  # (token start, token end, cut)

    _starts: dict[int, int] | None = None
    _ends: dict[int, int] | None = None

    def index(self) -> dict[int, int]:
        """Token index by start offset."""
        if self._starts is None:
            self._starts = {start: i for i, (start, _) in enumerate(self.tokens)}
        return self._starts

    def token_span(self, start: int, end: int) -> tuple[int, int]:
        """First and last (inclusive) token of a span that falls on token boundaries."""
        if self._ends is None:
            self._ends = {e: i for i, (_, e) in enumerate(self.tokens)}
        return self.index()[start], self._ends[end]


def cover(text: str, tokens: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The tokens plus the text between them as tokens of their own, so that
    joining them gives the text back. One space after a token is the token's
    trailing whitespace, as in spaCy."""
    tokens = list(tokens)
    if _tiles(text, tokens):
        return tokens  # the usual case with spaCy's tokens: nothing to add
    out: list[tuple[int, int]] = []
    pos = 0
    for start, end in tokens:
        if start < pos or end <= start:
            continue  # overlapping or empty input tokens: keep the first
        if start > pos:
            gap = pos + 1 if out and text[pos] == " " else pos
            if gap < start:
                out.append((gap, start))
        out.append((start, end))
        pos = end
    if pos < len(text):
        gap = pos + 1 if out and text[pos] == " " else pos
        if gap < len(text):
            out.append((gap, len(text)))
    return out


def _tiles(text: str, tokens: list[tuple[int, int]]) -> bool:
    """Whether the tokens already cover the text, with at most one space between two."""
    if not tokens or tokens[0][0] != 0 or tokens[-1][0] >= tokens[-1][1]:
        return False
    last = tokens[-1][1]
    if not (last == len(text) or (last == len(text) - 1 and text[last] == " ")):
        return False
    return all(s < e and (n == e or (n == e + 1 and text[e] == " "))
               for (s, e), (n, _) in zip(tokens, tokens[1:]))


def align(text: str, tokens: Sequence[tuple[int, int]], boundaries: Iterable[int],
          covered: list[tuple[int, int]] | None = None,
          index: tuple[dict[int, int], dict[int, int]] | None = None) -> Aligned:
    """Tokens covering ``text`` with a token edge at every boundary offset:
    a token is split where a boundary falls inside it, and a space that is a
    token's trailing whitespace becomes a token of its own where a span
    starts or ends on it. ``covered`` is :func:`cover` of the tokens, when
    the caller already has it, and ``index`` its (start → index, end → index)
    maps: when no boundary needs a split, they are shared, not copied."""
    covered = covered if covered is not None else cover(text, tokens)
    cuts = sorted(set(boundaries))
    if index is not None and all(c in index[0] and c in index[1] for c in cuts if 0 < c < len(text)) and (
            len(text) not in cuts or len(text) in index[1]):
        return Aligned(tokens=covered, _starts=index[0], _ends=index[1])  # nothing to split: share
    result = list(covered)
    splits: list[tuple[int, int, int]] = []
    starts = [s for s, _ in result]
    start_set, end_set = set(starts), {e for _, e in result}
    for cut in cuts:
        if cut == len(text) and cut not in end_set and text.endswith(" "):  # a span ends on the last space
            result.append((cut - 1, cut))
            starts.append(cut - 1)
            end_set.add(cut)
            continue
        if not 0 < cut < len(text) or (cut in start_set and cut in end_set):
            continue
        i = bisect_right(starts, cut) - 1
        if i >= 0 and result[i][0] < cut < result[i][1]:  # inside a token: split it
            s, e = result[i]
            if text[s:e].strip():
                splits.append((s, e, cut))
            result[i:i + 1] = [(s, cut), (cut, e)]
            starts.insert(i + 1, cut)
        elif cut in end_set and text[cut] == " ":  # a span starts on a trailing space
            result.insert(i + 1, (cut, cut + 1))
            starts.insert(i + 1, cut)
            end_set.add(cut + 1)
        elif cut in start_set and text[cut - 1] == " ":  # a span ends on a trailing space
            result.insert(i, (cut - 1, cut))
            starts.insert(i, cut - 1)
        start_set.add(cut)
        end_set.add(cut)
    return Aligned(tokens=result, splits=splits)


def whitespace_after(text: str, tokens: Sequence[tuple[int, int]], i: int) -> bool:
    """Whether one space follows token ``i`` before the next token (spaCy's ``whitespace_``)."""
    end = tokens[i][1]
    next_start = tokens[i + 1][0] if i + 1 < len(tokens) else len(text)
    return next_start == end + 1 and text[end] == " "


__all__ = ["Aligned", "align", "cover", "whitespace_after"]
