"""`medsec cvd`: coordinated vulnerability disclosure cases (ISO/IEC 29147/30111, seed 6.3)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.cvd import contacts, coordination, deadlines, intake, intake_service, links, service
from medsec.cvd import policy as policy_mod
from medsec.cvd.cli_output import case_json, deadline_state, print_detail, summary_json
from medsec.cvd.sanitize import ReportRejected
from medsec.errors import InvalidInput, NotFound
from medsec.jurisdictions import profiles as jurisdictions

app = typer.Typer(
    help="Vulnerability reports from finders and their handling (CVD, seed 6.3).",
    no_args_is_help=True,
)

REASON = typer.Option("", "--reason", help="Why (required where the rules say so).")


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


def _content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    for name, kind in intake.ALLOWED_TYPES.items():
        if suffix in kind.extensions:
            return name
    known = sorted({e for k in intake.ALLOWED_TYPES.values() for e in k.extensions})
    raise InvalidInput(f"{path}: --attach: type not accepted (extensions: {', '.join(known)})")


def _date(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} {value!r}: expected a date YYYY-MM-DD") from None


@app.command("submit")
def submit(
    product: str = typer.Option(..., "--product", "-p", help="Product as the finder named it."),
    version: str = typer.Option(..., "--version", help="Version as the finder gave it."),
    description_file: Path = typer.Option(..., "--description-file"),
    reproduction_file: Path | None = typer.Option(None, "--reproduction-file"),
    finder_name: str | None = typer.Option(None, "--finder-name"),
    finder_email: str | None = typer.Option(None, "--finder-email"),
    cvss_vector: str | None = typer.Option(None, "--cvss", help="CVSS vector the finder gave."),
    attach: list[Path] = typer.Option([], "--attach", help="A file the finder sent (repeatable)."),
    source: str = typer.Option("email", "--source", help="email (default), cli, web or api."),
) -> None:
    """Record a report that arrived by e-mail or phone; prints the receipt id and status token."""
    limits = intake.DEFAULT_LIMITS
    files: dict[str, Path] = {"description": description_file}
    fields: dict[str, str | bytes] = {
        "product": product,
        "version": version,
        "description": runtime.read_input(
            description_file, option="--description-file", limit=4 * 20_000
        ),
    }
    if reproduction_file is not None:
        files["reproduction_steps"] = reproduction_file
        fields["reproduction_steps"] = runtime.read_input(
            reproduction_file, option="--reproduction-file", limit=80_000
        )
    optional = {"finder_name": finder_name, "finder_email": finder_email}
    optional["cvss_vector"] = cvss_vector
    fields.update({k: v for k, v in optional.items() if v is not None})
    attachments = [
        (
            p.name,
            runtime.read_input(p, option="--attach", limit=limits.attachment_bytes),
            _content_type(p),
        )
        for p in attach
    ]
    for index, p in enumerate(attach):
        files[f"attachments[{index}]"] = p
    try:
        with runtime.uow() as session:
            case, receipt = intake_service.record_report(
                session,
                fields=fields,
                attachments=attachments,
                source=source,
                actor=runtime.actor(),
            )
            case_id = case.id
    except ReportRejected as exc:
        path = files.get(exc.field)
        if path is None:
            raise
        raise InvalidInput(f"{path}: {exc.message}") from None
    out = runtime.console
    out.print(f"case {case_id}: receipt id {receipt.receipt_id}", highlight=False)
    out.print(f"status token (shown once, give it to the finder): {receipt.status_token}")
    if receipt.held_for_review:
        out.print("held for review: the report looks like spam (see `medsec cvd show`)")


@app.command("list")
def list_(
    state: str | None = typer.Option(None, "--state", help="Only cases in this state."),
    overdue: bool = typer.Option(False, "--overdue", help="Only cases with a deadline overdue."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """The cases you may see, with their overdue deadlines."""
    with runtime.uow() as session:
        rows = service.list_cases(session, actor=runtime.actor(), state=state, overdue=overdue)
        data = [summary_json(r) for r in rows]
    if fmt is Fmt.json:
        runtime.print_json(data)
        return
    table = Table("id", "receipt", "state", "product", "received", "cve", "overdue", "title")
    for d in data:
        table.add_row(
            str(d.id),
            d.receipt_id,
            d.state + (" (held)" if d.held_for_review else ""),
            escape(d.product or "-"),
            (d.received_at or "")[:10],
            d.cve_id or "-",
            ", ".join(d.overdue) or "-",
            escape(d.title or "(embargoed)"),
        )
    runtime.console.print(table)


@app.command("show")
def show(
    case: str = typer.Argument(..., help="Case id or receipt id (VR-…)."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """One case: the report, timeline, deadlines (due/met/overdue), links, coordination."""
    with runtime.uow() as session:
        detail = service.case_detail(session, case=case, actor=runtime.actor())
        data = case_json(detail)
    if fmt is Fmt.json:
        runtime.print_json(data)
        return
    print_detail(data)


def _move(case: str, action: str, reason: str, outcome: str | None = None) -> None:
    with runtime.uow() as session:
        row = service.transition(
            session,
            case=case,
            action=action,
            actor=runtime.actor(),
            reason=reason,
            outcome=outcome,
        )
        shown = row.state + (f" ({row.outcome})" if row.outcome else "")
        receipt = row.receipt_id
    runtime.console.print(f"case {receipt}: {shown}", highlight=False)


@app.command("ack")
def ack(case: str, reason: str = REASON) -> None:
    """Acknowledge receipt to the finder (releases a report held for review)."""
    _move(case, "acknowledge", reason)


@app.command("triage")
def triage(
    case: str,
    outcome: str = typer.Option(
        ..., "--outcome", help="valid, duplicate, out_of_scope or not_reproducible."
    ),
    reason: str = REASON,
) -> None:
    """Record the verification outcome (again, with a reason, to change it)."""
    _move(case, "triage", reason, outcome)


@app.command("remediate")
def remediate(case: str, reason: str = REASON) -> None:
    """Start developing a fix or mitigation (or resume after a rejected fix, with a reason)."""
    _move(case, "start-remediation", reason)


@app.command("remediated")
def remediated(case: str, reason: str = REASON) -> None:
    """A fix or mitigation was released."""
    _move(case, "remediated", reason)


@app.command("disclose")
def disclose(case: str, reason: str = REASON) -> None:
    """The advisory was published (before a fix only with a reason)."""
    _move(case, "disclose", reason)


@app.command("close")
def close(case: str, reason: str = REASON) -> None:
    """Close the case (spam, not valid, or handling complete)."""
    _move(case, "close", reason)


@app.command("reopen")
def reopen(case: str, reason: str = typer.Option(..., "--reason")) -> None:
    """Reopen a closed case; it is triaged afresh."""
    _move(case, "reopen", reason)


@app.command("log")
def log(
    case: str,
    text: str = typer.Option(..., "--text"),
    to_finder: bool = typer.Option(False, "--to-finder", help="A message sent to the finder."),
    from_finder: bool = typer.Option(False, "--from-finder", help="A message from the finder."),
    channel: str = typer.Option("note", "--channel", help="e-mail, phone, status-page, note…"),
) -> None:
    """Add to the communication log (internal unless to or from the finder)."""
    if to_finder and from_finder:
        raise InvalidInput("--to-finder and --from-finder exclude each other")
    direction = "outbound" if to_finder else "inbound" if from_finder else "internal"
    with runtime.uow() as session:
        event = service.log_message(
            session,
            case=case,
            text=text,
            actor=runtime.actor(),
            direction=direction,
            channel=channel,
        )
        event_id = event.id
    runtime.console.print(f"logged {direction} message {event_id}", highlight=False)


@app.command("link")
def link(
    case: str,
    product: str | None = typer.Option(None, "--product", "-p"),
    release: str | None = typer.Option(None, "--release", "-r"),
    component: str | None = typer.Option(None, "--component", help="Id, or NAME[@VERSION]."),
    vuln: str | None = typer.Option(None, "--vuln", help="Any id of a known vulnerability."),
    finding: int | None = typer.Option(None, "--finding"),
) -> None:
    """Link the case to a product, release, component, vulnerability or finding."""
    with runtime.uow() as session:
        made = links.link(
            session,
            case=case,
            actor=runtime.actor(),
            product=product,
            release=release,
            component=component,
            vuln=vuln,
            finding=finding,
        )
        labels = [f"{m.kind} {m.label}" for m in made]
    for label in labels or ["nothing new (already linked)"]:
        runtime.console.print(f"linked: {escape(label)}", highlight=False)


@app.command("cve")
def cve(case: str, cve_id: str = typer.Argument(..., metavar="CVE-YYYY-NNNN")) -> None:
    """Record the CVE id assigned to the case."""
    with runtime.uow() as session:
        row = links.set_cve(session, case=case, cve_id=cve_id, actor=runtime.actor())
        shown = f"case {row.receipt_id}: {row.cve_id}"
    runtime.console.print(shown, highlight=False)


@app.command("credit")
def credit(
    case: str,
    name: str | None = typer.Argument(None, help="Credit as the finder asked, e.g. a name."),
    none: bool = typer.Option(False, "--none", help="Remove the credit."),
) -> None:
    """Record how the finder wants to be credited in advisories (or --none)."""
    if (name is None) == (not none):
        raise InvalidInput("give a credit or --none, not both or neither")
    with runtime.uow() as session:
        row = links.set_credit(session, case=case, credit=name, actor=runtime.actor())
        shown = f"case {row.receipt_id}: credit {row.credit or '(none)'}"
    runtime.console.print(escape(shown), highlight=False)


@app.command("coordinate")
def coordinate(
    case: str,
    informed: str = typer.Option(..., "--informed", help="Date informed, YYYY-MM-DD."),
    contact: str | None = typer.Option(None, "--contact", help="Annex B country code."),
    org: str | None = typer.Option(None, "--org", help="Organisation (free text or filter)."),
    role: str | None = typer.Option(None, "--role", help="cert, regulator or other (free text)."),
    country: str | None = typer.Option(None, "--country"),
    reference: str | None = typer.Option(None, "--reference", help="Their reference."),
    note: str | None = typer.Option(None, "--note"),
) -> None:
    """Record that a CERT or regulator was informed (Annex B contact or free text)."""
    day = _date("--informed", informed)
    with runtime.uow() as session:
        item = coordination.coordinate(
            session,
            case=case,
            informed=day,
            actor=runtime.actor(),
            contact=contact,
            org=org,
            role=role,
            country=country,
            reference=reference,
            note=note,
        )
        shown = f"informed {item.organisation} ({item.role}) on {item.informed_on.isoformat()}"
    runtime.console.print(escape(shown), highlight=False)


@app.command("embargo")
def embargo(case: str, until: str = typer.Argument(..., metavar="DATE|none")) -> None:
    """Set the agreed disclosure (embargo) date, or clear it with `none`."""
    day = None if until.lower() == "none" else _date("DATE", until)
    with runtime.uow() as session:
        row = coordination.set_embargo(session, case=case, until=day, actor=runtime.actor())
        shown = f"case {row.receipt_id}: embargo {day.isoformat() if day else 'cleared'}"
    runtime.console.print(shown, highlight=False)


@app.command("release-embargo")
def release_embargo(
    case: str,
    reason: str = typer.Option(..., "--reason", help="Why the embargo ends early (audited)."),
) -> None:
    """Release a case's embargo before its date (reviewer): its advisory can then be published."""
    with runtime.uow() as session:
        row = coordination.release_embargo(session, case=case, reason=reason, actor=runtime.actor())
        shown = f"case {row.receipt_id}: embargo until {row.embargo_date} released early"
    runtime.console.print(escape(shown), highlight=False)


@app.command("risk")
def risk(
    case: str, level: str = typer.Argument(..., metavar="controlled|uncontrolled|derived")
) -> None:
    """Record the risk class that sets the remediation deadline (or `unassessed`); where
    linked findings have risk records it comes from them (`derived`)."""
    with runtime.uow() as session:
        row = service.set_risk(session, case=case, risk=level, actor=runtime.actor())
        shown = f"case {row.receipt_id}: risk {row.risk}"
    runtime.console.print(shown, highlight=False)


@app.command("contacts")
def contacts_(
    country: str | None = typer.Option(None, "--country", help="ISO code or English name."),
) -> None:
    """CERTs and regulators from the seed's Annex B."""
    rows = contacts.contacts_for(country) if country else contacts.ANNEX_B
    if country and not rows:
        codes = ", ".join(code for code, _ in contacts.countries())
        raise NotFound(f"Annex B lists no contact for {country!r} (it lists {codes})")
    table = Table("country", "organisation", "role", "url")
    for c in rows:
        table.add_row(c.country_code, escape(c.organisation), c.role.value, c.urls[0])
    runtime.console.print(table)


@app.command("deadlines")
def deadlines_(
    markets: str | None = typer.Option(
        None,
        "--markets",
        help="A product's markets (fda, jp, eu, ca): the deadlines its cases get.",
    ),
) -> None:
    """The deadline policy in force, and where each value comes from."""
    pol = policy_mod.policy_from_env()
    chosen = policy_mod.for_markets(pol, jurisdictions.parse_markets(markets or ""))
    table = Table("setting", "value", "source")
    for key in deadlines.DeadlinePolicy.__dataclass_fields__:
        value = getattr(chosen.policy, key)
        if key == "holidays":
            value = ", ".join(sorted(d.isoformat() for d in value)) or "none"
        topic = policy_mod.TOPIC_OF_KEY.get(key, "")
        source = chosen.sources.get(topic) or pol.source_of(key)
        table.add_row(key, str(value), escape(source))
    runtime.console.print(table)
    runtime.console.print(f"markets: {', '.join(chosen.markets)}", markup=False)


__all__ = ["app", "deadline_state"]
