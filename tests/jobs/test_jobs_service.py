"""Job runs on both databases: each attempt recorded (running, then succeeded or failed), the
history and the list for admins only, the registration hook, and the embedded scheduler."""

from __future__ import annotations

import gc
import sys
import time

import pytest
from sqlalchemy import select

from medsec.accounts import service as accounts
from medsec.config import Settings
from medsec.db.uow import unit_of_work
from medsec.errors import NotFound, PermissionDenied
from medsec.jobs import catalog, scheduler, service
from medsec.jobs.schemas import JobSpec
from medsec.models import AuditEvent, JobRun

ADMIN = "cli:ana"


@pytest.fixture
def jobs_world(session_factory, db_url, tmp_path):
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="ana", roles=["admin"], products=[], actor=ADMIN)
        accounts.add(s, name="vic", roles=["viewer"], products=[], actor=ADMIN)
    return session_factory, Settings(home=tmp_path / "home", database_url=db_url)


def _uow(factory):
    return lambda: unit_of_work(factory)


def test_a_run_is_recorded_with_its_summary_or_its_error(jobs_world, monkeypatch):
    factory, settings = jobs_world
    seen = []

    def body(ctx):
        seen.append(ctx.actor)
        with ctx.uow() as s:  # while it runs, its run is already visible as running
            running = s.execute(select(JobRun.status).where(JobRun.name == "probe")).scalar()
        return {"was": running}

    def broken(_ctx):
        raise ValueError("the mirror answered 404")

    monkeypatch.setattr(catalog, "_registered", {})
    catalog.register(JobSpec("probe", "a probe", 60, body))
    catalog.register(JobSpec("broken", "fails", 60, broken))
    ok = service.run(_uow(factory), settings, name="probe", trigger="manual", actor=ADMIN)
    assert (ok.status, ok.summary, ok.error, ok.actor) == (
        "succeeded",
        {"was": "running"},
        None,
        ADMIN,
    )
    assert seen == [ADMIN]
    bad = service.run(_uow(factory), settings, name="broken", trigger="schedule")
    assert bad.status == "failed" and bad.error == "ValueError: the mirror answered 404"
    assert bad.actor == "job:broken" and bad.finished_at is not None
    with unit_of_work(factory) as s:
        history = service.history(s, actor=ADMIN)
        assert [(r.name, r.status, r.trigger) for r in history] == [
            ("broken", "failed", "schedule"),
            ("probe", "succeeded", "manual"),
        ]
        listed = {j.name: j for j in service.list_jobs(s, actor=ADMIN)}
        assert listed["cvd-deadlines"].every_seconds == 3600  # listed by the cvd domain's tasks
        assert {"feed-sync", "rematch", "cvd-deadlines", "notifications-deliver"} <= set(listed)
        assert listed["probe"].last_status == "succeeded"
        assert listed["rematch"].last_status is None
    with pytest.raises(NotFound, match="feed-sync"):
        service.run(_uow(factory), settings, name="nope", trigger="manual")


def test_only_admins_see_and_start_jobs_and_starting_is_audited(jobs_world):
    factory, _settings = jobs_world
    with unit_of_work(factory) as s:
        for call in (
            lambda: service.list_jobs(s, actor="cli:vic"),
            lambda: service.history(s, actor="cli:vic"),
            lambda: service.check_run_allowed(s, name="rematch", actor="cli:vic"),
            lambda: service.history(s, actor="cli:nobody"),
        ):
            with pytest.raises(PermissionDenied):
                call()
        service.check_run_allowed(s, name="rematch", actor=ADMIN)
        last = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
        assert (last.action, last.actor, last.details) == ("job.run", ADMIN, {"job": "rematch"})


def test_the_builtin_jobs_run_on_an_empty_database(jobs_world):
    factory, settings = jobs_world
    for name in ("rematch", "cvd-deadlines", "notifications-deliver"):
        run = service.run(_uow(factory), settings, name=name, trigger="manual", actor=ADMIN)
        assert run.status == "succeeded", run.error
    with unit_of_work(factory) as s:
        by_name = {r.name: r.summary for r in service.history(s, actor=ADMIN)}
    assert by_name["rematch"]["new"] == 0
    assert by_name["cvd-deadlines"] == {"deliveries_queued": 0}
    assert by_name["notifications-deliver"] == {"sent": 0, "retrying": 0, "failed": 0}


def test_the_embedded_scheduler_runs_due_jobs_in_child_processes_and_stops_cleanly(
    jobs_world, db_url
):
    factory, settings = jobs_world
    jobs = [s for s in catalog.specs() if s.name in ("cvd-deadlines", "notifications-deliver")]
    gc_was = gc.isenabled()
    assert scheduler.Scheduler(settings, factory, jobs=jobs).due() == []  # not at once
    sched = scheduler.Scheduler(settings, factory, jobs=jobs, tick=0.2, first_run_delay=0)
    assert sorted(j.name for j in sched.due()) == ["cvd-deadlines", "notifications-deliver"]
    sched.start()
    try:
        end = time.monotonic() + 90
        while time.monotonic() < end:
            with unit_of_work(factory) as s:
                done = s.execute(select(JobRun.name, JobRun.status, JobRun.trigger)).all()
            if len([d for d in done if d[1] == "succeeded"]) == 2:
                break
            time.sleep(0.2)
        assert gc.isenabled() == gc_was  # the server's process keeps its collector
        assert sched.thread.is_alive()
    finally:
        started = time.monotonic()
        sched.stop()
        stopped_in = time.monotonic() - started
    assert sorted(done) == [
        ("cvd-deadlines", "succeeded", "schedule"),
        ("notifications-deliver", "succeeded", "schedule"),
    ]
    assert not sched.thread.is_alive() and stopped_in < 5
    assert sched.due() == []  # a restart would not run them again before their period


def test_stopping_the_scheduler_ends_a_running_job_and_records_it(jobs_world, monkeypatch):
    factory, settings = jobs_world
    monkeypatch.setattr(scheduler, "STOP_GRACE_SECONDS", 0.5)
    slow = JobSpec("slow", "sleeps", 3600, lambda _ctx: {})
    # the child is a Python that records a running row, then sleeps: what a stuck job looks like
    code = (
        "import sys,time; from medsec.jobs import runner, catalog; "
        "from medsec.jobs.schemas import JobSpec; "
        "catalog.register(JobSpec('slow','sleeps',3600,lambda c: time.sleep(60) or {})); "
        "sys.exit(runner.main(['slow']))"
    )
    sched = scheduler.Scheduler(
        settings,
        factory,
        jobs=[slow],
        tick=0.2,
        command=lambda _n: [sys.executable, "-c", code],
        first_run_delay=0,
    )
    sched.start()
    try:
        end = time.monotonic() + 60
        while time.monotonic() < end:
            with unit_of_work(factory) as s:
                if s.execute(select(JobRun.status)).scalar() == "running":
                    break
            time.sleep(0.2)
    finally:
        sched.stop()
    assert not sched.thread.is_alive()
    with unit_of_work(factory) as s:
        row = s.execute(select(JobRun)).scalar_one()
    assert (row.status, row.error) == ("failed", "Stopped: stopped with the server")
