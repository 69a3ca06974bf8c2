"""A project's label scheme: the ``factdesk.toml`` file, found, read and checked.

Where it is (:func:`find_scheme_file`): ``factdesk.toml`` at the root of a
folder corpus, or beside a ``.jsonl``/``.csv`` corpus file with the same stem
(``news.jsonl`` → ``news.factdesk.toml``), or the file named with
``--scheme``. What it holds (every table may be left out; its default, the
set of :data:`annotations.labels.DEFAULT`, applies)::

    name = "FEVER"                    # optional: the scheme's name (default: the file's stem)
    [stance]
    labels = ["SUPPORTS", "REFUTES", "NOT ENOUGH INFO"]
    required = true                   # a claim must have one toward each target
    [stance.help]                     # the one-line hint of each label
    SUPPORTS = "If the claim is true, the target is true."
    [claim_type]
    [checkworthiness]
    [reliability]                     # also: ordinal = true, reasons = [...]
    [links]                           # also the roles: backs, contradicts, groups
    [entities]                        # also: speakers, legend
    [guidelines]
    file = "guidelines.md"            # Markdown, relative to the scheme file

Every table takes ``labels`` (1 to 50 distinct one-line labels; left out:
the default's), ``required``, ``ordinal``, ``about`` and ``[X.help]``.
:func:`read_scheme` turns the file into a :class:`LabelScheme`, or raises a
:class:`SchemeError` whose message is one line: the file, the line, the key
and what to do.

Keys and colours (:func:`_build`): a set whose labels are the default's, in
its order, is the default's set (its keys and colours; the help lines
replace the hints). Any other set gets its keys by position from
:data:`annotations.labels.FORM_KEYS` (the digits 1–9 and 0, then the letters
a–z, then A–Z; entities: ``ENTITY_FORM_KEYS``, links: ``LINK_FORM_KEYS``) and
its colours by position from :data:`annotations.labels.PALETTE` (an entity
label the default knows keeps its colour), so a label keeps its key and
colour while labels are added after it.

The store keeps a copy of its scheme (:func:`scheme_record`, with a
:func:`fingerprint`) and reads it back with :func:`scheme_from_record`.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from annotations.labels import (
    DEFAULT,
    ENTITY_FORM_KEYS,
    FORM_KEYS,
    LINK_FORM_KEYS,
    PALETTE,
    EntityLabels,
    Label,
    LabelScheme,
    LabelSet,
    LinkRelations,
    ReliabilityScale,
)
from corpus.text import visible

SCHEME_FILE = "factdesk.toml"
SCHEME_SUFFIX = ".factdesk.toml"
MAX_LABELS = 50
MAX_LABEL_LENGTH = 80
MAX_GUIDELINES_BYTES = 2 << 20

# The sets of a scheme, by the name the file (and labels.json) gives them
SETS = ("stance", "claim_type", "checkworthiness", "reliability", "links", "entities")
REASONS = "reasons"  # the reliability table's list of reasons (labels.json's ``rationale_codes``)
# The roles of link relations, as LinkRelations names its fields
ROLES = tuple(f.name for f in fields(LinkRelations) if f.name not in {g.name for g in fields(LabelSet)})
ENTITY_LISTS = ("speakers", "legend")
_COMMON = ("labels", "required", "ordinal", "about", "help")
TABLE_KEYS = {name: _COMMON for name in SETS}
TABLE_KEYS["reliability"] = _COMMON + (REASONS,)
TABLE_KEYS["links"] = _COMMON + ROLES
TABLE_KEYS["entities"] = _COMMON + ENTITY_LISTS
TOP_KEYS = ("name",) + SETS + ("guidelines",)


class SchemeError(ValueError):
    """The scheme file cannot be used; the message (one line) names the file,
    the line and key when known, and what to do."""


@dataclass(frozen=True)
class SchemeFile:
    """A scheme read from its file: the scheme, the file, and the guidelines
    file it names (None when it names none)."""

    scheme: LabelScheme
    path: Path
    guidelines: Path | None = None


# -- where the scheme file is ------------------------------------------------------------

def scheme_file_beside(corpus_path: str | Path | None) -> Path:
    """Where the scheme file of a corpus would be: ``factdesk.toml`` in a
    folder, ``STEM.factdesk.toml`` beside a file."""
    path = Path(corpus_path).expanduser()
    if path.is_dir():
        return path / SCHEME_FILE
    return path.with_name(path.stem + SCHEME_SUFFIX)


def find_scheme_file(corpus_path: str | Path | None, explicit: str | Path | None = None) -> Path | None:
    """The scheme file to use: ``explicit`` (``--scheme``) when given, else the
    one beside the corpus when there is one, else None (the default scheme)."""
    if explicit is not None:
        return Path(explicit).expanduser()
    if corpus_path is None:
        return None
    try:
        candidate = scheme_file_beside(corpus_path)
        return candidate if candidate.exists() or candidate.is_symlink() else None
    except OSError:
        return None


def load_scheme_file(corpus_path: str | Path | None, explicit: str | Path | None = None) -> SchemeFile | None:
    """The corpus's scheme file read and checked (see :func:`find_scheme_file`),
    or None when there is none; raises :class:`SchemeError`."""
    path = find_scheme_file(corpus_path, explicit)
    return None if path is None else read_scheme_file(path)


# -- reading -----------------------------------------------------------------------------

def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _show(value: object, limit: int = 60) -> str:
    return visible(json.dumps(value, ensure_ascii=False, default=str), limit)


def _key_pattern(part: str) -> str:
    e = re.escape(part)
    return rf"(?:{e}|\"{e}\"|'{e}')"


_HEADER = re.compile(r"^\s*\[")


class _File:
    """The file's text, to name the line of a key in a message."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.shown = path, visible(path)
        self.lines = text.splitlines()

    def line(self, dotted: list[str]) -> int | None:
        """The line of a key (``["stance", "labels"]``) or table, found in the text."""
        sep = r"\s*\.\s*"
        for cut in range(len(dotted), 0, -1):
            table, rest = dotted[:cut], dotted[cut:]
            header = re.compile(r"^\s*\[\s*" + sep.join(map(_key_pattern, table)) + r"\s*\]")
            at = next((i for i, text in enumerate(self.lines) if header.match(text)), None)
            if at is None:
                continue
            if not rest:
                return at + 1
            key = re.compile(r"^\s*" + sep.join(map(_key_pattern, rest)) + r"\s*=")
            for i in range(at + 1, len(self.lines)):
                if _HEADER.match(self.lines[i]):
                    break
                if key.match(self.lines[i]):
                    return i + 1
            return at + 1
        key = re.compile(r"^\s*" + sep.join(map(_key_pattern, dotted)) + r"\s*=")
        for i, text in enumerate(self.lines):
            if _HEADER.match(text):
                break
            if key.match(text):
                return i + 1
        return None

    def error(self, dotted: list[str], problem: str) -> SchemeError:
        line = self.line(dotted)
        where = f"{self.shown} line {line}" if line else self.shown
        key = ".".join(dotted)
        return SchemeError(visible(f"{where}: {key} {problem}", 400))


def read_scheme_file(path: str | Path) -> SchemeFile:
    """Read and check a scheme file; raises :class:`SchemeError` (one line)."""
    path = Path(path).expanduser()
    shown = visible(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SchemeError(f"{shown}: no such scheme file; check the path given with --scheme, or write "
                          f"one (schemes/ in factdesk's repository has examples).") from None
    except IsADirectoryError:
        raise SchemeError(f"{shown}: is a folder, not a scheme file; give the .toml file itself.") from None
    except OSError as exc:
        raise SchemeError(f"{shown}: cannot be read ({exc.strerror or exc}); check its permissions.") from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise SchemeError(f"{shown} line {line}: not UTF-8 text; save the scheme file as UTF-8.") from None
    return parse_scheme(text, path)


def read_scheme(path: str | Path) -> LabelScheme:
    """The :class:`LabelScheme` of a scheme file (see :func:`read_scheme_file`)."""
    return read_scheme_file(path).scheme


def parse_scheme(text: str, path: str | Path = SCHEME_FILE) -> SchemeFile:
    """Check the text of a scheme file (``path`` names it in messages and is
    where a guidelines file is looked for) and build its scheme."""
    path = Path(path)
    where = _File(path, text)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message) or re.search(r"\(at end of document\)", message)
        line = found.group(1) if found and found.groups() else str(len(where.lines) or 1)
        problem = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", message)
        raise SchemeError(visible(f"{where.shown} line {line}: not valid TOML ({problem}); fix the file "
                                  "(see the scheme files in schemes/ for the layout).", 400)) from None
    _known_keys(where, [], doc, TOP_KEYS, "the scheme file's keys are " + ", ".join(TOP_KEYS))
    name = doc.get("name", None)
    if name is not None and (not isinstance(name, str) or not name.strip() or "\n" in name):
        raise where.error(["name"], f"should be one line of text, not {_kind(name)} ({_show(name)}); "
                                    "write name = \"FEVER\", or leave it out")
    sets: dict[str, LabelSet] = {}
    for set_name in SETS:
        table = doc.get(set_name, {})
        if not isinstance(table, dict):
            raise where.error([set_name], f"should be a table ([{set_name}] with labels = [...] under it), not "
                                          f"{_kind(table)} ({_show(table)})")
        sets[set_name] = _set(where, set_name, table)
    guidelines_text, guidelines_path = _guidelines(where, doc.get("guidelines", None))
    scheme_name = name.strip() if name else (path.name.removesuffix(SCHEME_SUFFIX).removesuffix(".toml") or "scheme")
    try:
        scheme = LabelScheme(stance=sets["stance"], claim_type=sets["claim_type"],
                             checkworthiness=sets["checkworthiness"], reliability=sets["reliability"],
                             links=sets["links"], entities=sets["entities"], name=scheme_name,
                             guidelines=guidelines_text)
    except ValueError as exc:  # what the checks above should have said; kept one line all the same
        raise SchemeError(visible(f"{where.shown}: {exc}; fix the scheme file.", 400)) from None
    return SchemeFile(scheme, path, guidelines_path)


def _known_keys(where: _File, at: list[str], table: dict, allowed: tuple[str, ...], hint: str) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            fix = f"did you mean {close[0]!r}? " if close else ""
            raise where.error([*at, key], f"is not a key factdesk knows; {fix}{hint} (remove or rename it)")


def _flag(where: _File, at: list[str], value: object) -> bool:
    if not isinstance(value, bool):
        raise where.error(at, f"should be true or false, not {_kind(value)} ({_show(value)})")
    return value


def _line_text(where: _File, at: list[str], value: object) -> str:
    if not isinstance(value, str):
        raise where.error(at, f"should be text in quotes, not {_kind(value)} ({_show(value)})")
    return " ".join(value.split())


def _names(where: _File, at: list[str], value: object, allow_empty: bool = False) -> tuple[str, ...]:
    """A list of labels, checked: text, one line, distinct, at most :data:`MAX_LABELS`."""
    key = at[-1]
    if not isinstance(value, list):
        example = _show([value]) if isinstance(value, str) else '["A", "B"]'
        raise where.error(at, f"should be a list of text, not {_kind(value)} ({_show(value)}); "
                              f"write {key} = {example}")
    if not value and not allow_empty:
        raise where.error(at, f"is empty; give at least one label, or leave {key} out for the default's")
    if len(value) > MAX_LABELS:
        raise where.error(at, f"has {len(value)} labels; a set holds at most {MAX_LABELS}, so split it or "
                              "leave some out")
    seen: set[str] = set()
    for n, item in enumerate(value, 1):
        if not isinstance(item, str):
            raise where.error(at, f"item {n} is {_kind(item)} ({_show(item)}), not text; put each label in quotes")
        if not item.strip() or item != item.strip():
            raise where.error(at, f"item {n} ({_show(item)}) is empty or has spaces around it; write the label "
                                  "without them")
        if visible(item, MAX_LABEL_LENGTH + 1) != item:
            problem = "is longer than " + str(MAX_LABEL_LENGTH) + " characters" if len(item) > MAX_LABEL_LENGTH \
                else "holds a control character or a line break"
            raise where.error(at, f"item {n} ({_show(item)}) {problem}; shorten it to one plain line")
        if item in seen:
            raise where.error(at, f"lists {_show(item)} twice; give each label once")
        seen.add(item)
    return tuple(value)


def _members(where: _File, at: list[str], value: object, names: tuple[str, ...], of: str) -> tuple[str, ...]:
    """A list that names labels of the set (a role, the speakers, the legend)."""
    members = _names(where, at, value, allow_empty=True)
    for member in members:
        if member not in names:
            raise where.error(at, f"names {_show(member)}, which is not in {of}; add it to {of} or remove it "
                                  f"from {'.'.join(at)}")
    return members


def _set(where: _File, set_name: str, table: dict) -> LabelSet:
    base: LabelSet = getattr(DEFAULT, set_name)
    at = [set_name]
    _known_keys(where, at, table, TABLE_KEYS[set_name], f"[{set_name}] takes " + ", ".join(TABLE_KEYS[set_name]))
    names = _names(where, [set_name, "labels"], table["labels"]) if "labels" in table else base.names
    of = f"{set_name}.labels"
    options = {
        "required": _flag(where, [set_name, "required"], table["required"]) if "required" in table else base.required,
        "ordinal": _flag(where, [set_name, "ordinal"], table["ordinal"]) if "ordinal" in table else base.ordinal,
        "about": (_line_text(where, [set_name, "about"], table["about"]) if "about" in table
                  else base.about if names == base.names else ""),
    }
    reasons: tuple[str, ...] | None = None
    if isinstance(base, ReliabilityScale):
        if REASONS in table:
            reasons = _names(where, [set_name, REASONS], table[REASONS], allow_empty=True)
        else:
            reasons = base.reasons.names if base.reasons is not None else ()
    hints = _help(where, set_name, table.get("help", {}), names + (reasons or ()))
    if isinstance(base, LinkRelations):
        roles = {}
        for role in ROLES:
            if role in table:
                roles[role] = _members(where, [set_name, role], table[role], names, of)
            else:  # a role not given: the default's relations that are in the list
                roles[role] = tuple(n for n in getattr(base, role) if n in names)
        both = set(roles[ROLES[0]]) & set(roles[ROLES[1]])
        if both:
            raise where.error([set_name, ROLES[1]], f"names {_show(sorted(both)[0])}, which {set_name}.{ROLES[0]} "
                                                    "names too; a relation cannot both back and contradict")
        loose = [n for n in roles[ROLES[2]] if n not in roles[ROLES[0]]]
        if loose:
            raise where.error([set_name, ROLES[2]], f"names {_show(loose[0])}, which {set_name}.{ROLES[0]} does "
                                                    f"not: a relation that forms groups also backs; add it to "
                                                    f"{set_name}.{ROLES[0]}")
        return _build(base, names, hints, LINK_FORM_KEYS, LinkRelations, options, **roles)
    if isinstance(base, EntityLabels):
        extra = {}
        for key in ENTITY_LISTS:
            if key in table:
                extra[key] = _members(where, [set_name, key], table[key], names, of)
            else:
                extra[key] = tuple(n for n in getattr(base, key) if n in names)
        if not extra[ENTITY_LISTS[0]]:
            extra[ENTITY_LISTS[0]] = names[:1]  # the label a speaker imported without one gets
        if not extra[ENTITY_LISTS[1]]:
            extra[ENTITY_LISTS[1]] = names[:8]
        return _build(base, names, hints, ENTITY_FORM_KEYS, EntityLabels, options, other_colour=base.other_colour,
                      **extra)
    if isinstance(base, ReliabilityScale):
        reason_set = None
        if reasons:
            base_reasons = base.reasons or LabelSet((Label(reasons[0], "", PALETTE[0]),))
            reason_set = _build(base_reasons, reasons, hints, "", LabelSet,
                                {"required": False, "ordinal": False,
                                 "about": base_reasons.about if reasons == base_reasons.names else ""})
        return _build(base, names, hints, FORM_KEYS, ReliabilityScale, options, reasons=reason_set)
    return _build(base, names, hints, FORM_KEYS, LabelSet, options)


def _help(where: _File, set_name: str, table: object, names: tuple[str, ...]) -> dict[str, str]:
    at = [set_name, "help"]
    if not isinstance(table, dict):
        raise where.error(at, f"should be a table ([{set_name}.help] with LABEL = \"what it means\" lines), "
                              f"not {_kind(table)} ({_show(table)})")
    hints = {}
    for label, hint in table.items():
        if label not in names:
            close = difflib.get_close_matches(label, names, n=1)
            fix = f"did you mean {close[0]!r}? " if close else ""
            raise where.error([*at, label], f"is not a label of {set_name}; {fix}give help only for the labels "
                                            f"in {set_name}.labels")
        hints[label] = _line_text(where, [*at, label], hint)
    return hints


def _build(base: LabelSet, names: tuple[str, ...], hints: dict[str, str], keys: str, kind: type, options: dict,
           **extra) -> LabelSet:
    """The set: the default's own labels when the names are the default's (its
    keys and colours, the help lines as hints); else keys and colours by position."""
    if names == base.names:
        labels = tuple(Label(l.name, hints.get(l.name, l.hint), l.colour, l.key) for l in base.labels)
    else:
        known = {l.name: l for l in base.labels}
        labels = tuple(
            Label(name, hints.get(name) or (known[name].hint if name in known else ""),
                  known[name].colour if kind is EntityLabels and name in known else PALETTE[i % len(PALETTE)],
                  keys[i] if i < len(keys) else None)
            for i, name in enumerate(names))
    return kind(labels, **options, **extra)


def _guidelines(where: _File, table: object) -> tuple[str, Path | None]:
    if table is None:
        return "", None
    if not isinstance(table, dict):
        raise where.error(["guidelines"], f"should be a table ([guidelines] with file = \"guidelines.md\"), not "
                                          f"{_kind(table)} ({_show(table)})")
    _known_keys(where, ["guidelines"], table, ("file",), "[guidelines] takes file")
    if "file" not in table:
        return "", None
    name = table["file"]
    if not isinstance(name, str) or not name.strip():
        raise where.error(["guidelines", "file"], f"should be the path of a Markdown file in quotes, not "
                                                  f"{_kind(name)} ({_show(name)})")
    path = Path(name).expanduser()
    if not path.is_absolute():
        path = where.path.parent / path
    shown = visible(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise where.error(["guidelines", "file"], f"names {_show(name)}, which is not there ({shown}); write the "
                                                  "guidelines file, fix the path (relative to the scheme file) or "
                                                  "remove the [guidelines] table") from None
    except OSError as exc:
        raise where.error(["guidelines", "file"], f"names {_show(name)}, which cannot be read ({shown}: "
                                                  f"{exc.strerror or exc}); check it is a readable file") from None
    if len(raw) > MAX_GUIDELINES_BYTES:
        raise where.error(["guidelines", "file"], f"names {_show(name)}, which is {len(raw) >> 20} MB; guidelines "
                                                  f"are shown in the app, keep them under "
                                                  f"{MAX_GUIDELINES_BYTES >> 20} MB")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise where.error(["guidelines", "file"], f"names {_show(name)}, which is not UTF-8 text; save it as "
                                                  "UTF-8") from None
    return text.replace("\r\n", "\n"), path


# -- the store's copy --------------------------------------------------------------------

def _set_record(label_set: LabelSet) -> dict:
    return {"labels": [[l.name, l.hint, l.colour, l.key] for l in label_set.labels], "about": label_set.about,
            "required": label_set.required, "ordinal": label_set.ordinal}


def _record_body(scheme: LabelScheme) -> dict:
    sets = {name: _set_record(getattr(scheme, name)) for name in SETS}
    reasons = scheme.reliability.reasons
    sets["reliability"][REASONS] = _set_record(reasons) if reasons is not None else None
    for role in ROLES:
        sets["links"][role] = list(getattr(scheme.links, role))
    for key in ENTITY_LISTS:
        sets["entities"][key] = list(getattr(scheme.entities, key))
    sets["entities"]["other_colour"] = scheme.entities.other_colour
    return {"name": scheme.name, "guidelines": scheme.guidelines, "sets": sets}


def fingerprint(scheme: LabelScheme) -> str:
    """A digest of everything in the scheme (labels, order, hints, keys,
    colours, roles, guidelines): the same scheme, the same fingerprint."""
    body = json.dumps(_record_body(scheme), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def scheme_record(scheme: LabelScheme) -> dict:
    """The copy of a scheme the store keeps in its meta record (plain JSON)."""
    return {**_record_body(scheme), "fingerprint": fingerprint(scheme)}


def _set_from(record: dict, kind: type = LabelSet, **extra) -> LabelSet:
    labels = tuple(Label(str(name), str(hint), str(colour), None if key is None else str(key))
                   for name, hint, colour, key in record["labels"])
    return kind(labels, about=str(record.get("about", "")), required=bool(record.get("required")),
                ordinal=bool(record.get("ordinal")), **extra)


def scheme_from_record(record: dict) -> LabelScheme:
    """The scheme a store recorded (:func:`scheme_record`); raises ValueError
    (or KeyError, TypeError) when the record is damaged."""
    sets = record["sets"]
    reasons = sets["reliability"].get(REASONS)
    links = sets["links"]
    entities = sets["entities"]
    return LabelScheme(
        stance=_set_from(sets["stance"]), claim_type=_set_from(sets["claim_type"]),
        checkworthiness=_set_from(sets["checkworthiness"]),
        reliability=_set_from(sets["reliability"], ReliabilityScale,
                              reasons=_set_from(reasons) if reasons else None),
        links=_set_from(links, LinkRelations, **{role: tuple(links.get(role) or ()) for role in ROLES}),
        entities=_set_from(entities, EntityLabels, other_colour=str(entities.get("other_colour", "#e0e0e0")),
                           **{key: tuple(entities.get(key) or ()) for key in ENTITY_LISTS}),
        name=str(record.get("name", "scheme")), guidelines=str(record.get("guidelines", "")))


def set_names(scheme: LabelScheme) -> dict[str, tuple[str, ...]]:
    """The label names of each set, the reasons under ``reasons``."""
    out = {name: getattr(scheme, name).names for name in SETS}
    out[REASONS] = scheme.reliability.reasons.names if scheme.reliability.reasons is not None else ()
    return out


def removed_labels(old: LabelScheme, new: LabelScheme) -> list[tuple[str, str]]:
    """``(set, label)`` of every label of ``old`` that ``new`` does not have."""
    before, after = set_names(old), set_names(new)
    return [(name, label) for name in before for label in before[name] if label not in after[name]]


def same_labels(a: LabelScheme, b: LabelScheme) -> bool:
    """Whether two schemes have the same label names in every set, in order."""
    return set_names(a) == set_names(b)


__all__ = [
    "MAX_LABELS", "REASONS", "ROLES", "SCHEME_FILE", "SCHEME_SUFFIX", "SETS", "SchemeError", "SchemeFile",
    "find_scheme_file", "fingerprint", "load_scheme_file", "parse_scheme", "read_scheme", "read_scheme_file",
    "removed_labels", "same_labels", "scheme_file_beside", "scheme_from_record", "scheme_record", "set_names",
]
