"""Record -> Appraisal: one pure function run at ingest for every record."""
from __future__ import annotations

from ..records import Appraisal, Record
from ..vocab import find_terms
from . import design, numbers


def appraise(record: Record) -> Appraisal:
    call = design.classify(record)
    body = " ".join(s.text for s in record.sections)
    n, n_span = numbers.sample_size(body) if call.label not in ("preclinical",) else (None, "")
    if call.label == "case_report" and n is None:
        n, n_span = 1, ""
    # Conditions and interventions: declared fields, MeSH headings and the title are the
    # reliable places (the body would add background-sentence noise and cost ingest time).
    topic = " | ".join([record.title, *record.conditions, *record.mesh_terms])
    conditions = _unique(m.canonical for m in find_terms(topic, ("condition",)))
    declared = " | ".join([record.title, *record.interventions, *record.mesh_terms])
    interventions = _unique(m.canonical for m in find_terms(declared, ("intervention",)))
    return Appraisal(
        record_id=record.id,
        design=call.label,
        design_source=call.source,
        design_score=call.score,
        level=call.level,
        n=n,
        n_span=n_span,
        conditions=conditions,
        interventions=interventions,
        doses=tuple(numbers.doses(body)),
        numbers=tuple(numbers.effect_numbers(body)),
        retracted=design.is_retracted(record),
    )


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
