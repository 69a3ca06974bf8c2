"""Every match of a search in the event, to jump to one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from corpus.text import visible


@dataclass(frozen=True)
class Place:
    """A span of an article to show and select: what a list's Enter jumps to."""

    article_id: str
    start: int
    end: int


class ResultsModal(ModalScreen[Place | None]):
    """Search results across the event: Enter jumps to one."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, needle: str, rows: list[tuple]) -> None:
        super().__init__()
        self.needle = needle
        self.rows = rows

    def compose(self) -> ComposeResult:
        options = []
        for key, title, before, match, after in self.rows:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{visible(title)[:30]}: ", style="bold")
            line.append(f"…{visible(before)}")
            line.append(visible(match, limit=200), style="reverse")
            line.append(f"{visible(after)}…")
            options.append(Option(line, id="|".join(map(str, key))))
        with Vertical(classes="form results"):
            yield Label(Text(f"{len(self.rows)} match(es) for “{visible(self.needle, limit=80)}”"), classes="form-title")
            yield OptionList(*options, id="results")
            yield Label(Text("↑↓ choose · Enter jumps there · Esc closes"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#results", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        article_id, start, end = event.option.id.split("|")
        self.dismiss(Place(article_id, int(start), int(end)))

    def action_cancel(self) -> None:
        self.dismiss(None)
