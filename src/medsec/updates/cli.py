"""`medsec update`: software updates, their method and regulatory oversight level."""

from __future__ import annotations

import typer
from rich.table import Table

from medsec.cli import runtime
from medsec.errors import InvalidInput
from medsec.updates import service

app = typer.Typer(help="Software updates (seed 6.4, Tables 2 and 3).", no_args_is_help=True)


@app.command("add")
def add(
    name: str,
    product: str = typer.Option(..., "--product", "-p"),
    method: str = typer.Option(..., "--method", help="remote, user_managed or service_visit."),
    fixes: list[str] = typer.Option(
        [], "--addresses", help="FINDING_ID[:fixed|risk_reduced|cyber_hygiene], repeatable."
    ),
    release: str | None = typer.Option(
        None, "--release", "-r", help="The release that ships the update."
    ),
    cyber_hygiene: bool = typer.Option(False, help="Also strengthens security in general."),
    other_impact: bool = typer.Option(False, help="Not solely a cybersecurity change."),
    description: str | None = typer.Option(None),
) -> None:
    """Record an update and derive its oversight level (the highest across what it addresses)."""
    addressed = []
    for item in fixes:
        fid, _, effect = item.partition(":")
        if not fid.isdigit():
            raise InvalidInput(f"--addresses {item!r}: expected FINDING_ID[:EFFECT]")
        addressed.append((int(fid), effect or "fixed"))
    with runtime.uow() as session:
        row = service.create(
            session,
            product=product,
            name=name,
            method=method,
            addressed=addressed,
            actor=runtime.actor(),
            release=release,
            cyber_hygiene=cyber_hygiene,
            other_impact=other_impact,
            description=description,
        )
        reasons = list(row.oversight_reasons)
        level = row.oversight
    runtime.console.print(f"update {name}: oversight level [bold]{level}[/bold] ({method})")
    for r in reasons:
        runtime.console.print(f"  {r}", highlight=False)


@app.command("list")
def list_(product: str = typer.Option(..., "--product", "-p")) -> None:
    """The updates of a product with their oversight level."""
    with runtime.uow() as session:
        rows = [
            (u.name, u.method, u.oversight, ", ".join(str(a["finding"]) for a in u.addressed))
            for u in service.list_updates(session, product=product)
        ]
    table = Table("update", "method", "oversight", "findings")
    for r in rows:
        table.add_row(*r)
    runtime.console.print(table)
