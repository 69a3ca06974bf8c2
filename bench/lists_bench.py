"""Big lists stay lists: the entities popup (E) over 20,000 entities and the
events list over 5,000 events, each against the same screen over 20 items in
the same run. Everything is generated here, nothing is committed.

- Opening (app start included, as the reader waits for it): the popup or the
  screen pushed on a bare app until it has painted; goal: within 0.3 s of the
  20-item baseline.
- The events list's refresh on resume (back from an event: every event's
  progress again, over 5,000 claims and 2,500 ratings), timed from the call to
  the table having been redrawn.
- One letter typed on the list (it goes to the finder and narrows the
  window), from the key to the list having been redrawn; skipped when the
  screen has no finder (the code before it).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 3


def _entities(n: int) -> list[tuple[str, str, int, int]]:
    return [(f"{'place' if i % 2 else 'person'}:name {i}", f"Name {i}", n - i, 1 + i % 7) for i in range(n)]


def _corpus(n: int):
    from corpus.model import Corpus, Event

    return Corpus("bench", ROOT, [Event(f"e{i}", f"Talks round {i} in region {i % 97}", (), (f"a{i}", f"b{i}"))
                                  for i in range(n)])


async def _timed(screen_factory, finder: str, after_open=None) -> tuple[float, float | None, float | None]:
    """(open, refresh or None, one letter typed or None) of the screen."""
    from textual.app import App

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(screen_factory())

        def open_event(self, event) -> None:
            pass

    start = time.perf_counter()
    app = Host()
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        opened = time.perf_counter() - start
        refresh = None
        if after_open is not None:
            start = time.perf_counter()
            after_open(app.screen)
            await pilot.pause()
            refresh = time.perf_counter() - start
        typed = None
        if app.screen.query(finder):
            start = time.perf_counter()
            await pilot.press("1")
            await pilot.pause()
            typed = time.perf_counter() - start
            assert app.screen.query_one(finder).value == "1"
        return opened, refresh, typed


def _median(screen_factory, finder: str, after_open=None) -> list[float | None]:
    runs = [asyncio.run(_timed(screen_factory, finder, after_open)) for _ in range(RUNS)]
    return [statistics.median(r[i] for r in runs) if runs[0][i] is not None else None for i in range(3)]


def _line(name: str, values: list[float | None], base: list[float | None]) -> None:
    parts = [f"  {name:<26}"]
    for what, value, ref in zip(("open", "refresh", "letter"), values, base):
        if value is None:
            continue
        ratio = f" ({value / ref:4.2f}x)" if ref else ""
        parts.append(f"{what} {value * 1000:5.0f} ms{ratio}")
    print("   ".join(parts))


def main() -> None:
    from annotations.store import AnnotationStore
    from tui.screens.entities import EntitiesModal
    from tui.screens.events import EventsScreen

    small, full, big = _entities(20), _entities(200), _entities(20_000)
    base = _median(lambda: EntitiesModal(small), "#entity-find")
    window = _median(lambda: EntitiesModal(full), "#entity-find")
    many = _median(lambda: EntitiesModal(big), "#entity-find")
    print(f"the entities popup (E), median of {RUNS} (app start included)")
    _line("20 entities", base, [None] * 3)
    _line("200 (one full window)", window, base)
    _line("20,000 entities", many, base)
    print(f"  open: 20,000 minus 20        {(many[0] - base[0]) * 1000:5.0f} ms   (goal <= 300 ms)")

    with tempfile.TemporaryDirectory() as tmp, AnnotationStore(Path(tmp) / "s.json", annotator="bench") as store:
        store.import_records("claims", [{"id": f"c{i}", "article_id": f"a{i}", "status": "ok"}
                                        for i in range(5000)], "bench claims")
        store.import_records("ratings", [{"article_id": f"b{i}", "annotator": "bench", "label": "mixed"}
                                         for i in range(0, 5000, 2)], "bench ratings")
        few, full, lots = _corpus(20), _corpus(200), _corpus(5000)
        base = _median(lambda: EventsScreen(few, store), "#events-find", lambda s: s.refresh_rows())
        window = _median(lambda: EventsScreen(full, store), "#events-find", lambda s: s.refresh_rows())
        many = _median(lambda: EventsScreen(lots, store), "#events-find", lambda s: s.refresh_rows())
    print(f"the events list, 5,000 claims and 2,500 ratings in the store, median of {RUNS}")
    _line("20 events", base, [None] * 3)
    _line("200 (one full window)", window, base)
    _line("5,000 events", many, base)
    print(f"  open: 5,000 minus 20         {(many[0] - base[0]) * 1000:5.0f} ms   (goal <= 300 ms)")


if __name__ == "__main__":
    main()
