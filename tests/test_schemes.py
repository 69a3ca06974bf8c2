"""Label schemes (issue 16): the scheme file, the store's recorded scheme and
its change rules, and everything headless that follows the scheme (the desk,
the export, the import, agreement)."""

from __future__ import annotations

import json
import shutil
import string
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations import labels
from annotations.labels import DEFAULT, FORM_KEYS, label_set, label_sets
from annotations.scheme_file import (
    MAX_LABELS,
    SchemeError,
    fingerprint,
    parse_scheme,
    read_scheme,
    read_scheme_file,
    same_labels,
    scheme_from_record,
    scheme_record,
)
from annotations.schema import ValidationError
from annotations.store import AnnotationStore, SchemeMismatch
from corpus.articles import load_folder, sample_corpus_path
from tests.helpers import span_of
from tui import cli

ROOT = Path(__file__).resolve().parent.parent
SCHEMES = ROOT / "schemes"
FEVER = ("SUPPORTS", "REFUTES", "NOT ENOUGH INFO")
PHRASE = "This brings the death toll in the Armenian stronghold to 158 soldiers."


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def one_line_error(exc: BaseException) -> str:
    message = str(exc)
    assert "\n" not in message and "Traceback" not in message
    return message


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def fever_corpus(tmp_path) -> Path:
    """The sample corpus as a folder with schemes/fever.toml as its factdesk.toml
    (and the example guidelines beside it)."""
    folder = tmp_path / "news"
    shutil.copytree(sample_corpus_path(), folder)
    shutil.copy(SCHEMES / "fever.toml", folder / "factdesk.toml")
    shutil.copy(SCHEMES / "guidelines.md", folder / "guidelines.md")
    return folder


def scheme_of(text: str, name: str = "test.toml", folder: Path | None = None):
    return parse_scheme(text, (folder or Path.cwd()) / name).scheme


# -- the scheme file -----------------------------------------------------------------------

def test_the_example_schemes_are_valid_and_fnc1_is_the_default():
    fnc1 = read_scheme(SCHEMES / "fnc1.toml")
    assert same_labels(fnc1, DEFAULT) and label_sets(fnc1) == label_sets()
    assert fnc1.stance == DEFAULT.stance and fnc1.links == DEFAULT.links and fnc1.entities == DEFAULT.entities
    fever = read_scheme_file(SCHEMES / "fever.toml")
    assert fever.scheme.name == "FEVER" and fever.scheme.stance.names == FEVER
    assert fever.scheme.stance.get("REFUTES").hint == "If the claim is true, the target is false."
    assert fever.scheme.guidelines.startswith("# Annotation guidelines") and fever.guidelines.name == "guidelines.md"
    assert fever.scheme.claim_type == DEFAULT.claim_type  # tables left out keep the default's
    assert read_scheme(SCHEMES / "semeval2016.toml").stance.names == ("FAVOR", "AGAINST", "NONE")
    checkthat = read_scheme(SCHEMES / "checkthat.toml")
    assert checkthat.checkworthiness.names == ("Yes", "No") and checkthat.reliability.ordinal
    for path in SCHEMES.glob("*.toml"):
        scheme = read_scheme(path)
        for name in ("stance", "checkworthiness"):
            assert all(label.hint for label in getattr(scheme, name)), f"{path.name}: {name} without help"


def test_a_label_list_that_is_text_is_one_clear_error(tmp_path):
    path = write(tmp_path / "factdesk.toml", '[stance]\nlabels = "SUPPORTS"\n')
    with pytest.raises(SchemeError) as caught:
        read_scheme(path)
    message = one_line_error(caught.value)
    assert message.startswith(f"{path} line 2: stance.labels should be a list of text, not text")
    assert 'write labels = ["SUPPORTS"]' in message


@pytest.mark.parametrize("text,expected", [
    ("[stance]\nlabels = []\n", "line 2: stance.labels is empty"),
    ('[stance]\nlabels = ["A", "B", "A"]\n', 'line 2: stance.labels lists "A" twice'),
    ('[stance]\nlabels = ["A", 3]\n', "line 2: stance.labels item 2 is a number"),
    ('[stance]\nlables = ["A"]\n', "line 2: stance.lables is not a key factdesk knows; did you mean 'labels'?"),
    ('[stanse]\nlabels = ["A"]\n', "line 1: stanse is not a key factdesk knows; did you mean 'stance'?"),
    ('[stance]\nrequired = "yes"\n', "line 2: stance.required should be true or false"),
    ('[stance]\nlabels = ["A"]\n[stance.help]\nB = "x"\n', "line 4: stance.help.B is not a label of stance"),
    ('[links]\nlabels = ["same", "other"]\nbacks = ["sam"]\n',
     'line 3: links.backs names "sam", which is not in links.labels'),
    ('[links]\nlabels = ["a", "b"]\nbacks = ["a"]\ncontradicts = ["a"]\n', "a relation cannot both back and contradict"),
    ('[links]\nlabels = ["a", "b"]\nbacks = []\ngroups = ["a"]\n', "a relation that forms groups also backs"),
    ('[entities]\nlabels = ["X"]\nspeakers = ["Y"]\n', 'entities.speakers names "Y", which is not in entities.labels'),
    ('[guidelines]\nfile = "missing.md"\n', 'line 2: guidelines.file names "missing.md", which is not there'),
    ("[stance\n", "line 1: not valid TOML"),
    ('stance = "agree"\n', "line 1: stance should be a table"),
    ('[stance]\nlabels = ["  padded"]\n', "has spaces around it"),
    ('[stance]\nlabels = ["two\\nlines"]\n', "holds a control character or a line break"),
])
def test_each_problem_is_one_line_naming_the_file_line_and_key(tmp_path, text, expected):
    path = write(tmp_path / "factdesk.toml", text)
    with pytest.raises(SchemeError) as caught:
        read_scheme(path)
    message = one_line_error(caught.value)
    assert message.startswith(str(path)) and expected in message


def test_more_than_fifty_labels_are_refused_and_thirty_validate(tmp_path):
    many = [f"label {n}" for n in range(MAX_LABELS + 1)]
    with pytest.raises(SchemeError, match=f"has {MAX_LABELS + 1} labels; a set holds at most {MAX_LABELS}"):
        scheme_of(f"[stance]\nlabels = {json.dumps(many)}\n", folder=tmp_path)
    thirty = [f"S{n:02d}" for n in range(30)]
    scheme = scheme_of(f"[stance]\nlabels = {json.dumps(thirty)}\n[stance.help]\nS29 = 'the last'\n", folder=tmp_path)
    assert scheme.stance.names == tuple(thirty)
    keys = [label.key for label in scheme.stance]
    assert keys == list(FORM_KEYS[:30]) and keys[:10] == list("1234567890") and keys[10:12] == ["a", "b"]
    assert scheme.stance.key_range() == "1–0, a–t"
    assert scheme.stance.by_key("t").name == "S29" and scheme.stance.get("S29").hint == "the last"
    colours = [label.colour for label in scheme.stance]
    assert colours == [labels.PALETTE[i % len(labels.PALETTE)] for i in range(30)]
    fifty = scheme_of(f"[entities]\nlabels = {json.dumps([f'E{n}' for n in range(50)])}\n", folder=tmp_path)
    entity_keys = [label.key for label in fifty.entities]
    assert None not in entity_keys and "0" not in entity_keys and "a" not in entity_keys and "m" not in entity_keys


def test_keys_and_colours_stay_with_their_labels_when_labels_are_added(tmp_path):
    three = scheme_of('[stance]\nlabels = ["A", "B", "C"]\n', folder=tmp_path)
    four = scheme_of('[stance]\nlabels = ["A", "B", "C", "D"]\n', folder=tmp_path)
    assert four.stance.labels[:3] == three.stance.labels


def test_a_table_left_out_is_the_default_and_the_record_round_trips(tmp_path):
    empty = scheme_of("", folder=tmp_path)
    assert same_labels(empty, DEFAULT) and empty.stance == DEFAULT.stance
    scheme = read_scheme(SCHEMES / "checkthat.toml")
    assert scheme_from_record(json.loads(json.dumps(scheme_record(scheme)))) == scheme
    assert fingerprint(scheme_from_record(scheme_record(DEFAULT))) == fingerprint(DEFAULT)
    assert fingerprint(scheme) != fingerprint(DEFAULT)


# Hypothesis: whatever the file holds, reading it gives a scheme or one SchemeError line naming the file

_label = st.text(alphabet=string.ascii_letters + string.digits + " -_", min_size=1, max_size=12)
_value = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 60) | _label,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_label, inner, max_size=3), max_leaves=8)
_keys = st.sampled_from(["labels", "required", "ordinal", "about", "help", "reasons", "backs", "contradicts",
                         "groups", "speakers", "legend", "file", "lables"])
_tables = st.sampled_from(["stance", "claim_type", "checkworthiness", "reliability", "links", "entities",
                           "guidelines", "name", "stanse"])


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items() if v is not None) + "}"
    return '""'


@given(st.dictionaries(_tables, st.dictionaries(_keys, _value, max_size=4), max_size=4))
def test_any_file_gives_a_scheme_or_one_clear_line(tmp_path_factory, doc):
    folder = tmp_path_factory.mktemp("scheme")
    lines = []
    for table, body in doc.items():
        lines.append(f"[{table}]")
        lines += [f"{json.dumps(k)} = {_toml(v)}" for k, v in body.items() if v is not None]
    path = write(folder / "factdesk.toml", "\n".join(lines) + "\n")
    try:
        scheme = read_scheme(path)
    except SchemeError as exc:
        assert one_line_error(exc).startswith(str(path))
        return
    for name in ("stance", "claim_type", "checkworthiness", "reliability", "links", "entities"):
        label_set_ = getattr(scheme, name)
        assert 1 <= len(label_set_) <= MAX_LABELS
        given_labels = doc.get(name, {}).get("labels")
        if given_labels is not None:
            assert list(label_set_.names) == given_labels
    assert scheme_from_record(scheme_record(scheme)) == scheme


@given(st.lists(_label.filter(lambda s: s == s.strip()), min_size=1, max_size=MAX_LABELS, unique=True))
def test_any_valid_label_list_is_kept_verbatim_in_order_with_its_own_keys(labels_):
    scheme = parse_scheme(f"[stance]\nlabels = {json.dumps(labels_)}\n", Path("x.toml")).scheme
    assert list(scheme.stance.names) == labels_
    assert len({label.key for label in scheme.stance}) == len(labels_)


# -- the store records its scheme, and its change rules --------------------------------------

@pytest.fixture
def fever():
    return read_scheme(SCHEMES / "fever.toml")


def fever_store(tmp_path, corpus, fever, name="fever.json"):
    store = AnnotationStore(tmp_path / name, annotator="tester", scheme=fever)
    store.register_corpus(corpus)
    return store


def test_a_store_records_its_scheme_and_validates_every_write(tmp_path, corpus, fever):
    store = fever_store(tmp_path, corpus, fever)
    article = corpus.articles[0]
    assert store.meta["scheme"]["fingerprint"] == fingerprint(fever) and store.scheme == fever
    claim = store.add_claim(article.id, *span_of(article.text, PHRASE), {"t1": "REFUTES"})
    with pytest.raises(ValidationError, match=r"stance 'agree' is not one of SUPPORTS, REFUTES, NOT ENOUGH INFO "
                                              r"\(scheme 'FEVER'\)"):
        store.set_stance(claim["id"], "t1", "agree")
    store.close()
    with AnnotationStore(tmp_path / "fever.json") as again:  # no scheme given: the recorded one
        assert again.scheme == fever and again.claim(claim["id"])["stances"] == {"t1": "REFUTES"}


def test_writes_outside_every_set_of_the_scheme_are_refused(tmp_path, corpus):
    scheme = scheme_of('[claim_type]\nlabels = ["fact", "view"]\n[checkworthiness]\nlabels = ["Yes", "No"]\n'
                       '[reliability]\nlabels = ["low", "high"]\nreasons = ["no sources"]\n'
                       '[links]\nlabels = ["equals", "denies"]\nbacks = ["equals"]\ncontradicts = ["denies"]\n'
                       'groups = ["equals"]\n[entities]\nlabels = ["PER", "PLACE"]\n', folder=tmp_path)
    store = AnnotationStore(tmp_path / "s.json", scheme=scheme)
    store.register_corpus(corpus)
    a, b = corpus.articles[0], corpus.articles[3]
    one = store.add_claim(a.id, 0, 10, {"t1": DEFAULT.stance.names[0]}, claim_type="fact", checkworthiness="Yes")
    two = store.add_claim(b.id, 0, 10, {"t1": DEFAULT.stance.names[0]})
    for bad in ({"claim_type": DEFAULT.claim_type.names[0]}, {"checkworthiness": DEFAULT.checkworthiness.names[0]}):
        with pytest.raises(ValidationError, match="is not one of"):
            store.update_claim(one["id"], **bad)
    store.rate_article(a.id, "high", codes=["no sources"])
    with pytest.raises(ValidationError):
        store.rate_article(a.id, DEFAULT.reliability.names[0])
    with pytest.raises(ValidationError):
        store.rate_source("somewhere", "low", codes=[DEFAULT.reliability.reasons.names[0]])
    store.link_claims(one["id"], two["id"], "equals")
    with pytest.raises(ValidationError, match="link label"):
        store.link_claims(one["id"], two["id"], DEFAULT.links.names[0])
    assert [g.claim_ids for g in store.claim_groups()] == [sorted([one["id"], two["id"]])]  # equals forms groups
    assert store.correct_entities([(a.id, 0, 5, "PLACE")]) == 1
    with pytest.raises(ValidationError, match="entity label"):
        store.correct_entities([(a.id, 0, 5, DEFAULT.entities.names[0])])
    store.close()


def test_added_labels_just_work_and_the_copy_is_updated(tmp_path, corpus, fever):
    store = fever_store(tmp_path, corpus, fever)
    article = corpus.articles[0]
    store.add_claim(article.id, *span_of(article.text, PHRASE), {"t1": "REFUTES"})
    store.close()
    more = replace(fever, stance=label_set((*FEVER, "DISPUTED"), {n: "" for n in (*FEVER, "DISPUTED")},
                                           required=True))
    with AnnotationStore(tmp_path / "fever.json", scheme=more) as store:
        assert store.scheme.stance.names[-1] == "DISPUTED"
        assert store.meta["scheme"]["fingerprint"] == fingerprint(more)
        assert store.storage.history(lambda table, before, after: table == "meta") is not None
    with AnnotationStore(tmp_path / "fever.json") as store:
        assert store.scheme == more


def test_a_removed_label_in_use_is_refused_with_its_count(tmp_path, corpus, fever):
    store = fever_store(tmp_path, corpus, fever)
    for article in corpus.articles[:2]:
        store.add_claim(article.id, 0, 12, {"t1": "REFUTES"})
    store.close()
    before = (tmp_path / "fever.json.journal").read_bytes() if (tmp_path / "fever.json.journal").exists() else b""
    fewer = replace(fever, stance=label_set(("SUPPORTS", "NOT ENOUGH INFO"), {"SUPPORTS": "", "NOT ENOUGH INFO": ""}),
                    name="fewer")
    with pytest.raises(SchemeMismatch) as caught:
        AnnotationStore(tmp_path / "fever.json", scheme=fewer)
    message = one_line_error(caught.value)
    assert "the scheme 'fewer' has no stance label 'REFUTES', which 2 record(s) of this store use" in message
    assert f"factdesk scheme rename --db {tmp_path / 'fever.json'} REFUTES NEW --set stance" in message
    assert "factdesk scheme drop" in message
    after = (tmp_path / "fever.json.journal").read_bytes() if (tmp_path / "fever.json.journal").exists() else b""
    assert after == before  # nothing was written
    # an unused label may go
    unused = replace(fever, stance=label_set(("SUPPORTS", "REFUTES"), {"SUPPORTS": "", "REFUTES": ""}))
    with AnnotationStore(tmp_path / "fever.json", scheme=unused) as store:
        assert store.scheme.stance.names == ("SUPPORTS", "REFUTES")


def test_rename_and_drop_are_journalled_undoable_and_kept_on_reopen(tmp_path, corpus, fever):
    store = fever_store(tmp_path, corpus, fever)
    a, b = corpus.articles[0], corpus.articles[3]
    one = store.add_claim(a.id, 0, 12, {"t1": "REFUTES"})
    two = store.add_claim(b.id, 0, 12, {"t1": "SUPPORTS"})
    store.rate_article(a.id, DEFAULT.reliability.names[0], codes=[DEFAULT.reliability.reasons.names[0]])
    assert store.rename_label("REFUTES", "CONTRADICTS") == ("stance", 1)
    assert store.scheme.stance.names == ("SUPPORTS", "CONTRADICTS", "NOT ENOUGH INFO")
    assert store.scheme.stance.get("CONTRADICTS").key == "2"  # the label keeps its key and colour
    assert store.claim(one["id"])["stances"] == {"t1": "CONTRADICTS"}
    assert store.history(one["id"])[-1]["label"] == "rename stance label REFUTES to CONTRADICTS"
    assert store.undo() == "rename stance label REFUTES to CONTRADICTS"
    assert store.scheme.stance.names == FEVER and store.claim(one["id"])["stances"] == {"t1": "REFUTES"}
    assert store.redo() == "rename stance label REFUTES to CONTRADICTS"
    assert store.scheme.stance.get("CONTRADICTS") is not None
    dropped_code = DEFAULT.reliability.reasons.names[0]
    assert store.drop_label(dropped_code) == ("reasons", 1)
    assert store.rating(a.id)["rationale_codes"] == [] and dropped_code not in store.scheme.reliability.reasons
    assert store.drop_label("SUPPORTS", "stance") == ("stance", 1)
    assert store.claim(two["id"])["stances"] == {}
    with pytest.raises(ValidationError, match="has no label"):
        store.drop_label("nothing-like-it")
    store.close()
    with AnnotationStore(tmp_path / "fever.json") as again:
        assert again.scheme.stance.names == ("CONTRADICTS", "NOT ENOUGH INFO")
        assert again.undo() == "drop stance label SUPPORTS"
        assert again.scheme.stance.names == ("SUPPORTS", "CONTRADICTS", "NOT ENOUGH INFO")
        assert again.claim(two["id"])["stances"] == {"t1": "SUPPORTS"}
    # the renamed store opens with a scheme file that has the new name
    renamed = replace(fever, stance=label_set(("SUPPORTS", "CONTRADICTS", "NOT ENOUGH INFO"),
                                              {"SUPPORTS": "", "CONTRADICTS": "", "NOT ENOUGH INFO": ""}))
    with AnnotationStore(tmp_path / "fever.json", scheme=renamed) as again:
        assert again.scheme.stance.names == renamed.stance.names


def test_a_store_made_before_schemes_is_default(tmp_path, corpus, store):
    assert "scheme" not in store.meta and store.scheme is DEFAULT
    store.close()
    with AnnotationStore(tmp_path / "store.json", scheme=DEFAULT) as again:  # the default: nothing written
        assert "scheme" not in again.meta


def test_the_scheme_command_renames_and_drops(tmp_path, corpus, fever, capsys):
    store = fever_store(tmp_path, corpus, fever)
    claim = store.add_claim(corpus.articles[0].id, 0, 12, {"t1": "NOT ENOUGH INFO"})
    store.close()
    db = str(tmp_path / "fever.json")
    assert cli.main(["scheme", "rename", "--db", db, "NOT ENOUGH INFO", "NEI"]) == 0
    assert "renamed to 'NEI' in the store's scheme and in 1 record(s)" in capsys.readouterr().out
    assert cli.main(["scheme", "show", "--db", db]) == 0
    assert "stance (required): 1 SUPPORTS, 2 REFUTES, 3 NEI" in capsys.readouterr().out
    assert cli.main(["scheme", "drop", "--db", db, "NOPE"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has no label 'NOPE'" in err
    assert cli.main(["scheme", "drop", "--db", db, "NEI", "--set", "stance"]) == 0
    with AnnotationStore(db) as again:
        assert again.claim(claim["id"])["stances"] == {}
    assert cli.main(["scheme", "check", str(SCHEMES / "semeval2016.toml")]) == 0
    assert "a valid scheme" in capsys.readouterr().out


# -- everything follows the scheme -----------------------------------------------------------

def test_a_fever_folder_corpus_end_to_end(fever_corpus, analyser, rules_cache, tmp_path, monkeypatch, capsys):
    """The issue's "done when": a folder corpus with a FEVER factdesk.toml; a
    claim tagged REFUTES through the desk is exported as REFUTES; labels.json
    lists the scheme's labels in its order; importing a claim with stance
    agree is refused with its file and line."""
    from annotations.desk import Desk

    monkeypatch.setenv("FACTDESK_CACHE_DIR", str(rules_cache))
    db = tmp_path / "fever-store.json"
    corpus, store, _ = cli.open_session(str(fever_corpus), str(db))
    try:
        assert len(corpus.articles) == len(load_folder(sample_corpus_path()).articles)  # guidelines.md is no article
        desk = Desk(corpus, store, analyser)
        assert desk.scheme.name == "FEVER" and desk.scheme.stance.names == FEVER
        assert desk.scheme.guidelines.startswith("# Annotation guidelines")
        article = corpus.articles[0]
        claim = desk.add_claim(article.id, *span_of(article.text, PHRASE),
                               {"t1": desk.scheme.stance.by_key("2").name})
        assert claim["stances"] == {"t1": "REFUTES"}
    finally:
        store.close()
    out = tmp_path / "out"
    assert cli.main(["export", "--db", str(db), "--out", str(out), "--model", "rules", "--task", "stance",
                     "--format", "jsonl,fever"]) == 0
    rows = read_jsonl(out / "stance.jsonl")
    assert [(r["claim_id"], r["label"]) for r in rows] == [(claim["id"], "REFUTES")]
    assert [r["label"] for r in read_jsonl(out / "fever.jsonl")] == ["REFUTES"]  # FEVER's own labels: no --map
    sets = json.loads((out / "labels.json").read_text(encoding="utf-8"))
    assert sets["stance"] == list(FEVER)
    assert {k: v for k, v in sets.items() if k != "stance"} == {k: v for k, v in label_sets().items() if k != "stance"}
    assert "SUPPORTS, REFUTES or NOT ENOUGH INFO (FEVER's labels)" in (out / "README.md").read_text(encoding="utf-8")
    # export --corpus checks the corpus's scheme too, and agrees with the store's
    assert cli.main(["export", "--corpus", str(fever_corpus), "--db", str(db), "--out", str(tmp_path / "out2"),
                     "--model", "rules", "--task", "stance", "--format", "jsonl"]) == 0
    capsys.readouterr()

    # importing a claim with stance agree into this store is refused with file and line
    task = json.loads((out / "stance.jsonl").read_text(encoding="utf-8").splitlines()[0])
    good = {"text": article.text, "meta": {"doc_id": article.id},
            "spans": [{"start": 0, "end": 12, "label": labels.CLAIM_LABEL, "stances": {"t1": "SUPPORTS"}}]}
    bad = {**good, "spans": [{**good["spans"][0], "start": 20, "end": 40, "stances": {"t1": "agree"}}]}
    source = tmp_path / "claims.jsonl"
    source.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    assert cli.main(["import", str(source), "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert ("claims.jsonl line 2 span 1: stance 'agree' is not one of SUPPORTS, REFUTES, NOT ENOUGH INFO (the "
            "store's label scheme 'FEVER'") in err and "the claim is not imported" in err
    with AnnotationStore(db) as again:
        assert sorted(c["start"] for c in again.claims(article.id)) == [0, task["start"]]
    # with --map, the same record comes in translated
    assert cli.main(["import", str(source), "--db", str(db), "--map", "agree=SUPPORTS"]) == 0
    with AnnotationStore(db) as again:
        assert {c["start"]: c["stances"]["t1"] for c in again.claims(article.id)}[20] == "SUPPORTS"


def test_a_bad_scheme_is_the_first_error_one_line(fever_corpus, tmp_path, capsys):
    write(fever_corpus / "factdesk.toml", '[stance]\nlabels = "SUPPORTS"\n')
    for argv in (["export", "--corpus", str(fever_corpus), "--out", str(tmp_path / "x")],  # its store does not exist
                 ["ingest", str(fever_corpus), "--out", str(tmp_path / "ingested")],
                 ["import", str(tmp_path / "missing.jsonl"), "--corpus", str(fever_corpus)],
                 [str(fever_corpus)]):
        assert cli.main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "factdesk.toml line 2: stance.labels should be a list of text" in err, argv
        assert "no such store" not in err
    assert not (tmp_path / "ingested").exists()


def test_a_scheme_beside_a_jsonl_corpus_and_with_scheme(tmp_path, corpus):
    from tui.cli_common import corpus_scheme

    source = tmp_path / "news.jsonl"
    source.write_text(json.dumps({"text": corpus.articles[0].text}) + "\n", encoding="utf-8")
    assert corpus_scheme(str(source)) is None
    shutil.copy(SCHEMES / "semeval2016.toml", tmp_path / "news.factdesk.toml")
    assert corpus_scheme(str(source)).scheme.stance.names == ("FAVOR", "AGAINST", "NONE")
    assert corpus_scheme(str(source), str(SCHEMES / "checkthat.toml")).scheme.name == "CheckThat!"
    with pytest.raises(SchemeError, match="no such scheme file"):
        corpus_scheme(str(source), str(tmp_path / "nope.toml"))


def test_ingest_copies_the_scheme_into_the_folder(tmp_path, monkeypatch, capsys):
    source = tmp_path / "src"
    shutil.copytree(sample_corpus_path(), source)
    shutil.copy(SCHEMES / "fever.toml", source / "factdesk.toml")
    shutil.copy(SCHEMES / "guidelines.md", source / "guidelines.md")
    out = tmp_path / "ingested"
    assert cli.main(["ingest", str(source), "--out", str(out), "--model", "rules"]) == 0
    assert (out / "factdesk.toml").read_bytes() == (SCHEMES / "fever.toml").read_bytes()
    assert read_scheme(out / "factdesk.toml").stance.names == FEVER


def test_fnc1_import_into_another_scheme_needs_a_map(tmp_path, corpus, fever):
    from annotations.imports import import_path

    stances = tmp_path / "x_stances.csv"
    bodies = tmp_path / "x_bodies.csv"
    bodies.write_text('Body ID,articleBody\n1,"Troops withdrew from the town on Monday."\n', encoding="utf-8")
    agree, disagree, discuss, unrelated = DEFAULT.stance.names
    stances.write_text(f"Headline,Body ID,Stance\nA ceasefire holds,1,{agree}\nThe town fell,1,{unrelated}\n",
                       encoding="utf-8")
    store = fever_store(tmp_path, corpus, fever)
    with pytest.raises(ValidationError) as caught:
        import_path(store, stances)
    assert "are not the store's label scheme 'FEVER'" in one_line_error(caught.value)
    assert "--map agree=SUPPORTS" in str(caught.value)
    report = import_path(store, stances, label_map={agree: "SUPPORTS"})
    assert [g["stance"] for g in store.gold()] == ["SUPPORTS"]
    assert any("1 unrelated gold stance(s) left out" in w for w in report.warnings)
    store.close()


def test_the_export_follows_a_semeval_and_checkthat_scheme(tmp_path, corpus, analyser):
    from annotations.export import export_store
    from annotations.fc_formats import default_fever_map, verdicts

    scheme = replace(read_scheme(SCHEMES / "semeval2016.toml"),
                     checkworthiness=read_scheme(SCHEMES / "checkthat.toml").checkworthiness)
    assert default_fever_map(scheme) == {} and default_fever_map(DEFAULT) == {
        DEFAULT.stance.names[0]: "SUPPORTS", DEFAULT.stance.names[1]: "REFUTES",
        DEFAULT.stance.names[2]: "NOT ENOUGH INFO"}
    assert verdicts(scheme) == {"Yes": 1, "No": 0} and verdicts(DEFAULT) == {
        DEFAULT.checkworthiness.names[0]: 1, DEFAULT.checkworthiness.names[1]: 0,
        DEFAULT.checkworthiness.names[2]: -1}
    store = AnnotationStore(tmp_path / "s.json", scheme=scheme)
    store.register_corpus(corpus)
    article = corpus.articles[0]
    store.add_claim(article.id, *span_of(article.text, PHRASE), {"t1": "AGAINST"}, checkworthiness="Yes")
    report = export_store(store, tmp_path / "out", analyser, formats=("jsonl", "fever", "checkthat"))
    assert [r["label"] for r in read_jsonl(tmp_path / "out" / "stance.jsonl")] == ["AGAINST"]
    assert read_jsonl(tmp_path / "out" / "fever.jsonl") == []
    assert any("have no FEVER label; give them with --map" in w for w in report.warnings)
    assert "\tYes" in (tmp_path / "out" / "checkthat.tsv").read_text(encoding="utf-8")
    export_store(store, tmp_path / "mapped", analyser, formats=("fever",), fever_map={"AGAINST": "REFUTES"})
    assert [r["label"] for r in read_jsonl(tmp_path / "mapped" / "fever.jsonl")] == ["REFUTES"]
    store.close()


def test_stores_of_different_schemes_are_not_merged(tmp_path, corpus, fever, store, analyser):
    from annotations.export import ExportError, export

    other = fever_store(tmp_path, corpus, fever)
    with pytest.raises(ExportError, match="whose labels differ"):
        export([store, other], tmp_path / "out", analyser)
    other.close()


def test_agreement_reads_the_labels_from_the_scheme(tmp_path, corpus, fever, capsys):
    first, second = fever_store(tmp_path, corpus, fever, "a.json"), fever_store(tmp_path, corpus, fever, "b.json")
    article = corpus.articles[0]
    for s, stance in ((first, "REFUTES"), (second, "REFUTES")):
        s.add_claim(article.id, *span_of(article.text, PHRASE), {"t1": stance})
        s.close()
    assert cli.main(["agreement", "--db", str(tmp_path / "a.json"), "--db", str(tmp_path / "b.json"),
                     "--json", "--model", "rules"]) == 0
    stance = json.loads(capsys.readouterr().out)["tasks"]["stance"]
    assert stance["labels"] == list(FEVER) and stance["units"] == 1 and stance["percent"] == 1.0


def test_the_default_labels_json_is_unchanged(store, analyser, tmp_path):
    from annotations.export import export_store

    export_store(store, tmp_path / "out", analyser)
    assert (tmp_path / "out" / "labels.json").read_bytes() == json.dumps(label_sets(DEFAULT), indent=2).encode() + b"\n"


def test_the_desk_says_when_an_undo_changes_the_scheme(tmp_path, corpus, fever, analyser):
    from annotations.desk import ClaimsChanged, Desk, SchemeChanged

    store = fever_store(tmp_path, corpus, fever)
    desk = Desk(corpus, store, analyser)
    claim = desk.add_claim(corpus.articles[0].id, 0, 12, {"t1": "REFUTES"})
    heard = []
    desk.subscribe(heard.append)
    store.rename_label("REFUTES", "CONTRADICTS")  # as `factdesk scheme rename` does, from outside the desk
    assert desk.scheme.stance.names[1] == "CONTRADICTS"
    assert [type(e) for e in heard if isinstance(e, (SchemeChanged, ClaimsChanged))] == [SchemeChanged, ClaimsChanged]
    heard.clear()
    desk.undo()
    assert desk.scheme.stance.names == FEVER and store.claim(claim["id"])["stances"] == {"t1": "REFUTES"}
    assert any(isinstance(e, SchemeChanged) for e in heard)
    heard.clear()
    desk.add_claim(corpus.articles[0].id, 20, 30, {"t1": "SUPPORTS"})
    assert not any(isinstance(e, SchemeChanged) for e in heard)
    store.close()


async def test_a_fever_folder_corpus_in_the_app_from_the_keyboard_to_the_export(
        fever_corpus, analyser, rules_cache, tmp_path, monkeypatch, capsys):
    """The issue's first "done when", as a reader does it: the folder with its
    factdesk.toml opened as the command opens it, the claim form offers FEVER's
    labels with their keys, REFUTES is chosen by its key, and the export says REFUTES."""
    from tests.helpers import screen_text, wait_for
    from tui.app import FactdeskApp
    from tui.screens.claim_form import ClaimForm

    monkeypatch.setenv("FACTDESK_CACHE_DIR", str(rules_cache))
    db = tmp_path / "fever.json"
    corpus, store, _ = cli.open_session(str(fever_corpus), str(db))
    try:
        app = FactdeskApp(corpus, store, analyser)
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.pause()
            article = corpus.articles[0]
            app.main.jump_to(article.id, *span_of(article.text, PHRASE))
            await pilot.press("c")
            await wait_for(pilot, lambda: isinstance(app.screen, ClaimForm))
            shown = screen_text(app)  # what the reader sees
            assert all(f"{n} {label}" in shown for n, label in zip("123", FEVER)), shown
            await pilot.press("2", "enter")
            await wait_for(pilot, lambda: not isinstance(app.screen, ClaimForm))
        [claim] = store.claims(article.id)
        assert claim["stances"] == {"t1": "REFUTES"}
    finally:
        store.close()
    out = tmp_path / "out"
    assert cli.main(["export", "--db", str(db), "--out", str(out), "--model", "rules", "--task", "stance",
                     "--format", "jsonl"]) == 0
    assert [r["label"] for r in read_jsonl(out / "stance.jsonl")] == ["REFUTES"]
    assert json.loads((out / "labels.json").read_text(encoding="utf-8"))["stance"] == list(FEVER)
    capsys.readouterr()
