"""Train the study-direction reader -> src/evidex/enrich/models/direction.json.

    .venv/bin/python scripts/train_direction.py [--l2 3]

Data: the hand-labelled studies of docs/labels/table_rows.jsonl and docs/labels/study_directions.jsonl
(favours / no_difference / against), each read from its results and conclusions sentences as
benchmarks/direction.py reads them, with the question "Is <intervention> better than <comparator>?"
built from the label. Three one-against-the-rest logistic models (``train_common.fit_logistic``) over
``evidex.enrich.direction_model.features``. The manifest records the dev -> held-out accuracy (the
split of benchmarks/direction.py) measured before the shipped model is refitted on every row.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from train_common import fit_logistic, write_model  # noqa: E402

from direction import LABELS as LABEL_FILES, findings, half, load_rows  # noqa: E402
from table import load_records  # noqa: E402

from evidex.enrich.direction_model import LABELS, features, label_of  # noqa: E402


def examples() -> list[tuple[dict[str, float], str, str]]:
    out = []
    for path in LABEL_FILES:
        rows = load_rows(path)
        records = load_records(rows)
        for row in rows:
            rec = records.get(row["id"])
            sents = findings(rec) if rec is not None else []
            if sents:
                question = f"Is {row.get('intervention') or 'the treatment'} better than {row.get('comparator') or 'placebo'}?"
                out.append((features(question, sents), row["direction"], half(row["id"])))
    return out


def fit(rows, l2: float, balanced: bool = False) -> dict[str, dict]:
    """Three one-against-the-rest models; ``balanced`` weighs each label's rows by its rarity (a
    rare "against" then counts as much as the common "favours")."""
    keys = sorted({k for f, _, _ in rows for k in f})
    X = np.array([[f.get(k, 0.0) for k in keys] for f, _, _ in rows])
    counts = {lab: max(sum(y == lab for _, y, _ in rows), 1) for lab in LABELS}
    w = np.array([len(rows) / (len(LABELS) * counts[y]) if balanced else 1.0 for _, y, _ in rows])
    params = {}
    for lab in LABELS:
        coef, bias = fit_logistic(X, np.array([float(y == lab) for _, y, _ in rows]), w, l2)
        params[lab] = {"coef": {k: round(float(c), 6) for k, c in zip(keys, coef) if abs(c) > 1e-6}, "bias": bias}
    return params


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--l2", type=float, default=3.0)
    ap.add_argument("--balanced", action="store_true", help="weigh labels by their rarity")
    a = ap.parse_args()
    rows = examples()
    dev = [r for r in rows if r[2] == "dev"]
    held = [r for r in rows if r[2] != "dev"]
    params = fit(dev, a.l2, a.balanced)
    acc = sum(label_of(params, f) == y for f, y, _ in held) / len(held)
    print(f"{len(rows)} studies; dev -> held-out accuracy {acc:.3f} ({len(dev)} / {len(held)})")
    path = write_model("direction", fit(rows, a.l2, a.balanced), {
        "version": 1, "data": ["docs/labels/table_rows.jsonl", "docs/labels/study_directions.jsonl"],
        "rows": len(rows), "labels": {lab: sum(y == lab for _, y, _ in rows) for lab in LABELS},
        "l2": a.l2, "balanced": a.balanced, "held_out_accuracy_trained_on_dev": round(acc, 3)})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
