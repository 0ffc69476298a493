"""Sentence spans of a text, remembered for the texts just seen; a cheap substring test.

At ingest one section's text is split by ``appraise`` and again by ``roles.sentence_roles``;
splitting was a sixth of enrichment time. The spans are ``text.sentence_spans``'s, unchanged.
"""
from __future__ import annotations

from functools import lru_cache

from ..text import joined_sentence_spans, sentence_spans


@lru_cache(maxsize=256)
def spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(sentence_spans(text))


def joined_spans(texts: tuple[str, ...] | list[str]) -> list[tuple[int, int]]:
    """Spans of ``" ".join(texts)`` (an abstract's body) from the remembered spans of each text."""
    return joined_sentence_spans(texts, spans)


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in spans(text)]


def contains_any(text: str, needles: tuple[str, ...]) -> bool:
    """``any(n in text for n in needles)`` without a generator per call (a hot path of enrichment)."""
    for needle in needles:
        if needle in text:
            return True
    return False
