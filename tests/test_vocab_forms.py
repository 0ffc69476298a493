"""vocab.expansions and retrieve.query_forms, read once per name: the same forms as reading
them afresh, in the same order, and a caller changing its list changes nobody else's."""
from __future__ import annotations

from evidex.query import Query, parse_question
from evidex.retrieve import intervention_forms, query_forms
from evidex.vocab import _expansions, _forms_by_canonical, expansions


def _fresh_expansions(canonical: str) -> list[str]:
    forms = set(_forms_by_canonical().get(canonical, ()))
    forms.add(canonical)
    return sorted(forms, key=lambda f: (-len(f), f))


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
