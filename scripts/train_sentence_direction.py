"""Train the sentence-direction reader -> src/evidex/enrich/models/sentence_direction.json.

    .venv/bin/python scripts/train_sentence_direction.py [--l2 3] [--cv]

Data: docs/labels/sentence_directions.jsonl, abstract sentences of cohen2006 labelled favours /
no_difference / against / unclear by what each reports of a treatment's effect (the guide and how
they were chosen: docs/labels/README.md). Each row names its record and passage; the sentence is
read from ../shared/data through the project's parsers, so no abstract text is kept in the
repository. Rows of records that the study-direction labels (table_rows.jsonl,
study_directions.jsonl) or any clinician question set use are never trained on: those measure
what the reader changes downstream (the manifest records how many rows were held back).

Model: softmax regression (L2, L-BFGS) over the sentence's words and word pairs and what the cue
rules, the reported tests and the effect wording say of it (``evidex.enrich.sentence_reader.
features``). The answers read with it whether a sentence reports a result (``synthesis.evidence.
reports_finding``); see that module's docstring for why a study's direction does not. ``--cv``
compares the settings of CV_GRID by 5-fold cross-validation grouped by record, beside the cue
rules alone on the same sentences; the manifest keeps the chosen setting's figures. L2 3 was
chosen by what the answers gain (benchmarks/answers.py, read clinician sets, session 36); the
balanced settings score a little higher in CV on whether a sentence reports a result and were not
measured on the answers.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from train_common import fit_softmax, macro_f1, need, sparse_matrix, write_model

from evidex.enrich.direction import sentence_direction
from evidex.enrich.sentence_reader import LABELS, features
from evidex.ingest import iter_file
from evidex.text import passages_of

ROOT = Path(__file__).resolve().parents[1]
LABEL_FILE = ROOT / "docs" / "labels" / "sentence_directions.jsonl"
HELD_BY = (ROOT / "docs" / "labels" / "table_rows.jsonl", ROOT / "docs" / "labels" / "study_directions.jsonl")
# (L2, balanced) settings compared by ``--cv``.
CV_GRID = ((1.0, False), (3.0, False), (10.0, False), (3.0, True), (10.0, True))


@lru_cache(maxsize=None)
def _records(source: str) -> dict:
    return {r.id: r for r in iter_file(need(*source.split("/"))) if getattr(r, "id", None)}


def reserved_ids() -> set[str]:
    """Records whose labels measure the reader downstream: never trained on."""
    out = set()
    for path in HELD_BY:
        out.update(json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    for path in (ROOT / "benchmarks" / "data").glob("clinician_*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.update(json.loads(line)["gold_ids"])
    return out


def load() -> tuple[list[tuple[str, str, str, str | None]], int]:
    """([(record id, sentence, label, second annotator's label or None)], rows held back): the
    rows of reserved records are left out."""
    reserved, rows, held = reserved_ids(), [], 0
    for n, line in enumerate(LABEL_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row["record_id"] in reserved:
            held += 1
            continue
        record = _records(row["source"]).get(row["record_id"])
        if record is None:
            sys.exit(f"{LABEL_FILE.name}:{n}: record {row['record_id']} not found in {row['source']}")
        text = passages_of(record)[row["passage_seq"]].text
        if not text.startswith(row["opening"]):
            sys.exit(f"{LABEL_FILE.name}:{n}: passage {row['passage_seq']} of {row['record_id']} does not open "
                     f"with {row['opening']!r}: the source has changed")
        rows.append((row["record_id"], text, row["label"], row.get("second_label")))
    return rows, held


def fold_of(record_id: str, folds: int) -> int:
    return int(hashlib.sha1(record_id.encode()).hexdigest(), 16) % folds


def fit(rows, l2: float, balanced: bool = False):
    """(vocabulary, W, b); ``balanced`` weighs each label's rows by its rarity ("against" is rare)."""
    X = [features(t) for _, t, _, _ in rows]
    y = np.array([LABELS.index(lab) for _, _, lab, _ in rows])
    df = Counter(f for fs in X for f in fs)
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in df.items() if c >= 2))}
    counts = np.bincount(y, minlength=len(LABELS))
    w = len(y) / (len(LABELS) * counts[y]) if balanced else None
    W, b = fit_softmax(sparse_matrix(X, vocab), y, len(LABELS), l2, w)
    return vocab, W, b


def predict(model, rows) -> np.ndarray:
    vocab, W, b = model
    return np.argmax(sparse_matrix([features(t) for _, t, _, _ in rows], vocab) @ W + b, axis=1)


def scores(gold: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """Accuracy and macro-F1 over the four labels, and the accuracy of the use the answers make of
    the reader: whether a sentence reports a result at all (any label but "unclear")."""
    none = LABELS.index("unclear")
    return {"accuracy": round(float(np.mean(gold == pred)), 4), "macro_f1": round(macro_f1(gold, pred, len(LABELS)), 4),
            "reports_result_accuracy": round(float(np.mean((gold == none) == (pred == none))), 4)}


def cross_validate(rows, l2: float, balanced: bool = False, folds: int = 5) -> tuple[dict, dict]:
    """(the model's, the cue rules') scores over ``folds`` record-grouped folds."""
    gold = np.array([LABELS.index(lab) for _, _, lab, _ in rows])
    pred = np.zeros(len(rows), dtype=int)
    for k in range(folds):
        train = [r for r in rows if fold_of(r[0], folds) != k]
        idx = [i for i, r in enumerate(rows) if fold_of(r[0], folds) == k]
        pred[idx] = predict(fit(train, l2, balanced), [rows[i] for i in idx])
    cues = np.array([LABELS.index(sentence_direction(t)) for _, t, _, _ in rows])
    return scores(gold, pred), scores(gold, cues)


def agreement(rows) -> dict[str, float] | None:
    """Two annotators' agreement on the doubly labelled rows: raw and Cohen's kappa."""
    pairs = [(a, b) for _, _, a, b in rows if b]
    if not pairs:
        return None
    po = sum(a == b for a, b in pairs) / len(pairs)
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in LABELS) / len(pairs) ** 2
    return {"rows": len(pairs), "agreement": round(po, 4), "kappa": round((po - pe) / (1 - pe), 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--l2", type=float, default=3.0)
    ap.add_argument("--balanced", action="store_true", help="weigh each label's rows by its rarity")
    ap.add_argument("--cv", action="store_true", help="compare the settings of CV_GRID by 5-fold CV, write nothing")
    ap.add_argument("--out", type=Path, default=None, help="write the model here instead of the shipped path")
    args = ap.parse_args()
    rows, held = load()
    counts = Counter(lab for _, _, lab, _ in rows)
    print(f"{len(rows)} labelled sentences from {len({r[0] for r in rows})} records: {dict(counts)}; "
          f"{held} held back (records that measure the readers downstream)")
    print(f"annotator agreement: {agreement(rows)}")
    if args.cv:
        for l2, balanced in CV_GRID:
            model, cues = cross_validate(rows, l2, balanced)
            print(f"L2 {l2:g}{', balanced' if balanced else ''}: model {model}; cue rules {cues}", flush=True)
        return
    model, cues = cross_validate(rows, args.l2, args.balanced)
    print(f"5-fold CV (grouped by record), L2 {args.l2:g}: model {model}; cue rules alone {cues}")
    vocab, W, b = fit(rows, args.l2, args.balanced)
    inv = {i: f for f, i in vocab.items()}
    weights = {inv[i]: [round(float(v), 3) for v in W[i]] for i in range(len(vocab)) if np.abs(W[i]).max() >= 0.01}
    params = {"classes": list(LABELS), "weights": weights, "bias": [round(float(v), 4) for v in b]}
    path = write_model("sentence_direction", params, {
        "version": 1, "kind": "softmax regression over sentence n-grams + cue, test and wording readings "
                              "(evidex.enrich.sentence_reader.features)",
        "trained_by": "scripts/train_sentence_direction.py", "l2": args.l2, "balanced": args.balanced,
        "data": "docs/labels/sentence_directions.jsonl (records of the study-direction labels and clinician "
                "question sets left out)",
        "sentences": len(rows), "held_back": held, "labels": dict(counts), "annotators": agreement(rows),
        "cv_5fold_by_record": {"model": model, "cue_rules": cues},
    }, args.out)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
