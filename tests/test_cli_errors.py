"""Every bad option of every command is one line naming it, exit code 2."""

from __future__ import annotations

import pytest

from tui import cli

BAD = [
    ["export", "--db", "", "--out", "x"],
    ["export", "--seed", "abc", "--out", "x"],
    ["export", "--split-by", "moon", "--out", "x"],
    ["export"],
    ["import"],
    ["import", "f.jsonl", "--db", " "],
    ["ingest", "src"],
    ["ingest", "src", "--out", ""],
    ["ingest", "src", "--out", "o", "--n-process", "many"],
    ["store"],
    ["store", "frob"],
    ["store", "info", "--db", ""],
    ["store", "rebind", "--db", "s.json"],
    ["--db", ""],
    ["--no-such-option"],
    ["--event"],
    ["a", "b"],
    ["store", "info", "--db", "\x1b]0;PWNED\x07[b]x[/b]"],
]


@pytest.mark.parametrize("argv", BAD, ids=[" ".join(a) or "none" for a in BAD])
def test_bad_options_are_one_line(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse exits
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and ": error: " in err, err
    assert "Traceback" not in err and "usage:" not in err and "\x1b" not in err


def test_ingest_never_writes_over_a_folder_it_did_not_write(tmp_path, capsys):
    from corpus.articles import sample_corpus_path

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "articles.jsonl").write_text("my own notes\n")
    for out in (mine, sample_corpus_path(), sample_corpus_path() / "sub", tmp_path / "mine" / "articles.jsonl"):
        assert cli.main(["ingest", str(sample_corpus_path()), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("factdesk: error: --out "), err
    assert (mine / "articles.jsonl").read_text() == "my own notes\n"
    assert not (sample_corpus_path() / "sub").exists() and not (sample_corpus_path() / "corpus.json").exists()
