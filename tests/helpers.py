"""Plain helpers the tests share: where things are, the environment of a
child ``factdesk``, and small builders of annotations on the sample corpus.

Tests import this module (or take the fixtures of ``conftest.py``); no test
module imports another.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SHARED_ENV = "FACTDESK_SHARED"


def shared_folder(environ=os.environ, root: Path = ROOT) -> Path:
    """The shared data folder (seeds, FNC-1): the one $FACTDESK_SHARED names,
    else ``shared/`` beside the project (where CI puts it). It may not exist:
    tests that need it skip, saying where they looked."""
    named = environ.get(SHARED_ENV)
    return Path(named) if named else root.parent / "shared"


SHARED = shared_folder()
FNC1 = SHARED / "corpora" / "fnc1"
needs_fnc1 = pytest.mark.skipif(
    not FNC1.is_dir(),
    reason=f"the FNC-1 corpus is not at {FNC1}: put the shared data folder beside the project "
           f"(../shared) or name it in ${SHARED_ENV}")


def run_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment for a child ``factdesk`` process isolated in ``tmp_path``."""
    env = dict(os.environ)
    env.update(
        FACTDESK_DATA_DIR=str(tmp_path / "data"),
        FACTDESK_CACHE_DIR=str(tmp_path / "cache"),
        FACTDESK_ANNOTATOR="tester",
    )
    env.update(extra)
    return env


CHILD = [PYTHON, str(ROOT / "tests" / "crash_child.py")]


def start_child(path, tmp_path, count=100000, hold=False) -> subprocess.Popen:
    """``tests/crash_child.py`` annotating the store at ``path``: it reports
    each action saved on its stdout; ``hold`` keeps it holding the store."""
    return subprocess.Popen(
        [*CHILD, str(path), str(count), *(["hold"] if hold else [])], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, stdin=subprocess.PIPE, env=run_env(tmp_path), cwd=ROOT, text=True,
    )


def span_of(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


# -- annotations on the sample corpus (karabakh-2020) ---------------------------------

TOLL_0 = "This brings the death toll in the Armenian stronghold to 158 soldiers."
TOLL_3 = "A total of 158 Armenian soldiers died."
FIGHTERS_0 = ("French President Macron also slammed Turkey on Thursday, saying intelligence reports showed that "
              "300 fighters from the jihadist group in Syria had passed through Turkey on their way to Azerbaijan.")
FIGHTERS_3 = "French President Emmanuel Macro said Turkey had intelligence information that it had sent some 300 Syrians to Azerbaijan."
MERCENARIES_4 = ("According to the Syrian Observatory for Human Rights, a total number of nine hundred Syrian national "
                 "mercenaries have been transported by Turkish security firms to Azerbaijan along with Armenian-born "
                 "Syrian fighters.")


def claim(store, article, phrase, stance="discuss"):
    return store.add_claim(article.id, *span_of(article.text, phrase), {"t1": stance})


def linked(store, corpus):
    """The sample event's matching claims, linked: returns the claims by name."""
    a0, a3, a4 = corpus.articles[0], corpus.articles[3], corpus.articles[4]
    c = {
        "toll0": claim(store, a0, TOLL_0), "toll3": claim(store, a3, TOLL_3),
        "fighters0": claim(store, a0, FIGHTERS_0), "fighters3": claim(store, a3, FIGHTERS_3),
        "merc4": claim(store, a4, MERCENARIES_4, "agree"),
    }
    store.link_claims(c["toll0"]["id"], c["toll3"]["id"], "same")
    store.link_claims(c["fighters0"]["id"], c["fighters3"]["id"], "same", "Syrians vs jihadist fighters")
    store.link_claims(c["merc4"]["id"], c["fighters0"]["id"], "contradicts")
    return c


def annotate_sample(store, corpus):
    """Four claims (one not on token boundaries), two article ratings and a
    source rating on the sample corpus."""
    a0, a1, a3 = corpus.articles[0], corpus.articles[1], corpus.articles[3]
    toll = span_of(a0.text, "This brings the death toll in the Armenian stronghold to 158 soldiers.")
    store.add_claim(a0.id, *toll, {"t1": "discuss"}, checkworthiness="check-worthy", claim_type="factual")
    store.add_claim(a0.id, *span_of(a0.text, "Armenia must withdraw its troops"), {"t1": "disagree"},
                    checkworthiness="unimportant", attribution="indirect")
    died = span_of(a3.text, "A total of 158 Armenian soldiers died.")
    store.add_claim(a3.id, *died, {"t1": "unrelated"}, speaker={"kind": "journalist"})
    # a span that does not fall on token boundaries ("ceasefi|re")
    store.add_claim(a1.id, *span_of(a1.text, "humanitarian ceasefi"), {"t1": "agree"})
    store.rate_article(a3.id, "unreliable", "garbled name, ad markers", codes=["garbled-text", "ads-heavy"])
    store.rate_article(a1.id, "mixed")
    store.rate_source(a3.source, "unreliable", codes=["ads-heavy"])
    return store


def with_speaker(store, article, claim_phrase, speaker_phrase, label="GPE"):
    s, e = span_of(article.text, speaker_phrase)
    return store.add_claim(article.id, *span_of(article.text, claim_phrase), {"t1": "discuss"},
                           speaker={"kind": "entity", "text": speaker_phrase, "start": s, "end": e, "label": label})
