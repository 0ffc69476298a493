"""Direction of a study's finding from its results and conclusions sentences.

Cue-based: explicit null findings ("no significant difference", "not superior to placebo") are
checked before positive cues, because null trials often also report improvement within both arms.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .effect import aside
from .lessened import lessened
from .significance import difference_intervals, significance
from .split import contains_any

DIRECTIONS = ("favours", "no_difference", "against", "unclear")

# what a comparative of efficacy says is greater ("greater efficacy", "better glycaemic control")
_OF_EFFICACY = r"(?:[\w-]+ ){0,2}?(?:efficacy|effectiveness|control|improvements?|responses?|relief|benefits?)\b"
_NULL = re.compile(
    r"\b(?:no (?:statistically )?significant (?:difference|benefit|effect|improvement|change|reduction)s?|"
    r"no (?:meaningful |clinically (?:meaningful|relevant|important) )?(?:statistical )?differences?|"
    # "with no (relevant) between-group differences": the arms of a head-to-head trial did alike
    r"no (?:significant |relevant |statistically significant )?(?:between[- ]groups?|inter-?group) differences?|"
    r"(?:P\s*=\s*)?NS between(?:[- ]groups?| the (?:two )?groups)|"
    r"(?:did|does|do) not (?:alter|affect|modify|influence)|"
    r"(?:did|does|was|were) not (?:significantly )?(?:differ|improve|reduce|decrease|change|lessen|show|outperform|superior)\w*|"
    r"not (?:statistically )?(?:significant(?:ly)?|superior|better|more effective)|no superior(?:ity)?\s+(?:[\w-]+\s+){0,3}?(?:over|to)\b|"
    # A comparative denied ("the recurrence rate was not lower on A than on B"): no difference found.
    r"(?:was|were|is|are) not (?:significantly )?(?:lower|higher|greater|smaller|shorter|longer|faster|different)|"
    r"(?:statistically )?(?:insignificant|non-?significant)|"
    r"no (?:better|more effective) than|failed to (?:show|demonstrate|reduce|improve)|no (?:clear |clinically meaningful )?(?:benefit|effect|advantage)|"
    r"not associated with|no association|comparable to placebo|similar to placebo|no difference|"
    r"(?:comparable|similar|equivalent) (?:efficacy|effectiveness|effects?|results|outcomes)|(?<!the )comparability of (?:the )?efficacy|"
    r"(?:efficacy|effectiveness) (?:is|was|were|are) (?:comparable|similar|equivalent) to|"
    r"(?:as|equally) effective as|equally effective|non-?inferior(?:ity)?|"
    # "as effective and well tolerated as B"; "81 and 80% in the A and B groups, respectively (NS)"
    r"as (?:effective|efficacious) and (?:[\w-]+ ){1,2}as|"
    r"similarly (?:effective|efficacious|low|high)|"
    r"no (?:clear |convincing |consistent )?evidence (?:that|of)|"
    r"neither (?:\w+ ){0,3}(?:controlled|improved|reduced|relieved|helped|changed|affected)\w*|"
    r"neither (?:[\w-]+,? ){1,8}nor|"
    # Change within every arm alike ("decreased similarly in the treatment groups and the placebo
    # group") is no difference between them, though it reads like an improvement.
    r"similarly (?:in|across|among|between) (?:both|all|the two|the (?:\w+ ){0,4}groups?)|"
    r"(?:decreased|improved|increased|reduced|declined|fell) similarly|similarly (?:decreased|improved|reduced)|"
    # "of the five outcomes, only change in CPM differed significantly": the others did not
    r"only (?:[\w-]+ ){0,5}(?:differed|was significant|were significant|reached (?:statistical )?significance)|"
    # a comparative of efficacy denied: "did not demonstrate greater efficacy", "better control was not achieved"
    r"(?:not|no|neither|without|failed to)\s+(?:[\w-]+\s+){0,3}?(?:greater|superior|better)\s+" + _OF_EFFICACY + r"|"
    r"(?:greater|superior|better)\s+" + _OF_EFFICACY + r"\s+(?:was|were)\s+not)\b",
    re.I)
# "Similar proportions of patients in the two groups showed deterioration": no difference in the
# effect, unless it is said of a harm or a subgroup (``effect.aside``: "similar numbers withdrew
# owing to adverse effects"), which is no finding on the treatment's effect.
_SIMILAR_ARMS = re.compile(r"\bsimilar (?:proportions?|numbers?|percentages?|rates?|incidences?) of\b", re.I)
# "Similar results were seen in the comparison with placebo (P < 0.001)": an earlier finding said
# again of another comparison, with its test; not a null finding, though "similar results" reads as one
# (said of the groups or arms, "similar results were seen in both groups (p < 0.001 vs baseline)", it is).
_SAID_AGAIN = re.compile(r"^\W*(?:similar|comparable) (?:results|findings|effects) (?:were|was) (?:also )?"
                         r"(?:seen|observed|found|obtained|noted|reported) (?:in|for|with|when)\b", re.I)
_OF_THE_ARMS = re.compile(r"\b(?:groups?|arms?|both|each|either|baseline)\b", re.I)
_PROPOSED = re.compile(r"^\W*whether\b|\b(?:(?:the )?hypothes[ie]s that|hypothesi[sz]ed that|(?:powered|designed) to (?:detect|show|demonstrate|test)|"
                       r"(?:end ?point|outcome) (?:was|is) (?:the )?(?:proportion|percentage|number|rate|change)|to (?:test|determine|assess|examine|investigate|"
                       r"evaluate|establish|confirm|clarify) (?:whether|if|the hypothes[ie]s))\b", re.I)
_UPHELD = re.compile(r"\b(?:support\w*|confirm\w*|consistent with|in line with|agree\w* with)\s+"
                     r"(?:the\s+|our\s+|this\s+)?$", re.I)
_AGAINST = re.compile(r"\b(?:worsen\w*|increased pain|more adverse|harm(?:ful)?|deteriorat\w*|"
                      r"inferior to|in favou?r of (?:the )?(?:placebo|control|sham|usual care))\b", re.I)
_FAVOURS = re.compile(
    r"\b(?:significant(?:ly)? (?:reduc|improv|decreas|lower|better|relie|fewer|less)\w*|"
    r"significant(?:ly)? (?:greater|better|larger|higher) (?:\w+ ){0,2}(?:efficacy|improvements?|responses?|"
    r"response rates?|reductions?|relief|benefits?)|"
    r"effective|efficacious|beneficial|improve[sd]?|improvements?|reduc(?:ed|tion|es)|decreas(?:ed|e)|"
    r"relie(?:f|ved)|remission|resolved|positively associated|lessened|benefit(?:ed|s)?|"
    r"went from|fell|dropped|declined|ceased|subsided|disappeared|"
    r"favou?r(?:s|ed)? (?:the )?(?:\w+ )?(?:treatment|drug|intervention)|in favou?r of|superior to|"
    # "demonstrated greater efficacy than placebo", "gave better glycaemic control than glipizide", "has superior
    # efficacy"; "significantly more olanzapine-treated patients (48.6%) responded than ..."
    r"(?:greater|superior|better) " + _OF_EFFICACY + r"|significantly more (?:(?!placebo|control|sham)[\w()%.,-]+ ){0,6}?"
    r"(?:responded|improved|achieved (?:remission|a response|response))\b)\b", re.I)
_HEDGE = re.compile(r"\b(?:may|might|could|warrant|further (?:research|studies|trials)|"
                    r"more research|larger (?:trials|studies)|pilot)\b", re.I)


# Lower-case substrings, one of which every match of the pattern beside it contains: a pattern
# whose cues are all absent cannot match, so its search (a scan of every position) is skipped.
# Only for ASCII sentences: with re.I, "\u017f" matches "s" and the Kelvin sign "k".
_NULL_CUES = ("no", "without", "failed", "comparab", "similar", "equivalent", "effective", "efficacious", "equally", "neither",
              "only", "ns between", "insignificant", "nonsignificant", "non-significant")
_AGAINST_CUES = ("worsen", "increased pain", "more adverse", "harm", "deteriorat", "inferior to", "in favo")
_FAVOURS_CUES = ("significant", "effective", "efficacious", "beneficial", "improve", "reduc", "decreas", "relie",
                 "remission", "resolved", "positively associated", "lessened", "benefit", "went from", "fell",
                 "dropped", "declined", "ceased", "subsided", "disappeared", "favo", "superior", "greater", "better")


def _may(rx: re.Pattern[str], cues: tuple[str, ...], sentence: str, low: str | None) -> bool:
    if low is not None and not contains_any(low, cues):
        return False
    return rx.search(sentence) is not None


# A change told of the control arm ("decreased by 0.1 in the placebo group"; no other arm between:
# "reduced with captopril compared with placebo" is the treatment's).
_CONTROL_CHANGED = re.compile(r"\b(?:improv|reduc|decreas|fell|dropped|declined|lessen)\w*(?:\s+(?!(?:with|than|compared|"
                              r"versus|vs|and|but|while|whereas|in|on)\b)[\w.%+/-]+){0,5}?\s+(?:in|with|for|among|on)\s+"
                              r"(?:the\s+)?(?:placebo|control|sham|untreated)(?:[- ](?:group|arm|patients|subjects))?\b", re.I)
_CONTROL_CUES = ("placebo", "control", "sham", "untreated")
_WORSE_OR_SAME = re.compile(r"\b(?:increas\w*|rose|risen|worsen\w*|unchanged|no change)\b", re.I)   # the treated arm's
_NOT_SIGNIFICANT = re.compile(r"\((?:NS|n\.s\.?)\)|\bP\s*=\s*NS\b", re.I)
_SIGNIFICANT = re.compile(r"(?<!not )(?<!non-)(?<!non)(?<!in)significant", re.I)


@lru_cache(maxsize=8192)
def sentence_direction(sentence: str) -> str:
    """favours | no_difference | against | unclear for one sentence. Remembered: an answer reads
    a findings sentence for its stance features, its study's direction and its key passage."""
    proposed = _PROPOSED.search(sentence)
    if proposed and not _UPHELD.search(sentence, 0, proposed.start()):
        # "Larger studies are recommended to test the hypothesis that X reduces pain": what
        # follows is a claim to be tested, not a finding.
        sentence = sentence[:proposed.start()]
    low = sentence.lower() if sentence.isascii() else None
    said_again = _SAID_AGAIN.search(sentence) is not None and not _OF_THE_ARMS.search(sentence) \
        and significance(sentence) == "significant"
    if not said_again and (_may(_NULL, _NULL_CUES, sentence, low) or (_may(_SIMILAR_ARMS, ("similar",), sentence, low)
                                                                      and not aside(sentence))):
        return "no_difference"
    # "81 and 80% in the A and B groups, respectively (NS)", with no test or word finding a difference.
    if _NOT_SIGNIFICANT.search(sentence) and not _SIGNIFICANT.search(sentence) \
            and significance(sentence) != "significant":
        return "no_difference"
    if difference_intervals(sentence) == {"not_significant"} and significance(sentence) == "not_significant" \
            and not aside(sentence):
        # The between-group difference with an interval holding 0 (unlike a lone p >= 0.05, which
        # may be one secondary test of many, below): the trial's estimate shows no difference.
        return "no_difference"
    if _may(_AGAINST, _AGAINST_CUES, sentence, low) and not all(
            not m.group().lower().startswith(("inferior", "in favo")) and lessened(sentence, m.start(), m.end())
            for m in _AGAINST.finditer(sentence)):
        return "against"
    rest = _CONTROL_CHANGED.sub(" ", sentence) if _may(_CONTROL_CHANGED, _CONTROL_CUES, sentence, low) else sentence
    if rest != sentence and not _FAVOURS.search(rest) and _WORSE_OR_SAME.search(rest):
        return "unclear"     # only the control arm improved, the treated one did not: nothing for the treatment
    if _may(_FAVOURS, _FAVOURS_CUES, sentence, low):
        return "favours"
    # A difference reported only by its test ("milder withdrawal symptoms (P = 0.001)"). The
    # mirror rule, a p at or above 0.05 read as no difference, was measured and dropped: trials
    # report many secondary tests, and it lowered the labelled rows' dev accuracy (0.805 -> 0.780).
    # A harm, a subgroup or the groups' make-up (``effect.aside``) is not the treatment's effect.
    if significance(sentence) == "significant" and not aside(sentence):
        return "favours"
    return "unclear"


def study_direction(sentences: list[str]) -> str:
    """Majority of the decisive sentences; a null finding outweighs an equal positive count."""
    votes = {"favours": 0, "no_difference": 0, "against": 0}
    for s in sentences:
        d = sentence_direction(s)
        if d in votes:
            votes[d] += 1
    if not any(votes.values()):
        return "unclear"
    best = max(votes.values())
    for d in ("no_difference", "against", "favours"):
        if votes[d] == best:
            return d
    return "unclear"


# -- effect present or absent (PubMedQA-style yes/no questions, claim checking) -------------
# A result either reports an effect/association (the question's "yes") or a null finding
# ("no"); hedged or descriptive sentences say neither. Cues follow the reporting language
# of CONSORT/STROBE results sections.
_NULL_EXTRA = re.compile(
    r"\b(?:not (?:significantly |independently |statistically )?(?:associated|related|correlated|predictive|linked)|"
    r"(?:no|neither|nor) (?:significant |statistically significant |clear |independent |apparent )?"
    r"(?:correlation|relationship|relation|impact|influence|role|evidence|increase|decrease|change|predictor)s?|"
    r"(?:did|does|do|could|was|were) not (?:have|find|reveal|detect|predict|increase|decrease|correlate|"
    r"contribute|appear|seem|differ|lead|result|affect|influence|improve)|"
    r"(?:were|was|are|is|remained) (?:similar|comparable|unchanged|equivalent|not different)|"
    r"independent of|unrelated to|no longer|insufficient evidence|unable to)\b", re.I)
_EFFECT = re.compile(
    r"\b(?:significant(?:ly)?|associated with|correlated with|correlation between|related to|predict(?:s|ed|ive|or|ors)?|"
    r"risk factors?|more likely|less likely|higher|lower|greater|increased?|decreased?|reduc(?:ed|es|tion)|"
    r"improv(?:ed|es|ement)|effective|efficacious|beneficial|benefit(?:s|ed)?|superior|useful|feasible|safe|"
    r"(?:odds|hazard) ratio|OR|RR|HR|accurate|sensitive|specific|valuable|important|should be|can be|"
    r"resulted in|led to|contribut\w+|influenc\w+|affect(?:s|ed)?)\b", re.I)


def effect_polarity(sentence: str) -> str:
    """"effect" (an effect or association is reported), "null" (none found) or "none"."""
    if _NULL.search(sentence) or _NULL_EXTRA.search(sentence):
        return "null"
    if _EFFECT.search(sentence):
        return "effect"
    return "none"


def yes_no(sentences: list[str]) -> str:
    """PubMedQA-style answer from a study's results/conclusion sentences: yes | no | maybe.

    Later sentences (conclusions) weigh more; a tie between effect and null reads "maybe".
    """
    score = 0.0
    seen = False
    n = len(sentences)
    for i, s in enumerate(sentences):
        pol = effect_polarity(s)
        if pol == "none":
            continue
        seen = True
        weight = 1.0 + (i + 1) / max(n, 1)
        score += weight if pol == "effect" else -1.5 * weight
    if not seen:
        return "yes"          # the prior: most clinical questions studied are answered yes
    return "yes" if score > 0 else "no" if score < 0 else "maybe"


def claim_relation(claim: str, sentences: list[str]) -> str:
    """SUPPORT or CONTRADICT: a claim agrees with evidence when both report an effect or both
    report none."""
    claim_pol = "null" if (_NULL.search(claim) or _NULL_EXTRA.search(claim)) else "effect"
    votes = [effect_polarity(s) for s in sentences]
    ev = "null" if votes.count("null") > votes.count("effect") else "effect"
    return "SUPPORT" if claim_pol == ev else "CONTRADICT"


# -- which arm had more of a harm (a head-to-head safety comparison) ---------------------------
# ... and a superlative said of one arm among several ("clozapine and olanzapine caused the most weight gain").
_MORE = re.compile(r"\b(?:higher|more|greater|increased|excess|elevated|raised|larger|"
                   r"the (?:most|greatest|highest|largest)(?! (?:common|commonly|frequent|frequently|often|usual)))\b", re.I)
_LESS = re.compile(r"\b(?:lower|fewer|less|reduced|decreased|smaller)\b", re.I)


def _first(padded: str, forms: list[str]) -> int:
    at = [padded.find(f" {f} ") for f in forms]
    at = [i for i in at if i >= 0]
    return min(at) if at else -1


# "9% with celecoxib and 41% with naproxen", "in 0.4% of the rofecoxib group": a rate said of an arm.
_RATE_OF_ARM = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent|per cent)\s+(?:of\s+)?(?:(?:with|in|on|for|among|receiving|"
                          r"taking|given|the|patients|subjects|participants)\s+){0,4}([\w-]+)", re.I)


# A count given per arm ("8 in the naltrexone group against 52 in the amitriptyline group").
_COUNT_OF_ARM = re.compile(r"(\d+(?:\.\d+)?)\s+(?:\w+\s+)?(?:in|with|on|among)\s+(?:the\s+)?([\w-]+)\s+(?:group|arm)\b", re.I)


def _arm_rates(sentence: str, asked: list[str], other: list[str]) -> tuple[float, float] | None:
    """(rate of the asked arm, rate of the other) when the sentence gives a rate for each, else
    (count, count) when it gives a count of events for each arm."""
    return _per_arm(_RATE_OF_ARM, sentence, asked, other) or _per_arm(_COUNT_OF_ARM, sentence, asked, other)


def _per_arm(rx: re.Pattern[str], sentence: str, asked: list[str], other: list[str]) -> tuple[float, float] | None:
    found: dict[str, float] = {}
    for m in rx.finditer(sentence):
        word = m.group(2).lower()
        for arm, forms in (("asked", asked), ("other", other)):
            if any(word == f or (f.startswith(word) and len(word) > 4) for f in forms):
                found.setdefault(arm, float(m.group(1)))
    return (found["asked"], found["other"]) if len(found) == 2 else None


_REFERENCE = re.compile(r"(?:compared (?:to|with)|than|versus|vs|relative to|over)(?: (?:the|that|those|of|with|in|on))* $")
_NEGATED = re.compile(r"\b(?:not|no|nor|without)(?:\s+\w+){0,2}\s*$", re.I)
_BUT = re.compile(r"\b(?:but|whereas|while|although|though)\b|;", re.I)
# Clauses for a null finding: also "X is as effective as B and lacks its effect on prolactin".
_CLAUSE = re.compile(r"\b(?:but|whereas|while|although|though|and)\b|;", re.I)


def harm_direction(sentence: str, asked: list[str], other: list[str], harms: list[str] = ()) -> str:
    """For "Does A cause fewer harms than B?": favours (A had less of the harm), against (A had
    more), no_difference, or unclear, from one results sentence naming the harm.

    A rate given for each arm decides ("9% with celecoxib and 41% with naproxen"). Otherwise the
    comparative word is said of the arm named before it that is not the reference ("rofecoxib
    increased the risk compared with naproxen"; "compared to naproxen, celecoxib had lower
    rates"), or, with both arms after it, of the first ("higher in the rofecoxib group than in
    the naproxen group"); "not significantly higher" is a null. Without a comparative, a null
    finding counts only in a clause naming the harm (``harms``). ``asked`` and ``other``: lower-cased
    forms of A and B; a sentence that does not name B is unclear."""
    if harms:
        # The clause that names the harm with a comparative speaks ("it is as effective as B, but
        # dry mouth is less with A than with B"), when the sentence names B at all.
        low = [h.lower() for h in harms]
        named = [c for c in _BUT.split(sentence) if (_MORE.search(c) or _LESS.search(c))
                 and _first(" " + re.sub(r"[^\w%-]+", " ", c.lower()) + " ", low) >= 0]
        whole = " " + re.sub(r"[^\w%-]+", " ", sentence.lower()) + " "
        if len(named) == 1 and named[0] != sentence and _first(whole, other) >= 0:
            clause = " " + re.sub(r"[^\w%-]+", " ", named[0].lower()) + " "
            if _first(clause, asked) >= 0 or _first(clause, other) >= 0:
                sentence = named[0]
    padded = " " + re.sub(r"[^\w%-]+", " ", sentence.lower()) + " "
    a, b = _first(padded, asked), _first(padded, other)
    if b < 0:
        return "unclear"      # a finding that does not name B says nothing of A against B
    rates = _arm_rates(sentence, asked, other)
    if rates is not None and rates[0] != rates[1]:
        return "against" if rates[0] > rates[1] else "favours"
    more, less = _MORE.search(sentence), _LESS.search(sentence)
    if not (more or less):
        clauses = [c for c in _CLAUSE.split(sentence) if not harms or _first(
            " " + re.sub(r"[^\w%-]+", " ", c.lower()) + " ", [h.lower() for h in harms]) >= 0]
        return "no_difference" if any(_NULL.search(c) for c in clauses or [sentence]) else "unclear"
    comp = min((m for m in (more, less) if m), key=lambda m: m.start())
    if _NEGATED.search(sentence[:comp.start()]):
        return "no_difference"          # "not significantly higher"
    cut = len(" " + re.sub(r"[^\w%-]+", " ", sentence[:comp.start()].lower()))
    arms = [(i, arm) for i, arm in ((a, "asked"), (b, "other")) if i >= 0]
    subjects = [(i, arm) for i, arm in arms if not _REFERENCE.search(padded[:i + 1])]
    before = [x for x in subjects if x[0] < cut]
    subject = (before or sorted(subjects) or sorted(arms))[0][1]
    asked_more = (comp is more) == (subject == "asked")
    return "against" if asked_more else "favours"


# -- whether a treatment did a harm ("Does X impair memory?") ----------------------------------
# Harm said of the treatment: it caused, raised or worsened the outcome. English verbs and
# nouns of damage, no drug or disease words.
_DID_HARM = re.compile(r"\b(?:caus\w*|induc\w*|impair\w*|decrement\w*|deficits?|worsen\w*|deteriorat\w*|"
                       r"increase[sd]?|increases? in|elevat\w*|raised|rises?|higher|greater|excess\w*|prolong\w*|"
                       r"toxicity|antagoniz\w*|antagonis\w*|interfer\w*|blunt\w*|attenuat\w*|blocked|fatal\w*|"
                       r"deaths|died|overdos\w*|adverse (?:drug )?(?:reactions?|events?|effects?)|side[- ]effects?|"
                       r"develop(?:ed|s)?)\b", re.I)
# No harm: a null finding, a harm denied ("did not impair", "no adverse effects on", "unimpaired"),
# or one too small to matter ("of little clinical significance").
_NO_HARM = re.compile(r"\b(?:(?:did|does|do|was|were|is|are) not (?:significantly |adversely )?"
                      r"(?:impair|disrupt|worsen|affect|alter|increase|raise|cause|change|differ|deteriorat)\w*|"
                      r"no (?:(?:documented|significant|clinically \w+|major|important|detectable|measurable|serious|"
                      r"evidence of|adverse) )*(?:adverse|impairment|effects?|increases?|changes?|differences?|"
                      r"deterioration|decline|worsening|evidence|deaths?|fatalities)|unimpair\w*|unaffected|unchanged|"
                      r"(?:little|no|questionable|limited),?(?: if any,)? clinical (?:significance|relevance)|"
                      r"(?<!not )(?:well|generally|safely) tolerated|(?:(?:is|was|were|are|seems?|appears?|proved|remains?) "
                      r"(?:to be )?|to be )(?:an? )?"
                      r"(?:relatively |generally |very |reasonably )?safe\b|(?:limited|minimal|low|little|no) toxicity|"
                      r"not clinically (?:significant|relevant|meaningful|important)|(?:does|do|did) not support|"
                      r"(?:no|not|nor|without)(?:\s+\w+){0,3}\s+(?:increased?|higher|excess|elevated|greater)\s+"
                      r"(?:risks?|rates?|prevalence|incidence|frequency|odds))\b", re.I)
_NO_WORSE = re.compile(r"\b(?:improv\w*|(?:lower|reduced|decreased|fewer|less) (?:risk|incidence|rates?)|"
                       r"reductions? in)\b", re.I)


# A ratio estimate (relative risk, odds, hazard, incidence ratios) and the 95% confidence
# intervals stated with it: "RR 1.61; 95% CI 0.88-2.96", "OR 1.0 (0.8 to 1.3)".
_RATIO_WORD = re.compile(r"\b(?:(?:hazard|odds|risk|rate|incidence) ratios?|relative (?:risks?|hazards?|odds)|"
                         r"RRs?|ORs?|HRs?|SIRs?|IRRs?|aORs?|aHRs?)\b")
_INTERVAL = re.compile(r"(?:\bCI\b|confidence interval|\()\s*(?:\[CI\]|\(CI\))?[,:;=]?\s*"
                       r"(\d+(?:[.\u00b7]\d+)?)\s*(?:-|\u2013|\u2014|to|,)\s*(\d+(?:[.\u00b7]\d+)?)\b")


def ratio_reading(sentence: str) -> str | None:
    """What the ratio estimates a sentence reports say, from their confidence intervals alone:
    "higher" (every interval above 1), "lower" (every one below 1), "null" (each one spans 1)
    or None (no ratio with an interval, or intervals that disagree). An interval that spans 1
    is no evidence of a difference whatever the words beside it say ("somewhat increased")."""
    readings = ratio_readings(sentence)
    return readings.pop() if len(readings) == 1 else None


def ratio_readings(sentence: str) -> set[str]:
    """Each reading ("higher", "lower", "null") of the ratio estimates a sentence reports with
    their confidence intervals; empty when it reports none."""
    if not _RATIO_WORD.search(sentence):
        return set()
    readings = set()
    for m in _INTERVAL.finditer(sentence):
        if m.group(0).startswith("(") and not sentence[:m.start()].rstrip()[-1:].isdigit():
            continue        # a bare parenthesis is an interval only right after its estimate
        lo, hi = (float(g.replace("\u00b7", ".")) for g in m.groups())
        if not 0 < lo < hi or hi > 100:
            continue
        readings.add("higher" if lo > 1 else "lower" if hi < 1 else "null")
    return readings


def adverse_direction(sentence: str) -> str:
    """For "Does X do harm Y?", one results sentence that names Y: against (X did the harm),
    no_difference (no harm, or none that matters), favours (Y improved) or unclear. A ratio
    with its confidence interval decides first (Altman & Bland, BMJ 2011;343:d2304: an interval
    that spans 1 shows no difference at the 5% level); then a denial or a null, as in
    ``sentence_direction``: "did not impair memory" names an impairment too."""
    ratios = ratio_readings(sentence)
    if "higher" in ratios:
        return "against"        # a raised risk in one comparison is a harm found (pharmacovigilance)
    if len(ratios) == 1:
        return {"lower": "favours", "null": "no_difference"}[ratios.pop()]
    if _NO_HARM.search(sentence) or _NULL.search(sentence):
        return "no_difference"
    if _NO_WORSE.search(sentence):
        return "favours"        # "memory impairment improved", "a lower risk of stroke"
    harm = _DID_HARM.search(sentence)
    return "against" if harm and not _NEGATED.search(sentence[:harm.start()]) else "unclear"
