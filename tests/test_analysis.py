import json
import subprocess

from corpus.analysis import Analyser, Analysis, AnalysisCache, split_sentences
from corpus.nlp import ModelChoice, rules_choice
from tests.helpers import PYTHON


def test_cached_analysis_round_trips(analyser, corpus):
    article = corpus.articles[0]
    analysis = analyser.cached(article.text_hash)
    assert analysis is not None
    assert Analysis.from_json(json.loads(json.dumps(analysis.to_json()))) == analysis
    for start, end, label in analysis.ents:
        assert 0 <= start < end <= len(article.text)
        assert article.text[start:end].strip() == article.text[start:end]


def test_every_entity_and_sentence_slices_the_text(analyser, corpus):
    for article in corpus.articles:
        analysis = analyser.cached(article.text_hash)
        assert analysis.ents, article.title
        for start, end in analysis.sents:
            piece = article.text[start:end]
            assert piece and piece == piece.strip() and "\n" not in piece
        # tokens are in order, do not overlap, and cover every non-space character
        ends = [e for _, e in analysis.tokens]
        starts = [s for s, _ in analysis.tokens]
        assert all(e <= s for e, s in zip(ends, starts[1:]))
        tokens_text = "".join(article.text[s:e] for s, e in analysis.tokens)
        assert "".join(tokens_text.split()) == "".join(article.text.split())


def test_cache_is_keyed_by_model(tmp_path):
    cache = AnalysisCache(tmp_path)
    text = "Armenia and Azerbaijan."
    a = Analyser(rules_choice(), cache).analyse([("hash1", text)])[0]
    assert cache.get("hash1", rules_choice()) == a
    other = ModelChoice("en_core_web_sm", "3.8.0")
    assert cache.get("hash1", other) is None


def test_corrupt_cache_entry_is_recomputed(tmp_path):
    cache = AnalysisCache(tmp_path)
    choice = rules_choice()
    first = Analyser(choice, cache).analyse([("h", "Armenia said no.")])[0]
    path = next(tmp_path.rglob("h.json"))
    path.write_text("{ torn")
    assert cache.get("h", choice) is None
    again = Analyser(choice, cache).analyse([("h", "Armenia said no.")])[0]
    assert again == first


def test_split_sentences_breaks_at_newlines_and_trims():
    text = "One here.\n\nTwo there. Three\nfour."
    assert split_sentences(text, [(0, 22), (22, len(text))]) == ((0, 9), (11, 21), (22, 27), (28, 33))


def test_token_span_covers_partial_tokens():
    analysis = Analysis("h", "m", ((0, 5), (5, 6), (6, 11)), (), ())
    assert analysis.token_span(0, 11) == (0, 2)
    assert analysis.token_span(2, 7) == (0, 2)
    assert analysis.token_span(6, 11) == (2, 2)
    assert analysis.token_span(20, 30) is None


def test_warm_analysis_does_not_import_spacy(rules_cache, corpus):
    code = (
        "import sys\n"
        "from corpus.analysis import Analyser, AnalysisCache\n"
        "from corpus.articles import load_folder, sample_corpus_path\n"
        "from corpus.nlp import rules_choice\n"
        f"cache = AnalysisCache({str(rules_cache)!r})\n"
        "corpus = load_folder(sample_corpus_path())\n"
        "res = Analyser(rules_choice(), cache).analyse([(a.text_hash, a.text) for a in corpus.articles])\n"
        "print(len(res), 'spacy' in sys.modules)\n"
    )
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["5", "False"]
