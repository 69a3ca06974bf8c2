"""The review screen (``factdesk review``): the annotators' disagreements,
event by event, one at a time — the article once, every annotator's version
side by side in their colour, and one key to decide.

Keys (also in its help, ``?``, and on screen):

- ``1``–``9`` take that annotator's version; ``b`` keeps both claims (spans
  at different places); ``x`` (or ``0``) neither; ``e`` edits (the claim form,
  or the rating form, prefilled from the highlighted version; ``←``/``→``
  move the highlight);
- ``]`` / ``[`` skip to the next / previous disagreement; ``a`` lists what
  was agreed and accepted without asking; ``S`` the statistics;
- ``u`` / ``ctrl+z`` undo the last decision, ``U`` / ``ctrl+y`` redo;
  ``?`` help; ``ctrl+q`` quits (everything is already saved).

Decisions go through :class:`annotations.adjudication.Review` into the gold
store, one undoable action each; after each the screen posts
:class:`Decided`.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from annotations.adjudication import (
    AdjudicationError, Decision, EditClaim, EditRating, Item, KeepBoth, Neither, Review, Take,
)
from annotations.schema import ValidationError
from annotations.store import StoreError
from corpus.text import visible
from tui.widgets.adjudication_view import (
    KIND_NAMES, article_spans, excerpt, link_ends, name_style, subject, version_text,
)

KEYS = [
    ("Decide", "1 … 9", "take that annotator's version"),
    ("Decide", "b", "keep both claims (spans at different places)"),
    ("Decide", "x or 0", "neither: no claim, label, rating or link"),
    ("Decide", "e", "edit: the claim form (or rating form) prefilled from the highlighted version"),
    ("Decide", "← / →", "highlight another annotator's version (what e starts from)"),
    ("Move", "] / [", "skip to the next / previous disagreement"),
    ("Move", "a", "what was agreed and accepted without asking"),
    ("Move", "S", "statistics: label distributions, agreement before and after"),
    ("History", "u or ctrl+z", "undo the last decision (also one from an earlier session)"),
    ("History", "U or ctrl+y", "redo"),
    ("App", "?", "this help"),
    ("App", "ctrl+q", "quit: every decision is already saved; reopening shows only what is left"),
]
KEY_LINE = "1–9 take · b both · x neither · e edit · ←/→ highlight · ]/[ skip · a agreed · u undo · U redo · S stats · ? help"


class Decided(Message):
    """A decision was saved in the gold store (``choice``: take, both,
    neither, edit; ``annotator``: 1-based, for take; ``left``: how many
    disagreements are left)."""

    def __init__(self, unit: str, kind: str, choice: str, annotator: int | None, left: int) -> None:
        super().__init__()
        self.unit, self.kind, self.choice, self.annotator, self.left = unit, kind, choice, annotator, left


class AgreedScreen(ModalScreen[None]):
    """What the annotators agreed on (or only one annotated), accepted into
    the gold store without asking."""

    BINDINGS = [Binding("escape,q,a", "close", "Close")]

    def __init__(self, review: Review) -> None:
        super().__init__()
        self.review = review

    def compose(self) -> ComposeResult:
        items = self.review.agreed_items()
        options = []
        for item in items:
            line = Text(f"{KIND_NAMES.get(item.kind, item.kind)} · {item.agreed} · ")
            v = item.present[0] if item.present else None
            if item.kind == "span" and v is not None:
                line.append(f"“{visible(v.value, 100)}”")
            elif item.kind == "source_rating":
                line.append(f"{visible(item.source, 60)}: {visible(v.value if v else '', 30)}")
            else:
                title = (self.review.article(item.article_id) or {}).get("title", "")
                line.append(f"{visible(title, 60)}: {visible(v.value if v else '', 30)}")
            options.append(Option(line))
        with VerticalScroll(classes="form"):
            yield Label(Text(f"Agreed and accepted: {len(items)}"), classes="form-title")
            yield OptionList(*options, id="agreed-list")
            yield Label(Text("Esc closes"), classes="form-hint")

    def action_close(self) -> None:
        self.dismiss(None)


class AdjudicateScreen(Screen):
    """One disagreement at a time, and the keys that decide it."""

    DEFAULT_CSS = """
    AdjudicateScreen #item-head { height: auto; padding: 0 1; background: $panel; }
    AdjudicateScreen #article { height: 1fr; padding: 0 1; }
    AdjudicateScreen #versions { height: auto; max-height: 50%; }
    AdjudicateScreen .version { width: 1fr; height: auto; padding: 0 1; border: round $panel-lighten-2; }
    AdjudicateScreen .version.highlighted { border: round $accent; }
    AdjudicateScreen #keys { height: auto; padding: 0 1; background: $panel; }
    """

    BINDINGS = [
        *[Binding(str(n), f"take({n})", f"take {n}", show=False) for n in range(1, 10)],
        Binding("b", "both", "both"),
        Binding("x,0", "neither", "neither"),
        Binding("e", "edit", "edit"),
        Binding("left", "highlight(-1)", "previous version", show=False),
        Binding("right", "highlight(1)", "next version", show=False),
        Binding("right_square_bracket", "skip(1)", "next"),
        Binding("left_square_bracket", "skip(-1)", "previous"),
        Binding("a", "agreed", "agreed"),
        Binding("S", "stats", "stats"),
        Binding("u,ctrl+z", "undo", "undo"),
        Binding("U,ctrl+y", "redo", "redo"),
        Binding("question_mark", "help", "help"),
    ]

    def __init__(self, review: Review) -> None:
        super().__init__()
        self.review = review
        self.position = 0  # index into the pending items
        self.highlight = 0  # the version e starts from
        self.current: Item | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="item-head")
        with VerticalScroll(id="article"):
            yield Static(id="article-text")
        yield Horizontal(id="versions")
        yield Static(Text(KEY_LINE), id="keys")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "factdesk review"
        self.show()

    # -- showing ------------------------------------------------------------------

    def left(self) -> int:
        return len(self.review.pending())

    def show(self) -> None:
        """Show the disagreement at ``position`` (of those left)."""
        pending = self.review.pending()
        counts = self.review.counts()
        self.sub_title = (f"{len(pending)} disagreement{'s' if len(pending) != 1 else ''} left of "
                          f"{counts['disputed']} · {counts['agreed']} agreed · gold: "
                          f"{visible(self.review.gold.path.name, 60)}")
        versions = self.query_one("#versions", Horizontal)
        versions.remove_children()
        if not pending:
            self.current = None
            self.query_one("#item-head", Static).update(Text(
                "Every disagreement is decided. The gold store holds the decisions and what was agreed: "
                "export it with `factdesk export --db GOLD`. u undoes the last decision; a lists what was "
                "agreed; ctrl+q quits.", style="bold green"))
            self.query_one("#article-text", Static).update(Text(""))
            return
        self.position %= len(pending)
        item = self.current = pending[self.position]
        if self.highlight >= len(item.versions):
            self.highlight = 0
        head = Text(f"{self.position + 1} of {len(pending)} left · ", style="dim")
        head.append(visible(self.review.event_title(item.event_id), 120), style="bold")
        head.append("\n")
        head.append_text(subject(item, self.review))
        self.query_one("#item-head", Static).update(head)
        self.query_one("#article-text", Static).update(self._article_text(item))
        versions.mount_all(
            Static(version_text(item, v, self.review, highlighted=v.annotator == self.highlight),
                   classes="version highlighted" if v.annotator == self.highlight else "version")
            for v in item.versions)
        self.query_one("#article", VerticalScroll).scroll_home(animate=False)

    def _article_text(self, item: Item) -> Text:
        if item.kind == "source_rating":
            titles = [a.get("title", "") for a in self.review.gold.records("articles")
                      if a.get("source") == item.source and a.get("event_id") == item.event_id]
            out = Text(f"Articles of {visible(item.source, 120)} in this event:\n", style="bold")
            for title in titles:
                out.append(f"  · {visible(title, 200)}\n")
            return out
        if item.kind == "link":
            out = Text()
            for n, (article_id, spans) in enumerate(link_ends(item, self.review)):
                record = self.review.article(article_id) or {}
                out.append(("\n\n" if n else "") + visible(record.get("title", ""), 200) + "\n", style="bold underline")
                out.append_text(excerpt(record.get("text", ""), spans, context=200))
            return out
        record = self.review.article(item.article_id) or {}
        out = Text(visible(record.get("title", ""), 200) + "\n", style="bold underline")
        out.append(visible(record.get("source", ""), 120) + "\n\n", style="dim")
        spans = article_spans(item)
        if not spans and item.cluster:
            spans = [(c["start"], c["end"], i) for i, c in self.review.cluster_members(item.cluster).items()]
        out.append_text(excerpt(record.get("text", ""), spans))
        return out

    # -- deciding -----------------------------------------------------------------

    def decide(self, decision: Decision) -> bool:
        """Save ``decision`` for the item shown; False (and said why) if not."""
        item = self.current
        if item is None:
            self.notify("Nothing left to decide: u undoes the last decision.")
            return False
        try:
            self.review.decide(item, decision)
        except AdjudicationError as exc:
            self.notify(f"Not decided: {visible(exc, 300)}.", severity="warning")
            return False
        except (ValidationError, StoreError) as exc:
            self.notify(f"Decision NOT saved: {visible(exc, 400)}", severity="error", timeout=20)
            return False
        choice = {Take: "take", KeepBoth: "both", Neither: "neither"}.get(type(decision), "edit")
        annotator = decision.annotator + 1 if isinstance(decision, Take) else None
        self.post_message(Decided(item.unit, item.kind, choice, annotator, self.left()))
        self.show()
        return True

    @on(Decided)
    def _decided(self, message: Decided) -> None:
        who = f" {message.annotator}" if message.annotator else ""
        self.notify(f"{KIND_NAMES.get(message.kind, message.kind)}: {message.choice}{who} saved · "
                    f"{message.left} left.", timeout=3)

    def action_take(self, n: int) -> None:
        if self.current is not None and n > len(self.current.versions):
            self.notify(f"There are {len(self.current.versions)} annotators: 1–{len(self.current.versions)}.",
                        severity="warning")
            return
        self.decide(Take(n - 1))

    def action_both(self) -> None:
        self.decide(KeepBoth())

    def action_neither(self) -> None:
        self.decide(Neither())

    def action_highlight(self, step: int) -> None:
        if self.current is not None:
            self.highlight = (self.highlight + step) % len(self.current.versions)
            self.show()

    def action_skip(self, step: int) -> None:
        self.position += step
        self.highlight = 0
        self.show()

    def action_edit(self) -> None:
        item = self.current
        if item is None:
            return
        why = self.review.ready(item)
        if why:
            self.notify(f"Not yet: {why}.", severity="warning")
            return
        if item.kind in ("rating", "source_rating"):
            self._edit_rating(item)
        elif item.kind == "link":
            self.notify("A link is taken from one annotator (1–9) or left out (x).", severity="warning")
        else:
            self._edit_claim(item)

    def _edit_claim(self, item: Item) -> None:
        from tui.screens.claim_form import ClaimForm, ClaimFormResult, speaker_choices

        version = item.versions[self.highlight]
        if item.kind == "span":
            base = version if version.record is not None else next(v for v in item.versions if v.record)
            claim = dict(base.record)
        else:
            base = version
            claim = dict(self.review.gold_claim(item) or {})
            if item.kind == "stance" and version.value:
                claim["stances"] = {**(claim.get("stances") or {}), item.target_id: version.value}
            elif version.value:
                claim[item.kind] = version.value
        article = self.review.article(item.article_id) or {}
        text = article.get("text", "")
        start, end = claim.get("start", 0), claim.get("end", 0)
        targets = self.review.gold.event_targets(item.event_id)

        def save(result: ClaimFormResult) -> bool:
            return self.decide(EditClaim(dict(result.stances), dict(result.fields), base=base.annotator))

        scheme = self.review.gold.scheme
        form = ClaimForm(text[start:end], targets,
                         speaker_choices(text, [], [], start, end, speaker_labels=scheme.entities.speakers),
                         claim, save=save, scheme=scheme)
        self.app.push_screen(form)

    def _edit_rating(self, item: Item) -> None:
        from tui.screens.rating import RatingResult, ReliabilityModal

        version = item.versions[self.highlight]
        base = version if version.record is not None else next(v for v in item.versions if v.record)
        article = self.review.article(item.article_id) or {}

        def save(result: RatingResult) -> bool:
            return self.decide(EditRating(result.label, result.note, tuple(result.codes)))

        what = "article" if item.kind == "rating" else "source"
        source = item.source if item.kind == "source_rating" else article.get("source", "")
        self.app.push_screen(ReliabilityModal(article.get("title", ""), source or "", base.record, what, save=save,
                                              scheme=self.review.gold.scheme))

    # -- history and the rest -------------------------------------------------------

    def action_undo(self) -> None:
        self._history(redo=False)

    def action_redo(self) -> None:
        self._history(redo=True)

    def _history(self, redo: bool) -> None:
        """u / U in the gold store; the item shown again as it now stands."""
        what, done = ("Redo", "Redone") if redo else ("Undo", "Undone")
        try:
            label = self.review.gold.redo() if redo else self.review.gold.undo()
        except StoreError as exc:
            self.notify(f"{what} NOT done: {visible(exc, 300)}", severity="error")
            return
        self.notify(f"{done}: {visible(label, 80)}." if label else f"Nothing to {what.lower()}.")
        self.show()

    def action_agreed(self) -> None:
        self.app.push_screen(AgreedScreen(self.review))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(KEYS))

    def action_stats(self) -> None:
        from annotations.adjudication import agreement_summary
        from tui.screens.stats import StatsScreen

        gold = self.review.gold
        sources = self.review.sources
        self.app.push_screen(StatsScreen(gold.claims(), gold.ratings(), len(gold.records("articles")),
                                         agreement=lambda: agreement_summary(sources, gold), scheme=gold.scheme))


__all__ = ["AdjudicateScreen", "AgreedScreen", "Decided", "KEYS", "name_style"]
