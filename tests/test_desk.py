"""The headless desk: every operation of the open event, without Textual."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, strategies as st

from annotations.corroboration import Candidate
from annotations.desk import (
    ClaimsChanged, Desk, EntitiesChanged, GroupsChanged, LinksChanged, NoiseChanged, RatingsChanged,
    TargetsChanged,
)
from annotations.schema import ValidationError
from annotations.store import AnnotationStore, StoreError

TOLL_0 = "This brings the death toll in the Armenian stronghold to 158 soldiers."
TOLL_3 = "A total of 158 Armenian soldiers died."


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def desk(corpus, store, analyser):
    d = Desk(corpus, store, analyser)
    for article in d.articles:
        d.analysis(article.id)  # the rules analyses, from the session's cache
    yield d
    d.close()


@pytest.fixture
def heard(desk):
    events = []
    desk.subscribe(events.append)
    return events


def add(desk, n: int, phrase: str, stance: str = "discuss") -> dict:
    article = desk.articles[n]
    return desk.add_claim(article.id, *span(article.text, phrase), {"t1": stance})


# -- the event and its articles ---------------------------------------------------

def test_articles_in_event_order_and_the_first_focused(desk, corpus):
    assert [a.id for a in desk.articles] == [a.id for a in corpus.event_articles(corpus.event)]
    assert desk.focused_id == desk.articles[0].id
    assert [desk.position_of(a.id) for a in desk.articles] == list(range(len(desk.articles)))


def test_focus_moves_and_refuses_an_article_outside_the_event(desk):
    desk.focus(desk.articles[2].id)
    assert desk.focused is desk.articles[2]
    with pytest.raises(ValidationError, match="not in the event"):
        desk.focus("no-such-article")
    assert desk.focused is desk.articles[2]


def test_targets_are_the_corpus_targets_until_the_reader_adds_one(desk, heard):
    assert [t["id"] for t in desk.targets] == ["t1"]
    desk.set_target("Turkey sends fighters to Azerbaijan.")
    assert [t["text"] for t in desk.targets][-1] == "Turkey sends fighters to Azerbaijan."
    assert any(isinstance(e, TargetsChanged) for e in heard)


def test_a_target_without_text_is_refused(desk, heard):
    with pytest.raises(ValidationError, match="needs some text"):
        desk.set_target("   ")
    assert heard == []


def test_rewording_a_target_keeps_its_id(desk):
    desk.set_target("A ceasefire is agreed.", "t1")
    assert desk.targets[0]["id"] == "t1" and desk.targets[0]["text"] == "A ceasefire is agreed."


# -- claims -------------------------------------------------------------------------

def test_add_claim_saves_and_tells_which_article(desk, store, heard):
    claim = add(desk, 0, TOLL_0)
    assert store.claim(claim["id"])["quote"] == TOLL_0
    assert heard == [ClaimsChanged(frozenset({desk.articles[0].id}))]
    assert heard[0].touches(desk.articles[0].id) and not heard[0].touches(desk.articles[1].id)


def test_add_claim_with_a_bad_stance_raises_unchanged_and_tells_nothing(desk, store, heard):
    article = desk.articles[0]
    with pytest.raises(ValidationError):
        desk.add_claim(article.id, *span(article.text, TOLL_0), {"t1": "maybe"})
    assert store.claims() == [] and heard == []


def test_add_claim_outside_the_text_is_refused(desk, heard):
    article = desk.articles[0]
    with pytest.raises(ValidationError):
        desk.add_claim(article.id, len(article.text), len(article.text) + 5, {"t1": "agree"})
    assert heard == []


def test_update_claim_changes_stance_and_fields(desk, heard):
    claim = add(desk, 0, TOLL_0)
    heard.clear()
    updated = desk.update_claim(claim["id"], {"t1": "agree"}, note="checked")
    assert updated["stances"] == {"t1": "agree"} and updated["note"] == "checked"
    assert heard == [ClaimsChanged(frozenset({desk.articles[0].id}))]


def test_update_of_an_unknown_claim_is_refused(desk):
    with pytest.raises(ValidationError, match="not in this store"):
        desk.update_claim("nope", {"t1": "agree"})


def test_set_stance(desk):
    claim = add(desk, 0, TOLL_0)
    assert desk.set_stance(claim["id"], "t1", "disagree")["stances"] == {"t1": "disagree"}
    with pytest.raises(ValidationError):
        desk.set_stance(claim["id"], "t1", "sideways")


def test_delete_claim_returns_it_and_tells_the_linked_article_too(desk, store, heard):
    own, other = add(desk, 0, TOLL_0), add(desk, 3, TOLL_3)
    desk.link(own, Candidate(other["article_id"], other["start"], other["end"], TOLL_3, "", "",
                             claim_id=other["id"]), "same")
    heard.clear()
    gone = desk.delete_claim(own["id"])
    assert gone["id"] == own["id"] and store.claim(own["id"]) is None and store.links() == []
    assert ClaimsChanged(frozenset({desk.articles[0].id, desk.articles[3].id})) in heard
    assert any(isinstance(e, LinksChanged) for e in heard)


def test_delete_of_an_unknown_claim_is_refused(desk):
    with pytest.raises(ValidationError):
        desk.delete_claim("nope")


def test_claims_of_the_event_and_of_one_article(desk):
    a, b = add(desk, 0, TOLL_0), add(desk, 3, TOLL_3)
    assert [c["id"] for c in desk.claims(desk.articles[0].id)] == [a["id"]]
    assert {c["id"] for c in desk.claims()} == {a["id"], b["id"]}
    assert desk.claim(a["id"])["quote"] == TOLL_0


def test_claim_at_an_offset(desk):
    claim = add(desk, 0, TOLL_0)
    article_id = desk.articles[0].id
    assert desk.claim_at(article_id, claim["start"])["id"] == claim["id"]
    assert desk.claim_at(article_id, claim["end"] - 1)["id"] == claim["id"]
    assert desk.claim_at(article_id, claim["end"]) is None


def test_the_claim_that_already_is_a_text(desk):
    claim = add(desk, 0, TOLL_0)
    article_id = desk.articles[0].id
    start, end = claim["start"], claim["end"]
    for again in ((start, end), (start + 3, end + 40), (start + 10, start + 20), (start - 30, end)):
        assert desk.existing_claim(article_id, *again)["id"] == claim["id"], again
    assert desk.existing_claim(article_id, 0, 5) is None
    assert desk.existing_claim(article_id, end - 2, end + 200) is None  # a new text that touches it
    assert desk.existing_claim(desk.articles[1].id, start, end) is None


# -- ratings -------------------------------------------------------------------------

def test_rate_article(desk, heard):
    article = desk.articles[1]
    desk.rate_article(article.id, "reliable", "well sourced", ["no-byline"])
    assert desk.rating(article.id)["label"] == "reliable"
    assert [r["article_id"] for r in desk.ratings()] == [article.id]
    assert heard == [RatingsChanged(frozenset({article.id}))]


def test_rate_article_with_an_unknown_label_is_refused(desk, heard):
    with pytest.raises(ValidationError):
        desk.rate_article(desk.articles[1].id, "splendid")
    assert desk.rating(desk.articles[1].id) is None and heard == []


def test_rate_source_tells_every_article_of_the_source(desk, heard):
    article = desk.articles[0]
    desk.rate_source(article.source, "unreliable")
    assert desk.source_rating(article.source)["label"] == "unreliable"
    same = frozenset(a.id for a in desk.articles if a.source == article.source)
    assert heard == [RatingsChanged(same)]


def test_a_nameless_source_has_no_rating_and_cannot_be_rated(desk):
    assert desk.source_rating("") is None
    with pytest.raises(ValidationError, match="no source"):
        desk.rate_source("  ", "reliable")


# -- noise ---------------------------------------------------------------------------

def test_mark_and_unmark_noise(desk, heard):
    article = desk.articles[1]
    start, end = span(article.text, "Karabakh")
    desk.mark_noise(article.id, start, end)
    assert any(s <= start and end <= e for s, e, _ in desk.noise_of(article.id))
    assert heard == [NoiseChanged(frozenset({article.id}))]
    assert desk.unmark_noise_at(article.id, start) is not None
    assert not any(s <= start < e for s, e, _ in desk.noise_of(article.id))


def test_unmark_where_there_is_no_noise_does_nothing(desk, heard):
    article = desk.articles[1]
    offset = article.text.index("Karabakh")
    assert desk.unmark_noise_at(article.id, offset) is None and heard == []


def test_mark_noise_outside_the_text_is_refused(desk):
    article = desk.articles[1]
    with pytest.raises(ValidationError, match="outside the article"):
        desk.mark_noise(article.id, 10, len(article.text) + 1)


# -- entities ------------------------------------------------------------------------

def test_label_entity_once_and_everywhere(desk, heard):
    article = desk.articles[0]
    start, end = span(article.text, "Armenia")
    assert desk.label_entity(article.id, start, end, "GPE") == 1
    assert (start, end, "GPE") in desk.entities_of(article.id)
    heard.clear()
    everywhere = desk.label_entity(article.id, start, end, "GPE", everywhere=True)
    places = [(a.id, m.start(), m.end()) for a in desk.articles for m in re.finditer(r"\bArmenia\b", a.text)]
    assert everywhere == len(places) > 1
    assert all((s, e, "GPE") in desk.entities_of(a) for a, s, e in places)
    assert isinstance(heard[0], EntitiesChanged) and len(heard[0].article_ids) > 1


def test_an_entity_label_that_is_not_a_label_is_refused(desk):
    article = desk.articles[0]
    with pytest.raises(ValidationError):
        desk.label_entity(article.id, *span(article.text, "Armenia"), "PLANET")


def test_not_an_entity_removes_it(desk):
    article = desk.articles[0]
    entity = desk.entities_of(article.id)[0]
    desk.label_entity(article.id, entity[0], entity[1], None)
    assert desk.entity_at(article.id, entity[0]) is None


def test_entity_groups_and_merge(desk, heard):
    groups = desk.entity_groups()
    rows = desk.entity_rows(groups)
    assert rows and rows[0][2] >= rows[-1][2]  # most frequent first
    (a, *_), (b, *_) = rows[0], rows[1]
    mention = groups[a][0]
    assert desk.group_of(groups, mention.article_id, mention.start) == a
    desk.merge_entities(a, b)
    merged = desk.entity_groups()
    assert len(merged) == len(groups) - 1
    assert heard == [EntitiesChanged(None)]
    with pytest.raises(ValidationError, match="itself"):
        desk.merge_entities(a, a)


# -- sentences and progress ------------------------------------------------------------

def test_progress_counts_claims_and_rated_articles(desk):
    assert (desk.progress().articles, desk.progress().claims, desk.progress().rated) == (5, 0, 0)
    add(desk, 0, TOLL_0)
    desk.rate_article(desk.articles[2].id, "mixed")
    assert (desk.progress().claims, desk.progress().rated) == (1, 1)


def test_sentence_progress_and_next_unannotated(desk):
    article_id = desk.articles[0].id
    covered, total = desk.sentence_progress(article_id)
    assert covered == 0 and total > 3
    first = desk.next_unannotated(article_id, 0)
    desk.add_claim(article_id, *first, {"t1": "discuss"})
    assert desk.sentence_progress(article_id) == (1, total)
    second = desk.next_unannotated(article_id, 0)
    assert second != first and second[0] >= first[1]


def test_no_progress_before_the_analysis(corpus, store, analyser):
    fresh = Desk(corpus, store, analyser)
    try:
        assert fresh.sentence_progress(fresh.articles[0].id) is None
        assert fresh.next_unannotated(fresh.articles[0].id, 0) is None
    finally:
        fresh.close()


def test_noise_sentences_do_not_count(desk):
    article_id = desk.articles[0].id
    _, total = desk.sentence_progress(article_id)
    start, end = desk.next_unannotated(article_id, 0)
    desk.mark_noise(article_id, start, end)
    assert desk.sentence_progress(article_id)[1] == total - 1
    assert desk.next_unannotated(article_id, 0) != (start, end)


def test_sentence_at_and_snap(desk):
    article = desk.articles[0]
    start, end = span(article.text, TOLL_0)
    assert desk.sentence_at(article.id, start + 5) == (start, end)
    assert desk.snap(article.id, start - 1, end) == (start, end)
    blank = article.text.index("\n\n")
    assert desk.snap(article.id, blank, blank + 2) is None


def test_set_analysis_and_missing_analyses(corpus, store, analyser, desk):
    fresh = Desk(corpus, store, analyser)
    try:
        assert fresh.missing_analyses() == []  # all cached by the session
        analysis = desk.analysis(desk.articles[1].id)
        assert fresh.set_analysis(analysis) == [desk.articles[1].id]
        assert fresh.analysis(desk.articles[1].id, load=False) is analysis
    finally:
        fresh.close()


# -- search -----------------------------------------------------------------------------

def test_search_goes_on_through_the_articles_and_wraps(desk):
    found = desk.matches("ceasefire")
    assert len({a for a, _, _ in found}) > 1
    assert all(desk.article(a).text[s:e].lower() == "ceasefire" for a, s, e in found)
    first = desk.next_match("CEASEFIRE", desk.articles[0].id, -1)
    assert (first.number, first.total) == (1, len(found))
    last = found[-1]
    wrapped = desk.next_match("ceasefire", last[0], last[1])
    assert wrapped.number == 1 and (wrapped.article_id, wrapped.start) == found[0][:2]


def test_search_for_nothing_or_absent_text(desk):
    assert desk.matches("   ") == [] and desk.next_match("zebra crossing", desk.articles[0].id, 0) is None


def test_search_rows_show_context(desk):
    rows = desk.match_rows("ceasefire", limit=3)
    assert len(rows) == 3
    (article_id, start, end), title, before, match, after = rows[0]
    assert match.lower() == "ceasefire" and "\n" not in before + after


@given(st.text(min_size=1, max_size=6))
def test_every_search_match_is_the_needle(desk, needle):
    for article_id, start, end in desk.matches(needle):
        assert desk.article(article_id).text[start:end].lower() == needle.strip().lower()


# -- links, suggestions, counterparts ----------------------------------------------------

def test_suggestions_put_the_other_158_soldiers_sentence_first(desk):
    own = add(desk, 0, TOLL_0)
    candidates = desk.link_candidates(own)
    best = next(c for c in candidates if c.text == TOLL_3)
    assert candidates.index(best) < 3 and best.claim_id is None
    assert "same number 158" in best.reasons
    assert desk.index_key is not None


def test_a_suggestion_covered_by_a_claim_is_that_claim(desk):
    own, other = add(desk, 0, TOLL_0), add(desk, 3, TOLL_3)
    best = next(c for c in desk.link_candidates(own) if c.text == TOLL_3)
    assert best.claim_id == other["id"]


def test_linking_a_bare_sentence_makes_a_claim_in_one_undoable_action(desk, store, heard):
    own = add(desk, 0, TOLL_0)
    target = next(c for c in desk.link_candidates(own) if c.text == TOLL_3)
    assert desk.needs_stance(target, "same") and not desk.needs_stance(target, None)
    heard.clear()
    outcome = desk.link(own, target, "same", "", {"t1": "agree"}, {"checkworthiness": "check-worthy"})
    assert "new claim" in outcome.message and not outcome.warning
    (link,) = store.links(own["id"])
    new = store.claim(link["b"])
    assert new["quote"] == TOLL_3 and new["stances"] == {"t1": "agree"} and new["checkworthiness"] == "check-worthy"
    touched = frozenset({desk.articles[0].id, desk.articles[3].id})
    assert ClaimsChanged(touched) in heard and LinksChanged(touched) in heard
    assert desk.link_counts() == {own["id"]: 1, link["b"]: 1}
    assert desk.undo() == "link to a suggested sentence"
    assert store.links() == [] and store.claims(desk.articles[3].id) == []


def test_a_bare_sentence_is_not_linked_without_its_stance(desk, store, heard):
    own = add(desk, 0, TOLL_0)
    target = next(c for c in desk.link_candidates(own) if c.text == TOLL_3)
    heard.clear()
    for stances in (None, {}, {"t1": ""}):
        with pytest.raises(ValidationError, match="needs its stance toward target.* t1"):
            desk.link(own, target, "supports", "", stances)
    assert store.links() == [] and store.claims(target.article_id) == [] and heard == []


def test_a_bare_sentence_needs_no_stance_in_an_event_without_targets(tmp_path, corpus, analyser):
    from dataclasses import replace

    corpus = replace(corpus, events=[replace(e, targets=()) for e in corpus.events])
    store = AnnotationStore(tmp_path / "no-targets.json", annotator="tester")
    store.register_corpus(corpus)
    bare = Desk(corpus, store, analyser)
    try:
        assert bare.targets == []
        own = bare.add_claim(bare.articles[0].id, *span(bare.articles[0].text, TOLL_0))
        target = next(c for c in bare.link_candidates(own) if c.text == TOLL_3)
        assert not bare.needs_stance(target, "same")
        bare.link(own, target, "same")
        assert len(store.links()) == 1
    finally:
        bare.close()
        store.close()


def test_linked_claims_come_first_and_unlink(desk, store):
    own, other = add(desk, 0, TOLL_0), add(desk, 3, TOLL_3)
    desk.link(own, next(c for c in desk.link_candidates(own) if c.claim_id == other["id"]), "supports", "both 158")
    first = desk.link_candidates(own)[0]
    assert first.link_label == "supports" and first.reasons == ["both 158"]
    assert desk.link(own, first, None).message == "Unlinked."
    assert store.links() == []


def test_unlinking_what_is_not_linked_is_refused(desk):
    own, other = add(desk, 0, TOLL_0), add(desk, 3, TOLL_3)
    with pytest.raises(ValidationError, match="not linked"):
        desk.link(own, Candidate(other["article_id"], other["start"], other["end"], TOLL_3, "", "",
                                 claim_id=other["id"]), None)


def test_a_number_mismatch_warns(desk):
    article = desk.articles[3]
    own = add(desk, 0, TOLL_0)
    start, end = span(article.text, TOLL_3)
    other = Candidate(article.id, start, end, "A total of 200 Armenian soldiers died.", article.title, "",
                      claim_id=desk.add_claim(article.id, start, end)["id"])
    outcome = desk.link(own, other, "same")
    assert outcome.warning and "⚠" in outcome.message


def test_a_link_with_a_bad_label_is_refused(desk, store):
    own, other = add(desk, 0, TOLL_0), add(desk, 3, TOLL_3)
    with pytest.raises(ValidationError):
        desk.link(own, Candidate(other["article_id"], 0, 1, "", "", "", claim_id=other["id"]), "friends")
    assert store.links() == []


def test_counterparts_in_reading_order(desk):
    own, late, early = add(desk, 3, TOLL_3), add(desk, 4, "Azerbaijan"), add(desk, 0, TOLL_0)
    for other in (late, early):
        desk.link(own, Candidate(other["article_id"], other["start"], other["end"], "", "", "",
                                 claim_id=other["id"]), "related")
    assert [c.claim["id"] for c in desk.counterparts(own)] == [early["id"], late["id"]]
    assert [c.position for c in desk.counterparts(own)] == [0, 4]
    assert desk.counterparts(early)[0].claim["id"] == own["id"]


def test_the_index_built_ahead_is_used_until_its_inputs_change(desk):
    key, inputs = desk.index_inputs()
    index, loaded = Desk.build_index(inputs, desk.analyser)
    desk.set_index(key, index, loaded)
    assert not desk.index_stale() and desk.sentence_index() is index
    article = desk.articles[0]
    desk.label_entity(article.id, *span(article.text, "Armenia"), "GPE")
    assert desk.index_stale() and desk.sentence_index() is not index


# -- corroboration -----------------------------------------------------------------------

def linked_pair(desk):
    own, other = add(desk, 0, TOLL_0), add(desk, 3, TOLL_3, "agree")
    desk.link(own, Candidate(other["article_id"], other["start"], other["end"], TOLL_3, "", "",
                             claim_id=other["id"]), "same")
    return own, other


def test_corroboration_rows(desk):
    own, other = linked_pair(desk)
    add(desk, 4, "Azerbaijan")
    view = desk.corroboration()
    (group,) = view.groups
    assert group.first == (own["article_id"], own["start"], own["end"])
    sources = {desk.articles[0].source, desk.articles[3].source}
    assert set(group.states) == sources
    assert view.unlinked == 1
    assert {s.source for s in view.sources} >= sources


def test_group_stance_and_canonical_wording(desk, heard):
    linked_pair(desk)
    group_id = desk.corroboration().groups[0].group_id
    heard.clear()
    desk.set_group_stance(group_id, "agree")
    desk.set_group_canonical(group_id, "  158 Armenian   soldiers died ")
    (group,) = desk.corroboration().groups
    assert group.stance == "agree" and group.canonical == "158 Armenian soldiers died"
    assert heard == [GroupsChanged(None), GroupsChanged(None)]
    with pytest.raises(ValidationError):
        desk.set_group_stance(group_id, "perhaps")
    with pytest.raises(ValidationError, match="does not exist"):
        desk.set_group_stance("no-group", "agree")


def test_the_source_signal_for_the_rating_form(desk):
    assert desk.source_signal(desk.articles[0]) == ""
    linked_pair(desk)
    assert "1 of its 1 claim(s) are corroborated" in desk.source_signal(desk.articles[0])


def test_source_ratings_show_in_corroboration(desk):
    linked_pair(desk)
    desk.rate_source(desk.articles[0].source, "reliable")
    rows = {s.source: s for s in desk.corroboration().sources}
    assert rows[desk.articles[0].source].rating == "reliable"


# -- undo, redo and who hears what ---------------------------------------------------------

def test_undo_and_redo_tell_every_article(desk, store, heard):
    claim = add(desk, 0, TOLL_0)
    heard.clear()
    assert desk.undo() == "add claim" and store.claim(claim["id"]) is None
    assert heard == [ClaimsChanged(None)]
    assert desk.redo() == "add claim" and store.claim(claim["id"]) is not None
    assert heard[-1] == ClaimsChanged(None)


def test_nothing_to_undo_or_redo(desk, heard):
    assert desk.undo() is None and desk.redo() is None and heard == []


def test_undo_of_a_target_refreshes_the_targets(desk):
    desk.set_target("A second proposition.")
    assert len(desk.targets) == 2
    desk.undo()
    assert [t["id"] for t in desk.targets] == ["t1"]


def test_unsubscribe_and_close_stop_the_events(desk, corpus, store, analyser):
    other = Desk(corpus, store, analyser)
    events = []
    stop = other.subscribe(events.append)
    add(desk, 0, TOLL_0)  # another desk's write reaches this one through the store
    assert events == [ClaimsChanged(None)]
    stop()
    add(desk, 3, TOLL_3)
    assert len(events) == 1
    other.subscribe(events.append)
    other.close()
    desk.rate_article(desk.articles[0].id, "mixed")
    assert len(events) == 1


def test_a_read_only_store_refuses_every_write(tmp_path, corpus, analyser):
    path = tmp_path / "ro.json"
    with AnnotationStore(path, annotator="tester") as writable:
        writable.register_corpus(corpus)
    ro = AnnotationStore(path, annotator="tester", read_only=True)
    desk = Desk(corpus, ro, analyser)
    try:
        assert desk.read_only
        article = desk.articles[0]
        for write in (lambda: desk.add_claim(article.id, *span(article.text, TOLL_0)),
                      lambda: desk.rate_article(article.id, "reliable"),
                      lambda: desk.mark_noise(article.id, 0, 5),
                      lambda: desk.set_target("x"), desk.undo):
            with pytest.raises(StoreError, match="read-only"):
                write()
    finally:
        desk.close()
        ro.close()


def test_an_event_with_no_articles_is_refused(corpus, store, analyser):
    from dataclasses import replace

    empty = replace(corpus.event, article_ids=())
    with pytest.raises(ValidationError, match="no articles"):
        Desk(corpus, store, analyser, empty)


def test_the_duplicate_name(desk):
    assert desk.duplicate_name(desk.articles[0]) == ""


def test_refusals_show_outside_names_safely(desk):
    with pytest.raises(ValidationError) as refused:
        desk.focus("evil\x1b[2J\nid")
    assert "\x1b" not in str(refused.value) and "\n" not in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        desk.delete_claim("bad\x07claim")
    assert "\x07" not in str(refused.value)
