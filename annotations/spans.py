"""Questions about a set of spans answered in log time: does a range overlap
one of them, lie inside one, or is a point crossed by one.

The spans are sorted by start, with the furthest end reached by any span
starting at or before each: a 5 MB article has tens of thousands of sentences
and thousands of noise regions and claims, and comparing each with each takes
seconds."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate


class SpanReach:
    def __init__(self, spans) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach = list(accumulate((e for _, e in spans), max))  # reach[k]: the furthest end of spans[:k + 1]

    def _furthest(self, count: int) -> int:
        """The furthest end of the first ``count`` spans (-1: none)."""
        return self.reach[count - 1] if count else -1

    def furthest_end(self, upto: int) -> int:
        """The furthest end of the spans starting at or before ``upto`` (-1: none):
        [upto, e) lies inside one of the spans when this is at least e."""
        return self._furthest(bisect_right(self.starts, upto))

    def overlaps(self, start: int, end: int) -> bool:
        """Does any span [cs, ce) have cs < end and ce > start?"""
        return self._furthest(bisect_right(self.starts, end - 1)) > start

    def crosses(self, point: int) -> bool:
        """Does a span start before ``point`` and end after it?"""
        return self.overlaps(point, point)
