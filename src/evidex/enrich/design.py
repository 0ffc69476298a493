"""Study design label with provenance: publication type, then MeSH, then text cues.

MEDLINE publication types are assigned by NLM indexers
(https://www.nlm.nih.gov/mesh/pubtypes.html) and are trusted first, as RobotReviewer
does; MeSH check tags (Animals without Humans) come next; text cues are the fallback
for JSONL, web pages and unindexed citations. Levels follow the Oxford CEBM 2011
table, simplified: 1 systematic review/guideline, 2 RCT, 3 other controlled or cohort
designs, 4 case series/reports and cross-sectional, 5 mechanism, opinion and other.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..records import Record
from . import models
from .features import LinearModel, design_features
from .split import contains_any, sentences

LEVELS = {
    "guideline": 1, "systematic_review": 1, "meta_analysis": 1, "rct": 2,
    "non_randomised_trial": 3, "cohort": 3, "case_control": 3, "cross_sectional": 4,
    "case_series": 4, "case_report": 4, "narrative_review": 5, "protocol": 5,
    "preclinical": 5, "expert_opinion": 5, "patient_information": 5, "other": 5,
}

# Ordered: the first publication type that matches wins.
_PT_RULES: tuple[tuple[str, str], ...] = (
    ("practice guideline", "guideline"), ("guideline", "guideline"),
    ("consensus development conference", "guideline"),
    ("meta-analysis", "meta_analysis"), ("systematic review", "systematic_review"),
    ("clinical trial protocol", "protocol"),
    ("randomized controlled trial", "rct"), ("equivalence trial", "rct"),
    ("pragmatic clinical trial", "rct"),
    ("controlled clinical trial", "non_randomised_trial"), ("non-randomized", "non_randomised_trial"),
    ("clinical trial", "non_randomised_trial"),
    ("case-control", "case_control"), ("cross-sectional", "cross_sectional"),
    ("cohort", "cohort"), ("case series", "case_series"), ("case reports", "case_report"),
    ("observational study", "cohort"), ("retrospective", "cohort"),
    ("preclinical", "preclinical"), ("review", "narrative_review"),
    ("editorial", "expert_opinion"), ("comment", "expert_opinion"), ("letter", "expert_opinion"),
    ("evidence summary", "narrative_review"), ("web page", "patient_information"),
)
_MESH_RULES: tuple[tuple[str, str], ...] = (
    ("case-control studies", "case_control"), ("cross-sectional studies", "cross_sectional"),
    ("cohort studies", "cohort"), ("prospective studies", "cohort"),
    ("retrospective studies", "cohort"), ("longitudinal studies", "cohort"),
)
# (pattern, label, score, cheap substrings: the regex runs only if one is in the text)
_TEXT_RULES: tuple[tuple[str, str, float, tuple[str, ...]], ...] = (
    (r"\b(clinical practice guideline|practice guideline|consensus statement|delphi|"
     r"recommendations? (?:of|from) the)\b", "guideline", 0.7, ("guideline", "consensus", "delphi", "recommendation")),
    (r"\bmeta-?(?:analys[ie]s|regression)\b|\bpooled analysis of (?:\w+ ){0,3}trials\b", "meta_analysis", 0.8,
     ("analys", "regression")),
    (r"\bsystematic (?:literature )?(?:review|overview)\b|\bscoping review\b", "systematic_review", 0.8,
     ("review", "overview")),
    # Cochrane/PRISMA abstract headings and search statements (Cochrane Handbook ch. III,
    # "Structured abstract"): a review of trials, not a trial.
    (r"\b(?:search (?:strategy|methods)|selection criteria|data collection and analysis|authors'? conclusions|"
     r"data sources)\b.{0,400}\b(?:selection criteria|main results|data extraction|study selection|"
     r"data collection and analysis|authors'? conclusions)\b|"
     r"\bwe searched\b.{0,200}\b(?:medline|embase|pubmed|cochrane|cinahl|databases?|registers?)\b|"
     r"\b(?:medline|embase|pubmed|cochrane (?:library|central|register)|cinahl)\b.{0,120}\bwere searched\b",
     "systematic_review", 0.75, ("search", "selection criteria", "data sources", "conclusions")),
    (r"\b(?:study )?protocol\b.{0,60}\b(?:trial|study)\b|\btrial registration\b.{0,40}\bprotocol", "protocol", 0.6,
     ("protocol",)),
    (r"\brandomi[sz]ed\b.{0,80}\b(?:trial|controlled|placebo|assigned|allocated)\b|"
     r"\b(?:were|was) randomi[sz]ed\b|\brandomly (?:assigned|allocated)\b|\brandomi[sz]ation\b",
     "rct", 0.8, ("randomi", "randomly")),
    (r"\bcase[- ]control\b", "case_control", 0.75, ("control",)),
    (r"\bcross-sectional\b|\bsurvey\b", "cross_sectional", 0.6, ("sectional", "survey")),
    (r"\bcase series\b|\bseries of \d+ (?:patients|cases)\b", "case_series", 0.75, ("series",)),
    (r"\bcase reports?\b|\bwe (?:report|describe|present) (?:a|an|the|two|three) (?:case|patient)|"
     r"\ba \d+[- ]year[- ]old (?:man|woman|male|female|boy|girl|patient)\b", "case_report", 0.75,
     ("case", "patient", "year-old", "year old")),
    (r"\bcohort\b|\bretrospective(?:ly)?\b|\bprospective(?:ly)?\b|\bchart review\b|\bregistry\b",
     "cohort", 0.6, ("cohort", "spective", "chart review", "registry")),
    (r"\b(?:open-label|single-arm|pilot) (?:trial|study)\b|\bnon-?randomi[sz]ed\b|\bcrossover\b|"
     r"\bopen (?:uncontrolled |multicent\w+ )?(?:trial|study)\b",
     "non_randomised_trial", 0.6, ("open-label", "single-arm", "pilot", "randomi", "crossover", "open ")),
    # Drug safety monitored in everyday use (post-marketing surveillance, pharmacovigilance): a cohort.
    (r"\bpost-?marketing surveillance\b|\bpharmacovigilance\b|\bprescription-event monitoring\b",
     "cohort", 0.6, ("surveillance", "pharmacovigilance", "event monitoring")),
    # People sampled from a population and asked once: a survey in other words.
    (r"\bpopulation-based (?:study|sample)\b.{0,300}\bquestionnaires?\b|\bquestionnaires? (?:was|were) mailed\b",
     "cross_sectional", 0.5, ("questionnaire",)),
    (r"\b(?:mice|mouse|rats?|murine|in vitro|cell lines?|animal model)\b", "preclinical", 0.6,
     ("mice", "mouse", "rat", "murine", "in vitro", "cell line", "animal model")),
    (r"\breview\b", "narrative_review", 0.5, ("review",)),
)
_COMPILED = tuple((re.compile(p, re.I), label, score, cues) for p, label, score, cues in _TEXT_RULES)
# The same patterns without re.I, searched in the lower-cased text when it is ASCII: there the
# two find the same (re.I folds only non-ASCII letters onto ASCII ones: the long s, the Kelvin
# sign), and a case-sensitive search is up to twice as fast. Only for patterns written in lower case.
_LOWER = tuple(re.compile(p) if p == p.lower() else None for p, _label, _score, _cues in _TEXT_RULES)


# Substrings one of which every match of a rule holds, in lower-case ASCII text: tighter than
# the rule's cues (which gate the call, on any text), so that a rule whose cue is a common word
# ("patient", "control", "analysis") is not searched through every abstract. Read off each
# pattern's alternatives; "" (always there) where the cues are already tight. A test holds
# ``_rule_matches`` equal to the plain case-blind search.
_ASCII_CUES: tuple[tuple[str, ...], ...] = (
    ("practice guideline", "consensus statement", "delphi", "recommendation"),
    ("meta", "pooled analysis of"),
    ("systematic", "scoping review"),
    ("search strategy", "search methods", "selection criteria", "data collection and analysis", "authors",
     "data sources", "we searched", "were searched"),
    ("",),
    ("",),
    ("case-control", "case control"),
    ("cross-sectional", "survey"),
    ("",),
    ("case report", "we report", "we describe", "we present", "year-old", "year old"),
    ("",),
    ("open-label", "single-arm", "pilot", "nonrandomi", "non-randomi", "crossover", "open "),
    ("surveillance", "pharmacovigilance", "event monitoring"),
    ("questionnaire",),
    ("",),
    ("",),
)
assert len(_ASCII_CUES) == len(_TEXT_RULES)


def _rule_matches(i: int, text: str, low: str) -> bool:
    """``_COMPILED[i]`` finds its pattern in ``text`` (``low`` is ``text.lower()``)."""
    plain = _LOWER[i]
    if plain is not None and text.isascii():
        return contains_any(low, _ASCII_CUES[i]) and plain.search(low) is not None
    return _COMPILED[i][0].search(text) is not None


@dataclass(frozen=True)
class DesignCall:
    label: str
    source: str                  # publication_type | mesh | title | text_model | text_cues | default
    score: float
    rct_probability: float | None = None   # the text model's calibrated P(rct), when it ran
    model: str = ""                         # "design_rct@<version>" when the model ran

    @property
    def level(self) -> int:
        return LEVELS[self.label]


def is_retracted(record: Record) -> bool:
    return any("retract" in pt.lower() for pt in record.publication_types) \
        or record.title.lower().startswith("retracted")


def classify(record: Record) -> DesignCall:
    """Publication type first (indexed by NLM), then the MeSH animal check tag, then text.

    MeSH design headings (Prospective/Cohort Studies...) are indexed on trials too, so they
    only decide when the text model does not find a randomised trial.
    """
    pts = " | ".join(p.lower() for p in record.publication_types)
    for needle, label in _PT_RULES:
        if needle in pts:
            # A "Review" tag on a paper whose text says systematic review: trust the text.
            if label == "narrative_review":
                text_call = _pre_rules(record.title + " " + abstract_text(record)[:4000])
                if text_call is not None and text_call.label in ("systematic_review", "meta_analysis"):
                    return text_call
            if label == "patient_information":
                if re.search(r"\b(?:guideline|consensus statement|recommendations)\b", record.title, re.I):
                    return DesignCall("guideline", "text_cues", 0.6)
                return DesignCall(label, "publication_type", 0.6)
            return DesignCall(label, "publication_type", 0.95)
    mesh = {m.lower() for m in record.mesh_terms}
    if "animals" in mesh and "humans" not in mesh:
        return DesignCall("preclinical", "mesh", 0.9)
    abstract = abstract_text(record)
    call = classify_text(record.title + " " + abstract[:4000], title=record.title, abstract=abstract)
    # A review is indexed with the designs of the studies it reviews: its headings do not decide.
    if call.label != "rct" and call.source != "title":
        for needle, label in _MESH_RULES:
            if needle in mesh:
                return DesignCall(label, "mesh", 0.85, call.rct_probability, call.model)
    return call


def abstract_text(record: Record) -> str:
    """The abstract as the design model reads it: each section as "LABEL: text"."""
    return " ".join(f"{s.label}: {s.text}" if s.label else s.text for s in record.sections)


@lru_cache(maxsize=1)
def _rct_model() -> tuple[LinearModel, str]:
    data = models.load("design_rct")
    return LinearModel.from_params(data["params"]), f"design_rct@{data['manifest'].get('version', 0)}"


def rct_probability(title: str, abstract: str) -> float:
    """Calibrated P(randomised controlled trial) from title and abstract alone (50/50 prior)."""
    model, _ = _rct_model()
    return model.prob(design_features(title, abstract))


_PRE_LABELS = ("guideline", "meta_analysis", "systematic_review", "protocol")


def _pre_rules(text: str, low: str | None = None) -> DesignCall | None:
    """Reviews, guidelines and protocols: designs that talk about trials without being one.
    ``low`` is ``text.lower()`` when the caller has it (classify_text lower-cases once)."""
    if low is None:
        low = text.lower()
    for i, (_rx, label, score, cues) in enumerate(_COMPILED):
        if label not in _PRE_LABELS:
            break
        if contains_any(low, cues) and _rule_matches(i, text, low):
            return DesignCall(label, "text_cues", score)
    return None


# A title that names the article a review ("X: a review of its use in Y", "An overview of ..."),
# unless the review is the study's own method ("a retrospective chart review", "a 36-year
# review") or the article reports a case, a trial or a study of its own ("UKPDS 16. Overview of
# 6 years' therapy"). Drug and topic reviews talk about trials, so the RCT model and mentions of
# "meta-analysis" would otherwise call them trials or pooled analyses.
_REVIEW_TITLE = re.compile(r"\b(?:review|overview)\b", re.I)
_OWN_METHOD_REVIEW = re.compile(
    r"\b(?:chart|charts|records?|case|cases|case-notes?|notes|files?|utili[sz]ation|peer|[\w-]+[- ]years?)[- ]review\b|"
    r"\breview (?:board|committee)s?\b|\bcase (?:reports?|series)\b|\b(?:retro|pro)spective\b|\btrial\b|\bstudy\b", re.I)
# Which of ``_TEXT_RULES`` say the review itself was systematic (its own words, or a search
# of named databases): the Cochrane Handbook's line between a systematic and a narrative review.
_SYSTEMATIC_RULES = (2, 3)


# An economic evaluation (cost-effectiveness, cost-utility...) estimates costs from others' effect
# data; its title says so. One run alongside a trial says "trial" and is left to the text.
_ECONOMIC_TITLE = re.compile(r"\bcost[- ](?:effectiveness|utility|benefit|minimi[sz]ation|consequence)\b|"
                             r"\beconomic (?:evaluation|analysis|assessment)\b|\bpharmaco-?economic", re.I)


# A trial's design paper ("Rationale and design of ...", "... baseline characteristics"; SPIRIT
# 2013) reports a plan and a population, no result.
_DESIGN_PAPER_TITLE = re.compile(r"\b(?:rationale,? (?:and )?(?:design|methods)|design,? (?:and )?rationale|"
                                 r"baseline (?:characteristics|demograph\w*)|design and (?:methods|protocol)|"
                                 r"methods and recruitment)\b|\)\s+(?:study|trial) design\W*$|\btrial methodology\W*$|"
                                 r"^\W*(?:the\s+)?design of\b(?=.*\b(?:trial|study)\b)", re.I)
# A trial's design paper whose title does not say so ("Comparison of enalapril versus nifedipine ...
# (the PRESERVE trial)"): it says what the trial will do, in the future tense ("Bisoprolol will be
# titrated up to 10 mg"; "the study power is at least 90% to test the primary hypotheses that
# enalapril will ..."), and reports no result with its test. Two such sentences, one of them on
# how the trial is run (allocation, recruitment, end points, power), and no test anywhere.
_PLANNED = re.compile(r"\b(?:will (?:be|test|compare|assess|evaluate|determine|examine|provide|include|enrol+|follow|"
                      r"receive|represent|induce)|(?:are|is) planned|(?:is|was) designed to (?:test|provide|compare|"
                      r"determine|evaluate|assess)|(?:is|are) (?:currently )?being (?:conducted|carried out|recruited|"
                      r"enrolled|randomi[sz]ed))\b", re.I)
_RUN = re.compile(r"\b(?:randomi[sz]\w*|end-?points?|primary (?:outcome|hypothes[ie]s)|enrol+\w*|recruit\w*|allocat\w*|"
                  r"assigned|sample size|power)\b", re.I)
_TESTED = re.compile(r"\b[Pp]\s*[<=>\u2264]|\b95\s*%|\bsignifican", re.I)
_OTHERS = re.compile(r"\b(?:further|future|larger|longer|additional|more)\b", re.I)
# A result with its test ("P = 0.39", "was not significant", "significantly reduced"); not a plan's
# "5% significance level" or "90% power", which a protocol states.
_RESULT_TESTED = re.compile(r"\b[Pp]\s*(?:[<=>\u2264]|values?\s*[<=>])\s*0?[.\u00b7]\d|\b(?:was|were|is|are) (?:not )?"
                            r"(?:statistically )?significant(?:ly)?\b|\bsignificantly (?:\w+ed|higher|lower|greater|more|"
                            r"less|better|worse|different)\b|\bno (?:statistically )?significant\b", re.I)


# A sentence that states a plan ("P < 0.05 will be considered significant", "at a 5% significance level").
_PLAN = re.compile(r"\b(?:will|would|shall|to be|considered|set at|level|alpha|power(?:ed)?|if|when)\b", re.I)
_PROTOCOL_TITLE = re.compile(r"\b(?:study|trial) protocol\b|\bprotocol (?:for|of)\b|\bprotocol\W*$", re.I)


def _reports_result(text: str, title: str) -> bool:
    """Whether a text the protocol cues matched reports a result of its own with its test ("on a
    Naughton protocol ... (P = .39)"), unless its title calls it a protocol (a protocol may report
    its pilot's result)."""
    return not _PROTOCOL_TITLE.search(title) and any(_RESULT_TESTED.search(s) and not _PLAN.search(s)
                                                     for s in sentences(text))


def plans_a_trial(text: str) -> bool:
    """Whether an abstract describes a trial still to be run (see ``_PLANNED``)."""
    if _TESTED.search(text) or len(_PLANNED.findall(text)) < 2:
        return False
    # ("Further randomised trials will be required": what others should do, in a finished study)
    planned = [s for s in sentences(text) if _PLANNED.search(s) and not _OTHERS.search(s)]
    return len(planned) >= 2 and any(_RUN.search(s) for s in planned)


# A title that calls the trial open-label, single-arm or uncontrolled, in a text that never
# mentions random allocation, reports a trial without a randomised comparison (CONSORT item 1a
# asks a randomised trial to say so in its title).
_UNRANDOMISED_TITLE = re.compile(r"\b(?:open[- ]label|single[- ]arm|non-?randomi[sz]ed)\b|"
                                 r"\buncontrolled (?:\w+ )?(?:trial|study)\b", re.I)
_RANDOM = re.compile(r"\brandom", re.I)
_TRIALS_REVIEWED = re.compile(r"\b(?:randomi[sz]ed|controlled|clinical)\s+(?:\w+\s+)?trials\b", re.I)
_POOLED = re.compile(r"\b(?:odds|risk|hazard|rate) ratio\b|\brelative risk\b|\b(?:OR|RR|HR)\b[^.]{0,30}\b95\s*%", re.I)
_META_TITLE = re.compile(r"\bmeta-?analys[ie]s\b", re.I)


def _declared_by_title(title: str, text: str, low: str) -> DesignCall | None:
    """A review, an economic evaluation, a trial's design paper or an unrandomised trial declared
    by its title, or None (``low`` is ``text.lower()``)."""
    if not title:
        return None
    if _DESIGN_PAPER_TITLE.search(title) and not re.search(r"\bresults\b", title, re.I):     # ("... and results of")
        return DesignCall("protocol", "title", 0.7)
    if _META_TITLE.search(title):
        # "Safety of nifedipine in angina pectoris: a meta-analysis": its MeSH headings are the
        # pooled studies' designs (cohort, prospective), not its own.
        return DesignCall("meta_analysis", "title", 0.8)
    review = _REVIEW_TITLE.search(title) is not None
    if _UNRANDOMISED_TITLE.search(title) and not _RANDOM.search(text) and not review:
        return DesignCall("non_randomised_trial", "title", 0.7)
    # In this order: a title that names its own method review decides nothing; else an economic
    # title without "review" is an evaluation; else only a review title goes on. Most titles say
    # neither "review" nor "cost": for them the own-method search is not needed.
    if not review:
        if _ECONOMIC_TITLE.search(title) and not _OWN_METHOD_REVIEW.search(title):
            return DesignCall("other", "title", 0.7)
        return None
    if _OWN_METHOD_REVIEW.search(title):
        return None
    in_title = _pre_rules(title)
    if in_title is not None:
        return replace(in_title, source="title")
    for i in _SYSTEMATIC_RULES:
        cues = _COMPILED[i][3]
        if contains_any(low, cues) and _rule_matches(i, text, low):
            return DesignCall("systematic_review", "title", _COMPILED[i][2])
    if _TRIALS_REVIEWED.search(title) and _POOLED.search(text):
        # "Overview of randomized trials of ACE inhibitors ...", then an odds ratio with its
        # interval: the trials pooled, a meta-analysis by the older name (Peto's "overview").
        return DesignCall("meta_analysis", "title", 0.7)
    return DesignCall("narrative_review", "title", 0.7)


def classify_text(text: str, title: str = "", abstract: str | None = None) -> DesignCall:
    """Design from text: a review its title declares, review/guideline/protocol cues, then the
    RCT model, then cue rules.

    ``text`` is what the cue rules read (title + abstract); the RCT model reads ``title``
    and ``abstract`` (``text`` itself when no abstract is given).
    """
    model, name = _rct_model()
    p = model.prob(design_features(title, text if abstract is None else abstract))
    low = text.lower()
    declared = _declared_by_title(title, text, low)
    if declared is not None:
        return replace(declared, rct_probability=round(p, 4), model=name)
    pre = _pre_rules(text, low)
    # A trial *of* a guideline is a trial: guideline cues yield to a confident RCT call; a text
    # with a tested result is no protocol, whatever "protocol" names ("on a Naughton protocol").
    if pre is not None and not (pre.label == "guideline" and p >= 0.9) \
            and not (pre.label == "protocol" and _reports_result(text, title)):
        return replace(pre, rct_probability=round(p, 4), model=name)
    if plans_a_trial(text):
        return DesignCall("protocol", "text_cues", 0.6, round(p, 4), name)
    if p >= model.threshold:
        return DesignCall("rct", "text_model", round(p, 4), round(p, 4), name)
    for i, (_rx, label, score, cues) in enumerate(_COMPILED):
        if label in _PRE_LABELS or label == "rct":
            continue
        if contains_any(low, cues) and _rule_matches(i, text, low):
            return DesignCall(label, "text_cues", score, round(p, 4), name)
    return DesignCall("other", "default", 0.3, round(p, 4), name)
