import unicodedata

from corpus.articles import Article
from corpus.text import article_id, normalise, split_title, text_hash


def test_normalise_line_endings_and_bom():
    assert normalise("\ufeffTitle\r\nBody\rMore\n") == "Title\nBody\nMore\n"


def test_normalise_to_nfc():
    decomposed = "Cavus\u0327og\u0306lu"  # combining cedilla and breve
    result = normalise(decomposed)
    assert result == unicodedata.normalize("NFC", decomposed)
    assert result == "Cavuşoğlu"


def test_control_characters_made_visible_without_changing_length():
    raw = "red \x1b[31mtext\x1b[0m and bell\x07 and\ttab"
    result = normalise(raw)
    assert "\x1b" not in result and "\x07" not in result
    assert "\t" in result
    assert len(result) == len(raw)
    assert "␛[31m" in result


def test_unicode_line_separators_become_newlines():
    assert normalise("a\u2028b\u2029c\x85d") == "a\nb\nc\ufffdd"


def test_split_title_skips_blank_lines():
    text = "\n\n  Headline here  \nBody text"
    title, body_start = split_title(text)
    assert title == "Headline here"
    assert text[body_start:] == "Body text"


def test_split_title_of_single_line():
    assert split_title("only a title") == ("only a title", len("only a title"))
    assert split_title("   \n  ") == ("", 6)


def test_article_id_is_stable_and_depends_on_normalised_text():
    a = Article.from_text("Title\r\nBody")
    b = Article.from_text("Title\nBody")
    assert a.id == b.id == article_id("Title\nBody")
    assert a.text_hash == text_hash("Title\nBody")
    assert len(a.id) == 16
    assert Article.from_text("Title\nOther body").id != a.id


def test_lone_surrogates_become_replacement_characters_one_for_one():
    from corpus.text import normalise_with_report, text_hash

    text, changes = normalise_with_report("a\ud800b\udfffc\U0001F600")
    assert text == "a\ufffdb\ufffdc\U0001F600" and len(text) == 6
    assert changes == ["replaced 2 lone surrogates (not valid Unicode) with U+FFFD"]
    text_hash(text)  # encodable: no UnicodeEncodeError
