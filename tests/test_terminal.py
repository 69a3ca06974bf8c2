"""The real ``factdesk`` command in a real terminal (tmux), driven by keys."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from annotations.store import AnnotationStore, default_store_path
from tests.helpers import PYTHON, ROOT, TOLL_0, TOLL_3, claim, run_env

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def stored(tmp_path):
    """The one claim and the ratings the session left in the default store."""
    with AnnotationStore(default_store_path("karabakh-2020"), read_only=True) as store:
        [claim] = store.claims()
        text = store.article(claim["article_id"])["text"]
        assert text[claim["start"]:claim["end"]] == claim["quote"]
        return claim, store.ratings()


class Tmux:
    """A tmux session running ``command``; the tests wait for what the screen
    shows, never for a fixed time."""

    def __init__(self, command: list[str], env: dict[str, str], width: int = 150, height: int = 40,
                 options: tuple[tuple[str, ...], ...] = ()) -> None:
        self.session = f"factdesk-test-{uuid.uuid4().hex[:8]}"
        self.folder = Path(tempfile.mkdtemp(prefix="factdesk-tmux-"))
        gate = self.folder / "start"
        os.mkfifo(gate)
        env_args = [f"{k}={v}" for k, v in env.items() if k.startswith(("FACTDESK_", "PATH", "HOME", "LANG", "LC_"))]
        more = [arg for option in options for arg in (";", "set-option", *option)]
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height),
             # the program waits at a gate (a FIFO) until the pane has its size and its options
             "env", "-i", *env_args, "TERM=xterm-256color", "sh", "-c", 'read _ < "$0"; exec "$@"', str(gate),
             *command, ";", "set-option", "remain-on-exit", "on", *more],
            check=True, cwd=ROOT,
        )
        self.wait_until(lambda: self.display("#{pane_width}x#{pane_height}") == f"{width}x{height}",
                        f"a {width}x{height} pane")
        self._open(gate)

    def _open(self, gate: Path, timeout: float = 10.0) -> None:
        """Let the program start: write a line into the gate once the shell reads it."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                fd = os.open(gate, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as exc:  # ENXIO: the shell has not opened the gate yet
                if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                    raise AssertionError(f"the pane never started its command ({exc})") from exc
                time.sleep(0.05)
        try:
            os.write(fd, b"go\n")
        finally:
            os.close(fd)

    def display(self, what: str) -> str:
        """A tmux format of the session's pane, e.g. ``#{pane_title}``."""
        return subprocess.run(["tmux", "display", "-p", "-t", self.session, what],
                              capture_output=True, text=True).stdout.strip()

    def screen(self, history: bool = False) -> str:
        """The visible screen, or with ``history`` the scrollback too (where
        what a program prints after leaving the alternate screen may land)."""
        extra = ["-S", "-1000"] if history else []
        out = subprocess.run(["tmux", "capture-pane", "-p", *extra, "-t", self.session],
                             capture_output=True, text=True)
        return out.stdout

    def wait_until(self, condition, what: str, timeout: float = 30.0):
        """Poll ``condition`` until it returns something true (and return that)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            time.sleep(0.05)
        state = self.display("dead=#{pane_dead} status=#{pane_dead_status} cmd=#{pane_current_command}")
        raise AssertionError(f"{what} never came ({state}):\n{self.screen()}")

    def wait_for(self, text: str, timeout: float = 30.0, history: bool = False) -> str:
        """The screen, once ``text`` is on it."""
        def shown() -> str:
            screen = self.screen(history)
            return screen if text in screen else ""

        return self.wait_until(shown, f"{text!r} on screen", timeout)

    def wait_gone(self, text: str, timeout: float = 30.0) -> str:
        """The screen, once ``text`` is no longer on it."""
        def gone() -> str:
            screen = self.screen()
            return screen if text not in screen else ""

        return self.wait_until(gone, f"{text!r} gone from the screen", timeout)

    def keys(self, *keys: str) -> None:
        """Send ``keys`` (tmux key names, or text typed as it is), in order, at once."""
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.session, key], check=True)

    def cursor(self) -> tuple[int, int]:
        """Where the terminal's cursor is (the app puts it where the reader
        types or reads: the article's cursor, the focused input)."""
        x, y = self.display("#{cursor_x},#{cursor_y}").split(",")
        return int(x), int(y)

    def move(self, key: str) -> None:
        """Send a key that moves the cursor, and wait until it has moved."""
        before = self.cursor()
        self.keys(key)
        self.wait_until(lambda: self.cursor() != before, f"the cursor moving on {key}")

    def wait_for_cursor_on(self, text: str) -> None:
        """Wait until the cursor is on the screen line that shows ``text``
        (the placeholder of an empty input: the input has the focus)."""
        def there() -> bool:
            lines = self.screen().split("\n")
            return any(text in line for line in lines) and text in lines[self.cursor()[1]]

        self.wait_until(there, f"the cursor on the line of {text!r}")

    def quit(self) -> None:
        """ctrl+q, then wait for the exit message (it may land in the scrollback)."""
        self.keys("C-q")
        self.wait_for("Saved in", history=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.session], capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)


def test_new_user_tags_a_sentence_rates_and_quits(tmp_path, rules_cache):
    env = run_env(tmp_path, FACTDESK_MODEL="rules", FACTDESK_CACHE_DIR=str(rules_cache))
    tmux = Tmux([PYTHON, "-m", "tui.cli"], env)
    try:
        screen = tmux.wait_for("5 articles")
        assert "Nagorno-Karabakh War, Armenia Ready for Armistice" in screen
        assert "Karabakh conflict: US-brokered truce" in screen  # second column
        for _ in range(8):
            tmux.move("Down")
        tmux.keys("s", "c")
        tmux.wait_for("New claim")
        tmux.keys("3", "Enter")
        tmux.wait_for("1 claims")
        tmux.keys("r")
        tmux.wait_for("Reliability of this article")
        tmux.keys("3", "Tab", "Tab")
        tmux.wait_for_cursor_on("Note (optional)")
        tmux.keys("scraped with ads")
        tmux.wait_for("scraped with ads")
        tmux.keys("Enter")
        tmux.wait_for("1 rated")
        tmux.quit()
    finally:
        tmux.close()
    claim, [rating] = stored(tmp_path)
    assert claim["stances"] == {"t1": "discuss"}
    assert (rating["label"], rating["note"]) == ("unreliable", "scraped with ads")


def test_keys_typed_in_one_burst_all_count(tmp_path, rules_cache):
    """A fast typist: "s c 3 1 ⏎" reaches the app in one go, then "r 2 ⏎"
    (test_forms_answered_in_one_burst_of_keys answers whole forms in one burst)."""
    env = run_env(tmp_path, FACTDESK_MODEL="rules", FACTDESK_CACHE_DIR=str(rules_cache))
    tmux = Tmux([PYTHON, "-m", "tui.cli"], env)
    try:
        tmux.wait_for("5 articles")
        for _ in range(8):
            tmux.move("Down")
        subprocess.run(["tmux", "send-keys", "-t", tmux.session, "s", "c", "3", "1", "Enter"], check=True)
        tmux.wait_for("1 claims")
        subprocess.run(["tmux", "send-keys", "-t", tmux.session, "r", "2", "Enter"], check=True)
        tmux.wait_for("1 rated")
        tmux.quit()
    finally:
        tmux.close()
    claim, [rating] = stored(tmp_path)
    assert claim["stances"] == {"t1": "discuss"} and claim["claim_type"] == "factual"
    assert rating["label"] == "mixed"


def test_app_refuses_to_start_without_a_terminal(tmp_path):
    out = subprocess.run([PYTHON, "-m", "tui.cli"], capture_output=True, text=True,
                         env=run_env(tmp_path, FACTDESK_MODEL="rules"), stdin=subprocess.DEVNULL)
    assert out.returncode == 2
    assert "needs a terminal" in out.stderr


def test_link_two_articles_claims_from_the_keyboard(tmp_path, rules_cache, corpus):
    """In a real terminal: find a claim, k, one key accepts the best suggestion."""
    env = run_env(tmp_path, FACTDESK_MODEL="rules", FACTDESK_CACHE_DIR=str(rules_cache))
    path = tmp_path / "data" / "stores" / "karabakh-2020.json"
    path.parent.mkdir(parents=True)
    with AnnotationStore(path) as store:
        store.register_corpus(corpus)
        own = claim(store, corpus.articles[0], TOLL_0)
    tmux = Tmux([PYTHON, "-m", "tui.cli", "--db", str(path)], env)
    try:
        assert "death toll in the" not in tmux.wait_for("5 articles")
        tmux.keys("/")
        tmux.wait_for("Search this event")
        tmux.keys("death toll in the")
        tmux.wait_for("death toll in the")  # in the search bar (the article wraps it over two lines)
        tmux.keys("Enter")
        tmux.wait_for("Match 1 of 1")
        tmux.keys("Escape")
        tmux.wait_gone("death toll in the")  # the search bar is closed: keys go to the article again
        tmux.keys("k")
        screen = tmux.wait_for("Link this claim")
        assert "A total of 158 Armenian soldiers died." in screen
        tmux.keys("s")
        tmux.wait_for("New claim")  # the other sentence is no claim yet: its stance first
        tmux.keys("3", "Enter")
        tmux.wait_for("Linked (same)")
        tmux.quit()
    finally:
        tmux.close()
    with AnnotationStore(path, read_only=True) as store:
        (link,) = store.links()
        assert link["a"] == own["id"] and link["label"] == "same"
        assert store.claim(link["b"])["quote"] == TOLL_3
        assert store.claim(link["b"])["stances"] == {"t1": "discuss"}


def test_titles_with_escape_sequences_do_not_reach_the_terminal(tmp_path, rules_cache):
    """An article title with OSC 0 (set the window title) and a source with OSC
    52 (write the clipboard): tmux, which obeys both, is left untouched, and the
    screen shows them as visible stand-ins."""
    import json

    rows = [{"text": "Talks resume\n\nArmenia and Azerbaijan agreed to talk.", "title": "\x1b]0;PWNED\x07Talks",
             "source": "\x1b]52;c;UFdORUQ=\x07site", "event": "\x1b]2;PWNED2\x07event"},
            {"text": "Other report\n\nThe talks go on.", "title": "Other \x1b]52;c;UFdORUQ=\x07report",
             "event": "\x1b]2;PWNED2\x07event"}]
    corpus = tmp_path / "osc.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    env = run_env(tmp_path, FACTDESK_MODEL="rules", FACTDESK_CACHE_DIR=str(rules_cache))
    # set-clipboard on: tmux keeps what an application sends by OSC 52 as a paste buffer
    tmux = Tmux([PYTHON, "-m", "tui.cli", str(corpus)], env, options=(("-s", "set-clipboard", "on"),))
    try:
        title_before = tmux.display("#{pane_title}")
        buffers_before = subprocess.run(["tmux", "list-buffers", "-F", "#{buffer_sample}"],
                                        capture_output=True, text=True).stdout
        screen = tmux.wait_for("2 articles")
        assert "␛]0;PWNED␇Talks" in screen
        assert "␛]52;c;UFdORUQ=␇site" in screen
        tmux.keys("r")
        tmux.wait_for("Reliability of this article")  # the title and source again, in the form
        tmux.keys("Escape")
        # the screen without the form: tmux has taken in everything the form wrote before it
        tmux.wait_gone("Reliability of this article")
        assert "PWNED" not in tmux.display("#{pane_title}"), "an article title set the terminal's title"
        assert tmux.display("#{pane_title}") == title_before
        buffers = subprocess.run(["tmux", "list-buffers", "-F", "#{buffer_sample}"],
                                 capture_output=True, text=True).stdout
        assert "PWNED" not in buffers and buffers == buffers_before, "an article wrote the clipboard"
        tmux.quit()
    finally:
        tmux.close()


def test_forms_answered_in_one_burst_of_keys(tmp_path, rules_cache):
    """A fast typist, in a real terminal: each form opened and answered in one
    burst of keys (one send-keys), every key acting as if typed slowly: the
    claim's rows one after another, then the rating's label, a reason ticked
    and the note."""
    env = run_env(tmp_path, FACTDESK_MODEL="rules", FACTDESK_CACHE_DIR=str(rules_cache))
    tmux = Tmux([PYTHON, "-m", "tui.cli"], env)
    try:
        tmux.wait_for("5 articles")
        for _ in range(8):
            tmux.move("Down")
        # stance 2 (disagree), type 2 (opinion), check-worthiness 2 (unimportant), then the note
        subprocess.run(["tmux", "send-keys", "-t", tmux.session, "s", "c", "2", "2", "2", "Tab", "Tab", "Tab",
                        "fast note", "Enter"], check=True)
        tmux.wait_for("1 claims")
        subprocess.run(["tmux", "send-keys", "-t", tmux.session, "r", "3", "Tab", "Space", "Tab", "typed ahead",
                        "Enter"], check=True)
        tmux.wait_for("1 rated")
        tmux.quit()
    finally:
        tmux.close()
    claim, [rating] = stored(tmp_path)
    assert claim["stances"] == {"t1": "disagree"}
    assert (claim["claim_type"], claim["checkworthiness"], claim["note"]) == ("opinion", "unimportant", "fast note")
    assert (rating["label"], rating["note"]) == ("unreliable", "typed ahead")
    assert len(rating["rationale_codes"]) == 1


def test_ctrl_q_while_articles_are_analysed_quits_without_waiting(tmp_path):
    """Quit while the analysis of a large folder runs: the process ends by
    itself, long before the analysis could have finished (the cache shows
    how far it got), and nothing is killed by hand."""
    folder = tmp_path / "big"
    folder.mkdir()
    paragraph = "Officials in Paris met envoys from Berlin and Moscow on Monday to discuss the talks. " * 40
    for n in range(40):
        (folder / f"{n:02}.txt").write_text(f"Article {n}\n\n" + (paragraph + "\n\n") * 60, encoding="utf-8")
    cache = tmp_path / "cache"
    env = run_env(tmp_path, FACTDESK_MODEL="rules", FACTDESK_CACHE_DIR=str(cache))
    tmux = Tmux([PYTHON, "-m", "tui.cli", str(folder)], env)
    try:
        tmux.wait_for("analysing 40 article(s)")
        tmux.keys("C-q")
        tmux.wait_until(lambda: tmux.display("#{pane_dead}") == "1", "the process ending")
    finally:
        tmux.close()
    analysed = list(cache.rglob("*.json")) if cache.exists() else []
    assert len(analysed) < 40, "the quit waited for the whole analysis"
