"""The action registry is the one definition of the main screen's keys: the
bindings, the footer, the help screen, the command palette, the keymap ids and
the README's key table all come from it."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console
from textual.widgets import Static

from tui import actions
from tui.actions import ACTIONS, REGISTRY, Action
from tui.app import FactdeskApp
from tui.keymap import _normal_keys
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def test_the_readme_key_table_is_the_registry():
    """Edit tui/actions.py, then paste `python -m tui.actions` between the markers."""
    text = _readme()
    found = re.search(r"<!-- keys:[^\n]*-->\n(.*?)\n<!-- /keys -->", text, re.S)
    assert found, "README.md has no <!-- keys --> … <!-- /keys --> table"
    assert found.group(1) == actions.readme_table()


def test_the_readme_lists_every_keymap_id():
    listed = re.search(r"`python -m tui.actions --ids` lists them\): (.*?)\. A bad file", _readme(), re.S)
    assert listed
    assert re.findall(r"`([^`]+)`", listed.group(1)) == list(ACTIONS)


def _text(renderable) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def _method(action: str) -> str:
    return "action_" + action.split("(")[0]


def test_every_action_runs_a_method_of_the_main_screen():
    for action in ACTIONS.values():
        assert callable(getattr(MainScreen, _method(action.action), None)), action.id


def test_every_action_method_of_the_main_screen_has_a_key():
    """No action of the main screen is left out of the keys, the help and the palette."""
    own = {name for cls in MainScreen.__mro__ if cls.__module__.startswith("tui.")
           for name in vars(cls) if name.startswith("action_")}
    assert own == {_method(a.action) for a in ACTIONS.values()}


def test_ids_and_keys_are_unique():
    ids = [a.id for a in REGISTRY if isinstance(a, Action)]
    assert len(ids) == len(set(ids))
    owner: dict[str, str] = {}
    for action in ACTIONS.values():
        for key in _normal_keys(action.keys):
            assert key not in owner, f"{action.id} and {owner[key]} both have {key}"
            owner[key] = action.id


def test_bindings_come_from_the_registry_with_the_footer_in_order():
    bindings = MainScreen.BINDINGS
    assert [b.id for b in bindings] == [*actions.FOOTER, *(i for i in ACTIONS if i not in actions.FOOTER)]
    for binding in bindings:
        action = ACTIONS[binding.id]
        assert (binding.key, binding.action, binding.description, binding.priority) == \
            (action.keys, action.action, action.description, action.priority)
        assert binding.show == (binding.id in actions.FOOTER)


def test_help_rows_follow_the_groups_and_the_keymap():
    rows = actions.help_rows({"claim": "ctrl+k"})
    groups = [g for g, _, _ in rows]
    assert groups == sorted(groups, key=actions.GROUPS.index)
    assert ("Claims", "ctrl+k", ACTIONS["claim"].help) in rows
    assert ("History and app", "ctrl+z or u", ACTIONS["undo"].help) in rows
    assert len(rows) == len(REGISTRY)


async def test_help_screen_and_palette_show_every_action_with_the_readers_keys(
        tmp_path, monkeypatch, corpus, store, analyser):
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('stats = "z"\n', encoding="utf-8")
    monkeypatch.setenv("FACTDESK_KEYMAP", str(keymap))
    app = FactdeskApp(corpus, store, analyser)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(_text(s.content) for s in app.screen.query(Static))
        for action in ACTIONS.values():
            assert action.help in shown, action.id
        for group in actions.GROUPS:
            assert group in shown
        assert re.search(r"\bz  statistics of this event", shown)
        await pilot.press("escape")
        await pilot.pause()
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        for action in ACTIONS.values():
            assert action.description in commands, action.id
        assert str(commands["Statistics"]).startswith("key: z")
        assert str(commands["Claim"]).startswith("key: c")
        # the key the keymap gave works, and the palette's command runs the action
        await pilot.press("z")
        await pilot.pause()
        assert type(app.screen).__name__ == "StatsScreen"
