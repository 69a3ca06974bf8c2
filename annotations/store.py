"""The annotation store: one TinyDB file per annotator project.

Tables:
- ``meta``: one document with the schema version and the corpus's event;
- ``articles``: id, text hash, title, source, path and the normalised text,
  so that a store can be exported without the original files;
- ``claims``: one document per claim span, with its stances per target and
  its quote selector (``quote``, ``prefix``, ``suffix``);
- ``ratings``: one document per (article, annotator) reliability rating.

Reads are TinyDB queries. Every write method is one action: durable (an
fsync'd journal append, see :mod:`annotations.journal`) before it returns,
undoable, and recorded in the history.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tinydb import Query, TinyDB

from annotations.labels import DEFAULT, LabelScheme
from annotations import scheme_file
from annotations.journal import JournalStorage, OpenReport, StoreLocked
from annotations.tinydb_table import JournalTable
from annotations.schema import (
    CLAIM_FIELDS,
    CLAIM_LABEL,
    SCHEMA_VERSION,
    ValidationError,
    default_annotator,
    now,
    validate_claim,
    validate_rating,
)
from annotations.storage import StoreError
from corpus.articles import Article, Corpus
from corpus.text import visible

ENV_DATA_DIR = "FACTDESK_DATA_DIR"
IDLE_SNAPSHOT_SECONDS = 3.0

__all__ = [
    "AnnotationStore", "CorpusMismatch", "SchemeMismatch", "StoreError", "StoreLocked", "ValidationError",
    "corpus_identity", "default_store_path",
]


class CorpusMismatch(StoreError):
    """The store was made with another corpus than the one it is opened with."""


class SchemeMismatch(StoreError):
    """The scheme the store is opened with lacks labels the store's records use."""


def corpus_identity(corpus: Corpus) -> dict:
    """Which corpus a store belongs to: its name, kind, resolved place, and a
    fingerprint of its articles' texts (order-free), so that the same corpus
    moved or copied elsewhere is still recognised."""
    digest = hashlib.sha256()
    for text_hash in sorted(a.text_hash for a in corpus.articles):
        digest.update(text_hash.encode("ascii", "replace"))
    try:
        place = str(Path(corpus.path).resolve())
    except (OSError, RuntimeError):
        place = str(corpus.path)
    return {"name": corpus.name, "kind": corpus.kind, "path": place,
            "fingerprint": digest.hexdigest()[:32], "articles": len(corpus.articles)}


def _describe(identity: dict) -> str:
    return (f"{visible(identity.get('name') or '?')!r} ({visible(identity.get('path') or 'unknown place')}, "
            f"{identity.get('articles', '?')} articles)")


def default_data_dir() -> Path:
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("factdesk"))


def default_store_path(corpus_name: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", corpus_name).strip("._") or "corpus"
    return default_data_dir() / "stores" / f"{safe}.json"


def _meta_problem(meta: dict) -> str | None:
    """What is wrong with the store's meta record, or None: every field the
    program reads, by type (a hand-edited or foreign store must not give a
    TypeError deep inside)."""
    for name, kind in (("corpus", str), ("gold_rows", int), ("corpus_binding", dict), ("events", list),
                       ("event", dict), ("scheme", dict)):
        value = meta.get(name)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            return f"field {name!r} should be {'an' if kind is int else 'a'} {kind.__name__}, not {type(value).__name__}"
    events = meta.get("events") or ([meta["event"]] if meta.get("event") else [])
    for n, event in enumerate(events, 1):
        if not isinstance(event, dict) or not isinstance(event.get("id"), str):
            return f"event {n} should be an object with a text 'id'"
        if not isinstance(event.get("title", ""), str) or not isinstance(event.get("targets") or [], list):
            return f"event {visible_path(event['id'])!r}: 'title' should be text and 'targets' a list"
        for target in event.get("targets") or []:
            if not (isinstance(target, dict) and isinstance(target.get("id"), str)
                    and isinstance(target.get("text"), str)):
                return f"event {visible_path(event['id'])!r}: every target should have a text 'id' and 'text'"
    binding = meta.get("corpus_binding")
    if binding is not None and not all(isinstance(binding.get(k), str) for k in ("name", "path", "fingerprint")):
        return "field 'corpus_binding' should have a text 'name', 'path' and 'fingerprint'"
    return None


def _quoted_arg(text: str) -> str:
    """A label as a shell argument in a message."""
    shown = visible(text, 60)
    return shown if re.fullmatch(r"[A-Za-z0-9._:+-]+", shown) else "'" + shown.replace("'", "'\\''") + "'"


def _stance_values(doc: dict) -> list:
    stances = doc.get("stances") if "stances" in doc else doc.get("stance")
    return list(stances.values()) if isinstance(stances, dict) else []


def _codes(doc: dict) -> list:
    codes = doc.get("rationale_codes")
    return codes if isinstance(codes, list) else []


def _speaker_label(doc: dict):
    speaker = doc.get("speaker")
    return speaker.get("label") if isinstance(speaker, dict) else None


# Which records use a label of each set: (table, test(record, label))
_LABEL_USES = {
    "stance": (("claims", lambda d, l: l in _stance_values(d)), ("groups", lambda d, l: l in _stance_values(d))),
    "claim_type": (("claims", lambda d, l: d.get("claim_type") == l),),
    "checkworthiness": (("claims", lambda d, l: d.get("checkworthiness") == l),),
    "reliability": (("ratings", lambda d, l: d.get("label") == l), ("source_ratings", lambda d, l: d.get("label") == l)),
    "reasons": (("ratings", lambda d, l: l in _codes(d)), ("source_ratings", lambda d, l: l in _codes(d))),
    "links": (("links", lambda d, l: d.get("label") == l),),
    "entities": (("entity_edits", lambda d, l: d.get("label") == l), ("claims", lambda d, l: _speaker_label(d) == l)),
}
# Records deleted when their label is dropped (a rating, a link or a correction is nothing without it)
_DELETED_WITH_LABEL = {"reliability": ("ratings", "source_ratings"), "links": ("links",),
                       "entities": ("entity_edits",)}


def _edit_stances(old: str, new: str | None):
    def edit(doc: dict) -> None:
        for field_name in ("stances", "stance"):
            stances = doc.get(field_name)
            if isinstance(stances, dict):
                doc[field_name] = {t: (new if v == old else v) for t, v in stances.items() if v != old or new}
    return edit


def _edit_field(name: str):
    def make(old: str, new: str | None):
        def edit(doc: dict) -> None:
            if doc.get(name) == old:
                if new is None:
                    del doc[name]
                else:
                    doc[name] = new
        return edit
    return make


def _edit_codes(old: str, new: str | None):
    def edit(doc: dict) -> None:
        codes = [c if c != old else new for c in _codes(doc)]
        doc["rationale_codes"] = sorted({c for c in codes if c is not None})
    return edit


def _edit_entity(old: str, new: str | None):
    def edit(doc: dict) -> None:
        if "stances" not in doc and doc.get("label") == old:  # an entity correction (a claim's label is CLAIM)
            doc["label"] = new
        speaker = doc.get("speaker")
        if isinstance(speaker, dict) and speaker.get("label") == old:
            doc["speaker"] = {**speaker, "label": new} if new is not None else {
                k: v for k, v in speaker.items() if k != "label"}
    return edit


# How a record changes when a label of each set is renamed (or, new None, dropped)
_LABEL_EDITS = {
    "stance": _edit_stances, "claim_type": _edit_field("claim_type"),
    "checkworthiness": _edit_field("checkworthiness"), "reliability": _edit_field("label"),
    "reasons": _edit_codes, "links": _edit_field("label"), "entities": _edit_entity,
}


def _renamed(scheme: LabelScheme, set_name: str, old: str, new: str | None) -> LabelScheme:
    """``scheme`` with ``old`` of one set renamed to ``new`` (merged into it when
    the set has it already; dropped when ``new`` is None), roles following."""
    from dataclasses import replace

    from annotations.labels import Label, LabelSet

    def rename(label_set: LabelSet, **extra) -> LabelSet:
        names = label_set.names
        labels = []
        for label in label_set.labels:
            if label.name != old:
                labels.append(label)
            elif new is not None and new not in names:
                labels.append(Label(new, label.hint, label.colour, label.key))
        lists = {}
        for role, members in extra.items():
            moved = [new if m == old else m for m in members]
            lists[role] = tuple(dict.fromkeys(m for m in moved if m is not None))
        return replace(label_set, labels=tuple(labels), **lists)

    if set_name == scheme_file.REASONS:
        return replace(scheme, reliability=replace(scheme.reliability,
                                                   reasons=rename(scheme.reliability.reasons)
                                                   if len(scheme.reliability.reasons) > 1 or new else None))
    label_set = getattr(scheme, set_name)
    extra = {}
    if set_name == "links":
        extra = {role: getattr(label_set, role) for role in scheme_file.ROLES}
    elif set_name == "entities":
        extra = {key: getattr(label_set, key) for key in scheme_file.ENTITY_LISTS}
    changed = rename(label_set, **extra)
    if set_name == "entities" and not changed.speakers:
        changed = replace(changed, speakers=changed.names[:1])
    return replace(scheme, **{set_name: changed})


def visible_path(path) -> str:
    return visible(path if path is not None else "?")


class _DB(TinyDB):
    table_class = JournalTable


@dataclass
class ReanchorReport:
    """What happened to the annotations of articles whose text changed."""

    moved: list[str] = field(default_factory=list)  # claim ids re-anchored
    review: list[str] = field(default_factory=list)  # claim ids flagged for review
    speakers_lost: list[str] = field(default_factory=list)  # moved claims whose speaker's words are gone

    def message(self) -> str:
        parts = []
        if self.moved:
            parts.append(f"{len(self.moved)} claim(s) re-anchored to changed article text")
        if self.review:
            parts.append(f"{len(self.review)} could not be placed for certain and are flagged for review (V lists them)")
        if self.speakers_lost:
            parts.append(f"{len(self.speakers_lost)} re-anchored claim(s) lost their speaker, whose words are not "
                         "in the new text (f2 sets it again)")
        return "; ".join(parts)


def _moved_speaker(speaker, old_text: str, new_text: str) -> tuple[bool, dict | None]:
    """(whether the claim has an entity speaker, the speaker placed in the new
    text or None when its words are not found again for certain)."""
    from annotations.anchor import reanchor, selector

    if not (isinstance(speaker, dict) and speaker.get("kind") == "entity"):
        return False, None
    s, e = speaker.get("start"), speaker.get("end")
    context = selector(old_text, s, e) if isinstance(s, int) and isinstance(e, int) else {}
    anchor = reanchor(new_text, speaker.get("text", ""), context.get("prefix", ""), context.get("suffix", ""))
    return True, None if anchor is None else {**speaker, "start": anchor.start, "end": anchor.end}


class AnnotationStore:
    """Reads and writes annotations. Every write method is durable when it returns."""

    def __init__(
        self,
        path: str | Path,
        annotator: str | None = None,
        read_only: bool = False,
        snapshot_every: int | None = None,
        scheme: LabelScheme | None = None,
    ) -> None:
        """``scheme``: the corpus's scheme (its scheme file's); the store
        records it, or checks it against the one it recorded (see
        :meth:`bind_scheme`). None: the store's own recorded scheme."""
        self.path = Path(path).expanduser()
        self.annotator = annotator or default_annotator()
        self.read_only = read_only
        self._scheme: LabelScheme | None = None  # the recorded scheme, read once per change of meta
        self._scheme_in_memory: LabelScheme | None = None  # read-only: a newer compatible scheme, not recorded
        self.reanchored = ReanchorReport()
        options = {"read_only": read_only, "annotator": self.annotator}
        if snapshot_every is not None:
            options["snapshot_every"] = snapshot_every
        self.storage: JournalStorage | None = None

        def make_storage(path, **_):
            # the gold rows are parsed when first read (export, agreement), not on every open
            self.storage = JournalStorage(path, cold_tables=("gold",), **options)
            return self.storage

        self.db = _DB(self.path, storage=make_storage)
        self._last_write = time.monotonic()
        self._claim_ids: dict[str, int] | None = None
        self._targets: list[dict] | None = None
        try:
            self._check_schema(scheme)
            if scheme is not None:
                self.bind_scheme(scheme)
        except BaseException:
            self.db.close()
            raise
        self.storage.on_change.append(self._changed)

    @property
    def report(self) -> OpenReport:
        return self.storage.report

    def _changed(self, tables: set[str]) -> None:
        self._last_write = time.monotonic()
        for name in tables:
            self.db.table(name).clear_cache()
        if "claims" in tables:
            self._claim_ids = None
        if "meta" in tables or "targets" in tables:
            self._targets = None
        if "meta" in tables:
            self._scheme = None

    # -- schema -----------------------------------------------------------

    def _check_schema(self, scheme: LabelScheme | None = None) -> None:
        meta = self.db.table("meta").get(doc_id=1)
        if meta is None:
            if not self.read_only:
                record = {"schema_version": SCHEMA_VERSION}
                if scheme is not None and scheme_file.fingerprint(scheme) != scheme_file.fingerprint(DEFAULT):
                    record["scheme"] = scheme_file.scheme_record(scheme)  # recorded as the store is made
                with self.storage.action("create store", undoable=False):
                    self.db.table("meta").insert(record)
            return
        version = meta.get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {version!r}, this factdesk reads versions "
                f"up to {SCHEMA_VERSION}. Upgrade factdesk, or open another store with --db."
            )
        problem = _meta_problem(meta)
        if problem:
            raise StoreError(
                f"{visible_path(self.path)}: the store's own record (table 'meta') is damaged: {problem}. "
                "Nothing was changed. Restore the store from its backups folder (`factdesk store info "
                f"--db {visible_path(self.path)}` lists them), or open another store with --db."
            )
        if version < SCHEMA_VERSION:
            if self.read_only:
                raise StoreError(
                    f"{self.path}: store schema version {version} must be upgraded to "
                    f"{SCHEMA_VERSION}; open it once without --read-only (a backup is kept)."
                )
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        from annotations.migrate import MIGRATIONS

        while version < SCHEMA_VERSION:
            changes = MIGRATIONS[version](self.storage.tables)
            with self.storage.action(f"migrate schema {version} to {version + 1}", undoable=False):
                self.storage.commit(changes)
                self.db.table("meta").update({"schema_version": version + 1}, doc_ids=[1])
            version += 1
        self.storage.snapshot()
        self.report.notes.append(f"Store upgraded to schema version {SCHEMA_VERSION}; the old file is in the backups folder.")

    @property
    def meta(self) -> dict:
        return dict(self.db.table("meta").get(doc_id=1) or {})

    # -- the label scheme ---------------------------------------------------

    @property
    def scheme(self) -> LabelScheme:
        """The labels this store's records use: the scheme it recorded (a
        store made before schemes, or with the default one, records none and
        uses :data:`annotations.labels.DEFAULT`)."""
        if self._scheme_in_memory is not None:
            return self._scheme_in_memory
        if self._scheme is None:
            self._scheme = self._recorded_scheme()
        return self._scheme

    def _recorded_scheme(self) -> LabelScheme:
        record = self.meta.get("scheme")
        if record is None:
            return DEFAULT
        try:
            return scheme_file.scheme_from_record(record)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise StoreError(
                f"{visible_path(self.path)}: the store's copy of its label scheme (table 'meta', field 'scheme') "
                f"is damaged ({visible(exc, 120)}). Nothing was changed. Restore the store from its backups folder "
                f"(`factdesk store info --db {visible_path(self.path)}` lists them).") from None

    def label_uses(self, set_name: str, label: str) -> int:
        """How many records use ``label`` of the scheme's set ``set_name``
        (``stance``, ``claim_type``, ``checkworthiness``, ``reliability``,
        ``reasons``, ``links``, ``entities``)."""
        return sum(1 for _ in self._users(set_name, label))

    def _users(self, set_name: str, label: str):
        """``(table, doc_id, record)`` of every record that uses the label."""
        for table, test in _LABEL_USES[set_name]:
            for doc_id, doc in self.storage.docs(table).items():
                if test(doc, label):
                    yield table, doc_id, doc

    def bind_scheme(self, scheme: LabelScheme) -> None:
        """Open the store with ``scheme`` (the corpus's scheme file). The same
        scheme: nothing to do. Labels added (or hints, keys, colours, roles,
        guidelines changed): the store's copy is updated (journalled). A label
        the store's records use that ``scheme`` lacks (removed or renamed) is
        refused with :class:`SchemeMismatch`, naming it and its records, until
        ``factdesk scheme rename`` or ``drop`` is run. A read-only store uses
        a compatible scheme without recording it."""
        old = self.scheme
        if scheme_file.fingerprint(old) == scheme_file.fingerprint(scheme):
            return
        used = [(set_name, label, n) for set_name, label in scheme_file.removed_labels(old, scheme)
                if (n := self.label_uses(set_name, label))]
        if used:
            set_name, label, n = used[0]
            more = f" (and {len(used) - 1} more label(s) it lacks are used too)" if len(used) > 1 else ""
            db = visible_path(self.path)
            raise SchemeMismatch(
                f"{db}: the scheme {visible(scheme.name, 40)!r} has no {set_name} label {visible(label, 60)!r}, "
                f"which {n} record(s) of this store use{more}; nothing was changed. If it was renamed, rename it "
                f"in the store too (`factdesk scheme rename --db {db} {_quoted_arg(label)} NEW --set {set_name}`); "
                f"if it is gone, drop it and what uses it (`factdesk scheme drop --db {db} {_quoted_arg(label)} "
                f"--set {set_name}`); both are undoable. Then open the store again.")
        if self.read_only:
            self._scheme_in_memory = scheme
            return
        with self.storage.action("update label scheme", undoable=False):
            self.db.table("meta").update({"scheme": scheme_file.scheme_record(scheme)}, doc_ids=[1])
        self._scheme = None

    def _scheme_set(self, label: str, set_name: str | None) -> str:
        names = scheme_file.set_names(self.scheme)
        if set_name is not None:
            if set_name not in names:
                raise ValidationError(f"--set {visible(set_name, 40)!r}: choose from {', '.join(names)}")
            if label not in names[set_name]:
                raise ValidationError(f"the store's scheme has no {set_name} label {visible(label, 60)!r}; its "
                                      f"{set_name} labels are {visible(', '.join(names[set_name]), 300)}")
            return set_name
        holding = [name for name, labels_ in names.items() if label in labels_]
        if not holding:
            raise ValidationError(f"the store's scheme ({visible(self.scheme.name, 40)!r}) has no label "
                                  f"{visible(label, 60)!r} (`factdesk scheme show --db {visible_path(self.path)}` "
                                  "lists its labels)")
        if len(holding) > 1:
            raise ValidationError(f"{visible(label, 60)!r} is a label of {', '.join(holding)}; say which with "
                                  f"--set {holding[0]}")
        return holding[0]

    def rename_label(self, old: str, new: str, set_name: str | None = None) -> tuple[str, int]:
        """Rename a label of the store's scheme, and every record using it: one
        undoable action in the history. A ``new`` the set already has merges
        the two. Returns the set and how many records changed."""
        self._writable()
        set_name = self._scheme_set(old, set_name)
        if not isinstance(new, str) or not new.strip() or new != new.strip() or visible(new, 81) != new:
            raise ValidationError(f"the new label {visible(repr(new), 60)} must be one plain line of at most 80 "
                                  "characters, without spaces around it")
        if new == old:
            raise ValidationError(f"{visible(old, 60)!r} is already called that; give another new name")
        scheme = _renamed(self.scheme, set_name, old, new)
        users = list(self._users(set_name, old))
        with self.storage.action(f"rename {set_name} label {visible(old, 40)} to {visible(new, 40)}"):
            for table, doc_id, doc in users:
                self.db.table(table).update(_LABEL_EDITS[set_name](old, new), doc_ids=[int(doc_id)])
            self.db.table("meta").update({"scheme": scheme_file.scheme_record(scheme)}, doc_ids=[1])
        self._scheme = None
        return set_name, len(users)

    def drop_label(self, label: str, set_name: str | None = None) -> tuple[str, int]:
        """Take a label out of the store's scheme, and out of every record using
        it (a stance or a field is removed; a rating, link or entity correction
        with it is deleted): one undoable action. Returns the set and how many
        records changed."""
        self._writable()
        set_name = self._scheme_set(label, set_name)
        if set_name != scheme_file.REASONS and len(getattr(self.scheme, set_name)) == 1:
            raise ValidationError(f"{visible(label, 60)!r} is the only {set_name} label; a set needs one, so "
                                  "rename it instead (`factdesk scheme rename`)")
        scheme = _renamed(self.scheme, set_name, label, None)
        users = list(self._users(set_name, label))
        with self.storage.action(f"drop {set_name} label {visible(label, 40)}"):
            for table, doc_id, doc in users:
                edit = _LABEL_EDITS[set_name](label, None)
                if edit is None or table in _DELETED_WITH_LABEL.get(set_name, ()):
                    self.db.table(table).remove(doc_ids=[int(doc_id)])
                else:
                    self.db.table(table).update(edit, doc_ids=[int(doc_id)])
            self.db.table("meta").update({"scheme": scheme_file.scheme_record(scheme)}, doc_ids=[1])
        self._scheme = None
        return set_name, len(users)

    # -- corpus -----------------------------------------------------------

    def register_corpus(self, corpus: Corpus, merge: bool = False) -> ReanchorReport:
        """Record the corpus's events, articles and gold pre-annotations (only
        what changed is written). With ``merge``, the corpus's events are added
        to the store's (an import) instead of replacing them.

        An article whose file is known but whose text changed gets a new id;
        its claims and rating follow it when their quoted text can be found
        for certain, and are flagged for review otherwise.
        """
        meta = self.meta
        identity = None if merge else corpus_identity(corpus)  # an import keeps the store's own binding
        if identity is not None:
            self._check_binding(meta, identity)
        events = [
            {"id": e.id, "title": e.title, "targets": [{"id": t.id, "text": t.text} for t in e.targets]}
            for e in corpus.events
        ]
        article_event = {i: e.id for e in reversed(corpus.events) for i in e.article_ids}
        articles = self.db.table("articles")
        self._share_texts(corpus)
        known = {doc["id"]: doc for doc in articles.all()}
        new = [a for a in corpus.articles if a.id not in known]
        binding = meta.get("corpus_binding") if merge else identity
        if merge and meta.get("events"):
            have = {e["id"] for e in meta["events"]}
            events = meta["events"] + [e for e in events if e["id"] not in have]
            corpus_name = meta.get("corpus") or corpus.name
        else:
            corpus_name = corpus.name
        gold_missing = corpus.gold_count > meta.get("gold_rows", 0)
        same_meta = (meta.get("events") == events and meta.get("corpus") == corpus_name
                     and (meta.get("corpus_binding") == binding or self.read_only))
        if same_meta and not new and not gold_missing:
            return self.reanchored
        self._writable()
        with self.storage.action("register corpus", undoable=False):
            if not same_meta:
                self.db.table("meta").update(
                    {"events": events, "corpus": corpus_name, "corpus_binding": binding}, doc_ids=[1])
            if new:
                articles.insert_multiple(
                    self._article_record(a, article_event.get(a.id, corpus.event.id)) for a in new)
                current = {a.id for a in corpus.articles}
                by_path = {
                    doc["path"]: doc for doc in known.values()
                    if doc.get("path") and doc["id"] not in current and not doc.get("replaced_by")
                }
                for article in new:
                    old = by_path.get(article.path)
                    if old is not None:
                        self._follow_changed_article(old, article)
        if gold_missing:
            self._import_gold(corpus)
        self._targets = None
        return self.reanchored

    def _share_texts(self, corpus: Corpus) -> None:
        """Hold each article's text once: the store's copy of a text equal to the
        corpus's becomes the corpus's string (the same value, so nothing is
        written; a big corpus's texts are otherwise in memory twice)."""
        texts = {a.id: a.text for a in corpus.articles}
        for doc in self.storage.docs("articles").values():
            text = texts.get(doc.get("id"))
            if text is not None and doc.get("text") == text:
                doc["text"] = text

    def _check_binding(self, meta: dict, identity: dict) -> None:
        """Refuse a corpus that is not the store's own, before anything is written.

        The same place is the same corpus (its articles may have been edited or
        added: they are re-anchored); the same texts elsewhere are the same
        corpus moved or copied. Anything else is another corpus."""
        bound = meta.get("corpus_binding")
        named = meta.get("corpus")
        if isinstance(bound, dict):
            if identity["path"] == bound.get("path") or identity["fingerprint"] == bound.get("fingerprint"):
                return
            own = f"`factdesk {visible_path(bound.get('path'))} --db {visible_path(self.path)}`"
            made_with = _describe(bound)
        elif named and named != identity["name"] and self.storage.docs("articles"):
            # A store from before corpus bindings: the corpus's name is all it recorded.
            own = f"`factdesk CORPUS --db {visible_path(self.path)}` with that corpus"
            made_with = repr(visible_path(named))
        else:
            return
        raise CorpusMismatch(
            f"{visible_path(self.path)} belongs to corpus {made_with}, not to {_describe(identity)}; nothing "
            f"was changed. Open it with its own corpus ({own}), or, if that corpus moved and changed, bind "
            f"the store to this one with `factdesk store rebind --db {visible_path(self.path)} --corpus "
            f"{visible_path(identity['path'])}`."
        )

    def bound_corpus(self) -> dict | None:
        """The identity of the corpus this store belongs to (None for a new store)."""
        bound = self.meta.get("corpus_binding")
        return dict(bound) if isinstance(bound, dict) else None

    def rebind_corpus(self, corpus: Corpus) -> ReanchorReport:
        """Bind the store to ``corpus`` (a corpus that moved and changed), as one
        undoable action in the history; then register it as usual (articles
        whose file is known but whose text changed are re-anchored)."""
        self._writable()
        identity = corpus_identity(corpus)
        with self.storage.action("rebind corpus"):
            self.db.table("meta").update({"corpus_binding": identity, "corpus": corpus.name}, doc_ids=[1])
        return self.register_corpus(corpus)

    GOLD_BATCH = 2000

    def _import_gold(self, corpus: Corpus) -> None:
        """Gold rows as pre-annotations (origin ``gold``), in batches, each batch
        one durable action; rows already imported are skipped, so an interrupted
        import resumes and a repeated one adds nothing."""
        table = self.db.table("gold")
        have = {doc["row"] for doc in table.all()}
        rows = [g for g in corpus.gold if g["row"] not in have]
        for i in range(0, len(rows), self.GOLD_BATCH):
            with self.storage.action("import gold stances", undoable=False):
                table.insert_multiple(rows[i:i + self.GOLD_BATCH])
        with self.storage.action("import gold stances", undoable=False):
            self.db.table("meta").update({"gold_rows": len(table)}, doc_ids=[1])

    IMPORT_BATCH = 500

    def import_records(self, table: str, records: list[dict], label: str) -> int:
        """Add imported records (already checked) in batches, each batch one
        durable action; an interrupted import resumes by skipping what is there."""
        if not records:
            return 0
        self._writable()
        for i in range(0, len(records), self.IMPORT_BATCH):
            with self.storage.action(label, undoable=False):
                self.db.table(table).insert_multiple(records[i:i + self.IMPORT_BATCH])
        self._targets = None
        return len(records)

    def import_events(self, event_ids: set[str]) -> None:
        """Make sure each event exists (an import may name events the store
        does not have yet)."""
        events = self.events()
        missing = sorted(set(event_ids) - {e["id"] for e in events})
        if not missing:
            return
        self._writable()
        with self.storage.action("import events", undoable=False):
            self.db.table("meta").update(
                {"events": events + [{"id": e, "title": e, "targets": []} for e in missing]}, doc_ids=[1])
        self._targets = None

    def records(self, table: str) -> list[dict]:
        """Every record of a table, as plain dicts (for bulk readers such as the
        export: no TinyDB documents are built)."""
        return [dict(doc) for doc in self.storage.docs(table).values()]

    def gold(self) -> list[dict]:
        """Gold pre-annotations, in the order of the source file."""
        return sorted((dict(d) for d in self.db.table("gold").all()), key=lambda g: g["row"])

    def _follow_changed_article(self, old: dict, article: Article) -> None:
        from annotations.anchor import reanchor, selector

        self.db.table("articles").update({"replaced_by": article.id}, Query().id == old["id"])
        for claim in self.db.table("claims").search(Query().article_id == old["id"]):
            anchor = reanchor(article.text, claim["quote"], claim.get("prefix", ""), claim.get("suffix", ""))
            if anchor is None:
                self.db.table("claims").update({"status": "needs_review"}, doc_ids=[claim.doc_id])
                self.reanchored.review.append(claim["id"])
                continue
            moved = {
                "article_id": article.id,
                "text_hash": article.text_hash,
                "start": anchor.start,
                "end": anchor.end,
                **selector(article.text, anchor.start, anchor.end),
                "status": "ok",
                "reanchored_from": old["text_hash"],
                "updated": now(),
            }
            # the speaker's offsets move with the text too (or it is removed, and the reader told)
            has_speaker, speaker = _moved_speaker(claim.get("speaker"), old.get("text", ""), article.text)
            if has_speaker and speaker is not None:
                moved["speaker"] = speaker
            lost = has_speaker and speaker is None

            def follow(doc, moved=moved, lost=lost) -> None:
                if lost:
                    del doc["speaker"]
                doc.update(moved)

            self.db.table("claims").update(follow, doc_ids=[claim.doc_id])
            self.reanchored.moved.append(claim["id"])
            if lost:
                self.reanchored.speakers_lost.append(claim["id"])
        self.db.table("ratings").update(
            {"article_id": article.id, "text_hash": article.text_hash, "reanchored_from": old["text_hash"]},
            Query().article_id == old["id"],
        )

    @staticmethod
    def _article_record(article: Article, event_id: str) -> dict:
        return {
            "id": article.id,
            "text_hash": article.text_hash,
            "title": article.title,
            "source": article.source,
            "path": article.path,
            "url": article.url,
            "published": article.published,
            "event_id": event_id,
            "text": article.text,
        }

    def articles(self) -> list[dict]:
        return list(self.db.table("articles").all())

    def article(self, article_id: str) -> dict | None:
        return self.db.table("articles").get(Query().id == article_id)

    def events(self) -> list[dict]:
        meta = self.meta
        if "events" in meta:
            return list(meta["events"])
        return [meta["event"]] if meta.get("event") else []  # stores written before events

    @property
    def targets(self) -> list[dict]:
        """Every target of every event (ids are unique in a corpus), with the
        reader's edits and additions applied."""
        if self._targets is None:
            targets = {t["id"]: {**t, "event_id": e["id"]} for e in self.events() for t in e.get("targets") or []}
            for doc in sorted(self.db.table("targets").all(), key=lambda d: d.doc_id):
                targets[doc["id"]] = {"id": doc["id"], "text": doc["text"], "event_id": doc["event_id"]}
            self._targets = list(targets.values())
        return self._targets

    def event_targets(self, event_id: str) -> list[dict]:
        return [t for t in self.targets if t.get("event_id") == event_id]

    def set_target(self, event_id: str, text: str, target_id: str | None = None) -> dict:
        """Add a target proposition to an event, or (with ``target_id``) reword one."""
        self._writable()
        text = " ".join(text.split())
        if not text:
            raise ValidationError("a target proposition needs some text")
        if target_id is None:
            taken = {t["id"] for t in self.targets}
            n = len(self.event_targets(event_id)) + 1
            while f"{event_id}:r{n}" in taken:
                n += 1
            target_id = f"{event_id}:r{n}"
        elif target_id not in {t["id"] for t in self.event_targets(event_id)}:
            raise ValidationError(f"target {target_id!r} is not a target of this event")
        record = {"id": target_id, "event_id": event_id, "text": text, "annotator": self.annotator, "created": now()}
        with self.storage.action("edit target" if target_id else "add target"):
            self.db.table("targets").insert(record)
        self._targets = None
        return record

    def _target_ids(self) -> set[str]:
        return {t["id"] for t in self.targets}

    # -- claims -----------------------------------------------------------

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only; nothing was saved.")

    def _article_text(self, article_id: str) -> tuple[str, str]:
        record = self.article(article_id)
        if record is None:
            raise ValidationError(f"article {article_id!r} is not in this store")
        return record["text"], record["text_hash"]

    def _claim_doc_id(self, claim_id: str) -> int | None:
        if self._claim_ids is None:
            self._claim_ids = {doc["id"]: int(key) for key, doc in self.storage.docs("claims").items()}
        return self._claim_ids.get(claim_id)

    def add_claim(
        self, article_id: str, start: int, end: int, stances: dict[str, str] | None = None,
        **fields,
    ) -> dict:
        """Save a claim span with its stances and optional fields (claim_type,
        checkworthiness, speaker, attribution, confidence, note); returns the record."""
        from annotations.anchor import selector

        self._writable()
        text, text_hash = self._article_text(article_id)
        stamp = now()
        in_range = 0 <= start < end <= len(text)
        claim = {
            "id": uuid.uuid4().hex,
            "article_id": article_id,
            "text_hash": text_hash,
            "start": start,
            "end": end,
            **(selector(text, start, end) if in_range else {"quote": "", "prefix": "", "suffix": ""}),
            "label": CLAIM_LABEL,
            "stances": dict(stances or {}),
            "status": "ok",
            "annotator": self.annotator,
            "created": stamp,
            "updated": stamp,
            **self._claim_fields(fields),
        }
        validate_claim(claim, text, self._target_ids(), self.scheme)
        with self.storage.action("add claim"):
            self.db.table("claims").insert(claim)
        self._claim_ids = None
        return claim

    @staticmethod
    def _claim_fields(fields: dict) -> dict:
        """The optional fields given, checked by name; None values dropped."""
        unknown = set(fields) - (set(CLAIM_FIELDS) | {"speaker"})
        if unknown:
            raise ValidationError(f"unknown claim field(s): {', '.join(sorted(unknown))}")
        return {k: v for k, v in fields.items() if v is not None}

    def update_claim(self, claim_id: str, stances: dict[str, str] | None = None, **fields) -> dict:
        """Change a claim's stances and fields (a field set to None is removed)."""
        self._writable()
        doc_id = self._claim_doc_id(claim_id)
        if doc_id is None:
            raise ValidationError(f"claim {claim_id!r} is not in this store")
        claim = self.claim(claim_id)
        self._claim_fields(fields)  # names checked; here None means "remove the field"
        for name, value in fields.items():
            if value is None:
                claim.pop(name, None)
            else:
                claim[name] = value
        if stances is not None:
            claim["stances"] = dict(stances)
        claim["updated"] = now()
        text, _ = self._article_text(claim["article_id"])
        validate_claim(claim, text, self._target_ids(), self.scheme)
        with self.storage.action("edit claim"):
            self.db.table("claims").update(lambda doc: (doc.clear(), doc.update(claim)), doc_ids=[doc_id])
        return self.claim(claim_id)

    def set_stance(self, claim_id: str, target_id: str, stance: str) -> dict:
        self._writable()
        doc_id = self._claim_doc_id(claim_id)
        if doc_id is None:
            raise ValidationError(f"claim {claim_id!r} is not in this store")
        claim = self.claim(claim_id)
        claim["stances"] = {**claim.get("stances", {}), target_id: stance}
        text, _ = self._article_text(claim["article_id"])
        validate_claim(claim, text, self._target_ids(), self.scheme)
        with self.storage.action("change stance"):
            self.db.table("claims").update({"stances": claim["stances"], "updated": now()}, doc_ids=[doc_id])
        return self.claim(claim_id)

    def delete_claim(self, claim_id: str) -> None:
        self._writable()
        doc_id = self._claim_doc_id(claim_id)
        if doc_id is None:
            raise ValidationError(f"claim {claim_id!r} is not in this store")
        with self.storage.action("delete claim"):
            self.db.table("claims").remove(doc_ids=[doc_id])
            q = Query()
            self.db.table("links").remove((q.a == claim_id) | (q.b == claim_id))

    def claim(self, claim_id: str) -> dict | None:
        doc_id = self._claim_doc_id(claim_id)
        doc = self.db.table("claims").get(doc_id=doc_id) if doc_id is not None else None
        return dict(doc) if doc is not None else None

    def claims(self, article_id: str | None = None, include_review: bool = False) -> list[dict]:
        table = self.db.table("claims")
        docs = table.all() if article_id is None else table.search(Query().article_id == article_id)
        return sorted(
            (dict(d) for d in docs if include_review or d.get("status", "ok") == "ok"),
            key=lambda c: (c["article_id"], c["start"], c["end"]),
        )

    def claims_for_review(self) -> list[dict]:
        # raw rows, not TinyDB documents: the status line asks on every change
        return [dict(c) for c in self.storage.docs("claims").values() if c.get("status") == "needs_review"]

    def newest_version(self, article_id: str) -> str:
        """The id of the article's newest text: an article whose text changed
        is ``replaced_by`` the next version, perhaps more than once."""
        seen = {article_id}
        record = self.article(article_id)
        while record is not None and record.get("replaced_by") and record["replaced_by"] not in seen:
            article_id = record["replaced_by"]
            seen.add(article_id)
            record = self.article(article_id)
        return article_id

    def place_claim(self, claim_id: str, start: int, end: int, article_id: str | None = None) -> dict:
        """Place a claim flagged for review by hand at [start, end) of the
        newest version of its article (or of ``article_id``, which must be a
        version of it), stored the way re-anchoring stores a claim that moved:
        new offsets, text hash and quote selector, status ``ok``,
        ``reanchored_from`` the old text's hash. A speaker entity follows if its
        text is found for certain, and is removed otherwise. One undoable action."""
        from annotations.anchor import selector

        self._writable()
        doc_id = self._claim_doc_id(claim_id)
        if doc_id is None:
            raise ValidationError(f"claim {visible(claim_id, 80)!r} is not in this store")
        claim = self.claim(claim_id)
        what = f"claim {visible(claim_id, 40)}"
        if claim.get("status", "ok") != "needs_review":
            raise ValidationError(f"{what} is not flagged for review: it is already placed in its article; "
                                  "edit or delete it there instead")
        newest = self.newest_version(claim["article_id"])
        article_id = newest if article_id is None else article_id
        if article_id != newest:
            raise ValidationError(f"{what}: article {visible(article_id, 80)!r} is not the newest version of the "
                                  f"claim's article; place it in {visible(newest, 80)!r}")
        text, text_hash = self._article_text(article_id)
        if (not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool)
                or isinstance(end, bool)):
            raise ValidationError(f"{what}: offsets must be whole numbers, got {start!r}, {end!r}; "
                                  "select the claim's words in the article")
        if not 0 <= start < end <= len(text):
            raise ValidationError(f"{what}: offsets {start}..{end} are outside the article (length {len(text)}); "
                                  "select the claim's words in the article")
        if not text[start:end].strip():
            raise ValidationError(f"{what}: the text at {start}..{end} is only white space; "
                                  "select the claim's words in the article")
        old_text, old_hash = self._article_text(claim["article_id"])
        placed = {
            **claim,
            "article_id": article_id,
            "text_hash": text_hash,
            "start": start,
            "end": end,
            **selector(text, start, end),
            "status": "ok",
            "updated": now(),
        }
        if claim["article_id"] != article_id:
            placed["reanchored_from"] = old_hash
        has_speaker, speaker = _moved_speaker(claim.get("speaker"), old_text, text)
        if has_speaker and speaker is None:
            placed.pop("speaker")
        elif has_speaker:
            placed["speaker"] = speaker
        validate_claim(placed, text, self._target_ids(), self.scheme)
        with self.storage.action("place claim"):
            self.db.table("claims").update(lambda doc: (doc.clear(), doc.update(placed)), doc_ids=[doc_id])
        return self.claim(claim_id)

    # -- links across articles -------------------------------------------

    def action(self, label: str):
        """Group several writes into one undoable action (one undo step)."""
        self._writable()
        return self.storage.action(label)

    def link_claims(self, claim_a: str, claim_b: str, label: str, note: str = "") -> dict:
        """Link two claims of different articles (``same``, ``supports``,
        ``contradicts``, ``elaborates``, ``related``); linking a linked pair
        again changes the link. One undoable action."""
        self._writable()
        relations = self.scheme.links
        if not isinstance(label, str) or label not in relations:
            raise ValidationError(f"link label {visible(repr(label), 60)} is not one of "
                                  f"{visible(', '.join(relations.names), 300)}")
        a, b = self.claim(claim_a), self.claim(claim_b)
        for claim_id, claim in ((claim_a, a), (claim_b, b)):
            if claim is None:
                raise ValidationError(f"claim {claim_id!r} is not in this store")
        if a["article_id"] == b["article_id"]:
            raise ValidationError("both claims are in the same article; link claims of different articles")
        existing = self.link_between(claim_a, claim_b)
        stamp = now()
        order = existing["n"] if existing else 1 + max((d.get("n", 0) for d in self.db.table("links").all()), default=0)
        record = {"id": existing["id"] if existing else uuid.uuid4().hex, "a": claim_a, "b": claim_b,
                  "label": label, "note": note.strip(), "annotator": self.annotator, "n": order,
                  "created": existing["created"] if existing else stamp, "updated": stamp}
        with self.storage.action("change link" if existing else "link claims"):
            if existing:
                self.db.table("links").update(lambda doc: (doc.clear(), doc.update(record)),
                                              Query().id == existing["id"])
            else:
                self.db.table("links").insert(record)
        return record

    def link_between(self, claim_a: str, claim_b: str) -> dict | None:
        q = Query()
        doc = self.db.table("links").get(((q.a == claim_a) & (q.b == claim_b)) | ((q.a == claim_b) & (q.b == claim_a)))
        return dict(doc) if doc is not None else None

    def unlink(self, link_id: str) -> None:
        self._writable()
        if not self.db.table("links").contains(Query().id == link_id):
            raise ValidationError(f"link {link_id!r} is not in this store")
        with self.storage.action("unlink claims"):
            self.db.table("links").remove(Query().id == link_id)

    def links(self, claim_id: str | None = None) -> list[dict]:
        """Links (of one claim, or all), oldest first."""
        docs = self.db.table("links").all()
        if claim_id is not None:
            docs = [d for d in docs if claim_id in (d["a"], d["b"])]
        return sorted((dict(d) for d in docs), key=lambda d: (d["created"], d.get("n", 0), d["id"]))

    def claim_groups(self) -> list:
        """Claims linked as ``same``, grouped (see :mod:`annotations.links`)."""
        from annotations.links import build_groups

        claims = {c["id"]: c for c in self.claims()}
        records = {d["id"]: dict(d) for d in self.db.table("groups").all()}
        return build_groups(self.links(), claims, records, self.scheme.links)

    def set_group(self, group_id: str, canonical: str | None = None, stance: dict[str, str] | None = None) -> dict:
        """The reader's canonical wording and/or stance of a claim group."""
        self._writable()
        stances = self.scheme.stance.names
        if group_id not in {g.id for g in self.claim_groups()}:
            raise ValidationError(f"claim group {group_id!r} does not exist (link two claims as 'same' first)")
        existing = self.db.table("groups").get(Query().id == group_id)
        record = dict(existing or {"id": group_id, "created": now()})
        if canonical is not None:
            record["canonical"] = " ".join(canonical.split())
        if stance is not None:
            bad = {t: v for t, v in stance.items() if v not in stances or t not in self._target_ids()}
            if bad:
                raise ValidationError(f"group stance {visible(repr(bad), 120)}: unknown target or not one of "
                                      f"{visible(', '.join(stances), 300)}")
            record["stance"] = dict(stance)
        record.update(annotator=self.annotator, updated=now())
        with self.storage.action("edit claim group"):
            self.db.table("groups").upsert(record, Query().id == group_id)
        return record

    # -- noise marks ------------------------------------------------------

    def mark_noise(self, article_id: str, start: int, end: int, noise: bool = True) -> dict:
        """The reader says [start, end) is (or, with ``noise=False``, is not) noise."""
        self._writable()
        text, text_hash = self._article_text(article_id)
        if not 0 <= start < end <= len(text):
            raise ValidationError(f"noise mark: offsets {start}..{end} are outside the article (length {len(text)})")
        record = {"article_id": article_id, "text_hash": text_hash, "start": start, "end": end,
                  "quote": text[start:end], "noise": noise, "annotator": self.annotator, "created": now()}
        with self.storage.action("mark noise" if noise else "unmark noise"):
            self.db.table("noise_marks").insert(record)
        return record

    def noise_marks(self, article_id: str) -> list[dict]:
        """The reader's marks on an article, oldest first."""
        docs = self.db.table("noise_marks").search(Query().article_id == article_id)
        return [dict(d) for d in sorted(docs, key=lambda d: d.doc_id)]

    # -- entity corrections ------------------------------------------------

    def correct_entities(self, edits: list[tuple[str, int, int, str | None]]) -> int:
        """The reader's entity corrections, as one undoable action: each edit is
        ``(article_id, start, end, label)``; ``label=None`` says "no entity here".
        An edit replaces whatever entities of the model it overlaps."""
        self._writable()
        entity_labels = self.scheme.entities
        records = []
        stamp = now()
        for article_id, start, end, label in edits:
            text, text_hash = self._article_text(article_id)
            if not 0 <= start < end <= len(text):
                raise ValidationError(f"entity edit: offsets {start}..{end} are outside the article")
            if label is not None and label not in entity_labels:
                raise ValidationError(f"entity label {visible(repr(label), 60)} is not one of "
                                      f"{visible(', '.join(entity_labels.names), 300)}")
            records.append({"article_id": article_id, "text_hash": text_hash, "start": start, "end": end,
                            "quote": text[start:end], "label": label, "annotator": self.annotator,
                            "created": stamp})
        if records:
            with self.storage.action("correct entities"):
                self.db.table("entity_edits").insert_multiple(records)
        return len(records)

    def entity_edits(self, article_id: str) -> list[dict]:
        docs = self.db.table("entity_edits").search(Query().article_id == article_id)
        return [dict(d) for d in sorted(docs, key=lambda d: d.doc_id)]

    def entity_edits_by_article(self) -> dict[str, list[dict]]:
        """Every article's entity edits, in the order made, in one pass over the table."""
        edits: dict[str, list[dict]] = {}
        for key, doc in sorted(self.storage.docs("entity_edits").items(), key=lambda kv: int(kv[0])):
            edits.setdefault(doc["article_id"], []).append(dict(doc))
        return edits

    def merge_entities(self, key_a: str, key_b: str) -> None:
        """The reader says two entity groups (keys from corpus.entities) are one."""
        self._writable()
        if key_a == key_b:
            raise ValidationError("an entity group cannot be merged with itself")
        with self.storage.action("merge entities"):
            self.db.table("entity_merges").insert(
                {"a": key_a, "b": key_b, "annotator": self.annotator, "created": now()})

    def entity_merges(self) -> list[tuple[str, str]]:
        return [(d["a"], d["b"]) for d in self.db.table("entity_merges").all()]

    def event_progress(self, article_ids: list[str]) -> tuple[int, int]:
        """(claims, rated articles) over the given articles."""
        ids = set(article_ids)
        claims = sum(1 for c in self.storage.docs("claims").values()
                     if c["article_id"] in ids and c.get("status", "ok") == "ok")
        rated = len({r["article_id"] for r in self.storage.docs("ratings").values()
                     if r["article_id"] in ids and r["annotator"] == self.annotator})
        return claims, rated

    # -- reliability ------------------------------------------------------

    def _own(self, table: str, field: str, value: str):
        """The query for this annotator's record with ``field == value``."""
        return (Query()[field] == value) & (Query().annotator == self.annotator)

    def _save_rating(self, table: str, key: dict, label: str, note: str, codes, action: str,
                     extra: dict | None = None) -> dict:
        """Insert or replace this annotator's rating, keyed by ``key`` (one field)."""
        validate_rating(label, codes, self.scheme)
        (field, value), = key.items()
        q = self._own(table, field, value)
        existing = self.db.table(table).get(q)
        stamp = now()
        record = {**key, **(extra or {}), "label": label, "rationale_codes": sorted(set(codes)), "note": note.strip(),
                  "annotator": self.annotator, "created": existing["created"] if existing else stamp,
                  "updated": stamp}
        with self.storage.action(action):
            self.db.table(table).upsert(record, q)
        return record

    def _rating_of(self, table: str, field: str, value: str) -> dict | None:
        doc = self.db.table(table).get(self._own(table, field, value))
        return dict(doc) if doc is not None else None

    def rate_article(self, article_id: str, label: str, note: str = "", codes: list[str] | tuple[str, ...] = ()) -> dict:
        """The reader's reliability rating of one article, with rationale codes."""
        self._writable()
        validate_rating(label, codes, self.scheme)
        _, text_hash = self._article_text(article_id)
        return self._save_rating("ratings", {"article_id": article_id}, label, note, codes, "rate article",
                                 extra={"text_hash": text_hash})

    def rate_source(self, source: str, label: str, note: str = "", codes: list[str] | tuple[str, ...] = ()) -> dict:
        """The reader's rating of a source (a site), shown beside each of its articles."""
        self._writable()
        if not source.strip():
            raise ValidationError("this article has no source to rate; name it in the corpus (source field)")
        return self._save_rating("source_ratings", {"source": source}, label, note, codes, "rate source")

    def source_rating(self, source: str) -> dict | None:
        return self._rating_of("source_ratings", "source", source)

    def source_ratings(self) -> list[dict]:
        return [dict(d) for d in self.db.table("source_ratings").all()]

    def rating(self, article_id: str) -> dict | None:
        return self._rating_of("ratings", "article_id", article_id)

    def ratings(self) -> list[dict]:
        return [dict(d) for d in self.db.table("ratings").all()]

    # -- undo, redo, history ------------------------------------------------

    def undo(self) -> str | None:
        """Undo the last action (also one made in an earlier session); its label, or None."""
        self._writable()
        entry = self.storage.undo()
        return entry["label"] if entry else None

    def redo(self) -> str | None:
        self._writable()
        entry = self.storage.redo()
        return entry["label"] if entry else None

    @property
    def can_undo(self) -> bool:
        return bool(self.storage.undo_stack)

    @property
    def can_redo(self) -> bool:
        return bool(self.storage.redo_stack)

    def history(self, claim_id: str) -> list[dict]:
        """Every change to a claim (deleted ones too), oldest first: ``{seq, t,
        who, kind, label, before, after}``."""
        return self.storage.history(
            lambda table, before, after: table == "claims" and (after or before or {}).get("id") == claim_id
        )

    # -- snapshots and closing ---------------------------------------------

    def maybe_snapshot(self, idle: float = IDLE_SNAPSHOT_SECONDS) -> bool:
        """Write a snapshot if there are unsnapshotted actions and nothing was
        written for ``idle`` seconds (the app calls this from a timer)."""
        if self.read_only or not self.storage.unsnapshotted:
            return False
        if time.monotonic() - self._last_write < idle:
            return False
        self.storage.snapshot()
        return True

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "AnnotationStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
