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


class TestLabelScheme:
    """The forms with the project's scheme (issue 16): a FEVER stance scheme of
    three labels with hints and guidelines, and one of thirty labels (digits,
    then letters); F1 shows the guidelines at the focused label."""

    FEVER = {"SUPPORTS": "If the claim is true, the target is true.",
             "REFUTES": "If the claim is true, the target is false.",
             "NOT ENOUGH INFO": "The claim alone does not settle the target."}

    @staticmethod
    def _scheme(hints, **changes):
        from dataclasses import replace

        from annotations.labels import DEFAULT, label_set

        return replace(DEFAULT, stance=label_set(tuple(hints), hints, required=True), **changes)

    @staticmethod
    def _bind(store, scheme) -> None:
        """The store's scheme is ``scheme`` (bind_scheme: issue 16's core part; else its attribute)."""
        if hasattr(type(store), "bind_scheme"):
            store.bind_scheme(scheme)
        else:
            store.scheme = scheme

    @pytest.fixture
    def fever_app(self, app, store):
        sections = "".join(f"## {name}\n\n" + "Read the claim, then the target, then decide.\n\n" * 8
                           for name in self.FEVER)
        self._bind(store, self._scheme(self.FEVER, name="fever",
                                          guidelines=f"# FEVER guidelines\n\n{sections}"))
        return app

    @pytest.fixture
    def thirty_app(self, app, store):
        self._bind(store, self._scheme({f"stance {n:02d}": f"what stance {n:02d} means" for n in range(1, 31)},
                                          name="thirty"))
        return app

    def test_fever_claim_form_with_the_focused_labels_hint(self, snap_compare, fever_app):
        assert snap_compare(fever_app, terminal_size=(120, 36), press=["shift+end", "c", "right", "right"])

    def test_thirty_stances_with_their_keys(self, snap_compare, thirty_app):
        assert snap_compare(thirty_app, terminal_size=(120, 40), press=["shift+end", "c", "o", "shift+tab"])

    def test_f1_guidelines_at_the_focused_label(self, snap_compare, fever_app):
        assert snap_compare(fever_app, terminal_size=(120, 36), press=["shift+end", "c", "right", "right", "f1"])
