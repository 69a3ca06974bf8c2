"""The ``factdesk`` command.

``factdesk [PATH]`` opens the app (the bundled sample corpus without PATH);
``factdesk export`` writes the training data. Headless commands import
neither Textual nor spaCy unless they need them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_USAGE = 2


class _VersionAction(argparse.Action):
    """``--version``, looked up only when asked (importlib.metadata is slow to import)."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from importlib import metadata

        try:
            version = metadata.version("factdesk")
        except metadata.PackageNotFoundError:
            version = "unknown"
        parser.exit(message=f"factdesk {version}\n")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="spaCy pipeline to use (package name or path); "
                        "default: $FACTDESK_MODEL, else the best installed English model")
    parser.add_argument("--annotator", help="your name in the store (default: $FACTDESK_ANNOTATOR or the user name)")


def open_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="factdesk",
        description="Read news articles about one event side by side, tag claims, "
        "their stance and each article's reliability.",
        epilog="Other commands: `factdesk ingest --help`, `factdesk export --help`, `factdesk import --help`, `factdesk store --help`.",
    )
    parser.add_argument("path", nargs="?", help="a corpus: a folder of .txt/.md articles, a .jsonl or .csv file, "
                        "an FNC-1 folder, or a folder made by `factdesk ingest` (default: the bundled sample corpus)")
    parser.add_argument("--event", help="open this event directly (its id, as the events list shows)")
    parser.add_argument("--db", help="the annotation store file (default: one per corpus in your data folder)")
    parser.add_argument("--read-only", action="store_true",
                        help="open the store without writing to it (e.g. while another factdesk has it open)")
    _common(parser)
    parser.add_argument("--version", action=_VersionAction)
    return parser


def export_parser() -> argparse.ArgumentParser:
    from annotations.export import FORMATS, SPLIT_BY, TASKS

    parser = argparse.ArgumentParser(
        prog="factdesk export",
        description="Write training data from one or more stores: JSONL for Prodigy, Hugging Face and "
        "pandas, spaCy DocBin files, labels.json and a README.md describing every file.",
    )
    parser.add_argument("--db", action="append", help="a store to export; repeat to merge several "
                        "(default: the store of --corpus)")
    parser.add_argument("--corpus", help="the corpus folder whose default store to export (default: the sample "
                        "corpus); its analysis cache is used too")
    parser.add_argument("--out", required=True, help="output folder (created if missing)")
    parser.add_argument("--task", help=f"comma-separated, from {', '.join(TASKS)} (default: all)")
    parser.add_argument("--format", help=f"comma-separated, from {', '.join(FORMATS)} (default: all)")
    parser.add_argument("--split", help="train/dev/test percentages such as 80/10/10 (or train/test: 90/10); "
                        "each split is a folder")
    parser.add_argument("--split-by", choices=SPLIT_BY, default="article",
                        help="keep all rows of one article (default), event or source in one split")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    _common(parser)
    return parser


def import_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="factdesk import",
        description="Add pre-annotations to a store: Prodigy-style JSONL (spans with accept/reject answers, "
        "e.g. a claims.jsonl from `factdesk export`), a reliability.jsonl, claim_pairs.jsonl or "
        "claim_groups.jsonl, an FNC-1 stances CSV (its bodies file beside it), or an export folder (all of "
        "these in it). Importing again adds nothing twice.",
    )
    parser.add_argument("file", help="the file or export folder to import")
    parser.add_argument("--db", help="the store to import into (default: the store of --corpus)")
    parser.add_argument("--corpus", help="the corpus folder whose default store to use (default: the sample corpus)")
    _common(parser)
    return parser


def ingest_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="factdesk ingest",
        description="Import a corpus and analyse every article ahead of time, into a folder that "
        "`factdesk DIR` opens at once. Interrupted, it resumes where it stopped.",
    )
    parser.add_argument("source", help="a folder of .txt/.md, a .jsonl or .csv file, or an FNC-1 folder")
    parser.add_argument("--out", required=True, help="the corpus folder to write (created if missing)")
    parser.add_argument("--model", help="spaCy pipeline (default: as for `factdesk`)")
    parser.add_argument("--n-process", type=int, default=1, help="processes for spaCy (default 1)")
    parser.add_argument("--batch-size", type=int, default=32, help="texts per spaCy batch (default 32)")
    return parser


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
    from corpus.importers import load_corpus
    from corpus.ingest import ingest
    from corpus.nlp import resolve_model

    corpus = load_corpus(Path(args.source))
    for warning in corpus.warnings:
        print(f"factdesk: warning: {warning}", file=sys.stderr)
    choice = resolve_model(args.model)
    if choice.warning:
        print(f"factdesk: warning: {choice.warning}", file=sys.stderr)
    if args.n_process < 1 or args.batch_size < 1:
        return _fail("--n-process and --batch-size must be at least 1.")
    report = ingest(corpus, Path(args.out), choice, n_process=args.n_process,
                    batch_size=args.batch_size, progress=Progress("analysing"))
    print(f"{report.articles} articles in {len(corpus.events)} events -> {args.out} "
          f"({report.analysed} analysed in {report.seconds:.1f} s, {report.cached} already done; "
          f"model {report.model})")
    return 0


def store_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="factdesk store",
        description="Look at a store, or repair one that will not open (nothing is deleted: "
        "replaced files are kept beside it as NAME.broken-TIME).",
    )
    parser.add_argument("action", choices=("info", "repair"))
    parser.add_argument("--db", help="the store (default: the store of --corpus)")
    parser.add_argument("--corpus", help="the corpus folder whose default store to use (default: the sample corpus)")
    return parser


def cmd_store(args: argparse.Namespace) -> int:
    from annotations.repair import info, repair
    from annotations.store import default_store_path

    db = Path(args.db).expanduser() if args.db else default_store_path(_load_corpus(args.corpus).name)
    if not db.exists() and not db.with_name(db.name + ".journal").exists():
        return _fail(f"{db}: no such store.")
    lines = info(db) if args.action == "info" else repair(db)
    print("\n".join(lines))
    return 0


def _fail(message: str) -> int:
    print(f"factdesk: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _load_corpus(path: str | None):
    from corpus.articles import sample_corpus_path
    from corpus.importers import load_corpus

    return load_corpus(Path(path) if path else sample_corpus_path())


def pause_gc_for_startup() -> None:
    """Start-up allocates a great many long-lived objects (modules, the corpus,
    the store): the collector would scan them over and over for nothing. It is
    paused here, and :meth:`FactdeskApp.run` freezes what exists and resumes it."""
    import gc

    gc.disable()


def open_session(path: str | None = None, db: str | None = None, model: str | None = None,
                 annotator: str | None = None, read_only: bool = False):
    """Load the corpus, open its store and choose the pipeline: what the app needs.

    Returns ``(corpus, store, analyser)``; the caller closes the store.
    """
    from annotations.store import AnnotationStore, default_store_path
    from corpus.analysis import Analyser
    from corpus.nlp import resolve_model

    corpus = _load_corpus(path)
    from corpus.analysis import AnalysisCache

    store = AnnotationStore(db or default_store_path(corpus.name), annotator=annotator, read_only=read_only)
    try:
        store.register_corpus(corpus)
    except BaseException:
        store.close()
        raise
    cache = AnalysisCache(corpus.cache_dir) if corpus.cache_dir else None
    return corpus, store, Analyser(resolve_model(model), cache)


def cmd_open(args: argparse.Namespace) -> int:
    pause_gc_for_startup()
    corpus, store, analyser = open_session(args.path, args.db, args.model, args.annotator, args.read_only)
    try:
        if analyser.warning:
            print(f"factdesk: warning: {analyser.warning}", file=sys.stderr)
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            return _fail("the app needs a terminal (stdin and stdout must be a TTY). "
                         "For headless work use `factdesk export`.")
        from tui.app import FactdeskApp

        if args.event and not any(e.id == args.event for e in corpus.events):
            return _fail(f"no event {args.event!r} in {corpus.name}; leave --event out to see the list.")
        FactdeskApp(corpus, store, analyser, event_id=args.event).run()
    finally:
        store.close()
    return 0


def _store_path(db: str | None, corpus: str | None) -> Path:
    from annotations.store import default_store_path

    return Path(db).expanduser() if db else default_store_path(_load_corpus(corpus).name)


def cmd_export(args: argparse.Namespace) -> int:
    from annotations.export import FORMATS, TASKS, Split, export, parse_choice, parse_split
    from annotations.store import AnnotationStore
    from corpus.analysis import Analyser, AnalysisCache
    from corpus.nlp import resolve_model

    tasks = parse_choice(args.task, TASKS, "task")
    formats = parse_choice(args.format, FORMATS, "format")
    split = Split(parse_split(args.split), args.split_by, args.seed) if args.split else None
    paths = [_store_path(db, None) for db in args.db] if args.db else [_store_path(None, args.corpus)]
    for db in paths:
        if not db.exists() and not db.with_name(db.name + ".journal").exists():
            return _fail(f"{db}: no such store. Annotate first (`factdesk`), or give --db PATH.")
    cache = None
    if args.corpus:
        corpus = _load_corpus(args.corpus)
        cache = AnalysisCache(corpus.cache_dir) if corpus.cache_dir else None
    stores = []
    try:
        for db in paths:
            stores.append(AnnotationStore(db, annotator=args.annotator, read_only=True))
        report = export(stores, args.out, Analyser(resolve_model(args.model), cache), tasks, formats, split,
                        progress=Progress("analysing"))
    finally:
        for store in stores:
            store.close()
    for warning in report.warnings:
        print(f"factdesk: note: {warning}", file=sys.stderr)
    for name, count in report.counts.items():
        print(f"{count:>7}  {report.out_dir / name}")
    print(f"Described in {report.out_dir / 'README.md'}; label sets in {report.out_dir / 'labels.json'}.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from annotations.imports import import_path
    from annotations.store import AnnotationStore

    source = Path(args.file).expanduser()
    if not source.exists():
        return _fail(f"{source}: no such file or folder.")
    db = _store_path(args.db, args.corpus)
    with AnnotationStore(db, annotator=args.annotator) as store:
        if not args.db:
            store.register_corpus(_load_corpus(args.corpus))
        report = import_path(store, source, progress=Progress("importing", unit="rows"))
    for warning in report.warnings:
        print(f"factdesk: note: {warning}", file=sys.stderr)
    print(report.summary())
    print(f"Store: {db}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from annotations.export import ExportError
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
        if argv and argv[0] == "store":
            return cmd_store(store_parser().parse_args(argv[1:]))
        return cmd_open(open_parser().parse_args(argv))
    except (CorpusError, StoreError, ExportError, ValidationError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
