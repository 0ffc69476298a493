"""``evidex enrich PATH...``: print one appraisal per input record, without storing anything.

Registered in ``evidex.cli`` with ``cli.add_command(enrich_command)``. Exit codes follow the
CLI contract: 0 ok, 2 when some records could not be read (they are reported on stderr and
the others are still printed).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..ingest import expand_paths, iter_file
from ..records import Problem, Record
from .appraise import appraise


def render_text(record: Record, data: dict) -> str:
    lines = [f"{record.id}  {record.title[:100]}",
             f"  design: {data['design']} (source {data['design_source']}, score {data['design_score']}"
             + (f", P(rct) {data['rct_probability']}" if data.get("rct_probability") is not None else "")
             + f"), level {data['level']}" + ("  RETRACTED" if data["retracted"] else ""),
             f"  n: {data['n']}" + (f"  [{data['n_span']}]" if data["n_span"] else ""),
             f"  direction: {data['direction']}"]
    if data["conditions"] or data["interventions"]:
        lines.append(f"  conditions: {', '.join(data['conditions'])}; interventions: {', '.join(data['interventions'])}")
    pico = data.get("pico") or {}
    if pico:
        lines.append(f"  PICO: P={pico.get('population', '')!r} I={pico.get('interventions')} "
                     f"C={pico.get('comparator', '')!r} O={pico.get('outcomes')}")
    if data["sentence_roles"]:
        lines.append(f"  roles: {' '.join(r[:3] for r in data['sentence_roles'])}")
    for d in data["doses"]:
        lines.append(f"  dose: {d['span']}" + (f" ({d['frequency']})" if d["frequency"] else ""))
    for n in data["numbers"]:
        lines.append(f"  {n['kind']:<15} {n['span']}  @{n['start']}:{n['end']}")
    case = data.get("case_facts") or {}
    groups = list(case.get("patients", []))
    if case.get("report"):
        groups.append({**case["report"], "label": "whole report"})
    for p in groups:
        facts = {k: (v["value"] if isinstance(v, dict) else [x["value"] if isinstance(x, dict) else x for x in v])
                 for k, v in p.items() if v and k not in ("label", "version")}
        lines.append(f"  case {p.get('label') or ''}: {json.dumps(facts, ensure_ascii=False)}")
    return "\n".join(lines)


@click.command("enrich")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "text"]), default="jsonl", show_default=True)
def enrich_command(paths: tuple[Path, ...], fmt: str) -> None:
    """Appraise each record in PATHS (design, level, roles, PICO, numbers, direction, case facts).

    Nothing is stored. One JSON object per line with --format jsonl (the Appraisal fields).
    """
    problems = 0
    for path in expand_paths(paths):
        for item in iter_file(path):
            if isinstance(item, Problem):
                problems += 1
                click.echo(str(item), err=True)
                continue
            if not isinstance(item, Record):
                continue
            data = appraise(item, detail=True).to_json()
            if fmt == "jsonl":
                click.echo(json.dumps(data, ensure_ascii=False))
            else:
                click.echo(render_text(item, data) + "\n")
    if problems:
        sys.exit(2)
