"""Snapshot tests of the screens, one class per feature (as Posting does)."""

from __future__ import annotations

import pytest

from tui.app import FactdeskApp


@pytest.fixture
def app(corpus, store, analyser):
    return FactdeskApp(corpus, store, analyser)


class TestMainScreen:
    def test_two_columns_with_entities_and_panel(self, snap_compare, app):
        assert snap_compare(app, terminal_size=(160, 40))

    def test_small_terminal(self, snap_compare, app):
        assert snap_compare(app, terminal_size=(80, 24))

    def test_saved_claim_is_highlighted_and_listed(self, snap_compare, app, store, corpus):
        a0 = corpus.articles[0]
        start = a0.text.index("Armenia says it is ready")
        store.add_claim(a0.id, start, start + len("Armenia says it is ready"), {"t1": "agree"})
        store.rate_article(a0.id, "mixed")
        assert snap_compare(app, terminal_size=(160, 40))


class TestForms:
    def test_claim_form(self, snap_compare, app):
        assert snap_compare(app, terminal_size=(120, 36), press=["shift+end", "c", "1"])

    def test_reliability_form(self, snap_compare, app):
        assert snap_compare(app, terminal_size=(120, 32), press=["r", "2"])

    def test_help(self, snap_compare, app):
        assert snap_compare(app, terminal_size=(120, 32), press=["question_mark"])


class TestLinks:
    """Claims linked across articles: the link form with suggestions, the
    marked claims, the corroboration view."""

    @pytest.fixture
    def linked_app(self, app, store, corpus):
        from tests.helpers import linked

        linked(store, corpus)
        return app

    def test_link_form_with_suggestions(self, snap_compare, linked_app):
        async def run_before(pilot):
            await pilot.pause()
            view = pilot.app.main.current_view
            view.cursor_location = view.location_of(view.article.text.index("death toll in the Armenian"))
            await pilot.pause()

        assert snap_compare(linked_app, terminal_size=(140, 40), run_before=run_before, press=["k"])

    def test_linked_claims_are_marked(self, snap_compare, linked_app):
        assert snap_compare(linked_app, terminal_size=(160, 40))

    def test_corroboration_view(self, snap_compare, linked_app):
        assert snap_compare(linked_app, terminal_size=(140, 36), press=["o"])
