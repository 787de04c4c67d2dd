"""`medsec threats`: generate from the model, list, show, edit, risk and acceptance, and the
four questions."""

from __future__ import annotations

from enum import StrEnum

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.controls import service as controls
from medsec.errors import InvalidInput
from medsec.threats import service
from medsec.threats.schemas import ThreatCreate, ThreatEdit
from medsec.trace import service as trace

app = typer.Typer(
    help="Threats of a release (STRIDE per element, our library).", no_args_is_help=True
)
PRODUCT = typer.Option(..., "--product", "-p", help="Product name.")
RELEASE = typer.Option(..., "--release", "-r", help="Release version.")


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


@app.command("generate")
def generate(
    product: str = PRODUCT,
    release: str = RELEASE,
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Generate threats from the current model; edits are kept, vanished targets marked stale."""
    with runtime.uow() as session:
        out = service.generate(session, product=product, release=release, actor=runtime.actor())
    if fmt is Fmt.json:
        runtime.print_json(out.model_dump())
        return
    runtime.console.print(
        f"{out.created} new, {out.kept} kept, {out.stale} stale; {out.total} threats "
        f"(model version {out.model_version})",
        highlight=False,
    )


@app.command("list")
def list_(
    product: str = PRODUCT,
    release: str = RELEASE,
    status: str | None = typer.Option(None, "--status"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """The release's threats."""
    with runtime.uow() as session:
        rows = service.list_threats(
            session, product=product, release=release, actor=runtime.actor(), status=status
        )
    if fmt is Fmt.json:
        runtime.print_json([r.model_dump(mode="json") for r in rows])
        return
    t = Table("threat", "STRIDE", "title", "status", "severity", "risk")
    for r in rows:
        risk = f"{r.risk.residual} ({r.risk.status})" if r.risk else ""
        t.add_row(
            escape(r.key) + (" (stale)" if r.stale else ""),
            r.category,
            escape(r.title),
            r.status,
            r.severity or "",
            risk,
        )
    runtime.console.print(t)


@app.command("show")
def show(
    key: str,
    product: str = PRODUCT,
    release: str = RELEASE,
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """One threat with its risk record."""
    with runtime.uow() as session:
        r = service.get_threat(
            session, product=product, release=release, key=key, actor=runtime.actor()
        )
    if fmt is Fmt.json:
        runtime.print_json(r.model_dump(mode="json"))
        return
    for label, value in (
        ("threat", r.key),
        ("title", r.title),
        ("category", f"{r.category} ({r.category_name})"),
        ("target", f"{r.target_kind} {r.target_id or ''}"),
        ("status", r.status),
        ("severity", r.severity or ""),
        ("origin", r.origin),
        ("description", r.description or ""),
        ("principles", ", ".join(r.principles)),
        ("rationale", r.rationale or ""),
        ("risk", f"{r.risk.residual} residual, {r.risk.status}" if r.risk else "none yet"),
    ):
        runtime.console.print(f"{label:12} {escape(str(value))}", highlight=False)


@app.command("set")
def set_(
    key: str,
    product: str = PRODUCT,
    release: str = RELEASE,
    status: str | None = typer.Option(None, "--status", help="open|mitigated|accepted|transferred"),
    severity: str | None = typer.Option(None, "--severity", help="low|medium|high|critical"),
    title: str | None = typer.Option(None, "--title"),
    description: str | None = typer.Option(None, "--description"),
    rationale: str | None = typer.Option(None, "--rationale"),
) -> None:
    """Edit a threat (status, severity, text)."""
    with runtime.uow() as session:
        r = service.set_threat(
            session,
            product=product,
            release=release,
            key=key,
            actor=runtime.actor(),
            edit=ThreatEdit(
                status=status,
                severity=severity,
                title=title,
                description=description,
                rationale=rationale,
            ),
        )
    runtime.console.print(f"{escape(r.key)}: {r.status}", highlight=False)


@app.command("risk")
def risk(
    key: str,
    product: str = PRODUCT,
    release: str = RELEASE,
    hazardous_situation: str = typer.Option(..., "--hazardous-situation"),
    harm: str = typer.Option(..., "--harm"),
    severity: str = typer.Option(..., "--severity"),
    exploitability: str = typer.Option(..., "--exploitability"),
    rationale: str | None = typer.Option(None, "--rationale"),
) -> None:
    """Record the threat's patient-harm risk; the controls linked to it count only when their
    evidence verified them on this release."""
    with runtime.uow() as session:
        r, verified, linked = controls.assess_threat_risk(
            session,
            product=product,
            release=release,
            key=key,
            hazardous_situation=hazardous_situation,
            harm=harm,
            severity=severity,
            exploitability=exploitability,
            actor=runtime.actor(),
            rationale=rationale,
        )
    assert r.risk is not None
    runtime.console.print(
        f"{escape(r.key)}: risk version {r.risk.version}, before {r.risk.risk_before}, "
        f"residual {r.risk.residual} ({r.risk.region}); {verified} of "
        f"{linked} linked controls verified",
        highlight=False,
    )


@app.command("accept")
def accept(
    key: str,
    product: str = PRODUCT,
    release: str = RELEASE,
    rationale: str | None = typer.Option(None, "--rationale"),
) -> None:
    """Accept the residual risk of the threat (reviewer role)."""
    with runtime.uow() as session:
        r = service.accept_risk(
            session,
            product=product,
            release=release,
            key=key,
            actor=runtime.actor(),
            rationale=rationale,
        )
    runtime.console.print(f"{escape(r.key)}: residual risk accepted", highlight=False)


@app.command("questions")
def questions(
    product: str = PRODUCT,
    release: str = RELEASE,
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """The four questions of threat modelling (seed 5.2), answered from the record."""
    with runtime.uow() as session:
        m = trace.matrix(session, product=product, release=release, actor=runtime.actor())
    answers = {
        "what_are_we_building": m.what_are_we_building,
        "what_can_go_wrong": m.what_can_go_wrong,
        "what_are_we_going_to_do": m.what_are_we_going_to_do,
        "did_we_do_enough": m.did_we_do_enough,
    }
    if fmt is Fmt.json:
        runtime.print_json(answers | {"enough": m.enough})
        return
    for q, a in answers.items():
        runtime.console.print(f"{q.replace('_', ' ').capitalize()}? {escape(a)}", highlight=False)


@app.command("add")
def add(
    key: str,
    product: str = PRODUCT,
    release: str = RELEASE,
    title: str = typer.Option(..., "--title"),
    category: str = typer.Option(..., "--category", help="STRIDE letter: S, T, R, I, D or E."),
    target: str | None = typer.Option(None, "--target", help="Element or flow id."),
    description: str | None = typer.Option(None, "--description"),
    severity: str | None = typer.Option(None, "--severity"),
) -> None:
    """Add a threat by hand (one the library does not give)."""
    try:
        data = ThreatCreate(
            key=key,
            title=title,
            category=category.upper(),
            target_id=target,
            description=description,
            severity=severity,
        )
    except ValueError as exc:
        raise InvalidInput(f"threat {key!r}: {exc}") from None
    with runtime.uow() as session:
        r = service.add_threat(
            session, product=product, release=release, data=data, actor=runtime.actor()
        )
    runtime.console.print(f"threat {escape(r.key)} added ({r.target_kind})", highlight=False)
