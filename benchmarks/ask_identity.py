"""Same answers, less time: ``ask`` and ``rank`` of two source trees on one store, compared byte
for byte, with wall and CPU ms per question.

    .venv/bin/python benchmarks/ask_identity.py STORE OLD_SRC NEW_SRC [--rounds 3] [--clinician]

OLD_SRC is e.g. a worktree at the branch's start (``git worktree add --detach /tmp/base <commit>``,
then /tmp/base/src), NEW_SRC = src. Each round runs, one after the other, OLD, NEW, and NEW with
its remembered per-study work cleared before every question ("cold": ``synthesis.memo`` and the
embedder's sentence memo, where they exist), each in a fresh process warmed by one question not
in the set. Per question: ``render.to_json(ask(store, q))`` and ``retrieve.rank(store, q, 100)``,
the ms of each (wall and ``time.process_time``). Reported: how many answers and rankings equal
OLD's byte for byte in every round, and p50/p95/mean over the questions of each question's
fastest round (a shared, loaded machine only adds time). The questions: benchmarks/questions.txt
(as pubmed_scale.py asks them), with --clinician also benchmarks/data/clinician_dev.jsonl.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WARMUP = "Is low-dose naltrexone effective for fibromyalgia pain?"
WORKER = r'''
import json, os, sys, time
from evidex import retrieve
from evidex.render import to_json
from evidex.store import Store
from evidex.synthesis import ask
try:
    from evidex.synthesis.memo import clear
except ImportError:
    clear = lambda: None
def forget():
    clear()
    from evidex.index.embed import get_embedder
    memo = getattr(get_embedder("wordllama"), "memo", None)
    if memo is not None:
        memo.clear()
store = Store(sys.argv[1])
ask(store, sys.argv[2])
with open(sys.argv[4], "w") as out:
    for q in json.loads(open(sys.argv[3]).read()):
        if os.environ.get("ASK_COLD"):
            forget()
        t, c = time.perf_counter(), time.process_time()
        answer = to_json(ask(store, q))
        wall, cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
        t, c = time.perf_counter(), time.process_time()
        hits = [[r, float(s)] for r, s in retrieve.rank(store, q, 100)]
        rwall, rcpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
        out.write(json.dumps({"q": q, "answer": answer, "rank": hits, "wall": wall, "cpu": cpu,
                              "rank_wall": rwall, "rank_cpu": rcpu}) + "\n")
'''


def questions(clinician: bool) -> list[str]:
    qs = [line.split("\t", 1)[1].strip() for line in (HERE / "questions.txt").read_text(encoding="utf-8").splitlines()
          if line.strip() and not line.startswith("#") and "\t" in line]
    if clinician:
        qs += [json.loads(line)["question"] for line in
               (HERE / "data" / "clinician_dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return qs


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    f = int(k)
    return xs[f] + (xs[min(f + 1, len(xs) - 1)] - xs[f]) * (k - f)


def run(store: str, src: str, qfile: Path, out: Path, cold: bool) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(Path(src).resolve()), **({"ASK_COLD": "1"} if cold else {}))
    subprocess.run([sys.executable, "-c", WORKER, store, WARMUP, str(qfile), str(out)], env=env, cwd="/", check=True)
    return [json.loads(line) for line in out.read_text().splitlines()]


def summary(ref: list[dict], runs: list[list[dict]]) -> dict:
    n = len(ref)
    out: dict[str, object] = {
        "answers_identical": min(sum(a["answer"] == b["answer"] for a, b in zip(ref, r)) for r in runs),
        "rankings_identical": min(sum(a["rank"] == b["rank"] for a, b in zip(ref, r)) for r in runs)}
    for key in ("wall", "cpu", "rank_wall", "rank_cpu"):
        best = [min(r[i][key] for r in runs) for i in range(n)]
        out[key] = {"p50": round(percentile(best, .5), 1), "p95": round(percentile(best, .95), 1),
                    "mean": round(statistics.mean(best), 1)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store")
    ap.add_argument("old_src")
    ap.add_argument("new_src")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--clinician", action="store_true", help="also the clinician dev questions")
    args = ap.parse_args()
    qs = questions(args.clinician)
    variants = {"old": (args.old_src, False), "new": (args.new_src, False), "new_cold": (args.new_src, True)}
    got: dict[str, list[list[dict]]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory() as tmp:
        qfile = Path(tmp) / "questions.json"
        qfile.write_text(json.dumps(qs))
        for r in range(args.rounds):
            for name, (src, cold) in variants.items():
                got[name].append(run(args.store, src, qfile, Path(tmp) / f"{name}-{r}.jsonl", cold))
    ref = got["old"][0]
    print(json.dumps({"store": args.store, "questions": len(qs), "rounds": args.rounds,
                      **{name: summary(ref, runs) for name, runs in got.items()}}, indent=1))


if __name__ == "__main__":
    main()
