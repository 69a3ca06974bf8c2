"""Corroboration: who states, contradicts or is silent on each claim group."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import new_class

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
from annotations.labels import DEFAULT, LabelScheme, LabelSet
from corpus.text import visible
from tui.screens.results import Place
from tui.widgets.choice_row import form_keys, key_range

RELATIONS = DEFAULT.links
STANCE = DEFAULT.stance
OWN_KEYS = "c"  # the view's own key (canonical wording): no stance gets it


def stance_keys(stances: LabelSet) -> list[tuple[str, str]]:
    """(key, stance) of each stance: its own key, else the next free one, never ``c``."""
    keys = form_keys([s.key for s in stances], OWN_KEYS)
    return [(key, s.name) for key, s in zip(keys, stances) if key]


def _bindings(stances: LabelSet) -> list[Binding]:
    return [
        Binding("escape", "cancel", "Close"),
        Binding("c", "canonical", "Canonical wording"),
        Binding("f1", "guidelines", "Guidelines"),
        *[Binding(key, f"stance({name!r})", visible(name, limit=30), show=False) for key, name in stance_keys(stances)],
    ]


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

    BINDINGS = _bindings(STANCE)  # the default scheme's; corroboration_view() gives another scheme's its own
    stances: LabelSet = STANCE

    def __init__(self, groups: list[GroupRow], sources: list[SourceRow], unlinked: int,
                 scheme: LabelScheme = DEFAULT) -> None:
        super().__init__()
        self.scheme = scheme
        self.groups = groups
        self.sources = sources
        self.unlinked = unlinked

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form corroboration"):
            yield Label(Text("Corroboration in this event"), classes="form-title")
            groups = self.scheme.links.groups
            if not self.groups:
                how = (f"link claims of different articles as “{visible(groups[0], limit=30)}” (k on a claim)"
                       if groups else "this project's link relations form no groups")
                yield Static(Text(f"No claim groups yet: {how}.", style="dim"))
            yield DataTable(id="groups", cursor_type="row", zebra_stripes=True)
            yield Static(Text("Sources", style="bold"))
            yield DataTable(id="sources", cursor_type="row", zebra_stripes=True)
            yield Label(Text(f"{self.unlinked} claim(s) in no group · Enter jumps to a group's claim · "
                             f"c edits its canonical wording · {key_range([k for k, _ in stance_keys(self.stances)])} "
                             f"sets its stance ({visible(', '.join(self.stances.names), limit=300)}) · "
                             "Tab switches table · Esc closes"), classes="form-hint")

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

    def action_guidelines(self) -> None:
        """F1: the guidelines, at the section of the group's stance (or of stance)."""
        from tui.screens.guidelines import open_guidelines

        row = self._current()
        open_guidelines(self.app, self.scheme, [*([row.stance] if row is not None and row.stance else []),
                                                "stance"])

    def action_cancel(self) -> None:
        self.dismiss(None)


@lru_cache(maxsize=16)
def _view_class(stances: LabelSet) -> type[CorroborationScreen]:
    """The corroboration view with the keys of ``stances`` (its bindings are the class's)."""
    if stances == STANCE:
        return CorroborationScreen
    return new_class("CorroborationScreen", (CorroborationScreen,), {"inherit_bindings": False},
                     lambda ns: ns.update(BINDINGS=_bindings(stances), stances=stances, __module__=__name__))


def corroboration_view(groups: list[GroupRow], sources: list[SourceRow], unlinked: int,
                       scheme: LabelScheme = DEFAULT) -> CorroborationScreen:
    """The corroboration view for ``scheme``'s stances and their keys."""
    return _view_class(scheme.stance)(groups, sources, unlinked, scheme)
