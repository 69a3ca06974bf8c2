"""The help screen: every key of the main screen, from the action registry."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from corpus.text import visible


class HelpScreen(ModalScreen[None]):
    """The keys, grouped by what they do."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows  # (group, keys, what they do): tui.actions.help_rows()

    def compose(self) -> ComposeResult:
        table = Text()
        group = None
        for row_group, key, description in self.rows:
            if row_group != group:
                if group is not None:
                    table.append("\n")
                table.append(f"{visible(row_group)}\n", style="bold underline")
                group = row_group
            table.append(f"{visible(key):>18}  ", style="bold")
            table.append(f"{visible(description)}\n")
        with VerticalScroll(classes="form help"):
            yield Label(Text("factdesk keys"), classes="form-title")
            yield Static(table)
            yield Label(Text("Esc, q or ? closes"), classes="form-hint")

    def action_close(self) -> None:
        self.dismiss(None)
