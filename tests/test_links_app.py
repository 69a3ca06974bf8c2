"""Pilot tests: linking claims across articles from the keyboard."""

from __future__ import annotations

import pytest

from tests.helpers import (FIGHTERS_0, MERCENARIES_4, SIZE, TOLL_0, TOLL_3, claim, focus_spans, linked_spans,
                           make_app, put_cursor, wait_for)
from tui.screens.claim_form import ClaimForm
from tui.screens.corroboration import CorroborationScreen
from tui.screens.link import LinkModal
from tui.screens.prompt import TextPrompt
from tui.screens.rating import ReliabilityModal


async def open_link_form(pilot, app, phrase: str) -> LinkModal:
    await put_cursor(pilot, app.focused, phrase)
    await pilot.press("k")
    await pilot.pause()
    assert isinstance(app.screen, LinkModal)
    return app.screen


async def test_suggestions_put_the_other_158_soldiers_sentence_in_the_top_three(corpus, store, analyser):
    claim(store, corpus.articles[0], TOLL_0)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_link_form(pilot, app, "death toll in the Armenian")
        top = [c.text for c in form.candidates[:3]]
        assert TOLL_3 in top
        best = form.candidates[top.index(TOLL_3)]
        assert best.claim_id is None and best.article_id == corpus.articles[3].id
        assert "same number 158" in best.reasons


async def test_accepting_a_suggestion_links_it_in_one_undoable_action(corpus, store, analyser):
    own = claim(store, corpus.articles[0], TOLL_0)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_link_form(pilot, app, "death toll in the Armenian")
        index = [c.text for c in form.candidates].index(TOLL_3)
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("s")  # one key: same
        await pilot.pause()
        # the sentence becomes a claim: its stance is asked first
        assert isinstance(app.screen, ClaimForm) and TOLL_3 in app.screen.quote
        assert store.links() == []
        await pilot.press("3", "enter")  # discuss
        await pilot.pause()
        assert not isinstance(app.screen, (LinkModal, ClaimForm))
        (link,) = store.links(own["id"])
        other = store.claim(link["b"])
        assert link["label"] == "same" and other["quote"] == TOLL_3
        assert other["article_id"] == corpus.articles[3].id and other["stances"] == {"t1": "discuss"}
        # the linked claim is marked in its column
        view = app.main.columns[corpus.articles[0].id].view
        assert (own["start"], own["end"]) in linked_spans(view)
        await pilot.press("u")
        await pilot.pause()
        assert store.links() == [] and store.claims(corpus.articles[3].id) == []


async def test_a_link_to_a_bare_sentence_given_up_at_its_stance_saves_nothing(corpus, store, analyser):
    own = claim(store, corpus.articles[0], TOLL_0)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_link_form(pilot, app, "death toll in the Armenian")
        for _ in range([c.text for c in form.candidates].index(TOLL_3)):
            await pilot.press("down")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm)
        await pilot.press("enter")  # no stance chosen: the form stays open, asking for it
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm) and store.links() == []
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ClaimForm)
    assert store.links() == [] and [c["id"] for c in store.claims()] == [own["id"]]


async def test_link_to_an_existing_claim_with_a_note_and_unlink(corpus, store, analyser):
    own = claim(store, corpus.articles[0], FIGHTERS_0)
    merc = claim(store, corpus.articles[4], MERCENARIES_4)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_link_form(pilot, app, "300 fighters")
        index = next(i for i, c in enumerate(form.candidates) if c.claim_id == merc["id"])
        assert form.candidates[index].mismatch  # 300 against nine hundred
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("tab")
        await pilot.press(*"count")
        await pilot.press("shift+tab", "x")  # contradicts
        await pilot.pause()
        (link,) = store.links(own["id"])
        assert (link["label"], link["note"], link["b"]) == ("contradicts", "count", merc["id"])
        form = await open_link_form(pilot, app, "300 fighters")
        assert form.candidates[0].link_label == "contradicts"
        await pilot.press("d")
        await pilot.pause()
        assert store.links() == []


async def test_same_with_different_numbers_is_flagged(corpus, store, analyser, notes):
    claim(store, corpus.articles[0], FIGHTERS_0)
    merc = claim(store, corpus.articles[4], MERCENARIES_4)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        form = await open_link_form(pilot, app, "300 fighters")
        index = next(i for i, c in enumerate(form.candidates) if c.claim_id == merc["id"])
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        messages = notes.messages
        assert any("⚠ numbers differ: 300 vs 900" in m for m in messages), messages


@pytest.mark.parametrize("width,beside", [(160, False), (280, True)])
async def test_counterparts_are_shown_in_their_columns(corpus, store, analyser, width, beside):
    own = claim(store, corpus.articles[0], TOLL_0)
    other = claim(store, corpus.articles[3], TOLL_3)
    store.link_claims(own["id"], other["id"], "same")
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=(width, 40)) as pilot:
        await put_cursor(pilot, app.focused, "death toll in the Armenian")
        await pilot.press("g")
        await pilot.pause()
        main = app.main
        column = main.columns[corpus.articles[3].id]
        assert column.display, "the counterpart's article is shown"
        assert column.view.selection_offsets() == (other["start"], other["end"])
        assert focus_spans(column.view) == [(other["start"], other["end"])]
        # four columns fit articles 1 and 4 side by side; two do not, and the focus follows
        assert main.columns[corpus.articles[0].id].display is beside
        assert main.current_id == (corpus.articles[0].id if beside else corpus.articles[3].id)


async def test_corroboration_view_and_the_signal_in_the_rating_form(corpus, store, analyser):
    a0, a3, a4 = corpus.articles[0], corpus.articles[3], corpus.articles[4]
    toll0, toll3 = claim(store, a0, TOLL_0), claim(store, a3, TOLL_3)
    f0 = claim(store, a0, FIGHTERS_0)
    merc = claim(store, a4, MERCENARIES_4)
    store.link_claims(toll0["id"], toll3["id"], "same")
    store.link_claims(merc["id"], f0["id"], "contradicts")
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CorroborationScreen)
        (group,) = screen.groups
        assert sorted(group.states) == sorted({a0.source, a3.source})
        assert len(group.silent) == len({a.source for a in corpus.articles}) - 2
        by_source = {r.source: r for r in screen.sources}
        assert by_source[a0.source].corroborated == 1 and by_source[a0.source].contradicted == 1
        assert by_source[a4.source].contradicted == 1
        # c: a canonical wording for the group
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one("#prompt").value = ""
        await pilot.press(*"158 soldiers killed", "enter")
        await pilot.pause()
        assert store.claim_groups()[0].canonical == "158 soldiers killed"
        assert isinstance(app.screen, CorroborationScreen)
        await pilot.press("2")  # the group disagrees with the target
        await pilot.pause()
        assert store.claim_groups()[0].stance == {"t1": "disagree"}
        assert app.screen.groups[0].stance == "disagree"
        await pilot.press("escape")
        await put_cursor(pilot, app.focused, "death toll")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReliabilityModal)
        assert "1 of its 2 claim(s) are corroborated and 1 contradicted" in app.screen.signal


async def test_the_sentence_index_is_built_ahead_in_a_worker(corpus, store, analyser, monkeypatch):
    own = claim(store, corpus.articles[0], TOLL_0)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        main = app.main
        assert main.desk.index_key is None
        await wait_for(pilot, lambda: main.desk.index_key is not None, "the index built ahead")

        def no_rebuild(*_):
            raise AssertionError("the index was built again on demand")

        monkeypatch.setattr(type(main.desk), "build_index", staticmethod(no_rebuild))
        assert any(c.text == TOLL_3 for c in main.desk.link_candidates(own))
