"""Study direction from reporting cues (``evidex.enrich.direction.study_direction``) against two
hand-labelled sets, beside the cue rules as they were at a baseline commit and the majority class.

    .venv/bin/python benchmarks/direction.py [--baseline 0739e0a] [--show dev]

Labels: ``docs/labels/table_rows.jsonl`` (the rows with a direction of favours, no_difference or
against; "unclear" and "mixed" rows are left out) and ``docs/labels/study_directions.jsonl``
(199 comparative studies labelled for this benchmark, see ``docs/labels/README.md``). Records are
loaded through the project's parsers as ``benchmarks/table.py`` does and split into the same dev /
held-out halves (a hash of the id).

Each record's results and conclusions sentences (labelled sections give their role; the roles
model reads unlabelled abstracts) go to ``study_direction``; where the cues say nothing
("unclear") the prediction is "favours", the majority label, which is what leaves the call to
the stance model in an answer. Reported per label set and half: accuracy and macro-F1 (over the
three labels) for the cue rules now, for the baseline commit's rules (``enrich/direction.py``
read from git) on the same sentences, and for always answering "favours". The rules were changed
looking at dev misses only (``--show dev``); the held-out half is the honest figure.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import types
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from table import REPO, half, load_records  # noqa: E402

from evidex.enrich import direction as current  # noqa: E402
from evidex.enrich.roles import sentence_roles  # noqa: E402
from evidex.enrich.split import sentences  # noqa: E402

LABELS = (REPO / "docs" / "labels" / "table_rows.jsonl", REPO / "docs" / "labels" / "study_directions.jsonl")
# The cue rules as they were before the study-direction labels were written (main at 0739e0a).
BASELINE = "0739e0a"
DECIDED = ("favours", "no_difference", "against")


def old_direction(commit: str) -> types.ModuleType:
    """``evidex/enrich/direction.py`` as it was at ``commit``, as a module of its own."""
    src = subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:src/evidex/enrich/direction.py"],
                         check=True, capture_output=True, text=True).stdout
    src = src.replace("from ..", "from evidex.").replace("from .", "from evidex.enrich.")
    mod = types.ModuleType(f"direction_{commit}")
    sys.modules[mod.__name__] = mod
    exec(compile(src, f"{commit}:direction.py", "exec"), mod.__dict__)
    return mod


def findings(record) -> list[str]:
    """The record's results and conclusions sentences, in order."""
    roles = sentence_roles(record)
    body = [s for sec in record.sections for s in sentences(sec.text)]
    return [s for s, r in zip(body, roles) if r in ("results", "conclusions")]


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Mean F1 over the three decided labels (gold, predicted) pairs."""
    f1s = []
    for lab in DECIDED:
        tp = sum(g == lab and p == lab for g, p in pairs)
        fp = sum(g != lab and p == lab for g, p in pairs)
        fn = sum(g == lab and p != lab for g, p in pairs)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def load_rows(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r for r in rows if r.get("direction") in DECIDED]


def predict(mod: types.ModuleType, sents: list[str]) -> str:
    got = mod.study_direction(sents)
    return "favours" if got == "unclear" else got


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", default=BASELINE, help="commit whose cue rules are the baseline")
    ap.add_argument("--show", choices=("dev", "held-out"), help="print each miss of this half (dev while tuning)")
    a = ap.parse_args(argv)
    old = old_direction(a.baseline)
    print(f"{'labels':<18} {'half':<9} {'rows':>4}  {'now acc':>7} {'F1':>5}  {'at ' + a.baseline + ' acc':>14} {'F1':>5}"
          f"  {'majority':>8} {'F1':>5}")
    for path in LABELS:
        rows = load_rows(path)
        records = load_records(rows)
        pairs: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for row in rows:
            rec = records.get(row["id"])
            if rec is None:
                continue
            part = half(row["id"])
            sents = findings(rec)
            for name, mod in (("now", current), ("baseline", old), ("majority", None)):
                got = "favours" if mod is None else predict(mod, sents)
                pairs.setdefault((name, part), []).append((row["direction"], got))
                pairs.setdefault((name, "all"), []).append((row["direction"], got))
            if a.show == part and pairs[("now", part)][-1][1] != row["direction"]:
                print(f"  {row['id']}: label {row['direction']}, cues {pairs[('now', part)][-1][1]}")
        for part in ("dev", "held-out", "all"):
            cells = []
            for name in ("now", "baseline", "majority"):
                pp = pairs.get((name, part), [])
                acc = sum(g == p for g, p in pp) / len(pp) if pp else 0.0
                cells.append((acc, macro_f1(pp)))
            n = len(pairs.get(("now", part), []))
            (na, nf), (ba, bf), (ma, mf) = cells
            print(f"{path.stem:<18} {part:<9} {n:>4}  {na:>7.3f} {nf:>5.3f}  {ba:>14.3f} {bf:>5.3f}  {ma:>8.3f} {mf:>5.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
