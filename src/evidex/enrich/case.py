"""Patient-level facts of case reports and small case series (seed 004 is the model).

Per patient: age, sex, condition, prior treatments, intervention and dose, outcome scores
before/after, time to effect and adverse effects, each with the sentence span it came
from. Sections labelled "CASE 1", "CASE 1 OUTCOME", "CASE 2"... are read as one patient
each; otherwise the whole record is one patient. Rule-based, so every value is a quote.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ..records import Record
from ..text import sentence_spans
from ..vocab import find_terms
from . import numbers

_CASE_LABEL = re.compile(r"\b(?:CASE|PATIENT)\s*(\d+|[IVX]+)\b", re.I)
_AGE = re.compile(r"\b(\d{1,3})[- ](?:years?|yrs?)[- ]old\b|\baged (\d{1,3})\b|\bat (?:about |around )?(\d{1,3}) years? of age\b|"
                  r"\b(?:at |about |around )+(\d{1,3}) years? old\b", re.I)
_MALE = re.compile(r"\b(?:man|male|boy|gentleman|he|his|him)\b", re.I)
_FEMALE = re.compile(r"\b(?:woman|female|girl|lady|she|her)\b", re.I)
_PRIOR = re.compile(r"\b(?:had (?:previously )?(?:received|tried|taken|been (?:treated|managed) with|failed)|"
                    r"previous(?:ly)? (?:received|tried|treated with|failed)|prior (?:treatments?|therapies) "
                    r"(?:included|with)|refractory to|unresponsive to)\s+([^.;]+)", re.I)
_STOP_ITEM = re.compile(r"\b(?:helped|which|but|that|who|was|were|lost|had|with no|without)\b", re.I)
_TIME = re.compile(r"\b(?:within|after|by)\s+((?:\d+|one|two|three|four|five|six|eight|ten|twelve|a few|several)\s+"
                   r"(?:days?|weeks?|months?))(?:\s+of\s+(?:starting|commencing|beginning|treatment|therapy|taking))?", re.I)
_ADVERSE = re.compile(r"\b(?:side[- ]effects?|adverse (?:effects?|events?|reactions?)|tolerated|toleran\w+)\b", re.I)
_NO_ADVERSE = re.compile(r"\b(?:no|without|nor|free of)\b[^.;]{0,40}\b(?:side[- ]effects?|adverse)|well tolerated", re.I)
_SCALE = re.compile(r"\b(NRS|VAS|Numeric (?:Pain )?Rating Scale|Visual Analog(?:ue)? Scale|BPI|FIQ|SF-36|PGIC|CGI)\b")


@dataclass(frozen=True)
class Fact:
    value: str
    span: str = ""          # the sentence the value was read from


@dataclass(frozen=True)
class PatientFacts:
    label: str = ""                       # "Case 1", or "" for a single patient
    age: Fact | None = None
    sex: Fact | None = None
    conditions: tuple[str, ...] = ()
    prior_treatments: tuple[Fact, ...] = ()
    interventions: tuple[str, ...] = ()
    doses: tuple[Fact, ...] = ()
    scores: tuple[Fact, ...] = ()         # before -> after, e.g. "from 8 to 10 before treatment down to 5 to 6"
    time_to_effect: Fact | None = None
    adverse_effects: tuple[Fact, ...] = ()

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CaseFacts:
    patients: tuple[PatientFacts, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {"patients": [p.to_json() for p in self.patients]}


def _groups(record: Record) -> list[tuple[str, str]]:
    shared: list[str] = []
    cases: dict[str, list[str]] = {}
    for s in record.sections:
        m = _CASE_LABEL.search(s.label or "")
        if m:
            cases.setdefault(f"Case {m.group(1)}", []).append(s.text)
        else:
            shared.append(s.text)
    if not cases:
        return [("", " ".join(shared))]
    return [(label, " ".join(texts)) for label, texts in cases.items()]


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def patient_facts(label: str, text: str, shared: str = "") -> PatientFacts:
    sents = _sentences(text)
    age = sex = time = None
    for s in sents:
        m = _AGE.search(s)
        if m:
            age = Fact(next(g for g in m.groups() if g), s)
            break
    males = sum(1 for _ in _MALE.finditer(text))
    females = sum(1 for _ in _FEMALE.finditer(text))
    if males or females:
        word = _MALE if males > females else _FEMALE
        sent = next((s for s in sents if word.search(s)), "")
        sex = Fact("male" if males > females else "female", sent)
    priors: list[Fact] = []
    for s in sents:
        for m in _PRIOR.finditer(s):
            for item in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1)):
                item = item.strip()
                if not item or _STOP_ITEM.search(item) or len(item.split()) > 4:
                    break
                priors.append(Fact(item, s))
    for s in sents:
        m = _TIME.search(s)
        if m and re.search(r"\b(?:start|begin|began|commenc|after|of)\w*", s, re.I):
            time = Fact(m.group(0), s)
            break
    scores = []
    for s in sents:
        for n in numbers.mentions(s):
            if n.kind == "score_change":
                scale = _SCALE.search(s)
                scores.append(Fact(n.span + (f" ({scale.group(1)})" if scale else ""), s))
    adverse = []
    for s in _sentences(text + " " + shared):
        if _ADVERSE.search(s):
            adverse.append(Fact("none reported" if _NO_ADVERSE.search(s) else s, s))
    doses = tuple(Fact(d.span, next((s for s in sents if d.span in s), "")) for d in numbers.doses(text))
    conds = tuple(dict.fromkeys(m.canonical for m in find_terms(text, ("condition",))
                                if len(m.text) > 4 or m.text.isupper()))   # "was" is not WAS
    inter = tuple(dict.fromkeys(m.canonical for m in find_terms(text, ("intervention",))))
    return PatientFacts(label, age, sex, conds[:4], tuple(priors[:8]), inter[:4], doses[:3], tuple(scores[:3]),
                        time, tuple(dict.fromkeys(adverse))[:3])


def case_facts(record: Record) -> CaseFacts:
    groups = _groups(record)
    shared = " ".join(s.text for s in record.sections if not _CASE_LABEL.search(s.label or "")) \
        if len(groups) > 1 or groups[0][0] else ""
    return CaseFacts(tuple(patient_facts(label, text, shared) for label, text in groups))
