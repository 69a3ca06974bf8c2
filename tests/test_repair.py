"""`factdesk store info` and `factdesk store repair`."""

from __future__ import annotations

import subprocess

from annotations.repair import info, repair
from annotations.store import AnnotationStore
from tests.conftest import PYTHON, ROOT, run_env
from tests.test_store import span_of


def make_store(path, corpus, sessions=2):
    a = corpus.articles[0]
    ids = []
    for i in range(sessions):
        with AnnotationStore(path) as store:
            store.register_corpus(corpus)
            ids.append(store.add_claim(a.id, *span_of(a.text, "158 soldiers"), {"t1": "agree"})["id"])
    return ids


def test_repair_restores_a_garbage_snapshot_from_backup_and_journal(tmp_path, corpus):
    path = tmp_path / "s.json"
    ids = make_store(path, corpus, sessions=3)
    path.write_bytes(b"\x00garbage")
    done = repair(path)
    assert any("moved to s.json.broken-" in line for line in done)
    assert any("restored" in line for line in done)
    with AnnotationStore(path) as store:
        assert sorted(c["id"] for c in store.claims()) == sorted(ids)
    assert list(tmp_path.glob("s.json.broken-*"))[0].read_bytes() == b"\x00garbage"


def test_repair_without_backups_replays_the_whole_journal(tmp_path, corpus):
    path = tmp_path / "s.json"
    ids = make_store(path, corpus)
    for backup in (tmp_path / "backups").iterdir():
        backup.unlink()
    path.write_text("{broken")
    done = repair(path)
    assert "no readable backup: rebuilt from the whole journal" in done
    with AnnotationStore(path) as store:
        assert sorted(c["id"] for c in store.claims()) == sorted(ids)


def test_repair_cuts_a_journal_damaged_in_the_middle(tmp_path, corpus):
    path = tmp_path / "s.json"
    a = corpus.articles[0]
    store = AnnotationStore(path, snapshot_every=10**9)
    store.register_corpus(corpus)
    store.storage.snapshot()
    kept = store.add_claim(a.id, *span_of(a.text, "158 soldiers"), {"t1": "agree"})
    store.add_claim(a.id, *span_of(a.text, "Armenia must withdraw"), {"t1": "agree"})
    store.add_claim(a.id, *span_of(a.text, "19 civilians"), {"t1": "agree"})
    store.storage._unlock()
    journal = tmp_path / "s.json.journal"
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[-2] = lines[-2][:20] + b"X" + lines[-2][21:]
    journal.write_bytes(b"".join(lines))
    done = repair(path)
    assert any("1 later entries are kept in" in line for line in done)
    with AnnotationStore(path) as store:
        assert [c["id"] for c in store.claims()] == [kept["id"]]


def test_repair_of_a_healthy_store_changes_nothing(tmp_path, corpus):
    path = tmp_path / "s.json"
    make_store(path, corpus)
    before = path.read_bytes()
    assert repair(path)[0] == "nothing to repair"
    assert path.read_bytes() == before


def test_info_describes_even_a_broken_store(tmp_path, corpus):
    path = tmp_path / "s.json"
    make_store(path, corpus)
    lines = info(path)
    assert any("schema 2, 5 articles, 2 claims" in line for line in lines)
    path.write_text("nope")
    lines = info(path)
    assert any("UNREADABLE" in line for line in lines)
    assert any("journal   s.json.journal: " in line and ", ok" in line for line in lines)


def test_store_commands_from_the_cli(tmp_path, corpus):
    path = tmp_path / "s.json"
    make_store(path, corpus)
    path.write_text("nope")
    env = run_env(tmp_path)
    opened = subprocess.run([PYTHON, "-m", "tui.cli", "export", "--db", str(path), "--out", str(tmp_path / "x")],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    assert opened.returncode == 2 and "store repair" in opened.stderr and "Traceback" not in opened.stderr
    fixed = subprocess.run([PYTHON, "-m", "tui.cli", "store", "repair", "--db", str(path)],
                           capture_output=True, text=True, env=env, cwd=ROOT)
    assert fixed.returncode == 0, fixed.stderr
    assert "the store opens: 2 claims" in fixed.stdout
    missing = subprocess.run([PYTHON, "-m", "tui.cli", "store", "info", "--db", str(tmp_path / "none.json")],
                             capture_output=True, text=True, env=env, cwd=ROOT)
    assert missing.returncode == 2 and "no such store" in missing.stderr
