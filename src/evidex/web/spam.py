"""Reader-comment spam check: a small, scored, explainable rule set.

Each rule adds points and says why (the text it matched). A comment scoring
``HOLD_AT`` or more is held for an admin instead of being published. The rules model
the comment under seed 004 — generic praise of "this website" with no word about the
article's subject — and the usual link and promotion spam. Comment spam is recognised
by exactly these signals in the literature on blog comment spam (Mishne, Carmel &
Lempel, "Blocking blog spam with language model disagreement", AIRWeb 2005: off-topic
language relative to the post; Kantchelian et al., "Robust detection of comment spam
using entropy rate", AISec 2012: links and templated boilerplate).

Pure: ``check(text, topic_words)`` needs no database and no clock.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

HOLD_AT = 3.0

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|info|biz|ru|xyz|top|io|co|shop|site|online)"
                  r"\b(?:/\S*)?", re.I)
_MARKUP = re.compile(r"<\s*(?:a|script|iframe|img|style|object|embed|link|meta|form)\b|\[url\b|\[/url\]|href\s*=",
                     re.I)
_PROMO = re.compile(
    r"\b(?:buy(?:ing)? (?:now|online|cheap)|cheap(?:est)?|discount|coupon|promo code|casino|viagra|cialis|"
    r"loans?|payday|bitcoin|crypto|forex|earn (?:money|\$)|make money|work from home|free trial|"
    r"limited (?:time )?offer|order now|best price|seo|backlinks?|followers|click here|visit my|check out my|"
    r"my (?:web ?site|blog|site|page|shop|store|channel)|subscribe to my|dm me|whatsapp|telegram)\b", re.I)
_PRAISE = re.compile(
    r"\b(?:thanks? (?:you )?(?:so much |a lot |once more )?(?:for|to you)|thank you|magnificent|fantastic|"
    r"awesome|wonderful|marvell?ous|great (?:post|article|site|blog|read|work|job|information|info)|"
    r"nice (?:post|article|site|blog)|keep up the (?:good|great) work|look(?:ing)? forward to|"
    r"(?:very |truly )?(?:privileged|blessed|grateful)|useful tactics|know-how|cool minutes|"
    r"bookmark(?:ed)?|well written|informative|i (?:really )?(?:enjoyed|appreciate)|"
    r"honou?red|tricks)\b", re.I)
_ADDRESSES_SITE = re.compile(r"\b(?:this|your|the) (?:web ?site|site|web ?page|blog|post|webpage|page)\b|"
                             r"\bsite visitors\b|\breading here\b|\binternet search\b", re.I)
_WORD = re.compile(r"[a-z]{4,}")
_STOP = set("""that this with from have were they them their there these those what which when will would
could should about after before being been into over under your yours very much many more most some such
only also just than then because while where here thanks thank like really actually quite once every
something anything nothing others other people person time times things thing know make made want wanted
looking look good great well said says post article page site website read reading""".split())


@dataclass(frozen=True)
class Reason:
    rule: str
    points: float
    evidence: str


@dataclass(frozen=True)
class Verdict:
    score: float
    held: bool
    reasons: tuple[Reason, ...]

    def to_json(self) -> dict:
        return {"score": self.score, "held": self.held, "reasons": [asdict(r) for r in self.reasons]}


def content_words(text: str) -> set[str]:
    """Lower-case words of four or more letters, minus common function words."""
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _first(matches: list[str], k: int = 3) -> str:
    seen = list(dict.fromkeys(m.strip() for m in matches))
    return ", ".join(repr(m[:60]) for m in seen[:k])


def check(text: str, topic_words: set[str] | frozenset[str] = frozenset()) -> Verdict:
    """Score a comment; ``topic_words`` are the content words of the record it is about."""
    reasons: list[Reason] = []
    urls = _URL.findall(text)
    if urls:
        reasons.append(Reason("links", min(3.0 * len(urls), 9.0), _first(urls)))
    markup = _MARKUP.findall(text)
    if markup:
        reasons.append(Reason("markup", 2.0, _first(markup)))
    promo = [m.group(0) for m in _PROMO.finditer(text)]
    if promo:
        reasons.append(Reason("promotion", min(2.0 * len(promo), 6.0), _first(promo)))
    praise = [m.group(0) for m in _PRAISE.finditer(text)]
    if praise:
        reasons.append(Reason("generic praise", min(0.75 * len(praise), 3.0), _first(praise)))
    site = [m.group(0) for m in _ADDRESSES_SITE.finditer(text)]
    if site:
        reasons.append(Reason("addresses the website, not the article", min(1.0 * len(site), 2.0), _first(site)))
    words = content_words(text)
    shared = words & set(topic_words)
    if topic_words and len(words) >= 8 and len(shared) <= 1:
        # Off-topic: a comment of some length that shares (almost) no subject word with the record.
        reasons.append(Reason("off-topic", 1.5 if not praise else 2.0,
                              f"shares {len(shared)} of {len(words)} content words with the article"))
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        reasons.append(Reason("shouting", 1.0, "mostly capital letters"))
    if re.search(r"(.)\1{7,}", text):
        reasons.append(Reason("repeated characters", 1.0, "a character repeated 8 or more times"))
    score = round(sum(r.points for r in reasons), 2)
    return Verdict(score, score >= HOLD_AT, tuple(reasons))
