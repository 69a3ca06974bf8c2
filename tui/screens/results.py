"""Every match of a search in the event, to jump to one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from corpus.text import visible
from tui.widgets.window_list import fill, finder_keys, with_words


@dataclass(frozen=True)
class Place:
    """A span of an article to show and select: what a list's Enter jumps to."""

    article_id: str
    start: int
    end: int


class ResultsModal(ModalScreen[Place | None]):
    """Search results across the event: Enter jumps to one. Letters typed on
    the list narrow it to the results holding them (in the title or around the
    match); a window of them is built."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, needle: str, rows: list[tuple]) -> None:
        super().__init__()
        self.needle = needle
        self.rows = rows
        self._haystacks = [f"{title} {before}{match}{after}".casefold() for _, title, before, match, after in rows]

    def compose(self) -> ComposeResult:
        with Vertical(classes="form results"):
            yield Label(Text(f"{len(self.rows):,} match(es) for “{visible(self.needle, limit=80)}”"),
                        classes="form-title")
            yield Input(placeholder="Type words to narrow the results; ↓ goes to the list", id="results-find",
                        select_on_focus=False)
            yield OptionList(id="results")
            yield Label(id="results-count", classes="form-hint")
            yield Label(Text("↑↓ choose · Enter jumps there · letters typed narrow the list · Esc closes"),
                        classes="form-hint")

    def on_mount(self) -> None:
        self._show("")
        self.query_one("#results", OptionList).focus()

    @staticmethod
    def _option(row: tuple) -> Option:
        key, title, before, match, after = row
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{visible(title)[:30]}: ", style="bold")
        line.append(f"…{visible(before)}")
        line.append(visible(match, limit=200), style="reverse")
        line.append(f"{visible(after)}…")
        return Option(line, id="|".join(map(str, key)))

    def _show(self, typed: str) -> None:
        matching = (row for row, _ in with_words(zip(self.rows, self._haystacks), lambda pair: pair[1], typed))
        fill(self.query_one("#results", OptionList), self.query_one("#results-count", Label), matching, self._option)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the finder: the first result found."""
        event.stop()
        option = self.query_one("#results", OptionList).highlighted_option
        if option is not None:
            self._jump(option.id)

    def on_key(self, event: events.Key) -> None:
        finder_keys(self, event, self.query_one("#results-find", Input), self.query_one("#results", OptionList))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._jump(event.option.id)

    def _jump(self, option_id: str) -> None:
        article_id, start, end = option_id.rsplit("|", 2)
        self.dismiss(Place(article_id, int(start), int(end)))

    def action_cancel(self) -> None:
        self.dismiss(None)
