"""Patterns for the rule-based fallback pipeline (used when no model is installed)."""

from __future__ import annotations

_GPE = (
    "Afghanistan Albania Algeria Armenia Australia Austria Azerbaijan Belarus Belgium "
    "Brazil Bulgaria Canada Chile China Colombia Croatia Cyprus Denmark Egypt Estonia "
    "Finland France Georgia Germany Greece Hungary India Indonesia Iran Iraq Ireland "
    "Israel Italy Japan Jordan Kazakhstan Latvia Lebanon Libya Lithuania Mexico Moldova "
    "Netherlands Nigeria Norway Pakistan Poland Portugal Qatar Romania Russia Serbia "
    "Spain Sweden Switzerland Syria Taiwan Turkey Ukraine Yemen Ankara Baku Yerevan "
    "Moscow Washington London Paris Berlin Geneva Beijing Tehran Kyiv Kiev Stepanakert"
).split()
_GPE_MULTI = ("United States", "United Kingdom", "Saudi Arabia", "South Korea", "North Korea")
_NORP = (
    "Armenian Armenians Azerbaijani Azeri Turkish Russian Russians French American "
    "Americans Syrian Syrians Iranian Israeli German British Chinese Ukrainian Muslim "
    "Christian Soviet European"
).split()
_ORG = ("NATO", "OSCE", "EU", "UN", "BBC", "AFP", "Reuters", "Kremlin", "Pentagon")
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def entity_patterns() -> list[dict]:
    patterns: list[dict] = []
    patterns += [{"label": "GPE", "pattern": name} for name in _GPE]
    patterns += [
        {"label": "GPE", "pattern": [{"LOWER": "the", "OP": "?"}] + [{"TEXT": w} for w in n.split()]}
        for n in _GPE_MULTI
    ]
    patterns += [{"label": "NORP", "pattern": name} for name in _NORP]
    patterns += [{"label": "ORG", "pattern": name} for name in _ORG]
    patterns += [
        {"label": "DATE", "pattern": [{"TEXT": {"IN": _MONTHS}}, {"IS_DIGIT": True, "OP": "?"}]},
        {"label": "DATE", "pattern": [{"TEXT": {"IN": _DAYS}}]},
        {"label": "DATE", "pattern": [{"SHAPE": "dddd"}, {"TEXT": "-", "OP": "?"}, {"SHAPE": "dd", "OP": "?"}]},
        {"label": "PERCENT", "pattern": [{"LIKE_NUM": True}, {"LOWER": {"IN": ["%", "percent"]}}]},
        {"label": "CARDINAL", "pattern": [{"LIKE_NUM": True, "OP": "+"}]},
    ]
    return patterns
