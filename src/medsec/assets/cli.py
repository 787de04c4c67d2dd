"""`medsec assets`: the hospital's installed devices, their exposure, controls and rollouts."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson
import typer
from pydantic import BaseModel
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.errors import InvalidInput

app = typer.Typer(
    help="The hospital's installed devices: inventory, exposure, controls, rollouts (seed 6.1, "
    "6.4.2).",
    no_args_is_help=True,
)
rollout_app = typer.Typer(help="Update rollouts across the facility.", no_args_is_help=True)
app.add_typer(rollout_app, name="rollout")


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


FORMAT = typer.Option(Fmt.table, "--format", "-f", help="table or json.")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"{option} {value!r}: write the date as YYYY-MM-DD") from exc


def _json(data: Any) -> None:
    if isinstance(data, BaseModel):
        runtime.print_json(data.model_dump(mode="json"))
    else:
        runtime.print_json([d.model_dump(mode="json") for d in data])


STATUS_LABELS = {
    "not_affected": "not affected",
    "fixed": "fixed",
    "affected": "affected",
    "under_investigation": "under investigation",
}


def _t(value: Any) -> str:
    return escape("-" if value in (None, "") else str(value))


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="CSV, XLSX or JSON inventory."),
    skip_bad_rows: bool = typer.Option(
        False, "--skip-bad-rows", help="Import the good rows and report each bad one."
    ),
    mapping: list[str] = typer.Option(
        [], "--map", help="HEADER=column for a differently named column, repeatable."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and report; store nothing."),
    fmt: Fmt = FORMAT,
) -> None:
    """Import an inventory: one transaction, every bad row named with its row number."""
    from medsec.assets import service
    from medsec.ingest.assets_table import COLUMNS, read_table

    renames: dict[str, str] = {}
    for item in mapping:
        header, sep, column = item.partition("=")
        if not sep or not header.strip() or column.strip() not in COLUMNS:
            raise InvalidInput(
                f"--map {item!r}: expected HEADER=COLUMN with COLUMN one of {', '.join(COLUMNS)}"
            )
        renames[header.strip()] = column.strip()
    table = read_table(runtime.read_input(file), str(file), renames)
    with runtime.uow() as session:
        result = service.import_assets(
            session,
            table=table,
            skip_bad_rows=skip_bad_rows or dry_run,
            actor=runtime.actor(),
            commit_preview=not dry_run,
        )
    if fmt is Fmt.json:
        _json(result)
        return
    out = runtime.console
    verb = "would import" if dry_run else "imported"
    out.print(
        f"{verb} {escape(str(file))} ({result.encoding}): {result.created} new, "
        f"{result.changed} changed, {result.unchanged} unchanged, {result.mapped} mapped",
        highlight=False,
    )
    if result.unknown_columns:
        out.print(
            "ignored unknown column(s): "
            + escape(", ".join(result.unknown_columns))
            + " (rename with --map HEADER=COLUMN)",
            highlight=False,
        )
    if result.empty_rows:
        out.print(f"skipped {len(result.empty_rows)} empty row(s)", highlight=False)
    for issue in result.skipped:
        where = f"row {issue.row}" + (f", {issue.column}" if issue.column else "")
        out.print(f"  skipped {where}: {escape(issue.message)}", highlight=False)


@app.command("list")
def list_(
    department: str | None = typer.Option(None, "--department"),
    segment: str | None = typer.Option(None, "--segment"),
    unmapped: bool = typer.Option(False, "--unmapped", help="Only assets mapped to nothing."),
    fmt: Fmt = FORMAT,
) -> None:
    """Installed devices, by asset tag."""
    from medsec.assets import service

    with runtime.uow() as session:
        rows = service.list_assets(
            session,
            actor=runtime.actor(),
            department=department,
            segment=segment,
            unmapped=unmapped,
        )
    if fmt is Fmt.json:
        _json(rows)
        return
    table = Table("asset", "manufacturer", "model", "version", "department", "segment", "runs")
    for a in rows:
        table.add_row(
            _t(a.asset_tag),
            _t(a.manufacturer),
            _t(a.model),
            _t(a.software_version),
            _t(a.department),
            _t(a.network_segment),
            _t(a.target_label or "(not mapped)"),
        )
    runtime.console.print(table)


@app.command("show")
def show(tag: str, fmt: Fmt = FORMAT) -> None:
    """One installed device and what it runs."""
    from medsec.assets import service

    with runtime.uow() as session:
        asset = service.get_asset(session, tag=tag, actor=runtime.actor())
    if fmt is Fmt.json:
        _json(asset)
        return
    for key, value in asset.model_dump().items():
        runtime.console.print(f"{key}: {_t(value)}", highlight=False)


@app.command("history")
def history(tag: str, fmt: Fmt = FORMAT) -> None:
    """An asset's configuration history: every change with who and when."""
    from medsec.assets import service

    with runtime.uow() as session:
        rows = service.history(session, tag=tag, actor=runtime.actor())
    if fmt is Fmt.json:
        _json(rows)
        return
    table = Table("when", "who", "what", "changes")
    for c in rows:
        changes = "; ".join(f"{k}: {v[0]} -> {v[1]}" for k, v in c.changes.items())
        table.add_row(c.at.isoformat(timespec="seconds"), _t(c.by), c.action, _t(changes))
    runtime.console.print(table)


@app.command("map")
def map_(
    asset: str | None = typer.Option(None, "--asset", help="Confirm the mapping of this asset…"),
    to: str | None = typer.Option(None, "--to", help="…to this target (as suggested)."),
    fmt: Fmt = FORMAT,
) -> None:
    """Unmapped assets with suggestions; `--asset TAG --to TARGET` confirms one (remembered)."""
    from medsec.assets import service

    if (asset is None) != (to is None):
        raise InvalidInput("give both --asset and --to to confirm a mapping")
    with runtime.uow() as session:
        if asset is not None and to is not None:
            changed = service.confirm_mapping(session, tag=asset, target=to, actor=runtime.actor())
            runtime.console.print(
                f"mapped {changed} asset(s) like {escape(asset)} to {escape(to)}; "
                "later imports reuse this mapping",
                highlight=False,
            )
            return
        groups = service.unmapped(session, actor=runtime.actor())
    if fmt is Fmt.json:
        _json(groups)
        return
    if not groups:
        runtime.console.print("every asset is mapped")
        return
    for g in groups:
        runtime.console.print(
            f"{_t(g.manufacturer)} {_t(g.model)} {_t(g.software_version)}: "
            f"{len(g.assets)} asset(s), e.g. {_t(g.assets[0])}",
            highlight=False,
        )
        for s in g.suggestions:
            runtime.console.print(
                f"  {s.score:5.1f}  --to {escape(s.target)}  {escape(s.label)} ({s.reason})",
                highlight=False,
            )
        if not g.suggestions:
            runtime.console.print("  no similar product known: import the vendor's SBOM or CSAF")


@app.command("exposure")
def exposure(
    asset: str | None = typer.Option(None, "--asset", help="One asset only."),
    on: str | None = typer.Option(None, "--on", help="Controls' state on this date (YYYY-MM-DD)."),
    fmt: Fmt = FORMAT,
) -> None:
    """What each device is exposed to after the vendor's VEX and your controls, with SSVC."""
    from medsec.assets import exposure as exposure_mod

    with runtime.uow() as session:
        rep = exposure_mod.report(
            session, actor=runtime.actor(), tags=[asset] if asset else None, on=_day(on, "--on")
        )
    if fmt is Fmt.json:
        _json(rep)
        return
    out = runtime.console
    table = Table(
        "asset", "department", "segment", "runs", "exposed", "mitigated", "cleared", "act"
    )
    for e in rep.assets:
        table.add_row(
            _t(e.asset_tag),
            _t(e.department),
            _t(e.network_segment),
            _t(e.target_label),
            str(e.exposed),
            str(e.mitigated),
            str(e.cleared),
            _t(e.worst),
        )
    out.print(table)
    if asset and rep.assets:
        detail = Table("vulnerability", "component", "state", "act", "vendor says", "remediation")
        for i in rep.assets[0].items:
            detail.add_row(
                _t(i.vulnerability),
                _t(i.component),
                i.state,
                _t(i.ssvc),
                _t(
                    ": ".join(
                        x
                        for x in (STATUS_LABELS.get(i.vendor_status or ""), i.vendor_statement)
                        if x
                    )
                ),
                _t("; ".join(i.remediations)),
            )
        out.print(detail)
    if rep.unmapped:
        out.print(
            f"{len(rep.unmapped)} asset(s) not mapped to a known release: see `medsec assets map`",
            highlight=False,
        )


@app.command("export")
def export(out: Path = typer.Option(..., "--out", help="CSV file to write.")) -> None:
    """The inventory as CSV (cells that look like formulas are escaped)."""
    import csv

    from medsec.assets import service
    from medsec.ingest.assets_table import COLUMNS, csv_safe

    with runtime.uow() as session:
        rows = service.list_assets(session, actor=runtime.actor())
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*COLUMNS, "runs"])
        for a in rows:
            data = a.model_dump(mode="json")
            writer.writerow(
                [csv_safe(_cell(data[c])) for c in COLUMNS] + [csv_safe(a.target_label or "")]
            )
    runtime.console.print(f"wrote {len(rows)} asset(s) to {escape(str(out))}", highlight=False)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@app.command("vendor-vex")
def vendor_vex(
    file: Path = typer.Argument(..., help="The vendor's CycloneDX VEX (JSON)."),
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    fmt: Fmt = FORMAT,
) -> None:
    """File a vendor's CycloneDX VEX against the release your devices run (one transaction)."""
    from medsec.findings import vex_import

    with runtime.uow() as session:
        result = vex_import.apply_vex(
            session,
            data=runtime.read_input(file),
            source=str(file),
            product=product,
            version=release,
            actor=runtime.actor(),
        )
    if fmt is Fmt.json:
        runtime.print_json(
            {
                "source": result.source,
                "statements": result.statements,
                "applied": result.applied,
                "unchanged": result.unchanged,
                "unmatched": result.unmatched,
            }
        )
        return
    runtime.console.print(
        f"{escape(str(file))}: {result.statements} statement(s), {result.applied} applied, "
        f"{result.unchanged} already in force, {len(result.unmatched)} about nothing in "
        f"{escape(product)} {escape(release)}",
        highlight=False,
    )
    for item in result.unmatched:
        runtime.console.print(f"  not in this release: {escape(item)}", highlight=False)


@app.command("segment")
def segment(
    name: str,
    exposure: str = typer.Option(..., "--exposure", help="isolated, controlled or open."),
    description: str | None = typer.Option(None, "--description"),
) -> None:
    """Create or change a network segment and how exposed it is."""
    from medsec.assets import operations

    with runtime.uow() as session:
        row = operations.set_segment(
            session, name=name, exposure=exposure, description=description, actor=runtime.actor()
        )
    runtime.console.print(f"segment {escape(row.name)}: {row.exposure}", highlight=False)


@app.command("segments")
def segments(fmt: Fmt = FORMAT) -> None:
    """Network segments with their exposure and asset counts."""
    from medsec.assets import operations

    with runtime.uow() as session:
        rows = operations.list_segments(session, actor=runtime.actor())
    if fmt is Fmt.json:
        _json(rows)
        return
    table = Table("segment", "exposure", "assets", "description")
    for s in rows:
        table.add_row(_t(s.name), s.exposure, str(s.assets), _t(s.description))
    runtime.console.print(table)


@app.command("control")
def control(
    kind: str = typer.Option(
        ...,
        "--kind",
        help="segmentation, firewall_rule, disabled_service, monitoring or physical_restriction.",
    ),
    description: str = typer.Option(..., "--description"),
    owner: str = typer.Option(..., "--owner"),
    asset: str | None = typer.Option(None, "--asset"),
    segment: str | None = typer.Option(None, "--segment"),
    covers: list[str] = typer.Option([], "--covers", help="A vulnerability id; none: all."),
    verified_on: str | None = typer.Option(None, "--verified-on"),
    expires_on: str | None = typer.Option(None, "--expires-on"),
    evidence: str | None = typer.Option(None, "--evidence"),
) -> None:
    """Record a compensating control on one asset or one network segment."""
    from medsec.assets import operations

    with runtime.uow() as session:
        row = operations.add_control(
            session,
            kind=kind,
            description=description,
            owner=owner,
            asset=asset,
            segment=segment,
            covers=covers,
            verified_on=_day(verified_on, "--verified-on"),
            expires_on=_day(expires_on, "--expires-on"),
            evidence=evidence,
            actor=runtime.actor(),
        )
    runtime.console.print(f"control {row.id} on {escape(row.scope)}: {row.state}", highlight=False)


@app.command("verify-control")
def verify_control(
    control_id: int,
    on: str = typer.Option(..., "--on", help="When it was checked (YYYY-MM-DD)."),
    evidence: str = typer.Option(..., "--evidence"),
    expires_on: str | None = typer.Option(None, "--expires-on"),
) -> None:
    """Record that a control was checked and works."""
    from medsec.assets import operations

    day = _day(on, "--on")
    assert day is not None
    with runtime.uow() as session:
        row = operations.verify_control(
            session,
            control_id=control_id,
            verified_on=day,
            evidence=evidence,
            expires_on=_day(expires_on, "--expires-on"),
            actor=runtime.actor(),
        )
    runtime.console.print(f"control {row.id}: {row.state}", highlight=False)


@app.command("controls")
def controls(on: str | None = typer.Option(None, "--on"), fmt: Fmt = FORMAT) -> None:
    """Compensating controls, expired or unverified ones flagged."""
    from medsec.assets import operations

    with runtime.uow() as session:
        rows = operations.list_controls(session, actor=runtime.actor(), on=_day(on, "--on"))
    if fmt is Fmt.json:
        _json(rows)
        return
    table = Table("id", "on", "kind", "covers", "owner", "state", "expires")
    for c in rows:
        table.add_row(
            str(c.id),
            _t(c.scope),
            c.kind,
            _t(", ".join(c.covers) or "all"),
            _t(c.owner),
            c.state if c.state == "active" else f"[red]{c.state}[/red]",
            _t(c.expires_on),
        )
    runtime.console.print(table)


@app.command("vendor")
def vendor(
    manufacturer: str,
    contact: str = typer.Option(..., "--contact", help="Security contact (e-mail, phone)."),
    psirt_url: str | None = typer.Option(None, "--psirt-url"),
    response_days: int | None = typer.Option(None, "--response-days"),
    patch_days: int | None = typer.Option(None, "--patch-days"),
    notes: str | None = typer.Option(None, "--notes"),
) -> None:
    """Record a vendor's security contact and service levels."""
    from medsec.assets import operations

    with runtime.uow() as session:
        row = operations.set_vendor(
            session,
            manufacturer=manufacturer,
            contact=contact,
            psirt_url=psirt_url,
            response_days=response_days,
            patch_days=patch_days,
            notes=notes,
            actor=runtime.actor(),
        )
    runtime.console.print(f"vendor {escape(row.manufacturer)} recorded", highlight=False)


@app.command("vendors")
def vendors(fmt: Fmt = FORMAT) -> None:
    """Vendors with their security contacts and service levels."""
    from medsec.assets import operations

    with runtime.uow() as session:
        rows = operations.list_vendors(session, actor=runtime.actor())
    if fmt is Fmt.json:
        _json(rows)
        return
    table = Table("vendor", "contact", "respond (days)", "patch (days)", "notes")
    for v in rows:
        table.add_row(
            _t(v.manufacturer), _t(v.contact), _t(v.response_days), _t(v.patch_days), _t(v.notes)
        )
    runtime.console.print(table)


@app.command("agreement")
def agreement(
    manufacturer: str,
    product_line: str = typer.Option(..., "--product-line"),
    duty: list[str] = typer.Option(
        ...,
        "--duty",
        help="WHAT=WHO, repeatable; WHAT: patches, segments, monitors, backs_up, "
        "informs_patients; WHO: manufacturer, hospital or shared.",
    ),
    agreed_on: str | None = typer.Option(None, "--agreed-on", help="YYYY-MM-DD"),
    reference: str | None = typer.Option(None, "--reference", help="The contract or letter."),
) -> None:
    """Record who does what for a vendor's product line (seed 6.4.2 b)."""
    from medsec.assets import operations

    duties = {}
    for item in duty:
        what, sep, who = item.partition("=")
        if not sep:
            raise InvalidInput(f"--duty {item!r}: expected WHAT=WHO")
        duties[what.strip()] = who.strip()
    with runtime.uow() as session:
        row = operations.set_agreement(
            session,
            manufacturer=manufacturer,
            product_line=product_line,
            duties=duties,
            agreed_on=_day(agreed_on, "--agreed-on"),
            reference=reference,
            actor=runtime.actor(),
        )
    runtime.console.print(
        f"agreement for {escape(row.manufacturer)} {escape(row.product_line)} recorded",
        highlight=False,
    )


@app.command("agreements")
def agreements(fmt: Fmt = FORMAT) -> None:
    """Who patches, segments, monitors per vendor product line."""
    from medsec.assets import operations

    with runtime.uow() as session:
        rows = operations.list_agreements(session, actor=runtime.actor())
    if fmt is Fmt.json:
        _json(rows)
        return
    table = Table("vendor", "product line", "who does what", "agreed", "reference")
    for a in rows:
        duties = ", ".join(f"{k}: {w}" for k, w in sorted(a.duties.items()))
        table.add_row(
            _t(a.manufacturer), _t(a.product_line), _t(duties), _t(a.agreed_on), _t(a.reference)
        )
    runtime.console.print(table)


@app.command("train")
def train(
    person: str,
    role: str = typer.Option(..., "--role"),
    topic: str = typer.Option(..., "--topic"),
    completed: str = typer.Option(..., "--completed", help="YYYY-MM-DD"),
    expires: str | None = typer.Option(None, "--expires", help="YYYY-MM-DD"),
) -> None:
    """Record a training (seed 6.1.1 b)."""
    from medsec.assets import operations

    done = _day(completed, "--completed")
    assert done is not None
    with runtime.uow() as session:
        operations.add_training(
            session,
            person=person,
            role=role,
            topic=topic,
            completed_on=done,
            expires_on=_day(expires, "--expires"),
            actor=runtime.actor(),
        )
    runtime.console.print(
        f"training of {escape(person)} on {escape(topic)} recorded", highlight=False
    )


@app.command("training")
def training(on: str | None = typer.Option(None, "--on"), fmt: Fmt = FORMAT) -> None:
    """Training records, expired ones flagged."""
    from medsec.assets import operations

    with runtime.uow() as session:
        rows = operations.list_training(session, actor=runtime.actor(), on=_day(on, "--on"))
    if fmt is Fmt.json:
        _json(rows)
        return
    table = Table("person", "role", "topic", "completed", "expires")
    for r in rows:
        expires = _t(r.expires_on) + (" [red](expired)[/red]" if r.expired else "")
        table.add_row(_t(r.person), _t(r.role), _t(r.topic), r.completed_on.isoformat(), expires)
    runtime.console.print(table)


@app.command("plan")
def plan(
    on: str | None = typer.Option(None, "--on", help="As of this date (YYYY-MM-DD)."),
    years: int = typer.Option(3, "--years", help="How far ahead, 1 to 10 years."),
    fmt: Fmt = FORMAT,
) -> None:
    """Devices reaching end of life / end of support by quarter, budget, legacy devices."""
    from medsec.assets import planning

    with runtime.uow() as session:
        rep = planning.plan(
            session, actor=runtime.actor(), on=_day(on, "--on") or date.today(), years=years
        )
    if fmt is Fmt.json:
        _json(rep)
        return
    out = runtime.console
    table = Table("quarter", "end of life", "end of support", "replacement budget", "no cost")
    for q in rep.quarters:
        table.add_row(
            q.quarter, str(len(q.end_of_life)), str(len(q.end_of_support)),
            f"{q.budget:,.0f}", str(q.missing_costs),
        )  # fmt: skip
    out.print(table)
    for item in rep.legacy:
        label = "legacy" if item.status == "legacy" else "at risk"
        out.print(
            f"{escape(item.asset_tag)} ({escape(item.runs)}): {label} — "
            + escape("; ".join(item.reasons)),
            highlight=False,
        )
    if rep.without_dates:
        out.print(
            f"{len(rep.without_dates)} device(s) run releases without end-of-support dates: "
            "ask the manufacturer",
            highlight=False,
        )


@rollout_app.command("plan")
def rollout_plan(
    name: str,
    update: str = typer.Option(..., "--update", help="The manufacturer's update."),
    method: str = typer.Option(..., "--method", help="remote, user_managed or service_visit."),
    target_version: str = typer.Option(..., "--target-version"),
    asset: list[str] = typer.Option([], "--asset", help="An asset tag, repeatable."),
    department: str | None = typer.Option(None, "--department"),
    segment: str | None = typer.Option(None, "--segment"),
    model: str | None = typer.Option(None, "--model"),
) -> None:
    """Plan an update for a group of assets."""
    from medsec.assets import rollouts

    with runtime.uow() as session:
        row = rollouts.plan(
            session,
            name=name,
            update_name=update,
            method=method,
            target_version=target_version,
            tags=asset,
            department=department,
            segment=segment,
            model=model,
            actor=runtime.actor(),
        )
    runtime.console.print(f"rollout {escape(row.name)}: {len(row.items)} asset(s) planned")


@rollout_app.command("validate")
def rollout_validate(
    name: str,
    result: str = typer.Option(..., "--result", help="passed or failed."),
    summary: str = typer.Option(..., "--summary", help="What the regression test covered."),
    on: str = typer.Option(..., "--on", help="YYYY-MM-DD"),
    asset: list[str] = typer.Option([], "--asset", help="Asset(s) it ran on, repeatable."),
) -> None:
    """Record the regression validation before the facility-wide rollout."""
    from medsec.assets import rollouts

    day = _day(on, "--on")
    assert day is not None
    with runtime.uow() as session:
        row = rollouts.validate(
            session,
            name=name,
            result=result,
            summary=summary,
            performed_on=day,
            tags=asset,
            actor=runtime.actor(),
        )
    runtime.console.print(f"rollout {escape(row.name)}: validation {result}", highlight=False)


@rollout_app.command("move")
def rollout_move(
    name: str,
    asset: str,
    status: str = typer.Option(
        ..., "--status", help="validated, installed, failed, rolled_back or planned."
    ),
    note: str | None = typer.Option(None, "--note"),
) -> None:
    """Move one asset of a rollout to a new state."""
    from medsec.assets import rollouts

    with runtime.uow() as session:
        rollouts.move(
            session, name=name, tag=asset, status=status, note=note, actor=runtime.actor()
        )
    runtime.console.print(f"{escape(asset)}: {status}", highlight=False)


@rollout_app.command("show")
def rollout_show(name: str, fmt: Fmt = FORMAT) -> None:
    """A rollout with its validations and each asset's state."""
    from medsec.assets import rollouts

    with runtime.uow() as session:
        row = rollouts.show(session, name=name, actor=runtime.actor())
    if fmt is Fmt.json:
        _json(row)
        return
    out = runtime.console
    out.print(
        f"{escape(row.name)}: {escape(row.update_name)} -> {escape(row.target_version)} "
        f"({row.method}); " + ", ".join(f"{k} {v}" for k, v in sorted(row.counts.items())),
        highlight=False,
    )
    for v in row.validations:
        out.print(
            f"  validation {v.performed_on}: {v.result} ({escape(v.summary)})", highlight=False
        )
    table = Table("asset", "status", "note", "by", "when")
    for i in row.items:
        table.add_row(
            _t(i.asset_tag), i.status, _t(i.note), _t(i.by), i.at.isoformat(timespec="seconds")
        )
    out.print(table)


@rollout_app.command("list")
def rollout_list(fmt: Fmt = FORMAT) -> None:
    """Every rollout with its counts per state."""
    from medsec.assets import rollouts

    with runtime.uow() as session:
        rows = rollouts.list_rollouts(session, actor=runtime.actor())
    if fmt is Fmt.json:
        _json(rows)
        return
    table = Table("rollout", "update", "method", "target", "states")
    for r in rows:
        states = ", ".join(f"{k} {v}" for k, v in sorted(r.counts.items()))
        table.add_row(_t(r.name), _t(r.update_name), r.method, _t(r.target_version), states)
    runtime.console.print(table)


@rollout_app.command("feedback")
def rollout_feedback(
    name: str,
    out: Path | None = typer.Option(None, "--out", help="Write the JSON message here."),
    text: bool = typer.Option(False, "--text", help="Print the e-mail text instead of JSON."),
) -> None:
    """Failed installations as a message for the manufacturer (JSON, or e-mail text)."""
    from medsec.assets import rollouts

    with runtime.uow() as session:
        message = rollouts.feedback(session, name=name, actor=runtime.actor())
    if out is not None:
        out.write_bytes(orjson.dumps(message, option=orjson.OPT_INDENT_2))
        runtime.console.print(f"wrote {escape(str(out))}", highlight=False)
    if text:
        runtime.console.print(escape(rollouts.feedback_text(message)), highlight=False)
    elif out is None:
        runtime.print_json(message)


@app.command("vendor-mds2")
def vendor_mds2(
    file: Path = typer.Argument(..., help="The vendor's MDS2 workbook (XLSX)."),
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    fmt: Fmt = FORMAT,
) -> None:
    """File a vendor's MDS2 XLSX against the release your devices run (answers stored)."""
    from medsec.assets import vendor_mds2 as statements

    with runtime.uow() as session:
        row = statements.file_statement(
            session,
            data=runtime.read_input(file),
            source=str(file),
            product=product,
            release=release,
            actor=runtime.actor(),
        )
    if fmt is Fmt.json:
        runtime.print_json(row.model_dump(mode="json"))
        return
    counts = ", ".join(f"{n} {k}" for k, n in sorted(row.counts.items())) or "no answers"
    runtime.console.print(
        f"{file}: filed against {row.product} {row.release}: {len(row.answers)} answer(s) "
        f"({counts})",
        highlight=False,
        markup=False,
    )
    for u in row.unknown:
        runtime.console.print(
            f"  unknown question id {u['id']!r} on sheet {u['sheet']!r} row {u['row']}",
            highlight=False,
            markup=False,
        )
    for w in row.warnings:
        runtime.console.print(f"  warning: {w}", highlight=False, markup=False)


@app.command("vendor-mds2-list")
def vendor_mds2_list(
    product: str | None = typer.Option(None, "--product", "-p"),
    release: str | None = typer.Option(None, "--release", "-r"),
    fmt: Fmt = FORMAT,
) -> None:
    """The vendor MDS2 statements filed, newest first."""
    from medsec.assets import vendor_mds2 as statements

    with runtime.uow() as session:
        rows = statements.list_statements(
            session, actor=runtime.actor(), product=product, release=release
        )
    if fmt is Fmt.json:
        runtime.print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("product", "release", "file", "answers", "filed by", "filed")
    for r in rows:
        table.add_row(
            escape(r.product), escape(r.release), escape(r.source), str(len(r.answers)),
            escape(r.filed_by), r.filed_at.date().isoformat(),
        )  # fmt: skip
    runtime.console.print(table)
