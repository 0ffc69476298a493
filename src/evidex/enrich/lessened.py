"""A harm word that names what the treatment lessened, not what it caused.

"Reduced hospitalisations for worsening heart failure" and "deterioration was less frequent with
A" report a benefit, though "worsening" and "deterioration" are words of harm. Read conservatively:
the lessening must be said in the same clause (no comma, semicolon or "and", "but", "although"
between), of the treatment (no control arm named as the one that had less), and not as a cause
("reduction of the dose led to worsening", "reduced-dose aspirin was associated with worsening").
"""
from __future__ import annotations

import re

# A verb or comparative of lessening ("reduced", "fewer", "prevented"); not an adjective of
# another sense ("lower limb", "lower urinary tract", "lower doses", "slowly", "preventive") nor
# one describing who was treated ("patients with lower baseline eGFR had worsening ...").
_CUE = re.compile(r"(?<!with )(?<!at )(?<!of )\b(?:reduc(?:ed|es|ing|tions?)|decreas(?:ed|es|ing)|lower(?:ed|ing|s)?|"
                  r"prevent(?:ed|s|ing|ion)?|fewer|less|lessen(?:ed|s|ing)?|avert(?:ed|s|ing)?|slow(?:ed|s|ing)?)\b(?!-)"
                  r"(?!\s+(?:limbs?|extremit\w*|urinary|tract|back|doses?)\b)", re.I)
# "was less frequent", "were significantly lower", "fell": the lessening said after the harm.
_AFTER = re.compile(r"^\W*(?:[\w-]+\W+){0,5}?(?:(?:was|were) (?:significantly )?(?:less|lower|reduced|decreased|"
                    r"fewer|prevented)|fell|declined|decreased)\b", re.I)
_BREAK = re.compile(r"[,;:]|\b(?:and|but|although|though|whereas|while)\b", re.I)
_CAUSE = re.compile(r"\b(?:led|leads?|caus\w+|result\w*|associated|induc\w+|produc\w+|linked)\b", re.I)
_CONTROL = re.compile(r"\b(?:placebo|controls?|sham|usual care|untreated|vehicle)\b", re.I)
_REFERENCE = re.compile(r"\b(?:than|compared|versus|vs)\b", re.I)
_WINDOW = 120          # characters before the harm word read for its lessening (one clause at most)


def lessened(sentence: str, start: int, end: int) -> bool:
    """Whether the harm word at ``sentence[start:end]`` names something the treatment lessened."""
    before = sentence[max(0, start - _WINDOW):start]
    breaks = list(_BREAK.finditer(before))
    before = before[breaks[-1].end():] if breaks else before
    cues = list(_CUE.finditer(before))
    cue = cues[-1] if cues else None          # the nearest lessening before the harm word
    if cue is not None and len(before[cue.end():].split()) <= 5 and not _CAUSE.search(before[cue.end():]) \
            and not _CONTROL.search(before):
        return True
    after = sentence[end:end + _WINDOW]
    stop = _BREAK.search(after)
    after = after[:stop.start()] if stop else after
    told = _AFTER.search(after)
    if told is None:
        return False
    # "... was less frequent with placebo than with sertraline": the control arm had less of the harm
    ref = _REFERENCE.search(after, told.end())
    return not _CONTROL.search(after[:ref.start()] if ref else after) and not _CONTROL.search(before)
