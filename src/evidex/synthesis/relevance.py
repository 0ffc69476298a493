"""Whether a record is evidence on the asked question: direct, indirect (which facet differs:
population, intervention, comparator, outcome) or background (GRADE handbook 5.2.4, indirectness).
A record counts for a drug only when the drug is what it studied (its title, aims, methods or
arms), not when it names the drug in passing.
"""
from __future__ import annotations

import re

from ..enrich.roles import sentence_roles
from ..matching import decisive_conditions, names_heading, outcome_forms, query_forms
from ..people import PEOPLE_NOUNS
from ..query import Query
from ..retrieve import Candidate, anchored
from ..text import abbreviation_definitions, contains_any, holds_words, padded_tokens, tokens
from ..vocab import expansions, lookup
from .asked_harm import gives_co_treatment, names_harm

FINDING_ROLES = {"results", "conclusions"}
# Two arms set against each other in a finding ("among captopril vs placebo recipients").
_VERSUS = re.compile(r"[\w-]+\s+(?:vs\.?|versus)\s+[\w-]+", re.I)
_DESCRIBES_PEOPLE = re.compile(rf"\b(?:{PEOPLE_NOUNS}|cases)\s+(?:\w+\s+){{0,2}}?(?:with|who had|having|"
                               r"suffering from|diagnosed with|affected by)\b", re.I)
_COMBINATION = re.compile(r"\s+(?:plus|with|and)\s+|\s*[+/]\s*", re.I)


def abstract_roles(c: Candidate) -> dict[int, str]:
    """passage seq -> sentence role (background, objective, methods, results, conclusions).

    Ingest stores roles only where the abstract's labels give them; an unlabelled abstract's
    sentences are classified here by the roles model (``enrich.roles``)."""
    roles = c.stored.appraisal.sentence_roles or (sentence_roles(c.stored.record) if c.stored.record.sections else ())
    body = [p for p in c.passages if p.section != "TITLE"]
    return {p.seq: roles[i] for i, p in enumerate(body) if i < len(roles)}


# Designs that pool other studies: a review's findings report each treatment it pooled.
POOLED = frozenset({"systematic_review", "meta_analysis"})


def named_as_studied(c: Candidate, sroles: dict[int, str]):
    """A test of whether the record names any of some forms as what it studied: in its title,
    aims, methods or tagged arms; without aims or methods sentences (a short abstract), and of a
    review, in its findings too; in an untitled excerpt (no aims to tell a study from a mention),
    anywhere."""
    record = c.stored.record
    studied_text = record.title + " " + " ".join(
        p.text for p in c.passages if sroles.get(p.seq) in ("objective", "methods")
        or p.section.upper().startswith(("OBJECTIVE", "AIM", "PURPOSE", "METHOD", "DESIGN", "INTERVENTION")))
    tagged = " ".join(c.stored.appraisal.interventions) + " " + " ".join(c.stored.appraisal.pico.get("interventions", []))
    texts = [padded_tokens(studied_text), padded_tokens(tagged)]
    # A review or meta-analysis pools a class and reports each drug in its findings ("olanzapine, 4.15 kg").
    if not any(v in ("objective", "methods") for v in sroles.values()) or \
            c.stored.appraisal.design in POOLED:
        texts.append(padded_tokens(" ".join(p.text for p in c.passages if sroles.get(p.seq) in FINDING_ROLES)))
    if not record.title.strip():
        texts.append(padded_tokens(record.text()))
    # An arm its findings set against another was studied, though the aims name only its class ("ACE
    # inhibition"); a finding that merely mentions a drug compares nothing.
    texts.append(padded_tokens(" ".join(m.group(0) for p in c.passages if sroles.get(p.seq) in FINDING_ROLES
                                        for m in _VERSUS.finditer(p.text))))
    return lambda forms: any(contains_any(t, forms) for t in texts)


def forms_of(query: Query, names) -> list[str]:
    """Every form of the asked names (``query_forms``), a name the library never writes as itself."""
    return [f for n in names for f in query_forms(query, n) or [n]]


def intervention_forms_of(query: Query) -> list[str]:
    return [f for i in query.interventions for f in query_forms(query, i) if len(f) >= 3]


def _studies_comparator(query: Query, studied) -> bool:
    """Whether a record (``studied``: its test from ``named_as_studied``) has an asked
    comparator as an arm; a combination ("ergotamine plus caffeine") also when it names each
    drug of it in its own words ("ergotamine/caffeine", "caffeine and ergotamine")."""
    # "A plus B vs either alone": a trial with an arm for each drug of the combination given alone (it names
    # them so: "amlodipine and atenolol alone", "monotherapy"), not any trial of the combination; "A with B
    # vs A alone": a trial of A (the combination is the asked intervention's arm).
    alone = [x[:-len(" alone")] for x in query.comparators if x.endswith(" alone")]
    if alone and all(studied([f for f in forms_of(query, [a]) if len(f) >= 3]) for a in alone) and (len(alone) == 1 or
            studied(["alone", "monotherapy", "monotherapies", "single drug", "either drug", "each drug"])):
        return True
    for x in query.comparators:
        if studied([f for f in forms_of(query, [x]) + expansions(x) if len(f) >= 3]):
            return True
        parts = [p.strip() for p in _COMBINATION.split(x) if len(p.strip()) >= 3]
        if len(parts) > 1 and all(studied([p]) for p in parts):
            return True
    return False


def named_open(query: Query, candidates: list[Candidate], studied: list) -> bool:
    """A treatment question about a name outside the vocabulary (a new drug: "rizatriptan") is
    held to the same rule as a vocabulary one, records must have studied it, as soon as one
    retrieved record names it as studied; an open phrase no record names as such ("METTL1
    overexpression") is left to the question's words (``topical``)."""
    # Only a one-word name ("rizatriptan", "istiratumab") is trusted as a drug's name; a phrase the
    # grammar cut from the question ("radiotherapy for") is not.
    if anchored(query) or query.intent not in ("efficacy", "comparison", "safety", "dosing", "contraindications") or \
            not query.interventions or any(len(tokens(i)) != 1 or len(i) < 5 for i in query.interventions):
        return False
    forms = intervention_forms_of(query)
    # A name no retrieved record writes at all ("apixaban" over a library without it) is held to
    # the rule too: records that never name the drug say nothing of it.
    return any(test(forms) for test in studied) or not any(
        contains_any(padded_tokens(c.stored.record.text()), forms) for c in candidates)


def study_relevance(query: Query, c: Candidate, sroles: dict[int, str], studied, named: bool) -> tuple[str, tuple[str, ...]]:
    """direct | indirect | background, and the facets an indirect study differs in. ``studied``:
    the record's test from ``named_as_studied``; ``named``: the asked intervention is a name
    records must have studied (a vocabulary name, or see ``_named_open``)."""
    # Whether two drugs given together interact is a property of the drugs: a study giving them
    # together answers, whoever took part (healthy volunteers in most interaction studies).
    combination = query.intent == "contraindications" and bool(query.co_treatments)
    differs: list[str] = [] if combination or c.direct and _names_condition(query, c, sroles) and all(
        _studied_in(c, sroles, [q, *expansions(getattr(lookup(q), "canonical", q))]) for q in query.qualifiers
    ) else ["population"]
    if query.comparators:
        if not _studies_comparator(query, studied):
            # An arm, not a mention: a placebo trial that names the comparator in its background
            # does not answer "A vs B" (GRADE 5.2.4, indirect comparisons).
            differs.append("comparator")
    if not named:
        if (query.harm or query.adverse) and query.outcomes and not measures(query, c, sroles):
            differs.append("outcome")      # a comparison of harms is answered only where the harm is reported
        return ("indirect" if differs else "direct"), tuple(differs)
    if not studied(intervention_forms_of(query)) and not _reviews_use_in(query, c):
        return "background", ()
    if query.outcomes and not measures(query, c, sroles):
        differs.append("outcome")     # a surrogate or another outcome (GRADE 5.2.4)
    # Use in a population or with a co-treatment: a study of it has every asked facet (the
    # condition and the pregnancy, the drug and the co-medication), not just one of them.
    # A harm asked ("cause limb defects or other birth defects") is one of its alternatives.
    asked = [f for f in query.facets if f not in query.interventions and not (query.adverse and f in query.outcomes)
             and f not in query.co_treatments and not (combination and f in query.conditions)]
    text = padded_tokens(c.stored.record.text())
    if query.intent == "contraindications" and (asked or query.adverse) and not (
            all(_mentions_facet(text, f) for f in asked)
            # co-treatments named as alternatives ("opioids such as propoxyphene or tramadol"): any one
            and (not query.co_treatments or gives_co_treatment(query, c.stored.record.text()))
            and (not query.adverse or names_harm(query, c.stored.record.text()))):
        differs.append("population" if "population" not in differs else "intervention")
    return ("indirect" if differs else "direct"), tuple(differs)


def _mentions_facet(padded: str, facet: str) -> bool:
    """A facet in a record's text: a vocabulary name in any of its forms; an open phrase from the
    question ("inadvertent first-trimester exposure") by most of its content words, as records
    word it their own way ("exposure to sumatriptan in the first trimester")."""
    if contains_any(padded, [facet, *expansions(facet)]):
        return True
    words = [w for w in tokens(facet) if len(w) > 3]
    return lookup(facet) is None and len(words) >= 2 and \
        sum(contains_any(padded, [w]) for w in words) >= 2 * len(words) / 3


def _names_condition(query: Query, c: Candidate, sroles: dict[int, str]) -> bool:
    """Whether the record studied the asked condition rather than naming it once in passing (a
    clinic's name, a list of other uses): in its title or its tagged conditions, in two of its
    sentences, or in one of its findings."""
    conds = decisive_conditions(query)
    if not conds or any(a in conds for a in c.stored.appraisal.conditions):
        return True
    return _studied_in(c, sroles, forms_of(query, conds), conds)


def _studied_in(c: Candidate, sroles: dict[int, str], forms: list[str], heads: tuple[str, ...] = ()) -> bool:
    """Whether the record names any of ``forms`` as who it studied: in its title, in two of its
    sentences, or in one finding or one sentence describing its participants. An inverted heading
    of ``heads`` written in the record's own words names it too (``matching.names_heading``)."""
    def names(text: str) -> bool:
        return contains_any(padded_tokens(text), forms) or names_heading(text, heads)
    if names(c.stored.record.title):
        return True
    naming = [p for p in c.passages if p.section != "TITLE" and names(p.text)]
    # one finding about it is a result on it ("fewer myocardial infarctions with naproxen"), and
    # one sentence saying who took part describes them ("95 patients with spinal cord injuries")
    return len(naming) >= 2 or any(sroles.get(p.seq) in FINDING_ROLES or _DESCRIBES_PEOPLE.search(p.text)
                                   for p in naming)


def _reviews_use_in(query: Query, c: Candidate) -> bool:
    """A record titled by an asked population or co-treatment ("Treating allergic rhinitis in
    pregnancy") that names the asked drug in its text studied the drug's use there, though its
    title names no drug: the evidence a question of use in pregnancy or with X looks for."""
    if query.intent != "contraindications":
        return False
    title = padded_tokens(c.stored.record.title)
    asked = [f for f in query.facets if f not in query.interventions]
    return any(contains_any(title, [f, *expansions(f)]) for f in asked) and \
        contains_any(padded_tokens(c.stored.record.text()), intervention_forms_of(query))


def measures(query: Query, c: Candidate, sroles: dict[int, str]) -> bool:
    """Whether the study reports the asked outcome: in its title or a findings sentence, the
    outcome's phrase, or all its content words within one sentence."""
    sentences = [p.text for p in c.passages if p.section == "TITLE" or sroles.get(p.seq) in FINDING_ROLES
                 or p.section.upper().startswith(("RESULT", "CONCLUSION", "FINDING", "INTERPRETATION"))]
    if (query.harm or query.adverse) and any(names_harm(query, text) for text in sentences):
        return True
    # An outcome the record abbreviates ("conditioned pain modulation (CPM)") is reported as "CPM".
    defined = {long.lower(): abbr for p in c.passages for abbr, long in abbreviation_definitions(p.text)}
    short = [defined[o] for o in query.outcomes if o in defined]
    if short and any(re.search(rf"\b{re.escape(a)}\b", text) for a in short for text in sentences):
        return True
    for outcome in query.outcomes:
        # "early mortality" is reported as "6-week mortality": when is not what
        outcome = _WHEN.sub("", outcome) or outcome
        # "post-stroke pain" is written "poststroke pain" too; "drowsiness" as "somnolence" (the vocabulary's name)
        forms = [*outcome_forms([outcome]), *expansions(outcome)]
        for text in sentences:
            padded = padded_tokens(text)
            if contains_any(padded, forms) or holds_words(padded, outcome):
                return True
    return False


_WHEN = re.compile(r"^(?:(?:early|late|later|short[- ]term|long[- ]term|overall|all[- ]cause|total|"
                   r"\d+[- ](?:day|week|month|year))\s+)+", re.I)
