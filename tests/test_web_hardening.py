"""Web hardening (issue 11): hostile record URLs never become links, ratings are whole
numbers (not booleans), ids beyond 64 bits are client errors, a sign-in ends the account's
earlier sessions, ``evidex serve --secure-cookies`` marks cookies Secure, and every test
docs/security.md names exists. Real uvicorn servers on loopback over real SQLite files.
"""
from __future__ import annotations

import ast
import re
import socket
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi", reason="the web app needs fastapi")

from .test_web_support import ADMIN, RATER, RATER2, api_client, api_login, free_port, start_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
QUESTION = "Is low-dose naltrexone effective for fibromyalgia?"
HOSTILE_URLS = ("javascript:alert(document.cookie)", " JaVaScRiPt:alert(1)", "java\tscript:alert(2)",
                "data:text/html,<script>alert(3)</script>", "vbscript:msgbox(4)", "//evil.example/x",
                "https://", "http://[oops/")
GOOD_URL = "https://example.org/trials/ldn?id=5&arm=1"
GOOD_ID = "sha:goodurl000000001"
BIG_IDS = (str(2**64), str(2**63), "9" * 400, "-1", "0", str(-(2**64)), "1e3", "NaN")


def _records():
    from evidex.records import Record, Section
    out = []
    for i, url in enumerate((*HOSTILE_URLS, GOOD_URL)):
        rid = GOOD_ID if url == GOOD_URL else f"sha:hostileurl{i:05d}"
        out.append(Record(
            id=rid, title=f"Low-dose naltrexone for fibromyalgia: a randomised trial, cohort {i}",
            sections=(Section("RESULTS", f"In {40 + i} women with fibromyalgia, low-dose naltrexone 4.5 mg reduced "
                                         f"pain more than placebo (p = 0.0{i % 9 + 1})."),
                      Section("CONCLUSIONS", "Low-dose naltrexone is effective for fibromyalgia pain.")),
            year=2010 + i, publication_types=("Randomized Controlled Trial",), url=url))
    return out


def hostile_store(directory: Path) -> Path:
    """A store whose records carry hostile URLs, written below the parsers (as an older
    store, or a future parser, might hold them), plus one record with a genuine https URL."""
    from evidex.load import IngestReport, ingest_items
    from evidex.store import Store
    from evidex.web import create_user
    db = directory / "hostile.db"
    report = IngestReport()
    with Store(db) as store:
        ingest_items(store, _records(), report)
    assert report.stats.added == len(HOSTILE_URLS) + 1, report.summary()
    create_user(db, RATER[0], RATER[1], "rater", RATER[2])
    create_user(db, RATER2[0], RATER2[1], "rater", RATER2[2])
    create_user(db, ADMIN[0], ADMIN[1], "admin")
    return db


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(hostile_store(tmp_path_factory.mktemp("web-hardening")), comments_per_window=1000)
    yield srv
    srv.stop()
    log = next(srv.db.parent.glob("server-*.log")).read_text()
    assert "Traceback" not in log, log[-4000:]


class _Links(HTMLParser):
    """Every URL-valued attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [v or "" for k, v in attrs if k in ("href", "src", "action", "formaction")]


def page_urls(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


def assert_only_safe_urls(html: str) -> list[str]:
    urls = page_urls(html)
    for url in urls:
        scheme = urlsplit(url.strip()).scheme.lower()
        local = url.startswith(("/", "#", "?")) and not url.startswith("//")
        assert local or scheme in ("http", "https"), f"unsafe link {url!r}"
        if not local:
            assert urlsplit(url).hostname, url
    return urls


# -- defect 6: a record URL is a link only when it is http(s) --------------------------------
def test_web_link_accepts_only_absolute_http_urls():
    from evidex.render.links import web_link
    for url in HOSTILE_URLS + ("", "ftp://x.org/a", "mailto:a@b.org", "https://exa mple.org", "http://a.org/\u202e",
                               "https://a.org/\x00", "https://a.org/\"onmouseover=alert(1)", "/records/x"):
        assert web_link(url) == "", url
    assert web_link(GOOD_URL) == GOOD_URL
    assert web_link("  https://pubmed.ncbi.nlm.nih.gov/34213865/ ") == "https://pubmed.ncbi.nlm.nih.gov/34213865/"
    assert web_link("HTTP://doi.org/10.1/abc") == "HTTP://doi.org/10.1/abc"


def test_hostile_record_urls_are_not_links_on_record_and_answer_pages(server):
    for record in _records():
        r = httpx.get(server.url + "/records/" + quote(record.id, safe=":/"))
        assert r.status_code == 200
        urls = assert_only_safe_urls(r.text)
        if record.id == GOOD_ID:
            assert GOOD_URL in urls                   # a genuine link is still shown
        else:
            assert 'rel="noopener noreferrer">Source</a>' not in r.text
    page = httpx.get(server.url + "/ask", params={"q": QUESTION}, timeout=60)
    assert page.status_code == 200
    urls = assert_only_safe_urls(page.text)
    assert GOOD_URL in urls
    contract = httpx.get(server.url + "/api/ask", params={"q": QUESTION}, timeout=60).json()
    by_id = {ref["id"]: ref["url"] for ref in contract["references"]}
    assert len(by_id) >= 4 and by_id.get(GOOD_ID) == GOOD_URL
    assert all(url in ("", GOOD_URL) for url in by_id.values()), by_id


def test_answer_renderers_drop_non_http_urls(server):
    from evidex.render import to_contract, to_html, to_markdown
    from evidex.store import Store
    from evidex.synthesis import ask
    with Store(server.db) as store:
        answer = ask(store, QUESTION)
    hostile = [r for r in answer.references if r.id != GOOD_ID]
    assert len(hostile) >= 3 and any(r.id == GOOD_ID for r in answer.references)
    html = to_html(answer)
    assert GOOD_URL in assert_only_safe_urls(html)
    markdown = to_markdown(answer)
    autolinks = re.findall(r"<([^<>\s]+)>", markdown)
    assert autolinks == [GOOD_URL]
    assert not re.search(r"(?i)(java\s*script|vbscript|data):", markdown + html)
    assert {r["url"] for r in to_contract(answer)["references"]} == {"", GOOD_URL}


def test_exports_carry_no_non_http_urls(server):
    from evidex.render import export
    from evidex.store import Store
    with Store(server.db) as store:
        items = [export.item_of(s) for s in store.get_many([r.id for r in _records()]).values()]
    assert len(items) == len(HOSTILE_URLS) + 1
    for fmt in export.FORMATS:
        text = export.export(items, fmt)
        assert GOOD_URL in text.replace("\\&", "&"), fmt
        assert not re.search(r"(?i)(java\s*script|vbscript|data):", text), fmt


def test_hostile_url_is_not_clickable_in_chromium(server):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(base_url=server.url)
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for path in ("/records/sha:hostileurl00000", "/records/sha:hostileurl00002", f"/records/{GOOD_ID}",
                         "/ask?q=" + quote(QUESTION)):
                page.goto(path)
                hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
                assert hrefs and {urlsplit(h).scheme for h in hrefs} <= {"http", "https"}, hrefs
                assert (GOOD_URL in hrefs) is (GOOD_ID in path or path.startswith("/ask"))
            assert not dialogs
        finally:
            browser.close()


# -- defect 7: ratings are whole numbers 1-7, never booleans ------------------------------------
def test_ratings_refuse_booleans_floats_and_numeric_strings(server):
    rater, token = api_login(server, RATER[0], RATER[1])
    path = f"/api/records/{GOOD_ID}/ratings"
    for bad in (True, False, 5.0, "5", [5], None, 2**70):
        for body in ({"relevance": bad, "newsworthiness": 4}, {"relevance": 4, "newsworthiness": bad}):
            r = rater.post(path, json=body, headers={"X-CSRF-Token": token})
            assert r.status_code == 422, (body, r.status_code, r.text)
    assert rater.get(path).json()["ratings"] == []          # nothing was stored as 1 or 0
    for bad in ("true", "\u00b2", "4.0", "", str(2**64)):
        form = rater.post(f"/records/{GOOD_ID}/rate", data={"csrf_token": token, "relevance": bad,
                                                            "newsworthiness": "4"})
        assert form.status_code == 400, bad
    upload = rater.post(f"/records/{GOOD_ID}/rate", data={"csrf_token": token, "newsworthiness": "4"},
                        files={"relevance": ("r.txt", b"5")})                # a file where a number belongs
    assert upload.status_code == 400
    assert rater.get(f"/records/{GOOD_ID}", params={"hl": "\u00b2"}).status_code == 200
    ok = rater.post(path, json={"relevance": 5, "newsworthiness": 4}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200 and ok.json()["ratings"][0]["relevance"] == 5


def test_api_bodies_with_lone_surrogates_or_deep_nesting_are_client_errors(server):
    """JSON may spell text no UTF-8 can hold ("\\ud800"); the 422 that reports it must not crash."""
    rater, token = api_login(server, RATER[0], RATER[1])
    bodies = {"/api/login": ('{"username": "a\\ud800", "password": "x"}', '{"username": "a", "\\udfff": 1}'),
              f"/api/records/{GOOD_ID}/comments": ('{"body": "LDN \\ud800"}', "[" * 20000 + "]" * 20000),
              f"/api/records/{GOOD_ID}/ratings": ('{"relevance": 3, "newsworthiness": 3, "comment": "\\udc00"}',)}
    for path, variants in bodies.items():
        for body in variants:
            r = rater.post(path, content=body.encode(), headers={"content-type": "application/json",
                                                                  "X-CSRF-Token": token})
            assert r.status_code in (400, 422), (path, body[:60], r.status_code)
            assert r.headers["content-type"].startswith("application/json")
    assert _rate(rater, token) == 200                                   # the session is still good


def test_rating_service_refuses_bool():
    from fastapi import HTTPException

    from evidex.web import service
    from evidex.web.db import User
    rater = User(1, "r", "rater", "Physician")
    for value in (True, False):
        with pytest.raises(HTTPException) as err:
            service.rate(None, rater, "x", value, 4, "")
        assert err.value.status_code == 400


# -- defect 8: ids outside SQLite's 64-bit integers are client errors -------------------------
def test_moderation_ids_beyond_64_bit_are_client_errors(server):
    admin, token = api_login(server, *ADMIN)
    for cid in BIG_IDS:
        r = admin.post(f"/api/comments/{cid}/moderation", json={"action": "reject"}, headers={"X-CSRF-Token": token})
        assert r.status_code == 422, (cid, r.status_code)
        r = admin.post(f"/moderation/{cid}", data={"action": "reject", "csrf_token": token})
        assert r.status_code == 422, (cid, r.status_code)
    r = admin.post(f"/api/comments/{2**63 - 1}/moderation", json={"action": "reject"},
                   headers={"X-CSRF-Token": token})
    assert r.status_code == 404


def _routes(routes):
    """Every route, including those of included routers (FastAPI wraps them)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        yield from _routes(inner.routes) if inner is not None else (route,)


def test_every_route_answers_hostile_path_and_query_values_without_500(server):
    """Each route of the app, with every path parameter (and the numeric query parameters)
    set to out-of-range or odd values, as a signed-in admin with a valid CSRF token."""
    from fastapi.routing import APIRoute
    from fastapi.testclient import TestClient

    from evidex.web import create_app
    app = create_app(server.db, ask_workers=0)
    values = (*BIG_IDS, "%00", "..%2F..%2Fetc%2Fpasswd", "%ED%A0%80", "\u202e", "a" * 2000, "condition")
    odd_numbers = (str(2**64), "\u00b2", "-1", "1e9", "NaN", "")       # "²" passes str.isdigit, not int()
    checked = 0
    with TestClient(app, raise_server_exceptions=False) as client:
        token = client.get("/api/csrf").json()["csrf_token"]
        assert client.post("/api/login", json={"username": ADMIN[0], "password": ADMIN[1]},
                           headers={"X-CSRF-Token": token}).status_code == 200
        for route in _routes(app.routes):
            if not isinstance(route, APIRoute) or not route.param_convertors:
                continue
            for value in values:
                path = route.path_format
                for name in route.param_convertors:
                    path = path.replace("{" + name + "}", value)
                odd = odd_numbers[checked % len(odd_numbers)]
                query = {name: odd for name in ("page", "hl", "since", "limit")}
                for method in route.methods:
                    if method == "GET":
                        r = client.get(path, params=query)
                    elif path.startswith("/api/"):
                        r = client.post(path, json={"action": "approve", "body": "x", "relevance": 3,
                                                    "newsworthiness": 3}, headers={"X-CSRF-Token": token})
                    else:
                        r = client.post(path, data={"csrf_token": token, "action": "approve", "body": "LDN note",
                                                    "relevance": odd, "newsworthiness": "3"})
                    assert r.status_code < 500, (method, path[:80], r.status_code, r.text[:200])
                    checked += 1
    assert checked >= 100


# -- defect 9: one live session per account ------------------------------------------------------
def _rate(client: httpx.Client, token: str) -> int:
    return client.post(f"/api/records/{GOOD_ID}/ratings", json={"relevance": 3, "newsworthiness": 3},
                       headers={"X-CSRF-Token": token}).status_code


def test_second_login_signs_out_the_first_session(server):
    first, first_token = api_login(server, RATER[0], RATER[1])
    other, other_token = api_login(server, RATER2[0], RATER2[1])
    assert _rate(first, first_token) == 200
    old_cookie = first.cookies.get("evx_session")
    second, second_token = api_login(server, RATER[0], RATER[1])          # the same account, elsewhere
    assert _rate(first, first_token) == 401                             # the first session is over
    assert _rate(second, second_token) == 200
    assert _rate(other, other_token) == 200                             # other accounts keep theirs
    # Signing in again on the same client replaces its token; the old token is dead too.
    again = second.post("/api/login", json={"username": RATER[0], "password": RATER[1]},
                        headers={"X-CSRF-Token": second_token})
    assert again.status_code == 200 and again.cookies.get("evx_session") != old_cookie
    stale = httpx.Client(base_url=server.url, cookies={"evx_session": old_cookie, "evx_client":
                                                       first.cookies.get("evx_client")})
    assert _rate(stale, first_token) == 401
    # The sign-in form does the same.
    page, page_token = api_client(server)
    r = page.post("/login", data={"username": RATER[0], "password": RATER[1], "csrf_token": page_token})
    assert r.status_code == 303
    assert _rate(second, second_token) == 401 and _rate(page, page_token) == 200
    with sqlite3.connect(server.db) as conn:
        live = conn.execute("SELECT count(*) FROM web_sessions s JOIN web_users u ON u.id = s.user_id"
                            " WHERE u.username = ?", (RATER[0],)).fetchone()[0]
    assert live == 1


def test_session_ends_at_its_lifetime_and_at_sign_out(server):
    from evidex.web import auth
    client, token = api_login(server, RATER2[0], RATER2[1])
    cookie = next(c for c in client.post("/api/login", json={"username": RATER2[0], "password": RATER2[1]},
                                         headers={"X-CSRF-Token": token}).headers.get_list("set-cookie")
                  if c.startswith("evx_session="))
    assert f"Max-Age={auth.SESSION_TTL_S}" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert _rate(client, token) == 200
    with sqlite3.connect(server.db) as conn:      # twelve hours later
        conn.execute("UPDATE web_sessions SET expires = ? WHERE user_id = (SELECT id FROM web_users"
                     " WHERE username = ?)", (time.time() - 1, RATER2[0]))
    assert _rate(client, token) == 401
    client, token = api_login(server, RATER2[0], RATER2[1])
    r = client.post("/logout", data={"csrf_token": token})
    assert r.status_code == 303 and 'evx_session=""' in r.headers["set-cookie"]
    assert _rate(client, token) == 401


# -- --secure-cookies -----------------------------------------------------------------------------
def _serve(db: Path, *flags: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = db.parent / f"serve-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "evidex", "serve", "--db", str(db), "--port", str(port),
                                 *flags], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    return proc, url
        except (OSError, httpx.HTTPError):
            time.sleep(0.2)
    proc.kill()
    proc.wait(timeout=10)
    raise RuntimeError(f"evidex serve did not start: {log.read_text()[-2000:]}")


def _check_cookie_flags(url: str, secure: bool) -> None:
    first = httpx.get(url + "/")
    client_cookie = first.headers["set-cookie"]
    assert ("; Secure" in client_cookie) is secure, client_cookie
    assert ("strict-transport-security" in first.headers) is secure
    client_id = client_cookie.split(";", 1)[0].split("=", 1)[1]
    jar = {"cookie": f"evx_client={client_id}"}       # httpx keeps Secure cookies off plain http
    token = httpx.get(url + "/api/csrf", headers=jar).json()["csrf_token"]
    r = httpx.post(url + "/api/login", json={"username": ADMIN[0], "password": ADMIN[1]},
                   headers={**jar, "X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    session = r.headers["set-cookie"]
    assert session.startswith("evx_session=") and "HttpOnly" in session
    assert ("; Secure" in session) is secure, session
    out = httpx.post(url + "/logout", data={"csrf_token": token},
                     headers={"cookie": f"evx_client={client_id}; {session.split(';', 1)[0]}"})
    assert out.status_code == 303 and ("; Secure" in out.headers["set-cookie"]) is secure


def test_serve_secure_cookies_flag_marks_every_cookie_secure(server):
    _check_cookie_flags(server.url, secure=False)               # plain http on loopback: no Secure, no HSTS
    proc, url = _serve(server.db, "--secure-cookies")           # the real `evidex serve` command
    try:
        _check_cookie_flags(url, secure=True)
    finally:
        proc.terminate()
        proc.wait(timeout=15)


# -- headers, scripts, redirects -------------------------------------------------------------------
class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.handlers += [k for k, _ in attrs if k.startswith("on")]


def test_every_response_carries_the_security_headers_and_pages_have_no_script(server):
    from evidex.web.app import CSP
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
                      "base-uri 'none'", "form-action 'self'"):
        assert directive in CSP
    client, token = api_client(server)
    for method, path in (("GET", "/"), ("GET", "/ask?q=" + quote(QUESTION)), ("GET", "/browse"),
                         ("GET", f"/records/{GOOD_ID}"), ("GET", "/login"), ("GET", "/api"), ("GET", "/no/such/page"),
                         ("GET", "/api/records/pmid:0"), ("GET", "/api/csrf"), ("POST", f"/records/{GOOD_ID}/comments")):
        r = client.request(method, path, timeout=60)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        if r.headers["content-type"].startswith("text/html"):
            tags = _Tags()
            tags.feed(r.text)
            assert tags.scripts == 0 and tags.handlers == [], (path, tags.handlers)


def test_sign_in_never_redirects_off_site(server):
    for target, expected in (("//evil.example/x", "/"), ("https://evil.example/", "/"), ("/\\evil.example", "/"),
                             ("javascript:alert(1)", "/"), ("", "/"), ("/browse?x=1", "/browse?x=1")):
        client, token = api_client(server)
        r = client.post("/login", data={"username": ADMIN[0], "password": ADMIN[1], "next": target,
                                        "csrf_token": token})
        assert r.status_code == 303 and r.headers["location"] == expected, (target, r.headers.get("location"))
        page = client.get("/login", params={"next": target})
        assert f'name="next" value="{expected}"' in page.text.replace("&amp;", "&"), target


# -- record views are cached per content (benchmarks/web.py), the highlight per request ------------
def test_record_view_cache_keys_on_content_and_highlights_per_request(tmp_path):
    from dataclasses import replace

    from evidex.web.app import Resources
    res = Resources(hostile_store(tmp_path), ask_workers=0)
    stored = res.store().get(GOOD_ID)
    marked, plain = res.record_view(stored, 1), res.record_view(stored, None)
    assert marked.highlight == 1 and plain.highlight is None and res.record_view(stored, 99).highlight is None
    assert marked.numbers is plain.numbers                      # derived once
    changed = replace(stored, record=replace(stored.record, title="A corrected title"))
    assert res.record_view(changed, None).record.title == "A corrected title"
    assert res.record_view(stored, None).record.title == stored.record.title


# -- docs/security.md cannot drift from the tests ----------------------------------------------
def test_every_test_named_in_security_doc_exists():
    doc = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", doc)
    assert len(named) >= 15, "docs/security.md should name the test behind each promise"
    defined: dict[str, set[str]] = {}
    for path, name in named:
        if path not in defined:
            file = ROOT / path
            assert file.is_file(), f"docs/security.md names {path}, which does not exist"
            tree = ast.parse(file.read_text(encoding="utf-8"))
            defined[path] = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert name in defined[path], f"docs/security.md names {path}::{name}, which is not defined there"
    # Every row of the promises table names at least one test.
    rows = [line for line in doc.splitlines() if line.startswith("| ") and not line.startswith(("| promise", "|---"))]
    assert rows and all("::test_" in row for row in rows), [r for r in rows if "::test_" not in r]


def test_a_record_view_keeps_each_unlabelled_part_a_paragraph_of_its_own():
    """cohen2006's abstracts keep their sections' parts without headings: each stays a group of its own
    in the record page (two labelled sections alike), not one run-on paragraph."""
    from evidex.enrich import appraise
    from evidex.records import Record, Section
    from evidex.store import StoredRecord
    from evidex.web.views import record_view

    record = Record(id="pmid:1", title="A trial", sections=(
        Section("", "To compare A with B."), Section("", "We randomised 80 patients. They took A or B."),
        Section("", "A lowered pressure more."), Section("CONCLUSIONS", "A is better. Use A.")))
    view = record_view(StoredRecord(record, appraise(record)), None)
    assert [(label, [p.text for p in ps]) for label, ps in view.sections] == [
        ("", ["To compare A with B."]), ("", ["We randomised 80 patients.", "They took A or B."]),
        ("", ["A lowered pressure more."]), ("CONCLUSIONS", ["A is better.", "Use A."])]
