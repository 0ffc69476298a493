"""How a question is built, in general English: its type (BioASQ's four), its auxiliary, the
scene or clause set before it, a second question joined by "and", what it compares against, and
the cue words of each clinical intent. Patterns and pure functions; ``query.parse_question``
reads a question with them.
"""
from __future__ import annotations

import re

AUX = set("is are does do did can could should has have had was were will would may might must shall".split())
# A yes/no question's auxiliary, and a clause before it ("After starting LDN, do patients ...?").
LEAD_AUX = re.compile(r"^\s*(?:" + "|".join(AUX) + r")\s+", re.I)
LEAD_CLAUSE = re.compile(r"[^,?]{0,60},\s*(?=(?:" + "|".join(AUX) + r")\b)", re.I)
# What a question opens with: an auxiliary or a wh-word.
OPENS_QUESTION = r"(?:" + "|".join(AUX) + r"|what|which|how|when|who|why)\b"
# A dash set between words ("feel better - more energy", "damage the liver - should I ...?").
DASH = r"\s[-\u2013\u2014]+\s"
# "use" is a predicate ("do patients use less ..."), but not as the noun before one ("does PPI use raise ...").
_USE = (r"(?<!the )(?<!potential )use(?!\s+(?:of|in|for|as)\b)(?!\s+(?:\w+ly\s+)?(?:raises?|increases?|causes?|reduces?|"
        r"lowers?|affects?|impairs?|worsens?|improves?|prevents?|induces?|protects?|is|are|was|were|associated|linked|"
        r"related|leads?|results?|contributes?|predicts?)\b)")
# Whom a treatment is given to or does something to ("give my son tics", "give her diabetes").
RECIPIENT = (r"(?:him|her|them|you|me|us|patients|people|children|kids|women|men|adults|users|"
             r"(?:my|his|her|our|your|the|a)\s+(?:\w+\s+)?(?:son|daughter|child|kid|"
             r"baby|patients?|wife|husband|partner|mother|father|mum|mom|dad|boy|girl)s?)\b")
# The recipient and a linking verb before the harm given ("him go hypo", "her feel sick").
RECIPIENT_LEAD = re.compile(r"^\s*" + RECIPIENT + r"(?:\s+(?:go|feel|become|get|turn))?", re.I)
# What a treatment is said to give someone, as a harm ("more likely than B to give him diabetes").
HARM_GIVEN = r"(?:give|cause|produce|induce|trigger|make)"
# "give her", "make him", unless what follows is a benefit or an act of the patient's own.
_GIVES = (r"(?<!\bto )(?:gives?|makes?)(?=\s+" + RECIPIENT + r"\s+(?!(?:more|better|greater|extra|less|fewer|relief|"
          r"benefit|feel (?:\w+ )?(?:better|good|well)|stop|quit|discontinue|take|use|start|switch|choose|prefer|"
          r"want|need)\b))")
# Words that end the subject of a yes/no question: the predicate (general English).
PIVOT = re.compile(
    r"\b(?:effective|efficacious|ineffective|safe|safer|unsafe|useful|helpful|beneficial|better|worse|superior|good|"
    r"inferior|equivalent|comparable|associated|linked|related|correlated|used|indicated|recommended|approved|"
    r"needed|required|necessary|available|appropriate|an? (?:option|alternative|treatment|cause|risk factor)|"
    r"work|works|help|helps|reduce|reduces|cut|cuts|lower|lowers|improve|improves|prevent|prevents|cause|causes|"
    r"increase|increases|decrease|decreases|heal|heals|treat|treats|relieve|relieves|affect|affects|protect|"
    r"protects|induce|induces|inhibit|inhibits|shorten|shortens|delay|delays|slow|slows|extend|extends|"
    r"prolong|prolongs|alter|alters|change|changes|lead|leads|result|results|promote|promotes|elevate|"
    r"elevated|expressed|involved|present|found|have|has|show|shows|act|acts|interact|interacts|bind|binds|" + _USE + r"|"
    r"regulate|regulates|mediate|mediates|contribute|contributes|predict|predicts|impair|impairs|worsen|worsens|"
    r"exacerbate|exacerbates|raise|raises|boosts|keep|keeps|maintain|maintains|control|controls|damage|damages|harm|harms|"
    r"injure|injures|trigger|triggers|provoke|provokes|aggravate|aggravates|" + _GIVES + r")\b", re.I)
# A scene set before the question proper (which opens with an auxiliary, a wh-word or "if I ..."): before a colon
# ("OA patient needing an NSAID: does valdecoxib ...?"), before a dash when it is no question itself ("Patient with an
# acute MI - should I start lisinopril?"; not "Is X effective - how many ...?" nor "asks whether LDN helps - has
# anyone measured it?"), or a sentence of its own ("Woman who cannot take oxybutynin. Is TENS an alternative?").
SCENE = re.compile(r"(?:[^:?]{3,160}:|(?!\s*" + OPENS_QUESTION + r")(?:(?!\bwhether\b)[^:?]){3,160}\s[-\u2013\u2014]+|"
                   r"(?!\s*" + OPENS_QUESTION + r")[^?]{3,300}[a-z)%]{2}[.!](?=\s+(?-i:[A-Z])))"
                   r"\s+(?=" + OPENS_QUESTION + r"|(?:if|once|after)\b)", re.I)
# A scene that names a drug and its use: "Meloxicam in RA - is 22.5 mg worth it?" (group 1: the use).
SCENE_TOPIC = re.compile(r"\s*[\w-]+(?:\s*\([^)]*\))?\s+(?:in|for)\s+(.+?)\s*(?::|" + DASH + r")\s*$", re.I)
# What a scene says the patient wants or needs to take: the treatment asked about, not the story.
WANTS = re.compile(r"\b(?:wants?|needs?|plans?|would like|hopes?) to (?:take|start|use|try|be given|go on)\s+"
                   r"(.{1,40}?)(?=\s+(?:for|to|and|but|because|after|before|when|since|if)\b|[,;:]|\.(?=\s+[A-Z]|\s*$)|"
                   r"\s[-\u2013\u2014]|$)", re.I)
# "Can X be given to Y, or does it provoke Z?": whether it may be used, asked with its harm.
MAY_IT_OR_HARM = re.compile(r"\b(?:can|could|may|should)\b[^?]{0,80}?\bbe (?:given|used|taken|prescribed|continued|"
                            r"started)\b[^?]*,?\s+or\s+(?:does|do|will|would|could|can|might|may)\s+(?:it|they|this)\b",
                            re.I)
# "Does X work vs placebo, and does it raise prolactin?": a second question about the first one's subject.
SECOND_QUESTION = re.compile(r",?\s+and\s+(?:does|do|is|are|can|will|would|should|could)\s+"
                             r"(?:it|they|this|that|these|those|there|the)\b|,\s+and\s+(?:what|which)\s+\w", re.I)


def first_question(question: str) -> str:
    """The first of two questions joined by "and", as a question of its own; else the question."""
    second = SECOND_QUESTION.search(question)
    return question[:second.start()].rstrip(" ,") + "?" if second else question

# A claim reported, then doubted ("My patient read that CCBs cause cancer - is there anything to it?",
# "Is it true that statins cause memory loss?"): the claim is the question asked, the rest its scene.
_DOUBT = (r"is there (?:anything|any truth|something) (?:to|in) (?:it|that|this)|is (?:that|this|it) (?:true|right|"
          r"correct|so)|(?:are|is) (?:they|she|he) right|should (?:I|we|she|he|they) (?:worry|be (?:worried|concerned))")
_REPORTED = re.compile(r"^(?P<scene>.{0,160}?)\s*\b(?:read|heard|been told|was told|were told|saw|says|said|claims?|"
                       r"believes?|thinks?)\s+(?:(?:online|somewhere|on the internet)\s+)?that\s+(?P<claim>[^?]{5,200}?)"
                       r"\s*(?:[-\u2013\u2014,;:]+\s*)(?:" + _DOUBT + r")\s*\?\s*$", re.I)
_IS_IT_TRUE = re.compile(r"^(?P<scene>)(?:is it (?:true|right|correct)|is it the case)\s+that\s+(?P<claim>[^?]{5,200}?)\s*\?\s*$",
                         re.I)
_CLAIM_VERB = re.compile(r"^(?P<subject>(?:\S+\s+){0,6}?\S+)\s+(?P<verb>is|are|can|could|may|might|will|would)\s+(?P<rest>.+)$",
                         re.I)


def reported_claim(question: str) -> str:
    """A reported claim that is doubted, asked as the yes/no question it is ("scene: do <claim>?");
    any other question as it is."""
    m = _REPORTED.match(question) or _IS_IT_TRUE.match(question)
    if not m:
        return question
    claim = m.group("claim").strip()
    verb = _CLAIM_VERB.match(claim)
    asked = (f"{verb.group('verb')} {verb.group('subject')} {verb.group('rest')}" if verb else f"do {claim}") + "?"
    scene = m.group("scene").strip(" ,-")
    return f"{scene}: {asked}" if len(scene) > 3 else asked[0].upper() + asked[1:]


# A phrase that only says when ("for years"), a pronoun subject ("will it still lower"), words that make it a clause.
TIME_ONLY = re.compile(r"(?:(?:the|a|first|last|next|few|several|many|some|\d+|one|two|three|four|five|six|seven|eight|nine|"
                        r"ten|eleven|twelve|long|short)[\s-]+)*(?:years?|months?|weeks?|days?|hours?|term|time|while)", re.I)
PRONOUN = re.compile(r"\s*(?:it|they|this|that|these|those|he|she)(?:\s+(?:still|also|really|\w+ly))?\s*", re.I)
CLAUSE_WORDS = {"whether", "matter", "it", "i", "we", "you", "be"}   # ("X be taken before")
WH_CLAUSE = re.compile(r"(?:how|what|when|why|whether)\s+\S", re.I)      # "(compared with) how it behaves"
_CLAUSE_SUBJECT = re.compile(r"(?:there|that|it|he|she|they|i|we|you|anyone|anybody|someone|somebody|something|"
                             r"anything)\s+\S")


def is_clause(phrase: str, question: str) -> bool:
    """A phrase opened by a pronoun or "there" is a clause ("that true", "there any benefit", "he
    likely to deteriorate"): it names no treatment, population or outcome. Unless the question
    writes that word in capitals, as an abbreviation ("HE recurrence", "IT baclofen")."""
    if not _CLAUSE_SUBJECT.match(phrase):
        return False
    return phrase.split()[0] == "i" or re.search(rf"\b{phrase.split()[0].upper()}\b", question) is None

# What a question compares its treatment against: the phrase after "vs", "than", "instead of" (up to a clause:
# "instead of B, is it safe ..."), "as good (a first drug) as", "A an alternative to" (not "is there an alternative
# to B?", which asks for A); the patient's old drug ("switch him from B to A"); the second option ("whether I use A or
# B"). "the same pain relief as B": an effect had alike, asking if A is as good as B (not "the same time as B").
SAME_EFFECT = (r"(?:[\w-]+\s+){0,2}?(?:relief|effects?|benefits?|control|efficacy|results?|protection|outcomes?|"
               r"improvement|response|reduction|healing|remission)(?:\s+(?:on|of|in|for)\s+(?:[\w-]+\s+){0,3}?[\w-]+)?")
# "over" a treatment or a dose ("over 7.5 or 15 mg", "over 10?"), not an age, threshold or time ("A1c over 8%", "over
# a year", "over the age of 65", "over a 12-week period"), nor a switch ("switch him over to B").
_OVER = (r"over(?!\s+(?:\d[\d.,]*(?![\d.,])(?!\s*(?:mg|mcg|\u00b5g|micrograms?|g|units?|iu|ml|or)\b|\s*\?)|(?:(?:a|an|the|"
         r"one|two|three|four|five|six|eight|ten|twelve|several|many|\d+)[\s-]+)?(?:[\w-]+\s+)?(?:years?|months?|weeks?|"
         r"days?|decades?|period|trial|age|course)\b|(?:the|a)\s+(?:few|full|third|half|next|following|first|long|last|"
         r"past)|sixty|seventy|eighty|time|to)\b)")
_AGAINST = re.compile(r"\b(?:vs\.?|versus|compar(?:ed|es?) (?:to|with|against)|better than|rather than|instead of|in place of|than|" + _OVER + "|"
                      r"(?<!not )(?<!n't )replace(?![^?]*?\b(?:with|by)\b)|(?<!a )(?<!the )substitute for|"
                      r"as [\w-]+(?:\s+[\w-]+){0,5}?\s+as|the same " + SAME_EFFECT + r"\s+as|"
                      r"(?:equivalent|comparable|similar|non-?inferior|equal) to|(?<!\bis )(?<!\bthere )(?<!\bare )(?<!\bbe )"
                      r"\ban? (?!safe|safer)(?:[\w-]+ )?alternative to)"
                      r"\s+(.+?)(?=\s+(?:for|in|among|regarding|with (?:respect|regard) to|in terms of)\b|[?:;]|\.(?!\d)|$|"
                      r",\s+(?:can|could|should|would|will|do|does|is|are|how|what)\s+(?:I|we|you|he|she|they|it|this|that)\b)",
                      re.I)
_SWITCH_FROM = re.compile(r"\b(?:switch\w*|swap\w*|chang\w*|mov\w*|convert\w*)\s+(?:[\w-]+\s+){0,3}?from\s+(.+?)\s+(?:to|onto)\b",
                          re.I)
# "Patient on amlodipine 5 mg: would switching to lercanidipine ...?", "had to stop naproxen - is Vioxx better
# tolerated?" (not one she "can't come off"): the drug taken now or stopped (more shapes: switch.py, after the parse).
_ON_THEN_SWITCH = re.compile(r"\bon\s+([\w-]+)\b[^?]*?\bswitch\w*\s+(?:\w+\s+)?(?:to|onto)\b", re.I)
_STOPPED_THEN = re.compile(r"(?<!n't )(?<!not )(?<!cannot )(?<!unable to )"
                           r"\b(?:stop(?:ped)?|came off|come off|discontinued|quit)\s+(?:the\s+|his\s+|her\s+)?([\w-]+)\b"
                           r"[^?]*?\b(?:is|are|would|will|could)\s+[\w-]+\s+(?:\w+\s+)?(?:better|safer|gentler|kinder|"
                           r"easier|less)\b", re.I)
_CHOICE = re.compile(r"\b(?:whether|which|between|choose|choosing|choice|prefer)\b[^?]*?\b[\w-]+\s+(?:or|and)\s+"
                     r"([\w-]+(?:\s+[\w-]+)?)", re.I)


# Two treatments offered as the choice itself: "Protonix or Axid for heartburn?", "should the first
# tablet be metformin or glipizide?", "should I start X or Y?", "scene - X or Y to protect his kidneys?"
# (group 1: the second, its comparator; a formulation's letters, "Procardia XL", follow it);
# not two named as either one ("if my son starts Adderall or Ritalin, will he ...?").
# Where a sentence of the question opens: its start, after a dash, or after the story's last sentence.
_OPENS = r"^\s*|\s[-\u2013\u2014]+\s+|(?<=[.!?])\s+"
_EITHER_OR = re.compile(r"(?:" + _OPENS + r"|"
                        r"\b(?:should|shall|would|could|can|do)\s+(?:I|we|you|they|he|she)\s+(?:\w+\s+){0,2}?"
                        r"(?:use|give|start|prescribe|pick|choose|try|go\s+(?:with|to)|begin\s+with|take|reach\s+for)\s+|"
                        r"\bshould\s+(?:the|his|her|my|our|a)\s+(?:\w+\s+){0,2}?be\s+)"
                        r"[\w-]+\s+or\s+(?:(?:try|go\s+(?:to|with)|switch\s+to|stick\s+with)\s+)?([\w-]+)(?:\s+(?:XL|SR|CR|LA|ER|XR|CD|GITS))?"
                        r"(?=\s*(?:\?|$|[,:;]|\s[-\u2013\u2014]|\s+(?:for|in|to|first|as)\b))", re.I)
# ... and the two opening a sentence of their own with what decides between them ("... first psychotic
# episode. Risperidone or haloperidol if my main worry is EPS?"); after "can I take" the same words
# ask leave for either one ("Can I take ibuprofen or naproxen if I am on lisinopril?"); or "is A or B better?".
_OPENING_CHOICE = re.compile(r"(?:" + _OPENS + r")[\w-]+\s+or\s+([\w-]+)(?=\s+(?:if|when|given)\b)", re.I)
_WHICH_BETTER = re.compile(r"\b(?:is|are|was|were)\s+([\w-]+)\s+or\s+([\w-]+)(?=\s+(?:better|superior|more effective|safer|preferable|kinder|gentler|worse)\b)", re.I)


def comparator_text(question: str, one_drug=lambda a, b: False) -> str:
    """The phrases of a question naming what its treatment is compared with (the vocabulary or INN stems then
    say which words are drugs); "is A or B better?" unless A and B are ``one_drug`` ("Concerta or Ritalin")."""
    shapes = (_AGAINST, _SWITCH_FROM, _ON_THEN_SWITCH, _STOPPED_THEN, _CHOICE, _EITHER_OR, _OPENING_CHOICE)
    return " ".join([m.group(1) for rx in shapes for m in rx.finditer(question)] + [m.group(2) for m in _WHICH_BETTER.finditer(question) if not one_drug(m.group(1), m.group(2))])


# Two options offered, then the choice asked: "astemizole (Hismanal) or loratadine 10 mg - which
# works better?", "propranolol or divalproex: is one better than the other?"; or the choice first:
# "Which controls rhinitis better, astemizole or loratadine?". Group 1 is asked, group 2 its comparator.
# An option may carry its dose ("Mobic 15 mg or diclofenac 100 mg", "Celebrex 200"); the choice may follow a
# first point ("- same pain relief, and which is kinder ...?").
_DOSE_LEVEL = r"(?:low|lower|high|higher|standard|ultra-low|very low)[- ]dose"
# When in the day an option is given ("mealtime Humalog or bedtime NPH") says how, not what.
_WHEN_GIVEN = r"(?:mealtime|bedtime|morning|evening|night-?time|pre-?meal|prandial)"
_OPTION = r"(?:(?:an?|the)\s+)?(?:" + _WHEN_GIVEN + r"\s+)?((?:" + _DOSE_LEVEL + r"\s+)?(?!" + _DOSE_LEVEL + r"\b)(?=[\w-]*[^\W\d_])[\w-]+(?:\s*#\d+)?(?:\s*\([^)]{1,40}\))?)(?:\s+\d[\d.,]*(?:\s*(?:mg|g|mcg|\u00b5g|ml|units?|iu)\b(?:/d(?:ay)?)?|\b)" \
    r"(?:\s+(?:(?:once|twice|three times|four times)\s+(?:a\s+)?)?(?:daily|a day|per day|nightly|at night|bid|tid|qid|od))?)?"
_OPTIONS_FIRST = re.compile(r"(?<![\w-])" + _OPTION + r"\s+or\s+" + _OPTION + r"[^?:;]{0,60}?(?:\s+[-\u2013\u2014]+\s+|[:;]\s+|"
                            # (after a comma only "is either one better": "taking A or B, does either one ..." tells)
                            r",\s+(?=(?:is|are|would|will)\s+(?:either|one)\b(?:\s+one)?\s+(?:better|superior|more "
                            r"effective|preferable|safer|kinder|gentler)\b))"
                            r"(?:[^?]{0,40}?,?\s+and\s+)?"
                            r"(?:which|(?:is|does|will|would|can) (?:one|either)|are they)\b", re.I)
_CHOICE_LAST = re.compile(r"\b(?:which|what)\b[^?]{0,100}?[,:]\s*" + _OPTION + r"\s+or\s+" + _OPTION + r"\s*\?", re.I)
# The choice as a sentence of its own after the story: "... worried about his weight. Metformin or glyburide?"
# (... or with what it is for: "- pantoprazole 40 mg daily or ranitidine 150 mg twice daily for healing?")
_BARE_CHOICE = re.compile(r"(?:^|[.?!:;]\s+|\s[-\u2013\u2014]+\s+)" + _OPTION + r"\s+or\s+" + _OPTION +
                          r"(?:\s+(?:for|to)\s+[^?,;:]{1,40})?\s*\?(?=\s|$)", re.I)
OTHER_ONE = re.compile(r"(?:the\s+)?others?|(?:one|each)\s+(?:an)?other", re.I)


def offered_options(question: str) -> tuple[str, str] | None:
    """The two treatments a question offers to choose between, as written, or None."""
    m = _OPTIONS_FIRST.search(question) or _CHOICE_LAST.search(question) or _BARE_CHOICE.search(question)
    return (m.group(1), m.group(2)) if m else None


def bare_choice(question: str) -> bool:
    """Whether the question ends by offering two options on their own ("... Metformin or glyburide?")."""
    return _BARE_CHOICE.search(question) is not None


def withheld(comp_text: str, name: str) -> bool:
    """Whether the compared phrase names the treatment only as withheld ("patients not given LDN",
    "without naltrexone"): the comparison is against no treatment, the treatment is the asked one."""
    return re.search(r"\b(?:not|without|no|never)\s+(?:\w+\s+){0,2}" + re.escape(name.lower()) + r"\b",
                     comp_text.lower()) is not None


# "Can a patient on aspirin take ibuprofen?", "Migraine patient on moclobemide for depression - can I
# prescribe rizatriptan?", "diabetic on glyburide wants to start orlistat": the drug already taken
# (group 1), then the one the question asks about (group 2).
_BREAK = r"(?:\s+[-\u2013\u2014]+\s+|[,:;]\s+)"      # a dash set between words, a comma, a colon
ON_DRUG = re.compile(r"\b(?:patients?|someone|people|person|one|women|men|woman|man|mother|child|he|she|"
                     r"\w+ics?|\w+ives?) (?:who (?:is|are) )?(?:already )?(?:on|taking|using|receiving) (.{1,60}?)"
                     r"(?:(?:\s+for\s+[\w\s]{1,30}?)?" + _BREAK + r"(?:\w+\s+){0,3}?"
                     r"|\s+(?:wants?|needs?|plans?) to\s+|\s+)"
                     r"(?:take|use|be given|be prescribed|start|add|prescribe|give|try)\b"
                     r"(?:\s+(?:him\s+|her\s+|them\s+)?(?:on\s+)?(?:an?\s+|the\s+)?([\w-]+))?", re.I)
# Cue phrases for the intent: the words clinicians use to ask each kind of question.
_CONTRA_WORDS = (r"\b(?:pregnan\w*|breast-?feed\w*|lactati\w*|contraindicat\w*|interact\w*|together with|combined with|"
                 r"at the same time as|(?:used|taken|given|safe|combined) (?:\w+ )?with|co-?prescri\w*)\b")
# "Can a patient on aspirin take ibuprofen?" asks leave to add a drug; "on metformin - if I add
# repaglinide, how far will HbA1c fall?" asks what the add-on does, an efficacy question.
_LEAVE = re.compile(r"\b(?:can|could|may|is it (?:safe|ok|okay|alright|fine)|wants? to|needs? to|plans? to)\b", re.I)
INTENT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("contraindications", re.compile(_CONTRA_WORDS + r"|" + ON_DRUG.pattern, re.I)),
    ("dosing", re.compile(r"(?<![\w-])(?:doses?|dosing|dosage|how much(?! (?:does|do|did|is|are|will|would)\b)|titrat\w*|how (?:do|should|can) (?:i|you|we) "
                          r"(?:start|take|use|prescribe|give)|starting (?:doses?|on|at|with)|start(?:ed)? (?:on|at)|regimen|mg)\b", re.I)),
    ("safety", re.compile(r"\b(?:safe|safety|side[- ]effects?|adverse|harms?|harmful|risks? of|toxicit\w*|"
                          r"(?<!exercise )(?<!pain )(?<!glucose )(?<!n't )(?<!not )(?<!unable to )tolera\w*|complications?)\b", re.I)),
    ("mechanism", re.compile(r"\b(?:how does|how do \w+ work|(?<!with different )(?<!with differing )(?<!with distinct )(?<!with complementary )mechanism\w*|mode of action|pathway\w*|why does|"
                             r"act on|acts? by|role of)\b", re.I)),
    # ("newly diagnosed", "was diagnosed with" say who the patient is; "can X be diagnosed by" asks)
    ("diagnosis", re.compile(r"\b(?:(?<!newly )(?<!recently )(?<!just )(?<!already )(?<!been )(?<!was )(?<!were )"
                             r"diagnos\w*|sensitivity|"
                             r"specificity|accuracy of|biomarkers?|markers? (?:of|for)|screening|detect\w*|test for)\b",
                             re.I)),
    ("prognosis", re.compile(r"\b(?:prognos\w*|predict\w*|risk factors?|natural history|"
                             r"associated with|linked to|correlat\w* with)\b", re.I)),
    ("epidemiology", re.compile(r"\b(?:prevalence|incidence|how common|how many people|frequency of)\b", re.I)),
)


def question_type(question: str) -> str:
    """BioASQ's four types from the question's form: yes/no questions open with an auxiliary."""
    words = re.findall(r"[a-z']+", question.lower())
    if not words:
        return "summary"
    first = words[0]
    # "X, yes or no?", "As of 2019, are ...?" and a long lead ("For a patient who can't take X, would ...") too.
    if first in AUX or re.search(r"\byes or no\W*$", question.lower()) or \
            re.search(r"(?:^[^,?]{0,60},|[:;.\u2014]|\s-|--|[:;]\s*(?:if|when|once|after)\b[^,?]{0,80},|^(?!(?:what|which|"
                      r"who|whom|whose|how|why|when|where|list|name|describe|explain)\b)(?![^,?]*\b(?:what|which|how|why)\b)"
                      r"[^,?]{61,110},)\s*(?:" + "|".join(AUX) + r")\b", question.lower()):
        return "yesno"
    head = " ".join(words[:4])
    if first in ("list", "name", "enumerate") or re.match(r"(?:which|what) (?:\w+ ){0,3}(?:are|were)\b", head) \
            or re.match(r"what (?:are|were) the\b", head):
        return "list"
    if first in ("describe", "explain", "summarize", "summarise", "why", "how") and not head.startswith("how many") \
            or re.match(r"what (?:is|are) (?:the )?(?:role|function|mechanism|effect|impact|evidence|"
                        r"relationship|association|difference|purpose|use)\b", head):
        return "summary"
    if first in ("what", "which", "who", "when", "where", "how"):
        return "factoid"
    if question.rstrip().endswith("?") and not re.search(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b",
                                                          question.lower()):
        return "yesno"        # a title-style question: "Aripiprazole: a new risk factor for gambling?"
    return "summary"


# "Does <treatment> reduce / improve / prevent ...": a question about its effect, whatever the outcome.
EFFECT_VERB = re.compile(r"\b(?:reduce|reduces|lower|lowers|improve|improves|prevent|prevents|increase|"
                         r"increases|decrease|decreases|heal|heals|relieve|relieves|treat|treats|shorten|delay|"
                         r"protect|protects|effective|efficacious|benefit|help|helps|work|works)\b", re.I)
COMPARATIVE = re.compile(r"\b(?:better|worse|more|less|fewer|superior|inferior|safer|than|vs\.?|versus|"
                         r"compared (?:to|with))\b", re.I)
# What a comparison asks (CONSORT 2010 extension for non-inferiority and equivalence trials,
# Piaggio et al., JAMA 2012): whether A is as good as B, rather than better than B.
# ("a reasonable alternative to B": whether A does as well as B; "a better alternative", "... with fewer bleeds" ask more)
EQUIVALENCE = re.compile(r"\b(?:as (?!well as\b)(?:[\w-]+ ){1,6}as|equivalent|equally|comparable|"
                         r"(?:reasonable|acceptable|suitable|sensible|viable|good) alternative to"
                         r"(?![^?]*\b(?:better|superior|safer|worse|inferior|fewer|less|lower|more|reduc\w*)\b)|"
                         r"non-?inferior|no worse than|similar(?:ly)? (?:\w+ )?(?:to|as)|the same " + SAME_EFFECT + r"\s+as|"
                         # "will glucose control be the same?" (not "will the dose be the same?": a dose asked)
                         r"(?<!dose )(?<!doses )(?:be|is|are|stay|remain) (?:just |exactly )?the same(?=\s*(?:[?.!,;]|$)|\s+(?:even|though|although|if|when|after|while|despite)\b))", re.I)


# "Will a 50 mg sumatriptan tablet work?" states a dose; "is 10 mg enough", "8 mg or 16 mg?" ask one.
_DOSE_ASKED = re.compile(r"\b(?:enough|doubl\w*|halv\w*|increas\w*|split|(?:higher|lower|bigger|smaller) doses?)\b",
                         re.I)


def _dose_stated(rx: re.Pattern[str], unnamed: str, question: str) -> bool:
    """Whether the only dosing cue is one dose the question states, asking nothing of it: a yes/no
    question ("will X 50 mg work?") or one another intent's cues claim ("X 4.5 mg - which side
    effects?"); "On X 4.5 mg, what serum levels should I expect?" still asks of the dose."""
    if not {m.group(0).lower() for m in rx.finditer(unnamed)} <= {"mg"} or _DOSE_ASKED.search(question) \
            or len(re.findall(r"\d\s*mg\b", question, re.I)) > 1:
        return False
    return question_type(question) == "yesno" or bool(re.search(r"\bwhether\b", question, re.I)) \
        or any(other.search(unnamed) for name, other in INTENT_CUES if name != "dosing")


def _arm_doses(rx: re.Pattern[str], unnamed: str, question: str, comparators: list[str]) -> bool:
    """Whether the only dosing cues are the doses of two compared arms ("Mobic 15 mg or diclofenac
    100 mg - same relief?"): the comparison is asked, not the dose."""
    return offered_options(question) is not None and any(not re.match(r"\s*\d", c) for c in comparators) \
        and {m.group(0).lower() for m in rx.finditer(unnamed)} <= {"mg"} \
        and not _DOSE_ASKED.search(question) and len(re.findall(r"\d\s*mg\b", question, re.I)) <= 2


def intent_hint(question: str) -> str | None:
    """The first intent whose cue words the question uses, or None."""
    return next((name for name, rx in INTENT_CUES if rx.search(question)), None)


# A question of how or why a treatment works: its own words ("why would ...", "is that explained by",
# "the biological rationale"), or the receptors, cells and models mechanism studies report.
_WHO = r"(?!(?:I|we|you|they|he|she|my|our|patients?|people|women|men|children|kids|doctors|clinicians)\b)"
# (Spaces are any run of them: the vocabulary's names are blanked out of the text read.)
_HOW_IT_WORKS = re.compile(r"\b(?:(?<!with different )(?<!with differing )(?<!with distinct )(?<!with complementary )mechanism\w*|mode of action|rationale|supposed to work|why\s+(?:would|might|do|does|is|are)"
                           r"\s+" + _WHO + r"|how\s+(?:could|would|might|does|do|can)\s+" + _WHO + r"(?:(?:an?|the)\s+)?"
                           r"(?:[\w-]+\s+){0,2}(?:(?:possibly|actually|really)\s+)?(?:help|work)|explained by|through what|"
                           r"(?:works?|worked|acts?|acted) (?:by|through|via) \w+ing|mediated (?:by|through|via)|"
                           r"receptors?(?![- ]"
                           r"(?:antagonists?|blockers?|blocking|agonists?|modulators?))|microglia|microglial|glia|glial|"
                           r"in (?:vitro|animals?|mice|rats)|(?:animal|nerve-injury|mouse|rat) models?)\b", re.I)


def intent_of(question: str, matches, comparators: list[str]) -> str:
    """The clinical intent: a comparison when a comparator is asked with a comparative, else the
    first intent whose cue words the question uses outside its named terms, else efficacy."""
    unnamed = question
    for m in matches:
        unnamed = unnamed.replace(m.text, " ")
    # "cut the risk of sudden death": a risk lowered is a benefit asked, not a harm.
    unnamed = re.sub(r"\b(?:cuts?|reduc\w+|lower\w*|decreas\w+|prevent\w*|halv\w+)\s+(?:the\s+|their\s+|his\s+|her\s+)?"
                     r"risks?\s+of\b", "reduce", unnamed, flags=re.I)
    if _HOW_IT_WORKS.search(unnamed):
        return "mechanism"       # asked why or how a treatment works, whatever else the question names
    if comparators and (COMPARATIVE.search(question) or EQUIVALENCE.search(question)):
        return "comparison"
    treatment = any(m.kind == "intervention" for m in matches)
    for name, rx in INTENT_CUES:
        if not rx.search(unnamed) or (name in ("prognosis", "diagnosis") and treatment and EFFECT_VERB.search(unnamed)):
            continue
        if name == "contraindications" and not re.search(_CONTRA_WORDS, unnamed, re.I) and not _LEAVE.search(question):
            continue          # a drug already taken, and no leave asked to add another
        if name == "dosing" and (_dose_stated(rx, unnamed, question) or _arm_doses(rx, unnamed, question, comparators)):
            continue
        return name
    return "comparison" if comparators else "efficacy"


# "cannabis-induced psychosis", "NSAID-associated ulcers", "treatment-resistant depression": a
# compound before the condition that narrows who the population is.
_QUALIFIED = re.compile(r"\b([a-z][a-z0-9]*)-(?:induced|related|associated|resistant|refractory|dependent)\s+"
                        r"([a-z][a-z-]*)", re.I)


# "treatment-resistant", "drug-induced": any treatment or drug, no narrower population to name.
_ANY_CAUSE = {"treatment", "therapy", "drug", "medication", "dose", "age"}


def qualifiers(question: str, condition_words: set[str]) -> list[str]:
    """The words that narrow an asked condition ("cannabis" of "cannabis-induced psychosis"):
    the first part of such a compound set right before a word of the condition's name."""
    return [m.group(1).lower() for m in _QUALIFIED.finditer(question) if m.group(2).lower() in condition_words
            and m.group(1).lower() not in _ANY_CAUSE]


# "gallbladder disease needing cholecystectomy": the harm and its consequence, each as a record may name it.
SEVERE_ENOUGH = re.compile(r"\s+(?:needing|requiring|leading to|resulting in)\s+", re.I)
CHANGES = re.compile(r"improves?|decreases?|increases?|changes?", re.I)   # its subject changes ("does sleep improve on X?")
EVENT_VERBS = re.compile(r"prevents?|causes?|induces?|protects?")
ACTS_ON = re.compile(r"reduces?|cuts?|relieves?|lowers?|eases?|improves?|helps?|controls?|lessens?|decreases?", re.I)
