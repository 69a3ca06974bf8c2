"""The child process of :mod:`corpus.background`: ``python -m corpus.analysis_child``.

It reads one pickled request from standard input (the model choice, the cache
folder and the ``(text_hash, text)`` pairs to analyse), analyses them one at a
time, caching each, and writes a frame per message to standard output: an
8-byte big-endian length, then a pickle of ``("ready", text_hash, ModelChoice)``
(the analysis is in the cache, under that pipeline's key: the app reads it
only if it shows the article), ``("done", ModelChoice)`` or ``("error", "one
line")``. It ends by itself if the app that
started it is gone.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import time

HEADER = 8


def frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(HEADER, "big") + data


def _orphan_watch(parent: int) -> None:
    """An app killed outright (SIGKILL) cannot stop its child: the child sees
    its parent change and ends itself."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main() -> int:
    parent = os.getppid()
    try:
        os.nice(10)  # the reader's keys come first: the app gets the CPU before the analysis
    except OSError:
        pass
    threading.Thread(target=_orphan_watch, args=(parent,), daemon=True).start()
    # the frames get their own descriptor; whatever a library prints goes to stderr
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    request = pickle.load(sys.stdin.buffer)  # first, before spaCy is imported: the app's writer is waiting

    def send(message) -> None:
        out.write(frame(message))
        out.flush()

    try:
        from corpus.analysis import Analyser, AnalysisCache

        analyser = Analyser(request["choice"], AnalysisCache(request["cache_root"]))
        analyser.analyse(request["items"], batch_size=1,
                         on_result=lambda analysis: send(("ready", analysis.text_hash, analyser.choice)))
        send(("done", analyser.choice))
    except BrokenPipeError:  # the app stopped listening
        return 0
    except BaseException as exc:  # told to the app, which says it in one line
        try:
            send(("error", f"{exc.__class__.__name__}: {exc}"))
        except BrokenPipeError:
            return 0
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
