"""Claims flagged for review after their article's text changed: the desk's
review operations (list, keep, keep at the guess, drop; undo, redo, reopen)
and the review list of the app (tui/screens/review.py), driven by Pilot.

Every store here is flagged the way a reader's is: claims are made on a copy
of the sample corpus, the article's file is edited, and the store is opened
again with the changed corpus, so re-anchoring flags what it cannot place."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotations.anchor import selector
from annotations.dataset import collect
from annotations.desk import ClaimsChanged, Desk, LinksChanged, guess_place
from annotations.schema import ValidationError
from annotations.store import AnnotationStore, StoreError
from corpus.analysis import Analyser, AnalysisCache
from corpus.articles import Corpus, load_folder, sample_corpus_path
from corpus.nlp import rules_choice
from tests.helpers import FIGHTERS_0, TOLL_0, TOLL_3, span_of

CALL = ("In a joint call on Thursday, Putin, US President Donald Trump and Macron urged the two sides to return "
        "to negotiations aimed at resolving a long-standing territorial dispute.")
WITHDRAW = "Armenia must withdraw its troops"
TOLL_NEW = TOLL_0.replace("158", "160")
FIGHTERS_NEW = FIGHTERS_0.replace("300 fighters", "3,000 fighters")
SPEAKER = "French President Macron"

# the edit of article 0: one claim's words change, one's sentence goes, one's stays
EDITS = ((TOLL_0, TOLL_NEW), (CALL + "\n", ""), (FIGHTERS_0, FIGHTERS_NEW))


@dataclass
class Changed:
    """A store whose article 0 changed after it was annotated."""

    path: Path
    folder: Path
    old: object           # article 0 as it was annotated
    corpus: Corpus        # the corpus after the edit
    claims: dict          # name -> the claim as it was made

    @property
    def new(self):
        return self.corpus.articles[0]


def edit_article(folder: Path, article, edits) -> Corpus:
    file = folder / article.path
    text = file.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, f"the sample article no longer has {old!r}"
        text = text.replace(old, new)
    file.write_text(text, encoding="utf-8")
    return load_folder(folder)


def make_changed(tmp_path: Path, edits=EDITS, prepare=(), extra: dict[str, str] | None = None) -> Changed:
    folder = tmp_path / "corpus"
    shutil.copytree(sample_corpus_path(), folder)
    corpus = load_folder(folder)
    if prepare:
        corpus = edit_article(folder, corpus.articles[0], prepare)
    a0, a3 = corpus.articles[0], corpus.articles[3]
    path = tmp_path / "store.json"
    with AnnotationStore(path, annotator="tester") as store:
        store.register_corpus(corpus)
        s, e = span_of(a0.text, SPEAKER)
        claims = {
            "toll": store.add_claim(a0.id, *span_of(a0.text, TOLL_0), {"t1": "discuss"}, note="the toll"),
            "call": store.add_claim(a0.id, *span_of(a0.text, CALL), {"t1": "agree"}),
            "fighters": store.add_claim(a0.id, *span_of(a0.text, FIGHTERS_0), {"t1": "discuss"},
                                        speaker={"kind": "entity", "text": SPEAKER, "start": s, "end": e,
                                                 "label": "PERSON"}),
            "withdraw": store.add_claim(a0.id, *span_of(a0.text, WITHDRAW), {"t1": "disagree"}),
            "died": store.add_claim(a3.id, *span_of(a3.text, TOLL_3), {"t1": "unrelated"}),
        }
        for name, phrase in (extra or {}).items():
            claims[name] = store.add_claim(a0.id, *span_of(a0.text, phrase), {"t1": "discuss"})
        store.link_claims(claims["toll"]["id"], claims["died"]["id"], "same")
    return Changed(path, folder, a0, edit_article(folder, a0, edits), claims)


def open_desk(changed: Changed, analyser: Analyser, read_only: bool = False) -> Desk:
    store = AnnotationStore(changed.path, annotator="tester", read_only=read_only)
    store.register_corpus(changed.corpus)
    return Desk(changed.corpus, store, analyser)


def close(desk: Desk) -> None:
    desk.close()
    desk.store.close()


@pytest.fixture
def changed(tmp_path) -> Changed:
    return make_changed(tmp_path)


@pytest.fixture
def desk(changed, analyser):
    d = open_desk(changed, analyser)
    yield d
    close(d)


@pytest.fixture
def heard(desk):
    events = []
    desk.subscribe(events.append)
    return events


def reopened(changed: Changed, analyser: Analyser, claim_id: str) -> tuple[dict | None, int]:
    """The claim and the review count as a store opened afresh sees them."""
    d = open_desk(changed, analyser)
    try:
        return d.store.claim(claim_id), d.review_count()
    finally:
        close(d)


def ident(changed: Changed, name: str) -> str:
    return changed.claims[name]["id"]


# -- the list -------------------------------------------------------------------------------

def test_the_flagged_claims_are_listed_with_their_old_place_and_a_guess(desk, changed):
    new, old = changed.new, changed.old
    items = desk.review_claims()
    assert [i.claim_id for i in items] == [ident(changed, n) for n in ("toll", "fighters", "call")]  # old order
    assert desk.review_count() == 3
    for item in items:
        made = changed.claims[next(n for n, c in changed.claims.items() if c["id"] == item.claim_id)]
        assert item.quote == made["quote"] and (item.old_start, item.old_end) == (made["start"], made["end"])
        assert item.old_article_id == old.id and item.article_id == new.id
        assert old.text[item.old_start:item.old_end] == item.quote
    toll, fighters, call = items
    assert toll.guess.how == "similar" and toll.guess.text == TOLL_NEW
    assert new.text[toll.guess.start:toll.guess.end] == TOLL_NEW and 0.9 < toll.guess.similarity < 1
    assert fighters.guess.text == FIGHTERS_NEW
    assert call.guess is None  # its sentence is gone
    start, end = call.place(len(new.text))
    assert 0 <= start <= end <= len(new.text)
    # the claim that could be placed for certain moved; flagged ones are in no article's claims
    assert [c["quote"] for c in desk.claims(new.id)] == [WITHDRAW]


def test_a_claim_flagged_before_a_second_edit_is_still_listed_in_the_newest_text(changed, analyser):
    close(open_desk(changed, analyser))  # the first change is registered: the claims are flagged
    middle = changed.new
    changed.corpus = edit_article(changed.folder, middle, [(WITHDRAW, "Armenia should pull out its troops")])
    d = open_desk(changed, analyser)
    try:
        items = {i.claim_id: i for i in d.review_claims()}
        assert set(items) == {ident(changed, n) for n in ("toll", "fighters", "call", "withdraw")}
        assert {i.article_id for i in items.values()} == {changed.new.id} != {middle.id}
        assert items[ident(changed, "toll")].old_article_id == changed.old.id
        assert items[ident(changed, "withdraw")].old_article_id == middle.id
        kept = d.keep_at_guess(ident(changed, "toll"))
        assert kept.claim["article_id"] == changed.new.id and kept.claim["quote"] == TOLL_NEW
    finally:
        close(d)


def test_nothing_to_review_in_an_unchanged_store(store, corpus, analyser):
    d = Desk(corpus, store, analyser)
    try:
        assert d.review_claims() == [] and d.review_count() == 0
    finally:
        d.close()


def test_a_quote_found_at_several_places_is_guessed_at_the_one_nearest_its_old_place():
    old = "Talks go on. Rain. Talks go on. Sun."
    new = "Talks go on. Rain. Talks go on. Sun. Talks go on."
    start = old.index("Talks go on", 5)
    guess = guess_place(old, new, start, start + 11, "Talks go on", "", "")
    assert (guess.start, guess.how) == (new.index("Talks go on", 5), "nearest")


def test_no_guess_when_the_words_at_the_old_place_are_other_words():
    old = "The toll is 158 soldiers. Talks go on."
    new = "Weather: sunny and warm all week long. Talks go on."
    assert guess_place(old, new, 0, 25, old[:25]) is None


# -- keep -----------------------------------------------------------------------------------

def test_keep_places_the_claim_as_anchoring_stores_it(desk, changed, heard, analyser):
    new, claim_id = changed.new, ident(changed, "toll")
    start, end = span_of(new.text, "stronghold to 160 soldiers.")  # its context is new too
    outcome = desk.keep_claim(claim_id, start, end)
    saved = desk.store.claim(claim_id)
    assert outcome.action == "kept" and outcome.claim == saved and outcome.article_id == new.id
    assert (saved["start"], saved["end"], saved["status"]) == (start, end, "ok")
    assert saved["article_id"] == new.id and saved["text_hash"] == new.text_hash
    assert {k: saved[k] for k in ("quote", "prefix", "suffix")} == selector(new.text, start, end)
    assert saved["reanchored_from"] == changed.old.text_hash
    assert saved["stances"] == {"t1": "discuss"} and saved["note"] == "the toll"  # the reader's work stays
    assert ClaimsChanged(frozenset({new.id, changed.old.id})) in heard and heard[0].touches(new.id)
    assert saved["prefix"] != changed.claims["toll"]["prefix"]
    assert desk.review_count() == 2 and "stronghold to 160 soldiers." in [c["quote"] for c in desk.claims(new.id)]
    assert desk.store.links(claim_id)  # its link stays
    assert "kept" in outcome.message and "stronghold to 160 soldiers" in outcome.message
    desk.store.close()
    assert reopened(changed, analyser, claim_id) == (saved, 2)


def test_keep_undone_flags_the_claim_again_and_redone_keeps_it(desk, changed, analyser):
    claim_id = ident(changed, "toll")
    flagged = desk.store.claim(claim_id)
    kept = desk.keep_claim(claim_id, *span_of(changed.new.text, TOLL_NEW)).claim
    heard = []
    desk.subscribe(heard.append)
    assert desk.undo() == "place claim"
    assert desk.store.claim(claim_id) == flagged and desk.review_count() == 3
    assert any(isinstance(e, ClaimsChanged) and e.touches(changed.new.id) for e in heard)
    desk.store.close()
    assert reopened(changed, analyser, claim_id) == (flagged, 3)
    d = open_desk(changed, analyser)
    try:
        assert d.redo() == "place claim"
        assert d.store.claim(claim_id) == kept and d.review_count() == 2
    finally:
        close(d)
    assert reopened(changed, analyser, claim_id) == (kept, 2)


@pytest.mark.parametrize("offsets", [(-1, 10), (10, 5), (7, 7), ("the end", 9), (True, 9)],
                         ids=["negative", "backwards", "empty", "text", "bool"])
def test_bad_offsets_are_refused_with_the_store_unchanged(desk, changed, heard, analyser, offsets):
    claim_id = ident(changed, "toll")
    before, undo = desk.store.claim(claim_id), list(desk.store.storage.undo_stack)
    with pytest.raises(ValidationError, match="select the claim's words"):
        desk.keep_claim(claim_id, *offsets)
    assert desk.store.claim(claim_id) == before and list(desk.store.storage.undo_stack) == undo
    assert heard == [] and desk.review_count() == 3
    desk.store.close()
    assert reopened(changed, analyser, claim_id) == (before, 3)


def test_offsets_past_the_end_and_white_space_are_refused(desk, changed, heard):
    claim_id, text = ident(changed, "toll"), changed.new.text
    before = desk.store.claim(claim_id)
    with pytest.raises(ValidationError, match=rf"outside the article \(length {len(text)}\)"):
        desk.keep_claim(claim_id, len(text) - 3, len(text) + 1)
    blank = text.index("\n\n")
    with pytest.raises(ValidationError, match="only white space"):
        desk.keep_claim(claim_id, blank, blank + 2)
    assert desk.store.claim(claim_id) == before and heard == []


def test_a_claim_that_is_not_flagged_cannot_be_kept_or_dropped(desk, changed, heard):
    for operation in (lambda i: desk.keep_claim(i, 0, 5), desk.drop_claim, desk.keep_at_guess):
        with pytest.raises(ValidationError, match="not waiting for review"):
            operation(ident(changed, "withdraw"))
        with pytest.raises(ValidationError, match="not in this store"):
            operation("no-such-claim")
    assert heard == [] and len(desk.claims(changed.new.id)) == 1


def test_keep_at_guess_and_its_refusal_when_there_is_none(desk, changed, analyser):
    kept = desk.keep_at_guess(ident(changed, "fighters"))
    assert kept.claim["quote"] == FIGHTERS_NEW and kept.claim["status"] == "ok"
    # the speaker's words are still in the text, once: it follows the claim
    speaker = kept.claim["speaker"]
    assert changed.new.text[speaker["start"]:speaker["end"]] == SPEAKER and kept.notes == ()
    before = desk.store.claim(ident(changed, "call"))
    with pytest.raises(ValidationError, match="no likely place"):
        desk.keep_at_guess(ident(changed, "call"))
    assert desk.store.claim(ident(changed, "call")) == before
    desk.store.close()
    assert reopened(changed, analyser, ident(changed, "fighters"))[0] == kept.claim


def test_a_speaker_whose_words_are_gone_is_removed_and_the_reader_told(tmp_path, analyser):
    renamed = FIGHTERS_NEW.replace(SPEAKER, "Mr Emmanuel Macron")
    changed = make_changed(tmp_path, edits=((FIGHTERS_0, renamed),))
    d = open_desk(changed, analyser)
    try:
        kept = d.keep_claim(ident(changed, "fighters"), *span_of(changed.new.text, renamed))
        assert "speaker" not in kept.claim and kept.claim["quote"] == renamed
        assert len(kept.notes) == 1 and SPEAKER in kept.notes[0] and "removed" in kept.message
        assert d.undo() == "place claim"
        assert d.store.claim(ident(changed, "fighters"))["speaker"]["text"] == SPEAKER  # undo brings it back
    finally:
        close(d)


def test_a_read_only_store_refuses_keep_and_drop(changed, analyser):
    close(open_desk(changed, analyser))  # flags the claims
    d = open_desk(changed, analyser, read_only=True)
    try:
        before = d.store.claim(ident(changed, "toll"))
        with pytest.raises(StoreError, match="read-only; nothing was saved"):
            d.keep_at_guess(ident(changed, "toll"))
        with pytest.raises(StoreError, match="read-only"):
            d.drop_claim(ident(changed, "toll"))
        assert d.store.claim(ident(changed, "toll")) == before and d.review_count() == 3
    finally:
        close(d)


# -- drop -----------------------------------------------------------------------------------

def test_drop_deletes_the_claim_and_its_links(desk, changed, heard, analyser):
    claim_id, a3 = ident(changed, "toll"), changed.corpus.articles[3].id
    flagged = desk.store.claim(claim_id)
    outcome = desk.drop_claim(claim_id)
    assert outcome.action == "dropped" and outcome.claim == flagged and outcome.article_id == changed.new.id
    assert desk.store.claim(claim_id) is None and desk.store.links() == []
    assert "1 link(s)" in outcome.message and outcome.notes
    assert ClaimsChanged(frozenset({changed.new.id, changed.old.id, a3})) in heard
    assert any(isinstance(e, LinksChanged) for e in heard)
    assert desk.review_count() == 2
    desk.store.close()
    assert reopened(changed, analyser, claim_id) == (None, 2)


def test_drop_undone_brings_claim_and_link_back_and_redone_drops_them(desk, changed, analyser):
    claim_id = ident(changed, "toll")
    flagged, links = desk.store.claim(claim_id), desk.store.links(claim_id)
    desk.drop_claim(claim_id)
    assert desk.undo() == "delete claim"
    assert desk.store.claim(claim_id) == flagged and desk.store.links(claim_id) == links
    desk.store.close()
    assert reopened(changed, analyser, claim_id) == (flagged, 3)
    d = open_desk(changed, analyser)
    try:
        assert d.redo() == "delete claim" and d.store.claim(claim_id) is None and d.store.links() == []
    finally:
        close(d)
    assert reopened(changed, analyser, claim_id) == (None, 2)


# -- export ---------------------------------------------------------------------------------

def test_export_leaves_flagged_claims_out_and_says_so_until_they_are_kept(desk, changed):
    data = collect([desk.store])
    flagged = {ident(changed, n) for n in ("toll", "fighters", "call")}
    assert not flagged & {c["id"] for c in data.claims}
    assert any("3 claim(s) need review" in w for w in data.warnings)
    desk.keep_at_guess(ident(changed, "toll"))
    desk.drop_claim(ident(changed, "call"))
    data = collect([desk.store])
    assert ident(changed, "toll") in {c["id"] for c in data.claims}
    assert any("1 claim(s) need review" in w for w in data.warnings)
    desk.keep_at_guess(ident(changed, "fighters"))
    assert not any("need review" in w for w in collect([desk.store]).warnings)


# -- the app's review list --------------------------------------------------------------------

SIZE = (160, 40)


def toasts(app) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query("Toast")]


async def until(pilot, condition, tries: int = 200) -> None:
    """Let the app run until ``condition()`` holds (fails after ``tries`` rounds)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    assert condition(), "the app never got there"


@pytest.fixture
def make_app(tmp_path):
    """make_app(changed, read_only=False): the app on the changed store, and
    the store (closed after the test)."""
    from tui.app import FactdeskApp

    stores = []

    def make(changed: Changed, read_only: bool = False):
        close(open_desk(changed, _analyser(tmp_path)))  # the change is registered (and flagged) first
        store = AnnotationStore(changed.path, annotator="tester", read_only=read_only)
        stores.append(store)
        return FactdeskApp(changed.corpus, store, _analyser(tmp_path)), store

    yield make
    for store in stores:
        store.close()


def _analyser(tmp_path: Path) -> Analyser:
    return Analyser(rules_choice(warning=None), AnalysisCache(tmp_path / "own-cache"))


async def start_review(app, pilot):
    from tui.screens.review import ReviewModal, open_review

    await pilot.pause()
    modal = open_review(app.main)
    await until(pilot, lambda: isinstance(app.screen, ReviewModal) and bool(app.screen.query("#review-detail")))
    return modal


def lines_of(modal) -> list[str]:
    from textual.widgets import OptionList

    options = modal.query_one("#review", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_list_shows_the_flagged_claims_and_x_drops_one(changed, make_app):
    from tui.screens.review import review_status

    app, store = make_app(changed)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        modal = await start_review(app, pilot)
        lines = lines_of(modal)
        assert len(lines) == 3 and TOLL_0[:40] in lines[0] and "alike" in lines[0]
        assert "no likely place" in lines[2]
        assert review_status(app.main.desk) == "3 claims to review (V)"
        await pilot.press("x")
        await until(pilot, lambda: not modal.is_attached and any("dropped" in t for t in toasts(app)))
        assert store.claim(ident(changed, "toll")) is None
        assert any("2 more to review" in t for t in toasts(app))
        assert review_status(app.main.desk) == "2 claims to review (V)"


async def test_enter_jumps_to_the_guess_and_k_keeps_the_adjusted_selection(changed, make_app):
    app, store = make_app(changed)
    new = changed.new
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start_review(app, pilot)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is app.main)
        main = app.main
        assert main.current_id == new.id
        assert main.current_view.selection_offsets() == span_of(new.text, TOLL_NEW)
        assert any("Adjust the selection" in t for t in toasts(app))
        # the reader keeps only the sentence's end
        start, end = span_of(new.text, "to 160 soldiers.")
        main.current_view.select_offsets(start, end)
        await start_review(app, pilot)
        await pilot.press("k")
        await until(pilot, lambda: app.screen is app.main and store.claim(ident(changed, "toll"))["status"] == "ok")
        saved = store.claim(ident(changed, "toll"))
        assert (saved["start"], saved["end"], saved["quote"]) == (start, end, "to 160 soldiers.")
        await until(pilot, lambda: any("kept" in t for t in toasts(app)))


async def test_k_without_a_selection_keeps_the_claim_at_its_guess(changed, make_app):
    app, store = make_app(changed)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start_review(app, pilot)
        await pilot.press("down", "k")  # the second: the fighters claim
        await until(pilot, lambda: store.claim(ident(changed, "fighters"))["status"] == "ok")
        assert store.claim(ident(changed, "fighters"))["quote"] == FIGHTERS_NEW
        assert store.claim(ident(changed, "toll"))["status"] == "needs_review"


async def test_k_on_a_claim_with_no_likely_place_says_not_saved(changed, make_app):
    app, store = make_app(changed)
    before = store.claim(ident(changed, "call"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start_review(app, pilot)
        await pilot.press("end", "k")
        await until(pilot, lambda: any("NOT saved" in t for t in toasts(app)))
        assert any("no likely place" in t for t in toasts(app))
        assert store.claim(ident(changed, "call")) == before


async def test_a_read_only_store_says_not_saved_and_keeps_the_claim(changed, make_app):
    app, store = make_app(changed, read_only=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start_review(app, pilot)
        await pilot.press("x")
        await until(pilot, lambda: any("NOT saved" in t and "read-only" in t for t in toasts(app)))
        assert store.claim(ident(changed, "toll"))["status"] == "needs_review"


async def test_escape_closes_the_list_and_changes_nothing(changed, make_app):
    app, store = make_app(changed)
    before = store.claims_for_review()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start_review(app, pilot)
        undo = list(store.storage.undo_stack)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)
        assert store.claims_for_review() == before and list(store.storage.undo_stack) == undo


async def test_no_list_when_nothing_waits_for_review(corpus, store, analyser):
    from tui.app import FactdeskApp
    from tui.screens.review import open_review

    app = FactdeskApp(corpus, store, analyser)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert open_review(app.main) is None
        await until(pilot, lambda: any("No claim of this event waits for review" in t for t in toasts(app)))
        assert app.screen is app.main


async def test_hostile_quotes_are_shown_as_they_are_never_as_markup(tmp_path, make_app):
    line = "Officials said [bold]158[/bold] died [link=http://x]here[/link] \u202etoday."
    changed = make_changed(tmp_path, prepare=((CALL, CALL + " " + line),), extra={"hostile": line},
                           edits=((line, line.replace("158", "159")),))
    app, store = make_app(changed)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        modal = await start_review(app, pilot)
        [shown] = [text for text in lines_of(modal) if "Officials" in text]
        assert "[bold]158[/bold] died [link=http://x]here[/link]" in shown  # literal: no style, no link
        assert "\u202e" not in shown  # the bidi override is shown as a stand-in
        await pilot.press("end")
        await until(pilot, lambda: "[link=http://x]" in str(modal.query_one("#review-detail").render()))
        await pilot.press("k")
        await until(pilot, lambda: store.claim(ident(changed, "hostile"))["status"] == "ok")
        assert store.claim(ident(changed, "hostile"))["quote"] == line.replace("158", "159")


async def test_v_opens_the_list_and_the_status_line_counts_what_waits(changed, make_app):
    """The key of the registry opens the list; the status line says how many
    claims wait, and the count goes down as they are dropped."""
    from tui.screens.review import ReviewModal

    app, store = make_app(changed)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        waiting = app.main.desk.review_count()
        assert waiting >= 1
        status = app.main.query_one("#status")
        assert f"{waiting} claim{'s' if waiting > 1 else ''} to review (V)" in str(status.render())
        await pilot.press("V")
        await until(pilot, lambda: isinstance(app.screen, ReviewModal) and bool(app.screen.query("#review-detail")))
        await pilot.press("x")
        await until(pilot, lambda: app.main.desk.review_count() == waiting - 1)
        await until(pilot, lambda: not isinstance(app.screen, ReviewModal))
        shown = str(status.render())
        assert (f"{waiting - 1} claim" in shown) if waiting > 1 else ("to review" not in shown)


# -- a claim that moves by itself takes its speaker along -------------------------------

EARLY = ("which has entered its sixth day", "which has now entered its sixth day of fighting")


def test_a_claim_that_moves_with_its_article_moves_its_speaker_too(tmp_path, analyser):
    """Words inserted before a claim shift it and its speaker entity alike: the
    speaker still names its words, and the claim can be edited afterwards."""
    changed = make_changed(tmp_path, edits=(EARLY,))
    d = open_desk(changed, analyser)
    try:
        claim = d.store.claim(ident(changed, "fighters"))
        assert claim["status"] == "ok" and claim["article_id"] == changed.new.id
        speaker = claim["speaker"]
        shift = len(EARLY[1]) - len(EARLY[0])
        assert speaker["start"] == changed.claims["fighters"]["speaker"]["start"] + shift
        assert changed.new.text[speaker["start"]:speaker["end"]] == SPEAKER
        edited = d.update_claim(claim["id"], {"t1": "agree"})  # validated against the new text
        assert edited["speaker"] == speaker
    finally:
        close(d)


READY = "“Armenia is ready to engage with France, Russia and the United States to rebuild a ceasefire regime,”"


def test_a_moved_claim_whose_speaker_words_are_gone_loses_the_speaker_and_says_so(tmp_path, analyser):
    """The claim's words stay (it moves by itself); its speaker's words outside it
    changed: the speaker is removed, never left pointing at other words."""
    folder = tmp_path / "corpus"
    shutil.copytree(sample_corpus_path(), folder)
    corpus = load_folder(folder)
    a0 = corpus.articles[0]
    path = tmp_path / "store.json"
    with AnnotationStore(path, annotator="tester") as store:
        store.register_corpus(corpus)
        s, e = span_of(a0.text, "Al Jazeera")
        claim = store.add_claim(a0.id, *span_of(a0.text, READY), {"t1": "agree"},
                                speaker={"kind": "entity", "text": "Al Jazeera", "start": s, "end": e, "label": "ORG"})
    changed = edit_article(folder, a0, (EARLY, ("quoted by Al Jazeera", "quoted by the broadcaster")))
    with AnnotationStore(path, annotator="tester") as store:
        store.register_corpus(changed)
        moved = store.claim(claim["id"])
        assert moved["status"] == "ok" and moved["article_id"] == changed.articles[0].id
        assert moved["start"] == claim["start"] + len(EARLY[1]) - len(EARLY[0])
        assert "speaker" not in moved
        assert store.reanchored.speakers_lost == [claim["id"]]
        assert "1 re-anchored claim(s) lost their speaker" in store.reanchored.message()
        store.update_claim(claim["id"], {"t1": "discuss"})  # still valid against the new text
    with AnnotationStore(path, annotator="tester") as store:  # and so it stays
        assert "speaker" not in store.claim(claim["id"]) and store.claim(claim["id"])["status"] == "ok"
