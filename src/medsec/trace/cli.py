"""`medsec trace matrix` and `medsec vuln where` (variation analysis)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.errors import InvalidInput
from medsec.trace import export, service

app = typer.Typer(
    help="Traceability: threat, risk, control, verification, result.", no_args_is_help=True
)


class MatrixFmt(StrEnum):
    """Matrix output formats."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


@app.callback()
def _group() -> None:
    """Traceability: threat, risk, control, verification, result."""


@app.command("verifies")
def verifies(
    result_id: int = typer.Argument(..., help="The evidence result (medsec evidence list)."),
    threat: str = typer.Argument(..., help="The threat's key it verifies directly."),
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Link an evidence result to a threat it verifies directly (not through a control)."""
    with runtime.uow() as session:
        row = service.verify_threat(
            session,
            product=product,
            release=release,
            result_id=result_id,
            threat=threat,
            actor=runtime.actor(),
        )
    if fmt is Fmt.json:
        runtime.print_json(row.model_dump(mode="json"))
        return
    shown = ", ".join(f"{r.kind}:{r.key}={r.outcome}" for r in row.verified_by)
    runtime.console.print(
        f"{escape(row.threat)} verified by {escape(shown)}; gaps: {', '.join(row.gaps) or 'none'}",
        highlight=False,
    )


@app.command("matrix")
def matrix(
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    fmt: MatrixFmt = typer.Option(MatrixFmt.table, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o", help="File to write (xlsx needs it)."),
) -> None:
    """The traceability matrix of a release with its gaps flagged."""
    with runtime.uow() as session:
        m = service.matrix(session, product=product, release=release, actor=runtime.actor())
    if fmt is MatrixFmt.json:
        runtime.print_json(m.model_dump(mode="json"))
        return
    if fmt in (MatrixFmt.csv, MatrixFmt.xlsx):
        pure = service.to_matrix_rules(m)
        data = (
            export.to_csv(pure)
            if fmt is MatrixFmt.csv
            else export.to_xlsx(pure, f"{m.product} {m.release}")
        )
        if out is None:
            if fmt is MatrixFmt.xlsx:
                raise InvalidInput("--format xlsx needs --out FILE")
            typer.echo(data.decode(), nl=False)
        else:
            out.write_bytes(data)
            runtime.console.print(f"wrote {escape(str(out))}", highlight=False)
        return
    t = Table("threat", "status", "risk", "controls", "verification", "gaps")
    for r in m.rows:
        t.add_row(
            escape(r.threat),
            r.status,
            f"{r.risk.residual} ({r.risk.status})" if r.risk else "",
            escape(", ".join(c.key for c in r.controls)),
            ", ".join(c.verification for c in r.controls),
            "[red]" + ", ".join(r.gaps) + "[/red]" if r.gaps else "",
        )
    runtime.console.print(t)
    runtime.console.print(f"gaps: {', '.join(m.gaps) or 'none'}", highlight=False)
    runtime.console.print(f"Did we do enough? {escape(m.did_we_do_enough)}", highlight=False)


def vuln_where(
    ident: str = typer.Argument(..., help="A vulnerability id (any alias) or a component."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
    record: bool = typer.Option(
        False,
        "--record",
        help="Record the analysis as variation-analysis evidence on every release searched "
        "(of the products where you are an analyst); the design coverage counts it.",
    ),
) -> None:
    """Variation analysis: every product and release affected, with status."""
    with runtime.uow() as session:
        rows = service.where(session, ident=ident, actor=runtime.actor(), record=record)
    if fmt is Fmt.json:
        runtime.print_json([r.model_dump() for r in rows])
        return
    if not rows:
        runtime.console.print(
            f"no product release has a finding for {escape(ident)}", highlight=False
        )
        return
    t = Table(
        "product", "release", "component", "version", "vulnerability", "status", "VEX", "risk"
    )
    for r in rows:
        t.add_row(
            escape(r.product),
            escape(r.release),
            escape(r.component),
            escape(r.version or ""),
            escape(r.vulnerability),
            r.status,
            r.vex_status or "under investigation",
            f"{r.risk_residual} ({r.risk_status})" if r.risk_residual else "",
        )
    runtime.console.print(t)
