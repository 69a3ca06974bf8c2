"""A read-only view of one article with entities, claims and noise highlighted.

Offsets in factdesk are code-point offsets into the normalised article text.
The view may show that text with its noise lines folded away; it keeps a map
between the text it displays and the article text, so every offset it hands
out or takes in is an article offset, whatever is hidden.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

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
from tui.widgets.article_layout import Spans, document_lines, visible_segments


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
        self._shown = shown_body(article.text)  # what is displayed: the same length, the same lines
        lines, starts = document_lines(self._shown)
        whole = (((0, len(article.text)),), "\n".join(lines), starts, len(article.text))
        self._layouts = {False: whole}  # hide_noise -> (segments, document text, line starts, length)
        self._text_of: tuple[object, str] = (None, "")
        super().__init__(
            whole[1],
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
        self._index: dict[str, Spans] = {}  # noise, claims, entities, focus: styled in that order
        self._rows: LRUCache[tuple, Strip] = LRUCache(1024)  # see render_line
        self._set_segments(list(whole[0]), starts, len(article.text))

    # -- what is displayed ---------------------------------------------------

    def _set_segments(self, segments: list[tuple[int, int]], line_starts: list[int], length: int) -> None:
        """The article ranges shown, in order; the display offset where each
        document line starts; the length of the displayed text."""
        self._segments = segments
        self._seg_src = [s for s, _ in segments]
        self._seg_disp = list(accumulate((e - s for s, e in segments[:-1]), initial=0))
        self._line_starts = line_starts
        self._display_length = length

    def _to_display(self, offset: int) -> int:
        """Display offset of an article offset (a hidden offset goes to the next shown text)."""
        i = max(0, bisect_right(self._seg_src, offset) - 1)
        start, end = self._segments[i]
        if offset >= end and i + 1 < len(self._segments):
            return self._seg_disp[i + 1]
        return self._seg_disp[i] + min(max(offset, start), end) - start

    def _to_article(self, display_offset: int) -> int:
        i = max(0, bisect_right(self._seg_disp, display_offset) - 1)
        start, end = self._segments[i]
        return min(end, start + display_offset - self._seg_disp[i])

    @property
    def hiding_noise(self) -> bool:
        return self._hide_noise

    def hide_noise(self, hide: bool) -> None:
        """Fold the lines that are wholly noise out of the display, or show them again."""
        if hide == self._hide_noise:
            return
        anchor, cursor = (self.offset_of(location) for location in self.selection)
        self._hide_noise = hide
        if hide not in self._layouts:  # the folded layout, made once for a set of noise regions
            segments = visible_segments(self.article.text, [(s, e) for s, e, _ in self._noise])
            display = "".join(self._shown[s:e] for s, e in segments)
            lines, starts = document_lines(display)
            self._layouts[hide] = (tuple(segments), "\n".join(lines), starts, len(display))
        segments, text, starts, length = self._layouts[hide]
        self._set_segments(list(segments), starts, length)
        self.load_text(text)  # lines wrapped before keep their rows (RowIndex)
        self._rows.clear()
        self._restyle(())
        self.selection = Selection(self.location_of(anchor), self.location_of(cursor))  # kept, in article offsets

    # -- offsets <-> locations --------------------------------------------

    def location_of(self, offset: int) -> tuple[int, int]:
        offset = self._to_display(max(0, min(offset, len(self.article.text))))
        row = bisect_right(self._line_starts, offset) - 1
        return row, offset - self._line_starts[row]

    def offset_of(self, location: tuple[int, int]) -> int:
        row, column = location
        row = max(0, min(row, len(self._line_starts) - 1))
        return self._to_article(min(self._line_starts[row] + max(0, column), self._display_length))

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
            self._layouts.pop(True, None)
            if self._hide_noise:
                self._hide_noise = False
                self.hide_noise(True)
            else:
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
                spans = ((s, e, entity_style(label)) for s, e, label in self._entities)
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
        length = len(self.document[line_index])
        start = self._to_article(self._line_starts[line_index])  # a line is shown whole, in one piece
        end = start + length
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
        new text restyles too).
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
        """The displayed text (TextArea's ``text``, which joins every line of the
        document on each call, and TextArea asks for it for every row it draws)."""
        document = self.document
        if self._text_of[0] is not document:  # the view is read-only: a document never changes
            self._text_of = (document, document.text)
        return self._text_of[1]

    @text.setter
    def text(self, value: str) -> None:
        self.load_text(value)
