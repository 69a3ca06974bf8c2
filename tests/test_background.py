"""Analysis in a child process: results one article at a time, cached; stopped
at once when asked; its failures said in one line; never outliving the app."""

from __future__ import annotations

import os
import signal
import subprocess
import textwrap
import time

import pytest

from corpus import background
from corpus.analysis import Analyser, AnalysisCache
from corpus.background import AnalysisFailed, BackgroundAnalysis
from corpus.nlp import ModelChoice, rules_choice
from tests.helpers import PYTHON, ROOT


def _texts(n: int, words: int = 200) -> list[tuple[str, str]]:
    return [(f"{i:064x}", " ".join(f"Word{i} Paris met Berlin on Monday." for _ in range(words // 6)))
            for i in range(n)]


@pytest.fixture
def popens(monkeypatch):
    """Every child the analysis starts."""
    started = []
    real = subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(background.subprocess, "Popen", popen)
    return started


def _wait_gone(process: subprocess.Popen, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is not None, "the child is still running"


def test_every_result_arrives_once_and_is_cached(tmp_path, popens):
    analyser = Analyser(rules_choice(warning=None), AnalysisCache(tmp_path))
    items = _texts(3)
    got = []
    assert BackgroundAnalysis(analyser).run(items, on_ready=got.append) is True
    assert sorted(got) == sorted(h for h, _ in items)  # only the hashes come back: each is in the cache
    assert all(analyser.cached(h).ents for h in got)  # the rules find Paris and Berlin
    assert len(popens) == 1 and popens[0].poll() is not None
    # the second time everything is in the cache already: no child, nothing read
    again = []
    assert BackgroundAnalysis(analyser).run(items, on_ready=again.append) is True
    assert again == [h for h, _ in items] and len(popens) == 1


def test_stop_ends_the_child_before_it_is_done(tmp_path, popens):
    analyser = Analyser(rules_choice(warning=None), AnalysisCache(tmp_path))
    items = _texts(400, words=3000)  # far more than one result's time
    got = []
    assert BackgroundAnalysis(analyser).run(items, on_ready=got.append, should_stop=lambda: len(got) >= 1) is False
    [child] = popens
    assert child.poll() is not None  # ended by run itself, nobody killed it by hand
    assert 1 <= len(got) < len(items)


def test_a_model_that_does_not_load_falls_back_to_the_rules_with_a_warning(tmp_path):
    analyser = Analyser(ModelChoice("/no/such/model", "0"), AnalysisCache(tmp_path))
    got = []
    assert BackgroundAnalysis(analyser).run(_texts(1), on_ready=got.append) is True
    assert analyser.choice.is_rules and "Could not load /no/such/model" in analyser.warning
    assert len(got) == 1 and analyser.cached(got[0]) is not None  # cached under the rules' key


def test_an_error_in_the_child_is_one_line(tmp_path):
    analyser = Analyser(rules_choice(warning=None), AnalysisCache(tmp_path))
    with pytest.raises(AnalysisFailed) as raised:
        BackgroundAnalysis(analyser).run([("0" * 64, None)], on_ready=lambda h: None)  # not a text
    assert "\n" not in str(raised.value) and "Error" in str(raised.value)


def test_a_child_killed_from_outside_is_reported(tmp_path, popens):
    analyser = Analyser(rules_choice(warning=None), AnalysisCache(tmp_path))
    got = []

    def kill_after_first(text_hash) -> None:
        got.append(text_hash)
        if len(got) == 1:
            popens[0].send_signal(signal.SIGKILL)

    with pytest.raises(AnalysisFailed, match="ended unexpectedly"):
        BackgroundAnalysis(analyser).run(_texts(300, words=3000), on_ready=kill_after_first)


def test_the_child_ends_itself_when_the_app_is_killed(tmp_path):
    """SIGKILL leaves the app no time to stop its child: the child notices."""
    code = textwrap.dedent(f"""
        import sys
        from corpus import background
        from corpus.analysis import Analyser, AnalysisCache
        from corpus.nlp import rules_choice
        real = background.subprocess.Popen
        def popen(*a, **k):
            p = real(*a, **k); print(p.pid, flush=True); return p
        background.subprocess.Popen = popen
        items = [(f"{{i:064x}}", "Paris met Berlin. " * 3000) for i in range(400)]
        background.BackgroundAnalysis(Analyser(rules_choice(None), AnalysisCache({str(tmp_path)!r}))).run(
            items, on_ready=lambda h: print("result", flush=True))
    """)
    app = subprocess.Popen([PYTHON, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    child = int(app.stdout.readline())
    assert app.stdout.readline().strip() == "result"  # the child is at work
    app.send_signal(signal.SIGKILL)
    app.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the child outlived the app that started it")
    app.stdout.close()


def test_the_app_never_imports_spacy_for_analysis(tmp_path):
    """The child does the work: the app's process stays without spaCy."""
    code = ("import sys; from corpus.analysis import Analyser, AnalysisCache; from corpus.nlp import rules_choice;"
            "from corpus.background import BackgroundAnalysis;"
            f"BackgroundAnalysis(Analyser(rules_choice(None), AnalysisCache({str(tmp_path)!r}))).run("
            "[('a' * 64, 'Paris met Berlin.')], on_ready=print); print('spacy' in sys.modules)")
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("False")
