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
