"""`medsec controls`: the Table 1 catalogue and a product's controls, links, verification."""

from __future__ import annotations

from enum import StrEnum

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.controls import service
from medsec.controls.schemas import ControlCreate
from medsec.errors import InvalidInput

app = typer.Typer(help="Security controls (seed Table 1 design principles).", no_args_is_help=True)
PRODUCT = typer.Option(..., "--product", "-p", help="Product name.")


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


@app.command("catalogue")
def catalogue(fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """The seven design principles of the seed's Table 1 and what to consider under each."""
    items = service.catalogue()
    if fmt is Fmt.json:
        runtime.print_json([p.model_dump() for p in items])
        return
    for p in items:
        runtime.console.print(f"[bold]{p.id}[/bold]: {p.name}")
        for point in p.points:
            runtime.console.print(f"  - {point}", highlight=False)


@app.command("list")
def list_(
    product: str = PRODUCT,
    release: str | None = typer.Option(None, "--release", "-r", help="Verification on it."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """A product's controls (and, with --release, whether evidence verified them)."""
    with runtime.uow() as session:
        rows = service.list_controls(
            session, product=product, actor=runtime.actor(), release=release
        )
    if fmt is Fmt.json:
        runtime.print_json([r.model_dump(mode="json") for r in rows])
        return
    t = Table("control", "name", "principles", "owner", "threats", "verification")
    for r in rows:
        t.add_row(
            escape(r.key),
            escape(r.name),
            ", ".join(r.principles),
            escape(r.owner or ""),
            str(len(r.threats)),
            r.verification or "(name a release)",
        )
    runtime.console.print(t)


@app.command("add")
def add(
    key: str = typer.Argument(..., help="Short id, e.g. C-TLS."),
    product: str = PRODUCT,
    name: str = typer.Option(..., "--name"),
    principle: list[str] = typer.Option([], "--principle", help="Design principle id (repeat)."),
    description: str | None = typer.Option(None, "--description"),
    rationale: str | None = typer.Option(None, "--rationale"),
    owner: str | None = typer.Option(None, "--owner"),
    side_effects: str | None = typer.Option(
        None, "--side-effects", help="Effect on safety and essential performance."
    ),
    evidence: list[str] = typer.Option([], "--evidence", help="KIND:PATTERN or tag:PATTERN."),
) -> None:
    """Add a control of the product (unverified until evidence says otherwise)."""
    try:
        data = ControlCreate(
            key=key,
            name=name,
            principles=principle,
            description=description,
            rationale=rationale,
            owner=owner,
            side_effects=side_effects,
            selectors=evidence,
        )
    except ValueError as exc:
        raise InvalidInput(f"control {key!r}: {exc}") from None
    with runtime.uow() as session:
        r = service.add_control(session, product=product, data=data, actor=runtime.actor())
    runtime.console.print(f"control {escape(r.key)} added", highlight=False)


@app.command("link")
def link(
    key: str,
    product: str = PRODUCT,
    release: str | None = typer.Option(None, "--release", "-r"),
    threat: list[str] = typer.Option([], "--threat", help="Threat key (repeat)."),
    finding: list[int] = typer.Option([], "--finding", help="Finding id (repeat)."),
    evidence: list[str] = typer.Option([], "--evidence", help="KIND:PATTERN or tag:PATTERN."),
) -> None:
    """Link the control to threats, findings and the evidence that verifies it."""
    with runtime.uow() as session:
        r = service.link(
            session,
            product=product,
            key=key,
            actor=runtime.actor(),
            release=release,
            threat_keys=threat,
            finding_ids=finding,
            selectors=evidence,
        )
    runtime.console.print(
        f"{escape(r.key)}: {len(r.threats)} threats, {len(r.findings)} findings, "
        f"{len(r.selectors)} evidence selectors",
        highlight=False,
    )


@app.command("show")
def show(
    key: str,
    product: str = PRODUCT,
    release: str | None = typer.Option(None, "--release", "-r"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """One control, its links and (with --release) its verification and results."""
    with runtime.uow() as session:
        r = service.get_control(
            session, product=product, key=key, actor=runtime.actor(), release=release
        )
    if fmt is Fmt.json:
        runtime.print_json(r.model_dump(mode="json"))
        return
    for label, value in (
        ("control", r.key),
        ("name", r.name),
        ("principles", ", ".join(r.principles)),
        ("owner", r.owner or ""),
        ("rationale", r.rationale or ""),
        ("side effects", r.side_effects or "none recorded"),
        ("threats", ", ".join(r.threats)),
        ("evidence", ", ".join(r.selectors)),
        ("verification", r.verification or "(name a release)"),
    ):
        runtime.console.print(f"{label:13} {escape(str(value))}", highlight=False)
    for x in r.results:
        runtime.console.print(
            f"  {x.outcome:8} {escape(x.kind)}:{escape(x.key)} ({escape(x.source_name)})",
            highlight=False,
        )
