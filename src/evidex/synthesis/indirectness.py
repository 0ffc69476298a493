"""Indirectness of a body of evidence (GRADE handbook 5.2.4): the facets its studies differ in from
the question (population, comparator, outcome, co-treatment), and the questions trials cannot
answer directly (how a treatment works; which dose, when no trial compares doses)."""
from __future__ import annotations

from collections import Counter

from ..enrich.numbers import doses
from ..query import Query
from ..retrieve import names_another_treatment
from .evidence import Study


def intent_indirectness(query: Query, decided: list[Study]) -> tuple[int, str]:
    """(levels, reason) when the body's trials answer a different question than the one asked
    (GRADE 5.2.4, indirectness of the question): trials show whether a treatment works, not
    how it works, and trials of one dose say little about which dose or schedule to choose."""
    if query.intent == "mechanism":
        return 2, ("Indirectness (very serious): the question asks how the treatment works; clinical trials "
                   "show whether it works, and mechanisms rest on laboratory and proposed explanations.")
    if query.intent == "dosing" and not any(compares_doses(s, query) for s in decided):
        return 1, ("Indirectness: no randomised trial compares doses or schedules; the doses shown are those "
                   "single studies used.")
    return 0, ""


def compares_doses(study: Study, query: Query) -> bool:
    """A randomised trial with arms of different doses of the asked treatment: a methods or
    results sentence naming two or more doses of one unit and no other treatment (not a
    titration within one arm, not "drug A 2 mg or drug B 10 mg")."""
    if study.design != "rct":
        return False
    for p in study.passages:
        if study.sentence_roles.get(p.seq) not in ("methods", "results"):
            continue
        found = doses(p.text)
        if len({(d.unit, d.amount) for d in found}) >= 2 and not any(d.titration for d in found) \
                and not names_another_treatment(query, p.text):
            return True
    return False


def indirectness(studies: list[Study], body: list[Study], condition: str, query: Query, indirect: bool) -> str:
    """GRADE 5.2.4's reason, facet by facet: the populations, comparators, outcomes or co-treatments the
    body's studies differ in from the question."""
    facets = Counter(f for s in body for f in s.differs)
    counts = Counter(c for s in body for c in s.appraisal.conditions if c != condition)
    where = ", ".join(c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:4])
    parts = []
    if facets.get("population") or not facets:
        parts.append(f"much of the evidence concerns {where or 'other populations'} rather than "
                     f"{condition or 'the asked population'}")
    if facets.get("comparator") and query.comparators:
        parts.append(f"no study compares against {' or '.join(query.comparators)} directly")
    if facets.get("outcome") and query.outcomes:
        parts.append(f"the studies report outcomes other than {' or '.join(query.outcomes)}")
    if facets.get("intervention") and query.facets:
        parts.append(f"no study of the treatment also concerns {' and '.join(query.facets)}")
    tail = ("no study addresses the question directly." if indirect else
            "the direct evidence is limited to uncontrolled reports and reviews.")
    return "Indirectness: " + "".join(p + "; " for p in parts) + tail
