"""`medsec sbom`: import, show, check, diff, export and support information."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from medsec.cli import runtime
from medsec.errors import InvalidInput
from medsec.ingest.sbom import parse_sbom
from medsec.ingest.sbom_model import ParsedComponent
from medsec.sbom import rules, service
from medsec.sbom.schemas import HashRead, ParsedComponentRead

app = typer.Typer(help="SBOM inventory of each release.", no_args_is_help=True)


class Fmt(StrEnum):
    """Output formats of show/check/diff."""

    table = "table"
    json = "json"


class ExportFmt(StrEnum):
    """Export formats."""

    cyclonedx_json = "cyclonedx-json"
    spdx_json = "spdx-json"


@app.command("import")
def import_(
    file: Path = typer.Argument(
        ..., help="CycloneDX (JSON/XML) or SPDX (JSON/tag-value) document."
    ),
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    manufacturer: str | None = typer.Option(
        None, "--manufacturer", "-m", help="For a new product."
    ),
    lenient: bool = typer.Option(
        False, "--lenient", help="The default now (kept for scripts): see --strict."
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Refuse an SBOM with an invalid purl, CPE or hash. By default the component is "
        "kept and the bad value kept verbatim, flagged invalid (never matched), with a warning.",
    ),
    allow_empty: bool = typer.Option(
        False, "--allow-empty", help="Import an SBOM that lists no components."
    ),
    allow_shrink: bool = typer.Option(
        False,
        "--allow-shrink",
        help="Import an SBOM with less than half the components of the current revision.",
    ),
    create: bool = typer.Option(
        False, "--create", help="Create the product when no product has that name."
    ),
) -> None:
    """Import an SBOM as the new current revision of a release (the release is created when
    new; an unknown product only with --create)."""
    data = runtime.read_input(file)
    with runtime.uow() as session:
        res = service.import_sbom(
            session,
            data=data,
            source_name=str(file),
            product=product,
            version=release,
            manufacturer=manufacturer,
            actor=runtime.actor(),
            max_bytes=runtime.settings().max_document_bytes,
            strict=strict and not lenient,
            allow_empty=allow_empty,
            allow_shrink=allow_shrink,
            create_product=create,
        )
    out = runtime.console
    if res.created_product:
        out.print(f"created product [bold]{product}[/bold]")
    if res.created_release:
        out.print(f"created release [bold]{release}[/bold] of {product}")
    s = res.sbom
    kind = f"{s.format} {s.spec_version} {s.encoding}"
    out.print(f"imported {s.component_count} components ({kind}) as SBOM revision {s.revision}")
    if res.replaced_revision is not None:
        out.print(f"revision {res.replaced_revision} is kept and still readable with --revision")
    if res.carried_support:
        out.print(f"carried {res.carried_support} manual support entries forward")
    for w in res.warnings[:20]:
        runtime.err_console.print(f"warning: {file}: {w.location}: {w.message}", highlight=False)
    if len(res.warnings) > 20:
        runtime.err_console.print(
            f"warning: {len(res.warnings) - 20} more warnings (sbom show --format json)"
        )


def component_dict(c: ParsedComponent, support_source: str | None = None) -> ParsedComponentRead:
    """A component as shown, with where its support information came from."""
    return ParsedComponentRead(
        ref=c.ref,
        type=c.type,
        group=c.group,
        name=c.name,
        version=c.version,
        supplier=c.supplier,
        author=c.author,
        purl=c.purl,
        cpe=c.cpe,
        hashes=[HashRead(alg=a, content=v) for a, v in c.hashes],
        licenses=list(c.licenses),
        parent_ref=c.parent_ref,
        scope=c.scope,
        support_level=c.support_level,
        end_of_support=c.end_of_support,
        support_source=support_source,
    )


@app.command("show")
def show(
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    revision: int | None = typer.Option(None, help="An older revision (default: current)."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """List the components of a release's SBOM."""
    with runtime.uow() as session:
        sbom = service.get_sbom(session, product=product, version=release, revision=revision)
        parsed = service.load_parsed(session, sbom)
        support_source = {c.ref: c.support_source for c in service.components(session, sbom)}
    rows = [component_dict(c, support_source.get(c.ref)) for c in parsed.components]
    if fmt is Fmt.json:
        runtime.print_json(rows)
        return
    table = Table(
        "name",
        "version",
        "type",
        "supplier",
        "purl / cpe",
        "support",
        "EOS",
        title=f"{product} {release} — SBOM revision {sbom.revision}, {len(rows)} components",
    )
    for r in rows:
        name = f"{r.group}/{r.name}" if r.group else r.name
        table.add_row(
            name,
            r.version or "",
            r.type,
            r.supplier or "",
            r.purl or r.cpe or "",
            r.support_level or "",
            r.end_of_support.isoformat() if r.end_of_support else "",
        )
    runtime.console.print(table)


@app.command("check")
def check(
    file: Path | None = typer.Argument(None, help="An SBOM file (or use --product/--release)."),
    product: str | None = typer.Option(None, "--product", "-p"),
    release: str | None = typer.Option(None, "--release", "-r"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Report NTIA minimum elements and FDA support information per component, with a score."""
    if file is not None:
        parsed = parse_sbom(
            runtime.read_input(file),
            source=str(file),
            max_bytes=runtime.settings().max_document_bytes,
        )
    elif product and release:
        with runtime.uow() as session:
            parsed = service.load_parsed(
                session, service.get_sbom(session, product=product, version=release)
            )
    else:
        raise InvalidInput("give an SBOM file, or --product and --release")
    report = rules.check_quality(parsed)
    data = report.to_dict()
    if fmt is Fmt.json:
        runtime.print_json(data)
        return
    _print_quality(data)


def _print_quality(data: dict[str, Any]) -> None:
    out = runtime.console
    out.print(
        f"SBOM quality score: [bold]{data['score']}[/bold] / 100 "
        f"({data['component_count']} components)"
    )
    table = Table("element", "source", "required", "present", "of", "coverage")
    for cov in data["coverage"]:
        required = "yes" if cov["required"] else "info"
        table.add_row(
            cov["element"],
            cov["source"],
            required,
            str(cov["present"]),
            str(cov["total"]),
            f"{cov['percent']:.1f}%",
        )
    out.print(table)
    comps = data["components"]
    for item in comps[:30]:
        if item["missing"]:
            name = f"{item['name']} {item['version'] or ''}".strip()
            out.print(
                f"  {name} ({item['ref']}): missing {', '.join(item['missing'])}", highlight=False
            )
    if len(comps) > 30:
        out.print(f"  ... {len(comps) - 30} more components with gaps (--format json)")


@app.command("diff")
def diff(
    product: str = typer.Option(..., "--product", "-p"),
    from_: str = typer.Option(..., "--from", help="Older release version."),
    to: str = typer.Option(..., "--to", help="Newer release version."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Added, removed and version-changed components between two releases."""
    with runtime.uow() as session:
        old = service.load_parsed(
            session, service.get_sbom(session, product=product, version=from_)
        )
        new = service.load_parsed(session, service.get_sbom(session, product=product, version=to))
    result = rules.diff_components(old.components, new.components)
    data = result.to_dict()
    if fmt is Fmt.json:
        runtime.print_json(data)
        return
    for c in data["added"]:
        runtime.console.print(
            f"[green]+ {c['name']} {c.get('version') or ''}[/green]", highlight=False
        )
    for c in data["removed"]:
        runtime.console.print(f"[red]- {c['name']} {c.get('version') or ''}[/red]", highlight=False)
    for c in data["changed"]:
        runtime.console.print(
            f"[yellow]~ {c['name']} {c['from_version']} -> {c['to_version']}[/yellow]",
            highlight=False,
        )
    counts = (len(data["added"]), len(data["removed"]), len(data["changed"]))
    runtime.console.print("{} added, {} removed, {} changed".format(*counts))


@app.command("export")
def export(
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    fmt: ExportFmt = typer.Option(ExportFmt.cyclonedx_json, "--format", "-f"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default stdout)."
    ),
    original: bool = typer.Option(False, help="Write the original imported document instead."),
) -> None:
    """Export a release's SBOM as CycloneDX 1.6 JSON or SPDX 2.3 JSON (needs an account with
    access to the product, as every change does; audited)."""
    with runtime.uow() as session:
        data = service.export_document(
            session,
            product=product,
            version=release,
            fmt="original" if original else fmt.value,
            actor=runtime.actor(),
        )
    if output is None:
        sys.stdout.buffer.write(data + (b"" if data.endswith(b"\n") else b"\n"))
    else:
        output.write_bytes(data)
        runtime.err_console.print(f"wrote {output}")


@app.command("support")
def support(
    component: str = typer.Argument(..., help="bom-ref, purl, or NAME[@VERSION]."),
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    level: str | None = typer.Option(None, help="Level of support, e.g. actively_maintained."),
    end_of_support: str | None = typer.Option(None, "--end-of-support", help="YYYY-MM-DD."),
    note: str | None = typer.Option(None, help="Why / source of the information."),
) -> None:
    """Set level of support and end-of-support date of a component (kept across re-imports)."""
    eos = None
    if end_of_support:
        try:
            eos = date.fromisoformat(end_of_support)
        except ValueError as exc:
            raise InvalidInput(
                f"--end-of-support: {end_of_support!r} is not a YYYY-MM-DD date"
            ) from exc
    with runtime.uow() as session:
        changed = service.set_support(
            session,
            product=product,
            version=release,
            component=component,
            level=level,
            end_of_support=eos,
            note=note,
            actor=runtime.actor(),
        )
        names = [f"{c.name} {c.version or ''}".strip() for c in changed]
    runtime.console.print(
        f"support information set on {len(names)} component(s): {', '.join(names)}"
    )
