"""Keys typed ahead act as if typed slowly: one at a time, each where the
reader looks when its turn comes.

Textual hands a key to the widget focused *when the app takes it from its
queue*, by putting it in that widget's own queue; the widget handles it later,
in its own task. In a burst the app takes every key before the first has been
handled, so all of them go to the widget that had the focus before the burst:
in the claim form "2 1" chose 2 and then 1 in the *same* row (the focus move
the 2 made came too late for the 1), and "r 3 Tab Tab note" gave the note to
the article. Posting the keys again, or to the screen, does not help: any
queue a key waits in, the focus can change behind it.

So a key is given out only when the key before it has been handled:

1. The app gives the key to the focused widget (or takes it as a priority
   binding), as Textual does, and sends a marker after it into that widget's
   queue. Each queue is first in, first out, so when the widget comes to the
   marker it has handled the key, which has either stopped there or bubbled up
   to the parent: the marker goes on up to the parent, behind it, and so on
   until the app. When the marker reaches the app, the key has been handled
   everywhere it went, bindings included.
2. Then the marker goes through the current screen and back, and again
   through the new one if the screen has changed meanwhile. A form that the
   key opened (directly, or from a worker, which starts before the marker
   comes back) has by then composed and mounted its rows (a screen does that
   before it reads its queue), and its first focus (posted to the app before
   the marker came back) is applied.
3. Only then is the next key given out: to the widget focused *now*.

A marker held by a widget that is removed before it comes to it would stop
every key after it; a watchdog lets the next key go if the one holding the
marker has closed.

If a key comes back to the app unhandled and meanwhile a form opened that its
journey did not open (a worker's), or a text field took the focus on the same
screen (the search bar of "/"), it is given to that form or field.
"""

from __future__ import annotations

from collections import deque

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Input

from tui.textual_adapter import forward_key

WATCHDOG = 0.5  # seconds between checks that the marker's holder is still alive


class TypeAhead(App):
    """An app whose keys typed ahead act as if typed one by one."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._typed: deque[events.Key | events.Paste] = deque()  # typed, waiting for the key before them
        self._on_its_way: events.Key | events.Paste | None = None  # the key being handled
        self._origin: tuple[Screen, object] | None = None  # where the key on its way was given out
        self._marker_at: MessagePump | None = None  # the queue holding its marker
        self._watchdog: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self._typed.append(event)  # fresh from the terminal
            if self._on_its_way is None:
                await self._give_next()
            return
        await super().on_event(event)

    # -- one key at a time ------------------------------------------------------

    async def _give_next(self) -> None:
        """Give out the next key typed: as Textual does, to the widget focused now."""
        if self._on_its_way is not None or not self._typed:
            return
        key = self._typed.popleft()
        self._on_its_way = key
        self._origin = (self.screen, self.focused)
        self._watch()
        await super().on_event(key)  # Textual's own: a priority binding, or to the focused widget
        if key.is_forwarded:  # given to the focused widget (the screen if none): follow it
            self._follow(self.focused or self.screen, key)
        else:  # a priority binding took it
            self._arrived(key)

    def _follow(self, node: MessagePump, key) -> None:
        """Send the marker of ``key`` into ``node``'s queue, behind the key."""
        self._marker_at = node
        if not node.call_later(self._marker, node, key):  # closing: the key went no further
            self._arrived(key)

    def _marker(self, node: MessagePump, key) -> None:
        """In ``node``'s task: ``node`` has handled ``key``; on up to the app."""
        if key is not self._on_its_way:  # given on to a form since (see on_key): its copy is followed
            return
        if node is self:
            self._arrived(key)
            return
        parent = node.parent
        if parent is None:
            self.call_later(self._arrived, key)
        else:
            self._follow(parent, key)

    def _arrived(self, key, through: Screen | None = None) -> None:
        """``key`` is handled. The next key goes once the screen it leaves on
        has settled: once a marker sent through it (``through``) has come back
        and the screen is the same."""
        if key is not self._on_its_way:
            return
        screen = self.screen
        if screen is through:
            self._done()
            return
        self._marker_at = screen
        if not screen.call_later(self.call_later, self._arrived, key, screen):
            self._done()

    def _done(self) -> None:
        self._on_its_way = self._origin = self._marker_at = None
        if self._watchdog is not None:
            self._watchdog.pause()
        if self._typed:
            self.call_later(self._give_next)

    def _watch(self) -> None:
        if self._watchdog is None:
            self._watchdog = self.set_interval(WATCHDOG, self._check_marker, name="typeahead watchdog")
        else:
            self._watchdog.reset()
            self._watchdog.resume()

    def _check_marker(self) -> None:
        """The queue holding the marker closed (its widget was removed): let the next key go."""
        holder = self._marker_at
        if self._on_its_way is not None and holder is not None and not holder.call_later(lambda: None):
            self._done()

    # -- a key that comes back to a form or field opened since -------------------

    async def on_key(self, event: events.Key) -> None:
        # Textual calls App's own key handler after this one (handlers run up
        # the class hierarchy); prevent_default() stops it when the key goes on.
        if event is not self._on_its_way or self._origin is None:
            return
        typed_on, focused = self._origin
        to_form = typed_on is not self.screen and isinstance(self.screen, ModalScreen)
        to_field = typed_on is self.screen and isinstance(self.focused, Input) and self.focused is not focused
        if to_form or to_field:
            event.prevent_default()
            target = self.focused or self.screen
            copy = forward_key(target, event)
            self._on_its_way, self._origin = copy, (self.screen, self.focused)
            self._follow(target, copy)
