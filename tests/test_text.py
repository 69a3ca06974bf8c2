import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import text as text_module
from corpus.articles import Article
from corpus.text import (
    article_id,
    normalise,
    normalise_with_report,
    split_title,
    text_hash,
)


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


# -- the normaliser's output is byte-identical to the first one's ---------------------------
# Stores and caches key on text_hash: a faster normaliser must give the same
# text, and the same report, for any input. The reference is the normaliser as
# it was before it counted control characters in one scan (issue 15).


def _reference_normalise_with_report(text):
    changes = []
    if text.startswith("\ufeff"):
        text = text[1:]
        changes.append("removed a byte-order mark")
    if not text.isascii():
        text, surrogates = re.subn("[\ud800-\udfff]", "\ufffd", text)
        if surrogates:
            changes.append(f"replaced {surrogates} lone surrogates (not valid Unicode) with U+FFFD")
    if "\r" in text:
        endings = text.count("\r\n")
        text = text.replace("\r\n", "\n")
        endings += text.count("\r")
        text = text.replace("\r", "\n")
        changes.append(f"converted {endings} line endings to \\n")
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text:
        changes.append(f"normalised to NFC ({len(text) - len(nfc)} code points fewer)")
        text = nfc
    invisible = sum(text.count(chr(c)) for c in text_module._INVISIBLE)
    if invisible:
        text = text.translate(text_module._INVISIBLE)
        changes.append(f"removed {invisible} invisible characters (zero-width space, soft hyphen, word joiner)")
    controls = sum(1 for ch in text if ord(ch) in text_module._CONTROL_MAP)
    if controls:
        text = text.translate(text_module._CONTROL_MAP)
        changes.append(f"made {controls} control characters visible")
    return text, changes


# every character the normaliser treats specially, and any other
_SPECIAL = "".join(map(chr, [*range(0x21), 0x7F, *range(0x80, 0xA1), 0xAD, 0x200B, 0x2060, 0xFEFF, 0x2028,
                             0x2029, 0x301, 0x327, 0xD800, 0xDFFF, 0x1F600, 0x202E]))
hostile = st.one_of(st.text(st.sampled_from(_SPECIAL), max_size=12),
                    st.text(st.sampled_from(_SPECIAL) | st.sampled_from("aeoc\r\n ") | st.characters(), max_size=200))


@settings(max_examples=max(400, settings.default.max_examples))  # about a millisecond each
@given(st.one_of(hostile, hostile.map(lambda t: "\ufeff" + t)))
def test_normalise_is_byte_identical_to_the_reference(raw):
    new, old = normalise_with_report(raw), _reference_normalise_with_report(raw)
    assert new == old
    assert text_hash(new[0]) == text_hash(old[0])
