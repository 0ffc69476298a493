"""Property test: any question a user can type is read without raising (issue 9, item 1).

A question's words are drawn from the shapes the reader looks for (options joined by "or", a
scene before a dash or a colon, doses, brackets, claims reported and doubted, stop words that
name nothing) so that the patterns meet each other in orders no one wrote by hand; plain
arbitrary text is tried too. At least 300 examples (``EVIDEX_FUZZ_EXAMPLES`` for more): reading is fast.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidex.query import parse_question

EXAMPLES = max(300, int(os.environ.get("EVIDEX_FUZZ_EXAMPLES", "30")))   # reading is fast: 300 take ~1 s
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = ["a", "an", "the", "or", "and", "vs", "than", "as", "with", "for", "in", "to", "of", "is", "does", "do",
         "which", "one", "either", "another", "it", "that", "-", "\u2014", ":", ",", "(", ")", "?", "15 mg", "4.5 mg",
         "LDN", "Mobic", "diclofenac", "lisinopril", "nitrate", "patch", "placebo", "dummy pill", "Crohn's",
         "Alzheimer's", "MI", "STEMI", "give", "him", "my son", "tics", "cause", "cancer", "read", "heard",
         "is there anything to it", "is that true", "better", "safer", "worse", "improve", "cut", "quality of life",
         "short-acting", "switching", "from", "alone", "on its own", "plus", "not", "no", "dose", "start",
         "or a", "or the", "- which", ": is one", "which is kinder,"]


@FUZZ
@given(words=st.lists(st.sampled_from(WORDS), max_size=25))
def test_any_question_made_of_the_readers_cue_words_is_read(words):
    q = parse_question(" ".join(words) + "?")
    assert q.question == " ".join((" ".join(words) + "?").split())


@FUZZ
@given(text=st.text(max_size=300))
def test_any_text_is_read_as_a_question(text):
    parse_question(text)


def test_an_option_that_names_nothing_is_no_option():
    q = parse_question("Lisinopril or a nitrate patch started in the first 24 hours of an acute MI - which one "
                       "still makes a difference six months later?")
    assert q.interventions == ("lisinopril",)
