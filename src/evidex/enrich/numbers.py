"""Numbers with their exact source span: sample size, doses with schedule, effect figures.

Pure regex extraction; every value carries the text it was read from so that a
statement built from it can be checked against the cited passage.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Dose, Number
from .scan import anchored_finditer, word_spans
from .split import contains_any, spans

_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
               "eighty": 80, "ninety": 90, "hundred": 100})
_WORDALT = "|".join(sorted(_WORDS, key=len, reverse=True))
# "Thirty-one", "twenty one", "1,200", "56"
NUMWORD = (r"(?:\d{1,3}(?:,\d{3})+|\d+|(?:" + _WORDALT + r")(?:[- ](?:one|two|three|four|five|six|seven|eight|"
            r"nine))?)")
_PEOPLE = (r"(?:patients|participants|subjects|women|men|adults|children|individuals|"
           r"volunteers|veterans|cases|people|persons|respondents|infants|girls|boys|"
           r"outpatients|inpatients|users)")
_N_EXPLICIT = re.compile(r"\b[nN]\s*=\s*(\d{1,3}(?:,\d{3})+|\d+)(?![\d,])(?!\s*(?:per|in each|/))")
_N_ACTION = re.compile(
    r"\b(?:randomi[sz]ed|enrolled|recruited|included|assigned|allocated)\s+(?:a total of\s+)?"
    + r"(" + NUMWORD + r")\b(?!\s*:)(?!\s+(?:dose|doses|time|times|week|weeks|day|days|month|months|year|years|"
    r"study|studies|trial|trials|article|articles|paper|papers|prescriptions?|drugs?|mg)\b)", re.I)
_PEOPLE_WORD = re.compile(r"\b" + _PEOPLE + r"\b", re.I)
# Looked for only in the few words before a people-word (fast: no scan of the whole text).
# Gap words between the count and the people-word may not start with a digit (so the
# nearest count wins: "417 prescriptions for 762 patients" -> 762); "(31)" may repeat it.
_COUNT_BEFORE = re.compile(r"(?<![\w.,])(" + NUMWORD + r")\s+(?:\(\d+\)\s+|[^\W\d][\w-]*\s+){0,3}$", re.I)
_ACTION_CUES = ("randomi", "enrolled", "recruited", "included", "assigned", "allocated")

_EPIDEMIOLOGY = re.compile(r"(?:fewer than|less than|more than|over|under|about|around|nearly|almost|some|"
                           r"approximately|estimated|affects|affecting|millions? of|up to)\s*$", re.I)
_UNIT = r"(?:mg|mcg|µg|μg|ug|g|ml|mL|IU|units?|mg/kg|µg/kg|mg/day|mg/d)"
_AMOUNT = r"\d+(?:[.\u00b7]\d+)?"
# An amount with its unit ("4.5 mg", "1-5 mg/d", "20 mg/kg"): the one dose pattern. It starts
# with a digit not after a word character or a dot, written as the digit and then the look-behind
# ``(?<![\w.]\d)`` (the same matches as ``(?<![\w.])\d``), so the engine can skip straight to digits.
DOSE = re.compile(
    r"(\d(?<![\w.]\d)\d*(?:[.\u00b7]\d+)?)(?:\s*(?:-|–|to)\s*(" + _AMOUNT + r"))?\s?(" + _UNIT + r")\b"
    r"(?:\s*(?:/|per)\s*(day|d|night|week|kg))?", re.I)
_FREQ = re.compile(r"\b(once daily|twice daily|daily|nightly|at bedtime|at night|per day|a day|"
                   r"each evening|every night|weekly|twice a day|once a day)\b", re.I)
_TITRATION = re.compile(r"\b(titrat\w*|increas\w* by|escalat\w*|starting (?:dose|at)|"
                        r"start(?:ed|ing)? (?:at|with)|up to|maximum(?: dose)? of|gradual\w*)\b", re.I)

_EFFECTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("p_value", re.compile(r"\b[pP]\s*(?:[<>=≤≥]|&lt;)\s*(?:0?[.\u00b7]\d+|1(?:\.0+)?\b)")),
    ("nnt", re.compile(r"\b(?:NNT|number needed to treat)\b[^.;]{0,40}?\d+(?:[.\u00b7]\d+)?", re.I)),
    ("ratio", re.compile(r"\b(?:RR|OR|HR|(?i:relative risk|odds ratio|hazard ratio))\b[^.;]{0,20}?\d+(?:[.\u00b7]\d+)?")),
    ("ci", re.compile(r"\b95\s*%\s*(?:CI|confidence (?:interval|limits?))[,:\s]*[-\u2212]?\d+(?:[.\u00b7]\d+)?"
                      r"\s*(?:-|–|to|,)\s*[-\u2212]?\d+(?:[.\u00b7]\d+)?", re.I)),
    ("percent", re.compile(r"[-\u2212]?\d+(?:[.\u00b7]\d+)?\s?%(?!\s*(?:CI|confidence))")),
    ("score_change", re.compile(r"\bfrom\s+(?:an? \w+ of\s+)?\d+(?:[.\u00b7]\d+)?(?:\s*(?:-|–|to)\s*\d+(?:[.\u00b7]\d+)?)?\s+(?:to|down to)\s+\d+(?:[.\u00b7]\d+)?(?:\s*(?:-|–|to)\s*\d+(?:[.\u00b7]\d+)?)?", re.I)),
    ("mean_difference", re.compile(r"\b(?:mean (?:difference|change)|change of|average change)\b[^.;]{0,30}?[-\u2212]?\d+(?:[.\u00b7]\d+)?", re.I)),
    ("duration", re.compile(r"\b\d+(?:[.\u00b7]\d+)?\s*(?:-|–|to)?\s*\d*\s*(?:weeks?|months?|days?|years?)\b", re.I)),
)


# Cheap substrings: a pattern is only run when one of its cues is in the text.
_EFFECT_CUES = {
    "p_value": ("p",), "nnt": ("nnt", "number needed"), "ratio": ("rr", "or", "hr", "ratio", "relative risk"),
    "ci": ("95",), "percent": ("%",), "score_change": ("from ",), "mean_difference": ("mean", "change"),
    "duration": ("week", "month", "day", "year"),
}


_YEARS = re.compile(r"\b(?:19|20)\d\d\b")


_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_WORD_SEQ = re.compile(r"[a-z]+", re.I)


def word_to_int(token: str) -> int | None:
    """"Ten" -> 10, "1,200" / "12 649" -> 1200 / 12649, "one thousand four hundred five" -> 1405."""
    token = token.lower().replace(",", "").replace("\u2009", " ").replace("\u202f", " ").replace("\u00a0", " ")
    if token.replace(" ", "").isdigit():
        return int(token.replace(" ", ""))
    words = [w for w in _WORD_SEQ.findall(token) if w != "and"]
    if not words or any(w not in _WORDS and w not in _SCALES for w in words):
        return None
    total = current = 0
    for w in words:
        if w in _SCALES and w != "hundred":
            total += max(current, 1) * _SCALES[w]
            current = 0
        elif w == "hundred":
            current = max(current, 1) * 100
        else:
            current += _WORDS[w]
    return total + current


# -- how many people were studied ----------------------------------------------------
# CONSORT 2010 item 13a asks for "the numbers of participants who were randomly assigned";
# PRISMA 2020 item 16 the number of studies and participants included. Those totals are
# what the evidence table's n shows; per-arm counts ("(n = 975)"), subgroups ("of whom
# 44", "340 [35%]") and background prevalence ("affects 200,000 people") are not.
_SMALL = r"(?:" + _WORDALT + r")"
_WORD_COUNT = (r"(?:" + _SMALL + r"|thousand)(?:(?:[- ]|\s+and\s+|(?<=thousand),\s+)(?:" + _SMALL + r"|thousand))*")
_DIGIT_COUNT = r"(?:\d{1,3}(?:[,\u2009\u202f\u00a0 ]\d{3})+(?![\d.,\u00b7]\d)|\d+(?![\d.,\u00b7]\d))"
_COUNT = r"(?:" + _DIGIT_COUNT + r"|" + _WORD_COUNT + r")"
_NOT_PEOPLE = (r"(?!\s*(?:%|:|[-\u2013]|/|or\s+(?:more|fewer|less)\b|(?:thirds?|half|halves|quarters?|fifths?)\b|"
               r"(?:[a-z][\w-]*\s+){0,2}(?:treatments?|therapies|regimens?|interventions?|formulations?|occasions?|nights?|"
               r"sessions?|periods?|phases?|conditions?|protocols?|sequences?|micrograms?|microg|"
               r"days?|weeks?|months?|years?|hours?|minutes?)\b|"
               r"(?:" + _UNIT + r"|dose|doses|times?|"
               r"study|studies|trials?|RCTs?|articles?|papers?|reports?|centres?|centers?|sites?|"
               r"hospitals?|countries|practices|prescriptions?|drugs?|groups?|arms?|cycles?|visits?|"
               # units of analysis that are not people: "1852 eyes", "46 knees", "120 lesions"
               r"eyes?|teeth|tooth|knees?|hips?|joints?|limbs?|feet|hands?|lesions?|specimens?|samples?|implants?)\b))")
_ACTION_RX = re.compile(
    r"\b(randomi[sz]ed|randomly (?:assigned|allocated)|enrolled|enrolling|recruited|recruiting|included|including|"
    r"involving|involved|comprising|comprised|studied|assigned|allocated)\s+(?:a total of\s+|totally\s+|"
    r"altogether\s+|overall\s+)?(" + _COUNT + r")\b" + _NOT_PEOPLE, re.I)
_PASSIVE_RX = re.compile(r"(?<![\w.,-])(" + _COUNT + r")" + _NOT_PEOPLE +  # "at 40 sites, we randomly"
                         r"\s+(?!(?:thirds?|half|quarters?|fifths?|of|per)\b)(?:[^\W\d][\w-]*,?\s+){0,8}?(?:were\s+|was\s+|and\s+)?"
                         r"(?:then\s+)?(?:randomi[sz]ed|randomly)\b"
                         # "52 randomised trials" counts trials, not people (and see _DESIGN_AHEAD)
                         r"(?!\s+(?:(?:controlled|clinical|placebo-controlled|double-blind)\s+)*(?:trials?|studies|RCTs?)\b)",
                         re.I)
_STRONG_ACTION = ("randomi", "randomly", "enrol", "recruit")
# Every _ACTION_RX match holds one of these (lower case); every _PEOPLE_WORD match one of those.
_ACTION_RX_CUES = ("randomi", "randomly", "enrol", "recruit", "includ", "involv", "compris", "studied", "assigned",
                   "allocated")
_PEOPLE_WORDS = tuple(_PEOPLE[3:-1].split("|"))
_EXPLICIT_RX = re.compile(r"\b([nN])\s*=\s*(" + _DIGIT_COUNT + r")(?!\s*(?:per|in each|/))")
# The gap may hold a bracketed label or list of describing words: "30 ADHD (DSM-IV) subjects",
# "105 ambulatory, nondemented, community-dwelling women".
_COUNT_BEFORE_PEOPLE = re.compile(
    r"(?<![\w.,\u00b7])(" + _COUNT + r")" + _NOT_PEOPLE + r"\s+(?:\(\d[\d,]*\)\s+|\([^()\d]{1,20}\)\s+|"
    r"(?:type|stage|grade|class)\s+\d\w*\s+|[^\W\d][\w-]*,?\s+){0,3}$", re.I)
# CONSORT 2010 item 13a / flow-diagram wording for the sample itself: "30 were included",
# "41 patients met every inclusion criterion" (after a screening count: "Of these 59, ...").
_INCLUDED_RX = re.compile(r"(?<![\w.,\u00b7-])(" + _COUNT + r")" + _NOT_PEOPLE +
                          r"\s+(?:\(\d[\d,]*\)\s+)?(?:[^\W\d][\w-]*,?\s+){0,4}?(?:(?:were|was)\s+(?:then\s+|finally\s+)?"
                          r"(?:included|enrolled|recruited)\b|(?:met|fulfilled|satisfied)\s+(?:all\s+|every\s+|the\s+)?"
                          r"(?:\w+\s+)?(?:inclusion|eligibility|entry)\s+criteri)", re.I)
_INCLUDED_CUES = ("included", "enrolled", "recruited", "criteri")
_TOTAL_CUE = re.compile(r"\b(?:a total of|total(?:ly)?|overall|in all|altogether|all)\s*(?:of\s*)?$", re.I)
_SUBGROUP_BEFORE = re.compile(r"(?:\b(?:of whom|of these|of them|among(?: the| these| them)?|including|except|"
                              r"excluding|remaining|other|only|in the \w+ group|while|whereas)|\d\s*(?:and|or|vs\.?|"
                              r"versus)|\b(?:boys|girls|men|women|males?|females?)\s*,?\s*and)\s*$", re.I)
_SUBGROUP_AFTER = re.compile(r"^\s*(?:[(\[]\s*\d+(?:[.\u00b7]\d+)?\s*%|;\s*\d+(?:[.\u00b7]\d+)?\s*%|"
                             r"(?:[a-z]+\s+){1,2}[(\[]\s*\d+(?:[.\u00b7]\d+)?\s*%\s*[)\]]|"   # "two patients (3.1%)"
                             r"(?:\w+\s+){0,3}?(?:per|in each|each) (?:group|arm)|(?:patients?\s+)?to (?:the )?\w+ (?:group|arm)|"
                             # "27 boys and 34 girls": one sex of a total the text does not write
                             r"(?:boys|girls|men|women|males?|females?)\s*,?\s+and\s+\d)",
                             re.I)
_FACTORIAL_NEXT = re.compile(r"\s*[x\u00d7]\s*\d")
# A number with a unit after it (a bracketed SE may come between) measures time or amount.
_UNIT_NEXT = re.compile(r"\s*(?:\(\d[\d.,]*\)\s*)?(?:days?|weeks?|months?|years?|hours?|minutes?|mg|mcg|ml|kg|"
                        r"times|doses|attacks|episodes)\b", re.I)
# "data from all 30 patients from one site were excluded": those left out, "all" or not.
_EXCLUDED_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){0,5}?(?:were|was) (?:excluded|withdrawn|lost|dropped)", re.I)


@dataclass(frozen=True)
class Count:
    """One stated count of people: its value, the text it is read from and how it is phrased."""

    value: int
    span: str          # exact text of the sentence ("randomised 120", "12,649 patients", "n = 31")
    score: int         # higher = more likely the study's total (see ``counts``)
    sentence: int = 0  # index of the sentence in the list given to ``total_count``
    parts: tuple[int, ...] = ()   # a total not written: the per-arm / per-sex counts it adds up


def counts(sentence: str) -> list[Count]:
    """Every count of people stated in one sentence, scored as a candidate total.

    Randomised ("randomised 120", "134 were randomised") scores 4 (CONSORT's n), enrolled /
    recruited 3 (enrolment precedes randomisation), "N were included" / "N met the inclusion criteria" 3 (the
    sample left after screening), included / studied 2, "N patients" 2, "n = N" 1; "a total of"
    adds 2; a subgroup or per-arm phrasing ("of whom 44", "340 (35%)", "60 per group")
    takes 2 off. Years and prevalence figures are not counts of the people studied.
    """
    out: list[Count] = []
    taken: list[tuple[int, int]] = []

    def add(value: int | None, s: int, e: int, score: int, num_start: int, num_end: int) -> None:
        if value is None or not 1 <= value <= 10_000_000:
            return
        raw = sentence[num_start:num_end]
        if raw.isdigit() and 1900 <= value <= 2100 and not (
                _PEOPLE_NEXT.match(sentence, num_end) and not _YEAR_BEFORE.search(sentence, 0, num_start)):
            return  # a year, not a count ("1959 patients with" is a count; "between 2010 and 2015 patients" is not)
        if _EPIDEMIOLOGY.search(sentence[max(0, num_start - 30):num_start]):
            return  # "affects fewer than 200,000 people": prevalence, not the sample
        if raw[:1].isdigit() and _LABEL_BEFORE.search(sentence, max(0, num_start - 12), num_start):
            return  # "type 2 diabetic patients", "stage 3", "group 2": a label's number
        before, after = sentence[max(0, num_start - 25):num_start], sentence[num_end:num_end + 40]
        if _EXCLUDED_AFTER.search(after):
            score -= 2
        elif _TOTAL_CUE.search(before):
            score += 2
        elif _SUBGROUP_BEFORE.search(before) or _SUBGROUP_AFTER.search(after):
            score -= 2
        if _PERCENT_NEXT.match(sentence, num_end) or _FACTORIAL_NEXT.match(sentence, num_end) \
                or _UNIT_NEXT.match(sentence, num_end) or any(ts <= num_start < te for ts, te in taken):
            return   # "(35%)", "a randomized 3 x 2 factorial trial", "324 (24) days for patients": no count of people
        taken.append((num_start, num_end))
        out.append(Count(value, sentence[s:e], score))

    low = sentence.lower()
    # Substring cues skip the big patterns where they cannot match. Only for ASCII text: with
    # re.I, "\u017f" matches "s" and the Kelvin sign "k", which no substring test sees.
    plain = sentence.isascii()
    actions = anchored_finditer(_ACTION_RX, sentence, low, _ACTION_RX_CUES) if plain else _ACTION_RX.finditer(sentence)
    anchors: list[tuple[int, int, int, int, bool]] = []   # counts a later arm's count may add to (``arm_counts``)
    for m in actions:
        verb = m.group(1).lower()
        score = 4 if verb.startswith("random") else 3 if verb.startswith(_STRONG_ACTION) else 2
        add(word_to_int(m.group(2)), m.start(), m.end(2), score, m.start(2), m.end(2))
        if out and out[-1].span == sentence[m.start():m.end(2)]:
            anchors.append((out[-1].value, m.start(), m.end(2), out[-1].score, verb.startswith(("random", "assigned", "allocated"))))
    if "random" in low:   # "134 ... were randomised", "Thirty participants ... were then randomly assigned"
        for m in _PASSIVE_RX.finditer(sentence):
            # "two separate randomized, patient-blinded, controlled trials": with no people-word or
            # "were" before "randomized", a design noun after it says what was counted
            if not _PEOPLE_OR_WERE.search(m.group(0)) and _DESIGN_AHEAD.match(sentence, m.end()):
                continue
            add(word_to_int(m.group(1)), m.start(), m.end(), 4, m.start(1), m.end(1))
    if contains_any(low, _INCLUDED_CUES) or not plain:
        for m in _INCLUDED_RX.finditer(sentence):
            # "Fifteen studies met the criteria; 9 were included": with no people-word, studies named
            # before the count say what was included (PRISMA item 16 counts both)
            if not _PEOPLE_OR_WERE_PEOPLE.search(m.group(0)) and _STUDIES_BEFORE.search(sentence, 0, m.start(1)):
                continue
            add(word_to_int(m.group(1)), m.start(), m.end(), 3, m.start(1), m.end(1))
    if "=" in sentence:
        for m in _EXPLICIT_RX.finditer(sentence):
            add(word_to_int(m.group(2)), m.start(), m.end(), 1, m.start(2), m.end(2))
    for start, end in _people_spans(low, plain):
        # searched in place (not in a slice), so the look-behind sees a word the window cuts:
        # "Two hundred five ..." is never read as "hundred five"
        m = _COUNT_BEFORE_PEOPLE.search(sentence, max(0, start - 90), start)
        if m is None:
            continue
        s = m.start(1)
        add(word_to_int(m.group(1)), s, end, 2, s, s + len(m.group(1)))
        if out and out[-1].span == sentence[s:end]:
            anchors.append((out[-1].value, s, end, out[-1].score, False))
    from .arm_counts import arm_sums
    out.extend(Count(sum(p), sentence[s:e], score, parts=p) for p, s, e, score in arm_sums(sentence, low, anchors))
    return out


def _people_spans(low: str, plain: bool) -> list[tuple[int, int]]:
    """Spans of ``_PEOPLE_WORD`` in ``low``: found by ``str.find`` in ASCII text."""
    if plain:
        return word_spans(low, _PEOPLE_WORDS)
    return [m.span() for m in _PEOPLE_WORD.finditer(low)]


def total_count(sentences) -> Count | None:
    """The study's total n over a record's sentences: the best-scored count, the larger on a tie.

    Totals outrank subgroups by score, and among equals the larger is the total (a subgroup
    or arm is never bigger than the whole). This is the one place n is decided: ingest
    (``sample_size``) and the evidence table (``enrich.trial``) both call it.
    """
    best: Count | None = None
    for i, sentence in enumerate(sentences):
        if not (_has_digit(sentence) or _has_number_word(sentence)):
            continue
        for c in counts(sentence):
            if best is None or (c.score, c.value) > (best.score, best.value):
                best = Count(c.value, c.span, c.score, i, c.parts)
    return best


_PEOPLE_OR_WERE_PEOPLE = re.compile(r"\b" + _PEOPLE + r"\b", re.I)
_STUDIES_BEFORE = re.compile(r"\b(?:studies|trials|RCTs|articles|papers|reports|publications)\b", re.I)
_PEOPLE_OR_WERE = re.compile(r"\b(?:were|was|" + _PEOPLE[3:-1] + r")\b", re.I)
_DESIGN_AHEAD = re.compile(r"(?:[\s,-]+[\w]+){0,10}?[\s,-]+(?:trials?|stud(?:y|ies)|RCTs?|protocols?|sequences?|orders?|"
                           r"conditions?|designs?)\b", re.I)
_LABEL_BEFORE = re.compile(r"\b(?:type|grade|stage|class|phase|step|level|day|week|month|visit|group|arm|gr|part|period|"
                           r"session|cycle|study|version)\s*$", re.I)
_PERCENT_NEXT = re.compile(r"\s*(?:per ?cent|percent|%)", re.I)
_PEOPLE_NEXT = re.compile(r"\s+" + _PEOPLE + r"\b", re.I)
_YEAR_BEFORE = re.compile(r"\b(?:between|since|from|until|during|to|and|before|after)\s*$", re.I)
# A digit, or a number word: two searches, the cheap one first (one regex with both was a
# tenth of enrichment time).
_ANY_DIGIT = re.compile(r"\d")
_HAS_NUMBER_WORD = re.compile(r"\b(?:" + _WORDALT + r")\b", re.I)
_WORD_TOKEN = re.compile(r"\w+")
_NUMBER_WORDS = frozenset(_WORDS)


_DIGIT_CHARS = tuple("0123456789")


def _has_digit(sentence: str) -> bool:
    """``_ANY_DIGIT.search``: ten C-level substring tests on ASCII text (a regex search walks
    the sentence position by position); other text has other digits and takes the regex."""
    if sentence.isascii():
        return contains_any(sentence, _DIGIT_CHARS)
    return _ANY_DIGIT.search(sentence) is not None


# Every number word holds one of these (checked at import): a sentence with none of them has
# no number word, and most sentences without a digit have none.
_NUMBER_WORD_CUES = ("zero", "one", "two", "thr", "four", "five", "six", "seven", "eight", "nine", "ten",
                     "eleven", "twelve", "thir", "fift", "fort", "twent", "hundred")
assert all(contains_any(w, _NUMBER_WORD_CUES) for w in _WORDS)


def _has_number_word(sentence: str) -> bool:
    """``_HAS_NUMBER_WORD.search`` as a set lookup of the sentence's words (ASCII text only:
    there the two agree exactly; other text takes the regex), after a substring test."""
    if sentence.isascii():
        low = sentence.lower()
        return contains_any(low, _NUMBER_WORD_CUES) and not _NUMBER_WORDS.isdisjoint(_WORD_TOKEN.findall(low))
    return _HAS_NUMBER_WORD.search(sentence) is not None


def sample_size(text: str, sentence_spans: Sequence[tuple[int, int]] | None = None) -> tuple[int | None, str]:
    """Best guess at the number of people studied, and the exact span it came from.

    Sentences of ``text`` (``sentence_spans``, when the caller has them) go to ``total_count``
    (see there for the rules).
    """
    best = total_count([text[s:e] for s, e in (spans(text) if sentence_spans is None else sentence_spans)])
    return (best.value, best.span) if best else (None, "")


def doses(text: str) -> list[Dose]:
    """Doses with unit, and the schedule/titration words of the same sentence."""
    out: list[Dose] = []
    seen: set[str] = set()
    schedules: dict[tuple[int, int], tuple[str, str]] = {}     # per sentence: several doses share one
    for m in DOSE.finditer(text):
        span = m.group(0).strip()
        if span in seen:
            continue
        seen.add(span)
        dot = text.rfind(". ", 0, m.start())
        sent_start = dot + 2 if dot != -1 else 0
        sent_end = text.find(". ", m.end())
        key = (sent_start, sent_end if sent_end != -1 else len(text))
        if key not in schedules:
            schedules[key] = _schedule(text[key[0]:key[1]])
        amount = float(m.group(1).replace("\u00b7", "."))
        unit = m.group(3) + (f"/{m.group(4)}" if m.group(4) else "")
        out.append(Dose(amount, unit, span, *schedules[key]))
    return out


# Every _FREQ / _TITRATION match holds one of these (lower case; tested on ASCII text only).
_FREQ_CUES = ("dai", "day", "night", "bedtime", "evening", "weekly")
_TITRATION_CUES = ("titrat", "increas", "escalat", "start", "up to", "maximum", "gradual")


def _schedule(sentence: str) -> tuple[str, str]:
    """(frequency, titration) words of a dose's sentence, lower-cased; "" where none."""
    low = sentence.lower() if sentence.isascii() else None
    freq = _FREQ.search(sentence) if low is None or contains_any(low, _FREQ_CUES) else None
    titr = _TITRATION.search(sentence) if low is None or contains_any(low, _TITRATION_CUES) else None
    return (freq.group(1).lower() if freq else "", titr.group(1).lower() if titr else "")


def effect_numbers(text: str, passage_seq: int = -1) -> list[Number]:
    """Effect-size figures (p, NNT, ratios, CIs, %, score changes, durations) with spans."""
    out: list[Number] = []
    taken: list[tuple[int, int]] = []
    low = text.lower()
    for kind, rx in _EFFECTS:
        if not any(c in low for c in _EFFECT_CUES[kind]):
            continue
        for m in rx.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            nums = re.findall(r"\d*[.\u00b7]\d+|\d+", m.group(0))
            if not nums:
                continue
            taken.append((m.start(), m.end()))
            if kind == "score_change" and _YEARS.search(m.group(0)):
                continue  # "from 2018 to 2020" is a period, not a change in a score
            out.append(Number(kind, float(nums[-1].replace("\u00b7", ".")), m.group(0).strip(), passage_seq))
    return out


def mentions(text: str, passage_seq: int = -1, offset: int = 0) -> list[Number]:
    """Every number mention with kind and offsets (see ``enrich.mentions``)."""
    from .mentions import mentions as _mentions
    return _mentions(text, passage_seq, offset)
