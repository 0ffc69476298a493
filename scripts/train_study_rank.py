"""Train the study ranker -> src/evidex/enrich/models/study_rank.json.

    .venv/bin/python scripts/train_study_rank.py --db-dir benchmarks/out/answers \\
        --hold-out clinician_heldout26

Data: the clinician question sets (``benchmarks/data/clinician_*.jsonl``, written from the shared
cohen2006 and LDN corpora), less the held-out ones named. Each question is read and retrieved over
its corpus's store as ``evidex ask`` does (``benchmarks/answers.py`` builds the stores in
``--db-dir``); every study it finds relevant is a row of ``evidex.synthesis.study_rank.features``,
labelled 1 when it is a record the question was written from (its ``gold_ids``). A conditional
logit over each question's studies (``fit``) learns which of them the question is about.

Folds: five, by question set (a set's questions are never split between training and scoring).
The manifest records, over the held-out folds, how often a question's gold study is ranked first
and in the first three, by the model and by the hand-set order it replaces (for the L2 strength
that did best on those folds: the grid is recorded, the choice is not nested), before the shipped
model is refitted on every set. ``--cache`` keeps the rows so refits skip the answering.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from train_common import write_model  # noqa: E402

from answers import open_store  # noqa: E402

from evidex.store import Store  # noqa: E402

FOLDS = 5


def question_rows(store: "Store", question: str, gold: set[str]) -> list[dict]:
    """One row per relevant study of the question: features, gold label, the hand-set order's rank."""
    from evidex.query import parse_question
    from evidex.resolve import resolve
    from evidex.retrieve import retrieve
    from evidex.synthesis.evidence import build_studies
    from evidex.synthesis.select import question_fit, score_studies
    from evidex.synthesis.study_rank import features, hand_order
    query = resolve(store, parse_question(question))
    studies = [s for s in build_studies(query, retrieve(store, query, 40)) if s.relevant]
    scored = score_studies(query, studies)
    fit = question_fit(query)
    rank = {i: r for r, i in enumerate(hand_order(studies, fit))}
    return [{"f": features(query, s, i, fit(s), scored.get(s.record.id, []), rank[i]),
             "gold": s.record.id in gold, "hand": rank[i]} for i, s in enumerate(studies)]


def collect(db_dir: Path, hold_out: set[str], rows_of=None) -> list[dict]:
    """Every question of the sets not held out, with its rows (``rows_of(store, question)``, by
    default ``question_rows`` of its text and gold ids)."""
    rows_of = rows_of or (lambda store, q: question_rows(store, q["question"], set(q["gold_ids"])))
    out, stores = [], {}
    for path in sorted((ROOT / "benchmarks" / "data").glob("clinician_*.jsonl")):
        if path.stem in hold_out:
            continue
        for line in path.open(encoding="utf-8"):
            q = json.loads(line)
            if q["corpus"] not in stores:
                stores[q["corpus"]], _ = open_store(q["corpus"], db_dir)
            out.append({"set": path.stem, "id": q["id"], "rows": rows_of(stores[q["corpus"]], q)})
        print(f"{path.stem}: {len(out)} questions", file=sys.stderr, flush=True)
    return out


def fit(questions: list[dict], keys: list[str], l2: float) -> dict:
    """A conditional logit over each question's studies (a softmax within the question, as in
    listwise learning to rank: Cao et al., ICML 2007): the weights that give the gold studies the
    most of their question's probability; L2-regularised, fitted by L-BFGS."""
    from scipy.optimize import minimize
    groups = []
    for q in questions:
        if len(q["rows"]) > 1 and any(r["gold"] for r in q["rows"]):
            X = np.array([[r["f"].get(k, 0.0) for k in keys] for r in q["rows"]])
            groups.append((X, np.array([float(r["gold"]) for r in q["rows"]])))

    def loss(w):
        total, grad = 0.5 * l2 * w @ w, l2 * w
        for X, y in groups:
            z = X @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            g = y * p / (y @ p)             # the gold studies' share, renormalised among them
            total -= np.log(y @ p)
            grad = grad + X.T @ (p - g)
        return total, grad

    w = minimize(loss, np.zeros(len(keys)), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    return {"coef": {k: round(float(c), 6) for k, c in zip(keys, w) if abs(c) > 1e-6}, "bias": 0.0}


def placed(q: dict, order: list[int]) -> int | None:
    """The rank of the question's best-placed gold study in ``order`` (None: no gold among its studies)."""
    golds = [order.index(i) for i, r in enumerate(q["rows"]) if r["gold"]]
    return min(golds) if golds else None


def evaluate(questions: list[dict], keys: list[str], l2: float) -> dict[str, float]:
    from evidex.synthesis.study_rank import score
    sets = sorted({q["set"] for q in questions})
    fold_of = {s: i % FOLDS for i, s in enumerate(sets)}
    tally = {"questions": 0, "model_top1": 0, "model_top3": 0, "hand_top1": 0, "hand_top3": 0}
    for k in range(FOLDS):
        params = fit([q for q in questions if fold_of[q["set"]] != k], keys, l2)
        for q in (q for q in questions if fold_of[q["set"]] == k):
            # (ties broken by the hand-set order, as study_rank.rank_studies breaks them)
            model = sorted(range(len(q["rows"])),
                           key=lambda i: (-score(params, q["rows"][i]["f"]), q["rows"][i]["hand"]))
            hand = sorted(range(len(q["rows"])), key=lambda i: q["rows"][i]["hand"])
            m, h = placed(q, model), placed(q, hand)
            if m is None:
                continue
            tally["questions"] += 1
            tally["model_top1"] += m == 0
            tally["model_top3"] += m < 3
            tally["hand_top1"] += h == 0
            tally["hand_top3"] += h < 3
    return tally


def command_line(doc: str, grid: list[float], shipped: str) -> argparse.Namespace:
    """The options of a model trained on the clinician question sets (this ranker, the key-sentence
    model); ``grid``: the default L2 strengths, ``shipped``: which of them is shipped."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db-dir", type=Path, default=ROOT / "benchmarks" / "out" / "answers",
                    help="the corpora's stores (built there when missing, as benchmarks/answers.py does)")
    ap.add_argument("--hold-out", nargs="*", default=[], help="question sets (file stems) never trained on")
    ap.add_argument("--cache", type=Path, help="rows file: written after answering, read instead when present")
    ap.add_argument("--l2", type=float, nargs="*", default=grid, help=f"L2 strengths tried on the folds; {shipped}")
    ap.add_argument("--dry-run", action="store_true", help="report the folds only; write no model")
    return ap.parse_args()


def questions_of(a: argparse.Namespace, rows_of=None) -> list[dict]:
    """The questions with their rows: read from ``--cache`` when it exists (less any set held out now),
    else answered (``collect``) and written there."""
    if a.cache and a.cache.exists():
        return [q for q in map(json.loads, a.cache.open(encoding="utf-8")) if q["set"] not in a.hold_out]
    questions = collect(a.db_dir, set(a.hold_out), rows_of)
    if a.cache:
        a.cache.write_text("".join(json.dumps(q) + "\n" for q in questions), encoding="utf-8")
    return questions


def main() -> None:
    a = command_line(__doc__, [0.1, 0.3, 1.0], "the best held-out top-1 is shipped")
    questions = questions_of(a)
    keys = sorted({k for q in questions for r in q["rows"] for k in r["f"]})
    results = {l2: evaluate(questions, keys, l2) for l2 in a.l2}
    for l2, t in results.items():
        print(f"l2={l2}: {json.dumps(t)}")
    best = max(results, key=lambda l2: (results[l2]["model_top1"], results[l2]["model_top3"]))
    if a.dry_run:
        return
    params = fit(questions, keys, best)
    manifest = {"version": 1, "trained_by": "scripts/train_study_rank.py", "l2": best,
                "data": "benchmarks/data/clinician_*.jsonl (gold_ids)", "sets": sorted({q["set"] for q in questions}),
                "held_out_sets": sorted(a.hold_out), "questions": len(questions),
                "rows": sum(len(q["rows"]) for q in questions), "l2_grid": a.l2,
                # the best of the grid on these folds (not nested: a slightly optimistic figure)
                f"folds_by_set_{FOLDS}": results[best]}
    print(write_model("study_rank", params, manifest))


if __name__ == "__main__":
    main()
