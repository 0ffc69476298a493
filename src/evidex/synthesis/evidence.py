"""Candidates -> Studies: relevance to the question, stance of the findings, duplicates.

A record is evidence about X only when X is what it studied (its title, aims, methods or
the interventions the PICO tagger found), not when X is a background mention: such records
are *background* and never drive the verdict or the table. A study of X in another
population, or without the asked comparator, is *indirect* and says which facet differs
(GRADE handbook 5.2.4, indirectness: population, intervention, comparator, outcome).

A study's direction is the stance of its findings (results and conclusions sentences)
towards the asked question, read by the trained stance model (``enrich.stance``).
Head-to-head, dose-versus-dose and other treatments' findings do not answer a placebo question.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..enrich import stance as stance_model
from ..enrich.direction import sentence_direction, study_direction
from ..enrich.effect import tested
from ..enrich.numbers import doses
from ..enrich.roles import sentence_roles
from ..query import Query
from ..records import Passage
from ..retrieve import Candidate, anchored, names_another_treatment, query_forms
from ..text import abbreviation_definitions, contains_any, padded_tokens, tokens
from ..vocab import expansions
from .arms import oriented
from .asked_harm import did_harm, fewer_harms, gives_co_treatment, names_harm
from .reports import main_reports
from .topical import topical
from .memo import passage_roles
from .roles import is_context

# Designs that report outcomes in patients (GRADE's body of evidence).
CLINICAL = {"guideline", "systematic_review", "meta_analysis", "rct", "non_randomised_trial", "cohort",
            "case_control", "cross_sectional", "case_series", "case_report"}
# Control arms as CONSORT item 5 describes them: what a finding is compared against.
_CONTROL = re.compile(r"\b(?:placebo|sham|control(?:s|led)?|usual care|standard care|no treatment|untreated|"
                      r"vehicle|baseline|waiting list|wait-list|pre-?treatment|before treatment)\b", re.I)
_FINDING_ROLES = {"results", "conclusions"}
CUE_INTENTS = ("efficacy", "comparison", "dosing")
_PRIMARY = re.compile(r"\bprimary (?:efficacy |composite )?(?:outcome|end ?point|endpoint|efficacy variable|"
                      r"variable|measure)s?\b", re.I)
_BOTH_ARMS = re.compile(r"\b(?:both|the two|either) (?:active )?(?:drugs|treatments|agents|regimens|medications|"
                        r"compounds|therapies|formulations|preparations)\b", re.I)
_COMBINATION = re.compile(r"\s+(?:plus|with|and)\s+|\s*[+/]\s*", re.I)
STANCE_BAND = 0.4          # a study's P(yes) must leave [0.4, 0.6] to decide its direction


@dataclass(frozen=True)
class Finding:
    """One findings sentence of a study, with its stance towards the question."""

    passage: Passage
    yes: float
    no: float
    neither: float


@dataclass(frozen=True)
class Study:
    candidate: Candidate
    direction: str                         # favours | no_difference | against | unclear
    roles: dict[int, frozenset[str]]       # passage seq -> answer-section roles
    relevance: str = "direct"              # direct | indirect | background
    differs: tuple[str, ...] = ()          # facets of an indirect study: population, comparator, ...
    findings: tuple[Finding, ...] = ()     # the decisive sentences, with their stance
    duplicate_of: str = ""                 # record id of the report this one repeats
    sentence_roles: dict[int, str] = field(default_factory=dict, compare=False)   # seq -> abstract role
    size: int | None = None                # participants, when another report of the trial states them

    @property
    def n(self) -> int | None:
        return self.appraisal.n if self.size is None else self.size

    @property
    def direct(self) -> bool:
        """Matched the asked condition (or none was asked)."""
        return self.candidate.direct

    @property
    def relevant(self) -> bool:
        return self.relevance != "background" and not self.duplicate_of

    @property
    def record(self):
        return self.candidate.stored.record

    @property
    def appraisal(self):
        return self.candidate.stored.appraisal

    @property
    def passages(self) -> tuple[Passage, ...]:
        return self.candidate.passages

    @property
    def design(self) -> str:
        return self.appraisal.design

    @property
    def clinical(self) -> bool:
        return self.design in CLINICAL and not self.appraisal.retracted

    def with_role(self, role: str) -> list[Passage]:
        return [p for p in self.passages if role in self.roles.get(p.seq, ()) and p.section != "TITLE"]

    def key_passage(self) -> Passage:
        """The sentence that best states the study's finding (for citing the study whole)."""
        if self.findings:
            return max(self.findings, key=lambda f: (abs(f.yes - f.no), f.passage.seq)).passage
        findings = [p for p in self.passages if not is_context(p.section) and sentence_direction(p.text) != "unclear"]
        if findings:
            return findings[-1]
        body = [p for p in self.passages if p.section != "TITLE"]
        return body[-1] if body else self.passages[0]


def abstract_roles(c: Candidate) -> dict[int, str]:
    """passage seq -> sentence role (background, objective, methods, results, conclusions).

    Ingest stores roles only where the abstract's labels give them; an unlabelled abstract's
    sentences are classified here by the roles model (``enrich.roles``)."""
    roles = c.stored.appraisal.sentence_roles or (sentence_roles(c.stored.record) if c.stored.record.sections else ())
    body = [p for p in c.passages if p.section != "TITLE"]
    return {p.seq: roles[i] for i, p in enumerate(body) if i < len(roles)}


def _named_as_studied(c: Candidate, sroles: dict[int, str]):
    """A test of whether the record names any of some forms as what it studied: in its title,
    aims, methods or tagged arms; without aims or methods sentences (a short abstract), in its
    findings; in an untitled excerpt (no aims to tell a study from a mention), anywhere."""
    record = c.stored.record
    studied_text = record.title + " " + " ".join(
        p.text for p in c.passages if sroles.get(p.seq) in ("objective", "methods")
        or p.section.upper().startswith(("OBJECTIVE", "AIM", "PURPOSE", "METHOD", "DESIGN", "INTERVENTION")))
    tagged = " ".join(c.stored.appraisal.interventions) + " " + " ".join(c.stored.appraisal.pico.get("interventions", []))
    texts = [padded_tokens(studied_text), padded_tokens(tagged)]
    if not any(v in ("objective", "methods") for v in sroles.values()):
        texts.append(padded_tokens(" ".join(p.text for p in c.passages if sroles.get(p.seq) in _FINDING_ROLES)))
    if not record.title.strip():
        texts.append(padded_tokens(record.text()))
    return lambda forms: any(contains_any(t, forms) for t in texts)


def _forms(query: Query, names) -> list[str]:
    """Every form of the asked names (``query_forms``), a name the library never writes as itself."""
    return [f for n in names for f in query_forms(query, n) or [n]]


def _intervention_forms(query: Query) -> list[str]:
    return [f for i in query.interventions for f in query_forms(query, i) if len(f) >= 3]


def _studies_comparator(query: Query, studied) -> bool:
    """Whether a record (``studied``: its test from ``_named_as_studied``) has an asked
    comparator as an arm; a combination ("ergotamine plus caffeine") also when it names each
    drug of it in its own words ("ergotamine/caffeine", "caffeine and ergotamine")."""
    for x in query.comparators:
        if studied([f for f in _forms(query, [x]) + expansions(x) if len(f) >= 3]):
            return True
        parts = [p.strip() for p in _COMBINATION.split(x) if len(p.strip()) >= 3]
        if len(parts) > 1 and all(studied([p]) for p in parts):
            return True
    return False


def _named_open(query: Query, candidates: list[Candidate], studied: list) -> bool:
    """A treatment question about a name outside the vocabulary (a new drug: "rizatriptan") is
    held to the same rule as a vocabulary one, records must have studied it, as soon as one
    retrieved record names it as studied; an open phrase no record names as such ("METTL1
    overexpression") is left to the question's words (``topical``)."""
    # Only a one-word name ("rizatriptan", "istiratumab") is trusted as a drug's name; a phrase the
    # grammar cut from the question ("radiotherapy for") is not.
    if anchored(query) or query.intent not in ("efficacy", "comparison", "safety", "dosing") or \
            not query.interventions or any(len(tokens(i)) != 1 or len(i) < 5 for i in query.interventions):
        return False
    forms = _intervention_forms(query)
    # A name no retrieved record writes at all ("apixaban" over a library without it) is held to
    # the rule too: records that never name the drug say nothing of it.
    return any(test(forms) for test in studied) or not any(
        contains_any(padded_tokens(c.stored.record.text()), forms) for c in candidates)


def _relevance(query: Query, c: Candidate, sroles: dict[int, str], studied, named: bool) -> tuple[str, tuple[str, ...]]:
    """direct | indirect | background, and the facets an indirect study differs in. ``studied``:
    the record's test from ``_named_as_studied``; ``named``: the asked intervention is a name
    records must have studied (a vocabulary name, or see ``_named_open``)."""
    differs: list[str] = [] if c.direct else ["population"]
    if query.comparators:
        if not _studies_comparator(query, studied):
            # An arm, not a mention: a placebo trial that names the comparator in its background
            # does not answer "A vs B" (GRADE 5.2.4, indirect comparisons).
            differs.append("comparator")
    if not named:
        if (query.harm or query.adverse) and query.outcomes and not _measures(query, c, sroles):
            differs.append("outcome")      # a comparison of harms is answered only where the harm is reported
        return ("indirect" if differs else "direct"), tuple(differs)
    if not studied(_intervention_forms(query)) and not _reviews_use_in(query, c):
        return "background", ()
    if query.outcomes and not _measures(query, c, sroles):
        differs.append("outcome")     # a surrogate or another outcome (GRADE 5.2.4)
    # Use in a population or with a co-treatment: a study of it has every asked facet (the
    # condition and the pregnancy, the drug and the co-medication), not just one of them.
    # A harm asked ("cause limb defects or other birth defects") is one of its alternatives.
    asked = [f for f in query.facets if f not in query.interventions and not (query.adverse and f in query.outcomes)
             and f not in query.co_treatments]
    text = padded_tokens(c.stored.record.text())
    if query.intent == "contraindications" and (asked or query.adverse) and not (
            all(contains_any(text, [f, *expansions(f)]) for f in asked)
            # co-treatments named as alternatives ("opioids such as propoxyphene or tramadol"): any one
            and (not query.co_treatments or gives_co_treatment(query, c.stored.record.text()))
            and (not query.adverse or names_harm(query, c.stored.record.text()))):
        differs.append("population" if "population" not in differs else "intervention")
    return ("indirect" if differs else "direct"), tuple(differs)


def _reviews_use_in(query: Query, c: Candidate) -> bool:
    """A record titled by an asked population or co-treatment ("Treating allergic rhinitis in
    pregnancy") that names the asked drug in its text studied the drug's use there, though its
    title names no drug: the evidence a question of use in pregnancy or with X looks for."""
    if query.intent != "contraindications":
        return False
    title = padded_tokens(c.stored.record.title)
    asked = [f for f in query.facets if f not in query.interventions]
    return any(contains_any(title, [f, *expansions(f)]) for f in asked) and \
        contains_any(padded_tokens(c.stored.record.text()), _intervention_forms(query))


def _measures(query: Query, c: Candidate, sroles: dict[int, str]) -> bool:
    """Whether the study reports the asked outcome: in its title or a findings sentence, the
    outcome's phrase, or all its content words within one sentence."""
    sentences = [p.text for p in c.passages if p.section == "TITLE" or sroles.get(p.seq) in _FINDING_ROLES
                 or p.section.upper().startswith(("RESULT", "CONCLUSION", "FINDING"))]
    if (query.harm or query.adverse) and any(names_harm(query, text) for text in sentences):
        return True
    # An outcome the record abbreviates ("conditioned pain modulation (CPM)") is reported as "CPM".
    defined = {long.lower(): abbr for p in c.passages for abbr, long in abbreviation_definitions(p.text)}
    short = [defined[o] for o in query.outcomes if o in defined]
    if short and any(re.search(rf"\b{re.escape(a)}\b", text) for a in short for text in sentences):
        return True
    for outcome in query.outcomes:
        words = [w for w in tokens(outcome) if len(w) > 3]
        for text in sentences:
            padded = padded_tokens(text)
            if contains_any(padded, [outcome]) or (words and all(contains_any(padded, [w]) for w in words)):
                return True
    return False


def _answers_the_question(query: Query, text: str) -> bool:
    """False for a head-to-head or dose-versus-dose finding in a placebo question, and for another
    treatment's finding that never names the asked one ("ARBs were not superior to controls")."""
    others, padded = names_another_treatment(query, text), padded_tokens(text)
    if others and not query.comparators and not contains_any(
            padded, [f for i in query.interventions for f in query_forms(query, i)]):
        return False
    if query.comparators or _CONTROL.search(text):
        return True
    if len({(d.unit, d.amount) for d in doses(text)}) >= 2:
        return False          # "the 15-mg and 30-mg doses did not differ": no placebo comparison
    # Two members of the asked class against each other ("carvedilol versus metoprolol"): a
    # head-to-head within the class says nothing of the class against its control.
    members = {f for i in query.interventions for f in dict(query.members).get(i, ()) if contains_any(padded, [f])}
    return not others and len(members) < 2


def _findings(query: Query, c: Candidate, sroles: dict[int, str]) -> list[Passage]:
    if query.intent == "contraindications" and query.facets:
        # Use in a population or with a co-treatment: only sentences that speak of it decide.
        forms = [f for facet in query.facets for f in [facet, *expansions(facet)]]
        return [p for p in c.passages if p.section != "TITLE" and contains_any(padded_tokens(p.text), forms)
                # a harm asked is read from what the study found, not from its aims
                and (not query.adverse or sroles.get(p.seq) in _FINDING_ROLES
                     or p.section.upper().startswith(("RESULT", "CONCLUSION", "FINDING", "INTERPRETATION")))]
    if query.adverse:
        # Whether the drug did the harm is read from what the study found, not from the
        # background that made it ask ("given to pregnant rats, X has shown ...").
        return [p for p in c.passages if p.section != "TITLE" and not is_context(p.section)
                and (sroles.get(p.seq) in _FINDING_ROLES
                     or p.section.upper().startswith(("RESULT", "CONCLUSION", "FINDING", "INTERPRETATION")))]
    if query.intent not in CUE_INTENTS or not anchored(query):
        # Questions other than treatment effects are answered by any sentence the stance
        # model finds relevant (a fact stated as background answers "Is X transported by Y?").
        return [p for p in c.passages if p.section != "TITLE" and sroles.get(p.seq) not in ("objective", "methods")]
    out = []
    for p in c.passages:
        if p.section == "TITLE" or is_context(p.section):
            continue
        role = sroles.get(p.seq, "")
        label = p.section.upper()
        if role in _FINDING_ROLES or label.startswith(("RESULT", "CONCLUSION", "FINDING", "INTERPRETATION")):
            if _answers_the_question(query, p.text):
                out.append(p)
    return out


def reports_finding(text: str) -> bool:
    """Whether a sentence reports a result (a reporting cue, a test), rather than describing a
    study: one that names the primary outcome with a positive word but no test defines it ("the
    primary outcome was the reduction in pain intensity") and reports nothing."""
    d = sentence_direction(text)
    return d != "unclear" and (d != "favours" or not _PRIMARY.search(text) or tested(text)
                               or "signific" in text.lower())


def _direction(query: Query, findings: tuple[Finding, ...]) -> str:
    """favours | no_difference | against | unclear for one study.

    The reporting cues of results sentences (``enrich.direction``: explicit null findings
    before positive ones) decide when they speak; otherwise the stance model's P(yes) for the
    question over the same sentences does, outside an uncertainty band. Measured on the 81
    hand-labelled trial rows with a direction (docs/labels/table_rows.jsonl): cues alone 0.68,
    the stance model alone 0.65, this combination 0.72 (the majority class is 0.65)."""
    if not findings:
        return "unclear"
    texts = [f.passage.text for f in findings]
    if query.adverse:
        found = did_harm(query, texts)
        # "Is X safe?": a study that found no harm speaks for X.
        return "favours" if query.safe and found == "no_difference" else found
    if query.harm and query.comparators and query.outcomes:
        harm = fewer_harms(query, texts, _forms(query, query.interventions), _forms(query, query.comparators))
        if harm != "unclear":
            return harm
    pools = [texts]
    # "both drugs", "the two treatments": in a study of two active arms, a phrase naming them both.
    active = [c for c in query.comparators if not _CONTROL.search(c)]
    both = [t for t in texts if _BOTH_ARMS.search(t)] if active else []
    # The primary outcome's result is the trial's answer (CONSORT items 6a and 17a); a secondary
    # result (blood pressure, a subgroup) must not overrule it. Only a sentence that reports its
    # result: one that defines it ("the primary outcome measure was the rate of change in GFR")
    # is methods, whatever the roles model said.
    primary = [t for t in texts if _PRIMARY.search(t) and reports_finding(t)]
    if query.comparators:
        # A head-to-head question is answered first by the sentences that name the comparator.
        pools.insert(0, [t for t in texts if contains_any(padded_tokens(t), _forms(query, query.comparators))
                         or t in both])
        if query.claim == "equivalence":
            # "Is A as effective as B?" is answered only by findings that name both A and B (a
            # review of B alone, or A against placebo, says nothing of their equivalence).
            texts = [t for t in pools[0] if contains_any(padded_tokens(t), _forms(query, query.interventions))
                     or t in both]
            if not texts:
                return "unclear"
            pools = [texts]
    if primary and query.claim != "equivalence":
        pools.insert(0, primary)
    if query.outcomes and query.claim != "equivalence":
        # The outcome the question asks about is answered by the sentences that report it, before
        # the trial's own primary outcome ("milder withdrawal symptoms (P = 0.001)" answers a
        # question about withdrawal; "retention rates were not significantly higher" does not).
        pools.insert(0, [t for t in texts if contains_any(padded_tokens(t), _forms(query, query.outcomes))])
    # Reporting cues describe treatment effects; other questions are read by the stance model.
    for pool in pools if query.intent in CUE_INTENTS else ():
        cue = study_direction([t for t in pool if sentence_direction(t) != "unclear"])
        if cue == "favours" and both and all(t in both for t in pool if sentence_direction(t) == "favours"):
            # "Both drugs significantly reduced symptoms": each arm helped, neither beat the other.
            cue = "no_difference"
        elif cue == "favours" and active:
            # A difference found: which arm it favours (arms.py); against a control it is the asked one.
            cue = oriented([t for t in pool if sentence_direction(t) == "favours"],
                           _forms(query, query.interventions), _forms(query, active))
        if cue != "unclear":
            return cue
    p = stance_model.findings_probability(query.question, texts)
    if query.claim == "equivalence":
        # "Is A as effective as B?": the model reads a reported difference as its yes and a
        # finding of no difference as its no (its training questions ask about effects); a
        # difference does not say which of the two is better, so only the cues above can.
        return "no_difference" if p <= STANCE_BAND else "unclear"
    return "favours" if p >= 1 - STANCE_BAND else "no_difference" if p <= STANCE_BAND else "unclear"


def build_studies(query: Query, candidates: list[Candidate]) -> list[Study]:
    out = []
    prepared = []
    all_roles = [abstract_roles(c) for c in candidates]
    studied = [_named_as_studied(c, r) for c, r in zip(candidates, all_roles)]
    named = anchored(query) or _named_open(query, candidates, studied)
    for c, sroles, test in zip(candidates, all_roles, studied):
        # A background study (never quoted nor weighed; it stays so) needs no stances nor answer roles.
        relevance, differs = _relevance(query, c, sroles, test, named)
        prepared.append((c, sroles, relevance, differs, _findings(query, c, sroles) if relevance != "background" else []))
    # One stance call for every study's findings: a batched reader (the encoder) pads and runs them together.
    texts = [p.text for *_, passages in prepared for p in passages]
    every = iter(stance_model.passage_stances(query.question, texts) if texts else [])
    for c, sroles, relevance, differs, passages in prepared:
        roles = {p.seq: passage_roles(p.text, p.section) for p in c.passages} if relevance != "background" else {}
        stances = [next(every) for _ in passages]
        findings = tuple(Finding(p, s.yes, s.no, s.neither) for p, s in zip(passages, stances))
        out.append(Study(c, _direction(query, findings), roles, relevance, differs, findings,
                         sentence_roles=sroles))
    if not anchored(query):
        out = topical(query, out)
    dup = main_reports([s.candidate.stored for s in out if s.relevance != "background"])
    by_id = {s.record.id: s for s in out}
    for other, main in list(dup.items()):
        # The report that measured the asked outcome answers for its trial (a secondary analysis
        # of conditioned pain modulation, when the main report gave only pain scores).
        if "outcome" in by_id[main].differs and "outcome" not in by_id[other].differs:
            dup = {k: (other if v == main else v) for k, v in dup.items() if k != other}
            dup[main] = other
    merged = []
    for s in out:
        if s.record.id in dup:
            merged.append(replace(s, duplicate_of=dup[s.record.id]))
            continue
        # A trial counted once carries what all its reports found (a title-only main report
        # takes its direction from the secondary report that states results).
        others = [by_id[k] for k, v in dup.items() if v == s.record.id]
        if others and s.direction == "unclear":
            known = next((o for o in others if o.direction != "unclear"), None)
            if known is not None:
                s = replace(s, direction=known.direction, findings=s.findings + known.findings)
            if s.appraisal.n is None:
                s = replace(s, size=next((o.n for o in others if o.n), None))
        merged.append(s)
    return merged
