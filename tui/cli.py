"""The ``factdesk`` command.

``factdesk [PATH]`` opens the app (the bundled sample corpus without PATH);
``factdesk export`` writes the training data. Headless commands import
neither Textual nor spaCy unless they need them.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from corpus.text import visible
from tui.cli_common import corpus_scheme as _corpus_scheme
from tui.cli_common import fail as _fail
from tui.cli_common import load_corpus_at as _load_corpus
from tui.cli_store import cmd_store  # noqa: F401  (main runs it; tests replace it here)
from tui.cli_args import (
    assign_parser,
    agreement_parser,
    export_parser,
    import_parser,
    ingest_parser,
    open_parser,
    review_parser,
    scheme_parser,
    store_parser,
)


class Progress:
    """A one-line progress bar on stderr: count, rate, ETA. Plain lines when
    stderr is not a terminal."""

    def __init__(self, label: str, stream=None, unit: str = "articles") -> None:
        import time

        self.label, self.stream, self.unit = label, stream or sys.stderr, unit
        self.tty = self.stream.isatty()
        self.start = time.monotonic()
        self.first: int | None = None
        self.last_report = -1

    def __call__(self, done: int, total: int) -> None:
        import time

        if self.first is None:
            self.first = done
        elapsed = time.monotonic() - self.start
        rate = (done - self.first) / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else 0.0
        width = 30
        filled = int(width * done / total) if total else width
        line = (f"{self.label} [{'#' * filled}{'-' * (width - filled)}] {done}/{total} {self.unit}"
                f"  {rate:5.1f}/s  ETA {int(eta) // 60}:{int(eta) % 60:02d}")
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""))
            self.stream.flush()
        else:
            tenth = done * 10 // total if total else 10
            if tenth != self.last_report:
                self.last_report = tenth
                print(line, file=self.stream, flush=True)


def cmd_ingest(args: argparse.Namespace) -> int:
    from corpus.ingest import ingest
    from corpus.nlp import resolve_model

    scheme = _corpus_scheme(args.source, args.scheme)  # a bad scheme is refused first
    corpus = _load_corpus(args.source, scheme)
    for warning in corpus.warnings:
        print(f"factdesk: warning: {visible(warning)}", file=sys.stderr)
    choice = resolve_model(args.model)
    if choice.warning:
        print(f"factdesk: warning: {visible(choice.warning)}", file=sys.stderr)
    if args.n_process < 1 or args.batch_size < 1:
        return _fail("--n-process and --batch-size must be at least 1.")
    report = ingest(corpus, Path(args.out), choice, n_process=args.n_process,
                    batch_size=args.batch_size, progress=Progress("analysing"))
    if scheme is not None:
        _copy_scheme(scheme, Path(args.out))
    print(f"{report.articles} articles in {len(corpus.events)} events -> {visible(args.out)} "
          f"({report.analysed} analysed in {report.seconds:.1f} s, {report.cached} already done; "
          f"model {report.model})")
    return 0


def _copy_scheme(scheme, out: Path) -> None:
    """Put the corpus's scheme file (and the guidelines it names) into an
    ingested folder as its ``factdesk.toml``, so that `factdesk OUT` uses it."""
    from annotations.scheme_file import SCHEME_FILE

    copies = [(scheme.path, out / SCHEME_FILE)]
    if scheme.guidelines is not None:
        try:
            relative = scheme.guidelines.resolve().relative_to(scheme.path.resolve().parent)
        except ValueError:
            relative = None
        if relative is not None:
            copies.append((scheme.guidelines, out / relative))
        else:
            print(f"factdesk: note: the guidelines {visible(scheme.guidelines)} are outside the scheme's folder; "
                  f"{visible(out / SCHEME_FILE)} names them where they are.", file=sys.stderr)
    for source, target in copies:
        data = source.read_bytes()
        if target.exists() and target.read_bytes() != data:
            print(f"factdesk: warning: {visible(target)} differs from {visible(source)} and is kept; copy the "
                  "scheme file by hand if it should change.", file=sys.stderr)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def log_unexpected(exc: BaseException) -> str:
    """Write ``exc``'s full traceback to a new log file; the one line to show,
    naming the file (or saying why there is none)."""
    import traceback
    from datetime import datetime, timezone

    from annotations.store import default_data_dir

    text = "".join(traceback.format_exception(exc))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    detail = f"{type(exc).__name__}: {visible(exc, limit=300)}"
    for folder in (default_data_dir() / "logs", Path.home() / ".cache" / "factdesk" / "logs"):
        log = folder / f"factdesk-{stamp}-{os.getpid()}.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"factdesk {' '.join(sys.argv[1:])}\n{text}")
        except OSError:
            continue
        return (f"unexpected error ({detail}). Nothing saved before it is lost. The full traceback is in "
                f"{log}: please include it when you report this.")
    return f"unexpected error ({detail}). Nothing saved before it is lost; no log file could be written."



def pause_gc_for_startup() -> None:
    """Start-up allocates a great many long-lived objects (modules, the corpus,
    the store): the collector would scan them over and over for nothing. It is
    paused here, and :meth:`FactdeskApp.run` freezes what exists and resumes it."""
    import gc

    gc.disable()


def open_session(path: str | None = None, db: str | None = None, model: str | None = None,
                 annotator: str | None = None, read_only: bool = False, corpus=None, scheme=None,
                 scheme_path: str | None = None):
    """Load the corpus, open its store and choose the pipeline: what the app needs.

    With a store (``db``) and no corpus, the store's own corpus is opened (the
    one it records), not the bundled sample. A store made with another corpus
    is refused before anything is written. ``scheme`` (a
    :class:`annotations.scheme_file.SchemeFile`, already read) or else the
    scheme file of the corpus (``scheme_path``: ``--scheme``) is the store's
    label scheme: recorded, or checked against the one it recorded. Returns
    ``(corpus, store, analyser)``; the caller closes the store.
    """
    from annotations.store import AnnotationStore, default_store_path
    from corpus.analysis import Analyser, AnalysisCache
    from corpus.nlp import resolve_model

    if corpus is None and path is None and db is not None:
        store = AnnotationStore(db, annotator=annotator, read_only=read_only)
        try:
            own = _own_corpus_path(store)
            if scheme is None:
                scheme = _corpus_scheme(own, scheme_path)
            corpus = _load_corpus(own, scheme)
            if scheme is not None:
                store.bind_scheme(scheme.scheme)
        except BaseException:
            store.close()
            raise
    else:
        if scheme is None:
            scheme = _corpus_scheme(path, scheme_path)
        if corpus is None:
            corpus = _load_corpus(path, scheme)
        store = AnnotationStore(db or default_store_path(corpus.name), annotator=annotator, read_only=read_only,
                                scheme=scheme.scheme if scheme is not None else None)
    try:
        store.register_corpus(corpus)
    except BaseException:
        store.close()
        raise
    cache = AnalysisCache(corpus.cache_dir) if corpus.cache_dir else None
    return corpus, store, Analyser(resolve_model(model), cache)


def _own_corpus_path(store) -> str | None:
    """Where the store's own corpus is: None (the sample) for a new store."""
    from annotations.store import visible_path
    from corpus.articles import CorpusError

    bound = store.bound_corpus()
    if not bound:
        return None
    place = bound.get("path")
    if place and Path(place).exists():
        return place
    from annotations.store import corpus_identity

    if corpus_identity(_load_corpus(None))["fingerprint"] == bound.get("fingerprint"):
        return None  # the bundled sample, from a factdesk installed elsewhere since
    raise CorpusError(
        f"{visible_path(store.path)} belongs to corpus {visible_path(bound.get('name'))!r}, which was at "
        f"{visible_path(place)} and is not there any more. Give its new place: `factdesk NEW-PLACE --db "
        f"{visible_path(store.path)}`."
    )


def cmd_open(args: argparse.Namespace) -> int:
    pause_gc_for_startup()
    # The scheme and the corpus are read first (their errors come first) but
    # nothing is written to any store before we know the app can start.
    scheme = _corpus_scheme(args.path, args.scheme)
    corpus = _load_corpus(args.path, scheme) if args.path else None
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _fail("the app needs a terminal (stdin and stdout must be a TTY). "
                     "For headless work use `factdesk export`.")
    plan = None
    if args.plan:  # a bad plan is refused before anything is written
        from annotations.assign import read_plan

        plan = read_plan(Path(args.plan))
    corpus, store, analyser = open_session(args.path, args.db, args.model, args.annotator, args.read_only,
                                           corpus=corpus, scheme=scheme, scheme_path=args.scheme)
    if plan is not None:
        from annotations.assign import share_of

        try:
            corpus = share_of(corpus, plan, store.annotator)
        except BaseException:
            store.close()
            raise
    try:
        if analyser.warning:
            print(f"factdesk: warning: {visible(analyser.warning)}", file=sys.stderr)
        from tui.app import FactdeskApp

        if args.event and not any(e.id == args.event for e in corpus.events):
            return _fail(f"no event {visible(args.event)!r} in {visible(corpus.name)}; "
                         "leave --event out to see the list.")
        FactdeskApp(corpus, store, analyser, event_id=args.event).run()
    finally:
        store.close()
    return 0


def _store_path(db: str | None, corpus: str | None) -> Path:
    from annotations.store import default_store_path

    return Path(db).expanduser() if db else default_store_path(_load_corpus(corpus).name)


def _store_path_of(corpus_name: str) -> Path:
    from annotations.store import default_store_path

    return default_store_path(corpus_name)


def cmd_export(args: argparse.Namespace) -> int:
    from annotations.export import FORMATS, TASKS, Split, export, parse_choice, parse_split
    from annotations.store import AnnotationStore
    from corpus.analysis import Analyser, AnalysisCache
    from corpus.nlp import resolve_model

    from annotations.fc_formats import parse_map

    tasks = parse_choice(args.task, TASKS, "task")
    formats = parse_choice(args.format, FORMATS, "format")
    fever_map = parse_map(args.map, None) if args.map else None  # a bad --map is refused before anything is read
    split = Split(parse_split(args.split), args.split_by, args.seed) if args.split else None
    # the corpus's scheme is checked before anything else; --db alone: each store's own
    scheme = _corpus_scheme(args.corpus, args.scheme) if (args.corpus or args.scheme or not args.db) else None
    paths = ([_store_path(db, None) for db in args.db] if args.db
             else [_store_path_of(_load_corpus(args.corpus, scheme).name)])
    for db in paths:
        if not db.exists() and not db.with_name(db.name + ".journal").exists():
            return _fail(f"{db}: no such store. Annotate first (`factdesk`), or give --db PATH.")
    cache = None
    if args.corpus:
        corpus = _load_corpus(args.corpus, scheme)
        cache = AnalysisCache(corpus.cache_dir) if corpus.cache_dir else None
    stores = []
    try:
        for db in paths:
            stores.append(AnnotationStore(db, annotator=args.annotator, read_only=True,
                                          scheme=scheme.scheme if scheme is not None else None))
        report = export(stores, args.out, Analyser(resolve_model(args.model), cache), tasks, formats, split,
                        progress=Progress("analysing"), fever_map=fever_map)
    finally:
        for store in stores:
            store.close()
    for warning in report.warnings:
        print(f"factdesk: note: {visible(warning)}", file=sys.stderr)
    for name, count in report.counts.items():
        print(f"{count:>7}  {visible(report.out_dir / name)}")
    print(f"Described in {visible(report.out_dir / 'README.md')}; label sets in {visible(report.out_dir / 'labels.json')}.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from annotations.imports import import_path, parse_label_map
    from annotations.store import AnnotationStore

    # the corpus's scheme first; --db alone: the store's own (or --scheme's)
    scheme = _corpus_scheme(None if args.db else args.corpus, args.scheme) if (args.scheme or not args.db) else None
    source = Path(args.file).expanduser()
    if not source.exists():
        return _fail(f"{source}: no such file or folder.")
    corpus = None if args.db else _load_corpus(args.corpus, scheme)
    db = Path(args.db).expanduser() if args.db else _store_path_of(corpus.name)
    with AnnotationStore(db, annotator=args.annotator, scheme=scheme.scheme if scheme is not None else None) as store:
        if corpus is not None:
            for warning in corpus.warnings:
                print(f"factdesk: warning: {visible(warning)}", file=sys.stderr)
            store.register_corpus(corpus)
        label_map = parse_label_map(args.map, store.scheme)
        report = import_path(store, source, progress=Progress("importing", unit="rows"), format=args.format,
                             label_map=label_map)
    for warning in report.warnings:
        print(f"factdesk: note: {visible(warning)}", file=sys.stderr)
    print(visible(report.summary()))
    print(f"Store: {visible(db)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from annotations.export import ExportError
    from annotations.scheme_file import SchemeError
    from annotations.schema import ValidationError
    from annotations.storage import StoreError
    from corpus.articles import CorpusError

    try:
        if argv and argv[0] == "export":
            return cmd_export(export_parser().parse_args(argv[1:]))
        if argv and argv[0] == "import":
            return cmd_import(import_parser().parse_args(argv[1:]))
        if argv and argv[0] == "ingest":
            return cmd_ingest(ingest_parser().parse_args(argv[1:]))
        if argv and argv[0] == "assign":
            from tui.cli_team import cmd_assign

            return cmd_assign(assign_parser().parse_args(argv[1:]))
        if argv and argv[0] == "agreement":
            from tui.cli_team import cmd_agreement

            return cmd_agreement(agreement_parser().parse_args(argv[1:]))
        if argv and argv[0] == "review":
            from tui.cli_review import cmd_review

            return cmd_review(review_parser().parse_args(argv[1:]))
        if argv and argv[0] == "store":
            return cmd_store(store_parser().parse_args(argv[1:]))
        if argv and argv[0] == "scheme":
            from tui.cli_scheme import cmd_scheme

            return cmd_scheme(scheme_parser().parse_intermixed_args(argv[1:]))
        return cmd_open(open_parser().parse_args(argv))
    except (CorpusError, StoreError, ExportError, ValidationError, SchemeError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # a file the command was given or writes to: name it
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}. Check the path, its permissions and the free space, "
                     "then try again.")
    except Exception as exc:  # anything else: one line, the traceback in a log file
        return _fail(log_unexpected(exc))


if __name__ == "__main__":
    sys.exit(main())
