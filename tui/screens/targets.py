"""The event's target propositions: add one, or reword one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from corpus.text import visible
from tui.widgets.window_list import SHOWN as WINDOW
from tui.widgets.window_list import fill


def targets_with_words(targets: list[dict], typed: str, skip: frozenset[str] = frozenset()) -> Iterator[dict]:
    """The targets whose text holds every word typed (any case), in order, but
    those whose ids are in ``skip``: what a list of targets narrows to."""
    words = typed.casefold().split()
    for target in targets:
        if target["id"] not in skip and all(w in target["text"].casefold() for w in words):
            yield target


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

    SHOWN = WINDOW  # options built at a time: an event may have 20,000 targets

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(Text("Target propositions of this event"), classes="form-title")
            yield OptionList(id="targets")
            yield Label(id="targets-count", classes="form-hint")
            yield Input(placeholder="A new proposition, e.g. Turkey sent fighters from Syria", id="target-text")
            yield Label(Text("Enter on one rewords it · type and Enter adds (the list shows the targets with "
                             "those words) · Tab switches · Esc closes"), classes="form-hint")

    def on_mount(self) -> None:
        self._show("")
        self.query_one("#target-text", Input).focus()

    def _show(self, typed: str) -> None:
        """The targets holding every word typed, at most :attr:`SHOWN` of them:
        a list of any length opens at once and narrows as the reader types."""
        fill(self.query_one("#targets", OptionList), self.query_one("#targets-count", Label),
             targets_with_words(self.targets, typed),
             lambda t: Option(Text(visible(t["text"], limit=300)), id=t["id"]), self.SHOWN)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "target-text" and self.editing is None:
            self._show(event.value)

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
