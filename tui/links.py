"""Links across articles: the link form with suggestions, and the corroboration view."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from annotations.corroboration import Candidate, GroupRow, SourceRow  # what the desk gives these screens
from annotations.labels import DEFAULT
from corpus.text import visible
from tui.styles import LINK_COLOURS

RELATIONS = DEFAULT.links
STANCE = DEFAULT.stance


@dataclass
class LinkResult:
    candidate: Candidate
    label: str | None  # None: unlink
    note: str = ""


class LinkModal(ModalScreen[LinkResult | None]):
    """Link the claim to a claim or sentence of another article: ↑↓ choose, one
    key labels and saves (each relation's key: s same, p supports, x
    contradicts, e elaborates, r related; Enter: the first relation); d
    unlinks; Tab to write a note first."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        *[Binding(r.key, f"link('{r.name}')", r.name.capitalize()) for r in RELATIONS if r.key],
        Binding("d", "unlink", "Unlink"),
    ]

    def __init__(self, quote: str, title: str, candidates: list[Candidate]) -> None:
        super().__init__()
        self.quote = quote
        self.article_title = title
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        options = [Option(self._line(n, c), id=str(n)) for n, c in enumerate(self.candidates)]
        quote = visible(self.quote)
        quote = quote if len(quote) < 300 else quote[:297] + "…"
        with Vertical(classes="form results link-form"):
            yield Label(Text("Link this claim to another article"), classes="form-title")
            yield Static(Text(f"“{quote}”\n— {visible(self.article_title, limit=200)}"), classes="form-subject")
            if options:
                yield OptionList(*options, id="candidates")
            else:
                yield Static(Text("No similar sentence in the other articles of this event.", style="dim"))
            yield Input(placeholder="What differs: a number, a date, an actor (optional)", id="link-note")
            keys = " · ".join(f"{r.key} {r.name}" for r in RELATIONS if r.key)
            yield Label(Text(f"↑↓ choose · {keys} · Enter {RELATIONS.default} · d unlink · Tab: note first · "
                             "Esc cancels"), classes="form-hint")

    @staticmethod
    def _line(n: int, c: Candidate) -> Text:
        line = Text()
        line.append(f"{n + 1:>2} ", style="dim")
        if c.link_label:
            line.append(f"[{visible(c.link_label, limit=20)}] ", style=LINK_COLOURS.get(c.link_label, "bold"))
        line.append("claim " if c.claim_id else "sentence ", style="italic")
        line.append(f"{visible(c.title)[:40]} · {visible(c.source)[:30]}", style="bold")
        line.append(f"  {c.score:.2f}\n" if not c.link_id else "\n", style="dim")
        text = visible(c.text.replace("\n", " "))
        line.append("   " + (text if len(text) < 220 else text[:217] + "…") + "\n")
        if c.reasons:
            line.append("   " + visible(" · ".join(r for r in c.reasons if not r.startswith("numbers differ")), limit=300),
                        style="dim")
        if c.mismatch:
            line.append("  ⚠ " + visible(next((r for r in c.reasons if r.startswith("numbers differ")), ""), limit=200),
                        style="bold red")
        return line

    def on_mount(self) -> None:
        if self.candidates:
            self.query_one("#candidates", OptionList).focus()
            self.query_one("#candidates", OptionList).highlighted = 0
        else:
            self.query_one("#link-note", Input).focus()

    def _highlighted(self) -> Candidate | None:
        if not self.candidates:
            return None
        index = self.query_one("#candidates", OptionList).highlighted
        return self.candidates[index] if index is not None else None

    def action_link(self, label: str) -> None:
        candidate = self._highlighted()
        if candidate is None:
            self.notify("Nothing to link to.", severity="warning")
            return
        assert label in RELATIONS
        self.dismiss(LinkResult(candidate, label, self.query_one("#link-note", Input).value.strip()))

    def action_unlink(self) -> None:
        candidate = self._highlighted()
        if candidate is None or candidate.link_id is None:
            self.notify("That one is not linked.")
            return
        self.dismiss(LinkResult(candidate, None))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_link(RELATIONS.default)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_link(RELATIONS.default)

    def action_cancel(self) -> None:
        self.dismiss(None)


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


class CorroborationScreen(ModalScreen[tuple | None]):
    """Each claim group: who states it, who contradicts it, who is silent; each
    source: how many of its claims others back or contradict. Enter on a group
    jumps to its first claim; c edits its canonical wording."""

    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("c", "canonical", "Canonical wording"),
        *[Binding(s.key, f"stance('{s.name}')", s.name, show=False) for s in STANCE if s.key],
    ]

    def __init__(self, groups: list[GroupRow], sources: list[SourceRow], unlinked: int) -> None:
        super().__init__()
        self.groups = groups
        self.sources = sources
        self.unlinked = unlinked

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form corroboration"):
            yield Label(Text("Corroboration in this event"), classes="form-title")
            if not self.groups:
                yield Static(Text(f"No claim groups yet: link claims of different articles as "
                                  f"“{RELATIONS.groups[0]}” (k on a claim).", style="dim"))
            yield DataTable(id="groups", cursor_type="row", zebra_stripes=True)
            yield Static(Text("Sources", style="bold"))
            yield DataTable(id="sources", cursor_type="row", zebra_stripes=True)
            yield Label(Text(f"{self.unlinked} claim(s) in no group · Enter jumps to a group's claim · "
                             f"c edits its canonical wording · {STANCE.key_range()} sets its stance "
                             f"({', '.join(STANCE.names)}) · Tab switches table · Esc closes"), classes="form-hint")

    def on_mount(self) -> None:
        groups = self.query_one("#groups", DataTable)
        groups.add_columns("claim (canonical)", "stance", "stated by", "contradicted by", "silent", "⚠")
        for row in self.groups:
            canonical = visible(row.canonical)
            canonical = Text(canonical if len(canonical) < 46 else canonical[:45] + "…")  # a str would be markup

            def names(sources: list[str], width: int) -> str:
                text = visible(f"{len(sources)}: {', '.join(sources)}" if sources else "0")
                return text if len(text) <= width else text[:width - 1] + "…"

            groups.add_row(
                canonical, Text(visible(row.stance, limit=40)),
                Text(names(row.states, 34), style="green"),
                Text(names(row.contradicts, 24), style="red" if row.contradicts else "dim"),
                Text(str(len(row.silent)), style="dim"),
                Text(visible(row.mismatch, limit=80), style="bold red"),
                key=row.group_id,
            )
        sources = self.query_one("#sources", DataTable)
        sources.add_columns("source", "claims", "corroborated", "contradicted", "your rating")
        for row in self.sources:
            sources.add_row(Text(visible(row.source, limit=60)), row.claims, Text(str(row.corroborated), style="green"),
                            Text(str(row.contradicted), style="red" if row.contradicted else "dim"),
                            Text(row.rating) if row.rating else Text("not rated", style="dim"), key=row.source)
        groups.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "groups":
            return
        event.stop()
        row = next(r for r in self.groups if r.group_id == event.row_key.value)
        self.dismiss(("jump", *row.first))

    def _current(self) -> GroupRow | None:
        table = self.query_one("#groups", DataTable)
        if not self.groups or table.cursor_row is None:
            return None
        return self.groups[table.cursor_row]

    def action_canonical(self) -> None:
        row = self._current()
        if row is not None:
            self.dismiss(("canonical", row.group_id, row.canonical))

    def action_stance(self, stance: str) -> None:
        """A stance's key: the group's stance toward the event's (first) target."""
        row = self._current()
        if row is not None:
            self.dismiss(("stance", row.group_id, stance))

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["Candidate", "CorroborationScreen", "GroupRow", "LinkModal", "LinkResult", "SourceRow", "TextPrompt"]
