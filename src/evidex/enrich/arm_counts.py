"""A total the report does not write: the sum of the counts it gives per arm or per sex.

CONSORT 2010 item 13a asks for the number randomly assigned to each group; many abstracts give
only those ("we assigned 1511 patients to A and 1518 to B", "123, 129 and 64 patients were
randomized to A, B or C, respectively", "138 women and 47 men"), and the study's n is their
sum. The parts are each written in the sentence; the sum is arithmetic on them, nothing else.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import Passage
from .numbers import total_count

_SEXES = (("men", "women"), ("male", "female"), ("males", "females"), ("boys", "girls"))
_SEX_CUES = ("men", "male", "boys", "girls")
_ARM_VERBS = ("assigned", "allocated", "randomi", "received", "given", "treated")


def _rx(count: str, people: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    sex = r"(men|women|males?|females?|boys|girls)\b"
    # "138 women and 47 men", "256 males and 313 females", "27 girls (45%) and 34 boys"
    by_sex = re.compile(r"(?<![\w.,\u00b7-])(" + count + r")\s+(?:[a-z][\w-]*\s+)?" + sex +
                        r"(?:\s*[(\[][^()\[\]]{0,25}[)\]])?\s*,?\s+and\s+(" + count + r")\s+(?:[a-z][\w-]*\s+)?" + sex,
                        re.I)
    # "123, 129 and 64 patients ... respectively": one count per arm before the people-word
    listed = re.compile(r"(?<![\w.,\u00b7-])(" + count + r"(?:\s*,\s*" + count + r")*)\s*,?\s+and\s+(" + count +
                        r")\s+(?:[^\W\d][\w-]*\s+){0,2}?" + people + r"\b", re.I)
    # "... assigned 1511 patients ... to A and 1518 to B": a later arm's count after "and"
    later = re.compile(r"(?:\band|,)\s+(" + count + r")\s+(?:" + people + r"\b|(?:(?:were|was)\s+)?"
                       r"(?:to|received|receiving|given)\b)(?!\s+(?:\d|each|total|all|the\s+(?:study|trial)))"
                       r"(?![^.;,]{0,40}\b(?:excluded|withdr\w*|dropped|lost|discontinu\w*|completed|died|refused))", re.I)
    one = re.compile(count, re.I)
    return by_sex, listed, later, one


_PATTERNS: tuple | None = None


def _patterns():
    global _PATTERNS
    if _PATTERNS is None:
        from .numbers import _COUNT, _PEOPLE
        _PATTERNS = _rx(_COUNT, _PEOPLE)
    return _PATTERNS


def arm_sums(sentence: str, low: str, anchors: list[tuple[int, int, int, int, bool]]) -> list[tuple[tuple[int, ...], int, int, int]]:
    """Per-arm or per-sex counts in one sentence that add up to the total: (the parts, span start,
    span end, score); the total is ``sum(parts)``.

    ``anchors`` are the sentence's counts already read (value, span start, number's end, score, whether an
    allocation verb is written before it):
    "assigned 1511 ..." with a later "and 1518 to ..." in the same clause sums to 3029 at that score.
    A list ("123, 129 and 64 patients") counts only with "respectively" (one count per arm);
    a split by sex counts at the score of a plain "N patients" (2).
    """
    from .numbers import word_to_int
    by_sex, listed, later, one = _patterns()
    out: list[tuple[tuple[int, ...], int, int, int]] = []
    if any(c in low for c in _SEX_CUES) and " and " in low:
        for m in by_sex.finditer(sentence):
            a, b = m.group(2).lower().rstrip("s"), m.group(4).lower().rstrip("s")
            if a != b and any({a, b} == {x.rstrip("s"), y.rstrip("s")} for x, y in _SEXES):
                x, y = word_to_int(m.group(1)), word_to_int(m.group(3))
                if x and y and not _percent_after(sentence, m.end()):
                    out.append(((x, y), m.start(), m.end(), 2))
    if "respectively" in low and " and " in low:
        for m in listed.finditer(sentence):
            parts = [word_to_int(p.group(0)) for p in one.finditer(m.group(1))] + [word_to_int(m.group(2))]
            if all(parts) and len(parts) >= 2:
                score = 4 if "randomi" in low[m.end():] else 3 if any(v in low[m.end():] for v in _ARM_VERBS) else 2
                out.append((tuple(parts), m.start(), m.end(), score))
    for value, start, end, score, allocated in anchors:
        clause = re.split(r"[.;]\s|\b(?:whereas|while|but|of whom|of these|among whom)\b", sentence[end:], maxsplit=1)[0]
        found = list(later.finditer(clause))
        # an arm's verb between the first count and the next: "1511 ... to treatment with A and 1518 to B"
        if not found or not (allocated or any(v in clause[:found[0].start()].lower() for v in _ARM_VERBS)):
            continue
        extra = [word_to_int(m.group(1)) for m in found]
        if extra and all(extra) and all(x <= 10 * value and value <= 10 * x for x in extra):
            out.append(((value, *extra), start, end + found[-1].end(), score))
    return out


def _percent_after(sentence: str, end: int) -> bool:
    return bool(re.match(r"\s*(?:[(\[]\s*)?\d+(?:[.\u00b7]\d+)?\s*%", sentence[end:]))


# A count that is a duration ("for 1 week, patients were randomly ...") or a part of a
# subgroup ("One of seven patients who ...") is not the study's total.
_NOT_TOTAL = re.compile(r"^\S+[- ](?:weeks?|days?|months?|years?|hours?|wk|h)\b|^\S+\s+(?:out\s+)?of\s+\S+", re.I)


def total_of(body: Sequence[Passage]) -> tuple[object | None, int]:
    """``numbers.total_count`` over the body, passing over sentences whose best count is a
    duration or a part ("of seven"): the next sentence's total is read instead."""
    kept = list(body)
    for _ in range(3):
        count = total_count([p.text for p in kept])
        if count is None or not _NOT_TOTAL.match(count.span):
            return count, (kept[count.sentence].seq if count else -1)
        kept.pop(count.sentence)
    return None, -1
