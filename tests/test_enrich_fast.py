"""The shortcuts that made enrichment faster (issue 10) change no output.

Each shortcut skips a regex search when a cheap substring test says it cannot match. With
every cue set to "" (in every string) the searches always run, as before the shortcuts:
appraisals of real records must come out the same both ways.
"""
from __future__ import annotations

import re

import pytest

from evidex.enrich import appraise, direction, features, numbers
from evidex.enrich.split import spans
from evidex.ingest import expand_paths, iter_file
from evidex.records import Record
from evidex.text import sentence_spans

from .conftest import need_data


@pytest.fixture(scope="module")
def records() -> list[Record]:
    paths = expand_paths([need_data("pubmed_xml"), need_data("medline_text")])
    return [r for p in paths for r in iter_file(p) if isinstance(r, Record)]


def test_appraisals_equal_with_every_shortcut_off(records, monkeypatch):
    fast = [appraise(r, detail=i % 8 == 0) for i, r in enumerate(records)]
    for module, name in ((numbers, "_ACTION_RX_CUES"), (numbers, "_PEOPLE_WORDS"), (features, "_SPELL_STEMS"),
                         (direction, "_NULL_CUES"), (direction, "_AGAINST_CUES"), (direction, "_FAVOURS_CUES"),
                         (direction, "_CONTROL_CUES")):
        monkeypatch.setattr(module, name, ("",))
    monkeypatch.setattr(numbers, "_has_number_word", lambda s: numbers._HAS_NUMBER_WORD.search(s) is not None)
    monkeypatch.setattr(numbers, "_people_spans", lambda low, plain: [m.span() for m in numbers._PEOPLE_WORD.finditer(low)])
    monkeypatch.setattr(numbers, "_FREQ_CUES", ("",))
    monkeypatch.setattr(numbers, "_TITRATION_CUES", ("",))
    slow = [appraise(r, detail=i % 8 == 0) for i, r in enumerate(records)]
    assert len(records) > 600 and fast == slow


def test_shortcuts_agree_on_hard_sentences():
    sentences = ["No significant difference was seen.", "Twenty-one adults were randomised.",
                 "Pain worsened in ten.", "It was efficacious.", "Outcomes were Similar to placebo.",
                 "ſimilar to placebo", "Fifty \u212aelvin patients", "one_two three", "seventeen4 women",
                 "Randomised 40 patients to naltrexone.", "Naltrexone was non-inferior.", ""]
    for s in sentences:
        assert numbers._has_number_word(s) == bool(numbers._HAS_NUMBER_WORD.search(s)), s
        want = ("no_difference" if direction._NULL.search(s) else "against" if direction._AGAINST.search(s)
                else "favours" if direction._FAVOURS.search(s) else "unclear")
        assert direction.sentence_direction(s) == want, s
        assert spans(s) == tuple(sentence_spans(s))


def test_tokens_match_the_plain_definition():
    def plain(text: str) -> list[str]:
        low = re.sub(r"(randomi|blind|ris|organi|utili|anaestheti|minimi)s(ed|ation|e|ing)", r"\1z\2",
                     text.lower()).replace("anaesth", "anesth")
        return ["0" if t[0].isdigit() else t for t in re.findall(r"[a-z]+|\d+", low)]
    for text in ["Randomised 12abc34 trial", "Anaesthetised, minimising risk; organisation 3.5 mg",
                 "\u0661\u0662 blinding", "Utilise 2x2 factorial"]:
        assert features.tokens(text) == plain(text)


# -- reference implementations of the rewritten algorithms ------------------------------------
_BOUNDARY = re.compile(r"[.!?]['\")\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def reference_sentence_spans(text: str) -> list[tuple[int, int]]:
    """``text.sentence_spans`` as first written: the word before a boundary by a regex on the slice
    (and the later rule for a decimal broken inside its bracket)."""
    from evidex.text import _ABBREV
    out, start = [], 0

    def trim(s: int, e: int) -> None:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    for m in _BOUNDARY.finditer(text):
        word = _WORD_BEFORE.search(text[start:m.start() + 1][:-1])
        if word and word.group(1).lower().rstrip(".") in _ABBREV:
            continue
        if word and len(word.group(1)) == 1 and word.group(1).isupper():
            continue
        if text[m.end()].isdigit() and m.start() > start and text[m.start() - 1].isdigit() and \
                m.group(0).startswith(".") and text[start:m.start()].count("(") > text[start:m.start()].count(")"):
            continue        # "1.07 (0. 82-1.40)": a decimal broken by a space, inside its bracket
        trim(start, m.start() + len(m.group(0).rstrip()))
        start = m.end()
    trim(start, len(text))
    return out


def _fuzz(alphabet: str, n: int, seed: int) -> list[str]:
    import random
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(40))) for _ in range(n)]


def test_sentence_spans_equal_the_reference(records):
    texts = [t for r in records for t in (r.title, *(s.text for s in r.sections), " ".join(s.text for s in r.sections))]
    texts += ["a\n. B", "Dr.\n. X", "x e.g. Y", "J. Mackey", ".. A", "A. B. C", "vs. A", "U.S. A", "\n. A",
              "x.\n. A", " e.g.. B", "Fig.\n 2. Results", "p. 5"]
    texts += _fuzz("aAbZe.g vs. J.\n !?)\"'(5 ", 5000, 10)
    for t in texts:
        assert list(sentence_spans(t)) == reference_sentence_spans(t), t


def test_tokens_equal_the_reference_on_odd_text(records):
    texts = [t for r in records for t in (r.title, *(s.text for s in r.sections))]
    texts += _fuzz("aZz09 .-_\u00e9\u0663\uff13\u00b2\u00b5\u0130\u212arandomisedanaesthetis\n\t\u00b1\u2013", 5000, 11)
    for t in texts:
        assert features.tokens(t) == features.reference_tokens(t), t


def test_cue_anchored_matches_equal_finditer(records):
    from evidex.enrich import scan
    texts = [t for r in records for s in r.sections for t in (s.text,)]
    texts += ["Outpatients and inpatients; 12 patients_ women", "patients", "WOMEN men", "randomized 40 and enrolled 3",
              "nonrandomized 30 enrolled enrolled 5 patients", "patients-men users,girls"]
    texts += _fuzz("patients women men enrolled randomly assigned 12 _-.", 3000, 12)
    for t in texts:
        if not t.isascii():
            continue
        low = t.lower()
        assert scan.word_spans(low, numbers._PEOPLE_WORDS) == [m.span() for m in numbers._PEOPLE_WORD.finditer(low)], t
        got = [m.span() for m in scan.anchored_finditer(numbers._ACTION_RX, t, low, numbers._ACTION_RX_CUES)]
        assert got == [m.span() for m in numbers._ACTION_RX.finditer(t)], t


def test_dose_pattern_equals_the_look_behind_first_form(records):
    old = re.compile(r"(?<![\w.])(" + numbers._AMOUNT + numbers.DOSE.pattern[numbers.DOSE.pattern.index(")(?:"):],
                     numbers.DOSE.flags)
    texts = [s.text for r in records for s in r.sections]
    texts += ["4.5 mg", "a4 mg", ".5 mg", "1-5 mg/d twice daily", "x 20mg/kg", "\u0663 mg", "5\u00b75 g"]
    texts += _fuzz("0123 .-a mgkL/per day\u00b7\u0663", 3000, 13)
    for t in texts:
        assert [m.groups() + m.span() for m in numbers.DOSE.finditer(t)] == \
            [m.groups() + m.span() for m in old.finditer(t)], t


def test_writer_content_hash_equals_the_record_method(records):
    from evidex.store import content_hash_of
    for r in records:
        assert content_hash_of(r.to_json()) == r.content_hash()


def test_design_rules_on_lower_case_text_equal_the_case_blind_search(records):
    from evidex.enrich import design
    texts = [r.title + " " + design.abstract_text(r)[:4000] for r in records]
    texts += ["A RANDOMISED Trial", "Case-Control", "We Searched MEDLINE and were searched", "\u017furvey", "cohort"]
    texts += _fuzz("aBc RaNdOmIzEd ReViEw cohort case series mice SURVEY -", 2000, 14)
    for t in texts:
        for i, (rx, *_rest) in enumerate(design._COMPILED):
            assert design._rule_matches(i, t, t.lower()) == (rx.search(t) is not None), (i, t)


def reference_doses(text: str) -> list:
    """``numbers.doses`` as first written: each match's sentence searched again, no cues."""
    from evidex.records import Dose
    out, seen = [], set()
    for m in numbers.DOSE.finditer(text):
        amount = float(m.group(1).replace("\u00b7", "."))
        unit = m.group(3) + (f"/{m.group(4)}" if m.group(4) else "")
        dot = text.rfind(". ", 0, m.start())
        sent_start = dot + 2 if dot != -1 else 0
        sent_end = text.find(". ", m.end())
        sentence = text[sent_start: sent_end if sent_end != -1 else len(text)]
        freq, titr = numbers._FREQ.search(sentence), numbers._TITRATION.search(sentence)
        span = m.group(0).strip()
        if span in seen:
            continue
        seen.add(span)
        out.append(Dose(amount, unit, span, freq.group(1).lower() if freq else "", titr.group(1).lower() if titr else ""))
    return out


def test_doses_equal_the_reference(records):
    texts = [" ".join(s.text for s in r.sections) for r in records]
    texts += ["Naltrexone 4.5 mg once daily, then 3 mg. Titrated up to 4.5 mg nightly. 4.5 mg WEEKLY",
              "Started at 1 mg and increased by 1 mg to 5 mg per day. 2 g \u017fix times a day"]
    for t in texts:
        assert numbers.doses(t) == reference_doses(t), t


def test_joined_spans_equal_splitting_the_joined_text(records):
    import random

    from evidex.enrich.split import joined_spans
    from evidex.text import joined_sentence_spans
    cases = [[s.text for s in r.sections] for r in records]
    cases += [["A. ", "", "  ", "B c."], ["e.g.", "A"], ["J.", "Mackey"], ["Done.)", "(B"], ["x.\n", ". A"], ["", ""],
              ["  . A", "b"], ["Ends?'", "'9 lives"], ["vs.", "\nB"], ["x", "Y."], [" ", "A"], ["A.", "(b"],
              ["20 mg b.i.d.", "(n = 5)"], ["5 mg i.v.", "Then"], ["q.d.", "2 h"]]
    rng = random.Random(15)
    pieces = ["A", "b", ".", "?", "!", ")", "\"", "'", "(", "[", " ", "\n", "J", "e.g", "vs", "9", "x.", "U.S", "b.i.d", "i.v"]
    for _ in range(6000):
        cases.append(["".join(rng.choice(pieces) for _ in range(rng.randrange(8))) for _ in range(rng.randrange(1, 5))])
    for texts in cases:
        want = list(sentence_spans(" ".join(texts)))
        assert joined_sentence_spans(texts) == want, texts
        assert joined_spans(texts) == want, texts


def test_remembered_sentence_direction_equals_a_fresh_read():
    """sentence_direction is read once per sentence: the remembered answer is the fresh one."""
    from evidex.enrich.direction import sentence_direction
    sentences = ["Pain was significantly reduced with drug A.", "There was no significant difference in pain.",
                 "Symptoms worsened in the treated group.", "Patients were randomised.", "Na\u00efve patients improved."]
    for s in sentences * 2:
        assert sentence_direction(s) == sentence_direction.__wrapped__(s)
    assert sentence_direction.cache_info().hits >= len(sentences)
