"""The dose a trial's methods give a named arm ("naltrexone 4.5 mg/day", "4.5 mg of
naltrexone", "oxybutynin, 10 mg/d, or ...", "cetirizine or loratadine at 0.2 mg/kg"): read
where the drug's words and a dose stand together (CONSORT item 5: each group's intervention,
with its dose). Used by ``trial`` for arms named without their dose (a title, a result).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import Passage
from .numbers import DOSE
from .outcome import Fact
from .pico import intervention_spans

_GENERIC_WORDS = set("therapy treatment low dose high oral topical the with and low-dose high-dose premedication "
                     "administration use effects effect".split())


def dosed(span: str, body: Sequence[Passage]) -> Fact | None:
    """A single named treatment with the dose the methods give it ("naltrexone 4.5 mg/day",
    "4.5 mg of naltrexone", "LDN 4.5 mg"), read where the drug word and its dose stand together."""
    named = " ".join(intervention_spans(span)) or span   # the drug's own words, not "although" or "used"
    heads = [w for w in re.findall(r"[A-Za-z][\w-]{3,}", named) if w.lower() not in _GENERIC_WORDS]
    if len(heads) > 1:
        heads.insert(0, named)       # the whole name first: "ranitidine hydrochloride, 150 mg"
    for p in body:   # an abbreviation the abstract defines for it: "low-dose naltrexone (LDN)"
        m = re.search(re.escape(span) + r"\s*\(([A-Z][A-Za-z0-9-]{1,8})\)", p.text, re.I)
        if m:
            heads.append(m.group(1))
    for p in body:
        for d in DOSE.finditer(p.text):
            for h in heads:
                for w in re.finditer(rf"\b{re.escape(h)}\b", p.text, re.I):
                    gap = p.text[w.end():d.start()]
                    if w.end() <= d.start() and re.fullmatch(r"\s*|\s+at\s+", gap):   # "naltrexone 4.5 mg", "X at 4.5 mg"
                        return Fact(p.text[w.start():d.end()], p.seq)
                    # "X (30 mg", "X, 10 mg/d, or Y", and a dose two arms share: "X or Y at 0.2 mg/kg"
                    if w.end() <= d.start() and re.fullmatch(r"\s*\(|\s*,\s*|\s+(?:or|and)\s+[\w-]+\s+(?:at|in a dose of)\s+",
                                                             gap):
                        return Fact(f"{w.group(0)} {d.group(0)}", p.seq)
                    if d.end() <= w.start() and re.fullmatch(r"\s*|\s+of\s+", p.text[d.end():w.start()]):
                        return Fact(p.text[d.start():w.end()], p.seq)   # "4.5 mg of naltrexone", "6 mg melatonin"
    return None
