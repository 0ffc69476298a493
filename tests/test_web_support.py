"""Shared helpers for the web tests: a real uvicorn server on a free loopback port over a
temporary store loaded with the starter pack, with one rater and one admin account.

(No tests here; the name keeps it with the other ``test_web*`` files.)
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

RATER = ("dr_rater", "rater-password-1", "Physician")
RATER2 = ("pharm_rater", "rater-password-2", "Pharmacist")
ADMIN = ("site_admin", "admin-password-1")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

_LAUNCH = """
import json, sys, uvicorn
from evidex.web import create_app
db, port, opts = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
uvicorn.run(create_app(db, **opts), host="127.0.0.1", port=port, log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_store(directory: Path) -> Path:
    from evidex.load import ingest_starter
    from evidex.store import Store
    from evidex.web import create_user
    db = directory / "web.db"
    with Store(db) as store:
        report = ingest_starter(store)
        assert report.ok, report.problems
    create_user(db, RATER[0], RATER[1], "rater", RATER[2])
    create_user(db, RATER2[0], RATER2[1], "rater", RATER2[2])
    create_user(db, ADMIN[0], ADMIN[1], "admin")
    return db


@dataclass
class Server:
    url: str
    db: Path
    proc: subprocess.Popen

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def start_server(db: Path, **opts) -> Server:
    port = free_port()
    log = open(db.parent / f"server-{port}.log", "w")
    proc = subprocess.Popen([sys.executable, "-c", _LAUNCH, str(db), str(port), json.dumps(opts)],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {(db.parent / f'server-{port}.log').read_text()}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return Server(url, db, proc)
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start within 30 s")


def api_client(server: Server) -> tuple[httpx.Client, str]:
    """A cookie-keeping client and its CSRF token."""
    client = httpx.Client(base_url=server.url, timeout=30)
    token = client.get("/api/csrf").json()["csrf_token"]
    return client, token


def api_login(server: Server, username: str, password: str) -> tuple[httpx.Client, str]:
    client, token = api_client(server)
    r = client.post("/api/login", json={"username": username, "password": password},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    return client, token


# The reader comment under seed 004: generic, off-topic praise of "this website" (spam).
SEED_004_SPAM = (
    "I actually wanted to type a quick note so as to say thanks to you for those magnificent tricks you are "
    "writing on this website. My time consuming internet search has finally been honored with reasonable "
    "know-how to share with my partners. I would suppose that most of us site visitors actually are undoubtedly "
    "blessed to dwell in a fantastic community with so many marvellous professionals with useful tactics. I feel "
    "very privileged to have seen your web page and look forward to so many more cool minutes reading here. "
    "Thanks once more for a lot of things.")
