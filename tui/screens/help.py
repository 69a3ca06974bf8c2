"""The help screen: every key of the main screen, from the action registry."""

from __future__ import annotations

from rich.table import Table
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
        # a grid, so a long line wraps under its own column, not under the keys
        table = Table.grid(padding=(0, 2))
        table.add_column(justify="right", style="bold", max_width=28)
        table.add_column(ratio=1)
        group = None
        for row_group, key, description in self.rows:
            if row_group != group:
                if group is not None:
                    table.add_row("", "")
                table.add_row(Text(visible(row_group), style="bold underline", justify="left"), "")
                group = row_group
            table.add_row(Text(visible(key)), Text(visible(description)))
        with VerticalScroll(classes="form help"):
            yield Label(Text("factdesk keys"), classes="form-title")
            yield Static(table)
            yield Label(Text("Esc, q or ? closes"), classes="form-hint")

    def action_close(self) -> None:
        self.dismiss(None)
