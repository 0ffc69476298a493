"""Every number mention in a sentence, with its kind and character offsets.

Kinds: sample_size, percent, p_value, ratio, ci, nnt, mean_difference, score_change,
mean_sd, duration, dose, age. Patterns run in priority order and a later one never takes
characters an earlier one took. Measured on docs/labels/numbers.jsonl (hand-labelled
mentions from the LDN dev corpus; see docs/labels/README.md). Cheap substring cues gate
each pattern, and the unit-anchored kinds (duration, people counts) look only in a short
window before their unit word, to keep ingest fast.
"""
from __future__ import annotations

import re

from ..records import Number
from .numbers import _COUNT_BEFORE, _EPIDEMIOLOGY, _PEOPLE_WORD, _WORDALT, _YEARS, word_to_int

_N = r"[-\u2212]?\d+(?:[.\u00b7]\d+)?"
_NUMTXT = r"(?:\d+(?:[.\u00b7]\d+)?|" + _WORDALT + r"|few|several)"
_RANGE = _N + r"(?:\s*(?:-|\u2013|\u2212|to)\s*" + _N + r")?"
_SPREAD = r"(?:\s*\u00b1\s*\d+(?:[.\u00b7]\d+)?|\s*[\[(](?:SD:?\s*)?\d+(?:[.\u00b7]\d+)?[\])])?"
_UNITS = (r"(?:mg/kg/d(?:ay)?|mg/kg|µg/kg|μg/kg|mcg/kg|mg/m2|mg/mL|mg/ml|micro?g/mL|micro?g/ml|µg/mL|mg/d(?:ay)?|"
          r"mg|mcg|µg|μg|microg|ug|g|mL|ml|IU|units?|mmol|mEq)")
_PER = r"(?:\s*(?:/|per)\s*(?:day|d|night|week|kg)\b)?"

# (kind, pattern, cues): a lower-case cue is looked for in the lower-cased text, any other
# cue in the text as written ("CI", "OR").
_PATTERNS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("ci", re.compile(
        r"(?:\b95\s*%\s*)?(?:\bCI\b|\b[Cc]onfidence (?:interval|limits?))[,:\s]*(?:(?:was|of|from)\s+)?" + _N
        + r"\s*(?:[a-zA-Z]+\s*)?(?:-|\u2013|to|,)\s*" + _N), ("CI", "confidence")),
    ("ci", re.compile(_N + r"\s*(?:-|\u2013|to)\s*" + _N + r"(?:\s*[a-zA-Z]+)?,\s*95\s*%\s*CI"), ("CI",)),
    ("ci", re.compile(r"\((" + _N + r"\s*(?:to|\u2013)\s*" + _N + r")\)"), (" to ", "\u2013")),
    ("p_value", re.compile(r"\b[pP]\s*(?:[<>=\u2264\u2265]|&lt;)\s*(?:0?[.\u00b7]\d+|1(?:\.0+)?\b)"), ("p",)),
    ("nnt", re.compile(r"\b(?:NNT|number needed to treat)\b[^.;]{0,40}?\d+(?:[.\u00b7]\d+)?", re.I),
     ("nnt", "number needed")),
    ("ratio", re.compile(r"\b(?:RR|OR|HR|aOR|aHR|(?i:relative risk|risk ratio|odds ratio|hazard ratio))\b"
                         r"[\s=:,(of]{0,8}\d+(?:[.\u00b7]\d+)?"), ("RR", "OR", "HR", "ratio", "relative risk")),
    ("score_change", re.compile(
        r"\bfrom\s+(?:an? \w+ of\s+)?" + _RANGE + _SPREAD + r"(?:\s+[a-z]+){0,2}?\s+(?:to|down to|up to)\s+"
        + _RANGE + _SPREAD + r"(?!\d|[.\u00b7]\d)(?!\s*(?:" + _UNITS + r"|%|ng|years?|hours?|days?|weeks?|months?)\b)",
        re.I), ("from ",)),
    ("age", re.compile(
        r"\b\d+(?:[.\u00b7]\d+)?[- ](?:years?|months?)[- ]old\b|"
        r"\baged\s+" + _RANGE + r"(?:\s*(?:years|yrs|y)\b)?|"
        r"\b(?:mean|median|average)\s+age\b[^.;\d]{0,12}" + _N
        + r"(?:\s*(?:\u00b1\s*" + _N + r"|\((?:IQR|SD|range)[^)]{0,20}\)))?(?:\s*(?:years|yrs|y)\b)?|"
        r"\b" + _N + r"\s*\u00b1\s*" + _N + r"\s*years old", re.I),
     ("old", "aged", "mean age", "median age", "average age")),
    ("dose", re.compile(
        r"(?<![\w.])(?:between\s+)?\d+(?:[.\u00b7]\d+)?\s*(?:" + _UNITS + r"\s*)?(?:-|\u2013|to|and|/)\s*"
        r"\d+(?:[.\u00b7]\d+)?\s?" + _UNITS + r"\b" + _PER + "|"
        r"(?<![\w.])\d+(?:[.\u00b7]\d+)?\s?" + _UNITS + r"\b" + _PER, re.I),
     ("mg", "\u00b5g", "\u03bcg", "mcg", "microg", " g", "ml", "iu", "unit", "mmol", "meq")),
    ("mean_sd", re.compile(r"(?<![\w.])\d+(?:[.\u00b7]\d+)?\s*(?:\u00b1\s*\d+(?:[.\u00b7]\d+)?|"
                           r"\[(?:SD:?\s*)?\d+(?:[.\u00b7]\d+)?\])"), ("\u00b1", "[")),
    ("percent", re.compile(r"[-\u2212]?\d+(?:[.\u00b7]\d+)?\s?%(?!\s*(?:CI|confidence))"), ("%",)),
    ("sample_size", re.compile(r"\b[nN]\s*=\s*\d{1,3}(?:,\d{3})+|\b[nN]\s*=\s*\d+"), ("n",)),
    ("mean_difference", re.compile(
        r"\b(?:mean )?(?:difference|change)\s+(?:of\s+|was\s+|in [\w ]{1,30}? was\s+)?" + _N
        + r"(?:\s*[a-zA-Z]{1,4}\b)?", re.I), ("difference", "change")),
    ("mean_difference", re.compile(r"(?<=\bby )" + _N + r"(?!\s*%)(?:\s*[a-zA-Z]{1,4}\b)?"), (" by ",)),
)
_CHANGE_VERB = re.compile(r"\b(?:rose|fell|increased|decreased|improved|declined|dropped|reduced|changed)\b"
                          r"[^.;]{0,25}$", re.I)
_DUR_UNIT = re.compile(r"\b(?:weeks?|wk|months?|days?|years?|hours?|h)\b", re.I)
_DUR_BEFORE = re.compile(
    r"(?:\u2265\s*)?\b" + _NUMTXT + r"(?:\s*(?:-|\u2013|to)\s*" + _NUMTXT + r")?"
    r"(?:\s*(?:\u00b1\s*\d+(?:[.\u00b7]\d+)?|\((?:IQR|SD|range)[^)]{0,20}\)))?(?:\s*more)?[- ]?$", re.I)
_FIRST_NUM = re.compile(r"\d*[.\u00b7]\d+|\d+")
_DIGIT = re.compile(r"\d")


def mentions(text: str, passage_seq: int = -1, offset: int = 0) -> list[Number]:
    """Every number mention in ``text``, in order; ``offset`` is added to start/end."""
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    low = text.lower()

    def free(s: int, e: int) -> bool:
        return all(e <= ts or s >= te for ts, te in taken)

    has_digit = _DIGIT.search(text) is not None
    if has_digit:
        for kind, rx, cues in _PATTERNS:
            if not any((c in low) if c.islower() or not c.isalpha() else (c in text) for c in cues):
                continue
            for m in rx.finditer(text):
                s, e = m.span(1) if m.lastindex else m.span()
                while e > s and text[e - 1] in " ,":
                    e -= 1
                if not free(s, e) or not _FIRST_NUM.search(text, s, e):
                    continue
                if kind == "mean_difference" and text[s - 3:s] == "by " \
                        and not _CHANGE_VERB.search(text, max(0, s - 40), s - 3):
                    continue
                if kind == "score_change" and _YEARS.search(text, s, e):
                    continue
                taken.append((s, e))
                found.append((s, e, kind))
    for unit in _DUR_UNIT.finditer(text):        # "12 weeks", "four weeks", "333 (IQR 171-396.5) days"
        m = _DUR_BEFORE.search(text, max(0, unit.start() - 40), unit.start())
        if m is None or m.start() == m.end():
            continue
        s, e = m.start(), unit.end()
        if _YEARS.fullmatch(text[s:e].split()[0].lstrip("\u2265")) or not free(s, e):
            continue
        taken.append((s, e))
        found.append((s, e, "duration"))
    for people in _PEOPLE_WORD.finditer(text):   # "99 women", "Thirty-one (31) women"
        window = text[max(0, people.start() - 60):people.start()]
        m = _COUNT_BEFORE.search(window)
        if m is None or word_to_int(m.group(1)) is None:
            continue
        s = people.start() - len(window) + m.start()
        value = word_to_int(m.group(1))
        if (1900 <= value <= 2100 and m.group(1).isdigit()) or _EPIDEMIOLOGY.search(text[max(0, s - 30):s]):
            continue
        if free(s, people.end()):
            taken.append((s, people.end()))
            found.append((s, people.end(), "sample_size"))
    out = []
    for s, e, kind in sorted(found):
        span = text[s:e]
        nums = _FIRST_NUM.findall(span)
        if nums:
            value = float(nums[-1 if kind in ("p_value", "nnt") else 0].replace("\u00b7", "."))
        else:
            head = re.match(r"[A-Za-z]+(?:-[a-z]+)?", span)
            value = float((word_to_int(head.group(0)) if head else None) or 0)
        out.append(Number(kind, value, span, passage_seq, s + offset, e + offset))
    return out
