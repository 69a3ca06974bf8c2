"""The claim form from start to store, all keyboard."""

from __future__ import annotations

from tests.helpers import SIZE, make_app, put_cursor
from tui.app import MainScreen
from tui.widgets.choice_row import ChoiceRow
from tui.screens.claim_form import ClaimForm, speaker_choices


async def test_every_field_from_the_keyboard_reaches_the_store(corpus, store, analyser):
    a0 = corpus.articles[0]
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app.focused, "“If the international community")
        await pilot.press("s", "c")
        form = app.screen
        assert isinstance(form, ClaimForm)
        speakers = form.query_one("#field-speaker", ChoiceRow).choices
        assert [c.label for c in speakers[-2:]] == ["journalist", "unattributed"]
        first = speakers[0].value
        # stance 2 (disagree), type 1 (factual), check-worthy 1, speaker 1, how 1 (direct quote), confidence 3
        await pilot.press("2", "1", "1", "1", "1", "3", *"said on Friday", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    [claim] = store.claims()
    assert claim["stances"] == {"t1": "disagree"}
    assert (claim["claim_type"], claim["checkworthiness"], claim["attribution"], claim["confidence"]) == (
        "factual", "check-worthy", "direct-quote", "high")
    assert claim["speaker"] == first and first["kind"] == "entity"
    assert a0.text[first["start"]:first["end"]] == first["text"]
    assert claim["note"] == "said on Friday"


async def test_stance_is_required_and_tab_skips_optional_fields(corpus, store, analyser, notes):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.press("shift+end", "c", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm), "no stance chosen: the form stays open"
        assert any("Choose: Stance" in m for m in notes.messages)
        await pilot.press("tab", "tab")
        await pilot.press("right", "right")  # ←/→ choose too: the second choice of the focused row
        await pilot.press("shift+tab", "shift+tab", "4", "enter")
        await pilot.pause()
    [claim] = store.claims()
    assert claim["stances"] == {"t1": "unrelated"}
    assert claim["checkworthiness"] == "unimportant"
    assert "claim_type" not in claim and "speaker" not in claim


async def test_ctrl_n_saves_and_goes_on_through_the_sentences(corpus, store, analyser):
    a0 = corpus.articles[0]
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app.focused, "France, Russia and the United States (US)")
        await pilot.press("s", "c", "3", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm)
        await pilot.press("1", "ctrl+n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    quotes = [c["quote"] for c in store.claims(a0.id)]
    assert quotes[0].startswith("France, Russia and the United States (US)")
    assert quotes[1].startswith("However, the statement added")
    assert len(quotes) == 2


async def test_f2_edits_a_claim_in_place(corpus, store, analyser):
    a0 = corpus.articles[0]
    start = a0.text.index("158 soldiers")
    claim = store.add_claim(a0.id, start, start + 12, {"t1": "agree"}, claim_type="opinion")
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app.focused, "158 soldiers")
        await pilot.press("f2")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#field-claim_type", ChoiceRow).value == "opinion"
        await pilot.press("3", "1", "enter")
        await pilot.pause()
    edited = store.claim(claim["id"])
    assert edited["stances"] == {"t1": "discuss"} and edited["claim_type"] == "factual"
    assert (edited["start"], edited["end"]) == (start, start + 12)
    assert store.undo() == "edit claim"
    assert store.claim(claim["id"])["claim_type"] == "opinion"


def test_speaker_choices_are_nearby_entities_then_fallbacks():
    text = "Lavrov met Blinken. Later, Lavrov said the talks failed. NATO was silent."
    ents = [(0, 6, "PERSON"), (11, 18, "PERSON"), (27, 33, "PERSON"), (57, 61, "ORG")]
    sents = [(0, 19), (20, 56), (57, 72)]
    start = text.index("the talks failed")
    choices = speaker_choices(text, ents, sents, start, start + len("the talks failed"))
    assert [c.label for c in choices] == ["Lavrov", "NATO", "Blinken", "journalist", "unattributed"]
