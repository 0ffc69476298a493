"""Evidex JSONL (see DESIGN.md): one record per line; unknown keys kept as metadata."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..records import Problem, Record, Section

_KNOWN = {"id", "pmid", "doi", "title", "authors", "journal", "year", "volume", "issue",
          "pages", "publication_types", "conditions", "interventions", "abstract_sections",
          "abstract", "url", "mesh_terms", "keywords", "language"}


def parse_file(path: Path) -> Iterator[Record | Problem]:
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Problem(str(path), f"line {lineno}", f"not valid UTF-8 (byte {exc.start})")
                continue
            if line.strip():
                yield parse_line(line, str(path), lineno)


def parse_line(line: str, source: str, lineno: int) -> Record | Problem:
    where = f"line {lineno}"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return Problem(source, where, f"not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(data, dict):
        return Problem(source, where, f"expected a JSON object, got {type(data).__name__}")
    return from_dict(data, source, where)


def _strs(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"'{name}' must be a list of strings")
    return tuple(value)


def from_dict(data: dict[str, Any], source: str, where: str) -> Record | Problem:
    rid = data.get("id")
    if not isinstance(rid, str) or not rid.strip():
        return Problem(source, where, "missing required key 'id'")
    where = f"{where} (id {rid})"
    try:
        sections = []
        for i, sec in enumerate(data.get("abstract_sections") or []):
            if not isinstance(sec, dict) or not isinstance(sec.get("text"), str):
                raise ValueError(f"abstract_sections[{i}] must be an object with a 'text' string")
            if sec["text"].strip():
                sections.append(Section(str(sec.get("label") or "").upper(), sec["text"].strip()))
        if not sections and isinstance(data.get("abstract"), str) and data["abstract"].strip():
            sections.append(Section("", data["abstract"].strip()))
        title = data.get("title") or ""
        if not isinstance(title, str):
            raise ValueError("'title' must be a string")
        if not title.strip() and not sections:
            raise ValueError("record needs a title or an abstract")
        year = data.get("year")
        if year is not None and not (isinstance(year, int) or (isinstance(year, str) and year.isdigit())):
            raise ValueError(f"'year' must be an integer, got {year!r}")
        pmid = data.get("pmid")
        doi = data.get("doi")
        return Record(
            id=rid.strip(), title=title.strip(), sections=tuple(sections),
            pmid=str(pmid) if pmid else None, doi=str(doi).lower() if doi else None,
            authors=_strs(data.get("authors"), "authors"),
            journal=str(data.get("journal") or ""), year=int(year) if year else None,
            volume=str(data.get("volume") or ""), issue=str(data.get("issue") or ""),
            pages=str(data.get("pages") or ""),
            publication_types=_strs(data.get("publication_types"), "publication_types"),
            mesh_terms=_strs(data.get("mesh_terms"), "mesh_terms"),
            keywords=_strs(data.get("keywords"), "keywords"),
            conditions=_strs(data.get("conditions"), "conditions"),
            interventions=_strs(data.get("interventions"), "interventions"),
            language=str(data.get("language") or ""),
            url=str(data.get("url") or _default_url(pmid, doi)),
            source=source,
            metadata={k: v for k, v in data.items() if k not in _KNOWN},
        )
    except ValueError as exc:
        return Problem(source, where, str(exc))


def _default_url(pmid: Any, doi: Any) -> str:
    if pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    if doi:
        return f"https://doi.org/{doi}"
    return ""
