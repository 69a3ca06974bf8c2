"""A read-only view of one article with entities, claims and noise highlighted.

Offsets in factdesk are code-point offsets into the normalised article text.
The view holds that text whole (a very long line in pieces); folding its noise
lines away gives them no rows and leaves the text alone, so every offset it
hands out or takes in is an article offset, whatever is folded.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Offset
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from corpus.articles import Article
from corpus.text import shown_body
from tui.styles import CLAIM_STYLE, FOCUS_STYLE, LINKED_STYLE, NOISE_STYLE, entity_style
from tui.textual_adapter import RowIndexedTextArea
from tui.widgets.article_layout import Spans, document_lines, folded_lines


class ArticleView(RowIndexedTextArea):
    """Read-only TextArea that stylises entity, claim and noise spans line by line.

    In visual mode (``visual``), every cursor movement extends the selection,
    as shift+movement does.
    """

    visual: reactive[bool] = reactive(False)

    def watch_visual(self, visual: bool) -> None:
        self.set_class(visual, "-visual")

    # every movement the TextArea binds, extended in visual mode
    def action_cursor_left(self, select: bool = False) -> None:
        self._across_cuts(super().action_cursor_left, select or self.visual)

    def action_cursor_right(self, select: bool = False) -> None:
        self._across_cuts(super().action_cursor_right, select or self.visual)

    def _across_cuts(self, move, select: bool) -> None:
        """Move; once more if the move only crossed the cut between two pieces
        of a long line (the end of one piece is the start of the next)."""
        before = self.selection.end
        move(select)
        after = self.selection.end
        if after != before and self.offset_of(after) == self.offset_of(before):
            move(select)

    def action_cursor_up(self, select: bool = False) -> None:
        super().action_cursor_up(select or self.visual)

    def action_cursor_down(self, select: bool = False) -> None:
        super().action_cursor_down(select or self.visual)

    def action_cursor_word_left(self, select: bool = False) -> None:
        self._across_cuts(super().action_cursor_word_left, select or self.visual)

    def action_cursor_word_right(self, select: bool = False) -> None:
        self._across_cuts(super().action_cursor_word_right, select or self.visual)

    def action_cursor_line_start(self, select: bool = False) -> None:
        super().action_cursor_line_start(select or self.visual)

    def action_cursor_line_end(self, select: bool = False) -> None:
        super().action_cursor_line_end(select or self.visual)

    def action_cursor_page_up(self) -> None:
        anchor = self.selection.start
        super().action_cursor_page_up()
        if self.visual:
            self.selection = Selection(anchor, self.selection.end)

    def action_cursor_page_down(self) -> None:
        anchor = self.selection.start
        super().action_cursor_page_down()
        if self.visual:
            self.selection = Selection(anchor, self.selection.end)

    def move_to(self, offset: int, extend: bool = False) -> None:
        """Put the cursor at an article offset, extending the selection if asked
        (or in visual mode)."""
        location = self.location_of(offset)
        if extend or self.visual:
            self.selection = Selection(self.selection.start, location)
        else:
            self.cursor_location = location
        self.scroll_cursor_visible(animate=False)

    def __init__(self, article: Article, **kwargs) -> None:
        # what is displayed: the same length, the same lines; each document line's article offset
        lines, self._line_starts = document_lines(shown_body(article.text))
        self._text_of: tuple[object, str] = (None, "")
        super().__init__(
            "\n".join(lines),
            read_only=True,
            soft_wrap=True,
            show_line_numbers=False,
            highlight_cursor_line=False,
            **kwargs,
        )
        # brackets mean nothing in prose, and their location would bust the line cache
        self.set_reactive(TextArea.match_cursor_bracket, False)
        self.article = article
        self._entities: tuple[tuple[int, int, str], ...] = ()
        self._claims: list[tuple[int, int]] = []
        self._linked: frozenset[tuple[int, int]] = frozenset()
        self._noise: tuple[tuple[int, int, str], ...] = ()
        self._focus: tuple[tuple[int, int], ...] = ()
        self._hide_noise = False
        self._folds: tuple[int, ...] | None = None  # the document lines of the noise lines, found on the first fold
        self._index: dict[str, Spans] = {}  # noise, claims, entities, focus: styled in that order
        self._rows: LRUCache[tuple, Strip] = LRUCache(1024)  # see render_line

    # -- what is displayed ---------------------------------------------------

    @property
    def hiding_noise(self) -> bool:
        return self._hide_noise

    def hide_noise(self, hide: bool) -> None:
        """Fold the lines that are wholly noise out of the display, or show them again."""
        if hide != self._hide_noise:
            self._hide_noise = hide
            self._fold()

    def _fold(self) -> None:
        """Give the noise lines no rows, or their rows back, as ``_hide_noise``
        says. The text and the selection stay (a selection end in a folded line
        goes to the next shown text); the cursor's text (the top row's if the
        cursor is off screen) stays on the row of the screen where it was."""
        if self._hide_noise and self._folds is None:
            self._folds = folded_lines(self.article.text, [(s, e) for s, e, _ in self._noise], self._line_starts)
        wrapped, top = self.wrapped_document, round(self.scroll_y)
        y = wrapped.location_to_offset(self.selection.end).y
        on_screen = top <= y < top + self.scrollable_content_region.height
        kept = self.offset_of(self.selection.end if on_screen else wrapped.offset_to_location(Offset(0, top)))
        self.fold_lines(self._folds if self._hide_noise else ())
        if self.is_mounted:
            y_now = wrapped.location_to_offset(self.location_of(kept)).y
            self.scroll_to(y=y_now - ((y if on_screen else top) - top), animate=False, immediate=True)
        anchor, cursor = (self.offset_of(location) for location in self.selection)
        self.selection = Selection(self.location_of(anchor), self.location_of(cursor))

    # -- offsets <-> locations --------------------------------------------

    def location_of(self, offset: int) -> tuple[int, int]:
        """The location of an article offset; an offset in a folded line goes to
        the next shown text (the end of the shown text if none follows)."""
        offset = max(0, min(offset, len(self.article.text)))
        row = bisect_right(self._line_starts, offset) - 1
        if self.wrapped_document.is_folded(row):
            return self._shown_at((row, 0), forward=True)
        return row, offset - self._line_starts[row]

    def offset_of(self, location: tuple[int, int]) -> int:
        row, column = location
        row = max(0, min(row, len(self._line_starts) - 1))
        return min(self._line_starts[row] + max(0, column), len(self.article.text))

    # -- moving over folded lines -----------------------------------------

    def _shown_at(self, location: tuple[int, int], forward: bool) -> tuple[int, int]:
        """``location``, or if it is in a folded line the shown text next to the
        fold: the start of the line after it (``forward``), the end of the line
        before it; the other way if there is none."""
        wrapped = self.wrapped_document
        row = location[0]
        if not wrapped.is_folded(row):
            return location
        line = wrapped.shown_line(row, forward)
        if line is None:
            forward = not forward
            line = wrapped.shown_line(row, forward)
        return (line, 0) if forward else (line, len(self.document[line]))

    def _row_step(self, target: tuple[int, int], down: bool) -> tuple[int, int]:
        """``target`` (TextArea's move up or down, from line to line), or if it
        is in a folded line the location on the row above or below the cursor's,
        found through the rows (which step over folded lines)."""
        wrapped = self.wrapped_document
        if not wrapped.is_folded(target[0]):
            return target
        x, y = wrapped.location_to_offset(self.selection.end)
        y += 1 if down else -1
        if y < 0:
            return wrapped.offset_to_location(Offset(0, 0))
        if y >= wrapped.height:
            return self._shown_at((self.document.line_count - 1, 0), forward=False)
        return wrapped.offset_to_location(Offset(max(x, self.navigator.last_x_offset), y))

    def get_cursor_left_location(self) -> tuple[int, int]:
        return self._shown_at(super().get_cursor_left_location(), forward=False)

    def get_cursor_right_location(self) -> tuple[int, int]:
        return self._shown_at(super().get_cursor_right_location(), forward=True)

    def get_cursor_word_left_location(self) -> tuple[int, int]:
        return self._shown_at(super().get_cursor_word_left_location(), forward=False)

    def get_cursor_word_right_location(self) -> tuple[int, int]:
        return self._shown_at(super().get_cursor_word_right_location(), forward=True)

    def get_cursor_up_location(self) -> tuple[int, int]:
        return self._row_step(super().get_cursor_up_location(), down=False)

    def get_cursor_down_location(self) -> tuple[int, int]:
        return self._row_step(super().get_cursor_down_location(), down=True)

    def selection_offsets(self) -> tuple[int, int]:
        start, end = (self.offset_of(loc) for loc in self.selection)
        return (start, end) if start <= end else (end, start)

    def select_offsets(self, start: int, end: int) -> None:
        self.selection = Selection(self.location_of(start), self.location_of(end))
        self.scroll_cursor_visible(center=True, animate=False)

    # -- highlights --------------------------------------------------------

    @property
    def entities(self) -> tuple[tuple[int, int, str], ...]:
        return self._entities

    @property
    def noise(self) -> tuple[tuple[int, int, str], ...]:
        return self._noise

    def set_entities(self, entities: Iterable[tuple[int, int, str]]) -> None:
        entities = tuple(entities)
        if entities != self._entities:
            self._entities = entities
            self._restyle(("entities",))

    def set_claims(self, spans: Iterable[tuple[int, int]], linked: Iterable[tuple[int, int]] = ()) -> None:
        """Claim spans; those in ``linked`` (linked to claims of other articles) are marked."""
        spans, linked = list(spans), frozenset(linked)
        if spans != self._claims or linked != self._linked:
            self._claims, self._linked = spans, linked
            self._restyle(("claims",))

    def set_focus_spans(self, spans: Iterable[tuple[int, int]]) -> None:
        """Spans shown in reverse video: the mentions of the focused entity."""
        spans = tuple(spans)
        if spans != self._focus:
            self._focus = spans
            self._restyle(("focus",))

    def set_noise(self, regions: Iterable[tuple[int, int, str]]) -> None:
        regions = tuple(regions)
        if regions != self._noise:
            self._noise = regions
            self._folds = None
            if self._hide_noise:
                self._fold()
            self._restyle(("noise",))

    def _restyle(self, kinds: Iterable[str] = ("noise", "claims", "entities", "focus")) -> None:
        """Index the spans of ``kinds`` again (the others keep their index) and
        draw again. A drawn line asks the index for the spans it shows."""
        for kind in kinds:
            if kind == "noise":
                spans = ((s, e, NOISE_STYLE) for s, e, _ in self._noise)
            elif kind == "claims":
                spans = ((s, e, LINKED_STYLE if (s, e) in self._linked else CLAIM_STYLE) for s, e in self._claims)
            elif kind == "entities":
                style_of = {label: entity_style(label) for label in {label for _, _, label in self._entities}}
                spans = ((s, e, style_of[label]) for s, e, label in self._entities)
            else:
                spans = ((s, e, FOCUS_STYLE) for s, e in self._focus)
            self._index[kind] = Spans(spans)
        self.notify_style_update()
        self.refresh()

    def styles_of_line(self, line_index: int) -> list[tuple[int, int, Style]]:
        """The highlight spans of a document line, as (start column, end column,
        style) in the order they are applied."""
        if not 0 <= line_index < len(self._line_starts):
            return []
        start = self._line_starts[line_index]
        end = start + len(self.document[line_index])
        found = []
        for kind in ("noise", "claims", "entities", "focus"):
            index = self._index.get(kind)
            if index:
                found += [(max(s, start) - start, min(e, end) - start, style)
                          for _, s, e, style in index.overlapping(start, end)]
        return found

    def render_line(self, y: int):
        """TextArea.render_line behind a finer cache of our own.

        With soft wrap, TextArea keys every row's cache entry on the whole
        selection, so moving the cursor re-renders every visible row. A row's
        content depends on the selection only through the columns of the row
        that are selected and the cursor, if it is in the row: the cache key
        holds those, so a move re-renders the rows it changes and no others
        (a row of a 2,048-character line, or of a selection that spans the
        screen, stays cached while the cursor moves elsewhere in it).
        Only public API: a row's line and first column come from
        ``wrapped_document.offset_to_location``, its last from ``get_offsets``;
        a miss is TextArea's own ``render_line``, and the cache is cleared
        wherever TextArea clears its own for what we show (a style update; a
        new text restyles too). Folding noise gives rows to other lines: the
        key holds whether it is folded, so folding back finds the rows drawn
        before (a new set of noise regions restyles, clearing it).
        """
        scroll_x, scroll_y = self.scroll_offset
        absolute_y = scroll_y + y
        wrapped = self.wrapped_document
        selected = cursor = None
        if absolute_y < wrapped.height:
            line_index, first = wrapped.offset_to_location(Offset(0, absolute_y))
            breaks = wrapped.get_offsets(line_index)
            after = bisect_right(breaks, first)
            length = len(self.document[line_index])
            last = breaks[after] if after < len(breaks) else length + 1  # the row's columns: [first, last)
            selection = self.selection
            (top_row, top_column), (bottom_row, bottom_column) = sorted(selection)
            cursor_row, cursor_column = selection.end
            if selection.start != selection.end and top_row <= line_index <= bottom_row:
                if length == 0 and line_index != cursor_row:
                    selected = "empty line marked"
                else:
                    start = max(first, top_column if line_index == top_row else 0)
                    end = min(last, bottom_column if line_index == bottom_row else length)
                    selected = (start, end) if start < end else None
            if line_index == cursor_row and first <= cursor_column < last:
                cursor = (cursor_column, self.has_focus)  # the cursor shows when focused
        cache_key = (
            self.size,
            scroll_x,
            absolute_y,
            selected,
            cursor,
            self.theme,
            self.soft_wrap,
            self.read_only,
            self.show_cursor,
            self._hide_noise,  # which rows the lines have (set_noise restyles, clearing the cache)
        )
        cached = self._rows.get(cache_key)
        if cached is None:
            cached = self._rows[cache_key] = super().render_line(y)
        return cached

    def notify_style_update(self) -> None:
        self._rows.clear()
        super().notify_style_update()

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        for start, end, style in self.styles_of_line(line_index):
            line.stylize(style, start, end)
        return line

    @property
    def text(self) -> str:
        """The document's text, folded lines too (TextArea's ``text``, which joins
        every line of the document on each call, and TextArea asks for it for
        every row it draws)."""
        document = self.document
        if self._text_of[0] is not document:  # the view is read-only: a document never changes
            self._text_of = (document, document.text)
        return self._text_of[1]

    @text.setter
    def text(self, value: str) -> None:
        self.load_text(value)
