"""What the answer's sections are made of, and the writer that fills them: each statement is a
source sentence quoted whole (or a short sentence of our own that states no number, dose or name
its cited passages do not write), each picked once, alike sentences merged into one statement
citing every source (``sections`` decides which sentences each sub-section takes)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..matching import query_forms
from ..query import Query
from ..records import Passage
from ..retrieve import names_another_treatment
from ..text import contains_any, numbers_in, padded_tokens
from .evidence import Study
from .results import reports_finding
from .select import Scored, same_statement


@dataclass(frozen=True)
class Statement:
    """``kind`` says how a statement rests on its sources: "quote" (a source sentence, whole,
    perhaps after a label ending in ": "), "list" (``items`` each written verbatim in a cited
    passage) or "summary" (our own short sentence, stating no number its sources do not)."""

    text: str
    citations: tuple[int, ...] = ()
    kind: str = "quote"
    items: tuple[str, ...] = ()
    support: tuple[tuple[int, int], ...] = ()    # (citation, passage seq): the sentence each source gave

    def also(self, ref: int, seq: int) -> "Statement":
        """The same statement, with one more source that says the same thing."""
        return Statement(self.text, tuple(sorted(set(self.citations) | {ref})), self.kind, self.items,
                         tuple(dict.fromkeys((*self.support, (ref, seq)))))


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


@dataclass
class Writer:
    """Picks sentences once each, merges those that say the same thing, cites their sources."""

    query: Query
    scored: dict[str, list[Scored]]
    cite: object                                     # (study, *passages) -> reference number
    seen: set[str] = field(default_factory=set)

    @property
    def names(self) -> tuple[str, ...]:
        """The asked treatments' names and their last words (never listed as harms)."""
        out = [*self.query.interventions, *self.query.comparators]
        return tuple({n.lower() for n in out} | {n.split()[-1].lower() for n in out if n.split()})

    @cached_property
    def asked_forms(self) -> list[str]:
        """Every form the library writes of the asked treatments."""
        return [f for i in self.query.interventions for f in query_forms(self.query, i) if len(f) >= 3]

    def names_asked(self, text: str) -> bool:
        """Whether a sentence names an asked treatment."""
        return not self.asked_forms or contains_any(padded_tokens(text), self.asked_forms)

    def about_asked(self, text: str) -> bool:
        """False for a sentence about another treatment only: it names one and no asked one."""
        return self.names_asked(text) or not names_another_treatment(self.query, text)

    def best(self, study: Study, role: str, abstract_roles: tuple[str, ...], fits=None) -> list[Scored]:
        """The study's unused sentences for an answer role, most relevant first. Efficacy draws
        only on the findings that answer the question (``Study.findings``), the more decisive
        (by the stance model) the better."""
        decisive = {f.passage.seq: 1.0 - f.neither for f in study.findings}
        out = [s for s in self.scored.get(study.record.id, [])
               if s.passage.id not in self.seen and s.role in abstract_roles
               and (role == "any" or role in study.roles.get(s.passage.seq, ()))
               and (role != "efficacy" or s.passage.seq in decisive)
               and not truncated(s.passage.text)
               and (fits is None or fits(s.passage.text))]
        weight = (lambda s: 0.5 + 0.5 * decisive.get(s.passage.seq, 0.0)) if role in ("efficacy", "any") \
            else (lambda s: 1.0)
        # A study's finding is a sentence that reports one (a reporting cue or a test: CONSORT
        # 17a); a results sentence that only describes ("the drug was detectable in every
        # participant's serum") comes after every such sentence, however many asked words it holds.
        describes = (lambda s: not reports_finding(s.passage.text)) if role == "efficacy" else (lambda s: False)
        return sorted(out, key=lambda s: (describes(s), -s.relevance * weight(s), s.passage.seq))

    def add(self, into: list[Statement], study: Study, p: Passage, prefix: str = "", merge: bool = True) -> None:
        self.seen.add(p.id)
        ref = self.cite(study, p)
        for i, st in enumerate(into if merge else ()):
            if same_statement(st.text, p.text):
                into[i] = st.also(ref, p.seq)
                return
        into.append(Statement(f"{prefix}{p.text.strip()}", (ref,), support=((ref, p.seq),)))

    def add_most_relevant(self, into: list[Statement], studies: list[Study], count: int, role: str = "any",
                          roles: tuple[str, ...] = ("results", "conclusions", ""), keep=lambda sc: True,
                          order=None) -> None:
        """The ``count`` unused sentences of ``studies`` for an answer ``role`` ("any": whatever
        role their words have), in the abstract ``roles`` and kept by ``keep``, most relevant to the
        question first (or as ``order`` puts the (study, sentence) pairs)."""
        found = [(st, sc) for st in studies for sc in self.best(st, role, roles) if keep(sc)]
        found = order(found) if order is not None else sorted(found, key=lambda t: -t[1].relevance)
        for st, sc in found[:count]:
            self.add(into, st, sc.passage)

    def quote(self, into: list[Statement], study: Study, p: Passage | None) -> None:
        """One study's sentence as a statement of its own (not merged with another study's alike
        sentence: two trials' designs are two trials), unless quoted already or cut off."""
        if p is not None and p.id not in self.seen and not truncated(p.text):
            self.add(into, study, p, merge=False)

    def take(self, into: list[Statement], studies: list[Study], role: str, abstract_roles, cap: int,
             fits=None, prefix=lambda s: "") -> None:
        for s in studies:
            if len(into) >= cap:
                return
            got = self.best(s, role, abstract_roles, fits)
            if got:
                self.add(into, s, got[0].passage, prefix(s))
        if role not in ("efficacy", "comparison"):
            return
        # Room left when few studies answer: the leading studies' further results, those that
        # report a number with a test or a reporting cue (a trial's second result, in its words).
        for s in studies[:3]:
            for sc in self.best(s, role, abstract_roles, fits)[:2]:
                if len(into) >= cap:
                    return
                if numbers_in(sc.passage.text) and reports_finding(sc.passage.text):
                    self.add(into, s, sc.passage, prefix(s))


def truncated(text: str) -> bool:
    """A sentence the source cut off ("... may lessen disea…"): a fragment, never a statement."""
    return text.rstrip().endswith(("…", "...")) and not text.rstrip().endswith(("etc...", "etc…"))
