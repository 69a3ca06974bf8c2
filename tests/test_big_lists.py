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
