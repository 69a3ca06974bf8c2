"""A child process for the crash and concurrency tests: annotates in a loop and
reports each action on stdout only after the store has said it is saved."""

import random
import sys
import time

from annotations.schema import STANCES
from annotations.store import AnnotationStore
from corpus.articles import load_folder, sample_corpus_path


def main() -> None:
    path, count = sys.argv[1], int(sys.argv[2])
    corpus = load_folder(sample_corpus_path())
    store = AnnotationStore(path, annotator="child", snapshot_every=20)
    store.register_corpus(corpus)
    print("ready", flush=True)
    rng = random.Random()
    for i in range(count):
        article = rng.choice(corpus.articles)
        start = rng.randrange(0, len(article.text) - 40)
        while article.text[start].isspace():
            start += 1
        end = start + rng.randrange(5, 40)
        while article.text[end - 1].isspace():
            end -= 1
        if i % 7 == 6:
            note = f"note {time.time_ns()}"  # ordered across the children
            store.rate_article(article.id, rng.choice(("reliable", "mixed", "unreliable")), note)
            print(f"rate {article.id} {note}", flush=True)
        else:
            claim = store.add_claim(article.id, start, end, {"t1": rng.choice(STANCES)})
            print(f"claim {claim['id']}", flush=True)
    if len(sys.argv) > 3 and sys.argv[3] == "hold":
        print("holding", flush=True)
        # keep the store open until the parent says "close"; "claim" saves one more
        for command in sys.stdin:
            if command.strip() != "claim":
                break
            article = corpus.articles[0]
            claim = store.add_claim(article.id, 0, 20, {"t1": "agree"})
            print(f"claim {claim['id']}", flush=True)
    store.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
