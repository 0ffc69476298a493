"""The product's core promise, as a checkable property.

Every number stated in an answer (statements, key points, evidence-table cells) must
be written in a passage that the statement cites; a statement without citations may
state no number at all. ``violations`` lists every breach; an empty list means the
answer is faithful.
"""
from __future__ import annotations

from collections.abc import Iterable

from ..text import numbers_in


def unsupported_numbers(text: str, cited_texts: Iterable[str]) -> set[str]:
    support: set[str] = set()
    for t in cited_texts:
        support |= numbers_in(t)
    return numbers_in(text) - support


def violations(answer) -> list[str]:
    """Breaches of the faithfulness property in an ``Answer`` (see synthesis/answer.py)."""
    refs = {r.n: r for r in answer.references}
    out: list[str] = []

    def check(where: str, text: str, citations: Iterable[int]) -> None:
        cited = [p.text for n in citations if n in refs for p in refs[n].passages]
        missing = [n for n in citations if n not in refs]
        if missing:
            out.append(f"{where}: cites missing reference(s) {missing}")
        bad = unsupported_numbers(text, cited)
        if bad:
            out.append(f"{where}: number(s) {sorted(bad)} not in any cited passage: {text!r}")

    for section in answer.sections:
        for i, st in enumerate(section.statements):
            check(f"{section.heading} statement {i + 1}", st.text, st.citations)
        for i, st in enumerate(section.key_points):
            check(f"{section.heading} key point {i + 1}", st.text, st.citations)
        for sub in section.subsections:
            for i, st in enumerate(sub.statements):
                check(f"{sub.heading} statement {i + 1}", st.text, st.citations)
    for row in answer.evidence_table:
        cells = " | ".join(str(x) for x in (row.n if row.n is not None else "", row.intervention, row.effect,
                                          row.population, row.comparator, row.outcome))
        check(f"evidence table row {row.ref}", cells, [row.ref])
    return out
