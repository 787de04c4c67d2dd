"""`medsec share`: STIX 2.1 export for ISAOs, STIX 2.1 import, sharing agreements (seed 6.2)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.errors import InvalidInput
from medsec.sharing import service, stix_import
from medsec.sharing.schemas import SharedObjectRead

app = typer.Typer(
    help="Information sharing with ISAOs: STIX 2.1 export/import, agreements (seed 6.2).",
    no_args_is_help=True,
)


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


class ExportFormat(StrEnum):
    """Export formats."""

    stix = "stix"


def _date(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} {value!r}: expected a date YYYY-MM-DD") from None


@app.command("export")
def export(
    out: Path = typer.Option(..., "--out", help="The bundle file to write."),
    fmt: ExportFormat = typer.Option(ExportFormat.stix, "--format"),
    incident: str | None = typer.Option(None, "--incident", help="One incident (INC-…)."),
    since: str | None = typer.Option(None, "--since", help="Incidents detected since YYYY-MM-DD."),
    org: str = typer.Option(
        ..., "--org", envvar="MEDSEC_SHARING_ORG", help="The sharing organisation's name."
    ),
    partner: str = typer.Option(
        ...,
        "--partner",
        help="The ISAO or partner the bundle is for: a sharing agreement with it must allow "
        "each incident (TLP and scope); others are withheld.",
    ),
) -> None:
    """Write a redacted STIX 2.1 bundle (TLP 2.0 marked, schema-validated) for an ISAO."""
    assert fmt is ExportFormat.stix
    with runtime.uow() as session:
        made = service.export_stix(
            session,
            out=out,
            organisation=org,
            partner=partner,
            actor=runtime.actor(),
            incident=incident,
            since=_date("--since", since),
        )
    parts = ", ".join(f"{n} {k}" for k, n in made.counts.items())
    runtime.console.print(
        f"wrote {made.path} for {escape(made.partner)}: {made.objects} objects ({parts}), "
        f"TLP:{made.tlp.upper()}",
        highlight=False,
    )
    for line in made.withheld:
        runtime.console.print(f"  withheld {escape(line)}", highlight=False)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A STIX 2.1 bundle (JSON)."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Import a STIX 2.1 bundle from an ISAO (validated; indicators and vulnerabilities linked
    to the products and findings they name)."""
    data = runtime.read_input(file, limit=stix_import.MAX_BYTES)
    with runtime.uow() as session:
        made = service.import_stix(session, data=data, source_name=str(file), actor=runtime.actor())
    if fmt is Fmt.json:
        runtime.print_json(made.model_dump(mode="json"))
        return
    runtime.console.print(
        f"imported {escape(made.source_name)}: {made.object_count} objects, "
        f"{len(made.objects)} indicators/vulnerabilities kept",
        highlight=False,
    )
    _objects(made.objects)


def _objects(objects: list[SharedObjectRead]) -> None:
    table = Table("type", "name", "CVEs", "products", "findings")
    for o in objects:
        table.add_row(
            o.stix_type,
            escape(o.name or o.stix_id),
            ", ".join(o.cves) or "-",
            escape(", ".join(o.products)) or "-",
            ", ".join(str(f) for f in o.findings) or "-",
        )
    runtime.console.print(table)


@app.command("list")
def list_(fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """What was imported, with links."""
    with runtime.uow() as session:
        rows = service.list_imports(session, actor=runtime.actor())
    if fmt is Fmt.json:
        runtime.print_json([r.model_dump(mode="json") for r in rows])
        return
    for r in rows:
        runtime.console.print(
            f"import {r.id}: {escape(r.source_name)} ({r.object_count} objects)", highlight=False
        )
        _objects(r.objects)


@app.command("agreement")
def agreement(
    partner: str = typer.Option(..., "--partner"),
    scope: str = typer.Option(..., "--scope", help="What may be shared, for what purpose."),
    tlp: str = typer.Option(..., "--tlp", help="Highest TLP agreed."),
    signed: str = typer.Option(..., "--signed", help="YYYY-MM-DD"),
    expires: str | None = typer.Option(None, "--expires", help="YYYY-MM-DD"),
) -> None:
    """Record a written information-sharing agreement."""
    signed_on = _date("--signed", signed)
    assert signed_on is not None
    with runtime.uow() as session:
        made = service.add_agreement(
            session,
            partner=partner,
            scope=scope,
            tlp=tlp,
            signed_on=signed_on,
            expires_on=_date("--expires", expires),
            actor=runtime.actor(),
        )
    runtime.console.print(f"agreement {made.id} with {escape(made.partner)}", highlight=False)


@app.command("agreements")
def agreements(fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """The sharing agreements."""
    with runtime.uow() as session:
        rows = service.list_agreements(session, actor=runtime.actor())
    if fmt is Fmt.json:
        runtime.print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("id", "partner", "TLP", "signed", "expires", "scope")
    for r in rows:
        table.add_row(
            str(r.id),
            escape(r.partner),
            r.tlp.upper(),
            str(r.signed_on),
            str(r.expires_on or "-"),
            escape(r.scope),
        )
    runtime.console.print(table)
