"""Typed records that cross every boundary of the pipeline.

Flow: ``Record`` (what a source says) -> ``Passage`` (a citable sentence of it) ->
``Appraisal`` (what enrichment derived from it). All are frozen: stages return new
values instead of mutating shared state.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


# Values ``plain`` returns as they are, tested by exact type (no call, no recursion): nearly
# every field and tuple item of a record or an appraisal.
_LEAVES = frozenset({str, int, float, bool, type(None), dict})


def plain(value: Any) -> Any:
    """Dataclasses -> dicts, tuples -> lists, recursively: JSON-ready.

    A hand-written ``dataclasses.asdict``: that one deep-copies every value and was a tenth
    of ingest time on MEDLINE-sized input. Leaves (strings, numbers, dicts: a dict is kept as
    it is, never walked) are taken without a recursive call: the writer turns two objects a
    record into JSON, and a call per string was most of that (``reference_plain`` is the
    plain definition, held equal by a test).
    """
    if type(value) in _LEAVES:
        return value
    if hasattr(value, "__dataclass_fields__"):
        out = {}
        for name in _field_names(type(value)):
            v = getattr(value, name)
            out[name] = v if type(v) in _LEAVES else plain(v)
        return out
    if isinstance(value, (tuple, list)):
        return [v if type(v) in _LEAVES else plain(v) for v in value]
    return value


def reference_plain(value: Any) -> Any:
    """``plain`` as first written: the definition the fast one is tested against."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: reference_plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, (tuple, list)):
        return [reference_plain(v) for v in value]
    return value

DESIGN_LABELS: tuple[str, ...] = (
    "guideline", "systematic_review", "meta_analysis", "rct", "non_randomised_trial",
    "cohort", "case_control", "cross_sectional", "case_series", "case_report",
    "narrative_review", "protocol", "preclinical", "expert_opinion",
    "patient_information", "other",
)
# How each design label reads in an answer or on a page.
DESIGN_NAMES: dict[str, str] = {
    "guideline": "Guideline", "systematic_review": "Systematic review", "meta_analysis": "Meta-analysis",
    "rct": "Randomised controlled trial", "non_randomised_trial": "Non-randomised trial",
    "cohort": "Cohort study", "case_control": "Case-control study", "cross_sectional": "Cross-sectional study",
    "case_series": "Case series", "case_report": "Case report", "narrative_review": "Narrative review",
    "protocol": "Trial protocol", "preclinical": "Preclinical study", "expert_opinion": "Expert opinion",
    "patient_information": "Patient information", "other": "Study",
}


@dataclass(frozen=True)
class Section:
    """One labelled part of an abstract or article (``label`` is upper-case, may be '')."""

    label: str
    text: str


@dataclass(frozen=True)
class Comment:
    """A reader comment found beside an article; kept apart and never used as evidence."""

    text: str
    author: str = ""


@dataclass(frozen=True)
class Record:
    """A bibliographic record as a source gave it, before any enrichment."""

    id: str
    title: str
    sections: tuple[Section, ...] = ()
    pmid: str | None = None
    doi: str | None = None
    authors: tuple[str, ...] = ()
    journal: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    publication_types: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()
    language: str = ""
    url: str = ""
    source: str = ""          # file or query the record came from (provenance)
    comments: tuple[Comment, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def text(self) -> str:
        """The record's citable text: title, then each section, separated by blank lines.

        Passage offsets index into this string.
        """
        return "\n\n".join([self.title, *(s.text for s in self.sections)])

    def to_json(self) -> dict[str, Any]:
        return plain(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Record":
        data = dict(data)
        data["sections"] = tuple(Section(**s) for s in data.get("sections", ()))
        data["comments"] = tuple(Comment(**c) for c in data.get("comments", ()))
        for key in ("authors", "publication_types", "mesh_terms", "keywords",
                    "conditions", "interventions"):
            data[key] = tuple(data.get(key, ()))
        return cls(**data)

    def content_hash(self) -> str:
        """Stable hash of everything but provenance: equal hash means nothing to re-store."""
        payload = self.to_json()
        payload.pop("source", None)
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:32]


def content_id(text: str) -> str:
    """Id for a record with neither PMID nor DOI, derived from its content."""
    norm = " ".join(text.lower().split())
    return "sha:" + hashlib.sha256(norm.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Passage:
    """A citable sentence of a record, with its section and offsets into ``Record.text()``."""

    record_id: str
    seq: int
    section: str
    start: int
    end: int
    text: str

    @property
    def id(self) -> str:
        return f"{self.record_id}#p{self.seq}"


@dataclass(frozen=True)
class Dose:
    """A dose as written, with parsed amount and schedule; ``span`` is the source text."""

    amount: float
    unit: str
    span: str
    frequency: str = ""       # e.g. "daily", "at bedtime"
    titration: str = ""       # e.g. "increase by 1.5 mg every 2 weeks"


@dataclass(frozen=True)
class Number:
    """A number mention with its kind (sample_size, percent, p_value, nnt, ...) and span."""

    kind: str
    value: float
    span: str
    passage_seq: int = -1
    start: int = -1           # character offsets of ``span`` in ``Record.text()`` (-1: unknown)
    end: int = -1


@dataclass(frozen=True)
class Appraisal:
    """What enrichment derived from a record; every value keeps where it came from."""

    record_id: str
    design: str
    design_source: str          # "publication_type", "mesh", "title", "text_model", "text_cues", "default"
    design_score: float
    level: int                  # 1 (strongest) .. 5 (weakest); see enrich/design.py
    n: int | None = None
    n_span: str = ""
    conditions: tuple[str, ...] = ()     # canonical names
    interventions: tuple[str, ...] = ()  # canonical names
    doses: tuple[Dose, ...] = ()
    numbers: tuple[Number, ...] = ()
    retracted: bool = False
    # Added by the evidence-understanding work (issue 3); all optional, so stored rows written
    # before them still load. See enrich/appraise.py for how each is derived.
    rct_probability: float | None = None  # text model's calibrated P(rct); None when it did not run
    design_model: str = ""                # e.g. "design_rct@1" when the text model ran
    sentence_roles: tuple[str, ...] = ()  # one role per abstract sentence (passages_of order, no title)
    pico: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    direction: str = "unclear"            # favours | no_difference | against | unclear
    case_facts: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_json(self) -> dict[str, Any]:
        return plain(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Appraisal":
        data = dict(data)
        data["doses"] = tuple(Dose(**d) for d in data.get("doses", ()))
        data["numbers"] = tuple(Number(**n) for n in data.get("numbers", ()))
        data["conditions"] = tuple(data.get("conditions", ()))
        data["interventions"] = tuple(data.get("interventions", ()))
        data["sentence_roles"] = tuple(data.get("sentence_roles", ()))
        return cls(**data)


@dataclass(frozen=True)
class Problem:
    """Bad input: where (file, line or record) and what is wrong. Never raised mid-batch."""

    source: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.where}: {self.message}" if self.where else f"{self.source}: {self.message}"
