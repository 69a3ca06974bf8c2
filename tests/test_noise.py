"""Noise regions: what the sample articles carry, and the reader's marks."""

from __future__ import annotations

from corpus.noise import apply_marks, find_noise


def kinds(article):
    return [(k, article.text[s:e]) for s, e, k in article.noise]


def test_sample_boilerplate_is_found(corpus):
    a0, a1, a2, a3, a4 = corpus.articles
    assert ("comment-form", "Please enter your comment!") in kinds(a0)
    assert [k for k, _ in kinds(a0)].count("repeated-title") == 3
    assert ("navigation", "Back to top button") in kinds(a1)
    assert ("navigation", "Related Articles") in kinds(a2)
    teasers = [t for k, t in kinds(a2) if k == "teaser"]
    assert "US approves possible sale of missile systems to Taiwan" in teasers and len(teasers) == 10
    assert ("ad", "[ad_1]") in kinds(a3) and ("ad", "[ad_2]") in kinds(a3)
    assert ("garbled", "Mevl চা t ভ avu ও o ্ল lu") in kinds(a3)
    assert ("comment-form", "Leave A Reply") in kinds(a4)
    assert ("navigation", "Read also Amazon Introduced Palm Scanner For Secure Payments") in kinds(a4)


def test_article_paragraphs_are_never_noise(corpus):
    for article in corpus.articles:
        for start, end, kind in article.noise:
            text = article.text[start:end]
            assert "ceasefire" not in text.lower() or kind in ("teaser", "repeated-title"), text


def test_noise_rules_leave_ordinary_text_alone():
    text = ("Talks in Moscow\n\nThe ministers met on Friday... and then again on Saturday.\n"
            "He said: “It was hard…”\n\nA quote in Arabic: مرحبا بكم في موسكو, he added.\n")
    assert find_noise(text, "Talks in Moscow") == []


def test_mojibake_is_flagged():
    text = "Title\n\nThe minister’s remarks â€” quoted in full â€œlike thisâ€\x9d."
    regions = [text[s:e] for s, e, k in find_noise(text, "Title") if k == "mojibake"]
    assert regions == ["â€”", "â€œ", "â€\x9d"]


def test_marks_add_and_remove_regions_in_order():
    detected = [(0, 5, "ad"), (10, 20, "teaser")]
    marks = [{"start": 12, "end": 13, "noise": False}, {"start": 30, "end": 40, "noise": True},
             {"start": 0, "end": 2, "noise": False}, {"start": 1, "end": 3, "noise": True}]
    assert apply_marks(detected, marks) == [(1, 3, "marked"), (30, 40, "marked")]
