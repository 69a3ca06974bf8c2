"""Keyboard workflow: visual mode, sentence moves, search across the event,
entity focus across columns, the entities panel and merges."""

from __future__ import annotations

from tests.helpers import SIZE, focus_spans, make_app, put_cursor, visible_columns
from tui.app import MainScreen
from tui.screens.entities import EntitiesModal
from tui.screens.results import ResultsModal


async def test_visual_mode_extends_with_plain_movement(corpus, store, analyser):
    a0 = corpus.articles[0]
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        view = app.focused
        start = await put_cursor(pilot, view, "However, the statement added")
        await pilot.press("v", "ctrl+right", "ctrl+right", "right")
        assert view.visual and view.has_class("-visual")
        assert view.selection_offsets()[0] == start and view.selection_offsets()[1] > start
        await pilot.press("escape")
        assert not view.visual and view.selection_offsets()[0] == start  # the selection stays
        await pilot.press("c", "1", "enter")
        await pilot.pause()
    [claim] = store.claims()
    assert claim["start"] == start and a0.text[claim["start"]:claim["end"]] == claim["quote"]
    assert claim["quote"].startswith("However, the")


async def test_sentence_moves_and_extends(corpus, store, analyser, rules_cache):
    a0 = corpus.articles[0]
    app = make_app(corpus, store, analyser)
    analysis = analyser.cached(a0.text_hash)
    async with app.run_test(size=SIZE) as pilot:
        view = app.focused
        await put_cursor(pilot, view, "France, Russia and the United States (US)")
        here = view.offset_of(view.cursor_location)
        starts = [s for s, _ in analysis.sents]
        await pilot.press("right_parenthesis")
        assert view.offset_of(view.cursor_location) == next(s for s in starts if s > here)
        await pilot.press("left_parenthesis", "left_parenthesis")
        assert view.offset_of(view.cursor_location) == max(s for s in starts if s < here)
        await pilot.press("v", "right_parenthesis", "right_parenthesis")
        start, end = view.selection_offsets()
        assert start < here < end


async def test_search_goes_through_the_event_and_lists_results(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        bar = app.screen.query_one("#search")
        assert app.focused is bar
        await pilot.press(*"158", "enter")
        await pilot.pause()
        first = app.screen.current_view
        assert first.article.text[slice(*first.selection_offsets())] == "158"
        await pilot.press("enter")
        await pilot.pause()
        second = app.screen.current_view
        assert second.article.id != first.article.id  # on to the next article with a match
        assert second.article.text[slice(*second.selection_offsets())] == "158"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ResultsModal)
        assert len(app.screen.rows) == sum(a.text.count("158") for a in corpus.articles)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("slash", "escape")
        assert not bar.has_class("-open")


async def test_entity_focus_highlights_every_column_and_steps(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        view = app.focused
        await put_cursor(pilot, view, "Azerbaijan. The two countries")
        await pilot.press("asterisk")
        await pilot.pause()
        screen = app.screen
        assert screen.focus_key == "place:azerbaijan"
        for column in visible_columns(app):
            spans = focus_spans(column.view)
            assert spans and all(column.article.text[s:e].lower().startswith("azerbaijan") for s, e in spans)
        before = (screen.current_id, view.offset_of(view.cursor_location))
        await pilot.press("asterisk")
        await pilot.pause()
        now = screen.current_view
        assert (screen.current_id, now.offset_of(now.cursor_location)) != before
        assert now.article.text[slice(*now.selection_offsets())].lower().startswith("azerbaijan")
        await pilot.press("escape")
        assert screen.focus_key is None and focus_spans(view) == []


async def test_entities_panel_focuses_and_merges(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("E")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, EntitiesModal)
        keys = [row[0] for row in modal.rows]
        counts = [row[2] for row in modal.rows]
        assert counts == sorted(counts, reverse=True)
        first, second = keys.index("place:armenia"), keys.index("group:armenian")
        options = modal.query_one("#entities")
        options.highlighted = first
        await pilot.press("m")
        options.highlighted = second
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, EntitiesModal)  # reopened, merged
        assert "group:armenian" not in [row[0] for row in app.screen.rows]
        await pilot.press("escape")
    assert store.entity_merges() == [("place:armenia", "group:armenian")]


async def test_line_cache_never_shows_a_stale_selection(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        view = app.focused
        await put_cursor(pilot, view, "Windowofworld.com")
        selection_bg = view.get_component_rich_style("text-area--selection").bgcolor

        def selected_rows() -> set[int]:
            rows = set()
            for y in range(view.size.height):
                strip = view.render_line(y)
                if any(seg.style is not None and seg.style.bgcolor == selection_bg for seg in strip):
                    rows.add(y)
            return rows

        await pilot.press("shift+down", "shift+down", "shift+down", "shift+down")
        await pilot.pause()
        wide = selected_rows()
        assert len(wide) >= 4
        await pilot.press("shift+up", "shift+up", "shift+up")
        await pilot.pause()
        narrow = selected_rows()
        assert narrow and narrow < wide  # rows that left the selection were re-rendered
        await pilot.press("right")  # collapse the selection
        await pilot.pause()
        assert selected_rows() == set()


async def test_entity_corrections_relabel_remove_add_and_everywhere(corpus, store, analyser):
    from tui.screens.entities import EntityLabelModal

    a0 = corpus.articles[0]
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        view = app.focused
        ready = a0.text.index("Armenia must withdraw")
        assert (ready, ready + 7, "GPE") in view.entities
        # relabel the entity at the cursor: Armenia GPE -> ORG (2)
        await put_cursor(pilot, view, "Armenia must withdraw")
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, EntityLabelModal)
        await pilot.press("2")
        await pilot.pause()
        assert (ready, ready + 7, "ORG") in view.entities
        # remove a false one: 0 = not an entity
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("0")
        await pilot.pause()
        assert not any(s <= ready < e for s, e, _ in view.entities)
        # add a missed entity everywhere: "Nagorno-Karabakh" as LOC (5) in every article
        start = await put_cursor(pilot, view, "Nagorno-Karabakh region, which")
        await pilot.press(*["shift+right"] * len("Nagorno-Karabakh"), "l")
        await pilot.pause()
        await pilot.press("a", "5")
        await pilot.pause()
        assert (start, start + 16, "LOC") in view.entities
        second = app.screen.columns[corpus.articles[1].id].view
        assert any(second.article.text[s:e] == "Nagorno-Karabakh" and label == "LOC" for s, e, label in second.entities)
        await pilot.press("u")  # one undo takes back the whole "everywhere" correction
        await pilot.pause()
        assert (start, start + 16, "LOC") not in view.entities
    edits = store.entity_edits(a0.id)
    assert [(e["quote"], e["label"]) for e in edits] == [("Armenia", "ORG"), ("Armenia", None)]


async def test_every_action_is_in_the_command_palette(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for wanted in ("Claim", "Rate article", "Rate source", "Search", "Undo", "Hide noise", "Entity label"):
            assert wanted in titles
        assert any(c.title.lower().startswith("theme") or "theme" in c.title.lower() for c in app.get_system_commands(app.screen))


async def test_user_keymap_remaps_and_bad_keymaps_warn(tmp_path, monkeypatch, corpus, store, analyser, notes):
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('claim = "k"\nnot_a_binding = "z"\n', encoding="utf-8")
    monkeypatch.setenv("FACTDESK_KEYMAP", str(keymap))
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.pause()
        assert any('unknown binding ids "not_a_binding"' in m for m in notes.messages)
        assert any('claim takes "k" from link (it has no key now' in m for m in notes.messages)
        await pilot.press("shift+end", "k")
        await pilot.pause()
        from tui.screens.claim_form import ClaimForm

        assert isinstance(app.screen, ClaimForm)
    keymap.write_text("claim = [1, 2", encoding="utf-8")
    notes.clear()  # the second app's own notifications
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.pause()
        assert any("keymap not used" in m for m in notes.messages)


async def test_claims_panel_scope_filter_and_progress(corpus, store, analyser):
    a0, a1 = corpus.articles[0], corpus.articles[1]
    s0 = a0.text.index("158 soldiers")
    store.add_claim(a0.id, s0, s0 + 12, {"t1": "agree"})
    s1 = a1.text.index("A new humanitarian ceasefire")
    store.add_claim(a1.id, s1, s1 + 28, {"t1": "disagree"})
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#claims-list")
        assert panel.option_count == 1
        assert "this article: 1/" in str(app.screen.query_one("#status").render())
        await pilot.press("a")
        assert panel.option_count == 2
        await pilot.press("f", "f")  # agree, then disagree
        assert panel.option_count == 1 and panel.get_option_at_index(0).id == store.claims(a1.id)[0]["id"]


async def test_targets_are_added_and_reworded_in_the_app(corpus, store, analyser):
    from tui.screens.claim_form import ClaimForm
    from tui.screens.targets import TargetsModal

    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TargetsModal)
        await pilot.press(*"Turkey sent fighters from Syria", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TargetsModal)  # reopened to add or edit more
        await pilot.press("shift+tab", "enter", "ctrl+u", *"Both sides want a ceasefire", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("shift+end", "c")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ClaimForm)
        assert len([t for t in form.targets]) == 2
        await pilot.press("1", "2", "enter")  # agree with the first, disagree with the second
        await pilot.pause()
    texts = {t["id"]: t["text"] for t in store.event_targets("karabakh-2020-ceasefire")}
    assert texts == {"t1": "Both sides want a ceasefire", "karabakh-2020-ceasefire:r2": "Turkey sent fighters from Syria"}
    [claim] = store.claims()
    assert claim["stances"] == {"t1": "agree", "karabakh-2020-ceasefire:r2": "disagree"}


async def test_statistics_screen_counts_labels(corpus, store, analyser):
    from tui.screens.stats import StatsScreen, bars, per_hour
    from collections import Counter

    a0 = corpus.articles[0]
    for phrase, stance in (("158 soldiers", "agree"), ("19 civilians", "agree"), ("Turkey would support", "disagree")):
        start = a0.text.index(phrase)
        store.add_claim(a0.id, start, start + len(phrase), {"t1": stance}, claim_type="factual")
    store.rate_article(a0.id, "mixed")
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        assert len(app.screen.claims) == 3 and len(app.screen.ratings) == 1
        await pilot.press("escape")
    text = bars("Stance", Counter(["agree", "agree", "disagree"]), ("agree", "disagree", "discuss")).plain
    assert "agree " + "█" * 40 + " 2" in text and "disagree " + "█" * 20 + " 1" in text and "discuss  0" in text
    assert per_hour(["2026-01-01T10:00:00+00:00", "2026-01-01T10:30:00+00:00", "2026-01-01T12:10:00+00:00"]) == [2, 0, 1]


def burst(app, keys: list[tuple[str, str | None]]) -> None:
    """Keys that reach the app in one go, as from a fast typist (none is
    handled before the next arrives)."""
    from textual import events

    for key, character in keys:
        app.post_message(events.Key(key, character))


def typed(text: str) -> list[tuple[str, str | None]]:
    return [(c, c) for c in text]


async def test_keys_typed_right_after_slash_are_the_search(corpus, store, analyser):
    """/sc2020⏎ and /moscow⏎ in one burst search; they create no claim and open nothing."""
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.screen.query_one("#search")
        burst(app, [("slash", "/"), *typed("sc2020"), ("enter", None)])
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.focused is bar and bar.value == "sc2020"
        await pilot.press("escape")
        burst(app, [("slash", "/"), *typed("moscow"), ("enter", None)])
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and bar.value == "moscow"
        await pilot.press("escape")
        burst(app, [("slash", "/"), *typed("158"), ("enter", None)])
        await pilot.pause()
        view = app.screen.current_view
        assert view.article.text[slice(*view.selection_offsets())] == "158"  # it searched
    assert store.claims() == []
