"""`medsec account`: accounts and roles."""

from __future__ import annotations

import typer
from rich.table import Table

from medsec.accounts import service
from medsec.cli import runtime

app = typer.Typer(
    help="Accounts, roles (admin, reviewer, analyst, viewer) and product access.",
    no_args_is_help=True,
)


@app.command("add")
def add(
    name: str,
    role: list[str] = typer.Option(
        [], "--role", help="Repeatable: admin, reviewer, analyst, viewer."
    ),
    product: list[str] = typer.Option(
        [], "--product", help="Limit to these products (default: all)."
    ),
) -> None:
    """Add an account (the first account becomes admin)."""
    with runtime.uow() as session:
        account = service.add(
            session, name=name, roles=role, products=product, actor=runtime.actor()
        )
        roles = ", ".join(account.roles)
    runtime.console.print(f"account {name} added with roles: {roles}")


@app.command("list")
def list_() -> None:
    """List accounts with their roles and products."""
    with runtime.uow() as session:
        rows = [
            (a.name, ", ".join(a.roles), ", ".join(a.products) or "all")
            for a in service.list_accounts(session)
        ]
    table = Table("account", "roles", "products")
    for row in rows:
        table.add_row(*row)
    runtime.console.print(table)
