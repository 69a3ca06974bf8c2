"""The annotation store: one TinyDB file per annotator project.

Tables:
- ``meta``: one document with the schema version and the corpus's event;
- ``articles``: id, text hash, title, source, path and the normalised text,
  so that a store can be exported without the original files;
- ``claims``: one document per claim span, with its stances per target;
- ``ratings``: one document per (article, annotator) reliability rating.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from tinydb import Query, TinyDB

from annotations.schema import (
    CLAIM_LABEL,
    SCHEMA_VERSION,
    ValidationError,
    default_annotator,
    now,
    validate_claim,
    validate_rating,
)
from annotations.storage import AtomicJSONStorage, StoreError
from corpus.articles import Article, Corpus

ENV_DATA_DIR = "FACTDESK_DATA_DIR"

__all__ = ["AnnotationStore", "StoreError", "ValidationError", "default_store_path"]


def default_data_dir() -> Path:
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("factdesk"))


def default_store_path(corpus_name: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", corpus_name).strip("._") or "corpus"
    return default_data_dir() / "stores" / f"{safe}.json"


class AnnotationStore:
    """Reads and writes annotations. Every write method is durable when it returns."""

    def __init__(
        self, path: str | Path, annotator: str | None = None, read_only: bool = False
    ) -> None:
        self.path = Path(path).expanduser()
        self.annotator = annotator or default_annotator()
        self.read_only = read_only
        self._storage: AtomicJSONStorage | None = None
        self.db = TinyDB(self.path, storage=self._make_storage)
        self._check_schema()

    def _make_storage(self, path, **_):
        self._storage = AtomicJSONStorage(path, read_only=self.read_only)
        return self._storage

    # -- schema -----------------------------------------------------------

    def _check_schema(self) -> None:
        meta = self.db.table("meta").get(doc_id=1)
        if meta is None:
            if not self.read_only:
                self.db.table("meta").insert({"schema_version": SCHEMA_VERSION})
            return
        version = meta.get("schema_version")
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {version!r}, this factdesk reads "
                f"version {SCHEMA_VERSION}. Upgrade factdesk, or open another store with --db."
            )

    @property
    def meta(self) -> dict:
        return dict(self.db.table("meta").get(doc_id=1) or {})

    # -- corpus -----------------------------------------------------------

    def register_corpus(self, corpus: Corpus) -> None:
        """Record the corpus's event and articles (only what changed is written)."""
        event = {
            "id": corpus.event.id,
            "title": corpus.event.title,
            "targets": [{"id": t.id, "text": t.text} for t in corpus.event.targets],
        }
        meta = self.meta
        if meta.get("event") != event or meta.get("corpus") != corpus.name:
            self._writable()
            self.db.table("meta").update({"event": event, "corpus": corpus.name}, doc_ids=[1])
        table = self.db.table("articles")
        known = {doc["id"]: doc.get("text_hash") for doc in table.all()}
        new = [
            self._article_record(a, corpus.event.id)
            for a in corpus.articles
            if known.get(a.id) != a.text_hash
        ]
        if new:
            self._writable()
            table.insert_multiple(new)

    @staticmethod
    def _article_record(article: Article, event_id: str) -> dict:
        return {
            "id": article.id,
            "text_hash": article.text_hash,
            "title": article.title,
            "source": article.source,
            "path": article.path,
            "event_id": event_id,
            "text": article.text,
        }

    def articles(self) -> list[dict]:
        return list(self.db.table("articles").all())

    def article(self, article_id: str) -> dict | None:
        return self.db.table("articles").get(Query().id == article_id)

    @property
    def targets(self) -> list[dict]:
        return list((self.meta.get("event") or {}).get("targets") or [])

    # -- claims -----------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only; nothing was saved.")

    def _article_text(self, article_id: str) -> tuple[str, str]:
        record = self.article(article_id)
        if record is None:
            raise ValidationError(f"article {article_id!r} is not in this store")
        return record["text"], record["text_hash"]

    def add_claim(
        self, article_id: str, start: int, end: int, stances: dict[str, str] | None = None
    ) -> dict:
        """Save a claim span with its stances; returns the saved record."""
        self._writable()
        text, text_hash = self._article_text(article_id)
        stamp = now()
        claim = {
            "id": uuid.uuid4().hex,
            "article_id": article_id,
            "text_hash": text_hash,
            "start": start,
            "end": end,
            "quote": text[start:end] if 0 <= start < end <= len(text) else "",
            "label": CLAIM_LABEL,
            "stances": dict(stances or {}),
            "annotator": self.annotator,
            "created": stamp,
            "updated": stamp,
        }
        validate_claim(claim, text, {t["id"] for t in self.targets})
        self.db.table("claims").insert(claim)
        return claim

    def set_stance(self, claim_id: str, target_id: str, stance: str) -> dict:
        self._writable()
        claim = self.claim(claim_id)
        if claim is None:
            raise ValidationError(f"claim {claim_id!r} is not in this store")
        claim["stances"] = {**claim.get("stances", {}), target_id: stance}
        text, _ = self._article_text(claim["article_id"])
        validate_claim(claim, text, {t["id"] for t in self.targets})
        self.db.table("claims").update(
            {"stances": claim["stances"], "updated": now()}, Query().id == claim_id
        )
        return self.claim(claim_id)

    def delete_claim(self, claim_id: str) -> None:
        self._writable()
        self.db.table("claims").remove(Query().id == claim_id)

    def claim(self, claim_id: str) -> dict | None:
        doc = self.db.table("claims").get(Query().id == claim_id)
        return dict(doc) if doc is not None else None

    def claims(self, article_id: str | None = None) -> list[dict]:
        table = self.db.table("claims")
        docs = table.all() if article_id is None else table.search(Query().article_id == article_id)
        return sorted((dict(d) for d in docs), key=lambda c: (c["article_id"], c["start"], c["end"]))

    # -- reliability ------------------------------------------------------

    def rate_article(self, article_id: str, label: str, note: str = "") -> dict:
        self._writable()
        validate_rating(label)
        _, text_hash = self._article_text(article_id)
        table = self.db.table("ratings")
        q = (Query().article_id == article_id) & (Query().annotator == self.annotator)
        stamp = now()
        existing = table.get(q)
        record = {
            "article_id": article_id,
            "text_hash": text_hash,
            "label": label,
            "note": note.strip(),
            "annotator": self.annotator,
            "created": existing["created"] if existing else stamp,
            "updated": stamp,
        }
        table.upsert(record, q)
        return record

    def rating(self, article_id: str) -> dict | None:
        q = (Query().article_id == article_id) & (Query().annotator == self.annotator)
        doc = self.db.table("ratings").get(q)
        return dict(doc) if doc is not None else None

    def ratings(self) -> list[dict]:
        return [dict(d) for d in self.db.table("ratings").all()]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "AnnotationStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
