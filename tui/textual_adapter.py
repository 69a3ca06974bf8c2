"""The one place factdesk uses Textual's private names (Textual 8.2.8).

Each is here because Textual offers no public way to do it, and
``tests/test_textual_adapter.py`` pins what factdesk relies on, so a Textual
release that changes it fails a test instead of misbehaving quietly.

- :func:`forward_key`: give a key to a screen or widget as Textual gives a
  key to the focused widget, marked as forwarded (``MessagePump._forward_event``,
  what Textual's own key routing calls). A key that came back to the app
  unhandled is given on to a form or field opened since (``tui/typeahead.py``).
  Posting a plain ``Key`` instead would not do: one that is not marked as
  forwarded and bubbles back up to the app is taken for a new key from the
  terminal, and typed a second time.
- :class:`QuietExceptions`: an exception nothing handled stops a Textual app,
  which then prints a traceback with its local variables (article text among
  them) over the terminal. Textual has no hook but ``App._handle_exception``
  and the list of what it prints on exit (``App._exit_renderables``): the
  error is kept instead, and ``run()`` raises it once the terminal is
  restored, for the command to write it to a log file and print one line.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.message_pump import MessagePump


def forward_key(target: MessagePump, key: events.Key) -> events.Key:
    """Give ``target`` a copy of ``key`` (into its queue, marked as forwarded); returns the copy."""
    copy = events.Key(key.key, key.character)
    target._forward_event(copy)
    return copy


class QuietExceptions(App):
    """An app whose unhandled exception is kept in ``unexpected_error`` and
    raised again by :meth:`run`, with no traceback printed on the terminal."""

    unexpected_error: BaseException | None = None

    def _handle_exception(self, error: Exception) -> None:
        from textual.worker import WorkerFailed

        if self.unexpected_error is None:
            self.unexpected_error = error.error if isinstance(error, WorkerFailed) else error
        super()._handle_exception(error)
        self._exit_renderables.clear()  # the traceback Textual rendered for the terminal

    def run(self, *args, **kwargs):
        result = super().run(*args, **kwargs)
        if self.unexpected_error is not None:  # after the terminal is restored
            raise self.unexpected_error
        return result


# -- a TextArea whose wrapping does not cost the whole document on every frame --
#
# Textual's WrappedDocument (textual/document/_wrapped_document.py) keeps a list
# entry per visual row and per line, and its ``height`` is a ``sum`` over every
# line, which TextArea reads for every row it renders: a 5 MB article (50,000
# lines) paid that sum 80 times per frame. ``wrap`` runs ``compute_wrap_offsets``
# (a Python step per word) over the whole document on every resize and every
# ``load_text``: 4 s for 5 MB. TextArea reads the wrapped document through its
# private ``_offset_to_line_info`` (in ``_render_line``) and builds it in its
# private ``_set_document``; there is no public way to give it another, so
# :class:`RowIndexedTextArea` overrides ``_set_document`` and :class:`RowIndex`
# answers TextArea's private reads from a prefix sum of rows per line.
#
# Folding (the article view's noise lines): a RowIndex gives folded lines no
# rows, so a fold costs a prefix sum, not a new document. TextArea has no
# public way to say its rows changed: ``RowIndexedTextArea.fold_lines`` clears
# its private row cache (``_line_cache``) and sets its virtual size through
# ``_refresh_size``, or, while its scrollbar stays, as Textual's scroll-only
# reflow does (``Widget._scroll_update``), without a layout of the screen.

import re
from bisect import bisect_right
from itertools import accumulate, pairwise

from rich.cells import get_character_cell_size
from textual._cells import cell_width_to_column_index
from textual._wrap import compute_wrap_offsets
from textual.expand_tabs import get_tab_widths
from textual.geometry import Offset, Size
from textual.widget import Widget
from textual.widgets import TextArea
from textual.widgets.text_area import Document, DocumentNavigator, WrappedDocument

_CHUNK = re.compile(r"\S+\s*|\s+")  # textual._wrap's chunks: a word and the spaces after it
_STRIPPED = re.compile("[\x07\x08\x0b\x0c\x0d]")  # what rich.Text drops (strip_control_codes)
_NARROW: dict[str, bool] = {}


def _plain_cells(line: str) -> bool:
    """Every character one cell wide and the only white space a plain space."""
    if line.isascii():  # printable ASCII is one cell wide; the rest of ASCII is control or white space
        return line.isprintable()
    narrow = _NARROW
    for c in set(line):
        ok = narrow.get(c)
        if ok is None:
            ok = narrow[c] = (c == " " or not c.isspace()) and get_character_cell_size(c) == 1
        if not ok:
            return False
    return True


def wrap_offsets(line: str, width: int, tab_width: int = 4) -> list[int]:
    """``compute_wrap_offsets(line, width, tab_width)``, the same breaks, found
    with a few string searches per row (not a Python step per word) when every
    character of the line is one cell wide and its only white space is " "."""
    n = len(line)
    if not width or not line:
        return compute_wrap_offsets(line, width, tab_width) if width else []
    if not _plain_cells(line):
        return compute_wrap_offsets(line, width, tab_width)
    breaks: list[int] = []
    r = 0  # where the current row starts (a break, or inside a folded word)
    while n - r > width:  # the rest does not fit on this row
        limit = r + width
        i = -1  # the last chunk start in (r, limit]: the chunks before it fit
        j = line.rfind(" ", r, limit)
        if j != -1:
            if line[j + 1] != " ":
                i = j + 1
            else:  # j is inside a run of spaces that goes on past the row: back to its word
                m = r + len(line[r:j].rstrip(" "))
                j = line.rfind(" ", r, m)
                i = j + 1 if j != -1 else -1
        if i == -1:
            if r:  # cannot happen (a row after a break holds at least its first chunk)
                return compute_wrap_offsets(line, width, tab_width)
            i = 0  # the line's first chunk is wider than a row: folded, no break before it
        end = _CHUNK.match(line, i).end()
        if i:
            breaks.append(i)
        if end - i > width:  # a chunk wider than a row is folded every `width` cells
            folds = (end - i - 1) // width
            breaks.extend(range(i + width, i + folds * width + 1, width))
            r = i + folds * width
        else:
            r = i
    return breaks


class _RowInfo:
    """``_offset_to_line_info[y]``: (line, section) of visual row y."""

    def __init__(self, tops: list[int]) -> None:
        self._tops = tops

    def __len__(self) -> int:
        return self._tops[-1]

    def __getitem__(self, y: int) -> tuple[int, int]:
        if y < 0:
            y += self._tops[-1]
        if not 0 <= y < self._tops[-1]:
            raise IndexError(y)
        line = bisect_right(self._tops, y) - 1
        return line, y - self._tops[line]


class _LineRows:
    """``_line_index_to_offsets[line]``: the visual rows of a line."""

    def __init__(self, tops: list[int]) -> None:
        self._tops = tops

    def __len__(self) -> int:
        return len(self._tops) - 1

    def __getitem__(self, line: int) -> list[int]:
        if line < 0:
            line += len(self._tops) - 1
        if not 0 <= line < len(self._tops) - 1:
            raise IndexError(line)
        return list(range(self._tops[line], self._tops[line + 1]))


class _TabWidths:
    """``_tab_width_cache[line]``, computed for the lines that are asked for."""

    def __init__(self, document, tab_width: int) -> None:
        self._document, self._tab_width = document, tab_width

    def __len__(self) -> int:
        return self._document.line_count

    def __getitem__(self, line: int) -> list[int]:
        text = self._document[line]
        return [width for _, width in get_tab_widths(text, self._tab_width)] if "\t" in text else [0] if text else []


class RowIndex(WrappedDocument):
    """A WrappedDocument that answers every question TextArea asks of it in
    O(log lines), wraps a line of plain text with string searches, and keeps
    each line's breaks in ``cache`` (a dict shared by the documents of one
    view, by line text and width).

    It can fold lines (:meth:`fold`): a folded line is given no rows, so it
    is not drawn and no row leads to it, while the document, its lines and
    every location stay as they are. TextArea reaches a line by its rows
    (drawing, the mouse, page up and down) except for the moves from line to
    line (left, right, up, down, by word), which a view that folds steps over
    folded lines itself (:meth:`shown_line`)."""

    def __init__(self, document, width: int = 0, tab_width: int = 4, cache: dict | None = None) -> None:
        self._cache = {} if cache is None else cache
        self._folded: tuple[int, ...] = ()
        super().__init__(document, width, tab_width)
        self._fresh = (width, self._tab_width)

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        if tab_width:
            self._tab_width = tab_width
        lines, tab = self.document.lines, self._tab_width
        fresh, self._fresh = getattr(self, "_fresh", None), None
        if fresh == (width, tab):  # TextArea wraps a new document twice: when made, and at once again
            return
        self._width = width
        if width:
            known = self._cache.get((width, tab))
            if known is None:
                self._cache.clear()
                known = self._cache[(width, tab)] = {}
            offsets = list(map(known.get, lines))
            if None in offsets:
                for i, line in enumerate(lines):
                    if offsets[i] is None:
                        offsets[i] = known[line] = wrap_offsets(line, width, tab)
        else:
            offsets = [[] for _ in lines]
        self._wrap_offsets = offsets
        self._rows = list(map((1).__add__, map(len, offsets)))  # each line's rows, unfolded
        self._tops_of: dict[tuple[int, ...], list[int]] = {}  # folded lines -> tops, at this width
        self._tab_width_cache = _TabWidths(self.document, tab)
        self._plain_lines: dict[int, bool] = {}
        self._set_tops()

    def _set_tops(self) -> None:
        folded = self._folded
        tops = self._tops_of.get(folded)
        if tops is None:
            rows = self._rows
            if folded:
                rows = rows.copy()
                for line in folded:
                    rows[line] = 0
            tops = self._tops_of[folded] = list(accumulate(rows, initial=0))
        self._tops = tops
        self._offset_to_line_info = _RowInfo(tops)
        self._line_index_to_offsets = _LineRows(tops)

    # -- folded lines: lines given no rows, the document untouched ---------

    def fold(self, lines) -> None:
        """Give the document lines ``lines`` no rows (``()`` shows every line
        again). Never every line: the last stays shown. Each fold's rows are
        kept until the next wrap, so going back to one costs nothing."""
        count = self.document.line_count
        folded = tuple(sorted({line for line in lines if 0 <= line < count}))
        if len(folded) == count:
            folded = folded[:-1]
        self._folded = folded
        self._set_tops()

    @property
    def folded_lines(self) -> tuple[int, ...]:
        return self._folded

    def is_folded(self, line: int) -> bool:
        """Whether document line ``line`` has no rows."""
        return self._tops[line] == self._tops[line + 1]

    def shown_line(self, line: int, forward: bool = True) -> int | None:
        """The nearest line at or after ``line`` (before it if not ``forward``)
        that has rows; None if there is none."""
        tops = self._tops
        if tops[line] != tops[line + 1]:
            return line
        y = tops[line] if forward else tops[line] - 1
        return self._offset_to_line_info[y][0] if 0 <= y < tops[-1] else None

    def offset_to_location(self, offset: Offset):
        """As WrappedDocument's; unwrapped (width 0) too, a row is found
        through the rows, not taken for a line index, once lines are folded."""
        if self._width or not self._folded:
            return super().offset_to_location(offset)
        x, y = offset
        line = self._offset_to_line_info[max(0, min(y, self._tops[-1] - 1))][0]
        return line, cell_width_to_column_index(self.document.get_line(line), max(0, x), self._tab_width)

    def location_to_offset(self, location) -> Offset:
        """As WrappedDocument's; a location in a folded line is at the start of
        the row that follows it (the last row if none does)."""
        line = max(0, min(location[0], len(self._tops) - 2))
        if self._tops[line] == self._tops[line + 1]:
            return Offset(0, max(0, min(self._tops[line], self._tops[-1] - 1)))
        return super().location_to_offset(location)

    def wrap_range(self, start, old_end, new_end) -> None:
        self.wrap(self._width)  # the view is read-only: an edit is rare, wrap it all again

    @property
    def height(self) -> int:
        return self._tops[-1]

    def get_sections(self, line_index: int) -> list[str]:
        line = self.document[line_index]
        if line_index not in self._plain_lines:  # asked for each row drawn: searched once per line
            self._plain_lines[line_index] = not _STRIPPED.search(line)
        if not self._plain_lines[line_index]:
            return super().get_sections(line_index)
        cuts = [0, *self._wrap_offsets[line_index], len(line)]
        return [line[a:b] for a, b in pairwise(cuts)]


class RowIndexedTextArea(TextArea):
    """A TextArea whose plain-text documents are wrapped by a :class:`RowIndex`.

    Overrides TextArea's private ``_set_document`` (what ``__init__`` and
    ``load_text`` call) for documents without a language, doing what it does
    with a RowIndex in place of the WrappedDocument. TextArea's ``__init__``
    makes a Document and a WrappedDocument of its text before it calls
    ``_set_document``, and throws them away (a Python step per line: 0.2 s for
    5 MB): it is given "" and ``_set_document`` the text; and its language
    watcher, run by ``__init__``, would make the document a second time.
    """

    def __init__(self, text: str = "", **kwargs) -> None:
        self._text_at_init = text
        super().__init__("", **kwargs)

    def _watch_language(self, language: str | None) -> None:
        """TextArea's, which makes the document again from its text; but not
        for plain text that stays plain (``__init__`` sets the language after
        it has made the document, and would make it twice)."""
        if language or self._highlight_query is not None or not isinstance(self.wrapped_document, RowIndex):
            super()._watch_language(language)

    def _set_document(self, text: str, language: str | None) -> None:
        if "_text_at_init" in self.__dict__:  # called by __init__
            text = self.__dict__.pop("_text_at_init")
        if language:
            return super()._set_document(text, language)
        if not hasattr(self, "_row_cache"):
            self._row_cache: dict = {}
        self._highlight_query = None
        self.document = Document(text)
        self.wrapped_document = RowIndex(self.document, self.wrap_width, self.indent_width, cache=self._row_cache)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._build_highlight_map()
        self.move_cursor((0, 0))
        self._rewrap_and_refresh_virtual_size()

    def fold_lines(self, lines) -> None:
        """Give the document lines ``lines`` no rows (``()``: show them all
        again): the text, the selection and every location stay as they are;
        the rows below move up. TextArea's own row cache (keyed by row) is
        cleared and the virtual size set again.

        ``virtual_size`` is a layout reactive: setting it lays the whole screen
        out again and repaints every widget on it, which costs more than the
        fold. While the vertical scrollbar stays (the rows still overflow), the
        layout cannot change: the size is set as Textual sets it after a
        scroll-only reflow (``set_reactive``, then ``Widget._scroll_update`` for
        the scrollbar), and only this widget is drawn again."""
        self.wrapped_document.fold(lines)
        self._line_cache.clear()
        height = self.wrapped_document.height
        if (self.is_mounted and self.soft_wrap and self.show_vertical_scrollbar
                and height > self.scrollable_content_region.height):
            size = Size(0, height)
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)
        else:
            self._refresh_size()
        self.refresh()
