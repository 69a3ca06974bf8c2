"""Property-based tests of the importers: whatever Unicode goes in comes out
byte-equal.

- Article text, titles and sources (markup, escape sequences, bidi overrides,
  NUL, combining marks, RTL, CJK, astral characters, line separators, lone
  surrogates) survive importer -> store -> export: the exported ``text`` is
  exactly the normalised text, the title and source exactly as given.
- An imported span's offsets and text, and its target's wording, survive
  import -> export -> import -> export, and the second export is
  byte-identical to the first.
- A state machine imports generated Prodigy files (hostile values in every
  field) again and again: never an exception, nothing added twice, and every
  stored claim quotes its article at its offsets.

Lone surrogates cannot be in a UTF-8 file: in JSON they can only arrive as
escapes (``\\ud800``); factdesk replaces each with U+FFFD (one code point for
one, so offsets hold) and says so in a note.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from pathlib import Path

from hypothesis import assume, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from annotations.export import export_store
from annotations.imports import import_path
from annotations.store import AnnotationStore
from corpus.importers import load_csv, load_jsonl
from corpus.text import normalise, split_title, text_hash

HOSTILE = [
    "[b]", "[/]", "[/x]", "[@click=app.quit]", "[link=https://x]", "[b=c=d]", "\x1b]52;c;aGVsbG8=\x07",
    "\x1b]0;title\x07", "\x1b[31m", "\x9b2J", "\u202e", "\u2066", "\u200f", "\x00", "e\u0301", "\u0301",
    "שלום עולם", "مرحبا", "中文字符", "日本語", "\U0001F600", "\U0001D400", "\u2028", "\u2029", "\x85",
    "\x0b", "\x0c", "\x1c", "\r\n", "\r", "\n", "\t", "\ufeff", "\u200b", "\u00ad", "\ud800", "\udfff",
    "\\", '"', "word" * 50,
]
SURROGATES = re.compile("[\ud800-\udfff]")

piece = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12),
                  st.characters(codec="utf-8"), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF))
hostile_text = st.lists(piece, min_size=1, max_size=12).map("".join)


def fixed(s: str) -> str:
    """What a string written as JSON holds once read back: a high and a low
    surrogate side by side are one astral character (JSON escapes are UTF-16),
    a lone surrogate is U+FFFD."""
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def expected_title(title: str | None, text: str) -> str:
    if title is not None and title.strip():
        return " ".join(title.split())
    return split_title(text)[0]


def exported(out: Path, name: str) -> list[dict]:
    data = (out / name).read_bytes().decode("utf-8")
    return [json.loads(line) for line in data.split("\n") if line]



@given(rows=st.lists(st.tuples(hostile_text, st.one_of(st.none(), hostile_text), hostile_text),
                     min_size=1, max_size=4),
       ascii_file=st.booleans())
def test_jsonl_article_text_title_and_source_come_out_as_they_went_in(rows, ascii_file):
    ascii_file = ascii_file or any(SURROGATES.search(s or "") for row in rows for s in row)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lines = []
        for i, (body, title, source) in enumerate(rows):
            record = {"text": f"{i} {body}", "source": source}
            if title is not None:
                record["title"] = title
            lines.append(json.dumps(record, ensure_ascii=ascii_file))
        (tmp / "in.jsonl").write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
        expected = {}
        for i, (body, title, source) in enumerate(rows):
            raw = fixed(f"{i} {body}")
            text = normalise(raw)
            if "\x00" in raw or not text.strip():
                continue
            expected[text_hash(text)[:16]] = (text, expected_title(None if title is None else fixed(title), text),
                                              fixed(source))
        assume(expected)
        corpus = load_jsonl(tmp / "in.jsonl")
        note(corpus.warnings)
        assert {a.id: (a.text, a.title, a.source) for a in corpus.articles} == expected
        with AnnotationStore(tmp / "s.json", annotator="tester") as store:
            store.register_corpus(corpus)
            export_store(store, tmp / "out", None, tasks=("articles",), formats=("jsonl",))
        rows_out = {r["doc_id"]: r for r in exported(tmp / "out", "articles.jsonl")}
        assert {i: (r["text"], r["title"], r["source"]) for i, r in rows_out.items()} == expected
        for row in rows_out.values():
            assert row["text_sha256"] == text_hash(row["text"])



@given(rows=st.lists(st.tuples(hostile_text, hostile_text), min_size=1, max_size=4))
def test_csv_article_text_comes_out_as_it_went_in(rows):
    rows = [(SURROGATES.sub("", body).replace("\x00", ""), SURROGATES.sub("", title).replace("\x00", ""))
            for body, title in rows]  # a UTF-8 file cannot hold lone surrogates; a NUL makes it binary
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["title", "text"])
    for i, (body, title) in enumerate(rows):
        writer.writerow([title, f"{i} {body}"])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in.csv").write_bytes(buffer.getvalue().encode("utf-8"))
        expected = {}
        for i, (body, title) in enumerate(rows):
            text = normalise(f"{i} {body}")
            expected[text_hash(text)[:16]] = (text, expected_title(title, text))
        corpus = load_csv(tmp / "in.csv")
        note(corpus.warnings)
        assert {a.id: (a.text, a.title) for a in corpus.articles} == expected
        with AnnotationStore(tmp / "s.json", annotator="tester") as store:
            store.register_corpus(corpus)
            export_store(store, tmp / "out", None, tasks=("articles",), formats=("jsonl",))
        assert {r["doc_id"]: (r["text"], r["title"]) for r in exported(tmp / "out", "articles.jsonl")} == expected


@st.composite
def tasks_with_spans(draw):
    text = normalise(draw(hostile_text))
    assume(text.strip() and len(text) >= 2)
    bounds = st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text))).filter(lambda b: b[0] < b[1])
    spans = draw(st.lists(bounds, min_size=1, max_size=3, unique=True))
    target = fixed(draw(hostile_text))
    assume(target.strip())
    return text, spans, target


@settings(max_examples=max(settings().max_examples // 2, 10))
@given(case=tasks_with_spans(), ascii_file=st.booleans())
def test_imported_spans_survive_export_import_export_byte_for_byte(case, ascii_file, analyser):
    text, spans, target = case
    task = {"text": text, "meta": {"targets": {"t1": target}},
            "spans": [{"start": s, "end": e, "label": "CLAIM", "text": text[s:e], "stances": {"t1": "agree"}}
                      for s, e in spans], "answer": "accept", "_annotator_id": "someone", "_timestamp": 1_700_000_000}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "tasks.jsonl").write_bytes((json.dumps(task, ensure_ascii=ascii_file) + "\n").encode("utf-8"))
        with AnnotationStore(tmp / "a.json", annotator="tester") as store:
            report = import_path(store, tmp / "tasks.jsonl")
            note(report.warnings)
            assert report.warnings == []
            assert sorted((c["start"], c["end"], c["quote"]) for c in store.claims()) == sorted(
                (s, e, text[s:e]) for s, e in spans)
            export_store(store, tmp / "first", analyser, tasks=("claims",), formats=("jsonl",))
        (first,) = exported(tmp / "first", "claims.jsonl")
        assert first["text"] == text and first["meta"]["targets"] == {"t1": target}
        assert sorted((s["start"], s["end"]) for s in first["spans"]) == sorted(spans)
        with AnnotationStore(tmp / "b.json", annotator="other") as store:
            report = import_path(store, tmp / "first" / "claims.jsonl")
            assert report.warnings == [] and report.added["claims"] == len(spans)
            export_store(store, tmp / "second", analyser, tasks=("claims",), formats=("jsonl",))
        assert (tmp / "second" / "claims.jsonl").read_bytes() == (tmp / "first" / "claims.jsonl").read_bytes()


# -- a state machine: generated Prodigy files, imported again and again ------------------------

json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                        hostile_text.map(fixed))
json_value = st.recursive(json_scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                                st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                          max_leaves=8)


@st.composite
def prodigy_line(draw, texts):
    """One line of a Prodigy file: a good task, a task with some fields of any
    JSON type, or a line that is not JSON at all."""
    kind = draw(st.sampled_from(["good", "good", "wild", "junk"]))
    if kind == "junk":
        return draw(st.sampled_from(["{", "[1]", "null", "\"text\"", "{\"text\": " + "[" * 200, "\x00", "\ufeff{}"]))
    text = draw(st.sampled_from(texts))
    s = draw(st.integers(0, len(text) - 1))
    e = draw(st.integers(s + 1, len(text)))
    span = {"start": s, "end": e, "label": draw(st.sampled_from(["CLAIM", "SPEAKER", "ORG", "claim"])),
            "text": text[s:e]}
    task = {"text": text, "spans": [span], "answer": draw(st.sampled_from(["accept", "reject", "ignore"]))}
    if kind == "wild":
        target = draw(st.sampled_from([task, span]))
        for key in draw(st.lists(st.sampled_from(
                ["start", "end", "text", "label", "claim_id", "stances", "meta", "spans", "answer", "_timestamp",
                 "_annotator_id", "rejection_id", "token_start", "note", "claim_type", "speaker_kind"]),
                min_size=1, max_size=3)):
            target[key] = draw(json_value)
    return json.dumps(task, ensure_ascii=draw(st.booleans()))


class ImportMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        self.store = AnnotationStore(self.dir / "store.json", annotator="tester")
        self.files: list[Path] = []

    @rule(data=st.data(), texts=st.lists(hostile_text.map(normalise).filter(lambda t: len(t) >= 2 and t.strip()),
                                         min_size=1, max_size=3))
    def import_a_new_file(self, data, texts):
        lines = data.draw(st.lists(prodigy_line(texts), min_size=1, max_size=6))
        path = self.dir / f"tasks{len(self.files)}.jsonl"
        path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
        self.files.append(path)
        try:
            import_path(self.store, path)
        except ValueError as exc:  # ValidationError: nothing in the file is usable; one line, naming it
            assert "\n" not in str(exc) and path.name in str(exc)

    @rule(data=st.data())
    def import_a_file_again(self, data):
        if not self.files:
            return
        path = data.draw(st.sampled_from(self.files))
        before = {name: len(self.store.db.table(name)) for name in ("claims", "rejections", "articles", "targets")}
        try:
            report = import_path(self.store, path)
        except ValueError:
            return
        assert sum(report.added.values()) == 0
        assert {name: len(self.store.db.table(name)) for name in before} == before

    @invariant()
    def every_claim_quotes_its_article(self):
        articles = {a["id"]: a for a in self.store.articles()}
        for record in self.store.claims(include_review=True) + self.store.db.table("rejections").all():
            assert type(record["start"]) is int and type(record["end"]) is int
            text = articles[record["article_id"]]["text"]
            assert text[record["start"]:record["end"]] == record["quote"]

    def teardown(self) -> None:
        self.store.close()
        self.tmp.cleanup()


ImportMachine.TestCase.settings = settings(stateful_step_count=8)
test_imports_of_generated_prodigy_files = ImportMachine.TestCase


# -- any JSON in any field of any import format: notes, never an exception -------------------

FIELDS = {
    "prodigy": ["text", "spans", "meta", "answer", "_timestamp", "_annotator_id", "tokens"],
    "reliability": ["level", "label", "doc_id", "source", "rationale_codes", "note", "annotator_id"],
    "pairs": ["claim_id_a", "claim_id_b", "label", "id", "note", "annotator_id", "created"],
    "groups": ["group_id", "members", "canonical", "stance"],
}
MARKERS = {"prodigy": {"text": "Talks in Moscow."}, "reliability": {"level": "article", "label": "mixed"},
           "pairs": {"claim_id_a": "a", "claim_id_b": "b"}, "groups": {"group_id": "g", "members": []}}


@given(kind=st.sampled_from(sorted(FIELDS)), data=st.data())
def test_any_json_in_any_field_of_any_import_format_gives_notes_not_exceptions(kind, data):
    rows = [MARKERS[kind]]  # the first row says which format the file is
    for _ in range(data.draw(st.integers(1, 4))):
        rows.append({**MARKERS[kind], **data.draw(st.dictionaries(st.sampled_from(FIELDS[kind]), json_value, max_size=4))})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{kind}.jsonl"
        path.write_bytes("".join(json.dumps(r) + "\n" for r in rows).encode("utf-8"))
        with AnnotationStore(Path(tmp) / "s.json", annotator="tester") as store:
            report = import_path(store, path)
            again = import_path(store, path)
        assert sum(again.added.values()) == 0
        assert all("\n" not in w and f"{kind}.jsonl line " in w for w in report.warnings)


@given(rows=st.lists(st.dictionaries(st.sampled_from(["text", "body", "title", "source", "url", "published", "event",
                                                      "id", "lang"]), json_value, max_size=5), min_size=1, max_size=4),
       manifest=json_value, sidecar=json_value)
def test_any_json_in_corpus_rows_manifests_and_sidecars_loads_or_is_one_clear_error(rows, manifest, sidecar):
    from corpus.articles import CorpusError, load_folder

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "in.jsonl").write_bytes("".join(json.dumps(r) + "\n" for r in rows).encode("utf-8"))
        (tmp / "d").mkdir()
        (tmp / "d" / "a.txt").write_text("Talks in Moscow\n\nThe ministers met.", encoding="utf-8")
        (tmp / "d" / "manifest.json").write_text(json.dumps({"event": manifest, "articles": {"a.txt": sidecar}}))
        (tmp / "d" / "a.meta.json").write_text(json.dumps(sidecar))
        for load, source in ((load_jsonl, tmp / "in.jsonl"), (load_folder, tmp / "d")):
            try:
                corpus = load(source)
            except CorpusError as exc:
                assert "\n" not in str(exc)
                continue
            assert all(isinstance(getattr(a, f), str) for a in corpus.articles
                       for f in ("text", "title", "source", "url", "published"))
            assert all(isinstance(t.text, str) and isinstance(t.id, str) for e in corpus.events for t in e.targets)
            with AnnotationStore(tmp / f"{load.__name__}.json", annotator="tester") as store:
                store.register_corpus(corpus)
