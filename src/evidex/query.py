"""Question -> Query: question type, clinical intent and PICO phrases, open vocabulary.

The vocabulary (MeSH entry terms + curated names) normalises what it knows, but a phrase it
lacks is never discarded: the grammar of the question says which slot a phrase fills
("Is casimersen effective for the treatment of Duchenne muscular dystrophy?" -> intervention
"casimersen", population "duchenne muscular dystrophy"). Slots follow PICO (Richardson et al.,
ACP J Club 1995): intervention/exposure, comparator, population, outcome. Question types
are BioASQ's four (Tsatsaronis et al., BMC Bioinformatics 2015).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .enrich.numbers import DOSE
from .add_on import with_add_on
from .switch import with_switch
from .harm_asked import ADVERSE_TAIL, asks_adverse, harm_asked, harms_compared
from .people import PEOPLE, PEOPLE_ONLY, is_population
from .outcome_names import tidy_outcome
from .phrases import (CHANGE_IN, DOSE_OR, GENERAL_HARMS, NOT_TOLERATED, QUESTION_STOPWORDS, SAFE_TO, WITH_DRUGS,
                      a_kind_of, clean, compared_dose, compared_group, conjuncts, dose_drug, drug_name, head_of,
                      named_after_with, option_name, same, same_drug, slot_phrases, stem_drugs, symptoms_of, undosed,
                      unique)
from .question_shape import (ACTS_ON, CHANGES, CLAUSE_WORDS, DASH, EQUIVALENCE, EVENT_VERBS, HARM_GIVEN, LEAD_AUX,
                             LEAD_CLAUSE, MAY_IT_OR_HARM, ON_DRUG, OPENS_QUESTION, OTHER_ONE, PIVOT, PRONOUN,
                             RECIPIENT, RECIPIENT_LEAD, SCENE, SCENE_TOPIC, SEVERE_ENOUGH, TIME_ONLY, WANTS, WH_CLAUSE,
                             bare_choice, comparator_text, first_question, intent_hint, intent_of,
                             is_clause, offered_options, qualifiers, question_type, reported_claim, withheld)
from .referents import resolved_comparators
from .text import abbreviation_definitions, tokens
from .vocab import find_terms, term_words

QUESTION_TYPES = ("yesno", "factoid", "list", "summary")
IMPLIED_CONTROL = "placebo or no treatment"
INTENTS = tuple("efficacy comparison safety dosing contraindications mechanism diagnosis prognosis epidemiology".split())
_NEG = re.compile(r"\b(?:not|no|never|without|n't)\b", re.I)
CLAIMS = ("superiority", "equivalence")
_RESPECT = re.compile(r"\b(?:with (?:respect|regard) to|regarding|in terms of|as regards)\s+(.+?)\s*(?:[?.;]|$)", re.I)


@dataclass(frozen=True)
class Query:
    question: str
    conditions: tuple[str, ...]           # populations: vocabulary names, else the question's phrases
    interventions: tuple[str, ...]
    comparators: tuple[str, ...]
    intent: str
    keywords: tuple[str, ...]
    question_type: str = "summary"        # yesno | factoid | list | summary
    outcomes: tuple[str, ...] = ()
    facets: tuple[str, ...] = ()          # every asked phrase an answer must address or say it cannot
    negated: bool = False                 # "Is X not associated with Y?"
    # Names the library writes for an asked drug class (its members), set by resolve.resolve.
    members: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # "superiority" (does A beat B?) or "equivalence" ("Is A as effective as B?": no difference answers yes).
    claim: str = "superiority"
    harm: bool = False                    # a comparison of harms: fewer of the outcome wins
    # "Does X impair / cause Y?": whether X does the harm Y; studies are read on Y, a harm found is against X.
    adverse: bool = False
    written: tuple[tuple[str, str], ...] = ()    # names as asked ("acetaminophen"), shown beside the library's
    more_harm: bool = False               # "Does A cause more X than B?": yes is A with more harm (against A)
    safe: bool = False                    # "Is X safe (for Y)?": ``adverse`` read the other way (no harm: yes)
    # "Can a patient on X take Y?": the drugs already taken; a study gives Y with them, the harm is the interaction.
    co_treatments: tuple[str, ...] = ()
    # Words narrowing the condition ("cannabis" of "cannabis-induced psychosis"): a study without them is another.
    qualifiers: tuple[str, ...] = ()
    added_to: tuple[str, ...] = ()        # "on morphine, does adding X ...?": taken already, as written (add_on.py)
    switched_from: tuple[str, ...] = ()   # "stopped immediate-release X - is the CR form kinder?": that form (switch.py)

    @property
    def asked(self) -> str:
        """The question the verdict answers: the first of two joined by "and" ("Does X work vs
        placebo, and does it raise prolactin?"); the second is answered by the harms section."""
        return first_question(self.question)

    @property
    def implied_comparators(self) -> tuple[str, ...]:
        """The named ones, else: "is 15 mg enough, or 30 mg?" the other dose and the control ("from 20 mg?" the dose
        taken); "does X work?", "is X safe?" the trials' control; X added to Y: Y alone; a switch of forms: the old."""
        implied = self.intent in ("efficacy", "safety") or self.adverse or (self.intent, self.question_type) in (
            ("contraindications", "yesno"), ("dosing", "yesno"), ("dosing", "summary"))
        dose, taken = compared_dose(self.question, self.interventions[0]) if self.intent == "dosing" and \
            self.interventions else ("", False)
        alone = ((f"{' and '.join(self.added_to)} alone (or with placebo)",) if self.added_to else ()) or \
            self.switched_from or (IMPLIED_CONTROL,)
        return self.comparators or (((dose, IMPLIED_CONTROL) if implied and not taken else (dose,)) if dose else
                                    alone if self.interventions and implied else ())

    def to_contract(self) -> dict[str, object]:
        shown = lambda names: [_as_written(n, dict(self.written)) for n in names]  # noqa: E731
        return {"conditions": shown(self.conditions), "interventions": shown(self.interventions),
                "comparators": shown(self.implied_comparators), "intent": self.intent}


def _as_written(name: str, written: dict[str, str]) -> str:
    """"acetaminophen (paracetamol)": the question's word, then the library's name for it."""
    return f"{w} ({name})" if (w := written.get(name, "")) and sorted(tokens(w)) != sorted(tokens(name)) else name


def _own_abbreviations_dropped(question: str, matches: list) -> list:
    """An abbreviation the question defines ("temporomandibular disorder (TMD)") means its long form,
    already matched: the vocabulary's own reading of it ("TMD": tibial muscular dystrophy) is another."""
    own = {a: long.lower() for a, long in abbreviation_definitions(question)}
    return [m for m in matches if not (m.text in own and any(
        o is not m and o.text.lower() in own[m.text] for o in matches))]


def parse_question(question: str) -> Query:
    written_question = question = " ".join(question.split())
    question = reported_claim(question)
    qtype = question_type(question)
    matches = _own_abbreviations_dropped(question, find_terms(question))
    conditions = list(unique(m.canonical for m in matches if m.kind == "condition"))
    named = [m for m in matches if m.kind in ("intervention", "comparator")]
    comp_text = comparator_text(question, lambda a, b: {m.canonical for m in find_terms(a)} == {m.canonical for m in find_terms(b)} != set())
    comp_terms = {m.canonical for m in find_terms(comp_text, ("intervention", "comparator"))
                  if not withheld(comp_text, m.text)}
    interventions = list(unique(m.canonical for m in named
                                 if m.canonical not in comp_terms and m.kind == "intervention"))
    comparators = list(unique(m.canonical for m in named if m.canonical in comp_terms or m.kind == "comparator"))

    # The question's own phrases, by grammatical slot (kept even when the vocabulary lacks them).
    # The slots come from the question the verdict answers: a second question joined by "and"
    # ("..., and will it cause hypos?") is answered by the harms section, not by its own facets.
    answered = first_question(question)
    conditions = [c for c in conditions if any(m.canonical == c and m.text.lower() in answered.lower() for m in matches)]
    body = answered
    scene = SCENE.match(question)
    topic = SCENE_TOPIC.match(scene.group(0) if scene else "")
    if topic and not conditions and clean(topic.group(1)) and not find_terms(topic.group(1), ("intervention",)):
        conditions.append(clean(topic.group(1)))      # the population a scene names ("Meloxicam in RA - ...")
    if qtype == "yesno":
        # "After starting LDN, do patients ...?", "Adults with ADHD: does ...?": the question begins
        # at its auxiliary; the clause or scene before it sets the scene (its named terms are found above).
        lead = (scene if scene and scene.end() < len(answered) else None) or LEAD_CLAUSE.match(answered)
        body = answered[lead.end():] if lead else answered
        after = LEAD_CLAUSE.match(body) if scene else None     # "OA patient: if I switch him to X, will it ...?"
        body = LEAD_AUX.sub("", body[after.end():] if after else body)
    # The predicate is the first pivot word after a subject with content ("Do only changes in
    # X cause Y?": "changes" is part of the subject, "cause" the predicate).
    pivot = next((m for m in PIVOT.finditer(body) if clean(body[:m.start()]) or PEOPLE.fullmatch(body[:m.start()])
                  # "will it still lower ...", not the empty "it" of "is it safe to ..."
                  or (PRONOUN.fullmatch(body[:m.start()]) and not re.match(r"\s+to\b", body[m.end():]))), None)
    subject = body[:pivot.start()] if pivot else ""
    rest = body[pivot.end():] if pivot else body
    if re.fullmatch(r"\s*(?:i|we|you)\s*", subject, re.I) and pivot.group(0).lower() == "use":
        # "can I use a blood antibody test instead of ...?": who asks is no treatment; what is used is.
        used = re.split(r"\s+(?:instead of|rather than|in place of|to|for|in|with|versus|vs\.?)\s+|[?;,:]|" + DASH,
                        rest, maxsplit=1)[0]       # ("use A or B": both, the subject's options)
        subject, rest = used, rest[len(used):]
    outcome, population, comparator, other, purpose = slot_phrases(
        rest, bool(pivot and re.search(r"\bas\s*$", body[:pivot.start()], re.I)))
    before = answered[scene.end() if scene else 0:len(answered) - len(body)]    # the lead clause, not the scene, ...
    comparator += [c for x in re.findall(r"\b(?:instead of|rather than|in place of)\s+([^\d,?;:]+),", before, re.I)
                   if (c := clean(undosed(x)))]     # ... may name the alternative ("if we use A instead of diet alone,")
    if qtype == "yesno" and pivot and CHANGES.fullmatch(pivot.group(0)) and clean(subject) \
            and not find_terms(subject) and not stem_drugs(subject) and not PEOPLE.fullmatch(subject.strip()) \
            and not PRONOUN.fullmatch(subject):
        outcome = [clean(subject), *outcome]      # "does quality of life improve (on X)?": what changes
    if qtype != "yesno":
        outcome = []          # a wh-question's head ("what are the side effects of") is not a facet
        if intent_hint(question) != "contraindications":
            other = []
    if pivot and re.match(r"(?:better|worse|superior|inferior|safer|more|less)", pivot.group(0), re.I):
        # "worse than B": no outcome follows the comparative, but a harm compared may ("for causing diabetes").
        outcome = [o for o in outcome if re.search(r"\bfor\s+(?:causing|inducing|provoking)\s+" + re.escape(o), rest, re.I)]
    # "will it make her feel better - more energy, better mood?": the outcomes spelled out after a
    # dash (not a second question: "- should I check liver enzymes?").
    spelled = re.search(DASH + r"\s*([^?]+)", rest)
    if qtype == "yesno" and spelled and not re.match(OPENS_QUESTION, spelled.group(1), re.I):
        outcome += [re.sub(r"^(?:more|better|less|fewer|improved|higher|lower)\s+", "", c)
                    for c in conjuncts(spelled.group(1)) if not find_terms(c, ("intervention", "comparator"))]
    vocab_forms = {m.text.lower(): m for m in matches}

    def known(phrase: str) -> bool:
        read = lambda text: " ".join(term_words(text)).lower()     # "tylenol #3" as the vocabulary read it  # noqa: E731
        return any(read(f) in read(phrase) or read(phrase) in read(f) for f in vocab_forms)

    drug = dose_drug(question)
    if not interventions and drug:
        # "What carvedilol dose should be targeted?": the drug is the modifier of "dose".
        interventions.append(drug)
    if not interventions and not re.match(r"\s*(?:what|which|how|who|when|why)\b", subject, re.I):
        # "A or B" as the subject of a comparison: both are asked about ("what side effects" asks, names nothing).
        # "Ritalin or another stimulant": the class widens the asked drug; it is no comparator.
        # (A scene before a dash or colon is no part of it: "Glomerulonephritis patient - A or B to protect ...".)
        offered = next((x for x in re.split(DASH + r"|:\s+", subject) if re.search(r"\s(?:or|versus|vs\.?)\s", x)), subject)
        offered = DOSE_OR.sub("", offered)      # "rofecoxib 12.5 or 25 mg": one drug at either dose
        split = [x for x in re.split(r"\s+(?:or|versus|vs\.?)\s+", offered)
                 if not re.match(r"\s*(?:another|any other|other|a similar|similar)\b", x, re.I)]
        parts = [p for p in (clean(x if i == 0 else head_of(x)) for i, x in enumerate(split)) if p]
        # An option the vocabulary already read ("Zyprexa": olanzapine, a comparator) is not added twice.
        read = {*interventions, *comparators}
        parts = [p for i, p in enumerate(parts)
                 if i == 0 or not read & {m.canonical for m in find_terms(p, ("intervention", "comparator"))}]
        for i, p in enumerate(parts):
            cond_here = [m for m in matches if m.kind == "condition" and m.text.lower() in p]
            for m in cond_here:
                p = clean(p.replace(m.text.lower(), " "))
            if p:
                (interventions if i == 0 else comparators).append(undosed(p))
    for phrase in comparator:    # (a disease the vocabulary knows is a group compared: "than for spondylosis")
        if (not known(phrase) or compared_group(question, phrase) and not find_terms(phrase, ("intervention",))) \
                and phrase not in comparators and not OTHER_ONE.fullmatch(phrase) and not WH_CLAUSE.match(phrase):
            comparators.append(phrase)
    for phrase in population:
        if phrase in purpose and not known(phrase) and (conditions or not is_population(phrase, question)):
            # "losartan for survival in heart failure", "anything for her bone density": an open phrase
            # after "for" naming no one and no disease is what the treatment is for, an outcome.
            outcome.append(phrase)
        elif not known(phrase) and phrase not in conditions and phrase not in interventions and is_population(phrase, question):
            conditions.append(phrase)
    co_treated = {w for m in re.finditer(r"\bwith\s+((?:[\w.-]+\s+){0,3}[\w-]+)", question, re.I)
                  for w in stem_drugs(m.group(1))}
    stemmed = stem_drugs(question)
    # An open subject that is a clause, not a name ("metoprolol CR/XL keep patients in sinus
    # rhythm"), gives way to the drugs its INN stems name.
    interventions = [i for i in interventions if len(tokens(i)) <= 4 or not any(w in tokens(i) for w in stemmed)]
    # "does it matter whether I use A or B": a clause, not a name, once a drug is asked.
    if stemmed or len(interventions) > 1:
        interventions = [i for i in interventions if not CLAUSE_WORDS & set(tokens(i)) and not is_clause(i, question)]
    if not interventions and stemmed and all(w in co_treated for w in stemmed):
        # "control his blood pressure with captopril or atenolol": with no other treatment asked,
        # the drugs given "with" are the asked ones, the second of "A or B" the comparator.
        co_treated = set()
        pair = re.search(r"\b([a-z]+)\s+(?:or|versus|vs\.?)\s+([a-z]+)\b", question.lower())
        if not comp_text and pair and pair.group(1) in stemmed and pair.group(2) in stemmed:
            comp_text = pair.group(2)
    for word in stemmed:
        # A drug the vocabulary lacks but its INN stem names ("enalapril", "rizatriptan"),
        # unless a name already asked holds it ("diclofenac plus omeprazole") or it is a
        # co-treatment ("with ketoconazole or fluoxetine").
        if (word not in co_treated or word in tokens(comp_text)) and word not in vocab_forms and \
                not any(word in tokens(n) for n in interventions + comparators):
            (comparators if word in tokens(comp_text) else interventions).append(word)
    # A co-treatment asked "with X" is a facet to check, not the intervention studied; a drug not tolerated is the
    # story; so is a drug only a second question names ("..., or are ACE inhibitors better?"), no facet itself.
    asks = [o for o in other if LEAD_AUX.match(o)]
    kept = {m.canonical for m in named if not any(m.text.lower() in o for o in asks)}   # ("calcium blocker ..., or do CCBs")
    with_terms = {m.canonical for o in [*other, *NOT_TOLERATED.findall(question)] for m in find_terms(o, ("intervention", "comparator"))
                  if o not in asks or m.canonical not in kept}
    other = [o for o in other if o not in asks]
    if len(interventions) > 1:
        interventions = [i for i in interventions if i not in with_terms] or interventions
    if scene and len(interventions) > 1:
        # A treatment named only in the scene ("needing an NSAID", "not controlled by an NSAID") is the patient's
        # story; the one the question proper asks about is the intervention, as is one the patient wants.
        wanted = " ".join(m.group(1) for m in WANTS.finditer(scene.group(0)))
        asked = f" {' '.join(tokens(question[scene.end():] + ' ' + wanted))} "
        forms = {i: [i] + [m.text for m in matches if m.canonical == i] for i in interventions}
        interventions = [i for i in interventions if any(f" {' '.join(tokens(f))} " in asked for f in forms[i])
                         ] or interventions
    options = [option_name(o) for o in offered_options(question) or ()]
    if len(set(options)) == 2 and all(options) and any(find_terms(o, ("intervention",)) or stem_drugs(o) for o in options):
        # "A or B - which works better?": A is asked, B its comparator, by name even when the vocabulary lacks it
        # ("... Metformin or glyburide?" asks which of the two, not whether).
        interventions, comparators = options[:1], options[1:]
        qtype = "factoid" if bare_choice(question) else qtype
    # A head phrase holding the asked treatment ("LDN be taken together" in "Can LDN be taken
    # together with opioids?") is the question's subject, not an outcome.
    asked_forms = [m.text.lower() for m in named if m.canonical in interventions]
    cond_forms = [m.text.lower() for m in matches if m.kind == "condition"]
    # "Does X prevent CHD in women?", "In trauma, does X cut nausea?": what is prevented, caused or acted on is the outcome.
    event = bool(pivot and (EVENT_VERBS.fullmatch(pivot.group(0).lower()) or ACTS_ON.fullmatch(pivot.group(0)) and any(
        not any(f in o for o in outcome) for f in cond_forms)))
    outcomes = [o for o in outcome if not any(f" {f} " in f" {o} " for f in asked_forms)
                and not PEOPLE_ONLY.fullmatch(o)      # "an option for a child": whom, not what
                and (event or (o not in vocab_forms and not any(same(o, c) for c in conditions)
                               and not a_kind_of(o, cond_forms)))]
    # "How common are seizures on clozapine?": how much of a harm is whether the treatment gives it.
    amount = harm_asked(answered) if qtype != "yesno" and interventions and not comparators else ""
    adverse = asks_adverse(qtype, pivot, subject, rest, interventions, comparators) or bool(amount)
    if adverse:
        # What the treatment may cause is the outcome, even when the vocabulary knows it as a disease ("stroke",
        # "birth defects"), each of a list ("memory, mood or sexual function"); a placebo named is the control.
        tail, said = ADVERSE_TAIL.match(rest), re.split(DASH + r"|[?;]", RECIPIENT_LEAD.sub("", rest))[0]
        said = said[tail.end():] if tail else said
        change = CHANGE_IN.match(said)        # "a decline in lung function": lung function is the harm
        said = said[change.end():] if change and not is_population(head_of(said[change.end():])) else said
        outcomes = [amount] if amount else [x for o in conjuncts(said) for x in SEVERE_ENOUGH.split(o)] or outcomes
        named_harms = [c for c in conditions if any(m.canonical == c and m.text.lower() in o
                                                    for m in matches for o in outcomes)]
        conditions = [c for c in conditions if c not in named_harms]
        # The vocabulary's name for a harm asked in other words ("birth defects": "congenital abnormalities").
        outcomes += [c for c in named_harms if not any(same(c, o) for o in outcomes)
                     and any(m.canonical == c and m.text.lower() in outcomes for m in matches)]
        comparators = []
    harm = bool(comparators) and harms_compared(answered)   # ("A vs B, and does it raise Y?": A vs B)
    if harm:
        # The harm compared is the outcome, even when the vocabulary knows it as a condition (it
        # stays a condition too: retrieval looks for records that report it).
        said = re.split(r"\s+(?:than|for|in|among|with|compared|versus|vs\.?)\s+", rest.lower())[0]
        # "more likely than B to give him type 2 diabetes": the harm is what the infinitive gives.
        given = [clean(head_of(g)) for g in re.findall(r"\bto " + HARM_GIVEN + r" (?:" + RECIPIENT + r" )?(.+)", rest)]
        asked = [clean(m.group(1)) for m in _RESPECT.finditer(question)] + outcome + given + [
            m.canonical for m in matches if m.kind == "condition" and m.text.lower() in said]  # "fewer X and Y ulcers"
        outcomes = list(unique([o for o in asked if o] + outcomes))
    # A special population ("Can a mother breastfeed on X?") is a facet by the vocabulary's name ("lactation").
    special = find_terms(question, ("population",))
    for m in special:
        outcomes = [o for o in outcomes if m.text.lower() not in o]
        other = [o for o in other if m.text.lower() not in o] + [m.canonical]
    # "chronic pain from osteoarthritis": the disease the symptom comes from is the population a
    # study must have; the symptom stays a facet.
    symptoms = symptoms_of(question, [m for m in matches if m.kind == "condition"])
    conditions = [c for c in conditions if c not in symptoms] or conditions
    other += [c for c in symptoms if c not in conditions]
    intent = intent_of(question, matches, comparators)
    if adverse and intent != "contraindications":
        intent = "safety"
    safe = (qtype == "yesno" and intent == "safety" and not adverse and not comparators and not special
            # "Is X safe and effective?" asks both: an efficacy answer, with its harms beside it
            and not re.search(r"\b(?:effective|efficacious|work|works|help|helps)\b", question, re.I)
            and bool((pivot and pivot.group(0).lower() in ("safe", "unsafe")) or SAFE_TO.search(question)))
    if safe and not interventions:
        # "Is it safe to prescribe quinine for cramps?": what is prescribed is the treatment.
        given = SAFE_TO.search(question)
        interventions = [clean(head_of(given.group(1)))] if given and clean(head_of(given.group(1))) else []
        outcomes = [o for o in outcomes if not SAFE_TO.search(o)]
    safe = safe and bool(interventions)
    if adverse and not comparators and MAY_IT_OR_HARM.search(question):
        safe = True     # "Can X be given to Y, or does it provoke Z?": may it be used; no harm found is yes
    on = ON_DRUG.search(question) if intent == "contraindications" else None
    if on:
        # "Can a patient on low-dose aspirin take ibuprofen?": aspirin is taken already, ibuprofen
        # asked, each by its name even when the vocabulary lacks it ("on moclobemide", "start orlistat").
        taken = {m.canonical for m in find_terms(on.group(1), ("intervention", "comparator"))} | \
            set(stem_drugs(on.group(1)))
        asked = [i for i in interventions if i not in taken] or [undosed(on.group(2).lower())] * bool(on.group(2))
        other += [i for i in interventions if i in taken] + ([] if taken else [undosed(clean(on.group(1)))])
        interventions = asked
    given_with = " ".join(m.group(1) for m in WITH_DRUGS.finditer(question)) + " " + (on.group(1) if on else "")
    co_treatments = [c for c in [*(m.canonical for m in find_terms(given_with, ("intervention", "comparator"))),
                                 *stem_drugs(given_with)] if c not in interventions]
    if intent == "contraindications":
        co_treatments += named_after_with(question, interventions) + (
            [undosed(clean(on.group(1)))] if on and not co_treatments else [])
    if qtype == "yesno" and intent == "contraindications" and interventions and co_treatments and not special:
        safe = True           # whether the combination is safe: harm from it answers no
    # "for years", "in the first few months": when, not who or what; "(safe) to use", "(improve) more": no outcome.
    # "is 40 mg/day enough": a dose is asked, no outcome; "mg for mg": a unit; "that true": a clause, no name.
    conditions, outcomes = ([p for p in xs if not TIME_ONLY.fullmatch(p) and not is_clause(p, question) and not re.fullmatch(
        r"to \w+|more|less|better|worse|faster|longer|(?:mg|mcg|g|ml|units?|iu)(?:/\w+)?", p) and not DOSE.search(p)]
        for xs in (conditions, outcomes))
    drugs = [f" {' '.join(tokens(d))} " for d in [*interventions, *comparators]]    # (naming one: no outcome)
    outcomes, other = ([p for p in xs if not any(d in f" {' '.join(tokens(p))} " for d in drugs)]
                       for xs in (outcomes, other))
    # A combination product ("Vicoprofen": hydrocodone + ibuprofen) is its drugs, each asked.
    interventions, comparators = ([p for x in xs for p in x.split(" + ")] for xs in (interventions, comparators))
    facets: list[str] = []
    for f in [*conditions, *comparators, *outcomes, *other]:
        if f not in outcomes and any(o in f for o in outcomes):
            continue              # "respect to myocardial infarction": the outcome, already a facet
        if not any(same(f, g) for g in facets):
            facets.append(f)
    covered = set()
    for m in matches:
        covered.update(tokens(m.text))
    keywords = unique(t for t in tokens(question) if t not in QUESTION_STOPWORDS and t not in covered and len(t) > 2)
    if outcomes and not adverse:
        # "central pain processing, such as conditioned pain modulation or temporal summation":
        # the examples are how studies measure the outcome asked, and what they report.
        for m in re.finditer(r"\bsuch as\s+([^,?;]+)", question, re.I):
            examples = [clean(head_of(x + " ?")) for x in re.split(r"\s+(?:or|and)\s+", m.group(1))]
            outcomes += [x for x in examples if x and not find_terms(x, ("intervention", "comparator"))
                         and not stem_drugs(x) and x not in outcomes]
    co_treatments = list(unique(co_treatments)) if safe else []
    if co_treatments:
        # A combination asked about: a study answers when it gives the drugs together (any one of
        # the co-treatments named as alternatives), in the asked population; the harm is any.
        outcomes, facets = list(GENERAL_HARMS), list(unique([*conditions, *co_treatments]))
    if safe:
        # Whether a treatment is safe is whether it does harm, of any kind the studies report.
        adverse, outcomes = True, list(outcomes) or list(GENERAL_HARMS)
    # Each asked name as a study writes it: an outcome without the question's words around it, a
    # treatment by its drug; a facet is the same phrase.
    tidied = {o: tidy_outcome(o) for o in outcomes}
    named = {**tidied, **{x: drug_name(x) for x in [*interventions, *comparators]}}
    outcomes = [tidied[o] for o in outcomes if tidied[o]]
    facets = [named.get(f, f) for f in facets if named.get(f, f)]
    interventions = [drug_name(i) for i in interventions]
    # "LDN or low-dose naltrexone": one drug under two names is not compared with itself; "either one" is each alone.
    comparators, pointed = resolved_comparators([*map(drug_name, comparators)], interventions, question)
    comparators = [c for c in comparators if not any(same_drug(c, i) for i in interventions)]
    negated = qtype == "yesno" and bool(_NEG.search(question))
    claim = "equivalence" if comparators and EQUIVALENCE.search(question) else "superiority"
    return with_switch(with_add_on(Query(
                 written_question, unique(conditions), unique(interventions), unique(comparators), intent, keywords,
                 qtype, unique(outcomes), tuple(facets), negated, claim=claim, harm=harm, adverse=adverse,
                 # a name written other than the library writes it, unless the question also names it
                 # plainly ("regular oxybutynin to Ditropan XL": the comparator is oxybutynin as written)
                 written=tuple((m.canonical, m.text.lower()) for m in matches if m.canonical != m.text.lower()
                               and not re.search(rf"\b{re.escape(m.canonical)}\b", written_question, re.I)) + tuple(pointed),
                 safe=safe, co_treatments=tuple(co_treatments), qualifiers=tuple(
                     w for w in qualifiers(question, {t for m in matches if m.kind == "condition"
                                                      for t in tokens(m.text)})
                     if not any(w in tokens(d) for d in [*interventions, *comparators])),
                 more_harm=harm and bool(re.search(r"\b(?:more|greater|higher|worse|increase[sd]?)\b", question, re.I))
                 and not re.search(r"\b(?:fewer|less|lower|safer)\b", question, re.I))))
