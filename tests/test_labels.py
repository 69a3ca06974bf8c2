"""Label meanings in one place: annotations/labels.py.

The default scheme is today's labels; every label has a hint, a colour and
its own key; the roles of link relations (backing, contradicting, forming
groups) drive the groups and the corroboration; labels.json and the forms
are made from the module; and no other module defines a label string.
"""

from __future__ import annotations

import ast
import json
from dataclasses import replace
from pathlib import Path

import pytest
from rich.style import Style
from textual.app import App

from annotations import labels
from annotations.labels import ALL_SETS, DEFAULT, LINKS, STANCE, LabelScheme, LinkRelations, label_set

ROOT = Path(__file__).resolve().parent.parent


# -- the default scheme --------------------------------------------------------------

def test_the_default_scheme_is_todays_labels():
    assert DEFAULT.stance.names == ("agree", "disagree", "discuss", "unrelated")
    assert DEFAULT.stance.required and DEFAULT.stance.about == "FNC-1's labels"
    assert DEFAULT.claim_type.names == ("factual", "opinion", "prediction")
    assert DEFAULT.checkworthiness.names == ("check-worthy", "unimportant", "not-factual")
    assert DEFAULT.reliability.names == ("reliable", "mixed", "unreliable")
    assert DEFAULT.reliability.ordinal and DEFAULT.reliability.required
    assert DEFAULT.reliability.reasons.names == (
        "no-byline", "anonymous-sourcing", "sensational-headline", "contradicted-by-others", "recycled-or-spun",
        "unrelated-boilerplate", "garbled-text", "no-date", "ads-heavy")
    assert DEFAULT.links.names == ("same", "supports", "contradicts", "elaborates", "related")
    assert DEFAULT.entities.names == (
        "PERSON", "ORG", "GPE", "NORP", "LOC", "DATE", "EVENT", "CARDINAL", "FAC", "PRODUCT", "LAW",
        "MONEY", "PERCENT", "QUANTITY", "TIME", "ORDINAL", "WORK_OF_ART", "LANGUAGE")
    assert DEFAULT.entities.speakers == ("PERSON", "ORG", "GPE", "NORP")
    assert labels.ATTRIBUTION.names == ("direct-quote", "indirect", "anonymous-source")
    assert labels.CONFIDENCE.names == ("low", "medium", "high")
    assert labels.SPEAKER_KINDS.names == ("journalist", "unattributed")
    assert labels.BIO_LABELS == ("O", "B-CLAIM", "I-CLAIM", "B-SPEAKER", "I-SPEAKER")


def test_the_old_constants_are_read_from_the_module():
    """The names other modules import keep working, and are the module's."""
    from annotations import links, schema
    from tui import styles
    from tui.screens import claim_form

    assert schema.STANCES == DEFAULT.stance.names
    assert schema.RELIABILITY == DEFAULT.reliability.names
    assert schema.CLAIM_TYPES == DEFAULT.claim_type.names
    assert schema.CHECKWORTHINESS == DEFAULT.checkworthiness.names
    assert schema.ENTITY_LABELS == DEFAULT.entities.names
    assert schema.RATIONALE_CODES == DEFAULT.reliability.reasons.names
    assert schema.ATTRIBUTIONS == labels.ATTRIBUTION.names and schema.CONFIDENCE == labels.CONFIDENCE.names
    assert schema.SPEAKER_KINDS == labels.SPEAKER_KINDS.names and schema.CLAIM_LABEL == labels.CLAIM_LABEL
    assert links.LINK_LABELS == DEFAULT.links.names
    assert claim_form.SPEAKER_LABELS == DEFAULT.entities.speakers
    assert styles.LEGEND_LABELS == DEFAULT.entities.legend
    assert styles.ENTITY_COLOURS == {label.name: label.colour for label in DEFAULT.entities}
    assert styles.RELIABILITY_COLOURS == {"reliable": "green", "mixed": "yellow", "unreliable": "red"}


# -- every label: a hint, a colour, a key ------------------------------------------------

@pytest.mark.parametrize("name", sorted(ALL_SETS))
def test_every_label_has_a_hint_a_colour_and_its_own_key(name):
    label_set_ = ALL_SETS[name]
    keys = [label.key for label in label_set_ if label.key is not None]
    assert len(set(keys)) == len(keys), f"{name}: two labels share a key"
    for label in label_set_:
        assert label.hint.strip() and "\n" not in label.hint, f"{name} {label.name}: no one-line hint"
        Style.parse(label.colour)  # a style Rich can show; raises if not
        assert label.key is None or len(label.key) == 1


def test_the_keys_in_the_forms():
    """Digit forms: 1, 2, 3… in order; links: one letter each, none of the link
    form's own keys; entities: 1–9, 0 being "not an entity"."""
    for label_set_ in (DEFAULT.stance, DEFAULT.claim_type, DEFAULT.checkworthiness, DEFAULT.reliability,
                       labels.ATTRIBUTION, labels.CONFIDENCE):
        assert [label.key for label in label_set_] == [str(n) for n in range(1, len(label_set_) + 1)]
    assert {label.name: label.key for label in LINKS} == {
        "same": "s", "supports": "p", "contradicts": "x", "elaborates": "e", "related": "r"}
    assert [label.key for label in DEFAULT.entities][:9] == list("123456789")
    assert all(label.key is None for label in DEFAULT.entities.labels[9:])
    assert all(label.key is None for label in DEFAULT.reliability.reasons)  # ticked with space


def test_the_keys_beyond_ten_are_letters_and_spare_the_forms_own_keys():
    """A scheme file's set of up to 50 labels has a key for each: digits, then
    a–z, then A–Z; the entity form keeps 0 (not an entity), a and m, the
    link form d (unlink)."""
    for keys in (labels.FORM_KEYS, labels.ENTITY_FORM_KEYS, labels.LINK_FORM_KEYS):
        assert len(set(keys)) == len(keys) >= 50 and all(len(k) == 1 for k in keys)
    assert labels.FORM_KEYS.startswith(labels.DIGIT_KEYS + "abc")
    assert not set("0am") & set(labels.ENTITY_FORM_KEYS) and "d" not in labels.LINK_FORM_KEYS


def test_a_label_set_refuses_duplicates_and_shared_keys():
    with pytest.raises(ValueError, match="distinct"):
        label_set(("a", "a"), {"a": "x"})
    with pytest.raises(ValueError, match="share a key"):
        label_set(("a", "b"), {"a": "x", "b": "y"}, keys={"a": "k", "b": "k"})
    with pytest.raises(ValueError, match="not relations"):
        label_set(("a",), {"a": "x"}, kind=LinkRelations, backs=("b",))
    with pytest.raises(ValueError, match="must also back"):
        label_set(("a", "b"), {"a": "x", "b": "y"}, kind=LinkRelations, backs=("a",), groups=("b",))


# -- what link relations mean ------------------------------------------------------------

def test_which_relations_back_contradict_and_form_groups():
    assert LINKS.backs == ("same", "supports")
    assert LINKS.contradicts == ("contradicts",)
    assert LINKS.groups == ("same",)
    assert LINKS.backing_pairwise() == ("supports",)
    assert LINKS.default == "same"  # what Enter links with
    neutral = set(LINKS.names) - set(LINKS.backs) - set(LINKS.contradicts)
    assert neutral == {"elaborates", "related"}


def _link(n, a, b, label):
    return {"id": f"l{n}", "a": a, "b": b, "label": label, "created": f"2026-01-0{n}T00:00:00", "n": n}


CLAIMS = {c: {"id": c, "article_id": f"art-{c}", "quote": c, "stances": {}} for c in ("a", "b", "c", "d")}
SOURCES = {f"art-{c}": f"source {c}" for c in CLAIMS}


def test_the_relations_roles_drive_groups_and_corroboration():
    """The same links read with the default relations and with another
    scheme's (FEVER-like names, where ``REFUTES`` contradicts and ``EQUALS``
    forms groups): the roles, not the names, decide."""
    from annotations.links import build_groups, corroboration

    links = [_link(1, "a", "b", "same"), _link(2, "a", "c", "contradicts"), _link(3, "b", "d", "supports"),
             _link(4, "c", "d", "elaborates")]
    groups = build_groups(links, CLAIMS, {})
    assert [g.claim_ids for g in groups] == [["a", "b"]] and groups[0].id == "l1"
    corr = corroboration(groups, links, CLAIMS, SOURCES, sorted(SOURCES.values()))
    assert corr.contradicts["l1"] == ["source c"]
    assert corr.silent["l1"] == ["source d"]  # d supports b, but is in no group: neither states nor contradicts
    assert corr.by_source["source d"]["corroborated"] == 1  # backed pairwise by b's supports link
    assert corr.by_source["source c"]["contradicted"] == 1 and not corr.by_source["source c"]["corroborated"]

    fever = label_set(("EQUALS", "SUPPORTS", "REFUTES", "NOT ENOUGH INFO"),
                      {"EQUALS": "w", "SUPPORTS": "x", "REFUTES": "y", "NOT ENOUGH INFO": "z"},
                      kind=LinkRelations, backs=("EQUALS", "SUPPORTS"), contradicts=("REFUTES",), groups=("EQUALS",))
    renamed = {"same": "EQUALS", "contradicts": "REFUTES", "supports": "SUPPORTS", "elaborates": "NOT ENOUGH INFO"}
    other = [{**link, "label": renamed[link["label"]]} for link in links]
    assert build_groups(other, CLAIMS, {}) == []  # by default, EQUALS forms no group
    groups = build_groups(other, CLAIMS, {}, fever)
    assert [g.claim_ids for g in groups] == [["a", "b"]]
    again = corroboration(groups, other, CLAIMS, SOURCES, sorted(SOURCES.values()), fever)
    assert (again.states, again.contradicts, again.silent) == (corr.states, corr.contradicts, corr.silent)
    assert again.by_source == corr.by_source


# -- what is made from the module --------------------------------------------------------

LABELS_JSON_KEYS = ["claims_bio", "spans", "stance", "checkworthiness", "reliability", "rationale_codes",
                    "claim_type", "attribution", "confidence", "speaker_kind", "entities", "claim_links"]


def test_labels_json_is_made_from_the_module(store, analyser, tmp_path):
    from annotations.export import export_store

    export_store(store, tmp_path / "out", analyser)
    written = (tmp_path / "out" / "labels.json").read_bytes()
    assert written == json.dumps(labels.label_sets(), indent=2).encode("utf-8") + b"\n"
    sets = json.loads(written)
    assert list(sets) == LABELS_JSON_KEYS
    assert sets["stance"] == list(DEFAULT.stance.names) and sets["claim_links"] == list(DEFAULT.links.names)
    assert sets["speaker_kind"] == ["entity", "journalist", "unattributed"]


def test_another_scheme_gives_its_own_labels_json_and_the_default_is_unchanged():
    fever = label_set(("SUPPORTS", "REFUTES", "NOT ENOUGH INFO"),
                      {"SUPPORTS": "x", "REFUTES": "y", "NOT ENOUGH INFO": "z"}, required=True)
    scheme = replace(DEFAULT, stance=fever)
    assert isinstance(scheme, LabelScheme) and scheme != DEFAULT
    sets = labels.label_sets(scheme)
    assert sets["stance"] == ["SUPPORTS", "REFUTES", "NOT ENOUGH INFO"]
    assert {k: v for k, v in sets.items() if k != "stance"} == {
        k: v for k, v in labels.label_sets().items() if k != "stance"}
    assert scheme.sets()["stance"] is fever and DEFAULT.sets()["stance"] is STANCE


def test_the_export_readme_names_the_labels_of_the_module():
    from annotations.export import FILES

    fields = {(f.name, name): meaning for f in FILES for name, _, meaning in f.fields}
    assert fields[("stance.jsonl", "label")] == "agree, disagree, discuss or unrelated (FNC-1's labels)"
    assert fields[("checkworthiness.jsonl", "label")] == \
        "check-worthy, unimportant or not-factual (ClaimBuster's classes)"
    assert fields[("reliability.jsonl", "label")] == "reliable, mixed or unreliable"
    assert fields[("claim_pairs.jsonl", "label")] == "same, supports, contradicts, elaborates or related"
    assert fields[("claims_bio.jsonl", "ner_tags")].endswith("(O, B-CLAIM, I-CLAIM, B-SPEAKER, I-SPEAKER)")


def test_the_link_and_corroboration_keys_are_the_labels_keys():
    from tui.screens.corroboration import CorroborationScreen
    from tui.screens.link import LinkModal

    def actions(screen):
        return {b.key: b.action for b in screen.BINDINGS}

    link_keys = actions(LinkModal)
    for relation in LINKS:
        assert link_keys[relation.key] == f"link('{relation.name}')"
    stance_keys = actions(CorroborationScreen)
    for stance in STANCE:
        assert stance_keys[stance.key] == f"stance('{stance.name}')"


class _FormApp(App):
    def __init__(self, screen):
        super().__init__()
        self.form, self.results = screen, []

    def on_mount(self) -> None:
        self.push_screen(self.form, callback=self.results.append)


async def test_the_claim_form_shows_and_takes_each_labels_key():
    from tui.widgets.choice_row import ChoiceRow
    from tui.screens.claim_form import ClaimForm

    targets = [{"id": "t1", "text": "Armenia and Azerbaijan will agree to a ceasefire."}]
    app = _FormApp(ClaimForm("Troops withdrew.", targets, []))
    async with app.run_test() as pilot:
        row = app.screen.query_one("#field-stance-t1", ChoiceRow)
        shown = row.render().plain
        for stance in STANCE:
            assert f" {stance.key} {stance.name}" in shown
        third = STANCE.labels[2]
        await pilot.press(third.key, "enter")
        await pilot.pause()
    assert app.results[0].stances == {"t1": third.name}


async def test_a_choice_with_a_key_of_its_own_is_chosen_by_it():
    """What a scheme of more than ten labels needs: keys that are letters."""
    from textual.screen import ModalScreen

    from tui.widgets.choice_row import Choice, ChoiceRow

    class Form(ModalScreen):
        def compose(self):
            yield ChoiceRow("kind", "Kind", [Choice("first", "first", "q"), Choice("second", "second", "w")])

    app = _FormApp(Form())
    async with app.run_test() as pilot:
        row = app.screen.query_one(ChoiceRow)
        row.focus()
        await pilot.press("w")
        assert row.value == "second"
        assert " q first" in row.render().plain and " w second" in row.render().plain


# -- no label string defined elsewhere ---------------------------------------------------

# Places that spell a label name on purpose, each with why. Keep this short:
# prefer reading the label from annotations.labels.
ALLOWED = {
    ("annotations/links.py", "contradicts"): "the key of claim_groups.jsonl's `sources` object, not the relation",
}
SCANNED = ("annotations", "tui")  # corpus/ cannot import annotations (the layers): its FNC-1 reader has its own


def label_names() -> set[str]:
    return {name for label_set_ in ALL_SETS.values() for name in label_set_.names}


def literals(source: str, names: set[str]) -> list[tuple[int, str]]:
    """(line, text) of every string literal in ``source`` that is exactly a
    label name (parts of longer strings, such as messages, are not)."""
    return [(node.lineno, node.value) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names]


def test_the_scan_finds_a_label_spelt_out():
    names = label_names()
    assert literals('RELATIONS = ("same", "supports")\nif x == "agree": pass\n', names) == [
        (1, "same"), (1, "supports"), (2, "agree")]
    assert literals('message = f"not one of {names}: agree"\n"""Docstring: same."""\n', names) == []
    own = literals((ROOT / "annotations" / "labels.py").read_text(encoding="utf-8"), names)
    assert {text for _, text in own} == names  # labels.py spells every one


def test_no_label_string_is_defined_outside_labels_py():
    names = label_names()
    found = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            if where == "annotations/labels.py":
                continue
            for line, text in literals(path.read_text(encoding="utf-8"), names):
                if (where, text) not in ALLOWED:
                    found.append(f"{where}:{line}: {text!r}")
    assert not found, ("label names spelt out outside annotations/labels.py (read them from there, or add the "
                       "place to ALLOWED with why): " + "; ".join(found))
