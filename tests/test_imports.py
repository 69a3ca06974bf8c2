"""`factdesk import`: Prodigy JSONL, reliability JSONL and FNC-1 CSV into a store."""

import csv
import json
import subprocess

import pytest

from annotations.export import export_store
from annotations.imports import import_path
from annotations.store import AnnotationStore
from tests.helpers import FNC1, PYTHON, linked, needs_fnc1, run_env, with_speaker

ROUND_TRIP_FILES = ("claims.jsonl", "claims_bio.jsonl", "checkworthiness.jsonl", "stance.jsonl", "reliability.jsonl")


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def exported(annotated, corpus, analyser, tmp_path):
    with_speaker(annotated, corpus.articles[0], "it is ready to work with international mediators", "Armenia")
    export_store(annotated, tmp_path / "first", analyser, formats=("jsonl",))
    return tmp_path / "first"


def fresh_store(tmp_path, corpus=None, name="second.json"):
    store = AnnotationStore(tmp_path / name, annotator="someone-else")
    if corpus is not None:
        store.register_corpus(corpus)
    return store


def test_export_import_export_is_a_fixed_point(exported, corpus, analyser, tmp_path):
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, exported)
        assert report.added["claims"] == 5 and report.added["article ratings"] == 2
        assert report.added["source ratings"] == 1 and report.added["articles"] == 0
        imported = store.claims()
        assert {c["annotator"] for c in imported} == {"tester"}  # the original annotator is kept
        assert {c["imported_from"] for c in imported} == {"claims.jsonl"}
        export_store(store, tmp_path / "second", analyser, formats=("jsonl",))
    for name in ROUND_TRIP_FILES:
        assert (tmp_path / "second" / name).read_bytes() == (exported / name).read_bytes(), name


def test_import_into_an_empty_store_brings_the_articles_and_targets(exported, analyser, tmp_path):
    with fresh_store(tmp_path) as store:
        report = import_path(store, exported / "claims.jsonl")
        assert report.added["articles"] == 3 and report.added["targets"] == 1
        assert [t["text"] for t in store.targets] == ["Armenia and Azerbaijan will agree to a ceasefire."]
        export_store(store, tmp_path / "second", analyser, formats=("jsonl",))
    for name in ("claims.jsonl", "stance.jsonl", "claims_bio.jsonl"):
        assert (tmp_path / "second" / name).read_bytes() == (exported / name).read_bytes(), name


def test_importing_twice_adds_nothing(exported, corpus, tmp_path):
    with fresh_store(tmp_path, corpus) as store:
        import_path(store, exported)
        before = {name: len(store.db.table(name)) for name in ("claims", "ratings", "source_ratings", "articles")}
        again = import_path(store, exported)
        assert sum(again.added.values()) == 0
        assert again.present["claims"] == 5 and again.present["article ratings"] == 2
        assert {name: len(store.db.table(name)) for name in before} == before
        assert "nothing new" in again.summary()


def test_an_interrupted_import_resumes_without_duplicates(exported, corpus, tmp_path, monkeypatch):
    with fresh_store(tmp_path, corpus) as store:
        monkeypatch.setattr(AnnotationStore, "IMPORT_BATCH", 2)
        real = AnnotationStore.import_records
        calls = {"n": 0}

        def crash_after_first_batch(self, table, records, label):
            if table == "claims" and records:
                calls["n"] += 1
                self.storage.tables.setdefault("claims", {})
                with self.storage.action(label, undoable=False):
                    self.db.table(table).insert_multiple(records[:2])
                raise KeyboardInterrupt
            return real(self, table, records, label)

        monkeypatch.setattr(AnnotationStore, "import_records", crash_after_first_batch)
        with pytest.raises(KeyboardInterrupt):
            import_path(store, exported / "claims.jsonl")
        assert len(store.claims()) == 2
        monkeypatch.setattr(AnnotationStore, "import_records", real)
        report = import_path(store, exported / "claims.jsonl")
        assert report.added["claims"] == 3 and report.present["claims"] == 2
        assert len(store.claims()) == 5 and len({c["id"] for c in store.claims()}) == 5


def test_a_foreign_prodigy_file(corpus, tmp_path):
    """Spans without claim ids, CRLF text, a rejected task, other labels, junk lines."""
    a0 = corpus.articles[0]
    raw = a0.text.replace("\n", "\r\n")
    phrase = "This brings the death toll in the Armenian stronghold to 158 soldiers."
    start = raw.index(phrase)
    other = raw.index("Armenia must withdraw")
    tasks = [
        {"text": raw, "spans": [{"start": start, "end": start + len(phrase), "label": "CLAIM"},
                                {"start": 0, "end": 7, "label": "ORG"}],
         "answer": "accept", "_annotator_id": "prodigy-session-1", "_timestamp": 1_700_000_000},
        {"text": raw, "spans": [{"start": other, "end": other + 21, "label": "CLAIM"}], "answer": "reject"},
        {"text": raw, "spans": [], "answer": "ignore"},
        {"text": raw, "spans": [{"start": 5, "end": 10 ** 6, "label": "CLAIM"}], "answer": "accept"},
    ]
    path = tmp_path / "prodigy.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in tasks) + "\nnot json\n[1, 2]\n", encoding="utf-8")
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, path)
        (claim,) = store.claims()
        assert claim["quote"] == phrase and claim["article_id"] == a0.id  # offsets mapped from CRLF
        assert a0.text[claim["start"]:claim["end"]] == phrase
        assert claim["origin"] == "import:prodigy.jsonl" and claim["annotator"] == "prodigy-session-1"
        assert claim["created"].startswith("2023-11-14")
        (rejected,) = store.db.table("rejections").all()
        assert rejected["quote"] == "Armenia must withdraw"
        warnings = "\n".join(report.warnings)
        assert "line 5: not valid JSON" in warnings and "line 6: not a JSON object" in warnings
        assert "line 4 span 1: offsets 5..1000000 do not fall in the text" in warnings
        assert report.present["ignored tasks"] == 1
        assert any("'ORG'" in key for key in report.present)


def test_rejected_spans_export_as_reject_tasks(corpus, analyser, tmp_path):
    a0 = corpus.articles[0]
    start = a0.text.index("Armenia must withdraw")
    path = tmp_path / "rejects.jsonl"
    path.write_text(json.dumps({"text": a0.text, "answer": "reject",
                                "spans": [{"start": start, "end": start + 21, "label": "CLAIM"}]}) + "\n")
    with fresh_store(tmp_path, corpus) as store:
        import_path(store, path)
        export_store(store, tmp_path / "out", analyser, formats=("jsonl",))
        (task,) = lines(tmp_path / "out" / "claims.jsonl")
        assert task["answer"] == "reject" and task["spans"][0]["label"] == "CLAIM"
        with fresh_store(tmp_path, corpus, "third.json") as third:
            import_path(third, tmp_path / "out" / "claims.jsonl")
            export_store(third, tmp_path / "again", analyser, formats=("jsonl",))
    assert (tmp_path / "again" / "claims.jsonl").read_bytes() == (tmp_path / "out" / "claims.jsonl").read_bytes()


def test_links_and_groups_come_back_too(store, corpus, analyser, tmp_path):
    c = linked(store, corpus)
    group = next(g for g in store.claim_groups() if c["toll0"]["id"] in g.claim_ids)
    store.set_group(group.id, canonical="158 Armenian soldiers killed", stance={"t1": "discuss"})
    export_store(store, tmp_path / "out", analyser, formats=("jsonl",))
    with fresh_store(tmp_path, corpus) as other:
        report = import_path(other, tmp_path / "out")
        assert report.added["claims"] == 5 and report.added["claim links"] == 3
        assert report.added["claim groups"] == 2
        export_store(other, tmp_path / "again", analyser, formats=("jsonl",))
        assert sum(import_path(other, tmp_path / "out").added.values()) == 0
    for name in ("claim_pairs.jsonl", "claim_groups.jsonl", "claims.jsonl"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "out" / name).read_bytes(), name


def test_links_whose_claims_are_missing_are_named(store, corpus, analyser, tmp_path):
    linked(store, corpus)
    export_store(store, tmp_path / "out", analyser, formats=("jsonl",))
    with fresh_store(tmp_path, corpus) as other:
        report = import_path(other, tmp_path / "out" / "claim_pairs.jsonl")
        assert other.links() == [] and report.added["claim links"] == 0
        assert sum("import its claims.jsonl first" in w for w in report.warnings) == 3


def test_reliability_rows_for_unknown_articles_are_named(tmp_path, corpus):
    path = tmp_path / "reliability.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"level": "article", "doc_id": "nope", "label": "mixed"},
        {"level": "article", "doc_id": corpus.articles[0].id, "label": "dubious"},
        {"level": "source", "source": "example.com", "label": "reliable", "rationale_codes": ["no-byline"]},
    ]) + "\n")
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, path)
        assert [r["source"] for r in store.source_ratings()] == ["example.com"]
        text = "\n".join(report.warnings)
        assert "article 'nope' is not in this store" in text and "'dubious' is not one of" in text


@needs_fnc1
def test_fnc1_stances_imported_and_exported_give_the_same_rows(tmp_path):
    db = tmp_path / "fnc.json"
    env = run_env(tmp_path)
    out = subprocess.run([PYTHON, "-m", "tui.cli", "import", str(FNC1 / "competition_test_stances.csv"), "--db", str(db)],
                         capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "25413 gold stances" in out.stdout
    again = subprocess.run([PYTHON, "-m", "tui.cli", "import", str(FNC1 / "competition_test_stances.csv"), "--db", str(db)],
                           capture_output=True, text=True, env=env, timeout=600)
    assert "Imported nothing new (already there: 25413 gold stances)" in again.stdout, again.stdout + again.stderr
    exported = subprocess.run([PYTHON, "-m", "tui.cli", "export", "--db", str(db), "--out", str(tmp_path / "x"),
                               "--task", "gold"], capture_output=True, text=True, env=env, timeout=600)
    assert exported.returncode == 0, exported.stderr
    with open(FNC1 / "competition_test_stances.csv", encoding="utf-8", newline="") as fh:
        original = [(r["Headline"], r["Body ID"], r["Stance"]) for r in csv.DictReader(fh)]
    with open(tmp_path / "x" / "stances.csv", encoding="utf-8", newline="") as fh:
        back = [(r["Headline"], r["Body ID"], r["Stance"]) for r in csv.DictReader(fh)]
    assert len(back) == 25413 and back == original
    assert len(lines(tmp_path / "x" / "gold_stances.jsonl")) == 25413


@pytest.mark.parametrize("content,message", [
    (None, "no such file or folder"),
    ('{"something": 1}\n', "neither Prodigy-style tasks"),
])
def test_cli_import_bad_input_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "in.jsonl"
    if content is not None:
        path.write_text(content)
    out = subprocess.run([PYTHON, "-m", "tui.cli", "import", str(path), "--db", str(tmp_path / "s.json")],
                         capture_output=True, text=True, env=run_env(tmp_path))
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


# -- items 9 and 10: a BOM, one-task files, wrong types, a span that does not match -------

def test_a_prodigy_file_with_a_bom_and_one_task_imports_that_task(corpus, tmp_path):
    a0 = corpus.articles[0]
    start = a0.text.index("Armenia must withdraw")
    path = tmp_path / "one.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"text": a0.text, "spans": [
        {"start": start, "end": start + 21, "label": "CLAIM", "text": "Armenia must withdraw"}]}).encode() + b"\r\n")
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, path)
        assert report.warnings == [] and report.added["claims"] == 1
        assert [c["quote"] for c in store.claims()] == ["Armenia must withdraw"]


def test_wrong_types_and_a_mismatched_span_are_rejected_with_file_and_line(corpus, tmp_path):
    a0 = corpus.articles[0]
    start = a0.text.index("Armenia must withdraw")
    good = {"start": start, "end": start + 21, "label": "CLAIM", "text": "Armenia must withdraw"}
    tasks = [
        {"text": a0.text, "spans": [{**good, "start": True, "end": 5}]},
        {"text": a0.text, "spans": [{**good, "text": "Azerbaijan must go"}]},
        {"text": a0.text, "spans": 5},
        {"text": a0.text, "meta": {"targets": ["not", "a", "mapping"]}, "spans": [good]},
        {"text": a0.text, "_timestamp": 1e300, "spans": [good]},
        {"text": a0.text, "spans": [{**good, "stances": ["agree"]}, {**good, "claim_id": ["x"]}]},
        {"text": a0.text, "answer": "reject", "spans": [{**good, "rejection_id": {"a": 1}}]},
    ]
    path = tmp_path / "typed.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in tasks), encoding="utf-8")
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, path)
        assert store.claims() == [] and store.db.table("rejections").all() == []
        assert report.warnings == [
            "typed.jsonl line 1 span 1: offsets must be integers, not True..5; skipped.",
            "typed.jsonl line 2 span 1: its text 'Azerbaijan must go' is not the task's text at "
            f"{start}..{start + 21} ('Armenia must withdraw'); skipped.",
            "typed.jsonl line 3: spans must be a list, not a number; skipped.",
            "typed.jsonl line 4: meta.targets must be an object, not a list; skipped.",
            "typed.jsonl line 5: _timestamp must be seconds since 1970 (a number), not 1e+300; skipped.",
            "typed.jsonl line 6 span 1: stances must be an object, not a list; skipped.",
            "typed.jsonl line 6 span 2: claim_id must be text, not a list; skipped.",
            "typed.jsonl line 7 span 1: rejection_id must be text, not an object; skipped.",
        ]


def test_reliability_pairs_and_groups_with_a_bom_and_wrong_types(exported, corpus, tmp_path):
    rows = [json.loads(line) for line in (exported / "reliability.jsonl").read_text(encoding="utf-8").splitlines()]
    bad = [{**rows[0], "label": ["mixed"]}, {**rows[0], "rationale_codes": "no-byline"},
           {**rows[0], "doc_id": {"a": 1}}, {**rows[0], "level": 7}]
    path = tmp_path / "reliability.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "".join(json.dumps(r) + "\n" for r in rows[:1] + bad).encode())
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, path)
        assert sum(report.added.values()) == 1
        assert report.warnings == [
            "reliability.jsonl line 2: label must be text, not a list; skipped.",
            "reliability.jsonl line 3: rationale_codes must be a list of text; skipped.",
            "reliability.jsonl line 4: doc_id must be text, not an object; skipped.",
            "reliability.jsonl line 5: level 7 is not article or source; skipped.",
        ]
        pairs = tmp_path / "claim_pairs.jsonl"
        pairs.write_bytes(b"\xef\xbb\xbf" + json.dumps({"claim_id_a": [1], "claim_id_b": "b", "label": "same"}).encode())
        report = import_path(store, pairs)
        assert report.warnings == ["claim_pairs.jsonl line 1: claim_id_a must be text, not a list; skipped."]
        groups = tmp_path / "claim_groups.jsonl"
        groups.write_bytes(b"\xef\xbb\xbf" + json.dumps({"group_id": "g", "members": [], "stance": [1]}).encode())
        report = import_path(store, groups)
        assert report.warnings == ["claim_groups.jsonl line 1: stance must be an object, not a list; skipped."]


def test_an_imported_span_ending_on_the_texts_last_space_exports_and_comes_back(analyser, tmp_path):
    """Found by tests/test_import_props.py: the export's token alignment had no
    token ending after a trailing space at the very end of the text."""
    text = "Talks resumed in Moscow. "
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"text": text, "spans": [{"start": 6, "end": len(text), "label": "CLAIM"}]}) + "\n")
    with fresh_store(tmp_path) as store:
        assert import_path(store, path).warnings == []
        export_store(store, tmp_path / "first", analyser, formats=("jsonl",))
    (task,) = lines(tmp_path / "first" / "claims.jsonl")
    (span,) = task["spans"]
    assert (span["start"], span["end"]) == (6, len(text))
    assert "".join(t["text"] + " " * t["ws"] for t in task["tokens"]) == text
    with fresh_store(tmp_path, name="third.json") as store:
        import_path(store, tmp_path / "first" / "claims.jsonl")
        export_store(store, tmp_path / "second", analyser, formats=("jsonl",))
    assert (tmp_path / "second" / "claims.jsonl").read_bytes() == (tmp_path / "first" / "claims.jsonl").read_bytes()


def test_warnings_come_in_the_order_of_the_lines(corpus, tmp_path):
    a0 = corpus.articles[0]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([json.dumps({"text": a0.text, "spans": 5}), "{oops",
                               json.dumps({"text": a0.text, "answer": "maybe"}), "[]"]) + "\n", encoding="utf-8")
    with fresh_store(tmp_path, corpus) as store:
        report = import_path(store, path)
    assert [w.split(":")[0] for w in report.warnings] == [f"mixed.jsonl line {n}" for n in (1, 2, 3, 4)]
