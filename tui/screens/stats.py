"""Statistics of an event: label distributions, activity over time."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Sparkline, Static

from annotations.labels import DEFAULT

BAR = 40


def bars(title: str, counts: Counter, order: tuple[str, ...]) -> Text:
    """A labelled horizontal bar per value, scaled to the largest."""
    text = Text()
    text.append(f"{title}\n", style="bold")
    top = max(counts.values(), default=0) or 1
    for value in order:
        n = counts.get(value, 0)
        text.append(f"  {value:>14} ")
        text.append("█" * round(BAR * n / top), style="bold cyan")
        text.append(f" {n}\n")
    missing = counts.get(None, 0)
    if missing:
        text.append(f"  {'(not set)':>14} {missing}\n", style="dim")
    return text


def _time(stamp: object) -> datetime | None:
    try:
        return datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
    except ValueError:
        return None


def per_hour(stamps: list[str]) -> list[int]:
    """Annotations per hour, from the first to the last (a stamp that is not a
    time, as an imported record may carry, is left out)."""
    parsed = [_time(s) for s in stamps]
    # naive and aware times cannot be compared: count them apart, the aware ones first
    times = sorted(t for t in parsed if t is not None and t.tzinfo is not None) or \
        sorted(t for t in parsed if t is not None and t.tzinfo is None)
    if not times:
        return [0]
    hours = int((times[-1] - times[0]).total_seconds() // 3600) + 1
    buckets = [0] * hours
    for t in times:
        buckets[int((t - times[0]).total_seconds() // 3600)] += 1
    return buckets


class StatsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,S", "close", "Close")]

    def __init__(self, claims: list[dict], ratings: list[dict], articles: int) -> None:
        super().__init__()
        self.claims, self.ratings, self.articles = claims, ratings, articles

    def compose(self) -> ComposeResult:
        stances = Counter(s for c in self.claims for s in c.get("stances", {}).values())
        with VerticalScroll(classes="form stats"):
            yield Label(Text(f"{len(self.claims)} claims · {len(self.ratings)} of {self.articles} articles rated"),
                        classes="form-title")
            yield Static(bars("Stance", stances, DEFAULT.stance.names))
            yield Static(bars("Claim type", Counter(c.get("claim_type") for c in self.claims),
                              DEFAULT.claim_type.names))
            yield Static(bars("Check-worthiness", Counter(c.get("checkworthiness") for c in self.claims),
                              DEFAULT.checkworthiness.names))
            yield Static(bars("Article reliability", Counter(r["label"] for r in self.ratings),
                              DEFAULT.reliability.names))
            stamps = [c.get("created") for c in self.claims] + [r.get("updated") for r in self.ratings]
            series = per_hour(stamps)
            yield Label(Text(f"Annotations per hour, over {len(series)} hour(s)", style="bold"))
            yield Sparkline(series, id="activity")
            yield Label(Text("Esc closes"), classes="form-hint")

    def action_close(self) -> None:
        self.dismiss(None)
