"""The rating form: a reliability label for an article or its source, reasons ticked, a note."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from annotations.labels import DEFAULT, LabelScheme
from corpus.text import visible
from tui.widgets.choice_row import ChoiceRow, key_range


@dataclass(frozen=True)
class RatingResult:
    label: str
    note: str
    codes: tuple[str, ...] = ()


class ReliabilityModal(ModalScreen[RatingResult | None]):
    """Rate an article or a source: a label by its key (the scheme's
    reliability scale), its reasons to tick with space, an optional note;
    Enter saves, F1 shows the guidelines at the chosen label."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("enter", "save", "Save"),
                Binding("f1", "guidelines", "Guidelines")]

    def __init__(self, title: str, source: str, current: dict | None = None, what: str = "article",
                 signal: str = "", save=None, scheme: LabelScheme = DEFAULT) -> None:
        super().__init__()
        self.scheme = scheme  # the project's labels: desk.scheme
        self.save = save  # saves the result; False: not saved, the form stays open with what was chosen
        self.signal = signal
        self.article_title = title
        self.source = source
        self.current = current or {}
        self.what = what

    def compose(self) -> ComposeResult:
        from textual.widgets import SelectionList

        from tui.widgets.choice_row import label_choices

        heading = "Reliability of this article" if self.what == "article" else "Reliability of this source"
        title, source = visible(self.article_title, limit=300), visible(self.source, limit=200)
        subject = f"{title}\nSource: {source or 'unknown'}" if self.what == "article" \
            else f"{source} (every article of it shows this rating)"
        chosen = set(self.current.get("rationale_codes") or ())
        scale = self.scheme.reliability
        reasons = scale.reasons.labels if scale.reasons is not None else ()
        with VerticalScroll(classes="form"):
            yield Label(Text(heading), classes="form-title")
            yield Static(Text(subject), classes="form-subject")
            if self.signal:
                yield Static(Text(visible(self.signal), style="italic cyan"), classes="form-subject")
            row = ChoiceRow("label", "Label", label_choices(scale), self.current.get("label"),
                            required=scale.required, advance=False)
            yield row
            yield SelectionList(*[(Text(visible(code.name.replace("-", " "), limit=80)), code.name,
                                   code.name in chosen) for code in reasons], id="codes")
            yield Input(value=visible(self.current.get("note") or ""), placeholder="Note (optional)", id="note")
            ticks = "Tab to the reasons, space ticks one · " if reasons else ""
            guide = " · F1 guidelines" if self.scheme.guidelines.strip() else ""
            yield Label(Text(f"{key_range(row.keys)} label · {ticks}Tab to the note · Enter saves{guide}"),
                        classes="form-hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(ChoiceRow))  # at once, not behind the keys queued (as focus() would)

    def on_key(self, event) -> None:
        """A label's key that reached the screen before the label row had focus."""
        row = self.query_one(ChoiceRow)
        if row.takes(event.character) and not isinstance(self.focused, Input):
            self.set_focus(row)
            row.on_key(event)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter in the note saves
        self.action_save()

    def action_save(self) -> None:
        from textual.widgets import SelectionList

        row = self.query_one(ChoiceRow)
        if row.value is None:
            keys = ", ".join(f"{key} {visible(choice.label, limit=40)}" for key, choice in zip(row.keys, row.choices))
            self.notify(f"Choose a label: {keys}.", severity="warning")
            self.set_focus(row)
            return
        codes = tuple(self.query_one("#codes", SelectionList).selected)
        result = RatingResult(row.value, self.query_one("#note", Input).value.strip(), codes)
        if self.save is None or self.save(result):  # not saved: the form stays open
            self.dismiss(result)

    def action_guidelines(self) -> None:
        """F1: the guidelines, at the section of the chosen label (or of reliability)."""
        from tui.screens.guidelines import open_guidelines

        chosen = self.query_one(ChoiceRow).chosen
        open_guidelines(self.app, self.scheme, [*([chosen.label] if chosen else []), "reliability"])

    def action_cancel(self) -> None:
        self.dismiss(None)
