"""Query -> ranked candidate records with their passages: hybrid BM25 + semantic search.

Lexical side: the store's BM25 index (tantivy, ``evidex.lexical``), queried with FTS5-style
MATCH strings (quoted phrases, AND, OR, parentheses). Two passes for ``ask``: a strict one
(intervention AND condition, synonyms expanded) for direct evidence, then a broad one
(intervention alone) so that indirect evidence — the same drug in another condition — is
found and can be labelled as such, never passed off.

Semantic side (``mode="hybrid"``, the default): record embeddings in the vector index
(``evidex.index``); scores are fused with a convex combination (``index.fusion``). For
``ask``, records found only semantically join the candidates only when they name the
intervention, and priors for evidence level, recency and population match order the
candidates within each tier (direct, related, indirect). The records the question's own words
rank first (``rank``) join them, and the first few of those the parsed pools missed are always
kept. ``mode="lexical"`` is the BM25-only path, unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .matching import (GENERIC_WORDS, any_of, decisive_conditions, intervention_forms, match_expressions, names_heading,
                       outcome_forms, phrase_match, query_forms, related_expression)
from .phrases import stem_drugs
from .priors import prior
from .query import Query, parse_question
from .records import Appraisal, Passage
from .store import SearchFilter, Store, StoredRecord
from .text import contains_any, padded_tokens, passages_of, tokens
from .vocab import expansions, find_terms, lexicon, lookup

MODES = ("hybrid", "lexical")
LEXICAL_DEPTH = 100       # BM25 hits fused per query
SEMANTIC_DEPTH = 100      # nearest records fused per query
# Function words dropped from free-text BM25 queries (as Lucene's English analyzer does).
STOPWORDS = frozenset("""a an and are as at be been but by for from has have in into is it its
no not of on or such that the their then there these they this those to was were which will with
we our what does do did can""".split())


@dataclass(frozen=True)
class Candidate:
    stored: StoredRecord
    score: float
    direct: bool              # matched the asked condition (or no condition was asked)
    passages: tuple[Passage, ...]
    related: bool = True      # direct, or shares words with the asked condition ("pain")


def anchored(query: Query) -> bool:
    """Whether an asked intervention is a vocabulary name (a drug, a class): only then can a
    record be required to name it. An open phrase from the question's grammar ("METTL1
    overexpression") is matched by the question's words instead."""
    lex = lexicon()
    terms = [lex.get(" ".join(tokens(i))) for i in query.interventions]
    # (an outcome's name the question's grammar took for the treatment, "does blood pressure change", is none)
    return any(t is not None and t.kind != "outcome" for t in terms)


def names_treatment(query: Query) -> bool:
    """Whether a treatment question asks about a treatment by name: a vocabulary name, or a drug
    its INN stem marks ("lercanidipine"); its answer is then the verdict's direction."""
    return anchored(query) or (query.intent in ("efficacy", "comparison")
                               and any(stem_drugs(i) for i in query.interventions))


def names_another_treatment(query: Query, text: str) -> bool:
    """A sentence that names a treatment other than the asked one and its forms (a head-to-head
    finding, another drug's finding, a second drug's dose)."""
    asked = {f.lower() for i in query.interventions for f in query_forms(query, i)}
    return any(m.canonical not in query.interventions and m.text.lower() not in asked
               for m in find_terms(text, ("intervention",)))


FREE_TEXT_DEPTH = 20      # records found by the question's own words, whatever its parse
FREE_KEEP = 6             # of those the parsed pools missed, the first ones are kept (at most a quarter), as are
                          # the parsed pools' records among the question's own first as many
NAMED_DEPTH = 3           # records searched by an open question's asked entity alone


def retrieve(store: Store, query: Query, limit: int = 40, filt: SearchFilter = SearchFilter(),
             mode: str = "hybrid") -> list[Candidate]:
    """Candidates for ``ask``: direct evidence first, then related, then indirect.

    The parsed pools (intervention AND condition, then wider) are joined by the records the
    question's own words find (``rank``), so a question whose terms the vocabulary lacks,
    or one with no intervention at all, still reaches its evidence."""
    _check_mode(mode)
    vectors = _vectors(store) if mode == "hybrid" else None
    open_question = not anchored(query)
    if open_question:
        # An open question (no drug or class the vocabulary knows): the question's own words
        # rank the library, as a search engine would; the parsed phrases only label directness.
        found, depth = [], limit
    else:
        # The hybrid ranking re-orders a deeper lexical pool than it keeps: among a class's many
        # trials in a condition, BM25 alone can rank the largest trials below forty small ones.
        depth = limit * LEXICAL_POOL if vectors is not None else limit
        found = (_hybrid_candidates(store, vectors, query, _lexical_pool(store, query, depth, filt), limit, filt)
                 if vectors is not None else _retrieve_lexical(store, query, depth, filt))
        depth = FREE_TEXT_DEPTH
    have = {c.stored.record.id for c in found}
    ranked = [rid for rid, _ in rank(store, query.question, depth, filt,
                                     mode="hybrid" if vectors is not None else "lexical", vectors=vectors)]
    free = [rid for rid in ranked if rid not in have]
    texts = {rid: padded_tokens(t) for rid, t in store.texts_many(free).items()}
    stored: dict[str, StoredRecord] = {}
    if open_question:
        named = _naming(store, query, texts, filt)
        free[1:1] = list(named)
        stored.update(named)
        texts.update((rid, padded_tokens(s.record.text())) for rid, s in named.items())
    inter = [f for c in query.interventions for f in query_forms(query, c) if len(f) >= 3]
    cond = [f for c in decisive_conditions(query) for f in expansions(c) if len(f) >= 3]
    cond_words = [w for c in query.conditions for w in tokens(c) if w not in GENERIC_WORDS and len(w) > 3]
    required = [] if open_question else inter
    # Only a record that passes the text tests below is decoded whole (``texts_many`` reads text alone).
    keep = [rid for rid in free if rid in texts and not (required and not contains_any(texts[rid], required))]
    stored.update(store.get_many([rid for rid in keep if rid not in stored]))
    extra = []
    for i, rid in enumerate(free):
        if rid not in stored:
            continue
        text = texts[rid]
        if required and not contains_any(text, required):
            continue      # about another treatment: not evidence for the asked one
        direct = not cond or contains_any(text, cond)
        related = direct or any(f" {w} " in text for w in cond_words)
        extra.append(Candidate(stored[rid], -float(i), direct, (), related))
    # (a record naming an asked inverted heading in its own words, ``names_heading``, is direct evidence too)
    heads = [h for h in decisive_conditions(query) if ", " in h]
    out = [replace(c, direct=True, related=True) if heads and not c.direct and names_heading(c.stored.record.text(), heads)
           else c for c in found + extra]
    if not open_question:
        out.sort(key=lambda c: (not c.direct, not c.related))     # stable: each pool keeps its order
    # The first records found only by the question's own words are kept whatever the parsed pools hold,
    # and so are the parsed pools' records those words rank first, wherever the sort puts them (at most
    # twice FREE_KEEP): a parse that misses a facet ("protect her from breaking a wrist", "cholesterol
    # build-up") cannot push out the record that the whole question describes best.
    keep_n = min(FREE_KEEP, limit // 4)
    firsts = {c.stored.record.id for c in extra[:keep_n]} | (set(ranked[:keep_n]) & have)
    if firsts - {c.stored.record.id for c in out[:limit]}:
        room = {c.stored.record.id for c in [c for c in out if c.stored.record.id not in firsts][:limit - len(firsts)]}
        out = [c for c in out if c.stored.record.id in firsts or c.stored.record.id in room]    # (in their order)
    # Sentences are split only for the candidates kept (a pool holds three times as many).
    return [c if c.passages else replace(c, passages=tuple(passages_of(c.stored.record))) for c in out[:limit]]


def _naming(store: Store, query: Query, found: dict[str, str], filt: SearchFilter) -> dict[str, StoredRecord]:
    """Records naming an asked open-phrase intervention that no ranked record (``found``: id ->
    padded tokens) names, searched for alone: one naming a rare entity ("istiratumab") but few of
    the question's common words can rank below forty records that repeat them."""
    out: dict[str, StoredRecord] = {}
    for phrase in query.interventions:
        if any(contains_any(t, [phrase]) for t in found.values()):
            continue
        ids = [rid for rid, _ in rank(store, phrase, NAMED_DEPTH, filt, mode="lexical")
               if rid not in found and rid not in out]
        got = store.get_many(ids)
        out.update((r, got[r]) for r in ids if r in got and contains_any(padded_tokens(got[r].record.text()), [phrase]))
    return out


def _lexical_pool(store: Store, query: Query, limit: int, filt: SearchFilter) -> list[_Pooled]:
    """The lexical hits, best first, not yet decoded: (id, BM25, direct, related)."""
    strict, broad = match_expressions(query)
    if not strict:
        return []
    scores: dict[str, float] = {}
    direct: set[str] = set()
    # Records naming both arms and the asked outcome answer first (GRADE prefers direct,
    # head-to-head evidence on the outcome asked): among a drug's many trials in a condition, BM25
    # over the drug and the condition alone can rank every one of them below forty others.
    # The arms alone follow: an outcome read loosely from the question ("the same benefit") that no
    # record words so must not hide the head-to-head trials.
    arms = any_of(f for c in query.comparators for f in query_forms(query, c) or [c])
    focus = [x for x in (arms, any_of(outcome_forms(query.outcomes))) if x]
    searches = [focus] if focus else []
    if arms and len(focus) > 1:
        searches.append([arms])
    for terms in searches:
        for hit in store.search(" AND ".join([strict, *terms]), limit, filt):
            scores.setdefault(hit.record_id, hit.score)
            direct.add(hit.record_id)
    for hit in store.search(strict, limit, filt):
        scores.setdefault(hit.record_id, hit.score)
        direct.add(hit.record_id)
    related, first = set(direct), set()
    near = related_expression(query)
    for facet in (f for f in query.facets if getattr(lookup(f), "kind", "") == "population"):
        # Use in a special population ("during pregnancy", "while breastfeeding"): the records on
        # the drug there answer, whatever condition they treat ("Treating rhinitis in pregnancy").
        for hit in store.search(" AND ".join([broad or strict, any_of(expansions(facet))]), limit, filt):
            scores.setdefault(hit.record_id, hit.score)
            direct.add(hit.record_id)
    if query.adverse and query.outcomes and (near or broad):
        # Whether a drug does a harm is answered by the records that report the harm, in a
        # population near the asked one (a study of "older volunteers" for "older adults").
        reporting = store.search(" AND ".join([near or broad, any_of(outcome_forms(query.outcomes))]), limit, filt)
        for hit in reporting:
            scores.setdefault(hit.record_id, hit.score)
            related.add(hit.record_id)
        # A harm asked by name ("does clozapine cause diabetes?", not "is it safe?") is reported
        # in any population the drug is given to ("psychiatric patients"): direct evidence on the
        # harm, first, as the drug's trials in the condition that never mention it fill the pool.
        # (With no condition asked, the search above was that one already.)
        named_harm = [] if query.safe or not broad else reporting if not near else \
            store.search(" AND ".join([broad, any_of(outcome_forms(query.outcomes))]), limit, filt)
        for hit in named_harm:
            scores.setdefault(hit.record_id, hit.score)
            direct.add(hit.record_id)
            related.add(hit.record_id)
            first.add(hit.record_id)
    if near:
        for hit in store.search(near, limit, filt):
            scores.setdefault(hit.record_id, hit.score)
            related.add(hit.record_id)
    if broad and broad != strict:
        for hit in store.search(broad, limit, filt):
            scores.setdefault(hit.record_id, hit.score)
    if not query.conditions:
        direct = related = set(scores)
    # Direct evidence first, then evidence from related conditions, then by BM25 score.
    pool = [_Pooled(rid, score, rid in direct, rid in related, first=rid in first) for rid, score in scores.items()]
    pool.sort(key=_order)
    return pool


def _retrieve_lexical(store: Store, query: Query, limit: int, filt: SearchFilter) -> list[Candidate]:
    pool = _lexical_pool(store, query, limit, filt)
    stored = _first(store.get_many, [c.rid for c in pool], limit)     # only the kept are decoded
    return [Candidate(stored[c.rid], c.score, c.direct, (), c.related) for c in pool if c.rid in stored]


def _first(fetch, ids: list[str], limit: int) -> dict:
    """``fetch`` of the first ``limit`` of ``ids`` that are stored (a hit deleted since the search
    is skipped, and the next one read in its place)."""
    out, start = {}, 0
    while len(out) < limit and start < len(ids):
        chunk = ids[start:start + limit - len(out)]
        out, start = {**out, **fetch(chunk)}, start + len(chunk)
    return out


def search(store: Store, text: str, limit: int = 10, filt: SearchFilter = SearchFilter(),
           mode: str = "hybrid") -> list[Candidate]:
    """Free-text search. Hybrid: BM25 (synonyms expanded) fused with semantic similarity.
    Lexical: vocabulary-aware when terms are recognised, plain words otherwise."""
    _check_mode(mode)
    if mode == "hybrid":
        vectors = _vectors(store)
        if vectors is not None:
            # A record sharing no word with the query is shown only above the embedder's floor.
            hits = rank(store, text, limit, filt, mode="hybrid", vectors=vectors,
                        min_similarity=vectors.embedder.min_semantic)
            stored = store.get_many([rid for rid, _ in hits])
            return [Candidate(stored[rid], score, True, tuple(passages_of(stored[rid].record)))
                    for rid, score in hits if rid in stored]
    query = parse_question(text)
    found = retrieve(store, query, limit, filt) if (query.interventions or query.conditions or query.keywords) else []
    if not found:
        words = any_of(tokens(text))
        hits = store.search(words, limit, filt) if words else []
        stored = store.get_many([h.record_id for h in hits])
        found = [Candidate(stored[h.record_id], h.score, True, tuple(passages_of(stored[h.record_id].record)))
                 for h in hits if h.record_id in stored]
    return found[:limit]


# -- hybrid ---------------------------------------------------------------------------
def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown retrieval mode {mode!r}; choose from {', '.join(MODES)}")


def _vectors(store: Store):
    """The store's vector index (synced if records were added), or None without an embedder."""
    from .index import store_index
    return store_index(store, sync=True)


def bm25_match(text: str) -> str:
    """Plain BM25 query: every content word of ``text``, OR-ed (pure). The baseline."""
    words = [t for t in dict.fromkeys(tokens(text)) if t not in STOPWORDS]
    return " OR ".join(f'"{w}"' for w in words)


def expanded_match(text: str, max_forms: int = 6) -> str:
    """``bm25_match`` plus synonym phrases of the conditions and interventions named in
    ``text`` (MeSH entry terms and the curated table: CRPS -> reflex sympathetic dystrophy)."""
    base = bm25_match(text)
    seen = set(base.split(" OR "))
    extra: list[str] = []
    for m in find_terms(text):
        forms = intervention_forms(m.canonical) if m.kind == "intervention" else expansions(m.canonical)
        # The canonical name, then the shortest other forms (the long ones are variants of them).
        for form in [m.canonical, *sorted(forms, key=lambda f: (len(f), f))][:max_forms + 1]:
            phrase = phrase_match(form)
            if phrase and phrase not in seen and len(form) >= 3:
                seen.add(phrase)
                extra.append(phrase)
    return " OR ".join([p for p in [base, *extra] if p])


def rank(store: Store, text: str, k: int = 100, filt: SearchFilter = SearchFilter(), mode: str = "hybrid",
         alpha: float | None = None, expand: bool = False, vectors=None,
         min_similarity: float = 0.0) -> list[tuple[str, float]]:
    """Free text -> [(record id, score)], best first. The function the evaluation measures.

    A record found only semantically (no query word in it) is kept only when its cosine is
    at least ``min_similarity``."""
    from .index.fusion import convex, ranked
    _check_mode(mode)
    match = expanded_match(text) if expand else bm25_match(text)
    lexical = {h.record_id: h.score for h in store.search(match, max(k, LEXICAL_DEPTH), filt)} if match else {}
    if mode == "lexical":
        return ranked(lexical, k)
    vectors = vectors if vectors is not None else _vectors(store)
    if vectors is None:
        return ranked(lexical, k)
    qv = vectors.query_vector(text)
    semantic = {d: s for d, s in vectors.search(qv, max(k, SEMANTIC_DEPTH), filt).items()
                if d in lexical or s >= min_similarity}
    missing = vectors.similarity(qv, [d for d in lexical if d not in semantic])
    return ranked(convex(lexical, semantic, vectors.embedder.alpha if alpha is None else alpha, missing), k)


LEXICAL_POOL = 3     # lexical candidates per kept candidate, re-ranked by the hybrid score


@dataclass(frozen=True)
class _Pooled:
    """A candidate before it is decoded: the hybrid ranking reads only its appraisal and year."""
    rid: str
    score: float
    direct: bool
    related: bool
    appraisal: Appraisal | None = None
    year: int | None = None
    first: bool = False         # reports the asked harm: ranked before the rest


def _order(c: _Pooled) -> tuple:
    return (not c.first, not c.direct, not c.related, -c.score)


def _hybrid_candidates(store: Store, vectors, query: Query, pool: list[_Pooled], limit: int,
                       filt: SearchFilter) -> list[Candidate]:
    """The lexical pool's first ``limit * LEXICAL_POOL`` records and the semantic neighbours naming the
    intervention, ranked by the fused score with priors; only the ``limit`` kept are decoded whole."""
    import datetime
    alpha = vectors.embedder.alpha
    qv = vectors.query_vector(query.question)
    semantic = vectors.search(qv, max(limit, SEMANTIC_DEPTH), filt)
    light = _first(store.appraisals_many, [c.rid for c in pool], limit * LEXICAL_POOL)
    out = [_Pooled(c.rid, c.score, c.direct, c.related, *light[c.rid], c.first) for c in pool if c.rid in light]
    have = {c.rid for c in out}
    new_ids = [rid for rid in semantic if rid not in have]
    if new_ids and query.interventions:
        inter_forms = [f for c in query.interventions for f in query_forms(query, c) if len(f) >= 3]
        cond_forms = [f for c in decisive_conditions(query) for f in expansions(c) if len(f) >= 3]
        cond_words = [w for c in query.conditions for w in tokens(c) if w not in GENERIC_WORDS and len(w) > 3]
        texts = {rid: padded_tokens(t) for rid, t in store.texts_many(new_ids).items()}
        # semantically near but about another treatment: not evidence here (and not decoded)
        named = [rid for rid in new_ids if rid in texts and contains_any(texts[rid], inter_forms)]
        light = store.appraisals_many(named)
        for rid in (r for r in named if r in light):
            text = texts[rid]
            direct = not query.conditions or contains_any(text, cond_forms)
            related = direct or any(f" {w} " in text for w in cond_words)
            out.append(_Pooled(rid, 0.0, direct, related, *light[rid]))
    sims = {**vectors.similarity(qv, [c.rid for c in out if c.rid not in semantic]), **semantic}
    top = max((c.score for c in out), default=0.0)
    year = datetime.date.today().year

    def final(c: _Pooled) -> float:
        lex = c.score / top if top > 0 else 0.0
        fused = (1 - alpha) * lex + alpha * sims.get(c.rid, 0.0)
        return fused + prior(c.appraisal, c.year, query, year)

    scored = [_Pooled(c.rid, final(c), c.direct, c.related, c.appraisal, c.year, c.first) for c in out]
    scored.sort(key=_order)
    stored = store.get_many([c.rid for c in scored[:limit]])
    return [Candidate(stored[c.rid], c.score, c.direct, (), c.related) for c in scored[:limit] if c.rid in stored]
