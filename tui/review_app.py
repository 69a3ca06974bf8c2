"""The review app (``factdesk review``): the factdesk app, opened on the
annotators' disagreements instead of the events (see
:mod:`tui.screens.adjudicate`). Its store is the gold store; the annotators'
stores are only read, through the :class:`annotations.adjudication.Review`."""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen

from annotations.adjudication import Review
from annotations.store import AnnotationStore
from corpus.analysis import Analyser
from corpus.articles import Corpus
from corpus.text import visible
from tui.app import FactdeskApp


class ReviewApp(FactdeskApp):
    TITLE = "factdesk review"

    def __init__(self, corpus: Corpus, gold: AnnotationStore, analyser: Analyser, review: Review) -> None:
        super().__init__(corpus, gold, analyser)
        self.review = review

    def get_default_screen(self) -> Screen:
        from tui.screens.adjudicate import AdjudicateScreen

        return AdjudicateScreen(self.review)

    def on_mount(self) -> None:
        super().on_mount()
        for note in self.review.notes[:5]:
            self.notify(note, severity="warning", timeout=12)

    async def action_quit(self) -> None:
        left = len(self.review.pending())
        self.exit(message=Text(f"Saved in {visible(self.store.path)}; {left} disagreement(s) left."))


__all__ = ["ReviewApp"]
