"""Schema versions of the store and how to move a store from one to the next.

Version 1: claims with offsets, quote and stances; ratings.
Version 2: claims also keep their quote selector context (``prefix``,
``suffix``) for re-anchoring, and a ``status`` (``ok`` or ``needs_review``).

Each migration is a function of the raw tables that returns the changes to
make; the store applies them as one journalled action after backing the file
up, so a migration can be undone by restoring the backup.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from annotations.anchor import selector

Changes = list[tuple[str, str, dict | None, dict | None]]


def _v1_to_v2(tables: dict) -> Changes:
    texts = {a["id"]: a["text"] for a in tables.get("articles", {}).values()}
    changes: Changes = []
    for doc_id, claim in tables.get("claims", {}).items():
        after = copy.deepcopy(claim)
        text = texts.get(claim["article_id"], "")
        context = selector(text, claim["start"], claim["end"]) if text else {}
        after.setdefault("prefix", context.get("prefix", ""))
        after.setdefault("suffix", context.get("suffix", ""))
        after.setdefault("status", "ok")
        changes.append(("claims", doc_id, claim, after))
    return changes


MIGRATIONS: dict[int, Callable[[dict], Changes]] = {1: _v1_to_v2}
