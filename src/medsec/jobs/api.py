"""`/api/v1/jobs`: the background jobs, their history, and starting one (admins)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from medsec.api.deps import ApiPrincipal, SessionDep
from medsec.jobs import launch, service
from medsec.jobs.schemas import JobRead, JobRunRead

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


class JobStarted(BaseModel):
    """A job started away from the request: on the queue (with its id) or in a child process."""

    job: str
    queued: bool
    queue_job_id: int | None


@router.get("", response_model=list[JobRead])
def list_jobs(session: SessionDep, who: ApiPrincipal) -> list[JobRead]:
    """Every background job with its schedule and last run (admin)."""
    return service.list_jobs(session, actor=who.actor)


@router.get("/runs", response_model=list[JobRunRead])
def job_runs(
    session: SessionDep,
    who: ApiPrincipal,
    job: str | None = Query(default=None, max_length=100),
    limit: int = Query(default=50, ge=1, le=1000),
) -> list[JobRunRead]:
    """The newest job runs, of one `?job=` or all (admin)."""
    return service.history(session, actor=who.actor, name=job, limit=limit)


@router.post("/{name}/runs", status_code=202, response_model=JobStarted)
def start_job(name: str, request: Request, session: SessionDep, who: ApiPrincipal) -> JobStarted:
    """Start a job now (admin); its run appears in `/api/v1/jobs/runs`."""
    service.check_run_allowed(session, name=name, actor=who.actor)
    session.commit()  # the audit record stands even if the start below fails
    queue_id = launch.start(request.app.state.settings, name=name, actor=who.actor)
    return JobStarted(job=name, queued=queue_id is not None, queue_job_id=queue_id)
