"""Keys typed in a burst act as if typed slowly (tui/typeahead.py).

``pilot.press`` waits until the app is idle after every key, so it never
reproduces a fast typist. :func:`burst` puts every key in the app's queue in
one go, before the app has handled the first, as a terminal delivers keys
typed ahead; the tests then wait for what the keys should have done.
"""

from __future__ import annotations

import unicodedata

from textual import events
from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input

from tests.helpers import SIZE, make_app, put_cursor
from tui.screens.claim_form import ClaimForm
from tui.screens.main import MainScreen
from tui.screens.rating import ReliabilityModal
from tui.typeahead import TypeAhead
from tui.widgets.choice_row import Choice, ChoiceRow

NAMED = {"enter": "\r", "tab": "\t", "escape": "\x1b", "backspace": "\x08", "space": " "}


def key_event(key: str) -> events.Key:
    """The key event a terminal gives for ``key`` (a key name, or a character)."""
    if key in NAMED:
        return events.Key(key, NAMED[key])
    if len(key) == 1:
        name = key if key.isalnum() else unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        return events.Key(name, key)
    return events.Key(key, None)  # ctrl+n, down, …


def burst(app: App, *keys: str) -> None:
    """Every key in the app's queue at once, in order (not one by one as Pilot does)."""
    for key in keys:
        app.post_message(key_event(key))


async def until(pilot, condition, what: str = "the condition", tries: int = 400) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    assert condition(), f"{what} never came"


# -- a small app: rows of choices and a field, nothing of factdesk's data -----


class Rows(ModalScreen):
    def compose(self) -> ComposeResult:
        for name in ("first", "second", "third"):
            yield ChoiceRow(name, name, [Choice("a", "a"), Choice("b", "b"), Choice("c", "c")])
        yield Input(id="note")

    def on_mount(self) -> None:
        self.set_focus(self.query(ChoiceRow).first())


class RowsApp(TypeAhead):
    BINDINGS = [("f", "form", "Form")]

    def action_form(self) -> None:
        self.push_screen(Rows())


def chosen(screen) -> list:
    return [row.value for row in screen.query(ChoiceRow)]


async def test_plain_textual_gives_a_burst_to_the_widget_focused_before_it():
    """Why TypeAhead exists: Textual gives each key to the widget focused when
    the app takes the key from its queue; in a burst that is before the first
    key moved the focus, so every digit lands in the first row. If this starts
    failing, Textual routes keys differently and tui/typeahead.py may be simpler."""

    class Plain(App):
        pass

    app = Plain()
    async with app.run_test() as pilot:
        await app.push_screen(Rows())
        await pilot.pause()
        burst(app, "2", "3", "1")
        await until(pilot, lambda: chosen(app.screen)[0] == "a", "the last digit")
        assert chosen(app.screen) == ["a", None, None]


async def test_digits_in_a_burst_go_to_the_row_focused_when_each_comes():
    app = RowsApp()
    async with app.run_test() as pilot:
        await app.push_screen(Rows())
        await pilot.pause()
        burst(app, "2", "3", "1", *"done")
        await until(pilot, lambda: app.screen.query_one(Input).value == "done", "the note")
        assert chosen(app.screen) == ["b", "c", "a"]


async def test_a_burst_after_the_key_that_opens_the_form_reaches_its_rows_in_order():
    app = RowsApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        burst(app, "f", "3", "2", "1", *"ok")
        await until(pilot, lambda: isinstance(app.screen, Rows) and app.screen.query_one(Input).value == "ok",
                    "the note")
        assert chosen(app.screen) == ["c", "b", "a"]


async def test_a_paste_in_a_burst_keeps_its_place_among_the_keys():
    app = RowsApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        burst(app, "f", "1", "1", "1")
        app.post_message(events.Paste("pasted"))
        burst(app, *"!")
        await until(pilot, lambda: isinstance(app.screen, Rows) and app.screen.query_one(Input).value == "pasted!",
                    "the note")
        assert chosen(app.screen) == ["a", "a", "a"]


class Lossy(Widget, can_focus=True):
    """Loses the marker that follows a key (as a widget whose task ends before
    it comes to it would), and is removed by the key."""

    def call_later(self, callback, *args, **kwargs) -> bool:
        if getattr(callback, "__name__", "") == "_marker":
            return True
        return super().call_later(callback, *args, **kwargs)

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.screen.set_focus(self.screen.query_one(Input))
        self.remove()


class LossyScreen(ModalScreen):
    def compose(self) -> ComposeResult:
        yield Lossy()
        yield Input()

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Lossy))


async def test_a_lost_marker_holds_the_keys_after_it_only_until_its_widget_is_gone():
    app = RowsApp()
    async with app.run_test() as pilot:
        await app.push_screen(LossyScreen())
        await pilot.pause()
        burst(app, "x", *"after")
        await until(pilot, lambda: app.screen.query_one(Input).value == "after", "the keys after it", tries=2000)


# -- the app's own forms ---------------------------------------------------------


async def test_a_claim_typed_in_one_burst_is_the_claim_typed_slowly(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app.focused, "“If the international community")
        # stance 2 (disagree), type 1 (factual), check-worthy 1, speaker 1, how 1 (direct quote), confidence 3
        burst(app, "s", "c", "2", "1", "1", "1", "1", "3", *"said on Friday", "enter")
        await until(pilot, lambda: store.claims(), "the claim")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
    [claim] = store.claims()
    assert claim["stances"] == {"t1": "disagree"}
    assert (claim["claim_type"], claim["checkworthiness"], claim["attribution"], claim["confidence"]) == (
        "factual", "check-worthy", "direct-quote", "high")
    assert claim["speaker"]["kind"] == "entity"
    assert claim["note"] == "said on Friday"


async def test_digits_typed_fast_into_an_open_claim_form_fill_row_after_row(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+end", "c")
        assert isinstance(app.screen, ClaimForm)
        await pilot.pause()
        burst(app, "3", "2", "2")
        form = app.screen
        await until(pilot, lambda: form.query_one("#field-checkworthiness", ChoiceRow).value is not None,
                    "check-worthiness")
        assert form.query_one("#field-stance-t1", ChoiceRow).value == "discuss"
        assert form.query_one("#field-claim_type", ChoiceRow).value == "opinion"
        assert form.query_one("#field-checkworthiness", ChoiceRow).value == "unimportant"
        assert app.focused is form.query_one("#field-speaker", ChoiceRow)


async def test_a_rating_typed_in_one_burst_is_the_rating_typed_slowly(corpus, store, analyser):
    a0 = corpus.articles[0]
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "r", "3", "tab", "space", "tab", *"some note text", "enter")
        await until(pilot, lambda: store.rating(a0.id), "the rating")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
    rating = store.rating(a0.id)
    assert rating["label"] == "unreliable"
    assert rating["note"] == "some note text"
    assert len(rating["rationale_codes"]) == 1  # space ticked the first reason


async def test_a_rating_burst_into_the_open_form(corpus, store, analyser):
    a0 = corpus.articles[0]
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ReliabilityModal), "the rating form")
        await pilot.pause()
        burst(app, "2", "tab", "tab", *"fast", "enter")
        await until(pilot, lambda: store.rating(a0.id), "the rating")
    rating = store.rating(a0.id)
    assert (rating["label"], rating["note"]) == ("mixed", "fast")


# -- every form and popup of the main screen, opened and answered in one burst --


async def test_ctrl_n_in_a_burst_saves_and_the_next_form_takes_the_next_keys(corpus, store, analyser):
    a0 = corpus.articles[0]
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app.focused, "France, Russia and the United States (US)")
        burst(app, "s", "c", "3", "ctrl+n", "1", "2", "ctrl+n", "escape")
        await until(pilot, lambda: len(store.claims()) == 2 and isinstance(app.screen, MainScreen), "two claims")
    first, second = store.claims(a0.id)
    assert first["quote"].startswith("France, Russia") and first["stances"] == {"t1": "discuss"}
    assert second["quote"].startswith("However, the statement added")
    assert second["stances"] == {"t1": "agree"} and second["claim_type"] == "opinion"


async def test_link_form_answered_in_one_burst(corpus, store, analyser):
    """k, ↓ to the other article's sentence, s (same), and its stance: 3 ⏎."""
    from tests.helpers import TOLL_0, TOLL_3, claim

    own = claim(store, corpus.articles[0], TOLL_0)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app.focused, "death toll in the Armenian")
        candidates = app.screen.desk.link_candidates(store.claim(own["id"]))
        index = [c.text for c in candidates].index(TOLL_3)
        burst(app, "k", *["down"] * index, "s", "3", "enter")
        await until(pilot, lambda: store.links(), "the link")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
    (link,) = store.links(own["id"])
    assert link["label"] == "same"
    assert store.claim(link["b"])["quote"] == TOLL_3 and store.claim(link["b"])["stances"] == {"t1": "discuss"}


async def test_entity_label_in_one_burst(corpus, store, analyser):
    a0 = corpus.articles[0]
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        view = app.focused
        await put_cursor(pilot, view, "Armenia must withdraw")
        burst(app, "l", "2")  # ORG
        await until(pilot, lambda: store.entity_edits(a0.id), "the correction")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
    assert [(e["quote"], e["label"]) for e in store.entity_edits(a0.id)] == [("Armenia", "ORG")]


async def test_targets_in_one_burst(corpus, store, analyser):
    """t, a proposition, ⏎ (the list opens again), Esc: a worker's form takes the keys too."""
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "t", *"Turkey sent fighters", "enter", "escape")
        await until(pilot, lambda: len(store.event_targets("karabakh-2020-ceasefire")) == 2, "the target")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
    texts = [t["text"] for t in store.event_targets("karabakh-2020-ceasefire")]
    assert "Turkey sent fighters" in texts


async def test_entities_list_in_one_burst(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        desk = app.screen.desk
        rows = desk.entity_rows(desk.entity_groups())
        burst(app, "E", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.focus_key, "the entity")
        assert app.screen.focus_key == rows[1][0]


async def test_corroboration_in_one_burst(corpus, store, analyser):
    """o, 2 (the group disagrees; the view opens again), Esc."""
    from tests.helpers import linked

    linked(store, corpus)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = app.screen.desk.corroboration().groups[0].group_id  # the row the view opens on
        burst(app, "o", "2", "escape")

        def stance() -> dict:
            return {g.id: g.stance for g in store.claim_groups()}[first]

        await until(pilot, lambda: stance() == {"t1": "disagree"} and isinstance(app.screen, MainScreen),
                    "the group's stance, and the view closed")


async def test_search_results_in_one_burst(corpus, store, analyser):
    """/158, ctrl+r (the list, from a worker), ↓ ⏎: the second match."""
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = app.screen.desk.match_rows("158")
        burst(app, "slash", *"158", "ctrl+r", "down", "enter")
        article_id, start, end = rows[1][0]

        def there() -> bool:
            view = app.screen.current_view if isinstance(app.screen, MainScreen) else None
            return view is not None and view.article.id == article_id and view.selection_offsets() == (start, end)

        await until(pilot, there, "the second match")
    assert store.claims() == []
