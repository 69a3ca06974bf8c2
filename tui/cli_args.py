"""The ``factdesk`` command's arguments: one parser per command, whose errors
are one line (see :mod:`tui.cli`)."""

from __future__ import annotations

import argparse

from corpus.text import visible

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


class _Parser(argparse.ArgumentParser):
    """argparse with its errors on one line (and the value shown visibly):
    the usage block it prints by default is what `--help` is for."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {visible(message, limit=300)}. "
                              f"See `{self.prog} --help`.\n")


def _nonempty_path(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty path; give a file or folder")
    return value


SCHEME_HELP = ("the label scheme file (TOML: stance, claim_type, checkworthiness, reliability, links, entities, "
               "guidelines); default: factdesk.toml in the corpus folder, or STEM.factdesk.toml beside a corpus file; "
               "without one, the store's own scheme (FNC-1 stances and the other default labels for a new store)")


def _scheme(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scheme", type=_nonempty_path, help=SCHEME_HELP)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="spaCy pipeline to use (package name or path); "
                        "default: $FACTDESK_MODEL, else the best installed English model")
    parser.add_argument("--annotator", help="your name in the store (default: $FACTDESK_ANNOTATOR or the user name)")


def open_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="factdesk",
        description="Read news articles about one event side by side, tag claims, "
        "their stance and each article's reliability.",
        epilog="Other commands: `factdesk ingest --help`, `factdesk export --help`, `factdesk import --help`, `factdesk store --help`, `factdesk agreement --help`, `factdesk assign --help`, `factdesk review --help`, `factdesk scheme --help`.",
    )
    parser.add_argument("path", nargs="?", help="a corpus: a folder of .txt/.md articles, a .jsonl or .csv file, "
                        "an FNC-1 folder, or a folder made by `factdesk ingest` (default: the bundled sample corpus)")
    parser.add_argument("--event", help="open this event directly (its id, as the events list shows)")
    parser.add_argument("--db", type=_nonempty_path, help="the annotation store file (default: one per corpus in your data folder)")
    parser.add_argument("--read-only", action="store_true",
                        help="open the store without writing to it (e.g. while another factdesk has it open)")
    parser.add_argument("--plan", type=_nonempty_path,
                        help="open only your share of a plan made by `factdesk assign` (your name: --annotator)")
    _scheme(parser)
    _common(parser)
    parser.add_argument("--version", action=_VersionAction)
    return parser


def export_parser() -> argparse.ArgumentParser:
    from annotations.export import FORMATS, SPLIT_BY, TASKS

    parser = _Parser(
        prog="factdesk export",
        description="Write training data from one or more stores: JSONL for Prodigy, Hugging Face and "
        "pandas, spaCy DocBin files, labels.json and a README.md describing every file.",
    )
    parser.add_argument("--db", action="append", type=_nonempty_path, help="a store to export; repeat to merge several "
                        "(default: the store of --corpus)")
    parser.add_argument("--corpus", help="the corpus folder whose default store to export (default: the sample "
                        "corpus); its analysis cache is used too")
    parser.add_argument("--out", required=True, help="output folder: new, empty, or a previous "
                        "factdesk export (replaced whole, never mixed); a folder holding other files is refused")
    parser.add_argument("--task", help=f"comma-separated, from {', '.join(TASKS)} (default: all)")
    parser.add_argument("--format", help=f"comma-separated, from {', '.join(FORMATS)} (default: all)")
    parser.add_argument("--split", help="train/dev/test percentages such as 80/10/10 (or train/test: 90/10); "
                        "each split is a folder")
    parser.add_argument("--split-by", choices=SPLIT_BY, default="article",
                        help="keep all rows of one article (default), event or source in one split")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    parser.add_argument("--map", help="stance=LABEL pairs for --format fever (default: a stance that is a FEVER "
                        "label is itself, and agree=SUPPORTS,disagree=REFUTES,discuss=NOT ENOUGH INFO; a stance not "
                        "named is left out)")
    _scheme(parser)
    _common(parser)
    return parser


def import_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="factdesk import",
        description="Add pre-annotations to a store: Prodigy-style JSONL (spans with accept/reject answers, "
        "e.g. a claims.jsonl from `factdesk export`), a reliability.jsonl, claim_pairs.jsonl or "
        "claim_groups.jsonl, an FNC-1 stances CSV (its bodies file beside it), or an export folder (all of "
        "these in it). Importing again adds nothing twice.",
    )
    parser.add_argument("file", help="the file or export folder to import")
    parser.add_argument("--db", type=_nonempty_path, help="the store to import into (default: the store of --corpus)")
    parser.add_argument("--corpus", help="the corpus folder whose default store to use (default: the sample corpus)")
    parser.add_argument("--format", choices=("prodigy", "reliability", "pairs", "groups", "fnc1", "fever", "checkthat",
                                             "claimbuster", "claimreview"),
                        help="what the file is (default: found from its name and first row); also FEVER JSONL, "
                        "CheckThat! TSV, ClaimBuster CSV and ClaimReview JSON-LD")
    parser.add_argument("--map", help="FILE_LABEL=STORE_LABEL pairs: what the file's labels are in the store's "
                        "scheme, such as agree=SUPPORTS,disagree=REFUTES (needed to import FNC-1 stances into a "
                        "store whose scheme has other stances); a record whose label is not in the scheme is refused")
    _scheme(parser)
    _common(parser)
    return parser


def ingest_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="factdesk ingest",
        description="Import a corpus and analyse every article ahead of time, into a folder that "
        "`factdesk DIR` opens at once. Interrupted, it resumes where it stopped.",
    )
    parser.add_argument("source", help="a folder of .txt/.md, a .jsonl or .csv file, or an FNC-1 folder")
    parser.add_argument("--out", required=True, type=_nonempty_path, help="the corpus folder to write (created if missing)")
    parser.add_argument("--model", help="spaCy pipeline (default: as for `factdesk`)")
    parser.add_argument("--n-process", type=int, default=1, help="processes for spaCy (default 1)")
    parser.add_argument("--batch-size", type=int, default=32, help="texts per spaCy batch (default 32)")
    parser.add_argument("--scheme", type=_nonempty_path, help="the label scheme file, checked and copied into the "
                        "folder as its factdesk.toml (default: the one beside the source, when there is one)")
    return parser


def store_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="factdesk store",
        description="Look at a store, repair one that will not open (nothing is deleted: "
        "replaced files are kept beside it as NAME.broken-TIME), or bind it to its corpus after "
        "that corpus moved and changed (`rebind --db STORE --corpus NEW-PLACE`; undoable).",
    )
    parser.add_argument("action", choices=("info", "repair", "rebind"))
    parser.add_argument("--db", type=_nonempty_path, help="the store (default: the store of --corpus)")
    parser.add_argument("--corpus", help="the corpus folder whose default store to use (default: the sample "
                        "corpus); for rebind, the corpus to bind the store to")
    parser.add_argument("--annotator", help="your name in the store's history (rebind)")
    return parser


def agreement_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="factdesk agreement",
        description="Inter-annotator agreement between two or more stores of one corpus (each store one "
        "annotator, or with --by annotator each annotator named in them): claim spans (F1, sentence kappa), "
        "stance, claim type, check-worthiness, article and source reliability, links. The stores are only read.",
    )
    parser.add_argument("--db", action="append", type=_nonempty_path, required=True,
                        help="an annotator's store; repeat for each (at least two, or one with --by annotator)")
    parser.add_argument("--by", choices=("store", "annotator"), default="store",
                        help="who is an annotator: each store (default), or each annotator name in the stores' records")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout and nothing else")
    parser.add_argument("--out", type=_nonempty_path, help="also write agreement.json and agreement.md into this "
                        "folder (new, empty, or one this command wrote; replaced whole)")
    parser.add_argument("--model", help="the pipeline whose cached analysis gives the sentences (default: as for "
                        "`factdesk`); without a cached analysis the text is split at sentence punctuation")
    return parser


def assign_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="factdesk assign",
        description="Split a corpus's events (or articles) between annotators, a share of them labelled by two, "
        "for agreement. The same corpus, annotators, overlap and seed give the same plan.",
    )
    parser.add_argument("path", nargs="?", help="the corpus (default: the bundled sample corpus)")
    parser.add_argument("--annotators", required=True, help="the annotators' names, comma separated: alice,bob,carol")
    parser.add_argument("--overlap", type=float, default=0.2,
                        help="the share of units labelled by two annotators (default 0.2)")
    parser.add_argument("--seed", type=int, default=0, help="the shuffle's seed (default 0)")
    parser.add_argument("--by", choices=("event", "article"), default="event",
                        help="what is dealt out: whole events (default) or single articles")
    parser.add_argument("--out", type=_nonempty_path, required=True,
                        help="the plan file to write (a new file, or a plan written before)")
    return parser


def review_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="factdesk review",
        description="Adjudicate: the disagreements of two or more annotators' stores, event by event, each "
        "annotator's version side by side and one key to decide; the decisions go into a gold store (a normal "
        "factdesk store: journalled, undoable, resumable). What the annotators agree on is accepted without asking.",
    )
    parser.add_argument("--db", action="append", type=_nonempty_path, required=True,
                        help="an annotator's store; repeat for each (at least two); they are only read")
    parser.add_argument("--out", type=_nonempty_path, required=True,
                        help="the gold store: a new file, or the gold store of an earlier review (it resumes)")
    _common(parser)
    return parser


def scheme_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="factdesk scheme",
        description="A store's label scheme: `show --db STORE` lists it; `check [FILE] [--corpus C]` checks a "
        "scheme file; `rename --db STORE OLD NEW [--set SET]` renames a label in the store's scheme and in every "
        "record using it; `drop --db STORE LABEL [--set SET]` takes a label out (a stance or field using it is "
        "removed, a rating, link or entity correction with it deleted). rename and drop are one undoable action "
        "each, in the store's history.",
    )
    parser.add_argument("action", choices=("show", "check", "rename", "drop"))
    parser.add_argument("labels", nargs="*", metavar="LABEL",
                        help="rename: OLD NEW; drop: LABEL; check: the scheme file (or give --corpus)")
    parser.add_argument("--db", type=_nonempty_path, help="the store (show, rename, drop)")
    parser.add_argument("--set", dest="set_name", choices=("stance", "claim_type", "checkworthiness", "reliability",
                                                           "reasons", "links", "entities"),
                        help="the set the label is in, when it is in more than one")
    parser.add_argument("--corpus", help="check: the corpus whose scheme file to check")
    parser.add_argument("--annotator", help="your name in the store's history (rename, drop)")
    return parser
