"""Statistics of an event: label distributions, activity over time, and (in
the review app, where the annotators' stores are known) their agreement.

With room (at least :data:`PLOT_WIDTH` × :data:`PLOT_HEIGHT` cells) the
distributions and the annotations per hour are plotted with labelled axes
(textual-plotext); otherwise, and always in the text of the screen, the same
numbers are shown as text bars. The agreement is computed in a worker thread
(it imports the statistics packages) and shown when it is ready.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, Sparkline, Static

from annotations.labels import DEFAULT, LabelScheme
from corpus.text import visible

BAR = 40
PLOT_WIDTH, PLOT_HEIGHT = 120, 36  # the terminal size from which the plots are shown


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


def per_label(agreement) -> dict[str, float | None]:
    """Specific agreement of each label, from a confusion matrix: 2 × (pairs
    both gave it) / (times either gave it) — 1 when every time one annotator
    gave the label the other did too; None for a label nobody gave."""
    confusion = getattr(agreement, "confusion", None) or {}
    out: dict[str, float | None] = {}
    for label in confusion:
        row = sum(confusion[label].values())
        col = sum(confusion[other].get(label, 0) for other in confusion)
        out[label] = 2 * confusion[label][label] / (row + col) if row + col else None
    return out


def _kappa(result) -> float | None:
    if result is None:
        return None
    return result.cohen_kappa if result.cohen_kappa is not None else result.krippendorff_alpha


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def agreement_text(summary) -> Text:
    """Stance κ over the annotators' stores, and each store against gold."""
    out = Text("Agreement (stance)\n", style="bold")
    before = summary.before.get("stance")
    out.append(f"  annotators, before: κ {_fmt(_kappa(before))} over {getattr(before, 'units', 0)} unit(s)\n")
    for name, tasks in summary.against_gold.items():
        result = tasks.get("stance")
        out.append(f"  {visible(name, 40)} against gold: κ {_fmt(_kappa(result))} over "
                   f"{getattr(result, 'units', 0)} unit(s)\n")
    out.append("  (κ: Cohen's for two; Krippendorff's α for more)\n", style="dim")
    return out


class AgreementReady(Message):
    """The agreement, computed in the worker thread (``summary`` None and
    ``error`` set when it could not be)."""

    def __init__(self, summary, error: str = "") -> None:
        super().__init__()
        self.summary, self.error = summary, error


def _plot(widget, title: str, labels: list[str], values: list[float], xlabel: str, ylabel: str,
          series: dict[str, list[float]] | None = None, horizontal: bool = False) -> None:
    """One bar plot with its title and labelled axes: counts on whole-number
    ticks, or (``series``, shares from 0 to 1) one bar per series and label."""
    plt = widget.plt
    plt.clear_figure()
    if series:
        plt.multiple_bar(labels, list(series.values()), labels=list(series))
        plt.ylim(0, 1)
        plt.yticks([0, 0.25, 0.5, 0.75, 1])
    else:
        top = max([1, *[int(v) for v in values]])
        step = max(1, -(-top // 4))
        ticks = list(range(0, top + step, step))
        plt.bar(labels, values, orientation="horizontal" if horizontal else "vertical")
        if horizontal:
            plt.xlim(0, ticks[-1])
            plt.xticks(ticks)
        else:
            plt.ylim(0, ticks[-1])
            plt.yticks(ticks)
    plt.title(title)
    plt.xlabel(xlabel)
    plt.ylabel(ylabel)
    widget.refresh()


class StatsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    StatsScreen #plots { grid-size: 3; grid-rows: 14; height: auto; }
    StatsScreen #plots PlotextPlot { height: 14; }
    StatsScreen .stats-wide { display: none; }
    StatsScreen.wide .stats-wide { display: block; }
    StatsScreen.wide .stats-narrow { display: none; }
    """
    BINDINGS = [Binding("escape,q,S", "close", "Close")]

    def __init__(self, claims: list[dict], ratings: list[dict], articles: int,
                 agreement: Callable[[], object] | None = None, scheme: LabelScheme = DEFAULT) -> None:
        super().__init__()
        self.scheme = scheme  # the labels counted, in their order: desk.scheme
        self.claims, self.ratings, self.articles = claims, ratings, articles
        self.agreement = agreement  # computes an AgreementSummary (the review app), or None
        self.summary = None

    def _distributions(self) -> list[tuple[str, Counter, tuple[str, ...]]]:
        return [
            ("Stance", Counter(s for c in self.claims for s in c.get("stances", {}).values()), self.scheme.stance.names),
            ("Claim type", Counter(c.get("claim_type") for c in self.claims), self.scheme.claim_type.names),
            ("Check-worthiness", Counter(c.get("checkworthiness") for c in self.claims),
             self.scheme.checkworthiness.names),
            ("Article reliability", Counter(r["label"] for r in self.ratings), self.scheme.reliability.names),
        ]

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        stamps = [c.get("created") for c in self.claims] + [r.get("updated") for r in self.ratings]
        self.series = per_hour(stamps)
        with VerticalScroll(classes="form stats"):
            yield Label(Text(f"{len(self.claims)} claims · {len(self.ratings)} of {self.articles} articles rated"),
                        classes="form-title")
            if self.agreement is not None:
                yield Static(Text("Agreement: computing…", style="dim"), id="agreement")
            with Grid(id="plots", classes="stats-wide"):
                for n, _ in enumerate(self._distributions()):
                    yield PlotextPlot(id=f"plot-{n}")
                yield PlotextPlot(id="plot-hours")
                if self.agreement is not None:
                    yield PlotextPlot(id="plot-agreement")
            for title, counts, order in self._distributions():
                yield Static(bars(title, counts, order), classes="stats-narrow")
            yield Label(Text(f"Annotations per hour, over {len(self.series)} hour(s)", style="bold"))
            yield Sparkline(self.series, id="activity", classes="stats-narrow")
            yield Label(Text("Esc closes"), classes="form-hint")

    def on_mount(self) -> None:
        from textual_plotext import PlotextPlot

        for n, (title, counts, order) in enumerate(self._distributions()):
            _plot(self.query_one(f"#plot-{n}", PlotextPlot), title, list(order),
                  [counts.get(v, 0) for v in order], "claims" if n < 3 else "articles", "label", horizontal=True)
        hours = self.query_one("#plot-hours", PlotextPlot)
        _plot(hours, "Annotations per hour, from the first", [str(h) for h in range(len(self.series))],
              self.series, "hour", "annotations")
        self._fit()
        if self.agreement is not None:
            self._compute(self.agreement)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Plots with room for them, the text bars without."""
        width, height = self.app.size
        wide = width >= PLOT_WIDTH and height >= PLOT_HEIGHT
        self.set_class(wide, "wide")
        form = self.query_one(".stats")
        # the app's .form rule caps a form's width; plots side by side need more
        form.styles.max_width = 160 if wide else None
        form.styles.width = "98%" if wide else None

    @property
    def plotted(self) -> bool:
        """Whether the plots are shown (else the text bars)."""
        return self.has_class("wide")

    @work(thread=True, exclusive=True)
    def _compute(self, agreement: Callable[[], object]) -> None:
        try:
            self.post_message(AgreementReady(agreement()))
        except Exception as exc:  # noqa: BLE001 - said on screen, never a traceback
            self.post_message(AgreementReady(None, f"{type(exc).__name__}: {exc}"))

    def on_agreement_ready(self, message: AgreementReady) -> None:
        from textual_plotext import PlotextPlot

        if message.summary is None:
            self.query_one("#agreement", Static).update(
                Text(f"Agreement could not be computed: {visible(message.error, 300)}", style="yellow"))
            return
        self.summary = summary = message.summary
        self.query_one("#agreement", Static).update(agreement_text(summary))
        labels = list(self.scheme.stance.names)
        series = {"annotators": [per_label(summary.before.get("stance")).get(v) or 0 for v in labels]}
        for name, tasks in summary.against_gold.items():
            series[f"{visible(name, 20)} vs gold"] = [per_label(tasks.get("stance")).get(v) or 0 for v in labels]
        _plot(self.query_one("#plot-agreement", PlotextPlot), "Stance agreement per label", labels, [],
              "label", "specific agreement", series=series)

    def action_close(self) -> None:
        self.dismiss(None)
