"""A read-only view of one article with entities and claims highlighted.

Offsets in factdesk are code-point offsets into the normalised text; the
TextArea works in (row, column) locations. Text is normalised to ``\\n`` line
endings with no other line separators, so the two map one-to-one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from rich.style import Style
from rich.text import Text
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from corpus.articles import Article
from tui.styles import CLAIM_STYLE, entity_style


class ArticleView(TextArea):
    """Read-only TextArea that stylises entity and claim spans line by line."""

    def __init__(self, article: Article, **kwargs) -> None:
        super().__init__(
            article.text,
            read_only=True,
            soft_wrap=True,
            show_line_numbers=False,
            highlight_cursor_line=False,
            **kwargs,
        )
        self.article = article
        starts, offset = [], 0
        for line in article.text.split("\n"):
            starts.append(offset)
            offset += len(line) + 1
        self._line_starts = starts
        self._entities: tuple[tuple[int, int, str], ...] = ()
        self._claims: list[tuple[int, int]] = []
        self._by_line: dict[int, list[tuple[int, int, Style]]] = {}

    # -- offsets <-> locations --------------------------------------------

    def location_of(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.article.text)))
        row = bisect_right(self._line_starts, offset) - 1
        return row, offset - self._line_starts[row]

    def offset_of(self, location: tuple[int, int]) -> int:
        row, column = location
        row = max(0, min(row, len(self._line_starts) - 1))
        return min(self._line_starts[row] + column, len(self.article.text))

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

    def set_entities(self, entities: Iterable[tuple[int, int, str]]) -> None:
        entities = tuple(entities)
        if entities != self._entities:
            self._entities = entities
            self._restyle()

    def set_claims(self, spans: Iterable[tuple[int, int]]) -> None:
        spans = list(spans)
        if spans != self._claims:
            self._claims = spans
            self._restyle()

    def _add(self, start: int, end: int, style: Style) -> None:
        """Split [start, end) at line breaks and file each piece under its line."""
        row, col = self.location_of(start)
        while start < end and row < len(self._line_starts):
            line_end = (
                self._line_starts[row + 1] - 1 if row + 1 < len(self._line_starts) else len(self.article.text)
            )
            piece_end = min(end, line_end)
            if piece_end > start:
                self._by_line.setdefault(row, []).append((col, col + piece_end - start, style))
            row, col, start = row + 1, 0, line_end + 1

    def _restyle(self) -> None:
        self._by_line = {}
        for start, end in self._claims:
            self._add(start, end, CLAIM_STYLE)
        for start, end, label in self._entities:
            self._add(start, end, entity_style(label))
        self.notify_style_update()
        self.refresh()

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        for start, end, style in self._by_line.get(line_index, ()):
            line.stylize(style, start, end)
        return line
