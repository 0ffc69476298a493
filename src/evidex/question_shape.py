"""How a question is built, in general English: its auxiliary, the scene or clause set before it,
a second question joined by "and", and the cue words of each clinical intent. Patterns and one
pure function; ``query.parse_question`` reads a question with them.
"""
from __future__ import annotations

import re

AUX = {"is", "are", "does", "do", "did", "can", "could", "should", "has", "have", "had", "was", "were", "will",
       "would", "may", "might", "must", "shall"}
# A yes/no question's auxiliary, and a clause before it ("After starting LDN, do patients ...?").
LEAD_AUX = re.compile(r"^\s*(?:" + "|".join(AUX) + r")\s+", re.I)
LEAD_CLAUSE = re.compile(r"[^,?]{0,60},\s*(?=(?:" + "|".join(AUX) + r")\b)", re.I)
# A scene set before a colon ("OA patient needing a long-term NSAID: does valdecoxib cause ...?"):
# the question proper follows it, opening with an auxiliary or a wh-word.
SCENE = re.compile(r"[^:?]{3,160}:\s+(?=(?:" + "|".join(AUX) + r"|what|which|how|when|who|why)\b)", re.I)
# "Does X work vs placebo, and does it raise prolactin?": a second question about the first one's subject.
SECOND_QUESTION = re.compile(r",?\s+and\s+(?:does|do|is|are|can|will|would|should|could)\s+"
                             r"(?:it|they|this|that|these|those|there)\b", re.I)


def first_question(question: str) -> str:
    """The first of two questions joined by "and", as a question of its own; else the question."""
    second = SECOND_QUESTION.search(question)
    return question[:second.start()].rstrip(" ,") + "?" if second else question

# Cue phrases for the intent: the words clinicians use to ask each kind of question.
INTENT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("contraindications", re.compile(r"\b(?:pregnan\w*|breast-?feed\w*|lactat\w*|contraindicat\w*|interact\w*|"
                                     r"together with|combined with|at the same time as|"
                                     r"(?:used|taken|given|safe|combined) (?:\w+ )?with|co-?prescri\w*|"
                                     # "Can a patient on aspirin take ibuprofen?": a second drug in one already treated
                                     r"(?:patients?|someone|people|person|one|women|men|mother) (?:who (?:is|are) )?"
                                     r"(?:on|taking|using|receiving) .{1,60}? (?:take|use|be given|be prescribed|start|add))\b",
                         re.I)),
    ("dosing", re.compile(r"\b(?:doses?|dosing|dosage|how much|titrat\w*|how (?:do|should|can) (?:i|you|we) "
                          r"(?:start|take|use|prescribe|give)|starting (?:doses?|on|at|with)|start(?:ed)? (?:on|at)|regimen|mg)\b", re.I)),
    ("safety", re.compile(r"\b(?:safe|safety|side[- ]effects?|adverse|harms?|harmful|risks? of|toxicit\w*|"
                          r"tolera\w*|complications?)\b", re.I)),
    ("mechanism", re.compile(r"\b(?:how does|how do \w+ work|mechanism\w*|mode of action|pathway\w*|why does|"
                             r"act on|acts? by|role of)\b", re.I)),
    ("diagnosis", re.compile(r"\b(?:diagnos\w*|sensitivity|specificity|accuracy of|biomarkers?|markers? (?:of|for)|"
                             r"screening|detect\w*|test for)\b", re.I)),
    ("prognosis", re.compile(r"\b(?:prognos\w*|predict\w*|risk factors?|natural history|"
                             r"associated with|linked to|correlat\w* with)\b", re.I)),
    ("epidemiology", re.compile(r"\b(?:prevalence|incidence|how common|how many people|frequency of)\b", re.I)),
)
