"""The fact-checking world's formats (issue 18): FEVER, CheckThat!, ClaimBuster and
ClaimReview out and back in, stance files that train as they are, and the export
folder as a Hugging Face dataset, each read by its real client."""

from __future__ import annotations

import csv
import json
import subprocess
import tempfile
from pathlib import Path

import pytest

from annotations.export import FILES, ExportError, Split, export_store, parse_split
from annotations.fc_formats import DEFAULT_FEVER_MAP, FEVER_LABELS, parse_map
from annotations.imports import import_path, kind_of
from annotations.store import AnnotationStore
from corpus.text import visible
from tests.helpers import FNC1, PYTHON, annotate_sample, linked, needs_fnc1, run_env

SPECS = {spec.name: spec for spec in FILES}
NEW = ("fever.jsonl", "checkthat.tsv", "claimbuster.csv", "claimreview.jsonld")
FORMAT_OF = {"fever.jsonl": "fever", "checkthat.tsv": "checkthat", "claimbuster.csv": "claimbuster",
             "claimreview.jsonld": "claimreview"}


def lines(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def fresh_store(tmp_path, corpus, name="second.json"):
    store = AnnotationStore(tmp_path / name, annotator="someone-else")
    store.register_corpus(corpus)
    return store


@pytest.fixture
def rich(annotated, corpus):
    """The sample annotations, the linked claims and a group with its own wording and stance."""
    c = linked(annotated, corpus)
    group = next(g for g in annotated.claim_groups() if c["toll0"]["id"] in g.claim_ids)
    annotated.set_group(group.id, canonical="158 Armenian soldiers killed", stance={"t1": "discuss"})
    return annotated


@pytest.fixture
def first(rich, analyser, tmp_path):
    export_store(rich, tmp_path / "first", analyser)
    return tmp_path / "first"


# -- round trips -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["fever.jsonl", "claimbuster.csv", "claimreview.jsonld"])
def test_export_import_export_is_byte_equal(first, corpus, analyser, tmp_path, name):
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, first / name)
        assert report.added["claims"] > 0, report.summary()
        assert not [w for w in report.warnings if " line " in w], report.warnings
        again = import_path(store, first / name)
        assert sum(again.added.values()) == 0, again.summary()
        export_store(store, tmp_path / "again", analyser, formats=(FORMAT_OF[name],))
    assert (tmp_path / "again" / name).read_bytes() == (first / name).read_bytes()


def test_fever_round_trip_keeps_claims_stances_and_links(first, rich, corpus, tmp_path):
    rows = lines(first / "fever.jsonl")
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, first / "fever.jsonl")
        assert report.added["claim links"] == 3
        for row in rows:
            claim = store.claim(row["claim_id"])
            assert claim["quote"] == row["claim"] and claim["stances"][row["target_id"]] == row["stance"]
            assert (claim["start"], claim["end"]) == (row["start"], row["end"])
        assert {l["id"] for l in store.links()} == {l["id"] for l in rich.links()}


def test_checkthat_round_trip_gives_back_the_articles_with_a_check_worthy_sentence(first, corpus, analyser, tmp_path):
    """CheckThat! carries only the Yes sentences: the articles holding one come back row for row."""
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, first / "checkthat.tsv")
        assert report.added["claims"] == 1 and any("labelled No make no claim" in w for w in report.warnings)
        (claim,) = store.claims()
        assert claim["checkworthiness"] == "check-worthy"
        export_store(store, tmp_path / "again", analyser, formats=("checkthat",))
    original = (first / "checkthat.tsv").read_text(encoding="utf-8").splitlines()
    yes_docs = {line.split(":")[0] for line in original[1:] if line.endswith("\tYes")}
    kept = [original[0]] + [line for line in original[1:] if line.split(":")[0] in yes_docs]
    assert (tmp_path / "again" / "checkthat.tsv").read_text(encoding="utf-8").splitlines() == kept


# -- what is in the files ------------------------------------------------------------------

def test_fever_rows_follow_the_mapping_and_name_their_evidence(first, rich):
    rows = lines(first / "fever.jsonl")
    claims = {c["id"]: c for c in rich.claims()}
    with_stance = {(c["id"], t): s for c in claims.values() for t, s in c["stances"].items()}
    expected = {k for k, s in with_stance.items() if s != "unrelated"}
    assert {(r["claim_id"], r["target_id"]) for r in rows} == expected  # every claim with a stance, unrelated out
    for row in rows:
        assert row["label"] == DEFAULT_FEVER_MAP[row["stance"]] and row["claim"] == claims[row["claim_id"]]["quote"]
        linked_to = {l["claim_id_b"] if l["claim_id_a"] == row["claim_id"] else l["claim_id_a"] for l in row["linked"]}
        assert {d for d, _ in row["evidence"]} == {claims[c]["article_id"] for c in linked_to}
        assert all(isinstance(i, int) and i >= 0 for _, i in row["evidence"])
    merc = next(r for r in rows if r["stance"] == "agree" and r["linked"])
    assert merc["label"] == "SUPPORTS" and [l["label"] for l in merc["linked"]] == ["contradicts"]


def test_fever_evidence_indexes_the_sentences_of_checkthat(first):
    """[doc_id, i] in FEVER is Sentence_id doc_id:i, whose text holds the linked claim."""
    import pandas as pd

    sentences = pd.read_csv(first / "checkthat.tsv", sep="\t", dtype=str, keep_default_na=False)
    text_of = dict(zip(sentences["Sentence_id"], sentences["Text"]))
    claims = {}
    for row in lines(first / "fever.jsonl"):
        claims[row["claim_id"]] = row["claim"]
    for row in lines(first / "fever.jsonl"):
        for link in row["linked"]:
            other = link["claim_id_b"] if link["claim_id_a"] == row["claim_id"] else link["claim_id_a"]
            texts = " ".join(text_of[f"{d}:{i}"] for d, i in row["evidence"])
            assert claims[other] in texts


def test_a_user_mapping_replaces_the_default(rich, analyser, tmp_path):
    mapping = parse_map("agree=SUPPORTS, unrelated=NOT_ENOUGH_INFO")
    assert mapping == {"agree": "SUPPORTS", "unrelated": "NOT ENOUGH INFO"}
    report = export_store(rich, tmp_path / "out", analyser, formats=("fever",), fever_map=mapping)
    rows = lines(tmp_path / "out" / "fever.jsonl")
    assert sorted({r["stance"] for r in rows}) == ["agree", "unrelated"]
    assert any("discuss stance(s)" in w and "left out" in w for w in report.warnings)
    for bad in ("agree", "agree=TRUE", "maybe=SUPPORTS", "agree=SUPPORTS,agree=REFUTES", ""):
        with pytest.raises(ExportError, match="--map"):
            parse_map(bad)


def test_checkworthiness_formats_give_every_sentence_one_row(first, rich, analyser):
    import pandas as pd

    tsv = pd.read_csv(first / "checkthat.tsv", sep="\t", dtype={"Sentence_id": str, "Text": str})
    cb = pd.read_csv(first / "claimbuster.csv", dtype={"Sentence_id": str, "Text": str})
    assert list(tsv.columns) == [f for f, _, _ in SPECS["checkthat.tsv"].fields]
    assert list(cb.columns) == [f for f, _, _ in SPECS["claimbuster.csv"].fields]
    assert pd.api.types.is_integer_dtype(cb["Verdict"]) and set(cb["Verdict"]) <= {-1, 0, 1}
    assert set(tsv["class_label"]) == {"Yes", "No"}
    assert list(tsv["Sentence_id"]) == list(cb["Sentence_id"]) and list(tsv["Text"]) == list(cb["Text"])
    assert ((tsv["class_label"] == "Yes") == (cb["Verdict"] == 1)).all()
    articles = {a["id"]: a["text"] for a in rich.articles()}
    claim_docs = {c["article_id"] for c in rich.claims()}
    assert {s.split(":")[0] for s in tsv["Sentence_id"]} == claim_docs  # every article with a claim
    for doc_id in claim_docs:  # every sentence, numbered from 0, in the order of the article
        texts = list(tsv[tsv["Sentence_id"].str.startswith(doc_id + ":")]["Text"])
        assert [int(s.split(":")[1]) for s in tsv["Sentence_id"] if s.startswith(doc_id + ":")] == list(range(len(texts)))
        at = 0
        for text in texts:
            at = articles[doc_id].index(text, at) + len(text)
        assert len(texts) > 5 and at > len(articles[doc_id]) - 100
    (yes,) = tsv[tsv["class_label"] == "Yes"]["Text"]
    assert "death toll in the Armenian stronghold to 158 soldiers" in yes
    withdraw = cb[cb["Text"].str.contains("Armenia must withdraw its troops", regex=False)]
    assert list(withdraw["Verdict"]) == [0]  # an unimportant claim


def test_claimreview_is_schema_org_json_ld(first, rich):
    items = json.loads((first / "claimreview.jsonld").read_text(encoding="utf-8"))
    groups = {g.id: g for g in rich.claim_groups()}
    assert isinstance(items, list) and {i["identifier"] for i in items} == set(groups)
    articles = {a["id"]: a for a in rich.articles()}
    claims = {c["id"]: c for c in rich.claims()}
    for item in items:
        assert item["@context"] == "https://schema.org" and item["@type"] == "ClaimReview"
        assert [k for k in item if not k.startswith("@")] == [f for f, _, _ in SPECS["claimreview.jsonld"].fields
                                                                if not f.startswith("@")]
        group = groups[item["identifier"]]
        assert item["claimReviewed"] == group.canonical
        claim = item["itemReviewed"]
        assert claim["@type"] == "Claim"
        members = [claims[c] for c in group.claim_ids]
        assert {a["name"] for a in claim["author"]} == {articles[m["article_id"]]["source"] for m in members}
        assert all(a["@type"] == "Organization" for a in claim["author"])
        assert sorted(w["text"] for w in claim["appearance"]) == sorted(m["quote"] for m in members)
        assert all(w["@type"] == "CreativeWork" and w["identifier"] in articles for w in claim["appearance"])
        rating = item["reviewRating"]
        assert rating["@type"] == "Rating" and rating["alternateName"] == group.stance[rating["identifier"]]
        assert item["author"] == {"@type": "Person", "name": "tester"}
        assert len(item["datePublished"]) == 10 and item["datePublished"][4] == "-"
    toll = next(i for i in items if i["claimReviewed"] == "158 Armenian soldiers killed")
    assert toll["reviewRating"]["alternateName"] == "discuss"


def test_documented_fields_are_the_files_fields(first):
    for row in lines(first / "fever.jsonl"):
        assert list(row) == [f for f, _, _ in SPECS["fever.jsonl"].fields]
    for name, delimiter in (("checkthat.tsv", "\t"), ("claimbuster.csv", ",")):
        with open(first / name, encoding="utf-8", newline="") as fh:
            assert next(csv.reader(fh, delimiter=delimiter)) == [f for f, _, _ in SPECS[name].fields]
    for row in lines(first / "stance.jsonl"):
        assert list(row) == [f for f, _, _ in SPECS["stance.jsonl"].fields]
    readme = (first / "README.md").read_text(encoding="utf-8")
    for name in NEW:
        assert f"`{name}`" in readme and SPECS[name].about.split(" (")[0] in readme
        for field, _, _ in SPECS[name].fields:
            assert f"`{field}`" in readme, (name, field)


def test_an_empty_store_writes_empty_but_readable_files(store, analyser, tmp_path):
    export_store(store, tmp_path / "out", analyser, formats=("fever", "checkthat", "claimbuster", "claimreview"))
    out = tmp_path / "out"
    assert (out / "fever.jsonl").read_bytes() == b""
    assert (out / "checkthat.tsv").read_text() == "Sentence_id\tText\tclass_label\n"
    assert (out / "claimbuster.csv").read_text() == "Sentence_id,Text,Verdict\n"
    assert json.loads((out / "claimreview.jsonld").read_text()) == []
    assert "configs:" not in (out / "README.md").read_text()  # no rows anywhere: no config


# -- a Hugging Face dataset --------------------------------------------------------------------

HF_SCRIPT = """
import json, sys
from datasets import load_dataset
folder, config, split, cache = sys.argv[1:5]
d = load_dataset(folder, config, split=split or None, cache_dir=cache)
rows = list(d) if split else [r for part in d.values() for r in part]
print("ROWS", json.dumps({"splits": [] if split else sorted(d), "rows": rows}))
"""


def load_with_datasets(folder: Path, config: str, tmp_path: Path, split: str = "") -> dict:
    """``datasets.load_dataset(folder, config)``, offline, in a child (the real client, nothing else given)."""
    pytest.importorskip("datasets")
    env = run_env(tmp_path, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", HF_HOME=str(tmp_path / "hf"))
    out = subprocess.run([PYTHON, "-c", HF_SCRIPT, str(folder), config, split, str(tmp_path / "hf-cache")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    line = next(l for l in out.stdout.splitlines() if l.startswith("ROWS "))
    return json.loads(line[5:])


def card(folder: Path) -> dict:
    yaml = pytest.importorskip("yaml")

    text = (folder / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def check_pairs(rows: list[dict]) -> None:
    assert rows
    for row in rows:
        assert row["premise"].strip() and row["hypothesis"].strip() and row["label"].strip(), row


def test_the_export_folder_loads_with_datasets_by_config_and_split(rich, analyser, tmp_path):
    folder = tmp_path / "hf"
    export_store(rich, folder, analyser, split=Split(parse_split("60/20/20"), "article", 0), formats=("jsonl",))
    meta = card(folder)
    assert meta["license"] and meta["language"] == ["en"] and "text-classification" in meta["task_categories"]
    configs = {c["config_name"]: c for c in meta["configs"]}
    assert configs["stance"].get("default") is True
    for config in configs.values():  # never an empty file
        for entry in config["data_files"]:
            assert (folder / entry["path"]).stat().st_size > 0, entry
    assert "# factdesk export" in (folder / "README.md").read_text()  # the human part is kept
    stance = load_with_datasets(folder, "stance", tmp_path)
    check_pairs(stance["rows"])
    assert len(stance["rows"]) == len(lines(folder / "train" / "stance.jsonl")) + len(lines(folder / "test" / "stance.jsonl"))
    test_claims = load_with_datasets(folder, "claims", tmp_path, split="test")
    assert [r["_annotator_id"] for r in test_claims["rows"]] == [t["_annotator_id"] for t in lines(folder / "test" / "claims.jsonl")]
    assert len(test_claims["rows"]) >= 1


def _fnc1_like(folder: Path, bodies: list[tuple[str, str]], stances: list[tuple[str, str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "small_bodies.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerows(bodies)
    with open(folder / "small_stances.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows(stances)
    return folder / "small_stances.csv"


def _gold_export_loads(stances_csv: Path, tmp_path: Path, analyser) -> list[dict]:
    with AnnotationStore(tmp_path / "gold.json", annotator="tester") as store:
        report = import_path(store, stances_csv)
        assert report.added["gold stances"] > 0
        export_store(store, tmp_path / "gold-out", analyser, formats=("jsonl", "csv"))
    folder = tmp_path / "gold-out"
    assert (folder / "stance.jsonl").read_bytes() == b""  # no claims: the stance config is the gold file
    stance = next(c for c in card(folder)["configs"] if c["config_name"] == "stance")
    assert stance["data_files"] == [{"split": "train", "path": "gold_stances.jsonl"}]
    gold = lines(folder / "gold_stances.jsonl")
    assert [list(r) for r in gold[:1]] == [[f for f, _, _ in SPECS["gold_stances.jsonl"].fields]]
    rows = load_with_datasets(folder, "stance", tmp_path)["rows"]
    check_pairs(rows)
    assert [(r["premise"], r["hypothesis"], r["label"]) for r in rows] == [
        (g["premise"], g["hypothesis"], g["label"]) for g in gold]
    return rows


def test_gold_stances_are_article_level_pairs_and_the_stance_config(corpus, analyser, tmp_path):
    """The bundled sample as a small FNC-1 corpus: bodies and headlines."""
    bodies = [(str(i), a.text) for i, a in enumerate(corpus.articles[:3], 1)]
    stances = [("Armenia and Azerbaijan agree to a ceasefire", "1", "discuss"),
               ("Armenia and Azerbaijan agree to a ceasefire", "2", "agree"),
               ("Turkey sends Syrian fighters to Azerbaijan", "3", "unrelated")]
    rows = _gold_export_loads(_fnc1_like(tmp_path / "fnc", bodies, stances), tmp_path, analyser)
    assert [r["label"] for r in rows] == ["discuss", "agree", "unrelated"]
    assert rows[0]["premise"] == corpus.articles[0].text


@needs_fnc1
def test_an_fnc1_export_loads_its_gold_stances_with_datasets(tmp_path, analyser):
    """A small subset of the FNC-1 competition test set (its first 200 stances and their bodies)."""
    with open(FNC1 / "competition_test_stances.csv", encoding="utf-8", newline="") as fh:
        stances = [(r["Headline"], r["Body ID"], r["Stance"]) for r in csv.DictReader(fh)][:200]
    wanted = {b for _, b, _ in stances}
    with open(FNC1 / "competition_test_bodies.csv", encoding="utf-8", newline="") as fh:
        bodies = [(r["Body ID"], r["articleBody"]) for r in csv.DictReader(fh) if r["Body ID"] in wanted]
    rows = _gold_export_loads(_fnc1_like(tmp_path / "fnc", bodies, stances), tmp_path, analyser)
    assert len(rows) == 200 and {r["label"] for r in rows} <= {"agree", "disagree", "discuss", "unrelated"}


# -- detection, the command -----------------------------------------------------------------------

def test_each_format_is_recognised_from_its_file(first):
    for name, fmt in FORMAT_OF.items():
        assert kind_of(first / name) == fmt
    assert kind_of(first / "claimbuster.csv", "claimbuster") == "claimbuster"
    copy = first.parent / "reviews.json"
    copy.write_bytes((first / "claimreview.jsonld").read_bytes())
    assert kind_of(copy) == "claimreview"


def test_cli_exports_the_formats_without_spacy_and_imports_them(rich, rules_cache, tmp_path):
    rich.close()
    code = ("import sys; from tui.cli import main; rc = main(sys.argv[1:]); "
            "print('MODULES', 'textual' in sys.modules, 'spacy' in sys.modules); sys.exit(rc)")
    env = run_env(tmp_path, FACTDESK_CACHE_DIR=str(rules_cache), FACTDESK_MODEL="rules")
    out = subprocess.run([PYTHON, "-c", code, "export", "--db", str(rich.path), "--out", str(tmp_path / "x"),
                          "--format", "fever,checkthat,claimbuster,claimreview", "--map", "agree=SUPPORTS"],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert "MODULES False False" in out.stdout  # the analysis cache serves the sentences
    assert {r["label"] for r in lines(tmp_path / "x" / "fever.jsonl")} == {"SUPPORTS"}
    bad = subprocess.run([PYTHON, "-m", "tui.cli", "export", "--db", str(rich.path), "--out", str(tmp_path / "y"),
                          "--map", "agree=TRUE"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "--map 'agree=TRUE'" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "y").exists()
    imported = subprocess.run([PYTHON, "-m", "tui.cli", "import", str(tmp_path / "x" / "claimbuster.csv"),
                               "--format", "claimbuster"], capture_output=True, text=True, env=env)  # the sample's store
    assert imported.returncode == 0, imported.stderr
    assert "Imported 7 claims" in imported.stdout and "Traceback" not in imported.stderr


# -- bad records: refused with file and line ------------------------------------------------------

def test_bad_fever_rows_are_refused_with_file_and_line(first, corpus, tmp_path):
    good = next(r for r in lines(first / "fever.jsonl") if not r["linked"])
    rows = [good, {**good, "label": "TRUE"}, {**good, "claim": 5}, {"claim": "", "label": "SUPPORTS"},
            {**good, "start": 3}, {**good, "stance": "maybe"}, {**good, "evidence": "x"},
            {"claim": "Nothing like this is in any article.", "label": "REFUTES"},
            {**good, "linked": [{"link_id": "l", "claim_id_a": "a", "claim_id_b": "b", "label": "kinda"}]}]
    path = tmp_path / "fever.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "not json\n", encoding="utf-8")
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, path)
        assert report.added["claims"] == 1
    assert report.warnings == [
        "fever.jsonl line 2: label 'TRUE' is not one of SUPPORTS, REFUTES, NOT ENOUGH INFO; skipped.",
        "fever.jsonl line 3: claim must be text, not a number; skipped.",
        "fever.jsonl line 4: no claim; skipped.",
        f"fever.jsonl line 5: claim {visible(repr(good['claim']), 60)} is not the text of article '{good['doc_id']}' at "
        f"3..{good['end']}; skipped.",
        "fever.jsonl line 6: stance 'maybe' is not one of agree, disagree, discuss, unrelated; skipped.",
        "fever.jsonl line 7: evidence must be a list, not text; skipped.",
        "fever.jsonl line 8: 'Nothing like this is in any article.' is in no article of this store; import or "
        "open its corpus first; skipped.",
        "fever.jsonl line 9: linked: label 'kinda' is not one of same, supports, contradicts, elaborates, "
        "related; skipped.",
        "fever.jsonl line 10: not valid JSON (Expecting value at column 1); skipped.",
    ]


def test_bad_checkthat_and_claimbuster_rows_are_refused_with_file_and_line(first, corpus, tmp_path):
    tsv = (first / "checkthat.tsv").read_text(encoding="utf-8").splitlines()
    yes = next(line for line in tsv if line.endswith("\tYes"))
    sid, text, _ = yes.split("\t")
    path = tmp_path / "ct.tsv"
    path.write_text("\n".join([tsv[0], yes, f"{sid}\t{text}\tMaybe", f"x:1\tNo such sentence anywhere.\tYes",
                               f"{sid}\t{text}\tYes\textra", f"x:2\tNo such sentence either.\tNo"]) + "\n",
                    encoding="utf-8")
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, path)
        assert report.added["claims"] == 1
    assert [w for w in report.warnings if " line " in w] == [
        "ct.tsv line 3: class_label 'Maybe' is not Yes or No; skipped.",
        "ct.tsv line 4: 'No such sentence anywhere.' is in no article of this store; import or open its corpus "
        "first; skipped.",
        "ct.tsv line 5: 1 field(s) more than the header's 3; skipped.",
    ]
    cb = tmp_path / "cb.csv"
    shared = "Nagorno-Karabakh War, Armenia Ready for Armistice"  # four times in one article: placed in turn
    cb.write_text(f'Text,Verdict\n"{text}",1\n"{text}",2\n"{shared}",0\n"{shared}",0\nunplaced words,-1\n'
                  "unplaced words,0\n", encoding="utf-8")
    with fresh_store(tmp_path, corpus, "third.json") as store:
        report = import_path(store, cb)
        starts = sorted(c["start"] for c in store.claims() if c["quote"] == shared)
        assert len(starts) == 2 and starts[0] != starts[1]
    assert [w for w in report.warnings if " line " in w] == [
        "cb.csv line 3: Verdict '2' is not 1, 0 or -1; skipped.",
        "cb.csv line 7: 'unplaced words' is in no article of this store; import or open its corpus first; skipped.",
    ]


def test_bad_claimreview_items_are_refused_with_file_and_line(first, corpus, tmp_path):
    items = json.loads((first / "claimreview.jsonld").read_text(encoding="utf-8"))
    bad = [items[0], {**items[0], "@type": "Review"}, {**items[0], "claimReviewed": ["x"]}, 7,
           {**items[0], "itemReviewed": {"@type": "Claim", "appearance": [{"text": "Not in any article here."}]}}]
    path = tmp_path / "reviews.jsonld"
    path.write_text(json.dumps(bad, indent=1), encoding="utf-8")
    starts = [n for n, line in enumerate(path.read_text().splitlines(), 1) if line.rstrip(",") in (" {", " 7")]
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, path)
        assert report.added["claims"] == 2 and report.added["claim groups"] == 1
    assert report.warnings == [
        f"reviews.jsonld line {starts[1]}: @type 'Review' is not ClaimReview; skipped.",
        f"reviews.jsonld line {starts[2]}: claimReviewed must be text, not a list; skipped.",
        f"reviews.jsonld line {starts[3]}: not an object but a number; skipped.",
        f"reviews.jsonld line {starts[4]} appearance 1: 'Not in any article here.' is in no article of this "
        "store; import or open its corpus first; skipped.",
    ]
    broken = tmp_path / "broken.jsonld"
    broken.write_text('[\n {"@type": "ClaimReview",\n oops}\n]\n', encoding="utf-8")
    out = subprocess.run([PYTHON, "-m", "tui.cli", "import", str(broken), "--db", str(tmp_path / "s.json")],
                         capture_output=True, text=True, env=run_env(tmp_path))
    assert out.returncode == 2 and "broken.jsonld line 3: not valid JSON" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_a_foreign_claimreview_becomes_a_claim_with_its_verdict_as_a_note(corpus, tmp_path):
    a0 = corpus.articles[0]
    review = {"@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed":
              "Armenia must withdraw its troops", "author": {"@type": "Organization", "name": "Some Checker"},
              "reviewRating": {"@type": "Rating", "ratingValue": 2, "alternateName": "Mostly false"},
              "itemReviewed": {"@type": "Claim", "appearance": [{"@type": "CreativeWork", "url": "https://x.test/a"}]}}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(review), encoding="utf-8")
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, path)
        (claim,) = store.claims()
    assert report.warnings == [] and claim["article_id"] == a0.id
    assert claim["quote"] == "Armenia must withdraw its troops" and claim["note"] == "ClaimReview: Mostly false (Some Checker)"
    assert claim["annotator"] == "Some Checker" and claim["stances"] == {}


# -- any JSON in any FEVER field: notes, never an exception ---------------------------------------

def test_any_json_in_any_fever_field_gives_notes_not_exceptions(first, corpus):
    from hypothesis import given
    from hypothesis import strategies as st

    good = lines(first / "fever.jsonl")[0]
    json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                              lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                              max_leaves=6)

    @given(st.lists(st.dictionaries(st.sampled_from(sorted(good)), json_value, max_size=3), min_size=1, max_size=3))
    def check(changes):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "fever.jsonl"
            path.write_text("".join(json.dumps({**good, **c}) + "\n" for c in [{}] + changes), encoding="utf-8")
            with AnnotationStore(Path(tmp) / "s.json", annotator="tester") as store:
                store.register_corpus(corpus)
                report = import_path(store, path)
                again = import_path(store, path)
            assert sum(again.added.values()) == 0
            assert all("\n" not in w and "fever.jsonl line " in w for w in report.warnings)

    check()


def test_fever_labels_are_the_three_of_fever():
    assert FEVER_LABELS == ("SUPPORTS", "REFUTES", "NOT ENOUGH INFO")
    assert set(DEFAULT_FEVER_MAP.values()) == set(FEVER_LABELS) and "unrelated" not in DEFAULT_FEVER_MAP
