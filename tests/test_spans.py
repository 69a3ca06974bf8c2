"""SpanReach answers as comparing each span with each would (the desk's sentence
progress and the export's claims_bio rows rely on it)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotations.spans import SpanReach

SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30)).map(lambda p: (p[0], p[0] + p[1])), max_size=12)


@given(SPANS, SPANS)
def test_span_reach_answers_as_comparing_each_with_each(spans, ranges):
    reach = SpanReach(spans)
    for s, e in ranges:
        assert reach.overlaps(s, e) == any(cs < e and ce > s for cs, ce in spans)
        assert (reach.furthest_end(s) >= e) == any(ns <= s and e <= ne for ns, ne in spans)
        assert reach.crosses(s) == any(cs < s < ce for cs, ce in spans)
