"""The key-sentence model (issue 9, item 3: passages chosen by a learned model, not keyword lists):
its model file, its features, and the order it gives the key points' added sentences."""
from __future__ import annotations

from types import SimpleNamespace

from evidex.enrich.models import load, params_sha
from evidex.synthesis import key_sentences
from evidex.synthesis.select import Scored


def _study(rid: str, passages: int = 10):
    return SimpleNamespace(record=SimpleNamespace(id=rid), passages=tuple(range(passages)))


def _sentence(text: str, role: str, relevance: float, seq: int = 5) -> Scored:
    return Scored(SimpleNamespace(text=text, seq=seq, id=f"p{seq}"), role, relevance, relevance)


def test_the_model_describes_itself_and_was_measured_on_held_out_folds():
    data = load("key_sentence")
    m = data["manifest"]
    assert m["trained_by"] == "scripts/train_key_sentence.py" and m["params_sha"] == params_sha(data["params"])
    folds = m["folds_by_set_5"]
    # shipped because its first sentences held more key facts than relevance's on held-out sets
    assert folds["model_first"] > folds["relevance_first"] and folds["questions"] >= 700
    assert m["study_rank"] == load("study_rank")["manifest"]["params_sha"]
    assert m["held_out_sets"] and not set(m["held_out_sets"]) & set(m["sets"])


def test_every_weight_is_one_of_the_features():
    names = set(key_sentences.features(_sentence("Pain fell by 30% (p = 0.01).", "results", 0.5), 0, 0.5, 10))
    names |= {f"role={r}" for r in ("results", "conclusions", "methods", "")}
    assert set(load("key_sentence")["params"]["coef"]) <= names


def test_the_asked_study_result_with_its_numbers_comes_before_a_sentence_that_only_echoes_the_question():
    asked, aside = _study("asked"), _study("aside")
    result = _sentence("Healing rates were 72% with rabeprazole and 68% with omeprazole at 8 weeks (p = 0.4).",
                       "results", 0.30)
    echo = _sentence("Rabeprazole and omeprazole are used to heal gastric ulcers.", "", 0.45, seq=1)
    order = key_sentences.most_wanted([(aside, echo), (asked, result)], [asked, aside], {"asked": 0.8, "aside": 0.02})
    assert order[0] == (asked, result)


def test_without_the_model_file_relevance_orders_them(monkeypatch):
    monkeypatch.setattr(key_sentences, "_params", lambda: None)
    asked, aside = _study("asked"), _study("aside")
    low, high = _sentence("A result.", "results", 0.2), _sentence("An echo.", "", 0.6, seq=1)
    assert key_sentences.most_wanted([(asked, low), (aside, high)], [asked, aside], {}) == [(aside, high), (asked, low)]
