"""The action registry: every key of the main screen, defined once.

Each :class:`Action` has its id (the name in a user keymap), its default keys,
the Textual action it runs on the main screen, a short description (footer and
command palette), a help line (the ``?`` screen) and the README's longer text.
From this one list come the main screen's ``BINDINGS``, the help screen, the
palette commands, the ids a keymap may rebind and the README's key table
(``tests/test_actions.py`` fails when the README differs; ``python -m
tui.actions`` prints the table to paste).

Keys that widgets handle themselves (arrows in an article, tab between
columns) are :class:`Key` rows: documented here, bound where they act.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Action:
    id: str  # the binding id: what a keymap file names, e.g. claim = "k"
    keys: str  # Textual key names, comma separated: the first is shown in the footer
    action: str  # the main screen's action, e.g. "rate('source')"
    description: str  # footer and command palette
    help: str  # the help screen
    group: str
    readme: str = ""  # the README's text, when it says more than the help line
    key_display: str | None = None
    priority: bool = False  # before the focused widget's own bindings (TextArea's ctrl+z)

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.description, show=self.id in FOOTER,
                       key_display=self.key_display, priority=self.priority, id=self.id)

    def shown_keys(self, keys: str | None = None) -> str:
        """The keys as a reader types them: ``ctrl+z or u``, ``*``."""
        if self.key_display and keys is None:
            return self.key_display
        return " or ".join(k.strip() for k in (keys or self.keys).split(",") if k.strip())


@dataclass(frozen=True)
class Key:
    """A key a widget handles itself: documented, not bound here."""

    keys: str
    help: str
    group: str
    readme: str = ""


# the actions in the footer, in its order (the rest are in the help and the palette)
FOOTER = ("claim", "rate", "select_sentence", "entity_focus", "search", "previous_articles", "next_articles",
          "toggle_panel", "toggle_noise", "link", "undo", "help")

GROUPS = ("Move and select", "Claims", "Ratings", "Links", "Entities", "Event and view", "History and app")

REGISTRY: tuple[Action | Key, ...] = (
    # -- move and select --------------------------------------------------------
    Key("tab / shift+tab", "move focus between article columns and the claims panel", "Move and select",
        "move between article columns and the claims panel"),
    Key("arrows, pgup/pgdn, home/end", "move the cursor in the focused article", "Move and select"),
    Key("ctrl+left / ctrl+right", "move by word", "Move and select"),
    Key("shift+arrows", "select text (ctrl+shift+left/right: by word)", "Move and select",
        "select (by character, line, word; ctrl+shift+left/right by word); mouse drag selects too"),
    Action("select_sentence", "s", "select_sentence", "Sentence", "select the sentence at the cursor",
           "Move and select"),
    Action("previous_sentence", "left_parenthesis", "sentence(-1)", "Previous sentence",
           "previous sentence (extends the selection in visual mode)", "Move and select", key_display="("),
    Action("next_sentence", "right_parenthesis", "sentence(1)", "Next sentence",
           "next sentence (extends the selection in visual mode)", "Move and select", key_display=")"),
    Action("visual", "v", "visual", "Visual", "visual mode: every movement extends the selection; Esc leaves",
           "Move and select",
           "visual mode: every movement (arrows, words, sentences, pages) extends the selection; `esc` leaves"),
    Action("leave_visual", "escape", "leave_visual", "Leave visual mode",
           "leave visual mode, close the search bar, or clear the entity highlight", "Move and select",
           key_display="esc"),
    Action("search", "slash", "search", "Search",
           "search the event: Enter next match (on through the articles), ctrl+r all matches", "Move and select",
           "search the event: `enter` finds the next match (on through the articles), `ctrl+r` lists all matches; "
           "keys typed right after `/` go to the search", key_display="/"),
    # -- claims -----------------------------------------------------------------
    Action("claim", "c", "claim", "Claim",
           "tag the selection as a claim: the claim form (digits choose, Tab, Enter saves); "
           "on a claim, its form to edit it", "Claims",
           "tag the selection as a claim: the claim form (below). On text that is already a claim (the same "
           "sentence again, a part of a claim, a claim and a little more), or with no selection and the cursor in "
           "a claim, `c` opens that claim's form to edit it and says so: an event never gets a second, conflicting "
           "claim by accident"),
    Key("ctrl+n (in the claim form)", "save and go on to the next sentence not yet annotated", "Claims"),
    Action("edit_claim", "f2", "edit_claim", "Edit claim",
           "edit the claim under the cursor or highlighted in the panel", "Claims"),
    Action("delete_claim", "x", "delete_claim", "Delete claim",
           "delete the claim under the cursor or highlighted in the panel", "Claims"),
    Action("review", "V", "review", "Review flagged claims",
           "claims to review after their article changed: jump, keep at the selection, or drop", "Claims",
           "the claims waiting for review (their article's text changed and their quote was not found again for "
           "certain): `enter` jumps to one where it probably is now, `k` keeps it at your selection in that "
           "article (or, with none, where it probably is), `x` drops it, `esc` closes; `u` undoes a keep or a "
           "drop"),
    # -- ratings ----------------------------------------------------------------
    Action("rate", "r", "rate", "Rate article", "rate the article: 1–3, tick reasons with space, a note",
           "Ratings", "rate the focused article: `1` reliable, `2` mixed, `3` unreliable; `tab` to tick reasons "
           "with `space`; `tab` to a note; `enter` saves"),
    Action("rate-source", "R", "rate('source')", "Rate source",
           "rate the article's source (shown on all its articles)", "Ratings",
           "rate the article's source (the site); shown beside every article of that source"),
    # -- links ------------------------------------------------------------------
    Action("link", "k", "link", "Link",
           "link the claim at the cursor to another article's claim: suggestions, then s/p/x/e/r", "Links",
           "link the claim under the cursor to a claim (or sentence) of another article: the link form (below)",
           ),
    Action("counterparts", "g", "counterparts", "Counterparts",
           "show the linked claims of the claim at the cursor in their columns", "Links",
           "the linked claims of the claim under the cursor, highlighted and scrolled into view in their columns; "
           "`g` again brings the next one into view"),
    Action("corroboration", "o", "corroboration", "Corroboration",
           "corroboration: who states, contradicts or is silent on each claim group", "Links",
           "corroboration: each claim group with the sources that state it, contradict it or are silent, and each "
           "source's corroborated and contradicted claims; `enter` jumps to a group, `c` edits its canonical "
           "wording"),
    # -- entities ---------------------------------------------------------------
    Action("entity_focus", "asterisk", "entity_focus", "Entity",
           "highlight the entity at the cursor in every column; again: its next mention", "Entities",
           "highlight every mention of the entity at the cursor, in every column; `*` again jumps to its next "
           "mention across the event", key_display="*"),
    Action("entities", "E", "entities", "Entities",
           "the event's entities by frequency (Enter focuses one, m on two merges them; type words to narrow)",
           "Entities",
           "the event's entities by frequency: `enter` highlights one, `m` on two merges them; letters typed "
           "narrow the list (entity text or label; `/` first for a word starting with m)"),
    Action("label_entity", "l", "label_entity", "Entity label",
           "correct the entity at the cursor, or label the selection (a: every identical mention)", "Entities",
           "correct the entity at the cursor, or label the selection: a label by the key shown before it (`1`–`9`, "
           "then letters), or arrows and `enter`; `0` not an entity, `a` every identical mention in the event"),
    # -- the event and the view -------------------------------------------------
    Action("targets", "t", "targets", "Targets", "the event's target propositions: add one, or reword one",
           "Event and view"),
    Action("previous_articles", "left_square_bracket", "shift_articles(-1)", "Prev",
           "show the previous articles", "Event and view", key_display="["),
    Action("next_articles", "right_square_bracket", "shift_articles(1)", "Next",
           "show the next articles", "Event and view",
           "show the next articles (`[` and `]` wrap around); with one column (tabs, below about 110 cells) the "
           "article shown becomes the focused one at once, so keys typed right after it, or after a popup closes, "
           "act on the article on screen", key_display="]"),
    Action("toggle_noise", "h", "toggle_noise", "Hide noise", "hide or show noise (ads, comment forms, teasers…)",
           "Event and view", "hide or show noise (ads, comment forms, teasers, navigation…): hidden noise lines "
           "are folded away, offsets unchanged"),
    Action("mark_noise", "n", "mark_noise", "Noise", "mark the selection as noise, or unmark the region at the cursor",
           "Event and view", "mark the selection as noise, or unmark the dimmed region under the cursor"),
    Action("toggle_panel", "p", "toggle_panel", "Claims panel", "show or hide the claims panel",
           "Event and view", "show or hide the claims panel; in it `enter` jumps to a claim"),
    Key("enter (in the panel)", "jump to the claim in its article", "Event and view"),
    Action("panel_scope", "a", "panel_scope", "Panel: article/event",
           "claims panel: the focused article or the whole event", "Event and view"),
    Action("panel_filter", "f", "panel_filter", "Panel: filter by stance", "claims panel: filter by stance",
           "Event and view"),
    Action("events", "e", "events", "Events", "back to the list of events", "Event and view"),
    Action("stats", "S", "stats", "Statistics",
           "statistics of this event: label distributions, activity over time", "Event and view",
           "statistics of the event: stance, type, check-worthiness and reliability distributions, annotations "
           "per hour"),
    # -- history and the app ----------------------------------------------------
    Action("undo", "ctrl+z,u", "undo", "Undo", "undo the last action (also after reopening)", "History and app",
           "undo the last action — without limit, and also after quitting and reopening",
           priority=True),
    Action("redo", "ctrl+y,U", "redo", "Redo", "redo", "History and app", priority=True),
    Action("help", "question_mark", "help", "Help", "this help", "History and app", "help",
           key_display="?"),
    Action("guidelines", "f1", "guidelines", "Guidelines",
           "the project's annotation guidelines, at the section of the label in focus", "History and app",
           "the project's annotation guidelines (the scheme's `[guidelines] file`, Markdown), scrolled to the "
           "section of the label in focus: the claim's or entity's under the cursor here, the focused label in "
           "a form (`f1` works in every form too); `esc` closes"),
    Key("ctrl+p", "command palette: every action, and the themes", "History and app"),
    Key("ctrl+q", "quit (everything is already saved)", "History and app"),
)

ACTIONS: dict[str, Action] = {a.id: a for a in REGISTRY if isinstance(a, Action)}


def bindings() -> list[Binding]:
    """The main screen's bindings: the footer's first, in its order."""
    ordered = [ACTIONS[i] for i in FOOTER] + [a for a in ACTIONS.values() if a.id not in FOOTER]
    return [action.binding() for action in ordered]


def help_rows(keymap: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(group, keys, help) for the help screen, in the registry's order; keys
    as the reader's keymap has them."""
    keymap = keymap or {}
    rows = []
    for entry in REGISTRY:
        if isinstance(entry, Action):
            rows.append((entry.group, entry.shown_keys(keymap.get(entry.id)), entry.help))
        else:
            rows.append((entry.group, entry.keys, entry.help))
    return sorted(rows, key=lambda row: GROUPS.index(row[0]))


def _cell(keys: str) -> str:
    return " or ".join(f"`{k}`" for k in keys.split(" or "))


def readme_table() -> str:
    """The README's key table (between its ``keys`` markers)."""
    lines = ["| key | does |", "|---|---|"]
    for group in GROUPS:
        lines.append(f"| **{group}** | |")
        for entry in REGISTRY:
            if entry.group != group:
                continue
            keys = _cell(entry.shown_keys()) if isinstance(entry, Action) else f"`{entry.keys}`"
            lines.append(f"| {keys} | {entry.readme or entry.help} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print("\n".join(ACTIONS) if "--ids" in sys.argv else readme_table())
