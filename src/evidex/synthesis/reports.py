"""Several reports of one trial: which stored records repeat a trial another record reports.

CONSORT asks that each trial be reported once; in the literature it is not (a main report,
then secondary, exploratory, post-hoc or long-term follow-up reports). Counting each report
as a study would count its patients twice in the verdict and the table, so further reports
are merged into the main one (``evidence.build_studies``).
"""
from __future__ import annotations

import re

from ..phrases import stem_drugs
from ..store import StoredRecord
from ..vocab import find_terms
from ..text import token_set

_REGISTRATION = re.compile(r"\b(NCT\d{8}|ISRCTN\d{6,}|ACTRN\d{10,}|EudraCT[ :]*\d{4}-\d{6}-\d{2})\b", re.I)
_SECONDARY = re.compile(r"\b(?:(?:secondary|exploratory|post[- ]hoc|ancillary|sub-?group|long-term follow-up|"
                        r"extension)\s+(?:analys[ie]s|outcomes?|results|report|study)|"
                        r"sub-?analys[ie]s|sub-?study)\b", re.I)
# A trial's name as reports write it: capitals and digits, four characters or more ("GISSI-3", "HERS").
_NAME = r"[A-Z][A-Z0-9]{2,}(?:-[A-Z0-9]+)*"
_TRIAL_NAME = re.compile(rf"\b{_NAME}\b")
_NAMED_TRIAL = re.compile(rf"\b({_NAME})(?:\)|\s+\w+)?\s+(?:trial|study|investigators|collaborative group|"
                          r"research group)\b")
# A trial a question names ("What did the PREVENT trial show?", "the SOHO study", "the INNOVA protocol").
_ASKED_TRIAL = re.compile(rf"\b({_NAME}(?:[ -](?:[IVX]+|\d+)\b)?)(?:\)|(?:\s+\w+){{1,2}})?\s+(?:trial|study|protocol|"
                          r"project|investigators)\b")
_FEW = 100             # below this, two unrelated trials share a size too often


def same_trial(s: StoredRecord, t: StoredRecord, regs: set[str], t_regs: set[str]) -> bool:
    """Two reports of one trial: a shared registration id; or the same n with a shared author
    and a similar title; or the same n (100 or more) and a shared trial name; or the same first
    author and two more, within three years, one of them a secondary, exploratory or post-hoc
    report."""
    if regs & t_regs:
        return True
    a, b = s.record, t.record
    authors = set(a.authors) & set(b.authors)
    title, t_title = token_set(a.title), token_set(b.title)
    similar = len(title & t_title) / max(1, len(title | t_title)) >= 0.5
    n = s.appraisal.n if s.appraisal.n == t.appraisal.n else None
    if n and n > 1 and authors and similar:
        return True
    if n and n >= _FEW and _names(a) & _names(b):
        # Reports of a large trial often share neither authors (a collaborative group) nor
        # title words, but both give its size and name it ("GISSI-3", 19,394 patients).
        return True
    same_team = bool(a.authors and b.authors and a.authors[0] == b.authors[0] and len(authors) >= 3)
    close = a.year is not None and b.year is not None and abs(a.year - b.year) <= 3
    return same_team and close and s.appraisal.design == t.appraisal.design and \
        bool(_SECONDARY.search(a.text()) or _SECONDARY.search(b.text()))


def _names(record) -> set[str]:
    """Names a record gives a trial: in its title, or followed by "trial"/"study"/"investigators"
    (a rating scale or a disease's abbreviation is named too, but not so)."""
    named = _TRIAL_NAME.findall(record.title) + _NAMED_TRIAL.findall(record.text())
    return {m for m in named if len(m) >= 4}


def asked_trials(question: str) -> set[str]:
    """The trials a question names with their number ("CIBIS II"), four characters or more and no
    name of a drug or disease ("an LDN trial", "an NSAID study" name no one trial)."""
    return {m for m in _ASKED_TRIAL.findall(question) if len(m) >= 4 and not find_terms(m) and not stem_drugs(m)}


def reports_trial(record, names: set[str]) -> bool:
    """Whether a record names one of ``names`` as written or with a hyphen ("CIBIS II", "CIBIS-II")."""
    if not names:
        return False
    text = f"{record.title} {record.text()}"
    return any(re.search(r"\b" + r"[ -]".join(map(re.escape, re.split(r"[ -]", n))) + r"\b", text) for n in names)


def main_reports(stored: list[StoredRecord]) -> dict[str, str]:
    """Further reports of one trial -> its main report's record id. The main report is the one
    that is not a secondary analysis, else the earlier found."""
    out: dict[str, str] = {}
    seen: list[tuple[StoredRecord, set[str]]] = []
    for s in stored:
        regs = {m.upper() for m in _REGISTRATION.findall(s.record.text())}
        for i, (t, t_regs) in enumerate(seen):
            if same_trial(s, t, regs, t_regs):
                if _SECONDARY.search(t.record.text()) and not _SECONDARY.search(s.record.text()):
                    out[t.record.id] = s.record.id      # the later-found one is the main report
                    out.update({k: s.record.id for k, v in out.items() if v == t.record.id})
                    seen[i] = (s, regs | t_regs)
                else:
                    out[s.record.id] = t.record.id
                break
        else:
            seen.append((s, regs))
    return out
