"""Styles of entity labels, annotations and label values in the app.

The colour of every label is defined with the label, in
:mod:`annotations.labels` (a scheme's labels get theirs by position, so a
label keeps its colour when labels are added after it); this module turns
them into Rich styles. The functions take the label set of the project's
scheme (``desk.scheme``); the constants are the default scheme's.
"""

from __future__ import annotations

from functools import lru_cache

from rich.errors import StyleSyntaxError
from rich.style import Style

from annotations.labels import DEFAULT, EntityLabels, LabelSet

ENTITY_COLOURS = DEFAULT.entities.colours()
OTHER_ENTITY = DEFAULT.entities.other_colour
LEGEND_LABELS = DEFAULT.entities.legend
RELIABILITY_COLOURS = DEFAULT.reliability.colours()
LINK_COLOURS = DEFAULT.links.colours()

CLAIM_STYLE = Style(bgcolor="#4a3f00", underline=True)
LINKED_STYLE = Style(bgcolor="#003a4a", underline=True)  # a claim linked to claims of other articles
NOISE_STYLE = Style(dim=True, italic=True, color="#808080")
FOCUS_STYLE = Style(reverse=True, bold=True)


@lru_cache(maxsize=512)
def colour_style(colour: str, bold: bool = False, fallback: str = "bold") -> Style:
    """A label's colour (a style string) as a Style; one Rich cannot parse is ``fallback``."""
    try:
        style = Style.parse(colour)
    except (StyleSyntaxError, ValueError, TypeError):
        style = Style.parse(fallback)
    return style + Style(bold=True) if bold else style


def label_style(labels: LabelSet, name: object, fallback: str = "bold") -> Style:
    """The style of label ``name`` of ``labels``; a name not in the set is ``fallback``."""
    label = labels.get(name)
    return colour_style(label.colour if label is not None else fallback, fallback=fallback)


def entity_style(label: str, entities: EntityLabels = DEFAULT.entities) -> Style:
    known = entities.get(label)
    return colour_style(known.colour if known is not None else entities.other_colour, bold=True)
