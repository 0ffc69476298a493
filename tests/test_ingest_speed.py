"""The second round of ingest shortcuts (issue 10) changes no output.

Each fast path is checked against the plain definition it replaces, on real records.
"""
from __future__ import annotations

import functools

import pytest

from evidex.enrich import appraise
from evidex.ingest import expand_paths, iter_file
from evidex.records import Appraisal, Comment, Dose, Number, Record, Section, plain, reference_plain

from .conftest import need_data


@pytest.fixture(scope="module")
def records() -> list[Record]:
    paths = expand_paths([need_data("pubmed_xml"), need_data("medline_text")])
    return [r for p in paths for r in iter_file(p) if isinstance(r, Record)]


def test_plain_equals_its_definition(records):
    odd = Record(id="x", title="T", sections=(Section("A", "b"),), comments=(Comment("c", "d"),),
                 metadata={"k": [1, (2, 3)], "n": None}, authors=("a",), year=2001)
    weird = Appraisal(record_id="x", design="rct", design_source="text_model", design_score=0.5, level=2,
                      doses=(Dose(1.0, "mg", "1 mg"),), numbers=(Number("p_value", 0.05, "p = 0.05"),),
                      pico={"p": ("x",)}, case_facts={"a": 1}, retracted=True)
    values = [odd, weird, [odd, (weird,)], ("a", 1, 2.5, None, True), {"d": (1,)}]
    for r in records:
        values += [r, appraise(r, detail=True)]
    for v in values:
        fast, ref = plain(v), reference_plain(v)
        assert fast == ref and repr(fast) == repr(ref)        # repr: list vs tuple, int vs bool


def test_remembered_lookup_equals_a_fresh_one(records):
    from evidex.vocab import lookup
    terms = [m for r in records for m in r.mesh_terms] + ["Pain, Postoperative", "pain postoperative", "", "x, y, z"]
    for t in terms + terms:
        assert lookup(t) == lookup.__wrapped__(t)


def _both_ways(monkeypatch, make):
    """``make()`` with the plain-Python border, then with pydantic alone."""
    from evidex.ingest import schema
    fast = make()
    with monkeypatch.context() as m:
        m.setattr(schema, "_plainly_valid", lambda fields: None)
        slow = make()
    return fast, slow


def test_parsers_give_the_same_records_without_the_pydantic_shortcut(monkeypatch):
    paths = list(expand_paths([need_data(d) for d in ("pubmed_xml", "medline_text", "rct_medline")]))
    fast, slow = _both_ways(monkeypatch, lambda: [repr(x) for p in paths for x in iter_file(p)])
    assert len(fast) > 1000 and fast == slow


EDGE_CASES = [
    {"id": "pmid:1", "title": "T"},
    {"id": "pmid:1", "title": "T", "year": True}, {"id": "pmid:1", "title": "T", "year": 2101},
    {"id": "pmid:1", "title": "T", "year": 1600}, {"id": "pmid:1", "title": "T", "year": "2001"},
    {"id": "pmid:1", "title": "T", "pmid": "12a"}, {"id": "pmid:1", "title": "T", "pmid": "1234567890123"},
    {"id": "pmid:1", "title": "T", "pmid": "１２"}, {"id": "pmid:1", "title": "T", "pmid": ""},
    {"id": "pmid:1", "title": "T", "pmid": "123\n"}, {"id": " ", "title": "T"}, {"id": "", "title": "T"},
    {"id": "x" * 1001, "title": "T"}, {"id": "x", "title": "a\ud800b"}, {"id": "x", "title": "é" * 3000},
    {"id": "x", "title": "T", "journal": "j" * 2001}, {"id": "x", "title": "T", "journal": "j" * 2000},
    {"id": "x", "title": "T", "journal": None}, {"id": "x", "title": "T", "doi": None},
    {"id": "x", "title": "T", "doi": "10.1/\ud800"}, {"id": "x", "title": "T", "authors": ("a", "b" * 2001)},
    {"id": "x", "title": "T", "authors": ["a", "b"]}, {"id": "x", "title": "T", "authors": ("a", 1)},
    {"id": "x", "title": "T", "authors": "ab"}, {"id": "x", "title": "T", "sections": (Section("A", "b"),)},
    {"id": "x", "title": "T", "sections": [Section("A", "b")]}, {"id": "x", "title": "T", "sections": ("s",)},
    {"id": "x", "title": "T", "sections": (Section("L" * 2001, "b"),)},
    {"id": "x", "title": "T", "comments": (Comment("c", "a" * 2001),)}, {"id": "x", "title": "T", "comments": (Comment("c"),)},
    {"id": "x", "title": "T", "metadata": {"a": 1}}, {"id": "x", "title": "T", "metadata": {}},
    {"id": "x", "title": "T", "metadata": {"a": float("nan")}}, {"id": "x", "title": "T", "colour": "red"},
    {"title": "T"}, {"id": "x"}, {"id": "x", "title": None}, {"id": 1, "title": "T"},
]


@pytest.mark.parametrize("fields", EDGE_CASES)
def test_the_border_decides_alike_both_ways(monkeypatch, fields):
    from evidex.ingest.schema import build
    fast, slow = _both_ways(monkeypatch, lambda: build("src.xml", "line 1", **fields))
    assert repr(fast) == repr(slow)


RULE_TEXTS = ["A meta-analysis of trials", "a metaregression", "a pooled analysis of three large trials",
              "a systematic literature review", "a scoping review", "We searched MEDLINE and Embase",
              "PubMed and CINAHL were searched", "SEARCH STRATEGY: ... MAIN RESULTS: ...",
              "Data collection and analysis: two authors. Selection criteria: RCTs",
              "Authors' conclusions: ... Study selection", "authors conclusions ... data extraction",
              "Data sources: ... Study selection: ...", "a case-control study", "a Case Control design",
              "a cross-sectional survey", "a national survey", "case reports", "We describe a case of",
              "we present two patients", "A 45-year-old man", "a 45 year old woman", "an open-label trial",
              "a single-arm study", "a pilot study", "a nonrandomized design", "non-randomised", "a crossover",
              "clinical practice guideline", "a consensus statement", "a Delphi round", "recommendations from the panel",
              "patients were controls", "an analysis of reports", "a review of the year", "data were searched"]


def test_design_rules_with_ascii_cues_equal_the_plain_search():
    from evidex.enrich import design
    for t in RULE_TEXTS + [t.upper() for t in RULE_TEXTS]:
        for i, (rx, *_rest) in enumerate(design._COMPILED):
            assert design._rule_matches(i, t, t.lower()) == (rx.search(t) is not None), (i, t)


def _reference_declared_by_title(title, text, low):
    """``design._declared_by_title`` as first written (every title search in its first order)."""
    from dataclasses import replace

    from evidex.enrich import design as d
    if not title:
        return None
    if d._DESIGN_PAPER_TITLE.search(title):
        return d.DesignCall("protocol", "title", 0.7)
    if d._META_TITLE.search(title):                     # added later: a meta-analysis its title declares
        return d.DesignCall("meta_analysis", "title", 0.8)
    if d._UNRANDOMISED_TITLE.search(title) and not d._RANDOM.search(text) and not d._REVIEW_TITLE.search(title):
        return d.DesignCall("non_randomised_trial", "title", 0.7)
    if d._OWN_METHOD_REVIEW.search(title):
        return None
    if d._ECONOMIC_TITLE.search(title) and not d._REVIEW_TITLE.search(title):
        return d.DesignCall("other", "title", 0.7)
    if not d._REVIEW_TITLE.search(title):
        return None
    in_title = d._pre_rules(title)
    if in_title is not None:
        return replace(in_title, source="title")
    for i in d._SYSTEMATIC_RULES:
        if d.contains_any(low, d._COMPILED[i][3]) and d._rule_matches(i, text, low):
            return d.DesignCall("systematic_review", "title", d._COMPILED[i][2])
    if d._TRIALS_REVIEWED.search(title) and d._POOLED.search(text):      # added later: an "overview" of trials
        return d.DesignCall("meta_analysis", "title", 0.7)
    return d.DesignCall("narrative_review", "title", 0.7)


def test_title_declarations_equal_the_first_order(records):
    from evidex.enrich import design
    heads = ["Cost-effectiveness of X", "Cost-effectiveness of X: a chart review", "Economic evaluation of a trial",
             "An open-label study", "An open-label review", "A review of X", "A 10-year review", "Overview of drugs",
             "A systematic review of X", "Rationale and design of Y", "Cost-utility of Z in a cohort study",
             "Safety of X: a meta-analysis", ""]
    cases = [(h, "randomised " * (i % 2)) for i, h in enumerate(heads)]
    cases += [(r.title, r.title + " " + design.abstract_text(r)) for r in records]
    for title, text in cases:
        low = text.lower()
        assert design._declared_by_title(title, text, low) == _reference_declared_by_title(title, text, low), title


def test_number_word_test_equals_the_regex(records):
    from evidex.enrich import numbers
    from evidex.enrich.split import sentences
    texts = [s for r in records for sec in r.sections for s in sentences(sec.text)] + [r.title for r in records]
    for w in numbers._WORDS:
        texts += [w, w.upper(), f"x {w.title()}-one y", f"x{w}", f"{w}s", f"({w})"]
    texts += ["often", "attention", "phone", "none", "thirteen", "Ninety-nine", "one-third", "FIFTY", "ſix"]
    for t in texts:
        assert numbers._has_number_word(t) == (numbers._HAS_NUMBER_WORD.search(t) is not None), t


@functools.lru_cache(maxsize=1)
def _longest_by_first_word() -> dict[str, int]:
    from evidex import vocab
    longest: dict[str, int] = {}
    for key in vocab.lexicon():
        words = key.split(" ")
        if len(words) > longest.get(words[0], 0):
            longest[words[0]] = min(len(words), vocab._MAX_NGRAM)
    return longest


def _reference_find_terms(text, kinds=("condition", "intervention", "comparator"), allow_generic=False):
    """``vocab.find_terms`` as first written: every span length up to the longest term's tried
    (with the later rule that an acronym needs capitals in a cased text)."""
    from evidex import vocab
    lex = vocab.lexicon()
    longest = _longest_by_first_word()
    text = text.replace("\u2019", "'")
    spans = [m.span() for m in vocab._WORD.finditer(text)]
    raw_words = [text[a:b] for a, b in spans]
    words = [w.lower() for w in raw_words]
    out, i = [], 0
    while i < len(words):
        for n in range(min(longest.get(words[i], 0), len(words) - i), 0, -1):
            key = " ".join(words[i:i + n])
            term = lex.get(key)
            if term is None or term.kind not in kinds:
                continue
            if term.acronym and text != text.lower() and not " ".join(raw_words[i:i + n]).isupper():
                continue
            if not allow_generic and key in vocab._TOO_GENERIC:
                if not (n == 1 and len(key) <= 4 and raw_words[i].isupper()):
                    continue
            # (the text as written, whitespace collapsed: "H. pylori")
            out.append(vocab.Match(term.canonical, term.kind, " ".join(text[spans[i][0]:spans[i + n - 1][1]].split()), i))
            i += n
            break
        else:
            i += 1
    return out


def test_find_terms_equals_trying_every_length(records):
    from evidex.vocab import find_terms
    texts = [r.title for r in records] + [" ".join(s.text for s in r.sections) for r in records[:300]]
    texts += ["Complex regional pain syndrome type I in MS and RSD", "low dose naltrexone for pain", ""]
    for t in texts:
        for kinds, generic in ((("condition", "intervention"), False), (("condition", "intervention", "comparator"), True)):
            assert find_terms(t, kinds, generic) == _reference_find_terms(t, kinds, generic), t


def test_digit_test_equals_the_regex(records):
    from evidex.enrich import numbers
    from evidex.enrich.split import sentences
    texts = [s for r in records for sec in r.sections for s in sentences(sec.text)] + [r.title for r in records]
    texts += ["no digits", "", "x9", "٣ arabic-indic", "fullwidth ３", "é 5", "é"]
    for t in texts:
        assert numbers._has_digit(t) == (numbers._ANY_DIGIT.search(t) is not None), t
