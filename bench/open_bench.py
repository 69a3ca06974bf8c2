"""Opening big inputs, each against a baseline measured in the same run
(`make bench BENCH=open`); everything is generated here, nothing large is
committed.

- ``Article.from_text`` (normalisation, title, hashes, noise search) on a
  5 MB article of paragraphs (``bench/huge_bench.py``'s), a 5 MB article of
  paragraphs with noise lines, a 2 MB article in one line and a 5 MB article
  in mixed scripts (Cyrillic, Greek, decomposed accents, a few garbled
  names), against a bare ``unicodedata.normalize("NFC")`` + ``str.splitlines``
  + ``hashlib.sha256`` of the same text: goal well under 1 s.
- Loading a folder of 5,000 files that all end in the same 100-word footer
  (and start with the same byline), among them 40 stories republished 10
  times each with small edits, against reading the same files
  (``Path.read_text``): the near-duplicate search must not compare every
  pair of files that share the footer.
"""

from __future__ import annotations

import hashlib
import random
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.huge_bench import paragraphs, single_line

FOOTER = (
    "This article is copyright of the publisher and may not be reproduced without permission . "
    "Subscribe to our newsletter to receive the latest news from the region every morning , "
    "follow us on social media and share this story with your friends . Our journalists work "
    "independently and rely on readers like you : support independent reporting today . All "
    "rights reserved . Terms of use , privacy policy , cookie settings , contact the newsroom , "
    "advertise with us , careers , corrections and clarifications , about us , the editorial "
    "code and the complaints procedure are on our website"
)
BYLINE = "By our correspondent in the region , with reporting from agencies ."
_CYRILLIC = ["министр", "заявил", "что", "переговоры", "в", "Женеве", "зашли", "в", "тупик", "пока", "официальные", "лица", "встретились", "снова"]
_GREEK = ["ο", "υπουργός", "είπε", "ότι", "οι", "συνομιλίες", "στη", "Γενεύη", "σταμάτησαν"]


def mixed_scripts(size: int, seed: int = 4) -> str:
    """About ``size`` characters of paragraphs in Latin, Cyrillic and Greek
    words, some accents decomposed (NFD), a garbled name now and then."""
    rng = random.Random(seed)
    latin = paragraphs(20_000, seed).split()
    vocab = latin + _CYRILLIC + _GREEK + [unicodedata.normalize("NFD", w) for w in ("café", "Ankara’da", "ölü")]
    parts, total = [], 0
    while total < size:
        words = [rng.choice(vocab) for _ in range(rng.randint(30, 120))]
        if rng.random() < 0.1:
            words[5:5] = ["Mevl", "চা", "t", "ভ", "avu", "ও", "o", "্ল", "lu"]
        parts.append(" ".join(words) + " .")
        total += len(parts[-1]) + 1
    return "\n".join(parts)


def _story(rng: random.Random, vocab: list[str], words: int) -> list[str]:
    return [rng.choice(vocab) for _ in range(words)]


def boilerplate_folder(where: Path, count: int = 5000, stories: int = 40, copies: int = 10) -> Path:
    """``count`` files: a byline, a story of 150 to 400 words, the footer.
    ``stories`` of them are republished ``copies`` times with a few words changed."""
    rng = random.Random(11)
    vocab = [f"{w}{i}" for i, w in enumerate(paragraphs(20_000, 5).split())][:3000]
    folder = where / "boilerplate"
    folder.mkdir()
    n = 0
    republished = [_story(rng, vocab, rng.randint(150, 400)) for _ in range(stories)]
    for story in republished:
        for _ in range(copies):
            words = list(story)
            for _ in range(rng.randint(0, 3)):
                words[rng.randrange(len(words))] = rng.choice(vocab)
            (folder / f"{n:05}.txt").write_text(f"Story {n}\n\n{BYLINE}\n\n{' '.join(words)} .\n\n{FOOTER}",
                                                 encoding="utf-8")
            n += 1
    while n < count:
        body = " ".join(_story(rng, vocab, rng.randint(150, 400)))
        (folder / f"{n:05}.txt").write_text(f"Story {n}\n\n{BYLINE}\n\n{body} .\n\n{FOOTER}", encoding="utf-8")
        n += 1
    return folder


def _best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def open_article(rounds: int = 3) -> None:
    from corpus.model import Article

    def bare(text: str) -> None:
        nfc = unicodedata.normalize("NFC", text)
        nfc.splitlines()
        hashlib.sha256(nfc.encode("utf-8")).hexdigest()

    cases = {
        "5 MB of paragraphs": paragraphs(5_000_000),
        "5 MB with noise lines": paragraphs(5_000_000, seed=3, noise_every=4),
        "2 MB in one line": single_line(2_000_000),
        "5 MB in mixed scripts": mixed_scripts(5_000_000),
    }
    print(f"Article.from_text on generated articles, best of {rounds}, against a bare NFC + splitlines + sha256")
    for name, text in cases.items():
        base = _best(lambda text=text: bare(text), rounds)
        ours = _best(lambda text=text: Article.from_text(text, path="x.txt"), rounds)
        article = Article.from_text(text, path="x.txt")
        print(f"  {name:<24} {len(text):>9,} chars {len(article.noise):>6,} noise regions  "
              f"bare {base * 1000:6.1f} ms  from_text {ours * 1000:7.1f} ms  ratio {ours / base:6.1f}")
    print("  (goal: well under 1 s for 5 MB)")


def load_boilerplate(rounds: int = 2) -> None:
    from corpus.articles import load_folder
    from corpus.duplicates import near_duplicates

    with tempfile.TemporaryDirectory() as tmp:
        folder = boilerplate_folder(Path(tmp))
        files = sorted(folder.iterdir())
        base = _best(lambda: [p.read_text(encoding="utf-8") for p in files], rounds)
        ours = _best(lambda: load_folder(folder), rounds)
        corpus = load_folder(folder)
        items = [(a.id, a.text) for a in corpus.articles]
        search = _best(lambda: near_duplicates(items), rounds)
        dups = sum(1 for a in corpus.articles if a.duplicate_of)
        originals = len({a.duplicate_of for a in corpus.articles if a.duplicate_of})
    print(f"loading a folder of {len(files):,} files sharing a byline and a 100-word footer, best of {rounds}")
    print(f"  reading the files        {base * 1000:7.0f} ms")
    print(f"  load_folder              {ours * 1000:7.0f} ms   ratio {ours / base:6.1f}   "
          f"({dups} near-duplicates of {originals} originals: the 40 stories republished)")
    print(f"  of which near-duplicates {search * 1000:7.0f} ms   (shingles, candidates, comparisons)")


def main() -> None:
    open_article()
    print()
    load_boilerplate()


if __name__ == "__main__":
    main()
