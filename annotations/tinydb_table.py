"""The one place factdesk reaches into TinyDB's ``Table``.

TinyDB's ``Table`` converts and rewrites the whole table on every write (12.9 ms
per insert at 20,000 records, even in memory). TinyDB offers no public way to
change that but to subclass ``Table`` (``TinyDB.table_class``), so this module
does, and it is the only one that touches ``Table``'s private names: the next
document id (``_next_id``, ``_get_next_id``), which a failed, rolled-back action
must give back, and ``_read_table``, so that reading one table does not parse the
journal's cold tables. ``tests/test_journal.py`` pins the behaviour (ids after inserts,
removals, reopening and failed actions), so a TinyDB release that changes these
names fails a test instead of reusing ids.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping

from tinydb.table import Document, Table

# A change: (table, doc id as str, value before or None, value after or None).
Change = tuple[str, str, dict | None, dict | None]


class JournalTable(Table):
    """A TinyDB table whose writes change only the documents they touch.

    TinyDB's ``Table`` converts and rewrites the whole table on every write.
    Here each write computes its changes (before and after of each document it
    touches) and hands them to :meth:`JournalStorage.commit`, which makes them
    durable and applies them in place. Reads are TinyDB's own.
    """

    def __init__(self, storage, name, *args, **kwargs) -> None:
        super().__init__(storage, name, *args, **kwargs)
        register = getattr(storage, "register_table", None)
        if register is not None:
            register(self)  # so a failed action can give the ids it took back

    @property
    def _journal(self):
        """The :class:`annotations.journal.JournalStorage` under this table."""
        return self.storage

    def id_counter(self) -> int | None:
        """The next document id as TinyDB keeps it (None: to be computed)."""
        return self._next_id

    def set_id_counter(self, state: int | None) -> None:
        self._next_id = state

    def _docs(self) -> dict[str, dict]:
        return self._journal.docs(self.name)

    def _read_table(self) -> dict[str, Mapping]:
        # TinyDB reads the whole storage to take one table from it; reading just
        # this one leaves the journal's cold tables (see JournalStorage) unparsed.
        return self._journal.docs(self.name)

    def _commit(self, changes: list[Change], next_id: int | None = None) -> None:
        if changes:
            self.clear_cache()
            try:
                self._journal.commit(changes)
            except BaseException:
                if self._journal._pending is None:  # not saved: give the ids back
                    self._next_id = next_id
                raise
            finally:
                self.clear_cache()

    def _get_next_id(self) -> int:
        if self._next_id is None:
            docs = self._docs()
            self._next_id = max((int(i) for i in docs), default=0) + 1
        next_id, self._next_id = self._next_id, self._next_id + 1
        return next_id

    def insert(self, document: Mapping) -> int:
        return self.insert_multiple([document])[0]

    def insert_multiple(self, documents: Iterable[Mapping]) -> list[int]:
        docs, changes, ids, new_keys = self._docs(), [], [], set()
        next_id = self._next_id
        for document in documents:
            if not isinstance(document, Mapping):
                raise ValueError("Document is not a Mapping")
            if isinstance(document, Document):
                doc_id = document.doc_id
                self._next_id = None
            else:
                doc_id = self._get_next_id()
            key = str(doc_id)
            if key in docs or key in new_keys:
                raise ValueError(f"Document with ID {doc_id} already exists")
            new_keys.add(key)
            changes.append((self.name, key, None, copy.deepcopy(dict(document))))
            ids.append(doc_id)
        self._commit(changes, next_id)
        return ids

    def _target_ids(self, cond, doc_ids) -> list[int]:
        if doc_ids is not None:
            docs = self._docs()
            return [i for i in doc_ids if str(i) in docs]
        if cond is not None:
            return [doc.doc_id for doc in self.search(cond)]
        return [int(i) for i in self._docs()]

    def update(self, fields, cond=None, doc_ids=None) -> list[int]:
        docs, changes = self._docs(), []
        ids = self._target_ids(cond, doc_ids)
        for doc_id in ids:
            before = docs[str(doc_id)]
            after = copy.deepcopy(before)
            if callable(fields):
                fields(after)
            else:
                after.update(copy.deepcopy(dict(fields)))
            if after != before:
                changes.append((self.name, str(doc_id), before, after))
        self._commit(changes)
        return ids

    def update_multiple(self, updates) -> list[int]:
        ids: list[int] = []
        for fields, cond in updates:
            ids += self.update(fields, cond)
        return ids

    def upsert(self, document: Mapping, cond=None) -> list[int]:
        doc_ids = [document.doc_id] if isinstance(document, Document) else None
        if doc_ids is None and cond is None:
            raise ValueError("If you don't specify a search query, you must specify a doc_id.")
        updated = self.update(document, cond, doc_ids)
        return updated if updated else [self.insert(document)]

    def remove(self, cond=None, doc_ids=None) -> list[int]:
        if cond is None and doc_ids is None:
            raise RuntimeError("Use truncate() to remove all documents")
        docs = self._docs()
        ids = self._target_ids(cond, doc_ids)
        self._commit([(self.name, str(i), docs[str(i)], None) for i in ids])
        return ids

    def truncate(self) -> None:
        docs = self._docs()
        self._commit([(self.name, key, doc, None) for key, doc in list(docs.items())])
        self._next_id = None
