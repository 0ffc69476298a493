"""Train the RCT-vs-not design model (title + abstract only) -> src/evidex/enrich/models/design_rct.json.

    .venv/bin/python scripts/train_design.py [--seed 13]

Labels, none from the evaluation set (rct_medline/records_dev.medline, LDN dev corpus):
- positives: EBM-NLP abstracts (2,039 RCT reports); PubMed XML/MEDLINE-text records with the
  publication type "Randomized Controlled Trial"; cohen2006 and PubMedQA citations indexed
  with the MeSH check tags "Random Allocation", "Double-Blind Method" or "Single-Blind Method"
  (NLM indexers add these to trials: https://www.nlm.nih.gov/mesh/ ; weak labels);
- negatives: PubMed XML/MEDLINE-text records whose publication types exclude RCT (letters,
  comments, reviews, case reports, basic science, non-randomised trials), and cohen2006 /
  PubMedQA citations indexed as Retrospective, Cohort, Case-Control or Cross-Sectional studies
  with no trial tag at all.
Publication types and MeSH are used only to make labels; the model sees title and abstract.
Model: L2 logistic regression over title/abstract unigrams+bigrams (df >= 3), classes
balanced, L2 strength by 5-fold CV log-loss, Platt-calibrated on out-of-fold margins.
"""
from __future__ import annotations

import argparse
import random

import numpy as np

from train_common import (cohen_rows, ebm_nlp, ebm_title_abstract, fit_logistic, fit_platt, held_out_pmids,
                          pqal, pubmed_xml_records, record_abstract, sparse_matrix, write_model)

from evidex.enrich.features import design_features

TRIAL_TAGS = {"Random Allocation", "Double-Blind Method", "Single-Blind Method"}
AMBIGUOUS = {"Cross-Over Studies", "Placebos", "Placebo Effect", "Randomized Controlled Trials as Topic",
             "Clinical Trials as Topic", "Controlled Clinical Trials as Topic", "Clinical Trials, Phase I as Topic",
             "Clinical Trials, Phase II as Topic", "Clinical Trials, Phase III as Topic",
             "Clinical Trials, Phase IV as Topic", "Multicenter Studies as Topic"}
OBSERVATIONAL = {"Retrospective Studies", "Cohort Studies", "Case-Control Studies", "Cross-Sectional Studies"}


# Only n-grams with a word about how a study was done are features: topic words (a disease,
# a drug) and writing-era style would otherwise separate the sources instead of the designs.
DESIGN_STEMS = (
    "random", "blind", "mask", "placebo", "sham", "trial", "control", "assign", "allocat", "crossover", "cross",
    "over", "arm", "group", "versus", "vs", "compar", "receiv", "given", "administ", "treat", "intervention",
    "usual", "standard", "cohort", "retrospect", "prospect", "consecutive", "chart", "record", "registry",
    "database", "follow", "case", "report", "series", "review", "meta", "systematic", "search", "survey",
    "questionnaire", "sectional", "interview", "qualitative", "open", "label", "pilot", "phase", "feasib",
    "multicent", "center", "centre", "intention", "protocol", "enrol", "recruit", "eligible", "inclusion",
    "exclusion", "primary", "secondary", "endpoint", "outcome", "efficacy", "safety", "tolera", "adverse",
    "dose", "week", "month", "day", "year", "baseline", "end", "period", "washout", "mice", "mouse", "rat",
    "vitro", "vivo", "cell", "animal", "model", "simulat", "we", "our", "observ", "describ", "present",
    "evaluat", "assess", "determin", "investigat", "examin", "aim", "objective", "purpose", "design",
    "setting", "method", "result", "conclusion", "background", "participant", "patient", "subject",
    "volunteer", "healthy", "women", "men", "children", "adult", "analy", "regression", "associat", "risk",
    "odds", "ratio", "hazard", "incidence", "prevalence", "population", "sample", "stud", "no", "not", "non",
    "single", "double", "triple", "either", "or", "and", "to", "of", "a", "the", "were", "was", "who", "with",
    "0", "len", "t", "editor", "letter", "comment", "reply", "response", "author", "guideline", "consensus",
    "recommend", "update", "overview", "history", "histor", "economic", "cost", "secondary", "post", "hoc",
    "sub", "substudy", "ancillary", "extension", "long", "term")


def design_feature(f: str) -> bool:
    body = f.split(":", 1)[1] if ":" in f else f
    parts = body.split("_")
    return all(any(p.startswith(s) for s in DESIGN_STEMS) for p in parts) and any(
        not p in ("a", "the", "of", "to", "and", "or", "with", "were", "was", "who", "0") for p in parts) \
        or f.startswith(("len:", "no:"))


def examples() -> list[tuple[str, str, int, str]]:
    """(title, abstract, label, source) for every training example."""
    skip = held_out_pmids()
    out: list[tuple[str, str, int, str]] = []
    for doc in ebm_nlp():
        if doc["pmid"] not in skip:
            out.append((*ebm_title_abstract(doc), 1, "ebm_nlp"))
    for r in pubmed_xml_records():
        if not r.publication_types or (r.pmid and r.pmid in skip):
            continue
        label = int(any(p == "Randomized Controlled Trial" for p in r.publication_types))
        out.append((r.title, record_abstract(r), label, "pubmed_xml"))

    def weak(mesh: set[str]) -> int | None:
        if mesh & TRIAL_TAGS:
            return 1
        if mesh & OBSERVATIONAL and not mesh & AMBIGUOUS:
            return 0
        return None

    for row in cohen_rows():
        label = weak(row["mesh"])
        if label == 1 and "random" not in (row["title"] + row["abstract"]).lower():
            # MEDLINE's RCT type requires reported randomisation; a blinded study that does not
            # say it was randomised is not a clean positive (left out, not made a negative).
            continue
        if label is not None and row["pmid"] not in skip and (row["title"] or row["abstract"]):
            out.append((row["title"], row["abstract"], label, "cohen2006"))
    for pmid, q in pqal().items():
        label = weak(set(q["MESHES"]))
        if label == 1 and "random" not in " ".join(q["CONTEXTS"]).lower():
            continue
        if label is not None and pmid not in skip:
            abstract = " ".join(f"{lab}: {txt}" for lab, txt in zip(q["LABELS"], q["CONTEXTS"]))
            out.append((q["QUESTION"], abstract, label, "pubmedqa"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--min-df", type=int, default=3)
    args = ap.parse_args()
    data = examples()
    rng = random.Random(args.seed)
    rng.shuffle(data)
    feats = [design_features(t, a) for t, a, _, _ in data]
    y = np.array([lab for _, _, lab, _ in data], dtype=float)
    df: dict[str, int] = {}
    for fs in feats:
        for f in fs:
            df[f] = df.get(f, 0) + 1
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in df.items() if c >= args.min_df and design_feature(f)))}
    X = sparse_matrix(feats, vocab)
    pos = y.sum()
    w = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * (len(y) - pos)))
    counts = {}
    for _, _, lab, src in data:
        counts[f"{src}:{lab}"] = counts.get(f"{src}:{lab}", 0) + 1
    print("examples", len(data), counts, "features", len(vocab))

    folds = np.arange(len(y)) % 5
    best = None
    for l2 in (3.0, 10.0, 30.0, 100.0):
        oof = np.zeros(len(y))
        for k in range(5):
            tr, te = folds != k, folds == k
            coef, b = fit_logistic(X[tr], y[tr], w[tr], l2)
            oof[te] = X[te] @ coef + b
        p = 1 / (1 + np.exp(-np.clip(oof, -30, 30)))
        logloss = float(np.sum(w * -(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))) / w.sum())
        sens = float(((oof > 0) & (y == 1)).sum() / (y == 1).sum())
        spec = float(((oof <= 0) & (y == 0)).sum() / (y == 0).sum())
        print(f"l2={l2:g} cv logloss={logloss:.4f} sens={sens:.3f} spec={spec:.3f}")
        if best is None or logloss < best[0]:
            best = (logloss, l2, oof, sens, spec)
    _, l2, oof, sens, spec = best
    a, b_platt = fit_platt(oof, y, w)
    coef, bias = fit_logistic(X, y, w, l2)
    inv = {i: f for f, i in vocab.items()}
    weights = {inv[i]: round(float(c), 4) for i, c in enumerate(coef) if abs(c) >= 0.002}
    params = {"weights": weights, "bias": round(bias, 4), "platt_a": round(a, 4), "platt_b": round(b_platt, 4),
              "threshold": 0.5}
    path = write_model("design_rct", params, {
        "version": 1, "kind": "logistic regression, binary n-gram features (evidex.enrich.features.design_features)",
        "trained_by": "scripts/train_design.py", "seed": args.seed, "min_df": args.min_df, "l2": l2,
        "training_examples": counts, "features_kept": len(weights),
        "cv": {"folds": 5, "sensitivity": round(sens, 4), "specificity": round(spec, 4)},
        "label_sources": "EBM-NLP RCTs; PubMed XML publication types; cohen2006/PubMedQA MeSH check tags (weak)",
        "excluded": "PMIDs of rct_medline/records_dev.medline and ldn/dev_corpus.jsonl",
        "prior": "classes balanced in training: probabilities assume a 50/50 prior",
    })
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB), l2={l2}, platt a={a:.3f} b={b_platt:.3f}")


if __name__ == "__main__":
    main()
