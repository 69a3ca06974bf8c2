"""Size is an input too: one article over the limit is refused by name, with
the limit, and never takes the machine's memory; the rest of the file loads."""

from __future__ import annotations

import json
import subprocess

import pytest

from corpus.formats import max_article_bytes, read_jsonl
from corpus.importers import CorpusError, load_corpus
from tests.helpers import PYTHON, ROOT, run_env

SMALL = "A small article\n\nIts body, short and sweet."


@pytest.fixture
def limit_10kb(monkeypatch):
    monkeypatch.setenv("FACTDESK_MAX_ARTICLE_MB", str(10 / 1024))
    return 10 * 1024


def test_the_limit_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("FACTDESK_MAX_ARTICLE_MB", "2")
    assert max_article_bytes() == 2 * 2**20
    monkeypatch.setenv("FACTDESK_MAX_ARTICLE_MB", "lots")
    assert max_article_bytes() == 16 * 2**20  # a bad value: the default


def test_a_csv_field_over_the_limit_names_its_row_and_the_limit(tmp_path, limit_10kb):
    path = tmp_path / "news.csv"
    path.write_text('title,text\nSmall,"A fine one."\nBig,"' + "word " * 4000 + '"\n', encoding="utf-8")
    with pytest.raises(CorpusError) as raised:
        load_corpus(path)
    message = str(raised.value)
    assert "row 2 (line 3)" in message and "10 KB limit" in message and "FACTDESK_MAX_ARTICLE_MB" in message


def test_a_jsonl_line_over_the_limit_is_skipped_alone(tmp_path, limit_10kb):
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps({"text": "word " * 4000}) + "\n" + json.dumps({"text": SMALL}) + "\n",
                    encoding="utf-8")
    corpus = load_corpus(path)
    assert [a.title for a in corpus.articles] == ["A small article"]
    assert any("line 1" in w and "over the" in w for w in corpus.warnings)
    lines = list(read_jsonl(path))  # the streaming reader (ingest, import) too, a piece at a time
    assert lines[0].problem.startswith("the line is") and lines[1].value == {"text": SMALL}


def test_a_text_file_over_the_limit_is_skipped_and_the_folder_loads(tmp_path, limit_10kb):
    (tmp_path / "big.txt").write_text("Big\n\n" + "word " * 4000, encoding="utf-8")
    (tmp_path / "small.txt").write_text(SMALL, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [a.title for a in corpus.articles] == ["A small article"]
    assert any(w.startswith("big.txt: the file is") and "Skipped" in w for w in corpus.warnings)


def test_a_huge_csv_field_costs_memory_bounded_by_the_file_not_the_article(tmp_path):
    """A 40 MB field: refused after reading the file once (before, it was
    analysed as an article, at about 25 times its size)."""
    path = tmp_path / "huge.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('title,text\nBig,"')
        for _ in range(40):
            fh.write("word " * 209716)
        fh.write('"\n')
    code = ("import sys; from pathlib import Path; from corpus.importers import load_corpus, CorpusError\n"
            "try:\n    load_corpus(Path(sys.argv[1]))\nexcept CorpusError as e:\n    print('refused', e)\n"
            "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) // 1024)")
    # VmHWM of the child itself (ru_maxrss would keep the size of the pytest process it was forked from)
    out = subprocess.run([PYTHON, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT,
                         env=run_env(tmp_path), timeout=300)
    assert out.returncode == 0, out.stderr
    refused, peak = out.stdout.strip().splitlines()
    assert refused.startswith("refused") and "16 MB limit" in refused
    assert int(peak) < 400  # MB: the file read once, never the article's analysis
