"""The main screen: columns of articles side by side, the claims panel, the
legend and the status line. It reads and writes the event only through its
:class:`~annotations.desk.Desk`, and re-renders from the desk's change events."""

from __future__ import annotations

import time
from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from annotations.desk import (
    ClaimsChanged,
    Desk,
    EntitiesChanged,
    LinksChanged,
    NoiseChanged,
    RatingsChanged,
    TargetsChanged,
)
from annotations.store import AnnotationStore
from corpus.analysis import Analyser
from corpus.articles import Article, Corpus, Event
from corpus.background import BackgroundAnalysis
from corpus.text import visible
from tui import actions
from tui.messages import AnalysisFinished, AnalysisReady, DeskChanged
from tui.screens.main.claims import ClaimActions
from tui.screens.main.links import LinkActions
from tui.screens.main.navigate import ReadingActions
from tui.screens.main.window import ArticleWindow
from tui.widgets.article_column import ArticleColumn
from tui.widgets.article_view import ArticleView
from tui.widgets.claims_panel import ClaimsPanel, legend
from tui.widgets.status_line import Status, StatusLine, TabStrip

BATCH_SECONDS = 0.1  # analyses arriving within this time reach the screen as one message


class MainScreen(ArticleWindow, ReadingActions, ClaimActions, LinkActions, Screen):
    """Columns of articles, the claims panel, the legend and the status line."""

    BINDINGS = actions.bindings()  # the action registry: keys, footer, help and palette in one place

    def __init__(self, corpus: Corpus, store: AnnotationStore, analyser: Analyser, event: Event | None = None) -> None:
        super().__init__()
        self.desk = Desk(corpus, store, analyser, event)  # every read and write of the event goes through it
        self.corpus = corpus
        self.event = self.desk.event
        self.articles = self.desk.articles
        self.analyser = analyser
        self.hide_noise = False
        self.first_visible = 0
        self.visible_count = 2
        self.panel_override: bool | None = None
        self.columns: dict[str, ArticleColumn] = {}
        self._analysing: set[str] = set()
        self._warned: str | None = None  # the analyser's warning, said once
        self._counterpart_turn: tuple[str | None, int] = (None, -1)  # g: which claim, which of its counterparts
        self.focus_key: str | None = None  # the entity whose mentions are highlighted
        self.panel_event = False  # the claims panel lists the whole event, not the focused article
        self.panel_filter: str | None = None  # a stance the panel's claims must have

    @property
    def current_id(self) -> str:
        """The focused article: the desk's."""
        return self.desk.focused_id

    @current_id.setter
    def current_id(self, article_id: str) -> None:
        self.desk.focus(article_id)

    @property
    def targets(self) -> list[dict]:
        return self.desk.targets

    def compose(self) -> ComposeResult:
        width = self.app.size.width
        self._fit_window(width)
        yield Header()
        yield TabStrip([a.title for a in self.articles], id="tabs")
        with Horizontal(id="main"):
            with Horizontal(id="columns"):
                for article in self.articles[self.first_visible:self.first_visible + self.visible_count]:
                    yield self._new_column(article)
            yield ClaimsPanel(id="claims").set_styles(f"display: {'block' if self._panel_shown(width) else 'none'};")
        yield Input(placeholder="Search this event: Enter finds the next match, ctrl+r lists them all, Esc closes",
                    id="search")
        yield Static(legend(self.desk.scheme.entities), id="legend")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "factdesk"
        self.sub_title = visible(self.event.title, limit=200)
        if self.corpus.share:
            self.sub_title += f" · {visible(self.corpus.share, limit=120)}"
        # The views re-render from the desk's change events, posted as messages
        # (until on_unmount closes the desk).
        self.desk.subscribe(lambda event: self.post_message(DeskChanged(event)))
        # Shown columns read their analysis as they are built; the others only
        # check that theirs exists, and the missing ones go to a worker.
        missing = self.desk.missing_analyses()
        self._analysing = {a.id for a in missing}
        for article_id in self.columns:
            self._refresh_article(article_id)
        self.current_view.focus()
        if missing:
            self.analyse(missing)
        self._update_status()
        self.set_timer(1.0, self._warm_index)  # after the first paint, off the UI thread

    def on_unmount(self) -> None:
        self.desk.close()

    # @on handlers live here, on the screen's own class: Textual collects them
    # from classes it creates, not from the plain mixins the actions are in.
    @on(ClaimsPanel.Chosen)
    def _claim_chosen(self, message: ClaimsPanel.Chosen) -> None:
        self.show_claim(message.claim_id)

    @on(DeskChanged)
    def _desk_changed(self, message: DeskChanged) -> None:
        """Re-render what a change in the store touched."""
        event = message.event
        if isinstance(event, (ClaimsChanged, LinksChanged, NoiseChanged, RatingsChanged, EntitiesChanged)):
            for article_id in self.columns:
                if event.touches(article_id):
                    self._refresh_column(article_id)
        if isinstance(event, (ClaimsChanged, LinksChanged, TargetsChanged)):
            self._refresh_panel()
        self._update_status()

    @work(thread=True, exclusive=True, group="analysis", description="analysis")
    def analyse(self, articles: list[Article]) -> None:
        """Analyse articles missing from the cache, in a child process that a
        quit (or a newer analysis) stops at once; posts results, touches no widget."""
        worker = get_current_worker()
        batch: list = []
        sent = [time.monotonic()]

        def arrived(text_hash: str) -> None:
            batch.append(text_hash)
            if time.monotonic() - sent[0] >= BATCH_SECONDS:
                flush()

        def flush() -> None:
            if batch:
                self.post_message(AnalysisReady(batch[:]))
                batch.clear()
            sent[0] = time.monotonic()

        try:
            done = BackgroundAnalysis(self.analyser).run(
                [(a.text_hash, a.text) for a in articles], on_ready=arrived,
                should_stop=lambda: worker.is_cancelled,
            )
        except Exception as exc:  # report, never crash the app
            flush()
            self.post_message(AnalysisFinished(error=f"{exc.__class__.__name__}: {exc}"))
            return
        flush()
        if done:
            self.post_message(AnalysisFinished(warning=self.analyser.warning))

    def on_analysis_ready(self, message: AnalysisReady) -> None:
        for text_hash in message.text_hashes:
            for article_id in self.desk.articles_with_text(text_hash):
                self._analysing.discard(article_id)
                if article_id in self.columns:  # the others read theirs when they are first shown
                    self.desk.analysis(article_id)
                    self._refresh_article(article_id)
        self._update_status()

    def on_analysis_finished(self, message: AnalysisFinished) -> None:
        if message.error:
            self._analysing.clear()
            self.notify(f"Entity analysis failed: {visible(message.error, limit=300)}", severity="error", timeout=12)
        elif message.warning and message.warning != self._warned:
            self._warned = message.warning
            self.notify(message.warning, title="No trained model", severity="warning", timeout=12)
        self._update_status()

    def _refresh_column(self, article_id: str) -> None:
        """Show the article's claims, noise, entities and ratings as the desk has them."""
        column = self.columns.get(article_id)
        if column is None:  # columns never shown are built with fresh data later
            return
        desk = self.desk
        claims = desk.claims(article_id)
        linked = desk.link_counts()
        column.view.set_claims(((c["start"], c["end"]) for c in claims),
                               linked=((c["start"], c["end"]) for c in claims if c["id"] in linked))
        column.view.set_noise(desk.noise_of(article_id))
        column.view.set_entities(desk.entities_of(article_id))
        column.update_head(desk.rating(article_id), len(claims), article_id in desk.analyses,
                           desk.source_rating(column.article.source))

    def _refresh_article(self, article_id: str) -> None:
        """The article's column, and the panel if it lists the article (after a
        change of view: a new analysis, a new focus; changes of the store
        re-render through :meth:`_desk_changed`)."""
        self._refresh_column(article_id)
        if article_id == self.current_id or self.panel_event:
            self._refresh_panel()

    def _refresh_panel(self) -> None:
        if self.panel_event:
            claims = self.desk.claims()
            title = f"event ({len(self.articles)} articles)"
        else:
            claims = self.desk.claims(self.current_id)
            title = visible(self.current_article.title, limit=200)
        if self.panel_filter:
            claims = [c for c in claims if self.panel_filter in c.get("stances", {}).values()]
            title = f"{visible(self.panel_filter, limit=60)} · {title}"
        self.query_one(ClaimsPanel).show(title, claims, self.targets, self.desk.link_counts())

    def action_panel_scope(self) -> None:
        self.panel_event = not self.panel_event
        self._refresh_panel()
        self.notify("Claims panel: the whole event." if self.panel_event else "Claims panel: the focused article.")

    def action_panel_filter(self) -> None:
        """f: the claims panel shows the claims of one stance of the scheme, then the next, then all."""
        cycle = [None, *self.desk.scheme.stance.names]
        now = cycle.index(self.panel_filter) if self.panel_filter in cycle else 0
        self.panel_filter = cycle[(now + 1) % len(cycle)]
        self._refresh_panel()
        shown = visible(self.panel_filter, limit=60) if self.panel_filter else "every stance"
        self.notify(f"Claims panel: {shown}.")

    def _update_status(self) -> None:
        counts = self.desk.progress()
        self.query_one(StatusLine).status = Status(
            articles=counts.articles, first=self.first_visible + 1, last=self.first_visible + self.visible_count,
            claims=counts.claims, rated=counts.rated, model=self.analyser.choice.label,
            target=self.targets[0]["text"] if self.targets else "",
            progress=self.desk.sentence_progress(self.current_id) or None,
            analysing=len(self._analysing), read_only=self.desk.read_only, review=self.desk.review_count(),
            review_key=actions.ACTIONS["review"].shown_keys(getattr(self.app, "user_keymap", {}).get("review")),
            noise_folded=self.hide_noise)

    def _say_noise_folded(self) -> None:
        """Only the status line's fold mark changes: nothing else is counted again."""
        status_line = self.query_one(StatusLine)
        if status_line.status is None:
            self._update_status()
        else:
            status_line.status = replace(status_line.status, noise_folded=self.hide_noise)

    def on_descendant_focus(self, event) -> None:
        widget = event.widget
        if isinstance(widget, ArticleView) and widget.article.id != self.current_id:
            self.current_id = widget.article.id
            self._refresh_article(self.current_id)
            self._update_status()

    def action_events(self) -> None:
        if len(self.corpus.events) < 2:
            self.notify("This corpus has one event.")
            return
        stack = self.app.screen_stack
        if len(stack) > 1 and type(stack[-2]).__name__ == "EventsScreen":
            self.app.pop_screen()
        else:
            self.app.switch_to_events()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(actions.help_rows(getattr(self.app, "user_keymap", None))))

    def action_guidelines(self) -> None:
        """F1: the project's guidelines, at the section of the labels under the cursor."""
        from tui.screens.guidelines import open_guidelines

        open_guidelines(self.app, self.desk.scheme, self._labels_in_focus())

    def _labels_in_focus(self) -> list[str]:
        """The labels of the claim under the cursor (or highlighted in the panel):
        its stances, type and check-worthiness; else the entity under the cursor's."""
        claim = self._claim_under_focus()
        if claim is not None:
            return [*(claim.get("stances") or {}).values(),
                    *(claim[f] for f in ("claim_type", "checkworthiness") if claim.get(f))]
        focused = self.focused
        if isinstance(focused, ArticleView):
            entity = self.desk.entity_at(self.current_id, focused.offset_of(focused.cursor_location))
            if entity is not None:
                return [entity[2]]
        return []

    def action_stats(self) -> None:
        from tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.desk.claims(), self.desk.ratings(), len(self.articles),
                                         scheme=self.desk.scheme))

