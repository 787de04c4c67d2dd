"""Server mode on the real PostgreSQL: `medsec worker` processes on the procrastinate queue.
A worker killed with SIGKILL in the middle of a job loses nothing: another worker finds the job
stalled (no heartbeat), queues it again, and it completes once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import orjson
import pytest
from jobs_world import HoldingMirror, child_env
from sqlalchemy import func, select, text

from medsec.config import get_settings
from medsec.db.uow import unit_of_work
from medsec.jobs import queue
from medsec.models import JobRun, KevEntryRow

pytestmark = [pytest.mark.postgres_only, pytest.mark.shared_data]


def _wait(what, check, timeout=90.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _queue_status(engine, job_id):
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT status::text, attempts FROM procrastinate_jobs WHERE id = :i"),
            {"i": job_id},
        ).one()


def _runs(factory, job_id):
    with unit_of_work(factory) as s:
        rows = s.execute(
            select(JobRun).where(JobRun.queue_job_id == job_id).order_by(JobRun.id)
        ).scalars()
        return [(r.status, r.attempt, r.trigger) for r in rows]


def _registered_workers(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM procrastinate_workers")).scalar()


def _worker(env, log):
    return subprocess.Popen(
        [sys.executable, "-m", "medsec", "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
    )


def test_a_worker_killed_mid_job_loses_nothing(
    engine, session_factory, db_url, tmp_path, shared_data, empty_queue
):
    kev = (shared_data / "kev/known_exploited_vulnerabilities.json").read_bytes()
    listed = len(orjson.loads(kev)["vulnerabilities"])
    with HoldingMirror(kev) as mirror, open(tmp_path / "workers.log", "wb") as log:
        env = child_env(
            db_url,
            tmp_path / "home",
            MEDSEC_JOB_FEEDS="kev",
            MEDSEC_FEED_KEV_URL=mirror.url,
            MEDSEC_FEED_RETRIES="0",
            MEDSEC_WORKER_HEARTBEAT="0.5",
            MEDSEC_WORKER_STALLED_AFTER="3",
        )
        job_id = queue.defer(get_settings(env), session_factory, "feed-sync")
        first = _worker(env, log)
        try:
            assert mirror.first_arrived.wait(90), "the first worker never started the download"
            _wait("the run recorded as running", lambda: _runs(session_factory, job_id))
            os.kill(first.pid, signal.SIGKILL)  # mid-job: the download is still held
            assert first.wait(30) == -signal.SIGKILL
        finally:
            if first.poll() is None:
                first.kill()
        assert _queue_status(engine, job_id)[0] == "doing"  # the queue still thinks it runs
        assert _runs(session_factory, job_id) == [("running", 1, "worker")]
        with unit_of_work(session_factory) as s:
            assert s.execute(select(func.count()).select_from(KevEntryRow)).scalar() == 0

        second = _worker(env, log)
        try:
            _wait(
                "the job to complete on the second worker",
                lambda: _queue_status(engine, job_id)[0] == "succeeded",
            )
        finally:
            second.send_signal(signal.SIGTERM)  # a graceful stop
            try:
                second.wait(30)
            except subprocess.TimeoutExpired:
                second.kill()
                raise
    assert second.returncode == 0, (tmp_path / "workers.log").read_text()[-3000:]
    assert _runs(session_factory, job_id) == [
        ("abandoned", 1, "worker"),
        ("succeeded", 2, "worker"),
    ]
    assert _queue_status(engine, job_id) == ("succeeded", 2)  # the killed try and the good one
    with unit_of_work(session_factory) as s:
        assert s.execute(select(func.count()).select_from(KevEntryRow)).scalar() == listed
    assert mirror.requests == 2  # the killed download and the one that completed


def test_two_workers_share_the_queue_and_run_each_job_once(
    engine, session_factory, db_url, tmp_path, empty_queue
):
    env = child_env(db_url, tmp_path / "home", MEDSEC_WORKER_HEARTBEAT="0.5")
    settings = get_settings(env)
    ids = [queue.defer(settings, session_factory, name) for name in ("cvd-deadlines", "rematch")]
    ids.append(queue.defer(settings, session_factory, "notifications-deliver"))
    with open(tmp_path / "workers.log", "wb") as log:
        workers = [_worker(env, log) for _ in range(2)]
        try:
            _wait("both workers registered", lambda: _registered_workers(engine) == 2)
            _wait(
                "every job done",
                lambda: all(_queue_status(engine, i)[0] == "succeeded" for i in ids),
            )
        finally:
            for w in workers:
                w.send_signal(signal.SIGTERM)
            for w in workers:
                w.wait(30)
    assert [w.returncode for w in workers] == [0, 0]
    for i in ids:
        assert _runs(session_factory, i) == [("succeeded", 1, "worker")]
