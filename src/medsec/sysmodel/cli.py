"""`medsec model`: a release's system model as code: import, export, show, diff, diagram."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.sysmodel import service
from medsec.threats import service as threats

app = typer.Typer(
    help="System model per release: elements, data flows, trust boundaries, interfaces.",
    no_args_is_help=True,
)
PRODUCT = typer.Option(..., "--product", "-p", help="Product name.")
RELEASE = typer.Option(..., "--release", "-r", help="Release version.")


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


class FileFmt(StrEnum):
    """File formats of a model."""

    yaml = "yaml"
    json = "json"


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="medsec model (YAML/JSON), Threat Dragon, OTM or pytm."),
    product: str = PRODUCT,
    release: str = RELEASE,
    note: str | None = typer.Option(None, "--note", help="Why this version."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Store a model file as the release's new version; imported threats are kept as threats."""
    data = runtime.read_input(file)
    with runtime.uow() as session:
        out = service.import_model(
            session,
            product=product,
            release=release,
            data=data,
            source=str(file),
            actor=runtime.actor(),
            note=note,
        )
        new = (
            threats.record_imported(
                session,
                product=product,
                release=release,
                threats=out.threats,
                actor=runtime.actor(),
            )
            if out.threats
            else 0
        )
    if fmt is Fmt.json:
        runtime.print_json(
            out.model.model_dump(mode="json", exclude={"document"}) | {"imported_threats": new}
        )
        return
    c = out.model.counts
    runtime.console.print(
        f"model version {out.model.version} of {escape(product)} {escape(release)} "
        f"({out.model.source_format}): {c['elements']} elements, {c['flows']} flows, "
        f"{c['boundaries']} trust boundaries, {c['interfaces']} interfaces; "
        f"{new} threats imported",
        highlight=False,
    )
    for item in out.model.unmapped:
        runtime.console.print(f"  not mapped: {escape(item)}", highlight=False)


@app.command("export")
def export(
    product: str = PRODUCT,
    release: str = RELEASE,
    file_format: FileFmt = typer.Option(FileFmt.yaml, "--format", "-f"),
    version: int | None = typer.Option(None, "--version", help="A past version."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
) -> None:
    """The model as a file (YAML or JSON), ready for review in a pull request."""
    with runtime.uow() as session:
        text = service.export(
            session,
            product=product,
            release=release,
            actor=runtime.actor(),
            fmt=file_format.value,
            version=version,
        )
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text)
        runtime.console.print(f"wrote {escape(str(out))}", highlight=False)


@app.command("show")
def show(
    product: str = PRODUCT,
    release: str = RELEASE,
    version: int | None = typer.Option(None, "--version"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """The model: elements with their interfaces, flows, trust boundaries."""
    with runtime.uow() as session:
        read = service.get(
            session, product=product, release=release, actor=runtime.actor(), version=version
        )
    if fmt is Fmt.json:
        runtime.print_json(read.model_dump(mode="json"))
        return
    doc = read.document
    runtime.console.print(
        f"{escape(read.name)}: version {read.version} ({read.source_format}) by "
        f"{escape(read.created_by)}",
        highlight=False,
    )
    t = Table("element", "type", "name", "boundary", "interfaces")
    for e in doc.get("elements", []):
        ifaces = ", ".join(
            f"{i['name']} ({i['kind']}, {'enabled' if i.get('enabled', True) else 'disabled'})"
            for i in e.get("interfaces", [])
        )
        t.add_row(
            *(
                escape(str(x))
                for x in (e["id"], e["type"], e["name"], e.get("boundary", ""), ifaces)
            )
        )
    runtime.console.print(t)
    f = Table("flow", "from", "to", "protocol", "port", "classification")
    for x in doc.get("flows", []):
        f.add_row(
            *(
                escape(str(v))
                for v in (
                    x["id"],
                    x["from"],
                    x["to"],
                    x.get("protocol", ""),
                    x.get("port", ""),
                    x.get("classification", ""),
                )
            )
        )
    runtime.console.print(f)


@app.command("diff")
def diff(
    product: str = PRODUCT,
    release: str = RELEASE,
    from_version: int = typer.Option(..., "--from", help="Model version to compare from."),
    to_version: int | None = typer.Option(None, "--to", help="Version to compare to (current)."),
    to_release: str | None = typer.Option(None, "--to-release", help="Another release's model."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """What changed between two versions of the model (or against another release)."""
    with runtime.uow() as session:
        changes = service.diff(
            session,
            product=product,
            release=release,
            actor=runtime.actor(),
            from_version=from_version,
            to_version=to_version,
            to_release=to_release,
        )
    if fmt is Fmt.json:
        runtime.print_json([c.model_dump() for c in changes])
        return
    if not changes:
        runtime.console.print("no differences")
        return
    t = Table("kind", "id", "change", "fields")
    for c in changes:
        t.add_row(c.kind, escape(c.id), c.change, ", ".join(c.fields))
    runtime.console.print(t)


@app.command("diagram")
def diagram(
    product: str = PRODUCT,
    release: str = RELEASE,
    out: Path = typer.Option(..., "--out", "-o", help="SVG file to write."),
    version: int | None = typer.Option(None, "--version"),
) -> None:
    """The data-flow diagram with trust boundaries, as SVG (Graphviz)."""
    with runtime.uow() as session:
        svg = service.diagram_svg(
            session, product=product, release=release, actor=runtime.actor(), version=version
        )
    out.write_text(svg)
    runtime.console.print(f"wrote {escape(str(out))}", highlight=False)
