"""Ingested corpora: a folder that opens fast and carries its own analysis.

``factdesk ingest SOURCE --out DIR`` writes:

- ``DIR/corpus.json``: name, source, events (with targets and article ids),
  the importer's warnings, the model used;
- ``DIR/articles.jsonl``: one article per line, normalised text, what
  normalisation changed, noise regions, duplicates;
- ``DIR/gold.jsonl``: pre-annotations from the source (FNC-1 stances);
- ``DIR/analysis/``: tokens, sentences and entities per article and model.

The corpus files are written first, so an interrupted ingest leaves a corpus
that opens; the analysis then resumes where it stopped, because articles
already in ``analysis/`` are never analysed again.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from corpus.analysis import Analyser, AnalysisCache
from corpus.articles import Article, Corpus, CorpusError, Event, Target
from corpus.nlp import ModelChoice

CORPUS_FILE = "corpus.json"
ARTICLES_FILE = "articles.jsonl"
GOLD_FILE = "gold.jsonl"
ANALYSIS_DIR = "analysis"
FORMAT = "factdesk-corpus"
VERSION = 1


def _atomic_text(path: Path, lines) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def save_corpus(corpus: Corpus, out: Path, model: str = "") -> None:
    out.mkdir(parents=True, exist_ok=True)
    manifest = {
        "format": FORMAT, "version": VERSION, "name": corpus.name, "source": str(corpus.path),
        "kind": corpus.kind, "model": model, "articles": len(corpus.articles), "gold": len(corpus.gold),
        "events": [{"id": e.id, "title": e.title, "targets": [asdict(t) for t in e.targets],
                    "article_ids": list(e.article_ids)} for e in corpus.events],
        "warnings": corpus.warnings,
    }
    _atomic_text(out / ARTICLES_FILE, (json.dumps(asdict(a), ensure_ascii=False) + "\n" for a in corpus.articles))
    _atomic_text(out / GOLD_FILE, (json.dumps(g, ensure_ascii=False) + "\n" for g in corpus.gold))
    _atomic_text(out / CORPUS_FILE, [json.dumps(manifest, ensure_ascii=False, indent=1)])


def load_ingested(folder: Path) -> Corpus:
    try:
        manifest = json.loads((folder / CORPUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{folder / CORPUS_FILE}: not readable ({exc}). Ingest the source again.") from exc
    if manifest.get("format") != FORMAT:
        raise CorpusError(f"{folder / CORPUS_FILE}: not a factdesk corpus.")
    articles = []
    try:
        with open(folder / ARTICLES_FILE, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                data = json.loads(line)
                data["changes"] = tuple(data.get("changes") or ())
                data["noise"] = tuple(tuple(r) for r in data.get("noise") or ())
                data["aliases"] = tuple(data.get("aliases") or ())
                articles.append(Article(**data))
    except (OSError, ValueError, TypeError) as exc:
        raise CorpusError(f"{folder}: the ingested corpus is damaged ({exc}). Ingest the source again.") from exc
    events = [
        Event(e["id"], e["title"], tuple(Target(**t) for t in e["targets"]), tuple(e["article_ids"]))
        for e in manifest["events"]
    ]
    def read_gold() -> list[dict]:
        if not (folder / GOLD_FILE).exists():
            return []
        with open(folder / GOLD_FILE, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    return Corpus(manifest["name"], folder.resolve(), events, articles, list(manifest.get("warnings") or []),
                  None, "ingested", cache_dir=folder / ANALYSIS_DIR, gold_loader=read_gold,
                  gold_total=int(manifest.get("gold", 0)))


@dataclass
class IngestReport:
    articles: int
    analysed: int
    cached: int
    seconds: float
    model: str


def ingest(
    corpus: Corpus,
    out: Path,
    choice: ModelChoice,
    n_process: int = 1,
    batch_size: int = 32,
    progress: Callable[[int, int], None] | None = None,
    nlp=None,
) -> IngestReport:
    """Write ``corpus`` to ``out`` and analyse every article not analysed yet
    (``nlp``: a pipeline already loaded for ``choice``, else loaded on need)."""
    out = Path(out)
    save_corpus(corpus, out, choice.key)
    cache = AnalysisCache(out / ANALYSIS_DIR)
    analyser = Analyser(choice, cache, nlp=nlp)
    todo = [a for a in corpus.articles if analyser.cached(a.text_hash) is None]
    done = len(corpus.articles) - len(todo)
    total = len(corpus.articles)
    if progress:
        progress(done, total)
    start = time.perf_counter()
    counter = [done]

    def step(_analysis) -> None:
        counter[0] += 1
        if progress:
            progress(counter[0], total)

    analyser.analyse([(a.text_hash, a.text) for a in todo], on_result=step,
                     batch_size=batch_size, n_process=n_process)
    if analyser.choice.key != choice.key:  # the model failed to load: record what was used
        save_corpus(corpus, out, analyser.choice.key)
    return IngestReport(total, len(todo), done, time.perf_counter() - start, analyser.choice.key)
