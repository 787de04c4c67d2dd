"""`medsec risk`: patient-harm risk records of findings, acceptance, heat map."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import orjson
import typer
from rich.table import Table

from medsec.cli import runtime
from medsec.cvd import service as cvd
from medsec.errors import InvalidInput
from medsec.findings import listing
from medsec.products import service as products
from medsec.risk import service

app = typer.Typer(
    help="Patient-harm risk of findings (ISO 14971 / AAMI TIR57).", no_args_is_help=True
)


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


@app.command("assess")
def assess(
    finding_id: int,
    hazardous_situation: str = typer.Option(..., "--hazardous-situation"),
    harm: str = typer.Option(..., "--harm"),
    severity: str = typer.Option(
        ..., "--severity", help="negligible, minor, serious, critical, catastrophic."
    ),
    control: list[str] = typer.Option(
        [], "--control", help="NAME[:EXPLOITABILITY_STEPS[:SEVERITY_STEPS[:unverified]]]"
    ),
    exploitability: str | None = typer.Option(
        None, "--exploitability", help="Override the derived level."
    ),
    override_reason: str | None = typer.Option(None, "--override-reason"),
    rationale: str | None = typer.Option(None, "--rationale"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Record (a new version of) a finding's risk: before and after controls, FDA class."""
    with runtime.uow() as session:
        record = service.assess(
            session,
            finding_id=finding_id,
            hazardous_situation=hazardous_situation,
            harm=harm,
            severity=severity,
            controls=[service.parse_control(c) for c in control],
            actor=runtime.actor(),
            exploitability=exploitability,
            override_reason=override_reason,
            rationale=rationale,
        )
        cvd.follow_risk_records(session, finding_ids=[finding_id], actor=runtime.actor())
        data = listing.risk_view(record)
    if fmt is Fmt.json:
        runtime.print_json(data)
        return
    assert data is not None
    runtime.console.print(
        f"finding {finding_id} risk v{data.version}: {data.severity} × "
        f"{data.exploitability} → {data.risk_before}; residual {data.residual} "
        f"({data.region}), {data.fda_class}",
        highlight=False,
    )
    for reason in data.evaluation["reasons"] + data.exploitability_reasons:
        runtime.console.print(f"  {reason}", highlight=False)


@app.command("accept")
def accept(finding_id: int, rationale: str | None = typer.Option(None, "--rationale")) -> None:
    """Sign off a finding's residual risk (reviewer role; never for an unacceptable one)."""
    with runtime.uow() as session:
        record = service.accept(
            session, finding_id=finding_id, actor=runtime.actor(), rationale=rationale
        )
        cvd.follow_risk_records(session, finding_ids=[finding_id], actor=runtime.actor())
        who = record.accepted_by
        text = f"finding {finding_id}: residual risk ({record.region}) accepted by {who}"
    runtime.console.print(text, highlight=False)


@app.command("heatmap")
def heatmap(
    product: str = typer.Option(..., "--product", "-p"),
    release: str | None = typer.Option(None, "--release", "-r"),
    residual: bool = typer.Option(False, help="Residual risk (after controls) instead of before."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """The risk heat map of a product's active findings: exploitability × severity counts."""
    with runtime.uow() as session:
        prod = products.get_product(session, product)
        data = service.heat_map(session, prod.id, service.release_ids_of(session, prod.id, release))
    if fmt is Fmt.json:
        runtime.print_json(data)
        return
    cells = {
        (c.exploitability, c.severity): c.count
        for c in (data.residual if residual else data.before)
    }
    table = Table(
        "exploitability \\ severity",
        *data.severity_levels,
        title=f"{product} {release or ''}: {data.records} risk records "
        f"({'residual' if residual else 'before controls'})",
    )
    for e in reversed(data.exploitability_levels):
        table.add_row(e, *(str(cells[(e, s)] or "") for s in data.severity_levels))
    runtime.console.print(table)


@app.command("policy")
def policy_(
    product: str = typer.Option(..., "--product", "-p"),
    set_: Path | None = typer.Option(None, "--set", help="JSON file of a policy to set (admin)."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Show (or set) a product's risk policy: levels, risk matrix and acceptability regions."""
    with runtime.uow() as session:
        if set_ is not None:
            raw = runtime.read_input(set_, option="--set")
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise InvalidInput(f"{set_}: not a readable JSON policy: {exc}") from exc
            pol = service.set_policy(session, product=product, data=data, actor=runtime.actor())
        else:
            pol = service.policy(session, products.get_product(session, product).id)
        shown = pol.to_dict()
    if fmt is Fmt.json:
        runtime.print_json(shown)
        return
    table = Table(
        "exploitability \\ severity", *shown["severity_levels"], title=f"{product}: {shown['name']}"
    )
    for e, row in reversed(list(zip(shown["exploitability_levels"], shown["cells"], strict=True))):
        table.add_row(e, *(f"{c['level']} ({c['region']})" for c in row))
    runtime.console.print(table)
