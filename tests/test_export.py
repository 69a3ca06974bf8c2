import json
import subprocess
from pathlib import Path

import pytest

from annotations.export import (
    FILES,
    ExportError,
    Split,
    assign_splits,
    export,
    export_store,
    label_sets,
    parse_split,
)
from annotations.schema import STANCES
from annotations.store import AnnotationStore
from tests.helpers import PYTHON, ROOT, run_env, span_of, with_speaker

JSONL_FILES = [f.name for f in FILES if f.format == "jsonl" and f.task != "gold"]


def read_jsonl(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def out(tmp_path):
    """The export folder: beside the store, never the folder holding it."""
    return tmp_path / "out"


def test_every_file_is_written_and_every_span_slices_its_text(annotated, analyser, out):
    report = export_store(annotated, out, analyser)
    assert report.counts["claims.jsonl"] == 3 and report.counts["stance.jsonl"] == 4
    assert report.counts["reliability.jsonl"] == 3  # two articles, one source
    assert report.counts["articles.jsonl"] == 5
    for name in JSONL_FILES + ["entities.spacy", "claims.spacy", "labels.json", "README.md"]:
        assert (out / name).exists(), name
    tasks = read_jsonl(out / "claims.jsonl")
    spans_seen = 0
    for task in tasks:
        assert set(task) >= {"text", "tokens", "spans", "meta", "answer", "_input_hash", "_task_hash",
                             "_annotator_id", "_timestamp"}
        assert task["answer"] == "accept" and task["_annotator_id"] == "tester"
        assert isinstance(task["_timestamp"], int) and task["_timestamp"] > 1_600_000_000
        assert "".join(t["text"] + (" " if t["ws"] else "") for t in task["tokens"]) == task["text"]
        for span in task["spans"]:
            spans_seen += 1
            claim = annotated.claim(span["claim_id"])
            assert task["text"][span["start"]:span["end"]] == claim["quote"]
            # tokens are split where needed, so a span covers whole tokens exactly
            assert task["tokens"][span["token_start"]]["start"] == span["start"]
            assert task["tokens"][span["token_end"]]["end"] == span["end"]
            assert span["stances"] == claim["stances"]
    assert spans_seen == 4
    assert any("'ceasefi' | 're'" in w for w in report.warnings)


def test_claim_spans_carry_the_claims_fields_and_speakers(store, corpus, analyser, out):
    a0 = corpus.articles[0]
    claim = with_speaker(store, a0, "it is ready to work with international mediators", "Armenia")
    export_store(store, out, analyser, tasks=("claims",), formats=("jsonl",))
    (task,) = read_jsonl(out / "claims.jsonl")
    by_label = {s["label"]: s for s in task["spans"]}
    assert by_label["SPEAKER"]["claim_id"] == claim["id"] == by_label["CLAIM"]["claim_id"]
    assert task["text"][by_label["SPEAKER"]["start"]:by_label["SPEAKER"]["end"]] == "Armenia"
    assert by_label["SPEAKER"]["entity_label"] == "GPE"
    assert by_label["CLAIM"]["speaker_kind"] == "entity" and by_label["CLAIM"]["origin"] == "factdesk"
    assert task["meta"]["targets"] == {"t1": "Armenia and Azerbaijan will agree to a ceasefire."}
    assert not (out / "claims.spacy").exists() and not (out / "stance.jsonl").exists()


def test_stance_rows_pair_claim_and_target(annotated, analyser, out):
    export_store(annotated, out, analyser)
    rows = read_jsonl(out / "stance.jsonl")
    articles = {a["id"]: a["text"] for a in annotated.articles()}
    for row in rows:
        assert row["label"] in STANCES
        assert row["hypothesis"] == "Armenia and Azerbaijan will agree to a ceasefire."
        assert articles[row["doc_id"]][row["start"]:row["end"]] == row["claim"]
        # the premise is the sentence holding the claim: the claim, and the sentence's text around it
        assert row["claim"] in row["premise"] and row["premise"] in articles[row["doc_id"]]
        assert row["origin"] == "factdesk"
    assert sorted(r["label"] for r in rows) == ["agree", "disagree", "discuss", "unrelated"]
    withdraw = next(r for r in rows if r["claim"] == "Armenia must withdraw its troops")
    assert withdraw["premise"].startswith("Although the Armenian statement") and withdraw["premise"].endswith("troops.")


def test_reliability_rows_for_articles_and_sources(annotated, analyser, out, corpus):
    export_store(annotated, out, analyser)
    rows = read_jsonl(out / "reliability.jsonl")
    a3 = corpus.articles[3]
    article = next(r for r in rows if r["level"] == "article" and r["doc_id"] == a3.id)
    assert article["label"] == "unreliable" and article["note"] == "garbled name, ad markers"
    assert article["rationale_codes"] == ["ads-heavy", "garbled-text"]
    assert article["text_sha256"] == a3.text_hash and article["annotator_id"] == "tester"
    (source,) = [r for r in rows if r["level"] == "source"]
    assert source["source"] == a3.source and source["doc_id"] is None and source["rationale_codes"] == ["ads-heavy"]


def test_bio_tags_give_back_the_claim_tokens(store, corpus, analyser, out):
    a0 = corpus.articles[0]
    claim = with_speaker(store, a0, "it is ready to work with international mediators", "Armenia")
    store.add_claim(a0.id, *span_of(a0.text, "This brings the death toll in the Armenian stronghold to 158 soldiers."))
    export_store(store, out, analyser, formats=("jsonl",))
    labels = json.loads((out / "labels.json").read_text())["claims_bio"]
    rows = read_jsonl(out / "claims_bio.jsonl")
    spans = []
    for row in rows:
        assert len(row["tokens"]) == len(row["ner_tags"]) and all(t.strip() for t in row["tokens"])
        names = [labels[t] for t in row["ner_tags"]]
        current = None
        for word, name in zip(row["tokens"] + [""], names + ["O"]):
            if current and not name.startswith("I-"):
                spans.append(tuple(current))
                current = None
            if name.startswith("B-"):
                current = [name[2:], word]
            elif name.startswith("I-"):
                assert current and current[0] == name[2:], names
                current[1] += " " + word
    assert ("SPEAKER", "Armenia") in spans
    assert ("CLAIM", "it is ready to work with international mediators") in spans
    assert any(label == "CLAIM" and text.endswith("158 soldiers .") for label, text in spans)
    assert claim["id"]


def test_checkworthiness_rows_hold_the_claims_sentence(annotated, analyser, out):
    export_store(annotated, out, analyser, formats=("jsonl",))
    rows = {r["label"]: r for r in read_jsonl(out / "checkworthiness.jsonl")}
    assert set(rows) == {"check-worthy", "unimportant"}
    assert rows["check-worthy"]["text"] == rows["check-worthy"]["claim"]  # the claim is the whole sentence
    assert rows["unimportant"]["claim"] in rows["unimportant"]["text"]
    assert len(rows["unimportant"]["text"]) > len(rows["unimportant"]["claim"])


def test_docbins_hold_entities_spans_and_cats(annotated, corpus, analyser, out):
    import spacy
    from spacy.tokens import DocBin

    from corpus.corrections import apply_entity_edits

    a3 = corpus.articles[3]
    wrong = analyser.analyse([(a3.text_hash, a3.text)])[0].ents[0]
    annotated.correct_entities([(a3.id, wrong[0], wrong[1], None)])  # "not an entity"
    export_store(annotated, out, analyser)
    vocab = spacy.blank("en").vocab
    texts = {a.id: a.text for a in corpus.articles}
    docs = list(DocBin().from_disk(out / "entities.spacy").get_docs(vocab))
    assert {d.user_data["doc_id"] for d in docs} == {corpus.articles[i].id for i in (0, 1, 3)}
    for doc in docs:
        assert doc.text == texts[doc.user_data["doc_id"]]
        analysis = analyser.analyse([(corpus.article(doc.user_data["doc_id"]).text_hash, doc.text)])[0]
        edits = annotated.entity_edits(doc.user_data["doc_id"])
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == list(apply_entity_edits(analysis.ents, edits))
    a3_doc = next(d for d in docs if d.user_data["doc_id"] == a3.id)
    assert (wrong[0], wrong[1]) not in {(e.start_char, e.end_char) for e in a3_doc.ents}
    claims = {d.user_data["doc_id"]: d for d in DocBin().from_disk(out / "claims.spacy").get_docs(vocab)}
    assert claims[a3.id].cats == {"reliable": 0.0, "mixed": 0.0, "unreliable": 1.0}
    assert [s.text for s in claims[a3.id].spans["sc"]] == ["A total of 158 Armenian soldiers died."]
    ceasefi = claims[corpus.articles[1].id].spans["sc"][0]
    assert ceasefi.text == "humanitarian ceasefi" and ceasefi.label_ == "CLAIM"
    assert claims[corpus.articles[0].id].cats == {}  # not rated


def test_export_refuses_a_span_that_no_longer_matches(annotated, analyser, tmp_path):
    claim_id = annotated.claims()[0]["id"]
    annotated.db.table("claims").update({"quote": "tampered"}, doc_ids=[1])
    with pytest.raises(ExportError, match="does not match the article text") as info:
        export_store(annotated, tmp_path / "out", analyser)
    assert "claim " in str(info.value) and not (tmp_path / "out").exists()
    assert claim_id


def test_export_refuses_a_speaker_that_no_longer_matches(store, corpus, analyser, tmp_path):
    claim = with_speaker(store, corpus.articles[0], "it is ready to work with international mediators", "Armenia")
    store.db.table("claims").update({"speaker": {**claim["speaker"], "start": 0, "end": 7}}, doc_ids=[1])
    with pytest.raises(ExportError, match=f"claim {claim['id']}: speaker"):
        export_store(store, tmp_path / "out", analyser)


def test_empty_store_exports_empty_files_and_a_readme(store, analyser, out):
    report = export_store(store, out, analyser)
    assert report.counts["claims.jsonl"] == 0 and report.counts["articles.jsonl"] == 5
    assert (out / "claims.jsonl").read_text() == ""
    assert "claims.jsonl`: 0 rows" in (out / "README.md").read_text()


def test_two_stores_merge_and_keep_their_annotators(corpus, analyser, tmp_path):
    a0 = corpus.articles[0]
    stores = []
    for name in ("ana", "ben"):
        s = AnnotationStore(tmp_path / f"{name}.json", annotator=name)
        s.register_corpus(corpus)
        s.add_claim(a0.id, *span_of(a0.text, "Armenia must withdraw its troops"), {"t1": "disagree"})
        stores.append(s)
    report = export(stores, tmp_path / "out", analyser, formats=("jsonl",))
    tasks = read_jsonl(tmp_path / "out" / "claims.jsonl")
    assert sorted(t["_annotator_id"] for t in tasks) == ["ana", "ben"]
    assert report.counts["stance.jsonl"] == 2 and report.counts["articles.jsonl"] == 5
    assert "2 store(s)" in (tmp_path / "out" / "README.md").read_text()
    for s in stores:
        s.close()


# -- splits -----------------------------------------------------------------------

def test_parse_split():
    assert parse_split("80/10/10") == {"train": 0.8, "dev": 0.1, "test": 0.1}
    assert parse_split("9/1") == {"train": 0.9, "test": 0.1}
    for bad in ("80", "a/b", "50/-1/51", "0/0", "1/2/3/4"):
        with pytest.raises(ExportError, match="--split"):
            parse_split(bad)


def test_split_assignment_is_deterministic_and_proportional():
    keys = [f"doc{i}" for i in range(100)]
    split = Split(parse_split("80/10/10"), seed=7)
    first = assign_splits(keys, split)
    assert first == assign_splits(list(reversed(keys)), split)
    assert sorted(list(first.values()).count(n) for n in ("train", "dev", "test")) == [10, 10, 80]
    assert first != assign_splits(keys, Split(split.ratios, seed=8))
    # a tiny corpus still gets a test article
    assert set(assign_splits(["a", "b", "c"], split).values()) == {"train", "dev", "test"}


@pytest.mark.parametrize("by", ["article", "event"])
def test_split_export_never_splits_an_article(annotated, analyser, out, by):
    report = export_store(annotated, out, analyser, split=Split(parse_split("60/20/20"), by, 3),
                          formats=("jsonl",))
    assert set(report.split_counts) == {"train", "dev", "test"}
    seen: dict[str, str] = {}
    for part in report.split_counts:
        for name in JSONL_FILES:
            for row in read_jsonl(out / part / name):
                doc = row.get("doc_id") or row.get("meta", {}).get("doc_id")
                if doc:
                    assert seen.setdefault(doc, part) == part, (name, doc)
    total = sum(len(read_jsonl(out / p / "stance.jsonl")) for p in report.split_counts)
    assert total == 4
    splits = json.loads((out / "splits.json").read_text())
    assert splits["by"] == by and splits["seed"] == 3
    again = out.parent / "again"
    export_store(annotated, again, analyser, split=Split(parse_split("60/20/20"), by, 3), formats=("jsonl",))
    for part in report.split_counts:
        assert (again / part / "stance.jsonl").read_bytes() == (out / part / "stance.jsonl").read_bytes()
    if by == "event":  # the sample corpus is one event: everything in one split
        assert len({p for p in seen.values()}) == 1


# -- real clients ---------------------------------------------------------------------

def check_column(pandas, frame, column, documented: str, rows) -> None:
    """The column's pandas dtype agrees with the type the README documents,
    and its values with the rows read line by line."""
    types = pandas.api.types
    series = frame[column]
    if documented == "int":
        assert types.is_integer_dtype(series), series.dtype
    elif documented == "bool":
        assert types.is_bool_dtype(series), series.dtype
    elif documented == "str":
        assert types.is_string_dtype(series) or types.is_object_dtype(series), series.dtype
        assert all(isinstance(v, str) for v in series), column
    elif documented == "str|null":
        assert all(v is None or isinstance(v, str) or v != v for v in series), column
    elif documented.startswith("list"):
        assert all(isinstance(v, list) for v in series), column
    elif documented == "object":
        assert all(isinstance(v, dict) for v in series), column
    else:
        raise AssertionError(f"{column}: no check for the documented type {documented!r}")
    # pandas reads the values the lines hold (a missing value, NaN or None, as null)
    loaded = [None if v is None or v != v else v for v in series.tolist()]
    assert loaded == [row[column] for row in rows], column


def test_jsonl_files_load_line_by_line_and_with_pandas(annotated, corpus, analyser, out):
    pandas = pytest.importorskip("pandas")
    from tests.helpers import linked  # links and groups, for their two files

    linked(annotated, corpus)
    export_store(annotated, out, analyser, formats=("jsonl",))
    for spec in FILES:
        if spec.format != "jsonl" or spec.task == "gold":
            continue
        rows = read_jsonl(out / spec.name)
        assert rows, spec.name
        frame = pandas.read_json(out / spec.name, lines=True, dtype=False)
        assert len(frame) == len(rows)
        assert list(frame.columns) == [name for name, _, _ in spec.fields], spec.name  # as documented, in order
        for name, documented, _ in spec.fields:
            check_column(pandas, frame, name, documented, rows)


SPACY_CONFIG = """
[paths]
train = null
dev = null

[system]
seed = 0

[nlp]
lang = "en"
pipeline = ["tok2vec","{component}"]
batch_size = 16

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"

[components.tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 32
attrs = ["NORM","PREFIX","SUFFIX","SHAPE"]
rows = [500,250,250,250]
include_static_vectors = false

[components.tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 32
depth = 1
window_size = 1
maxout_pieces = 2

{component_config}

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}

[training]
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"
max_epochs = 1
max_steps = 3
eval_frequency = 2
patience = 0

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
size = 2000

[training.optimizer]
@optimizers = "Adam.v1"

[initialize]
"""

NER_CONFIG = """
[components.ner]
factory = "ner"

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
hidden_width = 16
maxout_pieces = 2
use_upper = true

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = 32
"""

SPANCAT_CONFIG = """
[components.spancat]
factory = "spancat"
spans_key = "sc"

[components.spancat.suggester]
@misc = "spacy.ngram_suggester.v1"
sizes = [1,2,3]

[components.spancat.model]
@architectures = "spacy.SpanCategorizer.v1"

[components.spancat.model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 16

[components.spancat.model.scorer]
@layers = "spacy.LinearLogistic.v1"

[components.spancat.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = 32
"""


@pytest.mark.parametrize("component,config,data", [
    ("ner", NER_CONFIG, "entities.spacy"),
    ("spancat", SPANCAT_CONFIG, "claims.spacy"),
], ids=["ner", "spancat"])
def test_spacy_trains_one_short_epoch_on_the_export(annotated, corpus, analyser, tmp_path, component, config, data):
    with_speaker(annotated, corpus.articles[0], "it is ready to work with international mediators", "Armenia")
    export_store(annotated, tmp_path / "data", analyser, tasks=("claims", "entities"), formats=("spacy",))
    base, cfg = tmp_path / "base.cfg", tmp_path / "config.cfg"
    base.write_text(SPACY_CONFIG.format(component=component, component_config=config))
    filled = subprocess.run([PYTHON, "-m", "spacy", "init", "fill-config", str(base), str(cfg)],
                            capture_output=True, text=True, env=run_env(tmp_path), timeout=120)
    assert filled.returncode == 0, filled.stderr[-2000:]
    train = tmp_path / "data" / data
    out = subprocess.run(
        [PYTHON, "-m", "spacy", "train", str(cfg), "--paths.train", str(train), "--paths.dev", str(train),
         "--output", str(tmp_path / "model")],
        capture_output=True, text=True, env=run_env(tmp_path), timeout=300,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    assert (tmp_path / "model" / "model-last" / component).is_dir()


# -- documentation ---------------------------------------------------------------------

def test_output_readme_and_labels_describe_every_file(annotated, analyser, out):
    export_store(annotated, out, analyser)
    readme = (out / "README.md").read_text()
    for spec in FILES:
        if spec.task == "gold":
            continue
        assert f"`{spec.name}`" in readme
        for field, _, _ in spec.fields:
            assert f"`{field}`" in readme, (spec.name, field)
    labels = json.loads((out / "labels.json").read_text())
    assert labels == json.loads(json.dumps(label_sets()))
    assert labels["claims_bio"][0] == "O"


def test_project_readme_documents_every_export_file():
    readme = (ROOT / "README.md").read_text()
    for spec in FILES:
        assert f"`{spec.name}`" in readme, spec.name


# -- the command -----------------------------------------------------------------------

def test_cli_export_jsonl_runs_headless_without_textual_or_spacy(annotated, rules_cache, tmp_path):
    annotated.close()
    code = (
        "import sys; from tui.cli import main; rc = main(sys.argv[1:]); "
        "print('MODULES', 'textual' in sys.modules, 'spacy' in sys.modules); sys.exit(rc)"
    )
    env = run_env(tmp_path, FACTDESK_CACHE_DIR=str(rules_cache), FACTDESK_MODEL="rules")
    out = subprocess.run(
        [PYTHON, "-c", code, "export", "--db", str(annotated.path), "--out", str(tmp_path / "x"),
         "--format", "jsonl", "--split", "60/20/20", "--seed", "2"],
        capture_output=True, text=True, env=env,
    )
    assert out.returncode == 0, out.stderr
    assert "MODULES False False" in out.stdout
    assert sum(len(read_jsonl(tmp_path / "x" / p / "stance.jsonl")) for p in ("train", "dev", "test")) == 4
    assert "README.md" in out.stdout


@pytest.mark.parametrize("args,message", [
    (["--task", "claims,nonsense"], "--task 'claims,nonsense': choose from"),
    (["--format", "xml"], "--format 'xml': choose from"),
    (["--split", "80/20/x"], "--split '80/20/x'"),
])
def test_cli_export_bad_options_are_clear_errors(store, tmp_path, args, message):
    store.close()
    out = subprocess.run([PYTHON, "-m", "tui.cli", "export", "--db", str(store.path), "--out", str(tmp_path / "x"),
                          *args], capture_output=True, text=True, env=run_env(tmp_path))
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_cli_export_of_missing_store_is_a_clear_error(tmp_path):
    out = subprocess.run(
        [PYTHON, "-m", "tui.cli", "export", "--db", str(tmp_path / "nope.json"), "--out", str(tmp_path / "x")],
        capture_output=True, text=True, env=run_env(tmp_path),
    )
    assert out.returncode == 2
    assert "nope.json: no such store" in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_open_of_bad_folder_is_a_clear_error(tmp_path):
    out = subprocess.run([PYTHON, "-m", "tui.cli", str(tmp_path / "missing")],
                         capture_output=True, text=True, env=run_env(tmp_path))
    assert out.returncode == 2
    assert "no such file or folder" in out.stderr and "Traceback" not in out.stderr


def test_cli_export_of_garbage_store_is_a_clear_error(tmp_path):
    # (the app itself now stops at the terminal check before it opens a store: tested headless here)
    bad = tmp_path / "bad.json"
    bad.write_text("garbage")
    out = subprocess.run([PYTHON, "-m", "tui.cli", "export", "--db", str(bad), "--out", str(tmp_path / "x")],
                         capture_output=True, text=True, env=run_env(tmp_path))
    assert out.returncode == 2
    assert "not a readable factdesk store" in out.stderr and "Traceback" not in out.stderr
    assert bad.read_text() == "garbage" and not (tmp_path / "x").exists()
