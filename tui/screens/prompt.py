"""A one-line text prompt (the canonical wording of a claim group)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from corpus.text import visible


class TextPrompt(ModalScreen[str | None]):
    """One line of text: Enter saves, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.heading = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(Text(visible(self.heading, limit=200)), classes="form-title")
            yield Input(value=visible(self.value), id="prompt")
            yield Label(Text("Enter saves · Esc cancels"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#prompt", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
