"""One timed start: prints seconds from interpreter start to the first paint.

``python bench/first_paint.py bare`` times a bare Textual app with one Static;
``python bench/first_paint.py plain`` times a plain Textual app with a Header,
a Footer and two read-only TextAreas holding the first two sample articles
(the floor of what factdesk's screen costs in Textual);
``python bench/first_paint.py factdesk`` times factdesk on the bundled corpus,
opened exactly as the ``factdesk`` command opens it (warm analysis cache).
"""

import sys
import time

START = time.perf_counter()


def main() -> None:
    mode = sys.argv[1]
    if mode == "bare":
        from textual.app import App
        from textual.widgets import Static

        class Bare(App):
            def compose(self):
                yield Static("hello")

            def on_ready(self) -> None:
                self.exit(time.perf_counter() - START)

        app = Bare()
    elif mode == "plain":
        from pathlib import Path

        from textual.app import App
        from textual.containers import Horizontal
        from textual.widgets import Footer, Header, TextArea

        folder = Path(__file__).resolve().parent.parent / "corpus" / "samples" / "karabakh-2020"
        texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[:2]]

        class Plain(App):
            def compose(self):
                yield Header()
                with Horizontal():
                    for text in texts:
                        yield TextArea(text, read_only=True, soft_wrap=True)
                yield Footer()

            def on_ready(self) -> None:
                self.exit(time.perf_counter() - START)

        app = Plain()
    elif mode == "event":
        import os

        from tui.cli import pause_gc_for_startup

        pause_gc_for_startup()  # as the factdesk command does
        from tui.app import FactdeskApp
        from tui.cli import open_session

        corpus, store, analyser = open_session(os.environ["FACTDESK_CORPUS"])

        class TimedEvent(FactdeskApp):
            def on_ready(self) -> None:
                painted = all(c.view.entities for c in self.main.columns.values() if c.display)
                self.exit((time.perf_counter() - START) if painted else -1.0)

        app = TimedEvent(corpus, store, analyser, event_id=os.environ["FACTDESK_EVENT"])
    else:
        from tui.cli import pause_gc_for_startup

        pause_gc_for_startup()  # as the factdesk command does
        from tui.app import FactdeskApp
        from tui.cli import open_session

        corpus, store, analyser = open_session()

        class Timed(FactdeskApp):
            def on_ready(self) -> None:
                painted = all(c.view.entities for c in self.main.columns.values() if c.display)
                self.exit((time.perf_counter() - START) if painted else -1.0)

        app = Timed(corpus, store, analyser)
    elapsed = app.run(headless=True, size=(160, 40))
    # VmHWM, not ru_maxrss: ru_maxrss survives exec and would report the parent's peak
    status = open("/proc/self/status").read()
    rss_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024 if "VmHWM:" in status else float("nan")
    print(f"{elapsed:.4f} {'spacy' in sys.modules} {rss_mb:.1f}")


main()
