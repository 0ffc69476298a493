"""The answer contract of DESIGN.md, validated by pydantic models that forbid extra keys."""
from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..synthesis.answer import Answer, Statement
from .links import web_link


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StatementOut(_Strict):
    text: str
    citations: list[int]


class SubsectionOut(_Strict):
    heading: str
    statements: list[StatementOut]


class SectionOut(_Strict):
    heading: str
    statements: list[StatementOut]
    key_points: list[StatementOut] = []
    subsections: list[SubsectionOut]


class QueryOut(_Strict):
    conditions: list[str]
    interventions: list[str]
    comparators: list[str]
    intent: Literal["efficacy", "comparison", "safety", "dosing", "contraindications", "mechanism", "diagnosis",
                    "prognosis", "epidemiology"]


class VerdictOut(_Strict):
    direction: Literal["favours", "no_difference", "against", "mixed", "insufficient"]
    certainty: Literal["high", "moderate", "low", "very_low"]
    reasons: list[str]


class RowOut(_Strict):
    ref: int
    design: str
    n: int | None
    population: str
    intervention: str
    comparator: str
    outcome: str
    effect: str
    direction: Literal["favours", "no_difference", "against", "unclear"]


class PassageOut(_Strict):
    section: str
    text: str


class ReferenceOut(_Strict):
    n: int
    id: str
    citation: str
    design: str
    url: str
    passages: list[PassageOut]


class AnswerOut(_Strict):
    question: str
    query: QueryOut
    verdict: VerdictOut
    sections: list[SectionOut]
    evidence_table: list[RowOut]
    references: list[ReferenceOut]
    warnings: list[str]
    writer: Literal["extractive", "llm"] = "extractive"   # who wrote the statements (issue 12)
    replaced: int = 0            # language-model sentences refused by the citation guard


def _st(s: Statement) -> dict:
    return {"text": s.text, "citations": list(s.citations)}


def to_contract(answer: Answer) -> dict:
    data = {
        "question": answer.question,
        "query": answer.query.to_contract(),
        "verdict": answer.verdict.to_contract(),
        "sections": [{"heading": s.heading, "statements": [_st(x) for x in s.statements],
                      "key_points": [_st(x) for x in s.key_points],
                      "subsections": [{"heading": sub.heading, "statements": [_st(x) for x in sub.statements]}
                                      for sub in s.subsections]} for s in answer.sections],
        "evidence_table": [vars(r).copy() for r in answer.evidence_table],
        "references": [{"n": r.n, "id": r.id, "citation": r.citation, "design": r.design, "url": web_link(r.url),
                        "passages": [{"section": p.section, "text": p.text} for p in r.passages]}
                       for r in answer.references],
        "warnings": list(answer.warnings),
        "writer": answer.writer,
        "replaced": answer.replaced,
    }
    return AnswerOut.model_validate(data).model_dump()


def to_json(answer: Answer) -> str:
    return json.dumps(to_contract(answer), indent=2, ensure_ascii=False)
