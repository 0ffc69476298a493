"""How many studies and sentences a yes/no answer should read: a held-out sweep on BioASQ.

    .venv/bin/python benchmarks/yesno_basis.py --db STORE [--models DIR] [--record]

``verdict.yes_probability`` pools the stance of the ``per_study`` most relevant sentences of
the ``max_studies`` leading studies, each weighted down by ``1 / (1 + decay * rank)``. This
script answers every BioASQ yes/no question once per edition, with the linear stance model
trained without that edition (``DIR/bioasq-<edition>.json``; trained here by
``scripts/train_stance.py --holdout-bioasq E --no-cv`` when missing), and reads P(yes) under
every setting of the grid from the same answer (the stance reads are cached, so a setting
costs little). It reports each setting's accuracy over all 573 questions and a nested
figure: each edition scored with the setting that was best on the other four, the honest
estimate of what choosing a setting here would buy.

``STORE`` is the BioASQ evaluation store (``evidex eval qa --dataset bioasq --db STORE``
builds it: one record per gold document from the gold snippets).
"""
from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
from pathlib import Path

import common

from evidex.enrich import stance
from evidex.eval.qa_data import BIOASQ_EDITIONS, load_bioasq_qa, restrict_bioasq, select
from evidex.store import Store
from evidex.synthesis import verdict as V
from evidex.synthesis.answer import ask

GRID = list(itertools.product((1, 2, 3, 5), (1, 3, 5, 10), (0.0, 1.0, 3.0)))   # per_study, max_studies, decay
SHIPPED = (3, V.MAX_BASIS, V.RANK_DECAY)


def fold_model(models: Path, edition: str) -> Path:
    path = models / f"bioasq-{edition}.json"
    if not path.exists():
        print(f"training the linear model without {edition} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(common.REPO / "scripts" / "train_stance.py"), "--holdout-bioasq",
                        edition, "--no-cv", "--seed", "13", "--out", str(path)], check=True,
                       stdout=subprocess.DEVNULL)
    return path


def answers(store: Store, models: Path) -> list[dict]:
    """Per question: edition, gold label, and the answer under every grid setting."""
    yes_probability, answer = V.yes_probability, V._answer
    seen: dict = {}

    def every_setting(query, studies, scored, per_study=3, max_studies=V.MAX_BASIS):
        for per, most, decay in GRID:
            V.RANK_DECAY = decay
            seen.setdefault("p", {})[(per, most, decay)] = yes_probability(query, studies, scored, per, most)
        V.RANK_DECAY = SHIPPED[2]
        return yes_probability(query, studies, scored, per_study, max_studies)

    def remember(direction, p_yes, by_direction=True, equivalence=False):
        seen["args"] = (direction, by_direction, equivalence)
        return answer(direction, p_yes, by_direction, equivalence)

    V.yes_probability, V._answer = every_setting, remember
    rows = []
    try:
        qa = load_bioasq_qa()
        for ed in BIOASQ_EDITIONS:
            stance.use_model_file(fold_model(models, ed))
            for it in select(restrict_bioasq(qa, ed), ("yesno",), None).items:
                seen.clear()
                got = ask(store, it.question, limit=40).verdict.answer
                if "args" in seen:         # the answer read P(yes): re-read it under each setting
                    d, by_dir, eq = seen["args"]
                    per_setting = {c: answer(d, seen["p"].get(c), by_dir, eq) for c in GRID}
                else:                      # nothing to read: the same answer under every setting
                    per_setting = {c: got for c in GRID}
                rows.append({"edition": ed, "gold": it.label, "answers": per_setting})
            print(f"  {ed}: {sum(r['edition'] == ed for r in rows)} questions", file=sys.stderr, flush=True)
    finally:
        V.yes_probability, V._answer = yes_probability, answer
        stance.use_model_file(None)
    return rows


def accuracy(rows: list[dict], setting) -> float:
    return sum(r["answers"][setting] == r["gold"] for r in rows) / len(rows) if rows else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True, help="the BioASQ evaluation store")
    ap.add_argument("--models", type=Path, default=common.DEFAULT_OUT / "stance-folds",
                    help="linear fold models bioasq-<edition>.json (trained here when missing)")
    ap.add_argument("--record", action="store_true", help="append the report to RESULTS.md")
    a = ap.parse_args(argv)
    if not a.db.is_file():
        ap.error(f"--db {a.db}: no such store (evidex eval qa --dataset bioasq --db {a.db} builds it)")
    a.models.mkdir(parents=True, exist_ok=True)
    start = common.machine_info()
    _, start["code"], start["code_commit"] = common.snapshot_code(common.DEFAULT_OUT)   # names the code measured
    rows = answers(Store(a.db), a.models)
    ranked = sorted(GRID, key=lambda c: -accuracy(rows, c))
    lines = [common.table(["setting (per_study, max_studies, decay)", "accuracy, all editions held out"],
                          [[f"{c}{' (shipped)' if c == SHIPPED else ''}", f"{accuracy(rows, c):.4f}"]
                           for c in ranked[:8] + ([SHIPPED] if SHIPPED not in ranked[:8] else [])])]
    nested, fold_rows = 0.0, []
    for ed in BIOASQ_EDITIONS:
        rest = [r for r in rows if r["edition"] != ed]
        mine = [r for r in rows if r["edition"] == ed]
        best = max(GRID, key=lambda c: (accuracy(rest, c), c == SHIPPED))
        nested += accuracy(mine, best) * len(mine)
        fold_rows.append([ed, len(mine), str(best), f"{accuracy(mine, best):.4f}", f"{accuracy(mine, SHIPPED):.4f}"])
    lines += ["", common.table(["edition", "questions", "setting best on the others", "accuracy", "shipped setting"],
                               fold_rows),
              "", f"Nested (each edition with the setting best on the other four): {nested / len(rows):.4f}; "
                  f"shipped setting {accuracy(rows, SHIPPED):.4f}; {len(rows)} questions."]
    body = "\n".join(lines)
    print(body)
    if a.record:
        cmd = "python benchmarks/yesno_basis.py " + " ".join(argv if argv is not None else sys.argv[1:])
        common.append_results("Yes/no basis sweep (BioASQ, linear fold models)", cmd, body, start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
