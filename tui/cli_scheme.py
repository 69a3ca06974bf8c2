"""`factdesk scheme`: look at a store's label scheme, check a scheme file,
rename or drop a label in a store (each one undoable action). Headless."""

from __future__ import annotations

import argparse
from pathlib import Path

from corpus.text import visible
from tui.cli_common import fail as _fail


def _describe(scheme) -> list[str]:
    from annotations.scheme_file import SETS, fingerprint

    lines = [f"scheme {visible(scheme.name, 60)!r} (fingerprint {fingerprint(scheme)})"]
    for name in SETS:
        label_set = getattr(scheme, name)
        shown = ", ".join(f"{label.key} {label.name}" if label.key else label.name for label in label_set)
        flags = [flag for flag, on in (("required", label_set.required), ("ordinal", label_set.ordinal)) if on]
        lines.append(f"  {name}{' (' + ', '.join(flags) + ')' if flags else ''}: {visible(shown, 2000)}")
        if name == "reliability" and label_set.reasons is not None:
            lines.append(f"    reasons: {visible(', '.join(label_set.reasons.names), 2000)}")
        if name == "links":
            from annotations.scheme_file import ROLES

            lines.append("    " + "; ".join(f"{role}: {', '.join(getattr(label_set, role)) or '-'}" for role in ROLES))
    if scheme.guidelines:
        lines.append(f"  guidelines: {len(scheme.guidelines.splitlines())} line(s) of Markdown")
    return lines


def _store(db: str | None):
    if not db:
        return None
    path = Path(db).expanduser()
    if not path.exists() and not path.with_name(path.name + ".journal").exists():
        return None
    return path


def cmd_scheme(args: argparse.Namespace) -> int:
    from annotations.scheme_file import find_scheme_file, read_scheme_file
    from annotations.store import AnnotationStore

    if args.action == "check":
        if len(args.labels) > 1:
            return _fail("check takes one scheme file: `factdesk scheme check FILE` (or --corpus CORPUS).")
        path = Path(args.labels[0]) if args.labels else find_scheme_file(args.corpus) if args.corpus else None
        if path is None:
            return _fail("give the scheme file (`factdesk scheme check FILE`) or a corpus that has one "
                         "(`--corpus CORPUS`, whose factdesk.toml is checked).")
        scheme = read_scheme_file(path).scheme
        print(f"{visible(path)}: a valid scheme.")
        print("\n".join(_describe(scheme)))
        return 0
    wanted = {"show": 0, "rename": 2, "drop": 1}[args.action]
    usage = {"show": "show --db STORE", "rename": "rename --db STORE OLD NEW [--set SET]",
             "drop": "drop --db STORE LABEL [--set SET]"}[args.action]
    if len(args.labels) != wanted or not args.db:
        return _fail(f"usage: `factdesk scheme {usage}`.")
    db = _store(args.db)
    if db is None:
        return _fail(f"{visible(args.db)}: no such store.")
    if args.action == "show":
        with AnnotationStore(db, read_only=True) as store:
            print("\n".join(_describe(store.scheme)))
        return 0
    with AnnotationStore(db, annotator=args.annotator) as store:
        if args.action == "rename":
            old, new = args.labels
            set_name, changed = store.rename_label(old, new, args.set_name)
            print(f"{visible(db)}: {set_name} label {visible(old, 60)!r} renamed to {visible(new, 60)!r} in the "
                  f"store's scheme and in {changed} record(s). Undo it in the app with the undo key.")
        else:
            label, = args.labels
            set_name, changed = store.drop_label(label, args.set_name)
            print(f"{visible(db)}: {set_name} label {visible(label, 60)!r} dropped from the store's scheme and "
                  f"from {changed} record(s). Undo it in the app with the undo key.")
    return 0
