"""Sources -> Records. One module per format; ``iter_sources`` picks by name and content."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..records import Problem, Record
from . import csv_table, jsonl, medline_text, medline_xml, web
from .medline_xml import Deletion

__all__ = ["FORMATS", "Deletion", "detect_format", "expand_paths", "iter_file", "iter_sources"]

FORMATS = "MEDLINE/PubMed XML, MEDLINE text (.nbib), Evidex JSONL, CSV, HTML, or plain text / Markdown"
_TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
# Content that is never text: PDF, ZIP (docx, xlsx), OLE (doc, xls), images, SQLite, gzip in gzip.
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8",
                 b"SQLite format 3", b"\x1f\x8b", b"\x7fELF")


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and every file under folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


def _is_binary(head: bytes) -> bool:
    """NUL bytes, a known binary signature, or mostly control characters: not a text file."""
    if not head:
        return False
    if b"\x00" in head or head.startswith(_BINARY_MAGIC):
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(head) > 0.05


def detect_format(path: Path) -> str:
    """One of medline_xml, medline_text, jsonl, csv, html, text — by suffix, then by content —
    or ``unknown`` for content that is not text (binary files are refused, not stored)."""
    name = path.name.lower()
    for suffix in (".gz",):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.endswith(".xml"):
        return "medline_xml"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith((".nbib", ".medline")):
        return "medline_text"
    if name.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    with medline_xml.open_maybe_gzip(path) as fh:
        raw = fh.read(2048)
    if _is_binary(raw):
        return "unknown"
    head = raw.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    if head.startswith("<?xml") or head.startswith(("<PubmedArticleSet", "<MedlineCitationSet")):
        return "medline_xml"
    if head.startswith("PMID-"):
        return "medline_text"
    if head.startswith("{"):
        return "jsonl"
    if head[:15].lower().startswith(("<!doctype html", "<html")):
        return "html"
    first_line = head.split("\n", 1)[0].rstrip("\r")
    if not name.endswith(_TEXT_SUFFIXES) and csv_table.looks_like_header(first_line):
        return "csv"      # a CSV export saved without its suffix
    return "text"


def iter_file(path: Path) -> Iterator[Record | Problem | Deletion]:
    if not path.exists():
        yield Problem(str(path), "", "no such file")
        return
    fmt = detect_format(path)
    if fmt == "medline_xml":
        yield from medline_xml.parse_file(path)
    elif fmt == "medline_text":
        yield from medline_text.parse_file(path)
    elif fmt == "jsonl":
        yield from jsonl.parse_file(path)
    elif fmt == "csv":
        yield from csv_table.parse_file(path)
    elif fmt == "unknown":
        yield Problem(str(path), "", f"not a recognised format (binary content); Evidex reads {FORMATS}")
    else:
        yield from web.parse_file(path)


def iter_sources(paths: Iterable[Path]) -> Iterator[Record | Problem | Deletion]:
    for path in expand_paths(paths):
        yield from iter_file(path)
