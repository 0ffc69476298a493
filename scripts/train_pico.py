"""Train the intervention token tagger -> src/evidex/enrich/models/pico_interventions.json.

    .venv/bin/python scripts/train_pico.py [--seed 13]

Data: EBM-NLP intervention labels (../shared/data/ebm_nlp/interventions.jsonl, 2,039
abstracts, crowd labels). Abstracts are split 80/20 by a seeded shuffle; token-level F1 of
the positive class on the 20% is stored in the manifest and re-measured by
benchmarks/enrich.py. Model: logistic regression over token features
(evidex.enrich.pico.token_features), L2, by L-BFGS, fitted on the 80% split only (so the
20% stays a true held-out test).
"""
from __future__ import annotations

import argparse
import random

import numpy as np

from train_common import ebm_nlp, fit_logistic, held_out_pmids, sparse_matrix, write_model

from evidex.enrich.pico import token_features


def examples(docs):
    X, y = [], []
    for d in docs:
        toks, labs = d["tokens"], d["intervention_labels"]
        for i in range(min(len(toks), len(labs))):   # a few label lists are shorter: tail unlabelled
            X.append(set(token_features(toks, i)))
            y.append(labs[i])
    return X, np.array(y, dtype=float)


def split(seed: int):
    skip = held_out_pmids()
    docs = [d for d in ebm_nlp() if d["pmid"] not in skip]
    docs.sort(key=lambda d: d["pmid"])
    random.Random(seed).shuffle(docs)
    cut = int(0.8 * len(docs))
    return docs[:cut], docs[cut:]


def fit(docs, l2):
    X, y = examples(docs)
    df: dict[str, int] = {}
    for fs in X:
        for f in fs:
            df[f] = df.get(f, 0) + 1
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in df.items() if c >= 3))}
    coef, b = fit_logistic(sparse_matrix(X, vocab), y, np.ones(len(y)), l2, iters=300)
    return vocab, coef, b


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--l2", type=float, default=3.0)
    args = ap.parse_args()
    train, test = split(args.seed)
    vocab, coef, b = fit(train, args.l2)
    Xte, yte = examples(test)
    pred = (sparse_matrix(Xte, vocab) @ coef + b) > 0
    tp = float(np.sum(pred & (yte == 1)))
    p, r = tp / max(pred.sum(), 1), tp / max((yte == 1).sum(), 1)
    f1 = 2 * p * r / (p + r)
    print(f"test {len(test)} abstracts, {len(yte)} tokens: P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    inv = {i: f for f, i in vocab.items()}
    weights = {inv[i]: round(float(c), 3) for i, c in enumerate(coef) if abs(c) >= 0.02}
    path = write_model("pico_interventions", {"weights": weights, "bias": round(b, 4)}, {
        "version": 1, "kind": "logistic token tagger (evidex.enrich.pico.token_features)",
        "trained_by": "scripts/train_pico.py", "seed": args.seed, "l2": args.l2,
        "data": "EBM-NLP intervention labels, 80/20 split by seeded shuffle of PMIDs",
        "held_out_test": {"abstracts": len(test), "tokens": int(len(yte)), "precision": round(p, 4),
                          "recall": round(r, 4), "f1": round(f1, 4),
                          "pmids": sorted(d["pmid"] for d in test)},
        "note": "the shipped model is the one measured: trained on the 80% split only",
    })
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
