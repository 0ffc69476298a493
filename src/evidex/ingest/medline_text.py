"""MEDLINE text format (PubMed's "Save -> PubMed format", .nbib/.medline), streamed.

Each record is a block of ``TAG - value`` lines with 6-space continuation lines, blocks
separated by blank lines. Unlabelled abstracts with inline ``RESULTS:`` style labels are
split into sections.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..records import Problem, Record, Section
from .schema import build
from .streams import open_source

_TAG = re.compile(r"^([A-Z]{2,4})\s*-\s?(.*)$")
_INLINE_LABEL = re.compile(r"(?:(?<=^)|(?<=[.?!]\s))([A-Z][A-Z /&,-]{2,40}):\s")


def parse_file(path: Path) -> Iterator[Record | Problem]:
    with open_source(path) as fh:
        yield from parse_lines(io.TextIOWrapper(fh, encoding="utf-8-sig", errors="replace"), str(path))
        if fh.error is not None:
            yield fh.problem(str(path), "at its end")


def parse_lines(lines: Iterable[str], source: str) -> Iterator[Record | Problem]:
    fields: list[tuple[str, str]] = []
    start_line = 1
    for lineno, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n\r")
        if not line.strip():
            if fields:
                yield _record(fields, source, start_line)
                fields = []
            start_line = lineno + 1
            continue
        m = _TAG.match(line)
        if m and not line.startswith(" "):
            fields.append((m.group(1), m.group(2).strip()))
        elif fields and line.startswith(" "):
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value} {line.strip()}")
        else:
            yield Problem(source, f"line {lineno}", f"not a MEDLINE 'TAG - value' line: {line[:60]!r}")
    if fields:
        yield _record(fields, source, start_line)


def split_inline_labels(abstract: str) -> tuple[Section, ...]:
    """'BACKGROUND: x. RESULTS: y.' -> sections; a plain abstract stays one section."""
    marks = list(_INLINE_LABEL.finditer(abstract))
    if not marks or marks[0].start() != 0:
        return (Section("", abstract),) if abstract else ()
    out = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(abstract)
        body = abstract[m.end():end].strip()
        if body:
            out.append(Section(m.group(1).strip().upper(), body))
    return tuple(out)


def _record(fields: list[tuple[str, str]], source: str, line: int) -> Record | Problem:
    get = lambda tag: [v for t, v in fields if t == tag]  # noqa: E731
    pmid = (get("PMID") or [""])[0]
    title = " ".join(get("TI"))
    abstract = " ".join(get("AB"))
    if not pmid:
        return Problem(source, f"line {line}", "record without a PMID- line")
    if not title and not abstract:
        return Problem(source, f"line {line} (PMID {pmid})", "record has neither TI nor AB")
    doi = None
    for aid in get("AID") + get("LID"):
        if aid.endswith("[doi]"):
            doi = aid[:-5].strip().lower()
    dp = (get("DP") or [""])[0]
    return build(
        source, f"line {line} (PMID {pmid[:40]})",
        id=f"pmid:{pmid}", pmid=pmid, doi=doi, title=title,
        sections=split_inline_labels(abstract),
        authors=tuple(get("AU")), journal=(get("TA") or get("JT") or [""])[0],
        year=int(dp[:4]) if dp[:4].isascii() and dp[:4].isdigit() else None,
        volume=(get("VI") or [""])[0], issue=(get("IP") or [""])[0], pages=(get("PG") or [""])[0],
        publication_types=tuple(get("PT")),
        mesh_terms=tuple(v.split("/")[0].lstrip("*") for v in get("MH")),
        keywords=tuple(get("OT")), language=(get("LA") or [""])[0],
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
    )
