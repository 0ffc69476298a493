"""Study direction from reporting cues (``evidex.enrich.direction.study_direction``) against the
hand-labelled table rows, beside the cue rules as they were at a baseline commit.

    .venv/bin/python benchmarks/direction.py [--baseline a0c62c9] [--show]

Rows: ``docs/labels/table_rows.jsonl`` with a direction of favours, no_difference or against
(86 of 106; "unclear" and "mixed" rows are left out), loaded through the project's parsers as
``benchmarks/table.py`` does, split into the same dev / held-out halves (a hash of the id).

Each record's results and conclusions sentences (labelled sections give their role; the roles
model reads unlabelled abstracts) go to ``study_direction``; where the cues say nothing
("unclear") the prediction is "favours", the majority label, which is what leaves the call to
the stance model in an answer. Reported: accuracy per half, the majority-class baseline and the
baseline commit's cue rules (``enrich/direction.py`` read from git) on the same sentences.
The cue rules were changed while looking at dev rows only where said in the commit message;
the held-out half is the honest figure.
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

LABELS = REPO / "docs" / "labels" / "table_rows.jsonl"
DECIDED = ("favours", "no_difference", "against")


def old_direction(commit: str) -> types.ModuleType:
    """``evidex/enrich/direction.py`` as it was at ``commit``, as a module of its own."""
    src = subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:src/evidex/enrich/direction.py"],
                         check=True, capture_output=True, text=True).stdout
    src = src.replace("from .split import", "from evidex.enrich.split import").replace(
        "from ..text import", "from evidex.text import")
    mod = types.ModuleType(f"direction_{commit}")
    sys.modules[mod.__name__] = mod
    exec(compile(src, f"{commit}:direction.py", "exec"), mod.__dict__)
    return mod


def findings(record) -> list[str]:
    """The record's results and conclusions sentences, in order."""
    roles = sentence_roles(record)
    body = [s for sec in record.sections for s in sentences(sec.text)]
    return [s for s, r in zip(body, roles) if r in ("results", "conclusions")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", default="a0c62c9", help="commit whose cue rules are the baseline")
    ap.add_argument("--show", action="store_true", help="print each held-out miss")
    a = ap.parse_args(argv)
    rows = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r.get("direction") in DECIDED]
    records = load_records(rows)
    old = old_direction(a.baseline)
    hits: Counter = Counter()
    totals: Counter = Counter()
    majority: Counter = Counter()
    for row in rows:
        rec = records.get(row["id"])
        if rec is None:
            continue
        part = half(row["id"])
        sents = findings(rec)
        totals[part] += 1
        majority[part] += row["direction"] == "favours"
        for name, mod in (("now", current), ("baseline", old)):
            got = mod.study_direction(sents)
            got = "favours" if got == "unclear" else got
            hits[(name, part)] += got == row["direction"]
            if a.show and name == "now" and part == "held-out" and got != row["direction"]:
                print(f"{row['id']}: label {row['direction']}, cues {got}")
    print(f"{'half':<10} {'rows':>5} {'cues now':>10} {'cues at ' + a.baseline:>16} {'majority':>10}")
    for part in ("dev", "held-out"):
        n = totals[part]
        print(f"{part:<10} {n:>5} {hits[('now', part)] / n:>10.3f} {hits[('baseline', part)] / n:>16.3f} "
              f"{majority[part] / n:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
