"""The "Case-report facts" panel: enrich.case output arranged for the record page.

Extraction happens once, in ``evidex.enrich.case`` (stored at ingest in
``Appraisal.case_facts``); this module only labels the values and groups them under the
sentence they were read from, so the page shows each sentence once with its values.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..enrich.case import CaseFacts, Fact, PatientFacts, case_facts
from ..records import Appraisal, Record

# PatientFacts field -> label on the page, in the order the page shows them.
LABELS = {"age": "Age", "sex": "Sex", "conditions": "Condition", "prior_treatments": "Prior treatments",
          "doses": "Intervention and dose", "scores": "Score before → after", "time_to_effect": "Time to effect",
          "time_on_treatment": "Time on treatment", "outcomes": "Outcome", "adverse_effects": "Adverse effects"}
_RANK = {name: i for i, name in enumerate(LABELS)}


@dataclass(frozen=True)
class SentenceFacts:
    """The values read from one sentence, shown together with that sentence once."""

    seq: int | None
    sentence: str
    items: tuple[tuple[str, str], ...]     # (label, values joined)


@dataclass(frozen=True)
class CasePanel:
    heading: str                           # "Case 1", "Patient", "Whole report"
    groups: tuple[SentenceFacts, ...]


def panels(record: Record, appraisal: Appraisal) -> tuple[CasePanel, ...]:
    """The stored facts (recomputed when stored by an older version, or not stored)."""
    facts = CaseFacts.from_json(appraisal.case_facts) or case_facts(record)
    return tuple(CasePanel(p.label, by_sentence(p)) for p in facts.groups())


def by_sentence(patient: PatientFacts) -> tuple[SentenceFacts, ...]:
    found: dict[tuple[int | None, str], dict[str, list[str]]] = {}
    rank: dict[tuple[int | None, str], tuple[int, int]] = {}
    for name in LABELS:
        value = getattr(patient, name)
        for f in (value if isinstance(value, tuple) else (value,) if value else ()):
            key = (f.seq, f.span)
            found.setdefault(key, {}).setdefault(name, []).append(_shown(name, f))
            rank[key] = min(rank.get(key, (len(LABELS), 0)), (_RANK[name], f.seq if f.seq is not None else -1))
    return tuple(SentenceFacts(*key, tuple((LABELS[n], _join(n, v)) for n, v in found[key].items()))
                 for key in sorted(found, key=rank.__getitem__))


def _shown(name: str, f: Fact) -> str:
    return f"{f.value} years" if name == "age" and f.value[-1:].isdigit() else f.value


def _join(name: str, values: list[str]) -> str:
    if name == "prior_treatments" and len(values) > 1:      # one list as the sentence wrote it
        return f"{', '.join(values[:-1])} and {values[-1]}"
    return "; ".join(values)
