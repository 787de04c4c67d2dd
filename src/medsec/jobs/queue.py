"""Server mode: the jobs on a PostgreSQL task queue (procrastinate), run by `medsec worker`.

Every job is a procrastinate task, deferred periodically (one defer per period whichever worker
does it) or by an admin. A worker that dies mid-job (kill -9, a lost machine) stops sending
heartbeats; any other worker then finds its jobs "stalled" and puts them back in the queue, so the
job runs again and completes (the dead attempt's run is recorded as abandoned). procrastinate
talks to PostgreSQL through psycopg 3 with its own small pool, beside SQLAlchemy's engine.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from medsec.config import Settings
from medsec.db.uow import unit_of_work
from medsec.errors import InvalidInput
from medsec.jobs import catalog, rules, service
from medsec.jobs.schemas import JobSpec

log = logging.getLogger("medsec.jobs")
QUEUE = "medsec"
RETRIES = 3  # attempts of a job that fails (raises) before it is left failed
RETRY_WAIT_SECONDS = 60


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL."""
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        raise InvalidInput(
            "the job queue needs PostgreSQL (MEDSEC_DATABASE_URL=postgresql+psycopg://…)"
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def task_name(job: str) -> str:
    """The queue's task name of a job."""
    return f"medsec.{job}"


def make_app(settings: Settings, factory: sessionmaker[Session]) -> Any:
    """A procrastinate app with every job as a periodic task, on the settings' database."""
    import procrastinate

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(settings.database_url))
    )
    for spec in catalog.specs():
        _add_task(app, spec, settings, factory)
    return app


def _add_task(app: Any, spec: JobSpec, settings: Settings, factory: sessionmaker[Session]) -> None:
    import procrastinate

    def body(context: Any, timestamp: int | None = None) -> dict[str, Any]:
        job = context.job
        result = service.run(
            lambda: unit_of_work(factory),
            settings,
            name=spec.name,
            trigger="worker",
            queue_job_id=job.id,
            attempt=job.attempts + 1,
        )
        if result.status != "succeeded":
            raise RuntimeError(f"job {spec.name} failed: {result.error}")
        return result.summary

    task = app.task(
        name=task_name(spec.name),
        queue=QUEUE,
        pass_context=True,
        lock=spec.name,  # never two runs of one job at once
        retry=procrastinate.RetryStrategy(max_attempts=RETRIES, wait=RETRY_WAIT_SECONDS),
    )(body)
    app.periodic(cron=rules.cron_for(spec.every_seconds), periodic_id=spec.name)(task)


def defer(settings: Settings, factory: sessionmaker[Session], name: str) -> int:
    """Put one run of a job on the queue now; returns the queue's job id."""
    spec = catalog.spec(name)
    app = make_app(settings, factory)
    with app.open():
        return int(app.tasks[task_name(spec.name)].defer(timestamp=None))


async def recover_stalled(app: Any, factory: sessionmaker[Session], stalled_after: float) -> int:
    """Put the jobs of workers silent for ``stalled_after`` seconds back in the queue."""
    recovered = 0
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
        try:
            await app.job_manager.retry_job(job)
        except Exception as exc:  # another worker recovered it first
            log.info("job %s was not requeued here: %s", job.id, exc)
            continue
        await asyncio.to_thread(_abandon, factory, job.id)
        log.warning("job %s (%s) of a stalled worker is queued again", job.id, job.task_name)
        recovered += 1
    return recovered


def _abandon(factory: sessionmaker[Session], queue_job_id: int) -> None:
    with unit_of_work(factory) as session:
        service.abandon(session, queue_job_id=queue_job_id)


def run_worker(settings: Settings, factory: sessionmaker[Session], *, concurrency: int = 1) -> None:
    """Run a worker until SIGINT/SIGTERM: jobs, periodic defers, and stalled-job recovery."""
    app = make_app(settings, factory)
    asyncio.run(_work(app, factory, settings, concurrency))


async def _work(
    app: Any, factory: sessionmaker[Session], settings: Settings, concurrency: int
) -> None:
    async with app.open_async():
        stalled_after = settings.worker_stalled_after
        await recover_stalled(app, factory, stalled_after)

        async def recovery_loop() -> None:
            while True:
                await asyncio.sleep(max(1.0, stalled_after / 2))
                try:
                    await recover_stalled(app, factory, stalled_after)
                except Exception:
                    log.exception("stalled-job recovery failed")

        loop = asyncio.create_task(recovery_loop())
        try:
            await app.run_worker_async(
                queues=[QUEUE],
                concurrency=concurrency,
                update_heartbeat_interval=settings.worker_heartbeat,
                stalled_worker_timeout=stalled_after,
                fetch_job_polling_interval=1.0,
            )
        finally:
            loop.cancel()
