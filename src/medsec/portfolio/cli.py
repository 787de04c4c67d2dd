"""`medsec product` and `medsec release`: thin commands over the products service."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

import typer
from pydantic import ValidationError
from rich.table import Table

from medsec.cli import runtime
from medsec.errors import InvalidInput
from medsec.lifecycle import service as lifecycle_service
from medsec.models import Product, Release
from medsec.products import service
from medsec.products.schemas import (
    NetworkInterface,
    ProductCreate,
    ProductRead,
    ProductUpdate,
    ReleaseCreate,
    ReleaseLineRead,
    ReleaseUpdate,
)
from medsec.sbom import service as sbom_service

product_app = typer.Typer(help="Device models (products).", no_args_is_help=True)
release_app = typer.Typer(help="Releases of a device model.", no_args_is_help=True)


class Fmt(StrEnum):
    """Output formats of list/show commands."""

    table = "table"
    json = "json"


class Environment(StrEnum):
    """Intended use environment of a release."""

    hospital = "hospital"
    home = "home"
    both = "both"


def _validated(model: type[Any], **values: Any) -> Any:
    try:
        return model(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"{where}: {first['msg']}") from exc


def product_dict(p: Product, releases: list[Release]) -> ProductRead:
    """A product as shown, with the versions of its releases."""
    return ProductRead(
        name=p.name,
        manufacturer=p.manufacturer.name,
        description=p.description,
        releases=[r.version for r in releases],
        markets=list(p.markets or []),
    )


def release_dict(product: str, r: Release) -> ReleaseLineRead:
    """A release as shown (without its SBOM revisions and lifecycle)."""
    return ReleaseLineRead(
        product=product,
        version=r.version,
        release_date=r.release_date,
        use_environment=r.use_environment,
        clinical_function=r.clinical_function,
        essential_performance=r.essential_performance,
        interfaces=r.interfaces,
    )


@product_app.command("add")
def product_add(
    name: str = typer.Argument(..., help="Unique product (device model) name."),
    manufacturer: str = typer.Option(..., "--manufacturer", "-m", help="Manufacturer name."),
    description: str | None = typer.Option(None, help="What the device is and does."),
) -> None:
    """Register a device model."""
    data = _validated(ProductCreate, name=name, manufacturer=manufacturer, description=description)
    with runtime.uow() as session:
        service.create_product(session, data=data, actor=runtime.actor())
    runtime.console.print(f"product [bold]{name}[/bold] added")


@product_app.command("list")
def product_list(fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """List device models."""
    with runtime.uow() as session:
        items = service.list_products(session)
        releases = service.releases_by_product(session, [p.id for p in items])
        rows = [product_dict(p, releases.get(p.id, [])) for p in items]
    if fmt is Fmt.json:
        runtime.print_json(rows)
        return
    table = Table("product", "manufacturer", "releases")
    for row in rows:
        table.add_row(row.name, row.manufacturer, ", ".join(row.releases))
    runtime.console.print(table)


@product_app.command("show")
def product_show(name: str, fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """Show one device model and its releases."""
    with runtime.uow() as session:
        p = service.get_product(session, name)
        data = product_dict(p, service.list_releases(session, product=name))
    if fmt is Fmt.json:
        runtime.print_json(data)
        return
    runtime.console.print(f"[bold]{data.name}[/bold] by {data.manufacturer}")
    if data.description:
        runtime.console.print(data.description)
    runtime.console.print(f"releases: {', '.join(data.releases) or '(none)'}")
    shown = ", ".join(data.markets) or "none recorded (the FDA profile applies)"
    runtime.console.print(f"markets: {shown}", markup=False, highlight=False)


@release_app.command("add")
def release_add(
    version: str = typer.Argument(..., help="Release version, e.g. 2.1.0."),
    product: str = typer.Option(..., "--product", "-p"),
    release_date: str | None = typer.Option(None, "--date", help="Release date, YYYY-MM-DD."),
    environment: Environment = typer.Option(
        Environment.hospital, "--environment", help="Intended use environment."
    ),
    clinical_function: str | None = typer.Option(None, help="Clinical function, in words."),
    essential_performance: str | None = typer.Option(None, help="Essential performance."),
    interface: list[str] = typer.Option(
        [], "--interface", help="NAME[:PROTOCOL[:PORT[:DIRECTION[:PURPOSE]]]], repeatable."
    ),
) -> None:
    """Add a release to a device model."""
    data = _validated(
        ReleaseCreate,
        version=version,
        release_date=_date(release_date),
        use_environment=environment.value,
        clinical_function=clinical_function,
        essential_performance=essential_performance,
        interfaces=[_interface(s) for s in interface],
    )
    with runtime.uow() as session:
        service.create_release(session, product=product, data=data, actor=runtime.actor())
    runtime.console.print(f"release [bold]{version}[/bold] of {product} added")


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"--date: {value!r} is not a YYYY-MM-DD date") from exc


def _interface(spec: str) -> NetworkInterface:
    parts = spec.split(":", 4)
    keys = ("name", "protocol", "port", "direction", "purpose")
    values: dict[str, Any] = {k: v for k, v in zip(keys, parts, strict=False) if v}
    if "port" in values and not str(values["port"]).isdigit():
        raise InvalidInput(f"--interface {spec!r}: port must be a number")
    result: NetworkInterface = _validated(NetworkInterface, **values)
    return result


@release_app.command("list")
def release_list(
    product: str = typer.Option(..., "--product", "-p"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """List the releases of a device model."""
    with runtime.uow() as session:
        rows = [release_dict(product, r) for r in service.list_releases(session, product=product)]
    if fmt is Fmt.json:
        runtime.print_json(rows)
        return
    table = Table("version", "date", "environment", "interfaces")
    for r in rows:
        ifaces = ", ".join(i["name"] for i in r.interfaces)
        date_ = r.release_date.isoformat() if r.release_date else ""
        table.add_row(r.version, date_, r.use_environment, ifaces)
    runtime.console.print(table)


@release_app.command("show")
def release_show(
    version: str,
    product: str = typer.Option(..., "--product", "-p"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Show one release: intended use, interfaces and SBOM revisions."""
    with runtime.uow() as session:
        r = service.get_release(session, product=product, version=version)
        data = release_dict(product, r).model_dump(mode="json")
        data["sbom_revisions"] = [
            {
                "revision": s.revision,
                "current": s.is_current,
                "components": s.component_count,
                "source": s.source_name,
                "imported_at": s.imported_at.isoformat(),
            }
            for s in sbom_service.list_revisions(session, product=product, version=version)
        ]
        data["lifecycle"] = lifecycle_service.release_summary(
            session, product=product, version=version, on=date.today()
        ).model_dump(mode="json", exclude={"product", "release"})
    if fmt is Fmt.json:
        runtime.print_json(data)
        return
    runtime.console.print(f"[bold]{product} {version}[/bold]  ({data['use_environment']} use)")
    for key in ("release_date", "clinical_function", "essential_performance"):
        if data[key]:
            runtime.console.print(f"{key.replace('_', ' ')}: {data[key]}")
    for i in data["interfaces"]:
        runtime.console.print(f"interface: {i}")
    for s in data["sbom_revisions"]:
        mark = "*" if s["current"] else " "
        runtime.console.print(
            f"{mark} SBOM revision {s['revision']}: {s['components']} components ({s['source']})"
        )
    lc = data["lifecycle"]
    runtime.console.print(
        f"support today: {lc['phase_words']}; end of life {lc['lifecycle']['eol'] or 'not set'}, "
        f"end of support {lc['lifecycle']['eos'] or 'not set'}; horizon "
        f"{lc['horizon'] or 'unknown'} {', '.join(lc['horizon_set_by'])}; "
        f"{lc['legacy']['status'].replace('_', ' ')}",
        highlight=False,
        markup=False,
    )
    for w in lc["warnings"]:
        runtime.console.print(f"warning: {w}", highlight=False, markup=False)


@product_app.command("edit")
def product_edit(
    name: str = typer.Argument(..., help="The product to change."),
    manufacturer: str | None = typer.Option(None, "--manufacturer", "-m", help="New manufacturer."),
    description: str | None = typer.Option(
        None, "--description", help="New description ('' clears it)."
    ),
    markets: str | None = typer.Option(
        None,
        "--markets",
        help="Markets, comma-separated jurisdiction profiles: fda, jp, eu, ca ('' clears: fda).",
    ),
) -> None:
    """Change a device model's manufacturer, description or markets (analyst role; audited)."""
    values: dict[str, Any] = {}
    if manufacturer is not None:
        values["manufacturer"] = manufacturer
    if description is not None:
        values["description"] = description or None
    if markets is not None:
        values["markets"] = [m for m in markets.split(",") if m.strip()]
    if not values:
        raise InvalidInput("nothing to change: give --manufacturer, --description or --markets")
    data = _validated(ProductUpdate, **values)
    with runtime.uow() as session:
        service.update_product(session, name=name, data=data, actor=runtime.actor())
    runtime.console.print(f"product [bold]{name}[/bold] changed: {', '.join(values)}")


@product_app.command("rename")
def product_rename(
    name: str = typer.Argument(..., help="The product's current name."),
    new_name: str = typer.Argument(..., help="Its new name."),
) -> None:
    """Rename a device model (analyst role; audited; per-product access follows the name)."""
    with runtime.uow() as session:
        service.rename_product(session, name=name, new_name=new_name, actor=runtime.actor())
    runtime.console.print(f"product [bold]{name}[/bold] renamed to [bold]{new_name}[/bold]")


@product_app.command("delete")
def product_delete(name: str = typer.Argument(..., help="The product to delete.")) -> None:
    """Delete a device model that nothing depends on (no release; admin role; audited)."""
    with runtime.uow() as session:
        service.delete_product(session, name=name, actor=runtime.actor())
    runtime.console.print(f"product [bold]{name}[/bold] deleted")


@release_app.command("edit")
def release_edit(
    version: str = typer.Argument(..., help="The release to change."),
    product: str = typer.Option(..., "--product", "-p"),
    release_date: str | None = typer.Option(None, "--date", help="Release date, YYYY-MM-DD."),
    environment: Environment | None = typer.Option(
        None, "--environment", help="Intended use environment."
    ),
    clinical_function: str | None = typer.Option(
        None, "--clinical-function", help="Clinical function, in words ('' clears it)."
    ),
    essential_performance: str | None = typer.Option(
        None, "--essential-performance", help="Essential performance ('' clears it)."
    ),
    interface: list[str] = typer.Option(
        [],
        "--interface",
        help="NAME[:PROTOCOL[:PORT[:DIRECTION[:PURPOSE]]]], repeatable; replaces the list.",
    ),
    no_interfaces: bool = typer.Option(False, "--no-interfaces", help="Clear the interfaces."),
) -> None:
    """Change a release's intended use, clinical function, essential performance, date or
    interfaces (analyst role; audited)."""
    values: dict[str, Any] = {}
    if release_date is not None:
        values["release_date"] = _date(release_date)
    if environment is not None:
        values["use_environment"] = environment.value
    if clinical_function is not None:
        values["clinical_function"] = clinical_function or None
    if essential_performance is not None:
        values["essential_performance"] = essential_performance or None
    if interface or no_interfaces:
        values["interfaces"] = [_interface(i) for i in interface]
    if not values:
        raise InvalidInput("nothing to change: give at least one option (see --help)")
    data = _validated(ReleaseUpdate, **values)
    with runtime.uow() as session:
        service.update_release(
            session, product=product, version=version, data=data, actor=runtime.actor()
        )
    runtime.console.print(
        f"release [bold]{version}[/bold] of {product} changed: {', '.join(values)}"
    )


@release_app.command("delete")
def release_delete(
    version: str = typer.Argument(..., help="The release to delete."),
    product: str = typer.Option(..., "--product", "-p"),
) -> None:
    """Delete a release that nothing depends on (no SBOM, findings, decisions; admin role)."""
    with runtime.uow() as session:
        service.delete_release(session, product=product, version=version, actor=runtime.actor())
    runtime.console.print(f"release [bold]{version}[/bold] of {product} deleted")
