"""Vector quantisation: recall@10 against an exact scan and bytes per vector, on real embeddings.

    nice -n 10 .venv/bin/python benchmarks/vectors.py --append                 # wordllama + minilm
    .venv/bin/python benchmarks/vectors.py --embedders wordllama --docs 1000   # a quick look

What it measures, for each embedder (the vectors a store would hold):

1. the SciFact corpus abstracts (title + abstract, as ``evidex.index.vectors.embed_text``),
   first ``--docs`` of them, embedded once (cached under benchmarks/out/ by embedder and
   count, so a re-run only re-measures the indexes);
2. queries: SciFact claims embedded as queries (``embed_query`` where the model has one);
3. the exact top-10 of each query: a float32 NumPy scan over every vector (the truth);
4. one usearch HNSW index per scalar type with Evidex's graph settings (M=16, ef 128), on
   the same vectors in the same order, one thread (deterministic): f32 (the graph's own
   error, no quantisation), f16 (Evidex's format before issue 10), i8 as usearch casts it
   (x127: a unit vector of 256 dims has components near 0.06, so most fall on a handful of
   the 255 levels), i8-scaled (each vector quantised by Evidex with its largest component at
   127, which cosine does not see, and queries alike: what Evidex stores), and b1 (sign
   bits, Tanimoto) alone and re-scored: b1's top ``--rescore`` re-ranked by exact cosine against i8 copies kept beside it (bytes counted);
5. recall@10 = |HNSW top-10 ∩ exact top-10| / 10, averaged; bytes per vector = the saved
   file's size / vectors (graph included), so the figures are what a store pays on disk;
6. ``--mix N`` adds N synthetic vectors, each a normalised mixture of two real ones (fixed
   seed), to see recall where the graph is larger than the real corpus.

Recall is measured against the exact f32 scan of the same vectors, not against relevance
judgements: it isolates what the index (graph + quantisation) loses.
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
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
CACHE = BENCH / "out"
DTYPES = ("f32", "f16", "i8", "i8-scaled", "b1")


def corpus(n: int) -> tuple[list[str], list[str]]:
    from evidex.eval.datasets import shared_data_dir
    data = shared_data_dir()
    if data is None:
        sys.exit("benchmark data not found: ../shared/data (or $EVIDEX_SHARED_DATA)")
    docs, claims = [], []
    with open(data / "scifact" / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            docs.append(" ".join([d["title"], *d["abstract"]]))
            if len(docs) >= n:
                break
    with open(data / "scifact" / "claims_train.jsonl", encoding="utf-8") as fh:
        claims = [json.loads(line)["claim"] for line in fh]
    return docs, claims


def vectors(name: str, docs: list[str], claims: list[str]) -> tuple[np.ndarray, np.ndarray, float]:
    """(doc vectors, query vectors, CPU-s per doc), cached by embedder and count."""
    cache = CACHE / f"vectors-{name}-{len(docs)}-{len(claims)}.npz"
    if cache.exists():
        z = np.load(cache)
        return z["docs"], z["queries"], float(z["cpu_per_doc"])
    from evidex.index.embed import get_embedder
    emb = get_embedder(name)
    if name == "minilm":
        import torch
        torch.set_num_threads(1)
    from tqdm import tqdm
    bar = tqdm(total=len(docs), desc=f"embed {name}", unit=" doc", mininterval=1)
    c = time.process_time()
    dv = emb.embed(docs, on_batch=bar.update)
    cpu = (time.process_time() - c) / len(docs)
    bar.close()
    qv = getattr(emb, "embed_query", emb.embed)(claims)
    CACHE.mkdir(exist_ok=True)
    np.savez(cache, docs=dv, queries=qv, cpu_per_doc=cpu)
    return dv, qv, cpu


def mixed(base: np.ndarray, n: int, seed: int = 2024) -> np.ndarray:
    if n <= 0:
        return np.zeros((0, base.shape[1]), dtype=np.float32)
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(base), n), rng.integers(0, len(base), n)
    w = rng.uniform(0.5, 1.0, (n, 1)).astype(np.float32)
    v = w * base[a] + (1 - w) * base[b]
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def exact_top(data: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    qn = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    out = np.zeros((len(queries), k), dtype=np.int64)
    for i in range(0, len(qn), 256):
        sims = qn[i:i + 256] @ data.T
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        order = np.take_along_axis(sims, top, 1).argsort(axis=1)[:, ::-1]
        out[i:i + 256] = np.take_along_axis(top, order, 1)
    return out


def measure_dtype(dtype: str, data: np.ndarray, queries: np.ndarray, truth: np.ndarray, k: int,
                  rescore: int, tmp: Path) -> dict:
    from usearch.index import Index

    from evidex.index.shards import HNSW_GRAPH, quantise_i8
    keys = np.arange(len(data), dtype=np.uint64)
    if dtype == "b1":
        ix = Index(ndim=data.shape[1], metric="tanimoto", dtype="b1", **HNSW_GRAPH)
        packed = np.packbits(data > 0, axis=1)
        t = time.perf_counter()
        ix.add(keys, packed, threads=1)
        qs = np.packbits(queries > 0, axis=1)
    elif dtype == "i8-scaled":
        # What Evidex stores: each vector quantised to int8 by Evidex, scaled so its largest
        # component is 127 (cosine does not see the scale), and handed to usearch as int8.
        ix = Index(ndim=data.shape[1], metric="cos", dtype="i8", **HNSW_GRAPH)
        t = time.perf_counter()
        ix.add(keys, quantise_i8(data), threads=1)
        qs = quantise_i8(queries)
    else:
        ix = Index(ndim=data.shape[1], metric="cos", dtype=dtype, **HNSW_GRAPH)
        t = time.perf_counter()
        ix.add(keys, data, threads=1)
        qs = queries
    build = time.perf_counter() - t
    path = tmp / f"{dtype}.usearch"
    ix.save(str(path))
    size = path.stat().st_size
    del ix
    view = Index.restore(str(path), view=True)       # memory-mapped, as queries open it
    view.expansion_search = HNSW_GRAPH["expansion_search"]      # not kept in the file: restore says 64
    want = rescore if dtype == "b1" else k
    lat, found = [], []
    for q in qs:
        t = time.perf_counter()
        found.append(np.asarray(view.search(q, want).keys, dtype=np.int64))
        lat.append((time.perf_counter() - t) * 1e3)
    out = {"bytes_per_vector": round(size / len(data), 1), "build_s": round(build, 2),
           "recall@10": _recall([f[:k] for f in found], truth),
           "p50_ms": round(float(np.percentile(lat, 50)), 3)}
    if dtype == "b1":
        # Re-score b1's candidates by exact cosine against int8 copies kept beside the index.
        scale = 127 / np.maximum(np.abs(data).max(axis=1, keepdims=True), 1e-12)
        i8 = np.round(data * scale).astype(np.int8)
        top = []
        for q, cand in zip(queries, found):
            c = cand[cand < len(data)]
            v = i8[c].astype(np.float32)
            sims = v @ q / np.maximum(np.linalg.norm(v, axis=1), 1e-12)
            top.append(c[np.argsort(-sims)[:k]])
        out["rescored"] = {"bytes_per_vector": round(size / len(data) + data.shape[1], 1),
                           "recall@10": _recall(top, truth), "candidates": rescore}
    return out


def _recall(found: list[np.ndarray], truth: np.ndarray) -> float:
    hits = sum(len(set(f.tolist()) & set(t.tolist())) for f, t in zip(found, truth))
    return round(hits / truth.size, 4)


def measure(names: list[str], n_docs: int, n_queries: int, mix: int, rescore: int, k: int = 10) -> dict:
    docs, claims = corpus(n_docs)
    claims = claims[:n_queries]
    out: dict[str, object] = {"docs": len(docs), "queries": len(claims), "mix": mix, "k": k, "embedders": {}}
    for name in names:
        dv, qv, cpu = vectors(name, docs, claims)
        dv = dv / np.linalg.norm(dv, axis=1, keepdims=True)
        data = np.concatenate([dv.astype(np.float32), mixed(dv, mix)])
        truth = exact_top(data, qv.astype(np.float32), k)
        row: dict[str, object] = {"dim": int(data.shape[1]), "vectors": len(data),
                                  "embed_cpu_s_per_doc": round(cpu, 4)}
        with tempfile.TemporaryDirectory(prefix="evidex-vec-") as tmp:
            for dtype in DTYPES:
                row[dtype] = measure_dtype(dtype, data, qv.astype(np.float32), truth, k, rescore, Path(tmp))
                print(name, dtype, json.dumps(row[dtype]), flush=True)
        out["embedders"][name] = row
    return out


def workers_speed(name: str, n_docs: int, workers: int = 2) -> dict:
    """Embedding ``n_docs`` abstracts in this process against ``workers`` processes
    (``evidex embed --workers``, index.pool.EmbedPool), wall clock, side by side."""
    from evidex.index.embed import get_embedder
    from evidex.index.pool import EmbedPool
    docs, _ = corpus(n_docs)
    emb = get_embedder(name)
    emb.embed(docs[:32])                                  # loaded and warm, as the pool below
    t, c = time.perf_counter(), time.process_time()
    emb.embed(docs)
    one, one_cpu = time.perf_counter() - t, time.process_time() - c
    with EmbedPool(name, workers) as pool:
        pool.embed(docs[:64])
        t = time.perf_counter()
        pool.embed(docs)
        many = time.perf_counter() - t
    return {"embedder": name, "docs": len(docs), "workers": workers, "one_process_s": round(one, 2),
            "one_process_cpu_s": round(one_cpu, 2), "workers_s": round(many, 2), "speedup": round(one / many, 2),
            "load_average": os.getloadavg()[0]}


def append(out: dict, command: str) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=BENCH).stdout.strip()
    lines = [f"\n## Vector quantisation: recall@10 vs exact and bytes per vector — {dt.date.today().isoformat()}\n",
             f"- command: `.venv/bin/python benchmarks/vectors.py {command}`; commit {commit}; "
             f"{platform.machine()}, {os.cpu_count()} cores (shared), one thread",
             f"- {out['docs']} SciFact abstracts (real vectors) + {out['mix']:,} mixtures of two of them; "
             f"{out['queries']} SciFact train claims as queries; truth = exact float32 scan; usearch HNSW "
             "M=16, ef 128; bytes = saved file / vectors (graph included); f16 is the format before issue 10",
             "", "| embedder | dim | vectors | index | bytes/vector | ratio to f16 | recall@10 vs exact | "
             "query p50 ms (mmap) |", "|---|---|---|---|---|---|---|---|"]
    for name, row in out["embedders"].items():
        f16 = row["f16"]["bytes_per_vector"]
        for dtype in DTYPES:
            m = row[dtype]
            label = dtype + (" (Tanimoto on sign bits)" if dtype == "b1" else "")
            lines.append(f"| {name} | {row['dim']} | {row['vectors']:,} | {label} | {m['bytes_per_vector']} | "
                         f"{m['bytes_per_vector'] / f16:.2f} | {m['recall@10']:.4f} | {m['p50_ms']} |")
            if dtype == "b1":
                r = m["rescored"]
                lines.append(f"| {name} | {row['dim']} | {row['vectors']:,} | b1 top-{r['candidates']} re-scored "
                             f"on i8 copies | {r['bytes_per_vector']} | {r['bytes_per_vector'] / f16:.2f} | "
                             f"{r['recall@10']:.4f} | — |")
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--embedders", default="wordllama,minilm")
    ap.add_argument("--docs", type=int, default=5183, help="SciFact abstracts (5,183 = all)")
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--mix", type=int, default=0, help="synthetic mixtures added to the real vectors")
    ap.add_argument("--rescore", type=int, default=100, help="b1 candidates re-scored exactly")
    ap.add_argument("--append", action="store_true", help="append the table to benchmarks/RESULTS.md")
    ap.add_argument("--workers-check", type=int, metavar="N",
                    help="instead: embedding N abstracts in one process vs two (evidex embed --workers 2)")
    a = ap.parse_args()
    if a.workers_check:
        for name in a.embedders.split(","):
            print(json.dumps(workers_speed(name, a.workers_check)), flush=True)
        return
    out = measure(a.embedders.split(","), a.docs, a.queries, a.mix, a.rescore)
    print(json.dumps(out, indent=2))
    if a.append:
        append(out, " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
