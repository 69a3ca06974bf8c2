"""The analysis of one article (tokens, sentences, entities) and its disk cache.

An :class:`Analysis` is plain data: code-point offsets into the normalised
article text. It is computed once per (text, pipeline) and cached as JSON, so
reopening a corpus never needs spaCy.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from corpus.nlp import ModelChoice, load_pipeline

CACHE_FORMAT = 2
ENV_CACHE_DIR = "FACTDESK_CACHE_DIR"


@dataclass(frozen=True)
class Analysis:
    """Tokens, sentences and entities of one text, as code-point offsets."""

    text_hash: str
    model: str
    tokens: tuple[tuple[int, int], ...]
    sents: tuple[tuple[int, int], ...]
    ents: tuple[tuple[int, int, str], ...]

    def to_json(self) -> dict:
        return {
            "format": CACHE_FORMAT,
            "text_hash": self.text_hash,
            "model": self.model,
            "tokens": [i for pair in self.tokens for i in pair],
            "sents": [i for pair in self.sents for i in pair],
            "ents": [list(e) for e in self.ents],
        }

    @classmethod
    def from_json(cls, data: dict) -> "Analysis":
        if data.get("format") != CACHE_FORMAT:
            raise ValueError("old cache format")
        flat_tokens, flat_sents = data["tokens"], data["sents"]
        return cls(
            text_hash=data["text_hash"],
            model=data["model"],
            tokens=tuple(zip(flat_tokens[::2], flat_tokens[1::2])),
            sents=tuple(zip(flat_sents[::2], flat_sents[1::2])),
            ents=tuple((int(s), int(e), str(label)) for s, e, label in data["ents"]),
        )

    @classmethod
    def from_doc(cls, doc, text_hash: str, model: str) -> "Analysis":
        return cls(
            text_hash=text_hash,
            model=model,
            tokens=tuple((t.idx, t.idx + len(t.text)) for t in doc),
            sents=split_sentences(doc.text, ((s.start_char, s.end_char) for s in doc.sents)),
            ents=tuple((e.start_char, e.end_char, e.label_) for e in doc.ents),
        )

    def token_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Indices of the first and last (inclusive) tokens overlapping [start, end)."""
        first = last = None
        for i, (t_start, t_end) in enumerate(self.tokens):
            if t_end > start and t_start < end:
                if first is None:
                    first = i
                last = i
            elif t_start >= end:
                break
        if first is None or last is None:
            return None
        return first, last

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen [start, end) to whole tokens, so exported spans align with spaCy."""
        span = self.token_span(start, end)
        if span is None:
            return start, end
        return min(start, self.tokens[span[0]][0]), max(end, self.tokens[span[1]][1])


def split_sentences(text: str, spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sentence spans cut at every line break and trimmed of white space.

    Scraped news puts one paragraph, headline or boilerplate line per line;
    the statistical sentence splitters do not always break there.
    """
    out: list[tuple[int, int]] = []
    for start, end in spans:
        piece_start = start
        while piece_start < end:
            newline = text.find("\n", piece_start, end)
            piece_end = end if newline == -1 else newline
            a, b = piece_start, piece_end
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a < b:
                out.append((a, b))
            piece_start = piece_end + 1
    return tuple(out)


def default_cache_dir() -> Path:
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("factdesk")) / "analysis"


class AnalysisCache:
    """A folder of JSON files, one per (text hash, pipeline)."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()

    def _path(self, text_hash: str, choice: ModelChoice) -> Path:
        return self.root / choice.key / text_hash[:2] / f"{text_hash}.json"

    def get(self, text_hash: str, choice: ModelChoice) -> Analysis | None:
        path = self._path(text_hash, choice)
        try:
            data = orjson.loads(path.read_bytes())
            analysis = Analysis.from_json(data)
        except (OSError, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            return None  # missing or unreadable entries are recomputed
        return analysis if analysis.text_hash == text_hash else None

    def has(self, text_hash: str, choice: ModelChoice) -> bool:
        """Whether an entry exists (cheap: the file is not read)."""
        return self._path(text_hash, choice).exists()

    def put(self, analysis: Analysis, choice: ModelChoice) -> None:
        path = self._path(analysis.text_hash, choice)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(analysis.to_json(), fh, separators=(",", ":"))
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full cache only costs speed, never correctness


class Analyser:
    """Analyses texts with one pipeline, using the cache; loads spaCy only on a miss."""

    def __init__(self, choice: ModelChoice, cache: AnalysisCache | None = None, nlp=None) -> None:
        self.choice = choice
        self.cache = cache if cache is not None else AnalysisCache()
        self._nlp = nlp  # a pipeline already loaded for ``choice``, or None to load on need

    @property
    def warning(self) -> str | None:
        return self.choice.warning

    def cached(self, text_hash: str) -> Analysis | None:
        return self.cache.get(text_hash, self.choice)

    def _pipeline(self):
        if self._nlp is None:
            requested = self.choice
            self._nlp, self.choice = load_pipeline(requested)
        return self._nlp

    def analyse(
        self,
        items: Sequence[tuple[str, str]],
        on_result: Callable[[Analysis], None] | None = None,
        batch_size: int = 16,
        n_process: int = 1,
    ) -> list[Analysis]:
        """Analyse ``(text_hash, text)`` pairs, from the cache where possible."""
        results: dict[str, Analysis] = {}
        missing: list[tuple[str, str]] = []
        for text_hash, text in items:
            hit = self.cached(text_hash)
            if hit is None:
                missing.append((text_hash, text))
            else:
                results[text_hash] = hit
                if on_result:
                    on_result(hit)
        if missing:
            nlp = self._pipeline()
            pieces = [(h, start, text[start:end]) for h, text in missing for start, end in chunks(text)]
            docs: Iterable = nlp.pipe((p for _, _, p in pieces), batch_size=batch_size, n_process=n_process)
            partial: list = []
            wanted = {h: len(chunks(t)) for h, t in missing}
            for (text_hash, offset, _), doc in zip(pieces, docs):
                partial.append((offset, Analysis.from_doc(doc, text_hash, self.choice.key)))
                if len(partial) == wanted[text_hash]:
                    analysis = merge(text_hash, self.choice.key, partial)
                    partial = []
                    self.cache.put(analysis, self.choice)
                    results[text_hash] = analysis
                    if on_result:
                        on_result(analysis)
        return [results[h] for h, _ in items]


CHUNK = 100_000  # characters per piece handed to spaCy


def chunks(text: str, size: int = CHUNK) -> list[tuple[int, int]]:
    """Split at line breaks into pieces of at most ``size`` characters (a
    line longer than that is split where it must be)."""
    out, start = [], 0
    while len(text) - start > size:
        cut = text.rfind("\n", start, start + size)
        end = cut + 1 if cut > start else start + size
        out.append((start, end))
        start = end
    out.append((start, len(text)))
    return out


def merge(text_hash: str, model: str, parts: list[tuple[int, Analysis]]) -> Analysis:
    """One analysis from the analyses of consecutive pieces at the given offsets."""
    if len(parts) == 1 and parts[0][0] == 0:
        return parts[0][1]

    def shift(spans, offset):
        return tuple((s + offset, e + offset, *rest) for s, e, *rest in spans)

    return Analysis(
        text_hash=text_hash, model=model,
        tokens=tuple(t for off, a in parts for t in shift(a.tokens, off)),
        sents=tuple(t for off, a in parts for t in shift(a.sents, off)),
        ents=tuple(t for off, a in parts for t in shift(a.ents, off)),
    )
