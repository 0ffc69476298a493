"""Stance model: manifest, obvious cases, negated questions, probabilities, 3-way answers."""
from __future__ import annotations

import math

import pytest

from evidex.enrich.models import load, params_sha
from evidex.enrich.stance import (Stance, answer_probability, passage_stance, passage_stances, question_form,
                                  yes_no_maybe)

from .conftest import need_data

Q = "Is aspirin effective for migraine?"
POSITIVE = "Aspirin significantly reduced migraine pain compared with placebo (p<0.001)."
NULL = "Aspirin did not differ from placebo in migraine pain at two hours (no significant difference)."
BACKGROUND = "Migraine is a common headache disorder that affects about one in seven adults worldwide."


def test_model_describes_itself():
    data = load("stance")
    m = data["manifest"]
    assert m["name"] == "stance" and m["trained_by"] == "scripts/train_stance.py" and m["version"] >= 1
    assert m["params_sha"] == params_sha(data["params"])
    cv = m["cv"]
    for key in ("bioasq_loeo", "pqa_rr_3way", "pqa_rf_3way", "scifact_yesno"):
        assert 0 < cv[key]["accuracy"] <= 1 and 0 < cv[key]["majority_accuracy"] <= 1


def test_obvious_positive_and_null_findings():
    pos, null = passage_stance(Q, POSITIVE), passage_stance(Q, NULL)
    assert pos.yes > pos.no
    assert null.no > null.yes
    assert answer_probability(Q, [POSITIVE]) > 0.5 > answer_probability(Q, [NULL])


def test_negated_question_flips():
    neg = "Is aspirin not effective for migraine?"
    assert question_form(neg).negated and not question_form(Q).negated
    assert not question_form("Is colistin an antibiotic, yes or no?").negated
    for passage in (POSITIVE, NULL):
        s, n = passage_stance(Q, passage), passage_stance(neg, passage)
        assert (s.yes > s.no) == (n.no > n.yes)
    assert answer_probability(neg, [POSITIVE]) < 0.5 < answer_probability(neg, [NULL])


def test_background_is_less_of_an_answer_than_a_finding():
    assert passage_stance(Q, BACKGROUND).neither > passage_stance(Q, POSITIVE).neither


def test_probabilities_sum_to_one_and_batch_matches_single():
    passages = [POSITIVE, NULL, BACKGROUND, "", "x" * 50]
    batch = passage_stances(Q, passages)
    assert all(isinstance(s, Stance) for s in batch)
    for s, p in zip(batch, passages):
        assert math.isclose(s.yes + s.no + s.neither, 1.0, abs_tol=1e-3)
        assert min(s.yes, s.no, s.neither) >= 0
        assert s == passage_stance(Q, p)


def test_weights_and_empty_input():
    p0 = answer_probability(Q, [])
    assert 0 < p0 < 1                          # the prior, not an error
    heavy_null = answer_probability(Q, [POSITIVE, NULL], weights=[0.1, 10.0])
    heavy_pos = answer_probability(Q, [POSITIVE, NULL], weights=[10.0, 0.1])
    assert heavy_null < heavy_pos
    with pytest.raises(ValueError):
        answer_probability(Q, [POSITIVE], weights=[1.0, 2.0])


def test_yes_no_maybe():
    for passages in ([POSITIVE], [NULL], [BACKGROUND], []):
        label, probs = yes_no_maybe(Q, passages)
        assert label in ("yes", "no", "maybe") and set(probs) == {"yes", "no", "maybe"}
        assert math.isclose(sum(probs.values()), 1.0, abs_tol=1e-3)
        assert probs[label] == max(probs.values())
    assert yes_no_maybe(Q, [POSITIVE] * 3)[0] == "yes"
    assert yes_no_maybe(Q, [NULL] * 3)[0] == "no"


def test_rerun_a_slice_of_training():
    """The training loaders read the shared data and the model separates a few real questions."""
    need_data("bioasq")
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    train_stance = pytest.importorskip("train_stance", reason="training needs numpy and scipy")
    units = train_stance.bioasq_units()
    assert len(units) > 500 and {u.label for u in units} == {"yes", "no"}
    assert {u.group for u in units} == {"7b", "8b", "9b", "10b", "training13b"}
    sample = units[:60]
    hits = sum((answer_probability(u.question, u.passages) > 0.5) == (u.label == "yes") for u in sample)
    assert hits / len(sample) > 0.7          # in-sample for the shipped model: a smoke check


def test_indexed_lookalikes_equal_the_pairwise_rule():
    """PassageSide.contrasts (tokens indexed by suffix and length) answers as the reference
    _contrasts, which compares every missing word with every passage word."""
    import itertools
    import random

    from evidex.enrich.stance_features import _SWAPS, _VOWELS, passage_side

    def _contrasts(missing: set[str], present: set[str]) -> bool:
        """The plain rule: every missing word against every passage word."""
        for t in missing:
            n = len(t)
            for s in present:
                if s == t or abs(len(s) - n) > 5:
                    continue
                if 3 <= n <= 4 and len(s) == n and sum(a != b for a, b in zip(s, t)) == 1 \
                        and min(sum(c in _VOWELS for c in t), sum(c in _VOWELS for c in s)) == 0:
                    return True
                k = 0
                while k < min(n, len(s)) and s[-1 - k] == t[-1 - k]:
                    k += 1
                if k >= 4 and frozenset((t[:-k], s[:-k])) in _SWAPS:
                    return True
        return False

    rnd = random.Random(7)
    stems = ["viral", "clonal", "typical", "kinesia", "cellular", "crease", "regulation", "ctg", "cag", "cgg"]
    prefixes = sorted({p for pair in _SWAPS for p in pair}) + ["x", "pre", "post"]
    words = [p + s for p, s in itertools.product(prefixes, stems)] + ["tcf", "tnf", "dna", "rna", "ab", "gene"]
    for _ in range(400):
        present = set(rnd.sample(words, rnd.randint(1, 12)))
        missing = set(rnd.sample(words, rnd.randint(1, 6))) - present
        side = passage_side(" ".join(sorted(present)))
        assert side.contrasts(missing) == _contrasts(missing, set(side.tokset)), (missing, present)


def test_split_margins_equal_the_whole_pair_features():
    """_margins sums a passage's own features once and adds the question's ties: the same margins
    as the models applied to pair_features."""
    from evidex.enrich import stance
    m = stance._model()
    for q in (Q, "Is aspirin not effective for migraine?", "Is TCF a lentiviral vector?"):
        form = question_form(q)
        passages = [POSITIVE, NULL, BACKGROUND, "The adenoviral vector was cleared within days.", ""]
        for (pol, rel), p in zip(stance._margins(form, passages), passages):
            feats = stance.pair_features(form, p)
            assert pol == pytest.approx(m.polarity.margin(feats), abs=1e-9)
            assert rel == pytest.approx(1 / (1 + math.exp(-m.relevance.margin(feats))), abs=1e-9)


def test_remembered_pair_margins_follow_the_model():
    """A (question, passage) pair's margins are read once and remembered; changing the model
    (use_model_file) forgets them, so a second read still equals the model on pair_features."""
    from evidex.enrich import stance
    form = question_form(Q)
    for _ in range(2):
        stance.use_model_file(None)
        m = stance._model()
        for (pol, rel), p in zip(stance._margins(form, [POSITIVE, NULL, POSITIVE]), [POSITIVE, NULL, POSITIVE]):
            feats = stance.pair_features(form, p)
            assert pol == pytest.approx(m.polarity.margin(feats), abs=1e-9)
            assert rel == pytest.approx(1 / (1 + math.exp(-m.relevance.margin(feats))), abs=1e-9)
    assert stance._pair_margins.cache_info().hits >= 1
