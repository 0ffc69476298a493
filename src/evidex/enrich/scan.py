"""Regex matches found from cheap substring positions, for the hot patterns of enrichment.

A regex search tries every position of the text; for a pattern whose every match starts at
a known word (an alternation of verbs, a list of people-words) ``str.find`` locates the
candidates in C and the pattern is tried only there. Both helpers return exactly what
``finditer`` would on ASCII text (where ``str.lower`` keeps every offset and ``re.I`` folds
no letter onto another); callers keep the plain regex for other text.
"""
from __future__ import annotations

import re
from collections.abc import Iterator


def positions(low: str, cues: tuple[str, ...]) -> list[int]:
    """Sorted start offsets of every occurrence of every cue in ``low``."""
    out: set[int] = set()
    for cue in cues:
        if cue not in low:           # the operator is cheaper than a method call
            continue
        i = low.find(cue)
        while i != -1:
            out.add(i)
            i = low.find(cue, i + 1)
    return sorted(out)


def anchored_finditer(rx: re.Pattern[str], text: str, low: str, cues: tuple[str, ...]) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)`` for a pattern that cannot match the empty string and whose every
    match starts where one of ``cues`` occurs in ``low`` (``text`` lower-cased, ASCII).

    ``rx.match(text, pos)`` sees the text before ``pos`` (for ``\\b`` and look-behinds) as a
    search does; trying the candidates left to right and skipping those inside the previous
    match gives finditer's leftmost, non-overlapping matches.
    """
    end = 0
    for pos in positions(low, cues):
        if pos < end:
            continue
        m = rx.match(text, pos)
        if m is not None:
            end = m.end()
            yield m


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def word_spans(low: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of each whole-word occurrence of ``words`` in ``low`` (ASCII), in order:
    the spans ``re.finditer(r"\\b(?:w1|w2|...)\\b", low, re.I)`` gives for words made of
    word characters (a match is a whole run of them, so two matches never overlap)."""
    out = []
    n = len(low)
    for word in words:
        if word not in low:
            continue
        size = len(word)
        i = low.find(word)
        while i != -1:
            e = i + size
            if (i == 0 or not _is_word(low[i - 1])) and (e == n or not _is_word(low[e])):
                out.append((i, e))
            i = low.find(word, i + 1)
    out.sort()
    return out
