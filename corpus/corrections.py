"""The model's entities with the reader's corrections applied."""

from __future__ import annotations


def apply_entity_edits(entities, edits) -> tuple[tuple[int, int, str], ...]:
    """Apply edits in the order they were made: each removes the entities it
    overlaps, then adds its own span if it has a label."""
    result = list(entities)
    for edit in edits:
        start, end, label = edit["start"], edit["end"], edit.get("label")
        result = [e for e in result if e[1] <= start or e[0] >= end]
        if label:
            result.append((start, end, label))
    return tuple(sorted(result))
