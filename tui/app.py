"""The factdesk app: articles side by side, entities highlighted, claims tagged."""

from __future__ import annotations

import gc
from pathlib import Path

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Resize
from textual import events
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from rich.text import Text
from textual.content import Content

from annotations.desk import (
    ClaimsChanged, Desk, EntitiesChanged, LinksChanged, NoiseChanged, RatingsChanged, TargetsChanged,
)
from annotations.schema import ValidationError
from annotations.store import AnnotationStore, StoreError
from corpus.analysis import Analyser
from corpus.articles import Article, Corpus, Event
from corpus.text import visible
from tui.article_view import ArticleView
from tui.columns import ArticleColumn, ClaimsPanel, legend
from tui.messages import AnalysisFinished, AnalysisReady, DeskChanged, IndexReady
from tui.textual_adapter import QuietExceptions, forward_key

PANEL_MIN_WIDTH = 160  # the claims panel shows by default from this width
COLUMN_MIN_WIDTH = 55


def columns_for_width(width: int, panel: bool) -> int:
    """How many article columns fit: one (with tabs) below about 110 cells,
    two from there, up to four on wide terminals."""
    available = width - (34 if panel else 0)
    if available < 110:
        return 1
    return max(2, min(4, available // COLUMN_MIN_WIDTH))


class MainScreen(Screen):
    """Columns of articles, the claims panel, the legend and the status line."""

    BINDINGS = [
        Binding("c", "claim", "Claim", id="claim"),
        Binding("r", "rate", "Rate article", id="rate"),
        Binding("R", "rate('source')", "Rate source", show=False, id="rate-source"),
        Binding("s", "select_sentence", "Sentence", id="select_sentence"),
        Binding("v", "visual", "Visual", show=False, id="visual"),
        Binding("asterisk", "entity_focus", "Entity", key_display="*", id="entity_focus"),
        Binding("E", "entities", "Entities", show=False, id="entities"),
        Binding("l", "label_entity", "Entity label", show=False, id="label_entity"),
        Binding("slash", "search", "Search", key_display="/", id="search"),
        Binding("escape", "leave_visual", "Leave visual mode", show=False, id="leave_visual"),
        Binding("right_parenthesis", "sentence(1)", "Next sentence", show=False, key_display=")", id="next_sentence"),
        Binding("left_parenthesis", "sentence(-1)", "Previous sentence", show=False, key_display="(", id="previous_sentence"),
        Binding("left_square_bracket", "shift_articles(-1)", "Prev", key_display="[", id="previous_articles"),
        Binding("right_square_bracket", "shift_articles(1)", "Next", key_display="]", id="next_articles"),
        Binding("p", "toggle_panel", "Claims panel", id="toggle_panel"),
        Binding("a", "panel_scope", "Panel: article/event", show=False, id="panel_scope"),
        Binding("t", "targets", "Targets", show=False, id="targets"),
        Binding("S", "stats", "Statistics", show=False, id="stats"),
        Binding("f", "panel_filter", "Panel: filter by stance", show=False, id="panel_filter"),
        Binding("h", "toggle_noise", "Hide noise", id="toggle_noise"),
        Binding("n", "mark_noise", "Noise", show=False, id="mark_noise"),
        Binding("e", "events", "Events", show=False, id="events"),
        Binding("x", "delete_claim", "Delete claim", show=False, id="delete_claim"),
        Binding("k", "link", "Link", id="link"),
        Binding("g", "counterparts", "Counterparts", show=False, id="counterparts"),
        Binding("o", "corroboration", "Corroboration", show=False, id="corroboration"),
        Binding("f2", "edit_claim", "Edit claim", show=False, id="edit_claim"),
        # priority: the focused TextArea has its own ctrl+z / ctrl+y for text edits
        Binding("ctrl+z,u", "undo", "Undo", priority=True, id="undo"),
        Binding("ctrl+y,U", "redo", "Redo", priority=True, show=False, id="redo"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
    ]

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

    # -- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        width = self.app.size.width
        self._fit_window(width)
        yield Header()
        yield Static(id="tabs")
        with Horizontal(id="main"):
            with Horizontal(id="columns"):
                for article in self.articles[self.first_visible:self.first_visible + self.visible_count]:
                    yield self._new_column(article)
            yield ClaimsPanel(id="claims").set_styles(f"display: {'block' if self._panel_shown(width) else 'none'};")
        yield Input(placeholder="Search this event: Enter finds the next match, ctrl+r lists them all, Esc closes",
                    id="search")
        yield Static(legend(), id="legend")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "factdesk"
        self.sub_title = visible(self.event.title, limit=200)
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

    def on_resize(self, event: Resize) -> None:
        self._layout(event.size.width)

    def _panel_shown(self, width: int) -> bool:
        return self.panel_override if self.panel_override is not None else width >= PANEL_MIN_WIDTH

    def _fit_window(self, width: int) -> None:
        """How many columns fit, and a window of articles that holds the current one."""
        count = len(self.articles)
        self.visible_count = min(count, columns_for_width(width, self._panel_shown(width)))
        self.first_visible = max(0, min(self.first_visible, count - self.visible_count))
        current = self.position_of(self.current_id)
        if not self.first_visible <= current < self.first_visible + self.visible_count:
            self.first_visible = max(0, min(current, count - self.visible_count))

    def _layout(self, width: int) -> None:
        self.query_one("#claims").display = self._panel_shown(width)
        self._fit_window(width)
        self._show_window()

    def _in_window(self, position: int) -> bool:
        return self.first_visible <= position < self.first_visible + self.visible_count

    def _new_column(self, article: Article) -> ArticleColumn:
        desk = self.desk
        analysis = desk.analysis(article.id)
        claims = desk.claims(article.id)
        linked = desk.link_counts()
        column = ArticleColumn(
            article,
            self.position_of(article.id),
            entities=desk.entities_of(article.id),
            claims=[(c["start"], c["end"]) for c in claims],
            linked=[(c["start"], c["end"]) for c in claims if c["id"] in linked],
            noise=desk.noise_of(article.id),
            hide_noise=self.hide_noise,
            duplicate_of=desk.duplicate_name(article),
        )
        column.update_head(desk.rating(article.id), len(claims), analysis is not None,
                           desk.source_rating(article.source))
        self.columns[article.id] = column
        return column

    def _update_tabs(self) -> None:
        """With one column, a strip of tabs names every article ([ and ] switch)."""
        tabs = self.query_one("#tabs", Static)
        tabs.display = self.visible_count == 1 and len(self.articles) > 1
        if not tabs.display:
            return
        strip = Text(no_wrap=True, overflow="ellipsis")
        for position, article in enumerate(self.articles):
            title = visible(article.title)
            title = title if len(title) <= 18 else title[:17] + "…"
            style = "reverse bold" if position == self.first_visible else "dim"
            strip.append(f" {position + 1} {title} ", style=style)
            strip.append(" ")
        tabs.update(strip)

    def _show_window(self) -> None:
        """Display the columns of the current window, creating those never shown."""
        container = self.query_one("#columns")
        for position, article in enumerate(self.articles):
            column = self.columns.get(article.id)
            if column is None and self._in_window(position):
                later = [c for c in self.columns.values() if c.position > position]
                before = min(later, key=lambda c: c.position) if later else None
                column = self._new_column(article)
                container.mount(column, before=before)
                if self.focus_key is not None:
                    self.call_after_refresh(self.set_entity_focus, self.focus_key)
            if column is not None:
                column.display = self._in_window(position)
        self._update_tabs()

    def reveal(self, article_id: str) -> None:
        """Shift the window of shown articles so that ``article_id`` is in it."""
        position = self.position_of(article_id)
        if not self._in_window(position):
            self.first_visible = max(0, min(position, len(self.articles) - self.visible_count))
            self._show_window()
            self._update_status()

    # -- lookups ------------------------------------------------------------

    def column(self, article_id: str) -> ArticleColumn:
        """The column of an article, shifting the window to it if it is not shown."""
        self.reveal(article_id)
        return self.columns[article_id]

    def position_of(self, article_id: str) -> int:
        return self.desk.position_of(article_id)

    @property
    def current_article(self) -> Article:
        return self.desk.focused

    @property
    def current_view(self) -> ArticleView:
        return self.column(self.current_id).view

    # -- analysis -------------------------------------------------------------

    @work(thread=True, exclusive=True, group="analysis")
    def analyse(self, articles: list[Article]) -> None:
        """Analyse articles missing from the cache; posts results, touches no widget."""
        try:
            self.analyser.analyse(
                [(a.text_hash, a.text) for a in articles],
                on_result=lambda analysis: self.post_message(AnalysisReady(analysis)),
            )
        except Exception as exc:  # report, never crash the app
            self.post_message(AnalysisFinished(error=f"{exc.__class__.__name__}: {exc}"))
            return
        self.post_message(AnalysisFinished(warning=self.analyser.warning))

    def on_analysis_ready(self, message: AnalysisReady) -> None:
        for article_id in self.desk.set_analysis(message.analysis):
            self._analysing.discard(article_id)
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

    # -- refresh ------------------------------------------------------------

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
            title = f"{self.panel_filter} · {title}"
        self.query_one(ClaimsPanel).show(title, claims, self.targets, self.desk.link_counts())

    def action_panel_scope(self) -> None:
        self.panel_event = not self.panel_event
        self._refresh_panel()
        self.notify("Claims panel: the whole event." if self.panel_event else "Claims panel: the focused article.")

    def action_panel_filter(self) -> None:
        from annotations.schema import STANCES

        cycle = [None, *STANCES]
        self.panel_filter = cycle[(cycle.index(self.panel_filter) + 1) % len(cycle)]
        self._refresh_panel()
        self.notify(f"Claims panel: {self.panel_filter or 'every stance'}.")

    def _update_status(self) -> None:
        counts = self.desk.progress()
        target = visible(self.targets[0]["text"], limit=300) if self.targets else ""
        status = Text(no_wrap=True, overflow="ellipsis")
        if self.desk.read_only:
            status.append(" READ-ONLY ", style="bold reverse")
        status.append(f" {counts.articles} articles", style="bold")
        status.append(
            f" · showing {self.first_visible + 1}–{self.first_visible + self.visible_count}"
            f" · {counts.claims} claims · {counts.rated} rated · model {self.analyser.choice.label}"
        )
        progress = self.desk.sentence_progress(self.current_id)
        if progress:
            status.append(f" · this article: {progress[0]}/{progress[1]} sentences", style="bold")
        if self._analysing:
            status.append(f" · analysing {len(self._analysing)} article(s)…", style="italic")
        status.append(f" · target: {target}", style="dim")
        self.query_one("#status", Static).update(status)

    def on_descendant_focus(self, event) -> None:
        widget = event.widget
        if isinstance(widget, ArticleView) and widget.article.id != self.current_id:
            self.current_id = widget.article.id
            self._refresh_article(self.current_id)
            self._update_status()

    # -- actions ------------------------------------------------------------

    def action_shift_articles(self, step: int) -> None:
        count = len(self.articles)
        if self.visible_count >= count:
            self.notify("All articles are already shown.")
            return
        last = count - self.visible_count
        start = self.first_visible + step
        self.first_visible = 0 if start > last else last if start < 0 else start
        self._show_window()
        if not self._in_window(self.position_of(self.current_id)):
            # The focused article is the one on screen, at once (the next key
            # acts on it); its view takes the focus once it is mounted.
            self.current_id = self.articles[self.first_visible].id
            self._refresh_article(self.current_id)
            view = self.columns[self.current_id].view
            self.call_after_refresh(view.focus)
        self._update_status()

    def action_toggle_panel(self) -> None:
        self.panel_override = not self._panel_shown(self.size.width)
        self._layout(self.size.width)
        self._update_status()

    def action_toggle_noise(self) -> None:
        self.hide_noise = not self.hide_noise
        for column in self.columns.values():
            column.view.hide_noise(self.hide_noise)
        self.notify("Noise hidden: lines that are only noise are folded away." if self.hide_noise
                    else "Noise shown, dimmed.")

    def action_mark_noise(self) -> None:
        """Mark the selection as noise, or unmark the noise region at the cursor."""
        view = self.current_view
        start, end = view.selection_offsets()
        try:
            if start < end:
                self.desk.mark_noise(self.current_id, start, end)
                message = "Marked as noise."
            elif self.desk.unmark_noise_at(self.current_id, view.offset_of(view.cursor_location)) is None:
                self.notify("Select text to mark it as noise, or put the cursor in a dimmed region to unmark it.")
                return
            else:
                message = "Not noise any more."
        except (ValidationError, StoreError) as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(message)

    def action_events(self) -> None:
        if len(self.corpus.events) < 2:
            self.notify("This corpus has one event.")
            return
        stack = self.app.screen_stack
        if len(stack) > 1 and type(stack[-2]).__name__ == "EventsScreen":
            self.app.pop_screen()
        else:
            self.app.switch_to_events()

    # -- search ---------------------------------------------------------------

    def action_search(self) -> None:
        bar = self.query_one("#search", Input)
        bar.add_class("-open")
        # At once, not after the keys already queued (as focus() would): the
        # keys typed right after / are the search, not commands.
        self.set_focus(bar)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search" or not event.value.strip():
            return
        event.stop()
        view = self.current_view
        hit = self.desk.next_match(event.value, self.current_id, view.offset_of(view.cursor_location))
        if hit is None:
            self.notify(f"No “{visible(event.value.strip(), limit=80)}” in this event.", severity="warning")
            return
        self.jump_to(hit.article_id, hit.start, hit.end, focus=False)
        self.notify(f"Match {hit.number} of {hit.total} in {hit.articles} article(s).", timeout=3)

    def jump_to(self, article_id: str, start: int, end: int, focus: bool = True) -> None:
        """Show an article, select [start, end) in it and scroll it into view."""
        self.current_id = article_id
        column = self.column(article_id)
        view = column.view
        view.select_offsets(start, end)
        if focus:
            view.focus()
        self._refresh_article(article_id)

    def on_key(self, event) -> None:
        bar = self.query_one("#search", Input)
        if self.focused is bar and event.key == "ctrl+r" and bar.value.strip():
            event.stop()
            self.show_results(bar.value.strip())

    @work(exclusive=True, group="form")
    async def show_results(self, needle: str) -> None:
        from tui.modals import ResultsModal

        chosen = await self.app.push_screen_wait(ResultsModal(needle, self.desk.match_rows(needle, limit=500)))
        if chosen is not None:
            self.query_one("#search", Input).remove_class("-open")
            self.jump_to(*chosen)

    # -- entities across articles ---------------------------------------------

    def set_entity_focus(self, key: str | None, groups: dict[str, list] | None = None) -> None:
        self.focus_key = key
        mentions = (groups or self.desk.entity_groups()).get(key, []) if key else []
        for article_id, column in self.columns.items():
            column.view.set_focus_spans((m.start, m.end) for m in mentions if m.article_id == article_id)

    def action_entity_focus(self) -> None:
        """*: highlight every mention of the entity at the cursor in every column;
        again: go to its next mention, across the event's articles."""
        view = self.current_view
        cursor = view.offset_of(view.cursor_location)
        entity = self.desk.entity_at(self.current_id, cursor)
        groups = self.desk.entity_groups()
        key = self.desk.group_of(groups, self.current_id, entity[0]) if entity else None
        if key is None and self.focus_key is None:
            self.notify("Put the cursor on a highlighted entity first.")
            return
        if key is not None and key != self.focus_key:
            self.set_entity_focus(key, groups)
            mentions = groups[key]
            self.notify(f"{visible(mentions[0].text, limit=60)}: {len(mentions)} mentions in "
                        f"{len({m.article_id for m in mentions})} article(s); * for the next.")
            return
        mentions = groups.get(self.focus_key, [])
        here = (self.position_of(self.current_id), cursor)
        order = sorted((self.position_of(m.article_id), m.start, m) for m in mentions)
        following = [o for o in order if (o[0], o[1]) > here] or order
        if following:
            mention = following[0][2]
            self.jump_to(mention.article_id, mention.start, mention.end)
            self.set_entity_focus(self.focus_key, groups)

    def action_label_entity(self) -> None:
        """l: correct the entity at the cursor, or make the selection an entity."""
        from tui.modals import EntityLabelModal

        view = self.current_view
        start, end = view.selection_offsets()
        current = None
        if start == end:
            cursor = start
            entity = self.desk.entity_at(self.current_id, cursor)
            if entity is None:
                self.notify("Select the words of a missed entity, or put the cursor on an entity to correct it.")
                return
            start, end, current = entity
        else:
            span = self._selected_span()
            if span is None:
                return
            start, end = span
        article = self.current_article
        quote = article.text[start:end]
        self.app.push_screen(EntityLabelModal(quote, current),
                             callback=lambda result: self._labelled(article, start, end, result))

    def _labelled(self, article: Article, start: int, end: int, result) -> None:
        if result is None:
            return
        quote = article.text[start:end]
        label, everywhere = result
        try:
            count = self.desk.label_entity(article.id, start, end, label, everywhere)
        except (ValidationError, StoreError) as exc:
            self.notify(str(exc), severity="error")
            return
        what = label or "not an entity"
        self.notify(f"“{visible(quote, limit=60)}” is {what}" + (f" in {count} places." if count > 1 else "."))

    @work(exclusive=True, group="form")
    async def action_targets(self) -> None:
        """t: the event's target propositions; add one, or reword one."""
        from tui.modals import TargetsModal

        while True:
            result = await self.app.push_screen_wait(TargetsModal(self.targets))
            if result is None:
                return
            target_id, text = result
            try:
                self.desk.set_target(text, target_id)
            except (ValidationError, StoreError) as exc:
                self.notify(str(exc), severity="error")
                continue
            self.notify("Target reworded." if target_id else "Target added: the claim form asks for it now.")

    @work(exclusive=True, group="form")
    async def action_entities(self) -> None:
        """E: the event's entities by frequency; Enter focuses one, m merges two."""
        from tui.modals import EntitiesModal

        while True:
            groups = self.desk.entity_groups()
            result = await self.app.push_screen_wait(EntitiesModal(self.desk.entity_rows(groups)))
            if result is None:
                return
            action, keys = result
            if action == "merge":
                try:
                    self.desk.merge_entities(*keys)
                except (ValidationError, StoreError) as exc:
                    self.notify(str(exc), severity="error")
                    return
                self.notify("Merged: they are one entity now.")
                continue
            self.set_entity_focus(keys[0], groups)
            mention = groups[keys[0]][0]
            self.jump_to(mention.article_id, mention.start, mention.end)
            return

    def action_visual(self) -> None:
        view = self.current_view
        view.visual = not view.visual  # the selection's anchor stays where it is
        self.notify("Visual mode: movement extends the selection; c tags it, Esc leaves." if view.visual
                    else "Visual mode off.")

    def action_leave_visual(self) -> None:
        """Esc: close the search bar if it has focus, else leave visual mode."""
        bar = self.query_one("#search", Input)
        if self.focused is bar:
            bar.remove_class("-open")
            self.current_view.focus()
            return
        view = self.current_view
        if view.visual:
            view.visual = False
        elif self.focus_key is not None:
            self.set_entity_focus(None)

    def action_sentence(self, step: int) -> None:
        """Move to the start of the next (or previous) sentence; extends in visual mode."""
        view = self.current_view
        analysis = self.desk.analysis(self.current_id, load=False)
        if analysis is None or not analysis.sents:
            return
        cursor = view.offset_of(view.cursor_location)
        starts = [s for s, _ in analysis.sents]
        if step > 0:
            target = next((s for s in starts if s > cursor), None)
            if target is None:  # past the last start: go to the end of the last sentence
                target = analysis.sents[-1][1]
        else:
            target = next((s for s in reversed(starts) if s < cursor), starts[0])
        view.move_to(target)

    def action_select_sentence(self) -> None:
        view = self.current_view
        if self.desk.analysis(self.current_id, load=False) is None:
            self.notify("Sentences are not ready yet: the article is still being analysed.")
            return
        sentence = self.desk.sentence_at(self.current_id, view.offset_of(view.cursor_location))
        if sentence is not None:
            view.select_offsets(*sentence)

    def _selected_span(self) -> tuple[int, int] | None:
        return self.desk.snap(self.current_id, *self.current_view.selection_offsets())

    def action_claim(self) -> None:
        """c: the claim form for the selection; on text that is already a claim
        (or with the cursor in one), that claim's form, to edit it."""
        view = self.current_view
        span = self._selected_span()
        existing = (self.desk.existing_claim(self.current_id, *span) if span is not None
                    else self.desk.claim_at(self.current_id, view.offset_of(view.cursor_location)))
        if existing is not None:
            self.notify("This text is already a claim: its form is open to edit it (x deletes it).")
            self.edit_claim(existing)
            return
        if span is None:
            self.notify(
                "Select the claim first: shift+arrows to extend, s for the sentence at the cursor.",
                severity="warning",
            )
            return
        self.tag_claim(self.current_id, *span)

    def _form_for(self, article: Article, start: int, end: int, claim: dict | None = None, save=None):
        from tui.claim_form import ClaimForm, speaker_choices

        analysis = self.desk.analysis(article.id, load=False)
        entities = self.desk.entities_of(article.id)
        sentences = analysis.sents if analysis else ()
        speakers = speaker_choices(article.text, entities, sentences, start, end)
        return ClaimForm(article.text[start:end], self.targets, speakers, claim, save=save)

    def _not_saved(self, what: str, exc: Exception) -> bool:
        """Say that ``what`` was NOT saved and why; the form stays open with it."""
        self.notify(f"{what} NOT saved: {visible(exc, limit=400)} It is still in the form: "
                    "Enter tries again, Esc gives it up.", severity="error", timeout=20)
        return False

    def tag_claim(self, article_id: str, start: int, end: int) -> None:
        """The claim form for [start, end); with ctrl+n, on and on through the sentences.

        The form is pushed right here, while the key is handled (not from a
        worker), so keys typed ahead ("c1⏎") reach the form, not this screen."""
        article = self.desk.article(article_id)  # any article of the corpus
        form = self._form_for(article, start, end, save=lambda result: self._save_claim(article_id, start, end, result))
        self.app.push_screen(form, callback=lambda result: self._claim_done(article_id, start, end, result))

    def _save_claim(self, article_id: str, start: int, end: int, result) -> bool:
        """Save the claim the form holds; False (and the form stays open) if it was not saved."""
        try:
            self.desk.add_claim(article_id, start, end, result.stances, **result.fields)
        except (ValidationError, StoreError) as exc:
            return self._not_saved("Claim", exc)
        return True

    def _claim_done(self, article_id: str, start: int, end: int, result) -> None:
        """After the form closed: on a saved claim, show it (and go on with ctrl+n)."""
        if result is None:
            self.notify("Claim not saved.")
            return
        self.notify(f"Claim saved ({', '.join(result.stances.values())}).")
        if result.next:
            following = self.desk.next_unannotated(article_id, end)
            if following is None:
                self.notify("No sentence left to annotate in this article.")
                return
            self.column(article_id).view.select_offsets(*following)
            self.tag_claim(article_id, *following)

    def action_edit_claim(self) -> None:
        claim = self._claim_under_focus()
        if claim is None:
            self.notify("No claim here: put the cursor in a claim or pick one in the claims panel.")
            return
        self.edit_claim(claim)

    def edit_claim(self, claim: dict) -> None:
        """The claim's form, pushed while the key is handled (see :meth:`tag_claim`)."""
        article = self.desk.article(claim["article_id"])

        def save(result) -> bool:
            try:
                self.desk.update_claim(claim["id"], result.stances, **result.fields)
            except (ValidationError, StoreError) as exc:
                return self._not_saved("Claim change", exc)
            return True

        self.app.push_screen(self._form_for(article, claim["start"], claim["end"], claim, save),
                             callback=lambda result: self.notify("Claim changed.") if result is not None else None)

    def action_rate(self, what: str = "article") -> None:
        """Rate the focused article, or (``what="source"``) its source."""
        from tui.modals import ReliabilityModal

        article = self.current_article
        if what == "source" and not article.source:
            self.notify("This article has no source to rate.", severity="warning")
            return
        current = self.desk.rating(article.id) if what == "article" else self.desk.source_rating(article.source)
        self.app.push_screen(ReliabilityModal(article.title, article.source, current, what,
                                              signal=self.desk.source_signal(article),
                                              save=lambda result: self._save_rating(article, what, result)),
                             callback=lambda result: self._rated(article, what, result))

    def _save_rating(self, article: Article, what: str, result) -> bool:
        """Save the rating the form holds; False (and the form stays open) if it was not saved."""
        try:
            if what == "article":
                self.desk.rate_article(article.id, result.label, result.note, result.codes)
            else:
                self.desk.rate_source(article.source, result.label, result.note, result.codes)
        except (ValidationError, StoreError) as exc:
            return self._not_saved("Rating", exc)
        return True

    def _rated(self, article: Article, what: str, result) -> None:
        """After the rating form closed on a saved rating: show it."""
        if result is None:
            return
        self.notify(f"Rated {'the source ' if what == 'source' else ''}{result.label}.")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        claim = self.desk.claim(event.option.id) if event.option.id else None
        if claim is None:
            return
        view = self.column(claim["article_id"]).view
        view.focus()
        view.select_offsets(claim["start"], claim["end"])

    def _claim_under_focus(self) -> dict | None:
        focused = self.focused
        if isinstance(focused, OptionList) and focused.id == "claims-list":
            option = focused.highlighted_option
            return self.desk.claim(option.id) if option is not None and option.id else None
        if isinstance(focused, ArticleView):
            return self.desk.claim_at(focused.article.id, focused.offset_of(focused.cursor_location))
        return None

    def action_delete_claim(self) -> None:
        claim = self._claim_under_focus()
        if claim is None:
            self.notify("No claim here: put the cursor in a claim or pick one in the claims panel.")
            return
        try:
            self.desk.delete_claim(claim["id"])
        except (ValidationError, StoreError) as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"Deleted claim “{visible(claim['quote'], limit=60)}”.")

    def _undo_redo(self, redo: bool) -> None:
        try:
            label = self.desk.redo() if redo else self.desk.undo()
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        if label is None:
            self.notify("Nothing to redo." if redo else "Nothing to undo.")
            return
        self.notify(f"{'Redid' if redo else 'Undid'}: {visible(label, limit=120)}.")

    def action_undo(self) -> None:
        self._undo_redo(redo=False)

    def action_redo(self) -> None:
        self._undo_redo(redo=True)

    def action_help(self) -> None:
        from tui.modals import HelpScreen

        self.app.push_screen(HelpScreen(HELP_ROWS))

    def action_stats(self) -> None:
        from tui.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.desk.claims(), self.desk.ratings(), len(self.articles)))


    # -- links across articles ------------------------------------------------

    def _warm_index(self) -> None:
        if self.desk.index_stale():
            self.build_index(*self.desk.index_inputs())

    @work(thread=True, exclusive=True, group="index")
    def build_index(self, key: tuple, inputs: list) -> None:
        """Build the event's sentence index ahead of the first suggestion; posts it."""
        try:
            index, loaded = Desk.build_index(inputs, self.analyser)
        except Exception:  # the index is only a head start; on demand it is built again
            return
        self.post_message(IndexReady(key, index, loaded))

    def on_index_ready(self, message: IndexReady) -> None:
        self.desk.set_index(message.key, message.index, message.analyses)

    def action_link(self) -> None:
        """k: link the claim under the cursor to a claim or sentence of another article."""
        from tui.links import LinkModal

        claim = self._claim_under_focus()
        if claim is None:
            self.notify("Put the cursor in a claim first (select it and press c to make one).")
            return
        if len(self.articles) < 2:
            self.notify("This event has one article: there is nothing to link to.")
            return
        title = self.desk.article(claim["article_id"]).title
        self.app.push_screen(LinkModal(claim["quote"], title, self.desk.link_candidates(claim)),
                             callback=lambda result: self._linked(claim, result))

    def _linked(self, claim: dict, result) -> None:
        if result is None:
            return
        target = result.candidate
        if self.desk.needs_stance(target, result.label):
            self._link_new_claim(claim, result)
            return
        try:
            outcome = self.desk.link(claim, target, result.label, result.note)
        except (ValidationError, StoreError) as exc:
            self.notify(f"Not linked: {exc}", severity="error", timeout=12)
            return
        self._said_linked(outcome)

    def _said_linked(self, outcome) -> None:
        self.notify(outcome.message, severity="warning" if outcome.warning else "information", timeout=6)

    def _link_new_claim(self, claim: dict, result) -> None:
        """A link to a bare sentence: the sentence becomes a claim, so the claim
        form asks its stance first; Enter saves the claim and the link as one
        action, Esc links nothing."""
        target = result.candidate
        done = []

        def save(form) -> bool:
            try:
                done.append(self.desk.link(claim, target, result.label, result.note, form.stances, form.fields))
            except (ValidationError, StoreError) as exc:
                return self._not_saved("Link", exc)
            return True

        def closed(form) -> None:
            if form is None or not done:
                self.notify("Not linked: the sentence needs its stance to become a claim; nothing was saved.")
                return
            self._said_linked(done[0])

        self.notify(f"Linking ({result.label}) to a sentence of “{visible(target.title, limit=40)}”: "
                    "it becomes a claim, give its stance.", timeout=6)
        self.app.push_screen(self._form_for(self.desk.article(target.article_id), target.start, target.end,
                                            save=save), callback=closed)

    def action_counterparts(self) -> None:
        """g: the linked claims of the claim under the cursor, highlighted and
        scrolled into view in their columns; g again brings the next one into view."""
        claim = self._claim_under_focus()
        if claim is None:
            self.notify("Put the cursor in a linked claim first.")
            return
        others = self.desk.counterparts(claim)
        if not others:
            self.notify("This claim has no links yet: k links it.")
            return
        previous = self._counterpart_turn
        turn = previous[1] + 1 if previous[0] == claim["id"] else 0
        self._counterpart_turn = (claim["id"], turn)
        chosen = others[turn % len(others)]
        position, shown = chosen.position, chosen.claim
        here = self.position_of(claim["article_id"])
        if not self._in_window(position):  # bring it into view, beside the claim's own column if it fits
            low, high = min(here, position), max(here, position)
            start = low if high - low < self.visible_count else position
            self.first_visible = max(0, min(start, len(self.articles) - self.visible_count))
            self._show_window()
            self._update_status()
        spans: dict[str, list[tuple[int, int]]] = {}
        for other in others:
            spans.setdefault(other.claim["article_id"], []).append((other.claim["start"], other.claim["end"]))
        for article_id, column in self.columns.items():
            column.view.set_focus_spans(spans.get(article_id, ()))
        self.focus_key = None
        for other in others:
            if self._in_window(other.position):
                self.columns[other.claim["article_id"]].view.select_offsets(other.claim["start"], other.claim["end"])
        if not self._in_window(here):
            self.current_id = shown["article_id"]
            self.columns[self.current_id].view.focus()
        summary = "; ".join(f"{o.link['label']} in {visible(self.articles[o.position].title, limit=30)}"
                            for o in others)
        more = " g: the next." if len(others) > 1 else ""
        self.notify(f"{len(others)} counterpart(s): {summary}.{more}", timeout=8)

    def action_corroboration(self) -> None:
        """o: which sources state, contradict or are silent on each claim group."""
        from tui.links import CorroborationScreen

        view = self.desk.corroboration()
        self.app.push_screen(CorroborationScreen(view.groups, view.sources, view.unlinked),
                             callback=self._corroboration_done)

    def _corroboration_done(self, result) -> None:
        from tui.links import TextPrompt

        if result is None:
            return
        if result[0] == "jump":
            self.jump_to(*result[1:])
            return
        if result[0] == "stance":
            _, group_id, stance = result
            try:
                self.desk.set_group_stance(group_id, stance)
            except (ValidationError, StoreError) as exc:
                self.notify(f"Stance not saved: {exc}", severity="error")
                return
            self.notify(f"Group stance: {stance}.")
            self.action_corroboration()
            return
        _, group_id, canonical = result

        def save(text: str | None) -> None:
            if text is None or not text.strip():
                self.action_corroboration()
                return
            try:
                self.desk.set_group_canonical(group_id, text)
            except (ValidationError, StoreError) as exc:  # asked again, with what was typed
                self.notify(f"Canonical wording NOT saved: {visible(exc, limit=400)} Enter tries again, Esc gives "
                            "it up.", severity="error", timeout=20)
                self.app.push_screen(TextPrompt("Canonical wording of this claim group", text), callback=save)
                return
            self.notify("Canonical wording saved.")
            self.action_corroboration()

        self.app.push_screen(TextPrompt("Canonical wording of this claim group", canonical), callback=save)


def _quoted(text: str) -> str:
    return f"\"{visible(text, limit=60)}\""


_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}


def is_key_name(key: str) -> bool:
    """Whether ``key`` names a key as Textual's bindings do: ``k``, ``K``,
    ``ctrl+k``, ``f2``, ``question_mark``, ``shift+tab``."""
    import unicodedata

    from textual.keys import KEY_NAME_REPLACEMENTS, Keys, _get_unicode_name_from_key

    *modifiers, base = key.strip().split("+")
    if not base or any(m not in _MODIFIERS for m in modifiers):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in {k.value for k in Keys} or base in KEY_NAME_REPLACEMENTS.values() or base == "space":
        return True
    if not all(c.isalnum() or c == "_" for c in base):
        return False
    try:
        character = unicodedata.lookup(_get_unicode_name_from_key(base).replace("_", " "))
    except KeyError:
        return False
    return len(character) == 1 and character.isprintable()


def _normal_keys(keys: str) -> set[str]:
    from textual.keys import _character_to_key

    return {_character_to_key(k) if len(k) == 1 else k for k in (k.strip() for k in keys.split(",")) if k}


# keys the app itself binds, which no keymap entry may take
_APP_KEYS = {"ctrl+q": "quit", "ctrl+p": "the command palette", "ctrl+c": "copy"}


def keymap_clashes(bindings: dict[str, Binding], overrides: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The overrides that can be used, and a sentence for each clash: two
    entries of the keymap that want one key (neither is used), an entry that
    wants a key of the app itself (not used), and an entry that takes the key
    of an action it does not rebind (used: that action loses the key, as
    Textual does it, and the sentence says so)."""
    overrides = dict(overrides)
    clashes: list[str] = []
    wanted: dict[str, list[str]] = {}
    for binding_id, keys in overrides.items():
        for key in _normal_keys(keys):
            wanted.setdefault(key, []).append(binding_id)
    refused: set[str] = set()
    for key, ids in wanted.items():
        if key in _APP_KEYS:
            clashes.append(f"{' and '.join(ids)} cannot have {_quoted(key)}: it is the key of {_APP_KEYS[key]}")
            refused.update(ids)
        elif len(ids) > 1:
            clashes.append(f"{' and '.join(ids)} both want {_quoted(key)}, so neither was changed")
            refused.update(ids)
    for binding_id in refused:
        del overrides[binding_id]
    for binding_id, keys in overrides.items():
        for key in sorted(_normal_keys(keys)):
            for other_id, other in bindings.items():
                if other_id in overrides or other_id == binding_id or key not in _normal_keys(other.key):
                    continue
                left = sorted(_normal_keys(other.key) - {key})
                now = f"it keeps {', '.join(_quoted(k) for k in left)}" if left else "it has no key now"
                clashes.append(f"{binding_id} takes {_quoted(key)} from {other_id} ({now}; give {other_id} "
                               "its own key in the keymap)")
    return overrides, clashes


HELP_ROWS = [
    ("tab / shift+tab", "move focus between article columns and the claims panel"),
    ("arrows, pgup/pgdn", "move the cursor in the focused article"),
    ("ctrl+left/right", "move by word"),
    ("shift+arrows", "select text (ctrl+shift+left/right: by word)"),
    ("s", "select the sentence at the cursor"),
    ("( / )", "previous / next sentence (extends the selection in visual mode)"),
    ("v", "visual mode: every movement extends the selection; Esc leaves"),
    ("c", "tag the selection as a claim: the claim form (digits choose, Tab, Enter saves)"),
    ("ctrl+n (in form)", "save and go on to the next sentence not yet annotated"),
    ("f2", "edit the claim under the cursor or highlighted in the panel"),
    ("r", "rate the article: 1–3, tick reasons with space, a note"),
    ("R", "rate the article's source (shown on all its articles)"),
    ("x", "delete the claim under the cursor or highlighted in the panel"),
    ("k", "link the claim at the cursor to another article's claim: suggestions, then s/p/x/e/r"),
    ("g", "show the linked claims of the claim at the cursor in their columns"),
    ("o", "corroboration: who states, contradicts or is silent on each claim group"),
    ("u / ctrl+z", "undo the last action (also after reopening)"),
    ("U / ctrl+y", "redo"),
    ("[ / ]", "show the previous / next articles"),
    ("h", "hide or show noise (ads, comment forms, teasers…)"),
    ("n", "mark the selection as noise, or unmark the region at the cursor"),
    ("e", "back to the list of events"),
    ("p", "show or hide the claims panel"),
    ("enter (in panel)", "jump to the claim in its article"),
    ("a / f", "claims panel: focused article or whole event / filter by stance"),
    ("t", "the event's target propositions: add one, or reword one"),
    ("S", "statistics of this event: label distributions, activity over time"),
    ("ctrl+p", "command palette: every action, and the themes"),
    ("/", "search the event: Enter next match (on through the articles), ctrl+r all matches"),
    ("*", "highlight the entity at the cursor in every column; again: its next mention"),
    ("E", "the event's entities by frequency (Enter focuses one, m on two merges them)"),
    ("l", "correct the entity at the cursor, or label the selection (a: every identical mention)"),
    ("?", "this help"),
    ("ctrl+q", "quit (everything is already saved)"),
]


class FactdeskApp(QuietExceptions):
    CSS_PATH = Path(__file__).with_name("factdesk.tcss")  # absolute: subclasses elsewhere work
    TITLE = "factdesk"

    def __init__(self, corpus: Corpus, store: AnnotationStore, analyser: Analyser, event_id: str | None = None) -> None:
        super().__init__()
        self.corpus = corpus
        self.store = store
        self.analyser = analyser
        self.event_id = event_id
        self._key_screens: dict[int, tuple] = {}  # key event -> (the screen, the widget) it was typed on
        self.unexpected_error: BaseException | None = None  # what stopped the app, raised again by run()
        self.user_keymap: dict[str, str] = {}  # binding id -> keys, from the reader's keymap file

    # -- untrusted text and unexpected errors ---------------------------------

    NOTIFY_LIMIT = 1000  # characters: a notification is a sentence, not a page

    def notify(self, message: str | Content, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification is literal text: a string is never parsed as
        markup (whatever ``markup`` says: screens and widgets pass True by
        default) and its control characters are shown as visible stand-ins, so a
        file name, a title or a search cannot crash the app, make a clickable
        action or write to the terminal. For styling, pass a :class:`Content`
        built from safe parts (e.g. ``Content.from_markup("[b]$name[/b]",
        name=visible(name))``)."""
        if isinstance(message, Content):  # Textual returns a Content as it is
            super().notify(message, title=visible(title, limit=80), severity=severity, timeout=timeout, markup=True)
            return
        super().notify(visible(message, limit=self.NOTIFY_LIMIT), title=visible(title, limit=80),
                       severity=severity, timeout=timeout, markup=False)

    def action_help_quit(self) -> None:
        # Textual's own hint is a markup string; this one is built from Content.
        self.notify(Content.from_markup("Press [b]ctrl+q[/b] to quit (everything is already saved)."),
                    title="Do you want to quit?")

    def get_system_commands(self, screen: Screen):
        """Every action of the main screen in the command palette (ctrl+p)."""
        from functools import partial

        from textual.app import SystemCommand

        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            for binding in screen.BINDINGS:
                if binding.description:
                    keys = self.user_keymap.get(binding.id, binding.key_display or binding.key)
                    yield SystemCommand(binding.description, Content(f"key: {visible(keys)}"),
                                        partial(screen.run_action, binding.action))

    def _load_keymap(self) -> None:
        """A user keymap: ``keymap.toml`` (or .json) in the config folder, or
        ``$FACTDESK_KEYMAP``, mapping binding ids to keys, e.g. ``claim = "k"``.

        What cannot be used is said, by name, and left as it was: unknown ids,
        values that are not key names, and keys two actions would share."""
        import json
        import os

        from platformdirs import user_config_dir

        env = os.environ.get("FACTDESK_KEYMAP")
        candidates = [Path(env)] if env else [Path(user_config_dir("factdesk")) / n for n in ("keymap.toml", "keymap.json")]
        for path in candidates:
            if not path.is_file():
                continue
            where = visible(path)
            try:
                if path.suffix == ".toml":
                    import tomllib

                    keymap = tomllib.loads(path.read_text(encoding="utf-8"))
                else:
                    keymap = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
                    raise ValueError("it must map binding ids to key names, e.g. claim = \"k\"")
            except (OSError, ValueError, ImportError, RecursionError) as exc:
                self.notify(f"{where}: keymap not used ({visible(exc, limit=300)}).", severity="warning", timeout=12)
                return
            bindings = {b.id: b for b in MainScreen.BINDINGS if b.id}
            unknown = sorted(set(keymap) - set(bindings))
            if unknown:
                self.notify(f"{where}: unknown binding ids {', '.join(_quoted(u) for u in unknown)}; "
                            f"known: {', '.join(sorted(bindings))}.", severity="warning", timeout=12)
            overrides, bad = {}, []
            for binding_id, keys in keymap.items():
                if binding_id not in bindings:
                    continue
                wrong = [k for k in keys.split(",") if not is_key_name(k)]
                if wrong or not keys.strip():
                    bad.append(f"{binding_id} = {_quoted(keys)} ({'not a key name: ' + ', '.join(_quoted(k) for k in wrong) if wrong else 'no key'})")
                else:
                    overrides[binding_id] = keys
            if bad:
                self.notify(f"{where}: {'; '.join(bad)}. Those actions keep their keys; a key is named like "
                            f"\"k\", \"K\", \"ctrl+k\", \"f2\" or \"question_mark\".", severity="warning", timeout=12)
            overrides, clashes = keymap_clashes(bindings, overrides)
            if clashes:
                self.notify(f"{where}: keys in conflict: {'; '.join(clashes)}.", severity="warning", timeout=12)
            self.user_keymap = overrides
            self.set_keymap(overrides)
            return

    def on_mount(self) -> None:
        """What the reader must know, said once when the app opens."""
        self._load_keymap()
        if self.analyser.warning:
            self.notify(self.analyser.warning, title="No trained model", severity="warning", timeout=12)
        # an ingested corpus's notes were printed by `factdesk ingest`, and stay in its corpus.json
        warnings = [] if self.corpus.kind == "ingested" else self.corpus.warnings
        for warning in warnings[:5]:
            self.notify(warning, severity="warning")
        if len(warnings) > 5:
            self.notify(f"… and {len(warnings) - 5} more notes about the corpus.", severity="warning")
        for note in self.store.report.notes:
            self.notify(note, severity="warning", timeout=12)
        if self.store.report.torn_tail:
            self.notify("The last action before a crash was incomplete and was not saved; "
                        "everything before it is here.", severity="warning", timeout=12)
        if self.store.reanchored.moved or self.store.reanchored.review:
            self.notify(self.store.reanchored.message() + ".", title="Articles changed", timeout=15)
        if self.store.read_only:
            self.notify("The store is open read-only: nothing you do is saved.", severity="warning", timeout=12)
        self.set_interval(2.0, self.store.maybe_snapshot)

    # -- keys typed ahead of a form ------------------------------------------
    #
    # A key goes down to the focused widget and, if nothing there handles it,
    # bubbles back up to the app, which then looks for a binding. By the time
    # "c" has come back and opened the claim form, the "1⏎" typed right after it
    # are already on their way down to the article view. When they come back up,
    # they belong to the form that has opened since: they are given to it, in
    # the order they were typed, instead of being dropped. The same for a text
    # field that took the focus since on the same screen (the search bar that
    # "/" opened): "/moscow" searches, it does not run "m", "o", "s"…

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if len(self._key_screens) > 256:  # keys handled on the way down never come back
                self._key_screens.clear()
            self._key_screens[id(event)] = (self.screen, self.focused)
        await super().on_event(event)

    async def on_key(self, event: events.Key) -> None:
        # Textual calls App's own key handler after this one (handlers run up
        # the class hierarchy); prevent_default() stops it when the key goes to the form.
        typed_on, focused = self._key_screens.pop(id(event), (None, None))
        if typed_on is None:
            return
        to_form = typed_on is not self.screen and isinstance(self.screen, ModalScreen)
        to_field = typed_on is self.screen and isinstance(self.focused, Input) and self.focused is not focused
        if to_form or to_field:
            event.prevent_default()
            target = self.focused if to_field else self.screen  # a form's screen gives keys to its rows
            forward_key(target, event)

    async def action_quit(self) -> None:
        # Textual prints the exit message after it restores the terminal, so
        # it is never lost on the alternate screen.
        self.exit(message=Text(f"Saved in {visible(self.store.path)}"))

    def run(self, *args, **kwargs):
        # Everything imported so far lives as long as the app. Freezing it keeps
        # the garbage collector from scanning it again and again while the
        # first screen is built: that was 40 % of the time to first paint.
        gc.freeze()
        gc.enable()  # paused during start-up by the CLI (see tui.cli.pause_gc_for_startup)
        return super().run(*args, **kwargs)  # raises what stopped the app: see QuietExceptions

    def get_default_screen(self) -> Screen:
        if self.event_id is not None:
            return MainScreen(self.corpus, self.store, self.analyser, self.corpus.event_by_id(self.event_id))
        if len(self.corpus.events) > 1:
            from tui.events import EventsScreen

            return EventsScreen(self.corpus, self.store)
        return MainScreen(self.corpus, self.store, self.analyser)

    def open_event(self, event: Event) -> None:
        if not event.article_ids:
            self.notify(f"The event “{visible(event.title, limit=80)}” has no articles.", severity="warning")
            return
        self.push_screen(MainScreen(self.corpus, self.store, self.analyser, event))

    def switch_to_events(self) -> None:
        """Back to the list of events (from an event opened directly)."""
        from tui.events import EventsScreen

        self.switch_screen(EventsScreen(self.corpus, self.store))

    @property
    def main(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))
