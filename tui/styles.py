"""Styles of entity labels, annotations and label values in the app.

The colour of every label is defined with the label, in
:mod:`annotations.labels`; this module turns them into Rich styles.
"""

from __future__ import annotations

from rich.style import Style

from annotations.labels import DEFAULT

ENTITY_COLOURS = DEFAULT.entities.colours()
OTHER_ENTITY = DEFAULT.entities.other_colour
LEGEND_LABELS = DEFAULT.entities.legend
RELIABILITY_COLOURS = DEFAULT.reliability.colours()
LINK_COLOURS = DEFAULT.links.colours()

CLAIM_STYLE = Style(bgcolor="#4a3f00", underline=True)
LINKED_STYLE = Style(bgcolor="#003a4a", underline=True)  # a claim linked to claims of other articles
NOISE_STYLE = Style(dim=True, italic=True, color="#808080")
FOCUS_STYLE = Style(reverse=True, bold=True)


def entity_style(label: str) -> Style:
    return Style(color=ENTITY_COLOURS.get(label, OTHER_ENTITY), bold=True)
