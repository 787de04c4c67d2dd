"""`medsec db`: schema migrations and the audit chain check."""

from __future__ import annotations

import typer

from medsec.audit import service as audit
from medsec.cli import runtime
from medsec.db import migrate
from medsec.db.engine import make_engine

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
def verify_audit() -> None:
    """Check the hash chain of the audit log; exit 2 when it was tampered with."""
    with runtime.uow() as session:
        broken = audit.verify_chain(session)
    if broken is not None:
        runtime.err_console.print(f"audit chain broken at event {broken}")
        raise typer.Exit(2)
    runtime.console.print("audit chain verified")
