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
        return " ".join(elem.text.split()) if elem.text else ""
    return " ".join("".join(elem.itertext()).split())


def _article(elem: etree._Element, source: str, index: int) -> Record | Problem:
    cit = elem if elem.tag == "MedlineCitation" else elem.find("MedlineCitation")
    if cit is None:
        return Problem(source, f"article {index}", "no MedlineCitation element")
    pmid = _text(cit.find("PMID"))
    art = cit.find("Article")
    if not pmid:
        return Problem(source, f"article {index}", "citation without a PMID")
    if art is None:
        return Problem(source, f"PMID {pmid}", "citation without an Article element")
    where = f"line {elem.sourceline} (PMID {pmid[:40]})" if elem.sourceline else f"PMID {pmid[:40]}"
    title = _text(art.find("ArticleTitle")) or _text(art.find("VernacularTitle"))
    sections = tuple(
        Section((a.get("Label") or a.get("NlmCategory") or "").upper(), _text(a))
        for a in art.findall("Abstract/AbstractText") if _text(a))
    if not title and not sections:
        return Problem(source, f"PMID {pmid}", "citation has neither title nor abstract")
    doi = ""
    for eid in art.findall("ELocationID"):
        if eid.get("EIdType") == "doi":
            doi = _text(eid)
    if not doi:
        for aid in elem.findall("PubmedData/ArticleIdList/ArticleId"):
            if aid.get("IdType") == "doi":
                doi = _text(aid)
    journal = art.find("Journal")
    issue = journal.find("JournalIssue") if journal is not None else None
    authors = []
    for au in art.findall("AuthorList/Author"):
        last, initials = _text(au.find("LastName")), _text(au.find("Initials"))
        name = f"{last} {initials}".strip() or _text(au.find("CollectiveName"))
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
        journal=_text(cit.find("MedlineJournalInfo/MedlineTA"))
        or (_text(journal.find("ISOAbbreviation")) or _text(journal.find("Title"))
            if journal is not None else ""),
        year=_year(issue),
        volume=_text(issue.find("Volume")) if issue is not None else "",
        issue=_text(issue.find("Issue")) if issue is not None else "",
        pages=_text(art.find("Pagination/MedlinePgn")),
        publication_types=tuple(_text(p) for p in art.findall("PublicationTypeList/PublicationType")),
        mesh_terms=tuple(_text(m.find("DescriptorName")) for m in cit.findall("MeshHeadingList/MeshHeading")),
        keywords=tuple(_text(k) for k in cit.findall("KeywordList/Keyword")),
        language=_text(art.find("Language")),
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
    )


_DIGITS = re.compile(r"[0-9]{1,100}")   # any length the schema can name; int() reads 4300 digits


def _year(issue: etree._Element | None) -> int | None:
    """PubDate's Year, else MedlineDate's first four characters ('1998 Dec-1999 Jan');
    a year that is not ASCII digits is none, one out of range is the schema's to refuse."""
    if issue is None:
        return None
    year = _text(issue.find("PubDate/Year"))
    if not year:
        medline_date = _text(issue.find("PubDate/MedlineDate"))
        year = medline_date[:4]
    return int(year) if _DIGITS.fullmatch(year) else None
