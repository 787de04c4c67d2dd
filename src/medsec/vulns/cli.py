"""`medsec feeds` and `medsec vuln`: import vulnerability intelligence and look it up."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.vulns import codec, service, sources, sync
from medsec.vulns import display as vuln_display

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
                max_bytes=runtime.settings().feed_max_bytes,
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
        snaps = service.feed_snapshots(session)
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
        data = vuln_display.vulnerability_view(
            vuln.key, ids, records, service.kev_for(session, cves), service.epss_for(session, cves)
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


def _sync_row(r: sync.FeedSyncResult) -> dict[str, Any]:
    return {
        "feed": r.name,
        "kind": r.kind,
        "url": r.url,
        "status": r.status,
        "http": r.http,
        "requests": r.requests,
        "bytes": r.bytes,
        "imported": r.totals,
        "etag": r.etag,
        "last_modified": r.last_modified,
        "cursor": r.cursor,
        "notes": r.notes,
        "error": r.error,
    }


@feeds_app.command("sync")
def sync_(
    feed: list[str] = typer.Option([], "--feed", help="osv, nvd, kev or epss (default: all)."),
    osv_ecosystem: list[str] = typer.Option(
        [], "--osv-ecosystem", help="OSV ecosystems (default: MEDSEC_FEED_OSV_ECOSYSTEMS/config)."
    ),
    since: str | None = typer.Option(
        None, "--since", help="NVD: CVEs modified since DATE (ISO), instead of the cursor."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be fetched; no I/O."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Download the configured feeds (or their mirrors) and import what changed."""
    config = sources.load_config(runtime.settings().feed_environ)
    cfg = runtime.settings()
    results = sync.sync_feeds(
        runtime.uow,
        config=config,
        work_dir=cfg.home / "tmp" / "feed-sync",
        actor=runtime.actor(),
        kinds=feed or None,
        ecosystems=osv_ecosystem or None,
        since=sources.parse_since(since) if since else None,
        dry_run=dry_run,
        progress=lambda line: runtime.err_console.print(escape(line), highlight=False),
        import_max_bytes=cfg.feed_max_bytes,
    )
    if fmt is Fmt.json:
        runtime.print_json([_sync_row(r) for r in results])
    else:
        for r in results:
            _print_sync(r)
    failed = [r for r in results if r.error]
    for r in failed:
        runtime.err_console.print(
            escape(f"error: feed {r.name}: {r.error}"), highlight=False, soft_wrap=True
        )
    if failed:
        raise typer.Exit(1)


def _print_sync(r: sync.FeedSyncResult) -> None:
    out = runtime.console
    http = ", ".join(str(h) for h in r.http) if len(r.http) < 6 else f"{len(r.http)} responses"
    fetched = f"HTTP {http}, {r.bytes} bytes, {r.requests} request(s) from " if r.http else ""
    out.print(escape(f"{r.name}: {r.status}: {fetched}{r.url}"), highlight=False)
    t = r.totals
    if r.status == "imported":
        parts = [f"KEV {t['kev']}"] if t["kev"] else []
        parts += [f"EPSS {t['epss']}"] if t["epss"] else []
        if t["records"] or not parts:
            parts.insert(
                0,
                f"{t['records']} records ({t['new']} new, {t['updated']} updated, "
                f"{t['unchanged']} unchanged, {t['older_skipped']} older skipped, "
                f"{t['withdrawn']} withdrawn)",
            )
        out.print(f"  imported {'; '.join(parts)}; {t['problems']} problems", highlight=False)
    for note in r.notes:
        out.print(escape(f"  {note}"), highlight=False)
    validators = f"etag {r.etag} " if r.etag else ""
    validators += f"last-modified {r.last_modified} " if r.last_modified else ""
    out.print(escape(f"  cursor: {validators}{_dumps(r.cursor)}"), highlight=False)


def _dumps(value: Any) -> str:
    return orjson.dumps(value, default=str).decode()


@feeds_app.command("sources")
def sources_(
    osv_ecosystem: list[str] = typer.Option([], "--osv-ecosystem", help="OSV ecosystems."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """The configured feeds, their URLs (secrets masked) and where each sync stands."""
    config = sources.load_config(runtime.settings().feed_environ)
    with runtime.uow() as session:
        stored = sync.cursors(session)
        rows: list[dict[str, Any]] = []
        for src in config.sources(None, osv_ecosystem or None):
            row = stored.pop(src.name, None)
            rows.append(_source_row(src.name, src.kind, src.url, row))
        rows += [_source_row(n, n.split(":")[0], c.url, c, False) for n, c in stored.items()]
    key = sources.mask_secret(config.nvd_api_key)
    if fmt is Fmt.json:
        runtime.print_json({"config_file": config.config_file, "nvd_api_key": key, "feeds": rows})
        return
    runtime.console.print(
        escape(f"config file: {config.config_file or 'none'}; NVD API key: {key}"),
        highlight=False,
    )
    table = Table("feed", "url", "synced", "status", "cursor")
    for r in rows:
        where = r["url"] if r["configured"] else f"{r['url']} (not configured)"
        synced = (r["synced_at"] or "never")[:19]
        state = {k: r[k] for k in ("etag", "last_modified") if r[k]} | r["cursor"]
        table.add_row(
            r["feed"], escape(where), synced, escape(r["status"] or ""), escape(_dumps(state))
        )
    runtime.console.print(table)


def _source_row(
    name: str, kind: str, url: str, row: Any, configured: bool = True
) -> dict[str, Any]:
    return {
        "feed": name,
        "kind": kind,
        "url": url,
        "configured": configured,
        "etag": row.etag if row else None,
        "last_modified": row.last_modified if row else None,
        "synced_at": row.synced_at.isoformat() if row and row.synced_at else None,
        "status": row.status if row else None,
        "cursor": dict(row.cursor or {}) if row else {},
    }
