"""Suggestions for one claim in an FNC-1 event of 30 articles, against one cursor repaint.

Both are measured in the same app, in this process: the CPU time of the
suggestions for a claim (``Desk.link_candidates``: similar sentences
of the 29 other articles, with their reasons), first with the event's
sentence index still to build (the first suggestion of a session) and then
with it built; and the CPU time of one cursor move down and its repaint
(as in the keypress benchmark).
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

from annotations.store import AnnotationStore  # noqa: E402
from bench.corpus_bench import ingested_fnc1  # noqa: E402
from corpus.analysis import Analyser, AnalysisCache  # noqa: E402
from corpus.articles import Corpus, Event  # noqa: E402
from corpus.ingest import load_ingested  # noqa: E402
from corpus.nlp import resolve_model  # noqa: E402
from tui.app import FactdeskApp  # noqa: E402

SIZE = (160, 40)
ARTICLES = 30


async def measure(app: FactdeskApp, claims: list[dict]) -> tuple[list[float], list[float], list[float]]:
    cold, warm, keys = [], [], []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = app.main
        main.current_view.focus()
        await pilot.pause()
        for claim in claims:
            main.desk.index_key = None  # the first suggestion of a session builds the index
            t0 = time.process_time()
            main.desk.link_candidates(claim)
            cold.append(time.process_time() - t0)
            t0 = time.process_time()
            main.desk.link_candidates(claim)
            warm.append(time.process_time() - t0)
            t0 = time.process_time()
            await app._press_keys(["down"])
            await wait_for_idle(0)
            keys.append(time.process_time() - t0)
    return cold, warm, keys


def main() -> None:
    folder = ingested_fnc1()
    full = load_ingested(folder)
    event = next(e for e in sorted(full.events, key=lambda e: -len(e.article_ids)) if len(e.article_ids) >= ARTICLES)
    ids = event.article_ids[:ARTICLES]
    articles = [full.article(i) for i in ids]
    corpus = Corpus("bench", full.path, [Event(event.id, event.title, event.targets, tuple(ids))], articles, [], [],
                    full.kind, cache_dir=full.cache_dir)
    analyser = Analyser(resolve_model(), AnalysisCache(full.cache_dir))
    analyses = analyser.analyse([(a.text_hash, a.text) for a in articles])
    os.environ.setdefault("FACTDESK_DATA_DIR", tempfile.mkdtemp())
    store = AnnotationStore(Path(tempfile.mkdtemp()) / "s.json")
    store.register_corpus(corpus)
    claims = []
    for article, analysis in zip(articles, analyses):  # claims on sentences of the first articles
        for sentence in analysis.sents[:3]:
            if len(claims) < 20:
                claims.append(store.add_claim(article.id, *sentence))
    cold, warm, keys = asyncio.run(measure(FactdeskApp(corpus, store, analyser), claims))
    store.close()
    sentences = sum(len(a.sents) for a in analyses)
    key = statistics.median(keys)
    print(f"suggestions for one claim, FNC-1 event {event.id} ({ARTICLES} articles, {sentences} sentences), "
          f"{len(claims)} claims, CPU time, headless {SIZE[0]}x{SIZE[1]}")
    print(f"  one cursor repaint (down)        median {key * 1000:6.2f} ms")
    print(f"  suggestions, index built         median {statistics.median(warm) * 1000:6.2f} ms   "
          f"ratio {statistics.median(warm) / key:5.2f}")
    print(f"  suggestions, first of a session  median {statistics.median(cold) * 1000:6.2f} ms   "
          f"ratio {statistics.median(cold) / key:5.2f}   (includes building the event's sentence index)")


if __name__ == "__main__":
    main()
