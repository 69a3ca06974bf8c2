"""Noise regions: what the sample articles carry, and the reader's marks."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import noise
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


# -- the fast noise search finds what the first, simple one found --------------------------
# The reference below is the noise search as it was before it was made linear
# for 5 MB articles (issue 15): a regex scan for mojibake and teaser endings,
# and every word of every line looked up for the garbled search.


def _reference_garbled(text):
    for m in re.finditer(r"[^\n]+", text):
        words = [(w.start() + m.start(), w.end() + m.start(), noise._word_script(w.group()), len(w.group()))
                 for w in re.finditer(r"\S+", m.group())]
        foreign = [i for i, w in enumerate(words) if w[2] not in ("LATIN", "")]
        if len(foreign) < 2:
            continue
        run = [foreign[0]]
        for i in foreign[1:] + [None]:
            gap_ok = i is not None and i - run[-1] == 2 and words[i - 1][2] == "LATIN" and words[i - 1][3] <= 4
            if gap_ok:
                run.append(i)
                continue
            if len(run) >= 2:
                first, last = run[0], run[-1]
                if first > 0 and words[first - 1][2] == "LATIN" and words[first - 1][3] <= 6:
                    first -= 1
                if last + 1 < len(words) and words[last + 1][2] == "LATIN" and words[last + 1][3] <= 6:
                    last += 1
                start, end = words[first][0], words[last][1]
                while end > start and unicodedata.category(text[end - 1])[0] == "P":
                    end -= 1
                yield start, end
            if i is not None:
                run = [i]


def _reference_find_noise(text, title=""):
    regions = []
    paragraphs = list(noise._paragraphs(text))
    title_key = title.strip().casefold()
    seen_title = False
    for i, (start, end, line) in enumerate(paragraphs):
        kind = next((k for k, rule in noise._LINE_RULES if rule.match(line)), None)
        if kind is None and title_key and line.casefold() == title_key:
            kind = "repeated-title" if seen_title else None
            seen_title = True
        if kind is None and re.search(r"(\.\.\.|…)\s*$", line) and len(line) < 400 and i:
            prev_start, prev_end, prev = paragraphs[i - 1]
            if len(prev) < 160 and not prev.endswith((".", "!", "?", "”", '"', ":", "…")):
                kind = "teaser"
                if not regions or regions[-1][0] != prev_start:
                    regions.append((prev_start, prev_end, "teaser"))
        if kind:
            regions.append((start, end, kind))
    regions += [(m.start(), m.end(), "mojibake") for m in noise._MOJIBAKE.finditer(text)]
    regions += [(s, e, "garbled") for s, e in _reference_garbled(text)]
    return noise._merge(regions)


# words of many scripts, marks alone, mojibake pieces, ellipses, noise lines, and
# every kind of space and separator Unicode has (str.split and re's \s must agree)
_PIECES = ["Mevl", "t", "avu", "o", "lu", "ab", "Talks", "চা", "ভ", "ও", "্ল", "министр", "и", "ο", "ß", "é",
           "e\u0301", "\u0301", "\u0301a", "ª", "µ", "ǅ", "中文", "한", "ـ", "١٢", "42", "...", "…", "—", "!",
           "â€", "â€™", "Ã©", "Â", "\u0080", "\u009d", "ï»¿", "Ã", "Advertisement", "Back to top",
           "Related Articles", "3 comments", "Read also the rest", "Title", "Headline here", "[ad_1]"]
_SPACES = [" ", " ", " ", "\n", "\n\n", "\t", "\xa0", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u2000", "\u2028",
           "\u3000", "\x0b", "\x0c", "\r", ""]
hostile_text = st.lists(st.tuples(st.sampled_from(_PIECES) | st.text(max_size=3), st.sampled_from(_SPACES)),
                        max_size=60).map(lambda parts: "".join(a + b for a, b in parts))
# lines of foreign words and Latin fragments of every length around the limits (4, 6)
_LATIN_FRAGMENTS = ["a", "avu", "Mevl", "Mevlü", "Mevlüt", "Cavusog"]
_OTHER_FRAGMENTS = ["চা", "Ж", "্ল", "1", "—", "\u0301", "lu,"]
garbled_lines = st.lists(st.lists(st.sampled_from(_LATIN_FRAGMENTS) | st.sampled_from(_OTHER_FRAGMENTS),
                                  max_size=14).map(" ".join), max_size=4).map("\n".join)


@settings(max_examples=max(300, settings.default.max_examples))  # a fraction of a millisecond each
@given(garbled_lines)
def test_the_garbled_search_finds_what_the_reference_finds(text):
    assert list(noise._garbled(text)) == list(_reference_garbled(text))


@given(hostile_text, st.sampled_from(["", "Title", "Headline here"]))
def test_the_noise_search_finds_what_the_reference_finds(text, title):
    assert noise.find_noise(text, title) == _reference_find_noise(text, title)
    assert list(noise._garbled(text)) == list(_reference_garbled(text))


def test_a_garbled_name_in_a_long_article_of_another_script_is_still_found():
    line = "министр сказал: said Mevl চা t ভ avu ও o ্ল lu, yesterday ."
    text = "Заголовок\n\n" + "\n".join(["текст на русском языке без латиницы ."] * 500 + [line] * 3)
    found = [text[s:e] for s, e, k in noise.find_noise(text, "Заголовок") if k == "garbled"]
    assert found == ["Mevl চা t ভ avu ও o ্ল lu"] * 3
    assert found == [text[s:e] for s, e in _reference_garbled(text)]
