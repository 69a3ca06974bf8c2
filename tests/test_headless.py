"""The command line's headless commands never import Textual: `factdesk
store`, `import`, `ingest` and errors of the app's own options run without it
(export is checked in test_export.py, with spaCy too)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.helpers import PYTHON, ROOT, run_env

CODE = ("import sys\nfrom tui.cli import main\ntry:\n    rc = main(sys.argv[1:])\n"
        "finally:\n    print('TEXTUAL', 'textual' in sys.modules)\nsys.exit(rc)")


def _run(tmp_path, rules_cache, *args):
    env = run_env(tmp_path, FACTDESK_CACHE_DIR=str(rules_cache), FACTDESK_MODEL="rules")
    return subprocess.run([PYTHON, "-c", CODE, *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=120)


@pytest.fixture
def prodigy_file(tmp_path, corpus):
    article = corpus.articles[0]
    start = article.text.index(".") + 2
    row = {"text": article.text, "meta": {"doc_id": article.id},
           "spans": [{"start": start, "end": start + 20, "label": "CLAIM"}]}
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["store info", "store repair", "import", "ingest", "bad option"])
def test_headless_commands_do_not_import_textual(command, annotated, rules_cache, tmp_path, prodigy_file):
    annotated.close()
    db = str(annotated.path)
    args = {
        "store info": ["store", "info", "--db", db],
        "store repair": ["store", "repair", "--db", db],
        "import": ["import", str(prodigy_file), "--db", db],
        "ingest": ["ingest", str(ROOT / "corpus" / "samples" / "karabakh-2020"), "--out", str(tmp_path / "ingested")],
        "bad option": ["--no-such-option"],
    }[command]
    out = _run(tmp_path, rules_cache, *args)
    assert "Traceback" not in out.stderr
    if command == "bad option":
        assert out.returncode != 0 and out.stderr.count("\n") == 1, out.stderr
    else:
        assert out.returncode == 0, out.stderr
    assert "TEXTUAL False" in out.stdout, (out.stdout, out.stderr)
