"""PubMed online: E-utilities esearch + efetch against a real local HTTP server.

The server serves real efetch XML (PubmedArticle elements cut from the shared PubMed files)
and esearch JSON listing their PMIDs; it records every request so that tests can count
what the client asked for.
"""
from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from lxml import etree

from evidex.ingest import iter_file
from evidex.ingest.pubmed_online import EUtils, PubMedError, search_and_fetch
from evidex.records import Problem, Record
from evidex.store import Store

from .conftest import need_data

SOURCE_FILES = ("titipata_test_current_medline.xml", "biopython_pubmed1.xml", "biopython_pubmed2.xml")
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@dataclass
class Request:
    endpoint: str
    params: dict[str, str]


@dataclass
class EUtilsServer:
    """A real HTTP server on 127.0.0.1 imitating esearch.fcgi and efetch.fcgi."""

    articles: dict[str, bytes]                       # pmid -> serialized <PubmedArticle>
    requests: list[Request] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)   # statuses to answer first, one per request
    always: int | None = None                        # answer every request with this status
    efetch_body: bytes | None = None                 # serve these bytes instead of built XML
    esearch_body: bytes | None = None
    url: str = ""

    def efetch_ids(self) -> list[str]:
        return [i for r in self.requests if r.endpoint == "efetch.fcgi" for i in r.params["id"].split(",")]

    def count(self, endpoint: str) -> int:
        return sum(r.endpoint == endpoint for r in self.requests)


def _handler(state: EUtilsServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def _answer(self, params: dict[str, str]) -> None:
            endpoint = urlparse(self.path).path.rsplit("/", 1)[-1]
            state.requests.append(Request(endpoint, params))
            status = state.always or (state.failures.pop(0) if state.failures else 200)
            if status != 200:
                self._send(status, b"<html><body>Service unavailable</body></html>", "text/html")
            elif endpoint == "esearch.fcgi":
                retmax = int(params.get("retmax", "20"))
                ids = list(state.articles)[:retmax]
                body = state.esearch_body or json.dumps({"header": {"type": "esearch", "version": "0.3"},
                                                         "esearchresult": {"count": str(len(state.articles)),
                                                                           "retmax": str(len(ids)),
                                                                           "retstart": "0", "idlist": ids}}).encode()
                self._send(200, body, "application/json")
            elif endpoint == "efetch.fcgi":
                ids = params["id"].split(",")
                body = state.efetch_body or (
                    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
                    b'1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n'
                    b"<PubmedArticleSet>\n" + b"\n".join(state.articles[i] for i in ids if i in state.articles)
                    + b"\n</PubmedArticleSet>\n")
                self._send(200, body, "text/xml")
            else:
                self._send(404, b"unknown endpoint", "text/plain")

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            self._answer({k: v[0] for k, v in form.items()})

        def do_GET(self):
            self._answer({k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()})

    return Handler


@pytest.fixture(scope="module")
def articles() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for name in SOURCE_FILES:
        tree = etree.parse(str(need_data("pubmed_xml", name)))
        for art in tree.getroot().iter("PubmedArticle"):
            pmid = art.findtext("MedlineCitation/PMID").strip()
            art.tail = None
            out[pmid] = etree.tostring(art, encoding="utf-8")
    assert len(out) == 8
    return out


@pytest.fixture(scope="module")
def originals() -> dict[str, Record]:
    """The same records parsed straight from the files, for comparison."""
    out = {}
    for name in SOURCE_FILES:
        out.update({r.id: r for r in iter_file(need_data("pubmed_xml", name)) if isinstance(r, Record)})
    return out


@pytest.fixture
def server(articles, monkeypatch):
    for var in _PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
    state = EUtilsServer(dict(articles))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/entrez/eutils"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


class FakeClock:
    """Time that only moves when slept through: rate limits and backoff become exact."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def sleep(self, s: float) -> None:
        self.sleeps.append(round(s, 6))
        self.now += s

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client():
    with httpx.Client() as c:
        yield c


def test_search_then_fetch_returns_the_records(server, client, originals):
    eutils = EUtils(client=client, base_url=server.url, sleep=lambda s: None)
    ids = eutils.search("low back pain", 20)
    assert ids == list(server.articles)
    got = list(eutils.fetch(ids))
    assert all(isinstance(r, Record) for r in got)
    assert [r.pmid for r in got] == ids
    for r in got:
        assert r.content_hash() == originals[r.id].content_hash()
        assert r.source.startswith("pubmed efetch (")
    (search_req,) = [r for r in server.requests if r.endpoint == "esearch.fcgi"]
    assert search_req.params["term"] == "low back pain"
    assert search_req.params["db"] == "pubmed" and search_req.params["retmax"] == "20"
    assert search_req.params["retmode"] == "json" and search_req.params["tool"] == "evidex"
    assert "api_key" not in search_req.params
    assert server.efetch_ids() == ids
    assert server.count("efetch.fcgi") == 1


def test_search_respects_max_and_fetch_batches(server, client):
    eutils = EUtils(client=client, base_url=server.url, sleep=lambda s: None)
    assert eutils.search("q", 3) == list(server.articles)[:3]
    assert server.requests[-1].params["retmax"] == "3"
    ids = list(server.articles)
    got = list(eutils.fetch(ids, batch=3))
    assert [r.pmid for r in got] == ids
    batches = [r.params["id"].split(",") for r in server.requests if r.endpoint == "efetch.fcgi"]
    assert len(batches) == math.ceil(len(ids) / 3)
    assert all(len(b) <= 3 for b in batches)
    assert sum(batches, []) == ids


def test_503_twice_then_200_is_retried(server, client):
    clock = FakeClock()
    server.failures = [503, 503]
    eutils = EUtils(client=client, base_url=server.url, sleep=clock.sleep, clock=clock, backoff_s=1.0)
    assert eutils.search("q", 20) == list(server.articles)
    assert server.count("esearch.fcgi") == 3
    assert clock.sleeps == [1.0, 2.0]            # exponential backoff between the attempts


def test_always_500_raises_after_retries(server, client):
    clock = FakeClock()
    server.always = 500
    eutils = EUtils(client=client, base_url=server.url, retries=2, sleep=clock.sleep, clock=clock)
    with pytest.raises(PubMedError, match="HTTP 500"):
        eutils.search("q", 5)
    assert server.count("esearch.fcgi") == 3     # the first try and 2 retries
    assert clock.sleeps == [1.0, 2.0]


def test_client_error_is_not_retried(server, client):
    server.always = 400
    eutils = EUtils(client=client, base_url=server.url, sleep=lambda s: None)
    with pytest.raises(PubMedError, match="HTTP 400"):
        list(eutils.fetch(["36400559"]))
    assert len(server.requests) == 1


def test_unexpected_esearch_body(server, client):
    server.esearch_body = b"<html>not json</html>"
    with pytest.raises(PubMedError, match="unexpected body"):
        EUtils(client=client, base_url=server.url, sleep=lambda s: None).search("q", 5)
    server.esearch_body = b'{"esearchresult": {"ERROR": "Invalid query"}}'
    with pytest.raises(PubMedError, match="unexpected body"):
        EUtils(client=client, base_url=server.url, sleep=lambda s: None).search("q", 5)


def test_unreachable_server_raises_pubmed_error(client, monkeypatch):
    for var in _PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]       # closed again before use: nothing listens there
    clock = FakeClock()
    eutils = EUtils(client=client, base_url=f"http://127.0.0.1:{port}", retries=1,
                    sleep=clock.sleep, clock=clock)
    with pytest.raises(PubMedError, match="ConnectError"):
        eutils.search("q", 5)
    assert clock.sleeps == [1.0]


def test_rate_limit_and_api_key(server, client):
    clock = FakeClock()
    eutils = EUtils(client=client, base_url=server.url, sleep=clock.sleep, clock=clock)
    eutils.search("q", 2)
    eutils.search("q", 2)
    assert clock.sleeps == [pytest.approx(0.34)]    # at most 3 requests/s without a key
    keyed_clock = FakeClock()
    keyed = EUtils(client=client, base_url=server.url, api_key="SECRET123", sleep=keyed_clock.sleep,
                   clock=keyed_clock)
    keyed.search("q", 2)
    keyed.search("q", 2)
    assert keyed_clock.sleeps == [pytest.approx(0.1)]  # 10 requests/s with one
    assert server.requests[-1].params["api_key"] == "SECRET123"


def test_search_and_fetch_skips_known_ids(server, client):
    ids = list(server.articles)
    known = {f"pmid:{ids[0]}", f"pmid:{ids[3]}"}
    eutils = EUtils(client=client, base_url=server.url, sleep=lambda s: None)
    got = list(search_and_fetch(eutils, "q", 20, known=known.__contains__))
    assert [r.id for r in got] == [f"pmid:{i}" for i in ids if f"pmid:{i}" not in known]
    assert server.efetch_ids() == [i for i in ids if f"pmid:{i}" not in known]
    assert len(server.efetch_ids()) == len(ids) - 2


def test_search_and_fetch_all_known_fetches_nothing(server, client):
    eutils = EUtils(client=client, base_url=server.url, sleep=lambda s: None)
    got = list(search_and_fetch(eutils, "q", 20, known=lambda _id: True))
    assert got == []
    assert server.count("esearch.fcgi") == 1 and server.count("efetch.fcgi") == 0


def test_truncated_efetch_body_yields_problem(server, client):
    server.efetch_body = need_data("pubmed_xml", "iAmGiG_pubmed_sample_TRUNCATED.xml").read_bytes()
    eutils = EUtils(client=client, base_url=server.url, sleep=lambda s: None)
    got = list(eutils.fetch(["1", "2"]))
    assert sum(isinstance(g, Record) for g in got) == 8
    (problem,) = [g for g in got if isinstance(g, Problem)]
    assert problem.source == "pubmed efetch (1..2)" and problem.where.startswith("line ")


# -- the CLI path --------------------------------------------------------------------

def _evidex(*args: str, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _PROXY_VARS and k != "EVIDEX_DB"}
    env.update(env_extra)
    exe = Path(sys.executable).with_name("evidex")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "evidex"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, timeout=120)


def test_cli_ingest_pubmed(server, db_path):
    env = {"EVIDEX_EUTILS_URL": server.url}
    first = _evidex("ingest", "--pubmed", "naltrexone AND pain", "--max", "5", "--db", str(db_path), env_extra=env)
    assert first.returncode == 0, first.stderr
    ids = list(server.articles)[:5]
    search_req = next(r for r in server.requests if r.endpoint == "esearch.fcgi")
    assert search_req.params["term"] == "naltrexone AND pain" and search_req.params["retmax"] == "5"
    assert server.efetch_ids() == ids
    assert "5 added" in first.stderr
    with Store(db_path) as store:
        assert store.count() == 5
        assert all(store.has(f"pmid:{i}") for i in ids)
        checksum = store.checksum()
    # A second run resumes: every id is known, so nothing is fetched and nothing changes.
    second = _evidex("ingest", "--pubmed", "naltrexone AND pain", "--max", "5", "--db", str(db_path), env_extra=env)
    assert second.returncode == 0, second.stderr
    assert server.count("esearch.fcgi") == 2 and server.count("efetch.fcgi") == 1
    with Store(db_path) as store:
        assert store.count() == 5 and store.checksum() == checksum


def test_cli_ingest_pubmed_bad_xml_exits_2(server, db_path):
    server.efetch_body = need_data("pubmed_xml", "iAmGiG_pubmed_sample_TRUNCATED.xml").read_bytes()
    run = _evidex("ingest", "--pubmed", "q", "--max", "3", "--db", str(db_path),
                  env_extra={"EVIDEX_EUTILS_URL": server.url})
    assert run.returncode == 2, run.stderr
    assert "pubmed efetch" in run.stderr and "malformed XML" in run.stderr
    with Store(db_path) as store:
        assert store.count() == 8


def test_cli_ingest_pubmed_http_error_exits_1(server, db_path):
    server.always = 400
    run = _evidex("ingest", "--pubmed", "q", "--db", str(db_path), env_extra={"EVIDEX_EUTILS_URL": server.url})
    assert run.returncode == 1
    assert "PubMed" in run.stderr and "HTTP 400" in run.stderr
    assert "Traceback" not in run.stderr
