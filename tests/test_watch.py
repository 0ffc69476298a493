"""Saved searches: what is new since the last run, verdict changes, ratings, Atom feeds and the
signed-in page, over real stores (the starter pack, then the LDN dev corpus arriving later)."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from evidex import watch
from evidex.store import Store

from .conftest import need_data
from .test_cli import run

LONG_COVID = "Is low-dose naltrexone effective for long covid?"
LONG_COVID_RECORD = "pmid:35814187"       # the long-covid pre-post study in the dev corpus
MS = "low-dose naltrexone for multiple sclerosis"
ATOM = "{http://www.w3.org/2005/Atom}"


def _starter(db: Path) -> Path:
    from evidex.load import ingest_starter
    with Store(db) as store:
        assert ingest_starter(store, progress=False, embed=False).ok
    return db


@pytest.fixture(scope="module")
def starter_db(tmp_path_factory) -> Path:
    return _starter(tmp_path_factory.mktemp("watch") / "store.db")


def _ingest_dev(db: Path, embed: bool = False) -> None:
    from evidex.load import ingest_paths
    with Store(db) as store:
        ingest_paths(store, [need_data("ldn", "dev_corpus.jsonl")], progress=False, embed=embed)


def test_cli_reports_new_records_once_and_a_changed_verdict(tmp_path):
    need_data("ldn", "dev_corpus.jsonl")
    db = _starter(tmp_path / "store.db")
    for args in ([LONG_COVID], [MS, "--design", "cohort"]):
        proc = run(tmp_path, "watch", "add", *args, "--db", db, "--lexical")
        assert proc.returncode == 0, proc.stderr
    listed = json.loads(run(tmp_path, "watch", "list", "--db", db, "--format", "json").stdout)
    assert [(w["id"], w["verdict"], w["designs"], w["last_run"]) for w in listed] == [
        (1, "insufficient, very low certainty", [], None), (2, listed[1]["verdict"], ["cohort"], None)]
    assert all(re.fullmatch(r"/feeds/[\w-]{16}\.atom", w["feed"]) for w in listed)
    first = json.loads(run(tmp_path, "watch", "run", "--db", db, "--lexical", "--format", "json").stdout)
    assert [a["new"] for a in first] == [[], []] and not any(a["verdict"]["changed"] for a in first)
    _ingest_dev(db)
    text = run(tmp_path, "watch", "run", "1", "--db", db, "--lexical")
    assert text.returncode == 0, text.stderr
    assert "VERDICT CHANGED: was insufficient, very low certainty, now favours, very low certainty" in text.stdout
    assert "[Non-randomised trial] Safety and efficacy of low dose naltrexone in a long covid cohort" in text.stdout
    proc = run(tmp_path, "watch", "run", "--db", db, "--lexical", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    covid, ms = json.loads(proc.stdout)
    assert covid["new"] == [] and covid["verdict"] == {          # each record and each change is reported once
        "before": "favours, very low certainty", "after": "favours, very low certainty", "changed": False}
    # The MS cohort study, not the MS narrative review the same run finds without the design filter.
    assert [(n["id"], n["design"]) for n in ms["new"]] == [("pmid:26203498", "cohort")]
    with Store(db) as store:
        hits, events = watch.history(store.conn, watch.get(store.conn, 1))
    assert LONG_COVID_RECORD in [h.id for h in hits] and events == [
        (events[0][0], "insufficient, very low certainty", "favours, very low certainty")]


def test_min_rating_waits_for_clinician_ratings(tmp_path):
    from evidex.web import db as webdb
    need_data("ldn", "dev_corpus.jsonl")
    db = _starter(tmp_path / "store.db")
    with Store(db) as store:
        w = watch.add(store, LONG_COVID, min_rating=5, verdict="insufficient, very low certainty")
    _ingest_dev(db)
    with Store(db) as store:
        alert = watch.check(store, watch.get(store.conn, w.id), mode="lexical")
        assert alert.new == ()                               # nothing rated yet: nothing passes the bar
        conn = webdb.connect(db)
        webdb.init_schema(conn)
        a = webdb.insert_user(conn, "r1", "x", "rater", "Physician")
        b = webdb.insert_user(conn, "r2", "x", "rater", "Pharmacist")
        webdb.upsert_rating(conn, LONG_COVID_RECORD, a, 6, 5, "")
        webdb.upsert_rating(conn, LONG_COVID_RECORD, b, 5, 4, "")     # newsworthiness mean 4.5 < 5
        assert watch.check(store, watch.get(store.conn, w.id), mode="lexical").new == ()
        webdb.upsert_rating(conn, LONG_COVID_RECORD, b, 5, 6, "")     # now 5.5 and 5.5
        conn.close()
        new = watch.check(store, watch.get(store.conn, w.id), mode="lexical").new
    assert [(n.id, n.rating.score, n.rating.raters) for n in new] == [(LONG_COVID_RECORD, 5.5, 2)]


def test_an_existing_store_gains_the_tables_and_keeps_its_records(tmp_path):
    db = _starter(tmp_path / "old.db")
    with Store(db) as store:
        before = store.checksum()
        assert store.conn.execute("SELECT 1 FROM sqlite_master WHERE name='watches'").fetchone() is None
    proc = run(tmp_path, "watch", "add", MS, "--db", db, "--lexical")
    assert proc.returncode == 0, proc.stderr
    with Store(db) as store:
        assert store.checksum() == before and [w.query for w in watch.list_watches(store.conn)] == [MS]


@pytest.mark.parametrize("args, code, words", [
    (["add", "x", "--design", "nonsense"], 2, "unknown design(s) ['nonsense']"),
    (["add", "x", "--min-rating", "9"], 2, "between 1 and 7"),
    (["add", "   "], 2, "needs a question"),
    (["run", "99"], 1, "no saved search with id 99"),
    (["remove", "99"], 1, "no saved search with id 99"),
])
def test_bad_watch_input_is_named(tmp_path, starter_db, args, code, words):
    db = starter_db
    proc = run(tmp_path, "watch", *args, "--db", db, "--lexical") if args[0] != "remove" else \
        run(tmp_path, "watch", *args, "--db", db)
    assert proc.returncode == code and words in proc.stderr and "Traceback" not in proc.stderr


def _check_atom(text: bytes) -> "object":
    feedparser = pytest.importorskip("feedparser")
    parsed = feedparser.parse(text)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(text)          # RFC 4287 4.1.1/4.1.2: id, title, updated on the feed and each entry
    for el in [root, *root.findall(f"{ATOM}entry")]:
        for tag in ("id", "title", "updated"):
            assert el.find(f"{ATOM}{tag}") is not None and el.find(f"{ATOM}{tag}").text, tag
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    return parsed


def test_feed_and_new_since_last_visit(tmp_path_factory):
    httpx = pytest.importorskip("httpx")
    from .test_web_support import RATER, api_login, make_store, start_server
    need_data("ldn", "dev_corpus.jsonl")
    db = make_store(tmp_path_factory.mktemp("web-watch"))
    server = start_server(db)
    try:
        client, token = api_login(server, RATER[0], RATER[1])
        assert client.get("/watches").status_code == 200
        r = client.post("/watches", data={"q": LONG_COVID, "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303, r.text
        assert client.post("/watches", data={"q": MS, "design": "nonsense", "csrf_token": token}).status_code == 400
        assert client.post("/watches", data={"q": MS}).status_code == 403                     # no CSRF token
        with Store(db) as store:
            (w,) = watch.list_watches(store.conn)
        assert w.verdict == "insufficient, very low certainty"
        assert httpx.get(server.url + "/watches", follow_redirects=False).status_code == 303   # not signed in
        feed = _check_atom(httpx.get(server.url + w.feed_path).content)
        assert feed.feed.title == f"Evidex saved search: {LONG_COVID}" and feed.entries == []
        assert "Nothing new since your last visit" in client.get("/watches").text
        _ingest_dev(db, embed=True)                          # new literature arrives while the app runs
        r = httpx.get(server.url + w.feed_path, timeout=60)
        assert r.headers["content-type"].startswith("application/atom+xml")
        feed = _check_atom(r.content)
        titles = [e.title for e in feed.entries]
        assert any(t.startswith("Verdict changed: now favours") for t in titles)
        rec = next(e for e in feed.entries if e.link.endswith("/records/" + LONG_COVID_RECORD))
        assert rec.title.startswith("[Non-randomised trial] Safety and efficacy of low dose naltrexone")
        page = client.get("/watches").text
        assert "New since your last visit" in page and "long covid cohort" in page and "Verdict changed" in page
        with Store(db) as store:       # the feed recorded them; the command line's first run still reports them
            alert = watch.check(store, watch.get(store.conn, w.id), mode="lexical")
        assert LONG_COVID_RECORD in [n.id for n in alert.new] and alert.verdict_changed
        page = client.get("/watches").text
        assert "Nothing new since your last visit" in page and "long covid cohort" not in page
        assert httpx.get(server.url + "/feeds/not-a-token.atom").status_code == 404
        other, otoken = api_login(server, "site_admin", "admin-password-1")
        assert other.post(f"/watches/{w.id}/delete", data={"csrf_token": otoken}).status_code == 404  # not theirs
        assert client.post(f"/watches/{w.id}/delete", data={"csrf_token": token},
                           follow_redirects=False).status_code == 303
        assert httpx.get(server.url + w.feed_path).status_code == 404
    finally:
        server.stop()
