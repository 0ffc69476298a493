"""Answers shaped by the question's intent (issue 9, item 5), over small real stores."""
from __future__ import annotations

from pathlib import Path

from evidex.eval.qa import build_store
from evidex.records import Record, Section
from evidex.synthesis import ask, violations

MECHANISM_RECORDS = [
    Record(id="pmid:7000001", title="Gabapentin binds the alpha2-delta subunit of voltage-gated calcium channels",
           pmid="7000001", year=2006, mesh_terms=("Animals", "Rats"),
           sections=(Section("", "Gabapentin binds the alpha2-delta subunit of voltage-gated calcium channels, "
                                 "which reduces calcium influx and inhibits the release of excitatory "
                                 "neurotransmitters in the dorsal horn. In rats with nerve injury, gabapentin "
                                 "reduced pain behaviour."),)),
    Record(id="pmid:7000002", title="Gabapentin for postherpetic neuralgia: a randomised controlled trial",
           pmid="7000002", year=2001, publication_types=("Randomized Controlled Trial",),
           sections=(Section("METHODS", "We randomised 229 patients to gabapentin, an antagonist at one receptor "
                                        "site, or placebo."),
                     Section("RESULTS", "Pain fell significantly more with gabapentin than with placebo."),
                     Section("CONCLUSIONS", "Gabapentin is effective for postherpetic neuralgia."))),
]


def test_a_mechanism_question_leads_with_the_sentence_that_explains_the_mechanism(tmp_path: Path):
    store, _ = build_store(MECHANISM_RECORDS, tmp_path / "m.db")
    try:
        answer = ask(store, "How does gabapentin work in neuropathic pain?")
        assert answer.query.intent == "mechanism"
        first = answer.sections[0].key_points[0]
        assert "alpha2-delta" in first.text
        assert answer.references[first.citations[0] - 1].id == "pmid:7000001"
        assert answer.sections[1].subsections[0].heading == "Mechanism of Action"
        assert violations(answer) == []
    finally:
        store.close()
