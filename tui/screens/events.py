"""The list of a corpus's events, with their article counts and progress."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from annotations.store import AnnotationStore
from corpus.articles import Corpus
from corpus.text import visible


class EventsScreen(Screen):
    """The corpus's events with their article counts and annotation progress."""

    BINDINGS = [Binding("question_mark", "help", "Help", key_display="?")]

    def __init__(self, corpus: Corpus, store: AnnotationStore) -> None:
        super().__init__()
        self.corpus = corpus
        self.store = store

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="events", cursor_type="row", zebra_stripes=True)
        yield Static(id="events-status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "factdesk"
        self.sub_title = f"{visible(self.corpus.name, limit=200)}: {len(self.corpus.events)} events"
        if self.corpus.share:  # opened with --plan: whose share, and how much
            self.sub_title += f" · {visible(self.corpus.share, limit=120)}"
        table = self.query_one(DataTable)
        table.add_column("articles", key="articles")
        table.add_column("claims", key="claims")
        table.add_column("rated", key="rated")
        table.add_column("event", key="event")
        self.refresh_rows()
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        done = 0
        for event in self.corpus.events:
            claims, rated = self.store.event_progress(list(event.article_ids))
            count = len(event.article_ids)
            done += rated == count and count > 0
            table.add_row(count, claims, f"{rated}/{count}", Text(visible(event.title, limit=300)), key=event.id)
        if cursor is not None and table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        status = Text(f" {len(self.corpus.events)} events · {len(self.corpus.articles)} articles · "
                      f"{done} events with every article rated · Enter opens an event", no_wrap=True)
        self.query_one("#events-status", Static).update(status)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_event(self.corpus.event_by_id(event.row_key.value))

    def action_help(self) -> None:
        from tui.actions import help_rows
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(help_rows(getattr(self.app, "user_keymap", None))))
