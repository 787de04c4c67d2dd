"""`medsec match`, `medsec findings` and `medsec scan`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.core.severity import ORDER
from medsec.errors import InvalidInput
from medsec.findings import listing, overview, service
from medsec.findings import scan as scan_mod
from medsec.findings.sarif import to_sarif
from medsec.findings.schemas import FindingRead
from medsec.products import service as products
from medsec.sbom import service as sbom_service

findings_app = typer.Typer(help="Vulnerability findings of each release.", no_args_is_help=True)

EXIT_FINDINGS = 1


class Fmt(StrEnum):
    """Output formats of findings."""

    table = "table"
    json = "json"


class ScanFmt(StrEnum):
    """Output formats of a scan."""

    table = "table"
    json = "json"
    sarif = "sarif"


def match(
    product: str | None = typer.Option(None, "--product", "-p", help="Only this product."),
    release: str | None = typer.Option(None, "--release", "-r", help="Only this release."),
    full: bool = typer.Option(False, help="Re-match everything, not only what changed."),
) -> None:
    """Re-match releases against the stored feeds (only what changed since the last run)."""
    with runtime.uow() as session:
        ids = None
        if product and release:
            ids = [products.get_release(session, product=product, version=release).id]
        elif product:
            ids = [r.id for r in products.list_releases(session, product=product)]
        elif release:
            raise InvalidInput("--release needs --product")
        rep = service.match(session, actor=runtime.actor(), release_ids=ids, full=full)
    runtime.console.print(
        f"matched {rep.releases_full} release(s) fully, {rep.releases_incremental} incrementally: "
        f"{rep.components} components against {rep.advisories} records in {rep.seconds:.2f}s; "
        f"{rep.new} new, {rep.reopened} reopened, {rep.resolved} no longer matching, "
        f"{rep.active} active in what was matched",
        highlight=False,
    )
    for reason, n in rep.unmatched.most_common(5):
        runtime.err_console.print(
            f"not evaluated: {n} component(s): {escape(reason)}", highlight=False
        )


@findings_app.command("list")
def list_(
    product: str = typer.Option(..., "--product", "-p"),
    release: str | None = typer.Option(None, "--release", "-r"),
    all_: bool = typer.Option(False, "--all", help="Include findings that no longer match."),
    sort: str = typer.Option("release", "--sort", help="release, or priority (most urgent first)."),
    state: str | None = typer.Option(
        None, "--state", help="VEX state: under_investigation, affected, not_affected, fixed."
    ),
    severity: str | None = typer.Option(
        None, "--severity", help="critical, high, medium, low or none."
    ),
    kev: bool | None = typer.Option(
        None, "--kev/--no-kev", help="Only findings listed (or not listed) in CISA KEV."
    ),
    component: str | None = typer.Option(
        None, "--component", help="Part of the component's purl or name@version."
    ),
    search: str | None = typer.Option(
        None, "--search", help="Part of any id of the vulnerability (CVE, GHSA, ...)."
    ),
    upstream_only: bool = typer.Option(
        False,
        "--upstream-only",
        help="Only distribution packages matched by upstream CPE ranges alone (backports not "
        "considered; never counted as open).",
    ),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Findings of a product or release: component, vulnerability, severity, KEV, EPSS, why."""
    flt = overview.FindingFilter(state, severity, kev, all_, sort, component, search, upstream_only)
    with runtime.uow() as session:
        flt.check()
        rows = listing.find(session, product=product, version=release, query=flt.query())
    if fmt is Fmt.json:
        runtime.print_json(rows)
        return
    _table(rows, title=f"{product} {release or ''}".strip())


STATUS_WORDS = {"upstream_only": "upstream only: backports not considered"}


def _table(rows: Sequence[Any], *, title: str) -> None:
    table = Table(
        "id",
        "release",
        "component",
        "version",
        "vulnerability",
        "severity",
        "KEV",
        "EPSS",
        "status",
        "why",
        title=f"{title}: {len(rows)} findings",
    )
    for row in rows:  # a FindingRead (list) or a scan finding (a dict)
        r = row.model_dump() if isinstance(row, FindingRead) else row
        c, v = r["component"], r["vulnerability"]
        name = (
            f"{c.get('group')}/{c.get('name')}" if c.get("group") else c.get("name") or c.get("key")
        )
        epss = f"{v['epss']['score']:.3f}" if v["epss"] else ""
        table.add_row(
            str(r.get("id", "")),
            r.get("release", ""),
            escape(str(name)),
            escape(c.get("version") or ""),
            v["id"],
            f"{v['severity'] or '?'} {v['cvss_score'] or ''}".strip(),
            "yes" if v["kev"] else "",
            epss,
            STATUS_WORDS.get(r.get("status", "affected"), r.get("status", "affected")),
            escape(r["matched_by"][0]["reason"] if r["matched_by"] else ""),
        )
    runtime.console.print(table)


def scan(
    sbom: Path = typer.Argument(..., help="SBOM file to scan (CycloneDX or SPDX)."),
    feeds: list[Path] = typer.Option(
        [], "--feeds", help="Feed files/dirs/zips (default: stored feeds)."
    ),
    fmt: ScanFmt = typer.Option(ScanFmt.table, "--format", "-f"),
    fail_on: str | None = typer.Option(
        None, "--fail-on", help=f"Exit 1 if a finding is at or above: {', '.join(ORDER)}."
    ),
    product: str | None = typer.Option(
        None, "--product", "-p", help="Also store the SBOM in this product."
    ),
    release: str | None = typer.Option(
        None, "--release", "-r", help="... as this release, and match it."
    ),
    lenient: bool = typer.Option(
        False, "--lenient", help="The default now (kept for scripts): see --strict."
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Refuse an SBOM with an invalid purl, CPE or hash (by default such values are "
        "kept, flagged invalid and never matched, with a warning).",
    ),
) -> None:
    """Scan an SBOM file like osv-scanner or grype would: offline, exact, explained.

    Nothing is stored unless --product and --release are given. Exit codes: 0 no finding at or
    above --fail-on; 1 some; 2 refused input; 3 something named does not exist.
    """
    if fail_on is not None and fail_on not in ORDER:
        raise InvalidInput(f"--fail-on must be one of {', '.join(ORDER)}")
    if (product is None) != (release is None):
        raise InvalidInput("--product and --release go together")
    limit = runtime.settings().max_document_bytes
    data = runtime.read_input(sbom)
    refuse = strict and not lenient
    parsed = scan_mod.parse(data, source=str(sbom), max_bytes=limit, lenient=not refuse)
    for w in parsed.warnings[:20]:
        runtime.err_console.print(f"warning: {sbom}: {w.location}: {w.message}", highlight=False)
    if feeds:
        intel = scan_mod.load_feeds(feeds, max_bytes=runtime.settings().feed_max_bytes)
    else:
        with runtime.uow() as session:
            intel = scan_mod.load_stored(session, parsed)
    result = scan_mod.scan(parsed, intel)
    if product and release:
        with runtime.uow() as session:
            sbom_service.import_sbom(
                session,
                data=data,
                source_name=str(sbom),
                product=product,
                version=release,
                actor=runtime.actor(),
                max_bytes=limit,
                strict=refuse,
            )
            rel = products.get_release(session, product=product, version=release)
            service.match(session, actor=runtime.actor(), release_ids=[rel.id])
    _emit(result, fmt, str(sbom))
    if fail_on is not None and scan_mod.at_or_above(result.findings, fail_on):
        raise typer.Exit(EXIT_FINDINGS)


def _emit(result: scan_mod.ScanResult, fmt: ScanFmt, artifact: str) -> None:
    if fmt is ScanFmt.json:
        runtime.print_json(result.findings)
    elif fmt is ScanFmt.sarif:
        sys.stdout.write(
            orjson.dumps(
                to_sarif(result.findings, artifact=artifact), option=orjson.OPT_INDENT_2
            ).decode()
            + "\n"
        )
    else:
        _table(result.findings, title=artifact)
        runtime.err_console.print(
            f"{len(result.sbom.components)} components, {result.records} records, "
            f"{len(result.findings)} findings, {len(result.misses)} components not evaluated"
        )
