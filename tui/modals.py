"""Small modal screens: reliability, search results, entities, targets, help."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from annotations.labels import DEFAULT
from corpus.text import visible


@dataclass(frozen=True)
class RatingResult:
    label: str
    note: str
    codes: tuple[str, ...] = ()


class ReliabilityModal(ModalScreen[RatingResult | None]):
    """Rate an article or a source: a label by number key, rationale codes to
    tick with space, an optional note; Enter saves."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("enter", "save", "Save")]

    def __init__(self, title: str, source: str, current: dict | None = None, what: str = "article",
                 signal: str = "", save=None) -> None:
        super().__init__()
        self.save = save  # saves the result; False: not saved, the form stays open with what was chosen
        self.signal = signal
        self.article_title = title
        self.source = source
        self.current = current or {}
        self.what = what

    def compose(self) -> ComposeResult:
        from textual.widgets import SelectionList

        from tui.claim_form import ChoiceRow, label_choices

        heading = "Reliability of this article" if self.what == "article" else "Reliability of this source"
        title, source = visible(self.article_title, limit=300), visible(self.source, limit=200)
        subject = f"{title}\nSource: {source or 'unknown'}" if self.what == "article" \
            else f"{source} (every article of it shows this rating)"
        chosen = set(self.current.get("rationale_codes") or ())
        scale = DEFAULT.reliability
        with VerticalScroll(classes="form"):
            yield Label(Text(heading), classes="form-title")
            yield Static(Text(subject), classes="form-subject")
            if self.signal:
                yield Static(Text(visible(self.signal), style="italic cyan"), classes="form-subject")
            yield ChoiceRow("label", "Label", label_choices(scale), self.current.get("label"),
                            required=scale.required, advance=False)
            yield SelectionList(*[(code.replace("-", " "), code, code in chosen) for code in scale.reasons.names],
                                id="codes")
            yield Input(value=visible(self.current.get("note") or ""), placeholder="Note (optional)", id="note")
            yield Label(Text(f"{scale.key_range()} label · Tab to the reasons, space ticks one · Tab to the note · "
                             "Enter saves"), classes="form-hint")

    def on_mount(self) -> None:
        from tui.claim_form import ChoiceRow

        self.query_one(ChoiceRow).focus()

    def on_key(self, event) -> None:
        """A label's key that reached the screen before the label row had focus."""
        from tui.claim_form import ChoiceRow

        row = self.query_one(ChoiceRow)
        if row.takes(event.character) and not isinstance(self.focused, Input):
            row.focus()
            row.on_key(event)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter in the note saves
        self.action_save()

    def action_save(self) -> None:
        from textual.widgets import SelectionList

        from tui.claim_form import ChoiceRow

        row = self.query_one(ChoiceRow)
        if row.value is None:
            keys = ", ".join(f"{label.key} {label.name}" for label in DEFAULT.reliability)
            self.notify(f"Choose a label: {keys}.", severity="warning")
            row.focus()
            return
        codes = tuple(self.query_one("#codes", SelectionList).selected)
        result = RatingResult(row.value, self.query_one("#note", Input).value.strip(), codes)
        if self.save is None or self.save(result):  # not saved: the form stays open
            self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """The keys, grouped by what they do."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Text()
        for key, description in self.rows:
            table.append(f"{visible(key):>18}  ", style="bold")
            table.append(f"{visible(description)}\n")
        with VerticalScroll(classes="form help"):
            yield Label(Text("factdesk keys"), classes="form-title")
            yield Static(table)
            yield Label(Text("Esc, q or ? closes"), classes="form-hint")

    def action_close(self) -> None:
        self.dismiss(None)


class ResultsModal(ModalScreen[tuple | None]):
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
        self.dismiss((article_id, int(start), int(end)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class EntitiesModal(ModalScreen[tuple | None]):
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
        self.dismiss(("focus", (event.option.id,)))

    def action_merge(self) -> None:
        option = self.query_one("#entities", OptionList).highlighted_option
        if option is None:
            return
        if self.marked is None or self.marked == option.id:
            self.marked = option.id
            self.notify("Now m on the entity to merge it with.")
            return
        self.dismiss(("merge", (self.marked, option.id)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class EntityLabelModal(ModalScreen[tuple | None]):
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
            self.dismiss((label.name if label else None, self.everywhere))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss((None if event.option.id == "-" else event.option.id, self.everywhere))

    def action_cancel(self) -> None:
        self.dismiss(None)


class TargetsModal(ModalScreen[tuple | None]):
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
            self.dismiss((self.editing, event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
