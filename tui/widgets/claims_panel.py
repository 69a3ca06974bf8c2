"""The claims panel (the focused article's claims, or the event's) and the legend under the columns."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotations.labels import DEFAULT, EntityLabels
from corpus.text import visible
from tui.styles import (
    CLAIM_STYLE,
    LINKED_STYLE,
    NOISE_STYLE,
    entity_style,
)


class ClaimsPanel(Vertical):
    """The focused article's claims (or the event's); Enter on one posts
    :class:`ClaimsPanel.Chosen`, and the screen shows it in its article."""

    class Chosen(Message):
        """The reader chose a claim in the panel (Enter, or a click)."""

        def __init__(self, claim_id: str) -> None:
            super().__init__()
            self.claim_id = claim_id

    @property
    def highlighted_claim_id(self) -> str | None:
        """The claim highlighted in the list, if any."""
        option = self.query_one("#claims-list", OptionList).highlighted_option
        return option.id if option is not None and option.id else None

    @on(OptionList.OptionSelected, "#claims-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))

    def compose(self) -> ComposeResult:
        yield Static(Text("Claims", style="bold"), id="claims-title")
        yield OptionList(id="claims-list")

    def on_descendant_focus(self) -> None:
        options = self.query_one("#claims-list", OptionList)
        if options.highlighted is None and options.option_count and not options.get_option_at_index(0).disabled:
            options.highlighted = 0

    def show(self, title: str, claims: list[dict], targets: list[dict], links: dict[str, int] | None = None) -> None:
        self.query_one("#claims-title", Static).update(Text(f"Claims · {visible(title, limit=300)}", style="bold",
                                                            no_wrap=True, overflow="ellipsis"))
        options = self.query_one("#claims-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for claim in claims:
            line = Text()
            stances = claim.get("stances", {})
            line.append(visible(", ".join(stances.get(t["id"], "—") for t in targets), limit=80) or "—", style="bold")
            if links and links.get(claim["id"]):
                line.append(f" ⇄{links[claim['id']]}", style="bold cyan")
            line.append("  ")
            quote = visible(claim["quote"].replace("\n", " "))
            line.append(quote if len(quote) < 160 else quote[:157] + "…")
            options.add_option(Option(line, id=claim["id"]))
        if claims:
            options.highlighted = min(highlighted or 0, len(claims) - 1)
        else:
            options.add_option(Option(Text("No claims yet: select text, press c", style="dim"), disabled=True))


def legend(entities: EntityLabels = DEFAULT.entities) -> Text:
    """The colours of the scheme's legend labels (its first eight labels when
    it names none), the claim, the linked claim and noise."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for label in entities.legend or entities.names[:8]:
        text.append(f" {visible(label, limit=30)} ", style=entity_style(label, entities))
    text.append(" ")
    text.append(" claim ", style=CLAIM_STYLE)
    text.append(" ")
    text.append(" linked claim ", style=LINKED_STYLE)
    text.append(" ")
    text.append(" noise ", style=NOISE_STYLE)
    return text
