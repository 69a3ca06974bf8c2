"""The event's entities by frequency (focus one, merge two), and the entity label form."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from annotations.labels import DEFAULT, LabelScheme
from corpus.text import visible
from tui.widgets.choice_row import form_keys
from tui.widgets.window_list import fill, finder_keys, with_words

# the label form's own keys, never a label's: 0 not an entity, a every mention, m
# (kept as annotations.labels keeps it for entities: the merge key of the list)
OWN_KEYS = "0am"


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
    on another, merges the two groups. Typing words narrows the list to the
    entities holding them (in their text or label): an event may have 20,000,
    of which :data:`~tui.widgets.window_list.SHOWN` are built at a time."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("m", "merge", "Merge")]

    def __init__(self, rows: list[tuple[str, str, int, int]]) -> None:
        super().__init__()
        self.rows = rows
        self.marked: str | None = None
        # what typing narrows by: the entity's text and its label, casefolded once
        self._haystacks = {row[0]: f"{row[1]} {row[0].split(':', 1)[0]}".casefold() for row in rows}

    def compose(self) -> ComposeResult:
        with Vertical(classes="form results"):
            yield Label(Text(f"{len(self.rows):,} entities in this event"), classes="form-title")
            yield Input(placeholder="Type words to find entities (text or label); ↓ goes to the list",
                        id="entity-find", select_on_focus=False)
            yield OptionList(id="entities")
            yield Label(id="entities-count", classes="form-hint")
            yield Label(Text("Enter highlights it everywhere · m then m on another merges them · letters typed on "
                             "the list find entities (/ first for a word starting with m) · Esc closes"),
                        classes="form-hint")

    def on_mount(self) -> None:
        self._show("")
        self.query_one("#entities", OptionList).focus()

    @staticmethod
    def _option(row: tuple[str, str, int, int]) -> Option:
        key, text, mentions, articles = row
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{mentions:>4} ", style="bold")
        line.append(f"in {articles:>2} article(s)  ")
        line.append(visible(text, limit=80), style="bold")
        line.append(f"  {visible(key.split(':', 1)[0], limit=20)}", style="dim")
        return Option(line, id=key)

    def _show(self, typed: str) -> None:
        matching = with_words(self.rows, lambda row: self._haystacks[row[0]], typed)
        fill(self.query_one("#entities", OptionList), self.query_one("#entities-count", Label), matching,
             self._option, hint="type words to narrow the list")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the finder: the first entity found."""
        event.stop()
        option = self.query_one("#entities", OptionList).highlighted_option
        if option is not None:
            self.dismiss(EntityChoice("focus", (option.id,)))

    def on_key(self, event: events.Key) -> None:
        finder = self.query_one("#entity-find", Input)
        if event.key == "slash" and self.focused is not finder:  # for a word that starts with m (merge)
            event.stop()
            event.prevent_default()
            finder.focus()
            return
        finder_keys(self, event, finder, self.query_one("#entities", OptionList))

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
    """Pick an entity label of the scheme by its key (its own: 1–9 for the
    common ones; then letters, shown before each), 0: not an entity; a toggles
    applying it to every identical mention in the event; F1 the guidelines."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("a", "toggle_all", "Every mention"),
                Binding("f1", "guidelines", "Guidelines")]

    def __init__(self, quote: str, current: str | None, scheme: LabelScheme = DEFAULT) -> None:
        super().__init__()
        self.scheme = scheme  # the project's labels: desk.scheme
        entities = scheme.entities
        self.keys = dict(zip(form_keys([label.key for label in entities], OWN_KEYS), entities.names))
        self.keys.pop(None, None)
        self.quote = quote
        self.current = current
        self.everywhere = False

    def compose(self) -> ComposeResult:
        entities = self.scheme.entities
        self.labels: list[str | None] = [None, *entities.names]
        key_of = {name: key for key, name in self.keys.items()}
        options = [Option(Text("0  not an entity"), id="-")]
        for n, label in enumerate(entities):
            line = Text(f"{key_of.get(label.name, ' ')}  {visible(label.name, limit=60)}")
            if label.hint:
                line.append(f"  {visible(label.hint, limit=100)}", style="dim")
            options.append(Option(line, id=f"label-{n}"))
        now = f" — now {visible(self.current, limit=60)}" if self.current else ""
        keys = "0–9" if len(self.keys) <= 9 else "0–9, letters"
        with Vertical(classes="form"):
            yield Label(Text("Entity label"), classes="form-title")
            yield Static(Text(f"“{visible(self.quote, limit=300)}”{now}"), classes="form-subject")
            yield OptionList(*options, id="labels")
            yield Static(id="everywhere")
            yield Label(Text(f"{keys} or ↑↓ Enter choose · a: every identical mention in the event · F1 guidelines · "
                             "Esc cancels"), classes="form-hint")

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
        label = self.keys.get(event.character) if event.character else None
        if label is not None or event.character == "0":
            event.stop()
            self.dismiss(EntityLabel(label, self.everywhere))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(EntityLabel(self.labels[event.option_index], self.everywhere))

    def action_guidelines(self) -> None:
        """F1: the guidelines, at the section of the highlighted label (or of entities)."""
        from tui.screens.guidelines import open_guidelines

        index = self.query_one("#labels", OptionList).highlighted
        label = self.labels[index] if index is not None else None
        open_guidelines(self.app, self.scheme, [*([label] if label else []), "entities"])

    def action_cancel(self) -> None:
        self.dismiss(None)
