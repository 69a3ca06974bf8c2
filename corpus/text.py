"""Text normalisation and hashing.

Every offset in factdesk is a Python code-point offset into the text returned
by :func:`normalise`. Normalisation never changes the length of a line in
surprising ways afterwards: it runs once, before anything is stored.
"""

from __future__ import annotations

import hashlib
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


def normalise(text: str) -> str:
    """Return ``text`` as factdesk stores it: no BOM, ``\\n`` line endings,
    NFC, and control characters made visible."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return text.translate(_CONTROL_MAP)


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
