"""`medsec backup` and `medsec restore`: the whole database to a file and back."""

from __future__ import annotations

from pathlib import Path

import typer

from medsec.backup import service
from medsec.cli import runtime
from medsec.db.engine import make_engine


def backup(
    out: Path = typer.Option(..., "--out", help="The backup file to write (must not exist)."),
) -> None:
    """Write a consistent online snapshot of the database (SQLite backup API, or pg_dump)."""
    done = service.backup(runtime.engine(), out)
    runtime.console.print(f"wrote {done.path} ({done.bytes} bytes, {done.kind})", highlight=False)


def restore(
    source: Path = typer.Argument(..., help="A file written by `medsec backup`."),
) -> None:
    """Restore a backup into an empty home or database, then verify the audit log."""
    engine = make_engine(runtime.settings().database_url)  # not migrated: it must be empty
    done = service.restore(engine, source, audit_key=runtime.audit_key())
    check = done.check
    assert check is not None
    if not check.ok:
        where = f" at event {check.event_id}" if check.event_id is not None else ""
        runtime.err_console.print(
            f"restored, but the audit log check failed: {check.failed}{where}: {check.detail}"
            + (" (the restored file was removed)" if done.kind == "sqlite" else ""),
            highlight=False,
        )
        raise typer.Exit(2)
    runtime.console.print(
        f"restored {source} ({done.kind}); audit chain verified: {check.events} events, "
        f"{check.checkpoints} keyed anchors hold",
        highlight=False,
    )
