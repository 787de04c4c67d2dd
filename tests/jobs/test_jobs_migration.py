"""Migration 0014 on both databases: its tables (and on PostgreSQL the task queue's schema)
come with the upgrade and go with the downgrade, and come back again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from medsec.db import migrate

OURS = {"job_run", "notification_preference", "notification_event", "notification_delivery"}
QUEUE = {"procrastinate_jobs", "procrastinate_workers", "procrastinate_events"}


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_upgrade_downgrade_and_upgrade_again(engine):
    postgres = engine.dialect.name == "postgresql"
    assert _tables(engine) >= OURS
    assert (_tables(engine) >= QUEUE) is postgres
    command.downgrade(migrate.alembic_config(engine), "0010")
    try:
        left = _tables(engine)
        assert not OURS & left
        assert not {t for t in left if t.startswith("procrastinate_")}
        if postgres:
            from sqlalchemy import text

            with engine.connect() as conn:
                leftovers = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_proc p JOIN pg_namespace n "
                        "ON n.oid = p.pronamespace WHERE n.nspname = current_schema() "
                        "AND p.proname LIKE 'procrastinate%'"
                    )
                ).scalar()
            assert leftovers == 0
    finally:
        migrate.upgrade(engine)
    assert _tables(engine) >= OURS
    assert (_tables(engine) >= QUEUE) is postgres
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
