"""The main screen's claim and rating actions: the forms, saving (or saying
NOT saved, the form kept open), deleting, undo and redo."""

from __future__ import annotations

from textual.widgets import OptionList

from annotations.schema import ValidationError
from annotations.store import StoreError
from corpus.articles import Article
from corpus.text import visible
from tui.widgets.article_view import ArticleView
from tui.widgets.claims_panel import ClaimsPanel


class ClaimActions:
    """Part of :class:`~tui.screens.main.MainScreen`: claims and ratings."""

    def _selected_span(self) -> tuple[int, int] | None:
        return self.desk.snap(self.current_id, *self.current_view.selection_offsets())

    def action_claim(self) -> None:
        """c: the claim form for the selection; on text that is already a claim
        (or with the cursor in one), that claim's form, to edit it."""
        view = self.current_view
        span = self._selected_span()
        existing = (self.desk.existing_claim(self.current_id, *span) if span is not None
                    else self.desk.claim_at(self.current_id, view.offset_of(view.cursor_location)))
        if existing is not None:
            self.notify("This text is already a claim: its form is open to edit it (x deletes it).")
            self.edit_claim(existing)
            return
        if span is None:
            self.notify(
                "Select the claim first: shift+arrows to extend, s for the sentence at the cursor.",
                severity="warning",
            )
            return
        self.tag_claim(self.current_id, *span)

    def _form_for(self, article: Article, start: int, end: int, claim: dict | None = None, save=None):
        from tui.screens.claim_form import ClaimForm, speaker_choices

        analysis = self.desk.analysis(article.id, load=False)
        entities = self.desk.entities_of(article.id)
        sentences = analysis.sents if analysis else ()
        scheme = self.desk.scheme  # the project's labels
        speakers = speaker_choices(article.text, entities, sentences, start, end,
                                   speaker_labels=scheme.entities.speakers)
        return ClaimForm(article.text[start:end], self.targets, speakers, claim, save=save, scheme=scheme)

    def _not_saved(self, what: str, exc: Exception) -> bool:
        """Say that ``what`` was NOT saved and why; the form stays open with it."""
        self.notify(f"{what} NOT saved: {visible(exc, limit=400)} It is still in the form: "
                    "Enter tries again, Esc gives it up.", severity="error", timeout=20)
        return False

    def tag_claim(self, article_id: str, start: int, end: int) -> None:
        """The claim form for [start, end); with ctrl+n, on and on through the sentences.

        The form is pushed right here, while the key is handled (not from a
        worker), so keys typed ahead ("c1⏎") reach the form, not this screen."""
        article = self.desk.article(article_id)  # any article of the corpus
        form = self._form_for(article, start, end, save=lambda result: self._save_claim(article_id, start, end, result))
        self.app.push_screen(form, callback=lambda result: self._claim_done(article_id, start, end, result))

    def _save_claim(self, article_id: str, start: int, end: int, result) -> bool:
        """Save the claim the form holds; False (and the form stays open) if it was not saved."""
        try:
            self.desk.add_claim(article_id, start, end, result.stances, **result.fields)
        except (ValidationError, StoreError) as exc:
            return self._not_saved("Claim", exc)
        return True

    def _claim_done(self, article_id: str, start: int, end: int, result) -> None:
        """After the form closed: on a saved claim, show it (and go on with ctrl+n)."""
        if result is None:
            self.notify("Claim not saved.")
            return
        self.notify(f"Claim saved ({visible(', '.join(result.stances.values()), limit=200)}).")
        if result.next:
            following = self.desk.next_unannotated(article_id, end)
            if following is None:
                self.notify("No sentence left to annotate in this article.")
                return
            self.column(article_id).view.select_offsets(*following)
            self.tag_claim(article_id, *following)

    def action_edit_claim(self) -> None:
        claim = self._claim_under_focus()
        if claim is None:
            self.notify("No claim here: put the cursor in a claim or pick one in the claims panel.")
            return
        self.edit_claim(claim)

    def edit_claim(self, claim: dict) -> None:
        """The claim's form, pushed while the key is handled (see :meth:`tag_claim`)."""
        article = self.desk.article(claim["article_id"])

        def save(result) -> bool:
            try:
                self.desk.update_claim(claim["id"], result.stances, **result.fields)
            except (ValidationError, StoreError) as exc:
                return self._not_saved("Claim change", exc)
            return True

        self.app.push_screen(self._form_for(article, claim["start"], claim["end"], claim, save),
                             callback=lambda result: self.notify("Claim changed.") if result is not None else None)

    def action_rate(self, what: str = "article") -> None:
        """Rate the focused article, or (``what="source"``) its source."""
        from tui.screens.rating import ReliabilityModal

        article = self.current_article
        if what == "source" and not article.source:
            self.notify("This article has no source to rate.", severity="warning")
            return
        current = self.desk.rating(article.id) if what == "article" else self.desk.source_rating(article.source)
        self.app.push_screen(ReliabilityModal(article.title, article.source, current, what,
                                              signal=self.desk.source_signal(article),
                                              save=lambda result: self._save_rating(article, what, result),
                                              scheme=self.desk.scheme),
                             callback=lambda result: self._rated(article, what, result))

    def _save_rating(self, article: Article, what: str, result) -> bool:
        """Save the rating the form holds; False (and the form stays open) if it was not saved."""
        try:
            if what == "article":
                self.desk.rate_article(article.id, result.label, result.note, result.codes)
            else:
                self.desk.rate_source(article.source, result.label, result.note, result.codes)
        except (ValidationError, StoreError) as exc:
            return self._not_saved("Rating", exc)
        return True

    def _rated(self, article: Article, what: str, result) -> None:
        """After the rating form closed on a saved rating: show it."""
        if result is None:
            return
        self.notify(f"Rated {'the source ' if what == 'source' else ''}{visible(result.label, limit=60)}.")

    def show_claim(self, claim_id: str) -> None:
        """Focus a claim's article with the claim selected (Enter in the claims panel)."""
        claim = self.desk.claim(claim_id)
        if claim is None:
            return
        view = self.column(claim["article_id"]).view
        view.focus()
        view.select_offsets(claim["start"], claim["end"])

    def _claim_under_focus(self) -> dict | None:
        focused = self.focused
        if isinstance(focused, OptionList) and isinstance(focused.parent, ClaimsPanel):
            claim_id = focused.parent.highlighted_claim_id
            return self.desk.claim(claim_id) if claim_id else None
        if isinstance(focused, ArticleView):
            return self.desk.claim_at(focused.article.id, focused.offset_of(focused.cursor_location))
        return None

    def action_delete_claim(self) -> None:
        claim = self._claim_under_focus()
        if claim is None:
            self.notify("No claim here: put the cursor in a claim or pick one in the claims panel.")
            return
        try:
            self.desk.delete_claim(claim["id"])
        except (ValidationError, StoreError) as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"Deleted claim “{visible(claim['quote'], limit=60)}”.")

    def _undo_redo(self, redo: bool) -> None:
        try:
            label = self.desk.redo() if redo else self.desk.undo()
        except StoreError as exc:
            self.notify(str(exc), severity="error")
            return
        if label is None:
            self.notify("Nothing to redo." if redo else "Nothing to undo.")
            return
        self.notify(f"{'Redid' if redo else 'Undid'}: {visible(label, limit=120)}.")

    def action_undo(self) -> None:
        self._undo_redo(redo=False)

    def action_redo(self) -> None:
        self._undo_redo(redo=True)

    def action_review(self) -> None:
        """V: the claims flagged for review after their article changed."""
        from tui.screens.review import open_review

        open_review(self)
