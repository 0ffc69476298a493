"""Sources -> Records. One module per format; ``iter_sources`` picks by name and content."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..records import Problem, Record
from . import csv_table, jsonl, medline_text, medline_xml, web
from .medline_xml import Deletion
from .streams import open_source

__all__ = ["FORMATS", "Deletion", "detect_format", "expand_paths", "iter_file", "iter_sources", "unreadable"]

FORMATS = "MEDLINE/PubMed XML, MEDLINE text (.nbib), Evidex JSONL, CSV, HTML, or plain text / Markdown"
_TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
# Content that is never text: PDF, ZIP (docx, xlsx), OLE (doc, xls), images, SQLite, gzip in gzip.
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8",
                 b"SQLite format 3", b"\x1f\x8b", b"\x7fELF")


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:         # no permission to look (/proc/1/fd/0): ``unreadable`` says so
        return False


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and every file under folders named, in a stable order. A folder that
    cannot be listed is yielded itself, so that ``unreadable`` reports it, never skipped."""
    for path in paths:
        if not _is_dir(path):
            yield path
            continue
        found: list[Path] = []
        for folder, _dirs, names in os.walk(path, onerror=lambda exc: found.append(Path(exc.filename))):
            found.extend(Path(folder, n) for n in names
                         if not n.startswith(".") and os.path.isfile(os.path.join(folder, n)))
        yield from sorted(found)


def unreadable(path: Path) -> Problem | None:
    """Why ``path`` cannot be read as a source, found before any parser opens it (opening a
    FIFO would wait for a writer forever); None when it is a readable regular file."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            with os.scandir(path) as entries:
                next(entries, None)         # listing, not opening, is what permission can refuse
            return Problem(str(path), "", "is a folder")
        if not stat.S_ISREG(mode):
            return Problem(str(path), "", "not a regular file (a pipe, device or socket); "
                                          "Evidex reads files and folders of files")
        open(path, "rb").close()
    except FileNotFoundError:
        return Problem(str(path), "", "no such file or directory")
    except OSError as exc:
        what = "cannot list the folder" if _is_dir(path) else "cannot read"
        return Problem(str(path), "", f"{what}: {exc.strerror or exc}")
    return None


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
    with open_source(path) as fh:
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
    problem = unreadable(path)
    if problem is not None:
        yield problem
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
