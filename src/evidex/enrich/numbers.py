"""Numbers with their exact source span: sample size, doses with schedule, effect figures.

Pure regex extraction; every value carries the text it was read from so that a
statement built from it can be checked against the cited passage.
"""
from __future__ import annotations

import re

from ..records import Dose, Number

_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
               "eighty": 80, "ninety": 90, "hundred": 100})
_WORDALT = "|".join(sorted(_WORDS, key=len, reverse=True))
# "Thirty-one", "twenty one", "1,200", "56"
_NUMWORD = (r"(?:\d{1,3}(?:,\d{3})+|\d+|(?:" + _WORDALT + r")(?:[- ](?:one|two|three|four|five|six|seven|eight|"
            r"nine))?)")
_PEOPLE = (r"(?:patients|participants|subjects|women|men|adults|children|individuals|"
           r"volunteers|veterans|cases|people|persons|respondents|infants|girls|boys|"
           r"outpatients|inpatients|users)")
_N_EXPLICIT = re.compile(r"\b[nN]\s*=\s*(\d{1,3}(?:,\d{3})+|\d+)(?![\d,])(?!\s*(?:per|in each|/))")
_N_ACTION = re.compile(
    r"\b(?:randomi[sz]ed|enrolled|recruited|included|assigned|allocated)\s+(?:a total of\s+)?"
    + r"(" + _NUMWORD + r")\b(?!\s*:)(?!\s+(?:dose|doses|time|times|week|weeks|day|days|month|months|year|years|"
    r"study|studies|trial|trials|article|articles|paper|papers|prescriptions?|drugs?|mg)\b)", re.I)
_PEOPLE_WORD = re.compile(r"\b" + _PEOPLE + r"\b", re.I)
# Looked for only in the few words before a people-word (fast: no scan of the whole text).
# Gap words between the count and the people-word may not start with a digit (so the
# nearest count wins: "417 prescriptions for 762 patients" -> 762); "(31)" may repeat it.
_COUNT_BEFORE = re.compile(r"(?<![\w.,])(" + _NUMWORD + r")\s+(?:\(\d+\)\s+|[^\W\d][\w-]*\s+){0,3}$", re.I)
_ACTION_CUES = ("randomi", "enrolled", "recruited", "included", "assigned", "allocated")

_EPIDEMIOLOGY = re.compile(r"(?:fewer than|less than|more than|over|under|about|around|nearly|almost|some|"
                           r"approximately|estimated|affects|affecting|millions? of|up to)\s*$", re.I)
_UNIT = r"(?:mg|mcg|µg|μg|ug|g|ml|mL|IU|units?|mg/kg|µg/kg|mg/day|mg/d)"
_AMOUNT = r"\d+(?:[.\u00b7]\d+)?"
_DOSE = re.compile(
    r"(?<![\w.])(" + _AMOUNT + r")(?:\s*(?:-|–|to)\s*(" + _AMOUNT + r"))?\s?(" + _UNIT + r")\b"
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


def word_to_int(token: str) -> int | None:
    token = token.lower().replace(",", "")
    if token.isdigit():
        return int(token)
    parts = re.split(r"[- ]", token)
    if len(parts) == 2 and parts[0] in _WORDS and parts[1] in _WORDS and _WORDS[parts[0]] >= 20:
        return _WORDS[parts[0]] + _WORDS[parts[1]]
    return _WORDS.get(token)


def sample_size(text: str) -> tuple[int | None, str]:
    """Best guess at the number of people studied, and the span it came from.

    Preference: an explicit action ("randomised 99") or "n = 31", else the largest
    "N patients/women/..." mention (per-group counts are smaller than the total).
    """
    low = text.lower()
    for rx in (_N_ACTION, _N_EXPLICIT):
        if rx is _N_ACTION and not any(c in low for c in _ACTION_CUES):
            continue
        best = None
        for m in rx.finditer(text):
            value = word_to_int(m.group(1))
            if value and 1 <= value <= 10_000_000 and (best is None or value > best[0]):
                best = (value, m.group(0))
        if best:
            return best
    best = None
    for people in _PEOPLE_WORD.finditer(text):
        window = text[max(0, people.start() - 60):people.start()]
        m = _COUNT_BEFORE.search(window)
        if m is None:
            continue
        value = word_to_int(m.group(1))
        if value is None or not 1 <= value <= 10_000_000:
            continue
        if 1900 <= value <= 2100 and m.group(1).isdigit():
            continue  # a year, not a count
        start = people.start() - len(window) + m.start()
        if _EPIDEMIOLOGY.search(text[max(0, start - 30):start]):
            continue  # "affects fewer than 200,000 people": prevalence, not the sample
        if best is None or value > best[0]:
            best = (value, text[start:people.end()])
    return best if best else (None, "")


def doses(text: str) -> list[Dose]:
    """Doses with unit, and the schedule/titration words of the same sentence."""
    out: list[Dose] = []
    seen: set[str] = set()
    for m in _DOSE.finditer(text):
        amount = float(m.group(1).replace("\u00b7", "."))
        unit = m.group(3) + (f"/{m.group(4)}" if m.group(4) else "")
        dot = text.rfind(". ", 0, m.start())
        sent_start = dot + 2 if dot != -1 else 0
        sent_end = text.find(". ", m.end())
        sentence = text[sent_start: sent_end if sent_end != -1 else len(text)]
        freq = _FREQ.search(sentence)
        titr = _TITRATION.search(sentence)
        span = m.group(0).strip()
        if span in seen:
            continue
        seen.add(span)
        out.append(Dose(amount, unit, span, freq.group(1).lower() if freq else "",
                        titr.group(1).lower() if titr else ""))
    return out


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
