"""Huge articles in the running app: a long article of many paragraphs and an
article that is one single long line can be read, selected, tagged, searched,
folded and exported, every offset exact.

The default (CI) sizes are big enough to take every path the view takes for a
huge article (lines cut into pieces, thousands of lines, tens of thousands of
spans); the full sizes (5 MB, 2 MB) are marked slow. No timing is asserted:
speed is measured by ``make bench BENCH=huge``.
"""

from __future__ import annotations

import json
import random

import pytest

from annotations.export import export_store
from annotations.store import AnnotationStore
from corpus.analysis import Analyser, AnalysisCache
from corpus.articles import Article, Corpus, Event, Target
from corpus.nlp import rules_choice
from tests.helpers import SIZE, make_app, wait_for
from tui.app import MainScreen
from tui.screens.claim_form import ClaimForm
from tui.widgets.article_layout import LONG_LINE
from tui.widgets.article_view import ArticleView

NEEDLE = "Zanzibarquux"
_PHRASE = ("the ministry said on Saturday that talks in Geneva had stalled while officials from "
          "Armenia and Azerbaijan met again , quoted by Reuters . a ceasefire was agreed in Moscow")
_WORDS = _PHRASE.split()
_NOISE = ["Advertisement", "Share this article", "Related Articles"]


def paragraphs(size: int, seed: int = 1, noise_every: int = 0) -> str:
    rng = random.Random(seed)
    parts, total, n = [], 0, 0
    while total < size:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(30, 120))]
        parts.append(" ".join(words).capitalize() + " .")
        total += len(parts[-1]) + 1
        n += 1
        if noise_every and n % noise_every == 0:
            parts.append(rng.choice(_NOISE))
            total += len(parts[-1]) + 1
    return "\n".join(parts)


def generated(kind: str, size: int) -> str:
    """A generated article with NEEDLE once, 95 % of the way in."""
    text = paragraphs(size, noise_every=4 if kind == "noisy" else 0)
    if kind == "single":
        text = text.replace("\n", " ")
    at = text.index(" ", int(len(text) * 0.95))
    return f"Headline of a huge article\n{text[:at]} {NEEDLE}{text[at:]}"


SIZES = [
    pytest.param(("many", 300_000), id="many-300KB"),
    pytest.param(("single", 200_000), id="single-line-200KB"),
    pytest.param(("many", 5_000_000), id="many-5MB", marks=pytest.mark.slow),
    pytest.param(("single", 2_000_000), id="single-line-2MB", marks=pytest.mark.slow),
]


@pytest.fixture
def huge(tmp_path, request):
    """(corpus, store, analyser, article) for ``request.param`` = (kind, size),
    analysed beforehand (the app opens warm)."""
    kind, size = request.param
    article = Article.from_text(generated(kind, size), path="huge.txt", source="generated")
    corpus = Corpus("huge", tmp_path, [Event("e", "Huge", (Target("t1", "A target"),), (article.id,))], [article])
    analyser = Analyser(rules_choice(warning=None), AnalysisCache(tmp_path / "analysis"))
    analyser.analyse([(article.text_hash, article.text)])
    store = AnnotationStore(tmp_path / "store.json", annotator="tester")
    store.register_corpus(corpus)
    yield corpus, store, analyser, article
    store.close()


def huge_param(*params):
    return pytest.mark.parametrize("huge", params, indirect=True)


def _view(app) -> ArticleView:
    view = app.focused
    assert isinstance(view, ArticleView)
    return view


def cursor_shown(view: ArticleView) -> bool:
    y = view.wrapped_document.location_to_offset(view.cursor_location).y
    return view.scroll_offset.y <= y < view.scroll_offset.y + view.scrollable_content_region.height


async def tag(pilot, app, store) -> dict:
    """Tag the selection as a claim (stance agree); returns the stored claim."""
    before = [c["id"] for c in store.claims()]
    await pilot.press("c")
    await wait_for(pilot, lambda: isinstance(app.screen, ClaimForm), "the claim form")
    await pilot.press("1", "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) and len(store.claims()) > len(before),
                   "the claim saved")
    [claim] = [c for c in store.claims() if c["id"] not in before]
    return claim


@huge_param(*SIZES)
async def test_a_huge_article_is_read_selected_tagged_and_exported(huge, tmp_path):
    corpus, store, analyser, article = huge
    text = article.text
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        view = _view(app)
        await pilot.press("down", "down", "right", "pagedown", "pagedown", "down")
        here = view.offset_of(view.cursor_location)
        assert 0 < here < len(text)
        assert view.location_of(here) == view.cursor_location
        assert cursor_shown(view)
        await pilot.press("pageup")
        assert view.offset_of(view.cursor_location) < here

        # far into the text, across a cut between two pieces of a long line if there is one
        far = text.index(" ", int(len(text) * 0.8)) + 1
        lines = view.document.line_count
        if any(len(line) > LONG_LINE for line in text.split("\n")):
            assert lines > text.count("\n") + 1, "a long line is held in pieces"
            row, _ = view.location_of(far)
            boundary = view.offset_of((row + 1, 0))
            far = text.rindex(" ", 0, boundary - 3) + 1  # a word or two before the cut
        view.move_to(far)
        await pilot.pause()
        assert view.offset_of(view.cursor_location) == far and cursor_shown(view)
        await pilot.press(*["ctrl+shift+right"] * 4)
        start, end = view.selection_offsets()
        assert start == far and end > far and "\n" not in text[start:end]
        claim = await tag(pilot, app, store)
        assert claim["quote"] == text[claim["start"]:claim["end"]]
        assert (claim["start"], claim["end"]) == (start, end)

        # the claim is highlighted where it is
        row, column = view.location_of(claim["start"])
        from tui.styles import CLAIM_STYLE, LINKED_STYLE
        assert any(s <= column < e and style in (CLAIM_STYLE, LINKED_STYLE)
                   for s, e, style in view.styles_of_line(row))

    report = export_store(store, tmp_path / "out", analyser, formats=("jsonl",))
    assert report.counts["claims.jsonl"] == 1
    task = json.loads((tmp_path / "out" / "claims.jsonl").read_text())
    [span] = task["spans"]
    assert (span["start"], span["end"]) == (claim["start"], claim["end"])
    assert task["text"][span["start"]:span["end"]] == claim["quote"]


@huge_param(*SIZES)
async def test_search_jumps_far_into_a_huge_article(huge):
    corpus, store, analyser, article = huge
    at = article.text.index(NEEDLE)
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        view = _view(app)
        await pilot.press("slash", *NEEDLE.lower(), "enter")
        await wait_for(pilot, lambda: view.selection_offsets() == (at, at + len(NEEDLE)), "the jump to the match")
        assert cursor_shown(view)
        assert article.text[slice(*view.selection_offsets())] == NEEDLE


@huge_param(pytest.param(("noisy", 300_000), id="noisy-300KB"),
            pytest.param(("noisy", 5_000_000), id="noisy-5MB", marks=pytest.mark.slow))
async def test_noise_folds_away_in_a_huge_article_and_offsets_stay_exact(huge):
    corpus, store, analyser, article = huge
    text = article.text
    assert len(article.noise) > 100
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        view = _view(app)
        rows, document = view.wrapped_document.height, view.document
        far = text.index(" the ", int(len(text) * 0.7)) + 1  # in a paragraph, not a noise line
        view.move_to(far)
        await pilot.press("h")
        await wait_for(pilot, lambda: view.hiding_noise, "the noise folded")
        assert view.wrapped_document.height < rows and view.document is document, "folded, not reloaded"
        assert view.offset_of(view.cursor_location) == far, "the cursor stays on the same word"
        assert cursor_shown(view)
        noise_lines = [i for i, line in enumerate(document.lines) if line in _NOISE]
        assert len(noise_lines) > 100 and all(view.wrapped_document.is_folded(i) for i in noise_lines)
        await pilot.press(*["ctrl+shift+right"] * 3)
        start, end = view.selection_offsets()
        claim = await tag(pilot, app, store)
        assert (claim["start"], claim["end"]) == (start, end)
        assert claim["quote"] == text[start:end]
        await pilot.press("slash", *NEEDLE.lower(), "enter")
        at = text.index(NEEDLE)
        await wait_for(pilot, lambda: view.selection_offsets() == (at, at + len(NEEDLE)), "the jump to the match")
        await pilot.press("escape")  # the search bar closes; the view has the keys again
        await wait_for(pilot, lambda: app.focused is view, "the view focused")
        await pilot.press("h")
        await wait_for(pilot, lambda: not view.hiding_noise, "the noise shown again")
        assert view.wrapped_document.height == rows
        assert view.selection_offsets() == (at, at + len(NEEDLE)) and cursor_shown(view)


@huge_param(pytest.param(("noisy", 300_000), id="noisy-300KB"),
            pytest.param(("noisy", 5_000_000), id="noisy-5MB", marks=pytest.mark.slow))
async def test_a_claim_tagged_across_a_folded_noise_line_has_the_article_offsets(huge):
    """Folded, a selection made with the keys from the end of a paragraph over
    a folded noise line into the next paragraph is tagged with the offsets of
    the article, the noise line inside them; the cursor's moves step over the
    folded line one key at a time, and back."""
    corpus, store, analyser, article = huge
    text = article.text
    noise = next(i for i in (text.find(f"\n{label}\n", int(len(text) * 0.9)) for label in _NOISE) if i != -1) + 1
    noise_end = text.index("\n", noise)  # the noise line is text[noise:noise_end]
    last_word = text.rindex(" ", 0, noise - 3) + 1  # the last word of the paragraph before it (then " .")
    app = make_app(corpus, store, analyser)
    async with app.run_test(size=SIZE) as pilot:
        view = _view(app)
        noise_row = view.location_of(noise)[0]
        assert view.document[noise_row] == text[noise:noise_end]
        await pilot.press("h")
        await wait_for(pilot, lambda: view.hiding_noise, "the noise folded")
        assert view.wrapped_document.is_folded(noise_row) and view.location_of(noise) == (noise_row + 1, 0)
        view.move_to(noise - 1)  # the end of the paragraph before the noise line
        await pilot.press("right")
        assert view.offset_of(view.cursor_location) == noise_end + 1, "over the folded line, to the next paragraph"
        assert cursor_shown(view)
        await pilot.press("left")
        assert view.offset_of(view.cursor_location) == noise - 1
        await pilot.press("down")
        assert view.offset_of(view.cursor_location) > noise_end, "down steps over the folded line"
        await pilot.press("up")
        assert view.offset_of(view.cursor_location) < noise
        view.move_to(last_word)
        await pilot.press(*["ctrl+shift+right"] * 5)
        start, end = view.selection_offsets()
        assert start == last_word and end > noise_end + 1 and "\n" not in text[noise_end + 1:end]
        claim = await tag(pilot, app, store)
        assert (claim["start"], claim["end"]) == (start, end)
        assert claim["quote"] == text[start:end] and text[noise:noise_end] in claim["quote"]
        row, column = view.location_of(end)
        assert view.offset_of((row, column)) == end and not view.wrapped_document.is_folded(row)
