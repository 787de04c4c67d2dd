"""`medsec feeds` and `medsec vuln`: import vulnerability intelligence and look it up."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from medsec.cli import runtime
from medsec.findings import views
from medsec.models import FeedSnapshot
from medsec.vulns import codec, service
from medsec.vulns import repository as repo

feeds_app = typer.Typer(
    help="Vulnerability feeds: OSV, NVD, GitHub (OSV form), CISA KEV, EPSS.", no_args_is_help=True
)
vuln_app = typer.Typer(help="Look up vulnerabilities.", no_args_is_help=True)


class Source(StrEnum):
    """Feed kinds; auto detects from content."""

    auto = "auto"
    osv = "osv"
    nvd = "nvd"
    kev = "kev"
    epss = "epss"


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


@feeds_app.command("import")
def import_(
    paths: list[Path] = typer.Argument(..., help="Feed files, directories or zip dumps."),
    source: Source = typer.Option(Source.auto, "--source", "-s"),
) -> None:
    """Import feeds; idempotent; malformed records are reported and skipped."""
    for path in paths:
        with runtime.uow() as session:
            r = service.import_feed(
                session,
                path=path,
                actor=runtime.actor(),
                source=source.value,
                max_bytes=max(runtime.settings().max_document_bytes, 512 * 1024 * 1024),
            )
        kinds = ", ".join(sorted(r.kinds)) or "nothing"
        runtime.console.print(
            f"{path}: {kinds}: {r.records} records ({r.new} new, {r.updated} updated, "
            f"{r.unchanged} unchanged, {r.older_skipped} older skipped, {r.withdrawn} withdrawn); "
            f"KEV {r.kev}, EPSS {r.epss}",
            highlight=False,
        )
        skipped = [p for p in r.problems if p.fatal]
        for p in r.problems[:20]:
            what = "skipped" if p.fatal else "note"
            rid = f" {p.record_id}" if p.record_id else ""
            runtime.err_console.print(
                escape(f"{what}: {p.source}{rid}: {p.location}: {p.message}"), highlight=False
            )
        if len(r.problems) > 20:
            runtime.err_console.print(
                f"... {len(r.problems) - 20} more problems ({len(skipped)} skipped)"
            )


@feeds_app.command("list")
def list_(fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """Feed snapshots imported so far, newest first."""
    with runtime.uow() as session:
        snaps = list(
            session.execute(select(FeedSnapshot).order_by(FeedSnapshot.id.desc())).scalars()
        )
        rows: list[dict[str, Any]] = [
            {
                "id": s.id,
                "kind": s.kind,
                "source": s.source_name,
                "digest": s.digest,
                "imported_at": s.imported_at.isoformat(),
                "by": s.imported_by,
                "records": s.records,
                "problems": len(s.problems),
            }
            for s in snaps
        ]
    if fmt is Fmt.json:
        runtime.print_json(rows)
        return
    table = Table("id", "kind", "source", "records", "problems", "imported", "sha256")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["kind"],
            r["source"],
            str(r["records"]),
            str(r["problems"]),
            r["imported_at"][:19],
            r["digest"][:16],
        )
    runtime.console.print(table)


@vuln_app.command("show")
def show(vuln_id: str, fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """One vulnerability by any of its ids: aliases, sources, severities, KEV, EPSS."""
    with runtime.uow() as session:
        vuln, ids, advisories = service.get_vulnerability(session, vuln_id)
        records = [codec.to_record(a) for a in advisories]
        cves = [i for i in ids if i.startswith("CVE-")]
        data = views.vulnerability_view(
            vuln.key, ids, records, repo.kev_for(session, cves), repo.epss_for(session, cves)
        )
    if fmt is Fmt.json:
        runtime.print_json(data)
        return
    out = runtime.console
    out.print(
        f"[bold]{data['id']}[/bold] ({', '.join(data['aliases']) or 'no aliases'})", highlight=False
    )
    if data["summary"]:
        out.print(escape(data["summary"]), highlight=False)
    out.print(f"severity: {data['severity'] or 'unknown'} {data['cvss_score'] or ''}")
    for s in data["severities"]:
        out.print(
            f"  {s['source']}: {s['type']} {s['vector'] or ''} {s['score'] or ''} "
            f"{s['severity'] or ''}",
            highlight=False,
        )
    if data["kev"]:
        out.print(
            f"[red]CISA KEV[/red]: added {data['kev']['date_added']}, due {data['kev']['due_date']}"
        )
    if data["epss"]:
        out.print(
            f"EPSS: {data['epss']['score']:.5f} (percentile {data['epss']['percentile']:.3f})"
        )
    for r in data["records"]:
        out.print(
            f"  record {r['source']}:{r['id']} modified {r['modified']}"
            f"{' WITHDRAWN' if r['withdrawn'] else ''}",
            highlight=False,
        )
