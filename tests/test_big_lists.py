"""Big lists stay lists: a popup over 20,000 items builds what it shows, and
typing narrows it."""

from __future__ import annotations

from textual.widgets import Label, OptionList

from tests.helpers import popup_host
from tui.screens.targets import TargetEdit, TargetsModal

TARGETS = [{"id": f"t{i}", "text": f"Proposition {i} about the ceasefire."} for i in range(20_000)]


async def test_twenty_thousand_targets_open_as_a_window_that_typing_narrows():
    app = popup_host(TargetsModal(TARGETS))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#targets", OptionList)
        assert options.option_count == TargetsModal.SHOWN
        assert "200 of 20,000 shown" in str(app.screen.query_one("#targets-count", Label).render())
        await pilot.press(*"proposition 1999")
        await pilot.pause()
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        matching = [x for x in TARGETS if "1999" in x["text"]]  # every word typed is in them
        assert shown == [x["text"] for x in matching] and 1 < len(matching) < TargetsModal.SHOWN
        assert not app.screen.query_one("#targets-count", Label).display  # all of them shown
        await pilot.press("shift+tab", "down", "enter", "ctrl+u", *"Reworded", "enter")
        await pilot.pause()
    assert app.results == [TargetEdit(matching[1]["id"], "Reworded")]


async def test_a_claim_form_over_twenty_thousand_targets_finds_them_by_their_words():
    from tui.screens.claim_form import ClaimForm, ClaimFormResult

    app = popup_host(ClaimForm("a quote", TARGETS, []))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.focused.id == "target-find"  # no stance row yet: the finder has the focus
        await pilot.press("enter")  # nothing chosen: not saved, the reader is told what to do
        await pilot.pause()
        assert app.results == [] and app.focused.id == "target-find"
        await pilot.press(*"proposition 777 ", "enter", "2", "enter")
        await pilot.pause()
    [result] = app.results
    assert isinstance(result, ClaimFormResult) and result.stances == {"t777": "disagree"}


async def test_editing_a_claim_over_many_targets_shows_its_own_stances():
    from tui.screens.claim_form import ClaimForm
    from tui.widgets.choice_row import ChoiceRow

    claim = {"stances": {"t5": "agree", "t19000": "discuss"}}
    app = popup_host(ClaimForm("a quote", TARGETS, [], claim))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        rows = [r.field for r in app.screen.query(ChoiceRow) if r.field.startswith("stance:")]
        assert rows == ["stance:t5", "stance:t19000"]
        await pilot.press("enter")
        await pilot.pause()
    assert app.results[0].stances == {"t5": "agree", "t19000": "discuss"}


# -- the entities popup (E) ------------------------------------------------------------

ENTITIES = [(f"{'place' if i % 2 else 'person'}:name {i}", f"Name {i}", 20_000 - i, 1 + i % 7) for i in range(20_000)]


def _shown(options: OptionList) -> list[str]:
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


async def test_twenty_thousand_entities_open_as_a_window_that_typing_narrows():
    from textual.widgets import Input

    from tui.screens.entities import EntitiesModal, EntityChoice
    from tui.widgets.window_list import SHOWN

    app = popup_host(EntitiesModal(ENTITIES))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#entities", OptionList)
        assert _shown(options) == [row[0] for row in ENTITIES[:SHOWN]]
        assert "200 of 20,000 shown" in str(app.screen.query_one("#entities-count", Label).render())
        assert app.focused is options  # m and Enter act on the list at once
        await pilot.press(*"name 1999 place")  # letters typed on the list go to the finder: text and label
        await pilot.pause()
        assert app.screen.query_one("#entity-find", Input).value == "name 1999 place"
        matching = [row[0] for row in ENTITIES if "1999" in row[1] and row[0].startswith("place:")]
        assert _shown(options) == matching and 1 < len(matching) < SHOWN
        assert not app.screen.query_one("#entities-count", Label).display  # all of them shown
        await pilot.press("down", "down", "enter")  # to the list, its second row
        await pilot.pause()
    assert app.results == [EntityChoice("focus", (matching[1],))]


async def test_entities_merge_across_two_searches():
    from tui.screens.entities import EntitiesModal, EntityChoice

    app = popup_host(EntitiesModal(ENTITIES))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"name 12345", "down", "m")  # marked: Name 12345
        await pilot.press("slash", "ctrl+u", *"name 778 person", "enter")  # / then a word starting with any letter
        await pilot.pause()
    assert app.results == [EntityChoice("focus", ("person:name 778",))]
    app = popup_host(EntitiesModal(ENTITIES))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"name 12345", "down", "m", "slash", "ctrl+u", *"name 778 person", "down", "m")
        await pilot.pause()
    assert app.results == [EntityChoice("merge", ("place:name 12345", "person:name 778"))]


async def test_letters_typed_with_e_reach_the_entities_popup_not_the_article(corpus, store, analyser, monkeypatch):
    """E and the words typed right after it, in one burst, over an event with
    20,000 more entities: the words narrow the popup while it is built, none
    of them reaches the main screen below (e would go back to the events, r
    rate the article), and Enter focuses the entity found."""
    from annotations.desk import Desk
    from tests.helpers import SIZE, make_app, wait_for
    from tui.screens.main.screen import MainScreen

    own = Desk.entity_rows
    monkeypatch.setattr(Desk, "entity_rows", lambda desk, groups: own(desk, groups) + ENTITIES)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        main = await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen, "the main screen")
        await wait_for(pilot, lambda: main.desk.entity_groups(), "the entities of the event")
        await pilot.press("E", *"yerevan place", "enter")
        await wait_for(pilot, lambda: app.screen is main, "the popup to close")
        assert main.focus_key == "place:yerevan"  # not the first of the list, place:armenia
        assert not store.ratings()


# -- the events list -------------------------------------------------------------------

def _events_host(corpus, store):
    from textual.app import App

    from tui.screens.events import EventsScreen

    class EventsHost(App):
        """The events screen on its own: the events it opens are kept."""

        def __init__(self) -> None:
            super().__init__()
            self.opened: list[str] = []

        def on_mount(self) -> None:
            self.push_screen(EventsScreen(corpus, store))

        def open_event(self, event) -> None:
            self.opened.append(event.id)

    return EventsHost()


def _rows(table) -> list[str]:
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


async def test_five_thousand_events_open_as_a_window_that_typing_narrows(tmp_path):
    from textual.widgets import DataTable, Input, Static

    from annotations.store import AnnotationStore
    from corpus.model import Corpus, Event

    corpus = Corpus("big", tmp_path, [Event(f"e{i}", f"Talks round {i}", (), (f"a{i}", f"b{i}"))
                                      for i in range(5000)])
    with AnnotationStore(tmp_path / "s.json") as store:
        store.import_records("claims", [{"id": "c1", "article_id": "a4321", "status": "ok"},
                                        {"id": "c2", "article_id": "b4321", "status": "ok"},
                                        {"id": "c3", "article_id": "a4321", "status": "needs_review"}], "claims")
        store.import_records("ratings", [{"article_id": "b4321", "annotator": store.annotator, "label": "mixed"},
                                         {"article_id": "a4321", "annotator": "someone else", "label": "mixed"}],
                             "ratings")
        app = _events_host(corpus, store)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            table = screen.query_one(DataTable)
            assert _rows(table) == [f"e{i}" for i in range(200)] and app.focused is table
            status = str(screen.query_one("#events-status", Static).render())
            assert "200 of 5,000 shown" in status and "5,000 events" in status
            await pilot.press(*"round 4321")  # typed on the table: the finder takes them
            await pilot.pause()
            assert screen.query_one("#events-find", Input).value == "round 4321"
            assert _rows(table) == ["e4321"]
            assert [str(cell) for cell in table.get_row_at(0)] == ["2", "2", "1/2", "Talks round 4321"]
            status = str(screen.query_one("#events-status", Static).render())
            assert "1 of 5,000 events hold the words typed" in status
            await pilot.press("enter")  # Enter in the finder: the first event found
            await pilot.pause()
            assert app.opened == ["e4321"]
            await pilot.press("ctrl+u", *"round 432", "down", "down", "enter")  # ↓ to the table, its second row
            await pilot.pause()
            found = [e.id for e in corpus.events if "432" in e.title]
            assert _rows(table) == found and found[:3] == ["e432", "e1432", "e2432"]
            assert app.opened == ["e4321", "e1432"]
            store.import_records("claims", [{"id": "c4", "article_id": "a1432", "status": "ok"}], "claims")
            screen.refresh_rows()  # back from an event: the progress again, the same words, the same row
            await pilot.pause()
            assert _rows(table) == found and table.cursor_row == 1
            assert str(table.get_row_at(1)[1]) == "1"


async def test_words_typed_after_e_find_the_event_on_the_events_screen(tmp_path, analyser):
    """e (back to the events) and the words typed right after it, in one burst:
    the words go to the events screen's finder, not to the article below, and
    Enter opens the event they found."""
    import json

    from annotations.store import AnnotationStore
    from corpus.importers import load_jsonl
    from tests.helpers import SIZE, make_app, wait_for
    from tui.screens.events import EventsScreen
    from tui.screens.main.screen import MainScreen

    path = tmp_path / "two.jsonl"
    rows = [{"text": f"Story {i}\n\nArmenia and Azerbaijan, part {i}.", "event": "talks" if i < 3 else "war"}
            for i in range(5)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    corpus = load_jsonl(path)
    with AnnotationStore(tmp_path / "s.json") as store:
        store.register_corpus(corpus)
        app = make_app(corpus, store, analyser)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, EventsScreen), "the events screen")
            await pilot.press("down", "enter")  # war
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the war event")
            await pilot.press("e", *"talk", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.event.id == "talks",
                           "the talks event")
            assert not store.ratings() and not store.claims()


# -- search results and the review list ------------------------------------------------

async def test_five_hundred_search_results_open_as_a_window_that_typing_narrows():
    from tui.screens.results import Place, ResultsModal

    rows = [((f"a{i}", 10 * i, 10 * i + 4), f"Report {i}", "before the ", "word", f" after {i}") for i in range(500)]
    app = popup_host(ResultsModal("word", rows))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#results", OptionList)
        assert _shown(options) == [f"a{i}|{10 * i}|{10 * i + 4}" for i in range(200)]
        assert "200 of 500 shown" in str(app.screen.query_one("#results-count", Label).render())
        await pilot.press(*"report 49")  # typed on the list: the finder narrows by title and context
        await pilot.pause()
        assert _shown(options) == [f"a{i}|{10 * i}|{10 * i + 4}" for i in range(500) if "49" in str(i)]
        await pilot.press("down", "down", "enter")
        await pilot.pause()
    assert app.results == [Place("a149", 1490, 1494)]


async def test_five_thousand_claims_to_review_open_as_a_window():
    from annotations.desk import ReviewItem
    from tui.screens.review import ReviewChoice, ReviewModal

    items = [ReviewItem({"id": f"c{i}", "quote": f"A quote {i}"}, "a1", "a0", i, i + 5, None) for i in range(5000)]
    app = popup_host(ReviewModal(items, {"a1": "Title"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#review", OptionList)
        assert _shown(options) == [f"c{i}" for i in range(200)]
        assert "200 of 5,000 shown" in str(app.screen.query_one("#review-count", Label).render())
        await pilot.press("end", "x")
        await pilot.pause()
    assert app.results == [ReviewChoice("drop", "c199")]
