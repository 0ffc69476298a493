"""The second round of ingest shortcuts (issue 10) changes no output.

Each fast path is checked against the plain definition it replaces, on real records.
"""
from __future__ import annotations

import pytest

from evidex.enrich import appraise
from evidex.ingest import expand_paths, iter_file
from evidex.records import Appraisal, Comment, Dose, Number, Record, Section, plain, reference_plain

from .conftest import need_data


@pytest.fixture(scope="module")
def records() -> list[Record]:
    paths = expand_paths([need_data("pubmed_xml"), need_data("medline_text")])
    return [r for p in paths for r in iter_file(p) if isinstance(r, Record)]


def test_plain_equals_its_definition(records):
    odd = Record(id="x", title="T", sections=(Section("A", "b"),), comments=(Comment("c", "d"),),
                 metadata={"k": [1, (2, 3)], "n": None}, authors=("a",), year=2001)
    weird = Appraisal(record_id="x", design="rct", design_source="text_model", design_score=0.5, level=2,
                      doses=(Dose(1.0, "mg", "1 mg"),), numbers=(Number("p_value", 0.05, "p = 0.05"),),
                      pico={"p": ("x",)}, case_facts={"a": 1}, retracted=True)
    values = [odd, weird, [odd, (weird,)], ("a", 1, 2.5, None, True), {"d": (1,)}]
    for r in records:
        values += [r, appraise(r, detail=True)]
    for v in values:
        fast, ref = plain(v), reference_plain(v)
        assert fast == ref and repr(fast) == repr(ref)        # repr: list vs tuple, int vs bool


def test_remembered_lookup_equals_a_fresh_one(records):
    from evidex.vocab import lookup
    terms = [m for r in records for m in r.mesh_terms] + ["Pain, Postoperative", "pain postoperative", "", "x, y, z"]
    for t in terms + terms:
        assert lookup(t) == lookup.__wrapped__(t)
