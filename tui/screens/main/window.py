"""The main screen's window of articles: how many columns fit, which are
shown, the tabs with one column, and moving the window ([ and ])."""

from __future__ import annotations

from textual.events import Resize

from corpus.articles import Article
from tui.widgets.article_column import ArticleColumn
from tui.widgets.article_view import ArticleView
from tui.widgets.status_line import TabStrip

PANEL_MIN_WIDTH = 160  # the claims panel shows by default from this width
COLUMN_MIN_WIDTH = 55


def columns_for_width(width: int, panel: bool) -> int:
    """How many article columns fit: one (with tabs) below about 110 cells,
    two from there, up to four on wide terminals."""
    available = width - (34 if panel else 0)
    if available < 110:
        return 1
    return max(2, min(4, available // COLUMN_MIN_WIDTH))


class ArticleWindow:
    """Part of :class:`~tui.screens.main.MainScreen`: the columns shown."""

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
        tabs = self.query_one(TabStrip)
        shown = self.visible_count == 1 and len(self.articles) > 1
        if tabs.display != shown:  # setting it at all lays the screen out again
            tabs.display = shown
        tabs.current = self.first_visible

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
            if column is not None and column.display != self._in_window(position):
                column.display = self._in_window(position)
        self._update_tabs()

    def reveal(self, article_id: str) -> None:
        """Shift the window of shown articles so that ``article_id`` is in it."""
        position = self.position_of(article_id)
        if not self._in_window(position):
            self.first_visible = max(0, min(position, len(self.articles) - self.visible_count))
            self._show_window()
            self._update_status()

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

