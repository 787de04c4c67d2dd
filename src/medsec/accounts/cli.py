"""`medsec account`: accounts and roles."""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from medsec.accounts import credentials, service
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
