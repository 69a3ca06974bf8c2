"""A row of choices, each with its key: the rows of the claim and rating forms."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.reactive import reactive
from textual.widget import Widget

from annotations.labels import (
    DIGIT_KEYS,
    LabelSet,
)
from corpus.text import visible

KEYS = DIGIT_KEYS


@dataclass(frozen=True)
class Choice:
    value: object
    label: str
    key: str | None = None  # None: the digit of its position


class ChoiceRow(Widget, can_focus=True):
    """A field: its name and choices, each with its key (a label's own, or the
    digit of its position); the keys or ←/→ choose."""

    DEFAULT_CSS = """
    ChoiceRow { height: auto; padding: 0 1; }
    ChoiceRow:focus { background: $boost; }
    """
    BINDINGS = [
        Binding("left", "move(-1)", "Previous choice", show=False),
        Binding("right", "move(1)", "Next choice", show=False),
        Binding("backspace,delete", "clear", "Clear", show=False),
    ]
    selected: reactive[int | None] = reactive(None)

    def __init__(self, field: str, title: str, choices: list[Choice], value: object = None,
                 required: bool = False, advance: bool = True) -> None:
        super().__init__(id=f"field-{field.replace(':', '-')}")
        self.field = field
        self.advance = advance  # a digit moves on to the next field
        self.title = title
        self.choices = choices
        self.keys = [c.key if c.key is not None else KEYS[i] if i < len(KEYS) else None
                     for i, c in enumerate(choices)]
        self.required = required
        index = next((i for i, c in enumerate(choices) if c.value == value), None)
        self.set_reactive(ChoiceRow.selected, index)

    @property
    def value(self) -> object:
        return None if self.selected is None else self.choices[self.selected].value

    def render(self) -> Text:
        text = Text(no_wrap=False)
        text.append(f"{self.title}: ", style="bold")
        for i, choice in enumerate(self.choices):
            key = self.keys[i] or " "
            style = "reverse bold" if i == self.selected else ""
            text.append(f" {key} ", style="dim")
            text.append(visible(choice.label, limit=60), style=style)
            text.append(" ")
        if self.selected is None:
            text.append(" (required)" if self.required else " (optional)", style="dim italic")
        return text

    def takes(self, character: str | None) -> bool:
        """Whether ``character`` is the key of one of the choices."""
        return bool(character) and character in self.keys

    def on_key(self, event: events.Key) -> None:
        if self.takes(event.character):
            event.stop()
            event.prevent_default()
            self.selected = self.keys.index(event.character)
            if self.advance:
                self.screen.focus_next()

    def action_move(self, step: int) -> None:
        start = -1 if self.selected is None and step > 0 else (self.selected or 0)
        self.selected = (start + step) % len(self.choices)

    def action_clear(self) -> None:
        if not self.required:
            self.selected = None


def label_choices(labels: LabelSet) -> list[Choice]:
    """A label set's labels as a row's choices, each with its key."""
    return [Choice(label.name, label.name, label.key) for label in labels]
