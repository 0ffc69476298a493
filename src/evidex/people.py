"""Words for the people a question or a study is about: who is enrolled ("95 patients"), who a subject names
("do patients use ..."), and whether an open phrase of a question can be its population."""
from __future__ import annotations

import re

# Plural nouns for the people a study enrols ("95 patients with ...", "n = 40 adults").
PEOPLE_NOUNS = (r"patients|outpatients|inpatients|residents|people|persons|subjects|participants|volunteers|"
                r"individuals|women|men|children|adults|adolescents|infants")
# A subject that names only who is treated ("do patients use fewer ..."): the predicate follows it.
PEOPLE = re.compile(r"\s*(?:the )?(?:patients|people|adults|children|women|men|users|subjects|participants)\s*", re.I)
# A phrase that only names people ("a child", "older adults", "my patients"): the population.
PEOPLE_ONLY = re.compile(r"(?:(?:a|an|the|my|our|these|those|some|older|elderly|young|adult|pregnant)\s+)*"
                         r"(?:child|children|kids?|infants?|adolescents?|teenagers?|adults?|patients?|people|persons?|"
                         r"women|woman|men|man|boys?|girls?|elderly|the elderly|users?|subjects?|participants?)", re.I)
# An open phrase that can be a population names people ("Aboriginal Australians", "kids") or a disease by its
# form ("reflux oesophagitis", "detrusor instability"); "the lab", "real terms" or "bone density" do not.
_WHO = re.compile(r"\b(?:" + PEOPLE_NOUNS + r"|kids|man|woman|boys?|girls?|mothers?|veterans|users|smokers|drivers|"
                  r"elderly|everyone|families|those|population|\w+ans|\w+ers)\b|"
                  r"\w(?:itis|osis|iasis|a?emia|pathy|algia|oma|plegia|trophy|ia|ism)\b|"
                  r"\b(?:disease|syndrome|disorder|injury|failure|dysfunction|instability|dryness|incontinence|"
                  r"infection|cancer|ulcers?|insufficiency|deficiency|hypertension|flushes|fibrillation|pain|aches?|"
                  r"pregnan\w*|lactation|lactating|breast-?feed\w*)\b", re.I)


def is_population(phrase: str, question: str = "") -> bool:
    """Whether an open phrase can name who is treated (so may an acronym the question capitalises: "OAB")."""
    return bool(_WHO.search(phrase)) or bool(question and re.search(rf"\b{re.escape(phrase.upper())}\b", question))
