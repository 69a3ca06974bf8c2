"""The article view's row cache, on Textual's public API only: what it relies
on is pinned here, so an upgrade of Textual that changes it fails a test
instead of showing stale rows."""

from __future__ import annotations

from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Offset

from corpus.articles import Article
from tui.widgets.article_view import ArticleView

TEXT = "\n".join(
    f"Paragraph {n}: Armenia and Azerbaijan agreed to a ceasefire on Saturday, the ministry said "
    "in a statement quoted by several agencies." for n in range(12)
)


class ViewApp(App):
    def compose(self) -> ComposeResult:
        yield ArticleView(Article.from_text(TEXT, path="a.txt"), id="view")


async def test_wrapped_rows_map_to_their_document_lines():
    """``offset_to_location`` gives each visual row's document line: every row
    between the first rows of line n and line n+1 belongs to line n."""
    app = ViewApp()
    async with app.run_test(size=(60, 20)):
        view = app.query_one(ArticleView)
        wrapped = view.wrapped_document
        firsts = [wrapped.location_to_offset((line, 0)).y for line in range(view.document.line_count)]
        assert firsts[1] - firsts[0] > 1, "the test needs lines that wrap"
        for line, (first, nxt) in enumerate(zip(firsts, firsts[1:] + [wrapped.height])):
            for row in range(first, nxt):
                assert wrapped.offset_to_location(Offset(0, row))[0] == line


async def test_moving_the_cursor_rerenders_only_its_rows(monkeypatch):
    app = ViewApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(ArticleView)
        view.focus()
        await pilot.pause()
        before = [view.render_line(y) for y in range(view.size.height)]
        view.move_to(5)  # along line 0
        await pilot.pause()
        after = [view.render_line(y) for y in range(view.size.height)]
        line0_rows = sum(1 for y in range(view.size.height)
                         if view.wrapped_document.offset_to_location(Offset(0, y))[0] == 0)
        assert after[line0_rows:] == before[line0_rows:]
        assert all(a is b for a, b in zip(after[line0_rows:], before[line0_rows:])), "other rows come from the cache"
        assert after[0] != before[0], "the cursor's row is drawn again"


async def test_a_style_update_is_never_served_from_the_cache():
    app = ViewApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        start = TEXT.index("Armenia")
        row = view.wrapped_document.location_to_offset(view.location_of(start)).y
        plain = view.render_line(row)
        view.set_entities([(start, start + len("Armenia"), "GPE")])
        await pilot.pause()
        styled = view.render_line(row)
        assert styled is not plain

        def style_of(strip, word):
            return next(seg.style for seg in strip if word in seg.text)

        assert style_of(styled, "Armenia") != style_of(plain, "Armenia")
        assert style_of(styled, "Azerbaijan") == style_of(plain, "Azerbaijan")


# -- huge articles: long lines in pieces, spans found by range --------------

from textual.widgets.text_area import Selection

from tui.styles import CLAIM_STYLE, NOISE_STYLE, entity_style
from tui.widgets.article_layout import LONG_LINE, Spans, document_lines

LONG = " ".join(f"word{n % 50}" for n in range(3 * LONG_LINE // 5))  # one line of about 3 x LONG_LINE
LONG_TEXT = f"A title\n{LONG}\nAdvertisement\nThe end of it."


class LongApp(App):
    def compose(self) -> ComposeResult:
        yield ArticleView(Article.from_text(LONG_TEXT, path="long.txt"), id="view")


def test_a_long_line_is_held_in_pieces_cut_after_a_space():
    lines, starts = document_lines(LONG_TEXT)
    assert len(lines) > LONG_TEXT.count("\n") + 1 and max(map(len, lines)) <= LONG_LINE
    for line, start in zip(lines, starts):
        assert LONG_TEXT[start:start + len(line)] == line  # every piece where it is in the text
    assert "".join(lines) == LONG_TEXT.replace("\n", "")
    pieces = [line for line in lines if len(line) > 100]
    assert all(piece.endswith(" ") for piece in pieces[:-1]), "cut after a space, not in a word"
    short = "one\ntwo\n"
    assert document_lines(short) == (["one", "two", ""], [0, 4, 8])


def test_spans_are_found_by_range_in_the_order_given():
    a, b, c = Style(bold=True), Style(italic=True), Style(underline=True)
    spans = Spans([(10, 20, a), (0, 100_000, b), (15, 16, c), (5, 5, a), (30, 40, a)])
    def found(start, end):  # clipped to the range, as the view uses them
        return [(max(s, start), min(e, end), st) for _, s, e, st in spans.overlapping(start, end)]

    assert found(12, 18) == [(12, 18, a), (12, 18, b), (15, 16, c)]
    assert found(20, 30) == [(20, 30, b)]
    assert found(39, 41) == [(39, 41, b), (39, 40, a)]
    assert found(4000, 9000) == [(4000, 9000, b)], "a long span found whole across its pieces"
    assert not Spans([(3, 3, a)])


async def test_offsets_selection_and_styles_are_exact_across_the_cut_of_a_long_line():
    app = LongApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(ArticleView)
        view.focus()
        text = view.article.text
        row = view.location_of(text.index(LONG))[0]
        cut = view.offset_of((row + 1, 0))  # where the second piece starts
        assert text[cut - 1] == " " and view.location_of(cut) == (row + 1, 0)
        assert view.offset_of((row, len(view.document[row]))) == cut, "the cut takes no character"
        for offset in range(cut - 30, cut + 30):
            assert view.offset_of(view.location_of(offset)) == offset
        start = text.rindex(" ", 0, cut - 2) + 1
        word = text.index(" ", cut) - start  # two words, across the cut
        view.set_entities([(start, start + word, "GPE")])
        view.set_claims([(start, start + word)])
        view.select_offsets(start, start + word)
        await pilot.pause()
        assert view.selection_offsets() == (start, start + word)
        styled = {(r, s, e, st) for r in (row, row + 1) for s, e, st in view.styles_of_line(r)}
        first, second = view.location_of(start), view.location_of(start + word)
        assert (row, first[1], len(view.document[row]), CLAIM_STYLE) in styled
        assert (row + 1, 0, second[1], entity_style("GPE")) in styled
        # a move that only crosses the cut is made again: one key, one character
        view.selection = Selection.cursor(view.location_of(cut - 1))
        await pilot.press("right")
        assert view.offset_of(view.cursor_location) == cut
        await pilot.press("right")
        assert view.offset_of(view.cursor_location) == cut + 1
        await pilot.press("left", "left")
        assert view.offset_of(view.cursor_location) == cut - 1


async def test_folding_noise_keeps_the_selection_and_a_long_line():
    app = LongApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(ArticleView)
        text = view.article.text
        ad = text.index("Advertisement")
        view.set_noise([(ad, ad + len("Advertisement"), "ad")])
        end = text.index("The end")
        view.select_offsets(end, end + 3)
        assert "Advertisement" in drawn(view)
        view.hide_noise(True)
        await pilot.pause()
        shown = drawn(view)
        assert "Advertisement" not in shown and "The end of it." in shown and "word" in shown
        assert view.selection_offsets() == (end, end + 3)
        assert view.selection != Selection.cursor(view.selection.end)
        assert [st for _, _, st in view.styles_of_line(view.location_of(end)[0])] == []
        view.hide_noise(False)
        await pilot.pause()
        assert "Advertisement" in drawn(view)
        assert view.selection_offsets() == (end, end + 3)
        assert any(st == NOISE_STYLE for _, _, st in view.styles_of_line(view.location_of(ad)[0]))


def drawn(view) -> str:
    """The text of the rows on screen, as drawn."""
    return "\n".join("".join(seg.text for seg in view.render_line(y)).rstrip() for y in range(view.size.height))


async def test_moving_inside_a_long_line_rerenders_only_the_rows_it_changes():
    app = LongApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(ArticleView)
        view.focus()
        view.move_to(view.article.text.index(LONG) + 5)
        await pilot.pause()
        before = [view.render_line(y) for y in range(view.size.height)]
        await pilot.press("down")
        after = [view.render_line(y) for y in range(view.size.height)]
        changed = [y for y in range(view.size.height) if after[y] is not before[y]]
        assert len(changed) == 2, "the row the cursor left and the row it came to"


# -- folded noise: the lines get no rows, the text and every offset stay ------

NOISY_TEXT = "\n".join(
    f"Paragraph {n}: the ministry said talks in Geneva had stalled, quoted by several agencies."
    + ("\nAdvertisement\nShare this article" if n % 2 else "") for n in range(30)
)


class NoisyApp(App):
    def compose(self) -> ComposeResult:
        view = ArticleView(Article.from_text(NOISY_TEXT, path="noisy.txt"), id="view")
        text = view.article.text
        view.set_noise([(m, m + len(w), "ad") for w in ("Advertisement", "Share this article")
                        for m in _all(text, w)])
        yield view


def _all(text: str, word: str) -> list[int]:
    found, at = [], text.find(word)
    while at != -1:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def cursor_row_on_screen(view) -> int:
    return view.wrapped_document.location_to_offset(view.cursor_location).y - round(view.scroll_y)


async def test_folding_keeps_the_document_and_the_cursor_on_its_row_of_the_screen():
    app = NoisyApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(ArticleView)
        view.focus()
        text, document = view.article.text, view.document
        target = text.index("Paragraph 21")
        view.move_to(target)
        view.scroll_to(y=view.wrapped_document.location_to_offset(view.cursor_location).y - 8,
                       animate=False, immediate=True)
        await pilot.pause()
        row, rows = cursor_row_on_screen(view), view.wrapped_document.height
        assert row == 8
        view.hide_noise(True)
        await pilot.pause()
        assert view.document is document and view.wrapped_document.height < rows
        assert "Advertisement" not in drawn(view) and "Paragraph 21" in drawn(view)
        assert view.offset_of(view.cursor_location) == target and cursor_row_on_screen(view) == row
        view.hide_noise(False)
        await pilot.pause()
        assert view.wrapped_document.height == rows and "Advertisement" in drawn(view)
        assert view.offset_of(view.cursor_location) == target and cursor_row_on_screen(view) == row


async def test_moves_and_offsets_step_over_folded_lines():
    app = NoisyApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(ArticleView)
        view.focus()
        text = view.article.text
        view.hide_noise(True)
        await pilot.pause()
        ad = text.index("Advertisement", text.index("Paragraph 3"))
        end_before = ad - 1  # the end of paragraph 3
        after = text.index("Paragraph 4")  # the shown line after the two folded ones
        assert view.location_of(ad) == view.location_of(after) == view.location_of(after - 1)
        for offset in [*range(ad), *range(after, len(text) + 1)]:
            if text.rfind("\n", 0, offset) + 1 not in _all(text, "Advertisement") + _all(text, "Share"):
                assert view.offset_of(view.location_of(offset)) == offset
        view.move_to(end_before)
        await pilot.press("right")
        assert view.offset_of(view.cursor_location) == after
        await pilot.press("left")
        assert view.offset_of(view.cursor_location) == end_before
        await pilot.press("ctrl+right")
        assert view.offset_of(view.cursor_location) == after
        await pilot.press("ctrl+left")
        assert view.offset_of(view.cursor_location) == end_before
        ministry = text.index("ministry", text.index("Paragraph 3"))
        view.move_to(ministry)
        column = ministry - text.index("Paragraph 3")
        assert view.wrapped_document.location_to_offset(view.cursor_location) == Offset(column,
            view.wrapped_document.location_to_offset(view.location_of(ministry - column)).y)
        await pilot.press("down", "down")  # paragraph 3 has two rows at this width, then paragraph 4
        assert view.offset_of(view.cursor_location) == after + column
        await pilot.press("up", "up")
        assert view.offset_of(view.cursor_location) == ministry
        view.move_to(end_before - 2)
        await pilot.press("shift+right", "shift+right", "shift+right", "shift+right")
        assert view.selection_offsets() == (end_before - 2, after + 1), "the selection holds the folded text"
        # a click on the row of paragraph 4 lands on it
        y = view.wrapped_document.location_to_offset(view.location_of(after)).y - round(view.scroll_y)
        inner = view.content_region.offset - view.region.offset  # the border and padding
        await pilot.click(ArticleView, offset=(inner.x + 3, inner.y + y))
        assert view.offset_of(view.cursor_location) == after + 3
