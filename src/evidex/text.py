"""Text helpers shared by every stage: sentence splitting with offsets, tokens, numbers."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache

from .records import Passage, Record

# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {
    "e.g", "i.e", "al", "vs", "dr", "fig", "figs", "approx", "no", "nos", "ca", "cf",
    "resp", "mr", "mrs", "ms", "st", "vol", "ref", "refs", "mg", "min", "max", "sp",
    "spp", "inc", "ltd", "co", "jr", "sr", "u.s", "p", "etc",
}
# Latin dosing and route abbreviations ("20 mg b.i.d. (n = 51)", "5 mg i.v. and"): a sentence
# may end on one, but only when a capital letter follows; a bracket or a number continues it.
_DOSING_ABBREV = {
    "q.d", "b.d", "b.i.d", "t.i.d", "q.i.d", "t.d.s", "q.d.s", "o.d", "o.m", "o.n", "q.o.d", "q.h.s", "h.s",
    "p.o", "i.v", "i.m", "s.c", "p.r.n",
}
_BOUNDARY = re.compile(r"([.!?]['\")\]]*)\s+(?=[\"'(\[]?[A-Z0-9])")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.")


def _word_before(text: str, start: int, end: int) -> str:
    """What ``re.search(r"([A-Za-z][A-Za-z.]*)$", text[start:end])`` captures, or "" when it does
    not match: the run of letters and dots that ends the text, from its first letter. Read
    backwards from ``end``: the regex on the slice scanned the whole sentence at every boundary."""
    if end > start and text[end - 1] == "\n":
        end -= 1                       # ``$`` also matches before a final newline
    i = end
    while i > start and text[i - 1] in _WORD_CHARS:
        i -= 1
    while i < end and text[i] == ".":
        i += 1
    return text[i:end]


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each sentence in ``text``; whitespace trimmed, abbreviations kept.

    A sentence ends with its punctuation (group 1 of the boundary: no space at its end) and the
    next starts where the boundary's look-ahead saw a quote, bracket, capital or digit (no space
    either), so only the first and the last sentence have whitespace to trim.
    """
    start = 0
    for m in _BOUNDARY.finditer(text):
        if not _ends_sentence(text, start, m.start(), text[m.end()]):
            continue
        if start == 0:
            while text[start].isspace():     # stops at the punctuation at the latest
                start += 1
        yield start, m.end(1)
        start = m.end()
    span = _trim(text, start, len(text))
    if span is not None:
        yield span


def _ends_sentence(text: str, start: int, stop: int, head: str) -> bool:
    """A boundary at ``stop`` ends the sentence begun at ``start`` unless an abbreviation ("e.g.",
    "vs.") or an initial ("Younger J. Mackey") stands before it, a dosing abbreviation with no
    capital after it (``head``: the next sentence's first character), or a number broken by a
    space inside an open bracket or after a comparison sign ("P <. 0001")."""
    if stop > start and (text[stop - 1] in _WORD_CHARS or text[stop - 1] == "\n"):
        word = _word_before(text, start, stop)
        if word and (word.lower().rstrip(".") in _ABBREV or (len(word) == 1 and word.isupper())):
            return False
        if word and word.lower().rstrip(".") in _DOSING_ABBREV and not head.isupper():
            return False
    if head.isdigit() and text[stop] == "." and stop > start and text[stop - 1].isdigit() \
            and text.count("(", start, stop) > text.count(")", start, stop):
        return False        # "1.07 (0. 82-1.40)": a decimal broken by a space, inside its bracket
    if head.isdigit() and text[stop] == "." and stop > start:
        i = stop - 1
        while i > start and text[i] == " ":
            i -= 1
        if text[i] in "<>=\u2264\u2265":
            return False    # "(P <. 0001)": a test's decimal broken by a space
    return True


_CLOSERS = frozenset("'\")]")
_OPENERS = frozenset("\"'([")
_CAPITALS_DIGITS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def joined_sentence_spans(texts: Sequence[str], split: Callable[[str], Iterable[tuple[int, int]]] = sentence_spans
                          ) -> list[tuple[int, int]]:
    """``list(sentence_spans(" ".join(texts)))`` from the spans of each text (``split``, which
    may remember them), without splitting the joined text again.

    Inside one text the boundaries and their decisions are the same joined or alone (the word
    before a boundary never reaches past the space that joins two texts). Only where two
    non-blank texts meet can the joined text differ: there the previous text's last sentence
    and the next text's first are one sentence unless a boundary crosses the join: the last
    sentence ends with [.!?] and closing quotes or brackets, the next text starts (after any
    space) with an optional opening quote or bracket and a capital or digit, and no
    abbreviation or initial stands before the stop.
    """
    body = " ".join(texts)
    out: list[tuple[int, int]] = []
    open_start = open_end = -1            # the sentence still open at the end of the last non-blank text
    offset = 0
    for text in texts:
        own = [(offset + s, offset + e) for s, e in split(text)]
        if own:
            if open_start >= 0:
                if _boundary_across(body, open_start, open_end, own[0][0]):
                    out.append((open_start, open_end))
                else:
                    own[0] = (open_start, own[0][1])
            out.extend(own[:-1])
            open_start, open_end = own[-1]
        offset += len(text) + 1
    if open_start >= 0:
        out.append((open_start, open_end))
    return out


def _boundary_across(body: str, start: int, end: int, nxt: int) -> bool:
    """The boundary regex matches from the end of the sentence ``body[start:end]`` over the
    whitespace up to ``nxt`` (the next text's first character), and ends that sentence."""
    stop = end
    while stop > start and body[stop - 1] in _CLOSERS:
        stop -= 1
    if stop <= start or body[stop - 1] not in ".!?":
        return False
    head = body[nxt]
    if not (head in _CAPITALS_DIGITS or (head in _OPENERS and nxt + 1 < len(body)
                                         and body[nxt + 1] in _CAPITALS_DIGITS)):
        return False
    return _ends_sentence(body, start, stop - 1, head)


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def passages_of(record: Record) -> list[Passage]:
    """Split a record into citable passages (sentences), offsets into ``record.text()``.

    Deterministic: a passage's ``seq`` is stable for a given record text, so ids like
    ``pmid:1#p3`` can be linked to without storing the passages.
    """
    out: list[Passage] = []
    offset = 0
    parts = [("TITLE", record.title), *((s.label, s.text) for s in record.sections)]
    for label, body in parts:
        for s, e in sentence_spans(body):
            out.append(Passage(record.id, len(out), label, offset + s, offset + e, body[s:e]))
        offset += len(body) + 2
    return out


_TOKEN = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")


_MIDDLE_DOT_DECIMAL = re.compile(r"(?<=\d)\u00b7(?=\d)")


def normalise(text: str) -> str:
    """Lower-case, unify unicode dashes/minus and middle-dot decimals, collapse spaces. ASCII text
    (most of it) has nothing to unify: NFKC leaves it as it is, so only case and spaces change."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = text.replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "-")
        text = _MIDDLE_DOT_DECIMAL.sub(".", text)
    return " ".join(text.lower().split())


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


@lru_cache(maxsize=4096)
def token_set(text: str) -> frozenset[str]:
    """``set(tokens(text))``, read once per text: finding duplicate reports compares every title
    with every other, and sentences are compared pairwise for repeated statements."""
    return frozenset(tokens(text))


# A number as it can appear in text: 4.5, 4·5, 1,200, −0.83, 37.8
_NUMBER = re.compile(r"(?<![\w.])[-\u2212]?\d+(?:[.,\u00b7]\d+)*")


_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                      "eighty": "80", "ninety": "90", "hundred": "100", "single": "1", "both": "2",
                      "twice": "2", "half": "0.5"})
_COMPOUND_WORD = re.compile(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ]"
                            r"(one|two|three|four|five|six|seven|eight|nine)\b", re.I)
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.I)
_SMALL = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|" \
         "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
# "four hundred five", "one thousand four hundred and five", "Three hundred fifty-three"
_SCALED = re.compile(rf"\b(?:{_SMALL})(?:[- ](?:{_SMALL}|hundred|thousand|and))*[- ](?:hundred|thousand)"
                     rf"(?:[- ](?:{_SMALL}|hundred|thousand|and))*\b", re.I)
# "12 649" and "53 228": a space as the thousands separator (SI style)
_SPACED = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u2009\u202f\u00a0]\d{3})+(?![\d.,]\d)")


def _scaled_value(phrase: str) -> int:
    total, current = 0, 0
    for w in re.split(r"[- ]+", phrase.lower()):
        if w == "and":
            continue
        if w == "hundred":
            current = max(current, 1) * 100
        elif w == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            current += int(_NUMBER_WORDS[w])
    return total + current


def numbers_in(text: str) -> set[str]:
    """Canonical forms of the numbers written in ``text`` (for faithfulness checks).

    "4·5" and "4.5" are the same number; "1,200" is 1200; "two" is 2; a leading minus is
    dropped so that "-0.83" in a statement matches "0.83" written as "a decrease of 0.83".
    """
    return set(_numbers_in(text))


@lru_cache(maxsize=8192)
def _numbers_in(text: str) -> frozenset[str]:
    """``numbers_in``, read once per text: an answer checks the same cited passages for every
    statement and table cell that cites them (about three reads per passage)."""
    found: set[str] = {_NUMBER_WORDS[m.group(1).lower()] for m in _NUMBER_WORD.finditer(text)}
    for m in _COMPOUND_WORD.finditer(text):   # "thirty-one" is 31
        found.add(str(int(_NUMBER_WORDS[m.group(1).lower()]) + int(_NUMBER_WORDS[m.group(2).lower()])))
    for m in _SCALED.finditer(text):          # "four hundred five" is 405
        found.add(str(_scaled_value(m.group(0))))
    for m in _SPACED.finditer(text):          # "12 649" is 12649 (its parts stay numbers too)
        found.add(_canon(re.sub(r"\D", "", m.group(0))))
    for m in _NUMBER.finditer(text):
        raw = m.group(0).lstrip("-\u2212").replace("\u00b7", ".")
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw):
            raw = raw.replace(",", "")
        for piece in raw.split(","):
            if piece:
                found.add(_canon(piece))
    return frozenset(found)


def _canon(num: str) -> str:
    whole, _, frac = num.partition(".")
    whole = whole.lstrip("0") or "0"
    frac = frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


@lru_cache(maxsize=2048)
def padded_tokens(text: str) -> str:
    """``text``'s tokens joined by spaces, with a space at each end: what ``contains_any`` reads.
    Remembered: an answer reads a record's whole text this way in retrieval and up to three
    times more for its relevance (studied, population, comparator)."""
    return " " + " ".join(tokens(text)) + " "


def contains_any(padded_tokens: str, forms: list[str]) -> bool:
    """Whether a space-padded token string holds any form as a whole phrase, blind to the
    endings a stemmer drops ("statin" finds "statins", the indexed term "lansoprazol" finds
    "lansoprazole")."""
    for f in forms:
        phrase, endings = _phrase_forms(f)
        if phrase and (f" {phrase} " in padded_tokens or any(e in padded_tokens for e in endings)):
            return True
    return False


@lru_cache(maxsize=8192)
def _phrase_forms(form: str) -> tuple[str, tuple[str, ...]]:
    """A form's token phrase and, past three letters, the phrase with each ending a stemmer drops
    (" statin ", " statine ", " statins ", " statines "; read once per form: an answer tests the
    same few forms against hundreds of records). Plain strings: the pattern they spell,
    `` {stem}(?:e|s|es)? ``, was compiled for every new form, some 900 in 40 answers."""
    phrase = " ".join(tokens(form))
    if len(phrase) <= 3:
        return phrase, ()
    stem = phrase.rstrip("se")
    return phrase, tuple(f" {stem}{end} " for end in ("", "e", "s", "es"))


_DEFINITION = re.compile(r"((?:[A-Za-z][\w'-]*\s+){1,8})\(([A-Z][A-Za-z-]{1,7})\)")


def _long_form(abbr: str, words: list[str]) -> str | None:
    """The shortest tail of ``words`` whose letters spell ``abbr`` in order, read from the end,
    its first letter starting a word (Schwartz & Hearst, Pac Symp Biocomput 2003): "overactive
    bladder" for OAB, "heart failure" for HF."""
    letters = [c for c in abbr.lower() if c.isalpha()]
    text = " ".join(words[-min(len(words), len(letters) + 3):])
    low, i = text.lower(), len(text) - 1
    for k in range(len(letters) - 1, -1, -1):
        c = letters[k]
        while i >= 0 and (low[i] != c or (k == 0 and i > 0 and low[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
    start = low.rfind(" ", 0, i + 2) + 1
    long = text[start:]
    return long if len(long.split()) <= len(letters) and long.lower() != abbr.lower() else None


def abbreviation_definitions(text: str) -> Iterator[tuple[str, str]]:
    """(abbreviation, long form) for each "long form (ABBR)" that ``text`` writes ("overactive
    bladder (OAB)"), matched as ``_long_form`` says. Forms with digits are never taken."""
    if "(" not in text:
        return
    for m in _DEFINITION.finditer(text):
        long = _long_form(m.group(2), m.group(1).split())
        if long:
            yield m.group(2), long



def holds_words(padded: str, phrase: str) -> bool:
    """Whether a space-padded token string holds every longer word (over three letters) of
    ``phrase``, anywhere and blind to endings, as ``contains_any`` reads each."""
    words = [w for w in tokens(phrase) if len(w) > 3]
    return bool(words) and all(contains_any(padded, [w]) for w in words)


def words_together(text: str, forms: list[str]) -> bool:
    """Whether one sentence of ``text`` holds every longer word of some multi-word form ("gastric
    (p < 0.001) and duodenal (p < 0.030) ulcers" speaks of duodenal ulcer; a single-word form is
    left to phrase matching)."""
    wanted = [f for f in forms if sum(len(w) > 3 for w in tokens(f)) >= 2]
    return bool(wanted) and any(holds_words(padded_tokens(text[a:b]), f)
                                for a, b in sentence_spans(text) for f in wanted)


# Where a sentence's clauses part: a contrast or an exception ("improves function ... without deleterious
# effects on survival", "pain fell, but fatigue did not"); not a semicolon or "whereas", which often part
# one result's values or arms ("6/11 with A; 3/13 with B").
_CLAUSE_BREAK = re.compile(r",?\s+(?=\b(?:but|although|though|without)\b)", re.I)


def clauses_naming(text: str, forms: list[str]) -> list[str]:
    """The clauses of ``text`` that name one of ``forms``: a clause after a break only when it names one
    itself ("..., but the difference was not significant" qualifies the clause before it); the whole
    sentence when it is not parted so, and none when it names none."""
    if not contains_any(padded_tokens(text), forms):
        return []
    parts = [c for c in _CLAUSE_BREAK.split(text) if c.strip()]
    if len(parts) < 2 or not any(contains_any(padded_tokens(c), forms) for c in parts[1:]):
        return [text]
    return [c for c in parts if contains_any(padded_tokens(c), forms)]
