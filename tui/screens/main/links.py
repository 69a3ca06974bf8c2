"""The main screen's actions across articles: the suggestion index, links,
counterparts and corroboration."""

from __future__ import annotations

from textual import work

from annotations.desk import (
    Desk,
)
from annotations.schema import ValidationError
from annotations.store import StoreError
from corpus.text import visible
from tui.messages import IndexReady
from tui.screens.results import Place


WARM_INDEX_MAX_ARTICLES = 300


class LinkActions:
    """Part of :class:`~tui.screens.main.MainScreen`: links across articles."""

    def _warm_index(self) -> None:
        # Built ahead only for events a worker thread can index without
        # holding the interpreter from the keys for long; a bigger event's
        # index is built when k first asks for suggestions.
        if len(self.articles) <= WARM_INDEX_MAX_ARTICLES and self.desk.index_stale():
            self.build_index(*self.desk.index_inputs())

    @work(thread=True, exclusive=True, group="index", description="sentence index")  # not a repr of 5 MB of inputs
    def build_index(self, key: tuple, inputs: list) -> None:
        """Build the event's sentence index ahead of the first suggestion; posts it."""
        try:
            index, loaded = Desk.build_index(inputs, self.analyser)
        except Exception:  # the index is only a head start; on demand it is built again
            return
        self.post_message(IndexReady(key, index, loaded))

    def on_index_ready(self, message: IndexReady) -> None:
        self.desk.set_index(message.key, message.index, message.analyses)

    def action_link(self) -> None:
        """k: link the claim under the cursor to a claim or sentence of another article."""
        from tui.screens.link import link_form

        claim = self._claim_under_focus()
        if claim is None:
            self.notify("Put the cursor in a claim first (select it and press c to make one).")
            return
        if len(self.articles) < 2:
            self.notify("This event has one article: there is nothing to link to.")
            return
        title = self.desk.article(claim["article_id"]).title
        self.app.push_screen(link_form(claim["quote"], title, self.desk.link_candidates(claim), self.desk.scheme),
                             callback=lambda result: self._linked(claim, result))

    def _linked(self, claim: dict, result) -> None:
        if result is None:
            return
        target = result.candidate
        if self.desk.needs_stance(target, result.label):
            self._link_new_claim(claim, result)
            return
        try:
            outcome = self.desk.link(claim, target, result.label, result.note)
        except (ValidationError, StoreError) as exc:
            self.notify(f"Not linked: {exc}", severity="error", timeout=12)
            return
        self._said_linked(outcome)

    def _said_linked(self, outcome) -> None:
        self.notify(outcome.message, severity="warning" if outcome.warning else "information", timeout=6)

    def _link_new_claim(self, claim: dict, result) -> None:
        """A link to a bare sentence: the sentence becomes a claim, so the claim
        form asks its stance first; Enter saves the claim and the link as one
        action, Esc links nothing."""
        target = result.candidate
        done = []

        def save(form) -> bool:
            try:
                done.append(self.desk.link(claim, target, result.label, result.note, form.stances, form.fields))
            except (ValidationError, StoreError) as exc:
                return self._not_saved("Link", exc)
            return True

        def closed(form) -> None:
            if form is None or not done:
                self.notify("Not linked: the sentence needs its stance to become a claim; nothing was saved.")
                return
            self._said_linked(done[0])

        self.notify(f"Linking ({visible(result.label, limit=40)}) to a sentence of “{visible(target.title, limit=40)}”: "
                    "it becomes a claim, give its stance.", timeout=6)
        self.app.push_screen(self._form_for(self.desk.article(target.article_id), target.start, target.end,
                                            save=save), callback=closed)

    def action_counterparts(self) -> None:
        """g: the linked claims of the claim under the cursor, highlighted and
        scrolled into view in their columns; g again brings the next one into view."""
        claim = self._claim_under_focus()
        if claim is None:
            self.notify("Put the cursor in a linked claim first.")
            return
        others = self.desk.counterparts(claim)
        if not others:
            self.notify("This claim has no links yet: k links it.")
            return
        previous = self._counterpart_turn
        turn = previous[1] + 1 if previous[0] == claim["id"] else 0
        self._counterpart_turn = (claim["id"], turn)
        chosen = others[turn % len(others)]
        position, shown = chosen.position, chosen.claim
        here = self.position_of(claim["article_id"])
        if not self._in_window(position):  # bring it into view, beside the claim's own column if it fits
            low, high = min(here, position), max(here, position)
            start = low if high - low < self.visible_count else position
            self.first_visible = max(0, min(start, len(self.articles) - self.visible_count))
            self._show_window()
            self._update_status()
        spans: dict[str, list[tuple[int, int]]] = {}
        for other in others:
            spans.setdefault(other.claim["article_id"], []).append((other.claim["start"], other.claim["end"]))
        for article_id, column in self.columns.items():
            column.view.set_focus_spans(spans.get(article_id, ()))
        self.focus_key = None
        for other in others:
            if self._in_window(other.position):
                self.columns[other.claim["article_id"]].view.select_offsets(other.claim["start"], other.claim["end"])
        if not self._in_window(here):
            self.current_id = shown["article_id"]
            self.columns[self.current_id].view.focus()
        summary = "; ".join(f"{visible(o.link['label'], limit=40)} in {visible(self.articles[o.position].title, limit=30)}"
                            for o in others)
        more = " g: the next." if len(others) > 1 else ""
        self.notify(f"{len(others)} counterpart(s): {summary}.{more}", timeout=8)

    def action_corroboration(self) -> None:
        """o: which sources state, contradict or are silent on each claim group."""
        from tui.screens.corroboration import corroboration_view

        view = self.desk.corroboration()
        self.app.push_screen(corroboration_view(view.groups, view.sources, view.unlinked, self.desk.scheme),
                             callback=self._corroboration_done)

    def _corroboration_done(self, result) -> None:
        from tui.screens.prompt import TextPrompt

        if result is None:
            return
        from tui.screens.corroboration import GroupStance

        if isinstance(result, Place):
            self.jump_to(result.article_id, result.start, result.end)
            return
        if isinstance(result, GroupStance):
            group_id, stance = result.group_id, result.stance
            try:
                self.desk.set_group_stance(group_id, stance)
            except (ValidationError, StoreError) as exc:
                self.notify(f"Stance not saved: {exc}", severity="error")
                return
            self.notify(f"Group stance: {visible(stance, limit=60)}.")
            self.action_corroboration()
            return
        group_id, canonical = result.group_id, result.canonical  # a GroupWording

        def save(text: str | None) -> None:
            if text is None or not text.strip():
                self.action_corroboration()
                return
            try:
                self.desk.set_group_canonical(group_id, text)
            except (ValidationError, StoreError) as exc:  # asked again, with what was typed
                self.notify(f"Canonical wording NOT saved: {visible(exc, limit=400)} Enter tries again, Esc gives "
                            "it up.", severity="error", timeout=20)
                self.app.push_screen(TextPrompt("Canonical wording of this claim group", text), callback=save)
                return
            self.notify("Canonical wording saved.")
            self.action_corroboration()

        self.app.push_screen(TextPrompt("Canonical wording of this claim group", canonical), callback=save)

