"""Entity mentions grouped across the articles of an event, and reader merges."""

from annotations.store import AnnotationStore
from corpus.entities import by_frequency, entity_key, group_mentions


def test_keys_fold_articles_possessives_and_case():
    assert entity_key("the United States", "GPE") == entity_key("United States", "GPE") == "place:united states"
    assert entity_key("Armenia’s", "GPE") == entity_key("ARMENIA", "GPE")
    assert entity_key("Armenia", "GPE") != entity_key("Armenia", "PERSON")


def test_groups_span_articles_and_merges_join_them(tmp_path, corpus, analyser):
    texts = {a.id: (a.text, list(analyser.cached(a.text_hash).ents)) for a in corpus.articles}
    groups = group_mentions(texts)
    azerbaijan = groups["place:azerbaijan"]
    assert len({m.article_id for m in azerbaijan}) == 5  # every sample article names it
    assert all(m.text.lower().startswith("azerbaijan") for m in azerbaijan)
    top = by_frequency(groups)[0]
    assert top[1] >= top[2] >= 1
    with AnnotationStore(tmp_path / "s.json") as store:
        store.register_corpus(corpus)
        store.merge_entities("place:armenia", "group:armenian")
        merged = group_mentions(texts, store.entity_merges())
    armenia = merged["place:armenia"]
    assert {m.label for m in armenia} >= {"GPE", "NORP"}
    assert "group:armenian" not in merged
    assert len(armenia) == len(groups["place:armenia"]) + len(groups["group:armenian"])
