"""What factdesk relies on in Textual's private names (tui/textual_adapter.py),
pinned: a Textual release that changes it fails here."""

from __future__ import annotations

import subprocess
import textwrap

from textual import events
from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Input

from tests.helpers import PYTHON, ROOT
from tui.textual_adapter import forward_key


class Form(ModalScreen):
    def compose(self) -> ComposeResult:
        yield Input(id="field")


async def test_a_forwarded_key_reaches_the_focused_field_at_once_and_in_order():
    app = App()
    async with app.run_test() as pilot:
        form = Form()
        await app.push_screen(form)
        await pilot.pause()
        field = form.query_one(Input)
        assert app.focused is field
        for key in "abc":
            forward_key(field, events.Key(key, key))  # as Textual routes keys: to the focused widget
        await pilot.pause()
        assert field.value == "abc"


async def test_a_forwarded_copy_that_comes_back_to_the_app_is_not_typed_again():
    """forward_key returns the copy it gave, marked as forwarded: the app takes
    it, when it bubbles back up, as a key handled below (bindings only), not as
    a new key from the terminal to give to the focused field a second time."""
    app = App()
    async with app.run_test() as pilot:
        form = Form()
        await app.push_screen(form)
        await pilot.pause()
        field = form.query_one(Input)
        key = events.Key("x", "x")
        copy = forward_key(form, key)  # to the screen: it does not handle it and it bubbles up to the app
        assert copy is not key and (copy.key, copy.character) == ("x", "x") and copy.is_forwarded
        await pilot.pause()
        assert field.value == ""
        form.post_message(events.Key("y", "y"))  # not marked: the app gives it to the focused field
        await pilot.pause()
        assert field.value == "y"


def test_an_unhandled_error_is_raised_by_run_and_prints_no_traceback(tmp_path):
    script = tmp_path / "boom.py"
    script.write_text(textwrap.dedent("""
        from tui.textual_adapter import QuietExceptions

        class Boom(QuietExceptions):
            def on_mount(self):
                secret = "article text that must not reach the terminal"
                raise ZeroDivisionError("boom")

        try:
            Boom().run(headless=True)
        except ZeroDivisionError as exc:
            print("RAISED", exc)
    """))
    out = subprocess.run([PYTHON, str(script)], check=False, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "RAISED boom" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr and "must not reach" not in out.stdout + out.stderr


# -- RowIndex / RowIndexedTextArea: TextArea reads its wrapped document's private
# _offset_to_line_info, builds it in its private _set_document, and wraps with
# compute_wrap_offsets; the article view's RowIndex must answer all of it as
# Textual's WrappedDocument does.

from hypothesis import given, settings
from hypothesis import strategies as st
from textual._wrap import compute_wrap_offsets
from textual.geometry import Offset
from textual.widgets import TextArea
from textual.widgets.text_area import Document, WrappedDocument

from tui.textual_adapter import RowIndex, RowIndexedTextArea, wrap_offsets

_PIECES = st.sampled_from(["a", "bb", "word ", " ", "   ", "x" * 23, "“q”", "é", "—", "\u00a0", "中", "\t", "e\u0301"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join), st.integers(1, 30))
def test_wrap_offsets_break_lines_where_textual_does(line, width):
    assert wrap_offsets(line, width, 4) == compute_wrap_offsets(line, width, 4)


_DOC = "\n".join([
    "Paragraph one: Armenia and Azerbaijan agreed to a ceasefire on Saturday, the ministry said.",
    "",
    "short",
    "   indented line with a verylongwordthatmustbefoldedacrossrows and more words after it",
    "tabs\there\tand there, “quotes” and — dashes, 中文 wide characters",
    "x" * 130,
])


def test_a_row_index_answers_as_the_wrapped_document_does():
    for width in (0, 7, 20, 41, 200):
        theirs = WrappedDocument(Document(_DOC), width, 4)
        ours = RowIndex(Document(_DOC), width, 4)
        assert ours.height == theirs.height
        assert len(ours._offset_to_line_info) == len(theirs._offset_to_line_info)
        assert [ours._offset_to_line_info[y] for y in range(theirs.height)] == theirs._offset_to_line_info
        assert [ours._line_index_to_offsets[i] for i in range(6)] == theirs._line_index_to_offsets
        assert [ours._tab_width_cache[i] for i in range(6)] == theirs._tab_width_cache
        assert ours._wrap_offsets == theirs._wrap_offsets and ours.wrapped == theirs.wrapped
        for i in range(6):
            assert ours.get_sections(i) == theirs.get_sections(i)
            assert ours.get_offsets(i) == theirs.get_offsets(i)
            for column in range(len(_DOC.split("\n")[i]) + 1):
                assert ours.location_to_offset((i, column)) == theirs.location_to_offset((i, column))
        for y in range(theirs.height + 2):
            for x in (0, 3, 50):
                assert ours.offset_to_location(Offset(x, y)) == theirs.offset_to_location(Offset(x, y))


class _Two(App):
    def compose(self) -> ComposeResult:
        yield TextArea(_DOC, id="theirs", read_only=True)
        yield RowIndexedTextArea(_DOC, id="ours", read_only=True)


async def test_a_row_indexed_text_area_draws_and_moves_as_a_text_area_does():
    """Its _set_document puts a RowIndex in place of the WrappedDocument, wrapped
    at the widget's width, and TextArea draws from it the rows it draws itself."""
    app = _Two()
    async with app.run_test(size=(60, 40)) as pilot:
        theirs, ours = app.query_one("#theirs", TextArea), app.query_one("#ours", RowIndexedTextArea)
        assert isinstance(ours.wrapped_document, RowIndex) and type(theirs.wrapped_document) is WrappedDocument
        ours.load_text(_DOC)
        theirs.load_text(_DOC)
        await pilot.pause()
        assert isinstance(ours.wrapped_document, RowIndex), "load_text goes through _set_document too"
        assert ours.wrapped_document.height == theirs.wrapped_document.height > 6
        rows = []
        for area in (theirs, ours):
            area.focus()
            area.selection = ((0, 5), (3, 40))
            await pilot.pause()
            rows.append([list(area.render_line(y)) for y in range(area.size.height)])
        assert rows[0] == rows[1]
        for key in ("down", "down", "end", "down", "down", "right"):
            for area in (theirs, ours):
                area.focus()
                await pilot.press(key)
            assert ours.selection == theirs.selection


# -- folding: a RowIndex gives folded lines no rows, the document untouched ----

def _shown(lines: list[str], folded: set[int]) -> tuple[str, list[int]]:
    """The text of the lines not folded, and the index of each in ``lines``."""
    kept = [i for i in range(len(lines)) if i not in folded]
    return "\n".join(lines[i] for i in kept), kept


def test_a_folded_row_index_has_the_rows_of_the_lines_it_shows():
    """Folded, a RowIndex answers as a WrappedDocument of the shown lines alone
    does (its lines numbered as in the whole document); a location in a folded
    line is at the start of the row after it; the shown line next to a fold is
    found either way."""
    lines = _DOC.split("\n")
    for folded in ({1, 3}, {0}, {5}, {0, 1, 2, 3, 4}, {2, 3, 4, 5}):
        text, kept = _shown(lines, folded)
        for width in (0, 7, 20, 41):
            theirs = WrappedDocument(Document(text), width, 4)
            ours = RowIndex(Document(_DOC), width, 4)
            ours.fold(folded)
            assert ours.folded_lines == tuple(sorted(folded))
            assert ours.height == theirs.height
            assert [ours._offset_to_line_info[y] for y in range(ours.height)] == [
                (kept[line], section) for line, section in theirs._offset_to_line_info]
            for y in range(theirs.height + 2):
                for x in (0, 3, 50):
                    line, column = theirs.offset_to_location(Offset(x, y))
                    assert ours.offset_to_location(Offset(x, y)) == (kept[line], column)
            for j, i in enumerate(kept):
                assert not ours.is_folded(i) and ours.shown_line(i) == i == ours.shown_line(i, forward=False)
                for column in range(len(lines[i]) + 1):
                    assert ours.location_to_offset((i, column)) == theirs.location_to_offset((j, column))
            for i in folded:
                after = [k for k in kept if k > i]
                before = [k for k in kept if k < i]
                assert ours.is_folded(i)
                assert ours.shown_line(i) == (after[0] if after else None)
                assert ours.shown_line(i, forward=False) == (before[-1] if before else None)
                y = ours.location_to_offset((after[0], 0)).y if after else ours.height - 1
                assert ours.location_to_offset((i, 3)) == Offset(0, y)


def test_a_fold_outlives_a_wrap_never_hides_every_line_and_goes_back():
    lines = _DOC.split("\n")
    ours = RowIndex(Document(_DOC), 20, 4)
    ours.fold([1, 3, 99, -1])  # lines that are not there are left out
    assert ours.folded_lines == (1, 3)
    ours.wrap(9)
    text, _ = _shown(lines, {1, 3})
    assert ours.height == WrappedDocument(Document(text), 9, 4).height and ours.is_folded(3)
    ours.fold(range(len(lines)))
    assert ours.folded_lines == (0, 1, 2, 3, 4) and ours.height == WrappedDocument(Document(lines[5]), 9, 4).height
    ours.fold(())
    theirs = WrappedDocument(Document(_DOC), 9, 4)
    assert ours.height == theirs.height
    assert [ours._offset_to_line_info[y] for y in range(ours.height)] == theirs._offset_to_line_info


class _One(App):
    def __init__(self, area: TextArea) -> None:
        super().__init__()
        self.area = area

    def compose(self) -> ComposeResult:
        yield self.area


async def test_a_folding_text_area_draws_the_rows_of_the_lines_it_shows():
    """fold_lines: the area draws, row for row, what a TextArea of the shown
    lines alone draws, its virtual size and scrollbar follow the rows (while
    the scrollbar stays, without a layout of the screen), and its selection
    and document stay; once the rows fit, the scrollbar goes."""
    lines = _DOC.split("\n") * 6
    folded = {i for i in range(len(lines)) if i % 6 in (1, 3)}
    text, _ = _shown(lines, folded)

    async def drawn(area: TextArea, fold=None) -> tuple[list, object]:
        app = _One(area)
        async with app.run_test(size=(50, 12)) as pilot:
            await pilot.pause()
            document, selection = area.document, ((0, 2), (0, 9))
            area.selection = selection
            await pilot.pause()  # drawn once (and cached by row) before the fold
            if fold is not None:
                assert area.show_vertical_scrollbar
                area.fold_lines(fold)
                await pilot.pause()
                assert area.document is document and area.selection == selection
            assert area.virtual_size.height == area.wrapped_document.height
            assert area.vertical_scrollbar.window_virtual_size == area.wrapped_document.height
            rows = []
            for top in range(0, area.wrapped_document.height, area.size.height):
                area.scroll_to(y=top, animate=False, immediate=True)
                await pilot.pause()
                rows += [list(area.render_line(y)) for y in range(area.size.height)]
            scroll = area.max_scroll_y
            if fold is not None:
                area.fold_lines(range(len(lines) - 2))  # two lines left: they fit, no scrollbar
                await pilot.pause()
                last_two = WrappedDocument(Document("\n".join(lines[-2:])), area.wrap_width, 4)
                assert not area.show_vertical_scrollbar and area.wrapped_document.height == last_two.height
            return rows, scroll

    assert await drawn(RowIndexedTextArea("\n".join(lines), read_only=True), folded) == \
        await drawn(TextArea(text, read_only=True))


def test_a_row_indexed_text_area_wraps_its_text_once_only_in_its_row_index(monkeypatch):
    """TextArea.__init__ makes a WrappedDocument of its text and throws it away
    for the one _set_document makes, then makes the document again when it sets
    the language: a RowIndexedTextArea gives it "" instead, makes one RowIndex
    of its text, and its document holds the text; a language set later still
    makes the document again."""
    import textual.widgets._text_area as text_area_module

    made = []

    class Recorded(WrappedDocument):
        def __init__(self, document, *args, **kwargs):
            made.append((type(self), document.text))
            super().__init__(document, *args, **kwargs)

    class RecordedRows(RowIndex, Recorded):
        pass

    monkeypatch.setattr(text_area_module, "WrappedDocument", Recorded)
    monkeypatch.setattr("tui.textual_adapter.RowIndex", RecordedRows)
    area = RowIndexedTextArea(_DOC, read_only=True)
    assert area.text == _DOC and area.document.line_count == 6
    assert [text for kind, text in made if kind is Recorded] == [""]
    assert [text for kind, text in made if kind is RecordedRows] == [_DOC]
    made.clear()
    area.language = "python"
    area.language = None
    assert made and made[-1] == (RecordedRows, _DOC) and area.text == _DOC


def test_plain_cells_takes_printable_ascii_and_nothing_else_of_ascii():
    from rich.cells import get_character_cell_size

    from tui.textual_adapter import _plain_cells

    for code in range(128):
        c = chr(code)
        assert _plain_cells(f"ab{c}d") == ((c == " " or not c.isspace()) and get_character_cell_size(c) == 1), code
