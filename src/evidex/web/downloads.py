"""Download links: an answer's references, a search or a browse page as RIS, BibTeX, CSL-JSON or CSV.

Thin adapters over ``render.export``: the same files ``evidex ask/search --format`` writes.
"""
from __future__ import annotations

import re
import sqlite3

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..records import DESIGN_LABELS
from ..render.export import EXTENSIONS, FORMATS, MEDIA_TYPES, ExportItem, export, item_of, items_from_answer
from ..store import SearchFilter
from .app import MAX_QUESTION
from .guards import resources

router = APIRouter(include_in_schema=False)
MAX_BROWSE_EXPORT = 2000        # records in one browse-page download
FORMAT_PATTERN = "^(" + "|".join(FORMATS) + ")$"

__all__ = ["router", "export_links"]


def export_links(base: str) -> list[tuple[str, str]]:
    """(label, href) per format for a download base URL that already carries its query."""
    joiner = "&" if "?" in base else "?"
    labels = {"ris": "RIS", "bibtex": "BibTeX", "csljson": "CSL-JSON", "csv": "CSV"}
    return [(labels[f], f"{base}{joiner}format={f}") for f in FORMATS]


def _download(items: list[ExportItem], fmt: str, stem: str) -> Response:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-")[:60] or "evidex"
    return Response(export(items, fmt), media_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}.{EXTENSIONS[fmt]}"'})


def _question(q: str) -> str:
    text = " ".join(q.split())
    if not text:
        raise HTTPException(400, "Give a question or query (q=...).")
    if len(text) > MAX_QUESTION:
        raise HTTPException(400, f"Please shorten the question to {MAX_QUESTION} characters or fewer.")
    return text


@router.get("/export/ask")
async def export_answer(request: Request, q: str = Query("", max_length=5000),
                        format: str = Query("ris", pattern=FORMAT_PATTERN)):
    question = _question(q)
    res = resources(request)
    try:
        answer = await res.answer(question)
    except sqlite3.Error:
        raise HTTPException(400, "This question could not be searched; try rephrasing it in plain words.") from None
    stored = await run_in_threadpool(lambda: res.store().get_many([r.id for r in answer.references]))
    return _download(items_from_answer(answer, stored), format, f"evidex-answer-{question}")


@router.get("/export/search")
def export_search(request: Request, q: str = Query("", max_length=5000), limit: int = Query(50, ge=1, le=500),
                  design: str = "", format: str = Query("ris", pattern=FORMAT_PATTERN)):
    from ..render.export import items_from_search
    from ..retrieve import search
    query = _question(q)
    designs = tuple(d.strip() for d in design.split(",") if d.strip())
    unknown = [d for d in designs if d not in DESIGN_LABELS]
    if unknown:
        raise HTTPException(400, f"unknown design(s) {unknown}; choose from {', '.join(DESIGN_LABELS)}")
    try:
        found = search(resources(request).store(), query, limit, SearchFilter(designs=designs))
    except sqlite3.Error:
        raise HTTPException(400, "The query could not be searched; use plain words.") from None
    return _download(items_from_search(found), format, f"evidex-search-{query}")


@router.get("/export/browse/{kind}/{name}")
def export_browse(request: Request, kind: str, name: str, design: str = "",
                  format: str = Query("ris", pattern=FORMAT_PATTERN)):
    if kind not in ("condition", "intervention"):
        raise HTTPException(404, "Browse by condition or by intervention.")
    res = resources(request)
    entries = res.topics().entries_for(kind, name)
    if not entries:
        raise HTTPException(404, f"No {kind} called {name!r} in this library.")
    if design in DESIGN_LABELS:
        entries = [e for e in entries if e.design == design]
    ids = [e.id for e in entries[:MAX_BROWSE_EXPORT]]
    stored = res.store().get_many(ids)
    return _download([item_of(stored[i]) for i in ids if i in stored], format, f"evidex-{kind}-{name}")
