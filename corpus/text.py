"""Text normalisation and hashing.

Every offset in factdesk is a Python code-point offset into the text returned
by :func:`normalise`. Normalisation never changes the length of a line in
surprising ways afterwards: it runs once, before anything is stored.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# C0 and C1 control characters other than newline and tab are made visible by
# mapping them one-to-one onto the Unicode "control pictures" block (or U+FFFD
# for C1), so that escape sequences in scraped text can never reach the
# terminal, and the length of the text is unchanged by the substitution.
_CONTROL_MAP = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)}
_CONTROL_MAP[0x7F] = 0x2421
_CONTROL_MAP.update({c: 0xFFFD for c in range(0x80, 0xA0)})
# Unicode line and paragraph separators would start a new line in the viewer
# but not in our offsets: they become plain newlines (still one code point).
_CONTROL_MAP[0x2028] = 0x0A
_CONTROL_MAP[0x2029] = 0x0A


# Invisible characters that only break search and matching: zero-width space,
# word joiner, a BOM inside the text, soft hyphen. (Zero-width joiners are kept:
# they matter in Arabic and Indic scripts.)
_INVISIBLE = {0x200B: None, 0x2060: None, 0xFEFF: None, 0x00AD: None}
# Lone surrogates (from a JSON escape such as \ud800) are not characters: no
# UTF-8 file can hold them. Each becomes U+FFFD (one code point for one).
_SURROGATE = re.compile("[\ud800-\udfff]")
# The characters _CONTROL_MAP replaces, as one character class: counting them
# is one scan in C, not a Python step per character (5 MB articles).
_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_CONTROL_MAP)) + "]")


def normalise(text: str) -> str:
    """Return ``text`` as factdesk stores it: no BOM, ``\\n`` line endings,
    NFC, invisible characters removed, control characters made visible."""
    return normalise_with_report(text)[0]


def normalise_with_report(text: str) -> tuple[str, list[str]]:
    """:func:`normalise`, and a list saying what it changed (for the record)."""
    changes: list[str] = []
    if text.startswith("\ufeff"):
        text = text[1:]
        changes.append("removed a byte-order mark")
    if not text.isascii():
        text, surrogates = _SURROGATE.subn("\ufffd", text)
        if surrogates:
            changes.append(f"replaced {surrogates} lone surrogates (not valid Unicode) with U+FFFD")
    endings = 0
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
    invisible = sum(text.count(chr(c)) for c in _INVISIBLE)
    if invisible:
        text = text.translate(_INVISIBLE)
        changes.append(f"removed {invisible} invisible characters (zero-width space, soft hyphen, word joiner)")
    controls = len(_CONTROL.findall(text)) if _CONTROL.search(text) else 0
    if controls:
        text = text.translate(_CONTROL_MAP)
        changes.append(f"made {controls} control characters visible")
    return text, changes


def text_hash(text: str) -> str:
    """SHA-256 of the UTF-8 encoded (normalised) text, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_id(text: str) -> str:
    """A stable article id: the first 16 hex digits of the text hash."""
    return text_hash(text)[:16]


def split_title(text: str) -> tuple[str, int]:
    """The first non-empty line (stripped) and the offset where the body starts."""
    offset = 0
    for line in text.split("\n"):
        end = offset + len(line)
        if line.strip():
            return line.strip(), min(end + 1, len(text))
        offset = end + 1
    return "", len(text)


# Characters that change how the text *around* them is shown: bidirectional
# embeddings, overrides and isolates (a "Trojan source" title reads backwards),
# line and paragraph separators, and the C0/C1 controls (escape sequences).
_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)
_VISIBLE_MAP: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20)}
_VISIBLE_MAP[0x7F] = "\u2421"
_VISIBLE_MAP.update({c: f"<U+{c:04X}>" for c in (*range(0x80, 0xA0), *_BIDI, 0x2028, 0x2029, 0x0085)})


def visible(text: object, limit: int | None = None) -> str:
    """``text`` made safe to show on one line of a terminal: every control
    character (escape, newline, tab, C1), bidi control and line separator is
    replaced by a visible stand-in, so no string from outside can act on the
    terminal or reorder what is around it. ``limit`` cuts long strings with an
    ellipsis. For display only: offsets never refer to this form."""
    out = str(text).translate(_VISIBLE_MAP)
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)] + "…"
    return out


# In a body shown on several lines, the bidi embeddings, overrides and isolates
# become U+FFFD one for one (offsets and wrapping stay exactly as in the text):
# an override could make a sentence read backwards. Marks (LRM, RLM, ALM) are
# kept: Arabic and Hebrew text needs them and they reorder nothing by themselves.
_BODY_MAP = {c: 0xFFFD for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def shown_body(text: str) -> str:
    """An article body as the viewer shows it: the same length, the same lines,
    with bidi overrides, embeddings and isolates made visible (U+FFFD)."""
    return text.translate(_BODY_MAP)
