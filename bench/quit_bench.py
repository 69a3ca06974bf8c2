"""ctrl+q while articles are being analysed: how long until the process is gone.

factdesk runs in a real terminal (tmux) on a generated folder of 300 articles
of 20 KB with a cold analysis cache; once the status line says it is
analysing, ctrl+q is sent and the time until the process has ended is
measured. The baseline, in the same run, is the same quit of factdesk on the
bundled sample with a warm cache (nothing running). Goal: gone within 1.5 s,
always (the worst run counts)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPH = ("Officials in Paris met envoys from Berlin and Moscow on Monday to discuss the ceasefire, "
             "which the ministry said would hold until the talks resume. ") * 8


def _folder(where: Path, count: int = 300, size: int = 20_000) -> Path:
    folder = where / "corpus"
    folder.mkdir()
    for n in range(count):
        body = "\n\n".join(f"{n} {PARAGRAPH}" for _ in range(size // len(PARAGRAPH) + 1))[:size]
        (folder / f"{n:03}.txt").write_text(f"Article {n}\n\n{body}", encoding="utf-8")
    return folder


def _screen(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


def _quit_time(args: list[str], env: dict[str, str], ready: str, settled: str | None = None) -> float:
    """Seconds from ctrl+q to the process gone, once ``ready`` is on screen
    (and, with ``settled``, once that text has gone from it)."""
    session = f"factdesk-bench-{uuid.uuid4().hex[:8]}"
    marker = Path(env["FACTDESK_DATA_DIR"]) / f"{session}.done"
    command = " ".join([sys.executable, "-m", "tui.cli", *args]) + f"; touch {marker}; sleep 60"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "40",
                    "env", *[f"{k}={v}" for k, v in env.items() if k.startswith("FACTDESK_")], "sh", "-c", command],
                   check=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while ready not in _screen(session) or (settled is not None and settled in _screen(session)):
            if time.monotonic() > deadline:
                raise SystemExit(f"factdesk never showed {ready!r}:\n{_screen(session)}")
            time.sleep(0.02)
        start = time.monotonic()
        subprocess.run(["tmux", "send-keys", "-t", session, "C-q"], check=True)
        while not marker.exists():
            if time.monotonic() - start > 600:
                raise SystemExit("factdesk did not quit within 10 minutes")
            time.sleep(0.01)
        return time.monotonic() - start
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def main(runs: int = 5) -> None:
    if shutil.which("tmux") is None:
        print("quit benchmark skipped: tmux is not installed")
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = _folder(tmp)
        busy, idle = [], []
        for run in range(runs):
            env = dict(os.environ, FACTDESK_DATA_DIR=str(tmp / f"data{run}"), FACTDESK_CACHE_DIR=str(tmp / f"cache{run}"))
            busy.append(_quit_time([str(folder)], env, "analysing 300 article(s)"))
            warm = dict(env, FACTDESK_CACHE_DIR=str(tmp / "warm"))
            if run == 0:  # the sample's cache, filled once, untimed
                _quit_time([], warm, "5 articles", settled="analysing")
            idle.append(_quit_time([], warm, "5 articles", settled="analysing"))
    print(f"ctrl+q while 300 articles of 20 KB are analysed (cold cache, real terminal), {runs} runs")
    print(f"  quitting factdesk, idle (sample, warm)   median {statistics.median(idle) * 1000:5.0f} ms")
    print(f"  quitting factdesk, analysing             median {statistics.median(busy) * 1000:5.0f} ms   "
          f"worst {max(busy) * 1000:5.0f} ms   (goal: gone within 1500 ms, always)")
    print(f"  ratio analysing / idle                   {statistics.median(b / i for b, i in zip(busy, idle)):.2f}")


if __name__ == "__main__":
    main()
