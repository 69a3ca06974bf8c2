"""The event's target propositions: add one, or reword one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from corpus.text import visible


@dataclass(frozen=True)
class TargetEdit:
    """A target's new wording (``target_id`` None: a new target)."""

    target_id: str | None
    text: str


class TargetsModal(ModalScreen[TargetEdit | None]):
    """The event's targets. Type a proposition and press Enter to add it; Enter
    on a listed one puts it in the box to reword it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, targets: list[dict]) -> None:
        super().__init__()
        self.targets = targets
        self.editing: str | None = None

    def compose(self) -> ComposeResult:
        options = [Option(Text(visible(t["text"], limit=300)), id=t["id"]) for t in self.targets]
        with Vertical(classes="form"):
            yield Label(Text("Target propositions of this event"), classes="form-title")
            yield OptionList(*options, id="targets")
            yield Input(placeholder="A new proposition, e.g. Turkey sent fighters from Syria", id="target-text")
            yield Label(Text("Enter on one rewords it · type and Enter adds · Tab switches · Esc closes"),
                        classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#target-text", Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.editing = event.option.id
        box = self.query_one("#target-text", Input)
        box.value = visible(next(t["text"] for t in self.targets if t["id"] == event.option.id))
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(TargetEdit(self.editing, event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
