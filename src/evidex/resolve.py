"""A parsed question narrowed to what the library writes (the step between ``query`` and
``retrieve``): open phrases cut to their longest part some record contains, MeSH headings kept
as they are, and each asked drug class given the members the library names."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from .matching import phrase_match
from .phrases import names_drug, stem_drugs
from .query import Query, parse_question
from .retrieve import STOPWORDS
from .store import Store
from .text import abbreviation_definitions, tokens
from .vocab import drug_classes, find_terms, is_canonical, lexicon, lookup

_CAPITALS = re.compile(r"\b[A-Z][A-Z0-9]{1,5}\b")
DEFINING_RECORDS = 10       # records read for the long form of an abbreviation the question uses


def resolve(store: Store, query: Query) -> Query:
    """Narrow open-vocabulary phrases to what the library writes.

    A phrase taken from the question's grammar ("changes in coding regions of mef2c") that no
    record contains is replaced by its longest part that some record does ("mef2c"); a phrase
    with no such part is dropped from the search (it stays a facet, so the answer can say that
    no record addresses it). Vocabulary names are kept as they are."""
    brands = brand_names(store, query.question)
    defined = {**defined_abbreviations(store, query.question), **brands}
    if defined:
        # "Does X help OAB?", "Is Celebrex ...?": read as the library's records spell them
        # ("overactive bladder (OAB)", "celecoxib (Celebrex)").
        spelled = re.sub(r"\b(?:%s)\b" % "|".join(map(re.escape, defined)), lambda m: defined[m.group(0)],
                         query.question)
        query = replace(parse_question(spelled), question=query.question)
    lex = lexicon()

    def narrowed(phrases: tuple[str, ...], keep_names: bool = False) -> tuple[str, ...]:
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
            elif not best and keep_names and len(words) == 1 and len(phrase) >= 5:
                # A drug name no record writes ("apixaban") stays asked: the answer then says no
                # study of it was found, instead of answering about whatever else matched.
                out.append(phrase)
        return tuple(out)

    interventions = narrowed(query.interventions, keep_names=True)
    members = tuple((name, class_members(store, name)) for name in (*interventions, *query.comparators)
                    if name in drug_classes())
    # A brand read as its drug is still a name records use ("Efficacy of Adderall and methylphenidate"):
    # searched and matched beside the drug.
    named = tuple((drug, (brand.lower(),)) for brand, drug in brands.items())
    # So is a combination product's brand ("Kliogest": estradiol + norethindrone), which no form of either drug is.
    combined = tuple((drug, (written,)) for name, written in query.written if " + " in name
                     for drug in name.split(" + ") if drug in (*interventions, *query.comparators))
    merged: dict[str, tuple[str, ...]] = {}     # one entry per name (``query_forms`` reads the first)
    for name, names in (*((n, m) for n, m in members if m), *named, *combined):
        merged[name] = tuple(dict.fromkeys(merged.get(name, ()) + names))
    return replace(query, interventions=interventions, conditions=narrowed(query.conditions),
                   members=tuple(merged.items()))


def defined_abbreviations(store: Store, question: str) -> dict[str, str]:
    """Abbreviations in ``question`` the vocabulary lacks, with the long form the library's
    records define for them ("HF" -> "heart failure"), kept only when that long form is a
    vocabulary name: the most frequent definition among the records that use the abbreviation.
    A MeSH acronym is read so too when the library defines it as another name ("BMD" beside
    etidronate is bone mineral density, not the Becker dystrophy MeSH files it under)."""
    out: dict[str, str] = {}
    # Records that use the abbreviation beside the question's named terms define it as the
    # question means it ("IR" beside tolterodine is immediate release, not insulin resistance).
    named_phrases = [(m.text, p) for m in find_terms(question) for p in [phrase_match(m.text)] if p]
    # An abbreviation the question defines itself ("temporomandibular disorder (TMD)") means that.
    own = {a for a, _long in abbreviation_definitions(question)}
    for abbr in sorted(set(_CAPITALS.findall(question))):
        known = lookup(abbr)
        if (known is not None and not (known.source == "mesh" and known.acronym)) or abbr.isdigit() or abbr in own:
            continue
        match = phrase_match(abbr) or ""
        # (not the abbreviation itself, when the vocabulary reads it as a MeSH acronym)
        named = " OR ".join(dict.fromkeys(p for text, p in named_phrases if text != abbr))
        hits = store.search(f"{match} AND ({named})" if named else match, DEFINING_RECORDS)
        texts = store.texts_many([h.record_id for h in hits]).values() if hits else ()
        counts = Counter(long.lower() for text in texts for a, long in abbreviation_definitions(text)
                         if a == abbr and lookup(long) is not None)
        if counts and (known is None or lookup(counts.most_common(1)[0][0]).canonical != known.canonical):
            out[abbr] = counts.most_common(1)[0][0]
    return out


_NAME = re.compile(r"\b(?:[A-Z][a-z]{3,}|[A-Z]{4,})\b")
_MARK = r"(?:\(R\)|\(TM\)|\u00ae|\u2122)?['\"]?"      # a trademark sign and a closing quote after a brand


def brand_names(store: Store, question: str) -> dict[str, str]:
    """Capitalised names in ``question`` that are no known or INN-stemmed drug, with the drug
    the library's records write beside them in brackets, either way round ("celecoxib
    (Celebrex)", "Coreg (carvedilol)"): the most frequent among the records that use the name.
    A name the question brackets with its drug itself ("Claritin (loratadine)") is left as it is,
    as are two names of one drug."""
    out: dict[str, str] = {}
    for name in sorted(set(_NAME.findall(question))):
        low = name.lower()
        if lookup(low) is not None or low in STOPWORDS or stem_drugs(low) or \
                re.search(rf"\b{name}\s*\(|\(\s*{name}\s*\)", question):
            continue
        hits = store.search(phrase_match(name) or "", DEFINING_RECORDS)
        if not hits:
            continue
        # "celecoxib (Celebrex(R))", "quetiapine ('Seroquel')", "Coreg (carvedilol)"
        beside = re.compile(rf"\b([a-z][\w-]{{3,}})\s*\(\s*['\"]?{name}{_MARK}\s*[);,]|"
                            rf"\b{name}{_MARK}\s*\(\s*([a-z][\w-]{{3,}})\s*\)", re.I)
        counts = Counter(drug.lower() for text in store.texts_many([h.record_id for h in hits]).values()
                         for m in beside.finditer(text) for drug in m.groups()
                         if drug and names_drug(drug.lower()) and drug.lower() != low)
        if counts:
            out[name] = counts.most_common(1)[0][0]
    # Two products of one drug ("Ritalin LA vs Concerta"), or a brand beside its drug's name,
    # are compared or written as asked: renaming them would merge what the question tells apart.
    shared = Counter(out.values())
    return {n: d for n, d in out.items() if shared[d] == 1 and d not in tokens(question)}


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
