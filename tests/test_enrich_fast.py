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
                         (direction, "_NULL_CUES"), (direction, "_AGAINST_CUES"), (direction, "_FAVOURS_CUES")):
        monkeypatch.setattr(module, name, ("",))
    monkeypatch.setattr(numbers, "_has_number_word", lambda s: numbers._HAS_NUMBER_WORD.search(s) is not None)
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
