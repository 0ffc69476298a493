"""Accounts, server-side sessions, CSRF tokens and login rate limiting.

- Passwords: argon2id (argon2-cffi defaults, RFC 9106 "second recommended option");
  hashes are re-computed on login when the parameters change.
- Sessions: a random 256-bit token in an HttpOnly, SameSite=Lax cookie; only its
  SHA-256 is stored, so a copy of the database does not hand out live sessions. The
  token is replaced at login (no session fixation), a login ends every earlier session
  of the account (one live session per account), and logout deletes it. Lifetime:
  ``SESSION_TTL_S`` from sign-in, not extended by use.
- CSRF: every visitor, signed in or not, carries a random client id cookie; the form
  token is HMAC-SHA256(secret, client id) — the "HMAC-based token" pattern of the OWASP
  CSRF cheat sheet — checked with a constant-time comparison on every unsafe request.
- Login rate limit: at most ``MAX_FAILURES`` failed attempts per (user name, client
  address) and ``MAX_FAILURES_PER_ADDRESS`` per address in ``WINDOW_S`` seconds.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from . import db

SESSION_COOKIE = "evx_session"
CLIENT_COOKIE = "evx_client"
SESSION_TTL_S = 12 * 3600
WINDOW_S = 15 * 60
MAX_FAILURES = 5
MAX_FAILURES_PER_ADDRESS = 20
MIN_PASSWORD = 10
_USERNAME = re.compile(r"[A-Za-z0-9_.-]{3,40}")

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not reveal names.
_DUMMY_HASH = _hasher.hash("evidex-dummy-password")


class AuthError(ValueError):
    """A user-facing account problem (bad name, weak password, duplicate)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(secret: bytes, client_id: str) -> str:
    return hmac.new(secret, b"csrf:" + client_id.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, client_id: str | None, supplied: str | None) -> bool:
    if not client_id or not supplied:
        return False
    return hmac.compare_digest(csrf_token(secret, client_id), supplied)


def validate_new_user(username: str, password: str, role: str, discipline: str) -> None:
    if not _USERNAME.fullmatch(username):
        raise AuthError("user name: 3-40 letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"password: at least {MIN_PASSWORD} characters")
    if role not in db.ROLES:
        raise AuthError(f"role: one of {', '.join(db.ROLES)}")
    if discipline not in db.DISCIPLINES:
        raise AuthError(f"discipline: one of {', '.join(db.DISCIPLINES)}")


def add_user(conn: sqlite3.Connection, username: str, password: str, role: str,
             discipline: str = "Physician") -> db.User:
    validate_new_user(username, password, role, discipline)
    try:
        uid = db.insert_user(conn, username, hash_password(password), role, discipline)
    except sqlite3.IntegrityError as exc:
        raise AuthError(f"user {username!r} already exists") from exc
    return db.User(uid, username, role, discipline)


def create_user(db_path: str | Path, username: str, password: str, role: str,
                discipline: str = "Physician") -> db.User:
    """Create a rater or admin account in the store at ``db_path`` (for scripts and the CLI)."""
    conn = db.connect(db_path)
    try:
        db.init_schema(conn)
        return add_user(conn, username, password, role, discipline)
    finally:
        conn.close()


@dataclass(frozen=True)
class LoginResult:
    user: db.User | None
    limited: bool = False


def attempt_login(conn: sqlite3.Connection, username: str, password: str, address: str) -> LoginResult:
    """Check a password under the rate limit; failures are recorded, success clears them."""
    since = time.time() - WINDOW_S
    pair_key, addr_key = f"u:{username.lower()}|{address}", f"a:{address}"
    if (db.count_attempts(conn, pair_key, since) >= MAX_FAILURES
            or db.count_attempts(conn, addr_key, since) >= MAX_FAILURES_PER_ADDRESS):
        return LoginResult(None, limited=True)
    found = db.user_by_name(conn, username) if _USERNAME.fullmatch(username or "") else None
    ok = verify_password(found[1] if found else _DUMMY_HASH, password) and found is not None
    if not ok:
        db.add_attempt(conn, pair_key)
        db.add_attempt(conn, addr_key)
        return LoginResult(None)
    user, stored = found
    if _hasher.check_needs_rehash(stored):
        db.set_password(conn, user.id, hash_password(password))
    db.clear_attempts(conn, pair_key)
    return LoginResult(user)


def start_session(conn: sqlite3.Connection, user: db.User, previous: str | None = None) -> str:
    """A new session token for ``user``. Signing in ends every earlier session of that account
    (one live session per account: a copied or forgotten token dies at the next sign-in) and
    the session the client presented as ``previous`` (no session fixation)."""
    token = new_token()
    db.replace_sessions(conn, token_digest(token), user.id, SESSION_TTL_S,
                        token_digest(previous) if previous and len(previous) <= 100 else None)
    return token


def session_user(conn: sqlite3.Connection, token: str | None) -> db.User | None:
    if not token or len(token) > 100:
        return None
    return db.session_user(conn, token_digest(token))


def end_session(conn: sqlite3.Connection, token: str | None) -> None:
    if token:
        db.delete_session(conn, token_digest(token))
