"""Direction and certainty of a body of evidence, with a methodologist's reasons.

Follows the GRADE handbook (Schünemann et al., eds., 2013; gdt.gradepro.org/app/handbook):
randomised evidence starts at high certainty and observational evidence at low (5.1);
certainty is rated down one level per serious concern (5.2): risk of bias (5.2.1),
inconsistency among the direct studies of the same comparison (5.2.2), indirectness (5.2.4),
imprecision (5.2.3: total participants below the optimal information size, about 400 for a
continuous outcome; for harms, about 300 events) and publication bias (5.2.5: a body of small
studies that all report benefit). Indirectness includes the question itself: efficacy trials
answer a mechanism question only very indirectly, and single-dose trials a dosing question.
A systematic review or meta-analysis weighs more than any single trial it pools.

Direction is always relative to the asked comparison: for "A vs B", favours means A beats B;
for a placebo question, favours means the intervention beats its control.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..enrich import stance as stance_model
from ..enrich.numbers import DOSE
from ..phrases import stem_drugs
from ..query import Query
from ..retrieve import anchored, names_treatment
from ..vocab import find_terms, is_event
from .asked_harm import titles_harm
from .evidence import Study, active_comparators
from .indirectness import indirectness, intent_indirectness
from .mechanism import mechanism_direction
from .relevance import POOLED
from .reports import asked_trials, reports_trial
from .vote import direction_of, weight

CERTAINTY = ("high", "moderate", "low", "very_low")
DIRECTIONS = ("favours", "no_difference", "against", "mixed", "insufficient")
_OIS = 400                 # GRADE's rule-of-thumb optimal information size (handbook 5.2.3)
# For harms GRADE counts events, not people (handbook 5.2.3: about 300 events); at adverse-event
# rates near 10% that takes some 3,000 participants.
_OIS_HARMS = 3000
_FEW = 50                 # participants below which one or two studies show a direction only
_RANDOMISED = {"rct", "meta_analysis"}   # a systematic review may pool any design
_UNCONTROLLED = {"case_report", "case_series"}
_BLINDED = re.compile(r"\b(?:double|triple|single|participant|observer|assessor)[- ]?(?:blind\w*|mask\w*)|"
                      r"\bblinded\b|\bplacebo[- ]controlled\b", re.I)
# A review's own GRADE (or quality) rating of its evidence as high.
_RATED_HIGH = re.compile(r"\bhigh[- ](?:quality|certainty|grade)\b(?: of)?(?: the)? evidence\b|"
                         r"\bevidence (?:was|is|were) (?:of |rated (?:as )?)?high (?:quality|certainty)\b", re.I)
HEDGE_BAND = (0.4, 0.6)    # P(yes) inside this band: the answer is hedged ("Probably yes")


@dataclass(frozen=True)
class Verdict:
    direction: str       # favours | no_difference | against | mixed | insufficient
    certainty: str       # high | moderate | low | very_low
    reasons: tuple[str, ...]
    answer: str = "uncertain"      # a yes/no question's direct answer: yes | no | uncertain
    p_yes: float | None = None     # the stance model's P(yes) over the decisive passages
    basis: tuple[str, ...] = ()    # ids of the records whose sentences gave p_yes

    def to_contract(self) -> dict[str, object]:
        return {"direction": self.direction, "certainty": self.certainty, "reasons": list(self.reasons)}


def body_of_evidence(studies: list[Study]) -> tuple[list[Study], bool]:
    """Clinical studies of the asked question; direct ones if any exist. Returns (body, indirect)."""
    clinical = [s for s in studies if s.clinical and s.relevant and s.design != "guideline"]
    direct = [s for s in clinical if s.relevance == "direct"]
    return (direct, False) if direct else (clinical, True)


def best_tier(body: list[Study], shares: dict[str, float] | None = None) -> list[Study]:
    """The randomised part of a body when it holds at least two studies with a finding: GRADE
    rates a body by its best evidence, and observational studies beside trials add little. Unless
    the study the ranker (``shares``) finds answers the question most squarely is not in the tier
    and holds half the body's share: a cohort of the asked exposure is not set aside for trials of
    other comparisons beside it."""
    tier = [s for s in body if s.design in _RANDOMISED | POOLED]
    decided = [s for s in tier if s.direction in ("favours", "no_difference", "against")]
    held = sum(shares.get(s.record.id, 0.0) for s in body) if shares else 0.0
    if held > 0:
        lead = max(body, key=lambda s: shares.get(s.record.id, 0.0))
        if lead not in tier and shares.get(lead.record.id, 0.0) >= 0.5 * held:
            return body
    return tier if len(decided) >= 2 else body


def total_participants(body: list[Study]) -> int:
    """Participants behind the body: the primary studies' sum, or the largest review's when larger (never both)."""
    primary = sum(s.n or 0 for s in body if s.design not in POOLED)
    pooled = max((s.n or 0 for s in body if s.design in POOLED), default=0)
    return max(primary, pooled)


MAX_BASIS = 10             # leading studies whose most relevant sentences answer a yes/no question
RANK_DECAY = 1.0           # a study's weight in P(yes) falls as 1 / (1 + RANK_DECAY * its rank)


def yes_probability(query: Query, studies: list[Study], scored, per_study: int = 3,
                    max_studies: int = MAX_BASIS) -> float | None:
    """P(yes) for the question from the stance model (``enrich.stance``) over the sentences
    most relevant to it (``scored``: record id -> relevance-scored passages, from ``select``)
    of the leading studies, each weighted by its relevance, its study's design and its rank."""
    texts, weights = [], []
    for rank_, s in enumerate(studies[:max_studies]):
        best = sorted(scored.get(s.record.id, []), key=lambda x: -x.match)[:per_study]
        for sc in best:
            texts.append(sc.passage.text)
            # Lower-ranked records count less: the ranking already says how on-topic they are.
            weights.append(max(sc.match, 1e-3) * weight(s) / (1 + RANK_DECAY * rank_))
    if not texts:
        return None
    return stance_model.answer_probability(query.asked, texts, weights)


def read_by_direction(query: Query, direction: str = "") -> bool:
    """A treatment effect, a comparison of harms (read arm by arm, evidence._harm_direction) and
    any head-to-head comparison (only the direction knows which arm won: synthesis/arms.py) are
    answered by the verdict's direction; the stance model answers every other question."""
    if (anchored(query) and query.intent in ("efficacy", "comparison")) or query.harm or query.safe \
            or (query.intent == "comparison" and query.comparators):
        return True
    # A drug named by its INN stem, and a drug's use in a population or with another ("Is X safe in
    # pregnancy?"), are read by the direction when their studies decide it; when they decide
    # nothing, by the stance model as any other question ("Is atenolol metabolized by CYP2D6?").
    return bool(((names_treatment(query) and query.intent in ("efficacy", "comparison"))
                 or (query.intent == "contraindications" and query.interventions)) and direction != "insufficient")


def grade(studies: list[Study], query: Query, scored, shares: dict[str, float] | None = None) -> Verdict:
    """The verdict on ``studies`` for ``query``; ``scored`` (select.score_studies) lets a yes/no
    answer read the sentences most relevant to the question; ``shares`` (study_rank.rank_shares)
    weigh each study's vote by how squarely it answers the question."""
    condition = query.conditions[0] if query.conditions else ""
    treatment = read_by_direction(query)
    equiv = query.claim == "equivalence"
    body, indirect = body_of_evidence(studies)
    relevant = [s for s in studies if s.relevant and not s.appraisal.retracted]
    named = asked_trials(query.question)
    reports = [s for s in studies if reports_trial(s.record, named)]
    if reports and all(s.design == "protocol" for s in reports):
        # "What did the PREVENT trial show?" is answered by that trial's reports; a design paper has no result.
        return Verdict("insufficient", "very_low",
                       (f"The library holds only the design paper of the {' or '.join(sorted(named))} trial, which "
                        "reports no results.",), "uncertain", None, tuple(s.record.id for s in reports[:MAX_BASIS]))
    # (a protocol that is another report of a trial counted once answers through that trial's reports)
    asked = max((s for s in relevant if s.design != "protocol" or not s.duplicate_of),
                key=lambda s: shares.get(s.record.id, 0.0), default=None) if shares else None
    if asked is not None and asked.design == "protocol" and asked.direction == "unclear" \
            and shares.get(asked.record.id, 0.0) > 0.5:
        # The record the question is more likely than not about (the ranker's share) is a trial's protocol: that
        # trial has not reported, whatever other studies found (read sets: 6 more verdicts right, none lost).
        return Verdict("insufficient", "very_low", ("The study the question asks about is a trial protocol, which "
                                                    "reports no results yet.",), "uncertain", None, (asked.record.id,))
    # A question of how the treatment works is answered by the laboratory studies (synthesis/mechanism.py).
    told = mechanism_direction(query, relevant, shares, asked)
    if not body:
        # No clinical study: a yes/no question may still be answered by laboratory or review
        # evidence, at very low certainty (GRADE rates only clinical evidence).
        basis = tuple(s.record.id for s in relevant[:MAX_BASIS])
        p_yes = yes_probability(query, relevant, scored) if query.question_type == "yesno" else None
        decided = any(s.direction in ("favours", "no_difference", "against") for s in relevant)
        if not relevant or (p_yes is None and not (decided and query.question_type != "yesno")):
            return Verdict("insufficient", "very_low",
                           ("No study in the indexed corpus addresses the asked question.",), "uncertain", p_yes,
                           basis)
        # (A question that is not yes/no, "How does X raise IL-6?", is answered by what the laboratory
        # studies found, each weighed by how squarely it answers.)
        direction = told or direction_of(relevant, query.adverse,
                                         shares=shares if query.question_type != "yesno" else None)
        return Verdict(direction, "very_low",
                       ("Design: no clinical study addresses the question; the evidence is laboratory, "
                        "review-level or unclassified.",),
                       _answer(direction, p_yes, bool(told) or read_by_direction(query, direction), equiv),
                       p_yes, basis)
    if query.intent == "contraindications" and indirect:
        # A question about use in a population or with a co-treatment is answered only by studies
        # of that population or combination, never by efficacy evidence from elsewhere.
        return Verdict("insufficient", "very_low",
                       (f"No study in the indexed corpus addresses {' or '.join(query.facets) or 'the asked use'}.",),
                       "uncertain", None)
    if treatment and indirect and condition and all("population" in s.differs for s in body):
        # Not one study of the asked condition: trials in other diseases do not say whether the
        # treatment works in this one (as with no trial of the asked drug, the honest answer is
        # that the library cannot tell); they are still shown, labelled indirect.
        return Verdict("insufficient", "very_low",
                       (f"No study in the indexed corpus addresses {condition}; studies of other conditions are "
                        "shown as indirect evidence only.",), "uncertain", None)
    # (Only a comparator the question names as a treatment or a dose: "twice a day" or
    # "spondylosis-related pain" are no arms a trial would have.)
    active = [c for c in active_comparators(query) if find_terms(c, ("intervention", "comparator"))
              or stem_drugs(c) or DOSE.search(c)]
    if query.intent == "comparison" and active and indirect and all("comparator" in s.differs for s in body):
        # "Is A better than B?" with no trial of A against B: trials of each against placebo or
        # other drugs cannot say which of the two is better (GRADE 5.2.4: an indirect comparison).
        return Verdict("insufficient", "very_low",
                       (f"No study in the indexed corpus compares {' or '.join(query.interventions)} with "
                        f"{' or '.join(active)}; trials against other comparators are shown as indirect evidence "
                        "only.",), "uncertain", None)
    if query.adverse and not query.safe:
        # Studies titled by the asked harm itself ("... and risk of ovarian cancer") answer it
        # more directly than those that report a kindred one ("breast cancer") found by its head
        # noun (GRADE 5.2.4, indirectness of outcome): when some have a finding, they decide.
        titled = [s for s in body if s.direction != "unclear" and titles_harm(query, s.record.title)]
        body = titled or body
    # The study that answers most directly, whatever its design (``_by_leading_study``); of a harm, the first
    # that reports on it (the body rated is those that do, below).
    lead = next((s for s in body if s.direction != "unclear"), body[0]) if query.adverse else body[0]
    body = best_tier(body, shares)
    if query.adverse:
        # Whether a drug does a harm rests on the studies that report on the harm, whatever else
        # was retrieved beside them (a meta-analysis of another question is no randomised evidence).
        body = [s for s in body if s.direction != "unclear"] or body
    reasons: list[str] = []
    designs = {s.design for s in body}
    randomised = bool(designs & _RANDOMISED)
    level = 0 if randomised else 2
    reasons.append("Design: the body of evidence includes randomised trials."
                   if randomised else
                   "Design: no randomised trial addresses the question directly; the evidence is observational "
                   "or case-based.")
    if designs <= _UNCONTROLLED | {"cross_sectional"} and designs & _UNCONTROLLED:
        level += 1
        reasons.append("Risk of bias: the evidence rests on uncontrolled case reports or case series.")
    trials = [s for s in body if s.design == "rct"]
    unblinded = [s for s in trials if not _BLINDED.search(s.record.text())]
    # Judged by the trials that carry the weight (GRADE 5.2.1): their participants when known.
    sized = [s for s in trials if s.n]
    share = (sum(s.n for s in unblinded if s.n) / sum(s.n for s in sized)) if sized else \
        len(unblinded) / max(len(trials), 1)
    open_body = randomised and bool(trials) and share > 0.5 and "meta_analysis" not in designs
    if open_body and not _objective(query):
        # Cochrane risk-of-bias tool (Higgins et al., BMJ 2011): unblinded participants and
        # assessors bias subjective outcomes, not death; GRADE 5.2.1 rates such a body down.
        level += 1
        reasons.append("Risk of bias: most trials do not report blinding of participants or assessors.")
    direction = told or direction_of(body, query.adverse, lead=True, shares=shares)
    decided = [s for s in body if s.direction in ("favours", "no_difference", "against")]
    # Small by their stated sizes (a study that states none is not known to be small).
    thin = decided and len(decided) < 3 and all(s.n for s in decided) and total_participants(decided) < _FEW \
        and not any(s.design in POOLED for s in decided)
    if thin and any(is_event(o) for o in query.outcomes) and not query.adverse:
        # An event outcome (cardiovascular events, deaths) counted in one or two small studies: too few events to
        # say anything of it (AHRQ EPC strength of evidence "insufficient", Berkman et al., J Clin Epidemiol 2015).
        direction = "insufficient"
        reasons.append("Insufficient: one or two small studies cannot show an effect on "
                       f"{' or '.join(query.outcomes)} either way.")
    elif thin:
        # Whether a treatment helps at all: GRADE shows the lean of one or two small studies, rated
        # down two levels for very serious imprecision (5.2.3, below; withholding it measured worse,
        # and rating it very low outright counted the one concern three times).
        reasons.append("One or two small studies (fewer than 50 participants in all) show the direction only.")
    # Inconsistency is judged among the primary studies of the comparison (a review's pooled result already
    # summarises its trials); a single primary study against the reviews beside it.
    primary = [s for s in decided if s.design not in POOLED]
    primary = primary if len(primary) >= 2 else decided
    # (For "Does X cause Y?" the two sides are harm found and none found.)
    pro = "against" if query.adverse else "favours"
    fav_w = sum(weight(s) for s in primary if s.direction == pro)
    null_w = sum(weight(s) for s in primary if s.direction != pro)
    if direction == "mixed" or min(fav_w, null_w) >= 0.2 * (fav_w + null_w) > 0:
        level += 1
        reasons.append("Inconsistency: among the studies of this comparison, some report benefit while "
                       "others report no difference or harm.")
    ois = _OIS_HARMS if query.intent == "safety" else _OIS
    trials_decided = [s for s in decided if s.design == "rct"]
    if randomised and 0 < len(trials_decided) <= 2 and not designs & POOLED and direction != "insufficient" \
            and total_participants(body) >= ois:
        # (Below the optimal information size, imprecision already rates the same concern down.)
        # One or two trials: whether the effect replicates cannot be judged (GRADE 5.2.2 judges
        # consistency across studies; AHRQ EPC rates a single study's consistency "unknown",
        # Berkman et al., J Clin Epidemiol 2015), and one sponsor's trials carry its choices.
        level += 1
        reasons.append("Inconsistency not assessable: "
                       + ("a single trial addresses this comparison; its result has"
                          if len(trials_decided) == 1 else "only two trials address this comparison; their results have")
                       + " not been replicated.")
    counted = total_participants(decided if thin else body)
    if counted < ois:
        # Very serious imprecision (two levels) far below the optimal information size.
        very = counted < ois // 4
        level += 2 if very else 1
        if query.intent == "safety":
            reasons.append("Imprecision: too few participants to count uncommon harms reliably"
                           + (f" (very serious: fewer than {ois // 4:,} in all)." if very else "."))
        else:
            reasons.append("Imprecision: the studies are small, so the size of any effect is uncertain"
                           + (f" (very serious: fewer than {ois // 4:,} participants in all)." if very else "."))
    # Direct evidence that is only uncontrolled, beside trials in other populations, is still
    # judged partly on indirect evidence (the answer shows those trials).
    others = [s for s in studies if s.clinical and s.relevance == "indirect" and s.relevant]
    if indirect or (condition and not randomised and any(s.design in _RANDOMISED for s in others)):
        level += 1
        reasons.append(indirectness(studies, body if indirect else others, condition, query, indirect))
    levels, intent_reason = intent_indirectness(query, decided)
    if intent_reason:
        level += levels
        reasons.append(intent_reason)
    small_positive = [s for s in decided if s.direction == "favours" and (s.n or 0) < 100]
    if len(decided) >= 3 and len(small_positive) == len(decided):
        level += 1
        reasons.append("Publication bias: every study is small and reports benefit; small negative studies "
                       "may be missing.")
    if level == 0 and not any(s.design in POOLED and _RATED_HIGH.search(s.record.text()) for s in body):
        # GRADE 5.2.1 judges risk of bias on allocation concealment, blinding, losses and selective
        # reporting; an abstract states few of them, nor a review's abstract how it judged its trials.
        # Unless a review states high certainty, a body read from abstracts is not shown free of
        # serious risk of bias ("high" was right 3 times in 10 on the read sets before this ceiling).
        level = 1
        reasons.append("Risk of bias: judged from abstracts, which seldom report allocation concealment, "
                       "losses to follow-up or selective reporting"
                       + ("; no review in the body states that its evidence is of high certainty."
                          if designs & POOLED else "; no systematic review assessed these trials."))
    exempt = _objective(query) or query.intent == "mechanism"
    level = _by_leading_study(level, lead, direction, reasons, exempt, exempt or open_body)
    certainty = CERTAINTY[min(level, 3)] if direction != "insufficient" else "very_low"
    if direction == "insufficient" and not thin:
        reasons.append("No study of the asked question reports a finding either way.")
    if any(s.appraisal.retracted for s in studies):
        reasons.append("A retracted publication was found and excluded from the verdict.")
    p_yes = yes_probability(query, body, scored) if query.question_type == "yesno" else None
    answer = _answer(direction, p_yes, bool(told) or read_by_direction(query, direction), equiv)
    if query.adverse and not query.harm and direction in ("favours", "no_difference", "against"):
        # "Does X cause Y?" (and "Is X safe?") read each study for the harm (evidence._direction):
        # the answer is the verdict's own reading, so the lead line never contradicts it. (The
        # stance model still answers a mixed or empty body.)
        harm_found = direction == "against"
        answer = "yes" if harm_found != query.safe else "no"
    if query.harm and query.more_harm and query.outcomes and direction in ("favours", "no_difference", "against"):
        # "Does A cause more X than B?": yes is A with more of the harm (against A), no is less or
        # the same. (Only where the studies were read for the harm X, evidence._direction: with no
        # harm named, "is A better than B, or does it just cause more side effects?", they were
        # read for the effect, and yes is A better.)
        answer = "yes" if direction == "against" else "no"
    return Verdict(direction, certainty, tuple(reasons), answer, p_yes, tuple(s.record.id for s in body[:MAX_BASIS]))


def _by_leading_study(level: int, lead: Study, direction: str, reasons: list[str], exempt: bool, blinding_rated: bool) -> int:
    """The rating read against the study that answers the question most directly (the body's first, taken
    before ``best_tier``: a cohort that answers the question is the lead even beside trials that answer less closely).
    Moderate becomes low when it is not randomised (the trials beside it answer less closely: indirectness,
    GRADE 5.2.4) or an open trial on a subjective outcome (risk of bias, 5.2.1); a trial agreeing with the
    verdict keeps the body at low (its size and reporting are one concern: 5.2 never rates one problem down
    twice); a leading review that states no number of participants leaves imprecision unjudged (5.2.3): low.
    Raters of the clinician sets judged each question from its leading abstract (read sets, certainty failures:
    103 -> 79 of 697 in session 38; 88 -> 80 of 727 in session 39, the review rule among other changes;
    106 -> 102 of 810 in session 42, the lead taken before the best tier)."""
    if direction == "insufficient":
        return level
    if level == 1 and lead.design not in _RANDOMISED | POOLED:
        reasons.append("Indirectness: the study that answers the question most directly is not randomised; the "
                       "trials beside it answer the question less closely.")
        return 2
    if level == 1 and lead.design in POOLED and not lead.n:
        reasons.append("Imprecision: the review that answers the question most directly does not say how many took "
                       "part, so whether its trials were large enough cannot be judged.")
        return 2
    if level == 1 and lead.design == "rct" and not blinding_rated and not _BLINDED.search(lead.record.text()):
        reasons.append("Risk of bias: the trial that answers the question most directly does not report blinding.")
        return 2
    if level >= 3 and lead.design == "rct" and lead.direction == direction and not exempt:
        reasons.append("Rated low, not very low: the most direct study is a randomised trial with a finding.")
        return 2
    return level


_OBJECTIVE = re.compile(r"\b(?:mortality|death|deaths|survival|dying|died)\b", re.I)


def _objective(query: Query) -> bool:
    """The question asks about death, an outcome no one's knowledge of the arm can bias."""
    return any(_OBJECTIVE.search(o) for o in query.outcomes) or bool(_OBJECTIVE.search(query.question))


def _answer(direction: str, p_yes: float | None, by_direction: bool = True, equivalence: bool = False) -> str:
    """yes | no | uncertain. A treatment question reads its verdict's direction; any other
    yes/no question (and a treatment question the studies leave mixed) reads the stance
    model's P(yes): on the shared BioASQ questions that is the more accurate of the two."""
    if equivalence:
        # "Is A as effective as B?": no difference (or A better) answers yes, A worse answers no,
        # whether or not A is a vocabulary name; otherwise the stance model, whose yes is a
        # reported difference (see evidence._direction), is read the other way round.
        if direction in ("favours", "no_difference"):
            return "yes"
        if direction == "against":
            return "no"
        return "uncertain" if p_yes is None else "yes" if p_yes < 0.5 else "no"
    if by_direction and direction == "favours":
        return "yes"
    if by_direction and direction in ("no_difference", "against"):
        return "no"
    if by_direction and direction == "insufficient":
        return "uncertain"     # too little evidence on the treatment: no lean is offered
    if p_yes is None:
        return "uncertain"
    return "yes" if p_yes >= 0.5 else "no"
