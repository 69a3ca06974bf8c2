"""Exports never destroy and never half-exist (issue 13, items 6, 7, 8 and the
export options of 14).

- ``--out`` is written only when it is new, empty or a previous factdesk
  export (its manifest lists every file in it); a file, an input, or a folder
  holding anything factdesk did not write is refused with one line.
- An export is complete or absent: a real ``factdesk export`` child is killed
  with SIGKILL at every one of its file operations in turn
  (``$FACTDESK_EXPORT_KILL_AT``), and each time the folder is absent, the
  complete previous export or the complete new one (its manifest verifies),
  and the next export clears what the killed one left.
- Every file and folder has the user's umask.
- Bad values of every export option are one line, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotations.export import ExportError, Split, export_store, parse_split
from corpus.articles import sample_corpus_path
from tests.helpers import PYTHON, run_env, span_of

KILL_ENV = "FACTDESK_EXPORT_KILL_AT"
MANIFEST = "factdesk-export.json"
SMALL = ["--task", "stance,reliability", "--format", "jsonl"]


def outdir():
    """The module under test, imported late: on the code before this change it
    does not exist, and each test should fail on its own assertion."""
    import annotations.outdir as module

    return module


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def data_of(folder: Path) -> dict[str, bytes]:
    """The data files (not the README, whose first line has the time, nor the checksums)."""
    return {k: v for k, v in files_of(folder).items() if k not in ("README.md", "SHA256SUMS", MANIFEST)}


def annotate(store, corpus, phrase: str, stance: str = "agree"):
    a = corpus.articles[0]
    return store.add_claim(a.id, *span_of(a.text, phrase), {"t1": stance})


def cli(capsys, *argv) -> tuple[int, str]:
    """Run ``factdesk`` in this process; the exit code and what it wrote to stderr."""
    from tui.cli import main

    code = main(list(argv))
    return code, capsys.readouterr().err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    lines = err.splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("factdesk: error: "), err
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert "\x1b" not in err and "\x00" not in err, repr(err)
    for needle in needles:
        assert needle in err, (needle, err)


# -- item 6: never write over what factdesk did not write ---------------------------

def test_a_folder_of_the_users_own_files_is_refused_and_left_as_it_was(store, corpus, analyser, tmp_path):
    annotate(store, corpus, "Armenia must withdraw its troops")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "README.md").write_text("my own notes\n")
    (mine / "labels.json").write_text('{"mine": true}\n')
    (mine / "stance.jsonl").write_text("my data\n")
    before, around = files_of(mine), sorted(os.listdir(tmp_path))
    with pytest.raises(ExportError) as info:
        export_store(store, mine, analyser, formats=("jsonl",))
    message = str(info.value)
    assert str(mine) in message and "not a factdesk export" in message and "\n" not in message
    assert files_of(mine) == before and sorted(os.listdir(tmp_path)) == around


def test_a_previous_export_is_replaced_whole(store, corpus, analyser, tmp_path):
    out = tmp_path / "out"
    annotate(store, corpus, "Armenia must withdraw its troops", "disagree")
    export_store(store, out, analyser, split=Split(parse_split("50/50"), "article", 1), formats=("jsonl",))
    first = files_of(out)
    assert MANIFEST in first and any(k.startswith("train/") for k in first)
    annotate(store, corpus, "This brings the death toll in the Armenian stronghold to 158 soldiers.")
    export_store(store, out, analyser, formats=("jsonl",))  # no split now: train/ and test/ go
    second = files_of(out)
    assert not any("/" in k for k in second), sorted(second)
    assert len((out / "stance.jsonl").read_text().splitlines()) == 2
    assert outdir().verify(out) == []
    assert sorted(os.listdir(tmp_path)) == sorted(n for n in os.listdir(tmp_path) if not n.startswith("."))


def test_a_users_file_inside_a_previous_export_makes_it_refuse(store, corpus, analyser, tmp_path):
    out = tmp_path / "out"
    annotate(store, corpus, "Armenia must withdraw its troops")
    export_store(store, out, analyser, formats=("jsonl",))
    (out / "my notes.txt").write_text("keep me\n")
    before = files_of(out)
    annotate(store, corpus, "This brings the death toll in the Armenian stronghold to 158 soldiers.")
    with pytest.raises(ExportError, match=r"holds my notes\.txt, which the previous export did not write"):
        export_store(store, out, analyser, formats=("jsonl",))
    assert files_of(out) == before
    (out / "my notes.txt").unlink()
    (out / "extra").mkdir()  # an empty folder of the user's is the user's too
    with pytest.raises(ExportError, match="holds extra"):
        export_store(store, out, analyser, formats=("jsonl",))
    assert (out / "extra").is_dir() and outdir().verify(out) == []


def test_an_empty_folder_is_used_and_a_damaged_manifest_refused(store, corpus, analyser, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    annotate(store, corpus, "Armenia must withdraw its troops")
    export_store(store, out, analyser, formats=("jsonl",))
    assert outdir().verify(out) == []
    (out / MANIFEST).write_text('[[[[' * 50_000)  # deep nesting: refused, not a RecursionError
    before = files_of(out)
    with pytest.raises(ExportError, match=f"{MANIFEST}: it is not valid JSON"):
        export_store(store, out, analyser, formats=("jsonl",))
    (out / MANIFEST).write_text(json.dumps({"format": "factdesk-export", "files": [{"path": "../x", "size": 1,
                                                                                    "sha256": "0" * 64}]}))
    with pytest.raises(ExportError, match="not a relative path"):
        export_store(store, out, analyser, formats=("jsonl",))
    assert {k: v for k, v in files_of(out).items() if k != MANIFEST} == {
        k: v for k, v in before.items() if k != MANIFEST}


def test_two_exports_into_one_folder_at_once_the_second_is_refused(store, corpus, analyser, tmp_path):
    from annotations.export import export_target

    out = tmp_path / "out"
    with export_target([store], out).open():  # an export holding the folder
        with pytest.raises(ExportError, match="another factdesk export is writing it"):
            export_store(store, out, analyser, formats=("jsonl",))
    assert not out.exists()
    assert [n for n in os.listdir(tmp_path) if ".factdesk-" in n] == []


def test_foreign_folders_named_like_temporaries_are_left_alone(store, corpus, analyser, tmp_path):
    out = tmp_path / "out"
    # named like a temporary but with no marker or manifest: not factdesk's
    lookalike = tmp_path / ".out.factdesk-tmp-0123abcd"
    lookalike.mkdir()
    (lookalike / "stance.jsonl").write_text("mine\n")
    # factdesk's temporary (marker) that someone put a file into: the file survives
    ours = tmp_path / ".out.factdesk-tmp-89abcdef"
    ours.mkdir()
    (ours / ".factdesk-partial").write_text("1\n")
    (ours / "stance.jsonl").write_text("half\n")
    (ours / "precious.txt").write_text("keep\n")
    report = export_store(store, out, analyser, formats=("jsonl",))
    assert (lookalike / "stance.jsonl").read_text() == "mine\n"
    assert (ours / "precious.txt").read_text() == "keep\n" and not (ours / "stance.jsonl").exists()
    assert any("kept" in w and ".out.factdesk-tmp-89abcdef" in w for w in report.warnings)
    assert outdir().verify(out) == []


# -- item 7: complete or absent, and a manifest to tell -----------------------------

def test_the_manifest_lists_every_file_and_sha256sum_checks_it(store, corpus, analyser, tmp_path):
    out = tmp_path / "out"
    annotate(store, corpus, "Armenia must withdraw its troops")
    export_store(store, out, analyser, split=Split(parse_split("50/50"), "article", 0), formats=("jsonl",))
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["format"] == "factdesk-export" and manifest["factdesk"] and manifest["created"]
    listed = {e["path"]: e for e in manifest["files"]}
    on_disk = {k: v for k, v in files_of(out).items() if k != MANIFEST}
    assert set(listed) == set(on_disk)
    import hashlib

    for rel, payload in on_disk.items():
        assert listed[rel]["size"] == len(payload)
        assert listed[rel]["sha256"] == hashlib.sha256(payload).hexdigest()
    readme = (out / "README.md").read_text()
    assert "sha256sum -c SHA256SUMS" in readme and MANIFEST in readme
    if shutil.which("sha256sum"):
        checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    assert outdir().verify(out) == []
    # one changed byte, one missing file: named
    target = out / "train" / "stance.jsonl"
    if not target.read_bytes():
        target = out / "test" / "stance.jsonl"
    raw = bytearray(target.read_bytes())
    raw[0] ^= 1
    target.write_bytes(bytes(raw))
    (out / "labels.json").unlink()
    problems = outdir().verify(out)
    assert any("stance.jsonl: its SHA-256 differs" in p for p in problems), problems
    assert any("labels.json: listed in" in p and "missing" in p for p in problems), problems


def test_import_refuses_an_incomplete_or_altered_export(store, corpus, analyser, tmp_path, capsys):
    out = tmp_path / "out"
    annotate(store, corpus, "Armenia must withdraw its troops")
    export_store(store, out, analyser, formats=("jsonl",))
    store.close()
    claims = out / "claims.jsonl"
    claims.write_bytes(claims.read_bytes()[:-10])  # cut short
    code, err = cli(capsys, "import", str(out), "--db", str(store.path))
    assert_one_line_error(code, err, "claims.jsonl", "bytes, the manifest says", "nothing imported")
    (out / MANIFEST).unlink()
    (out / ".factdesk-partial").write_text("1\n")  # a killed export's temporary folder
    code, err = cli(capsys, "import", str(out), "--db", str(store.path))
    assert_one_line_error(code, err, MANIFEST, "missing")


def _export_child(db: Path, out: Path, env: dict, kill_at: int | None, rename_only: bool, args=SMALL):
    env = dict(env)
    env.pop(KILL_ENV, None)
    if kill_at is not None:
        env[KILL_ENV] = str(kill_at)
    code = ((NO_RENAMEAT2 if rename_only else "")
            + "import sys\nfrom tui.cli import main\nsys.exit(main(sys.argv[1:]))\n")
    return subprocess.run([PYTHON, "-c", code, "export", "--db", str(db), "--out", str(out), *args],
                          capture_output=True, text=True, env=env, timeout=120)


# A child run as on a C library without renameat2: the export must swap its folder by renames.
NO_RENAMEAT2 = """\
import ctypes

class _NoRenameat2(ctypes.CDLL):
    def __getattr__(self, name):
        if name == "renameat2":
            raise AttributeError(name)
        return super().__getattr__(name)

ctypes.CDLL = _NoRenameat2
"""


def _exchange_works(tmp_path: Path) -> bool:
    """Whether this system and file system swap two folders in one step
    (Linux ``renameat2`` with ``RENAME_EXCHANGE``), as an export does where it can."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    a, b = tmp_path / "xa", tmp_path / "xb"
    a.mkdir(), b.mkdir()
    (a / "f").touch()
    try:
        at_fdcwd, rename_exchange = -100, 2
        return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0 \
            and (b / "f").exists()
    finally:
        shutil.rmtree(a), shutil.rmtree(b)


SPLIT_OLD = ["--format", "jsonl", "--split", "60/20/20"]
SPLIT_NEW = ["--format", "jsonl,csv", "--split", "50/50", "--seed", "3"]


@pytest.mark.parametrize("swap,old_args,new_args", [
    pytest.param("exchange", SMALL, SMALL, id="exchange"),
    pytest.param("rename", SMALL, SMALL, id="rename"),
    pytest.param("exchange", SPLIT_OLD, SPLIT_NEW, marks=pytest.mark.slow, id="exchange-splits"),
    pytest.param("rename", SPLIT_OLD, SPLIT_NEW, marks=pytest.mark.slow, id="rename-splits"),
])
def test_sigkill_at_every_file_operation_leaves_the_old_export_or_the_new_one(
        store, corpus, analyser, tmp_path, rules_cache, swap, old_args, new_args):
    """SIGKILL a real ``factdesk export`` at its 1st, 2nd, ... file operation,
    each time over the same previous export, until one run gets to the end.
    (The slow ones: every JSONL file, train/dev/test replaced by train/test.)"""
    annotate(store, corpus, "Armenia must withdraw its troops", "disagree")
    store.rate_article(corpus.articles[1].id, "mixed")
    store.close()
    env = run_env(tmp_path, FACTDESK_CACHE_DIR=str(rules_cache), FACTDESK_MODEL="rules")
    parent = tmp_path / "exports"
    out = parent / "out"
    first = _export_child(store.path, out, env, None, False, old_args)
    assert first.returncode == 0, first.stderr
    pristine = tmp_path / "pristine"
    shutil.copytree(out, pristine)
    old = data_of(out)
    from annotations.store import AnnotationStore

    with AnnotationStore(store.path, annotator="tester") as again:
        annotate(again, corpus, "This brings the death toll in the Armenian stronghold to 158 soldiers.")
    never_absent = swap == "exchange" and _exchange_works(tmp_path)
    sibling = re.compile(r"\.out\.factdesk-(tmp-[0-9a-f]{8}|old-[0-9a-f]{8}|lock)")
    states, new = [], None
    kill_at = 1
    while True:
        if not out.exists() or data_of(out) != old:  # start each run from the previous export
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(pristine, out)
        run = _export_child(store.path, out, env, kill_at, swap == "rename", new_args)
        if run.returncode == 0:
            new = data_of(out)
            break
        assert run.returncode == -signal.SIGKILL, run.stderr[-2000:]
        assert kill_at < 300, "the export never finished"
        # what the killed export left: only the folder and factdesk's own siblings
        for name in os.listdir(parent):
            assert name == "out" or sibling.fullmatch(name), (kill_at, name)
        if out.exists():
            assert outdir().verify(out) == [], (kill_at, outdir().verify(out))
            states.append("old" if data_of(out) == old else data_of(out))
        else:
            assert not never_absent, f"the folder was absent after a kill at operation {kill_at}"
            states.append("absent")
        kill_at += 1
    assert new != old and len(states) >= 15, (len(states), states[:3])
    for n, state in enumerate(states, 1):
        assert state in ("old", "absent") or state == new, f"a kill at operation {n} left a mixed folder"
    assert "old" in states and new in states  # the kills fell both before and after the swap
    if swap == "rename":  # without renameat2, between its two renames the folder is not there
        assert "absent" in states, "the export never swapped its folder by renames"
    # the run that finished cleared every leftover, and the export is complete
    assert os.listdir(parent) == ["out"]
    assert outdir().verify(out) == []


def test_the_next_export_clears_every_kind_of_leftover(store, corpus, analyser, tmp_path, rules_cache):
    """Kill an export at each operation, then let the next one run: nothing is
    left beside the folder, whatever the killed one left."""
    annotate(store, corpus, "Armenia must withdraw its troops")
    out = tmp_path / "exports" / "out"
    export_store(store, out, analyser, tasks=("stance", "reliability"), formats=("jsonl",))
    store.close()
    env = run_env(tmp_path, FACTDESK_CACHE_DIR=str(rules_cache), FACTDESK_MODEL="rules")
    step = 1
    killed = 0
    while _export_child(store.path, out, env, step, rename_only=True).returncode == -signal.SIGKILL:
        killed += 1
        leftovers = [n for n in os.listdir(out.parent) if n != "out"]
        with outdir().ExportTarget(out, names=("stance.jsonl", "reliability.jsonl", "labels.json",
                                               "README.md")).open():
            pass  # what an export does first: lock, clear what killed ones left, make its own folder
        assert os.listdir(out.parent) == ["out"], (step, leftovers, os.listdir(out.parent))
        assert outdir().verify(out) == []
        step += 2  # every other operation: the sweep above tries each one
    assert killed >= 8


# -- item 8: the user's umask ---------------------------------------------------------

@pytest.mark.parametrize("mask", [0o022, 0o027], ids=["umask022", "umask027"])
def test_every_file_and_folder_has_the_users_umask(store, corpus, analyser, tmp_path, mask):
    annotate(store, corpus, "Armenia must withdraw its troops")
    out = tmp_path / "out"
    previous = os.umask(mask)
    try:
        export_store(store, out, analyser, split=Split(parse_split("50/50"), "article", 0), formats=("jsonl",))
        export_store(store, out, analyser, split=Split(parse_split("50/50"), "article", 0), formats=("jsonl",))
    finally:
        os.umask(previous)
    entries = [out, *out.rglob("*")]
    assert any(p.is_dir() for p in entries[1:]) and (out / MANIFEST).exists()
    for path in entries:
        mode = stat.S_IMODE(path.stat().st_mode)
        want = (0o777 if path.is_dir() else 0o666) & ~mask
        assert mode == want, (path, oct(mode), oct(want))


# -- item 14: bad options are one line ------------------------------------------------

BAD_SPLITS = ["1e308/1e308", "nan/1", "1/nan", "inf/1", "-inf/1", "1e400/1", "inf", "0/0", "-1/2", "/", "//",
              "a/b", "1/2/3/4", "80/10/10/", "\x1b]52;c;aGk=\x07/1", "1" * 5000 + "/1/x"]


def test_bad_split_values_are_one_line(store, tmp_path, capsys):
    """Every bad value, each a one-line error (today's overflow, nan and inf
    values included, which gave a KeyError or ValueError traceback)."""
    store.close()
    for split in BAD_SPLITS:
        code, err = cli(capsys, "export", "--db", str(store.path), "--out", str(tmp_path / "x"), f"--split={split}")
        assert_one_line_error(code, err, "--split")
        assert not (tmp_path / "x").exists() and len(err) < 1000, split


@given(st.lists(st.one_of(st.floats(), st.integers(-10, 10**400).map(str), st.text(max_size=5)),
                min_size=0, max_size=5))
def test_parse_split_gives_finite_shares_or_refuses(parts):
    text = "/".join(p if isinstance(p, str) else repr(p) for p in parts)
    try:
        ratios = parse_split(text)
    except ExportError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("--split ")
        return
    assert list(ratios) in (["train", "test"], ["train", "dev", "test"])
    assert all(r == r and 0 <= r <= 1 for r in ratios.values()), ratios
    assert abs(sum(ratios.values()) - 1) < 1e-9 and any(r > 0 for r in ratios.values())


BAD_CHOICES = [("--task", ","), ("--task", "claims,\x1b[31mred"), ("--task", "ü" * 2000),
               ("--task", "claims,,nonsense"), ("--format", " , "), ("--format", "jsonl,\u202exml"),
               ("--format", "JSONL"), ("--format", "x" * 5000)]


def test_bad_task_and_format_values_are_one_short_line(store, tmp_path, capsys):
    store.close()
    for option, value in BAD_CHOICES:
        code, err = cli(capsys, "export", "--db", str(store.path), "--out", str(tmp_path / "x"), option, value)
        assert_one_line_error(code, err, option, "choose from")
        assert "\u202e" not in err and len(err) < 1000, (option, value[:20])


def _bad_outs(tmp_path: Path, store_path: Path) -> dict[str, tuple[str, str]]:
    """name → (the --out value, what the message must say)."""
    afile = tmp_path / "a file.txt"
    afile.write_text("x")
    full = tmp_path / "full"
    full.mkdir()
    (full / "thesis.tex").write_text("mine")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    return {
        "empty": ("", "--out ''"),
        "blank": ("   ", "--out ''"),
        "the store": (str(store_path), "is a file"),
        "the journal": (str(store_path) + ".journal", "is a file"),
        "the backups": (str(store_path.parent / "backups"), "input"),
        "the store's folder": (str(store_path.parent), "holds"),
        "a file": (str(afile), "is a file"),
        "under a file": (str(afile / "sub"), "is a file, not a folder"),
        "a full folder": (str(full), "not a factdesk export"),
        "nul": (str(tmp_path / "a\x00b"), "NUL"),
        "root": ("/", "root folder"),
        "a loop": (str(tmp_path / "loop"), "cannot be resolved"),
        "too long": (str(tmp_path / ("x" * 300)), "--out"),
        "escape": (str(afile / "\x1b]0;pwned\x07"), "is a file, not a folder"),
        "the corpus": (str(sample_corpus_path()), "is one of the export's inputs"),
        "the corpus's folder": (str(sample_corpus_path().parent), "an input of the export"),
    }


@pytest.mark.parametrize("case", ["empty", "blank", "the store", "the journal", "the backups", "the store's folder",
                                  "a file", "under a file", "a full folder", "nul", "root", "a loop", "too long",
                                  "escape", "the corpus", "the corpus's folder"])
def test_bad_out_values_are_one_line_and_change_nothing(store, corpus, tmp_path, capsys, case):
    annotate(store, corpus, "Armenia must withdraw its troops")
    store.close()
    value, needle = _bad_outs(tmp_path, store.path)[case]
    corpus_files = {p: p.read_bytes() for p in sample_corpus_path().parent.rglob("*") if p.is_file()}
    before = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in tmp_path.rglob("*") if p.is_file()}
    code, err = cli(capsys, "export", "--db", str(store.path), "--out", value, "--format", "jsonl")
    assert_one_line_error(code, err, needle)
    assert {p: p.read_bytes() for p in sample_corpus_path().parent.rglob("*") if p.is_file()} == corpus_files
    after = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in tmp_path.rglob("*") if p.is_file()}
    logs = {p for p in after if "logs" in p.parts}
    assert {p: v for p, v in after.items() if p not in logs} == before
    assert not [p for p in tmp_path.rglob("*") if ".factdesk-" in p.name]


def test_an_output_folder_that_cannot_be_made_is_one_line(store, tmp_path, capsys):
    store.close()
    targets = []
    if Path("/proc/self").is_dir():  # nothing can be made there, not even by root
        targets += ["/proc/factdesk-test-out", "/proc/no-such-folder/deeper/out"]
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        targets.append(str(locked / "out"))
    if not targets:
        pytest.skip("no folder here that cannot be written")
    try:
        for value in targets:
            code, err = cli(capsys, "export", "--db", str(store.path), "--out", value, "--task", "stance",
                            "--format", "jsonl")
            assert_one_line_error(code, err, "--out", "cannot")
    finally:
        if (tmp_path / "locked").exists():
            (tmp_path / "locked").chmod(0o755)


def _many_claims(store, corpus, n: int, seed: int) -> None:
    """``n`` claims at random places of the sample articles, added in one batch."""
    import random

    rng = random.Random(seed)
    stamp = "2026-11-22T10:00:00.000+00:00"
    claims = []
    for i in range(n):
        article = rng.choice(corpus.articles)
        start = rng.randrange(len(article.text) - 40)
        end = start + rng.randrange(5, 40)
        claims.append({
            "id": f"bulk{seed}-{i:05d}", "article_id": article.id, "text_hash": article.text_hash,
            "start": start, "end": end, "quote": article.text[start:end],
            "prefix": article.text[max(0, start - 32):start], "suffix": article.text[end:end + 32],
            "label": "CLAIM", "stances": {"t1": rng.choice(["agree", "disagree", "discuss"])}, "status": "ok",
            "annotator": "tester", "created": stamp, "updated": stamp})
    store.import_records("claims", claims, "many claims")


def test_sigkill_at_random_moments_of_a_long_export(store, corpus, tmp_path, rules_cache):
    """The same promise, without the crash points: a real export of a few
    thousand claims killed at a random moment after it began writing."""
    import random
    import time

    from annotations.store import AnnotationStore
    from hypothesis import settings

    _many_claims(store, corpus, 3000, 1)
    store.close()
    env = run_env(tmp_path, FACTDESK_CACHE_DIR=str(rules_cache), FACTDESK_MODEL="rules")
    parent = tmp_path / "exports"
    out = parent / "out"
    args = ["export", "--db", str(store.path), "--out", str(out), "--format", "jsonl,csv"]
    done = subprocess.run([PYTHON, "-m", "tui.cli", *args], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    pristine = tmp_path / "pristine"
    shutil.copytree(out, pristine)
    old = data_of(out)
    with AnnotationStore(store.path, annotator="tester") as again:
        _many_claims(again, corpus, 500, 2)
    rng = random.Random(13)
    states = []
    for _ in range(max(10, settings().max_examples // 3)):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(pristine, out)
        child = subprocess.Popen([PYTHON, "-m", "tui.cli", *args], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, env=env)
        # wait until it is writing (its folder beside the target exists), then kill it a little later
        deadline = time.monotonic() + 120
        while child.poll() is None and not any(".factdesk-tmp-" in n for n in os.listdir(parent)):
            assert time.monotonic() < deadline
            time.sleep(0.001)
        time.sleep(rng.random() * 0.15)
        child.kill()
        child.wait()
        if out.exists():
            assert outdir().verify(out) == []
            states.append("old" if data_of(out) == old else data_of(out))
        else:
            states.append("absent")
    assert "old" in states, states  # some kills fell while it was writing
    done = subprocess.run([PYTHON, "-m", "tui.cli", *args], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    new = data_of(out)
    assert new != old and os.listdir(parent) == ["out"] and outdir().verify(out) == []
    assert all(state in ("old", "absent") or state == new for state in states)
