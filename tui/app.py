"""The factdesk app: the screens, the reader's keymap, notifications that never
parse markup, and keys typed ahead that reach the form they were meant for.

The screens are in :mod:`tui.screens` (the main one in :mod:`tui.screens.main`),
the widgets in :mod:`tui.widgets`, every key of the main screen in
:mod:`tui.actions`.
"""

from __future__ import annotations

import gc
from pathlib import Path

from rich.text import Text
from textual.content import Content
from textual.screen import Screen

from annotations.store import AnnotationStore
from corpus.analysis import Analyser
from corpus.articles import Corpus, Event
from corpus.text import visible
from tui.actions import ACTIONS
from tui.keymap import read_keymap
from tui.screens.main import MainScreen, columns_for_width
from tui.textual_adapter import QuietExceptions
from tui.typeahead import TypeAhead

__all__ = ["FactdeskApp", "MainScreen", "columns_for_width"]

ACTIONS_BY_ID = {action.id: action.binding() for action in ACTIONS.values()}


class FactdeskApp(TypeAhead, QuietExceptions):
    CSS_PATH = Path(__file__).with_name("factdesk.tcss")  # absolute: subclasses elsewhere work
    TITLE = "factdesk"

    def __init__(self, corpus: Corpus, store: AnnotationStore, analyser: Analyser, event_id: str | None = None) -> None:
        super().__init__()
        self.corpus = corpus
        self.store = store
        self.analyser = analyser
        self.event_id = event_id
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
            for action in ACTIONS.values():
                keys = action.shown_keys(self.user_keymap.get(action.id))
                yield SystemCommand(action.description, Content(f"key: {visible(keys)} · {action.help}"),
                                    partial(screen.run_action, action.action))

    def _load_keymap(self) -> None:
        """The reader's keymap (see :mod:`tui.keymap`), given to Textual; what
        cannot be used is said by name."""
        self.user_keymap, warnings = read_keymap(ACTIONS_BY_ID)
        for warning in warnings:
            self.notify(warning, severity="warning", timeout=12)
        if self.user_keymap:
            self.set_keymap(self.user_keymap)

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
            from tui.screens.events import EventsScreen

            return EventsScreen(self.corpus, self.store)
        return MainScreen(self.corpus, self.store, self.analyser)

    def open_event(self, event: Event) -> None:
        if not event.article_ids:
            self.notify(f"The event “{visible(event.title, limit=80)}” has no articles.", severity="warning")
            return
        self.push_screen(MainScreen(self.corpus, self.store, self.analyser, event))

    def switch_to_events(self) -> None:
        """Back to the list of events (from an event opened directly)."""
        from tui.screens.events import EventsScreen

        self.switch_screen(EventsScreen(self.corpus, self.store))

    @property
    def main(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))
