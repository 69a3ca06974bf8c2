"""Finding what in a scraped article is not the article.

Noise is kept as regions ``(start, end, kind)`` over the unchanged text, so no
offset ever moves. Kinds:

- ``ad``: ad markers such as ``[ad_1]`` or a line saying ``Advertisement``;
- ``comment-form``: "Please enter your comment!", "Leave A Reply", …;
- ``navigation``: "Back to top", "Read also …", "Related Articles", share
  buttons, section labels and counters;
- ``repeated-title``: the title again, after its first line;
- ``teaser``: headlines and truncated snippets of other stories ("…");
- ``mojibake``: text decoded with the wrong encoding (``â€™``, ``Ã©``);
- ``garbled``: a few letters of another script inside a Latin-script word run
  (a name typed through a broken transliteration).

The rules are deliberately conservative: a paragraph of the article proper
must never be dimmed. What they miss the reader marks by hand.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_LINE_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("ad", re.compile(r"^\s*(\[\s*ad[_ ]?\d*\s*\]|advertisement|sponsored( content)?|ad)\s*$", re.IGNORECASE)),
    ("comment-form", re.compile(
        r"^\s*(please enter your (comment|name|email)( here)?!?|leave a (reply|comment)|"
        r"your email address will not be published\.?.*|you have entered an incorrect email address!?|"
        r"save my name, email, and website.*|post comment|\d+ comments?|comments?)\s*$", re.IGNORECASE)),
    ("navigation", re.compile(
        r"^\s*(back to top( button)?|related( articles| posts| stories)?|read (also|more)\b.*|"
        r"see also\b.*|share (this|on)\b.*|(share|tweet|email|print)( \| (share|tweet|email|print))*|"
        r"click here to\b.*|subscribe( to our newsletter)?\.?|follow us\b.*|"
        r"(world|local|top|latest|breaking) news|trending( now)?|"
        r"[\d\s]{1,12})\s*$", re.IGNORECASE)),
]
_MOJIBAKE = re.compile(r"(?:[ÂÃ][\u0080-\u00BF]|â€[\u0080-\u00BF™œ\u009d˜“”’‘–—•¦]|Ã[¡-¿]|ï»¿)+")


def _paragraphs(text: str) -> Iterator[tuple[int, int, str]]:
    """Non-empty lines as ``(start, end, stripped line)``; end excludes the newline."""
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            yield start + lead, start + lead + len(stripped), stripped


def _script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split()[0]
    except ValueError:
        return ""


def _word_script(word: str) -> str:
    """The script of a word's first letter or mark ("" for digits and punctuation)."""
    for ch in word:
        if unicodedata.category(ch)[0] in "LM":
            return _script(ch)
    return ""


# What a character says about the script of a line: a letter or mark of the
# Latin script, of another script, or neither. Cached: an article has few
# distinct characters, and the garbled search looks at each line's set of them.
_LATIN, _FOREIGN, _OTHER = 1, 2, 0
_CHAR_KIND: dict[str, int] = {}
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _char_kind(ch: str) -> int:
    kind = _CHAR_KIND.get(ch)
    if kind is None:
        script = _script(ch) if unicodedata.category(ch)[0] in "LM" else ""
        kind = _LATIN if script == "LATIN" else _OTHER if script == "" else _FOREIGN
        if len(_CHAR_KIND) > 1 << 16:
            _CHAR_KIND.clear()
        _CHAR_KIND[ch] = kind
    return kind


_WORD_SCRIPT: dict[str, str] = {}


def _cached_word_script(word: str) -> str:
    script = _WORD_SCRIPT.get(word)
    if script is None:
        if word.isascii():  # ASCII letters are Latin, and ASCII has no marks
            script = "LATIN" if _ASCII_LETTER.search(word) else ""
        else:
            script = _word_script(word)
        if len(_WORD_SCRIPT) > 1 << 16:
            _WORD_SCRIPT.clear()
        _WORD_SCRIPT[word] = script
    return script


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every non-empty line (a run of characters other than newline)."""
    offset = 0
    for line in text.split("\n"):
        if line:
            yield offset, offset + len(line)
        offset += len(line) + 1


def _mixed(line: str) -> bool:
    """Whether a line holds letters of the Latin script and of another one:
    a line without both has no garbled stretch (it needs foreign words with
    short Latin fragments between them), and most lines are skipped here."""
    if line.isascii():
        return False
    chars = set(line)
    kinds = set(map(_CHAR_KIND.get, chars))
    if None in kinds:
        kinds = {_char_kind(ch) for ch in chars}
    return _FOREIGN in kinds and _LATIN in kinds


_NON_SPACE = re.compile(r"\S+")


def _latin(scripts: list[str], tokens: list[str], i: int, longest: int) -> bool:
    """Whether word ``i`` is a Latin-script word of at most ``longest`` characters."""
    return scripts[i] == "LATIN" and len(tokens[i]) <= longest


def _garbled(text: str) -> Iterator[tuple[int, int]]:
    """Stretches where words of another script alternate with short Latin
    fragments ("Mevl চা t ভ avu ও o ্ল lu"): a name mangled in transliteration.
    A genuine quote in another script has its words side by side and is left alone."""
    if text.isascii():
        return
    for line_start, line_end in _lines(text):
        line = text[line_start:line_end]
        if not _mixed(line):
            continue
        tokens = line.split()  # the \S+ runs: str.split and re's \s agree on what is a space
        scripts = list(map(_WORD_SCRIPT.get, tokens))
        if None in scripts:
            scripts = [s if s is not None else _cached_word_script(w) for s, w in zip(scripts, tokens)]
        foreign = [i for i, s in enumerate(scripts) if s != "LATIN" and s]
        if len(foreign) < 2:
            continue
        spans: list[tuple[int, int]] = []  # the words' offsets, found only for a line with a stretch

        run = [foreign[0]]
        for i in foreign[1:] + [None]:
            if i is not None and i - run[-1] == 2 and _latin(scripts, tokens, i - 1, 4):
                run.append(i)
                continue
            if len(run) >= 2:
                first, last = run[0], run[-1]
                if first > 0 and _latin(scripts, tokens, first - 1, 6):
                    first -= 1
                if last + 1 < len(tokens) and _latin(scripts, tokens, last + 1, 6):
                    last += 1
                if not spans:
                    spans = [w.span() for w in _NON_SPACE.finditer(text, line_start, line_end)]
                start, end = spans[first][0], spans[last][1]
                while end > start and unicodedata.category(text[end - 1])[0] == "P":
                    end -= 1
                yield start, end
            if i is not None:
                run = [i]


# Every mojibake sequence starts with one of these: the search looks for them
# (one scan in C) and tries the pattern only there, as finditer would.
_MOJIBAKE_FIRST = "ÂÃâï"
_MOJIBAKE_START = re.compile(f"[{_MOJIBAKE_FIRST}]")


def _mojibake(text: str) -> Iterator[tuple[int, int]]:
    if not any(ch in text for ch in _MOJIBAKE_FIRST):
        return
    pos = 0
    while (m := _MOJIBAKE_START.search(text, pos)) is not None:
        found = _MOJIBAKE.match(text, m.start())
        if found is None:
            pos = m.start() + 1
        else:
            yield found.start(), found.end()
            pos = found.end()


def find_noise(text: str, title: str = "") -> list[tuple[int, int, str]]:
    """Noise regions of ``text``, sorted, not overlapping."""
    regions: list[tuple[int, int, str]] = []
    paragraphs = list(_paragraphs(text))
    title_key = title.strip().casefold()
    seen_title = False
    for i, (start, end, line) in enumerate(paragraphs):
        kind = next((k for k, rule in _LINE_RULES if rule.match(line)), None)
        if kind is None and title_key and line.casefold() == title_key:
            kind = "repeated-title" if seen_title else None
            seen_title = True
        # (the line is stripped: it ends in the ellipsis itself)
        if kind is None and line.endswith(("...", "…")) and len(line) < 400 and i:
            # a teaser is a headline-like line (short, no closing punctuation)
            # followed by a snippet cut off with "…"; a lone paragraph ending
            # in an ellipsis is left alone: articles quote like that too
            prev_start, prev_end, prev = paragraphs[i - 1]
            if len(prev) < 160 and not prev.endswith((".", "!", "?", "”", '"', ":", "…")):
                kind = "teaser"
                if not regions or regions[-1][0] != prev_start:
                    regions.append((prev_start, prev_end, "teaser"))
        if kind:
            regions.append((start, end, kind))
    regions += [(s, e, "mojibake") for s, e in _mojibake(text)]
    regions += [(s, e, "garbled") for s, e in _garbled(text)]
    return _merge(regions)


def _merge(regions: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(regions):
        if out and start < out[-1][1]:
            s, e, k = out[-1]
            out[-1] = (s, max(e, end), k)
        else:
            out.append((start, end, kind))
    return out


def apply_marks(detected: list[tuple[int, int, str]], marks: list[dict]) -> list[tuple[int, int, str]]:
    """Detected regions with the reader's marks applied, in the order they were made:
    a mark ``{"start", "end", "noise": True}`` adds a region, ``noise: False`` removes
    every region overlapping it."""
    regions = list(detected)
    for mark in marks:
        start, end = mark["start"], mark["end"]
        if mark.get("noise", True):
            regions.append((start, end, "marked"))
        else:
            regions = [r for r in regions if r[1] <= start or r[0] >= end]
    return _merge(regions)
