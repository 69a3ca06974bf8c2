"""The link form: suggested counterparts of a claim in the other articles, and the relation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import new_class

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from annotations.corroboration import (  # what the desk gives these screens
    Candidate,
)
from annotations.labels import DEFAULT, LabelScheme, LinkRelations
from corpus.text import visible
from tui.styles import label_style
from tui.widgets.choice_row import form_keys

RELATIONS = DEFAULT.links
OWN_KEYS = "d"  # the form's own key (unlink): no relation gets it


def relation_keys(relations: LinkRelations) -> list[tuple[str, str]]:
    """(key, relation) of each relation: its own key, else the next free one
    (digits, then letters), never the form's own ``d``."""
    keys = form_keys([r.key for r in relations], OWN_KEYS)
    return [(key, r.name) for key, r in zip(keys, relations) if key]


def _bindings(relations: LinkRelations) -> list[Binding]:
    return [
        Binding("escape", "cancel", "Cancel"),
        *[Binding(key, f"link({name!r})", visible(name, limit=30).capitalize()) for key, name in relation_keys(relations)],
        Binding("d", "unlink", "Unlink"),
        Binding("f1", "guidelines", "Guidelines"),
    ]


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

    BINDINGS = _bindings(RELATIONS)  # the default scheme's; link_form() gives another scheme's its own
    relations: LinkRelations = RELATIONS

    def __init__(self, quote: str, title: str, candidates: list[Candidate], scheme: LabelScheme = DEFAULT) -> None:
        super().__init__()
        self.scheme = scheme
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
            keys = " · ".join(f"{key} {visible(name, limit=30)}" for key, name in relation_keys(self.relations))
            yield Label(Text(f"↑↓ choose · {keys} · Enter {visible(self.relations.default, limit=30)} · d unlink · "
                             "Tab: note first · Esc cancels"), classes="form-hint")

    def _line(self, n: int, c: Candidate) -> Text:
        line = Text()
        line.append(f"{n + 1:>2} ", style="dim")
        if c.link_label:
            line.append(f"[{visible(c.link_label, limit=20)}] ", style=label_style(self.relations, c.link_label))
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
        assert label in self.relations
        self.dismiss(LinkResult(candidate, label, self.query_one("#link-note", Input).value.strip()))

    def action_unlink(self) -> None:
        candidate = self._highlighted()
        if candidate is None or candidate.link_id is None:
            self.notify("That one is not linked.")
            return
        self.dismiss(LinkResult(candidate, None))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_link(self.relations.default)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_link(self.relations.default)

    def action_guidelines(self) -> None:
        """F1: the guidelines, at the section of the highlighted one's relation (or of links)."""
        from tui.screens.guidelines import open_guidelines

        candidate = self._highlighted()
        open_guidelines(self.app, self.scheme, [*([candidate.link_label] if candidate and candidate.link_label
                                                  else []), "links"])

    def action_cancel(self) -> None:
        self.dismiss(None)


@lru_cache(maxsize=16)
def _form_class(relations: LinkRelations) -> type[LinkModal]:
    """The link form with the keys of ``relations`` (its bindings are the class's)."""
    if relations == RELATIONS:
        return LinkModal
    return new_class("LinkModal", (LinkModal,), {"inherit_bindings": False},
                     lambda ns: ns.update(BINDINGS=_bindings(relations), relations=relations,
                                          __module__=__name__))


def link_form(quote: str, title: str, candidates: list[Candidate], scheme: LabelScheme = DEFAULT) -> LinkModal:
    """The link form for ``scheme``'s relations and their keys."""
    return _form_class(scheme.links)(quote, title, candidates, scheme)
