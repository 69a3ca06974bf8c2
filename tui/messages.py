"""Messages posted to the main screen: by worker threads (workers never touch
widgets) and by the desk's subscription (a change in the store)."""

from __future__ import annotations

from textual.message import Message

from corpus.analysis import Analysis


class AnalysisReady(Message):
    """Texts whose analyses are now in the cache (their hashes): those done
    since the last message. A worker sends them in batches, so thousands of
    articles are a few messages, not thousands queued before the reader's
    keys; the screen reads the analyses of the articles it shows."""

    def __init__(self, text_hashes: list[str]) -> None:
        super().__init__()
        self.text_hashes = text_hashes


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


class DeskChanged(Message):
    """The desk changed the store (or heard it change): ``event`` says what
    (:mod:`annotations.desk`'s ClaimsChanged, RatingsChanged, …). The main
    screen posts it from its one subscription to the desk and re-renders."""

    def __init__(self, event) -> None:
        super().__init__()
        self.event = event
