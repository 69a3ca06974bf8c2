"""The project's annotation guidelines (the scheme's ``[guidelines] file``),
shown as Markdown and scrolled to the section of the label in focus."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

from corpus.text import visible

NO_GUIDELINES = ('No guidelines in this project: add [guidelines] file = "guidelines.md" to the corpus\'s '
                 "factdesk.toml, then open it again.")


def shown_markdown(text: str) -> str:
    """Guidelines as the screen shows them: the same Markdown, line for line,
    with every control character, bidi override and separator made visible
    (tabs become four spaces first, so indented code stays indented)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4).split("\n")
    return "\n".join(visible(line) for line in lines)


def _as_word(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(name.casefold())}(?!\w)")


def section_for(headings: Sequence[tuple[int, str, str | None]], wanted: Iterable[str]) -> str | None:
    """The id of the heading of the first of ``wanted`` (label names, then
    set names) that has a section: a heading that is the name, else one that
    holds it as a word (``## REFUTES: the claim…``); None with none."""
    for name in (n for n in wanted if n and n.strip()):
        name = visible(name)
        exact = [h for h in headings if h[1].strip().casefold() == name.casefold()]
        word = _as_word(name)
        found = exact or [h for h in headings if word.search(h[1].casefold())]
        if found and found[0][2]:
            return found[0][2]
    return None


class GuidelinesScreen(ModalScreen[None]):
    """The guidelines (Markdown); ↑↓ pgup pgdn scroll; Esc, q or F1 closes."""

    DEFAULT_CSS = """
    GuidelinesScreen { align: center middle; }
    GuidelinesScreen .guidelines { max-width: 100; height: 90%; max-height: 90%; }
    GuidelinesScreen #guidelines-text { height: 1fr; }
    """
    BINDINGS = [Binding("escape,q,f1", "close", "Close")]

    def __init__(self, guidelines: str, wanted: Sequence[str] = (), name: str = "") -> None:
        super().__init__()
        self.markdown = shown_markdown(guidelines)
        self.wanted = tuple(wanted)  # label names (and set names) to scroll to, first found wins
        self.scheme_name = name
        self.section: str | None = None  # the heading scrolled to

    def compose(self) -> ComposeResult:
        title = "Guidelines" + (f" · {visible(self.scheme_name, limit=60)}" if self.scheme_name else "")
        with VerticalScroll(classes="form guidelines"):
            yield Label(Text(title), classes="form-title")
            with VerticalScroll(id="guidelines-text"):
                yield Markdown(self.markdown, open_links=False)
            yield Label(Text("↑↓ PgUp PgDn scroll · Esc, q or F1 closes"), classes="form-hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#guidelines-text", VerticalScroll))

    def on_markdown_table_of_contents_updated(self, event: Markdown.TableOfContentsUpdated) -> None:
        event.stop()
        self.section = section_for(event.table_of_contents or (), self.wanted)
        if self.section is not None:
            heading = self.query_one(f"#{self.section}")
            self.call_after_refresh(lambda: heading.scroll_visible(top=True, animate=False))

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """Links in the guidelines go to their sections; others are named, never opened."""
        event.stop()
        href = event.href
        if href.startswith("#") and event.markdown.goto_anchor(href[1:]):
            return
        self.notify(f"Link: {visible(href, limit=200)}")

    def action_close(self) -> None:
        self.dismiss(None)


def open_guidelines(app, scheme, wanted: Sequence[str] = ()) -> None:
    """F1: the scheme's guidelines at the section of ``wanted``; without
    guidelines, one line saying how to add them."""
    if not (scheme.guidelines or "").strip():
        app.notify(NO_GUIDELINES, severity="warning", timeout=10)
        return
    app.push_screen(GuidelinesScreen(scheme.guidelines, wanted, scheme.name if scheme.name != "default" else ""))
