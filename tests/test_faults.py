"""Write faults: disk full, I/O errors, short writes, failed fsyncs, failed
truncates. Whatever fails, reopening the store gives exactly the actions that
were reported saved, and nothing is ever appended after a bad byte.

The faults go through the storage layer's seam (:class:`FaultyOps` in place
of the real os calls); one test uses a real short write instead (a file size
limit in a child process)."""

from __future__ import annotations

import copy
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import event, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from annotations.journal import read_journal
from annotations.links import LINK_LABELS
from annotations.schema import STANCES
from annotations.storage import OS, FaultyOps, StoreError
from annotations.store import AnnotationStore
from corpus.articles import load_folder, sample_corpus_path
from tests.helpers import PYTHON, ROOT, run_env, sample_spans

CORPUS = load_folder(sample_corpus_path())
LABELS = ("reliable", "mixed", "unreliable")


SPANS = sample_spans()


def _journal(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def _template() -> Path:
    """A store with the sample corpus registered, made once and copied for each run."""
    folder = Path(tempfile.mkdtemp(prefix="factdesk-faults-template-"))
    with AnnotationStore(folder / "s.json", annotator="tester") as store:
        store.register_corpus(CORPUS)
    shutil.rmtree(folder / "backups", ignore_errors=True)
    return folder


TEMPLATE: Path | None = None


def fresh_store_path() -> Path:
    global TEMPLATE
    if TEMPLATE is None or not TEMPLATE.exists():
        TEMPLATE = _template()
    folder = Path(tempfile.mkdtemp(prefix="factdesk-faults-"))
    for name in ("s.json", "s.json.journal"):
        shutil.copyfile(TEMPLATE / name, folder / name)
    return folder / "s.json"


def view(store: AnnotationStore) -> dict:
    """What the reader sees: claims with their stances, ratings, links."""
    return {
        "claims": {c["id"]: (c["article_id"], c["start"], c["end"], dict(c["stances"]))
                   for c in store.claims(include_review=True)},
        "ratings": {r["article_id"]: (r["label"], r["note"]) for r in store.ratings()},
        "links": {tuple(sorted((link["a"], link["b"]))): link["label"] for link in store.links()},
    }


def raw_state(store: AnnotationStore) -> dict:
    s = store.storage
    return {
        "tables": copy.deepcopy(s.tables), "seq": s.seq, "undo": list(s.undo_stack),
        "redo": list(s.redo_stack), "journal_end": s.journal_end,
        "next_ids": {name: n for name, n in s.id_counters().items() if n is not None},
    }


def journal_is_clean(path: Path, end: int) -> None:
    journal = _journal(path)
    assert journal.stat().st_size == end, "bytes were left after the last good entry"
    entries, good_end, damaged = read_journal(journal)
    assert damaged == -1 and good_end == end
    assert b"\0" not in journal.read_bytes()


def reopened(path: Path) -> AnnotationStore:
    return AnnotationStore(path, annotator="tester", read_only=True)


# -- the state machine --------------------------------------------------------------------------


FAULTS = st.sampled_from(["ENOSPC", "EIO", "short", "hole"])


class StoreUnderFaults(RuleBasedStateMachine):
    """Random annotation work with faults injected at random calls; a model of
    what was reported saved, checked against the store reopened from disk."""

    @initialize()
    def open_store(self):
        self.path = fresh_store_path()
        self.store = AnnotationStore(self.path, annotator="tester", snapshot_every=7)
        self.ops: FaultyOps | None = None
        self.poisoned = False
        # the model: what the reader was told is saved, and the undo/redo history
        self.model = view(self.store)
        self.undo_model: list[dict] = []
        self.redo_model: list[dict] = []
        self.saved_raw = raw_state(self.store)

    def teardown(self):
        store = getattr(self, "store", None)
        try:
            if store is not None:
                store.close()  # with whatever faults are still armed
                with reopened(self.path) as other:  # at the end too: exactly what was reported saved
                    assert view(other) == self.model
                    assert other.storage.tables == self.saved_raw["tables"]
        finally:
            if getattr(self, "path", None) is not None:
                shutil.rmtree(self.path.parent, ignore_errors=True)

    # -- running one action ------------------------------------------------

    def _do(self, label: str, action, expect) -> bool:
        """Run ``action``; on success the model becomes ``expect(model)``; on
        failure nothing may have changed, in memory or on disk. True if saved."""
        before_view, before_raw = view(self.store), raw_state(self.store)
        assert before_view == self.model
        try:
            action()
        except StoreError as exc:
            message = str(exc)
            note(f"{label}: {message}")
            event("an action failed" + (" and the truncate too" if "nothing more" in message else ""))
            assert "NOT saved" in message, message
            assert self.ops is not None and self.ops.faults, "failed without a fault"
            assert raw_state(self.store) == before_raw, "memory changed by an action that was not saved"
            assert view(self.store) == before_view
            if "nothing more can be saved" in message:
                self.poisoned = True
                with pytest.raises(StoreError, match="Close factdesk and open the store again"):
                    self.store.rate_article(CORPUS.articles[0].id, "mixed", "refused")
                self.close_and_reopen()  # as the message says (the truncate still failing on close)
                return False
            journal_is_clean(self.path, self.store.storage.journal_end)
            with reopened(self.path) as other:  # from disk: exactly what was reported saved
                assert view(other) == self.model
            return False
        new = expect(copy.deepcopy(self.model))
        assert view(self.store) == new, label
        if label not in ("undo", "redo"):
            self.undo_model.append(self.model)
            self.redo_model.clear()
        self.model = new
        self.saved_raw = raw_state(self.store)
        return True

    # -- faults ------------------------------------------------------------

    @precondition(lambda self: not self.poisoned)
    @rule(after=st.integers(0, 4), fault=FAULTS, truncate_fails=st.booleans())
    def inject(self, after, fault, truncate_fails):
        self.ops = FaultyOps({after: fault}, failing={"ftruncate"} if truncate_fails else None)
        self.store.storage.ops = self.ops

    @precondition(lambda self: not self.poisoned)
    @rule()
    def heal(self):
        self.ops = None
        self.store.storage.ops = OS

    # -- work --------------------------------------------------------------

    @precondition(lambda self: not self.poisoned)
    @rule(span=st.sampled_from(SPANS), stance=st.sampled_from(STANCES))
    def add_claim(self, span, stance):
        made = {}

        def action():
            made.update(self.store.add_claim(*span, {"t1": stance}))

        def expect(model):
            model["claims"][made["id"]] = (*span, {"t1": stance})
            return model

        self._do("add claim", action, expect)

    @precondition(lambda self: not self.poisoned and self.model["claims"])
    @rule(data=st.data(), stance=st.sampled_from(STANCES))
    def set_stance(self, data, stance):
        claim = data.draw(st.sampled_from(list(self.model["claims"])))

        def expect(model):
            model["claims"][claim][3]["t1"] = stance
            return model

        self._do("set stance", lambda: self.store.set_stance(claim, "t1", stance), expect)

    @precondition(lambda self: not self.poisoned and self.model["claims"])
    @rule(data=st.data())
    def delete_claim(self, data):
        claim = data.draw(st.sampled_from(list(self.model["claims"])))

        def expect(model):
            del model["claims"][claim]
            model["links"] = {k: v for k, v in model["links"].items() if claim not in k}
            return model

        self._do("delete claim", lambda: self.store.delete_claim(claim), expect)

    @precondition(lambda self: not self.poisoned)
    @rule(article=st.sampled_from([a.id for a in CORPUS.articles]), label=st.sampled_from(LABELS),
          n=st.integers(0, 3))
    def rate(self, article, label, n):
        def expect(model):
            model["ratings"][article] = (label, f"note {n}")
            return model

        self._do("rate", lambda: self.store.rate_article(article, label, f"note {n}"), expect)

    @precondition(lambda self: not self.poisoned and len({v[0] for v in self.model["claims"].values()}) > 1)
    @rule(data=st.data(), label=st.sampled_from(LINK_LABELS))
    def link(self, data, label):
        claims = self.model["claims"]
        a = data.draw(st.sampled_from(list(claims)))
        others = [c for c in claims if claims[c][0] != claims[a][0]]
        if not others:
            return
        b = data.draw(st.sampled_from(others))

        def expect(model):
            model["links"][tuple(sorted((a, b)))] = label
            return model

        self._do("link", lambda: self.store.link_claims(a, b, label), expect)

    @precondition(lambda self: not self.poisoned and self.model["claims"])
    @rule(data=st.data(), span=st.sampled_from(SPANS), stance=st.sampled_from(STANCES))
    def grouped(self, data, span, stance):
        """Two writes as one action: both saved, or neither."""
        claim = data.draw(st.sampled_from(list(self.model["claims"])))
        made = {}

        def action():
            with self.store.action("two at once"):
                self.store.set_stance(claim, "t1", stance)
                made.update(self.store.add_claim(*span, {"t1": stance}))

        def expect(model):
            model["claims"][claim][3]["t1"] = stance
            model["claims"][made["id"]] = (*span, {"t1": stance})
            return model

        self._do("grouped", action, expect)

    @precondition(lambda self: not self.poisoned)
    @rule()
    def undo(self):
        if not self.undo_model:
            assert not self.store.can_undo
            return
        current, target = self.model, self.undo_model[-1]
        if self._do("undo", self.store.undo, lambda _model: copy.deepcopy(target)):
            self.undo_model.pop()
            self.redo_model.append(current)

    @precondition(lambda self: not self.poisoned)
    @rule()
    def redo(self):
        if not self.redo_model:
            assert not self.store.can_redo
            return
        current, target = self.model, self.redo_model[-1]
        if self._do("redo", self.store.redo, lambda _model: copy.deepcopy(target)):
            self.redo_model.pop()
            self.undo_model.append(current)

    @precondition(lambda self: not self.poisoned)
    @rule()
    def snapshot(self):
        self.store.storage.snapshot()  # a failed snapshot loses nothing and raises nothing
        assert not list(self.path.parent.glob(".s.json.*.tmp")), "a failed snapshot left its temporary file"
        assert view(self.store) == self.model

    @rule()
    def close_and_reopen(self):
        self.store.close()
        assert not list(self.path.parent.glob(".s.json.*.tmp"))
        self.ops, self.poisoned = None, False
        self.store = AnnotationStore(self.path, annotator="tester", snapshot_every=7)
        assert view(self.store) == self.model
        assert self.store.storage.tables == self.saved_raw["tables"]
        assert (self.store.storage.undo_stack, self.store.storage.redo_stack) == (
            self.saved_raw["undo"], self.saved_raw["redo"])
        assert self.store.can_undo == bool(self.undo_model) and self.store.can_redo == bool(self.redo_model)

    @invariant()
    def journal_has_no_bad_bytes(self):
        if hasattr(self, "store") and not self.poisoned:
            journal_is_clean(self.path, self.store.storage.journal_end)


StoreUnderFaults.TestCase.settings = settings(settings(), stateful_step_count=25)
TestStoreUnderFaults = StoreUnderFaults.TestCase


def teardown_module(_module):
    if TEMPLATE is not None:
        shutil.rmtree(TEMPLATE, ignore_errors=True)


# -- direct cases ------------------------------------------------------------------------------


@pytest.fixture
def opened(tmp_path):
    store = AnnotationStore(tmp_path / "s.json", annotator="tester", snapshot_every=10**9)
    store.register_corpus(CORPUS)
    yield store
    store.storage.ops = OS
    store.close()


def test_a_short_write_is_cut_back_and_reported_not_saved(opened, tmp_path):
    path = tmp_path / "s.json"
    first = opened.add_claim(*SPANS[0], {"t1": "agree"})
    before = _journal(path).read_bytes()
    opened.storage.ops = FaultyOps({0: "short"})  # 316 of 317 bytes, as on the full disk
    with pytest.raises(StoreError, match=r"could not save .*the last action was NOT saved"):
        opened.add_claim(*SPANS[1], {"t1": "agree"})
    assert _journal(path).read_bytes() == before
    assert [c["id"] for c in opened.claims()] == [first["id"]]
    opened.storage.ops = OS
    second = opened.add_claim(*SPANS[2], {"t1": "agree"})
    journal_is_clean(path, opened.storage.journal_end)
    with reopened(path) as other:
        assert {c["id"] for c in other.claims()} == {first["id"], second["id"]}


def test_a_nul_hole_left_by_a_failed_write_is_never_appended_after(opened, tmp_path):
    path = tmp_path / "s.json"
    opened.storage.ops = FaultyOps({0: "hole"})
    with pytest.raises(StoreError, match="NOT saved"):
        opened.add_claim(*SPANS[0], {"t1": "agree"})
    opened.storage.ops = OS
    later = opened.add_claim(*SPANS[1], {"t1": "agree"})
    journal_is_clean(path, opened.storage.journal_end)
    with reopened(path) as other:
        assert [c["id"] for c in other.claims()] == [later["id"]]


def test_a_failed_fsync_is_not_saved_and_the_line_is_cut(opened, tmp_path):
    path = tmp_path / "s.json"
    end = opened.storage.journal_end
    opened.storage.ops = FaultyOps({1: "EIO"})  # the write went through, its fsync failed
    with pytest.raises(StoreError, match=r"Input/output error.*NOT saved"):
        opened.rate_article(CORPUS.articles[0].id, "mixed")
    assert _journal(path).stat().st_size == end and opened.rating(CORPUS.articles[0].id) is None


def test_a_failed_action_group_leaves_memory_exactly_as_before(opened):
    claim = opened.add_claim(*SPANS[0], {"t1": "agree"})
    before = raw_state(opened)
    opened.storage.ops = FaultyOps({0: "ENOSPC"})
    with pytest.raises(StoreError, match="NOT saved"):
        with opened.action("two at once"):
            opened.set_stance(claim["id"], "t1", "disagree")
            opened.add_claim(*SPANS[1], {"t1": "agree"})
            assert len(opened.claims()) == 2  # visible inside the action
    assert raw_state(opened) == before
    assert opened.claims() == [claim] and opened.can_undo
    opened.storage.ops = OS
    again = opened.add_claim(*SPANS[1], {"t1": "agree"})
    assert opened.db.table("claims").get(doc_id=2)["id"] == again["id"], "the failed insert's id is given back"
    assert opened.undo() == "add claim" and opened.undo() == "add claim" and opened.undo() is None


def test_an_action_whose_body_raises_is_taken_back(opened):
    with pytest.raises(ZeroDivisionError):
        with opened.action("half done"):
            opened.add_claim(*SPANS[0], {"t1": "agree"})
            1 / 0
    assert opened.claims() == [] and not opened.can_undo


def test_a_failed_undo_changes_nothing(opened):
    claim = opened.add_claim(*SPANS[0], {"t1": "agree"})
    before = raw_state(opened)
    opened.storage.ops = FaultyOps({0: "EIO"})
    with pytest.raises(StoreError, match="NOT saved"):
        opened.undo()
    assert raw_state(opened) == before and opened.claims() == [claim]
    opened.storage.ops = OS
    assert opened.undo() == "add claim" and opened.claims() == []


def test_when_even_the_truncate_fails_the_store_refuses_writes_until_reopened(tmp_path):
    path = tmp_path / "s.json"
    store = AnnotationStore(path, annotator="tester", snapshot_every=10**9)
    store.register_corpus(CORPUS)
    kept = store.add_claim(*SPANS[0], {"t1": "agree"})
    end = store.storage.journal_end
    store.storage.ops = FaultyOps({1: "EIO"}, failing={"ftruncate"})  # whole line written, fsync failed
    with pytest.raises(StoreError, match=r"NOT saved, and nothing more can be saved.*open the store again"):
        store.add_claim(*SPANS[1], {"t1": "agree"})
    assert _journal(path).stat().st_size > end  # the unsaved line is on disk
    with pytest.raises(StoreError, match="open the store again"):
        store.rate_article(CORPUS.articles[0].id, "mixed")
    with pytest.raises(StoreError, match="open the store again"):
        store.undo()
    store.close()  # the truncate still fails: the snapshot records the line to drop
    with AnnotationStore(path, annotator="tester", read_only=True) as reader:
        assert [c["id"] for c in reader.claims()] == [kept["id"]]
    with AnnotationStore(path, annotator="tester") as again:
        assert [c["id"] for c in again.claims()] == [kept["id"]]
        journal_is_clean(path, again.storage.journal_end)
        later = again.add_claim(*SPANS[2], {"t1": "agree"})
    with AnnotationStore(path, annotator="tester") as again:
        assert {c["id"] for c in again.claims()} == {kept["id"], later["id"]}


def test_a_failed_snapshot_loses_nothing_and_leaves_no_temporary_file(opened, tmp_path):
    path = tmp_path / "s.json"
    opened.storage.snapshot()
    snapshot = path.read_bytes()
    claim = opened.add_claim(*SPANS[0], {"t1": "agree"})
    for fault in ({0: "ENOSPC"}, {1: "EIO"}, {2: "EIO"}):  # its write, its fsync, its rename
        opened.storage.ops = FaultyOps(fault)
        opened.storage.snapshot()
        assert path.read_bytes() == snapshot
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []
        assert "snapshot failed" in opened.report.notes[-1]
    opened.storage.ops = OS
    with reopened(path) as other:
        assert other.claims() == [claim]


CHILD = r"""
import os, resource, signal, sys
from annotations.store import AnnotationStore, StoreError
from corpus.articles import load_folder, sample_corpus_path
from tests.helpers import sample_spans

SPANS = sample_spans()

store = AnnotationStore(sys.argv[1], annotator="tester", snapshot_every=10**9)
store.register_corpus(load_folder(sample_corpus_path()))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit is then short, or EFBIG
size = store.storage.journal_end
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 1200, resource.RLIM_INFINITY))
for span in SPANS[:12]:
    try:
        claim = store.add_claim(*span, {"t1": "agree"})
    except StoreError as exc:
        print("failed", exc, flush=True)
    else:
        print("saved", claim["id"], flush=True)
os._exit(0)  # as if killed: no close, no snapshot (past the size limit, it could not be written)
"""


def test_a_real_short_write_on_a_full_file_is_not_reported_saved(tmp_path):
    """No seam: the kernel itself writes part of the line (a file size limit)."""
    path = tmp_path / "s.json"
    out = subprocess.run([PYTHON, "-c", CHILD, str(path)], capture_output=True, text=True,
                         env=run_env(tmp_path, PYTHONPATH=str(ROOT)), cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    saved = [line.split()[1] for line in lines if line.startswith("saved ")]
    failed = [line for line in lines if line.startswith("failed ")]
    assert saved and failed, lines
    entries, good_end, damaged = read_journal(_journal(path))
    assert damaged == -1 and good_end == _journal(path).stat().st_size, "a half-written line was left"
    assert all("NOT saved" in line for line in failed)
    with AnnotationStore(path, annotator="tester") as store:
        assert sorted(c["id"] for c in store.claims()) == sorted(saved)


def test_a_backup_that_cannot_be_written_leaves_no_temporary_file(tmp_path):
    from annotations.journal import backup, list_backups

    path = tmp_path / "s.json"
    with AnnotationStore(path) as store:
        store.register_corpus(CORPUS)
    for b in list_backups(path):
        b.unlink()
    for fault in ({0: "ENOSPC"}, {0: "short", 1: "EIO"}, {1: "EIO"}, {2: "EIO"}):
        assert backup(path, 5, ops=FaultyOps(fault)) is None
        assert list((tmp_path / "backups").iterdir()) == []
    made = backup(path, 5, ops=FaultyOps({0: "short"}))  # a short write is gone on with
    assert made is not None and made.read_bytes() == path.read_bytes()
