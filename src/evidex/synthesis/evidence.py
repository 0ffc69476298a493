"""Candidates -> Studies: relevance to the question, stance of the findings, duplicates.

A record is evidence about X only when X is what it studied (``relevance``): a background
mention never drives the verdict or the table, and a study of X in another population, or
without the asked comparator, is *indirect* and says which facet differs (GRADE handbook
5.2.4, indirectness: population, intervention, comparator, outcome).

A study's direction is the stance of its findings (results and conclusions sentences)
towards the asked question, read by the trained stance model (``enrich.stance``).
Head-to-head, dose-versus-dose and other treatments' findings do not answer a placebo question.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..enrich import direction_model
from ..enrich import stance as stance_model
from ..enrich.direction import sentence_direction, study_direction
from ..enrich.effect import aside
from ..enrich.numbers import doses
from ..enrich.roles import sentence_roles
from ..enrich.significance import reported_tests
from ..matching import known_conditions, outcome_forms, query_forms
from ..query import Query
from ..records import Passage
from ..retrieve import Candidate, anchored, names_another_treatment
from ..text import clauses_naming, contains_any, padded_tokens
from ..vocab import expansions
from .arms import favoured_arm, oriented, third_arm_won
from .asked_harm import did_harm, fewer_harms
from .relevance import FINDING_ROLES, abstract_roles, forms_of, named_as_studied, named_open, study_relevance
from .reports import main_reports
from .results import PRIMARY, reports_finding
from .topical import topical
from .memo import passage_roles
from .roles import is_context

# Designs that report outcomes in patients (GRADE's body of evidence).
CLINICAL = {"guideline", "systematic_review", "meta_analysis", "rct", "non_randomised_trial", "cohort",
            "case_control", "cross_sectional", "case_series", "case_report"}
# Control arms as CONSORT item 5 describes them: what a finding is compared against.
CONTROL = re.compile(r"\b(?:placebo|sham|control(?:s|led)?|usual care|standard care|no treatment|untreated|"
                      r"vehicle|baseline|waiting list|wait-list|pre-?treatment|before treatment)\b", re.I)
CUE_INTENTS = ("efficacy", "comparison", "dosing")
_BOTH_ARMS = re.compile(r"\b(?:both|the two|either|each|all(?: the| three| four)?) (?:active )?(?:drug|treatment|"
                        r"agent|regimen|medication|compound|therap(?:y|ie)|formulation|preparation|"
                        r"(?:treatment )?(?:group|arm))s?\b", re.I)
# A change within each arm, measured against its own baseline ("HbA1c fell significantly from
# baseline in both groups", "P < 0.05 vs baseline"), with no comparison between the arms (no
# comparative, no second arm set against the first: "fell from baseline with A but not with B",
# "the reduction from baseline was greater with A"): in a trial of two active drugs it says each
# helped, not that one beat the other.
_AGAINST_BASELINE = re.compile(r"\b(?:from|vs\.?|versus|compared (?:with|to)|relative to|over) (?:the |their )?baseline\b", re.I)
_BETWEEN_ARMS = re.compile(r"\b(?:than|but not|whereas|while|only|superior|inferior|greater|larger|smaller|more|less|"
                           r"fewer|higher|lower|better|worse|differ\w*|favou?r\w*|between)\b|"
                           r"\b(?:vs\.?|versus|compared (?:with|to)|relative to)\s+(?!(?:the |their )?baseline\b)", re.I)
# The two arms' difference named by the groups, not the drugs ("the between-group difference in change in VAS
# score was 1.64 (CI -0.92 to 4.20)"): in a trial that names the comparator's arm, no control arm and no result of
# the two drugs by name, the head-to-head result.
_BETWEEN_GROUPS = re.compile(r"\bbetween[- ](?:the\s+)?(?:two\s+|2\s+)?(?:treatment\s+|study\s+)?(?:groups?|arms?|"
                             r"treatments)\b|\bintergroup\b", re.I)
_CONTROL_ARM = re.compile(r"\b(?:placebo|sham|untreated|usual care|standard care|no treatment|vehicle|control (?:group|arm))\b",
                          re.I)
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


def _answers_the_question(query: Query, text: str) -> bool:
    """False for a head-to-head or dose-versus-dose finding in a placebo question, and for another
    treatment's finding that never names the asked one ("ARBs were not superior to controls")."""
    others, padded = names_another_treatment(query, text), padded_tokens(text)
    if others and not query.comparators and not contains_any(
            padded, [f for i in query.interventions for f in query_forms(query, i)]):
        return False
    if query.comparators or CONTROL.search(text):
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
                and (not query.adverse or sroles.get(p.seq) in FINDING_ROLES
                     or p.section.upper().startswith(("RESULT", "CONCLUSION", "FINDING", "INTERPRETATION")))]
    if query.adverse:
        # Whether the drug did the harm is read from what the study found, not from the
        # background that made it ask ("given to pregnant rats, X has shown ...").
        return [p for p in c.passages if p.section != "TITLE" and not is_context(p.section)
                and (sroles.get(p.seq) in FINDING_ROLES
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
        if role in FINDING_ROLES or label.startswith(("RESULT", "CONCLUSION", "FINDING", "INTERPRETATION")):
            if _answers_the_question(query, p.text):
                out.append(p)
    if not out and not any(sroles.get(p.seq) in FINDING_ROLES for p in c.passages):
        # The roles model found no result at all (a two-sentence abstract: "... but terfenadine was more effective
        # than loratadine in reducing skin reactivity" filed as methods): the sentences a reporting cue reads are them.
        out = [p for p in c.passages if p.section != "TITLE" and not is_context(p.section)
               and sentence_direction(p.text) != "unclear" and _answers_the_question(query, p.text)]
    return out


def active_comparators(query: Query) -> list[str]:
    """The asked comparators that are treatments, not a control (placebo, usual care)."""
    return [c for c in query.comparators if not CONTROL.search(c)]


def beside_against_control(text: str, query: Query) -> bool:
    """Whether a sentence names the asked drug and its active comparator side by side against a
    control ("Both rofecoxib doses and ibuprofen were better than placebo"): each helped, neither
    beat the other."""
    asked, compared = forms_of(query, query.interventions), forms_of(query, active_comparators(query))
    words = padded_tokens(text)
    return bool(CONTROL.search(text)) and contains_any(words, asked) and contains_any(words, compared) \
        and favoured_arm(text, asked, compared) == ""


def effect_sentences(query: Query, pool: list[str]) -> list[str]:
    """The sentences of ``pool`` that tell the treatment's effect: a harm or subgroup told without
    a reporting cue (``aside``: "adverse events occurring more frequently with A were somnolence
    ...") answers only a question on harms, and must not tip the reader's verdict on an effect."""
    if query.harm or query.adverse:
        return pool
    return [t for t in pool if not (aside(t) and sentence_direction(t) == "unclear")] or pool


def _direction(query: Query, findings: tuple[Finding, ...]) -> str:
    """favours | no_difference | against | unclear for one study.

    The reporting cues of results sentences (``enrich.direction``: explicit null findings
    before positive ones) decide when they speak; otherwise the stance model's P(yes) for the
    question over the same sentences does, outside an uncertainty band; inside it the trained study reader
    does (``direction_model``) if a finding reports a result and no active comparator asks which arm won.
    On 81 labelled trial rows (docs/labels/table_rows.jsonl): cues 0.68, stance 0.65, both 0.72 (majority 0.65)."""
    if not findings:
        return "unclear"
    texts = [f.passage.text for f in findings]
    if query.adverse:
        found = did_harm(query, texts)
        # "Is X safe?": a study that found no harm speaks for X.
        return "favours" if query.safe and found == "no_difference" else found
    if query.harm and query.comparators and query.outcomes:
        harm = fewer_harms(query, texts, forms_of(query, query.interventions), forms_of(query, query.comparators))
        if harm != "unclear":
            return harm
    pools, head_to_head = [texts], []
    # "both drugs", "the two treatments": in a study of two active arms, a phrase naming them both.
    active = active_comparators(query)
    # ("the difference between the two groups favoured A" is one arm against the other, not each arm alone)
    both = [t for t in texts if _BOTH_ARMS.search(t) and not (_BETWEEN_GROUPS.search(t)
                                                              and sentence_direction(t) == "favours")
            or (query.claim == "equivalence" and beside_against_control(t, query))
            or (_AGAINST_BASELINE.search(t) and not _BETWEEN_ARMS.search(t))] if active else []
    # The primary outcome's result is the trial's answer (CONSORT items 6a and 17a); a secondary
    # result (blood pressure, a subgroup) must not overrule it. Only a sentence that reports its
    # result: one that defines it ("the primary outcome measure was the rate of change in GFR")
    # is methods, whatever the roles model said.
    primary = [t for t in texts if PRIMARY.search(t) and reports_finding(t)]
    if query.comparators:
        # A head-to-head question is answered first by the sentences that name the comparator.
        asked, compared = forms_of(query, query.interventions), forms_of(query, query.comparators)
        named = [t for t in texts if contains_any(padded_tokens(t), compared)]
        # (only where no sentence names both drugs with a result: in a trial of more arms the groups are more)
        groups = named and not any(contains_any(padded_tokens(t), asked) and sentence_direction(t) != "unclear"
                                   and not aside(t) for t in named) and not any(_CONTROL_ARM.search(t) for t in texts)
        pools.insert(0, [t for t in texts if (t in named or t in both or groups and _BETWEEN_GROUPS.search(t))
                         and not third_arm_won(t, asked, compared)])
        # In a trial with a control arm as well ("19% on placebo, 66% on divalproex and 63% on
        # propranolol"), a sentence naming the control reports each drug against it; the sentences
        # naming the two asked drugs and no control report the head-to-head result.
        head_to_head = [t for t in pools[0] if contains_any(padded_tokens(t), asked) and not CONTROL.search(t)
                        ] if active else []
        if query.claim == "equivalence":
            # "Is A as effective as B?" is answered only by findings that name both A and B (a
            # review of B alone, or A against placebo, says nothing of their equivalence).
            texts = [t for t in pools[0] if contains_any(padded_tokens(t), forms_of(query, query.interventions))
                     or t in both or groups and _BETWEEN_GROUPS.search(t)]
            if not texts:
                return "unclear"
            pools = [texts]
    for pool in (head_to_head, primary) if query.claim != "equivalence" else ():
        pools[:0] = [pool] if pool else []
    if query.outcomes and query.claim != "equivalence":
        # The asked outcome is answered by the sentences that report it, before the trial's own primary outcome
        # ("milder withdrawal symptoms (P = 0.001)" answers a question on withdrawal; "retention rates ..." does not).
        said = [*forms_of(query, query.outcomes), *outcome_forms(query.outcomes)]      # "survival": mortality too
        named = [(c, t) for t in texts for c in clauses_naming(t, said)]       # (the clause that names it)
        pools.insert(0, [c for c, _ in named])
        # its only tests found no difference ("85% vs 80%, P = .444"; not a sentence of several, some significant)
        if query.intent in CUE_INTENTS and {sentence_direction(c) for c, _ in named} == {"unclear"} and \
                set().union(*(reported_tests(t) for _, t in named)) == {"not_significant"}:
            return "no_difference"
    # Reporting cues describe treatment effects; other questions are read by the stance model.
    for pool in pools if query.intent in CUE_INTENTS else ():
        cue = study_direction([t for t in pool if sentence_direction(t) != "unclear"])
        if cue != "unclear":
            # The cues found a result; the trained reader weighs it with the tests and wording.
            cue = direction_model.read(query.asked, effect_sentences(query, pool))
        if cue == "favours" and both and all(t in both for t in pool if sentence_direction(t) == "favours"):
            # "Both drugs significantly reduced symptoms": each arm helped, neither beat the other.
            cue = "no_difference"
        elif cue == "favours" and active:
            # A difference found: which arm it favours (arms.py); against a control it is the asked one.
            cue = oriented([t for t in pool if sentence_direction(t) == "favours"],
                           forms_of(query, query.interventions), forms_of(query, active))
        if cue != "unclear":
            return cue
    p = stance_model.findings_probability(query.asked, texts)
    if query.claim == "equivalence":
        # "Is A as effective as B?": the model reads a reported difference as its yes and a
        # finding of no difference as its no (its training questions ask about effects); a
        # difference does not say which of the two is better, so only the cues above can.
        return "no_difference" if p <= STANCE_BAND else "unclear"
    if p >= 1 - STANCE_BAND or p <= STANCE_BAND or active or not any(map(reports_finding, texts)):
        return "favours" if p >= 1 - STANCE_BAND else "no_difference" if p <= STANCE_BAND else "unclear"
    return direction_model.read(query.asked, effect_sentences(query, texts))


def build_studies(query: Query, candidates: list[Candidate]) -> list[Study]:
    out = []
    prepared = []
    all_roles = [abstract_roles(c) for c in candidates]
    studied = [named_as_studied(c, r) for c, r in zip(candidates, all_roles)]
    named = anchored(query) or named_open(query, candidates, studied)
    for c, sroles, test in zip(candidates, all_roles, studied):
        # A background study (never quoted nor weighed; it stays so) needs no stances nor answer roles.
        relevance, differs = study_relevance(query, c, sroles, test, named)
        prepared.append((c, sroles, relevance, differs, _findings(query, c, sroles) if relevance != "background" else []))
    # An outcome no study reports (often words the grammar took for one: "how common is that")
    # tells no study from another; that no record addresses it is said in the key points. So does
    # a population the question names only in open words no study shares ("in the real world",
    # "a patient stable on it"); one the vocabulary knows ("pregnancy") stays a facet to meet.
    for facet in ("outcome", *(() if known_conditions(query) else ("population",))):
        if not any(r != "background" and facet not in d for _, _, r, d, _ in prepared):
            prepared = [(c, sr, r, d, f) if r == "background" else
                        (c, sr, "indirect" if [x for x in d if x != facet] else "direct",
                         tuple(x for x in d if x != facet), f) for c, sr, r, d, f in prepared]
    # One stance call for every study's findings: a batched reader (the encoder) pads and runs them together.
    texts = [p.text for *_, passages in prepared for p in passages]
    every = iter(stance_model.passage_stances(query.asked, texts) if texts else [])
    for c, sroles, relevance, differs, passages in prepared:
        roles = {p.seq: passage_roles(p.text, p.section) for p in c.passages} if relevance != "background" else {}
        stances = [next(every) for _ in passages]
        findings = tuple(Finding(p, s.yes, s.no, s.neither) for p, s in zip(passages, stances))
        # A protocol has no result yet: whatever its sentences lean to, it found nothing (SPIRIT 2013).
        direction = "unclear" if c.stored.appraisal.design == "protocol" else _direction(query, findings)
        out.append(Study(c, direction, roles, relevance, differs, findings, sentence_roles=sroles))
    if not anchored(query):
        out = topical(query, out)
    dup = main_reports([s.candidate.stored for s in out if s.relevance != "background"])
    by_id = {s.record.id: s for s in out}
    reports: dict[str, list[str]] = {}
    for other, main in dup.items():
        reports.setdefault(main, []).append(other)
    for main, others in reports.items():
        # The report that measured the asked outcome answers for its trial (a secondary analysis
        # of conditioned pain modulation, when the main report gave only pain scores); a
        # title-only main report gives way too: the other report's sentences are its own to cite.
        measured = next((o for o in others if "outcome" not in by_id[o].differs), None)
        if "outcome" in by_id[main].differs and measured is not None:
            del dup[measured]
            dup.update({o: measured for o in (main, *others) if o != measured})
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
