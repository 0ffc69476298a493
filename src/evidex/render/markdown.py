"""Answer -> Markdown in the shape of the seed answers (sections, key points, citations)."""
from __future__ import annotations

from ..synthesis.answer import Answer, Statement
from .links import web_link

_CERTAINTY = {"very_low": "very low"}


def _cite(s: Statement) -> str:
    return f" [{', '.join(map(str, s.citations))}]" if s.citations else ""


def _cell(value: object) -> str:
    return str(value if value not in (None, "") else "—").replace("|", "\\|").replace("\n", " ")


def to_markdown(answer: Answer) -> str:
    v = answer.verdict
    lines = [f"# {answer.question}", ""]
    lines.append(f"**Verdict:** {v.direction} · certainty **{_CERTAINTY.get(v.certainty, v.certainty)}**")
    lines += [f"- {r}" for r in v.reasons]
    lines.append("")
    for sec in answer.sections:
        lines += [f"## {sec.heading}", ""]
        lines += [f"{s.text}{_cite(s)}" for s in sec.statements]
        if sec.statements:
            lines.append("")
        if sec.key_points:
            lines += ["### Key Points", ""] + [f"- {s.text}{_cite(s)}" for s in sec.key_points] + [""]
        for sub in sec.subsections:
            lines += [f"### {sub.heading}", ""] + [f"- {s.text}{_cite(s)}" for s in sub.statements] + [""]
    if answer.evidence_table:
        lines += ["## Evidence table", "",
                  "| Ref | Design | n | Population | Intervention and dose | Comparator | Outcome | Effect | Direction |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in answer.evidence_table:
            lines.append("| " + " | ".join(_cell(x) for x in (
                f"[{r.ref}]", r.design, r.n, r.population, r.intervention, r.comparator, r.outcome,
                r.effect, r.direction)) + " |")
        lines.append("")
    if answer.warnings:
        lines += ["## Warnings", ""] + [f"- {w}" for w in answer.warnings] + [""]
    lines += ["## References", ""]
    for r in answer.references:
        url = web_link(r.url)
        lines.append(f"{r.n}. {r.citation} ({r.design.replace('_', ' ')})" + (f" <{url}>" if url else ""))
    return "\n".join(lines).rstrip() + "\n"
