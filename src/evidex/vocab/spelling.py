"""Other spellings of a phrase: British and American forms, and compounds written whole or hyphenated.

A question spelt "behavioural treatment" or "post-stroke pain" must find the records that write
"behavioral treatment" and "poststroke pain": the tokenizer splits hyphens, so "post-stroke" is
two words while "poststroke" is one, and no stemmer relates "oesophagitis" to "esophagitis".
The spelling pairs are data (``spelling.tsv``); this module only applies them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

# Prefixes written joined, hyphenated or apart ("poststroke", "post-stroke", "post stroke").
_PREFIXES = ("post", "pre", "non", "anti", "peri", "intra", "inter", "sub", "multi", "over", "under", "gastro")
_JOINED = re.compile(r"^(" + "|".join(_PREFIXES) + r")([a-z]{4,})$")
_HYPHENATED = re.compile(r"\b(" + "|".join(_PREFIXES) + r")-(?=[a-z]{4})")
_SHORT = 5          # an American part shorter than this turns British only at a word's start


@lru_cache(maxsize=1)
def _pairs() -> tuple[tuple[str, str], ...]:
    rows = files("evidex.vocab").joinpath("spelling.tsv").read_text(encoding="utf-8").splitlines()
    return tuple(tuple(r.split("\t")) for r in rows if r.strip() and not r.startswith("#"))  # type: ignore[misc]


def _respelt(word: str, to_american: bool) -> str:
    for british, american in _pairs():
        old, new = (british, american) if to_american else (american, british)
        if old not in word or (not to_american and new in word):
            continue                 # absent, or British already ("oesophag" holds "esophag")
        if not to_american and len(old) < _SHORT:
            # "hem" -> "haem" at a word's start only ("hemorrhage"), never inside ("chemical").
            return new + word[len(old):] if word.startswith(old) else word
        return word.replace(old, new)
    return word


@lru_cache(maxsize=16384)
def variants(form: str) -> tuple[str, ...]:
    """The other spellings of ``form`` (lower-case): American, British, hyphen-joined and
    prefix-split. Empty when it has none."""
    low = form.lower()
    words = low.split(" ")
    out = {" ".join(_respelt(w, True) for w in words), " ".join(_respelt(w, False) for w in words)}
    if "-" in low:
        out.update(_HYPHENATED.sub(r"\1", f) for f in (low, *out))
    split = [_JOINED.sub(r"\1-\2", w) for w in words]
    out.add(" ".join(split))
    out.discard(low)
    return tuple(sorted(out))
