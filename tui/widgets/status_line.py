"""The status line and the strip of tabs: each shows one value, a reactive
attribute the main screen sets; Textual renders again only when it changes."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from corpus.text import visible


@dataclass(frozen=True)
class Status:
    """What the status line says: the event's counts, the window shown, the
    focused article's progress and the work still running."""

    articles: int
    first: int  # the first and last article shown, from 1
    last: int
    claims: int
    rated: int
    model: str
    target: str = ""
    progress: tuple[int, int] | None = None  # sentences with a claim / all, in the focused article
    analysing: int = 0
    read_only: bool = False
    review: int = 0  # claims waiting for review after their article changed
    review_key: str = "V"
    noise_folded: bool = False  # h: the lines that are only noise are folded away


class StatusLine(Widget):
    status: reactive[Status | None] = reactive(None)

    def render(self) -> Text:
        status = self.status
        line = Text(no_wrap=True, overflow="ellipsis")
        if status is None:
            return line
        if status.read_only:
            line.append(" READ-ONLY ", style="bold reverse")
        line.append(f" {status.articles} articles", style="bold")
        line.append(f" · showing {status.first}–{status.last} · {status.claims} claims · {status.rated} rated"
                    f" · model {status.model}")
        if status.noise_folded:
            line.append(" · noise lines folded (h shows them)", style="italic")
        if status.progress:
            line.append(f" · this article: {status.progress[0]}/{status.progress[1]} sentences", style="bold")
        if status.analysing:
            line.append(f" · analysing {status.analysing} article(s)…", style="italic")
        if status.review:
            line.append(f" · {status.review} claim{'s' if status.review > 1 else ''} to review "
                        f"({visible(status.review_key, limit=20)})", style="bold yellow")
        line.append(f" · target: {visible(status.target, limit=300)}", style="dim")
        return line


class TabStrip(Widget):
    """With one column, a tab per article ([ and ] switch); ``current`` is the one shown."""

    current: reactive[int] = reactive(0)

    def __init__(self, titles: list[str], id: str | None = None) -> None:
        super().__init__(id=id)
        self.titles = [visible(title) for title in titles]

    def render(self) -> Text:
        strip = Text(no_wrap=True, overflow="ellipsis")
        for position, title in enumerate(self.titles):
            title = title if len(title) <= 18 else title[:17] + "…"
            strip.append(f" {position + 1} {title} ", style="reverse bold" if position == self.current else "dim")
            strip.append(" ")
        return strip
