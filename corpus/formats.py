"""Formats: reading what comes from outside into text, JSON values and rows.

Bytes become text (:func:`decode`: UTF-8, UTF-16, or a detected encoding),
files are checked before they are opened (:func:`path_kind`,
:func:`regular_file`), JSON is parsed strictly (:func:`parse_json`), JSONL
files are read line by line (:func:`read_jsonl`) and CSV files row by row
(:func:`csv_rows`). Nothing here makes an article: the builder
(:mod:`corpus.builder`) does that. Every failure is a :class:`CorpusError`
(or, for one line of JSONL, a problem on that line) that names the file.
"""

from __future__ import annotations

import csv
import json
import math
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import orjson

from corpus.model import CorpusError
from corpus.text import visible

SNIFF_BYTES = 64 * 1024
# The largest article read from outside: a text file, a CSV field or a JSONL
# line. Analysing an article costs about 25 times its size in memory while it
# is read (noise, duplicates, normalisation work on the whole text), so a
# bigger one is refused, with a message naming it and this limit, instead of
# taking the machine's memory. $FACTDESK_MAX_ARTICLE_MB changes it.
DEFAULT_MAX_ARTICLE_MB = 16


def max_article_bytes() -> int:
    import os

    try:
        megabytes = float(os.environ.get("FACTDESK_MAX_ARTICLE_MB", DEFAULT_MAX_ARTICLE_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_ARTICLE_MB
    return max(1, int(megabytes * 2**20))


def size_text(size: int) -> str:
    """A size for people: ``16 MB``, ``5.7 MB``, ``10 KB``."""
    return f"{size / 2**20:.3g} MB" if size >= 2**20 else f"{size / 1024:.3g} KB"


def too_big(what: str, size: int, limit: int) -> str:
    return (f"{what} is {size_text(size)}, over the {size_text(limit)} limit for one article; split it "
            "into several articles, or raise the limit with FACTDESK_MAX_ARTICLE_MB")
PREFERRED_ENCODINGS = ("cp1252", "latin_1", "iso8859_15", "cp1251", "shift_jis", "gb18030", "euc_kr")


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``raw`` has the NUL-byte pattern of
    UTF-16 text without a byte-order mark (mostly-Latin text: every other byte
    is NUL), else None."""
    sample = raw[:SNIFF_BYTES]
    pairs = len(sample) // 2
    if pairs < 1:
        return None
    even_nul, odd_nul = sample[0::2].count(0), sample[1::2].count(0)
    if odd_nul >= 0.3 * pairs and even_nul <= 0.05 * pairs:
        return "utf-16-le"
    if even_nul >= 0.3 * pairs and odd_nul <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _looks_like_text(text: str) -> bool:
    """Nearly every character printable or a line break or tab (what bytes
    decoded as the wrong encoding, or binary data, are not)."""
    sample = text[:20_000]
    usual = sum(1 for ch in sample if ch.isprintable() or ch in "\n\r\t")
    return bool(sample) and usual >= 0.95 * len(sample)


def decode(raw: bytes, name: str, allow_nul: bool = False) -> tuple[str, list[str]]:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with a BOM or with
    the NUL-byte pattern of UTF-16 without one, else the encoding
    charset-normalizer detects. Returns the text and notes.

    ``allow_nul``: NUL bytes in valid UTF-8 are kept (a JSONL file rejects
    only the lines that hold them) instead of marking the file as binary."""
    shown = visible(name)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), ["decoded as UTF-16"]
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{shown}: has a UTF-16 byte-order mark but is not UTF-16 ({exc.reason}). "
                              "Convert it to UTF-8 and try again.") from exc
    if b"\x00" in raw[:SNIFF_BYTES] or (allow_nul and b"\x00" in raw):
        utf16 = _utf16_without_bom(raw)
        if utf16 is not None:
            order = "little-endian" if utf16.endswith("le") else "big-endian"
            try:
                text = raw.decode(utf16)
            except UnicodeDecodeError as exc:
                raise CorpusError(f"{shown}: looks like UTF-16 ({order}) without a byte-order mark, but does "
                                  f"not decode as it ({exc.reason} at byte {exc.start}). Convert it to UTF-8 "
                                  "and try again.") from exc
            if _looks_like_text(text):
                return text, [f"decoded as UTF-16 {order} (no byte-order mark; detected from its NUL bytes)"]
        if allow_nul:
            try:
                return raw.decode("utf-8"), []
            except UnicodeDecodeError:
                pass
        raise CorpusError(f"{shown}: looks like a binary file (it holds NUL bytes and is neither UTF-8 nor "
                          "UTF-16 text). Give a text file.")
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw))
    if not matches:
        raise CorpusError(f"{shown}: not UTF-8, and its encoding could not be detected. "
                          "Convert it to UTF-8 and try again.")
    best = matches[0]
    encoding = best.encoding
    # Several encodings often fit equally well (cp1250, cp1252 and cp1257 on
    # English text); among those, prefer the ones the web actually uses.
    tied = {e for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)
            for e in m.could_be_from_charset}
    encoding = next((e for e in PREFERRED_ENCODINGS if e in tied), encoding)
    try:
        return raw.decode(encoding), [f"decoded as {encoding} (detected; the file is not UTF-8)"]
    except (UnicodeDecodeError, LookupError) as exc:
        raise CorpusError(f"{shown}: not UTF-8, and it does not decode as {encoding} either. "
                          "Convert it to UTF-8 and try again.") from exc


def path_kind(path: Path) -> str:
    """``missing``, ``folder``, ``file`` (a regular one) or ``other`` (a pipe,
    socket or device); a :class:`CorpusError` when it cannot even be looked
    at (a folder on the way that cannot be searched, a symlink loop)."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError as exc:
        raise CorpusError(f"{visible(path)}: cannot be read ({exc.strerror or exc}). Check the path and its "
                          "permissions.") from exc
    return "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"


def regular_file(path: Path) -> None:
    """Raise :class:`CorpusError` unless ``path`` is a regular file (a FIFO or a
    device would block or never end; a folder is not a file)."""
    shown = visible(path)
    kind = path_kind(path)
    if kind == "missing":
        raise CorpusError(f"{shown}: no such file.")
    if kind == "folder":
        raise CorpusError(f"{shown}: is a folder; give the file itself.")
    if kind == "other":
        raise CorpusError(f"{shown}: not a regular file (a pipe, socket or device); copy it into a file "
                          "and give that.")


def read_text_file(path: Path, allow_nul: bool = False, limit: int | None = None) -> tuple[str, list[str]]:
    """The text of a file; with ``limit``, a file of more bytes is refused before it is read."""
    regular_file(path)
    try:
        if limit is not None and path.stat().st_size > limit:
            raise CorpusError(f"{visible(path.name)}: {too_big('the file', path.stat().st_size, limit)}.")
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{visible(path.name)}: cannot be read ({exc.strerror or exc}). "
                          "Check its permissions, or copy it somewhere readable.") from exc
    return decode(raw, path.name, allow_nul)


# -- JSON and JSONL from outside -----------------------------------------------------

MAX_DEPTH = 64  # nesting of any JSON value read from outside (deeper is refused)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
BOM = "\ufeff"


class JsonProblem(ValueError):
    """A JSON text that cannot be used; the message says why (no file name)."""


class JsonlLine(NamedTuple):
    number: int  # 1-based, counting "\n" only
    value: object  # the parsed value (None when ``problem`` is set)
    problem: str  # why the line is unusable, or ""
    notes: tuple[str, ...] = ()  # what was changed (lone surrogates replaced)


def _no_constant(name: str):
    raise JsonProblem(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JsonProblem(f"the number {text[:40]} is too large")
    return value


_SLOW = object()
_DIGITS = bytes(48 if 48 <= b <= 57 else 32 for b in range(256))  # every digit "0", every other byte " "


def _has_long_number(text: str) -> bool:
    """Whether ``text`` holds 20 digits in a row (a number orjson would read
    as a float); a byte translation, much faster than a regular expression."""
    return b"0" * 20 in text.encode("utf-8", "surrogatepass").translate(_DIGITS)


_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite)


def _depth_ok(value: object) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            items = item.values()
        elif isinstance(item, list):
            items = item
        else:
            continue
        if depth > MAX_DEPTH:
            return False
        stack.extend((child, depth + 1) for child in items if isinstance(child, (dict, list)))
    return True


def _unsurrogate(value: object) -> object:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_unsurrogate(v) for v in value]
    if isinstance(value, dict):
        return {_unsurrogate(k): _unsurrogate(v) for k, v in value.items()}
    return value


def parse_json(text: str) -> tuple[object, tuple[str, ...]]:
    """``text`` parsed as strict JSON (no NaN or Infinity, no number too large
    for a float, nesting at most :data:`MAX_DEPTH` deep). Lone surrogate
    escapes (``\\ud800``), which no UTF-8 file can hold, become U+FFFD, with a
    note. Every failure is a :class:`JsonProblem`."""
    try:  # the fast path: orjson is as strict (no NaN, no infinity, no lone surrogates), but
        # reads integers beyond 64 bits as floats: those take the standard parser
        value = _SLOW if _has_long_number(text) else orjson.loads(text)
    except orjson.JSONDecodeError:
        value = _SLOW  # the standard parser says exactly why, or reads lone surrogates
    if value is not _SLOW:
        if text.count("[") + text.count("{") > MAX_DEPTH and not _depth_ok(value):
            raise JsonProblem(f"nested deeper than {MAX_DEPTH} levels")
        return value, ()
    try:
        value = _DECODER.decode(text)
    except JsonProblem:
        raise
    except json.JSONDecodeError as exc:
        raise JsonProblem(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    except RecursionError as exc:
        raise JsonProblem(f"nested deeper than {MAX_DEPTH} levels") from exc
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. an integer of more than 4300 digits
        raise JsonProblem(f"not usable JSON ({visible(exc, 80)})") from exc
    if text.count("[") + text.count("{") > MAX_DEPTH and not _depth_ok(value):
        raise JsonProblem(f"nested deeper than {MAX_DEPTH} levels")
    notes: tuple[str, ...] = ()
    if _SURROGATE_ESCAPE.search(text):
        cleaned = _unsurrogate(value)
        if cleaned != value:
            value = cleaned
            notes = ("lone surrogate escapes (\\ud800-\\udfff: not valid Unicode, no UTF-8 file can hold "
                     "them) were replaced by U+FFFD",)
    return value, notes


def _jsonl_line(number: int, line: str) -> JsonlLine | None:
    if line.endswith("\r"):
        line = line[:-1]
    if number == 1 and line.startswith(BOM):
        line = line[1:]
    if not line.strip():
        return None
    if "\x00" in line:
        return JsonlLine(number, None, "holds a NUL byte (binary data, not JSON)")
    try:
        value, notes = parse_json(line)
    except JsonProblem as exc:
        return JsonlLine(number, None, str(exc))
    return JsonlLine(number, value, "", notes)


def jsonl_text_lines(text: str) -> Iterator[JsonlLine]:
    """The lines of a JSONL text, split on "\\n" only ("\\r\\n" too): a U+2028,
    U+0085 or form feed inside a JSON string does not end a line. A leading
    byte-order mark is dropped; blank lines are skipped; a line that is not
    JSON comes with its ``problem`` and the others are unaffected."""
    limit = max_article_bytes()
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > limit:  # characters: as for a CSV field
            yield JsonlLine(number, None, too_big("the line", len(line), limit))
            continue
        parsed = _jsonl_line(number, line)
        if parsed is not None:
            yield parsed


def read_jsonl(path: Path) -> Iterator[JsonlLine]:
    """The lines of a JSONL file, read as they are needed (UTF-8; UTF-16 with
    or without a byte-order mark is decoded whole). A line that is not UTF-8
    or not JSON comes with its ``problem``. Raises :class:`CorpusError` when
    the file cannot be read at all."""
    regular_file(path)
    shown = visible(path.name)
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head and _utf16_without_bom(head)):
                text, _ = decode(head + fh.read(), path.name)
                yield from jsonl_text_lines(text)
                return
            fh.seek(0)
            limit = max_article_bytes()
            number = 0
            while True:
                raw = fh.readline(limit + 1)  # never more than the limit in memory
                if not raw:
                    break
                number += 1
                if len(raw) > limit and not raw.endswith(b"\n"):
                    size = len(raw)
                    while raw and not raw.endswith(b"\n"):  # skip the rest of the line, a piece at a time
                        raw = fh.readline(limit + 1)
                        size += len(raw)
                    yield JsonlLine(number, None, too_big("the line", size, limit))
                    continue
                raw = raw.rstrip(b"\n")
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    if raw.strip():
                        yield JsonlLine(number, None, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at byte "
                                                      f"{exc.start + 1} of the line); save the file as UTF-8")
                    continue
                parsed = _jsonl_line(number, line)
                if parsed is not None:
                    yield parsed
    except OSError as exc:
        raise CorpusError(f"{shown}: cannot be read ({exc.strerror or exc}). Check its permissions, or copy "
                          "it somewhere readable.") from exc


def csv_lines(text: str) -> Iterator[str]:
    """The physical lines of a CSV text with their endings, split on "\\n"
    only (a U+2028 or form feed inside a quoted field stays in it); a file
    with only "\\r" line ends (old Mac) is split on "\\r"."""
    sep = "\n" if "\n" in text or "\r" not in text else "\r"
    start = 0
    while start < len(text):
        end = text.find(sep, start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


def open_table(path: Path, notes: list[str] | None = None, allow_nul: bool = False) -> str:
    text, decoded = read_text_file(path, allow_nul)
    if notes is not None:
        notes.extend(f"{visible(path.name)}: {note}" for note in decoded)
    if text.startswith(BOM):
        text = text[1:]
    if not text.strip():
        raise CorpusError(f"{visible(path)}: the file is empty.")
    return text


def kind_of(value: object) -> str:
    """What a JSON value is, in words, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def scalar_text(value: object) -> str | None:
    """``value`` as metadata text: text as it is, a number written out, null
    as empty; None for anything else (true/false, a list, an object)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def csv_rows(path: Path, required: tuple[str, ...] = (), notes: list[str] | None = None,
             delimiter: str = ",") -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and the rows of a CSV (or, with ``delimiter="\t"``, TSV) file,
    each row with the line it starts on."""
    content = open_table(path, notes)
    limit = max_article_bytes()
    csv.field_size_limit(limit)
    reader = csv.DictReader(csv_lines(content), delimiter=delimiter)
    shown = visible(path)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise CorpusError(f"{shown} line 1: {exc}. Fix the file and try again.") from exc
    missing = [c for c in required if c not in header]
    if missing:
        raise CorpusError(f"{shown}: missing column(s) {', '.join(missing)}; the header is "
                          f"{visible(', '.join(header), 200) or 'empty'}.")
    rows = []
    ended = reader.line_num
    try:
        for row in reader:
            rows.append((ended + 1, row))
            ended = reader.line_num
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise CorpusError(f"{shown} row {len(rows) + 1} (line {ended + 1}): a field is over the "
                              f"{size_text(limit)} limit for one article; split it into several articles, "
                              "or raise the limit with FACTDESK_MAX_ARTICLE_MB.") from exc
        raise CorpusError(f"{shown} line {reader.line_num}: {exc}. Fix the file and try again.") from exc
    return header, rows


def list_folder(folder: Path) -> list[Path]:
    """The entries of ``folder``, or a :class:`CorpusError` saying it cannot be read."""
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        raise CorpusError(f"{visible(folder)}: the folder cannot be read ({exc.strerror or exc}). "
                          "Check its permissions.") from exc


def read_json_object(path: Path) -> dict:
    """A JSON object from a small file from outside (a manifest, a sidecar):
    UTF-8, strict JSON, nested at most a few dozen levels deep."""
    regular_file(path)
    shown = visible(path)
    try:
        data, _ = parse_json(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise CorpusError(f"{shown}: cannot be read ({exc.strerror or exc}). Check its permissions.") from exc
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{shown}: not UTF-8 (byte {exc.start + 1}); save it as UTF-8 JSON.") from exc
    except JsonProblem as exc:
        raise CorpusError(f"{shown}: not a readable JSON file ({exc}). Fix or remove it.") from exc
    if not isinstance(data, dict):
        raise CorpusError(f"{shown}: must hold a JSON object, not {kind_of(data)}. Fix or remove it.")
    return data
