"""synthesis.roles: the word-led cue matcher gives the six cue searches' roles, sentence by sentence.

The reference is the matcher it replaced, kept here: every cue pattern searched over the whole
sentence. It is compared on every sentence of real abstracts (labelled and unlabelled, MEDLINE
XML, CSV and JSONL) and on hand-made edge cases (case, digits after a dot, hyphens, non-ASCII).
"""
from __future__ import annotations

import re

import pytest

from evidex.ingest import iter_file
from evidex.records import Record
from evidex.synthesis import roles
from evidex.text import passages_of

from .conftest import need_data


def reference_roles_of(sentence: str, section: str = "") -> set[str]:
    """roles_of before the word-led matcher: six searches over the whole sentence."""
    if roles._AIM.match(sentence):
        return set()
    found = {role for role, rx in roles._CUES.items() if rx.search(sentence)}
    if roles.is_context(section):
        found -= {"efficacy", "safety", "comparison", "limitations"}
    hint = roles._SECTION_HINTS.get(section.upper())
    if hint and (hint != "efficacy" or found & {"efficacy"} or not found):
        found.add(hint)
    return found


CORPORA = [("ldn", "dev_corpus.jsonl"), ("cohen2006", "Antihistamines.csv"),
           ("cohen2006", "Triptans.csv"), ("cohen2006", "UrinaryIncontinence.csv"),
           ("pubmed_xml", "titipata_medline16n0902_sample.xml")]


@pytest.mark.parametrize("parts", CORPORA)
def test_roles_equal_the_cue_searches_on_real_abstracts(parts):
    records = [r for r in iter_file(need_data(*parts)) if isinstance(r, Record)]
    checked = 0
    for record in records:
        for p in passages_of(record):
            assert roles.roles_of(p.text, p.section) == reference_roles_of(p.text, p.section), p.text
            checked += 1
    assert checked > 300


EDGES = [
    "", "A", "vs", "VS. placebo", "x vs.y", "drug A vs placebo", "vsx", "Versus", "non-inferior", "NONINFERIOR",
    "noninferiority margin", "head-to-head", "side-effects", "Side effects were mild", "withdrew due to rash",
    "withdrawn because of", "mode of action", "MODE  OF ACTION", "anti-inflammatory", "antiinflammatory",
    "2.5 mg", "x.5 mg", "1.5mg/kg per day", "10 - 20 mg", "a5 mg", "_5 mg", "5mg", "400 IU daily",
    "\u00b5g", "5 \u00b5g", "5 \u03bcg/kg", "\u017fafety", "\u212aey", "S\u0130GNAL", "at night", "At Night",
    "atnight", "up to 3", "upto", "are needed", "is needed", "were  needed", "isneeded", "need for",
    "low-quality", "low quality", "lowquality", "small sample", "small trial", "small trials", "pilot",
    "increased to 40", "increased by", "increases", "started at", "starting", "initially", "off-label",
    "no difference", "did not", "went from", "fell", "rate", "rather", "risk", "biased", "bias",
    "blockade", "blocked", "blocker", "bindings", "binds", "receptor", "pathway", "cytokine", "enzymes",
    "as effective as", "alternative to", "compared with", "compared to", "comparedwith", "than",
    "Tolerability", "complication", "pregnancy", "overdose", "dependence", "interactions",
    "caution", "insufficient evidence", "anecdotal", "uncontrolled", "lack of", "further research",
    "more research", "larger trials", "limitations", "limited", "\u2013 5 mg", "x\u00b75 mg",
    "na\u00efve response", "\u226550% reduction", "\u0663 mg daily", "\u0663\u0664 mg", "caf\u00e9 dosing", "\u00e9fficacy",
    "r\u00e9duction in pain", "\u00b5-opioid receptor", "IL-1\u03b2 signalling", "\u00bd dose", "\u00b2 mg",
]


@pytest.mark.parametrize("sentence", EDGES)
@pytest.mark.parametrize("section", ["", "RESULTS", "BACKGROUND", "SAFETY"])
def test_roles_equal_the_cue_searches_on_edge_cases(sentence, section):
    for text in (sentence, sentence.upper(), f"({sentence}).", f"The {sentence}, then {sentence}"):
        assert roles.roles_of(text, section) == reference_roles_of(text, section), text


def _starting_alternatives(pattern: str) -> list[str]:
    """The alternatives a match of ``pattern`` can begin with: those of the outer group and of any
    group that opens an alternative, each split at its own bars (not at its inner groups')."""
    out: list[str] = []
    stack: list[tuple[list[str], bool]] = [([""], True)]
    i = 0
    while i < len(pattern):
        c = pattern[i]
        alts, _ = stack[-1]
        if c == "\\":
            alts[-1] += pattern[i:i + 2]
            i += 2
            continue
        if c == "(":
            at_start = stack[-1][1] and alts[-1] in ("", "\\b")
            stack.append(([""], at_start))
            i += 3 if pattern.startswith("(?:", i) else 1
            continue
        if c == ")":
            inner, at_start = stack.pop()
            if at_start:
                out.extend(inner)
            stack[-1][0][-1] += "(...)"
        elif c == "|":
            alts.append("")
        else:
            alts[-1] += c
        i += 1
    return out


def test_every_alternative_of_a_cue_has_a_lead():
    """The matcher tries a role only at words that start with one of its leads: every alternative
    a cue can begin with must start with two letters sure to be there (three when there are), or
    with the dose pattern's digit, or with a group whose own alternatives are checked in turn."""
    for role, rx in roles._CUES.items():
        starts = _starting_alternatives(rx.pattern)
        assert len(starts) >= 10, role
        for alt in starts:
            body = alt.removeprefix("\\b")
            if body.startswith(("(...)", "\\d")):
                continue
            letters = re.match(r"[a-z]*", body).group()
            sure = len(letters) - (body[len(letters):][:1] in ("?", "*", "{"))
            assert sure >= 2, (role, alt)
            assert role in roles._BY_LEAD.get(letters[:min(sure, 3)], ()), (role, alt)


def test_the_folding_characters_are_all_there_are():
    """Outside ASCII, only these characters match an ASCII letter under re.I: elsewhere a word's
    first letters decide which cues can start there."""
    import sys
    letter = re.compile("[a-z]", re.I)
    folds = {chr(c) for c in range(128, sys.maxunicode + 1) if letter.fullmatch(chr(c))}
    assert folds == set(roles._FOLDS)


def test_a_study_carries_answer_roles_unless_it_is_background(tmp_path):
    """build_studies reads the answer roles of a relevant study's every sentence (what the
    answer's sections quote from) and none, nor stances, for a study found to be background;
    one that an open question's topical cut demotes later keeps the roles it was given."""
    from evidex.load import ingest_paths
    from evidex.query import parse_question
    from evidex.resolve import resolve
    from evidex.retrieve import retrieve
    from evidex.store import Store
    from evidex.synthesis.evidence import build_studies

    with Store(tmp_path / "t.db") as store:
        ingest_paths(store, [need_data("cohen2006", "Triptans.csv")], embed=False)
        unread = read = 0
        for q in ("Is propranolol effective for migraine?", "Is naproxen effective for migraine?"):
            query = resolve(store, parse_question(q))
            for s in build_studies(query, retrieve(store, query, mode="lexical")):
                full = {p.seq: frozenset(reference_roles_of(p.text, p.section)) for p in s.passages}
                if s.relevance == "background":
                    assert s.roles in ({}, full), s.record.id
                    assert s.roles or not s.findings, s.record.id        # its stances go unread too
                    unread += s.roles == {}
                else:
                    assert s.roles == full, s.record.id
                    read += 1
        assert unread and read


@pytest.mark.parametrize("sentence", [
    # pmid:12441211: its calcium antagonists made it a "mechanism" statement
    "The aim of this trial was to evaluate the tolerability profile of lercanidipine with that of two other calcium "
    "antagonists (amlodipine and lacidipine) in elderly hypertensives.",
    "To assess the efficacy of naltrexone 4.5 mg daily in fibromyalgia.",
    "This study aimed to evaluate how naltrexone affects quality of life.",
])
def test_a_sentence_stating_a_study_aim_fills_no_answer_section(sentence):
    assert roles.roles_of(sentence) == set()
    assert roles.roles_of("Naltrexone blocks TLR4 receptors on microglia.") == {"mechanism"}
