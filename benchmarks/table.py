"""Evidence-table facts benchmark: ``evidex.enrich.trial.trial_facts`` against hand-labelled rows.

    .venv/bin/python benchmarks/table.py [--labels docs/labels/table_rows.jsonl] [--show dev]

Each labelled row (``docs/labels/table_rows.jsonl``: id, source, design, n, intervention,
comparator, primary_outcome, effect, ...) names a record in ``../shared/data``; the record is
loaded through the project's own parsers (``evidex.ingest.iter_file``: JSONL, MEDLINE XML,
CSV) and its facts are extracted with the asked intervention as hint (the drug class named
by the cohen2006 file, "low-dose naltrexone" for the LDN corpus, none for PubMed XML).

Rows are split in two by a hash of their id: "dev" (looked at while improving the rules)
and "held-out" (reported, never tuned on). Beside the new figures the run gives the
baseline, the code as it was at commit ``BASELINE_COMMIT`` (n from the old
``numbers.sample_size``, as ``Appraisal.n``; comparator, outcome and effect from the old
``synthesis.evidence.Study`` methods), read from git and run on the same rows.

Match rules (lenient, stated so the figures can be read):
- n: exact integer equality (a label with no n matches a prediction of none).
- intervention / comparator / outcome: the texts' content tokens (lower-cased, stop words
  and punctuation dropped) overlap with F1 >= 0.5, or one token set contains the other;
  for intervention, any extracted arm may match. Both empty is a match.
- effect: if the label has numbers, at least half of them (as ``evidex.text.numbers_in``
  reads them) appear in the extracted effect; otherwise the token rule. Both empty match.
- faithfulness: every number of every extracted fact is in its cited passage (must be 100%).

What the rules let through (reviewed, left as they are so figures stay comparable):
- "one token set contains the other" accepts a prediction that is a small part of the label
  ("naltrexone" for "naltrexone 4.5 mg/day", "remaining" for "remaining in remission") and a
  long one that contains it; F1 alone would be stricter.
- ``numbers_in`` does not read a number written without its leading zero (".001"), so a
  label's "P =.0025" counts as text, and such p values never count toward the half.
- The effect rule rewards a prediction that carries more of the sentence's figures; the
  extractor keeps one result's figures (its clause, its bracket, the other groups' figures
  that follow), never the whole sentence.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import types
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()
BASELINE_COMMIT = "55d0d1b"
FIELDS = ("n", "intervention", "comparator", "outcome", "effect")

from evidex.enrich.design import classify  # noqa: E402
from evidex.enrich.trial import trial_facts  # noqa: E402
from evidex.ingest import iter_file  # noqa: E402
from evidex.records import Record  # noqa: E402
from evidex.synthesis.faithfulness import unsupported_numbers  # noqa: E402
from evidex.synthesis.roles import roles_of  # noqa: E402
from evidex.text import numbers_in, passages_of, tokens  # noqa: E402

_STOP = {"the", "a", "an", "of", "in", "with", "and", "or", "to", "for", "at", "on", "by", "group", "groups",
         "treatment", "therapy", "patients", "daily", "once", "twice", "was", "were", "is", "vs", "versus"}
_CLASS_HINT = {"ACEInhibitors_online": "ACE inhibitors", "ADHD": "", "Antihistamines": "antihistamines",
               "AtypicalAntipsychotics": "atypical antipsychotics", "BetaBlockers": "beta blockers",
               "CalciumChannelBlockers": "calcium channel blockers", "Estrogens": "estrogens",
               "NSAIDS": "NSAIDs", "Opiods": "opioids", "OralHypoglycemics": "oral hypoglycemics",
               "ProtonPumpInhibitors": "proton pump inhibitors", "SkeletalMuscleRelaxants": "skeletal muscle relaxants",
               "Triptans": "triptans", "UrinaryIncontinence": ""}


def half(row_id: str) -> str:
    return "dev" if hashlib.sha1(row_id.encode()).digest()[0] % 2 == 0 else "held-out"


def hint_for(source: str) -> str:
    if source.startswith("ldn/"):
        return "low-dose naltrexone"
    if source.startswith("cohen2006/"):
        return _CLASS_HINT.get(Path(source).stem, "")
    return ""


def load_records(labels: list[dict]) -> dict[str, Record]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for row in labels:
        wanted[row["source"]].add(row["id"])
    out: dict[str, Record] = {}
    for source, ids in wanted.items():
        for rec in iter_file(SHARED_DATA / source):
            if isinstance(rec, Record) and rec.id in ids:
                out[rec.id] = rec
    return out


# -- the baseline: the old code, read from git at BASELINE_COMMIT ---------------------
def _old_module(path: str, name: str) -> types.ModuleType | None:
    try:
        src = subprocess.run(["git", "-C", str(REPO), "show", f"{BASELINE_COMMIT}:{path}"], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    src = src.replace("from ..", "from evidex.").replace("from .", "from evidex.synthesis.")
    mod = types.ModuleType(name)
    sys.modules[name] = mod          # dataclasses look their module up while building the class
    exec(compile(src, f"{BASELINE_COMMIT}:{path}", "exec"), mod.__dict__)
    return mod


def baseline_facts(rec: Record, old_numbers, old_evidence) -> dict[str, str | int | None]:
    passages = passages_of(rec)
    body = " ".join(s.text for s in rec.sections)
    n = None
    if classify(rec).label != "preclinical":
        n = old_numbers.sample_size(body)[0]
    roles = {p.seq: frozenset(roles_of(p.text, p.section)) for p in passages}
    ns = SimpleNamespace(passages=tuple(passages), roles=roles, record=rec)
    ns.with_role = lambda role: old_evidence.Study.with_role(ns, role)
    effect, _ = old_evidence.Study.effect_fact(ns)
    return {"n": n, "intervention": "", "comparator": old_evidence.Study.comparator(ns),
            "outcome": old_evidence.Study.outcome(ns), "effect": effect}


# -- matching -------------------------------------------------------------------------
def _content(text: str) -> set[str]:
    return {t for t in tokens(text or "") if t not in _STOP}


def text_match(pred: str, gold: str) -> bool:
    p, g = _content(pred), _content(gold)
    if not g:
        return not p
    if not p:
        return False
    inter = len(p & g)
    f1 = 2 * inter / (len(p) + len(g))
    return f1 >= 0.5 or p <= g or g <= p


def effect_match(pred: str, gold: str) -> bool:
    g = numbers_in(gold or "")
    if not g:
        return text_match(pred, gold)
    return len(numbers_in(pred or "") & g) >= len(g) / 2


def score(pred: dict, gold: dict) -> dict[str, bool]:
    arms = pred["intervention"] if isinstance(pred["intervention"], list) else [pred["intervention"]]
    return {
        "n": pred["n"] == gold.get("n"),
        "intervention": any(text_match(a, gold.get("intervention") or "") for a in arms or [""]),
        "comparator": text_match(pred["comparator"], gold.get("comparator") or ""),
        "outcome": text_match(pred["outcome"], gold.get("primary_outcome") or ""),
        "effect": effect_match(pred["effect"], gold.get("effect") or ""),
    }


def new_facts(rec: Record, hint: str) -> tuple[dict, bool]:
    passages = passages_of(rec)
    by_seq = {p.seq: p.text for p in passages}
    t = trial_facts(rec, passages, hint)
    facts = [f for f in (*t.arms, t.comparator, t.outcome, t.effect) if f is not None]
    faithful = all(not unsupported_numbers(f.text, [by_seq[f.seq]]) for f in facts)
    return {"n": t.n, "intervention": [a.text for a in t.arms],
            "comparator": t.comparator.text if t.comparator else "",
            "outcome": t.outcome.text if t.outcome else "",
            "effect": t.effect.text if t.effect else ""}, faithful


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", type=Path, default=REPO / "docs" / "labels" / "table_rows.jsonl")
    ap.add_argument("--show", choices=("dev", "held-out", "none"), default="none",
                    help="print each row's extracted facts beside its label for this half")
    args = ap.parse_args(argv)
    if not SHARED_DATA.is_dir() or not args.labels.exists():
        sys.exit(f"needs {SHARED_DATA} and {args.labels}")
    labels = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = load_records(labels)
    old_numbers = _old_module("src/evidex/enrich/numbers.py", "old_numbers")
    old_evidence = _old_module("src/evidex/synthesis/evidence.py", "old_evidence")
    hits: dict[tuple[str, str], list[bool]] = defaultdict(list)
    unfaithful, missing = [], []
    for gold in labels:
        rec = records.get(gold["id"])
        if rec is None:
            missing.append(gold["id"])
            continue
        part = half(gold["id"])
        pred, faithful = new_facts(rec, hint_for(gold["source"]))
        if not faithful:
            unfaithful.append(gold["id"])
        for field, ok in score(pred, gold).items():
            hits[(part, field)].append(ok)
        if old_numbers and old_evidence:
            for field, ok in score(baseline_facts(rec, old_numbers, old_evidence), gold).items():
                hits[(part + " baseline", field)].append(ok)
        if args.show == part:
            marks = score(pred, gold)
            print(f"== {gold['id']} ({gold['design']})")
            for field, key in zip(FIELDS, ("n", "intervention", "comparator", "primary_outcome", "effect")):
                print(f"  {'ok ' if marks[field] else 'XX '}{field:12} got {pred[field]!r}\n"
                      f"  {'':15} want {gold.get(key)!r}")
    cols = ("dev", "held-out", "dev baseline", "held-out baseline")
    print(f"\n{'field':14}" + "".join(f"{c:>20}" for c in cols))
    for field in FIELDS:
        cells = []
        for c in cols:
            v = hits.get((c, field), [])
            cells.append(f"{sum(v) / len(v):.2f} ({sum(v)}/{len(v)})" if v else "-")
        print(f"{field:14}" + "".join(f"{x:>20}" for x in cells))
    n_rows = sum(1 for g in labels if g["id"] in records)
    print(f"\nrows: {n_rows} ({len(missing)} not found: {missing[:5]}); "
          f"facts faithful to their passage: {n_rows - len(unfaithful)}/{n_rows} {unfaithful[:5]}")
    for field in FIELDS:
        figs = []
        for c in cols:
            v = hits.get((c, field), [])
            figs.append(f"{c} {sum(v) / len(v):.2f}" if v else f"{c} -")
        print(f"{field}: " + " | ".join(figs))
    return 1 if unfaithful else 0


if __name__ == "__main__":
    raise SystemExit(main())
