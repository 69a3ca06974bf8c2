"""Crash safety with real processes: SIGKILL at random moments loses nothing
that was reported saved, and the store always opens."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time

import pytest

from annotations.store import AnnotationStore, StoreLocked
from tests.helpers import PYTHON, ROOT, run_env, start_child


def read_reports(lines, claims: set[str], notes: dict[str, str]) -> None:
    for line in lines:
        kind, *rest = line.split(maxsplit=2)
        if kind == "claim":
            claims.add(rest[0])
        elif kind == "rate":
            notes[rest[0]] = rest[1]


def check_store(path, claims: set[str], notes: dict[str, str]) -> None:
    with AnnotationStore(path, annotator="child") as store:
        stored = {c["id"] for c in store.claims()}
        missing = claims - stored
        assert not missing, f"{len(missing)} claims reported saved are missing"
        for article_id, note in notes.items():
            # the last reported rating, or one written after it (saved, then killed before reporting)
            stored = store.rating(article_id)["note"]
            assert int(stored.split()[1]) >= int(note.split()[1])
        for claim in store.claims():
            text = store.article(claim["article_id"])["text"]
            assert text[claim["start"]:claim["end"]] == claim["quote"]


def kill_loop(tmp_path, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "store.json"
    claims: set[str] = set()
    notes: dict[str, str] = {}
    for _ in range(rounds):
        child = start_child(path, tmp_path)
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate()
        # the last reported line may itself be cut by the kill: count complete lines only
        lines = out.split("\n")[:-1]
        read_reports(lines, claims, notes)
        check_store(path, claims, notes)
    assert len(claims) > rounds  # the children did real work between the kills


def test_sigkill_at_random_moments_loses_nothing_reported(tmp_path):
    kill_loop(tmp_path, rounds=30, seed=1)


@pytest.mark.slow
def test_sigkill_many_more_times(tmp_path):
    kill_loop(tmp_path, rounds=200, seed=2)


def test_second_process_is_refused_and_nothing_is_lost(tmp_path):
    path = tmp_path / "store.json"
    claims: set[str] = set()
    notes: dict[str, str] = {}
    child = start_child(path, tmp_path, count=300, hold=True)
    assert child.stdout.readline().strip() == "ready"
    # a second writer is refused with a message naming the store and the holder
    with pytest.raises(StoreLocked, match=rf"{path.name} is open in another factdesk \(process {child.pid} "):
        AnnotationStore(path)
    # a real command that writes (a repair) says the same, without a traceback
    out = subprocess.run([PYTHON, "-m", "tui.cli", "store", "repair", "--db", str(path)], capture_output=True,
                         text=True, env=run_env(tmp_path, FACTDESK_MODEL="rules"), cwd=ROOT)
    assert out.returncode == 2
    assert f"process {child.pid}" in out.stderr and "nothing was changed" in out.stderr
    assert "Traceback" not in out.stderr
    # a reader sees a consistent prefix while the writer goes on
    with AnnotationStore(path, read_only=True) as reader:
        for claim in reader.claims():
            text = reader.article(claim["article_id"])["text"]
            assert text[claim["start"]:claim["end"]] == claim["quote"]
    out, err = child.communicate("close\n", timeout=120)
    assert child.returncode == 0, err
    lines = [line for line in out.split("\n")[:-1] if line != "holding"]
    assert lines[-1] == "done"
    read_reports(lines, claims, notes)
    check_store(path, claims, notes)
