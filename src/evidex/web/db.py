"""The web app's own tables (users, sessions, ratings, comments, login attempts), kept in
the same SQLite file as the store but created and written only here.

``store.py`` owns the literature tables; this module never touches them. SQL text lives
in this module's functions; callers pass values, never SQL fragments.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

WEB_SCHEMA_VERSION = "1"
ROLES = ("rater", "admin")
DISCIPLINES = ("Physician", "Pharmacist", "Nurse", "Physiotherapist", "Psychologist", "Dentist", "Other")
COMMENT_STATES = ("published", "held", "rejected")
MAX_ROWID = 2**63 - 1      # SQLite INTEGER is 64-bit signed: a larger id cannot exist (and cannot be bound)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS web_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS web_users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('rater', 'admin')),
    discipline TEXT NOT NULL DEFAULT 'Physician',
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS web_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES web_users(id) ON DELETE CASCADE,
    created REAL NOT NULL,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS web_login_attempts (
    key TEXT NOT NULL,
    ts REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS web_login_attempts_key ON web_login_attempts(key, ts);
CREATE TABLE IF NOT EXISTS web_ratings (
    record_id TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES web_users(id) ON DELETE CASCADE,
    relevance INTEGER NOT NULL CHECK (relevance BETWEEN 1 AND 7),
    newsworthiness INTEGER NOT NULL CHECK (newsworthiness BETWEEN 1 AND 7),
    comment TEXT NOT NULL DEFAULT '',
    updated REAL NOT NULL,
    PRIMARY KEY (record_id, user_id)
);
CREATE TABLE IF NOT EXISTS web_comments (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('published', 'held', 'rejected')),
    spam_score REAL NOT NULL,
    spam_reasons TEXT NOT NULL,
    client TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    moderated_by INTEGER,
    moderated_at REAL
);
CREATE INDEX IF NOT EXISTS web_comments_record ON web_comments(record_id, status, created);
CREATE INDEX IF NOT EXISTS web_comments_status ON web_comments(status, created);
"""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    discipline: str

    @property
    def can_rate(self) -> bool:
        return self.role == "rater"

    @property
    def can_moderate(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Rating:
    record_id: str
    user_id: int
    username: str
    discipline: str
    relevance: int
    newsworthiness: int
    comment: str
    updated: float


@dataclass(frozen=True)
class DisciplineScore:
    discipline: str
    count: int
    relevance: float
    newsworthiness: float


@dataclass(frozen=True)
class CommentRow:
    id: int
    record_id: str
    author: str
    body: str
    status: str
    spam_score: float
    spam_reasons: tuple[dict, ...]
    created: float


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection for one thread, with the web tables created if missing."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=10.0)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def init_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)
    conn.execute("INSERT OR IGNORE INTO web_meta VALUES ('schema_version', ?)", (WEB_SCHEMA_VERSION,))
    conn.execute("INSERT OR IGNORE INTO web_meta VALUES ('secret', ?)", (secrets.token_hex(32),))


def app_secret(conn: sqlite3.Connection) -> bytes:
    """Per-database secret for CSRF tokens: shared by every worker serving the same file."""
    return bytes.fromhex(conn.execute("SELECT value FROM web_meta WHERE key='secret'").fetchone()[0])


# -- users --------------------------------------------------------------------------
def insert_user(conn: sqlite3.Connection, username: str, password_hash: str, role: str,
                discipline: str) -> int:
    cur = conn.execute("INSERT INTO web_users (username, password_hash, role, discipline, created)"
                       " VALUES (?,?,?,?,?)", (username, password_hash, role, discipline, time.time()))
    return int(cur.lastrowid)


def set_password(conn: sqlite3.Connection, user_id: int, password_hash: str) -> None:
    conn.execute("UPDATE web_users SET password_hash=? WHERE id=?", (password_hash, user_id))


def user_by_name(conn: sqlite3.Connection, username: str) -> tuple[User, str] | None:
    row = conn.execute("SELECT id, username, role, discipline, password_hash FROM web_users WHERE username=?",
                       (username,)).fetchone()
    return (User(*row[:4]), row[4]) if row else None


def list_users(conn: sqlite3.Connection) -> list[User]:
    return [User(*r) for r in conn.execute("SELECT id, username, role, discipline FROM web_users ORDER BY id")]


# -- sessions -------------------------------------------------------------------------
def replace_sessions(conn: sqlite3.Connection, token_hash: str, user_id: int, ttl_s: float,
                     previous_hash: str | None = None) -> None:
    """In one transaction: drop expired sessions, every session of ``user_id`` and the session
    ``previous_hash`` (whoever held it), then add the new one."""
    now = time.time()
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM web_sessions WHERE expires < ? OR user_id = ? OR token_hash = ?",
                     (now, user_id, previous_hash or ""))
        conn.execute("INSERT INTO web_sessions VALUES (?,?,?,?)", (token_hash, user_id, now, now + ttl_s))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def session_user(conn: sqlite3.Connection, token_hash: str) -> User | None:
    row = conn.execute("SELECT u.id, u.username, u.role, u.discipline FROM web_sessions s"
                       " JOIN web_users u ON u.id = s.user_id WHERE s.token_hash=? AND s.expires > ?",
                       (token_hash, time.time())).fetchone()
    return User(*row) if row else None


def delete_session(conn: sqlite3.Connection, token_hash: str) -> None:
    conn.execute("DELETE FROM web_sessions WHERE token_hash=?", (token_hash,))


# -- login attempts (rate limiting) ---------------------------------------------------
def count_attempts(conn: sqlite3.Connection, key: str, since: float) -> int:
    return conn.execute("SELECT count(*) FROM web_login_attempts WHERE key=? AND ts>=?", (key, since)).fetchone()[0]


def add_attempt(conn: sqlite3.Connection, key: str) -> None:
    now = time.time()
    conn.execute("DELETE FROM web_login_attempts WHERE ts < ?", (now - 86400,))
    conn.execute("INSERT INTO web_login_attempts VALUES (?,?)", (key, now))


def clear_attempts(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM web_login_attempts WHERE key=?", (key,))


# -- ratings ----------------------------------------------------------------------------
def upsert_rating(conn: sqlite3.Connection, record_id: str, user_id: int, relevance: int,
                  newsworthiness: int, comment: str) -> None:
    conn.execute("INSERT INTO web_ratings VALUES (?,?,?,?,?,?) ON CONFLICT(record_id, user_id) DO UPDATE SET"
                 " relevance=excluded.relevance, newsworthiness=excluded.newsworthiness,"
                 " comment=excluded.comment, updated=excluded.updated",
                 (record_id, user_id, relevance, newsworthiness, comment, time.time()))


def ratings_for(conn: sqlite3.Connection, record_id: str) -> list[Rating]:
    return [Rating(*r) for r in conn.execute(
        "SELECT r.record_id, r.user_id, u.username, u.discipline, r.relevance, r.newsworthiness, r.comment,"
        " r.updated FROM web_ratings r JOIN web_users u ON u.id = r.user_id WHERE r.record_id=?"
        " ORDER BY r.updated DESC", (record_id,))]


def rating_summary(ratings: list[Rating]) -> list[DisciplineScore]:
    """Average relevance and newsworthiness per rater discipline (pure)."""
    groups: dict[str, list[Rating]] = {}
    for r in ratings:
        groups.setdefault(r.discipline, []).append(r)
    return [DisciplineScore(d, len(rs), round(sum(r.relevance for r in rs) / len(rs), 1),
                            round(sum(r.newsworthiness for r in rs) / len(rs), 1))
            for d, rs in sorted(groups.items())]


# -- comments ---------------------------------------------------------------------------
def insert_comment(conn: sqlite3.Connection, record_id: str, author: str, body: str, status: str,
                   spam_score: float, spam_reasons: list[dict], client: str) -> int:
    cur = conn.execute("INSERT INTO web_comments (record_id, author, body, status, spam_score, spam_reasons,"
                       " client, created) VALUES (?,?,?,?,?,?,?,?)",
                       (record_id, author, body, status, spam_score, json.dumps(spam_reasons), client,
                        time.time()))
    return int(cur.lastrowid)


_COMMENT_COLS = "id, record_id, author, body, status, spam_score, spam_reasons, created"


def _comment(row: tuple) -> CommentRow:
    return CommentRow(row[0], row[1], row[2], row[3], row[4], row[5], tuple(json.loads(row[6])), row[7])


def comments_for(conn: sqlite3.Connection, record_id: str, status: str = "published") -> list[CommentRow]:
    return [_comment(r) for r in conn.execute(
        f"SELECT {_COMMENT_COLS} FROM web_comments WHERE record_id=? AND status=? ORDER BY created",
        (record_id, status))]


def comments_by_status(conn: sqlite3.Connection, status: str, limit: int = 200) -> list[CommentRow]:
    return [_comment(r) for r in conn.execute(
        f"SELECT {_COMMENT_COLS} FROM web_comments WHERE status=? ORDER BY created LIMIT ?", (status, limit))]


def get_comment(conn: sqlite3.Connection, comment_id: int) -> CommentRow | None:
    row = conn.execute(f"SELECT {_COMMENT_COLS} FROM web_comments WHERE id=?", (comment_id,)).fetchone()
    return _comment(row) if row else None


def set_comment_status(conn: sqlite3.Connection, comment_id: int, status: str, moderator: int) -> bool:
    cur = conn.execute("UPDATE web_comments SET status=?, moderated_by=?, moderated_at=? WHERE id=?",
                       (status, moderator, time.time(), comment_id))
    return cur.rowcount == 1


def recent_comments_from(conn: sqlite3.Connection, client: str, since: float) -> int:
    return conn.execute("SELECT count(*) FROM web_comments WHERE client=? AND created>=?",
                        (client, since)).fetchone()[0]
