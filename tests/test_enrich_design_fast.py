"""The faster design-feature and design-rule paths give what the plain definitions give."""
import pytest

from evidex.enrich import design
from evidex.enrich.features import design_features, tokens

TEXTS = [
    ("A randomised trial", "Patients were randomly assigned."),
    ("Nonrandomized study", "We did not randomize; pseudorandom numbers."),
    ("", ""),
    ("Random effects", ""),
    ("Effects", "RANDOMIZATION was done. 12 random-walk"),
    ("A review of trials", "We searched MEDLINE and EMBASE. Selection criteria: RCTs. Main results: none."),
    ("Überblick: randomisierte Studie", "Ţhe ſystematic review of 3 ſtudies"),
]


def _no_random(title: str, abstract: str) -> bool:
    """The feature's definition: no token of title or abstract starts with "random"."""
    return not any(t.startswith("random") for t in tokens(title) + tokens(abstract))


@pytest.mark.parametrize("title,abstract", TEXTS)
def test_no_random_feature_is_its_definition(title, abstract):
    assert ("no:random" in design_features(title, abstract)) == _no_random(title, abstract)


@pytest.mark.parametrize("title,abstract", TEXTS)
def test_pre_rules_with_given_lower_case_equal_without(title, abstract):
    text = title + " " + abstract
    assert design._pre_rules(text, text.lower()) == design._pre_rules(text)
    assert design.classify_text(text, title=title, abstract=abstract).label in design.LEVELS
