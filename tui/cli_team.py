"""The team's commands: `factdesk assign` (a plan of shares) and `factdesk
agreement` (inter-annotator agreement). Headless: no Textual."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corpus.text import visible
from tui.cli_common import fail as _fail
from tui.cli_common import load_corpus_at as _load_corpus


def cmd_assign(args: argparse.Namespace) -> int:
    from annotations.assign import make_plan, parse_annotators, write_plan

    corpus = _load_corpus(args.path)
    plan = make_plan(corpus, parse_annotators(args.annotators), args.overlap, args.seed, args.by)
    write_plan(plan, Path(args.out))
    print(f"Plan for {visible(corpus.name)} ({args.by}s, overlap {args.overlap:g}, seed {args.seed}): "
          f"{visible(args.out)}")
    for name, units, articles, doubled in plan.summary(corpus):
        size = f", {articles} article(s)" if args.by == "event" else ""
        print(f"  {visible(name, 40)}: {units} {args.by}(s){size}, {doubled} also another's")
    print(f"Each annotator opens their share with `factdesk {visible(args.path or '')} --plan "
          f"{visible(args.out)} --annotator NAME`.".replace("factdesk  ", "factdesk "))
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    import json

    from annotations.agreement import (
        AgreementError, cached_sentences, compute, gather, open_stores, out_target, write_folder,
    )

    try:
        stores = open_stores(args.db)
        try:
            target = out_target(args.out, stores) if args.out else None
            material = gather(stores, args.by)
            roots: list = [None]  # the default cache, and an ingested corpus's own analysis folder
            for bound in (store.bound_corpus() for store in stores):
                if bound and isinstance(bound.get("path"), str) and (Path(bound["path"]) / "analysis").is_dir():
                    roots.append(Path(bound["path"]) / "analysis")
            from annotations.dataset import common_scheme

            scheme = common_scheme(stores, AgreementError, "Compare")
            report = compute(material, cached_sentences(roots, args.model), scheme)
            out = write_folder(report, target) if target else None
        finally:
            for store in stores:
                store.close()
    except AgreementError as exc:
        return _fail(str(exc))
    for note in report.notes:
        print(f"factdesk: note: {visible(note)}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=True))
    else:
        from tui.agreement_view import show_agreement

        show_agreement(report)
    if out is not None:
        print(f"Written: {visible(out / 'agreement.json')} and agreement.md",
              file=sys.stderr if args.json else sys.stdout)
    return 0
