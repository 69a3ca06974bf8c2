"""A row of choices, each with its key: the rows of the claim and rating forms.

A choice's key is its label's own (:attr:`annotations.labels.Label.key`: the
digits 1, 2, … 0 for the first ten), else the next key of :data:`KEY_POOL`
that no other choice of the row has and the form does not use itself: after
the digits, the letters a–z, then A–Z, so a row of up to 62 labels (a scheme
may have 50) is chosen by keys alone. The key is shown before each label, and
the focused row shows the hint of its chosen label on a line of its own.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.columns import Columns
from rich.console import Group
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
# the keys choices get when their label has none: digits, then letters
KEY_POOL = DIGIT_KEYS + string.ascii_lowercase + string.ascii_uppercase


def form_keys(given: Sequence[str | None], reserved: Iterable[str] = ()) -> list[str | None]:
    """The key of each choice: its own (``given``), unless the form keeps that
    key for itself (``reserved``); else the next key of :data:`KEY_POOL` that
    is neither reserved nor another choice's. None when the pool runs out."""
    reserved = set(reserved)
    own = [k if k and k not in reserved else None for k in given]
    taken = {k for k in own if k} | reserved
    free = (k for k in KEY_POOL if k not in taken)
    return [k if k else next(free, None) for k in own]


def key_range(keys: Sequence[str | None]) -> str:
    """The keys of a form as a hint shows them: ``1–4``, ``1–0, a–t``."""
    keys = [k for k in keys if k]
    if not keys:
        return "↑↓"
    digits = [k for k in keys if k.isdigit()]
    others = [k for k in keys if not k.isdigit()]
    parts = [f"{group[0]}–{group[-1]}" if len(group) > 1 else group[0] for group in (digits, others) if group]
    return ", ".join(parts)


@dataclass(frozen=True)
class Choice:
    value: object
    label: str
    key: str | None = None  # None: the next free key (the digit of its position, then letters)
    hint: str = ""  # what it means: shown while it is the focused row's choice


class ChoiceRow(Widget, can_focus=True):
    """A field: its name and choices, each with its key (a label's own, or the
    next free one); the keys or ←/→ choose. Focused, it shows the chosen
    choice's hint under the choices."""

    DEFAULT_CSS = """
    ChoiceRow { height: auto; padding: 0 1; }
    ChoiceRow:focus { background: $boost; }
    """
    BINDINGS = [
        Binding("left", "move(-1)", "Previous choice", show=False),
        Binding("right", "move(1)", "Next choice", show=False),
        Binding("backspace,delete", "clear", "Clear", show=False),
    ]
    selected: reactive[int | None] = reactive(None, layout=True)

    def __init__(self, field: str, title: str, choices: list[Choice], value: object = None,
                 required: bool = False, advance: bool = True, reserved: Iterable[str] = ()) -> None:
        super().__init__(id=f"field-{field.replace(':', '-')}")
        self.field = field
        self.advance = advance  # a key moves on to the next field
        self.title = title
        self.choices = choices
        self.keys = form_keys([c.key for c in choices], reserved)
        self.required = required
        index = next((i for i, c in enumerate(choices) if c.value == value), None)
        self.set_reactive(ChoiceRow.selected, index)

    @property
    def value(self) -> object:
        return None if self.selected is None else self.choices[self.selected].value

    @property
    def chosen(self) -> Choice | None:
        return None if self.selected is None else self.choices[self.selected]

    @property
    def hint(self) -> str:
        """The chosen choice's hint ("" with none)."""
        chosen = self.chosen
        return chosen.hint if chosen is not None else ""

    def render(self) -> Text | Group:
        """Up to ten choices on one line after the title (wrapped as words); more,
        in columns under it, each key beside its label; the hint under them."""
        if len(self.choices) > len(KEYS):
            return self._render_many()
        text = Text(no_wrap=False)
        text.append(f"{visible(self.title, limit=240)}: ", style="bold")
        for i, choice in enumerate(self.choices):
            key = self.keys[i] or " "
            style = "reverse bold" if i == self.selected else ""
            text.append(f" {key} ", style="dim")
            text.append(visible(choice.label, limit=60), style=style)
            text.append(" ")
        if self.selected is None:
            text.append(" (required)" if self.required else " (optional)", style="dim italic")
        elif self._hint_line():
            text.append("\n")
            text.append_text(self._hint_line())
        return text

    def _render_many(self) -> Group:
        title = Text(f"{visible(self.title, limit=240)}:", style="bold")
        if self.selected is None:
            title.append(" (required)" if self.required else " (optional)", style="dim italic")
        cells = []
        for i, choice in enumerate(self.choices):
            cell = Text(no_wrap=True, overflow="ellipsis")
            cell.append(f"{self.keys[i] or ' '} ", style="dim")
            cell.append(visible(choice.label, limit=40), style="reverse bold" if i == self.selected else "")
            cells.append(cell)
        parts = [title, Columns(cells, padding=(0, 2), equal=True)]
        if self._hint_line():
            parts.append(self._hint_line())
        return Group(*parts)

    def _hint_line(self) -> Text | None:
        """``  label: its hint`` while the row has the focus and a choice with a hint."""
        chosen = self.chosen
        if not (self.has_focus and chosen is not None and chosen.hint):
            return None
        line = Text(no_wrap=False)
        line.append(f"  {visible(chosen.label, limit=60)}: ", style="italic bold")
        line.append(visible(chosen.hint, limit=300), style="italic")
        return line

    def on_focus(self) -> None:
        self.refresh(layout=True)  # the hint line comes with the focus

    def on_blur(self) -> None:
        self.refresh(layout=True)

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
    """A label set's labels as a row's choices, each with its key and hint."""
    return [Choice(label.name, label.name, label.key, label.hint) for label in labels]
