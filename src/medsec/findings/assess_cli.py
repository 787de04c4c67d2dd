"""`medsec findings show|triage|rescore|ssvc`: one finding, its decisions and their inputs."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.markup import escape

from medsec.cli import runtime
from medsec.errors import InvalidInput
from medsec.findings import decisions, detail, rescoring, ssvc_service
from medsec.findings.schemas import VexDecisionRead


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInput(f"{what} {item!r}: expected KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


def show(finding_id: int, fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """Everything about one finding: match, sources, VEX, CVSS, SSVC, risk, priority, history."""
    with runtime.uow() as session:
        data = detail.finding_detail(session, finding_id)
    if fmt is Fmt.json:
        runtime.print_json(data)
        return
    out = runtime.console
    c, v = data.component, data.vulnerability
    out.print(
        f"[bold]finding {data.id}[/bold]: {escape(str(c.name))} "
        f"{escape(str(c.version or ''))} "
        f"in {escape(data.product)} {escape(data.release)} — {v.id} ({data.status})"
    )
    out.print(
        f"aliases: {', '.join(v.aliases) or '-'}; "
        f"severity {v.severity} {v.cvss_score or ''}; "
        f"KEV {'yes' if v.kev else 'no'}; EPSS {v.epss.score if v.epss else '-'}",
        highlight=False,
    )
    for m in data.matched_by:
        out.print(
            f"matched by {m['identifier']} {escape(m['value'])}: {escape(m['reason'])} "
            f"({m['record']})",
            highlight=False,
        )
    vex = data.vex
    out.print("VEX: " + (_vex_text(vex) if vex else "under_investigation (no decision yet)"))
    for r in data.cvss_rescores:
        out.print(f"CVSS rescored: {r.vector} = {r.score} ({r.reason})", highlight=False)
    if data.risk:
        k = data.risk
        out.print(
            f"risk v{k.version}: {k.severity} × {k.exploitability} "
            f"→ before {k.risk_before}, "
            f"residual {k.residual} ({k.region}, {k.fda_class}, {k.status})",
            highlight=False,
        )
    for s in data.ssvc_decisions:
        out.print(f"SSVC {s.role}: {s.outcome} {s.vector}", highlight=False)
    out.print("priority: " + "; ".join(data.priority.why), highlight=False)


def _vex_text(vex: VexDecisionRead) -> str:
    return str(vex.status) + (f" / {vex.justification}" if vex.justification else "")


def triage(
    finding_id: int,
    status: str = typer.Option(
        ...,
        "--status",
        help="under_investigation, affected, not_affected, fixed (or the vocabulary's term).",
    ),
    reason: str = typer.Option(
        ..., "--reason", help="Why (kept in the history and the audit log)."
    ),
    justification: str | None = typer.Option(None, "--justification"),
    vocabulary: str = typer.Option(
        "canonical", "--vocabulary", help="canonical, cyclonedx, openvex, spdx3, csaf."
    ),
    action: str | None = typer.Option(None, "--action", help="Action statement (affected)."),
    impact: str | None = typer.Option(None, "--impact", help="Impact statement (not_affected)."),
    scope: str = typer.Option(
        "release",
        "--scope",
        help="release, or component: every release with this component version.",
    ),
) -> None:
    """Record a VEX decision for a finding."""
    with runtime.uow() as session:
        d = decisions.decide(
            session,
            finding_id=finding_id,
            status=status,
            reason=reason,
            actor=runtime.actor(),
            justification=justification,
            vocabulary=vocabulary,
            action_statement=action,
            impact_statement=impact,
            scope=scope,
        )
        text = f"finding {finding_id}: {d.status}" + (
            f" ({d.justification})" if d.justification else ""
        )
    runtime.console.print(f"{text}, scope {scope}", highlight=False)


def rescore(
    finding_id: int,
    reason: str = typer.Option(..., "--reason"),
    metric: list[str] = typer.Option(
        [], "--metric", "-m", help="Environmental metric KEY=VALUE (e.g. MAV=A, CR=H, MSI=S)."
    ),
    answers: Path | None = typer.Option(
        None, "--rubric", help="JSON file of MITRE rubric answers (and rationales)."
    ),
) -> None:
    """Rescore a finding's CVSS in the device's context (environmental metrics or the rubric)."""
    rubric: dict[str, Any] = {}
    if answers is not None:
        raw = runtime.read_input(answers, option="--rubric")
        try:
            rubric = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InvalidInput(
                f"{answers}: not a readable JSON object of rubric answers: {exc}"
            ) from exc
    with runtime.uow() as session:
        row = rescoring.rescore(
            session,
            finding_id=finding_id,
            reason=reason,
            actor=runtime.actor(),
            environmental=_pairs(metric, "--metric"),
            rubric_answers=rubric.get("answers", {}),
            rubric_rationales=rubric.get("rationales", {}),
        )
        text = (
            f"finding {finding_id}: {row.vector} = {row.score} {row.severity} "
            f"(source {row.source_vector or '-'})"
        )
    runtime.console.print(text, highlight=False)


def ssvc(
    finding_id: int,
    role: str = typer.Option(
        "supplier", "--role", help="supplier (manufacturer) or deployer (hospital)."
    ),
    set_: list[str] = typer.Option([], "--set", help="Override a decision point: POINT=VALUE."),
    reason: str | None = typer.Option(
        None, "--reason", help="Why the overrides (required with --set)."
    ),
    suggest_only: bool = typer.Option(False, "--suggest", help="Only show the suggested inputs."),
) -> None:
    """Decide SSVC for a finding from what medsec knows; override points with a reason."""
    with runtime.uow() as session:
        if suggest_only:
            runtime.print_json(ssvc_service.suggest(session, finding_id, role))
            return
        overrides = {k: (v, reason or "") for k, v in _pairs(set_, "--set").items()}
        row = ssvc_service.decide(
            session, finding_id=finding_id, role=role, overrides=overrides, actor=runtime.actor()
        )
        text = f"finding {finding_id}: SSVC {role} {row.outcome} {row.vector}"
    runtime.console.print(text, highlight=False)
