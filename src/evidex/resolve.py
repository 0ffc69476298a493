"""A parsed question narrowed to what the library writes (the step between ``query`` and
``retrieve``): open phrases cut to their longest part some record contains, MeSH headings kept
as they are, and each asked drug class given the members the library names."""
from __future__ import annotations

from dataclasses import replace

from .query import Query
from .retrieve import STOPWORDS, phrase_match
from .store import Store
from .text import tokens
from .vocab import drug_classes, is_canonical, lexicon


def resolve(store: Store, query: Query) -> Query:
    """Narrow open-vocabulary phrases to what the library writes.

    A phrase taken from the question's grammar ("changes in coding regions of mef2c") that no
    record contains is replaced by its longest part that some record does ("mef2c"); a phrase
    with no such part is dropped from the search (it stays a facet, so the answer can say that
    no record addresses it). Vocabulary names are kept as they are."""
    lex = lexicon()

    def narrowed(phrases: tuple[str, ...]) -> tuple[str, ...]:
        out: list[str] = []
        for phrase in phrases:
            # A canonical name may be a MeSH heading written inverted ("diabetes, gestational",
            # "rhinitis, allergic, seasonal"), which the question's words match but no record
            # writes in that order.
            if lex.get(" ".join(tokens(phrase))) is not None or is_canonical(phrase) or _found(store, phrase):
                out.append(phrase)
                continue
            words = [t for t in tokens(phrase)]
            best = None
            for size in range(len(words) - 1, 0, -1):
                for i in range(len(words) - size + 1):
                    part = words[i:i + size]
                    if part[0] in STOPWORDS or part[-1] in STOPWORDS or len("".join(part)) < 3:
                        continue
                    if _found(store, " ".join(part)):
                        best = " ".join(part)
                        break
                if best:
                    break
            if best and best not in out:
                out.append(best)
        return tuple(out)

    interventions = narrowed(query.interventions)
    members = tuple((name, class_members(store, name)) for name in (*interventions, *query.comparators)
                    if name in drug_classes())
    return replace(query, interventions=interventions, conditions=narrowed(query.conditions),
                   members=tuple((n, m) for n, m in members if m))


MAX_MEMBERS = 30


def class_members(store: Store, name: str) -> tuple[str, ...]:
    """Members of a drug class that the library writes: the listed ones it contains, and its
    indexed words ending with one of its INN stems ("lansoprazole" is indexed "lansoprazol"),
    from one walk of the term dictionary for every class's stems (one per class: 0.2 s at 50k)."""
    found = [m for m in drug_classes()[name].members if _found(store, m)]
    trim = lambda st: st[:-1] if st.endswith("e") else st  # noqa: E731  (as the porter stemmer does)
    stems = [trim(st) for st in drug_classes()[name].stems]
    # A longer stem of another class claims its words ("-piprazole" antipsychotics, not "-prazole").
    longer = [trim(st) for other in drug_classes().values() if other.name != name for st in other.stems
              if any(trim(st).endswith(own) and len(st) > len(own) for own in stems)]
    every = sorted({trim(st) for c in drug_classes().values() for st in c.stems}) if stems else []
    for term in [t for t in store.terms_ending(every, 10**9) if t.endswith(tuple(stems))][:200]:
        if (len(term) > max(len(st) for st in stems) + 2 and term.isalpha() and not term.startswith("non")
                and not any(term.endswith(x) for x in longer) and term not in found):
            found.append(term)
    return tuple(found[:MAX_MEMBERS])


def _found(store: Store, phrase: str) -> bool:
    match = phrase_match(phrase)
    return bool(match and store.search(match, 1))
