"""The answer's sections, chosen and ordered by the question's intent (the shape of the seed
answers: guidelines with Key Points first, then the research sub-sections).

Every statement is a source sentence quoted whole, or a short sentence of our own that
states no number, dose or name its cited passages do not write. Sentences are chosen by
relevance to the question (``select``) within the role each sub-section needs; aims and
methods are never filed as findings (a sentence the roles model files under methods is a result
only where the sentence reader is sure it reports one: METHODS_RESULT). Sentences that say the
same thing become one statement citing every source (``writer``).
"""
from __future__ import annotations

from ..enrich.sentence_reader import result_probability
from ..query import Query
from ..records import Passage
from ..retrieve import STOPWORDS, names_another_treatment, names_treatment
from ..text import contains_any, numbers_in, padded_tokens, tokens, words_together
from ..vocab import expansions, is_canonical, lookup
from .dosing import PARTS, doses_in, part_of
from .evidence import Study
from .faithfulness import unsupported_numbers
from .harms import adverse_effects, harm_frequency
from .key_studies import design_passage, key_passages, primary_outcome_passage
from .results import reports_finding
from .roles import cue_words, is_aim
from .select import Scored
from .topical import word_keys
from .verdict import Verdict
from .writer import AnswerSection, Statement, Subsection, Writer

MAX_PER_SUBSECTION = 5
# A sentence the roles model files under methods is a further result of a Key Study only when the
# sentence reader is this sure it reports one: in 5-fold CV on its labelled methods sentences,
# 0.8 makes such a sentence as likely a result (precision 0.88) as one filed under results that
# the reader accepts (0.89); unabridged abstracts put many results among their methods.
METHODS_RESULT = 0.8
FINDINGS = ("results", "conclusions", "")
USE = ("methods", "results", "conclusions", "")
# Which sub-sections lead, by intent; the rest follow in the default order.
ORDER = {
    "efficacy": ("Evidence", "Efficacy", "Comparison to Other Treatments", "Clinical Use", "Safety",
                 "Mechanism of Action", "Limitations", "Trials in Progress"),
    "comparison": ("Comparison to Other Treatments", "Evidence", "Efficacy", "Safety", "Clinical Use",
                   "Mechanism of Action", "Limitations", "Trials in Progress"),
    "dosing": ("Clinical Use", "Safety", "Evidence", "Efficacy", "Mechanism of Action", "Limitations"),
    "safety": ("Safety", "Contraindications and Interactions", "Evidence", "Efficacy", "Clinical Use",
               "Mechanism of Action", "Limitations", "Trials in Progress"),
    "contraindications": ("Contraindications and Interactions", "Safety", "Clinical Use", "Evidence",
                          "Efficacy", "Mechanism of Action", "Limitations"),
    "mechanism": ("Mechanism of Action", "Evidence", "Efficacy", "Clinical Use", "Safety", "Limitations"),
}


def _indirect_prefix(study: Study) -> str:
    if study.relevance != "indirect" or "population" not in study.differs:
        return ""
    pops = [c for c in study.appraisal.conditions[:2] if not numbers_in(c)]
    return f"Indirect evidence ({' and '.join(pops) or 'another population'}): "


def research(w: Writer, query: Query, ranked: list[Study], verdict: Verdict) -> AnswerSection:
    clinical = [s for s in ranked if s.clinical and s.relevant]
    direct = [s for s in clinical if s.relevance == "direct"]
    indirect = [s for s in clinical if s.relevance != "direct"]
    relevant = [s for s in ranked if s.relevant]
    # Null and harmful findings first among the direct ones: contradicting studies are shown.
    direct_nulls_first = sorted(direct, key=lambda s: s.direction not in ("no_difference", "against"))
    inter = " and ".join(query.interventions) or ""
    asked = query.conditions[0] if query.conditions else ""
    built: dict[str, list[Statement]] = {}

    def sub(name: str, studies: list[Study], role: str, roles, cap: int, fits=None, prefix=lambda s: "") -> None:
        got = built.setdefault(name, [])
        w.take(got, studies, role, roles, cap, fits, prefix)

    if query.intent != "mechanism":
        # The leading studies, each with what it did and found (a trial says little of how a drug works):
        # first in an answer on an effect, after the asked intent's own section in any other; told too when
        # the question names no treatment the parser could read (22 of 697 clinician questions).
        key = built.setdefault("Key Studies", [])
        by_study: dict[str, tuple[Study, list[Passage]]] = {}
        # (Without a named treatment, only studies of the asked question itself: an indirect one is told
        # under Efficacy, labelled.)
        for s, p in key_passages(query, ranked if query.interventions else direct, w.seen):
            by_study.setdefault(s.record.id, (s, []))[1].append(p)
        for rank, (study, passages) in enumerate(by_study.values()):
            for p in passages:
                w.quote(key, study, p)
            # Then its results and conclusions most relevant to the question, unless quoted: the
            # leading study's five, the next one's three, two of others (read sets' key facts 373 -> 370 failed).
            more = [sc.passage for sc in w.best(study, "any", ("results", "conclusions", "methods"))
                    if sc.role != "methods" or result_probability(sc.passage.text) >= METHODS_RESULT]
            for p in [p for p in more if reports_finding(p.text)][:5 if rank == 0 else 3 if rank == 1 else 2]:
                w.quote(key, study, p)
    planned = [s for s in relevant if s.design == "protocol"]
    if "Trials in Progress" in ORDER.get(query.intent, ORDER["efficacy"]):
        # Claimed first (shown last): what each trial in progress compares, at what dose and for
        # how long, then what it will measure (SPIRIT 2013 items 11 and 12).
        got = built.setdefault("Trials in Progress", [])
        for s in planned[:2]:
            w.quote(got, s, design_passage(s))
            w.quote(got, s, primary_outcome_passage(s))
    evidence_heading = (f"Evidence for {inter}" + (f" in {asked}" if asked else "")) if inter else "Evidence"
    evidence_heading = evidence_heading[0].upper() + evidence_heading[1:]
    for name in ORDER.get(query.intent, ORDER["efficacy"]):
        if name == "Evidence":
            if names_treatment(query):
                # A treatment (a vocabulary name, or a drug by its INN stem): its findings only.
                sub(name, direct_nulls_first, "efficacy", FINDINGS, MAX_PER_SUBSECTION)
            else:
                # An open question: the most relevant statement of each leading record, whatever
                # its place in the abstract (a stated fact answers it), aims excepted.
                # (A protocol has no finding yet: it is told under Trials in Progress.)
                sub(name, [s for s in relevant if s.design != "protocol"], "any", FINDINGS + ("background", "methods"),
                    MAX_PER_SUBSECTION)
        elif name == "Efficacy":
            sub(name, direct_nulls_first + indirect, "efficacy", FINDINGS, MAX_PER_SUBSECTION + 2,
                prefix=_indirect_prefix)
        elif name == "Comparison to Other Treatments":
            comp_forms = [t for c in query.comparators for t in [c, *tokens(c)] if len(t) > 3]
            # Trials with the comparator as an arm (relevance.study_relevance), not those naming it.
            head_to_head = [s for s in clinical if "comparator" not in s.differs]
            names = (lambda t: any(f in t.lower() for f in comp_forms)) if comp_forms else \
                (lambda t: names_another_treatment(query, t))
            # A comparison found, not one planned ("these studies were designed to compare ...").
            # The leading section of a comparison question is as full as any other's.
            sub(name, head_to_head, "comparison", FINDINGS, MAX_PER_SUBSECTION if query.intent == "comparison" else 3,
                lambda t: names(t) and reports_finding(t))
        elif name == "Clinical Use":
            built[name] = _clinical_use(w, relevant)
        elif name == "Safety":
            built[name] = _safety(w, relevant)
        elif name == "Contraindications and Interactions":
            built[name] = _facets(w, query, relevant)
        elif name == "Mechanism of Action":
            # The leading section of a mechanism question is as full as any other's; elsewhere a
            # mechanism is told of the asked treatment by name (not of a review's other drugs).
            built[name] = _mechanism(w, relevant, MAX_PER_SUBSECTION if query.intent == "mechanism" else 3,
                                     None if query.intent == "mechanism" else w.names_asked)
        elif name == "Limitations":
            sub(name, relevant, "limitations", FINDINGS, 3)
        elif name == "Trials in Progress":
            # Protocols of trials of the asked treatment (SPIRIT 2013): no result, but the trial exists.
            sub(name, planned, "any", ("objective", "methods", "background", ""), max(len(built[name]), 2))
    subs, order = [], ORDER.get(query.intent, ORDER["efficacy"])
    lead = int(query.intent not in ("efficacy", "comparison"))
    for name in (*order[:lead], "Key Studies", *order[lead:]):
        statements = built.get(name)
        if statements:
            heading = evidence_heading if name == "Evidence" else name
            subs.append(Subsection(heading, tuple(statements)))
    return AnswerSection("From the Research", (), (), tuple(subs))


def mechanism_ranked(w: Writer, studies: list[Study]) -> list[tuple[Study, Scored]]:
    """Mechanism sentences: first those naming the mechanism the question asks about ("a rise in
    endorphins", in any of its sentences: "How does X work? Does it boost endorphins?"), the study that
    tested it answering rather than a review's general account; then those of the ranker's first three
    studies (``studies`` come in its order), laboratory and review records before trials (mechanisms are
    studied there), those that say the most about it (distinct cue words), then rank and relevance. (The 29
    mechanism questions of the read sets, session 48: 154 -> 165 of 204 checks, key facts 59 -> 67 of 86;
    the ranker's order before the lab-or-review preference read more of them, 167, but led "How does
    gabapentin work?" with a trial's methods sentence.)"""
    asked = {k for k in word_keys(" ".join(w.query.outcomes or w.query.keywords)) if len(k) > 3 and k not in STOPWORDS}
    found = [(s, sc) for s in studies for sc in w.best(s, "mechanism", USE + ("background",))]
    names = lambda text: asked & word_keys(text.replace("-", " "))      # "beta-endorphin" names endorphins  # noqa: E731
    rank = {s.record.id: i for i, s in enumerate(studies)}
    return sorted(found, key=lambda t: (not names(t[1].passage.text), rank[t[0].record.id] >= 3, t[0].clinical,
                                        -len(cue_words("mechanism", t[1].passage.text)), rank[t[0].record.id],
                                        -t[1].relevance))


def _mechanism(w: Writer, studies: list[Study], cap: int, fits=None) -> list[Statement]:
    out: list[Statement] = []
    per: dict[str, int] = {}
    for s, sc in mechanism_ranked(w, studies):
        if len(out) >= cap:
            break
        if sc.passage.id in w.seen or per.get(s.record.id, 0) >= 2 or (fits and not fits(sc.passage.text)):
            continue
        per[s.record.id] = per.get(s.record.id, 0) + 1
        w.add(out, s, sc.passage)
    return out


def _clinical_use(w: Writer, studies: list[Study]) -> list[Statement]:
    """Regimen parts in prescribing order, each from the most relevant sentences stating it;
    sentences giving the same dose become one statement with several sources."""
    by_part: dict[str, list[tuple[float, Study, Scored]]] = {}
    for s in studies:
        for sc in w.best(s, "clinical_use", USE):
            if not w.about_asked(sc.passage.text):
                continue          # another drug's regimen in the same trial ("received 1.5 mg/kg tramadol")
            part = part_of(sc.passage.text)
            if part:
                # What was given is told in methods; results sentences report what it did.
                boost = 1.3 if sc.role == "methods" else 1.0
                by_part.setdefault(part, []).append((sc.relevance * boost, s, sc))
    out: list[Statement] = []
    for name, _rx in PARTS:
        group = sorted(by_part.get(name, []), key=lambda t: -t[0])[:2]
        start = len(out)
        for _, s, sc in group:
            if sc.passage.id in w.seen:
                continue
            # Two sentences giving the same dose for the same part say the same thing; the same
            # dose said of another part (a start, a bedtime timing) is news.
            same = [st for st in out[start:] if doses_in(st.text) and doses_in(st.text) == doses_in(sc.passage.text)]
            if same:
                i = out.index(same[0])
                out[i] = same[0].also(w.cite(s, sc.passage), sc.passage.seq)
                w.seen.add(sc.passage.id)
            else:
                w.add(out, s, sc.passage)
    return out[:6]


def _safety(w: Writer, studies: list[Study]) -> list[Statement]:
    """One aggregated list of the adverse effects named, then the most relevant harms sentences."""
    effects: dict[str, set[int]] = {}
    sources: list[tuple[Study, Passage]] = []
    support: list[tuple[int, int]] = []
    for s in studies:
        # Every harms sentence counts for the list, quoted elsewhere or not, wherever it stands.
        for sc in w.scored.get(s.record.id, []):
            if sc.role in ("objective", "title") or "safety" not in s.roles.get(sc.passage.seq, ()) \
                    or not w.about_asked(sc.passage.text):
                continue          # another drug's harms ("NSAIDs cause gastrointestinal bleeding") are not these
            items = adverse_effects(sc.passage.text, w.names)
            if items or harm_frequency(sc.passage.text):
                sources.append((s, sc.passage))
                for item in items:
                    effects.setdefault(item.lower(), set()).add(w.cite(s, sc.passage))
                    support.append((w.cite(s, sc.passage), sc.passage.seq))
    out: list[Statement] = []
    if len(effects) >= 2:
        ranked = sorted(effects.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:10]
        refs = tuple(sorted(set().union(*(r for _, r in ranked))))
        out.append(Statement("Adverse effects reported: " + ", ".join(k for k, _ in ranked) + ".", refs, "list",
                             tuple(k for k, _ in ranked), tuple(x for x in dict.fromkeys(support) if x[0] in refs)))
    for s, p in sources[:2]:
        if p.id not in w.seen:
            w.add(out, s, p)
    w.take(out, studies, "safety", FINDINGS, 4)
    return out


def names_facet(facet: str):
    """A test of whether a sentence speaks of a facet: a vocabulary name by any of its forms as
    a phrase ("pregnant women", "in utero" for pregnancy; not each of their words), a phrase the
    vocabulary lacks by any of its longer words ("bleeding" in "recurrent ulcer bleeding")."""
    forms = expansions(facet) + expansions(getattr(lookup(facet), "canonical", facet))   # stomach: gastric ulcer
    if len(forms) > 1 or is_canonical(facet):
        return lambda t: contains_any(padded_tokens(t), [facet, *forms]) or words_together(t, [facet, *forms])
    words = [t for t in tokens(facet) if len(t) > 3]
    return (lambda t: any(x in t.lower() for x in words)) if words else None


def _facets(w: Writer, query: Query, studies: list[Study]) -> list[Statement]:
    """Each asked facet (pregnancy, a co-medication) with the sentences that address it, or a
    plain statement that no record does."""
    out: list[Statement] = []
    # Whether two drugs may be taken together is asked of the drugs, not of the disease treated.
    for facet in [f for f in query.facets if not (query.co_treatments and f in query.conditions)]:
        def fits(text: str, named=names_facet(facet)) -> bool:
            # what a study found, not what it set out to do (a facet of short words matches any)
            return (named is None or named(text)) and not is_aim(text)
        before = len(out)
        for s in studies:
            # Harms first; then any sentence naming the facet, wherever it stands (trials that
            # excluded it, a mechanism that explains an interaction).
            got = w.best(s, "safety", USE, fits) or \
                [sc for role in ("clinical_use", "efficacy") for sc in w.best(s, role, USE, fits)] or \
                w.best(s, "any", USE + ("background",), fits)
            if got:
                w.add(out, s, got[0].passage)
            if len(out) - before >= 2:
                break
        if len(out) == before:
            out.append(Statement(f"No record in the library addresses {facet}." if not numbers_in(facet)
                                 else "No record in the library addresses this part of the question.",
                                 kind="summary"))
    return out


def unaddressed(query: Query, studies: list[Study]) -> list[str]:
    """Asked facets that no relevant record mentions at all; when no record studies the asked
    treatment, the treatment itself (the other facets were never looked at on their own)."""
    if query.interventions and not any(s.relevant for s in studies):
        return list(query.interventions)
    text = " ".join(s.record.text() for s in studies if s.relevant)
    missing = []
    for facet in query.facets:
        test = names_facet(facet)
        if test is not None and not test(text):
            missing.append(facet)
    return missing


def safe(text: str, cited: list[Passage], fallback: str) -> str:
    """``text`` if every number in it is written in a cited passage, else ``fallback``."""
    return text if not unsupported_numbers(text, [p.text for p in cited]) else fallback
