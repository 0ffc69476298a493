"""Web pages (HTML) and plain text / Markdown documents: guidelines, patient articles, blogs.

The article's main text becomes the record; reader comments are split off into
``Record.comments`` (never indexed, never evidence) and page boilerplate such as
"Leave a Reply" forms is dropped.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..records import Comment, Problem, Record, Section, content_id
from .schema import build
from .streams import open_source

_COMMENTS_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(?:\d+\s+)?(?:comments?|responses?|replies|reader comments|"
    r"comments from .*|discussion)\s*:?\s*$", re.I)
_BOILERPLATE = re.compile(r"^\s*(?:#+\s*)?(?:leave a (?:reply|comment)|post a comment|"
                          r"your email address will not be published).*$", re.I)
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")
_HEADING_MD = re.compile(r"^\s*#{1,6}\s+(.*?)\s*#*\s*$")


def parse_file(path: Path) -> Iterator[Record | Problem]:
    try:
        with open_source(path) as fh:
            raw = fh.read()
            error = fh.problem(str(path), "") if fh.error is not None else None
    except OSError as exc:
        yield Problem(str(path), "", f"cannot read file: {exc.strerror}")
        return
    if error is not None:       # half a page is not the page: nothing is stored
        yield error
        return
    text = raw.decode("utf-8-sig", errors="replace")
    if path.suffix.lower() in {".html", ".htm", ".xhtml"} or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        yield parse_html(text, str(path))
    else:
        yield parse_text(text, str(path))


def parse_html(html: str, source: str, url: str = "") -> Record | Problem:
    import trafilatura  # imported here: only HTML ingest pays its start-up cost
    doc = trafilatura.bare_extraction(html, url=url or None, include_comments=True,
                                      with_metadata=True, include_tables=False)
    if doc is None or not (doc.text or "").strip():
        return Problem(source, "", "no article text found in the HTML page")
    body = _strip_boilerplate(doc.text).replace("\n", "\n\n")
    # Trafilatura puts one comment paragraph per line.
    comments = tuple(Comment(c) for c in _split_comments((doc.comments or "").replace("\n", "\n\n")))
    title = (doc.title or "").strip() or body.split("\n", 1)[0][:200]
    year = int(doc.date[:4]) if doc.date and doc.date[:4].isascii() and doc.date[:4].isdigit() else None
    sections = tuple(s for s in _sections(body) if s.text.strip() != title)
    return _build(title, sections, comments, source, url or (doc.url or ""),
                  year=year, authors=tuple(a.strip() for a in (doc.author or "").split(";") if a.strip()),
                  site=doc.sitename or "")


def parse_text(text: str, source: str) -> Record | Problem:
    lines = text.replace("\r\n", "\n").split("\n")
    article, comment_lines, in_comments = [], [], False
    for line in lines:
        if _BOILERPLATE.match(line):
            break
        if not in_comments and _COMMENTS_HEADING.match(line):
            in_comments = True
            continue
        (comment_lines if in_comments else article).append(line)
    body = "\n".join(article).strip()
    if not body:
        return Problem(source, "", "document is empty")
    first = next(ln for ln in article if ln.strip())
    m = _HEADING_MD.match(first)
    title = (m.group(1) if m else first).strip()[:300]
    rest = body.split("\n", 1)[1] if "\n" in body else ""
    comments = tuple(Comment(c) for c in _split_comments("\n".join(comment_lines)))
    return _build(title, _sections(rest), comments, source, "")


def _strip_boilerplate(text: str) -> str:
    out = []
    for line in text.split("\n"):
        if _BOILERPLATE.match(line):
            break
        out.append(line)
    return "\n".join(out).strip()


def _split_comments(text: str) -> list[str]:
    """Comments are separated by blank lines or numbered items."""
    chunks: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*\d+[.)]\s)", text.strip()):
        lines = [ln for ln in block.strip().split("\n") if not _COMMENTS_HEADING.match(ln)]
        block = _NUMBERED.sub("", "\n".join(lines).strip())
        if block and not _BOILERPLATE.match(block):
            chunks.append(" ".join(block.split()))
    return chunks


def _is_heading(par: str) -> bool:
    if _HEADING_MD.match(par):
        return True
    return "\n" not in par and len(par) < 70 and not par.rstrip().endswith((".", ":", "?", "!", ",", ";", "\u201d", '"'))


def _sections(body: str) -> tuple[Section, ...]:
    """Paragraphs grouped under their headings; a heading becomes the section label."""
    out: list[Section] = []
    label, pars = "", []
    pieces = []
    for block in re.split(r"\n\s*\n", body):
        # Bullet items are statements of their own, not parts of one paragraph.
        pieces += re.split(r"\n(?=\s*[-*\u2022]\s)", block)
    for par in (re.sub(r"^\s*[-*\u2022]\s+", "", p.strip()) for p in pieces):
        if not par:
            continue
        if _is_heading(par) and "\n" not in par.strip():
            if pars:
                out.append(Section(label, " ".join(pars)))
                pars = []
            m = _HEADING_MD.match(par)
            label = (m.group(1) if m else par).strip().upper()[:60]
        else:
            pars.append(" ".join(par.split()))
    if pars:
        out.append(Section(label, " ".join(pars)))
    return tuple(out)


def _build(title: str, sections: tuple[Section, ...], comments: tuple[Comment, ...], source: str,
           url: str, year: int | None = None, authors: tuple[str, ...] = (), site: str = "") -> Record | Problem:
    rid = content_id(title + "\n" + "\n".join(s.text for s in sections))
    return build(source, "", id=rid, title=title, sections=sections, authors=authors, journal=site,
                 year=year, url=url, comments=comments, publication_types=("Web Page",))
