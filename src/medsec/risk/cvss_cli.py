"""`medsec cvss`: score a CVSS vector; derive one with the MITRE medical-device rubric."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.table import Table

from medsec.cli import runtime
from medsec.core.cvss import as_json, parse
from medsec.errors import InvalidInput
from medsec.risk.rubric import ANSWERS, QUESTIONS, RubricResult, questions, rubric_vector

app = typer.Typer(help="CVSS scores and the MITRE medical-device rubric.", no_args_is_help=True)


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


def _score_text(score: float | None, severity: str | None, present: bool) -> str:
    if score is None or not present:
        return "not set"
    return f"{score:.1f} {severity}"


@app.command("score")
def score(
    vector: str = typer.Argument(..., help="CVSS:3.x/… or CVSS:4.0/… (v2 read-only)."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Score a CVSS vector: base, temporal/threat, environmental and overall."""
    r = parse(vector)
    if fmt is Fmt.json:
        runtime.print_json(
            as_json(r) | {"overall": {"score": r.overall_score, "name": r.nomenclature}}
        )
        return
    v4 = r.version == "4.0"
    table = Table("", "score", show_header=False)
    table.add_row("version", f"CVSS {r.version}")
    table.add_row("vector", r.vector)
    table.add_row("base" + (" (CVSS-B)" if v4 else ""), f"{r.base_score:.1f} {r.base_severity}")
    group = "threat" if v4 else "temporal"
    table.add_row(
        "threat (CVSS-BT)" if v4 else "temporal",
        _score_text(r.temporal_score, r.temporal_severity, group in r.groups),
    )
    table.add_row(
        "environmental" + (" (CVSS-BE/BTE)" if v4 else ""),
        _score_text(r.environmental_score, r.environmental_severity, "environmental" in r.groups),
    )
    table.add_row(f"overall ({r.nomenclature})", f"{r.overall_score:.1f} {r.overall_severity}")
    runtime.console.print(table)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    """ID=VALUE options as a dict."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"--{what} {item!r}: want QUESTION_ID=VALUE, e.g. XAVN=yes")
        out[key.strip().upper()] = value.strip()
    return out


def _read_answers(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Answers file: {"XAVN": "yes", …}, {"XAVN": {"answer": …, "rationale": …}} or
    {"answers": {…}, "rationales": {…}}."""
    raw = runtime.read_input(path)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"{path}: not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidInput(f"{path}: want a JSON object of question id -> answer")
    if "answers" in data:
        return dict(data["answers"]), dict(data.get("rationales") or {})
    answers, why = {}, {}
    for qid, value in data.items():
        if isinstance(value, dict):
            answers[qid] = str(value.get("answer", ""))
            if value.get("rationale"):
                why[qid] = str(value["rationale"])
        else:
            answers[qid] = str(value)
    return answers, why


def _ask(answers: dict[str, str], why: dict[str, str]) -> None:
    """Prompt for every question still on the path."""
    while pending := questions(answers):
        q = pending[0]
        where = f"{q.metric}" + (f", {q.category}" if q.category else "")
        answer = ""
        while answer not in ANSWERS:
            answer = typer.prompt(f"{q.id} ({where}) {q.text} [yes/no/unknown]").strip().lower()
        answers[q.id] = answer
        note = typer.prompt("  rationale", default="", show_default=False)
        if note:
            why[q.id] = note


def _result_json(result: RubricResult) -> dict[str, Any]:
    return {
        "vector": result.vector,
        "score": result.score,
        "severity": result.severity,
        "metrics": result.metrics,
        "answers": result.answers,
        "trail": [asdict(s) for s in result.trail],
        "ignored": list(result.ignored),
    }


@app.command("rubric")
def rubric(
    answers_file: Path | None = typer.Option(None, "--answers", help="JSON file of answers."),
    answer: list[str] = typer.Option([], "--answer", "-a", help="ID=yes|no|unknown (repeat)."),
    rationale: list[str] = typer.Option([], "--rationale", "-r", help="ID=text (repeat)."),
    interactive: bool = typer.Option(False, "--interactive", "-i", help="Ask what is missing."),
    version: str = typer.Option("3.1", "--cvss-version", help="3.1 or 3.0."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Derive a CVSS base vector with the MITRE rubric for medical devices."""
    answers, why = _read_answers(answers_file) if answers_file else ({}, {})
    answers.update(_pairs(answer, "answer"))
    why.update(_pairs(rationale, "rationale"))
    if interactive:
        _ask(answers, why)
    pending = questions(answers)
    if pending:
        q = pending[0]
        raise InvalidInput(
            f"rubric incomplete: answer {q.id} next - {q.text} (yes, no or unknown, "
            f"e.g. --answer {q.id}=no); {len(pending)} flow(s) unfinished"
        )
    result = rubric_vector(answers, why, version=version)
    if fmt is Fmt.json:
        runtime.print_json(_result_json(result))
        return
    out = runtime.console
    out.print(f"vector: [bold]{result.vector}[/bold]  score {result.score:.1f} {result.severity}")
    table = Table("question", "metric", "category", "answer", "leads to", "rationale")
    for s in result.trail:
        table.add_row(s.question, s.metric, s.category or "", s.answer, s.leads_to, s.rationale)
    out.print(table)
    if result.ignored:
        out.print(f"ignored (not on the path): {', '.join(result.ignored)}")


@app.command("questions")
def list_questions(fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """List the rubric's questions and where each answer leads."""
    rows: list[dict[str, Any]] = [
        {
            "id": q.id,
            "metric": q.metric,
            "category": q.category,
            "text": q.text,
            "answers": {c.answer: c.next or f"{q.metric}:{c.value}" for c in q.choices},
        }
        for q in QUESTIONS.values()
    ]
    if fmt is Fmt.json:
        runtime.print_json(rows)
        return
    table = Table("id", "metric", "question", "yes", "no", "unknown")
    for row in rows:
        a = row["answers"]
        table.add_row(row["id"], row["metric"], row["text"], a["yes"], a["no"], a["unknown"])
    runtime.console.print(table)
