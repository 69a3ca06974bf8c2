import json
import subprocess

import pytest

from annotations.export import ExportError, export_store
from annotations.schema import STANCES
from tests.conftest import PYTHON, run_env
from tests.test_store import span_of


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def annotated(store, corpus):
    a0, a1, a3 = corpus.articles[0], corpus.articles[1], corpus.articles[3]
    store.add_claim(a0.id, *span_of(a0.text, "This brings the death toll in the Armenian stronghold to 158 soldiers."), {"t1": "discuss"})
    store.add_claim(a0.id, *span_of(a0.text, "Armenia must withdraw its troops"), {"t1": "disagree"})
    store.add_claim(a3.id, *span_of(a3.text, "A total of 158 Armenian soldiers died."), {"t1": "unrelated"})
    # a span that does not fall on token boundaries ("ceasefi|re")
    store.add_claim(a1.id, *span_of(a1.text, "humanitarian ceasefi"), {"t1": "agree"})
    store.rate_article(a3.id, "unreliable", "garbled name, ad markers")
    store.rate_article(a1.id, "mixed")
    return store


def test_export_writes_three_files_whose_spans_slice_the_text(annotated, analyser, tmp_path):
    report = export_store(annotated, tmp_path / "out", analyser)
    assert report.counts == {"claims.jsonl": 3, "stance.jsonl": 4, "reliability.jsonl": 2}
    tasks = read_jsonl(tmp_path / "out" / "claims.jsonl")
    spans_seen = 0
    for task in tasks:
        assert set(task) >= {"text", "tokens", "spans", "meta", "answer", "_input_hash", "_task_hash"}
        assert task["answer"] == "accept"
        assert isinstance(task["_input_hash"], int) and isinstance(task["_task_hash"], int)
        for token in task["tokens"]:
            assert task["text"][token["start"]:token["end"]] == token["text"]
        for span in task["spans"]:
            spans_seen += 1
            claim = annotated.claim(span["claim_id"])
            assert task["text"][span["start"]:span["end"]] == claim["quote"]
            first, last = task["tokens"][span["token_start"]], task["tokens"][span["token_end"]]
            assert first["start"] <= span["start"] < first["end"]
            assert last["start"] < span["end"] <= last["end"]
            assert span["label"] == "CLAIM"
    assert spans_seen == 4
    assert any("do not fall on token boundaries" in w for w in report.warnings)


def test_stance_rows_pair_claim_and_target(annotated, analyser, tmp_path):
    export_store(annotated, tmp_path, analyser)
    rows = read_jsonl(tmp_path / "stance.jsonl")
    articles = {a["id"]: a["text"] for a in annotated.articles()}
    for row in rows:
        assert row["label"] in STANCES
        assert row["hypothesis"] == "Armenia and Azerbaijan will agree to a ceasefire."
        assert articles[row["doc_id"]][row["start"]:row["end"]] == row["premise"]
    assert sorted(r["label"] for r in rows) == ["agree", "disagree", "discuss", "unrelated"]


def test_reliability_rows(annotated, analyser, tmp_path, corpus):
    export_store(annotated, tmp_path, analyser)
    rows = {r["doc_id"]: r for r in read_jsonl(tmp_path / "reliability.jsonl")}
    a3 = corpus.articles[3]
    assert rows[a3.id]["label"] == "unreliable"
    assert rows[a3.id]["note"] == "garbled name, ad markers"
    assert rows[a3.id]["text_sha256"] == a3.text_hash
    assert rows[a3.id]["annotator_id"] == "tester"


def test_export_refuses_a_span_that_no_longer_matches(annotated, analyser, tmp_path):
    annotated.db.table("claims").update({"quote": "tampered"}, doc_ids=[1])
    with pytest.raises(ExportError, match="does not match the article text"):
        export_store(annotated, tmp_path / "out", analyser)
    assert not (tmp_path / "out").exists()


def test_empty_store_exports_empty_files(store, analyser, tmp_path):
    report = export_store(store, tmp_path, analyser)
    assert report.counts == {"claims.jsonl": 0, "stance.jsonl": 0, "reliability.jsonl": 0}
    assert (tmp_path / "claims.jsonl").read_text() == ""


def test_cli_export_runs_headless_without_textual(annotated, rules_cache, tmp_path):
    annotated.close()
    code = (
        "import sys; from tui.cli import main; rc = main(sys.argv[1:]); "
        "print('MODULES', 'textual' in sys.modules, 'spacy' in sys.modules); sys.exit(rc)"
    )
    env = run_env(tmp_path, FACTDESK_CACHE_DIR=str(rules_cache), FACTDESK_MODEL="rules")
    out = subprocess.run(
        [PYTHON, "-c", code, "export", "--db", str(annotated.path), "--out", str(tmp_path / "x")],
        capture_output=True, text=True, env=env,
    )
    assert out.returncode == 0, out.stderr
    assert "MODULES False False" in out.stdout
    assert len(read_jsonl(tmp_path / "x" / "stance.jsonl")) == 4


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


def test_cli_open_of_garbage_store_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("garbage")
    out = subprocess.run([PYTHON, "-m", "tui.cli", "--db", str(bad)],
                         capture_output=True, text=True, env=run_env(tmp_path))
    assert out.returncode == 2
    assert "not a readable factdesk store" in out.stderr and "Traceback" not in out.stderr
    assert bad.read_text() == "garbage"
