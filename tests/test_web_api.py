"""JSON API and hostile input against a real uvicorn server (loopback, temporary store)."""
from __future__ import annotations

from urllib.parse import quote

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi", reason="the web app needs fastapi")

from .test_web_support import ADMIN, RATER, api_client, api_login, make_store, start_server  # noqa: E402

CASE_ID = "doi:10.1007/s11481-013-9451-y"
REVIEW_ID = "pmid:34213865"
QUESTIONS = ("Is low-dose naltrexone effective for complex regional pain syndrome?",
             "Is low-dose naltrexone effective for fibromyalgia?",
             "Low-dose naltrexone versus amitriptyline for painful diabetic neuropathy",
             "Is LDN safe?")
HOSTILE = ("'; DROP TABLE records; --", "\" OR 1=1 --", "NEAR(a b) AND * ^ \"\"", "<script>alert(1)</script>",
           "%00%27%22", "naltrexone\x00", "../../etc/passwd", "{{7*7}}", "${jndi:ldap://x}", "💊" * 200)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = make_store(tmp_path_factory.mktemp("web-api"))
    srv = start_server(db, comments_per_window=1000)
    yield srv
    srv.stop()


def test_api_ask_is_exactly_the_design_contract(server):
    from evidex.render.json import to_contract
    from evidex.store import Store
    from evidex.synthesis import ask
    with Store(server.db) as store:
        for q in QUESTIONS:
            r = httpx.get(server.url + "/api/ask", params={"q": q}, timeout=30)
            assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
            assert r.json() == to_contract(ask(store, q))
            assert set(r.json()) == {"question", "query", "verdict", "sections", "evidence_table", "references",
                                     "warnings", "writer", "replaced"}


def test_api_search_record_and_openapi(server):
    hits = httpx.get(server.url + "/api/search", params={"q": "naltrexone fibromyalgia", "design": "rct"}).json()
    assert hits and {h["design"] for h in hits} == {"rct"}
    assert httpx.get(server.url + "/api/search", params={"q": "x", "design": "nonsense"}).status_code == 400
    rec = httpx.get(server.url + f"/api/records/{CASE_ID}").json()
    assert rec["record"]["id"] == CASE_ID and rec["appraisal"]["design"] == "case_report"
    assert httpx.get(server.url + "/api/records/pmid:0").status_code == 404
    schema = httpx.get(server.url + "/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/ask", "/api/search", "/api/records/{record_id}", "/api/records/{record_id}/ratings",
                 "/api/records/{record_id}/comments", "/api/csrf"):
        assert path in schema["paths"], path
    assert "AnswerOut" in schema["components"]["schemas"]
    browse = httpx.get(server.url + "/api/browse").json()
    assert browse["records"] == 39 and any(c["name"] == "fibromyalgia" for c in browse["conditions"])


def test_api_ratings_need_a_rater_and_a_csrf_token(server):
    reader, token = api_client(server)
    body = {"relevance": 5, "newsworthiness": 4, "comment": "Useful"}
    assert reader.post(f"/api/records/{REVIEW_ID}/ratings", json=body, headers={"X-CSRF-Token": token}).status_code == 401
    rater, rtoken = api_login(server, RATER[0], RATER[1])
    assert rater.post(f"/api/records/{REVIEW_ID}/ratings", json=body).status_code == 403      # no token
    r = rater.post(f"/api/records/{REVIEW_ID}/ratings", json=body, headers={"X-CSRF-Token": rtoken})
    assert r.status_code == 200, r.text
    summary = r.json()["by_discipline"]
    assert summary == [{"discipline": "Physician", "count": 1, "relevance": 5.0, "newsworthiness": 4.0}]
    for bad in ({"relevance": 0, "newsworthiness": 4}, {"relevance": 8, "newsworthiness": 4},
                {"relevance": "five", "newsworthiness": 4}, {"relevance": 5}):
        assert rater.post(f"/api/records/{REVIEW_ID}/ratings", json=bad,
                          headers={"X-CSRF-Token": rtoken}).status_code == 422
    admin, atoken = api_login(server, *ADMIN)
    assert admin.post(f"/api/records/{REVIEW_ID}/ratings", json=body,
                      headers={"X-CSRF-Token": atoken}).status_code == 403       # admins moderate, raters rate
    assert httpx.get(server.url + f"/api/records/{REVIEW_ID}/ratings").json()["ratings"][0]["comment"] == "Useful"


def test_api_comments_spam_held_and_moderated(server):
    reader, token = api_client(server)
    spam = ("Thank you so much for this wonderful website, I feel blessed and look forward to reading here "
            "every day. Great post, keep up the good work! Visit my blog for more tips.")
    r = reader.post(f"/api/records/{CASE_ID}/comments", json={"body": spam}, headers={"X-CSRF-Token": token})
    assert r.status_code == 201 and r.json()["status"] == "held"
    rules = {x["rule"] for x in r.json()["spam"]["reasons"]}
    assert {"generic praise", "promotion"} <= rules
    ok = reader.post(f"/api/records/{CASE_ID}/comments", headers={"X-CSRF-Token": token},
                     json={"body": "Two cases only, but the NRS drop from 8-10 to 5-6 on LDN is worth noting."})
    assert ok.json()["status"] == "published"
    shown = [c["body"] for c in httpx.get(server.url + f"/api/records/{CASE_ID}/comments").json()]
    assert spam not in shown and any("NRS drop" in b for b in shown)
    assert reader.get("/api/moderation").status_code == 401
    admin, atoken = api_login(server, *ADMIN)
    held = admin.get("/api/moderation").json()
    cid = next(c["id"] for c in held if c["body"] == spam)
    r = admin.post(f"/api/comments/{cid}/moderation", json={"action": "reject"}, headers={"X-CSRF-Token": atoken})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert cid not in [c["id"] for c in admin.get("/api/moderation").json()]


def test_unsafe_requests_without_csrf_are_rejected(server):
    plain = httpx.Client(base_url=server.url)
    r = plain.post(f"/records/{CASE_ID}/comments", data={"body": "hello"})
    assert r.status_code == 403
    r = plain.post("/login", data={"username": RATER[0], "password": RATER[1]})
    assert r.status_code == 403
    # A token from one client is no good for another (it is bound to the client cookie).
    _, other_token = api_client(server)
    r = plain.post(f"/api/records/{CASE_ID}/comments", json={"body": "x"}, headers={"X-CSRF-Token": other_token})
    assert r.status_code == 403


def test_huge_bodies_and_wrong_content_types_are_refused_cleanly(server):
    client, token = api_client(server)
    huge = "A" * (1024 * 1024)
    r = client.post(f"/records/{CASE_ID}/comments", data={"body": huge, "csrf_token": token})
    assert r.status_code == 413
    r = client.post(f"/api/records/{CASE_ID}/comments", json={"body": huge}, headers={"X-CSRF-Token": token})
    assert r.status_code == 413
    r = client.post(f"/records/{CASE_ID}/comments", json={"body": "hi", "csrf_token": token})
    assert r.status_code == 415
    r = client.post(f"/api/records/{CASE_ID}/comments", content=b"body=hi", headers={
        "X-CSRF-Token": token, "content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    r = client.post(f"/api/records/{CASE_ID}/comments", content=b"{not json", headers={
        "X-CSRF-Token": token, "content-type": "application/json"})
    assert r.status_code == 422
    r = client.post(f"/records/{CASE_ID}/comments", content=b"\xff\xfe\x00garbage", headers={
        "content-type": "multipart/form-data; boundary=zzz"})
    assert r.status_code in (400, 403)
    # The page still renders after all of that.
    assert client.get(f"/records/{CASE_ID}").status_code == 200


def test_hostile_strings_do_not_break_pages_or_get_stored_unescaped(server):
    client, token = api_client(server)
    for s in HOSTILE:
        for path, params in (("/ask", {"q": s}), ("/api/ask", {"q": s}), ("/api/search", {"q": s}),
                             ("/browse/condition/" + quote(s, safe=""), None),
                             ("/records/" + quote(s, safe=""), None)):
            r = client.get(path, params=params)
            assert r.status_code < 500, (path, s, r.status_code)
            if r.headers.get("content-type", "").startswith("text/html"):
                assert "<script>alert(1)</script>" not in r.text
    r = client.get("/ask", params={"q": "x" * 5000})
    assert r.status_code == 400 and "shorten" in r.text
    body = "'); DROP TABLE web_comments; -- <script>alert(1)</script> LDN 4.5 mg for CRPS"
    r = client.post(f"/records/{CASE_ID}/comments", data={"body": body, "author": "<i>x</i>", "csrf_token": token})
    assert r.status_code == 303 and "posted=published" in r.headers["location"]
    page = client.get(f"/records/{CASE_ID}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)</script>" not in page
    assert "&lt;i&gt;x&lt;/i&gt;" in page
    assert any(c["body"] == body for c in client.get(f"/api/records/{CASE_ID}/comments").json())
    assert httpx.get(server.url + "/api/browse").json()["records"] == 39


def test_security_headers_and_cookies(server):
    r = httpx.get(server.url + "/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
