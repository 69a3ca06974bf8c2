"""The claim form: every field from the keyboard.

Each field is a row of choices, each with its key (a label's key, from the
project's scheme, :class:`annotations.labels.LabelScheme`: the digits 1, 2, …
0, then letters, see :mod:`tui.widgets.choice_row`). A key chooses in the
focused row (and moves on to the next), ←/→ move within it, Tab moves between
rows, Enter saves, ctrl+n saves and opens the form on the next sentence not
yet annotated, F1 shows the guidelines at the focused label, Esc cancels.
Stances come first, so ``c 1 Enter`` tags a claim with the first stance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from annotations.labels import (
    ATTRIBUTION,
    CONFIDENCE,
    DEFAULT,
    SPEAKER_KINDS,
    LabelScheme,
)
from corpus.text import visible
from tui.widgets.choice_row import KEYS, Choice, ChoiceRow, label_choices

SPEAKER_LABELS = DEFAULT.entities.speakers  # entities that can say a claim


MANY_TARGETS = 24  # more targets than this: the form finds them by their words instead of a row each
SHOWN_TARGETS = 50  # targets listed at a time by the finder


@dataclass
class ClaimFormResult:
    stances: dict[str, str]
    fields: dict
    next: bool = False  # save, then annotate the next sentence


def speaker_choices(text: str, entities, sentences, start: int, end: int, limit: int = 8,
                    speaker_labels: tuple[str, ...] = SPEAKER_LABELS) -> list[Choice]:
    """People, organisations, places and groups near the claim: those in its own
    sentence first, then in the sentences around it, each nearest the claim
    first; then the journalist and unattributed."""
    own = [(s, e) for s, e in sentences if s < end and e > start] or [(start, end)]
    window_start, window_end = start, end
    for i, (s, e) in enumerate(sentences):
        if s < end and e > start:
            window_start = min(window_start, sentences[max(0, i - 1)][0])
            window_end = max(window_end, sentences[min(len(sentences) - 1, i + 1)][1])
    own_start, own_end = own[0][0], own[-1][1]

    def rank(s: int, e: int) -> tuple[bool, int]:
        distance = start - e if e <= start else s - end if s >= end else 0
        return (not (s >= own_start and e <= own_end), max(distance, 0))

    near = sorted(
        (*rank(s, e), s, e, label)
        for s, e, label in entities
        if label in speaker_labels and s >= window_start and e <= window_end
    )
    seen, choices = set(), []
    for _, _, s, e, label in near:
        name = text[s:e]
        if name.casefold() in seen:
            continue
        seen.add(name.casefold())
        choices.append(Choice({"kind": "entity", "text": name, "start": s, "end": e, "label": label}, name))
        if len(choices) == limit:
            break
    return choices + [Choice({"kind": kind}, kind) for kind in SPEAKER_KINDS.names]


class ClaimForm(ModalScreen[ClaimFormResult | None]):
    """Tag a claim: stance toward each target, type, check-worthiness, speaker,
    attribution, confidence and a note."""

    # Not priority bindings: a key goes to the focused row or the note first
    # (keys typed ahead one at a time, see tui/typeahead.py), and only what they
    # leave comes back up to these.
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "save", "Save"),
        Binding("ctrl+n", "save_next", "Save, next sentence"),
        Binding("f1", "guidelines", "Guidelines"),
    ]

    def __init__(self, quote: str, targets: list[dict], speakers: list[Choice], claim: dict | None = None,
                 save: Callable[[ClaimFormResult], bool] | None = None, scheme: LabelScheme = DEFAULT) -> None:
        super().__init__()
        self.scheme = scheme  # the project's labels: desk.scheme
        quote = visible(quote)
        self.quote = quote if len(quote) <= 300 else quote[:297] + "…"
        self.targets = targets
        self.speakers = speakers
        self.claim = claim or {}
        self.save = save  # saves the result; False: not saved, the form stays open with what was typed

    def compose(self) -> ComposeResult:
        stances = self.claim.get("stances", {})
        scheme = self.scheme
        with VerticalScroll(classes="form claim-form"):
            yield Label(Text("Edit claim" if self.claim else "New claim"), classes="form-title")
            yield Static(Text(f"“{self.quote}”"), classes="form-subject")
            if len(self.targets) <= MANY_TARGETS:
                for target in self.targets:
                    yield self._stance_row(target, stances.get(target["id"]))
            else:  # an event with thousands of targets: the reader finds the ones this claim is about
                for target in self.targets:
                    if target["id"] in stances:
                        yield self._stance_row(target, stances[target["id"]])
                yield Input(placeholder=f"Find a target among {len(self.targets):,}: type words, Enter adds "
                                        "its stance row (empty: Enter saves)", id="target-find")
                yield OptionList(id="target-options")
            yield ChoiceRow("claim_type", "Type", label_choices(scheme.claim_type), self.claim.get("claim_type"))
            yield ChoiceRow("checkworthiness", "Check-worthiness", label_choices(scheme.checkworthiness),
                            self.claim.get("checkworthiness"))
            speaker = self.claim.get("speaker")
            speaker = speaker if isinstance(speaker, dict) else None
            speakers = list(self.speakers)
            if speaker and all(c.value != speaker for c in speakers):
                speakers.insert(0, Choice(speaker, str(speaker.get("text") or speaker.get("kind") or "?")))
            yield ChoiceRow("speaker", "Speaker", speakers, speaker)
            yield ChoiceRow("attribution", "How", label_choices(ATTRIBUTION), self.claim.get("attribution"))
            yield ChoiceRow("confidence", "Confidence", label_choices(CONFIDENCE), self.claim.get("confidence"))
            yield Input(value=visible(self.claim.get("note") or ""), placeholder="Note (optional)", id="note")
            many = max(len(scheme.stance), len(scheme.claim_type), len(scheme.checkworthiness)) > len(KEYS)
            keys = "keys choose" if many else "digits choose"
            guide = " · F1 guidelines" if scheme.guidelines.strip() else ""
            yield Label(Text(f"{keys} · Tab next · Enter saves · ctrl+n saves, next sentence{guide} · Esc cancels"),
                        classes="form-hint")

    def _stance_row(self, target: dict, value) -> ChoiceRow:
        scheme = self.scheme
        return ChoiceRow(f"stance:{target['id']}", f"Stance toward “{visible(target['text'], limit=200)}”",
                         label_choices(scheme.stance), value, required=scheme.stance.required)

    def on_mount(self) -> None:
        # set_focus, at once: focus() would move it only after the messages
        # already queued, behind keys typed ahead that need it
        if self.query("#target-find") and not any(r.field.startswith("stance:") for r in self.query(ChoiceRow)):
            self._find_targets("")
            self.set_focus(self.query_one("#target-find", Input))
            return
        self.set_focus(self.query(ChoiceRow).first())

    # -- many targets: find them by their words ---------------------------------

    def _find_targets(self, typed: str) -> None:
        """At most :data:`SHOWN_TARGETS` targets holding every word typed, not yet in the form."""
        from tui.screens.targets import targets_with_words

        have = frozenset(r.field.split(":", 1)[1] for r in self.query(ChoiceRow) if r.field.startswith("stance:"))
        found = list(islice(targets_with_words(self.targets, typed, have), SHOWN_TARGETS))
        options = self.query_one("#target-options", OptionList)
        options.clear_options()
        options.add_options([Option(Text(visible(t["text"], limit=200)), id=t["id"]) for t in found])
        if found:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "target-find":
            event.stop()
            self._find_targets(event.value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._add_target(event.option.id)

    def _add_target(self, target_id: str | None) -> None:
        target = next((t for t in self.targets if t["id"] == target_id), None)
        if target is None:
            return
        row = self._stance_row(target, None)
        self.query_one(VerticalScroll).mount(row, before=self.query_one("#target-find", Input))
        self.query_one("#target-find", Input).value = ""
        self.set_focus(row)

    def on_key(self, event: events.Key) -> None:
        """A choice's key that reached the screen itself (typed before the first
        row had focus) answers the focused row, or the first one."""
        if isinstance(self.focused, Input):
            return
        row = self.focused if isinstance(self.focused, ChoiceRow) else self.query(ChoiceRow).first()
        if row.takes(event.character):
            self.set_focus(row)  # at once: the row moves the focus on from itself
            row.on_key(event)

    def _result(self, next_: bool) -> ClaimFormResult | None:
        rows = {row.field: row for row in self.query(ChoiceRow)}
        missing = [r.title for r in rows.values() if r.required and r.value is None]
        if self.query("#target-find") and not any(f.startswith("stance:") for f in rows) and self.scheme.stance.required:
            self.notify("Find a target (type its words) and give the claim's stance toward it.", severity="warning")
            self.set_focus(self.query_one("#target-find", Input))
            return None
        if missing:
            self.notify(f"Choose: {', '.join(missing)}", severity="warning")
            self.set_focus(rows[next(f for f, r in rows.items() if r.required and r.value is None)])
            return None
        stances = {f.split(":", 1)[1]: r.value for f, r in rows.items() if f.startswith("stance:")}
        fields = {f: r.value for f, r in rows.items() if not f.startswith("stance:")}
        note = self.query_one("#note", Input).value.strip()
        fields["note"] = note or None
        return ClaimFormResult(stances, fields, next_)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter in the note saves, as everywhere in the form
        if event.input.id == "target-find" and event.value.strip():  # adds the highlighted target
            option = self.query_one("#target-options", OptionList).highlighted_option
            self._add_target(option.id if option is not None else None)
            return
        self.action_save()

    def _finish(self, next_: bool) -> None:
        """Close on a result that is saved; one that is not stays in the form."""
        result = self._result(next_)
        if result is not None and (self.save is None or self.save(result)):
            self.dismiss(result)

    def action_save(self) -> None:
        self._finish(False)

    def action_save_next(self) -> None:
        self._finish(True)

    def action_guidelines(self) -> None:
        """F1: the guidelines, at the section of the focused row's label (or of its set)."""
        from tui.screens.guidelines import open_guidelines

        open_guidelines(self.app, self.scheme, focused_labels(self.focused))

    def action_cancel(self) -> None:
        self.dismiss(None)


def focused_labels(widget) -> list[str]:
    """What F1 looks for in the guidelines from a form's focused widget: the
    focused row's chosen label, then the name of its set (``stance`` for the
    stance rows, ``claim type``, ``check-worthiness``…)."""
    if not isinstance(widget, ChoiceRow):
        return []
    chosen = widget.chosen
    return [*([chosen.label] if chosen is not None else []), widget.field.split(":", 1)[0].replace("_", " "),
            widget.title.split(" toward ", 1)[0]]
