"""`make bench`: every figure is a ratio against a baseline measured in the same run."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def first_paint(runs: int = 15) -> None:
    from corpus.analysis import Analyser
    from corpus.articles import load_folder, sample_corpus_path
    from corpus.nlp import resolve_model

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, FACTDESK_DATA_DIR=f"{tmp}/data", FACTDESK_CACHE_DIR=f"{tmp}/cache")
        os.environ.update(env)
        corpus = load_folder(sample_corpus_path())
        analyser = Analyser(resolve_model())
        analyser.analyse([(a.text_hash, a.text) for a in corpus.articles])  # warm the cache
        times: dict[str, list[float]] = {"bare": [], "plain": [], "factdesk": []}
        for _ in range(runs):  # paired: both apps see the same machine load
            for mode in times:
                out = subprocess.run(
                    [sys.executable, str(ROOT / "bench" / "first_paint.py"), mode],
                    capture_output=True, text=True, env=env, cwd=ROOT, check=True,
                )
                seconds, spacy_loaded, _rss = out.stdout.split()
                if float(seconds) < 0:
                    raise SystemExit("factdesk painted before its entities were shown")
                if mode == "factdesk" and spacy_loaded == "True":
                    raise SystemExit("a warm open imported spaCy")
                times[mode].append(float(seconds))
    bare, plain, fd = times["bare"], times["plain"], times["factdesk"]

    def line(name: str, values: list[float], note: str = "") -> None:
        print(f"  {name:<28} median {statistics.median(values) * 1000:5.0f} ms   min {min(values) * 1000:5.0f} ms{note}")

    def ratio(a: list[float], b: list[float]) -> float:
        return statistics.median(x / y for x, y in zip(a, b))

    print(f"first paint, bundled corpus, warm cache ({runs} paired runs, headless 160x40)")
    line("bare Textual app", bare)
    line("Header+Footer+2 TextAreas", plain)
    line("factdesk", fd, f"   (model {analyser.choice.label}; spaCy not imported)")
    print(f"  ratio factdesk / bare        {ratio(fd, bare):.2f}   (goal <= 1.5)")
    print(f"  ratio plain widgets / bare   {ratio(plain, bare):.2f}   (the floor for this screen in Textual)")
    print(f"  ratio factdesk / plain       {ratio(fd, plain):.2f}   (factdesk's own overhead)")

BENCHES = {
    "paint": first_paint,
    "store": lambda: __import__("bench.store_bench", fromlist=["main"]).main(),
    "corpus": lambda: __import__("bench.corpus_bench", fromlist=["main"]).main(),
    "keys": lambda: __import__("bench.keys_bench", fromlist=["main"]).main(),
    "export": lambda: __import__("bench.export_bench", fromlist=["main"]).main(),
    "links": lambda: __import__("bench.links_bench", fromlist=["main"]).main(),
    "huge": lambda: __import__("bench.huge_bench", fromlist=["main"]).main(),
    "quit": lambda: __import__("bench.quit_bench", fromlist=["main"]).main(),
    "scale": lambda: __import__("bench.scale_bench", fromlist=["main"]).main(),
    "lists": lambda: __import__("bench.lists_bench", fromlist=["main"]).main(),
    "open": lambda: __import__("bench.open_bench", fromlist=["main"]).main(),
}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(BENCHES)
    for i, name in enumerate(chosen):
        if name not in BENCHES:
            raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHES)}")
        if i:
            print()
        BENCHES[name]()
