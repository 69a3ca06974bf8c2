"""What factdesk relies on in Textual's private names (tui/textual_adapter.py),
pinned: a Textual release that changes it fails here."""

from __future__ import annotations

import subprocess
import textwrap

from textual import events
from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Input

from tests.helpers import PYTHON, ROOT
from tui.textual_adapter import forward_key


class Form(ModalScreen):
    def compose(self) -> ComposeResult:
        yield Input(id="field")


async def test_a_forwarded_key_reaches_the_focused_field_at_once_and_in_order():
    app = App()
    async with app.run_test() as pilot:
        form = Form()
        await app.push_screen(form)
        await pilot.pause()
        field = form.query_one(Input)
        assert app.focused is field
        for key in "abc":
            forward_key(field, events.Key(key, key))  # as Textual routes keys: to the focused widget
        await pilot.pause()
        assert field.value == "abc"


async def test_a_forwarded_copy_that_comes_back_to_the_app_is_not_typed_again():
    """forward_key returns the copy it gave, marked as forwarded: the app takes
    it, when it bubbles back up, as a key handled below (bindings only), not as
    a new key from the terminal to give to the focused field a second time."""
    app = App()
    async with app.run_test() as pilot:
        form = Form()
        await app.push_screen(form)
        await pilot.pause()
        field = form.query_one(Input)
        key = events.Key("x", "x")
        copy = forward_key(form, key)  # to the screen: it does not handle it and it bubbles up to the app
        assert copy is not key and (copy.key, copy.character) == ("x", "x") and copy.is_forwarded
        await pilot.pause()
        assert field.value == ""
        form.post_message(events.Key("y", "y"))  # not marked: the app gives it to the focused field
        await pilot.pause()
        assert field.value == "y"


def test_an_unhandled_error_is_raised_by_run_and_prints_no_traceback(tmp_path):
    script = tmp_path / "boom.py"
    script.write_text(textwrap.dedent("""
        from tui.textual_adapter import QuietExceptions

        class Boom(QuietExceptions):
            def on_mount(self):
                secret = "article text that must not reach the terminal"
                raise ZeroDivisionError("boom")

        try:
            Boom().run(headless=True)
        except ZeroDivisionError as exc:
            print("RAISED", exc)
    """))
    out = subprocess.run([PYTHON, str(script)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "RAISED boom" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr and "must not reach" not in out.stdout + out.stderr
