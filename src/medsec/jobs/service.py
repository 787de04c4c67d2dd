"""Job use cases: run a job with its run recorded, list jobs and their history (admins)."""

from __future__ import annotations

import logging
import traceback
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.config import Settings
from medsec.core.clock import utcnow
from medsec.jobs import catalog
from medsec.jobs import repository as repo
from medsec.jobs.schemas import JobContext, JobRead, JobRunRead, UnitOfWork
from medsec.models import JobRun

log = logging.getLogger("medsec.jobs")
SYSTEM_ACTOR = "job:{name}"


def _aware(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they are UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _read(run: JobRun) -> JobRunRead:
    return JobRunRead(
        id=run.id,
        name=run.name,
        trigger=run.trigger,
        status=run.status,
        actor=run.actor,
        queue_job_id=run.queue_job_id,
        attempt=run.attempt,
        started_at=_aware(run.started_at),
        finished_at=_aware(run.finished_at),
        summary=dict(run.summary or {}),
        error=run.error,
    )


def require_admin(session: Session, actor: str, what: str) -> None:
    """Refuse unless the actor is an admin."""
    accounts.require(session, actor, "admin", rule=f"only an admin {what}")


def check_run_allowed(session: Session, *, name: str, actor: str) -> None:
    """A person may start a job by hand only as an admin, and only a known job."""
    catalog.spec(name)
    require_admin(session, actor, "runs background jobs")
    audit.record(session, actor=actor, action="job.run", object_type="job", details={"job": name})


def run(
    uow: UnitOfWork,
    settings: Settings,
    *,
    name: str,
    trigger: str,
    actor: str | None = None,
    queue_job_id: int | None = None,
    attempt: int = 1,
) -> JobRunRead:
    """Run one job now, its run recorded before (running) and after (succeeded or failed)."""
    spec = catalog.spec(name)
    who = actor or SYSTEM_ACTOR.format(name=name)
    with uow() as session:
        row = JobRun(
            name=name,
            trigger=trigger,
            status="running",
            actor=who,
            queue_job_id=queue_job_id,
            attempt=attempt,
            started_at=utcnow(),
            summary={},
        )
        session.add(row)
        session.flush()
        run_id = row.id
    status, summary, error = "succeeded", {}, None
    try:
        summary = spec.body(JobContext(uow=uow, settings=settings, actor=who))
    except Exception as exc:
        status, error = "failed", f"{type(exc).__name__}: {exc}"[:4000]
        log.error("job %s failed: %s", name, "".join(traceback.format_exception(exc))[-4000:])
    with uow() as session:
        done = session.get(JobRun, run_id)
        if done is None:  # pragma: no cover - the row was committed above
            raise RuntimeError(f"job run {run_id} vanished")
        done.status, done.summary, done.error, done.finished_at = status, summary, error, utcnow()
        session.flush()
        return _read(done)


def abandon(session: Session, *, queue_job_id: int) -> int:
    """Runs of a queue job whose worker died are abandoned (the queue retries the job)."""
    return repo.abandon_running(session, queue_job_id, utcnow())


def list_jobs(session: Session, *, actor: str) -> list[JobRead]:
    """Every job with its schedule and last run (admins)."""
    require_admin(session, actor, "sees background jobs")
    last = repo.last_runs(session)
    return [
        JobRead(
            name=s.name,
            title=s.title,
            every_seconds=s.every_seconds,
            last_status=last[s.name].status if s.name in last else None,
            last_started_at=_aware(last[s.name].started_at) if s.name in last else None,
        )
        for s in catalog.specs()
    ]


def history(
    session: Session, *, actor: str, name: str | None = None, limit: int = 50
) -> list[JobRunRead]:
    """The newest job runs, of one job or all (admins)."""
    require_admin(session, actor, "sees background jobs")
    if name is not None:
        catalog.spec(name)
    return [_read(r) for r in repo.runs(session, name=name, limit=max(1, min(limit, 1000)))]


def last_started(session: Session) -> dict[str, JobRunRead]:
    """The latest run of each job (the scheduler's memory across restarts)."""
    return {k: _read(v) for k, v in repo.last_runs(session).items()}
