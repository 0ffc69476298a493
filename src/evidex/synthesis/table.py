"""Studies -> evidence-table rows: one row per study that addresses the question.

Every cell comes from ``enrich.trial.trial_facts`` (total n, arms with their doses, the
comparator, the primary outcome, the main effect), and the passage each fact was read from is
cited by the row, so a number in a cell is always written in a cited passage. Background
records and repeated reports of one trial get no row.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..enrich.population import qualified
from ..enrich.trial import Fact
from ..query import Query
from ..text import numbers_in
from .evidence import Study
from .faithfulness import unsupported_numbers
from .memo import study_facts

MAX_ROWS = 15


@dataclass(frozen=True)
class EvidenceRow:
    ref: int
    design: str
    n: int | None
    population: str
    intervention: str
    comparator: str
    outcome: str
    effect: str
    direction: str


def table(query: Query, ranked: list[Study], cite) -> list[EvidenceRow]:
    """``cite(study, *passages) -> ref number`` records which passages each row rests on."""
    rows: list[EvidenceRow] = []
    hint = query.interventions[0] if query.interventions else ""
    for s in [s for s in ranked if s.clinical and s.relevant][:MAX_ROWS]:
        facts = study_facts(s.record, s.passages, hint)
        by_seq = {p.seq: p for p in s.passages}

        def sourced(f: Fact | None) -> Fact | None:
            """A fact only with the passage it was read from writing every number it shows."""
            p = by_seq.get(f.seq) if f else None
            return f if p is not None and not unsupported_numbers(f.text, [p.text]) else None

        arms = [a for a in map(sourced, facts.arms) if a]
        comparator, outcome, effect = sourced(facts.comparator), sourced(facts.outcome), sourced(facts.effect)
        used = [by_seq[f.seq] for f in (*arms, comparator, outcome, effect) if f]
        n_passage = by_seq.get(facts.n_seq) if facts.n is not None else None
        ref = cite(s, n_passage, *used)
        inter = "; ".join(f.text for f in arms) or ", ".join(query.interventions)
        if unsupported_numbers(inter, [p.text for p in used]):
            inter = ", ".join(i for i in query.interventions if not numbers_in(i))
        rows.append(EvidenceRow(
            ref=ref, design=s.design,
            n=facts.n if n_passage is not None and str(facts.n) in numbers_in(n_passage.text) else None,
            population=_population(query, s, cite, facts.population if n_passage is not None else ""),
            intervention=inter, comparator=comparator.text if comparator else "",
            outcome=outcome.text if outcome else "", effect=effect.text if effect else "", direction=s.direction))
    rows.sort(key=lambda r: r.ref)
    return rows


def _population(query: Query, s: Study, cite, phrase: str = "") -> str:
    """Who was studied: the phrase that carries the study's n ("80 elderly patients with chronic
    heart failure", read from the cited n passage), else the record's MeSH conditions; a phrase
    with no condition in it ("30 patients") is followed by the conditions."""
    conditions = []
    for c in s.appraisal.conditions[:3]:
        # A name with a number ("diabetes mellitus, type 2") is a stated number too: keep it
        # only with a cited passage that writes it.
        need = numbers_in(c)
        source = next((p for p in s.passages if need <= numbers_in(p.text)), None) if need else None
        if need and source is None:
            continue
        if source is not None:
            cite(s, source)
        conditions.append(c)
    if s.direct:
        conditions = [c for c in query.conditions[:1] if c not in conditions and not numbers_in(c)] + conditions
    label = ", ".join(conditions)
    if phrase:
        low = phrase.lower()
        named = any(w in low for c in conditions for w in c.lower().replace(",", " ").split() if len(w) > 3)
        label = phrase if named or not label or qualified(phrase) else f"{phrase}; {label}"
    if s.relevance == "indirect":
        label += f" (indirect: {', '.join(s.differs)})" if s.differs != ("population",) else " (indirect)"
    return label
