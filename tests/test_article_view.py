"""The article view's row cache, on Textual's public API only: what it relies
on is pinned here, so an upgrade of Textual that changes it fails a test
instead of showing stale rows."""

from __future__ import annotations

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
