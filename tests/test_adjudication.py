"""Adjudication (annotations/adjudication.py): the disagreements of two
stores, decisions into a gold store, resuming, and the review app's screen
driven from the keyboard (tui/screens/adjudicate.py), killed and reopened."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from annotations.adjudication import (
    ADJUDICATED, AGREED, TABLE, AdjudicationError, EditClaim, EditRating, KeepBoth, Neither, Review, Take,
    check_paths,
)
from annotations.store import AnnotationStore
from tests.helpers import PYTHON, ROOT, TOLL_0, TOLL_3, run_env, span_of

WITHDRAW = "Armenia must withdraw its troops"
DIED_SHORT = "158 Armenian soldiers died."


def open_store(path, corpus, annotator):
    store = AnnotationStore(path, annotator=annotator)
    store.register_corpus(corpus)
    return store


def annotate_pair(a, b, corpus):
    """Two annotators who agree on some things and not on others."""
    a0, a1, a3 = corpus.articles[0], corpus.articles[1], corpus.articles[3]
    ta = a.add_claim(a0.id, *span_of(a0.text, TOLL_0), {"t1": "agree"}, claim_type="factual")
    tb = b.add_claim(a0.id, *span_of(a0.text, TOLL_0), {"t1": "disagree"}, claim_type="factual")
    a.add_claim(a0.id, *span_of(a0.text, WITHDRAW), {"t1": "disagree"})  # bob has none
    da = a.add_claim(a3.id, *span_of(a3.text, TOLL_3), {"t1": "agree"}, claim_type="factual")
    db = b.add_claim(a3.id, *span_of(a3.text, DIED_SHORT), {"t1": "agree"}, claim_type="opinion")
    for s in (a, b):
        s.add_claim(a1.id, *span_of(a1.text, "humanitarian ceasefire"), {"t1": "agree"})
        s.rate_article(a1.id, "mixed")
        s.rate_source(a3.source, "unreliable")
    a.rate_article(a3.id, "unreliable", "ads", codes=["ads-heavy"])
    b.rate_article(a3.id, "mixed")
    a.link_claims(ta["id"], da["id"], "same")
    b.link_claims(tb["id"], db["id"], "supports")


@pytest.fixture
def pair(tmp_path, corpus):
    a = open_store(tmp_path / "a.json", corpus, "alice")
    b = open_store(tmp_path / "b.json", corpus, "bob")
    annotate_pair(a, b, corpus)
    gold = open_store(tmp_path / "gold.json", corpus, "judge")
    yield a, b, gold
    for s in (a, b, gold):
        s.close()


def kinds(items):
    return sorted(i.kind for i in items)


def decide_all(review, choose):
    """Decide every pending item with ``choose(item)``; returns how many."""
    n = 0
    while (left := review.pending()):
        review.decide(left[0], choose(left[0]))
        n += 1
        assert n < 1000
    return n


def test_disagreements_are_found_by_kind(pair):
    a, b, gold = pair
    review = Review([a, b], gold)
    assert review.names == ["a.json", "b.json"]
    assert kinds(review.disputed()) == ["claim_type", "link", "rating", "span", "span", "stance"]
    agreed = {(i.kind, i.agreed) for i in review.agreed_items()}
    assert agreed == {("span", AGREED), ("rating", AGREED), ("source_rating", AGREED)}
    # the span only alice made: bob's version is empty
    [withdraw] = [i for i in review.disputed() if i.kind == "span" and i.versions[1].record is None]
    assert withdraw.versions[0].value == WITHDRAW
    # event by event, the claims of an article before its rating; a link after both its claims
    order = [i.kind for i in review.pending()]
    assert order.index("link") > max(n for n, k in enumerate(order) if k == "span")


def test_agreed_items_are_accepted_with_their_origin_once(pair, corpus):
    a, b, gold = pair
    review = Review([a, b], gold)
    assert review.accept_agreed() == 4  # two spans (one with a disputed stance), a rating, a source rating
    assert review.accept_agreed() == 0  # again: nothing twice
    toll, claim = sorted(gold.claims(), key=lambda c: c["quote"] != TOLL_0)
    assert toll["stances"] == {} and toll["claim_type"] == "factual"  # the stance waits for its decision
    assert claim["origin"] == AGREED and claim["stances"] == {"t1": "agree"}
    assert {s["store"] for s in claim["sources"]} == {"a.json", "b.json"}
    assert {s["id"] for s in claim["sources"]} <= {c["id"] for c in a.claims() + b.claims()}
    [rating] = gold.ratings()
    assert rating["label"] == "mixed" and rating["origin"] == AGREED
    assert gold.source_ratings()[0]["label"] == "unreliable"
    assert not gold.can_undo  # accepting is not a decision the undo key takes back


def test_take_each_kind_writes_the_annotators_version(pair, corpus):
    a, b, gold = pair
    review = Review([a, b], gold)
    review.accept_agreed()
    by = {}
    for item in review.pending():
        by.setdefault(item.kind, []).append(item)
    stance = by["stance"][0]
    with pytest.raises(AdjudicationError, match="span first"):
        review.decide(by["link"][0], Take(0))
    review.decide(stance, Take(1))  # the toll claim's span is agreed: its stance can be decided at once
    toll = review.gold_claim(stance)
    assert toll["stances"] == {"t1": "disagree"} and toll["origin"] == ADJUDICATED
    assert {"store": "b.json", "id": stance.versions[1].record["id"]} in toll["sources"]
    # the short and the long span of the death toll: take bob's span, then alice's claim type
    [died] = [i for i in by["span"] if i.versions[1].record is not None]
    review.decide(died, Take(1))
    claim = review.gold_claim(died)
    a3 = corpus.articles[3]
    assert (claim["start"], claim["end"]) == span_of(a3.text, DIED_SHORT)
    assert "claim_type" not in claim  # disputed: not in gold until decided
    review.decide(by["claim_type"][0], Take(0))
    assert review.gold_claim(died)["claim_type"] == "factual"
    # the span only alice made, left out
    [withdraw] = [i for i in by["span"] if i.versions[1].record is None]
    review.decide(withdraw, Neither())
    assert not any(c["quote"] == WITHDRAW for c in gold.claims())
    # the rating: alice's, with her reasons and note
    review.decide(by["rating"][0], Take(0))
    rating = gold.rating(a3.id)
    assert (rating["label"], rating["note"], rating["rationale_codes"]) == ("unreliable", "ads", ["ads-heavy"])
    assert rating["sources"] == [{"store": "a.json", "id": f"article:{a3.id}:alice"}]
    # the link, now that both claims are in gold
    review.decide(by["link"][0], Take(1))
    [link] = gold.links()
    assert link["label"] == "supports" and link["origin"] == ADJUDICATED
    assert review.pending() == []
    with pytest.raises(AdjudicationError, match="already decided"):
        review.decide(stance, Take(0))


def test_keep_both_and_edit(pair, corpus):
    a, b, gold = pair
    review = Review([a, b], gold)
    review.accept_agreed()
    [died] = [i for i in review.pending() if i.kind == "span" and i.versions[1].record is not None]
    [withdraw] = [i for i in review.pending() if i.kind == "span" and i.versions[1].record is None]
    with pytest.raises(AdjudicationError, match="different spans"):
        review.decide(withdraw, KeepBoth())
    review.decide(died, KeepBoth())
    kept = [c for c in gold.claims() if c["article_id"] == corpus.articles[3].id]
    assert sorted(c.get("claim_type") for c in kept) == ["factual", "opinion"]
    assert all(len(c["sources"]) == 1 for c in kept)
    # its claim type item is settled with it
    assert not [i for i in review.pending() if i.kind == "claim_type"]
    review.decide(withdraw, EditClaim({"t1": "discuss"}, {"claim_type": "opinion", "note": "edited"}, base=0))
    [edited] = [c for c in gold.claims() if c["quote"] == WITHDRAW]
    assert edited["stances"] == {"t1": "discuss"} and edited["note"] == "edited"
    [rating] = [i for i in review.pending() if i.kind == "rating"]
    with pytest.raises(AdjudicationError, match="claim form edits claims"):
        review.decide(rating, EditClaim({}, {}))
    review.decide(rating, EditRating("reliable", "judged", ("no-date",)))
    assert gold.rating(corpus.articles[3].id)["label"] == "reliable"


def test_each_decision_is_one_undo_step_and_the_review_resumes(pair, tmp_path, corpus):
    a, b, gold = pair
    review = Review([a, b], gold)
    review.accept_agreed()
    total = len(review.pending())
    first = review.pending()[0]
    review.decide(first, Take(0))
    assert len(review.pending()) == total - 1
    gold.undo()
    assert len(review.pending()) == total and review.pending()[0].unit == first.unit
    gold.redo()
    review.decide(review.pending()[0], Take(1))
    gold.close()
    # reopened: the same two are decided, whatever session decided them
    gold = AnnotationStore(tmp_path / "gold.json", annotator="judge")
    again = Review([a, b], gold)
    assert again.accept_agreed() == 0
    assert len(again.pending()) == total - 2
    assert {r["unit"] for r in gold.records(TABLE)} >= {first.unit}
    gold.close()


def test_gold_that_is_a_source_is_refused(tmp_path):
    with pytest.raises(AdjudicationError, match="one of the annotators' stores"):
        check_paths(tmp_path / "x" / ".." / "a.json", [tmp_path / "b.json", tmp_path / "a.json"])


def test_one_store_is_refused(pair):
    a, _, gold = pair
    with pytest.raises(AdjudicationError, match="two or more"):
        Review([a], gold)


def test_gold_exports_without_conflicting_stances(pair, analyser, tmp_path):
    from annotations.export import export

    a, b, gold = pair
    review = Review([a, b], gold)
    review.accept_agreed()
    decide_all(review, lambda item: KeepBoth() if item.can_keep_both else Take(1))
    export([gold], tmp_path / "out", analyser, formats=("jsonl",))
    rows = [json.loads(line) for line in (tmp_path / "out" / "stance.jsonl").read_text().splitlines()]
    assert rows
    assert_no_conflicts(rows)


def assert_no_conflicts(rows):
    seen: dict = {}
    for row in rows:
        for key in ((row["claim_id"], row["target_id"]), (row["doc_id"], row["start"], row["end"], row["target_id"])):
            assert seen.setdefault(key, row["label"]) == row["label"], f"conflicting stances for {key}"


# -- a property over random pairs of stores -------------------------------------------

try:
    from hypothesis import given, strategies as st
except ImportError:  # pragma: no cover
    given = None

PHRASES = [(0, TOLL_0), (0, WITHDRAW), (3, TOLL_3), (3, DIED_SHORT), (1, "humanitarian ceasefire")]
STANCES = ("agree", "disagree", "discuss", "unrelated")

if given is not None:
    claim_st = st.one_of(st.none(), st.tuples(st.sampled_from(STANCES), st.sampled_from((None, "factual", "opinion")),
                                              st.sampled_from((None, "check-worthy", "unimportant"))))
    person_st = st.tuples(st.lists(claim_st, min_size=len(PHRASES), max_size=len(PHRASES)),
                          st.lists(st.sampled_from((None, "reliable", "mixed", "unreliable")), min_size=3, max_size=3))

    @given(person_st, person_st)
    def test_taking_annotator_one_everywhere_gives_store_a_on_every_disputed_unit(corpus, first, second):
        with tempfile.TemporaryDirectory() as folder:
            stores = [open_store(Path(folder) / f"{n}.json", corpus, n) for n in ("a", "b", "gold")]
            try:
                check_take_first(corpus, stores, (first, second))
            finally:
                for s in stores:
                    s.close()


def check_take_first(corpus, stores, people):
    a, b, gold = stores
    arts = [corpus.articles[i] for i in (0, 1, 3)]
    for store, (claims, ratings) in zip((a, b), people):
        for (index, phrase), spec in zip(PHRASES, claims):
            if spec is not None:
                article = corpus.articles[index]
                fields = {k: v for k, v in (("claim_type", spec[1]), ("checkworthiness", spec[2])) if v}
                store.add_claim(article.id, *span_of(article.text, phrase), {"t1": spec[0]}, **fields)
        for article, label in zip(arts, ratings):
            if label:
                store.rate_article(article.id, label)
    review = Review([a, b], gold)
    review.accept_agreed()
    decide_all(review, lambda item: Take(0))
    assert review.pending() == []
    decisions = review.decisions()
    claims = gold.claims()
    for item in review.disputed():
        mine = item.versions[0].record
        if item.kind == "span":
            got = [c for c in claims if any(s["id"] == (mine or {}).get("id") for s in c.get("sources", []))]
            assert len(got) == (1 if mine else 0)
            assert not mine or (got[0]["start"], got[0]["end"]) == (mine["start"], mine["end"])
            if not mine:
                assert decisions[item.unit]["gold"] == []
        elif item.kind in ("stance", "claim_type", "checkworthiness"):
            claim = review.gold_claim(item)
            want = item.versions[0].value
            have = (claim.get("stances") or {}).get(item.target_id) if item.kind == "stance" else claim.get(item.kind)
            assert have == want
        elif item.kind == "rating":
            rating = gold.rating(item.article_id)
            assert (rating or {}).get("label") == item.versions[0].value
    # a gold claim that came from alice's claim has all her labels on every disputed unit of it
    for claim in claims:
        own = [c for c in a.claims() if any(s["id"] == c["id"] for s in claim.get("sources", []))]
        if claim["origin"] == ADJUDICATED and own:
            assert claim["stances"] == own[0]["stances"]
    # no two gold claims at one span with different stances
    stance_at: dict = {}
    for claim in claims:
        for target, label in claim["stances"].items():
            key = (claim["article_id"], claim["start"], claim["end"], target)
            assert stance_at.setdefault(key, label) == label
    # resumable: a new review over the same gold store has nothing left
    assert Review([a, b], gold).pending() == []


# -- the review app, from the keyboard ---------------------------------------------------

SIZE = (140, 40)


def review_app(corpus, gold, analyser, sources):
    from tui.review_app import ReviewApp

    review = Review(sources, gold)
    review.accept_agreed()
    return ReviewApp(corpus, gold, analyser, review), review


async def press_and_wait(pilot, review, key):
    from tests.helpers import wait_for

    before = len(review.pending())
    await pilot.press(key)
    await wait_for(pilot, lambda: len(review.pending()) != before, f"a decision after {key!r}")


async def test_every_disagreement_is_adjudicated_from_the_keyboard(pair, corpus, analyser, tmp_path, notes):
    from annotations.export import export
    from tests.helpers import screen_text, wait_for
    from tui.screens.claim_form import ClaimForm
    from tui.screens.help import HelpScreen

    a, b, gold = pair
    app, review = review_app(corpus, gold, analyser, [a, b])
    total = len(review.pending())
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        screen = app.screen
        text = screen_text(app)
        assert f"{total} disagreements left" in text and "a.json" in text and "b.json" in text
        assert "1–9 take · b both · x neither · e edit" in text  # the keys, on screen
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "take that annotator's version" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("a")  # what was agreed
        await wait_for(pilot, lambda: "Agreed and accepted: 4" in screen_text(app))
        await pilot.press("escape")
        # the first is the toll claim's stance: edit it in the claim form, "discuss"
        assert screen.current.kind == "stance"
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ClaimForm))
        await pilot.press("3", "enter")
        await wait_for(pilot, lambda: len(review.pending()) == total - 1)
        toll = [c for c in gold.claims() if c["quote"] == TOLL_0][0]
        assert toll["stances"] == {"t1": "discuss"} and toll["origin"] == ADJUDICATED
        # undo and redo from the keyboard
        await press_and_wait(pilot, review, "u")
        assert len(review.pending()) == total
        await press_and_wait(pilot, review, "U")
        await wait_for(pilot, lambda: f"{total - 1} disagreements left" in screen_text(app))
        while review.pending():
            item = screen.current
            await press_and_wait(pilot, review, "b" if item.can_keep_both else "x" if item.kind == "link" else "2")
        await wait_for(pilot, lambda: "Every disagreement is decided" in screen_text(app))
        assert "0 disagreements left" in screen_text(app)
        assert any("saved" in m and "left" in m for m in notes.messages)
    export([gold], tmp_path / "out", analyser, formats=("jsonl",))
    rows = [json.loads(line) for line in (tmp_path / "out" / "stance.jsonl").read_text().splitlines()]
    assert len(rows) == len([c for c in gold.claims() if c["stances"]])
    assert_no_conflicts(rows)
    assert {c["origin"] for c in gold.claims()} == {ADJUDICATED, AGREED}


async def test_a_decision_that_does_not_apply_is_said_and_saves_nothing(pair, corpus, analyser, notes):
    a, b, gold = pair
    app, review = review_app(corpus, gold, analyser, [a, b])
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        left = len(review.pending())
        await pilot.press("b")  # a stance: there are no two spans to keep
        await pilot.press("7")  # there are two annotators
        await pilot.pause()
        assert len(review.pending()) == left
        assert any("Not decided: keeping both is for claims at different spans" in m for m in notes.messages)
        assert any("There are 2 annotators" in m for m in notes.messages)


async def test_names_and_notes_from_outside_are_shown_literally(tmp_path, corpus, analyser):
    from tests.helpers import screen_text, wait_for

    a = open_store(tmp_path / "[b]x[i].json", corpus, "alice")
    b = open_store(tmp_path / "b.json", corpus, "bob")
    a3 = corpus.articles[3]
    a.rate_article(a3.id, "unreliable", "note [red]\x1b]0;evil\x07")
    b.rate_article(a3.id, "mixed")
    gold = open_store(tmp_path / "gold.json", corpus, "judge")
    app, review = review_app(corpus, gold, analyser, [a, b])
    async with app.run_test(size=SIZE) as pilot:
        text = await wait_for(pilot, lambda: screen_text(app))
        assert "1 [b]x[i].json" in text and "note [red]␛]0;evil␇" in text, text
    for s in (a, b, gold):
        s.close()


# -- killed mid-way, reopened ---------------------------------------------------------

CHILD = r"""
import asyncio, sys, time
from pathlib import Path
from annotations.store import AnnotationStore
from annotations.adjudication import Review
from corpus.analysis import Analyser
from corpus.articles import load_folder, sample_corpus_path
from corpus.nlp import rules_choice
from tui.review_app import ReviewApp

folder, count = Path(sys.argv[1]), int(sys.argv[2])

async def main():
    corpus = load_folder(sample_corpus_path())
    sources = [AnnotationStore(folder / name, read_only=True) for name in ("a.json", "b.json")]
    gold = AnnotationStore(folder / "gold.json", annotator="judge")
    gold.register_corpus(corpus)
    review = Review(sources, gold)
    review.accept_agreed()
    app = ReviewApp(corpus, gold, Analyser(rules_choice(warning=None), None), review)
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(count):
            left = len(review.pending())
            await pilot.press("1")
            deadline = time.monotonic() + 60
            while len(review.pending()) == left:
                assert time.monotonic() < deadline, "the decision was never saved"
                await pilot.pause()
            print("decided", review.pending()[0].unit, flush=True)
        print("waiting", flush=True)
        sys.stdin.readline()

asyncio.run(main())
"""


async def test_killed_review_resumes_where_it_stopped(tmp_path, corpus, analyser):
    from tests.helpers import screen_text, wait_for

    a = open_store(tmp_path / "a.json", corpus, "alice")
    b = open_store(tmp_path / "b.json", corpus, "bob")
    annotate_pair(a, b, corpus)
    gold = open_store(tmp_path / "gold.json", corpus, "judge")
    total = len(Review([a, b], gold).pending())
    gold.close()
    child = subprocess.Popen([PYTHON, "-c", CHILD, str(tmp_path), "2"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.PIPE, text=True, cwd=ROOT,
                             env=run_env(tmp_path))
    lines = []
    while (line := child.stdout.readline().strip()) != "waiting":
        assert line, child.stderr.read()
        lines.append(line)
    os.kill(child.pid, signal.SIGKILL)  # mid-review: the app running, the gold store held, no snapshot
    child.communicate()
    assert child.returncode == -signal.SIGKILL and len(lines) == 2
    next_unit = lines[-1].split()[1]
    gold = AnnotationStore(tmp_path / "gold.json", annotator="judge")  # the lock died with the child
    app, review = review_app(corpus, gold, analyser, [a, b])
    assert len(review.pending()) == total - 2
    assert review.pending()[0].unit == next_unit
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: f"{total - 2} disagreements left" in screen_text(app))
        assert app.screen.current.unit == next_unit
    for s in (a, b, gold):
        s.close()


# -- the command ----------------------------------------------------------------------

def run_review(*args):
    from tui.cli import main

    return main(["review", *map(str, args)])


def test_review_errors_are_one_line(tmp_path, corpus, capsys):
    from corpus.articles import load_folder

    a = open_store(tmp_path / "a.json", corpus, "alice")
    b = open_store(tmp_path / "b.json", corpus, "bob")
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    (other_dir / "x.txt").write_text("Another corpus\n\nWith one article only, about nothing at all.\n")
    other = open_store(tmp_path / "other.json", load_folder(other_dir), "carol")
    for s in (a, b, other):
        s.close()
    cases = [
        ((tmp_path / "missing.json", "--db", tmp_path / "b.json"), "no such store"),
        ((tmp_path / "a.json",), "two or more annotators' stores"),
        ((tmp_path / "a.json", "--db", tmp_path / "other.json"), "corpus"),
        ((tmp_path / "a.json", "--db", tmp_path / "b.json", "--out", tmp_path / "a.json"), "one of the annotators"),
        ((tmp_path / "a.json", "--db", tmp_path / "b.json", "--out", tmp_path / "other.json"), "bound to corpus"),
        ((tmp_path / "a.json", "--db", tmp_path / "b.json", "--out", tmp_path / "gold.json"), "needs a terminal"),
    ]
    for args, message in cases:
        out = args[-1] if "--out" in args else tmp_path / "gold.json"
        argv = ["--db", *args] if "--out" in args else ["--db", *args, "--out", out]
        assert run_review(*argv) == 2, message
        err = capsys.readouterr().err
        assert err.startswith("factdesk: error: ") and message in err and err.count("\n") == 1, err
        assert "Traceback" not in err
    assert not (tmp_path / "gold.json").exists()  # nothing was written before the terminal check


def test_three_annotators(tmp_path, corpus):
    a0 = corpus.articles[0]
    stores = [open_store(tmp_path / f"{n}.json", corpus, n) for n in ("a", "b", "c")]
    for store, stance in zip(stores, ("agree", "disagree", "agree")):
        store.add_claim(a0.id, *span_of(a0.text, TOLL_0), {"t1": stance})
    stores[2].add_claim(a0.id, *span_of(a0.text, WITHDRAW), {"t1": "discuss"})
    gold = open_store(tmp_path / "gold.json", corpus, "judge")
    review = Review(stores, gold)
    review.accept_agreed()
    assert kinds(review.pending()) == ["span", "stance"]
    [stance] = [i for i in review.pending() if i.kind == "stance"]
    assert [v.value for v in stance.versions] == ["agree", "disagree", "agree"]
    review.decide(stance, Take(2))
    [span] = review.pending()
    assert [v.record is not None for v in span.versions] == [False, False, True]
    review.decide(span, Take(0))  # annotator 1 made no claim there: no claim
    assert [c["quote"] for c in gold.claims()] == [TOLL_0]
    for s in (*stores, gold):
        s.close()


async def test_a_rating_is_edited_in_the_rating_form(pair, corpus, analyser):
    from tests.helpers import wait_for
    from tui.screens.rating import ReliabilityModal

    a, b, gold = pair
    app, review = review_app(corpus, gold, analyser, [a, b])
    async with app.run_test(size=SIZE) as pilot:
        while app.screen.current.kind != "rating":
            await pilot.press("right_square_bracket")
        await pilot.press("right")  # bob's version highlighted: the form starts from it
        await pilot.press("e")
        form = await wait_for(pilot, lambda: isinstance(app.screen, ReliabilityModal) and app.screen)
        assert form.current["label"] == "mixed"
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ReliabilityModal))
    rating = gold.rating(corpus.articles[3].id)
    assert rating["label"] == "reliable" and rating["origin"] == ADJUDICATED
    assert review.decisions()[f"rating:{corpus.articles[3].id}"]["choice"] == "edit"
