"""`factdesk review --db A --db B [...] --out GOLD`: the annotators'
disagreements, decided into a gold store, in the app (see
:mod:`tui.screens.adjudicate`). Everything that can be refused is refused in
one line (exit code 2) before a terminal is needed and before anything is
written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corpus.text import visible
from tui.cli_common import fail as _fail
from tui.cli_common import load_corpus_at as _load_corpus


def _corpus_of(stores):
    """The corpus the annotators' stores are bound to (the first that says)."""
    from annotations.store import corpus_identity
    from corpus.articles import CorpusError

    bound = next((s.bound_corpus() for s in stores if s.bound_corpus()), None)
    if bound is None:
        raise CorpusError("none of the stores is bound to a corpus (stores made by `factdesk import` are not); "
                          "open one of them once with its corpus (`factdesk CORPUS --db STORE`), then review")
    place = bound.get("path")
    if place and Path(place).exists():
        return _load_corpus(place)
    sample = _load_corpus(None)
    if corpus_identity(sample)["fingerprint"] == bound.get("fingerprint"):
        return sample  # the bundled sample, from a factdesk installed elsewhere since
    raise CorpusError(f"the stores belong to corpus {visible(bound.get('name'))!r}, which was at "
                      f"{visible(place)} and is not there any more; open a store once with its new place "
                      "(`factdesk NEW-PLACE --db STORE`), then review")


def _check_gold_binding(out: Path, corpus) -> None:
    """A gold store of another corpus is refused before anything is written."""
    from annotations.adjudication import AdjudicationError
    from annotations.store import AnnotationStore, corpus_identity

    if not out.exists() and not out.with_name(out.name + ".journal").exists():
        return
    with AnnotationStore(out, read_only=True) as gold:
        bound = gold.bound_corpus()
    if not bound:
        return
    identity = corpus_identity(corpus)
    if bound.get("fingerprint") != identity["fingerprint"] and bound.get("path") != identity["path"]:
        raise AdjudicationError(
            f"--out {visible(out, 300)} is bound to corpus {visible(bound.get('name'), 80)!r}, not to "
            f"{visible(identity['name'], 80)!r} of the annotators' stores; give a new file for the gold store "
            "(nothing was written)")


def cmd_review(args: argparse.Namespace) -> int:
    from annotations.adjudication import AdjudicationError, check_paths
    from annotations.agreement import AgreementError, check_corpora, open_stores

    if len(args.db) < 2:
        return _fail("a review needs two or more annotators' stores: give each with --db "
                     "(e.g. --db alice.json --db bob.json)")
    out = Path(args.out).expanduser()
    try:
        check_paths(out, args.db)
        stores = open_stores(args.db)
    except (AdjudicationError, AgreementError) as exc:
        return _fail(str(exc))
    try:
        try:
            check_corpora(stores)
            corpus = _corpus_of(stores)
            _check_gold_binding(out, corpus)
        except (AdjudicationError, AgreementError) as exc:
            return _fail(str(exc))
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            return _fail("the review needs a terminal (stdin and stdout must be a TTY); "
                         "`factdesk agreement` compares the stores without one.")
        return _run(args, corpus, stores, out)
    finally:
        for store in stores:
            store.close()


def _run(args: argparse.Namespace, corpus, stores, out: Path) -> int:
    from annotations.adjudication import AdjudicationError, Review
    from annotations.store import AnnotationStore
    from corpus.analysis import Analyser, AnalysisCache
    from corpus.nlp import resolve_model

    from annotations.dataset import common_scheme

    out.parent.mkdir(parents=True, exist_ok=True)
    # the gold store takes the annotators' labels (stores with different schemes are refused)
    try:
        scheme = common_scheme(stores, AdjudicationError, "Review")
    except AdjudicationError as exc:
        return _fail(str(exc))
    gold = AnnotationStore(out, annotator=args.annotator, scheme=scheme)
    try:
        gold.register_corpus(corpus)
        try:
            review = Review(stores, gold)
        except AdjudicationError as exc:
            return _fail(str(exc))
        review.accept_agreed()
        analyser = Analyser(resolve_model(args.model), AnalysisCache(corpus.cache_dir) if corpus.cache_dir else None)
        from tui.review_app import ReviewApp

        ReviewApp(corpus, gold, analyser, review).run()
    finally:
        gold.close()
    return 0
