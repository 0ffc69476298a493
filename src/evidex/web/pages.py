"""Server-rendered pages: ask, browse, record, sign-in, moderation. Readable without JavaScript.

Thin adapters: parse the request, call one core or service function, render a template.
Every form carries the CSRF token; every POST checks it (``guards.form_with_csrf``).
"""
from __future__ import annotations

import sqlite3
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..records import DESIGN_LABELS
from . import auth, db, service, views
from .app import MAX_QUESTION, html
from .guards import (RowId, ascii_int, client_address, current_user, form_int, form_text, form_with_csrf,
                     require_role, resources, sign_in, sign_out)

router = APIRouter(include_in_schema=False)
EXAMPLES = (
    "Is low-dose naltrexone effective for complex regional pain syndrome?",
    "Is low-dose naltrexone effective for fibromyalgia?",
    "What dose of low-dose naltrexone is used for chronic pain?",
    "Is low-dose naltrexone safe?",
    "Low-dose naltrexone versus amitriptyline for painful diabetic neuropathy",
)
PAGE_SIZE = 50

__all__ = ["router", "current_user", "error_page"]


def error_page(request: Request, status: int, message: str) -> Response:
    try:
        return html(request, "error.html", status=status, status_code=status, message=message)
    except Exception:  # never fail while reporting a failure
        return HTMLResponse(f"<h1>Error {status}</h1>", status_code=status)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    res = resources(request)
    topics = res.topics()
    return html(request, "home.html", examples=EXAMPLES, total=len(topics.entries),
                conditions=topics.topics("condition")[:12], interventions=topics.topics("intervention")[:8])


@router.get("/ask", response_class=HTMLResponse)
async def ask_page(request: Request, q: str = Query("", max_length=5000)):
    question = " ".join(q.split())
    if not question:
        return html(request, "ask.html", q="", view=None, error="", examples=EXAMPLES)
    if len(question) > MAX_QUESTION:
        return html(request, "ask.html", status=400, q=question[:MAX_QUESTION], view=None, examples=EXAMPLES,
                    error=f"Please shorten the question to {MAX_QUESTION} characters or fewer.")
    res = resources(request)
    if await run_in_threadpool(lambda: res.store().count()) == 0:
        return html(request, "ask.html", q=question, view=None, examples=EXAMPLES,
                    error="The library is empty: load literature first (evidex ingest --starter).")
    try:
        answer = await res.answer(question)
    except sqlite3.Error:
        return html(request, "ask.html", status=400, q=question, view=None, examples=EXAMPLES,
                    error="This question could not be searched; try rephrasing it in plain words.")
    return await run_in_threadpool(lambda: html(request, "ask.html", q=question, error="", examples=EXAMPLES,
                                                view=views.answer_view(answer, res.store())))


@router.get("/browse", response_class=HTMLResponse)
def browse(request: Request):
    topics = resources(request).topics()
    return html(request, "browse.html", conditions=topics.topics("condition"),
                interventions=topics.topics("intervention"), total=len(topics.entries))


@router.get("/browse/{kind}/{name}", response_class=HTMLResponse)
def browse_topic(request: Request, kind: str, name: str, design: str = "", page: int = Query(1, ge=1, le=10_000)):
    if kind not in ("condition", "intervention"):
        raise HTTPException(404, "Browse by condition or by intervention.")
    res = resources(request)
    topics = res.topics()
    entries = topics.entries_for(kind, name)
    if not entries:
        raise HTTPException(404, f"No {kind} called {name!r} in this library.")
    counts = views.design_counts(entries)
    question = views.suggested_question(kind, name, entries)
    if design and design in DESIGN_LABELS:
        entries = [e for e in entries if e.design == design]
    else:
        design = ""
    pages = max(1, (len(entries) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(page, pages)
    shown = entries[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    stored = res.store().get_many([e.id for e in shown])
    return html(request, "topic.html", kind=kind, name=name, counts=counts, design=design, total=len(entries),
                items=views.browse_items(shown, stored), page=page, pages=pages,
                base=views.topic_href(kind, name), question=question)


def _record_context(request: Request, record_id: str, hl: int | None) -> dict:
    res = resources(request)
    stored = service.require_record(res, record_id)
    view = res.record_view(stored, hl)
    conn = res.conn()
    ratings = db.ratings_for(conn, record_id)
    user = current_user(request)
    mine = next((r for r in ratings if user and r.user_id == user.id), None)
    return dict(view=view, ratings=ratings, summary=db.rating_summary(ratings), mine=mine,
                comments=db.comments_for(conn, record_id), disciplines=db.DISCIPLINES)


@router.get("/records/{record_id:path}", response_class=HTMLResponse)
def record_page(request: Request, record_id: str, hl: str = "", posted: str = "", rated: str = ""):
    ctx = _record_context(request, record_id, ascii_int(hl, 6))
    notice = {"held": "Thank you. Your comment is waiting for a moderator, because our spam check flagged it.",
              "published": "Thank you. Your comment is published below."}.get(posted, "")
    if rated == "1":
        notice = "Your rating was saved."
    return html(request, "record.html", notice=notice, **ctx)


@router.post("/records/{record_id:path}/rate")
async def rate_form(request: Request, record_id: str, form=Depends(form_with_csrf)):
    user = require_role(request, "rater")
    relevance, news = form_int(form, "relevance", 1, 7), form_int(form, "newsworthiness", 1, 7)
    service.rate(resources(request), user, record_id, relevance, news,
                 form_text(form, "comment", service.MAX_RATER_COMMENT))
    return _redirect(views.record_href(record_id) + "?rated=1#ratings")


@router.post("/records/{record_id:path}/comments")
async def comment_form(request: Request, record_id: str, form=Depends(form_with_csrf)):
    posted = service.post_comment(resources(request), record_id,
                                  form_text(form, "author", 200), form_text(form, "body", service.MAX_COMMENT),
                                  client_address(request), current_user(request),
                                  honeypot=form_text(form, "website", 500))
    return _redirect(views.record_href(record_id) + f"?posted={posted.status}#comments")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/"):
    return html(request, "login.html", next=_safe_next(next), error="")


@router.post("/login")
async def login(request: Request, form=Depends(form_with_csrf)):
    res = resources(request)
    username, password = form_text(form, "username", 100), form_text(form, "password", 1000)
    target = _safe_next(form_text(form, "next", 2000))
    address = client_address(request)
    result = await run_in_threadpool(lambda: auth.attempt_login(res.conn(), username, password, address))
    if result.user is None:
        if result.limited:
            return html(request, "login.html", status=429, next=target,
                        error="Too many failed sign-in attempts. Wait 15 minutes and try again.")
        return html(request, "login.html", status=401, next=target, error="Wrong user name or password.")
    response = _redirect(target)
    sign_in(request, response, result.user)
    return response


@router.post("/logout")
async def logout(request: Request, form=Depends(form_with_csrf)):
    response = _redirect("/")
    sign_out(request, response)
    return response


@router.get("/moderation", response_class=HTMLResponse)
def moderation(request: Request):
    user = current_user(request)
    if user is None:
        return _redirect("/login?next=" + quote("/moderation"))
    require_role(request, "admin")
    conn = resources(request).conn()
    return html(request, "moderation.html", held=db.comments_by_status(conn, "held"),
                published=db.comments_by_status(conn, "published")[-20:])


@router.post("/moderation/{comment_id}")
async def moderate(request: Request, comment_id: RowId, form=Depends(form_with_csrf)):
    admin = require_role(request, "admin")
    service.moderate(resources(request), admin, comment_id, form_text(form, "action", 20))
    return _redirect("/moderation")


@router.get("/api", response_class=HTMLResponse)
def api_docs(request: Request):
    schema = request.app.openapi()
    endpoints = [(method.upper(), path, op.get("summary", ""), op.get("description", ""))
                 for path, item in schema["paths"].items() for method, op in item.items()]
    return html(request, "api.html", endpoints=endpoints)


@router.get("/healthz", include_in_schema=False)
def healthz():
    return {"ok": True}
