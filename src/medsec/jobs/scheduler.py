"""The embedded scheduler: a thread inside `medsec serve` that starts due jobs.

Each due job runs in a child process (`python -m medsec.jobs.runner NAME`), one at a time, so
the server's own process keeps its garbage collector and its interpreter for requests. The last
run of each job is read from the database, so a restart does not run everything again at once,
and a job that never ran waits FIRST_RUN_DELAY_SECONDS after the start (a first `medsec serve`
does not begin by downloading every feed while someone is still looking around).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session, sessionmaker

from medsec.config import Settings
from medsec.core.clock import utcnow
from medsec.jobs import catalog, rules, service
from medsec.jobs.schemas import JobSpec

log = logging.getLogger("medsec.jobs")
TICK_SECONDS = 15.0
FIRST_RUN_DELAY_SECONDS = 300.0  # a job never run before waits this long after the start
STOP_GRACE_SECONDS = 10.0  # a running job may finish within this when the server stops
TERM_GRACE_SECONDS = 10.0  # then, after SIGTERM, it records its run as stopped within this


class Scheduler:
    """Start due jobs every ``tick`` seconds until ``stop()``."""

    def __init__(
        self,
        settings: Settings,
        factory: sessionmaker[Session],
        *,
        jobs: Sequence[JobSpec] | None = None,
        tick: float = TICK_SECONDS,
        command: Callable[[str], list[str]] | None = None,
        first_run_delay: float = FIRST_RUN_DELAY_SECONDS,
    ) -> None:
        self.settings = settings
        self.factory = factory
        self.jobs = list(jobs) if jobs is not None else catalog.specs()
        self.tick = tick
        self.command = command or (lambda name: [sys.executable, "-m", "medsec.jobs.runner", name])
        self.started_at = utcnow()
        self.first_run_delay = first_run_delay
        self._stop = threading.Event()
        self._child: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._loop, name="medsec-scheduler", daemon=True)

    def start(self) -> Scheduler:
        """Start the thread."""
        self.thread.start()
        log.info("scheduler started: %s", ", ".join(j.name for j in self.jobs))
        return self

    def stop(self) -> None:
        """Stop the thread: a running job gets SIGTERM after a grace period."""
        self._stop.set()
        with self._lock:
            child = self._child
        if child is not None:
            try:
                child.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.terminate()
                try:
                    child.wait(TERM_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        self.thread.join(TERM_GRACE_SECONDS + self.tick)

    def due(self) -> list[JobSpec]:
        """The jobs due now, by their last recorded run."""
        with self.factory() as session:
            last = service.last_started(session)
        now = utcnow()
        out = []
        for spec in self.jobs:
            started = last[spec.name].started_at if spec.name in last else None
            if started is not None and started.tzinfo is None:  # SQLite: naive UTC
                started = started.replace(tzinfo=now.tzinfo)
            if started is None:  # never run here: not at once (a short serve syncs nothing)
                if (now - self.started_at).total_seconds() >= self.first_run_delay:
                    out.append(spec)
            elif rules.is_due(started, spec.every_seconds, now):
                out.append(spec)
        return out

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                for spec in self.due():
                    if self._stop.is_set():
                        break
                    self._run(spec.name)
            except Exception:
                log.exception("scheduler tick failed")
            self._stop.wait(self.tick)

    def _run(self, name: str) -> None:
        env = dict(os.environ)
        env["MEDSEC_HOME"] = str(self.settings.home)
        env["MEDSEC_DATABASE_URL"] = self.settings.database_url
        with self._lock:
            if self._stop.is_set():  # stop() came first: start nothing it would not wait for
                return
            child = self._child = subprocess.Popen(self.command(name), env=env)
        code = child.wait()
        with self._lock:
            self._child = None
        if code:
            log.warning("scheduled job %s ended with exit code %s", name, code)


def start_if_embedded(settings: Settings) -> Scheduler | None:
    """The scheduler for `medsec serve` on the embedded database (MEDSEC_SCHEDULER=0: none)."""
    if not settings.is_embedded or not settings.scheduler:
        return None
    from medsec.db.engine import installation_session_factory

    return Scheduler(settings, installation_session_factory(settings)).start()
