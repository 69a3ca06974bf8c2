"""The one place factdesk uses Textual's private names (Textual 8.2.8).

Each is here because Textual offers no public way to do it, and
``tests/test_textual_adapter.py`` pins what factdesk relies on, so a Textual
release that changes it fails a test instead of misbehaving quietly.

- :func:`forward_key`: give a key to a screen or widget as Textual gives a
  key to the focused widget, marked as forwarded (``MessagePump._forward_event``,
  what Textual's own key routing calls). A key that came back to the app
  unhandled is given on to a form or field opened since (``tui/typeahead.py``).
  Posting a plain ``Key`` instead would not do: one that is not marked as
  forwarded and bubbles back up to the app is taken for a new key from the
  terminal, and typed a second time.
- :class:`QuietExceptions`: an exception nothing handled stops a Textual app,
  which then prints a traceback with its local variables (article text among
  them) over the terminal. Textual has no hook but ``App._handle_exception``
  and the list of what it prints on exit (``App._exit_renderables``): the
  error is kept instead, and ``run()`` raises it once the terminal is
  restored, for the command to write it to a log file and print one line.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.message_pump import MessagePump


def forward_key(target: MessagePump, key: events.Key) -> events.Key:
    """Give ``target`` a copy of ``key`` (into its queue, marked as forwarded); returns the copy."""
    copy = events.Key(key.key, key.character)
    target._forward_event(copy)
    return copy


class QuietExceptions(App):
    """An app whose unhandled exception is kept in ``unexpected_error`` and
    raised again by :meth:`run`, with no traceback printed on the terminal."""

    unexpected_error: BaseException | None = None

    def _handle_exception(self, error: Exception) -> None:
        from textual.worker import WorkerFailed

        if self.unexpected_error is None:
            self.unexpected_error = error.error if isinstance(error, WorkerFailed) else error
        super()._handle_exception(error)
        self._exit_renderables.clear()  # the traceback Textual rendered for the terminal

    def run(self, *args, **kwargs):
        result = super().run(*args, **kwargs)
        if self.unexpected_error is not None:  # after the terminal is restored
            raise self.unexpected_error
        return result
