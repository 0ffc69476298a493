"""Synonym tables: condition and intervention names mapped to one canonical name.

Conditions come from MeSH entry terms (``mesh_conditions.tsv.gz``, built by
``scripts/build_vocab.py``); ``curated.tsv`` adds intervention names and overrides
MeSH where clinicians group terms differently (CRPS = reflex sympathetic dystrophy);
``brands.tsv`` reads brand names as their drugs (Norvasc = amlodipine).
"""
from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from .spelling import variants

_WORD = re.compile(r"[a-z0-9]+(?:['/-][a-z0-9]+)*", re.I)
_MAX_NGRAM = 7
# MeSH terms too generic to name a condition on their own.
_TOO_GENERIC = {"pain", "disease", "syndrome", "disorder", "injury", "infection", "fatigue",
                "inflammation", "death", "recurrence", "obesity", "weight loss", "sleep",
                "depression", "anxiety", "tumor", "cancer", "ms", "rsd", "fms", "pdn", "ibd", "obese"}


# English adjective endings (a modifier so ending is no noun to turn into "of the X").
_ADJECTIVE = re.compile(r"(?:al|ic|ac|ous|ive|ary|ory|ed|ing|ar|ile|ent|ant|less|ful|oid|-\w+)$")


# A one-word condition's adjective, by English suffix: a record of "schizophrenic patients" or
# "hypertensive subjects" studies the condition as surely as one naming it.
_ADJECTIVAL = (("tension", "tensive"), ("betes", "betic"), ("sity", "se"), ("psy", "ptic"), ("sis", "tic"),
               ("ma", "matic"), ("ia", "ic"))


_EPONYM = re.compile(r"([a-z]+'s) (?:disease|syndrome)")
# Eponyms that are also ordinary English words ("best's", "job's"): their possessive alone is no disease.
_NOT_EPONYM = {"best's", "job's", "little's", "sweet's", "swift's", "bang's", "bloom's", "hunter's", "turner's",
               "usher's", "brill's", "kelly's", "franklin's", "duncan's", "alexander's", "bernard's", "gilbert's"}


@dataclass(frozen=True)
class Term:
    canonical: str
    kind: str          # condition | intervention | comparator | population | outcome
    source: str        # curated | mesh | classes | brand | eponym (a MeSH eponym's possessive alone) | adjective
    acronym: bool = False   # a short word MeSH writes only in capitals ("ALL"): the word "all" is not it


@dataclass(frozen=True)
class Match:
    canonical: str
    kind: str
    text: str
    start: int         # token index


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower().replace("\u2019", "'")))


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Term]:
    table: dict[str, Term] = {}
    base = files("evidex.vocab")
    with gzip.open(base.joinpath("mesh_conditions.tsv.gz").open("rb"), "rt", encoding="utf-8") as fh:
        for line in fh:
            term, canonical, _mesh = line.rstrip("\n").split("\t")
            # An acronym is one short word MeSH writes only in capitals ("ALL", "AIDS"); CTD also
            # capitalises a few whole terms ("ANXIETY", "AASE SYNDROME"), which stay words.
            table[_key(term)] = Term(canonical, "condition", "mesh",
                                     acronym=term.isupper() and len(term) <= 5 and " " not in term)
    remap: dict[str, str] = {}
    for line in base.joinpath("curated.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            term, canonical, kind = line.split("\t")
            old = table.get(_key(term))
            if kind == "outcome" and old is not None:
                continue
            if old is not None and old.source == "mesh":
                # A curated name also covers every MeSH term of the same concept.
                remap.setdefault(old.canonical, canonical)
            table[_key(term)] = Term(canonical, kind, "curated")
    for k, t in list(table.items()):
        if t.source == "mesh" and t.canonical in remap:
            table[k] = Term(remap[t.canonical], t.kind, "mesh", t.acronym)
    # A condition is also named by its adjective ("schizophrenic patients", "type 2 diabetic").
    for k, t in list(table.items()):
        last = k.rsplit(" ", 1)[-1]
        if t.kind == "condition" and not t.acronym and len(last) >= 5 and last.isalpha() and _adjective(last):
            table.setdefault(k[:len(k) - len(last)] + _adjective(last), Term(t.canonical, t.kind, "adjective"))
    # An eponym's possessive alone names its disease ("active Crohn's", "early Parkinson's").
    for k, t in list(table.items()):
        eponym = _EPONYM.fullmatch(k)
        if eponym and eponym.group(1) not in _NOT_EPONYM:
            table.setdefault(eponym.group(1), Term(t.canonical, t.kind, "eponym"))
    for line in base.joinpath("brands.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            brand, generic = line.split("\t")
            table.setdefault(_key(brand), Term(generic, "intervention", "brand"))
    for cls in drug_classes().values():
        for name in (cls.name, *cls.synonyms):
            table.setdefault(_key(name), Term(cls.name, "intervention", "classes"))
        for member in cls.members:
            table.setdefault(_key(member), Term(member, "intervention", "classes"))
    return table


@dataclass(frozen=True)
class DrugClass:
    name: str
    synonyms: tuple[str, ...]
    stems: tuple[str, ...]      # WHO INN stems: a drug whose name ends so belongs to the class
    members: tuple[str, ...]    # members whose names carry no class stem


@lru_cache(maxsize=1)
def drug_classes() -> dict[str, DrugClass]:
    """``drug_classes.tsv``: classes a question may name, with what marks their members."""
    out: dict[str, DrugClass] = {}
    text = files("evidex.vocab").joinpath("drug_classes.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, synonyms, stems, members = (line.split("\t") + ["", "", ""])[:4]
        split = lambda v: tuple(x.strip() for x in v.split("|") if x.strip())  # noqa: E731
        out[name] = DrugClass(name, split(synonyms), split(stems), split(members))
    return out


@lru_cache(maxsize=1)
def _lengths_by_first_word() -> dict[str, tuple[int, ...]]:
    """First word of each term -> the word counts (up to ``_MAX_NGRAM``) of the terms starting
    with it, longest first: ``find_terms`` joins and looks up only spans of those lengths (a
    span of another length is no term), where trying every length up to the longest was most
    of its time."""
    found: dict[str, set[int]] = {}
    for key in lexicon():
        words = key.split(" ")
        if len(words) <= _MAX_NGRAM:
            found.setdefault(words[0], set()).add(len(words))
    return {w: tuple(sorted(ns, reverse=True)) for w, ns in found.items()}


def find_terms(text: str, kinds: tuple[str, ...] = ("condition", "intervention", "comparator"),
               allow_generic: bool = False) -> list[Match]:
    """Longest-match lookup of vocabulary terms in ``text`` (left to right, no overlaps).

    Short acronyms (MS, RSD) and every term MeSH writes only in capitals ("ALL", "AIDS") only
    count when written in capitals in the original text (a text in lower case throughout has
    lost its case, and is read as if it had kept it).
    """
    lex = lexicon()
    lengths = _lengths_by_first_word()
    text, spans = _word_spans(text)
    raw_words = [text[a:b] for a, b in spans]
    words = [w.lower() for w in raw_words]
    cased = text != text.lower()
    out: list[Match] = []
    i = 0
    while i < len(words):
        left = len(words) - i
        for n in lengths.get(words[i], ()):
            if n > left:
                continue
            key = " ".join(words[i:i + n])
            term = lex.get(key)
            if term is None or term.kind not in kinds:
                continue
            if term.acronym and cased and not " ".join(raw_words[i:i + n]).isupper():
                continue
            if term.source == "eponym" and _condition_at(words, i + n):
                continue          # "Alzheimer's dementia", "Hashimoto's thyroiditis": one condition, named next
            if not allow_generic and key in _TOO_GENERIC:
                if not (n == 1 and len(key) <= 4 and raw_words[i].isupper()):
                    continue
            # As written, punctuation inside kept ("H. pylori"): callers find the match in the text.
            out.append(Match(term.canonical, term.kind, " ".join(text[spans[i][0]:spans[i + n - 1][1]].split()), i))
            i += n
            break
        else:
            i += 1
    return out


def _condition_at(words: list[str], i: int) -> bool:
    """Whether a condition term of the vocabulary starts at word ``i``."""
    lex = lexicon()
    return any(getattr(lex.get(" ".join(words[i:i + n])), "kind", "") == "condition"
               for n in _lengths_by_first_word().get(words[i] if i < len(words) else "", ()))


@lru_cache(maxsize=1)
def _symptoms() -> frozenset[str]:
    text = files("evidex.vocab").joinpath("mesh_symptoms.tsv").read_text(encoding="utf-8")
    return frozenset(line.split("\t")[1] for line in text.splitlines() if "\t" in line)


def is_event(phrase: str) -> bool:
    """Whether an outcome is an event a trial counts (a disease such as "stroke" or "fracture",
    or a death), not a symptom or a function measured on a scale ("pain", "fatigue", "walking",
    "sleep"): a vocabulary condition outside MeSH's Signs and Symptoms (C23.888), or a phrase
    naming events or deaths. GRADE judges the imprecision of the two kinds differently."""
    words = set(_key(phrase).split())
    if words & {"event", "events", "death", "deaths", "mortality", "survival"}:
        return True
    term = lookup(phrase)
    return term is not None and term.kind == "condition" and term.canonical not in _symptoms() \
        and _key(phrase) not in _symptoms()


def _word_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with curly apostrophes straightened, and where each of its words lies in it."""
    text = text.replace("\u2019", "'")
    return text, [m.span() for m in _WORD.finditer(text)]


def term_words(text: str) -> list[str]:
    """``text``'s words as ``find_terms`` reads them (a ``Match.start`` counts these)."""
    text, spans = _word_spans(text)
    return [text[a:b] for a, b in spans]


@lru_cache(maxsize=1 << 16)
def lookup(term: str) -> Term | None:
    """The vocabulary entry for a whole term (e.g. a MeSH heading), or None.

    MeSH writes some headings inverted ("Pain, Postoperative"): both orders are tried.
    Remembered (the vocabulary does not change in a process): ingest looks up every MeSH
    heading of every citation, and a few thousand headings ("Humans", "Female", "Adult")
    make up nearly all of them."""
    lex = lexicon()
    found = lex.get(_key(term))
    if found is None and ", " in term:
        head, _, tail = term.partition(", ")
        found = lex.get(_key(f"{tail} {head}"))
    return found


def is_canonical(name: str) -> bool:
    """Whether ``name`` is a vocabulary entry's canonical name (MeSH writes many inverted:
    "rhinitis, allergic, seasonal"), which no record need write in that order."""
    return name in _forms_by_canonical()


def expansions(canonical: str) -> list[str]:
    """Every surface form mapping to ``canonical`` (for query expansion), longest first."""
    return list(_expansions(canonical))


@lru_cache(maxsize=8192)
def _expansions(canonical: str) -> tuple[str, ...]:
    """``expansions``, read once per name (the vocabulary does not change in a process): an
    answer asks for the asked names' forms for every candidate passage."""
    return tuple(sorted(forms_of(canonical), key=lambda f: (-len(f), f)))


def forms_of(canonical: str) -> set[str]:
    """The surface forms of ``canonical``, read afresh (``expansions`` remembers them)."""
    forms = set(_forms_by_canonical().get(canonical, ()))
    forms.add(canonical)
    lex = lexicon()
    if any(lex[_key(f)].kind == "condition" for f in forms if _key(f) in lex):
        # English writes a two-noun condition either way round: "knee osteoarthritis",
        # "osteoarthritis of the knee" (MeSH lists only some of the "of" forms); an adjective
        # ("myocardial", "chronic") has no such turn.
        forms.update(f"{b} of {the}{a}" for a, b in (f.split(" ") for f in list(forms)
                                                        if f.count(" ") == 1 and "," not in f)
                     if not _ADJECTIVE.search(a) for the in ("", "the "))
    # A MeSH heading written inverted reads in the usual order too ("urinary incontinence, urge":
    # "urge urinary incontinence"; "rhinitis, allergic, seasonal": "seasonal allergic rhinitis").
    forms.update(" ".join(p.strip() for p in reversed(f.split(","))) for f in list(forms) if "," in f)
    # "oesophagitis" is written "esophagitis" too, "post-stroke" also "poststroke".
    forms.update(v for f in list(forms) for v in variants(f))
    return forms


def _adjective(word: str) -> str:
    """The adjective of a one-word condition name ("schizophrenia" -> "schizophrenic"), or ""."""
    return next((word[:-len(noun)] + adj for noun, adj in _ADJECTIVAL if word.endswith(noun)), "")


@lru_cache(maxsize=1)
def _forms_by_canonical() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for key, term in lexicon().items():
        out.setdefault(term.canonical, []).append(key)
    return {k: tuple(v) for k, v in out.items()}
