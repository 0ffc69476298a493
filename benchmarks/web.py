"""Web load benchmark: 50 concurrent clients mixing ask / browse / record pages, loopback only.

Starts ``uvicorn`` (one worker) over a temporary store loaded with the starter pack, then
runs N clients against it until a request budget or a time budget is spent, whichever
comes first. Prints p50/p95 per kind, throughput and the error count, checks the goals
(zero errors; p95 < 1 s for record and browse pages) and exits 1 when one is missed.

    python benchmarks/web.py                        # 50 clients, 3,000 requests, <= 120 s
    python benchmarks/web.py --unique-asks          # every ask a new question (no answer cache)
    python benchmarks/web.py --results benchmarks/RESULTS.md   # also append a table row
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

GOAL_P95_S = {"record": 1.0, "browse": 1.0}
MIX = (("ask", 0.2), ("browse", 0.4), ("record", 0.4))
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
_LAUNCH = """
import sys, uvicorn
from evidex.web import create_app
uvicorn.run(create_app(sys.argv[1], comments_per_window=10**6), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(directory: Path) -> Path:
    from evidex.load import ingest_starter
    from evidex.store import Store
    db = directory / "bench-web.db"
    with Store(db) as store:
        ingest_starter(store)
    return db


def start(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", _LAUNCH, str(db), str(port)])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("server did not start")


def targets(url: str) -> dict[str, list[str]]:
    browse = httpx.get(url + "/api/browse").json()
    topics = [f"/browse/condition/{quote(c['name'], safe='')}" for c in browse["conditions"]]
    topics += [f"/browse/intervention/{quote(c['name'], safe='')}" for c in browse["interventions"]]
    ids = [h["id"] for h in httpx.get(url + "/api/search", params={"q": "naltrexone", "limit": 100}).json()]
    return {"browse": ["/browse", "/"] + topics,
            "record": [f"/records/{quote(i, safe=':/')}" for i in ids],
            "ask": ["/ask?q=" + quote(q) for q in QUESTIONS]}


async def run_load(url: str, paths: dict[str, list[str]], clients: int, requests: int, duration: float,
                   unique_asks: bool, seed: int) -> tuple[dict[str, list[float]], list[str], float]:
    rng = random.Random(seed)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    plan = [rng.choices(kinds, weights)[0] for _ in range(requests)]
    latencies: dict[str, list[float]] = {k: [] for k in kinds}
    errors: list[str] = []
    counter = iter(range(requests))
    deadline = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(worker: int) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
            for i in counter:
                if time.monotonic() > deadline:
                    return
                kind = plan[i]
                path = rng.choice(paths[kind])
                if kind == "ask" and unique_asks:
                    path += quote(f" (run {i})")
                elif kind == "record":
                    path += f"?hl={rng.randrange(0, 8)}"
                t0 = time.perf_counter()
                try:
                    r = await http.get(path)
                    ok = r.status_code == 200
                    detail = f"{r.status_code} {path}"
                except httpx.HTTPError as exc:
                    ok, detail = False, f"{type(exc).__name__} {path}"
                latencies[kind].append(time.perf_counter() - t0)
                if not ok:
                    errors.append(detail)

    t0 = time.perf_counter()
    await asyncio.gather(*(client(w) for w in range(clients)))
    return latencies, errors, time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=3000, help="total request budget")
    ap.add_argument("--duration", type=float, default=120.0, help="time budget in seconds")
    ap.add_argument("--unique-asks", action="store_true", help="make every ask a new question (no cache hits)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path, default=Path(__file__).parent / "out" / "web-results.json")
    ap.add_argument("--results", type=Path, help="append a Markdown table row to this file")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = prepare(Path(tmp))
        proc, url = start(db)
        try:
            paths = targets(url)
            latencies, errors, wall = asyncio.run(run_load(url, paths, args.clients, args.requests, args.duration,
                                                           args.unique_asks, args.seed))
        finally:
            proc.terminate()
            proc.wait(timeout=10)

    done = sum(len(v) for v in latencies.values())
    summary = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": platform.node(),
               "cpus": os.cpu_count(), "clients": args.clients, "requests": done, "wall_s": round(wall, 2),
               "throughput_rps": round(done / wall, 1), "errors": len(errors), "unique_asks": args.unique_asks,
               "kinds": {}}
    print(f"{done} requests from {args.clients} clients in {wall:.1f} s ({done / wall:.0f} req/s), "
          f"{len(errors)} error(s)")
    print(f"{'kind':<8}{'n':>7}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    all_lat = [x for v in latencies.values() for x in v]
    for kind, values in [*latencies.items(), ("all", all_lat)]:
        p50, p95 = pct(values, 50) * 1000, pct(values, 95) * 1000
        mx = max(values) * 1000 if values else float("nan")
        print(f"{kind:<8}{len(values):>7}{p50:>10.1f}{p95:>10.1f}{mx:>10.1f}")
        summary["kinds"][kind] = {"n": len(values), "p50_ms": round(p50, 1), "p95_ms": round(p95, 1),
                                  "max_ms": round(mx, 1)}
    for e in errors[:10]:
        print("  error:", e)
    verdicts = [("zero errors", not errors)]
    for kind, goal in GOAL_P95_S.items():
        verdicts.append((f"{kind} p95 < {goal * 1000:.0f} ms", pct(latencies[kind], 95) < goal))
    for name, ok in verdicts:
        print(f"{'OK  ' if ok else 'FAIL'} {name}")
    summary["ok"] = all(ok for _, ok in verdicts)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2))
    if args.results:
        k = summary["kinds"]
        row = (f"| web load | {summary['date'][:10]} | {args.clients} clients, {done} req"
               f"{', unique asks' if args.unique_asks else ''} | ask p50/p95 {k['ask']['p50_ms']}/{k['ask']['p95_ms']} ms; "
               f"browse {k['browse']['p50_ms']}/{k['browse']['p95_ms']} ms; record {k['record']['p50_ms']}/"
               f"{k['record']['p95_ms']} ms; {summary['throughput_rps']} req/s | {len(errors)} errors | "
               f"{'OK' if summary['ok'] else 'FAIL'} |\n")
        with open(args.results, "a", encoding="utf-8") as fh:
            fh.write(row)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
