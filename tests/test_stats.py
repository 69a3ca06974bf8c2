"""The statistics screen (tui/screens/stats.py): plots with labelled axes when
there is room, the text bars when there is not, and the agreement of the
annotators before and after adjudication in the review app."""

from __future__ import annotations

from collections import Counter

from tests.helpers import screen_text, span_of, wait_for

CLAIMS = [
    {"stances": {"t1": "agree"}, "claim_type": "factual", "created": "2026-01-01T10:00:00+00:00"},
    {"stances": {"t1": "agree"}, "claim_type": "opinion", "created": "2026-01-01T10:20:00+00:00"},
    {"stances": {"t1": "disagree"}, "checkworthiness": "check-worthy", "created": "2026-01-01T12:10:00+00:00"},
]
RATINGS = [{"label": "mixed", "updated": "2026-01-01T11:00:00+00:00"}]


async def open_stats(corpus, store, analyser, size, **kwargs):
    from tui.app import FactdeskApp
    from tui.screens.stats import StatsScreen

    app = FactdeskApp(corpus, store, analyser)
    return app, StatsScreen(CLAIMS, RATINGS, 5, **kwargs)


async def test_wide_terminal_plots_each_distribution_with_labelled_axes(corpus, store, analyser):
    from textual_plotext import PlotextPlot

    app, stats = await open_stats(corpus, store, analyser, (160, 50))
    async with app.run_test(size=(160, 50)) as pilot:
        app.push_screen(stats)
        await wait_for(pilot, lambda: app.screen is stats and stats.plotted)
        plots = [p for p in stats.query(PlotextPlot) if p.display]
        assert len(plots) == 5
        text = screen_text(app)
        for title in ("Stance", "Claim type", "Check-worthiness", "Article reliability", "Annotations per hour"):
            assert title in text
        for axis in ("claims", "articles", "label", "hour", "annotations"):
            assert axis in text
        assert "Annotations per hour, from the first" in text
        assert "agree" in text and "unreliable" in text
        assert "Annotations per hour, over 3 hour(s)" in text
        assert "agree " + "█" * 40 not in text  # the text bars give way to the plots
        assert "3 claims · 1 of 5 articles rated" in text


async def test_narrow_terminal_keeps_the_text_summary(corpus, store, analyser):
    from textual_plotext import PlotextPlot

    app, stats = await open_stats(corpus, store, analyser, (80, 24))
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(stats)
        await wait_for(pilot, lambda: app.screen is stats)
        assert not stats.plotted and not any(p.display for p in stats.query(PlotextPlot))
        await wait_for(pilot, lambda: "agree " + "█" * 40 + " 2" in screen_text(app), "the text bars")
        assert stats.query_one("#activity").display
        await pilot.resize_terminal(160, 50)
        await wait_for(pilot, lambda: stats.plotted)


def test_per_label_agreement_from_a_confusion_matrix():
    from types import SimpleNamespace

    from tui.screens.stats import per_label

    confusion = {"agree": {"agree": 3, "disagree": 1}, "disagree": {"agree": 0, "disagree": 0}}
    got = per_label(SimpleNamespace(confusion=confusion))
    assert got == {"agree": 2 * 3 / (4 + 3), "disagree": 0.0}
    assert per_label(None) == {}


def test_the_bars_still_count():
    from tui.screens.stats import bars

    text = bars("Stance", Counter(["agree", "agree", "disagree"]), ("agree", "disagree", "discuss")).plain
    assert "agree " + "█" * 40 + " 2" in text and "disagree " + "█" * 20 + " 1" in text


async def test_review_stats_show_agreement_before_and_against_gold(tmp_path, corpus, analyser):
    from annotations.adjudication import Review, Take
    from annotations.store import AnnotationStore
    from tui.review_app import ReviewApp
    from tui.screens.stats import StatsScreen

    stores = []
    for name in ("a", "b", "gold"):
        s = AnnotationStore(tmp_path / f"{name}.json", annotator=name)
        s.register_corpus(corpus)
        stores.append(s)
    a, b, gold = stores
    a0 = corpus.articles[0]
    sentences = ["158 soldiers", "19 civilians", "Turkey would support"]
    for n, phrase in enumerate(sentences):
        a.add_claim(a0.id, *span_of(a0.text, phrase), {"t1": "agree"})
        b.add_claim(a0.id, *span_of(a0.text, phrase), {"t1": "agree" if n else "disagree"})
    review = Review([a, b], gold)
    review.accept_agreed()
    review.decide(review.pending()[0], Take(0))
    app = ReviewApp(corpus, gold, analyser, review)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("S")
        stats = await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen)
        await wait_for(pilot, lambda: stats.summary is not None, "the agreement", timeout=60)
        text = screen_text(app)
        assert "Stance agreement per label" in text and "specific agreement" in text
        summary = stats.summary
        assert summary.before["stance"].units == 3 and summary.before["stance"].percent == 2 / 3
        assert summary.against_gold["a.json"]["stance"].percent == 1.0
        assert summary.against_gold["b.json"]["stance"].percent == 2 / 3
        await pilot.press("escape")
        await pilot.resize_terminal(90, 30)
        await pilot.press("S")
        stats = await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen)
        await wait_for(pilot, lambda: stats.summary is not None, "the agreement", timeout=60)
        await pilot.pause()
        text = screen_text(app)
        assert "annotators, before: κ" in text and "a.json against gold: κ" in text
    for s in stores:
        s.close()


async def test_the_counts_follow_the_projects_scheme(corpus, store, analyser):
    """A FEVER project's stance bars are its own labels, in its order."""
    from dataclasses import replace

    from annotations.labels import DEFAULT, label_set

    names = ("SUPPORTS", "REFUTES", "NOT ENOUGH INFO")
    fever = replace(DEFAULT, stance=label_set(names, {n: n for n in names}, required=True))
    claims = [{"stances": {"t1": "REFUTES"}}, {"stances": {"t1": "REFUTES"}}, {"stances": {"t1": "SUPPORTS"}}]
    from tui.app import FactdeskApp
    from tui.screens.stats import StatsScreen

    app = FactdeskApp(corpus, store, analyser)
    stats = StatsScreen(claims, [], 5, scheme=fever)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(stats)
        await wait_for(pilot, lambda: "REFUTES " + "█" * 40 + " 2" in screen_text(app), "the scheme's bars")
        text = screen_text(app)
        assert text.index("SUPPORTS") < text.index("REFUTES") < text.index("NOT ENOUGH INFO")
        assert "disagree" not in text
