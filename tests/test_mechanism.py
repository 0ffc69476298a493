"""Questions of how a treatment works are answered by the laboratory studies (synthesis/mechanism.py)."""
from __future__ import annotations

from types import SimpleNamespace

from evidex.eval.qa import build_store
from evidex.query import parse_question
from evidex.records import Record, Section
from evidex.synthesis import ask, violations
from evidex.synthesis.mechanism import MIN_SHARE, mechanism_direction

from .test_answer_verdicts import MECHANISM_LIBRARY


def _study(rid: str, design: str, direction: str, text: str = "") -> SimpleNamespace:
    return SimpleNamespace(record=SimpleNamespace(id=rid, text=lambda: text), design=design, direction=direction,
                           clinical=design not in ("preclinical", "narrative_review"))


REVIEW = _study("review", "narrative_review", "favours", "LDN may raise endorphins")   # proposes the mechanism
MICE = _study("mice", "preclinical", "no_difference", "Beta-endorphin was not raised by LDN in mice")  # found it absent
GLIA = _study("glia", "preclinical", "favours", "Naltrexone calmed microglia in rats")  # found a rival mechanism
TUMOUR = _study("tumour", "preclinical", "no_difference", "LDN did not slow tumour growth in mice")   # another topic
TRIAL = _study("trial", "rct", "favours", "LDN reduced pain compared with placebo")     # shows that it works, not how


def test_a_claim_of_mechanism_follows_the_laboratory_study_that_tested_it_over_a_review_that_proposed_it():
    query = parse_question("Is it true that low-dose naltrexone works by making the body produce more endorphins?")
    shares = {"review": 0.13, "mice": 0.09, "trial": 0.5}
    assert mechanism_direction(query, [REVIEW, MICE, TRIAL], shares, TRIAL) == "against"
    # the laboratory study the question is hardly about (the ranker's share) does not decide it:
    # the study the question is most about does, when it is not a trial
    faint = {"review": 0.6, "mice": MIN_SHARE / 2, "trial": 0.3}
    assert mechanism_direction(query, [REVIEW, MICE, TRIAL], faint, REVIEW) == "favours"
    assert mechanism_direction(query, [REVIEW, MICE, TRIAL], {**faint, "trial": 0.7}, TRIAL) == ""
    # a laboratory study of something else (tumour growth) says nothing of the mechanism claimed
    glia = parse_question("Does low-dose naltrexone work by calming microglia?")
    assert mechanism_direction(glia, [TUMOUR, GLIA, TRIAL], {"tumour": 0.32, "glia": 0.0, "trial": 0.6}, TRIAL) == ""
    # nor do the words any paper may use: a verb form, "patients", the drug or disease asked
    reducing = _study("reducing", "preclinical", "no_difference",
                      "Reducing tumour growth in patients with fibromyalgia-like pain: naltrexone failed in mice")
    for claim in ("Does low-dose naltrexone work by reducing glial activation in patients with fibromyalgia?",
                  "Does low-dose naltrexone work by reduced glial activation?"):
        query = parse_question(claim)
        assert mechanism_direction(query, [reducing, GLIA, TRIAL], {"reducing": 0.3, "glia": 0.0, "trial": 0.6},
                                   TRIAL) == "", claim


def test_rival_mechanisms_on_which_the_laboratory_studies_disagree_are_mixed():
    query = parse_question("How is low-dose naltrexone supposed to work: endorphin rebound, or does it calm glia?")
    assert query.intent == "mechanism"
    shares = {"review": 0.3, "mice": 0.1, "glia": 0.04, "trial": 0.5}
    assert mechanism_direction(query, [REVIEW, MICE, GLIA, TRIAL], shares, TRIAL) == "mixed"
    # laboratory studies that agree leave the question to the usual vote
    assert mechanism_direction(query, [REVIEW, GLIA, TRIAL], shares, TRIAL) == ""
    # no rival named ("as opposed to" contrasts doses, not mechanisms): the usual vote
    contrast = parse_question("Is the effect of naltrexone on glia specific to low doses, as opposed to addiction doses?")
    assert mechanism_direction(contrast, [REVIEW, MICE, GLIA, TRIAL], shares, TRIAL) == ""
    # "or" between two drugs or two diseases names no rival mechanisms
    for question in ("How does morphine or oxycodone relieve pain?", "How does morphine or diamorphine relieve pain?",
                     "How does low-dose naltrexone work in Crohn's disease or fibromyalgia?",
                     "How does low-dose naltrexone work in mice or rats?", "How does low-dose naltrexone work, or does it?"):
        query = parse_question(question)
        assert query.intent == "mechanism", question
        assert mechanism_direction(query, [REVIEW, MICE, GLIA, TRIAL], shares, TRIAL) == "", question


def test_comparisons_and_harms_are_never_read_as_mechanism_claims():
    shares = {"mice": 0.9}
    for question in ("Does naltrexone work by blocking receptors better than placebo?",
                     "Does naltrexone cause nausea by acting through opioid receptors?"):
        query = parse_question(question)
        assert query.comparators or query.harm or query.adverse, question
        assert mechanism_direction(query, [MICE], shares, MICE) == "", question


_LAB = (
    MECHANISM_LIBRARY[0],       # mice: low-dose naltrexone raised no beta-endorphin
    Record(id="pmid:8100002", pmid="8100002", year=2008, authors=("Lab B",), publication_types=("Journal Article",),
           title="Naltrexone acts on glial TLR4 to reverse neuropathic pain in rats",
           sections=(Section("ABSTRACT",
                             "We tested in rats with nerve injury whether naltrexone acts on glial toll-like "
                             "receptor 4 (TLR4). Naltrexone significantly reversed allodynia compared with vehicle "
                             "(P < 0.01) and suppressed microglial TLR4 signalling. Naltrexone relieves "
                             "neuropathic pain through glial TLR4 in rats."),)),
)


def test_how_does_it_work_with_rival_mechanisms_is_mixed_on_a_real_store(tmp_path):
    store, _ = build_store(list(_LAB), tmp_path / "lab.db")
    try:
        answer = ask(store, "How does low-dose naltrexone work: by raising beta-endorphin, or by acting on glial TLR4?")
        assert answer.query.intent == "mechanism"
        assert answer.verdict.direction == "mixed" and not violations(answer)
        assert ask(store, "Does low-dose naltrexone work by boosting beta-endorphin?").verdict.direction == "against"
    finally:
        store.close()
