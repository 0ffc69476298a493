"""JSON API mirroring the CLI: ask, search, show, plus ratings, comments and moderation.

``GET /api/ask`` returns exactly the answer contract of DESIGN.md
(``evidex.render.json.to_contract``). Writes need the session cookie of a signed-in
user where a role is required, and always the ``X-CSRF-Token`` header (GET /api/csrf).
"""
from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ..records import DESIGN_LABELS
from ..render.json import AnswerOut, to_contract
from ..store import SearchFilter
from . import auth, db, service
from .app import MAX_QUESTION
from .guards import RowId, client_address, current_user, json_with_csrf, require_role, resources, sign_in

router = APIRouter(prefix="/api", tags=["api"])


class _In(BaseModel):
    """Request bodies: no unknown keys, and no coercion (``true`` is not the rating 1, ``"5"`` not 5)."""
    model_config = ConfigDict(extra="forbid", strict=True)


class RatingIn(_In):
    relevance: int = Field(ge=1, le=7, description="How relevant to clinical practice (1-7)")
    newsworthiness: int = Field(ge=1, le=7, description="How new or important the finding is (1-7)")
    comment: str = Field("", max_length=service.MAX_RATER_COMMENT)


class CommentIn(_In):
    body: str = Field(min_length=1, max_length=service.MAX_COMMENT)
    author: str = Field("", max_length=service.MAX_AUTHOR)


class LoginIn(_In):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)


class ModerationIn(_In):
    action: str = Field(pattern="^(approve|reject|hold)$")


class SearchHit(BaseModel):
    id: str
    score: float
    title: str
    year: int | None
    design: str


class DisciplineOut(BaseModel):
    discipline: str
    count: int
    relevance: float
    newsworthiness: float


class RatingOut(BaseModel):
    discipline: str
    relevance: int
    newsworthiness: int
    comment: str


class RatingsOut(BaseModel):
    record_id: str
    by_discipline: list[DisciplineOut]
    ratings: list[RatingOut]


class CommentOut(BaseModel):
    id: int
    author: str
    body: str
    status: str
    created: float


class PostedOut(BaseModel):
    id: int
    status: str
    spam: dict


class HeldOut(CommentOut):
    record_id: str
    spam_score: float
    spam_reasons: list[dict]


def _ratings(res, record_id: str) -> RatingsOut:
    rows = db.ratings_for(res.conn(), record_id)
    return RatingsOut(record_id=record_id,
                      by_discipline=[DisciplineOut(**vars(d)) for d in db.rating_summary(rows)],
                      ratings=[RatingOut(discipline=r.discipline, relevance=r.relevance,
                                         newsworthiness=r.newsworthiness, comment=r.comment) for r in rows])


@router.get("/ask", response_model=AnswerOut, summary="Answer a clinical question (DESIGN.md contract)")
async def api_ask(request: Request, q: str = Query(..., min_length=1, max_length=MAX_QUESTION)):
    res = resources(request)
    try:
        answer = await res.answer(q)
    except sqlite3.Error as exc:
        raise HTTPException(400, "the question could not be searched; rephrase it in plain words") from exc
    return JSONResponse(to_contract(answer))


@router.get("/search", response_model=list[SearchHit], summary="Search records (BM25, synonyms expanded)")
def api_search(request: Request, q: str = Query(..., min_length=1, max_length=MAX_QUESTION),
               limit: int = Query(10, ge=1, le=100), design: str = "", since: int | None = Query(None, ge=0, le=3000)):
    from ..retrieve import search
    designs = tuple(d.strip() for d in design.split(",") if d.strip())
    unknown = [d for d in designs if d not in DESIGN_LABELS]
    if unknown:
        raise HTTPException(400, f"unknown design(s) {unknown}; choose from {', '.join(DESIGN_LABELS)}")
    try:
        found = search(resources(request).store(), q, limit, SearchFilter(designs=designs, since=since))
    except sqlite3.Error as exc:
        raise HTTPException(400, "the query could not be searched; use plain words") from exc
    return [SearchHit(id=c.stored.record.id, score=round(c.score, 4), title=c.stored.record.title,
                      year=c.stored.record.year, design=c.stored.appraisal.design) for c in found]


@router.get("/browse", summary="Conditions and interventions with record counts")
def api_browse(request: Request) -> dict:
    topics = resources(request).topics()
    return {"records": len(topics.entries),
            "conditions": [{"name": n, "count": c} for n, c in topics.topics("condition")],
            "interventions": [{"name": n, "count": c} for n, c in topics.topics("intervention")]}


@router.get("/csrf", summary="The CSRF token to send as X-CSRF-Token on writes")
def api_csrf(request: Request) -> dict:
    return {"csrf_token": auth.csrf_token(resources(request).secret, request.state.client_id)}


@router.post("/login", dependencies=[Depends(json_with_csrf)], summary="Sign in (sets the session cookie; ends the account's other sessions)")
async def api_login(request: Request, body: LoginIn):
    res = resources(request)
    address = client_address(request)
    result = await run_in_threadpool(lambda: auth.attempt_login(res.conn(), body.username, body.password, address))
    if result.user is None:
        raise HTTPException(429 if result.limited else 401,
                            "too many failed attempts; wait 15 minutes" if result.limited else "wrong user name or password")
    response = JSONResponse({"username": result.user.username, "role": result.user.role})
    sign_in(request, response, result.user)
    return response


@router.get("/moderation", response_model=list[HeldOut], summary="Comments held for moderation (admins)")
def api_held(request: Request):
    require_role(request, "admin")
    return [HeldOut(id=c.id, record_id=c.record_id, author=c.author, body=c.body, status=c.status,
                    created=c.created, spam_score=c.spam_score, spam_reasons=list(c.spam_reasons))
            for c in db.comments_by_status(resources(request).conn(), "held")]


@router.post("/comments/{comment_id}/moderation", dependencies=[Depends(json_with_csrf)],
             response_model=CommentOut, summary="Approve, reject or hold a comment (admins)")
def api_moderate(request: Request, comment_id: RowId, body: ModerationIn):
    admin = require_role(request, "admin")
    c = service.moderate(resources(request), admin, comment_id, body.action)
    return CommentOut(id=c.id, author=c.author, body=c.body, status=c.status, created=c.created)


# Sub-resources first: /records/{id:path} would otherwise swallow ".../ratings".
@router.get("/records/{record_id:path}/ratings", response_model=RatingsOut, summary="Clinician ratings of a record")
def api_ratings(request: Request, record_id: str):
    res = resources(request)
    service.require_record(res, record_id)
    return _ratings(res, record_id)


@router.post("/records/{record_id:path}/ratings", dependencies=[Depends(json_with_csrf)],
             response_model=RatingsOut, summary="Rate a record (raters)")
def api_rate(request: Request, record_id: str, body: RatingIn):
    user = require_role(request, "rater")
    res = resources(request)
    service.rate(res, user, record_id, body.relevance, body.newsworthiness, body.comment)
    return _ratings(res, record_id)


@router.get("/records/{record_id:path}/comments", response_model=list[CommentOut],
            summary="Published reader comments")
def api_comments(request: Request, record_id: str):
    res = resources(request)
    service.require_record(res, record_id)
    return [CommentOut(id=c.id, author=c.author, body=c.body, status=c.status, created=c.created)
            for c in db.comments_for(res.conn(), record_id)]


@router.post("/records/{record_id:path}/comments", dependencies=[Depends(json_with_csrf)],
             response_model=PostedOut, status_code=201, summary="Post a reader comment (spam-checked)")
def api_comment(request: Request, record_id: str, body: CommentIn):
    posted = service.post_comment(resources(request), record_id, body.author, body.body,
                                  client_address(request), current_user(request))
    return PostedOut(id=posted.id, status=posted.status, spam=posted.verdict.to_json())


@router.get("/records/{record_id:path}", summary="One stored record and its appraisal (as evidex show)")
def api_record(request: Request, record_id: str) -> dict:
    res = resources(request)
    found = service.require_record(res, record_id)
    return {"record": found.record.to_json(), "appraisal": found.appraisal.to_json(),
            "ratings": _ratings(res, record_id).model_dump()}
