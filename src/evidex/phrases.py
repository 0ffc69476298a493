"""A question's phrases: the words of each grammatical slot, cleaned of what is no part of a
name (articles, quantifiers, "the treatment of"), and the names that only English morphology
or a drug's INN stem gives away. Pure functions over strings; ``query.parse_question`` puts
them in their PICO slots.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .enrich.numbers import DOSE
from .people import PEOPLE, is_population
from .question_shape import AUX, CLAUSE_WORDS, DASH, EFFECT_VERB, TIME_ONLY
from .text import tokens
from .vocab import drug_classes, find_terms, lookup, term_words

_BOUNDARY = re.compile(r"\s+(?:instead of|in place of|for|in|among|at|on|during|after|before|when|while|than|as|versus|vs\.?|"
                       r"compared (?:to|with)|with (?:respect|regard) to|regarding|in terms of|with|or|and)\s+|"
                       + DASH + r"|[?;,:]|\.(?!\d)|$", re.I)     # a decimal point ("4.5 mg") ends no phrase
# "Is it safe to prescribe X ...": the object of the verb is the treatment asked about.
# A drug the patient cannot take ("who can't tolerate ACE inhibitors"): the story, not the asked treatment.
NOT_TOLERATED = re.compile(r"\b(?:(?:can(?:no|'|\u2019)?t|cannot|unable to)\s+(?:tolerate|take)|(?:intolerant|allergic)\s+(?:of|to))\s+"
                           r"((?:(?!(?:receive|get|take|use|be|have|is|are|was|were|and|or|but|so|who|which|that|because|if|"
                           r"when|can|could|would|will|should|may|might|do|does|did)\b)[\w-]+\s*){1,4})", re.I)
SAFE_TO = re.compile(r"\b(?:safe|unsafe)\s+to\s+(?:prescribe|take|use|give|start|continue|recommend)\s+(.+)", re.I)
# The harms a study of "Is X safe?" may report (GRADE: every important harm is an outcome).
GENERAL_HARMS = ("adverse events", "adverse effects", "side effects", "adverse reactions", "toxicity",
                 "mortality", "deaths", "complications", "interaction", "interactions")
# The drugs a combination question names after "with" ("co-prescribed with rifampicin or ketoconazole").
WITH_DRUGS = re.compile(r"\bwith\s+(?:drugs?\s+such\s+as\s+|e\.g\.\s+)?([^,?;]+?)(?=\s*(?:[,?;.]|\bor\s+(?:does|do|is|are|should|"
                         r"can|will)\b|\bfor\b|\bin\b|\bduring\b|$))", re.I)
_LEAD = re.compile(r"^(?:only |also |just |with |without |the |a |an |any |some |other |(?:his|her|their|its) |"
                   r"(?:human )?(?:protein|gene|enzyme|"
                   r"drug|compound|molecule|receptor|transcription factor|mutation|variant)s? (?=\S+)|patients (?:with|who have) |people (?:with|who have) |"
                   r"adults (?:with|who have) |children (?:with|who have) |women (?:with|who have) |men (?:with|who have) |"
                   r"the (?:treatment|prevention|management|use) of |"
                   r"(?:treatment|prevention|management|use|administration|therapy) (?:of|with) |"
                   r"treating |preventing |managing |healing |relieving |controlling |using |taking |fewer |less |more |"
                   r"lower |higher |the risk of |risk of |rates? of )+", re.I)


QUESTION_STOPWORDS = set("""only also just even ever still really a an the is are was were be been does do did can could should would will of for in on at to
with and or not no than that this these those what which who whom how why when whose effective effect
effects useful safe helpful work works help beneficial better recommended treat treating treatment
treatments therapy patients patient people use used using evidence there any it its as by from into
about between one either neither each they them""".split())
# "What carvedilol dose ...", "Which dose of X ...", "How much X ...": a dosing question's drug
# (an adjective of the dose, "usual" or "starting", is not one).
_DOSE_OF = re.compile(r"\s*(?:what|which)\s+(?:is\s+the\s+)?([\w-]+(?:\s+[\w-]+)?)\s+(?:doses?|dosage|dosing)\b|"
                      r"\s*(?:what|which)\s+(?:\w+\s+)?(?:doses?|dosage)\s+of\s+([\w-]+)\b|"
                      r"\s*how\s+much\s+([\w-]+)\b", re.I)
_DOSE_WORDS = frozenset("usual starting start initial maximum maximal target targeted recommended best right "
                        "correct optimal typical daily effective lowest highest minimum loading maintenance the a "
                        "an".split())


# Trailing comparatives, articles, time adverbs and auxiliaries ("than captopril early after MI",
# "than the older drugs do") are no part of a name.
_TRAIL = re.compile(r"(?:\s+(?:more|less|as|so|any|at all|also|still|really|actually|ever|too|the|a|an|better|worse|faster|sooner|"
                    r"early|late|alone|only|initially|immediately|such|e\.?g\.?|be|been|being|for|in|with|likely|unlikely|"
                    r"during|among|to|do|does|did|is|are|was|were|has|have|gives?|makes?|provides?|offers?))+$", re.I)
# "(switching to) insulin for a few months": how long is no part of the name.
_FOR_A_TIME = re.compile(r"\s+(?:for|over)\s+(?:" + TIME_ONLY.pattern + r")\W*$", re.I)


# What a question says is believed ("Is autism thought to be related to ...?"): a verb, never a name.
_REPORTING = {"thought", "believed", "known", "considered", "suspected", "supposed", "said", "claimed"}


def clean(phrase: str) -> str:
    phrase = _LEAD.sub("", phrase.strip(" ,.?;:").lower()).strip(" ,.?;:")
    phrase = _TRAIL.sub("", phrase).strip(" ,.?;:")
    phrase = _TRAIL.sub("", _FOR_A_TIME.sub("", phrase)).strip(" ,.?;:")
    return "" if phrase in QUESTION_STOPWORDS or phrase in _REPORTING or not tokens(phrase) else phrase


_COUNT_ONLY = re.compile(r"\s*(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|twenty|a hundred|"
                         r"a thousand)\s*", re.I)
# A second group of patients set against the first ("than (it does) in adults", "as for younger patients");
# what changes in something ("a rise in endorphins").
_OTHER_GROUP = re.compile(r"(?:(?:it|they|he|she|i|we|you)\s+(?:(?:usually|normally|would)\s+)?(?:does|do|did|would)\s+)?(?:for|in|among)\s+(?=\w)|"
                          r"(?:those|people|patients)\s+with\s+(?=\w)", re.I)
_ALIKE = re.compile(r"\b(?:as well|the same|as much|as effective|as good|equally)\b", re.I)
_CHANGE = r"\b(?:rises?|increases?|falls?|drops?|decreases?|reductions?|changes?|improvements?|declines?)"
_CHANGE_IN = re.compile(_CHANGE + r"\s*$", re.I)
CHANGE_IN = re.compile(r"^\s*(?:(?:a|an|the|any)\s+)?(?:[\w-]+\s+)?" + _CHANGE + r"\s+in\s+", re.I)
_KEEP_ON = re.compile(r"^(?:(?:just|simply|only|merely)\s+)?"
                      r"(?:keep(?:ing)?\s+(?:going\s+|on\s+)?(?:with|on|taking)|continu(?:e|ing)(?:\s+(?:with|on|taking))?|"
                      r"stay(?:ing)?\s+on|stick(?:ing)?\s+with|remain(?:ing)?\s+on)\s+", re.I)


# "..., or is it contraindicated?": a second question about the first one's subject, with
# nothing of its own to address (a phrase after "or" is otherwise an alternative facet).
_BARE_CLAUSE = re.compile(r"\s*(?:is|are|was|were|would|will|could|can|should|might|may)\s+(?:it|this|that|they|these|"
                          r"those)\s+(?:\w+\s+)?[\w-]+\s*", re.I)


# Words of no outcome's name: a clause's, a pronoun's ("the sensory ones"), a schedule's ("or twice daily").
EFFECT_VERB_LEAD = re.compile(r"^(?:" + EFFECT_VERB.pattern + r")\s+(?=\w)", re.I)
_CLAUSE = AUX | CLAUSE_WORDS | {"what", "which", "how", "when", "who", "why", "such", "ones", "one", "those", "these",
                                "them", "once", "twice", "daily", "weekly", "nightly"}


# A noun naming a kind of drug by its form ("alpha-glucosidase inhibitor", "antipsychotics", "beta-blockers").
CLASS_NOUN = re.compile(r"(?:[\w-]+(?:ics?|ants?)|[\w-]*(?:blockers?|inhibitors?|agonists?|antagonists?))\s*$", re.I)
# The second option of "as A or B": one or two words naming a thing, not a clause, a comparative or an
# idiom ("or safer", "or worse", "or vice versa", "or something else").
_OPTION = re.compile(r"\s*(?!(?:than|more|less|better|worse|safer|equally|about|at|vice|something|anything|the "
                     r"other|not|no|even|just|also|still)\b)(?![\w-]+(?:er|ly)\b)[a-z][\w-]*(?:\s+[a-z][\w-]*)?\s*", re.I)


def compared_group(question: str, phrase: str) -> bool:
    """Whether ``phrase`` is the group an effect is set against ("better for neuropathic pain than for
    spondylosis", "than those with spinal spondylosis"), not a thing compared ("more than heart attack")."""
    return bool(re.search(r"\b(?:than|as)\s+(?:" + _OTHER_GROUP.pattern + ")" + re.escape(phrase), question, re.I))


def slot_phrases(rest: str, as_compares: bool = False) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """(outcome, population, comparator, other, purpose) phrases after the predicate of a
    question; ``as_compares``: the predicate was "as <adjective>", so the "as" that follows it
    compares. ``purpose``: the population phrases that "for" gives ("for survival", "for
    spasticity"), which may name what is sought rather than who is treated."""
    outcome, population, comparator, other, purpose = [], [], [], [], []
    taken = 0          # where a phrase already read as the other group ends
    compared_to = None   # where the last comparator phrase ends ("as A or B": B is the other option)
    first = _BOUNDARY.search(rest)
    head = rest[:first.start()] if first else rest
    if first and re.fullmatch(r"\s+(?:and|or)\s+", first.group(0), re.I):
        head = shared_head(head, rest[first.end():])
    if head.strip() and not as_compares:
        # ("as good a first drug as B": a role, not an outcome; "work by triggering a rebound rise": the rise)
        outcome.append(re.sub(r"^\s*by\s+\w+ing\s+(?:(?:an?|the)\s+)?", "", head, flags=re.I))
        if first and re.fullmatch(r"\s*,\s*|\s+(?:and|or)\s+", first.group(0), re.I):
            # "improve his symptoms, walking distance or ejection fraction": each is asked, a second
            # predicate's object too ("or prevent major events"); a clause joined on is not ("and what ...").
            outcome += [EFFECT_VERB_LEAD.sub("", c) for c in conjuncts(rest)[1:] if len(tokens(c)) <= 4
                        and not set(tokens(c)) & _CLAUSE and not re.search(DASH, c)
                        and not find_terms(c, ("intervention", "comparator"))]
    for m in re.finditer(r"\b(vs\.?|versus|compared (?:to|with)|rather than|instead of|in place of|than|as|for|in|among|with|or|during|"
                         r"after)\s+", rest, re.I):
        if m.start() < taken:
            continue
        tail = rest[m.end():]
        cue = m.group(1).lower()
        if cue in ("than", "rather than") or cue.startswith("compared"):
            # "rather than keep going with ranitidine", "compared with just staying on haloperidol", "than off B":
            # the alternative is the drug kept, not the verb
            tail = _KEEP_ON.sub("", tail, count=1)
            if re.search(r"\b(?:come|comes|coming|came|go|goes|going|went)\s+off\b", rest[:m.start()], re.I):
                tail = re.sub(r"^off\s+", "", tail)     # "come off A more often than off B": B ("off-pump", not)
        # ("safe in pregnancy as well as in breastfeeding": "as well as" joins two groups, compares none.)
        alike = cue == "as" and _ALIKE.search(rest[:m.start()]) and not re.search(r"\bas well\s*$", rest[:m.start()])
        group = _OTHER_GROUP.match(tail) if cue == "than" or alike else None
        if group:
            # "better for neuropathic pain than for spondylosis", "the same in Aboriginal patients as in
            # Caucasian ones": the patients the effect is set against are the comparison.
            tail = tail[group.end():]
        end = _BOUNDARY.search(tail)
        phrase = tail[:end.start()] if end else tail
        if group:
            comparator.append(phrase)
            taken = m.end() + group.end()
            continue
        # "as" compares right after an "as <adjective>" predicate ("as effective as B") and names
        # examples of a comparator ("than H2 antagonists such as ranitidine"); elsewhere it gives
        # a role ("used as androgen deprivation therapy", "than B as first-step treatment").
        before = rest[:m.start()]
        if cue in ("vs", "vs.", "versus", "than", "rather than", "instead of", "in place of") or cue.startswith("compared") or \
                (cue == "as" and ((as_compares and not re.search(r"\bas\b", before, re.I))
                                  or (comparator and re.search(r"\bsuch\s*$", before)))):
            # "than Risperdal to give him diabetes": the infinitive says what is compared, not with what.
            # ("instead of repeat endoscopy to confirm eradication": the alternative, not its purpose.)
            phrase = re.split(r"\s+to\s+(?=(?:give|cause|make|produce|induce|trigger|keep|help|control|confirm|check|"
                              r"detect|prevent|treat|stop)\b)", phrase)[0]
            if _COUNT_ONLY.fullmatch(phrase):
                continue        # "14 days instead of 7": a number, no alternative treatment
            # "a thiazide diuretic (chlorthalidone)": the class and the drug, each a comparator; so "an
            # alpha-glucosidase inhibitor like acarbose" (a drug after "like", a class noun before it).
            inner = re.fullmatch(r"\s*(.+?)\s*\(([^()]+)\)\s*", phrase)
            like = re.fullmatch(r"\s*(.+?)\s+like\s+(.+)", phrase)
            if inner:
                comparator.extend(map(undosed, inner.groups()))
            elif like and names_drug(like.group(2)):
                comparator.extend(map(undosed, [like.group(1)] * bool(CLASS_NOUN.search(like.group(1))) +
                                      [like.group(2)]))
            else:
                comparator.append(undosed(phrase))
            compared_to = m.end() + len(phrase)
        elif cue == "or" and compared_to is not None and not rest[compared_to:m.start()].strip() and _OPTION.fullmatch(phrase):
            comparator.append(undosed(phrase))      # "as a sulfonylurea or insulin": the other option
            compared_to = m.end() + len(phrase)
        elif cue == "for" and re.match(r"\s*\w+ing\s+\w", phrase):
            # "for lowering HbA1c", "for preventing relapse": what is sought, an outcome.
            outcome.append(re.sub(r"^\s*\w+ing\s+", "", phrase))
        elif cue in ("for", "in", "among") and (re.match(r"\s*(?:and|or)\b", phrase, re.I)
                                                or _COUNT_ONLY.fullmatch(phrase)):
            continue          # "in and out of hospital": an idiom; "one in five": a share; no population
        elif cue == "in" and _CHANGE_IN.search(rest[:m.start()]) and not is_population(phrase):
            outcome.append(phrase)      # "a rebound rise in endorphins": what changes, not who is treated
        elif cue in ("for", "in", "among"):
            population.append(phrase)
            if cue == "for" and not (end and re.match(r"\s+or\s", tail[end.start():])):
                # "for acute neck or low back spasm": alternatives of a population.
                purpose.append(phrase)
        elif not _BARE_CLAUSE.fullmatch(phrase):
            other.append(phrase)
    cleaned = lambda xs: [c for c in (clean(x) for x in xs) if c]  # noqa: E731
    return cleaned(outcome), cleaned(population), cleaned(comparator), cleaned(other), cleaned(purpose)


_HEAD_END = re.compile(r"\s+(?:for|in|among|at|on|during|after|before|when|while|than|versus|vs\.?|compared (?:to|with)|"
                       r"with (?:respect|regard) to|regarding|in terms of|with)\s+|[?;]|\.(?!\d)|$", re.I)


def shared_head(word: str, following: str) -> str:
    """A modifier coordinated with the next phrase shares its noun ("stomach and duodenal ulcers"
    asks of stomach ulcers) when the vocabulary names the pair; else it is its own phrase
    ("memory, mood or sexual function": no "memory function")."""
    cleaned, nxt = clean(word), following[:_BOUNDARY.search(following).start()].split()
    if len(tokens(cleaned)) != 1 or len(nxt) < 2:
        return word
    pair = f"{cleaned} {nxt[-1].lower()}"
    found = find_terms(pair, ("condition",))
    return pair if found and found[0].text.lower() == pair else word


def head_of(phrase: str) -> str:
    """``phrase`` up to its first preposition or punctuation ("sumatriptan for a migraine
    attack: is ..." -> "sumatriptan")."""
    return phrase[:_BOUNDARY.search(phrase).start()]


def conjuncts(rest: str) -> list[str]:
    """The coordinated phrases a predicate governs ("memory, mood or sexual function")."""
    head = rest[:_HEAD_END.search(rest).start()]
    return [c for c in (clean(x) for x in re.split(r"\s*,\s*(?:and |or )?|\s+(?:and|or)\s+", head)) if c]


def stem_drugs(text: str) -> list[str]:
    """Words of ``text`` that a drug class's WHO INN stem marks as drugs ("-pril", "-triptan"),
    longer than the stem by three letters at least ("april" is no ACE inhibitor)."""
    stems = _inn_stems()
    return list(unique(w for w in tokens(text) if any(w.endswith(st) and len(w) > len(st) + 2 for st in stems)))


@lru_cache(maxsize=1)
def _inn_stems() -> frozenset[str]:
    return frozenset(st for c in drug_classes().values() for st in c.stems)


_FROM = re.compile(r"\s*(?:from|due to|caused by|secondary to|of)\s+$", re.I)


def symptoms_of(question: str, found) -> list[str]:
    """Conditions the question says come from another it names ("pain from osteoarthritis",
    "neuropathic pain due to diabetes"): a symptom, not the population."""
    words = term_words(question)            # the words find_terms counts its matches' starts in
    out = []
    for a, b in zip(found, found[1:]):
        between = " " + " ".join(words[a.start + len(term_words(a.text)):b.start]) + " "
        if _FROM.fullmatch(between) and a.canonical != b.canonical:
            out.append(a.canonical)
    return out


# "12.5 or 25 mg": two doses of one drug, not two options.
DOSE_OR = re.compile(r"(?<![\w.])\d[\d.,]*(?:\s*(?:mg|mcg|\u00b5g|g|ml|units?|iu)\b)?\s+or\s+"
                     r"(?=\d[\d.,]*\s*(?:mg|mcg|\u00b5g|g|ml|units?|iu)\b)", re.I)


def compared_dose(question: str, drug: str) -> tuple[str, bool]:
    """For a question weighing two doses of one drug ("is 15 mg enough, or do I need 30 mg?"), the
    dose it is weighed against, with the drug, and whether the patient takes it already ("on valdecoxib
    10 mg - any gain from 20 or 40 mg?", "increase from 20 mg to 40 mg?"; else it is the one named
    last); ("", False) when fewer than two are named."""
    found = list(DOSE.finditer(question))
    if len({m.group(0) for m in found}) < 2:
        return "", False
    on = re.search(r"\b(?:on|taking|takes|using|from)\s+(?:[\w-]+\s+){0,2}?" + re.escape(found[0].group(0)), question,
                   re.I)
    return f"{drug} {(found[0] if on else found[-1]).group(0)}", bool(on)


def undosed(phrase: str) -> str:
    """A drug named with its dose ("zolmitriptan 2.5 mg") as the drug: records name the drug
    with their own doses or none ("more pain free on rizatriptan than on zolmitriptan")."""
    m = DOSE.search(phrase)
    name = phrase[:m.start()].strip() if m else ""
    return name if re.fullmatch(r"[a-z][\w-]{2,}", name, re.I) and name.lower() not in _DOSE_WORDS else phrase


def dose_drug(question: str) -> str:
    """The drug a dosing question names as the dose's modifier, or ""."""
    m = _DOSE_OF.match(question)
    words = next((g for g in m.groups() if g), "").split() if m else []
    return clean(" ".join(w for w in words if w.lower() not in _DOSE_WORDS))


def a_kind_of(phrase: str, condition_forms: list[str]) -> bool:
    """A phrase ending with a condition's name names a kind of it ("active crohn's disease",
    "erosive esophagitis"): English puts a noun phrase's head last, so "heart failure
    hospitalisation" is a hospitalisation, an outcome."""
    return any(phrase.endswith(" " + form) for form in condition_forms)


def same(a: str, b: str) -> bool:
    """One phrase up to plural endings ("ulcers" = "ulcer")."""
    stem = lambda t: " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in tokens(t))  # noqa: E731
    return stem(a) == stem(b)


def names_drug(text: str) -> bool:
    """Whether ``text`` names a drug: a treatment the vocabulary knows, or a word a drug class's
    INN stem marks ("rizatriptan")."""
    return bool(find_terms(text, ("intervention", "comparator")) or stem_drugs(text))


def treatments_in(phrase: str) -> list[tuple[str, str]]:
    """(name, as written) of each treatment a phrase names (as ``names_drug`` reads them), in its order."""
    found = [(m.canonical, m.text) for m in find_terms(phrase, ("intervention", "comparator"))]
    found += [(w, w) for w in stem_drugs(phrase) if not any(same_drug(w, n) for n, _ in found)]
    return sorted(found, key=lambda t: phrase.lower().find(t[1].lower()))


def same_drug(a: str, b: str) -> bool:
    """One treatment under two names the vocabulary knows as one ("ldn", "low-dose naltrexone")."""
    ta, tb = lookup(a), lookup(b)
    return same(a, b) or (ta is not None and tb is not None and ta.canonical == tb.canonical)


def unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def named_after_with(question: str, interventions) -> list[str]:
    """The drugs a combination question names after "with" ("co-prescribed with rifampicin or
    ketoconazole"), vocabulary names or not; a disease, a kind of person or a name the
    vocabulary knows (listed by its name elsewhere) is left out."""
    out = []
    for m in WITH_DRUGS.finditer(question):
        for part in re.split(r"\s*,\s*|\s+(?:or|and|such as|e\.g\.|like|including)\s+", m.group(1)):
            name = clean(part)
            if name and len(tokens(name)) <= 2 and not find_terms(name, ("condition", "population", "intervention",
                                                                          "comparator")) \
                    and not PEOPLE.fullmatch(name) and not any(name in tokens(i) or name == i for i in interventions):
                out.append(name)
    return out


def option_name(option: str) -> str:
    """An offered option by the vocabulary's name, else its INN-stemmed word, else as written; of
    a name with another in brackets ("Depakote (divalproex)"), the one written in lower case, as
    generic names are (brand names are capitalised); "" for one that names nothing ("a")."""
    named = find_terms(option, ("intervention", "comparator"))
    if named:
        return named[0].canonical
    parts = [p for p in re.split(r"\s*[()]\s*", option) if clean(p)]
    generic = [p for p in parts if p == p.lower()]
    if not parts:
        return ""             # "Lisinopril or a nitrate patch": "a" names nothing
    return (stem_drugs(option) or [clean((generic or parts)[0])])[0]


# "switching to X", "adding X": the drug, not the act of giving it.
_ACT = re.compile(r"^(?:(?:switch|chang|swap|mov)(?:e|es|ed|ing|ping)?\s+(?:(?:him|her|them|it)\s+)?(?:over\s+)?to|"
                  r"adding|starting|giving|using|taking|prescribing|continuing|stopping|"
                  r"(?:treatment|therapy)\s+(?:(?:starting|beginning|initiated|started)\s+)?with)\s+", re.I)


# "short-acting nifedipine", "extended-release metformin": the release form of a drug a study of
# the drug may or may not name; the drug is what records are about.
_RELEASE_FORM = re.compile(r"^(?:(?:short|long|rapid|fast|slow|intermediate)[- ]acting|(?:immediate|extended|sustained|"
                           r"modified|controlled|delayed|slow)[- ]release|once[- ]daily|depot)\s+(?=\S)", re.I)
# A regimen built on a drug ("esomeprazole-based triple therapy"): the drug is what it is asked about.
_BASED = re.compile(r"^([a-z][\w]*)-(?:based|containing)\s+\S.*$", re.I)


def drug_name(phrase: str) -> str:
    """An asked treatment by the drug it names: without the act of giving it ("switching to X"),
    without the regimen built on it ("X-based triple therapy"),
    without its release form ("short-acting X") and, of a name with another in brackets, without
    the one that names no known or INN-stemmed drug ("coreg (carvedilol)" -> "carvedilol",
    "estradiol ring (menoring)" -> "estradiol ring"), or by the drug both name ("claritin
    (loratadine)" -> "loratadine")."""
    phrase = _ACT.sub("", phrase)
    based = _BASED.match(phrase)
    if based and names_drug(based.group(1)):
        return based.group(1)
    bare = _RELEASE_FORM.sub("", phrase)
    if bare != phrase and names_drug(bare):
        phrase = bare
    inner = re.fullmatch(r"(.+?)\s*\(([^()]+)\)\s*", phrase)
    if inner:
        drug = [p for p in inner.groups() if names_drug(p)]
        if len(drug) == 1:
            return drug[0].strip()
        named = {getattr(lookup(p.strip()), "canonical", p.strip().lower()) for p in drug}
        if len(drug) == 2 and len(named) == 1:
            return named.pop()
    return phrase
