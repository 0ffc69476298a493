"""Saved searches on the web: an Atom feed per search, and a signed-in user's searches page
with what is new since their last visit. Thin adapters over ``evidex.watch``.

A feed or page view runs the search first when the store changed since it last ran here, so
a feed reader sees new records without anyone running ``evidex watch run``.
"""
from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import watch as core
from ..records import DESIGN_LABELS, DESIGN_NAMES
from .app import MAX_QUESTION, html
from .guards import RowId, current_user, form_text, form_with_csrf, resources

router = APIRouter(include_in_schema=False)
ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 100

__all__ = ["atom", "router"]


async def _refresh(request: Request, watch: core.Watch) -> core.Watch:
    """Run ``watch`` when the store changed since it last ran in this process (answers are cached)."""
    res = resources(request)
    version = await run_in_threadpool(res.version)
    checked = getattr(request.app.state, "watch_checked", None)
    if checked is None:
        checked = request.app.state.watch_checked = {}      # watch id -> store version it last ran on
    if checked.get(watch.id) == version:
        return watch
    answer = await res.answer(watch.query)
    # A feed read records what is new but leaves ``evidex watch run``'s own mark where it was.
    alert = await run_in_threadpool(lambda: core.check(res.store(), watch, answer=answer, advance=False))
    checked[watch.id] = version
    return alert.watch


def atom(watch: core.Watch, hits: list[core.NewRecord], events: list[tuple], base_url: str) -> bytes:
    """The feed document (RFC 4287): one entry per reported record and per verdict change."""
    ET.register_namespace("", ATOM)

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", f"{base_url}{watch.feed_path}")
    sub(feed, "title", f"Evidex saved search: {watch.query}")
    filters = [f"designs {', '.join(DESIGN_NAMES.get(d, d) for d in watch.designs)}"] if watch.designs else []
    if watch.min_rating is not None:
        filters.append(f"rating at least {watch.min_rating:g}")
    sub(feed, "subtitle", "New records matching the search" + (f" ({'; '.join(filters)})" if filters else "")
        + f"; verdict now: {watch.verdict or 'unknown'}.")
    stamps = [h.found for h in hits] + [e[0] for e in events]
    sub(feed, "updated", max(stamps + [watch.last_run or watch.created]))
    sub(sub(feed, "author"), "name", "Evidex")
    sub(feed, "link", rel="self", href=f"{base_url}{watch.feed_path}", type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=f"{base_url}/ask?q={quote(watch.query)}", type="text/html")
    for at, before, after in events:
        entry = sub(feed, "entry")
        sub(entry, "id", f"{base_url}{watch.feed_path}#verdict-{at}")
        sub(entry, "title", f"Verdict changed: now {after} (was {before})")
        sub(entry, "updated", at)
        sub(entry, "link", rel="alternate", href=f"{base_url}/ask?q={quote(watch.query)}", type="text/html")
        sub(entry, "summary", f"New evidence changed the answer to '{watch.query}': it was {before}; it is {after}.")
    for h in hits:
        entry = sub(feed, "entry")
        href = f"{base_url}/records/{quote(h.id, safe=':/')}"
        sub(entry, "id", href)
        design = DESIGN_NAMES.get(h.design, h.design)
        sub(entry, "title", f"[{design}] {h.title}" + (f" ({h.year})" if h.year else ""))
        sub(entry, "updated", h.found)
        sub(entry, "link", rel="alternate", href=href, type="text/html")
        sub(entry, "category", term=h.design, label=design)
        rating = (f"clinician rating {h.rating.score:g}/7 ({h.rating.raters} rater{'s' if h.rating.raters != 1 else ''})"
                  if h.rating else "not yet rated")
        sub(entry, "summary", f"{design}, {h.year or 'year not stated'}; {rating}. Record {h.id}.")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@router.get("/feeds/{token}.atom")
async def feed(request: Request, token: str):
    res = resources(request)
    try:
        watch = await run_in_threadpool(lambda: core.get(res.store().conn, token))
    except core.WatchError:
        raise HTTPException(404, "No saved search with this feed address.") from None
    watch = await _refresh(request, watch)
    hits, events = await run_in_threadpool(lambda: core.history(res.store().conn, watch, FEED_ENTRIES))
    base = str(request.base_url).rstrip("/")
    return Response(atom(watch, hits, events, base), media_type="application/atom+xml; charset=utf-8")


@router.get("/watches")
async def watches_page(request: Request):
    user = current_user(request)
    if user is None:
        return RedirectResponse("/login?next=" + quote("/watches"), status_code=303)
    res = resources(request)
    items = []
    for w in await run_in_threadpool(lambda: core.list_watches(res.store().conn, user.id, everyone=False)):
        w = await _refresh(request, w)
        conn = res.store().conn
        hits, events = await run_in_threadpool(lambda w=w: core.history(conn, w, FEED_ENTRIES))
        seen = await run_in_threadpool(lambda w=w: core.last_visit(conn, w.id, user.id))
        items.append({"watch": w, "seen": seen, "new": [h for h in hits if seen is None or h.found > seen],
                      "events": [e for e in events if seen is None or e[0] > seen], "total": len(hits)})
        await run_in_threadpool(lambda w=w: core.mark_visit(conn, w.id, user.id))
    return html(request, "watches.html", items=items, designs=DESIGN_LABELS, design_names=DESIGN_NAMES, error="")


@router.post("/watches")
async def add_watch(request: Request, form=Depends(form_with_csrf)):
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "Sign in first.")
    query = form_text(form, "q", MAX_QUESTION)
    designs = [d for d in form.getlist("design") if isinstance(d, str)]
    rating = form_text(form, "min_rating", 3)
    res = resources(request)
    try:
        min_rating = float(rating) if rating else None
        core.parse_designs(designs)
        if not query:
            raise core.WatchError("Give a question or search words to save.")
        try:
            answer = await res.answer(query)
        except sqlite3.Error:
            raise core.WatchError("This question could not be searched; try rephrasing it in plain words.") from None
        await run_in_threadpool(lambda: core.add(res.store(), query, designs, min_rating, user.id,
                                                 verdict=core.answer_verdict(answer)))
    except (core.WatchError, ValueError) as exc:
        raise HTTPException(400, str(exc) if isinstance(exc, core.WatchError)
                            else "The minimum rating is a number from 1 to 7.") from None
    return RedirectResponse("/watches", status_code=303)


@router.post("/watches/{watch_id}/delete")
async def delete_watch(request: Request, watch_id: RowId, form=Depends(form_with_csrf)):
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "Sign in first.")
    try:
        await run_in_threadpool(lambda: core.remove(resources(request).store().conn, watch_id, user.id))
    except core.WatchError as exc:
        raise HTTPException(404, str(exc)) from None
    return RedirectResponse("/watches", status_code=303)
