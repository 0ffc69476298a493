"""CSV tables of citations, streamed: PubMed's "Save -> CSV" export, screening sets such as
cohen2006, or any table with a title or abstract column.

Columns are recognised by name, ignoring case, spaces and punctuation (``Publication Year``,
``publication_year`` and ``PublicationYear`` are one column); see ``_COLUMNS``. Columns that
are not recognised (PubMed's Create Date, PMCID; cohen2006's screening labels, which belong
to one review and not to the citation) are not kept.

One row is one record, ``pmid:NNN`` when the row has a PMID, else an id derived from its
content (as web pages get). A bad row (wrong number of fields, broken quoting, a PMID or
year that is not a number, no title and no abstract, bytes that are not UTF-8) is a
``Problem`` naming the file and the line the row starts on; the other rows still load.
A header with neither a title nor an abstract column is one ``Problem`` for the file.

Cell formats handled:
- authors separated by ``;`` (cohen2006) or ``,`` (PubMed export, which ends the list
  with a full stop), written ``Last, I N``, ``I N Last`` (cohen2006's ACE inhibitor set)
  or ``Last IN``; all become MEDLINE's ``Last IN``, as the XML parser writes them;
- cohen2006 joins the parts of a structured abstract with ``"; "`` after the sentence's
  full stop, dropping their headings: each part becomes an unlabelled section (one role
  each, ``enrich.roles``), and the text reads as the abstract did. Its ACE inhibitor set
  joins them with a space, so its citations keep one section (a citation in several sets
  has the same text in each; the last set read gives its parts);
- years written ``1999.0`` (cohen2006) or ``2013``;
- in the cohen2006 layout (a ``pubmedID`` column) ``keywords`` holds MeSH headings;
- PubMed's ``Citation`` cell (``J Pain. 2019 Mar;20(3):123-30. doi: ...``) gives volume,
  issue and pages.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..records import Problem, Record, Section, content_id
from .medline_text import split_inline_labels
from .schema import build
from .streams import open_source

__all__ = ["EXPECTED", "header_fields", "looks_like_header", "parse_file", "parse_rows"]

# A field above this is a broken file (an unclosed quote swallowing the rest), not an abstract.
FIELD_LIMIT = 32 * 1024 * 1024

# normalised column name -> Record field (or a helper column: citation)
_COLUMNS: dict[str, str] = {
    "pmid": "pmid", "pubmedid": "pmid", "pubmed": "pmid",
    "title": "title", "articletitle": "title",
    "abstract": "abstract", "abstracttext": "abstract",
    "authors": "authors", "author": "authors", "authorlist": "authors",
    "year": "year", "publicationyear": "year", "pubyear": "year",
    "journal": "journal", "journalbook": "journal", "journaltitle": "journal",
    "doi": "doi",
    "mesh": "mesh_terms", "meshterms": "mesh_terms", "meshheadings": "mesh_terms",
    "keywords": "keywords", "keyword": "keywords", "authorkeywords": "keywords",
    "volume": "volume", "issue": "issue", "pages": "pages",
    "publicationtype": "publication_types", "publicationtypes": "publication_types",
    "language": "language", "url": "url", "citation": "citation",
}
EXPECTED = ("expected a 'title' or 'abstract' column (and 'pmid', 'PMID' or 'pubmedID' for "
            "PubMed ids); also read: authors, year (Publication Year), journal (Journal/Book), "
            "doi, keywords, mesh, citation, volume, issue, pages, publication type, language, url")

_YEAR = re.compile(r"^\s*(\d{4})(?:\.0*)?(?:\s|$|[-/,;])")
_SECTION_JOIN = re.compile(r"(?<=[.!?])\s*;\s+(?=\S)")
# A join that opens a part: the next one starts as a sentence does (not "5 mg o.d.; n = 51"), outside brackets.
_PART_START = re.compile(r"[^\sa-z]")


def _parts(cell: str) -> list[str]:
    """The parts cohen2006 joined with "; " after a full stop (its structured abstract's sections),
    each with its other joins as spaces and its white space normalised."""
    parts, start = [], 0
    for m in _SECTION_JOIN.finditer(cell):
        if _PART_START.match(cell, m.end()) and cell[:m.start()].count("(") <= cell[:m.start()].count(")"):
            parts.append(cell[start:m.start()])
            start = m.end()
    return [" ".join(_SECTION_JOIN.sub(" ", p).split()) for p in [*parts, cell[start:]] if p.strip()]


_INITIALS = re.compile(r"^[A-Z]{1,3}\.?$")
_CITATION = re.compile(r";\s*([^();:]*?)\s*(?:\(([^)]*)\))?\s*:\s*([^.;\s]+)")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def header_fields(header: Iterable[str]) -> dict[str, int]:
    """Record field -> column index, first column of each name winning; {} if not recognised."""
    header = list(header)
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        field = _COLUMNS.get(_norm(name))
        if field and field not in found:
            found[field] = i
    if "title" not in found and "abstract" not in found:
        return {}
    if "keywords" in found and "mesh_terms" not in found \
            and any(_norm(h) == "pubmedid" for h in header):
        found["mesh_terms"] = found.pop("keywords")   # cohen2006: 'keywords' are MeSH headings
    return found


def _delimiter(line: str) -> str:
    return max((",", "\t", ";"), key=line.count) if line else ","


def looks_like_header(line: str) -> bool:
    """True for a first line that is a recognised CSV header (content sniffing)."""
    delim = _delimiter(line)
    if delim not in line:
        return False
    try:
        header = next(csv.reader([line], delimiter=delim))
    except (csv.Error, StopIteration):
        return False
    return len(header_fields(header)) >= 2


class _Lines:
    """Decoded lines of a byte stream, one at a time; lines that are not UTF-8 are decoded
    with replacement characters and remembered, so the row holding them can be refused."""

    def __init__(self, fh: io.BufferedIOBase):
        self.fh = fh
        self.bad: dict[int, int] = {}      # line number -> offset of the first bad byte
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.fh:
            self.count += 1
            if self.count == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.bad[self.count] = exc.start
                yield raw.decode("utf-8", errors="replace")


def parse_file(path: Path) -> Iterator[Record | Problem]:
    source = str(path)
    tab = path.name.lower().endswith((".tsv", ".tsv.gz"))
    _raise_field_limit()
    with open_source(path) as fh:
        if fh.peek(2)[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            # Excel's "Unicode text": decoded as a stream; a decoding error ends the file.
            try:
                yield from parse_rows(io.TextIOWrapper(fh, encoding="utf-16", newline=""), source, tab=tab)
            except UnicodeDecodeError as exc:
                yield Problem(source, "", f"not valid UTF-16 ({exc.reason}); save the file as UTF-8")
        else:
            lines = _Lines(fh)
            yield from parse_rows(lines, source, bad=lines.bad, tab=tab)
        if fh.error is not None:
            yield fh.problem(source, "at its end")


def _raise_field_limit() -> None:
    # csv's limit is process-wide: raise it to a bounded size, never lower another caller's.
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)


def parse_rows(lines: Iterable[str], source: str, bad: dict[int, int] | None = None,
               tab: bool = False) -> Iterator[Record | Problem]:
    """Rows of a CSV (header first) -> records; ``bad`` maps undecodable line numbers."""
    bad = {} if bad is None else bad
    it = iter(lines)
    first = next(it, "")
    if not first.strip():
        yield Problem(source, "line 1", f"CSV file has no header; {EXPECTED}")
        return
    delim = "\t" if tab else _delimiter(first)
    reader = csv.reader(_chain(first, it), delimiter=delim, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        yield Problem(source, "line 1", f"CSV header cannot be read ({exc})")
        return
    if 1 in bad:
        yield Problem(source, "line 1", f"CSV header is not valid UTF-8 (byte {bad[1]}); "
                                        "save the file as UTF-8")
        return
    cols = header_fields(header)
    if not cols:
        shown = ", ".join(repr(h) for h in header[:12]) + (", ..." if len(header) > 12 else "")
        yield Problem(source, "line 1", f"CSV header not recognised (columns {shown}); {EXPECTED}")
        return
    width = len(header)
    end = reader.line_num
    while True:
        start = end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            end = reader.line_num
            what = ("a quoted field opened here is never closed" if "end of data" in str(exc)
                    else f"malformed CSV row ({exc})")
            yield Problem(source, f"line {start}", what)
            continue
        end = reader.line_num
        if not row or not any(cell.strip() for cell in row):
            continue
        undecodable = [n for n in range(start, end + 1) if n in bad]
        if undecodable:
            n = undecodable[0]
            yield Problem(source, f"line {n}", f"not valid UTF-8 (byte {bad[n]}); save the file as UTF-8")
            continue
        if len(row) != width and not (len(row) > width and not any(c.strip() for c in row[width:])):
            yield Problem(source, f"line {start}", f"row has {len(row)} field(s), the header has {width}")
            continue
        yield _record({f: row[i].strip() for f, i in cols.items()}, source, start)


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split(";") if p.strip())


def _is_initials(part: str) -> bool:
    return bool(part.split()) and all(_INITIALS.match(t) for t in part.split())


def _author(name: str) -> str:
    """'Soma, J' / 'J Soma' / 'T E Widerøe' / 'Soma J' -> MEDLINE's 'Soma J', 'Widerøe TE'."""
    name = " ".join(name.replace(".", " ").split())
    if "," in name:
        last, _, first = name.partition(",")
        tokens = first.split()
        initials = "".join(t for t in tokens if _INITIALS.match(t))
        rest = " ".join(t for t in tokens if not _INITIALS.match(t))
        return " ".join(p for p in (last.strip(), initials, rest) if p)
    tokens = name.split()
    lead = 0
    while lead < len(tokens) - 1 and re.fullmatch(r"[A-Z]", tokens[lead]):
        lead += 1
    if lead:      # initials first, one letter each: 'U de Faire' -> 'de Faire U'
        return " ".join(tokens[lead:]) + " " + "".join(tokens[:lead])
    return name


def _authors(cell: str) -> tuple[str, ...]:
    """';'-separated names, or PubMed's 'Younger J, Noor N.' (a lone 'Krumholz, H M' is one name)."""
    cell = cell.strip().rstrip(".")
    if ";" in cell:
        parts = cell.split(";")
    else:
        parts = cell.split(",")
        if any(_is_initials(p) for p in parts[1:]):
            parts = [cell]
    return tuple(a for a in (_author(p) for p in parts if p.strip()) if a)


def _doi(cell: str) -> str | None:
    doi = re.sub(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", cell.strip(), flags=re.I)
    return doi.lower() or None


def _record(cells: dict[str, str], source: str, line: int) -> Record | Problem:
    get = cells.get
    where = f"line {line}"
    pmid = get("pmid", "")
    if pmid.endswith(".0") and pmid[:-2].isdigit():
        pmid = pmid[:-2]          # a spreadsheet wrote the PMID as a float
    if pmid:
        where = f"line {line} (PMID {pmid})"
        if not pmid.isdigit():
            return Problem(source, f"line {line}", f"PMID {pmid[:40]!r} is not a number")
    title = " ".join(get("title", "").split())
    parts = _parts(get("abstract", ""))
    abstract = " ".join(parts)
    sections = split_inline_labels(abstract)
    if len(sections) == 1 and not sections[0].label and len(parts) > 1:
        sections = tuple(Section("", p) for p in parts)
    if not title and not sections:
        return Problem(source, where, "row has neither title nor abstract")
    year_cell = get("year", "")
    year = None
    if year_cell:
        m = _YEAR.match(year_cell)
        if not m:
            return Problem(source, where, f"year {year_cell[:20]!r} is not a year")
        year = int(m.group(1))
    doi = _doi(get("doi", ""))
    volume, issue, pages = get("volume", ""), get("issue", ""), get("pages", "")
    m = _CITATION.search(get("citation", ""))
    if m:
        volume, issue, pages = volume or m.group(1), issue or (m.group(2) or ""), pages or m.group(3)
    rid = f"pmid:{pmid}" if pmid else content_id(title + "\n" + abstract)
    url = get("url", "") or (f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid
                             else f"https://doi.org/{doi}" if doi else "")
    return build(
        source, where,
        id=rid, pmid=pmid or None, doi=doi, title=title, sections=sections,
        authors=_authors(get("authors", "")), journal=get("journal", ""), year=year,
        volume=volume, issue=issue, pages=pages,
        publication_types=_split(get("publication_types", "")),
        mesh_terms=_split(get("mesh_terms", "")), keywords=_split(get("keywords", "")),
        language=get("language", ""), url=url,
    )
