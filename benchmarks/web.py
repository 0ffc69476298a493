"""Web load benchmark: 100 concurrent clients for 60 s on loopback, mixing ask, browse and
record pages with JSON API reads and writes (comments, ratings by signed-in raters).

Starts ``uvicorn`` (one worker, answers in one worker process, as ``evidex serve``) over a
temporary store loaded with the starter pack, on 127.0.0.1 only, and runs N clients in a
closed loop (no think time) until the time budget, or the request budget, is spent. Each
client keeps its own cookies and CSRF token; the first ``RATERS`` clients sign in as raters.
Prints p50/p95/max per kind, throughput and errors (any unexpected status or transport
error), checks the goals (zero errors; p95 < 1 s for record and browse pages) and exits 1
when one is missed.

The code measured is a frozen copy of a git revision (default HEAD), never the working
tree others are editing; ``--compare REV`` runs the same load against REV first, side by side.

    python benchmarks/web.py                                  # 100 clients, 60 s
    python benchmarks/web.py --duration 10 --clients 20       # a quick check
    python benchmarks/web.py --unique-asks                    # every ask a new question (no answer cache)
    python benchmarks/web.py --compare daa5226 --results benchmarks/RESULTS.md
"""
from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

GOAL_P95_S = {"record": 1.0, "browse": 1.0}
MIX = (("ask", 0.15), ("browse", 0.30), ("record", 0.30), ("api", 0.20), ("api-write", 0.05))
EXPECTED = {"ask": 200, "browse": 200, "record": 200, "api": 200, "comment": 201, "rating": 200}
RATERS = 10
PASSWORD = "bench-rater-password"
MAX_REQUESTS = 200_000            # hard cap on top of the time budget
QUESTIONS = (
    "Is low-dose naltrexone effective for complex regional pain syndrome?",
    "Is low-dose naltrexone effective for fibromyalgia?",
    "What dose of low-dose naltrexone is used for chronic pain?",
    "Is low-dose naltrexone safe?",
    "Low-dose naltrexone versus amitriptyline for painful diabetic neuropathy",
    "Does low-dose naltrexone help multiple sclerosis?",
    "Is naltrexone effective for Crohn's disease?",
    "How does low-dose naltrexone work in chronic pain?",
)
SEARCHES = ("naltrexone fibromyalgia", "low dose naltrexone pain", "CRPS", "Crohn disease", "multiple sclerosis fatigue")
COMMENTS = ("Small trial, but the pain scores moved in the right direction on LDN 4.5 mg.",
            "Did the authors report dropouts for vivid dreams or insomnia?",
            "Useful for my fibromyalgia patients; I would like to see a longer follow-up.")
_LAUNCH = """
import sys, uvicorn
from evidex.web import create_app
uvicorn.run(create_app(sys.argv[1], comments_per_window=10**6), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", access_log=False)
"""
_PREPARE = """
import sys
from evidex.load import ingest_starter
from evidex.store import Store
from evidex.web import create_user
with Store(sys.argv[1]) as store:
    ingest_starter(store)
for i in range(int(sys.argv[2])):
    create_user(sys.argv[1], f"bench_rater_{i}", sys.argv[3], "rater", ("Physician", "Pharmacist", "Nurse")[i % 3])
"""


def code_of(rev: str, out: Path) -> tuple[Path, str]:
    """src/evidex as committed at ``rev``, unpacked into ``out`` (for PYTHONPATH); and the short sha."""
    sha = subprocess.run(["git", "-C", str(common.REPO), "rev-parse", "--short", rev], check=True,
                         capture_output=True, text=True).stdout.strip()
    dest = out / f"code-git-{sha}"
    if not (dest / "evidex" / "__init__.py").is_file():
        blob = subprocess.run(["git", "-C", str(common.REPO), "archive", sha, "src/evidex"], check=True,
                              capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
            tar.extractall(dest / "tmp", filter="data")
        (dest / "tmp" / "src" / "evidex").rename(dest / "evidex")
    return dest, sha


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(code: Path, db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    subprocess.run([sys.executable, "-c", _PREPARE, str(db), str(RATERS), PASSWORD], env=env, check=True)
    port = free_port()
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCH, str(db), str(port)], env=env, stdout=fh,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                httpx.get(url + "/api/ask", params={"q": QUESTIONS[0]}, timeout=60)   # the answer worker is up
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    sys.exit(f"server did not start: {log.read_text()[-2000:]}")


def targets(url: str) -> dict[str, list[str]]:
    browse = httpx.get(url + "/api/browse").json()
    topics = [f"/browse/condition/{quote(c['name'], safe='')}" for c in browse["conditions"]]
    topics += [f"/browse/intervention/{quote(c['name'], safe='')}" for c in browse["interventions"]]
    ids = [h["id"] for h in httpx.get(url + "/api/search", params={"q": "naltrexone", "limit": 100}).json()]
    rec = [quote(i, safe=":/") for i in ids]
    api = ([f"/api/search?q={quote(q)}" for q in SEARCHES] + [f"/api/records/{r}" for r in rec]
           + [f"/api/records/{r}/ratings" for r in rec] + [f"/api/records/{r}/comments" for r in rec]
           + ["/api/browse"] + [f"/api/ask?q={quote(q)}" for q in QUESTIONS[:3]])
    return {"browse": ["/browse", "/"] + topics, "record": [f"/records/{r}" for r in rec],
            "ask": ["/ask?q=" + quote(q) for q in QUESTIONS], "api": api, "ids": rec}


async def run_load(url: str, paths: dict[str, list[str]], clients: int, requests: int, duration: float,
                   seed: int, unique_asks: bool) -> tuple[dict[str, list[float]], dict[str, list[str]], float]:
    rng = random.Random(seed)
    kinds = [k for k, _ in MIX]
    plan = rng.choices(kinds, [w for _, w in MIX], k=requests)
    latencies: dict[str, list[float]] = {k: [] for k in kinds}
    errors: dict[str, list[str]] = {k: [] for k in kinds}
    counter = iter(range(requests))
    ready = asyncio.Barrier(clients + 1)
    clock = {"deadline": 0.0}

    async def one(http: httpx.AsyncClient, kind: str, i: int, token: str, rater: bool) -> tuple[int, str]:
        if kind == "api-write":
            record = rng.choice(paths["ids"])
            if rater:
                body = {"relevance": rng.randint(1, 7), "newsworthiness": rng.randint(1, 7), "comment": ""}
                r = await http.post(f"/api/records/{record}/ratings", json=body, headers={"X-CSRF-Token": token})
                return r.status_code - EXPECTED["rating"], f"{r.status_code} POST ratings {record}"
            body = {"body": f"{rng.choice(COMMENTS)} (reader {i})", "author": ""}
            r = await http.post(f"/api/records/{record}/comments", json=body, headers={"X-CSRF-Token": token})
            return r.status_code - EXPECTED["comment"], f"{r.status_code} POST comments {record}"
        path = rng.choice(paths[kind])
        if kind == "record":
            path += f"?hl={rng.randrange(0, 8)}"
        elif kind == "ask" and unique_asks:
            path += quote(f" (run {i})")           # a new question: no cached answer
        r = await http.get(path)
        return r.status_code - EXPECTED[kind], f"{r.status_code} {path}"

    async def client(worker: int) -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
            token, rater = "", worker < RATERS
            try:
                token = (await http.get("/api/csrf")).json()["csrf_token"]
                if rater:
                    r = await http.post("/api/login", headers={"X-CSRF-Token": token},
                                        json={"username": f"bench_rater_{worker}", "password": PASSWORD})
                    rater = r.status_code == 200
                    if not rater:
                        errors["api-write"].append(f"{r.status_code} sign-in of bench_rater_{worker}")
            except httpx.HTTPError as exc:
                errors["api"].append(f"{type(exc).__name__} during set-up of client {worker}")
                return
            finally:
                await ready.wait()                # the clock starts when every client is set up
            for i in counter:
                if time.monotonic() > clock["deadline"]:
                    return
                kind = plan[i]
                t0 = time.perf_counter()
                try:
                    bad, detail = await one(http, kind, i, token, rater)
                except httpx.HTTPError as exc:
                    bad, detail = 1, f"{type(exc).__name__} {kind}"
                latencies[kind].append(time.perf_counter() - t0)
                if bad:
                    errors[kind].append(detail)

    tasks = [asyncio.create_task(client(w)) for w in range(clients)]
    await ready.wait()                            # every client connected and signed in: start the clock
    clock["deadline"] = time.monotonic() + duration
    t0 = time.perf_counter()
    await asyncio.gather(*tasks)
    return latencies, errors, time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def measure(code: Path, args, tmp: Path, label: str) -> dict:
    db, log = tmp / f"{label}.db", tmp / f"{label}-server.log"
    proc, url = start(code, db, log)
    load = os.getloadavg()[0]
    try:
        paths = targets(url)
        for kind in ("browse", "record", "api"):        # first use imports the page's modules: not measured
            httpx.get(url + paths[kind][-1], timeout=120)
        latencies, errors, wall = asyncio.run(run_load(url, paths, args.clients, args.requests, args.duration,
                                                       args.seed, args.unique_asks))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    done = sum(len(v) for v in latencies.values())
    kinds = {k: {"n": len(v), "p50_ms": pct(v, 50) * 1000, "p95_ms": pct(v, 95) * 1000,
                 "max_ms": max(v, default=float("nan")) * 1000, "errors": len(errors.get(k, ()))}
             for k, v in [*latencies.items(), ("all", [x for v in latencies.values() for x in v])]}
    kinds["all"]["errors"] = sum(len(e) for e in errors.values())
    tracebacks = log.read_text(errors="replace").count("Traceback")
    return {"label": label, "requests": done, "wall_s": wall, "rps": done / wall, "kinds": kinds,
            "errors": [e for v in errors.values() for e in v][:20], "tracebacks": tracebacks,
            "load_start": load, "load_end": os.getloadavg()[0]}


def report(run: dict) -> str:
    rows = [[k, common.fmt(v["n"]), common.fmt(v["p50_ms"], 1), common.fmt(v["p95_ms"], 1),
             common.fmt(v["max_ms"], 1), v["errors"]] for k, v in run["kinds"].items()]
    return common.table(["kind", "n", "p50 ms", "p95 ms", "max ms", "errors"], rows)


def goals(run: dict) -> list[tuple[str, bool]]:
    out = [("zero errors", run["kinds"]["all"]["errors"] == 0 and run["tracebacks"] == 0)]
    out += [(f"{k} p95 < {g * 1000:.0f} ms", run["kinds"][k]["p95_ms"] < g * 1000) for k, g in GOAL_P95_S.items()]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--duration", type=float, default=60.0, help="time budget in seconds (the clock starts once "
                                                                 "every client is connected)")
    ap.add_argument("--requests", type=int, default=MAX_REQUESTS, help="request budget (a cap)")
    ap.add_argument("--rev", default="HEAD", help="git revision whose src/evidex is measured")
    ap.add_argument("--compare", help="also measure this revision first, as the baseline")
    ap.add_argument("--unique-asks", action="store_true", help="make every ask a new question (no cache hits)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path, default=common.DEFAULT_OUT / "web-results.json")
    ap.add_argument("--results", type=Path, help="append a dated section to this Markdown file")
    args = ap.parse_args()
    args.requests = min(args.requests, MAX_REQUESTS)
    common.DEFAULT_OUT.mkdir(parents=True, exist_ok=True)
    info = common.machine_info()

    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for rev in ([args.compare] if args.compare else []) + [args.rev]:
            code, sha = code_of(rev, common.DEFAULT_OUT)
            run = measure(code, args, Path(tmp), sha)
            runs.append(run)
            print(f"\n{sha}: {run['requests']} requests from {args.clients} clients in {run['wall_s']:.1f} s "
                  f"({run['rps']:.0f} req/s), {run['kinds']['all']['errors']} error(s), "
                  f"{run['tracebacks']} server traceback(s); load {run['load_start']:.2f} -> {run['load_end']:.2f}")
            print(report(run))
            for e in run["errors"][:10]:
                print("  error:", e)
    current = runs[-1]
    verdicts = goals(current)
    for name, ok in verdicts:
        print(f"{'OK  ' if ok else 'FAIL'} {name}")
    args.json.write_text(json.dumps({"machine": info, "clients": args.clients, "duration_s": args.duration,
                                     "runs": runs, "ok": all(ok for _, ok in verdicts)}, indent=2))
    if args.results:
        body = [f"Loopback only (127.0.0.1), one uvicorn worker plus one answer process, store = starter pack "
                f"(39 records) with {RATERS} rater accounts; {args.clients} clients in a closed loop (no think "
                f"time) for {args.duration:g} s after all had connected and one page of each kind had been served{', every ask a new question' if args.unique_asks else ''}; mix "
                + ", ".join(f"{int(w * 100)}% {k}" for k, w in MIX)
                + " (api = GET search/record/ratings/comments/browse/ask JSON; api-write = POST a comment, or a "
                  "rating by the signed-in raters). The load generator runs on the same cores."]
        for run in runs:
            title = "baseline" if run is not current and args.compare else "measured"
            body.append(f"\n**{title}: git {run['label']}** — {run['requests']:,} requests in {run['wall_s']:.1f} s "
                        f"({run['rps']:.0f} req/s), {run['kinds']['all']['errors']} errors, {run['tracebacks']} "
                        f"server tracebacks; load average {run['load_start']:.2f} at start, {run['load_end']:.2f} "
                        f"at end\n\n{report(run)}")
        if len(runs) == 2:
            base = runs[0]["kinds"]
            body.append("\nRatios measured / baseline (p95): " + ", ".join(
                f"{k} {current['kinds'][k]['p95_ms'] / base[k]['p95_ms']:.2f}" for k in base
                if base[k]["n"] and current["kinds"][k]["n"]) + f"; throughput {current['rps'] / runs[0]['rps']:.2f}")
        body.append("\nGoals: " + "; ".join(f"{name} {'OK' if ok else 'FAIL'}" for name, ok in verdicts) + ".")
        command = "python benchmarks/web.py " + " ".join(sys.argv[1:])
        head = (f"\n## Web load at {args.clients} clients (benchmarks/web.py) — {info['date']}\n\n"
                f"- command: `{command}`\n- commit: {info['commit']}; code measured: git {current['label']}"
                f"{' beside ' + runs[0]['label'] if len(runs) == 2 else ''} (src/evidex as committed)\n"
                f"- machine: {info['nproc']} CPU(s) ({info['cpu']}), Python {info['python']}, SQLite "
                f"{info['sqlite']}; shared with other engineers' jobs (load averages below)\n\n")
        with open(args.results, "a", encoding="utf-8") as fh:
            fh.write(head + "\n".join(body).rstrip() + "\n")
    return 0 if all(ok for _, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
