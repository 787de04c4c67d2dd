"""`medsec jobs list|run|history` and `medsec worker` (server mode)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.jobs import queue, service
from medsec.jobs.schemas import JobRunRead

app = typer.Typer(help="Background jobs: feed sync, re-match, CVD deadlines, notifications.")


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _run_json(r: JobRunRead) -> dict[str, Any]:
    return {
        "id": r.id,
        "job": r.name,
        "trigger": r.trigger,
        "status": r.status,
        "actor": r.actor,
        "queue_job_id": r.queue_job_id,
        "attempt": r.attempt,
        "started_at": _iso(r.started_at),
        "finished_at": _iso(r.finished_at),
        "summary": r.summary,
        "error": r.error,
    }


def _every(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"every {seconds // 86400} day(s)"
    if seconds % 3600 == 0:
        return f"every {seconds // 3600} hour(s)"
    if seconds % 60 == 0:
        return f"every {seconds // 60} minute(s)"
    return f"every {seconds} s"


@app.command("list")
def list_(fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table or json.")) -> None:
    """The background jobs, their schedule and last run (admin)."""
    with runtime.uow() as session:
        jobs = service.list_jobs(session, actor=runtime.actor())
    if fmt is Fmt.json:
        runtime.print_json(
            [
                {
                    "job": j.name,
                    "title": j.title,
                    "every_seconds": j.every_seconds,
                    "last_status": j.last_status,
                    "last_started_at": _iso(j.last_started_at),
                }
                for j in jobs
            ]
        )
        return
    table = Table("job", "what it does", "schedule", "last run", "status")
    for j in jobs:
        table.add_row(
            j.name,
            escape(j.title),
            _every(j.every_seconds),
            _iso(j.last_started_at) or "never",
            j.last_status or "-",
        )
    runtime.console.print(table)


@app.command("run")
def run(
    name: str = typer.Argument(..., help="The job (see `medsec jobs list`)."),
    defer: bool = typer.Option(
        False, "--defer", help="Queue it for a `medsec worker` (PostgreSQL) instead of here."
    ),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table or json."),
) -> None:
    """Run a job now, here, or queue it for the workers (admin); exit 1 when it fails."""
    if defer:
        queue.conninfo(runtime.settings().database_url)  # refused at once on the embedded db
    with runtime.uow() as session:
        service.check_run_allowed(session, name=name, actor=runtime.actor())
    if defer:
        job_id = queue.defer(runtime.settings(), runtime.session_factory(), name)
        if fmt is Fmt.json:
            runtime.print_json({"job": name, "queued": True, "queue_job_id": job_id})
        else:
            runtime.console.print(f"job {name} queued (queue id {job_id})", highlight=False)
        return
    result = service.run(
        runtime.uow, runtime.settings(), name=name, trigger="manual", actor=runtime.actor()
    )
    if fmt is Fmt.json:
        runtime.print_json(_run_json(result))
    else:
        runtime.console.print(
            escape(f"job {name} {result.status}: {result.error or result.summary}"),
            highlight=False,
            soft_wrap=True,
        )
    if result.status != "succeeded":
        raise typer.Exit(1)


@app.command("history")
def history(
    name: str | None = typer.Option(None, "--job", help="Only this job."),
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f", help="table or json."),
) -> None:
    """The newest job runs, who or what started them and how they ended (admin)."""
    with runtime.uow() as session:
        runs = service.history(session, actor=runtime.actor(), name=name, limit=limit)
    if fmt is Fmt.json:
        runtime.print_json([_run_json(r) for r in runs])
        return
    table = Table("id", "job", "trigger", "status", "attempt", "started", "finished", "result")
    for r in runs:
        table.add_row(
            str(r.id),
            r.name,
            r.trigger,
            r.status,
            str(r.attempt),
            _iso(r.started_at) or "",
            _iso(r.finished_at) or "",
            escape(r.error or ", ".join(f"{k}={v}" for k, v in r.summary.items())),
        )
    runtime.console.print(table)


def worker(
    concurrency: int = typer.Option(1, "--concurrency", min=1, max=32, help="Jobs at once."),
) -> None:
    """Run a background worker on the PostgreSQL job queue until stopped (server mode)."""
    cfg = runtime.settings()
    queue.conninfo(cfg.database_url)  # refuses the embedded database with a clear message
    runtime.engine()  # refuses a schema that is behind
    runtime.console.print("medsec worker: waiting for jobs (Ctrl+C stops)", highlight=False)
    queue.run_worker(cfg, runtime.session_factory(), concurrency=concurrency)
