"""`medsec plan`: a product's TPLC cybersecurity management plan (seed 5.4) — show, set, history."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.tplc import service
from medsec.tplc.schemas import PlanContent

app = typer.Typer(
    help="TPLC cybersecurity management plan of a product (seed 5.4).", no_args_is_help=True
)
PRODUCT = typer.Option(..., "--product", "-p", help="Product name.")


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


@app.command("show")
def show(
    product: str = PRODUCT,
    version: int | None = typer.Option(None, "--version", help="An earlier version."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """The plan: what people wrote, and what the records say (monitoring, CVD, updates, EOS)."""
    with runtime.uow() as session:
        plan = service.show(session, product=product, actor=runtime.actor(), version=version)
    if fmt is Fmt.json:
        runtime.print_json(plan.model_dump(mode="json"))
        return
    out = runtime.console
    out.print(f"[bold]{escape(plan.product)}[/bold] plan version {plan.version}", highlight=False)
    t = Table("field", "value")
    for key, value in plan.content.model_dump(mode="json").items():
        shown = ", ".join(value) if isinstance(value, list) else value
        t.add_row(key, escape(str(shown)) if shown else "[yellow](to complete)[/yellow]")
    out.print(t)
    m = Table("monitoring source", "what", "every (s)", "last run")
    for s in plan.monitoring:
        m.add_row(s.name, escape(s.title), str(s.every_seconds or ""), str(s.last_run or ""))
    out.print(m)
    out.print(
        "CVD deadlines: "
        + ", ".join(f"{k}={v}" for k, v in plan.cvd_deadlines.items())
        + f" ({escape(plan.cvd_policy_source)})",
        highlight=False,
    )


def _opt(help_text: str) -> Any:
    return typer.Option(None, help=help_text)


@app.command("set")
def set_(
    product: str = PRODUCT,
    monitoring_review: str | None = _opt("How new findings are reviewed, by whom."),
    disclosure_policy_url: str | None = _opt("Where the CVD policy is published."),
    disclosure_contact: str | None = _opt("Contact for vulnerability reports."),
    update_cadence: str | None = _opt("Regular update cycle."),
    update_methods: str | None = _opt("Comma list: remote, user_managed, service_visit."),
    update_validation: str | None = _opt("How updates are validated."),
    recovery_plan: str | None = _opt("How device and customer return to normal operation."),
    isao_memberships: str | None = _opt("Comma list of ISAO/ISAC memberships."),
    end_of_support_policy: str | None = _opt("End-of-support policy."),
    recommended_controls: str | None = _opt("Controls recommended for the use environment."),
    backup_restore: str | None = _opt("Backup and restore."),
    infrastructure: str | None = _opt("Infrastructure requirements."),
    hardening: str | None = _opt("Hardening: anti-malware, firewall rules, allow-lists, logs."),
    incident_response: str | None = _opt("What users do when a vulnerability/incident is seen."),
    security_events: str | None = _opt("How the device signals security events."),
    configuration_backup: str | None = _opt("Configuration backup by privileged users."),
    update_procedure: str | None = _opt("Update procedure for authorized users."),
    note: str | None = typer.Option(None, "--note", help="Why this change (kept in history)."),
) -> None:
    """Change the plan: a new version with who and when (an empty value clears a field)."""
    given = {k: v for k, v in locals().items() if k in PlanContent.model_fields and v is not None}
    with runtime.uow() as session:
        plan = service.set_plan(
            session, product=product, changes=given, actor=runtime.actor(), note=note
        )
    runtime.console.print(
        f"plan of {escape(plan.product)}: version {plan.version}", highlight=False
    )


@app.command("history")
def history(product: str = PRODUCT, fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """Every version of the plan: who changed which fields, when."""
    with runtime.uow() as session:
        rows = service.history(session, product=product, actor=runtime.actor())
    if fmt is Fmt.json:
        runtime.print_json([r.model_dump(mode="json") for r in rows])
        return
    t = Table("version", "by", "at", "changed", "note")
    for r in rows:
        t.add_row(
            str(r.version),
            escape(r.created_by),
            r.created_at.isoformat(timespec="seconds"),
            ", ".join(r.changed),
            escape(r.note or ""),
        )
    runtime.console.print(t)
