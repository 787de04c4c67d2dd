"""Pure job rules: when a job is due, its cron form, and the queue's connection string."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from medsec.errors import InvalidInput
from medsec.jobs import queue, rules

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


def test_a_job_is_due_when_never_run_or_its_period_has_passed():
    assert rules.is_due(None, 3600, NOW)
    assert rules.is_due(NOW - timedelta(hours=1), 3600, NOW)
    assert not rules.is_due(NOW - timedelta(minutes=59), 3600, NOW)


@pytest.mark.parametrize(
    ("seconds", "cron"),
    [
        (30, "*/1 * * * *"),
        (60, "*/1 * * * *"),
        (900, "*/15 * * * *"),
        (3600, "0 */1 * * *"),
        (6 * 3600, "0 */6 * * *"),
        (86400, "0 3 * * *"),
    ],
)
def test_periods_become_cron_expressions(seconds, cron):
    assert rules.cron_for(seconds) == cron


def test_the_queue_connects_with_libpq_strings_and_refuses_sqlite():
    assert (
        queue.conninfo("postgresql+psycopg://medsec:pw@db.example:5433/medsec")
        == "postgresql://medsec:pw@db.example:5433/medsec"
    )
    with pytest.raises(InvalidInput, match="PostgreSQL"):
        queue.conninfo("sqlite:////tmp/medsec.db")
