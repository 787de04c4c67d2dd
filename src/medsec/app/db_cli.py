"""`medsec db`: schema migrations and the audit chain check."""

from __future__ import annotations

import typer

from medsec.audit import service as audit
from medsec.cli import runtime
from medsec.config import ANCHOR_FILE
from medsec.db import migrate
from medsec.db.engine import make_engine
from medsec.errors import InvalidInput

app = typer.Typer(help="Database schema and integrity.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Apply every pending migration (SQLite or PostgreSQL)."""
    engine = make_engine(runtime.settings().database_url)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    runtime.console.print(f"database at revision {after} (was {before or 'empty'})")


@app.command("verify-audit")
def verify_audit(
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Check the audit log: its hash chain, then its keyed anchors (tail deleted, log emptied,
    chain recomputed); exit 2 naming the check that failed."""
    if fmt not in ("table", "json"):
        raise InvalidInput(f"--format: {fmt!r} is not table or json")
    with runtime.uow() as session:
        anchor_file = runtime.settings().home / ANCHOR_FILE
        check = audit.verify(session, key=runtime.audit_key(), anchor_file=anchor_file)
    if fmt == "json":
        runtime.print_json(
            {
                "ok": check.ok,
                "events": check.events,
                "checkpoints": check.checkpoints,
                "failed": check.failed,
                "event_id": check.event_id,
                "detail": check.detail,
            }
        )
    if not check.ok:
        where = f" at event {check.event_id}" if check.event_id is not None else ""
        runtime.err_console.print(
            f"audit log check failed: {check.failed}{where}: {check.detail}", highlight=False
        )
        raise typer.Exit(2)
    if fmt == "table":
        runtime.console.print(
            f"audit chain verified: {check.events} events, {check.checkpoints} keyed anchors hold"
        )
