"""Assignments: a corpus split between annotators, a share of it twice.

``factdesk assign`` makes a plan: each annotator gets a disjoint part of the
corpus's events (or articles), and a given share of the units goes to two
annotators, so that their agreement can be measured (``factdesk
agreement``). The split is reproducible: the same corpus, annotators, overlap
and seed give the same plan. ``factdesk SOURCE --plan PLAN --annotator NAME``
opens only that annotator's share (:func:`share_of`).

How units are dealt: sorted by id, shuffled with the seed; the first
``round(overlap × units)`` go to two annotators each, the pairs taken in turn
(every pair as often as the others, give or take one); the rest go one by
one to whoever has the fewest articles so far, so shares are even in work,
not only in count (FNC-1's events hold 1 to 40 articles).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
from dataclasses import dataclass
from pathlib import Path

from annotations.schema import ValidationError
from annotations.storage import atomic_write
from annotations.store import corpus_identity
from corpus.model import Corpus
from corpus.text import visible

PLAN_FORMAT = 1
BY = ("event", "article")


class PlanError(ValidationError):
    """A plan that cannot be made, read or used; the message says what to do."""


@dataclass(frozen=True)
class Plan:
    corpus: dict  # corpus_identity of the corpus it splits
    by: str
    seed: int
    overlap: float
    shares: dict[str, tuple[str, ...]]  # annotator -> unit ids, in corpus order
    doubled: tuple[str, ...]  # the units two annotators have

    def to_json(self) -> dict:
        return {"factdesk_plan": PLAN_FORMAT, "corpus": self.corpus, "by": self.by, "seed": self.seed,
                "overlap": self.overlap, "shares": {a: list(u) for a, u in self.shares.items()},
                "doubled": list(self.doubled)}

    def summary(self, corpus: Corpus) -> list[tuple[str, int, int, int]]:
        """(annotator, units, articles, units shared with another) per annotator."""
        sizes = _sizes(corpus, self.by)
        doubled = set(self.doubled)
        return [(name, len(units), sum(sizes[u] for u in units), sum(u in doubled for u in units))
                for name, units in self.shares.items()]


def _sizes(corpus: Corpus, by: str) -> dict[str, int]:
    if by == "event":
        return {e.id: len(e.article_ids) for e in corpus.events}
    return {a.id: 1 for a in corpus.articles}


def parse_annotators(value: str) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise PlanError("--annotators: give the annotators' names, e.g. --annotators alice,bob,carol")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise PlanError(f"--annotators: {', '.join(repr(visible(n, 40)) for n in twice)} given twice; "
                        "each annotator once")
    return names


def make_plan(corpus: Corpus, annotators: list[str], overlap: float, seed: int = 0, by: str = "event") -> Plan:
    if by not in BY:
        raise PlanError(f"--by {visible(by, 40)!r}: choose event or article")
    if not 0 <= overlap <= 1:
        raise PlanError(f"--overlap {overlap}: a share between 0 and 1, e.g. 0.2 for a fifth labelled twice")
    if overlap > 0 and len(annotators) < 2:
        raise PlanError("--overlap needs two annotators or more: units are labelled twice by two of them")
    sizes = {u: n for u, n in _sizes(corpus, by).items() if n}
    units = sorted(sizes)
    if len(units) < len(annotators):
        raise PlanError(f"{visible(corpus.name, 80)} has {len(units)} {by}(s) with articles, fewer than the "
                        f"{len(annotators)} annotators; split by article (--by article) or name fewer annotators")
    random.Random(seed).shuffle(units)
    count = round(overlap * len(units))
    shares: dict[str, list[str]] = {name: [] for name in annotators}
    load = {name: 0 for name in annotators}
    pairs = itertools.cycle(itertools.combinations(annotators, 2))
    for unit in units[:count]:
        for name in next(pairs):
            shares[name].append(unit)
            load[name] += sizes[unit]
    for unit in units[count:]:
        name = min(annotators, key=lambda a: (load[a], annotators.index(a)))
        shares[name].append(unit)
        load[name] += sizes[unit]
    order = {u: n for n, u in enumerate(_corpus_order(corpus, by))}
    return Plan(corpus_identity(corpus), by, seed, overlap,
                {name: tuple(sorted(got, key=order.__getitem__)) for name, got in shares.items()},
                tuple(sorted(units[:count], key=order.__getitem__)))


def _corpus_order(corpus: Corpus, by: str) -> list[str]:
    return [e.id for e in corpus.events] if by == "event" else [a.id for a in corpus.articles]


def write_plan(plan: Plan, path: Path) -> None:
    """Write the plan; an existing file is replaced only if it is a plan."""
    if path.is_dir():
        raise PlanError(f"--out {visible(path)}: a folder; name the plan's file, e.g. plan.json")
    if path.exists():
        try:
            existing = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            existing = None
        mine = isinstance(existing, dict) and "factdesk_plan" in existing
        if not mine:
            raise PlanError(f"--out {visible(path)}: exists and is not a factdesk plan; it was left untouched. "
                            "Name a new file")
    atomic_write(path, (json.dumps(plan.to_json(), indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


def read_plan(path: Path) -> Plan:
    where = visible(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanError(f"--plan {where}: cannot be read ({visible(exc.strerror or exc, 120)})") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise PlanError(f"--plan {where}: not a factdesk plan ({visible(exc, 120)}); make one with "
                        "`factdesk assign`") from None
    if not isinstance(data, dict) or data.get("factdesk_plan") != PLAN_FORMAT:
        raise PlanError(f"--plan {where}: not a factdesk plan; make one with `factdesk assign`")
    shares, doubled = data.get("shares"), data.get("doubled", [])
    ok = (isinstance(shares, dict) and shares and data.get("by") in BY and isinstance(data.get("corpus"), dict)
          and all(isinstance(k, str) and isinstance(v, list) and all(isinstance(u, str) for u in v)
                  for k, v in shares.items())
          and isinstance(doubled, list) and all(isinstance(u, str) for u in doubled))
    if not ok:
        raise PlanError(f"--plan {where}: damaged (its shares, by or corpus field is not what `factdesk assign` "
                        "writes); make it again with `factdesk assign`")
    return Plan(data["corpus"], data["by"], data.get("seed", 0), data.get("overlap", 0),
                {k: tuple(v) for k, v in shares.items()}, tuple(doubled))


def share_of(corpus: Corpus, plan: Plan, annotator: str) -> Corpus:
    """The corpus as ``annotator`` sees it under ``plan``: only the events (or,
    by article, the articles) of their share. Every article stays readable
    (a link may lead out of the share); only the events are narrowed."""
    if plan.corpus.get("fingerprint") != corpus_identity(corpus)["fingerprint"]:
        raise PlanError(f"the plan splits another corpus ({visible(plan.corpus.get('name') or '?', 80)}, "
                        f"{plan.corpus.get('articles', '?')} articles), not {visible(corpus.name, 80)}; "
                        "open the corpus it was made for, or make a plan for this one")
    if annotator not in plan.shares:
        raise PlanError(f"{visible(annotator, 60)!r} has no share in the plan; its annotators: "
                        f"{', '.join(visible(a, 40) for a in plan.shares)} (name one with --annotator)")
    mine = set(plan.shares[annotator])
    if plan.by == "event":
        events = [e for e in corpus.events if e.id in mine]
    else:
        events = [dataclasses.replace(e, article_ids=tuple(a for a in e.article_ids if a in mine))
                  for e in corpus.events]
        events = [e for e in events if e.article_ids]
    if not events:
        raise PlanError(f"{visible(annotator, 60)!r}'s share names nothing in {visible(corpus.name, 80)}")
    return dataclasses.replace(
        corpus, events=events, warnings=list(corpus.warnings),
        share=f"{annotator}'s share: {len(mine)} {plan.by}(s), {len(mine & set(plan.doubled))} also another's")
