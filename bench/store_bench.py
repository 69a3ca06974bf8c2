"""Store benchmarks: durable write latency, open time, and plain TinyDB beside them.

Every figure is compared with a baseline measured in the same run, interleaved
with it so that both see the same load on this shared machine.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.anchor import selector  # noqa: E402
from annotations.journal import INTERNAL_TABLE, encode_entry  # noqa: E402
from annotations.schema import SCHEMA_VERSION  # noqa: E402
from annotations.store import AnnotationStore  # noqa: E402
from corpus.articles import load_folder, sample_corpus_path  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f}"


def claim_record(article, i: int) -> dict:
    text = article.text
    start = (i * 37) % (len(text) - 60)
    end = start + 40
    return {
        "id": uuid.uuid4().hex, "article_id": article.id, "text_hash": article.text_hash,
        "start": start, "end": end, **selector(text, start, end), "label": "CLAIM",
        "stances": {"t1": "discuss"}, "status": "ok", "annotator": "bench",
        "created": "2026-01-01T00:00:00.000+00:00", "updated": "2026-01-01T00:00:00.000+00:00",
    }


def seed_store(path: Path, corpus, n: int) -> None:
    """Write a snapshot holding ``n`` claims, as a long session would leave it."""
    with AnnotationStore(path, annotator="bench") as store:
        store.register_corpus(corpus)
    data = json.loads(path.read_text())
    articles = corpus.articles
    data["claims"] = {str(i + 1): claim_record(articles[i % len(articles)], i) for i in range(n)}
    internal = data[INTERNAL_TABLE]["1"]
    internal["undo"], internal["redo"] = [], []
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def durable_latency(folder: Path, corpus, sizes=(1000, 5000, 20000), actions: int = 1200) -> None:
    print(f"durable annotation latency ({actions} actions per size, each interleaved with a bare append)")
    print("  annotations   store p50   store p99   store max   bare p50   bare p99   p50 ratio   p99 ratio")
    for n in sizes:
        path = folder / f"store-{n}.json"
        seed_store(path, corpus, n)
        store = AnnotationStore(path, annotator="bench")
        article = corpus.articles[0]
        line = encode_entry({"seq": 1, "t": "x", "who": "bench", "kind": "do", "label": "add claim",
                             "changes": [["claims", "1", None, claim_record(article, 1)]]})
        bare_path = folder / f"bare-{n}.log"
        fd = os.open(bare_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        store_t, bare_t = [], []
        for i in range(actions):
            start = (i * 53) % (len(article.text) - 60)
            while article.text[start].isspace():
                start += 1
            t0 = time.perf_counter()
            store.add_claim(article.id, start, start + 30, {"t1": "agree"})
            t1 = time.perf_counter()
            os.write(fd, line)
            os.fsync(fd)
            t2 = time.perf_counter()
            store_t.append(t1 - t0)
            bare_t.append(t2 - t1)
        os.close(fd)
        store.close()
        print(f"  {n:>11}  {ms(pct(store_t, 50))} ms {ms(pct(store_t, 99))} ms {ms(max(store_t))} ms {ms(pct(bare_t, 50))} ms"
              f" {ms(pct(bare_t, 99))} ms   {pct(store_t, 50) / pct(bare_t, 50):9.2f}   "
              f"{pct(store_t, 99) / pct(bare_t, 99):9.2f}")
    print("  goal: p99 ratio <= 3 at 20,000, flat as the store grows (max: an inline snapshot,")
    print("  written every 1,000 actions when the app has had no idle moment to write one)")


def open_time(folder: Path, corpus, n: int = 20000, journal: int = 1000, runs: int = 5) -> None:
    path = folder / "open.json"
    seed_store(path, corpus, n)
    store = AnnotationStore(path, annotator="bench", snapshot_every=10**9)
    article = corpus.articles[1]
    for i in range(journal):
        start = (i * 41) % (len(article.text) - 60)
        while article.text[start].isspace():
            start += 1
        store.add_claim(article.id, start, start + 25, {"t1": "agree"})
    store.storage._unlock()  # leave the journal unsnapshotted, as after a crash
    opened, parsed = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        reader = AnnotationStore(path, read_only=True)
        t1 = time.perf_counter()
        assert len(reader.claims()) == n + journal
        reader.close()
        t2 = time.perf_counter()
        json.loads(path.read_bytes())
        t3 = time.perf_counter()
        opened.append(t1 - t0)
        parsed.append(t3 - t2)
    size = path.stat().st_size / 1e6
    print(f"open a store of {n:,} annotations ({size:.1f} MB) with a {journal:,}-action journal to replay")
    print(f"  open {statistics.median(opened) * 1000:.0f} ms, against json.loads of the snapshot alone "
          f"{statistics.median(parsed) * 1000:.0f} ms: ratio {statistics.median(opened) / statistics.median(parsed):.2f}")


def plain_tinydb(folder: Path, corpus, sizes=(1000, 5000, 20000)) -> None:
    from tinydb import TinyDB

    print("plain TinyDB JSONStorage, one insert (whole file rewritten per insert)")
    print("  annotations   p50          p99          inserts timed")
    for n in sizes:
        path = folder / f"plain-{n}.json"
        articles = corpus.articles
        path.write_text(json.dumps({"claims": {str(i + 1): claim_record(articles[i % 5], i) for i in range(n)}}))
        db = TinyDB(path)
        table = db.table("claims")
        count = 40 if n <= 5000 else 12
        times = []
        for i in range(count):
            record = claim_record(articles[0], n + i)
            t0 = time.perf_counter()
            table.insert(record)
            times.append(time.perf_counter() - t0)
        db.close()
        print(f"  {n:>11}  {ms(pct(times, 50))} ms  {ms(pct(times, 99))} ms  {count}")


def main() -> None:
    corpus = load_folder(sample_corpus_path())
    with tempfile.TemporaryDirectory(dir=os.environ.get("FACTDESK_BENCH_DIR")) as tmp:
        folder = Path(tmp)
        durable_latency(folder, corpus)
        open_time(folder, corpus)
        plain_tinydb(folder, corpus)


if __name__ == "__main__":
    main()
