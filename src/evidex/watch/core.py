"""Saved searches: what is new for a question since the last run, and whether its verdict moved.

A watch keeps its query, design and rating filters, the highest record ``rowid`` stored when it
was saved (records ingested later are candidates; ``rowid`` only grows, and an updated record
keeps its own), the records it has already reported (``watch_hits``: each is reported once, on
the first run after it is stored *and* matches — a record rated later alerts then), and the
verdict of its last run, so an alert can say when new evidence changed the answer. The tables
live in the store's SQLite file and are created on first use (older stores gain them then).
"""
from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from ..records import DESIGN_LABELS
from ..store import SearchFilter, Store

SEARCH_DEPTH = 500       # matching records considered per run: the top of the store's ranking
_SCHEMA = """
CREATE TABLE IF NOT EXISTS watches (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    query TEXT NOT NULL,
    designs TEXT NOT NULL DEFAULT '',
    min_rating REAL,
    user_id INTEGER,
    created TEXT NOT NULL,
    since_rowid INTEGER NOT NULL,
    last_run TEXT,
    verdict TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS watches_user ON watches(user_id);
CREATE TABLE IF NOT EXISTS watch_hits (
    watch_id INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    record_id TEXT NOT NULL,
    found TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (watch_id, record_id)
);
CREATE TABLE IF NOT EXISTS watch_events (
    watch_id INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS watch_visits (
    watch_id INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    seen TEXT NOT NULL,
    PRIMARY KEY (watch_id, user_id)
);
"""


class WatchError(ValueError):
    """A watch that cannot be saved or found: says which and why."""


@dataclass(frozen=True)
class Watch:
    id: int
    token: str                 # unguessable: names the watch's Atom feed
    query: str
    designs: tuple[str, ...]
    min_rating: float | None
    user_id: int | None
    created: str               # ISO 8601 UTC
    since_rowid: int
    last_run: str | None
    verdict: str               # "favours, low certainty" at the last run ('' before the first)

    @property
    def feed_path(self) -> str:
        return f"/feeds/{self.token}.atom"


@dataclass(frozen=True)
class Rating:
    relevance: float
    newsworthiness: float
    raters: int

    @property
    def score(self) -> float:
        """The lower of the two mean scores (1-7): a record passes a bar only on both."""
        return min(self.relevance, self.newsworthiness)


@dataclass(frozen=True)
class NewRecord:
    id: str
    title: str
    year: int | None
    design: str
    score: float
    rating: Rating | None
    found: str


@dataclass(frozen=True)
class Alert:
    watch: Watch
    new: tuple[NewRecord, ...]
    verdict_before: str
    verdict_after: str
    ran: str

    @property
    def verdict_changed(self) -> bool:
        return bool(self.verdict_before) and self.verdict_before != self.verdict_after


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat()     # microseconds: runs in one second stay ordered


def verdict_text(direction: str, certainty: str) -> str:
    return f"{direction.replace('_', ' ')}, {certainty.replace('_', ' ')} certainty"


def init_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """All or nothing on the store's autocommit connection (as ``Store.write_batch``)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def parse_designs(text: str | Sequence[str] | None) -> tuple[str, ...]:
    items = text.split(",") if isinstance(text, str) else list(text or ())
    designs = tuple(dict.fromkeys(d.strip() for d in items if d.strip()))
    unknown = [d for d in designs if d not in DESIGN_LABELS]
    if unknown:
        raise WatchError(f"unknown design(s) {unknown}; choose from {', '.join(DESIGN_LABELS)}")
    return designs


def add(store: Store, query: str, designs: Sequence[str] = (), min_rating: float | None = None,
        user_id: int | None = None, verdict: str = "", now: str | None = None) -> Watch:
    """Save a search; records stored from now on are its candidates. ``verdict``: the answer's
    verdict today, the baseline a later change is reported against."""
    text = " ".join(query.split())
    if not text:
        raise WatchError("a saved search needs a question or query")
    if len(text) > 500:
        raise WatchError("a saved search is at most 500 characters")
    if min_rating is not None and not 1 <= min_rating <= 7:
        raise WatchError(f"--min-rating must be between 1 and 7 (the rating scale), not {min_rating:g}")
    designs = parse_designs(designs)
    init_schema(store.conn)
    top = store.conn.execute("SELECT coalesce(max(rowid), 0) FROM records").fetchone()[0]
    cur = store.conn.execute(
        "INSERT INTO watches (token, query, designs, min_rating, user_id, created, since_rowid, verdict)"
        " VALUES (?,?,?,?,?,?,?,?)",
        (secrets.token_urlsafe(12), text, ",".join(designs), min_rating, user_id, now or now_utc(), top, verdict))
    return get(store.conn, cur.lastrowid)


def _watch(row: tuple) -> Watch:
    wid, token, query, designs, min_rating, user_id, created, since, last_run, verdict = row
    return Watch(wid, token, query, tuple(d for d in designs.split(",") if d), min_rating, user_id, created,
                 since, last_run, verdict)


_COLUMNS = "id, token, query, designs, min_rating, user_id, created, since_rowid, last_run, verdict"


def get(conn: sqlite3.Connection, key: int | str) -> Watch:
    """A watch by id (int) or feed token (str)."""
    init_schema(conn)
    column = "id" if isinstance(key, int) else "token"
    row = conn.execute(f"SELECT {_COLUMNS} FROM watches WHERE {column}=?", (key,)).fetchone()
    if row is None:
        raise WatchError(f"no saved search {key!r}" if column == "token" else f"no saved search with id {key}")
    return _watch(row)


def list_watches(conn: sqlite3.Connection, user_id: int | None = None, everyone: bool = True) -> list[Watch]:
    """All watches (``everyone``), or those of one web user (``user_id``; None: the command line's)."""
    init_schema(conn)
    if everyone:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM watches ORDER BY id")
    else:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM watches WHERE user_id IS ? ORDER BY id", (user_id,))
    return [_watch(r) for r in rows]


def remove(conn: sqlite3.Connection, watch_id: int, user_id: int | None = None) -> None:
    watch = get(conn, watch_id)
    if user_id is not None and watch.user_id != user_id:
        raise WatchError(f"no saved search with id {watch_id}")
    with _transaction(conn):
        for table in ("watch_hits", "watch_events", "watch_visits"):
            conn.execute(f"DELETE FROM {table} WHERE watch_id=?", (watch_id,))
        conn.execute("DELETE FROM watches WHERE id=?", (watch_id,))


def ratings(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, Rating]:
    """Mean clinician ratings per record (the web app's ``web_ratings``; none in a CLI-only store)."""
    if not ids or conn.execute("SELECT 1 FROM sqlite_master WHERE name='web_ratings'").fetchone() is None:
        return {}
    out: dict[str, Rating] = {}
    for i in range(0, len(ids), 500):
        chunk = list(ids[i:i + 500])
        for rid, rel, news, n in conn.execute(
                "SELECT record_id, avg(relevance), avg(newsworthiness), count(*) FROM web_ratings "
                f"WHERE record_id IN ({','.join('?' * len(chunk))}) GROUP BY record_id", chunk):
            out[rid] = Rating(round(rel, 2), round(news, 2), n)
    return out


def run(store: Store, watch: Watch, found: Sequence, verdict: str, now: str | None = None,
        advance: bool = True) -> Alert:
    """Record what is new for ``watch`` among ``found`` (its candidates, best first:
    ``retrieve.retrieve`` over ``SEARCH_DEPTH``) and the verdict of this run; return the alert.

    A record is recorded once: stored after the watch was saved, a direct match, passing its
    filters. The alert holds what was recorded since the previous ``advance``-ing run (the
    command line's), including records a feed read recorded meanwhile, and any verdict change
    in that time; a feed read (``advance=False``) records without moving that mark."""
    ran = now or now_utc()
    conn = store.conn
    init_schema(conn)
    seen = {r for (r,) in conn.execute("SELECT record_id FROM watch_hits WHERE watch_id=?", (watch.id,))}
    ids = [c.stored.record.id for c in found if c.stored.record.id not in seen]
    rowids = _rowids(conn, ids)
    # Direct matches only: ``retrieve`` also brings the same drug in other conditions (indirect evidence).
    fresh = [c for c in found if c.direct and rowids.get(c.stored.record.id, 0) > watch.since_rowid]
    rated = ratings(conn, [c.stored.record.id for c in fresh])
    new = []
    for c in fresh:
        r, a = c.stored.record, c.stored.appraisal
        if watch.designs and a.design not in watch.designs:
            continue
        rating = rated.get(r.id)
        if watch.min_rating is not None and (rating is None or rating.score < watch.min_rating):
            continue
        new.append(NewRecord(r.id, r.title, r.year, a.design, round(c.score, 4), rating, ran))
    before = watch.verdict
    with _transaction(conn):
        conn.executemany("INSERT OR IGNORE INTO watch_hits (watch_id, record_id, found, score) VALUES (?,?,?,?)",
                         [(watch.id, n.id, ran, n.score) for n in new])
        if before and verdict and before != verdict:
            conn.execute("INSERT INTO watch_events (watch_id, at, before, after) VALUES (?,?,?,?)",
                         (watch.id, ran, before, verdict))
        conn.execute("UPDATE watches SET last_run=?, verdict=? WHERE id=?",
                     (ran if advance else watch.last_run, verdict or before, watch.id))
    current = get(conn, watch.id)
    hits, events = history(conn, current, limit=10_000)
    mark = watch.last_run
    since = sorted((h for h in hits if mark is None or h.found > mark), key=lambda h: (h.found, -h.score))
    changes = sorted(e for e in events if mark is None or e[0] > mark)
    was = changes[0][1] if changes else current.verdict
    return Alert(current, tuple(since), was, current.verdict, ran)


def check(store: Store, watch: Watch, mode: str = "hybrid", answer=None, now: str | None = None,
          advance: bool = True) -> Alert:
    """Retrieve for the watch's query, answer it (or take ``answer``, e.g. the web's cached one)
    and ``run``: the one path both the command line and the feed use."""
    from ..query import parse_question
    from ..resolve import resolve
    from ..retrieve import retrieve
    # The retrieval ``ask`` uses (in either mode), which marks each candidate direct or not.
    query = resolve(store, parse_question(watch.query))
    found = retrieve(store, query, SEARCH_DEPTH, SearchFilter(designs=watch.designs), mode=mode)
    return run(store, watch, found, answer_verdict(answer if answer is not None else _ask(store, watch.query, mode)),
               now, advance)


def answer_verdict(answer) -> str:
    return verdict_text(answer.verdict.direction, answer.verdict.certainty)


def _ask(store: Store, query: str, mode: str):
    from ..synthesis import ask
    return ask(store, query, mode=mode)


def baseline(store: Store, query: str, mode: str = "hybrid") -> str:
    """Today's verdict for a query about to be saved (what a later change is measured from)."""
    return answer_verdict(_ask(store, query, mode))


def _rowids(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        chunk = list(ids[i:i + 500])
        out.update(conn.execute(f"SELECT id, rowid FROM records WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def history(conn: sqlite3.Connection, watch: Watch, limit: int = 100) -> tuple[list[NewRecord], list[tuple]]:
    """What the watch has reported, newest first: its records, and its verdict changes (at, before, after)."""
    init_schema(conn)
    rows = conn.execute(
        "SELECT h.record_id, r.title, r.year, r.design, h.score, h.found FROM watch_hits h "
        "JOIN records r ON r.id = h.record_id WHERE h.watch_id=? ORDER BY h.found DESC, h.score DESC LIMIT ?",
        (watch.id, limit)).fetchall()
    rated = ratings(conn, [r[0] for r in rows])
    hits = [NewRecord(rid, title, year, design, score, rated.get(rid), found)
            for rid, title, year, design, score, found in rows]
    events = conn.execute("SELECT at, before, after FROM watch_events WHERE watch_id=? ORDER BY at DESC LIMIT ?",
                          (watch.id, limit)).fetchall()
    return hits, events


def last_visit(conn: sqlite3.Connection, watch_id: int, user_id: int) -> str | None:
    init_schema(conn)
    row = conn.execute("SELECT seen FROM watch_visits WHERE watch_id=? AND user_id=?", (watch_id, user_id)).fetchone()
    return row[0] if row else None


def mark_visit(conn: sqlite3.Connection, watch_id: int, user_id: int, when: str | None = None) -> None:
    conn.execute("INSERT INTO watch_visits (watch_id, user_id, seen) VALUES (?,?,?) "
                 "ON CONFLICT (watch_id, user_id) DO UPDATE SET seen=excluded.seen",
                 (watch_id, user_id, when or now_utc()))


def alert_json(alert: Alert) -> dict:
    w = alert.watch
    return {"id": w.id, "query": w.query, "designs": list(w.designs), "min_rating": w.min_rating,
            "ran": alert.ran, "feed": w.feed_path,
            "verdict": {"before": alert.verdict_before or None, "after": alert.verdict_after or None,
                        "changed": alert.verdict_changed},
            "new": [{"id": n.id, "title": n.title, "year": n.year, "design": n.design, "score": n.score,
                     "rating": None if n.rating is None else {"relevance": n.rating.relevance,
                                                              "newsworthiness": n.rating.newsworthiness,
                                                              "raters": n.rating.raters}}
                    for n in alert.new]}


def watch_json(w: Watch) -> dict:
    return {"id": w.id, "query": w.query, "designs": list(w.designs), "min_rating": w.min_rating,
            "created": w.created, "last_run": w.last_run, "verdict": w.verdict or None, "feed": w.feed_path}


__all__ = ["Alert", "NewRecord", "Rating", "SEARCH_DEPTH", "Watch", "WatchError", "add", "alert_json", "get",
           "answer_verdict", "baseline", "check", "history", "init_schema", "last_visit", "list_watches",
           "mark_visit", "now_utc", "parse_designs", "ratings", "remove", "run", "verdict_text", "watch_json"]
