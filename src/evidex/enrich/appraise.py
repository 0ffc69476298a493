"""Record -> Appraisal: one pure function run at ingest for every record."""
from __future__ import annotations

import re

from ..records import Appraisal, Record
from ..vocab import find_terms, lookup
from . import design, numbers, pico
from .case import case_facts
from .direction import study_direction
from .roles import role_of_label, sentence_roles
from .split import joined_spans
from .split import sentences as split_sentences
from .split import spans

_DECISIVE = ("results", "conclusions")
_DIGIT = re.compile(r"\d")


def appraise(record: Record, detail: bool = False) -> Appraisal:
    """Design (metadata, else the text model), level, n, doses, number mentions with offsets,
    direction, and case facts for case reports; sentence roles of labelled sections.

    ``detail=True`` adds what costs more than ingest can afford on every record: number
    mentions with offsets, model sentence roles for unlabelled abstracts and PICO. Pages that
    show one record (``evidex show``, ``evidex enrich``, the web record page) compute it on
    read from the stored record; ingest stores the cheap part.
    """
    call = design.classify(record)
    texts = [s.text for s in record.sections]
    body = " ".join(texts)
    # The body's sentences from the sections' (split once, below and by the roles): only the
    # joins between sections can differ (split.joined_spans).
    n, n_span = numbers.sample_size(body, joined_spans(texts)) if call.label not in ("preclinical",) else (None, "")
    if call.label == "case_report" and n is None:
        n, n_span = 1, ""
    # Conditions and interventions: declared fields, MeSH headings and the title are the
    # reliable places (the body would add background-sentence noise and cost ingest time).
    # MeSH headings are vocabulary entries already: looked up whole, not scanned word by word.
    found = find_terms(" | ".join([record.title, *record.conditions, *record.interventions]),
                       ("condition", "intervention"))
    mesh = [t for t in (lookup(m) for m in record.mesh_terms) if t is not None]
    conditions = _unique([m.canonical for m in found if m.kind == "condition"]
                         + [t.canonical for t in mesh if t.kind == "condition"])
    interventions = _unique([m.canonical for m in found if m.kind == "intervention"]
                            + [t.canonical for t in mesh if t.kind == "intervention"])

    # Sentences in passages_of order (title excluded), their roles, and number mentions with
    # offsets into Record.text().
    sentences: list[str] = []
    mentions = []
    if detail:
        offset = len(record.title) + 2
        seq = len(spans(record.title)) if record.title else 0
        for sec in record.sections:
            for s, e in spans(sec.text):
                sentence = sec.text[s:e]
                sentences.append(sentence)
                if _DIGIT.search(sentence):
                    mentions.extend(numbers.mentions(sentence, seq, offset + s))
                seq += 1
            offset += len(sec.text) + 2
    else:                    # no offsets needed: the title is not split
        for sec in record.sections:
            sentences.extend(split_sentences(sec.text))
    roles = sentence_roles(record, use_model=detail) if record.sections else ()
    if len(roles) != len(sentences) or "" in roles:   # partly unknown without the model: store none
        roles = ()
    decisive = [s for s, r in zip(sentences, roles) if r in _DECISIVE] or sentences[-3:]
    facts = case_facts(record).to_json() if call.label in ("case_report", "case_series") else {}
    p = pico.extract(record.title, [s for s, r in zip(sentences, roles) if r in ("objective", "methods")]
                     or sentences[:4]).to_json() if detail else {}
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
        numbers=tuple(mentions),
        retracted=design.is_retracted(record),
        rct_probability=call.rct_probability,
        design_model=call.model,
        sentence_roles=roles,
        pico=p,
        direction=study_direction(decisive),
        case_facts=facts,
    )


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


__all__ = ["appraise", "role_of_label"]
