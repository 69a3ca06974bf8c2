"""Claim links across articles, groups, suggestions and corroboration."""

import json

import pytest

from annotations.export import export_store
from annotations.links import build_groups, corroboration
from annotations.schema import ValidationError
from corpus.similarity import number_mismatch, numbers
from tests.helpers import FIGHTERS_0, MERCENARIES_4, TOLL_0, TOLL_3, claim, linked


def test_link_unlink_and_undo(store, corpus):
    c = linked(store, corpus)
    assert len(store.links()) == 3
    assert [l["label"] for l in store.links(c["fighters0"]["id"])] == ["same", "contradicts"]
    store.link_claims(c["toll3"]["id"], c["toll0"]["id"], "supports", "relinked")  # the same pair, reversed
    (link,) = store.links(c["toll0"]["id"])
    assert link["label"] == "supports" and link["note"] == "relinked"
    assert store.undo() == "change link"
    assert store.link_between(c["toll0"]["id"], c["toll3"]["id"])["label"] == "same"
    store.unlink(link["id"])
    assert store.links(c["toll0"]["id"]) == []
    assert store.undo() == "unlink claims"
    assert len(store.links()) == 3
    store.redo()
    assert len(store.links()) == 2


def test_links_are_checked(store, corpus):
    c = linked(store, corpus)
    a0 = corpus.articles[0]
    with pytest.raises(ValidationError, match="same article"):
        store.link_claims(c["toll0"]["id"], c["fighters0"]["id"], "related")
    with pytest.raises(ValidationError, match="not one of"):
        store.link_claims(c["toll0"]["id"], c["toll3"]["id"], "maybe")
    with pytest.raises(ValidationError, match="not in this store"):
        store.link_claims(c["toll0"]["id"], "nope", "same")
    assert a0


def test_deleting_a_claim_removes_its_links_and_undo_brings_them_back(store, corpus):
    c = linked(store, corpus)
    store.delete_claim(c["toll3"]["id"])
    assert store.links(c["toll0"]["id"]) == []
    store.undo()
    assert len(store.links(c["toll0"]["id"])) == 1


def test_same_links_form_groups_with_a_stable_id(store, corpus):
    c = linked(store, corpus)
    groups = store.claim_groups()
    members = sorted(sorted(g.claim_ids) for g in groups)
    assert members == sorted([sorted([c["toll0"]["id"], c["toll3"]["id"]]),
                              sorted([c["fighters0"]["id"], c["fighters3"]["id"]])])
    toll = next(g for g in groups if c["toll0"]["id"] in g.claim_ids)
    assert toll.canonical == TOLL_3  # the shortest wording until the reader writes one
    store.set_group(toll.id, canonical="158 Armenian soldiers   killed", stance={"t1": "unrelated"})
    # a third article joins the group: the id (and the reader's wording) stay
    a4 = corpus.articles[4]
    third = claim(store, a4, MERCENARIES_4)
    store.link_claims(third["id"], c["toll3"]["id"], "same")
    toll2 = next(g for g in store.claim_groups() if c["toll0"]["id"] in g.claim_ids)
    assert toll2.id == toll.id and len(toll2.claim_ids) == 3
    assert toll2.canonical == "158 Armenian soldiers killed" and toll2.stance == {"t1": "unrelated"}
    with pytest.raises(ValidationError, match="does not exist"):
        store.set_group("nope", canonical="x")


def test_group_stance_defaults_to_the_members_majority(store, corpus):
    c = linked(store, corpus)
    store.set_stance(c["toll3"]["id"], "t1", "agree")
    store.set_stance(c["toll0"]["id"], "t1", "agree")
    toll = next(g for g in store.claim_groups() if c["toll0"]["id"] in g.claim_ids)
    assert toll.stance == {"t1": "agree"}


def test_numbers_and_the_mismatch_flag():
    assert numbers(FIGHTERS_0) == [300.0]
    assert numbers(MERCENARIES_4) == [900.0]
    assert numbers("1,200 people, 3.5 percent, twenty-one dead, 2 million") == [1200, 3.5, 21, 2_000_000]
    assert number_mismatch(FIGHTERS_0, MERCENARIES_4) == ([300.0], [900.0])
    assert number_mismatch(TOLL_0, TOLL_3) is None
    assert number_mismatch("no numbers here", MERCENARIES_4) is None


def test_corroboration_counts_on_a_small_fixture():
    claims = {
        "a1": {"id": "a1", "article_id": "A", "quote": "x"}, "b1": {"id": "b1", "article_id": "B", "quote": "x"},
        "c1": {"id": "c1", "article_id": "C", "quote": "not x"}, "a2": {"id": "a2", "article_id": "A", "quote": "y"},
        "d1": {"id": "d1", "article_id": "D", "quote": "y too"},
    }
    links = [
        {"id": "l1", "a": "a1", "b": "b1", "label": "same", "created": "1"},
        {"id": "l2", "a": "c1", "b": "a1", "label": "contradicts", "created": "2"},
        {"id": "l3", "a": "d1", "b": "a2", "label": "supports", "created": "3"},
    ]
    source_of = {"A": "alpha", "B": "beta", "C": "gamma", "D": "delta"}
    groups = build_groups(links, claims, {})
    (group,) = groups
    corr = corroboration(groups, links, claims, source_of, ["alpha", "beta", "gamma", "delta", "epsilon"])
    assert corr.states[group.id] == ["alpha", "beta"]
    assert corr.contradicts[group.id] == ["gamma"]
    assert corr.silent[group.id] == ["delta", "epsilon"]
    assert corr.by_source["alpha"] == {"claims": 2, "corroborated": 2, "contradicted": 1}
    assert corr.by_source["beta"] == {"claims": 1, "corroborated": 1}
    assert corr.by_source["gamma"] == {"claims": 1, "contradicted": 1}
    assert corr.by_source["delta"] == {"claims": 1, "corroborated": 1}


def test_exports_carry_links_and_groups(store, corpus, analyser, tmp_path):
    c = linked(store, corpus)
    export_store(store, tmp_path / "out", analyser, formats=("jsonl",))
    pairs = [json.loads(line) for line in (tmp_path / "out" / "claim_pairs.jsonl").read_text().splitlines()]
    assert len(pairs) == 3
    contra = next(p for p in pairs if p["label"] == "contradicts")
    assert (contra["sentence1"], contra["sentence2"]) == (MERCENARIES_4, FIGHTERS_0)
    assert contra["numbers_differ"] is True and contra["numbers"] == "numbers differ: 900 vs 300"
    fighters = next(p for p in pairs if p["claim_id_a"] == c["fighters0"]["id"])
    assert fighters["note"] == "Syrians vs jihadist fighters" and fighters["numbers_differ"] is False
    groups = [json.loads(line) for line in (tmp_path / "out" / "claim_groups.jsonl").read_text().splitlines()]
    assert len(groups) == 2
    fighters_group = next(g for g in groups if any(m["claim_id"] == c["fighters0"]["id"] for m in g["members"]))
    sources = {a.id: a.source for a in corpus.articles}
    assert fighters_group["sources"]["states"] == sorted({sources[corpus.articles[0].id], sources[corpus.articles[3].id]})
    assert fighters_group["sources"]["contradicts"] == [sources[corpus.articles[4].id]]
    for member in fighters_group["members"]:
        assert corpus.article(member["doc_id"]).text[member["start"]:member["end"]] == member["text"]
