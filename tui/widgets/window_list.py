"""A window on a long list: the rows holding the words typed, at most a few
hundred of them built, and a count of how many there are.

A list of 20,000 entities or 5,000 events opens at once because only the rows
of its window are made into widgets' rows; typing words narrows it. What
narrows is plain Python (:func:`with_words`, :func:`window`); :func:`fill`
puts a window into an :class:`~textual.widgets.OptionList` and its count into
a label, and :func:`finder_keys` sends a letter typed on the list to the box
that narrows it (and ↓ from that box back to the list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

T = TypeVar("T")

SHOWN = 200  # rows built at a time


def with_words(items: Iterable[T], haystack: Callable[[T], str], typed: str) -> Iterator[T]:
    """The items whose ``haystack`` (already casefolded) holds every word
    typed (any case), in their order."""
    words = typed.casefold().split()
    if not words:
        yield from items
        return
    for item in items:
        text = haystack(item)
        if all(w in text for w in words):
            yield item


def window(matching: Iterable[T], shown: int = SHOWN) -> tuple[list[T], int]:
    """The first ``shown`` of ``matching``, and how many match in all (the rest
    are counted, never built)."""
    rest = iter(matching)
    first = list(islice(rest, shown))
    return first, len(first) + sum(1 for _ in rest)


def count_text(shown: int, total: int, hint: str = "type words to narrow the list") -> str:
    """"200 of 20,000 shown: <hint>", or "" when every match is shown."""
    return f"{shown:,} of {total:,} shown: {hint}" if total > shown else ""


def fill(options: OptionList, count: Label, matching: Iterable[T], option: Callable[[T], Option],
         shown: int = SHOWN, hint: str = "type words to narrow the list") -> tuple[list[T], int]:
    """Show the window of ``matching`` in ``options`` (the first highlighted)
    and its count in ``count`` (hidden when every match is shown). The rows
    shown, and how many match."""
    first, total = window(matching, shown)
    options.clear_options()
    options.add_options([option(item) for item in first])
    if first:
        options.highlighted = 0
    count.update(Text(count_text(len(first), total, hint)))
    count.display = total > len(first)
    return first, total


def typed_into(screen: Screen, event: events.Key, box: Input) -> bool:
    """A printable key typed on a list that no binding takes (``m`` of a list
    that merges stays a merge, ``?`` the help) goes to ``box``, the field
    that narrows the list, which takes the focus for the keys after it. True
    if it went there (the key is then stopped)."""
    if screen.focused is box or not event.is_printable or not event.character:
        return False
    if event.key in screen.active_bindings:
        return False
    event.stop()
    event.prevent_default()
    screen.set_focus(box)
    box.insert_text_at_cursor(event.character)
    return True


def finder_keys(screen: Screen, event: events.Key, box: Input, rows: Widget) -> None:
    """A screen's keys for a list ``rows`` narrowed by the field ``box``: ↓ in
    the field goes to the list; a letter typed on the list goes to the field
    (:func:`typed_into`)."""
    if screen.focused is box:
        if event.key == "down":
            event.stop()
            event.prevent_default()
            rows.focus()
        return
    typed_into(screen, event, box)
