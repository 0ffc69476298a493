"""The harm a question asks about, and how one study's sentences read on it.

Two kinds of harm question (``query.Query``): a comparison of harms ("Is A safer than B with
respect to MI?", ``harm``: fewer of the outcome wins) and whether a treatment does a harm at all
("Does X impair memory?", ``adverse``: a finding of harm is one against X). Both are answered
only by the sentences that name the harm (GRADE handbook 5.2.4: another outcome is indirect).
"""
from __future__ import annotations

import re
from collections import Counter

from ..enrich.direction import adverse_direction, harm_direction
from ..query import Query
from ..text import contains_any, padded_tokens, tokens
from ..vocab import expansions

# Head nouns that name no harm by themselves ("cognitive function", "heart rate"): their modifier does.
_GENERIC_HEADS = frozenset({"function", "functions", "performance", "rate", "rates", "level", "levels", "risk",
                            "events", "effects", "reactions", "disease", "diseases", "disorder", "disorders"})


# Harm in general, as trials report it under one name or another (CONSORT 2004 harms extension).
_ANY_HARM = ("adverse events", "adverse event", "adverse effects", "adverse effect", "side effects", "side effect",
             "side-effects", "adverse reactions", "adverse drug reactions")


def harm_forms(query: Query) -> list[str]:
    """The asked harm as a sentence may write it: the phrase, its synonyms and its head noun (the
    last word of an English noun phrase: "ulcers" for "gastroduodenal ulcers"; the modifier
    when the head is generic: "cognitive" for "cognitive function"); harm in general ("side
    effects") by each of its names."""
    out = []
    for o in query.outcomes:
        if o in _ANY_HARM:
            out += _ANY_HARM
            continue
        out += [o, *expansions(o), *_head(o)]
    return out


def _head(outcome: str) -> list[str]:
    """The head noun of a harm's name, or its modifier when the head is generic ("gallbladder"
    for "gallbladder disease", "cognitive" for "cognitive function")."""
    words = [w for w in tokens(outcome) if len(w) > 3]
    return words[-2:-1] if words[-1:] and words[-1] in _GENERIC_HEADS else words[-1:]


def titles_harm(query: Query, title: str) -> bool:
    """Whether a title names an asked harm in full (the phrase or a synonym, not its head noun as
    ``harm_forms`` allows): a study of that harm rather than of a kindred one."""
    padded = padded_tokens(title)
    return any(contains_any(padded, [o, *expansions(o)]) for o in query.outcomes)


_SAFETY_WORD = re.compile(r"\b(?:safe|safety|tolera\w*|toxicit\w*)\b", re.I)


def names_harm(query: Query, text: str) -> bool:
    """Whether a sentence names the asked harm: one of ``harm_forms``, or for "Does X do harm Y?"
    a word sharing a head word's stem ("cognitive" for "cognition"); for "Is X safe?" any word
    of safety ("well tolerated", "relatively safe")."""
    if query.safe and _SAFETY_WORD.search(text):
        return True
    padded = padded_tokens(text)
    if query.co_treatments and gives_co_treatment(query, text) and _INTERACTION.search(text) \
            and contains_any(padded, [f for i in query.interventions for f in (i, *expansions(i))]):
        return True           # what the two drugs given together did to each other or to the patient
    if contains_any(padded, harm_forms(query)):
        return True
    stems = [w[:max(5, len(w) - 3)] for o in query.outcomes for w in _head(o) if len(w) > 5] \
        if query.adverse else []
    return any(f" {stem}" in padded for stem in stems)


# "an opioid antagonist", "the opioid receptor": a word naming a receptor, a system or a drug's
# class by what it acts on, not the drug given.
_ACTS_ON = re.compile(r"\b[\w-]+\s+(?:receptors?|antagonists?|agonists?|growth factors?|peptides?|systems?|pathways?|"
                      r"blockade|blockers?)\b", re.I)


# A combination advised against ("Concurrent administration of moclobemide and rizatriptan is not
# recommended"): the authors' reading of the harm they found.
_ADVISED_AGAINST = re.compile(r"\b(?:(?:is|are) not recommended|should be avoided|should not be (?:given|used|"
                              r"combined|co-?administered)|(?:is|are) contraindicated)\b", re.I)
# What one drug given with another may do: act against it, add to it, or harm; or change how the
# body handles it (its exposure, levels and clearance: the measures of a pharmacokinetic study).
_INTERACTION = re.compile(r"\b(?:antagoni[sz]\w*|interfer\w*|interact\w*|block\w*|blunt\w*|attenuat\w*|potentiat\w*|"
                          r"abolish\w*|enhanc\w*|fatal\w*|deaths?|died|overdos\w*|toxic\w*|adverse|safe\w*|"
                          r"(?:pharmacokinetic|pharmacodynamic)s?|area under|auc|c ?max|(?:plasma|serum|blood) "
                          r"(?:drug )?(?:concentrations?|levels?)|clearance|half-li(?:fe|ves)|exposure|bioavailability|"
                          r"contraindicated)\b|" + _ADVISED_AGAINST.pattern, re.I)


def gives_co_treatment(query: Query, text: str) -> bool:
    """Whether a text names one of the asked co-treatments as a drug given ("opioid painkillers",
    "tramadol"), not as the receptor or class another drug acts on ("an opioid antagonist")."""
    padded = padded_tokens(_ACTS_ON.sub(" ", text))
    return contains_any(padded, [f for c in query.co_treatments for f in (c, *expansions(c))])


def did_harm(query: Query, texts: list[str]) -> str:
    """Whether a study found the asked harm (``enrich.direction.adverse_direction``) from its
    sentences naming it: against when at least half of those that say find it (a safety signal
    is not outvoted by one reassurance), otherwise no difference (an outcome that improved is
    no harm either); unclear when none says."""
    votes = Counter("against" if _ADVISED_AGAINST.search(t) else adverse_direction(t)
                    for t in texts if names_harm(query, t))
    votes.pop("unclear", None)
    if not votes:
        return "unclear"
    return "against" if votes["against"] >= votes["no_difference"] + votes["favours"] else "no_difference"


def fewer_harms(query: Query, texts: list[str], asked: list[str], other: list[str]) -> str:
    """A comparison of harms read from the sentences naming the harm: which arm had more of it
    (``enrich.direction.harm_direction``; ``asked`` and ``other``: the arms' forms), the
    majority of those that say, a null finding winning a tie."""
    harms = harm_forms(query)
    asked, other = [f.lower() for f in asked], [f.lower() for f in other]
    votes = Counter(harm_direction(t, asked, other, harms) for t in texts if contains_any(padded_tokens(t), harms))
    votes.pop("unclear", None)
    if not votes:
        return "unclear"
    best = max(votes.values())
    return next(d for d in ("no_difference", "against", "favours") if votes[d] == best)
