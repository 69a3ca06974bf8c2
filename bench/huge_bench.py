"""Keypress-to-repaint on huge articles, against a 20 KB article in the same run.

Four generated articles (nothing large is committed: they are made here, the
same every run): a 20 KB article of paragraphs (the baseline), a 5 MB article
of paragraphs, a 2 MB article that is one single line (what HTML-to-text often
gives), and a 5 MB article of paragraphs with a noise line ("Advertisement",
"Share this article", ...) after every few of them. Each is analysed with the
rule-based pipeline beforehand (the app opens warm: entities shown, no
analysis running) and given 200 claims. The app is FactdeskApp, driven as in
``bench/keys_bench.py``: each key through ``App._press_keys``, then wait for
idle; CPU time per key. The noisy articles are driven with ``h`` (fold the
noise lines away, show them again), six times a round; the first ``h`` of a
round (the one that finds the lines to fold) is also given alone. Every figure
is a ratio against the keypress cost of the 20 KB article measured in the same
rounds.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench.keys_bench import KEYS, SIZE, add_spread_claims, timed_keys

_PHRASE = ("the ministry said on Saturday that talks in Geneva had stalled while officials from "
          "Armenia and Azerbaijan met again , quoted by Reuters and the Associated Press . "
          "a ceasefire was agreed in Moscow after President Putin called both leaders")
_WORDS = _PHRASE.split()
_NOISE = ["Advertisement", "Share this article", "Related Articles", "Click here to subscribe", "Back to top"]


def paragraphs(size: int, seed: int = 1, noise_every: int = 0) -> str:
    """About ``size`` characters of news-like paragraphs of 30 to 120 words,
    with a noise line after every ``noise_every`` paragraphs if asked."""
    rng = random.Random(seed)
    parts, total, n = [], 0, 0
    while total < size:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(30, 120))]
        words[0] = words[0].capitalize()
        parts.append(" ".join(words) + " .")
        total += len(parts[-1]) + 1
        n += 1
        if noise_every and n % noise_every == 0:
            parts.append(rng.choice(_NOISE))
            total += len(parts[-1]) + 1
    return "\n".join(parts)


def single_line(size: int, seed: int = 2) -> str:
    """About ``size`` characters in one line."""
    return paragraphs(size, seed).replace("\n", " ")


def build(name: str, text: str, tmp: Path, analyser):
    from annotations.store import AnnotationStore
    from corpus.articles import Article, Corpus, Event, Target

    article = Article.from_text(text, path=f"{name}.txt", title=name, source="generated")
    event = Event("e", name, (Target("t1", "A target"),), (article.id,))
    corpus = Corpus(name, tmp, [event], [article])
    analysis = analyser.analyse([(article.text_hash, article.text)])[0]
    store = AnnotationStore(tmp / f"{name}.json")
    store.register_corpus(corpus)
    add_spread_claims(store, article, analysis)
    return corpus, store, article, analysis


async def drive(app, keys: list[str]) -> list[float]:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.current_view.focus()
        # the screen builds the event's sentence index in a worker a second after it
        # opens (tui/screens/main/links.py): let it finish, it is no key's cost
        await asyncio.sleep(1.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        times = await timed_keys(app, keys)
    return times


def main(rounds: int = 3) -> None:
    from corpus.analysis import Analyser, AnalysisCache
    from corpus.nlp import rules_choice
    from tui.app import FactdeskApp

    tmp = Path(tempfile.mkdtemp())
    analyser = Analyser(rules_choice(warning=None), AnalysisCache(tmp / "analysis"))
    t0 = time.perf_counter()
    cases = {
        "20 KB of paragraphs": (paragraphs(20_000), KEYS),
        "5 MB of paragraphs": (paragraphs(5_000_000), KEYS),
        "2 MB in one line": (single_line(2_000_000), KEYS),
        "20 KB with noise lines, h": (paragraphs(20_000, seed=3, noise_every=4), ["h"] * 6),
        "5 MB with noise lines, h": (paragraphs(5_000_000, seed=3, noise_every=4), ["h"] * 6),
    }
    built = {name: build(f"huge{i}", text, tmp, analyser) for i, (name, (text, _)) in enumerate(cases.items())}
    setup = time.perf_counter() - t0
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):  # alternating: every case sees the same machine load
        for name, (_, keys) in cases.items():
            corpus, store, _, _ = built[name]
            times[name] += asyncio.run(drive(FactdeskApp(corpus, store, analyser), keys))
    for corpus, store, _, _ in built.values():
        store.close()
    base = statistics.median(times["20 KB of paragraphs"])
    print(f"keypress to repaint on huge articles (CPU time per key), generated, rule-based entities, "
          f"200 claims each, {rounds} rounds, headless {SIZE[0]}x{SIZE[1]} (setup {setup:.0f} s)")
    for name, (_, keys) in cases.items():
        _, _, article, analysis = built[name]
        values = times[name]
        med = statistics.median(values)
        what = f"{len(keys)} keys" if keys is KEYS else f"{len(keys)} x h"
        print(f"  {name:<26} {len(article.text):>9,} chars {len(analysis.ents):>7,} entities  {what:<9}"
              f" median {med * 1000:7.2f} ms  p90 {sorted(values)[int(len(values) * .9)] * 1000:7.2f} ms"
              f"  ratio {med / base:5.2f}")
        if keys is not KEYS:  # the first h of each round finds the noise lines to fold
            first = statistics.median(values[::len(keys)])
            print(f"  {'':<26} {'':>9}       {'':>7}           {'first h':<9} median {first * 1000:7.2f} ms"
                  f"{'':>17}ratio {first / base:5.2f}")
    print("  (ratio: median against the 20 KB article's median key in the same run; goal <= 1.2)")


if __name__ == "__main__":
    os.environ.setdefault("FACTDESK_DATA_DIR", tempfile.mkdtemp())
    os.environ.setdefault("FACTDESK_CACHE_DIR", tempfile.mkdtemp())
    main()
