"""Sources -> Records. One module per format; ``iter_sources`` picks by name and content."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..records import Problem, Record
from . import jsonl, medline_text, medline_xml, web
from .medline_xml import Deletion

__all__ = ["Deletion", "detect_format", "expand_paths", "iter_file", "iter_sources"]

_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and every file under folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


def detect_format(path: Path) -> str:
    """One of medline_xml, medline_text, jsonl, html, text — by suffix, then by content."""
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
    with medline_xml.open_maybe_gzip(path) as fh:
        head = fh.read(2048).decode("utf-8", errors="replace").lstrip()
    if head.startswith("<?xml") or head.startswith(("<PubmedArticleSet", "<MedlineCitationSet")):
        return "medline_xml"
    if head.startswith("PMID-"):
        return "medline_text"
    if head.startswith("{"):
        return "jsonl"
    if head[:15].lower().startswith(("<!doctype html", "<html")):
        return "html"
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
    else:
        yield from web.parse_file(path)


def iter_sources(paths: Iterable[Path]) -> Iterator[Record | Problem | Deletion]:
    for path in expand_paths(paths):
        yield from iter_file(path)
