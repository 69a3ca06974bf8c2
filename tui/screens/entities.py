"""The event's entities by frequency (focus one, merge two), and the entity label form."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from annotations.labels import DEFAULT
from corpus.text import visible


@dataclass(frozen=True)
class EntityChoice:
    """``focus`` one entity group (``keys``: one), or ``merge`` two."""

    action: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class EntityLabel:
    """The label chosen (None: not an entity), and whether for every identical mention."""

    label: str | None
    everywhere: bool


class EntitiesModal(ModalScreen[EntityChoice | None]):
    """The event's entities by frequency. Enter focuses one; m on one row, then m
    on another, merges the two groups."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("m", "merge", "Merge")]

    def __init__(self, rows: list[tuple[str, str, int, int]]) -> None:
        super().__init__()
        self.rows = rows
        self.marked: str | None = None

    def compose(self) -> ComposeResult:
        options = []
        for key, text, mentions, articles in self.rows:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{mentions:>4} ", style="bold")
            line.append(f"in {articles:>2} article(s)  ")
            line.append(visible(text, limit=80), style="bold")
            line.append(f"  {visible(key.split(':', 1)[0], limit=20)}", style="dim")
            options.append(Option(line, id=key))
        with Vertical(classes="form results"):
            yield Label(Text(f"{len(self.rows)} entities in this event"), classes="form-title")
            yield OptionList(*options, id="entities")
            yield Label(Text("Enter highlights it everywhere · m then m on another merges them · Esc closes"),
                        classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#entities", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(EntityChoice("focus", (event.option.id,)))

    def action_merge(self) -> None:
        option = self.query_one("#entities", OptionList).highlighted_option
        if option is None:
            return
        if self.marked is None or self.marked == option.id:
            self.marked = option.id
            self.notify("Now m on the entity to merge it with.")
            return
        self.dismiss(EntityChoice("merge", (self.marked, option.id)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class EntityLabelModal(ModalScreen[EntityLabel | None]):
    """Pick an entity label (digits for the common ones, 0: not an entity);
    a toggles applying it to every identical mention in the event."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("a", "toggle_all", "Every mention")]

    def __init__(self, quote: str, current: str | None) -> None:
        super().__init__()
        self.quote = quote
        self.current = current
        self.everywhere = False

    def compose(self) -> ComposeResult:
        self.labels: list[str | None] = [None, *DEFAULT.entities.names]
        options = [Option(Text("0  not an entity"), id="-")]
        for label in DEFAULT.entities:
            options.append(Option(Text(f"{label.key or ' '}  {label.name}"), id=label.name))
        with Vertical(classes="form"):
            yield Label(Text("Entity label"), classes="form-title")
            yield Static(Text(f"“{visible(self.quote, limit=300)}”" + (f" — now {self.current}" if self.current else "")),
                         classes="form-subject")
            yield OptionList(*options, id="labels")
            yield Static(id="everywhere")
            yield Label(Text("0–9 or ↑↓ Enter choose · a: every identical mention in the event · Esc cancels"),
                        classes="form-hint")

    def on_mount(self) -> None:
        options = self.query_one("#labels", OptionList)
        if self.current in self.labels:
            options.highlighted = self.labels.index(self.current)
        options.focus()
        self._show_everywhere()

    def _show_everywhere(self) -> None:
        mark = "[x]" if self.everywhere else "[ ]"
        self.query_one("#everywhere", Static).update(Text(f"{mark} apply to every identical mention (a)"))

    def action_toggle_all(self) -> None:
        self.everywhere = not self.everywhere
        self._show_everywhere()

    def on_key(self, event) -> None:
        label = DEFAULT.entities.by_key(event.character) if event.character else None
        if label is not None or event.character == "0":
            event.stop()
            self.dismiss(EntityLabel(label.name if label else None, self.everywhere))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(EntityLabel(None if event.option.id == "-" else event.option.id, self.everywhere))

    def action_cancel(self) -> None:
        self.dismiss(None)
