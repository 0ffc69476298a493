"""Evidence -> Answer: the sections of DESIGN.md, the verdict, the table and references.

Statements are source sentences quoted whole, prefixed with words derived from the
study's appraisal (design, population); generated key points state no number that is
not in the passages they cite. Every statement is checked with the faithfulness
property before it is kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import re

from ..citation import link, vancouver
from ..enrich.direction import sentence_direction
from ..text import numbers_in
from ..query import Query
from ..records import Passage
from ..retrieve import Candidate
from ..records import DESIGN_NAMES
from .evidence import Study, build_studies
from .faithfulness import unsupported_numbers
from .verdict import Verdict, body_of_evidence, grade

MAX_PER_SUBSECTION = 5
_DESIGN_RANK = {"guideline": 0, "meta_analysis": 1, "systematic_review": 1, "rct": 2,
                "non_randomised_trial": 3, "cohort": 3, "case_control": 3, "case_series": 4,
                "case_report": 4, "cross_sectional": 4, "narrative_review": 5, "preclinical": 6}


@dataclass(frozen=True)
class Statement:
    text: str
    citations: tuple[int, ...] = ()


@dataclass(frozen=True)
class Subsection:
    heading: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class AnswerSection:
    heading: str
    statements: tuple[Statement, ...] = ()
    key_points: tuple[Statement, ...] = ()
    subsections: tuple[Subsection, ...] = ()


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


@dataclass(frozen=True)
class Reference:
    n: int
    id: str
    citation: str
    design: str
    url: str
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class Answer:
    question: str
    query: Query
    verdict: Verdict
    sections: tuple[AnswerSection, ...]
    evidence_table: tuple[EvidenceRow, ...]
    references: tuple[Reference, ...]
    warnings: tuple[str, ...]


@dataclass
class _Citer:
    """Numbers references in order of first citation and records the passages used."""

    order: list[Study] = field(default_factory=list)
    used: dict[str, dict[int, Passage]] = field(default_factory=dict)

    def cite(self, study: Study, *passages: Passage | None) -> int:
        rid = study.record.id
        if rid not in self.used:
            self.order.append(study)
            self.used[rid] = {}
        for p in passages:
            if p is not None:
                self.used[rid][p.seq] = p
        return [s.record.id for s in self.order].index(rid) + 1

    def references(self) -> tuple[Reference, ...]:
        """A reference cited only as a whole (e.g. in a tally) shows its key finding."""
        out = []
        for i, s in enumerate(self.order):
            used = self.used[s.record.id] or {s.key_passage().seq: s.key_passage()}
            out.append(Reference(i + 1, s.record.id, vancouver(s.record), s.design, link(s.record),
                                 tuple(sorted(used.values(), key=lambda p: p.seq))))
        return tuple(out)


def _label(study: Study, asked: str) -> str:
    design = DESIGN_NAMES[study.design]
    pops = [c for c in study.appraisal.conditions][:2]
    if study.direct or not asked:
        return f"{design}{' in ' + ' and '.join(pops) if pops else ''}"
    return f"Indirect evidence ({' and '.join(pops) or 'another population'}), {design.lower()}"


def _quote(study: Study, p: Passage, asked: str) -> str:
    text = p.text.strip()
    labelled = f"{_label(study, asked)}: {text}"
    return labelled if not unsupported_numbers(labelled, [text]) else text


def _mentions(p: Passage, words: list[str]) -> bool:
    low = p.text.lower()
    return not words or any(w in low for w in words)


def compose(query: Query, candidates: list[Candidate]) -> Answer:
    studies = [s for s in build_studies(query, candidates) if s.relevant]
    asked = query.conditions[0] if query.conditions else ""
    verdict = grade(studies, asked)
    citer = _Citer()
    seen: set[str] = set()
    words = _intervention_words(query)

    def take(study: Study, role: str, limit: int = 1, need_words: bool = True,
             prefer_sections: tuple[str, ...] = ()) -> list[Statement]:
        out = []
        pool = [p for p in study.with_role(role) if _fits(role, p.text)]
        pool.sort(key=lambda p: (not any(k in p.section for k in prefer_sections) if prefer_sections else 0,
                                 -_strength(role, p.text), p.seq))
        for p in pool:
            if p.id in seen or (need_words and not _mentions(p, words) and not _mentions_title(study, words)):
                continue
            seen.add(p.id)
            out.append(Statement(_quote(study, p, asked), (citer.cite(study, p),)))
            if len(out) >= limit:
                break
        return out

    ranked = sorted(studies, key=lambda s: (not s.direct, not s.candidate.related, _DESIGN_RANK.get(s.design, 7),
                                            -s.candidate.score))
    clinical = [s for s in ranked if s.clinical]
    guidelines = [s for s in ranked if s.design == "guideline"]
    sections = [_guidelines(query, asked, guidelines, ranked, verdict, take, citer),
                _research(query, asked, ranked, clinical, take)]
    table = _table(query, ranked, citer)
    warnings = _warnings(query, studies, verdict)
    return Answer(query.question, query, verdict, tuple(sections), tuple(table), citer.references(),
                  tuple(warnings))


_DOSE_AMOUNT = re.compile(r"\d+(?:[.\u00b7]\d+)?\s?(?:mg|mcg|µg|μg)\b", re.I)
_STRONG_MECHANISM = re.compile(r"toll-like|tlr-?4|microglia|glia|cytokine|endorphin|opioid growth factor|"
                               r"receptor", re.I)


_ACTIVE_COMPARATOR = re.compile(r"amitriptyline|gabapentin|pregabalin|duloxetine|nortriptyline|opioids?|"
                                r"nsaids?|ketamine|standard (?:treatment|therapy|care)|other (?:agents|drugs|treatments)|"
                                r"conventional|first-line|usual care|morphine", re.I)
_STRONG_SAFETY = re.compile(r"adverse|side[- ]effects?|tolerat|vivid dreams|insomnia|headache|nausea|"
                            r"withdrawal|contraindicat|interaction", re.I)


def _fits(role: str, text: str) -> bool:
    """Role-specific minimum: an efficacy claim states a direction, a dosing claim a dose,
    a comparison names an active alternative (placebo-controlled results are efficacy)."""
    if role == "efficacy":
        return sentence_direction(text) != "unclear"
    if role == "clinical_use":
        return bool(_DOSE_AMOUNT.search(text))
    if role == "comparison":
        return bool(_ACTIVE_COMPARATOR.search(text))
    if role == "safety":
        return bool(_STRONG_SAFETY.search(text))
    return True


_SCHEDULE = re.compile(r"bedtime|at night|nightly|daily|titrat|increase|start|maximum|mg/d", re.I)


def _strength(role: str, text: str) -> int:
    if role == "clinical_use":
        off_topic = len(re.findall(r"μg|µg|methadone|weaning|ultra|very low|detox", text, re.I))
        return len(_SCHEDULE.findall(text)) + 2 * len(_DOSE_AMOUNT.findall(text)) - 4 * off_topic
    if role == "mechanism":
        return len(_STRONG_MECHANISM.findall(text))
    if role == "efficacy":
        return (len(numbers_in(text)) + 2 * bool(re.search(r"significant|placebo|compared", text, re.I))
                + 3 * bool(re.search(r"\bNRS\b|pain (?:score|intensity|relief)|remission|reduc", text, re.I))
                - 4 * bool(re.match(r"before\b", text, re.I)))
    if role == "safety":
        return len(_STRONG_SAFETY.findall(text))
    return 0


def _intervention_words(query: Query) -> list[str]:
    words = []
    for c in query.interventions:
        words.append(c.split()[-1].lower())
        if c == "low-dose naltrexone":
            words.append("ldn")
    return words


def _mentions_title(study: Study, words: list[str]) -> bool:
    title = study.record.title.lower()
    return not words or any(w in title for w in words)


def _guidelines(query, asked, guidelines, ranked, verdict, take, citer) -> AnswerSection:
    inter = " and ".join(query.interventions) or "the asked treatment"
    topic = f"{inter} for {asked}" if asked else inter
    statements: list[Statement] = []
    direct = [g for g in guidelines if g.direct]
    for g in direct[:3]:
        statements += take(g, "efficacy", 1, prefer_sections=("CONCLUSION", "RECOMMEND"))
    if not direct:
        if numbers_in(topic):
            topic = "this question"   # an uncited statement may state no number at all
        statements.append(Statement(
            f"No guideline, consensus or Delphi statement in the indexed corpus addresses {topic}; "
            "the points below are drawn from the research that follows."))
        for g in guidelines[:2]:
            statements += take(g, "efficacy", 1, prefer_sections=("CONCLUSION",))
    key_points: list[Statement] = []
    sources = (direct or ranked)[:8]
    for role in ("clinical_use", "efficacy", "safety"):
        # The strongest sentence for the role among the leading studies, not the first found.
        best = max(((_strength(role, p.text), -i, st) for i, st in enumerate(sources)
                    for p in st.with_role(role) if _fits(role, p.text)), default=None, key=lambda t: t[:2])
        if best is not None:
            key_points += take(best[2], role, 1)
    body, indirect = body_of_evidence(ranked)
    favours = sorted({citer.cite(s) for s in body if s.direction == "favours"})
    null = sorted({citer.cite(s) for s in body if s.direction in ("no_difference", "against")})
    scope = f"in {asked}" if asked and not indirect and not numbers_in(asked) else "in the populations studied"
    if favours:
        key_points.append(Statement(f"Studies reporting benefit {scope}.", tuple(favours)))
    if null:
        key_points.append(Statement(f"Studies reporting no difference or no benefit {scope}.", tuple(null)))
    caution = {"high": "", "moderate": "",
               "low": "The certainty of this evidence is low; treat these findings with caution.",
               "very_low": "The certainty of this evidence is very low; it rests on small or uncontrolled "
                           "studies and should not guide first-line treatment on its own."}[verdict.certainty]
    if caution:
        key_points.append(Statement(caution))
    return AnswerSection("From the Guidelines", tuple(statements), tuple(key_points), ())


def _research(query, asked, ranked, clinical, take) -> AnswerSection:
    subs: list[Subsection] = []
    inter = " and ".join(query.interventions) or "the treatment"
    overview: list[Statement] = []
    for s in [s for s in clinical if s.direct][:MAX_PER_SUBSECTION]:
        overview += take(s, "efficacy", 1, prefer_sections=("CONCLUSION", "RESULT"))
    if overview:
        heading = f"Evidence for {inter}" + (f" in {asked}" if asked else "")
        subs.append(Subsection(heading[0].upper() + heading[1:], tuple(overview)))
    plan = (("Mechanism of Action", "mechanism", ranked, 3),
            ("Clinical Use", "clinical_use", ranked, 4),
            ("Efficacy", "efficacy", clinical, MAX_PER_SUBSECTION + 2),
            ("Safety", "safety", ranked, 4),
            ("Comparison to Other Treatments", "comparison", clinical, 3),
            ("Limitations", "limitations", ranked, 3))
    for heading, role, pool, cap in plan:
        got: list[Statement] = []
        # Contradicting studies are shown, not hidden: null results go first in Efficacy.
        if role == "efficacy":
            pool = sorted(pool, key=lambda s: (not s.direct, not s.candidate.related,
                                               _DESIGN_RANK.get(s.design, 7) if not s.direct else 0,
                                               s.direction not in ("no_difference", "against")))
        for s in pool:
            if role == "comparison" and query.comparators:
                got += [st for st in take(s, role, 1) if any(c in st.text.lower() for c in query.comparators)]
            else:
                got += take(s, role, 1, prefer_sections=("RESULT", "CONCLUSION") if role == "efficacy" else ())
            if len(got) >= cap:
                break
        if got:
            subs.append(Subsection(heading, tuple(got)))
    return AnswerSection("From the Research", (), (), tuple(subs))


def _table(query, ranked, citer: _Citer) -> list[EvidenceRow]:
    rows: list[EvidenceRow] = []
    for s in [s for s in ranked if s.clinical][:15]:
        n, n_p = s.n_fact()
        dose, dose_p = s.dose_fact()
        effect, eff_p = s.effect_fact()
        ref = citer.cite(s, n_p, dose_p, eff_p)
        inter = ", ".join(s.appraisal.interventions[:2]) or ", ".join(query.interventions)
        conditions = []
        for c in s.appraisal.conditions[:3]:
            # A name with a number ("diabetes mellitus, type 2") is a stated number too: keep it
            # only with a cited passage that writes it.
            need = numbers_in(c)
            source = next((p for p in s.passages if need <= numbers_in(p.text)), None) if need else None
            if need and source is None:
                continue
            if source is not None:
                citer.cite(s, source)
            conditions.append(c)
        if s.direct:
            # Matched on the asked condition somewhere in its text: say so in the row.
            conditions = [c for c in query.conditions[:1] if c not in conditions] + conditions
        rows.append(EvidenceRow(
            ref=ref, design=s.design, n=n,
            population=", ".join(conditions) + ("" if s.direct else " (indirect)"),
            intervention=f"{inter} {dose}".strip(), comparator=s.comparator(), outcome=s.outcome(),
            effect=effect, direction=s.direction))
    rows.sort(key=lambda r: r.ref)
    return rows


def _warnings(query: Query, studies: list[Study], verdict: Verdict) -> list[str]:
    out = []
    if not query.interventions:
        out.append("No intervention was recognised in the question; results follow the words used.")
    if not studies:
        out.append("No indexed record matches this question; ingest more literature (evidex ingest).")
    for s in studies:
        if s.appraisal.retracted:
            out.append(f"{s.record.id} is a retracted publication and is not used as evidence.")
    body, indirect = body_of_evidence(studies)
    if body and indirect and query.conditions:
        out.append(f"No study in the corpus addresses {query.conditions[0]} directly; "
                   "all evidence shown is indirect.")
    return out


def ask(store, question: str, limit: int = 40, mode: str = "hybrid") -> Answer:
    """Parse, retrieve and compose: the one function the CLI and the web call.

    ``mode`` is "hybrid" (BM25 fused with semantic similarity, with evidence priors) or
    "lexical" (BM25 only)."""
    from ..query import parse_question
    from ..retrieve import retrieve
    query = parse_question(question)
    return compose(query, retrieve(store, query, limit, mode=mode))


