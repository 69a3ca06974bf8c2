"""Hostile input files through every importer and the `factdesk` command.

Each case is a bad (or odd) file given to an importer: a folder of articles,
JSONL, CSV, FNC-1, a folder written by `factdesk ingest`, and every format of
`factdesk import`. Whatever it holds, the result is either a corpus / an
import with notes naming the file and line (exit 0), or one line
``factdesk: error: ...`` naming the file (exit 2); never a traceback, never a
raw control character on the terminal.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from corpus.articles import Article, CorpusError
from corpus.importers import load_corpus
from corpus.text import visible
from tests.helpers import ROOT, run_env
from tui.cli import main

BODY = "Armenia and Azerbaijan agree to talks\n\nThe foreign ministers met in Moscow on Friday."
OTHER = "Ceasefire broken again\n\nShelling was reported near Stepanakert overnight."
THIRD = "A third report\n\nObservers counted the damage in Ganja on Sunday."
ESC_NAME = "evil\x1b]0;pwned\x07[b=c=d]"  # an OSC sequence and markup in a file name


def jsonl(*rows, ascii: bool = False) -> bytes:
    """JSON lines; not escaped to ASCII unless asked, so that U+2028 and the
    like are in the file as they are."""
    return b"".join((r if isinstance(r, bytes) else json.dumps(r, ensure_ascii=ascii).encode()) + b"\n"
                    for r in rows)


def deep(n: int) -> bytes:
    return b'{"text": "x", "meta": ' + b"[" * n + b"]" * n + b"}"


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def mem_link(path: Path) -> Path:
    """A path that exists, is a regular file, and cannot be read (EIO): even
    root cannot read /proc/self/mem at offset 0."""
    if not Path("/proc/self/mem").exists():
        pytest.skip("no /proc/self/mem on this system")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to("/proc/self/mem")
    return path


_FIFOS: list[tuple[Path, threading.Event, threading.Thread]] = []


def fifo(path: Path) -> Path:
    """A named pipe where a file is expected. Code that opens it would block
    until a writer comes: a writer thread opens and closes it each time a
    reader appears, so such code reads an empty file instead of hanging."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    stop = threading.Event()

    def writer() -> None:
        while not stop.is_set():
            os.close(os.open(path, os.O_WRONLY))  # returns once a reader has opened it

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    _FIFOS.append((path, stop, thread))
    return path


@pytest.fixture(autouse=True)
def _release_fifos():
    yield
    while _FIFOS:
        path, stop, thread = _FIFOS.pop()
        stop.set()
        while thread.is_alive():  # let the writer's open return: be its last reader
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            thread.join(0.05)
            os.close(fd)


def folder(root: Path, files: dict[str, bytes | str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write(root / name, data)
    return root


def fnc1(root: Path, bodies: str, stances: str) -> Path:
    return folder(root, {"x_bodies.csv": bodies, "x_stances.csv": stances})


# -- corpus sources: (id, make(tmp) -> path, what stderr / the message must hold) --------

CORPUS_CASES = [
    # JSONL
    ("jsonl-bom", lambda t: write(t / "a.jsonl", b"\xef\xbb\xbf" + jsonl({"text": BODY})), "1 articles"),
    ("jsonl-u2028", lambda t: write(t / "a.jsonl", jsonl({"text": BODY + "\u2028x\u2029y\x85z\x0b\x0c\x1c"},
                                                         {"text": OTHER})), "2 articles"),
    ("jsonl-nul-line", lambda t: write(t / "a.jsonl", jsonl({"text": BODY}, b'{"text": "a\x00b"}', {"text": OTHER})),
     "a.jsonl line 2: holds a NUL byte"),
    ("jsonl-deep-400", lambda t: write(t / "a.jsonl", jsonl({"text": BODY}, deep(400))), "line 2: nested deeper"),
    ("jsonl-deep-100000", lambda t: write(t / "a.jsonl", jsonl({"text": BODY}, b"[" * 100_000)),
     "line 2: nested deeper"),
    ("jsonl-nan", lambda t: write(t / "a.jsonl", jsonl({"text": BODY}, b'{"text": "x", "n": NaN}')),
     "line 2: NaN is not a JSON number"),
    ("jsonl-1e400", lambda t: write(t / "a.jsonl", jsonl({"text": BODY}, b'{"text": "x", "n": 1e400}')),
     "line 2: the number 1e400 is too large"),
    ("jsonl-huge-int", lambda t: write(t / "a.jsonl", jsonl({"text": BODY}, b'{"text": "x", "n": ' + b"9" * 5000 + b"}")),
     "line 2: not usable JSON"),
    ("jsonl-text-number", lambda t: write(t / "a.jsonl", jsonl({"text": BODY}, {"text": 5})), "line 2: text must be text"),
    ("jsonl-title-list", lambda t: write(t / "a.jsonl", jsonl({"text": BODY, "title": [1]})), "line 1: title must be text"),
    ("jsonl-source-object", lambda t: write(t / "a.jsonl", jsonl({"text": BODY, "source": {"a": 1}})),
     "line 1: source must be text"),
    ("jsonl-event-bool", lambda t: write(t / "a.jsonl", jsonl({"text": BODY, "event": True})), "line 1: event must be text"),
    ("jsonl-url-list", lambda t: write(t / "a.jsonl", jsonl({"text": BODY, "url": ["x"], "published": {}})),
     "line 1: url must be text"),
    ("jsonl-all-bad", lambda t: write(t / "a.jsonl", jsonl(b"{no", b"[1]", {"text": 3})), "a.jsonl: no usable article"),
    ("jsonl-empty", lambda t: write(t / "a.jsonl", b""), "the file is empty"),
    ("jsonl-only-bom", lambda t: write(t / "a.jsonl", b"\xef\xbb\xbf\n"), "the file is empty"),
    ("jsonl-binary", lambda t: write(t / "a.jsonl", bytes(range(256)) * 8), "a.jsonl: looks like a binary file"),
    ("jsonl-utf16le-nobom", lambda t: write(t / "a.jsonl", jsonl({"text": BODY}).decode().encode("utf-16-le")),
     "1 articles"),
    ("jsonl-utf16be-nobom", lambda t: write(t / "a.jsonl", jsonl({"text": BODY}).decode().encode("utf-16-be")),
     "1 articles"),
    ("jsonl-utf16-bad-bom", lambda t: write(t / "a.jsonl", b"\xff\xfe" + b"a\x00\x00\xd8"), "not UTF-16"),
    ("jsonl-cp1252", lambda t: write(t / "a.jsonl", json.dumps({"text": BODY + " café"}, ensure_ascii=False)
                                     .encode("cp1252") + b"\n"), "1 articles"),
    ("jsonl-fifo", lambda t: fifo(t / "a.jsonl"), "a.jsonl: not a regular file"),
    ("jsonl-unreadable", lambda t: mem_link(t / "a.jsonl"), "a.jsonl: cannot be read"),
    ("jsonl-lone-surrogate", lambda t: write(t / "a.jsonl", b'{"text": "T\\ud800x\\n\\nbody", "title": "\\udfff"}\n'),
     "line 1: lone surrogate escapes"),
    ("jsonl-json-array-file", lambda t: write(t / "a.json", b"[1, 2, 3]\n"), "line 1: not a JSON object"),
    ("jsonl-escape-name", lambda t: write(t / f"{ESC_NAME}.jsonl", b"{no\n"), visible(ESC_NAME)),
    ("jsonl-crlf-and-blank", lambda t: write(t / "a.jsonl", b'{"text": "A\\n\\nb"}\r\n\r\n\r\n{"bad\r\n'),
     "line 4: not valid JSON"),
    # CSV
    ("csv-u2028", lambda t: write(t / "a.csv", 'title,text\nT,"one\u2028two\x0cthree"\nU,"x\n\ny"\nV,\n'),
     "a.csv line 6: empty"),
    ("csv-header-only", lambda t: write(t / "a.csv", "title,text\n"), "a.csv: no usable article"),
    ("csv-no-text-column", lambda t: write(t / "a.csv", "a,b\n1,2\n"), "a.csv: no text column"),
    ("csv-nul", lambda t: write(t / "a.csv", b"title,text\nT,a\x00b\n"), "a.csv: looks like a binary file"),
    ("csv-fifo", lambda t: fifo(t / "a.csv"), "a.csv: not a regular file"),
    ("csv-unreadable", lambda t: mem_link(t / "a.csv"), "a.csv: cannot be read"),
    ("csv-extra-fields", lambda t: write(t / "a.csv", f'title,text\nT,"{BODY}",x,y\n'), "line 2: 2 more field(s)"),
    ("csv-utf16le-nobom", lambda t: write(t / "a.csv", f'title,text\nT,"{BODY}"\n'.encode("utf-16-le")), "1 articles"),
    ("csv-bom-header", lambda t: write(t / "a.csv", f'\ufefftext\n"{BODY}"\n'), "1 articles"),
    ("csv-big-field-nul-late", lambda t: write(t / "a.csv", "text\n" + "x" * 70_000 + "\n\x00\n"), "1 articles"),
    # FNC-1
    ("fnc1-no-bodies", lambda t: write(t / "x_stances.csv", "Headline,Body ID,Stance\nH,1,agree\n"),
     "x_bodies.csv should be beside it"),
    ("fnc1-bodies-missing-column", lambda t: fnc1(t / "f", "Body ID\n1\n", "Headline,Body ID,Stance\nH,1,agree\n"),
     "missing column(s) articleBody"),
    ("fnc1-unknown-body", lambda t: fnc1(t / "f", f'Body ID,articleBody\n1,"{BODY}"\n',
                                         "Headline,Body ID,Stance\nH,1,agree\nG,9,agree\nK,1,maybe\n"),
     "Body ID 9 is not in x_bodies.csv"),
    ("fnc1-empty-body-id", lambda t: fnc1(t / "f", f'Body ID,articleBody\n,"{BODY}"\n2,"{OTHER}"\n',
                                          "Headline,Body ID,Stance\nH,2,agree\n"), "x_bodies.csv line 2: no Body ID"),
    ("fnc1-two-stances", lambda t: folder(t / "f", {"a_bodies.csv": "Body ID,articleBody\n", "a_stances.csv": "",
                                                    "b_stances.csv": ""}), "expected one *_bodies.csv"),
    ("fnc1-stances-unreadable", lambda t: (fnc1(t / "f", f'Body ID,articleBody\n1,"{BODY}"\n', ""),
                                           (t / "f" / "x_stances.csv").unlink(),
                                           mem_link(t / "f" / "x_stances.csv"))[0], "x_stances.csv: cannot be read"),
    # a folder of articles
    ("folder-manifest-list", lambda t: folder(t / "d", {"a.txt": BODY, "manifest.json": "[1]"}),
     "manifest.json: must hold a JSON object"),
    ("folder-manifest-event-list", lambda t: folder(t / "d", {"a.txt": BODY, "manifest.json": '{"event": [1]}'}),
     "manifest.json: event must be an object"),
    ("folder-manifest-targets-int", lambda t: folder(t / "d", {"a.txt": BODY,
                                                               "manifest.json": '{"event": {"targets": 5, "id": []}}'}),
     "targets must be a list"),
    ("folder-manifest-bad-target", lambda t: folder(t / "d", {"a.txt": BODY,
                                                              "manifest.json": '{"event": {"targets": [5, {"text": 1}]}}'}),
     "target 1 needs a"),
    ("folder-manifest-articles-wrong", lambda t: folder(t / "d", {"a.txt": BODY, "b.txt": OTHER,
                                                                  "manifest.json": '{"articles": {"a.txt": [1], "b.txt": {"source": []}}}'}),
     "articles: a.txt must be an object"),
    ("folder-manifest-articles-list", lambda t: folder(t / "d", {"a.txt": BODY, "manifest.json": '{"articles": [1]}'}),
     "manifest.json: articles must be an object"),
    ("folder-manifest-deep", lambda t: folder(t / "d", {"a.txt": BODY, "manifest.json": b'{"x": ' + b"[" * 5000 + b"]" * 5000 + b"}"}),
     "manifest.json: not a readable JSON file (nested deeper"),
    ("folder-manifest-very-deep", lambda t: folder(t / "d", {"a.txt": BODY, "manifest.json": b"[" * 200_000}),
     "manifest.json: not a readable JSON file (nested deeper"),
    ("folder-manifest-not-utf8", lambda t: folder(t / "d", {"a.txt": BODY, "manifest.json": b'{"x": "\xff"}'}),
     "manifest.json: not UTF-8"),
    ("folder-manifest-is-a-folder", lambda t: (folder(t / "d", {"a.txt": BODY}), (t / "d" / "manifest.json").mkdir())[0],
     "manifest.json: is a folder"),
    ("folder-manifest-fifo", lambda t: (folder(t / "d", {"a.txt": BODY}), fifo(t / "d" / "manifest.json"))[0],
     "manifest.json: not a regular file"),
    ("folder-sidecar-wrong-types", lambda t: folder(t / "d", {"a.txt": BODY, "a.meta.json": '{"source": [], "url": {}, "event": 3}'}),
     "a.txt (its metadata): source must be text"),
    ("folder-sidecar-deep", lambda t: folder(t / "d", {"a.txt": BODY, "a.meta.json": b"[" * 50_000}),
     "a.meta.json: not a readable JSON file (nested deeper"),
    ("folder-sidecar-list", lambda t: folder(t / "d", {"a.txt": BODY, "a.meta.json": "[]"}), "a.meta.json: must hold"),
    ("folder-unreadable-article", lambda t: (folder(t / "d", {"a.txt": BODY}), mem_link(t / "d" / "b.txt"))[0],
     "b.txt: cannot be read"),
    ("folder-utf16-article", lambda t: folder(t / "d", {"a.txt": BODY.encode("utf-16-le")}), "1 articles"),
    ("folder-only-binary", lambda t: folder(t / "d", {"a.txt": b"\x00\x01\x02\x03" * 64}),
     "a.txt: looks like a binary file"),
    ("folder-only-invisible", lambda t: folder(t / "d", {"a.txt": "\u200b\u200b", "b.txt": BODY}), "a.txt: empty, skipped"),
    ("folder-escape-name", lambda t: folder(t / "d", {f"{ESC_NAME}.txt": b"\x00" * 10}), visible(ESC_NAME)),
]


def _ingested(tmp: Path, **damage) -> Path:
    """A folder written by `factdesk ingest` (without analysis), then damaged."""
    from corpus.importers import load_fnc1
    from corpus.ingest import save_corpus

    source = fnc1(tmp / "src", f'Body ID,articleBody\n1,"{BODY}"\n2,"{OTHER}"\n3,"{THIRD}"\n',
                  "Headline,Body ID,Stance\nH,1,agree\nH,2,discuss\nG,3,unrelated\n")
    out = tmp / "ingested"
    save_corpus(load_fnc1(source), out)
    shutil.rmtree(source)
    for name, change in damage.items():
        path = out / name.replace("_", ".")
        if callable(change):
            write(path, change(path.read_bytes()))
        else:
            write(path, change)
    return out


def _manifest(change):
    def edit(data: bytes) -> bytes:
        manifest = json.loads(data)
        change(manifest)
        return json.dumps(manifest).encode()
    return edit


def _line(number: int, replacement: bytes):
    def edit(data: bytes) -> bytes:
        lines = data.split(b"\n")
        lines[number - 1] = replacement
        return b"\n".join(lines)
    return edit


INGESTED_CASES = [
    ("ingested-no-events", lambda t: _ingested(t, corpus_json=_manifest(lambda m: m.pop("events"))),
     "corpus.json: has no list of events"),
    ("ingested-events-wrong", lambda t: _ingested(t, corpus_json=_manifest(lambda m: m.update(events=[{"id": 1}]))),
     "corpus.json: event 1 is damaged"),
    ("ingested-targets-wrong", lambda t: _ingested(t, corpus_json=_manifest(
        lambda m: m["events"][0].update(targets=[{"x": 1}]))), "corpus.json: event 1 is damaged"),
    ("ingested-events-dict", lambda t: _ingested(t, corpus_json=_manifest(lambda m: m.update(events={}))),
     "corpus.json: has no list of events"),
    ("ingested-name-int", lambda t: _ingested(t, corpus_json=_manifest(lambda m: m.update(name=5))),
     "corpus.json: has no name"),
    ("ingested-manifest-list", lambda t: _ingested(t, corpus_json=b"[]"), "corpus.json: not a factdesk corpus"),
    ("ingested-manifest-not-json", lambda t: _ingested(t, corpus_json=b"{"), "corpus.json: not readable"),
    ("ingested-manifest-deep", lambda t: _ingested(t, corpus_json=b"[" * 100_000), "corpus.json: not readable"),
    ("ingested-gold-count-wrong", lambda t: _ingested(t, corpus_json=_manifest(lambda m: m.update(gold="many"))),
     "3 articles"),
    ("ingested-article-line-bad", lambda t: _ingested(t, articles_jsonl=_line(2, b"{broken")),
     "articles.jsonl line 2: damaged"),
    ("ingested-article-types", lambda t: _ingested(t, articles_jsonl=_line(1, b'{"id": 1, "text": []}')),
     "articles.jsonl line 1: damaged (id is missing or not text)"),
    ("ingested-article-hash", lambda t: _ingested(t, articles_jsonl=lambda d: d.replace(b"Moscow", b"Moskva", 1)),
     "the text does not match its text_hash"),
    ("ingested-articles-all-bad", lambda t: _ingested(t, articles_jsonl=b"[]\n{}\n"), "articles.jsonl: no usable article"),
    ("ingested-articles-missing", lambda t: (_ingested(t), (t / "ingested" / "articles.jsonl").unlink())[0],
     "articles.jsonl: no such file"),
    ("ingested-articles-unreadable", lambda t: (_ingested(t), (t / "ingested" / "articles.jsonl").unlink(),
                                                mem_link(t / "ingested" / "articles.jsonl"))[0],
     "articles.jsonl: cannot be read"),
]

# gold.jsonl is read when the corpus is registered in a store: through `factdesk import --corpus`
GOLD_CASES = [
    ("gold-not-json", lambda t: _ingested(t, gold_jsonl=_line(2, b"{oops")), "gold.jsonl line 2: damaged"),
    ("gold-wrong-types", lambda t: _ingested(t, gold_jsonl=_line(1, b'{"row": "x", "stance": 1}')),
     "gold.jsonl line 1: damaged (row is not a row number)"),
    ("gold-unknown-article", lambda t: _ingested(t, gold_jsonl=_line(1, json.dumps(
        {"row": 0, "target_id": "h0001", "article_id": "nope", "stance": "agree"}).encode())),
     "article nope is not in articles.jsonl"),
    ("gold-is-a-folder", lambda t: (_ingested(t), (t / "ingested" / "gold.jsonl").unlink(),
                                    (t / "ingested" / "gold.jsonl").mkdir())[0], "gold.jsonl: is a folder"),
    ("gold-deep", lambda t: _ingested(t, gold_jsonl=b"[" * 100_000 + b"\n"), "gold.jsonl line 1: damaged (nested"),
]


def check_cli(argv: list[str], capsys, expect: str | None = None) -> tuple[int, str, str]:
    """Run `factdesk ARGV` in this process: no exception, no traceback, no raw
    control character, and either exit 0 or exit 2 with one error line."""
    rc = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    assert "\x1b" not in err and "\x1b" not in out
    assert rc in (0, 2), (rc, err)
    if rc == 2:
        errors = [line for line in err.splitlines() if line.startswith("factdesk: error: ")]
        assert len(errors) == 1 and err.rstrip("\n").endswith(errors[0]), err
    if expect is not None:
        assert expect in out + err, (expect, out, err)
    return rc, out, err


def _corpus_expectation(expect: str) -> str | None:
    """What load_corpus shows for a case: a message or warning (a count of
    articles is the ingest command's summary line)."""
    return None if expect.endswith(" articles") else expect


@pytest.mark.parametrize("case,make,expect", CORPUS_CASES + INGESTED_CASES, ids=[c[0] for c in CORPUS_CASES + INGESTED_CASES])
def test_a_bad_corpus_source_gives_a_corpus_or_one_clear_error(case, make, expect, tmp_path, capsys):
    source = make(tmp_path)
    try:
        corpus = load_corpus(source)
    except CorpusError as exc:
        message = str(exc)
        assert "\n" not in message and "\x1b" not in message
        assert visible(source.name) in message or any(
            name in message for name in ("manifest.json", "corpus.json", "articles.jsonl", ".meta.json", ".csv", ".txt"))
        shown = message
    else:
        assert corpus.articles and all(isinstance(a, Article) and isinstance(a.text, str) for a in corpus.articles)
        assert all("\x1b" not in w and "\n" not in w for w in corpus.warnings)
        shown = "\n".join(corpus.warnings)
    if _corpus_expectation(expect):
        assert expect in shown, (expect, shown)
    check_cli(["ingest", str(source), "--out", str(tmp_path / "out"), "--model", "rules"], capsys, expect)


@pytest.mark.parametrize("case,make,expect", GOLD_CASES, ids=[c[0] for c in GOLD_CASES])
def test_a_damaged_gold_file_leaves_out_its_bad_rows(case, make, expect, tmp_path, capsys):
    source = make(tmp_path)
    corpus = load_corpus(source)
    assert all(isinstance(g, dict) and isinstance(g["row"], int) for g in corpus.gold)
    assert expect in "\n".join(corpus.warnings)
    task = write(tmp_path / "t.jsonl", jsonl({"text": BODY, "spans": []}))
    check_cli(["import", str(task), "--corpus", str(source)], capsys)


# -- `factdesk import`: (id, file name, content, what stderr must hold) -------------------

START = BODY.index("Moscow")
GOOD_SPAN = {"start": START, "end": START + 6, "label": "CLAIM", "text": "Moscow"}


def task(**fields) -> dict:
    return {"text": BODY, "spans": [GOOD_SPAN], **fields}


def span(**fields) -> dict:
    return task(spans=[{**GOOD_SPAN, **fields}])


IMPORT_CASES = [
    ("start-true", "p.jsonl", jsonl(task(), span(start=True, end=5)), "p.jsonl line 2 span 1: offsets must be integers"),
    ("start-float", "p.jsonl", jsonl(task(), span(start=1.0)), "line 2 span 1: offsets must be integers"),
    ("start-string", "p.jsonl", jsonl(task(), span(start="5")), "line 2 span 1: offsets must be integers"),
    ("start-negative", "p.jsonl", jsonl(task(), span(start=-3)), "line 2 span 1: offsets -3.."),
    ("end-past-text", "p.jsonl", jsonl(task(), span(end=10**6)), "line 2 span 1: offsets"),
    ("end-huge", "p.jsonl", jsonl(task(), span(end=10**30)), "line 2 span 1: offsets"),
    ("span-text-differs", "p.jsonl", jsonl(task(), span(text="London")),
     "line 2 span 1: its text 'London' is not the task's text"),
    ("span-text-number", "p.jsonl", jsonl(task(), span(text=6)), "line 2 span 1: text must be text"),
    ("span-label-list", "p.jsonl", jsonl(task(), span(label=["CLAIM"])), "line 2 span 1: label must be text"),
    ("span-claim-id-dict", "p.jsonl", jsonl(task(), span(claim_id={"a": 1})), "line 2 span 1: claim_id must be text"),
    ("span-tokens-wrong", "p.jsonl", jsonl(task(), span(token_start=3, token_end="x")), "line 2 span 1: token_start"),
    ("span-stances-list", "p.jsonl", jsonl(task(), span(stances=["agree"])), "line 2 span 1: stances must be an object"),
    ("span-not-object", "p.jsonl", jsonl(task(), task(spans=[5, GOOD_SPAN])), "line 2 span 1: not an object"),
    ("spans-int", "p.jsonl", jsonl(task(), task(spans=5)), "line 2: spans must be a list"),
    ("spans-string", "p.jsonl", jsonl(task(), task(spans="abc")), "line 2: spans must be a list"),
    ("meta-list", "p.jsonl", jsonl(task(), task(meta=[1])), "line 2: meta must be an object"),
    ("meta-targets-list", "p.jsonl", jsonl(task(), task(meta={"targets": ["x"]})), "line 2: meta.targets must be"),
    ("meta-target-number", "p.jsonl", jsonl(task(), task(meta={"targets": {"t": 1}})), "line 2: meta.targets: target"),
    ("meta-title-number", "p.jsonl", jsonl(task(), task(meta={"title": 5})), "line 2: meta.title must be text"),
    ("meta-doc-id-list", "p.jsonl", jsonl(task(), task(meta={"doc_id": [1]})), "line 2: meta.doc_id must be text"),
    ("timestamp-huge", "p.jsonl", jsonl(task(), task(_timestamp=1e300)), "line 2: _timestamp must be"),
    ("timestamp-string", "p.jsonl", jsonl(task(), task(_timestamp="yesterday")), "line 2: _timestamp must be"),
    ("timestamp-bool", "p.jsonl", jsonl(task(), task(_timestamp=True)), "line 2: _timestamp must be"),
    ("annotator-dict", "p.jsonl", jsonl(task(), task(_annotator_id={})), "line 2: _annotator_id must be text"),
    ("answer-list", "p.jsonl", jsonl(task(), task(answer=["accept"])), "line 2: answer ['accept'] is not"),
    ("text-number", "p.jsonl", jsonl(task(), task(text=12)), "line 2: text must be text"),
    ("rejection-id-list", "p.jsonl", jsonl(task(), span(rejection_id=[1]) | {"answer": "reject"}),
     "line 2 span 1: rejection_id must be text"),
    ("task-deep", "p.jsonl", jsonl(task(), deep(300)), "p.jsonl line 2: nested deeper"),
    ("task-very-deep", "p.jsonl", jsonl(task(), b"{\"text\": " + b"[" * 100_000), "p.jsonl line 2: nested deeper"),
    ("task-nul", "p.jsonl", jsonl(task(), b'{"text": "a\x00"}'), "p.jsonl line 2: holds a NUL byte"),
    ("task-not-utf8", "p.jsonl", jsonl(task(), b'{"text": "caf\xe9"}'), "p.jsonl line 2: not UTF-8 text"),
    ("task-bom-one-line", "p.jsonl", b"\xef\xbb\xbf" + jsonl(task()), "Imported 1 articles, 1 claims"),
    ("task-utf16le-nobom", "p.jsonl", jsonl(task()).decode().encode("utf-16-le"), "Imported 1 articles, 1 claims"),
    ("task-u2028-in-text", "p.jsonl", jsonl(task(text=BODY + "\u2028\x85 end"), task(text=OTHER, spans=[])),
     "Imported 2 articles, 1 claims"),
    ("task-lone-surrogate", "p.jsonl", jsonl(task(text=BODY + "\ud800"), ascii=True), "line 1: lone surrogate escapes"),
    ("all-lines-bad", "p.jsonl", b"{no\n[1]\n", "p.jsonl: neither Prodigy-style tasks"),
    ("empty-file", "p.jsonl", b"", "p.jsonl: neither Prodigy-style tasks"),
    ("escape-name", f"{ESC_NAME}.jsonl", jsonl(task(), span(start=True)), visible(ESC_NAME)),
    # reliability.jsonl
    ("rating-label-number", "r.jsonl", jsonl({"level": "article", "label": 5, "doc_id": "x"}), "r.jsonl line 1: label must be text"),
    ("rating-codes-string", "r.jsonl", jsonl({"level": "article", "label": "mixed", "rationale_codes": "no-byline"}),
     "line 1: rationale_codes must be a list"),
    ("rating-codes-dicts", "r.jsonl", jsonl({"level": "article", "label": "mixed", "rationale_codes": [{}]}),
     "line 1: rationale_codes must be a list"),
    ("rating-level-number", "r.jsonl", jsonl({"level": 3, "label": "mixed"}), "line 1: level 3 is not article or source"),
    ("rating-doc-id-dict", "r.jsonl", jsonl({"level": "article", "label": "mixed", "doc_id": {"a": 1}}),
     "line 1: doc_id must be text"),
    ("rating-note-list", "r.jsonl", jsonl({"level": "source", "label": "mixed", "source": "s", "note": []}),
     "line 1: note must be text"),
    ("rating-source-list", "r.jsonl", jsonl({"level": "source", "label": "mixed", "source": ["s"]}),
     "line 1: source must be text"),
    ("rating-annotator-int", "r.jsonl", jsonl({"level": "source", "label": "mixed", "source": "s", "annotator_id": 4}),
     "line 1: annotator_id must be text"),
    # claim_pairs.jsonl / claim_groups.jsonl
    ("pair-ids-lists", "c.jsonl", jsonl({"claim_id_a": [1], "claim_id_b": {}, "label": "same"}),
     "c.jsonl line 1: claim_id_a must be text"),
    ("pair-created-bad", "c.jsonl", jsonl({"claim_id_a": "a", "claim_id_b": "b", "label": "same", "created": "soon"}),
     "line 1: created 'soon' is not an ISO 8601 time"),
    ("pair-label-dict", "c.jsonl", jsonl({"claim_id_a": "a", "claim_id_b": "b", "label": {}}), "line 1: label must be text"),
    ("group-id-dict", "g.jsonl", jsonl({"group_id": {}, "members": []}), "g.jsonl line 1: group_id must be text"),
    ("group-stance-list", "g.jsonl", jsonl({"group_id": "g", "members": [], "stance": []}), "line 1: stance must be an object"),
    ("group-canonical-number", "g.jsonl", jsonl({"group_id": "g", "members": [], "canonical": 7}),
     "line 1: canonical must be text"),
    # FNC-1 stances CSV
    ("fnc1-csv-alone", "x_stances.csv", "Headline,Body ID,Stance\nH,1,agree\n", "x_bodies.csv should be beside it"),
    ("csv-not-fnc1", "plain.csv", "a,b\n1,2\n", "plain.csv: not an FNC-1 stances file"),
]


@pytest.mark.parametrize("case,name,content,expect", IMPORT_CASES, ids=[c[0] for c in IMPORT_CASES])
def test_factdesk_import_of_a_bad_file_names_each_bad_record(case, name, content, expect, tmp_path, capsys):
    path = write(tmp_path / name, content)
    rc, out, err = check_cli(["import", str(path), "--db", str(tmp_path / "store.json")], capsys, expect)
    if rc == 0:  # the good task beside the bad one was imported, and importing again adds nothing
        check_cli(["import", str(path), "--db", str(tmp_path / "store.json")], capsys, "nothing new")


@pytest.mark.parametrize("make,expect", [
    (lambda t: fifo(t / "pipe.jsonl"), "pipe.jsonl: not a regular file"),
    (lambda t: mem_link(t / "mem.jsonl"), "mem.jsonl: cannot be read"),
    (lambda t: mem_link(t / "mem_stances.csv"), "mem_bodies.csv should be beside it"),
], ids=["fifo", "unreadable", "unreadable-csv"])
def test_factdesk_import_of_a_file_that_cannot_be_read(make, expect, tmp_path, capsys):
    path = make(tmp_path)
    check_cli(["import", str(path), "--db", str(tmp_path / "store.json")], capsys, expect)


def test_an_unreadable_folder_or_csv_is_one_line_not_a_traceback(tmp_path):
    """Really unreadable (mode 000): the tests run as root, for whom modes do
    not apply, so the command runs without the capabilities that let root
    read anything (``setpriv`` drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: a mode-000 file is readable")
        prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]
    locked = folder(tmp_path / "locked", {"a.txt": BODY})
    table = write(tmp_path / "table.csv", f'text\n"{BODY}"\n')
    task_file = write(tmp_path / "tasks.jsonl", jsonl(task()))
    closed = folder(tmp_path / "closed", {"inner/a.txt": BODY})  # cannot be searched: nothing inside is seen
    listed = folder(tmp_path / "listed", {"a.txt": BODY})  # can be listed, not searched: names, no files
    runs = [
        (["ingest", str(closed / "inner"), "--out", str(tmp_path / "o3"), "--model", "rules"],
         "inner: cannot be read (Permission denied)"),
        (["ingest", str(listed), "--out", str(tmp_path / "o4"), "--model", "rules"],
         "a.txt: cannot be read (Permission denied)"),
        (["import", str(closed / "inner"), "--db", str(tmp_path / "s2.json")], "inner: "),
        (["ingest", str(locked), "--out", str(tmp_path / "o1"), "--model", "rules"], "locked: the folder cannot be read"),
        (["ingest", str(table), "--out", str(tmp_path / "o2"), "--model", "rules"], "table.csv: cannot be read"),
        (["import", str(task_file), "--db", str(tmp_path / "s.json")], "tasks.jsonl: cannot be read"),
    ]
    for path in (locked, table, task_file, closed):
        path.chmod(0)
    listed.chmod(0o400)
    try:
        for argv, expect in runs:
            proc = subprocess.run(
                [*prefix, sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main(sys.argv[1:]))",
                 *argv],
                cwd=ROOT, env=run_env(tmp_path), capture_output=True, text=True, timeout=120)
            assert "Traceback" not in proc.stderr, proc.stderr
            assert proc.returncode == 2 and expect in proc.stderr and "Permission denied" in proc.stderr, (
                proc.returncode, proc.stderr)
            errors = [line for line in proc.stderr.splitlines() if line.startswith("factdesk: error: ")]
            assert len(errors) == 1, proc.stderr
    finally:
        for path in (locked, table, task_file, closed, listed):
            path.chmod(0o700)
