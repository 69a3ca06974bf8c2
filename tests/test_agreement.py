"""`factdesk agreement` and annotations/agreement.py: matching claims across
stores, every statistic (against the libraries and Gwet's published examples),
the command in a subprocess, its errors and its --out folder."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess

import pytest

from annotations.agreement import (
    AgreementError,
    Annotator,
    Material,
    Tokens,
    cached_sentences,
    cohen_kappa,
    compute,
    gwet_ac1,
    krippendorff_alpha,
    label_agreement,
    match_spans,
    percent_agreement,
    simple_sentences,
)
from annotations.store import AnnotationStore
from corpus.articles import load_folder, sample_corpus_path
from tests.helpers import PYTHON, ROOT, run_env, span_of
from tui import cli

STANCES = ("agree", "disagree", "discuss", "unrelated")


# -- helpers ------------------------------------------------------------------------

def spans_of(text: str, count: int = 6, length: int = 40) -> list[tuple[int, int]]:
    """``count`` disjoint spans of about ``length`` characters, each starting
    at a word, spread over the text."""
    starts = [i for i in range(1, len(text) - length - 1) if text[i - 1] == " " and text[i].isalnum()]
    step = max(1, len(starts) // count)
    out, last_end = [], -1
    for start in starts[::step]:
        end = start + length
        while text[end - 1].isspace():
            end -= 1
        if start >= last_end:
            out.append((start, end))
            last_end = end
        if len(out) == count:
            break
    return out


def run(tmp_path, *args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "tui.cli", "agreement", *args], capture_output=True, text=True,
                          env=env or run_env(tmp_path), cwd=ROOT, timeout=120)


def new_store(path, corpus, annotator: str) -> AnnotationStore:
    store = AnnotationStore(path, annotator=annotator)
    store.register_corpus(corpus)
    return store


@pytest.fixture
def pair(tmp_path, corpus):
    """Two stores over the sample corpus: claims at the same spans, some
    stances changed, some claims in one store only (but every article has
    claims in both), plus ratings, source ratings and a link. Returns the
    paths and what was generated, for the tests to build their own pairs."""
    rng = random.Random(17)
    a = new_store(tmp_path / "alice.json", corpus, "alice")
    b = new_store(tmp_path / "bob.json", corpus, "bob")
    made = {"a": {}, "b": {}, "stance_pairs": [], "ids": {"a": {}, "b": {}}}
    for article in corpus.articles:
        for n, (start, end) in enumerate(spans_of(article.text)):
            label = rng.choice(STANCES)
            other = label if rng.random() < 0.6 else rng.choice(STANCES)
            in_a, in_b = n != 4, n != 2  # span 4 only in B, span 2 only in A
            if in_a:
                made["ids"]["a"][(article.id, start, end)] = a.add_claim(article.id, start, end, {"t1": label})["id"]
                made["a"][(article.id, start, end)] = label
            if in_b:
                made["ids"]["b"][(article.id, start, end)] = b.add_claim(article.id, start, end, {"t1": other})["id"]
                made["b"][(article.id, start, end)] = other
            if in_a and in_b:
                made["stance_pairs"].append((label, other))
    for n, article in enumerate(corpus.articles):
        a.rate_article(article.id, ("reliable", "mixed", "unreliable")[n % 3])
        b.rate_article(article.id, ("reliable", "mixed", "unreliable")[(n + n // 2) % 3])
    a.rate_source(corpus.articles[3].source, "unreliable")
    b.rate_source(corpus.articles[3].source, "mixed")
    shared = sorted(set(made["ids"]["a"]) & set(made["ids"]["b"]))
    x, y = shared[0], next(k for k in shared if k[0] != shared[0][0])
    a.link_claims(made["ids"]["a"][x], made["ids"]["a"][y], "same")
    b.link_claims(made["ids"]["b"][x], made["ids"]["b"][y], "supports")
    a.close()
    b.close()
    return tmp_path / "alice.json", tmp_path / "bob.json", made


def material(*people: dict, text: str) -> Material:
    """A Material from ``{name: [(start, end, stance), ...]}`` on one text."""
    out = []
    for person in people:
        (name, claims), = person.items()
        who = Annotator(name)
        records = [{"id": f"{name}{i}", "start": s, "end": e, "stances": {"t1": st}, "claim_type": "factual"}
                   for i, (s, e, st) in enumerate(sorted(claims))]
        if records:
            who.claims["h"] = records
            who.read = {"h"}
        out.append(who)
    return Material(out, {"h": text})


# -- matching -----------------------------------------------------------------------

def test_token_overlap_is_the_jaccard_index_of_the_tokens_touched():
    tokens = Tokens("one two three four")
    assert tokens.overlap((0, 7), (0, 7)) == 1.0
    assert tokens.overlap((0, 3), (8, 13)) == 0.0
    assert tokens.overlap((0, 7), (4, 13)) == pytest.approx(1 / 3)  # {one two} vs {two three}
    assert tokens.overlap((0, 2), (1, 3)) == 1.0  # parts of one token touch the same token


def test_matching_takes_exact_spans_first_then_the_best_overlap():
    text = "alpha beta gamma delta epsilon zeta eta theta"
    tokens = Tokens(text)
    a = [(0, 10), (11, 27), (36, 45)]  # alpha beta | gamma delta | eta theta
    b = [(0, 10), (11, 22), (11, 30), (40, 45)]  # exact | gamma (0.5) | gamma delta epsilon (2/3) | theta (0.5)
    assert match_spans(a, b, tokens) == [(0, 0, True), (1, 2, False), (2, 3, False)]
    assert match_spans(b, a, tokens) == [(0, 0, True), (2, 1, False), (3, 2, False)]  # symmetric


def test_matching_below_half_overlap_or_disjoint_matches_nothing():
    tokens = Tokens("a b c d e f g h")
    assert match_spans([(0, 5)], [(4, 11)], tokens) == []  # {a b c} vs {c d e f}: 1/6
    assert match_spans([(0, 3)], [(10, 15)], tokens) == []
    assert match_spans([], [(0, 3)], tokens) == []


def test_each_claim_is_matched_once():
    tokens = Tokens("a b c d")
    assert match_spans([(0, 3), (0, 3)], [(0, 3)], tokens) == [(0, 0, True)]


# -- the statistics -------------------------------------------------------------------

# Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., p. 120: 4 raters,
# 12 units, 5 categories, ratings missing in every column; Gwet gives p_a = 0.818,
# p_e = 0.190 and AC1 = 0.775 (also the example of Gwet's R package irrCAC,
# `gwet.ac1.raw(cac.raw4raters)`).
GWET_4RATERS = list(zip(
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, None],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
))
# Gwet (2014): two abstractors classify 100 pregnancies (ectopic, abnormal and normal
# intrauterine); AC1 = 0.849 (irrCAC `gwet.ac1.table(cont3x3abstractors)`).
ABSTRACTORS = {("E", "E"): 13, ("A", "A"): 20, ("A", "N"): 7, ("N", "A"): 4, ("N", "N"): 56}


def test_gwet_ac1_against_gwets_worked_examples():
    assert round(gwet_ac1(GWET_4RATERS, [1, 2, 3, 4, 5]), 3) == 0.775
    assert round(percent_agreement([r for r in GWET_4RATERS if sum(v is not None for v in r) >= 2]), 3) == 0.818
    rows = [pair for pair, n in ABSTRACTORS.items() for _ in range(n)]
    assert round(gwet_ac1(rows, ["E", "A", "N"]), 3) == 0.849


def test_gwet_ac1_degenerate_cases():
    assert gwet_ac1([("a", "a")] * 5, STANCES) == 1.0  # one label everywhere: AC1 is still defined
    assert gwet_ac1([("a", "a")], ["a"]) is None  # a single category
    assert gwet_ac1([("a", None)], STANCES) is None  # no unit labelled twice
    assert gwet_ac1([], STANCES) is None


def test_cohen_and_krippendorff_are_the_libraries():
    import krippendorff
    import numpy as np
    from sklearn.metrics import cohen_kappa_score

    a = ["agree", "agree", "discuss", "unrelated", "disagree", "agree", "discuss"]
    b = ["agree", "discuss", "discuss", "unrelated", "agree", "agree", "unrelated"]
    assert cohen_kappa(a, b, STANCES) == pytest.approx(cohen_kappa_score(a, b))
    rows = [(x, y, None if i % 3 else x) for i, (x, y) in enumerate(zip(a, b))]
    codes = {s: i for i, s in enumerate(STANCES)}
    data = np.array([[np.nan if v is None else codes[v] for v in row] for row in rows], dtype=float).T
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal", value_domain=range(4))
    assert krippendorff_alpha(rows, STANCES) == pytest.approx(expected)


def test_three_annotators_give_fleiss_and_no_cohen():
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    rows = [("agree", "agree", "agree"), ("agree", "discuss", "agree"), ("unrelated", "unrelated", "discuss"),
            ("disagree", "disagree", "disagree"), ("agree", None, "discuss")]
    result = label_agreement(rows, STANCES)
    assert result.cohen_kappa is None and result.units == 5 and result.fleiss_units == 4
    table, _ = aggregate_raters([[STANCES.index(v) for v in row] for row in rows[:4]], n_cat=4)
    assert result.fleiss_kappa == pytest.approx(fleiss_kappa(table))
    assert sum(n for row in result.confusion.values() for n in row.values()) == 4 * 3 + 1


def test_all_labels_the_same_is_full_agreement_and_undefined_kappa():
    result = label_agreement([("agree", "agree")] * 4, STANCES)
    assert result.percent == 1.0 and result.gwet_ac1 == 1.0
    assert result.cohen_kappa is None and result.krippendorff_alpha is None  # expected disagreement is 0
    assert result.confusion["agree"]["agree"] == 4


def test_one_unit_and_no_units():
    one = label_agreement([("agree", "discuss")], STANCES)
    assert one.units == 1 and one.percent == 0.0 and one.confusion["agree"]["discuss"] == 1
    none = label_agreement([("agree", None), (None, None)], STANCES)
    assert none.units == 0 and none.confusion == {}
    assert all(v is None for v in (none.percent, none.cohen_kappa, none.fleiss_kappa, none.krippendorff_alpha,
                                   none.gwet_ac1))


def test_labels_outside_the_set_are_counted_not_dropped():
    result = label_agreement([("agree", "maybe"), ("maybe", "maybe")], STANCES)
    assert result.labels[-1] == "maybe" and result.confusion["agree"]["maybe"] == 1


def test_ordinal_alpha_weighs_near_misses_less():
    scale = ["reliable", "mixed", "unreliable"]
    near = [("reliable", "mixed"), ("mixed", "mixed"), ("unreliable", "unreliable"), ("reliable", "reliable")]
    far = [("reliable", "unreliable"), ("mixed", "mixed"), ("unreliable", "unreliable"), ("reliable", "reliable")]
    assert label_agreement(near, scale, "ordinal").krippendorff_alpha > \
        label_agreement(far, scale, "ordinal").krippendorff_alpha


# -- spans and sentences --------------------------------------------------------------------

TEXT = "The truce holds. Both sides fired again! Talks resume on 3.5 May?\nA new line. Last one"


def test_simple_sentences_cut_at_sentence_punctuation_and_line_breaks():
    got = [TEXT[s:e] for s, e in simple_sentences(TEXT)]
    assert got == ["The truce holds.", "Both sides fired again!", "Talks resume on 3.5 May?", "A new line.",
                   "Last one"]
    assert simple_sentences("") == ()


def test_sentences_come_from_the_analysis_cache_when_there(rules_cache, corpus):
    article = corpus.articles[0]
    spans, source = cached_sentences([rules_cache], "rules")(article.text_hash, article.text)
    assert source == "analysis cache" and len(spans) > 3
    _, source = cached_sentences([rules_cache], "rules")("0" * 64, "No cache. For this one.")
    assert source == "simple split"


def test_span_f1_and_sentence_kappa_on_a_small_text():
    s1, s2, s3 = span_of(TEXT, "The truce holds."), span_of(TEXT, "Both sides fired"), span_of(TEXT, "A new line.")
    report = compute(material({"a": [(*s1, "agree"), (*s2, "agree")]}, {"b": [(*s1, "agree"), (*s3, "discuss")]},
                              text=TEXT))
    claims = report.claims
    assert claims.exact_f1 == 0.5 and claims.overlap_f1 == 0.5 and claims.sentences == 5
    from sklearn.metrics import cohen_kappa_score

    assert claims.sentence_kappa == pytest.approx(cohen_kappa_score([1, 1, 0, 0, 0], [1, 0, 0, 1, 0]))
    assert report.labels["stance"].units == 1 and report.labels["stance"].percent == 1.0


def test_no_overlapping_claims_give_zero_f1_and_no_stance_units():
    s1, s2 = span_of(TEXT, "The truce holds."), span_of(TEXT, "Last one")
    report = compute(material({"a": [(*s1, "agree")]}, {"b": [(*s2, "agree")]}, text=TEXT))
    assert report.claims.exact_f1 == 0.0 and report.claims.overlap_f1 == 0.0
    assert report.labels["stance"].units == 0 and report.to_json()["tasks"]["stance"]["cohen_kappa"] is None


def test_nothing_in_common_is_null_never_nan():
    report = compute(material({"a": []}, {"b": []}, text=TEXT))
    text = json.dumps(report.to_json(), allow_nan=False)  # raises on NaN
    tasks = json.loads(text)["tasks"]
    assert tasks["claims"]["exact_f1"] is None and tasks["claims"]["sentence_kappa"] is None
    assert tasks["reliability"]["krippendorff_alpha"] is None


# -- properties ---------------------------------------------------------------------

try:
    from hypothesis import given
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover
    given = None

if given is not None:
    WORDS = " ".join(f"w{i}" for i in range(60))
    WORD_AT = [i for i in range(len(WORDS)) if i == 0 or WORDS[i - 1] == " "]
    claim_lists = st.lists(
        st.tuples(st.integers(0, len(WORD_AT) - 1), st.integers(1, 6), st.sampled_from(STANCES)),
        max_size=12,
    ).map(lambda xs: sorted({(WORD_AT[i], min(len(WORDS), WORD_AT[i] + 3 * n + 2), s) for i, n, s in xs}))

    @given(claim_lists)
    def test_a_store_agrees_fully_with_a_copy_of_itself(claims):
        report = compute(material({"a": claims}, {"b": list(claims)}, text=WORDS))
        out = report.to_json()["tasks"]
        if claims:
            assert out["claims"]["exact_f1"] == 1.0 and out["claims"]["overlap_f1"] == 1.0
            assert out["claims"]["sentence_kappa"] in (1.0, None)
            assert out["stance"]["percent"] == 1.0 and out["stance"]["gwet_ac1"] == 1.0
            assert out["stance"]["krippendorff_alpha"] in (1.0, None)
            assert out["stance"]["cohen_kappa"] in (1.0, None)
        else:
            assert out["claims"]["exact_f1"] is None

    @given(claim_lists, claim_lists)
    def test_two_annotators_are_symmetric(first, second):
        ab = compute(material({"a": first}, {"b": second}, text=WORDS)).to_json()["tasks"]
        ba = compute(material({"b": second}, {"a": first}, text=WORDS)).to_json()["tasks"]
        for key in ("exact_f1", "overlap_f1", "sentence_kappa", "matched"):
            assert ab["claims"][key] == pytest.approx(ba["claims"][key])
        for key in ("units", "percent", "cohen_kappa", "krippendorff_alpha", "gwet_ac1"):
            assert ab["stance"][key] == pytest.approx(ba["stance"][key])
        confusion = ab["stance"]["confusion"]
        assert {a: {b: confusion[b][a] for b in confusion} for a in confusion} == ba["stance"]["confusion"]


# -- the command ----------------------------------------------------------------------

def test_agreement_json_matches_the_libraries_on_generated_stores(tmp_path, pair):
    from sklearn.metrics import cohen_kappa_score
    import krippendorff
    import numpy as np

    a, b, made = pair
    done = run(tmp_path, "--db", str(a), "--db", str(b), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)  # stdout is one JSON object and nothing else
    assert out["annotators"] == ["alice.json", "bob.json"]
    stance = out["tasks"]["stance"]
    x, y = zip(*made["stance_pairs"])
    assert stance["units"] == len(made["stance_pairs"])
    assert round(stance["cohen_kappa"], 3) == round(cohen_kappa_score(x, y), 3)
    codes = {s: i for i, s in enumerate(STANCES)}
    data = np.array([[codes[v] for v in x], [codes[v] for v in y]], dtype=float)
    alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert round(stance["krippendorff_alpha"], 3) == round(alpha, 3)
    assert stance["fleiss_kappa"] is None
    assert stance["percent"] == pytest.approx(sum(p == q for p, q in made["stance_pairs"]) / len(x))
    assert sum(n for row in stance["confusion"].values() for n in row.values()) == len(x)
    both = set(made["a"]) & set(made["b"])
    assert out["tasks"]["claims"]["exact_f1"] == pytest.approx(2 * len(both) / (len(made["a"]) + len(made["b"])))
    assert out["tasks"]["reliability"]["units"] == 5 and out["tasks"]["reliability"]["level"] == "ordinal"
    assert out["tasks"]["source_reliability"]["units"] == 1
    assert out["tasks"]["links"]["units"] == 1 and out["tasks"]["links"]["confusion"]["same"]["supports"] == 1
    assert out["tasks"]["claims"]["sentence_source"] == {"simple split": 5}  # no cache: no model needed


def test_three_stores_give_fleiss_kappa_and_null_cohen(tmp_path, pair, corpus):
    a, b, made = pair
    c = new_store(tmp_path / "carol.json", corpus, "carol")
    for (article_id, start, end), label in made["a"].items():
        c.add_claim(article_id, start, end, {"t1": "agree" if start % 2 else label})
    c.close()
    done = run(tmp_path, "--db", str(a), "--db", str(b), "--db", str(c.path), "--json")
    assert done.returncode == 0, done.stderr
    stance = json.loads(done.stdout)["tasks"]["stance"]
    assert isinstance(stance["fleiss_kappa"], float) and stance["cohen_kappa"] is None
    assert stance["fleiss_units"] == len(made["stance_pairs"])


def test_readable_tables_and_the_out_folder(tmp_path, pair):
    a, b, _ = pair
    out = tmp_path / "agreement"
    done = run(tmp_path, "--db", str(a), "--db", str(b), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "stance: confusion" in done.stdout and "Kripp. α" in done.stdout and "Traceback" not in done.stderr
    written = json.loads((out / "agreement.json").read_text())
    assert written["tasks"]["stance"]["units"] > 0
    assert "## Stance" in (out / "agreement.md").read_text()
    assert (out / "factdesk-export.json").is_file()
    again = run(tmp_path, "--db", str(a), "--db", str(b), "--out", str(out), "--json")  # replaced whole
    assert again.returncode == 0 and json.loads(again.stdout)["tasks"] == written["tasks"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".agreement")) == []


def test_out_never_writes_over_a_folder_it_did_not_write(tmp_path, pair):
    a, b, _ = pair
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine\n")
    export = tmp_path / "export"
    export.mkdir()
    (export / "claims.jsonl").write_text("{}\n")
    import hashlib

    digest = hashlib.sha256(b"{}\n").hexdigest()
    (export / "factdesk-export.json").write_text(json.dumps(
        {"format": "factdesk-export", "version": 1, "files": [{"path": "claims.jsonl", "size": 3, "sha256": digest}]}))
    for target in (mine, export, mine / "notes.txt"):
        done = run(tmp_path, "--db", str(a), "--db", str(b), "--out", str(target))
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert done.stderr.startswith("factdesk: error: --out ") and done.stdout == ""
    assert (mine / "notes.txt").read_text() == "mine\n" and (export / "claims.jsonl").read_text() == "{}\n"


def test_stores_are_only_read_even_while_another_factdesk_holds_one(tmp_path, pair):
    a, b, _ = pair

    def files():  # the backup the holder writes in the background is the holder's
        return {p: p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file() and "backups" not in p.parts}

    holder = AnnotationStore(a, annotator="alice")  # holds the lock, as an open app would
    try:
        before = files()
        done = run(tmp_path, "--db", str(a), "--db", str(b), "--json")
        after = files()
    finally:
        holder.close()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["tasks"]["stance"]["units"] > 0
    assert after == before  # not a byte written, no file added


def test_by_annotator_splits_one_store(tmp_path, corpus):
    article = corpus.articles[0]
    span = span_of(article.text, "Armenia is ready to engage")
    path = tmp_path / "shared.json"
    for name, stance in (("ann", "agree"), ("ben\x1b[31m", "disagree")):
        with AnnotationStore(path, annotator=name) as store:
            store.register_corpus(corpus)
            store.add_claim(article.id, *span, {"t1": stance})
    done = run(tmp_path, "--db", str(path), "--by", "annotator")
    assert done.returncode == 0, done.stderr
    assert "\x1b[31m" not in done.stdout and "ann" in done.stdout
    data = json.loads(run(tmp_path, "--db", str(path), "--by", "annotator", "--json").stdout)
    assert data["annotators"] == ["ann", "ben\x1b[31m"] and data["by"] == "annotator"
    assert data["tasks"]["stance"]["confusion"]["agree"]["disagree"] == 1
    assert data["tasks"]["claims"]["exact_f1"] == 1.0


def test_works_on_stores_made_by_factdesk_import(tmp_path, pair, analyser, capsys):
    from annotations.export import export_store

    a, b, made = pair
    with AnnotationStore(a, read_only=True) as store:
        export_store(store, tmp_path / "exported", analyser, formats=("jsonl",))
    imported = tmp_path / "imported.json"
    assert cli.main(["import", str(tmp_path / "exported"), "--db", str(imported)]) == 0
    capsys.readouterr()
    done = run(tmp_path, "--db", str(a), "--db", str(imported), "--json")
    assert done.returncode == 0, done.stderr
    tasks = json.loads(done.stdout)["tasks"]
    assert tasks["claims"]["exact_f1"] == 1.0 and tasks["stance"]["units"] == len(made["a"])
    assert tasks["stance"]["percent"] == 1.0 and tasks["reliability"]["percent"] == 1.0
    done = run(tmp_path, "--db", str(b), "--db", str(imported), "--json")  # B against A, imported
    assert json.loads(done.stdout)["tasks"]["stance"]["units"] == len(made["stance_pairs"])


def _bad_cases(tmp_path, pair, corpus):
    a, b, _ = pair
    junk = tmp_path / "junk.json"
    junk.write_text("this is not a store\n")
    link = tmp_path / "again.json"
    os.symlink(a, link)
    other_corpus = tmp_path / "other"
    other_corpus.mkdir()
    (other_corpus / "one.txt").write_text("A different article\n\nIt says something else entirely.\n")
    other = AnnotationStore(tmp_path / "other.json", annotator="x")
    other.register_corpus(load_folder(other_corpus))
    other.close()
    return {
        "missing": (["--db", str(a), "--db", str(tmp_path / "nope.json")], "no such store"),
        "not a store": (["--db", str(a), "--db", str(junk)], "junk.json"),
        "same store twice": (["--db", str(a), "--db", str(a)], "same store"),
        "same store by a link": (["--db", str(a), "--db", str(link)], "same store"),
        "one store": (["--db", str(a)], "two or more stores"),
        "one annotator": (["--db", str(a), "--by", "annotator"], "1 annotator"),
        "other corpus": (["--db", str(a), "--db", str(tmp_path / "other.json")], "corpus"),
        "no store": ([], "--db"),
        "bad --by": (["--db", str(a), "--db", str(b), "--by", "moon"], "--by"),
    }


def test_bad_input_is_one_line_exit_2(tmp_path, pair, corpus, capsys):
    for name, (argv, says) in _bad_cases(tmp_path, pair, corpus).items():
        try:
            code = cli.main(["agreement", *argv])
        except SystemExit as exc:  # argparse
            code = exc.code
        captured = capsys.readouterr()
        assert code == 2, name
        assert captured.err.count("\n") == 1 and ": error: " in captured.err, (name, captured.err)
        assert says in captured.err, (name, captured.err)
        assert captured.out == "" and "Traceback" not in captured.err


def test_bad_input_in_a_subprocess(tmp_path, pair, corpus):
    cases = _bad_cases(tmp_path, pair, corpus)
    for name in ("not a store", "other corpus", "one store"):
        argv, says = cases[name]
        done = run(tmp_path, *argv, "--json")
        assert done.returncode == 2 and done.stdout == "", name
        assert done.stderr.count("\n") == 1 and says in done.stderr and "Traceback" not in done.stderr


def test_agreement_does_not_load_the_statistics_before_it_needs_them():
    code = ("import sys; import tui.cli, annotations.agreement; "
            "print(sorted(m for m in ('sklearn', 'krippendorff', 'statsmodels', 'textual', 'spacy') "
            "if m in sys.modules))")
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_agreement_needs_no_spacy(tmp_path, pair):
    a, b, _ = pair
    code = ("import sys; sys.modules['spacy'] = None; from tui.cli import main; "
            f"sys.exit(main(['agreement', '--db', {str(a)!r}, '--db', {str(b)!r}, '--json']))")
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, cwd=ROOT, env=run_env(tmp_path),
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["tasks"]["claims"]["sentence_kappa"] is not None


def test_a_copy_of_a_store_agrees_fully(tmp_path, pair):
    a, _, made = pair
    copy = tmp_path / "copy" / "alice.json"
    copy.parent.mkdir()
    for path in a.parent.glob("alice.json*"):
        if path.is_file():
            shutil.copy(path, copy.parent / path.name)
    done = run(tmp_path, "--db", str(a), "--db", str(copy), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["annotators"] == [str(a), str(copy)]  # the same file name: the paths tell them apart
    assert out["tasks"]["claims"]["exact_f1"] == 1.0 and out["tasks"]["stance"]["percent"] == 1.0
    assert out["tasks"]["stance"]["cohen_kappa"] == pytest.approx(1.0)
