"""Plain helpers the tests share: where things are, the environment of a
child ``factdesk``, and small builders of annotations on the sample corpus.

Tests import this module (or take the fixtures of ``conftest.py``); no test
module imports another.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SHARED_ENV = "FACTDESK_SHARED"


def shared_folder(environ=os.environ, root: Path = ROOT) -> Path:
    """The shared data folder (seeds, FNC-1): the one $FACTDESK_SHARED names,
    else ``shared/`` beside the project (where CI puts it). It may not exist:
    tests that need it skip, saying where they looked."""
    named = environ.get(SHARED_ENV)
    return Path(named) if named else root.parent / "shared"


SHARED = shared_folder()
FNC1 = SHARED / "corpora" / "fnc1"
needs_fnc1 = pytest.mark.skipif(
    not FNC1.is_dir(),
    reason=f"the FNC-1 corpus is not at {FNC1}: put the shared data folder beside the project "
           f"(../shared) or name it in ${SHARED_ENV}")


def run_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment for a child ``factdesk`` process isolated in ``tmp_path``."""
    env = dict(os.environ)
    env.update(
        FACTDESK_DATA_DIR=str(tmp_path / "data"),
        FACTDESK_CACHE_DIR=str(tmp_path / "cache"),
        FACTDESK_ANNOTATOR="tester",
    )
    env.update(extra)
    return env


CHILD = [PYTHON, str(ROOT / "tests" / "crash_child.py")]


def start_child(path, tmp_path, count=100000, hold=False) -> subprocess.Popen:
    """``tests/crash_child.py`` annotating the store at ``path``: it reports
    each action saved on its stdout; ``hold`` keeps it holding the store."""
    return subprocess.Popen(
        [*CHILD, str(path), str(count), *(["hold"] if hold else [])], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, stdin=subprocess.PIPE, env=run_env(tmp_path), cwd=ROOT, text=True,
    )


def killed_after(work):
    """Run ``work()`` in a child process (a fork of this one) that then dies
    as a killed factdesk does: ``os._exit``, nothing closed, no snapshot
    written, its store lock dropped by the kernel. Returns what ``work``
    returned (through JSON); an exception in the child fails the test."""
    import json
    import traceback

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        status = 1
        try:
            os.close(read)
            try:
                reply = {"result": work()}
                status = 0
            except BaseException:
                reply = {"error": traceback.format_exc()}
            data = json.dumps(reply).encode()
            while data:
                data = data[os.write(write, data):]
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        reply = json.loads(pipe.read() or b"{}")
    _, status = os.waitpid(pid, 0)
    assert "error" not in reply, "the killed writer failed:\n" + reply["error"]
    assert os.waitstatus_to_exitcode(status) == 0 and "result" in reply, status
    return reply["result"]


def span_of(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


# -- annotations on the sample corpus (karabakh-2020) ---------------------------------

TOLL_0 = "This brings the death toll in the Armenian stronghold to 158 soldiers."
TOLL_3 = "A total of 158 Armenian soldiers died."
FIGHTERS_0 = ("French President Macron also slammed Turkey on Thursday, saying intelligence reports showed that "
              "300 fighters from the jihadist group in Syria had passed through Turkey on their way to Azerbaijan.")
FIGHTERS_3 = "French President Emmanuel Macro said Turkey had intelligence information that it had sent some 300 Syrians to Azerbaijan."
MERCENARIES_4 = ("According to the Syrian Observatory for Human Rights, a total number of nine hundred Syrian national "
                 "mercenaries have been transported by Turkish security firms to Azerbaijan along with Armenian-born "
                 "Syrian fighters.")


def sample_spans(per_article: int = 6) -> list[tuple[str, int, int]]:
    """(article id, start, end): ``per_article`` ten-character spans spread over
    each article of the sample corpus, each starting at a word."""
    from corpus.articles import load_folder, sample_corpus_path

    spans = []
    for article in load_folder(sample_corpus_path()).articles:
        text = article.text
        starts = [i for i in range(1, len(text) - 20) if text[i - 1] == " " and not text[i].isspace()]
        for start in starts[:: max(1, len(starts) // per_article)][:per_article]:
            end = start + 10
            while text[end - 1].isspace():
                end -= 1
            spans.append((article.id, start, end))
    return spans


def claim(store, article, phrase, stance="discuss"):
    return store.add_claim(article.id, *span_of(article.text, phrase), {"t1": stance})


def linked(store, corpus):
    """The sample event's matching claims, linked: returns the claims by name."""
    a0, a3, a4 = corpus.articles[0], corpus.articles[3], corpus.articles[4]
    c = {
        "toll0": claim(store, a0, TOLL_0), "toll3": claim(store, a3, TOLL_3),
        "fighters0": claim(store, a0, FIGHTERS_0), "fighters3": claim(store, a3, FIGHTERS_3),
        "merc4": claim(store, a4, MERCENARIES_4, "agree"),
    }
    store.link_claims(c["toll0"]["id"], c["toll3"]["id"], "same")
    store.link_claims(c["fighters0"]["id"], c["fighters3"]["id"], "same", "Syrians vs jihadist fighters")
    store.link_claims(c["merc4"]["id"], c["fighters0"]["id"], "contradicts")
    return c


def annotate_sample(store, corpus):
    """Four claims (one not on token boundaries), two article ratings and a
    source rating on the sample corpus."""
    a0, a1, a3 = corpus.articles[0], corpus.articles[1], corpus.articles[3]
    toll = span_of(a0.text, "This brings the death toll in the Armenian stronghold to 158 soldiers.")
    store.add_claim(a0.id, *toll, {"t1": "discuss"}, checkworthiness="check-worthy", claim_type="factual")
    store.add_claim(a0.id, *span_of(a0.text, "Armenia must withdraw its troops"), {"t1": "disagree"},
                    checkworthiness="unimportant", attribution="indirect")
    died = span_of(a3.text, "A total of 158 Armenian soldiers died.")
    store.add_claim(a3.id, *died, {"t1": "unrelated"}, speaker={"kind": "journalist"})
    # a span that does not fall on token boundaries ("ceasefi|re")
    store.add_claim(a1.id, *span_of(a1.text, "humanitarian ceasefi"), {"t1": "agree"})
    store.rate_article(a3.id, "unreliable", "garbled name, ad markers", codes=["garbled-text", "ads-heavy"])
    store.rate_article(a1.id, "mixed")
    store.rate_source(a3.source, "unreliable", codes=["ads-heavy"])
    return store


def with_speaker(store, article, claim_phrase, speaker_phrase, label="GPE"):
    s, e = span_of(article.text, speaker_phrase)
    return store.add_claim(article.id, *span_of(article.text, claim_phrase), {"t1": "discuss"},
                           speaker={"kind": "entity", "text": speaker_phrase, "start": s, "end": e, "label": label})


# -- the app under Pilot ---------------------------------------------------------------

SIZE = (160, 40)  # two article columns and the claims panel


def make_app(corpus, store, analyser):
    from tui.app import FactdeskApp

    return FactdeskApp(corpus, store, analyser)


def visible_columns(app) -> list:
    from tui.widgets.article_column import ArticleColumn

    return [c for c in app.screen.query(ArticleColumn) if c.display]


async def put_cursor(pilot, view, phrase: str) -> int:
    """The cursor of ``view`` at the start of ``phrase``; returns its offset."""
    offset = view.article.text.index(phrase)
    view.cursor_location = view.location_of(offset)
    await pilot.pause()
    return offset


async def wait_for(pilot, condition, what: str = "the condition", timeout: float = 10.0):
    """Let the app run until ``condition()`` returns something true (returned);
    fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what} never came within {timeout} s"
        await pilot.pause()
    return result


def toasts(app) -> list[str]:
    """The notifications on screen, as the reader sees them (the app must run
    with ``run_test(notifications=True)``)."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


class Notes:
    """Every notification an app sends while it runs, in order, as Textual is
    given it (after the app has made its text literal and visible).

    Pass ``notes.hook`` as the ``message_hook`` of ``App.run_test`` (Textual's
    public hook on every message): each ``Notify`` is kept, whether its toast is
    shown, covered by a screen or expired. The ``notes`` fixture gives one.
    """

    def __init__(self) -> None:
        self.sent: list = []  # textual.notifications.Notification, oldest first

    def hook(self, message) -> None:
        from textual.notifications import Notify

        if isinstance(message, Notify):
            self.sent.append(message.notification)

    @property
    def messages(self) -> list[str]:
        return [str(n.message) for n in self.sent]

    def clear(self) -> None:
        """Forget what was sent so far (to check only what comes next)."""
        self.sent.clear()


def styled_spans(view, *styles) -> list[tuple[int, int]]:
    """The article spans ``view`` draws in one of ``styles``, as its lines are
    rendered (``ArticleView.get_line``), in text order; a span over several
    lines comes as one piece a line."""
    spans = set()
    for row in range(view.document.line_count):
        for span in view.get_line(row).spans:
            if span.style in styles:
                spans.add((view.offset_of((row, span.start)), view.offset_of((row, span.end))))
    return sorted(spans)


def claim_spans(view) -> list[tuple[int, int]]:
    """The claims ``view`` marks, linked or not."""
    from tui.styles import CLAIM_STYLE, LINKED_STYLE

    return styled_spans(view, CLAIM_STYLE, LINKED_STYLE)


def linked_spans(view) -> list[tuple[int, int]]:
    """The claims ``view`` marks as linked to claims of other articles."""
    from tui.styles import LINKED_STYLE

    return styled_spans(view, LINKED_STYLE)


def focus_spans(view) -> list[tuple[int, int]]:
    """The spans ``view`` shows in reverse video (the focused entity's mentions)."""
    from tui.styles import FOCUS_STYLE

    return styled_spans(view, FOCUS_STYLE)


_SVG_TEXT = re.compile(r'<text class="[^"]*" x="([0-9.]+)" y="[0-9.]+" textLength="[0-9.]+" '
                       r'clip-path="url\(#[^"]*-line-(\d+)\)">(.*?)</text>', re.S)
_SVG_CELL = 20 * 0.61  # the width of one cell in Rich's SVG export (char_height * font_aspect_ratio)


def screen_text(app) -> str:
    """The text the app would write to the terminal for the current screen
    (without the escape codes of its own styles), one line a row, read from
    Textual's public ``App.export_screenshot``: each piece of text of the SVG
    is put back at its cell (the SVG leaves out runs of spaces)."""
    from rich.cells import cell_len

    rows: dict[int, dict[int, str]] = {}
    for x, y, text in _SVG_TEXT.findall(app.export_screenshot(title="screen")):
        cells, col = rows.setdefault(int(y), {}), round(float(x) / _SVG_CELL)
        for ch in html.unescape(text).replace("\xa0", " ").replace("\n", ""):
            width = cell_len(ch)
            if width == 0 and col:  # a combining mark rides on the cell before
                cells[col - 1] = cells.get(col - 1, "") + ch
                continue
            cells[col] = ch
            for extra in range(1, width):
                cells[col + extra] = ""  # the second half of a wide character
            col += max(width, 1)
    width, height = app.size
    return "\n".join("".join(rows.get(y, {}).get(x, " ") for x in range(width)) for y in range(height))


def popup_host(screen):
    """A bare Textual app that opens ``screen`` and keeps what it dismisses
    with in ``app.results`` (for popups tested on their own)."""
    from textual.app import App

    class PopupHost(App):
        def __init__(self) -> None:
            super().__init__()
            self.results: list = []

        def on_mount(self) -> None:
            self.push_screen(screen, callback=self.results.append)

    return PopupHost()
