"""Query -> ranked candidate records with their passages (BM25 via the store's FTS5 index).

Two passes: a strict one (intervention AND condition, synonyms expanded) for direct
evidence, then a broad one (intervention alone) so that indirect evidence — the same
drug in another condition — is found and can be labelled as such, never passed off.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .query import Query, parse_question
from .records import Passage
from .store import SearchFilter, Store, StoredRecord
from .text import passages_of, tokens
from .vocab import expansions, lexicon

_MAX_FORMS = 24


@dataclass(frozen=True)
class Candidate:
    stored: StoredRecord
    score: float
    direct: bool              # matched the asked condition (or no condition was asked)
    passages: tuple[Passage, ...]
    related: bool = True      # direct, or shares words with the asked condition ("pain")


def _phrase(text: str) -> str | None:
    toks = tokens(text)
    return '"' + " ".join(toks) + '"' if toks else None


def _any(forms) -> str:
    phrases = list(dict.fromkeys(p for p in (_phrase(f) for f in forms if len(f) >= 3) if p))
    return "(" + " OR ".join(phrases[:_MAX_FORMS]) + ")" if phrases else ""


def intervention_forms(canonical: str) -> list[str]:
    forms = expansions(canonical)
    lex = lexicon()
    # "low-dose naltrexone" is also reported as plain "naltrexone" at a low dose.
    for word in re.findall(r"[a-z]+", canonical):
        term = lex.get(word)
        if term is not None and term.kind == "intervention" and word != canonical:
            forms.append(word)
    return forms


_GENERIC_WORDS = {"syndrome", "syndromes", "disease", "disorder", "disorders", "complex", "chronic", "type"}


def related_expression(query: Query) -> str:
    """Intervention AND any content word of the asked condition: the same drug in a
    neighbouring condition ("pain" links CRPS to neuropathic pain and fibromyalgia)."""
    inter = _any(f for c in query.interventions for f in intervention_forms(c))
    words = [w for c in query.conditions for w in tokens(c) if w not in _GENERIC_WORDS and len(w) > 3]
    return f"{inter} AND {_any(words)}" if inter and words else ""


def match_expressions(query: Query) -> tuple[str, str]:
    """(strict, broad) FTS5 MATCH strings for a parsed query (pure)."""
    inter = _any(f for c in query.interventions for f in intervention_forms(c))
    cond = _any(f for c in query.conditions for f in expansions(c))
    keys = _any(query.keywords)
    if inter and cond:
        return f"{inter} AND {cond}", inter
    if inter:
        return (f"{inter} AND {keys}" if keys else inter), inter
    if cond:
        return (f"{cond} AND {keys}" if keys else cond), cond
    return keys, keys


def retrieve(store: Store, query: Query, limit: int = 40, filt: SearchFilter = SearchFilter()) -> list[Candidate]:
    strict, broad = match_expressions(query)
    if not strict:
        return []
    scores: dict[str, float] = {}
    direct: set[str] = set()
    for hit in store.search(strict, limit, filt):
        scores[hit.record_id] = hit.score
        direct.add(hit.record_id)
    related = set(direct)
    near = related_expression(query)
    if near:
        for hit in store.search(near, limit, filt):
            scores.setdefault(hit.record_id, hit.score)
            related.add(hit.record_id)
    if broad and broad != strict:
        for hit in store.search(broad, limit, filt):
            scores.setdefault(hit.record_id, hit.score)
    stored = store.get_many(list(scores))
    if not query.conditions:
        direct = related = set(scores)
    out = [Candidate(stored[rid], score, rid in direct, tuple(passages_of(stored[rid].record)), rid in related)
           for rid, score in scores.items() if rid in stored]
    # Direct evidence first, then evidence from related conditions, then by BM25 score.
    out.sort(key=lambda c: (not c.direct, not c.related, -c.score))
    return out[:limit]


def search(store: Store, text: str, limit: int = 10, filt: SearchFilter = SearchFilter()) -> list[Candidate]:
    """Free-text search: vocabulary-aware when terms are recognised, plain words otherwise."""
    query = parse_question(text)
    found = retrieve(store, query, limit, filt) if (query.interventions or query.conditions or query.keywords) else []
    if not found:
        words = _any(tokens(text))
        hits = store.search(words, limit, filt) if words else []
        stored = store.get_many([h.record_id for h in hits])
        found = [Candidate(stored[h.record_id], h.score, True, tuple(passages_of(stored[h.record_id].record)))
                 for h in hits if h.record_id in stored]
    return found[:limit]
