"""A parsed question written as the lexical engine's MATCH expressions (pure): quoted phrases
of every form of the asked names, OR-ed, and the strict (intervention AND condition) and broad
(intervention alone) expressions ``retrieve`` searches with."""
from __future__ import annotations

import re

from .phrases import stem_drugs
from .query import Query
from .text import tokens
from .vocab import expansions, is_canonical, lexicon, lookup

_MAX_FORMS = 48


def phrase_match(text: str) -> str | None:
    """A MATCH string for the words of ``text`` as one phrase, or None when it has no words."""
    toks = tokens(text)
    return '"' + " ".join(toks) + '"' if toks else None


def any_of(forms) -> str:
    """One MATCH group that any of ``forms`` (three letters or more) satisfies, as phrases."""
    phrases = list(dict.fromkeys(p for p in (phrase_match(f) for f in forms if len(f) >= 3) if p))
    return "(" + " OR ".join(phrases[:_MAX_FORMS]) + ")" if phrases else ""


def outcome_forms(outcomes) -> list[str]:
    """The asked outcomes as written, then each one's other names in the vocabulary, shortest
    first ("breast cancer": also "breast carcinoma", as a record may write it)."""
    out = list(outcomes)
    for o in outcomes:
        term = lookup(o)
        if term is not None and term.kind in ("condition", "outcome"):
            out += sorted(expansions(term.canonical), key=len)
    return list(dict.fromkeys(out))


def intervention_forms(canonical: str) -> list[str]:
    forms = expansions(canonical)
    lex = lexicon()
    # "low-dose naltrexone" is also reported as plain "naltrexone" at a low dose; "oral zolmitriptan"
    # (a drug the vocabulary lacks, known by its INN stem) as plain "zolmitriptan", when it is the one drug named.
    for word in re.findall(r"[a-z]+", canonical):
        term = lex.get(word)
        if term is not None and term.kind == "intervention" and word != canonical:
            forms.append(word)
    stems = stem_drugs(canonical)        # (one drug only: "ramipril or candesartan" is not each of them)
    return forms + [stems[0]] if len(stems) == 1 and stems[0] != canonical and stems[0] not in forms else forms


def known_conditions(query: Query) -> tuple[str, ...]:
    """The asked conditions the vocabulary knows (a disease: "urinary incontinence"), not the open
    phrases the question also names ("older postmenopausal women")."""
    return tuple(c for c in query.conditions if lookup(c) is not None or is_canonical(c))


def decisive_conditions(query: Query) -> tuple[str, ...]:
    """The conditions a record must name to be direct evidence: the known ones when the question
    also has open phrases, which describe the population rather than define it; otherwise all."""
    return known_conditions(query) or query.conditions


def query_forms(query: Query, name: str) -> list[str]:
    """Every form of an asked intervention: synonyms, and the class members the library writes."""
    if name.endswith(" alone"):       # "metformin alone": the single drug as trials write it
        return [f"{f} {w}" for f in query_forms(query, name[:-len(" alone")]) for w in ("alone", "monotherapy")]
    extra, forms = next((m for n, m in query.members if n == name), ()), intervention_forms(name)
    return forms + [m for m in extra if m not in forms]      # forms read once, not once per member


# An inverted heading written head first, its qualifier joined by a preposition a few words on ("heart
# failure from left ventricular systolic dysfunction" for "heart failure, systolic", "osteoarthritis of
# the hip or knee" for "osteoarthritis, knee"); within one clause, and never across who was treated.
_JOIN = r"(?:of|from|due to|secondary to|caused by|after|following|involving|affecting)"
_NOT_BETWEEN = r"(?!(?:patients?|subjects?|participants?|people|men|women|children|adults|but)\b)"


def names_heading(text: str, headings: tuple[str, ...] | list[str]) -> bool:
    """Whether ``text`` names one of the inverted ``headings`` ("X, Y") in its own words."""
    for h in headings:
        head, _, qualifier = h.partition(", ")
        if qualifier and "," not in qualifier and re.search(
                rf"\b{re.escape(head)}\s+{_JOIN}\s+(?:{_NOT_BETWEEN}[\w-]+\s+){{0,4}}?{re.escape(qualifier)}\b", text, re.I):
            return True
    return False


GENERIC_WORDS = {"syndrome", "syndromes", "disease", "disorder", "disorders", "complex", "chronic", "type"}


def related_expression(query: Query) -> str:
    """Intervention AND any content word of the asked condition: the same drug in a
    neighbouring condition ("pain" links CRPS to neuropathic pain and fibromyalgia)."""
    inter = any_of(f for c in query.interventions for f in query_forms(query, c))
    words = [w for c in query.conditions for w in tokens(c) if w not in GENERIC_WORDS and len(w) > 3]
    return f"{inter} AND {any_of(words)}" if inter and words else ""


def match_expressions(query: Query) -> tuple[str, str]:
    """(strict, broad) MATCH strings (FTS5 syntax, run by ``evidex.lexical``) for a parsed query (pure)."""
    inter = any_of(f for c in query.interventions for f in query_forms(query, c))
    cond = any_of(f for c in decisive_conditions(query) for f in expansions(c))
    keys = any_of(query.keywords)
    if inter and cond:
        return f"{inter} AND {cond}", inter
    if inter:
        return (f"{inter} AND {keys}" if keys else inter), inter
    if cond:
        return (f"{cond} AND {keys}" if keys else cond), cond
    return keys, keys
