"""Features of a (question, passage) pair for the linear stance reader (``stance``).

Words and bigrams of the passage, words in the scope of a negation, cue classes from
``direction`` (``effect_polarity``, ``sentence_direction``) and question-passage ties: how many
of the question's content words and bigrams the passage shares, a negation next to one of them,
a look-alike of a missing question word ("lentiviral" for "adenoviral") or its opposite ("poor"
for "better") in the passage, absolute words in the question ("the only", "first"). The
passage's own features do not depend on the question, so they are read once per passage
(``passage_side``): an answer reads a findings sentence for its study, its verdict and its guard.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .features import tokens
from .direction import _HEDGE, effect_polarity, sentence_direction
from .significance import significance

_YES_OR_NO = re.compile(r",?\s*\(?\s*yes\s*(?:,|or|/)\s*no\s*\)?\s*\??\s*$", re.I)
_QNEG = re.compile(r"\b(?:not|never|no)\b|n't\b", re.I)
_NEG_CUES = frozenset("not no nor neither never without lack lacks lacked absence absent none cannot "
                      "fail failed fails unable unlikely".split())
_CLAUSE = re.compile(r"[.;:,()\[\]]|\bbut\b|\bwhereas\b|\bwhile\b|\bhowever\b", re.I)
_STOP = frozenset(
    "a an the of in on at to for from by with and or is are was were be been being do does did can could "
    "should would will may might has have had there their this that these those it its as than then into "
    "any some what which who whom whose how why when where yes no not also more most less between among "
    "after before during patients patient treatment use used using associated association effect effects "
    "role 0 s".split())
_NEG_WINDOW = 4
_ABSOLUTE = frozenset("only all always exclusively solely first sole every entirely completely unique "
                      "universally necessarily sufficient".split())
# Opposites that turn a "yes" question into a "no" when the passage says the other one.
_ANTONYMS = {}
for _a, _b in (("increase", "decrease"), ("increased", "decreased"), ("increases", "decreases"),
               ("higher", "lower"), ("more", "less"), ("better", "worse"), ("better", "poor"), ("good", "poor"),
               ("positive", "negative"), ("positively", "negatively"), ("dominant", "recessive"),
               ("benign", "malignant"), ("upregulation", "downregulation"), ("upregulates", "downregulates"),
               ("upregulated", "downregulated"), ("activation", "repression"), ("activation", "inhibition"),
               ("activates", "inhibits"), ("activator", "repressor"), ("activator", "inhibitor"),
               ("gain", "loss"), ("agonist", "antagonist"), ("acute", "chronic"), ("early", "late"),
               ("hyper", "hypo"), ("inherited", "acquired"), ("common", "rare"), ("large", "small"),
               ("major", "minor"), ("long", "short"), ("male", "female"), ("men", "women"), ("adult", "pediatric"),
               ("adults", "children"), ("dna", "rna"), ("bacterial", "viral"), ("virus", "bacterium"),
               ("intracellular", "extracellular"), ("nuclear", "cytoplasmic"), ("leading", "lagging"),
               ("pooled", "arrayed"), ("x", "y"), ("excitatory", "inhibitory"), ("oncogene", "suppressor"),
               ("protective", "risk"), ("safe", "toxic"), ("mitochondrial", "nuclear"), ("first", "second")):
    if _a != _b:
        _ANTONYMS.setdefault(_a, set()).add(_b)
        _ANTONYMS.setdefault(_b, set()).add(_a)


# Prefix swaps that make a sibling or an opposite: "typical"/"atypical", "increase"/"decrease",
# "adenoviral"/"lentiviral", "akinesia"/"dyskinesia", "monoclonal"/"polyclonal".
_SWAPS = frozenset(frozenset(p.split("/")) for p in (
    "/a", "/non", "/un", "/in", "/dys", "/hypo", "/hyper", "a/dys", "in/de", "mono/poly", "intra/inter",
    "intra/extra", "inter/extra", "hyper/hypo", "up/down", "adeno/lenti", "adeno/retro", "lenti/retro",
    "homo/hetero", "endo/exo", "pro/anti", "ex/in"))
_VOWELS = frozenset("aeiouy")


def _swap(t: str, s: str) -> bool:
    """A prefix swap ("adeno"/"lenti") between two words sharing their last four letters or more."""
    if s == t or abs(len(s) - len(t)) > 5:
        return False
    k = 4
    while k < min(len(t), len(s)) and s[-1 - k] == t[-1 - k]:
        k += 1
    return frozenset((t[:-k], s[:-k])) in _SWAPS


def _short_sibling(t: str, s: str) -> bool:
    """Short siblings ("CAG" for "CTG"): same length 3-4, one letter differs, one has no vowel."""
    return s != t and sum(a != b for a, b in zip(s, t)) == 1 \
        and min(sum(c in _VOWELS for c in t), sum(c in _VOWELS for c in s)) == 0


@dataclass(frozen=True)
class QuestionForm:
    """A question reduced to its positive form: answers to the original are flipped if negated."""

    text: str       # the question without "yes or no?" and without its negation
    negated: bool   # "Is X not ...?": a yes to the positive form is a no to the question
    content: frozenset[str]   # content words, for ties to passages
    words: frozenset[str] = frozenset()   # every word (antonyms are often stop-like: more/less)


def question_form(question: str) -> QuestionForm:
    """Strip a trailing "yes or no?" and one negation; note whether one was removed."""
    q = _YES_OR_NO.sub("", question.strip()).strip()
    negated = bool(_QNEG.search(q))
    if negated:
        q = re.sub(r"\s{2,}", " ", _QNEG.sub("", q, count=1))
    words = frozenset(tokens(q))
    content = frozenset(t for t in words if t not in _STOP and len(t) > 2)
    return QuestionForm(q, negated, content, words)


def _bin(n: int, cuts: tuple[int, ...]) -> int:
    return sum(n >= c for c in cuts)


@dataclass(frozen=True)
class PassageSide:
    """What ``pair_features`` needs of a passage whatever the question: read once per passage
    (an answer reads a findings sentence for its study, its verdict and its guard)."""

    feats: frozenset[str]        # the passage's own features (words, bigrams, negation, cues)
    tokset: frozenset[str]
    neg_scope: frozenset[str]
    bigrams: frozenset[str]
    pol: str
    by_suffix: dict[str, tuple[str, ...]]    # tokens by their last four letters
    by_length: dict[int, tuple[str, ...]]    # tokens of three and four letters

    def contrasts(self, missing: set[str]) -> bool:
        """Whether a look-alike of a missing question word is in the passage: the passage names a
        sibling ("lentiviral" for "adenoviral", "CAG" for "CTG"), not the thing asked about.
        Only tokens that can match are compared: same last four letters, or same short length."""
        for t in missing:
            if len(t) >= 4 and any(_swap(t, s) for s in self.by_suffix.get(t[-4:], ())):
                return True
            if 3 <= len(t) <= 4 and any(_short_sibling(t, s) for s in self.by_length.get(len(t), ())):
                return True
        return False


@lru_cache(maxsize=4096)
def passage_side(passage: str) -> PassageSide:
    feats: set[str] = set()
    toks: list[str] = []
    neg_scope: set[str] = set()
    for clause in _CLAUSE.split(passage.lower()):
        ct = tokens(clause)
        left = 0
        for t in ct:
            if t in _NEG_CUES:
                left = _NEG_WINDOW
                feats.add("neg")
            elif left:
                neg_scope.add(t)
                left -= 1
        toks.extend(ct)
    bigrams = frozenset(a + "_" + b for a, b in zip(toks, toks[1:]))
    feats.update("p:" + t for t in toks)
    feats.update("p:" + b for b in bigrams)
    feats.update("n:" + t for t in neg_scope)
    pol = effect_polarity(passage)
    feats.add("pol:" + pol)
    feats.add("dir:" + sentence_direction(passage))
    feats.add("sig:" + significance(passage))     # the passage's own tests: p < 0.05 or not
    if _HEDGE.search(passage):
        feats.add("hedge")
    feats.add("len:" + str(_bin(len(toks), (8, 20, 40, 80))))
    tokset = frozenset(toks)
    by_suffix: dict[str, list[str]] = {}
    by_length: dict[int, list[str]] = {}
    for t in tokset:
        if len(t) >= 4:
            by_suffix.setdefault(t[-4:], []).append(t)
        if 3 <= len(t) <= 4:
            by_length.setdefault(len(t), []).append(t)
    return PassageSide(frozenset(feats), tokset, frozenset(neg_scope), bigrams, pol,
                 {k: tuple(v) for k, v in by_suffix.items()}, {k: tuple(v) for k, v in by_length.items()})


@lru_cache(maxsize=256)
def _asked(form: QuestionForm) -> tuple[frozenset[str], frozenset[str]]:
    """The features of the question alone (its first words, absolute words; ``pol`` left as
    ``{pol}`` for the passage to fill) and its bigrams that hold a content word."""
    qt = tokens(form.text)
    feats = {"q:" + t for t in qt[:3]}
    if form.words & _ABSOLUTE:
        feats |= {"qabs", "qabs&{pol}"}     # "the only", "always", "first": strong claims are often false
    if qt:
        q0 = "q0:" + "_".join(qt[:2])
        feats |= {q0, q0 + "&{pol}"}
    q = form.content
    return frozenset(feats), frozenset(a + "_" + b for a, b in zip(qt, qt[1:]) if a in q or b in q)


@lru_cache(maxsize=256)
def _opposites(form: QuestionForm) -> tuple[tuple[str, frozenset[str]], ...]:
    """The question's words that have an opposite, with their opposites: read once per question,
    not for each of the hundreds of passages an answer reads."""
    return tuple((t, frozenset(_ANTONYMS[t])) for t in form.words if t in _ANTONYMS)


def question_features(form: QuestionForm, side: PassageSide) -> set[str]:
    """The features that tie the passage to the question (overlap, look-alikes, opposites...)."""
    feats: set[str] = set()
    pol, tokset = side.pol, side.tokset
    q = form.content
    if q:
        shared = q & tokset
        frac = len(shared) / len(q)
        ov = "ov:" + str(_bin(int(10 * frac), (2, 4, 6, 8)))
        feats.add(ov)
        feats.add(ov + "&" + pol)
        feats.add("miss:" + str(_bin(len(q) - len(shared), (1, 2, 4))))
        if side.contrasts(set(q - shared)):
            feats.add("lookalike")
            feats.add("lookalike&" + ov)
        if any(opposite & tokset for t, opposite in _opposites(form) if t not in tokset):
            feats.add("antonym")
            feats.add("antonym&" + ov)
        if shared & side.neg_scope:
            feats.add("negq")           # a negation governs one of the question's words
            feats.add("negq&" + ov)
    alone, qbi = _asked(form)
    feats.update(f.replace("{pol}", pol) for f in alone)
    if qbi:
        feats.add("bi:" + str(_bin(int(10 * len(qbi & side.bigrams) / len(qbi)), (1, 3, 5, 7))))
    return feats


def pair_features(form: QuestionForm, passage: str) -> set[str]:
    """Binary features of one (question, passage) pair; the same in training and inference:
    the passage's own features (cached per passage) and its ties to the question."""
    side = passage_side(passage)
    return set(side.feats) | question_features(form, side)
