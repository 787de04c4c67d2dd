"""`medsec notify`: notification preferences (e-mail, webhooks) and what was sent."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.notifications import rules, service
from medsec.notifications.schemas import PreferenceRead

app = typer.Typer(help="Notifications by e-mail and signed webhooks.", no_args_is_help=True)
KINDS = ", ".join(rules.EVENT_KINDS)


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


class Channel(StrEnum):
    """Where notifications go."""

    email = "email"
    webhook = "webhook"


def _pref_json(p: PreferenceRead) -> dict[str, Any]:
    return {
        "id": p.id,
        "account": p.account,
        "product": p.product,
        "channel": p.channel,
        "target": p.target,
        "events": p.events,
        "min_severity": p.min_severity,
        "deadline_days": p.deadline_days,
        "enabled": p.enabled,
        "created_at": p.created_at.isoformat() if p.created_at else None,
    }


@app.command("add")
def add(
    channel: Channel = typer.Option(..., "--channel", help="email or webhook."),
    target: str = typer.Option(..., "--to", help="An e-mail address or an http(s) URL."),
    event: list[str] = typer.Option(..., "--event", "-e", help=f"Repeatable: {KINDS}."),
    product: str | None = typer.Option(None, "--product", "-p", help="Default: every product."),
    min_severity: str = typer.Option(
        "high", "--min-severity", help=f"New findings from: {', '.join(rules.SEVERITIES)}."
    ),
    deadline_days: int = typer.Option(7, "--deadline-days", help="CVD deadlines within N days."),
    account: str | None = typer.Option(None, "--account", help="Another account's (admin)."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table or json."),
) -> None:
    """Tell an account of events by e-mail or webhook (a webhook's signing secret is shown once)."""
    with runtime.uow() as session:
        pref = service.add_preference(
            session,
            channel=channel.value,
            target=target,
            events=event,
            product=product,
            min_severity=min_severity,
            deadline_days=deadline_days,
            account=account,
            actor=runtime.actor(),
        )
    if fmt is Fmt.json:
        runtime.print_json({**_pref_json(pref), "secret": pref.secret})
        return
    runtime.console.print(
        escape(f"notification {pref.id}: {', '.join(pref.events)} to {pref.target}"),
        highlight=False,
    )
    if pref.secret:
        runtime.console.print(
            escape(
                f"signing secret (shown once; verify X-Medsec-Signature with it): {pref.secret}"
            ),
            highlight=False,
            soft_wrap=True,
        )


@app.command("list")
def list_(
    account: str | None = typer.Option(None, "--account", help="Another account's (admin)."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table or json."),
) -> None:
    """Notification preferences (yours; an admin sees every account's)."""
    with runtime.uow() as session:
        prefs = service.list_preferences(session, actor=runtime.actor(), account=account)
    if fmt is Fmt.json:
        runtime.print_json([_pref_json(p) for p in prefs])
        return
    table = Table("id", "account", "channel", "to", "events", "product", "from severity", "days")
    for p in prefs:
        table.add_row(
            str(p.id),
            escape(p.account),
            p.channel,
            escape(p.target),
            ", ".join(p.events),
            escape(p.product or "all"),
            p.min_severity,
            str(p.deadline_days),
        )
    runtime.console.print(table)


@app.command("remove")
def remove(
    pref_id: int = typer.Argument(..., help="The preference id (see `notify list`)."),
) -> None:
    """Stop a notification preference (what was sent stays recorded)."""
    with runtime.uow() as session:
        pref = service.remove_preference(session, pref_id=pref_id, actor=runtime.actor())
    runtime.console.print(escape(f"notification {pref.id} to {pref.target} removed"))


@app.command("deliveries")
def deliveries(
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table or json."),
) -> None:
    """What was sent or tried, newest first (yours; an admin sees all)."""
    with runtime.uow() as session:
        rows = service.list_deliveries(session, actor=runtime.actor(), limit=limit)
    if fmt is Fmt.json:
        runtime.print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("id", "event", "channel", "to", "status", "tries", "sent", "error")
    for r in rows:
        table.add_row(
            str(r.id),
            escape(r.event_title),
            r.channel,
            escape(r.target),
            r.status,
            str(r.attempts),
            r.sent_at.isoformat() if r.sent_at else "",
            escape(r.last_error or ""),
        )
    runtime.console.print(table)
