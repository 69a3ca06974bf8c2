"""Pilot tests: the app driven by key presses, checked against the store."""

from __future__ import annotations

import pytest

from annotations.export import export_store
from annotations.store import AnnotationStore
from corpus.analysis import Analyser, AnalysisCache
from corpus.articles import load_folder
from corpus.nlp import rules_choice
from tests.helpers import SIZE, claim_spans, make_app, put_cursor, toasts, visible_columns
from tui.app import MainScreen, columns_for_width
from tui.widgets.article_view import ArticleView
from tui.widgets.article_column import ArticleColumn
from tui.screens.claim_form import ClaimForm
from tui.screens.help import HelpScreen
from tui.screens.rating import ReliabilityModal


async def test_opens_side_by_side_with_entities(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # only the shown columns are built; the others are built when first shown
        assert len(app.screen.query(ArticleColumn)) == 2
        shown = visible_columns(app)
        assert [c.article.id for c in shown] == [a.id for a in corpus.articles[:2]]
        for column in shown:
            assert column.view.entities, "entities are highlighted"
            line = column.view.get_line(0)
            assert line.spans, "the first line carries entity styles"
        assert isinstance(app.focused, ArticleView)


async def test_keyboard_selection_tags_a_claim_with_stance(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+end", "c")
        assert isinstance(app.screen, ClaimForm)
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    claims = store.claims()
    assert len(claims) == 1
    title = corpus.articles[0].title
    assert claims[0]["quote"] == title
    assert (claims[0]["start"], claims[0]["end"]) == (0, len(title))
    assert claims[0]["stances"] == {"t1": "disagree"}


async def test_word_selection_and_stance_by_arrows(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["ctrl+shift+right"] * 4)
        selected = app.focused.selection_offsets()
        await pilot.press("c", "right", "right", "right", "enter")  # agree, disagree, discuss
        await pilot.pause()
    [claim] = store.claims()
    assert (claim["start"], claim["end"]) == selected
    assert claim["quote"] == "Nagorno-Karabakh War"
    assert claim["stances"] == {"t1": "discuss"}


async def test_partial_word_selection_snaps_to_tokens(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app.focused, "ready to work")
        await pilot.press("right", "right", *["shift+right"] * 6, "c", "1", "enter")  # "ady to "
        await pilot.pause()
    [claim] = store.claims()
    assert claim["quote"] == "ready to"


async def test_sentence_key_selects_the_sentence_at_the_cursor(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        view = app.focused
        await put_cursor(pilot, view, "death toll in the Armenian")
        await pilot.press("s", "c", "3", "enter")
        await pilot.pause()
    [claim] = store.claims()
    assert claim["quote"] == "This brings the death toll in the Armenian stronghold to 158 soldiers."


async def test_escape_cancels_the_claim(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+end", "c", "escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert store.claims() == []


async def test_claim_without_selection_explains_what_to_do(corpus, store, analyser, notes):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        messages = notes.messages
        assert any("Select the claim first" in m for m in messages)
    assert store.claims() == []


async def test_rate_article_with_note(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")  # second column
        await pilot.press("r")
        assert isinstance(app.screen, ReliabilityModal)
        await pilot.press("3", "tab", "space", "down", "down", "space", "tab", *"ads [b]x[/b]", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        head = app.screen.query_one(f"#head-{corpus.articles[1].id}")
        assert "unreliable" in str(head.render())
    rating = store.rating(corpus.articles[1].id)
    assert rating["label"] == "unreliable"
    assert rating["note"] == "ads [b]x[/b]"
    assert rating["rationale_codes"] == ["no-byline", "sensational-headline"]


async def test_claim_and_rating_reach_the_export(corpus, store, analyser, tmp_path):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app.focused, "Armenia says it is ready")
        await pilot.press("s", "c", "1", "enter", "r", "2", "enter")
        await pilot.pause()
    report = export_store(store, tmp_path / "out", analyser, formats=("jsonl",))
    assert {k: report.counts[k] for k in ("claims.jsonl", "stance.jsonl", "reliability.jsonl")} == {
        "claims.jsonl": 1, "stance.jsonl": 1, "reliability.jsonl": 1}
    import json
    task = json.loads((tmp_path / "out" / "claims.jsonl").read_text())
    span = task["spans"][0]
    assert "Armenia says it is ready" in task["text"][span["start"]:span["end"]]
    stance = json.loads((tmp_path / "out" / "stance.jsonl").read_text())
    assert stance["label"] == "agree"
    rating = json.loads((tmp_path / "out" / "reliability.jsonl").read_text())
    assert rating["label"] == "mixed" and rating["doc_id"] == corpus.articles[0].id


async def test_reopening_shows_saved_work(tmp_path, corpus, analyser):
    path = tmp_path / "s.json"
    store = AnnotationStore(path)
    store.register_corpus(corpus)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+end", "c", "1", "enter", "r", "1", "enter")
        await pilot.pause()
    store.close()
    store = AnnotationStore(path)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(f"#view-{corpus.articles[0].id}", ArticleView)
        assert claim_spans(view) == [(0, len(corpus.articles[0].title))]
        options = app.screen.query_one("#claims-list")
        assert options.option_count == 1
        assert "reliable" in str(app.screen.query_one(f"#head-{corpus.articles[0].id}").render())
    store.close()


async def test_claims_panel_jumps_to_the_claim(corpus, store, analyser):
    a0 = corpus.articles[0]
    start = a0.text.index("Turkey is Azerbaijan’s strongest supporter")
    end = start + len("Turkey is Azerbaijan’s strongest supporter")
    store.add_claim(a0.id, start, end, {"t1": "discuss"})
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+tab")  # backwards from the first column to the panel
        assert app.focused.id == "claims-list"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.focused, ArticleView)
        assert app.focused.selection_offsets() == (start, end)


async def test_delete_claim_under_cursor(corpus, store, analyser):
    a0 = corpus.articles[0]
    start = a0.text.index("158 soldiers")
    store.add_claim(a0.id, start, start + 12, {"t1": "discuss"})
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app.focused, "158 soldiers")
        await pilot.press("x")
        await pilot.pause()
        assert claim_spans(app.focused) == []
    assert store.claims() == []


async def test_bracket_keys_cycle_the_visible_articles(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        ids = [a.id for a in corpus.articles]
        await pilot.press("right_square_bracket")
        assert [c.article.id for c in visible_columns(app)] == ids[1:3]
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        assert [c.article.id for c in visible_columns(app)] == ids[0:2], "wraps around"
        assert [c.article.id for c in app.screen.query(ArticleColumn)] == ids, "DOM keeps article order"
        assert all(c.view.entities for c in app.screen.query(ArticleColumn))
        await pilot.press("left_square_bracket")
        assert [c.article.id for c in visible_columns(app)] == ids[3:5]
        assert app.focused.article.id in ids[3:5]


async def test_help_screen_opens_and_closes(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@pytest.mark.parametrize("width, expected", [(60, 1), (80, 1), (120, 2), (160, 2), (200, 3), (300, 4)])
async def test_column_count_follows_width(corpus, store, analyser, width, expected):
    assert columns_for_width(width, panel=width >= 160) == expected
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause()
        assert len(visible_columns(app)) == expected


async def test_uncached_analysis_arrives_from_a_worker(tmp_path, corpus, store):
    analyser = Analyser(rules_choice(warning=None), AnalysisCache(tmp_path / "empty-cache"))
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for column in app.screen.query(ArticleColumn):
            assert column.view.entities
        assert "analysing" not in str(app.screen.query_one("#status").render())


async def test_missing_model_warns_in_the_app(corpus, store, rules_cache, notes):
    analyser = Analyser(rules_choice(), AnalysisCache(rules_cache))
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.pause()
        assert any("No trained spaCy model" in m for m in notes.messages)


async def test_markup_and_escapes_in_articles_are_shown_literally(tmp_path, analyser):
    folder = tmp_path / "nasty"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "[bold red]Not bold[/] title\n\nClick [link=http://x]here[/link] \x1b[31mred\x1b[0m [/] [", encoding="utf-8")
    (folder / "b.txt").write_text("Plain [i]second[/i]\n\nText.", encoding="utf-8")
    corpus = load_folder(folder)
    store = AnnotationStore(tmp_path / "s.json")
    store.register_corpus(corpus)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.screen.query_one(f"#view-{corpus.articles[0].id}", ArticleView)
        assert view.get_line(0).plain == "[bold red]Not bold[/] title"
        assert "[link=http://x]here[/link] ␛[31mred␛[0m [/] [" in view.get_line(2).plain
        head = str(app.screen.query_one(f"#head-{corpus.articles[0].id}").render())
        assert "[bold red]Not bold[/] title" in head
        await pilot.press("shift+end", "c", "1", "enter")
        await pilot.pause()
    assert store.claims()[0]["quote"] == "[bold red]Not bold[/] title"
    store.close()


@pytest.mark.parametrize("size", [(20, 6), (10, 3), (400, 100)])
async def test_tiny_and_huge_terminals_do_not_crash(corpus, store, analyser, size):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=size) as pilot:
        await pilot.press("down", "shift+right", "c")
        await pilot.press("escape", "right_square_bracket", "question_mark", "escape")
        await pilot.pause()
        assert app.screen.query(ArticleColumn)


async def test_resizing_keeps_cursor_and_selection(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        view = app.focused
        await put_cursor(pilot, view, "158 soldiers")
        await pilot.press("shift+right", "shift+right", "shift+right")
        before = view.selection_offsets()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert app.focused is view
        assert view.selection_offsets() == before


async def test_undo_and_redo_keys(corpus, store, analyser, notes):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.press("shift+end", "c", "1", "enter", "r", "2", "enter")
        await pilot.pause()
        assert len(store.claims()) == 1 and store.rating(corpus.articles[0].id)
        await pilot.press("ctrl+z")  # with the TextArea focused: our undo, not the TextArea's
        await pilot.pause()
        assert store.rating(corpus.articles[0].id) is None
        await pilot.press("u")
        await pilot.pause()
        assert store.claims() == []
        assert claim_spans(app.focused) == []
        await pilot.press("U")
        await pilot.pause()
        assert len(store.claims()) == 1
        assert claim_spans(app.focused) == [(0, len(corpus.articles[0].title))]
        await pilot.press("u", "u", "u")
        await pilot.pause()
        assert any("Nothing to undo" in m for m in notes.messages)


async def test_read_only_store_refuses_changes_in_the_app(tmp_path, corpus, analyser, notes):
    path = tmp_path / "s.json"
    with AnnotationStore(path) as writer:
        writer.register_corpus(corpus)
    store = AnnotationStore(path, read_only=True)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.press("shift+end", "c", "1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm), "the claim stays in the form, not saved"
        assert any("read-only" in m and "NOT saved" in m for m in notes.messages)
        await pilot.press("escape")
        await pilot.pause()
        assert "READ-ONLY" in str(app.screen.query_one("#status").render())
    assert store.claims() == []
    store.close()


async def test_noise_is_dimmed_hidden_and_offsets_stay_right(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    a0 = corpus.articles[0]
    async with app.run_test(size=SIZE) as pilot:
        view = app.focused
        assert view.noise and view.get_line(2).plain == a0.title  # repeated title shown, dimmed
        rows_before = view.wrapped_document.height
        await pilot.press("h")
        await pilot.pause()
        assert view.hiding_noise and view.wrapped_document.height < rows_before
        assert view.wrapped_document.is_folded(2), "the repeated title's line is folded away"
        status = app.screen.query_one("#status")
        assert "noise lines folded" in str(status.render())  # said while they are folded, not in a toast
        # a claim selected while noise is hidden lands on the right article offsets
        await put_cursor(pilot, view, "This brings the death toll")
        await pilot.press("s", "c", "1", "enter")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert not view.hiding_noise and view.wrapped_document.height == rows_before
        assert "noise lines folded" not in str(status.render())
    [claim] = store.claims()
    assert claim["quote"] == a0.text[claim["start"]:claim["end"]]
    assert claim["quote"].startswith("This brings the death toll")


async def test_reader_marks_and_unmarks_noise(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    a0 = corpus.articles[0]
    async with app.run_test(size=SIZE) as pilot:
        view = app.focused
        await put_cursor(pilot, view, "Please enter your name here")
        await pilot.press("n")  # unmark the comment-form line
        await pilot.pause()
        start = a0.text.index("Please enter your name here")
        assert not any(s <= start < e for s, e, _ in view.noise)
        await put_cursor(pilot, view, "Windowofworld.com")
        await pilot.press(*["shift+right"] * len("Windowofworld.com"), "n")
        await pilot.pause()
        assert (a0.text.index("Windowofworld.com"), a0.text.index("Windowofworld.com") + 17, "marked") in view.noise
    marks = store.noise_marks(a0.id)
    assert [(m["noise"], m["quote"]) for m in marks] == [(False, "Please enter your name here"), (True, "Windowofworld.com")]


async def test_events_screen_lists_and_opens_events(tmp_path, analyser):
    from corpus.importers import load_jsonl
    from tui.screens.events import EventsScreen

    path = tmp_path / "two.jsonl"
    rows = [{"text": f"Story {i}\n\nArmenia and Azerbaijan, part {i}.", "event": "talks" if i < 3 else "war"}
            for i in range(5)]
    path.write_text("".join(__import__("json").dumps(r) + "\n" for r in rows), encoding="utf-8")
    corpus = load_jsonl(path)
    store = AnnotationStore(tmp_path / "s.json")
    store.register_corpus(corpus)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, EventsScreen)
        table = app.screen.query_one("#events")
        assert table.row_count == 2
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.screen.event.id == "war"
        assert [c.article.title for c in visible_columns(app)] == ["Story 3", "Story 4"]
        await pilot.press("shift+end", "c", "1", "enter")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EventsScreen)
        assert "1" in str(table.get_row_at(1)[1])  # the claim shows in the progress
    store.close()


async def test_source_rating_shows_beside_the_article(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    a0 = corpus.articles[0]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        assert isinstance(app.screen, ReliabilityModal) and app.screen.what == "source"
        await pilot.press("enter")  # no label yet: stays open
        assert isinstance(app.screen, ReliabilityModal)
        await pilot.press("3", "enter")
        await pilot.pause()
        head = str(app.screen.query_one(f"#head-{a0.id}").render())
        assert f"{a0.source} (unreliable)" in head and "not rated" in head
    assert store.source_rating(a0.source)["label"] == "unreliable"
    assert store.rating(a0.id) is None



async def test_small_terminal_shows_one_article_with_tabs(corpus, store, analyser):
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tabs = app.screen.query_one("#tabs")
        assert tabs.display and len(visible_columns(app)) == 1
        assert " 1 Nagorno-Karabakh …" in str(tabs.render()) and " 5 Armenia-Azerbaija…" in str(tabs.render())
        await pilot.press("right_square_bracket")
        assert [c.article.id for c in visible_columns(app)] == [corpus.articles[1].id]
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert not tabs.display and len(visible_columns(app)) == 2


async def test_c_on_text_that_is_already_a_claim_opens_it_for_editing(corpus, store, analyser):
    from tui.screens.claim_form import ClaimForm

    a0 = corpus.articles[0]
    phrase = "This brings the death toll in the Armenian stronghold to 158 soldiers."
    start = a0.text.index(phrase)
    first = store.add_claim(a0.id, start, start + len(phrase), {"t1": "agree"})
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await put_cursor(pilot, app.focused, "death toll in the Armenian")
        await pilot.press("s", "c")  # the same sentence again
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm) and app.screen.claim["id"] == first["id"]
        assert any("already a claim" in t for t in toasts(app))
        await pilot.press("2", "enter")  # a second stance: it changes the claim
        await pilot.pause()
        assert not isinstance(app.screen, ClaimForm)
    [claim] = store.claims()
    assert claim["id"] == first["id"] and claim["stances"] == {"t1": "disagree"}


async def test_c_with_the_cursor_in_a_claim_opens_it(corpus, store, analyser):
    from tui.screens.claim_form import ClaimForm

    a0 = corpus.articles[0]
    phrase = "This brings the death toll in the Armenian stronghold to 158 soldiers."
    start = a0.text.index(phrase)
    first = store.add_claim(a0.id, start, start + len(phrase), {"t1": "agree"})
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app.focused, "death toll in the Armenian")
        await pilot.press("c", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, ClaimForm)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm) and app.screen.claim["id"] == first["id"]
    assert [c["id"] for c in store.claims()] == [first["id"]]


async def test_the_views_follow_the_store_whoever_writes(corpus, store, analyser):
    """A write the screen did not make (here straight into the store) is shown:
    the columns, the claims panel and the status line re-render from the
    store's change notifications, through the desk."""
    a0, a1 = corpus.articles[0], corpus.articles[1]
    phrase = "This brings the death toll in the Armenian stronghold to 158 soldiers."
    start = a0.text.index(phrase)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        main = app.main
        status = main.query_one("#status")
        assert " 0 claims " in str(status.render())
        claim = store.add_claim(a0.id, start, start + len(phrase), {"t1": "agree"})
        store.rate_article(a1.id, "unreliable")
        await pilot.pause()
        assert claim_spans(main.columns[a0.id].view) == [(start, start + len(phrase))]
        assert " · 1 claim · " in str(main.query_one(f"#head-{a0.id}").render())
        assert "unreliable" in str(main.query_one(f"#head-{a1.id}").render())
        assert " 1 claims · 1 rated " in str(status.render())
        panel = main.query_one("#claims-list")

        def listed() -> list[str]:
            return [o.id for o in (panel.get_option_at_index(i) for i in range(panel.option_count)) if o.id]

        assert listed() == [claim["id"]]
        store.undo()
        store.undo()
        await pilot.pause()
        assert claim_spans(main.columns[a0.id].view) == [] and listed() == []
        assert " 0 claims · 0 rated " in str(status.render())


async def test_at_80x24_the_keys_act_on_the_article_on_screen(corpus, store, analyser):
    """One column with tabs: after ] the shown article is the focused one, also
    for the keys typed right after it and after a popup closes."""
    a1, a2 = corpus.articles[1], corpus.articles[2]
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=(80, 24)) as pilot:
        main = app.main
        await pilot.press("right_square_bracket", "s", "c")  # right after ], before any pause
        await pilot.pause()
        assert main.first_visible == 1 and main.current_id == a1.id
        assert isinstance(app.screen, ClaimForm) and a1.text.startswith(app.screen.quote[:30])
        await pilot.press("escape", "right_square_bracket")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s", "c", "1", "enter")
        await pilot.pause()
        assert main.first_visible == 2 and app.focused.article.id == a2.id
    [claim] = store.claims()
    assert claim["article_id"] == a2.id


async def test_an_event_counts_its_own_claims_and_lets_go_of_the_store(tmp_path, analyser):
    """With two events, the status line counts the open event's claims (not the
    store's), and leaving an event stops its desk listening to the store."""
    from corpus.importers import load_jsonl
    from tui.screens.events import EventsScreen

    path = tmp_path / "two.jsonl"
    rows = [{"text": f"Story {i}\n\nArmenia and Azerbaijan, part {i}.", "event": "talks" if i < 3 else "war"}
            for i in range(5)]
    path.write_text("".join(__import__("json").dumps(r) + "\n" for r in rows), encoding="utf-8")
    corpus = load_jsonl(path)
    store = AnnotationStore(tmp_path / "s.json")
    store.register_corpus(corpus)
    listeners = len(store.storage.on_change)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")  # war
        await pilot.pause()
        assert len(store.storage.on_change) == listeners + 1
        await pilot.press("shift+end", "c", "1", "enter")
        await pilot.pause()
        assert " 1 claims " in str(app.screen.query_one("#status").render())
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EventsScreen) and len(store.storage.on_change) == listeners
        await pilot.press("up", "enter")  # talks
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.screen.event.id == "talks"
        assert " 0 claims " in str(app.screen.query_one("#status").render())
    store.close()
