"""The leading studies told one by one: what each did and what it found, in its own words.

An evidence summary describes its key trials before it pools them (the seed answers: "A
systematic review of 30 publications found ..."; Cochrane's "Characteristics of included
studies"). An extractive answer cannot write that sentence, but each study has two that do
its work: the sentence that allocates the arms (CONSORT item 5: who got what dose, for how
long) and the sentence that reports the primary outcome's result (item 17a). Both are found by
``enrich.trial.trial_facts``, the same reading that fills the evidence table, so the table's
arms and effect are shown in full here, cited to the same passages.
"""
from __future__ import annotations

import re

from ..enrich.effect import aside
from ..enrich.numbers import DOSE, NUMWORD
from ..people import PEOPLE_NOUNS
from ..records import Passage
from .evidence import Study
from .memo import study_facts
from .relevance import POOLED
from .results import reports_finding

# Six leading studies told (read sets' key facts 424 -> 407 failed against four; eight: 397, an answer
# grown by a further eight sentences or so for ten facts).
MAX_KEY_STUDIES = 6
# Designs whose own result answers a treatment question, controlled first; case series and case
# reports fill the places left, as the seed answers tell them one by one where they are the
# evidence on what was asked (surveys, and unclassified records without results, are shown in the
# other sub-sections). Within each, the studies come in the ranker's order (``study_rank``).
CONTROLLED = ("meta_analysis", "systematic_review", "rct", "non_randomised_trial", "cohort", "case_control")
UNCONTROLLED = ("case_series", "case_report")
# Abstract roles of an allocation sentence and of a result sentence.
_DESIGN_ROLES = ("methods", "objective", "")
_RESULT_ROLES = ("results", "conclusions", "")
_DESIGN_WORD = re.compile(r"\b(?:randomi[sz]ed|randomly|double[- ]blind\w*|placebo[- ]controlled|crossover|cross-over|"
                          r"cohort|case[- ]control|meta-analy\w*|systematic review|prospective|retrospective|"
                          r"multicent(?:er|re)|trials?)\b", re.I)
_DURATION = re.compile(r"\b\d+(?:[.\u00b7]\d+)?[- ](?:weeks?|wk|months?|years?|days?)\b|\b(?:one|two|three|four|five|six|"
                       r"seven|eight|nine|ten|twelve)[- ](?:weeks?|months?|years?)\b", re.I)
# "n = 40", "1,200 patients", "Thirty-one (31) women"
_COUNT = re.compile(rf"\b(?:n\s*=\s*\d+|{NUMWORD}\s+(?:\(\d+\)\s+)?(?:{PEOPLE_NOUNS}))\b", re.I)


# What a review pooled: "60 randomized controlled trials", "22 were judged suitable", "30 publications".
_STUDY_COUNT = re.compile(rf"\b{NUMWORD}\s+(?:\(\d+\)\s+)?(?:[\w-]+\s+){{0,3}}?(?:studies|trials|articles|publications|"
                          r"papers|reports|RCTs|were (?:judged|deemed|found) (?:suitable|eligible))\b", re.I)


def design_passage(s: Study) -> Passage | None:
    """The sentence that says best how the study was done (``design_passages``), or None."""
    return next(iter(design_passages(s)), None)


def design_passages(s: Study) -> list[Passage]:
    """The sentences that say how the study was done, best first: among its methods and aims
    sentences, those stating most of the design, a duration, a dose and a count of participants
    (CONSORT items 3, 4 and 5); of a review, the sentence counting the studies it pooled (PRISMA
    item 16, often written among its results) counts twice, and so does the count of participants.
    A sentence that states fewer than two describes something else."""
    scored = []
    review = s.design in POOLED
    for p in s.passages:
        role = s.sentence_roles.get(p.seq, "")
        if p.section == "TITLE" or (role not in _DESIGN_ROLES and not (review and role == "results")):
            continue
        # how many took part counts twice: it is what a reader weighs a trial by (CONSORT item 13)
        score = sum(bool(x.search(p.text)) for x in (_DESIGN_WORD, _DURATION, DOSE)) + \
            2 * bool(_COUNT.search(p.text)) + (2 * bool(_STUDY_COUNT.search(p.text)) if review else 0)
        if score > 1:
            scored.append((-score, p.seq, p))
    return [p for *_, p in sorted(scored)]


_PRIMARY = re.compile(r"\b(?:primary|main) (?:outcome|end ?point|objective|aim)\b", re.I)


def primary_outcome_passage(s: Study) -> Passage | None:
    """The sentence naming a planned study's primary outcome (SPIRIT 2013 item 12)."""
    return next((p for p in s.passages if p.section != "TITLE" and _PRIMARY.search(p.text)), None)


def _untyped_with_results(s: Study) -> bool:
    """A direct study the design reader could not type ("[Loratadine versus terfenadine in perennial
    rhinitis]", a pharmacovigilance series) that reports results: told among the controlled ones (a
    retracted one never is)."""
    return s.design == "other" and s.relevance == "direct" and not s.appraisal.retracted and any(
        s.sentence_roles.get(f.passage.seq) == "results" and reports_finding(f.passage.text) for f in s.findings)


def key_passages(query, ranked: list[Study], used: set[str] = frozenset()) -> list[tuple[Study, Passage]]:
    """For the leading studies (direct, then indirect): each one's design sentence, then its main
    result (the evidence table's effect, or else its first decisive results sentence that is not
    about harms, subgroups or secondary outcomes); ``used``: passage ids already quoted elsewhere."""
    hint = query.interventions[0] if query.interventions else ""
    # Direct studies first; where fewer answer directly, the nearest indirect ones (another
    # population or comparator, GRADE 5.2.4) are the best evidence there is, and are shown too.
    chosen = [s for rel in ("direct", "indirect") for designs in (CONTROLLED, UNCONTROLLED) for s in ranked
              if (s.clinical and s.relevance == rel and s.design in designs) or (designs is CONTROLLED and rel == "direct"
                                                                                  and _untyped_with_results(s))]
    # ... unless a study the ranker puts first or second is another: it is one the question is about, and leads, when it
    # is indirect (another comparator the question names as a group, "as in Caucasian patients") or of a design told
    # elsewhere (a review, an untyped record); a protocol has no result yet. (Read sets' key facts failed: the first
    # study, 404 -> 399; the second too, session 48: checks 6,470 -> 6,480 of 7,491, measured in a version that also
    # moved a second indirect study ahead of the direct ones.)
    for i, top in enumerate(ranked[:2]):
        among = any(s is top for s in chosen)
        if (i == 0 and among and top.relevance == "indirect") or (
                not among and top.relevance != "background" and top.design != "protocol" and not top.appraisal.retracted):
            chosen = [s for s in chosen if s is not top]
            chosen.insert(i, top)
    out: list[tuple[Study, Passage]] = []
    for rank, s in enumerate(chosen[:MAX_KEY_STUDIES]):
        facts = study_facts(s.record, s.passages, hint)
        by_seq = {p.seq: p for p in s.passages if p.section != "TITLE"}
        # The leading study is told with its next two design sentences too (arms, doses, schedule,
        # outcome measures: what its results are results of).
        designs = design_passages(s)[:3 if rank == 0 else 1]
        design = designs[0] if designs else None
        out += [(s, d) for d in designs]
        results = [f.passage for f in s.findings if s.sentence_roles.get(f.passage.seq, "") == "results"
                   and f.passage.id not in used and not aside(f.passage.text) and reports_finding(f.passage.text)
                   and (design is None or f.passage.id != design.id)]
        effect = by_seq.get(facts.effect.seq) if facts.effect else None
        if effect is None or effect.id in used or (design is not None and effect.id == design.id) or \
                s.sentence_roles.get(effect.seq, "") not in _RESULT_ROLES:
            effect = results[0] if results else None
        if effect is not None and (design is None or effect.id != design.id):
            out.append((s, effect))
    return out
