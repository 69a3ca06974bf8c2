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
    ("ad", re.compile(r"^\s*(\[\s*ad[_ ]?\d*\s*\]|advertisement|sponsored( content)?|ad)\s*$", re.I)),
    ("comment-form", re.compile(
        r"^\s*(please enter your (comment|name|email)( here)?!?|leave a (reply|comment)|"
        r"your email address will not be published\.?.*|you have entered an incorrect email address!?|"
        r"save my name, email, and website.*|post comment|\d+ comments?|comments?)\s*$", re.I)),
    ("navigation", re.compile(
        r"^\s*(back to top( button)?|related( articles| posts| stories)?|read (also|more)\b.*|"
        r"see also\b.*|share (this|on)\b.*|(share|tweet|email|print)( \| (share|tweet|email|print))*|"
        r"click here to\b.*|subscribe( to our newsletter)?\.?|follow us\b.*|"
        r"(world|local|top|latest|breaking) news|trending( now)?|"
        r"[\d\s]{1,12})\s*$", re.I)),
]
_TEASER_END = re.compile(r"(\.\.\.|…)\s*$")
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


def _garbled(text: str) -> Iterator[tuple[int, int]]:
    """Stretches where words of another script alternate with short Latin
    fragments ("Mevl চা t ভ avu ও o ্ল lu"): a name mangled in transliteration.
    A genuine quote in another script has its words side by side and is left alone."""
    for m in re.finditer(r"[^\n]+", text):
        words = [(w.start() + m.start(), w.end() + m.start(), _word_script(w.group()), len(w.group()))
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
        if kind is None and _TEASER_END.search(line) and len(line) < 400 and i:
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
    regions += [(m.start(), m.end(), "mojibake") for m in _MOJIBAKE.finditer(text)]
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
