"""spaCy ``DocBin`` files built from exported rows (imports spaCy when used).

Docs are built from factdesk's own tokens (already split so that every span
falls on token boundaries), so ``doc.text`` is the article text and every
``char_span`` aligns; anything that still cannot be placed is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotations.alignment import whitespace_after


@dataclass
class DocSpec:
    """One Doc: text, tokens covering it, sentence starts, entities, span group, cats."""

    text: str
    tokens: list[tuple[int, int]]
    sent_starts: set[int]
    ents: list[tuple[int, int, str]] = field(default_factory=list)
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    cats: dict[str, float] = field(default_factory=dict)
    user_data: dict = field(default_factory=dict)
    what: str = ""


def _char_spans(doc, items, what: str, where: str, warnings: list[str]) -> list:
    """Spans of ``doc`` for ``(start, end, label)`` items; one that does not
    fall on tokens is reported (it cannot happen with aligned tokens)."""
    spans = []
    for start, end, label in items:
        span = doc.char_span(start, end, label=label, alignment_mode="strict")
        if span is None:
            warnings.append(f"{what} {label} {start}..{end} does not fall on tokens; not in {where}")
        else:
            spans.append(span)
    return spans


def docbin_bytes(specs: list[DocSpec], warnings: list[str]) -> bytes:
    """The serialised DocBin of the specs. Raises ValueError if a doc's text
    would differ from the article text (a bug, never a silent shift)."""
    from spacy.tokens import Doc, DocBin
    from spacy.util import filter_spans
    from spacy.vocab import Vocab

    vocab = Vocab()
    out = DocBin(store_user_data=True)
    for spec in specs:
        words = [spec.text[s:e] for s, e in spec.tokens]
        spaces = [whitespace_after(spec.text, spec.tokens, i) for i in range(len(spec.tokens))]
        starts = [i == 0 or s in spec.sent_starts for i, (s, _) in enumerate(spec.tokens)]
        doc = Doc(vocab, words=words, spaces=spaces, sent_starts=starts if words else None)
        if doc.text != spec.text:
            raise ValueError(f"{spec.what}: the tokens do not give back the article text")
        ents = _char_spans(doc, spec.ents, f"{spec.what}: entity", "doc.ents", warnings)
        kept = filter_spans(ents)
        for span in set(ents) - set(kept):
            warnings.append(f"{spec.what}: entity {span.label_} {span.start_char}..{span.end_char} "
                            "overlaps a longer one; not in doc.ents")
        doc.ents = kept
        doc.spans["sc"] = _char_spans(doc, spec.spans, f"{spec.what}: span", 'doc.spans["sc"]', warnings)
        doc.cats = dict(spec.cats)
        doc.user_data.update(spec.user_data)
        out.add(doc)
    return out.to_bytes()


__all__ = ["DocSpec", "docbin_bytes"]
