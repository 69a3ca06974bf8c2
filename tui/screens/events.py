"""The list of a corpus's events, with their article counts and progress.

A corpus may hold thousands of events: the table shows a window of them
(:data:`~tui.widgets.window_list.SHOWN` rows built), typing words narrows it to
the events whose titles hold them, and the progress of every event is counted
in one pass over the store's claims and ratings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from annotations.store import AnnotationStore
from corpus.articles import Corpus, Event
from corpus.text import visible
from tui.widgets.window_list import SHOWN as WINDOW
from tui.widgets.window_list import count_text, finder_keys, window, with_words


def progress_by_event(corpus_events: Iterable[Event], store: AnnotationStore) -> dict[str, tuple[int, int]]:
    """(claims, articles rated by this annotator) of each event, by its id: what
    :meth:`AnnotationStore.event_progress` gives for one event, for all of them
    in one pass over the store."""
    claims = Counter(c["article_id"] for c in store.records("claims") if c.get("status", "ok") == "ok")
    rated = {r["article_id"] for r in store.records("ratings") if r["annotator"] == store.annotator}
    progress = {}
    for event in corpus_events:
        ids = set(event.article_ids)
        progress[event.id] = (sum(claims[a] for a in ids), len(ids & rated))
    return progress


class EventsScreen(Screen):
    """The corpus's events with their article counts and annotation progress.
    Letters typed on the table find events by their title; Enter opens one."""

    DEFAULT_CSS = """
    EventsScreen #events-find {
        height: 1;
        border: none;
        padding: 0 1;
    }
    """

    BINDINGS = [Binding("question_mark", "help", "Help", key_display="?")]

    SHOWN = WINDOW  # rows built at a time

    def __init__(self, corpus: Corpus, store: AnnotationStore) -> None:
        super().__init__()
        self.corpus = corpus
        self.store = store
        self._titles = {e.id: f"{e.title} {e.id}".casefold() for e in corpus.events}  # what typing narrows by
        self._progress: dict[str, tuple[int, int]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Type words to find events by their title; ↓ goes to the list, Enter opens the first",
                    id="events-find", select_on_focus=False)
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
        """Every event's progress again (back from an event), and the window."""
        self._progress = progress_by_event(self.corpus.events, self.store)
        self._show()

    def _show(self) -> None:
        """The window of the events holding the words typed, the cursor kept
        on the event it was on (or at the same row), and the counts."""
        table = self.query_one(DataTable)
        was = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        cursor = table.cursor_row
        typed = self.query_one("#events-find", Input).value
        shown, total = window(with_words(self.corpus.events, lambda e: self._titles[e.id], typed), self.SHOWN)
        table.clear()
        for event in shown:
            claims, rated = self._progress.get(event.id, (0, 0))
            count = len(event.article_ids)
            table.add_row(count, claims, f"{rated}/{count}", Text(visible(event.title, limit=300)), key=event.id)
        if table.row_count:
            ids = [e.id for e in shown]
            table.move_cursor(row=ids.index(was) if was in ids else min(cursor or 0, table.row_count - 1))
        self._show_status(len(shown), total, typed)

    def _show_status(self, shown: int, total: int, typed: str) -> None:
        events_n = len(self.corpus.events)
        done = sum(1 for e in self.corpus.events
                   if e.article_ids and self._progress.get(e.id, (0, 0))[1] == len(e.article_ids))
        if total > shown:
            head = count_text(shown, total)
        elif typed.strip():
            head = f"{total:,} of {events_n:,} events hold the words typed"
        else:
            head = ""
        status = Text(" " + " · ".join(filter(None, [
            head, f"{events_n:,} events", f"{len(self.corpus.articles):,} articles",
            f"{done} events with every article rated", "Enter opens an event"])), no_wrap=True)
        self.query_one("#events-status", Static).update(status)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the finder: the event under the table's cursor (the first found)."""
        event.stop()
        table = self.query_one(DataTable)
        if table.row_count:
            self._open(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_key(self, event: events.Key) -> None:
        finder_keys(self, event, self.query_one("#events-find", Input), self.query_one(DataTable))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(event.row_key.value)

    def _open(self, event_id: str) -> None:
        self.app.open_event(self.corpus.event_by_id(event_id))

    def action_help(self) -> None:
        from tui.actions import help_rows
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(help_rows(getattr(self.app, "user_keymap", None))))
