"""The main effect of a study: the result sentence of its primary outcome, and the figures in it.

CONSORT 2010 item 17a: "for each primary and secondary outcome, results for each group, and
the estimated effect size and its precision (such as 95% confidence interval)"; CONSORT for
abstracts asks for the primary outcome's result first (Hopewell et al., PLoS Med 2008;5:e20).
So the sentence is chosen by what it reports, not by how strong its statistic looks:

- it carries a result (a p value, a CI, a ratio or difference, group rates or a before/after
  change) and is not background, aim or conclusion;
- it names the primary outcome (word overlap, when the outcome is known) or says "primary";
- it comes early among the results (the primary outcome is reported first);
- it is not about secondary outcomes, subgroups, harms or baseline characteristics.

The cell text is taken as written: a ratio or difference with its CI is rebuilt compactly
("HR 0.83 (95% CI 0.74–0.93), p=0.0017"); otherwise the statistics parenthesis the p value
sits in ("34.4% vs. 31.1% of weeks; odds ratio, 1.14; ..."), or the group figures that lead
to it ("nine out of 10 (90%) in the A group, two out of 10 (20%) in the B group (P < 0.01)").
Nothing is computed, so every number is in the passage.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from types import SimpleNamespace

from ..records import Passage
from ..text import numbers_in
from .numbers import mentions
from .outcome import Fact

_MEASURE_NAMES = (("hazard ratio", "HR"), ("odds ratio", "OR"), ("relative risk", "RR"), ("risk ratio", "RR"),
                  ("rate ratio", "RR"), ("weighted mean difference", "WMD"), ("standardi", "SMD"),
                  ("mean difference", "MD"), ("difference", "difference"), ("number needed to treat", "NNT"))
_NUM = re.compile(r"[-\u2212]?\d+(?:[.\u00b7]\d+)?")
_RANGE_PART = re.compile(r"([-\u2212]?\d+(?:[.\u00b7]\d+)?)(?:\s*(?:-|\u2013|to)\s*(\d+(?:[.\u00b7]\d+)?))?")
_BOUNDS = re.compile(r"([-\u2212]?\d+(?:[.\u00b7]\d+)?)\s*%?\s*(?:-|\u2013|to|,)\s*([-\u2212]?\d+(?:[.\u00b7]\d+)?)")
_PRIMARY_WORD = re.compile(r"\bprimary\b|\bmain (?:outcome|end ?point|endpoint|result)", re.I)
# Sentences about something other than the main comparison (CONSORT items 17b-19: secondary
# outcomes, ancillary and subgroup analyses, harms; item 15: baseline data).
_ASIDE = re.compile(r"\b(?:secondary|subgroups?|sub-group|adverse|side[- ]effects?|tolera\w*|withdr(?:ew|awn)\b|withdrawals? (?:from|due|because)|"
                    r"dropouts?|discontinu\w*|baseline characteristics|(?:mean|median|average) age|were aged|were (?:women|men|male|female)|"
                    r"(?:mean|median|average) (?:daily )?doses?(?!-)|"      # the dose taken, not its effect
                    r"completed the (?:study|trial)|lost to follow|safety|with respect to age|demographic\w*|in age(?![-\w])|"
                    r"(?:groups|arms) were (?:similar|comparable|well matched|balanced))\b", re.I)
_STOP = {"the", "a", "an", "of", "in", "with", "and", "or", "to", "for", "at", "on", "by", "was", "were", "is",
         "are", "from", "between", "patients", "group", "groups", "mean", "rate", "rates", "score", "scores",
         "total", "change", "number", "proportion", "time", "week", "weeks"}
_RESULT_KINDS = ("percent", "mean_sd", "score_change", "ratio", "mean_difference", "nnt", "ci", "p_value")
_PERCENT_WORD = re.compile(r"\b\d+(?:[.\u00b7]\d+)?\s+per\s?cent\b", re.I)
_COUNT_OF = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?:out\s+)?of\s+"
                       r"(?:the\s+)?\d+\b|(?<![\d.])\b\d+\s*/\s*\d+\b(?![\d.])(?!\s*(?:mm|cm|mg|ml|µg|kg|min|h\b|d\b|day|week))",
                       re.I)
# Lancet style two-sided p ("2p = 0.02"), which the mention patterns do not read as a p value
_TWO_P = re.compile(r"\b2p\s*[<=>\u2264]\s*0?[.\u00b7]\d+")
# an interval the mention patterns miss: "95% confidence interval [CI], 0.80-1.22"
_CI_LOOSE = re.compile(r"(?:95\s*%\s*)?(?:\bCI\b|confidence interval)\s*(?:\[CI\])?[,:;]?\s*[-\u2212]?\d+(?:[.\u00b7]\d+)?"
                       r"\s*(?:-|\u2013|to)\s*[-\u2212]?\d+(?:[.\u00b7]\d+)?")
_RESPECTIVELY = re.compile(r"((?:[-\u2212]?\d+(?:[.\u00b7]\d+)?\s*%?\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+vs\.?\s+|"
                           r"\s+versus\s+)){1,5}[-\u2212]?\d+(?:[.\u00b7]\d+)?\s*%?),?\s+respectively")
_MAX_LEN = 240
_FUNCTION = {"with", "in", "for", "by", "on", "at", "of", "than", "and", "or", "vs", "vs.", "versus", "to", "from",
             "was", "were", "is", "are", "the", "a", "an", "group", "groups", "between", "among"}


def aside(text: str) -> bool:
    """Whether a results sentence reports something beside the main effect: a secondary or
    subgroup result, harms and tolerability, attrition or the groups' baseline make-up."""
    return _ASIDE.search(text) is not None and not _PRIMARY_WORD.search(text)


def _label(span: str) -> str:
    low = span.lower()
    for name, short in _MEASURE_NAMES:
        if name in low:
            return short
    m = re.match(r"\s*(a?[HOR]R|RR|OR|HR|MD|SMD|WMD|NNT)\b", span)
    return m.group(1) if m else ""


def _ci_text(span: str) -> str:
    m = _BOUNDS.search(re.sub(r"95\s*(?:%|per\s?cent)", " ", span))
    if m is None:
        return ""
    lo, hi = m.groups()
    sep = " to " if lo.startswith(("-", "\u2212")) or hi.startswith(("-", "\u2212")) else "\u2013"
    return ("95% CI " if re.search(r"95\s*(?:%|per\s?cent)", span) else "CI ") + f"{lo}{sep}{hi}"


def _change_text(span: str) -> str:
    """"from 8-10 to 5-6" -> "8–10 → 5–6"; "from 34.2±3.3 before treatment to 21.7±3.9" -> "34.2 → 21.7"."""
    m = re.match(r"\s*from\s+(?:an? \w+ of\s+)?(.*?)\s+(?:[a-z]+\s+){0,2}?(?:to|down to|up to)\s+(.*)$", span, re.I)
    if not m:
        return ""
    sides = []
    for side in m.groups():
        r = _RANGE_PART.match(side.strip())
        if not r:
            return ""
        sides.append(r.group(1) + (f"\u2013{r.group(2)}" if r.group(2) else ""))
    return f"{sides[0]} \u2192 {sides[1]}"


# "costs ranging from 3000 to 9000", "levels varied from 1.5 to 18": a spread, not a change
_RANGE_BEFORE = re.compile(r"\b(?:rang(?:e|es|ed|ing)|var(?:ied|ying|y|ies)|spann?(?:ed|ing|s)?|between)\s*$", re.I)


def _changes(text: str, ms: list) -> list:
    """The before/after mentions of a sentence ("from 8-10 to 5-6"), without a range's "from .. to"."""
    return [m for m in ms if m.kind == "score_change" and not _RANGE_BEFORE.search(text[max(0, m.start - 12):m.start])]


def _interval_part(text: str, start: int, end: int) -> bool:
    """A figure that is a confidence level or an interval bound, not a group's result
    ("95% CI", "91.5-93.6%")."""
    before, after = text[max(0, start - 16):start], text[end:end + 14]
    return bool(re.match(r"\s*(?:CI|C\.I\.|confidence)", after, re.I)
                or re.search(r"(?:\bCI\b|confidence (?:interval|limits?))\s*[=:,]?\s*[\d.]*\s*[-–]?\s*$", before, re.I)
                or re.search(r"\d\s*$", before) and text[start:start + 1] in "-–−")


def _paren_around(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The outermost parenthesis or bracket pair holding [start, end), as (open+1, close)."""
    depth, opens = 0, []
    for i, ch in enumerate(text[:start]):
        if ch in "([":
            opens.append(i)
        elif ch in ")]" and opens:
            opens.pop()
    if not opens:
        return None
    o = opens[0]
    depth = 0
    for j in range(o, len(text)):
        if text[j] in "([":
            depth += 1
        elif text[j] in ")]":
            depth -= 1
            if depth == 0:
                return (o + 1, j) if j >= end else None
    return None


def _balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) so that no parenthesis is cut: a figure in brackets keeps the word
    it belongs to ("cetirizine (14.5%)"), a bracket opened is closed."""
    inside = start + (text[start:start + 1] in "([")
    first = _paren_around(text, inside, inside + 1)
    if first:   # the group the bracketed figure belongs to: up to three words back ("esomeprazole 40 mg (94.1%)")
        start = first[0] - 1
        for _ in range(3):
            word = re.search(r"([\w.+/-]+)\s*$", text[:start])
            if not word or word.group(1).lower() in _FUNCTION:
                break
            start = word.start()
    last = _paren_around(text, end - 1, end)
    if last and last[0] - 1 >= start:
        end = last[1] + 1
    return start, end


def _ratio_text(p: Passage, ms: list) -> str:
    """A ratio or difference with its CI (and p): "HR 0.83 (95% CI 0.74–0.93), p=0.0017"."""
    for i, m in enumerate(ms):
        if m.kind not in ("ratio", "mean_difference", "nnt"):
            continue
        label, value = _label(m.span), _NUM.findall(m.span)
        if not label or not value:
            continue
        near = [n for n in ms[i + 1:i + 3] if n.start - m.end < 40]
        ci = next((n for n in near if n.kind == "ci" and _ci_text(n.span)), None)
        if ci is None:
            return ""   # the first ratio is the main one: never skip to a later one
        pv = next((n for n in near if n.kind == "p_value"), None)
        ci_span = p.text[max(0, ci.start - 12):ci.end] if re.search(r"95\s*per\s?cent\s*$", p.text[:ci.start]) \
            else ci.span   # "95 percent confidence interval, 1.2 to 76.1"
        return f"{label} {value[-1]} ({_ci_text(ci_span)})" + (f", {pv.span}" if pv else "")
    return ""


def _result_starts(text: str, ms: list) -> list[int]:
    """Where group figures begin: rates, means, "9 of 10", "nine out of 10", a decimal
    that no other kind of mention (dose, duration, age) has claimed."""
    starts = [m.start for m in ms if m.kind in ("percent", "mean_sd", "score_change")
              and not _interval_part(text, m.start, m.end)]
    claimed = [(m.start, m.end) for m in ms] + [m.span() for m in _TEST_STAT.finditer(text)]
    starts += [v.start() for v in re.finditer(r"(?<![\w.])\d+(?:[.\u00b7]\d+)?(?=\s*%?\s*(?:vs\.?|versus)\s)", text)]
    starts += [d.start() for d in re.finditer(r"(?<![\w.])\d+[.\u00b7]\d+\b", text)
               if not any(s <= d.start() < e for s, e in claimed)]
    starts += [m.start() for m in _COUNT_OF.finditer(text) if re.search(r"\d", m.group(0))]
    starts += [m.start() for m in _PERCENT_WORD.finditer(text)]
    # a spread belongs to the mean before it: "128 +/- 0.8" starts at 128, not at 0.8
    starts = [(sd.start(1) if (sd := _MEAN_BEFORE.search(text, 0, s)) else s) for s in starts]
    return sorted(set(starts))


_MEAN_BEFORE = re.compile(r"(\d+(?:[.\u00b7]\d+)?)\s*(?:\+/-|\u00b1|\+-)\s*$")


def _more_groups(text: str, end: int) -> int:
    """Length of the other groups' figures that follow a result ("... (P <.001) and 17.3 mL in
    the B group and decreased 6.0 mL in the control group"), up to the clause's end; 0 if none."""
    # the first group's label may come between ("2.1 (95% CI 1.4-2.7) days using A and 1.7 (...) days using B")
    more = re.match(r"(?:\s+[A-Za-z][\w-]*){0,5}?\s*,?\s*(?:and|while|whereas|but|vs\.?|versus|compared with)\s+"
                    r"(?=those\b|the\b|in\b|\d|"
                    r"(?:one|two|three|four|five|six|seven|eight|nine|ten)\b)[^;]*?\d[^;]*?(?=;|\.\s|\.$|$)", text[end:])
    return more.end() if more else 0


# CONSORT 2010 item 17a: the effect is the comparison between groups; a p value within one group
# (change from baseline in one arm) is not it.
_BETWEEN = re.compile(r"\b(?:between(?: the)?(?: \w+)? (?:groups|arms|treatments)|between-group|intergroup|"
                      r"group differences?)\b", re.I)


# a group's size or a test statistic ("n = 42", "chi(2)(1)=5.56", "t = 2.1", "df = 3") is not a result figure
_TEST_STAT = re.compile(r"\b(?:[nN]|chi|\u03c7|[tFzUH]|df)\s*(?:\(\d+\)|\^?2|\u00b2)*\s*[=:]\s*[-\u2212]?\d[\d,.]*")


def _between_groups(text: str, ps: list) -> tuple[object, bool]:
    """The statistic to anchor on: the first, unless a later one is the between-group test and
    the first is not (``(anchor, True)`` then)."""
    if len(ps) > 1 and not _BETWEEN.search(text[max(0, ps[0].start - 50):ps[0].start]):
        for m in ps[1:]:
            if _BETWEEN.search(text[max(0, m.start - 50):m.start]):
                return m, True
    return ps[0], False


def _colon_before(text: str, end: int) -> int:
    """The last ":" before ``end`` that ends a clause; a clock time's ("8:00 AM") or a ratio's ("1:2") is not one."""
    i = text.rfind(":", 0, end)
    while i > 0 and text[i - 1:i].isdigit() and text[i + 1:i + 2].isdigit():
        i = text.rfind(":", 0, i)
    return i


def effect_text(p: Passage) -> str:
    """The main figures of one result sentence, as written (see the module docstring)."""
    text = p.text
    ms = mentions(text)
    compact = _ratio_text(p, ms)
    if compact:
        return compact
    change = next((m for m in _changes(text, ms) if _change_text(m.span)), None)
    ps = [m for m in ms if m.kind in ("p_value", "ci")]
    ps += [SimpleNamespace(kind="p_value", span=m.group(0), start=m.start(), end=m.end()) for m in _TWO_P.finditer(text)]
    ps += [SimpleNamespace(kind="ci", span=m.group(0), start=m.start(), end=m.end()) for m in _CI_LOOSE.finditer(text)
           if not any(q.start <= m.start() < q.end or m.start() <= q.start < m.end() for q in ps)]
    ps.sort(key=lambda m: m.start)
    if change is not None:
        pv = next((m.span for m in ps if m.kind == "p_value"), "")
        return f"{_change_text(change.span)} ({pv})" if pv else _change_text(change.span)
    if ps:
        anchor, between = _between_groups(text, ps)
        box = _paren_around(text, anchor.start, anchor.end)
        # a bracket that holds a figure besides the statistic ("n = 42" is a group's size, not one)
        if box and re.search(r"\d", _TEST_STAT.sub("", text[box[0]:anchor.start] + text[anchor.end:box[1]])):
            inner = text[box[0]:box[1]].strip(" ;,")
            # "change in LVEF was 3.2% (95% CI 1.8-4.7; p=0.0001)": the estimate the interval belongs to
            est = re.search(r"[-\u2212]?\d+(?:[.\u00b7]\d+)?\s*(?:%|per\s?cent)?\s*$", text[:box[0] - 1]) \
                if re.match(r"(?:95\s*(?:%|per\s?cent)|CI\b|confidence)", inner, re.I) else None
            if est:
                clause = max(text.rfind(";", 0, est.start()), text.rfind(",", 0, est.start()),
                             _colon_before(text, est.start())) + 1
                first = clause if len(text[clause:est.start()].split()) <= 12 else est.start()
                if box[1] + 1 - first <= _MAX_LEN:
                    return text[first:box[1] + 1].strip()
            if len(inner) <= _MAX_LEN:
                return inner
        # the clause the statistic closes; a CI's point estimate may sit just before a ";"
        head = max(0, anchor.start - (15 if anchor.kind == "ci" else 0))
        clause_start = max(text.rfind(";", 0, head), _colon_before(text, head)) + 1
        if between:   # "..., and was not significant between groups (p = .813)": that clause alone
            clause_start = max(clause_start, text.rfind(",", 0, (box[0] - 1) if box else head) + 1)
        starts = [s for s in _result_starts(text, ms) if clause_start <= s < anchor.start]
        end = box[1] + 1 if box else anchor.end
        if starts:
            first = starts[0]
            word = re.search(r"\b[a-z]+\s+(?:out\s+)?of\s+$", text[:first], re.I)   # "nine out of 10"
            first = first if not word or re.search(r"\d", word.group(0)) else word.start()
            first, end = _balanced(text, first, end)
            # CONSORT 17a, "results for each group": the other groups' figures that follow
            more = _more_groups(text, end)
            if more and end + more - first <= _MAX_LEN:
                end = _balanced(text, first, end + more)[1]
            if end - first <= _MAX_LEN:
                return text[first:end].strip(" ,;.")
        window = text[clause_start:anchor.start].rstrip(" ,([")
        kept = window.split()   # a clause of up to 24 words whole ("Median times to recurrence were ..."), else its end
        cut = len(window) - len(" ".join(kept[-12:] if len(kept) > 24 else kept))
        start, _ = _balanced(text, clause_start + max(0, cut), anchor.end)   # never open inside a bracket
        words, stat = text[start:anchor.start].strip(" ,([").split(), anchor.span
        if box and box[0] - 1 >= start:   # "(all P<0.001)", "(Kaplan Meier analysis p < 0.01)": the bracket whole
            words, stat = text[start:box[0] - 1].strip(" ,").split(), text[box[0]:box[1]].strip()
        if between and words and words[0].lower() in ("and", "but", "while", "whereas", "yet"):
            words = words[1:]
        after = []
        if len(words) < 5:   # "There was a significantly (P<.05) lower rate of X ...": say what is lower
            after = re.split(r"[,;]|\.\s|\.$", text[end:].lstrip(" )"), maxsplit=1)[0].split()[:12]
        else:
            more = _more_groups(text, end)
            if more and end + more - start <= _MAX_LEN:
                after = text[end:end + more].split()
        return " ".join([*words, f"({stat})", *after]).strip() if words or after else stat
    resp = _RESPECTIVELY.search(text)
    if resp:
        return resp.group(1).strip()
    # no test statistic: the group figures as written, from the first to the last
    figures = sorted([(m.start, m.end) for m in ms if m.kind in ("percent", "mean_sd")
                      and not _interval_part(text, m.start, m.end)]
                     + [m.span() for m in _COUNT_OF.finditer(text)] + [m.span() for m in _PERCENT_WORD.finditer(text)])
    if len(figures) >= 2:
        start, end = _balanced(text, figures[0][0], figures[-1][1])
        if end - start <= _MAX_LEN:
            return text[start:end]
        return " vs ".join(text[s:e] for s, e in figures[:3])
    return ""


# a statistical method or threshold is not a result: "significance set at P < 0.05", "P < 0.05 was
# considered significant", "the paired t test was used to assess ..."
_METHOD_STAT = re.compile(r"\bsignificance (?:was )?(?:set|defined|accepted)\b|\bconsidered (?:statistically )?significant|"
                          r"\b(?:level of significance|significance level)\b|\bwas used to (?:assess|compare|test|analy[sz]e)\b",
                          re.I)


def _has_result(text: str) -> bool:
    if _METHOD_STAT.search(text):
        return False
    ms = mentions(text)
    if any(m.kind in ("p_value", "ci", "ratio", "nnt") for m in ms) or _changes(text, ms) or _TWO_P.search(text) \
            or _CI_LOOSE.search(text):
        return True
    if any(m.kind == "mean_difference" and re.search(r"\d", m.span) for m in ms):
        return True
    groups = [m for m in ms if m.kind in ("percent", "mean_sd") and not _interval_part(text, m.start, m.end)]
    return (len(groups) + len(_PERCENT_WORD.findall(text)) >= 2 or bool(_RESPECTIVELY.search(text))
            or len(_COUNT_OF.findall(text)) >= 2)


def tested(text: str) -> bool:
    """Whether a sentence reports a test or an estimate (a p-value, a CI, a ratio, a change)."""
    ms = mentions(text)
    return (any(m.kind in ("p_value", "ci", "ratio") for m in ms) or bool(_changes(text, ms))
            or bool(_TWO_P.search(text) or _CI_LOOSE.search(text)))


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 1}


def main_effect(body: Sequence[Passage], roles: Sequence[str], outcome: Fact | None) -> Fact | None:
    """The primary outcome's result: the best-scoring result sentence's figures."""
    want = _stems(outcome.text) if outcome else set()
    # several outcomes named together: the first is the one reported first
    first = _stems(re.split(r",\s|\s(?:and|or)\s", outcome.text)[0]) if outcome else set()
    best: tuple[float, int, Fact] | None = None
    order = 0
    for i, p in enumerate(body):
        role = roles[i] if i < len(roles) else ""
        if role in ("background", "objective") or not _has_result(p.text):
            continue
        if role == "methods" and not tested(p.text) and not _RESPECTIVELY.search(p.text):
            continue   # arm descriptions ("drug 1% (n = 114) or ..."), unless "were X% and Y%, respectively"
        stems = _stems(p.text)
        # harms, subgroups, secondary outcomes, costs and baseline data are not the main effect
        # (CONSORT items 15, 17b-19) unless the primary outcome is one of them
        if aside(p.text) \
                and not (want and len(want & stems) >= len(want) / 2):
            continue
        text = effect_text(p)
        if not text or not numbers_in(text) <= numbers_in(p.text):   # a cut must not change a number
            continue
        score = 2.0 * bool(_PRIMARY_WORD.search(p.text))
        # a role the abstract's own heading gives is trusted more than the model's guess
        score += -(1.5 if p.section else 0.5) * (role == "methods") - 2.0 * (role == "conclusions")
        score -= 1.0 * bool(re.search(r"\bwithin(?:[- ]group| the \w+ group| each group)|\bin both\b", p.text, re.I))
        # a test against baseline is within a group, not the comparison between groups (CONSORT 17a)
        score -= 1.5 * bool(re.search(r"\b(?:compared (?:with|to)|vs\.?|versus|relative to) baseline\b", p.text, re.I))
        if want:
            score += 2.0 * len(want & stems) / len(want) + (2.0 * len(first & stems) / len(first) if first else 0.0)
        if role != "methods" or not p.section:
            score += max(0.0, 2.0 - 1.0 * order)   # the primary outcome is reported first
            order += 1
        score += 1.5 * bool(re.search(r"\bCI\b|confidence|\b2?[pP]\s*[<=>\u2264]", text))
        # CONSORT 17a, "results for each group": every group's figure ("64, 50, and 27%, respectively")
        score += 1.0 * bool(_RESPECTIVELY.search(p.text) or re.search(r"\d\s*%?\s*(?:vs\.?|versus)\s*\d", text))
        if best is None or score > best[0]:
            best = (score, -i, Fact(text, p.seq))
    return best[2] if best else None


__all__ = ["effect_text", "main_effect"]
