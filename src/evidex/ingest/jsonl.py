"""Evidex JSONL (see DESIGN.md): one record per line; unknown keys kept as metadata.

Each line is read by a pydantic schema of the JSONL keys (types, as the file must give them),
then crosses the record border (``schema.build``: ranges). A bad line is one ``Problem``
naming the line and the key; the lines after it still load.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from ..records import Problem, Record, Section
from .schema import Id, Short, Text, build, describe_errors, printable
from .streams import open_source

_KNOWN = {"id", "pmid", "doi", "title", "authors", "journal", "year", "volume", "issue",
          "pages", "publication_types", "conditions", "interventions", "abstract_sections",
          "abstract", "url", "mesh_terms", "keywords", "language"}


def _whole_number(value: Any) -> int | None:
    """An integer, or a string of digits (``"2013"``); a bool or a fraction is not one."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() \
            and len(value.strip()) <= 18:
        return int(value.strip())
    raise ValueError("must be a whole number (at most 18 digits)")


def _pmid(value: Any) -> str | None:
    number = _whole_number(value)
    return None if number is None else str(number) if not isinstance(value, str) else value.strip()


def _number_or_text(value: Any) -> str:
    """Volume, issue, pages: text, or a number written without quotes."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value
    raise ValueError("must be a string or a whole number")


Strings = Short | list[Short] | None
WholeNumber = Annotated[Any, AfterValidator(_whole_number)]


class _SectionIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")
    label: Short | None = None
    text: Text


class JsonlRecord(BaseModel):
    """The JSONL keys Evidex reads, with the types a file may give them."""

    model_config = ConfigDict(strict=True, extra="ignore")     # other keys: metadata, checked by the border
    id: Id
    pmid: Annotated[Any, AfterValidator(_pmid)] = None
    doi: Short | None = None
    title: Text | None = None
    authors: Strings = None
    journal: Short | None = None
    year: WholeNumber = None
    volume: Annotated[Any, AfterValidator(_number_or_text)] = ""
    issue: Annotated[Any, AfterValidator(_number_or_text)] = ""
    pages: Annotated[Any, AfterValidator(_number_or_text)] = ""
    publication_types: Strings = None
    mesh_terms: Strings = None
    keywords: Strings = None
    conditions: Strings = None
    interventions: Strings = None
    abstract_sections: list[_SectionIn] | None = None
    abstract: Text | None = None
    url: Short | None = None
    language: Short | None = None


def parse_file(path: Path) -> Iterator[Record | Problem]:
    lineno = 0
    with open_source(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")   # a BOM (Notepad) is no data
            except UnicodeDecodeError as exc:
                yield Problem(str(path), f"line {lineno}", f"not valid UTF-8 (byte {exc.start})")
                continue
            if line.strip():
                yield parse_line(line, str(path), lineno)
        if fh.error:
            yield fh.problem(str(path), f"after line {lineno}")


def parse_line(line: str, source: str, lineno: int) -> Record | Problem:
    where = f"line {lineno}"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return Problem(source, where, f"not valid JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:
        return Problem(source, where, "not readable JSON: nested too deeply")
    except ValueError as exc:     # e.g. an integer of more than 4300 digits
        return Problem(source, where, f"not readable JSON ({exc})")
    if not isinstance(data, dict):
        return Problem(source, where, f"expected a JSON object, got {type(data).__name__}")
    return from_dict(data, source, where)


def _tuple(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def from_dict(data: dict[str, Any], source: str, where: str) -> Record | Problem:
    rid = data.get("id")
    if isinstance(rid, str) and rid.strip():
        where = f"{where} (id {printable(rid.strip()[:80])})"
    try:
        rec = JsonlRecord.model_validate(data)
    except ValidationError as exc:
        return Problem(source, where, describe_errors(exc))
    except RecursionError:
        return Problem(source, where, "a value is nested too deeply")
    sections = [Section(str(s.label or "").upper(), s.text.strip())
                for s in rec.abstract_sections or () if s.text.strip()]
    if not sections and rec.abstract and rec.abstract.strip():
        sections.append(Section("", rec.abstract.strip()))
    title = (rec.title or "").strip()
    if not title and not sections:
        return Problem(source, where, "record needs a title or an abstract")
    return build(
        source, where, rename={"sections": "abstract_sections"},
        id=rec.id.strip(), title=title, sections=tuple(sections),
        pmid=rec.pmid, doi=rec.doi.lower() if rec.doi else None,
        authors=_tuple(rec.authors), journal=rec.journal or "", year=rec.year,
        volume=rec.volume, issue=rec.issue, pages=rec.pages,
        publication_types=_tuple(rec.publication_types), mesh_terms=_tuple(rec.mesh_terms),
        keywords=_tuple(rec.keywords), conditions=_tuple(rec.conditions),
        interventions=_tuple(rec.interventions), language=rec.language or "",
        url=rec.url or _default_url(rec.pmid, rec.doi),
        metadata={k: v for k, v in data.items() if k not in _KNOWN},
    )


def _default_url(pmid: str | None, doi: str | None) -> str:
    if pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    if doi:
        return f"https://doi.org/{doi}"
    return ""
