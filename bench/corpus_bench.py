"""Corpus benchmarks: ingest throughput, warm open of an FNC-1 event, memory.

Each figure is a ratio against a baseline measured in the same run.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.articles import Corpus  # noqa: E402
from corpus.importers import load_corpus  # noqa: E402
from corpus.ingest import ingest  # noqa: E402
from corpus.nlp import load_pipeline, resolve_model  # noqa: E402

FNC1 = ROOT.parent / "shared" / "corpora" / "fnc1"
BENCH_DIR = ROOT / ".bench"  # kept between runs: an ingested FNC-1 resumes instantly


def subset(corpus: Corpus, n: int) -> Corpus:
    articles = corpus.articles[:n]
    ids = {a.id for a in articles}
    events = [e for e in corpus.events if set(e.article_ids) <= ids][:1] or corpus.events[:1]
    return Corpus(corpus.name, corpus.path, events, articles, [], [], corpus.kind)


def ingest_throughput(corpus: Corpus, n: int = 150, rounds: int = 2) -> None:
    choice = resolve_model()
    nlp, choice = load_pipeline(choice)
    part = subset(corpus, n)
    texts = [a.text for a in part.articles]
    chars = sum(map(len, texts))
    bare_t, ours_t = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=32):
            pass
        bare_t.append(time.perf_counter() - t0)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            ingest(part, Path(tmp) / "c", choice, nlp=nlp)
            ours_t.append(time.perf_counter() - t0)
    bare, ours = min(bare_t), min(ours_t)
    print(f"ingest throughput, {n} FNC-1 bodies ({chars / 1000:.0f}k chars), model {choice.label}, "
          f"components {', '.join(nlp.pipe_names)}")
    print(f"  bare nlp.pipe            {chars / bare / 1000:6.1f}k chars/s  ({n / bare:5.1f} articles/s)")
    print(f"  factdesk ingest          {chars / ours / 1000:6.1f}k chars/s  ({n / ours:5.1f} articles/s)")
    print(f"  ratio ingest / bare      {bare / ours:6.2f}   (goal >= 0.95)")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ingest(part, Path(tmp) / "c", choice, n_process=2)
        two = time.perf_counter() - t0
    print(f"  2 processes              {chars / two / 1000:6.1f}k chars/s: speed-up {ours / two:.2f} "
          f"on {os.cpu_count()} cores (includes loading the model in each process)")


def ingested_fnc1() -> Path:
    out = BENCH_DIR / "fnc1"
    print(f"(ingesting FNC-1 into {out}; resumes if already there)", flush=True)
    subprocess.run([sys.executable, "-m", "tui.cli", "ingest", str(FNC1), "--out", str(out)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def warm_open(folder: Path, runs: int = 9) -> None:
    corpus = load_corpus(folder)
    event = max(corpus.events, key=lambda e: len(e.article_ids))
    env = dict(os.environ, FACTDESK_CORPUS=str(folder), FACTDESK_EVENT=event.id)
    with tempfile.TemporaryDirectory() as tmp:
        env.update(FACTDESK_DATA_DIR=f"{tmp}/data", FACTDESK_CACHE_DIR=f"{tmp}/cache")
        # the first open registers the corpus in a new store (imports the gold stances): not timed
        subprocess.run([sys.executable, str(ROOT / "bench" / "first_paint.py"), "event"],
                       env=env, cwd=ROOT, check=True, capture_output=True)
        times: dict[str, list[float]] = {"bare": [], "event": []}
        memory: dict[str, list[float]] = {"bare": [], "event": []}
        for _ in range(runs):
            for mode in times:
                out = subprocess.run([sys.executable, str(ROOT / "bench" / "first_paint.py"), mode],
                                     env=env, cwd=ROOT, check=True, capture_output=True, text=True)
                seconds, spacy_loaded, rss = out.stdout.split()
                if float(seconds) < 0 or spacy_loaded == "True":
                    raise SystemExit(f"{mode}: painted without entities, or imported spaCy")
                times[mode].append(float(seconds))
                memory[mode].append(float(rss))
    ratio = statistics.median(e / b for e, b in zip(times["event"], times["bare"]))
    print(f"warm open of the largest FNC-1 event ({len(event.article_ids)} articles, of {len(corpus.articles)} "
          f"in {len(corpus.events)} events), headless 160x40, {runs} paired runs")
    print(f"  bare Textual app         median {statistics.median(times['bare']) * 1000:5.0f} ms")
    print(f"  factdesk, FNC-1 event    median {statistics.median(times['event']) * 1000:5.0f} ms")
    print(f"  ratio                    {ratio:5.2f}   (goal <= 2.0)")
    print(f"peak memory (max RSS), whole FNC-1 ingested and one event open: "
          f"{statistics.median(memory['event']):.0f} MB, against {statistics.median(memory['bare']):.0f} MB "
          f"for the bare app (ratio {statistics.median(memory['event']) / statistics.median(memory['bare']):.2f})")


def main() -> None:
    if not FNC1.exists():
        print(f"corpus benchmarks skipped: {FNC1} is not there")
        return
    corpus = load_corpus(FNC1)
    ingest_throughput(corpus)
    warm_open(ingested_fnc1())


if __name__ == "__main__":
    main()
