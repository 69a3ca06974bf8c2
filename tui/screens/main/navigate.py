"""The main screen's reading actions: search, sentences, visual mode, noise,
entities across articles and the event's targets."""

from __future__ import annotations

from textual import work
from textual.widgets import Input

from annotations.schema import ValidationError
from annotations.store import StoreError
from corpus.articles import Article
from corpus.text import visible


class ReadingActions:
    """Part of :class:`~tui.screens.main.MainScreen`: moving, finding, marking."""

    def action_toggle_noise(self) -> None:
        self.hide_noise = not self.hide_noise
        for column in self.columns.values():
            column.view.hide_noise(self.hide_noise)
        self._say_noise_folded()  # in the status line while they are (a toast would cost a layout per h)

    def action_mark_noise(self) -> None:
        """Mark the selection as noise, or unmark the noise region at the cursor."""
        view = self.current_view
        start, end = view.selection_offsets()
        try:
            if start < end:
                self.desk.mark_noise(self.current_id, start, end)
                message = "Marked as noise."
            elif self.desk.unmark_noise_at(self.current_id, view.offset_of(view.cursor_location)) is None:
                self.notify("Select text to mark it as noise, or put the cursor in a dimmed region to unmark it.")
                return
            else:
                message = "Not noise any more."
        except (ValidationError, StoreError) as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(message)

    def action_search(self) -> None:
        bar = self.query_one("#search", Input)
        bar.add_class("-open")
        # At once, not after the keys already queued (as focus() would): the
        # keys typed right after / are the search, not commands.
        self.set_focus(bar)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search" or not event.value.strip():
            return
        event.stop()
        view = self.current_view
        hit = self.desk.next_match(event.value, self.current_id, view.offset_of(view.cursor_location))
        if hit is None:
            self.notify(f"No “{visible(event.value.strip(), limit=80)}” in this event.", severity="warning")
            return
        self.jump_to(hit.article_id, hit.start, hit.end, focus=False)
        self.notify(f"Match {hit.number} of {hit.total} in {hit.articles} article(s).", timeout=3)

    def jump_to(self, article_id: str, start: int, end: int, focus: bool = True) -> None:
        """Show an article, select [start, end) in it and scroll it into view."""
        self.current_id = article_id
        column = self.column(article_id)
        view = column.view
        view.select_offsets(start, end)
        if focus:
            view.focus()
        self._refresh_article(article_id)

    def on_key(self, event) -> None:
        bar = self.query_one("#search", Input)
        if self.focused is bar and event.key == "ctrl+r" and bar.value.strip():
            event.stop()
            self.show_results(bar.value.strip())

    @work(exclusive=True, group="form")
    async def show_results(self, needle: str) -> None:
        from tui.screens.results import ResultsModal

        chosen = await self.app.push_screen_wait(ResultsModal(needle, self.desk.match_rows(needle, limit=500)))
        if chosen is not None:
            self.query_one("#search", Input).remove_class("-open")
            self.jump_to(chosen.article_id, chosen.start, chosen.end)

    def set_entity_focus(self, key: str | None, groups: dict[str, list] | None = None) -> None:
        self.focus_key = key
        mentions = (groups or self.desk.entity_groups()).get(key, []) if key else []
        for article_id, column in self.columns.items():
            column.view.set_focus_spans((m.start, m.end) for m in mentions if m.article_id == article_id)

    def action_entity_focus(self) -> None:
        """*: highlight every mention of the entity at the cursor in every column;
        again: go to its next mention, across the event's articles."""
        view = self.current_view
        cursor = view.offset_of(view.cursor_location)
        entity = self.desk.entity_at(self.current_id, cursor)
        groups = self.desk.entity_groups()
        key = self.desk.group_of(groups, self.current_id, entity[0]) if entity else None
        if key is None and self.focus_key is None:
            self.notify("Put the cursor on a highlighted entity first.")
            return
        if key is not None and key != self.focus_key:
            self.set_entity_focus(key, groups)
            mentions = groups[key]
            self.notify(f"{visible(mentions[0].text, limit=60)}: {len(mentions)} mentions in "
                        f"{len({m.article_id for m in mentions})} article(s); * for the next.")
            return
        mentions = groups.get(self.focus_key, [])
        here = (self.position_of(self.current_id), cursor)
        order = sorted((self.position_of(m.article_id), m.start, m) for m in mentions)
        following = [o for o in order if (o[0], o[1]) > here] or order
        if following:
            mention = following[0][2]
            self.jump_to(mention.article_id, mention.start, mention.end)
            self.set_entity_focus(self.focus_key, groups)

    def action_label_entity(self) -> None:
        """l: correct the entity at the cursor, or make the selection an entity."""
        from tui.screens.entities import EntityLabelModal

        view = self.current_view
        start, end = view.selection_offsets()
        current = None
        if start == end:
            cursor = start
            entity = self.desk.entity_at(self.current_id, cursor)
            if entity is None:
                self.notify("Select the words of a missed entity, or put the cursor on an entity to correct it.")
                return
            start, end, current = entity
        else:
            span = self._selected_span()
            if span is None:
                return
            start, end = span
        article = self.current_article
        quote = article.text[start:end]
        self.app.push_screen(EntityLabelModal(quote, current, self.desk.scheme),
                             callback=lambda result: self._labelled(article, start, end, result))

    def _labelled(self, article: Article, start: int, end: int, result) -> None:
        if result is None:
            return
        quote = article.text[start:end]
        label, everywhere = result.label, result.everywhere
        try:
            count = self.desk.label_entity(article.id, start, end, label, everywhere)
        except (ValidationError, StoreError) as exc:
            self.notify(str(exc), severity="error")
            return
        what = visible(label, limit=60) if label else "not an entity"
        self.notify(f"“{visible(quote, limit=60)}” is {what}" + (f" in {count} places." if count > 1 else "."))

    @work(exclusive=True, group="form")
    async def action_targets(self) -> None:
        """t: the event's target propositions; add one, or reword one."""
        from tui.screens.targets import TargetsModal

        while True:
            result = await self.app.push_screen_wait(TargetsModal(self.targets))
            if result is None:
                return
            target_id, text = result.target_id, result.text
            try:
                self.desk.set_target(text, target_id)
            except (ValidationError, StoreError) as exc:
                self.notify(str(exc), severity="error")
                continue
            self.notify("Target reworded." if target_id else "Target added: the claim form asks for it now.")

    @work(exclusive=True, group="form")
    async def action_entities(self) -> None:
        """E: the event's entities by frequency; Enter focuses one, m merges two."""
        from tui.screens.entities import EntitiesModal

        while True:
            groups = self.desk.entity_groups()
            result = await self.app.push_screen_wait(EntitiesModal(self.desk.entity_rows(groups)))
            if result is None:
                return
            action, keys = result.action, result.keys
            if action == "merge":
                try:
                    self.desk.merge_entities(*keys)
                except (ValidationError, StoreError) as exc:
                    self.notify(str(exc), severity="error")
                    return
                self.notify("Merged: they are one entity now.")
                continue
            self.set_entity_focus(keys[0], groups)
            mention = groups[keys[0]][0]
            self.jump_to(mention.article_id, mention.start, mention.end)
            return

    def action_visual(self) -> None:
        view = self.current_view
        view.visual = not view.visual  # the selection's anchor stays where it is
        self.notify("Visual mode: movement extends the selection; c tags it, Esc leaves." if view.visual
                    else "Visual mode off.")

    def action_leave_visual(self) -> None:
        """Esc: close the search bar if it has focus, else leave visual mode."""
        bar = self.query_one("#search", Input)
        if self.focused is bar:
            bar.remove_class("-open")
            self.current_view.focus()
            return
        view = self.current_view
        if view.visual:
            view.visual = False
        elif self.focus_key is not None:
            self.set_entity_focus(None)

    def action_sentence(self, step: int) -> None:
        """Move to the start of the next (or previous) sentence; extends in visual mode."""
        view = self.current_view
        analysis = self.desk.analysis(self.current_id, load=False)
        if analysis is None or not analysis.sents:
            return
        cursor = view.offset_of(view.cursor_location)
        starts = [s for s, _ in analysis.sents]
        if step > 0:
            target = next((s for s in starts if s > cursor), None)
            if target is None:  # past the last start: go to the end of the last sentence
                target = analysis.sents[-1][1]
        else:
            target = next((s for s in reversed(starts) if s < cursor), starts[0])
        view.move_to(target)

    def action_select_sentence(self) -> None:
        view = self.current_view
        if self.desk.analysis(self.current_id, load=False) is None:
            self.notify("Sentences are not ready yet: the article is still being analysed.")
            return
        sentence = self.desk.sentence_at(self.current_id, view.offset_of(view.cursor_location))
        if sentence is not None:
            view.select_offsets(*sentence)

