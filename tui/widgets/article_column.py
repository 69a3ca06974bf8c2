"""One article column: a header with title, source and rating, and the text."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from corpus.articles import Article
from corpus.text import visible
from tui.styles import (
    RELIABILITY_COLOURS,
)
from tui.widgets.article_view import ArticleView

_COLOURS = RELIABILITY_COLOURS


class ArticleColumn(Vertical):
    """One article: a two-line header and the highlighted text.

    Columns are created only when first shown, so an event with many articles
    opens as fast as one with two.
    """

    def __init__(self, article: Article, position: int, entities=(), claims=(), noise=(),
                 hide_noise: bool = False, duplicate_of: str = "", linked=()) -> None:
        super().__init__(id=f"col-{article.id}", classes="column")
        self.article = article
        self.position = position
        self.duplicate_of = duplicate_of
        self.head = Text()
        self.view = ArticleView(article, id=f"view-{article.id}", classes="article")
        self.view.set_entities(entities)
        self.view.set_claims(claims, linked)
        self.view.set_noise(noise)
        self.view.hide_noise(hide_noise)

    def compose(self) -> ComposeResult:
        yield Static(self.head, id=f"head-{self.article.id}", classes="column-head")
        yield self.view

    def update_head(self, rating: dict | None, claims: int, analysed: bool, source_rating: dict | None = None) -> None:
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(f"{self.position + 1}. ", style="dim")
        head.append(visible(self.article.title, limit=500) or "(untitled)", style="bold")
        head.append("\n")
        head.append(visible(self.article.source, limit=200) or "unknown source", style="italic")
        if source_rating:
            head.append(f" ({visible(source_rating['label'])})", style=f"italic {_COLOURS.get(source_rating['label'], 'white')}")
        head.append(f" · {claims} claim{'s' if claims != 1 else ''}")
        if rating:
            head.append(" · ")
            head.append(visible(rating["label"]), style=f"bold {_COLOURS.get(rating['label'], 'white')}")
        else:
            head.append(" · not rated", style="dim")
        if not analysed:
            head.append(" · analysing…", style="dim italic")
        if self.duplicate_of:
            head.append(f" · near-duplicate of {visible(self.duplicate_of, limit=200)}", style="bold magenta")
        if self.article.aliases:
            head.append(f" · also published as {visible(', '.join(self.article.aliases), limit=300)}", style="magenta")
        self.head = head
        if self.is_mounted:
            self.query_one(".column-head", Static).update(head)
