"""Every query of jobs: the job_run table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from medsec.models import JobRun


def last_runs(session: Session) -> dict[str, JobRun]:
    """The latest run of each job by name."""
    latest = select(JobRun.name, func.max(JobRun.id).label("id")).group_by(JobRun.name).subquery()
    stmt = select(JobRun).join(latest, latest.c.id == JobRun.id)
    return {r.name: r for r in session.execute(stmt).scalars()}


def runs(session: Session, *, name: str | None, limit: int) -> list[JobRun]:
    """The newest runs, of one job or all."""
    stmt = select(JobRun).order_by(JobRun.id.desc()).limit(limit)
    if name is not None:
        stmt = stmt.where(JobRun.name == name)
    return list(session.execute(stmt).scalars())


def abandon_running(session: Session, queue_job_id: int, at: datetime) -> int:
    """Mark the runs of a queue job still 'running' (their worker died) as abandoned."""
    result = session.execute(
        update(JobRun)
        .where(JobRun.queue_job_id == queue_job_id, JobRun.status == "running")
        .values(status="abandoned", finished_at=at, error="the worker running it stopped")
    )
    return int(getattr(result, "rowcount", 0) or 0)
