"""Export benchmark: 20,000 annotations over the FNC-1 corpus to every JSONL file,
against a bare loop that ``json.dumps`` as many records of the same total size
to a file, measured in the same run: each export is timed between two bare
loops, the pair's baseline is their mean, and the worst pair is the figure
(the goal holds in every run). The export's price for being complete or absent (each file fsync'd and
hashed as it is written, the manifest, the folder swap) is inside its time;
the same export again over the previous one is timed too, and the result
checked against its manifest.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.export import TASKS, export  # noqa: E402
from annotations.outdir import verify  # noqa: E402
from annotations.schema import CHECKWORTHINESS, RELIABILITY, STANCES  # noqa: E402
from annotations.store import AnnotationStore  # noqa: E402
from bench.corpus_bench import ingested_fnc1  # noqa: E402
from corpus.analysis import Analyser, AnalysisCache  # noqa: E402
from corpus.ingest import load_ingested  # noqa: E402
from corpus.nlp import resolve_model  # noqa: E402

ANNOTATIONS = 20_000
GOAL = 2.5  # export / bare, in every paired run (issue #15)


def build_store(path: Path, corpus, analyser: Analyser) -> AnnotationStore:
    """A store with the FNC-1 corpus, 19,000 claims (each with a stance) and 1,000 ratings."""
    store = AnnotationStore(path, annotator="bench", snapshot_every=10**9)
    store.register_corpus(corpus)
    rng = random.Random(1)
    analyses = analyser.analyse([(a.text_hash, a.text) for a in corpus.articles])
    event_of = {i: e for e in corpus.events for i in e.article_ids}
    claims, ratings = [], []
    n_ratings = 1_000
    while len(claims) < ANNOTATIONS - n_ratings:
        i = rng.randrange(len(corpus.articles))
        article, analysis = corpus.articles[i], analyses[i]
        if not analysis.sents:
            continue
        start, end = rng.choice(analysis.sents)
        event = event_of.get(article.id) or corpus.events[0]
        claims.append({
            "id": f"c{len(claims):06d}", "article_id": article.id, "text_hash": article.text_hash,
            "start": start, "end": end, "quote": article.text[start:end],
            "prefix": article.text[max(0, start - 32):start], "suffix": article.text[end:end + 32],
            "label": "CLAIM", "stances": {event.targets[0].id: rng.choice(STANCES)}, "status": "ok",
            "checkworthiness": rng.choice(CHECKWORTHINESS), "annotator": "bench",
            "created": "2026-11-22T10:00:00.000+00:00", "updated": "2026-11-22T10:00:00.000+00:00",
        })
    for article in corpus.articles[:n_ratings]:
        ratings.append({"article_id": article.id, "text_hash": article.text_hash, "label": rng.choice(RELIABILITY),
                        "rationale_codes": [], "note": "", "annotator": "bench",
                        "created": "2026-11-22T10:00:00.000+00:00", "updated": "2026-11-22T10:00:00.000+00:00"})
    store.import_records("claims", claims, "bench claims")
    store.import_records("ratings", ratings, "bench ratings")
    return store


def bare_dumps(path: Path, rows: int, size: int) -> float:
    """json.dumps ``rows`` records of ``size`` bytes each into one file."""
    record = {"id": 0, "text": "x" * max(0, size - 24)}
    t0 = time.perf_counter()
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(rows):
            record["id"] = i
            fh.write(json.dumps(record) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return time.perf_counter() - t0


def main(runs: int = 5) -> None:
    folder = ingested_fnc1()
    corpus = load_ingested(folder)
    analyser = Analyser(resolve_model(), AnalysisCache(corpus.cache_dir))
    jsonl_tasks = tuple(t for t in TASKS if t not in ("entities",))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = build_store(tmp / "store.json", corpus, analyser)
        # an untimed export first: the rows and bytes the bare loop writes, and warm caches for every run
        warm = export([store], tmp / "warm", analyser, tasks=jsonl_tasks, formats=("jsonl",))
        files = [p for p in (tmp / "warm").glob("*.jsonl")]
        rows = sum(warm.counts[p.name] for p in files)
        size = sum(p.stat().st_size for p in files)
        shutil.rmtree(tmp / "warm")

        def bare_run(n: int) -> float:
            seconds = bare_dumps(tmp / f"bare{n}.jsonl", rows, size // rows)
            (tmp / f"bare{n}.jsonl").unlink()
            return seconds

        ours, bare = [], []
        for n in range(runs):  # each export between two bare loops: the pair's baseline is their mean
            before = bare_run(n)
            t0 = time.perf_counter()
            export([store], tmp / f"out{n}", analyser, tasks=jsonl_tasks, formats=("jsonl",))
            ours.append(time.perf_counter() - t0)
            bare.append((before + bare_run(n)) / 2)
            if n:
                shutil.rmtree(tmp / f"out{n}")
        # the common case: exporting again over the previous export (swapped in whole, the old one removed)
        again = []
        for n in range(runs):
            t0 = time.perf_counter()
            export([store], tmp / "out0", analyser, tasks=jsonl_tasks, formats=("jsonl",))
            again.append(time.perf_counter() - t0)
        problems = verify(tmp / "out0")
        if problems or sorted(p.name for p in tmp.iterdir() if p.name.startswith(".")):
            raise SystemExit(f"the export is not complete, or left files beside it: {problems[:3]}")
        store.close()
    print(f"export, {ANNOTATIONS:,} annotations over FNC-1 ({len(corpus.articles)} articles, "
          f"{len(corpus.gold):,} gold rows) to every JSONL file ({runs} paired runs)")
    print(f"  rows written              {rows:,} in {len(files)} files, {size / 1e6:.1f} MB")
    print(f"  factdesk export           median {statistics.median(ours):6.2f} s   max {max(ours):6.2f} s")
    print(f"  bare loop (before+after)  median {statistics.median(bare):6.2f} s   max {max(bare):6.2f} s")
    ratios = [o / b for o, b in zip(ours, bare)]
    print(f"  ratio export / bare       worst {max(ratios):5.2f}   median {statistics.median(ratios):5.2f}   "
          f"(goal <= {GOAL} in every run; every file hashed as written, manifest last)")
    print("  each run                  " + "  ".join(f"{r:.2f}" for r in ratios))
    print(f"  again, over the previous  median {statistics.median(again):6.2f} s   (swapped in whole, old removed)")


if __name__ == "__main__":
    main()
