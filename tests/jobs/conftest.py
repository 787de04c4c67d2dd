"""Job tests: those that need the real PostgreSQL (the worker queue) run in CI's PostgreSQL
stage and are deselected, not skipped, on the SQLite run."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config, items):
    """Deselect `postgres_only` tests when no PostgreSQL test database is set."""
    if os.environ.get("MEDSEC_TEST_DATABASE_URL"):
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def empty_queue(engine):
    """The PostgreSQL job queue emptied before and after the test."""
    from sqlalchemy import text

    def wipe() -> None:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "TRUNCATE procrastinate_events, procrastinate_periodic_defers, "
                    "procrastinate_jobs, procrastinate_workers RESTART IDENTITY CASCADE"
                )
            )

    wipe()
    yield
    wipe()
