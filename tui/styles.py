"""Colours of entity labels and annotations in the article view."""

from __future__ import annotations

from rich.style import Style

ENTITY_COLOURS = {
    "PERSON": "#ff8fa3",
    "NORP": "#f0b35a",
    "ORG": "#7fb2ff",
    "GPE": "#7ddc8a",
    "LOC": "#5fd7d7",
    "FAC": "#5fd7d7",
    "EVENT": "#ffd75f",
    "DATE": "#d79bef",
    "TIME": "#d79bef",
    "MONEY": "#c0c0c0",
    "QUANTITY": "#c0c0c0",
    "PERCENT": "#c0c0c0",
    "CARDINAL": "#c0c0c0",
    "ORDINAL": "#c0c0c0",
    "PRODUCT": "#ffaf87",
    "WORK_OF_ART": "#ffaf87",
    "LAW": "#ffaf87",
    "LANGUAGE": "#ffaf87",
}
OTHER_ENTITY = "#e0e0e0"
LEGEND_LABELS = ("PERSON", "NORP", "ORG", "GPE", "LOC", "DATE", "CARDINAL", "EVENT")

CLAIM_STYLE = Style(bgcolor="#4a3f00", underline=True)
LINKED_STYLE = Style(bgcolor="#003a4a", underline=True)  # a claim linked to claims of other articles
NOISE_STYLE = Style(dim=True, italic=True, color="#808080")
FOCUS_STYLE = Style(reverse=True, bold=True)


def entity_style(label: str) -> Style:
    return Style(color=ENTITY_COLOURS.get(label, OTHER_ENTITY), bold=True)
