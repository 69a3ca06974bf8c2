"""Importers on good input and on every kind of bad input: a clear error or a
clear warning, never a traceback, and nothing else in the corpus lost."""

from __future__ import annotations

import csv
import json
import subprocess

import pytest

from annotations.export import export_store
from annotations.store import AnnotationStore
from corpus.articles import CorpusError
from corpus.duplicates import near_duplicates
from corpus.importers import load_corpus, load_csv, load_fnc1, load_jsonl
from tests.helpers import FNC1, PYTHON, ROOT, needs_fnc1, run_env


GOOD = "Armenia and Azerbaijan agree to talks\n\nThe foreign ministers met in Moscow on Friday."
BIG = ("Paragraph of a very long article about the talks in Moscow.\n" * 85_000)  # about 5 MB


def write_jsonl(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")


# -- JSONL -----------------------------------------------------------------------------


def test_jsonl_good_rows_with_metadata_and_events(tmp_path):
    path = tmp_path / "news.jsonl"
    write_jsonl(path, [
        {"text": GOOD, "source": "a.example", "url": "https://a.example/1", "published": "2020-10-09",
         "event": "talks", "lang": "en"},
        {"body": "Second story\n\nAzerbaijan said no.", "title": "A headline given apart", "event": "talks"},
        {"content": "Unrelated\n\nSomething else entirely happened today."},
    ])
    corpus = load_jsonl(path)
    assert len(corpus.articles) == 3 and corpus.warnings == []
    first, second, _ = corpus.articles
    assert (first.source, first.url, first.published, first.meta) == ("a.example", "https://a.example/1", "2020-10-09", {"lang": "en"})
    assert second.title == "A headline given apart" and second.body_start == 0
    events = {e.id: e for e in corpus.events}
    assert set(events["talks"].article_ids) == {first.id, second.id}
    assert len(events["news"].article_ids) == 1  # the rest, in an event named after the file


def test_jsonl_bad_rows_are_skipped_with_the_line_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    write_jsonl(path, [
        {"text": GOOD},
        "{not json",
        "[1, 2]",
        {"title": "no text field"},
        {"text": "   \n\t  "},
        {"text": "\x00\x01 binary junk"},
        {"text": BIG},
        {"text": "Last one\n\nStill here after all the bad rows."},
    ])
    corpus = load_jsonl(path)
    assert [a.path for a in corpus.articles] == ["bad.jsonl line 1", "bad.jsonl line 7", "bad.jsonl line 8"]
    warnings = "\n".join(corpus.warnings)
    assert "bad.jsonl line 2: not valid JSON" in warnings
    assert "bad.jsonl line 3: not a JSON object" in warnings
    assert "bad.jsonl line 4: no text field" in warnings
    assert "bad.jsonl line 5: empty" in warnings
    assert "bad.jsonl line 6: looks like a binary file" in warnings
    assert "bad.jsonl line 7: a very long article" in warnings
    assert len(corpus.articles[1].text) == len(BIG)


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"   \n\n", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
    (b'{"title": "only titles"}\n', "no usable article"),
])
def test_jsonl_unusable_files(tmp_path, content, message):
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=message):
        load_jsonl(path)


def test_undecodable_bytes_are_detected_not_guessed_by_hand(tmp_path):
    text = ("The foreign ministers of Armenia and Azerbaijan met in Moscow on Friday. “We are ready,” "
            "said the spokesman – a naïve hope, critics said. The café near the Kremlin was closed. ") * 4
    path = tmp_path / "cp1252.jsonl"
    path.write_bytes(json.dumps({"text": text}, ensure_ascii=False).encode("cp1252") + b"\n")
    corpus = load_jsonl(path)
    assert corpus.articles[0].text == text.strip() or corpus.articles[0].text == text
    assert any("cp1252.jsonl: decoded as" in w and "not UTF-8" in w for w in corpus.warnings)


# -- CSV ---------------------------------------------------------------------------------


def test_csv_with_quoted_newlines_and_a_text_column(tmp_path):
    path = tmp_path / "news.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "text", "source"])
        writer.writerow(["Talks", "Line one\nline two, with a comma", "a.example"])
        writer.writerow(["Empty", "   ", "b.example"])
    corpus = load_csv(path)
    assert [a.text for a in corpus.articles] == ["Line one\nline two, with a comma"]
    assert "news.csv line 4: empty" in "\n".join(corpus.warnings)


def test_csv_missing_text_column_names_the_header(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text("title,author\nA,B\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no text column.*the header is title, author"):
        load_csv(path)


def test_fnc1_missing_column_and_missing_bodies(tmp_path):
    (tmp_path / "x_bodies.csv").write_text("Body ID,articleBody\n1,Text of one\n", encoding="utf-8")
    (tmp_path / "x_stances.csv").write_text("Headline,Stance\nH,agree\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="missing column.*Body ID"):
        load_fnc1(tmp_path)
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / "y_stances.csv").write_text("Headline,Body ID,Stance\nH,1,agree\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="y_bodies.csv should be beside it"):
        load_fnc1(lone / "y_stances.csv")


def test_fnc1_small_layout(tmp_path):
    (tmp_path / "t_bodies.csv").write_text(
        'Body ID,articleBody\n1,"Body one says\nthe talks failed."\n2,Body two agrees.\n3,Body one says\n',
        encoding="utf-8")
    (tmp_path / "t_stances.csv").write_text(
        "Headline,Body ID,Stance\nTalks fail,1,agree\nTalks fail,2,unrelated\nTalks fail,9,agree\n"
        "Other,2,discuss\nOther,2,discuss\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.kind == "fnc1"
    assert [(e.title, len(e.article_ids)) for e in corpus.events] == [("Talks fail", 1), ("Other", 1)]
    assert [g["stance"] for g in corpus.gold] == ["agree", "unrelated", "discuss", "discuss"]
    assert "Body ID 9 is not in t_bodies.csv" in "\n".join(corpus.warnings)


@needs_fnc1
def test_fnc1_import_gives_events_duplicates_and_clean_text():
    corpus = load_corpus(FNC1)
    assert len(corpus.events) == 894
    assert len(corpus.gold) == 25_413
    assert len([a for a in corpus.articles if a.aliases]) == 4  # the four exact duplicate bodies
    assert len(corpus.articles) == 900
    for article in corpus.articles:
        assert "\u200b" not in article.text and "\x00" not in article.text
        assert all(ord(ch) >= 0x20 or ch in "\n\t" for ch in article.text)
        for start, end, _ in article.noise:
            assert 0 <= start < end <= len(article.text)
    assert any("mojibake" == k for a in corpus.articles for _, _, k in a.noise)
    by_event = {e.title: e for e in corpus.events}
    assert all(len(e.article_ids) >= 1 for e in by_event.values())


@needs_fnc1
def test_fnc1_gold_stances_round_trip_unchanged(tmp_path, analyser):
    corpus = load_corpus(FNC1)
    with AnnotationStore(tmp_path / "s.json") as store:
        store.register_corpus(corpus)
        store.register_corpus(corpus)  # importing twice adds nothing
        assert len(store.gold()) == 25_413
        export_store(store, tmp_path / "out", analyser)
    with open(FNC1 / "competition_test_stances.csv", encoding="utf-8", newline="") as fh:
        original = list(csv.reader(fh))
    with open(tmp_path / "out" / "stances.csv", encoding="utf-8", newline="") as fh:
        exported = list(csv.reader(fh))
    assert exported == original


# -- duplicates, dispatch ------------------------------------------------------------------


def test_near_duplicates_found_and_different_texts_not():
    base = " ".join(f"word{i}" for i in range(300))
    edited = base.replace("word150", "changed").replace("word20", "edited")
    other = " ".join(f"other{i}" for i in range(300))
    result = near_duplicates([("a", base), ("b", other), ("c", edited)])
    assert result == {"c": "a"}


@pytest.mark.parametrize("name, message", [
    ("missing", "no such file or folder"),
    ("article.txt", "give the folder that holds the articles"),
    ("data.xlsx", "not a corpus factdesk can read"),
])
def test_load_corpus_dispatch_errors(tmp_path, name, message):
    if name != "missing":
        (tmp_path / name).write_text("x", encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        load_corpus(tmp_path / name)


def test_cli_reports_bad_sources_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("title\nonly\n", encoding="utf-8")
    out = subprocess.run([PYTHON, "-m", "tui.cli", "ingest", str(bad), "--out", str(tmp_path / "c")],
                         capture_output=True, text=True, env=run_env(tmp_path), cwd=ROOT)
    assert out.returncode == 2
    assert "bad.csv: no text column" in out.stderr and "Traceback" not in out.stderr


# -- item 9: JSONL lines end at "\n" only; a BOM, a NUL, U+2028 inside strings -----------

SEPARATORS = "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"


def test_jsonl_separators_inside_strings_neither_split_an_article_nor_shift_line_numbers(tmp_path):
    from corpus.text import normalise

    texts = [f"Headline {i}\n\nOne{SEPARATORS}two, the body of story {i}." for i in range(3)]
    rows = [json.dumps({"text": t, "title": f"T{SEPARATORS}{i}"}, ensure_ascii=False) for i, t in enumerate(texts)]
    path = tmp_path / "sep.jsonl"
    path.write_text("\n".join([rows[0], rows[1], "{broken", rows[2]]) + "\n", encoding="utf-8")
    corpus = load_jsonl(path)
    assert [a.text for a in corpus.articles] == [normalise(t) for t in texts]
    assert [a.path for a in corpus.articles] == ["sep.jsonl line 1", "sep.jsonl line 2", "sep.jsonl line 4"]
    assert [w for w in corpus.warnings if "not valid JSON" in w] == [
        "sep.jsonl line 3: not valid JSON (Expecting property name enclosed in double quotes at column 2); skipped."]


def test_jsonl_with_a_bom_keeps_its_first_article(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"text": GOOD}).encode() + b"\r\n"
                     + json.dumps({"text": "Second\n\nstory."}).encode() + b"\r\n")
    corpus = load_jsonl(path)
    assert [a.text for a in corpus.articles] == [GOOD, "Second\n\nstory."] and corpus.warnings == []


def test_jsonl_a_nul_byte_rejects_only_its_line(tmp_path):
    path = tmp_path / "nul.jsonl"
    path.write_bytes(json.dumps({"text": GOOD}).encode() + b'\n{"text": "bad\x00line"}\n'
                     + json.dumps({"text": "Third\n\nstory."}).encode() + b"\n")
    corpus = load_jsonl(path)
    assert [a.path for a in corpus.articles] == ["nul.jsonl line 1", "nul.jsonl line 3"]
    assert corpus.warnings == ["nul.jsonl line 2: holds a NUL byte (binary data, not JSON); skipped."]


def test_jsonl_wrong_types_and_deep_nesting_are_named_not_raised(tmp_path):
    path = tmp_path / "types.jsonl"
    write_jsonl(path, [
        {"text": GOOD, "source": ["a"], "url": 5, "title": {"x": 1}},
        '{"text": "x", "meta": ' + "[" * 3000 + "]" * 3000 + "}",
        "[" * 100_000,
        '{"text": "x", "n": NaN}',
    ])
    corpus = load_jsonl(path)
    (article,) = corpus.articles
    assert (article.source, article.url, article.title) == ("", "5", "Armenia and Azerbaijan agree to talks")
    assert corpus.warnings == [
        "types.jsonl line 1: title must be text, not an object; the first line is the title.",
        "types.jsonl line 1: source must be text, not a list; left out.",
        "types.jsonl line 2: nested deeper than 64 levels; skipped.",
        "types.jsonl line 3: nested deeper than 64 levels; skipped.",
        "types.jsonl line 4: NaN is not a JSON number; skipped.",
    ]


def test_csv_u2028_and_form_feed_stay_in_their_field_and_later_lines_are_right(tmp_path):
    path = tmp_path / "sep.csv"
    path.write_text(f'title,text\nA,"Field one{SEPARATORS}still one"\nB,"x\ny"\nC,\nD,"last"\n', encoding="utf-8",
                    newline="")
    corpus = load_csv(path)
    from corpus.text import normalise

    assert [a.text for a in corpus.articles] == [normalise(f"Field one{SEPARATORS}still one"), "x\ny", "last"]
    assert [a.path for a in corpus.articles] == ["sep.csv line 2", "sep.csv line 3", "sep.csv line 6"]
    assert corpus.warnings == ["sep.csv line 5: empty, skipped."]


# -- item 15: UTF-16 without a byte-order mark is UTF-16, not "binary" ------------------------

@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(tmp_path, encoding):
    text = "Ceasefire in Karabakh\n\nThe talks in Moscow ended – “at last”, said one café owner."
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_bytes(text.encode(encoding))
    (tmp_path / "t.csv").write_bytes(f'text\n"{text}"\n'.encode(encoding))
    (tmp_path / "j.jsonl").write_bytes((json.dumps({"text": text}) + "\n").encode(encoding))
    order = "little-endian" if encoding.endswith("le") else "big-endian"
    for corpus in (load_corpus(tmp_path / "d"), load_csv(tmp_path / "t.csv"), load_jsonl(tmp_path / "j.jsonl")):
        assert [a.text for a in corpus.articles] == [text]
        assert any(f"decoded as UTF-16 {order} (no byte-order mark" in note
                   for note in corpus.warnings + list(corpus.articles[0].changes))


def test_broken_utf16_without_a_bom_is_named_as_such(tmp_path):
    data = "Ceasefire in Karabakh, the talks went on".encode("utf-16-le") + b"\x00\xd8" + "more".encode("utf-16-le")
    (tmp_path / "x.csv").write_bytes(data)
    with pytest.raises(CorpusError, match=r"x.csv: looks like UTF-16 \(little-endian\) without a byte-order mark"):
        load_csv(tmp_path / "x.csv")


def test_the_tests_find_shared_data_beside_the_project_or_where_named_never_at_a_machine_path(tmp_path):
    """A clone with no shared/ beside it and no $FACTDESK_SHARED gets no shared
    folder from somewhere else on the machine (its FNC-1 tests skip)."""
    import shutil

    clone = tmp_path / "clone"
    shutil.copytree(ROOT / "tests", clone / "tests", ignore=shutil.ignore_patterns("__pycache__", "test_*"))
    env = {k: v for k, v in run_env(tmp_path).items() if k != "FACTDESK_SHARED"}
    show = [PYTHON, "-c", "import tests.helpers as h; print(h.SHARED)"]
    out = subprocess.run(show, capture_output=True, text=True, cwd=clone, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(tmp_path / "shared")
    named = subprocess.run(show, capture_output=True, text=True, cwd=clone,
                           env={**env, "FACTDESK_SHARED": str(tmp_path / "elsewhere")})
    assert named.stdout.strip() == str(tmp_path / "elsewhere")
