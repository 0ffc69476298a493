"""View models: what each page shows, built from stored records and answers (pure).

Nothing here renders HTML or touches a request: routes call these functions and hand
the results to the autoescaped templates.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from ..citation import link, vancouver
from ..enrich.direction import sentence_direction
from ..enrich.design import LEVELS  # Oxford CEBM 2011, simplified
from ..records import DESIGN_NAMES, Passage
from ..render.links import web_link
from ..store import StoredRecord
from ..synthesis.answer import Answer, Reference, Statement
from ..text import passages_of
from . import casefacts, spam

LEVEL_NOTES = {
    1: "Level 1 — systematic review, meta-analysis or guideline",
    2: "Level 2 — randomised controlled trial",
    3: "Level 3 — non-randomised controlled, cohort or case-control study",
    4: "Level 4 — case series, case report or cross-sectional study",
    5: "Level 5 — mechanism, narrative review, opinion or other",
}
DIRECTION_WORDS = {"favours": "Favours the treatment", "mixed": "Mixed results", "against": "Against the treatment",
                   "insufficient": "Insufficient evidence", "no_difference": "No difference", "unclear": "Unclear"}
NUMBER_KINDS = {"p_value": "p-value", "nnt": "Number needed to treat", "ratio": "Ratio (RR/OR/HR)",
                "ci": "95% confidence interval", "percent": "Percentage", "score_change": "Score change",
                "mean_difference": "Mean difference", "duration": "Duration", "sample_size": "Sample size"}
SUMMARY_CHARS = 240


def record_href(record_id: str, seq: int | None = None) -> str:
    base = "/records/" + quote(record_id, safe=":/")
    return base if seq is None else f"{base}?hl={seq}#p{seq}"


def topic_href(kind: str, name: str) -> str:
    return f"/browse/{kind}/{quote(name, safe='')}"


def design_name(label: str) -> str:
    return DESIGN_NAMES.get(label, label.replace("_", " ").capitalize())


def short_design(label: str) -> str:
    """Compact design name for tables ("RCT" is what clinicians write)."""
    return {"rct": "RCT", "non_randomised_trial": "Non-randomised trial"}.get(label, design_name(label))


def study_label(record) -> str:
    """'Soin 2021': first author's surname and year, else the journal, else the title's start."""
    if record.authors:
        who = record.authors[0].split()[0]
    else:
        words = (record.journal or record.title).split()
        who = " ".join(words[:3]) + ("…" if len(words) > 3 else "")
    return f"{who} {record.year}" if record.year else who


# -- answers -------------------------------------------------------------------------------
@dataclass(frozen=True)
class CiteLink:
    n: int
    href: str
    quote: str            # the cited passage, shown as the link's title
    record_id: str


def _cited_passage(statement: Statement, ref: Reference) -> Passage | None:
    """The reference passage this statement quotes (or that this source gave to it, when
    several sources say the same thing), else the reference's first passage."""
    given = {seq for n, seq in statement.support if n == ref.n}
    for p in ref.passages:
        if p.seq in given:
            return p
    for p in ref.passages:
        if p.text.strip() and p.text.strip() in statement.text:
            return p
    return ref.passages[0] if ref.passages else None


def answer_view(answer: Answer, store) -> AnswerView:
    stored = store.get_many([r.id for r in answer.references])
    return AnswerView(answer, {rid: study_label(s.record) for rid, s in stored.items()})


def citation_links(statement: Statement, references: tuple[Reference, ...]) -> list[CiteLink]:
    by_n = {r.n: r for r in references}
    out = []
    for n in statement.citations:
        ref = by_n.get(n)
        if ref is None:
            continue
        p = _cited_passage(statement, ref)
        out.append(CiteLink(n, record_href(ref.id, p.seq if p else None), p.text if p else ref.citation, ref.id))
    return out


@dataclass(frozen=True)
class AnswerView:
    answer: Answer
    labels: dict[str, str] = field(default_factory=dict)     # record id -> "Soin 2021"

    def ref_label(self, n: int) -> str:
        ref = next((r for r in self.answer.references if r.n == n), None)
        return self.labels.get(ref.id, "") if ref else ""

    @property
    def certainty(self) -> str:
        return self.answer.verdict.certainty.replace("_", " ")

    @property
    def direction(self) -> str:
        return DIRECTION_WORDS.get(self.answer.verdict.direction, self.answer.verdict.direction)

    def links(self, statement: Statement) -> list[CiteLink]:
        return citation_links(statement, self.answer.references)

    def ref_href(self, ref: Reference) -> str:
        return record_href(ref.id, ref.passages[0].seq if ref.passages else None)

    def passage_href(self, ref: Reference, p: Passage) -> str:
        return record_href(ref.id, p.seq)

    def source_href(self, ref: Reference) -> str:
        """The reference's own web address, or "" when it is not an http(s) URL."""
        return web_link(ref.url)


# -- browse ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    year: int | None
    design: str
    conditions: tuple[str, ...]
    interventions: tuple[str, ...]


@dataclass
class TopicIndex:
    version: tuple
    entries: dict[str, Entry] = field(default_factory=dict)
    by_kind: dict[str, dict[str, list[str]]] = field(default_factory=lambda: {"condition": {}, "intervention": {}})

    def topics(self, kind: str) -> list[tuple[str, int]]:
        table = self.by_kind.get(kind, {})
        return sorted(((name, len(ids)) for name, ids in table.items()), key=lambda t: (-t[1], t[0]))

    def entries_for(self, kind: str, name: str) -> list[Entry]:
        ids = self.by_kind.get(kind, {}).get(name, [])
        found = [self.entries[i] for i in ids]
        return sorted(found, key=lambda e: (-(e.year or 0), e.title.lower()))


def store_version(conn: sqlite3.Connection) -> tuple:
    """Cheap fingerprint of the literature tables: changes when records are added or files loaded."""
    row = conn.execute("SELECT count(*), max(rowid) FROM records").fetchone()
    files = conn.execute("SELECT count(*), max(finished_at) FROM files").fetchone()
    return (*row, *files)


def build_topic_index(conn: sqlite3.Connection, version: tuple) -> TopicIndex:
    index = TopicIndex(version)
    rows = conn.execute("SELECT id, title, year, design, json_extract(appraisal, '$.conditions'),"
                        " json_extract(appraisal, '$.interventions') FROM records")
    for rid, title, year, design, conds, inters in rows:
        entry = Entry(rid, title, year, design, tuple(json.loads(conds or "[]")), tuple(json.loads(inters or "[]")))
        index.entries[rid] = entry
        for kind, names in (("condition", entry.conditions), ("intervention", entry.interventions)):
            for name in names:
                index.by_kind[kind].setdefault(name, []).append(rid)
    return index


def design_counts(entries: list[Entry]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.design] = counts.get(e.design, 0) + 1
    return sorted(counts.items(), key=lambda t: (LEVELS.get(t[0], 5), -t[1], t[0]))


def one_line_summary(stored: StoredRecord) -> str:
    """One line saying what the article found: the first conclusion sentence that states a
    direction, else the first conclusion sentence, else the last finding, else the first sentence."""
    body = [p for p in passages_of(stored.record) if p.section != "TITLE"]
    if not body:
        return ""
    conclusions = [p for p in body if "CONCLU" in p.section.upper()]
    findings = [p for p in body if sentence_direction(p.text) != "unclear"]
    pick = (next((p for p in conclusions if sentence_direction(p.text) != "unclear"), None)
            or (conclusions[0] if conclusions else None) or (findings[-1] if findings else None) or body[0])
    text = pick.text
    if len(text) > SUMMARY_CHARS:
        text = text[:SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def suggested_question(kind: str, name: str, entries: list[Entry]) -> str:
    """A question to ask about a topic, pairing it with the topic's most studied partner."""
    counts: dict[str, int] = {}
    for e in entries:
        for other in (e.interventions if kind == "condition" else e.conditions):
            counts[other] = counts.get(other, 0) + 1
    partner = max(counts, key=lambda k: (counts[k], k)) if counts else ""
    if kind == "condition":
        return f"Is {partner} effective for {name}?" if partner else f"What treatments are effective for {name}?"
    return f"Is {name} effective for {partner}?" if partner else f"Is {name} effective?"


@dataclass(frozen=True)
class BrowseItem:
    entry: Entry
    summary: str
    citation: str
    href: str


def browse_items(entries: list[Entry], stored: dict[str, StoredRecord]) -> list[BrowseItem]:
    out = []
    for e in entries:
        s = stored.get(e.id)
        if s is None:
            continue
        out.append(BrowseItem(e, one_line_summary(s), vancouver(s.record), record_href(e.id)))
    return out


# -- record page ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sourced:
    label: str
    value: str
    seq: int | None
    sentence: str


@dataclass(frozen=True)
class RecordView:
    stored: StoredRecord
    passages: tuple[Passage, ...]
    sections: tuple[tuple[str, tuple[Passage, ...]], ...]
    highlight: int | None
    citation: str
    external: str                  # an http(s) link to the source, or "" (render.links.web_link)
    numbers: tuple[Sourced, ...]
    cases: tuple[casefacts.CasePanel, ...]
    source_comments: tuple[str, ...]
    source_comments_hidden: int
    topic_words: frozenset[str]

    @property
    def record(self):
        return self.stored.record

    @property
    def appraisal(self):
        return self.stored.appraisal

    @property
    def design(self) -> str:
        return design_name(self.appraisal.design)

    @property
    def level_note(self) -> str:
        return LEVEL_NOTES.get(self.appraisal.level, f"Level {self.appraisal.level}")

    @property
    def design_provenance(self) -> str:
        src = {"publication_type": "PubMed publication type", "mesh": "MeSH headings",
               "title": "the article's title (it says it is a review)", "text_model": "a model reading the title and abstract",
               "text_cues": "wording of the title and abstract", "default": "no design cue found"}
        a = self.appraisal
        return f"from {src.get(a.design_source, a.design_source)}, confidence {a.design_score:.2f}"

    def passage_href(self, seq: int) -> str:
        return record_href(self.record.id, seq)


def _source_of(span: str, passages: tuple[Passage, ...]) -> Passage | None:
    if not span:
        return None
    return next((p for p in passages if span in p.text), None)


def with_highlight(view: RecordView, highlight: int | None) -> RecordView:
    """``view`` with passage ``highlight`` marked (ignored unless it is one of the record's passages)."""
    hl = highlight if highlight is not None and 0 <= highlight < len(view.passages) else None
    return view if hl == view.highlight else replace(view, highlight=hl)


def record_view(stored: StoredRecord, highlight: int | None) -> RecordView:
    record, appraisal = stored.record, stored.appraisal
    passages = tuple(passages_of(record))
    # One group per section, so that the unlabelled parts of an abstract (cohen2006 keeps its
    # sections' parts, not their headings) stay paragraphs of their own: ``Record.text`` joins
    # the sections with a blank line, which lies between two passages of different sections.
    text = record.text()
    groups: list[tuple[str, list[Passage]]] = []
    for prev, p in zip((None, *passages), passages):
        if p.section == "TITLE":
            continue
        if not groups or "\n\n" in text[prev.end:p.start]:
            groups.append((p.section, []))
        groups[-1][1].append(p)
    numbers: list[Sourced] = []

    def add(label: str, value: str, span: str) -> None:
        src = _source_of(span, passages)
        if src is not None and label == "Duration" and f"{span}-old" in src.text.replace(" old", "-old"):
            return                    # "48-year-old" is an age, not a duration
        if any(n.label == label and n.value == value for n in numbers):
            return
        numbers.append(Sourced(label, value, src.seq if src else None, src.text if src else ""))

    if appraisal.n is not None:
        add("Sample size", f"n = {appraisal.n}", appraisal.n_span)
    for d in appraisal.doses:
        sched = ", ".join(x for x in (d.frequency, d.titration) if x)
        add("Dose", d.span + (f" ({sched})" if sched else ""), d.span)
    # Number mentions are computed on read (too costly to store for every record at ingest).
    from ..enrich import appraise
    for n in (appraisal.numbers or appraise(record, detail=True).numbers):
        add(NUMBER_KINDS.get(n.kind, n.kind.replace("_", " ")), n.span, n.span)
    is_case = appraisal.design == "case_report" or any(re.match(r"CASE\b", p.section) for p in passages)
    cases = casefacts.panels(record, appraisal) if is_case else ()
    topic = spam.content_words(record.text() + " " + " ".join(appraisal.conditions + appraisal.interventions))
    shown, hidden = [], 0
    for c in record.comments:
        if spam.check(c.text, topic).held:
            hidden += 1
        else:
            shown.append(c.text)
    view = RecordView(stored, passages, tuple((label, tuple(ps)) for label, ps in groups), None,
                      vancouver(record), web_link(link(record)), tuple(numbers), cases, tuple(shown), hidden,
                      frozenset(topic))
    return with_highlight(view, highlight)
