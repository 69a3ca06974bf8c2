"""How an article view lays its text out, without Textual: which lines fold
away when noise is folded, how a very long line is held as pieces, and the
index that finds the styled spans a drawn line overlaps."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate

from rich.style import Style

LONG_LINE = 2048
"""A line longer than this is held by the view's document as pieces of at most
this length, cut after a space where there is one: a single 2 MB line
(HTML-to-text often gives one) would otherwise be styled, divided into rows
and measured whole for every row drawn. The cut takes no character: offsets
stay those of the article, and the piece wraps onto a row of its own."""


def folded_lines(text: str, hidden: Iterable[tuple[int, int]], starts: list[int]) -> tuple[int, ...]:
    """The document lines (starting at ``starts``, the article offset of each)
    that fold away when the whole lines under ``hidden`` are folded: every line
    and piece of a line a region covers entirely (nothing but spaces beside it).
    The text is not touched: a folded line is given no rows."""
    folded: list[int] = []
    for start, end in sorted(hidden):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end == -1 else line_end
        if text[line_start:start].strip() or text[end:line_end].strip():
            continue
        first = bisect_left(starts, line_start)
        last = bisect_left(starts, line_end + 1) if line_end < len(text) else len(starts)
        if folded and first <= folded[-1]:  # overlaps the lines folded before it
            first = folded[-1] + 1
        folded.extend(range(first, last))
    return tuple(folded)


def document_lines(display: str) -> tuple[list[str], list[int]]:
    """The lines the view's document holds for a display text, and the display
    offset where each starts: the text's lines, a line longer than LONG_LINE
    cut into pieces (each piece a document line; the cut takes no character)."""
    lines = display.split("\n")
    if max(map(len, lines)) <= LONG_LINE:
        starts = list(accumulate(map((1).__add__, map(len, lines)), initial=0))  # each line and its newline
        starts.pop()
        return lines, starts
    pieces, starts, position = [], [], 0
    for line in lines:
        a = 0
        while len(line) - a > LONG_LINE:
            cut = line.rfind(" ", a + LONG_LINE // 2, a + LONG_LINE)
            b = cut + 1 if cut != -1 else a + LONG_LINE
            pieces.append(line[a:b])
            starts.append(position + a)
            a = b
        pieces.append(line[a:])
        starts.append(position + a)
        position += len(line) + 1
    return pieces, starts


class Spans:
    """Styled article spans, found by the range they overlap: by sorted starts
    and bisect (a span starting before ``start - reach`` ends before
    ``start``). A span longer than LONG (a block of noise, a long claim) is
    filed as pieces of at most LONG, put together again when found, so the
    reach stays short. ``overlapping`` gives the spans (clipped to the range
    asked for where they were filed in pieces) in the order they were given,
    which is the order they are styled in."""

    LONG = 2048

    def __init__(self, spans: Iterable[tuple[int, int, Style]]) -> None:
        filed = []
        long = self.LONG
        for order, (start, end, style) in enumerate(spans):
            if end - start > long:
                filed += [(p, order, min(p + long, end), style) for p in range(start, end, long)]
            elif end > start:
                filed.append((start, order, end, style))
        filed.sort()
        self._starts = [span[0] for span in filed]
        self._filed = filed
        self._reach = max((end - start for start, _, end, _ in filed), default=0)

    def __bool__(self) -> bool:
        return bool(self._filed)

    def overlapping(self, start: int, end: int) -> list[tuple[int, int, int, Style]]:
        lo = bisect_left(self._starts, start - self._reach)
        hi = bisect_left(self._starts, end)
        found: dict[int, tuple[int, int, int, Style]] = {}
        for s, o, e, style in self._filed[lo:hi]:
            if e > start:
                if o in found:  # another piece of the same span
                    _, s0, e0, _ = found[o]
                    s, e = min(s, s0), max(e, e0)
                found[o] = (o, s, e, style)
        return [found[o] for o in sorted(found)]
