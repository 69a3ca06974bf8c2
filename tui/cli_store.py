"""`factdesk store info|repair|rebind`: the store looked at, mended, or bound
to its corpus's new place. Headless: no Textual."""

from __future__ import annotations

import argparse
from pathlib import Path

from corpus.text import visible
from tui.cli_common import fail as _fail
from tui.cli_common import load_corpus_at as _load_corpus


def cmd_store(args: argparse.Namespace) -> int:
    from annotations.repair import info, repair
    from annotations.store import default_store_path

    if args.action == "rebind":
        if not (args.db and args.corpus):
            return _fail("rebind needs the store and its corpus's new place: "
                         "`factdesk store rebind --db STORE --corpus NEW-PLACE`.")
        return _rebind(Path(args.db).expanduser(), args.corpus, args.annotator)
    db = Path(args.db).expanduser() if args.db else default_store_path(_load_corpus(args.corpus).name)
    if not db.exists() and not db.with_name(db.name + ".journal").exists():
        return _fail(f"{visible(db)}: no such store.")
    lines = info(db) if args.action == "info" else repair(db)
    print("\n".join(visible(line) for line in lines))
    return 0


def _rebind(db: Path, corpus_path: str, annotator: str | None) -> int:
    from annotations.store import AnnotationStore, corpus_identity

    if not db.exists() and not db.with_name(db.name + ".journal").exists():
        return _fail(f"{visible(db)}: no such store.")
    corpus = _load_corpus(corpus_path)
    with AnnotationStore(db, annotator=annotator) as store:
        before = store.bound_corpus()
        report = store.rebind_corpus(corpus)
    was = f"{visible(before.get('name'))!r} at {visible(before.get('path'))}" if before else "no corpus"
    now = corpus_identity(corpus)
    print(f"{visible(db)}: bound to corpus {visible(now['name'])!r} at {visible(now['path'])} "
          f"({now['articles']} articles; was {was}). Undo it in the app with the undo key.")
    if report.message():
        print(visible(report.message()))
    return 0
