"""The admin page of background jobs: schedule, last runs, and a button to run one now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep
from medsec.jobs import launch, service
from medsec.web.render import page
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


@router.get("/admin/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, session: SessionDep, user: UserDep) -> HTMLResponse:
    """Every job and the newest runs (admin)."""
    jobs = service.list_jobs(session, actor=user.principal.actor)
    runs = service.history(session, actor=user.principal.actor, limit=100)
    started = request.query_params.get("started")
    return page(request, "jobs/list.html", {"jobs": jobs, "runs": runs, "started": started})


@router.post("/admin/jobs/{name}/run")
def run_job(
    name: str,
    request: Request,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Start a job now (admin), then show the page again."""
    credentials.check_csrf(user.csrf, csrf)
    service.check_run_allowed(session, name=name, actor=user.principal.actor)
    session.commit()
    launch.start(request.app.state.settings, name=name, actor=user.principal.actor)
    return RedirectResponse(f"/admin/jobs?started={name}", status_code=303)
