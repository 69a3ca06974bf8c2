"""Claims flagged for review: their article's text changed and their quote
could not be found again for certain. Jump to one, keep it (at the selection
or where it probably is now), or drop it.

Every string shown here comes from outside (quotes, titles) and is shown
through :func:`corpus.text.visible` in :class:`rich.text.Text`, never parsed as
markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from annotations.desk import Desk, ReviewItem, StoreError, ValidationError
from corpus.text import visible
from tui.widgets.window_list import SHOWN, count_text

__all__ = ["ReviewChoice", "ReviewModal", "apply_choice", "open_review", "review_count", "review_status"]

JUMP, KEEP, DROP = "jump", "keep", "drop"

HOW = {
    "exact": "its quote, found again",
    "nearest": "its quote, at the place nearest its old one (it occurs more than once)",
    "similar": "the words that replaced it",
}


@dataclass(frozen=True)
class ReviewChoice:
    """What the reader chose in the review list: ``action`` is ``"jump"``,
    ``"keep"`` or ``"drop"``, for the claim ``claim_id``."""

    action: str
    claim_id: str


def review_count(desk: Desk) -> int:
    """How many claims of the open event wait for review."""
    return desk.review_count()


def review_status(desk: Desk) -> str:
    """The status line's part for the review list ("" when nothing waits)."""
    n = review_count(desk)
    return f"{n} claim{'s' if n != 1 else ''} to review (V)" if n else ""


def _guess_words(item: ReviewItem) -> str:
    guess = item.guess
    if guess is None:
        return "no likely place in the new text"
    if guess.how == "similar":
        return f"probably now: {HOW[guess.how]} ({int(guess.similarity * 100)}% alike)"
    return f"probably now: {HOW.get(guess.how, guess.how)}"


class ReviewModal(ModalScreen[ReviewChoice | None]):
    """The open event's claims flagged for review. Enter jumps to one, k keeps
    it, x drops it, Esc closes."""

    DEFAULT_CSS = """
    ReviewModal #review-detail {
        width: 100%;
        max-height: 10;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("k", "choose('keep')", "Keep"),
        Binding("x", "choose('drop')", "Drop"),
    ]

    def __init__(self, items: list[ReviewItem], titles: dict[str, str]) -> None:
        super().__init__()
        self.items = list(items)
        self.titles = titles

    def _line(self, item: ReviewItem) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{visible(self.titles.get(item.article_id, item.article_id), limit=30)}: ", style="bold")
        line.append(f"“{visible(item.quote, limit=100)}”")
        line.append(f"  · {_guess_words(item)}", style="dim")
        return line

    def compose(self) -> ComposeResult:
        # a window: the first SHOWN built (an article's change may flag thousands); the rest come as these go
        options = [Option(self._line(item), id=item.claim_id) for item in self.items[:SHOWN]]
        count = len(self.items)
        with Vertical(classes="form results"):
            yield Label(Text(f"{count} claim{'s' if count != 1 else ''} to review: their article's text changed "
                             "and their quote was not found again for certain"), classes="form-title")
            yield OptionList(*options, id="review")
            if count > SHOWN:
                yield Label(Text(count_text(SHOWN, count, "keep or drop these and the rest come next")),
                            id="review-count", classes="form-hint")
            yield Label(Text(""), id="review-detail")
            yield Label(Text("↑↓ choose · Enter jumps to it · k keeps it at your selection there, or where it "
                             "probably is · x drops it · Esc closes (u undoes a keep or a drop)"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#review", OptionList).focus()
        self._show_detail(0 if self.items else None)

    @property
    def highlighted(self) -> ReviewItem | None:
        index = self.query_one("#review", OptionList).highlighted
        return self.items[index] if index is not None and 0 <= index < len(self.items) else None

    def _show_detail(self, index: int | None) -> None:
        detail = Text()
        if index is not None and 0 <= index < len(self.items):
            item = self.items[index]
            detail.append("Was: ", style="bold")
            detail.append(f"“{visible(item.quote, limit=300)}” (at {item.old_start}..{item.old_end} of the old text)")
            detail.append("\nNow: ", style="bold")
            if item.guess is None:
                detail.append("not found; Enter shows its old place, select its words there and come back with V")
            else:
                detail.append(f"“{visible(item.guess.text, limit=300)}” ({_guess_words(item)})")
        self.query_one("#review-detail", Label).update(detail)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_detail(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(ReviewChoice(JUMP, event.option.id))

    def action_choose(self, action: str) -> None:
        item = self.highlighted
        if item is not None:
            self.dismiss(ReviewChoice(action, item.claim_id))

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- the flow, from the main screen -------------------------------------------------

def open_review(screen) -> ReviewModal | None:
    """Show the review list over ``screen`` (the main screen: it has ``desk``,
    ``app``, ``jump_to``, ``notify``, ``current_id`` and ``current_view``) and
    carry out what the reader chooses there. The list, or None when no claim
    waits for review (the reader is told)."""
    desk: Desk = screen.desk
    items = desk.review_claims()
    if not items:
        screen.notify("No claim of this event waits for review.", timeout=4)
        return None
    modal = ReviewModal(items, {a.id: a.title for a in desk.articles})
    screen.app.push_screen(modal, callback=lambda choice: apply_choice(screen, choice))
    return modal


def _selection_in(screen, item: ReviewItem) -> tuple[int, int] | None:
    """The reader's selection in the claim's article, snapped to words; None if
    that article is not the focused one or nothing is selected."""
    if screen.current_id != item.article_id:
        return None
    start, end = screen.current_view.selection_offsets()
    if start >= end:
        return None
    return screen.desk.snap(item.article_id, start, end)


def _remaining(desk: Desk) -> str:
    n = desk.review_count()
    return f" {n} more to review (V)." if n else " No more claims to review."


def apply_choice(screen, choice: ReviewChoice | None) -> None:
    """Carry out a choice of the review list on the main screen ``screen``;
    what happened (or why nothing was saved) is told in a notification."""
    if choice is None:
        return
    desk: Desk = screen.desk
    try:
        item = desk.review_item(choice.claim_id)
    except (StoreError, ValidationError) as exc:
        screen.notify(f"Review NOT saved: {visible(exc, limit=400)}", severity="error", timeout=20)
        return
    if choice.action == JUMP:
        text = desk.article(item.article_id).text
        start, end = item.place(len(text))
        screen.jump_to(item.article_id, start, end)
        if item.guess is None:
            where = ("Its quote is not in the new text: this is its old place. Select the claim's words, "
                     "then V and k keep it there (x there drops it).")
        else:
            where = (f"Selected: {_guess_words(item)}. Adjust the selection if need be, then V and k keep it "
                     "there (x there drops it).")
        screen.notify(where, title="Claim to review", timeout=12)
        return
    try:
        if choice.action == KEEP:
            place = _selection_in(screen, item)
            if place is None and item.guess is None:
                raise ValidationError("there is no likely place for this claim in the new text: press Enter on it "
                                      "to jump to the article, select the claim's words and keep it with V, k")
            start, end = place if place is not None else (item.guess.start, item.guess.end)
            outcome = desk.keep_claim(item.claim_id, start, end)
        elif choice.action == DROP:
            outcome = desk.drop_claim(item.claim_id)
        else:
            raise ValidationError(f"unknown review action {visible(choice.action, limit=40)!r}")
    except (StoreError, ValidationError) as exc:
        screen.notify(f"Review NOT saved: {visible(exc, limit=400)} The claim still waits for review (V).",
                      severity="error", timeout=20)
        return
    if outcome.action == "kept":
        screen.jump_to(outcome.article_id, outcome.claim["start"], outcome.claim["end"])
    screen.notify(outcome.message + " u undoes it." + _remaining(desk),
                  severity="warning" if outcome.notes else "information", timeout=8)
