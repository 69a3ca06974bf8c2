"""Corroboration: who states, contradicts or is silent on each claim group."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from annotations.corroboration import (  # what the desk gives these screens
    GroupRow,
    SourceRow,
)
from annotations.labels import DEFAULT
from corpus.text import visible
from tui.screens.results import Place

RELATIONS = DEFAULT.links


STANCE = DEFAULT.stance


@dataclass(frozen=True)
class GroupStance:
    """Set a claim group's stance (toward the event's first target)."""

    group_id: str
    stance: str


@dataclass(frozen=True)
class GroupWording:
    """Edit a claim group's canonical wording, starting from ``canonical``."""

    group_id: str
    canonical: str


class CorroborationScreen(ModalScreen[Place | GroupStance | GroupWording | None]):
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
        self.dismiss(Place(*row.first))

    def _current(self) -> GroupRow | None:
        table = self.query_one("#groups", DataTable)
        if not self.groups or table.cursor_row is None:
            return None
        return self.groups[table.cursor_row]

    def action_canonical(self) -> None:
        row = self._current()
        if row is not None:
            self.dismiss(GroupWording(row.group_id, row.canonical))

    def action_stance(self, stance: str) -> None:
        """A stance's key: the group's stance toward the event's (first) target."""
        row = self._current()
        if row is not None:
            self.dismiss(GroupStance(row.group_id, stance))

    def action_cancel(self) -> None:
        self.dismiss(None)
