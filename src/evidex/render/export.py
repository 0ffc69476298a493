"""Records -> files a reference manager or spreadsheet opens: RIS, BibTeX, CSL-JSON, CSV.

Pure: every writer takes ``ExportItem`` values and returns text. An item is a stored record
with what Evidex derived from it (design, level, n) and, when it comes from an answer, its
reference number and evidence-table row, so a search, an answer's references and a browse
page export the same way. RIS is written by ``rispy`` and BibTeX by ``bibtexparser`` (the
libraries reference managers' own tests use); the Evidex fields ride along in fields those
formats keep (RIS ``N1`` notes, extra BibTeX fields, CSL ``note``), so nothing is lost on import.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..citation import link
from ..records import DESIGN_NAMES, Record
from ..store import StoredRecord
from .links import web_link

FORMATS = ("ris", "bibtex", "csljson", "csv")
MEDIA_TYPES = {"ris": "application/x-research-info-systems", "bibtex": "application/x-bibtex",
               "csljson": "application/vnd.citationstyles.csl+json", "csv": "text/csv"}
EXTENSIONS = {"ris": "ris", "bibtex": "bib", "csljson": "json", "csv": "csv"}
# Evidence-table fields carried by every format, in this order.
ROW_FIELDS = ("population", "intervention", "comparator", "outcome", "effect", "direction")
CSV_COLUMNS = ("ref", "id", "pmid", "doi", "title", "authors", "journal", "year", "volume", "issue", "pages",
               "design", "design_name", "level", "n", *ROW_FIELDS, "score", "url")
# MEDLINE writes a person as "Family Initials" ("Cooper MS"); anything else is a group name.
_MEDLINE_NAME = re.compile(r"^(?P<family>.+?)\s+(?P<given>[A-Z]{1,4})$")


@dataclass(frozen=True)
class ExportItem:
    """One exported reference: the record, its appraisal facts, and (from an answer) its row."""

    record: Record
    design: str
    level: int | None = None
    n: int | None = None
    ref: int | None = None
    score: float | None = None
    population: str = ""
    intervention: str = ""
    comparator: str = ""
    outcome: str = ""
    effect: str = ""
    direction: str = ""

    def evidex_fields(self) -> dict[str, str]:
        """The Evidex facts as text, empty or blank ones left out (the same keys in every format)."""
        values = {"design": self.design, "level": "" if self.level is None else str(self.level),
                  "n": "" if self.n is None else str(self.n), **{f: getattr(self, f) for f in ROW_FIELDS}}
        return {k: v for k, v in values.items() if v and v.strip()}


def item_of(stored: StoredRecord, score: float | None = None) -> ExportItem:
    a = stored.appraisal
    return ExportItem(stored.record, a.design, a.level, a.n, score=score)


def items_from_search(found: Iterable) -> list[ExportItem]:
    """From ``retrieve.search`` candidates, in rank order."""
    return [item_of(c.stored, round(c.score, 4)) for c in found]


def items_from_answer(answer, stored: dict[str, StoredRecord]) -> list[ExportItem]:
    """An answer's references in citation order, each with its evidence-table row if it has one.

    ``stored`` maps record ids to stored records (``Store.get_many`` of the reference ids)."""
    rows = {r.ref: r for r in answer.evidence_table}
    out = []
    for ref in answer.references:
        base = item_of(stored[ref.id]) if ref.id in stored else None
        if base is None:
            continue
        row = rows.get(ref.n)
        facts = {f: getattr(row, f) for f in ROW_FIELDS} if row is not None else {}
        out.append(ExportItem(base.record, ref.design, base.level, row.n if row is not None and row.n is not None
                              else base.n, ref=ref.n, **facts))
    return out


def export(items: Sequence[ExportItem], fmt: str) -> str:
    writer = {"ris": to_ris, "bibtex": to_bibtex, "csljson": to_csljson, "csv": to_csv}.get(fmt)
    if writer is None:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    return writer(items)


# -- shared pieces ----------------------------------------------------------------------
def split_name(author: str) -> tuple[str, str]:
    """("Cooper", "MS") for MEDLINE's "Cooper MS"; (name, "") for a group or unparsed name."""
    m = _MEDLINE_NAME.match(author.strip())
    return (m["family"], m["given"]) if m else (author.strip(), "")


def abstract(record: Record) -> str:
    """Sections on one line, each after its label ("METHODS: ..."): RIS has no line breaks."""
    parts = [f"{s.label}: {s.text}" if s.label else s.text for s in record.sections]
    return " ".join(" ".join(p.split()) for p in parts)


def page_range(pages: str) -> tuple[str, str]:
    first, _, last = (pages or "").partition("-")
    return first.strip(), last.strip()


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


# -- RIS ---------------------------------------------------------------------------------
def to_ris(items: Sequence[ExportItem]) -> str:
    import rispy
    from rispy.writer import RisWriter

    class _Writer(RisWriter):       # no "1." counter line before each TY: EndNote reads either
        def set_header(self, count: int) -> str:
            return ""

    return rispy.dumps([ris_entry(i) for i in items], implementation=_Writer)


def ris_entry(item: ExportItem) -> dict:
    r = item.record
    entry: dict = {"type_of_reference": "JOUR", "title": _one_line(r.title)}
    authors = [", ".join(p for p in split_name(a) if p) for a in r.authors]
    first, last = page_range(r.pages)
    for key, value in (("authors", authors), ("journal_name", _one_line(r.journal)),
                       ("year", str(r.year) if r.year else ""), ("volume", r.volume or ""),
                       ("number", r.issue or ""), ("start_page", first), ("end_page", last),
                       ("doi", r.doi or ""), ("accession_number", r.pmid or ""), ("abstract", abstract(r)),
                       ("keywords", [_one_line(k) for k in r.mesh_terms or r.keywords]),
                       ("urls", [_link(r)] if _link(r) else []), ("language", r.language or ""),
                       ("notes", [f"evidex {k}: {_one_line(v)}" for k, v in item.evidex_fields().items()])):
        if value:
            entry[key] = value
    return entry


def evidex_notes(notes: Iterable[str]) -> dict[str, str]:
    """The Evidex fields back from RIS ``N1`` notes (the inverse of ``ris_entry``)."""
    out = {}
    for note in notes:
        if note.startswith("evidex "):
            key, _, value = note[len("evidex "):].partition(": ")
            out[key] = value
    return out


# -- BibTeX ------------------------------------------------------------------------------
_BIB_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
                "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_BIB_ESCAPE = re.compile("|".join(re.escape(c) for c in _BIB_ESCAPES))
_BIB_UNESCAPE = re.compile("|".join(re.escape(v) for v in sorted(_BIB_ESCAPES.values(), key=len, reverse=True)))


def bib_escape(text: str) -> str:
    """LaTeX's special characters escaped; other Unicode kept (biber, Zotero and JabRef read UTF-8)."""
    return _BIB_ESCAPE.sub(lambda m: _BIB_ESCAPES[m.group(0)], _one_line(text))


def bib_unescape(text: str) -> str:
    """The inverse of ``bib_escape`` (for reading our own files back)."""
    back = {v: k for k, v in _BIB_ESCAPES.items()}
    return _BIB_UNESCAPE.sub(lambda m: back[m.group(0)], text)


def bib_key(item: ExportItem, taken: set[str]) -> str:
    family = split_name(item.record.authors[0])[0] if item.record.authors else "anon"
    stem = re.sub(r"[^A-Za-z0-9]", "", family.encode("ascii", "ignore").decode()) or "ref"
    stem += str(item.record.year or "")
    if item.record.pmid:
        stem += f"pmid{item.record.pmid}"
    key, suffix = stem, 0
    while key in taken:
        suffix += 1
        key = f"{stem}{chr(96 + suffix) if suffix <= 26 else suffix}"
    taken.add(key)
    return key


def bib_fields(item: ExportItem) -> dict[str, str]:
    """BibTeX field -> unescaped value; ``pmid`` and the Evidex fields are extra fields that
    BibLaTeX, Zotero and JabRef keep."""
    r = item.record
    fields = {"title": r.title, "author": " and ".join(", ".join(p for p in split_name(a) if p) for a in r.authors),
              "journal": r.journal, "year": str(r.year) if r.year else "", "volume": r.volume or "",
              "number": r.issue or "", "pages": (r.pages or "").replace("-", "--"), "doi": r.doi or "",
              "pmid": r.pmid or "", "url": _link(r), "abstract": abstract(r),
              "keywords": ", ".join(r.mesh_terms or r.keywords), "language": r.language or ""}
    fields.update({("evidence" + k if k in ROW_FIELDS else k): v for k, v in item.evidex_fields().items()})
    return {k: _one_line(v) for k, v in fields.items() if v}


def to_bibtex(items: Sequence[ExportItem]) -> str:
    import bibtexparser
    from bibtexparser import model
    library = bibtexparser.Library()
    taken: set[str] = set()
    for item in items:
        fields = [model.Field(k, bib_escape(v)) for k, v in bib_fields(item).items()]
        library.add(model.Entry("article", bib_key(item, taken), fields))
    return bibtexparser.write_string(library)


# -- CSL-JSON ----------------------------------------------------------------------------
def csl_entry(item: ExportItem) -> dict:
    r = item.record
    entry: dict = {"id": r.id, "type": "article-journal", "title": r.title}
    names = []
    for a in r.authors:
        family, given = split_name(a)
        names.append({"family": family, "given": given} if given else {"literal": family})
    for key, value in (("author", names), ("container-title", r.journal), ("volume", r.volume or ""),
                       ("issue", r.issue or ""), ("page", r.pages or ""), ("DOI", r.doi or ""),
                       ("PMID", r.pmid or ""), ("URL", _link(r)), ("abstract", abstract(r)),
                       ("language", r.language or ""), ("keyword", ", ".join(r.mesh_terms or r.keywords))):
        if value:
            entry[key] = value
    if r.year:
        entry["issued"] = {"date-parts": [[r.year]]}
    facts = item.evidex_fields()
    if facts:      # CSL has no place for these: "note" is what Zotero and citeproc keep verbatim
        entry["note"] = "\n".join(f"evidex {k}: {_one_line(v)}" for k, v in facts.items())
    return entry


def to_csljson(items: Sequence[ExportItem]) -> str:
    return json.dumps([csl_entry(i) for i in items], indent=2, ensure_ascii=False) + "\n"


# -- CSV ---------------------------------------------------------------------------------
def csv_row(item: ExportItem) -> dict[str, str]:
    r = item.record
    values = {"ref": item.ref, "id": r.id, "pmid": r.pmid, "doi": r.doi, "title": r.title,
              "authors": "; ".join(r.authors), "journal": r.journal, "year": r.year, "volume": r.volume,
              "issue": r.issue, "pages": r.pages, "design": item.design,
              "design_name": DESIGN_NAMES.get(item.design, item.design), "level": item.level, "n": item.n,
              **{f: getattr(item, f) for f in ROW_FIELDS}, "score": item.score, "url": _link(r)}
    return {k: "" if v is None else _one_line(str(v)) for k, v in values.items()}


def to_csv(items: Sequence[ExportItem]) -> str:
    """One row per reference. A text cell that a spreadsheet would run as a formula (starting
    with =, +, - or @ and not a number) gets a leading apostrophe (OWASP's CSV-injection advice)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        writer.writerow({k: _defuse(v) for k, v in csv_row(item).items()})
    return out.getvalue()


def _defuse(cell: str) -> str:
    if cell[:1] in ("=", "+", "-", "@") and not re.fullmatch(r"[-+]?\d+(\.\d+)?", cell):
        return "'" + cell
    return cell


def _link(record: Record) -> str:
    """The record's http(s) address, else "": reference managers make this field clickable."""
    return web_link(link(record))


__all__ = ["CSV_COLUMNS", "EXTENSIONS", "ExportItem", "FORMATS", "MEDIA_TYPES", "ROW_FIELDS", "abstract",
           "bib_escape", "bib_fields", "bib_unescape", "csl_entry", "csv_row", "evidex_notes", "export",
           "item_of", "items_from_answer", "items_from_search", "ris_entry", "split_name", "to_bibtex",
           "to_csljson", "to_csv", "to_ris"]
