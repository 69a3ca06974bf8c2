"""Hostile strings through every screen, form and notification of the app.

Titles, sources, file names, event names, target propositions, notes, group
wordings and search strings come from outside: none may be parsed as markup
(crash, clickable action) or reach the terminal raw (OSC 52 writes the
clipboard, OSC 0 the window title). Each is shown literally, its control
characters as the visible stand-ins of :func:`corpus.text.visible`.
"""

from __future__ import annotations

import json

import pytest

from annotations.storage import StoreError
from annotations.store import AnnotationStore
from corpus.articles import CorpusBuilder, Target
from corpus.text import visible
from tests.helpers import TOLL_0, TOLL_3, claim, screen_text, toasts
from tui.app import FactdeskApp, MainScreen
from tui.screens.claim_form import ClaimForm
from tui.screens.rating import ReliabilityModal

SIZE = (160, 50)

HOSTILE = [
    "[b=c=d]",
    "[/]",
    "[@click=app.quit]quit[/]",
    "[link=x]here[/link]",
    "[/x] group",
    "\x1b]52;c;SGVsbG8=\x07clip",
    "\x1b]0;PWNED\x07title",
    "\x1b[31mred\x1b[2J",
    "\x9b31mcsi",
    "\u202eevil\u202c bidi",
    "nul\x00byte",
    "w" * 10_000,
    "e\u0301\u0302\u0303 combining",
    "مرحبا بالعالم",
    "שלום עולם",
    "漢字テスト",
]
# What must reach the terminal from each: its visible() form, or enough of it to recognise.
MARKERS = {
    "[b=c=d]": "[b=c=d]",
    "[/]": "[/]",
    "[@click=app.quit]quit[/]": "[@click=app.quit]",
    "[link=x]here[/link]": "[link=x]",
    "[/x] group": "[/x]",
    "\x1b]52;c;SGVsbG8=\x07clip": "␛]52;c;",
    "\x1b]0;PWNED\x07title": "␛]0;PWNED␇",
    "\x1b[31mred\x1b[2J": "␛[31m",
    "\x9b31mcsi": "<U+009B>",
    "\u202eevil\u202c bidi": "<U+202E>evil",
    "nul\x00byte": "nul␀byte",
    "w" * 10_000: "wwwwwwww",
    "e\u0301\u0302\u0303 combining": "combining",
    "مرحبا بالعالم": "مرحبا",
    "שלום עולם": "שלום",
    "漢字テスト": "漢字テスト",
}
RAW = ("\x1b", "\x07", "\x9b", "\x00", "\u202e", "\u202c")


def hostile_corpus(tmp_path):
    """One article per hostile string (as its title, source and file name), an
    event "all" with every article and every string as a target, and one event
    named by each string."""
    builder = CorpusBuilder("hostile \x1b]0;PWNED\x07 corpus", tmp_path, "folder")
    paths = []
    for i, h in enumerate(HOSTILE):
        path = f"{h}-{i}.txt"
        body = (f"Article {i} reports that Armenia and Azerbaijan agreed [/] to talk on Monday.\n\n"
                f"Officials said the [link=x]ceasefire[/link] and [b=c=d] terms hold. The talks \u202econtinue\u202c.")
        builder.add(body, path=path, source=f"{h} source", title=f"{h} {i}")
        paths.append(path)
    builder.add_event("all", "[b]all[/b] \x1b]0;PWNED\x07 events",
                      [Target(f"t{i}", h) for i, h in enumerate(HOSTILE)], paths)
    for i, h in enumerate(HOSTILE):
        builder.add_event(f"e{i}", h, [Target(f"e{i}t", h)], paths[:2])
    return builder.build()


def check_literal(app, *strings: str) -> str:
    """The screen holds no raw control character, and shows each string literally."""
    text = screen_text(app)
    raw = [repr(c) for c in RAW if c in text]
    assert not raw, f"raw control characters {raw} reach the terminal on {type(app.screen).__name__}"
    for s in strings:
        marker = MARKERS.get(s, s)
        assert marker in text, f"{marker!r} is not shown on {type(app.screen).__name__}:\n{text}"
    return text


def check_notes(notes) -> None:
    """No notification sent so far carries a raw control character."""
    assert notes.sent, "no notification to check"
    for n in notes.sent:
        message = str(n.message)
        assert not any(c in message or c in n.title for c in RAW), f"raw control characters in {message!r}"


async def wait_for_text(pilot, text: str, timeout: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while text not in screen_text(pilot.app):
        assert time.monotonic() < deadline, f"{text!r} never appeared:\n{screen_text(pilot.app)}"
        await pilot.pause()


async def settle(pilot) -> None:
    """Background work done (not the forms, which wait for the reader)."""
    background = [w for w in pilot.app.workers if w.group != "form"]
    if background:  # (an empty list would wait for every worker)
        await pilot.app.workers.wait_for_complete(background)
    await pilot.pause()


@pytest.fixture
def hostile(tmp_path, analyser, monkeypatch):
    corpus = hostile_corpus(tmp_path)
    store = AnnotationStore(tmp_path / "hostile.json", annotator="tester")
    store.register_corpus(corpus)
    # a keymap with a key that is markup, one two actions would share, and an unknown id with escapes
    keymap = tmp_path / "[b=c=d] keymap.json"
    keymap.write_text(json.dumps({"claim": "[b=c=d]", "visual": "h", "\x1b]0;PWNED\x07": "z"}), encoding="utf-8")
    monkeypatch.setenv("FACTDESK_KEYMAP", str(keymap))
    yield corpus, store
    store.close()


async def test_hostile_strings_are_shown_literally_everywhere(hostile, analyser, notes):
    corpus, store = hostile
    a0, a1 = corpus.articles[0], corpus.articles[1]
    # saved work carrying hostile notes and wordings (as an import would bring them)
    first = store.add_claim(a0.id, a0.text.index("Officials"), a0.text.index("hold.") + 5,
                            {"t0": "agree"}, note=HOSTILE[5])
    second = store.add_claim(a1.id, a1.text.index("Officials"), a1.text.index("hold.") + 5, {"t0": "agree"})
    store.link_claims(first["id"], second["id"], "same", note=HOSTILE[6])
    [group] = store.claim_groups()
    store.set_group(group.id, canonical=HOSTILE[4] + " " + HOSTILE[5])
    store.rate_article(a0.id, "mixed", note=HOSTILE[6])

    app = FactdeskApp(corpus, store, analyser)
    async with app.run_test(size=SIZE, notifications=True, message_hook=notes.hook) as pilot:  # toasts on screen too
        await settle(pilot)
        # the events screen: every event name, the corpus name in the header
        assert type(app.screen).__name__ == "EventsScreen"
        check_literal(app, "[b]all[/b]", "␛]0;PWNED␇", *[h for h in HOSTILE if h != "w" * 10_000])
        # the keymap: the bad key and the clash, by name, literally
        messages = notes.messages
        assert any('claim = "[b=c=d]"' in m and "not a key name" in m for m in messages), messages
        assert any('visual takes "h" from toggle_noise' in m for m in messages), "\n".join(messages)
        assert any("␛]0;PWNED␇" in m for m in messages), messages  # the unknown id, made visible
        assert any("[b=c=d] keymap.json" in m for m in messages), messages
        # corpus notes name file names (the NUL one was read as a name, not as text)
        check_notes(notes)
        app.clear_notifications()  # the toasts would cover what comes next
        notes.clear()

        await pilot.press("enter")  # the event "all"
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        check_literal(app, HOSTILE[0], HOSTILE[1], f"{HOSTILE[0]} source", "[b]all[/b]", "target: [b=c=d]")
        main = app.screen

        # search: not found, found, the results list
        bar = main.query_one("#search")
        for needle in ("[/x]", "\x1b]0;PWNED\x07", "[@click=app.quit]"):
            await pilot.press("slash")
            bar.value = needle
            await pilot.press("enter")
            await pilot.pause()
            assert any(visible(needle) in m for m in notes.messages)
        await pilot.press("slash")
        bar.value = "[/]"
        await pilot.press("enter", "ctrl+r")
        await settle(pilot)
        assert type(app.screen).__name__ == "ResultsModal"
        check_literal(app, "[/]", "[b=c=d]")
        await pilot.press("escape")
        await pilot.press("escape")  # close the bar
        await pilot.pause()

        # the claim form: the quote and every target; the keymap left "c" as it was
        main.current_view.focus()
        view = main.current_view
        start = view.article.text.index("Article")
        view.select_offsets(start, view.article.text.index("Monday.") + 7)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm)
        check_literal(app, "[/]", HOSTILE[0], HOSTILE[2], HOSTILE[5], HOSTILE[6])
        await pilot.press("enter")  # targets missing: the notification names them
        await pilot.pause()
        check_notes(notes)
        assert any("Choose:" in m and "[b=c=d]" in m for m in notes.messages)
        await pilot.press(*["1"] * len(HOSTILE), "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(store.claims(a0.id)) == 2

        # the claims panel quotes the saved claims
        check_literal(app, "[link=x]ceasefire[/link]")

        # the rating form: title, source and the saved note
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReliabilityModal)
        check_literal(app, HOSTILE[0], f"{HOSTILE[0]} source", "␛]0;PWNED␇")
        await pilot.press("escape")
        await pilot.pause()

        # deleting a claim that quotes [link=…]
        view.select_offsets(0, 0)
        view.cursor_location = view.location_of(view.article.text.index("ceasefire"))
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert any("Deleted claim" in m and "[link=x]" in m for m in notes.messages)

        # the link form: candidates with hostile titles and sources; the link note
        await pilot.press("u")  # undo the delete: the linked claim is back
        await pilot.pause()
        view.cursor_location = view.location_of(view.article.text.index("ceasefire"))
        await pilot.pause()
        await pilot.press("f2")  # its saved note, in the edit form
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm)
        assert app.screen.query_one("#note").value == visible(HOSTILE[5])
        check_literal(app, "[link=x]ceasefire[/link]")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("k")
        await settle(pilot)
        assert type(app.screen).__name__ == "LinkModal"
        check_literal(app, "[/]", HOSTILE[1])
        await pilot.press("escape")
        await pilot.pause()

        # counterparts: titles in the notification
        await pilot.press("g")
        await pilot.pause()
        assert any("counterpart" in m and "[/] 1" in m for m in notes.messages)

        # corroboration: the group's wording, the sources
        await pilot.press("o")
        await settle(pilot)
        assert type(app.screen).__name__ == "CorroborationScreen"
        check_literal(app, "[/x]", "␛]52;c;", f"{HOSTILE[0]} source")
        await pilot.press("c")  # the canonical wording in the prompt
        await pilot.pause()
        check_literal(app, "[/x]")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()

        # the entities of the event
        await pilot.press("E")
        await settle(pilot)
        assert type(app.screen).__name__ == "EntitiesModal"
        check_literal(app, "Armenia")
        await pilot.press("escape")
        await pilot.pause()

        # targets, help, statistics
        await pilot.press("t")
        await pilot.pause()
        check_literal(app, HOSTILE[0], HOSTILE[2], HOSTILE[5])
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        check_literal(app, "factdesk keys")
        await pilot.press("escape")
        await pilot.press("S")
        await pilot.pause()
        check_literal(app, "claims")
        await pilot.press("escape")
        await pilot.pause()

        # one column: the tabs name every article
        await pilot.resize_terminal(90, 40)
        await settle(pilot)
        check_literal(app, "[b=c=d] 0", "[/] 1")

        # back to the events, and into an event named by escapes
        await pilot.press("e")
        await settle(pilot)
        assert type(app.screen).__name__ == "EventsScreen"
        check_notes(notes)
        assert app.is_running and app.unexpected_error is None


async def test_keymap_conflicts_and_bad_keys_are_named(tmp_path, monkeypatch, corpus, store, analyser, notes):
    """Each problem of a keymap in one line, by name; what is wrong is left as it was."""
    from tui.screens.stats import StatsScreen

    keymap = tmp_path / "keymap.toml"
    keymap.write_text('claim = "[b=c=d]"\nstats = "z"\nevents = "z"\nhelp = "ctrl+q"\n'
                      'toggle_panel = "[@click=app.quit]"\nvisual = "ctrl+alt+v"\n', encoding="utf-8")
    monkeypatch.setenv("FACTDESK_KEYMAP", str(keymap))
    app = FactdeskApp(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.pause()
        messages = notes.messages
        [bad] = [m for m in messages if "not a key name" in m]
        assert 'claim = "[b=c=d]"' in bad and 'toggle_panel = "[@click=app.quit]"' in bad
        [clash] = [m for m in messages if "keys in conflict" in m]
        assert 'stats and events both want "z", so neither was changed' in clash
        assert 'help cannot have "ctrl+q": it is the key of quit' in clash
        assert "visual" not in clash + bad  # a good key is used quietly
        # what was wrong kept its key; nothing was given "z"
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape", "shift+end", "c")
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm)
        await pilot.press("escape", "ctrl+alt+v")
        await pilot.pause()
        assert app.screen.current_view.visual
        # the command palette names each action's key, as the keymap made it
        await pilot.press("ctrl+p", *"visual")
        await wait_for_text(pilot, "key: ctrl+alt+v")  # the palette searches in a worker
        check_literal(app)
        await pilot.press("escape")
        assert app.is_running


# -- a save that fails ------------------------------------------------------------


def failing(monkeypatch, method: str) -> list:
    """Make ``AnnotationStore.<method>`` fail as a full disk does, until the
    returned list is cleared; each failed call is appended to it."""
    real = getattr(AnnotationStore, method)
    failures: list = [True]

    def fail_then_save(self, *args, **kwargs):
        if failures and failures[0]:
            failures.append(args)
            raise StoreError(f"{self.path}.journal: could not save (No space left on device); "
                             "the last action was not saved.")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(AnnotationStore, method, fail_then_save)
    return failures


def not_saved_messages(notes) -> list[str]:
    return [m for m in notes.messages if "NOT saved" in m]


async def test_a_claim_not_saved_stays_in_the_form_to_retry(corpus, store, analyser, monkeypatch, notes):
    failures = failing(monkeypatch, "add_claim")
    app = FactdeskApp(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.press("shift+end", "c", "2", "3")  # disagree, type: the third
        await pilot.pause()
        form = app.screen
        form.query_one("#note").value = "check the [b]figure[/b]"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form, "the form stays open with what was typed"
        [message] = not_saved_messages(notes)
        assert "No space left on device" in message and "Claim NOT saved" in message
        assert not any("Claim saved" in m for m in notes.messages)
        assert store.claims() == []
        assert form.query_one("#field-stance-t1").value == "disagree"
        assert form.query_one("#note").value == "check the [b]figure[/b]"
        failures.clear()  # space again: Enter retries
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "1 claims" in str(app.screen.query_one("#status").render())
    [claim] = store.claims()
    assert claim["stances"] == {"t1": "disagree"} and claim["note"] == "check the [b]figure[/b]"


async def test_a_claim_change_not_saved_stays_in_the_form(corpus, store, analyser, monkeypatch, notes):
    a0 = corpus.articles[0]
    claim = store.add_claim(a0.id, 0, len(a0.title), {"t1": "agree"})
    failing(monkeypatch, "update_claim")
    app = FactdeskApp(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.press("f2", "3")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ClaimForm)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form and form.query_one("#field-stance-t1").value == "discuss"
        assert "No space left on device" in not_saved_messages(notes)[0]
        assert not any("Claim changed" in m for m in notes.messages)
    assert store.claim(claim["id"])["stances"] == {"t1": "agree"}


async def test_a_rating_not_saved_stays_in_the_form_to_retry(corpus, store, analyser, monkeypatch, notes):
    failures = failing(monkeypatch, "rate_article")
    app = FactdeskApp(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.press("r", "3")
        await pilot.pause()
        form = app.screen
        form.query_one("#note").value = "ads everywhere"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form, "the rating stays in its form"
        [message] = not_saved_messages(notes)
        assert "Rating NOT saved" in message and "No space left on device" in message
        assert not any(m.startswith("Rated") for m in notes.messages)
        assert "0 rated" in str(app.main.query_one("#status").render())
        assert form.query_one("#note").value == "ads everywhere"
        failures.clear()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "1 rated" in str(app.screen.query_one("#status").render())
    [rating] = store.ratings()
    assert (rating["label"], rating["note"]) == ("unreliable", "ads everywhere")


# -- markup in notifications ------------------------------------------------------


async def test_markup_in_file_names_searches_and_quotes_is_never_parsed(tmp_path, analyser, notes):
    """Each of these crashed the app (MarkupError) or made a clickable action."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    text = "Talks resume\n\nOfficials said the [link=http://x]ceasefire[/link] holds. Talks go on.\n"
    (folder / "[b=c=d].txt").write_text(text, encoding="utf-8")
    (folder / "[@click=app.quit]x.txt").write_text(text, encoding="utf-8")  # the same text: a note names both
    (folder / "other.txt").write_text("Other report\n\nOfficials said the ceasefire holds. More.\n", encoding="utf-8")
    from corpus.articles import load_folder

    corpus = load_folder(folder)
    store = AnnotationStore(tmp_path / "s.json")
    store.register_corpus(corpus)
    a0 = next(a for a in corpus.articles if "[link=" in a.text)
    start = a0.text.index("Officials")
    claim = store.add_claim(a0.id, start, a0.text.index("holds.") + 6, {corpus.event.targets[0].id: "agree"})
    app = FactdeskApp(corpus, store, analyser)
    async with app.run_test(size=SIZE, notifications=True, message_hook=notes.hook) as pilot:
        await settle(pilot)
        messages = notes.messages
        assert any("[b=c=d].txt" in m and "[@click=app.quit]x.txt" in m for m in messages), messages
        # a search for [/], not found
        await pilot.press("slash")
        app.screen.query_one("#search").value = "[/]"
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert any("No “[/]” in this event" in m for m in notes.messages)
        # deleting a claim that quotes [link=…]
        view = app.screen.current_view
        view.cursor_location = view.location_of(start + 3)
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert store.claim(claim["id"]) is None
        assert any("Deleted claim “Officials said the [link=http://x]ceasefire[/link]" in m
                   for m in notes.messages)
        # the toasts on screen show the names as text (parsed, the first would be a clickable "quit")
        shown = toasts(app)
        assert any("[b=c=d].txt" in t and "[@click=app.quit]x.txt" in t for t in shown), shown
        check_literal(app)
        assert app.is_running and app.unexpected_error is None
    store.close()


# -- an unexpected error -----------------------------------------------------------


def test_an_unexpected_error_is_raised_by_run_without_a_traceback_on_screen(corpus, store, analyser,
                                                                         monkeypatch, capfd):
    """Textual would print a traceback with local variables when it stops; the
    app keeps the error and ``run()`` raises it once the terminal is restored,
    for the CLI to write the traceback to a log file and print one line."""

    def broken(self) -> None:
        raise RuntimeError("a bug in a handler \x1b]0;PWNED\x07")

    monkeypatch.setattr(MainScreen, "action_help", broken)

    async def press_help(pilot) -> None:
        await pilot.press("question_mark")

    app = FactdeskApp(corpus, store, analyser)
    with pytest.raises(RuntimeError, match="a bug in a handler"):
        app.run(headless=True, size=SIZE, auto_pilot=press_help)
    assert isinstance(app.unexpected_error, RuntimeError)
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "PWNED" not in out + err


async def test_a_canonical_wording_not_saved_is_asked_again_with_what_was_typed(corpus, store, analyser,
                                                                              monkeypatch, notes):
    from tui.screens.prompt import TextPrompt

    toll0, toll3 = claim(store, corpus.articles[0], TOLL_0), claim(store, corpus.articles[3], TOLL_3)
    store.link_claims(toll0["id"], toll3["id"], "same")
    failures = failing(monkeypatch, "set_group")
    app = FactdeskApp(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.press("o", "c")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        app.screen.query_one("#prompt").value = "158 soldiers killed"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt), "asked again"
        assert app.screen.query_one("#prompt").value == "158 soldiers killed"
        assert "No space left on device" in not_saved_messages(notes)[0]
        failures.clear()
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "CorroborationScreen"
    assert store.claim_groups()[0].canonical == "158 soldiers killed"


async def test_statistics_of_records_with_bad_time_stamps_open(corpus, store, analyser):
    """An imported record whose time stamp is not a time is left out of the
    activity line; the statistics open."""
    from tui.screens.stats import StatsScreen

    claims = [{"created": "yesterday", "stances": {"t1": "agree"}}, {"created": "2026-01-01T10:00:00+00:00"},
              {"created": "2026-01-01T10:00:00"}, {"created": None}]
    app = FactdeskApp(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(StatsScreen(claims, [{"label": "mixed", "updated": 3}], 5))
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        check_literal(app, "4 claims · 1 of 5 articles rated", "over 1 hour(s)")
