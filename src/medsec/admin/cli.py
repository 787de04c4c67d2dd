"""`medsec account`: accounts and roles."""

from __future__ import annotations

import sys
from typing import Any

import typer
from rich.table import Table

from medsec.accounts import admin, credentials, service
from medsec.cli import runtime
from medsec.errors import InvalidInput
from medsec.products import service as products

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
def list_(fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """List accounts with their roles, products and state."""
    with runtime.uow() as session:
        data: list[dict[str, Any]] = [
            {
                "name": a.name,
                "roles": list(a.roles),
                "products": list(a.products),
                "disabled": service.is_disabled(a),
            }
            for a in service.list_accounts(session)
        ]
    if fmt == "json":
        runtime.print_json(data)
        return
    table = Table("account", "roles", "products", "state")
    for a in data:
        table.add_row(
            a["name"],
            ", ".join(a["roles"]),
            ", ".join(a["products"]) or "all",
            "disabled" if a["disabled"] else "active",
        )
    runtime.console.print(table)


@app.command("access")
def access(
    name: str,
    role: list[str] = typer.Option(
        [], "--role", help="Repeatable: admin, reviewer, analyst, viewer (replaces the roles)."
    ),
    product: list[str] = typer.Option(
        [], "--product", help="Repeatable: the products it may see (replaces the list)."
    ),
    all_products: bool = typer.Option(
        False, "--all-products", help="Let it see every product (clears the list)."
    ),
) -> None:
    """Change an account's roles and/or product access (admin; the last admin stays one)."""
    if product and all_products:
        raise InvalidInput("give --product or --all-products, not both")
    with runtime.uow() as session:
        known = {p.name for p in products.list_products(session)}
        unknown = [p for p in product if p not in known]
        if unknown:
            raise InvalidInput(f"--product: no product named {', '.join(map(repr, unknown))}")
        acc = admin.set_access(
            session,
            name=name,
            actor=runtime.actor(),
            roles=role or None,
            products=[] if all_products else (product or None),
        )
        roles, prods = ", ".join(acc.roles), ", ".join(acc.products) or "all"
    runtime.console.print(f"{name}: roles {roles}; products {prods}", markup=False)


@app.command("disable")
def disable(name: str) -> None:
    """Disable an account: no sign-in, no token, no action (admin; not the last admin)."""
    with runtime.uow() as session:
        admin.set_disabled(session, name=name, disabled=True, actor=runtime.actor())
    runtime.console.print(f"account {name} disabled; its web sessions ended", markup=False)


@app.command("enable")
def enable(name: str) -> None:
    """Enable a disabled account again (admin)."""
    with runtime.uow() as session:
        admin.set_disabled(session, name=name, disabled=False, actor=runtime.actor())
    runtime.console.print(f"account {name} enabled", markup=False)


@app.command("token")
def token(
    name: str,
    label: str | None = typer.Option(None, "--label", help="What the token is for."),
) -> None:
    """Issue an API token for an account; it is printed once and only its digest is kept."""
    with runtime.uow() as session:
        new = credentials.issue_token(session, name=name, label=label, actor=runtime.actor())
    runtime.console.print(f"token {new.id} for {name} (shown once, keep it safe):")
    sys.stdout.write(new.secret + "\n")


@app.command("tokens")
def tokens(name: str) -> None:
    """List an account's API tokens (ids, labels, dates; never the secrets)."""
    with runtime.uow() as session:
        rows = [
            (
                str(t.id),
                t.label or "",
                t.created_at.isoformat(timespec="seconds"),
                t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "",
                t.revoked_at.isoformat(timespec="seconds") if t.revoked_at else "",
            )
            for t in credentials.list_tokens(session, name)
        ]
    table = Table("id", "label", "created", "last used", "revoked")
    for row in rows:
        table.add_row(*row)
    runtime.console.print(table)


@app.command("revoke-token")
def revoke_token(token_id: int) -> None:
    """Revoke an API token by its id (see `medsec account tokens NAME`)."""
    with runtime.uow() as session:
        row = credentials.revoke_token(session, token_id=token_id, actor=runtime.actor())
        name = row.account
    runtime.console.print(f"token {token_id} of {name} revoked")


@app.command("password")
def password(name: str) -> None:
    """Set an account's web password (asked for on a terminal, else read from stdin)."""
    if sys.stdin.isatty():
        secret = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        secret = sys.stdin.readline().rstrip("\r\n")
    with runtime.uow() as session:
        credentials.set_password(session, name=name, password=secret, actor=runtime.actor())
    runtime.console.print(f"password of {name} set; its web sessions were ended")
