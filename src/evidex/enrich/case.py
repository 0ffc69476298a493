"""Patient-level facts of case reports and small case series (seed 004 is the model).

Per patient: age, sex, condition, prior treatments, intervention and dose (or that the
report states none), outcome scores before/after (e.g. NRS 8–10 → 5–6), time to effect,
time on treatment, outcome and adverse effects. Every value keeps the sentence it was read
from and that sentence's passage number in ``passages_of(record)``, so a reader can check
it (``/records/{id}?hl={seq}#p{seq}``). Rule-based: nothing is inferred.

Sections labelled "CASE 1", "CASE 1 OUTCOME", "CASE 2", … are read as one patient each and
the other sections (background, adverse effects, conclusions) as the whole report; without
such labels the whole record is one patient. This is the only case-facts extractor: it runs
at ingest for case reports and series (stored in ``Appraisal.case_facts``) and the web page
renders its output.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from ..records import Passage, Record
from ..text import passages_of
from ..vocab import find_terms
from . import numbers

VERSION = 2                 # of the stored JSON; older stored facts are recomputed on read
PATIENT, WHOLE_REPORT = "Patient", "Whole report"

_CASE_LABEL = re.compile(r"\b(?:CASE|PATIENT)\b\s*(\d+|[IVX]+\b)?", re.I)
_AGE = (re.compile(r"\b(\d{1,3})[- ](?:year|yr)[- ]old\b", re.I),
        re.compile(r"\bin (?:his|her|their) ((?:early |mid-?|late )?\d0s)\b", re.I),
        re.compile(r"\b(?:aged|age of)\s+(\d{1,3})\b", re.I),
        re.compile(r"\bat ((?:about |around )?\d{1,3}) years? of age\b", re.I),
        re.compile(r"\b((?:about |around |approximately )?\d{1,3}) (?:years?|yrs?) old\b", re.I))
_SEX = re.compile(r"\b(man|woman|girl|boy|male|female|gentleman|lady|mother|father|wife|husband)\b", re.I)
_FEMALE = {"woman", "girl", "female", "lady", "mother", "wife"}
_HE, _SHE = re.compile(r"\b(?:he|his|him)\b", re.I), re.compile(r"\b(?:she|her|hers)\b", re.I)
_PRIOR = re.compile(r"\b(?:had (?:previously )?(?:received|tried|taken|failed|been (?:treated|managed) with)|"
                    r"previous(?:ly)? (?:received|tried|failed|treated with)|prior (?:treatments?|therapies) "
                    r"(?:included|were|with)|refractory to|unresponsive to)\s+([^.;]+)", re.I)
_CUT = re.compile(r"\s+(?:but|which|that|when|while|until)\s+", re.I)
_STOP_ITEM = re.compile(r"\b(?:helped|which|but|that|who|was|were|lost|had|with no|without)\b", re.I)
_REFRACTORY = re.compile(r"\b(?:treatment[- ])?(?:refractory|resistant|unresponsive)\b(?: to [^,.;]+)?|"
                         r"\bfailed (?:to respond to )?[^,.;]+", re.I)
_SCALE = re.compile(r"\b(NRS|VAS|numeric(?:al)? rating scale|visual analog(?:ue)? scale|pain scores?|"
                    r"[A-Z]{2,6} score)\b", re.I)
_NUM = r"\d+(?:[.\u00b7]\d+)?"
_RANGE = rf"{_NUM}(?:\s*(?:-|–|to)\s*{_NUM})?"
_UNIT = r"(?:mg|mcg|µg|g|ml|%|hours?|days?|weeks?|months?|years?)\b"     # "from 1.5 to 4.5 mg" is a titration
_BEFORE_AFTER = re.compile(rf"\bfrom\s+(?:an? \w+ of\s+)?({_RANGE})\s+(?:(?:[a-z]+\s+){{0,3}})?(?:down |up )?to\s+"
                           rf"({_RANGE})(?!\d|[.\u00b7]\d|\s*{_UNIT})", re.I)
_TIME_TO_EFFECT = re.compile(r"\b(?:[Ww]ithin|[Aa]fter|[Bb]y)\s+((?:\d+|one|two|three|four|five|six|eight|ten|twelve|"
                             r"a few|several)\s+(?:days?|weeks?|months?))\b(?:\s+of\s+(?:starting|commencing|beginning|"
                             r"initiating)[^,.;]*)?")
_ON_TREATMENT = re.compile(r"\b(?:on|taking|took|continued|received)\s+([^,.;]{1,60}?)\s+for\s+"
                           r"(\d+\s+(?:weeks?|months?|years?))", re.I)
_TREATMENT_WORD = re.compile(r"\b(?:treatment|therapy|the drug|it|medication)$", re.I)
_OUTCOME_SECTION = re.compile(r"OUTCOME|RESULT|FOLLOW", re.I)
_BACKGROUND = re.compile(r"BACKGROUND|INTRODUCTION|OBJECTIVE|PURPOSE|\bAIMS?\b", re.I)   # about others, not the case
_OUTCOME = re.compile(r"\b(?:resolved|resolution|remission|went away|ceased|discontinued|disappeared|"
                      r"improved|improvement|fell|reduced|reduction|lessened|did not spread)\b", re.I)
_ADVERSE = re.compile(r"\b(?:side[- ]effects?|adverse (?:effects?|events?|reactions?))\b|\bwell[- ]tolerated\b", re.I)
_NO_ADVERSE = re.compile(r"\b(?:no|none|without|nor|free of)\b[^.;]{0,40}\b(?:side[- ]effects?|adverse)|"
                         r"\b(?:side[- ]effects?|adverse \w+)\b[^.;]{0,30}\b(?:not|never)\b", re.I)


@dataclass(frozen=True)
class Fact:
    value: str
    span: str = ""              # the sentence the value was read from, verbatim
    seq: int | None = None      # that sentence's passage number in passages_of(record)


@dataclass(frozen=True)
class PatientFacts:
    label: str = PATIENT                  # "Case 1", "Patient", or "Whole report"
    age: Fact | None = None               # in years as written: "48", "about 7", "60s"
    sex: Fact | None = None               # "male" / "female"
    conditions: tuple[Fact, ...] = ()
    prior_treatments: tuple[Fact, ...] = ()   # one item each: "opioids", "physical therapy"
    interventions: tuple[str, ...] = ()       # canonical names mentioned in this patient's text
    doses: tuple[Fact, ...] = ()          # "4.5 mg daily", or "low-dose naltrexone (no dose stated in the report)"
    scores: tuple[Fact, ...] = ()         # before → after: "NRS 8–10 → 5–6"
    time_to_effect: tuple[Fact, ...] = ()
    time_on_treatment: Fact | None = None
    outcomes: tuple[Fact, ...] = ()
    adverse_effects: tuple[Fact, ...] = ()

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PatientFacts:
        def fact(v: Any) -> Any:
            return Fact(**v) if isinstance(v, dict) else v
        out = {}
        for f in fields(cls):
            v = data.get(f.name, f.default)
            out[f.name] = tuple(fact(x) for x in v) if isinstance(v, list | tuple) else fact(v)
        return cls(**out)

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self) if f.name not in ("label", "interventions"))


@dataclass(frozen=True)
class CaseFacts:
    patients: tuple[PatientFacts, ...] = ()
    report: PatientFacts | None = None    # facts of the sections that belong to no one case

    def to_json(self) -> dict:
        return {"version": VERSION, "patients": [p.to_json() for p in self.patients],
                "report": self.report.to_json() if self.report else None}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> CaseFacts | None:
        """The stored facts, or None when there are none or they were stored by an older version."""
        if not data or data.get("version") != VERSION:
            return None
        report = data.get("report")
        return cls(tuple(PatientFacts.from_json(p) for p in data.get("patients", ())),
                   PatientFacts.from_json(report) if report else None)

    def groups(self) -> tuple[PatientFacts, ...]:
        """Each patient, then the whole report; only those with a fact."""
        both = self.patients + ((self.report,) if self.report else ())
        return tuple(g for g in both if not g.is_empty())


def case_key(section: str) -> str | None:
    """"Case 1" for "CASE 1 OUTCOME", "Patient" for "CASE PRESENTATION", None otherwise."""
    m = _CASE_LABEL.search(section or "")
    if not m:
        return None
    return f"Case {m.group(1).upper()}" if m.group(1) else PATIENT


def case_facts(record: Record) -> CaseFacts:
    """Facts per patient and for the whole report, each with its sentence and passage number.

    Conditions are those the title, declared fields or MeSH headings name (any named in the
    text when those name none); the intervention without a stated dose is the first one the
    title or headings name.
    """
    passages = [p for p in passages_of(record) if p.section != "TITLE"]
    has_cases = any(case_key(p.section) for p in passages)
    topic = " | ".join([record.title, *record.conditions, *record.interventions, *record.mesh_terms])
    named = find_terms(topic, ("condition", "intervention"))
    topic_conditions = {m.canonical for m in named if m.kind == "condition"}
    topic_interventions = list(dict.fromkeys(m.canonical for m in named if m.kind == "intervention"))
    grouped: dict[str, list[Passage]] = {}
    for p in passages:
        grouped.setdefault((case_key(p.section) or WHOLE_REPORT) if has_cases else PATIENT, []).append(p)
    reader = _Reader(topic_conditions)
    facts = {key: reader.read(key, ps) for key, ps in grouped.items()}
    if topic_interventions and not any(f["doses"] for f in facts.values()):
        name = topic_interventions[0]
        first = next((p for p in passages if name.lower() in p.text.lower()
                      or name in (m.canonical for m in reader.terms(p))), None)
        if first is not None:
            key = next(k for k, ps in grouped.items() if first in ps)
            facts[key]["doses"].append(Fact(f"{name} (no dose stated in the report)", first.text, first.seq))
    built = {key: _build(key, f) for key, f in facts.items()}
    report = built.pop(WHOLE_REPORT, None)
    return CaseFacts(tuple(built.values()), None if report is None or report.is_empty() else report)


def _build(key: str, f: dict[str, Any]) -> PatientFacts:
    def first(name: str) -> Fact | None:
        return f[name][0] if f[name] else None
    return PatientFacts(key, first("age"), first("sex"), tuple(f["conditions"][:4]), tuple(f["prior_treatments"][:8]),
                        tuple(f["interventions"][:4]), tuple(f["doses"][:3]), tuple(f["scores"][:3]),
                        tuple(f["time_to_effect"][:3]), first("time_on_treatment"), tuple(f["outcomes"][:4]),
                        tuple(f["adverse_effects"][:3]))


class _Reader:
    """Reads the facts of one group of passages (a case, or the whole report)."""

    def __init__(self, topic_conditions: set[str]) -> None:
        self.topic_conditions = topic_conditions
        self._terms: dict[int, list] = {}

    def terms(self, p: Passage) -> list:
        if p.seq not in self._terms:
            self._terms[p.seq] = find_terms(p.text, ("condition", "intervention"))
        return self._terms[p.seq]

    def read(self, key: str, passages: list[Passage]) -> dict[str, list]:
        out: dict[str, list] = {f.name: [] for f in fields(PatientFacts) if f.name != "label"}

        def add(name: str, value: str, p: Passage) -> None:
            value = " ".join(value.split()).strip(" ,;")
            if value and not any(f.value.lower() == value.lower() for f in out[name]):
                out[name].append(Fact(value, p.text, p.seq))

        refractory: list[Fact] = []
        for p in passages:
            text = p.text
            for rx in _AGE:
                m = rx.search(text)
                if m:
                    add("age", m.group(1), p)
                    break
            m = _SEX.search(text)
            if m:
                add("sex", "female" if m.group(1).lower() in _FEMALE else "male", p)
            for term in self.terms(p):
                if term.kind == "intervention":
                    if term.canonical not in out["interventions"]:
                        out["interventions"].append(term.canonical)
                elif term.canonical in self.topic_conditions or (
                        not self.topic_conditions and (len(term.text) > 4 or term.text.isupper())):  # "was" is not WAS
                    add("conditions", term.canonical, p)
            for item in _prior_items(text):
                add("prior_treatments", item, p)
            m = _REFRACTORY.search(text)
            if m and not refractory:
                refractory.append(Fact(f"{m.group(0)[:160]} (as stated)", text, p.seq))
            for d in numbers.doses(text):
                add("doses", d.span + (f" {d.frequency}" if d.frequency and d.frequency in text.lower() else ""), p)
            if _BACKGROUND.search(p.section):
                continue
            for m in _BEFORE_AFTER.finditer(text):
                if not re.search(r"\d{4}", m.group(0)) and m.groups() not in (("0", "10"), ("0", "100")):
                    # neither "from 2010 to 2015" nor "scored from 0 to 10" is a change
                    add("scores", _score(text, m), p)
            for m in _TIME_TO_EFFECT.finditer(text):
                add("time_to_effect", m.group(0).strip(), p)
            for m in _ON_TREATMENT.finditer(text):
                what = m.group(1)
                if _TREATMENT_WORD.search(what) or "LDN" in what or find_terms(what, ("intervention",)):
                    add("time_on_treatment", m.group(2), p)
            if case_key(p.section) or _OUTCOME_SECTION.search(p.section):
                for m in _OUTCOME.finditer(text):
                    clause = _clause(text, m.start(), m.end())
                    if not _AGE[0].search(clause) and not any(clause in f.value for f in out["outcomes"]):
                        add("outcomes", clause[:200], p)
            m = _ADVERSE.search(text)
            if m:
                add("adverse_effects", "none reported" if _NO_ADVERSE.search(text) else _clause(text, *m.span()), p)
        if not out["prior_treatments"]:
            out["prior_treatments"] = refractory
        if not out["sex"]:
            he = [p for p in passages if _HE.search(p.text)]
            she = [p for p in passages if _SHE.search(p.text)]
            if he or she:
                p = (he if len(he) > len(she) else she)[0]
                add("sex", "male" if len(he) > len(she) else "female", p)
        if key == WHOLE_REPORT:     # who they describe is not known here
            for name in ("age", "sex", "conditions", "prior_treatments", "outcomes"):
                out[name] = []
        return out


def _prior_items(sentence: str) -> list[str]:
    """"had received opioids, anticonvulsants and physical therapy, and ketamine infusions helped at
    first" -> ["opioids", "anticonvulsants", "physical therapy"]: the list before the clause that
    starts talking about effects."""
    items: list[str] = []
    for m in _PRIOR.finditer(sentence):
        for item in re.split(r",\s*(?:and\s+)?|\s+and\s+", _CUT.split(m.group(1), 1)[0]):
            item = item.strip()
            if not item or _STOP_ITEM.search(item) or len(item.split()) > 4:
                break
            items.append(item)
    return items


def _score(sentence: str, m: re.Match) -> str:
    scale = _SCALE.search(sentence)
    name = scale.group(1) if scale else "Score"
    if name.lower().startswith("numeric"):
        name = "NRS"
    elif name.lower().startswith("visual"):
        name = "VAS"
    before, after = (re.sub(r"\s*(?:-|–|to)\s*", "–", g) for g in m.groups())
    return f"{name} {before} → {after}"


def _clause(sentence: str, start: int, end: int) -> str:
    left = max(sentence.rfind(",", 0, start), sentence.rfind(";", 0, start))
    right = min([i for i in (sentence.find(",", end), sentence.find(";", end)) if i != -1] or [len(sentence)])
    clause = sentence[left + 1:right].strip().rstrip(".")
    return re.sub(r"^(?:and|but|while|although)\s+", "", clause, flags=re.I)
