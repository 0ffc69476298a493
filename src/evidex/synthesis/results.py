"""Whether a sentence reports a result, rather than describing a study: its aims, methods and
definitions ("the primary outcome was the reduction in pain intensity") report nothing, however
positive their words."""
from __future__ import annotations

import re

from ..enrich.effect import tested
from ..enrich.sentence_reader import reading

# The trial's primary outcome (CONSORT item 6a) named in a sentence.
PRIMARY = re.compile(r"\bprimary (?:efficacy |composite )?(?:outcome|end ?point|endpoint|efficacy variable|"
                     r"variable|measure)s?\b", re.I)

# A result given arm by arm, with or without a test: "9% with celecoxib and 41% with naproxen",
# "21%, 12%, and 0% of the amitriptyline, cyclobenzaprine, and placebo patients", "69% versus 81%".
_ARM_RATE = re.compile(r"\d(?:[\d.]*\d)?\s*%\)?\s+(?:with|in|on|for|of)\s+(?:the\s+)?(?!\d)[\w-]+", re.I)
_RATES_PAIRED = re.compile(r"\d(?:[\d.]*\d)?\s*(?:%\s*,?\s*and|%?\s*(?:versus|vs\.?|compared with))\s+"
                           r"\d(?:[\d.]*\d)?\s*%|"
                           r"\d\s*%[^.;]*\brespectively\b", re.I)

# Values given arm by arm in any unit ("4.6 years for those given placebo versus 6.2 years",
# "17 vs. 21 mg/dl"); an event no one had ("No subject had hypoglycemic symptoms", "No hypoglycemia was
# observed", "Worsening ... was not observed"); a share that responded ("64% obtained some relief").
_VALUES_PAIRED = re.compile(r"\d(?:[\d.]*\d)?\s*[^\d.;]{0,50}?\b(?:versus|vs\.?|compared with)\s+[^.;]{0,40}?\d")
_ALLOCATES = re.compile(r"\b(?:randomi[sz]ed|randomly|assigned|allocated|enrolled|recruited)\b", re.I)
_NONE_HAD = re.compile(r"^\s*(?:no|none of the)\s+(?:\w+\s+){0,2}?(?:subjects?|patients?|participants?|children|women|men)"
                       r"\s+(?:had|developed|reported|experienced|required|needed|showed)\b|"
                       r"^\s*no\s+(?!(?:data|protocol|interim|information)\b)(?:[\w()<>/-]+\s+){0,14}?"
                       r"(?:(?:was|were)\s+(?:observed|seen)|occurred)\s*(?:[.;]|$|\b(?:in|during|among|with)\b)|"
                       r"\b(?:was|were)\s+not\s+(?:observed|seen)\s*(?:[.;]|$|\b(?:in|during|among|with)\b)|"
                       r"\b\d+(?:\.\d+)?\s*%\)?\s+(?:of\s+(?:the\s+)?(?:\w+\s+){0,3})?(?:responded|improved|"
                       r"(?:obtained|achieved|reported)\s+(?:\w+\s+){0,2}?(?:relief|benefit|improvement|remission|response)|"
                       r"were\s+(?:pain[- ]free|responders|cured|healed|improved))\b", re.I)


def reports_finding(text: str) -> bool:
    """Whether a sentence reports a result (the trained sentence reader, ``enrich.sentence_reader``;
    else a test or rates given arm by arm), rather than describing a study: one that names the
    primary outcome with a positive word but no test defines it ("the primary outcome was the
    reduction in pain intensity") and reports nothing."""
    d = reading(text)
    if d == "unclear":
        return len(_ARM_RATE.findall(text)) >= 2 or bool(_RATES_PAIRED.search(text) or _NONE_HAD.search(text)) \
            or (not _ALLOCATES.search(text) and (bool(_VALUES_PAIRED.search(text)) or tested(text)))
    return d != "favours" or not PRIMARY.search(text) or tested(text) or "signific" in text.lower()
