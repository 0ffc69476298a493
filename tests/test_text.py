"""text.py: sentence spans and passage offsets on real corpora, number normalisation."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidex.ingest import iter_file
from evidex.records import Record, Section
from evidex.text import normalise, numbers_in, passages_of, sentence_spans, tokens

from .conftest import need_data


def _records(path: Path) -> list[Record]:
    return [r for r in iter_file(path) if isinstance(r, Record)]


@pytest.mark.parametrize("parts, expected", [
    (("ldn", "dev_corpus.jsonl"), 51),
    (("pubmed_xml", "titipata_medline16n0902_sample.xml"), 604),
])
def test_passage_offsets_index_record_text(parts, expected):
    records = _records(need_data(*parts))
    assert len(records) == expected
    total = 0
    for record in records:
        text = record.text()
        passages = passages_of(record)
        assert passages, f"{record.id} yields no passage"
        assert [p.seq for p in passages] == list(range(len(passages)))
        labels = {"TITLE", *(s.label for s in record.sections)}
        for p in passages:
            assert text[p.start:p.end] == p.text, (record.id, p.seq)
            assert p.record_id == record.id and p.id == f"{record.id}#p{p.seq}"
            assert p.section in labels
        starts = [p.start for p in passages]
        assert starts == sorted(starts)
        total += len(passages)
    # Every record has a title and most have several sentences of abstract.
    assert total > 3 * expected


def test_passages_keep_section_labels_and_split_sentences():
    record = Record(id="x:1", title="Low-dose naltrexone for pain.", sections=(
        Section("METHODS", "Ten women took part, e.g. at Stanford. Dose was 4.5 mg at bedtime."),
        Section("RESULTS", "Pain fell (P = 0.016). Younger J. Mackey S. reported it."),
    ))
    passages = passages_of(record)
    assert [(p.section, p.text) for p in passages] == [
        ("TITLE", "Low-dose naltrexone for pain."),
        ("METHODS", "Ten women took part, e.g. at Stanford."),
        ("METHODS", "Dose was 4.5 mg at bedtime."),
        ("RESULTS", "Pain fell (P = 0.016)."),
        ("RESULTS", "Younger J. Mackey S. reported it."),
    ]


def test_sentence_spans_abbreviations_and_initials_do_not_split():
    text = "Compared with placebo vs. LDN, see Fig. 2. Smith J. Jones K. agreed. Done!"
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == ["Compared with placebo vs. LDN, see Fig. 2.", "Smith J. Jones K. agreed.", "Done!"]


def test_sentence_spans_dosing_abbreviations_end_only_before_a_capital():
    text = ("Ulcers: 16% with ibuprofen 800 mg t.i.d. (P <0.05 v. placebo) and 17% with diclofenac 75 mg b.i.d. "
            "(P <0.05). Patients took 20 mg q.d. Morphine 5 mg i.v. 2 h later was given.")
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == ["Ulcers: 16% with ibuprofen 800 mg t.i.d. (P <0.05 v. placebo) and 17% with diclofenac 75 mg "
                   "b.i.d. (P <0.05).", "Patients took 20 mg q.d.", "Morphine 5 mg i.v. 2 h later was given."]


def test_sentence_spans_empty_and_blank():
    assert list(sentence_spans("")) == []
    assert list(sentence_spans("   \n\t ")) == []
    assert list(sentence_spans("  One sentence only  ")) == [(2, 19)]


_PIECES = st.sampled_from([
    "a", "B", "Pain", " ", "  ", "\n", "\t", ".", ". ", "! ", "? ", "e.g. ", "Dr. ", " J. ", "vs. ",
    "4.5", " mg", "(", ")", "\"", "'", "[", "]", "P = 0.01. ", "\u00a0", "The", "1,200",
])
_TEXTS = st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=60).map("".join))


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_sentence_spans_property(text):
    spans = list(sentence_spans(text))
    prev_end = 0
    for start, end in spans:
        assert 0 <= prev_end <= start < end <= len(text), spans   # in order, non-overlapping, inside
        assert not text[start].isspace() and not text[end - 1].isspace()   # stripped
        assert text[prev_end:start].strip() == ""   # nothing but whitespace is dropped
        prev_end = end
    assert text[prev_end:].strip() == ""
    assert bool(spans) == bool(text.strip())


@pytest.mark.parametrize("a, b", [
    ("\u22120.83", "0.83"),          # unicode minus dropped
    ("-0.83", "0.83"),
    ("4\u00b75 mg", "4.5 mg"),       # middle-dot decimal (Lancet style)
    ("1,200 patients", "1200 patients"),
    ("0.50", "0.5"),
    ("10.0", "10"),
    ("007", "7"),
    ("12,000,000", "12000000"),
])
def test_numbers_in_normalises(a, b):
    assert numbers_in(a) == numbers_in(b)
    assert numbers_in(a)  # something was found


def test_numbers_in_values():
    assert numbers_in("reduced by 4\u00b75 points (\u22120.83; 1,200 people; 0.50 ratio)") == {
        "4.5", "0.83", "1200", "0.5"}
    # A list "1,2,3" is three numbers, not a thousands-separated one.
    assert numbers_in("arms 1,2,3") == {"1", "2", "3"}
    assert numbers_in("no digits here") == set()
    # Digits inside words are not numbers.
    assert "2" not in numbers_in("SF-36 and COVID-19 and T2")


def test_numbers_in_thousands_with_decimals():
    assert numbers_in("1,200.5") == {"1200.5"}


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=99_999), st.integers(min_value=0, max_value=999))
def test_numbers_in_decimal_forms_agree(whole, frac):
    dot = f"{whole}.{frac:03d}"
    assert numbers_in(dot) == numbers_in(dot.replace(".", "\u00b7")) == numbers_in(dot + "0")
    assert numbers_in(f"\u2212{dot}") == numbers_in(dot)


def test_normalise_and_tokens():
    assert normalise("Low\u2013Dose  NALTREXONE 4\u00b75\u2009mg") == "low-dose naltrexone 4.5 mg"
    assert tokens("Low-dose naltrexone (LDN) 4\u00b75 mg, p=0.01") == [
        "low", "dose", "naltrexone", "ldn", "4.5", "mg", "p", "0.01"]


def test_normalise_equals_its_plain_form_on_mixed_text():
    """The ASCII shortcut gives what NFKC + dash/minus/middle-dot unification + case + spaces give."""
    import random
    import re
    import unicodedata

    def plain(text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        text = text.replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "-")
        text = re.sub(r"(?<=\d)\u00b7(?=\d)", ".", text)
        return " ".join(text.lower().split())

    rnd = random.Random(11)
    alphabet = list("aZ09 .,-\t\n(%)") + ["\u2212", "\u2013", "\u2014", "\u00b7", "\u2009", "\u00a0", "\ufb01",
                                              "\u00b5", "\u03bc", "\u2167", "\u00bd", "\u0130", "\u00e9", "e\u0301"]
    samples = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))) for _ in range(3000)]
    samples += ["Low\u2013Dose  NALTREXONE 4\u00b75\u2009mg", "Plain ASCII, Mixed Case  text.", ""]
    for text in samples:
        assert normalise(text) == plain(text), repr(text)


def test_remembered_numbers_and_token_sets_are_fresh_and_equal():
    """numbers_in and token_set are read once per text: each call still gives what reading the
    text gives, and a caller changing its set does not change the next caller's."""
    from evidex.text import _numbers_in, token_set
    text = "Pain fell from 6.5 to 4·5 in twenty-one of 1,200 patients (p = 0.03)."
    first = numbers_in(text)
    assert first == {"6.5", "4.5", "21", "20", "1", "1200", "0.03"}     # "twenty-one" is also 20 and 1
    first.add("999")
    assert numbers_in(text) == first - {"999"} and "999" not in _numbers_in(text)
    _numbers_in.cache_clear()
    assert numbers_in(text) == first - {"999"}
    assert token_set(text) == set(tokens(text)) and isinstance(token_set(text), frozenset)


def test_contains_any_equals_its_stem_pattern():
    """contains_any reads a form's dropped endings as four plain strings: the same answers as the
    pattern `` {stem}(?:e|s|es)? `` searched in the padded tokens (the rule before, kept here)."""
    import random
    import re

    from evidex.text import contains_any, padded_tokens

    def reference(padded: str, forms: list[str]) -> bool:
        for f in forms:
            phrase = " ".join(tokens(f))
            stem = re.compile(rf" {re.escape(phrase.rstrip('se'))}(?:e|s|es)? ") if len(phrase) > 3 else None
            if phrase and (f" {phrase} " in padded or (stem is not None and stem.search(padded))):
                return True
        return False

    rnd = random.Random(5)
    words = ["statin", "statins", "statine", "lansoprazol", "lansoprazole", "es", "s", "se", "sese", "ses", "cases",
             "case", "pain", "pains", "low", "dose", "low-dose", "naltrexone", "5", "5s", "e", "ssss", "a.b", "it's"]
    for _ in range(4000):
        padded = padded_tokens(" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 8))))
        forms = [" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 2))) for _ in range(rnd.randint(1, 3))]
        assert contains_any(padded, forms) == reference(padded, forms), (padded, forms)


def test_a_decimal_broken_by_a_space_inside_its_bracket_ends_no_sentence():
    text = "The rate ratio was 1.07 (0. 82-1.40) for diltiazem. Nicardipine had 0.86 (0.69-1.08)."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "The rate ratio was 1.07 (0. 82-1.40) for diltiazem.", "Nicardipine had 0.86 (0.69-1.08)."]


def test_a_p_value_broken_by_a_space_after_its_sign_does_not_end_the_sentence():
    text = ("Cetirizine relieved nasal pruritus more than loratadine (P <. 0001). Both were well tolerated. "
            "Values were < 5. 10 patients left.")
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Cetirizine relieved nasal pruritus more than loratadine (P <. 0001).", "Both were well tolerated.",
        "Values were < 5.", "10 patients left."]


def test_the_clauses_that_name_an_outcome():
    from evidex.text import clauses_naming
    s = "Diltiazem improves cardiac function and exercise capacity without deleterious effects on survival."
    assert clauses_naming(s, ["survival"]) == ["without deleterious effects on survival."]
    assert clauses_naming("Pain fell, but fatigue did not.", ["fatigue", "pain"]) == ["Pain fell", "but fatigue did not."]
    # a semicolon or "whereas" parts one result's arms, not two results
    assert clauses_naming("Healing in 6/11 with A; 3/13 with B (N.S.)", ["healing"]) == ["Healing in 6/11 with A; 3/13 with B (N.S.)"]
    assert clauses_naming("Survival was 85% and 80% (P = .444).", ["survival"]) == ["Survival was 85% and 80% (P = .444)."]
    assert clauses_naming("Pain fell.", ["survival"]) == []
    # a clause that qualifies the one before it is no clause of its own
    s = "Mortality was reduced by 20% with atorvastatin, but the difference was not statistically significant."
    assert clauses_naming(s, ["mortality"]) == [s]
