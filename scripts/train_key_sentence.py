"""Train the key-sentence model -> src/evidex/enrich/models/key_sentence.json.

    .venv/bin/python scripts/train_key_sentence.py --db-dir benchmarks/out/answers \
        --hold-out clinician_heldout26

Data: the clinician question sets (``benchmarks/data/clinician_*.jsonl``), less the held-out ones
named. Each question is read, retrieved and weighed as ``evidex ask`` does (``answer.weighed``);
every sentence of its leading studies (``answer.leading``) that may be added as a key point
(``answer.may_add``) is a row of ``evidex.synthesis.key_sentences.features``, labelled 1 when it
holds one of the question's key facts (verbatim spans of the abstracts the question was written
from). A logistic model (``train_common.fit_logistic``) learns which sentences those are.

Folds: five, by question set. The manifest records, over the held-out folds, how many key facts
the first ``answer.TOP_POINTS`` sentences hold when the model orders them and when relevance does
(the order it replaces), before the shipped model is refitted on every set. The rows are every
such sentence of the leading studies, told by a section or not (the answer adds only untold ones:
the end-to-end figure is benchmarks/answers.py's key facts), and their study shares come from the
shipped study ranker, itself fitted on these sets (the manifest names it by its params_sha): both
make the folds' figure somewhat optimistic. ``--cache`` keeps the rows.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from train_common import fit_logistic, write_model  # noqa: E402
from train_study_rank import FOLDS, command_line, questions_of  # noqa: E402

from answers import normalise  # noqa: E402

from evidex.enrich import models  # noqa: E402
from evidex.synthesis.answer import TOP_POINTS  # noqa: E402


def question_rows(store, q: dict) -> list[dict]:
    """One row per sentence the key points may add: features, the key facts it holds, relevance."""
    from evidex.query import parse_question
    from evidex.resolve import resolve
    from evidex.retrieve import retrieve
    from evidex.synthesis.answer import ADDED_ROLES, leading, may_add, weighed
    from evidex.synthesis.key_sentences import features
    from evidex.synthesis.writer import truncated
    query = resolve(store, parse_question(q["question"]))
    _, scored, ranked, shares = weighed(query, retrieve(store, query, 40))
    facts = [normalise(f) for f in q["key_facts"]]
    place = {id(s): i for i, s in enumerate(ranked)}
    rows = []
    for s in leading(ranked):
        for sc in scored.get(s.record.id, []):
            if sc.role in ADDED_ROLES and may_add(query, sc) and not truncated(sc.passage.text):
                text = normalise(sc.passage.text)
                rows.append({"f": features(sc, place[id(s)], shares.get(s.record.id, 0.0), len(s.passages)),
                             "facts": [i for i, f in enumerate(facts) if f in text], "relevance": sc.relevance})
    return rows


def fit(questions: list[dict], keys: list[str], l2: float) -> dict:
    rows = [r for q in questions for r in q["rows"]]
    X = np.array([[r["f"].get(k, 0.0) for k in keys] for r in rows])
    y = np.array([float(bool(r["facts"])) for r in rows])
    coef, bias = fit_logistic(X, y, np.ones(len(rows)), l2)
    return {"coef": {k: round(float(c), 6) for k, c in zip(keys, coef) if abs(c) > 1e-6}, "bias": round(float(bias), 6)}


def facts_in_top(q: dict, order: list[int]) -> int:
    """Key facts held by the first ``TOP_POINTS`` sentences of ``order`` (as many as the key points add)."""
    return len({i for r in (q["rows"][j] for j in order[:TOP_POINTS]) for i in r["facts"]})


def evaluate(questions: list[dict], keys: list[str], l2: float) -> dict[str, int]:
    from evidex.synthesis.study_rank import score
    sets = sorted({q["set"] for q in questions})
    fold_of = {s: i % FOLDS for i, s in enumerate(sets)}
    tally = {"questions": 0, "key_facts": 0, "first": TOP_POINTS, "model_first": 0, "relevance_first": 0}
    for k in range(FOLDS):
        params = fit([q for q in questions if fold_of[q["set"]] != k], keys, l2)
        for q in (q for q in questions if fold_of[q["set"]] == k and q["rows"]):
            n = len(q["rows"])
            tally["questions"] += 1
            tally["key_facts"] += len({i for r in q["rows"] for i in r["facts"]})
            tally["model_first"] += facts_in_top(q, sorted(range(n), key=lambda j: -score(params, q["rows"][j]["f"])))
            tally["relevance_first"] += facts_in_top(q, sorted(range(n), key=lambda j: -q["rows"][j]["relevance"]))
    return tally


def main() -> None:
    a = command_line(__doc__, [1.0, 10.0, 100.0, 1000.0], "the one whose first sentences hold most key facts is shipped")
    questions = questions_of(a, question_rows)
    keys = sorted({k for q in questions for r in q["rows"] for k in r["f"]})
    results = {l2: evaluate(questions, keys, l2) for l2 in a.l2}
    for l2, t in results.items():
        print(f"l2={l2}: {json.dumps(t)}")
    best = max(results, key=lambda l2: results[l2]["model_first"])
    if a.dry_run:
        return
    manifest = {"version": 1, "trained_by": "scripts/train_key_sentence.py", "l2": best,
                "study_rank": models.load("study_rank")["manifest"]["params_sha"],
                "data": "benchmarks/data/clinician_*.jsonl (key_facts)", "sets": sorted({q["set"] for q in questions}),
                "held_out_sets": sorted(a.hold_out), "questions": len(questions),
                "rows": sum(len(q["rows"]) for q in questions), "l2_grid": a.l2,
                # the best of the grid on these folds (not nested: a slightly optimistic figure)
                f"folds_by_set_{FOLDS}": results[best]}
    print(write_model("key_sentence", fit(questions, keys, best), manifest))


if __name__ == "__main__":
    main()
