"""Evidence -> Answer: the sections of DESIGN.md, the verdict, the table and references.

``compose`` is pure given the candidates: studies (relevance, stance, duplicates) -> verdict
-> sections chosen by intent -> evidence table -> references numbered in order of first
citation. Every statement quotes a source sentence or states nothing its cited passages do
not write (checked by ``faithfulness.violations`` in the tests).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..citation import link, vancouver
from ..enrich.sentence_reader import result_probability
from ..query import Query
from ..records import Passage
from ..retrieve import Candidate
from .asked_harm import names_harm
from .evidence import Study, build_studies
from .sections import METHODS_RESULT, mechanism_ranked, research, safe, unaddressed
from .writer import AnswerSection, Statement, Subsection, Writer
from .key_sentences import most_wanted
from .results import reports_finding
from .select import Scored, score_studies
from .study_rank import rank_shares
from .table import EvidenceRow, table
from .verdict import HEDGE_BAND, Verdict, body_of_evidence, grade, read_by_direction

__all__ = ["Answer", "AnswerSection", "EvidenceRow", "Reference", "Statement", "Subsection", "ask", "compose"]


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
    writer: str = "extractive"      # who wrote the statements: extractive | llm (synthesis/prose.py)
    replaced: int = 0               # model sentences the citation guard refused (extractive shown instead)


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

    def whole(self, study: Study) -> int:
        """Cite a study as a whole (in a tally): its key finding is the passage shown."""
        return self.cite(study, study.key_passage())

    def passages(self, refs) -> list[Passage]:
        return [p for n in refs for p in self.used[self.order[n - 1].record.id].values()]

    def references(self) -> tuple[Reference, ...]:
        out = []
        for i, s in enumerate(self.order):
            used = self.used[s.record.id] or {s.key_passage().seq: s.key_passage()}
            out.append(Reference(i + 1, s.record.id, vancouver(s.record), s.design, link(s.record),
                                 tuple(sorted(used.values(), key=lambda p: p.seq))))
        return tuple(out)


def weighed(query: Query, candidates: list[Candidate]):
    """The studies of the candidates, their sentences scored for the question, the relevant ones
    ranked by how squarely each answers it, and each one's share of that ranking
    (``study_rank.rank_shares``): (studies, scored, ranked, shares)."""
    studies = build_studies(query, candidates)
    relevant = [s for s in studies if s.relevant]
    scored = score_studies(query, relevant)
    return (studies, scored, *rank_shares(query, relevant, scored))


def compose(query: Query, candidates: list[Candidate]) -> Answer:
    # Told in the order of how squarely each answers the question (the stance model's P(yes) for a
    # yes/no answer weighs them in retrieval order instead: verdict.yes_probability).
    studies, scored, ranked, shares = weighed(query, candidates)
    verdict = grade(studies, query, scored, shares)
    citer = _Citer()
    writer = Writer(query, scored, citer.cite)
    guidelines, found = _guidelines(writer, query, ranked, verdict, citer), research(writer, query, ranked, verdict)
    if query.intent == "safety" and not query.adverse:
        # A harms question's key point is the aggregated list of adverse effects, when there is one
        # (a question about one harm leads with what the studies found of it, in _guidelines).
        listed = next((st for sub in found.subsections if sub.heading == "Safety" for st in sub.statements
                       if st.kind == "list"), None)
        if listed is not None:
            guidelines = replace(guidelines, key_points=(listed, *guidelines.key_points))
    guidelines = replace(guidelines, key_points=_with_most_relevant(writer, query, ranked, shares, guidelines.key_points))
    rows = table(query, ranked, citer.cite)
    # Another report of a trial cited (counted once: evidence.main_reports) is listed after the others, as a review
    # lists every report of an included study (Cochrane Handbook, 4.6.2): a reader finds the report they know.
    for s in studies:
        if s.duplicate_of in citer.used:
            citer.whole(s)
    sections, rows, refs = in_reading_order((guidelines, found), tuple(rows), citer.references())
    return Answer(query.question, query, verdict, sections, rows, refs, tuple(_warnings(query, studies, verdict)))


def in_reading_order(sections: tuple[AnswerSection, ...], rows: tuple[EvidenceRow, ...],
                     refs: tuple[Reference, ...]):
    """The references renumbered by first citation in the order the answer is read (each section's
    statements, its key points, its sub-sections, then the table): the sections are not written
    in that order (the last key points take what the research left), nor the yes/no opening."""
    order: list[int] = []
    for n in [c for sec in sections for st in (*sec.statements, *sec.key_points,
                                               *(x for sub in sec.subsections for x in sub.statements))
              for c in st.citations] + [r.ref for r in rows] + [r.n for r in refs]:
        if n not in order:
            order.append(n)
    new = {old: i + 1 for i, old in enumerate(order)}

    def renumbered(st: Statement) -> Statement:
        return replace(st, citations=tuple(sorted(new[c] for c in st.citations)),
                       support=tuple((new[c], seq) for c, seq in st.support))
    sections = tuple(replace(sec, statements=tuple(map(renumbered, sec.statements)),
                             key_points=tuple(map(renumbered, sec.key_points)),
                             subsections=tuple(replace(sub, statements=tuple(map(renumbered, sub.statements)))
                                               for sub in sec.subsections)) for sec in sections)
    return (sections, tuple(replace(r, ref=new[r.ref]) for r in rows),
            tuple(sorted((replace(r, n=new[r.n]) for r in refs), key=lambda r: r.n)))


# The key points that state the sentences most relevant to the question no section told, and how
# many leading direct records of any design they are drawn from besides the body of evidence. (Three
# sentences rather than two, once the key-sentence model chose them: key facts missed on the read
# sets with held-out models 379 -> 359 of 2,286; four rather than three: 402 -> 383 of 2,545 with
# the shipped models, a fifth adds 7 more. The model's probabilities are too flat (0.1-0.27) to
# choose the count by.)
TOP_POINTS, LEADING_RECORDS = 4, 3
ADDED_ROLES = ("results", "conclusions", "methods", "")      # abstract roles those sentences may have


def leading(ranked: list[Study]) -> list[Study]:
    """The studies the most relevant sentences are drawn from: the leading ones of the body of
    evidence and the leading direct records of any design (a review or a laboratory study may be
    what answers a dosing or mechanism question)."""
    sources = (body_of_evidence(ranked)[0] or ranked)[:8]
    return sources + [s for s in [s for s in ranked if s.relevance == "direct"][:LEADING_RECORDS] if s not in sources]


def may_add(query: Query, sc: Scored) -> bool:
    """Whether a sentence may be one of the key points added by ``_with_most_relevant``."""
    described = query.intent == "dosing" or (query.question_type != "yesno"
                                             and query.intent not in ("efficacy", "comparison"))
    return sc.role != "methods" or described or result_probability(sc.passage.text) >= METHODS_RESULT


def _with_most_relevant(w: Writer, query: Query, ranked: list[Study], shares: dict[str, float],
                        points: tuple[Statement, ...]) -> tuple[Statement, ...]:
    """The key points with the untold sentences a clinician most likely asked for (the key-sentence
    model, ``key_sentences.most_wanted``), after the direct answer and before the tallies: a
    particular fact asked (a head-to-head result, a dose, an age range) is often none of the
    sentences a section's role takes. A harms question takes only sentences on harms. A methods
    sentence may be one of them (``may_add``) where the reader is as sure it reports a result as
    Key Studies asks (METHODS_RESULT: unlabelled abstracts put results among their methods), or
    where the question asks how a treatment is used (a dose, or a wh-question on use, harms or
    interactions: "who was treated", "what dose was used")."""
    extra: list[Statement] = []
    w.add_most_relevant(extra, leading(ranked), TOP_POINTS, "safety" if query.intent == "safety" else "any",
                        ADDED_ROLES, lambda sc: may_add(query, sc), lambda found: most_wanted(found, ranked, shares))
    summaries = [i for i, st in enumerate(points) if st.kind == "summary"]
    skip = 1 if query.question_type == "yesno" else 0      # the direct answer ("Yes — ...") stays first
    at = summaries[skip] if len(summaries) > skip else len(points)
    return (*points[:at], *extra, *points[at:])


def _topic(query: Query) -> str:
    inter = " and ".join(query.interventions) or "the asked treatment"
    asked = query.conditions[0] if query.conditions else ""
    return f"{inter} for {asked}" if asked else inter


def _direct_answer(query: Query, verdict: Verdict, body: list[Study], citer: _Citer) -> Statement | None:
    """A yes/no question opens with its answer: "Yes — …", "No — …" or "Uncertain — …"."""
    if query.question_type != "yesno":
        return None
    inter = " and ".join(query.interventions)
    pro = [s for s in body if s.direction == "favours"]
    con = [s for s in body if s.direction in ("no_difference", "against")]
    word = {"yes": "Yes", "no": "No", "uncertain": "Uncertain"}[verdict.answer]
    hedged = verdict.p_yes is not None and HEDGE_BAND[0] < verdict.p_yes < HEDGE_BAND[1]
    if (verdict.direction in ("mixed", "insufficient") or hedged) and verdict.answer != "uncertain":
        word = f"Probably {verdict.answer}"
    by_id = {s.record.id: s for s in body}
    stance_based = [by_id[i] for i in verdict.basis if i in by_id]
    # A question other than a treatment effect is answered by the stance model over the leading
    # records (verdict.basis): the answer cites the records it rests on.
    by_stance = not read_by_direction(query, verdict.direction)
    if verdict.answer == "yes" and query.claim == "equivalence" and verdict.direction == "no_difference":
        cited = con or stance_based or body
        comp = " or ".join(query.comparators) or "the comparison"
        what = f"the studies found report no difference between {inter} and {comp}" if inter else \
            "the studies found report no difference"
    elif verdict.answer in ("yes", "no") and query.adverse:
        # "Does X impair memory?": yes is the harm found, no is none found ("Is X safe?": the
        # other way round).
        harmed = (verdict.answer == "yes") != query.safe
        found_it = [s for s in body if s.direction == "against"]
        cited = (found_it if harmed else [s for s in body if s.direction in ("no_difference", "favours")]) \
            or stance_based or body
        what = ("the studies found report harm" if query.safe else "the studies found report this harm") if harmed \
            else ("the studies found do not report harm" if query.safe else "the studies found do not report this harm")
    elif verdict.answer in ("yes", "no") and by_stance and stance_based:
        cited = stance_based
        what = "the studies found support it" if verdict.answer == "yes" else "the studies found do not support it"
    elif verdict.answer == "yes":
        cited = (pro if verdict.direction == "favours" else []) or stance_based or pro or body
        where = f" in {query.conditions[0]}" if query.conditions and all(s.relevance == "direct" for s in cited) else ""
        what = (f"the studies found report benefit of {inter}{where}" if inter and query.intent == "efficacy"
                else "the studies found support it")
    elif verdict.answer == "no":
        cited = (con if verdict.direction in ("no_difference", "against") else []) or stance_based or con or body
        comp = " or ".join(query.comparators) or "the comparison"
        what = (f"the studies found report no benefit of {inter} over {comp}"
                if inter and verdict.direction == "no_difference" and query.intent in ("efficacy", "comparison")
                else "the studies found do not support it")
    else:
        cited = body
        what = ("the studies found disagree" if pro and con else
                "too few studies address the question to answer it")
    if verdict.direction in ("mixed", "insufficient") and verdict.answer != "uncertain":
        what += ", though the evidence is limited or inconsistent"
    refs = tuple(sorted({citer.whole(s) for s in cited[:8]}))
    text = safe(f"{word} — {what}.", citer.passages(refs), f"{word} — see the studies cited.")
    return Statement(text, refs, "summary")


def _guidelines(w: Writer, query: Query, ranked: list[Study], verdict: Verdict, citer: _Citer) -> AnswerSection:
    statements: list[Statement] = []
    guidelines = [s for s in ranked if s.design == "guideline"]
    direct = [g for g in guidelines if g.relevance == "direct"]
    w.take(statements, direct[:3], "efficacy", ("results", "conclusions", "methods", ""), 3)
    if not direct:
        topic = _topic(query)
        statements.append(Statement(safe(
            f"No guideline, consensus or Delphi statement in the indexed corpus addresses {topic}; "
            "the points below are drawn from the research that follows.", [],
            "No guideline, consensus or Delphi statement in the indexed corpus addresses this question; "
            "the points below are drawn from the research that follows."), kind="summary"))
        w.take(statements, guidelines[:2], "efficacy", ("results", "conclusions", ""), len(statements) + 2)
    body, indirect = body_of_evidence(ranked)
    key_points: list[Statement] = []
    opening = _direct_answer(query, verdict, (body + [s for s in ranked if s not in body]) if body else ranked,
                             citer)
    if opening:
        key_points.append(opening)
    sources = (body or ranked)[:8]
    if query.adverse:
        # "Does X do harm Y?": the key point is what the deciding studies found of Y.
        deciding = [s for s in sources if s.direction in ("against", "no_difference")]
        best = max(((reports_finding(sc.passage.text), sc.relevance, -i, st, sc) for i, st in enumerate(deciding)
                    for sc in w.best(st, "any", ("results", "conclusions", ""), lambda t: names_harm(query, t))),
                   default=None, key=lambda t: t[:3])
        if best is not None:
            w.add(key_points, best[3], best[4].passage)
    if query.intent == "mechanism":
        # A mechanism question's key point is the sentence that says the most about it, wherever
        # it stands (laboratory and review records study mechanisms; trials rarely do).
        lead = mechanism_ranked(w, [s for s in ranked if s.relevant])
        if lead:
            w.add(key_points, lead[0][0], lead[0][1].passage)
    if query.intent not in ("efficacy", "comparison"):
        # What a dosing, safety or interaction question asks is often a particular fact (serum
        # levels, a dose reached, an exposure raised): the sentence most relevant to the question
        # states it, whatever answer role its words have.
        w.add_most_relevant(key_points, leading(ranked), 1)
    lead_roles = {"dosing": ("clinical_use", "efficacy", "safety"), "safety": ("safety", "efficacy"),
                  "contraindications": ("safety", "clinical_use"), "mechanism": ("efficacy",),
                  "comparison": ("comparison", "efficacy", "safety")}.get(
        query.intent, ("efficacy", "clinical_use", "safety") if query.interventions else ("any",))
    # A comparison of harms ("Does A cause more weight gain than B?") is answered by sentences that
    # name the harm, whatever else the trials found.
    fits = (lambda t: names_harm(query, t)) if query.harm and query.outcomes else None
    for role in lead_roles if not query.adverse else ("safety",):
        # A key point states a finding: sentences that report one come before those that only
        # describe the studies (``results.reports_finding``), then the most relevant.
        best = max(((role != "efficacy" or reports_finding(sc.passage.text), sc.relevance, -i, st, sc)
                    for i, st in enumerate(sources)
                    for sc in w.best(st, role, ("results", "conclusions", "") if role != "clinical_use"
                                     else ("methods", "results", "conclusions", ""), fits)),
                   default=None, key=lambda t: t[:3])
        if best is not None:
            w.add(key_points, best[3], best[4].passage)
    asked = query.conditions[0] if query.conditions and not indirect else ""
    inter = " and ".join(query.interventions)
    # The tallies: who found benefit and who found none; for "Does X do harm Y?" benefit is not
    # asked, the harm is.
    tallies = (((("against",), f"Harm from {inter} is reported by the studies cited here.",
                 "Harm is reported by the studies cited here."),
                (("no_difference", "favours") if query.safe else ("no_difference",),
                 f"No harm from {inter} is found by the studies cited here.",
                 "No harm is found by the studies cited here.")) if query.adverse else
               ((("favours",), f"Benefit of {inter}{' in ' + asked if asked else ''} is reported by the studies "
                 "cited here.", "Benefit is reported by the studies cited here."),
                (("no_difference", "against"), f"No difference or no benefit of {inter} is reported by the studies "
                 "cited here.", "No difference or no benefit is reported by the studies cited here.")))
    for directions, text, fallback in tallies:
        refs = sorted({citer.whole(s) for s in body if s.direction in directions})
        if inter and refs:
            key_points.append(Statement(safe(text, citer.passages(refs), fallback), tuple(refs), "summary"))
    for facet in unaddressed(query, ranked):
        key_points.append(Statement(safe(f"No record in the library addresses {facet}.", [],
                                         "No record in the library addresses part of the question."),
                                    kind="summary"))
    caution = {"low": "The certainty of this evidence is low; treat these findings with caution.",
               "very_low": "The certainty of this evidence is very low; it rests on small, uncontrolled or "
                           "indirect studies and should not guide treatment on its own."}.get(verdict.certainty)
    if caution:
        key_points.append(Statement(caution, kind="summary"))
    return AnswerSection("From the Guidelines", tuple(statements), tuple(key_points), ())


def _warnings(query: Query, studies: list[Study], verdict: Verdict) -> list[str]:
    out = []
    if not query.interventions and query.intent in ("efficacy", "comparison", "dosing", "safety"):
        out.append("No intervention was recognised in the question; results follow the words used.")
    if not studies:
        out.append("No indexed record matches this question; ingest more literature (evidex ingest).")
    for s in studies:
        if s.appraisal.retracted:
            out.append(f"{s.record.id} is a retracted publication and is not used as evidence.")
    background = [s for s in studies if s.relevance == "background"]
    if background and not any(s.relevant for s in studies if s.clinical):
        out.append(f"{len(background)} record(s) match the question's words but do not study the asked "
                   "treatment; they are not counted as evidence.")
    dups = [s for s in studies if s.duplicate_of]
    for s in dups:
        out.append(f"{s.record.id} reports the same trial as {s.duplicate_of}; it is counted once.")
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
    from ..resolve import resolve
    from ..retrieve import retrieve
    query = resolve(store, parse_question(question))
    return compose(query, retrieve(store, query, limit, mode=mode))
