"""Held-out QA figures: the whole answer pipeline, each fold answered by a stance model trained
without it, beside the in-sample figure of the shipped model and the baselines.

    .venv/bin/python benchmarks/qa_folds.py                      # BioASQ and PubMedQA, ~10 min on 2 cores (14 busy)
    .venv/bin/python benchmarks/qa_folds.py --record             # ... and append to RESULTS.md
    .venv/bin/python benchmarks/qa_folds.py --datasets pubmedqa --folds 0   # smoke run

Why: ``evidex eval qa --dataset bioasq|pubmedqa`` answers yes/no questions partly with the
shipped stance model (``src/evidex/enrich/models/stance.json``), which ``scripts/train_stance.py``
fits on *all* BioASQ yes/no questions and *all* PubMedQA PQA-L questions: the very questions
scored. Those figures are in-sample. Here, for each fold of the trainer's own cross-validation
(``evidex.eval.qa_data``: BioASQ leave-one-edition-out, 7b / 8b / 9b / 10b / training13b with
identical bodies merged into the first edition; PubMedQA 5 seeded folds):

1. ``scripts/train_stance.py --holdout-bioasq E`` (or ``--holdout-pubmedqa-fold K``) ``--no-cv
   --out TMP/stance-<fold>.json``: the fold's questions are out of every part of the fit
   (examples, vocabulary, Platt scaling, maybe table);
2. ``evidex eval qa --dataset bioasq --types yesno --bioasq-edition E --stance-model
   TMP/stance-<fold>.json --db TMP/bioasq.db --details ...`` (PubMedQA: ``--pubmedqa-fold K``):
   only that fold's questions are scored, against the one pooled store of all records
   (distractors stay), built once by the first run and reused;
3. the per-question answers of all folds are pooled into held-out figures.

In the same run: ``majority`` (the most frequent gold label of all scored questions: it peeks),
``bm25-top`` (BM25's top record read by the stance model; held out with the same fold models)
and the in-sample figures of both, with the shipped model and with a model refitted now on all the
data by the fold models' own recipe (``--no-cv``): held out vs refit-now differ only in the
held-out questions, refit-now vs shipped in the code and calibration of the day.

Metrics: BioASQ yes/no questions only: accuracy, macro-F1 over yes/no (an "uncertain" answer is
wrong and counted), gold document among the answer's references (bm25-top: its top record);
PubMedQA reasoning-required (CONTEXTS only): three-way accuracy and macro-F1 over yes/no/maybe
("uncertain" read as "maybe"), maybe answers counted. Goals (the project's targets; judged on the
held-out figures; FAIL is a result, not an error): BioASQ yes/no accuracy >= 0.85, macro-F1 >= 0.80,
gold document in references >= 0.95; PubMedQA reasoning-required accuracy >= 0.70.

Every stage imports a frozen snapshot of src/evidex (``out/code-<sha>``, as the other
benchmarks): the eval runs, and the training runs too (``scripts/train_stance.py`` is started with
the snapshot's ``evidex`` imported first, so its features are the eval's even while src/ is edited).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

TRAIN = common.REPO / "scripts" / "train_stance.py"
BIOASQ_EDITIONS = ("10b", "7b", "8b", "9b", "training13b")     # evidex.eval.qa_data.BIOASQ_EDITIONS
PUBMEDQA_FOLDS = 5
CLASSES = {"bioasq": ("yes", "no"), "pubmedqa": ("yes", "no", "maybe")}
GOALS = {"bioasq": [("yesno_accuracy", common.Goal("BioASQ yes/no accuracy (held out)", ">=", 0.85)),
                    ("yesno_macro_f1", common.Goal("BioASQ yes/no macro-F1 (held out)", ">=", 0.80)),
                    ("gold_doc_recall", common.Goal("BioASQ gold document in references (held out)", ">=", 0.95))],
         "pubmedqa": [("yesno_accuracy", common.Goal("PubMedQA reasoning-required accuracy (held out)", ">=", 0.70))]}
# train_stance.py puts the working tree's src/ first on sys.path; importing the snapshot's evidex
# (PYTHONPATH) before it runs makes every evidex import resolve to the snapshot.
TRAIN_WITH_SNAPSHOT = ("import os, runpy, sys; import evidex; snap = os.environ['EVIDEX_QA_FOLDS_CODE']; "
                       "assert evidex.__file__.startswith(snap), (evidex.__file__, snap); "
                       "sys.path.insert(0, os.path.dirname(sys.argv[1])); sys.argv = sys.argv[1:]; "
                       "runpy.run_path(sys.argv[0], run_name='__main__')")


def run(cmd: list[str], what: str) -> tuple[str, float]:
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=common.REPO)
    if p.returncode != 0:
        sys.exit(f"{what} failed (exit {p.returncode}): {' '.join(cmd)}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p.stdout, time.perf_counter() - t


ENCODER_FOLDS = common.REPO / "benchmarks" / "models" / "stance-encoder"
READER = "linear"           # --reader: which stance reader the folds swap (encoder | pooled | linear)


def encoder_fold(dataset: str, fold: str) -> tuple[Path, dict]:
    """The encoder fold model trained without ``fold`` (scripts/train_stance_encoder.py; trained
    on a GPU, so it ships in benchmarks/models rather than being refitted here) and its manifest."""
    import hashlib
    path = ENCODER_FOLDS / f"{'bioasq' if dataset == 'bioasq' else 'pqa'}-{fold}.npz"
    if not path.exists():
        sys.exit(f"encoder fold model {path} is missing: scripts/train_stance_encoder.py trains it")
    rep = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return path, {"params_sha": hashlib.sha256(path.read_bytes()).hexdigest()[:16],
                  "holdout": {"config": rep["config"], "held_out_stance_examples": rep["held_out_stance_examples"]}}


def train(out: Path, seed: int, dataset: str | None, fold: str | None) -> tuple[dict, float]:
    """A --no-cv stance model without ``fold`` of ``dataset`` (None: on all the data)."""
    opt = [] if fold is None else ["--holdout-bioasq", fold] if dataset == "bioasq" else \
        ["--holdout-pubmedqa-fold", fold]
    _, secs = run([sys.executable, "-c", TRAIN_WITH_SNAPSHOT, str(TRAIN), *opt, "--no-cv", "--seed", str(seed),
                   "--out", str(out)], f"training the {dataset} {fold} fold model")
    return json.loads(out.read_text(encoding="utf-8"))["manifest"], secs


def linear_fold(out: Path, seed: int, dataset: str, fold: str) -> tuple[dict, float]:
    """The linear fold model: reused from ``out`` when an earlier run (``--work``) trained it for
    this fold and seed, else trained now."""
    if out.exists():
        man = json.loads(out.read_text(encoding="utf-8"))["manifest"]
        h = man.get("holdout") or {}
        if (h.get("bioasq_edition") if dataset == "bioasq" else str(h.get("pubmedqa_fold"))) == fold \
                and man.get("seed", seed) == seed:
            print(f"  reusing {out}", file=sys.stderr, flush=True)
            return man, 0.0
    return train(out, seed, dataset, fold)


def eval_qa(dataset: str, db: Path, details: Path, mode: str, seed: int, model: Path | list[Path] | None = None,
            fold: str | None = None) -> tuple[dict, float]:
    cmd = [sys.executable, "-m", "evidex", "eval", "qa", "--dataset", dataset, "--types", "yesno", "--db", str(db),
           "--mode", mode, "--details", str(details), "--format", "json"]
    for m in ([model] if isinstance(model, Path) else model or []):
        cmd += ["--stance-model", str(m)]
    if fold is not None:
        cmd += (["--bioasq-edition", fold] if dataset == "bioasq"
                else ["--pubmedqa-fold", fold, "--fold-seed", str(seed)])
    out, secs = run(cmd, f"eval qa {dataset} {fold or 'all'}")
    return json.loads(out), secs


def read_details(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def classification(gold: list[str], pred: list[str], classes: tuple[str, ...]) -> tuple[float, float]:
    """Accuracy and macro-F1 over ``classes``: the eval's own definition, as a pair."""
    from evidex.eval.qa import classification as scores
    got = scores(gold, pred, classes)
    return got["accuracy"], got["macro_f1"]


def score(rows: list[dict], system: str, classes: tuple[str, ...]) -> dict:
    """The eval's yes/no metrics from per-question details (system: evidex | bm25-top | majority)."""
    gold = [r["gold"] for r in rows]
    if system == "majority":
        maj = Counter(gold).most_common(1)[0][0]
        pred = [maj] * len(gold)
    else:
        pred = [r[system]["answer"] for r in rows]
    acc, f1 = classification(gold, pred, classes)
    out = {"n": len(rows), "yesno_accuracy": round(acc, 4), "yesno_macro_f1": round(f1, 4),
           "yesno_uncertain": sum(p not in classes for p in pred), "maybe": pred.count("maybe"),
           "gold_doc_recall": None}
    if system != "majority":
        key = "gold_in_refs" if system == "evidex" else "gold_top"
        with_gold = [r for r in rows if r.get("gold_documents", 1)]
        if with_gold:
            out["gold_doc_recall"] = round(sum(bool(r[system][key]) for r in with_gold) / len(with_gold), 4)
    return out


def run_dataset(dataset: str, folds: list[str], work: Path, db_dir: Path, mode: str, seed: int,
                refit: tuple[Path, dict, float]) -> dict:
    db = db_dir / f"{dataset}.db"
    classes = CLASSES[dataset]
    print(f"{dataset}: in-sample run with the shipped model (builds or reuses {db}) ...", file=sys.stderr, flush=True)
    res_in, t_in = eval_qa(dataset, db, work / f"{dataset}-in-sample.jsonl", mode, seed)
    rows_in = read_details(work / f"{dataset}-in-sample.jsonl")
    check = score(rows_in, "evidex", classes)
    for k in ("yesno_accuracy", "yesno_macro_f1", "gold_doc_recall"):   # the pooling reproduces the eval
        if check[k] != res_in["evidex"][k]:
            sys.exit(f"{dataset}: pooled {k} {check[k]} != eval's {res_in['evidex'][k]}: details and scores disagree")
    by_id_in = {r["id"]: r for r in rows_in}
    refit_model, refit_man, _ = refit
    if READER != "linear":      # the shipped encoder is the all-data model of the folds' recipe
        res_rf, t_rf, by_id_rf = res_in, 0.0, by_id_in
        refit_man = {"params_sha": res_in["settings"]["stance_model"]["params_sha"]}
    else:
        res_rf, t_rf = eval_qa(dataset, db, work / f"{dataset}-refit.jsonl", mode, seed, refit_model)
        if res_rf["settings"]["stance_model"]["params_sha"] != refit_man["params_sha"]:
            sys.exit(f"{dataset}: the eval did not use the refitted model")
        by_id_rf = {r["id"]: r for r in read_details(work / f"{dataset}-refit.jsonl")}
    per_fold, held_rows = [], []
    # A question whose answer raised is scored as "uncertain" by the eval; the run shows how many.
    failed = {"in_sample": res_in["evidex"].get("ask_errors", 0), "held_out": 0, "first": res_in.get("errors", [])[:1]}
    for fold in folds:
        lin_man: dict = {}
        if READER == "encoder":
            (model, man), t_train = encoder_fold(dataset, fold), 0.0
        elif READER == "pooled":      # the encoder's fold model pools; the linear one reads passages
            (enc, man) = encoder_fold(dataset, fold)
            lin = work / f"stance-{dataset}-{fold}.json"
            lin_man, t_train = linear_fold(lin, seed, dataset, fold)
            model = [lin, enc]
        else:
            model = work / f"stance-{dataset}-{fold}.json"
            man, t_train = linear_fold(model, seed, dataset, fold)
        res, t_eval = eval_qa(dataset, db, work / f"{dataset}-{fold}.jsonl", mode, seed, model, fold)
        rows = read_details(work / f"{dataset}-{fold}.jsonl")
        used = res["settings"]["stance_model"]
        if used["params_sha"] != man["params_sha"] or (lin_man and used["linear_params_sha"] != lin_man["params_sha"]):
            sys.exit(f"{dataset} {fold}: the eval did not use the fold model(s)")
        held_rows += rows
        failed["held_out"] += res["evidex"].get("ask_errors", 0)
        failed["first"] = failed["first"] or res.get("errors", [])[:1]
        ins = [by_id_in[r["id"]] for r in rows]
        h = man["holdout"] or {}
        per_fold.append({"fold": fold, "n": len(rows), "train_s": round(t_train, 1), "eval_s": round(t_eval, 1),
                         "held_out_in_training": h.get("bioasq_questions", h.get("pubmedqa_questions")),
                         "near_duplicates": len(h.get("bioasq_near_duplicates_dropped", [])),
                         "params_sha": man["params_sha"],
                         "evidex": score(rows, "evidex", classes), "evidex_in": score(ins, "evidex", classes),
                         "bm25": score(rows, "bm25-top", classes), "bm25_in": score(ins, "bm25-top", classes)})
        print(f"  {dataset} {fold}: n={len(rows)} held-out acc {per_fold[-1]['evidex']['yesno_accuracy']} "
              f"(in-sample {per_fold[-1]['evidex_in']['yesno_accuracy']}); train {t_train:.0f}s, eval {t_eval:.0f}s",
              file=sys.stderr, flush=True)
    ids = [r["id"] for r in held_rows]
    if len(ids) != len(set(ids)):
        sys.exit(f"{dataset}: a question was scored in two folds")
    full = len(folds) == (len(BIOASQ_EDITIONS) if dataset == "bioasq" else PUBMEDQA_FOLDS)
    if full and set(ids) != set(by_id_in):
        sys.exit(f"{dataset}: the folds cover {len(set(ids))} questions, the full set {len(by_id_in)}")
    ins_rows = [by_id_in[i] for i in ids]       # in-sample figures on the same questions
    rf_rows = [by_id_rf[i] for i in ids]
    return {"dataset": dataset, "folds": per_fold, "docs": res_in["docs"], "complete": full,
            "shipped_sha": res_in["settings"]["stance_model"]["params_sha"], "in_sample_s": round(t_in, 1),
            "refit_sha": refit_man["params_sha"], "refit_eval_s": round(t_rf, 1),
            "timings": res_in["timing"], "failed": failed,
            "systems": {"evidex held-out": score(held_rows, "evidex", classes),
                        "evidex in-sample (shipped model)": score(ins_rows, "evidex", classes),
                        "evidex in-sample (refit now, all data)": score(rf_rows, "evidex", classes),
                        "bm25-top held-out": score(held_rows, "bm25-top", classes),
                        "bm25-top in-sample (shipped model)": score(ins_rows, "bm25-top", classes),
                        "bm25-top in-sample (refit now, all data)": score(rf_rows, "bm25-top", classes),
                        "majority": score(ins_rows, "majority", classes)}}


def f4(x) -> str:
    return "—" if x is None else f"{x:.4f}" if isinstance(x, float) else str(x)


def report(results: list[dict], wall_s: float, seed: int, mode: str, code_note: str,
           refit_s: float) -> tuple[str, bool]:
    parts, ok = [], True
    for r in results:
        ds = r["dataset"]
        title = ("BioASQ yes/no questions (leave one edition out)" if ds == "bioasq"
                 else "PubMedQA PQA-L reasoning-required, three-way (5 seeded folds)")
        parts.append(f"### {title}\n\n{r['docs']} records in the pooled store; shipped stance model "
                     f"{r['shipped_sha']}; refit now on all the data (the fold models' recipe, --no-cv) "
                     f"{r['refit_sha']}; mode {mode}; fold seed {seed}"
                     + ("" if r["complete"] else "; PARTIAL RUN (not every fold)") + "\n")
        last = "maybe answers" if ds == "pubmedqa" else "uncertain"
        rows = [[name, m["n"], f4(m["yesno_accuracy"]), f4(m["yesno_macro_f1"]),
                 m["maybe"] if ds == "pubmedqa" else m["yesno_uncertain"], f4(m["gold_doc_recall"])]
                for name, m in r["systems"].items()]
        parts.append(common.table(["system", "questions", "accuracy", "macro-F1", last, "gold doc in refs"], rows))
        fold_rows = [[f["fold"], f["n"], f["held_out_in_training"], f["near_duplicates"], f["params_sha"],
                      f4(f["evidex"]["yesno_accuracy"]), f4(f["evidex_in"]["yesno_accuracy"]),
                      f4(f["bm25"]["yesno_accuracy"]), f4(f["bm25_in"]["yesno_accuracy"]),
                      f4(f["evidex"]["gold_doc_recall"]), f["train_s"], f["eval_s"]] for f in r["folds"]]
        parts.append("\nPer fold (accuracy; \"held out of training\": the trainer's merged questions of the fold; "
                     "\"near-dup\": other-fold questions equal up to punctuation, also held out):\n")
        parts.append(common.table(["fold", "scored", "held out of training", "near-dup", "fold model",
                                   "evidex held-out", "evidex in-sample", "bm25-top held-out",
                                   "bm25-top in-sample", "gold doc (evidex)", "train s", "eval s"], fold_rows))
        goal_rows = []
        for key, goal in GOALS[ds]:
            v = r["systems"]["evidex held-out"][key]
            status = goal.check(v)
            ok &= status == "OK"
            goal_rows.append([goal.name, goal.text(), f4(v), f4(r["systems"]["evidex in-sample (shipped model)"][key]),
                              f4(r["systems"]["evidex in-sample (refit now, all data)"][key]), status])
        failed = r["failed"]
        no_failures = failed["in_sample"] == 0 and failed["held_out"] == 0
        ok &= no_failures
        goal_rows.append(["questions whose answer failed (scored uncertain)", "0", failed["held_out"],
                          failed["in_sample"], "—", "OK" if no_failures else "FAIL"])
        parts.append("")
        parts.append(common.table(["goal", "target", "held out", "in-sample (shipped model)",
                                   "in-sample (refit now)", "status"], goal_rows))
        if failed["first"]:
            parts.append(f"\nFirst failure: {failed['first'][0]}")
        t = r["timings"]
        parts.append(f"\nIn-sample run {r['in_sample_s']} s (store ingest {t.get('ingest_s', '—')} s, "
                     f"embed {t.get('embed_s', '—')} s; ask p50 {t['ask_ms_p50']} ms). Fold models: "
                     f"{sum(f['train_s'] for f in r['folds']):.0f} s training "
                     f"({min(f['train_s'] for f in r['folds']):.0f}-{max(f['train_s'] for f in r['folds']):.0f} "
                     f"s each, --no-cv), {sum(f['eval_s'] for f in r['folds']):.0f} s of fold evals.\n")
    parts.append(f"Whole run {wall_s / 60:.1f} min wall (the all-data refit: {refit_s:.0f} s). {code_note}")
    return "\n".join(parts), ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", default="bioasq,pubmedqa", help="comma-separated: bioasq, pubmedqa")
    ap.add_argument("--folds", help="only these folds (BioASQ editions or PubMedQA fold numbers): a smoke run")
    ap.add_argument("--seed", type=int, default=13, help="train_stance --seed and the PubMedQA split")
    ap.add_argument("--mode", choices=["hybrid", "lexical"], default="hybrid")
    ap.add_argument("--db-dir", type=Path, help="keep the stores here (DIR/<dataset>.db) and reuse them; "
                                                "default: a temporary folder removed at the end")
    ap.add_argument("--work", type=Path, help="keep the fold models and per-question details here "
                                              "(default: a temporary folder removed at the end)")
    ap.add_argument("--code", type=Path, help="measure this earlier snapshot (out/code-<sha>)")
    ap.add_argument("--out", type=Path, default=common.DEFAULT_OUT, help="scratch folder (gitignored)")
    ap.add_argument("--record", action="store_true", help="append the report to RESULTS.md")
    ap.add_argument("--reader", choices=["encoder", "pooled", "linear"], default="linear",
                    help="the stance reader measured: encoder (fold models in benchmarks/models/stance-encoder), "
                         "linear (fold models refitted here by scripts/train_stance.py, or reused from --work) "
                         "or pooled (the encoder's fold model pools each answer, the linear one reads passages)")
    a = ap.parse_args(argv)
    global READER
    READER = a.reader
    os.environ["EVIDEX_STANCE_READER"] = a.reader     # the in-sample run reads the same kind of model
    datasets = [d.strip() for d in a.datasets.split(",") if d.strip()]
    if not datasets or set(datasets) - set(CLASSES):
        ap.error("--datasets takes bioasq and/or pubmedqa")
    for need in (common.SHARED_DATA / "bioasq", common.SHARED_DATA / "pubmedqa" / "pqal_dev.json",
                 common.SHARED_DATA / "scifact"):
        if not need.exists():
            sys.exit(f"benchmark data not found: {need} (qa_folds needs ../shared/data)")
    a.out.mkdir(parents=True, exist_ok=True)
    start = common.machine_info()
    code_dir, start["code"], start["code_commit"] = common.snapshot_code(a.out, a.code)
    common.use_snapshot(code_dir)
    os.environ["EVIDEX_QA_FOLDS_CODE"] = str(code_dir)
    t_run = time.perf_counter()
    tmps = []
    dirs = {}
    for name, given in (("db", a.db_dir), ("work", a.work)):
        if given is None:
            tmps.append(tempfile.TemporaryDirectory(prefix=f"evidex-qa-folds-{name}-"))
            dirs[name] = Path(tmps[-1].name)
        else:
            given.mkdir(parents=True, exist_ok=True)
            dirs[name] = given
    results = []
    try:
        refit_model = dirs["work"] / "stance-refit-all.json"
        refit_man, refit_s = {}, 0.0
        if READER == "linear":
            print("training the all-data model (--no-cv) for the in-sample comparison ...", file=sys.stderr, flush=True)
            refit_man, refit_s = train(refit_model, a.seed, None, None)
        for ds in datasets:
            every = list(BIOASQ_EDITIONS) if ds == "bioasq" else [str(k) for k in range(PUBMEDQA_FOLDS)]
            folds = [f for f in (a.folds.split(",") if a.folds else every) if f in every]
            if not folds:
                sys.exit(f"--folds {a.folds}: none is a {ds} fold ({', '.join(every)})")
            results.append(run_dataset(ds, folds, dirs["work"], dirs["db"], a.mode, a.seed,
                                       (refit_model, refit_man, refit_s)))
    finally:
        for t in tmps:
            t.cleanup()
    wall_s = time.perf_counter() - t_run
    code_note = ("Training and eval both imported the snapshot (the fold models' features are the eval's).")
    body, ok = report(results, wall_s, a.seed, a.mode, code_note, refit_s)
    print("\n" + body)
    print("ALL GOALS OK" if ok else "SOME GOALS FAIL")
    if a.record:
        cmd = "python benchmarks/qa_folds.py " + " ".join(argv if argv is not None else sys.argv[1:])
        common.append_results("QA held out: stance model trained without the scored fold", cmd.strip(), body, start)
        print(f"appended to {common.RESULTS_MD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
