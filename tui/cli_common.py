"""What every command shares: the one-line error, the corpus it opens and
the corpus's label scheme."""

from __future__ import annotations

import sys
from pathlib import Path

from corpus.text import visible
from tui.cli_args import EXIT_USAGE


def fail(message: str) -> int:
    """Print ``message`` as the command's one line of error; the exit code."""
    print(f"factdesk: error: {visible(message)}", file=sys.stderr)
    return EXIT_USAGE


_FIND = object()


def load_corpus_at(path: str | None, scheme_file=_FIND):
    """The corpus at ``path``, or the bundled sample. ``scheme_file`` (a
    :class:`annotations.scheme_file.SchemeFile`, None for none; by default the
    corpus's own, read and checked here): its guidelines file, when in the
    corpus folder, is not an article."""
    from corpus.articles import sample_corpus_path
    from corpus.importers import load_corpus

    if scheme_file is _FIND:
        scheme_file = corpus_scheme(path) if path else None
    where = Path(path) if path else sample_corpus_path()
    skip: set[str] = set()
    guidelines = getattr(scheme_file, "guidelines", None)
    if guidelines is not None:
        try:
            if where.is_dir() and guidelines.resolve().parent == where.resolve():
                skip.add(guidelines.name)
        except OSError:
            pass
    return load_corpus(where, frozenset(skip))


def corpus_scheme(path: str | None, explicit: str | None = None):
    """The corpus's scheme file, read and checked before anything else (a bad
    one is a :class:`annotations.scheme_file.SchemeError`, one line): the file
    ``--scheme`` names, else ``factdesk.toml`` in the corpus folder (or
    ``STEM.factdesk.toml`` beside a corpus file); None when there is none."""
    from annotations.scheme_file import load_scheme_file

    return load_scheme_file(path, explicit)
