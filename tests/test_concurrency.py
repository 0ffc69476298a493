"""Concurrent use of one store, with real processes: ``evidex serve`` answering while
``evidex ingest`` writes (no "database is locked", no 500; answers may lag, never fail), and
a second ingest on the same store refused with a clear message while the first runs."""
from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi", reason="the web app needs fastapi")

from .test_web_support import free_port  # noqa: E402

COPIES = 20            # 20 x 39 starter records: an ingest of 780 records, a few seconds
NEW_TERM = "zebracorn"  # only in the records the concurrent ingest adds


def _evidex(*args: str, **kw) -> list[str]:
    return [sys.executable, "-m", "evidex", *args]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("EVIDEX_CRASH_AT", "EVIDEX_DB")}


def _bulk_input(path: Path) -> Path:
    from evidex.load import starter_path
    with starter_path() as starter:
        rows = [json.loads(line) for line in starter.read_text(encoding="utf-8").splitlines() if line.strip()]
    with open(path, "w", encoding="utf-8") as fh:
        for k in range(COPIES):
            for i, row in enumerate(rows):
                fh.write(json.dumps({**row, "id": f"bulk:{k}:{i}", "pmid": None, "doi": None,
                                     "title": f"{row['title']} — {NEW_TERM} cohort {k}"}) + "\n")
    return path


def _lock_held(db: Path) -> bool:
    fd = os.open(str(db) + ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)        # closing drops a lock taken here
    return False


@dataclass
class Run:
    db: Path
    url: str
    calls: list[tuple[str, int, str]] = field(default_factory=list)   # (path, status, body if not 200)
    polls_during_ingest: int = 0
    ingest: subprocess.CompletedProcess | None = None
    second: subprocess.CompletedProcess | None = None
    first_pid: int = 0
    server_log: str = ""
    lag_s: float | None = None
    served_after: list[tuple[str, float]] = field(default_factory=list)
    after_rerun: subprocess.CompletedProcess | None = None


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    tmp = tmp_path_factory.mktemp("concurrency")
    db = tmp / "evidex.db"
    subprocess.run(_evidex("ingest", "--starter", "--db", str(db), "-q"), env=_env(), check=True,
                   capture_output=True, timeout=300)
    bulk = _bulk_input(tmp / "bulk.jsonl")
    port = free_port()
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen(_evidex("serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(db)),
                              stdout=log, stderr=subprocess.STDOUT, env={**_env(), "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    out = Run(db, url)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp / "server.log").read_text()
            try:
                if httpx.get(url + "/api/browse", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server did not start within 60 s"
            time.sleep(0.2)
        paths = ["/api/search?q=naltrexone%20fibromyalgia", "/api/browse", "/api/ask?q=Does%20low-dose%20"
                 "naltrexone%20reduce%20fibromyalgia%20pain%3F", f"/api/search?q={NEW_TERM}",
                 "/api/records/doi:10.1007/s11481-013-9451-y", "/"]
        for p in paths:                       # warm: the vector index is open before the ingest starts
            httpx.get(url + p, timeout=60)
        ingest = subprocess.Popen(_evidex("ingest", str(bulk), "--db", str(db), "-q"), env=_env(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out.first_pid = ingest.pid
        stop = threading.Event()

        def poll(offset: int) -> None:
            with httpx.Client(base_url=url, timeout=60) as client:
                i = offset
                while not stop.is_set():
                    p = paths[i % len(paths)]
                    i += 1
                    try:
                        r = client.get(p)
                        out.calls.append((p, r.status_code, "" if r.status_code == 200 else r.text[:500]))
                    except httpx.HTTPError as exc:
                        out.calls.append((p, -1, repr(exc)))
                    stop.wait(0.05)           # steady traffic, not a CPU hog beside the ingest
        pollers = [threading.Thread(target=poll, args=(k,)) for k in range(3)]
        for t in pollers:
            t.start()
        deadline = time.monotonic() + 60
        while not _lock_held(db) and ingest.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        out.second = subprocess.run(_evidex("ingest", "--starter", "--db", str(db), "-q"), env=_env(),
                                    capture_output=True, text=True, timeout=300)
        stdout, stderr = ingest.communicate(timeout=600)
        out.ingest = subprocess.CompletedProcess(ingest.args, ingest.returncode, stdout, stderr)
        out.polls_during_ingest = len(out.calls)
        stop.set()
        for t in pollers:
            t.join()
        # Lag, not loss: the new records show up in the server's answers once committed.
        t0 = time.monotonic()
        while time.monotonic() - t0 < 30:
            hits = httpx.get(url + f"/api/search?q={NEW_TERM}&limit=5", timeout=60).json()
            if hits:
                out.lag_s = time.monotonic() - t0
                break
            time.sleep(0.2)
        out.served_after = [(h["id"], h["score"]) for h in
                            httpx.get(url + "/api/search?q=chronic%20pain%20cohort&limit=10", timeout=60).json()]
        out.after_rerun = subprocess.run(_evidex("ingest", "--starter", "--db", str(db), "-q"), env=_env(),
                                         capture_output=True, text=True, timeout=300)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        out.server_log = (tmp / "server.log").read_text()
    return out


def test_server_answers_every_request_while_an_ingest_writes(run: Run):
    assert run.ingest is not None and run.ingest.returncode == 0, run.ingest.stderr if run.ingest else ""
    assert run.polls_during_ingest >= 10, "too few requests overlapped the ingest to mean anything"
    failed = [c for c in run.calls if c[1] != 200]
    assert not failed, failed[:5]
    assert "locked" not in run.server_log.lower() and "Traceback" not in run.server_log, run.server_log[-3000:]


def test_new_records_reach_the_server_after_the_ingest(run: Run):
    assert run.lag_s is not None, "records the ingest added never appeared in the server's search"
    # The server's long-open vector index picks up the generation the ingest committed: its
    # hybrid results equal those of a process that opens the store afresh.
    from evidex.retrieve import search
    from evidex.store import Store
    with Store(run.db) as store:
        fresh = [(c.stored.record.id, round(c.score, 4)) for c in search(store, "chronic pain cohort", 10)]
    assert run.served_after == fresh


def test_a_second_ingest_is_refused_while_one_writes(run: Run):
    second = run.second
    assert second is not None and second.returncode == 1, (second.returncode, second.stderr)
    assert "being written by another evidex process" in second.stderr
    assert f"pid {run.first_pid}" in second.stderr
    assert "Traceback" not in second.stderr
    # Once the first has finished, the same command runs (the lock died with its holder).
    assert run.after_rerun is not None and run.after_rerun.returncode == 0, run.after_rerun.stderr
    with_store = subprocess.run(_evidex("search", NEW_TERM, "--db", str(run.db), "--format", "json", "-k", "3"),
                                env=_env(), capture_output=True, text=True, timeout=120)
    assert len(json.loads(with_store.stdout)) == 3
