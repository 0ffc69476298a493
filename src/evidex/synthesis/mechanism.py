"""What the laboratory evidence says to a question of how a treatment works.

A trial shows whether a drug works, not how (GRADE handbook 5.2.4: such evidence is very
indirect to a mechanism question); a narrative review proposes a mechanism and a laboratory
study tests it. So a claim of mechanism ("Does LDN work by boosting beta-endorphin?") follows
the laboratory study the question is most about, and a mechanism it found absent refutes the
claim; a question weighing rival mechanisms ("endorphins, or glia?") on which the laboratory
studies disagree gets a *mixed* answer rather than the clinical trials' benefit.
"""
from __future__ import annotations

import re

from ..query import Query
from ..text import tokens
from ..vocab import find_terms
from .evidence import Study
from .vote import DECIDED

WORKS_BY = re.compile(r"\b(?:work|act)(?:s|ing)?\s+(?:\w+\s+)?(?:by|through|via)\b|\b(?:explain|mediat)ed by\b", re.I)
# "endorphins, or does it act through glia?" names rival mechanisms; "morphine or oxycodone", "Crohn's or
# fibromyalgia", "in mice or rats" do not (the rival is said as a way of acting, and names no drug or disease).
_RIVAL = re.compile(r"\bor\b([^?.;]*)", re.I)
_HOW = re.compile(r"\b(?:through|via|by|acting|acts?|does it|is it)\b", re.I)
# A laboratory study with less of the ranker's share than this is hardly what the question is about (read sets: the
# studies that tested the claimed mechanism hold 0.09-0.97). A share alone does not say it is about the mechanism
# claimed (a tumour-growth study can hold 0.3), so the study must also name it (``_mechanism_words``).
MIN_SHARE = 0.05


def mechanism_direction(query: Query, relevant: list[Study], shares: dict[str, float] | None,
                        asked: Study | None) -> str:
    """The direction the laboratory evidence gives a mechanism question, or "" when it does not
    decide it (then the question is graded as any other). ``asked`` is the study with the largest
    share; ``relevant`` the studies that are not background."""
    claim = WORKS_BY.search(query.question) if query.question_type == "yesno" else None
    if query.comparators or query.harm or query.adverse or not (claim or query.intent == "mechanism"):
        return ""
    shares = shares or {}
    lab = sorted((s for s in relevant if s.design == "preclinical" and s.direction in DECIDED),
                 key=lambda s: -shares.get(s.record.id, 0.0))
    rival = _RIVAL.search(query.question)
    said = _HOW.sub(" ", rival.group(1)) if rival else ""      # ("or does it?" names nothing)
    if query.intent == "mechanism" and rival and _HOW.search(rival.group(1)) and re.search(r"[a-z]{4}", said, re.I) \
            and not find_terms(rival.group(1)) \
            and {s.direction == "favours" for s in lab} == {True, False}:
        return "mixed"
    if not claim:
        return ""
    words = _mechanism_words(re.split(r"[?.;,]", query.question[claim.end():])[0])
    tested = next((s for s in lab if shares.get(s.record.id, 0.0) >= MIN_SHARE
                   and any(w in s.record.text().lower() for w in words)), None)
    lead = tested or (asked if asked is not None and not asked.clinical else None)
    told = lead.direction if lead is not None else ""
    return {"no_difference": "against", "unclear": ""}.get(told, told)


def _mechanism_words(said: str) -> set[str]:
    """The words a study must use to name the mechanism ``said`` names: its long words ("endorphins",
    "microglia"), by their first six letters; not a verb form ("reducing", "reduced"), a patient or a drug
    or disease the vocabulary knows (those name the question's subject, not its mechanism)."""
    return {w[:6] for w in tokens(said)
            if len(w) >= 7 and not w.endswith(("ing", "ed")) and not w.startswith("patient") and not find_terms(w)}
