"""Keypress-to-repaint in the longest FNC-1 body, factdesk against a plain TextArea.

factdesk shows body 2575 (19,815 characters) with all its entities and 200
claims highlighted; the baseline is a plain read-only Textual TextArea holding
the same text with no highlights. Both are driven by Pilot in this process,
the same keys (cursor moves and selection extensions), in alternating rounds.
Each key goes through ``App._press_keys`` (what ``pilot.press`` uses) and the
process then waits until idle, i.e. after the repaint; that wait sleeps, so
wall-clock time per key is mostly sleep. What is measured is the CPU time per
key (``time.process_time``): the work of handling the key and repainting.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual._wait import wait_for_idle  # noqa: E402
from textual.app import App  # noqa: E402
from textual.widgets import TextArea  # noqa: E402

from annotations.store import AnnotationStore  # noqa: E402
from corpus.analysis import Analyser, AnalysisCache  # noqa: E402
from corpus.articles import Corpus, Event, Target  # noqa: E402
from corpus.importers import load_corpus  # noqa: E402
from corpus.nlp import resolve_model  # noqa: E402
from tui.app import FactdeskApp  # noqa: E402

FNC1 = ROOT.parent / "shared" / "corpora" / "fnc1"
KEYS = ["down"] * 40 + ["shift+down"] * 20 + ["right"] * 20 + ["shift+right"] * 20 + ["pagedown"] * 5 + ["up"] * 30
SIZE = (160, 40)


class Plain(App):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self):
        yield TextArea(self.text, read_only=True, soft_wrap=True)


async def drive(app: App, focus) -> list[float]:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        focus(app)
        await pilot.pause()
        times = await timed_keys(app, KEYS)
    return times


async def timed_keys(app: App, keys) -> list[float]:
    """The CPU time of each key. Pilot.press also posts a callback to every
    widget of the screen after each key (its _wait_for_screen), which charges
    an app for its number of widgets, not its work: the key is pressed as
    Pilot does, then the app is let go idle."""
    times = []
    for key in keys:
        t0 = time.process_time()
        await app._press_keys([key])
        await wait_for_idle(0)
        times.append(time.process_time() - t0)
    return times


def add_spread_claims(store, article, analysis, count: int = 200) -> None:
    """``count`` claims spread through the article's text, a few tokens each."""
    tokens = [t for t in analysis.tokens if article.text[t[0]:t[1]].strip()]
    step = max(1, len(tokens) // count)
    for i in range(count):
        first, last = tokens[i * step], tokens[min(len(tokens) - 1, i * step + max(1, step // 2))]
        store.add_claim(article.id, first[0], last[1], {"t1": "discuss"})


def main(rounds: int = 3) -> None:
    if not FNC1.exists():
        print(f"keypress benchmark skipped: {FNC1} is not there")
        return
    full = load_corpus(FNC1)
    article = next(a for a in full.articles if a.meta.get("body_id") == "2575")
    event = Event("e", "body 2575", (Target("t1", "A target"),), (article.id,))
    corpus = Corpus("bench", full.path, [event], [article], [], [], "fnc1")
    tmp = Path(tempfile.mkdtemp())
    analyser = Analyser(resolve_model(), AnalysisCache(ROOT / ".bench" / "analysis"))
    analysis = analyser.analyse([(article.text_hash, article.text)])[0]
    store = AnnotationStore(tmp / "s.json")
    store.register_corpus(corpus)
    add_spread_claims(store, article, analysis)
    ours, plain = [], []
    for _ in range(rounds):
        ours += asyncio.run(drive(FactdeskApp(corpus, store, analyser), lambda app: app.main.current_view.focus()))
        plain += asyncio.run(drive(Plain(article.text), lambda app: app.query_one(TextArea).focus()))
    store.close()
    print(f"keypress to repaint (CPU time per key), FNC-1 body 2575 ({len(article.text):,} characters, {len(analysis.ents)} entities, "
          f"200 claims), {len(KEYS)} keys x {rounds} rounds, headless {SIZE[0]}x{SIZE[1]}")
    print(f"  plain TextArea   median {statistics.median(plain) * 1000:6.2f} ms   p90 {sorted(plain)[int(len(plain) * .9)] * 1000:6.2f} ms")
    print(f"  factdesk         median {statistics.median(ours) * 1000:6.2f} ms   p90 {sorted(ours)[int(len(ours) * .9)] * 1000:6.2f} ms")
    print(f"  ratio            {statistics.median(ours) / statistics.median(plain):6.2f}   (goal <= 1.2)")


if __name__ == "__main__":
    os.environ.setdefault("FACTDESK_DATA_DIR", tempfile.mkdtemp())
    main()
