"""What every command shares: the one-line error and the corpus it opens."""

from __future__ import annotations

import sys
from pathlib import Path

from corpus.text import visible
from tui.cli_args import EXIT_USAGE


def fail(message: str) -> int:
    """Print ``message`` as the command's one line of error; the exit code."""
    print(f"factdesk: error: {visible(message)}", file=sys.stderr)
    return EXIT_USAGE


def load_corpus_at(path: str | None):
    """The corpus at ``path``, or the bundled sample."""
    from corpus.articles import sample_corpus_path
    from corpus.importers import load_corpus

    return load_corpus(Path(path) if path else sample_corpus_path())
