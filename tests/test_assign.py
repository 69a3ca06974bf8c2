"""Assignments: disjoint shares plus an overlap labelled by two, reproducible
per seed, even in work; a plan opens only its annotator's share."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.assign import PlanError, make_plan, parse_annotators, read_plan, share_of, write_plan
from corpus.model import Article, Corpus, Event, Target
from tests.helpers import PYTHON, ROOT, make_app, run_env


def synthetic(sizes: list[int]) -> Corpus:
    """A corpus of events with the given numbers of articles."""
    articles, events = [], []
    for e, size in enumerate(sizes):
        mine = [Article.from_text(f"Event {e} article {a}\n\nBody of article {a} of event {e}.")
                for a in range(size)]
        articles += mine
        events.append(Event(f"e{e:03}", f"Event {e}", (Target("t1", "A claim."),), tuple(x.id for x in mine)))
    return Corpus("synthetic", Path("/nowhere"), events, articles)


def check_invariants(corpus: Corpus, plan, annotators: list[str], overlap: float) -> None:
    units = [e.id for e in corpus.events if e.article_ids] if plan.by == "event" else [a.id for a in corpus.articles]
    held = Counter(u for share in plan.shares.values() for u in share)
    assert set(held) == set(units)  # every unit is someone's
    assert {u for u, n in held.items() if n == 2} == set(plan.doubled)  # the overlap: exactly two annotators
    assert all(n in (1, 2) for n in held.values())
    assert len(plan.doubled) == round(overlap * len(units))
    assert set(plan.shares) == set(annotators)
    for share in plan.shares.values():
        assert len(share) == len(set(share))


def test_a_share_twice_the_rest_disjoint_and_even_in_articles():
    sizes = [1, 40, 3, 7, 2, 12, 5, 5, 9, 1, 30, 4, 6, 8, 2, 3] * 3
    corpus = synthetic(sizes)
    names = ["alice", "bob", "carol"]
    plan = make_plan(corpus, names, 0.2, seed=7)
    check_invariants(corpus, plan, names, 0.2)
    size = {e.id: len(e.article_ids) for e in corpus.events}
    before = {name: sum(size[u] for u in share if u in plan.doubled) for name, share in plan.shares.items()}
    total = {name: sum(size[u] for u in share) for name, share in plan.shares.items()}
    spread = max(before.values()) - min(before.values())
    # the rest dealt to the least loaded: the work evens out to within one event
    assert max(total.values()) - min(total.values()) <= max(spread, max(sizes))
    assert max(total.values()) - min(total.values()) < max(sizes) + sum(sizes) // 10
    pairs = Counter(tuple(sorted(n for n, s in plan.shares.items() if u in s)) for u in plan.doubled)
    assert max(pairs.values()) - min(pairs.values()) <= 1 and len(pairs) == 3  # every pair in turn


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    corpus = synthetic([3] * 30)
    one = make_plan(corpus, ["a", "b"], 0.3, seed=1)
    assert make_plan(corpus, ["a", "b"], 0.3, seed=1) == one
    assert make_plan(corpus, ["a", "b"], 0.3, seed=2).shares != one.shares


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(st.integers(0, 6), min_size=3, max_size=25),
       count=st.integers(2, 4), overlap=st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]),
       seed=st.integers(0, 2**16), by=st.sampled_from(["event", "article"]))
def test_every_plan_keeps_its_promises(sizes, count, overlap, seed, by):
    corpus = synthetic(sizes)
    names = [f"n{i}" for i in range(count)]
    units = sum(1 for s in sizes if s) if by == "event" else sum(sizes)
    if units < count:
        with pytest.raises(PlanError, match="fewer than"):
            make_plan(corpus, names, overlap, seed, by)
        return
    plan = make_plan(corpus, names, overlap, seed, by)
    check_invariants(corpus, plan, names, overlap)
    assert read_plan_roundtrip(plan) == plan


def read_plan_roundtrip(plan):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        write_plan(plan, path)
        return read_plan(path)


@pytest.mark.parametrize("names,overlap,message", [
    ("alice,,alice", 0.2, "given twice"), (" , ", 0.2, "give the annotators"),
    ("alice", 0.2, "needs two annotators"), ("a,b", 1.5, "between 0 and 1"),
])
def test_bad_options_are_one_sentence(names, overlap, message):
    with pytest.raises(PlanError, match=message):
        make_plan(synthetic([2] * 5), parse_annotators(names), overlap)


def test_a_file_that_is_not_a_plan_is_never_overwritten(tmp_path):
    other = tmp_path / "notes.json"
    other.write_text('{"mine": 1}', encoding="utf-8")
    plan = make_plan(synthetic([2] * 4), ["a", "b"], 0.5)
    with pytest.raises(PlanError, match="not a factdesk plan"):
        write_plan(plan, other)
    assert other.read_text(encoding="utf-8") == '{"mine": 1}'
    write_plan(plan, tmp_path / "plan.json")
    write_plan(make_plan(synthetic([2] * 4), ["a", "b"], 0.5, seed=3), tmp_path / "plan.json")  # its own: replaced
    assert read_plan(tmp_path / "plan.json").seed == 3


@pytest.mark.parametrize("content,message", [
    ("not json", "not a factdesk plan"), ('{"x": 1}', "not a factdesk plan"),
    ('{"factdesk_plan": 1, "by": "event", "corpus": {}, "shares": {"a": [1]}}', "damaged"),
])
def test_bad_plan_files_are_named(tmp_path, content, message):
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PlanError, match=message):
        read_plan(path)


def test_a_share_narrows_the_events_and_keeps_every_article(corpus):
    plan = make_plan(corpus, ["alice", "bob"], 0.4, seed=0, by="article")
    share = share_of(corpus, plan, "alice")
    shown = [a for e in share.events for a in e.article_ids]
    assert sorted(shown) == sorted(plan.shares["alice"])
    assert len(share.articles) == len(corpus.articles)  # links may lead out of the share
    assert "alice's share" in share.share
    with pytest.raises(PlanError, match="has no share"):
        share_of(corpus, plan, "mallory")
    with pytest.raises(PlanError, match="another corpus"):
        share_of(synthetic([2, 2]), plan, "alice")


async def test_the_app_on_a_share_shows_only_its_articles_and_says_whose(corpus, store, analyser):
    plan = make_plan(corpus, ["alice", "bob"], 0.0, seed=0, by="article")
    share = share_of(corpus, plan, "bob")
    app = make_app(share, store, analyser)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert [a.id for a in app.main.articles] == list(plan.shares["bob"])
        assert "bob's share" in app.main.sub_title


def test_the_command_writes_a_plan_and_refuses_a_bad_one(tmp_path):
    env = run_env(tmp_path, FACTDESK_MODEL="rules")
    out = subprocess.run([PYTHON, "-m", "tui.cli", "assign", "--annotators", "alice,bob", "--by", "article",
                          "--overlap", "0.4", "--out", str(tmp_path / "plan.json")],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "alice:" in out.stdout and "--plan" in out.stdout
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert set(plan["shares"]) == {"alice", "bob"} and len(plan["doubled"]) == 2
    bad = subprocess.run([PYTHON, "-m", "tui.cli", "assign", "--annotators", "alice", "--out",
                          str(tmp_path / "p.json")], capture_output=True, text=True, env=env, cwd=ROOT)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
