"""Near duplicates: what comparing every pair finds, found without comparing
every pair (issue 15: a 5,000-file folder whose files all share a footer)."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import duplicates
from corpus.articles import load_folder
from corpus.duplicates import jaccard, near_duplicates, shingles

FOOTER = ("This article is copyright of the publisher and may not be reproduced without permission. "
          "Subscribe to our newsletter to receive the latest news from the region every morning, follow "
          "us on social media and share this story with your friends. Our journalists work independently "
          "and rely on readers like you: support independent reporting today. All rights reserved.")


def brute_force(items, threshold=duplicates.THRESHOLD):
    """Every article against every earlier one: its original is the earliest
    original among the earlier articles it is a near duplicate of."""
    sets = [shingles(text) for _, text in items]
    root = list(range(len(items)))
    result = {}
    for j in range(len(items)):
        matches = [root[i] for i in range(j) if jaccard(sets[j], sets[i]) >= threshold]
        if matches:
            root[j] = min(matches)
            result[items[j][0]] = items[root[j]][0]
    return result


def story(rng: random.Random, words: int, vocab: int = 5000) -> list[str]:
    return [f"w{rng.randrange(vocab)}" for _ in range(words)]


def edited(rng: random.Random, words: list[str], edits: int) -> list[str]:
    words = list(words)
    for _ in range(edits):
        words[rng.randrange(len(words))] = f"edit{rng.randrange(10**6)}"
    return words


def test_different_stories_under_one_footer_are_not_duplicates(tmp_path):
    rng = random.Random(1)
    for n in range(60):
        body = " ".join(story(rng, 120))
        (tmp_path / f"{n:03}.txt").write_text(f"Story {n}\n\nBy our correspondent.\n\n{body}.\n\n{FOOTER}",
                                              encoding="utf-8")
    corpus = load_folder(tmp_path)
    assert len(corpus.articles) == 60
    assert [a.path for a in corpus.articles if a.duplicate_of] == []


def test_the_footer_is_compared_only_as_part_of_the_whole_text(monkeypatch):
    """Different stories under one footer are never candidates: their rarest
    shingles (the stories') differ, whatever the footer shares."""
    rng = random.Random(2)
    items = [(f"a{n}", " ".join(story(rng, 150)) + " " + FOOTER) for n in range(200)]
    compared = []
    real = duplicates._similar
    monkeypatch.setattr(duplicates, "_similar", lambda a, b, t: compared.append(1) or real(a, b, t))
    assert near_duplicates(items) == {}
    assert len(compared) < 20  # 200 files: 19,900 pairs


@pytest.mark.parametrize("words", [10, 15, 20, 30])
def test_short_stories_under_a_long_footer_are_compared_only_when_they_can_be_near(words, monkeypatch):
    """Texts that are mostly footer have footer shingles in their prefixes: the
    search must still not compare every pair (their first shared shingle comes
    too late for an overlap of 0.8), and must find what every pair finds."""
    rng = random.Random(words)
    items = [(f"a{n}", " ".join(story(rng, rng.randint(words - 5, words + 5), 40)) + " " + FOOTER * 2)
             for n in range(300)]
    compared = []
    real = duplicates._similar
    monkeypatch.setattr(duplicates, "_similar", lambda a, b, t: compared.append(1) or real(a, b, t))
    result = near_duplicates(items)
    assert len(compared) <= 2 * len(items)  # 300 texts: 44,850 pairs
    assert result == brute_force(items)


def test_fifty_copies_of_one_story_are_one_cluster_under_the_earliest(tmp_path, monkeypatch):
    rng = random.Random(3)
    original = story(rng, 300)
    others = [story(rng, 300) for _ in range(5)]
    texts = [" ".join(original)] + [" ".join(edited(rng, original, rng.randint(1, 3))) for _ in range(49)]
    items = [(f"copy{n}", t + " " + FOOTER) for n, t in enumerate(texts)]
    items[10:10] = [(f"other{n}", " ".join(w) + " " + FOOTER) for n, w in enumerate(others)]
    compared = []
    real = duplicates._similar
    monkeypatch.setattr(duplicates, "_similar", lambda a, b, t: compared.append(1) or real(a, b, t))
    result = near_duplicates(items)
    assert result == {f"copy{n}": "copy0" for n in range(1, 50)}
    assert len(compared) <= 60  # one comparison per copy, not one per pair (1,225)
    assert result == brute_force(items)
    # and through a folder: the earliest file is the original of the others
    for n, (_, text) in enumerate(items):
        (tmp_path / f"{n:03}.txt").write_text(f"Copy\n\n{text}", encoding="utf-8")
    corpus = load_folder(tmp_path)
    first = corpus.articles[0]
    assert {a.duplicate_of for a in corpus.articles if a.duplicate_of} == {first.id}
    assert sum(1 for a in corpus.articles if a.duplicate_of) == 49


def test_a_copy_of_a_copy_joins_the_cluster_of_the_first():
    rng = random.Random(4)
    a = story(rng, 200)
    b = edited(rng, a, 3)  # near a
    c = edited(rng, b, 3)  # near b, not near a
    items = [("a", " ".join(a)), ("b", " ".join(b)), ("c", " ".join(c))]
    assert jaccard(shingles(items[0][1]), shingles(items[2][1])) < duplicates.THRESHOLD
    assert near_duplicates(items) == {"b": "a", "c": "a"} == brute_force(items)


def test_an_article_near_two_originals_takes_the_earlier():
    rng = random.Random(5)
    shared, a, b = story(rng, 500), story(rng, 70), story(rng, 70)
    first, later = shared + b, shared + a  # not near each other (0.78)...
    both = shared + a[:35] + b[:35]  # ...but this is near both (0.88)
    items = [(f"filler{n}", " ".join(story(rng, 100))) for n in range(10)]
    # originals at positions 1 and 8 (a set of the two iterates 8 first)
    items[1], items[8], items[9] = ("first", " ".join(first)), ("later", " ".join(later)), ("both", " ".join(both))
    sets = {k: shingles(t) for k, t in items}
    assert jaccard(sets["first"], sets["later"]) < duplicates.THRESHOLD
    assert min(jaccard(sets["both"], sets["first"]), jaccard(sets["both"], sets["later"])) >= duplicates.THRESHOLD
    assert near_duplicates(items) == {"both": "first"} == brute_force(items)


def test_a_bad_threshold_is_refused():
    with pytest.raises(ValueError):
        near_duplicates([("a", "x")], threshold=0)


# Small random corpora built to have near duplicates: stories, edited copies of
# earlier texts (so copies of copies), shared boilerplate, very short texts.
@st.composite
def corpora(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = random.Random(seed)
    vocab = draw(st.sampled_from([8, 40, 2000]))  # 8: shingles shared by chance everywhere
    footer = story(rng, draw(st.integers(0, 60)), vocab)
    texts = []
    for _ in range(draw(st.integers(0, 24))):
        kind = rng.random()
        if any(texts) and kind < 0.6:
            words = edited(rng, rng.choice([t for t in texts if t]), rng.randint(0, 8))
            if rng.random() < 0.3:  # cut or grow a little
                words = words[:rng.randint(1, len(words))] + story(rng, rng.randint(0, 10), vocab)
        elif kind < 0.6:
            words = story(rng, rng.randint(0, 6), vocab)
        else:
            words = story(rng, rng.randint(5, 120), vocab)
        texts.append(words)
    threshold = draw(st.sampled_from([0.8, 0.8, 0.5, 0.95, 1.0]))
    items = [(f"d{n}", " ".join(w + (footer if rng.random() < 0.7 else []))) for n, w in enumerate(texts)]
    return items, threshold


@settings(max_examples=max(200, settings.default.max_examples))  # a few milliseconds each
@given(corpora())
def test_the_fast_search_finds_what_comparing_every_pair_finds(corpus):
    items, threshold = corpus
    assert near_duplicates(items, threshold) == brute_force(items, threshold)


@given(st.text(st.characters(max_codepoint=127)) | st.text())
def test_the_words_of_a_text_are_the_runs_of_word_characters(text):
    assert duplicates._words(text) == re.findall(r"\w+", text.casefold())
