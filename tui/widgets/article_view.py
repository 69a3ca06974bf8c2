"""A read-only view of one article with entities, claims and noise highlighted.

Offsets in factdesk are code-point offsets into the normalised article text.
The view may show that text with its noise lines folded away; it keeps a map
between the text it displays and the article text, so every offset it hands
out or takes in is an article offset, whatever is hidden.
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


def _visible_segments(text: str, hidden: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Article ranges that stay shown when whole lines under ``hidden`` are folded."""
    cuts = []
    for start, end in sorted(hidden):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end == -1 else line_end
        # fold only regions that cover their lines entirely (nothing but spaces beside them)
        if text[line_start:start].strip() or text[end:line_end].strip():
            continue
        cuts.append((line_start, min(len(text), line_end + 1)))
    segments, position = [], 0
    for start, end in cuts:
        if start > position:
            segments.append((position, start))
        position = max(position, end)
    if position < len(text) or not segments:
        segments.append((position, len(text)))
    return segments


class ArticleView(TextArea):
    """Read-only TextArea that stylises entity, claim and noise spans line by line.

    In visual mode (``visual``), every cursor movement extends the selection,
    as shift+movement does.
    """

    visual: reactive[bool] = reactive(False)

    def watch_visual(self, visual: bool) -> None:
        self.set_class(visual, "-visual")

    # every movement the TextArea binds, extended in visual mode
    def action_cursor_left(self, select: bool = False) -> None:
        super().action_cursor_left(select or self.visual)

    def action_cursor_right(self, select: bool = False) -> None:
        super().action_cursor_right(select or self.visual)

    def action_cursor_up(self, select: bool = False) -> None:
        super().action_cursor_up(select or self.visual)

    def action_cursor_down(self, select: bool = False) -> None:
        super().action_cursor_down(select or self.visual)

    def action_cursor_word_left(self, select: bool = False) -> None:
        super().action_cursor_word_left(select or self.visual)

    def action_cursor_word_right(self, select: bool = False) -> None:
        super().action_cursor_word_right(select or self.visual)

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
        super().__init__(
            shown_body(article.text),
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
        self._by_line: dict[int, list[tuple[int, int, Style]]] = {}
        self._rows: LRUCache[tuple, Strip] = LRUCache(1024)  # see render_line
        self._set_segments([(0, len(article.text))], article.text)

    # -- what is displayed ---------------------------------------------------

    def _set_segments(self, segments: list[tuple[int, int]], display: str) -> None:
        self._segments = segments  # article ranges shown, in order
        self._seg_src = [s for s, _ in segments]
        self._seg_disp, total = [], 0
        for s, e in segments:
            self._seg_disp.append(total)
            total += e - s
        starts, offset = [], 0
        for line in display.split("\n"):
            starts.append(offset)
            offset += len(line) + 1
        self._line_starts = starts
        self._display_length = len(display)

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
        cursor = self.offset_of(self.cursor_location)
        self._hide_noise = hide
        text = self.article.text
        segments = _visible_segments(text, [(s, e) for s, e, _ in self._noise]) if hide else [(0, len(text))]
        display = "".join(text[s:e] for s, e in segments)
        self._set_segments(segments, display)
        self.load_text(shown_body(display))
        self._rows.clear()
        self._restyle()
        self.cursor_location = self.location_of(cursor)

    # -- offsets <-> locations --------------------------------------------

    def location_of(self, offset: int) -> tuple[int, int]:
        offset = self._to_display(max(0, min(offset, len(self.article.text))))
        row = bisect_right(self._line_starts, offset) - 1
        return row, offset - self._line_starts[row]

    def offset_of(self, location: tuple[int, int]) -> int:
        row, column = location
        row = max(0, min(row, len(self._line_starts) - 1))
        return self._to_article(min(self._line_starts[row] + column, self._display_length))

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
            self._restyle()

    def set_claims(self, spans: Iterable[tuple[int, int]], linked: Iterable[tuple[int, int]] = ()) -> None:
        """Claim spans; those in ``linked`` (linked to claims of other articles) are marked."""
        spans, linked = list(spans), frozenset(linked)
        if spans != self._claims or linked != self._linked:
            self._claims, self._linked = spans, linked
            self._restyle()

    def set_focus_spans(self, spans: Iterable[tuple[int, int]]) -> None:
        """Spans shown in reverse video: the mentions of the focused entity."""
        spans = tuple(spans)
        if spans != self._focus:
            self._focus = spans
            self._restyle()

    def set_noise(self, regions: Iterable[tuple[int, int, str]]) -> None:
        regions = tuple(regions)
        if regions != self._noise:
            self._noise = regions
            if self._hide_noise:
                self._hide_noise = False
                self.hide_noise(True)
            else:
                self._restyle()

    def _add(self, start: int, end: int, style: Style) -> None:
        """File [start, end) (article offsets) under the display lines it covers."""
        for seg_start, seg_end in self._segments:
            s, e = max(start, seg_start), min(end, seg_end)
            if s >= e:
                continue
            d_start, d_end = self._to_display(s), self._to_display(s) + (e - s)
            row = bisect_right(self._line_starts, d_start) - 1
            while d_start < d_end and row < len(self._line_starts):
                line_end = self._line_starts[row + 1] - 1 if row + 1 < len(self._line_starts) else self._display_length
                piece_end = min(d_end, line_end)
                if piece_end > d_start:
                    col = d_start - self._line_starts[row]
                    self._by_line.setdefault(row, []).append((col, col + piece_end - d_start, style))
                row, d_start = row + 1, line_end + 1

    def _restyle(self) -> None:
        self._by_line = {}
        for start, end, _kind in self._noise:
            self._add(start, end, NOISE_STYLE)
        for start, end in self._claims:
            self._add(start, end, LINKED_STYLE if (start, end) in self._linked else CLAIM_STYLE)
        for start, end, label in self._entities:
            self._add(start, end, entity_style(label))
        for start, end in self._focus:
            self._add(start, end, FOCUS_STYLE)
        self.notify_style_update()
        self.refresh()

    def render_line(self, y: int):
        """TextArea.render_line behind a finer cache of our own.

        With soft wrap, TextArea keys every row's cache entry on the whole
        selection, so moving the cursor re-renders every visible row. A row's
        content only depends on the selection where its document line is inside
        the selection or holds the cursor; other rows keep their cached strip.
        Only public API: the document line of a row comes from
        ``wrapped_document.offset_to_location``, a miss is TextArea's own
        ``render_line``, and the cache is cleared wherever TextArea clears its
        own for what we show (a style update; a new text restyles too).
        """
        scroll_x, scroll_y = self.scroll_offset
        absolute_y = scroll_y + y
        wrapped = self.wrapped_document
        line_index = wrapped.offset_to_location(Offset(0, absolute_y))[0] if absolute_y < wrapped.height else -1
        selection = self.selection
        top, bottom = sorted((selection.start[0], selection.end[0]))
        involved = top <= line_index <= bottom or line_index == selection.end[0]
        cache_key = (
            self.size,
            scroll_x,
            absolute_y,
            selection if involved else None,
            self.has_focus if line_index == selection.end[0] else None,  # the cursor shows when focused
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
        for start, end, style in self._by_line.get(line_index, ()):
            line.stylize(style, start, end)
        return line
