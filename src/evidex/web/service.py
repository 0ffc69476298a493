"""What the pages and the API both do: rate, comment, moderate (one implementation each)."""
from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import HTTPException

from . import db, spam
from .db import User

MAX_COMMENT = 4000
MAX_RATER_COMMENT = 2000
MAX_AUTHOR = 80
COMMENT_WINDOW_S = 600
ANONYMOUS = "Anonymous reader"


@dataclass(frozen=True)
class Posted:
    id: int
    status: str
    verdict: spam.Verdict


def require_record(res, record_id: str):
    found = res.store().get(record_id)
    if found is None:
        raise HTTPException(404, f"No record with id {record_id!r} in this library.")
    return found


def rate(res, user: User, record_id: str, relevance: int, newsworthiness: int, comment: str) -> None:
    if not user.can_rate:
        raise HTTPException(403, "Only raters may rate articles.")
    for name, value in (("relevance", relevance), ("newsworthiness", newsworthiness)):
        if type(value) is not int or not 1 <= value <= 7:          # bool is an int subclass: refused
            raise HTTPException(400, f"{name}: a whole number from 1 to 7")
    if len(comment) > MAX_RATER_COMMENT:
        raise HTTPException(400, f"comment: at most {MAX_RATER_COMMENT} characters")
    require_record(res, record_id)
    db.upsert_rating(res.conn(), record_id, user.id, relevance, newsworthiness, comment.strip())


def post_comment(res, record_id: str, author: str, body: str, client: str, user: User | None = None,
                 honeypot: str = "") -> Posted:
    """Store a reader comment: published, or held for moderation when the spam check says so."""
    body = body.replace("\r\n", "\n").strip()
    author = " ".join(author.split())[:MAX_AUTHOR] or (user.username if user else ANONYMOUS)
    if not body:
        raise HTTPException(400, "The comment is empty.")
    if len(body) > MAX_COMMENT:
        raise HTTPException(400, f"A comment may be at most {MAX_COMMENT} characters.")
    stored = require_record(res, record_id)
    conn = res.conn()
    if db.recent_comments_from(conn, client, time.time() - COMMENT_WINDOW_S) >= res.comments_per_window:
        raise HTTPException(429, "Too many comments from this address; please wait a few minutes.")
    rec, appr = stored.record, stored.appraisal
    topic = spam.content_words(" ".join([rec.text(), *appr.conditions, *appr.interventions]))
    verdict = spam.check(f"{author}\n{body}" if author != ANONYMOUS else body, topic)
    if honeypot:
        verdict = spam.Verdict(verdict.score + spam.HOLD_AT, True,
                               verdict.reasons + (spam.Reason("hidden field filled", spam.HOLD_AT,
                                                              "a form field people cannot see was filled"),))
    status = "held" if verdict.held else "published"
    cid = db.insert_comment(conn, record_id, author, body, status, verdict.score,
                            [r.__dict__ for r in verdict.reasons], client)
    return Posted(cid, status, verdict)


def moderate(res, admin: User, comment_id: int, action: str) -> db.CommentRow:
    if not admin.can_moderate:
        raise HTTPException(403, "Only admins may moderate comments.")
    status = {"approve": "published", "reject": "rejected", "hold": "held"}.get(action)
    if status is None:
        raise HTTPException(400, "action: approve, reject or hold")
    conn = res.conn()
    if not db.set_comment_status(conn, comment_id, status, admin.id):
        raise HTTPException(404, f"No comment {comment_id}.")
    return db.get_comment(conn, comment_id)
