"""vocab.expansions and retrieve.query_forms, read once per name: the same forms as reading
them afresh, in the same order, and a caller changing its list changes nobody else's."""
from __future__ import annotations

import pytest

from evidex.query import Query, parse_question
from evidex.resolve import class_members
from evidex.matching import intervention_forms, query_forms
from evidex.vocab import _expansions, expansions, forms_of


def _fresh_expansions(canonical: str) -> list[str]:
    return sorted(forms_of(canonical), key=lambda f: (-len(f), f))


def test_expansions_are_fresh_lists_of_the_same_forms():
    for name in ["naltrexone", "proton pump inhibitors", "migraine", "no such name"]:
        first = expansions(name)
        assert first == _fresh_expansions(name)
        first.append("changed")
        assert expansions(name) == _fresh_expansions(name)
    _expansions.cache_clear()
    assert expansions("migraine") == _fresh_expansions("migraine")


def test_query_forms_are_the_forms_then_the_members_they_lack():
    query: Query = parse_question("Are proton pump inhibitors better than H2 blockers for reflux?")
    name = query.interventions[0]
    members = ("omeprazole", "lansoprazol", "esomeprazole")
    query = Query(**{**query.__dict__, "members": ((name, members),)})
    got = query_forms(query, name)
    assert got == intervention_forms(name) + [m for m in members if m not in intervention_forms(name)]
    got.append("changed")
    assert "changed" not in query_forms(query, name)


def test_class_members_from_one_walk_equal_a_walk_per_class(tmp_path):
    """class_members reads every class's stems in one walk of the term dictionary and keeps the
    words of the asked class's stems: the same members, in the same order, as a walk for the
    class's own stems (the rule before, kept here as the reference)."""
    from evidex.enrich import appraise
    from evidex.records import Record, Section
    from evidex.resolve import MAX_MEMBERS, _found
    from evidex.store import Store
    from evidex.vocab import drug_classes

    def reference(store, name):
        cls = drug_classes()[name]
        found = [m for m in cls.members if _found(store, m)]
        trim = lambda st: st[:-1] if st.endswith("e") else st  # noqa: E731
        stems = [trim(st) for st in cls.stems]
        longer = [trim(st) for other in drug_classes().values() if other.name != name for st in other.stems
                  if any(trim(st).endswith(own) and len(st) > len(own) for own in stems)]
        for term in store.terms_ending(stems) if stems else ():
            if (len(term) > max(len(st) for st in stems) + 2 and term.isalpha() and not term.startswith("non")
                    and not any(term.endswith(x) for x in longer) and term not in found):
                found.append(term)
        return tuple(found[:MAX_MEMBERS])

    words = ("omeprazole lansoprazole esomeprazole aripiprazole atorvastatin rosuvastatin simvastatin metoprolol "
             "carvedilol lisinopril enalapril losartan valsartan sertraline fluoxetine ibuprofen naproxen").split()
    with Store(tmp_path / "evidex.db") as store:
        docs = [Record(id=f"r{i}", title=f"{w} trial", sections=(Section("", f"Patients took {w} or {words[i - 1]}."),),
                       source="test") for i, w in enumerate(words)]
        store.write_batch([(r, appraise(r)) for r in docs])
        names = sorted(drug_classes())
        assert sum(bool(reference(store, n)) for n in names) >= 5
        for name in names:
            assert class_members(store, name) == reference(store, name), name


def test_a_phrase_is_also_found_in_its_other_spellings():
    """British and American spellings, compounds joined or hyphenated, MeSH headings uninverted:
    a question's words find the records that write them the other way (pmid:9863850 writes
    "behavioral treatment" and "urge urinary incontinence"; pmid:12468808 "poststroke pain")."""
    assert "behavioral treatment" in expansions("behavioural treatment")
    assert "central poststroke pain" in expansions("central post-stroke pain")
    assert "urge urinary incontinence" in expansions("urinary incontinence, urge")
    assert "reflux esophagitis" in expansions("reflux oesophagitis")
    assert "haemorrhage" in expansions("hemorrhage")


def test_a_spelling_rule_never_respells_inside_an_unrelated_word():
    from evidex.vocab.spelling import variants
    assert variants("chemotherapy") == ()          # "hem" turns British only at a word's start
    assert variants("reflux oesophagitis") == ("reflux esophagitis",)   # never "ooesophagitis"
    assert variants("low-dose naltrexone") == ()   # only a known prefix joins its word


@pytest.mark.parametrize("asked, written", [
    ("glibenclamide", "glyburide"), ("pethidine", "meperidine"), ("salbutamol", "albuterol"),
    ("adrenaline", "epinephrine"), ("frusemide", "furosemide"), ("glyceryl trinitrate", "nitroglycerin"),
    ("dexamphetamine", "dextroamphetamine"), ("oestradiol", "estradiol"),
])
def test_a_drug_s_inn_and_us_adopted_names_are_one_drug(asked, written):
    from evidex.vocab import expansions, lookup
    assert lookup(asked).canonical == lookup(written).canonical == written
    assert {asked, written} <= set(expansions(written))
