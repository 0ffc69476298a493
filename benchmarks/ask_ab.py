"""Ask latency of two source trees side by side on one store, question by question.

    .venv/bin/python benchmarks/ask_ab.py STORE OLD_SRC NEW_SRC [--questions N]

e.g. OLD_SRC from ``git archive <commit> src | tar -x -C /tmp/old`` (then /tmp/old/src) and
NEW_SRC = src. Each tree answers in its own long-lived process, warmed by one question that is
not in the set (as benchmarks/ask.py does), so remembered per-text work carries over only
between different questions, never from a first pass over the same ones. The questions of
benchmarks/questions.txt go to both, alternately old first and new first, one at a time (the
two never run at once); each reports wall and CPU ms for ``ask`` and a digest of its contract
(render.to_contract without timing), so the run also says how many answers are identical.
Prints one JSON line: p50/p95/mean of wall and CPU for each tree and old/new ratios.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

QUESTIONS = Path(__file__).resolve().parent / "questions.txt"
WARMUP = "Is low-dose naltrexone effective for chronic pain?"
WORKER = r'''
import hashlib, json, sys, time
import evidex
from evidex.render import to_contract
from evidex.store import Store
from evidex.synthesis.answer import ask
store = Store(sys.argv[1])
ask(store, sys.argv[2])
print(json.dumps({"ready": evidex.__file__}), flush=True)
for line in sys.stdin:
    c0, t0 = time.process_time(), time.perf_counter()
    answer = ask(store, json.loads(line))
    wall, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
    c = to_contract(answer)
    c.pop("timing", None)
    c.pop("generated_at", None)
    digest = hashlib.sha256(json.dumps(c, sort_keys=True, default=str).encode()).hexdigest()[:16]
    print(json.dumps({"wall": wall, "cpu": cpu, "digest": digest}), flush=True)
'''


def _percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store")
    ap.add_argument("old_src")
    ap.add_argument("new_src")
    ap.add_argument("--questions", type=int, default=50)
    args = ap.parse_args()
    qs = [line.split("\t", 1)[1].strip() for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
          if line.strip() and not line.startswith("#")][:args.questions]
    procs = {}
    for name, src in (("old", args.old_src), ("new", args.new_src)):
        env = dict(os.environ, PYTHONPATH=str(Path(src).resolve()))
        procs[name] = subprocess.Popen([sys.executable, "-c", WORKER, args.store, WARMUP], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True, env=env, cwd="/")
    for name, p in procs.items():
        print(name, json.loads(p.stdout.readline())["ready"], file=sys.stderr)
    res: dict[str, list[dict]] = {"old": [], "new": []}
    same = 0
    for i, q in enumerate(qs):
        got = {}
        for name in (("old", "new") if i % 2 == 0 else ("new", "old")):
            procs[name].stdin.write(json.dumps(q) + "\n")
            procs[name].stdin.flush()
            got[name] = json.loads(procs[name].stdout.readline())
            res[name].append(got[name])
        same += got["old"]["digest"] == got["new"]["digest"]
    for p in procs.values():
        p.stdin.close()
        p.wait()
    out: dict[str, object] = {"store": args.store, "questions": len(qs), "same_answers": same}
    for name in ("old", "new"):
        for k in ("wall", "cpu"):
            xs = [r[k] for r in res[name]]
            out[f"{name}_{k}_p50"] = round(statistics.median(xs), 1)
            out[f"{name}_{k}_p95"] = round(_percentile(xs, 0.95), 1)
            out[f"{name}_{k}_mean"] = round(statistics.mean(xs), 1)
    for k in ("wall_p50", "wall_p95", "cpu_p50", "cpu_p95", "cpu_mean"):
        out[f"ratio_{k}"] = round(out[f"old_{k}"] / out[f"new_{k}"], 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
