"""The export's fast paths write the same bytes as the code before them.

The export was made faster (issue #15): JSONL files are serialised, hashed
and written a megabyte at a time instead of whole, an article's token maps
are built only when a span set can share them, token indices are found by
bisection, and claims_bio rows are cut from per-article lists. None of this
may change a byte. :func:`test_every_file_is_byte_identical_to_the_slow_code`
exports a generated store (claims on and off token boundaries, spans at the
text's edges, overlapping claims, speakers, two annotators, rejected spans,
ratings, links, a group, an entity correction, gold rows) with every task and
format, and with splits, and compares each file's SHA-256 with what the code
before the change wrote (``GOLDEN``). The other tests compare each fast path
with the slow formula it replaced, on many generated inputs.

If a deliberate change to the export's output (or to the rule-based
pipeline's tokens) changes a file, print the new hashes with
``.venv/bin/python -m tests.test_export_speed_paths`` after checking that the
change is the intended one, and replace ``GOLDEN``.
"""

from __future__ import annotations

import hashlib
import io
import random
import sys
from itertools import pairwise
from pathlib import Path

import orjson
import pytest

from annotations import export as export_module
from annotations.alignment import align, cover
from annotations.export import Split, export
from annotations.outdir import ExportTarget
from annotations.schema import CHECKWORTHINESS, STANCES
from annotations.store import AnnotationStore

STAMP = "2026-11-22T10:00:00.000+00:00"
UNHASHED = {"README.md", "SHA256SUMS", "factdesk-export.json"}  # they hold the time and the version
SPLIT = {"formats": ("jsonl", "csv", "fever", "checkthat", "claimbuster", "claimreview"),
         "split": Split({"train": 0.6, "dev": 0.2, "test": 0.2}, by="article", seed=3)}


def _claim(article, start: int, end: int, n: int, annotator: str, rng: random.Random, target: str,
           speaker: tuple[int, int] | None = None) -> dict:
    text = article.text
    record = {
        "id": f"g{n:04d}", "article_id": article.id, "text_hash": article.text_hash, "start": start, "end": end,
        "quote": text[start:end], "prefix": text[max(0, start - 32):start], "suffix": text[end:end + 32],
        "label": "CLAIM", "stances": {target: rng.choice(STANCES)}, "status": "ok", "annotator": annotator,
        "created": STAMP, "updated": f"2026-11-22T10:{n % 60:02d}:00.000+00:00",
    }
    if rng.random() < 0.7:
        record["checkworthiness"] = rng.choice(CHECKWORTHINESS)
    if rng.random() < 0.3:
        record["note"] = "a note with \"quotes\", a tab\t and ünïcode"
    if speaker:
        record["speaker"] = {"kind": "entity", "text": text[speaker[0]:speaker[1]], "start": speaker[0],
                             "end": speaker[1], "label": "PERSON"}
    elif rng.random() < 0.2:
        record["speaker"] = {"kind": "journalist"}
    return record


def generated_store(path: Path, corpus, analyser, seed: int = 15) -> AnnotationStore:
    """A store whose every record is fixed by ``seed`` (no clock, no uuid)."""
    rng = random.Random(seed)
    store = AnnotationStore(path, annotator="tester")
    store.register_corpus(corpus)
    target = corpus.events[0].targets[0].id
    analyses = analyser.analyse([(a.text_hash, a.text) for a in corpus.articles])
    claims, rejections = [], []
    for k, (article, analysis) in enumerate(zip(corpus.articles, analyses)):
        if k == len(corpus.articles) - 1:
            continue  # the last article has no claims, only a rating: claims.spacy still has its doc
        text = article.text
        tokens = cover(text, analysis.tokens)
        for annotator in ("tester", "second"):
            spans = [rng.choice(analysis.sents) for _ in range(3)]  # start after a space: a space token
            for _ in range(4):  # on token edges
                i = rng.randrange(len(tokens) - 8)
                spans.append((tokens[i][0], tokens[i + rng.randrange(1, 8)][1]))
            for _ in range(2):  # inside tokens: split, and reported
                start = rng.randrange(1, len(text) - 30)
                spans.append((start, start + rng.randrange(3, 25)))
            spans.append((0, tokens[3][1]))  # at the text's start
            spans.append((tokens[-3][0], len(text)))  # to its end
            spans.append((spans[3][0], spans[3][1] + 5))  # overlapping another claim of the annotator
            n = rng.randrange(len(analysis.sents) - 1)
            (s0, e0), (s1, e1) = analysis.sents[n], analysis.sents[n + 1]
            spans.append(((s0 + e0) // 2, (s1 + e1) // 2))  # across two sentences: one claims_bio row
            spans.append((s0, s1))  # ending where the next sentence starts: two rows
            for start, end in spans:
                if not text[start:end].strip():
                    continue
                speaker = None
                if rng.random() < 0.3:  # a speaker near the claim, sometimes inside it
                    i = rng.randrange(len(tokens) - 2)
                    speaker = (tokens[i][0], tokens[i + 1][1])
                claims.append(_claim(article, start, end, len(claims), annotator, rng, target, speaker))
        # an annotator whose only claim ends where a token ends and the next begins: no split at all
        glued = next(t for t, n in pairwise(tokens) if t[1] == n[0] and t[0] > 0)
        claims.append(_claim(article, 0, glued[1], len(claims), "third", rng, target))
        for n in range(2):
            start = rng.randrange(0, len(text) - 40)
            end = start + rng.randrange(5, 40)
            rejections.append({"id": f"r{k}{n}", "article_id": article.id, "text_hash": article.text_hash,
                               "start": start, "end": end, "quote": text[start:end], "label": "CLAIM",
                               "origin": "prodigy", "imported_from": "tasks.jsonl", "annotator": "second",
                               "created": STAMP, "updated": STAMP})
    ratings = [{"article_id": a.id, "text_hash": a.text_hash, "label": label, "rationale_codes": codes, "note": note,
                "annotator": "tester", "created": STAMP, "updated": STAMP}
               for a, label, codes, note in ((corpus.articles[1], "mixed", [], ""),
                                             (corpus.articles[-1], "unreliable", ["ads-heavy"], "ads\nmarkers"))]
    by_article = {}
    for c in claims:
        by_article.setdefault(c["article_id"], c)
    first = list(by_article.values())
    links = [{"id": f"l{n}", "a": a["id"], "b": b["id"], "label": label, "note": "", "annotator": "tester",
              "n": n + 1, "created": f"2026-11-22T11:00:0{n}.000+00:00", "updated": STAMP}
             for n, (a, b, label) in enumerate(((first[0], first[1], "same"), (first[1], first[2], "same"),
                                                (first[2], first[3], "contradicts")))]
    store.import_records("claims", claims, "generated claims")
    store.import_records("rejections", rejections, "generated rejections")
    store.import_records("ratings", ratings, "generated ratings")
    store.import_records("source_ratings", [{"source": corpus.articles[0].source, "label": "reliable",
                                             "rationale_codes": [], "note": "", "annotator": "tester",
                                             "created": STAMP, "updated": STAMP}], "generated source rating")
    store.import_records("links", links, "generated links")
    group = store.claim_groups()[0]
    store.import_records("groups", [{"id": group.id, "created": STAMP, "canonical": "the generated wording",
                                     "stance": {target: "agree"}, "annotator": "tester", "updated": STAMP}],
                         "generated group")
    a2 = corpus.articles[2]
    store.import_records("entity_edits", [{"article_id": a2.id, "text_hash": a2.text_hash, "start": 0, "end": 5,
                                           "quote": a2.text[:5], "label": "ORG", "annotator": "tester",
                                           "created": STAMP}], "generated entity edit")
    store.import_records("gold", [{"row": n, "article_id": a.id, "target_id": target, "stance": s,
                                   "source_id": str(100 + n)}
                                  for n, (a, s) in enumerate(zip(corpus.articles, ("agree", "discuss", "unrelated")))],
                         "generated gold")
    return store


def exported_hashes(store: AnnotationStore, tmp_path: Path, analyser) -> dict[str, str]:
    """SHA-256 of every file of the two exports (every task and format; then splits)."""
    out = {}
    for name, options in (("all", {}), ("split", SPLIT)):
        folder = tmp_path / name
        export([store], folder, analyser, **options)
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name not in UNHASHED:
                out[f"{name}/{path.relative_to(folder).as_posix()}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


# what the export wrote before it was made faster (commit ffd84e6), with the rule-based pipeline
GOLDEN: dict[str, str] = {
    'all/articles.jsonl': '35be145b4c1f0219308a1c7371d037f198065017b38bb7ba1b7846baccf0f176',
    'all/checkthat.tsv': '5036d2dfea0412c2f88aaafe9f5537eca3d9d7cb34c3c58b67bea324c42994b7',
    'all/checkworthiness.jsonl': 'fc3d52a6cb997e25d3223b65f7f84c5643270c6adbdf66185a1b71b883737c27',
    'all/claim_groups.jsonl': '5b3a518c637c013b10c9393a6529002b3fd02d9fd701ab6955b559b940a01632',
    'all/claim_pairs.jsonl': '950b4a42864b92440d3504a2784b8bf36cd9d0fa8ac3f55eaa76f5199e0b0dc6',
    'all/claimbuster.csv': 'deb647c2467d58f20278020b9e99e661f27aa0a802f949eff57ce71cfced9659',
    'all/claimreview.jsonld': '14db25bdb84dc0fb33549b692f06a42bfd1a3aec193ccfda67032e3af6980c1a',
    'all/claims.jsonl': '949a81efdf429924441d7ec91c5c49b3893ccce850e68dbcf700184963a7f68f',
    'all/claims.spacy': 'de39777047fb83ac0e7a53cb6bfe10a2559e13e55c1ba6db136f1ed12b3077ea',
    'all/claims_bio.jsonl': '916a672f6825fe044f35da5da22ecb9a7e6f965a94a49d56bd6ff740ecab39b7',
    'all/entities.spacy': 'de30f91c880b5bc117f5def373d4e11466c7981bc58c1ec220a3d4884ccbf91c',
    'all/fever.jsonl': 'a5924d8390b7d58dea5f202a6dfce3e318e1ec73daf6a4dd6a821f41bbb7a324',
    'all/gold_stances.jsonl': 'cbcc4b7893004c958888223eb01b8b5af24a795e333562e7dd9a5f09231e8992',
    'all/labels.json': '950aa114107266fabb1793a9ba1755454c749a21495479f953c98bef6aafcb50',
    'all/reliability.jsonl': '8236b7a6118d605d6401267d71494959349fc1127e30e5a2936e7705a5cffda0',
    'all/stance.jsonl': '613981c7d8c12cc158738d291ffe323fc205672052edb7ff83d820f5cc692d12',
    'all/stances.csv': '922185d1f1364958f68663a75cc55cc5011af6efa5ccfa11205729c1ed9ce45c',
    'split/dev/articles.jsonl': 'dc8651964d9532961fcd183b7c6e4b4ad76f09e101e24c1dabb30068225ed18e',
    'split/dev/checkthat.tsv': 'c647bbe00ed76cdb40b0964c5ba213f565f838e7b14a36c240775727e8d36868',
    'split/dev/checkworthiness.jsonl': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'split/dev/claim_groups.jsonl': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'split/dev/claim_pairs.jsonl': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'split/dev/claimbuster.csv': 'aaced01dbc786ac27a51febec67fd1797e84d7f91c0af2685ac0b74d8e5a3118',
    'split/dev/claimreview.jsonld': '37517e5f3dc66819f61f5a7bb8ace1921282415f10551d2defa5c3eb0985b570',
    'split/dev/claims.jsonl': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'split/dev/claims_bio.jsonl': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'split/dev/fever.jsonl': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'split/dev/gold_stances.jsonl': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'split/dev/reliability.jsonl': 'b1c3afed9bc5548553a61b2c414975cd93a23cf3a641ac1c4431984c670edd27',
    'split/dev/stance.jsonl': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'split/dev/stances.csv': 'fba004348cdbf6d5bfe27fea26709bc903d6596d381228d5069cf6564610609a',
    'split/labels.json': '950aa114107266fabb1793a9ba1755454c749a21495479f953c98bef6aafcb50',
    'split/splits.json': '72f8110c5ed45985df81dc3d3182231daee9fb05727a33e1481ea57aaceedb55',
    'split/test/articles.jsonl': '0c236aef9df9c755a3e3e92bf36d1c685025facc30fe55a9f178e8e0b91a7cbe',
    'split/test/checkthat.tsv': 'ec1777213cba875b8fd1820de88484aa21ce85b104fcdcd03c83438ba31b9f6f',
    'split/test/checkworthiness.jsonl': '8e26db7ac5638de289d0bf9ea12314f30450480b13bb135f0a49375dfa3e8c2b',
    'split/test/claim_groups.jsonl': '5b3a518c637c013b10c9393a6529002b3fd02d9fd701ab6955b559b940a01632',
    'split/test/claim_pairs.jsonl': '6a8faee3e5516d003a48b47d69532b4885d8247a57afddab3fb7f2531d08a91e',
    'split/test/claimbuster.csv': '54d2678c282bf4cc6bbb5abebeec66d6838cce4dc02ab34a2cf33858b1668b65',
    'split/test/claimreview.jsonld': '14db25bdb84dc0fb33549b692f06a42bfd1a3aec193ccfda67032e3af6980c1a',
    'split/test/claims.jsonl': '8682288564818bd2684092520b9c630aeaa94dff15ebaee705945d7ce375e452',
    'split/test/claims_bio.jsonl': '9e73d1bff5ef228cc73198ae59c3643cadc3c7eca14575acb6d930f4346352b8',
    'split/test/fever.jsonl': '8e65680c01b841c3f398787d365ae46ace889e76ebff0daa154565c9e0830dfb',
    'split/test/gold_stances.jsonl': '6b0b9c02a8107d451a8c2022bd3326415e71b716af4465291f1c763c67192fdf',
    'split/test/reliability.jsonl': 'dbb40bab8765dd5be84312df536de15ec585b6cae2a6b508ab55020e06bfb957',
    'split/test/stance.jsonl': '5d5add62a1eabb4e54e045015abe6b1726775018361f516e8a90e9e78c617f10',
    'split/test/stances.csv': '24a15311ff743d4d38eca80b09e39e7271b59f5a18fa48d52d83bcd2a0194a36',
    'split/train/articles.jsonl': '80d8d2fb5caedf5367d00622997c1fdb7d812dd617900bc9ad2f1403d86e2190',
    'split/train/checkthat.tsv': '10a8b9fc15621000bca75ad97c181ccf6df1cda78c70a35a224a88f36a6edd29',
    'split/train/checkworthiness.jsonl': '9c7385f6527018d4476159ad6fec484aff13f1004fa65c22cfac93367b86908c',
    'split/train/claim_groups.jsonl': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'split/train/claim_pairs.jsonl': '636e07fdb4ba5c6da714d015b0eacaebe180ee2f056531dc82d3fefc49fe64c8',
    'split/train/claimbuster.csv': '11fab4c408921144f658ca2357ae898c260cee24203cea178170090bab057d34',
    'split/train/claimreview.jsonld': '37517e5f3dc66819f61f5a7bb8ace1921282415f10551d2defa5c3eb0985b570',
    'split/train/claims.jsonl': 'd0241dbd14039c7c753b431487f14ddff9d0d51097177b1c347480d7d5fc0523',
    'split/train/claims_bio.jsonl': 'b18434933931dd38dfd735d3c6ea49164c8e47667ef8b7a210e7f3ad2656bf49',
    'split/train/fever.jsonl': '5c4e18c55245eb252e27661849ab54d972c61b5017dd82c4aca2be7c9fc7c781',
    'split/train/gold_stances.jsonl': '92e2a1aa5e92861dfbcbc71535c9f81d35afbd3ce07f518e9103a783ab88c781',
    'split/train/reliability.jsonl': '88be589e6082d6b5d758b385cb34fd431ac195a78a9c97e0f3eb961f223f429d',
    'split/train/stance.jsonl': '474261afb7b43dc60e5369528176130e1cda1922383d990f518ba0d2137b72af',
    'split/train/stances.csv': 'ebf3521d3eb4a9ba1a63ad5a5deb2513a483742ef54751d9a381be1654529628',
}


def test_every_file_is_byte_identical_to_the_slow_code(corpus, analyser, tmp_path):
    with generated_store(tmp_path / "store.json", corpus, analyser) as store:
        hashes = exported_hashes(store, tmp_path, analyser)
    assert sorted(hashes) == sorted(GOLDEN)
    changed = [name for name in GOLDEN if hashes[name] != GOLDEN[name]]
    assert not changed, f"these files differ from what the export wrote before: {changed}"


# -- each fast path against the formula it replaced ------------------------------

def _old_jsonl(rows) -> bytes:
    return b"".join([orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in rows])


def test_jsonl_in_chunks_is_the_whole_file_joined(monkeypatch):
    rng = random.Random(3)
    monkeypatch.setattr(export_module, "CHUNK_BYTES", 300)  # many chunks, rows on both sides of the size
    for n in (0, 1, 2, 7, 50):
        rows = [{"id": i, "text": "é\"\n" * rng.randrange(0, 200), "tokens": [{"ws": True}] * rng.randrange(3)}
                for i in range(n)]
        chunks = list(export_module._jsonl_chunks(rows))
        assert b"".join(chunks) == _old_jsonl(rows) == export_module._jsonl(rows)
        assert all(chunks) and all(c.endswith(b"\n") for c in chunks)  # whole lines only
        if n == 50:
            assert len(chunks) > 5


def test_a_file_written_in_chunks_has_the_bytes_and_the_hash_of_the_whole(tmp_path):
    rng = random.Random(4)
    parts = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000))) for _ in range(40)] + [b""]
    whole = b"".join(parts)
    with ExportTarget(tmp_path / "out", names=("a.jsonl", "b.jsonl", "c.jsonl")).open() as folder:
        folder.write_chunks("a.jsonl", iter(parts))
        folder.write("b.jsonl", whole)
        folder.write_chunks("c.jsonl", iter(()))
        assert folder.files["a.jsonl"] == folder.files["b.jsonl"] == (len(whole), hashlib.sha256(whole).hexdigest())
        assert folder.files["c.jsonl"] == (0, hashlib.sha256(b"").hexdigest())
        folder.commit("test")
    assert (tmp_path / "out" / "a.jsonl").read_bytes() == whole
    assert (tmp_path / "out" / "c.jsonl").read_bytes() == b""


def test_a_file_whose_parts_fail_leaves_no_export(tmp_path):
    def parts():
        yield b"x" * 1000
        raise ValueError("a row cannot be serialised")

    out = tmp_path / "exports" / "out"
    with pytest.raises(ValueError), ExportTarget(out, names=("a.jsonl",)).open() as folder:
        folder.write_chunks("a.jsonl", parts())
    assert list(out.parent.iterdir()) == []  # no folder, no half-written file beside it, no lock


def _texts() -> list[tuple[str, list[tuple[int, int]]]]:
    """Texts and tokens such as the analysers give: words, punctuation glued
    to them, single and double spaces, line breaks."""
    rng = random.Random(5)
    out = []
    for _ in range(60):
        words = [rng.choice(["Armenia", "said", ",", ".", "158", "soldiers", "ceasefire", "\n", "  ", "ü"])
                 for _ in range(rng.randrange(1, 30))]
        text, tokens, pos = "", [], 0
        for w in words:
            if not w.isspace():
                tokens.append((pos, pos + len(w)))
            text += w
            pos += len(w)
            if rng.random() < 0.7:
                text += " "
                pos += 1
        out.append((text, tokens))
    return out


def test_token_spans_by_bisection_are_the_maps_lookups():
    rng = random.Random(6)
    checked = 0
    for text, tokens in _texts():
        covered = cover(text, tokens)
        for _ in range(20):
            cuts = {rng.randrange(0, len(text) + 1) for _ in range(rng.randrange(1, 6))}
            aligned = align(text, (), cuts, covered)
            starts = {s for s, _ in aligned.tokens}
            ends = {e for _, e in aligned.tokens}
            for start in starts:
                for end in ends:
                    if end > start:
                        assert export_module._token_span(aligned, start, end) == aligned.token_span(start, end)
                        checked += 1
            with pytest.raises(KeyError):  # not a token's edge: as the maps, a KeyError
                export_module._token_span(aligned, len(text) + 1, len(text) + 2)
    assert checked > 1000


def test_sharing_the_covering_tokens_is_decided_as_align_decides():
    """``_on_edges`` says the cuts need no split exactly when ``align``, given
    the maps, returns the covering tokens themselves."""
    rng = random.Random(7)
    seen = set()
    for text, tokens in _texts():
        covered = cover(text, tokens)
        index = ({s: i for i, (s, _) in enumerate(covered)}, {e: i for i, (_, e) in enumerate(covered)})
        edges = sorted({p for t in covered for p in t} | {0, len(text)})
        for _ in range(30):
            pool = edges if rng.random() < 0.6 else range(len(text) + 1)
            cuts = {rng.choice(pool) for _ in range(rng.randrange(1, 5))}
            shared = align(text, (), cuts, covered, index).tokens is covered
            assert export_module._on_edges(covered, cuts, len(text)) == shared, (text, cuts)
            assert align(text, (), cuts, covered).tokens == align(text, (), cuts, covered, index).tokens
            seen.add(shared)
    assert seen == {True, False}


def test_prodigy_tokens_are_the_old_formula():
    def old(text, tokens, texts):
        nexts = [start for start, _ in tokens[1:]] + [len(text)]
        return [{"text": t, "start": s, "end": e, "id": i, "ws": nx == e + 1 and text[e] == " "}
                for i, ((s, e), nx, t) in enumerate(zip(tokens, nexts, texts))]

    for text, tokens in _texts():
        covered = cover(text, tokens)
        texts = [text[s:e] for s, e in covered]
        assert orjson.dumps(export_module._prodigy_tokens(text, covered, texts)) == \
            orjson.dumps(old(text, covered, texts))


def _print_golden() -> None:  # pragma: no cover - run by hand, see the module's docstring
    import os
    import tempfile

    from corpus.analysis import Analyser, AnalysisCache
    from corpus.articles import load_folder, sample_corpus_path
    from corpus.nlp import rules_choice

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ.update(FACTDESK_DATA_DIR=str(tmp / "data"), FACTDESK_CACHE_DIR=str(tmp / "cache"),
                          FACTDESK_ANNOTATOR="tester")
        corpus = load_folder(sample_corpus_path())
        analyser = Analyser(rules_choice(warning=None), AnalysisCache(tmp / "cache"))
        with generated_store(tmp / "store.json", corpus, analyser) as store:
            hashes = exported_hashes(store, tmp, analyser)
    buffer = io.StringIO()
    buffer.write("GOLDEN: dict[str, str] = {\n")
    for name, digest in hashes.items():
        buffer.write(f"    {name!r}: {digest!r},\n")
    buffer.write("}\n")
    sys.stdout.write(buffer.getvalue())


if __name__ == "__main__":
    _print_golden()
