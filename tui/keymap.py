"""The reader's keymap: ``keymap.toml`` (or .json) in the config folder, or
``$FACTDESK_KEYMAP``, mapping action ids (see :mod:`tui.actions`) to keys,
e.g. ``claim = "k"``. Read here, checked here, and given to Textual through
its public ``App.set_keymap``.

What cannot be used is said, by name, and left as it was: unknown ids, values
that are not key names, keys two actions would share and keys of the app itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from textual.binding import Binding

from corpus.text import visible


def _quoted(text: str) -> str:
    return f"\"{visible(text, limit=60)}\""


_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}


def is_key_name(key: str) -> bool:
    """Whether ``key`` names a key as Textual's bindings do: ``k``, ``K``,
    ``ctrl+k``, ``f2``, ``question_mark``, ``shift+tab``."""
    import unicodedata

    from textual.keys import KEY_NAME_REPLACEMENTS, Keys, _get_unicode_name_from_key

    *modifiers, base = key.strip().split("+")
    if not base or any(m not in _MODIFIERS for m in modifiers):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in {k.value for k in Keys} or base in KEY_NAME_REPLACEMENTS.values() or base == "space":
        return True
    if not all(c.isalnum() or c == "_" for c in base):
        return False
    try:
        character = unicodedata.lookup(_get_unicode_name_from_key(base).replace("_", " "))
    except KeyError:
        return False
    return len(character) == 1 and character.isprintable()


def _normal_keys(keys: str) -> set[str]:
    from textual.keys import _character_to_key

    return {_character_to_key(k) if len(k) == 1 else k for k in (k.strip() for k in keys.split(",")) if k}


# keys the app itself binds, which no keymap entry may take
_APP_KEYS = {"ctrl+q": "quit", "ctrl+p": "the command palette", "ctrl+c": "copy"}


def keymap_clashes(bindings: dict[str, Binding], overrides: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The overrides that can be used, and a sentence for each clash: two
    entries of the keymap that want one key (neither is used), an entry that
    wants a key of the app itself (not used), and an entry that takes the key
    of an action it does not rebind (used: that action loses the key, as
    Textual does it, and the sentence says so)."""
    overrides = dict(overrides)
    clashes: list[str] = []
    wanted: dict[str, list[str]] = {}
    for binding_id, keys in overrides.items():
        for key in _normal_keys(keys):
            wanted.setdefault(key, []).append(binding_id)
    refused: set[str] = set()
    for key, ids in wanted.items():
        if key in _APP_KEYS:
            clashes.append(f"{' and '.join(ids)} cannot have {_quoted(key)}: it is the key of {_APP_KEYS[key]}")
            refused.update(ids)
        elif len(ids) > 1:
            clashes.append(f"{' and '.join(ids)} both want {_quoted(key)}, so neither was changed")
            refused.update(ids)
    for binding_id in refused:
        del overrides[binding_id]
    for binding_id, keys in overrides.items():
        for key in sorted(_normal_keys(keys)):
            for other_id, other in bindings.items():
                if other_id in overrides or other_id == binding_id or key not in _normal_keys(other.key):
                    continue
                left = sorted(_normal_keys(other.key) - {key})
                now = f"it keeps {', '.join(_quoted(k) for k in left)}" if left else "it has no key now"
                clashes.append(f"{binding_id} takes {_quoted(key)} from {other_id} ({now}; give {other_id} "
                               "its own key in the keymap)")
    return overrides, clashes


def keymap_paths() -> list[Path]:
    env = os.environ.get("FACTDESK_KEYMAP")
    if env:
        return [Path(env)]
    from platformdirs import user_config_dir

    return [Path(user_config_dir("factdesk")) / name for name in ("keymap.toml", "keymap.json")]


def read_keymap(bindings: dict[str, Binding], paths: list[Path] | None = None) -> tuple[dict[str, str], list[str]]:
    """The overrides that can be used (binding id -> keys) from the first
    keymap file that exists, and one warning per thing that cannot be used."""
    for path in paths if paths is not None else keymap_paths():
        if not path.is_file():
            continue
        where = visible(path)
        try:
            if path.suffix == ".toml":
                import tomllib

                keymap = tomllib.loads(path.read_text(encoding="utf-8"))
            else:
                keymap = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
                raise ValueError("it must map binding ids to key names, e.g. claim = \"k\"")
        except (OSError, ValueError, ImportError, RecursionError) as exc:
            return {}, [f"{where}: keymap not used ({visible(exc, limit=300)})."]
        warnings = []
        unknown = sorted(set(keymap) - set(bindings))
        if unknown:
            warnings.append(f"{where}: unknown binding ids {', '.join(_quoted(u) for u in unknown)}; "
                            f"known: {', '.join(sorted(bindings))}.")
        overrides, bad = {}, []
        for binding_id, keys in keymap.items():
            if binding_id not in bindings:
                continue
            wrong = [k for k in keys.split(",") if not is_key_name(k)]
            if wrong or not keys.strip():
                reason = "not a key name: " + ", ".join(_quoted(k) for k in wrong) if wrong else "no key"
                bad.append(f"{binding_id} = {_quoted(keys)} ({reason})")
            else:
                overrides[binding_id] = keys
        if bad:
            warnings.append(f"{where}: {'; '.join(bad)}. Those actions keep their keys; a key is named like "
                            "\"k\", \"K\", \"ctrl+k\", \"f2\" or \"question_mark\".")
        overrides, clashes = keymap_clashes(bindings, overrides)
        if clashes:
            warnings.append(f"{where}: keys in conflict: {'; '.join(clashes)}.")
        return overrides, warnings
    return {}, []
