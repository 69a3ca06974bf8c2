"""Keys typed ahead of a form reach the form.

A key goes down to the focused widget and, if nothing there handles it,
bubbles back up to the app, which then looks for a binding. By the time "c"
has come back and opened the claim form, the "1⏎" typed right after it are
already on their way down to the article view. When they come back up, they
belong to the form that has opened since: they are given to it, in the order
they were typed, instead of being dropped. The same for a text field that
took the focus since on the same screen (the search bar that "/" opened):
"/moscow" searches, it does not run "m", "o", "s"…
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.screen import ModalScreen
from textual.widgets import Input

from tui.textual_adapter import forward_key


class TypeAhead(App):
    """An app whose keys typed ahead reach the form or field they were meant for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._key_screens: dict[int, tuple] = {}  # key event -> (the screen, the widget) it was typed on

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
