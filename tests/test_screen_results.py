"""Each popup of the main screen returns a typed result (a dataclass), not a
tuple whose places the caller must know."""

from __future__ import annotations

import pytest

from annotations.corroboration import GroupRow
from tests.helpers import popup_host
from tui.screens.corroboration import CorroborationScreen, GroupStance, GroupWording
from tui.screens.entities import (
    EntitiesModal,
    EntityChoice,
    EntityLabel,
    EntityLabelModal,
)
from tui.screens.results import Place, ResultsModal
from tui.screens.targets import TargetEdit, TargetsModal


async def answer(screen, *keys):
    app = popup_host(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        for _ in range(50):
            if app.results:
                break
            await pilot.pause()
    return app.results


async def test_search_results_give_a_place():
    rows = [(("a1", 5, 9), "Title", "before ", "text", " after")]
    assert await answer(ResultsModal("text", rows), "enter") == [Place("a1", 5, 9)]


async def test_targets_give_the_target_and_its_new_wording():
    targets = [{"id": "t1", "text": "A ceasefire holds."}]
    assert await answer(TargetsModal(targets), *"Talks fail.", "enter") == [TargetEdit(None, "Talks fail.")]


async def test_entities_give_a_choice_to_focus_or_merge():
    rows = [("k1", "Paris", 3, 2), ("k2", "Berlin", 2, 1)]
    assert await answer(EntitiesModal(rows), "enter") == [EntityChoice("focus", ("k1",))]
    assert await answer(EntitiesModal(rows), "m", "down", "m") == [EntityChoice("merge", ("k1", "k2"))]


async def test_the_entity_label_form_gives_a_label_and_where():
    [result] = await answer(EntityLabelModal("Paris", None), "a", "0")
    assert result == EntityLabel(None, True)


@pytest.mark.parametrize("keys,expected", [
    (("enter",), Place("a1", 0, 4)), (("c",), GroupWording("g1", "A truce")), (("1",), GroupStance("g1", "agree")),
])
async def test_corroboration_gives_a_place_a_wording_or_a_stance(keys, expected):
    row = GroupRow("g1", "A truce", "", ["site-a"], [], ["site-b"], "", ("a1", 0, 4))
    assert await answer(CorroborationScreen([row], [], []), *keys) == [expected]
