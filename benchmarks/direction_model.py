"""Experiment: a trained study-direction reader beside the cue rules, on the labelled studies.

    .venv/bin/python benchmarks/direction_model.py [--l2 3]      # needs scipy (the "train" extra)

Rows and inputs are benchmarks/direction.py's: the labelled studies of
``docs/labels/table_rows.jsonl`` and ``docs/labels/study_directions.jsonl`` with a direction of
favours, no_difference or against, each read from its results and conclusions sentences.

Features of a study: ``evidex.enrich.direction_model.features`` (the cue votes, reported tests,
effect polarity, the stance model's P(yes) for "Is <labelled intervention> better than <labelled
comparator>?", a few comparison words). The reader is ``scripts/train_direction.py``'s: three one-against-the-rest logistic models, the
most probable label wins; the shipped one is fitted the same way on every row.

Reported: trained on the dev half, scored on the held-out half (the split of direction.py), and
5-fold cross-validation over all rows (seeded), each beside the cue rules ("unclear" read as
"favours", as direction.py does) and the majority class. Answers use the shipped reader where the
cue rules find a result (synthesis.evidence._direction).
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from direction import LABELS, findings, half, load_rows, macro_f1  # noqa: E402
from table import load_records  # noqa: E402
from train_direction import fit  # noqa: E402

from evidex.enrich.direction import study_direction  # noqa: E402
from evidex.enrich.direction_model import features, label_of  # noqa: E402

def fit_predict(train: list[dict], y_train: list[str], test: list[dict], l2: float, balanced: bool) -> list[str]:
    """The shipped recipe (scripts/train_direction.py) fitted on ``train``, read on ``test``."""
    params = fit([(f, y, "") for f, y in zip(train, y_train)], l2, balanced)
    return [label_of(params, f) for f in test]


def report(name: str, gold: list[str], got: list[str]) -> str:
    acc = sum(g == p for g, p in zip(gold, got)) / len(gold)
    return f"{name}: acc {acc:.3f}, macro-F1 {macro_f1(list(zip(gold, got))):.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--l2", type=float, default=3.0, help="L2 penalty of each logistic model")
    ap.add_argument("--seed", type=int, default=13, help="shuffle of the cross-validation folds")
    ap.add_argument("--balanced", action="store_true", help="weigh labels by their rarity (train_direction.py --balanced)")
    a = ap.parse_args(argv)
    rows, feats, parts, cues = [], [], [], []
    for path in LABELS:
        labelled = load_rows(path)
        records = load_records(labelled)
        for row in labelled:
            rec = records.get(row["id"])
            if rec is None:
                continue
            sents = findings(rec)
            rows.append(row)
            question = f"Is {row.get('intervention') or 'the treatment'} better than {row.get('comparator') or 'placebo'}?"
            feats.append(features(question, sents))
            parts.append(half(row["id"]))
            cue = study_direction(sents)
            cues.append("favours" if cue == "unclear" else cue)
    gold = [r["direction"] for r in rows]
    dev = [i for i, p in enumerate(parts) if p == "dev"]
    held = [i for i, p in enumerate(parts) if p != "dev"]
    got = fit_predict([feats[i] for i in dev], [gold[i] for i in dev], [feats[i] for i in held], a.l2, a.balanced)
    yt = [gold[i] for i in held]
    print(f"{len(rows)} labelled studies ({len(dev)} dev, {len(held)} held-out); L2 {a.l2}; balanced {a.balanced}")
    print("dev -> held-out  " + report("trained", yt, got) + " | " + report("cues", yt, [cues[i] for i in held])
          + " | " + report("majority", yt, ["favours"] * len(yt)))
    order = list(range(len(rows)))
    random.Random(a.seed).shuffle(order)
    folds = [order[k::5] for k in range(5)]
    cv = [""] * len(rows)
    for fold in folds:
        train = [i for i in order if i not in set(fold)]
        for i, p in zip(fold, fit_predict([feats[j] for j in train], [gold[j] for j in train],
                                          [feats[j] for j in fold], a.l2, a.balanced)):
            cv[i] = p
    print("5-fold CV        " + report("trained", gold, cv) + " | " + report("cues", gold, cues)
          + " | " + report("majority", gold, ["favours"] * len(gold)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
