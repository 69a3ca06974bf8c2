"""Analysis the app can stop at once: spaCy runs in a child process.

spaCy cannot be interrupted inside a document, and a thread cannot be killed:
an app that analysed in a worker thread could not quit until the article at
hand was done (asyncio joins its executor's threads on the way out), which
took seconds on the sample and minutes on a large folder. Here the articles
missing from the cache go to a child process, ``python -m
corpus.analysis_child`` (a fresh interpreter: it shares nothing with the
app's threads and never re-imports the app's main module). It caches each
article and says so, one article at a time: only the text hash comes back,
so the app reads an analysis only when it shows the article (5,000 articles
arriving do not hold the keys). The end of :meth:`BackgroundAnalysis.run`,
however it ends, terminates the child, so quitting never waits for spaCy. The
child also keeps spaCy's memory and its GIL out of the app.
"""

from __future__ import annotations

import os
import pickle
import select
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from corpus.analysis import Analyser
from corpus.analysis_child import HEADER

POLL = 0.05  # seconds between looks at should_stop while the child works


class AnalysisFailed(RuntimeError):
    """The child process reported an error, or ended without finishing."""


class BackgroundAnalysis:
    """Analyse ``(text_hash, text)`` pairs, the misses in a child process."""

    def __init__(self, analyser: Analyser) -> None:
        self.analyser = analyser

    def run(self, items: Sequence[tuple[str, str]], on_ready: Callable[[str], None],
            should_stop: Callable[[], bool] = lambda: False) -> bool:
        """Call ``on_ready(text_hash)`` as each text's analysis is in the cache
        (``analyser.cached(text_hash)`` reads it); True when all are, False
        when ``should_stop()`` ended it first. The analyser's ``choice``
        becomes the child's (a model that failed to load falls back to the
        rules, with a warning). Raises :class:`AnalysisFailed`."""
        missing = []
        for text_hash, text in items:
            if self.analyser.cache.has(text_hash, self.analyser.choice):
                on_ready(text_hash)
            else:
                missing.append((text_hash, text))
            if should_stop():
                return False
        if not missing:
            return True
        request = pickle.dumps({"choice": self.analyser.choice, "cache_root": str(Path(self.analyser.cache.root)),
                                "items": missing}, protocol=pickle.HIGHEST_PROTOCOL)
        process = subprocess.Popen([sys.executable, "-m", "corpus.analysis_child"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True)
        # the request can be large (a 50 MB article): written from its own thread, so this one keeps watching
        threading.Thread(target=_write, args=(process.stdin, request), daemon=True).start()
        try:
            for kind, *payload in _frames(process, should_stop):
                if kind == "ready":
                    text_hash, self.analyser.choice = payload  # the choice first: the cache's key
                    on_ready(text_hash)
                elif kind == "done":
                    self.analyser.choice = payload[0]
                    return True
                else:
                    raise AnalysisFailed(payload[0])
            if should_stop():
                return False
            raise AnalysisFailed(f"the analysis process ended unexpectedly (exit code {process.poll()})")
        finally:
            _end(process)


def _write(pipe, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except (BrokenPipeError, ValueError, OSError):  # the child is gone (stopped, or failed)
        pass


def _frames(process: subprocess.Popen, should_stop: Callable[[], bool]):
    """The child's messages, until it closes its output or ``should_stop()``."""
    fd = process.stdout.fileno()
    buffer = bytearray()
    while not should_stop():
        ready, _, _ = select.select([fd], [], [], POLL)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return
        buffer += chunk
        while len(buffer) >= HEADER:
            size = int.from_bytes(buffer[:HEADER], "big")
            if len(buffer) < HEADER + size:
                break
            message = pickle.loads(bytes(buffer[HEADER:HEADER + size]))
            del buffer[:HEADER + size]
            yield message


def _end(process: subprocess.Popen) -> None:
    """End the child now (it holds nothing that needs saving: each result is
    cached whole, by an atomic rename, before it is sent)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(0.5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(0.5)
    process.stdout.close()
