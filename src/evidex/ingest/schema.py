"""The border every parsed record crosses before it becomes a ``Record``: a pydantic schema.

Parsers hand their fields to ``build``, which checks each one for type and range and
returns a frozen ``Record`` or a ``Problem`` naming the file, the place (line, PMID) and the
field. What passes can be hashed, serialised and stored: no integer SQLite cannot hold, no
text that is not encodable UTF-8 (a lone surrogate from a JSON ``\\ud800`` escape), no
metadata nested deeper than JSON encoders recurse. One bad record is one ``Problem``; the
others of its batch still load.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from ..records import Comment, Problem, Record, Section

__all__ = ["METADATA_DEPTH", "YEAR_MAX", "YEAR_MIN", "Id", "Pmid", "Short", "Text", "Year",
           "build", "describe_errors", "printable"]

# MEDLINE's oldest citations (OLDMEDLINE, historical articles) are from the 1600s; 2100 leaves
# room for "epub ahead of print" years and catches typed-in nonsense such as 20023 or 10**23.
YEAR_MIN, YEAR_MAX = 1600, 2100
METADATA_DEPTH = 32          # far above any real export; far below the JSON encoders' recursion limit


def _utf8(value: str) -> str:
    """``value`` if it encodes as UTF-8 (C-speed check; a regex over surrogates costs 50x more)."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"contains a lone UTF-16 surrogate (\\u{ord(value[exc.start]):04x} at "
                             f"character {exc.start}), which is not text") from None
    return value


def printable(text: str) -> str:
    """``text`` with lone surrogates written as ``\\udxxx``, safe to print and to encode."""
    try:
        _utf8(text)
    except ValueError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# A length bound makes pydantic-core read the str as UTF-8, so a lone surrogate fails there, at C
# speed ('string_unicode'); a Python validator per string made the border 10x slower.
Text = Annotated[str, Field(max_length=1 << 40)]
Short = Annotated[str, Field(max_length=2000)]
Id = Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_nonblank)]
Pmid = Annotated[str, Field(pattern=r"^[0-9]{1,12}$")]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    """Metadata is kept as given, so it must survive ``json.dumps`` and UTF-8: plain JSON
    types, finite numbers, bounded depth (checked without recursion, whatever the depth)."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "")]
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, dict):
            if depth > METADATA_DEPTH:
                raise ValueError(f"nested deeper than {METADATA_DEPTH} levels at {path or 'top'}")
            for key, sub in item.items():
                if not isinstance(key, str):
                    raise ValueError(f"key {key!r} at {path or 'top'} is not a string")
                try:
                    _utf8(key)
                except ValueError as exc:
                    raise ValueError(f"key {printable(key)!r}: {exc}") from None
                stack.append((sub, depth + 1, f"{path}.{key}" if path else key))
        elif isinstance(item, list):
            if depth > METADATA_DEPTH:
                raise ValueError(f"nested deeper than {METADATA_DEPTH} levels at {path or 'top'}")
            stack.extend((sub, depth + 1, f"{path}[{i}]") for i, sub in enumerate(item))
        elif isinstance(item, str):
            try:
                _utf8(item)
            except ValueError as exc:
                raise ValueError(f"{printable(path)}: {exc}") from None
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"{printable(path)}: {item} is not a finite number")
        elif item is not None and not isinstance(item, (bool, int, float)):
            raise ValueError(f"{printable(path)}: a {type(item).__name__} is not a JSON value")
    return value


class _SectionIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    label: Short
    text: Text


class _CommentIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    text: Text
    author: Short = ""


class _RecordIn(BaseModel):
    """``Record``'s fields with the types and ranges the store and every renderer rely on."""

    model_config = ConfigDict(strict=True, extra="forbid")
    id: Id
    title: Text
    sections: list[_SectionIn] = []
    pmid: Pmid | None = None
    doi: Short | None = None
    authors: list[Short] = []
    journal: Short = ""
    year: Year | None = None
    volume: Short = ""
    issue: Short = ""
    pages: Short = ""
    publication_types: list[Short] = []
    mesh_terms: list[Short] = []
    keywords: list[Short] = []
    conditions: list[Short] = []
    interventions: list[Short] = []
    language: Short = ""
    url: Short = ""
    source: str = ""
    comments: list[_CommentIn] = []
    metadata: Annotated[dict, AfterValidator(_json_safe)] = {}     # keys checked by _json_safe


def _plain_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Tuples -> lists and sections/comments -> dicts, so the strict schema sees plain values."""
    out = {}
    for key, value in fields.items():
        if isinstance(value, tuple):
            value = [{"label": v.label, "text": v.text} if isinstance(v, Section)
                     else {"text": v.text, "author": v.author} if isinstance(v, Comment) else v
                     for v in value]
        out[key] = value
    return out


def _loc(loc: tuple[int | str, ...], rename: Mapping[str, str]) -> str:
    """('abstract_sections', 0, 'text') -> 'abstract_sections[0].text', leaving out the tags
    pydantic puts in a location to say which branch of a union failed ('str', 'int', ...)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not out:
            out = rename.get(part, part)
        elif part not in ("function-after", "constrained-str", "str", "int", "none"):
            out += f".{part}"
    return printable(out)


def describe_errors(exc: ValidationError, rename: Mapping[str, str] = {}) -> str:
    """pydantic's errors as one line: ``field 'year': must be <= 2100 (got 100000000000000000000000)``."""
    errors = [(_loc(tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p)), rename), err)
              for err in exc.errors(include_url=False)]
    names = {name for name, _ in errors}
    parts = []
    seen = set()
    for name, err in errors:
        # A union reports each branch: keep the first error of a field, and only the deepest
        # ('authors[0]' says more than 'authors' is not a string).
        if name in seen or any(other.startswith((name + "[", name + ".")) for other in names):
            continue
        seen.add(name)
        msg = ("contains a lone UTF-16 surrogate, which is not text" if err["type"] == "string_unicode"
               else err["msg"].removeprefix("Value error, "))
        parts.append(f"field '{name}': {msg} (got {_shown(err.get('input'))})" if err["type"] != "missing"
                     else f"field '{name}': required")
    return "; ".join(parts)


def _shown(value: Any) -> str:
    if isinstance(value, (str, bytes, list, dict)) and len(value) > 60:
        value = value[:60] if isinstance(value, (str, bytes)) else f"<{type(value).__name__} of {len(value)}>"
    try:
        text = repr(value)
    except (ValueError, RecursionError):      # an int too long to print, a value nested too deep
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


# Given as empty lists rather than left to their defaults, which pydantic deep-copies for
# every record (a twentieth of MEDLINE parsing); the same values either way.
_EMPTY_LISTS = {name: () for name in ("sections", "authors", "publication_types", "mesh_terms", "keywords",
                                      "conditions", "interventions", "comments")}


def build(source: str, where: str, rename: Mapping[str, str] = {}, **fields: Any) -> Record | Problem:
    """A checked ``Record`` from a parser's fields, or a ``Problem`` at ``source: where``
    naming each bad field (``rename`` maps Record field names to the format's own)."""
    source = printable(source)      # a file name that is not UTF-8 (surrogate-escaped bytes)
    record = _plainly_valid({**fields, "source": source})
    if record is not None:
        return record
    try:
        checked = _RecordIn.model_validate(_plain_fields({**_EMPTY_LISTS, **fields, "source": source}))
    except ValidationError as exc:
        return Problem(source, where, describe_errors(exc, rename))
    return _record(checked)


def _record(c: _RecordIn) -> Record:
    return Record(
        id=c.id, title=c.title, sections=tuple(Section(s.label, s.text) for s in c.sections),
        pmid=c.pmid, doi=c.doi, authors=tuple(c.authors), journal=c.journal, year=c.year,
        volume=c.volume, issue=c.issue, pages=c.pages, publication_types=tuple(c.publication_types),
        mesh_terms=tuple(c.mesh_terms), keywords=tuple(c.keywords), conditions=tuple(c.conditions),
        interventions=tuple(c.interventions), language=c.language, url=c.url, source=c.source,
        comments=tuple(Comment(m.text, m.author) for m in c.comments), metadata=c.metadata)


# -- the same border, checked in plain Python for fields that plainly pass it -----------------
# pydantic validation was a fifth of MEDLINE parsing (~0.08 ms a citation). Nearly every
# parsed citation passes it, and what it checks is simple: exact types (strict mode), lengths,
# the PMID's digits, the year's range, UTF-8. ``_plainly_valid`` checks exactly those on the
# common shapes (strings, tuples or lists of strings, Sections, Comments, no metadata) and
# builds the same Record; anything else -- a failure, an unusual shape, metadata -- goes to
# pydantic, which decides and names what is wrong. A test holds the two paths equal.
_SHORT = 2000
_SHORT_FIELDS = ("journal", "volume", "issue", "pages", "language", "url")
_LIST_FIELDS = ("authors", "publication_types", "mesh_terms", "keywords", "conditions", "interventions")
_FIELDS = frozenset(_RecordIn.model_fields)
_PMID_DIGITS = frozenset("0123456789")


def _text_ok(value: object, limit: int | None) -> bool:
    """An exact ``str`` within ``limit`` characters that encodes as UTF-8."""
    if type(value) is not str or (limit is not None and len(value) > limit):
        return False
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def _plainly_valid(fields: Mapping[str, Any]) -> Record | None:
    """The Record ``_RecordIn`` would give for ``fields``, when they plainly pass it; else None."""
    if not _FIELDS.issuperset(fields) or fields.get("metadata"):
        return None
    rid, title, source = fields.get("id"), fields.get("title"), fields.get("source", "")
    if not _text_ok(rid, 1000) or not rid.strip() or not _text_ok(title, None) or type(source) is not str:
        return None
    pmid, doi, year = fields.get("pmid"), fields.get("doi"), fields.get("year")
    if pmid is not None and not (type(pmid) is str and 1 <= len(pmid) <= 12 and _PMID_DIGITS.issuperset(pmid)):
        return None
    if doi is not None and not _text_ok(doi, _SHORT):
        return None
    if year is not None and not (type(year) is int and YEAR_MIN <= year <= YEAR_MAX):
        return None
    for name in _SHORT_FIELDS:
        if name in fields and not _text_ok(fields[name], _SHORT):
            return None
    lists = {}
    for name in _LIST_FIELDS:
        value = fields.get(name, ())
        if type(value) not in (tuple, list):
            return None
        for item in value:
            if not _text_ok(item, _SHORT):
                return None
        lists[name] = tuple(value)
    sections, comments = fields.get("sections", ()), fields.get("comments", ())
    if type(sections) is not tuple or type(comments) is not tuple:     # a list of Sections is pydantic's to refuse
        return None
    for sec in sections:
        if type(sec) is not Section or not _text_ok(sec.label, _SHORT) or not _text_ok(sec.text, None):
            return None
    for com in comments:
        if type(com) is not Comment or not _text_ok(com.text, None) or not _text_ok(com.author, _SHORT):
            return None
    return Record(
        id=rid, title=title, sections=tuple(Section(s.label, s.text) for s in sections),
        pmid=pmid, doi=doi, journal=fields.get("journal", ""), year=year, volume=fields.get("volume", ""),
        issue=fields.get("issue", ""), pages=fields.get("pages", ""), language=fields.get("language", ""),
        url=fields.get("url", ""), source=source, comments=tuple(Comment(c.text, c.author) for c in comments),
        metadata={}, **lists)
