"""The app follows the project's label scheme (issue 16): every form reads
its labels, keys and hints from ``desk.scheme``, a set of more than ten labels
is chosen by keys alone (digits, then letters), and F1 shows the guidelines.

The schemes here are built in the test (a 3-label FEVER stance scheme, a
30-label one) and given to the store before the app opens it.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from textual import events
from textual.app import App
from textual.containers import VerticalScroll
from textual.widgets import Markdown, OptionList

from annotations.labels import DEFAULT, LinkRelations, label_set
from annotations.schema import ValidationError
from annotations.store import AnnotationStore
from tests.helpers import SIZE, make_app, put_cursor
from tui.screens.claim_form import ClaimForm
from tui.screens.corroboration import corroboration_view
from tui.screens.entities import EntityLabelModal
from tui.screens.guidelines import GuidelinesScreen, section_for, shown_markdown
from tui.screens.link import link_form
from tui.screens.main import MainScreen
from tui.screens.rating import ReliabilityModal
from tui.widgets.choice_row import KEY_POOL, form_keys

FEVER_HELP = {
    "SUPPORTS": "If the claim is true, the target is true.",
    "REFUTES": "If the claim is true, the target is false.",
    "NOT ENOUGH INFO": "The claim alone does not settle the target.",
}


def guidelines(*sections: str) -> str:
    """Markdown with a long section per name, so that one far down must be scrolled to."""
    body = "\n\n".join(f"Paragraph {n} of the section: read the claim, then the target, then decide." for n in range(12))
    return "# Annotation guidelines\n\nHow to label this corpus.\n\n" + "".join(
        f"## {name}\n\n{body}\n\n" for name in sections)


FEVER = replace(DEFAULT, name="fever",
                stance=label_set(tuple(FEVER_HELP), FEVER_HELP, required=True, about="FEVER's labels"),
                guidelines=guidelines("Stance", *FEVER_HELP))
MANY_NAMES = tuple(f"stance {n:02d}" for n in range(1, 31))
MANY = replace(DEFAULT, name="many",
               stance=label_set(MANY_NAMES, {n: f"what {n} means" for n in MANY_NAMES}, keys="", required=True))
HOSTILE = replace(DEFAULT, name="hostile",
                  stance=label_set(("[b]x[/b]", "esc\x1b[31m", "plain"), {"[b]x[/b]": "[i]h[/i]",
                                   "esc\x1b[31m": "e", "plain": "p"}, required=True))


def use_scheme(store: AnnotationStore, scheme) -> None:
    """The store's scheme is ``scheme``: bound with the store's bind_scheme
    (issue 16's core part), or, on a store without it, set as its attribute."""
    bind = getattr(type(store), "bind_scheme", None)
    if bind is not None:
        store.bind_scheme(scheme)
    else:
        store.scheme = scheme
    assert store.scheme.stance.names == scheme.stance.names


def needs_store_to_accept(request, tmp_path, corpus, scheme, stance: str) -> None:
    """The one assertion that reads a saved claim back depends on the store's
    validation (annotations/schema.py, the core part of issue 16) accepting the
    scheme's labels. Probed on a store of its own: while it refuses them, the
    test is an expected failure (strict: it fails once the store accepts them
    and this mark is stale), never skipped or stubbed."""
    probe = AnnotationStore(tmp_path / "probe.json", annotator="tester")
    try:
        probe.register_corpus(corpus)
        use_scheme(probe, scheme)
        article = corpus.articles[0]
        probe.add_claim(article.id, 0, article.text.index(" "), {"t1": stance})
    except (ValidationError, AttributeError) as exc:
        request.applymarker(pytest.mark.xfail(
            reason=f"annotations/schema.py still refuses the scheme's labels ({exc}): issue 16's core part",
            strict=True))
    finally:
        probe.close()


def row_text(screen, field: str = "stance-t1") -> str:
    """The row as the terminal shows it, line by line."""
    row = screen.query_one(f"#field-{field}")
    return "\n".join(row.render_line(y).text for y in range(row.size.height))


def shows(text: str, key: str, label: str) -> bool:
    """Whether ``text`` shows ``label`` with its ``key`` just before it, on one line."""
    return re.search(rf"(^|\s){re.escape(key)} {re.escape(label)}(\s|$)", text, re.M) is not None


async def open_claim_form(pilot, app) -> ClaimForm:
    await put_cursor(pilot, app.focused, "France, Russia and the United States (US)")
    await pilot.press("s", "c")
    await pilot.pause()
    assert isinstance(app.screen, ClaimForm)
    return app.screen


# -- the claim form ------------------------------------------------------------------

async def test_the_claim_form_shows_the_schemes_stances_verbatim_each_with_its_key(corpus, store, analyser):
    use_scheme(store, FEVER)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_claim_form(pilot, app)
        shown = row_text(form)
        assert shows(shown, "1", "SUPPORTS") and shows(shown, "2", "REFUTES") and shows(shown, "3", "NOT ENOUGH INFO")
        assert [c.value for c in form.query_one("#field-stance-t1").choices] == list(FEVER_HELP)


async def test_a_claim_tagged_refutes_from_the_keyboard_is_saved_as_refutes(
        request, tmp_path, corpus, store, analyser, notes):
    needs_store_to_accept(request, tmp_path, corpus, FEVER, "REFUTES")
    use_scheme(store, FEVER)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        form = await open_claim_form(pilot, app)
        row = form.query_one("#field-stance-t1")
        key = row.keys[row.choices.index(next(c for c in row.choices if c.value == "REFUTES"))]
        assert shows(row_text(form), key, "REFUTES")  # the key shown for it
        await pilot.press(key)
        assert row.value == "REFUTES"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen), notes.messages
        saved = app.main.desk.claims()
    assert [c["stances"] for c in saved] == [{"t1": "REFUTES"}]
    assert [c["stances"] for c in store.claims()] == [{"t1": "REFUTES"}]
    assert "Claim saved (REFUTES)." in notes.messages


async def test_with_thirty_stances_the_25th_is_chosen_by_its_letter(request, tmp_path, corpus, store, analyser):
    needs_store_to_accept(request, tmp_path, corpus, MANY, MANY_NAMES[24])
    use_scheme(store, MANY)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_claim_form(pilot, app)
        row = form.query_one("#field-stance-t1")
        assert row.keys == list(KEY_POOL[:30])  # 1–9, 0, then a–t
        shown = row_text(form)
        for key, name in zip(row.keys, MANY_NAMES):
            assert shows(shown, key, name)
        await pilot.press("o")  # the 25th: ten digits, then a–o
        assert row.value == "stance 25"
        assert form.focused is form.query_one("#field-claim_type"), "a key moves on to the next row"
        await pilot.press("1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    [claim] = store.claims()
    assert claim["stances"] == {"t1": "stance 25"} and claim["claim_type"] == DEFAULT.claim_type.names[0]


async def test_the_focused_labels_hint_is_shown_in_the_form(corpus, store, analyser):
    use_scheme(store, FEVER)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_claim_form(pilot, app)
        assert "If the claim is true" not in row_text(form), "no label chosen: no hint"
        await pilot.press("right", "right")
        assert "REFUTES: If the claim is true, the target is false." in row_text(form)
        await pilot.press("left")
        assert "SUPPORTS: If the claim is true, the target is true." in row_text(form)
        await pilot.press("tab")
        assert "If the claim is true" not in row_text(form), "the hint is the focused row's"


async def test_labels_from_a_scheme_are_shown_literally(corpus, store, analyser):
    use_scheme(store, HOSTILE)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_claim_form(pilot, app)
        shown = row_text(form)
        assert shows(shown, "1", "[b]x[/b]") and shows(shown, "2", "esc␛[31m") and "\x1b" not in shown
        await pilot.press("right")
        assert "[b]x[/b]: [i]h[/i]" in row_text(form)


async def test_keys_typed_ahead_reach_rows_with_letter_keys(corpus, store, analyser):
    """``c o 2`` in one burst: o (the 25th stance) in the stance row, 2 in the type row."""
    use_scheme(store, MANY)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await put_cursor(pilot, app.focused, "France, Russia and the United States (US)")
        await pilot.press("s")
        for key in ("c", "o", "2"):
            app.post_message(events.Key(key, key))
        for _ in range(400):
            if isinstance(app.screen, ClaimForm) and app.screen.query_one("#field-claim_type").value:
                break
            await pilot.pause()
        form = app.screen
        assert isinstance(form, ClaimForm)
        assert form.query_one("#field-stance-t1").value == "stance 25"
        assert form.query_one("#field-claim_type").value == DEFAULT.claim_type.names[1]


# -- keys beyond ten -------------------------------------------------------------------

def test_form_keys_keep_a_labels_own_key_and_give_the_rest_free_ones():
    assert form_keys([None] * 4) == ["1", "2", "3", "4"]
    assert form_keys(["s", "p", None]) == ["s", "p", "1"]
    keys = form_keys([None] * 50, reserved="0ad")
    assert len(set(keys)) == 50 and not {"0", "a", "d"} & set(keys)
    assert keys[:12] == [*"123456789", "b", "c", "e"]
    assert form_keys(["d", None], reserved="d") == ["1", "2"], "a form's own key is never a label's"
    assert form_keys([None] * 70)[-1] is None  # the pool has 62 keys


async def test_the_rating_form_shows_the_schemes_scale_its_reasons_and_hints():
    five = ("very low", "low", "mixed", "high", "very high")
    reasons = label_set(("no sources", "clickbait title"), {"no sources": "x", "clickbait title": "y"}, keys="")
    scale = label_set(five, {n: f"{n} reliability" for n in five}, kind=type(DEFAULT.reliability),
                      required=True, ordinal=True, reasons=reasons)
    scheme = replace(DEFAULT, reliability=scale)
    app = FormApp(ReliabilityModal("A title", "a source", scheme=scheme))
    async with app.run_test() as pilot:
        row = app.screen.query_one("#field-label")
        shown = row.render().plain
        assert all(f" {n + 1} {name} " in shown for n, name in enumerate(five))
        await pilot.press("5")
        assert row.value == "very high" and "very high: very high reliability" in row.render().plain
        prompts = [str(o.prompt) for o in app.screen.query_one("#codes")._options]
        assert prompts == ["no sources", "clickbait title"]
        await pilot.press("enter")
    assert app.results[0].label == "very high"


def test_the_link_form_takes_the_schemes_relations_by_their_keys():
    names = tuple(f"rel{n}" for n in range(12))
    relations = label_set(names, {n: n for n in names}, kind=LinkRelations, backs=("rel0",), groups=("rel0",))
    form = link_form("quote", "title", [], replace(DEFAULT, links=relations))
    keys = {b.key: b.action for b in form.BINDINGS}
    assert keys["1"] == "link('rel0')" and keys["0"] == "link('rel9')"
    assert keys["a"] == "link('rel10')" and keys["b"] == "link('rel11')"
    assert keys["d"] == "unlink" and keys["f1"] == "guidelines"
    assert type(link_form("q", "t", [])).BINDINGS is type(form).__mro__[1].BINDINGS  # the default: LinkModal


def test_the_corroboration_view_sets_the_schemes_stances_by_their_keys():
    view = corroboration_view([], [], 0, FEVER)
    keys = {b.key: b.action for b in view.BINDINGS}
    assert keys["1"] == "stance('SUPPORTS')" and keys["3"] == "stance('NOT ENOUGH INFO')"
    assert keys["c"] == "canonical"


async def test_the_entity_label_form_gives_letters_after_the_digits_and_keeps_its_own():
    names = tuple(f"KIND{n}" for n in range(12))
    entities = label_set(names, {n: f"{n} things" for n in names}, keys="123456789",
                         kind=type(DEFAULT.entities), speakers=(names[0],), legend=names[:3])
    scheme = replace(DEFAULT, entities=entities)
    app = FormApp(EntityLabelModal("Lavrov", None, scheme))
    async with app.run_test() as pilot:
        options = app.screen.query_one("#labels", OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert lines[0].startswith("0  not an entity")
        assert lines[9].startswith("9  KIND8") and lines[10].startswith("b  KIND9")  # a: every mention
        assert lines[12].startswith("d  KIND11") and "KIND11 things" in lines[12]
        await pilot.press("c")
    assert app.results[0].label == "KIND10"


# -- the panel filter ------------------------------------------------------------------

async def test_f_cycles_the_schemes_stances_in_the_claims_panel(corpus, store, analyser, notes):
    use_scheme(store, FEVER)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.press("f", "f", "f", "f")
        await pilot.pause()
    said = [m for m in notes.messages if m.startswith("Claims panel:")]
    assert said == ["Claims panel: SUPPORTS.", "Claims panel: REFUTES.", "Claims panel: NOT ENOUGH INFO.",
                    "Claims panel: every stance."]


# -- guidelines ------------------------------------------------------------------------

async def test_f1_in_the_claim_form_shows_the_guidelines_at_the_focused_label(corpus, store, analyser):
    use_scheme(store, FEVER)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        await open_claim_form(pilot, app)
        await pilot.press("right", "right", "f1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, GuidelinesScreen)
        markdown = screen.query_one(Markdown)
        for _ in range(200):
            if screen.section is not None and screen.query_one("#guidelines-text", VerticalScroll).scroll_y > 0:
                break
            await pilot.pause()
        heading = screen.query_one(f"#{screen.section}")
        assert heading._content.plain == "REFUTES"
        scroll = screen.query_one("#guidelines-text", VerticalScroll)
        assert scroll.scroll_y > 0 and 0 <= heading.region.y - scroll.region.y <= 2, "the section is at the top"
        supports = next(h for h in screen.query("MarkdownH2") if h._content.plain == "SUPPORTS")
        assert supports.region.y < scroll.region.y, "the sections before it are scrolled past"
        assert "Annotation guidelines" in markdown.source
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ClaimForm), "closing the guidelines goes back to the form"


async def test_f1_on_the_main_screen_and_without_guidelines(corpus, store, analyser, notes):
    use_scheme(store, FEVER)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, GuidelinesScreen)
        assert app.screen.query_one("#guidelines-text", VerticalScroll).scroll_y == 0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_without_guidelines_f1_says_how_to_add_them(corpus, store, analyser, notes):
    app = make_app(corpus, store, analyser)  # the default scheme: no guidelines
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("r", "f1")
        await pilot.pause()
        assert isinstance(app.screen, ReliabilityModal)
    said = [m for m in notes.messages if "guidelines" in m]
    assert len(said) == 2 and all('[guidelines] file = "guidelines.md"' in m and "factdesk.toml" in m for m in said)


def test_the_section_of_a_label_is_its_heading():
    headings = [(1, "Guidelines", "h0"), (2, "Notes on NOT ENOUGH INFO", "h1"), (2, "No", "h2"),
                (2, "Stance", "h3")]
    assert section_for(headings, ["No"]) == "h2"  # the exact heading, not one that merely starts with it
    assert section_for(headings, ["NOT ENOUGH INFO"]) == "h1"
    assert section_for(headings, ["REFUTES", "stance"]) == "h3"  # then the set's section
    assert section_for(headings, ["REFUTES"]) is None


def test_guidelines_are_shown_with_control_characters_made_visible():
    shown = shown_markdown("# Title\x1b]0;pwned\x07\r\n\tcode\n")
    assert "\x1b" not in shown and "\x07" not in shown and "␛" in shown
    assert shown.split("\n")[1] == "    code"


class FormApp(App):
    def __init__(self, screen):
        super().__init__()
        self.form, self.results = screen, []

    def on_mount(self) -> None:
        self.push_screen(self.form, callback=self.results.append)
