"""Evidence-understanding benchmark: every enrichment metric in one run (issue 3).

    .venv/bin/python benchmarks/enrich.py [--no-record]

Prints each metric beside its anchor/goal (OK/FAIL where a goal exists) and appends a dated
section (date, commit, machine) to benchmarks/RESULTS.md. Needs ../shared/data.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import subprocess
import re
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS_MD, SHARED_DATA, Goal, build_dataset, fmt, table  # noqa: E402

from evidex.enrich import appraise  # noqa: E402
from evidex.enrich import design as design_mod  # noqa: E402
from evidex.enrich.case import case_facts  # noqa: E402
from evidex.enrich.direction import claim_relation, sentence_direction, study_direction, yes_no  # noqa: E402
from evidex.enrich.models import load as load_model  # noqa: E402
from evidex.enrich.numbers import doses, effect_numbers, mentions, sample_size  # noqa: E402
from evidex.enrich.pico import tag_tokens  # noqa: E402
from evidex.enrich.roles import ROLES, classify_sentences, role_of_label  # noqa: E402
from evidex.ingest import iter_file  # noqa: E402
from evidex.records import Record, Section  # noqa: E402
from evidex.text import sentence_spans  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RCT_PT = "Randomized Controlled Trial"


def records(path: Path) -> list[Record]:
    return [r for r in iter_file(path) if isinstance(r, Record)]


def sents(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def f1(tp: float, fp: float, fn: float) -> float:
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    labels = sorted({g for g, _ in pairs})
    return sum(f1(sum(1 for g, p in pairs if g == p == c), sum(1 for g, p in pairs if p == c and g != c),
                  sum(1 for g, p in pairs if g == c and p != c)) for c in labels) / len(labels)


# -- 1. design ------------------------------------------------------------------------------
def _old_rules(record: Record) -> str:
    """The rule-only text classifier this work replaced (first matching cue rule)."""
    methods = [s.text for s in record.sections
               if any(k in s.label for k in ("DESIGN", "METHOD", "SETTING", "PATIENT", "PARTICIPANT"))]
    text = record.title + " " + " ".join(methods + [s.text for s in record.sections][:3])[:3000]
    low = text.lower()
    for rx, label, _score, cues in design_mod._COMPILED:
        if any(c in low for c in cues) and rx.search(text):
            return label
    return "other"


def bench_design() -> dict:
    recs = records(SHARED_DATA / "rct_medline" / "records_dev.medline")
    out = {}
    for name, predict in (("model", lambda r: design_mod.classify(r)), ("rules (before)", None)):
        tp = fp = fn = tn = 0
        brier = 0.0
        for r in recs:
            truth = RCT_PT in r.publication_types
            bare = replace(r, publication_types=(), mesh_terms=())
            if predict is None:
                pred = _old_rules(bare) == "rct"
            else:
                call = predict(bare)
                pred = call.label == "rct"
                prob = call.rct_probability if call.rct_probability is not None else float(pred)
                brier += (prob - truth) ** 2
            tp += pred and truth
            fp += pred and not truth
            fn += truth and not pred
            tn += not pred and not truth
        out[name] = {"sensitivity": tp / (tp + fn), "specificity": tn / (tn + fp),
                     "accuracy": (tp + tn) / len(recs), "brier": brier / len(recs) if predict else None}
    # Per-label agreement of text-only calls with publication-type labels (other corpora).
    for corpus, path in (("pubmed_xml", SHARED_DATA / "pubmed_xml"), ("ldn dev", SHARED_DATA / "ldn" / "dev_corpus.jsonl")):
        files = sorted(path.glob("*.xml")) if path.is_dir() else [path]
        pairs = []
        seen = set()
        for f in files:
            if "TRUNCATED" in f.name:
                continue
            for r in records(f):
                if r.id in seen or not r.publication_types:
                    continue
                seen.add(r.id)
                truth = design_mod.classify(replace(r, mesh_terms=())).label
                if truth in ("other",) or design_mod.classify(replace(r, mesh_terms=())).source != "publication_type":
                    continue
                pairs.append((truth, design_mod.classify(replace(r, publication_types=(), mesh_terms=())).label))
        per = Counter(g for g, _ in pairs)
        ok = Counter(g for g, p in pairs if g == p)
        out[corpus] = {"n": len(pairs), "accuracy": sum(ok.values()) / max(len(pairs), 1),
                       "per_label": {k: f"{ok[k]}/{v}" for k, v in per.most_common()}}
    return out


# -- 2. direction -----------------------------------------------------------------------------
def bench_direction() -> dict:
    data = json.loads((SHARED_DATA / "pubmedqa" / "pqal_dev.json").read_text())
    res = {}
    for setting in ("reasoning-required", "reasoning-free"):
        hits = Counter()
        for q in data.values():
            ctx = [s for c in q["CONTEXTS"] for s in sents(c)]
            results = [s for lab, c in zip(q["LABELS"], q["CONTEXTS"])
                       if re.search(r"RESULT|FINDING|CONCLU", lab.upper()) for s in sents(c)] or sents(q["CONTEXTS"][-1])
            extra = sents(q["LONG_ANSWER"]) if setting == "reasoning-free" else []
            sd = study_direction([s for s in ctx + extra if sentence_direction(s) != "unclear"])
            pred_a = {"favours": "yes", "no_difference": "no", "against": "no"}.get(sd, "yes")
            pred_b = yes_no(results + extra)
            hits["study_direction"] += pred_a == q["final_decision"]
            hits["yes_no"] += pred_b == q["final_decision"]
        res[setting] = {k: v / len(data) for k, v in hits.items()}
    res["majority"] = Counter(q["final_decision"] for q in data.values()).most_common(1)[0][1] / len(data)
    corpus = {}
    for line in (SHARED_DATA / "scifact" / "corpus.jsonl").open():
        d = json.loads(line)
        corpus[str(d["doc_id"])] = d["abstract"]
    pairs = []
    for line in (SHARED_DATA / "scifact" / "claims_train.jsonl").open():
        c = json.loads(line)
        for doc, evs in c["evidence"].items():
            for ev in evs:
                pairs.append((ev["label"], claim_relation(c["claim"], [corpus[doc][i] for i in ev["sentences"]])))
    res["scifact"] = {"n": len(pairs), "accuracy": sum(g == p for g, p in pairs) / len(pairs),
                      "majority": Counter(g for g, _ in pairs).most_common(1)[0][1] / len(pairs),
                      "macro_f1": macro_f1(pairs)}
    return res


# -- 3. numbers -------------------------------------------------------------------------------
def _match(gold: list[dict], pred: list[tuple[int, int, str]], by_kind: bool = True) -> tuple[int, int, int]:
    used, tp = set(), 0
    for m in gold:
        for i, (s, e, k) in enumerate(pred):
            if i not in used and (k == m["kind"] or not by_kind) and s < m["end"] and m["start"] < e:
                used.add(i)
                tp += 1
                break
    return tp, len(pred) - tp, len(gold) - tp


def _old_extractor(text: str) -> list[tuple[int, int, str]]:
    out = []
    for n in effect_numbers(text):
        i = text.find(n.span)
        out.append((i, i + len(n.span), n.kind))
    for d in doses(text):
        i = text.find(d.span)
        out.append((i, i + len(d.span), "dose"))
    n, span = sample_size(text)
    if span:
        i = text.find(span)
        out.append((i, i + len(span), "sample_size"))
    return out


def bench_numbers() -> dict:
    gold = [json.loads(line) for line in (REPO / "docs" / "labels" / "numbers.jsonl").open(encoding="utf-8")]
    res = {"sentences": len(gold), "mentions": sum(len(g["mentions"]) for g in gold)}
    for name, fn in (("mentions()", lambda t: [(n.start, n.end, n.kind) for n in mentions(t)]),
                     ("before (effect_numbers+doses+sample_size)", _old_extractor)):
        tp = fp = fnn = 0
        tpa = fpa = fna = 0
        for g in gold:
            pred = fn(g["text"])
            a, b, c = _match(g["mentions"], pred)
            tp, fp, fnn = tp + a, fp + b, fnn + c
            a, b, c = _match(g["mentions"], pred, by_kind=False)
            tpa, fpa, fna = tpa + a, fpa + b, fna + c
        res[name] = {"precision": tp / max(tp + fp, 1), "recall": tp / max(tp + fnn, 1), "f1": f1(tp, fp, fnn),
                     "precision_any_kind": tpa / max(tpa + fpa, 1), "recall_any_kind": tpa / max(tpa + fna, 1)}
    return res


# -- 4. roles ---------------------------------------------------------------------------------
def bench_roles() -> dict:
    manifest = load_model("roles")["manifest"]
    test_ids = set(manifest["held_out_test"]["record_ids"])
    pairs, parted = [], []
    seen = set()
    for f in sorted((SHARED_DATA / "pubmed_xml").glob("*.xml")):
        for r in records(f):
            if r.id not in test_ids or r.id in seen:
                continue
            seen.add(r.id)
            gold = [(s, role_of_label(sec.label)) for sec in r.sections for s in sents(sec.text)]
            pred = classify_sentences([s for s, _ in gold])
            pairs.extend((g, p) for (_, g), (p, _) in zip(gold, pred))
            # the same abstract with its headings removed but its parts kept (as cohen2006 gives them)
            pred = classify_sentences([s for s, _ in gold], parts=[n for sec in r.sections if (n := len(sents(sec.text)))])
            parted.extend((g, p) for (_, g), (p, _) in zip(gold, pred))
    qa_sentence, qa_parted = [], []
    for item in json.loads((SHARED_DATA / "pubmedqa" / "pqal_dev.json").read_text()).values():
        # PubMedQA (never trained on): its contexts' headings, and the long answer as conclusions
        parts = [(sents(c), role_of_label(lab)) for c, lab in zip(item["CONTEXTS"], item["LABELS"]) if sents(c)]
        parts += [(sents(item["LONG_ANSWER"]), "conclusions")] * bool(sents(item["LONG_ANSWER"]))
        if any(role is None for _, role in parts):
            continue
        gold = [(s, role) for ss, role in parts for s in ss]
        for out, by_part in ((qa_sentence, None), (qa_parted, [len(ss) for ss, _ in parts])):
            pred = classify_sentences([s for s, _ in gold], parts=by_part)
            out.extend((g, p) for (_, g), (p, _) in zip(gold, pred))
    coarse = {"background": "background", "objective": "background", "methods": "methods", "results": "outcome",
              "conclusions": "outcome"}
    piboso = {"background": "background", "population": "methods", "intervention": "methods",
              "study design": "methods", "outcome": "outcome"}
    ppairs, abstract = [], []

    def flush():
        if abstract:
            pred = classify_sentences([s for s, _ in abstract])
            ppairs.extend((g, coarse[p]) for (_, g), (p, _) in zip(abstract, pred) if g)
            abstract.clear()

    for line in (SHARED_DATA / "piboso" / "dev.txt").open(encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("###") or not line.strip():
            flush()
            continue
        label, _, sentence = line.partition("\t")
        abstract.append((sentence, piboso.get(label)))
    flush()
    scored = lambda ps: {"sentences": len(ps), "macro_f1": macro_f1(ps),  # noqa: E731
                         "accuracy": sum(g == p for g, p in ps) / max(len(ps), 1)}
    return {"pubmed_xml held-out (5 roles)": scored(pairs),
            "pubmed_xml held-out, headings removed, one role per part": scored(parted),
            "PubMedQA dev, headings removed, by sentence": scored(qa_sentence),
            "PubMedQA dev, headings removed, one role per part": scored(qa_parted),
            "PIBOSO dev (3 coarse roles)": {"sentences": len(ppairs), "macro_f1": macro_f1(ppairs),
                                            "accuracy": sum(g == p for g, p in ppairs) / max(len(ppairs), 1)}}


# -- 5. PICO ----------------------------------------------------------------------------------
def bench_pico() -> dict:
    test = set(load_model("pico_interventions")["manifest"]["held_out_test"]["pmids"])
    tp = fp = fn = 0
    n = 0
    seen: set[str] = set()
    for line in (SHARED_DATA / "ebm_nlp" / "interventions.jsonl").open():
        d = json.loads(line)
        if d["pmid"] not in test or d["pmid"] in seen:
            continue
        seen.add(d["pmid"])
        n += 1
        k = min(len(d["tokens"]), len(d["intervention_labels"]))
        probs = tag_tokens(d["tokens"][:k])
        for p, g in zip(probs, d["intervention_labels"][:k]):
            tp += p >= 0.5 and g == 1
            fp += p >= 0.5 and g == 0
            fn += p < 0.5 and g == 1
    return {"abstracts": n, "precision": tp / max(tp + fp, 1), "recall": tp / max(tp + fn, 1), "f1": f1(tp, fp, fn)}


# -- 6. case facts ----------------------------------------------------------------------------
def bench_case() -> dict:
    from importlib import resources
    path = resources.files("evidex") / "starter" / "ldn_pain.jsonl"
    rec = next(r for r in records(Path(str(path))) if r.id == "doi:10.1007/s11481-013-9451-y")
    data = case_facts(rec).to_json()
    pts, report = data["patients"], data.get("report") or {}

    def first(v):
        v = v[0] if isinstance(v, list) and v else v
        return v.get("value") if isinstance(v, dict) else v

    c1 = pts[0] if pts else {}
    c2 = pts[1] if len(pts) > 1 else {}
    checks = {
        "age 48": first(c1.get("age")) == "48",
        "sex male": first(c1.get("sex")) == "male",
        "time to effect within 4 weeks": any("4 weeks" in f["value"] for f in c1.get("time_to_effect") or []),
        "prior treatments (5)": [f["value"] for f in c1.get("prior_treatments") or []] ==
        ["opioids", "anticonvulsants", "antidepressants", "psychotherapy", "physical therapy"],
        "NRS 8-10 -> 5-6": any(f["value"] == "NRS 8–10 → 5–6" for f in c1.get("scores") or []),
        "no adverse effects": any(f["value"] == "none reported"
                                  for f in [*(c1.get("adverse_effects") or ()), *(report.get("adverse_effects") or ())]),
        "two patients": len(pts) == 2,
        "case 2 female, about 7": (first(c2.get("sex")), first(c2.get("age"))) == ("female", "about 7"),
    }
    return {"checks": checks, "passed": sum(checks.values()), "total": len(checks)}


# -- 7. speed ---------------------------------------------------------------------------------
def bench_speed() -> dict:
    path, _ = build_dataset("3k")
    recs = records(path)
    out = {}
    for name, fn in (("appraise(record)", appraise), ("appraise(record, detail=True)", lambda r: appraise(r, detail=True))):
        best = 0.0
        for _ in range(2):
            t = time.process_time()
            for r in recs:
                fn(r)
            best = max(best, len(recs) / (time.process_time() - t))
        out[name] = best
    return out


def record_results(body: str, date: str) -> None:
    """Append a dated section to RESULTS.md (append only): date, commit, code digest, machine."""
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    h = hashlib.sha256()
    for p in sorted((REPO / "src" / "evidex" / "enrich").rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(REPO)).encode() + b"\0" + p.read_bytes())
    head = (f"\n## Enrichment (benchmarks/enrich.py) — {date}\n\n"
            f"- command: `.venv/bin/python benchmarks/enrich.py`\n"
            f"- commit: {commit}; src/evidex/enrich sha256 {h.hexdigest()[:16]} (the working tree may hold "
            f"uncommitted changes)\n"
            f"- machine: {os.cpu_count()} CPU(s), Python {platform.python_version()}; speed is CPU time on one "
            f"process (the machine is shared)\n\n")
    with open(RESULTS_MD, "a", encoding="utf-8") as fh:
        fh.write(head + body.rstrip() + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args()
    if not SHARED_DATA.is_dir():
        sys.exit(f"benchmark data not found: {SHARED_DATA}")
    date = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    d, dr, nb, ro, pi, ca, sp = (bench_design(), bench_direction(), bench_numbers(), bench_roles(), bench_pico(),
                                 bench_case(), bench_speed())
    g_sens, g_spec = Goal("RCT sensitivity", ">=", 0.95), Goal("RCT specificity", ">=", 0.97)
    m, old = d["model"], d["rules (before)"]
    rows = [
        ["RCT vs not, rct_medline dev (463), PT+MeSH hidden: sensitivity", fmt(m["sensitivity"], 3),
         fmt(old["sensitivity"], 3), "0.943 (RobotReviewer, no PT)", g_sens.text(), g_sens.check(m["sensitivity"])],
        ["… specificity", fmt(m["specificity"], 3), fmt(old["specificity"], 3), "0.970", g_spec.text(),
         g_spec.check(m["specificity"])],
        ["… accuracy / Brier score of P(rct)", f"{m['accuracy']:.3f} / {m['brier']:.3f}", fmt(old["accuracy"], 3), "", "", ""],
    ]
    for corpus in ("pubmed_xml", "ldn dev"):
        rows.append([f"design label from text vs publication type, {corpus} (n={d[corpus]['n']})",
                     fmt(d[corpus]["accuracy"], 3), "", "", "", json.dumps(d[corpus]["per_label"])])
    for setting in ("reasoning-required", "reasoning-free"):
        rows.append([f"PubMedQA pqal_dev {setting}: study_direction / yes_no", f"{dr[setting]['study_direction']:.3f} / "
                     f"{dr[setting]['yes_no']:.3f}", "", "majority 0.552, BioBERT 0.681, human 0.780", "", ""])
    sf = dr["scifact"]
    rows.append([f"SciFact SUPPORT/CONTRADICT rationales (n={sf['n']}): accuracy / macro-F1",
                 f"{sf['accuracy']:.3f} / {sf['macro_f1']:.3f}", "", f"majority {sf['majority']:.3f}", "", ""])
    new, before = nb["mentions()"], nb["before (effect_numbers+doses+sample_size)"]
    rows.append([f"numbers, docs/labels ({nb['mentions']} mentions): P / R (kind and span overlap)",
                 f"{new['precision']:.3f} / {new['recall']:.3f}", f"{before['precision']:.3f} / {before['recall']:.3f}",
                 "", "", f"any kind: {new['precision_any_kind']:.3f} / {new['recall_any_kind']:.3f}"])
    for k, v in ro.items():
        rows.append([f"sentence roles, {k}, n={v['sentences']}: macro-F1 / accuracy",
                     f"{v['macro_f1']:.3f} / {v['accuracy']:.3f}", "", "", "", ""])
    rows.append([f"PICO interventions, EBM-NLP held-out ({pi['abstracts']} abstracts): token P / R / F1",
                 f"{pi['precision']:.3f} / {pi['recall']:.3f} / {pi['f1']:.3f}", "", "", "", ""])
    rows.append(["case-report facts, starter doi:10.1007/s11481-013-9451-y", f"{ca['passed']}/{ca['total']} checks",
                 "", "", "", ", ".join(k for k, v in ca["checks"].items() if not v) or "all pass"])
    for k, v in sp.items():
        rows.append([f"speed: {k}, cohen2006 3k, one core (CPU time)", f"{v:,.0f} rec/s", "", "", ">= 2000", "OK" if v >= 2000 else "FAIL"])
    body = table(["metric", "now", "before", "anchor", "goal", "status / notes"], rows)
    print(body)
    if not args.no_record:
        record_results(body, date)
        print("\nappended to benchmarks/RESULTS.md")


if __name__ == "__main__":
    main()
