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

An ingested corpus is read through the formats (:mod:`corpus.formats`) into
the model (:mod:`corpus.model`) as it was written: it is not built again.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from corpus.analysis import Analyser, AnalysisCache
from corpus.formats import JsonProblem, parse_json, path_kind, read_jsonl, regular_file
from corpus.model import Article, Corpus, CorpusError, Event, Target
from corpus.nlp import ModelChoice
from corpus.text import text_hash, visible

CORPUS_FILE = "corpus.json"
ARTICLES_FILE = "articles.jsonl"
GOLD_FILE = "gold.jsonl"
ANALYSIS_DIR = "analysis"
FORMAT = "factdesk-corpus"
MARKER = ".factdesk-ingest"
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
    (out / MARKER).touch()  # first: a folder with it is ours even before corpus.json is written
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


_ARTICLE_TEXT = ("id", "text", "title", "source", "path", "text_hash")
_ARTICLE_OPTIONAL_TEXT = ("url", "published", "duplicate_of")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _article(data: object) -> Article:
    """An :class:`Article` from one line of ``articles.jsonl``; a
    :class:`ValueError` saying what is wrong when a field is missing, of the
    wrong type, or the text does not match its hash."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    for name in _ARTICLE_TEXT:
        if not isinstance(data.get(name), str):
            raise ValueError(f"{name} is missing or not text")
    for name in _ARTICLE_OPTIONAL_TEXT:
        if not isinstance(data.get(name, ""), str):
            raise ValueError(f"{name} is not text")
    text = data["text"]
    if not _is_int(data.get("body_start")) or not 0 <= data["body_start"] <= len(text):
        raise ValueError("body_start is not an offset into the text")
    if text_hash(text) != data["text_hash"]:
        raise ValueError("the text does not match its text_hash")
    meta = data.get("meta", {})
    if not isinstance(meta, dict):
        raise ValueError("meta is not an object")
    for name in ("changes", "aliases"):
        if not _str_list(data.get(name, [])):
            raise ValueError(f"{name} is not a list of text")
    noise = data.get("noise", [])
    if not isinstance(noise, list) or not all(
            isinstance(r, list) and len(r) == 3 and _is_int(r[0]) and _is_int(r[1]) and isinstance(r[2], str)
            and 0 <= r[0] <= r[1] <= len(text) for r in noise):
        raise ValueError("noise is not a list of [start, end, kind] inside the text")
    return Article(
        id=data["id"], text=text, title=data["title"], body_start=data["body_start"], source=data["source"],
        path=data["path"], text_hash=data["text_hash"], url=data.get("url", ""),
        published=data.get("published", ""), meta=meta, changes=tuple(data.get("changes", ())),
        noise=tuple(tuple(r) for r in noise), aliases=tuple(data.get("aliases", ())),
        duplicate_of=data.get("duplicate_of", ""),
    )


def _events(manifest: dict, where: str) -> list[Event]:
    raw = manifest.get("events")
    if not isinstance(raw, list) or not raw:
        raise CorpusError(f"{where}: has no list of events. Ingest the source again.")
    events = []
    for i, e in enumerate(raw, 1):
        targets = e.get("targets") if isinstance(e, dict) else None
        if not (isinstance(e, dict) and isinstance(e.get("id"), str) and isinstance(e.get("title"), str)
                and _str_list(e.get("article_ids")) and isinstance(targets, list)
                and all(isinstance(t, dict) and isinstance(t.get("id"), str) and isinstance(t.get("text"), str)
                        for t in targets)):
            raise CorpusError(f"{where}: event {i} is damaged (it needs an id, a title, targets with an id and "
                              "a text, and article_ids). Ingest the source again.")
        events.append(Event(e["id"], e["title"], tuple(Target(t["id"], t["text"]) for t in targets),
                            tuple(e["article_ids"])))
    return events


def _gold_problem(row: object, articles: set[str]) -> str:
    if not isinstance(row, dict):
        return "not a JSON object"
    if not _is_int(row.get("row")) or row["row"] < 0:
        return "row is not a row number"
    for name in ("target_id", "article_id", "stance"):
        if not isinstance(row.get(name), str):
            return f"{name} is missing or not text"
    if not isinstance(row.get("source_id", ""), str):
        return "source_id is not text"
    if row["article_id"] not in articles:
        return f"article {visible(row['article_id'], 40)} is not in articles.jsonl"
    return ""


def load_ingested(folder: Path) -> Corpus:
    """A corpus written by :func:`save_corpus`. A damaged ``corpus.json`` is an
    error; a damaged line of ``articles.jsonl`` or ``gold.jsonl`` is left out
    with a warning that names it (ingest the source again to get it back)."""
    where = visible(folder / CORPUS_FILE)
    regular_file(folder / CORPUS_FILE)
    try:
        manifest, _ = parse_json((folder / CORPUS_FILE).read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, JsonProblem) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else visible(exc, 120)
        raise CorpusError(f"{where}: not readable ({reason}). Ingest the source again.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CorpusError(f"{where}: not a factdesk corpus (no \"format\": \"{FORMAT}\"). Give the folder "
                          "`factdesk ingest` wrote, or ingest the source again.")
    if not isinstance(manifest.get("name"), str) or not manifest["name"]:
        raise CorpusError(f"{where}: has no name. Ingest the source again.")
    events = _events(manifest, where)
    warnings = [w for w in manifest.get("warnings") or [] if isinstance(w, str)] \
        if isinstance(manifest.get("warnings"), list) else []
    articles: list[Article] = []
    name = visible(ARTICLES_FILE)
    try:
        for line in read_jsonl(folder / ARTICLES_FILE):
            try:
                if line.problem:
                    raise ValueError(line.problem)
                articles.append(_article(line.value))
            except ValueError as exc:
                warnings.append(f"{name} line {line.number}: damaged ({visible(exc, 120)}); that article is "
                                "left out. Ingest the source again to get it back.")
    except CorpusError as exc:
        raise CorpusError(f"{exc} The ingested corpus {visible(folder)} is damaged: ingest the source "
                          "again.") from exc
    if not articles:
        raise CorpusError(f"{visible(folder / ARTICLES_FILE)}: no usable article in it. Ingest the source again.")
    ids = {a.id for a in articles}
    missing = sum(1 for e in events for i in e.article_ids if i not in ids)
    if missing:
        events = [Event(e.id, e.title, e.targets, tuple(i for i in e.article_ids if i in ids)) for e in events]
        warnings.append(f"{visible(CORPUS_FILE)}: {missing} article(s) of its events are not in {ARTICLES_FILE}; "
                        "they are left out.")
    gold_total = manifest.get("gold", 0)
    corpus = Corpus(manifest["name"], folder.resolve(), events, articles, warnings, None, "ingested",
                    cache_dir=folder / ANALYSIS_DIR,
                    gold_total=gold_total if _is_int(gold_total) and gold_total >= 0 else 0)

    def read_gold() -> list[dict]:
        path = folder / GOLD_FILE
        rows, seen = [], set()
        try:
            if path_kind(path) == "missing":
                return []
            for line in read_jsonl(path):
                problem = line.problem or _gold_problem(line.value, ids)
                if not problem and line.value["row"] in seen:
                    problem = f"row {line.value['row']} is there twice"
                if problem:
                    corpus.warnings.append(f"{GOLD_FILE} line {line.number}: damaged ({problem}); that gold "
                                           "stance is left out. Ingest the source again to get it back.")
                    continue
                seen.add(line.value["row"])
                rows.append(line.value)
        except CorpusError as exc:
            corpus.warnings.append(f"{exc} The gold stances are left out; ingest the source again.")
        return rows

    corpus.gold_loader = read_gold
    return corpus


@dataclass
class IngestReport:
    articles: int
    analysed: int
    cached: int
    seconds: float
    model: str


def check_ingest_target(corpus: Corpus, out: Path) -> None:
    """Ingest writes only into a new or empty folder, or one an earlier ingest
    wrote (it resumes there): never over files it did not write, never into
    its own source."""
    shown = visible(out)
    if out.exists() and not out.is_dir():
        raise CorpusError(f"--out {shown}: is a file, not a folder. Give a new folder for the ingested corpus.")
    try:
        source, target = Path(corpus.path).resolve(), out.resolve()
    except (OSError, RuntimeError) as exc:
        raise CorpusError(f"--out {shown}: cannot be resolved ({visible(exc, 120)}). Give another folder.") from exc
    if target == source or target in source.parents or source in target.parents:
        raise CorpusError(f"--out {shown}: is, holds or lies inside the source {visible(source)}. "
                          "Give a folder outside it.")
    if not out.is_dir():
        return
    try:
        names = {p.name for p in out.iterdir()}
    except OSError as exc:
        raise CorpusError(f"--out {shown}: cannot be read ({exc.strerror}). Give another folder.") from exc
    if MARKER in names:  # an ingest that was killed before it wrote corpus.json
        return
    manifest = out / CORPUS_FILE
    try:
        ours = manifest.is_file() and json.loads(manifest.read_bytes()).get("format") == FORMAT
    except (OSError, ValueError, AttributeError):
        ours = False
    if not ours:
        raise CorpusError(f"--out {shown}: is not empty and not a corpus written by `factdesk ingest` "
                          f"(no {CORPUS_FILE} of format {FORMAT!r}); nothing was written. Give a new or empty folder.")


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
    check_ingest_target(corpus, out)
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
