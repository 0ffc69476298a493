"""What the tests a sentence reports say: a difference found, none, or nothing either way.

A p-value or a ratio's confidence interval is the one statement of a result that needs no
reading of its words (CONSORT item 17a: each estimate with its precision); the direction cues
(``direction``), the trained readers and the stance features all weigh it.
"""
from __future__ import annotations

import re

# A reported test: "P = 0.001", "p<0.05", "2p = 0.02", "P < .001", Lancet's "p=0·02".
_P_VALUE = re.compile(r"(?<![\w.])2?p\s*(<|>|=|≤|≥|&lt;|&gt;)\s*(0?[.·]\d+|1(?:[.·]0+)?)(?![\d.])", re.I)
# A ratio measure and its 95% confidence interval, up to 80 characters apart.
_RATIO_CI = re.compile(r"(?:\b(?:hazard|odds|rate|risk) ratio|\brelative risk|\b(?:HR|OR|RR|IRR))\b.{0,80}?"
                       r"(?:\bCI\b|confidence interval)[^\d\u2212-]{0,12}(\d+(?:[.\u00b7]\d+)?)\s*(?:-|\u2013|to|,)\s*"
                       r"(\d+(?:[.\u00b7]\d+)?)")

# A difference (mean, median, weighted or standardised) between groups and its confidence interval, whose bounds
# may be negative ("-", "\u2212" or an en dash): "the between-group difference was 1.64 (confidence interval -0.92
# to 4.20)", "MD -250 [95% CI -620 to 120]". An interval holding 0 shows no difference at its level (Altman & Bland,
# BMJ 2011;343:d2304). Not a ratio's interval ("no difference in mortality (RR 0.90, 95% CI 0.70 to 1.10)": 1 is
# its null), nor a change from baseline within a group (a between-group difference in change is one). A comma
# between the bounds needs a space ("0,5 to 1,2" is decimal commas).
_BOUND = r"((?:[-\u2212\u2013]\s?)?\d+(?:[.\u00b7]\d+)?)%?"
_DIFFERENCE_CI = re.compile(r"\b(?:differen\w*|W?MDs?|SMDs?)\b(?:(?!\b(?:ratios?|RRs?|ORs?|HRs?|IRRs?|relative)\b).)"
                            r"{0,80}?(?:\bCI\b|confidence interval)[^\d\u2212\u2013-]{0,12}" + _BOUND +
                            r"\s*(?:to|,(?=\s)|[-\u2013](?=\s?[-\u2212\u2013]?\s?\d))\s*" + _BOUND)
_BASELINE = re.compile(r"\bbaseline\b", re.I)
_BETWEEN = re.compile(r"\bbetween\b|\bintergroup\b", re.I)


def _number(text: str) -> float:
    return float(re.sub(r"^[\u2212\u2013-]\s?", "-", text).replace("\u00b7", "."))


def significance(sentence: str) -> str:
    """"significant", "not_significant" or "" for the tests a sentence reports: every p-value below 0.05 (or a
    ratio's 95% CI wholly on one side of 1, a difference's of 0) is a difference found, every one at or above it (or
    a CI spanning 1, or 0) none; a sentence reporting both, or neither, says nothing here (CONSORT item 17a: each
    estimate with its precision)."""
    found = reported_tests(sentence)
    return found.pop() if len(found) == 1 else ""


def reported_tests(sentence: str) -> set[str]:
    """What each test a sentence reports found ("significant" and/or "not_significant"; empty: none reported)."""
    found = set()
    for m in _P_VALUE.finditer(sentence):
        op, value = m.group(1), _number(m.group(2))
        below, above = op in ("<", "\u2264", "&lt;"), op in (">", "\u2265", "&gt;")
        if not (below or above):
            found.add("significant" if value < 0.05 else "not_significant")
        elif value <= 0.05 if below else value >= 0.05:      # "< 0.01" finds one, "> 0.2" none, "< 0.2" neither
            found.add("significant" if below else "not_significant")
    for m in _RATIO_CI.finditer(sentence):
        low, high = _number(m.group(1)), _number(m.group(2))
        if low <= high:
            found.add("not_significant" if low <= 1 <= high else "significant")
    return found | difference_intervals(sentence)


def difference_intervals(sentence: str) -> set[str]:
    """"significant" / "not_significant" for each difference between groups a sentence reports with its
    confidence interval (one wholly on one side of 0, or holding it); none in a sentence about baseline."""
    found: set[str] = set()
    if _BASELINE.search(sentence) and not _BETWEEN.search(sentence):
        return found
    for m in _DIFFERENCE_CI.finditer(sentence):
        low, high = _number(m.group(1)), _number(m.group(2))
        if low <= high:
            found.add("not_significant" if low <= 0 <= high else "significant")
    return found
