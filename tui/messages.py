"""Messages that worker threads post to the app (workers never touch widgets)."""

from __future__ import annotations

from textual.message import Message

from corpus.analysis import Analysis


class AnalysisReady(Message):
    """The analysis of one article is available."""

    def __init__(self, analysis: Analysis) -> None:
        super().__init__()
        self.analysis = analysis


class AnalysisFinished(Message):
    """The background analysis ended; ``error`` is set if it failed."""

    def __init__(self, warning: str | None = None, error: str | None = None) -> None:
        super().__init__()
        self.warning = warning
        self.error = error


class IndexReady(Message):
    """The event's sentence index (for link suggestions) was built in a worker."""

    def __init__(self, key: tuple, index, analyses: dict[str, Analysis]) -> None:
        super().__init__()
        self.key = key
        self.index = index
        self.analyses = analyses
