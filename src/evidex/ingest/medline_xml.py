"""MEDLINE/PubMed XML (PubmedArticleSet, MedlineCitationSet; plain or .gz), streamed.

lxml's iterparse with each article cleared once read keeps memory flat on baseline
files of any size. ``DeleteCitation`` elements yield ``Deletion`` markers.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lxml import etree

from ..records import Problem, Record, Section
from .schema import build
from .streams import open_source

_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}


@dataclass(frozen=True)
class Deletion:
    """A ``DeleteCitation`` entry: the record with this id must be removed."""

    id: str


def parse_file(path: Path) -> Iterator[Record | Problem | Deletion]:
    with open_source(path) as fh:
        yield from parse_stream(fh, str(path))


def parse_stream(fh: IO[bytes], source: str) -> Iterator[Record | Problem | Deletion]:
    """Yield records as each article closes; a syntax error ends the file with a Problem, and
    so does a read error of a ``streams.Source`` (a truncated .gz), after the records before it."""
    context = etree.iterparse(fh, events=("end",), tag=("PubmedArticle", "MedlineCitation",
                                                        "PubmedBookArticle", "DeleteCitation"),
                              huge_tree=True, resolve_entities=False, no_network=True)
    seen = 0
    try:
        for _, elem in context:
            tag = elem.tag
            if tag == "MedlineCitation" and elem.getparent() is not None \
                    and elem.getparent().tag == "PubmedArticle":
                continue  # handled when its PubmedArticle closes
            if tag == "DeleteCitation":
                for pmid in elem.findall("PMID"):
                    yield Deletion(f"pmid:{(pmid.text or '').strip()}")
            elif tag == "PubmedBookArticle":
                pass  # books carry no journal citation; skipped on purpose
            else:
                seen += 1
                yield _article(elem, source, seen)
            elem.clear()
            parent = elem.getparent()
            if parent is not None:
                while elem.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None) or (exc.position[0] if exc.position else 0) or 1   # 0: empty
        if getattr(fh, "error", None) is None:
            yield Problem(source, f"line {line}",
                          f"malformed XML after {seen} complete citation(s): {exc.msg}")
            return
        yield fh.problem(source, f"line {line}, after {seen} complete citation(s)")
        return
    if getattr(fh, "error", None) is not None:
        yield fh.problem(source, f"after {seen} complete citation(s)")


def _text(elem: etree._Element | None) -> str:
    """The element's text with its children's, whitespace collapsed."""
    if elem is None:
        return ""
    if not len(elem):                  # most elements have no children: no itertext walk
        text = elem.text               # read once: lxml builds a new str at every read
        return " ".join(text.split()) if text else ""
    return " ".join("".join(elem.itertext()).split())


def _children(elem: etree._Element) -> dict[str, list[etree._Element]]:
    """Direct child elements by tag, in document order: what ``find``/``findall`` of a plain tag
    name return (comments, processing instructions and entities have no string tag). One pass
    over the children instead of a path lookup per field: lxml's ``find`` cost about 4 µs a
    call, some 45 calls per citation, nearly half of parsing."""
    out: dict[str, list[etree._Element]] = {}
    for child in elem:
        tag = child.tag
        if tag.__class__ is str:
            found = out.get(tag)
            if found is None:
                out[tag] = [child]
            else:
                found.append(child)
    return out


def _one(kids: dict[str, list[etree._Element]], tag: str) -> etree._Element | None:
    """``elem.find(tag)`` from ``_children(elem)``."""
    found = kids.get(tag)
    return found[0] if found else None


def _all(kids: dict[str, list[etree._Element]], parent: str, tag: str) -> list[etree._Element]:
    """``elem.findall(f"{parent}/{tag}")`` from ``_children(elem)``: ``tag`` children of every
    ``parent`` child, in document order."""
    return [c for p in kids.get(parent, ()) for c in p if c.tag == tag]


def _under(kids: dict[str, list[etree._Element]], parent: str, tag: str) -> etree._Element | None:
    """``elem.find(f"{parent}/{tag}")`` from ``_children(elem)``: the first of ``_all``."""
    for p in kids.get(parent, ()):
        for c in p:
            if c.tag == tag:
                return c
    return None


def _child(elem: etree._Element, tag: str) -> etree._Element | None:
    """``elem.find(tag)`` for one lookup in a small element."""
    for c in elem:
        if c.tag == tag:
            return c
    return None


def _article(elem: etree._Element, source: str, index: int) -> Record | Problem:
    cit = elem if elem.tag == "MedlineCitation" else elem.find("MedlineCitation")
    if cit is None:
        return Problem(source, f"article {index}", "no MedlineCitation element")
    ck = _children(cit)
    pmid = _text(_one(ck, "PMID"))
    art = _one(ck, "Article")
    if not pmid:
        return Problem(source, f"article {index}", "citation without a PMID")
    if art is None:
        return Problem(source, f"PMID {pmid}", "citation without an Article element")
    ak = _children(art)
    where = f"line {elem.sourceline} (PMID {pmid[:40]})" if elem.sourceline else f"PMID {pmid[:40]}"
    title = _text(_one(ak, "ArticleTitle")) or _text(_one(ak, "VernacularTitle"))
    sections = tuple(
        Section((a.get("Label") or a.get("NlmCategory") or "").upper(), text)
        for a in _all(ak, "Abstract", "AbstractText") if (text := _text(a)))
    if not title and not sections:
        return Problem(source, f"PMID {pmid}", "citation has neither title nor abstract")
    doi = ""
    for eid in ak.get("ELocationID", ()):
        if eid.get("EIdType") == "doi":
            doi = _text(eid)
    if not doi:
        for aid in elem.findall("PubmedData/ArticleIdList/ArticleId"):
            if aid.get("IdType") == "doi":
                doi = _text(aid)
    journal = _one(ak, "Journal")
    jk = _children(journal) if journal is not None else {}
    issue = _one(jk, "JournalIssue")
    ik = _children(issue) if issue is not None else {}
    authors = []
    for au in _all(ak, "AuthorList", "Author"):
        uk = _children(au)
        last, initials = _text(_one(uk, "LastName")), _text(_one(uk, "Initials"))
        name = f"{last} {initials}".strip() or _text(_one(uk, "CollectiveName"))
        if name:
            authors.append(name)
    return build(
        source, where,
        id=f"pmid:{pmid}",
        pmid=pmid,
        doi=doi.lower() or None,
        title=title,
        sections=sections,
        authors=tuple(authors),
        journal=_text(_under(ck, "MedlineJournalInfo", "MedlineTA"))
        or (_text(_one(jk, "ISOAbbreviation")) or _text(_one(jk, "Title"))
            if journal is not None else ""),
        year=_year(ik) if issue is not None else None,
        volume=_text(_one(ik, "Volume")) if issue is not None else "",
        issue=_text(_one(ik, "Issue")) if issue is not None else "",
        pages=_text(_under(ak, "Pagination", "MedlinePgn")),
        publication_types=tuple(_text(p) for p in _all(ak, "PublicationTypeList", "PublicationType")),
        mesh_terms=tuple(_text(_child(m, "DescriptorName")) for m in _all(ck, "MeshHeadingList", "MeshHeading")),
        keywords=tuple(_text(k) for k in _all(ck, "KeywordList", "Keyword")),
        language=_text(_one(ak, "Language")),
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
    )


_DIGITS = re.compile(r"[0-9]{1,100}")   # any length the schema can name; int() reads 4300 digits


def _year(ik: dict[str, list[etree._Element]]) -> int | None:
    """PubDate's Year, else MedlineDate's first four characters ('1998 Dec-1999 Jan'), from the
    JournalIssue's children; a year that is not ASCII digits is none, one out of range is the
    schema's to refuse."""
    year = _text(_under(ik, "PubDate", "Year"))
    if not year:
        medline_date = _text(_under(ik, "PubDate", "MedlineDate"))
        year = medline_date[:4]
    return int(year) if _DIGITS.fullmatch(year) else None
